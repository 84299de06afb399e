/*
 * copier.c: the copy loop (see chunker.h). One chunk per autocommit
 * statement: find the next boundary with a plain read, then copy the range
 * with the caller's INSERT IGNORE ... SELECT ... LOCK IN SHARE MODE, which
 * share-locks the rows of that chunk only until the statement commits.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "chunker/chunker.h"
#include "util/db.h"
#include "util/log.h"
#include "util/wrapper.h"

#include <time.h>

#define DEFAULT_CHUNK_ROWS 1000ULL
#define DEFAULT_MIN_ROWS 10ULL
#define DEFAULT_MAX_ROWS 100000ULL
#define DEFAULT_ATTEMPTS 10
#define DEFAULT_PAUSE_POLL_MS 100U

void chunk_copy_result_release(struct chunk_copy_result *res)
{
	chunk_bound_release(&res->last);
}

/*
 * Run `sql` (a query when `res` is not NULL), running it again after a
 * lock wait timeout or deadlock, and after reconnecting when the
 * connection was lost. Both statements the copier sends can be repeated.
 */
static int run_retrying(struct db *db, const char *sql,
			struct db_result **res, int attempts,
			unsigned long long *retries, const char *session_sql,
			struct strbuf *err)
{
	struct strbuf last = STRBUF_INIT;
	unsigned int delay_ms = 20;
	int i, ret = -1;

	for (i = 0; i < attempts; i++) {
		unsigned int code;
		int rc;

		strbuf_reset(&last);
		rc = res ? db_query(db, sql, res, &last)
			 : db_exec(db, sql, &last);
		if (rc == 0) {
			ret = 0;
			goto out;
		}
		code = db_errno(db);
		if (db_error_is_transient(code)) {
			verbose("chunk statement hit error %u, running it "
				"again", code);
		} else if (db_error_is_disconnect(code)) {
			struct strbuf rerr = STRBUF_INIT;

			warning("copy connection lost, reconnecting");
			clock_sleep_ms(delay_ms);
			if (db_reconnect(db, &rerr) < 0 ||
			    (session_sql &&
			     db_exec(db, session_sql, &rerr) < 0)) {
				strbuf_reset(&last);
				strbuf_addbuf(&last, &rerr);
			}
			strbuf_release(&rerr);
		} else {
			break;
		}
		if (i + 1 < attempts) {
			(*retries)++;
			clock_sleep_ms(delay_ms);
			if (delay_ms < 1000)
				delay_ms *= 2;
		}
	}
	strbuf_addbuf(err, &last);
out:
	strbuf_release(&last);
	return ret;
}

/*
 * Read the last chunk (lower, ...]'s warnings. Returns 0 when there is
 * none but the expected ones (chunk_warning_is_expected), -1 with the
 * first other one in err, and the key of its row: rows are read in key
 * order, so "at row N" is the N-th row after `lower`.
 */
