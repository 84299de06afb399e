/*
 * table.c: the table model (struct ddl_table): lifecycle, deep copies,
 * lookups, and the small facts about types and charsets that the parser,
 * the planner and the risk report share.
 */
#include "util/compat.h"

#include <strings.h>

#include "ddl/ddl-internal.h"
#include "util/quote.h"
#include "util/wrapper.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int ddl_name_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcasecmp(a, b);
}

static void type_release(struct ddl_type *t)
{
	size_t i;

	free(t->base);
	for (i = 0; i < t->values_nr; i++)
		free(t->values[i]);
	free(t->values);
	free(t->charset);
	free(t->collation);
	memset(t, 0, sizeof(*t));
	t->length = -1;
	t->scale = -1;
}

static void type_copy(struct ddl_type *dst, const struct ddl_type *src)
{
	size_t i;

	*dst = *src;
	dst->base = dup_or_null(src->base);
	dst->charset = dup_or_null(src->charset);
	dst->collation = dup_or_null(src->collation);
	dst->values = NULL;
	dst->values_nr = dst->values_alloc = 0;
	if (src->values_nr) {
		dst->values = xcalloc(src->values_nr, sizeof(char *));
		dst->values_alloc = dst->values_nr = src->values_nr;
		for (i = 0; i < src->values_nr; i++)
			dst->values[i] = xstrdup(src->values[i]);
	}
}

void ddl_column_release(struct ddl_column *c)
{
	free(c->name);
	type_release(&c->type);
	free(c->default_sql);
	free(c->on_update);
	free(c->gen_expr);
	free(c->comment);
	free(c->check);
	memset(c, 0, sizeof(*c));
	c->type.length = -1;
	c->type.scale = -1;
	c->nullable = true;
}

void ddl_column_copy(struct ddl_column *dst, const struct ddl_column *src)
{
	*dst = *src;
	dst->name = dup_or_null(src->name);
	type_copy(&dst->type, &src->type);
	dst->default_sql = dup_or_null(src->default_sql);
	dst->on_update = dup_or_null(src->on_update);
	dst->gen_expr = dup_or_null(src->gen_expr);
	dst->comment = dup_or_null(src->comment);
	dst->check = dup_or_null(src->check);
}

void ddl_index_release(struct ddl_index *ix)
{
	size_t i;

	free(ix->name);
	for (i = 0; i < ix->parts_nr; i++) {
		free(ix->parts[i].column);
		free(ix->parts[i].expr);
	}
	free(ix->parts);
	memset(ix, 0, sizeof(*ix));
}

void ddl_index_copy(struct ddl_index *dst, const struct ddl_index *src)
{
	size_t i;

	*dst = *src;
	dst->name = dup_or_null(src->name);
	dst->parts = NULL;
	dst->parts_nr = dst->parts_alloc = 0;
	if (!src->parts_nr)
		return;
	dst->parts = xcalloc(src->parts_nr, sizeof(*dst->parts));
	dst->parts_nr = dst->parts_alloc = src->parts_nr;
	for (i = 0; i < src->parts_nr; i++) {
		dst->parts[i] = src->parts[i];
		dst->parts[i].column = dup_or_null(src->parts[i].column);
		dst->parts[i].expr = dup_or_null(src->parts[i].expr);
	}
}

