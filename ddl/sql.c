/*
 * sql.c: the SQL text osc sends, built from the plan, and the dry-run
 * rendering of the plan.
 *
 * Every identifier goes through quote_ident(); values are literal texts
 * the caller made (or "?" placeholders). The statements are the ones of
 * DESIGN.md 4: the ghost's CREATE ... LIKE and ALTER, the chunk copy
 * (INSERT IGNORE ... SELECT ... LOCK IN SHARE MODE, which reads the
 * latest committed rows and never overwrites a row the applier wrote),
 * the replay (REPLACE, DELETE by the shared key), the duplicate check
 * for new unique keys and the row check for new CHECK constraints.
 */
#include "util/compat.h"

#include <strings.h>

#include "ddl/ddl-internal.h"
#include "util/keyrange.h"
#include "util/quote.h"
#include "util/wrapper.h"

static int bad_name(struct strbuf *out, size_t old_len, struct strbuf *err)
{
	strbuf_setlen(out, old_len);
	if (err)
		strbuf_addstr(err, "cannot quote an empty name or one holding "
				   "a NUL byte");
	return -1;
}

static int qualified(struct strbuf *out, const char *db, const char *table)
{
	if (db && *db)
		return quote_qualified(out, db, table);
	return quote_ident(out, table);
}

int ddl_build_ghost_create(struct strbuf *out, const char *db,
			   const char *table, const char *ghost,
			   struct strbuf *err)
{
	size_t old = out->len;

	strbuf_addstr(out, "CREATE TABLE ");
	if (qualified(out, db, ghost) < 0)
		return bad_name(out, old, err);
	strbuf_addstr(out, " LIKE ");
	if (qualified(out, db, table) < 0)
		return bad_name(out, old, err);
	return 0;
}

int ddl_build_ghost_alter(struct strbuf *out, const struct ddl_plan *p,
			  const char *db, const char *ghost,
			  struct strbuf *err)
{
	size_t old = out->len;

	strbuf_addstr(out, "ALTER TABLE ");
	if (qualified(out, db, ghost) < 0)
		return bad_name(out, old, err);
	strbuf_addch(out, ' ');
	strbuf_addstr(out, p->alter_text);
	return 0;
}

static const char *key_name(const struct ddl_plan *p, enum ddl_side side,
			    size_t i)
{
	return side == DDL_SIDE_GHOST ? p->key[i].ghost_name :
					p->key[i].source_name;
}

/* ---- string values of the replay (issue 12 item 1) ------------------ */

