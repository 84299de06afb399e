/*
 * test-engine-throttle.c: the throttling and chunk-sizing options
 * (osc/cli/options.c) and how the engine turns them into the copier's sizing
 * (osc/migrate/engine-throttle.c). Table-driven: arguments (or an option file) in,
 * a summary of the throttle fields (or an error) out.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "chunker/chunker.h"
#include "osc/migrate/engine-throttle-internal.h"
#include "osc/cli/options.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

static void list_text(const struct throttle_replica_list *l, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		if (i)
			strbuf_addch(sb, ',');
		throttle_replica_name(sb, &l->items[i]);
	}
}

/* ";key=value;...;" of every throttling field. */
static void summarize(const struct osc_options *o, struct strbuf *sb)
{
	strbuf_reset(sb);
	strbuf_addf(sb, ";lag=%" PRIu64 ";replicas=", o->max_lag_ms);
	list_text(&o->replicas, sb);
	strbuf_addstr(sb, ";ignore=");
	list_text(&o->ignore_replicas, sb);
	strbuf_addf(sb,
		    ";ruser=%s;rpw=%s;discover=%d;load=%s;crit=%s;hits=%" PRIu64
		    ";flag=%s;query=%s;hb=%" PRIu64 ";time=%" PRIu64
		    ";rows=%" PRIu64 ";fixed=%d;min=%" PRIu64 ";max=%" PRIu64
		    ";",
		    o->replica_user ? o->replica_user : "(null)",
		    o->replica_password ? o->replica_password : "(null)",
		    o->discover_replicas, o->max_load ? o->max_load : "(null)",
		    o->critical_load ? o->critical_load : "(null)",
		    o->critical_load_hits,
		    o->throttle_flag_file ? o->throttle_flag_file : "(null)",
		    o->throttle_query ? o->throttle_query : "(null)",
		    o->heartbeat_interval_ms, o->chunk_time_ms, o->chunk_rows,
		    o->chunk_rows_fixed, o->chunk_rows_min, o->chunk_rows_max);
}

/* Every ';'-separated item of `want` appears in the summary. */
static void expect_items(const struct strbuf *summary, const char *want,
			 const char *label)
{
	struct strbuf item = STRBUF_INIT;
	const char *p = want;

	while (*p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		strbuf_reset(&item);
		strbuf_addch(&item, ';');
		strbuf_add(&item, p, len);
		strbuf_addch(&item, ';');
		if (!strstr(summary->buf, item.buf))
			fail_msg("%s: want %s in %s", label, item.buf,
				 summary->buf);
		p += len + (end ? 1 : 0);
	}
	strbuf_release(&item);
}

struct argv_case {
	const char *args[8]; /* after argv[0] and before "--alter=X a.b" */
	const char *want;    /* items of the summary, or NULL for error */
	const char *err;     /* substring of the error */
};

static const struct argv_case argv_cases[] = {
    /* Defaults. */
    {{NULL},
     "lag=1500;replicas=;ignore=;discover=1;load=(null);crit=(null);"
     "hits=3;flag=(null);query=(null);hb=100;time=500;fixed=0;"
     "min=100;max=100000",
     NULL},
    /* --max-lag: a bare number is ambiguous (pt-osc: seconds, gh-ost:
     * ms), so it needs a unit, as every duration but --connect-timeout. */
    {{"--max-lag=2s"}, "lag=2000", NULL},
    {{"--max-lag=250ms"}, "lag=250", NULL},
    {{"--max-lag=250"}, NULL, "give a unit, e.g. 500ms or 2s"},
    {{"--max-lag=50ms"}, NULL, "must be between 100ms and 1h"},
    /* Replicas: repeatable, deduplicated, the port defaults to 3306. */
    {{"--replica=db2", "--replica=db3:3307", "--replica=db2:3306"},
     "replicas=db2:3306,db3:3307",
     NULL},
    {{"--replica", "[::1]:3308"}, "replicas=[::1]:3308", NULL},
    {{"--replica=db2:x"}, NULL, "invalid replica 'db2:x'"},
    {{"--replica="}, NULL, "invalid replica ''"},
    {{"--ignore-replica=db9:3310", "--skip-discover-replicas"},
     "ignore=db9:3310;discover=0",
     NULL},
    {{"--replica-user=mon", "--replica-password=pw"}, "ruser=mon;rpw=pw", NULL},
    /* Load specs: checked, kept canonical; '' turns max-load off. */
    {{"--max-load=Threads_running=5,Threads_connected=100"},
     "load=Threads_running=5,Threads_connected=100",
     NULL},
    {{"--max-load="}, "load=", NULL},
    {{"--max-load=Threads_running"}, NULL, "invalid --max-load item"},
    {{"--critical-load=Threads_running=50", "--critical-load-hits=2"},
     "crit=Threads_running=50;hits=2",
     NULL},
    {{"--critical-load=x=1,x=2"}, NULL, "invalid --critical-load"},
    {{"--critical-load-hits=0"}, NULL, "must be between 1 and 1000"},
    {{"--throttle-flag-file=/tmp/f", "--throttle-query=SELECT 0"},
     "flag=/tmp/f;query=SELECT 0",
     NULL},
    {{"--heartbeat-interval=250ms"}, "hb=250", NULL},
    {{"--heartbeat-interval=250"}, NULL, "give a unit"},
    {{"--heartbeat-interval=2s"}, NULL, "must be between 50ms and 1s"},
    /* --chunk-size fixes, --chunk-time adapts: the later one wins. */
    {{"--chunk-size=500"}, "rows=500;fixed=1;time=500", NULL},
    {{"--chunk-size=500", "--chunk-time=1s"},
     "rows=500;fixed=0;time=1000",
     NULL},
    {{"--chunk-time=1s", "--chunk-size=500"},
     "rows=500;fixed=1;time=1000",
     NULL},
    {{"--chunk-time=5ms"}, NULL, "must be between 10ms and 1m"},
    {{"--chunk-size=0"}, NULL, "must be between 1 and 10000000"},
    {{"--chunk-size-min=10", "--chunk-size-max=20"}, "min=10;max=20", NULL},
};

