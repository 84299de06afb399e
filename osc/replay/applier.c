/*
 * applier.c: the binlog applier thread and its executor (see applier.h
 * for the contract).
 *
 * Each transaction of the binlog that touched the table is queued as
 * operations on the ghost while it is read (statement.c: the decoded
 * values are only valid until the next event) and sent in one ghost
 * transaction at its COMMIT. Consecutive row writes become one multi-row
 * REPLACE and consecutive deletes one DELETE ... WHERE k = .. OR k = .., so
 * a bulk statement costs a few round trips, not one per row. A deadlock or
 * lock wait timeout against the copier rolls the ghost transaction back
 * and runs it again: the statements are idempotent in order. QUERY events
 * go through the DDL watch (watch.c).
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/replay/applier.h"
#include "osc/replay/statement.h"
#include "osc/replay/watch.h"
#include "util/db.h"
#include "util/ident.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <pthread.h>
#include <time.h>

/*
 * Committed transactions are gathered into one ghost transaction until it
 * holds this many row changes or the oldest has waited this long: one
 * round trip per source transaction cannot keep up with a busy table.
 * The next event (our own heartbeat writes one every 100 ms) flushes.
 */
#define BATCH_MAX_ROWS 2000
#define BATCH_MAX_MS 20
#define BATCH_MAX_BYTES (3u * 1024 * 1024)
/* A ghost transaction smaller than this goes in one round trip. */
#define ONE_TRIP_MAX_BYTES (4u * 1024 * 1024)

struct osc_applier {
	struct osc_applier_config cfg; /* copied: the strings are borrowed */
	struct db *conn;
	struct binlog_stream *stream;
	pthread_t thread;
	int started;

	/* Committed transactions not yet replayed, then the open one. */
	struct replay_stmts q;
	size_t txn_start;	/* ops of the open transaction start here */
	int in_txn;
	struct binlog_pos pending_pos; /* end of the last gathered commit */
	uint64_t pending_txns;
	/*
	 * Row changes (rows of the binlog's row events, not the statements
	 * or ops they become) of the open transaction and of the gathered
	 * ones: what progress and "row changes replayed" count.
	 */
	uint64_t txn_rows, pending_rows;
	uint64_t pending_since_ms;	/* 0: nothing gathered */

	pthread_mutex_t mu;
	pthread_cond_t cond;
	/* Under mu. */
	int stop;
	int failed;
	struct strbuf error;
	struct binlog_pos applied;
	struct binlog_pos server;
	uint64_t transactions, rows;
	/* Ghost transactions whose statements raised warnings and were
	 * rolled back and sent again one by one to read them. */
	uint64_t resent;
	long long last_event_ts;
	int expect_rename;	/* a RENAME of the table is ours (cut-over) */
	int rename_seen;
	long slipped_rows;	/* rows on the table after the catch-up */
	/*
	 * The cut-over's locking connection, lent for the final replay
	 * (osc_applier_lend), and whether a transaction runs on it now.
	 */
	struct db *lent;
	int lent_busy;
	int watching;		/* count rows from now on */
	int held;		/* osc_applier_hold */
	/* The cut-over's connections that move triggers (own_ddl). */
	unsigned long own_ddl[8];
	size_t own_ddl_nr;
	/* Copy chunks begun and ended (osc_applier_chunk_begin/end). */
	uint64_t chunks_begun, chunks_ended;
	/* Removals not yet deleted again: none is due (see redo_...). */
	int redo_clear;

	/* The applier thread's own: removals to delete again (redo_add). */
	struct redo {
		char *ghost_key;	/* predicate on the ghost */
		char *src_key;		/* the same on the source */
		uint64_t due;		/* after this chunk has ended */
	} *redo;
	size_t redo_nr, redo_alloc;
};

/*
 * A DROP, CREATE or ALTER statement of one of the cut-over's connections
 * that move the triggers and foreign keys (osc_applier_own_ddl): those
 * run nothing else.
 */
static int is_own_ddl(struct osc_applier *a, uint32_t thread_id,
		      const char *sql)
{
	size_t i;
	int own = 0;

	if (!replay_watch_starts_with_word(sql, "DROP") &&
	    !replay_watch_starts_with_word(sql, "CREATE") &&
	    !replay_watch_starts_with_word(sql, "ALTER"))
		return 0;
	pthread_mutex_lock(&a->mu);
	for (i = 0; i < a->own_ddl_nr; i++)
		if (a->own_ddl[i] == thread_id)
			own = 1;
	pthread_mutex_unlock(&a->mu);
	return own;
}

