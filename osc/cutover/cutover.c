/*
 * cutover.c: the atomic table swap (see cutover.h for the protocol and
 * DESIGN.md 5 for why it is safe).
 *
 * One attempt of the sentry method holds three connections: L takes the
 * table locks, R sends the RENAME from a thread of its own once the
 * caller has caught up (the statement blocks until L lets go), and C
 * watches the process list and, on failure, kills R's statement. R is
 * only sent once the caller has caught up and L has dropped the sentry
 * while still holding t (cutover.h says why), so from then on a rename by
 * R is a correct swap; before that, a failure releases L and drops the
 * sentry this attempt created.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/cutover/cutover.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* R's state in the process list while it waits for L's lock. */
#define MDL_WAIT_STATE_LIKE "%metadata lock%"

struct rename_job {
	struct db *db;
	char *sql;
	pthread_t tid;
	int started;
	atomic_int done;
	int rc;
	unsigned int code;
	struct strbuf err;
	double finished_ms;
};

struct attempt {
	const struct cutover_opts *o;
	struct cutover_result *res;
	struct db *ctl;			/* C, kept across attempts */
	struct db *lock;		/* L */
	struct rename_job rename;	/* R */
	int sentry_created;
	int locked;
	/*
	 * The sentry's DROP was sent on L: if it ran, it ran while L held t
	 * locked since the position and after the catch-up, so a rename by R
	 * after it is a correct swap.
	 */
	int drop_sent;
	double lock_sent_ms, locked_ms, unlocked_ms;
};

enum cutover_method cutover_method_for_version(const char *version)
{
	unsigned int major = 0, minor = 0, patch = 0;

	if (!version || strstr(version, "MariaDB") ||
	    sscanf(version, "%u.%u.%u", &major, &minor, &patch) != 3)
		return CUTOVER_SENTRY;
	if (major > 8 || (major == 8 && (minor > 0 || patch >= 13)))
		return CUTOVER_LOCK_RENAME;
	return CUTOVER_SENTRY;
}

static void add_table(struct strbuf *sb, const struct cutover_opts *o,
		      const char *name)
{
	quote_qualified(sb, o->schema, name);
}

/* ---- R: the rename, sent from its own thread ---- */

static void *rename_main(void *arg)
{
	struct rename_job *job = arg;

	db_thread_init();
	job->rc = db_exec(job->db, job->sql, &job->err);
	job->code = job->rc ? db_errno(job->db) : 0;
	job->finished_ms = clock_ms_f();
	atomic_store(&job->done, 1);
	db_thread_end();
	return NULL;
}

static int rename_start(struct rename_job *job, struct strbuf *err)
{
	atomic_store(&job->done, 0);
	job->rc = -1;
	job->code = 0;
	strbuf_reset(&job->err);
	if (pthread_create(&job->tid, NULL, rename_main, job)) {
		strbuf_addstr(err, "cannot start the rename thread");
		return -1;
	}
	job->started = 1;
	return 0;
}

static void rename_join(struct rename_job *job)
{
	if (job->started) {
		pthread_join(job->tid, NULL);
		job->started = 0;
	}
}

/*
 * Ask R to stop waiting: KILL QUERY it from C, reconnecting C once if
 * needed. Best effort: if R cannot be killed, the sentry still makes its
 * rename fail once L lets go.
 */
static void rename_kill(struct attempt *a)
{
	struct rename_job *job = &a->rename;
	struct strbuf err = STRBUF_INIT;

	if (!job->started)
		return;
	if (!atomic_load(&job->done)) {
		unsigned long id = db_thread_id(job->db);

		verbose("cut-over: stopping the waiting rename (connection "
			"%lu)", id);

		if (db_execf(a->ctl, &err, "KILL QUERY %lu", id) < 0) {
			strbuf_reset(&err);
			if (db_reconnect(a->ctl, &err) < 0 ||
			    db_execf(a->ctl, &err, "KILL QUERY %lu", id) < 0)
				warning("cannot stop the waiting rename "
					"(connection %lu): %s; the sentry "
					"will", id, err.buf);
		}
	}
	strbuf_release(&err);
}

