/*
 * preflight.c: phase 1, the read-only checks (see preflight.h).
 *
 * Every check that can run does, so that one run lists every problem: a
 * DBA fixing a server setting should not learn about the missing grant on
 * the next try. Checks that need something that failed (the connection,
 * the database, the table) are skipped silently; the failure before them
 * has been reported. Each problem is one error() line with the subject
 * quoted and, when there is one, the fix.
 *
 * All catalog reads go through information_schema, which MySQL 8 and
 * MariaDB both have with the same columns for what is read here.
 */
#include "util/compat.h"
#include "osc/migrate/preflight.h"
#include "osc/migrate/changelog.h"
#include "osc/migrate/recover.h"
#include "binlog/binlog.h"
#include "ddl/ddl.h"
#include "osc/migrate/names.h"
#include "osc/replay/watch.h"
#include "util/ident.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <strings.h>

/* Privileges osc needs on the database of the table (DESIGN.md 3). */
static const char *const db_privileges[] = {
    "SELECT", "INSERT", "UPDATE", "DELETE",	 "CREATE",
    "DROP",   "ALTER",	"INDEX",  "LOCK TABLES",
};

/* Schemas osc refuses to touch. */
static const char *const system_schemas[] = {
    "mysql",
    "information_schema",
    "performance_schema",
    "sys",
};

/*
 * Read-only server facts; @@global because other sessions' writes are
 * logged with the global settings, not with ours.
 */
static const char SQL_SERVER_FACTS[] =
    "SELECT @@version, @@version_comment, @@global.log_bin, "
    "@@global.binlog_format, @@global.binlog_row_image, "
    "@@global.server_id, @@lower_case_table_names, CURRENT_USER(), "
    "@@global.sql_mode, @@global.time_zone, @@system_time_zone";