static void ops_clear(struct osc_applier *a)
{
	replay_stmts_truncate(&a->q, 0);
	a->txn_start = 0;
}

static void fail(struct osc_applier *a, const char *msg)
{
	pthread_mutex_lock(&a->mu);
	if (!a->failed) {
		a->failed = 1;
		strbuf_addstr(&a->error, msg);
	}
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
}

/* ---- the executor ------------------------------------------------- */

/*
 * Deadlocks and lock waits against the copier (whose chunk holds share
 * locks on the table's rows while it inserts into the ghost) are normal
 * under load, and InnoDB picks the smaller transaction, usually ours, as
 * the victim: retry for a long while with a growing pause before giving
 * up.
 */
#define APPLY_ATTEMPTS 100
/* Lost connections one ghost transaction may survive. */
#define APPLY_RECONNECTS 5

/* The applier's retry policy (util/retry.h). */
static const struct retry_policy apply_policy = {
	.attempts = APPLY_ATTEMPTS,
	.reconnects = APPLY_RECONNECTS,
	.wait_ms = 5,
	.reconnect_wait_ms = 100,
	.max_wait_ms = 1000,
};

/*
 * The session (role "applier" in util/db.c) runs without
 * STRICT_ALL_TABLES, so a column the replay leaves out takes its implicit
 * default (warning 1364, expected). Any other warning means the ghost
 * cannot hold a replayed value (truncated, out of range, NULL into NOT
 * NULL) and stops the run, as in the copy.
 */

/* After one statement: 0, or -1 with err naming its first real warning. */
static int statement_warnings(struct osc_applier *a, struct db *db,
			      struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	int r, ret = 0;

	if (!db_warning_count(db))
		return 0;
	if (db_query(db, "SHOW WARNINGS", &res, err) < 0)
		return -1;
	while ((r = db_result_next(res, &row, err)) == 1) {
		if (row.ncols < 3 || !row.values[1] || !row.values[2] ||
		    !strcmp(row.values[1], "1364"))
			continue;
		strbuf_addf(err, "replaying a change on `%s`.`%s` into the "
			    "ghost changed data: warning %s: %.200s; the new "
			    "definition cannot hold every value (a native "
			    "ALTER would fail the same way): change the ALTER "
			    "or fix the data first",
			    a->cfg.db, a->cfg.table,
			    row.values[1], row.values[2]);
		ret = -1;
		break;
	}
	if (r < 0)
		ret = -1;
	db_result_free(res);
	return ret;
}

/* 1 when the cut-over has lent its locking connection (under mu). */
static int lent_pending(struct osc_applier *a)
{
	int lent;

	pthread_mutex_lock(&a->mu);
	lent = a->lent != NULL;
	pthread_mutex_unlock(&a->mu);
	return lent;
}

/* The ghost transaction on the applier's own connection. */
#define RUN_ON_LENT 2	/* give up here: the lent connection must run it */
static int run_transaction_own(struct osc_applier *a,
			       const struct strbuf *stmts, size_t count,
			       struct strbuf *err)
{
	struct db *db = a->conn;
	struct retry r;
	struct strbuf one = STRBUF_INIT;
	unsigned int code;
	size_t i;
	int rc;