/* A charset or collation name as the server prints it: safe to paste. */
static bool sql_word(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool base_in(const struct ddl_type *t, const char *const *names,
		    size_t nr)
{
	size_t i;

	for (i = 0; t->base && i < nr; i++)
		if (!strcmp(t->base, names[i]))
			return true;
	return false;
}

static const char *const char_types[] = {
	"char", "varchar", "tinytext", "text", "mediumtext", "longtext",
};
static const char *const byte_types[] = {
	"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob",
};

/* The character set of a column holding characters, or NULL for bytes
 * (binary types, or a charset osc cannot name in SQL). */
static const char *char_charset(const struct ddl_type *t)
{
	if (!base_in(t, char_types, ARRAY_SIZE(char_types)) ||
	    !sql_word(t->charset) || !strcasecmp(t->charset, "binary"))
		return NULL;
	return t->charset;
}

static const char *known_collation(const struct ddl_type *t)
{
	return sql_word(t->collation) ? t->collation : NULL;
}

void ddl_build_replay_string(struct strbuf *out, const struct ddl_plan *p,
			     size_t map_index, const char *bytes, size_t len)
{
	const struct ddl_col_map *m = &p->map[map_index];
	const struct ddl_type *src = &p->source.columns[m->source_ordinal].type;
	const struct ddl_type *gh = &p->ghost.columns[m->ghost_ordinal].type;
	const char *cs = char_charset(src);

	if (cs) {
		strbuf_addf(out, "_%s ", cs);
		quote_sql_hex(out, bytes, len);
	} else if (gh->base && !strcmp(gh->base, "json") && len) {
		/* MySQL refuses a binary string for a JSON column */
		strbuf_addstr(out, "CONVERT(");
		quote_sql_hex(out, bytes, len);
		strbuf_addstr(out, " USING utf8mb4)");
	} else {
		quote_sql_hex(out, bytes, len);
	}
}

/*
 * `g` = v for key column i on the ghost, where v is the source's value as
 * ddl_build_replay_string() writes it. When the ALTER changes the
 * column's charset or collation, the plain comparison would run under the
 * ghost's collation, where another source row can be equal (a
 * case-insensitive key: 'a' finds 'A'), and a DELETE by that key would
 * remove the wrong row. So the first term finds the row through the
 * ghost's index (the value converted to the ghost's charset, under its
 * collation), and the second keeps it only when it is the same source
 * value under the source's collation (the conversion was lossless, or
 * the row could not have been stored).
 */
static void ghost_key_eq(struct strbuf *out, const struct ddl_plan *p,
			 size_t i, const char *v)
{
	const struct ddl_type *src =
		&p->source.columns[p->key[i].source_ordinal].type;
	const struct ddl_type *gh =
		&p->ghost.columns[p->key[i].ghost_ordinal].type;
	const char *scs = char_charset(src), *gcs = char_charset(gh);
	const char *scoll = known_collation(src), *gcoll = known_collation(gh);
	bool src_string = scs || base_in(src, byte_types,
					 ARRAY_SIZE(byte_types));
	bool same = scs && gcs && !strcasecmp(scs, gcs) &&
		    (!scoll || !gcoll || !strcasecmp(scoll, gcoll));

	if (!src_string || same || (!scs && !gcs)) {
		quote_ident(out, p->key[i].ghost_name);
		strbuf_addf(out, " = %s", v);
		return;
	}
	if (!gcs) {
		/* bytes on the ghost: the source's bytes, unconverted */
		quote_ident(out, p->key[i].ghost_name);
		strbuf_addf(out, " = CAST(%s AS BINARY)", v);
		return;
	}
	strbuf_addch(out, '(');
	quote_ident(out, p->key[i].ghost_name);
	strbuf_addf(out, " = CONVERT(%s USING %s)", v, gcs);
	if (gcoll)
		strbuf_addf(out, " COLLATE %s", gcoll);
	strbuf_addstr(out, " AND ");
	if (scs) {
		strbuf_addstr(out, "CONVERT(");
		quote_ident(out, p->key[i].ghost_name);
		strbuf_addf(out, " USING %s)", scs);
		if (scoll)
			strbuf_addf(out, " COLLATE %s = %s COLLATE %s)", scoll,
				    v, scoll);
		else
			strbuf_addf(out, " = %s)", v);
	} else {
		strbuf_addstr(out, "CAST(");
		quote_ident(out, p->key[i].ghost_name);
		strbuf_addf(out, " AS BINARY) = %s)", v);
	}
}

struct key_predicate {
	const struct ddl_plan *p;
	enum ddl_side side;
	const char *const *values;
	bool match; /* op "=": on the ghost, the ghost_key_eq() form */
};

static void key_term(struct strbuf *out, size_t i, const char *op, void *ctx)
{
	const struct key_predicate *kp = ctx;

	if (kp->match && kp->side == DDL_SIDE_GHOST) {
		ghost_key_eq(out, kp->p, i, kp->values[i]);
		return;
	}
	quote_ident(out, key_name(kp->p, kp->side, i));
	strbuf_addf(out, " %s %s", op, kp->values[i]);
}

int ddl_build_key_predicate(struct strbuf *out, const struct ddl_plan *p,
			    enum ddl_side side, const char *op,
			    const char *const *values, struct strbuf *err)
{
	struct key_predicate kp = {p, side, values, false};
	enum keyrange_op kop;

	if (keyrange_op_parse(op, &kop) < 0) {
		if (err)
			strbuf_addf(err, "bad key comparison operator '%s'",
				    op);
		return -1;
	}
	kp.match = kop == KEYRANGE_EQ;
	keyrange_build(out, p->key_nr, kop, key_term, &kp);
	return 0;
}

static bool is_timestamp(const struct ddl_type *t)
{
	return t->base && !strcmp(t->base, "timestamp");
}

int ddl_build_tz_convert(struct strbuf *out, const struct ddl_plan *p,
			 size_t map_index, const char *expr)
{
	const struct ddl_col_map *m = &p->map[map_index];
	bool src_ts = is_timestamp(&p->source.columns[m->source_ordinal].type);
	bool gh_ts = is_timestamp(&p->ghost.columns[m->ghost_ordinal].type);

	if (!p->time_zone || src_ts == gh_ts) {
		strbuf_addstr(out, expr);
		return 0;
	}
	strbuf_addf(out, "COALESCE(CONVERT_TZ(%s, ", expr);
	if (src_ts) {
		strbuf_addstr(out, "'+00:00', ");
		quote_sql_string(out, p->time_zone, strlen(p->time_zone));
	} else {
		quote_sql_string(out, p->time_zone, strlen(p->time_zone));
		strbuf_addstr(out, ", '+00:00'");
	}
	strbuf_addf(out, "), %s)", expr);
	return 1;
}

/* The copy's SELECT list converts a TIMESTAMP as a native ALTER does. */
static void column_list(struct strbuf *out, const struct ddl_plan *p,
			enum ddl_side side)
{
	struct strbuf col = STRBUF_INIT;
	size_t i;

	for (i = 0; i < p->map_nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		if (side == DDL_SIDE_GHOST) {
			quote_ident(out, p->map[i].ghost_name);
			continue;
		}
		strbuf_reset(&col);
		quote_ident(&col, p->map[i].source_name);
		ddl_build_tz_convert(out, p, i, col.buf);
	}
	strbuf_release(&col);
}

int ddl_build_copy_chunk(struct strbuf *out, const struct ddl_plan *p,
			 const char *db, const char *table, const char *ghost,
			 const char *const *lower, bool lower_inclusive,
			 const char *const *upper, bool upper_exclusive,
			 struct strbuf *err)
{
	size_t old = out->len;

	strbuf_addstr(out, "INSERT IGNORE INTO ");
	if (qualified(out, db, ghost) < 0)
		return bad_name(out, old, err);
	strbuf_addstr(out, " (");
	column_list(out, p, DDL_SIDE_GHOST);
	strbuf_addstr(out, ") SELECT ");
	column_list(out, p, DDL_SIDE_SOURCE);
	strbuf_addstr(out, " FROM ");
	if (qualified(out, db, table) < 0)
		return bad_name(out, old, err);
	strbuf_addstr(out, " FORCE INDEX (");
	quote_ident(out, p->key_source_index);
	strbuf_addch(out, ')');
	if (lower || upper)
		strbuf_addstr(out, " WHERE ");
	if (lower)
		ddl_build_key_predicate(out, p, DDL_SIDE_SOURCE,
					lower_inclusive ? ">=" : ">", lower,
					NULL);
	if (lower && upper)
		strbuf_addstr(out, " AND ");
	if (upper)
		ddl_build_key_predicate(out, p, DDL_SIDE_SOURCE,
					upper_exclusive ? "<" : "<=", upper,
					NULL);
	strbuf_addstr(out, " LOCK IN SHARE MODE");
	return 0;
}

int ddl_build_copy_missing(struct strbuf *out, const struct ddl_plan *p,
			   const char *db, const char *table,
			   const char *ghost, struct strbuf *err)
{
	size_t old = out->len, i;

	strbuf_addstr(out, "SELECT ");
	for (i = 0; i < p->key_nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		quote_ident(out, p->key[i].source_name);
	}
	strbuf_addstr(out, " FROM ");
	if (qualified(out, db, table) < 0)
		return bad_name(out, old, err);
	strbuf_addstr(out, " FORCE INDEX (");
	quote_ident(out, p->key_source_index);
	strbuf_addstr(out, ") WHERE NOT EXISTS (SELECT 1 FROM ");
	if (qualified(out, db, ghost) < 0)
		return bad_name(out, old, err);
	strbuf_addstr(out, " WHERE ");
	for (i = 0; i < p->key_nr; i++) {
		if (i)
			strbuf_addstr(out, " AND ");
		qualified(out, db, ghost);
		strbuf_addch(out, '.');
		quote_ident(out, p->key[i].ghost_name);
		strbuf_addstr(out, " = ");
		qualified(out, db, table);
		strbuf_addch(out, '.');
		quote_ident(out, p->key[i].source_name);
	}
	strbuf_addch(out, ')');
	return 0;
}

int ddl_implicit_default_sql(const struct ddl_column *c, struct strbuf *out)
{
	static const char *const zero[] = {
		"tinyint", "smallint", "mediumint", "int", "bigint",
		"decimal", "float", "double", "bit", "year",
	};
	static const char *const empty[] = {
		"char", "varchar", "binary", "varbinary", "tinytext",
		"text", "mediumtext", "longtext", "tinyblob", "blob",
		"mediumblob", "longblob", "set",
	};
	const char *b = c->type.base;
	size_t i;

	if (c->nullable || c->default_kind != DDL_DEFAULT_NONE ||
	    c->auto_increment || c->generated != DDL_GEN_NONE || !b)
		return -1;
	for (i = 0; i < ARRAY_SIZE(zero); i++)
		if (!strcmp(b, zero[i])) {
			/* A number: YEAR's 0 is 0000 (the string '0' would
			 * be 2000). */
			strbuf_addch(out, '0');
			return 0;
		}
	for (i = 0; i < ARRAY_SIZE(empty); i++)
		if (!strcmp(b, empty[i])) {
			strbuf_addstr(out, "''");
			return 0;
		}
	if (!strcmp(b, "enum") && c->type.values_nr) {
		strbuf_addch(out, '1'); /* the first member, by number */
		return 0;
	}
	if (!strcmp(b, "date")) {
		strbuf_addstr(out, "'0000-00-00'");
		return 0;
	}
	if (!strcmp(b, "datetime") || !strcmp(b, "timestamp")) {
		strbuf_addstr(out, "'0000-00-00 00:00:00'");
		return 0;
	}
	if (!strcmp(b, "time")) {
		strbuf_addstr(out, "'00:00:00'");
		return 0;
	}
	/* JSON (a CHECK on MariaDB), spatial, UUID, INET: left out. */
	return -1;
}

/*
 * The added columns the replay fills with their implicit default: names
 * (", `n`") into `cols` and literals (", 0") into `vals`, either NULL.
 */
static void implicit_fills(const struct ddl_plan *p, struct strbuf *cols,
			   struct strbuf *vals)
{
	struct strbuf lit = STRBUF_INIT;
	size_t i;

	for (i = 0; i < p->added_nr; i++) {
		const struct ddl_column *c =
		    ddl_table_column(&p->ghost, p->added[i]);

		strbuf_reset(&lit);
		if (!c || ddl_implicit_default_sql(c, &lit) < 0)
			continue;
		if (cols) {
			strbuf_addstr(cols, ", ");
			quote_ident(cols, c->name);
		}
		if (vals) {
			strbuf_addstr(vals, ", ");
			strbuf_addbuf(vals, &lit);
		}
	}
	strbuf_release(&lit);
}

void ddl_build_implicit_values(struct strbuf *out, const struct ddl_plan *p)
{
	implicit_fills(p, NULL, out);
}

int ddl_build_replace_head(struct strbuf *out, const struct ddl_plan *p,
			   const char *db, const char *ghost,
			   struct strbuf *err)
{
	size_t old = out->len;

	strbuf_addstr(out, "REPLACE INTO ");
	if (qualified(out, db, ghost) < 0)
		return bad_name(out, old, err);
	strbuf_addstr(out, " (");
	column_list(out, p, DDL_SIDE_GHOST);
	implicit_fills(p, out, NULL);
	strbuf_addstr(out, ") VALUES ");
	return 0;
}

int ddl_build_replace(struct strbuf *out, const struct ddl_plan *p,
		      const char *db, const char *ghost,
		      const char *const *values, size_t rows_nr,
		      struct strbuf *err)
{
	size_t r, i;

	if (!rows_nr) {
		if (err)
			strbuf_addstr(err, "REPLACE needs at least one row");
		return -1;
	}
	if (ddl_build_replace_head(out, p, db, ghost, err) < 0)
		return -1;
	for (r = 0; r < rows_nr; r++) {
		if (r)
			strbuf_addstr(out, ", ");
		strbuf_addch(out, '(');
		for (i = 0; i < p->map_nr; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			strbuf_addstr(out, values[r * p->map_nr + i]);
		}
		implicit_fills(p, NULL, out);
		strbuf_addch(out, ')');
	}
	return 0;
}

int ddl_build_delete(struct strbuf *out, const struct ddl_plan *p,
		     const char *db, const char *ghost,
		     const char *const *key_values, struct strbuf *err)
{
	size_t old = out->len, i;

	strbuf_addstr(out, "DELETE FROM ");
	if (qualified(out, db, ghost) < 0)
		return bad_name(out, old, err);
	strbuf_addstr(out, " WHERE ");
	for (i = 0; i < p->key_nr; i++) {
		if (i)
			strbuf_addstr(out, " AND ");
		ghost_key_eq(out, p, i, key_values[i]);
	}
	return 0;
}

/* The grouping expression for one ghost key part, on the source. */
static void dup_expr(struct strbuf *out, const struct ddl_plan *p,
		     const struct ddl_col_map *m, long long prefix)
{
	const struct ddl_column *s = &p->source.columns[m->source_ordinal];
	const struct ddl_column *g = &p->ghost.columns[m->ghost_ordinal];
	const struct ddl_type *st = &s->type, *gt = &g->type;
	bool textual = ddl_type_is_textual(st) && ddl_type_is_textual(gt);
	bool cs_change = textual && st->charset && gt->charset &&
			 !ddl_name_eq(st->charset, gt->charset);
	bool coll_change = textual && gt->collation &&
			   (!st->collation ||
			    !ddl_name_eq(st->collation, gt->collation));
	long long len = prefix;

	if (len < 0 && textual && gt->length >= 0 &&
	    (!strcmp(gt->base, "char") || !strcmp(gt->base, "varchar")) &&
	    (st->length < 0 || gt->length < st->length ||
	     strcmp(st->base, gt->base)))
		len = gt->length;
	if (len >= 0)
		strbuf_addstr(out, "LEFT(");
	if (cs_change)
		strbuf_addstr(out, "CONVERT(");
	quote_ident(out, s->name);
	if (cs_change)
		strbuf_addf(out, " USING %s)", gt->charset);
	if (coll_change)
		strbuf_addf(out, " COLLATE %s", gt->collation);
	if (len >= 0)
		strbuf_addf(out, ", %lld)", len);
}

int ddl_build_dup_check(struct strbuf *out, const struct ddl_plan *p,
			size_t check_index, const char *db, const char *table,
			struct strbuf *err)
{
	const struct ddl_unique_check *uc;
	const struct ddl_index *g;
	struct strbuf exprs = STRBUF_INIT, where = STRBUF_INIT;
	size_t old = out->len, i, n = 0;

	if (check_index >= p->unique_checks_nr) {
		if (err)
			strbuf_addstr(err, "no such unique key check");
		return -1;
	}
	uc = &p->unique_checks[check_index];
	g = ddl_table_index(&p->ghost, uc->index_name);
	if (uc->uncheckable || !g) {
		if (err)
			strbuf_addf(err, "unique key `%s` cannot be checked in "
					 "advance",
				    uc->index_name);
		return -1;
	}
	for (i = 0; i < g->parts_nr; i++) {
		const struct ddl_col_map *m =
			ddl_plan_map_ghost(p, g->parts[i].column);

		if (!m)
			continue; /* an added column: the same for all rows */
		if (n++) {
			strbuf_addstr(&exprs, ", ");
			strbuf_addstr(&where, " AND ");
		}
		dup_expr(&exprs, p, m, g->parts[i].prefix_len);
		quote_ident(&where, m->source_name);
		strbuf_addstr(&where, " IS NOT NULL");
	}
	strbuf_addstr(out, "SELECT ");
	if (n) {
		strbuf_addbuf(out, &exprs);
		strbuf_addstr(out, ", ");
	}
	strbuf_addstr(out, "COUNT(*) FROM ");
	if (qualified(out, db, table) < 0) {
		strbuf_release(&exprs);
		strbuf_release(&where);
		return bad_name(out, old, err);
	}
	if (n) {
		strbuf_addstr(out, " WHERE ");
		strbuf_addbuf(out, &where);
		strbuf_addstr(out, " GROUP BY ");
		strbuf_addbuf(out, &exprs);
	}
	strbuf_addstr(out, " HAVING COUNT(*) > 1 LIMIT 1");
	strbuf_release(&exprs);
	strbuf_release(&where);
	return 0;
}

int ddl_build_null_check(struct strbuf *out, const struct ddl_plan *p,
			 const char *ghost_column, const char *db,
			 const char *table, struct strbuf *err)
{
	const struct ddl_col_map *m = ddl_plan_map_ghost(p, ghost_column);
	size_t old = out->len;

	if (!m) {
		if (err)
			strbuf_addf(err, "column `%s` is not copied from the "
					 "table",
				    ghost_column);
		return -1;
	}
	strbuf_addstr(out, "SELECT 1 FROM ");
	if (qualified(out, db, table) < 0)
		return bad_name(out, old, err);
	strbuf_addstr(out, " WHERE ");
	quote_ident(out, m->source_name);
	strbuf_addstr(out, " IS NULL LIMIT 1");
	return 0;
}

/* The token after `i` in `toks` is the punctuation `punct`. */
static bool tok_punct(const struct ddl_tokens *toks, size_t i,
		      const char *punct)
{
	return i < toks->nr && toks->t[i].kind == DDL_TOK_PUNCT &&
	       !strcmp(toks->t[i].val, punct);
}

static bool tok_name(const struct ddl_tokens *toks, size_t i)
{
	return i < toks->nr && (toks->t[i].kind == DDL_TOK_IDENT ||
				toks->t[i].kind == DDL_TOK_QIDENT);
}

int ddl_build_fk_orphan_check(struct strbuf *out, const struct ddl_plan *p,
			      size_t ghost_constraint, const char *db,
			      const char *table, struct strbuf *err)
{
	const struct ddl_constraint *c;
	struct ddl_tokens toks;
	struct strbuf e = STRBUF_INIT, cond = STRBUF_INIT;
	const char *rdb = db, *rtable;
	size_t old = out->len, i, r, err_off = 0, ncols = 0;
	int ret = -1;

	if (ghost_constraint >= p->ghost.constraints_nr || !p->key_nr ||
	    p->ghost.constraints[ghost_constraint].kind !=
		DDL_CONSTRAINT_FOREIGN_KEY) {
		if (err)
			strbuf_addstr(err, "no such foreign key");
		return -1;
	}
	c = &p->ghost.constraints[ghost_constraint];
	if (!c->text ||
	    ddl_lex(c->text, strlen(c->text), &toks, &err_off, &e) < 0) {
		if (err)
			strbuf_addf(err, "cannot read the foreign key: %s",
				    e.buf);
		strbuf_release(&e);
		return -1;
	}
	/* REFERENCES [db .] table ( col, ... ) */
	for (r = 0; r < toks.nr; r++)
		if (toks.t[r].kind == DDL_TOK_IDENT &&
		    !strcasecmp(toks.t[r].val, "REFERENCES"))
			break;
	if (!tok_name(&toks, r + 1)) {
		strbuf_addstr(&e, "no referenced table");
		goto out;
	}
	rtable = toks.t[r + 1].val;
	i = r + 2;
	if (tok_punct(&toks, i, ".") && tok_name(&toks, i + 1)) {
		rdb = rtable;
		rtable = toks.t[i + 1].val;
		i += 2;
	}
	if (!tok_punct(&toks, i, "(")) {
		strbuf_addstr(&e, "no referenced columns");
		goto out;
	}
	for (i++; tok_name(&toks, i); i += 2, ncols++) {
		const struct ddl_col_map *m;

		if (ncols >= c->columns_nr)
			break;
		m = ddl_plan_map_ghost(p, c->columns[ncols]);
		if (!m) {
			strbuf_addf(&e,
				    "column `%s` gets no value from the table "
				    "that could be checked in advance",
				    c->columns[ncols]);
			goto out;
		}
		if (ncols)
			strbuf_addstr(&cond, " AND ");
		strbuf_addstr(&cond, "`osc_p`.");
		quote_ident(&cond, toks.t[i].val);
		strbuf_addstr(&cond, " = `osc_c`.");
		quote_ident(&cond, m->source_name);
		if (!tok_punct(&toks, i + 1, ",")) {
			ncols++;
			break;
		}
	}
	if (!ncols || ncols != c->columns_nr) {
		strbuf_addstr(&e, "the referenced columns do not match");
		goto out;
	}
	strbuf_addstr(out, "SELECT ");
	for (i = 0; i < p->key_nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, "`osc_c`.");
		quote_ident(out, p->key[i].source_name);
	}
	strbuf_addstr(out, " FROM ");
	if (qualified(out, db, table) < 0) {
		bad_name(out, old, &e);
		goto out;
	}
	strbuf_addstr(out, " AS `osc_c` WHERE ");
	for (i = 0; i < c->columns_nr; i++) {
		const struct ddl_col_map *m = ddl_plan_map_ghost(p,
								 c->columns[i]);

		strbuf_addstr(out, "`osc_c`.");
		quote_ident(out, m->source_name);
		strbuf_addstr(out, " IS NOT NULL AND ");
	}
	strbuf_addstr(out, "NOT EXISTS (SELECT 1 FROM ");
	if (qualified(out, rdb, rtable) < 0) {
		bad_name(out, old, &e);
		goto out;
	}
	strbuf_addf(out, " AS `osc_p` WHERE %s) LIMIT 1", cond.buf);
	ret = 0;
out:
	if (ret < 0) {
		strbuf_setlen(out, old);
		if (err) {
			ddl_oneline(&e, 0); /* names may hold newlines */
			strbuf_addbuf(err, &e);
		}
	}
	ddl_tokens_release(&toks);
	strbuf_release(&e);
	strbuf_release(&cond);
	return ret;
}

