/*
 * test-util.c: strbuf, ALLOC_GROW, quoting and logging.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "util/db.h"
#include "util/ident.h"
#include "util/keyrange.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/retry.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

static void test_strbuf_basics(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	size_t len;
	int i;

	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_addstr(&sb, "abc");
	strbuf_addch(&sb, 'd');
	strbuf_add(&sb, "\0e", 2);
	assert_int_equal(sb.len, 6);
	assert_memory_equal(sb.buf, "abcd\0e", 7);
	strbuf_reset(&sb);
	for (i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.buf[sb.len], '\0');
	assert_true(sb.len > 3000);
	assert_int_equal(strncmp(sb.buf, "0,1,2,", 6), 0);
	p = strbuf_detach(&sb, &len);
	assert_true(len > 3000);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	free(p);
	strbuf_release(&sb);
}

static void test_strbuf_long_format(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[5000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addf(&sb, "<%s>", big);
	assert_int_equal(sb.len, sizeof(big) + 1);
	assert_int_equal(sb.buf[0], '<');
	assert_int_equal(sb.buf[sb.len - 1], '>');
	strbuf_setf(&sb, "%s", "short");
	assert_string_equal(sb.buf, "short");
	strbuf_release(&sb);
}

static void test_strbuf_trim_cmp(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	strbuf_addstr(&a, "  \t hi there \n");
	strbuf_trim(&a);
	assert_string_equal(a.buf, "hi there");
	strbuf_addstr(&b, "hi there");
	assert_int_equal(strbuf_cmp(&a, &b), 0);
	strbuf_addch(&b, '!');
	assert_true(strbuf_cmp(&a, &b) < 0);
	assert_true(strbuf_cmp(&b, &a) > 0);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_strbuf_hex_json(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	static const unsigned char bytes[] = { 0x00, 0x01, 0xab, 0xff };

	strbuf_addhex(&sb, bytes, sizeof(bytes));
	assert_string_equal(sb.buf, "0001abff");
	strbuf_reset(&sb);
	strbuf_addjson(&sb, "a\"b\\c\n\x01", 7);
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\"");
	strbuf_reset(&sb);
	/* valid UTF-8 passes through, a stray byte is escaped */
	strbuf_addjson(&sb, "\xc3\xa9\xff", 3);
	assert_string_equal(sb.buf, "\"\xc3\xa9\\u00ff\"");
	strbuf_release(&sb);
}

static void test_alloc_grow(void **state)
{
	int *arr = NULL;
	size_t nr = 0, alloc = 0;
	size_t i;

	for (i = 0; i < 10000; i++) {
		ALLOC_GROW(arr, nr + 1, alloc);
		arr[nr++] = (int)i;
	}
	assert_int_equal(nr, 10000);
	assert_true(alloc >= nr);
	for (i = 0; i < nr; i++)
		assert_int_equal(arr[i], (int)i);
	free(arr);
	assert_int_equal(st_add(1, 2), 3);
	assert_int_equal(st_mult(3, 4), 12);
}

static const struct {
	const char *in;
	const char *out;
} ident_cases[] = {
	{ "t", "`t`" },
	{ "odd`name", "`odd``name`" },
	{ "``", "``````" },
	{ "my.db", "`my.db`" },
	{ "select", "`select`" },
	{ "caf\xc3\xa9", "`caf\xc3\xa9`" },
	{ "a b", "`a b`" },
	{ "x'); DROP TABLE t; --", "`x'); DROP TABLE t; --`" },
};

static void test_quote_ident(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ident_cases); i++) {
		strbuf_reset(&sb);
		assert_int_equal(quote_ident(&sb, ident_cases[i].in), 0);
		assert_string_equal(sb.buf, ident_cases[i].out);
	}
	strbuf_reset(&sb);
	assert_int_equal(quote_ident(&sb, ""), -1);
	assert_int_equal(sb.len, 0);
	assert_int_equal(quote_ident_len(&sb, "a\0b", 3), -1);
	assert_int_equal(sb.len, 0);
	assert_int_equal(quote_qualified(&sb, "d`b", "t"), 0);
	assert_string_equal(sb.buf, "`d``b`.`t`");
	strbuf_release(&sb);
}

