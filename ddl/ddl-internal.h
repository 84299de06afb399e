/*
 * ddl-internal.h: what the files of ddl/ share and the rest of osc does
 * not see: the token stream of the lexer and the recursive-descent parser
 * state used both for ALTER clauses and for SHOW CREATE TABLE text.
 */
#ifndef OSC_DDL_DDL_INTERNAL_H
#define OSC_DDL_DDL_INTERNAL_H

#include "ddl/ddl.h"

enum ddl_tok_kind {
	DDL_TOK_END = 0,
	DDL_TOK_IDENT,  /* a bare word: keyword or unquoted identifier */
	DDL_TOK_QIDENT, /* `quoted identifier` (val: decoded name) */
	DDL_TOK_STRING, /* 'string' or "string" (val: decoded bytes) */
	DDL_TOK_NUMBER, /* 12, 1.5, 1e3 (val: the text) */
	DDL_TOK_HEX,    /* X'0a' or 0x0a (val: the digits) */
	DDL_TOK_BIT,    /* b'01' or 0b01 (val: the digits) */
	DDL_TOK_PUNCT,  /* ( ) , ; = . and operators (val: the text) */
};

struct ddl_token {
	enum ddl_tok_kind kind;
	size_t offset; /* byte offset in the source text */
	size_t len;    /* bytes of source text, quotes included */
	char *val;     /* decoded value, NUL-terminated (may hold NULs) */
	size_t val_len;
	char *charset; /* _charset'..' introducer or N'..' (utf8mb3), or NULL */
};

struct ddl_tokens {
	const char *src;
	size_t src_len;
	struct ddl_token *t;
	size_t nr, alloc; /* t[nr] is a DDL_TOK_END token at src_len */
	bool ended;       /* the END token is there */
};

/*
 * Split `src` into tokens. Whitespace and comments are dropped; the text
 * of executable comments (slash-star-bang, with an optional version, or
 * MariaDB's slash-star-M-bang) is lexed as
 * if the comment markers were not there, since every server osc supports
 * runs it. On error returns -1 with *err_offset set and a message (without
 * the offset) in `err`; `out` is then released.
 */
int ddl_lex(const char *src, size_t len, struct ddl_tokens *out,
	    size_t *err_offset, struct strbuf *err);
void ddl_tokens_release(struct ddl_tokens *toks);

/*
 * Append " near offset N: '<excerpt>'" for the bytes [off, end) of src,
 * blanks squeezed and cut after 60 bytes, so the message stays one line.
 */
void ddl_add_near(struct strbuf *err, const char *src, size_t off,
		  size_t end);

/* Replace control bytes from `from` on with spaces: messages are one
 * line even when a name or a string in them holds a newline. */
void ddl_oneline(struct strbuf *sb, size_t from);

/* Internal model helpers shared by parse.c and plan.c. */
void ddl_column_release(struct ddl_column *c);
void ddl_column_copy(struct ddl_column *dst, const struct ddl_column *src);
void ddl_index_release(struct ddl_index *ix);
void ddl_index_copy(struct ddl_index *dst, const struct ddl_index *src);
void ddl_constraint_release(struct ddl_constraint *c);
void ddl_constraint_copy(struct ddl_constraint *dst,
			 const struct ddl_constraint *src);
int ddl_name_eq(const char *a, const char *b);

/*
 * The name the server gives an index declared without one: its first
 * column's, then _2, _3, ... until no index of `t` has it (an expression
 * part: "functional_index"). Allocated.
 */
char *ddl_index_default_name(const struct ddl_table *t,
			     const struct ddl_index *ix);

/*
 * The SQL condition, on source column expression `col` (quoted by the
 * caller) of type `o`, that is true for a value that does not fit type
 * `n` (plan.c, beside type_fits(), which decides that a change is lossy):
 * out of the new integer or decimal range, rounded to fewer decimals, or
 * longer than the new string length. Returns 0, or -1 (out untouched)
 * for a change it cannot test in SQL (temporal, enum, float, ...).
 */
int ddl_type_misfit_sql(struct strbuf *out, const char *col,
			const struct ddl_type *o, const struct ddl_type *n);
/* Fill in missing charset/collation of string columns from the table's. */
void ddl_table_resolve_charsets(struct ddl_table *t);
/* Maximum bytes per character of a charset (4 when unknown). */
int ddl_charset_mbmaxlen(const char *charset);
/* Append a readable form of the type: "int(10) unsigned". */
void ddl_type_describe(struct strbuf *out, const struct ddl_type *t);
/* True for the types that hold characters (char, varchar, text, enum..). */
bool ddl_type_is_textual(const struct ddl_type *t);

#endif
