/*
 * test-chunker.c: chunk planning (boundary and range SQL, literals) and
 * the adaptive chunk size, table-driven. The copy loop itself runs
 * against a server in tests/e2e/t4001-chunker-copy.sh.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "chunker/chunker.h"
#include "util/strbuf.h"

static const struct chunk_key_column col_id[] = {
	{ "id", CHUNK_KEY_NUMERIC, NULL, 0 },
};
static const struct chunk_key_column col_ab[] = {
	{ "a", CHUNK_KEY_NUMERIC, NULL, 0 },
	{ "b", CHUNK_KEY_STRING, "utf8mb4", 0 },
};
static const struct chunk_key_column col_abc[] = {
	{ "a", CHUNK_KEY_NUMERIC, NULL, 0 },
	{ "b`x", CHUNK_KEY_TEMPORAL, NULL, 0 },
	{ "c", CHUNK_KEY_STRING, "binary", 0 },
};

/* ENUM('z','b','a') and SET('x','y'): by number, in the index's order */
static const struct chunk_key_column col_es[] = {
	{ "e", CHUNK_KEY_ENUM, NULL, 3 },
	{ "s", CHUNK_KEY_ENUM, NULL, 3 },
	{ "id", CHUNK_KEY_NUMERIC, NULL, 0 },
};

static const struct chunk_key key_id = { "db", "t", "PRIMARY", 1, col_id };
static const struct chunk_key key_es = { "db", "t", "PRIMARY", 3, col_es };
static const struct chunk_key key_ab = { "db", "t", "PRIMARY", 2, col_ab };
static const struct chunk_key key_abc = { "d`b", "t", "k_abc", 3, col_abc };

/* ---- literals ---- */

struct literal_case {
	struct chunk_key_column col;
	const char *value;	/* NULL: SQL NULL */
	size_t len;		/* 0: strlen(value) */
	const char *want;	/* NULL: an error */
};

static const struct literal_case literal_cases[] = {
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, "123", 0, "123" },
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, "-9223372036854775808", 0,
	  "-9223372036854775808" },
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, "18446744073709551615", 0,
	  "18446744073709551615" },
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, "-0.000000000000000000000000000001",
	  0, "-0.000000000000000000000000000001" },
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, "1e5", 0, NULL },
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, "1 OR 1", 0, NULL },
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, "", 0, NULL },
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, "-", 0, NULL },
	{ { "n", CHUNK_KEY_NUMERIC, NULL, 0 }, NULL, 0, NULL },
	{ { "s", CHUNK_KEY_STRING, "utf8mb4", 0 }, "abc", 0,
	  "_utf8mb4 X'616263'" },
	{ { "s", CHUNK_KEY_STRING, "utf8mb4", 0 }, "\xc3\xa4'", 0,
	  "_utf8mb4 X'c3a427'" },
	{ { "s", CHUNK_KEY_STRING, "latin1", 0 }, "", 0, "_latin1 ''" },
	{ { "s", CHUNK_KEY_STRING, "binary", 0 }, "a\0\xff", 3, "X'6100ff'" },
	{ { "s", CHUNK_KEY_STRING, NULL, 0 }, "\0\0", 2, "X'0000'" },
	{ { "s", CHUNK_KEY_STRING, "utf8mb4; DROP", 0 }, "x", 0, NULL },
	{ { "s", CHUNK_KEY_STRING, "utf8mb4", 0 }, NULL, 0, NULL },
	{ { "d", CHUNK_KEY_TEMPORAL, NULL, 0 }, "2020-01-02 03:04:05.000006", 0,
	  "'2020-01-02 03:04:05.000006'" },
	{ { "d", CHUNK_KEY_TEMPORAL, NULL, 0 }, "-838:59:59.000000", 0,
	  "'-838:59:59.000000'" },
	{ { "e", CHUNK_KEY_ENUM, NULL, 3 }, "0", 0, "0" },
	{ { "e", CHUNK_KEY_ENUM, NULL, 3 }, "3", 0, "3" },
	{ { "e", CHUNK_KEY_ENUM, NULL, 3 }, "4", 0, NULL },
	{ { "e", CHUNK_KEY_ENUM, NULL, 3 }, "-1", 0, NULL },
	{ { "e", CHUNK_KEY_ENUM, NULL, 3 }, "b", 0, NULL },
	{ { "e", CHUNK_KEY_ENUM, NULL, 3 }, "1 OR 1", 0, NULL },
	{ { "e", CHUNK_KEY_ENUM, NULL, 3 }, "", 0, NULL },
	{ { "e", CHUNK_KEY_ENUM, NULL, 3 }, NULL, 0, NULL },
	{ { "d", CHUNK_KEY_TEMPORAL, NULL, 0 }, "0000-00-00", 0,
	  "'0000-00-00'" },
};

