/*
 * checkpoint.c: the checkpoint record, its fingerprint and its rows in
 * the changelog (see checkpoint.h). Pure.
 *
 * The record is written for a person as much as for osc: `SELECT value
 * FROM _t_osc WHERE hint LIKE 'checkpoint%'` shows the phase, the
 * position and the low-water mark in words; the percent-encoding only
 * touches what SQL quoting or the ASCII column could not carry.
 */
#include "util/compat.h"
#include "osc/migrate/checkpoint.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <ctype.h>

void osc_checkpoint_init(struct osc_checkpoint *c)
{
	memset(c, 0, sizeof(*c));
}

void osc_checkpoint_release(struct osc_checkpoint *c)
{
	free(c->phase);
	chunk_bound_release(&c->low);
	free(c->alter);
	free(c->fp.version);
	memset(c, 0, sizeof(*c));
}

uint64_t osc_checkpoint_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void osc_checkpoint_normalize_create(struct strbuf *out, const char *create)
{
	static const char opt[] = " AUTO_INCREMENT=";
	const char *last = strrchr(create, '\n');
	const char *p, *q;

	/* The table options are on the last line, after the closing ')'. */
	p = last ? last : create;
	q = strstr(p, opt);
	if (!q || !isdigit((unsigned char)q[sizeof(opt) - 1])) {
		strbuf_addstr(out, create);
		return;
	}
	strbuf_add(out, create, (size_t)(q - create));
	q += sizeof(opt) - 1;
	while (isdigit((unsigned char)*q))
		q++;
	strbuf_addstr(out, q);
}

void osc_checkpoint_fingerprint(struct osc_checkpoint_fingerprint *fp,
				const char *alter, const char *source_create,
				const char *ghost_create, const char *key,
				const char *version)
{
	struct strbuf sb = STRBUF_INIT;

	fp->alter = osc_checkpoint_hash(alter, strlen(alter));
	osc_checkpoint_normalize_create(&sb, source_create);
	fp->source = osc_checkpoint_hash(sb.buf, sb.len);
	strbuf_reset(&sb);
	osc_checkpoint_normalize_create(&sb, ghost_create);
	fp->ghost = osc_checkpoint_hash(sb.buf, sb.len);
	fp->key = osc_checkpoint_hash(key, strlen(key));
	free(fp->version);
	fp->version = xstrdup(version);
	strbuf_release(&sb);
}

void osc_checkpoint_key_text(struct strbuf *out, const char *source_index,
			     const char *ghost_index,
			     const char *const *source_cols,
			     const char *const *ghost_cols, size_t ncols)
{
	size_t i;

	strbuf_addf(out, "%s(", source_index ? source_index : "");
	for (i = 0; i < ncols; i++)
		strbuf_addf(out, "%s%s", i ? "," : "", source_cols[i]);
	strbuf_addf(out, ")>%s(", ghost_index ? ghost_index : "");
	for (i = 0; i < ncols; i++)
		strbuf_addf(out, "%s%s", i ? "," : "", ghost_cols[i]);
	strbuf_addch(out, ')');
}

/* ---- the record ------------------------------------------------------ */

static int plain_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '%' && c != '\'' && c != '"' &&
	       c != '\\' && c != ',' && c != '=';
}

static void add_encoded(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (plain_byte(c))
			strbuf_addch(out, c);
		else
			strbuf_addf(out, "%%%02X", c);
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int add_decoded(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] != '%') {
			if (!plain_byte((unsigned char)s[i]))
				return -1;
			strbuf_addch(out, s[i]);
			continue;
		}
		if (i + 2 >= len)
			return -1;
		hi = hexval((unsigned char)s[i + 1]);
		lo = hexval((unsigned char)s[i + 2]);
		if (hi < 0 || lo < 0)
			return -1;
		strbuf_addch(out, hi * 16 + lo);
		i += 2;
	}
	return 0;
}

static void add_field(struct strbuf *out, const char *name, const char *v)
{
	strbuf_addf(out, " %s=", name);
	add_encoded(out, v, strlen(v));
}

