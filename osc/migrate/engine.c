/*
 * engine.c: the phase machine of a migration (see engine.h).
 *
 *   ghost      CREATE ... LIKE + ALTER on the ghost, the plan, data checks
 *   stream     changelog table, the binlog position P, the applier
 *              replaying every change on the table committed after P,
 *              the heartbeat into the changelog
 *   copy       INSERT IGNORE ... SELECT per chunk of the shared key, on a
 *              connection of its own: a consistent read in READ COMMITTED
 *              (no locks on t) when the ghost has no other unique key,
 *              else LOCK IN SHARE MODE
 *   catch-up   wait until the applier has replayed up to the server's
 *              current position
 *   cut-over   osc/cutover/cutover.c: lock, replay up to the locked position,
 *              atomic RENAME; then check in the binlog that no write
 *              slipped in before the RENAME
 *   cleanup    drop the changelog, drop the old table unless asked not to
 *
 * Why the result is exact is DESIGN.md section 4: rows changed after P are
 * replayed in commit order with their full images, rows not changed after
 * P are copied as they are, and the copy never overwrites a replayed row.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/migrate/engine.h"
#include "osc/migrate/recover.h"
#include "binlog/binlog.h"
#include "chunker/chunker.h"
#include "osc/replay/applier.h"
#include "osc/migrate/checkpoint.h"
#include "osc/migrate/cleanup.h"
#include "osc/migrate/resume.h"
#include "osc/migrate/verify.h"
#include "osc/cutover/cutover.h"
#include "osc/migrate/engine-ops.h"
#include "osc/migrate/engine-throttle-internal.h"
#include "osc/ops/progress.h"
#include "throttle/throttle.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <time.h>
#include <unistd.h>

struct engine {
	struct osc_run *run;
	struct osc_applier *applier;
	struct throttle_heartbeat *heartbeat;
	struct osc_throttle *throttle;
	struct db *copy_conn;
	struct progress *progress;
	struct engine_ops *ops;	/* status, socket, hooks, flags */
	struct progress_rate rate;
	struct progress_status st;
	uint64_t start_ms;
	uint64_t rows_copied;
	int copy_done;		/* rows_copied is the table's row count */
	const char *phase;
	struct strbuf qtable;	/* `db`.`t` for messages */
	/* The copy statement, split around its range predicate. */
	struct strbuf copy_prefix;
	struct strbuf copy_suffix;
	/* The copier's duplicate-key rules (chunk_copy_opts). */
	struct strbuf copy_missing;
	const char **absorbed_keys;
	size_t absorbed_keys_nr;
	const char **checked_keys;
	size_t checked_keys_nr;
	struct chunk_key_column *key_cols;
	struct chunk_key key;
	unsigned int catch_up_timeout_ms;
	char *failure;		/* set by callbacks that cannot return it */
	uint64_t lock_checked_ms; /* the last lock_lost() round trip */
	/* The copy reads without locks (lockless_copy_ok()). */
	int lockless;
	/* The server's binlog head, polled for the backlog. */
	struct binlog_pos head;
	uint64_t head_polled_ms;
	/*
	 * Checkpoints (checkpoint()): the copy's low-water mark, the rows
	 * earlier runs copied (a resume), the plan's fingerprint, when the
	 * last one was written.
	 */
	struct chunk_bound low;
	uint64_t rows_base;
	struct osc_checkpoint_fingerprint fp;
	uint64_t checkpoint_ms;
	int checkpoint_warned;
	uint64_t checkpoints;	/* written by this run */
	int paused_at_rows;	/* test_pause_at_rows() */
	uint64_t copy_ms;	/* how long this run's copy took */
	struct osc_verify_result verify;
};

/* How often a checkpoint is written while the run goes on. */
#define CHECKPOINT_INTERVAL_MS 2000

/* How often the progress reads the server's binlog head. */
#define HEAD_POLL_MS 1000

/*
 * Bytes of binary log between `from` and `to`: within one file the
 * difference, across files the rest of `from`'s file, the files between
 * and `to`'s offset (SHOW BINARY LOGS gives the sizes). -1 when unknown.
 */
static int64_t binlog_distance(struct db *db, const struct binlog_pos *from,
			       const struct binlog_pos *to)
{
	struct strbuf err = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int64_t total = -1, sum = 0;
	int in_range = 0, r;

	if (!strcmp(from->file, to->file))
		return to->pos >= from->pos ? (int64_t)(to->pos - from->pos) : 0;
	if (binlog_pos_cmp(from, to) > 0)
		return 0;
	if (db_query(db, "SHOW BINARY LOGS", &res, &err) < 0)
		goto out;
	while ((r = db_result_next(res, &row, &err)) == 1) {
		int64_t size;

		if (row.ncols < 2 || !row.values[0] || !row.values[1])
			continue;
		size = strtoll(row.values[1], NULL, 10);
		if (!strcmp(row.values[0], from->file)) {
			in_range = 1;
			sum += size > (int64_t)from->pos
				       ? size - (int64_t)from->pos : 0;
		} else if (!strcmp(row.values[0], to->file)) {
			if (in_range)
				total = sum + (int64_t)to->pos;
			break;
		} else if (in_range) {
			sum += size;
		}
	}
out:
	db_result_free(res);
	strbuf_release(&err);
	return total;
}

/*
 * The backlog: how far the replay is behind the server's binary log, in
 * bytes (the server's head, read at most every HEAD_POLL_MS on the main
 * connection, or a heartbeat's position when newer, minus the applied
 * position) and in time (0 when caught up, else now minus the timestamp
 * of the last event the applier read: seconds behind, as a replica's
 * Seconds_Behind_Master). Both stay known once the applier runs: a busy
 * stream sends no heartbeats, so they alone left it unknown (issue 15).
 */
static void fill_backlog(struct engine *e, const struct osc_applier_stats *as)
{
	struct binlog_pos head = e->head;
	int64_t bytes;

	if (!e->applier) {
		e->st.backlog_bytes = -1;
		e->st.backlog_ms = -1;
		return;
	}
	if (!e->head_polled_ms ||
	    clock_ms() - e->head_polled_ms >= HEAD_POLL_MS) {
		struct strbuf err = STRBUF_INIT;

		if (binlog_server_position(e->run->pf->db, &head, &err) == 0)
			e->head = head;
		else
			verbose("backlog: %s", err.buf);
		e->head_polled_ms = clock_ms();
		strbuf_release(&err);
	}
	head = e->head;
	if (as->server.pos && binlog_pos_cmp(&as->server, &head) > 0)
		head = as->server;
	if (!head.pos) {
		e->st.backlog_bytes = -1;
		e->st.backlog_ms = -1;
		return;
	}
	bytes = binlog_pos_cmp(&as->applied, &head) >= 0
			? 0 : binlog_distance(e->run->pf->db, &as->applied, &head);
	e->st.backlog_bytes = bytes;
	e->st.backlog_ms = bytes == 0 ? 0 : as->lag_ms > 0 ? as->lag_ms : 0;
}

static void show_progress(struct engine *e, int force)
{
	struct osc_applier_stats as;

	if (!e->progress)
		return;		/* released */
	memset(&as, 0, sizeof(as));
	if (e->applier)
		osc_applier_stats(e->applier, &as);
	e->st.database = e->run->pf->table.db;
	e->st.table = e->run->pf->table.table;
	e->st.phase = e->phase;
	e->st.rows_copied = e->rows_copied;
	e->st.rows_estimate = e->copy_done ? e->rows_copied
					   : e->run->pf->table.rows_estimate;
	e->st.events_applied = as.rows;
	e->st.elapsed_ms = clock_ms() - e->start_ms;
	e->st.verify_chunks = e->verify.chunks;
	e->st.verify_rows = e->verify.rows;
	e->st.verify_repaired = e->verify.repaired;
	e->st.verify_ms = (uint64_t)e->verify.elapsed_ms;
	progress_rate_add(&e->rate, clock_ms(), e->rows_copied);
	e->st.rows_per_second = progress_rate_get(&e->rate);
	fill_backlog(e, &as);
	osc_throttle_fill_status(e->throttle, &e->st);
	engine_ops_report(e->ops, &e->st, force);
}

static int checkpoint(struct engine *e, int force);
static void test_pause_at_rows(struct engine *e);

static void set_phase(struct engine *e, const char *phase)
{
	e->phase = phase;
	verbose("phase: %s", phase);
	show_progress(e, 0);
	checkpoint(e, 1);
}