static void fail(struct osc_preflight *pf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fail(struct osc_preflight *pf, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("%s", sb.buf);
	strbuf_release(&sb);
	pf->failures++;
}

static void note(struct osc_preflight *pf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(struct osc_preflight *pf, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	warning("%s", sb.buf);
	strbuf_release(&sb);
	pf->warnings++;
}

const char *osc_flavor_name(enum osc_flavor flavor)
{
	switch (flavor) {
	case OSC_FLAVOR_MARIADB:
		return "MariaDB";
	case OSC_FLAVOR_MYSQL:
		return "MySQL";
	case OSC_FLAVOR_UNKNOWN:
		break;
	}
	return "unknown";
}

int osc_parse_server_version(const char *version, const char *comment,
			     struct osc_server_facts *out)
{
	unsigned int major, minor, patch;

	if (!version ||
	    sscanf(version, "%u.%u.%u", &major, &minor, &patch) != 3)
		return -1;
	out->major = major;
	out->minor = minor;
	out->patch = patch;
	out->version_id = major * 10000UL + minor * 100UL + patch;
	if (strcasestr(version, "mariadb") ||
	    (comment && strcasestr(comment, "mariadb")))
		out->flavor = OSC_FLAVOR_MARIADB;
	else
		out->flavor = OSC_FLAVOR_MYSQL;
	return 0;
}

/*
 * The server's default zone, which a DBA's ALTER converts TIMESTAMPs in,
 * or NULL when it is UTC (osc's own sessions run in UTC: util/db.h).
 * A zone named otherwise is taken as not UTC: a conversion to the same
 * zone changes nothing.
 */
static char *zone_unless_utc(const char *global, const char *system)
{
	static const char *const utc[] = {
		"+00:00", "-00:00", "UTC", "Etc/UTC", "GMT", "Etc/GMT",
		"Universal", "Etc/Universal", "Zulu", "Etc/Zulu",
	};
	const char *z = global;
	size_t i;

	if (!z)
		return NULL;
	if (!strcasecmp(z, "SYSTEM"))
		z = system ? system : "";
	for (i = 0; i < ARRAY_SIZE(utc); i++)
		if (!strcasecmp(z, utc[i]))
			return NULL;
	return xstrdup(global);
}

/* A qualified name for messages: `db`.`t`. */
static const char *qname(struct strbuf *sb, const char *db, const char *t)
{
	strbuf_reset(sb);
	if (quote_qualified(sb, db, t) < 0)
		strbuf_addstr(sb, "(bad name)");
	return sb->buf;
}

static void add_literal(struct osc_preflight *pf, struct strbuf *sql,
			const char *s)
{
	db_append_literal(pf->db, sql, s, strlen(s));
}

/* Database and table names: the server's rule (util/ident.h). */
static int same_name(const struct osc_preflight *pf, const char *a,
		     const char *b)
{
	return ident_name_eq(pf->server.lower_case_table_names, a, b);
}

static char *dup_value(const struct db_row *row, unsigned int i)
{
	return xstrdup(row->values[i] ? row->values[i] : "");
}

static uint64_t u64_value(const struct db_row *row, unsigned int i)
{
	return row->values[i] ? strtoull(row->values[i], NULL, 10) : 0;
}

/*
 * Run a catalog query; on error report it as a failed check (these
 * queries need no privilege, so an error is worth a line of its own).
 */
static struct db_result *query(struct osc_preflight *pf, const char *sql,
			       const char *purpose)
{
	struct strbuf err = STRBUF_INIT;
	struct db_result *res = NULL;

	if (db_query(pf->db, sql, &res, &err) < 0) {
		fail(pf, "cannot read %s: %s", purpose, err.buf);
		res = NULL;
	}
	strbuf_release(&err);
	return res;
}

static int connect_server(struct osc_preflight *pf,
			  const struct osc_options *opts)
{
	struct strbuf err = STRBUF_INIT;
	struct strbuf where = STRBUF_INIT;
	unsigned int code = 0;

	osc_options_to_db(opts, &pf->dbopts);
	db_describe_target(&pf->dbopts, &where);
	pf->server.where = strbuf_detach(&where, NULL);
	pf->db = db_connect(&pf->dbopts, "main", &code, &err);
	if (pf->db) {
		strbuf_release(&err);
		return 0;
	}
	switch (code) {
	case DB_ER_ACCESS_DENIED:
		strbuf_addstr(&err, "; check the user and password (-u, -p, "
				    "the option files, MYSQL_PWD)");
		break;
	case DB_CR_CONNECTION_ERROR:
	case DB_CR_CONN_HOST_ERROR:
	case DB_CR_UNKNOWN_HOST:
		strbuf_addstr(&err, "; check that the server runs and that "
				    "--host, --port or --socket point at it");
		break;
	}
	fail(pf, "%s", err.buf);
	strbuf_release(&err);
	return -1;
}

/* 'user'@'host' from CURRENT_USER()'s user@host. */
static char *grantee_of(const char *current_user)
{
	struct strbuf sb = STRBUF_INIT;
	const char *at = strrchr(current_user, '@');
	size_t ulen = at ? (size_t)(at - current_user) : strlen(current_user);

	/* The GRANTEE column has no escaping: the bytes as they are. */
	strbuf_addch(&sb, '\'');
	strbuf_add(&sb, current_user, ulen);
	strbuf_addstr(&sb, "'@'");
	if (at)
		strbuf_addstr(&sb, at + 1);
	strbuf_addch(&sb, '\'');
	return strbuf_detach(&sb, NULL);
}

static int check_server(struct osc_preflight *pf)
{
	struct osc_server_facts *s = &pf->server;
	struct db_result *res;
	struct db_row row;
	struct strbuf err = STRBUF_INIT;
	int got;

	res = query(pf, SQL_SERVER_FACTS, "the server settings");
	if (!res)
		return -1;
	got = db_result_next(res, &row, &err);
	if (got <= 0 || row.ncols < 11) {
		fail(pf, "cannot read the server settings: %s",
		     err.len ? err.buf : "no row");
		db_result_free(res);
		strbuf_release(&err);
		return -1;
	}
	s->version = dup_value(&row, 0);
	s->version_comment = dup_value(&row, 1);
	s->log_bin = row.values[2] && strcmp(row.values[2], "0") &&
		     strcasecmp(row.values[2], "OFF");
	s->binlog_format = dup_value(&row, 3);
	s->binlog_row_image = dup_value(&row, 4);
	s->server_id = u64_value(&row, 5);
	s->lower_case_table_names = (int)u64_value(&row, 6);
	s->user = grantee_of(row.values[7] ? row.values[7] : "");
	s->sql_mode = dup_value(&row, 8);
	s->time_zone = zone_unless_utc(row.values[9], row.values[10]);
	db_result_free(res);
	{
		/* Every later connection copies and replays under the
		 * server's conversion rules (util/db.h). */
		struct strbuf extra = STRBUF_INIT;

		db_sql_mode_extra(s->sql_mode, &extra);
		s->sql_mode_extra = strbuf_detach(&extra, NULL);
		pf->dbopts.sql_mode_extra = s->sql_mode_extra;
	}
	strbuf_release(&err);

	if (osc_parse_server_version(s->version, s->version_comment, s) < 0)
		note(pf, "cannot parse the server version '%s'", s->version);
	else if ((s->flavor == OSC_FLAVOR_MARIADB && s->version_id < 100600) ||
		 (s->flavor == OSC_FLAVOR_MYSQL && s->version_id < 80000))
		note(pf,
		     "server %s %s is older than osc supports (MariaDB "
		     "10.6+, MySQL 8.0+); carry on at your own risk",
		     osc_flavor_name(s->flavor), s->version);

	if (!s->log_bin)
		fail(pf,
		     "binary log is off on %s; osc reads changes from it: "
		     "restart the server with log_bin enabled (e.g. "
		     "--log-bin) and binlog_format=ROW",
		     s->where);
	if (strcasecmp(s->binlog_format, "ROW"))
		fail(pf,
		     "binlog_format is '%s' on %s; osc needs ROW: SET "
		     "GLOBAL binlog_format = 'ROW' (and in my.cnf), then let "
		     "sessions opened before it end",
		     s->binlog_format, s->where);
	if (strcasecmp(s->binlog_row_image, "FULL"))
		fail(pf,
		     "binlog_row_image is '%s' on %s; osc needs FULL: SET "
		     "GLOBAL binlog_row_image = 'FULL' (and in my.cnf), then "
		     "let sessions opened before it end",
		     s->binlog_row_image, s->where);
	return 0;
}

/*
 * Galera (issue 16; galera.h says what was measured): a node is
 * supported when it is Synced in the primary component, runs its DDL in
 * total order isolation (TOI), and its nodes can be reached, with server
 * ids of their own (a change made on another node is told by the server
 * id of its row events). The binlog settings are checked above for every
 * server: on 10.11 a node with log_bin binlogs every writeset it applies,
 * in total order, with or without log_slave_updates. The primary key is
 * checked in check_galera_key(), once the key is known.
 */
static void report_lines(struct osc_preflight *pf, struct strbuf *lines,
			 int failing, const char *suffix);

static void check_galera(struct osc_preflight *pf,
			 const struct osc_options *opts)
{
	struct osc_server_facts *s = &pf->server;
	struct osc_galera_facts *g = &pf->galera;
	struct strbuf err = STRBUF_INIT, notes = STRBUF_INIT;
	struct strbuf problems = STRBUF_INIT;
	struct db_options no = pf->dbopts;
	unsigned int timeout_s;

	if (osc_galera_read(pf->db, g, &err) < 0) {
		fail(pf, "cannot read the wsrep settings of %s: %s", s->where,
		     err.buf);
		goto out;
	}
	s->wsrep_on = g->on;
	if (!g->on)
		goto out;
	if (opts->replica_user)
		no.user = opts->replica_user;
	if (opts->replica_password)
		no.password = opts->replica_password;
	timeout_s = pf->dbopts.connect_timeout_s ? pf->dbopts.connect_timeout_s
						 : 10;
	osc_galera_check(g, s->where, s->server_id, &opts->galera_nodes, &no,
			 timeout_s, &notes, &problems);
	report_lines(pf, &notes, 0, "");
	report_lines(pf, &problems, 1, "");
	/*
	 * The cut-over's sessions run with wsrep_on=OFF (cutover.h), which
	 * needs SUPER (measured on 10.11.19: error 1227 without it). Tried
	 * here and set back, so that a run does not copy the whole table
	 * to fail at the cut-over.
	 */
	strbuf_reset(&err);
	if (db_session_set(pf->db, "wsrep_on", "OFF", &err) < 0)
		fail(pf,
		     "user %s cannot SET SESSION wsrep_on = OFF on Galera "
		     "node %s (%s); osc's cut-over needs it, so that its "
		     "sentry table stays on this node: GRANT SUPER ON *.* TO "
		     "%s",
		     s->user, s->where, err.buf, s->user);
	else if (db_session_set(pf->db, "wsrep_on", "ON", &err) < 0)
		fail(pf, "cannot SET SESSION wsrep_on = ON again on %s: %s",
		     s->where, err.buf);
out:
	strbuf_release(&err);
	strbuf_release(&notes);
	strbuf_release(&problems);
}

/*
 * Galera certifies and applies row changes by the primary key: a table
 * without one replicates badly (or, with wsrep_certify_nonPK off, not at
 * all), and osc's chunks are writesets like any other.
 */
static void check_galera_key(struct osc_preflight *pf)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf q = STRBUF_INIT;

	if (!pf->galera.on)
		goto out;
	qname(&q, t->db, t->table);
	if (t->key_name && !t->key_is_primary)
		fail(pf,
		     "table %s has no PRIMARY KEY; on a Galera cluster osc "
		     "needs one (writesets are certified and applied by it): "
		     "add a primary key first",
		     q.buf);
	/*
	 * Moving triggers and foreign keys at the cut-over is DDL under
	 * L's lock, which on Galera runs in total order isolation and can
	 * wait for ever behind another node's change to t (galera.c).
	 */
	if (t->triggers_nr || t->fk_own_nr || t->fk_referencing_nr)
		fail(pf,
		     "table %s has %s; on a Galera cluster osc cannot move "
		     "them at the cut-over yet (that DDL would run in total "
		     "order isolation under the lock): drop them first and "
		     "create them again afterwards, or use ALTER TABLE "
		     "directly",
		     q.buf,
		     t->triggers_nr ? "triggers" : "foreign keys");
out:
	strbuf_release(&q);
}

/*
 * A read_only server or a replica (issue 11, item 6): a run there changes
 * that server alone. An --execute against a read_only replica (root
 * passes read_only) added the column on the replica only, without a word.
 * Both are refused unless --migrate-on-replica says it is meant; then a
 * replica must log what it replicates (log_slave_updates), or the changes
 * its primary sends never reach the binlog osc reads and the ghost misses
 * them.
 *
 * The replica status needs SLAVE MONITOR (MariaDB 10.5+) or REPLICATION
 * CLIENT (MySQL); without it, MariaDB's Slaves_running status (readable by
 * anyone) still tells a running replica.
 */
static const char SQL_READ_ONLY[] =
    "SELECT @@global.read_only, @@global.log_slave_updates";
static const char SQL_SLAVES_RUNNING[] =
    "SHOW GLOBAL STATUS LIKE 'Slaves\\_running'";

static const char *replica_status_sql(const struct osc_server_facts *s)
{
	if (s->flavor == OSC_FLAVOR_MARIADB)
		return "SHOW ALL SLAVES STATUS";
	if (s->version_id >= 80022)
		return "SHOW REPLICA STATUS";
	return "SHOW SLAVE STATUS";
}

/* 1: a replica, 0: not, -1: cannot tell. */
static int read_replica_status(struct osc_preflight *pf)
{
	struct osc_server_facts *s = &pf->server;
	struct strbuf err = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int ret = -1, got;

	if (db_query(pf->db, replica_status_sql(s), &res, &err) == 0) {
		got = db_result_next(res, &row, &err);
		ret = got > 0 ? 1 : got == 0 ? 0 : -1;
		goto out;
	}
	verbose("preflight: cannot read the replica status of %s: %s",
		s->where, err.buf);
	strbuf_reset(&err);
	if (s->flavor != OSC_FLAVOR_MARIADB ||
	    db_query(pf->db, SQL_SLAVES_RUNNING, &res, &err) < 0)
		goto out;
	got = db_result_next(res, &row, &err);
	if (got > 0 && row.ncols >= 2 && row.values[1])
		ret = strtoul(row.values[1], NULL, 10) > 0 ? 1 : -1;
out:
	db_result_free(res);
	strbuf_release(&err);
	return ret;
}

static void check_replica_role(struct osc_preflight *pf,
			       const struct osc_options *opts)
{
	struct osc_server_facts *s = &pf->server;
	struct db_result *res;
	struct db_row row;
	struct strbuf err = STRBUF_INIT;

	res = query(pf, SQL_READ_ONLY, "the server's read_only setting");
	if (!res)
		return;
	if (db_result_next(res, &row, &err) > 0 && row.ncols >= 2) {
		s->read_only = row.values[0] && strcmp(row.values[0], "0");
		s->log_replica_updates =
			row.values[1] && strcmp(row.values[1], "0");
	}
	db_result_free(res);
	strbuf_release(&err);
	s->is_replica = read_replica_status(pf);
	if (s->is_replica < 0)
		verbose("preflight: cannot tell whether %s is a replica "
			"(grant %s to let osc check)",
			s->where,
			s->flavor == OSC_FLAVOR_MARIADB ? "SLAVE MONITOR"
							: "REPLICATION CLIENT");
	if (opts->migrate_on_replica) {
		if (s->is_replica > 0 && !s->log_replica_updates)
			fail(pf,
			     "%s is a replica without log_slave_updates: what "
			     "its primary sends is not in its binary log, and "
			     "osc would miss those changes; restart it with "
			     "log_slave_updates=ON",
			     s->where);
		else if (s->is_replica > 0 || s->read_only)
			warning("%s is %s; migrating it alone, as "
				"--migrate-on-replica asks",
				s->where,
				s->is_replica > 0 ? "a replica" : "read_only");
		return;
	}
	if (s->is_replica > 0)
		fail(pf,
		     "%s is a replica: a migration there changes it alone, "
		     "not its primary; run osc on the primary, or give "
		     "--migrate-on-replica if this is meant",
		     s->where);
	else if (s->read_only)
		fail(pf,
		     "%s is read_only (a replica or a standby?): a migration "
		     "there changes it alone; run osc on the primary, or give "
		     "--migrate-on-replica if this is meant",
		     s->where);
}

/* Collect one column of a query as "|A|B|C|" for has_priv(). */
static void collect(struct osc_preflight *pf, const char *sql,
		    struct strbuf *set)
{
	struct strbuf err = STRBUF_INIT;
	struct db_result *res = query(pf, sql, "the privileges");
	struct db_row row;

	strbuf_addch(set, '|');
	if (!res)
		return;
	while (db_result_next(res, &row, &err) > 0)
		if (row.values[0])
			strbuf_addf(set, "%s|", row.values[0]);
	db_result_free(res);
	strbuf_release(&err);
}

static int has_priv(const struct strbuf *set, const char *priv)
{
	struct strbuf key = STRBUF_INIT;
	int found;

	strbuf_addf(&key, "|%s|", priv);
	found = strcasestr(set->buf, key.buf) ||
		strcasestr(set->buf, "|ALL PRIVILEGES|") ||
		strcasestr(set->buf, "|ALL|");
	strbuf_release(&key);
	return found;
}

static void report_missing(struct osc_preflight *pf, const char *missing,
			   const char *scope, const char *on,
			   const char *purpose)
{
	if (pf->server.has_roles)
		note(pf,
		     "user %s has no grant of %s %s (%s) unless a role "
		     "gives it (roles are not checked); if not: GRANT %s ON "
		     "%s TO %s",
		     pf->server.user, missing, scope, purpose, missing, on,
		     pf->server.user);
	else
		fail(pf,
		     "user %s lacks %s %s (%s): grant %s with: GRANT %s "
		     "ON %s TO %s",
		     pf->server.user, missing, scope, purpose,
		     strchr(missing, ',') ? "them" : "it", missing, on,
		     pf->server.user);
}

static void check_privileges(struct osc_preflight *pf, const char *dbname,
			     const char *table)
{
	struct strbuf sql = STRBUF_INIT, global = STRBUF_INIT;
	struct strbuf schema = STRBUF_INIT, tables = STRBUF_INIT;
	struct strbuf missing = STRBUF_INIT, on = STRBUF_INIT;
	struct strbuf name = STRBUF_INIT, scope = STRBUF_INIT;
	static const enum osc_object objs[] = {
	    OSC_OBJ_GHOST,
	    OSC_OBJ_OLD,
	    OSC_OBJ_CHANGELOG,
	};
	unsigned long long roles = 0;
	struct strbuf ignore = STRBUF_INIT;
	size_t i;

	/* Roles are not resolved here: a missing grant becomes a note. */
	if (db_query_u64(pf->db,
			 "SELECT COUNT(*) FROM "
			 "information_schema.APPLICABLE_ROLES",
			 &roles, &ignore) > 0)
		pf->server.has_roles = roles > 0;

	strbuf_addstr(&sql,
		      "SELECT PRIVILEGE_TYPE FROM "
		      "information_schema.USER_PRIVILEGES WHERE GRANTEE = ");
	add_literal(pf, &sql, pf->server.user);
	collect(pf, sql.buf, &global);

	/* TABLE_SCHEMA holds the grant's pattern (`shop\_%`): LIKE it. */
	strbuf_reset(&sql);
	strbuf_addstr(&sql,
		      "SELECT PRIVILEGE_TYPE FROM "
		      "information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ");
	add_literal(pf, &sql, pf->server.user);
	strbuf_addstr(&sql, " AND ");
	add_literal(pf, &sql, dbname);
	strbuf_addstr(&sql, " LIKE TABLE_SCHEMA");
	collect(pf, sql.buf, &schema);

	/*
	 * Table grants count only when they cover the table and the three
	 * tables a run creates.
	 */
	strbuf_reset(&sql);
	strbuf_addstr(&sql,
		      "SELECT PRIVILEGE_TYPE FROM "
		      "information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ");
	add_literal(pf, &sql, pf->server.user);
	strbuf_addstr(&sql, " AND TABLE_SCHEMA = ");
	add_literal(pf, &sql, dbname);
	strbuf_addstr(&sql, " AND TABLE_NAME IN (");
	add_literal(pf, &sql, table);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		strbuf_reset(&name);
		osc_object_name(&name, table, objs[i]);
		strbuf_addstr(&sql, ", ");
		add_literal(pf, &sql, name.buf);
	}
	strbuf_addf(&sql,
		    ") GROUP BY PRIVILEGE_TYPE HAVING "
		    "COUNT(DISTINCT TABLE_NAME) = %zu",
		    ARRAY_SIZE(objs) + 1);
	collect(pf, sql.buf, &tables);

	for (i = 0; i < ARRAY_SIZE(db_privileges); i++) {
		const char *p = db_privileges[i];

		if (has_priv(&global, p) || has_priv(&schema, p) ||
		    has_priv(&tables, p))
			continue;
		strbuf_addf(&missing, "%s%s", missing.len ? ", " : "", p);
	}
	verbose("preflight: privileges of %s: global %s, on the database %s",
		pf->server.user, global.buf, schema.buf);
	if (missing.len) {
		if (quote_ident(&on, dbname) < 0)
			strbuf_addstr(&on, "?");
		strbuf_addf(&scope, "on database %s", on.buf);
		strbuf_addstr(&on, ".*");
		report_missing(pf, missing.buf, scope.buf, on.buf,
			       "to build and swap the new table");
	}
	pf->server.can_trigger = has_priv(&global, "TRIGGER") ||
				 has_priv(&schema, "TRIGGER") ||
				 has_priv(&tables, "TRIGGER");
	pf->server.can_set_user = has_priv(&global, "SUPER") ||
				  has_priv(&global, "SET USER");
	if (!has_priv(&global, "REPLICATION SLAVE"))
		report_missing(pf, "REPLICATION SLAVE", "globally", "*.*",
			       "to read the binary log");
	if (!has_priv(&global, "REPLICATION CLIENT") &&
	    !has_priv(&global, "BINLOG MONITOR"))
		report_missing(pf,
			       pf->server.flavor == OSC_FLAVOR_MARIADB &&
				       pf->server.version_id >= 100500
				   ? "BINLOG MONITOR"
				   : "REPLICATION CLIENT",
			       "globally", "*.*",
			       "to read the binary log position");
	strbuf_release(&sql);
	strbuf_release(&global);
	strbuf_release(&schema);
	strbuf_release(&tables);
	strbuf_release(&missing);
	strbuf_release(&on);
	strbuf_release(&name);
	strbuf_release(&scope);
	strbuf_release(&ignore);
}

