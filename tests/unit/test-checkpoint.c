/*
 * test-checkpoint.c: the checkpoint record, its fingerprint and its
 * changelog rows (osc/migrate/checkpoint.c).
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "osc/migrate/checkpoint.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

static void fill(struct osc_checkpoint *c, size_t nlow, const char **low)
{
	size_t i;

	osc_checkpoint_init(c);
	c->phase = xstrdup("copy");
	c->copy_done = 0;
	if (nlow) {
		c->low.values = xcalloc(nlow, sizeof(char *));
		for (i = 0; i < nlow; i++)
			c->low.values[i] = xstrdup(low[i]);
		c->low.nvalues = nlow;
	}
	snprintf(c->applied.file, sizeof(c->applied.file), "mysql-bin.000042");
	c->applied.pos = 123456789012ULL;
	c->rows_copied = 4242;
	c->server_id = 4294967295ULL;
	c->written_us = 1765000000123456ULL;
	c->alter = xstrdup("ADD COLUMN note VARCHAR(64) DEFAULT 'a b, c=d' "
			   "COMMENT 'caf\xc3\xa9 100%\\'\n, ADD INDEX k (x)");
	osc_checkpoint_fingerprint(&c->fp, c->alter, "CREATE TABLE `t` (\n"
				   "  `id` int NOT NULL AUTO_INCREMENT\n"
				   ") ENGINE=InnoDB AUTO_INCREMENT=77",
				   "CREATE TABLE `_t_new` (...)",
				   "PRIMARY(id)>PRIMARY(id)", "0.1.0");
}

static void test_round_trip(void **state)
{
	static const char *low[] = {
		"-12", "_utf8mb4 X'6162C3A9'", "'2024-01-02 03:04:05.25'",
		"X''",
	};
	struct osc_checkpoint c, d;
	struct strbuf rec = STRBUF_INIT, err = STRBUF_INIT;
	size_t i, n;

	for (n = 0; n <= ARRAY_SIZE(low); n++) {
		fill(&c, n, low);
		c.copy_done = n == 2;
		strbuf_reset(&rec);
		osc_checkpoint_encode(&rec, &c);
		/* Nothing SQL quoting or the ASCII column would change. */
		for (i = 0; i < rec.len; i++) {
			unsigned char ch = (unsigned char)rec.buf[i];

			assert_true(ch >= 0x20 && ch < 0x7f);
			assert_true(ch != '\'' && ch != '"' && ch != '\\');
		}
		osc_checkpoint_init(&d);
		strbuf_reset(&err);
		assert_int_equal(osc_checkpoint_decode(rec.buf, rec.len, &d,
						       &err), 0);
		assert_string_equal(d.phase, "copy");
		assert_int_equal(d.copy_done, n == 2);
		assert_int_equal(d.low.nvalues, n);
		for (i = 0; i < n; i++)
			assert_string_equal(d.low.values[i], low[i]);
		assert_string_equal(d.applied.file, "mysql-bin.000042");
		assert_true(d.applied.pos == 123456789012ULL);
		assert_true(d.rows_copied == 4242);
		assert_true(d.server_id == 4294967295ULL);
		assert_true(d.written_us == 1765000000123456ULL);
		assert_string_equal(d.alter, c.alter);
		assert_string_equal(d.fp.version, "0.1.0");
		assert_true(d.fp.alter == c.fp.alter);
		assert_true(d.fp.source == c.fp.source);
		assert_true(d.fp.ghost == c.fp.ghost);
		assert_true(d.fp.key == c.fp.key);
		strbuf_reset(&err);
		assert_int_equal(osc_checkpoint_compare(&c.fp, &d.fp, &err), 0);
		osc_checkpoint_release(&c);
		osc_checkpoint_release(&d);
	}
	strbuf_release(&rec);
	strbuf_release(&err);
}

/* Re-seal a record after an edit, as someone forging one would. */
static void reseal(struct strbuf *rec)
{
	char num[32];

	strbuf_setlen(rec, rec->len - 21);
	snprintf(num, sizeof(num), "%016" PRIx64,
		 osc_checkpoint_hash(rec->buf, rec->len));
	strbuf_addf(rec, " sum=%s", num);
}

static void replace(struct strbuf *rec, const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = strstr(rec->buf, from);

	assert_non_null(p);
	strbuf_add(&sb, rec->buf, (size_t)(p - rec->buf));
	strbuf_addstr(&sb, to);
	strbuf_addstr(&sb, p + strlen(from));
	strbuf_reset(rec);
	strbuf_addbuf(rec, &sb);
	strbuf_release(&sb);
}

