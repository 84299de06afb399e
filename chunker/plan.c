/*
 * plan.c: chunk planning and sizing (see chunker.h). Pure: builds SQL
 * text and numbers from data, never talks to the server.
 */
#include "util/compat.h"
#include "chunker/chunker.h"
#include "util/keyrange.h"
#include "util/quote.h"
#include "util/wrapper.h"

void chunk_bound_release(struct chunk_bound *b)
{
	size_t i;

	for (i = 0; i < b->nvalues; i++)
		free(b->values[i]);
	free(b->values);
	b->values = NULL;
	b->nvalues = 0;
}

void chunk_bound_copy(struct chunk_bound *dst, const struct chunk_bound *src)
{
	size_t i;

	chunk_bound_release(dst);
	if (!src || !src->nvalues)
		return;
	dst->values = xcalloc(src->nvalues, sizeof(*dst->values));
	for (i = 0; i < src->nvalues; i++)
		dst->values[i] = xstrdup(src->values[i]);
	dst->nvalues = src->nvalues;
}

/* A decimal number as the server prints INT and DECIMAL values. */
static int is_plain_number(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < len && isdigit((unsigned char)s[i]); i++)
		digits++;
	if (i < len && s[i] == '.') {
		for (i++; i < len && isdigit((unsigned char)s[i]); i++)
			digits++;
	}
	return digits > 0 && i == len;
}

/* A character set name is [a-z0-9_]+; anything else is refused. */
static int is_charset_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

int chunk_key_literal(const struct chunk_key_column *col, const char *value,
		      size_t len, struct strbuf *out, struct strbuf *err)
{
	if (!value) {
		strbuf_addf(err, "key column `%s` holds NULL; the chunking "
			    "key must be NOT NULL", col->name);
		return -1;
	}
	switch (col->kind) {
	case CHUNK_KEY_NUMERIC:
		if (!is_plain_number(value, len)) {
			strbuf_addf(err, "key column `%s`: '%.*s' is not a "
				    "number", col->name,
				    (int)(len > 40 ? 40 : len), value);
			return -1;
		}
		strbuf_add(out, value, len);
		return 0;
	case CHUNK_KEY_STRING:
		if (col->charset && strcmp(col->charset, "binary")) {
			if (!is_charset_name(col->charset)) {
				strbuf_addf(err, "key column `%s`: bad "
					    "character set name '%s'",
					    col->name, col->charset);
				return -1;
			}
			strbuf_addf(out, "_%s ", col->charset);
		}
		quote_sql_hex(out, value, len);
		return 0;
	case CHUNK_KEY_TEMPORAL:
		quote_sql_string(out, value, len);
		return 0;
	case CHUNK_KEY_ENUM: {
		char *end;
		unsigned long long v;

		errno = 0;
		v = len && isdigit((unsigned char)value[0])
			    ? strtoull(value, &end, 10) : 0;
		if (!len || !isdigit((unsigned char)value[0]) || errno ||
		    end != value + len || v > col->enum_max) {
			strbuf_addf(err, "key column `%s`: '%.*s' is not an "
				    "enum or set number up to %llu", col->name,
				    (int)(len > 40 ? 40 : len), value,
				    col->enum_max);
			return -1;
		}
		strbuf_addf(out, "%llu", v);
		return 0;
	}
	}
	strbuf_addf(err, "key column `%s` has an unknown kind", col->name);
	return -1;
}

unsigned long long chunk_key_enum_max(int is_set, size_t members)
{
	if (!is_set)
		return members <= CHUNK_KEY_ENUM_MAX ? members : 0;
	if (members >= 64 || (1ULL << members) - 1 > CHUNK_KEY_ENUM_MAX)
		return 0;
	return (1ULL << members) - 1;
}

int chunk_bound_from_row(const struct chunk_key *key, char **values,
			 const unsigned long *lengths, size_t nvalues,
			 struct chunk_bound *bound, struct strbuf *err)
{
	struct strbuf lit = STRBUF_INIT;
	struct chunk_bound b = CHUNK_BOUND_INIT;
	size_t i;

