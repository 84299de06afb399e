/*
 * names.c: the names of the objects osc creates beside table `t`
 * (DESIGN.md 2): _t_new, _t_old, _t_osc, shortened to the server's limit
 * of 64 characters with a stable hash suffix.
 *
 * The limit is in characters, so the length is counted in UTF-8
 * characters and the cut falls on a character boundary. The hash is
 * 32-bit FNV-1a of the whole table name: it only has to tell apart long
 * names that share their first 50-odd characters, and it must give the
 * same name in every run so that a leftover from an earlier run is found.
 */
#include "util/compat.h"

#include "ddl/ddl-internal.h"

/* Length in bytes of the UTF-8 sequence at s (1 for an invalid byte). */
static size_t utf8_seq_len(const unsigned char *s, size_t left)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 1;
	if (n > left)
		return 1;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

size_t ddl_utf8_chars(const char *s, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len) {
		i += utf8_seq_len((const unsigned char *)s + i, len - i);
		n++;
	}
	return n;
}

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

void ddl_object_name(struct strbuf *out, const char *table,
		     enum ddl_object which)
{
	static const char *const suffixes[] = { "_new", "_old", "_osc" };
	const char *suffix = suffixes[which <= DDL_OBJ_CHANGELOG ? which : 0];
	size_t len = strlen(table);
	size_t chars = ddl_utf8_chars(table, len);
	/* "_" + table + suffix */
	size_t total = 1 + chars + strlen(suffix);
	size_t keep_chars, i = 0, n = 0;

	if (total <= DDL_NAME_MAX_CHARS) {
		strbuf_addch(out, '_');
		strbuf_addstr(out, table);
		strbuf_addstr(out, suffix);
		return;
	}
	/* "_" + cut + "_" + 8 hex + suffix = 64 characters */
	keep_chars = DDL_NAME_MAX_CHARS - 1 - 1 - 8 - strlen(suffix);
	while (i < len && n < keep_chars) {
		i += utf8_seq_len((const unsigned char *)table + i, len - i);
		n++;
	}
	strbuf_addch(out, '_');
	strbuf_add(out, table, i);
	strbuf_addf(out, "_%08" PRIx32 "%s", fnv1a(table, len), suffix);
}