static void test_argv_table(void **state)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(argv_cases); i++) {
		const struct argv_case *c = &argv_cases[i];
		struct osc_options o;
		struct strbuf err = STRBUF_INIT, sum = STRBUF_INIT;
		char *argv[12];
		int argc = 0, ret;

		argv[argc++] = xstrdup("osc");
		for (j = 0; c->args[j]; j++)
			argv[argc++] = xstrdup(c->args[j]);
		argv[argc++] = xstrdup("--alter=X");
		argv[argc++] = xstrdup("a.b");
		argv[argc] = NULL;
		osc_options_init(&o);
		ret = osc_options_parse_argv(&o, argc, argv, &err);
		if (!ret)
			ret = osc_options_check(&o, &err);
		if (c->want) {
			if (ret)
				fail_msg("case %zu: unexpected error: %s", i,
					 err.buf);
			summarize(&o, &sum);
			expect_items(&sum, c->want,
				     c->args[0] ? c->args[0] : "defaults");
		} else {
			if (!ret)
				fail_msg("case %zu: no error, want '%s'", i,
					 c->err);
			if (!strstr(err.buf, c->err))
				fail_msg("case %zu: error '%s' lacks '%s'", i,
					 err.buf, c->err);
		}
		osc_options_release(&o);
		for (j = 0; j < (size_t)argc; j++)
			free(argv[j]);
		strbuf_release(&err);
		strbuf_release(&sum);
	}
}

/* The replica password is wiped from argv, in both spellings. */
static void test_replica_password_wiped(void **state)
{
	char a0[] = "osc", a1[] = "--replica-password=s3cret",
	     a2[] = "--replica-password", a3[] = "other", a4[] = "--alter=X",
	     a5[] = "a.b";
	char *argv[] = {a0, a1, a2, a3, a4, a5, NULL};
	struct osc_options o;
	struct strbuf err = STRBUF_INIT;

	osc_options_init(&o);
	assert_int_equal(osc_options_parse_argv(&o, 6, argv, &err), 0);
	assert_string_equal(o.replica_password, "other");
	assert_null(strstr(a1, "s3cret"));
	assert_null(strstr(a3, "other"));
	osc_options_release(&o);
	strbuf_release(&err);
}

/* The [osc] group of an option file takes the throttling options. */
static void test_option_file(void **state)
{
	struct osc_options o;
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct strbuf sum = STRBUF_INIT;

	osc_options_init(&o);
	assert_int_equal(
	    osc_options_parse_file_text(
		&o, "t.cnf",
		"[osc]\nmax_lag=3s\nreplica=db2\nreplica=db3:3307\n"
		"max-load=Threads_running=40\nchunk-size=200\n"
		"skip-discover-replicas\n",
		&warn, &err),
	    0);
	summarize(&o, &sum);
	expect_items(&sum,
		     "lag=3000;replicas=db2:3306,db3:3307;discover=0;"
		     "load=Threads_running=40;rows=200;fixed=1",
		     "file");
	osc_options_release(&o);
	osc_options_init(&o);
	strbuf_reset(&err);
	assert_int_equal(osc_options_parse_file_text(
			     &o, "t.cnf",
			     "[osc]\ncritical-load=Threads_running\n", &warn,
			     &err),
			 -1);
	assert_non_null(strstr(err.buf, "invalid --critical-load"));
	osc_options_release(&o);
	strbuf_release(&err);
	strbuf_release(&warn);
	strbuf_release(&sum);
}