	if (nvalues < key->ncols) {
		strbuf_addf(err, "boundary row has %zu values for %zu key "
			    "columns", nvalues, key->ncols);
		return -1;
	}
	b.values = xcalloc(key->ncols, sizeof(*b.values));
	for (i = 0; i < key->ncols; i++) {
		strbuf_reset(&lit);
		if (chunk_key_literal(&key->cols[i], values[i],
				      values[i] ? lengths[i] : 0, &lit,
				      err) < 0) {
			strbuf_release(&lit);
			chunk_bound_release(&b);
			return -1;
		}
		b.values[b.nvalues++] = strbuf_detach(&lit, NULL);
	}
	strbuf_release(&lit);
	chunk_bound_release(bound);
	*bound = b;
	return 0;
}

int chunk_key_check(const struct chunk_key *key, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t i;
	int ret = -1;

	if (!key->ncols || !key->cols) {
		strbuf_addstr(err, "the chunking key has no columns");
		goto out;
	}
	if (!key->schema || !key->table ||
	    quote_qualified(&tmp, key->schema, key->table) < 0) {
		strbuf_addstr(err, "the chunking key has no valid table name");
		goto out;
	}
	if (!key->index || quote_ident(&tmp, key->index) < 0) {
		strbuf_addf(err, "table `%s`: the chunking key has no index "
			    "name", key->table);
		goto out;
	}
	for (i = 0; i < key->ncols; i++) {
		if (!key->cols[i].name ||
		    quote_ident(&tmp, key->cols[i].name) < 0) {
			strbuf_addf(err, "table `%s`: key column %zu has no "
				    "valid name", key->table, i + 1);
			goto out;
		}
		if (key->cols[i].kind == CHUNK_KEY_ENUM &&
		    (!key->cols[i].enum_max ||
		     key->cols[i].enum_max > CHUNK_KEY_ENUM_MAX)) {
			strbuf_addf(err, "table `%s`: key column `%s` is an "
				    "ENUM or SET with more than %llu values, "
				    "too many to chunk on", key->table,
				    key->cols[i].name, CHUNK_KEY_ENUM_MAX);
			goto out;
		}
	}
	ret = 0;
out:
	strbuf_release(&tmp);
	return ret;
}

/*
 * The boundary query's select list: string keys in a character set are
 * read as their raw bytes, because the server would otherwise convert them
 * to the connection's character set and the `_charset X'..'` literal
 * would then hold different bytes (seen with a latin1 key: the copy went
 * round in circles).
 */
static int is_charset_string(const struct chunk_key_column *c)
{
	return c->kind == CHUNK_KEY_STRING && c->charset &&
	       strcmp(c->charset, "binary");
}

static void add_select_list(struct strbuf *sb, const struct chunk_key *key)
{
	size_t i;

	for (i = 0; i < key->ncols; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		if (is_charset_string(&key->cols[i])) {
			strbuf_addstr(sb, "CAST(");
			quote_ident(sb, key->cols[i].name);
			strbuf_addstr(sb, " AS BINARY)");
		} else if (key->cols[i].kind == CHUNK_KEY_ENUM) {
			quote_ident(sb, key->cols[i].name);
			strbuf_addstr(sb, "+0");
		} else {
			quote_ident(sb, key->cols[i].name);
		}
	}
}

static void add_key_list(struct strbuf *sb, const struct chunk_key *key)
{
	size_t i;

	for (i = 0; i < key->ncols; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		quote_ident(sb, key->cols[i].name);
	}
}

static int check_bound(const struct chunk_key *key,
		       const struct chunk_bound *b, const char *what,
		       struct strbuf *err)
{
	if (b && b->nvalues && b->nvalues != key->ncols) {
		strbuf_addf(err, "table `%s`: %s boundary has %zu values for "
			    "%zu key columns", key->table, what, b->nvalues,
			    key->ncols);
		return -1;
	}
	return 0;
}

/*
 * `col` OP v. For an ENUM/SET column, an inequality is the IN list of the
 * numbers it admits (see CHUNK_KEY_ENUM), or FALSE when there is none.
 */