/*
 * Test hook (documented in osc(1) ENVIRONMENT as test-only, like
 * OSC_TEST_PAUSE_MS in main.c): OSC_TEST_PAUSE_AT=POINT:MS sleeps MS
 * milliseconds once when the run reaches POINT ("copy-chunk": after the
 * first chunk; "cut-over-locked": in the cut-over's catch-up, with the
 * table locked; "cleanup": after the swap, before the changelog and the
 * old table are dropped), so that a test can signal or kill the process
 * or a connection there.
 * A signal, a failure of the applier, or the file named by
 * OSC_TEST_RESUME_FILE coming into existence ends the pause early (a test
 * resumes the run once it has done its harm, without a timing guess).
 */
static void test_pause_at(struct engine *e, const char *point)
{
	const char *env = getenv("OSC_TEST_PAUSE_AT");
	const char *resume = getenv("OSC_TEST_RESUME_FILE");
	size_t n = strlen(point);
	long ms;

	if (!env || strncmp(env, point, n) || env[n] != ':')
		return;
	ms = strtol(env + n + 1, NULL, 10);
	if (ms <= 0)
		return;
	fprintf(stderr, "osc: test pause at %s for %ld ms "
		"(OSC_TEST_PAUSE_AT)\n", point, ms);
	fflush(stderr);
	for (; ms > 0 && !cleanup_should_stop() &&
	       !osc_applier_failed(e->applier, NULL) &&
	       !(resume && *resume && access(resume, F_OK) == 0);
	     ms -= 20) {
		struct timespec ts = { 0, 20 * 1000000L };

		nanosleep(&ts, NULL);
	}
}

/*
 * The same hook at OSC_TEST_PAUSE_AT=copy-rows-N:MS: once, after the
 * first chunk that brings the rows copied (a resume's earlier rows
 * included) to N or more, once a checkpoint has been written for it.
 */
static void test_pause_at_rows(struct engine *e)
{
	static const char pre[] = "copy-rows-";
	const char *env = getenv("OSC_TEST_PAUSE_AT");
	unsigned long long n;
	char *end, *point;

	if (e->paused_at_rows || !env || strncmp(env, pre, sizeof(pre) - 1))
		return;
	n = strtoull(env + sizeof(pre) - 1, &end, 10);
	if (*end != ':' || e->rows_copied < n)
		return;
	e->paused_at_rows = 1;
	checkpoint(e, 1);
	point = xstrndup(env, (size_t)(end - env));
	test_pause_at(e, point);
	free(point);
}

/* ---- the copy ------------------------------------------------------- */

static int key_kind(const struct ddl_column *c, enum chunk_key_kind *kind)
{
	static const char *const numeric[] = {
		"tinyint", "smallint", "mediumint", "int", "bigint", "decimal",
	};
	static const char *const string[] = {
		"char", "varchar", "binary", "varbinary",
	};
	static const char *const temporal[] = {
		"date", "time", "datetime", "timestamp", "year",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(numeric); i++)
		if (!strcmp(c->type.base, numeric[i])) {
			*kind = CHUNK_KEY_NUMERIC;
			return 0;
		}
	for (i = 0; i < ARRAY_SIZE(string); i++)
		if (!strcmp(c->type.base, string[i])) {
			*kind = CHUNK_KEY_STRING;
			return 0;
		}
	for (i = 0; i < ARRAY_SIZE(temporal); i++)
		if (!strcmp(c->type.base, temporal[i])) {
			*kind = CHUNK_KEY_TEMPORAL;
			return 0;
		}
	/* In the index's order, their numbers (chunker.h). */
	if (!strcmp(c->type.base, "enum") || !strcmp(c->type.base, "set")) {
		*kind = CHUNK_KEY_ENUM;
		return 0;
	}
	return -1;
}

/*
 * May the copy read the source without locks (DESIGN.md 4)? Only when
 * the ghost has no unique key but the shared key and the ALTER adds no
 * unique check: a chunk's row read before a writer's change can then only
 * clash with a replayed row on the shared key, which INSERT IGNORE skips
 * as expected; a stale row clashing on another unique key would be a
 * warning that fails the copy (a false alarm, but a failed run).
 */
static int lockless_copy_ok(const struct ddl_plan *p)
{
	size_t i;

	/* A widened key deletes before each write: keep the locks there. */
	if (p->unique_checks_nr || !p->key_ghost_index || p->key_ghost_wider)
		return 0;
	for (i = 0; i < p->ghost.indexes_nr; i++) {
		const struct ddl_index *x = &p->ghost.indexes[i];

		if ((x->kind == DDL_INDEX_PRIMARY ||
		     x->kind == DDL_INDEX_UNIQUE) &&
		    strcasecmp(x->name, p->key_ghost_index))
			return 0;
	}
	return 1;
}

static int prepare_copy(struct engine *e, struct strbuf *err)
{
	const struct osc_table_facts *t = &e->run->pf->table;
	const struct ddl_plan *p = &e->run->plan;
	static const char lock_clause[] = " LOCK IN SHARE MODE";
	struct strbuf sql = STRBUF_INIT;
	size_t i, n = strlen(lock_clause);

	e->key_cols = xcalloc(p->key_nr, sizeof(*e->key_cols));
	for (i = 0; i < p->key_nr; i++) {
		const struct ddl_column *c =
			&p->source.columns[p->key[i].source_ordinal];

		e->key_cols[i].name = p->key[i].source_name;
		if (key_kind(c, &e->key_cols[i].kind) < 0) {
			strbuf_addf(err,
				    "key column `%s` of %s is of type %s, "
				    "which osc cannot chunk on yet; use a "
				    "table whose primary key is integer, "
				    "decimal, string, temporal, enum or set",
				    c->name, e->qtable.buf, c->type.base);
			goto fail;
		}
		if (e->key_cols[i].kind == CHUNK_KEY_STRING &&
		    !c->type.binary_attr)
			e->key_cols[i].charset = c->type.charset;
		if (e->key_cols[i].kind == CHUNK_KEY_ENUM) {
			e->key_cols[i].enum_max = chunk_key_enum_max(
				!strcmp(c->type.base, "set"),
				c->type.values_nr);
			if (!e->key_cols[i].enum_max) {
				strbuf_addf(err,
					    "key column `%s` of %s is an %s of "
					    "%zu members, more than osc can "
					    "chunk on (%llu values); use "
					    "another key",
					    c->name, e->qtable.buf,
					    c->type.base, c->type.values_nr,
					    CHUNK_KEY_ENUM_MAX);
				goto fail;
			}
		}
	}
	e->key.schema = t->db;
	e->key.table = t->table;
	e->key.index = p->key_source_index;
	e->key.ncols = p->key_nr;
	e->key.cols = e->key_cols;
	if (chunk_key_check(&e->key, err) < 0)
		goto fail;
	/* The whole-table statement, cut around where the range goes. */
	if (ddl_build_copy_chunk(&sql, p, t->db, t->table, t->ghost_name, NULL,
				 false, NULL, false, err) < 0)
		goto fail;
	if (sql.len < n || strcmp(sql.buf + sql.len - n, lock_clause))
		BUG("copy statement does not end with LOCK IN SHARE MODE");
	strbuf_add(&e->copy_prefix, sql.buf, sql.len - n);
	/*
	 * Lockless: in READ COMMITTED, INSERT ... SELECT reads the source as
	 * a consistent read and takes no lock on it (InnoDB manual, "Locks
	 * Set by Different SQL Statements"), so writers never wait on a
	 * chunk; the applier closes the race this opens (applier.c).
	 */
	e->lockless = lockless_copy_ok(p);
	if (!e->lockless)
		strbuf_addstr(&e->copy_suffix, lock_clause);
	verbose("copy: %s", e->lockless ? "consistent reads without locks "
					  "(READ COMMITTED)"
					: "LOCK IN SHARE MODE (the ghost has "
					  "another unique key)");
	/*
	 * A duplicate on a ghost unique key the source guarantees is a row
	 * the applier wrote first (or a stale image of one it will
	 * rewrite): absorbed. One on a key the ALTER adds or narrows is
	 * absorbed only when the ghost holds that very source row.
	 */
	e->absorbed_keys = xcalloc(p->ghost.indexes_nr + 1,
				   sizeof(*e->absorbed_keys));
	e->checked_keys = xcalloc(p->unique_checks_nr + 1,
				  sizeof(*e->checked_keys));
	for (i = 0; i < p->unique_checks_nr; i++)
		e->checked_keys[e->checked_keys_nr++] =
			p->unique_checks[i].index_name;
	for (i = 0; i < p->ghost.indexes_nr; i++) {
		const struct ddl_index *g = &p->ghost.indexes[i];
		size_t j;
		bool checked = false;

		if (g->kind != DDL_INDEX_PRIMARY &&
		    g->kind != DDL_INDEX_UNIQUE)
			continue;
		for (j = 0; j < p->unique_checks_nr && !checked; j++)
			checked = !strcasecmp(g->name,
					      p->unique_checks[j].index_name);
		if (!checked)
			e->absorbed_keys[e->absorbed_keys_nr++] = g->name;
	}
	if (e->checked_keys_nr &&
	    ddl_build_copy_missing(&e->copy_missing, p, t->db, t->table,
				   t->ghost_name, err) < 0)
		goto fail;
	strbuf_release(&sql);
	return 0;
fail:
	strbuf_release(&sql);
	return -1;
}