int ddl_build_fit_check(struct strbuf *out, const struct ddl_plan *p,
			const char *ghost_column, const char *db,
			const char *table, struct strbuf *err)
{
	const struct ddl_col_map *m = ddl_plan_map_ghost(p, ghost_column);
	const struct ddl_column *o, *n;
	struct strbuf col = STRBUF_INIT, cond = STRBUF_INIT;
	size_t old = out->len, i;
	int ret = -1;

	if (!m || !p->key_nr) {
		if (err)
			strbuf_addf(err, "column `%s` is not copied from the "
					 "table",
				    ghost_column);
		return -1;
	}
	o = &p->source.columns[m->source_ordinal];
	n = &p->ghost.columns[m->ghost_ordinal];
	if (quote_ident(&col, m->source_name) < 0 ||
	    ddl_type_misfit_sql(&cond, col.buf, &o->type, &n->type) < 0) {
		if (err)
			strbuf_addstr(err, "cannot be checked in advance");
		goto out;
	}
	strbuf_addstr(out, "SELECT ");
	for (i = 0; i < p->key_nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		quote_ident(out, p->key[i].source_name);
	}
	strbuf_addstr(out, " FROM ");
	if (qualified(out, db, table) < 0) {
		bad_name(out, old, err);
		goto out;
	}
	strbuf_addf(out, " WHERE %s LIMIT 1", cond.buf);
	ret = 0;
out:
	strbuf_release(&col);
	strbuf_release(&cond);
	return ret;
}

