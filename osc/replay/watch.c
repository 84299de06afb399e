/*
 * watch.c: the DDL watch (see watch.h). A small tokenizer over the
 * statement text: blanks, comments, quoted strings and identifiers, enough
 * to find `db`.`table` without parsing SQL.
 */
#include "util/compat.h"
#include "osc/replay/watch.h"
#include "util/ident.h"
#include "util/strbuf.h"

#include <strings.h>

/* Skip blanks and comments; returns the next significant character. */
static const char *skip_blank(const char *p)
{
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (p[0] == '/' && p[1] == '*' && p[2] != '!') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else if (p[0] == '#' ||
			   (p[0] == '-' && p[1] == '-' &&
			    (isspace((unsigned char)p[2]) || !p[2]))) {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*' && p[2] == '!') {
			/* executable comment: its text counts */
			p += 3;
			while (isdigit((unsigned char)*p))
				p++;
		} else {
			return p;
		}
	}
}

/* Read one identifier token (bare or backticked) into out; NULL if none. */
static const char *read_ident(const char *p, struct strbuf *out)
{
	strbuf_reset(out);
	if (*p == '`') {
		p++;
		while (*p) {
			if (*p == '`') {
				if (p[1] == '`') {
					strbuf_addch(out, '`');
					p += 2;
					continue;
				}
				return p + 1;
			}
			strbuf_addch(out, *p++);
		}
		return p;
	}
	if (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
	    (unsigned char)*p >= 0x80) {
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
		       (unsigned char)*p >= 0x80)
			strbuf_addch(out, *p++);
		return p;
	}
	return NULL;
}

int replay_watch_mentions_table(int lctn, const char *sql, const char *cur_db,
				const char *db, const char *table)
{
	struct strbuf prev = STRBUF_INIT, id = STRBUF_INIT;
	const char *p = sql;
	int found = 0, prev_dot = 0;

	while (*p && !found) {
		const char *q;

		p = skip_blank(p);
		if (!*p)
			break;
		if (*p == '\'' || *p == '"') {
			char quote = *p++;

			while (*p && *p != quote) {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p)
				p++;
			strbuf_reset(&prev);
			prev_dot = 0;
			continue;
		}
		q = read_ident(p, &id);
		if (!q) {
			prev_dot = (*p == '.');
			if (!prev_dot)
				strbuf_reset(&prev);
			p++;
			continue;
		}
		p = q;
		if (ident_name_eq(lctn, id.buf, table)) {
			if (prev_dot)
				found = ident_name_eq(lctn, prev.buf, db);
			else if (*skip_blank(p) != '.')
				found = cur_db && ident_name_eq(lctn, cur_db, db);
		}
		strbuf_reset(&prev);
		if (!prev_dot)
			strbuf_addbuf(&prev, &id);
		prev_dot = 0;
	}
	strbuf_release(&prev);
	strbuf_release(&id);
	return found;
}

int replay_watch_starts_with_word(const char *sql, const char *word)
{
	const char *p = skip_blank(sql);
	size_t n = strlen(word);

	return !strncasecmp(p, word, n) && !isalnum((unsigned char)p[n]);
}

/*
 * The next token of a statement: a bare word (`*bare` = 1), a quoted
 * identifier (0), or a string or a punctuation character (word empty).
 * NULL at the end.
 */
static const char *next_token(const char *p, struct strbuf *word, int *bare)
{
	const char *q;

	p = skip_blank(p);
	strbuf_reset(word);
	*bare = 0;
	if (!*p)
		return NULL;
	if (*p == '\'' || *p == '"') {
		char quote = *p++;

		while (*p && *p != quote) {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		return *p ? p + 1 : p;
	}
	*bare = *p != '`';
	q = read_ident(p, word);
	if (q)
		return q;
	*bare = 0;
	return p + 1;
}

static int word_is(const struct strbuf *w, int bare, const char *kw)
{
	return bare && !strcasecmp(w->buf, kw);
}

/* 1 when a bare word REFERENCES appears (a foreign key to some table). */
static int has_references(const char *p)
{
	struct strbuf w = STRBUF_INIT;
	int bare, found = 0;

	while (!found && (p = next_token(p, &w, &bare)))
		found = word_is(&w, bare, "REFERENCES");
	strbuf_release(&w);
	return found;
}

int replay_watch_harmless(int lctn, const char *sql, const char *cur_db,
			  const char *db, const char *table)
{
	struct strbuf w = STRBUF_INIT, name = STRBUF_INIT;
	const char *p = sql, *start;
	int bare, ret = 0, i;

	p = next_token(p, &w, &bare);
	if (!p)
		goto out;
	if (word_is(&w, bare, "GRANT") || word_is(&w, bare, "REVOKE") ||
	    word_is(&w, bare, "ANALYZE")) {
		ret = 1;
		goto out;
	}
	if (!word_is(&w, bare, "CREATE") && !word_is(&w, bare, "DROP") &&
	    !word_is(&w, bare, "ALTER"))
		goto out;
	/*
	 * The object kind comes within a few words (OR REPLACE, DEFINER =
	 * `u`@`h`, SQL SECURITY x, ALGORITHM = x, AGGREGATE, TEMPORARY);
	 * quoted identifiers and strings there are names, never the kind.
	 */
	for (i = 0; i < 16 && (p = next_token(p, &w, &bare)); i++) {
		if (!bare)
			continue;
		if (word_is(&w, bare, "EVENT") || word_is(&w, bare, "VIEW") ||
		    word_is(&w, bare, "PROCEDURE") ||
		    word_is(&w, bare, "FUNCTION")) {
			/* Not the table: what they run later is logged on
			 * its own. */
			ret = 1;
			goto out;
		}
		if (word_is(&w, bare, "TABLE"))
			break;
		if (word_is(&w, bare, "TRIGGER") || word_is(&w, bare, "INDEX") ||
		    word_is(&w, bare, "DATABASE") || word_is(&w, bare, "SCHEMA"))
			goto out;
	}
	if (!p || !word_is(&w, bare, "TABLE") ||
	    !replay_watch_starts_with_word(sql, "CREATE"))
		goto out;
	/* CREATE TABLE [IF NOT EXISTS] name: is the new table ours? */
	start = p;
	p = next_token(p, &w, &bare);
	if (p && word_is(&w, bare, "IF")) {
		p = next_token(p, &w, &bare);
		if (p && word_is(&w, bare, "NOT"))
			p = next_token(p, &w, &bare);
		start = p;
		p = p ? next_token(p, &w, &bare) : NULL;
	}
	if (!p || !w.len)
		goto out;
	if (*skip_blank(p) == '.') {
		p = next_token(skip_blank(p) + 1, &w, &bare);
		if (!p || !w.len)
			goto out;
	}
	strbuf_add(&name, start, (size_t)(p - start));
	/*
	 * Another table, made LIKE ours or from a SELECT on it: ours is only
	 * read. A foreign key to it would follow the rename: not harmless.
	 */
	ret = !replay_watch_mentions_table(lctn, name.buf, cur_db, db, table) &&
	      !has_references(p);
out:
	strbuf_release(&w);
	strbuf_release(&name);
	return ret;
}
