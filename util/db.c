/*
 * db.c: the connection wrapper (see db.h). The only file outside
 * binlog/stream.c that includes <mysql.h>.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <mysql.h>
#include <strings.h>
#include <time.h>

struct db {
	MYSQL *mysql;
	char *label;
	struct db_options opts;	/* deep copy, for reconnects */
	unsigned int last_errno;
	char last_sqlstate[6];
	unsigned long thread_id;
	/*
	 * Rows affected by the last statement, kept when it completes:
	 * mysql_affected_rows() is reset by the mysql_next_result() call
	 * that drains the results, so it cannot be asked afterwards.
	 */
	unsigned long long affected_rows;
	/* Warnings of the last statement, kept the same way. */
	unsigned int warnings;
	/*
	 * The settings given to db_session_set() since connecting, in the
	 * order they were first set: a reconnect replays them after the
	 * fixed setup and the role's settings.
	 */
	struct session_var *vars;
	size_t vars_nr, vars_alloc;
};

struct session_var {
	char *name;
	char *value;	/* SQL text: 65535, 'STRICT_ALL_TABLES', ... */
};

struct db_result {
	struct db *db;
	MYSQL_RES *res;
	int streaming;
	unsigned int ncols;
};

/*
 * Session set-up sent after every connect. time_zone: TIMESTAMP values are
 * UTC in the binlog. sql_mode: see DB_SQL_MODE. The wait_timeout bump keeps
 * idle helper connections (the cut-over lock, the heartbeat) alive through
 * long copies.
 */
static const char SQL_SESSION_SETUP[] =
	"SET SESSION time_zone = '+00:00', SESSION sql_mode = '" DB_SQL_MODE
	"', SESSION wait_timeout = 86400, SESSION autocommit = 1";

/*
 * What each role needs on top of SQL_SESSION_SETUP, sent after it on
 * every connect and reconnect (db.h lists the roles).
 *
 * copy: every warning of a chunk must be listed by SHOW WARNINGS to be
 * checked (the default max_error_count, 64, lists fewer than a chunk of
 * INSERT IGNORE can raise; a reconnected session that lost it stopped
 * the run with "a chunk gave 77 warnings").
 *
 * applier: no STRICT_ALL_TABLES, like the copy's INSERT IGNORE, so that a
 * column the replay leaves out (one the ALTER adds NOT NULL without a
 * DEFAULT) takes its implicit default as in a native ALTER: in strict
 * mode every replayed insert failed with 1364. Its warnings are read and
 * stop the run, as in the copy; max_error_count for the same reason.
 * lock_wait_timeout: nothing but the cut-over's L locks the ghost, and on
 * MySQL 8 L lends its connection for the final replay; a statement of the
 * applier that waits for L's lock times out (1205, retried) and the
 * applier moves to L instead of waiting for ever (osc_applier_lend).
 */
static const struct {
	const char *role;
	const char *sql;
} role_setup[] = {
	{ "copy", "SET SESSION max_error_count = 65535" },
	{ "applier", "SET SESSION sql_mode = '" DB_APPLIER_SQL_MODE "', "
		     "SESSION max_error_count = 65535, "
		     "SESSION lock_wait_timeout = 2" },
};

/* See db.h: the server's flags that copy and replay take over. */
static const char *const data_sql_mode_flags[] = {
	"TIME_ROUND_FRACTIONAL",
	"ALLOW_INVALID_DATES",
	"ERROR_FOR_DIVISION_BY_ZERO",
};

int db_sql_mode_has(const char *mode, const char *flag)
{
	size_t n = strlen(flag);
	const char *p = mode;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncasecmp(p, flag, n))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

void db_sql_mode_extra(const char *server_mode, struct strbuf *out)
{
	size_t i, start = out->len;

	for (i = 0; i < ARRAY_SIZE(data_sql_mode_flags); i++) {
		if (!db_sql_mode_has(server_mode, data_sql_mode_flags[i]))
			continue;
		if (out->len > start)
			strbuf_addch(out, ',');
		strbuf_addstr(out, data_sql_mode_flags[i]);
	}
}

void db_global_init(void)
{
	if (mysql_library_init(0, NULL, NULL))
		die("cannot initialise the MySQL client library");
}

void db_global_end(void)
{
	mysql_library_end();
}