/*
 * Append what stands for ghost column `name` in a CHECK expression run on
 * the source: the source column, or an added column's constant default
 * (NULL for a nullable column without one).
 */
static int check_stand_in(struct strbuf *out, const struct ddl_plan *p,
			  const char *name, struct strbuf *err)
{
	const struct ddl_col_map *m = ddl_plan_map_ghost(p, name);
	const struct ddl_column *c = ddl_table_column(&p->ghost, name);

	if (m)
		return quote_ident(out, m->source_name) < 0 ? -1 : 0;
	if (c && !c->generated) {
		if (c->default_kind == DDL_DEFAULT_LITERAL ||
		    c->default_kind == DDL_DEFAULT_NULL) {
			strbuf_addf(out, "(%s)",
				    c->default_sql ? c->default_sql : "NULL");
			return 0;
		}
		if (c->default_kind == DDL_DEFAULT_NONE && c->nullable) {
			strbuf_addstr(out, "NULL");
			return 0;
		}
	}
	if (err)
		strbuf_addf(err, "column `%s` gets no value from the table that "
				 "could be checked in advance",
			    name);
	return -1;
}

static bool tok_is_open(const struct ddl_tokens *toks, size_t i)
{
	return i < toks->nr && toks->t[i].kind == DDL_TOK_PUNCT &&
	       !strcmp(toks->t[i].val, "(");
}