static void add_compare(struct strbuf *sb, const struct chunk_key_column *c,
			const char *op, const char *v)
{
	unsigned long long n, lo, hi, i;
	int strict = !strcmp(op, ">") || !strcmp(op, "<");

	if (c->kind != CHUNK_KEY_ENUM || !strcmp(op, "=")) {
		quote_ident(sb, c->name);
		strbuf_addf(sb, " %s %s", op, v);
		return;
	}
	/* The literal came from chunk_key_literal(): digits, <= enum_max. */
	n = strtoull(v, NULL, 10);
	if (op[0] == '>') {
		lo = n + (strict ? 1 : 0);
		hi = c->enum_max;
	} else {
		if (strict && !n) {
			strbuf_addstr(sb, "FALSE");
			return;
		}
		lo = 0;
		hi = n - (strict ? 1 : 0);
	}
	if (lo > hi) {
		strbuf_addstr(sb, "FALSE");
		return;
	}
	quote_ident(sb, c->name);
	strbuf_addstr(sb, " IN (");
	for (i = lo; i <= hi; i++)
		strbuf_addf(sb, i > lo ? ", %llu" : "%llu", i);
	strbuf_addch(sb, ')');
}

struct row_compare {
	const struct chunk_key *key;
	const struct chunk_bound *b;
};

static void compare_term(struct strbuf *sb, size_t i, const char *op,
			 void *ctx)
{
	const struct row_compare *rc = ctx;

	add_compare(sb, &rc->key->cols[i], op, rc->b->values[i]);
}

/* (key) OP (bound), expanded by the one builder (util/keyrange.h). */
static void add_row_compare(struct strbuf *sb, const struct chunk_key *key,
			    const struct chunk_bound *b, enum keyrange_op op)
{
	struct row_compare rc = {key, b};

	keyrange_build(sb, key->ncols, op, compare_term, &rc);
}

int chunk_plan_boundary_sql(const struct chunk_key *key,
			    const struct chunk_bound *after,
			    unsigned long long chunk_rows, struct strbuf *sql,
			    struct strbuf *err)
{
	if (chunk_key_check(key, err) < 0 ||
	    check_bound(key, after, "the previous", err) < 0)
		return -1;
	if (!chunk_rows) {
		strbuf_addf(err, "table `%s`: chunk size must be at least 1",
			    key->table);
		return -1;
	}
	strbuf_addstr(sql, "SELECT ");
	add_select_list(sql, key);
	strbuf_addstr(sql, " FROM ");
	quote_qualified(sql, key->schema, key->table);
	strbuf_addstr(sql, " FORCE INDEX (");
	quote_ident(sql, key->index);
	strbuf_addch(sql, ')');
	if (after && after->nvalues) {
		strbuf_addstr(sql, " WHERE ");
		add_row_compare(sql, key, after, KEYRANGE_GT);
	}
	strbuf_addstr(sql, " ORDER BY ");
	add_key_list(sql, key);
	strbuf_addf(sql, " LIMIT 1 OFFSET %llu", chunk_rows - 1);
	return 0;
}

int chunk_plan_range_sql(const struct chunk_key *key,
			 const struct chunk_bound *lower,
			 const struct chunk_bound *upper, struct strbuf *where,
			 struct strbuf *err)
{
	int has_lower = lower && lower->nvalues;
	int has_upper = upper && upper->nvalues;

	if (chunk_key_check(key, err) < 0 ||
	    check_bound(key, lower, "the lower", err) < 0 ||
	    check_bound(key, upper, "the upper", err) < 0)
		return -1;
	if (!has_lower && !has_upper) {
		strbuf_addstr(where, "(1)");
		return 0;
	}
	if (has_lower && has_upper)
		strbuf_addch(where, '(');
	if (has_lower)
		add_row_compare(where, key, lower, KEYRANGE_GT);
	if (has_lower && has_upper)
		strbuf_addstr(where, " AND ");
	if (has_upper)
		add_row_compare(where, key, upper, KEYRANGE_LE);
	if (has_lower && has_upper)
		strbuf_addch(where, ')');
	return 0;
}

int chunk_warning_dup_on(const char *msg, const char *key)
{
	static const char marker[] = " for key '";
	const char *p = NULL, *q;
	size_t klen, len;

	if (!msg || !key)
		return 0;
	klen = strlen(key);
	/* The last one: the duplicated value may contain the marker. */
	for (q = strstr(msg, marker); q; q = strstr(q + 1, marker))
		p = q;
	if (!p)
		return 0;
	p += strlen(marker);
	len = strlen(p);
	if (!len || p[len - 1] != '\'')
		return 0;
	len--;
	if (len == klen)
		return !strncmp(p, key, klen);
	return len > klen && p[len - klen - 1] == '.' &&
	       !strncmp(p + len - klen, key, klen);
}

