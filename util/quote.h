/*
 * quote.h: quoting for SQL identifiers and string literals.
 *
 * Every identifier that goes into SQL text goes through quote_ident():
 * wrapped in backticks, embedded backticks doubled. Values are escaped
 * through quote_sql_string() or, better, sent as hex (quote_sql_hex()).
 * quote_sql_string() escapes only ASCII bytes, which is safe for utf8mb4,
 * latin1 and binary but not for multibyte charsets whose trailing bytes
 * can be 0x5c (big5, sjis, gbk): use hex or db_escape() for those. Every
 * osc session runs without NO_BACKSLASH_ESCAPES (util/db.h).
 */
#ifndef OSC_UTIL_QUOTE_H
#define OSC_UTIL_QUOTE_H

#include <stddef.h>
#include "util/strbuf.h"

/*
 * Append `name` as a backtick-quoted identifier with embedded backticks
 * doubled. Returns -1 and appends nothing when the name is empty or holds
 * a NUL byte (length limits are the server's to enforce). quote_ident()
 * takes a C string; quote_ident_len() a counted one.
 */
int quote_ident(struct strbuf *sb, const char *name);
int quote_ident_len(struct strbuf *sb, const char *name, size_t len);

/* Append `db`.`table`; -1 when either part is refused by quote_ident. */
int quote_qualified(struct strbuf *sb, const char *db, const char *table);

/*
 * Append a single-quoted string literal of the bytes. Escapes \0, \n,
 * \r, \\, ', ", and ^Z as the mysql client library does.
 */
void quote_sql_string(struct strbuf *sb, const char *s, size_t len);

/* Append X'..' (or '' for an empty value) holding the bytes exactly. */
void quote_sql_hex(struct strbuf *sb, const void *data, size_t len);

#endif
