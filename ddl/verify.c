/*
 * verify.c: the checksum --verify compares (ddl.h, "verify").
 *
 * Verify compares each chunk of the original table with the same key range
 * of the ghost. It must compare what the ALTER means, not bytes: INT to
 * BIGINT keeps the value, DATETIME to DATETIME(3) adds ".000", a column
 * converted to latin1 holds latin1 bytes. So every mapped column gets two
 * expressions, one per side, whose binary text is equal exactly when the
 * ghost holds what the copy of the source's value stores: the ghost's
 * column as it is, and the source's column after the conversion the copy's
 * INSERT ... SELECT makes (CAST to the ghost's type, CONVERT to its
 * character set). A change for which osc knows no such conversion (to
 * FLOAT or DOUBLE, fractional seconds narrowed, which rounds or truncates
 * by sql_mode) leaves that column out, and the caller names it.
 */
#include "util/compat.h"

#include <strings.h>

#include "ddl/ddl-internal.h"
#include "util/quote.h"
#include "util/wrapper.h"

enum family {
	FAM_OTHER = 0,
	FAM_INT,
	FAM_DECIMAL,
	FAM_FLOAT,
	FAM_CHARS,
	FAM_BYTES,
	FAM_DATE,	/* date, datetime, timestamp */
	FAM_TIME,
	FAM_YEAR,
	FAM_ENUM,	/* enum, set */
	FAM_JSON,
	FAM_BIT,
};

static bool is(const struct ddl_type *t, const char *name)
{
	return t->base && !strcmp(t->base, name);
}

static enum family family(const struct ddl_type *t)
{
	static const char *const ints[] = {
		"tinyint", "smallint", "mediumint", "int", "bigint",
	};
	static const char *const chars[] = {
		"char", "varchar", "tinytext", "text", "mediumtext",
		"longtext",
	};
	static const char *const bytes[] = {
		"binary", "varbinary", "tinyblob", "blob", "mediumblob",
		"longblob",
	};
	size_t i;

	if (!t->base)
		return FAM_OTHER;
	for (i = 0; i < ARRAY_SIZE(ints); i++)
		if (is(t, ints[i]))
			return FAM_INT;
	for (i = 0; i < ARRAY_SIZE(chars); i++)
		if (is(t, chars[i]))
			return t->charset && !strcasecmp(t->charset, "binary")
				       ? FAM_BYTES
				       : FAM_CHARS;
	for (i = 0; i < ARRAY_SIZE(bytes); i++)
		if (is(t, bytes[i]))
			return FAM_BYTES;
	if (is(t, "decimal"))
		return FAM_DECIMAL;
	if (is(t, "float") || is(t, "double"))
		return FAM_FLOAT;
	if (is(t, "date") || is(t, "datetime") || is(t, "timestamp"))
		return FAM_DATE;
	if (is(t, "time"))
		return FAM_TIME;
	if (is(t, "year"))
		return FAM_YEAR;
	if (is(t, "enum") || is(t, "set"))
		return FAM_ENUM;
	if (is(t, "json"))
		return FAM_JSON;
	if (is(t, "bit"))
		return FAM_BIT;
	return FAM_OTHER;
}