	/*
	 * The whole transaction but its COMMIT in one round trip (gh-ost
	 * does the same), unless it is too big for one packet:
	 * max_allowed_packet is 16 MiB by default on MariaDB, and at least
	 * 4 MiB on any server. The COMMIT follows once its warnings (summed
	 * over the statements) are known to be none.
	 */
	if (stmts->len < ONE_TRIP_MAX_BYTES) {
		const char *p = stmts->buf;

		strbuf_addstr(&one, "BEGIN");
		for (i = 0; i < count; i++) {
			strbuf_addstr(&one, ";\n");
			strbuf_addstr(&one, p);
			p += strlen(p) + 1;
		}
	}
	retry_init(&r, &apply_policy);
	for (;;) {
		const char *p = stmts->buf;

		strbuf_reset(err);
		if (one.len) {
			if (db_exec(db, one.buf, err) < 0)
				goto failed;
			if (!db_warning_count(db)) {
				if (db_exec(db, "COMMIT", err) < 0)
					goto failed;
				strbuf_release(&one);
				return 0;
			}
			/* Which statement, which warning: one by one. */
			pthread_mutex_lock(&a->mu);
			a->resent++;
			pthread_mutex_unlock(&a->mu);
			if (db_exec(db, "ROLLBACK", err) < 0)
				goto failed;
		}
		if (db_exec(db, "BEGIN", err) < 0)
			goto failed;
		for (i = 0; i < count; i++) {
			if (db_exec(db, p, err) < 0)
				goto failed;
			if (statement_warnings(a, db, err) < 0) {
				struct strbuf ignore = STRBUF_INIT;

				if (db_error_is_disconnect(db_errno(db)))
					goto failed;

				db_exec(db, "ROLLBACK", &ignore);
				strbuf_release(&ignore);
				strbuf_release(&one);
				return -1;
			}
			p += strlen(p) + 1;
		}
		if (db_exec(db, "COMMIT", err) < 0)
			goto failed;
		strbuf_release(&one);
		return 0;
failed:
		code = db_errno(db);
		/*
		 * A dropped connection (KILL, a proxy, a server wait_timeout)
		 * rolled the ghost transaction back, or, if the COMMIT was in
		 * flight, it may have committed. Either way running the whole
		 * batch again on a new session is exact: its statements write
		 * full after-images and delete by key, in order, so they are
		 * idempotent (this is the position the applier resumes from).
		 * A lock conflict is ended by a ROLLBACK first.
		 */
		if (db_error_is_transient(code)) {
			struct strbuf ignore = STRBUF_INIT;

			db_exec(db, "ROLLBACK", &ignore);
			strbuf_release(&ignore);
			/*
			 * The MySQL 8 cut-over's L holds the ghost (LOCK
			 * TABLES ... WRITE) and lent its connection: this
			 * session would wait for L for ever, and L for us.
			 */
			if (lent_pending(a)) {
				strbuf_release(&one);
				return RUN_ON_LENT;
			}
		}
		rc = db_retry(db, code, &r, err);
		if (rc > 0)
			continue;
		if (rc < 0) {
			strbuf_release(&one);
			return -1;
		}
		if (retry_needs_reconnect(r.last)) {
			strbuf_addf(err, " (the applier's connection was lost "
				    "%u times in one transaction)",
				    r.reconnects + 1);
			strbuf_release(&one);
			return -1;
		}
		if (r.last != RETRY_GIVE_UP)
			break; /* lock conflicts, APPLY_ATTEMPTS times */
		if (code == DB_ER_DUP_ENTRY && a->q.unique_mode) {
			struct strbuf msg = STRBUF_INIT;

			strbuf_addf(&msg,
				    "a change on `%s`.`%s` conflicts with a "
				    "unique key the ALTER adds: %s; the table "
				    "holds duplicates for it now, so the ALTER "
				    "cannot be applied",
				    a->cfg.db,
				    a->cfg.table, err->buf);
			strbuf_reset(err);
			strbuf_addbuf(err, &msg);
			strbuf_release(&msg);
		}
		{
			struct strbuf ignore = STRBUF_INIT;

			db_exec(db, "ROLLBACK", &ignore);
			strbuf_release(&ignore);
		}
		strbuf_release(&one);
		return -1;
	}
	strbuf_release(&one);
	{
		struct strbuf last = STRBUF_INIT;

		strbuf_addbuf(&last, err);
		strbuf_reset(err);
		strbuf_addf(err, "replaying a transaction onto the ghost kept "
			    "failing on lock conflicts (%d attempts): %s",
			    APPLY_ATTEMPTS, last.buf);
		strbuf_release(&last);
	}
	return -1;
}

/*
 * The ghost transaction on the cut-over's locking connection L, which
 * holds LOCK TABLES t WRITE, ghost WRITE (MySQL 8's rename under the
 * lock). No BEGIN: it would release L's table locks. Each statement
 * commits on its own; a failure half-way leaves a prefix of the batch
 * applied, which is harmless: the batch is idempotent in order and is run
 * again whole (here or on the applier's connection) before the position
 * moves. L holds both tables, so nothing can make it wait.
 */
