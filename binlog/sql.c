/*
 * sql.c: decoded values back to SQL literals that store exactly the same
 * value (for the applier), and to readable text (for tools). Pure.
 *
 * Why these literals:
 *  - strings, blobs and geometries go as X'..': a hex literal is a binary
 *    string, and assigning it to a character column stores its bytes as
 *    they are (no charset conversion from the connection), which is what
 *    the binlog holds; the e2e test t3001 checks it on utf8mb4 and latin1;
 *    the applier writes strings itself, in the source column's charset
 *    (ddl_build_replay_string()), since the ghost's column may have another;
 *  - FLOAT is written as the exact decimal expansion of its double value
 *    (17 significant digits), which the server reads as exactly that
 *    double and narrows to exactly the same float; DOUBLE with the fewest
 *    digits that read back the same;
 *  - TIMESTAMPs as UTC datetime literals: every osc session runs with
 *    time_zone '+00:00' (util/db.h);
 *  - ENUM and SET as their index and bitmask, BIT as b'..';
 *  - YEAR 0 as '0000' (a string of four digits is never read as 2000).
 */
#include "util/compat.h"

#include "binlog/binlog-internal.h"
#include "util/quote.h"

static int target_is(const struct binlog_column_schema *t, const char *word)
{
	size_t n = strlen(word);

	return t && t->column_type && !strncasecmp(t->column_type, word, n) &&
	       !isalnum((unsigned char)t->column_type[n]) &&
	       t->column_type[n] != '_';
}

static void add_bits(struct strbuf *out, uint64_t v, unsigned int bits)
{
	int i, started = 0;

	strbuf_addstr(out, "b'");
	if (bits > 64)
		bits = 64;
	for (i = (int)bits - 1; i >= 0; i--) {
		int b = (v >> i) & 1;

		if (b)
			started = 1;
		if (started)
			strbuf_addch(out, b ? '1' : '0');
	}
	if (!started)
		strbuf_addch(out, '0');
	strbuf_addch(out, '\'');
}

int binlog_value_to_sql(struct strbuf *out, const struct binlog_value *v,
			const struct binlog_column_schema *target,
			struct strbuf *err)
{
	switch (v->kind) {
	case BINLOG_VALUE_ABSENT:
		strbuf_addstr(err, "a column is absent from the row image "
			      "(binlog_row_image is not FULL)");
		return -1;
	case BINLOG_VALUE_NULL:
		strbuf_addstr(out, "NULL");
		return 0;
	case BINLOG_VALUE_INT:
		strbuf_addf(out, "%" PRId64, v->v.i);
		return 0;
	case BINLOG_VALUE_UINT:
	case BINLOG_VALUE_ENUM:
	case BINLOG_VALUE_SET:
		strbuf_addf(out, "%" PRIu64, v->v.u);
		return 0;
	case BINLOG_VALUE_FLOAT:
		if (v->v.f != v->v.f || v->v.f - v->v.f != 0)
			goto nonfinite;
		/* exact: the double the server parses narrows to f */
		strbuf_addf(out, "%.17g", (double)v->v.f);
		return 0;
	case BINLOG_VALUE_DOUBLE:
		if (v->v.d != v->v.d || v->v.d - v->v.d != 0)
			goto nonfinite;
		binlog_format_double(out, v->v.d);
		return 0;
	case BINLOG_VALUE_DECIMAL:
		strbuf_add(out, v->str, v->len);
		return 0;
	case BINLOG_VALUE_YEAR:
		if (v->v.u == 0)
			strbuf_addstr(out, "'0000'");
		else
			strbuf_addf(out, "%" PRIu64, v->v.u);
		return 0;
	case BINLOG_VALUE_DATE:
	case BINLOG_VALUE_TIME:
	case BINLOG_VALUE_DATETIME:
		strbuf_addch(out, '\'');
		binlog_format_tm(out, v->kind, &v->v.tm, v->fsp);
		strbuf_addch(out, '\'');
		return 0;
	case BINLOG_VALUE_TIMESTAMP:
		strbuf_addch(out, '\'');
		binlog_format_timestamp(out, v->v.ts.sec, v->v.ts.usec, v->fsp);
		strbuf_addch(out, '\'');
		return 0;
	case BINLOG_VALUE_BIT:
		add_bits(out, v->v.u, v->bits);
		return 0;
	case BINLOG_VALUE_JSON:
		quote_sql_string(out, v->str, v->len);
		return 0;
	case BINLOG_VALUE_STRING:
	case BINLOG_VALUE_BLOB:
		/* MySQL refuses a binary string for a JSON column */
		if (target_is(target, "json") && v->len) {
			strbuf_addstr(out, "CONVERT(");
			quote_sql_hex(out, v->str, v->len);
			strbuf_addstr(out, " USING utf8mb4)");
			return 0;
		}
		quote_sql_hex(out, v->str, v->len);
		return 0;
	case BINLOG_VALUE_GEOMETRY:
	case BINLOG_VALUE_VECTOR:
		quote_sql_hex(out, v->str, v->len);
		return 0;
	}
	strbuf_addf(err, "value of unknown kind %d", (int)v->kind);
	return -1;
nonfinite:
	strbuf_addstr(err, "a floating-point value is not finite and cannot "
		      "be written back");
	return -1;
}

static int printable_utf8(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

void binlog_value_describe(struct strbuf *out, const struct binlog_value *v)
{
	switch (v->kind) {
	case BINLOG_VALUE_ABSENT:
		strbuf_addstr(out, "(absent)");
		return;
	case BINLOG_VALUE_FLOAT:
		binlog_format_float(out, v->v.f);
		return;
	case BINLOG_VALUE_DOUBLE:
		binlog_format_double(out, v->v.d);
		return;
	case BINLOG_VALUE_ENUM:
		strbuf_addf(out, "enum:%" PRIu64, v->v.u);
		return;
	case BINLOG_VALUE_SET:
		strbuf_addf(out, "set:0x%" PRIx64, v->v.u);
		return;
	case BINLOG_VALUE_STRING:
	case BINLOG_VALUE_BLOB:
		if (!v->is_binary && printable_utf8(v->str, v->len)) {
			strbuf_addjson(out, v->str, v->len);
			return;
		}
		strbuf_addstr(out, "X'");
		strbuf_addhex(out, v->str, v->len);
		strbuf_addch(out, '\'');
		return;
	case BINLOG_VALUE_JSON:
		strbuf_addstr(out, "json:");
		strbuf_add(out, v->str, v->len);
		return;
	case BINLOG_VALUE_GEOMETRY:
	case BINLOG_VALUE_VECTOR:
		strbuf_addstr(out, "X'");
		strbuf_addhex(out, v->str, v->len);
		strbuf_addch(out, '\'');
		return;
	default: {
		struct strbuf ignored = STRBUF_INIT;

		binlog_value_to_sql(out, v, NULL, &ignored);
		strbuf_release(&ignored);
	}
	}
}
