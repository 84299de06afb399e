/*
 * statement.c: the replay's SQL text from decoded rows (see statement.h
 * for the contract). Pure: no connection, no printing.
 */
#include "util/compat.h"
#include "osc/replay/statement.h"
#include "util/quote.h"
#include "util/wrapper.h"

static void prepare_columns(struct replay_stmts *s)
{
	const struct ddl_plan *p = s->plan;
	size_t i;

	s->targets = xcalloc(p->map_nr ? p->map_nr : 1, sizeof(*s->targets));
	s->by_name = xcalloc(p->map_nr ? p->map_nr : 1, sizeof(*s->by_name));
	for (i = 0; i < p->map_nr; i++) {
		const struct ddl_column *src =
		    &p->source.columns[p->map[i].source_ordinal];
		const struct ddl_column *gh =
		    &p->ghost.columns[p->map[i].ghost_ordinal];
		size_t k;

		/* Only the ghost's type name is used (JSON targets). */
		s->targets[i].name = gh->name;
		s->targets[i].column_type = gh->type.base;
		s->targets[i].datetime_precision = -1;
		if ((!strcmp(src->type.base, "enum") ||
		     !strcmp(src->type.base, "set"))) {
			int same = !strcmp(src->type.base, gh->type.base) &&
				   src->type.values_nr == gh->type.values_nr;

			for (k = 0; same && k < src->type.values_nr; k++)
				same = !strcmp(src->type.values[k],
					       gh->type.values[k]);
			s->by_name[i] = !same;
		}
	}
	s->unique_mode = p->unique_checks_nr > 0;
	s->delete_first = p->key_ghost_wider;
}

int replay_stmts_init(struct replay_stmts *s, const struct ddl_plan *plan,
		      const char *db, const char *ghost, struct strbuf *err)
{
	memset(s, 0, sizeof(*s));
	s->plan = plan;
	strbuf_init(&s->replace_head, 0);
	strbuf_init(&s->insert_head, 0);
	strbuf_init(&s->delete_head, 0);
	strbuf_init(&s->implicit_values, 0);
	prepare_columns(s);
	ddl_build_implicit_values(&s->implicit_values, plan);
	if (ddl_build_replace_head(&s->replace_head, plan, db, ghost, err) < 0)
		return -1;
	/* "REPLACE INTO" -> "INSERT INTO" for unique mode. */
	strbuf_addstr(&s->insert_head, "INSERT");
	strbuf_add(&s->insert_head, s->replace_head.buf + 7,
		   s->replace_head.len - 7);
	strbuf_addstr(&s->delete_head, "DELETE FROM ");
	quote_qualified(&s->delete_head, db, ghost);
	strbuf_addstr(&s->delete_head, " WHERE ");
	return 0;
}

void replay_stmts_truncate(struct replay_stmts *s, size_t n)
{
	size_t i;

	for (i = n; i < s->ops_nr; i++) {
		s->ops_bytes -= s->ops[i].len;
		free(s->ops[i].sql);
		free(s->ops[i].src_key);
	}
	if (n < s->ops_nr)
		s->ops_nr = n;
}

void replay_stmts_release(struct replay_stmts *s)
{
	replay_stmts_truncate(s, 0);
	free(s->ops);
	s->ops = NULL;
	s->ops_alloc = 0;
	free(s->targets);
	s->targets = NULL;
	free(s->by_name);
	s->by_name = NULL;
	strbuf_release(&s->replace_head);
	strbuf_release(&s->insert_head);
	strbuf_release(&s->delete_head);
	strbuf_release(&s->implicit_values);
}

static void add_value(const struct replay_stmts *s, struct strbuf *out,
		      size_t map_i, const struct binlog_value *v,
		      struct strbuf *err, int *bad)
{
	const struct ddl_plan *p = s->plan;
	const struct ddl_col_map *m = &p->map[map_i];

	if (s->by_name[map_i] &&
	    (v->kind == BINLOG_VALUE_ENUM || v->kind == BINLOG_VALUE_SET)) {
		/* The member list changed: the index means another member
		 * on the ghost, the name means the same one. */
		const struct ddl_type *t =
		    &p->source.columns[m->source_ordinal].type;
		struct strbuf names = STRBUF_INIT;
		size_t i;

		if (v->kind == BINLOG_VALUE_ENUM) {
			if (v->v.u >= 1 && v->v.u <= t->values_nr)
				strbuf_addstr(&names, t->values[v->v.u - 1]);
		} else {
			for (i = 0; i < t->values_nr && i < 64; i++) {
				if (!(v->v.u & (1ULL << i)))
					continue;
				if (names.len)
					strbuf_addch(&names, ',');
				strbuf_addstr(&names, t->values[i]);
			}
		}
		quote_sql_string(out, names.buf, names.len);
		strbuf_release(&names);
		return;
	}
	if (v->kind == BINLOG_VALUE_STRING || v->kind == BINLOG_VALUE_BLOB) {
		/* In the source column's charset, so that the server
		 * converts it as the copy does (issue 12 item 1). */
		ddl_build_replay_string(out, p, map_i, v->str, v->len);
		return;
	}
	if (binlog_value_to_sql(out, v, &s->targets[map_i], err) < 0)
		*bad = 1;
}

