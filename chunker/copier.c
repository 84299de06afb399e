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
#include "util/quote.h"
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
 * The copier's retry policy (util/retry.h): both statements it sends, and
 * a chunk's transaction from its BEGIN, can run again, after a lock wait
 * timeout or deadlock and after a lost connection alike.
 */
static void copy_policy(struct retry_policy *p, int attempts)
{
	memset(p, 0, sizeof(*p));
	p->attempts = (unsigned int)attempts;
	p->reconnects = (unsigned int)attempts;
	p->wait_ms = 20;
	p->reconnect_wait_ms = 20;
	p->max_wait_ms = 1000;
}

/*
 * Run `sql` (a query when `res` is not NULL), running it again after a
 * lock wait timeout or deadlock, and after reconnecting when the
 * connection was lost. Both statements the copier sends can be repeated.
 */
static int run_retrying(struct db *db, const char *sql,
			struct db_result **res, int attempts,
			unsigned long long *retries, struct strbuf *err)
{
	struct strbuf last = STRBUF_INIT;
	struct retry_policy policy;
	struct retry r;
	int ret = -1;

	copy_policy(&policy, attempts);
	retry_init(&r, &policy);
	do {
		int rc;

		strbuf_reset(&last);
		rc = res ? db_query(db, sql, res, &last)
			 : db_exec(db, sql, &last);
		if (rc == 0) {
			ret = 0;
			goto out;
		}
	} while (db_retry(db, db_errno(db), &r, &last) > 0);
	strbuf_addbuf(err, &last);
out:
	*retries += r.retries;
	strbuf_release(&last);
	return ret;
}

/*
 * Append "; first row with key (v1, v2)" for the `at`-th row after
 * `lower` (rows are read in key order, so a warning's "at row N" is that
 * row), when it can be found; nothing otherwise.
 */
static void add_row_at(struct db *db, const struct chunk_copy_opts *o,
		       const struct chunk_bound *lower, unsigned long long at,
		       struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	struct strbuf sql = STRBUF_INIT, ignore = STRBUF_INIT;
	struct chunk_bound b = CHUNK_BOUND_INIT;
	size_t i;

	if (at &&
	    !chunk_plan_boundary_sql(o->key, lower, at, &sql, &ignore) &&
	    !db_query(db, sql.buf, &res, &ignore) &&
	    db_result_next(res, &row, &ignore) == 1 &&
	    !chunk_bound_from_row(o->key, row.values, row.lengths, row.ncols,
				  &b, &ignore)) {
		strbuf_addstr(err, "; first row with key (");
		for (i = 0; i < b.nvalues; i++)
			strbuf_addf(err, "%s%s", i ? ", " : "", b.values[i]);
		strbuf_addch(err, ')');
	}
	db_result_free(res);
	chunk_bound_release(&b);
	strbuf_release(&sql);
	strbuf_release(&ignore);
}

static const char fix_hint[] =
	"; the ghost would not hold the same data (a native ALTER would fail "
	"the same way): change the ALTER or fix the data first";

/*
 * Read the last chunk (lower, ...]'s warnings. Returns 0 when there is
 * none but the expected ones (chunk_warning_classify), 1 when there is a
 * duplicate on a checked key among them (its text in *dup, for the
 * caller to check), -2 with the first fatal one in err (and the key of
 * its row), -1 when a query failed (err).
 */
static int check_warnings(struct db *db, const struct chunk_copy_opts *o,
			  const struct chunk_bound *lower, struct strbuf *dup,
			  struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	unsigned long long listed = 0, total = db_warning_count(db), at = 0;
	int r, ret = -1, fatal = 0, checked = 0;

	if (!total)
		return 0;
	if (db_query(db, "SHOW WARNINGS", &res, err) < 0)
		return -1;
	while ((r = db_result_next(res, &row, err)) == 1) {
		const char *code = row.ncols > 1 ? row.values[1] : NULL;
		const char *msg = row.ncols > 2 ? row.values[2] : NULL;
		const char *p;

		listed++;
		switch (chunk_warning_classify(o, code, msg)) {
		case CHUNK_WARNING_EXPECTED:
			continue;
		case CHUNK_WARNING_DUP_CHECKED:
			if (o->missing_prefix) {
				if (!checked++)
					strbuf_addf(dup, "warning %s: %s", code,
						    msg);
				continue;
			}
			break;
		case CHUNK_WARNING_FATAL:
			break;
		}
		strbuf_addf(err, "table `%s`: copying a chunk gave warning "
			    "%s: %s", o->key->table, code ? code : "?",
			    msg ? msg : "(no message)");
		if (msg && (p = strstr(msg, " at row ")))
			at = strtoull(p + strlen(" at row "), NULL, 10);
		fatal = 1;
		break;
	}
	db_result_free(res);
	if (r < 0)
		goto out;
	if (fatal) {
		add_row_at(db, o, lower, at, err);
		strbuf_addstr(err, fix_hint);
		ret = -2;
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
		ret = -2;
		goto out;
	}
	ret = checked ? 1 : 0;
out:
	return ret;
}

/*
 * A chunk in a transaction (opts->missing_prefix set): the copy, its
 * warnings and, after a duplicate on a checked key, the query for the
 * source rows of the chunk that the ghost holds under no shared key,
 * then COMMIT. A lock wait timeout, deadlock or lost connection anywhere
 * runs the whole chunk again. Returns 0 with *rows set, or -1 with err.
 */
