/*
 * test-throttle.c: the throttle decision, load specs, replica specs and
 * the heartbeat text (throttle/throttle.h), table-driven.
 *
 * Each decision case is a sequence of steps fed to one decide state, so
 * that hysteresis, stale readings and the critical-load count (which all
 * depend on what came before) are tested as sequences.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "throttle/throttle.h"
#include "util/db.h"
#include "util/strbuf.h"

/* ---- load specs ---------------------------------------------------- */

static const struct {
	const char *text;
	const char *canonical;	/* NULL: an error is expected */
	const char *error;	/* substring of the error */
} spec_cases[] = {
	{ "", "", NULL },
	{ "Threads_running=25", "Threads_running=25", NULL },
	{ "Threads_running=25,Threads_connected=100",
	  "Threads_running=25,Threads_connected=100", NULL },
	{ " Threads_running=25 , Innodb_row_lock_current_waits=0 ",
	  "Threads_running=25,Innodb_row_lock_current_waits=0", NULL },
	{ "Threads_running", NULL, "expected VARIABLE=NUMBER" },
	{ "=25", NULL, "expected VARIABLE=NUMBER" },
	{ "Threads_running=", NULL, "threshold is missing" },
	{ "Threads_running=abc", NULL, "non-negative integer" },
	{ "Threads_running=-1", NULL, "non-negative integer" },
	{ "Threads_running=2.5", NULL, "non-negative integer" },
	{ "Threads running=2", NULL, "letters, digits and '_'" },
	{ "x'y=2", NULL, "letters, digits and '_'" },
	{ "a=1,,b=2", NULL, "empty item" },
	{ "a=1,", NULL, "empty item" },
	{ "a=1,A=2", NULL, "given twice" },
	{ "a=99999999999999999999999", NULL, "too large" },
	{ "a=18446744073709551615", "a=18446744073709551615", NULL },
};

static void test_load_spec_parse(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spec_cases); i++) {
		struct throttle_load_spec spec = THROTTLE_LOAD_SPEC_INIT;
		struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
		int ret = throttle_load_spec_parse(&spec, spec_cases[i].text,
						   "max-load", &err);

		if (spec_cases[i].canonical) {
			if (ret)
				fail_msg("'%s': unexpected error %s",
					 spec_cases[i].text, err.buf);
			throttle_load_spec_format(&spec, &out);
			assert_string_equal(out.buf, spec_cases[i].canonical);
		} else {
			if (!ret)
				fail_msg("'%s': no error", spec_cases[i].text);
			assert_int_equal(spec.nr, 0);
			if (!strstr(err.buf, spec_cases[i].error))
				fail_msg("'%s': error '%s' lacks '%s'",
					 spec_cases[i].text, err.buf,
					 spec_cases[i].error);
			assert_non_null(strstr(err.buf, "--max-load"));
			assert_null(strchr(err.buf, '\n'));
		}
		throttle_load_spec_release(&spec);
		strbuf_release(&err);
		strbuf_release(&out);
	}
}

/* ---- decisions ----------------------------------------------------- */

#define MAX_REPLICAS 2
#define MAX_STEPS 8

/* One replica reading in a step; at 0 = never read. */
struct rep {
	uint64_t at;
	int ok;
	uint64_t lag;
	const char *problem;
	uint64_t gone;		/* unreachable since; 0: it answers */
};

struct step {
	uint64_t now;
	struct rep rep[MAX_REPLICAS];
	/* max-load reading: at 0 = none; values aligned with the spec */
	uint64_t load_at;
	int load_ok;
	unsigned long long load[2];
	int load_missing;		/* the 1st variable is absent */
	uint64_t crit_at;
	unsigned long long crit[1];
	const char *flag;
	int user;
	uint64_t query_at;		/* 0: not configured */
	int query_ok;
	int query_throttle;
	enum throttle_action want;
	const char *reason;		/* exact */
	int64_t want_max_lag;		/* checked when non-zero */
	uint64_t max_unknown;		/* --max-lag-unknown; 0: never */
};

struct decide_case {
	const char *name;
	uint64_t max_lag_ms;
	const char *max_load;
	const char *critical_load;
	unsigned int hits;
	size_t nr_replicas;
	struct step steps[MAX_STEPS];
};

