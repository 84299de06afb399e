/*
 * strbuf.h: growable, always NUL-terminated byte strings (git semantics).
 *
 * Invariants: `buf` is never NULL (initialise with STRBUF_INIT or
 * strbuf_init()); `buf[len]` is always '\0'; the bytes may contain NULs
 * (binary data). Growth dies on out-of-memory. strbuf_detach() is the only
 * way to take ownership of the storage; free it with free(3).
 */
#ifndef OSC_UTIL_STRBUF_H
#define OSC_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { .alloc = 0, .len = 0, .buf = strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Free the storage; the strbuf is left initialised and empty. */
void strbuf_release(struct strbuf *sb);
/* Give the storage to the caller (who frees it); sb is reset. */
char *strbuf_detach(struct strbuf *sb, size_t *len_out);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen(sb, 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append `len` bytes as lowercase hex digits (no prefix). */
void strbuf_addhex(struct strbuf *sb, const void *data, size_t len);
/* Append `s` as a JSON string literal, quotes included. Bytes that are not
 * valid UTF-8 are written as \u00XX of the byte. */
void strbuf_addjson(struct strbuf *sb, const char *s, size_t len);

void strbuf_trim(struct strbuf *sb);
void strbuf_rtrim(struct strbuf *sb);
int strbuf_cmp(const struct strbuf *a, const struct strbuf *b);
/* Replace the contents with the formatted string. */
void strbuf_setf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
