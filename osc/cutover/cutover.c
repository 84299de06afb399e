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
#include "binlog/binlog.h"
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
	/*
	 * The triggers (cutover.h): T creates them on the ghost (SENTRY);
	 * the first trg_dropped are off t, the first trg_created on the
	 * ghost; trg_held: hold_replay(1) was called.
	 */
	struct db *trg;
	size_t trg_dropped, trg_created;
	size_t trg_back;	/* of the dropped, created again on t */
	int trg_held;
	/*
	 * The foreign keys (cutover.h): 1 the ghost has them under
	 * temporary names, 2 and t has none, 3 the ghost has the real names.
	 */
	int fk_stage;
	/* Per child foreign key: the step of its move done (0 to 3). */
	unsigned char *child_stage;
};

/* How an attempt ended. */
enum attempt_status {
	ATTEMPT_SWAPPED,
	ATTEMPT_RETRY,		/* nothing swapped, try again */
	ATTEMPT_FATAL,		/* nothing swapped, give up */
	ATTEMPT_UNKNOWN,	/* the rename's outcome is not known */
	ATTEMPT_EARLY,		/* R renamed before the catch-up ended */
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

static const struct cutover_step_info sentry_steps[] = {
	{ CUTOVER_STEP_CREATE_SENTRY, CUTOVER_CONN_LOCK, 0 },
	{ CUTOVER_STEP_LOCK, CUTOVER_CONN_LOCK,
	  CUTOVER_HOLDS_TABLE | CUTOVER_HOLDS_OLD },
	{ CUTOVER_STEP_POSITION, CUTOVER_CONN_LOCK,
	  CUTOVER_HOLDS_TABLE | CUTOVER_HOLDS_OLD },
	/* Before R: R's waiting RENAME holds the ghost (cutover.h). */
	{ CUTOVER_STEP_CATCH_UP, CUTOVER_CONN_REPLAY,
	  CUTOVER_HOLDS_TABLE | CUTOVER_HOLDS_OLD },
	{ CUTOVER_STEP_DROP_SENTRY, CUTOVER_CONN_LOCK, CUTOVER_HOLDS_TABLE },
	{ CUTOVER_STEP_RENAME_QUEUED, CUTOVER_CONN_RENAME,
	  CUTOVER_HOLDS_TABLE },
	{ CUTOVER_STEP_UNLOCK, CUTOVER_CONN_LOCK, 0 },
};

static const struct cutover_step_info lock_rename_steps[] = {
	{ CUTOVER_STEP_LOCK, CUTOVER_CONN_LOCK,
	  CUTOVER_HOLDS_TABLE | CUTOVER_HOLDS_GHOST },
	{ CUTOVER_STEP_POSITION, CUTOVER_CONN_LOCK,
	  CUTOVER_HOLDS_TABLE | CUTOVER_HOLDS_GHOST },
	/* L holds the ghost: only L can write to it. */
	{ CUTOVER_STEP_CATCH_UP, CUTOVER_CONN_LOCK,
	  CUTOVER_HOLDS_TABLE | CUTOVER_HOLDS_GHOST },
	{ CUTOVER_STEP_RENAME_LOCKED, CUTOVER_CONN_LOCK,
	  CUTOVER_HOLDS_TABLE | CUTOVER_HOLDS_GHOST },
	{ CUTOVER_STEP_UNLOCK, CUTOVER_CONN_LOCK, 0 },
};

const struct cutover_step_info *cutover_steps(enum cutover_method method,
					      size_t *n)
{
	if (method == CUTOVER_LOCK_RENAME) {
		*n = ARRAY_SIZE(lock_rename_steps);
		return lock_rename_steps;
	}
	*n = ARRAY_SIZE(sentry_steps);
	return sentry_steps;
}

enum cutover_conn cutover_catch_up_conn(enum cutover_method method)
{
	size_t i, n;
	const struct cutover_step_info *st = cutover_steps(method, &n);