/* ---- the sentry ---- */

/*
 * Drop the sentry this attempt created, but only if the table of that
 * name still is the sentry (its comment says so): whatever else happened,
 * never drop a table that holds data.
 */
static int drop_sentry(struct attempt *a, struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT, comment = STRBUF_INIT;
	int found, ret = -1;

	if (!a->sentry_created)
		return 0;
	strbuf_addstr(&sql, "SELECT TABLE_COMMENT FROM information_schema."
		      "TABLES WHERE TABLE_SCHEMA = ");
	quote_sql_string(&sql, o->schema, strlen(o->schema));
	strbuf_addstr(&sql, " AND TABLE_NAME = ");
	quote_sql_string(&sql, o->old, strlen(o->old));
	found = db_query_value(a->ctl, sql.buf, &comment, NULL, err);
	if (found < 0) {
		strbuf_reset(err);
		if (db_reconnect(a->ctl, err) < 0)
			goto out;
		found = db_query_value(a->ctl, sql.buf, &comment, NULL, err);
		if (found < 0)
			goto out;
	}
	if (found == 0) {
		a->sentry_created = 0;
		ret = 0;
		goto out;
	}
	if (strcmp(comment.buf, CUTOVER_SENTRY_COMMENT)) {
		strbuf_addf(err, "table `%s`.`%s` is no longer the cut-over "
			    "sentry; it was left in place", o->schema, o->old);
		a->sentry_created = 0;
		goto out;
	}
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "DROP TABLE ");
	add_table(&sql, o, o->old);
	if (db_exec(a->ctl, sql.buf, err) < 0)
		goto out;
	a->sentry_created = 0;
	verbose("cut-over: dropped the sentry `%s`.`%s`", o->schema, o->old);
	ret = 0;
out:
	strbuf_release(&sql);
	strbuf_release(&comment);
	return ret;
}

/*
 * Undo an attempt: R killed, L's lock released (closing L is enough if it
 * is dead), R finished, and only then the sentry dropped. While the
 * sentry exists R cannot rename anything, so L may let go before R ends;
 * the sentry must not go before R has ended. Errors here are logged, not
 * returned: the attempt has already failed.
 */
static void release_attempt(struct attempt *a)
{
	struct strbuf err = STRBUF_INIT;

	rename_kill(a);
	if (a->locked && a->lock) {
		if (db_exec(a->lock, "UNLOCK TABLES", &err) < 0) {
			/* A dead L has no locks; a live one loses them. */
			db_close(a->lock);
			a->lock = NULL;
		}
		a->unlocked_ms = clock_ms_f();
		a->locked = 0;
	}
	rename_join(&a->rename);
	/* R renamed (the sentry was gone): `old` is now the original t. */
	if (a->rename.sql && atomic_load(&a->rename.done) &&
	    a->rename.rc == 0)
		a->sentry_created = 0;
	strbuf_reset(&err);
	if (drop_sentry(a, &err) < 0)
		warning("cut-over: %s", err.buf);
	strbuf_release(&err);
}

static int read_position(struct db *db, struct cutover_position *pos,
			 struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	struct strbuf tmp = STRBUF_INIT;
	int r, ret = -1;

	/* MySQL 8.4 renamed it (and removed the old name). */
	if (db_query(db, "SHOW MASTER STATUS", &res, &tmp) < 0) {
		strbuf_reset(&tmp);
		if (db_query(db, "SHOW BINARY LOG STATUS", &res, &tmp) < 0) {
			strbuf_addbuf(err, &tmp);
			goto out;
		}
	}
	r = db_result_next(res, &row, err);
	if (r < 0)
		goto out;
	if (r == 0 || row.ncols < 2 || !row.values[0] || !row.values[1]) {
		strbuf_addstr(err, "SHOW MASTER STATUS returned no position; "
			      "is the binary log enabled (log_bin)?");
		goto out;
	}
	xsnprintf(pos->file, sizeof(pos->file), "%.*s",
		  (int)(row.lengths[0] < sizeof(pos->file) - 1
			      ? row.lengths[0]
			      : sizeof(pos->file) - 1),
		  row.values[0]);
	pos->pos = strtoull(row.values[1], NULL, 10);
	ret = 0;
out:
	db_result_free(res);
	strbuf_release(&tmp);
	return ret;
}