void ddl_constraint_release(struct ddl_constraint *c)
{
	size_t i;

	free(c->name);
	for (i = 0; i < c->columns_nr; i++)
		free(c->columns[i]);
	free(c->columns);
	free(c->ref_table);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

void ddl_constraint_copy(struct ddl_constraint *dst,
			 const struct ddl_constraint *src)
{
	size_t i;

	*dst = *src;
	dst->name = dup_or_null(src->name);
	dst->ref_table = dup_or_null(src->ref_table);
	dst->text = dup_or_null(src->text);
	dst->columns = NULL;
	dst->columns_nr = dst->columns_alloc = 0;
	if (!src->columns_nr)
		return;
	dst->columns = xcalloc(src->columns_nr, sizeof(char *));
	dst->columns_nr = dst->columns_alloc = src->columns_nr;
	for (i = 0; i < src->columns_nr; i++)
		dst->columns[i] = xstrdup(src->columns[i]);
}

void ddl_table_init(struct ddl_table *t)
{
	memset(t, 0, sizeof(*t));
}

void ddl_table_release(struct ddl_table *t)
{
	size_t i;

	free(t->name);
	for (i = 0; i < t->columns_nr; i++)
		ddl_column_release(&t->columns[i]);
	free(t->columns);
	for (i = 0; i < t->indexes_nr; i++)
		ddl_index_release(&t->indexes[i]);
	free(t->indexes);
	for (i = 0; i < t->constraints_nr; i++)
		ddl_constraint_release(&t->constraints[i]);
	free(t->constraints);
	free(t->engine);
	free(t->charset);
	free(t->collation);
	free(t->row_format);
	free(t->comment);
	ddl_table_init(t);
}

void ddl_table_copy(struct ddl_table *dst, const struct ddl_table *src)
{
	size_t i;

	ddl_table_init(dst);
	dst->name = dup_or_null(src->name);
	dst->engine = dup_or_null(src->engine);
	dst->charset = dup_or_null(src->charset);
	dst->collation = dup_or_null(src->collation);
	dst->row_format = dup_or_null(src->row_format);
	dst->comment = dup_or_null(src->comment);
	dst->partitioned = src->partitioned;
	dst->system_versioned = src->system_versioned;
	ALLOC_GROW(dst->columns, src->columns_nr, dst->columns_alloc);
	for (i = 0; i < src->columns_nr; i++)
		ddl_column_copy(&dst->columns[i], &src->columns[i]);
	dst->columns_nr = src->columns_nr;
	ALLOC_GROW(dst->indexes, src->indexes_nr, dst->indexes_alloc);
	for (i = 0; i < src->indexes_nr; i++)
		ddl_index_copy(&dst->indexes[i], &src->indexes[i]);
	dst->indexes_nr = src->indexes_nr;
	ALLOC_GROW(dst->constraints, src->constraints_nr,
		   dst->constraints_alloc);
	for (i = 0; i < src->constraints_nr; i++)
		ddl_constraint_copy(&dst->constraints[i],
				    &src->constraints[i]);
	dst->constraints_nr = src->constraints_nr;
}

int ddl_table_column_pos(const struct ddl_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->columns_nr; i++)
		if (ddl_name_eq(t->columns[i].name, name))
			return (int)i;
	return -1;
}

const struct ddl_column *ddl_table_column(const struct ddl_table *t,
					  const char *name)
{
	int pos = ddl_table_column_pos(t, name);

	return pos < 0 ? NULL : &t->columns[pos];
}

const struct ddl_index *ddl_table_index(const struct ddl_table *t,
					const char *name)
{
	size_t i;

	for (i = 0; i < t->indexes_nr; i++)
		if (ddl_name_eq(t->indexes[i].name, name))
			return &t->indexes[i];
	return NULL;
}

char *ddl_index_default_name(const struct ddl_table *t,
			     const struct ddl_index *ix)
{
	const char *base = ix->parts_nr && ix->parts[0].column
				   ? ix->parts[0].column
				   : "functional_index";
	struct strbuf name = STRBUF_INIT;
	int n = 2;

	strbuf_addstr(&name, base);
	while (ddl_table_index(t, name.buf) ||
	       ddl_name_eq(name.buf, "PRIMARY")) {
		strbuf_reset(&name);
		strbuf_addf(&name, "%s_%d", base, n++);
	}
	return strbuf_detach(&name, NULL);
}

const struct ddl_index *ddl_table_primary(const struct ddl_table *t)
{
	size_t i;

	for (i = 0; i < t->indexes_nr; i++)
		if (t->indexes[i].kind == DDL_INDEX_PRIMARY)
			return &t->indexes[i];
	return NULL;
}