/* Each line of `lines` through fn (error or warning), with a suffix. */
static void report_lines(struct osc_preflight *pf, struct strbuf *lines,
			 int failing, const char *suffix)
{
	char *line = lines->buf, *nl;

	while ((nl = strchr(line, '\n'))) {
		*nl = '\0';
		if (failing)
			fail(pf, "%s%s", line, suffix);
		else
			verbose("preflight: %s", line);
		line = nl + 1;
	}
}

/*
 * The replicas to watch for lag (throttle/replica.c): the given ones and,
 * unless --skip-discover-replicas, the ones the server lists, each
 * reached now over TCP and identified, so that one that cannot be reached
 * stops the run here (it would pause the copy for ever), in the dry run
 * as with --execute, and the same server is watched once.
 */
static void check_replicas(struct osc_preflight *pf,
			   const struct osc_options *opts)
{
	struct throttle_replica_list in = THROTTLE_REPLICA_LIST_INIT;
	struct strbuf notes = STRBUF_INIT, problems = STRBUF_INIT;
	struct strbuf err = STRBUF_INIT, uuid = STRBUF_INIT;
	struct db_options ro = pf->dbopts;
	unsigned int timeout_s;
	int is_null = 0;
	size_t i;

	for (i = 0; i < opts->replicas.nr; i++)
		throttle_replica_add(&in, opts->replicas.items[i].host,
				     opts->replicas.items[i].port);
	if (opts->discover_replicas &&
	    throttle_discover_replicas(pf->db, 0, BINLOG_SERVER_ID_MIN, &in,
				       &notes, &err) < 0) {
		unsigned int code = db_errno(pf->db);

		if (code == DB_ER_SPECIFIC_ACCESS_DENIED)
			fail(pf,
			     "user %s cannot list the replicas of %s (%s): "
			     "GRANT %s ON *.* TO %s; or name them with "
			     "--replica=HOST[:PORT] and give "
			     "--skip-discover-replicas",
			     pf->server.user, pf->server.where, err.buf,
			     pf->server.flavor == OSC_FLAVOR_MARIADB &&
				     pf->server.version_id >= 100502
				 ? "REPLICATION MASTER ADMIN"
				 : "REPLICATION SLAVE",
			     pf->server.user);
		else
			fail(pf,
			     "cannot list the replicas of %s: %s; name them "
			     "with --replica=HOST[:PORT], or give "
			     "--skip-discover-replicas when it has none",
			     pf->server.where, err.buf);
		goto out;
	}
	if (db_query_value(pf->db, "SELECT @@server_uuid", &uuid, &is_null,
			   &err) <= 0 || is_null)
		strbuf_reset(&uuid);
	if (opts->replica_user)
		ro.user = opts->replica_user;
	if (opts->replica_password)
		ro.password = opts->replica_password;
	timeout_s = pf->dbopts.connect_timeout_s ? pf->dbopts.connect_timeout_s
						 : 10;
	throttle_replicas_resolve(&in, &opts->ignore_replicas, &ro, timeout_s,
				  (uint32_t)pf->server.server_id,
				  uuid.len ? uuid.buf : NULL, &pf->replicas,
				  &notes, &problems);
	report_lines(pf, &notes, 0, "");
	report_lines(pf, &problems, 1,
		     "; give its address with --replica=HOST:PORT, skip it "
		     "with --ignore-replica=HOST:PORT, or turn discovery off "
		     "with --skip-discover-replicas");
out:
	throttle_replica_list_release(&in);
	strbuf_release(&notes);
	strbuf_release(&problems);
	strbuf_release(&err);
	strbuf_release(&uuid);
}

static int check_database(struct osc_preflight *pf)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT, q = STRBUF_INIT;
	struct db_result *res;
	struct db_row row;

	strbuf_addstr(&sql, "SELECT SCHEMA_NAME FROM information_schema."
			    "SCHEMATA WHERE SCHEMA_NAME = ");
	add_literal(pf, &sql, t->db);
	res = query(pf, sql.buf, "the list of databases");
	if (res) {
		while (db_result_next(res, &row, &err) > 0) {
			if (row.values[0] &&
			    same_name(pf, row.values[0], t->db)) {
				t->db_exists = 1;
				free(t->db);
				t->db = xstrdup(row.values[0]);
			}
		}
		db_result_free(res);
		if (!t->db_exists) {
			strbuf_reset(&q);
			if (quote_ident(&q, t->db) < 0)
				strbuf_addstr(&q, "?");
			fail(pf,
			     "database %s does not exist on %s; check the "
			     "name (it is case-sensitive on this server "
			     "unless lower_case_table_names is set)",
			     q.buf, pf->server.where);
		}
	}
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&q);
	return t->db_exists ? 0 : -1;
}