void osc_checkpoint_encode(struct strbuf *out, const struct osc_checkpoint *c)
{
	size_t start = out->len, i;
	char num[32];

	strbuf_addf(out, "osc-checkpoint=%d", OSC_CHECKPOINT_FORMAT);
	add_field(out, "phase", c->phase ? c->phase : "");
	strbuf_addf(out, " copy-done=%d", c->copy_done ? 1 : 0);
	strbuf_addf(out, " low=%zu", c->low.nvalues);
	for (i = 0; i < c->low.nvalues; i++) {
		strbuf_addch(out, ',');
		add_encoded(out, c->low.values[i], strlen(c->low.values[i]));
	}
	add_field(out, "binlog-file", c->applied.file);
	strbuf_addf(out, " binlog-pos=%" PRIu64, c->applied.pos);
	strbuf_addf(out, " rows=%" PRIu64, c->rows_copied);
	strbuf_addf(out, " server-id=%" PRIu64, c->server_id);
	strbuf_addf(out, " written=%" PRIu64, c->written_us);
	add_field(out, "version", c->fp.version ? c->fp.version : "");
	snprintf(num, sizeof(num), "%016" PRIx64, c->fp.alter);
	strbuf_addf(out, " fp-alter=%s", num);
	snprintf(num, sizeof(num), "%016" PRIx64, c->fp.source);
	strbuf_addf(out, " fp-source=%s", num);
	snprintf(num, sizeof(num), "%016" PRIx64, c->fp.ghost);
	strbuf_addf(out, " fp-ghost=%s", num);
	snprintf(num, sizeof(num), "%016" PRIx64, c->fp.key);
	strbuf_addf(out, " fp-key=%s", num);
	add_field(out, "alter", c->alter ? c->alter : "");
	snprintf(num, sizeof(num), "%016" PRIx64,
		 osc_checkpoint_hash(out->buf + start, out->len - start));
	strbuf_addf(out, " sum=%s", num);
}

/* A field of the record: the text after " name=" up to the next space. */
static int field(const char *text, size_t len, const char *name,
		 const char **v, size_t *vlen)
{
	size_t n = strlen(name), i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && text[j] != ' ')
			j++;
		if (j - i > n && !memcmp(text + i, name, n) &&
		    text[i + n] == '=') {
			*v = text + i + n + 1;
			*vlen = j - i - n - 1;
			return 0;
		}
		i = j + 1;
	}
	return -1;
}

