/*
 * cutover-driver.c: run osc/cutover/cutover.c against a real server.
 *
 *   cutover-driver [connection] --database=DB [--table=t] [--ghost=_t_new]
 *                  [--old=_t_old] [--method=auto|sentry|lock-rename]
 *                  [--lock-wait-timeout=S] [--retries=N] [--backoff-ms=MS]
 *                  [--catch-up-ms=MS] [--catch-up-sql=SQL]
 *                  [--kill-lock=catch-up|queued] [-v]
 *
 * The catch-up is a stand-in for the binlog applier: it runs
 * --catch-up-sql on a connection of its own (a write to the ghost, as the
 * applier's would be) and sleeps --catch-up-ms (the time a replay would
 * hold the lock). --kill-lock kills the locking connection L from outside
 * during the first attempt, in the catch-up or once the rename is queued
 * (before_unlock), to show that no swap happens then: the cut-over sees L
 * gone, or the sentry stops the queued rename. Prints one line; exits 0
 * when swapped, 1 when not (t in place), 4 when unknown.
 */
#include "util/compat.h"

#include <getopt.h>
#include <time.h>

#include "osc/cutover/cutover.h"
#include "util/db.h"
#include "util/log.h"

enum kill_when {
	KILL_NEVER,
	KILL_IN_CATCH_UP,
	KILL_WITH_RENAME_QUEUED,
};

struct driver {
	const struct db_options *conn;
	unsigned int catch_up_ms;
	enum kill_when kill_lock;
	const char *catch_up_sql;
};

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Kill L from outside, as if the tool's lock connection died. */
static int kill_lock(struct driver *d, const struct cutover_catch_up *cc,
		     struct strbuf *err)
{
	struct db *k = db_connect(d->conn, "killer", NULL, err);

	if (!k)
		return -1;
	if (db_execf(k, err, "KILL %lu", cc->lock_thread_id) < 0) {
		db_close(k);
		return -1;
	}
	db_close(k);
	/* Let a queued rename see the locks go and fail on the sentry. */
	sleep_ms(500);
	return 0;
}

static int catch_up(void *ctx, const struct cutover_catch_up *cc,
		    struct strbuf *err)
{
	struct driver *d = ctx;

	verbose("catch-up: attempt %d, position %s:%llu, lock %lu",
		cc->attempt, cc->position.file,
		(unsigned long long)cc->position.pos,
		cc->lock_thread_id);
	if (d->catch_up_sql) {
		/* What an applier does: write the ghost from elsewhere. */
		struct db *w = db_connect(d->conn, "applier", NULL, err);
		int rc;

		if (!w)
			return -1;
		rc = db_exec(w, "SET SESSION lock_wait_timeout = 5", err) ||
		     db_exec(w, d->catch_up_sql, err);
		db_close(w);
		if (rc)
			return -1;
	}
	if (d->kill_lock == KILL_IN_CATCH_UP && cc->attempt == 1 &&
	    kill_lock(d, cc, err) < 0)
		return -1;
	sleep_ms(d->catch_up_ms);
	return 0;
}

static int before_unlock(void *ctx, const struct cutover_catch_up *cc,
			 struct strbuf *err)
{
	struct driver *d = ctx;

	if (d->kill_lock == KILL_WITH_RENAME_QUEUED && cc->attempt == 1 &&
	    kill_lock(d, cc, err) < 0)
		return -1;
	return 0;
}

static unsigned long parse_ul(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end)
		die("invalid %s '%s'", what, s);
	return v;
}

