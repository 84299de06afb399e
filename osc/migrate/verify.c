/*
 * verify.c: --verify, chunk by chunk (verify.h says how and why
 * the comparison is exact; ddl/verify.c what a checksum compares).
 *
 * The chunk's locks are held while the applier catches up, so each chunk
 * first waits for the applier without locks (the backlog left for the
 * locked wait is then what was written in the last moment), and a chunk
 * is no larger than the copy's. Lock conflicts and deadlocks with writers
 * run the chunk's transaction again; so does a lost connection (nothing
 * of a rolled-back transaction stays).
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/migrate/verify.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/retry.h"
#include "util/wrapper.h"

#include <strings.h>
#include <unistd.h>

int osc_verify_describe(const struct ddl_plan *p, struct strbuf *out)
{
	struct strbuf se = STRBUF_INIT, ge = STRBUF_INIT, why = STRBUF_INIT;
	struct strbuf left = STRBUF_INIT;
	size_t i, n = 0, skipped = 0;
	int ok;

	ok = ddl_verify_key_ok(p, &why);
	if (!ok) {
		strbuf_addf(out, "cannot run: %s; the result is not "
				 "compared", why.buf);
		goto out;
	}
	for (i = 0; i < p->map_nr; i++) {
		strbuf_reset(&se);
		strbuf_reset(&ge);
		strbuf_reset(&why);
		if (ddl_verify_column(p, i, &se, &ge, &why) == 0) {
			n++;
			continue;
		}
		strbuf_addf(&left, "%s`%s`: %s", skipped++ ? "; " : "",
			    p->map[i].ghost_name, why.buf);
	}
	strbuf_addf(out, "%zu column%s compared chunk by chunk before the "
			 "cut-over",
		    n, n == 1 ? "" : "s");
	if (skipped)
		strbuf_addf(out, "; not compared: %s", left.buf);
out:
	strbuf_release(&se);
	strbuf_release(&ge);
	strbuf_release(&why);
	strbuf_release(&left);
	return ok;
}

static void verify_policy(struct retry_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->attempts = 100;
	p->reconnects = 10;
	p->wait_ms = 20;
	p->reconnect_wait_ms = 100;
	p->max_wait_ms = 1000;
}

/* One row of two numbers: COUNT(*) and the checksum, as text. */
static int checksum(struct db *db, const char *sql, struct strbuf *count,
		    struct strbuf *crc, struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	int rc;

	if (db_query(db, sql, &res, err) < 0)
		return -1;
	rc = db_result_next(res, &row, err);
	if (rc == 1 && row.ncols == 2 && row.values[0] && row.values[1]) {
		strbuf_reset(count);
		strbuf_reset(crc);
		strbuf_addstr(count, row.values[0]);
		strbuf_addstr(crc, row.values[1]);
		rc = 0;
	} else if (rc >= 0) {
		strbuf_addstr(err, "verify: the checksum query returned no "
				   "row");
		rc = -1;
	}
	db_result_free(res);
	return rc;
}

struct chunk_sql {
	struct strbuf source;	/* the table's checksum, locking */
	struct strbuf ghost;	/* the ghost's */
	struct strbuf del;	/* repair: the ghost's rows of the range */
	struct strbuf copy;	/* repair: the copier's statement */
	struct strbuf range;	/* the table's range, for messages */
};

enum chunk_outcome {
	CHUNK_EQUAL = 0,
	CHUNK_REPAIRED,	/* differed, copied again: compare again */
	CHUNK_DIFFERS,		/* differed; err says how */
};

/*
 * One transaction on the chunk: lock and checksum the table's rows, let
 * the applier reach the position, checksum the ghost's, compare; repair
 * when it differs and `repair` is set. Returns a chunk_outcome, *rows the
 * table's rows; -1 with err when a statement failed (the caller retries),
 * -2 when the wait for the applier failed (not retried).
 */
