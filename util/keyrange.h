/*
 * keyrange.h: the one builder of a row comparison on a composite key.
 *
 * (k1, ..., kn) OP (v1, ..., vn) is written in expanded form,
 *
 *   ((k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... OR
 *    (k1 = v1 AND ... AND kn OP vn))
 *
 * because MariaDB and MySQL 5.7 do not turn the row constructor form into
 * an index range. Every term but the last compares with the strict
 * operator; the last one with OP itself, so ">=" and "<=" are inclusive
 * in the last column only. "=" gives (k1 = v1 AND ... AND kn = vn).
 * The chunker's boundaries and ranges and the ddl module's predicates on
 * the shared key (copy ranges, the replay's key match) are all built here;
 * they used to be built twice, in two forms.
 *
 * What one comparison looks like is the caller's: a callback appends
 * "column i OP value i" (quoting the name, writing the literal, an IN list
 * for an ENUM, a CONVERT for a changed collation). Pure.
 */
#ifndef OSC_UTIL_KEYRANGE_H
#define OSC_UTIL_KEYRANGE_H

#include <stddef.h>
#include "util/strbuf.h"

enum keyrange_op {
	KEYRANGE_EQ = 0, /* = */
	KEYRANGE_GT,	 /* > */
	KEYRANGE_GE,	 /* >= */
	KEYRANGE_LT,	 /* < */
	KEYRANGE_LE,	 /* <= */
};

/* "=", ">", ">=", "<", "<=" to *op; -1 for anything else. */
int keyrange_op_parse(const char *text, enum keyrange_op *op);
/* The operator's SQL text. */
const char *keyrange_op_sql(enum keyrange_op op);

/*
 * Append the comparison of key column `i` with value `i`, using `op`
 * ("=", or the strict or inclusive inequality keyrange_build chose).
 */
typedef void (*keyrange_term_fn)(struct strbuf *out, size_t i,
				 const char *op, void *ctx);

/*
 * Append the expanded comparison for a key of `ncols` columns (at least
 * one), calling term() for each column comparison in order: with "?"
 * placeholders for values, the i-th OR term binds v1..vi in order.
 */
void keyrange_build(struct strbuf *out, size_t ncols, enum keyrange_op op,
		    keyrange_term_fn term, void *ctx);

#endif