/* The literal, converted between zones as the copy converts it. */
static void add_literal(const struct replay_stmts *s, struct strbuf *out,
			size_t map_i, const struct binlog_value *v,
			struct strbuf *err, int *bad)
{
	struct strbuf lit = STRBUF_INIT;

	if (!s->plan->time_zone || v->kind == BINLOG_VALUE_NULL) {
		add_value(s, out, map_i, v, err, bad);
		return;
	}
	add_value(s, &lit, map_i, v, err, bad);
	ddl_build_tz_convert(out, s->plan, map_i, lit.buf);
	strbuf_release(&lit);
}

/* "(v1, v2, ...)" of the after-image, in map order. */
static int row_tuple(const struct replay_stmts *s,
		     const struct binlog_value *img, unsigned int ncols,
		     struct strbuf *out, struct strbuf *err)
{
	const struct ddl_plan *p = s->plan;
	int bad = 0;
	size_t i;

	strbuf_addch(out, '(');
	for (i = 0; i < p->map_nr; i++) {
		unsigned int ord = p->map[i].source_ordinal;

		if (ord >= ncols) {
			strbuf_addf(err,
				    "a row image has %u columns, the "
				    "table had %u: was it altered?",
				    ncols, (unsigned)p->source.columns_nr);
			return -1;
		}
		if (i)
			strbuf_addstr(out, ", ");
		add_literal(s, out, i, &img[ord], err, &bad);
		if (bad)
			return -1;
	}
	/* The added columns' implicit defaults (replace_head names them). */
	strbuf_addbuf(out, &s->implicit_values);
	strbuf_addch(out, ')');
	return 0;
}

/*
 * The key predicate (`k1` = v1 AND ...) of an image, on the ghost, and
 * when `src` is not NULL the same one with the source's column names.
 */
static int key_preds(const struct replay_stmts *s,
		     const struct binlog_value *img, unsigned int ncols,
		     struct strbuf *out, struct strbuf *src, struct strbuf *err)
{
	const struct ddl_plan *p = s->plan;
	struct strbuf *lits = xcalloc(p->key_nr, sizeof(*lits));
	const char **vals = xcalloc(p->key_nr, sizeof(*vals));
	int ret = -1, bad = 0;
	size_t i;

	for (i = 0; i < p->key_nr; i++) {
		unsigned int ord = p->key[i].source_ordinal;

		strbuf_init(&lits[i], 0);
		if (ord >= ncols) {
			strbuf_addstr(err, "a row image lacks a key column");
			goto out;
		}
		add_literal(s, &lits[i], p->key[i].map_index, &img[ord], err,
			    &bad);
		if (bad)
			goto out;
		vals[i] = lits[i].buf;
	}
	ret = ddl_build_key_predicate(out, p, DDL_SIDE_GHOST, "=", vals, err);
	if (!ret && src)
		ret = ddl_build_key_predicate(src, p, DDL_SIDE_SOURCE, "=",
					      vals, err);
out:
	for (i = 0; i < p->key_nr; i++)
		strbuf_release(&lits[i]);
	free(lits);
	free(vals);
	return ret;
}

static int key_pred(const struct replay_stmts *s,
		    const struct binlog_value *img, unsigned int ncols,
		    struct strbuf *out, struct strbuf *err)
{
	return key_preds(s, img, ncols, out, NULL, err);
}

static void push_op(struct replay_stmts *s, enum replay_op_kind kind,
		    struct strbuf *text)
{
	ALLOC_GROW(s->ops, s->ops_nr + 1, s->ops_alloc);
	s->ops[s->ops_nr].kind = kind;
	s->ops[s->ops_nr].sql = strbuf_detach(text, &s->ops[s->ops_nr].len);
	s->ops[s->ops_nr].src_key = NULL;
	s->ops_bytes += s->ops[s->ops_nr].len;
	s->ops_nr++;
}

/*
 * A delete that removes a row (a delete event, or the old key of an
 * update that moves the row): with track_removals, also keep its key
 * predicate on the source (see statement.h).
 */
