/*
 * test-ops-progress.c: status formatting (exact text and JSON that
 * parses), durations and sizes, the rate meter, the schedule, flag files.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "osc/ops/flags.h"
#include "osc/ops/progress.h"
#include "util/strbuf.h"

/* ---- a tiny JSON validator (RFC 8259 grammar, no semantics) --------- */

static int json_value(const char **p);

static void json_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static int json_string(const char **p)
{
	if (**p != '"')
		return -1;
	for ((*p)++; **p != '"'; (*p)++) {
		if ((unsigned char)**p < 0x20)
			return -1;
		if (**p == '\\') {
			(*p)++;
			if (**p == 'u') {
				int i;
				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)(*p)[i]))
						return -1;
				*p += 4;
			} else if (!strchr("\"\\/bfnrt", **p) || !**p) {
				return -1;
			}
		}
	}
	(*p)++;
	return 0;
}

static int json_number(const char **p)
{
	const char *s = *p;

	if (**p == '-')
		(*p)++;
	if (**p == '0')
		(*p)++;
	else if (isdigit((unsigned char)**p))
		while (isdigit((unsigned char)**p))
			(*p)++;
	else
		return -1;
	if (**p == '.') {
		(*p)++;
		if (!isdigit((unsigned char)**p))
			return -1;
		while (isdigit((unsigned char)**p))
			(*p)++;
	}
	if (**p == 'e' || **p == 'E') {
		(*p)++;
		if (**p == '+' || **p == '-')
			(*p)++;
		if (!isdigit((unsigned char)**p))
			return -1;
		while (isdigit((unsigned char)**p))
			(*p)++;
	}
	return *p > s ? 0 : -1;
}

static int json_members(const char **p, char close, int keyed)
{
	(*p)++;
	json_ws(p);
	if (**p == close) {
		(*p)++;
		return 0;
	}
	for (;;) {
		json_ws(p);
		if (keyed) {
			if (json_string(p))
				return -1;
			json_ws(p);
			if (**p != ':')
				return -1;
			(*p)++;
		}
		if (json_value(p))
			return -1;
		json_ws(p);
		if (**p == close) {
			(*p)++;
			return 0;
		}
		if (**p != ',')
			return -1;
		(*p)++;
	}
}

static int json_value(const char **p)
{
	json_ws(p);
	switch (**p) {
	case '{':
		return json_members(p, '}', 1);
	case '[':
		return json_members(p, ']', 0);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(*p, "true", 4) ? -1 : (*p += 4, 0);
	case 'f':
		return strncmp(*p, "false", 5) ? -1 : (*p += 5, 0);
	case 'n':
		return strncmp(*p, "null", 4) ? -1 : (*p += 4, 0);
	default:
		return json_number(p);
	}
}

static int json_valid_object(const char *s)
{
	const char *p = s;

	json_ws(&p);
	if (*p != '{' || json_value(&p))
		return 0;
	json_ws(&p);
	return *p == '\0';
}

static void test_json_validator(void **state)
{
	assert_true(json_valid_object("{}"));
	assert_true(json_valid_object("{\"a\":[1,2.5,-3e2,\"x\\u00e9\"],"
				      "\"b\":null,\"c\":true}"));
	assert_false(json_valid_object("{\"a\":1,}"));
	assert_false(json_valid_object("{\"a\":01}"));
	assert_false(json_valid_object("{\"a\":\"\x01\"}"));
	assert_false(json_valid_object("{\"a\":1} x"));
	assert_false(json_valid_object("{a:1}"));
}

/* ---- formatting ----------------------------------------------------- */

struct format_case {
	const char *name;
	struct progress_status st;
	size_t width;
	const char *tty;
	const char *line;
	const char *json;	/* NULL: only checked to parse */
};

