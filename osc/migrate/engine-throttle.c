/*
 * engine-throttle.c: throttling wired into the migration (see
 * engine-throttle-internal.h and DESIGN.md section 6).
 *
 * The decision and the probes are throttle/'s; this file decides which
 * replicas to watch, builds the throttler from the options, and turns its
 * decisions into what a person running osc sees: one line when the copy
 * pauses and why, one when it resumes and after how long, the throttle
 * fields of the status, and the chunk sizes --chunk-time picks (-v).
 *
 * Replicas are discovered by default, as gh-ost does: a tool whose first
 * promise is not to push replicas behind must not depend on the user
 * remembering to list them. The preflight (preflight.c) finds them,
 * reaches each and stops the run before anything is created when one
 * cannot be reached (the message says how to name, skip or stop
 * discovering them), for the same reason; this file watches its list.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/migrate/engine-throttle-internal.h"
#include "osc/migrate/cleanup.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <time.h>

/* The first chunk when the size adapts (bounded by min and max). */
#define FIRST_ADAPTIVE_CHUNK_ROWS 1000ULL
#define WAIT_POLL_MS 100
/* How long the start waits for the replicas' first lag reading. */
#define FIRST_LAG_WAIT_MS 3000

struct osc_throttle {
	struct throttler *t;
	struct throttle_decision d; /* scratch for checks */
	/* What the copy (or the cut-over wait) last said. */
	int paused;
	enum throttle_cause pause_cause;
	uint64_t paused_at_ms;
	int aborted;
	enum throttle_cause abort_cause;
	struct strbuf abort_reason;
	/* Status strings, valid until the next fill. */
	struct throttle_snapshot snap;
	/* Time the copy and the cut-over waited, pauses that ended. */
	uint64_t throttled_ms;
	/* For the chunk-size messages: 0 when the size is fixed. */
	uint64_t chunk_time_ms;
	char *critical_load; /* the spec, for the abort message */
	uint64_t max_lag_unknown_ms;
};

static uint64_t now_ms(void)
{
	return throttle_now_ms();
}

/* One line saying which replicas are watched, and which are not. */
static void report_replicas(const struct osc_options *o,
			    const struct throttle_replica_list *list)
{
	struct strbuf watched = STRBUF_INIT, ignored = STRBUF_INIT;
	struct strbuf name = STRBUF_INIT, limit = STRBUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < list->nr; i++) {
		const struct throttle_replica *r = &list->items[i];
		struct strbuf *to = r->ignored ? &ignored : &watched;

		strbuf_reset(&name);
		throttle_replica_name(&name, r);
		if (!r->ignored)
			n++;
		strbuf_addf(to, "%s%s%s", to->len ? ", " : "", name.buf,
			    r->discovered ? " (discovered)" : "");
	}
	throttle_format_seconds(&limit, o->max_lag_ms);
	if (n)
		info("throttle: watching %zu replica%s for lag over %s: %s", n,
		     n > 1 ? "s" : "", limit.buf, watched.buf);
	else
		verbose("throttle: no replica to watch for lag");
	if (ignored.len)
		info("throttle: not watching %s (--ignore-replica)",
		     ignored.buf);
	strbuf_release(&watched);
	strbuf_release(&ignored);
	strbuf_release(&name);
	strbuf_release(&limit);
}

/*
 * Every variable of the load specs exists on the server: a misspelt name
 * would otherwise pause the copy for ever ("load unknown").
 */
static int check_status_vars(struct db *db,
			     const struct throttle_load_spec *spec,
			     const char *option, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, val = STRBUF_INIT;
	size_t i;
	int n, is_null, ret = 0;

	for (i = 0; i < spec->nr && !ret; i++) {
		const char *name = spec->items[i].name;

		strbuf_reset(&sql);
		strbuf_addstr(&sql,
			      "SHOW GLOBAL STATUS WHERE Variable_name = ");
		quote_sql_string(&sql, name, strlen(name));
		n = db_query_value(db, sql.buf, &val, &is_null, err);
		if (n < 0) {
			ret = -1;
		} else if (n == 0) {
			strbuf_addf(err,
				    "--%s: the server has no status variable "
				    "'%s' (see SHOW GLOBAL STATUS)",
				    option, name);
			ret = -1;
		}
	}
	strbuf_release(&sql);
	strbuf_release(&val);
	return ret;
}

