/*
 * values.c: the bytes of one column value in a row image, to a struct
 * binlog_value. Pure.
 *
 * The layouts are the server's "binlog row format" of each field type
 * (MySQL sql/field.cc pack(), libbinlogevents; MariaDB sql/field.cc and
 * sql/compat56.cc); shared/notes/binlog-protocol.md 2.13 lists them with
 * the cases that were checked on real bytes. Everything is decoded in
 * integers: no value goes through a double unless the column is FLOAT or
 * DOUBLE. The text forms (DECIMAL, temporal values, doubles) are in
 * text.c, which json.c uses too; values.c uses both, never the reverse.
 */
#include "util/compat.h"

#include <zlib.h>

#include "binlog/binlog-internal.h"
#include "util/wrapper.h"

/* ---- arena ------------------------------------------------------------ */

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	/* max_align_t alignment for the data that follows */
	union {
		max_align_t align;
		unsigned char data[1];
	} u;
};

#define ARENA_MIN_BLOCK 65536
#define ARENA_KEEP_MAX ((size_t)4 << 20)

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t need = st_add(n, 15) & ~(size_t)15;

	if (!b || b->size - b->used < need) {
		size_t size = need > ARENA_MIN_BLOCK ? need : ARENA_MIN_BLOCK;

		b = xmalloc(st_add(offsetof(struct arena_block, u), size));
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	b->used += need;
	return b->u.data + b->used - need;
}

char *arena_memdup_nul(struct arena *a, const void *p, size_t n)
{
	char *s = arena_alloc(a, st_add(n, 1));

	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head, *keep = NULL;

	/* keep the largest block, free the rest */
	while (b) {
		struct arena_block *next = b->next;

		if (!keep || b->size > keep->size) {
			if (keep)
				free(keep);
			keep = b;
		} else {
			free(b);
		}
		b = next;
	}
	/* one huge value must not pin its memory for the stream's life */
	if (keep && keep->size > ARENA_KEEP_MAX) {
		free(keep);
		keep = NULL;
	}
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->head = keep;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
}

/* ---- MariaDB compressed events ----------------------------------------- */

/*
 * MariaDB log_event.cc binlog_buf_uncompress(): one header byte 0x80 |
 * (algorithm << 4) | n, the uncompressed length in n big-endian bytes,
 * then a zlib stream. Only algorithm 0 (zlib) exists.
 */
int binlog_maria_uncompress(const unsigned char *p, size_t len,
			    size_t max_out, struct strbuf *out,
			    struct strbuf *err)
{
	unsigned int n;
	uint64_t ulen;
	uLongf dest_len;
	int rc;

	if (len < 1 || !(p[0] & 0x80) || (p[0] & 0x70)) {
		strbuf_addstr(err, "compressed event: unknown compression header");
		return -1;
	}
	n = p[0] & 0x07;
	if (n < 1 || n > 4 || len < 1 + (size_t)n) {
		strbuf_addstr(err, "compressed event: bad length field");
		return -1;
	}
	ulen = rd_be(p + 1, n);
	/* zlib cannot expand more than about 1032:1 */
	if (ulen > max_out || ulen > (uint64_t)(len - 1 - n) * 1032 + 64) {
		strbuf_addf(err, "compressed event: implausible size %" PRIu64,
			    ulen);
		return -1;
	}
	strbuf_reset(out);
	strbuf_grow(out, (size_t)ulen);
	dest_len = (uLongf)ulen;
	rc = uncompress((Bytef *)out->buf, &dest_len, p + 1 + n,
			(uLong)(len - 1 - n));
	if (rc != Z_OK || dest_len != ulen) {
		strbuf_addf(err, "compressed event: zlib error %d", rc);
		return -1;
	}
	strbuf_setlen(out, (size_t)ulen);
	return 0;
}

/* ---- one value ---------------------------------------------------------- */

#define NEED(n)                                                              \
	do {                                                                 \
		if ((size_t)(n) > avail)                                     \
			goto truncated;                                      \
	} while (0)

static const unsigned char frac_bytes[7] = { 0, 1, 1, 2, 2, 3, 3 };
/* MariaDB hires (sql/field.cc time_hires_bytes, datetime_hires_bytes) */
static const unsigned char time_hires_bytes[7] = { 3, 4, 4, 5, 5, 5, 6 };
static const unsigned char datetime_hires_bytes[7] = { 5, 6, 6, 7, 7, 7, 8 };

