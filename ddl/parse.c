/*
 * parse.c: recursive-descent parsing of ALTER clauses and of SHOW CREATE
 * TABLE text over the tokens of lex.c.
 *
 * The grammar follows the MySQL 8.0 and MariaDB 10.11 manuals for ALTER
 * TABLE and CREATE TABLE, narrowed to what an online copy can honour.
 * Column and index definitions are parsed by the same functions for both
 * statements, so that a type read from SHOW CREATE TABLE and a type read
 * from MODIFY compare field by field. Expressions (defaults, generated
 * columns, checks) are not interpreted: their source text is kept.
 *
 * Clauses are parsed one after the other; a clause ends at a top-level
 * comma (one outside parentheses: commas inside strings and comments are
 * not tokens at all). Table options and PARTITION BY may follow another
 * clause without a comma, as the server allows.
 */
#include "util/compat.h"

#include <strings.h>

#include "ddl/ddl-internal.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

struct parser {
	const struct ddl_tokens *toks;
	size_t pos;
	bool failed;
	size_t err_tok; /* token the error is about */
	struct strbuf msg;
};

static const struct ddl_token *cur(const struct parser *p)
{
	return &p->toks->t[p->pos];
}

static const struct ddl_token *peek(const struct parser *p, size_t k)
{
	size_t i = p->pos + k;

	if (i > p->toks->nr)
		i = p->toks->nr;
	return &p->toks->t[i];
}

static bool tok_is_kw(const struct ddl_token *t, const char *kw)
{
	return t->kind == DDL_TOK_IDENT && !strcasecmp(t->val, kw);
}

static bool tok_is_punct(const struct ddl_token *t, const char *s)
{
	return t->kind == DDL_TOK_PUNCT && !strcmp(t->val, s);
}

static bool at_kw(const struct parser *p, const char *kw)
{
	return tok_is_kw(cur(p), kw);
}

static bool at_punct(const struct parser *p, const char *s)
{
	return tok_is_punct(cur(p), s);
}

static bool at_end(const struct parser *p)
{
	return cur(p)->kind == DDL_TOK_END;
}

static void advance(struct parser *p)
{
	if (p->pos < p->toks->nr)
		p->pos++;
}

static bool accept_kw(struct parser *p, const char *kw)
{
	if (!at_kw(p, kw))
		return false;
	advance(p);
	return true;
}

static bool accept_kw2(struct parser *p, const char *a, const char *b)
{
	if (!tok_is_kw(cur(p), a) || !tok_is_kw(peek(p, 1), b))
		return false;
	advance(p);
	advance(p);
	return true;
}

static bool accept_punct(struct parser *p, const char *s)
{
	if (!at_punct(p, s))
		return false;
	advance(p);
	return true;
}

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = true;
	p->err_tok = p->pos;
	va_start(ap, fmt);
	strbuf_vaddf(&p->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* "unexpected 'x'" or "unexpected end" */
static int fail_unexpected(struct parser *p, const char *where)
{
	const struct ddl_token *t = cur(p);

	if (t->kind == DDL_TOK_END)
		return fail(p, "unexpected end of text in %s", where);
	return fail(p, "unexpected '%.*s' in %s",
		    (int)(t->len > 40 ? 40 : t->len), p->toks->src + t->offset,
		    where);
}

/* The source text of tokens [from, to). */
static char *span_text(const struct parser *p, size_t from, size_t to)
{
	const struct ddl_token *a, *b;

	if (to <= from)
		return xstrdup("");
	a = &p->toks->t[from];
	b = &p->toks->t[to - 1];
	return xstrndup(p->toks->src + a->offset,
			b->offset + b->len - a->offset);
}

static bool at_stop(const struct parser *p)
{
	return at_end(p) || at_punct(p, ",") || at_punct(p, ")") ||
	       at_punct(p, ";");
}

static bool at_name(const struct parser *p)
{
	return cur(p)->kind == DDL_TOK_IDENT || cur(p)->kind == DDL_TOK_QIDENT;
}

static int parse_name(struct parser *p, char **out, const char *what)
{
	const struct ddl_token *t = cur(p);

	if (t->kind != DDL_TOK_IDENT && t->kind != DDL_TOK_QIDENT)
		return fail(p, "expected %s name", what);
	if (!t->val_len || memchr(t->val, '\0', t->val_len))
		return fail(p, "empty or invalid %s name", what);
	free(*out);
	*out = xstrdup(t->val);
	advance(p);
	return 0;
}

/* name or name.name (the last part is kept, the whole text too) */
static int parse_qualified(struct parser *p, char **out, const char *what)
{
	size_t start = p->pos;

	if (parse_name(p, out, what) < 0)
		return -1;
	if (at_punct(p, ".")) {
		advance(p);
		if (parse_name(p, out, what) < 0)
			return -1;
		free(*out);
		*out = span_text(p, start, p->pos);
	}
	return 0;
}

/* Skip a balanced parenthesised group starting at '('. */
static int skip_group(struct parser *p)
{
	int depth = 0;

	if (!at_punct(p, "("))
		return fail(p, "expected '('");
	do {
		if (at_end(p))
			return fail(p, "unbalanced parentheses");
		if (at_punct(p, "("))
			depth++;
		else if (at_punct(p, ")"))
			depth--;
		advance(p);
	} while (depth > 0);
	return 0;
}

static char *lowercase(const char *s)
{
	char *r = xstrdup(s);
	char *q;

	for (q = r; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return r;
}

/* A charset or collation name: word, `word`, 'word', or BINARY. */
static int parse_charset_name(struct parser *p, char **out)
{
	const struct ddl_token *t = cur(p);
	char *v;

	if (t->kind != DDL_TOK_IDENT && t->kind != DDL_TOK_QIDENT &&
	    t->kind != DDL_TOK_STRING)
		return fail(p, "expected a charset or collation name");
	v = lowercase(t->val);
	/* utf8 is an alias of utf8mb3 on both servers */
	if (!strcmp(v, "utf8") || !strncmp(v, "utf8_", 5)) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "utf8mb3%s", v + 4);
		free(v);
		v = strbuf_detach(&sb, NULL);
	}
	free(*out);
	*out = v;
	advance(p);
	return 0;
}

static bool accept_charset_kw(struct parser *p)
{
	return accept_kw2(p, "CHARACTER", "SET") ||
	       accept_kw2(p, "CHAR", "SET") || accept_kw(p, "CHARSET");
}

/* ---------------------------------------------------------------------
 * Types
 */

static const struct {
	const char *word;
	const char *base;
} type_synonyms[] = {
	{ "integer", "int" },
	{ "int1", "tinyint" },
	{ "int2", "smallint" },
	{ "int3", "mediumint" },
	{ "middleint", "mediumint" },
	{ "int4", "int" },
	{ "int8", "bigint" },
	{ "dec", "decimal" },
	{ "numeric", "decimal" },
	{ "fixed", "decimal" },
	{ "real", "double" },
	{ "float4", "float" },
	{ "float8", "double" },
	{ "character", "char" },
	{ "varcharacter", "varchar" },
	{ "geomcollection", "geometrycollection" },
};

static int parse_type_args(struct parser *p, struct ddl_type *ty)
{
	int n = 0;

	advance(p); /* ( */
	for (;;) {
		const struct ddl_token *t = cur(p);

		if (t->kind == DDL_TOK_NUMBER) {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(t->val, &end, 10);
			if (errno || *end || v < 0 || v > 4294967295LL)
				return fail(p, "bad type length '%s'", t->val);
			if (n == 0)
				ty->length = v;
			else if (n == 1 && v <= 1000)
				ty->scale = (int)v;
			else
				return fail(p, "too many type arguments");
			n++;
		} else if (t->kind == DDL_TOK_STRING) {
			ALLOC_GROW(ty->values, ty->values_nr + 1,
				   ty->values_alloc);
			ty->values[ty->values_nr++] = xstrdup(t->val);
		} else {
			return fail_unexpected(p, "type arguments");
		}
		advance(p);
		if (accept_punct(p, ")"))
			return 0;
		if (!accept_punct(p, ","))
			return fail_unexpected(p, "type arguments");
	}
}

static void set_base(struct ddl_type *ty, const char *base)
{
	free(ty->base);
	ty->base = xstrdup(base);
}

/* Type attributes that may follow the type: UNSIGNED, CHARSET, ... */
static int parse_type_attr(struct parser *p, struct ddl_type *ty, bool *hit)
{
	*hit = true;
	if (accept_kw(p, "UNSIGNED")) {
		ty->is_unsigned = true;
	} else if (accept_kw(p, "SIGNED")) {
		ty->is_unsigned = false;
	} else if (accept_kw(p, "ZEROFILL")) {
		ty->zerofill = true;
		ty->is_unsigned = true;
	} else if (at_kw(p, "BINARY") && !tok_is_punct(peek(p, 1), "(")) {
		advance(p);
		ty->binary_attr = true;
	} else if (accept_kw(p, "ASCII")) {
		free(ty->charset);
		ty->charset = xstrdup("latin1");
	} else if (accept_kw(p, "UNICODE")) {
		free(ty->charset);
		ty->charset = xstrdup("ucs2");
	} else if (accept_kw(p, "BYTE")) {
		free(ty->charset);
		ty->charset = xstrdup("binary");
	} else if (accept_charset_kw(p)) {
		if (parse_charset_name(p, &ty->charset) < 0)
			return -1;
	} else if (accept_kw(p, "COLLATE")) {
		if (parse_charset_name(p, &ty->collation) < 0)
			return -1;
	} else {
		*hit = false;
	}
	return 0;
}