/*
 * The run's GET_LOCK lives on the main connection, idle through the copy.
 * Once a second (from the loops' stop checks) ask the server whether that
 * connection still holds it: the round trip keeps the connection busy
 * against an idle kill (a proxy's, a server's wait_timeout), and a lost
 * connection or lock is noticed at once. Two runs must never work on one
 * table, so a run that lost its lock stops (exit 1, cleaned up) instead
 * of taking it again: another run may have taken it meanwhile, and
 * nothing can tell. Before the swap only; e->failure says why.
 */
static int lock_lost_check(struct engine *e, int force)
{
	const char *name = e->run->pf->table.lock_name;
	struct strbuf sql = STRBUF_INIT, val = STRBUF_INIT,
		      why = STRBUF_INIT;
	int is_null = 1, r;
	uint64_t now;

	if (e->failure)
		return 1;
	if (!e->run->lock_held || !name)
		return 0;
	now = clock_ms();
	if (!force && e->lock_checked_ms && now - e->lock_checked_ms < 1000)
		return 0;
	e->lock_checked_ms = now;
	strbuf_addstr(&sql, "SELECT IS_USED_LOCK(");
	quote_sql_string(&sql, name, strlen(name));
	strbuf_addstr(&sql, ") = CONNECTION_ID()");
	r = db_query_value(e->run->pf->db, sql.buf, &val, &is_null, &why);
	if (r != 1 || is_null || strcmp(val.buf, "1")) {
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "the main connection, which holds the lock "
			    "'%s' that keeps other osc runs off %s, %s; "
			    "stopping, since another run could now start on "
			    "the table", name, e->qtable.buf,
			    r < 0 ? "was lost" : "no longer holds it");
		if (why.len)
			strbuf_addf(&msg, " (%s)", why.buf);
		e->failure = strbuf_detach(&msg, NULL);
		e->run->lock_held = 0;
	}
	strbuf_release(&sql);
	strbuf_release(&val);
	strbuf_release(&why);
	return e->failure != NULL;
}

static int lock_lost(struct engine *e)
{
	return lock_lost_check(e, 0);
}

/* Before an instant ALTER: nothing but the run itself can fail yet. */
static int instant_should_stop(void *ctx)
{
	struct engine *e = ctx;

	return cleanup_should_stop() || lock_lost(e) ||
	       engine_ops_should_stop(e->ops);
}

/*
 * Record a checkpoint (checkpoint.h) when one is due: every
 * CHECKPOINT_INTERVAL_MS, or now with `force` (a phase change). Called on
 * the main thread between chunks only, so no chunk is in flight and
 * e->low is the end of the last chunk whose commit completed (the copier
 * runs one chunk at a time, in key order).
 *
 * The position is the applier's committed one (osc_applier_stats), read
 * through osc_applier_wait_for(), which also waits until no removal of a
 * lockless copy is left to delete again: such a removal was replayed
 * while a chunk below e->low was in flight and sits before the position,
 * so a resume would neither replay it nor delete the stale row again.
 * If that takes longer than a moment the checkpoint waits for the next
 * chance rather than record a position it cannot vouch for.
 *
 * Only while the run owns the table's lock, and not after the swap. A
 * failed write is a warning (once): the run goes on, and a resume would
 * start from the last checkpoint written.
 */
static int checkpoint(struct engine *e, int force)
{
	const struct osc_table_facts *t = &e->run->pf->table;
	struct osc_applier_stats as;
	struct osc_checkpoint c;
	struct strbuf err = STRBUF_INIT;
	int ret = -1;

	if (!e->applier || !e->fp.version || !e->phase ||
	    (strcmp(e->phase, "copy") && strcmp(e->phase, "verify") &&
	     strcmp(e->phase, "catch-up") && strcmp(e->phase, "cut-over")))
		return -1;
	if (!force && clock_ms() - e->checkpoint_ms < CHECKPOINT_INTERVAL_MS)
		return -1;
	e->checkpoint_ms = clock_ms();
	if (lock_lost(e) || osc_applier_failed(e->applier, NULL))
		return -1;
	memset(&as, 0, sizeof(as));
	osc_applier_stats(e->applier, &as);
	if (osc_applier_wait_for(e->applier, &as.applied, force ? 5000 : 250,
				 &err) != 0) {
		verbose("checkpoint: not now: the replay has removals to "
			"delete again first%s%s", err.len ? ": " : "",
			err.buf);
		strbuf_release(&err);
		return -1;
	}
	osc_checkpoint_init(&c);
	c.phase = xstrdup(e->phase);
	c.copy_done = e->copy_done;
	chunk_bound_copy(&c.low, &e->low);
	c.applied = as.applied;
	c.rows_copied = e->rows_copied;
	c.server_id = e->run->pf->server.server_id;
	c.written_us = throttle_wall_us();
	c.alter = xstrdup(e->run->alter_text);
	c.fp = e->fp;
	c.fp.version = xstrdup(e->fp.version);
	if (osc_checkpoint_write(e->run->pf->db, t->db, t->changelog_name, &c,
				 &err) < 0) {
		if (!e->checkpoint_warned)
			warning("checkpoint: cannot record it in `%s`: %s; the "
				"run goes on, a resume would start from an "
				"older one", t->changelog_name, err.buf);
		e->checkpoint_warned = 1;
	} else {
		debug("checkpoint: %s, %" PRIu64 " rows, replayed up to "
		      "%s:%" PRIu64, c.phase, c.rows_copied, c.applied.file,
		      c.applied.pos);
		e->checkpoints++;
		ret = 0;
	}
	osc_checkpoint_release(&c);
	strbuf_release(&err);
	return ret;
}

static int copy_should_stop(void *ctx)
{
	struct engine *e = ctx;

	return cleanup_should_stop() || lock_lost(e) ||
	       osc_applier_failed(e->applier, NULL) ||
	       engine_ops_should_stop(e->ops) ||
	       osc_throttle_aborted(e->throttle, NULL);
}

/* Throttled, or paused by the user; the status stays fresh meanwhile. */
static int copy_should_pause(void *ctx)
{
	struct engine *e = ctx;
	int pause = osc_throttle_should_pause(e->throttle, e->rows_copied);

	pause = engine_ops_should_pause(e->ops) || pause;

	if (pause) {
		show_progress(e, 0);
		/* Between chunks: a long pause keeps the position fresh. */
		checkpoint(e, 0);
	}
	return pause;
}

static unsigned long long copy_next_chunk_rows(void *ctx,
					       unsigned long long rows)
{
	return engine_ops_next_chunk_rows(((struct engine *)ctx)->ops, rows);
}

static void refresh_progress(void *ctx)
{
	show_progress(ctx, 0);
	checkpoint(ctx, 0);
}

static void copy_on_chunk(void *ctx, const struct chunk_progress *cp)
{
	struct engine *e = ctx;

	e->rows_copied = e->rows_base + cp->rows_total;
	/* The chunk has committed: every row up to its end is copied. */
	if (cp->upper && cp->upper->nvalues)
		chunk_bound_copy(&e->low, cp->upper);
	osc_throttle_on_chunk(e->throttle, cp);
	show_progress(e, 0);
	checkpoint(e, 0);
	if (cp->chunks == 1)
		test_pause_at(e, "copy-chunk");
	test_pause_at_rows(e);
}

static void copy_chunk_begin(void *ctx)
{
	osc_applier_chunk_begin(((struct engine *)ctx)->applier);
}

static void copy_chunk_end(void *ctx)
{
	osc_applier_chunk_end(((struct engine *)ctx)->applier);
}

/*
 * chunk_copy_opts.wait_replayed: until the applier has replayed what the
 * server has logged at the time of the call (one round of catch_up()).
 */