static const struct format_case format_cases[] = {
	{ "everything",
	  { .database = "shop", .table = "orders", .phase = "copy",
	    .rows_copied = 1234567, .rows_estimate = 2730000,
	    .rows_per_second = 12345.4, .events_applied = 5678,
	    .backlog_bytes = 12288, .backlog_ms = 400, .max_lag_ms = 300,
	    .max_lag_replica = "db2:3306", .throttled = 1,
	    .throttle_reason = "lag 4.2s on db2:3306", .throttled_ms = 65000,
	    .chunk_size = 1000, .elapsed_ms = 323500 },
	  200,
	  "copy 45.2% 1234567/2730000 rows 12345/s eta 2m02s | applied 5678 "
	  "backlog 12.0KiB | lag 0.3s | throttled: lag 4.2s on db2:3306 | "
	  "5m23s",
	  "2026-11-21T05:22:38.123Z copy: 45.2% (1234567/2730000 rows), "
	  "12345 rows/s, eta 2m02s; applied 5678 events, backlog 12.0KiB "
	  "(0.4s); max lag 0.3s on db2:3306; throttled 1m05s (now: lag 4.2s "
	  "on db2:3306); elapsed 5m23s",
	  "{\"database\":\"shop\",\"table\":\"orders\",\"phase\":\"copy\","
	  "\"rows_copied\":1234567,\"rows_estimate\":2730000,\"percent\":45.2,"
	  "\"rows_per_second\":12345,\"eta_seconds\":122,"
	  "\"events_applied\":5678,\"backlog_bytes\":12288,\"backlog_ms\":400,"
	  "\"max_lag_ms\":300,\"max_lag_replica\":\"db2:3306\","
	  "\"throttled\":true,\"throttle_reason\":\"lag 4.2s on db2:3306\","
	  "\"throttled_seconds\":65,\"cut_over_postponed\":false,"
	  "\"chunk_size\":1000,\"elapsed_seconds\":323}" },
	{ "nothing known yet", PROGRESS_STATUS_INIT, 80,
	  "starting 0 rows | applied 0 | 0s",
	  "2026-11-21T05:22:38.123Z starting: 0 rows; applied 0 events; "
	  "elapsed 0s",
	  "{\"phase\":\"starting\",\"rows_copied\":0,\"rows_estimate\":null,"
	  "\"percent\":null,\"rows_per_second\":null,\"eta_seconds\":null,"
	  "\"events_applied\":0,\"backlog_bytes\":null,\"backlog_ms\":null,"
	  "\"max_lag_ms\":null,\"max_lag_replica\":null,\"throttled\":false,"
	  "\"throttle_reason\":null,\"throttled_seconds\":0,"
	  "\"cut_over_postponed\":false,\"chunk_size\":null,"
	  "\"elapsed_seconds\":0}" },
	{ "copied past the estimate, postponed, long run",
	  { .phase = "cut-over", .rows_copied = 1100, .rows_estimate = 1000,
	    .rows_per_second = 0, .backlog_bytes = 5 << 20, .backlog_ms = -1,
	    .max_lag_ms = -1, .max_lag_replica = "ignored",
	    .cut_over_postponed = 1, .throttled_ms = 1500,
	    .elapsed_ms = 7384000 },
	  120,
	  "cut-over 100.0% 1100/1000 rows 0/s | applied 0 backlog 5.0MiB | "
	  "cut-over postponed | 2h03m04s",
	  "2026-11-21T05:22:38.123Z cut-over: 100.0% (1100/1000 rows), "
	  "0 rows/s; applied 0 events, backlog 5.0MiB; throttled 1s; "
	  "cut-over postponed; elapsed 2h03m04s",
	  "{\"phase\":\"cut-over\",\"rows_copied\":1100,\"rows_estimate\":1000,"
	  "\"percent\":100.0,\"rows_per_second\":0,\"eta_seconds\":null,"
	  "\"events_applied\":0,\"backlog_bytes\":5242880,\"backlog_ms\":null,"
	  "\"max_lag_ms\":null,\"max_lag_replica\":null,\"throttled\":false,"
	  "\"throttle_reason\":null,\"throttled_seconds\":1,"
	  "\"cut_over_postponed\":true,\"chunk_size\":null,"
	  "\"elapsed_seconds\":7384}" },
	{ "strings that need escaping",
	  { .database = "sh\"op", .table = "or\\d\x01\xc3\xa9rs",
	    .phase = "copy", .rows_per_second = -1, .backlog_bytes = -1,
	    .backlog_ms = 2500, .max_lag_ms = -1, .throttled = 1,
	    .throttle_reason = "flag file '/tmp/a\"b' exists" },
	  40,
	  "copy 0 rows | applied 0 | throttled: fl",
	  "2026-11-21T05:22:38.123Z copy: 0 rows; applied 0 events, backlog "
	  "2.5s; throttled 0s (now: flag file '/tmp/a\"b' exists); elapsed 0s",
	  NULL },
};

