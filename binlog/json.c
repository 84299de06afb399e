/*
 * json.c: MySQL's binary JSON (the JSON column type, 245) rendered back
 * to JSON text that the server accepts. Pure.
 *
 * Format (mysql-server sql-common/json_binary.h): a type byte, then the
 * value. Objects and arrays come in a small form (2-byte counts and
 * offsets) and a large form (4-byte); offsets are relative to the start
 * of the container's count field. Literals and 16-bit integers (and 32-bit
 * ones in large containers) are stored inline in the value entry. Strings
 * carry a variable-length size (7 bits per byte). Opaque values carry a
 * MySQL field type: DECIMAL and the temporal types are rendered as MySQL
 * renders them (a number, or a quoted "2012-03-18 11:30:45.000000"),
 * anything else as "base64:typeN:...", as MySQL's JSON_UNQUOTE shows it.
 *
 * The output uses MySQL's separators ("{"a": 1, "b": [1, 2]}"). Every
 * offset and length is checked: the input may be corrupt or hostile.
 */
#include "util/compat.h"

#include "binlog/binlog-internal.h"

enum {
	J_SMALL_OBJECT = 0,
	J_LARGE_OBJECT = 1,
	J_SMALL_ARRAY = 2,
	J_LARGE_ARRAY = 3,
	J_LITERAL = 4,
	J_INT16 = 5,
	J_UINT16 = 6,
	J_INT32 = 7,
	J_UINT32 = 8,
	J_INT64 = 9,
	J_UINT64 = 10,
	J_DOUBLE = 11,
	J_STRING = 12,
	J_OPAQUE = 15,
};

#define JSON_MAX_DEPTH 100

static int jfail(struct strbuf *err, const char *what)
{
	strbuf_addf(err, "malformed binary JSON value: %s", what);
	return -1;
}

static int read_varlen(const unsigned char *p, size_t len, size_t *used,
		       uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 5 && i < len; i++) {
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*used = i + 1;
			*out = v;
			return 0;
		}
	}
	return -1;
}

static void add_base64(struct strbuf *out, const unsigned char *p, size_t n)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
			     p[i + 2];

		strbuf_addch(out, tbl[v >> 18]);
		strbuf_addch(out, tbl[(v >> 12) & 63]);
		strbuf_addch(out, tbl[(v >> 6) & 63]);
		strbuf_addch(out, tbl[v & 63]);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;

		strbuf_addch(out, tbl[v >> 18]);
		strbuf_addch(out, tbl[(v >> 12) & 63]);
		strbuf_addstr(out, "==");
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;

		strbuf_addch(out, tbl[v >> 18]);
		strbuf_addch(out, tbl[(v >> 12) & 63]);
		strbuf_addch(out, tbl[(v >> 6) & 63]);
		strbuf_addch(out, '=');
	}
}

static void add_json_double(struct strbuf *out, double d)
{
	size_t start = out->len, i;
	int plain = 1;

	binlog_format_double(out, d);
	for (i = start; i < out->len; i++)
		if (!isdigit((unsigned char)out->buf[i]) && out->buf[i] != '-')
			plain = 0;
	/* keep it a double when it is read back */
	if (plain)
		strbuf_addstr(out, ".0");
}

/* A packed temporal (my_time_packed / longlong_datetime_packed). */
static void add_packed_temporal(struct strbuf *out, unsigned int ftype,
				int64_t packed)
{
	struct binlog_time tm;
	uint64_t a, hms;

	memset(&tm, 0, sizeof(tm));
	if (packed < 0) {
		tm.neg = 1;
		a = (uint64_t)0 - (uint64_t)packed;
	} else {
		a = (uint64_t)packed;
	}
	tm.usec = (uint32_t)(a & 0xffffff) % 1000000;
	a >>= 24;
	strbuf_addch(out, '"');
	if (ftype == BINLOG_TYPE_TIME || ftype == BINLOG_TYPE_TIME2) {
		hms = a;
		tm.second = hms & 63;
		tm.minute = (hms >> 6) & 63;
		tm.hour = (uint32_t)((hms >> 12) & 0x3ff);
		binlog_format_tm(out, BINLOG_VALUE_TIME, &tm, 6);
	} else {
		uint64_t ymd = a >> 17, ym = ymd >> 5;

		hms = a & 0x1ffff;
		tm.day = ymd & 31;
		tm.month = ym % 13;
		tm.year = (uint16_t)(ym / 13 % 10000);
		tm.second = hms & 63;
		tm.minute = (hms >> 6) & 63;
		tm.hour = (uint32_t)(hms >> 12);
		if (ftype == BINLOG_TYPE_DATE || ftype == BINLOG_TYPE_NEWDATE)
			binlog_format_tm(out, BINLOG_VALUE_DATE, &tm, 0);
		else
			binlog_format_tm(out, BINLOG_VALUE_DATETIME, &tm, 6);
	}
	strbuf_addch(out, '"');
}