static int copy_wait_replayed(void *ctx, struct strbuf *err)
{
	struct engine *e = ctx;
	struct binlog_pos pos;
	int rc;

	if (binlog_server_position(e->run->pf->db, &pos, err) < 0)
		return -1;
	do {
		if (cleanup_should_stop() || engine_ops_should_stop(e->ops)) {
			strbuf_addstr(err, "interrupted during the copy");
			return -1;
		}
		if (lock_lost(e)) {
			strbuf_addstr(err, e->failure);
			return -1;
		}
		rc = osc_applier_wait_for(e->applier, &pos, 1000, err);
		show_progress(e, 0);
	} while (rc > 0);
	return rc;
}

static int run_copy(struct engine *e, struct strbuf *err)
{
	const struct osc_options *o = e->run->opts;
	struct chunk_copy_opts co;
	struct chunk_copy_result res = CHUNK_COPY_RESULT_INIT;
	int rc;

	memset(&co, 0, sizeof(co));
	co.key = &e->key;
	co.prefix = e->copy_prefix.buf;
	co.suffix = e->copy_suffix.buf;
	{
		const struct osc_table_facts *t = &e->run->pf->table;
		uint64_t row_bytes =
			t->rows_estimate ? t->data_bytes / t->rows_estimate : 0;

		uint64_t ws_rows;

		osc_throttle_copy_sizing(o, row_bytes, &co);
		if (!o->chunk_rows_fixed && co.max_rows < o->chunk_rows_max)
			info("copy: rows of about %" PRIu64 " bytes: at most "
			     "%llu rows per chunk (--chunk-size-max-bytes)",
			     row_bytes, co.max_rows);
		/*
		 * Galera: a chunk is one writeset; it must stay under
		 * wsrep_max_ws_rows and wsrep_max_ws_size (half of each).
		 */
		ws_rows = osc_galera_max_chunk_rows(&e->run->pf->galera,
						    row_bytes ? row_bytes
							      : 1024);
		if (ws_rows) {
			int capped = 0;

			if (co.chunk_rows > ws_rows) {
				co.chunk_rows = ws_rows;
				capped = 1;
			}
			if (co.max_rows > ws_rows) {
				co.max_rows = ws_rows;
				capped = 1;
			}
			if (co.min_rows > co.max_rows)
				co.min_rows = co.max_rows;
			if (capped)
				info("copy: at most %" PRIu64 " rows per chunk "
				     "(half of wsrep_max_ws_rows=%" PRIu64
				     " / wsrep_max_ws_size=%" PRIu64 ")",
				     ws_rows, e->run->pf->galera.max_ws_rows,
				     e->run->pf->galera.max_ws_size);
		}
	}
	/* Read each chunk's warnings: INSERT IGNORE turns a value the ghost
	 * cannot hold into a warning and a silent change. */
	co.ghost_key_name = e->run->plan.key_ghost_index;
	co.absorbed_keys = e->absorbed_keys;
	co.absorbed_keys_nr = e->absorbed_keys_nr;
	co.checked_keys = e->checked_keys;
	co.checked_keys_nr = e->checked_keys_nr;
	co.missing_prefix = e->copy_missing.len ? e->copy_missing.buf : NULL;
	/* Deadlocks with the applier are normal under load. */
	co.attempts = 100;
	co.should_stop = copy_should_stop;
	co.should_pause = copy_should_pause;
	co.next_chunk_rows = copy_next_chunk_rows;
	co.on_chunk = copy_on_chunk;
	co.wait_replayed = copy_wait_replayed;
	if (e->lockless) {
		/*
		 * Through db_session_set() so that a reconnect restores it
		 * (util/db.h); MariaDB before 11.1 names it tx_isolation.
		 */
		const char *var = e->run->pf->server.flavor == OSC_FLAVOR_MYSQL
					  ? "transaction_isolation"
					  : "tx_isolation";

		if (db_session_set(e->copy_conn, var, "'READ-COMMITTED'",
				   err) < 0)
			return -1;
		co.on_chunk_begin = copy_chunk_begin;
		co.on_chunk_end = copy_chunk_end;
	}
	co.ctx = e;
	/* A resumed copy goes on after the checkpoint's low-water mark. */
	if (e->low.nvalues) {
		co.start_after = &e->low;
		info("resume: the copy goes on after the checkpoint's "
		     "low-water mark (%" PRIu64 " rows copied before)",
		     e->rows_base);
	}
	rc = chunk_copy_run(e->copy_conn, &co, &res, err);
	e->rows_copied = e->rows_base + res.rows_copied;
	verbose("copy: %llu rows in %llu chunks, %llu statements retried",
		res.rows_copied, res.chunks, res.retries);
	chunk_copy_result_release(&res);
	if (rc == 1) {
		if (e->failure)
			strbuf_addstr(err, e->failure);
		else if (!osc_applier_failed(e->applier, err) &&
		    !osc_throttle_aborted(e->throttle, err))
			strbuf_addstr(err, "interrupted during the copy");
		return -1;
	}
	return rc;
}

/* ---- verify (verify.h) ----------------------------------- */

/* Until the applier has replayed up to `pos`, checking for a stop. */
static int verify_wait_applied(void *ctx, const struct binlog_pos *pos,
			       struct strbuf *err)
{
	struct engine *e = ctx;
	int rc;

	do {
		if (cleanup_should_stop() || engine_ops_should_stop(e->ops)) {
			strbuf_addstr(err, "interrupted during verify");
			return -1;
		}
		if (lock_lost(e)) {
			strbuf_addstr(err, e->failure);
			return -1;
		}
		rc = osc_applier_wait_for(e->applier, pos, 1000, err);
		show_progress(e, 0);
	} while (rc > 0);
	return rc;
}

/* Throttled or paused like the copy. */
static int verify_should_pause(void *ctx)
{
	struct engine *e = ctx;
	int pause = osc_throttle_should_pause_verify(e->throttle,
						     e->verify.rows);

	pause = engine_ops_should_pause(e->ops) || pause;
	if (pause)
		refresh_progress(e);
	return pause;
}

static void verify_on_chunk(void *ctx)
{
	struct engine *e = ctx;

	e->st.verify_started = 1;
	refresh_progress(e);
}

/*
 * --verify: compare the table and the ghost before the cut-over, repair
 * what differs (--verify-repair). Returns 1 when the table was compared,
 * 0 when verify is off or cannot run on this plan (said, never silent),
 * -1 with err.
 */
static int run_verify(struct engine *e, struct strbuf *err)
{
	const struct osc_options *o = e->run->opts;
	const struct osc_table_facts *t = &e->run->pf->table;
	struct osc_verify_opts vo;
	struct chunk_copy_opts sizing;
	struct strbuf what = STRBUF_INIT;
	int rc;

	if (!o->verify) {
		info("verify: off (--no-verify): the ghost is not compared "
		     "with the table before the cut-over");
		return 0;
	}
	if (!osc_verify_describe(&e->run->plan, &what)) {
		warning("verify: %s", what.buf);
		strbuf_release(&what);
		return 0;
	}
	set_phase(e, "verify");
	info("verify: %s", what.buf);
	memset(&sizing, 0, sizeof(sizing));
	osc_throttle_copy_sizing(o,
				 t->rows_estimate ? t->data_bytes /
							    t->rows_estimate
						  : 0,
				 &sizing);
	memset(&vo, 0, sizeof(vo));
	vo.dbopts = &e->run->pf->dbopts;
	vo.plan = &e->run->plan;
	vo.db = t->db;
	vo.table = t->table;
	vo.ghost = t->ghost_name;
	vo.key = &e->key;
	vo.copy_prefix = e->copy_prefix.buf;
	vo.copy_suffix = e->copy_suffix.buf;
	vo.chunk_rows = sizing.chunk_rows;
	vo.chunk_time_ms = sizing.chunk_time_ms;
	vo.min_rows = sizing.min_rows;
	vo.max_rows = sizing.max_rows;
	vo.repair = o->verify_repair;
	vo.mysql = e->run->pf->server.flavor == OSC_FLAVOR_MYSQL;
	vo.should_stop = copy_should_stop;
	vo.should_pause = verify_should_pause;
	vo.wait_applied = verify_wait_applied;
	vo.on_chunk = verify_on_chunk;
	vo.ctx = e;
	e->st.verify_started = 1;
	rc = osc_verify_run(&vo, &e->verify, err);
	show_progress(e, 1);
	if (rc == 1) {
		if (e->failure)
			strbuf_addstr(err, e->failure);
		else if (!osc_applier_failed(e->applier, err) &&
			 !osc_throttle_aborted(e->throttle, err))
			strbuf_addstr(err, "interrupted during verify");
	}
	if (rc) {
		strbuf_release(&what);
		return -1;
	}
	strbuf_reset(&what);
	if (e->copy_ms)
		strbuf_addf(&what, "%.0f%% of the copy's %.1f s",
			    100.0 * e->verify.elapsed_ms / (double)e->copy_ms,
			    (double)e->copy_ms / 1000.0);
	else
		strbuf_addstr(&what, "the copy was done by an earlier run");
	info("verify: %" PRIu64 " rows in %llu chunks equal in %.1f s (%s); "
	     "%llu chunk%s differed and %s copied again",
	     (uint64_t)e->verify.rows, e->verify.chunks,
	     e->verify.elapsed_ms / 1000.0, what.buf, e->verify.repaired,
	     e->verify.repaired == 1 ? "" : "s",
	     e->verify.repaired == 1 ? "was" : "were");
	strbuf_release(&what);
	return 1;
}

