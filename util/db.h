/*
 * db.h: the connection wrapper, the only code that sends queries.
 *
 * Every connection is set up the same way: utf8mb4 client charset,
 * time_zone '+00:00' (TIMESTAMP values in the binlog are UTC and are
 * written back as such), and the fixed sql_mode DB_SQL_MODE (plus the
 * server's flags in db_options.sql_mode_extra). Errors keep
 * the server's errno and SQLSTATE so that callers retry deliberately
 * (1205 lock wait timeout, 1213 deadlock, 2006/2013 lost connection)
 * instead of matching strings. Each failing call appends one complete line
 * to `err` and returns -1; nothing is printed here except, at debug level
 * (-vv), each statement sent.
 *
 * A struct db is used by one thread at a time. Call db_global_init() once
 * before starting threads.
 */
#ifndef OSC_UTIL_DB_H
#define OSC_UTIL_DB_H

#include <stddef.h>
#include "util/retry.h"
#include "util/strbuf.h"

/*
 * NO_AUTO_VALUE_ON_ZERO: a copied or replayed 0 in an AUTO_INCREMENT
 * column stays 0. STRICT_ALL_TABLES: a value the ghost cannot hold is an
 * error, not a silent truncation. No NO_ZERO_DATE/NO_ZERO_IN_DATE, so rows
 * holding zero dates copy as they are; no NO_BACKSLASH_ESCAPES, so quoted
 * literals mean what quote_sql_string() writes.
 */
#define DB_SQL_MODE "NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION"
/* The applier's: DB_SQL_MODE without STRICT_ALL_TABLES (db.c says why). */
#define DB_APPLIER_SQL_MODE "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"

/*
 * The flags of the server's global sql_mode that change how a value is
 * converted or checked when a row is written (a native ALTER copies under
 * them), and that change nothing in how osc's own SQL text is read:
 * TIME_ROUND_FRACTIONAL (round, not truncate, fractional seconds),
 * ALLOW_INVALID_DATES, ERROR_FOR_DIVISION_BY_ZERO (generated columns and
 * CHECK constraints evaluated on write). Those left out are osc's to
 * fix (the strictness, NO_AUTO_VALUE_ON_ZERO), change how osc's SQL is
 * parsed or what SHOW CREATE TABLE prints (ANSI_QUOTES,
 * NO_BACKSLASH_ESCAPES, EMPTY_STRING_IS_NULL, ORACLE, NO_FIELD_OPTIONS,
 * ...), or would refuse values the table already holds and that an
 * in-place ALTER keeps (NO_ZERO_DATE, NO_ZERO_IN_DATE: the ghost's
 * definition is built under the server's mode, where they refuse a zero
 * DEFAULT as ALTER does).
 *
 * db_sql_mode_extra() appends those of `server_mode` (a comma list, as
 * @@global.sql_mode gives it) to `out`, comma separated, in the order of
 * the list above (pure). db_sql_mode_has() says whether the list holds `flag`.
 */
void db_sql_mode_extra(const char *server_mode, struct strbuf *out);
int db_sql_mode_has(const char *mode, const char *flag);

/* Server error codes the tool treats specially. */
enum {
	DB_ER_LOCK_WAIT_TIMEOUT = 1205,
	DB_ER_LOCK_DEADLOCK = 1213,
	DB_ER_QUERY_INTERRUPTED = 1317,
	DB_ER_ACCESS_DENIED = 1045,
	DB_ER_DBACCESS_DENIED = 1044,
	DB_ER_TABLEACCESS_DENIED = 1142,
	DB_ER_SPECIFIC_ACCESS_DENIED = 1227,
	DB_ER_NO_SUCH_TABLE = 1146,
	DB_ER_BAD_DB = 1049,
	DB_ER_TABLE_EXISTS = 1050,
	DB_ER_DUP_ENTRY = 1062,
	DB_ER_PARSE_ERROR = 1064,
	/* ALGORITHM=INSTANT refused (without / with a reason). */
	DB_ER_ALTER_NOT_SUPPORTED = 1845,
	DB_ER_ALTER_NOT_SUPPORTED_REASON = 1846,
	DB_CR_CONNECTION_ERROR = 2002,
	DB_CR_CONN_HOST_ERROR = 2003,
	DB_CR_UNKNOWN_HOST = 2005,
	DB_CR_SERVER_GONE = 2006,
	DB_CR_SERVER_LOST = 2013,
};