static void test_literals(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(literal_cases); i++) {
		const struct literal_case *c = &literal_cases[i];
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		size_t len = c->len ? c->len : c->value ? strlen(c->value) : 0;
		int rc = chunk_key_literal(&c->col, c->value, len, &out, &err);

		if (c->want) {
			if (rc != 0)
				fail_msg("case %zu: unexpected error: %s", i,
					 err.buf);
			assert_string_equal(out.buf, c->want);
			assert_int_equal(err.len, 0);
		} else {
			if (rc != -1)
				fail_msg("case %zu: accepted as '%s'", i,
					 out.buf);
			assert_true(err.len > 0);
			assert_null(strchr(err.buf, '\n'));
		}
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

/* ---- boundary and range SQL ---- */

struct plan_case {
	const struct chunk_key *key;
	const char *lower[3];	/* literals; lower[0] NULL: none */
	const char *upper[3];
	unsigned long long rows;
	const char *boundary;	/* NULL: an error */
	const char *range;	/* NULL: an error */
};

static const struct plan_case plan_cases[] = {
	/* first chunk of a single-column key */
	{ &key_id, { NULL }, { "1000" }, 1000,
	  "SELECT `id` FROM `db`.`t` FORCE INDEX (`PRIMARY`) ORDER BY `id` "
	  "LIMIT 1 OFFSET 999",
	  "((`id` <= 1000))" },
	/* a middle chunk */
	{ &key_id, { "-5" }, { "17" }, 1,
	  "SELECT `id` FROM `db`.`t` FORCE INDEX (`PRIMARY`) WHERE "
	  "((`id` > -5)) ORDER BY `id` LIMIT 1 OFFSET 0",
	  "(((`id` > -5)) AND ((`id` <= 17)))" },
	/* the last chunk: no upper bound */
	{ &key_id, { "18446744073709551615" }, { NULL }, 50,
	  "SELECT `id` FROM `db`.`t` FORCE INDEX (`PRIMARY`) WHERE "
	  "((`id` > 18446744073709551615)) ORDER BY `id` LIMIT 1 OFFSET 49",
	  "((`id` > 18446744073709551615))" },
	/* an empty table or a single chunk: everything */
	{ &key_id, { NULL }, { NULL }, 10,
	  "SELECT `id` FROM `db`.`t` FORCE INDEX (`PRIMARY`) ORDER BY `id` "
	  "LIMIT 1 OFFSET 9",
	  "(1)" },
	/* composite key */
	{ &key_ab, { "1", "_utf8mb4 X'61'" }, { "2", "_utf8mb4 ''" }, 100,
	  "SELECT `a`, CAST(`b` AS BINARY) FROM `db`.`t` FORCE INDEX "
	  "(`PRIMARY`) WHERE ((`a` > 1) OR (`a` = 1 AND `b` > _utf8mb4 "
	  "X'61')) ORDER BY `a`, "
	  "`b` LIMIT 1 OFFSET 99",
	  "(((`a` > 1) OR (`a` = 1 AND `b` > _utf8mb4 X'61')) AND "
	  "((`a` < 2) OR (`a` = 2 AND `b` <= _utf8mb4 '')))" },
	/* three columns, quoted names */
	{ &key_abc, { "1", "'2020-01-01'", "X'00'" }, { NULL }, 2,
	  "SELECT `a`, `b``x`, `c` FROM `d``b`.`t` FORCE INDEX (`k_abc`) "
	  "WHERE ((`a` > 1) OR (`a` = 1 AND `b``x` > '2020-01-01') OR "
	  "(`a` = 1 AND `b``x` = '2020-01-01' AND `c` > X'00')) ORDER BY "
	  "`a`, `b``x`, `c` LIMIT 1 OFFSET 1",
	  "((`a` > 1) OR (`a` = 1 AND `b``x` > '2020-01-01') OR "
	  "(`a` = 1 AND `b``x` = '2020-01-01' AND `c` > X'00'))" },
	{ &key_abc, { NULL }, { "1", "'2020-01-01'", "X'00'" }, 2,
	  "SELECT `a`, `b``x`, `c` FROM `d``b`.`t` FORCE INDEX (`k_abc`) "
	  "ORDER BY `a`, `b``x`, `c` LIMIT 1 OFFSET 1",
	  "((`a` < 1) OR (`a` = 1 AND `b``x` < '2020-01-01') OR "
	  "(`a` = 1 AND `b``x` = '2020-01-01' AND `c` <= X'00'))" },
	/* ENUM and SET keys (issue 12, 6): read as numbers, inequalities
	 * as IN lists (the server makes no index range of `e` > 1) */
	{ &key_es, { "1", "0", "7" }, { "3", "2", "-4" }, 10,
	  "SELECT `e`+0, `s`+0, `id` FROM `db`.`t` FORCE INDEX (`PRIMARY`) "
	  "WHERE ((`e` IN (2, 3)) OR (`e` = 1 AND `s` IN (1, 2, 3)) OR "
	  "(`e` = 1 AND `s` = 0 AND `id` > 7)) ORDER BY `e`, `s`, `id` "
	  "LIMIT 1 OFFSET 9",
	  "(((`e` IN (2, 3)) OR (`e` = 1 AND `s` IN (1, 2, 3)) OR "
	  "(`e` = 1 AND `s` = 0 AND `id` > 7)) AND ((`e` IN (0, 1, 2)) OR "
	  "(`e` = 3 AND `s` IN (0, 1)) OR (`e` = 3 AND `s` = 2 AND "
	  "`id` <= -4)))" },
	/* at the ends of the domain: nothing above the last, below 0 */
	{ &key_es, { "3", "3", "1" }, { "0", "0", "5" }, 1,
	  "SELECT `e`+0, `s`+0, `id` FROM `db`.`t` FORCE INDEX (`PRIMARY`) "
	  "WHERE ((FALSE) OR (`e` = 3 AND FALSE) OR (`e` = 3 AND `s` = 3 "
	  "AND `id` > 1)) ORDER BY `e`, `s`, `id` LIMIT 1 OFFSET 0",
	  "(((FALSE) OR (`e` = 3 AND FALSE) OR (`e` = 3 AND `s` = 3 AND "
	  "`id` > 1)) AND ((FALSE) OR (`e` = 0 AND FALSE) OR (`e` = 0 AND "
	  "`s` = 0 AND `id` <= 5)))" },
	/* chunk size 0 is refused; the range does not care */
	{ &key_id, { "1" }, { "2" }, 0, NULL,
	  "(((`id` > 1)) AND ((`id` <= 2)))" },
	/* a boundary with the wrong number of values */
	{ &key_ab, { "1" }, { "2", "3" }, 10, NULL, NULL },
	{ &key_ab, { NULL }, { "2" }, 10,
	  "SELECT `a`, CAST(`b` AS BINARY) FROM `db`.`t` FORCE INDEX "
	  "(`PRIMARY`) ORDER BY `a`, `b` LIMIT 1 OFFSET 9",
	  NULL },
};

static void fill_bound(struct chunk_bound *b, const char *const *v)
{
	size_t n = 0;

	while (n < 3 && v[n])
		n++;
	b->nvalues = n;
	b->values = (char **)v;
}

static void test_plan_sql(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(plan_cases); i++) {
		const struct plan_case *c = &plan_cases[i];
		struct chunk_bound lo, up;
		struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
		int rc;

		fill_bound(&lo, c->lower);
		fill_bound(&up, c->upper);
		rc = chunk_plan_boundary_sql(c->key, &lo, c->rows, &sql, &err);
		if (c->boundary) {
			if (rc)
				fail_msg("case %zu: %s", i, err.buf);
			assert_string_equal(sql.buf, c->boundary);
		} else {
			assert_int_equal(rc, -1);
			assert_true(err.len > 0);
		}
		strbuf_reset(&sql);
		strbuf_reset(&err);
		rc = chunk_plan_range_sql(c->key, &lo, &up, &sql, &err);
		if (c->range) {
			if (rc)
				fail_msg("case %zu: %s", i, err.buf);
			assert_string_equal(sql.buf, c->range);
		} else {
			assert_int_equal(rc, -1);
			assert_true(err.len > 0);
		}
		strbuf_release(&sql);
		strbuf_release(&err);
	}
}