static const struct {
	const char *name;
	int mbmaxlen;
} charsets[] = {
	{ "armscii8", 1 }, { "ascii", 1 },    { "big5", 2 },
	{ "binary", 1 },   { "cp1250", 1 },   { "cp1251", 1 },
	{ "cp1256", 1 },   { "cp1257", 1 },   { "cp850", 1 },
	{ "cp852", 1 },    { "cp866", 1 },    { "cp932", 2 },
	{ "dec8", 1 },     { "eucjpms", 3 },  { "euckr", 2 },
	{ "gb18030", 4 },  { "gb2312", 2 },   { "gbk", 2 },
	{ "geostd8", 1 },  { "greek", 1 },    { "hebrew", 1 },
	{ "hp8", 1 },      { "keybcs2", 1 },  { "koi8r", 1 },
	{ "koi8u", 1 },    { "latin1", 1 },   { "latin2", 1 },
	{ "latin5", 1 },   { "latin7", 1 },   { "macce", 1 },
	{ "macroman", 1 }, { "sjis", 2 },     { "swe7", 1 },
	{ "tis620", 1 },   { "ucs2", 2 },     { "ujis", 3 },
	{ "utf16", 4 },    { "utf16le", 4 },  { "utf32", 4 },
	{ "utf8", 3 },     { "utf8mb3", 3 },  { "utf8mb4", 4 },
};

int ddl_charset_mbmaxlen(const char *charset)
{
	size_t i;

	if (!charset)
		return 4;
	for (i = 0; i < ARRAY_SIZE(charsets); i++)
		if (!strcasecmp(charsets[i].name, charset))
			return charsets[i].mbmaxlen;
	return 4;
}

static const char *const textual_types[] = {
	"char", "varchar", "tinytext", "text", "mediumtext", "longtext",
	"enum", "set",
};

bool ddl_type_is_textual(const struct ddl_type *t)
{
	size_t i;

	if (!t->base)
		return false;
	for (i = 0; i < ARRAY_SIZE(textual_types); i++)
		if (!strcmp(t->base, textual_types[i]))
			return true;
	return false;
}

/* The charset of a collation name: the part before the first '_'. */
static char *collation_charset(const char *collation)
{
	const char *u = strchr(collation, '_');

	if (!u)
		return xstrdup(collation);
	return xstrndup(collation, (size_t)(u - collation));
}

void ddl_table_resolve_charsets(struct ddl_table *t)
{
	size_t i;

	if (!t->charset && t->collation)
		t->charset = collation_charset(t->collation);
	for (i = 0; i < t->columns_nr; i++) {
		struct ddl_type *ty = &t->columns[i].type;

		if (!ddl_type_is_textual(ty))
			continue;
		if (!ty->charset && ty->collation)
			ty->charset = collation_charset(ty->collation);
		if (!ty->charset && t->charset) {
			ty->charset = xstrdup(t->charset);
			if (!ty->collation && t->collation)
				ty->collation = xstrdup(t->collation);
		}
		if (ty->binary_attr && ty->charset && !ty->collation) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "%s_bin", ty->charset);
			ty->collation = strbuf_detach(&sb, NULL);
		}
	}
}

void ddl_type_describe(struct strbuf *out, const struct ddl_type *t)
{
	size_t i;

	strbuf_addstr(out, t->base ? t->base : "?");
	if (t->values_nr) {
		strbuf_addch(out, '(');
		for (i = 0; i < t->values_nr; i++) {
			if (i)
				strbuf_addch(out, ',');
			quote_sql_string(out, t->values[i],
					 strlen(t->values[i]));
		}
		strbuf_addch(out, ')');
	} else if (t->length >= 0 && t->scale >= 0) {
		strbuf_addf(out, "(%lld,%d)", t->length, t->scale);
	} else if (t->length >= 0) {
		strbuf_addf(out, "(%lld)", t->length);
	}
	if (t->is_unsigned)
		strbuf_addstr(out, " unsigned");
	if (t->zerofill)
		strbuf_addstr(out, " zerofill");
	if (t->charset && ddl_type_is_textual(t))
		strbuf_addf(out, " charset %s", t->charset);
}

void ddl_oneline(struct strbuf *sb, size_t from)
{
	size_t i;

	for (i = from; i < sb->len; i++)
		if ((unsigned char)sb->buf[i] < 0x20 || sb->buf[i] == 0x7f)
			sb->buf[i] = ' ';
}