static int run_transaction_lent(struct osc_applier *a, struct db *db,
				const struct strbuf *stmts, size_t count,
				struct strbuf *err)
{
	const char *p = stmts->buf;
	size_t i;

	if (!db_session_get(db, "sql_mode")) {
		/* The applier role's mode (util/db.c), with the server's
		 * flags that the options add to every session. */
		const char *extra = a->cfg.dbopts->sql_mode_extra;
		struct strbuf mode = STRBUF_INIT;
		int r;

		strbuf_addstr(&mode, "'" DB_APPLIER_SQL_MODE);
		if (extra && *extra)
			strbuf_addf(&mode, ",%s", extra);
		strbuf_addch(&mode, '\'');
		r = db_session_set(db, "sql_mode", mode.buf, err);
		strbuf_release(&mode);
		if (r < 0 ||
		    db_session_set(db, "max_error_count", "65535", err) < 0)
			return -1;
	}
	for (i = 0; i < count; i++) {
		if (db_exec(db, p, err) < 0 || statement_warnings(a, db, err) < 0)
			return -1;
		p += strlen(p) + 1;
	}
	return 0;
}

/*
 * One ghost transaction: on the lent connection while the cut-over lends
 * one (osc_applier_lend), else on the applier's own, switching to the lent
 * one when the own one would wait for it.
 */
static int run_transaction(struct osc_applier *a, const struct strbuf *stmts,
			   size_t count, struct strbuf *err)
{
	for (;;) {
		struct db *lent;
		int rc;

		pthread_mutex_lock(&a->mu);
		while (a->held && !a->stop)
			pthread_cond_wait(&a->cond, &a->mu);
		if (a->held) {
			/* Never into a ghost that has the triggers. */
			pthread_mutex_unlock(&a->mu);
			strbuf_addstr(err, "the applier was stopped");
			return -1;
		}
		lent = a->lent;
		if (lent)
			a->lent_busy = 1;
		pthread_mutex_unlock(&a->mu);
		if (lent) {
			strbuf_reset(err);
			rc = run_transaction_lent(a, lent, stmts, count, err);
			pthread_mutex_lock(&a->mu);
			a->lent_busy = 0;
			pthread_cond_broadcast(&a->cond);
			pthread_mutex_unlock(&a->mu);
			return rc;
		}
		rc = run_transaction_own(a, stmts, count, err);
		if (rc != RUN_ON_LENT)
			return rc;
	}
}

/*
 * Removals and a copy that reads without locks (DESIGN.md 4).
 *
 * A chunk that reads the source without locks (a consistent read) may
 * read a row, and insert it into the ghost, after a writer deleted it
 * (or moved it to another key) and after the replay of that delete ran
 * on the ghost: the row would survive in the ghost. This is the race of
 * a lockless copy (Spirit documents one of this kind). It needs the
 * replay of the delete to run while the chunk is in flight: a delete
 * replayed before the chunk began was committed on the source before the
 * chunk's read, which does not see the row; one replayed after the chunk
 * ended deletes the copied row. So every removal in a ghost transaction
 * during which a chunk was in flight (chunks_begun at its end greater
 * than chunks_ended at its start) is remembered, and once that chunk has
 * ended it is deleted again, at the head of a later ghost transaction of
 * this thread (so in binlog order before every change replayed after
 * it), unless the source holds the key by then:
 *
 *   DELETE FROM ghost WHERE k AND NOT EXISTS (SELECT 1 FROM t WHERE k)
 *
 * If the source holds the key again, a later insert of it is in the
 * binlog and its replay (or the ghost's row from a later chunk) wins;
 * if it does not, any later insert commits after this read and is
 * replayed after this statement. A later chunk cannot copy the removed
 * row: it begins after the removal was committed. The catch-up and the
 * cut-over wait for no removal to be due (osc_applier_wait_for).
 */
static void redo_add(struct osc_applier *a, uint64_t due)
{
	size_t i;

	for (i = 0; i < a->q.ops_nr; i++) {
		const struct replay_op *op = &a->q.ops[i];

		if (!op->src_key)
			continue;
		ALLOC_GROW(a->redo, a->redo_nr + 1, a->redo_alloc);
		a->redo[a->redo_nr].ghost_key = xstrdup(op->sql);
		a->redo[a->redo_nr].src_key = xstrdup(op->src_key);
		a->redo[a->redo_nr].due = due;
		a->redo_nr++;
	}
}

