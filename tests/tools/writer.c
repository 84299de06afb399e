/*
 * writer.c: the concurrent writer of the exactness tests (DESIGN.md 4).
 *
 * Every transaction applies the same random change to the table under
 * migration `t` and to a mirror table that osc never touches, in ONE
 * transaction, so that after the migration `t` must equal the mirror row
 * for row. Three modes:
 *
 *   writer --create=int|composite|varchar --rows=N ...  create t, mirror
 *   writer --duration=S | --stop-file=F ...              write until told
 *   writer --verify ...                                  compare t, mirror
 *
 * The test table holds every column type with NULLs and extremes (see
 * value_columns[]); the key shapes are a single BIGINT, (INT, VARCHAR) and
 * a utf8mb4 VARCHAR. The writer finds the shape from the mirror's primary
 * key, writes only the mirror's columns that it knows and that are not
 * --exclude-column'd, rolls back and retries deadlocks and lock wait
 * timeouts, and treats a duplicate key as a rolled back no-op. Any other
 * error is counted, printed and makes the exit status 1.
 *
 * --text=latin1|gbk keeps every generated string (values and keys) to the
 * characters that charset holds, for migrations that convert to or from
 * it; the default (utf8mb4) is every character.
 *
 * --verify is generic: it streams both tables ordered by the mirror's
 * primary key and compares the mirror's columns (minus the excluded ones)
 * byte for byte, so it also serves the copier test (t against t2).
 */
#include "util/compat.h"

#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

/* ---- random numbers (xorshift64*, one state per thread) ---- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

/* 1 with probability 1/n. */
static int one_in(uint64_t *s, uint64_t n)
{
	return rng_below(s, n) == 0;
}

static void rng_seed(uint64_t *s, uint64_t seed)
{
	*s = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
	if (!*s)
		*s = 1;
	rng_next(s);
}

/* ---- value generators: SQL literals with NULLs and extremes ---- */

static void add_signed(uint64_t *r, struct strbuf *sb, unsigned bits)
{
	int64_t v;

	switch (rng_below(r, 6)) {
	case 0:	/* minimum */
		v = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
		break;
	case 1:	/* maximum */
		v = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
		break;
	case 2:
		v = (int64_t)rng_below(r, 201) - 100;
		break;
	default: {
		uint64_t u = rng_next(r);

		if (bits < 64) {
			u &= ((uint64_t)1 << bits) - 1;
			if (u & ((uint64_t)1 << (bits - 1)))
				u |= ~(((uint64_t)1 << bits) - 1);
		}
		v = (int64_t)u;
	}
	}
	strbuf_addf(sb, "%" PRId64, v);
}

static void add_unsigned(uint64_t *r, struct strbuf *sb, unsigned bits)
{
	uint64_t max = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;

	switch (rng_below(r, 6)) {
	case 0:
		strbuf_addstr(sb, "0");
		break;
	case 1:
		strbuf_addf(sb, "%" PRIu64, max);
		break;
	default:
		strbuf_addf(sb, "%" PRIu64, rng_next(r) & max);
	}
}

#define INT_GEN(name, fn, bits)                                    \
	static void name(uint64_t *r, struct strbuf *sb)           \
	{                                                          \
		fn(r, sb, bits);                                   \
	}
INT_GEN(gen_ti, add_signed, 8)
INT_GEN(gen_tiu, add_unsigned, 8)
INT_GEN(gen_si, add_signed, 16)
INT_GEN(gen_siu, add_unsigned, 16)
INT_GEN(gen_mi, add_signed, 24)
INT_GEN(gen_miu, add_unsigned, 24)
INT_GEN(gen_i, add_signed, 32)
INT_GEN(gen_iu, add_unsigned, 32)
INT_GEN(gen_bi, add_signed, 64)
INT_GEN(gen_biu, add_unsigned, 64)

static void add_digits(uint64_t *r, struct strbuf *sb, unsigned n)
{
	while (n--)
		strbuf_addch(sb, (char)('0' + rng_below(r, 10)));
}

/* DECIMAL(65,30): 35 integer digits, 30 fraction digits. */
static void gen_dec(uint64_t *r, struct strbuf *sb)
{
	switch (rng_below(r, 6)) {
	case 0:
	case 1:
		if (rng_below(r, 2))
			strbuf_addch(sb, '-');
		strbuf_addchars(sb, '9', 35);
		strbuf_addch(sb, '.');
		strbuf_addchars(sb, '9', 30);
		break;
	case 2:
		strbuf_addstr(sb, rng_below(r, 2) ? "0" :
			      "-0.000000000000000000000000000001");
		break;
	default:
		if (rng_below(r, 2))
			strbuf_addch(sb, '-');
		strbuf_addch(sb, (char)('1' + rng_below(r, 9)));
		add_digits(r, sb, (unsigned)rng_below(r, 35));
		strbuf_addch(sb, '.');
		add_digits(r, sb, (unsigned)rng_below(r, 31));
	}
}

/* DECIMAL(5,2). */
static void gen_decs(uint64_t *r, struct strbuf *sb)
{
	switch (rng_below(r, 5)) {
	case 0:
		strbuf_addstr(sb, "999.99");
		break;
	case 1:
		strbuf_addstr(sb, "-999.99");
		break;
	default:
		strbuf_addf(sb, "%s%u.%02u", rng_below(r, 2) ? "-" : "",
			    (unsigned)rng_below(r, 1000),
			    (unsigned)rng_below(r, 100));
	}
}

static void gen_float(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = {
		"3.4028234e38", "-3.4028234e38", "1.17549435e-38", "0", "-1",
	};
	float f;

	if (one_in(r, 4)) {
		strbuf_addstr(sb, ext[rng_below(r, ARRAY_SIZE(ext))]);
		return;
	}
	/* 24 random mantissa bits: every value is exactly a float. */
	f = (float)ldexp((double)((int32_t)(rng_next(r) >> 40) - (1 << 23)),
			 (int)rng_below(r, 200) - 120);
	strbuf_addf(sb, "%.9g", (double)f);
}

static void gen_double(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = {
		"1.7976931348623157e308", "-1.7976931348623157e308",
		"2.2250738585072014e-308", "0", "-0.5",
	};
	double d;

	if (one_in(r, 4)) {
		strbuf_addstr(sb, ext[rng_below(r, ARRAY_SIZE(ext))]);
		return;
	}
	d = ldexp((double)(int64_t)(rng_next(r) >> 11) -
			  (double)((int64_t)1 << 52),
		  (int)rng_below(r, 1800) - 1000);
	strbuf_addf(sb, "%.17g", d);
}

static void add_bits(uint64_t *r, struct strbuf *sb, unsigned n, int mode)
{
	uint64_t v = mode == 0 ? 0 : mode == 1 ? UINT64_MAX : rng_next(r);
	unsigned i;

	strbuf_addstr(sb, "b'");
	for (i = n; i-- > 0;)
		strbuf_addch(sb, (v >> i) & 1 ? '1' : '0');
	strbuf_addch(sb, '\'');
}

static void gen_bit1(uint64_t *r, struct strbuf *sb)
{
	add_bits(r, sb, 1, 2);
}

static void gen_bit64(uint64_t *r, struct strbuf *sb)
{
	add_bits(r, sb, 64, (int)rng_below(r, 4));
}

static void gen_year(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = { "1901", "2155", "0" };

	if (one_in(r, 3))
		strbuf_addstr(sb, ext[rng_below(r, ARRAY_SIZE(ext))]);
	else
		strbuf_addf(sb, "%u", 1901 + (unsigned)rng_below(r, 255));
}

static void add_ymd(uint64_t *r, struct strbuf *sb)
{
	strbuf_addf(sb, "%04u-%02u-%02u", 1000 + (unsigned)rng_below(r, 9000),
		    1 + (unsigned)rng_below(r, 12),
		    1 + (unsigned)rng_below(r, 28));
}

static void gen_date(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = {
		"'1000-01-01'", "'9999-12-31'", "'0000-00-00'",
	};

	if (one_in(r, 4)) {
		strbuf_addstr(sb, ext[rng_below(r, ARRAY_SIZE(ext))]);
		return;
	}
	strbuf_addch(sb, '\'');
	add_ymd(r, sb);
	strbuf_addch(sb, '\'');
}

static void gen_time(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = {
		"'-838:59:59.000000'", "'838:59:59.000000'",
		"'-00:00:00.000001'", "'00:00:00'",
	};

	if (one_in(r, 4)) {
		strbuf_addstr(sb, ext[rng_below(r, ARRAY_SIZE(ext))]);
		return;
	}
	strbuf_addf(sb, "'%s%u:%02u:%02u.%06u'", rng_below(r, 2) ? "-" : "",
		    (unsigned)rng_below(r, 839), (unsigned)rng_below(r, 60),
		    (unsigned)rng_below(r, 60),
		    (unsigned)rng_below(r, 1000000));
}