static int render_opaque(const unsigned char *p, size_t len,
			 struct strbuf *out, struct strbuf *err)
{
	unsigned int ftype;
	uint64_t n;
	size_t used;

	if (len < 1)
		return jfail(err, "truncated opaque value");
	ftype = p[0];
	if (read_varlen(p + 1, len - 1, &used, &n) < 0 ||
	    n > len - 1 - used)
		return jfail(err, "truncated opaque value");
	p += 1 + used;
	switch (ftype) {
	case BINLOG_TYPE_NEWDECIMAL: {
		size_t dused;

		if (n < 2)
			return jfail(err, "short opaque decimal");
		return binlog_decimal_to_text(p + 2, (size_t)n - 2, p[0], p[1],
					      out, &dused, err);
	}
	case BINLOG_TYPE_DATE:
	case BINLOG_TYPE_NEWDATE:
	case BINLOG_TYPE_DATETIME:
	case BINLOG_TYPE_DATETIME2:
	case BINLOG_TYPE_TIMESTAMP:
	case BINLOG_TYPE_TIMESTAMP2:
	case BINLOG_TYPE_TIME:
	case BINLOG_TYPE_TIME2: {
		uint64_t raw;
		int64_t packed;

		if (n < 8)
			return jfail(err, "short opaque temporal");
		raw = rd_u64(p);
		memcpy(&packed, &raw, sizeof(packed));
		add_packed_temporal(out, ftype, packed);
		return 0;
	}
	default:
		strbuf_addf(out, "\"base64:type%u:", ftype);
		add_base64(out, p, (size_t)n);
		strbuf_addch(out, '"');
		return 0;
	}
}

static int render(unsigned int type, const unsigned char *p, size_t len,
		  int depth, struct strbuf *out, struct strbuf *err);

static int inlined(unsigned int type, int large)
{
	return type == J_LITERAL || type == J_INT16 || type == J_UINT16 ||
	       (large && (type == J_INT32 || type == J_UINT32));
}

/* A value entry of a container at `base` (container length `len`). */
static int render_entry(const unsigned char *base, size_t len,
			const unsigned char *entry, int large, int depth,
			struct strbuf *out, struct strbuf *err)
{
	unsigned int type = entry[0];
	unsigned int osize = large ? 4 : 2;

	if (inlined(type, large))
		return render(type, entry + 1, osize, depth, out, err);
	{
		size_t off = large ? rd_u32(entry + 1) : rd_u16(entry + 1);

		if (off >= len)
			return jfail(err, "value offset out of range");
		return render(type, base + off, len - off, depth, out, err);
	}
}

static int render_container(unsigned int type, const unsigned char *p,
			    size_t len, int depth, struct strbuf *out,
			    struct strbuf *err)
{
	int large = type == J_LARGE_OBJECT || type == J_LARGE_ARRAY;
	int object = type == J_SMALL_OBJECT || type == J_LARGE_OBJECT;
	unsigned int osize = large ? 4 : 2;
	size_t count, size, key_entry = osize + 2, val_entry = 1 + osize;
	size_t header, i;

	if (depth > JSON_MAX_DEPTH)
		return jfail(err, "nested too deeply");
	if (len < 2 * (size_t)osize)
		return jfail(err, "truncated container");
	count = large ? rd_u32(p) : rd_u16(p);
	size = large ? rd_u32(p + 4) : rd_u16(p + 2);
	if (size > len)
		return jfail(err, "container larger than its value");
	len = size;
	header = 2 * (size_t)osize;
	if (count > len ||
	    header + count * ((object ? key_entry : 0) + val_entry) > len)
		return jfail(err, "container entries out of range");