static int parse_u64(const char *s, size_t len, int base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		int d = base == 16 ? hexval((unsigned char)s[i])
				   : (isdigit((unsigned char)s[i])
					      ? s[i] - '0' : -1);

		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static int get_text(const char *text, size_t len, const char *name,
		    char **out, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *v;
	size_t vlen;

	if (field(text, len, name, &v, &vlen) < 0) {
		strbuf_addf(err, "the checkpoint has no field '%s'", name);
		return -1;
	}
	if (add_decoded(&sb, v, vlen) < 0 || memchr(sb.buf, '\0', sb.len)) {
		strbuf_addf(err, "the checkpoint's field '%s' is not encoded "
			    "as osc writes it", name);
		strbuf_release(&sb);
		return -1;
	}
	free(*out);
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

static int get_u64(const char *text, size_t len, const char *name, int base,
		   uint64_t *out, struct strbuf *err)
{
	const char *v;
	size_t vlen;

	if (field(text, len, name, &v, &vlen) < 0) {
		strbuf_addf(err, "the checkpoint has no field '%s'", name);
		return -1;
	}
	if (parse_u64(v, vlen, base, out) < 0) {
		strbuf_addf(err, "the checkpoint's field '%s' is not a number",
			    name);
		return -1;
	}
	return 0;
}

static int decode_low(const char *text, size_t len, struct chunk_bound *b,
		      struct strbuf *err)
{
	struct strbuf lit = STRBUF_INIT;
	const char *v, *end, *p;
	size_t vlen, n = 0;
	uint64_t count;
	int ret = -1;

	if (field(text, len, "low", &v, &vlen) < 0) {
		strbuf_addstr(err, "the checkpoint has no field 'low'");
		return -1;
	}
	end = v + vlen;
	for (p = v; p < end && *p != ','; p++)
		;
	if (parse_u64(v, (size_t)(p - v), 10, &count) < 0 || count > 64)
		goto bad;
	chunk_bound_release(b);
	if (count)
		b->values = xcalloc((size_t)count, sizeof(*b->values));
	while (p < end) {
		const char *q = ++p;

		while (p < end && *p != ',')
			p++;
		strbuf_reset(&lit);
		if (n == count || add_decoded(&lit, q, (size_t)(p - q)) < 0 ||
		    memchr(lit.buf, '\0', lit.len) ||
		    !osc_checkpoint_literal_ok(lit.buf))
			goto bad;
		b->values[n++] = strbuf_detach(&lit, NULL);
		b->nvalues = n;
	}
	if (n != count)
		goto bad;
	ret = 0;
	goto out;
bad:
	strbuf_addstr(err, "the checkpoint's low-water mark is not one osc "
			   "writes");
	chunk_bound_release(b);
out:
	strbuf_release(&lit);
	return ret;
}

int osc_checkpoint_decode(const char *text, size_t len,
			  struct osc_checkpoint *c, struct strbuf *err)
{
	static const char head[] = "osc-checkpoint=";
	const char *sum;
	uint64_t want, v;
	char *file = NULL;

	osc_checkpoint_release(c);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	if (len < sizeof(head) - 1 || memcmp(text, head, sizeof(head) - 1)) {
		strbuf_addstr(err, "the changelog holds no osc checkpoint");
		return -1;
	}
	/* " sum=" and 16 hex digits end the record. */
	if (len < 22 || memcmp(text + len - 21, " sum=", 5) ||
	    parse_u64(text + len - 16, 16, 16, &want) < 0) {
		strbuf_addstr(err, "the checkpoint is incomplete (torn or cut "
				   "short)");
		return -1;
	}
	sum = text + len - 21;
	if (osc_checkpoint_hash(text, (size_t)(sum - text)) != want) {
		strbuf_addstr(err, "the checkpoint's checksum does not match "
				   "(it was changed or torn)");
		return -1;
	}
	len = (size_t)(sum - text);
	if (get_u64(text, len, "osc-checkpoint", 10, &v, err) < 0)
		goto fail;
	if (v != OSC_CHECKPOINT_FORMAT) {
		strbuf_addf(err, "the checkpoint is of format %" PRIu64
			    ", this osc reads format %d", v,
			    OSC_CHECKPOINT_FORMAT);
		goto fail;
	}
	if (get_text(text, len, "phase", &c->phase, err) < 0 ||
	    get_u64(text, len, "copy-done", 10, &v, err) < 0)
		goto fail;
	c->copy_done = v != 0;
	if (decode_low(text, len, &c->low, err) < 0 ||
	    get_text(text, len, "binlog-file", &file, err) < 0 ||
	    get_u64(text, len, "binlog-pos", 10, &c->applied.pos, err) < 0 ||
	    get_u64(text, len, "rows", 10, &c->rows_copied, err) < 0 ||
	    get_u64(text, len, "server-id", 10, &c->server_id, err) < 0 ||
	    get_u64(text, len, "written", 10, &c->written_us, err) < 0 ||
	    get_text(text, len, "version", &c->fp.version, err) < 0 ||
	    get_u64(text, len, "fp-alter", 16, &c->fp.alter, err) < 0 ||
	    get_u64(text, len, "fp-source", 16, &c->fp.source, err) < 0 ||
	    get_u64(text, len, "fp-ghost", 16, &c->fp.ghost, err) < 0 ||
	    get_u64(text, len, "fp-key", 16, &c->fp.key, err) < 0 ||
	    get_text(text, len, "alter", &c->alter, err) < 0)
		goto fail;
	if (!*file || strlen(file) >= sizeof(c->applied.file) ||
	    strchr(file, '/')) {
		strbuf_addstr(err, "the checkpoint's binlog file name is not "
				   "one a server writes");
		goto fail;
	}
	memcpy(c->applied.file, file, strlen(file) + 1);
	free(file);
	return 0;
fail:
	free(file);
	osc_checkpoint_release(c);
	return -1;
}

static int number_ok(const char *s)
{
	size_t digits = 0;

	if (*s == '-' || *s == '+')
		s++;
	for (; isdigit((unsigned char)*s); s++)
		digits++;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			digits++;
	return digits && !*s;
}

int osc_checkpoint_literal_ok(const char *lit)
{
	const char *p = lit;

	if (number_ok(lit))
		return 1;
	if (*p == '\'') {
		/* A temporal value: digits and - : . space only. */
		for (p++; *p && *p != '\''; p++)
			if (!isdigit((unsigned char)*p) && !strchr("-:. ", *p))
				return 0;
		return *p == '\'' && !p[1];
	}
	if (*p == '_') {
		/* A character set introducer: _name then one space. */
		for (p++; islower((unsigned char)*p) ||
			  isdigit((unsigned char)*p) || *p == '_';
		     p++)
			;
		if (p == lit + 1 || *p != ' ')
			return 0;
		p++;
	}
	if ((*p != 'X' && *p != 'x') || p[1] != '\'')
		return 0;
	for (p += 2; isxdigit((unsigned char)*p); p++)
		;
	return *p == '\'' && !p[1];
}

int osc_checkpoint_compare(const struct osc_checkpoint_fingerprint *saved,
			   const struct osc_checkpoint_fingerprint *now,
			   struct strbuf *what)
{
	if (saved->alter != now->alter) {
		strbuf_addstr(what, "the --alter given differs from the one "
				    "the checkpoint was written for");
		return -1;
	}
	if (strcmp(saved->version ? saved->version : "",
		   now->version ? now->version : "")) {
		strbuf_addf(what, "the checkpoint was written by osc %s, this "
			    "is osc %s",
			    saved->version ? saved->version : "?",
			    now->version ? now->version : "?");
		return -1;
	}
	if (saved->source != now->source) {
		strbuf_addstr(what, "the definition of the table changed since "
				    "the checkpoint");
		return -1;
	}
	if (saved->ghost != now->ghost) {
		strbuf_addstr(what, "the definition of the ghost table changed "
				    "since the checkpoint");
		return -1;
	}
	if (saved->key != now->key) {
		strbuf_addstr(what, "the shared key chosen now differs from "
				    "the checkpoint's");
		return -1;
	}
	return 0;
}

/* ---- the rows -------------------------------------------------------- */

int osc_checkpoint_write_sql(struct strbuf *del, struct strbuf *ins,
			     const char *db, const char *table,
			     const char *record, struct strbuf *err)
{
	struct strbuf name = STRBUF_INIT;
	size_t len = strlen(record), off, id = OSC_CHECKPOINT_ID_FIRST;
	int ret = -1;

	if (quote_qualified(&name, db, table) < 0) {
		strbuf_addstr(err, "invalid changelog table name");
		goto out;
	}
	if ((len + OSC_CHECKPOINT_PIECE - 1) / OSC_CHECKPOINT_PIECE >
	    OSC_CHECKPOINT_ID_LAST - OSC_CHECKPOINT_ID_FIRST + 1) {
		strbuf_addf(err, "the checkpoint needs %zu bytes, more than "
			    "the changelog keeps for it", len);
		goto out;
	}
	strbuf_addf(del, "DELETE FROM %s WHERE id BETWEEN %d AND %d",
		    name.buf, OSC_CHECKPOINT_ID_FIRST, OSC_CHECKPOINT_ID_LAST);
	strbuf_addf(ins, "INSERT INTO %s (id, hint, value) VALUES ", name.buf);
	for (off = 0; off < len || off == 0; off += OSC_CHECKPOINT_PIECE) {
		size_t n = len - off < OSC_CHECKPOINT_PIECE
				   ? len - off : OSC_CHECKPOINT_PIECE;

		if (off)
			strbuf_addstr(ins, ", ");
		if (id == OSC_CHECKPOINT_ID_FIRST)
			strbuf_addf(ins, "(%zu, '" OSC_CHECKPOINT_HINT "', ",
				    id);
		else
			strbuf_addf(ins, "(%zu, '" OSC_CHECKPOINT_HINT ".%zu', ",
				    id, id - OSC_CHECKPOINT_ID_FIRST);
		quote_sql_string(ins, record + off, n);
		strbuf_addch(ins, ')');
		id++;
		if (!len)
			break;
	}
	ret = 0;
out:
	strbuf_release(&name);
	return ret;
}

int osc_checkpoint_read_sql(struct strbuf *sql, const char *db,
			    const char *table, struct strbuf *err)
{
	struct strbuf name = STRBUF_INIT;

	if (quote_qualified(&name, db, table) < 0) {
		strbuf_addstr(err, "invalid changelog table name");
		strbuf_release(&name);
		return -1;
	}
	strbuf_addf(sql, "SELECT value FROM %s WHERE id BETWEEN %d AND %d "
		    "ORDER BY id", name.buf, OSC_CHECKPOINT_ID_FIRST,
		    OSC_CHECKPOINT_ID_LAST);
	strbuf_release(&name);
	return 0;
}
