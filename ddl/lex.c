/*
 * lex.c: the MySQL/MariaDB tokenizer used for ALTER clauses and for
 * SHOW CREATE TABLE text.
 *
 * One pcre2 pattern, an alternation with one capturing group per token
 * class, is matched anchored at the current offset; the group that took
 * part says what the token is. The pattern works on bytes (no PCRE2_UTF):
 * identifiers may hold any byte >= 0x80, so UTF-8 names pass through and
 * invalid UTF-8 cannot make the match fail. Quoted forms use possessive
 * quantifiers so that an unterminated string fails in linear time and at
 * the right offset.
 *
 * Executable comments ("/" "*!", "/" "*!50700", "/" "*M!", with the
 * version digits optional) are lexed as if their markers were not there:
 * every server osc talks to is newer than the versions that appear in
 * practice, and SHOW CREATE TABLE of MySQL 8 puts real definitions in
 * them ("/" "*!80023 INVISIBLE *" "/").
 */
#include "util/compat.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>

#include "ddl/ddl-internal.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

enum lex_group {
	G_SPACE = 1,
	G_LINE_COMMENT,
	G_EXEC_OPEN,
	G_COMMENT,
	G_EXEC_CLOSE,
	G_QIDENT,
	G_INTRODUCED,
	G_NATIONAL,
	G_HEX,
	G_BIT,
	G_STRING,
	G_NUMBER,
	G_IDENT,
	G_PUNCT,
	G_COUNT,
};

#define IDCH "A-Za-z0-9_$\\x80-\\xff"
#define SQ "'(?:[^'\\\\]++|\\\\[\\s\\S]|'')*+'"
#define DQ "\"(?:[^\"\\\\]++|\\\\[\\s\\S]|\"\")*+\""

static const char lex_pattern[] =
	"([ \\t\\r\\n\\f\\v]+)"
	"|((?:--(?=[ \\t\\r\\n\\f\\v]|$)|#)[^\\n]*+)"
	"|(/\\*M?!(?:[0-9]{5,6})?)"
	"|(/\\*(?s:.*?)\\*/)"
	"|(\\*/)"
	"|(`(?:[^`]++|``)*+`)"
	"|(_[A-Za-z0-9]+[ \\t\\r\\n]*(?:" SQ "|" DQ "))"
	"|([Nn]" SQ ")"
	"|([Xx]'[0-9A-Fa-f]*+'|0x[0-9A-Fa-f]++(?![" IDCH "]))"
	"|([Bb]'[01]*+'|0b[01]++(?![" IDCH "]))"
	"|(" SQ "|" DQ ")"
	"|([0-9]++(?:\\.[0-9]*+)?(?:[eE][-+]?[0-9]++)?(?![" IDCH "])"
	"|\\.[0-9]++(?:[eE][-+]?[0-9]++)?(?![" IDCH "]))"
	"|([" IDCH "]++)"
	"|(<=>|<=|>=|<>|!=|:=|\\|\\||&&|<<|>>|->>|->"
	"|/(?!\\*)|[-(),;=.+*%<>!~^&|?:{}\\[\\]@\\\\])";

static pcre2_code *lex_code;
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

static void lex_compile(void)
{
	int errcode;
	PCRE2_SIZE erroff;

	lex_code = pcre2_compile((PCRE2_SPTR)lex_pattern, PCRE2_ZERO_TERMINATED,
				 0, &errcode, &erroff, NULL);
	/* A bad pattern is a bug in this file; ddl_lex() reports it. */
}

void ddl_tokens_release(struct ddl_tokens *toks)
{
	size_t i;

	for (i = 0; i < toks->nr + (toks->ended ? 1 : 0); i++) {
		free(toks->t[i].val);
		free(toks->t[i].charset);
	}
	free(toks->t);
	memset(toks, 0, sizeof(*toks));
}

static struct ddl_token *push(struct ddl_tokens *toks, enum ddl_tok_kind kind,
			      size_t off, size_t len)
{
	struct ddl_token *t;

	ALLOC_GROW(toks->t, toks->nr + 1, toks->alloc);
	t = &toks->t[toks->nr++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->offset = off;
	t->len = len;
	return t;
}

static void set_val(struct ddl_token *t, const char *s, size_t len)
{
	t->val = xmalloc(st_add(len, 1));
	memcpy(t->val, s, len);
	t->val[len] = '\0';
	t->val_len = len;
}

/* Decode the body of a quoted string (without its quotes). */
static void decode_string(struct ddl_token *t, const char *s, size_t len,
			  char quote)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < len) {
			c = s[++i];
			switch (c) {
			case '0':
				c = '\0';
				break;
			case 'b':
				c = '\b';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'Z':
				c = '\032';
				break;
			case '%':
			case '_':
				/* kept with the backslash (LIKE patterns) */
				strbuf_addch(&sb, '\\');
				break;
			default:
				break;
			}
		} else if (c == quote && i + 1 < len && s[i + 1] == quote) {
			i++;
		}
		strbuf_addch(&sb, c);
	}
	set_val(t, sb.buf, sb.len);
	strbuf_release(&sb);
}