static void normalize_type(struct ddl_type *ty)
{
	const char *b = ty->base;

	if (!strcmp(b, "decimal")) {
		if (ty->length < 0)
			ty->length = 10;
		if (ty->scale < 0)
			ty->scale = 0;
	} else if (!strcmp(b, "float") && ty->length >= 0 && ty->scale < 0) {
		/* FLOAT(p): precision in bits chooses float or double */
		if (ty->length > 24)
			set_base(ty, "double");
		ty->length = -1;
	} else if ((!strcmp(b, "bit") || !strcmp(b, "char") ||
		    !strcmp(b, "binary")) &&
		   ty->length < 0) {
		ty->length = 1;
	} else if (!strcmp(b, "year")) {
		ty->length = -1;
	}
	if (ty->charset && !strcmp(ty->charset, "binary") &&
	    ddl_type_is_textual(ty)) {
		/* CHAR(n) CHARACTER SET binary is BINARY(n) and so on */
		static const struct {
			const char *from, *to;
		} bin[] = {
			{ "char", "binary" },
			{ "varchar", "varbinary" },
			{ "tinytext", "tinyblob" },
			{ "text", "blob" },
			{ "mediumtext", "mediumblob" },
			{ "longtext", "longblob" },
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bin); i++)
			if (!strcmp(ty->base, bin[i].from)) {
				set_base(ty, bin[i].to);
				FREE_AND_NULL(ty->charset);
				FREE_AND_NULL(ty->collation);
				break;
			}
	}
}

/*
 * The type of a column definition. SERIAL also sets column attributes
 * (and *serial, so that the caller adds the unique key).
 */
static int parse_type(struct parser *p, struct ddl_column *col, bool *serial)
{
	struct ddl_type *ty = &col->type;
	const struct ddl_token *t = cur(p);
	char *w;
	size_t i;
	bool hit;

	if (t->kind != DDL_TOK_IDENT)
		return fail(p, "expected a column type");
	w = lowercase(t->val);
	advance(p);
	if (!strcmp(w, "national") || !strcmp(w, "nchar") ||
	    !strcmp(w, "nvarchar")) {
		ty->charset = xstrdup("utf8mb3");
		if (!strcmp(w, "national")) {
			free(w);
			if (cur(p)->kind != DDL_TOK_IDENT) {
				return fail(p, "expected CHAR or VARCHAR after "
					       "NATIONAL");
			}
			w = lowercase(cur(p)->val);
			advance(p);
		} else if (!strcmp(w, "nchar")) {
			free(w);
			w = xstrdup("char");
		} else {
			free(w);
			w = xstrdup("varchar");
		}
	}
	if (!strcmp(w, "char") || !strcmp(w, "character")) {
		if (accept_kw(p, "VARYING")) {
			free(w);
			w = xstrdup("varchar");
		} else if (at_kw(p, "VARCHAR")) {
			advance(p);
			free(w);
			w = xstrdup("varchar");
		}
	} else if (!strcmp(w, "double")) {
		accept_kw(p, "PRECISION");
	} else if (!strcmp(w, "long")) {
		free(w);
		if (accept_kw(p, "VARBINARY")) {
			w = xstrdup("mediumblob");
		} else {
			if (!accept_kw(p, "VARCHAR") &&
			    accept_kw(p, "CHAR"))
				accept_kw(p, "VARYING");
			w = xstrdup("mediumtext");
		}
	}
	for (i = 0; i < ARRAY_SIZE(type_synonyms); i++)
		if (!strcmp(w, type_synonyms[i].word)) {
			free(w);
			w = xstrdup(type_synonyms[i].base);
			break;
		}
	ty->base = w;
	if (!strcmp(w, "bool") || !strcmp(w, "boolean")) {
		set_base(ty, "tinyint");
		ty->length = 1;
	} else if (!strcmp(w, "serial")) {
		set_base(ty, "bigint");
		ty->is_unsigned = true;
		col->nullable = false;
		col->auto_increment = true;
		*serial = true;
	}
	if (at_punct(p, "(") && parse_type_args(p, ty) < 0)
		return -1;
	do {
		if (parse_type_attr(p, ty, &hit) < 0)
			return -1;
	} while (hit);
	normalize_type(ty);
	return 0;
}

/* ---------------------------------------------------------------------
 * Expressions kept as text
 */

static bool at_operator(const struct parser *p)
{
	static const char *const ops[] = {
		"+", "-", "*", "/", "%", "||", "&&", "|", "&", "^", "<<", ">>",
	};
	size_t i;

	if (at_kw(p, "DIV") || at_kw(p, "MOD"))
		return true;
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (at_punct(p, ops[i]))
			return true;
	return false;
}

/* One operand of a default value; *expr set when it is not a constant. */
static int parse_operand(struct parser *p, bool *expr)
{
	const struct ddl_token *t = cur(p);

	if (at_punct(p, "-") || at_punct(p, "+")) {
		advance(p);
		return parse_operand(p, expr);
	}
	if (at_punct(p, "(")) {
		*expr = true;
		return skip_group(p);
	}
	switch (t->kind) {
	case DDL_TOK_NUMBER:
	case DDL_TOK_STRING:
	case DDL_TOK_HEX:
	case DDL_TOK_BIT:
		advance(p);
		return 0;
	case DDL_TOK_IDENT:
		if (t->val[0] == '_' && (peek(p, 1)->kind == DDL_TOK_HEX ||
					 peek(p, 1)->kind == DDL_TOK_STRING ||
					 peek(p, 1)->kind == DDL_TOK_BIT)) {
			advance(p);
			advance(p);
			return 0;
		}
		if (tok_is_kw(t, "TRUE") || tok_is_kw(t, "FALSE") ||
		    tok_is_kw(t, "NULL")) {
			advance(p);
			return 0;
		}
		if (tok_is_kw(t, "NOT") || tok_is_kw(t, "COMMENT") ||
		    tok_is_kw(t, "AUTO_INCREMENT") || tok_is_kw(t, "ON"))
			break;
		advance(p);
		*expr = true;
		if (at_punct(p, "("))
			return skip_group(p);
		return 0;
	default:
		break;
	}
	return fail(p, "expected a default value");
}

static int parse_default(struct parser *p, enum ddl_default *kind, char **sql)
{
	size_t start = p->pos;
	bool expr = false;

	if (at_kw(p, "NULL")) {
		advance(p);
		*kind = DDL_DEFAULT_NULL;
		free(*sql);
		*sql = xstrdup("NULL");
		return 0;
	}
	if (parse_operand(p, &expr) < 0)
		return -1;
	while (at_operator(p)) {
		advance(p);
		expr = true;
		if (parse_operand(p, &expr) < 0)
			return -1;
	}
	*kind = expr ? DDL_DEFAULT_EXPR : DDL_DEFAULT_LITERAL;
	free(*sql);
	*sql = span_text(p, start, p->pos);
	return 0;
}

/* ---------------------------------------------------------------------
 * Column definitions
 */

static bool at_partition_options(const struct parser *p);

struct coldef_extra {
	bool primary;
	bool unique;
};

static int skip_references(struct parser *p)
{
	char *tbl = NULL;
	int ret = -1;

	/* REFERENCES tbl [(cols)] [MATCH ..] [ON DELETE|UPDATE action].. */
	if (parse_qualified(p, &tbl, "table") < 0)
		goto out;
	if (at_punct(p, "(") && skip_group(p) < 0)
		goto out;
	for (;;) {
		if (accept_kw(p, "MATCH")) {
			if (!accept_kw(p, "FULL") && !accept_kw(p, "PARTIAL") &&
			    !accept_kw(p, "SIMPLE")) {
				fail_unexpected(p, "MATCH");
				goto out;
			}
		} else if (accept_kw(p, "ON")) {
			if (!accept_kw(p, "DELETE") &&
			    !accept_kw(p, "UPDATE")) {
				fail_unexpected(p, "ON DELETE/UPDATE");
				goto out;
			}
			if (accept_kw(p, "RESTRICT") ||
			    accept_kw(p, "CASCADE") ||
			    accept_kw2(p, "SET", "NULL") ||
			    accept_kw2(p, "SET", "DEFAULT") ||
			    accept_kw2(p, "NO", "ACTION"))
				continue;
			fail_unexpected(p, "a referential action");
			goto out;
		} else {
			break;
		}
	}
	ret = 0;
out:
	free(tbl);
	return ret;
}

