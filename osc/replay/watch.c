/*
 * watch.c: the DDL watch (see watch.h). A small tokenizer over the
 * statement text: blanks, comments, quoted strings and identifiers, enough
 * to find `db`.`table` without parsing SQL.
 */
#include "util/compat.h"
#include "osc/replay/watch.h"
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

int replay_watch_mentions_table(const char *sql, const char *cur_db,
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
		if (!strcmp(id.buf, table)) {
			if (prev_dot)
				found = !strcmp(prev.buf, db);
			else if (*skip_blank(p) != '.')
				found = cur_db && !strcmp(cur_db, db);
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