static int check_table(struct osc_preflight *pf)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT, q = STRBUF_INIT;
	struct db_result *res;
	struct db_row row;
	char *type = NULL;

	strbuf_addstr(&sql,
		      "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, "
		      "TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, CREATE_OPTIONS "
		      "FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND TABLE_NAME = ");
	add_literal(pf, &sql, t->table);
	res = query(pf, sql.buf, "the table");
	if (!res)
		goto out;
	while (db_result_next(res, &row, &err) > 0) {
		if (!row.values[0] || !same_name(pf, row.values[0], t->table))
			continue;
		t->table_exists = 1;
		free(t->table);
		t->table = dup_value(&row, 0);
		free(type);
		type = dup_value(&row, 1);
		free(t->engine);
		t->engine = dup_value(&row, 2);
		t->rows_estimate = u64_value(&row, 3);
		t->data_bytes = u64_value(&row, 4);
		t->index_bytes = u64_value(&row, 5);
		t->partitioned =
		    row.values[6] && strcasestr(row.values[6], "partitioned");
	}
	db_result_free(res);
	qname(&q, t->db, t->table);
	if (!t->table_exists) {
		fail(pf,
		     "table %s does not exist; check the name (it is "
		     "case-sensitive on this server unless "
		     "lower_case_table_names is set)",
		     q.buf);
	} else if (!strcasecmp(type, "SYSTEM VERSIONED")) {
		/*
		 * MariaDB's system-versioned tables: the copy would give
		 * every row new row_start/row_end and lose the history; a
		 * native ALTER refuses too (error 4119) unless
		 * system_versioning_alter_history=KEEP.
		 */
		fail(pf,
		     "table %s is system-versioned; osc cannot copy its "
		     "history: use ALTER TABLE directly (with "
		     "system_versioning_alter_history=KEEP)",
		     q.buf);
		t->table_exists = 0;
	} else if (strcmp(type, "BASE TABLE")) {
		fail(pf,
		     "%s is a %s, not a table; osc changes base tables "
		     "only",
		     q.buf, strcasecmp(type, "VIEW") ? type : "view");
		t->table_exists = 0;
	} else if (strcasecmp(t->engine, "InnoDB")) {
		fail(pf,
		     "table %s uses the %s engine; osc needs InnoDB "
		     "(transactions and row locks): convert it first with "
		     "ALTER TABLE %s ENGINE=InnoDB",
		     q.buf, *t->engine ? t->engine : "(none)", q.buf);
	}
out:
	free(type);
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&q);
	return t->table_exists ? 0 : -1;
}

struct key_candidate {
	char *name;
	char **cols;
	size_t nr, alloc;
	int usable; /* every column NOT NULL, no prefix part */
};

static void candidate_clear(struct key_candidate *k)
{
	size_t i;

	for (i = 0; i < k->nr; i++)
		free(k->cols[i]);
	free(k->cols);
	free(k->name);
	memset(k, 0, sizeof(*k));
}

/* Take k as the key when it beats the current one; k is emptied. */
static void consider_key(struct osc_table_facts *t, struct key_candidate *k,
			 char **nullable_key)
{
	int primary = !strcmp(k->name, "PRIMARY");

	if (!k->usable) {
		if (!*nullable_key)
			*nullable_key = xstrdup(k->name);
		candidate_clear(k);
		return;
	}
	/* PRIMARY first, then the unique key with the fewest columns. */
	if (t->key_name &&
	    (t->key_is_primary || (!primary && t->key_columns_nr <= k->nr))) {
		candidate_clear(k);
		return;
	}
	while (t->key_columns_nr)
		free(t->key_columns[--t->key_columns_nr]);
	free(t->key_columns);
	free(t->key_name);
	t->key_name = k->name;
	t->key_columns = k->cols;
	t->key_columns_nr = k->nr;
	t->key_columns_alloc = k->alloc;
	t->key_is_primary = primary;
	memset(k, 0, sizeof(*k));
}

/*
 * An index FORCE INDEX cannot use: MariaDB 10.6+ IGNORED indexes, MySQL 8
 * invisible ones. The column exists only on those servers.
 */
static const char *index_unusable_expr(const struct osc_preflight *pf)
{
	if (pf->server.flavor == OSC_FLAVOR_MARIADB &&
	    pf->server.version_id >= 100600)
		return "s.IGNORED = 'YES'";
	if (pf->server.flavor == OSC_FLAVOR_MYSQL &&
	    pf->server.version_id >= 80000)
		return "s.IS_VISIBLE = 'NO'";
	return "0";
}

/*
 * NEEDSWORK: DESIGN.md 3 wants a key that survives the ALTER (not dropped,
 * not changed) and a risk report (new unique keys, lossy changes); both
 * need the ddl/ parser.
 */
static void check_key(struct osc_preflight *pf)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT, q = STRBUF_INIT;
	struct key_candidate k = {0};
	char *nullable_key = NULL;
	struct db_result *res;
	struct db_row row;

	/*
	 * A LEFT JOIN so that an index part that is not a column (MySQL 8
	 * functional key parts have COLUMN_NAME NULL) makes the key
	 * unusable instead of silently shorter.
	 */
	strbuf_addf(&sql,
		    "SELECT s.INDEX_NAME, s.COLUMN_NAME, s.SUB_PART, "
		    "c.IS_NULLABLE, %s FROM information_schema.STATISTICS s "
		    "LEFT JOIN information_schema.COLUMNS c ON "
		    "c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = "
		    "s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME "
		    "WHERE s.NON_UNIQUE = 0 AND s.TABLE_SCHEMA = ",
		    index_unusable_expr(pf));
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND s.TABLE_NAME = ");
	add_literal(pf, &sql, t->table);
	strbuf_addstr(&sql, " ORDER BY s.INDEX_NAME = 'PRIMARY' DESC, "
			    "s.INDEX_NAME, s.SEQ_IN_INDEX");
	res = query(pf, sql.buf, "the keys of the table");
	if (!res)
		goto out;
	while (db_result_next(res, &row, &err) > 0) {
		const char *name = row.values[0] ? row.values[0] : "";

		if (k.name && strcmp(k.name, name))
			consider_key(t, &k, &nullable_key);
		if (!k.name) {
			k.name = xstrdup(name);
			k.usable = 1;
		}
		ALLOC_GROW(k.cols, k.nr + 1, k.alloc);
		k.cols[k.nr++] = xstrdup(row.values[1] ? row.values[1] : "");
		if (!row.values[1] || row.values[2] || !row.values[3] ||
		    strcasecmp(row.values[3], "NO") ||
		    (row.values[4] && strcmp(row.values[4], "0")))
			k.usable = 0;
	}
	if (k.name)
		consider_key(t, &k, &nullable_key);
	db_result_free(res);
	if (t->key_name) {
		struct strbuf cols = STRBUF_INIT;
		size_t i;

		for (i = 0; i < t->key_columns_nr; i++) {
			strbuf_addstr(&cols, i ? ", " : "");
			quote_ident(&cols, t->key_columns[i]);
		}
		verbose("preflight: key %s (%s) chunks the copy and keys the "
			"replay",
			t->key_name, cols.buf);
		strbuf_release(&cols);
	} else {
		qname(&q, t->db, t->table);
		if (nullable_key)
			fail(pf,
			     "table %s has no primary key, and its unique "
			     "key `%s` allows NULL (or indexes a prefix, or is "
			     "ignored); osc "
			     "needs a primary key or a unique key on NOT NULL "
			     "columns to copy and replay rows: add one first",
			     q.buf, nullable_key);
		else
			fail(pf,
			     "table %s has no primary key and no unique "
			     "key on NOT NULL columns; osc needs one to copy "
			     "and replay rows: add a primary key first",
			     q.buf);
	}
out:
	free(nullable_key);
	candidate_clear(&k);
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&q);
}

/*
 * A rule under which a change of the parent never changes the child's
 * rows: those the replay would not see (cascades are not logged).
 */
static int fk_rule_plain(const char *rule)
{
	return !strcasecmp(rule, "RESTRICT") || !strcasecmp(rule, "NO ACTION");
}

/*
 * The definition of a child's foreign key to the table, from the child's
 * SHOW CREATE TABLE (the text after CONSTRAINT `name`), as the cut-over
 * adds it again, pointing at the ghost.
 */
static void read_child_fk(struct osc_preflight *pf, struct osc_child_fk *c)
{
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf create = STRBUF_INIT, q = STRBUF_INIT;
	struct ddl_table child = DDL_TABLE_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	size_t i;

	qname(&q, c->schema, c->table);
	strbuf_addf(&sql, "SHOW CREATE TABLE %s", q.buf);
	if (db_query(pf->db, sql.buf, &res, &err) < 0 ||
	    db_result_next(res, &row, &err) <= 0 || row.ncols < 2 ||
	    !row.values[1]) {
		fail(pf, "cannot read table %s, which references the table: "
		     "%s", q.buf, err.len ? err.buf : "no definition");
		goto out;
	}
	strbuf_addstr(&create, row.values[1]);
	if (ddl_table_from_create(create.buf, &child, &err) < 0) {
		fail(pf, "cannot read the definition of %s: %s", q.buf,
		     err.buf);
		goto out;
	}
	for (i = 0; i < child.constraints_nr; i++)
		if (child.constraints[i].name &&
		    child.constraints[i].kind == DDL_CONSTRAINT_FOREIGN_KEY &&
		    !strcmp(child.constraints[i].name, c->name))
			c->definition = xstrdup(child.constraints[i].text);
	if (!c->definition)
		fail(pf, "cannot find foreign key `%s` in SHOW CREATE TABLE %s",
		     c->name, q.buf);
out:
	db_result_free(res);
	ddl_table_release(&child);
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&create);
	strbuf_release(&q);
}