static void gen_datetime(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = {
		"'1000-01-01 00:00:00.000000'", "'9999-12-31 23:59:59.999999'",
		"'0000-00-00 00:00:00'",
	};

	if (one_in(r, 4)) {
		strbuf_addstr(sb, ext[rng_below(r, ARRAY_SIZE(ext))]);
		return;
	}
	strbuf_addch(sb, '\'');
	add_ymd(r, sb);
	strbuf_addf(sb, " %02u:%02u:%02u.%06u'", (unsigned)rng_below(r, 24),
		    (unsigned)rng_below(r, 60), (unsigned)rng_below(r, 60),
		    (unsigned)rng_below(r, 1000000));
}

/* The session time zone is '+00:00' (util/db.h), so these are UTC. */
static void gen_timestamp(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = {
		"'1970-01-01 00:00:01.000000'", "'2038-01-19 03:14:07.999999'",
	};
	time_t t;
	struct tm tm;

	if (one_in(r, 4)) {
		strbuf_addstr(sb, ext[rng_below(r, ARRAY_SIZE(ext))]);
		return;
	}
	t = (time_t)(1 + rng_below(r, 2147483646ULL));
	gmtime_r(&t, &tm);
	strbuf_addf(sb, "'%04d-%02d-%02d %02d:%02d:%02d.%06u'",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (unsigned)rng_below(r, 1000000));
}

/*
 * --text=CHARSET: every string the writer makes holds only characters
 * that CHARSET can hold, so that a migration converting the columns to it
 * (or from it) must keep every value (issue 12 item 1). utf8mb4, the
 * default, is everything; the random choices are then the same as
 * without the option.
 */
enum text_repertoire {
	TEXT_UTF8MB4 = 0,
	TEXT_LATIN1,	/* MariaDB's latin1 (cp1252): ASCII and U+00A0..U+00FF */
	TEXT_GBK,	/* ASCII, some pinyin, Greek, Cyrillic, CJK */
};
static enum text_repertoire text_rep;

static uint32_t utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c = *s++;
	int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

	if (more)
		c &= 0x3F >> more;
	while (more-- && (*s & 0xC0) == 0x80)
		c = (c << 6) | (*s++ & 0x3F);
	*p = s;
	return c;
}

static int char_fits(uint32_t c)
{
	if (c < 0x80)
		return 1;
	switch (text_rep) {
	case TEXT_UTF8MB4:
		return 1;
	case TEXT_LATIN1:
		return c >= 0xA0 && c <= 0xFF;
	case TEXT_GBK:
		return c == 0xE9 || c == 0xFC || (c >= 0x391 && c <= 0x3A9) ||
		       (c >= 0x3B1 && c <= 0x3C9) ||
		       (c >= 0x410 && c <= 0x44F) ||
		       (c >= 0x4E00 && c <= 0x9FA5);
	}
	return 0;
}

/* Does the UTF-8 text hold only characters of the --text charset? */
static int text_fits(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p)
		if (!char_fits(utf8_next(&p)))
			return 0;
	return 1;
}

/* A random entry of a list of literals that fits (the list has one). */
static const char *pick_fitting(uint64_t *r, const char *const *list,
				size_t nr)
{
	const char *v;

	do
		v = list[rng_below(r, nr)];
	while (!text_fits(v));
	return v;
}

/* The widest character of the --text charset, for values at a limit. */
static const char *wide_char(void)
{
	return text_rep == TEXT_LATIN1 ? "é" : text_rep == TEXT_GBK ? "日" :
					      "😀";
}

/*
 * Pieces of valid utf8mb4 text, each one character long, so that a limit
 * in characters is easy to keep: ASCII, quotes and backslashes, 2-, 3-
 * and 4-byte sequences.
 */
static const char *const text_chars[] = {
	"a", "Z", "0", " ", "'", "\"", "\\", "%", "_", "\t", "\n", "é", "ü",
	"ß", "ж", "Ω", "日", "本", "語", "€", "😀", "🎉", "𝄞",
};

static void add_text(uint64_t *r, struct strbuf *raw, unsigned max_chars)
{
	unsigned n = (unsigned)rng_below(r, (uint64_t)max_chars + 1);

	while (n--)
		strbuf_addstr(raw, pick_fitting(r, text_chars,
						ARRAY_SIZE(text_chars)));
}

static void add_string(struct strbuf *sb, const struct strbuf *raw)
{
	quote_sql_string(sb, raw->buf, raw->len);
}

static void gen_char(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = {
		"''", "'a  '", "'üüüüüüüüüü'", "'😀😀😀😀😀😀😀😀😀😀'", "' '",
	};
	struct strbuf raw = STRBUF_INIT;

	if (one_in(r, 3)) {
		strbuf_addstr(sb, pick_fitting(r, ext, ARRAY_SIZE(ext)));
		return;
	}
	add_text(r, &raw, 10);
	add_string(sb, &raw);
	strbuf_release(&raw);
}

static void gen_varchar(uint64_t *r, struct strbuf *sb)
{
	struct strbuf raw = STRBUF_INIT;

	switch (rng_below(r, 8)) {
	case 0:
		strbuf_addstr(sb, "''");
		break;
	case 1: {
		int i;

		for (i = 0; i < 100; i++)
			strbuf_addstr(&raw, wide_char());
		add_string(sb, &raw);
		break;
	}
	case 2:
		strbuf_addstr(sb, "'trailing   '");
		break;
	default:
		add_text(r, &raw, 100);
		add_string(sb, &raw);
	}
	strbuf_release(&raw);
}

static void add_bytes(uint64_t *r, struct strbuf *sb, size_t n,
		      int trailing_zeros)
{
	struct strbuf raw = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addch(&raw, (char)rng_next(r));
	/* BINARY pads with zeros: make values that end in zeros too. */
	if (trailing_zeros && n && one_in(r, 3)) {
		size_t z = 1 + rng_below(r, n);

		memset(raw.buf + n - z, 0, z);
	}
	if (n)
		quote_sql_hex(sb, raw.buf, raw.len);
	else
		strbuf_addstr(sb, "''");
	strbuf_release(&raw);
}

static void add_fill(struct strbuf *sb, size_t n, unsigned char byte)
{
	struct strbuf raw = STRBUF_INIT;

	strbuf_addchars(&raw, byte, n);
	quote_sql_hex(sb, raw.buf, raw.len);
	strbuf_release(&raw);
}

static void gen_binary(uint64_t *r, struct strbuf *sb)
{
	switch (rng_below(r, 6)) {
	case 0:
		strbuf_addstr(sb, "X'0102000000000000'");
		break;
	case 1:
		add_fill(sb, 8, 0);
		break;
	case 2:
		add_fill(sb, 8, 0xff);
		break;
	case 3:
		strbuf_addstr(sb, "''");
		break;
	default:
		add_bytes(r, sb, 1 + rng_below(r, 8), 1);
	}
}

static void gen_varbinary(uint64_t *r, struct strbuf *sb)
{
	switch (rng_below(r, 6)) {
	case 0:
		strbuf_addstr(sb, "''");
		break;
	case 1:
		strbuf_addstr(sb, "X'00'");
		break;
	case 2:
		add_fill(sb, 64, 0xff);
		break;
	default:
		add_bytes(r, sb, rng_below(r, 65), 1);
	}
}

/* Blobs: mostly small, sometimes the type's maximum (rarely: it is big). */
static void add_blob(uint64_t *r, struct strbuf *sb, size_t max_len,
		     size_t usual_len)
{
	switch (rng_below(r, 200)) {
	case 0:
		add_fill(sb, max_len, 0xa5);
		break;
	case 1:
	case 2:
	case 3:
	case 4:
		strbuf_addstr(sb, "''");
		break;
	default:
		add_bytes(r, sb, rng_below(r, usual_len + 1), 1);
	}
}

static void gen_tinyblob(uint64_t *r, struct strbuf *sb)
{
	add_blob(r, sb, 255, 255);
}

static void gen_blob(uint64_t *r, struct strbuf *sb)
{
	add_blob(r, sb, 65535, 600);
}

static void gen_mediumblob(uint64_t *r, struct strbuf *sb)
{
	add_blob(r, sb, 70000, 300);
}

static void gen_longblob(uint64_t *r, struct strbuf *sb)
{
	add_blob(r, sb, 100000, 300);
}

static void gen_text(uint64_t *r, struct strbuf *sb)
{
	struct strbuf raw = STRBUF_INIT;

	switch (rng_below(r, 100)) {
	case 0: {
		int i;

		/* 65532 bytes in utf8mb4: TEXT holds 65535. */
		for (i = 0; i < 16383; i++)
			strbuf_addstr(&raw, wide_char());
		break;
	}
	case 1:
	case 2:
		break;
	default:
		add_text(r, &raw, 200);
	}
	add_string(sb, &raw);
	strbuf_release(&raw);
}

static void gen_enum(uint64_t *r, struct strbuf *sb)
{
	static const char *const v[] = { "'a'", "'b'", "'c'", "'ж'" };

	strbuf_addstr(sb, pick_fitting(r, v, ARRAY_SIZE(v)));
}

static void gen_set(uint64_t *r, struct strbuf *sb)
{
	static const char *const v[] = { "''", "'x'", "'x,z'", "'x,y,z'",
					 "'y'" };

	strbuf_addstr(sb, v[rng_below(r, ARRAY_SIZE(v))]);
}