#define OK(at, lag) { at, 1, lag, NULL, 0 }
#define BAD(at, why) { at, 0, 0, why, 0 }
#define GONE(at, why, since) { at, 0, 0, why, since }
#define END { 0 }

static const char *const replica_names[MAX_REPLICAS] = {
	"127.0.0.1:3307", "10.0.0.2:3306"
};

static const struct decide_case decide_cases[] = {
	{ "nothing configured runs", 0, NULL, NULL, 0, 0, {
		{ .now = 1000, .want = THROTTLE_RUN, .reason = "" },
		END } },
	{ "lag under the limit runs", 1500, NULL, NULL, 0, 2, {
		{ .now = 1000, .rep = { OK(900, 200), OK(950, 700) },
		  .want = THROTTLE_RUN, .reason = "", .want_max_lag = 700 },
		END } },
	{ "lag over the limit names the worst replica", 1500, NULL, NULL, 0,
	  2, {
		{ .now = 1000, .rep = { OK(900, 4200), OK(950, 1600) },
		  .want = THROTTLE_PAUSE, .reason = "lag 4.2s on 127.0.0.1:3307",
		  .want_max_lag = 4200 },
		END } },
	{ "lag hysteresis: resume only at or below 80%", 1500, NULL, NULL, 0,
	  1, {
		{ .now = 1000, .rep = { OK(1000, 1400) },
		  .want = THROTTLE_RUN, .reason = "" },
		{ .now = 1500, .rep = { OK(1500, 1600) },
		  .want = THROTTLE_PAUSE, .reason = "lag 1.6s on 127.0.0.1:3307" },
		{ .now = 2000, .rep = { OK(2000, 1400) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag 1.4s on 127.0.0.1:3307, not yet down to 1.2s" },
		{ .now = 2500, .rep = { OK(2500, 1250) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag 1.3s on 127.0.0.1:3307, not yet down to 1.2s" },
		{ .now = 3000, .rep = { OK(3000, 1200) },
		  .want = THROTTLE_RUN, .reason = "" },
		{ .now = 3500, .rep = { OK(3500, 1400) },
		  .want = THROTTLE_RUN, .reason = "" },
		END } },
	{ "a replica never read pauses", 1500, NULL, NULL, 0, 2, {
		{ .now = 1000, .rep = { OK(900, 10), { 0 } },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 10.0.0.2:3306: no reading yet" },
		{ .now = 1500, .rep = { OK(1500, 10), OK(1500, 1300) },
		  .want = THROTTLE_RUN, .reason = "" },
		END } },
	{ "a stale reading pauses, and holds until 80%", 1500, NULL, NULL, 0,
	  1, {
		{ .now = 1000, .rep = { OK(1000, 100) },
		  .want = THROTTLE_RUN, .reason = "" },
		{ .now = 4000, .rep = { OK(1000, 100) },
		  .want = THROTTLE_RUN, .reason = "" },
		{ .now = 4001, .rep = { OK(1000, 100) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 127.0.0.1:3307 (last reading 3.0s "
			    "ago)" },
		{ .now = 5000, .rep = { OK(5000, 1300) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag 1.3s on 127.0.0.1:3307, not yet down to 1.2s" },
		{ .now = 5500, .rep = { OK(5500, 300) },
		  .want = THROTTLE_RUN, .reason = "" },
		END } },
	{ "an unreachable or stopped replica pauses", 1500, NULL, NULL, 0, 2,
	  {
		{ .now = 1000,
		  .rep = { OK(1000, 9000),
			   BAD(1000, "cannot connect to 10.0.0.2:3306") },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 10.0.0.2:3306: cannot connect to "
			    "10.0.0.2:3306", .want_max_lag = 9000 },
		{ .now = 1500,
		  .rep = { BAD(1500, "replication stopped "
				     "(Slave_SQL_Running: No)"),
			   OK(1500, 10) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 127.0.0.1:3307: replication "
			    "stopped (Slave_SQL_Running: No)",
		  .want_max_lag = 10 },
		END } },
	{ "max-lag 0 turns the lag check off", 0, NULL, NULL, 0, 1, {
		{ .now = 1000, .rep = { BAD(1000, "cannot connect") },
		  .want = THROTTLE_RUN, .reason = "" },
		END } },
	{ "max-load pauses above the threshold, with hysteresis", 0,
	  "Threads_running=25,Threads_connected=1000", NULL, 0, 0, {
		{ .now = 1000, .load_at = 1000, .load_ok = 1,
		  .load = { 25, 10 }, .want = THROTTLE_RUN, .reason = "" },
		{ .now = 2000, .load_at = 2000, .load_ok = 1,
		  .load = { 40, 10 }, .want = THROTTLE_PAUSE,
		  .reason = "load Threads_running=40>25" },
		{ .now = 3000, .load_at = 3000, .load_ok = 1,
		  .load = { 21, 10 }, .want = THROTTLE_PAUSE,
		  .reason = "load Threads_running=21, not yet down to 20" },
		{ .now = 4000, .load_at = 4000, .load_ok = 1,
		  .load = { 20, 1001 }, .want = THROTTLE_PAUSE,
		  .reason = "load Threads_connected=1001>1000" },
		{ .now = 5000, .load_at = 5000, .load_ok = 1,
		  .load = { 20, 800 }, .want = THROTTLE_RUN, .reason = "" },
		END } },
	{ "max-load unknown pauses", 0, "Threads_running=25", NULL, 0, 0, {
		{ .now = 1000, .want = THROTTLE_PAUSE,
		  .reason = "load not read yet" },
		{ .now = 1000, .load_at = 1000, .load_ok = 1, .load_missing = 1,
		  .want = THROTTLE_PAUSE,
		  .reason = "load unknown: the server has no status variable "
			    "'Threads_running'" },
		{ .now = 9000, .load_at = 1000, .load_ok = 1,
		  .load = { 1, 0 }, .want = THROTTLE_PAUSE,
		  .reason = "load unknown (last reading 8.0s ago)" },
		{ .now = 9500, .load_at = 9500, .load_ok = 0,
		  .want = THROTTLE_PAUSE,
		  .reason = "load unknown: server gone" },
		{ .now = 9600, .load_at = 9600, .load_ok = 1,
		  .load = { 1, 0 }, .want = THROTTLE_RUN, .reason = "" },
		END } },
	{ "critical load aborts after 3 consecutive readings", 0, NULL,
	  "Threads_running=80", 0, 0, {
		{ .now = 1000, .crit_at = 1000, .crit = { 90 },
		  .want = THROTTLE_RUN, .reason = "" },
		/* the same reading seen again does not count twice */
		{ .now = 1100, .crit_at = 1000, .crit = { 90 },
		  .want = THROTTLE_RUN, .reason = "" },
		{ .now = 2000, .crit_at = 2000, .crit = { 95 },
		  .want = THROTTLE_RUN, .reason = "" },
		/* one reading under resets the count */
		{ .now = 3000, .crit_at = 3000, .crit = { 80 },
		  .want = THROTTLE_RUN, .reason = "" },
		{ .now = 4000, .crit_at = 4000, .crit = { 81 },
		  .want = THROTTLE_RUN, .reason = "" },
		{ .now = 5000, .crit_at = 5000, .crit = { 82 },
		  .want = THROTTLE_RUN, .reason = "" },
		{ .now = 6000, .crit_at = 6000, .crit = { 83 }, .user = 1,
		  .want = THROTTLE_ABORT,
		  .reason = "critical load Threads_running=83>80 in 3 "
			    "consecutive checks" },
		END } },
	{ "critical load with K=1", 0, NULL, "Threads_running=0", 1, 0, {
		{ .now = 1000, .crit_at = 1000, .crit = { 1 },
		  .want = THROTTLE_ABORT,
		  .reason = "critical load Threads_running=1>0 in 1 "
			    "consecutive check" },
		END } },
	{ "precedence: user, flag file, query, load, lag", 1000,
	  "Threads_running=1", NULL, 0, 1, {
		{ .now = 1000, .rep = { OK(1000, 5000) }, .load_at = 1000,
		  .load_ok = 1, .load = { 5, 0 }, .flag = "/tmp/x",
		  .user = 1, .query_at = 1000, .query_ok = 1,
		  .query_throttle = 1, .want = THROTTLE_PAUSE,
		  .reason = "throttled by user" },
		{ .now = 1000, .rep = { OK(1000, 5000) }, .load_at = 1000,
		  .load_ok = 1, .load = { 5, 0 }, .flag = "/tmp/x",
		  .query_at = 1000, .query_ok = 1, .query_throttle = 1,
		  .want = THROTTLE_PAUSE, .reason = "flag file '/tmp/x' exists" },
		{ .now = 1000, .rep = { OK(1000, 5000) }, .load_at = 1000,
		  .load_ok = 1, .load = { 5, 0 }, .query_at = 1000,
		  .query_ok = 1, .query_throttle = 1, .want = THROTTLE_PAUSE,
		  .reason = "throttle query returned 1" },
		{ .now = 1000, .rep = { OK(1000, 5000) }, .load_at = 1000,
		  .load_ok = 1, .load = { 5, 0 }, .query_at = 1000,
		  .query_ok = 1, .want = THROTTLE_PAUSE,
		  .reason = "load Threads_running=5>1" },
		{ .now = 1000, .rep = { OK(1000, 5000) }, .load_at = 1000,
		  .load_ok = 1, .load = { 0, 0 }, .query_at = 1000,
		  .query_ok = 1, .want = THROTTLE_PAUSE,
		  .reason = "lag 5.0s on 127.0.0.1:3307" },
		{ .now = 1000, .rep = { OK(1000, 0) }, .load_at = 1000,
		  .load_ok = 1, .load = { 0, 0 }, .query_at = 1000,
		  .query_ok = 1, .want = THROTTLE_RUN, .reason = "" },
		END } },
	{ "throttle query failure and staleness pause", 0, NULL, NULL, 0, 0, {
		{ .now = 1000, .query_at = 1000, .query_ok = 0,
		  .want = THROTTLE_PAUSE,
		  .reason = "throttle query failed: no such table" },
		{ .now = 5000, .query_at = 1000, .query_ok = 1,
		  .want = THROTTLE_PAUSE,
		  .reason = "throttle query result unknown (last reading 4.0s "
			    "ago)" },
		END } },
	{ .name = "an unreachable replica aborts after --max-lag-unknown",
	  .max_lag_ms = 1500, .nr_replicas = 2,
	  .steps = {
		{ .max_unknown = 60000, .now = 1000,
		  .rep = { OK(1000, 10), GONE(1000, "cannot connect", 1000) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 10.0.0.2:3306: cannot connect" },
		{ .max_unknown = 60000, .now = 60999,
		  .rep = { OK(60999, 10), GONE(60999, "cannot connect", 1000) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 10.0.0.2:3306: cannot connect" },
		/* replication stopped answers: only a pause, however long */
		{ .max_unknown = 60000, .now = 61000,
		  .rep = { BAD(61000, "replication stopped"),
			   GONE(61000, "cannot connect", 1000) },
		  .want = THROTTLE_ABORT,
		  .reason = "lag unknown on 10.0.0.2:3306 for 60.0s: cannot "
			    "connect" },
		/* above the user's pause too */
		{ .max_unknown = 60000, .now = 62000, .user = 1,
		  .rep = { OK(62000, 10), GONE(62000, "cannot connect", 1000) },
		  .want = THROTTLE_ABORT,
		  .reason = "lag unknown on 10.0.0.2:3306 for 61.0s: cannot "
			    "connect" },
		END } },
	{ .name = "a replica that answers again does not abort",
	  .max_lag_ms = 1500, .nr_replicas = 1,
	  .steps = {
		{ .max_unknown = 5000, .now = 4000, .rep = { GONE(4000, "lost the connection",
					     1000) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 127.0.0.1:3307: lost the "
			    "connection" },
		{ .max_unknown = 5000, .now = 7000, .rep = { BAD(7000, "replication stopped") },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 127.0.0.1:3307: replication "
			    "stopped" },
		END } },
	{ .name = "without --max-lag-unknown an unreachable replica pauses",
	  .max_lag_ms = 1500, .nr_replicas = 1, .steps = {
		{ .now = 3600000,
		  .rep = { GONE(3600000, "cannot connect", 1) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag unknown on 127.0.0.1:3307: cannot connect" },
		END } },
	{ "lag hysteresis survives a user pause", 1000, NULL, NULL, 0, 1, {
		{ .now = 1000, .rep = { OK(1000, 2000) }, .user = 1,
		  .want = THROTTLE_PAUSE, .reason = "throttled by user" },
		{ .now = 2000, .rep = { OK(2000, 900) },
		  .want = THROTTLE_PAUSE,
		  .reason = "lag 0.9s on 127.0.0.1:3307, not yet down to 0.8s" },
		{ .now = 3000, .rep = { OK(3000, 700) },
		  .want = THROTTLE_RUN, .reason = "" },
		END } },
};

static void run_step(const struct decide_case *c, const struct step *s,
		     size_t stepno, const struct throttle_limits *limits,
		     struct throttle_decide_state *st)
{
	struct throttle_replica_reading reps[MAX_REPLICAS];
	struct throttle_load_reading load, crit;
	struct throttle_query_reading query;
	struct throttle_inputs in;
	struct throttle_decision d;
	unsigned char load_present[2] = { 1, 1 }, crit_present[1] = { 1 };
	size_t i;

	memset(&in, 0, sizeof(in));
	in.now_ms = s->now;
	for (i = 0; i < c->nr_replicas; i++) {
		reps[i].name = replica_names[i];
		reps[i].at_ms = s->rep[i].at;
		reps[i].ok = s->rep[i].ok;
		reps[i].lag_ms = s->rep[i].lag;
		reps[i].problem = s->rep[i].problem;
		reps[i].unreachable_since_ms = s->rep[i].gone;
	}
	in.replicas = reps;
	in.nr_replicas = c->nr_replicas;
	if (s->load_at) {
		if (s->load_missing)
			load_present[0] = 0;
		load.at_ms = s->load_at;
		load.ok = s->load_ok;
		load.problem = s->load_ok ? NULL : "server gone";
		load.values = s->load;
		load.present = load_present;
		in.max_load = &load;
	}
	if (s->crit_at) {
		crit.at_ms = s->crit_at;
		crit.ok = 1;
		crit.problem = NULL;
		crit.values = s->crit;
		crit.present = crit_present;
		in.critical_load = &crit;
	}
	if (s->query_at) {
		in.query_configured = 1;
		query.at_ms = s->query_at;
		query.ok = s->query_ok;
		query.problem = s->query_ok ? NULL : "no such table";
		query.throttle = s->query_throttle;
		query.value = s->query_throttle ? "1" : "0";
		in.query = &query;
	}
	in.flag_file = s->flag;
	in.user_throttle = s->user;

	throttle_decision_init(&d);
	{
		struct throttle_limits l = *limits;

		l.max_unknown_ms = s->max_unknown;
		throttle_decide(&l, &in, st, &d);
	}
	if (d.action != s->want || strcmp(d.reason.buf, s->reason))
		fail_msg("case '%s' step %zu: got %s '%s', want %s '%s'",
			 c->name, stepno, throttle_action_name(d.action),
			 d.reason.buf, throttle_action_name(s->want),
			 s->reason);
	if (s->want_max_lag && d.max_lag_ms != s->want_max_lag)
		fail_msg("case '%s' step %zu: max lag %" PRId64 ", want %"
			 PRId64, c->name, stepno, d.max_lag_ms,
			 s->want_max_lag);
	assert_null(strchr(d.reason.buf, '\n'));
	throttle_decision_release(&d);
}

static void test_decide(void **state)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(decide_cases); i++) {
		const struct decide_case *c = &decide_cases[i];
		struct throttle_load_spec max_load = THROTTLE_LOAD_SPEC_INIT;
		struct throttle_load_spec crit = THROTTLE_LOAD_SPEC_INIT;
		struct throttle_decide_state st = THROTTLE_DECIDE_STATE_INIT;
		struct throttle_limits limits;
		struct strbuf err = STRBUF_INIT;

		assert_int_equal(throttle_load_spec_parse(&max_load,
							  c->max_load, "max-load",
							  &err), 0);
		assert_int_equal(throttle_load_spec_parse(&crit,
							  c->critical_load,
							  "critical-load", &err),
				 0);
		memset(&limits, 0, sizeof(limits));
		limits.max_lag_ms = c->max_lag_ms;
		limits.max_load = &max_load;
		limits.critical_load = &crit;
		limits.critical_hits = c->hits;
		for (j = 0; j < MAX_STEPS && c->steps[j].now; j++)
			run_step(c, &c->steps[j], j, &limits, &st);
		throttle_load_spec_release(&max_load);
		throttle_load_spec_release(&crit);
		strbuf_release(&err);
	}
}

/*
 * Galera flow control (issue 16): one node's readings, step by step, with
 * --max-flow-ctl off (-1) or a fraction.
 */
static const struct {
	const char *name;
	double max_flow_ctl;	/* < 0: not given */
	struct {
		uint64_t now, at;
		int ok;
		uint64_t queue, limit;
		double paused;
		enum throttle_action want;
		const char *reason;
	} steps[5];
} flow_cases[] = {
	{ "no reading yet pauses", -1, {
		{ 1000, 0, 0, 0, 16, -1, THROTTLE_PAUSE,
		  "flow control unknown on 127.0.0.1:3306 (not read yet)" },
		{ 0 } } },
	{ "a queue at the limit pauses until 80% of it", -1, {
		{ 1000, 1000, 1, 3, 16, -1, THROTTLE_RUN, "" },
		{ 2000, 2000, 1, 16, 16, -1, THROTTLE_PAUSE,
		  "flow control: wsrep_local_recv_queue 16 on 127.0.0.1:3306 "
		  "(limit 16)" },
		{ 3000, 3000, 1, 13, 16, -1, THROTTLE_PAUSE,
		  "flow control: wsrep_local_recv_queue 13 on 127.0.0.1:3306 "
		  "(limit 16)" },
		{ 4000, 4000, 1, 12, 16, -1, THROTTLE_RUN, "" },
		{ 0 } } },
	{ "paused time is not checked without --max-flow-ctl", -1, {
		{ 1000, 1000, 1, 0, 16, 0.9, THROTTLE_RUN, "" },
		{ 0 } } },
	{ "paused time over --max-flow-ctl pauses", 0.25, {
		{ 1000, 1000, 1, 0, 16, 0.2, THROTTLE_RUN, "" },
		{ 2000, 2000, 1, 0, 16, 0.5, THROTTLE_PAUSE,
		  "flow control: paused 50% of the last interval on "
		  "127.0.0.1:3306 (--max-flow-ctl=0.25)" },
		{ 3000, 3000, 1, 0, 16, 0, THROTTLE_RUN, "" },
		{ 0 } } },
	{ "--max-flow-ctl=0 pauses on any flow control", 0, {
		{ 1000, 1000, 1, 0, 16, 0.01, THROTTLE_PAUSE,
		  "flow control: paused 1% of the last interval on "
		  "127.0.0.1:3306 (--max-flow-ctl=0)" },
		{ 2000, 2000, 1, 0, 16, 0, THROTTLE_RUN, "" },
		{ 0 } } },
	{ "a node that cannot be read pauses", 0.5, {
		{ 1000, 1000, 0, 0, 16, -1, THROTTLE_PAUSE,
		  "flow control unknown on 127.0.0.1:3306: gone" },
		{ 0 } } },
	{ "a stale reading pauses", -1, {
		{ 10000, 1000, 1, 0, 16, -1, THROTTLE_PAUSE,
		  "flow control unknown on 127.0.0.1:3306 (last reading 9.0s ago)" },
		{ 0 } } },
};

static void test_decide_flow(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flow_cases); i++) {
		struct throttle_decide_state st = THROTTLE_DECIDE_STATE_INIT;
		struct throttle_limits limits;

		memset(&limits, 0, sizeof(limits));
		limits.max_flow_ctl_set = flow_cases[i].max_flow_ctl >= 0;
		limits.max_flow_ctl = flow_cases[i].max_flow_ctl;
		for (j = 0; flow_cases[i].steps[j].now; j++) {
			struct throttle_galera_reading g;
			struct throttle_inputs in;
			struct throttle_decision d;

			memset(&in, 0, sizeof(in));
			g.name = "127.0.0.1:3306";
			g.at_ms = flow_cases[i].steps[j].at;
			g.ok = flow_cases[i].steps[j].ok;
			g.problem = "gone";
			g.recv_queue = flow_cases[i].steps[j].queue;
			g.recv_limit = flow_cases[i].steps[j].limit;
			g.fc_paused = flow_cases[i].steps[j].paused;
			in.now_ms = flow_cases[i].steps[j].now;
			in.galera = &g;
			in.nr_galera = 1;
			throttle_decision_init(&d);
			throttle_decide(&limits, &in, &st, &d);
			if (d.action != flow_cases[i].steps[j].want ||
			    strcmp(d.reason.buf, flow_cases[i].steps[j].reason))
				fail_msg("case '%s' step %zu: got %s '%s', "
					 "want '%s'",
					 flow_cases[i].name, j,
					 throttle_action_name(d.action),
					 d.reason.buf,
					 flow_cases[i].steps[j].reason);
			if (d.action == THROTTLE_PAUSE)
				assert_int_equal(d.cause,
						 THROTTLE_CAUSE_FLOW_CONTROL);
			throttle_decision_release(&d);
		}
	}
}

/* ---- replica specs, seconds, heartbeat ----------------------------- */

static const struct {
	const char *spec;
	const char *name;	/* NULL: error */
} replica_cases[] = {
	{ "db2", "db2:3306" },
	{ "db2:3307", "db2:3307" },
	{ "127.0.0.1:13306", "127.0.0.1:13306" },
	{ "[::1]:3307", "[::1]:3307" },
	{ "[::1]", "[::1]:3306" },
	{ "", NULL },
	{ ":3306", NULL },
	{ "db2:", NULL },
	{ "db2:0", NULL },
	{ "db2:65536", NULL },
	{ "db2:33x", NULL },
	{ "[::1", NULL },
	{ "::1", NULL },
};

static void test_replica_parse(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(replica_cases); i++) {
		struct throttle_replica_list list = THROTTLE_REPLICA_LIST_INIT;
		struct strbuf err = STRBUF_INIT, name = STRBUF_INIT;
		int ret = throttle_replica_parse(&list, replica_cases[i].spec,
						 &err);

		if (replica_cases[i].name) {
			if (ret)
				fail_msg("'%s': %s", replica_cases[i].spec,
					 err.buf);
			assert_int_equal(list.nr, 1);
			throttle_replica_name(&name, &list.items[0]);
			assert_string_equal(name.buf, replica_cases[i].name);
			/* the same again is not added twice */
			assert_int_equal(throttle_replica_parse(
				&list, replica_cases[i].spec, &err), 0);
			assert_int_equal(list.nr, 1);
		} else {
			if (!ret)
				fail_msg("'%s': no error", replica_cases[i].spec);
			assert_int_equal(list.nr, 0);
			assert_true(err.len > 0);
		}
		throttle_replica_list_release(&list);
		strbuf_release(&err);
		strbuf_release(&name);
	}
}

static void test_format_seconds(void **state)
{
	static const struct {
		uint64_t ms;
		const char *want;
	} cases[] = {
		{ 0, "0.0s" }, { 49, "0.0s" }, { 50, "0.1s" },
		{ 4200, "4.2s" }, { 4249, "4.2s" }, { 59999, "60.0s" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;

		throttle_format_seconds(&sb, cases[i].ms);
		assert_string_equal(sb.buf, cases[i].want);
		strbuf_release(&sb);
	}
}

static void test_heartbeat_text(void **state)
{
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	uint64_t us = 0;

	assert_int_equal(throttle_heartbeat_sql(&sql, "shop", "_or`ders_osc",
						1763702558123456ULL, &err),
			 0);
	assert_string_equal(
		sql.buf,
		"INSERT INTO `shop`.`_or``ders_osc` (id, hint, value) "
		"VALUES (1, 'heartbeat', '1763702558123456') "
		"ON DUPLICATE KEY UPDATE value = '1763702558123456'");
	assert_int_equal(throttle_heartbeat_parse("1763702558123456", &us), 0);
	assert_true(us == 1763702558123456ULL);
	assert_int_equal(throttle_heartbeat_parse("", &us), -1);
	assert_int_equal(throttle_heartbeat_parse("12x", &us), -1);
	assert_int_equal(throttle_heartbeat_parse("2026-11-21", &us), -1);
	assert_int_equal(throttle_heartbeat_parse(
				 "99999999999999999999999", &us), -1);

	strbuf_reset(&sql);
	assert_int_equal(throttle_changelog_create_sql(&sql, "shop",
						       "_orders_osc", &err), 0);
	assert_non_null(strstr(sql.buf, "CREATE TABLE `shop`.`_orders_osc`"));
	assert_non_null(strstr(sql.buf, "UNIQUE KEY"));
	strbuf_reset(&sql);
	assert_int_equal(throttle_changelog_create_sql(&sql, "shop", "", &err),
			 -1);
	assert_true(err.len > 0);
	strbuf_release(&sql);
	strbuf_release(&err);
}

/*
 * The throttler object without a server: nothing is probed (no thread,
 * no throttle_run_probes), so every replica is "never read". Checks the
 * ignore list, the user throttle, the setters and the snapshot.
 */
static void test_throttler_offline(void **state)
{
	struct throttle_replica_list reps = THROTTLE_REPLICA_LIST_INIT;
	struct throttle_replica_list ignore = THROTTLE_REPLICA_LIST_INIT;
	struct throttle_load_spec load = THROTTLE_LOAD_SPEC_INIT;
	struct db_options opts;
	struct throttle_config cfg;
	struct throttle_decision d;
	struct throttle_snapshot snap;
	struct strbuf err = STRBUF_INIT;
	struct throttler *t;

	assert_int_equal(throttle_replica_parse(&reps, "db1:3307", &err), 0);
	assert_int_equal(throttle_replica_parse(&reps, "db2", &err), 0);
	assert_int_equal(throttle_replica_parse(&ignore, "db1:3307", &err), 0);
	memset(&opts, 0, sizeof(opts));
	memset(&cfg, 0, sizeof(cfg));
	cfg.limits.max_lag_ms = 1500;
	cfg.changelog_db = "shop";
	cfg.changelog_table = "_orders_osc";
	cfg.replicas = &reps;
	cfg.ignore_replicas = &ignore;
	cfg.replica_opts = &opts;

	/* load checks without the primary's options are refused */
	assert_int_equal(throttle_load_spec_parse(&load, "Threads_running=5",
						  "max-load", &err), 0);
	cfg.limits.max_load = &load;
	assert_null(throttle_new(&cfg, &err));
	assert_non_null(strstr(err.buf, "primary"));
	cfg.limits.max_load = NULL;

	t = throttle_new(&cfg, &err);
	assert_non_null(t);
	throttle_decision_init(&d);
	throttle_snapshot_init(&snap);
	assert_int_equal(throttle_check(t, &d), THROTTLE_PAUSE);
	/* db1:3307 is ignored: only db2 is waited for */
	assert_string_equal(d.reason.buf,
			    "lag unknown on db2:3306: no reading yet");
	throttle_set_user(t, 1);
	assert_int_equal(throttle_check(t, &d), THROTTLE_PAUSE);
	assert_string_equal(d.reason.buf, "throttled by user");
	assert_int_equal(d.cause, THROTTLE_CAUSE_USER);
	throttle_set_user(t, 0);
	throttle_set_max_lag_ms(t, 0);
	assert_int_equal(throttle_check(t, &d), THROTTLE_RUN);
	assert_string_equal(d.reason.buf, "");
	throttle_set_max_lag_ms(t, 2500);
	throttle_get_snapshot(t, &snap);
	assert_true(snap.max_lag_limit_ms == 2500);
	assert_int_equal(snap.max_lag_ms, -1);
	assert_int_equal(snap.user_throttle, 0);
	assert_string_equal(snap.max_load.buf, "");
	strbuf_reset(&err);
	assert_int_equal(throttle_set_max_load(t, &load, &err), -1);
	assert_non_null(strstr(err.buf, "max-load cannot be checked"));
	throttle_free(t);

	/* with the primary's options it can */
	cfg.primary_opts = &opts;
	t = throttle_new(&cfg, &err);
	assert_non_null(t);
	assert_int_equal(throttle_set_max_load(t, &load, &err), 0);
	throttle_get_snapshot(t, &snap);
	assert_string_equal(snap.max_load.buf, "Threads_running=5");

	throttle_snapshot_release(&snap);
	throttle_decision_release(&d);
	throttle_free(t);
	throttle_load_spec_release(&load);
	throttle_replica_list_release(&reps);
	throttle_replica_list_release(&ignore);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_spec_parse),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_decide_flow),
		cmocka_unit_test(test_replica_parse),
		cmocka_unit_test(test_format_seconds),
		cmocka_unit_test(test_heartbeat_text),
		cmocka_unit_test(test_throttler_offline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