static void test_key_check(void **state)
{
	static const struct chunk_key_column empty_name[] = {
		{ "", CHUNK_KEY_NUMERIC, NULL, 0 },
	};
	static const struct chunk_key_column no_domain[] = {
		{ "e", CHUNK_KEY_ENUM, NULL, 0 },
	};
	static const struct chunk_key_column big_domain[] = {
		{ "e", CHUNK_KEY_ENUM, NULL, CHUNK_KEY_ENUM_MAX + 1 },
	};
	const struct chunk_key bad[] = {
		{ "db", "t", "PRIMARY", 1, no_domain },
		{ "db", "t", "PRIMARY", 1, big_domain },
		{ "db", "t", "PRIMARY", 0, col_id },
		{ "db", "t", NULL, 1, col_id },
		{ "db", "", "PRIMARY", 1, col_id },
		{ "db", "t", "PRIMARY", 1, empty_name },
	};
	struct strbuf err = STRBUF_INIT;
	size_t i;

	assert_int_equal(chunk_key_check(&key_abc, &err), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		strbuf_reset(&err);
		assert_int_equal(chunk_key_check(&bad[i], &err), -1);
		assert_true(err.len > 0);
	}
	strbuf_release(&err);
}

static void test_bound_from_row(void **state)
{
	char v0[] = "7", v1[] = "\xe6\x97\xa5";
	char *values[] = { v0, v1 };
	unsigned long lengths[] = { 1, 3 };
	char *nulls[] = { v0, NULL };
	struct chunk_bound b = CHUNK_BOUND_INIT, c = CHUNK_BOUND_INIT;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(chunk_bound_from_row(&key_ab, values, lengths, 2, &b,
					      &err), 0);
	assert_int_equal(b.nvalues, 2);
	assert_string_equal(b.values[0], "7");
	assert_string_equal(b.values[1], "_utf8mb4 X'e697a5'");
	chunk_bound_copy(&c, &b);
	assert_string_equal(c.values[1], "_utf8mb4 X'e697a5'");
	/* A failure leaves the old bound in place. */
	assert_int_equal(chunk_bound_from_row(&key_ab, nulls, lengths, 2, &b,
					      &err), -1);
	assert_string_equal(b.values[0], "7");
	strbuf_reset(&err);
	assert_int_equal(chunk_bound_from_row(&key_ab, values, lengths, 1, &b,
					      &err), -1);
	chunk_bound_release(&b);
	chunk_bound_release(&c);
	assert_int_equal(b.nvalues, 0);
	strbuf_release(&err);
}