static void test_format(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(format_cases); i++) {
		const struct format_case *c = &format_cases[i];
		struct strbuf tty = STRBUF_INIT, line = STRBUF_INIT;
		struct strbuf json = STRBUF_INIT;

		progress_format_tty(&c->st, c->width, &tty);
		progress_format_line(&c->st, "2026-11-21T05:22:38.123Z", &line);
		progress_format_json(&c->st, &json);
		if (strcmp(tty.buf, c->tty))
			fail_msg("%s: tty\n got: %s\nwant: %s", c->name,
				 tty.buf, c->tty);
		if (strcmp(line.buf, c->line))
			fail_msg("%s: line\n got: %s\nwant: %s", c->name,
				 line.buf, c->line);
		if (c->json && strcmp(json.buf, c->json))
			fail_msg("%s: json\n got: %s\nwant: %s", c->name,
				 json.buf, c->json);
		if (!json_valid_object(json.buf))
			fail_msg("%s: invalid JSON: %s", c->name, json.buf);
		assert_true(tty.len < c->width);
		assert_null(strchr(line.buf, '\n'));
		assert_null(strchr(json.buf, '\n'));
		strbuf_release(&tty);
		strbuf_release(&line);
		strbuf_release(&json);
	}
}

static void test_tty_cut_utf8(void **state)
{
	struct progress_status st = PROGRESS_STATUS_INIT;
	struct strbuf sb = STRBUF_INIT;

	st.phase = "c\xc3\xb6py";	/* cöpy */
	progress_format_tty(&st, 4, &sb);
	assert_string_equal(sb.buf, "c\xc3\xb6p");
	strbuf_reset(&sb);
	progress_format_tty(&st, 3, &sb);
	assert_string_equal(sb.buf, "c\xc3\xb6");
	strbuf_release(&sb);
}