static int check_warnings(struct db *db, const struct chunk_copy_opts *o,
			  const struct chunk_bound *lower, struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	struct strbuf sql = STRBUF_INIT, ignore = STRBUF_INIT;
	struct chunk_bound b = CHUNK_BOUND_INIT;
	unsigned long long listed = 0, total = db_warning_count(db), at = 0;
	int r, ret = -1;
	size_t i;

	if (!total)
		return 0;
	if (db_query(db, "SHOW WARNINGS", &res, err) < 0)
		return -1;
	while ((r = db_result_next(res, &row, err)) == 1) {
		const char *code = row.ncols > 1 ? row.values[1] : NULL;
		const char *msg = row.ncols > 2 ? row.values[2] : NULL;
		const char *p;

		listed++;
		if (chunk_warning_is_expected(code, msg, o->ghost_key_name))
			continue;
		strbuf_addf(err, "table `%s`: copying a chunk gave warning "
			    "%s: %s", o->key->table, code ? code : "?",
			    msg ? msg : "(no message)");
		if (msg && (p = strstr(msg, " at row ")))
			at = strtoull(p + strlen(" at row "), NULL, 10);
		break;
	}
	db_result_free(res);
	res = NULL;
	if (r < 0)
		goto out;
	if (r == 1) {
		if (at &&
		    !chunk_plan_boundary_sql(o->key, lower, at, &sql,
					     &ignore) &&
		    !db_query(db, sql.buf, &res, &ignore) &&
		    db_result_next(res, &row, &ignore) == 1 &&
		    !chunk_bound_from_row(o->key, row.values, row.lengths,
					  row.ncols, &b, &ignore)) {
			strbuf_addstr(err, "; first row with key (");
			for (i = 0; i < b.nvalues; i++)
				strbuf_addf(err, "%s%s", i ? ", " : "",
					    b.values[i]);
			strbuf_addch(err, ')');
		}
		strbuf_addstr(err, "; the ghost would not hold the same data "
				   "(a native ALTER would fail the same way): "
				   "change the ALTER or fix the data first");
		goto out;
	}
	if (listed < total) {
		/*
		 * The session lists at most max_error_count warnings; this
		 * one was set to 65535, more than a chunk can raise, so a
		 * short list means the session lost its setting.
		 */
		strbuf_addf(err, "table `%s`: a chunk gave %llu warnings but "
			    "SHOW WARNINGS listed %llu, so they cannot all be "
			    "checked; the copy session's max_error_count "
			    "(65535) was lost", o->key->table, total, listed);
		goto out;
	}
	ret = 0;
out:
	db_result_free(res);
	chunk_bound_release(&b);
	strbuf_release(&sql);
	strbuf_release(&ignore);
	return ret;
}

/* Wait while paused. Returns 1 when asked to stop meanwhile. */
static int wait_while_paused(const struct chunk_copy_opts *o)
{
	unsigned int poll_ms = o->pause_poll_ms ? o->pause_poll_ms
						: DEFAULT_PAUSE_POLL_MS;

	for (;;) {
		if (o->should_stop && o->should_stop(o->ctx))
			return 1;
		if (!o->should_pause || !o->should_pause(o->ctx))
			return 0;
		clock_sleep_ms(poll_ms);
	}
}

static int bounds_equal(const struct chunk_bound *a,
			const struct chunk_bound *b)
{
	size_t i;

	if (a->nvalues != b->nvalues || !a->nvalues)
		return 0;
	for (i = 0; i < a->nvalues; i++)
		if (strcmp(a->values[i], b->values[i]))
			return 0;
	return 1;
}

/*
 * The next boundary after `lower`: 1 with *upper filled, 0 when fewer
 * than `rows` rows are left (upper emptied), -1 on error.
 */
static int next_boundary(struct db *db, const struct chunk_copy_opts *o,
			 const struct chunk_bound *lower,
			 unsigned long long rows, int attempts,
			 unsigned long long *retries, struct chunk_bound *upper,
			 struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int ret = -1, r;

	if (chunk_plan_boundary_sql(o->key, lower, rows, &sql, err) < 0)
		goto out;
	if (run_retrying(db, sql.buf, &res, attempts, retries, o->session_sql,
			 err) < 0)
		goto out;
	r = db_result_next(res, &row, err);
	if (r < 0)
		goto out;
	if (r == 0) {
		chunk_bound_release(upper);
		ret = 0;
		goto out;
	}
	if (chunk_bound_from_row(o->key, row.values, row.lengths, row.ncols,
				 upper, err) < 0)
		goto out;
	/*
	 * The n-th row after `lower` is strictly after it; the same value
	 * again means the literals do not compare as the index orders (a
	 * bug, or a key type the caller should not have chunked on), and
	 * the loop would never end.
	 */
	if (bounds_equal(lower, upper)) {
		strbuf_addf(err, "table `%s`: the chunk boundary did not move "
			    "past %s; the key cannot be chunked", o->key->table,
			    upper->values[0]);
		goto out;
	}
	ret = 1;
out:
	db_result_free(res);
	strbuf_release(&sql);
	return ret;
}

