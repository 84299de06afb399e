/*
 * plan.c: from the source table model and the parsed ALTER to the plan:
 * the ghost model, the column mapping, the shared key, the unique keys
 * that need a duplicate check, the CHECK constraints that need a check
 * of the rows, and the risk report.
 *
 * The ALTER is applied to a working copy of the source model clause by
 * clause. Each working column remembers which source column it came from
 * (its origin), which is how renames (CHANGE, RENAME COLUMN) become
 * mapping entries and how drops are told apart from renames. As in the
 * server, the columns named by DROP, MODIFY, CHANGE, RENAME and ALTER
 * COLUMN are looked up among the original names first, so that
 * `RENAME COLUMN a TO b, RENAME COLUMN b TO a` swaps two columns.
 *
 * When the caller has the ghost's real definition (read back from the
 * server after the ALTER), the application is done leniently, only to
 * learn the origins, and the ghost model is taken as the truth.
 */
#include "util/compat.h"

#include <strings.h>

#include "ddl/ddl-internal.h"
#include "util/quote.h"
#include "util/wrapper.h"

struct work {
	struct ddl_table t;
	int *origin; /* parallel to t.columns: source position or -1 */
	size_t origin_alloc;
	const struct ddl_table *src;
	const struct ddl_alter *alter;
	bool strict;
};

static void work_release(struct work *w)
{
	ddl_table_release(&w->t);
	free(w->origin);
	w->origin = NULL;
	w->origin_alloc = 0;
}

static int clause_fail(const struct work *w, const struct ddl_clause *c,
		       struct strbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int clause_fail(const struct work *w, const struct ddl_clause *c,
		       struct strbuf *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	if (w->alter->text && c->offset + c->len <= strlen(w->alter->text))
		ddl_add_near(err, w->alter->text, c->offset,
			     c->offset + c->len);
	return -1;
}

/* A column named by DROP/MODIFY/CHANGE/RENAME/ALTER: original names first. */
static int find_existing(const struct work *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->t.columns_nr; i++)
		if (w->origin[i] >= 0 &&
		    ddl_name_eq(w->src->columns[w->origin[i]].name, name))
			return (int)i;
	return ddl_table_column_pos(&w->t, name);
}

static void remove_column_at(struct work *w, size_t pos)
{
	ddl_column_release(&w->t.columns[pos]);
	memmove(&w->t.columns[pos], &w->t.columns[pos + 1],
		(w->t.columns_nr - pos - 1) * sizeof(w->t.columns[0]));
	memmove(&w->origin[pos], &w->origin[pos + 1],
		(w->t.columns_nr - pos - 1) * sizeof(w->origin[0]));
	w->t.columns_nr--;
}

/* Insert `col` (taken over) at `pos`. */
static void insert_column_at(struct work *w, size_t pos,
			     struct ddl_column *col, int origin)
{
	ALLOC_GROW(w->t.columns, w->t.columns_nr + 1, w->t.columns_alloc);
	ALLOC_GROW(w->origin, w->t.columns_nr + 1, w->origin_alloc);
	memmove(&w->t.columns[pos + 1], &w->t.columns[pos],
		(w->t.columns_nr - pos) * sizeof(w->t.columns[0]));
	memmove(&w->origin[pos + 1], &w->origin[pos],
		(w->t.columns_nr - pos) * sizeof(w->origin[0]));
	w->t.columns[pos] = *col;
	w->origin[pos] = origin;
	w->t.columns_nr++;
}

/* Where a column goes for FIRST/AFTER (computed with it removed). */
static int target_pos(const struct work *w, const struct ddl_clause *c,
		      size_t deflt, struct strbuf *err)
{
	int pos;

	switch (c->position) {
	case DDL_POS_FIRST:
		return 0;
	case DDL_POS_AFTER:
		pos = ddl_table_column_pos(&w->t, c->after);
		if (pos < 0) {
			if (!w->strict)
				return (int)w->t.columns_nr;
			return clause_fail(w, c, err,
					   "unknown column `%s` in AFTER",
					   c->after) - 1;
		}
		return pos + 1;
	default:
		return (int)deflt;
	}
}

static void rename_in_indexes(struct ddl_table *t, const char *from,
			      const char *to)
{
	size_t i, j;

	for (i = 0; i < t->indexes_nr; i++)
		for (j = 0; j < t->indexes[i].parts_nr; j++) {
			struct ddl_index_part *part = &t->indexes[i].parts[j];

			if (part->column && ddl_name_eq(part->column, from)) {
				free(part->column);
				part->column = xstrdup(to);
			}
		}
	for (i = 0; i < t->constraints_nr; i++)
		for (j = 0; j < t->constraints[i].columns_nr; j++)
			if (ddl_name_eq(t->constraints[i].columns[j], from)) {
				free(t->constraints[i].columns[j]);
				t->constraints[i].columns[j] = xstrdup(to);
			}
}

static void remove_index_at(struct ddl_table *t, size_t i)
{
	ddl_index_release(&t->indexes[i]);
	memmove(&t->indexes[i], &t->indexes[i + 1],
		(t->indexes_nr - i - 1) * sizeof(t->indexes[0]));
	t->indexes_nr--;
}

/* A dropped column leaves its indexes; an emptied index goes. */
static void drop_from_indexes(struct ddl_table *t, const char *col)
{
	size_t i = 0, j;

	while (i < t->indexes_nr) {
		struct ddl_index *ix = &t->indexes[i];

		j = 0;
		while (j < ix->parts_nr) {
			if (ix->parts[j].column &&
			    ddl_name_eq(ix->parts[j].column, col)) {
				free(ix->parts[j].column);
				free(ix->parts[j].expr);
				memmove(&ix->parts[j], &ix->parts[j + 1],
					(ix->parts_nr - j - 1) *
						sizeof(ix->parts[0]));
				ix->parts_nr--;
			} else {
				j++;
			}
		}
		if (!ix->parts_nr)
			remove_index_at(t, i);
		else
			i++;
	}
}

static int index_pos(const struct ddl_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->indexes_nr; i++)
		if (ddl_name_eq(t->indexes[i].name, name))
			return (int)i;
	return -1;
}

static int constraint_pos(const struct ddl_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->constraints_nr; i++)
		if (t->constraints[i].name &&
		    ddl_name_eq(t->constraints[i].name, name))
			return (int)i;
	return -1;
}

static void remove_constraint_at(struct ddl_table *t, size_t i)
{
	ddl_constraint_release(&t->constraints[i]);
	memmove(&t->constraints[i], &t->constraints[i + 1],
		(t->constraints_nr - i - 1) * sizeof(t->constraints[0]));
	t->constraints_nr--;
}

static int add_index(struct work *w, const struct ddl_clause *c,
		     const struct ddl_index *src_ix, struct strbuf *err)
{
	struct ddl_index ix;
	size_t j;

	ddl_index_copy(&ix, src_ix);
	for (j = 0; j < ix.parts_nr; j++) {
		if (!ix.parts[j].column ||
		    ddl_table_column_pos(&w->t, ix.parts[j].column) >= 0 ||
		    !w->strict)
			continue;
		clause_fail(w, c, err, "key column `%s` does not exist",
			    ix.parts[j].column);
		ddl_index_release(&ix);
		return -1;
	}
	if (ix.kind == DDL_INDEX_PRIMARY) {
		if (ddl_table_primary(&w->t)) {
			ddl_index_release(&ix);
			if (c->if_exists || !w->strict)
				return 0;
			return clause_fail(w, c, err,
					   "the table already has a primary "
					   "key: drop it in the same ALTER");
		}
		for (j = 0; j < ix.parts_nr; j++) {
			int pos = ix.parts[j].column
				      ? ddl_table_column_pos(&w->t,
							     ix.parts[j].column)
				      : -1;

			if (pos >= 0)
				w->t.columns[pos].nullable = false;
		}
	} else if (ix.name && index_pos(&w->t, ix.name) >= 0) {
		ddl_index_release(&ix);
		if (c->if_exists || !w->strict)
			return 0;
		return clause_fail(w, c, err, "duplicate key name `%s`",
				   src_ix->name);
	} else if (!ix.name) {
		/* the server's rule: the first column, then _2, _3... */
		ix.name = ddl_index_default_name(&w->t, &ix);
	}
	ALLOC_GROW(w->t.indexes, w->t.indexes_nr + 1, w->t.indexes_alloc);
	w->t.indexes[w->t.indexes_nr++] = ix;
	return 0;
}