/*
 * Wait until R shows in the process list as waiting for a metadata lock.
 * Returns 0 when it does, -1 when R finished (it failed) or did not show
 * in time.
 */
static int wait_rename_visible(struct attempt *a, struct strbuf *err)
{
	unsigned int limit_ms = a->o->rename_visible_ms
					? a->o->rename_visible_ms : 5000;
	double until = clock_ms_f() + limit_ms;
	struct strbuf sql = STRBUF_INIT, state = STRBUF_INIT;
	int ret = -1;

	strbuf_addf(&sql, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
		    " WHERE ID = %lu AND STATE LIKE ",
		    db_thread_id(a->rename.db));
	strbuf_addstr(&sql, "'" MDL_WAIT_STATE_LIKE "'");
	for (;;) {
		if (atomic_load(&a->rename.done)) {
			strbuf_addf(err, "the rename failed before it could "
				    "wait for the lock: %s", a->rename.err.buf);
			goto out;
		}
		if (db_query_value(a->ctl, sql.buf, &state, NULL, err) < 0)
			goto out;
		if (strcmp(state.buf, "0")) {
			ret = 0;
			goto out;
		}
		if (clock_ms_f() > until) {
			strbuf_addf(err, "the rename did not show as waiting "
				    "for the metadata lock within %u ms",
				    limit_ms);
			goto out;
		}
		clock_sleep_ms(5);
	}
out:
	strbuf_release(&sql);
	strbuf_release(&state);
	return ret;
}

/* How an attempt ended. */
enum attempt_status {
	ATTEMPT_SWAPPED,
	ATTEMPT_RETRY,		/* nothing swapped, try again */
	ATTEMPT_FATAL,		/* nothing swapped, give up */
	ATTEMPT_UNKNOWN,	/* the rename's outcome is not known */
	ATTEMPT_EARLY,		/* R renamed before the catch-up ended */
};

/*
 * After a failed attempt: R's rename cannot have succeeded while the
 * sentry existed, unless something else dropped the sentry. Then t is a
 * ghost that may miss changes, and the run must say so, not retry.
 */
static enum attempt_status fail_attempt(struct attempt *a,
					enum attempt_status st,
					struct strbuf *err)
{
	release_attempt(a);
	/* Say why R failed, unless it was our own KILL QUERY. */
	if (a->rename.sql && atomic_load(&a->rename.done) &&
	    a->rename.rc != 0 && a->rename.code != DB_ER_QUERY_INTERRUPTED &&
	    !strstr(err->buf, a->rename.err.buf))
		strbuf_addf(err, "; the rename failed too: %s",
			    a->rename.err.buf);
	if (a->rename.sql && atomic_load(&a->rename.done) &&
	    a->rename.rc == 0 && a->drop_sent) {
		verbose("cut-over: the rename ran after the sentry was "
			"dropped (%s)", err->buf);
		strbuf_reset(err);
		return ATTEMPT_SWAPPED;
	}
	if (a->rename.sql && atomic_load(&a->rename.done) &&
	    a->rename.rc == 0) {
		strbuf_reset(err);
		strbuf_addf(err, "table `%s`.`%s` was renamed before the "
			    "catch-up finished (was the sentry `%s` dropped by "
			    "someone else?); it may miss changes: compare it "
			    "with `%s`", a->o->schema, a->o->table, a->o->old,
			    a->o->old);
		return ATTEMPT_EARLY;
	}
	return st;
}

static unsigned int lock_wait_s(const struct cutover_opts *o)
{
	return o->lock_wait_timeout_s ? o->lock_wait_timeout_s : 3;
}

static unsigned int idle_timeout_s(const struct cutover_opts *o)
{
	unsigned int s = o->lock_idle_timeout_s;

	if (!s) {
		s = 3 * lock_wait_s(o);
		if (s < 10)
			s = 10;
	}
	return s;
}