static void test_quote_literals(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	quote_sql_string(&sb, "it's \\ \"q\"\n\0z", 13);
	assert_string_equal(sb.buf, "'it\\'s \\\\ \\\"q\\\"\\n\\0z'");
	strbuf_reset(&sb);
	quote_sql_hex(&sb, "\x00\x10", 2);
	assert_string_equal(sb.buf, "X'0010'");
	strbuf_reset(&sb);
	quote_sql_hex(&sb, "", 0);
	assert_string_equal(sb.buf, "''");
	strbuf_release(&sb);
}

/* Capture what the logger writes to fd 2 while fn runs. */
static void capture_stderr(void (*fn)(void), struct strbuf *out)
{
	char path[] = "/tmp/osc-test-log.XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(2);
	char buf[4096];
	ssize_t n;

	assert_true(fd >= 0);
	dup2(fd, 2);
	fn();
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(out, buf, (size_t)n);
	close(fd);
	unlink(path);
}

static void log_some(void)
{
	error("table %s is missing", "`d`.`t`");
	warning("careful");
	info("phase: copy");
	verbose("hidden at default level");
}

static void log_json(void)
{
	error("bad \"thing\"\nsecond line");
}

static void test_log_levels(void **state)
{
	struct strbuf out = STRBUF_INIT;

	log_set_level(LOG_INFO);
	capture_stderr(log_some, &out);
	assert_string_equal(out.buf, "error: table `d`.`t` is missing\n"
				     "warning: careful\n"
				     "phase: copy\n");
	strbuf_reset(&out);
	log_set_level(LOG_ERROR);
	capture_stderr(log_some, &out);
	assert_string_equal(out.buf, "error: table `d`.`t` is missing\n");
	strbuf_reset(&out);
	log_set_level(LOG_INFO);
	log_set_format(LOG_FORMAT_JSON);
	capture_stderr(log_json, &out);
	log_set_format(LOG_FORMAT_TEXT);
	assert_non_null(strstr(out.buf, "\"level\":\"error\""));
	assert_non_null(
		strstr(out.buf, "\"msg\":\"bad \\\"thing\\\" second line\"}\n"));
	assert_int_equal(out.buf[0], '{');
	strbuf_release(&out);
}

/* Database and table names under each lower_case_table_names. */
static void test_ident_name_eq(void **state)
{
	static const struct {
		const char *a, *b;
		int eq0, eq1; /* lctn 0; lctn 1 (and 2) */
	} cases[] = {
		{"t", "t", 1, 1},
		{"T", "t", 0, 1},
		{"Orders_2024", "orders_2024", 0, 1},
		{"_T_new", "_t_new", 0, 1},
		{"t", "t2", 0, 0},
		{"t2", "t", 0, 0},
		{"", "", 1, 1},
		{"caf\xc3\x89", "caf\xc3\xa9", 0, 1},	/* É é */
		{"\xc3\x97", "\xc3\xb7", 0, 0},		/* x and / signs */
		{"\xc5\x81\xc3\xb3" "d\xc5\xba", "\xc5\x82\xc3\xb3" "d\xc5\xba", 0, 1},
		{"\xce\xa3", "\xcf\x83", 0, 1},		/* Greek sigma */
		{"\xd0\x81\xd0\x96", "\xd1\x91\xd0\xb6", 0, 1}, /* Cyrillic */
		{"\xc5\xb8", "\xc3\xbf", 0, 1},		/* Y diaeresis */
		{"\xe4\xb8\xad", "\xe4\xb8\xad", 1, 1},	/* no case */
		{"\xff", "\xff", 1, 1},			/* not UTF-8 */
		{"\xff", "\xdf", 0, 0},
		{"a\xc3", "A\xc3", 0, 1},			/* cut short */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (ident_name_eq(0, cases[i].a, cases[i].b) != cases[i].eq0)
			fail_msg("lctn 0: case %zu", i);
		if (ident_name_eq(1, cases[i].a, cases[i].b) != cases[i].eq1)
			fail_msg("lctn 1: case %zu", i);
		if (ident_name_eq(2, cases[i].b, cases[i].a) != cases[i].eq1)
			fail_msg("lctn 2: case %zu", i);
	}
	assert_true(ident_name_eq_len(1, "ab", 1, "A", 1));
	assert_false(ident_name_eq_len(1, "ab", 2, "A", 1));
}