int chunk_copy_run(struct db *db, const struct chunk_copy_opts *o,
		   struct chunk_copy_result *res, struct strbuf *err)
{
	struct chunk_bound lower = CHUNK_BOUND_INIT, upper = CHUNK_BOUND_INIT;
	struct chunk_size_params sp;
	struct strbuf sql = STRBUF_INIT;
	unsigned long long size;
	double rate = 0;
	int attempts = o->attempts > 0 ? o->attempts : DEFAULT_ATTEMPTS;
	int ret = -1;

	if (chunk_key_check(o->key, err) < 0)
		goto out;
	if (!o->prefix || !*o->prefix) {
		strbuf_addf(err, "table `%s`: no copy statement given",
			    o->key->table);
		goto out;
	}
	sp.target_ms = o->chunk_time_ms;
	sp.min_rows = o->min_rows ? o->min_rows : DEFAULT_MIN_ROWS;
	sp.max_rows = o->max_rows ? o->max_rows : DEFAULT_MAX_ROWS;
	if (sp.max_rows < sp.min_rows)
		sp.max_rows = sp.min_rows;
	size = o->chunk_rows ? o->chunk_rows : DEFAULT_CHUNK_ROWS;
	if (o->chunk_time_ms)
		size = size < sp.min_rows ? sp.min_rows
		     : size > sp.max_rows ? sp.max_rows : size;
	if (o->session_sql && db_exec(db, o->session_sql, err) < 0)
		goto out;
	/*
	 * Every warning of a chunk must be listed to be checked (the "copy"
	 * role has it already; this is for a connection of another role).
	 * Through db_session_set() so that a reconnect keeps it.
	 */
	if (o->ghost_key_name &&
	    db_session_set(db, "max_error_count", "65535", err) < 0)
		goto out;
	chunk_bound_copy(&lower, o->start_after);
	chunk_bound_copy(&res->last, o->start_after);
	res->finished = 0;

	for (;;) {
		struct chunk_progress p;
		unsigned long long rows, next;
		double t0, elapsed;
		int more;

		if (wait_while_paused(o)) {
			ret = 1;
			goto out;
		}
		if (o->next_chunk_rows) {
			unsigned long long want = o->next_chunk_rows(o->ctx,
								     size);

			if (want)
				size = want;
		}
		more = next_boundary(db, o, &lower, size, attempts,
				     &res->retries, &upper, err);
		if (more < 0)
			goto out;
		strbuf_reset(&sql);
		strbuf_addstr(&sql, o->prefix);
		strbuf_addstr(&sql, " WHERE ");
		if (chunk_plan_range_sql(o->key, &lower, &upper, &sql, err) < 0)
			goto out;
		if (o->suffix)
			strbuf_addstr(&sql, o->suffix);
		if (o->on_chunk_begin)
			o->on_chunk_begin(o->ctx);
		t0 = clock_ms_f();
		if (run_retrying(db, sql.buf, NULL, attempts, &res->retries,
				 o->session_sql, err) < 0)
			goto out;
		elapsed = clock_ms_f() - t0;
		if (o->on_chunk_end)
			o->on_chunk_end(o->ctx);
		rows = db_affected_rows(db);
		if (o->ghost_key_name && check_warnings(db, o, &lower, err) < 0)
			goto out;
		res->rows_copied += rows;
		res->chunks++;
		next = o->chunk_time_ms
			       ? chunk_size_next(&sp, &rate, size, rows,
						 elapsed)
			       : size;
		if (more)
			chunk_bound_copy(&res->last, &upper);
		else
			res->finished = 1;
		if (o->on_chunk) {
			p.chunk_rows = rows;
			p.elapsed_ms = elapsed;
			p.chunk_size = size;
			p.next_size = next;
			p.rows_total = res->rows_copied;
			p.chunks = res->chunks;
			p.upper = &upper;
			o->on_chunk(o->ctx, &p);
		}
		if (!more)
			break;
		size = next;
		chunk_bound_copy(&lower, &upper);
	}
	ret = 0;
out:
	chunk_bound_release(&lower);
	chunk_bound_release(&upper);
	strbuf_release(&sql);
	return ret;
}