static void check_foreign_keys(struct osc_preflight *pf)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT, q = STRBUF_INIT;
	struct strbuf own = STRBUF_INIT, refs = STRBUF_INIT;
	struct strbuf other = STRBUF_INIT;
	struct db_result *res;
	struct db_row row;
	size_t i;

	strbuf_addstr(&sql,
		      "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, "
		      "CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, "
		      "REFERENCED_TABLE_NAME, DELETE_RULE, UPDATE_RULE "
		      "FROM information_schema."
		      "REFERENTIAL_CONSTRAINTS WHERE (CONSTRAINT_SCHEMA = ");
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND TABLE_NAME = ");
	add_literal(pf, &sql, t->table);
	strbuf_addstr(&sql, ") OR (UNIQUE_CONSTRAINT_SCHEMA = ");
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND REFERENCED_TABLE_NAME = ");
	add_literal(pf, &sql, t->table);
	strbuf_addstr(&sql, ") ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, "
			    "CONSTRAINT_NAME");
	res = query(pf, sql.buf, "the foreign keys");
	if (!res)
		goto out;
	while (db_result_next(res, &row, &err) > 0) {
		const char *cdb = row.values[0] ? row.values[0] : "";
		const char *ctab = row.values[1] ? row.values[1] : "";
		const char *cname = row.values[2] ? row.values[2] : "";
		const char *rdb = row.values[3] ? row.values[3] : "";
		const char *rtab = row.values[4] ? row.values[4] : "";

		const char *del = row.values[5] ? row.values[5] : "";
		const char *upd = row.values[6] ? row.values[6] : "";

		if (same_name(pf, cdb, t->db) &&
		    same_name(pf, ctab, t->table)) {
			struct strbuf fk = STRBUF_INIT;

			t->fk_own_nr++;
			quote_ident(&fk, cname);
			strbuf_addf(&fk, " (to %s)", qname(&other, rdb, rtab));
			strbuf_addstr(&own, own.len ? ", " : "");
			strbuf_addbuf(&own, &fk);
			if (!fk_rule_plain(del) || !fk_rule_plain(upd))
				fail(pf,
				     "foreign key %s of table %s has ON "
				     "DELETE %s ON UPDATE %s; the server does "
				     "not write the rows a cascade changes to "
				     "the binary log (only the parent's), so "
				     "the replay cannot follow them: use ALTER "
				     "TABLE directly, or make the rules "
				     "RESTRICT or NO ACTION first",
				     fk.buf, qname(&q, t->db, t->table), del,
				     upd);
			strbuf_release(&fk);
		} else {
			struct osc_child_fk *c;

			ALLOC_GROW(t->children, t->fk_referencing_nr + 1,
				   t->children_alloc);
			c = &t->children[t->fk_referencing_nr++];
			c->schema = xstrdup(cdb);
			c->table = xstrdup(ctab);
			c->name = xstrdup(cname);
			c->definition = NULL;
			strbuf_addstr(&refs, refs.len ? ", " : "");
			quote_ident(&refs, cname);
			strbuf_addf(&refs, " of %s", qname(&other, cdb, ctab));
		}
	}
	db_result_free(res);
	for (i = 0; i < t->fk_referencing_nr; i++)
		read_child_fk(pf, &t->children[i]);
	qname(&q, t->db, t->table);
	if (t->fk_own_nr)
		t->fk_own_list = xstrdup(own.buf);
	if ((t->fk_own_nr || t->fk_referencing_nr) &&
	    pf->server.flavor == OSC_FLAVOR_MYSQL)
		note(pf, "moving foreign keys at the cut-over is tested on "
		     "MariaDB only; on MySQL the locking connection does it, "
		     "untested: try it on a copy first");
	if (t->fk_own_nr)
		verbose("preflight: foreign key%s %s move%s to the new table "
			"at the cut-over", t->fk_own_nr > 1 ? "s" : "",
			own.buf, t->fk_own_nr > 1 ? "" : "s");
	if (t->fk_referencing_nr) {
		t->children_list = xstrdup(refs.buf);
		verbose("preflight: foreign key%s %s move%s to the new table "
			"at the cut-over", t->fk_referencing_nr > 1 ? "s" : "",
			refs.buf, t->fk_referencing_nr > 1 ? "" : "s");
	}
out:
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&q);
	strbuf_release(&own);
	strbuf_release(&refs);
	strbuf_release(&other);
}

static void trigger_clear(struct osc_trigger *tr)
{
	free(tr->name);
	free(tr->timing);
	free(tr->event);
	free(tr->definer);
	free(tr->sql_mode);
	free(tr->client_charset);
	free(tr->connection_collation);
	free(tr->database_collation);
	free(tr->statement);
	ddl_trigger_text_release(&tr->text);
	memset(tr, 0, sizeof(*tr));
}

/*
 * The stored statement of one trigger, as raw bytes: with
 * character_set_results NULL the server sends the text in the charset it
 * was written in (character_set_client), which is how it must be sent
 * again. The session goes back to utf8mb4 results after.
 */
static int read_trigger_statement(struct osc_preflight *pf,
				  struct osc_trigger *tr, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, ignore = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int r, ret = -1;

	if (db_session_set(pf->db, "character_set_results", "NULL", err) < 0)
		goto out;
	strbuf_addstr(&sql, "SHOW CREATE TRIGGER ");
	quote_qualified(&sql, pf->table.db, tr->name);
	if (db_query(pf->db, sql.buf, &res, err) < 0)
		goto restore;
	r = db_result_next(res, &row, err);
	if (r == 0)
		strbuf_addstr(err, "SHOW CREATE TRIGGER returned no row");
	if (r <= 0)
		goto restore;
	if (row.ncols < 6 || !row.values[2]) {
		strbuf_addstr(err, "SHOW CREATE TRIGGER returned no statement");
		goto restore;
	}
	tr->statement = dup_value(&row, 2);
	free(tr->sql_mode);
	tr->sql_mode = dup_value(&row, 1);
	free(tr->client_charset);
	tr->client_charset = dup_value(&row, 3);
	free(tr->connection_collation);
	tr->connection_collation = dup_value(&row, 4);
	free(tr->database_collation);
	tr->database_collation = dup_value(&row, 5);
	ret = 0;
restore:
	if (db_session_set(pf->db, "character_set_results", "'utf8mb4'",
			   &ignore) < 0 && !ret) {
		strbuf_addbuf(err, &ignore);
		ret = -1;
	}
out:
	db_result_free(res);
	strbuf_release(&sql);
	strbuf_release(&ignore);
	return ret;
}

/*
 * What can keep one trigger from being carried over exactly; each
 * problem is one line, naming the trigger and the fix.
 */
static void check_trigger_carry(struct osc_preflight *pf,
				struct osc_trigger *tr, const char *db_collation)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf q = STRBUF_INIT, err = STRBUF_INIT;
	const char *ours[3];
	char *definer = NULL;
	size_t i;

	ours[0] = t->ghost_name;
	ours[1] = t->old_name;
	ours[2] = t->changelog_name;
	qname(&q, t->db, tr->name);
	if (!strncasecmp(tr->name, "pt_osc_", 7)) {
		fail(pf,
		     "trigger %s looks like pt-online-schema-change's own: "
		     "is a pt-osc run working on %s? wait for it to finish, "
		     "or drop what it left",
		     q.buf, t->table);
		goto out;
	}
	if (ddl_trigger_parse(tr->statement, &tr->text, &err) < 0) {
		fail(pf, "trigger %s: %s; osc cannot create it again on the "
		     "new table: drop it first and create it again after, or "
		     "use ALTER TABLE directly", q.buf, err.buf);
		goto out;
	}
	if (tr->text.order_clause)
		fail(pf,
		     "trigger %s keeps a FOLLOWS/PRECEDES clause in its "
		     "stored text; created again it would not keep its "
		     "place: drop it and create it again without the clause "
		     "first",
		     q.buf);
	for (i = 0; i < ARRAY_SIZE(ours); i++)
		if (replay_watch_mentions_table(
			    pf->server.lower_case_table_names,
			    tr->statement + tr->text.body_start, t->db, t->db,
			    ours[i]))
			fail(pf,
			     "trigger %s names the table `%s`, which osc "
			     "creates and drops during the run; rename what "
			     "it refers to first",
			     q.buf, ours[i]);
	if (db_collation && strcasecmp(db_collation, tr->database_collation))
		fail(pf,
		     "trigger %s was created when the database collation "
		     "was %s; it is %s now, and a trigger created again "
		     "takes the current one: create the trigger again first "
		     "(or ALTER DATABASE `%s` COLLATE %s)",
		     q.buf, tr->database_collation, db_collation, t->db,
		     tr->database_collation);
	definer = grantee_of(tr->definer);
	if (strcmp(definer, pf->server.user) && !pf->server.can_set_user)
		fail(pf,
		     "trigger %s has DEFINER %s; creating it again on the new "
		     "table needs SET USER (or SUPER): GRANT SET USER ON *.* "
		     "TO %s, or run osc as %s",
		     q.buf, definer, pf->server.user, definer);
out:
	free(definer);
	strbuf_release(&q);
	strbuf_release(&err);
}