/* The statements deleting again the removals due by `ended`. */
static size_t redo_build(struct osc_applier *a, uint64_t ended,
			 struct strbuf *stmts)
{
	size_t i, n = 0;

	for (i = 0; i < a->redo_nr; i++) {
		if (a->redo[i].due > ended)
			continue;
		strbuf_addbuf(stmts, &a->q.delete_head);
		strbuf_addf(stmts, "(%s) AND NOT EXISTS (SELECT 1 FROM ",
			    a->redo[i].ghost_key);
		quote_qualified(stmts, a->cfg.db, a->cfg.table);
		strbuf_addf(stmts, " WHERE %s)", a->redo[i].src_key);
		strbuf_addch(stmts, '\0');
		n++;
	}
	return n;
}

/* Forget the removals due by `ended` (their statements committed). */
static void redo_drop(struct osc_applier *a, uint64_t ended)
{
	size_t i, j = 0;

	for (i = 0; i < a->redo_nr; i++) {
		if (a->redo[i].due > ended) {
			a->redo[j++] = a->redo[i];
			continue;
		}
		free(a->redo[i].ghost_key);
		free(a->redo[i].src_key);
	}
	a->redo_nr = j;
}

static int flush(struct osc_applier *a, const struct binlog_pos *pos,
		 struct strbuf *err)
{
	struct strbuf stmts = STRBUF_INIT;
	size_t count = 0, more = 0;
	uint64_t nrows = a->pending_rows, ended, begun;
	int ret = 0;

	pthread_mutex_lock(&a->mu);
	ended = a->chunks_ended;
	pthread_mutex_unlock(&a->mu);
	if (a->redo_nr)
		count = redo_build(a, ended, &stmts);
	if (a->q.ops_nr) {
		replay_stmts_build(&a->q, &stmts, &more);
		count += more;
	}
	if (count)
		ret = run_transaction(a, &stmts, count, err);
	strbuf_release(&stmts);
	if (ret < 0) {
		ops_clear(a);
		return -1;
	}
	redo_drop(a, ended);
	pthread_mutex_lock(&a->mu);
	begun = a->chunks_begun;
	pthread_mutex_unlock(&a->mu);
	/* A chunk was in flight during this transaction. */
	if (begun > ended)
		redo_add(a, begun);
	ops_clear(a);
	pthread_mutex_lock(&a->mu);
	a->redo_clear = !a->redo_nr;
	a->transactions += a->pending_txns;
	a->rows += nrows;
	a->pending_rows = 0;
	a->pending_txns = 0;
	a->pending_since_ms = 0;
	if (pos && binlog_pos_cmp(pos, &a->applied) > 0)
		a->applied = *pos;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
	return 0;
}

void osc_applier_chunk_begin(struct osc_applier *a)
{
	pthread_mutex_lock(&a->mu);
	a->chunks_begun++;
	pthread_mutex_unlock(&a->mu);
}

void osc_applier_chunk_end(struct osc_applier *a)
{
	pthread_mutex_lock(&a->mu);
	a->chunks_ended = a->chunks_begun;
	a->redo_clear = 0;	/* the next flush says */
	pthread_mutex_unlock(&a->mu);
}

/* ---- the thread ----------------------------------------------------- */

static int is_our_table(struct osc_applier *a, const struct binlog_table *t)
{
	int lctn = a->cfg.lower_case_table_names;

	return ident_name_eq(lctn, t->db, a->cfg.db) &&
	       ident_name_eq(lctn, t->name, a->cfg.table);
}