static void gen_json(uint64_t *r, struct strbuf *sb)
{
	static const char *const ext[] = {
		"'{}'", "'[]'", "'null'", "'1.5e300'", "'\"str\"'",
		"'{\"a\": {\"b\": [1, 2.5, true, false, null, \"ü😀\"]}}'",
	};
	struct strbuf raw = STRBUF_INIT;

	if (one_in(r, 3)) {
		strbuf_addstr(sb, pick_fitting(r, ext, ARRAY_SIZE(ext)));
		return;
	}
	strbuf_addf(&raw, "{\"n\": %" PRId64 ", \"f\": %u.5, \"s\": \"",
		    (int64_t)rng_next(r), (unsigned)rng_below(r, 1000));
	strbuf_addstr(&raw, rng_below(r, 2) && text_fits("ünï 日本") ?
				    "ünï 日本" : "plain");
	strbuf_addstr(&raw, "\", \"a\": [1, null, true]}");
	add_string(sb, &raw);
	strbuf_release(&raw);
}

static void gen_geometry(uint64_t *r, struct strbuf *sb)
{
	switch (rng_below(r, 6)) {
	case 0:
		strbuf_addstr(sb, "ST_GeomFromText('POINT(0 0)')");
		break;
	case 1:
		strbuf_addstr(sb, "ST_GeomFromText('POINT(-180 90)')");
		break;
	case 2:
		strbuf_addstr(sb, "ST_GeomFromText('POINT("
			      "1.7976931348623157e308 "
			      "-1.7976931348623157e308)')");
		break;
	default:
		strbuf_addf(sb, "ST_GeomFromText('POINT(%.17g %.17g)')",
			    ldexp((double)(int64_t)rng_next(r), -50),
			    ldexp((double)(int64_t)rng_next(r), -54));
	}
}

struct value_column {
	const char *name;
	const char *type;	/* for --create */
	void (*gen)(uint64_t *rng, struct strbuf *sb);
	/* NOT NULL, created only with --create-extra (see below) */
	int extra;
};

/*
 * The --create-extra columns, never NULL: an INT spread wide and a
 * DATETIME from a few hundred values, so that (u_i, u_ts) is almost
 * always unique (a colliding write is a rolled back duplicate) and a
 * key made of them or with them (ADD PRIMARY KEY (id, u_ts)) can be
 * tested under writes that change them.
 */
static void gen_u_i(uint64_t *r, struct strbuf *sb)
{
	strbuf_addf(sb, "%u", (unsigned)rng_below(r, 10000000));
}

static void gen_u_ts(uint64_t *r, struct strbuf *sb)
{
	strbuf_addf(sb, "'2024-%02u-%02u 00:00:00'",
		    1 + (unsigned)rng_below(r, 12),
		    1 + (unsigned)rng_below(r, 28));
}

/* Every column is nullable: one value in ten is NULL. */
static const struct value_column value_columns[] = {
	{ "c_ti", "TINYINT", gen_ti, 0 },
	{ "c_tiu", "TINYINT UNSIGNED", gen_tiu, 0 },
	{ "c_si", "SMALLINT", gen_si, 0 },
	{ "c_siu", "SMALLINT UNSIGNED", gen_siu, 0 },
	{ "c_mi", "MEDIUMINT", gen_mi, 0 },
	{ "c_miu", "MEDIUMINT UNSIGNED", gen_miu, 0 },
	{ "c_i", "INT", gen_i, 0 },
	{ "c_iu", "INT UNSIGNED", gen_iu, 0 },
	{ "c_bi", "BIGINT", gen_bi, 0 },
	{ "c_biu", "BIGINT UNSIGNED", gen_biu, 0 },
	{ "c_dec", "DECIMAL(65,30)", gen_dec, 0 },
	{ "c_decs", "DECIMAL(5,2)", gen_decs, 0 },
	{ "c_float", "FLOAT", gen_float, 0 },
	{ "c_double", "DOUBLE", gen_double, 0 },
	{ "c_bit1", "BIT(1)", gen_bit1, 0 },
	{ "c_bit64", "BIT(64)", gen_bit64, 0 },
	{ "c_year", "YEAR", gen_year, 0 },
	{ "c_date", "DATE", gen_date, 0 },
	{ "c_time", "TIME(6)", gen_time, 0 },
	{ "c_dt", "DATETIME(6)", gen_datetime, 0 },
	{ "c_ts", "TIMESTAMP(6) NULL DEFAULT NULL", gen_timestamp, 0 },
	{ "c_char", "CHAR(10) CHARACTER SET utf8mb4", gen_char, 0 },
	{ "c_vc", "VARCHAR(100) CHARACTER SET utf8mb4", gen_varchar, 0 },
	{ "c_bin", "BINARY(8)", gen_binary, 0 },
	{ "c_vbin", "VARBINARY(64)", gen_varbinary, 0 },
	{ "c_tblob", "TINYBLOB", gen_tinyblob, 0 },
	{ "c_blob", "BLOB", gen_blob, 0 },
	{ "c_mblob", "MEDIUMBLOB", gen_mediumblob, 0 },
	{ "c_lblob", "LONGBLOB", gen_longblob, 0 },
	{ "c_text", "TEXT CHARACTER SET utf8mb4", gen_text, 0 },
	{ "c_enum", "ENUM('a','b','c','ж')", gen_enum, 0 },
	{ "c_set", "SET('x','y','z')", gen_set, 0 },
	{ "c_json", "JSON", gen_json, 0 },
	{ "c_geo", "GEOMETRY", gen_geometry, 0 },
	{ "u_i", "INT NOT NULL DEFAULT 0", gen_u_i, 1 },
	{ "u_ts", "DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00'", gen_u_ts,
	  1 },
};

static void gen_value(uint64_t *r, const struct value_column *c,
		      struct strbuf *sb)
{
	if (!c->extra && one_in(r, 10))
		strbuf_addstr(sb, "NULL");
	else
		c->gen(r, sb);
}

/* ---- key shapes ---- */

enum key_shape {
	SHAPE_INT,		/* id BIGINT */
	SHAPE_COMPOSITE,	/* (k1 INT, k2 VARCHAR(32)) */
	SHAPE_VARCHAR,		/* k VARCHAR(64) utf8mb4 */
	SHAPE_ENUM,		/* (ke ENUM, ks SET, kn INT) */
};

static const char *const shape_names[] = { "int", "composite", "varchar",
					   "enum" };

/*
 * SHAPE_ENUM: members out of alphabetical order, so that an order by
 * text and the index's order (by number) differ.
 */
static const char *const enum_words[] = { "'zz'", "'b'", "'ж'", "'a'",
					  "'m'" };
static const char *const set_words[] = { "''", "'y'", "'z'", "'x'",
					 "'x,y'", "'y,z'", "'x,z'",
					 "'x,y,z'" };

/*
 * Row number -> key. Keys are spread with gaps and negative values, and
 * the string keys hold multibyte text; distinct numbers give keys that
 * are distinct under any utf8mb4 collation (the digits differ).
 */
static const char *const key_words[] = {
	"a", "Ä", "ж", "日本", "😀", "z z", "'q'", "\\",
};

/* key_words[i], or a plain word when --text cannot hold it. */
static const char *key_word(uint64_t id)
{
	const char *w = key_words[id % 8];

	return text_fits(w) ? w : "q";
}

static void add_key_assign(enum key_shape shape, uint64_t id,
			   struct strbuf *sb, const char *sep)
{
	struct strbuf raw = STRBUF_INIT;

	switch (shape) {
	case SHAPE_INT:
		strbuf_addf(sb, "`id` = %" PRId64, (int64_t)id * 3 - 1000);
		break;
	case SHAPE_COMPOSITE:
		strbuf_addf(&raw, "%s%u", key_word(id),
			    (unsigned)(id % 8));
		strbuf_addf(sb, "`k1` = %" PRId64 "%s`k2` = ",
			    (int64_t)(id / 8) - 50, sep);
		quote_sql_string(sb, raw.buf, raw.len);
		break;
	case SHAPE_VARCHAR:
		strbuf_addf(&raw, "%s%010" PRIu64, key_word(id), id);
		strbuf_addstr(sb, "`k` = ");
		quote_sql_string(sb, raw.buf, raw.len);
		break;
	case SHAPE_ENUM:
		strbuf_addf(sb, "`ke` = %s%s`ks` = %s%s`kn` = %" PRId64,
			    enum_words[id % 5], sep, set_words[(id / 5) % 8],
			    sep, (int64_t)(id / 40) - 50);
		break;
	}
	strbuf_release(&raw);
}

static void add_key_values(enum key_shape shape, uint64_t id,
			   struct strbuf *sb)
{
	struct strbuf raw = STRBUF_INIT;

	switch (shape) {
	case SHAPE_INT:
		strbuf_addf(sb, "%" PRId64, (int64_t)id * 3 - 1000);
		break;
	case SHAPE_COMPOSITE:
		strbuf_addf(&raw, "%s%u", key_word(id),
			    (unsigned)(id % 8));
		strbuf_addf(sb, "%" PRId64 ", ", (int64_t)(id / 8) - 50);
		quote_sql_string(sb, raw.buf, raw.len);
		break;
	case SHAPE_VARCHAR:
		strbuf_addf(&raw, "%s%010" PRIu64, key_word(id), id);
		quote_sql_string(sb, raw.buf, raw.len);
		break;
	case SHAPE_ENUM:
		strbuf_addf(sb, "%s, %s, %" PRId64, enum_words[id % 5],
			    set_words[(id / 5) % 8], (int64_t)(id / 40) - 50);
		break;
	}
	strbuf_release(&raw);
}