static int compare_chunk(struct db *db, const struct osc_verify_opts *o,
			 const struct chunk_sql *q, int repair,
			 unsigned long long *rows, struct strbuf *err)
{
	struct strbuf sc = STRBUF_INIT, sx = STRBUF_INIT;
	struct strbuf gc = STRBUF_INIT, gx = STRBUF_INIT;
	struct binlog_pos pos;
	int ret = -1;

	/* Without locks first: the locked wait is then short. */
	if (binlog_server_position(db, &pos, err) < 0)
		goto out;
	if (o->wait_applied(o->ctx, &pos, err) < 0) {
		ret = -2;
		goto out;
	}
	if (db_exec(db, "START TRANSACTION", err) < 0 ||
	    checksum(db, q->source.buf, &sc, &sx, err) < 0 ||
	    binlog_server_position(db, &pos, err) < 0)
		goto out;
	if (o->wait_applied(o->ctx, &pos, err) < 0) {
		ret = -2;
		goto out;
	}
	if (checksum(db, q->ghost.buf, &gc, &gx, err) < 0)
		goto out;
	*rows = strtoull(sc.buf, NULL, 10);
	if (!strcmp(sc.buf, gc.buf) && !strcmp(sx.buf, gx.buf)) {
		if (db_exec(db, "COMMIT", err) < 0)
			goto out;
		ret = CHUNK_EQUAL;
		goto out;
	}
	if (!repair) {
		strbuf_addf(err, "verify: the ghost differs from the table in "
				 "the key range %s: the table has %s rows "
				 "(checksum %s), the ghost %s (checksum %s)",
			    q->range.buf, sc.buf, sx.buf, gc.buf, gx.buf);
		ret = CHUNK_DIFFERS;
		goto out;
	}
	warning("verify: the ghost differs from the table in the key range "
		"%s (%s rows, checksum %s; the ghost %s, checksum %s): "
		"copying it again",
		q->range.buf, sc.buf, sx.buf, gc.buf, gx.buf);
	/* The table's rows are still locked: nothing changes meanwhile. */
	if (db_exec(db, q->del.buf, err) < 0 ||
	    db_exec(db, q->copy.buf, err) < 0 ||
	    db_exec(db, "COMMIT", err) < 0)
		goto out;
	ret = CHUNK_REPAIRED;
out:
	if (ret < 0 || ret == CHUNK_DIFFERS) {
		struct strbuf ignore = STRBUF_INIT;

		db_exec(db, "ROLLBACK", &ignore);
		strbuf_release(&ignore);
	}
	strbuf_release(&sc);
	strbuf_release(&sx);
	strbuf_release(&gc);
	strbuf_release(&gx);
	return ret;
}

/* compare_chunk(), again after a lock conflict or a lost connection. */
static int compare_retrying(struct db *db, const struct osc_verify_opts *o,
			    const struct chunk_sql *q, int repair,
			    unsigned long long *rows, struct strbuf *err)
{
	struct strbuf last = STRBUF_INIT;
	struct retry_policy policy;
	struct retry r;
	int rc;

	verify_policy(&policy);
	retry_init(&r, &policy);
	for (;;) {
		strbuf_reset(&last);
		rc = compare_chunk(db, o, q, repair, rows, &last);
		if (rc >= 0)
			break;
		if (rc == -2) {
			rc = -1;
			break;
		}
		if (!db_errno(db) || db_retry(db, db_errno(db), &r, &last) <= 0)
			break;
	}
	strbuf_addbuf(err, &last);
	strbuf_release(&last);
	return rc;
}

static void chunk_sql_release(struct chunk_sql *q)
{
	strbuf_release(&q->source);
	strbuf_release(&q->ghost);
	strbuf_release(&q->del);
	strbuf_release(&q->copy);
	strbuf_release(&q->range);
}

/* The statements of the chunk (lower, upper]. */
static int chunk_sql_build(struct chunk_sql *q, const struct osc_verify_opts *o,
			   const struct chunk_key *gkey, const char *src_head,
			   const char *ghost_head,
			   const struct chunk_bound *lower,
			   const struct chunk_bound *upper, struct strbuf *err)
{
	struct strbuf grange = STRBUF_INIT;
	int ret = -1;

	strbuf_reset(&q->source);
	strbuf_reset(&q->ghost);
	strbuf_reset(&q->del);
	strbuf_reset(&q->copy);
	strbuf_reset(&q->range);
	if (chunk_plan_range_sql(o->key, lower, upper, &q->range, err) < 0 ||
	    chunk_plan_range_sql(gkey, lower, upper, &grange, err) < 0)
		goto out;
	strbuf_addf(&q->source, "%s WHERE %s LOCK IN SHARE MODE", src_head,
		    q->range.buf);
	strbuf_addf(&q->ghost, "%s WHERE %s", ghost_head, grange.buf);
	strbuf_addstr(&q->del, "DELETE FROM ");
	quote_qualified(&q->del, o->db, o->ghost);
	strbuf_addf(&q->del, " WHERE %s", grange.buf);
	strbuf_addf(&q->copy, "%s WHERE %s%s", o->copy_prefix, q->range.buf,
		    o->copy_suffix);
	ret = 0;
out:
	strbuf_release(&grange);
	return ret;
}