static int skip_option_value(struct parser *p)
{
	accept_punct(p, "=");
	switch (cur(p)->kind) {
	case DDL_TOK_IDENT:
	case DDL_TOK_QIDENT:
	case DDL_TOK_STRING:
	case DDL_TOK_NUMBER:
		advance(p);
		return 0;
	default:
		return fail(p, "expected an option value");
	}
}

static int parse_column_attr(struct parser *p, struct ddl_column *col,
			     struct coldef_extra *ex, bool *hit)
{
	bool type_hit;
	size_t start;

	*hit = true;
	if (parse_type_attr(p, &col->type, &type_hit) < 0)
		return -1;
	if (type_hit)
		return 0;
	if (accept_kw2(p, "NOT", "NULL")) {
		col->nullable = false;
	} else if (accept_kw(p, "NULL")) {
		col->nullable = true;
	} else if (accept_kw2(p, "NOT", "SECONDARY") ||
		   accept_kw(p, "SECONDARY")) {
		/* MySQL HeatWave attribute: no effect here */
	} else if (accept_kw(p, "DEFAULT")) {
		return parse_default(p, &col->default_kind, &col->default_sql);
	} else if (accept_kw2(p, "ON", "UPDATE")) {
		start = p->pos;
		if (cur(p)->kind != DDL_TOK_IDENT)
			return fail(p, "expected an ON UPDATE function");
		advance(p);
		if (at_punct(p, "(") && skip_group(p) < 0)
			return -1;
		free(col->on_update);
		col->on_update = span_text(p, start, p->pos);
	} else if (accept_kw(p, "AUTO_INCREMENT")) {
		col->auto_increment = true;
	} else if (accept_kw(p, "UNIQUE")) {
		if (!accept_kw(p, "KEY"))
			accept_kw(p, "INDEX");
		ex->unique = true;
	} else if (accept_kw2(p, "PRIMARY", "KEY") || accept_kw(p, "KEY")) {
		ex->primary = true;
		col->nullable = false;
	} else if (accept_kw(p, "COMMENT")) {
		if (cur(p)->kind != DDL_TOK_STRING)
			return fail(p, "expected a string after COMMENT");
		free(col->comment);
		col->comment = xstrdup(cur(p)->val);
		advance(p);
	} else if (at_kw(p, "GENERATED") || at_kw(p, "AS")) {
		if (accept_kw(p, "GENERATED") && !accept_kw(p, "ALWAYS"))
			return fail(p, "expected ALWAYS after GENERATED");
		if (!accept_kw(p, "AS"))
			return fail(p, "expected AS (expression)");
		start = p->pos;
		if (skip_group(p) < 0)
			return -1;
		free(col->gen_expr);
		col->gen_expr = span_text(p, start, p->pos);
		col->generated = DDL_GEN_VIRTUAL;
		if (accept_kw(p, "STORED") || accept_kw(p, "PERSISTENT"))
			col->generated = DDL_GEN_STORED;
		else
			accept_kw(p, "VIRTUAL");
	} else if (accept_kw(p, "INVISIBLE")) {
		col->invisible = true;
	} else if (accept_kw(p, "VISIBLE")) {
		col->invisible = false;
	} else if (at_kw(p, "CHECK") || at_kw(p, "CONSTRAINT")) {
		size_t check_start;

		if (accept_kw(p, "CONSTRAINT") && !at_kw(p, "CHECK")) {
			if (!at_name(p))
				return fail(p, "expected a constraint name");
			advance(p);
		}
		check_start = p->pos;
		if (!accept_kw(p, "CHECK"))
			return fail(p, "expected CHECK");
		if (skip_group(p) < 0)
			return -1;
		free(col->check);
		col->check = span_text(p, check_start, p->pos);
		if (!accept_kw(p, "ENFORCED"))
			accept_kw2(p, "NOT", "ENFORCED");
	} else if (accept_kw(p, "REFERENCES")) {
		return skip_references(p);
	} else if (accept_kw(p, "COLUMN_FORMAT") || accept_kw(p, "STORAGE")) {
		if (cur(p)->kind != DDL_TOK_IDENT)
			return fail(p, "expected a column format");
		advance(p);
	} else if (accept_kw(p, "SRID") || accept_kw(p, "REF_SYSTEM_ID")) {
		accept_punct(p, "=");
		if (cur(p)->kind != DDL_TOK_NUMBER)
			return fail(p, "expected a number");
		advance(p);
	} else if (accept_kw(p, "COMPRESSED")) {
		if (accept_punct(p, "=")) {
			if (!at_name(p))
				return fail(p, "expected a compression method");
			advance(p);
		}
	} else if (accept_kw(p, "ENGINE_ATTRIBUTE") ||
		   accept_kw(p, "SECONDARY_ENGINE_ATTRIBUTE")) {
		return skip_option_value(p);
	} else if (accept_kw2(p, "WITH", "SYSTEM") ||
		   accept_kw2(p, "WITHOUT", "SYSTEM")) {
		if (!accept_kw(p, "VERSIONING"))
			return fail(p, "expected VERSIONING");
	} else if (accept_kw(p, "DEFAULT_GENERATED")) {
		/* information_schema EXTRA wording; nothing to record */
	} else if (accept_kw(p, "SERIAL")) {
		if (!accept_kw(p, "DEFAULT") || !accept_kw(p, "VALUE"))
			return fail(p, "expected SERIAL DEFAULT VALUE");
		col->nullable = false;
		col->auto_increment = true;
		ex->unique = true;
	} else {
		*hit = false;
	}
	return 0;
}

/* name type [attributes]; stops at , ) ; end FIRST AFTER */
static int parse_column_def(struct parser *p, struct ddl_column *col,
			    struct coldef_extra *ex)
{
	bool hit, serial = false;

	ddl_column_release(col);
	memset(ex, 0, sizeof(*ex));
	if (parse_name(p, &col->name, "column") < 0)
		return -1;
	if (parse_type(p, col, &serial) < 0)
		return -1;
	if (serial)
		ex->unique = true;
	while (!at_stop(p) && !at_kw(p, "FIRST") && !at_kw(p, "AFTER") &&
	       !at_partition_options(p)) {
		if (parse_column_attr(p, col, ex, &hit) < 0)
			return -1;
		if (!hit)
			return fail_unexpected(p, "column definition");
	}
	if (ex->primary)
		col->nullable = false;
	return 0;
}

/* ---------------------------------------------------------------------
 * Index and constraint definitions
 */

static bool at_index_start(const struct parser *p)
{
	return at_kw(p, "PRIMARY") || at_kw(p, "UNIQUE") || at_kw(p, "INDEX") ||
	       at_kw(p, "KEY") || at_kw(p, "FULLTEXT") || at_kw(p, "SPATIAL");
}

static int parse_index_parts(struct parser *p, struct ddl_index *ix)
{
	if (!accept_punct(p, "("))
		return fail(p, "expected '(' and the index columns");
	for (;;) {
		struct ddl_index_part *part;

		ALLOC_GROW(ix->parts, ix->parts_nr + 1, ix->parts_alloc);
		part = &ix->parts[ix->parts_nr++];
		memset(part, 0, sizeof(*part));
		part->prefix_len = -1;
		if (at_punct(p, "(")) {
			size_t start = p->pos;

			if (skip_group(p) < 0)
				return -1;
			part->expr = span_text(p, start, p->pos);
		} else {
			if (parse_name(p, &part->column, "column") < 0)
				return -1;
			if (accept_punct(p, "(")) {
				const struct ddl_token *t = cur(p);
				char *end;

				if (t->kind != DDL_TOK_NUMBER)
					return fail(p, "expected a prefix "
						       "length");
				errno = 0;
				part->prefix_len = strtoll(t->val, &end, 10);
				if (errno || *end || part->prefix_len <= 0 ||
				    part->prefix_len > 65535)
					return fail(p, "bad prefix length '%s'",
						    t->val);
				advance(p);
				if (!accept_punct(p, ")"))
					return fail(p, "expected ')'");
			}
		}
		if (accept_kw(p, "DESC"))
			part->desc = true;
		else
			accept_kw(p, "ASC");
		if (accept_punct(p, ")"))
			return 0;
		if (!accept_punct(p, ","))
			return fail_unexpected(p, "index columns");
	}
}

static int parse_index_options(struct parser *p)
{
	while (!at_stop(p) && !at_kw(p, "FIRST") && !at_kw(p, "AFTER") &&
	       !at_partition_options(p)) {
		if (accept_kw(p, "USING") || accept_kw(p, "TYPE")) {
			if (!accept_kw(p, "BTREE") && !accept_kw(p, "HASH") &&
			    !accept_kw(p, "RTREE"))
				return fail_unexpected(p, "USING");
		} else if (accept_kw(p, "KEY_BLOCK_SIZE") ||
			   accept_kw(p, "ENGINE_ATTRIBUTE") ||
			   accept_kw(p, "SECONDARY_ENGINE_ATTRIBUTE") ||
			   accept_kw(p, "CLUSTERING")) {
			if (skip_option_value(p) < 0)
				return -1;
		} else if (accept_kw(p, "COMMENT")) {
			if (cur(p)->kind != DDL_TOK_STRING)
				return fail(p, "expected a string after "
					       "COMMENT");
			advance(p);
		} else if (accept_kw(p, "VISIBLE") ||
			   accept_kw(p, "INVISIBLE") ||
			   accept_kw(p, "IGNORED") ||
			   accept_kw2(p, "NOT", "IGNORED")) {
			/* visibility: no effect on the data */
		} else if (accept_kw2(p, "WITH", "PARSER")) {
			if (!at_name(p))
				return fail(p, "expected a parser name");
			advance(p);
		} else {
			return fail_unexpected(p, "index definition");
		}
	}
	return 0;
}