/* A charset name as the server prints it: safe to paste into SQL. */
static bool word(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool same_str(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b;
	return !strcasecmp(a, b);
}

static bool same_values(const struct ddl_type *a, const struct ddl_type *b)
{
	size_t i;

	if (a->values_nr != b->values_nr)
		return false;
	for (i = 0; i < a->values_nr; i++)
		if (strcmp(a->values[i], b->values[i]))
			return false;
	return true;
}

/* Do both types hold and print every value alike (collation aside)? */
static bool same_type(const struct ddl_type *s, const struct ddl_type *g)
{
	enum family f = family(s);

	if (!s->base || !g->base || strcmp(s->base, g->base) ||
	    s->zerofill != g->zerofill)
		return false;
	if (f == FAM_INT)	/* the display width prints nothing */
		return s->is_unsigned == g->is_unsigned;
	if (s->is_unsigned != g->is_unsigned || s->scale != g->scale)
		return false;
	/* A CHAR or VARCHAR length only refuses values (the copy fails). */
	if (f != FAM_CHARS && s->length != g->length)
		return false;
	if ((f == FAM_CHARS || f == FAM_ENUM) &&
	    !same_str(s->charset, g->charset))
		return false;
	return f != FAM_ENUM || same_values(s, g);
}

/* CAST(x AS BINARY) */
static void as_binary(struct strbuf *out, const char *x)
{
	strbuf_addf(out, "CAST(%s AS BINARY)", x);
}

int ddl_verify_column(const struct ddl_plan *p, size_t map_index,
		      struct strbuf *source_expr, struct strbuf *ghost_expr,
		      struct strbuf *why)
{
	const struct ddl_col_map *m = &p->map[map_index];
	const struct ddl_type *s = &p->source.columns[m->source_ordinal].type;
	const struct ddl_type *g = &p->ghost.columns[m->ghost_ordinal].type;
	enum family sf = family(s), gf = family(g);
	struct strbuf sq = STRBUF_INIT, gq = STRBUF_INIT, conv = STRBUF_INIT;
	const char *reason = NULL;

	quote_ident(&gq, m->ghost_name);
	/* in the server's zone, as the copy converts it */
	quote_ident(&conv, m->source_name);
	ddl_build_tz_convert(&sq, p, map_index, conv.buf);
	strbuf_reset(&conv);
	if (same_type(s, g)) {
		as_binary(source_expr, sq.buf);
		goto same;
	}
	switch (gf) {
	case FAM_INT:
		if (sf == FAM_INT && !s->zerofill && !g->zerofill) {
			strbuf_addbuf(&conv, &sq);
			break;
		}
		if (sf != FAM_INT && sf != FAM_DECIMAL) {
			reason = "a conversion to an integer from this type";
			break;
		}
		/* zerofill prints its padding: compare the numbers */
		strbuf_addf(&conv, "CAST(%s AS %s)", sq.buf,
			    g->is_unsigned ? "UNSIGNED" : "SIGNED");
		strbuf_addf(ghost_expr, "CAST(CAST(%s AS %s) AS BINARY)",
			    gq.buf, g->is_unsigned ? "UNSIGNED" : "SIGNED");
		as_binary(source_expr, conv.buf);
		goto out;
	case FAM_DECIMAL:
		if (sf != FAM_INT && sf != FAM_DECIMAL) {
			reason = "a conversion to DECIMAL from this type";
			break;
		}
		strbuf_addf(&conv, "CAST(%s AS DECIMAL(%lld,%d))", sq.buf,
			    g->length > 0 ? g->length : 10,
			    g->scale > 0 ? g->scale : 0);
		break;
	case FAM_CHARS:
		if (!word(g->charset)) {
			reason = "the new character set is not known";
			break;
		}
		if (sf != FAM_CHARS && sf != FAM_BYTES && sf != FAM_INT &&
		    sf != FAM_DECIMAL && sf != FAM_DATE && sf != FAM_TIME &&
		    sf != FAM_ENUM && sf != FAM_YEAR) {
			reason = "a conversion to text from this type";
			break;
		}
		/* CHAR drops trailing blanks a VARCHAR kept */
		if (is(g, "char") && !is(s, "char"))
			strbuf_addf(&conv, "TRIM(TRAILING ' ' FROM CONVERT(%s "
					   "USING %s))",
				    sq.buf, g->charset);
		else
			strbuf_addf(&conv, "CONVERT(%s USING %s)", sq.buf,
				    g->charset);
		break;
	case FAM_BYTES:
		if (sf != FAM_CHARS && sf != FAM_BYTES && sf != FAM_INT &&
		    sf != FAM_DECIMAL && sf != FAM_DATE && sf != FAM_TIME) {
			reason = "a conversion to bytes from this type";
			break;
		}
		/* BINARY(N) pads with zero bytes, as CAST does */
		if (is(g, "binary") && g->length > 0) {
			strbuf_addf(source_expr, "CAST(%s AS BINARY(%lld))",
				    sq.buf, g->length);
			goto same;
		}
		strbuf_addbuf(&conv, &sq);
		break;
	case FAM_DATE:
	case FAM_TIME:
		if ((gf == FAM_DATE && sf != FAM_DATE) ||
		    (gf == FAM_TIME && sf != FAM_TIME)) {
			reason = "a conversion to a temporal type from this "
				 "type";
			break;
		}
		if (!is(g, "date") &&
		    (s->length > 0 ? s->length : 0) >
			    (g->length > 0 ? g->length : 0)) {
			reason = "fewer fractional digits (rounded or "
				 "truncated by sql_mode)";
			break;
		}
		if (is(g, "date"))
			strbuf_addf(&conv, "CAST(%s AS DATE)", sq.buf);
		else
			strbuf_addf(&conv, "CAST(%s AS %s(%lld))", sq.buf,
				    gf == FAM_TIME ? "TIME" : "DATETIME",
				    g->length > 0 ? g->length : 0);
		break;
	case FAM_ENUM:
		if (sf != FAM_ENUM || !word(g->charset)) {
			reason = "a conversion to ENUM or SET from this type";
			break;
		}
		/* the member's name is what the copy carries */
		strbuf_addf(&conv, "CONVERT(%s USING %s)", sq.buf, g->charset);
		break;
	default:
		reason = "a change of this type";
		break;
	}
	if (reason) {
		strbuf_addf(why, "%s (%s to %s)", reason,
			    s->base ? s->base : "?",
			    g->base ? g->base : "?");
		strbuf_release(&sq);
		strbuf_release(&gq);
		strbuf_release(&conv);
		return -1;
	}
	as_binary(source_expr, conv.buf);
same:
	as_binary(ghost_expr, gq.buf);
out:
	strbuf_release(&sq);
	strbuf_release(&gq);
	strbuf_release(&conv);
	return 0;
}

int ddl_verify_key_ok(const struct ddl_plan *p, struct strbuf *why)
{
	size_t i;

	for (i = 0; i < p->key_nr; i++) {
		const struct ddl_type *s =
			&p->source.columns[p->key[i].source_ordinal].type;
		const struct ddl_type *g =
			&p->ghost.columns[p->key[i].ghost_ordinal].type;
		enum family f = family(s);

		if (f != family(g))
			goto differs;
		if ((f == FAM_CHARS || f == FAM_ENUM) &&
		    (!same_str(s->charset, g->charset) ||
		     !same_str(s->collation, g->collation)))
			goto differs;
		if (f == FAM_ENUM && !same_values(s, g))
			goto differs;
		if (f == FAM_BYTES && (is(s, "binary") || is(g, "binary")) &&
		    !same_type(s, g))
			goto differs;
		if (f != FAM_INT && f != FAM_CHARS && f != FAM_BYTES &&
		    f != FAM_ENUM && !same_type(s, g))
			goto differs;
		continue;
differs:
		strbuf_addf(why, "the ALTER changes how key column `%s` "
				 "orders (%s to %s), so a key range of the "
				 "table is not the same range of the ghost",
			    p->key[i].source_name, s->base ? s->base : "?",
			    g->base ? g->base : "?");
		return 0;
	}
	return 1;
}

static int qualified(struct strbuf *out, const char *db, const char *table)
{
	if (db && *db)
		return quote_qualified(out, db, table);
	return quote_ident(out, table);
}

int ddl_build_verify_checksum(struct strbuf *out, const struct ddl_plan *p,
			      enum ddl_side side, const char *db,
			      const char *table, struct strbuf *err)
{
	struct strbuf se = STRBUF_INIT, ge = STRBUF_INIT, why = STRBUF_INIT;
	struct strbuf nulls = STRBUF_INIT;
	size_t old = out->len, i, n = 0;

	strbuf_addstr(out, "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32("
			   "CONCAT_WS('#'");
	for (i = 0; i < p->map_nr; i++) {
		strbuf_reset(&se);
		strbuf_reset(&ge);
		if (ddl_verify_column(p, i, &se, &ge, &why) < 0)
			continue;
		strbuf_addstr(out, ", ");
		strbuf_addbuf(out, side == DDL_SIDE_GHOST ? &ge : &se);
		/* CONCAT_WS skips a NULL: the flags tell it from '' */
		strbuf_addstr(&nulls, n++ ? ", ISNULL(" : "ISNULL(");
		quote_ident(&nulls, side == DDL_SIDE_GHOST
					    ? p->map[i].ghost_name
					    : p->map[i].source_name);
		strbuf_addch(&nulls, ')');
	}
	if (n)
		strbuf_addf(out, ", CONCAT(%s)", nulls.buf);
	strbuf_addstr(out, "))), 0) FROM ");
	strbuf_release(&se);
	strbuf_release(&ge);
	strbuf_release(&why);
	strbuf_release(&nulls);
	if (qualified(out, db, table) < 0) {
		strbuf_setlen(out, old);
		if (err)
			strbuf_addstr(err, "cannot quote an empty name or one "
					   "holding a NUL byte");
		return -1;
	}
	strbuf_addstr(out, " FORCE INDEX (");
	quote_ident(out, side == DDL_SIDE_GHOST ? p->key_ghost_index
						: p->key_source_index);
	strbuf_addch(out, ')');
	return 0;
}