	for (i = 0; i < n; i++)
		if (st[i].step == CUTOVER_STEP_CATCH_UP)
			return st[i].conn;
	BUG("cut-over method %d has no catch-up", (int)method);
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
	if (thread_create(&job->tid, rename_main, job)) {
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
 * needed. Best effort: R is only sent after L dropped the sentry while
 * holding t and after the catch-up (step 3), so an R that cannot be killed
 * renames once L lets go, and that rename is a correct swap;
 * release_attempt() sees it (R done with rc 0) and leaves `old`, now the
 * original table, alone.
 */
static void rename_kill(struct attempt *a)
{
	struct rename_job *job = &a->rename;
	struct strbuf err = STRBUF_INIT;

	if (!job->started)
		return;
	/*
	 * Galera: the RENAME was replicated in total order isolation when
	 * it was sent, so the other nodes run it whatever happens here; a
	 * KILL that ended it on this node alone would split the cluster
	 * (and one waiting in isolation does not end: measured). It runs
	 * once L lets go, and the attempt counts as a swap; the engine's
	 * slip check then says whether a change reached the old table.
	 */
	if (a->o->galera && !atomic_load(&job->done)) {
		verbose("cut-over: Galera: the rename is replicated and is "
			"not stopped; it runs once the lock is released");
		strbuf_release(&err);
		return;
	}
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

/* ---- the triggers (cutover.h) ---- */

static void trg_hold(struct attempt *a, int on)
{
	if (a->trg_held == on)
		return;
	a->trg_held = on;
	if (a->o->hold_replay)
		a->o->hold_replay(a->o->ctx, on);
}

static int use_schema(struct attempt *a, struct db *db, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addstr(&sql, "USE ");
	quote_ident(&sql, a->o->schema);
	ret = db_exec(db, sql.buf, err);
	strbuf_release(&sql);
	return ret;
}

/* T, opened once per attempt, in the schema (trigger names are). */
static int trg_conn(struct attempt *a, struct strbuf *err)
{
	if (a->trg) {
		if (db_exec(a->trg, "DO 0", err) == 0)
			return 0;
		strbuf_reset(err);
		if (db_reconnect(a->trg, err) < 0)
			return -1;
		return use_schema(a, a->trg, err);
	}
	a->trg = db_connect(a->o->conn, "cutover-triggers", NULL, err);
	if (!a->trg)
		return -1;
	if (a->o->own_ddl)
		a->o->own_ddl(a->o->ctx, db_thread_id(a->trg));
	if (db_session_setf(a->trg, err, "lock_wait_timeout", "%u",
			    a->o->lock_wait_timeout_s ? a->o->lock_wait_timeout_s
						      : 3) < 0)
		return -1;
	return use_schema(a, a->trg, err);
}

/* The session a trigger was created in, on db, before its CREATE. */
static int trg_session(struct db *db, const struct cutover_trigger *tr,
		       struct strbuf *err)
{
	struct strbuf v = STRBUF_INIT;
	int ret = -1;

	db_append_literal(db, &v, tr->sql_mode, strlen(tr->sql_mode));
	if (db_session_set(db, "sql_mode", v.buf, err) < 0)
		goto out;
	strbuf_reset(&v);
	db_append_literal(db, &v, tr->client_charset,
			  strlen(tr->client_charset));
	if (db_session_set(db, "character_set_client", v.buf, err) < 0)
		goto out;
	strbuf_reset(&v);
	db_append_literal(db, &v, tr->connection_collation,
			  strlen(tr->connection_collation));
	if (db_session_set(db, "collation_connection", v.buf, err) < 0)
		goto out;
	ret = 0;
out:
	strbuf_release(&v);
	return ret;
}

static int trg_drop(struct attempt *a, struct db *db, const char *name,
		    int if_exists, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addstr(&sql, if_exists ? "DROP TRIGGER IF EXISTS "
				      : "DROP TRIGGER ");
	quote_qualified(&sql, a->o->schema, name);
	ret = db_exec(db, sql.buf, err);
	strbuf_release(&sql);
	return ret;
}

static int trg_create(struct attempt *a, struct db *db,
		      const struct cutover_trigger *tr, const char *sql,
		      const char *on, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;

	if (trg_session(db, tr, &why) < 0 || db_exec(db, sql, &why) < 0) {
		strbuf_addf(err, "cannot create trigger `%s`.`%s` on `%s`: %s",
			    a->o->schema, tr->name, on, why.buf);
		strbuf_release(&why);
		return -1;
	}
	strbuf_release(&why);
	return 0;
}

/* `table` holds exactly the triggers, in the order given. */
static int trg_check(struct attempt *a, struct db *db, const char *table,
		     struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	size_t n = 0;
	int r, ret = -1;

	strbuf_addstr(&sql, "SELECT TRIGGER_NAME FROM information_schema."
		      "TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ");
	db_append_literal(db, &sql, o->schema, strlen(o->schema));
	strbuf_addstr(&sql, " AND EVENT_OBJECT_TABLE = ");
	db_append_literal(db, &sql, table, strlen(table));
	strbuf_addstr(&sql, " ORDER BY EVENT_MANIPULATION, ACTION_TIMING, "
		      "ACTION_ORDER");
	if (db_query(db, sql.buf, &res, err) < 0)
		goto out;
	while ((r = db_result_next(res, &row, err)) == 1) {
		if (n >= o->triggers_nr || !row.values[0] ||
		    strcmp(row.values[0], o->triggers[n].name))
			break;
		n++;
	}
	if (r < 0)
		goto out;
	if (r == 1 || n != o->triggers_nr) {
		if (table == o->ghost)
			strbuf_addf(err, "the triggers on `%s` are not the "
				    "table's (in name and order) after they "
				    "were created again", o->ghost);
		else
			strbuf_addf(err, "the triggers of `%s`.`%s` changed "
				    "during the run (one was dropped or "
				    "created); run osc again", o->schema,
				    o->table);
		goto out;
	}
	ret = 0;
out:
	db_result_free(res);
	strbuf_release(&sql);
	return ret;
}

/*
 * Move the triggers from t to the ghost, with t locked by L and the
 * catch-up done. SWAPPED (go on), RETRY or FATAL, with err.
 */
static enum attempt_status move_triggers(struct attempt *a,
					 struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	double t0 = clock_ms_f();
	struct db *g;
	size_t i;

	if (!o->triggers_nr)
		return ATTEMPT_SWAPPED;
	if (a->res->method == CUTOVER_LOCK_RENAME) {
		g = a->lock;	/* L holds the ghost */
	} else {
		if (trg_conn(a, err) < 0)
			return ATTEMPT_RETRY;
		g = a->trg;
	}
	if (o->own_ddl)
		o->own_ddl(o->ctx, db_thread_id(a->lock));
	/*
	 * A DROP TRIGGER by someone else during the run does not name the
	 * table, so the DDL watch cannot see it: check here, under the lock.
	 */
	if (trg_check(a, a->lock, o->table, err) < 0)
		return db_error_is_disconnect(db_errno(a->lock))
			       ? ATTEMPT_RETRY : ATTEMPT_FATAL;
	trg_hold(a, 1);
	for (i = 0; i < o->triggers_nr; i++) {
		if (trg_drop(a, a->lock, o->triggers[i].name, 0, err) < 0)
			return ATTEMPT_RETRY;
		a->trg_dropped = i + 1;
	}
	for (i = 0; i < o->triggers_nr; i++) {
		if (trg_create(a, g, &o->triggers[i],
			       o->triggers[i].create_on_ghost, o->ghost,
			       err) < 0) {
			unsigned int code = db_errno(g);

			return db_error_is_transient(code) ||
					       db_error_is_disconnect(code)
				       ? ATTEMPT_RETRY
				       : ATTEMPT_FATAL;
		}
		a->trg_created = i + 1;
	}
	/* Back to the session's own charset for the catalog query. */
	if (db_session_set(g, "character_set_client", "'utf8mb4'", err) < 0 ||
	    db_session_set(g, "collation_connection", "'utf8mb4_general_ci'",
			   err) < 0)
		return ATTEMPT_RETRY;
	if (trg_check(a, g, o->ghost, err) < 0)
		return ATTEMPT_FATAL;
	a->res->triggers_ms = clock_ms_f() - t0;
	verbose("cut-over: %zu trigger%s moved to `%s` in %.0f ms",
		o->triggers_nr, o->triggers_nr > 1 ? "s" : "", o->ghost,
		a->res->triggers_ms);
	return ATTEMPT_SWAPPED;
}

/* ---- the foreign keys (cutover.h) ---- */

/*
 * The temporary name of constraint i while it moves:
 * _osc_<kind><i>_<ghost> ("fk": the table's own, "rfk": a child's),
 * cut at the server's 64 characters.
 */
static void tmp_constraint_name(struct strbuf *out, const struct attempt *a,
				const char *kind, size_t i)
{
	strbuf_reset(out);
	strbuf_addf(out, "_osc_%s%zu_", kind, i);
	strbuf_addstr(out, a->o->ghost);
	if (out->len > 64)
		strbuf_setlen(out, 64);
}

/*
 * ALTER TABLE `db`.`table` and, per pair of characters of `ops`, one
 * clause per foreign key: "d" DROP FOREIGN KEY [IF EXISTS] or "a" ADD
 * CONSTRAINT ... with the definition, then "t" for the temporary names or
 * "r" for the real ones ("dtar": drop the temporary, add the real).
 */
static void fk_alter(struct strbuf *sql, const struct attempt *a,
		     const char *table, const char *ops, int if_exists)
{
	const struct cutover_opts *o = a->o;
	struct strbuf name = STRBUF_INIT;
	const char *op;
	size_t i;
	int first = 1;

	strbuf_reset(sql);
	strbuf_addstr(sql, "ALTER TABLE ");
	quote_qualified(sql, o->schema, table);
	for (op = ops; op[0] && op[1]; op += 2) {
		for (i = 0; i < o->fks_nr; i++) {
			if (op[1] == 't') {
				tmp_constraint_name(&name, a, "fk", i);
			} else {
				strbuf_reset(&name);
				strbuf_addstr(&name, o->fks[i].name);
			}
			strbuf_addstr(sql, first ? " " : ", ");
			first = 0;
			if (op[0] == 'd') {
				strbuf_addstr(sql, if_exists
					      ? "DROP FOREIGN KEY IF EXISTS "
					      : "DROP FOREIGN KEY ");
				quote_ident(sql, name.buf);
			} else {
				strbuf_addstr(sql, "ADD CONSTRAINT ");
				quote_ident(sql, name.buf);
				strbuf_addch(sql, ' ');
				strbuf_addstr(sql, o->fks[i].definition);
			}
		}
	}
	/* Metadata only, or an error: never a copy under the lock. */
	strbuf_addstr(sql, ", ALGORITHM=INPLACE, LOCK=NONE");
	strbuf_release(&name);
}

static int fk_exec(struct db *db, const char *sql, struct strbuf *err)
{
	if (db_session_set(db, "foreign_key_checks", "0", err) < 0)
		return -1;
	return db_exec(db, sql, err);
}

static enum attempt_status fk_failed(struct db *db, const char *what,
				     struct strbuf *err)
{
	unsigned int code = db_errno(db);
	struct strbuf why = STRBUF_INIT;

	strbuf_addbuf(&why, err);
	strbuf_reset(err);
	strbuf_addf(err, "cannot move the foreign keys (%s): %s", what,
		    why.buf);
	strbuf_release(&why);
	return db_error_is_transient(code) || db_error_is_disconnect(code)
		       ? ATTEMPT_RETRY
		       : ATTEMPT_FATAL;
}

/* t's foreign keys to the ghost, with t locked and the catch-up done. */
static enum attempt_status move_fks(struct attempt *a, struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT;
	double t0 = clock_ms_f();
	enum attempt_status st = ATTEMPT_SWAPPED;
	struct db *g;

	if (!o->fks_nr)
		return ATTEMPT_SWAPPED;
	if (a->res->method == CUTOVER_LOCK_RENAME) {
		g = a->lock;
	} else {
		if (trg_conn(a, err) < 0)
			return ATTEMPT_RETRY;
		g = a->trg;
	}
	if (o->own_ddl)
		o->own_ddl(o->ctx, db_thread_id(a->lock));
	fk_alter(&sql, a, o->ghost, "at", 0);
	if (fk_exec(g, sql.buf, err) < 0) {
		st = fk_failed(g, "on the ghost", err);
		goto out;
	}
	a->fk_stage = 1;
	fk_alter(&sql, a, o->table, "dr", 0);
	if (db_exec(a->lock, sql.buf, err) < 0) {
		st = fk_failed(a->lock, "off the table", err);
		goto out;
	}
	a->fk_stage = 2;
	fk_alter(&sql, a, o->ghost, "dtar", 0);
	if (fk_exec(g, sql.buf, err) < 0) {
		st = fk_failed(g, "their names on the ghost", err);
		goto out;
	}
	a->fk_stage = 3;
	a->res->fks_ms = clock_ms_f() - t0;
	verbose("cut-over: %zu foreign key%s moved to `%s` in %.0f ms",
		o->fks_nr, o->fks_nr > 1 ? "s" : "", o->ghost, a->res->fks_ms);
out:
	strbuf_release(&sql);
	return st;
}

/*
 * The foreign keys back on t after an attempt that did not swap: off the
 * ghost on `gdb` (whatever names it has), then on t on `tdb` (L while it
 * holds t, else T). 0, or -1 with err.
 */
static int restore_fks(struct attempt *a, struct db *gdb, struct db *tdb,
		       struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret = -1;

	if (!a->fk_stage)
		return 0;
	fk_alter(&sql, a, a->o->ghost, "dtdr", 1);
	if (fk_exec(gdb, sql.buf, err) < 0)
		goto out;
	if (a->fk_stage >= 2) {
		if (tdb == a->lock && use_schema(a, tdb, err) < 0)
			goto out;
		fk_alter(&sql, a, a->o->table, "ar", 0);
		if (fk_exec(tdb, sql.buf, err) < 0)
			goto out;
	}
	a->fk_stage = 0;
	verbose("cut-over: the foreign keys are back on `%s`", a->o->table);
	ret = 0;
out:
	strbuf_release(&sql);
	return ret;
}

/* ---- the children's foreign keys (cutover.h) ---- */

/*
 * One ALTER of child i: `drop` (NULL: none) then `add` (NULL: none) with
 * `definition`, metadata only, foreign_key_checks=0.
 */
static int child_alter(struct attempt *a, struct db *db, size_t i,
		       const char *drop, const char *add,
		       const char *definition, struct strbuf *err)
{
	const struct cutover_child_fk *c = &a->o->children[i];
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addstr(&sql, "ALTER TABLE ");
	quote_qualified(&sql, c->schema, c->table);
	if (drop) {
		strbuf_addstr(&sql, " DROP FOREIGN KEY ");
		quote_ident(&sql, drop);
	}
	if (add) {
		strbuf_addstr(&sql, drop ? ", ADD CONSTRAINT " :
			      " ADD CONSTRAINT ");
		quote_ident(&sql, add);
		strbuf_addch(&sql, ' ');
		strbuf_addstr(&sql, definition);
	}
	strbuf_addstr(&sql, ", ALGORITHM=INPLACE, LOCK=NONE");
	ret = fk_exec(db, sql.buf, err);
	if (ret < 0) {
		struct strbuf why = STRBUF_INIT;

		strbuf_addbuf(&why, err);
		strbuf_reset(err);
		strbuf_addf(err, "cannot move foreign key `%s` of `%s`.`%s`: "
			    "%s", c->name, c->schema, c->table, why.buf);
		strbuf_release(&why);
	}
	strbuf_release(&sql);
	return ret;
}

/* Each child's foreign key to the ghost, on L (which holds the child). */
static enum attempt_status move_children(struct attempt *a,
					 struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf tmp = STRBUF_INIT;
	double t0 = clock_ms_f();
	enum attempt_status st = ATTEMPT_SWAPPED;
	size_t i;

	if (!o->children_nr)
		return ATTEMPT_SWAPPED;
	if (!a->child_stage)
		a->child_stage = xcalloc(o->children_nr, 1);
	if (o->own_ddl)
		o->own_ddl(o->ctx, db_thread_id(a->lock));
	for (i = 0; i < o->children_nr; i++) {
		const struct cutover_child_fk *c = &o->children[i];

		tmp_constraint_name(&tmp, a, "rfk", i);
		if (child_alter(a, a->lock, i, NULL, tmp.buf, c->to_ghost,
				err) < 0)
			goto fail;
		a->child_stage[i] = 1;
		if (child_alter(a, a->lock, i, c->name, NULL, NULL, err) < 0)
			goto fail;
		a->child_stage[i] = 2;
		if (child_alter(a, a->lock, i, tmp.buf, c->name, c->to_ghost,
				err) < 0)
			goto fail;
		a->child_stage[i] = 3;
	}
	a->res->children_ms = clock_ms_f() - t0;
	verbose("cut-over: %zu foreign key%s of other tables moved to `%s` "
		"in %.0f ms", o->children_nr, o->children_nr > 1 ? "s" : "",
		o->ghost, a->res->children_ms);
	goto out;
fail:
	{
		unsigned int code = db_errno(a->lock);

		st = db_error_is_transient(code) || db_error_is_disconnect(code)
			     ? ATTEMPT_RETRY
			     : ATTEMPT_FATAL;
	}
out:
	strbuf_release(&tmp);
	return st;
}

/*
 * The children's foreign keys back to t, each from the step it reached,
 * on `db` (L while it holds them, else T). 0, or -1 with err.
 */
static int restore_children(struct attempt *a, struct db *db,
			    struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf tmp = STRBUF_INIT;
	int ret = -1;
	size_t i;

	for (i = 0; a->child_stage && i < o->children_nr; i++) {
		const struct cutover_child_fk *c = &o->children[i];

		tmp_constraint_name(&tmp, a, "rfk", i);
		switch (a->child_stage[i]) {
		case 3:	/* the name to the ghost */
			if (child_alter(a, db, i, NULL, tmp.buf, c->to_table,
					err) < 0 ||
			    child_alter(a, db, i, c->name, NULL, NULL, err) < 0 ||
			    child_alter(a, db, i, tmp.buf, c->name, c->to_table,
					err) < 0)
				goto out;
			break;
		case 2:	/* only the temporary one, to the ghost */
			if (child_alter(a, db, i, tmp.buf, c->name, c->to_table,
					err) < 0)
				goto out;
			break;
		case 1:	/* both */
			if (child_alter(a, db, i, tmp.buf, NULL, NULL, err) < 0)
				goto out;
			break;
		}
		if (a->child_stage[i])
			verbose("cut-over: foreign key `%s` of `%s`.`%s` "
				"references `%s` again", c->name, c->schema,
				c->table, o->table);
		a->child_stage[i] = 0;
	}
	ret = 0;
out:
	strbuf_release(&tmp);
	return ret;
}

static int children_moved(const struct attempt *a)
{
	size_t i;

	for (i = 0; a->child_stage && i < a->o->children_nr; i++)
		if (a->child_stage[i])
			return 1;
	return 0;
}

/*
 * Put the triggers back on t after an attempt that did not swap: off the
 * ghost on `gdb`, then (from the original text) on t on `tdb`, which is
 * L while it still holds t, else T. All of a group must be created again
 * in order, so when only some were dropped the rest go too. 0, or -1
 * with err (the state says what is left).
 */
static int restore_triggers(struct attempt *a, struct db *gdb,
			    struct db *tdb, struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	size_t i;

	while (a->trg_created) {
		if (trg_drop(a, gdb, o->triggers[a->trg_created - 1].name, 1,
			     err) < 0)
			return -1;
		a->trg_created--;
	}
	/* The ghost has none: replaying into it is safe again. */
	trg_hold(a, 0);
	if (!a->trg_dropped)
		return 0;
	if (tdb == a->lock && use_schema(a, tdb, err) < 0)
		return -1;
	if (!a->trg_back) {
		for (i = a->trg_dropped; i < o->triggers_nr; i++)
			if (trg_drop(a, tdb, o->triggers[i].name, 1, err) < 0)
				return -1;
		a->trg_dropped = o->triggers_nr;
	}
	for (i = a->trg_back; i < o->triggers_nr; i++) {
		if (trg_create(a, tdb, &o->triggers[i],
			       o->triggers[i].create_on_table, o->table,
			       err) < 0)
			return -1;
		a->trg_back = i + 1;
	}
	a->trg_dropped = a->trg_back = 0;
	verbose("cut-over: the triggers are back on `%s`", o->table);
	return 0;
}

/*
 * Whether R is out of the way for a restore under L's lock: never sent,
 * or ended (killed). An R that still waits renames once L lets go, and
 * then the triggers belong on the ghost, which becomes t.
 */
static int rename_settled(struct attempt *a)
{
	double until = clock_ms_f() + 2000;

	if (!a->rename.started)
		return 1;
	while (!atomic_load(&a->rename.done) && clock_ms_f() < until)
		clock_sleep_ms(5);
	return atomic_load(&a->rename.done) && a->rename.rc != 0;
}

/*
 * After an attempt: if it swapped, the triggers are where they belong
 * (they moved with the ghost); if not and they are not back on t yet (L
 * was lost), put them back now, over T, and say for how long writers
 * could run without them.
 */
static void settle_triggers(struct attempt *a, int swapped)
{
	struct strbuf err = STRBUF_INIT;

	if (!swapped && children_moved(a)) {
		if (trg_conn(a, &err) < 0 || restore_children(a, a->trg, &err) < 0)
			error("cut-over: the foreign keys of other tables that "
			      "referenced `%s`.`%s` could not be pointed back at "
			      "it: %s; see SHOW CREATE TABLE of each child",
			      a->o->schema, a->o->table, err.buf);
		strbuf_reset(&err);
	}
	if (swapped && a->child_stage)
		memset(a->child_stage, 0, a->o->children_nr);
	if (swapped) {
		a->fk_stage = 0;
	} else if (a->fk_stage) {
		strbuf_reset(&err);
		if (trg_conn(a, &err) < 0 ||
		    restore_fks(a, a->trg, a->trg, &err) < 0)
			error("cut-over: the foreign keys of `%s`.`%s` could "
			      "not be put back: %s; add them again as SHOW "
			      "CREATE TABLE `%s`.`%s` shows them", a->o->schema,
			      a->o->table, err.buf, a->o->schema, a->o->old);
		else if (a->unlocked_ms > 0)
			warning("cut-over: the lock on `%s`.`%s` was lost while "
				"its foreign keys were moving; they were back "
				"%.0f ms after it",
				a->o->schema, a->o->table,
				clock_ms_f() - a->unlocked_ms);
	}
	strbuf_reset(&err);
	if (swapped) {
		a->trg_dropped = a->trg_created = a->trg_back = 0;
	} else if (a->trg_dropped || a->trg_created) {
		double gap_from = a->unlocked_ms;

		if (trg_conn(a, &err) < 0 ||
		    restore_triggers(a, a->trg, a->trg, &err) < 0) {
			size_t i;

			error("cut-over: the triggers of `%s`.`%s` could not be "
			      "put back: %s", a->o->schema, a->o->table,
			      err.buf);
			for (i = a->trg_back; i < a->trg_dropped; i++)
				error("cut-over: trigger `%s`.`%s` is missing; "
				      "create it again with: %s", a->o->schema,
				      a->o->triggers[i].name,
				      a->o->triggers[i].create_on_table);
		} else if (gap_from > 0) {
			warning("cut-over: the lock on `%s`.`%s` was lost while "
				"its triggers were moving; they were back %.0f "
				"ms after it: writes in that time did not fire "
				"them",
				a->o->schema, a->o->table,
				clock_ms_f() - gap_from);
		}
	}
	trg_hold(a, 0);
	strbuf_release(&err);
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
	/* The triggers back on t before writers can see it (cutover.h). */
	if ((a->trg_dropped || a->trg_created || a->fk_stage ||
	     children_moved(a)) && a->locked && a->lock &&
	    rename_settled(a)) {
		struct db *g = a->res->method == CUTOVER_LOCK_RENAME
				       ? a->lock : NULL;

		if (!g && trg_conn(a, &err) == 0)
			g = a->trg;
		if (!g || restore_triggers(a, g, a->lock, &err) < 0)
			verbose("cut-over: cannot put the triggers back under "
				"the lock: %s", err.buf);
		strbuf_reset(&err);
		if (g && restore_fks(a, g, a->lock, &err) < 0)
			verbose("cut-over: cannot put the foreign keys back "
				"under the lock: %s", err.buf);
		strbuf_reset(&err);
		if (restore_children(a, a->lock, &err) < 0)
			verbose("cut-over: cannot point the other tables' "
				"foreign keys back under the lock: %s", err.buf);
		strbuf_reset(&err);
	}
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
	db_close(a->trg);
	a->trg = NULL;
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
	if (fn == a->o->catch_up &&
	    cutover_catch_up_conn(a->res->method) == CUTOVER_CONN_LOCK)
		cc.replay_conn = a->lock;
	rc = fn(a->o->ctx, &cc, err);
	if (rc == 0)
		return ATTEMPT_SWAPPED;	/* i.e. go on */
	if (!err->len)
		strbuf_addstr(err, "the caller gave up");
	return rc > 0 ? ATTEMPT_RETRY : ATTEMPT_FATAL;
}

/*
 * Run a statement that may wait long on a lock (LOCK TABLES waits up to
 * lock_wait_timeout) from a thread of its own, polling the caller's
 * should_stop meanwhile: a SIGTERM during a stalled cut-over must end the
 * run now, not once the wait times out (with --cut-over-lock-timeout=60s
 * osc took 58 s to exit). When asked to stop, C kills the statement
 * (KILL QUERY), which then fails with 1317. Returns db_exec()'s result;
 * db's errno is the statement's.
 */
static int exec_stoppable(struct attempt *a, struct db *db, const char *sql,
			  struct strbuf *err)
{
	struct rename_job job;
	int stopped = 0;

	if (!a->o->should_stop)
		return db_exec(db, sql, err);
	memset(&job, 0, sizeof(job));
	job.db = db;
	job.sql = (char *)sql;
	strbuf_init(&job.err, 0);
	if (rename_start(&job, err) < 0) {
		strbuf_release(&job.err);
		return -1;
	}
	while (!atomic_load(&job.done)) {
		if (!stopped && a->o->should_stop(a->o->ctx)) {
			struct strbuf kerr = STRBUF_INIT;
			unsigned long id = db_thread_id(db);

			stopped = 1;
			verbose("cut-over: stopping: killing the waiting "
				"statement (connection %lu)", id);
			if (db_execf(a->ctl, &kerr, "KILL QUERY %lu", id) < 0) {
				strbuf_reset(&kerr);
				if (db_reconnect(a->ctl, &kerr) < 0 ||
				    db_execf(a->ctl, &kerr, "KILL QUERY %lu",
					     id) < 0)
					warning("cut-over: cannot stop the "
						"waiting statement: %s",
						kerr.buf);
			}
			strbuf_release(&kerr);
		}
		clock_sleep_ms(20);
	}
	rename_join(&job);
	if (job.rc < 0) {
		strbuf_addbuf(err, &job.err);
		if (stopped)
			strbuf_addstr(err, " (stopped)");
	}
	strbuf_release(&job.err);
	return job.rc;
}

static enum attempt_status lock_tables(struct attempt *a, const char *second,
				       struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT;
	enum attempt_status st = ATTEMPT_SWAPPED;
	size_t i;

	strbuf_addstr(&sql, "LOCK TABLES ");
	add_table(&sql, o, o->table);
	strbuf_addstr(&sql, " WRITE, ");
	add_table(&sql, o, second);
	strbuf_addstr(&sql, " WRITE");
	/* The children, each once: their ALTERs need them (cutover.h). */
	for (i = 0; i < o->children_nr; i++) {
		const struct cutover_child_fk *c = &o->children[i];
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(o->children[j].schema, c->schema) &&
			    !strcmp(o->children[j].table, c->table))
				break;
		if (j < i)
			continue;
		strbuf_addstr(&sql, ", ");
		quote_qualified(&sql, c->schema, c->table);
		strbuf_addstr(&sql, " WRITE");
	}
	a->lock_sent_ms = clock_ms_f();
	if (exec_stoppable(a, a->lock, sql.buf, err) < 0) {
		a->unlocked_ms = clock_ms_f();
		st = db_error_is_transient(db_errno(a->lock)) ||
				     db_error_is_disconnect(db_errno(a->lock))
			     ? ATTEMPT_RETRY
			     : ATTEMPT_FATAL;
	} else {
		a->locked = 1;
		a->locked_ms = clock_ms_f();
		verbose("cut-over: `%s` locked by connection %lu after %.0f ms",
			o->table, db_thread_id(a->lock),
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

/*
 * Galera: an applier thread (user 'system user') waiting for a metadata
 * lock while L holds t is a change made on another node that waits for
 * t (measured on 10.11.19: state "Waiting for table metadata lock", the
 * change's statement in INFO). Swapping now would leave it to land in
 * the old table after the unlock: the attempt fails instead.
 */
static const char SQL_GALERA_WAITING_APPLIERS[] =
    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
    "USER = 'system user' AND STATE LIKE 'Waiting for table metadata lock%'";

static enum attempt_status galera_foreign_waits(struct attempt *a,
						struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	unsigned long long n = 0;

	if (db_query_u64(a->ctl, SQL_GALERA_WAITING_APPLIERS, &n, err) < 0)
		return ATTEMPT_RETRY;
	if (!n)
		return ATTEMPT_SWAPPED;
	strbuf_addf(err,
		    "table `%s`.`%s` is written on several Galera nodes (a "
		    "change from another node waits for the cut-over lock); "
		    "osc needs a single writer node: send the table's writes "
		    "to the node osc runs on, and run it again",
		    o->schema, o->table);
	return ATTEMPT_RETRY;
}

static enum attempt_status attempt_sentry(struct attempt *a, int attempt_no,
					  struct strbuf *err)
{
	const struct cutover_opts *o = a->o;
	struct strbuf sql = STRBUF_INIT;
	enum attempt_status st = ATTEMPT_RETRY;

	if (open_connections(a, 1, err) < 0)
		goto fail;

	/* Galera: the sentry is this node's alone (cutover.h). */
	if (o->galera &&
	    (db_session_set(a->lock, "wsrep_on", "OFF", err) < 0 ||
	     db_session_set(a->ctl, "wsrep_on", "OFF", err) < 0)) {
		strbuf_addstr(err, " (osc sets wsrep_on=OFF for its cut-over "
			      "sessions on a Galera node: it needs SUPER)");
		st = ATTEMPT_FATAL;
		goto fail;
	}

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
	if (binlog_server_position(a->lock, &a->res->position, err) < 0)
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

	/* 2b. Foreign keys and triggers move to the ghost (cutover.h). */
	st = move_children(a, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = move_fks(a, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = move_triggers(a, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = ATTEMPT_RETRY;

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
	if (o->galera) {
		st = galera_foreign_waits(a, err);
		if (st != ATTEMPT_SWAPPED)
			goto fail;
		st = ATTEMPT_RETRY;
	}
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "DROP TABLE ");
	add_table(&sql, o, o->old);
	a->drop_sent = 1;
	if (db_exec(a->lock, sql.buf, err) < 0)
		goto fail;
	a->sentry_created = 0;
	st = call_back(a, attempt_no, o->before_rename, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = ATTEMPT_RETRY;
	/*
	 * With the sentry gone, a RENAME sent after L's death would run at
	 * once over writes made to t since (a stopped osc whose L hit its
	 * wait_timeout): L must be alive when R is sent. From then on the
	 * server grants R before the writers queued on t, also when L's
	 * connection closes (DESIGN.md 5).
	 */
	if (lock_alive(a, "before the rename", err) < 0)
		goto fail;

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
	if (binlog_server_position(a->lock, &a->res->position, err) < 0)
		goto fail;
	st = call_back(a, attempt_no, o->catch_up, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = move_children(a, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = move_fks(a, err);
	if (st != ATTEMPT_SWAPPED)
		goto fail;
	st = move_triggers(a, err);
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
				if (a.trg_created)
					strbuf_addf(err, " (the table's "
						    "triggers were moved to "
						    "`%s`)", o->ghost);
				trg_hold(&a, 0);
				strbuf_release(&cerr);
				ret = CUTOVER_UNKNOWN;
				close_connections(&a);
				goto out;
			}
			strbuf_release(&cerr);
			st = swapped ? ATTEMPT_SWAPPED : ATTEMPT_RETRY;
		}
		if (st != ATTEMPT_EARLY)
			settle_triggers(&a, st == ATTEMPT_SWAPPED);
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
	free(a.child_stage);
	strbuf_release(&last);
	return ret;
}