struct osc_throttle *osc_throttle_new(struct osc_run *run, struct strbuf *err)
{
	const struct osc_options *o = run->opts;
	const struct throttle_replica_list *replicas = &run->pf->replicas;
	struct throttle_load_spec max_load = THROTTLE_LOAD_SPEC_INIT;
	struct throttle_load_spec critical = THROTTLE_LOAD_SPEC_INIT;
	struct db_options replica_opts = run->pf->dbopts;
	const char *flag_files[2] = {o->throttle_flag_file, NULL};
	struct throttle_config cfg;
	struct osc_throttle *ot = NULL;
	struct throttler *t;
	/* The options were checked when parsed: these cannot fail. */
	if (throttle_load_spec_parse(
		&max_load, o->max_load ? o->max_load : OSC_DEFAULT_MAX_LOAD,
		"max-load", err) < 0 ||
	    throttle_load_spec_parse(&critical,
				     o->critical_load ? o->critical_load : "",
				     "critical-load", err) < 0)
		goto out;
	if (check_status_vars(run->pf->db, &max_load, "max-load", err) < 0 ||
	    check_status_vars(run->pf->db, &critical, "critical-load", err) < 0)
		goto out;
	if (o->throttle_query && *o->throttle_query) {
		struct strbuf val = STRBUF_INIT, why = STRBUF_INIT;
		int n = db_query_value(run->pf->db, o->throttle_query, &val,
				       NULL, &why);

		/* A query that fails would pause the copy for ever. */
		if (n < 0)
			strbuf_addf(err, "--throttle-query fails: %s", why.buf);
		strbuf_release(&val);
		strbuf_release(&why);
		if (n < 0)
			goto out;
	}
	if (o->replica_user)
		replica_opts.user = o->replica_user;
	if (o->replica_password)
		replica_opts.password = o->replica_password;

	memset(&cfg, 0, sizeof(cfg));
	cfg.limits.max_lag_ms = o->max_lag_ms;
	cfg.limits.max_load = &max_load;
	cfg.limits.critical_load = &critical;
	cfg.limits.critical_hits = (unsigned int)o->critical_load_hits;
	cfg.limits.max_unknown_ms = o->max_lag_unknown_ms;
	cfg.changelog_db = run->pf->table.db;
	cfg.changelog_table = run->pf->table.changelog_name;
	cfg.replicas = replicas;
	cfg.replica_opts = &replica_opts;
	cfg.ignore_replicas = &o->ignore_replicas;
	cfg.primary_opts = &run->pf->dbopts;
	cfg.throttle_query = o->throttle_query;
	/* Galera: every node's flow control (galera.h found the nodes). */
	if (run->pf->galera.on) {
		cfg.galera_nodes = &run->pf->galera.nodes;
		cfg.limits.max_flow_ctl_set = o->max_flow_ctl_set;
		cfg.limits.max_flow_ctl = o->max_flow_ctl;
	}
	cfg.flag_files = flag_files;
	t = throttle_new(&cfg, err);
	if (!t)
		goto out;
	report_replicas(o, replicas);
	if (run->pf->galera.on) {
		struct strbuf nodes = STRBUF_INIT;

		osc_galera_describe_nodes(&run->pf->galera, &nodes);
		if (o->max_flow_ctl_set)
			info("throttle: watching flow control on %s: receive "
			     "queues, and paused time over %g "
			     "(--max-flow-ctl)",
			     nodes.buf, o->max_flow_ctl);
		else
			info("throttle: watching flow control on %s: receive "
			     "queues", nodes.buf);
		strbuf_release(&nodes);
	}
	if (max_load.nr || critical.nr) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

		throttle_load_spec_format(&max_load, &a);
		throttle_load_spec_format(&critical, &b);
		verbose("throttle: max-load %s, critical-load %s",
			a.len ? a.buf : "off", b.len ? b.buf : "off");
		strbuf_release(&a);
		strbuf_release(&b);
	}
	ot = xcalloc(1, sizeof(*ot));
	ot->t = t;
	throttle_decision_init(&ot->d);
	strbuf_init(&ot->abort_reason, 0);
	throttle_snapshot_init(&ot->snap);
	ot->chunk_time_ms = o->chunk_rows_fixed ? 0 : o->chunk_time_ms;
	ot->critical_load = critical.nr ? xstrdup(o->critical_load) : NULL;
	ot->max_lag_unknown_ms = o->max_lag_unknown_ms;