static void check_triggers(struct osc_preflight *pf,
			   const struct osc_options *opts)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT, q = STRBUF_INIT;
	struct strbuf names = STRBUF_INIT, coll = STRBUF_INIT;
	struct db_result *res;
	struct db_row row;
	size_t i;
	int has_coll;

	strbuf_addstr(&sql, "SELECT TRIGGER_NAME, ACTION_TIMING, "
			    "EVENT_MANIPULATION, ACTION_ORDER, DEFINER "
			    "FROM information_schema.TRIGGERS WHERE "
			    "EVENT_OBJECT_SCHEMA = ");
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND EVENT_OBJECT_TABLE = ");
	add_literal(pf, &sql, t->table);
	/* The order to create them in: each one goes last in its group. */
	strbuf_addstr(&sql, " ORDER BY EVENT_MANIPULATION, ACTION_TIMING, "
			    "ACTION_ORDER");
	res = query(pf, sql.buf, "the triggers");
	if (!res)
		goto out;
	while (db_result_next(res, &row, &err) > 0) {
		struct osc_trigger *tr;

		ALLOC_GROW(t->triggers, t->triggers_nr + 1, t->triggers_alloc);
		tr = &t->triggers[t->triggers_nr++];
		memset(tr, 0, sizeof(*tr));
		tr->name = dup_value(&row, 0);
		tr->timing = dup_value(&row, 1);
		tr->event = dup_value(&row, 2);
		tr->order = (unsigned long)u64_value(&row, 3);
		tr->definer = dup_value(&row, 4);
		strbuf_addstr(&names, names.len ? ", " : "");
		quote_ident(&names, tr->name);
	}
	db_result_free(res);
	if (!t->triggers_nr)
		goto out;
	qname(&q, t->db, t->table);
	if (opts->triggers == OSC_TRIGGERS_REFUSE) {
		fail(pf,
		     "table %s has trigger%s %s, and --triggers=refuse: "
		     "drop %s first and create %s again afterwards, or let "
		     "osc carry %s over (--triggers=carry)",
		     q.buf, t->triggers_nr > 1 ? "s" : "", names.buf,
		     t->triggers_nr > 1 ? "them" : "it",
		     t->triggers_nr > 1 ? "them" : "it",
		     t->triggers_nr > 1 ? "them" : "it");
		goto out;
	}
	if (!pf->server.can_trigger) {
		struct strbuf on = STRBUF_INIT, scope = STRBUF_INIT;

		quote_ident(&on, t->db);
		strbuf_addf(&scope, "on database %s", on.buf);
		strbuf_addstr(&on, ".*");
		report_missing(pf, "TRIGGER", scope.buf, on.buf,
			       "to move the triggers to the new table");
		strbuf_release(&on);
		strbuf_release(&scope);
	}
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "SELECT DEFAULT_COLLATION_NAME FROM "
			    "information_schema.SCHEMATA WHERE SCHEMA_NAME = ");
	add_literal(pf, &sql, t->db);
	strbuf_reset(&err);
	has_coll = db_query_value(pf->db, sql.buf, &coll, NULL, &err) > 0;
	for (i = 0; i < t->triggers_nr; i++) {
		struct osc_trigger *tr = &t->triggers[i];

		strbuf_reset(&err);
		if (read_trigger_statement(pf, tr, &err) < 0) {
			fail(pf, "cannot read trigger %s: %s",
			     qname(&q, t->db, tr->name), err.buf);
			continue;
		}
		check_trigger_carry(pf, tr, has_coll ? coll.buf : NULL);
	}
	verbose("preflight: trigger%s %s move%s to the new table at the "
		"cut-over", t->triggers_nr > 1 ? "s" : "", names.buf,
		t->triggers_nr > 1 ? "" : "s");
	if (pf->server.flavor == OSC_FLAVOR_MYSQL)
		note(pf, "moving triggers at the cut-over is tested on MariaDB "
		     "only; on MySQL the locking connection does it, "
		     "untested: try it on a copy first, or use "
		     "--triggers=refuse");
out:
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&q);
	strbuf_release(&names);
	strbuf_release(&coll);
}

static void read_generated_columns(struct osc_preflight *pf)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	unsigned long long n = 0;

	strbuf_addstr(&sql, "SELECT COUNT(*) FROM information_schema.COLUMNS "
			    "WHERE TABLE_SCHEMA = ");
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND TABLE_NAME = ");
	add_literal(pf, &sql, t->table);
	strbuf_addstr(&sql, " AND COALESCE(GENERATION_EXPRESSION, '') <> ''");
	if (db_query_u64(pf->db, sql.buf, &n, &err) < 0)
		fail(pf, "cannot read the columns: %s", err.buf);
	t->generated_columns = (size_t)n;
	strbuf_release(&sql);
	strbuf_release(&err);
}

/* 1: the lock is held by another session; fills *holder. */
static int check_lock(struct osc_preflight *pf)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT, q = STRBUF_INIT;
	struct db_result *res;
	struct db_row row;
	int held = 0;

	strbuf_addstr(&sql, "SELECT IS_FREE_LOCK(");
	add_literal(pf, &sql, t->lock_name);
	strbuf_addstr(&sql, "), IS_USED_LOCK(");
	add_literal(pf, &sql, t->lock_name);
	strbuf_addstr(&sql, ")");
	res = query(pf, sql.buf, "the osc lock");
	if (!res)
		goto out;
	if (db_result_next(res, &row, &err) > 0 && row.values[0] &&
	    !strcmp(row.values[0], "0")) {
		held = 1;
		fail(pf,
		     "another osc run (server connection %s) holds the "
		     "lock '%s' and is migrating %s; wait for it to finish",
		     row.values[1] ? row.values[1] : "?", t->lock_name,
		     qname(&q, t->db, t->table));
	}
	db_result_free(res);
out:
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&q);
	return held;
}

/*
 * A ghost left with triggers or foreign keys: a run died while moving
 * them at the cut-over (the table may lack them now). Say so before the
 * DROP TABLE that would lose them.
 */
static void check_leftover_ghost(struct osc_preflight *pf, const char *ghost)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf names = STRBUF_INIT, q = STRBUF_INIT;
	struct db_result *res;
	struct db_row row;

	strbuf_addstr(&sql, "SELECT TRIGGER_NAME FROM information_schema."
			    "TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ");
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND EVENT_OBJECT_TABLE = ");
	add_literal(pf, &sql, ghost);
	strbuf_addstr(&sql, " UNION ALL SELECT CONSTRAINT_NAME FROM "
			    "information_schema.REFERENTIAL_CONSTRAINTS WHERE "
			    "CONSTRAINT_SCHEMA = ");
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND TABLE_NAME = ");
	add_literal(pf, &sql, ghost);
	res = query(pf, sql.buf, "the triggers of the left over ghost");
	if (!res)
		goto out;
	while (db_result_next(res, &row, &err) > 0) {
		strbuf_addstr(&names, names.len ? ", " : "");
		quote_ident(&names, row.values[0] ? row.values[0] : "?");
	}
	db_result_free(res);
	if (names.len)
		fail(pf,
		     "table %s holds the triggers or foreign keys %s: a run "
		     "died while moving them to it at the cut-over, and %s "
		     "may lack them; compare SHOW CREATE TRIGGER and SHOW "
		     "CREATE TABLE of both and create what is missing on "
		     "%s before you drop it",
		     qname(&q, t->db, ghost), names.buf, t->table, t->table);
out:
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&names);
	strbuf_release(&q);
}

/*
 * Tables of an earlier run. A plain run refuses them (and says when the
 * changelog's checkpoint would let --resume save the copy done); a
 * resume expects the ghost and the changelog (resume.c checks them) but
 * not the old table, which only a cut-over makes. A run that died after
 * its swap left `_t_old` and `_t_osc` without `_t_new`: its cut-over
 * record tells the next run what to check (recover.h) before anyone is
 * told to drop the original table.
 */
static void check_leftovers(struct osc_preflight *pf, int lock_held,
			    int resume)
{
	struct osc_table_facts *t = &pf->table;
	const char *names[] = {t->ghost_name, t->old_name, t->changelog_name};
	int found[ARRAY_SIZE(names)] = {0};
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT, q = STRBUF_INIT;
	struct strbuf verdict = STRBUF_INIT;
	struct db_result *res;
	struct db_row row;
	size_t i, left = 0;
	int changelog = 0, old = 0;

	strbuf_addstr(&sql, "SELECT TABLE_NAME FROM information_schema.TABLES "
			    "WHERE TABLE_SCHEMA = ");
	add_literal(pf, &sql, t->db);
	strbuf_addstr(&sql, " AND TABLE_NAME IN (");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (i)
			strbuf_addstr(&sql, ", ");
		add_literal(pf, &sql, names[i]);
	}
	strbuf_addstr(&sql, ") ORDER BY TABLE_NAME");
	res = query(pf, sql.buf, "the tables of the database");
	if (!res)
		goto out;
	while (db_result_next(res, &row, &err) > 0) {
		const char *name = row.values[0] ? row.values[0] : "";

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (same_name(pf, name, names[i]))
				found[i] = 1;
	}
	db_result_free(res);
	/* The running osc owns them: the lock error says so. */
	if (lock_held)
		goto out;
	if (!found[0] && found[1] && found[2]) {
		struct osc_recover_target tg = {
			.db = pf->db,
			.dbopts = &pf->dbopts,
			.lower_case_table_names =
				pf->server.lower_case_table_names,
			.schema = t->db,
			.table = t->table,
			.old = t->old_name,
			.changelog = t->changelog_name,
		};
		int rc;

		strbuf_reset(&err);
		rc = osc_recover_after_swap(&tg, &verdict, &err);
		if (rc < 0)
			warning("cannot check an earlier run's cut-over: %s",
				err.buf);
		if (rc > 0) {
			fail(pf, "%s", verdict.buf);
			goto out;
		}
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!found[i])
			continue;
		changelog |= i == 2;
		old |= i == 1;
		/* A resume too: its replay must not run into triggers. */
		if (i == 0)
			check_leftover_ghost(pf, names[i]);
		if (resume && i != 1)
			continue;
		left++;
		strbuf_reset(&q);
		qname(&q, t->db, names[i]);
		fail(pf,
		     "table %s is left over from an earlier osc run; if "
		     "no run is active, look at it and drop it: DROP TABLE %s",
		     q.buf, q.buf);
	}
	strbuf_reset(&q);
	if (left && changelog && !old && !resume &&
	    osc_resume_savings(pf->db, t->db, t->changelog_name,
			       t->rows_estimate, &q)) {
		error("the earlier run can be resumed instead: osc --resume "
		      "--execute %s.%s goes on from its checkpoint and saves "
		      "the copy done so far (%s)", t->db, t->table, q.buf);
	}
