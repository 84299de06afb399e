/*
 * settings.h: the settings of one run, struct osc_options: every option's
 * value after option files, environment and command line.
 *
 * The phase machine and the modules it drives read these values; the
 * command line (osc/cli/options.c, the option table) fills them. So the
 * struct lives here, below the command line: cli -> migrate, never the
 * other way (DESIGN.md 8). A new option's field goes here, its row into
 * the option table, its default into osc_options_init() (osc/cli/).
 */
#ifndef OSC_MIGRATE_SETTINGS_H
#define OSC_MIGRATE_SETTINGS_H

#include "util/compat.h"
#include "throttle/throttle.h"
#include "util/db.h"
#include "util/strbuf.h"

/* --max-load when none is given. */
#define OSC_DEFAULT_MAX_LOAD "Threads_running=25"

/* --triggers */
enum osc_triggers_mode {
	OSC_TRIGGERS_CARRY = 0,	/* move them to the new table at cut-over */
	OSC_TRIGGERS_REFUSE,	/* refuse a table that has triggers */
};

/* The values of every option, after files, environment and argv. */
/*
 * --instant: whether a metadata-only ALTER (ALGORITHM=INSTANT) stands in
 * for the copy. auto by default (issue 15): it changes only metadata, so
 * it is as short on the replicas, which run the same DDL; it waits for
 * the throttler before it starts, but once started it cannot be paused
 * or undone, so --instant=never is there to always copy.
 */
enum osc_instant {
	OSC_INSTANT_NEVER = 0, /* always copy */
	OSC_INSTANT_AUTO,      /* instant when the server can, else copy */
	OSC_INSTANT_ONLY,      /* instant or refuse; never copy */
};

struct osc_options {
	/* What to do. */
	char *alter;	/* --alter: clauses after ALTER TABLE t */
	char *database; /* from the DB.TABLE argument */
	char *table;
	int execute; /* --execute; without it, a dry run */
	int migrate_on_replica; /* --migrate-on-replica: read_only or replica */
	int resume;  /* --resume: go on from the changelog's checkpoint */

	/* Connection (the mysql client's options). */
	char *host;
	uint64_t port; /* 0: the library's default */
	char *user;
	char *password;	     /* never printed; wiped from memory on release */
	int password_prompt; /* -p or --password without a value */
	char *socket;
	int ssl_mode; /* enum db_ssl_mode */
	char *ssl_ca;
	char *ssl_capath;
	char *ssl_cert;
	char *ssl_key;
	char *ssl_cipher;
	char *ssl_crl;
	uint64_t connect_timeout_ms;

	/* Copy and cut-over. */
	uint64_t chunk_rows;		   /* --chunk-size */
	int chunk_rows_fixed;		   /* --chunk-size given: no adapting */
	uint64_t chunk_time_ms;		   /* --chunk-time: target per chunk */
	uint64_t chunk_rows_min;	   /* --chunk-size-min */
	uint64_t chunk_rows_max;	   /* --chunk-size-max */
	uint64_t chunk_max_bytes;	   /* --chunk-size-max-bytes */
	uint64_t cut_over_lock_timeout_ms; /* lock_wait_timeout at cut-over */
	uint64_t cut_over_retries;
	int no_drop_old_table;
	int instant; /* enum osc_instant (--instant) */
	int triggers;	/* --triggers: enum osc_triggers_mode */
	int verify;	/* --verify: compare before the cut-over */
	int verify_repair; /* --verify-repair: copy a differing chunk again */

	/*
	 * Throttling (osc/migrate/engine-throttle.c turns these into a throttler).
	 * The lists and the load specs are checked when parsed.
	 */
	uint64_t max_lag_ms;
	uint64_t max_lag_unknown_ms;	/* unreachable replica: abort; 0 never */
	struct throttle_replica_list replicas;	      /* --replica */
	struct throttle_replica_list ignore_replicas; /* --ignore-replica */
	struct throttle_replica_list galera_nodes;    /* --galera-node */
	double max_flow_ctl;	/* --max-flow-ctl, 0..1 */
	int max_flow_ctl_set;	/* given: the fraction is checked */
	char *replica_user;	/* NULL: the primary's user */
	char *replica_password; /* NULL: the primary's; wiped on release */
	int discover_replicas;
	char *max_load;	     /* NULL: OSC_DEFAULT_MAX_LOAD; "": off */
	char *critical_load; /* NULL or "": off */
	uint64_t critical_load_hits;
	char *throttle_flag_file;
	char *throttle_query;
	uint64_t heartbeat_interval_ms;

	/* Operating the run (osc/migrate/engine-ops.c). */
	uint64_t status_interval_ms;	/* --status-interval */
	char *status_socket;
	char *postpone_cut_over_flag_file;
	char *panic_flag_file;
	char *hooks_dir;
	uint64_t hook_timeout_ms;
	uint64_t max_runtime_ms;	/* 0: no limit */

	/* Option files (command line only). */
	char *defaults_file;
	char *defaults_extra_file;
	int no_defaults;

	/* Output. */
	int verbosity;	/* -1 quiet (-q), 0 default, 1 -v, 2 -vv */
	int log_format; /* enum log_format */
	char *summary_json; /* --summary-json: where the outcome goes */
	char *history;	    /* --history: DB.TABLE of one row per run */
	int show_help;
	int show_version;
};

/* Point a struct db_options at the connection values (borrowed). */
void osc_options_to_db(const struct osc_options *opts, struct db_options *db);

/* Format a duration for --help and messages: 500ms, 2s, 1m30s. */
void osc_format_duration(struct strbuf *out, uint64_t ms);

#endif