out:
	throttle_load_spec_release(&max_load);
	throttle_load_spec_release(&critical);
	return ot;
}

int osc_throttle_start(struct osc_throttle *ot, struct strbuf *err)
{
	uint64_t start = now_ms();

	if (!ot)
		return 0;
	if (throttle_start(ot->t, err) < 0)
		return -1;
	/*
	 * The changelog table and the first heartbeat were written a moment
	 * ago: give them time to reach the replicas before the copy asks,
	 * so that a healthy replica does not show as a pause at the start.
	 * A replica still without a reading after this is reported by the
	 * copy like any other.
	 */
	while (now_ms() - start < FIRST_LAG_WAIT_MS &&
	       throttle_check(ot->t, &ot->d) == THROTTLE_PAUSE &&
	       ot->d.cause == THROTTLE_CAUSE_LAG && !cleanup_should_stop())
		clock_sleep_ms(WAIT_POLL_MS);
	if (now_ms() - start >= WAIT_POLL_MS)
		verbose("throttle: waited %" PRIu64 " ms for the first lag "
			"readings",
			now_ms() - start);
	return 0;
}

void osc_throttle_copy_sizing(const struct osc_options *o,
			      uint64_t row_bytes, struct chunk_copy_opts *co)
{
	unsigned long long first = FIRST_ADAPTIVE_CHUNK_ROWS;

	if (o->chunk_rows_fixed) {
		co->chunk_rows = o->chunk_rows;
		co->chunk_time_ms = 0;
		return;
	}
	co->chunk_time_ms = (unsigned int)o->chunk_time_ms;
	co->min_rows = o->chunk_rows_min;
	co->max_rows = chunk_rows_for_bytes(o->chunk_rows_max, o->chunk_rows_min,
					    o->chunk_max_bytes, row_bytes);
	if (first < co->min_rows)
		first = co->min_rows;
	if (first > co->max_rows)
		first = co->max_rows;
	co->chunk_rows = first;
}

/*
 * The time the copy (or the cut-over) has waited so far. The throttler
 * counts its own paused time too, from its start, also while a chunk runs;
 * what a person wants to know is how long the work stood still.
 */
static uint64_t throttled_ms(const struct osc_throttle *ot)
{
	uint64_t now = now_ms();

	if (ot->paused && now > ot->paused_at_ms)
		return ot->throttled_ms + (now - ot->paused_at_ms);
	return ot->throttled_ms;
}

/*
 * Follow the decision for `what` ("copy", "cut-over"): say when it starts
 * to wait, when the reason changes to another kind, and when it goes on;
 * `at` ("at 1200 rows") tells where. Returns 1 while it must wait.
 */
static int follow(struct osc_throttle *ot, const char *what, const char *at)
{
	enum throttle_action a = throttle_check(ot->t, &ot->d);
	struct strbuf took = STRBUF_INIT, total = STRBUF_INIT;

	if (a == THROTTLE_ABORT) {
		if (!ot->aborted) {
			ot->aborted = 1;
			ot->abort_cause = ot->d.cause;
			strbuf_addbuf(&ot->abort_reason, &ot->d.reason);
		}
		return 1;
	}
	if (a == THROTTLE_PAUSE) {
		if (!ot->paused) {
			ot->paused = 1;
			ot->paused_at_ms = now_ms();
			ot->pause_cause = ot->d.cause;
			info("%s paused%s: %s", what, at, ot->d.reason.buf);
		} else if (ot->d.cause != ot->pause_cause) {
			ot->pause_cause = ot->d.cause;
			info("%s still paused%s: %s", what, at,
			     ot->d.reason.buf);
		}
		return 1;
	}
	if (ot->paused) {
		uint64_t took_ms = now_ms() - ot->paused_at_ms;

		ot->paused = 0;
		ot->throttled_ms += took_ms;
		throttle_format_seconds(&took, took_ms);
		throttle_format_seconds(&total, ot->throttled_ms);
		info("%s resumed%s after %s (throttled %s in all)", what, at,
		     took.buf, total.buf);
	}
	strbuf_release(&took);
	strbuf_release(&total);
	return 0;
}