static void *applier_main(void *arg)
{
	struct osc_applier *a = arg;
	struct strbuf err = STRBUF_INIT;
	const struct binlog_event *ev;
	int rc;

	db_thread_init();
	for (;;) {
		pthread_mutex_lock(&a->mu);
		if (a->stop || a->rename_seen) {
			pthread_mutex_unlock(&a->mu);
			break;
		}
		pthread_mutex_unlock(&a->mu);

		strbuf_reset(&err);
		rc = binlog_stream_next(a->stream, &ev, &err);
		if (rc < 0) {
			fail(a, err.buf);
			break;
		}
		if (rc == 0)
			continue;
		pthread_mutex_lock(&a->mu);
		if (ev->timestamp)
			a->last_event_ts = ev->timestamp;
		pthread_mutex_unlock(&a->mu);

		switch (ev->kind) {
		case BINLOG_EVENT_BEGIN:
			a->in_txn = 1;
			a->txn_start = a->q.ops_nr;
			a->txn_rows = 0;
			break;
		case BINLOG_EVENT_ROWS:
			if (!is_our_table(a, ev->u.rows.table))
				break;
			if (a->cfg.galera_server_id &&
			    ev->server_id != a->cfg.galera_server_id) {
				struct strbuf msg = STRBUF_INIT;

				strbuf_addf(&msg,
					    "table `%s`.`%s` is written on "
					    "several Galera nodes (a change "
					    "made on the node with server_id "
					    "%u reached this one); osc needs a "
					    "single writer node: send the "
					    "table's writes to the node osc "
					    "runs on, and run it again",
					    a->cfg.db, a->cfg.table,
					    (unsigned)ev->server_id);
				fail(a, msg.buf);
				strbuf_release(&msg);
				goto out;
			}
			pthread_mutex_lock(&a->mu);
			if (a->watching)
				a->slipped_rows += (long)ev->u.rows.nrows;
			pthread_mutex_unlock(&a->mu);
			a->txn_rows += ev->u.rows.nrows;
			if (replay_stmts_add_rows(&a->q, ev->u.rows.kind,
						  ev->u.rows.rows,
						  ev->u.rows.nrows,
						  ev->u.rows.table->ncols,
						  &err) < 0) {
				struct strbuf msg = STRBUF_INIT;

				strbuf_addf(&msg, "cannot replay a change on "
					    "`%s`.`%s`: %s",
					    a->cfg.db,
					    a->cfg.table, err.buf);
				fail(a, msg.buf);
				strbuf_release(&msg);
				goto out;
			}
			break;
		case BINLOG_EVENT_QUERY:
			if (is_own_ddl(a, ev->u.query.thread_id,
				       ev->u.query.sql))
				break;
			if (!replay_watch_mentions_table(a->cfg.lower_case_table_names,
							 ev->u.query.sql,
							 ev->u.query.db,
							 a->cfg.db,
							 a->cfg.table))
				break;
			if (replay_watch_harmless(a->cfg.lower_case_table_names,
						  ev->u.query.sql,
						  ev->u.query.db, a->cfg.db,
						  a->cfg.table)) {
				verbose("applier: the binary log names `%s`."
					"`%s` in a statement that cannot "
					"change it; going on: '%.120s'",
					a->cfg.db, a->cfg.table,
					ev->u.query.sql);
				break;
			}
			pthread_mutex_lock(&a->mu);
			if (a->expect_rename &&
			    replay_watch_starts_with_word(ev->u.query.sql,
							  "RENAME")) {
				a->rename_seen = 1;
				pthread_cond_broadcast(&a->cond);
				pthread_mutex_unlock(&a->mu);
				goto out;
			}
			pthread_mutex_unlock(&a->mu);
			{
				struct strbuf msg = STRBUF_INIT;

				strbuf_addf(&msg,
					    "a statement on `%s`.`%s` appeared "
					    "in the binary log during the run "
					    "(DDL, or DML logged as a "
					    "statement), so the ghost can no "
					    "longer follow it: '%.120s'",
					    a->cfg.db,
					    a->cfg.table,
					    ev->u.query.sql);
				fail(a, msg.buf);
				strbuf_release(&msg);
			}
			goto out;
		case BINLOG_EVENT_COMMIT:
			a->in_txn = 0;
			if (ev->u.commit.xa_prepare && a->q.ops_nr > a->txn_start) {
				fail(a, "an XA transaction changed the table; "
					"osc cannot replay XA transactions");
				goto out;
			}
			if (ev->u.commit.rollback) {
				replay_stmts_truncate(&a->q, a->txn_start);
				a->txn_rows = 0;
				break;
			}
			a->pending_pos = ev->pos;
			a->pending_rows += a->txn_rows;
			a->txn_rows = 0;
			if (a->q.ops_nr > a->txn_start) {
				a->pending_txns++;
				if (!a->pending_since_ms)
					a->pending_since_ms = clock_ms();
			}
			a->txn_start = a->q.ops_nr;
			/* Nothing gathered: only the position moves. */
			if (!a->q.ops_nr ||
			    a->q.ops_nr >= BATCH_MAX_ROWS ||
			    a->q.ops_bytes >= BATCH_MAX_BYTES ||
			    clock_ms() - a->pending_since_ms >= BATCH_MAX_MS) {
				if (flush(a, &a->pending_pos, &err) < 0) {
					fail(a, err.buf);
					goto out;
				}
			}
			break;
		case BINLOG_EVENT_HEARTBEAT:
			pthread_mutex_lock(&a->mu);
			snprintf(a->server.file, sizeof(a->server.file), "%s",
				 ev->u.heartbeat.file);
			a->server.pos = ev->u.heartbeat.pos;
			pthread_mutex_unlock(&a->mu);
			/* Everything before the server's position was sent. */
			if (!a->in_txn) {
				struct binlog_pos hp = a->server;

				if ((a->q.ops_nr &&
				     flush(a, &a->pending_pos, &err) < 0) ||
				    flush(a, &hp, &err) < 0) {
					fail(a, err.buf);
					goto out;
				}
			}
			break;
		case BINLOG_EVENT_RECONNECT:
			/* The open transaction comes again from its start. */
			replay_stmts_truncate(&a->q, a->txn_start);
			a->in_txn = 0;
			a->txn_rows = 0;
			warning("binlog stream reconnected (attempt %u)",
				ev->u.reconnect.attempt);
			break;
		default:
			break;
		}
	}
out:
	db_thread_end();
	strbuf_release(&err);
	return NULL;
}