static bool accept_if_not_exists(struct parser *p)
{
	if (at_kw(p, "IF") && tok_is_kw(peek(p, 1), "NOT") &&
	    tok_is_kw(peek(p, 2), "EXISTS")) {
		advance(p);
		advance(p);
		advance(p);
		return true;
	}
	return false;
}

static bool accept_if_exists(struct parser *p)
{
	return accept_kw2(p, "IF", "EXISTS");
}

/* PRIMARY KEY | UNIQUE [KEY] | KEY | FULLTEXT | SPATIAL ... */
static int parse_index_def(struct parser *p, struct ddl_index *ix,
			   const char *constraint_name, bool *if_not_exists)
{
	memset(ix, 0, sizeof(*ix));
	if (accept_kw(p, "PRIMARY")) {
		if (!accept_kw(p, "KEY"))
			return fail(p, "expected KEY after PRIMARY");
		ix->kind = DDL_INDEX_PRIMARY;
	} else if (accept_kw(p, "UNIQUE")) {
		if (!accept_kw(p, "KEY"))
			accept_kw(p, "INDEX");
		ix->kind = DDL_INDEX_UNIQUE;
	} else if (accept_kw(p, "FULLTEXT") || accept_kw(p, "SPATIAL")) {
		ix->kind = tok_is_kw(&p->toks->t[p->pos - 1], "FULLTEXT") ?
				   DDL_INDEX_FULLTEXT :
				   DDL_INDEX_SPATIAL;
		if (!accept_kw(p, "KEY"))
			accept_kw(p, "INDEX");
	} else if (accept_kw(p, "KEY") || accept_kw(p, "INDEX")) {
		ix->kind = DDL_INDEX_KEY;
	} else {
		return fail(p, "expected an index definition");
	}
	if (accept_if_not_exists(p) && if_not_exists)
		*if_not_exists = true;
	if (at_name(p) && !at_kw(p, "USING") && !at_kw(p, "TYPE")) {
		if (parse_name(p, &ix->name, "index") < 0)
			return -1;
	}
	if (accept_kw(p, "USING") || accept_kw(p, "TYPE")) {
		if (!accept_kw(p, "BTREE") && !accept_kw(p, "HASH") &&
		    !accept_kw(p, "RTREE"))
			return fail_unexpected(p, "USING");
	}
	if (parse_index_parts(p, ix) < 0)
		return -1;
	if (parse_index_options(p) < 0)
		return -1;
	if (ix->kind == DDL_INDEX_PRIMARY) {
		free(ix->name);
		ix->name = xstrdup("PRIMARY");
	} else if (!ix->name && constraint_name) {
		ix->name = xstrdup(constraint_name);
	}
	return 0;
}

/* FOREIGN KEY ... or CHECK (...), after an optional CONSTRAINT name */
static int parse_constraint_def(struct parser *p, struct ddl_constraint *c,
				const char *name, bool *if_not_exists)
{
	size_t start = p->pos;

	memset(c, 0, sizeof(*c));
	c->name = name ? xstrdup(name) : NULL;
	if (accept_kw(p, "CHECK")) {
		c->kind = DDL_CONSTRAINT_CHECK;
		if (skip_group(p) < 0)
			return -1;
		/* the text stops before [NOT] ENFORCED, which MySQL 8 puts
		 * in an executable comment */
		c->text = span_text(p, start, p->pos);
		if (!accept_kw(p, "ENFORCED"))
			accept_kw2(p, "NOT", "ENFORCED");
		return 0;
	} else if (accept_kw2(p, "FOREIGN", "KEY")) {
		c->kind = DDL_CONSTRAINT_FOREIGN_KEY;
		if (accept_if_not_exists(p) && if_not_exists)
			*if_not_exists = true;
		if (at_name(p) && !c->name) {
			if (parse_name(p, &c->name, "foreign key") < 0)
				return -1;
		} else if (at_name(p)) {
			char *ignored = NULL;

			if (parse_name(p, &ignored, "foreign key") < 0)
				return -1;
			free(ignored);
		}
		if (!accept_punct(p, "("))
			return fail(p, "expected '(' and the foreign key "
				       "columns");
		for (;;) {
			ALLOC_GROW(c->columns, c->columns_nr + 1,
				   c->columns_alloc);
			c->columns[c->columns_nr] = NULL;
			if (parse_name(p, &c->columns[c->columns_nr],
				       "column") < 0)
				return -1;
			c->columns_nr++;
			if (accept_punct(p, ")"))
				break;
			if (!accept_punct(p, ","))
				return fail_unexpected(p,
						       "foreign key columns");
		}
		if (!accept_kw(p, "REFERENCES"))
			return fail(p, "expected REFERENCES");
		if (!at_name(p))
			return fail(p, "expected the referenced table");
		c->ref_table = xstrdup(cur(p)->val);
		if (tok_is_punct(peek(p, 1), ".") &&
		    (peek(p, 2)->kind == DDL_TOK_IDENT ||
		     peek(p, 2)->kind == DDL_TOK_QIDENT)) {
			free(c->ref_table);
			c->ref_table = span_text(p, p->pos, p->pos + 3);
		}
		if (skip_references(p) < 0)
			return -1;
	} else {
		return fail(p, "expected FOREIGN KEY or CHECK");
	}
	c->text = span_text(p, start, p->pos);
	return 0;
}

/* ---------------------------------------------------------------------
 * ALTER clauses
 */

static void clause_release(struct ddl_clause *c)
{
	size_t i;

	free(c->name);
	free(c->new_name);
	for (i = 0; i < c->columns_nr; i++)
		ddl_column_release(&c->columns[i]);
	free(c->columns);
	for (i = 0; i < c->indexes_nr; i++)
		ddl_index_release(&c->indexes[i]);
	free(c->indexes);
	if (c->constraint) {
		ddl_constraint_release(c->constraint);
		free(c->constraint);
	}
	free(c->after);
	free(c->default_sql);
	for (i = 0; i < c->options_nr; i++) {
		free(c->options[i].name);
		free(c->options[i].value);
	}
	free(c->options);
	free(c->charset);
	free(c->collation);
	free(c->partition_op);
	memset(c, 0, sizeof(*c));
}

void ddl_alter_init(struct ddl_alter *a)
{
	memset(a, 0, sizeof(*a));
}

void ddl_alter_release(struct ddl_alter *a)
{
	size_t i;

	for (i = 0; i < a->clauses_nr; i++)
		clause_release(&a->clauses[i]);
	free(a->clauses);
	free(a->text);
	ddl_alter_init(a);
}

static const char *const kind_names[] = {
	[DDL_ADD_COLUMN] = "ADD COLUMN",
	[DDL_DROP_COLUMN] = "DROP COLUMN",
	[DDL_MODIFY_COLUMN] = "MODIFY COLUMN",
	[DDL_CHANGE_COLUMN] = "CHANGE COLUMN",
	[DDL_RENAME_COLUMN] = "RENAME COLUMN",
	[DDL_ALTER_COLUMN_SET_DEFAULT] = "ALTER COLUMN SET DEFAULT",
	[DDL_ALTER_COLUMN_DROP_DEFAULT] = "ALTER COLUMN DROP DEFAULT",
	[DDL_ALTER_COLUMN_VISIBILITY] = "ALTER COLUMN SET VISIBLE",
	[DDL_ADD_INDEX] = "ADD INDEX",
	[DDL_DROP_INDEX] = "DROP INDEX",
	[DDL_DROP_PRIMARY_KEY] = "DROP PRIMARY KEY",
	[DDL_RENAME_INDEX] = "RENAME INDEX",
	[DDL_ALTER_INDEX] = "ALTER INDEX",
	[DDL_ADD_FOREIGN_KEY] = "ADD FOREIGN KEY",
	[DDL_ADD_CHECK] = "ADD CHECK",
	[DDL_DROP_FOREIGN_KEY] = "DROP FOREIGN KEY",
	[DDL_DROP_CHECK] = "DROP CHECK",
	[DDL_DROP_CONSTRAINT] = "DROP CONSTRAINT",
	[DDL_ALTER_CONSTRAINT] = "ALTER CONSTRAINT",
	[DDL_TABLE_OPTIONS] = "table options",
	[DDL_CONVERT_CHARSET] = "CONVERT TO CHARACTER SET",
	[DDL_FORCE] = "FORCE",
	[DDL_PARTITION] = "partitioning",
};

const char *ddl_clause_kind_name(enum ddl_clause_kind kind)
{
	if ((size_t)kind >= ARRAY_SIZE(kind_names) || !kind_names[kind])
		return "?";
	return kind_names[kind];
}