static void test_refusals(void **state)
{
	static const char *low[] = { "17" };
	static const struct {
		const char *from, *to; /* an edit, then resealed */
		const char *why;       /* part of the error */
	} edits[] = {
		{ "osc-checkpoint=1", "osc-checkpoint=2", "format 2" },
		{ "low=1,17", "low=1,17%20OR%201", "low-water mark" },
		{ "low=1,17", "low=1,%27x%27%3B%20DROP", "low-water mark" },
		{ "low=1,17", "low=2,17", "low-water mark" },
		{ "low=1,17", "low=1,17,18", "low-water mark" },
		{ "binlog-pos=", "binlog-pos=x", "'binlog-pos' is not a number" },
		{ "binlog-file=mysql-bin.000042", "binlog-file=..%2Fx",
		  "binlog file name" },
		{ " rows=4242", "", "no field 'rows'" },
		{ " server-id=4294967295", "", "no field 'server-id'" },
		{ "phase=copy", "phase=c%2", "'phase' is not encoded" },
		{ "phase=copy", "phase=c%00", "'phase' is not encoded" },
	};
	struct osc_checkpoint c, d;
	struct strbuf rec = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;

	fill(&c, 1, low);
	osc_checkpoint_init(&d);
	for (i = 0; i < ARRAY_SIZE(edits); i++) {
		strbuf_reset(&rec);
		osc_checkpoint_encode(&rec, &c);
		replace(&rec, edits[i].from, edits[i].to);
		reseal(&rec);
		strbuf_reset(&err);
		assert_int_equal(osc_checkpoint_decode(rec.buf, rec.len, &d,
						       &err), -1);
		if (!strstr(err.buf, edits[i].why))
			fail_msg("edit %zu: '%s' does not say '%s'", i,
				 err.buf, edits[i].why);
	}
	/* Torn, cut short, changed without resealing, empty, not ours. */
	strbuf_reset(&rec);
	osc_checkpoint_encode(&rec, &c);
	strbuf_reset(&err);
	assert_int_equal(osc_checkpoint_decode(rec.buf, rec.len - 3, &d, &err),
			 -1);
	assert_non_null(strstr(err.buf, "incomplete"));
	strbuf_reset(&err);
	assert_int_equal(osc_checkpoint_decode(rec.buf, rec.len / 2, &d, &err),
			 -1);
	rec.buf[30] ^= 1;
	strbuf_reset(&err);
	assert_int_equal(osc_checkpoint_decode(rec.buf, rec.len, &d, &err), -1);
	assert_non_null(strstr(err.buf, "checksum"));
	strbuf_reset(&err);
	assert_int_equal(osc_checkpoint_decode("", 0, &d, &err), -1);
	assert_non_null(strstr(err.buf, "no osc checkpoint"));
	strbuf_reset(&err);
	assert_int_equal(osc_checkpoint_decode("1765000000123456", 16, &d,
					       &err), -1);
	osc_checkpoint_release(&c);
	osc_checkpoint_release(&d);
	strbuf_release(&rec);
	strbuf_release(&err);
}

static void test_literals(void **state)
{
	static const struct {
		const char *lit;
		int ok;
	} cases[] = {
		{ "0", 1 }, { "-5", 1 }, { "+5", 1 }, { "12.50", 1 },
		{ "X'00ff'", 1 }, { "_utf8mb4 X'61'", 1 }, { "_latin1 x''", 1 },
		{ "'2024-01-02'", 1 }, { "'-838:59:59.5'", 1 },
		{ "", 0 }, { "-", 0 }, { "1e5", 0 }, { "1 OR 1", 0 },
		{ "X'0g'", 0 }, { "X'00' OR 1", 0 }, { "_ X'00'", 0 },
		{ "_Utf8 X'00'", 0 }, { "_utf8mb4X'00'", 0 },
		{ "'2024' OR '1'", 0 }, { "'a'", 0 }, { "'1", 0 },
		{ "NULL", 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (osc_checkpoint_literal_ok(cases[i].lit) != cases[i].ok)
			fail_msg("'%s': want %d", cases[i].lit, cases[i].ok);
}

static void test_normalize_create(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n"
		  "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=1234 "
		  "DEFAULT CHARSET=utf8mb4",
		  "CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n"
		  "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" },
		{ "CREATE TABLE `t` (\n  `id` int\n) ENGINE=InnoDB",
		  "CREATE TABLE `t` (\n  `id` int\n) ENGINE=InnoDB" },
		/* Only the table option, never a column's text. */
		{ "CREATE TABLE `t` (\n  `c` int COMMENT ' AUTO_INCREMENT=5'\n"
		  ") ENGINE=InnoDB",
		  "CREATE TABLE `t` (\n  `c` int COMMENT ' AUTO_INCREMENT=5'\n"
		  ") ENGINE=InnoDB" },
		{ "x AUTO_INCREMENT=", "x AUTO_INCREMENT=" },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		osc_checkpoint_normalize_create(&sb, cases[i].in);
		assert_string_equal(sb.buf, cases[i].want);
	}
	strbuf_release(&sb);
}

