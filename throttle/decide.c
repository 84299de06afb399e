/*
 * decide.c: the throttle decision and the load-spec parser (pure).
 *
 * Given the latest readings of every probe, each stamped with the
 * monotonic time it was taken, and the current time, say whether the
 * copier runs, pauses (and why, in one line an operator understands), or
 * the run must abort. No I/O and no clock here, so that every branch is
 * exercised by table-driven unit tests (tests/unit/test-throttle.c). The
 * rules (hysteresis, stale readings, precedence) are in throttle.h.
 */
#include "util/compat.h"
#include "throttle/throttle.h"
#include "util/wrapper.h"

/* ---- load specs ---------------------------------------------------- */

static int valid_var_char(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

void throttle_load_spec_release(struct throttle_load_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->nr; i++)
		free(spec->items[i].name);
	FREE_AND_NULL(spec->items);
	spec->nr = spec->alloc = 0;
}

void throttle_load_spec_copy(struct throttle_load_spec *dst,
			     const struct throttle_load_spec *src)
{
	size_t i;

	throttle_load_spec_release(dst);
	if (!src)
		return;
	ALLOC_GROW(dst->items, src->nr, dst->alloc);
	for (i = 0; i < src->nr; i++) {
		dst->items[i].name = xstrdup(src->items[i].name);
		dst->items[i].max = src->items[i].max;
	}
	dst->nr = src->nr;
}

void throttle_load_spec_format(const struct throttle_load_spec *spec,
			       struct strbuf *out)
{
	size_t i;

	for (i = 0; spec && i < spec->nr; i++)
		strbuf_addf(out, "%s%s=%llu", i ? "," : "",
			    spec->items[i].name, spec->items[i].max);
}

static int parse_item(struct throttle_load_spec *spec, const char *p,
		      size_t len, const char *option, struct strbuf *err)
{
	const char *eq = memchr(p, '=', len);
	size_t name_len, i;
	unsigned long long max = 0;
	const char *q, *end = p + len;

	if (!eq || eq == p) {
		strbuf_addf(err, "invalid --%s item '%.*s': expected "
			    "VARIABLE=NUMBER", option, (int)len, p);
		return -1;
	}
	name_len = (size_t)(eq - p);
	for (i = 0; i < name_len; i++) {
		if (!valid_var_char(p[i])) {
			strbuf_addf(err, "invalid --%s item '%.*s': a status "
				    "variable name has only letters, digits "
				    "and '_'", option, (int)len, p);
			return -1;
		}
	}
	if (eq + 1 == end) {
		strbuf_addf(err, "invalid --%s item '%.*s': the threshold "
			    "is missing", option, (int)len, p);
		return -1;
	}
	for (q = eq + 1; q < end; q++) {
		unsigned d;

		if (!isdigit((unsigned char)*q)) {
			strbuf_addf(err, "invalid --%s item '%.*s': the "
				    "threshold must be a non-negative integer",
				    option, (int)len, p);
			return -1;
		}
		d = (unsigned)(*q - '0');
		if (max > (ULLONG_MAX - d) / 10) {
			strbuf_addf(err, "invalid --%s item '%.*s': the "
				    "threshold is too large", option,
				    (int)len, p);
			return -1;
		}
		max = max * 10 + d;
	}
	for (i = 0; i < spec->nr; i++) {
		if (strlen(spec->items[i].name) == name_len &&
		    !strncasecmp(spec->items[i].name, p, name_len)) {
			strbuf_addf(err, "invalid --%s: variable '%.*s' is "
				    "given twice", option, (int)name_len, p);
			return -1;
		}
	}
	ALLOC_GROW(spec->items, spec->nr + 1, spec->alloc);
	spec->items[spec->nr].name = xstrndup(p, name_len);
	spec->items[spec->nr].max = max;
	spec->nr++;
	return 0;
}

