/*
 * text.c: the text forms of binlog values: a packed DECIMAL's exact
 * digits, temporal values, doubles with the fewest digits that read back
 * the same. Pure. The lowest file of binlog/'s codecs: values.c (row
 * images) and json.c (MySQL binary JSON) both write their text here.
 */
#include "util/compat.h"

#include "binlog/binlog-internal.h"
#include "util/wrapper.h"

/* ---- decimal ---------------------------------------------------------- */

static const unsigned char dig2bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
const uint32_t binlog_powers10[10] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

size_t binlog_decimal_bin_size(unsigned int prec, unsigned int scale)
{
	unsigned int intg = prec - scale;

	return (intg / 9) * 4 + dig2bytes[intg % 9] + (scale / 9) * 4 +
	       dig2bytes[scale % 9];
}

/*
 * The packed form (MySQL strings/decimal.c bin2decimal): groups of nine
 * digits in 4 big-endian bytes, the leftover digits of the integer part
 * first and of the fraction last in fewer bytes; the sign is the top bit
 * of the first byte inverted, and negative numbers have every byte
 * inverted.
 */
int binlog_decimal_to_text(const unsigned char *p, size_t avail,
			   unsigned int prec, unsigned int scale,
			   struct strbuf *out, size_t *used, struct strbuf *err)
{
	unsigned char buf[40];
	unsigned int intg, intg0, intg0x, frac0, frac0x, i;
	size_t size, at = 0, start;
	unsigned char mask;
	int started = 0;

	if (prec == 0 || prec > 65 || scale > 30 || scale > prec) {
		strbuf_addf(err, "bad DECIMAL(%u,%u) metadata", prec, scale);
		return -1;
	}
	size = binlog_decimal_bin_size(prec, scale);
	if (size > avail || size > sizeof(buf)) {
		strbuf_addstr(err, "truncated DECIMAL value");
		return -1;
	}
	memcpy(buf, p, size);
	mask = (buf[0] & 0x80) ? 0 : 0xff;
	buf[0] ^= 0x80;
	for (i = 0; i < size; i++)
		buf[i] ^= mask;

	intg = prec - scale;
	intg0 = intg / 9;
	intg0x = intg % 9;
	frac0 = scale / 9;
	frac0x = scale % 9;

	start = out->len;
	if (mask)
		strbuf_addch(out, '-');
	if (intg0x) {
		unsigned int n = dig2bytes[intg0x];
		uint32_t v = (uint32_t)rd_be(buf + at, n);

		at += n;
		if (v >= binlog_powers10[intg0x])
			goto bad;
		if (v) {
			strbuf_addf(out, "%" PRIu32, v);
			started = 1;
		}
	}
	for (i = 0; i < intg0; i++) {
		uint32_t v = (uint32_t)rd_be(buf + at, 4);

		at += 4;
		if (v > 999999999)
			goto bad;
		if (started) {
			strbuf_addf(out, "%09" PRIu32, v);
		} else if (v) {
			strbuf_addf(out, "%" PRIu32, v);
			started = 1;
		}
	}
	if (!started)
		strbuf_addch(out, '0');
	if (scale) {
		strbuf_addch(out, '.');
		for (i = 0; i < frac0; i++) {
			uint32_t v = (uint32_t)rd_be(buf + at, 4);

			at += 4;
			if (v > 999999999)
				goto bad;
			strbuf_addf(out, "%09" PRIu32, v);
		}
		if (frac0x) {
			unsigned int n = dig2bytes[frac0x];
			uint32_t v = (uint32_t)rd_be(buf + at, n);

			at += n;
			if (v >= binlog_powers10[frac0x])
				goto bad;
			strbuf_addf(out, "%0*" PRIu32, (int)frac0x, v);
		}
	}
	/* "-0.00" is written as "0.00": the server never stores minus zero */
	if (mask) {
		size_t k;
		int nonzero = 0;

		for (k = start + 1; k < out->len; k++)
			if (out->buf[k] >= '1' && out->buf[k] <= '9')
				nonzero = 1;
		if (!nonzero) {
			memmove(out->buf + start, out->buf + start + 1,
				out->len - start - 1);
			strbuf_setlen(out, out->len - 1);
		}
	}
	*used = size;
	return 0;
bad:
	strbuf_setlen(out, start);
	strbuf_addstr(err,
		      "malformed DECIMAL value (digit group out of range)");
	return -1;
}

/* ---- formatting helpers ------------------------------------------------ */

void binlog_format_double(struct strbuf *out, double d)
{
	char buf[40];
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		xsnprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	strbuf_addstr(out, buf);
}

void binlog_format_float(struct strbuf *out, float f)
{
	char buf[40];
	int prec;

	for (prec = 6; prec <= 9; prec++) {
		xsnprintf(buf, sizeof(buf), "%.*g", prec, (double)f);
		if (strtof(buf, NULL) == f)
			break;
	}
	strbuf_addstr(out, buf);
}

/* Howard Hinnant's days_from_civil inverse, exact for every int64 day. */
void binlog_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static void add_frac(struct strbuf *out, uint32_t usec, unsigned int fsp)
{
	if (!fsp)
		return;
	if (fsp > 6)
		fsp = 6;
	strbuf_addf(out, ".%0*u", (int)fsp,
		    (unsigned)(usec / binlog_powers10[6 - fsp]));
}

void binlog_format_timestamp(struct strbuf *out, int64_t sec, uint32_t usec,
			     unsigned int fsp)
{
	int y;
	unsigned m, d;
	int64_t days, rem;

	if (sec == 0 && usec == 0) {
		strbuf_addstr(out, "0000-00-00 00:00:00");
		add_frac(out, 0, fsp);
		return;
	}
	days = sec / 86400;
	rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	binlog_civil_from_days(days, &y, &m, &d);
	strbuf_addf(out, "%04d-%02u-%02u %02u:%02u:%02u", y, m, d,
		    (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
		    (unsigned)(rem % 60));
	add_frac(out, usec, fsp);
}

void binlog_format_tm(struct strbuf *out, enum binlog_value_kind kind,
		      const struct binlog_time *tm, unsigned int fsp)
{
	switch (kind) {
	case BINLOG_VALUE_DATE:
		strbuf_addf(out, "%04u-%02u-%02u", tm->year, tm->month,
			    tm->day);
		break;
	case BINLOG_VALUE_TIME:
		strbuf_addf(out, "%s%02" PRIu32 ":%02u:%02u",
			    tm->neg ? "-" : "", tm->hour, tm->minute,
			    tm->second);
		add_frac(out, tm->usec, fsp);
		break;
	default:
		strbuf_addf(out, "%04u-%02u-%02u %02" PRIu32 ":%02u:%02u",
			    tm->year, tm->month, tm->day, tm->hour, tm->minute,
			    tm->second);
		add_frac(out, tm->usec, fsp);
		break;
	}
}