static void test_compare(void **state)
{
	static const char src[] = "CREATE TABLE `t` (\n) ENGINE=InnoDB "
				  "AUTO_INCREMENT=5";
	struct osc_checkpoint_fingerprint a, b;
	struct strbuf what = STRBUF_INIT, key = STRBUF_INIT;
	const char *sc[] = { "id", "k" }, *gc[] = { "id", "k2" };

	osc_checkpoint_key_text(&key, "PRIMARY", "PRIMARY", sc, gc, 2);
	assert_string_equal(key.buf, "PRIMARY(id,k)>PRIMARY(id,k2)");
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	osc_checkpoint_fingerprint(&a, "ADD c INT", src, "G", key.buf, "1");
	/* The counter moved: still the same table. */
	osc_checkpoint_fingerprint(&b, "ADD c INT",
				   "CREATE TABLE `t` (\n) ENGINE=InnoDB "
				   "AUTO_INCREMENT=900", "G", key.buf, "1");
	assert_int_equal(osc_checkpoint_compare(&a, &b, &what), 0);

	osc_checkpoint_fingerprint(&b, "ADD c BIGINT", src, "G", key.buf, "1");
	assert_int_equal(osc_checkpoint_compare(&a, &b, &what), -1);
	assert_non_null(strstr(what.buf, "--alter"));
	strbuf_reset(&what);
	osc_checkpoint_fingerprint(&b, "ADD c INT", src, "G", key.buf, "2");
	assert_int_equal(osc_checkpoint_compare(&a, &b, &what), -1);
	assert_non_null(strstr(what.buf, "osc 1, this is osc 2"));
	strbuf_reset(&what);
	osc_checkpoint_fingerprint(&b, "ADD c INT",
				   "CREATE TABLE `t` (\n  `x` int\n)", "G",
				   key.buf, "1");
	assert_int_equal(osc_checkpoint_compare(&a, &b, &what), -1);
	assert_non_null(strstr(what.buf, "definition of the table"));
	strbuf_reset(&what);
	osc_checkpoint_fingerprint(&b, "ADD c INT", src, "G2", key.buf, "1");
	assert_int_equal(osc_checkpoint_compare(&a, &b, &what), -1);
	assert_non_null(strstr(what.buf, "ghost"));
	strbuf_reset(&what);
	osc_checkpoint_fingerprint(&b, "ADD c INT", src, "G", "PRIMARY(id)",
				   "1");
	assert_int_equal(osc_checkpoint_compare(&a, &b, &what), -1);
	assert_non_null(strstr(what.buf, "shared key"));
	free(a.version);
	free(b.version);
	strbuf_release(&what);
	strbuf_release(&key);
}

static void test_rows(void **state)
{
	struct strbuf del = STRBUF_INIT, ins = STRBUF_INIT;
	struct strbuf err = STRBUF_INIT, rec = STRBUF_INIT;

	assert_int_equal(osc_checkpoint_write_sql(&del, &ins, "d", "_t_osc",
						  "abc", &err), 0);
	assert_string_equal(del.buf, "DELETE FROM `d`.`_t_osc` WHERE id "
				     "BETWEEN 3 AND 255");
	assert_string_equal(ins.buf, "INSERT INTO `d`.`_t_osc` (id, hint, "
				     "value) VALUES (3, 'checkpoint', 'abc')");
	/* Two full pieces and a bit: three rows. */
	strbuf_addchars(&rec, 'a', OSC_CHECKPOINT_PIECE);
	strbuf_addchars(&rec, 'b', OSC_CHECKPOINT_PIECE);
	strbuf_addstr(&rec, "cc");
	strbuf_reset(&del);
	strbuf_reset(&ins);
	assert_int_equal(osc_checkpoint_write_sql(&del, &ins, "d", "_t_osc",
						  rec.buf, &err), 0);
	assert_non_null(strstr(ins.buf, "(3, 'checkpoint', 'aaa"));
	assert_non_null(strstr(ins.buf, "a'), (4, 'checkpoint.1', 'bbb"));
	assert_non_null(strstr(ins.buf, "b'), (5, 'checkpoint.2', 'cc')"));
	assert_null(strstr(ins.buf, "(6,"));
	/* Too big for the reserved ids. */
	strbuf_reset(&rec);
	strbuf_addchars(&rec, 'a', OSC_CHECKPOINT_PIECE * 253 + 1);
	strbuf_reset(&del);
	strbuf_reset(&ins);
	assert_int_equal(osc_checkpoint_write_sql(&del, &ins, "d", "_t_osc",
						  rec.buf, &err), -1);
	assert_non_null(strstr(err.buf, "more than the changelog keeps"));
	strbuf_reset(&del);
	assert_int_equal(osc_checkpoint_read_sql(&del, "d", "_t_osc", &err), 0);
	assert_string_equal(del.buf, "SELECT value FROM `d`.`_t_osc` WHERE "
				     "id BETWEEN 3 AND 255 ORDER BY id");
	strbuf_release(&del);
	strbuf_release(&ins);
	strbuf_release(&err);
	strbuf_release(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_literals),
	    cmocka_unit_test(test_normalize_create),
	    cmocka_unit_test(test_compare),
	    cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