int ddl_build_constraint_check(struct strbuf *out, const struct ddl_plan *p,
			       size_t check_index, const char *db,
			       const char *table, struct strbuf *err)
{
	const struct ddl_constraint_check *cc;
	struct ddl_tokens toks;
	struct strbuf expr = STRBUF_INIT, e = STRBUF_INIT;
	size_t old = out->len, i, from, err_off = 0;
	int ret = -1;

	if (check_index >= p->constraint_checks_nr || !p->key_nr) {
		if (err)
			strbuf_addstr(err, "no such constraint check");
		return -1;
	}
	cc = &p->constraint_checks[check_index];
	if (ddl_lex(cc->text, strlen(cc->text), &toks, &err_off, &e) < 0) {
		if (err)
			strbuf_addf(err, "cannot read the constraint: %s",
				    e.buf);
		strbuf_release(&e);
		return -1;
	}
	if (!toks.nr || toks.t[0].kind != DDL_TOK_IDENT ||
	    strcasecmp(toks.t[0].val, "CHECK")) {
		strbuf_addstr(&e, "not a CHECK constraint");
		goto out;
	}
	/* Each column reference is replaced, the rest kept as written. The
	 * server writes columns in backticks; a bare word is a column when
	 * the ghost has one of that name and it is not a function call. */
	from = toks.t[0].offset + toks.t[0].len;
	for (i = 1; i < toks.nr; i++) {
		const struct ddl_token *t = &toks.t[i];

		if (t->kind != DDL_TOK_QIDENT &&
		    (t->kind != DDL_TOK_IDENT ||
		     !ddl_table_column(&p->ghost, t->val) ||
		     tok_is_open(&toks, i + 1)))
			continue;
		strbuf_add(&expr, cc->text + from, t->offset - from);
		if (check_stand_in(&expr, p, t->val, &e) < 0)
			goto out;
		from = t->offset + t->len;
	}
	strbuf_addstr(&expr, cc->text + from);
	strbuf_trim(&expr);

	strbuf_addstr(out, "SELECT ");
	for (i = 0; i < p->key_nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		quote_ident(out, p->key[i].source_name);
	}
	strbuf_addstr(out, " FROM ");
	if (qualified(out, db, table) < 0) {
		bad_name(out, old, &e);
		goto out;
	}
	strbuf_addf(out, " WHERE NOT %s LIMIT 1", expr.buf);
	ret = 0;
out:
	if (ret < 0) {
		strbuf_setlen(out, old);
		if (err) {
			/* a name in it may hold a newline: one line */
			ddl_oneline(&e, 0);
			strbuf_addbuf(err, &e);
		}
	}
	ddl_tokens_release(&toks);
	strbuf_release(&expr);
	strbuf_release(&e);
	return ret;
}

