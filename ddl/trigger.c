/*
 * trigger.c: the text of a trigger's definition (pure; see ddl.h).
 *
 * osc carries a table's triggers to the new table by creating each one
 * again, from the statement the server stored for it (SHOW CREATE
 * TRIGGER's "SQL Original Statement"), on the ghost. Only the ON clause
 * changes: the RENAME of the cut-over respells it anyway (MariaDB writes
 * `ON `t` ` for every RENAME TABLE of a table with triggers), and the rest
 * of the text, body included, stays byte for byte what the user wrote.
 *
 * A small tokenizer is enough: blanks, comments, strings, identifiers and
 * punctuation, so that a word inside a string or a comment never counts.
 * The text of an executable comment (slash-star-bang, as mysqldump writes
 * triggers) counts, its markers do not.
 */
#include "util/compat.h"
#include "ddl/ddl.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <strings.h>

enum tok_kind {
	TOK_END = 0,
	TOK_WORD,	/* bare identifier or keyword */
	TOK_QUOTED,	/* `identifier` */
	TOK_STRING,	/* 'string' or "string" */
	TOK_PUNCT,	/* one character */
};

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t len;
};

struct lexer {
	const char *s;
	const char *p;
	int in_exec_comment;
};

static int is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static void skip_blank(struct lexer *lx)
{
	const char *p = lx->p;

	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (p[0] == '/' && p[1] == '*' && p[2] == '!') {
			p += 3;
			while (isdigit((unsigned char)*p))
				p++;
			lx->in_exec_comment = 1;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
		} else if (lx->in_exec_comment && p[0] == '*' && p[1] == '/') {
			p += 2;
			lx->in_exec_comment = 0;
		} else if (p[0] == '#' ||
			   (p[0] == '-' && p[1] == '-' &&
			    (!p[2] || isspace((unsigned char)p[2])))) {
			while (*p && *p != '\n')
				p++;
		} else {
			break;
		}
	}
	lx->p = p;
}

static void next(struct lexer *lx, struct tok *t)
{
	const char *p;

	skip_blank(lx);
	p = lx->p;
	t->p = p;
	if (!*p) {
		t->kind = TOK_END;
		t->len = 0;
		return;
	}
	if (*p == '`' || *p == '\'' || *p == '"') {
		char q = *p++;

		for (;;) {
			if (!*p)
				break;
			if (*p == '\\' && q != '`' && p[1]) {
				p += 2;
				continue;
			}
			if (*p == q) {
				if (p[1] == q) {
					p += 2;
					continue;
				}
				p++;
				break;
			}
			p++;
		}
		t->kind = q == '`' ? TOK_QUOTED : TOK_STRING;
	} else if (is_word_char((unsigned char)*p)) {
		while (*p && is_word_char((unsigned char)*p))
			p++;
		t->kind = TOK_WORD;
	} else {
		p++;
		t->kind = TOK_PUNCT;
	}
	t->len = (size_t)(p - t->p);
	lx->p = p;
}

static int is_word(const struct tok *t, const char *w)
{
	return t->kind == TOK_WORD && strlen(w) == t->len &&
	       !strncasecmp(t->p, w, t->len);
}

static int is_punct(const struct tok *t, char c)
{
	return t->kind == TOK_PUNCT && *t->p == c;
}

/*
 * An identifier: bare, `quoted`, or "quoted" (a trigger created under
 * ANSI_QUOTES has its text in that mode, and the server's RENAME writes
 * ON "t" there): where a name must stand, a double-quoted token is one.
 */
static int is_ident(const struct tok *t)
{
	return t->kind == TOK_WORD || t->kind == TOK_QUOTED ||
	       (t->kind == TOK_STRING && *t->p == '"');
}

/* The name a token spells: a bare word as is, `a``b` as a`b. */
static char *ident_value(const struct tok *t)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (t->kind == TOK_WORD) {
		strbuf_add(&sb, t->p, t->len);
		return strbuf_detach(&sb, NULL);
	}
	for (i = 1; i + 1 < t->len; i++) {
		strbuf_addch(&sb, t->p[i]);
		if (t->p[i] == *t->p && t->p[i + 1] == *t->p)
			i++;
	}
	return strbuf_detach(&sb, NULL);
}

/* ident [. ident]; leaves *t on the token after it. 0 or -1. */
static int qualified_name(struct lexer *lx, struct tok *t)
{
	if (!is_ident(t))
		return -1;
	next(lx, t);
	if (is_punct(t, '.')) {
		next(lx, t);
		if (!is_ident(t))
			return -1;
		next(lx, t);
	}
	return 0;
}

void ddl_trigger_text_release(struct ddl_trigger_text *tt)
{
	size_t i;

	for (i = 0; i < tt->columns_nr; i++)
		free(tt->columns[i]);
	free(tt->columns);
	memset(tt, 0, sizeof(*tt));
}

static void add_column(struct ddl_trigger_text *tt, const char *name)
{
	size_t i;

	for (i = 0; i < tt->columns_nr; i++)
		if (!strcasecmp(tt->columns[i], name))
			return;
	ALLOC_GROW(tt->columns, tt->columns_nr + 1, tt->columns_alloc);
	tt->columns[tt->columns_nr++] = xstrdup(name);
}