/* The server's sql_mode flags that copy and replay take over (item 4). */
static void test_sql_mode_extra(void **state)
{
	static const struct {
		const char *server, *want;
	} cases[] = {
		{ "", "" },
		{ "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
		  "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION",
		  "ERROR_FOR_DIVISION_BY_ZERO" },
		{ "NO_ZERO_DATE,NO_ZERO_IN_DATE,ANSI_QUOTES,NO_BACKSLASH_ESCAPES,"
		  "PAD_CHAR_TO_FULL_LENGTH,EMPTY_STRING_IS_NULL", "" },
		{ "time_round_fractional,ALLOW_INVALID_DATES",
		  "TIME_ROUND_FRACTIONAL,ALLOW_INVALID_DATES" },
		/* A flag's name inside another's is not the flag. */
		{ "XTIME_ROUND_FRACTIONAL,ALLOW_INVALID_DATESX", "" },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		db_sql_mode_extra(cases[i].server, &sb);
		assert_string_equal(sb.buf, cases[i].want);
	}
	assert_true(db_sql_mode_has("A,NO_ZERO_DATE,B", "no_zero_date"));
	assert_false(db_sql_mode_has("NO_ZERO_DATES", "NO_ZERO_DATE"));
	assert_false(db_sql_mode_has(NULL, "NO_ZERO_DATE"));
	strbuf_release(&sb);
}

/*
 * The retry policy: which errors, how often, how long to wait. A table of
 * (errno, expected reason, expected wait) steps per policy.
 */
static void test_retry_reasons(void **state)
{
	static const struct {
		unsigned int code;
		enum retry_reason why;
		int reconnect;
	} cases[] = {
		{1205, RETRY_LOCK_WAIT, 0},   {1213, RETRY_DEADLOCK, 0},
		{2006, RETRY_SERVER_GONE, 1}, {2013, RETRY_SERVER_LOST, 1},
		{1062, RETRY_GIVE_UP, 0},     {1146, RETRY_GIVE_UP, 0},
		{2003, RETRY_GIVE_UP, 0},     {0, RETRY_GIVE_UP, 0},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(retry_reason_of(cases[i].code), cases[i].why);
		assert_int_equal(retry_needs_reconnect(cases[i].why),
				 cases[i].reconnect);
		/* The db.h classes are the same rule. */
		assert_int_equal(db_error_is_transient(cases[i].code),
				 cases[i].why == RETRY_LOCK_WAIT ||
				     cases[i].why == RETRY_DEADLOCK);
		assert_int_equal(db_error_is_disconnect(cases[i].code),
				 cases[i].reconnect);
	}
	assert_string_equal(retry_reason_name(RETRY_DEADLOCK), "deadlock");
	assert_string_equal(retry_reason_name(RETRY_SERVER_LOST),
			    "lost during a query");
}

static void test_retry_policy(void **state)
{
	static const struct retry_policy p = {
	    .attempts = 4,
	    .reconnects = 2,
	    .wait_ms = 20,
	    .reconnect_wait_ms = 100,
	    .max_wait_ms = 50,
	};
	static const struct {
		unsigned int code;
		enum retry_reason want;
		unsigned int wait_ms;
	} steps[] = {
	    /* lock conflicts: 20, 40, then the cap; 3 tries again in all */
	    {1205, RETRY_LOCK_WAIT, 20},
	    /* a lost connection between them has its own count and wait
	     * (capped too) */
	    {2013, RETRY_SERVER_LOST, 50},
	    {1213, RETRY_DEADLOCK, 40},
	    {1205, RETRY_LOCK_WAIT, 50},
	    {1205, RETRY_GIVE_UP, 0}, /* the 4th try failed: stop */
	    {2006, RETRY_SERVER_GONE, 50},
	    {2006, RETRY_GIVE_UP, 0}, /* the 3rd lost connection */
	    {1062, RETRY_GIVE_UP, 0}, /* never retried */
	};
	struct retry r;
	unsigned int wait_ms;
	size_t i;

	retry_init(&r, &p);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		enum retry_reason got = retry_after(&r, steps[i].code, &wait_ms);

		if (got != steps[i].want || wait_ms != steps[i].wait_ms)
			fail_msg("step %zu (errno %u): reason %d wait %u, "
				 "expected %d wait %u",
				 i, steps[i].code, got, wait_ms, steps[i].want,
				 steps[i].wait_ms);
	}
	assert_int_equal(r.tries, 4);
	assert_int_equal(r.reconnects, 2);
	assert_int_equal(r.retries, 5);
	assert_int_equal(r.last, RETRY_GIVE_UP);

	/* No reconnects: a lost connection gives up at once, and says why. */
	{
		static const struct retry_policy once = {.attempts = 1};

		retry_init(&r, &once);
		assert_int_equal(retry_after(&r, 2013, &wait_ms),
				 RETRY_GIVE_UP);
		assert_int_equal(r.last, RETRY_SERVER_LOST);
		assert_int_equal(retry_after(&r, 1205, &wait_ms),
				 RETRY_GIVE_UP);
		assert_int_equal(r.last, RETRY_LOCK_WAIT);
		assert_int_equal(r.retries, 0);
	}
	/* Waits that do not grow (max 0), and a wait of 0. */
	{
		static const struct retry_policy flat = {
		    .attempts = 3, .wait_ms = 7, .max_wait_ms = 0};
		static const struct retry_policy none = {.attempts = 3};

		retry_init(&r, &flat);
		assert_int_equal(retry_after(&r, 1205, &wait_ms),
				 RETRY_LOCK_WAIT);
		assert_int_equal(wait_ms, 7);
		assert_int_equal(retry_after(&r, 1205, &wait_ms),
				 RETRY_LOCK_WAIT);
		assert_int_equal(wait_ms, 7);
		retry_init(&r, &none);
		assert_int_equal(retry_after(&r, 1213, &wait_ms),
				 RETRY_DEADLOCK);
		assert_int_equal(wait_ms, 0);
	}
}