static void decode_qident(struct ddl_token *t, const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		strbuf_addch(&sb, s[i]);
		if (s[i] == '`' && i + 1 < len && s[i + 1] == '`')
			i++;
	}
	set_val(t, sb.buf, sb.len);
	strbuf_release(&sb);
}

static const char *unmatched_reason(const char *p, size_t left)
{
	if (*p == '\'' || *p == '"')
		return "unterminated string";
	if (*p == '`')
		return "unterminated quoted identifier";
	if (left >= 2 && p[0] == '/' && p[1] == '*')
		return "unterminated comment";
	if ((*p == 'x' || *p == 'X' || *p == 'b' || *p == 'B') && left >= 2 &&
	    p[1] == '\'')
		return "malformed hex or bit literal";
	return "unexpected character";
}

int ddl_lex(const char *src, size_t len, struct ddl_tokens *out,
	    size_t *err_offset, struct strbuf *err)
{
	pcre2_match_data *md = NULL;
	size_t pos = 0;
	int in_exec = 0;
	size_t exec_off = 0;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->src = src;
	out->src_len = len;
	pthread_once(&lex_once, lex_compile);
	if (!lex_code) {
		*err_offset = 0;
		if (err)
			strbuf_addstr(err, "internal error: the lexer pattern "
					   "does not compile");
		goto out;
	}
	md = pcre2_match_data_create_from_pattern(lex_code, NULL);
	if (!md)
		die("out of memory");

	while (pos < len) {
		PCRE2_SIZE *ov;
		int rc, g;
		size_t start, end;
		struct ddl_token *t;
		const char *s;

		rc = pcre2_match(lex_code, (PCRE2_SPTR)src, len, pos,
				 PCRE2_ANCHORED, md, NULL);
		if (rc < 0) {
			*err_offset = pos;
			if (err)
				strbuf_addstr(err, unmatched_reason(src + pos,
								    len - pos));
			goto out;
		}
		ov = pcre2_get_ovector_pointer(md);
		for (g = 1; g < rc; g++)
			if (ov[2 * g] != PCRE2_UNSET)
				break;
		start = ov[2 * g];
		end = ov[2 * g + 1];
		s = src + start;
		if (end == start) {
			/* cannot happen: every alternative consumes a byte */
			*err_offset = pos;
			if (err)
				strbuf_addstr(err, "unexpected character");
			goto out;
		}
		pos = end;
		switch (g) {
		case G_SPACE:
		case G_LINE_COMMENT:
		case G_COMMENT:
			break;
		case G_EXEC_OPEN:
			if (in_exec) {
				*err_offset = start;
				if (err)
					strbuf_addstr(err, "nested executable "
							   "comment");
				goto out;
			}
			in_exec = 1;
			exec_off = start;
			break;
		case G_EXEC_CLOSE:
			if (!in_exec) {
				*err_offset = start;
				if (err)
					strbuf_addstr(err, "'*/' outside a "
							   "comment");
				goto out;
			}
			in_exec = 0;
			break;
		case G_QIDENT:
			t = push(out, DDL_TOK_QIDENT, start, end - start);
			decode_qident(t, s + 1, end - start - 2);
			break;
		case G_INTRODUCED: {
			size_t cs_len = 1, q;

			while (isalnum((unsigned char)s[cs_len]))
				cs_len++;
			q = cs_len;
			while (s[q] != '\'' && s[q] != '"')
				q++;
			t = push(out, DDL_TOK_STRING, start, end - start);
			t->charset = xstrndup(s + 1, cs_len - 1);
			decode_string(t, s + q + 1, end - start - q - 2, s[q]);
			break;
		}
		case G_NATIONAL:
			t = push(out, DDL_TOK_STRING, start, end - start);
			t->charset = xstrdup("utf8mb3");
			decode_string(t, s + 2, end - start - 3, '\'');
			break;
		case G_HEX:
		case G_BIT:
			t = push(out, g == G_HEX ? DDL_TOK_HEX : DDL_TOK_BIT,
				 start, end - start);
			if (s[1] == '\'')
				set_val(t, s + 2, end - start - 3);
			else
				set_val(t, s + 2, end - start - 2);
			break;
		case G_STRING:
			t = push(out, DDL_TOK_STRING, start, end - start);
			decode_string(t, s + 1, end - start - 2, s[0]);
			break;
		case G_NUMBER:
			t = push(out, DDL_TOK_NUMBER, start, end - start);
			set_val(t, s, end - start);
			break;
		case G_IDENT:
			t = push(out, DDL_TOK_IDENT, start, end - start);
			set_val(t, s, end - start);
			break;
		case G_PUNCT:
			t = push(out, DDL_TOK_PUNCT, start, end - start);
			set_val(t, s, end - start);
			break;
		default:
			*err_offset = start;
			if (err)
				strbuf_addstr(err, "unexpected character");
			goto out;
		}
	}
	if (in_exec) {
		*err_offset = exec_off;
		if (err)
			strbuf_addstr(err, "unterminated executable comment");
		goto out;
	}
	/* The END sentinel, so that parsers can always look one ahead. */
	push(out, DDL_TOK_END, len, 0);
	out->nr--;
	out->t[out->nr].val = xstrdup("");
	out->ended = true;
	ret = 0;
out:
	pcre2_match_data_free(md);
	if (ret < 0)
		ddl_tokens_release(out);
	return ret;
}