/*
 * How many times one chunk waits for the applier after a duplicate that
 * kept a source row out (chunk_copy_opts.wait_replayed). A ghost row that
 * is stale is brought up to date by the first wait unless the writers
 * change it again meanwhile; a real duplicate stays through all of them.
 */
#define MAX_STALE_WAITS 20

static int copy_chunk_txn(struct db *db, const struct chunk_copy_opts *o,
			  const char *sql, const char *range,
			  const struct chunk_bound *lower, int attempts,
			  unsigned long long *retries, unsigned long long *rows,
			  struct strbuf *err)
{
	struct strbuf last = STRBUF_INIT, dup = STRBUF_INIT,
		      missing = STRBUF_INIT, ignore = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	struct retry_policy policy;
	struct retry r;
	unsigned int code;
	int rc, ret = -1, stale_waits = 0;
	size_t k;

	copy_policy(&policy, attempts);
	retry_init(&r, &policy);
	strbuf_addf(&missing, "%s AND %s LIMIT 1 LOCK IN SHARE MODE",
		    o->missing_prefix, range);
	for (;;) {
		strbuf_reset(&last);
		strbuf_reset(&dup);
		if (db_exec(db, "BEGIN", &last) < 0 ||
		    db_exec(db, sql, &last) < 0)
			goto failed;
		*rows = db_affected_rows(db);
		rc = check_warnings(db, o, lower, &dup, &last);
		if (rc == -2)
			goto fatal; /* a warning, not a failed query */
		if (rc < 0)
			goto failed;
		if (rc == 1) {
			db_result_free(res);
			res = NULL;
			if (db_query(db, missing.buf, &res, &last) < 0)
				goto failed;
			rc = db_result_next(res, &row, &last);
			if (rc < 0)
				goto failed;
			if (rc == 1 && o->wait_replayed &&
			    stale_waits < MAX_STALE_WAITS) {
				/*
				 * The ghost row in the way may be stale: roll
				 * back (no lock held while waiting), let the
				 * applier catch up, copy the chunk again. Not
				 * an attempt: nothing failed.
				 */
				stale_waits++;
				strbuf_reset(&ignore);
				db_exec(db, "ROLLBACK", &ignore);
				info("chunk: a source row was kept out by "
					"a different ghost row; waiting for "
					"the applier before copying it again");
				if (o->wait_replayed(o->ctx, &last) < 0)
					goto fatal;
				continue;
			}
			if (rc == 1) {
				strbuf_addf(&last, "table `%s`: copying a "
					    "chunk gave %s, and the ghost holds "
					    "no row for the source row with "
					    "key (", o->key->table, dup.buf);
				for (k = 0; k < row.ncols; k++) {
					if (k)
						strbuf_addstr(&last, ", ");
					if (row.values[k])
						quote_sql_string(
							&last, row.values[k],
							row.lengths[k]);
					else
						strbuf_addstr(&last, "NULL");
				}
				strbuf_addstr(&last, "): another row holds its "
						     "value of that unique key");
				strbuf_addstr(&last, fix_hint);
				goto fatal;
			}
			verbose("chunk: duplicates on a checked unique key "
				"were rows the applier wrote first");
		}
		if (db_exec(db, "COMMIT", &last) < 0)
			goto failed;
		ret = 0;
		goto out;
failed:
		code = db_errno(db);
		/* A lock conflict rolled back the statement, a deadlock the
		 * transaction: end it either way before running it again. */
		if (db_error_is_transient(code)) {
			strbuf_reset(&ignore);
			db_exec(db, "ROLLBACK", &ignore);
		}
		if (db_retry(db, code, &r, &last) <= 0)
			break;
	}
fatal:
	strbuf_reset(&ignore);
	db_exec(db, "ROLLBACK", &ignore);
	strbuf_addbuf(err, &last);
out:
	*retries += r.retries;
	db_result_free(res);
	strbuf_release(&last);
	strbuf_release(&dup);
	strbuf_release(&missing);
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
	if (run_retrying(db, sql.buf, &res, attempts, retries, err) < 0)
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
	struct strbuf sql = STRBUF_INIT, range = STRBUF_INIT;
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
		strbuf_reset(&range);
		if (chunk_plan_range_sql(o->key, &lower, &upper, &range,
					 err) < 0)
			goto out;
		strbuf_addstr(&sql, o->prefix);
		strbuf_addstr(&sql, " WHERE ");
		strbuf_addbuf(&sql, &range);
		if (o->suffix)
			strbuf_addstr(&sql, o->suffix);
		if (o->on_chunk_begin)
			o->on_chunk_begin(o->ctx);
		t0 = clock_ms_f();
		if (o->missing_prefix && o->ghost_key_name) {
			if (copy_chunk_txn(db, o, sql.buf, range.buf, &lower,
					   attempts, &res->retries, &rows,
					   err) < 0)
				goto out;
			elapsed = clock_ms_f() - t0;
			if (o->on_chunk_end)
				o->on_chunk_end(o->ctx);
		} else {
			struct strbuf dup = STRBUF_INIT;
			int rc = 0;

			if (run_retrying(db, sql.buf, NULL, attempts,
					 &res->retries, err) < 0)
				goto out;
			elapsed = clock_ms_f() - t0;
			if (o->on_chunk_end)
				o->on_chunk_end(o->ctx);
			rows = db_affected_rows(db);
			/* Without missing_prefix, never 1. */
			if (o->ghost_key_name)
				rc = check_warnings(db, o, &lower, &dup, err);
			strbuf_release(&dup);
			if (rc < 0)
				goto out;
		}
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
	strbuf_release(&range);
	return ret;
}
