/*
 * cutover.h: swap the ghost in for the original table (DESIGN.md 5).
 *
 * Writers must wait, bounded by a timeout, but never see an error, and the
 * swap must never happen on a ghost that missed a change. Two methods:
 *
 * CUTOVER_SENTRY (MariaDB, MySQL 5.7, where RENAME is refused under LOCK
 * TABLES), three connections L (lock), R (rename), C (control):
 *   1. L: CREATE TABLE _t_old (the sentry: it reserves the name and fails
 *      the attempt early if the name is taken), SET lock_wait_timeout,
 *      LOCK TABLES t WRITE, _t_old WRITE; the binlog position
 *      (binlog_server_position());
 *   2. catch_up(position): the caller replays the binlog up to the
 *      position read under the lock, so the ghost equals t (nothing can
 *      change t meanwhile); L is checked alive;
 *   3. L: DROP TABLE _t_old, still holding t;
 *   4. R: RENAME TABLE t TO _t_old, _t_new TO t, from a thread: it takes
 *      `_t_new` and `_t_old` at once and queues its exclusive request on
 *      t, behind L and ahead of every writer; C confirms from the process
 *      list that R waits on the metadata lock; L is checked alive again;
 *   5. L: UNLOCK TABLES: the server grants R's pending exclusive lock
 *      before the writers queued behind L, so they run on the new t.
 * Why the sentry goes before R and not after (as DESIGN.md 5 first had
 * it, following gh-ost): R takes its metadata locks one by one in name
 * order (`_t_new`, `_t_old`, `t`). While L holds the sentry, R waits on
 * `_t_old` and has no request queued on t; when L drops the sentry and
 * unlocks at once, the writers already queued on t can be granted before
 * R gets there, and their changes land in the old table (seen on MariaDB
 * 10.11.19: 2 runs of 20 with three queued INSERTs; 0 of 20 with the
 * sentry dropped before R). The catch-up comes before R for a related
 * reason: a waiting RENAME holds the exclusive lock on `_t_new`, so a
 * replay into the ghost would wait behind it. If L dies before step 4, R
 * is not sent; if it dies after R queued, R swaps a caught-up ghost (t
 * was held without a gap). The engine checks in the binlog, after the
 * RENAME, that no row change on t came between the position and the
 * RENAME, which would catch any write that slipped past.
 * CUTOVER_LOCK_RENAME (MySQL 8.0.13+, WL#9826): L: LOCK TABLES t WRITE,
 *   _t_new WRITE; position; catch_up ON L (L holds the ghost, so no other
 *   session can replay into it: cc.replay_conn is L, and the applier runs
 *   its last transactions there, without BEGIN); RENAME TABLE under the
 *   lock; UNLOCK. (No MySQL 8 server in the test suite: the sequence is
 *   checked as data in tests/unit/test-cutover.c.)
 *
 * On a lock wait timeout or any failure the attempt releases everything it
 * took, in an order that keeps t in place (R is killed and has finished
 * before the sentry is dropped; the sentry is dropped only when this
 * attempt created it and it still carries the sentry comment), backs off
 * and tries again, up to `retries` more times.
 */
#ifndef OSC_OSC_CUTOVER_H
#define OSC_OSC_CUTOVER_H

#include "binlog/binlog.h"
#include "util/db.h"
#include "util/strbuf.h"

enum cutover_method {
	CUTOVER_AUTO = 0,	/* LOCK_RENAME on MySQL >= 8.0.13, or SENTRY */
	CUTOVER_SENTRY,
	CUTOVER_LOCK_RENAME,
};

/* The comment on the sentry table: cleanup drops only a table with it. */
#define CUTOVER_SENTRY_COMMENT "osc cut-over sentry"

/*
 * The sequence of one attempt, as data (pure; tests/unit/test-cutover.c
 * checks its invariants): each step, the connection that runs it, and
 * the tables L holds locked once it has run. The attempt code follows it
 * and takes from it the connection the catch-up must replay on.
 */