/* Fractional part of TIME2/DATETIME2/TIMESTAMP2, in microseconds. */
static uint32_t read_frac_usec(const unsigned char *p, unsigned int fsp)
{
	switch (fsp) {
	case 1:
	case 2:
		return p[0] * 10000u;
	case 3:
	case 4:
		return (uint32_t)rd_be(p, 2) * 100u;
	case 5:
	case 6:
		return (uint32_t)rd_be(p, 3);
	}
	return 0;
}

static void split_datetime_packed(uint64_t ymdhms, struct binlog_time *tm)
{
	uint64_t ymd = ymdhms >> 17, ym = ymd >> 5;
	unsigned hms = (unsigned)(ymdhms & 0x1ffff);

	tm->day = (uint8_t)(ymd & 31);
	tm->month = (uint8_t)(ym % 13);
	tm->year = (uint16_t)(ym / 13);
	tm->second = hms & 63;
	tm->minute = (hms >> 6) & 63;
	tm->hour = hms >> 12;
}

/* MySQL TIME2 (my_time_packed_from_binary), to sign, h:m:s, usec. */
static int decode_time2(const unsigned char *p, unsigned int fsp,
			struct binlog_time *tm)
{
	int64_t intpart, frac = 0, packed;
	uint64_t hms;

	switch (fsp) {
	case 0:
		intpart = (int64_t)rd_be(p, 3) - 0x800000;
		packed = intpart * ((int64_t)1 << 24);
		break;
	case 1:
	case 2:
		intpart = (int64_t)rd_be(p, 3) - 0x800000;
		frac = p[3];
		if (intpart < 0 && frac) {
			intpart++;
			frac -= 0x100;
		}
		packed = intpart * ((int64_t)1 << 24) + frac * 10000;
		break;
	case 3:
	case 4:
		intpart = (int64_t)rd_be(p, 3) - 0x800000;
		frac = (int64_t)rd_be(p + 3, 2);
		if (intpart < 0 && frac) {
			intpart++;
			frac -= 0x10000;
		}
		packed = intpart * ((int64_t)1 << 24) + frac * 100;
		break;
	default:
		packed = (int64_t)rd_be(p, 6) - 0x800000000000LL;
		break;
	}
	memset(tm, 0, sizeof(*tm));
	if (packed < 0) {
		tm->neg = 1;
		packed = -packed;
	}
	tm->usec = (uint32_t)(packed & 0xffffff);
	hms = (uint64_t)packed >> 24;
	tm->second = hms & 63;
	tm->minute = (hms >> 6) & 63;
	tm->hour = (uint32_t)((hms >> 12) & 0x3ff);
	return tm->usec > 999999 ? -1 : 0;
}

/* MariaDB hires TIME(n): BE, units of 10^-n s, offset by 839 hours. */
static void decode_maria_time_hires(const unsigned char *p, unsigned int dec,
				    struct binlog_time *tm)
{
	uint64_t zero = (uint64_t)3020400 * binlog_powers10[dec];
	uint64_t raw = rd_be(p, time_hires_bytes[dec]);
	uint64_t v;

	memset(tm, 0, sizeof(*tm));
	if (raw < zero) {
		tm->neg = 1;
		v = zero - raw;
	} else {
		v = raw - zero;
	}
	tm->usec = (uint32_t)(v % binlog_powers10[dec]) *
		   binlog_powers10[6 - dec];
	v /= binlog_powers10[dec];
	tm->second = v % 60;
	tm->minute = v / 60 % 60;
	tm->hour = (uint32_t)(v / 3600);
}

/* MariaDB hires DATETIME(n): BE ((((y*13+m)*32+d)*24+h)*60+mi)*60+s. */
static void decode_maria_datetime_hires(const unsigned char *p,
					unsigned int dec,
					struct binlog_time *tm)
{
	uint64_t v = rd_be(p, datetime_hires_bytes[dec]);
	uint64_t ym;

	memset(tm, 0, sizeof(*tm));
	tm->usec = (uint32_t)(v % binlog_powers10[dec]) *
		   binlog_powers10[6 - dec];
	v /= binlog_powers10[dec];
	tm->second = v % 60;
	v /= 60;
	tm->minute = v % 60;
	v /= 60;
	tm->hour = v % 24;
	v /= 24;
	tm->day = v % 32;
	ym = v / 32;
	tm->month = ym % 13;
	tm->year = (uint16_t)(ym / 13);
}