static int parse_position(struct parser *p, struct ddl_clause *c)
{
	if (accept_kw(p, "FIRST")) {
		c->position = DDL_POS_FIRST;
	} else if (accept_kw(p, "AFTER")) {
		c->position = DDL_POS_AFTER;
		return parse_name(p, &c->after, "column");
	}
	return 0;
}

static void add_inline_indexes(struct ddl_clause *c,
			       const struct ddl_column *col,
			       const struct coldef_extra *ex)
{
	struct ddl_index *ix;

	if (!ex->primary && !ex->unique)
		return;
	ALLOC_GROW(c->indexes, c->indexes_nr + 1, c->indexes_alloc);
	ix = &c->indexes[c->indexes_nr++];
	memset(ix, 0, sizeof(*ix));
	ix->kind = ex->primary ? DDL_INDEX_PRIMARY : DDL_INDEX_UNIQUE;
	ix->name = ex->primary ? xstrdup("PRIMARY") : NULL;
	ALLOC_GROW(ix->parts, 1, ix->parts_alloc);
	memset(ix->parts, 0, sizeof(*ix->parts));
	ix->parts[0].column = xstrdup(col->name);
	ix->parts[0].prefix_len = -1;
	ix->parts_nr = 1;
}

static struct ddl_column *new_column(struct ddl_clause *c)
{
	struct ddl_column *col;

	ALLOC_GROW(c->columns, c->columns_nr + 1, c->columns_alloc);
	col = &c->columns[c->columns_nr++];
	memset(col, 0, sizeof(*col));
	col->nullable = true;
	col->type.length = -1;
	col->type.scale = -1;
	return col;
}

static struct ddl_index *new_index(struct ddl_clause *c)
{
	ALLOC_GROW(c->indexes, c->indexes_nr + 1, c->indexes_alloc);
	return &c->indexes[c->indexes_nr++];
}

static int parse_add_list(struct parser *p, struct ddl_clause *c)
{
	struct coldef_extra ex;

	advance(p); /* ( */
	for (;;) {
		if (at_index_start(p)) {
			struct ddl_index *ix = new_index(c);

			if (parse_index_def(p, ix, NULL, NULL) < 0)
				return -1;
		} else {
			struct ddl_column *col = new_column(c);

			if (parse_column_def(p, col, &ex) < 0)
				return -1;
			add_inline_indexes(c, col, &ex);
		}
		if (accept_punct(p, ")"))
			return 0;
		if (!accept_punct(p, ","))
			return fail_unexpected(p, "ADD (...)");
	}
}

static int parse_add_column(struct parser *p, struct ddl_clause *c)
{
	struct coldef_extra ex;
	struct ddl_column *col;

	c->kind = DDL_ADD_COLUMN;
	if (accept_if_not_exists(p))
		c->if_exists = true;
	if (at_punct(p, "("))
		return parse_add_list(p, c);
	col = new_column(c);
	if (parse_column_def(p, col, &ex) < 0)
		return -1;
	add_inline_indexes(c, col, &ex);
	return parse_position(p, c);
}

static int parse_constraint_clause(struct parser *p, struct ddl_clause *c)
{
	char *cname = NULL;
	int ret = -1;

	if (accept_kw(p, "CONSTRAINT")) {
		if (accept_if_not_exists(p))
			c->if_exists = true;
		if (at_name(p) && !at_kw(p, "PRIMARY") && !at_kw(p, "UNIQUE") &&
		    !at_kw(p, "FOREIGN") && !at_kw(p, "CHECK")) {
			if (parse_name(p, &cname, "constraint") < 0)
				goto out;
		}
	}
	if (at_kw(p, "PRIMARY") || at_kw(p, "UNIQUE")) {
		c->kind = DDL_ADD_INDEX;
		if (parse_index_def(p, new_index(c), cname, &c->if_exists) < 0)
			goto out;
	} else if (at_kw(p, "FOREIGN") || at_kw(p, "CHECK")) {
		c->kind =
		    at_kw(p, "CHECK") ? DDL_ADD_CHECK : DDL_ADD_FOREIGN_KEY;
		c->constraint = xcalloc(1, sizeof(*c->constraint));
		if (parse_constraint_def(p, c->constraint, cname,
					 &c->if_exists) < 0)
			goto out;
		free(c->name);
		c->name = c->constraint->name ? xstrdup(c->constraint->name) :
						NULL;
	} else {
		fail_unexpected(p, "ADD CONSTRAINT");
		goto out;
	}
	ret = 0;
out:
	free(cname);
	return ret;
}

/* partition names after DROP PARTITION etc.: p0, p1 (commas included) */
static bool at_clause_keyword(const struct parser *p);

static int skip_partition_names(struct parser *p)
{
	if (accept_kw(p, "ALL"))
		return 0;
	for (;;) {
		if (!at_name(p))
			return fail(p, "expected a partition name");
		advance(p);
		if (!at_punct(p, ","))
			return 0;
		if ((peek(p, 1)->kind != DDL_TOK_IDENT &&
		     peek(p, 1)->kind != DDL_TOK_QIDENT))
			return 0;
		advance(p);
		if (at_clause_keyword(p)) {
			p->pos--; /* give the comma back */
			return 0;
		}
	}
}

static void set_partition_op(struct ddl_clause *c, const char *op)
{
	c->kind = DDL_PARTITION;
	c->partition_op = xstrdup(op);
}

static int refuse(struct parser *p, const char *why)
{
	return fail(p, "%s", why);
}

static const char refuse_partition_maintenance[] =
	"partition maintenance is not a schema change and cannot run on a "
	"copy: run it on the table directly";

/* What follows ADD: */
static int parse_add(struct parser *p, struct ddl_clause *c)
{
	if (accept_kw(p, "COLUMN"))
		return parse_add_column(p, c);
	if (at_index_start(p)) {
		c->kind = DDL_ADD_INDEX;
		return parse_index_def(p, new_index(c), NULL, &c->if_exists);
	}
	if (at_kw(p, "CONSTRAINT") || at_kw(p, "FOREIGN") || at_kw(p, "CHECK"))
		return parse_constraint_clause(p, c);
	if (accept_kw(p, "PARTITION")) {
		set_partition_op(c, "ADD PARTITION");
		if (accept_if_not_exists(p))
			c->if_exists = true;
		if (accept_kw(p, "PARTITIONS")) {
			if (cur(p)->kind != DDL_TOK_NUMBER)
				return fail(p, "expected a number");
			advance(p);
			return 0;
		}
		return skip_group(p);
	}
	if (at_kw(p, "PERIOD") || (at_kw(p, "SYSTEM") &&
				   tok_is_kw(peek(p, 1), "VERSIONING")))
		return refuse(p, "system versioning is not supported by an "
				 "online copy");
	return parse_add_column(p, c);
}

static int parse_drop(struct parser *p, struct ddl_clause *c)
{
	if (accept_kw2(p, "PRIMARY", "KEY")) {
		c->kind = DDL_DROP_PRIMARY_KEY;
		c->name = xstrdup("PRIMARY");
		return 0;
	}
	if (accept_kw(p, "INDEX") || accept_kw(p, "KEY")) {
		c->kind = DDL_DROP_INDEX;
	} else if (accept_kw2(p, "FOREIGN", "KEY")) {
		c->kind = DDL_DROP_FOREIGN_KEY;
	} else if (accept_kw(p, "CHECK")) {
		c->kind = DDL_DROP_CHECK;
	} else if (accept_kw(p, "CONSTRAINT")) {
		c->kind = DDL_DROP_CONSTRAINT;
	} else if (accept_kw(p, "PARTITION")) {
		set_partition_op(c, "DROP PARTITION");
		if (accept_if_exists(p))
			c->if_exists = true;
		return skip_partition_names(p);
	} else if ((at_kw(p, "SYSTEM") &&
		    tok_is_kw(peek(p, 1), "VERSIONING")) ||
		   at_kw(p, "PERIOD")) {
		return refuse(p, "system versioning is not supported by an "
				 "online copy");
	} else {
		accept_kw(p, "COLUMN");
		c->kind = DDL_DROP_COLUMN;
	}
	if (accept_if_exists(p))
		c->if_exists = true;
	if (parse_name(p, &c->name,
		       c->kind == DDL_DROP_COLUMN  ? "column"
		       : c->kind == DDL_DROP_INDEX ? "index"
						   : "constraint") < 0)
		return -1;
	if (c->kind == DDL_DROP_COLUMN && !accept_kw(p, "RESTRICT"))
		accept_kw(p, "CASCADE");
	return 0;
}

static int parse_modify(struct parser *p, struct ddl_clause *c, bool change)
{
	struct coldef_extra ex;
	struct ddl_column *col;

	c->kind = change ? DDL_CHANGE_COLUMN : DDL_MODIFY_COLUMN;
	accept_kw(p, "COLUMN");
	if (accept_if_exists(p))
		c->if_exists = true;
	if (change && parse_name(p, &c->name, "column") < 0)
		return -1;
	col = new_column(c);
	if (parse_column_def(p, col, &ex) < 0)
		return -1;
	if (!change)
		c->name = xstrdup(col->name);
	add_inline_indexes(c, col, &ex);
	return parse_position(p, c);
}