/* Open L (and R) and set their sessions up. */
static int open_connections(struct attempt *a, int with_rename,
			    struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	unsigned int rename_s = o->rename_wait_timeout_s
					? o->rename_wait_timeout_s
					: lock_wait_s(o) + idle_timeout_s(o);

	a->lock = db_connect(o->conn, "cutover-lock", NULL, err);
	if (!a->lock)
		return -1;
	if (db_session_setf(a->lock, err, "lock_wait_timeout", "%u",
			    lock_wait_s(o)) < 0 ||
	    db_session_setf(a->lock, err, "wait_timeout", "%u",
			    idle_timeout_s(o)) < 0)
		return -1;
	if (!with_rename)
		return 0;
	a->rename.db = db_connect(o->conn, "cutover-rename", NULL, err);
	if (!a->rename.db)
		return -1;
	return db_session_setf(a->rename.db, err, "lock_wait_timeout", "%u",
			       rename_s);
}

static void close_connections(struct attempt *a)
{
	db_close(a->lock);
	a->lock = NULL;
	db_close(a->rename.db);
	a->rename.db = NULL;
	free(a->rename.sql);
	a->rename.sql = NULL;
	strbuf_release(&a->rename.err);
}

static enum attempt_status call_back(struct attempt *a, int attempt_no,
				     int (*fn)(void *,
					       const struct cutover_catch_up *,
					       struct strbuf *),
				     struct strbuf *err)
{
	struct cutover_catch_up cc;
	int rc;

	if (!fn)
		return ATTEMPT_SWAPPED;

	memset(&cc, 0, sizeof(cc));
	cc.position = a->res->position;
	cc.attempt = attempt_no;
	cc.method = a->res->method;
	cc.lock_thread_id = db_thread_id(a->lock);
	rc = fn(a->o->ctx, &cc, err);
	if (rc == 0)
		return ATTEMPT_SWAPPED;	/* i.e. go on */
	if (!err->len)
		strbuf_addstr(err, "the caller gave up");
	return rc > 0 ? ATTEMPT_RETRY : ATTEMPT_FATAL;
}

static enum attempt_status lock_tables(struct attempt *a, const char *second,
				       struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT;
	enum attempt_status st = ATTEMPT_SWAPPED;

	strbuf_addstr(&sql, "LOCK TABLES ");
	add_table(&sql, o, o->table);
	strbuf_addstr(&sql, " WRITE, ");
	add_table(&sql, o, second);
	strbuf_addstr(&sql, " WRITE");
	a->lock_sent_ms = clock_ms_f();
	if (db_exec(a->lock, sql.buf, err) < 0) {
		a->unlocked_ms = clock_ms_f();
		st = db_error_is_transient(db_errno(a->lock)) ||
				     db_error_is_disconnect(db_errno(a->lock))
			     ? ATTEMPT_RETRY
			     : ATTEMPT_FATAL;
	} else {
		a->locked = 1;
		a->locked_ms = clock_ms_f();
		verbose("cut-over: `%s` locked after %.0f ms", o->table,
			a->locked_ms - a->lock_sent_ms);
	}
	strbuf_release(&sql);
	return st;
}

/* The swap: RENAME TABLE t TO _t_old, _t_new TO t (one atomic statement). */
static void add_swap_sql(struct strbuf *sql, const struct cutover_opts *o)
{
	strbuf_addstr(sql, "RENAME TABLE ");
	add_table(sql, o, o->table);
	strbuf_addstr(sql, " TO ");
	add_table(sql, o, o->old);
	strbuf_addstr(sql, ", ");
	add_table(sql, o, o->ghost);
	strbuf_addstr(sql, " TO ");
	add_table(sql, o, o->table);
}

/*
 * Is L still connected (and so still holding its locks)? A round trip on
 * L proves it; -1 with err saying when it was found lost.
 */
static int lock_alive(struct attempt *a, const char *when, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;

	if (db_exec(a->lock, "DO 0", &why) == 0) {
		strbuf_release(&why);
		return 0;
	}
	strbuf_addf(err, "the lock connection was lost %s: %s", when, why.buf);
	strbuf_release(&why);
	return -1;
}

