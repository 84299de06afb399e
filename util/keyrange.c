/*
 * keyrange.c: the expanded row comparison on a composite key (see
 * keyrange.h).
 */
#include "util/compat.h"
#include "util/keyrange.h"

static const char *const op_text[] = {
	[KEYRANGE_EQ] = "=", [KEYRANGE_GT] = ">", [KEYRANGE_GE] = ">=",
	[KEYRANGE_LT] = "<", [KEYRANGE_LE] = "<=",
};

int keyrange_op_parse(const char *text, enum keyrange_op *op)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(op_text); i++) {
		if (!strcmp(text, op_text[i])) {
			*op = (enum keyrange_op)i;
			return 0;
		}
	}
	return -1;
}

const char *keyrange_op_sql(enum keyrange_op op)
{
	return op_text[op];
}

void keyrange_build(struct strbuf *out, size_t ncols, enum keyrange_op op,
		    keyrange_term_fn term, void *ctx)
{
	const char *strict = op == KEYRANGE_GT || op == KEYRANGE_GE ? ">" : "<";
	size_t i, j;

	strbuf_addch(out, '(');
	if (op == KEYRANGE_EQ) {
		for (i = 0; i < ncols; i++) {
			if (i)
				strbuf_addstr(out, " AND ");
			term(out, i, "=", ctx);
		}
		strbuf_addch(out, ')');
		return;
	}
	for (i = 0; i < ncols; i++) {
		if (i)
			strbuf_addstr(out, " OR ");
		strbuf_addch(out, '(');
		for (j = 0; j < i; j++) {
			term(out, j, "=", ctx);
			strbuf_addstr(out, " AND ");
		}
		term(out, i, i + 1 == ncols ? op_text[op] : strict, ctx);
		strbuf_addch(out, ')');
	}
	strbuf_addch(out, ')');
}
