/*
 * quote.c: SQL identifier and literal quoting (see quote.h).
 */
#include "util/compat.h"
#include "util/quote.h"

int quote_ident_len(struct strbuf *sb, const char *name, size_t len)
{
	size_t i;

	if (!len || memchr(name, '\0', len))
		return -1;
	strbuf_grow(sb, len + 2);
	strbuf_addch(sb, '`');
	for (i = 0; i < len; i++) {
		if (name[i] == '`')
			strbuf_addch(sb, '`');
		strbuf_addch(sb, name[i]);
	}
	strbuf_addch(sb, '`');
	return 0;
}

int quote_ident(struct strbuf *sb, const char *name)
{
	return quote_ident_len(sb, name, strlen(name));
}

int quote_qualified(struct strbuf *sb, const char *db, const char *table)
{
	size_t old = sb->len;

	if (quote_ident(sb, db) < 0)
		return -1;
	strbuf_addch(sb, '.');
	if (quote_ident(sb, table) < 0) {
		strbuf_setlen(sb, old);
		return -1;
	}
	return 0;
}

void quote_sql_string(struct strbuf *sb, const char *s, size_t len)
{
	size_t i;

	strbuf_grow(sb, len + 2);
	strbuf_addch(sb, '\'');
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\0':
			strbuf_addstr(sb, "\\0");
			break;
		case '\n':
			strbuf_addstr(sb, "\\n");
			break;
		case '\r':
			strbuf_addstr(sb, "\\r");
			break;
		case '\\':
			strbuf_addstr(sb, "\\\\");
			break;
		case '\'':
			strbuf_addstr(sb, "\\'");
			break;
		case '"':
			strbuf_addstr(sb, "\\\"");
			break;
		case '\032':
			strbuf_addstr(sb, "\\Z");
			break;
		default:
			strbuf_addch(sb, s[i]);
		}
	}
	strbuf_addch(sb, '\'');
}

void quote_sql_hex(struct strbuf *sb, const void *data, size_t len)
{
	if (!len) {
		strbuf_addstr(sb, "''");
		return;
	}
	strbuf_addstr(sb, "X'");
	strbuf_addhex(sb, data, len);
	strbuf_addch(sb, '\'');
}