static enum attempt_status attempt_sentry(struct attempt *a, int attempt_no,
					  struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT;
	enum attempt_status st = ATTEMPT_RETRY;

	if (open_connections(a, 1, err) < 0)
		goto fail;

	/* 1. The sentry, then the locks on t and on the sentry. */
	strbuf_addstr(&sql, "CREATE TABLE ");
	add_table(&sql, o, o->old);
	strbuf_addstr(&sql, " (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB "
		      "COMMENT='" CUTOVER_SENTRY_COMMENT "'");
	if (db_exec(a->lock, sql.buf, err) < 0) {
		if (db_errno(a->lock) == DB_ER_TABLE_EXISTS) {
			strbuf_reset(err);
			strbuf_addf(err, "table `%s`.`%s` already exists; "
				    "drop it if a previous run left it",
				    o->schema, o->old);
			st = ATTEMPT_FATAL;
		}
		goto fail;
	}
	a->sentry_created = 1;
	st = lock_tables(a, o->old, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = ATTEMPT_RETRY;
	if (read_position(a->lock, &a->res->position, err) < 0)
		goto fail;

	/*
	 * 2. The caller replays up to the position read under the lock.
	 * This comes before R is sent: a waiting RENAME already holds the
	 * exclusive metadata lock on the ghost (the server takes the locks
	 * of a statement one by one in name order, and `_t_new` sorts
	 * before `t`), so a replay into the ghost would block behind it.
	 * Nothing can change t meanwhile: L holds it.
	 */
	st = call_back(a, attempt_no, o->catch_up, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = ATTEMPT_RETRY;
	/*
	 * If L died meanwhile, t was unlocked and may have changed: do not
	 * go on.
	 */
	if (lock_alive(a, "during the catch-up", err) < 0)
		goto fail;

	/*
	 * 3. Drop the sentry under the lock, BEFORE R is sent. R takes its
	 * metadata locks one by one in name order: `_t_new`, `_t_old`, then
	 * `t`. While L holds the sentry, R waits on `_t_old`, not on `t`;
	 * when L then drops the sentry and unlocks at once, R may not have
	 * queued its exclusive request on `t` yet, and the writers already
	 * queued on `t` go first, into the old table (seen on MariaDB
	 * 10.11.19: in 2 of 20 runs, three INSERTs queued before the RENAME
	 * all landed in the old table). With the sentry gone first, R gets
	 * `_t_new` and `_t_old` at once and queues on `t` itself, ahead of
	 * every writer (0 of 20). The catch-up is done, so the ghost equals
	 * t; L is checked alive again before the unlock.
	 */
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "DROP TABLE ");
	add_table(&sql, o, o->old);
	a->drop_sent = 1;
	if (db_exec(a->lock, sql.buf, err) < 0)
		goto fail;
	a->sentry_created = 0;

	/* 4. R's rename, which must be seen waiting on L's lock on t. */
	strbuf_reset(&sql);
	add_swap_sql(&sql, o);
	a->rename.sql = strbuf_detach(&sql, NULL);
	if (rename_start(&a->rename, err) < 0)
		goto fail;
	if (wait_rename_visible(a, err) < 0)
		goto fail;
	verbose("cut-over: rename waits on the lock");
	st = call_back(a, attempt_no, o->before_unlock, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = ATTEMPT_RETRY;
	/*
	 * L alive now means it held t without a gap since the position was
	 * read: R's wait is on t, and no writer touched t meanwhile.
	 */
	if (lock_alive(a, "before the unlock", err) < 0)
		goto fail;

	/* 5. Unlock: R goes first. */
	if (db_exec(a->lock, "UNLOCK TABLES", err) < 0) {
		/*
		 * The sentry is gone; if L died its locks are gone too and
		 * R's rename runs; if L lives it still holds the locks. Only
		 * R's result tells.
		 */
		warning("cut-over: UNLOCK TABLES failed: %s", err->buf);
		strbuf_reset(err);
		db_close(a->lock);
		a->lock = NULL;
	}
	a->unlocked_ms = clock_ms_f();
	a->locked = 0;
	rename_join(&a->rename);
	a->res->rename_after_unlock_ms =
		a->rename.finished_ms - a->unlocked_ms;
	if (a->rename.rc == 0) {
		st = ATTEMPT_SWAPPED;
		goto out;
	}
	if (db_error_is_disconnect(a->rename.code)) {
		strbuf_addf(err, "the rename connection was lost: %s",
			    a->rename.err.buf);
		st = ATTEMPT_UNKNOWN;
		goto out;
	}
	/* R failed after the sentry went: nothing was renamed. */
	strbuf_addf(err, "the rename failed: %s", a->rename.err.buf);
	st = ATTEMPT_RETRY;
	goto out;
fail:
	st = fail_attempt(a, st, err);
out:
	strbuf_release(&sql);
	return st;
}

static enum attempt_status attempt_lock_rename(struct attempt *a,
					       int attempt_no,
					       struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT;
	enum attempt_status st = ATTEMPT_RETRY;

	if (open_connections(a, 0, err) < 0)
		goto fail;
	st = lock_tables(a, o->ghost, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = ATTEMPT_RETRY;
	if (read_position(a->lock, &a->res->position, err) < 0)
		goto fail;
	st = call_back(a, attempt_no, o->catch_up, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	add_swap_sql(&sql, o);
	if (db_exec(a->lock, sql.buf, err) < 0) {
		unsigned int code = db_errno(a->lock);

		st = db_error_is_disconnect(code) ? ATTEMPT_UNKNOWN
		     : db_error_is_transient(code) ? ATTEMPT_RETRY
						   : ATTEMPT_FATAL;
		if (st == ATTEMPT_UNKNOWN)
			goto out;
		goto fail;
	}
	/*
	 * Renamed, not yet unlocked: a refusal here cannot undo the rename
	 * (only say so); the swap stands.
	 */
	if (call_back(a, attempt_no, o->before_unlock, err) !=
	    ATTEMPT_SWAPPED) {
		warning("cut-over: after the rename: %s", err->buf);
		strbuf_reset(err);
	}
	st = ATTEMPT_SWAPPED;
	if (db_exec(a->lock, "UNLOCK TABLES", err) < 0) {
		/* Renamed already; a dead L has released its locks. */
		strbuf_reset(err);
		db_close(a->lock);
		a->lock = NULL;
	}
	a->unlocked_ms = clock_ms_f();
	a->locked = 0;
	goto out;
fail:
	st = fail_attempt(a, st, err);
out:
	strbuf_release(&sql);
	return st;
}

/*
 * After a lost connection: read the catalog to learn whether the swap
 * happened. Swapped: t and old exist, ghost does not. Not swapped: t and
 * ghost exist (and old is at most the sentry).
 */
static int check_swapped(struct attempt *a, struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT, out = STRBUF_INIT;
	int r, ret = -1;

	strbuf_addstr(&sql, "SELECT CONCAT(SUM(TABLE_NAME = ");
	quote_sql_string(&sql, o->ghost, strlen(o->ghost));
	strbuf_addstr(&sql, "), SUM(TABLE_NAME = ");
	quote_sql_string(&sql, o->old, strlen(o->old));
	strbuf_addstr(&sql, " AND TABLE_COMMENT <> '" CUTOVER_SENTRY_COMMENT
		      "')) FROM information_schema.TABLES "
		      "WHERE TABLE_SCHEMA = ");
	quote_sql_string(&sql, o->schema, strlen(o->schema));
	if (db_reconnect(a->ctl, err) < 0)
		goto out;
	r = db_query_value(a->ctl, sql.buf, &out, NULL, err);
	if (r < 0)
		goto out;
	if (!strcmp(out.buf, "01"))
		ret = 1;
	else if (!strcmp(out.buf, "10"))
		ret = 0;
	else
		strbuf_addf(err, "unexpected tables in `%s` (ghost, old: %s)",
			    o->schema, out.buf);
out:
	strbuf_release(&sql);
	strbuf_release(&out);
	return ret;
}

int cutover_run(const struct cutover_opts *o, struct cutover_result *res,
		struct strbuf *err)
{
	struct attempt a;
	struct strbuf last = STRBUF_INIT;
	unsigned int backoff = o->backoff_ms ? o->backoff_ms : 500;
	unsigned int max_backoff = o->max_backoff_ms ? o->max_backoff_ms
						     : 10000;
	int n, ret = CUTOVER_FAILED;

	memset(res, 0, sizeof(*res));
	memset(&a, 0, sizeof(a));
	strbuf_init(&a.rename.err, 0);
	a.o = o;
	a.res = res;
	if (!o->catch_up || !o->schema || !o->table || !o->ghost || !o->old) {
		strbuf_addstr(err,
			      "cut-over called without tables or catch-up");
		return CUTOVER_FAILED;
	}
	a.ctl = db_connect(o->conn, "cutover-control", NULL, err);
	if (!a.ctl)
		return CUTOVER_FAILED;
	res->method = o->method;
	if (res->method == CUTOVER_AUTO)
		res->method = cutover_method_for_version(
			db_server_version(a.ctl));
	verbose("cut-over: method %s", res->method == CUTOVER_SENTRY
						? "sentry (blocked rename)"
						: "rename under LOCK TABLES");

	for (n = 1; n <= o->retries + 1; n++) {
		enum attempt_status st;

		if (n > 1) {
			if (o->should_stop && o->should_stop(o->ctx)) {
				strbuf_addf(&last, "; stopped after %d "
					    "attempts", n - 1);
				break;
			}
			clock_sleep_ms(backoff);
			backoff = backoff * 2 > max_backoff ? max_backoff
							    : backoff * 2;
		}
		res->attempts = n;
		a.sentry_created = 0;
		a.locked = 0;
		a.drop_sent = 0;
		a.lock_sent_ms = a.locked_ms = a.unlocked_ms = 0;
		strbuf_reset(&last);
		st = res->method == CUTOVER_LOCK_RENAME
			     ? attempt_lock_rename(&a, n, &last)
			     : attempt_sentry(&a, n, &last);
		if (a.lock_sent_ms > 0 && a.unlocked_ms >= a.lock_sent_ms)
			res->blocked_total_ms += a.unlocked_ms - a.lock_sent_ms;
		if (st == ATTEMPT_EARLY) {
			strbuf_addbuf(err, &last);
			close_connections(&a);
			ret = CUTOVER_UNKNOWN;
			goto out;
		}
		if (st == ATTEMPT_UNKNOWN) {
			struct strbuf cerr = STRBUF_INIT;
			int swapped = check_swapped(&a, &cerr);

			if (swapped < 0) {
				strbuf_addf(err, "table `%s`.`%s`: cut-over "
					    "outcome unknown (%s; %s); check "
					    "which of `%s` and `%s` exists",
					    o->schema, o->table, last.buf,
					    cerr.buf, o->ghost, o->old);
				strbuf_release(&cerr);
				ret = CUTOVER_UNKNOWN;
				close_connections(&a);
				goto out;
			}
			strbuf_release(&cerr);
			st = swapped ? ATTEMPT_SWAPPED : ATTEMPT_RETRY;
		}
		if (st == ATTEMPT_SWAPPED) {
			res->lock_wait_ms = a.locked_ms - a.lock_sent_ms;
			res->locked_ms = a.unlocked_ms - a.locked_ms;
			res->blocked_ms = a.unlocked_ms - a.lock_sent_ms;
			close_connections(&a);
			verbose("cut-over: swapped on attempt %d, writers "
				"blocked %.0f ms", n, res->blocked_ms);
			ret = CUTOVER_SWAPPED;
			goto out;
		}
		close_connections(&a);
		if (st == ATTEMPT_FATAL)
			break;
		verbose("cut-over: attempt %d failed: %s", n, last.buf);
	}
	strbuf_addf(err, "table `%s`.`%s`: cut-over failed after %d "
		    "attempt%s: %s; the original table is in place",
		    o->schema, o->table, res->attempts,
		    res->attempts == 1 ? "" : "s", last.buf);
out:
	db_close(a.ctl);
	strbuf_release(&last);
	return ret;
}