/* ---- chunk warnings ---- */

static const struct {
	const char *code, *msg, *key;
	int want;
} warning_cases[] = {
	{ "1062", "Duplicate entry '5' for key 'PRIMARY'", "PRIMARY", 1 },
	{ "1062", "Duplicate entry '5-a' for key '_t_new.PRIMARY'",
	  "PRIMARY", 1 },
	{ "1062", "Duplicate entry '5' for key 'k_u'", "PRIMARY", 0 },
	{ "1062", "Duplicate entry '5' for key 'XPRIMARY'", "PRIMARY", 0 },
	{ "1062", "Duplicate entry '5' for key 't.k_PRIMARY'", "PRIMARY", 0 },
	/* the value holds the marker: the last one counts */
	{ "1062", "Duplicate entry 'x' for key 'PRIMARY'' for key 'k_u'",
	  "PRIMARY", 0 },
	{ "1062", "Duplicate entry 'x' for key 'k_u'' for key 'PRIMARY'",
	  "PRIMARY", 1 },
	{ "1062", "Duplicate entry '5' for key 'uk'", "uk", 1 },
	{ "1265", "Data truncated for column 'v' at row 2", "PRIMARY", 0 },
	{ "1264", "Out of range value for column 'u' at row 1", "PRIMARY",
	  0 },
	{ "1062", "Duplicate entry '5' for key 'PRIMARY", "PRIMARY", 0 },
	{ "1062", NULL, "PRIMARY", 0 },
	{ NULL, "Duplicate entry '5' for key 'PRIMARY'", "PRIMARY", 0 },
	{ "1062", "Duplicate entry '5' for key 'PRIMARY'", NULL, 0 },
	/* ADD COLUMN x INT NOT NULL: the implicit default, as natively */
	{ "1364", "Field 'x' doesn't have a default value", "PRIMARY", 1 },
	{ "1048", "Column 'x' cannot be null", "PRIMARY", 0 },
};

static void test_warnings(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(warning_cases); i++)
		if (chunk_warning_is_expected(warning_cases[i].code,
					      warning_cases[i].msg,
					      warning_cases[i].key) !=
		    warning_cases[i].want)
			fail_msg("case %zu: '%s'", i,
				 warning_cases[i].msg ? warning_cases[i].msg
						      : "(null)");
}