/* ---- setup ---------------------------------------------------------- */

static int read_schema(struct osc_applier *a, struct strbuf *err)
{
	return binlog_load_schema(a->conn,
				  binlog_stream_decoder(a->stream),
				  a->cfg.db,
				  a->cfg.table, err);
}

struct osc_applier *osc_applier_start(const struct osc_applier_config *cfg,
				      const struct binlog_pos *start,
				      struct strbuf *err)
{
	struct osc_applier *a = xcalloc(1, sizeof(*a));
	struct binlog_stream_options so;

	a->cfg = *cfg;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cond, NULL);
	strbuf_init(&a->error, 0);
	a->applied = *start;
	a->redo_clear = 1;
	if (replay_stmts_init(&a->q, cfg->plan, cfg->db, cfg->ghost, err) < 0)
		goto fail;
	a->q.track_removals = cfg->lockless_copy;

	{
		struct db_options mo = *cfg->dbopts;

		mo.multi_statements = 1;
		a->conn = db_connect(&mo, "applier", NULL, err);
	}
	if (!a->conn)
		goto fail;
	/*
	 * The deletes again of a lockless copy read the source
	 * (redo_build): in READ COMMITTED that read takes no gap lock that
	 * a writer of the source would wait for. (After a reconnect the
	 * session is back in the server's default, REPEATABLE READ, where
	 * the read locks the key briefly: slower for a writer, as exact.)
	 */
	if (cfg->lockless_copy &&
	    db_exec(a->conn, "SET SESSION TRANSACTION ISOLATION LEVEL "
			     "READ COMMITTED", err) < 0)
		goto fail;
	memset(&so, 0, sizeof(so));
	so.db = cfg->dbopts;
	so.file = start->file;
	so.pos = start->pos;
	so.server_id = 0; /* random, unused on the server */
	/*
	 * The server's heartbeat on an idle stream flushes a batch that is
	 * younger than BATCH_MAX_MS when the stream goes quiet, e.g. under
	 * the cut-over's lock, where writers wait for it: keep it short (the
	 * read timeout stays 2 s).
	 */
	so.heartbeat_ms = 20;
	so.decoder.registered_only = 1;
	so.decoder.lower_case_table_names = a->cfg.lower_case_table_names;
	if (binlog_stream_open(&a->stream, &so, err) < 0)
		goto fail;
	if (read_schema(a, err) < 0)
		goto fail;
	if (thread_create(&a->thread, applier_main, a)) {
		strbuf_addstr(err, "cannot start the applier thread");
		goto fail;
	}
	a->started = 1;
	return a;
fail:
	osc_applier_stop(a);
	return NULL;
}