out:
	strbuf_release(&sql);
	strbuf_release(&err);
	strbuf_release(&q);
	strbuf_release(&verdict);
}

static void set_object_names(struct osc_table_facts *t)
{
	struct strbuf sb = STRBUF_INIT;

	free(t->ghost_name);
	free(t->old_name);
	free(t->changelog_name);
	free(t->lock_name);
	osc_object_name(&sb, t->table, OSC_OBJ_GHOST);
	t->ghost_name = strbuf_detach(&sb, NULL);
	osc_object_name(&sb, t->table, OSC_OBJ_OLD);
	t->old_name = strbuf_detach(&sb, NULL);
	osc_object_name(&sb, t->table, OSC_OBJ_CHANGELOG);
	t->changelog_name = strbuf_detach(&sb, NULL);
	osc_lock_name(&sb, t->db, t->table);
	t->lock_name = strbuf_detach(&sb, NULL);
}

int osc_preflight_run(struct osc_preflight *pf, const struct osc_options *opts)
{
	struct osc_table_facts *t = &pf->table;
	struct strbuf err = STRBUF_INIT;
	size_t i;
	int lock_held;

	t->db = xstrdup(opts->database);
	t->table = xstrdup(opts->table);
	verbose("preflight: checking %s", qname(&err, t->db, t->table));
	strbuf_reset(&err);
	set_object_names(t);

	/* What needs no server comes first, so it is said even offline. */
	if (opts->alter) {
		struct ddl_alter alter = DDL_ALTER_INIT;

		if (ddl_parse_alter(opts->alter, &alter, &err) < 0)
			fail(pf, "%s%s",
			     strstr(err.buf, "--alter") ? "" : "--alter: ",
			     err.buf);
		ddl_alter_release(&alter);
		strbuf_reset(&err);
	}
	for (i = 0; i < ARRAY_SIZE(system_schemas); i++) {
		if (!strcasecmp(t->db, system_schemas[i])) {
			fail(pf,
			     "database `%s` belongs to the server; osc "
			     "does not change its tables",
			     system_schemas[i]);
			goto out;
		}
	}
	if (connect_server(pf, opts) < 0)
		goto out;
	if (check_server(pf) < 0)
		goto out;
	verbose("preflight: %s %s at %s, user %s",
		osc_flavor_name(pf->server.flavor), pf->server.version,
		pf->server.where, pf->server.user);
	check_replica_role(pf, opts);
	check_privileges(pf, t->db, t->table);
	check_replicas(pf, opts);
	check_galera(pf, opts);
	if (check_database(pf) < 0 || check_table(pf) < 0)
		goto out;
	/* The server's spelling of the names decides the object names. */
	set_object_names(t);
	check_key(pf);
	check_foreign_keys(pf);
	check_triggers(pf, opts);
	check_galera_key(pf);
	read_generated_columns(pf);
	lock_held = check_lock(pf);
	check_leftovers(pf, lock_held, opts->resume);
out:
	strbuf_release(&err);
	if (pf->failures) {
		verbose("preflight: %zu problem%s found", pf->failures,
			pf->failures > 1 ? "s" : "");
		return -1;
	}
	/* "all checks passed" waits for the data checks on the ghost
	 * (osc_ghost_check_data), so that a dry run never says it and then
	 * fails, nor passes what --execute would refuse. */
	verbose("preflight: the server and table checks passed");
	return 0;
}

void osc_preflight_release(struct osc_preflight *pf)
{
	struct osc_server_facts *s = &pf->server;
	struct osc_table_facts *t = &pf->table;

	db_close(pf->db);
	throttle_replica_list_release(&pf->replicas);
	free(s->where);
	free(s->version);
	free(s->version_comment);
	free(s->user);
	free(s->binlog_format);
	free(s->binlog_row_image);
	free(s->sql_mode);
	free(s->sql_mode_extra);
	free(s->time_zone);
	free(t->db);
	free(t->table);
	free(t->engine);
	free(t->key_name);
	while (t->key_columns_nr)
		free(t->key_columns[--t->key_columns_nr]);
	free(t->key_columns);
	while (t->triggers_nr)
		trigger_clear(&t->triggers[--t->triggers_nr]);
	free(t->fk_own_list);
	free(t->children_list);
	while (t->fk_referencing_nr) {
		struct osc_child_fk *c = &t->children[--t->fk_referencing_nr];

		free(c->schema);
		free(c->table);
		free(c->name);
		free(c->definition);
	}
	free(t->children);
	free(t->triggers);
	free(t->ghost_name);
	free(t->old_name);
	free(t->changelog_name);
	free(t->lock_name);
	osc_galera_facts_release(&pf->galera);
	memset(pf, 0, sizeof(*pf));
}

static void add_bytes(struct strbuf *out, uint64_t n)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t i = 0;

	if (n < 1024) {
		strbuf_addf(out, "%" PRIu64 " B", n);
		return;
	}
	v /= 1024;
	while (v >= 1024 && i + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		i++;
	}
	strbuf_addf(out, "%.1f %s", v, units[i]);
}

static void add_key_columns(struct strbuf *out, const struct osc_table_facts *t)
{
	size_t i;

	for (i = 0; i < t->key_columns_nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		quote_ident(out, t->key_columns[i]);
	}
}

/* Each "name=value" line of `settings` to emit(name, value). */
static void each_setting(const char *settings, struct strbuf *out,
			 void (*emit)(struct strbuf *out, const char *name,
				      size_t name_len, const char *value,
				      size_t value_len, int first))
{
	const char *p = settings, *eq, *nl;
	int first = 1;

	while (p && *p && (nl = strchr(p, '\n'))) {
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq) {
			emit(out, p, (size_t)(eq - p), eq + 1,
			     (size_t)(nl - eq - 1), first);
			first = 0;
		}
		p = nl + 1;
	}
}

static void setting_text(struct strbuf *out, const char *name,
			 size_t name_len, const char *value, size_t value_len,
			 int first)
{
	strbuf_addf(out, "  --%.*s=%.*s\n", (int)name_len, name,
		    (int)value_len, value);
}

static void setting_json(struct strbuf *out, const char *name,
			 size_t name_len, const char *value, size_t value_len,
			 int first)
{
	if (!first)
		strbuf_addch(out, ',');
	strbuf_addjson(out, name, name_len);
	strbuf_addch(out, ':');
	strbuf_addjson(out, value, value_len);
}

static void report_json(const struct osc_preflight *pf,
			const struct osc_options *opts, const char *plan_text,
			const char *ghost_create, const char *instant_line,
			const char *settings, struct strbuf *out)
{
	const struct osc_server_facts *s = &pf->server;
	const struct osc_table_facts *t = &pf->table;
	size_t i;

#define JSTR(key, val)                                                         \
	do {                                                                   \
		strbuf_addstr(out, "\"" key "\":");                            \
		strbuf_addjson(out, (val) ? (val) : "",                        \
			       (val) ? strlen(val) : 0);                       \
	} while (0)
	strbuf_addstr(out, "{\"type\":\"plan\",\"dry_run\":");
	strbuf_addstr(out, opts->execute ? "false" : "true");
	strbuf_addstr(out, ",\"server\":{");
	JSTR("address", s->where);
	strbuf_addch(out, ',');
	JSTR("flavor", osc_flavor_name(s->flavor));
	strbuf_addch(out, ',');
	JSTR("version", s->version);
	strbuf_addf(out, ",\"server_id\":%" PRIu64 ",\"log_bin\":%s,",
		    s->server_id, s->log_bin ? "true" : "false");
	JSTR("binlog_format", s->binlog_format);
	strbuf_addch(out, ',');
	JSTR("binlog_row_image", s->binlog_row_image);
	strbuf_addch(out, ',');
	JSTR("sql_mode", s->sql_mode);
	strbuf_addch(out, ',');
	JSTR("copy_sql_mode_extra", s->sql_mode_extra);
	if (pf->galera.on) {
		struct strbuf gd = STRBUF_INIT;

		strbuf_addstr(out, ",\"galera\":{");
		JSTR("cluster_name", pf->galera.cluster_name);
		strbuf_addf(out, ",\"cluster_size\":%lu,",
			    pf->galera.cluster_size);
		JSTR("cluster_status", pf->galera.cluster_status);
		strbuf_addch(out, ',');
		JSTR("local_state", pf->galera.local_state);
		strbuf_addch(out, ',');
		JSTR("provider", pf->galera.provider_name);
		strbuf_addch(out, ',');
		JSTR("provider_version", pf->galera.provider_version);
		strbuf_addch(out, ',');
		JSTR("osu_method", pf->galera.osu_method);
		osc_galera_describe_nodes(&pf->galera, &gd);
		strbuf_addch(out, ',');
		JSTR("nodes", gd.buf);
		strbuf_addch(out, '}');
		strbuf_release(&gd);
	}
	strbuf_addstr(out, "},\"table\":{");
	JSTR("database", t->db);
	strbuf_addch(out, ',');
	JSTR("name", t->table);
	strbuf_addch(out, ',');
	JSTR("engine", t->engine);
	strbuf_addf(out,
		    ",\"rows_estimate\":%" PRIu64 ",\"data_bytes\":%" PRIu64
		    ",\"index_bytes\":%" PRIu64 ",\"partitioned\":%s,"
		    "\"generated_columns\":%zu,",
		    t->rows_estimate, t->data_bytes, t->index_bytes,
		    t->partitioned ? "true" : "false", t->generated_columns);
	JSTR("key", t->key_name);
	strbuf_addstr(out, ",\"key_columns\":[");
	for (i = 0; i < t->key_columns_nr; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addjson(out, t->key_columns[i],
			       strlen(t->key_columns[i]));
	}
	strbuf_addstr(out, "],\"triggers\":[");
	for (i = 0; i < t->triggers_nr; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addjson(out, t->triggers[i].name,
			       strlen(t->triggers[i].name));
	}
	/* The constraints moved at the cut-over: [[schema, table, name]]. */
	strbuf_addstr(out, "],\"referenced_by\":[");
	for (i = 0; i < t->fk_referencing_nr; i++) {
		const struct osc_child_fk *c = &t->children[i];

		strbuf_addstr(out, i ? ",[" : "[");
		strbuf_addjson(out, c->schema, strlen(c->schema));
		strbuf_addch(out, ',');
		strbuf_addjson(out, c->table, strlen(c->table));
		strbuf_addch(out, ',');
		strbuf_addjson(out, c->name, strlen(c->name));
		strbuf_addch(out, ']');
	}
	strbuf_addstr(out, "]},");
	JSTR("alter", opts->alter);
	strbuf_addstr(out, ",\"objects\":{");
	JSTR("ghost", t->ghost_name);
	strbuf_addch(out, ',');
	JSTR("changelog", t->changelog_name);
	strbuf_addch(out, ',');
	JSTR("old", t->old_name);
	strbuf_addch(out, ',');
	JSTR("lock", t->lock_name);
	strbuf_addch(out, '}');
	if (ghost_create) {
		strbuf_addch(out, ',');
		JSTR("ghost_definition", ghost_create);
	}
	if (plan_text) {
		strbuf_addch(out, ',');
		JSTR("plan_text", plan_text);
	}
	if (instant_line) {
		strbuf_addch(out, ',');
		JSTR("instant", instant_line);
	}
	if (settings) {
		strbuf_addstr(out, ",\"settings\":{");
		each_setting(settings, out, setting_json);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "}\n");
#undef JSTR
}