int osc_verify_run(const struct osc_verify_opts *o,
		   struct osc_verify_result *r, struct strbuf *err)
{
	struct db *db = NULL;
	struct chunk_sql q;
	struct strbuf src_head = STRBUF_INIT, ghost_head = STRBUF_INIT;
	struct strbuf sql = STRBUF_INIT;
	struct chunk_bound lower = CHUNK_BOUND_INIT, upper = CHUNK_BOUND_INIT;
	struct chunk_key gkey;
	struct chunk_key_column *gcols;
	struct chunk_size_params sp;
	unsigned long long size = o->chunk_rows ? o->chunk_rows : 1000;
	double rate = 0;
	uint64_t start = clock_ms();
	size_t i;
	int ret = -1;

	memset(&q, 0, sizeof(q));
	strbuf_init(&q.source, 0);
	strbuf_init(&q.ghost, 0);
	strbuf_init(&q.del, 0);
	strbuf_init(&q.copy, 0);
	strbuf_init(&q.range, 0);
	memset(r, 0, sizeof(*r));
	sp.target_ms = o->chunk_time_ms;
	sp.min_rows = o->min_rows ? o->min_rows : 10;
	sp.max_rows = o->max_rows ? o->max_rows : 100000;

	/* The same range on the ghost: its names, the table's values. */
	gcols = xcalloc(o->key->ncols, sizeof(*gcols));
	for (i = 0; i < o->key->ncols; i++) {
		gcols[i] = o->key->cols[i];
		gcols[i].name = o->plan->key[i].ghost_name;
	}
	gkey = *o->key;
	gkey.table = o->ghost;
	gkey.index = o->plan->key_ghost_index;
	gkey.cols = gcols;

	if (ddl_build_verify_checksum(&src_head, o->plan, DDL_SIDE_SOURCE,
				      o->db, o->table, err) < 0 ||
	    ddl_build_verify_checksum(&ghost_head, o->plan, DDL_SIDE_GHOST,
				      o->db, o->ghost, err) < 0)
		goto out;
	db = db_connect(o->dbopts, "verify", NULL, err);
	if (!db)
		goto out;
	/*
	 * REPEATABLE READ whatever the server's default: the locking read
	 * then takes next-key locks (no row enters the range), and the
	 * ghost's consistent read takes its snapshot when it runs, after
	 * the applier's wait (InnoDB manual, "Consistent Nonlocking Reads").
	 */
	if (db_session_set(db, o->mysql ? "transaction_isolation"
					: "tx_isolation",
			   "'REPEATABLE-READ'", err) < 0)
		goto out;

	for (;;) {
		struct db_result *res = NULL;
		struct db_row row;
		unsigned long long rows = 0;
		uint64_t t0;
		int rc, repairs = 0;

		if (o->should_stop && o->should_stop(o->ctx)) {
			ret = 1;
			goto out;
		}
		if (o->should_pause && o->should_pause(o->ctx)) {
			usleep(100 * 1000);
			continue;
		}
		strbuf_reset(&sql);
		chunk_bound_release(&upper);
		if (chunk_plan_boundary_sql(o->key, &lower, size, &sql,
					    err) < 0 ||
		    db_query(db, sql.buf, &res, err) < 0)
			goto out;
		rc = db_result_next(res, &row, err);
		if (rc == 1)
			rc = chunk_bound_from_row(o->key, row.values,
						  row.lengths, row.ncols,
						  &upper, err);
		db_result_free(res);
		if (rc < 0)
			goto out;
		if (chunk_sql_build(&q, o, &gkey, src_head.buf,
				    ghost_head.buf, &lower, &upper, err) < 0)
			goto out;
		t0 = clock_ms();
		for (;;) {
			int can_repair = o->repair &&
					 repairs < OSC_VERIFY_REPAIRS;

			rc = compare_retrying(db, o, &q, can_repair, &rows,
					      err);
			if (rc < 0)
				goto out;
			if (rc == CHUNK_EQUAL)
				break;
			r->mismatches++;
			if (rc == CHUNK_DIFFERS) {
				if (o->repair)
					strbuf_addf(err, " after %d repairs",
						    repairs);
				goto out;
			}
			repairs++;
			r->repaired++;
		}
		r->chunks++;
		r->rows += rows;
		r->elapsed_ms = (double)(clock_ms() - start);
		if (o->chunk_time_ms)
			size = chunk_size_next(&sp, &rate, size, rows,
					       (double)(clock_ms() - t0));
		if (o->on_chunk)
			o->on_chunk(o->ctx);
		if (!upper.nvalues)
			break;
		chunk_bound_copy(&lower, &upper);
	}
	ret = 0;
out:
	r->elapsed_ms = (double)(clock_ms() - start);
	db_close(db);
	free(gcols);
	chunk_bound_release(&lower);
	chunk_bound_release(&upper);
	chunk_sql_release(&q);
	strbuf_release(&src_head);
	strbuf_release(&ghost_head);
	strbuf_release(&sql);
	return ret;
}