enum cutover_step {
	CUTOVER_STEP_CREATE_SENTRY,	/* L: CREATE TABLE _t_old */
	CUTOVER_STEP_LOCK,		/* L: LOCK TABLES ... WRITE */
	CUTOVER_STEP_POSITION,		/* L: the binlog position */
	CUTOVER_STEP_CATCH_UP,		/* replay up to it into the ghost */
	CUTOVER_STEP_DROP_SENTRY,	/* L: DROP TABLE _t_old */
	CUTOVER_STEP_RENAME_QUEUED,	/* R: RENAME, waits on L's lock */
	CUTOVER_STEP_RENAME_LOCKED,	/* L: RENAME under LOCK TABLES */
	CUTOVER_STEP_UNLOCK,		/* L: UNLOCK TABLES */
};

enum cutover_conn {
	CUTOVER_CONN_LOCK,	/* L */
	CUTOVER_CONN_RENAME,	/* R */
	CUTOVER_CONN_REPLAY,	/* the caller's own (the applier's) */
};

/* Tables L holds locked (a bit mask). */
enum {
	CUTOVER_HOLDS_TABLE = 1,
	CUTOVER_HOLDS_GHOST = 2,
	CUTOVER_HOLDS_OLD = 4,
};

struct cutover_step_info {
	enum cutover_step step;
	enum cutover_conn conn;
	unsigned int holds;	/* CUTOVER_HOLDS_* after the step */
};

/* The steps of `method` (SENTRY or LOCK_RENAME), in order; n set. */
const struct cutover_step_info *cutover_steps(enum cutover_method method,
					      size_t *n);

/*
 * The connection the catch-up of `method` replays on: the caller's own
 * for SENTRY (the ghost is not locked), L for LOCK_RENAME, where L holds
 * the ghost WRITE-locked and no other session can write to it: a replay
 * from the applier's connection would wait for L while the cut-over
 * waits for the replay (the deadlock a review found).
 */
enum cutover_conn cutover_catch_up_conn(enum cutover_method method);

/* What catch_up() is told. */
struct cutover_catch_up {
	struct binlog_pos position;
	int attempt;			/* 1, 2, ... */
	enum cutover_method method;
	unsigned long lock_thread_id;	/* L's server connection id */
	/*
	 * NULL: replay on any connection but L. Otherwise the replay must
	 * run on this one (L itself, holding t and the ghost; see
	 * cutover_catch_up_conn), without BEGIN, which would release its
	 * locks, and must be done with it when catch_up() returns.
	 */
	struct db *replay_conn;
};

/*
 * A trigger of t that moves to the ghost under the lock (triggers belong
 * to a table, and a trigger name is unique per schema, so the ghost can
 * hold it only once t no longer does). With SENTRY, after the catch-up
 * and before the sentry is dropped: L drops it on t (LOCK TABLES t WRITE
 * permits DROP and CREATE TRIGGER on t), T, a connection of its own
 * (the ghost is not locked by L), creates it on the ghost, in the given
 * order, each in its own session context; then the names and order on
 * the ghost are checked. With LOCK_RENAME, L does both. Writers wait on
 * L's lock the whole time, so no write finds t without its triggers; and
 * no replay runs into the ghost while it has them (hold_replay). If the
 * attempt fails, the triggers go back: dropped on the ghost, created
 * again on t from the original text, by L before it unlocks when it can
 * (no writer sees the gap), else by T at once after (the warning says
 * for how long writers could see t without them).
 */
struct cutover_trigger {
	const char *name;		/* unquoted */
	const char *create_on_ghost;	/* the statement, ON the ghost */
	const char *create_on_table;	/* the original statement */
	/* The session it was created in, sent before each CREATE. */
	const char *sql_mode;
	const char *client_charset;
	const char *connection_collation;
};