/* ---------------------------------------------------------------------
 * The dry-run rendering
 */

static const char *const severity_names[] = { "note", "warning", "danger" };

void ddl_plan_render(struct strbuf *out, const struct ddl_plan *p,
		     const char *db, const char *table,
		     const char *ghost_table)
{
	size_t i, j;

	strbuf_addstr(out, "ghost table:\n  ");
	if (ddl_build_ghost_create(out, db, table, ghost_table, NULL) < 0)
		strbuf_addstr(out, "(bad name)");
	strbuf_addstr(out, "\n  ");
	if (ddl_build_ghost_alter(out, p, db, ghost_table, NULL) < 0)
		strbuf_addstr(out, "(bad name)");
	strbuf_addch(out, '\n');

	strbuf_addf(out, "columns copied (%zu):\n", p->map_nr);
	for (i = 0; i < p->map_nr; i++) {
		const struct ddl_column *s =
			&p->source.columns[p->map[i].source_ordinal];
		const struct ddl_column *g =
			&p->ghost.columns[p->map[i].ghost_ordinal];

		strbuf_addstr(out, "  ");
		quote_ident(out, p->map[i].source_name);
		strbuf_addstr(out, " -> ");
		quote_ident(out, p->map[i].ghost_name);
		strbuf_addch(out, ' ');
		ddl_type_describe(out, &g->type);
		if (p->map[i].renamed)
			strbuf_addstr(out, " (renamed)");
		if (strcmp(s->type.base, g->type.base) ||
		    s->type.length != g->type.length ||
		    s->type.scale != g->type.scale ||
		    s->type.is_unsigned != g->type.is_unsigned) {
			strbuf_addstr(out, " (was ");
			ddl_type_describe(out, &s->type);
			strbuf_addch(out, ')');
		}
		strbuf_addch(out, '\n');
	}
	if (p->dropped_nr) {
		strbuf_addf(out, "columns dropped (%zu):", p->dropped_nr);
		for (i = 0; i < p->dropped_nr; i++) {
			strbuf_addch(out, ' ');
			quote_ident(out, p->dropped[i]);
		}
		strbuf_addch(out, '\n');
	}
	if (p->added_nr) {
		strbuf_addf(out, "columns added (%zu):", p->added_nr);
		for (i = 0; i < p->added_nr; i++) {
			strbuf_addch(out, ' ');
			quote_ident(out, p->added[i]);
		}
		strbuf_addch(out, '\n');
	}
	for (i = 0, j = 0; i < p->ghost.columns_nr; i++) {
		if (!p->ghost.columns[i].generated)
			continue;
		if (!j++)
			strbuf_addstr(out, "generated columns (computed by the "
					   "server, not copied):");
		strbuf_addch(out, ' ');
		quote_ident(out, p->ghost.columns[i].name);
	}
	if (j)
		strbuf_addch(out, '\n');

	strbuf_addstr(out, "shared key: ");
	quote_ident(out, p->key_source_index);
	strbuf_addstr(out, " (");
	for (i = 0; i < p->key_nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		quote_ident(out, p->key[i].source_name);
	}
	strbuf_addch(out, ')');
	if (p->key_ghost_wider) {
		strbuf_addstr(out, ", the first columns of ");
		quote_ident(out, p->key_ghost_index);
		strbuf_addstr(out, " in the ghost (the replay deletes by the "
				   "shared key before it writes a row)");
	} else if (!ddl_name_eq(p->key_source_index, p->key_ghost_index)) {
		strbuf_addstr(out, ", ");
		quote_ident(out, p->key_ghost_index);
		strbuf_addstr(out, " in the ghost");
	}
	strbuf_addch(out, '\n');

	for (i = 0; i < p->unique_checks_nr; i++) {
		const struct ddl_unique_check *uc = &p->unique_checks[i];
		struct strbuf q = STRBUF_INIT;

		strbuf_addstr(out, "unique key check: ");
		quote_ident(out, uc->index_name);
		strbuf_addf(out, " (%s): ", uc->added ? "added" : "narrowed");
		if (ddl_build_dup_check(&q, p, i, db, table, NULL) < 0)
			strbuf_addstr(out, "cannot be checked in advance");
		else
			strbuf_addbuf(out, &q);
		strbuf_addch(out, '\n');
		strbuf_release(&q);
	}
	for (i = 0; i < p->constraint_checks_nr; i++) {
		const struct ddl_constraint_check *cc =
			&p->constraint_checks[i];
		struct strbuf q = STRBUF_INIT;

		strbuf_addstr(out, "constraint check: ");
		if (cc->on_column)
			strbuf_addstr(out, "column ");
		if (cc->name)
			quote_ident(out, cc->name);
		else
			strbuf_addstr(out, "(unnamed)");
		strbuf_addstr(out, ": ");
		if (ddl_build_constraint_check(&q, p, i, db, table, NULL) < 0)
			strbuf_addstr(out, "cannot be checked in advance");
		else
			strbuf_addbuf(out, &q);
		strbuf_addch(out, '\n');
		strbuf_release(&q);
	}

	if (!p->risks_nr) {
		strbuf_addstr(out, "risks: none\n");
		return;
	}
	strbuf_addf(out, "risks (%zu):\n", p->risks_nr);
	for (i = 0; i < p->risks_nr; i++)
		strbuf_addf(out, "  %s: %s\n",
			    severity_names[p->risks[i].severity],
			    p->risks[i].message);
}