void db_thread_init(void)
{
	mysql_thread_init();
}

void db_thread_end(void)
{
	mysql_thread_end();
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void copy_options(struct db_options *dst, const struct db_options *src)
{
	*dst = *src;
	dst->host = dup_or_null(src->host);
	dst->user = dup_or_null(src->user);
	dst->password = dup_or_null(src->password);
	dst->socket = dup_or_null(src->socket);
	dst->ssl_ca = dup_or_null(src->ssl_ca);
	dst->ssl_capath = dup_or_null(src->ssl_capath);
	dst->ssl_cert = dup_or_null(src->ssl_cert);
	dst->ssl_key = dup_or_null(src->ssl_key);
	dst->ssl_cipher = dup_or_null(src->ssl_cipher);
	dst->ssl_crl = dup_or_null(src->ssl_crl);
	dst->sql_mode_extra = dup_or_null(src->sql_mode_extra);
}

static void free_secret(const char *s)
{
	if (s) {
		/* Do not leave the password in freed memory. */
		volatile char *p = (volatile char *)s;
		while (*p)
			*p++ = '\0';
		free((char *)s);
	}
}

static void free_options(struct db_options *o)
{
	free((char *)o->host);
	free((char *)o->user);
	free_secret(o->password);
	free((char *)o->socket);
	free((char *)o->ssl_ca);
	free((char *)o->ssl_capath);
	free((char *)o->ssl_cert);
	free((char *)o->ssl_key);
	free((char *)o->ssl_cipher);
	free((char *)o->ssl_crl);
	free((char *)o->sql_mode_extra);
	memset(o, 0, sizeof(*o));
}

struct db_options *db_options_dup(const struct db_options *src)
{
	struct db_options *o = xcalloc(1, sizeof(*o));

	copy_options(o, src);
	return o;
}

void db_options_free(struct db_options *o)
{
	if (!o)
		return;
	free_options(o);
	free(o);
}

void db_describe_target(const struct db_options *opts, struct strbuf *out)
{
	if (opts->host && strcmp(opts->host, "localhost")) {
		strbuf_addstr(out, opts->host);
		strbuf_addf(out, ":%u", opts->port ? opts->port : 3306);
	} else if (opts->socket) {
		strbuf_addf(out, "localhost (socket '%s')", opts->socket);
	} else {
		strbuf_addstr(out, "localhost (default socket)");
	}
}

static void keep_error(struct db *db)
{
	const char *state = mysql_sqlstate(db->mysql);

	db->last_errno = mysql_errno(db->mysql);
	snprintf(db->last_sqlstate, sizeof(db->last_sqlstate), "%s",
		 state ? state : "HY000");
}

static void clear_error(struct db *db)
{
	db->last_errno = 0;
	memcpy(db->last_sqlstate, "00000", 6);
}

static int set_options(MYSQL *mysql, const struct db_options *o)
{
	unsigned int connect_timeout =
		o->connect_timeout_s ? o->connect_timeout_s : 10;
	my_bool off = 0;

	mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	if (o->read_timeout_s)
		mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT,
			      &o->read_timeout_s);
	if (o->write_timeout_s)
		mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT,
			      &o->write_timeout_s);
	mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Reconnects are ours to decide (session state would be lost). */
	mysql_options(mysql, MYSQL_OPT_RECONNECT, &off);
	mysql_options(mysql, MYSQL_OPT_LOCAL_INFILE, &off);
	if (o->ssl_key || o->ssl_cert || o->ssl_ca || o->ssl_capath ||
	    o->ssl_cipher)
		mysql_ssl_set(mysql, o->ssl_key, o->ssl_cert, o->ssl_ca,
			      o->ssl_capath, o->ssl_cipher);
	if (o->ssl_crl)
		mysql_options(mysql, MYSQL_OPT_SSL_CRL, o->ssl_crl);
	switch (o->ssl_mode) {
	case DB_SSL_DEFAULT:
		break;
	case DB_SSL_DISABLED: {
		my_bool no = 0;
		mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &no);
		break;
	}
	case DB_SSL_REQUIRED: {
		my_bool yes = 1, no = 0;
		mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	}
	case DB_SSL_VERIFY_CA:
	case DB_SSL_VERIFY_IDENTITY: {
		my_bool yes = 1;
		mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
		break;
	}
	}
	return 0;
}