/* ---- catch-up and cut-over ------------------------------------------ */

/*
 * Wait until the applier has replayed everything the server has logged:
 * take the server's position, wait until the applier reaches it (however
 * long that takes, checking for signals every second), and again with a
 * fresh position until one round is quick, so the backlog left for the
 * cut-over's lock is small. A moving target re-read every second would
 * never be reached while writers keep the applier busy.
 */
static int catch_up(struct engine *e, struct strbuf *err)
{
	struct binlog_pos pos;
	uint64_t round_start;
	int rc, rounds = 0;

	for (;;) {
		round_start = clock_ms();
		if (binlog_server_position(e->run->pf->db, &pos, err) < 0)
			return -1;
		do {
			if (cleanup_should_stop()) {
				strbuf_addstr(err, "interrupted while catching "
						   "up");
				return -1;
			}
			if (engine_ops_should_stop(e->ops))
				return -1;
			if (lock_lost(e)) {
				strbuf_addstr(err, e->failure);
				return -1;
			}
			rc = osc_applier_wait_for(e->applier, &pos, 1000, err);
			show_progress(e, 0);
			checkpoint(e, 0);
		} while (rc > 0);
		if (rc < 0)
			return -1;
		rounds++;
		/*
		 * A quick round means the backlog is small. A writer that
		 * keeps the server busy can hold the single applier at its
		 * own pace: after a few rounds go on anyway; under the
		 * cut-over's lock the writers wait and the applier finishes
		 * the rest alone (or the attempt times out and is retried).
		 */
		if (clock_ms() - round_start < 500 || rounds >= 3)
			return 0;
	}
}

static int record_cutover(struct engine *e, const struct binlog_pos *pos,
			  struct strbuf *err)
{
	const struct osc_table_facts *t = &e->run->pf->table;
	struct strbuf sql = STRBUF_INIT, why = STRBUF_INIT;
	int ret;

	ret = osc_cutover_record_sql(&sql, t->db, t->changelog_name, pos, &why);
	if (!ret)
		ret = db_exec(e->run->pf->db, sql.buf, &why);
	if (ret < 0)
		strbuf_addf(err, "cannot record the cut-over in the changelog: "
				 "%s", why.buf);
	strbuf_release(&sql);
	strbuf_release(&why);
	return ret;
}

static int cutover_catch_up(void *ctx, const struct cutover_catch_up *cc,
			    struct strbuf *err)
{
	struct engine *e = ctx;
	struct binlog_pos pos;
	uint64_t t0;
	int rc;

	test_pause_at(e, "cut-over-locked");
	pos = cc->position;
	t0 = clock_ms();
	/*
	 * MySQL 8's rename under LOCK TABLES: L holds the ghost, so the
	 * replay runs on L (cutover_catch_up_conn), and L is taken back
	 * before the cut-over uses it again, whatever the outcome.
	 */
	if (cc->replay_conn)
		osc_applier_lend(e->applier, cc->replay_conn);
	rc = osc_applier_wait_for(e->applier, &pos, e->catch_up_timeout_ms,
				  err);
	if (cc->replay_conn)
		osc_applier_lend(e->applier, NULL);
	if (rc < 0)
		return -1;
	verbose("cut-over: replay reached %s:%llu in %llu ms", pos.file,
		(unsigned long long)pos.pos,
		(unsigned long long)(clock_ms() - t0));
	/* A signal while t is locked: release it, never swap after. */
	if (cleanup_should_stop()) {
		strbuf_addstr(err, "interrupted during the cut-over");
		return -1;
	}
	if (rc > 0) {
		verbose("cut-over: replay did not reach %s:%llu within %u ms; "
			"releasing the lock and trying again",
			pos.file, (unsigned long long)pos.pos,
			e->catch_up_timeout_ms);
		return 1;
	}
	/*
	 * R is sent next: record where t was locked, so that a run that
	 * dies from here on leaves the next run what it needs to check the
	 * swap (recover.h). Without the record, no swap.
	 */
	if (record_cutover(e, &pos, err) < 0)
		return 1;
	/* From here a RENAME of the table in the binlog is ours. */
	osc_applier_expect_rename(e->applier, 1);
	return 0;
}

static void cutover_own_ddl(void *ctx, unsigned long thread_id)
{
	struct engine *e = ctx;

	osc_applier_own_ddl(e->applier, thread_id);
}

static void cutover_hold_replay(void *ctx, int on)
{
	struct engine *e = ctx;

	osc_applier_hold(e->applier, on);
}

/*
 * The table's triggers as the cut-over moves them: each statement as the
 * server stored it, and the same with its ON clause naming the ghost.
 * The texts are owned by `texts` (one strbuf per trigger).
 */
static int build_cutover_triggers(struct engine *e,
				  struct cutover_trigger **out,
				  struct strbuf **texts, struct strbuf *err)
{
	const struct osc_table_facts *t = &e->run->pf->table;
	size_t i;

	*out = NULL;
	*texts = NULL;
	if (!t->triggers_nr)
		return 0;
	*out = xcalloc(t->triggers_nr, sizeof(**out));
	*texts = xcalloc(t->triggers_nr, sizeof(**texts));
	for (i = 0; i < t->triggers_nr; i++) {
		const struct osc_trigger *tr = &t->triggers[i];
		struct cutover_trigger *ct = &(*out)[i];

		strbuf_init(&(*texts)[i], 0);
		if (ddl_trigger_retarget(&(*texts)[i], tr->statement,
					 &tr->text, t->db,
					 t->ghost_name) < 0) {
			strbuf_addf(err, "cannot name the ghost in trigger `%s`",
				    tr->name);
			return -1;
		}
		ct->name = tr->name;
		ct->create_on_ghost = (*texts)[i].buf;
		ct->create_on_table = tr->statement;
		ct->sql_mode = tr->sql_mode;
		ct->client_charset = tr->client_charset;
		ct->connection_collation = tr->connection_collation;
	}
	return 0;
}

/* A foreign key of the table that references the table itself. */
static int fk_is_self(const struct osc_table_facts *t,
		      const struct ddl_constraint *c)
{
	struct strbuf q = STRBUF_INIT;
	int self;

	if (!c->ref_table)
		return 0;
	strbuf_addf(&q, "%s.%s", t->db, t->table);
	self = !strcmp(c->ref_table, t->table) || !strcmp(c->ref_table, q.buf);
	strbuf_release(&q);
	return self;
}

/*
 * The table's foreign keys as the cut-over moves them (names borrowed;
 * the definitions in `texts`, one per constraint of the source): one
 * that references the table itself references the ghost on the ghost
 * (the RENAME then makes it follow the ghost to t).
 */
static struct cutover_fk *build_cutover_fks(struct engine *e, size_t *nr,
					    struct strbuf **texts,
					    struct strbuf *err)
{
	const struct ddl_table *src = &e->run->source;
	const struct osc_table_facts *t = &e->run->pf->table;
	struct cutover_fk *fks;
	size_t i;

	*nr = 0;
	fks = xcalloc(src->constraints_nr + 1, sizeof(*fks));
	*texts = xcalloc(src->constraints_nr + 1, sizeof(**texts));
	for (i = 0; i < src->constraints_nr; i++) {
		const struct ddl_constraint *c = &src->constraints[i];
		struct strbuf *text = &(*texts)[i];

		strbuf_init(text, 0);
		if (c->kind != DDL_CONSTRAINT_FOREIGN_KEY || !c->name)
			continue;
		if (fk_is_self(t, c)) {
			if (ddl_fk_retarget(text, c->text, t->db, t->ghost_name,
					    err) < 0)
				return fks;
		} else {
			strbuf_addstr(text, c->text);
		}
		fks[*nr].name = c->name;
		fks[(*nr)++].definition = text->buf;
	}
	return fks;
}

/*
 * The foreign keys of other tables that reference the table, pointed at
 * the ghost and back (texts: two per child, owned by the caller).
 */