void osc_applier_stop(struct osc_applier *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
	if (a->started)
		pthread_join(a->thread, NULL);
	verbose("applier: %" PRIu64 " transactions replayed, %" PRIu64
		" of them sent again one statement at a time after warnings",
		a->transactions, a->resent);
	if (a->stream)
		binlog_stream_close(a->stream);
	db_close(a->conn);
	replay_stmts_release(&a->q);
	redo_drop(a, UINT64_MAX);
	free(a->redo);
	strbuf_release(&a->error);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cond);
	free(a);
}

int osc_applier_failed(struct osc_applier *a, struct strbuf *err)
{
	int failed;

	if (!a) /* none running (before the stream, or stopped) */
		return 0;
	pthread_mutex_lock(&a->mu);
	failed = a->failed;
	if (failed && err)
		strbuf_addbuf(err, &a->error);
	pthread_mutex_unlock(&a->mu);
	return failed;
}

static void deadline_in(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int osc_applier_wait_for(struct osc_applier *a, const struct binlog_pos *pos,
			 unsigned int timeout_ms, struct strbuf *err)
{
	struct timespec dl;
	int ret = 1;

	deadline_in(&dl, timeout_ms);
	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (a->failed) {
			strbuf_addbuf(err, &a->error);
			ret = -1;
			break;
		}
		if (binlog_pos_cmp(&a->applied, pos) >= 0 &&
		    a->redo_clear) {
			ret = 0;
			break;
		}
		if (pthread_cond_timedwait(&a->cond, &a->mu, &dl) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&a->mu);
	return ret;
}

void osc_applier_lend(struct osc_applier *a, struct db *lock_conn)
{
	pthread_mutex_lock(&a->mu);
	if (lock_conn) {
		a->lent = lock_conn;
	} else {
		/* Back to the cut-over only once no statement runs on it. */
		while (a->lent_busy)
			pthread_cond_wait(&a->cond, &a->mu);
		a->lent = NULL;
	}
	pthread_mutex_unlock(&a->mu);
}

void osc_applier_own_ddl(struct osc_applier *a, unsigned long thread_id)
{
	size_t i;

	pthread_mutex_lock(&a->mu);
	for (i = 0; i < a->own_ddl_nr; i++)
		if (a->own_ddl[i] == thread_id)
			break;
	if (i == a->own_ddl_nr) {
		/* The oldest goes: a cut-over attempt uses two. */
		if (a->own_ddl_nr == ARRAY_SIZE(a->own_ddl)) {
			memmove(a->own_ddl, a->own_ddl + 1,
				sizeof(a->own_ddl[0]) * (a->own_ddl_nr - 1));
			a->own_ddl_nr--;
		}
		a->own_ddl[a->own_ddl_nr++] = thread_id;
	}
	pthread_mutex_unlock(&a->mu);
}

void osc_applier_hold(struct osc_applier *a, int on)
{
	pthread_mutex_lock(&a->mu);
	a->held = on;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
}

void osc_applier_expect_rename(struct osc_applier *a, int on)
{
	pthread_mutex_lock(&a->mu);
	a->expect_rename = on;
	a->watching = on;
	a->slipped_rows = 0;
	pthread_mutex_unlock(&a->mu);
}

long osc_applier_verify_rename(struct osc_applier *a, unsigned int timeout_ms,
			       struct strbuf *err)
{
	struct timespec dl;
	long ret = -1;

	deadline_in(&dl, timeout_ms);
	pthread_mutex_lock(&a->mu);
	while (!a->rename_seen && !a->failed) {
		if (pthread_cond_timedwait(&a->cond, &a->mu, &dl) == ETIMEDOUT)
			break;
	}
	if (a->rename_seen)
		ret = a->slipped_rows;
	else if (a->failed)
		strbuf_addbuf(err, &a->error);
	else
		strbuf_addstr(err, "the RENAME did not show up in the binary "
				   "log in time");
	pthread_mutex_unlock(&a->mu);
	return ret;
}

void osc_applier_stats(struct osc_applier *a, struct osc_applier_stats *st)
{
	pthread_mutex_lock(&a->mu);
	st->transactions = a->transactions;
	st->rows = a->rows;
	st->applied = a->applied;
	st->server = a->server;
	st->lag_ms = a->last_event_ts
			     ? ((long long)time(NULL) - a->last_event_ts) * 1000
			     : 0;
	pthread_mutex_unlock(&a->mu);
}