static void test_units(void **state)
{
	static const struct {
		uint64_t s;
		const char *want;
	} durations[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m00s" }, { 121, "2m01s" },
		{ 3599, "59m59s" }, { 3600, "1h00m00s" }, { 90061, "25h01m01s" },
	};
	static const struct {
		uint64_t b;
		const char *want;
	} sizes[] = {
		{ 0, "0B" }, { 1023, "1023B" }, { 1024, "1.0KiB" },
		{ 1536, "1.5KiB" }, { 1048576, "1.0MiB" },
		{ 3ULL << 30, "3.0GiB" }, { 5ULL << 40, "5.0TiB" },
		{ 2048ULL << 40, "2048.0TiB" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(durations); i++) {
		struct strbuf sb = STRBUF_INIT;
		progress_format_duration(&sb, durations[i].s);
		assert_string_equal(sb.buf, durations[i].want);
		strbuf_release(&sb);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct strbuf sb = STRBUF_INIT;
		progress_format_bytes(&sb, sizes[i].b);
		assert_string_equal(sb.buf, sizes[i].want);
		strbuf_release(&sb);
	}
}

static void test_percent_eta(void **state)
{
	struct progress_status st = PROGRESS_STATUS_INIT;

	assert_true(progress_percent(&st) < 0);
	assert_int_equal(progress_eta_seconds(&st), -1);
	st.rows_estimate = 200;
	st.rows_copied = 50;
	assert_true(progress_percent(&st) == 25.0);
	assert_int_equal(progress_eta_seconds(&st), -1);
	st.rows_per_second = 10;
	assert_int_equal(progress_eta_seconds(&st), 15);
	st.rows_per_second = 11;	/* 13.6 s: rounded up */
	assert_int_equal(progress_eta_seconds(&st), 14);
	st.rows_copied = 300;
	assert_true(progress_percent(&st) == 100.0);
	assert_int_equal(progress_eta_seconds(&st), 0);
}

static void test_rate(void **state)
{
	struct progress_rate r;

	progress_rate_init(&r);
	assert_true(progress_rate_get(&r) < 0);
	progress_rate_add(&r, 1000, 0);
	assert_true(progress_rate_get(&r) < 0);
	progress_rate_add(&r, 1100, 500);	/* too close: ignored */
	assert_true(progress_rate_get(&r) < 0);
	progress_rate_add(&r, 2000, 1000);
	assert_true(progress_rate_get(&r) == 1000.0);
	progress_rate_add(&r, 3000, 3000);
	assert_true(progress_rate_get(&r) == 1500.0);
	/* 20 s later at a new pace: the old samples fall out of the window */
	{
		uint64_t t, rows = 3000;
		for (t = 4000; t <= 23000; t += 1000) {
			rows += 100;
			progress_rate_add(&r, t, rows);
		}
	}
	assert_true(progress_rate_get(&r) == 100.0);
	/* a stall reads as 0 rows/s once the window is past */
	progress_rate_add(&r, 40000, 4900);
	progress_rate_add(&r, 45000, 4900);
	assert_true(progress_rate_get(&r) == 0.0);
}

static void test_schedule(void **state)
{
	static const struct {
		int tty;
		const char *phase;
		uint64_t now;
		int want;
	} steps[] = {
		/* lines every 30 s and at each phase change */
		{ 0, "copy", 1000, 1 },
		{ 0, "copy", 2000, 0 },
		{ 0, "copy", 30999, 0 },
		{ 0, "copy", 31000, 1 },
		{ 0, "cut-over", 31500, 1 },
		{ 0, "cut-over", 32000, 0 },
	}, tty_steps[] = {
		{ 1, "copy", 1000, 1 },
		{ 1, "copy", 1100, 0 },
		{ 1, "copy", 1250, 1 },
		{ 1, "done", 1300, 1 },
	};
	struct progress_schedule s = { 0, 30000, 0, "" };
	struct progress_schedule t = { 1, 30000, 0, "" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		if (progress_schedule_due(&s, steps[i].phase, steps[i].now) !=
		    steps[i].want)
			fail_msg("lines step %zu", i);
	for (i = 0; i < ARRAY_SIZE(tty_steps); i++)
		if (progress_schedule_due(&t, tty_steps[i].phase,
					  tty_steps[i].now) != tty_steps[i].want)
			fail_msg("tty step %zu", i);
}

static void test_flags(void **state)
{
	char dir[] = "/tmp/osc-flags.XXXXXX";
	char path[64];
	struct flag_watch w = FLAG_WATCH_INIT(NULL);
	int changed;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/flag", dir);
	assert_int_equal(flag_file_exists(NULL), 0);
	assert_int_equal(flag_file_exists(""), 0);
	assert_int_equal(flag_file_exists(path), 0);
	assert_int_equal(flag_watch_poll(&w, &changed), 0);
	assert_int_equal(changed, 0);
	w.path = path;
	assert_int_equal(flag_watch_poll(&w, &changed), 0);
	assert_int_equal(changed, 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(flag_file_exists(path), 1);
	assert_int_equal(flag_watch_poll(&w, &changed), 1);
	assert_int_equal(changed, 1);
	assert_int_equal(flag_watch_poll(&w, &changed), 1);
	assert_int_equal(changed, 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(flag_watch_poll(&w, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_validator),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_tty_cut_utf8),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_percent_eta),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