static void add_assignment(struct strbuf *sql, const struct session_var *v)
{
	strbuf_addstr(sql, sql->len ? ", " : "SET ");
	strbuf_addf(sql, "SESSION %s = %s", v->name, v->value);
}

/*
 * The whole session set-up: the fixed part, the role's, then what was
 * set since connecting (db_session_set), so a reconnected session is the
 * session it replaces.
 */
static int setup_session(struct db *db, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	size_t i;
	int ret = -1;

	if (db_exec(db, SQL_SESSION_SETUP, err) < 0)
		goto out;
	for (i = 0; i < ARRAY_SIZE(role_setup); i++)
		if (!strcmp(db->label, role_setup[i].role) &&
		    db_exec(db, role_setup[i].sql, err) < 0)
			goto out;
	if (db->opts.sql_mode_extra && *db->opts.sql_mode_extra) {
		strbuf_addstr(&sql, "SET SESSION sql_mode = CONCAT("
				    "@@session.sql_mode, ',', ");
		quote_sql_string(&sql, db->opts.sql_mode_extra,
				 strlen(db->opts.sql_mode_extra));
		strbuf_addch(&sql, ')');
		if (db_exec(db, sql.buf, err) < 0)
			goto out;
		strbuf_reset(&sql);
	}
	for (i = 0; i < db->vars_nr; i++)
		add_assignment(&sql, &db->vars[i]);
	if (sql.len && db_exec(db, sql.buf, err) < 0)
		goto out;
	ret = 0;
out:
	strbuf_release(&sql);
	return ret;
}

/* Where the library connects over the Unix socket (db_describe_target). */
static int over_socket(const struct db_options *o)
{
	return !o->host || !strcmp(o->host, "localhost");
}

/*
 * --ssl-mode=REQUIRED and above promise an encrypted connection. The
 * library's enforcement is not enough: libmariadb 10.11 (Connector/C 3.3)
 * with MYSQL_OPT_SSL_ENFORCE and no certificate check connects in
 * plaintext to a server without TLS (a --ssl run went on, rc 0; only
 * VERIFY_CA and VERIFY_IDENTITY were refused). So after the handshake,
 * the session's cipher decides. A Unix socket never leaves the machine
 * and counts as secure, as the mysql client has it; TLS over it is not
 * asked for.
 */
static int check_tls(struct db *db, struct strbuf *err)
{
	const struct db_options *o = &db->opts;
	struct strbuf where = STRBUF_INIT;

	if (o->ssl_mode < DB_SSL_REQUIRED || over_socket(o) ||
	    mysql_get_ssl_cipher(db->mysql))
		return 0;
	db_describe_target(o, &where);
	strbuf_addf(err,
		    "the connection to %s is not encrypted, but --ssl or "
		    "--ssl-mode=%s asks for TLS; enable TLS on the server "
		    "(ssl_cert, ssl_key) or drop --ssl",
		    where.buf,
		    o->ssl_mode == DB_SSL_REQUIRED	  ? "REQUIRED"
		    : o->ssl_mode == DB_SSL_VERIFY_CA ? "VERIFY_CA"
						      : "VERIFY_IDENTITY");
	strbuf_release(&where);
	return -1;
}

static int open_connection(struct db *db, struct strbuf *err)
{
	const struct db_options *o = &db->opts;
	const char *host = o->host;

	db->mysql = mysql_init(NULL);
	if (!db->mysql) {
		strbuf_addstr(err, "cannot allocate a MySQL connection handle");
		return -1;
	}
	set_options(db->mysql, o);
	if (!mysql_real_connect(db->mysql, host, o->user, o->password, NULL,
				o->port, o->socket,
				o->multi_statements ? CLIENT_MULTI_STATEMENTS
						    : 0)) {
		struct strbuf where = STRBUF_INIT;

		keep_error(db);
		db_describe_target(o, &where);
		strbuf_addf(err, "cannot connect to %s as '%s': %s", where.buf,
			    o->user ? o->user : "(current user)",
			    mysql_error(db->mysql));
		strbuf_release(&where);
		mysql_close(db->mysql);
		db->mysql = NULL;
		return -1;
	}
	if (check_tls(db, err) < 0) {
		mysql_close(db->mysql);
		db->mysql = NULL;
		return -1;
	}
	db->thread_id = mysql_thread_id(db->mysql);
	if (setup_session(db, err) < 0) {
		mysql_close(db->mysql);
		db->mysql = NULL;
		return -1;
	}
	verbose("connection '%s' is server thread %lu", db->label,
		db->thread_id);
	return 0;
}