static const char *key_columns_sql(enum key_shape shape)
{
	switch (shape) {
	case SHAPE_INT:
		return "`id`";
	case SHAPE_COMPOSITE:
		return "`k1`, `k2`";
	case SHAPE_ENUM:
		return "`ke`, `ks`, `kn`";
	default:
		return "`k`";
	}
}

static const char *key_columns_ddl(enum key_shape shape)
{
	switch (shape) {
	case SHAPE_INT:
		return "`id` BIGINT NOT NULL";
	case SHAPE_COMPOSITE:
		return "`k1` INT NOT NULL, `k2` VARCHAR(32) CHARACTER SET "
		       "utf8mb4 NOT NULL";
	case SHAPE_ENUM:
		return "`ke` ENUM('zz','b','ж','a','m') CHARACTER SET utf8mb4 "
		       "NOT NULL, `ks` SET('y','z','x') NOT NULL, "
		       "`kn` INT NOT NULL";
	default:
		return "`k` VARCHAR(64) CHARACTER SET utf8mb4 NOT NULL";
	}
}

/* A range over the key order for multi-row updates. */
static void add_key_range(enum key_shape shape, uint64_t lo, uint64_t hi,
			  struct strbuf *sb)
{
	switch (shape) {
	case SHAPE_INT:
		strbuf_addf(sb, "`id` BETWEEN %" PRId64 " AND %" PRId64,
			    (int64_t)lo * 3 - 1000, (int64_t)hi * 3 - 1000);
		break;
	case SHAPE_COMPOSITE:
		strbuf_addf(sb, "`k1` BETWEEN %" PRId64 " AND %" PRId64,
			    (int64_t)(lo / 8) - 50, (int64_t)(hi / 8) - 50);
		break;
	case SHAPE_ENUM:
		strbuf_addf(sb, "`kn` BETWEEN %" PRId64 " AND %" PRId64,
			    (int64_t)(lo / 40) - 50, (int64_t)(hi / 40) - 50);
		break;
	case SHAPE_VARCHAR: {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

		/* Same leading word: a contiguous run in any collation. */
		strbuf_addf(&a, "%s%010" PRIu64, key_word(lo), lo);
		strbuf_addf(&b, "%s%010" PRIu64, key_word(lo), hi);
		strbuf_addstr(sb, "`k` BETWEEN ");
		quote_sql_string(sb, a.buf, a.len);
		strbuf_addstr(sb, " AND ");
		quote_sql_string(sb, b.buf, b.len);
		strbuf_release(&a);
		strbuf_release(&b);
		break;
	}
	}
}

/* ---- options and shared state ---- */

struct writer_options {
	struct db_options conn;
	const char *database;
	const char *table;
	const char *mirror;
	int threads;
	double duration_s;
	const char *stop_file;
	uint64_t seed;
	double rate;
	const char **exclude;
	size_t exclude_nr, exclude_alloc;
	const char *create;
	const char *create_extra; /* NULL, "plain" or "unique" */
	uint64_t rows;
	int rows_given;
	int verify;
	const char *latency_log;
	unsigned int max_print;
};

static struct writer_options opt = {
	.database = "test",
	.table = "t",
	.mirror = "t_mirror",
	.threads = 4,
	.seed = 1,
	.max_print = 10,
};

static atomic_int stop_requested;
static volatile sig_atomic_t got_signal;

#define LAT_BUCKETS_PER_MS 10
#define LAT_BUCKETS (10000 * LAT_BUCKETS_PER_MS)	/* 10 s */

struct sec_bucket {
	uint64_t commits;
	double max_ms;
};

static struct {
	pthread_mutex_t lock;
	struct sec_bucket *sec;
	size_t sec_nr, sec_alloc;
	uint64_t commits, retries, dups, errors, mismatches;
	double max_ms;
	double max_at;		/* wall clock (s) when the longest tx began */
	unsigned int printed;
	/* Commit latencies: 0.1 ms buckets, the last one open-ended. */
	uint64_t hist[LAT_BUCKETS];
} stats = { .lock = PTHREAD_MUTEX_INITIALIZER };

/*
 * The latency below which `q` (0..1) of the commits finished, in ms, from
 * the histogram (the bench prints p50 and p99; nothing asserts them).
 */
static double latency_quantile_ms(double q)
{
	uint64_t want = (uint64_t)(q * (double)stats.commits), seen = 0;
	size_t i;

	for (i = 0; i < LAT_BUCKETS; i++) {
		seen += stats.hist[i];
		if (seen > want)
			return (double)(i + 1) / LAT_BUCKETS_PER_MS;
	}
	return stats.max_ms;
}

static double start_wall;
static enum key_shape shape;
static uint64_t key_space;
/* Indexes into value_columns[] that the writer may write. */
static size_t *writable;
static size_t writable_nr;

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int is_excluded(const char *name)
{
	size_t i;

	for (i = 0; i < opt.exclude_nr; i++)
		if (!strcmp(opt.exclude[i], name))
			return 1;
	return 0;
}

static void report_error(int thread, const char *what, const char *sql,
			 const struct strbuf *err)
{
	int print;

	pthread_mutex_lock(&stats.lock);
	stats.errors++;
	print = stats.printed < opt.max_print;
	if (print)
		stats.printed++;
	pthread_mutex_unlock(&stats.lock);
	if (print)
		error("writer thread %d: %s: %s [%.300s]", thread, what,
		      err->buf, sql ? sql : "");
}

/* ---- the transactions ---- */

struct stmt {
	struct strbuf sql;
	int on_mirror;
};

struct worker {
	int index;
	pthread_t tid;
	uint64_t rng;
	struct db *db;
	struct stmt *stmts;
	size_t stmts_nr, stmts_alloc;
};

static struct strbuf *next_stmt(struct worker *w, int on_mirror)
{
	struct stmt *st;

	ALLOC_GROW(w->stmts, w->stmts_nr + 1, w->stmts_alloc);
	st = &w->stmts[w->stmts_nr++];
	strbuf_init(&st->sql, 0);
	st->on_mirror = on_mirror;
	return &st->sql;
}

static void clear_stmts(struct worker *w)
{
	size_t i;

	for (i = 0; i < w->stmts_nr; i++)
		strbuf_release(&w->stmts[i].sql);
	w->stmts_nr = 0;
}

static void add_table(struct strbuf *sb, const char *table)
{
	quote_qualified(sb, opt.database, table);
}

/*
 * Emit the same statement for t and for the mirror: `body` holds the text
 * with "\001" where the table name goes.
 */
static void emit_both(struct worker *w, const struct strbuf *body)
{
	int m;

	for (m = 0; m < 2; m++) {
		struct strbuf *sb = next_stmt(w, m);
		const char *p = body->buf, *mark;

		while ((mark = strchr(p, '\001'))) {
			strbuf_add(sb, p, (size_t)(mark - p));
			add_table(sb, m ? opt.mirror : opt.table);
			p = mark + 1;
		}
		strbuf_addstr(sb, p);
	}
}

static uint64_t random_id(struct worker *w)
{
	return 1 + rng_below(&w->rng, key_space);
}

static void build_insert(struct worker *w, uint64_t id, struct strbuf *body)
{
	size_t i;

	strbuf_addf(body, "INSERT INTO \001 (%s", key_columns_sql(shape));
	for (i = 0; i < writable_nr; i++) {
		strbuf_addstr(body, ", ");
		quote_ident(body, value_columns[writable[i]].name);
	}
	strbuf_addstr(body, ") VALUES ");
	/* Up to 3 rows per INSERT now and then. */
	{
		int n = one_in(&w->rng, 8) ? 2 + (int)rng_below(&w->rng, 2) : 1;
		int k;

		for (k = 0; k < n; k++) {
			if (k)
				strbuf_addstr(body, ", ");
			strbuf_addch(body, '(');
			add_key_values(shape, k ? random_id(w) : id, body);
			for (i = 0; i < writable_nr; i++) {
				strbuf_addstr(body, ", ");
				gen_value(&w->rng, &value_columns[writable[i]],
					  body);
			}
			strbuf_addch(body, ')');
		}
	}
}

static void add_random_sets(struct worker *w, struct strbuf *body)
{
	int n = 1 + (int)rng_below(&w->rng, 4), k;

	if (!writable_nr) {
		/* Nothing to write: a no-op assignment keeps the SQL valid. */
		const char *kc = shape == SHAPE_INT ? "`id`" :
				shape == SHAPE_COMPOSITE ? "`k1`" :
				shape == SHAPE_ENUM ? "`kn`" : "`k`";

		strbuf_addf(body, "%s = %s", kc, kc);
		return;
	}
	for (k = 0; k < n; k++) {
		const struct value_column *c =
			&value_columns[writable[rng_below(&w->rng,
							  writable_nr)]];
		if (k)
			strbuf_addstr(body, ", ");
		quote_ident(body, c->name);
		strbuf_addstr(body, " = ");
		gen_value(&w->rng, c, body);
	}
}