int chunk_warning_is_expected(const char *code, const char *msg,
			      const char *key)
{
	/*
	 * 1364 "Field 'x' doesn't have a default value": a column the copy
	 * does not fill (added NOT NULL without a DEFAULT) takes its
	 * implicit default, as in a native ALTER: not a change of data.
	 */
	if (code && !strcmp(code, "1364"))
		return 1;
	if (!code || strcmp(code, "1062"))
		return 0;
	return chunk_warning_dup_on(msg, key);
}

enum chunk_warning_class chunk_warning_classify(const struct chunk_copy_opts *o,
						const char *code,
						const char *msg)
{
	size_t i;

	if (chunk_warning_is_expected(code, msg, o->ghost_key_name))
		return CHUNK_WARNING_EXPECTED;
	if (!code || strcmp(code, "1062"))
		return CHUNK_WARNING_FATAL;
	/* A checked key first: when names overlap, the careful answer. */
	for (i = 0; i < o->checked_keys_nr; i++)
		if (chunk_warning_dup_on(msg, o->checked_keys[i]))
			return CHUNK_WARNING_DUP_CHECKED;
	for (i = 0; i < o->absorbed_keys_nr; i++)
		if (chunk_warning_dup_on(msg, o->absorbed_keys[i]))
			return CHUNK_WARNING_EXPECTED;
	return CHUNK_WARNING_FATAL;
}

static unsigned long long clamp_rows(unsigned long long v,
				     unsigned long long lo,
				     unsigned long long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Weights of the moving average: a slower sample counts more than a
 * faster one, so the estimate falls quickly and climbs slowly.
 */
#define RATE_WEIGHT_SLOWER 0.5
#define RATE_WEIGHT_FASTER 0.25

unsigned long long chunk_rows_for_bytes(unsigned long long max_rows,
					unsigned long long min_rows,
					uint64_t max_bytes, uint64_t row_bytes)
{
	unsigned long long rows;

	if (!max_bytes || !row_bytes)
		return max_rows;
	rows = max_bytes / row_bytes;
	if (rows < min_rows)
		rows = min_rows;
	if (rows < 1)
		rows = 1;
	return rows < max_rows ? rows : max_rows;
}

unsigned long long chunk_size_next(const struct chunk_size_params *p,
				   double *rows_per_ms,
				   unsigned long long prev_rows,
				   unsigned long long rows, double elapsed_ms)
{
	unsigned long long lo = p->min_rows ? p->min_rows : 1;
	unsigned long long hi = p->max_rows > lo ? p->max_rows : lo;
	double sample, next, target = p->target_ms;

	if (!prev_rows)
		prev_rows = lo;
	if (!rows || !p->target_ms)
		return clamp_rows(prev_rows, lo, hi);
	/* Below a millisecond the clock says little; count it as one. */
	sample = (double)rows / (elapsed_ms < 1.0 ? 1.0 : elapsed_ms);
	if (*rows_per_ms <= 0)
		*rows_per_ms = sample;
	else if (sample < *rows_per_ms)
		*rows_per_ms = RATE_WEIGHT_SLOWER * sample +
			       (1 - RATE_WEIGHT_SLOWER) * *rows_per_ms;
	else
		*rows_per_ms = RATE_WEIGHT_FASTER * sample +
			       (1 - RATE_WEIGHT_FASTER) * *rows_per_ms;
	next = *rows_per_ms * target;
	/*
	 * Far over the target: the server got slower (or the rows wider);
	 * start again from this chunk alone, right away.
	 */
	if (elapsed_ms > 2 * target && sample < *rows_per_ms) {
		*rows_per_ms = sample;
		next = sample * target;
	}
	if (next > 2.0 * (double)prev_rows)
		next = 2.0 * (double)prev_rows;
	if (next < (double)lo)
		return lo;
	if (next > (double)hi)
		return hi;
	return (unsigned long long)next;
}