	strbuf_addch(out, object ? '{' : '[');
	for (i = 0; i < count; i++) {
		const unsigned char *ventry;

		if (i)
			strbuf_addstr(out, ", ");
		if (object) {
			const unsigned char *kentry = p + header + i * key_entry;
			size_t koff = large ? rd_u32(kentry) : rd_u16(kentry);
			size_t klen = rd_u16(kentry + osize);

			if (koff > len || klen > len - koff)
				return jfail(err, "key out of range");
			strbuf_addjson(out, (const char *)p + koff, klen);
			strbuf_addstr(out, ": ");
			ventry = p + header + count * key_entry + i * val_entry;
		} else {
			ventry = p + header + i * val_entry;
		}
		if (render_entry(p, len, ventry, large, depth + 1, out, err) <
		    0)
			return -1;
	}
	strbuf_addch(out, object ? '}' : ']');
	return 0;
}

static int render(unsigned int type, const unsigned char *p, size_t len,
		  int depth, struct strbuf *out, struct strbuf *err)
{
	uint64_t u, n;
	size_t used;

	switch (type) {
	case J_SMALL_OBJECT:
	case J_LARGE_OBJECT:
	case J_SMALL_ARRAY:
	case J_LARGE_ARRAY:
		return render_container(type, p, len, depth, out, err);
	case J_LITERAL:
		if (len < 1)
			return jfail(err, "truncated literal");
		if (p[0] == 0)
			strbuf_addstr(out, "null");
		else if (p[0] == 1)
			strbuf_addstr(out, "true");
		else if (p[0] == 2)
			strbuf_addstr(out, "false");
		else
			return jfail(err, "unknown literal");
		return 0;
	case J_INT16:
		if (len < 2)
			return jfail(err, "truncated int16");
		strbuf_addf(out, "%d", (int)(int16_t)rd_u16(p));
		return 0;
	case J_UINT16:
		if (len < 2)
			return jfail(err, "truncated uint16");
		strbuf_addf(out, "%u", (unsigned)rd_u16(p));
		return 0;
	case J_INT32:
		if (len < 4)
			return jfail(err, "truncated int32");
		strbuf_addf(out, "%" PRId32, (int32_t)rd_u32(p));
		return 0;
	case J_UINT32:
		if (len < 4)
			return jfail(err, "truncated uint32");
		strbuf_addf(out, "%" PRIu32, rd_u32(p));
		return 0;
	case J_INT64: {
		int64_t i;

		if (len < 8)
			return jfail(err, "truncated int64");
		u = rd_u64(p);
		memcpy(&i, &u, sizeof(i));
		strbuf_addf(out, "%" PRId64, i);
		return 0;
	}
	case J_UINT64:
		if (len < 8)
			return jfail(err, "truncated uint64");
		strbuf_addf(out, "%" PRIu64, rd_u64(p));
		return 0;
	case J_DOUBLE: {
		double d;

		if (len < 8)
			return jfail(err, "truncated double");
		u = rd_u64(p);
		memcpy(&d, &u, sizeof(d));
		if (d != d || d - d != 0)
			return jfail(err, "non-finite double");
		add_json_double(out, d);
		return 0;
	}
	case J_STRING:
		if (read_varlen(p, len, &used, &n) < 0 || n > len - used)
			return jfail(err, "truncated string");
		strbuf_addjson(out, (const char *)p + used, (size_t)n);
		return 0;
	case J_OPAQUE:
		return render_opaque(p, len, out, err);
	default:
		strbuf_addf(err, "malformed binary JSON value: unknown type %u",
			    type);
		return -1;
	}
}

int binlog_json_to_text(const unsigned char *p, size_t len,
			struct strbuf *out, struct strbuf *err)
{
	size_t start = out->len;

	/* an empty value is what the server logs for a JSON null */
	if (!len) {
		strbuf_addstr(out, "null");
		return 0;
	}
	if (render(p[0], p + 1, len - 1, 0, out, err) < 0) {
		strbuf_setlen(out, start);
		return -1;
	}
	return 0;
}