static void build_transaction(struct worker *w)
{
	struct strbuf body = STRBUF_INIT;
	uint64_t id = random_id(w);
	uint64_t op = rng_below(&w->rng, 100);

	clear_stmts(w);
	if (op < 25) {			/* insert */
		build_insert(w, id, &body);
		emit_both(w, &body);
	} else if (op < 55) {		/* update random columns */
		strbuf_addstr(&body, "UPDATE \001 SET ");
		add_random_sets(w, &body);
		strbuf_addstr(&body, " WHERE ");
		add_key_assign(shape, id, &body, " AND ");
		emit_both(w, &body);
	} else if (op < 63) {		/* update that changes the key */
		strbuf_addstr(&body, "UPDATE \001 SET ");
		add_key_assign(shape, random_id(w), &body, ", ");
		if (writable_nr && rng_below(&w->rng, 2)) {
			strbuf_addstr(&body, ", ");
			add_random_sets(w, &body);
		}
		strbuf_addstr(&body, " WHERE ");
		add_key_assign(shape, id, &body, " AND ");
		emit_both(w, &body);
	} else if (op < 75) {		/* delete */
		strbuf_addstr(&body, "DELETE FROM \001 WHERE ");
		add_key_assign(shape, id, &body, " AND ");
		emit_both(w, &body);
	} else if (op < 85) {		/* delete, then insert the key again */
		strbuf_addstr(&body, "DELETE FROM \001 WHERE ");
		add_key_assign(shape, id, &body, " AND ");
		emit_both(w, &body);
		strbuf_reset(&body);
		strbuf_addf(&body, "INSERT INTO \001 (%s",
			    key_columns_sql(shape));
		{
			size_t i;

			for (i = 0; i < writable_nr; i++) {
				strbuf_addstr(&body, ", ");
				quote_ident(&body,
					    value_columns[writable[i]].name);
			}
			strbuf_addstr(&body, ") VALUES (");
			add_key_values(shape, id, &body);
			for (i = 0; i < writable_nr; i++) {
				strbuf_addstr(&body, ", ");
				gen_value(&w->rng, &value_columns[writable[i]],
					  &body);
			}
			strbuf_addch(&body, ')');
		}
		emit_both(w, &body);
	} else if (op < 95) {		/* multi-row update by key range */
		uint64_t hi = id + rng_below(&w->rng, 24);

		strbuf_addstr(&body, "UPDATE \001 SET ");
		add_random_sets(w, &body);
		strbuf_addstr(&body, " WHERE ");
		add_key_range(shape, id, hi, &body);
		emit_both(w, &body);
	} else {			/* two independent changes */
		strbuf_addstr(&body, "UPDATE \001 SET ");
		add_random_sets(w, &body);
		strbuf_addstr(&body, " WHERE ");
		add_key_assign(shape, id, &body, " AND ");
		emit_both(w, &body);
		strbuf_reset(&body);
		strbuf_addstr(&body, "DELETE FROM \001 WHERE ");
		add_key_assign(shape, random_id(w), &body, " AND ");
		emit_both(w, &body);
	}
	strbuf_release(&body);
}

enum tx_outcome {
	TX_COMMITTED,
	TX_DUP,
	TX_ERROR,
};

static enum tx_outcome run_transaction(struct worker *w, uint64_t *retries)
{
	struct strbuf err = STRBUF_INIT;
	enum tx_outcome ret = TX_ERROR;
	unsigned int attempt;

	for (attempt = 0; attempt < 1000; attempt++) {
		unsigned int code = 0;
		const char *failed_sql = NULL;
		size_t i;
		int failed_on_mirror = 0, t_done = 0;

		strbuf_reset(&err);
		if (db_exec(w->db, "START TRANSACTION", &err) < 0) {
			code = db_errno(w->db);
			failed_sql = "START TRANSACTION";
			goto failed;
		}
		for (i = 0; i < w->stmts_nr; i++) {
			if (db_exec(w->db, w->stmts[i].sql.buf, &err) < 0) {
				code = db_errno(w->db);
				failed_sql = w->stmts[i].sql.buf;
				failed_on_mirror = w->stmts[i].on_mirror;
				goto failed;
			}
			if (!w->stmts[i].on_mirror)
				t_done = 1;
		}
		if (db_exec(w->db, "COMMIT", &err) < 0) {
			code = db_errno(w->db);
			failed_sql = "COMMIT";
			goto failed;
		}
		ret = TX_COMMITTED;
		goto out;
failed:
		if (!db_error_is_disconnect(code)) {
			struct strbuf rb = STRBUF_INIT;

			db_exec(w->db, "ROLLBACK", &rb);
			strbuf_release(&rb);
		}
		if (db_error_is_transient(code)) {
			(*retries)++;
			sleep_s((double)(1 + rng_below(&w->rng, 5)) / 1000.0);
			continue;
		}
		if (code == DB_ER_DUP_ENTRY) {
			/*
			 * Same change on both tables: a duplicate on one
			 * side only means they differ already (--verify
			 * says where); count it, the rollback undid both.
			 */
			if (failed_on_mirror && t_done) {
				pthread_mutex_lock(&stats.lock);
				stats.mismatches++;
				pthread_mutex_unlock(&stats.lock);
			}
			ret = TX_DUP;
			goto out;
		}
		report_error(w->index, "transaction failed", failed_sql, &err);
		if (db_error_is_disconnect(code)) {
			strbuf_reset(&err);
			if (db_reconnect(w->db, &err) < 0) {
				report_error(w->index, "reconnect failed", NULL,
					     &err);
				sleep_s(0.5);
			} else {
				db_exec(w->db, "SET SESSION lock_wait_timeout "
					       "= 120", &err);
			}
		}
		ret = TX_ERROR;
		goto out;
	}
	report_error(w->index, "gave up after 1000 retries", NULL, &err);
out:
	strbuf_release(&err);
	return ret;
}

static void record_commit(double began_wall, double latency_ms)
{
	size_t sec;

	pthread_mutex_lock(&stats.lock);
	stats.commits++;
	{
		double b = latency_ms * LAT_BUCKETS_PER_MS;

		stats.hist[b < LAT_BUCKETS - 1 ? (size_t)b
					       : LAT_BUCKETS - 1]++;
	}
	if (latency_ms > stats.max_ms) {
		stats.max_ms = latency_ms;
		stats.max_at = began_wall;
	}
	sec = began_wall > start_wall ? (size_t)(began_wall - start_wall) : 0;
	if (sec >= stats.sec_nr) {
		ALLOC_GROW(stats.sec, sec + 1, stats.sec_alloc);
		memset(stats.sec + stats.sec_nr, 0,
		       (sec + 1 - stats.sec_nr) * sizeof(*stats.sec));
		stats.sec_nr = sec + 1;
	}
	stats.sec[sec].commits++;
	if (latency_ms > stats.sec[sec].max_ms)
		stats.sec[sec].max_ms = latency_ms;
	pthread_mutex_unlock(&stats.lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	double interval = opt.rate > 0 ? opt.threads / opt.rate : 0;
	double next = now_mono();
	uint64_t retries = 0;

	db_thread_init();
	while (!atomic_load(&stop_requested)) {
		double t0, t0_wall;
		enum tx_outcome o;

		if (interval > 0) {
			double now = now_mono();

			if (next > now)
				sleep_s(next - now);
			else if (now - next > 1.0)
				next = now;
			next += interval;
		}
		build_transaction(w);
		t0 = now_mono();
		t0_wall = now_wall();
		o = run_transaction(w, &retries);
		if (o == TX_COMMITTED)
			record_commit(t0_wall, (now_mono() - t0) * 1000.0);
		else if (o == TX_DUP) {
			pthread_mutex_lock(&stats.lock);
			stats.dups++;
			pthread_mutex_unlock(&stats.lock);
		}
	}
	pthread_mutex_lock(&stats.lock);
	stats.retries += retries;
	pthread_mutex_unlock(&stats.lock);
	clear_stmts(w);
	db_thread_end();
	return NULL;
}

/* ---- catalog ---- */

struct table_column {
	char *name;
	char *data_type;
};

static void free_columns(struct table_column *c, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(c[i].name);
		free(c[i].data_type);
	}
	free(c);
}

/*
 * Columns of `table` in order (all: pk_only = 0) or its primary key
 * columns in key order (pk_only = 1).
 */