/* k1..kn against v1..vn, as the callers' callbacks would write them. */
static void plain_term(struct strbuf *out, size_t i, const char *op,
		       void *ctx)
{
	const char *const *names = ctx;

	strbuf_addf(out, "%s %s v%zu", names[i], op, i + 1);
}

static void test_keyrange(void **state)
{
	static const char *const names[] = {"`a`", "`b`", "`c`"};
	static const struct {
		size_t ncols;
		const char *op;
		const char *want;
	} cases[] = {
	    {1, ">", "((`a` > v1))"},
	    {1, "<=", "((`a` <= v1))"},
	    {1, "=", "(`a` = v1)"},
	    {2, ">", "((`a` > v1) OR (`a` = v1 AND `b` > v2))"},
	    {2, ">=", "((`a` > v1) OR (`a` = v1 AND `b` >= v2))"},
	    {2, "<", "((`a` < v1) OR (`a` = v1 AND `b` < v2))"},
	    {2, "=", "(`a` = v1 AND `b` = v2)"},
	    {3, "<=",
	     "((`a` < v1) OR (`a` = v1 AND `b` < v2) OR "
	     "(`a` = v1 AND `b` = v2 AND `c` <= v3))"},
	    {3, ">",
	     "((`a` > v1) OR (`a` = v1 AND `b` > v2) OR "
	     "(`a` = v1 AND `b` = v2 AND `c` > v3))"},
	};
	struct strbuf sb = STRBUF_INIT;
	enum keyrange_op op;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		assert_int_equal(keyrange_op_parse(cases[i].op, &op), 0);
		assert_string_equal(keyrange_op_sql(op), cases[i].op);
		keyrange_build(&sb, cases[i].ncols, op, plain_term,
			       (void *)names);
		if (strcmp(sb.buf, cases[i].want))
			fail_msg("%zu columns, %s:\n  expected: %s\n  "
				 "actual:   %s",
				 cases[i].ncols, cases[i].op, cases[i].want,
				 sb.buf);
	}
	assert_int_equal(keyrange_op_parse("<>", &op), -1);
	assert_int_equal(keyrange_op_parse("", &op), -1);
	assert_int_equal(keyrange_op_parse("=>", &op), -1);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_basics),
		cmocka_unit_test(test_strbuf_long_format),
		cmocka_unit_test(test_strbuf_trim_cmp),
		cmocka_unit_test(test_strbuf_hex_json),
		cmocka_unit_test(test_alloc_grow),
		cmocka_unit_test(test_quote_ident),
		cmocka_unit_test(test_ident_name_eq),
		cmocka_unit_test(test_quote_literals),
		cmocka_unit_test(test_log_levels),
		cmocka_unit_test(test_sql_mode_extra),
		cmocka_unit_test(test_retry_reasons),
		cmocka_unit_test(test_retry_policy),
		cmocka_unit_test(test_keyrange),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