enum db_ssl_mode {
	DB_SSL_DEFAULT = 0,	/* the library's default */
	DB_SSL_DISABLED,
	DB_SSL_REQUIRED,	/* encrypt, do not verify the certificate */
	DB_SSL_VERIFY_CA,
	DB_SSL_VERIFY_IDENTITY,
};

struct db_options {
	const char *host;	/* NULL: localhost (the socket) */
	unsigned int port;	/* 0: the library's default */
	const char *user;
	const char *password;	/* never logged */
	const char *socket;
	enum db_ssl_mode ssl_mode;
	const char *ssl_ca;
	const char *ssl_capath;
	const char *ssl_cert;
	const char *ssl_key;
	const char *ssl_cipher;
	const char *ssl_crl;
	unsigned int connect_timeout_s;	/* 0: 10 s */
	unsigned int read_timeout_s;	/* 0: none */
	unsigned int write_timeout_s;	/* 0: none */
	/*
	 * Allow several statements separated by ';' in one db_exec() (one
	 * round trip); db_exec() then fails at the first failing statement
	 * and the later ones are not run.
	 */
	int multi_statements;
	/*
	 * Flags added to every session's sql_mode after the fixed setup and
	 * the role's (db_sql_mode_extra() of the server's mode), so that rows
	 * are copied and replayed under the server's conversion rules; NULL
	 * or "": none.
	 */
	const char *sql_mode_extra;
};

struct db;

struct db_row {
	char **values;		/* NULL for SQL NULL */
	unsigned long *lengths;
	unsigned int ncols;
};

struct db_result;

/* Once per process, before any thread uses the library. */
void db_global_init(void);
void db_global_end(void);
/* Once per thread that uses connections, before the first use. */
void db_thread_init(void);
void db_thread_end(void);

/*
 * Connect and set the session up. On failure returns NULL and appends
 * "cannot connect to <where> as '<user>': <server message>" to err; the
 * server's errno is left in *errno_out when errno_out is not NULL.
 *
 * `label` names the connection's role, in messages and for its session
 * settings. Every connection gets the fixed setup above (utf8mb4,
 * time_zone, DB_SQL_MODE, wait_timeout, autocommit); these roles get more
 * (the table is in db.c, the one place that knows them):
 *   "copy"     max_error_count = 65535 (every warning of a chunk listed)
 *   "applier"  sql_mode = DB_APPLIER_SQL_MODE, max_error_count = 65535,
 *              lock_wait_timeout = 2 (db.c says why)
 * The other roles ("main", "binlog", "cutover-lock", "cutover-rename",
 * "cutover-control", "heartbeat", "cleanup", probes) need only the fixed
 * setup, plus what their owner sets at run time with db_session_set().
 */
struct db *db_connect(const struct db_options *opts, const char *label,
		      unsigned int *errno_out, struct strbuf *err);
void db_close(struct db *db);

/*
 * A deep copy of `src` (every string duplicated), for code that outlives
 * the options it was given (cleanup undos); free with db_options_free().
 */
struct db_options *db_options_dup(const struct db_options *src);
void db_options_free(struct db_options *o);

/* Describe where the options point ("127.0.0.1:3306", "socket /x"). */
void db_describe_target(const struct db_options *opts, struct strbuf *out);