static int load_columns(struct db *db, const char *table, int pk_only,
			struct table_column **out, size_t *nr,
			struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	size_t alloc = 0;
	int ret = -1, r;

	*out = NULL;
	*nr = 0;
	if (pk_only) {
		strbuf_addstr(&sql, "SELECT s.COLUMN_NAME, c.DATA_TYPE FROM "
			      "information_schema.STATISTICS s JOIN "
			      "information_schema.COLUMNS c ON "
			      "c.TABLE_SCHEMA = s.TABLE_SCHEMA AND "
			      "c.TABLE_NAME = s.TABLE_NAME AND "
			      "c.COLUMN_NAME = s.COLUMN_NAME WHERE "
			      "s.INDEX_NAME = 'PRIMARY' AND s.TABLE_SCHEMA = ");
		quote_sql_string(&sql, opt.database, strlen(opt.database));
		strbuf_addstr(&sql, " AND s.TABLE_NAME = ");
		quote_sql_string(&sql, table, strlen(table));
		strbuf_addstr(&sql, " ORDER BY s.SEQ_IN_INDEX");
	} else {
		strbuf_addstr(&sql, "SELECT COLUMN_NAME, DATA_TYPE FROM "
			      "information_schema.COLUMNS WHERE "
			      "TABLE_SCHEMA = ");
		quote_sql_string(&sql, opt.database, strlen(opt.database));
		strbuf_addstr(&sql, " AND TABLE_NAME = ");
		quote_sql_string(&sql, table, strlen(table));
		strbuf_addstr(&sql, " ORDER BY ORDINAL_POSITION");
	}
	if (db_query(db, sql.buf, &res, err) < 0)
		goto out;
	while ((r = db_result_next(res, &row, err)) == 1) {
		ALLOC_GROW(*out, *nr + 1, alloc);
		(*out)[*nr].name = xstrdup(row.values[0] ? row.values[0] : "");
		(*out)[*nr].data_type =
			xstrdup(row.values[1] ? row.values[1] : "");
		(*nr)++;
	}
	if (r < 0)
		goto out;
	if (!*nr) {
		strbuf_addf(err, "table `%s`.`%s` %s", opt.database, table,
			    pk_only ? "has no primary key" : "does not exist");
		goto out;
	}
	ret = 0;
out:
	db_result_free(res);
	strbuf_release(&sql);
	return ret;
}

static int detect_shape(struct db *db, struct strbuf *err)
{
	struct table_column *pk;
	size_t nr;
	int ret = -1;

	if (load_columns(db, opt.mirror, 1, &pk, &nr, err) < 0)
		return -1;
	if (nr == 1 && !strcmp(pk[0].name, "id"))
		shape = SHAPE_INT;
	else if (nr == 2 && !strcmp(pk[0].name, "k1") &&
		 !strcmp(pk[1].name, "k2"))
		shape = SHAPE_COMPOSITE;
	else if (nr == 1 && !strcmp(pk[0].name, "k"))
		shape = SHAPE_VARCHAR;
	else if (nr == 3 && !strcmp(pk[0].name, "ke") &&
		 !strcmp(pk[1].name, "ks") && !strcmp(pk[2].name, "kn"))
		shape = SHAPE_ENUM;
	else {
		strbuf_addf(err, "table `%s`.`%s` has a primary key the "
			    "writer does not know; create it with --create",
			    opt.database, opt.mirror);
		goto out;
	}
	ret = 0;
out:
	free_columns(pk, nr);
	return ret;
}

static int load_writable(struct db *db, struct strbuf *err)
{
	struct table_column *cols;
	size_t nr, i, j, alloc = 0;

	if (load_columns(db, opt.mirror, 0, &cols, &nr, err) < 0)
		return -1;
	for (i = 0; i < nr; i++) {
		if (is_excluded(cols[i].name))
			continue;
		for (j = 0; j < ARRAY_SIZE(value_columns); j++)
			if (!strcmp(cols[i].name, value_columns[j].name))
				break;
		if (j == ARRAY_SIZE(value_columns))
			continue;
		ALLOC_GROW(writable, writable_nr + 1, alloc);
		writable[writable_nr++] = j;
	}
	free_columns(cols, nr);
	return 0;
}

/* ---- --create ---- */

static int create_tables(struct db *db, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct worker w = { 0 };
	uint64_t id;
	size_t i;
	int ret = -1;

	for (i = 0; i < ARRAY_SIZE(shape_names); i++)
		if (!strcmp(opt.create, shape_names[i]))
			break;
	if (i == ARRAY_SIZE(shape_names)) {
		strbuf_addf(err, "unknown --create schema '%s'; use int, "
			    "composite, varchar or enum", opt.create);
		return -1;
	}
	shape = (enum key_shape)i;
	strbuf_addstr(&sql, "CREATE DATABASE IF NOT EXISTS ");
	quote_ident(&sql, opt.database);
	if (db_exec(db, sql.buf, err) < 0)
		goto out;
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "DROP TABLE IF EXISTS ");
	add_table(&sql, opt.table);
	strbuf_addstr(&sql, ", ");
	add_table(&sql, opt.mirror);
	if (db_exec(db, sql.buf, err) < 0)
		goto out;
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "CREATE TABLE ");
	add_table(&sql, opt.table);
	strbuf_addf(&sql, " (%s", key_columns_ddl(shape));
	for (i = 0; i < ARRAY_SIZE(value_columns); i++) {
		if (value_columns[i].extra && !opt.create_extra)
			continue;
		strbuf_addstr(&sql, ", ");
		quote_ident(&sql, value_columns[i].name);
		strbuf_addf(&sql, " %s", value_columns[i].type);
	}
	strbuf_addf(&sql, ", PRIMARY KEY (%s)", key_columns_sql(shape));
	if (opt.create_extra && !strcmp(opt.create_extra, "unique"))
		strbuf_addstr(&sql, ", UNIQUE KEY `its_uidx` (`u_i`, `u_ts`)");
	strbuf_addstr(&sql, ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
	if (db_exec(db, sql.buf, err) < 0)
		goto out;
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "CREATE TABLE ");
	add_table(&sql, opt.mirror);
	strbuf_addstr(&sql, " LIKE ");
	add_table(&sql, opt.table);
	if (db_exec(db, sql.buf, err) < 0)
		goto out;

	/* Initial rows: every other key of a space twice as large. */
	writable_nr = 0;
	free(writable);
	writable = xcalloc(ARRAY_SIZE(value_columns), sizeof(*writable));
	for (i = 0; i < ARRAY_SIZE(value_columns); i++)
		if (!value_columns[i].extra || opt.create_extra)
			writable[writable_nr++] = i;
	rng_seed(&w.rng, opt.seed);
	for (id = 1; id <= opt.rows;) {
		uint64_t k;

		strbuf_reset(&sql);
		strbuf_addstr(&sql, "INSERT INTO ");
		add_table(&sql, opt.table);
		strbuf_addf(&sql, " (%s", key_columns_sql(shape));
		for (i = 0; i < writable_nr; i++) {
			strbuf_addstr(&sql, ", ");
			quote_ident(&sql, value_columns[writable[i]].name);
		}
		strbuf_addstr(&sql, ") VALUES ");
		for (k = 0; k < 100 && id <= opt.rows; k++, id++) {
			if (k)
				strbuf_addstr(&sql, ", ");
			strbuf_addch(&sql, '(');
			add_key_values(shape, id * 2 - 1, &sql);
			for (i = 0; i < writable_nr; i++) {
				strbuf_addstr(&sql, ", ");
				gen_value(&w.rng, &value_columns[writable[i]],
					  &sql);
			}
			strbuf_addch(&sql, ')');
		}
		if (db_exec(db, sql.buf, err) < 0)
			goto out;
	}
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "INSERT INTO ");
	add_table(&sql, opt.mirror);
	strbuf_addstr(&sql, " SELECT * FROM ");
	add_table(&sql, opt.table);
	if (db_exec(db, sql.buf, err) < 0)
		goto out;
	printf("writer: created %s.%s and %s.%s (%s key, %" PRIu64
	       " rows)\n", opt.database, opt.table, opt.database, opt.mirror,
	       shape_names[shape], opt.rows);
	ret = 0;
out:
	strbuf_release(&sql);
	return ret;
}

/* ---- --verify ---- */

static int is_number_type(const char *t)
{
	return !strcmp(t, "tinyint") || !strcmp(t, "smallint") ||
	       !strcmp(t, "mediumint") || !strcmp(t, "int") ||
	       !strcmp(t, "bigint") || !strcmp(t, "decimal");
}

static int is_text_ordered_type(const char *t)
{
	return !strcmp(t, "date") || !strcmp(t, "datetime") ||
	       !strcmp(t, "timestamp") || !strcmp(t, "year");
}

/*
 * Compare two numbers as the server prints INT and DECIMAL values
 * ("-12", "340.5000"), exactly, whatever their size.
 */
static int cmp_number_text(const char *a, size_t al, const char *b,
			   size_t bl)
{
	int an = al && a[0] == '-', bn = bl && b[0] == '-';
	const char *ad, *bd;
	size_t ai, bi, af, bf, i;
	int sign, c;

	if (an != bn)
		return an ? -1 : 1;
	sign = an ? -1 : 1;
	if (an) {
		a++, al--;
		b++, bl--;
	}
	/* Integer parts without leading zeros: the longer is larger. */
	while (al > 1 && a[0] == '0' && a[1] != '.')
		a++, al--;
	while (bl > 1 && b[0] == '0' && b[1] != '.')
		b++, bl--;
	ad = memchr(a, '.', al);
	bd = memchr(b, '.', bl);
	ai = ad ? (size_t)(ad - a) : al;
	bi = bd ? (size_t)(bd - b) : bl;
	if (ai != bi)
		return ai < bi ? -sign : sign;
	c = memcmp(a, b, ai);
	if (c)
		return c < 0 ? -sign : sign;
	/* Fractions digit by digit, the shorter padded with zeros. */
	af = ad ? al - ai - 1 : 0;
	bf = bd ? bl - bi - 1 : 0;
	for (i = 0; i < af || i < bf; i++) {
		char x = i < af ? ad[1 + i] : '0';
		char y = i < bf ? bd[1 + i] : '0';

		if (x != y)
			return x < y ? -sign : sign;
	}
	return 0;
}

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	int c = al && bl ? memcmp(a, b, al < bl ? al : bl) : 0;

	if (c)
		return c < 0 ? -1 : 1;
	return al < bl ? -1 : al > bl ? 1 : 0;
}