void osc_preflight_report(const struct osc_preflight *pf,
			  const struct osc_options *opts,
			  const char *plan_text, const char *ghost_create,
			  const char *instant_line, const char *settings,
			  struct strbuf *out)
{
	const struct osc_server_facts *s = &pf->server;
	const struct osc_table_facts *t = &pf->table;
	struct strbuf q = STRBUF_INIT, ghost = STRBUF_INIT;
	struct strbuf old = STRBUF_INIT, changelog = STRBUF_INIT;
	size_t i;

	if (log_get_format() == LOG_FORMAT_JSON) {
		report_json(pf, opts, plan_text, ghost_create, instant_line,
			    settings, out);
		return;
	}
	qname(&q, t->db, t->table);
	qname(&ghost, t->db, t->ghost_name);
	qname(&old, t->db, t->old_name);
	qname(&changelog, t->db, t->changelog_name);
	strbuf_addf(out, "server:          %s, %s %u.%u.%u (%s)\n", s->where,
		    osc_flavor_name(s->flavor), s->major, s->minor, s->patch,
		    s->version);
	strbuf_addf(out,
		    "binary log:      log_bin=%s binlog_format=%s "
		    "binlog_row_image=%s server_id=%" PRIu64 "\n",
		    s->log_bin ? "ON" : "OFF", s->binlog_format,
		    s->binlog_row_image, s->server_id);
	strbuf_addf(out,
		    "sql_mode:        the ghost is built under the server's "
		    "'%s'; rows are copied under '%s%s%s'\n",
		    s->sql_mode ? s->sql_mode : "", DB_SQL_MODE,
		    s->sql_mode_extra && *s->sql_mode_extra ? "," : "",
		    s->sql_mode_extra ? s->sql_mode_extra : "");
	if (pf->galera.on) {
		strbuf_addstr(out, "galera:          ");
		osc_galera_describe(&pf->galera, out);
		strbuf_addstr(out, "\ngalera nodes:    ");
		osc_galera_describe_nodes(&pf->galera, out);
		strbuf_addstr(out, "\n                a change to the table "
				   "made on another node stops the run: "
				   "writes must go to this node only\n");
	}
	strbuf_addf(out, "user:            %s\n", s->user);
	strbuf_addf(out, "table:           %s, %s, about %" PRIu64 " rows, ",
		    q.buf, t->engine, t->rows_estimate);
	add_bytes(out, t->data_bytes);
	strbuf_addstr(out, " data + ");
	add_bytes(out, t->index_bytes);
	strbuf_addstr(out, " indexes (estimates)\n");
	strbuf_addf(out, "key:             %s (", t->key_name);
	add_key_columns(out, t);
	strbuf_addf(out, ")\n");
	strbuf_addf(out, "partitioned:     %s\n",
		    t->partitioned ? "yes" : "no");
	strbuf_addf(out, "generated cols:  %zu\n", t->generated_columns);
	strbuf_addf(out, "foreign keys:    %s\n",
		    t->fk_own_list ? t->fk_own_list : "none");
	strbuf_addf(out, "referenced by:   %s\n",
		    t->children_list ? t->children_list : "none");
	strbuf_addstr(out, "triggers:        ");
	if (!t->triggers_nr)
		strbuf_addstr(out, "none");
	for (i = 0; i < t->triggers_nr; i++) {
		strbuf_addstr(out, i ? ", " : "");
		quote_ident(out, t->triggers[i].name);
		strbuf_addf(out, " (%s %s)", t->triggers[i].timing,
			    t->triggers[i].event);
	}
	strbuf_addch(out, '\n');
	strbuf_addf(out, "alter:           %s\n", opts->alter);
	strbuf_addf(out, "ghost table:     %s\n", ghost.buf);
	strbuf_addf(out, "changelog table: %s\n", changelog.buf);
	strbuf_addf(out, "old table:       %s\n", old.buf);
	strbuf_addf(out, "lock:            GET_LOCK('%s')\n", t->lock_name);
	if (instant_line)
		strbuf_addf(out, "instant:         %s\n", instant_line);
	if (settings) {
		strbuf_addstr(out, "\nsettings:\n");
		each_setting(settings, out, setting_text);
	}
	strbuf_addf(out,
		    "\nwith --execute, osc would:\n"
		    "  1. take the lock '%s' so that no other run works on "
		    "%s\n",
		    t->lock_name, q.buf);
	strbuf_addf(out,
		    "  2. create %s and %s (CREATE TABLE ... LIKE %s), "
		    "then apply the ALTER to %s\n",
		    changelog.buf, ghost.buf, q.buf, ghost.buf);
	strbuf_addstr(out, "  3. note the binary log position and read the "
			   "binary log from there, as a replica does\n");
	strbuf_addf(out, "  4. copy the rows in chunks along %s (",
		    t->key_name);
	add_key_columns(out, t);
	strbuf_addstr(out, ") while replaying every concurrent change\n");
	if (t->fk_own_nr)
		strbuf_addf(out,
			    "%s lock %s, replay the last changes, move its "
			    "%zu foreign key%s to %s with their names "
			    "(metadata only: the ghost gets them under "
			    "temporary names, the table drops them, the ghost "
			    "takes the real names)\n",
			    t->fk_referencing_nr ? "    " : "  5.", q.buf,
			    t->fk_own_nr, t->fk_own_nr > 1 ? "s" : "",
			    ghost.buf);
	if (t->fk_referencing_nr)
		strbuf_addf(out,
			    "  5. lock %s and the tables that reference it, "
			    "replay the last changes, point their %zu foreign "
			    "key%s at %s (metadata only, names kept)\n",
			    q.buf, t->fk_referencing_nr,
			    t->fk_referencing_nr > 1 ? "s" : "", ghost.buf);
	if (t->triggers_nr && t->fk_own_nr)
		strbuf_addf(out, "     then move its %zu trigger%s to %s "
			    "(dropped on the table, created again from their "
			    "stored text)\n", t->triggers_nr,
			    t->triggers_nr > 1 ? "s" : "", ghost.buf);
	else if (t->triggers_nr)
		strbuf_addf(out,
			    "%s lock %s, replay the last changes, move its "
			    "%zu trigger%s to %s (dropped on the table, created "
			    "again from their stored text; writers wait on the "
			    "lock meanwhile)\n",
			    t->fk_referencing_nr ? "    " : "  5.", q.buf,
			    t->triggers_nr, t->triggers_nr > 1 ? "s" : "",
			    ghost.buf);
	strbuf_addf(out,
		    "%s swap the tables with one atomic RENAME: %s "
		    "becomes %s, %s becomes %s\n",
		    t->fk_own_nr || t->triggers_nr || t->fk_referencing_nr
			    ? "    " : "  5.", q.buf,
		    old.buf, ghost.buf, q.buf);
	strbuf_addf(out, "  6. drop %s and %s\n", changelog.buf, old.buf);
	if (plan_text) {
		strbuf_addstr(out, "\nplan:\n");
		strbuf_addstr(out, plan_text);
	}
	if (ghost_create) {
		strbuf_addstr(out, "\nghost definition (built by the server, "
				   "then dropped):\n");
		strbuf_addstr(out, ghost_create);
		strbuf_addstr(out, "\n");
	}
	strbuf_addstr(out, "\ndry run: nothing was changed\n");
	strbuf_release(&q);
	strbuf_release(&ghost);
	strbuf_release(&old);
	strbuf_release(&changelog);
}