static struct cutover_child_fk *build_cutover_children(struct engine *e,
						       struct strbuf **texts,
						       struct strbuf *err)
{
	const struct osc_table_facts *t = &e->run->pf->table;
	struct cutover_child_fk *ch;
	size_t i;

	ch = xcalloc(t->fk_referencing_nr + 1, sizeof(*ch));
	*texts = xcalloc(2 * t->fk_referencing_nr + 1, sizeof(**texts));
	for (i = 0; i < 2 * t->fk_referencing_nr; i++)
		strbuf_init(&(*texts)[i], 0);
	for (i = 0; i < t->fk_referencing_nr; i++) {
		const struct osc_child_fk *c = &t->children[i];

		if (!c->definition ||
		    ddl_fk_retarget(&(*texts)[2 * i], c->definition, t->db,
				    t->ghost_name, err) < 0 ||
		    ddl_fk_retarget(&(*texts)[2 * i + 1], c->definition, t->db,
				    t->table, err) < 0)
			return ch;
		ch[i].schema = c->schema;
		ch[i].table = c->table;
		ch[i].name = c->name;
		ch[i].to_ghost = (*texts)[2 * i].buf;
		ch[i].to_table = (*texts)[2 * i + 1].buf;
	}
	return ch;
}

/* The sentry is gone, R not yet sent (tests pause here). */
static int cutover_before_rename(void *ctx, const struct cutover_catch_up *cc,
				 struct strbuf *err)
{
	(void)cc;
	(void)err;
	test_pause_at(ctx, "cut-over-dropped");
	return 0;
}

/* R waits on L's lock: the last moment before the swap (tests pause). */
static int cutover_before_unlock(void *ctx, const struct cutover_catch_up *cc,
				 struct strbuf *err)
{
	(void)cc;
	(void)err;
	test_pause_at(ctx, "cut-over-renaming");
	return 0;
}

static int cutover_should_stop(void *ctx)
{
	struct engine *e = ctx;

	show_progress(e, 0);
	return cleanup_should_stop() || lock_lost(e) ||
	       osc_applier_failed(e->applier, NULL) ||
	       engine_ops_should_stop(e->ops);
}

/* ---- cleanup of the run's tables ------------------------------------ */

static int drop_table(struct engine *e, const char *name, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addstr(&sql, "DROP TABLE IF EXISTS ");
	osc_run_qname(&sql, e->run, name);
	ret = db_exec(e->run->pf->db, sql.buf, err);
	strbuf_release(&sql);
	return ret;
}

/*
 * After the swap: drop `name` (the changelog, the old table) whose undo
 * is `*handle` on the cleanup stack. The main connection first; if that
 * fails (it was killed, a proxy dropped it), the undo on a connection of
 * its own. When that fails too the entry stays on the stack: the final
 * cleanup tries once more and names what is left with its DROP.
 */
static int drop_after_swap(struct engine *e, const char *name, int *handle,
			   struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;

	if (drop_table(e, name, &why) < 0) {
		warning("cleanup: cannot drop `%s` on the main connection: "
			"%s; trying on a new connection", name, why.buf);
		if (*handle < 0) {
			strbuf_addbuf(err, &why);
			strbuf_release(&why);
			return -1;
		}
		strbuf_reset(&why);
		if (cleanup_run_entry(*handle, &why) < 0) {
			strbuf_addf(err, "cannot drop `%s`: %s", name, why.buf);
			strbuf_release(&why);
			return -1;
		}
	} else if (*handle >= 0) {
		cleanup_pop(*handle);
	}
	*handle = -1;
	strbuf_release(&why);
	return 0;
}

static void engine_release(struct engine *e)
{
	if (e->applier)
		osc_applier_stop(e->applier);
	e->applier = NULL;
	if (e->heartbeat)
		throttle_heartbeat_stop(e->heartbeat);
	e->heartbeat = NULL;
	db_close(e->copy_conn);
	e->copy_conn = NULL;
	if (e->progress) {
		progress_done(e->progress);
		progress_free(e->progress);
	}
	e->progress = NULL;
	FREE_AND_NULL(e->key_cols);
	FREE_AND_NULL(e->absorbed_keys);
	FREE_AND_NULL(e->checked_keys);
	engine_ops_set_throttler(e->ops, NULL);
	osc_throttle_free(e->throttle);
	e->throttle = NULL;
}

/*
 * The applier from the server's current position: before the first chunk
 * is copied (DESIGN.md 4: every change after it is replayed).
 */
/*
 * The applier, from `from` (a resume's checkpoint) or, when NULL, from
 * the server's position now.
 */
static int start_applier(struct engine *e, const struct binlog_pos *from,
			 struct strbuf *err)
{
	struct osc_run *run = e->run;
	struct osc_table_facts *t = &run->pf->table;
	struct binlog_pos start;
	struct osc_applier_config ac = {
		.plan = &run->plan,
		.db = t->db,
		.table = t->table,
		.ghost = t->ghost_name,
		.dbopts = &run->pf->dbopts,
		.lower_case_table_names = run->pf->server.lower_case_table_names,
		.lockless_copy = e->lockless,
		.galera_server_id = run->pf->galera.on
					    ? (uint32_t)run->pf->server.server_id
					    : 0,
	};

	if (from)
		start = *from;
	else if (binlog_server_position(run->pf->db, &start, err) < 0)
		return -1;
	verbose("binlog: replaying changes after %s:%llu", start.file,
		(unsigned long long)start.pos);
	e->applier = osc_applier_start(&ac, &start, err);
	return e->applier ? 0 : -1;
}

/*
 * --instant=auto|only, when the ghost took the ALTER instantly: the same
 * ALTER on the table, ALGORITHM=INSTANT, after the cut-over gate (a
 * postpone flag or hook holds it as it holds a swap). Returns 0 when the
 * table was altered, 1 when the copy is to run instead (auto, and the
 * server refused for the table what it took for the ghost), -1 with err.
 */
static int run_instant(struct engine *e, double *blocked_ms,
		       struct strbuf *err)
{
	struct osc_run *run = e->run;
	struct strbuf sql = STRBUF_INIT;
	int rc;

	set_phase(e, "instant");
	if (engine_ops_cut_over_gate(e->ops, refresh_progress,
				     instant_should_stop, e, err) < 0)
		return -1;
	/* Not while a replica lags or the server is loaded (--max-lag...). */
	if (osc_throttle_wait(e->throttle, copy_should_stop, refresh_progress,
			      e, err) < 0)
		return -1;
	/*
	 * The applier would take the ALTER in the binary log for a
	 * concurrent DDL and fail: stop it first. Nothing is copied yet,
	 * so a fallback to the copy starts it again from the position of
	 * then with nothing missed.
	 */
	osc_applier_stop(e->applier);
	e->applier = NULL;
	test_pause_at(e, "instant");
	rc = osc_instant_apply(run, blocked_ms, err);
	if (rc <= 0)
		return rc;
	if (run->opts->instant == OSC_INSTANT_ONLY) {
		struct strbuf why = STRBUF_INIT;

		strbuf_addbuf(&why, err);
		strbuf_reset(err);
		strbuf_addf(err,
			    "--instant=only: the server refused "
			    "ALGORITHM=INSTANT for the table: %s; run without "
			    "--instant=only to copy it",
			    why.buf);
		strbuf_release(&why);
		return -1;
	}
	info("instant: the server refused ALGORITHM=INSTANT for %s (%s); "
	     "copying instead",
	     e->qtable.buf, err->buf);
	strbuf_reset(err);
	/*
	 * The stopped applier had replayed changes into the ghost, and those
	 * made between its stop and the new position are not replayed: a row
	 * it inserted may since have been deleted. Empty the ghost, so that
	 * the copy and the new applier build it as from the start.
	 */
	set_phase(e, "stream");
	/* No applier watched for a concurrent DDL meanwhile: look. */
	rc = osc_source_changed(run, err);
	if (rc != 0) {
		if (rc > 0)
			strbuf_addf(err, "the definition of %s changed during "
					 "the instant attempt: start again",
				    e->qtable.buf);
		return -1;
	}
	strbuf_addstr(&sql, "TRUNCATE TABLE ");
	osc_run_qname(&sql, run, run->pf->table.ghost_name);
	rc = db_exec(run->pf->db, sql.buf, err);
	strbuf_release(&sql);
	if (rc < 0)
		return -1;
	return start_applier(e, NULL, err) < 0 ? -1 : 1;
}