enum key_cmp {
	CMP_NUMBER,	/* INT and DECIMAL as exact decimal text */
	CMP_ENUM,	/* ENUM and SET: `col`+0, selected as an extra column */
	CMP_BYTES,	/* the value itself */
	CMP_WEIGHT,	/* WEIGHT_STRING(col), selected as an extra column */
};

static void add_printable(struct strbuf *sb, const char *v, size_t len)
{
	size_t i;

	if (!v) {
		strbuf_addstr(sb, "NULL");
		return;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			break;
	if (i == len)
		quote_sql_string(sb, v, len);
	else
		quote_sql_hex(sb, v, len);
}

static size_t first_difference(const char *a, size_t al, const char *b,
			       size_t bl)
{
	size_t i;

	if (!a || !b)
		return 0;
	for (i = 0; i < al && i < bl; i++)
		if (a[i] != b[i])
			break;
	return i;
}

/* Up to 40 bytes from `off` (a few before it), and the total length. */
static void add_window(struct strbuf *sb, const char *v, size_t len,
		       size_t off)
{
	size_t from = off > 8 ? off - 8 : 0;
	size_t n = len > from ? len - from : 0;

	if (!v) {
		strbuf_addstr(sb, "NULL");
		return;
	}
	if (n > 40)
		n = 40;
	add_printable(sb, v + from, n);
	strbuf_addf(sb, " (%zu bytes)", len);
}

static int verify_tables(struct strbuf *err)
{
	struct db *da = NULL, *dm = NULL;
	struct table_column *cols = NULL, *pk = NULL;
	size_t ncols = 0, npk = 0, i, nval = 0, nweights = 0;
	enum key_cmp *kc = NULL;
	struct strbuf select = STRBUF_INIT, order = STRBUF_INIT,
		      sql = STRBUF_INIT;
	struct db_result *ra = NULL, *rm = NULL;
	struct db_row a, m;
	int ha, hm, ret = -1;
	uint64_t rows_t = 0, rows_m = 0, missing = 0, extra = 0, differ = 0,
		 shown = 0;
	size_t *val_idx = NULL;

	da = db_connect(&opt.conn, "verify-t", NULL, err);
	if (!da)
		goto out;
	dm = db_connect(&opt.conn, "verify-mirror", NULL, err);
	if (!dm)
		goto out;
	if (load_columns(da, opt.mirror, 0, &cols, &ncols, err) < 0 ||
	    load_columns(da, opt.mirror, 1, &pk, &npk, err) < 0)
		goto out;

	/* Key columns first (with weights), then the compared columns. */
	kc = xcalloc(npk, sizeof(*kc));
	for (i = 0; i < npk; i++) {
		if (i) {
			strbuf_addstr(&select, ", ");
			strbuf_addstr(&order, ", ");
		}
		quote_ident(&select, pk[i].name);
		quote_ident(&order, pk[i].name);
		if (is_number_type(pk[i].data_type))
			kc[i] = CMP_NUMBER;
		else if (!strcmp(pk[i].data_type, "enum") ||
			 !strcmp(pk[i].data_type, "set"))
			kc[i] = CMP_ENUM;
		else if (is_text_ordered_type(pk[i].data_type))
			kc[i] = CMP_BYTES;
		else
			kc[i] = CMP_WEIGHT;
	}
	for (i = 0; i < npk; i++) {
		if (kc[i] == CMP_ENUM) {
			strbuf_addstr(&select, ", ");
			quote_ident(&select, pk[i].name);
			strbuf_addstr(&select, "+0");
			nweights++;
		}
		if (kc[i] != CMP_WEIGHT)
			continue;
		strbuf_addstr(&select, ", WEIGHT_STRING(");
		quote_ident(&select, pk[i].name);
		strbuf_addch(&select, ')');
		nweights++;
	}
	val_idx = xcalloc(ncols ? ncols : 1, sizeof(*val_idx));
	for (i = 0; i < ncols; i++) {
		if (is_excluded(cols[i].name))
			continue;
		strbuf_addstr(&select, ", ");
		quote_ident(&select, cols[i].name);
		val_idx[nval++] = i;
	}

	strbuf_addf(&sql, "SELECT %s FROM ", select.buf);
	add_table(&sql, opt.table);
	strbuf_addf(&sql, " ORDER BY %s", order.buf);
	if (db_query_stream(da, sql.buf, &ra, err) < 0)
		goto out;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT %s FROM ", select.buf);
	add_table(&sql, opt.mirror);
	strbuf_addf(&sql, " ORDER BY %s", order.buf);
	if (db_query_stream(dm, sql.buf, &rm, err) < 0)
		goto out;

	ha = db_result_next(ra, &a, err);
	hm = db_result_next(rm, &m, err);
	while (ha == 1 || hm == 1) {
		int c = 0;
		size_t w = npk;
		struct strbuf key = STRBUF_INIT;
		const struct db_row *kr;

		if (ha != 1)
			c = 1;
		else if (hm != 1)
			c = -1;
		else {
			for (i = 0; i < npk && !c; i++) {
				switch (kc[i]) {
				case CMP_NUMBER:
					c = cmp_number_text(a.values[i],
							 a.lengths[i],
							 m.values[i],
							 m.lengths[i]);
					break;
				case CMP_BYTES:
					c = cmp_bytes(a.values[i], a.lengths[i],
						      m.values[i],
						      m.lengths[i]);
					break;
				case CMP_WEIGHT:
					c = cmp_bytes(a.values[w], a.lengths[w],
						      m.values[w],
						      m.lengths[w]);
					w++;
					break;
				case CMP_ENUM:
					c = cmp_number_text(a.values[w],
							    a.lengths[w],
							    m.values[w],
							    m.lengths[w]);
					w++;
					break;
				}
			}
		}
		kr = c <= 0 ? &a : &m;
		for (i = 0; i < npk; i++) {
			if (i)
				strbuf_addstr(&key, ", ");
			strbuf_addf(&key, "%s=", pk[i].name);
			add_printable(&key, kr->values[i], kr->lengths[i]);
		}
		if (c < 0) {
			extra++;
			if (shown++ < opt.max_print)
				printf("extra in %s: %s\n", opt.table, key.buf);
		} else if (c > 0) {
			missing++;
			if (shown++ < opt.max_print)
				printf("missing in %s: %s\n", opt.table,
				       key.buf);
		} else {
			size_t base = npk + nweights, k;

			for (k = 0; k < nval; k++) {
				size_t j = base + k;
				int an = !a.values[j], mn = !m.values[j];

				if (an != mn ||
				    (!an && cmp_bytes(a.values[j], a.lengths[j],
						      m.values[j],
						      m.lengths[j])))
					break;
			}
			if (k < nval) {
				differ++;
				if (shown++ < opt.max_print) {
					size_t j = base + k;
					size_t off = first_difference(
						a.values[j], a.lengths[j],
						m.values[j], m.lengths[j]);
					struct strbuf va = STRBUF_INIT,
						      vm = STRBUF_INIT;

					add_window(&va, a.values[j],
						   a.lengths[j], off);
					add_window(&vm, m.values[j],
						   m.lengths[j], off);
					printf("different: %s: column %s "
					       "from byte %zu: %s has %s, %s "
					       "has %s\n",
					       key.buf, cols[val_idx[k]].name,
					       off, opt.table, va.buf,
					       opt.mirror, vm.buf);
					strbuf_release(&va);
					strbuf_release(&vm);
				}
			}
		}
		strbuf_release(&key);
		if (c <= 0) {
			rows_t++;
			ha = db_result_next(ra, &a, err);
		}
		if (c >= 0) {
			rows_m++;
			hm = db_result_next(rm, &m, err);
		}
	}
	if (ha < 0 || hm < 0)
		goto out;
	printf("verify: %s %" PRIu64 " rows, %s %" PRIu64 " rows, %zu "
	       "columns compared; missing %" PRIu64 ", extra %" PRIu64
	       ", different %" PRIu64 "\n", opt.table, rows_t, opt.mirror,
	       rows_m, nval, missing, extra, differ);
	ret = (missing || extra || differ) ? 1 : 0;
out:
	db_result_free(ra);
	db_result_free(rm);
	db_close(da);
	db_close(dm);
	free_columns(cols, ncols);
	free_columns(pk, npk);
	free(kc);
	free(val_idx);
	strbuf_release(&select);
	strbuf_release(&order);
	strbuf_release(&sql);
	return ret;
}

/* ---- main ---- */

static void on_signal(int sig)
{
	got_signal = sig;
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: writer [connection] [--database=DB] [--table=T] "
		"[--mirror=M]\n"
		"              [--threads=N] [--duration=S] [--stop-file=F] "
		"[--seed=N] [--rate=TX_PER_S]\n"
		"              [--exclude-column=NAME]... "
		"[--latency-log=FILE] [--rows=N]\n"
		"              [--text=utf8mb4|latin1|gbk]\n"
		"   or: writer [connection] --create=int|composite|varchar|enum "
		"[--create-extra=plain|unique] --rows=N ...\n"
		"   or: writer [connection] --verify [--exclude-column=NAME]..."
		"\n"
		"connection: -h HOST -P PORT -u USER -p PASS -S SOCKET\n");
	exit(status);
}