static void test_enum_max(void **state)
{
	assert_int_equal(chunk_key_enum_max(0, 3), 3);
	assert_int_equal(chunk_key_enum_max(0, 4095), 4095);
	assert_int_equal(chunk_key_enum_max(0, 4096), 0);
	assert_int_equal(chunk_key_enum_max(1, 3), 7);
	assert_int_equal(chunk_key_enum_max(1, 12), 4095);
	assert_int_equal(chunk_key_enum_max(1, 13), 0);
	assert_int_equal(chunk_key_enum_max(1, 64), 0);
	assert_int_equal(chunk_key_enum_max(0, 0), 0);
}

/*
 * Issue 12, 2: primary and unique key swapped. The shared key is the
 * source's PRIMARY (`id`), `id_uidx` in the ghost; the ghost's PRIMARY
 * (`i`, `ts`) is guaranteed by the source's unique key (absorbed) or,
 * made of nullable columns, narrowed (checked).
 */
static void test_warning_classes(void **state)
{
	static const char *const absorbed[] = { "PRIMARY" };
	static const char *const checked[] = { "uk_new", "PRIMARY" };
	struct chunk_copy_opts o;
	static const struct {
		int with_absorbed, with_checked;
		const char *code, *msg;
		enum chunk_warning_class want;
	} cases[] = {
		{ 0, 0, "1062", "Duplicate entry '5' for key 'id_uidx'",
		  CHUNK_WARNING_EXPECTED },
		{ 0, 0, "1062", "Duplicate entry '5-2020' for key 'PRIMARY'",
		  CHUNK_WARNING_FATAL },
		{ 1, 0, "1062", "Duplicate entry '5-2020' for key 'PRIMARY'",
		  CHUNK_WARNING_EXPECTED },
		{ 1, 0, "1062", "Duplicate entry '5' for key '_t_new.PRIMARY'",
		  CHUNK_WARNING_EXPECTED },
		{ 1, 0, "1062", "Duplicate entry '5' for key 'uk_new'",
		  CHUNK_WARNING_FATAL },
		{ 0, 1, "1062", "Duplicate entry '5-2020' for key 'PRIMARY'",
		  CHUNK_WARNING_DUP_CHECKED },
		{ 1, 1, "1062", "Duplicate entry '5' for key 'uk_new'",
		  CHUNK_WARNING_DUP_CHECKED },
		/* checked wins when a name is on both lists */
		{ 1, 1, "1062", "Duplicate entry '5' for key 'PRIMARY'",
		  CHUNK_WARNING_DUP_CHECKED },
		{ 1, 1, "1062", "Duplicate entry '5' for key 'other'",
		  CHUNK_WARNING_FATAL },
		{ 1, 1, "1264", "Out of range value for column 'i' at row 1",
		  CHUNK_WARNING_FATAL },
		{ 1, 1, "1364", "Field 'x' doesn't have a default value",
		  CHUNK_WARNING_EXPECTED },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&o, 0, sizeof(o));
		o.ghost_key_name = "id_uidx";
		if (cases[i].with_absorbed) {
			o.absorbed_keys = absorbed;
			o.absorbed_keys_nr = ARRAY_SIZE(absorbed);
		}
		if (cases[i].with_checked) {
			o.checked_keys = checked;
			o.checked_keys_nr = ARRAY_SIZE(checked);
		}
		if (chunk_warning_classify(&o, cases[i].code, cases[i].msg) !=
		    cases[i].want)
			fail_msg("case %zu: '%s'", i, cases[i].msg);
	}
}

/* ---- adaptive size ---- */

struct size_step {
	unsigned long long rows;	/* copied by the chunk */
	double elapsed_ms;
	unsigned long long want;	/* the next size */
};

struct size_case {
	const char *name;
	struct chunk_size_params p;
	unsigned long long first;
	struct size_step steps[8];	/* ends at rows == 0 && want == 0 */
};