static int parse_rename(struct parser *p, struct ddl_clause *c)
{
	if (accept_kw(p, "COLUMN")) {
		c->kind = DDL_RENAME_COLUMN;
	} else if (accept_kw(p, "INDEX") || accept_kw(p, "KEY")) {
		c->kind = DDL_RENAME_INDEX;
	} else {
		return refuse(p, "renaming the table is not an online schema "
				 "change: use RENAME TABLE");
	}
	if (accept_if_exists(p))
		c->if_exists = true;
	if (parse_name(p, &c->name, c->kind == DDL_RENAME_COLUMN ? "column" :
								   "index") < 0)
		return -1;
	if (!accept_kw(p, "TO"))
		return fail(p, "expected TO");
	return parse_name(p, &c->new_name, c->kind == DDL_RENAME_COLUMN ?
						   "column" :
						   "index");
}

static int parse_alter_sub(struct parser *p, struct ddl_clause *c)
{
	if (at_kw(p, "TABLE"))
		return refuse(p, "--alter takes the clauses that follow "
				 "ALTER TABLE <table>: remove 'ALTER TABLE "
				 "<table>'");
	if (accept_kw(p, "INDEX") || accept_kw(p, "KEY")) {
		c->kind = DDL_ALTER_INDEX;
		if (parse_name(p, &c->name, "index") < 0)
			return -1;
		if (accept_kw(p, "VISIBLE") || accept_kw(p, "INVISIBLE") ||
		    accept_kw(p, "IGNORED") || accept_kw2(p, "NOT", "IGNORED"))
			return 0;
		return fail_unexpected(p, "ALTER INDEX");
	}
	if (accept_kw(p, "CHECK") || accept_kw(p, "CONSTRAINT")) {
		c->kind = DDL_ALTER_CONSTRAINT;
		if (parse_name(p, &c->name, "constraint") < 0)
			return -1;
		if (accept_kw(p, "ENFORCED") ||
		    accept_kw2(p, "NOT", "ENFORCED"))
			return 0;
		return fail_unexpected(p, "ALTER CONSTRAINT");
	}
	accept_kw(p, "COLUMN");
	if (accept_if_exists(p))
		c->if_exists = true;
	if (parse_name(p, &c->name, "column") < 0)
		return -1;
	if (accept_kw2(p, "SET", "DEFAULT")) {
		c->kind = DDL_ALTER_COLUMN_SET_DEFAULT;
		return parse_default(p, &c->default_kind, &c->default_sql);
	}
	if (accept_kw2(p, "DROP", "DEFAULT")) {
		c->kind = DDL_ALTER_COLUMN_DROP_DEFAULT;
		return 0;
	}
	if (accept_kw2(p, "SET", "VISIBLE") ||
	    accept_kw2(p, "SET", "INVISIBLE")) {
		c->kind = DDL_ALTER_COLUMN_VISIBILITY;
		c->invisible = tok_is_kw(&p->toks->t[p->pos - 1], "INVISIBLE");
		return 0;
	}
	return fail_unexpected(p, "ALTER COLUMN");
}

/* Table options (also used by SHOW CREATE TABLE). */
static const char *const table_option_words[] = {
	"ENGINE", "TYPE", "AUTO_INCREMENT", "AVG_ROW_LENGTH", "CHARSET",
	"CHECKSUM", "TABLE_CHECKSUM", "PAGE_CHECKSUM", "COLLATE", "COMMENT",
	"COMPRESSION", "CONNECTION", "DELAY_KEY_WRITE", "ENCRYPTION",
	"ENCRYPTED", "ENCRYPTION_KEY_ID", "ENGINE_ATTRIBUTE",
	"SECONDARY_ENGINE", "SECONDARY_ENGINE_ATTRIBUTE", "INSERT_METHOD",
	"KEY_BLOCK_SIZE", "MAX_ROWS", "MIN_ROWS", "PACK_KEYS", "PASSWORD",
	"ROW_FORMAT", "STATS_AUTO_RECALC", "STATS_PERSISTENT",
	"STATS_SAMPLE_PAGES", "TABLESPACE", "TRANSACTIONAL", "PAGE_COMPRESSED",
	"PAGE_COMPRESSION_LEVEL", "UNION", "AUTOEXTEND_SIZE", "IETF_QUOTES",
	"SEQUENCE",
};

static bool at_table_option(const struct parser *p)
{
	const struct ddl_token *t = cur(p);
	size_t i, k = 0;

	if (tok_is_kw(t, "DEFAULT"))
		t = peek(p, ++k);
	if (tok_is_kw(t, "CHARACTER") || tok_is_kw(t, "CHAR"))
		return tok_is_kw(peek(p, k + 1), "SET");
	if ((tok_is_kw(t, "DATA") || tok_is_kw(t, "INDEX")) && !k)
		return tok_is_kw(peek(p, 1), "DIRECTORY");
	for (i = 0; i < ARRAY_SIZE(table_option_words); i++)
		if (tok_is_kw(t, table_option_words[i]))
			return k == 0 || tok_is_kw(t, "CHARSET") ||
			       tok_is_kw(t, "COLLATE") ||
			       tok_is_kw(t, "ENCRYPTION");
	return false;
}

static int parse_table_option(struct parser *p, struct ddl_table_option *o)
{
	const struct ddl_token *t;
	struct strbuf name = STRBUF_INIT;

	memset(o, 0, sizeof(*o));
	accept_kw(p, "DEFAULT");
	if (accept_charset_kw(p)) {
		strbuf_addstr(&name, "CHARSET");
	} else if (accept_kw2(p, "DATA", "DIRECTORY")) {
		strbuf_addstr(&name, "DATA DIRECTORY");
	} else if (accept_kw2(p, "INDEX", "DIRECTORY")) {
		strbuf_addstr(&name, "INDEX DIRECTORY");
	} else {
		const char *q;

		for (q = cur(p)->val; *q; q++)
			strbuf_addch(&name, toupper((unsigned char)*q));
		if (!strcmp(name.buf, "TYPE"))
			strbuf_setf(&name, "ENGINE");
		if (!strcmp(name.buf, "TABLE_CHECKSUM"))
			strbuf_setf(&name, "CHECKSUM");
		advance(p);
	}
	o->name = strbuf_detach(&name, NULL);
	accept_punct(p, "=");
	t = cur(p);
	if (!strcmp(o->name, "UNION") && at_punct(p, "(")) {
		size_t start = p->pos;

		if (skip_group(p) < 0)
			return -1;
		o->value = span_text(p, start, p->pos);
		return 0;
	}
	switch (t->kind) {
	case DDL_TOK_IDENT:
	case DDL_TOK_QIDENT:
	case DDL_TOK_STRING:
	case DDL_TOK_NUMBER:
		break;
	default:
		return fail(p, "expected a value for table option %s",
			    o->name);
	}
	if (!strcmp(o->name, "CHARSET") || !strcmp(o->name, "COLLATE")) {
		if (parse_charset_name(p, &o->value) < 0)
			return -1;
	} else {
		o->value = xstrdup(t->val);
		advance(p);
	}
	if (!strcmp(o->name, "TABLESPACE") && accept_kw(p, "STORAGE")) {
		if (!at_name(p))
			return fail(p, "expected DISK or MEMORY");
		advance(p);
	}
	return 0;
}

static int parse_table_options(struct parser *p, struct ddl_clause *c)
{
	c->kind = DDL_TABLE_OPTIONS;
	do {
		struct ddl_table_option *o;

		ALLOC_GROW(c->options, c->options_nr + 1, c->options_alloc);
		o = &c->options[c->options_nr++];
		if (parse_table_option(p, o) < 0)
			return -1;
	} while (at_table_option(p));
	return 0;
}

static bool at_partition_options(const struct parser *p)
{
	return (at_kw(p, "PARTITION") && tok_is_kw(peek(p, 1), "BY")) ||
	       (at_kw(p, "REMOVE") && tok_is_kw(peek(p, 1), "PARTITIONING"));
}

/* Consume up to a top-level comma or the end. */
static int skip_to_clause_end(struct parser *p)
{
	while (!at_end(p) && !at_punct(p, ",") && !at_punct(p, ";")) {
		if (at_punct(p, "(")) {
			if (skip_group(p) < 0)
				return -1;
		} else if (at_punct(p, ")")) {
			return fail(p, "unbalanced parentheses");
		} else {
			advance(p);
		}
	}
	return 0;
}