static int valid_datetime(const struct binlog_time *tm)
{
	return tm->month <= 12 && tm->day <= 31 && tm->hour <= 23 &&
	       tm->minute <= 59 && tm->second <= 59 && tm->year <= 9999;
}

int binlog_decode_value(const struct binlog_column *c,
			const struct col_extra *x, const unsigned char *p,
			size_t avail, struct binlog_value *v, size_t *used,
			struct arena *arena, struct strbuf *err)
{
	size_t n = 0;
	unsigned int lb;
	uint64_t u;

	v->type = c->real_type;
	v->fsp = c->fsp;
	v->is_binary = c->is_binary;

	switch (c->real_type) {
	case BINLOG_TYPE_TINY:
		n = 1;
		NEED(n);
		if (c->is_unsigned) {
			v->kind = BINLOG_VALUE_UINT;
			v->v.u = p[0];
		} else {
			v->kind = BINLOG_VALUE_INT;
			v->v.i = (int8_t)p[0];
		}
		break;
	case BINLOG_TYPE_SHORT:
		n = 2;
		NEED(n);
		if (c->is_unsigned) {
			v->kind = BINLOG_VALUE_UINT;
			v->v.u = rd_u16(p);
		} else {
			v->kind = BINLOG_VALUE_INT;
			v->v.i = (int16_t)rd_u16(p);
		}
		break;
	case BINLOG_TYPE_INT24:
		n = 3;
		NEED(n);
		u = rd_u24(p);
		if (c->is_unsigned) {
			v->kind = BINLOG_VALUE_UINT;
			v->v.u = u;
		} else {
			v->kind = BINLOG_VALUE_INT;
			v->v.i = (u & 0x800000) ? (int64_t)u - 0x1000000
						: (int64_t)u;
		}
		break;
	case BINLOG_TYPE_LONG:
		n = 4;
		NEED(n);
		if (c->is_unsigned) {
			v->kind = BINLOG_VALUE_UINT;
			v->v.u = rd_u32(p);
		} else {
			v->kind = BINLOG_VALUE_INT;
			v->v.i = (int32_t)rd_u32(p);
		}
		break;
	case BINLOG_TYPE_LONGLONG:
		n = 8;
		NEED(n);
		u = rd_u64(p);
		if (c->is_unsigned) {
			v->kind = BINLOG_VALUE_UINT;
			v->v.u = u;
		} else {
			v->kind = BINLOG_VALUE_INT;
			memcpy(&v->v.i, &u, sizeof(u));
		}
		break;
	case BINLOG_TYPE_FLOAT: {
		uint32_t bits;

		n = 4;
		NEED(n);
		bits = rd_u32(p);
		v->kind = BINLOG_VALUE_FLOAT;
		memcpy(&v->v.f, &bits, sizeof(bits));
		break;
	}
	case BINLOG_TYPE_DOUBLE:
		n = 8;
		NEED(n);
		u = rd_u64(p);
		v->kind = BINLOG_VALUE_DOUBLE;
		memcpy(&v->v.d, &u, sizeof(u));
		break;
	case BINLOG_TYPE_NEWDECIMAL: {
		struct strbuf sb = STRBUF_INIT;
		char tmp[80];

		/* decimal text is at most 67 bytes: format on the stack */
		sb.buf = tmp;
		sb.alloc = sizeof(tmp);
		sb.len = 0;
		tmp[0] = '\0';
		if (binlog_decimal_to_text(p, avail, c->meta >> 8,
					   c->meta & 0xff, &sb, &n, err) < 0)
			return -1;
		v->kind = BINLOG_VALUE_DECIMAL;
		v->str = arena_memdup_nul(arena, sb.buf, sb.len);
		v->len = sb.len;
		break;
	}
	case BINLOG_TYPE_YEAR:
		n = 1;
		NEED(n);
		v->kind = BINLOG_VALUE_YEAR;
		v->v.u = p[0] ? 1900u + p[0] : 0;
		break;
	case BINLOG_TYPE_DATE:
	case BINLOG_TYPE_NEWDATE:
		n = 3;
		NEED(n);
		u = rd_u24(p);
		v->kind = BINLOG_VALUE_DATE;
		memset(&v->v.tm, 0, sizeof(v->v.tm));
		v->v.tm.day = u & 31;
		v->v.tm.month = (u >> 5) & 15;
		v->v.tm.year = (uint16_t)(u >> 9);
		v->fsp = 0;
		break;
	case BINLOG_TYPE_TIME:
		v->kind = BINLOG_VALUE_TIME;
		if (x && x->hires_dec) {
			n = time_hires_bytes[x->hires_dec];
			NEED(n);
			decode_maria_time_hires(p, x->hires_dec, &v->v.tm);
			v->fsp = x->hires_dec;
		} else {
			int32_t t;

			n = 3;
			NEED(n);
			u = rd_u24(p);
			t = (u & 0x800000) ? (int32_t)u - 0x1000000
					   : (int32_t)u;
			memset(&v->v.tm, 0, sizeof(v->v.tm));
			if (t < 0) {
				v->v.tm.neg = 1;
				t = -t;
			}
			v->v.tm.hour = (uint32_t)(t / 10000);
			v->v.tm.minute = (uint8_t)(t / 100 % 100);
			v->v.tm.second = (uint8_t)(t % 100);
			v->fsp = 0;
		}
		break;
	case BINLOG_TYPE_TIME2:
		n = 3 + frac_bytes[c->fsp];
		NEED(n);
		v->kind = BINLOG_VALUE_TIME;
		if (decode_time2(p, c->fsp, &v->v.tm) < 0)
			goto bad;
		break;
	case BINLOG_TYPE_DATETIME:
		v->kind = BINLOG_VALUE_DATETIME;
		if (x && x->hires_dec) {
			n = datetime_hires_bytes[x->hires_dec];
			NEED(n);
			decode_maria_datetime_hires(p, x->hires_dec, &v->v.tm);
			v->fsp = x->hires_dec;
		} else {
			uint64_t d, t;

			n = 8;
			NEED(n);
			u = rd_u64(p);
			d = u / 1000000;
			t = u % 1000000;
			memset(&v->v.tm, 0, sizeof(v->v.tm));
			v->v.tm.year = (uint16_t)(d / 10000 % 10000);
			v->v.tm.month = d / 100 % 100;
			v->v.tm.day = d % 100;
			v->v.tm.hour = (uint32_t)(t / 10000);
			v->v.tm.minute = t / 100 % 100;
			v->v.tm.second = t % 100;
			v->fsp = 0;
		}
		if (!valid_datetime(&v->v.tm))
			goto bad;
		break;
	case BINLOG_TYPE_DATETIME2:
		n = 5 + frac_bytes[c->fsp];
		NEED(n);
		v->kind = BINLOG_VALUE_DATETIME;
		memset(&v->v.tm, 0, sizeof(v->v.tm));
		u = rd_be(p, 5);
		if (u < 0x8000000000ULL)
			goto bad; /* negative datetimes do not exist */
		split_datetime_packed(u - 0x8000000000ULL, &v->v.tm);
		v->v.tm.usec = read_frac_usec(p + 5, c->fsp);
		if (!valid_datetime(&v->v.tm) || v->v.tm.usec > 999999)
			goto bad;
		break;
	case BINLOG_TYPE_TIMESTAMP:
		v->kind = BINLOG_VALUE_TIMESTAMP;
		if (x && x->hires_dec) {
			unsigned int fb = frac_bytes[x->hires_dec];

			n = 4 + fb;
			NEED(n);
			v->v.ts.sec = (int64_t)rd_be(p, 4);
			u = rd_be(p + 4, fb);
			if (u >= binlog_powers10[x->hires_dec])
				goto bad;
			v->v.ts.usec = (uint32_t)u *
				       binlog_powers10[6 - x->hires_dec];
			v->fsp = x->hires_dec;
		} else {
			n = 4;
			NEED(n);
			v->v.ts.sec = rd_u32(p);
			v->v.ts.usec = 0;
			v->fsp = 0;
		}
		break;
	case BINLOG_TYPE_TIMESTAMP2:
		n = 4 + frac_bytes[c->fsp];
		NEED(n);
		v->kind = BINLOG_VALUE_TIMESTAMP;
		v->v.ts.sec = (int64_t)rd_be(p, 4);
		v->v.ts.usec = read_frac_usec(p + 4, c->fsp);
		if (v->v.ts.usec > 999999)
			goto bad;
		break;
	case BINLOG_TYPE_VARCHAR:
	case BINLOG_TYPE_VAR_STRING:
		lb = c->max_len > 255 ? 2 : 1;
		NEED(lb);
		u = rd_le(p, lb);
		n = lb + (size_t)u;
		NEED(n);
		v->kind = BINLOG_VALUE_STRING;
		v->str = (const char *)p + lb;
		v->len = (size_t)u;
		break;
	case BINLOG_TYPE_STRING:
		lb = c->max_len > 255 ? 2 : 1;
		NEED(lb);
		u = rd_le(p, lb);
		n = lb + (size_t)u;
		NEED(n);
		v->kind = BINLOG_VALUE_STRING;
		v->str = (const char *)p + lb;
		v->len = (size_t)u;
		/*
		 * BINARY(n) loses its trailing 0x00 bytes in the image; the
		 * server stores them, so restore them (a CHAR's trailing
		 * spaces are not restored: SELECT does not return them).
		 */
		if (c->is_binary && v->len < c->max_len) {
			char *s = arena_alloc(arena, c->max_len);

			memcpy(s, v->str, v->len);
			memset(s + v->len, 0, c->max_len - v->len);
			v->str = s;
			v->len = c->max_len;
		}
		break;
	case BINLOG_TYPE_ENUM:
		lb = c->max_len;
		if (lb != 1 && lb != 2)
			goto badmeta;
		NEED(lb);
		v->kind = BINLOG_VALUE_ENUM;
		v->v.u = rd_le(p, lb);
		n = lb;
		break;
	case BINLOG_TYPE_SET:
		lb = c->max_len;
		if (lb < 1 || lb > 8)
			goto badmeta;
		NEED(lb);
		v->kind = BINLOG_VALUE_SET;
		v->v.u = rd_le(p, lb);
		n = lb;
		break;
	case BINLOG_TYPE_BIT: {
		unsigned int nbits = (c->meta >> 8) * 8 + (c->meta & 0xff);

		n = (c->meta >> 8) + ((c->meta & 0xff) ? 1 : 0);
		if (n < 1 || n > 8 || nbits > 64)
			goto badmeta;
		NEED(n);
		v->kind = BINLOG_VALUE_BIT;
		v->bits = (uint16_t)nbits;
		v->v.u = rd_be(p, (unsigned)n);
		break;
	}
	case BINLOG_TYPE_TINY_BLOB:
	case BINLOG_TYPE_MEDIUM_BLOB:
	case BINLOG_TYPE_LONG_BLOB:
	case BINLOG_TYPE_BLOB:
	case BINLOG_TYPE_GEOMETRY:
	case BINLOG_TYPE_JSON:
	case BINLOG_TYPE_VECTOR:
		lb = c->meta;
		if (lb < 1 || lb > 4)
			goto badmeta;
		NEED(lb);
		u = rd_le(p, lb);
		n = lb + (size_t)u;
		NEED(n);
		v->str = (const char *)p + lb;
		v->len = (size_t)u;
		if (c->real_type == BINLOG_TYPE_GEOMETRY) {
			v->kind = BINLOG_VALUE_GEOMETRY;
		} else if (c->real_type == BINLOG_TYPE_VECTOR) {
			v->kind = BINLOG_VALUE_VECTOR;
		} else if (c->real_type == BINLOG_TYPE_JSON) {
			struct strbuf sb = STRBUF_INIT;

			if (binlog_json_to_text(p + lb, (size_t)u, &sb,
						err) < 0) {
				strbuf_release(&sb);
				return -1;
			}
			v->kind = BINLOG_VALUE_JSON;
			v->str = arena_memdup_nul(arena, sb.buf, sb.len);
			v->len = sb.len;
			strbuf_release(&sb);
		} else {
			v->kind = BINLOG_VALUE_BLOB;
		}
		break;
	default:
		strbuf_addf(err, "unsupported column type %u", c->real_type);
		return -1;
	}
	*used = n;
	return 0;
truncated:
	strbuf_addf(err, "row image truncated in a column of type %u",
		    c->real_type);
	return -1;
badmeta:
	strbuf_addf(err, "bad metadata 0x%04x for a column of type %u",
		    c->meta, c->real_type);
	return -1;
bad:
	strbuf_addf(err, "impossible value in a column of type %u",
		    c->real_type);
	return -1;
}
