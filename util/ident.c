/*
 * ident.c: comparing database and table names (see ident.h).
 */
#include "util/compat.h"
#include "util/ident.h"

/*
 * Decode one UTF-8 character at s (n bytes left) into *cp; returns its
 * length, or 1 with *cp the byte itself (>= 0x80 stays distinct from any
 * code point folded here) when the bytes are not valid UTF-8.
 */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && n >= 2 && (s[1] & 0xc0) == 0x80 &&
	    s[0] >= 0xc2) {
		*cp = ((unsigned long)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && n >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x0f) << 12) |
		      ((unsigned long)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	if ((s[0] & 0xf8) == 0xf0 && n >= 4 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x07) << 18) |
		      ((unsigned long)(s[1] & 0x3f) << 12) |
		      ((unsigned long)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return 4;
	}
	/* Invalid: mark it so that it never equals a real code point. */
	*cp = 0x80000000UL | s[0];
	return 1;
}

/* The simple lower case of the letters ident.h lists. */
static unsigned long fold(unsigned long c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 0x20;
	if (c < 0xc0)
		return c;
	if (c <= 0xde && c != 0xd7)
		return c + 0x20;
	if ((c >= 0x100 && c <= 0x12f) || (c >= 0x132 && c <= 0x137) ||
	    (c >= 0x14a && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1) ? c + 1 : c;
	if (c == 0x178)
		return 0xff;
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	return c;
}

int ident_name_eq_len(int lower_case_table_names, const char *a, size_t alen,
		      const char *b, size_t blen)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	size_t i = 0, j = 0;

	if (!lower_case_table_names)
		return alen == blen && !memcmp(a, b, alen);
	while (i < alen && j < blen) {
		unsigned long ca, cb;

		i += utf8_next(p + i, alen - i, &ca);
		j += utf8_next(q + j, blen - j, &cb);
		if (fold(ca) != fold(cb))
			return 0;
	}
	return i == alen && j == blen;
}

int ident_name_eq(int lower_case_table_names, const char *a, const char *b)
{
	return ident_name_eq_len(lower_case_table_names, a, strlen(a), b,
				 strlen(b));
}