/*
 * A foreign key of t (t is the child) that moves to the ghost under the
 * lock, keeping its name (InnoDB constraint names are unique per schema,
 * and a RENAME keeps a name it did not generate). The ghost has none while
 * rows are copied and replayed: its stale rows would make a parent's
 * DELETE fail that t allows. After the catch-up, before the triggers
 * move, three metadata-only ALTERs (foreign_key_checks=0, ALGORITHM=
 * INPLACE; the ghost equals t, whose constraint holds its rows):
 *   1. T: the ghost gets each foreign key under a temporary name;
 *   2. L: t drops its foreign keys (LOCK TABLES t WRITE permits it);
 *   3. T: the ghost swaps each temporary name for the real one in one
 *      statement.
 * At every moment t's rows are held by a constraint on t or on the ghost,
 * which equals it (a parent's writer is checked against one of them), and
 * t's writers wait on L. On failure the ghost drops them and L adds them
 * back to t before it unlocks (T after, if L was lost).
 */
struct cutover_fk {
	const char *name;	/* unquoted */
	const char *definition;	/* FOREIGN KEY (...) REFERENCES ... */
};

/*
 * A foreign key of another table (a child) that references t: after the
 * swap it must reference the new t, and a RENAME makes it follow the
 * renamed table (to `_t_old`). An ALTER of a child waits for the
 * metadata lock of the table it references, which L holds, so L locks the
 * children too (LOCK TABLES t WRITE, _t_old WRITE, child WRITE, ...) and
 * moves each one, metadata only, in three ALTERs of the child: a
 * temporary constraint to the ghost, the original dropped, the temporary
 * one swapped for one of the original name to the ghost (one ALTER cannot
 * drop and add the same name: error 1826). The ghost is not locked by L
 * (the ALTERs take and release it), so the RENAME still queues on t first,
 * and makes them follow the ghost to t. The children's writers wait on L
 * meanwhile; t's rows are held by t's or the ghost's copy, which are
 * equal. On failure L moves them back before it unlocks.
 */
struct cutover_child_fk {
	const char *schema, *table;	/* the child */
	const char *name;		/* the constraint */
	const char *to_ghost;		/* its definition, REFERENCES ghost */
	const char *to_table;		/* the original definition */
};

struct cutover_opts {
	const struct db_options *conn;	/* where t lives */
	const char *schema;		/* unquoted names */
	const char *table;		/* t */
	const char *ghost;		/* _t_new */
	const char *old;		/* _t_old: the sentry, then the old t */
	enum cutover_method method;
	/* L's LOCK TABLES wait (writers queue behind it); 0: 3 s. */
	unsigned int lock_wait_timeout_s;
	/*
	 * R's wait for the metadata lock (from its RENAME to L's UNLOCK,
	 * which is short: the catch-up is done by then); 0:
	 * lock_wait_timeout_s + lock_idle_timeout_s. When it runs out R
	 * fails and the attempt fails; nothing is swapped.
	 */
	unsigned int rename_wait_timeout_s;
	/*
	 * L's wait_timeout while it holds the lock: if this process hangs
	 * the server drops L and its locks after this long, so writers are
	 * not blocked forever (and the sentry then stops the rename).
	 * 0: 3 x lock_wait_timeout_s, at least 10 s.
	 */
	unsigned int lock_idle_timeout_s;
	/* How long to wait for R to show as waiting; 0: 5000 ms. */
	unsigned int rename_visible_ms;
	int retries;			/* attempts after the first */
	unsigned int backoff_ms;	/* first pause, doubles; 0: 500 */
	unsigned int max_backoff_ms;	/* 0: 10000 */