int throttle_load_spec_parse(struct throttle_load_spec *spec, const char *text,
			     const char *option, struct strbuf *err)
{
	const char *p = text, *comma;

	throttle_load_spec_release(spec);
	if (!text || !*text)
		return 0;
	for (;;) {
		size_t len;

		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		/* Allow spaces around items: "a=1, b=2". */
		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (!len) {
			strbuf_addf(err, "invalid --%s '%s': empty item; "
				    "expected VARIABLE=NUMBER[,VARIABLE=NUMBER...]",
				    option, text);
			throttle_load_spec_release(spec);
			return -1;
		}
		if (parse_item(spec, p, len, option, err) < 0) {
			throttle_load_spec_release(spec);
			return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

/* ---- the decision -------------------------------------------------- */

void throttle_decision_init(struct throttle_decision *d)
{
	memset(d, 0, sizeof(*d));
	strbuf_init(&d->reason, 0);
	d->max_lag_ms = -1;
}

void throttle_decision_release(struct throttle_decision *d)
{
	strbuf_release(&d->reason);
}

const char *throttle_action_name(enum throttle_action action)
{
	switch (action) {
	case THROTTLE_RUN:
		return "run";
	case THROTTLE_PAUSE:
		return "pause";
	case THROTTLE_ABORT:
		return "abort";
	}
	return "run";
}

void throttle_format_seconds(struct strbuf *out, uint64_t ms)
{
	uint64_t tenths = (ms + 50) / 100;

	strbuf_addf(out, "%" PRIu64 ".%" PRIu64 "s", tenths / 10, tenths % 10);
}

static uint64_t resume_level(uint64_t limit)
{
	return limit / 100 * THROTTLE_RESUME_PERCENT +
	       limit % 100 * THROTTLE_RESUME_PERCENT / 100;
}

static int is_stale(uint64_t at_ms, uint64_t now_ms, uint64_t stale_ms)
{
	return at_ms && now_ms > at_ms && now_ms - at_ms > stale_ms;
}

static void add_age(struct strbuf *sb, uint64_t at_ms, uint64_t now_ms)
{
	strbuf_addstr(sb, "last reading ");
	throttle_format_seconds(sb, now_ms - at_ms);
	strbuf_addstr(sb, " ago");
}

/*
 * Critical load: count a hit once per new reading over a threshold; a new
 * reading under every threshold resets the count. A failed or missing
 * reading changes nothing: the tool cannot abort on what it cannot see.
 */
static int check_critical(const struct throttle_limits *limits,
			  const struct throttle_inputs *in,
			  struct throttle_decide_state *st,
			  struct strbuf *reason)
{
	const struct throttle_load_spec *spec = limits->critical_load;
	const struct throttle_load_reading *r = in->critical_load;
	unsigned int need = limits->critical_hits ? limits->critical_hits
						  : THROTTLE_DEFAULT_CRITICAL_HITS;
	size_t i, over = SIZE_MAX;

	if (!spec || !spec->nr || !r || !r->at_ms || !r->ok)
		return 0;
	for (i = 0; i < spec->nr; i++) {
		if (r->present[i] && r->values[i] > spec->items[i].max) {
			over = i;
			break;
		}
	}
	if (r->at_ms > st->critical_seen_at_ms) {
		st->critical_seen_at_ms = r->at_ms;
		if (over == SIZE_MAX)
			st->critical_hits = 0;
		else
			st->critical_hits++;
	}
	if (over == SIZE_MAX || st->critical_hits < need)
		return 0;
	strbuf_addf(reason, "critical load %s=%llu>%llu in %u consecutive "
		    "check%s", spec->items[over].name, r->values[over],
		    spec->items[over].max, st->critical_hits,
		    st->critical_hits == 1 ? "" : "s");
	return 1;
}

/*
 * Max load: 1 when the load condition holds, with its reason. Unknown
 * (never read, stale, failed, missing variable) holds too.
 */
static int check_load(const struct throttle_limits *limits,
		      const struct throttle_inputs *in, uint64_t stale_ms,
		      struct throttle_decide_state *st, struct strbuf *reason)
{
	const struct throttle_load_spec *spec = limits->max_load;
	const struct throttle_load_reading *r = in->max_load;
	size_t i;

	if (!spec || !spec->nr) {
		st->load_holding = 0;
		return 0;
	}
	if (!r || !r->at_ms) {
		strbuf_addstr(reason, "load not read yet");
		return 1;
	}
	if (is_stale(r->at_ms, in->now_ms, stale_ms)) {
		st->load_holding = 1;
		strbuf_addstr(reason, "load unknown (");
		add_age(reason, r->at_ms, in->now_ms);
		strbuf_addch(reason, ')');
		return 1;
	}
	if (!r->ok) {
		st->load_holding = 1;
		strbuf_addf(reason, "load unknown: %s",
			    r->problem ? r->problem : "the probe failed");
		return 1;
	}
	for (i = 0; i < spec->nr; i++) {
		if (!r->present[i]) {
			strbuf_addf(reason, "load unknown: the server has no "
				    "status variable '%s'", spec->items[i].name);
			return 1;
		}
	}
	for (i = 0; i < spec->nr; i++) {
		unsigned long long max = spec->items[i].max;

		if (r->values[i] > max) {
			st->load_holding = 1;
			strbuf_addf(reason, "load %s=%llu>%llu",
				    spec->items[i].name, r->values[i], max);
			return 1;
		}
	}
	if (st->load_holding) {
		for (i = 0; i < spec->nr; i++) {
			unsigned long long level =
				resume_level(spec->items[i].max);

			if (r->values[i] > level) {
				strbuf_addf(reason, "load %s=%llu, not yet "
					    "down to %llu", spec->items[i].name,
					    r->values[i], level);
				return 1;
			}
		}
	}
	st->load_holding = 0;
	return 0;
}

/*
 * A replica that has not answered for max_unknown_ms: its lag may be
 * anything, for as long as it stays away, and waiting for it would hold
 * the run for ever (a cron job would hang). The one away longest is named.
 */
static int check_unreachable(const struct throttle_limits *limits,
			     const struct throttle_inputs *in,
			     struct strbuf *reason)
{
	const struct throttle_replica_reading *gone = NULL;
	size_t i;

	if (!limits->max_unknown_ms || !limits->max_lag_ms)
		return 0;
	for (i = 0; i < in->nr_replicas; i++) {
		const struct throttle_replica_reading *r = &in->replicas[i];

		if (!r->unreachable_since_ms ||
		    in->now_ms < r->unreachable_since_ms ||
		    in->now_ms - r->unreachable_since_ms <
			    limits->max_unknown_ms)
			continue;
		if (!gone || r->unreachable_since_ms < gone->unreachable_since_ms)
			gone = r;
	}
	if (!gone)
		return 0;
	strbuf_addf(reason, "lag unknown on %s for ", gone->name);
	throttle_format_seconds(reason,
				in->now_ms - gone->unreachable_since_ms);
	strbuf_addf(reason, ": %s", gone->problem && *gone->problem
					    ? gone->problem
					    : "it cannot be reached");
	return 1;
}

/*
 * Replica lag: the worst replica decides. A replica with a problem or no
 * fresh reading is worse than any measured lag.
 */
static int check_lag(const struct throttle_limits *limits,
		     const struct throttle_inputs *in, uint64_t stale_ms,
		     struct throttle_decide_state *st,
		     struct throttle_decision *out, struct strbuf *reason)
{
	const struct throttle_replica_reading *worst = NULL;
	const struct throttle_replica_reading *unknown = NULL;
	int unknown_kind = 0;	/* 1 never read, 2 stale, 3 problem */
	uint64_t limit = limits->max_lag_ms, level;
	size_t i;

	for (i = 0; i < in->nr_replicas; i++) {
		const struct throttle_replica_reading *r = &in->replicas[i];
		int kind = 0;

		if (!r->at_ms)
			kind = 1;
		else if (is_stale(r->at_ms, in->now_ms, stale_ms))
			kind = 2;
		else if (!r->ok)
			kind = 3;
		if (kind) {
			/* Prefer the most telling reason: a problem. */
			if (!unknown || kind > unknown_kind) {
				unknown = r;
				unknown_kind = kind;
			}
			continue;
		}
		if (!worst || r->lag_ms > worst->lag_ms)
			worst = r;
	}
	if (worst) {
		out->max_lag_ms = (int64_t)worst->lag_ms;
		out->max_lag_replica = worst->name;
	}
	if (!limit) {
		st->lag_holding = 0;
		return 0;
	}
	if (unknown) {
		/* Once measurable again, it must come down below the
		 * resume level like a lag that was too high. */
		if (unknown_kind > 1)
			st->lag_holding = 1;
		switch (unknown_kind) {
		case 1:
			strbuf_addf(reason, "lag unknown on %s: no reading "
				    "yet", unknown->name);
			break;
		case 2:
			strbuf_addf(reason, "lag unknown on %s (",
				    unknown->name);
			add_age(reason, unknown->at_ms, in->now_ms);
			strbuf_addch(reason, ')');
			break;
		default:
			strbuf_addf(reason, "lag unknown on %s: %s",
				    unknown->name,
				    unknown->problem ? unknown->problem
						     : "the probe failed");
			break;
		}
		return 1;
	}
	if (!worst) {
		st->lag_holding = 0;
		return 0;
	}
	if (worst->lag_ms > limit) {
		st->lag_holding = 1;
		strbuf_addstr(reason, "lag ");
		throttle_format_seconds(reason, worst->lag_ms);
		strbuf_addf(reason, " on %s", worst->name);
		return 1;
	}
	level = resume_level(limit);
	if (st->lag_holding && worst->lag_ms > level) {
		strbuf_addstr(reason, "lag ");
		throttle_format_seconds(reason, worst->lag_ms);
		strbuf_addf(reason, " on %s, not yet down to ", worst->name);
		throttle_format_seconds(reason, level);
		return 1;
	}
	st->lag_holding = 0;
	return 0;
}

/*
 * Galera flow control: a node not read (or read too long ago) pauses, as
 * a replica without a lag reading does; a receive queue at or over the
 * node's flow-control limit pauses, and holds until it is at or below
 * THROTTLE_RESUME_PERCENT of it; with --max-flow-ctl, a node paused by
 * flow control for more than that fraction of the last interval pauses.
 */
static int check_flow(const struct throttle_limits *limits,
		      const struct throttle_inputs *in, uint64_t stale_ms,
		      struct throttle_decide_state *st, struct strbuf *reason)
{
	size_t i;
	int hit = 0;

	for (i = 0; i < in->nr_galera && !hit; i++) {
		const struct throttle_galera_reading *g = &in->galera[i];
		uint64_t limit = g->recv_limit ? g->recv_limit : 16;

		if (!g->at_ms || is_stale(g->at_ms, in->now_ms, stale_ms)) {
			strbuf_addf(reason, "flow control unknown on %s (",
				    g->name);
			if (g->at_ms)
				add_age(reason, g->at_ms, in->now_ms);
			else
				strbuf_addstr(reason, "not read yet");
			strbuf_addch(reason, ')');
			hit = 1;
		} else if (!g->ok) {
			strbuf_addf(reason, "flow control unknown on %s: %s",
				    g->name,
				    g->problem ? g->problem : "unknown error");
			hit = 1;
		} else if (st->flow_holding
				   ? g->recv_queue > resume_level(limit)
				   : g->recv_queue >= limit) {
			strbuf_addf(reason,
				    "flow control: wsrep_local_recv_queue %"
				    PRIu64 " on %s (limit %" PRIu64 ")",
				    g->recv_queue, g->name, limit);
			hit = 1;
		} else if (limits->max_flow_ctl_set && g->fc_paused >= 0 &&
			   (g->fc_paused > limits->max_flow_ctl ||
			    (limits->max_flow_ctl <= 0 && g->fc_paused > 0))) {
			strbuf_addf(reason,
				    "flow control: paused %.0f%% of the last "
				    "interval on %s (--max-flow-ctl=%g)",
				    g->fc_paused * 100, g->name,
				    limits->max_flow_ctl);
			hit = 1;
		}
	}
	st->flow_holding = hit;
	return hit;
}

static int check_query(const struct throttle_inputs *in, uint64_t stale_ms,
		       struct strbuf *reason)
{
	const struct throttle_query_reading *q = in->query;

	if (!in->query_configured)
		return 0;
	if (!q || !q->at_ms) {
		strbuf_addstr(reason, "throttle query not run yet");
		return 1;
	}
	if (is_stale(q->at_ms, in->now_ms, stale_ms)) {
		strbuf_addstr(reason, "throttle query result unknown (");
		add_age(reason, q->at_ms, in->now_ms);
		strbuf_addch(reason, ')');
		return 1;
	}
	if (!q->ok) {
		strbuf_addf(reason, "throttle query failed: %s",
			    q->problem ? q->problem : "unknown error");
		return 1;
	}
	if (q->throttle) {
		strbuf_addf(reason, "throttle query returned %s",
			    q->value ? q->value : "non-zero");
		return 1;
	}
	return 0;
}

void throttle_decide(const struct throttle_limits *limits,
		     const struct throttle_inputs *in,
		     struct throttle_decide_state *st,
		     struct throttle_decision *out)
{
	uint64_t stale_ms = limits->stale_ms ? limits->stale_ms
					     : THROTTLE_DEFAULT_STALE_MS;
	struct strbuf r_crit = STRBUF_INIT, r_query = STRBUF_INIT;
	struct strbuf r_load = STRBUF_INIT, r_lag = STRBUF_INIT;
	struct strbuf r_gone = STRBUF_INIT, r_flow = STRBUF_INIT;
	int crit, query, load, lag, gone, flow;

	strbuf_reset(&out->reason);
	out->action = THROTTLE_RUN;
	out->cause = THROTTLE_CAUSE_NONE;
	out->max_lag_ms = -1;
	out->max_lag_replica = NULL;

	/*
	 * Every condition is evaluated on every call, whatever holds first,
	 * so that the hysteresis state and the critical count stay true
	 * while another condition is the one reported.
	 */
	crit = check_critical(limits, in, st, &r_crit);
	query = check_query(in, stale_ms, &r_query);
	load = check_load(limits, in, stale_ms, st, &r_load);
	lag = check_lag(limits, in, stale_ms, st, out, &r_lag);
	flow = check_flow(limits, in, stale_ms, st, &r_flow);
	gone = check_unreachable(limits, in, &r_gone);

	if (crit) {
		out->action = THROTTLE_ABORT;
		out->cause = THROTTLE_CAUSE_CRITICAL_LOAD;
		strbuf_addbuf(&out->reason, &r_crit);
	} else if (gone) {
		out->action = THROTTLE_ABORT;
		out->cause = THROTTLE_CAUSE_UNREACHABLE;
		strbuf_addbuf(&out->reason, &r_gone);
	} else if (in->user_throttle) {
		out->action = THROTTLE_PAUSE;
		out->cause = THROTTLE_CAUSE_USER;
		strbuf_addstr(&out->reason, "throttled by user");
	} else if (in->flag_file) {
		out->action = THROTTLE_PAUSE;
		out->cause = THROTTLE_CAUSE_FLAG_FILE;
		strbuf_addf(&out->reason, "flag file '%s' exists",
			    in->flag_file);
	} else if (query) {
		out->action = THROTTLE_PAUSE;
		out->cause = THROTTLE_CAUSE_QUERY;
		strbuf_addbuf(&out->reason, &r_query);
	} else if (load) {
		out->action = THROTTLE_PAUSE;
		out->cause = THROTTLE_CAUSE_LOAD;
		strbuf_addbuf(&out->reason, &r_load);
	} else if (flow) {
		out->action = THROTTLE_PAUSE;
		out->cause = THROTTLE_CAUSE_FLOW_CONTROL;
		strbuf_addbuf(&out->reason, &r_flow);
	} else if (lag) {
		out->action = THROTTLE_PAUSE;
		out->cause = THROTTLE_CAUSE_LAG;
		strbuf_addbuf(&out->reason, &r_lag);
	}
	strbuf_release(&r_crit);
	strbuf_release(&r_query);
	strbuf_release(&r_load);
	strbuf_release(&r_lag);
	strbuf_release(&r_flow);
	strbuf_release(&r_gone);
}