static const struct size_case size_cases[] = {
	{ "steady rate settles on rate x target",
	  { 500, 10, 100000 }, 1000,
	  { { 1000, 100, 2000 },	/* 10 rows/ms: 5000, capped at x2 */
	    { 2000, 200, 4000 },	/* still capped */
	    { 4000, 400, 5000 },	/* 10 rows/ms x 500 ms */
	    { 5000, 500, 5000 },
	    { 0, 0, 0 } } },
	{ "a slow chunk shrinks at once",
	  { 500, 10, 100000 }, 5000,
	  { { 5000, 500, 5000 },	/* 10 rows/ms */
	    { 5000, 5000, 500 },	/* 1 row/ms, 10x over: from it alone */
	    { 500, 500, 500 },		/* estimate is 1 row/ms now */
	    { 0, 0, 0 } } },
	{ "a moderately slow chunk pulls the estimate half way",
	  { 100, 1, 100000 }, 1000,
	  { { 1000, 100, 1000 },	/* 10 rows/ms */
	    { 1000, 200, 750 },		/* 5: (5+10)/2 = 7.5 rows/ms */
	    { 0, 0, 0 } } },
	{ "bounded by max and min",
	  { 1000, 100, 3000 }, 2000,
	  { { 2000, 10, 3000 },		/* 200 rows/ms wants 200000 */
	    { 3000, 30000, 100 },	/* 0.1 row/ms wants 100 */
	    { 100, 100000, 100 },	/* 0.001 row/ms: stays at min */
	    { 0, 0, 0 } } },
	{ "empty chunk keeps the size",
	  { 500, 10, 100000 }, 800,
	  { { 0, 3, 800 },
	    { 800, 80, 1600 },
	    { 0, 3, 1600 },
	    { 0, 0, 0 } } },
	{ "sub-millisecond chunks count as 1 ms",
	  { 100, 1, 100000 }, 50,
	  { { 50, 0.0, 100 },		/* 50 rows/ms x 100 = 5000, x2 cap */
	    { 100, 0.2, 200 },
	    { 0, 0, 0 } } },
	{ "fixed size when no target",
	  { 0, 10, 100000 }, 700,
	  { { 700, 10000, 700 },
	    { 0, 0, 0 } } },
	{ "size below the minimum is raised",
	  { 500, 1000, 5000 }, 10,
	  { { 0, 1, 1000 },
	    { 0, 0, 0 } } },
};

static void test_chunk_size(void **state)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		const struct size_case *c = &size_cases[i];
		unsigned long long size = c->first;
		double rate = 0;

		for (j = 0; j < ARRAY_SIZE(c->steps); j++) {
			const struct size_step *s = &c->steps[j];
			unsigned long long got;

			if (!s->rows && !s->want)
				break;
			got = chunk_size_next(&c->p, &rate, size, s->rows,
					      s->elapsed_ms);
			if (got != s->want)
				fail_msg("%s, step %zu: got %llu, want %llu",
					 c->name, j, got, s->want);
			size = got;
		}
	}
}

/* Whatever the samples, the result stays in bounds and grows <= x2. */
static void test_chunk_rows_for_bytes(void **state)
{
	(void)state;
	assert_int_equal(chunk_rows_for_bytes(100000, 100, 0, 2048), 100000);
	assert_int_equal(chunk_rows_for_bytes(100000, 100, 1 << 20, 0), 100000);
	assert_int_equal(chunk_rows_for_bytes(100000, 100, 1 << 20, 1024), 1024);
	/* Never below --chunk-size-min, never above --chunk-size-max. */
	assert_int_equal(chunk_rows_for_bytes(100000, 100, 1 << 20, 1 << 16),
			 100);
	assert_int_equal(chunk_rows_for_bytes(500, 100, 1 << 30, 10), 500);
	assert_int_equal(chunk_rows_for_bytes(100000, 0, 10, 1 << 20), 1);
}

static void test_chunk_size_bounds(void **state)
{
	const struct chunk_size_params p = { 250, 20, 50000 };
	unsigned long long size = 20, seed = 12345;
	double rate = 0;
	int i;

	for (i = 0; i < 10000; i++) {
		unsigned long long rows, next;
		double ms;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		rows = (seed >> 33) % 100000;
		ms = (double)((seed >> 13) % 5000000) / 1000.0;
		next = chunk_size_next(&p, &rate, size, rows, ms);
		assert_true(next >= p.min_rows);
		assert_true(next <= p.max_rows);
		assert_true(next <= 2 * size || next == p.min_rows);
		size = next;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_plan_sql),
		cmocka_unit_test(test_key_check),
		cmocka_unit_test(test_bound_from_row),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_enum_max),
		cmocka_unit_test(test_warning_classes),
		cmocka_unit_test(test_chunk_size),
		cmocka_unit_test(test_chunk_size_bounds),
		cmocka_unit_test(test_chunk_rows_for_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