/* Run a statement and discard any result. */
int db_exec(struct db *db, const char *sql, struct strbuf *err);
/* Like db_exec, with the statement built by printf. */
int db_execf(struct db *db, struct strbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Run a query and fetch its whole result into memory (for small results:
 * catalog queries, single rows). *res is NULL when the statement returns no
 * result set.
 */
int db_query(struct db *db, const char *sql, struct db_result **res,
	     struct strbuf *err);
/*
 * Run a query and stream its result row by row (mysql_use_result): rows
 * are read from the network as db_result_next() asks for them, so a whole
 * table never sits in memory. No other statement may be sent on this
 * connection until the result is freed.
 */
int db_query_stream(struct db *db, const char *sql, struct db_result **res,
		    struct strbuf *err);
/* 1: *row filled (valid until the next call); 0: no more rows; -1 error. */
int db_result_next(struct db_result *res, struct db_row *row,
		   struct strbuf *err);
unsigned int db_result_ncols(const struct db_result *res);
const char *db_result_colname(const struct db_result *res, unsigned int i);
unsigned long long db_result_nrows(const struct db_result *res);
void db_result_free(struct db_result *res);

/*
 * First column of the first row into `out`. Returns 1 when there was a row
 * (and *is_null says whether the value was NULL; is_null may be NULL), 0
 * when there were no rows, -1 on error.
 */
int db_query_value(struct db *db, const char *sql, struct strbuf *out,
		   int *is_null, struct strbuf *err);

/*
 * The same, parsed as an unsigned number. Returns 1 with *value set, 0
 * when there was no row or the value was NULL (*value unchanged), -1 on
 * error (including a value that is not a number).
 */
int db_query_u64(struct db *db, const char *sql, unsigned long long *value,
		 struct strbuf *err);

/* Rows affected by the last statement. */
unsigned long long db_affected_rows(struct db *db);
/*
 * Warnings the last statement that returned no result set raised (0 after
 * a query with rows; for a db_exec() of several statements, the sum over
 * them): whether SHOW WARNINGS has anything to say.
 */
unsigned int db_warning_count(const struct db *db);
/* errno and SQLSTATE of the last failure on this connection (0/"00000"). */
unsigned int db_errno(const struct db *db);
const char *db_sqlstate(const struct db *db);
/* The server's connection id (for KILL QUERY and the process list). */
unsigned long db_thread_id(const struct db *db);
/* The server's version string ("10.11.19-MariaDB-0+deb12u1"). */
const char *db_server_version(const struct db *db);
/* The underlying MYSQL handle, for binlog/stream.c only. */
void *db_handle(struct db *db);

/*
 * Retry classes, from the one policy in util/retry.h:
 * db_error_is_transient(): 1205 and 1213 (the statement can be run again
 * as it is); db_error_is_disconnect(): 2006 and 2013 (the connection must
 * be re-established first).
 */
int db_error_is_transient(unsigned int code);
int db_error_is_disconnect(unsigned int code);

/*
 * After a failed statement on `db` with errno `code` (db_errno() taken at
 * the failure, before any ROLLBACK): ask retry_after(). To try again, it
 * logs why (verbose for a lock conflict, a warning for a
 * lost connection), waits, and after a lost connection reconnects (again,
 * within the policy's reconnects, while reconnecting fails). Returns 1:
 * run the statement again (a transaction from its BEGIN); 0: give up, err
 * untouched (it holds the caller's error; r->last says why); -1: the
 * connection was lost and could not be opened again, err replaced by
 * that.
 */
int db_retry(struct db *db, unsigned int code, struct retry *r,
	     struct strbuf *err);

/*
 * Run an autocommit statement, retrying transient errors and, when
 * `reconnect` is set, reconnecting after a lost connection (only for
 * statements that are safe to run twice). At most `attempts` tries of
 * each kind, with a short growing wait between them.
 */
int db_exec_retry(struct db *db, const char *sql, int attempts, int reconnect,
		  struct strbuf *err);
/*
 * Reconnect with the options of the original connection and restore the
 * whole session: the fixed setup, the role's settings, and every
 * db_session_set() made since connecting, in that order. What a session
 * held beyond that (user variables, locks, temporary tables, an open
 * transaction) is gone: the caller decides whether it can go on.
 */
int db_reconnect(struct db *db, struct strbuf *err);

/*
 * SET SESSION name = value, remembered so that db_reconnect() sets it
 * again: every session setting made after connecting goes through here.
 * `value` is SQL text (a number, a quoted string); `name` a plain
 * variable name (anything else is a BUG). A later call for the same name
 * replaces the value. Returns 0, or -1 with err (nothing remembered).
 */
int db_session_set(struct db *db, const char *name, const char *value,
		   struct strbuf *err);
int db_session_setf(struct db *db, struct strbuf *err, const char *name,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The value db_session_set() last gave `name`, or NULL. */
const char *db_session_get(const struct db *db, const char *name);

/* Append a single-quoted literal escaped for this connection's charset. */
void db_append_literal(struct db *db, struct strbuf *sb, const char *s,
		       size_t len);

#endif