int main(int argc, char **argv)
{
	enum { O_DB = 256, O_TABLE, O_GHOST, O_OLD, O_METHOD, O_LWT,
	       O_RETRIES, O_BACKOFF, O_CATCH_UP, O_KILL, O_CATCH_UP_SQL };
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 'S' },
		{ "database", required_argument, NULL, O_DB },
		{ "table", required_argument, NULL, O_TABLE },
		{ "ghost", required_argument, NULL, O_GHOST },
		{ "old", required_argument, NULL, O_OLD },
		{ "method", required_argument, NULL, O_METHOD },
		{ "lock-wait-timeout", required_argument, NULL, O_LWT },
		{ "retries", required_argument, NULL, O_RETRIES },
		{ "backoff-ms", required_argument, NULL, O_BACKOFF },
		{ "catch-up-ms", required_argument, NULL, O_CATCH_UP },
		{ "kill-lock", required_argument, NULL, O_KILL },
		{ "catch-up-sql", required_argument, NULL, O_CATCH_UP_SQL },
		{ NULL, 0, NULL, 0 },
	};
	struct db_options conn;
	struct cutover_opts o;
	struct cutover_result res;
	struct driver d;
	struct strbuf err = STRBUF_INIT;
	const char *word;
	int c, rc;

	memset(&conn, 0, sizeof(conn));
	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	o.conn = &conn;
	o.schema = "test";
	o.table = "t";
	o.ghost = "_t_new";
	o.old = "_t_old";
	o.retries = 3;
	o.catch_up = catch_up;
	o.before_unlock = before_unlock;
	o.ctx = &d;
	d.conn = &conn;
	while ((c = getopt_long(argc, argv, "h:P:u:p:S:v", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			conn.host = optarg;
			break;
		case 'P':
			conn.port = (unsigned)parse_ul(optarg, "port");
			break;
		case 'u':
			conn.user = optarg;
			break;
		case 'p':
			conn.password = optarg;
			break;
		case 'S':
			conn.socket = optarg;
			break;
		case 'v':
			log_set_level(LOG_VERBOSE);
			break;
		case O_DB:
			o.schema = optarg;
			break;
		case O_TABLE:
			o.table = optarg;
			break;
		case O_GHOST:
			o.ghost = optarg;
			break;
		case O_OLD:
			o.old = optarg;
			break;
		case O_METHOD:
			if (!strcmp(optarg, "auto"))
				o.method = CUTOVER_AUTO;
			else if (!strcmp(optarg, "sentry"))
				o.method = CUTOVER_SENTRY;
			else if (!strcmp(optarg, "lock-rename"))
				o.method = CUTOVER_LOCK_RENAME;
			else
				die("unknown --method '%s'", optarg);
			break;
		case O_LWT:
			o.lock_wait_timeout_s = (unsigned)parse_ul(
				optarg, "--lock-wait-timeout");
			break;
		case O_RETRIES:
			o.retries = (int)parse_ul(optarg, "--retries");
			break;
		case O_BACKOFF:
			o.backoff_ms =
				(unsigned)parse_ul(optarg, "--backoff-ms");
			break;
		case O_CATCH_UP:
			d.catch_up_ms =
				(unsigned)parse_ul(optarg, "--catch-up-ms");
			break;
		case O_KILL:
			if (!strcmp(optarg, "catch-up"))
				d.kill_lock = KILL_IN_CATCH_UP;
			else if (!strcmp(optarg, "queued"))
				d.kill_lock = KILL_WITH_RENAME_QUEUED;
			else
				die("unknown --kill-lock '%s'", optarg);
			break;
		case O_CATCH_UP_SQL:
			d.catch_up_sql = optarg;
			break;
		default:
			fprintf(stderr, "usage: cutover-driver [-h H -P P -u U "
				"-p P -S S] --database=DB [--table=T] "
				"[--ghost=G] [--old=O] [--method=M] "
				"[--lock-wait-timeout=S] [--retries=N] "
				"[--backoff-ms=MS] [--catch-up-ms=MS] "
				"[--catch-up-sql=SQL] "
				"[--kill-lock=catch-up|queued] [-v]\n");
			return 2;
		}
	}
	db_global_init();
	rc = cutover_run(&o, &res, &err);
	word = rc == CUTOVER_SWAPPED ? "swapped"
	       : rc == CUTOVER_FAILED ? "failed" : "unknown";
	printf("cutover: %s, method %s, attempts %d, lock_wait_ms %.1f, "
	       "locked_ms %.1f, blocked_ms %.1f, blocked_total_ms %.1f, "
	       "rename_after_unlock_ms %.1f, position %s:%llu\n",
	       word, res.method == CUTOVER_LOCK_RENAME ? "lock-rename"
							 : "sentry",
	       res.attempts, res.lock_wait_ms, res.locked_ms, res.blocked_ms,
	       res.blocked_total_ms, res.rename_after_unlock_ms,
	       res.position.file, (unsigned long long)res.position.pos);
	fflush(stdout);
	if (err.len)
		error("%s", err.buf);
	strbuf_release(&err);
	db_global_end();
	return rc == CUTOVER_SWAPPED ? 0 : rc == CUTOVER_FAILED ? 1 : 4;
}