static int push_removal(struct replay_stmts *s,
			const struct binlog_value *img, unsigned int ncols,
			struct strbuf *text, struct strbuf *err)
{
	struct strbuf src = STRBUF_INIT;

	strbuf_reset(text);
	if (key_preds(s, img, ncols, text, s->track_removals ? &src : NULL,
		      err) < 0) {
		strbuf_release(&src);
		return -1;
	}
	push_op(s, REPLAY_OP_DELETE, text);
	if (s->track_removals)
		s->ops[s->ops_nr - 1].src_key = strbuf_detach(&src, NULL);
	return 0;
}

int replay_stmts_add_rows(struct replay_stmts *s, enum binlog_row_kind kind,
			  const struct binlog_row *rows, size_t nrows,
			  unsigned int ncols, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT, k2 = STRBUF_INIT;
	size_t i;
	int ret = -1;

	for (i = 0; i < nrows; i++) {
		const struct binlog_row *r = &rows[i];

		switch (kind) {
		case BINLOG_ROW_INSERT:
			if (s->unique_mode || s->delete_first) {
				if (key_pred(s, r->after, ncols, &text, err) <
				    0)
					goto out;
				push_op(s, REPLAY_OP_DELETE, &text);
			}
			if (row_tuple(s, r->after, ncols, &text, err) < 0)
				goto out;
			push_op(s, REPLAY_OP_UPSERT, &text);
			break;
		case BINLOG_ROW_DELETE:
			if (push_removal(s, r->before, ncols, &text, err) < 0)
				goto out;
			break;
		case BINLOG_ROW_UPDATE:
			if (key_pred(s, r->before, ncols, &text, err) < 0 ||
			    key_pred(s, r->after, ncols, &k2, err) < 0)
				goto out;
			/* A new key: the old row goes first. */
			if (strbuf_cmp(&text, &k2) &&
			    push_removal(s, r->before, ncols, &text, err) < 0)
				goto out;
			strbuf_reset(&text);
			/*
			 * With a wider ghost key (`id`, `created`), a REPLACE
			 * of an after-image whose `created` changed would not
			 * meet the row it replaces, and two ghost rows would
			 * have one `id`: delete by the shared key first.
			 */
			if (s->unique_mode || s->delete_first)
				push_op(s, REPLAY_OP_DELETE, &k2);
			strbuf_reset(&k2);
			if (row_tuple(s, r->after, ncols, &text, err) < 0)
				goto out;
			push_op(s, REPLAY_OP_UPSERT, &text);
			break;
		}
		strbuf_reset(&text);
	}
	ret = 0;
out:
	strbuf_release(&text);
	strbuf_release(&k2);
	return ret;
}

void replay_stmts_build(const struct replay_stmts *s, struct strbuf *stmts,
			size_t *count)
{
	struct strbuf b = STRBUF_INIT;
	size_t i = 0, j, n;

	*count = 0;
	while (i < s->ops_nr) {
		enum replay_op_kind kind = s->ops[i].kind;

		if (kind == REPLAY_OP_UPSERT && s->unique_mode) {
			/* Each upsert was queued after a DELETE by its
			 * shared key (replay_stmts_add_rows): a plain INSERT
			 * then makes a conflict on the new unique key an
			 * error, not a silent delete of another row. One row
			 * at a time, so two writes of one key cannot
			 * collide. */
			strbuf_reset(&b);
			strbuf_addbuf(&b, &s->insert_head);
			strbuf_add(&b, s->ops[i].sql, s->ops[i].len);
			strbuf_addbuf(stmts, &b);
			strbuf_addch(stmts, '\0');
			(*count)++;
			i++;
			continue;
		}
		strbuf_reset(&b);
		strbuf_addbuf(&b, kind == REPLAY_OP_UPSERT ? &s->replace_head
							   : &s->delete_head);
		for (j = i, n = 0; j < s->ops_nr && s->ops[j].kind == kind;
		     j++, n++) {
			if (n &&
			    (b.len + s->ops[j].len > REPLAY_STMT_MAX_BYTES ||
			     (kind == REPLAY_OP_DELETE &&
			      n >= REPLAY_DELETE_MAX_ROWS)))
				break;
			if (n)
				strbuf_addstr(&b, kind == REPLAY_OP_UPSERT
						      ? ", "
						      : " OR ");
			strbuf_add(&b, s->ops[j].sql, s->ops[j].len);
		}
		strbuf_addbuf(stmts, &b);
		strbuf_addch(stmts, '\0');
		(*count)++;
		i = j;
	}
	strbuf_release(&b);
}