static double parse_double(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0)
		die("invalid %s '%s'", what, s);
	return v;
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		die("invalid %s '%s'", what, s);
	return v;
}

static void parse_options(int argc, char **argv)
{
	enum {
		OPT_DATABASE = 256, OPT_TABLE, OPT_MIRROR, OPT_THREADS,
		OPT_DURATION, OPT_STOP_FILE, OPT_SEED, OPT_RATE, OPT_EXCLUDE,
		OPT_CREATE, OPT_ROWS, OPT_VERIFY, OPT_LATENCY_LOG,
		OPT_MAX_PRINT, OPT_TEXT, OPT_CREATE_EXTRA,
	};
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 'S' },
		{ "database", required_argument, NULL, OPT_DATABASE },
		{ "table", required_argument, NULL, OPT_TABLE },
		{ "mirror", required_argument, NULL, OPT_MIRROR },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "stop-file", required_argument, NULL, OPT_STOP_FILE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "exclude-column", required_argument, NULL, OPT_EXCLUDE },
		{ "create", required_argument, NULL, OPT_CREATE },
		{ "create-extra", required_argument, NULL, OPT_CREATE_EXTRA },
		{ "rows", required_argument, NULL, OPT_ROWS },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "latency-log", required_argument, NULL, OPT_LATENCY_LOG },
		{ "max-print", required_argument, NULL, OPT_MAX_PRINT },
		{ "text", required_argument, NULL, OPT_TEXT },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opt.conn.password = getenv("MYSQL_PWD");
	while ((c = getopt_long(argc, argv, "h:P:u:p:S:", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'h':
			opt.conn.host = optarg;
			break;
		case 'P':
			opt.conn.port = (unsigned)parse_u64(optarg, "port");
			break;
		case 'u':
			opt.conn.user = optarg;
			break;
		case 'p':
			opt.conn.password = optarg;
			break;
		case 'S':
			opt.conn.socket = optarg;
			break;
		case OPT_DATABASE:
			opt.database = optarg;
			break;
		case OPT_TABLE:
			opt.table = optarg;
			break;
		case OPT_MIRROR:
			opt.mirror = optarg;
			break;
		case OPT_THREADS:
			opt.threads = (int)parse_u64(optarg, "--threads");
			if (opt.threads < 1 || opt.threads > 256)
				die("--threads must be 1..256");
			break;
		case OPT_DURATION:
			opt.duration_s = parse_double(optarg, "--duration");
			break;
		case OPT_STOP_FILE:
			opt.stop_file = optarg;
			break;
		case OPT_SEED:
			opt.seed = parse_u64(optarg, "--seed");
			break;
		case OPT_RATE:
			opt.rate = parse_double(optarg, "--rate");
			break;
		case OPT_EXCLUDE:
			ALLOC_GROW(opt.exclude, opt.exclude_nr + 1,
				   opt.exclude_alloc);
			opt.exclude[opt.exclude_nr++] = optarg;
			break;
		case OPT_CREATE:
			opt.create = optarg;
			break;
		case OPT_CREATE_EXTRA:
			if (strcmp(optarg, "plain") && strcmp(optarg, "unique"))
				die("--create-extra takes plain or unique");
			opt.create_extra = optarg;
			break;
		case OPT_ROWS:
			opt.rows = parse_u64(optarg, "--rows");
			opt.rows_given = 1;
			break;
		case OPT_VERIFY:
			opt.verify = 1;
			break;
		case OPT_LATENCY_LOG:
			opt.latency_log = optarg;
			break;
		case OPT_MAX_PRINT:
			opt.max_print = (unsigned)parse_u64(optarg,
							    "--max-print");
			break;
		case OPT_TEXT:
			if (!strcmp(optarg, "utf8mb4"))
				text_rep = TEXT_UTF8MB4;
			else if (!strcmp(optarg, "latin1"))
				text_rep = TEXT_LATIN1;
			else if (!strcmp(optarg, "gbk"))
				text_rep = TEXT_GBK;
			else
				die("--text takes utf8mb4, latin1 or gbk");
			break;
		case 'H':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (opt.create && opt.verify)
		die("--create and --verify do not go together");
	if (opt.conn.host && !strcmp(opt.conn.host, "localhost"))
		opt.conn.host = NULL;
}

static void write_latency_log(void)
{
	FILE *f = fopen(opt.latency_log, "w");
	size_t i;

	if (!f) {
		error("cannot write '%s': %s", opt.latency_log,
		      strerror(errno));
		return;
	}
	fprintf(f, "# second unix_time commits max_latency_ms\n");
	for (i = 0; i < stats.sec_nr; i++)
		fprintf(f, "%zu %.0f %" PRIu64 " %.1f\n", i,
			start_wall + (double)i, stats.sec[i].commits,
			stats.sec[i].max_ms);
	fclose(f);
}

static int run_writer(struct strbuf *err)
{
	struct worker *workers;
	struct db *probe;
	struct sigaction sa;
	double t_start;
	int i, started = 0, ret = 0;

	probe = db_connect(&opt.conn, "writer", NULL, err);
	if (!probe)
		return 2;
	if (detect_shape(probe, err) < 0 || load_writable(probe, err) < 0) {
		db_close(probe);
		return 2;
	}
	key_space = opt.rows * 2;
	if (!opt.rows_given) {
		struct strbuf sql = STRBUF_INIT;
		unsigned long long n = 0;

		strbuf_addstr(&sql, "SELECT COUNT(*) FROM ");
		add_table(&sql, opt.mirror);
		if (db_query_u64(probe, sql.buf, &n, err) < 0) {
			strbuf_release(&sql);
			db_close(probe);
			return 2;
		}
		strbuf_release(&sql);
		key_space = n * 2;
	}
	if (key_space < 100)
		key_space = 100;
	db_close(probe);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	workers = xcalloc((size_t)opt.threads, sizeof(*workers));
	start_wall = now_wall();
	t_start = now_mono();
	for (i = 0; i < opt.threads; i++) {
		struct worker *w = &workers[i];

		w->index = i;
		rng_seed(&w->rng, opt.seed * 1000 + (uint64_t)i);
		w->db = db_connect(&opt.conn, "writer", NULL, err);
		if (!w->db ||
		    db_exec(w->db, "SET SESSION lock_wait_timeout = 120",
			    err) < 0) {
			ret = 2;
			break;
		}
		if (pthread_create(&w->tid, NULL, worker_main, w)) {
			strbuf_addstr(err, "cannot start a thread");
			ret = 2;
			break;
		}
		started++;
	}
	while (!ret && !atomic_load(&stop_requested)) {
		if (got_signal)
			break;
		if (opt.duration_s > 0 &&
		    now_mono() - t_start >= opt.duration_s)
			break;
		if (opt.stop_file && access(opt.stop_file, F_OK) == 0)
			break;
		sleep_s(0.02);
	}
	atomic_store(&stop_requested, 1);
	for (i = 0; i < started; i++)
		pthread_join(workers[i].tid, NULL);
	for (i = 0; i < opt.threads; i++) {
		db_close(workers[i].db);
		free(workers[i].stmts);
	}
	free(workers);
	{
		double elapsed = now_mono() - t_start;

		printf("writer: committed %" PRIu64 ", retries %" PRIu64
		       ", duplicates %" PRIu64 ", mismatches %" PRIu64
		       ", errors %" PRIu64 ", max_latency_ms %.1f at %.3f"
		       ", elapsed_s %.1f, tx_per_s %.0f"
		       ", p50_ms %.1f, p99_ms %.1f\n",
		       stats.commits, stats.retries, stats.dups,
		       stats.mismatches, stats.errors, stats.max_ms,
		       stats.max_at, elapsed,
		       elapsed > 0 ? (double)stats.commits / elapsed : 0.0,
		       latency_quantile_ms(0.50), latency_quantile_ms(0.99));
		fflush(stdout);
	}
	if (opt.latency_log)
		write_latency_log();
	if (!ret && stats.errors)
		ret = 1;
	return ret;
}

int main(int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	int ret;

	parse_options(argc, argv);
	db_global_init();
	if (opt.create) {
		struct db *db = db_connect(&opt.conn, "create", NULL, &err);

		ret = db && create_tables(db, &err) == 0 ? 0 : 2;
		db_close(db);
	} else if (opt.verify) {
		ret = verify_tables(&err);
		if (ret < 0)
			ret = 2;
	} else {
		ret = run_writer(&err);
	}
	if (err.len)
		error("%s", err.buf);
	strbuf_release(&err);
	free(writable);
	free(opt.exclude);
	free(stats.sec);
	db_global_end();
	return ret;
}