static void set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = v ? xstrdup(v) : NULL;
}

static char *lower_dup(const char *s)
{
	char *r = xstrdup(s), *q;

	for (q = r; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return r;
}

static const struct {
	const char *name;
	unsigned long long bytes;
} text_sizes[] = {
	{ "tinytext", 255ULL },
	{ "text", 65535ULL },
	{ "mediumtext", 16777215ULL },
	{ "longtext", 4294967295ULL },
};

/* CONVERT TO CHARACTER SET: text types grow to keep their capacity. */
static void convert_column(struct ddl_column *col, const char *cs,
			   const char *coll)
{
	struct ddl_type *ty = &col->type;
	int old_mb = ddl_charset_mbmaxlen(ty->charset);
	int new_mb = ddl_charset_mbmaxlen(cs);
	size_t i, k;

	if (!ddl_type_is_textual(ty))
		return;
	for (i = 0; i < ARRAY_SIZE(text_sizes); i++) {
		unsigned long long need;

		if (strcmp(ty->base, text_sizes[i].name))
			continue;
		need =
		    text_sizes[i].bytes / (unsigned)old_mb * (unsigned)new_mb;
		for (k = i; k + 1 < ARRAY_SIZE(text_sizes); k++)
			if (text_sizes[k].bytes >= need)
				break;
		set_str(&ty->base, text_sizes[k].name);
		break;
	}
	set_str(&ty->charset, cs);
	set_str(&ty->collation, coll);
}

static int apply_column_def(struct work *w, const struct ddl_clause *c,
			    struct strbuf *err)
{
	struct ddl_column col;
	int pos, origin, to;
	char *old_name;

	pos = find_existing(w, c->name);
	if (pos < 0) {
		if (c->if_exists || !w->strict)
			return 0;
		return clause_fail(w, c, err, "unknown column `%s`", c->name);
	}
	origin = w->origin[pos];
	old_name = xstrdup(w->t.columns[pos].name);
	ddl_column_copy(&col, &c->columns[0]);
	remove_column_at(w, (size_t)pos);
	to = target_pos(w, c, (size_t)pos, err);
	if (to < 0) {
		ddl_column_release(&col);
		free(old_name);
		return -1;
	}
	if (!ddl_name_eq(old_name, col.name))
		rename_in_indexes(&w->t, old_name, col.name);
	free(old_name);
	insert_column_at(w, (size_t)to, &col, origin);
	return 0;
}

static int apply_clause(struct work *w, const struct ddl_clause *c,
			struct strbuf *err)
{
	struct ddl_table *t = &w->t;
	size_t i;
	int pos;

	switch (c->kind) {
	case DDL_ADD_COLUMN:
		for (i = 0; i < c->columns_nr; i++) {
			struct ddl_column col;
			int to;

			if (ddl_table_column_pos(t, c->columns[i].name) >= 0) {
				if (c->if_exists || !w->strict)
					continue;
				return clause_fail(w, c, err,
						   "duplicate column name `%s`",
						   c->columns[i].name);
			}
			to = target_pos(w, c, t->columns_nr, err);
			if (to < 0)
				return -1;
			if (c->columns_nr > 1 || c->position == DDL_POS_DEFAULT)
				to = (int)t->columns_nr;
			ddl_column_copy(&col, &c->columns[i]);
			insert_column_at(w, (size_t)to, &col, -1);
		}
		for (i = 0; i < c->indexes_nr; i++)
			if (add_index(w, c, &c->indexes[i], err) < 0)
				return -1;
		return 0;
	case DDL_DROP_COLUMN:
		pos = find_existing(w, c->name);
		if (pos < 0) {
			if (c->if_exists || !w->strict)
				return 0;
			return clause_fail(w, c, err, "unknown column `%s`",
					   c->name);
		}
		drop_from_indexes(t, t->columns[pos].name);
		remove_column_at(w, (size_t)pos);
		return 0;
	case DDL_MODIFY_COLUMN:
	case DDL_CHANGE_COLUMN:
		if (apply_column_def(w, c, err) < 0)
			return -1;
		for (i = 0; i < c->indexes_nr; i++)
			if (add_index(w, c, &c->indexes[i], err) < 0)
				return -1;
		return 0;
	case DDL_RENAME_COLUMN:
		pos = find_existing(w, c->name);
		if (pos < 0) {
			if (c->if_exists || !w->strict)
				return 0;
			return clause_fail(w, c, err, "unknown column `%s`",
					   c->name);
		}
		rename_in_indexes(t, t->columns[pos].name, c->new_name);
		set_str(&t->columns[pos].name, c->new_name);
		return 0;
	case DDL_ALTER_COLUMN_SET_DEFAULT:
	case DDL_ALTER_COLUMN_DROP_DEFAULT:
	case DDL_ALTER_COLUMN_VISIBILITY:
		pos = find_existing(w, c->name);
		if (pos < 0) {
			if (c->if_exists || !w->strict)
				return 0;
			return clause_fail(w, c, err, "unknown column `%s`",
					   c->name);
		}
		if (c->kind == DDL_ALTER_COLUMN_VISIBILITY) {
			t->columns[pos].invisible = c->invisible;
		} else if (c->kind == DDL_ALTER_COLUMN_DROP_DEFAULT) {
			t->columns[pos].default_kind = DDL_DEFAULT_NONE;
			FREE_AND_NULL(t->columns[pos].default_sql);
		} else {
			t->columns[pos].default_kind = c->default_kind;
			set_str(&t->columns[pos].default_sql, c->default_sql);
		}
		return 0;
	case DDL_ADD_INDEX:
		for (i = 0; i < c->indexes_nr; i++)
			if (add_index(w, c, &c->indexes[i], err) < 0)
				return -1;
		return 0;
	case DDL_DROP_INDEX:
	case DDL_DROP_PRIMARY_KEY:
		pos = c->kind == DDL_DROP_INDEX ? index_pos(t, c->name) : -1;
		if (c->kind == DDL_DROP_PRIMARY_KEY) {
			for (i = 0; i < t->indexes_nr; i++)
				if (t->indexes[i].kind == DDL_INDEX_PRIMARY)
					pos = (int)i;
		}
		if (pos < 0) {
			if (c->if_exists || !w->strict)
				return 0;
			if (c->kind == DDL_DROP_PRIMARY_KEY)
				return clause_fail(w, c, err,
						   "the table has no primary "
						   "key to drop");
			return clause_fail(w, c, err, "unknown key `%s`",
					   c->name);
		}
		remove_index_at(t, (size_t)pos);
		return 0;
	case DDL_RENAME_INDEX:
		pos = index_pos(t, c->name);
		if (pos < 0) {
			if (c->if_exists || !w->strict)
				return 0;
			return clause_fail(w, c, err, "unknown key `%s`",
					   c->name);
		}
		if (index_pos(t, c->new_name) >= 0 && w->strict)
			return clause_fail(w, c, err, "duplicate key name `%s`",
					   c->new_name);
		set_str(&t->indexes[pos].name, c->new_name);
		return 0;
	case DDL_ADD_FOREIGN_KEY:
	case DDL_ADD_CHECK:
		if (c->constraint) {
			ALLOC_GROW(t->constraints, t->constraints_nr + 1,
				   t->constraints_alloc);
			ddl_constraint_copy(
			    &t->constraints[t->constraints_nr++],
			    c->constraint);
		}
		return 0;
	case DDL_DROP_FOREIGN_KEY:
	case DDL_DROP_CHECK:
	case DDL_DROP_CONSTRAINT:
		pos = constraint_pos(t, c->name);
		if (pos >= 0) {
			remove_constraint_at(t, (size_t)pos);
			return 0;
		}
		if (c->kind == DDL_DROP_CONSTRAINT) {
			pos = index_pos(t, c->name);
			if (pos >= 0 &&
			    t->indexes[pos].kind == DDL_INDEX_UNIQUE) {
				remove_index_at(t, (size_t)pos);
				return 0;
			}
		}
		/* A CHECK on a column is not modelled: let the server say. */
		if (c->if_exists || !w->strict ||
		    c->kind != DDL_DROP_FOREIGN_KEY)
			return 0;
		if (constraint_pos(w->src, c->name) >= 0)
			return clause_fail(
			    w, c, err,
			    "foreign key `%s` cannot be dropped "
			    "by osc (it moves the table's foreign "
			    "keys to the new table as they are): "
			    "drop it with ALTER TABLE first (that is "
			    "metadata only), and remove the clause",
			    c->name);
		return clause_fail(w, c, err, "unknown foreign key `%s`",
				   c->name);
	case DDL_TABLE_OPTIONS:
		for (i = 0; i < c->options_nr; i++) {
			const struct ddl_table_option *o = &c->options[i];
			char *v = lower_dup(o->value);

			if (!strcmp(o->name, "ENGINE")) {
				set_str(&t->engine, v);
			} else if (!strcmp(o->name, "CHARSET")) {
				if (strcmp(v, "default")) {
					set_str(&t->charset, v);
					set_str(&t->collation, NULL);
				}
			} else if (!strcmp(o->name, "COLLATE")) {
				set_str(&t->collation, v);
			} else if (!strcmp(o->name, "ROW_FORMAT")) {
				set_str(&t->row_format, v);
			} else if (!strcmp(o->name, "COMMENT")) {
				set_str(&t->comment, o->value);
			}
			free(v);
		}
		return 0;
	case DDL_CONVERT_CHARSET: {
		/*
		 * DEFAULT is the database's default character set, which the
		 * model does not know: the table's stands in for it (the
		 * ghost read back from the server is the truth). A copy,
		 * because set_str() below frees t->charset (issue 12 item 7:
		 * it was used after that free).
		 */
		char *cs = c->charset ? xstrdup(c->charset)
				      : t->charset ? xstrdup(t->charset) : NULL;

		if (!cs)
			return 0;
		for (i = 0; i < t->columns_nr; i++)
			convert_column(&t->columns[i], cs, c->collation);
		set_str(&t->charset, cs);
		set_str(&t->collation, c->collation);
		free(cs);
		return 0;
	}
	case DDL_PARTITION:
		if (!strcmp(c->partition_op, "PARTITION BY"))
			t->partitioned = true;
		else if (!strcmp(c->partition_op, "REMOVE PARTITIONING"))
			t->partitioned = false;
		return 0;
	case DDL_ALTER_INDEX:
	case DDL_ALTER_CONSTRAINT:
	case DDL_FORCE:
		return 0;
	}
	return 0;
}

static int apply_alter(struct work *w, const struct ddl_table *src,
		       const struct ddl_alter *alter, bool strict,
		       struct strbuf *err)
{
	size_t i, j;

	memset(w, 0, sizeof(*w));
	w->src = src;
	w->alter = alter;
	w->strict = strict;
	ddl_table_copy(&w->t, src);
	/* CREATE TABLE ... LIKE does not copy foreign keys */
	for (i = 0; i < w->t.constraints_nr;) {
		if (w->t.constraints[i].kind == DDL_CONSTRAINT_FOREIGN_KEY)
			remove_constraint_at(&w->t, i);
		else
			i++;
	}
	ALLOC_GROW(w->origin, w->t.columns_nr + 1, w->origin_alloc);
	for (i = 0; i < w->t.columns_nr; i++)
		w->origin[i] = (int)i;
	for (i = 0; i < alter->clauses_nr; i++)
		if (apply_clause(w, &alter->clauses[i], err) < 0)
			goto fail;
	{
		/*
		 * The server makes every primary key column NOT NULL, also
		 * one that a MODIFY or CHANGE left nullable (`MODIFY id INT`
		 * of the key's `id`): the key is kept, not refused as "no
		 * shared key" on a NULL the column can never hold.
		 */
		const struct ddl_index *pk = ddl_table_primary(&w->t);

		for (j = 0; pk && j < pk->parts_nr; j++) {
			int pos = pk->parts[j].column
					  ? ddl_table_column_pos(
						    &w->t, pk->parts[j].column)
					  : -1;

			if (pos >= 0)
				w->t.columns[pos].nullable = false;
		}
	}
	if (!strict)
		return 0;
	for (i = 0; i < w->t.columns_nr; i++)
		for (j = i + 1; j < w->t.columns_nr; j++)
			if (ddl_name_eq(w->t.columns[i].name,
					w->t.columns[j].name)) {
				if (err)
					strbuf_addf(err, "the ALTER leaves two "
							 "columns named `%s`",
						    w->t.columns[i].name);
				goto fail;
			}
	for (i = 0; i < w->t.indexes_nr; i++)
		for (j = i + 1; j < w->t.indexes_nr; j++)
			if (ddl_name_eq(w->t.indexes[i].name,
					w->t.indexes[j].name)) {
				if (err)
					strbuf_addf(err, "the ALTER leaves two "
							 "keys named `%s`",
						    w->t.indexes[i].name);
				goto fail;
			}
	if (!w->t.columns_nr) {
		if (err)
			strbuf_addstr(err, "the ALTER drops every column: use "
					   "DROP TABLE");
		goto fail;
	}
	ddl_table_resolve_charsets(&w->t);
	return 0;
fail:
	work_release(w);
	return -1;
}

/* ---------------------------------------------------------------------
 * Type changes
 */

static int int_bytes(const char *base)
{
	static const struct {
		const char *name;
		int bytes;
	} ints[] = {
		{ "tinyint", 1 }, { "smallint", 2 }, { "mediumint", 3 },
		{ "int", 4 },	  { "bigint", 8 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ints); i++)
		if (!strcmp(base, ints[i].name))
			return ints[i].bytes;
	return 0;
}

/* decimal digits needed for an integer type */
static int int_digits(int bytes, bool is_unsigned)
{
	switch (bytes) {
	case 1:
		return 3;
	case 2:
		return 5;
	case 3:
		return is_unsigned ? 8 : 7;
	case 4:
		return 10;
	default:
		return is_unsigned ? 20 : 19;
	}
}

static long long text_bytes(const char *base)
{
	static const char *const blobs[] = { "tinyblob", "blob", "mediumblob",
					     "longblob" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(text_sizes); i++)
		if (!strcmp(base, text_sizes[i].name) ||
		    !strcmp(base, blobs[i]))
			return (long long)text_sizes[i].bytes;
	if (!strcmp(base, "json"))
		return (long long)text_sizes[3].bytes;
	return -1;
}

static bool is_char_counted(const char *base)
{
	return !strcmp(base, "char") || !strcmp(base, "varchar") ||
	       !strcmp(base, "binary") || !strcmp(base, "varbinary");
}

static bool is_binary_string(const char *base)
{
	return !strcmp(base, "binary") || !strcmp(base, "varbinary") ||
	       (strstr(base, "blob") != NULL);
}

static bool is_stringish(const char *base)
{
	return is_char_counted(base) || text_bytes(base) >= 0;
}

static bool is_temporal(const char *base)
{
	return !strcmp(base, "date") || !strcmp(base, "datetime") ||
	       !strcmp(base, "timestamp") || !strcmp(base, "time") ||
	       !strcmp(base, "year");
}

static long long fsp(const struct ddl_type *t)
{
	return t->length < 0 ? 0 : t->length;
}

static bool values_contain(const struct ddl_type *t, const char *v)
{
	size_t i;

	for (i = 0; i < t->values_nr; i++)
		if (!strcmp(t->values[i], v))
			return true;
	return false;
}

/* Width in characters of the text form of a value of type `t`, or -1. */
/* Characters in a UTF-8 string: a byte that is not a continuation byte
 * (10xxxxxx) starts one. */
static long long utf8_chars(const char *s)
{
	long long n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static long long text_width(const struct ddl_type *t)
{
	int ib = int_bytes(t->base);
	size_t i;
	long long w = 0;

	if (ib)
		return int_digits(ib, t->is_unsigned) + 1;
	if (!strcmp(t->base, "decimal"))
		return t->length + 2;
	if (!strcmp(t->base, "date"))
		return 10;
	if (!strcmp(t->base, "datetime") || !strcmp(t->base, "timestamp"))
		return 19 + (fsp(t) ? fsp(t) + 1 : 0);
	if (!strcmp(t->base, "time"))
		return 10 + (fsp(t) ? fsp(t) + 1 : 0);
	if (!strcmp(t->base, "year"))
		return 4;
	if (!strcmp(t->base, "enum") || !strcmp(t->base, "set")) {
		for (i = 0; i < t->values_nr; i++) {
			long long n = utf8_chars(t->values[i]);

			if (!strcmp(t->base, "set"))
				w += n + 1;
			else if (n > w)
				w = n;
		}
		return w;
	}
	return -1;
}

/*
 * Is every value of `o` representable in `n`? When not, *why gets the
 * reason. Charset changes are reported apart; here they only count for
 * capacity.
 */
static bool type_fits(const struct ddl_type *o, const struct ddl_type *n,
		      const char **why)
{
	int ob = int_bytes(o->base), nb = int_bytes(n->base);

	*why = "values may be truncated or rounded";
	if (ob && nb) {
		*why = "values may be out of range";
		if (o->is_unsigned == n->is_unsigned)
			return nb >= ob;
		if (o->is_unsigned)
			return nb > ob;
		*why = "negative values are lost";
		return false;
	}
	if (ob && !strcmp(n->base, "decimal")) {
		if (!o->is_unsigned && n->is_unsigned) {
			*why = "negative values are lost";
			return false;
		}
		*why = "values may be out of range";
		return n->length - n->scale >= int_digits(ob, o->is_unsigned);
	}
	if (ob && (!strcmp(n->base, "float") || !strcmp(n->base, "double")) &&
	    n->length < 0) {
		*why = "large values lose precision";
		return !strcmp(n->base, "float") ? ob <= 2 : ob <= 4;
	}
	if (!strcmp(o->base, "decimal") && !strcmp(n->base, "decimal")) {
		if (!o->is_unsigned && n->is_unsigned) {
			*why = "negative values are lost";
			return false;
		}
		if (n->scale < o->scale) {
			*why = "fractional digits are rounded";
			return false;
		}
		*why = "values may be out of range";
		return n->length - n->scale >= o->length - o->scale;
	}
	if ((!strcmp(o->base, "float") || !strcmp(o->base, "double")) &&
	    (!strcmp(n->base, "float") || !strcmp(n->base, "double"))) {
		if (!o->is_unsigned && n->is_unsigned) {
			*why = "negative values are lost";
			return false;
		}
		if (n->length >= 0 &&
		    (o->length < 0 || n->scale < o->scale ||
		     n->length - n->scale < o->length - o->scale)) {
			*why = "values may be rounded or out of range";
			return false;
		}
		*why = "values lose precision";
		return !(strcmp(o->base, "double") == 0 &&
			 strcmp(n->base, "float") == 0);
	}
	if (!strcmp(o->base, "bit") && !strcmp(n->base, "bit")) {
		*why = "values may be out of range";
		return n->length >= o->length;
	}
	if (!strcmp(o->base, "bit") && nb) {
		*why = "values may be out of range";
		return n->is_unsigned ? o->length <= nb * 8
				      : o->length < nb * 8;
	}
	if (!strcmp(o->base, "year") && nb)
		return nb >= 2;
	if ((!strcmp(o->base, "enum") || !strcmp(o->base, "set")) &&
	    !strcmp(n->base, o->base)) {
		size_t i;

		*why = "values that are no longer members are lost";
		for (i = 0; i < o->values_nr; i++)
			if (!values_contain(n, o->values[i]))
				return false;
		return true;
	}
	if (is_temporal(o->base) && is_temporal(n->base)) {
		*why = "values may be out of range or truncated";
		if (!strcmp(o->base, n->base))
			return !strcmp(o->base, "date") ||
			       !strcmp(o->base, "year") || fsp(n) >= fsp(o);
		if (!strcmp(o->base, "date"))
			return !strcmp(n->base, "datetime");
		if (!strcmp(o->base, "timestamp"))
			return !strcmp(n->base, "datetime") && fsp(n) >= fsp(o);
		return false;
	}
	if (is_stringish(n->base) && !is_stringish(o->base)) {
		long long w = text_width(o);

		*why = "values may be truncated";
		if (w < 0)
			return false;
		if (is_char_counted(n->base))
			return n->length >= w;
		return text_bytes(n->base) >= w;
	}
	if (is_stringish(o->base) && is_stringish(n->base)) {
		bool o_bin = is_binary_string(o->base);
		bool n_bin = is_binary_string(n->base);
		int omb = o_bin ? 1 : ddl_charset_mbmaxlen(o->charset);
		int nmb = n_bin ? 1 : ddl_charset_mbmaxlen(n->charset);
		bool same_cs = o_bin == n_bin &&
			       (o_bin || ddl_name_eq(o->charset, n->charset));
		long long o_chars, o_bytes;

		*why = "values may be truncated";
		if (is_char_counted(o->base)) {
			o_chars = o->length;
			o_bytes = o->length * omb;
		} else {
			o_chars = o_bytes = text_bytes(o->base);
		}
		if (is_char_counted(n->base))
			return n->length >= o_chars;
		return text_bytes(n->base) >=
		       (same_cs ? o_bytes : o_chars * nmb);
	}
	if (!strcmp(o->base, "json") && text_bytes(n->base) >= 4294967295LL)
		return true;
	if (!strcmp(n->base, o->base)) {
		if (n->length >= 0 && o->length >= 0 && n->length < o->length)
			return false;
		return true;
	}
	if (!strcmp(n->base, "geometry") &&
	    (!strcmp(o->base, "point") || !strcmp(o->base, "linestring") ||
	     !strcmp(o->base, "polygon") || strstr(o->base, "multi") ||
	     !strcmp(o->base, "geometrycollection")))
		return true;
	*why = "values may not convert";
	return false;
}

/* A charset name as the server writes it: letters, digits, '_'. */
static bool plain_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* "1" and `digits` zeros: 10^digits as an exact SQL literal. */
static void add_power_of_ten(struct strbuf *out, long long digits)
{
	strbuf_addch(out, '1');
	while (digits-- > 0)
		strbuf_addch(out, '0');
}

int ddl_type_misfit_sql(struct strbuf *out, const char *col,
			const struct ddl_type *o, const struct ddl_type *n)
{
	int ob = int_bytes(o->base), nb = int_bytes(n->base);
	size_t start = out->len;

	if (ob && nb) {
		/* The new type's range, exact (bigint unsigned included). */
		if (n->is_unsigned)
			strbuf_addf(out, "%s < 0 OR %s > %llu", col, col,
				    nb == 8 ? 18446744073709551615ULL
					    : (1ULL << (8 * nb)) - 1);
		else
			strbuf_addf(out, "%s < -%llu OR %s > %llu", col,
				    1ULL << (8 * nb - 1), col,
				    (1ULL << (8 * nb - 1)) - 1);
		return 0;
	}
	if ((ob || !strcmp(o->base, "decimal")) &&
	    !strcmp(n->base, "decimal") && n->length > 0) {
		long long m = n->length, d = n->scale < 0 ? 0 : n->scale;

		strbuf_addf(out, "ABS(%s) >= ", col);
		add_power_of_ten(out, m - d);
		if (n->is_unsigned)
			strbuf_addf(out, " OR %s < 0", col);
		/* Rounding raises a note, and the copy stops at any. */
		if (!ob && o->scale > d)
			strbuf_addf(out, " OR ROUND(%s, %lld) <> %s", col, d,
				    col);
		return 0;
	}
	if (is_stringish(o->base) && is_stringish(n->base)) {
		bool n_bin = is_binary_string(n->base);

		if (is_char_counted(n->base)) {
			if (n->length < 0)
				goto uncheckable;
			strbuf_addf(out, "%s(%s) > %lld",
				    n_bin ? "LENGTH" : "CHAR_LENGTH", col,
				    n->length);
			return 0;
		}
		if (n_bin || is_binary_string(o->base) || !n->charset) {
			strbuf_addf(out, "LENGTH(%s) > %lld", col,
				    text_bytes(n->base));
			return 0;
		}
		strbuf_addf(out, "LENGTH(CONVERT(%s USING ", col);
		if (!plain_word(n->charset))
			goto uncheckable;
		strbuf_addf(out, "%s)) > %lld", n->charset,
			    text_bytes(n->base));
		return 0;
	}
uncheckable:
	strbuf_setlen(out, start);
	return -1;
}

static bool charset_changed(const struct ddl_type *o, const struct ddl_type *n)
{
	if (!ddl_type_is_textual(o) || !ddl_type_is_textual(n))
		return false;
	return o->charset && n->charset && !ddl_name_eq(o->charset, n->charset);
}

static bool collation_changed(const struct ddl_type *o,
			      const struct ddl_type *n)
{
	if (!ddl_type_is_textual(o) || !ddl_type_is_textual(n))
		return false;
	if (charset_changed(o, n))
		return true;
	return o->collation && n->collation &&
	       !ddl_name_eq(o->collation, n->collation);
}

/* ---------------------------------------------------------------------
 * The plan
 */

struct builder {
	struct ddl_plan *p;
	int *origin; /* per ghost column: source position or -1 */
	int *ghost_of; /* per source column: ghost position or -1 */
	struct strbuf *err;
};

void ddl_plan_init(struct ddl_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void ddl_plan_release(struct ddl_plan *p)
{
	size_t i, j;

	ddl_table_release(&p->source);
	ddl_table_release(&p->ghost);
	free(p->alter_text);
	free(p->map);
	free(p->dropped);
	free(p->added);
	free(p->key);
	for (i = 0; i < p->unique_checks_nr; i++) {
		free(p->unique_checks[i].index_name);
		for (j = 0; j < p->unique_checks[i].ghost_columns_nr; j++)
			free(p->unique_checks[i].ghost_columns[j]);
		free(p->unique_checks[i].ghost_columns);
	}
	free(p->unique_checks);
	for (i = 0; i < p->constraint_checks_nr; i++) {
		free(p->constraint_checks[i].name);
		free(p->constraint_checks[i].text);
	}
	free(p->constraint_checks);
	for (i = 0; i < p->risks_nr; i++) {
		free(p->risks[i].subject);
		free(p->risks[i].message);
	}
	free(p->risks);
	free(p->time_zone);
	ddl_plan_init(p);
}

static void add_risk(struct ddl_plan *p, enum ddl_risk_kind kind,
		     enum ddl_severity sev, const char *subject,
		     const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add_risk(struct ddl_plan *p, enum ddl_risk_kind kind,
		     enum ddl_severity sev, const char *subject,
		     const char *fmt, ...)
{
	struct ddl_risk *r;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(p->risks, p->risks_nr + 1, p->risks_alloc);
	r = &p->risks[p->risks_nr++];
	r->kind = kind;
	r->severity = sev;
	r->subject = subject ? xstrdup(subject) : NULL;
	ddl_oneline(&sb, 0);
	r->message = strbuf_detach(&sb, NULL);
}

/* `a`, `b` for messages */
static void add_ident_list(struct strbuf *sb, const struct ddl_index *ix)
{
	size_t i;

	for (i = 0; i < ix->parts_nr; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		if (ix->parts[i].column)
			quote_ident(sb, ix->parts[i].column);
		else
			strbuf_addstr(sb, ix->parts[i].expr);
	}
}

static bool index_is_unique(const struct ddl_index *ix)
{
	return ix->kind == DDL_INDEX_PRIMARY || ix->kind == DDL_INDEX_UNIQUE;
}

static bool index_is_plain(const struct ddl_index *ix)
{
	size_t i;

	for (i = 0; i < ix->parts_nr; i++)
		if (!ix->parts[i].column)
			return false;
	return ix->parts_nr > 0;
}

/* The index part of `ix` on column `name`, or NULL. */
static const struct ddl_index_part *part_on(const struct ddl_index *ix,
					    const char *name)
{
	size_t i;

	for (i = 0; i < ix->parts_nr; i++)
		if (ix->parts[i].column &&
		    ddl_name_eq(ix->parts[i].column, name))
			return &ix->parts[i];
	return NULL;
}

/* Source column position -> ghost column, or NULL. */
static const struct ddl_column *ghost_col_of(const struct builder *b,
					     const char *src_name)
{
	int sp = ddl_table_column_pos(&b->p->source, src_name);

	if (sp < 0 || b->ghost_of[sp] < 0)
		return NULL;
	return &b->p->ghost.columns[b->ghost_of[sp]];
}

/* Does a value change of the column keep distinct values distinct? */
static bool keeps_distinct(const struct ddl_column *o,
			   const struct ddl_column *n)
{
	const char *why;

	if (o->nullable && !n->nullable)
		return false;
	if (collation_changed(&o->type, &n->type))
		return false;
	return type_fits(&o->type, &n->type, &why);
}

/*
 * Does the source index `s` guarantee the ghost unique index `g`? It does
 * when every column of s lands, unchanged for uniqueness, on a column of
 * g indexed at least as long.
 */
static bool guarantees(const struct builder *b, const struct ddl_index *s,
		       const struct ddl_index *g)
{
	size_t i;

	if (!index_is_unique(s) || !index_is_plain(s))
		return false;
	for (i = 0; i < s->parts_nr; i++) {
		const struct ddl_index_part *sp = &s->parts[i], *gp;
		const struct ddl_column *gc = ghost_col_of(b, sp->column);
		const struct ddl_column *sc =
			ddl_table_column(&b->p->source, sp->column);

		if (!gc || !sc || sc->generated || gc->generated)
			return false;
		gp = part_on(g, gc->name);
		if (!gp)
			return false;
		if (gp->prefix_len >= 0 &&
		    (sp->prefix_len < 0 || gp->prefix_len < sp->prefix_len))
			return false;
		if (!keeps_distinct(sc, gc))
			return false;
	}
	return true;
}

static void add_unique_check(struct builder *b, const struct ddl_index *g,
			     const char *why_narrowed)
{
	struct ddl_plan *p = b->p;
	struct ddl_unique_check *uc;
	struct strbuf cols = STRBUF_INIT;
	size_t i;
	bool uncheckable = false, constant_only = true;

	for (i = 0; i < g->parts_nr; i++) {
		const struct ddl_column *gc;
		int gp;

		if (!g->parts[i].column) {
			uncheckable = true;
			continue;
		}
		gp = ddl_table_column_pos(&p->ghost, g->parts[i].column);
		if (gp < 0) {
			uncheckable = true;
			continue;
		}
		gc = &p->ghost.columns[gp];
		if (gc->generated) {
			uncheckable = true;
		} else if (b->origin[gp] >= 0) {
			constant_only = false;
		} else if (gc->auto_increment) {
			/* fresh sequence values: no conflict possible */
			strbuf_release(&cols);
			return;
		} else if (gc->default_kind == DDL_DEFAULT_EXPR) {
			uncheckable = true;
		} else if (gc->nullable &&
			   (gc->default_kind == DDL_DEFAULT_NONE ||
			    gc->default_kind == DDL_DEFAULT_NULL)) {
			/* every row gets NULL, and NULLs never conflict */
			strbuf_release(&cols);
			return;
		}
	}
	(void)constant_only;
	ALLOC_GROW(p->unique_checks, p->unique_checks_nr + 1,
		   p->unique_checks_alloc);
	uc = &p->unique_checks[p->unique_checks_nr++];
	memset(uc, 0, sizeof(*uc));
	uc->index_name = xstrdup(g->name);
	uc->added = why_narrowed == NULL;
	uc->uncheckable = uncheckable;
	uc->ghost_columns = xcalloc(g->parts_nr ? g->parts_nr : 1,
				    sizeof(char *));
	for (i = 0; i < g->parts_nr; i++)
		if (g->parts[i].column)
			uc->ghost_columns[uc->ghost_columns_nr++] =
				xstrdup(g->parts[i].column);
	add_ident_list(&cols, g);
	if (why_narrowed)
		add_risk(p, DDL_RISK_UNIQUE_NARROWED, DDL_SEV_DANGER, g->name,
			 "unique key `%s` (%s) is narrowed (%s): rows that "
			 "were distinct may collide; %s",
			 g->name, cols.buf, why_narrowed,
			 uncheckable ? "this cannot be checked in advance, "
				       "the copy and replay abort on a "
				       "conflict" :
				       "duplicates are checked before the copy "
				       "and a conflict aborts the run");
	else
		add_risk(p, DDL_RISK_UNIQUE_ADDED, DDL_SEV_DANGER, g->name,
			 "unique key `%s` (%s) is added: existing rows may "
			 "hold duplicates; %s",
			 g->name, cols.buf,
			 uncheckable ? "this cannot be checked in advance, "
				       "the copy and replay abort on a "
				       "conflict" :
				       "they are checked before the copy and a "
				       "conflict aborts the run");
	strbuf_release(&cols);
}

/* Why a ghost unique key that has a same-named source unique key is
 * narrower (a static string), or NULL when it is added. */
static const char *narrowing_reason(const struct builder *b,
				    const struct ddl_index *g)
{
	const struct ddl_index *s = NULL;
	size_t i;

	if (g->kind == DDL_INDEX_PRIMARY)
		s = ddl_table_primary(&b->p->source);
	else
		s = ddl_table_index(&b->p->source, g->name);
	if (!s || !index_is_unique(s))
		return NULL;
	for (i = 0; i < s->parts_nr; i++) {
		const struct ddl_column *gc, *sc;
		const struct ddl_index_part *gp;

		if (!s->parts[i].column)
			return "a functional part changed";
		gc = ghost_col_of(b, s->parts[i].column);
		sc = ddl_table_column(&b->p->source, s->parts[i].column);
		if (!gc || !sc)
			return "a key column is dropped";
		gp = part_on(g, gc->name);
		if (!gp)
			return "fewer columns";
		if (gp->prefix_len >= 0 &&
		    (s->parts[i].prefix_len < 0 ||
		     gp->prefix_len < s->parts[i].prefix_len))
			return "a shorter prefix";
		if (sc->nullable && !gc->nullable)
			return "a nullable column becomes NOT NULL";
		if (collation_changed(&sc->type, &gc->type))
			return "a collation or charset change";
		if (!keeps_distinct(sc, gc))
			return "a narrower type";
	}
	return "a key column changes";
}

static void find_unique_checks(struct builder *b)
{
	struct ddl_plan *p = b->p;
	size_t gi, si;

	for (gi = 0; gi < p->ghost.indexes_nr; gi++) {
		const struct ddl_index *g = &p->ghost.indexes[gi];
		bool safe = false;

		if (!index_is_unique(g))
			continue;
		for (si = 0; si < p->source.indexes_nr && !safe; si++)
			safe = guarantees(b, &p->source.indexes[si], g);
		if (!safe)
			add_unique_check(b, g, narrowing_reason(b, g));
	}
}

/* Are the first s->parts_nr parts of g on the ghost columns of s's
 * columns, in any order (all of g's parts when `exact`)? */
static bool covers_key(const struct builder *b, const struct ddl_index *s,
		       const struct ddl_index *g, bool exact)
{
	size_t i, j;

	if (!index_is_unique(g) || !index_is_plain(g) ||
	    g->parts_nr < s->parts_nr || (exact && g->parts_nr != s->parts_nr))
		return false;
	for (i = 0; i < s->parts_nr; i++) {
		const struct ddl_column *gc =
			ghost_col_of(b, s->parts[i].column);
		bool found = false;

		for (j = 0; j < s->parts_nr && !found; j++)
			found = ddl_name_eq(g->parts[j].column, gc->name);
		if (!found)
			return false;
	}
	/* A wider key identifies rows only when its other columns cannot
	 * be NULL (a PRIMARY KEY's never are). */
	for (j = s->parts_nr; j < g->parts_nr; j++) {
		const struct ddl_column *c =
			ddl_table_column(&b->p->ghost, g->parts[j].column);

		if (!c || c->nullable)
			return false;
	}
	return true;
}

/*
 * Is source index s usable as the shared key, and which ghost index has
 * the same columns? Returns the ghost index or NULL. When none has the
 * same columns, a NOT NULL unique key of the ghost that starts with them
 * (`ADD PRIMARY KEY (id, created)` after dropping `(id)`) will do, with
 * *wider set: the source key still identifies every ghost row (the
 * ghost's rows are the source's, unique on it), and the index finds
 * them by it; only the ghost does not enforce it, so the replay deletes
 * by it before it writes (osc/replay/applier.c).
 */
static const struct ddl_index *key_partner(const struct builder *b,
					   const struct ddl_index *s,
					   bool *wider)
{
	const struct ddl_plan *p = b->p;
	size_t i, gi;
	int pass;

	*wider = false;
	if (!index_is_unique(s) || !index_is_plain(s))
		return NULL;
	for (i = 0; i < s->parts_nr; i++) {
		const struct ddl_column *sc =
			ddl_table_column(&p->source, s->parts[i].column);
		const struct ddl_column *gc =
		    ghost_col_of(b, s->parts[i].column);

		if (!sc || !gc || sc->nullable || gc->nullable ||
		    sc->generated || gc->generated)
			return NULL;
	}
	/* the same columns first, then wider; in each the ghost's primary
	 * key first, then its unique keys in order */
	for (pass = 0; pass < 2; pass++) {
		for (gi = 0; gi <= p->ghost.indexes_nr; gi++) {
			const struct ddl_index *g;

			if (gi == 0) {
				g = ddl_table_primary(&p->ghost);
				if (!g)
					continue;
			} else {
				g = &p->ghost.indexes[gi - 1];
				if (g->kind == DDL_INDEX_PRIMARY)
					continue;
			}
			if (covers_key(b, s, g, pass == 0)) {
				*wider = pass == 1;
				return g;
			}
		}
	}
	return NULL;
}

static int choose_key(struct builder *b)
{
	struct ddl_plan *p = b->p;
	const struct ddl_index *best_s = NULL, *best_g = NULL;
	const struct ddl_index *spk = ddl_table_primary(&p->source);
	size_t si, i;
	bool any_candidate = false, best_wider = false;

	for (si = 0; si < p->source.indexes_nr; si++) {
		const struct ddl_index *s = &p->source.indexes[si];
		const struct ddl_index *g;
		bool ok_source = index_is_unique(s) && index_is_plain(s);
		bool wider;

		for (i = 0; ok_source && i < s->parts_nr; i++) {
			const struct ddl_column *sc =
			    ddl_table_column(&p->source, s->parts[i].column);

			ok_source = sc && !sc->nullable && !sc->generated;
		}
		if (ok_source)
			any_candidate = true;
		g = key_partner(b, s, &wider);
		if (!g)
			continue;
		if (!wider && s->kind == DDL_INDEX_PRIMARY &&
		    g->kind == DDL_INDEX_PRIMARY) {
			/* the primary key survives: same columns, same order */
			bool same = true;

			for (i = 0; i < s->parts_nr && same; i++)
				same = ddl_name_eq(
				    g->parts[i].column,
				    ghost_col_of(b, s->parts[i].column)->name);
			if (same) {
				best_s = s;
				best_g = g;
				best_wider = false;
				break;
			}
		}
		/* Same columns before wider, then the ghost's primary key,
		 * then the fewest columns. */
		if (!best_s || (best_wider && !wider) ||
		    (best_wider == wider &&
		     ((g->kind == DDL_INDEX_PRIMARY &&
		       best_g->kind != DDL_INDEX_PRIMARY) ||
		      ((g->kind == DDL_INDEX_PRIMARY) ==
			       (best_g->kind == DDL_INDEX_PRIMARY) &&
		       s->parts_nr < best_s->parts_nr)))) {
			best_s = s;
			best_g = g;
			best_wider = wider;
		}
	}
	if (!best_s) {
		if (!b->err)
			return -1;
		if (!any_candidate)
			strbuf_addf(
			    b->err,
			    "table%s%s%s has no primary key and no "
			    "NOT NULL unique key: osc needs one to copy "
			    "and replay rows; add one first",
			    p->source.name ? " `" : "",
			    p->source.name ? p->source.name : "",
			    p->source.name ? "`" : "");
		else if (spk)
			strbuf_addstr(
			    b->err, "no shared key: the primary key does not "
				    "survive the ALTER with the same columns "
				    "(or as the first columns of a NOT NULL "
				    "unique key) and no NOT NULL unique key "
				    "does either; keep the primary key, or "
				    "first add a NOT NULL unique key on the "
				    "new key's columns");
		else
			strbuf_addstr(
			    b->err, "no shared key: no NOT NULL unique key "
				    "keeps its columns through the ALTER; keep "
				    "one of them unchanged");
		return -1;
	}
	p->key_source_index = best_s->name;
	p->key_ghost_index = best_g->name;
	p->key_ghost_wider = best_wider;
	p->key_is_primary = best_s->kind == DDL_INDEX_PRIMARY &&
			    best_g->kind == DDL_INDEX_PRIMARY;
	for (i = 0; i < best_s->parts_nr; i++) {
		struct ddl_key_col *k;
		int sp = ddl_table_column_pos(&p->source,
					      best_s->parts[i].column);
		size_t m;

		ALLOC_GROW(p->key, p->key_nr + 1, p->key_alloc);
		k = &p->key[p->key_nr++];
		k->source_name = p->source.columns[sp].name;
		k->source_ordinal = (unsigned)sp;
		k->ghost_name = p->ghost.columns[b->ghost_of[sp]].name;
		k->ghost_ordinal = (unsigned)b->ghost_of[sp];
		k->prefix_len = best_s->parts[i].prefix_len;
		k->map_index = 0;
		for (m = 0; m < p->map_nr; m++)
			if (p->map[m].source_ordinal == k->source_ordinal)
				k->map_index = m;
	}
	return 0;
}

static void column_risks(struct builder *b)
{
	struct ddl_plan *p = b->p;
	size_t i;

	for (i = 0; i < p->map_nr; i++) {
		const struct ddl_column *o =
			&p->source.columns[p->map[i].source_ordinal];
		const struct ddl_column *n =
			&p->ghost.columns[p->map[i].ghost_ordinal];
		const char *why;
		struct strbuf a = STRBUF_INIT, c = STRBUF_INIT;

		ddl_type_describe(&a, &o->type);
		ddl_type_describe(&c, &n->type);
		if (o->nullable && !n->nullable)
			add_risk(p, DDL_RISK_NOT_NULL_ADDED, DDL_SEV_DANGER,
				 n->name,
				 "column `%s` becomes NOT NULL: a NULL in it "
				 "would silently become the implicit default; "
				 "NULLs are checked before the copy",
				 n->name);
		if (charset_changed(&o->type, &n->type))
			add_risk(p, DDL_RISK_CHARSET_CHANGED,
				 !strcmp(n->type.charset, "utf8mb4") ?
					 DDL_SEV_NOTE :
					 DDL_SEV_WARNING,
				 n->name,
				 "column `%s` is converted from %s to %s%s",
				 n->name, o->type.charset, n->type.charset,
				 !strcmp(n->type.charset, "utf8mb4") ?
					 "" :
					 ": characters without an equivalent "
					 "become '?'");
		if (!type_fits(&o->type, &n->type, &why))
			add_risk(p, DDL_RISK_LOSSY_TYPE, DDL_SEV_WARNING,
				 n->name,
				 "column `%s` changes from %s to %s: %s",
				 n->name, a.buf, c.buf, why);
		else if (!strcmp(o->type.base, "enum") &&
			 !strcmp(n->type.base, "enum") &&
			 o->type.values_nr <= n->type.values_nr) {
			size_t k;

			for (k = 0; k < o->type.values_nr; k++)
				if (strcmp(o->type.values[k],
					   n->type.values[k]))
					break;
			if (k < o->type.values_nr)
				add_risk(
				    p, DDL_RISK_ENUM_CHANGED, DDL_SEV_NOTE,
				    n->name,
				    "enum column `%s` has its members "
				    "reordered: values are copied by name, "
				    "their numbers change",
				    n->name);
		}
		if (o->generated && !n->generated)
			add_risk(p, DDL_RISK_LOSSY_TYPE, DDL_SEV_NOTE, n->name,
				 "column `%s` is no longer generated: its "
				 "computed values are copied",
				 n->name);
		strbuf_release(&a);
		strbuf_release(&c);
	}
	for (i = 0; i < p->source.columns_nr; i++) {
		const struct ddl_column *o = &p->source.columns[i];

		if (o->generated)
			continue;
		if (b->ghost_of[i] < 0)
			add_risk(p, DDL_RISK_COLUMN_DROPPED, DDL_SEV_WARNING,
				 o->name,
				 "column `%s` is dropped: its data is not "
				 "copied",
				 o->name);
		else if (p->ghost.columns[b->ghost_of[i]].generated)
			add_risk(p, DDL_RISK_COLUMN_DROPPED, DDL_SEV_WARNING,
				 o->name,
				 "column `%s` becomes generated: its stored "
				 "values are replaced by the expression",
				 o->name);
	}
	for (i = 0; i < p->ghost.columns_nr; i++) {
		const struct ddl_column *n = &p->ghost.columns[i];

		if (b->origin[i] >= 0 || n->generated || n->nullable ||
		    n->auto_increment || n->default_kind != DDL_DEFAULT_NONE)
			continue;
		add_risk(p, DDL_RISK_NOT_NULL_NO_DEFAULT, DDL_SEV_NOTE, n->name,
			 "column `%s` is added NOT NULL without a default: "
			 "existing rows get the implicit default (0, '' or "
			 "the zero date)",
			 n->name);
	}
}

/* Is `text` the text of one of the CHECK constraints of `t`? */
static bool has_check_text(const struct ddl_table *t, const char *text)
{
	size_t i;

	for (i = 0; i < t->constraints_nr; i++)
		if (t->constraints[i].kind == DDL_CONSTRAINT_CHECK &&
		    t->constraints[i].text &&
		    !strcmp(t->constraints[i].text, text))
			return true;
	for (i = 0; i < t->columns_nr; i++)
		if (t->columns[i].check && !strcmp(t->columns[i].check, text))
			return true;
	return false;
}

static void add_constraint_check(struct builder *b, const char *name,
				 bool on_column, const char *text)
{
	struct ddl_plan *p = b->p;
	struct ddl_constraint_check *c;

	if (has_check_text(&p->source, text))
		return;
	ALLOC_GROW(p->constraint_checks, p->constraint_checks_nr + 1,
		   p->constraint_checks_alloc);
	c = &p->constraint_checks[p->constraint_checks_nr++];
	c->name = name ? xstrdup(name) : NULL;
	c->on_column = on_column;
	c->text = xstrdup(text);
	if (on_column)
		add_risk(p, DDL_RISK_CHECK_ADDED, DDL_SEV_DANGER, name,
			 "column `%s` gets the constraint %s: existing rows "
			 "may fail it; they are checked before the copy",
			 name, text);
	else
		add_risk(p, DDL_RISK_CHECK_ADDED, DDL_SEV_DANGER, name,
			 "constraint `%s` %s is added: existing rows may "
			 "fail it; they are checked before the copy",
			 name ? name : "(unnamed)", text);
}

/* CHECK constraints of the ghost that the source does not have. */
static void find_constraint_checks(struct builder *b)
{
	const struct ddl_table *g = &b->p->ghost;
	size_t i;

	for (i = 0; i < g->constraints_nr; i++)
		if (g->constraints[i].kind == DDL_CONSTRAINT_CHECK &&
		    g->constraints[i].text)
			add_constraint_check(b, g->constraints[i].name, false,
					     g->constraints[i].text);
	for (i = 0; i < g->columns_nr; i++)
		if (g->columns[i].check)
			add_constraint_check(b, g->columns[i].name, true,
					     g->columns[i].check);
}

static void key_risks(struct builder *b)
{
	struct ddl_plan *p = b->p;
	const struct ddl_index *s = ddl_table_primary(&p->source);
	const struct ddl_index *g = ddl_table_primary(&p->ghost);
	struct strbuf a = STRBUF_INIT, c = STRBUF_INIT;
	bool same = s && g && s->parts_nr == g->parts_nr;
	size_t i;

	if (!s && !g)
		return;
	for (i = 0; same && i < s->parts_nr; i++) {
		const struct ddl_column *gc =
		    s->parts[i].column ? ghost_col_of(b, s->parts[i].column)
				       : NULL;

		same = gc && g->parts[i].column &&
		       ddl_name_eq(gc->name, g->parts[i].column) &&
		       s->parts[i].prefix_len == g->parts[i].prefix_len;
	}
	if (same)
		return;
	if (s)
		add_ident_list(&a, s);
	if (g)
		add_ident_list(&c, g);
	if (s && g)
		add_risk(p, DDL_RISK_PRIMARY_KEY_CHANGED, DDL_SEV_WARNING,
			 "PRIMARY", "the primary key changes from (%s) to (%s)",
			 a.buf, c.buf);
	else if (s)
		add_risk(p, DDL_RISK_PRIMARY_KEY_CHANGED, DDL_SEV_WARNING,
			 "PRIMARY", "the primary key (%s) is dropped", a.buf);
	else
		add_risk(p, DDL_RISK_PRIMARY_KEY_CHANGED, DDL_SEV_WARNING,
			 "PRIMARY", "a primary key (%s) is added", c.buf);
	strbuf_release(&a);
	strbuf_release(&c);
}

static void other_risks(struct builder *b, const struct ddl_alter *alter)
{
	struct ddl_plan *p = b->p;
	size_t i;

	for (i = 0; i < p->source.constraints_nr; i++) {
		const struct ddl_constraint *c = &p->source.constraints[i];
		size_t j;
		bool kept = false;

		if (c->kind != DDL_CONSTRAINT_FOREIGN_KEY)
			continue;
		for (j = 0; j < p->ghost.constraints_nr && !kept; j++)
			kept = ddl_name_eq(p->ghost.constraints[j].name,
					   c->name);
		if (!kept)
			add_risk(p, DDL_RISK_FOREIGN_KEYS, DDL_SEV_NOTE,
				 c->name,
				 "foreign key `%s` is added to the new table at "
				 "the cut-over, under the lock, with its name "
				 "(the ghost does not have it while rows are "
				 "copied and replayed)",
				 c->name ? c->name : "?");
	}
	for (i = 0; i < alter->clauses_nr; i++) {
		const struct ddl_clause *c = &alter->clauses[i];

		if (c->kind == DDL_ADD_FOREIGN_KEY)
			add_risk(p, DDL_RISK_FOREIGN_KEYS, DDL_SEV_NOTE,
				 c->name,
				 "a foreign key is added: rows are checked "
				 "against the parent table as they are copied, "
				 "and its name must be new in the database");
		if (c->kind != DDL_PARTITION)
			continue;
		if (!strcmp(c->partition_op, "DROP PARTITION"))
			add_risk(p, DDL_RISK_PARTITION_DATA, DDL_SEV_WARNING,
				 NULL,
				 "DROP PARTITION: the rows of the dropped "
				 "partitions are not copied");
		else if (!strcmp(c->partition_op, "PARTITION BY") ||
			 !strcmp(c->partition_op, "REORGANIZE PARTITION"))
			add_risk(p, DDL_RISK_PARTITION_DATA, DDL_SEV_WARNING,
				 NULL,
				 "%s: a row that fits no partition of the new "
				 "scheme cannot be copied",
				 c->partition_op);
	}
}

int ddl_plan_build(const struct ddl_table *source,
		   const struct ddl_alter *alter,
		   const struct ddl_table *ghost, struct ddl_plan *out,
		   struct strbuf *err)
{
	struct work w;
	struct builder b;
	size_t i, err_from;
	int ret = -1;

	ddl_plan_init(out);
	err_from = err ? err->len : 0;
	memset(&b, 0, sizeof(b));
	b.p = out;
	b.err = err;
	if (!source->columns_nr) {
		if (err)
			strbuf_addstr(err, "the table model has no columns");
		return -1;
	}
	if (apply_alter(&w, source, alter, ghost == NULL, err) < 0) {
		if (err)
			ddl_oneline(err, err_from);
		return -1;
	}
	ddl_table_copy(&out->source, source);
	ddl_table_resolve_charsets(&out->source);
	out->alter_text = xstrdup(alter->text ? alter->text : "");
	b.ghost_of = xmalloc(st_mult(sizeof(int), source->columns_nr));
	for (i = 0; i < source->columns_nr; i++)
		b.ghost_of[i] = -1;
	if (ghost) {
		out->ghost_from_server = true;
		ddl_table_copy(&out->ghost, ghost);
		ddl_table_resolve_charsets(&out->ghost);
		b.origin = xmalloc(st_mult(sizeof(int),
					   ghost->columns_nr + 1));
		for (i = 0; i < out->ghost.columns_nr; i++) {
			int wp = ddl_table_column_pos(
			    &w.t, out->ghost.columns[i].name);

			if (wp >= 0)
				b.origin[i] = w.origin[wp];
			else
				b.origin[i] = ddl_table_column_pos(
					source, out->ghost.columns[i].name);
		}
		/* one ghost column per source column */
		for (i = 0; i < out->ghost.columns_nr; i++) {
			size_t j;

			for (j = 0; j < i; j++)
				if (b.origin[i] >= 0 &&
				    b.origin[j] == b.origin[i])
					b.origin[i] = -1;
		}
	} else {
		ddl_table_copy(&out->ghost, &w.t);
		b.origin = xmalloc(st_mult(sizeof(int), w.t.columns_nr + 1));
		memcpy(b.origin, w.origin, w.t.columns_nr * sizeof(int));
	}
	if (out->ghost.engine && strcmp(out->ghost.engine, "innodb")) {
		if (err)
			strbuf_addf(err, "the ghost table would use engine %s: "
					 "osc copies only into InnoDB; remove "
					 "ENGINE= from the ALTER",
				    out->ghost.engine);
		goto out;
	}
	if (!out->ghost.columns_nr) {
		if (err)
			strbuf_addstr(err, "the ghost table has no columns");
		goto out;
	}

	for (i = 0; i < out->ghost.columns_nr; i++) {
		const struct ddl_column *gc = &out->ghost.columns[i];
		int o = b.origin[i];

		if (o >= 0)
			b.ghost_of[o] = (int)i;
		if (gc->generated)
			continue;
		if (o < 0) {
			ALLOC_GROW(out->added, out->added_nr + 1,
				   out->added_alloc);
			out->added[out->added_nr++] = gc->name;
			continue;
		}
		ALLOC_GROW(out->map, out->map_nr + 1, out->map_alloc);
		out->map[out->map_nr].source_name = out->source.columns[o].name;
		out->map[out->map_nr].source_ordinal = (unsigned)o;
		out->map[out->map_nr].ghost_name = gc->name;
		out->map[out->map_nr].ghost_ordinal = (unsigned)i;
		out->map[out->map_nr].renamed =
			!ddl_name_eq(out->source.columns[o].name, gc->name);
		out->map_nr++;
	}
	for (i = 0; i < out->source.columns_nr; i++) {
		const struct ddl_column *sc = &out->source.columns[i];

		if (sc->generated)
			continue;
		if (b.ghost_of[i] >= 0 &&
		    !out->ghost.columns[b.ghost_of[i]].generated)
			continue;
		ALLOC_GROW(out->dropped, out->dropped_nr + 1,
			   out->dropped_alloc);
		out->dropped[out->dropped_nr++] = sc->name;
	}
	if (!out->map_nr) {
		if (err)
			strbuf_addstr(err, "no column is copied: the ALTER "
					   "replaces every column");
		goto out;
	}
	if (choose_key(&b) < 0)
		goto out;
	key_risks(&b);
	find_unique_checks(&b);
	find_constraint_checks(&b);
	column_risks(&b);
	other_risks(&b, alter);
	ret = 0;
out:
	if (ret < 0) {
		ddl_plan_release(out);
		if (err)
			ddl_oneline(err, err_from);
	}
	work_release(&w);
	free(b.origin);
	free(b.ghost_of);
	return ret;
}

const struct ddl_col_map *ddl_plan_map_ghost(const struct ddl_plan *p,
					     const char *ghost_name)
{
	size_t i;

	for (i = 0; i < p->map_nr; i++)
		if (ddl_name_eq(p->map[i].ghost_name, ghost_name))
			return &p->map[i];
	return NULL;
}

const struct ddl_col_map *ddl_plan_map_source(const struct ddl_plan *p,
					      const char *source_name)
{
	size_t i;

	for (i = 0; i < p->map_nr; i++)
		if (ddl_name_eq(p->map[i].source_name, source_name))
			return &p->map[i];
	return NULL;
}

bool ddl_plan_has_danger(const struct ddl_plan *p)
{
	size_t i;

	for (i = 0; i < p->risks_nr; i++)
		if (p->risks[i].severity == DDL_SEV_DANGER)
			return true;
	return false;
}