int osc_throttle_should_pause(struct osc_throttle *ot, uint64_t rows_copied)
{
	char at[48];

	if (!ot)
		return 0;
	snprintf(at, sizeof(at), " at %" PRIu64 " rows", rows_copied);
	return follow(ot, "copy", at);
}

int osc_throttle_should_pause_verify(struct osc_throttle *ot,
				     uint64_t rows_verified)
{
	char at[48];

	if (!ot)
		return 0;
	snprintf(at, sizeof(at), " at %" PRIu64 " rows", rows_verified);
	return follow(ot, "verify", at);
}

int osc_throttle_aborted(struct osc_throttle *ot, struct strbuf *err)
{
	if (!ot || !ot->aborted)
		return 0;
	if (!err)
		return 1;
	if (ot->abort_cause == THROTTLE_CAUSE_UNREACHABLE) {
		struct strbuf limit = STRBUF_INIT;

		osc_format_duration(&limit, ot->max_lag_unknown_ms);
		strbuf_addf(err, "%s (longer than --max-lag-unknown=%s); "
			    "stopping", ot->abort_reason.buf, limit.buf);
		strbuf_release(&limit);
	} else {
		strbuf_addf(err, "%s (--critical-load=%s); stopping",
			    ot->abort_reason.buf,
			    ot->critical_load ? ot->critical_load : "");
	}
	return 1;
}

void osc_throttle_on_chunk(struct osc_throttle *ot,
			   const struct chunk_progress *cp)
{
	if (!ot)
		return;
	if (log_get_level() >= LOG_DEBUG)
		debug("copy: chunk %llu: %llu of %llu rows in %.0f ms; next "
		      "%llu rows",
		      cp->chunks, cp->chunk_rows, cp->chunk_size,
		      cp->elapsed_ms, cp->next_size);
	else if (ot->chunk_time_ms && cp->next_size != cp->chunk_size)
		verbose("copy: chunk size %llu -> %llu rows (chunk %llu: "
			"%llu rows in %.0f ms, target %" PRIu64 " ms)",
			cp->chunk_size, cp->next_size, cp->chunks,
			cp->chunk_rows, cp->elapsed_ms, ot->chunk_time_ms);
}

int osc_throttle_wait(struct osc_throttle *ot, int (*should_stop)(void *),
		      void (*progress)(void *), void *ctx, struct strbuf *err)
{
	if (!ot)
		return 0;
	for (;;) {
		if (should_stop && should_stop(ctx)) {
			if (cleanup_should_stop())
				strbuf_addstr(err, "interrupted while waiting "
						   "to cut over");
			return -1;
		}
		if (!follow(ot, "cut-over", ""))
			return 0;
		if (osc_throttle_aborted(ot, err))
			return -1;
		if (progress)
			progress(ctx);
		clock_sleep_ms(WAIT_POLL_MS);
	}
}

int osc_throttle_paused(struct osc_throttle *ot)
{
	if (!ot)
		return 0;
	return throttle_check(ot->t, NULL) != THROTTLE_RUN;
}

void osc_throttle_fill_status(struct osc_throttle *ot,
			      struct progress_status *st)
{
	if (!ot)
		return;
	throttle_get_snapshot(ot->t, &ot->snap);
	st->throttled = ot->snap.action == THROTTLE_PAUSE;
	st->throttle_reason = st->throttled ? ot->snap.reason.buf : NULL;
	st->throttled_ms = throttled_ms(ot);
	st->max_lag_ms = ot->snap.max_lag_ms;
	st->max_lag_replica =
	    ot->snap.max_lag_replica.len ? ot->snap.max_lag_replica.buf : NULL;
}

struct throttler *osc_throttle_throttler(struct osc_throttle *ot)
{
	return ot ? ot->t : NULL;
}

void osc_throttle_stop(struct osc_throttle *ot)
{
	if (ot)
		throttle_stop(ot->t);
}

void osc_throttle_free(struct osc_throttle *ot)
{
	if (!ot)
		return;
	throttle_free(ot->t);
	throttle_decision_release(&ot->d);
	strbuf_release(&ot->abort_reason);
	throttle_snapshot_release(&ot->snap);
	free(ot->critical_load);
	free(ot);
}