int osc_engine_run(struct osc_run *run)
{
	const struct osc_options *o = run->opts;
	struct osc_table_facts *t = &run->pf->table;
	struct engine eng, *e = &eng;
	struct strbuf err = STRBUF_INIT, sql = STRBUF_INIT;
	struct osc_checkpoint resume;
	struct cutover_opts co;
	struct cutover_result cres;
	struct progress_config pc = {
		PROGRESS_AUTO, (unsigned int)(o->status_interval_ms / 1000)
	};
	int status = OSC_EXIT_FAILED, n, rc, old_undo = -1;
	long slipped;
	struct cutover_trigger *triggers = NULL;
	struct cutover_fk *fks = NULL;
	struct cutover_child_fk *children = NULL;
	struct strbuf *fk_texts = NULL, *child_texts = NULL;
	struct strbuf *trigger_texts = NULL;
	size_t i;

	memset(e, 0, sizeof(*e));
	memset(&cres, 0, sizeof(cres));
	osc_checkpoint_init(&resume);
	e->run = run;
	e->start_ms = clock_ms();
	strbuf_init(&e->qtable, 0);
	strbuf_init(&e->copy_prefix, 0);
	strbuf_init(&e->copy_suffix, 0);
	strbuf_init(&e->copy_missing, 0);
	progress_rate_init(&e->rate);
	e->st = (struct progress_status)PROGRESS_STATUS_INIT;
	e->catch_up_timeout_ms = (unsigned int)o->cut_over_lock_timeout_ms;
	if (o->verbosity >= 0)
		e->progress = progress_new(&pc);
	else {
		pc.mode = PROGRESS_OFF;
		e->progress = progress_new(&pc);
	}
	osc_run_qname(&e->qtable, run, t->table);
	e->ops = engine_ops_start(run, e->progress, &err);
	if (!e->ops)
		goto fail;
	engine_ops_hook(e->ops, HOOK_ON_STARTUP);

	/* Throttling: which replicas to watch (before our binlog reader). */
	e->throttle = osc_throttle_new(run, &err);
	if (!e->throttle)
		goto fail;
	engine_ops_set_throttler(e->ops, osc_throttle_throttler(e->throttle));

	/* Phase 2: the ghost and the plan. */
	set_phase(e, "ghost");
	if (osc_run_take_lock(run, &err) < 0)
		goto fail;
	if (o->resume) {
		/* Nothing is ours until every check has passed. */
		if (osc_resume_open(run, &resume, &err) < 0)
			goto refuse;
		/* From here the run owns them, as a fresh run would. */
		run->ghost_undo = osc_push_drop_table(run, t->ghost_name);
		run->changelog_undo = osc_push_drop_table(run,
							  t->changelog_name);
		chunk_bound_copy(&e->low, &resume.low);
		e->rows_base = resume.rows_copied;
		e->rows_copied = resume.rows_copied;
		e->copy_done = resume.copy_done;
	} else if (osc_ghost_create(run, &err) < 0) {
		goto fail;
	}
	osc_run_fingerprint(run, &e->fp);
	n = osc_ghost_check_data(run, &err);
	if (n < 0)
		goto fail;
	if (n > 0) {
		strbuf_addf(&err, "%d data check%s failed; nothing was changed",
			    n, n > 1 ? "s" : "");
		goto fail;
	}
	info("preflight: all checks passed");
	for (n = 0; n < (int)run->plan.risks_nr; n++)
		if (run->plan.risks[n].severity >= DDL_SEV_WARNING)
			warning("%s", run->plan.risks[n].message);
	if (prepare_copy(e, &err) < 0)
		goto fail;
	engine_ops_hook(e->ops, HOOK_ON_VALIDATED);

	/* Phase 3: the changelog, the position, the applier. */
	set_phase(e, "stream");
	if (o->resume) {
		info("resume: replaying the changes after %s:%" PRIu64
		     " (the checkpoint's position)", resume.applied.file,
		     resume.applied.pos);
	} else {
		run->changelog_undo = osc_push_drop_table(run,
							  t->changelog_name);
		if (throttle_changelog_create_sql(&sql, t->db,
						  t->changelog_name,
						  &err) < 0 ||
		    db_exec(run->pf->db, sql.buf, &err) < 0)
			goto fail;
	}
	if (start_applier(e, o->resume ? &resume.applied : NULL, &err) < 0)
		goto fail;
	e->heartbeat = throttle_heartbeat_start(
		&run->pf->dbopts, t->db, t->changelog_name,
		(unsigned int)o->heartbeat_interval_ms, &err);
	if (!e->heartbeat || osc_throttle_start(e->throttle, &err) < 0)
		goto fail;
	e->copy_conn = db_connect(&run->pf->dbopts, "copy", NULL, &err);
	if (!e->copy_conn)
		goto fail;

	/* --instant: no copy at all when the server can ALTER in place. */
	if (o->instant != OSC_INSTANT_NEVER && run->instant_ok) {
		if (o->no_drop_old_table) {
			info("instant: not used: --no-drop-old-table keeps "
			     "the original table, so the table is copied");
		} else {
			rc = run_instant(e, &cres.blocked_ms, &err);
			if (rc < 0)
				goto fail;
			if (rc == 0) {
				engine_release(e);
				if (osc_ghost_drop(run, &err) < 0 ||
				    drop_after_swap(e, t->changelog_name,
						    &run->changelog_undo,
						    &err) < 0)
					goto fail_after_swap;
				run->outcome.instant = 1;
				run->outcome.swapped = 1;
				info("done: %s migrated instantly "
				     "(ALGORITHM=INSTANT, no copy); writers "
				     "blocked %.0f ms, %.1f s in all",
				     e->qtable.buf, cres.blocked_ms,
				     (double)(clock_ms() - e->start_ms) /
					     1000.0);
				status = OSC_EXIT_OK;
				goto out;
			}
		}
	}

	/* Phase 4: the copy (the applier replays meanwhile). */
	set_phase(e, "copy");
	if (e->copy_done)
		info("resume: the checkpoint's copy was complete");
	else {
		uint64_t copy_start = clock_ms();

		if (run_copy(e, &err) < 0)
			goto fail;
		e->copy_ms = clock_ms() - copy_start;
	}
	e->copy_done = 1;
	checkpoint(e, 1);
	show_progress(e, 1);
	info("copy: %" PRIu64 " rows copied into %s", e->rows_copied,
	     t->ghost_name);
	engine_ops_hook(e->ops, HOOK_ON_ROW_COPY_COMPLETE);
	/* --postpone-cut-over-flag-file, on-before-cut-over. */
	if (engine_ops_cut_over_gate(e->ops, refresh_progress,
				     copy_should_stop, e, &err) < 0)
		goto fail;
	/*
	 * Phase 5: catch up, compare the table and the ghost (the replay
	 * goes on), catch up again after verify's time; then swap, never
	 * while throttled. Caught up first, so that verify's chunks find a
	 * short backlog while they hold their locks.
	 */
	for (n = 0; n < 2; n++) {
		set_phase(e, "catch-up");
		do {
			if (osc_throttle_wait(e->throttle, copy_should_stop,
					      refresh_progress, e, &err) < 0 ||
			    catch_up(e, &err) < 0)
				goto fail;
		} while (osc_throttle_paused(e->throttle));
		if (n)
			break;
		rc = run_verify(e, &err);
		if (rc < 0)
			goto fail;
		if (!rc)
			break;	/* nothing ran: no time to catch up on */
	}
	set_phase(e, "cut-over");
	memset(&co, 0, sizeof(co));
	memset(&cres, 0, sizeof(cres));
	co.conn = &run->pf->dbopts;
	co.schema = t->db;
	co.table = t->table;
	co.ghost = t->ghost_name;
	co.old = t->old_name;
	co.method = CUTOVER_AUTO;
	co.lock_wait_timeout_s =
		(unsigned int)((o->cut_over_lock_timeout_ms + 999) / 1000);
	co.retries = (int)o->cut_over_retries;
	co.catch_up = cutover_catch_up;
	co.before_unlock = cutover_before_unlock;
	co.before_rename = cutover_before_rename;
	co.should_stop = cutover_should_stop;
	co.ctx = e;
	if (build_cutover_triggers(e, &triggers, &trigger_texts, &err) < 0)
		goto fail;
	fks = build_cutover_fks(e, &co.fks_nr, &fk_texts, &err);
	children = build_cutover_children(e, &child_texts, &err);
	if (err.len)
		goto fail;
	co.fks = fks;
	co.children = children;
	co.children_nr = t->fk_referencing_nr;
	co.triggers = triggers;
	co.triggers_nr = t->triggers_nr;
	co.own_ddl = cutover_own_ddl;
	co.hold_replay = cutover_hold_replay;
	co.galera = run->pf->galera.on;
	rc = cutover_run(&co, &cres, &err);
	if (rc == CUTOVER_UNKNOWN) {
		error("%s", err.buf);
		error("the cut-over did not finish cleanly: look at %s, "
		      "`%s` and `%s` before doing anything else",
		      e->qtable.buf, t->ghost_name, t->old_name);
		status = OSC_EXIT_CLEANUP_INCOMPLETE;
		run->outcome.uncertain = 1;
		goto out;
	}
	if (rc != CUTOVER_SWAPPED && run->pf->galera.on && e->applier) {
		/*
		 * Galera: another node's change to t that waited for L's lock
		 * makes the applier kill L (measured: "server has gone away"
		 * on L in the catch-up), and then reaches t. The applier's
		 * account of it is the reason, not the lost connection.
		 */
		struct binlog_pos head;
		struct strbuf why = STRBUF_INIT;

		if (binlog_server_position(run->pf->db, &head, &why) == 0 &&
		    osc_applier_wait_for(e->applier, &head, 5000, &why) < 0) {
			verbose("cut-over: %s", err.buf);
			strbuf_reset(&err);
			osc_applier_failed(e->applier, &err);
		}
		strbuf_release(&why);
	}
	if (rc != CUTOVER_SWAPPED)
		goto fail;
	run->outcome.swapped = 1;
	/* The ghost is the table now: never drop it. */
	engine_ops_swapped(e->ops);
	if (run->ghost_undo >= 0) {
		cleanup_pop(run->ghost_undo);
		run->ghost_undo = -1;
	}
	slipped = osc_applier_verify_rename(e->applier, 10000, &err);
	if (slipped != 0) {
		if (slipped > 0)
			error("%ld row change%s on %s reached the old table "
			      "after the cut-over lock was released and before "
			      "the RENAME: they are in `%s`, not in the new "
			      "table; the old table is kept so you can recover "
			      "them",
			      slipped, slipped > 1 ? "s" : "", e->qtable.buf,
			      t->old_name);
		else
			error("cannot confirm that no write slipped past the "
			      "cut-over: %s; the old table is kept as `%s`",
			      err.buf, t->old_name);
		strbuf_reset(&err);
		engine_release(e);
		drop_table(e, t->changelog_name, &err);
		/* Swapped, but not cleanly: not "failed, table untouched". */
		status = OSC_EXIT_CLEANUP_INCOMPLETE;
		run->outcome.uncertain = 1;
		goto out;
	}
	info("cut-over: swapped after %d attempt%s; writers waited %.0f ms",
	     cres.attempts, cres.attempts > 1 ? "s" : "", cres.blocked_ms);
	if (co.children_nr)
		info("cut-over: %zu foreign key%s of other tables pointed at "
		     "the new table in %.0f ms, under the lock",
		     co.children_nr, co.children_nr > 1 ? "s" : "",
		     cres.children_ms);
	if (co.fks_nr)
		info("cut-over: %zu foreign key%s moved to the new table in "
		     "%.0f ms, under the lock", co.fks_nr,
		     co.fks_nr > 1 ? "s" : "", cres.fks_ms);
	if (t->triggers_nr)
		info("cut-over: %zu trigger%s moved to the new table in %.0f "
		     "ms, under the lock", t->triggers_nr,
		     t->triggers_nr > 1 ? "s" : "", cres.triggers_ms);
	/*
	 * The old table is the run's to drop now (nothing slipped past the
	 * cut-over): on the stack, so that a failure, a signal or die() from
	 * here on still removes it, or names it with the DROP that does.
	 */
	if (!o->no_drop_old_table)
		old_undo = osc_push_drop_table(run, t->old_name);

	/* Phase 7: cleanup. */
	set_phase(e, "cleanup");
	test_pause_at(e, "cleanup");
	engine_release(e);
	if (drop_after_swap(e, t->changelog_name, &run->changelog_undo,
			    &err) < 0)
		goto fail_after_swap;
	if (!o->no_drop_old_table) {
		if (drop_after_swap(e, t->old_name, &old_undo, &err) < 0)
			goto fail_after_swap;
	} else {
		info("the original table is kept as `%s`.`%s`", t->db,
		     t->old_name);
	}
	info("done: %s migrated; %" PRIu64 " rows copied, %" PRIu64
	     " row changes replayed, writers blocked %.0f ms, %.1f s in all",
	     e->qtable.buf, e->rows_copied, e->st.events_applied,
	     cres.blocked_ms, (double)(clock_ms() - e->start_ms) / 1000.0);
	status = OSC_EXIT_OK;
	goto out;

fail_after_swap:
	/* The stack's entries name each table left and its DROP. */
	error("%s was migrated, but cleaning up failed: %s", e->qtable.buf,
	      err.buf);
	status = OSC_EXIT_CLEANUP_INCOMPLETE;
	goto out;
refuse:
	/* A resume that cannot go on: nothing was changed, nothing dropped. */
	error("%s", err.buf);
	status = OSC_EXIT_FAILED;
	goto out;
fail:
	strbuf_reset(&sql);
	/* A failure on the main connection may be the lost lock. */
	if (!e->failure && run->lock_held)
		lock_lost_check(e, 1);
	if (e->failure) {
		/* The lost lock, not what it made fail. */
		strbuf_reset(&err);
		strbuf_addstr(&err, e->failure);
	} else if (engine_ops_stop_reason(e->ops, &sql)) {
		/* A panic or --max-runtime: the reason, not its echo. */
		strbuf_reset(&err);
		strbuf_addbuf(&err, &sql);
	}
	if (!err.len && e->applier)
		osc_applier_failed(e->applier, &err);
	if (!err.len)
		strbuf_addstr(&err, "the migration failed");
	if (engine_ops_keep(e->ops) && !cleanup_interrupted() &&
	    run->ghost_undo >= 0 && run->changelog_undo >= 0 &&
	    (checkpoint(e, 1) == 0 || e->checkpoints || o->resume)) {
		/* panic --keep: the objects stay for a later --resume. */
		cleanup_pop(run->changelog_undo);
		cleanup_pop(run->ghost_undo);
		run->changelog_undo = run->ghost_undo = -1;
		strbuf_reset(&sql);
		osc_resume_afresh(&sql, run);
		error("%s; %s is unchanged; `%s` and `%s` are kept with the "
		      "checkpoint (%" PRIu64 " rows copied): go on with osc "
		      "--resume --execute %s.%s, or %s",
		      err.buf, e->qtable.buf, t->ghost_name, t->changelog_name,
		      e->rows_copied, t->db, t->table,
		      sql.buf + strlen("to start afresh: "));
		status = OSC_EXIT_FAILED;
		goto out;
	}
	if (engine_ops_keep(e->ops))
		warning("panic --keep: no checkpoint was recorded yet, so "
			"there is nothing to resume; dropping the run's "
			"tables");
	if (cleanup_interrupted())
		error("%s; stopping and cleaning up", err.buf);
	else
		error("%s; %s is unchanged", err.buf, e->qtable.buf);
	status = OSC_EXIT_FAILED;
out:
	run->outcome.rows_copied = e->rows_copied;
	run->outcome.changes_replayed = e->st.events_applied;
	run->outcome.cutover_blocked_ms = cres.blocked_ms;
	run->outcome.verified = e->st.verify_started;
	run->outcome.verify_chunks = e->verify.chunks;
	run->outcome.verify_rows = e->verify.rows;
	run->outcome.verify_repaired = e->verify.repaired;
	run->outcome.verify_ms = e->verify.elapsed_ms;
	engine_ops_finish(e->ops, status, err.buf);
	e->ops = NULL;
	engine_release(e);
	for (i = 0; trigger_texts && i < t->triggers_nr; i++)
		strbuf_release(&trigger_texts[i]);
	free(trigger_texts);
	free(triggers);
	free(fks);
	free(children);
	for (i = 0; fk_texts && i < run->source.constraints_nr; i++)
		strbuf_release(&fk_texts[i]);
	free(fk_texts);
	for (i = 0; child_texts && i < 2 * t->fk_referencing_nr; i++)
		strbuf_release(&child_texts[i]);
	free(child_texts);
	strbuf_release(&e->qtable);
	strbuf_release(&e->copy_prefix);
	strbuf_release(&e->copy_suffix);
	FREE_AND_NULL(e->failure);
	strbuf_release(&e->copy_missing);
	chunk_bound_release(&e->low);
	free(e->fp.version);
	osc_checkpoint_release(&resume);
	strbuf_release(&err);
	strbuf_release(&sql);
	return status;
}
