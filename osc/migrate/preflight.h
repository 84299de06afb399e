/*
 * preflight.h: phase 1 (DESIGN.md section 3), read-only checks, and the
 * facts they find.
 *
 * osc_preflight_run() connects, runs every check that can run, prints one
 * "error: ..." line per problem (the subject quoted, the fix given) and
 * fills struct osc_preflight with what it found. It never changes the
 * server: it reads variables and information_schema, and asks
 * IS_FREE_LOCK (it does not take the lock: the engine does, with
 * GET_LOCK, on its own connection).
 *
 * The facts are what later phases start from: the engine takes the
 * connection (pf->db), the canonical database and table names (the
 * server's spelling), the chosen key and the object names from here
 * rather than asking again.
 */
#ifndef OSC_OSC_PREFLIGHT_H
#define OSC_OSC_PREFLIGHT_H

#include <stddef.h>
#include "util/compat.h"
#include <stdint.h>
#include <stdio.h>
#include "ddl/ddl.h"
#include "osc/migrate/galera.h"
#include "osc/migrate/settings.h"
#include "util/db.h"
#include "util/strbuf.h"

enum osc_flavor {
	OSC_FLAVOR_UNKNOWN = 0,
	OSC_FLAVOR_MARIADB,
	OSC_FLAVOR_MYSQL,
};

struct osc_server_facts {
	char *where;	       /* "127.0.0.1:3306", from db_describe_target */
	char *version;	       /* @@version: "10.11.19-MariaDB-0+deb12u1" */
	char *version_comment; /* @@version_comment */
	enum osc_flavor flavor;
	unsigned int major, minor, patch;
	unsigned long version_id; /* major*10000 + minor*100 + patch */
	char *user;		  /* CURRENT_USER() as 'user'@'host' */
	int log_bin;
	char *binlog_format;	/* @@global.binlog_format */
	char *binlog_row_image; /* @@global.binlog_row_image */
	uint64_t server_id;
	int lower_case_table_names;
	int has_roles; /* granted roles (not counted by the check) */
	int wsrep_on;  /* a Galera node: @@global.wsrep_on is ON */
	int read_only;	       /* @@global.read_only */
	int log_replica_updates; /* @@global.log_slave_updates */
	/* A replica: the server's replica status lists a source (-1: the
	 * status could not be read, the user lacks the privilege). */
	int is_replica;
	/*
	 * @@global.sql_mode: what a DBA's own ALTER runs under. The ghost
	 * is built under it; rows are copied and replayed under osc's mode
	 * plus sql_mode_extra, its flags that convert values
	 * (db_sql_mode_extra(), util/db.h), also set in pf->dbopts.
	 */
	char *sql_mode;
	char *sql_mode_extra;
	/* @@global.time_zone unless it is UTC (ddl_plan's time_zone) */
	char *time_zone;
	int can_trigger;  /* TRIGGER on the database (or the tables) */
	int can_set_user; /* SUPER or SET USER: any trigger DEFINER */
};

/*
 * A trigger of the table, as the server stores it: what the cut-over
 * needs to create it again, byte for byte, on the new table.
 */
struct osc_trigger {
	char *name;
	char *timing;		/* BEFORE, AFTER */
	char *event;		/* INSERT, UPDATE, DELETE */
	unsigned long order;	/* ACTION_ORDER within timing and event */
	char *definer;		/* user@host as the catalog shows it */
	/* The session it was created in (SHOW CREATE TRIGGER). */
	char *sql_mode;
	char *client_charset;	/* character_set_client */
	char *connection_collation;
	char *database_collation;
	/* "SQL Original Statement", raw bytes in client_charset. */
	char *statement;
	struct ddl_trigger_text text;	/* parsed statement */
};

struct osc_table_facts {
	/* The server's spelling once found; the user's before that. */
	char *db;
	char *table;
	int db_exists;
	int table_exists;
	char *engine;
	uint64_t rows_estimate; /* information_schema.TABLES.TABLE_ROWS */
	uint64_t data_bytes;
	uint64_t index_bytes;
	int partitioned;
	size_t generated_columns;

	/* The key that chunks the copy and keys the replay. */
	char *key_name; /* "PRIMARY" or a unique key; NULL: none */
	int key_is_primary;
	char **key_columns;
	size_t key_columns_nr, key_columns_alloc;

	/* In creation order: by event, timing, ACTION_ORDER. */
	struct osc_trigger *triggers;
	size_t triggers_nr, triggers_alloc;
	size_t fk_own_nr;	  /* foreign keys of this table */
	char *fk_own_list;	  /* "`fk` (to `db`.`p`), ...", or NULL */
	size_t fk_referencing_nr; /* other tables' keys pointing here */
	/* Those keys (the parent side), moved to the new table at cut-over. */
	struct osc_child_fk {
		char *schema, *table, *name;	/* the child, the constraint */
		char *definition;	/* FOREIGN KEY ... REFERENCES t ... */
	} *children;
	size_t children_alloc;	/* children_nr is fk_referencing_nr */
	char *children_list;	/* "`fk` of `db`.`c`, ...", or NULL */

	/* Objects a run creates (names.h), unquoted. */
	char *ghost_name;     /* _t_new */
	char *old_name;	      /* _t_old */
	char *changelog_name; /* _t_osc */
	char *lock_name;      /* osc.db.t */
};

struct osc_preflight {
	struct db *db;		  /* the main connection; NULL if it failed */
	struct db_options dbopts; /* borrowed from the options */
	struct osc_server_facts server;
	struct osc_table_facts table;
	/*
	 * The replicas to watch, each reached and identified (server id,
	 * uuid) once; those --ignore-replica names have `ignored` set.
	 */
	struct throttle_replica_list replicas;
	/* A Galera node (galera.h): its cluster and the nodes; on = 0. */
	struct osc_galera_facts galera;
	size_t failures; /* error lines printed */
	size_t warnings;
};

/*
 * Run every check; print each problem with error() (and notes with
 * warning()). Returns 0 when all passed, -1 when any failed (pf->failures
 * says how many). pf->db stays open either way (NULL when the connection
 * failed); osc_preflight_release() closes it.
 */
int osc_preflight_run(struct osc_preflight *pf,
		      const struct osc_options *opts) OSC_WARN_UNUSED;

/* Close the connection and free the facts. */
void osc_preflight_release(struct osc_preflight *pf);

/*
 * The dry-run report: the facts, the objects a run would create, what
 * --execute would do, and (when not NULL) the plan text and the ghost's
 * definition as the server built it; text, or one JSON object with
 * --log-format=json. `settings` (or NULL) is "name=value" lines, the
 * effective option values (osc_options_settings): a "settings:" block,
 * or a "settings" object in JSON.
 */
void osc_preflight_report(const struct osc_preflight *pf,
			  const struct osc_options *opts,
			  const char *plan_text, const char *ghost_create,
			  const char *instant_line, const char *settings,
			  struct strbuf *out);

/* "MariaDB", "MySQL" or "unknown". */
const char *osc_flavor_name(enum osc_flavor flavor);

/*
 * Parse a @@version string into the facts' flavor and numbers (pure).
 * `comment` (@@version_comment) helps tell MySQL from MariaDB when the
 * version string does not say. Returns 0, or -1 when no x.y.z is found.
 */
int osc_parse_server_version(const char *version, const char *comment,
			     struct osc_server_facts *out);

#endif
