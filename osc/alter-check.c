/*
 * alter-check.c: the basic sanity check of --alter (see preflight.h).
 *
 * NEEDSWORK: ddl/ is getting a real ALTER parser; when it lands, preflight
 * calls it and this file goes. Until then this catches what would make
 * the statement osc builds mean something else than the user wrote: an
 * unbalanced quote or parenthesis, a second statement after ';', or a
 * whole "ALTER TABLE t ..." pasted where only the clauses belong.
 */
#include "util/compat.h"
#include "osc/preflight.h"

#include <strings.h>

/* Does s start with `word` (case-insensitive) followed by a non-letter? */
static const char *skip_word(const char *s, const char *word)
{
	size_t len = strlen(word);

	if (strncasecmp(s, word, len) || isalnum((unsigned char)s[len]) ||
	    s[len] == '_')
		return NULL;
	s += len;
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static int starts_with_alter_table(const char *s)
{
	static const char *const between[] = {"online", "ignore"};
	const char *p = skip_word(s, "alter");
	size_t i;

	if (!p)
		return 0;
	for (i = 0; i < ARRAY_SIZE(between); i++) {
		const char *q = skip_word(p, between[i]);

		if (q)
			p = q;
	}
	return skip_word(p, "table") != NULL;
}

int osc_alter_check_basic(const char *alter, struct strbuf *err)
{
	const char *p = alter;
	char quote = 0;
	long depth = 0;
	int only_space = 1;

	for (; *p; p++)
		if (!isspace((unsigned char)*p))
			only_space = 0;
	if (only_space) {
		strbuf_addstr(err,
			      "--alter is empty: give the clauses to "
			      "apply, e.g. --alter='ADD COLUMN note TEXT'");
		return -1;
	}
	p = alter;
	while (isspace((unsigned char)*p))
		p++;
	if (starts_with_alter_table(p)) {
		strbuf_addstr(err,
			      "--alter holds a whole ALTER TABLE "
			      "statement: give only what follows 'ALTER TABLE "
			      "t', e.g. --alter='ADD COLUMN note TEXT'");
		return -1;
	}
	for (p = alter; *p; p++) {
		if (quote) {
			if (*p == '\\' && quote != '`' && p[1]) {
				p++;
			} else if (*p == quote) {
				if (p[1] == quote)
					p++; /* doubled: 'it''s' */
				else
					quote = 0;
			}
			continue;
		}
		switch (*p) {
		case '\'':
		case '"':
		case '`':
			quote = *p;
			break;
		case '(':
			depth++;
			break;
		case ')':
			if (--depth < 0) {
				strbuf_addf(err,
					    "--alter has a ')' without "
					    "its '(' at offset %ld",
					    (long)(p - alter));
				return -1;
			}
			break;
		case ';':
			strbuf_addstr(err,
				      "--alter holds ';' outside quotes: "
				      "give the clauses of one ALTER TABLE, "
				      "without ';'");
			return -1;
		case '-':
			/* "-- " comment to the end of the line. */
			if (p[1] == '-' &&
			    (isspace((unsigned char)p[2]) || !p[2]))
				while (p[1] && p[1] != '\n')
					p++;
			break;
		case '#':
			while (p[1] && p[1] != '\n')
				p++;
			break;
		case '/':
			if (p[1] == '*') {
				const char *end = strstr(p + 2, "*/");

				if (!end) {
					strbuf_addstr(err, "--alter has an "
							   "unterminated /* "
							   "comment");
					return -1;
				}
				p = end + 1;
			}
			break;
		}
	}
	if (quote) {
		strbuf_addf(err, "--alter has an unterminated %s",
			    quote == '`'    ? "backtick-quoted name"
			    : quote == '\'' ? "'quoted' string"
					    : "\"quoted\" string");
		return -1;
	}
	if (depth > 0) {
		strbuf_addf(err, "--alter has %ld '(' without ')'", depth);
		return -1;
	}
	return 0;
}