static bool at_clause_keyword(const struct parser *p)
{
	static const char *const words[] = {
		"ADD",	   "DROP",    "MODIFY",	   "CHANGE",   "RENAME",
		"ALTER",   "CONVERT", "FORCE",	   "ALGORITHM", "LOCK",
		"ORDER",   "DISCARD", "IMPORT",	   "PARTITION", "REMOVE",
		"COALESCE", "REORGANIZE", "TRUNCATE", "ANALYZE", "CHECK",
		"OPTIMIZE", "REBUILD", "REPAIR",   "EXCHANGE", "ENABLE",
		"DISABLE", "WITH",    "WITHOUT",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (at_kw(p, words[i]))
			return true;
	return at_table_option(p);
}

static int parse_clause(struct parser *p, struct ddl_clause *c)
{
	if (at_table_option(p))
		return parse_table_options(p, c);
	if (accept_kw(p, "ADD"))
		return parse_add(p, c);
	if (accept_kw(p, "DROP"))
		return parse_drop(p, c);
	if (accept_kw(p, "MODIFY"))
		return parse_modify(p, c, false);
	if (accept_kw(p, "CHANGE"))
		return parse_modify(p, c, true);
	if (accept_kw(p, "RENAME"))
		return parse_rename(p, c);
	if (accept_kw(p, "ALTER"))
		return parse_alter_sub(p, c);
	if (accept_kw(p, "CONVERT")) {
		if (at_kw(p, "PARTITION") || at_kw(p, "TABLE"))
			return refuse(p, refuse_partition_maintenance);
		if (!accept_kw(p, "TO") || !accept_charset_kw(p))
			return fail(p, "expected CONVERT TO CHARACTER SET");
		c->kind = DDL_CONVERT_CHARSET;
		if (accept_kw(p, "DEFAULT"))
			c->charset = NULL;
		else if (parse_charset_name(p, &c->charset) < 0)
			return -1;
		if (accept_kw(p, "COLLATE") &&
		    parse_charset_name(p, &c->collation) < 0)
			return -1;
		return 0;
	}
	if (accept_kw(p, "FORCE")) {
		c->kind = DDL_FORCE;
		return 0;
	}
	if (at_kw(p, "ALGORITHM") || at_kw(p, "LOCK"))
		return refuse(p, "ALGORITHM= and LOCK= are meaningless for an "
				 "online copy: remove them");
	if (at_kw(p, "ORDER") && tok_is_kw(peek(p, 1), "BY"))
		return refuse(p, "ORDER BY cannot be kept by an online copy "
				 "(rows are copied in key order): remove it");
	if (at_kw(p, "DISCARD") || at_kw(p, "IMPORT")) {
		if (tok_is_kw(peek(p, 1), "PARTITION"))
			return refuse(p, refuse_partition_maintenance);
		return refuse(p, "DISCARD/IMPORT TABLESPACE cannot run on a "
				 "copy: run it on the table directly");
	}
	if (at_kw(p, "PARTITION") && tok_is_kw(peek(p, 1), "BY")) {
		set_partition_op(c, "PARTITION BY");
		return skip_to_clause_end(p);
	}
	if (accept_kw2(p, "REMOVE", "PARTITIONING")) {
		set_partition_op(c, "REMOVE PARTITIONING");
		return 0;
	}
	if (accept_kw2(p, "COALESCE", "PARTITION")) {
		set_partition_op(c, "COALESCE PARTITION");
		if (cur(p)->kind != DDL_TOK_NUMBER)
			return fail(p, "expected a number of partitions");
		advance(p);
		return 0;
	}
	if (accept_kw2(p, "REORGANIZE", "PARTITION")) {
		set_partition_op(c, "REORGANIZE PARTITION");
		if (at_end(p) || at_punct(p, ","))
			return 0;
		if (skip_partition_names(p) < 0)
			return -1;
		if (!accept_kw(p, "INTO"))
			return fail(p, "expected INTO");
		return skip_group(p);
	}
	if ((at_kw(p, "TRUNCATE") || at_kw(p, "ANALYZE") || at_kw(p, "CHECK") ||
	     at_kw(p, "OPTIMIZE") || at_kw(p, "REBUILD") ||
	     at_kw(p, "REPAIR") || at_kw(p, "EXCHANGE")) &&
	    tok_is_kw(peek(p, 1), "PARTITION"))
		return refuse(p, refuse_partition_maintenance);
	return refuse(p, "unrecognised ALTER clause");
}

/* ---------------------------------------------------------------------
 * Error text: "<reason> near offset N: '<clause>'"
 */

/* The end offset of the clause starting at token `from`: the next
 * top-level comma or the end. */
static size_t clause_end_offset(const struct ddl_tokens *toks, size_t from)
{
	size_t i, end = toks->t[from].offset;
	int depth = 0;

	for (i = from; i < toks->nr; i++) {
		const struct ddl_token *t = &toks->t[i];

		if (t->kind == DDL_TOK_PUNCT) {
			if (!strcmp(t->val, "("))
				depth++;
			else if (!strcmp(t->val, ")") && depth > 0)
				depth--;
			else if ((!strcmp(t->val, ",") ||
				  !strcmp(t->val, ";")) && depth == 0)
				break;
		}
		end = t->offset + t->len;
	}
	return end;
}

/* Append `len` bytes of `s`, blanks squeezed, cut after 60 bytes. */
static void add_excerpt(struct strbuf *out, const char *s, size_t len)
{
	size_t i, n = 0;
	bool blank = false;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == ' ') {
			blank = true;
			continue;
		}
		if (blank && n) {
			strbuf_addch(out, ' ');
			n++;
		}
		blank = false;
		if (n >= 60 && (c & 0xc0) != 0x80) {
			strbuf_addstr(out, "...");
			return;
		}
		strbuf_addch(out, (char)c);
		n++;
	}
}

void ddl_add_near(struct strbuf *err, const char *src, size_t off,
		  size_t end)
{
	if (end <= off)
		return;
	strbuf_addf(err, " near offset %zu: '", off);
	add_excerpt(err, src + off, end > off ? end - off : 0);
	strbuf_addch(err, '\'');
}

/* ---------------------------------------------------------------------
 * ddl_parse_alter()
 */

/* Drop the tokens from `n` on; token n becomes the END sentinel. */
static void truncate_tokens(struct ddl_tokens *toks, size_t n)
{
	size_t end = toks->t[n].offset;

	while (toks->nr >= n) {
		free(toks->t[toks->nr].val);
		free(toks->t[toks->nr].charset);
		if (toks->nr == n)
			break;
		toks->nr--;
	}
	memset(&toks->t[n], 0, sizeof(toks->t[n]));
	toks->t[n].kind = DDL_TOK_END;
	toks->t[n].offset = end;
	toks->t[n].val = xstrdup("");
}

int ddl_parse_alter(const char *alter_sql, struct ddl_alter *out,
		    struct strbuf *err)
{
	struct ddl_tokens toks;
	struct parser p;
	struct strbuf lexmsg = STRBUF_INIT;
	size_t len = strlen(alter_sql), err_off = 0, i, text_end;
	size_t clause_tok = 0;
	int ret = -1;

	ddl_alter_init(out);
	memset(&p, 0, sizeof(p));
	strbuf_init(&p.msg, 0);
	if (ddl_lex(alter_sql, len, &toks, &err_off, &lexmsg) < 0) {
		out->error_offset = err_off;
		if (err) {
			size_t from = err->len;

			size_t end = err_off;

			while (end < len && end - err_off < 60 &&
			       alter_sql[end] != '\n')
				end++;
			strbuf_addbuf(err, &lexmsg);
			ddl_add_near(err, alter_sql, err_off, end);
			ddl_oneline(err, from);
		}
		strbuf_release(&lexmsg);
		strbuf_release(&p.msg);
		return -1;
	}
	p.toks = &toks;

	/* One statement: a ';' may only be followed by more ';'. */
	text_end = len;
	for (i = 0; i < toks.nr; i++)
		if (tok_is_punct(&toks.t[i], ";"))
			break;
	if (i < toks.nr) {
		size_t semi = i;

		text_end = toks.t[semi].offset;
		for (; i < toks.nr; i++)
			if (!tok_is_punct(&toks.t[i], ";"))
				break;
		if (i < toks.nr) {
			p.pos = i;
			fail(&p, "only one statement is allowed: remove what "
				 "follows ';'");
			clause_tok = i;
			goto out;
		}
		truncate_tokens(&toks, semi);
	}
	while (text_end > 0 && isspace((unsigned char)alter_sql[text_end - 1]))
		text_end--;
	if (!toks.nr) {
		fail(&p, "empty ALTER: nothing to do");
		goto out;
	}

