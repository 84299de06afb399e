/*
 * ident.h: the one rule for comparing database and table names, the
 * server's lower_case_table_names.
 *
 * With lower_case_table_names=0 the server stores and compares database
 * and table names as given, byte for byte (Linux's default): `T` and `t`
 * are two tables. With 1 it stores them in lower case and folds every
 * name a statement gives; with 2 (case-insensitive file systems) it
 * stores them as given and compares them folded. Either way `T` and `t`
 * are one table, and a statement may spell it either way. Every place in
 * osc that asks "is this our table?" (the binlog decoder's registered
 * schemas, the applier's table map match and DDL watch, the preflight's
 * catalog lookups and leftovers) calls ident_name_eq() with the value the
 * preflight read from the server. Column, index and constraint names are
 * case-insensitive on every server and are not covered here
 * (ddl_name_eq()).
 *
 * The fold is the server's simple lower-casing for the letters of Latin
 * (ASCII, Latin-1 Supplement, Latin Extended-A), Greek and Cyrillic in
 * UTF-8; other characters compare as they are. Pure.
 */
#ifndef OSC_UTIL_IDENT_H
#define OSC_UTIL_IDENT_H

#include <stddef.h>

/* 1 when a and b name the same database or table under the rule. */
int ident_name_eq(int lower_case_table_names, const char *a, const char *b);
int ident_name_eq_len(int lower_case_table_names, const char *a, size_t alen,
		      const char *b, size_t blen);

#endif