struct db *db_connect(const struct db_options *opts, const char *label,
		      unsigned int *errno_out, struct strbuf *err)
{
	struct db *db = xcalloc(1, sizeof(*db));

	copy_options(&db->opts, opts);
	db->label = xstrdup(label ? label : "db");
	clear_error(db);
	if (open_connection(db, err) < 0) {
		if (errno_out)
			*errno_out = db->last_errno;
		free_options(&db->opts);
		free(db->label);
		free(db);
		return NULL;
	}
	if (errno_out)
		*errno_out = 0;
	return db;
}

int db_reconnect(struct db *db, struct strbuf *err)
{
	if (db->mysql)
		mysql_close(db->mysql);
	db->mysql = NULL;
	return open_connection(db, err);
}

static void free_vars(struct db *db)
{
	size_t i;

	for (i = 0; i < db->vars_nr; i++) {
		free(db->vars[i].name);
		free(db->vars[i].value);
	}
	FREE_AND_NULL(db->vars);
	db->vars_nr = db->vars_alloc = 0;
}

static int is_variable_name(const char *name)
{
	const char *p;

	if (!*name)
		return 0;
	for (p = name; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

int db_session_set(struct db *db, const char *name, const char *value,
		   struct strbuf *err)
{
	struct session_var v = { (char *)name, (char *)value };
	struct strbuf sql = STRBUF_INIT;
	size_t i;
	int ret;

	if (!is_variable_name(name))
		BUG("db_session_set: bad variable name '%s'", name);
	add_assignment(&sql, &v);
	ret = db_exec(db, sql.buf, err);
	strbuf_release(&sql);
	if (ret < 0)
		return -1;
	for (i = 0; i < db->vars_nr; i++)
		if (!strcmp(db->vars[i].name, name))
			break;
	if (i == db->vars_nr) {
		ALLOC_GROW(db->vars, db->vars_nr + 1, db->vars_alloc);
		db->vars[db->vars_nr].name = xstrdup(name);
		db->vars[db->vars_nr].value = NULL;
		db->vars_nr++;
	}
	free(db->vars[i].value);
	db->vars[i].value = xstrdup(value);
	return 0;
}

int db_session_setf(struct db *db, struct strbuf *err, const char *name,
		    const char *fmt, ...)
{
	struct strbuf value = STRBUF_INIT;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	strbuf_vaddf(&value, fmt, ap);
	va_end(ap);
	ret = db_session_set(db, name, value.buf, err);
	strbuf_release(&value);
	return ret;
}

const char *db_session_get(const struct db *db, const char *name)
{
	size_t i;

	for (i = 0; i < db->vars_nr; i++)
		if (!strcmp(db->vars[i].name, name))
			return db->vars[i].value;
	return NULL;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->mysql)
		mysql_close(db->mysql);
	free_vars(db);
	free_options(&db->opts);
	free(db->label);
	free(db);
}

static void add_query_error(struct db *db, const char *sql,
			    struct strbuf *err)
{
	keep_error(db);
	strbuf_addf(err, "query failed on connection '%s': %s (errno %u, "
		    "sqlstate %s)",
		    db->label, mysql_error(db->mysql), db->last_errno,
		    db->last_sqlstate);
	debug("failed statement on '%s': %.200s", db->label, sql);
}

static int send_query(struct db *db, const char *sql, struct strbuf *err)
{
	if (!db->mysql) {
		db->last_errno = DB_CR_SERVER_GONE;
		memcpy(db->last_sqlstate, "HY000", 6);
		strbuf_addf(err, "connection '%s' is closed", db->label);
		return -1;
	}
	if (log_enabled(LOG_DEBUG))
		debug("sql[%s/%lu]: %s", db->label, db->thread_id, sql);
	clear_error(db);
	db->affected_rows = 0;
	db->warnings = 0;
	if (mysql_real_query(db->mysql, sql, strlen(sql))) {
		add_query_error(db, sql, err);
		return -1;
	}
	return 0;
}

int db_exec(struct db *db, const char *sql, struct strbuf *err)
{
	MYSQL_RES *res;

	if (send_query(db, sql, err) < 0)
		return -1;
	do {
		res = mysql_store_result(db->mysql);
		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(db->mysql)) {
			add_query_error(db, sql, err);
			return -1;
		} else {
			db->affected_rows =
				(unsigned long long)mysql_affected_rows(
					db->mysql);
			/* Summed over the statements of a multi-statement. */
			db->warnings += mysql_warning_count(db->mysql);
		}
	} while (mysql_next_result(db->mysql) == 0);
	if (mysql_errno(db->mysql)) {
		add_query_error(db, sql, err);
		return -1;
	}
	return 0;
}

