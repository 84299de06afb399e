/*
 * names.h: the names of the objects osc creates (DESIGN.md section 2).
 *
 * For table `t`: `_t_new` (the ghost), `_t_old` (the sentry, then the
 * original table), `_t_osc` (the changelog), and the advisory lock
 * 'osc.db.t' that keeps two runs off one table. Identifiers and lock names
 * are limited to 64 characters on MySQL and MariaDB; a longer name keeps
 * the first characters of the table name and ends with an 8-digit hash of
 * the whole name, so that two long names that share a prefix still get
 * different objects. Every part of osc that needs these names calls these
 * functions: never build them by hand.
 *
 * Pure: no allocation other than the strbuf's, no failure.
 */
#ifndef OSC_OSC_NAMES_H
#define OSC_OSC_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

/* The server's limit for identifiers and GET_LOCK names, in characters. */
#define OSC_NAME_MAX_CHARS 64

enum osc_object {
	OSC_OBJ_GHOST,	   /* _t_new */
	OSC_OBJ_OLD,	   /* _t_old */
	OSC_OBJ_CHANGELOG, /* _t_osc */
};

/* "new", "old", "osc". */
const char *osc_object_suffix(enum osc_object which);

/* Append the unquoted name of `which` for table `table` to out. */
void osc_object_name(struct strbuf *out, const char *table,
		     enum osc_object which);

/*
 * Append the GET_LOCK name for db.table: osc.DB.TABLE, with the parts in
 * backticks (doubled inside) when either holds a dot or a backtick, so
 * that `a.b`.`c` and `a`.`b.c` do not share a lock.
 */
void osc_lock_name(struct strbuf *out, const char *db, const char *table);

/* Characters in a UTF-8 string: each byte that is not a continuation
 * byte (10xxxxxx) starts one, so a stray lead byte counts as one and a
 * stray continuation byte belongs to the character before it. */
size_t osc_utf8_chars(const char *s, size_t len);

/* 32-bit FNV-1a of the bytes, the hash in shortened names. */
uint32_t osc_name_hash(const char *s, size_t len);

#endif
