/*
 * names.c: object and lock names (see names.h).
 *
 * The limit is in characters, not bytes (identifiers are utf8mb3 in the
 * data dictionary), so a name is cut at a character boundary. The hash is
 * FNV-1a: it needs no library, and it only has to spread names, not
 * resist an attacker (a collision makes a run refuse, never lose data).
 */
#include "util/compat.h"
#include "osc/migrate/names.h"

#define HASH_DIGITS 8

static int is_continuation(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t osc_utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (!is_continuation((unsigned char)s[i]))
			n++;
	return n;
}

/* Bytes taken by the first `chars` characters of s. */
static size_t utf8_prefix_bytes(const char *s, size_t len, size_t chars)
{
	size_t i = 0;

	while (i < len && chars) {
		i++;
		while (i < len && is_continuation((unsigned char)s[i]))
			i++;
		chars--;
	}
	return i;
}

uint32_t osc_name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

const char *osc_object_suffix(enum osc_object which)
{
	switch (which) {
	case OSC_OBJ_GHOST:
		return "new";
	case OSC_OBJ_OLD:
		return "old";
	case OSC_OBJ_CHANGELOG:
		return "osc";
	}
	return "new";
}

void osc_object_name(struct strbuf *out, const char *table,
		     enum osc_object which)
{
	const char *suffix = osc_object_suffix(which);
	size_t len = strlen(table);
	/* "_" + table + "_" + suffix */
	size_t fixed = 2 + strlen(suffix);

	if (osc_utf8_chars(table, len) + fixed <= OSC_NAME_MAX_CHARS) {
		strbuf_addf(out, "_%s_%s", table, suffix);
		return;
	}
	/* "_" + prefix + "_" + hash + "_" + suffix */
	len = utf8_prefix_bytes(table, len,
				OSC_NAME_MAX_CHARS - fixed - HASH_DIGITS - 1);
	strbuf_addch(out, '_');
	strbuf_add(out, table, len);
	strbuf_addf(out, "_%08" PRIx32 "_%s",
		    osc_name_hash(table, strlen(table)), suffix);
}

static void add_lock_part(struct strbuf *out, const char *s, int quoted)
{
	if (!quoted) {
		strbuf_addstr(out, s);
		return;
	}
	strbuf_addch(out, '`');
	for (; *s; s++) {
		if (*s == '`')
			strbuf_addch(out, '`');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '`');
}

void osc_lock_name(struct strbuf *out, const char *db, const char *table)
{
	struct strbuf full = STRBUF_INIT;
	int quoted = strpbrk(db, ".`") || strpbrk(table, ".`");
	size_t keep;

	strbuf_addstr(&full, "osc.");
	add_lock_part(&full, db, quoted);
	strbuf_addch(&full, '.');
	add_lock_part(&full, table, quoted);
	if (osc_utf8_chars(full.buf, full.len) <= OSC_NAME_MAX_CHARS) {
		strbuf_addbuf(out, &full);
		strbuf_release(&full);
		return;
	}
	/* Keep "osc." and what fits, then "." and the hash of it all. */
	keep = utf8_prefix_bytes(full.buf, full.len,
				 OSC_NAME_MAX_CHARS - HASH_DIGITS - 1);
	strbuf_add(out, full.buf, keep);
	strbuf_addf(out, ".%08" PRIx32, osc_name_hash(full.buf, full.len));
	strbuf_release(&full);
}