	while (!at_end(&p)) {
		struct ddl_clause *c;

		clause_tok = p.pos;
		ALLOC_GROW(out->clauses, out->clauses_nr + 1,
			   out->clauses_alloc);
		c = &out->clauses[out->clauses_nr++];
		memset(c, 0, sizeof(*c));
		if (parse_clause(&p, c) < 0)
			goto out;
		c->offset = toks.t[clause_tok].offset;
		c->len = toks.t[p.pos - 1].offset + toks.t[p.pos - 1].len -
			 c->offset;
		if (at_end(&p))
			break;
		if (accept_punct(&p, ",")) {
			if (at_end(&p)) {
				fail(&p, "nothing after the last ','");
				clause_tok = p.pos - 1;
				goto out;
			}
			continue;
		}
		if (at_table_option(&p) || at_partition_options(&p))
			continue;
		fail_unexpected(&p, ddl_clause_kind_name(c->kind));
		goto out;
	}
	out->text = xstrndup(alter_sql, text_end);
	ret = 0;
out:
	if (ret < 0) {
		size_t off = toks.t[clause_tok].offset;

		ddl_alter_release(out);
		out->error_offset = off;
		if (err) {
			size_t end = clause_end_offset(&toks, clause_tok);

			/* a lone ',' or ';': show that token */
			if (end <= off)
				end = off + toks.t[clause_tok].len;
			ddl_oneline(&p.msg, 0);
			strbuf_addbuf(err, &p.msg);
			ddl_add_near(err, alter_sql, off, end);
		}
	}
	ddl_tokens_release(&toks);
	strbuf_release(&p.msg);
	strbuf_release(&lexmsg);
	return ret;
}

/* ---------------------------------------------------------------------
 * ddl_table_from_create()
 */

static void table_add_index(struct ddl_table *t, struct ddl_index *ix)
{
	ALLOC_GROW(t->indexes, t->indexes_nr + 1, t->indexes_alloc);
	t->indexes[t->indexes_nr++] = *ix;
	memset(ix, 0, sizeof(*ix));
}

static int create_item(struct parser *p, struct ddl_table *t)
{
	struct ddl_index ix;
	struct ddl_constraint con;
	char *cname = NULL;
	int ret = -1;

	memset(&ix, 0, sizeof(ix));
	memset(&con, 0, sizeof(con));
	if (accept_kw(p, "CONSTRAINT")) {
		if (at_name(p) && !at_kw(p, "PRIMARY") && !at_kw(p, "UNIQUE") &&
		    !at_kw(p, "FOREIGN") && !at_kw(p, "CHECK") &&
		    parse_name(p, &cname, "constraint") < 0)
			goto out;
		if (!at_kw(p, "PRIMARY") && !at_kw(p, "UNIQUE")) {
			if (parse_constraint_def(p, &con, cname, NULL) < 0)
				goto out;
			goto add_constraint;
		}
	}
	if (at_kw(p, "FOREIGN") || at_kw(p, "CHECK")) {
		if (parse_constraint_def(p, &con, cname, NULL) < 0)
			goto out;
		goto add_constraint;
	}
	if (at_kw(p, "PERIOD") && tok_is_kw(peek(p, 1), "FOR")) {
		/* MariaDB PERIOD FOR SYSTEM_TIME (a, b): no data */
		while (!at_stop(p)) {
			if (!at_punct(p, "(")) {
				advance(p);
				continue;
			}
			if (skip_group(p) < 0)
				goto out;
		}
		ret = 0;
		goto out;
	}
	if (at_index_start(p)) {
		if (parse_index_def(p, &ix, cname, NULL) < 0)
			goto out;
		table_add_index(t, &ix);
	} else {
		struct ddl_column *col;
		struct coldef_extra ex;

		ALLOC_GROW(t->columns, t->columns_nr + 1, t->columns_alloc);
		col = &t->columns[t->columns_nr++];
		memset(col, 0, sizeof(*col));
		if (parse_column_def(p, col, &ex) < 0)
			goto out;
		if (at_kw(p, "FIRST") || at_kw(p, "AFTER")) {
			fail_unexpected(p, "column definition");
			goto out;
		}
		if (ex.primary || ex.unique) {
			ix.kind = ex.primary ? DDL_INDEX_PRIMARY :
					       DDL_INDEX_UNIQUE;
			ix.name = xstrdup(ex.primary ? "PRIMARY" : col->name);
			ALLOC_GROW(ix.parts, 1, ix.parts_alloc);
			memset(ix.parts, 0, sizeof(*ix.parts));
			ix.parts[0].column = xstrdup(col->name);
			ix.parts[0].prefix_len = -1;
			ix.parts_nr = 1;
			table_add_index(t, &ix);
		}
	}
	ret = 0;
	goto out;
add_constraint:
	ALLOC_GROW(t->constraints, t->constraints_nr + 1, t->constraints_alloc);
	t->constraints[t->constraints_nr++] = con;
	memset(&con, 0, sizeof(con));
	ret = 0;
out:
	free(cname);
	ddl_index_release(&ix);
	ddl_constraint_release(&con);
	return ret;
}

static void apply_create_option(struct ddl_table *t,
				const struct ddl_table_option *o)
{
	char **slot = NULL;

	if (!strcmp(o->name, "ENGINE"))
		slot = &t->engine;
	else if (!strcmp(o->name, "CHARSET"))
		slot = &t->charset;
	else if (!strcmp(o->name, "COLLATE"))
		slot = &t->collation;
	else if (!strcmp(o->name, "ROW_FORMAT"))
		slot = &t->row_format;
	if (slot) {
		free(*slot);
		*slot = lowercase(o->value);
	} else if (!strcmp(o->name, "COMMENT")) {
		free(t->comment);
		t->comment = xstrdup(o->value);
	}
}

int ddl_table_from_create(const char *create_sql, struct ddl_table *out,
			  struct strbuf *err)
{
	struct ddl_tokens toks;
	struct parser p;
	struct strbuf lexmsg = STRBUF_INIT;
	size_t len = strlen(create_sql), err_off = 0;
	int ret = -1;

	ddl_table_init(out);
	memset(&p, 0, sizeof(p));
	strbuf_init(&p.msg, 0);
	if (ddl_lex(create_sql, len, &toks, &err_off, &lexmsg) < 0) {
		if (err) {
			ddl_oneline(&lexmsg, 0);
			strbuf_addf(err, "cannot parse SHOW CREATE TABLE "
					 "output: %s",
				    lexmsg.buf);
			ddl_add_near(err, create_sql, err_off,
				 err_off + 40 < len ? err_off + 40 : len);
		}
		strbuf_release(&lexmsg);
		strbuf_release(&p.msg);
		return -1;
	}
	p.toks = &toks;
	accept_kw2(&p, "OR", "REPLACE");
	if (!accept_kw(&p, "CREATE")) {
		fail(&p, "expected CREATE TABLE");
		goto out;
	}
	accept_kw2(&p, "OR", "REPLACE");
	accept_kw(&p, "TEMPORARY");
	if (!accept_kw(&p, "TABLE")) {
		fail(&p, "expected CREATE TABLE");
		goto out;
	}
	accept_if_not_exists(&p);
	if (parse_name(&p, &out->name, "table") < 0)
		goto out;
	/* db.table: keep the table part */
	if (accept_punct(&p, ".") && parse_name(&p, &out->name, "table") < 0)
		goto out;
	if (!accept_punct(&p, "(")) {
		fail(&p, "expected '(' and the column definitions");
		goto out;
	}
	for (;;) {
		if (create_item(&p, out) < 0)
			goto out;
		if (accept_punct(&p, ")"))
			break;
		if (!accept_punct(&p, ",")) {
			fail_unexpected(&p, "CREATE TABLE");
			goto out;
		}
	}
	while (!at_end(&p) && !at_punct(&p, ";")) {
		if (accept_punct(&p, ","))
			continue;
		if (at_table_option(&p)) {
			struct ddl_table_option o;

			if (parse_table_option(&p, &o) < 0) {
				free(o.name);
				free(o.value);
				goto out;
			}
			apply_create_option(out, &o);
			free(o.name);
			free(o.value);
		} else if (at_kw(&p, "PARTITION") &&
			   tok_is_kw(peek(&p, 1), "BY")) {
			out->partitioned = true;
			while (!at_end(&p) && !at_punct(&p, ";"))
				advance(&p);
		} else if (accept_kw2(&p, "WITH", "SYSTEM") &&
			   accept_kw(&p, "VERSIONING")) {
			out->system_versioned = true;
		} else {
			fail_unexpected(&p, "table options");
			goto out;
		}
	}
	/*
	 * SHOW CREATE TABLE names every index, but text that declares one
	 * without a name (UNIQUE (`u`), which the fuzz target produced)
	 * gets the name the server would give it: the shared key and every
	 * statement built on it (FORCE INDEX) need one.
	 */
	{
		size_t i;

		for (i = 0; i < out->indexes_nr; i++)
			if (!out->indexes[i].name)
				out->indexes[i].name = ddl_index_default_name(
				    out, &out->indexes[i]);
	}
	ddl_table_resolve_charsets(out);
	ret = 0;
out:
	if (ret < 0) {
		const struct ddl_token *t = &toks.t[p.err_tok];

		ddl_table_release(out);
		if (err) {
			ddl_oneline(&p.msg, 0);
			strbuf_addf(err, "cannot parse SHOW CREATE TABLE "
					 "output: %s",
				    p.msg.buf);
			if (t->kind == DDL_TOK_END)
				strbuf_addstr(err, " at the end of the text");
			ddl_add_near(err, create_sql, t->offset,
				 t->offset + 40 < len ? t->offset + 40 : len);
		}
	}
	ddl_tokens_release(&toks);
	strbuf_release(&p.msg);
	strbuf_release(&lexmsg);
	return ret;
}