static int parse_fail(struct ddl_trigger_text *tt, struct strbuf *err,
		      const char *what)
{
	ddl_trigger_text_release(tt);
	if (err)
		strbuf_addf(err, "cannot read the trigger's definition: "
			    "expected %s", what);
	return -1;
}

int ddl_trigger_parse(const char *stmt, struct ddl_trigger_text *tt,
		      struct strbuf *err)
{
	struct lexer lx = { stmt, stmt, 0 };
	struct tok t, dot, col;

	memset(tt, 0, sizeof(*tt));
	/* CREATE [OR REPLACE] [DEFINER = ...] TRIGGER */
	for (next(&lx, &t); t.kind != TOK_END && !is_word(&t, "TRIGGER");
	     next(&lx, &t))
		;
	if (t.kind == TOK_END)
		return parse_fail(tt, err, "CREATE ... TRIGGER");
	next(&lx, &t);
	if (is_word(&t, "IF")) {
		next(&lx, &t);
		if (!is_word(&t, "NOT"))
			return parse_fail(tt, err, "IF NOT EXISTS");
		next(&lx, &t);
		if (!is_word(&t, "EXISTS"))
			return parse_fail(tt, err, "IF NOT EXISTS");
		next(&lx, &t);
	}
	if (qualified_name(&lx, &t) < 0)
		return parse_fail(tt, err, "the trigger's name");
	if (!is_word(&t, "BEFORE") && !is_word(&t, "AFTER"))
		return parse_fail(tt, err, "BEFORE or AFTER");
	next(&lx, &t);
	if (!is_word(&t, "INSERT") && !is_word(&t, "UPDATE") &&
	    !is_word(&t, "DELETE"))
		return parse_fail(tt, err, "INSERT, UPDATE or DELETE");
	next(&lx, &t);
	if (!is_word(&t, "ON"))
		return parse_fail(tt, err, "ON and the table");
	tt->on_start = (size_t)(t.p - stmt);
	next(&lx, &t);
	if (qualified_name(&lx, &t) < 0)
		return parse_fail(tt, err, "the table after ON");
	if (!is_word(&t, "FOR"))
		return parse_fail(tt, err, "FOR EACH ROW");
	tt->on_end = (size_t)(t.p - stmt);
	next(&lx, &t);
	if (!is_word(&t, "EACH"))
		return parse_fail(tt, err, "FOR EACH ROW");
	next(&lx, &t);
	if (!is_word(&t, "ROW"))
		return parse_fail(tt, err, "FOR EACH ROW");
	next(&lx, &t);
	/*
	 * MariaDB does not keep FOLLOWS/PRECEDES in the stored text (the
	 * order is kept apart, as ACTION_ORDER); a text that has one would
	 * put the trigger elsewhere when it is created again.
	 */
	if (is_word(&t, "FOLLOWS") || is_word(&t, "PRECEDES"))
		tt->order_clause = 1;
	tt->body_start = (size_t)(t.p - stmt);
	/* NEW.col and OLD.col, anywhere in the body. */
	for (; t.kind != TOK_END; next(&lx, &t)) {
		struct lexer save;
		char *name;

		if (!is_word(&t, "NEW") && !is_word(&t, "OLD"))
			continue;
		save = lx;
		next(&lx, &dot);
		if (!is_punct(&dot, '.')) {
			lx = save;
			continue;
		}
		next(&lx, &col);
		if (!is_ident(&col)) {
			lx = save;
			continue;
		}
		name = ident_value(&col);
		add_column(tt, name);
		free(name);
	}
	return 0;
}

int ddl_trigger_retarget(struct strbuf *out, const char *stmt,
			 const struct ddl_trigger_text *tt, const char *db,
			 const char *table)
{
	strbuf_add(out, stmt, tt->on_start);
	strbuf_addstr(out, "ON ");
	if (quote_qualified(out, db, table) < 0)
		return -1;
	strbuf_addch(out, ' ');
	strbuf_addstr(out, stmt + tt->on_end);
	return 0;
}

int ddl_fk_retarget(struct strbuf *out, const char *definition,
		    const char *db, const char *table, struct strbuf *err)
{
	struct lexer lx = { definition, definition, 0 };
	struct tok t;
	const char *start;

	for (next(&lx, &t); t.kind != TOK_END && !is_word(&t, "REFERENCES");
	     next(&lx, &t))
		;
	if (t.kind == TOK_END)
		goto fail;
	next(&lx, &t);
	start = t.p;
	if (qualified_name(&lx, &t) < 0)
		goto fail;
	strbuf_add(out, definition, (size_t)(start - definition));
	if (quote_qualified(out, db, table) < 0)
		goto fail;
	/* What followed the name, from its end (not the next token). */
	strbuf_addch(out, ' ');
	strbuf_addstr(out, t.p);
	return 0;
fail:
	if (err)
		strbuf_addstr(err, "cannot find REFERENCES and the table in the "
			      "foreign key's definition");
	return -1;
}