/* Options to the copier's sizing. */
static void test_copy_sizing(void **state)
{
	static const struct {
		int fixed;
		uint64_t rows, time_ms, min, max;
		unsigned long long want_rows;
		unsigned int want_time_ms;
	} cases[] = {
	    {1, 500, 500, 100, 100000, 500, 0},
	    {0, 1000, 500, 100, 100000, 1000, 500},
	    {0, 1000, 200, 5000, 100000, 5000, 200},
	    {0, 1000, 200, 10, 300, 300, 200},
	    /* --chunk-time after --chunk-size: still 1000 to start. */
	    {0, 7, 500, 100, 100000, 1000, 500},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct osc_options o;
		struct chunk_copy_opts co;

		osc_options_init(&o);
		o.chunk_rows_fixed = cases[i].fixed;
		o.chunk_rows = cases[i].rows;
		o.chunk_time_ms = cases[i].time_ms;
		o.chunk_rows_min = cases[i].min;
		o.chunk_rows_max = cases[i].max;
		memset(&co, 0, sizeof(co));
		osc_throttle_copy_sizing(&o, 0, &co);
		assert_int_equal(co.chunk_rows, cases[i].want_rows);
		assert_int_equal(co.chunk_time_ms, cases[i].want_time_ms);
		if (!cases[i].fixed) {
			assert_int_equal(co.min_rows, cases[i].min);
			assert_int_equal(co.max_rows, cases[i].max);
		}
		osc_options_release(&o);
	}
}

/* Wide rows bound the adapted chunk by --chunk-size-max-bytes. */
static void test_copy_sizing_bytes(void **state)
{
	struct osc_options o;
	struct chunk_copy_opts co;

	(void)state;
	osc_options_init(&o);
	/* 32M default, 2 KiB rows: 16384 rows, not 100000. */
	memset(&co, 0, sizeof(co));
	osc_throttle_copy_sizing(&o, 2048, &co);
	assert_int_equal(co.max_rows, 16384);
	assert_int_equal(co.chunk_rows, 1000);
	/* 64 KiB rows: the bound is below the first chunk, which follows. */
	memset(&co, 0, sizeof(co));
	osc_throttle_copy_sizing(&o, 65536, &co);
	assert_int_equal(co.max_rows, 512);
	assert_int_equal(co.chunk_rows, 512);
	/* Narrow rows: --chunk-size-max. */
	memset(&co, 0, sizeof(co));
	osc_throttle_copy_sizing(&o, 100, &co);
	assert_int_equal(co.max_rows, 100000);
	/* A fixed --chunk-size is the user's: no bound. */
	o.chunk_rows_fixed = 1;
	o.chunk_rows = 50000;
	memset(&co, 0, sizeof(co));
	osc_throttle_copy_sizing(&o, 65536, &co);
	assert_int_equal(co.chunk_rows, 50000);
	osc_options_release(&o);
}

/* A NULL throttle (no run yet) never pauses and never aborts. */
static void test_null_throttle(void **state)
{
	struct progress_status st = PROGRESS_STATUS_INIT;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(osc_throttle_should_pause(NULL, 0), 0);
	assert_int_equal(osc_throttle_aborted(NULL, &err), 0);
	assert_int_equal(osc_throttle_paused(NULL), 0);
	assert_int_equal(osc_throttle_wait(NULL, NULL, NULL, NULL, &err), 0);
	osc_throttle_fill_status(NULL, &st);
	assert_int_equal(st.throttled, 0);
	assert_null(osc_throttle_throttler(NULL));
	osc_throttle_free(NULL);
	assert_int_equal(err.len, 0);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_argv_table),
	    cmocka_unit_test(test_replica_password_wiped),
	    cmocka_unit_test(test_option_file),
	    cmocka_unit_test(test_copy_sizing),
		cmocka_unit_test(test_copy_sizing_bytes),
	    cmocka_unit_test(test_null_throttle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