	/*
	 * Called with t locked: replay everything up to cc->position into
	 * the ghost, on cc->replay_conn when it is set, else from any
	 * connection but L. Return 0 when done, 1 to abandon this attempt and retry
	 * (e.g. it could not catch up in time), -1 to abandon the cut-over
	 * (with a line in err). Required.
	 */
	int (*catch_up)(void *ctx, const struct cutover_catch_up *cc,
			struct strbuf *err);
	/*
	 * SENTRY only: called once the sentry is dropped, with t still
	 * locked by L, just before R's RENAME is sent (a place for tests to
	 * stop). Same returns as catch_up. May be NULL.
	 */
	int (*before_rename)(void *ctx, const struct cutover_catch_up *cc,
			     struct strbuf *err);
	/*
	 * Called last before the unlock, with everything still locked: with
	 * SENTRY once R is seen waiting, with LOCK_RENAME after the rename.
	 * A place to check that the binlog holds no change to t after the
	 * position (DESIGN.md 5, step 5). Same returns as catch_up. May be
	 * NULL.
	 */
	int (*before_unlock)(void *ctx, const struct cutover_catch_up *cc,
			     struct strbuf *err);
	/*
	 * Checked between attempts, and every 20 ms while LOCK TABLES waits
	 * (then the wait is killed); nonzero: give up. May be NULL.
	 */
	int (*should_stop)(void *ctx);
	/* The children's foreign keys to move; none when 0. */
	const struct cutover_child_fk *children;
	size_t children_nr;
	/* The foreign keys to move; none when 0. */
	const struct cutover_fk *fks;
	size_t fks_nr;
	/* The triggers to move, in creation order; none when 0. */
	const struct cutover_trigger *triggers;
	size_t triggers_nr;
	/*
	 * Called with the server connection id of each connection that runs
	 * trigger or foreign key DDL (L, T) before it runs any: those
	 * statements show in the binary log and are the cut-over's own, not a
	 * change of t by someone else. May be NULL.
	 */
	void (*own_ddl)(void *ctx, unsigned long thread_id);
	/*
	 * Called with 1 before the triggers move to the ghost and with 0
	 * once the ghost has none again or is t: while on, no replayed
	 * change may run on the ghost (its triggers would fire a second time
	 * for changes whose effects are already in the binary log). May be
	 * NULL.
	 */
	void (*hold_replay)(void *ctx, int on);
	/*
	 * A Galera node (issue 16; SENTRY only). L and C run with
	 * wsrep_on=OFF, so the sentry is created and dropped on this node
	 * alone: no statement of L waits in total order isolation while L
	 * holds t (measured: such a DDL waits for ever once another node's
	 * change to t waits for L's lock, and KILL does not end it). Before
	 * the sentry is dropped, C looks for an applier thread waiting for
	 * a metadata lock: a change from another node waiting for L's lock
	 * on t. Then the attempt does not swap (it fails, and is retried).
	 */
	int galera;
	void *ctx;
};

struct cutover_result {
	enum cutover_method method;	/* the one used */
	int attempts;
	struct binlog_pos position;	/* of the last attempt */
	/* The successful attempt: LOCK TABLES sent -> lock granted. */
	double lock_wait_ms;
	/* Lock granted -> UNLOCK TABLES returned (writers blocked). */
	double locked_ms;
	/* LOCK TABLES sent -> UNLOCK returned: the longest a writer waited. */
	double blocked_ms;
	/* The same summed over every attempt, failed ones included. */
	double blocked_total_ms;
	/* UNLOCK returned -> R's rename returned (sentry method). */
	double rename_after_unlock_ms;
	/* The successful attempt: the triggers moved in this long. */
	double triggers_ms;
	/* The successful attempt: the foreign keys moved in this long. */
	double fks_ms;
	/* The same for the children's foreign keys. */
	double children_ms;
};

enum cutover_status {
	CUTOVER_SWAPPED = 0,	/* the ghost is t; the old table is `old` */
	CUTOVER_FAILED = -1,	/* nothing swapped: t is the original */
	CUTOVER_UNKNOWN = -2,	/* a connection died at the wrong moment and
				   the catalog could not be read: err says */
};

/*
 * Run the cut-over. Opens its own connections with opts->conn and closes
 * them. Returns a cutover_status; on CUTOVER_FAILED and CUTOVER_UNKNOWN
 * one line in err. The sentry is never left behind except when the
 * control connection cannot drop it (then err names it). Logs each step at
 * verbose level.
 */
int cutover_run(const struct cutover_opts *opts, struct cutover_result *res,
		struct strbuf *err);

/*
 * The method CUTOVER_AUTO resolves to for a server version string
 * ("10.11.19-MariaDB-log", "8.0.36", "5.7.44-log"). Pure.
 */
enum cutover_method cutover_method_for_version(const char *version);

#endif