int db_execf(struct db *db, struct strbuf *err, const char *fmt, ...)
{
	struct strbuf sql = STRBUF_INIT;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	strbuf_vaddf(&sql, fmt, ap);
	va_end(ap);
	ret = db_exec(db, sql.buf, err);
	strbuf_release(&sql);
	return ret;
}

static int run_query(struct db *db, const char *sql, struct db_result **out,
		     int streaming, struct strbuf *err)
{
	MYSQL_RES *res;

	*out = NULL;
	if (send_query(db, sql, err) < 0)
		return -1;
	res = streaming ? mysql_use_result(db->mysql)
			: mysql_store_result(db->mysql);
	if (!res) {
		if (mysql_field_count(db->mysql)) {
			add_query_error(db, sql, err);
			return -1;
		}
		db->affected_rows =
			(unsigned long long)mysql_affected_rows(db->mysql);
		db->warnings = mysql_warning_count(db->mysql);
		return 0;
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->db = db;
	(*out)->res = res;
	(*out)->streaming = streaming;
	(*out)->ncols = mysql_num_fields(res);
	return 0;
}

int db_query(struct db *db, const char *sql, struct db_result **res,
	     struct strbuf *err)
{
	return run_query(db, sql, res, 0, err);
}

int db_query_stream(struct db *db, const char *sql, struct db_result **res,
		    struct strbuf *err)
{
	return run_query(db, sql, res, 1, err);
}

int db_result_next(struct db_result *res, struct db_row *row,
		   struct strbuf *err)
{
	MYSQL_ROW r;

	if (!res)
		return 0;
	r = mysql_fetch_row(res->res);
	if (!r) {
		if (res->streaming && mysql_errno(res->db->mysql)) {
			add_query_error(res->db, "(fetching rows)", err);
			return -1;
		}
		return 0;
	}
	row->values = r;
	row->lengths = mysql_fetch_lengths(res->res);
	row->ncols = res->ncols;
	return 1;
}

unsigned int db_result_ncols(const struct db_result *res)
{
	return res ? res->ncols : 0;
}

const char *db_result_colname(const struct db_result *res, unsigned int i)
{
	MYSQL_FIELD *f;

	if (!res || i >= res->ncols)
		return NULL;
	f = mysql_fetch_field_direct(res->res, i);
	return f ? f->name : NULL;
}

unsigned long long db_result_nrows(const struct db_result *res)
{
	return res ? (unsigned long long)mysql_num_rows(res->res) : 0;
}

void db_result_free(struct db_result *res)
{
	if (!res)
		return;
	mysql_free_result(res->res);
	/* Drain further result sets so the connection is usable again. */
	while (mysql_more_results(res->db->mysql) &&
	       mysql_next_result(res->db->mysql) == 0) {
		MYSQL_RES *more = mysql_store_result(res->db->mysql);
		if (more)
			mysql_free_result(more);
	}
	free(res);
}

int db_query_value(struct db *db, const char *sql, struct strbuf *out,
		   int *is_null, struct strbuf *err)
{
	struct db_result *res;
	struct db_row row;
	int ret;

	if (db_query(db, sql, &res, err) < 0)
		return -1;
	ret = db_result_next(res, &row, err);
	if (ret == 1) {
		strbuf_reset(out);
		if (row.ncols && row.values[0])
			strbuf_add(out, row.values[0], row.lengths[0]);
		if (is_null)
			*is_null = !row.ncols || !row.values[0];
	}
	db_result_free(res);
	return ret;
}

int db_query_u64(struct db *db, const char *sql, unsigned long long *value,
		 struct strbuf *err)
{
	struct strbuf out = STRBUF_INIT;
	int is_null = 0;
	int ret = db_query_value(db, sql, &out, &is_null, err);
	char *end;

	if (ret == 1) {
		if (is_null) {
			ret = 0;
			goto out;
		}
		errno = 0;
		*value = strtoull(out.buf, &end, 10);
		if (errno || end == out.buf || *end) {
			strbuf_addf(err, "expected a number from '%.80s', got '%s'",
				    sql, out.buf);
			ret = -1;
		}
	}
out:
	strbuf_release(&out);
	return ret;
}

unsigned long long db_affected_rows(struct db *db)
{
	return db->affected_rows;
}

unsigned int db_warning_count(const struct db *db)
{
	return db->warnings;
}

unsigned int db_errno(const struct db *db)
{
	return db->last_errno;
}

const char *db_sqlstate(const struct db *db)
{
	return db->last_sqlstate;
}

unsigned long db_thread_id(const struct db *db)
{
	return db->thread_id;
}

const char *db_server_version(const struct db *db)
{
	return db->mysql ? mysql_get_server_info(db->mysql) : "";
}

void *db_handle(struct db *db)
{
	return db->mysql;
}

int db_error_is_transient(unsigned int code)
{
	enum retry_reason why = retry_reason_of(code);

	return why == RETRY_LOCK_WAIT || why == RETRY_DEADLOCK;
}

int db_error_is_disconnect(unsigned int code)
{
	return retry_needs_reconnect(retry_reason_of(code));
}

int db_retry(struct db *db, unsigned int code, struct retry *r,
	     struct strbuf *err)
{
	struct strbuf rerr = STRBUF_INIT;
	unsigned int wait_ms;
	enum retry_reason why = retry_after(r, code, &wait_ms);

	if (why == RETRY_GIVE_UP)
		return 0;
	if (!retry_needs_reconnect(why)) {
		verbose("connection '%s': %s (error %u), running it again",
			db->label, retry_reason_name(why), code);
		clock_sleep_ms(wait_ms);
		return 1;
	}
	warning("%s connection lost, reconnecting (error %u: %s)", db->label,
		code, retry_reason_name(why));
	for (;;) {
		clock_sleep_ms(wait_ms);
		strbuf_reset(&rerr);
		if (!db_reconnect(db, &rerr)) {
			strbuf_release(&rerr);
			return 1;
		}
		/* Counted as one more lost connection. */
		if (retry_after(r, DB_CR_SERVER_GONE, &wait_ms) ==
		    RETRY_GIVE_UP)
			break;
	}
	strbuf_reset(err);
	strbuf_addf(err,
		    "connection '%s' was lost and could not be opened "
		    "again (%u tries): %s",
		    db->label, r->reconnects, rerr.buf);
	strbuf_release(&rerr);
	return -1;
}

int db_exec_retry(struct db *db, const char *sql, int attempts, int reconnect,
		  struct strbuf *err)
{
	const struct retry_policy policy = {
		.attempts = attempts > 0 ? (unsigned int)attempts : 1,
		.reconnects = reconnect && attempts > 0 ? (unsigned int)attempts
							: 0,
		.wait_ms = 50,
		.reconnect_wait_ms = 50,
		.max_wait_ms = 2000,
	};
	struct strbuf last = STRBUF_INIT;
	struct retry r;

	retry_init(&r, &policy);
	do {
		strbuf_reset(&last);
		if (db_exec(db, sql, &last) == 0) {
			strbuf_release(&last);
			return 0;
		}
	} while (db_retry(db, db->last_errno, &r, &last) > 0);
	strbuf_addbuf(err, &last);
	strbuf_release(&last);
	return -1;
}

void db_append_literal(struct db *db, struct strbuf *sb, const char *s,
		       size_t len)
{
	unsigned long n;

	strbuf_grow(sb, st_add(st_mult(len, 2), 3));
	strbuf_addch(sb, '\'');
	n = mysql_real_escape_string(db->mysql, sb->buf + sb->len, s,
				     (unsigned long)len);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	strbuf_addch(sb, '\'');
}
