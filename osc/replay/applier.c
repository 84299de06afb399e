/*
 * applier.c: the binlog applier thread (see applier.h for the contract).
 *
 * Each transaction of the binlog that touched the table is turned into a
 * list of statements on the ghost while it is read (the decoded values are
 * only valid until the next event) and sent in one ghost transaction at
 * its COMMIT. Consecutive row writes become one multi-row REPLACE and
 * consecutive deletes one DELETE ... WHERE k = .. OR k = .., so a bulk
 * statement costs a few round trips, not one per row. A deadlock or lock
 * wait timeout against the copier rolls the ghost transaction back and
 * runs it again: the statements are idempotent in order.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/replay/applier.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <pthread.h>
#include <strings.h>
#include <time.h>

/* A REPLACE or DELETE statement is cut at about this size. */
#define STMT_MAX_BYTES (2u * 1024 * 1024)
/* Deletes per DELETE statement. */
#define DELETE_MAX_ROWS 500
/*
 * Committed transactions are gathered into one ghost transaction until it
 * holds this many row changes or the oldest has waited this long: one
 * round trip per source transaction cannot keep up with a busy table.
 * The next event (our own heartbeat writes one every 100 ms) flushes.
 */
#define BATCH_MAX_ROWS 2000
#define BATCH_MAX_MS 20
#define BATCH_MAX_BYTES (3u * 1024 * 1024)
/* A ghost transaction smaller than this goes in one round trip. */
#define ONE_TRIP_MAX_BYTES (4u * 1024 * 1024)

enum op_kind {
	OP_UPSERT,
	OP_DELETE,
};

struct op {
	enum op_kind kind;
	char *sql; /* "(v1, v2, ...)" for upserts, a key predicate for deletes */
	size_t len;
};

struct osc_applier {
	struct osc_run *run;
	struct db *conn;
	struct binlog_stream *stream;
	pthread_t thread;
	int started;

	/* Per-column literal helpers, in plan->map order. */
	struct binlog_column_schema *targets;
	int *by_name; /* write ENUM/SET by member name (the list changed) */
	int unique_mode; /* DELETE + INSERT instead of REPLACE */
	/* DELETE by the shared key before each write: the ghost's unique
	 * key is wider than the shared key (plan->key_ghost_wider). */
	int delete_first;
	struct strbuf replace_head; /* REPLACE INTO g (cols) VALUES */
	struct strbuf insert_head;  /* INSERT INTO g (cols) VALUES */
	struct strbuf delete_head;  /* DELETE FROM g WHERE */

	/* Committed transactions not yet replayed, then the open one. */
	struct op *ops;
	size_t ops_nr, ops_alloc;
	size_t txn_start;	/* ops of the open transaction start here */
	size_t ops_bytes;	/* SQL text held by ops */
	int in_txn;
	struct binlog_pos pending_pos; /* end of the last gathered commit */
	uint64_t pending_txns;
	uint64_t pending_since_ms;	/* 0: nothing gathered */

	pthread_mutex_t mu;
	pthread_cond_t cond;
	/* Under mu. */
	int stop;
	int failed;
	struct strbuf error;
	struct binlog_pos applied;
	struct binlog_pos server;
	uint64_t transactions, rows;
	long long last_event_ts;
	int expect_rename;	/* a RENAME of the table is ours (cut-over) */
	int rename_seen;
	long slipped_rows;	/* rows on the table after the catch-up */
	int watching;		/* count rows from now on */
};

int osc_binlog_pos_cmp(const struct binlog_pos *a, const struct binlog_pos *b)
{
	int c = strcmp(a->file, b->file);

	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Forget the ops from `n` on (a rolled back or repeated transaction). */
static void ops_truncate(struct osc_applier *a, size_t n)
{
	size_t i;

	for (i = n; i < a->ops_nr; i++) {
		a->ops_bytes -= a->ops[i].len;
		free(a->ops[i].sql);
	}
	if (n < a->ops_nr)
		a->ops_nr = n;
}

static void ops_clear(struct osc_applier *a)
{
	ops_truncate(a, 0);
	a->txn_start = 0;
}

static void fail(struct osc_applier *a, const char *msg)
{
	pthread_mutex_lock(&a->mu);
	if (!a->failed) {
		a->failed = 1;
		strbuf_addstr(&a->error, msg);
	}
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
}

/* ---- statement text ------------------------------------------------- */

static void add_literal(struct osc_applier *a, struct strbuf *out,
			size_t map_i, const struct binlog_value *v,
			struct strbuf *err, int *bad)
{
	const struct ddl_plan *p = &a->run->plan;
	const struct ddl_col_map *m = &p->map[map_i];

	if (a->by_name[map_i] &&
	    (v->kind == BINLOG_VALUE_ENUM || v->kind == BINLOG_VALUE_SET)) {
		/* The member list changed: the index means another member
		 * on the ghost, the name means the same one. */
		const struct ddl_type *t = &p->source.columns[m->source_ordinal].type;
		struct strbuf names = STRBUF_INIT;
		size_t i;

		if (v->kind == BINLOG_VALUE_ENUM) {
			if (v->v.u >= 1 && v->v.u <= t->values_nr)
				strbuf_addstr(&names, t->values[v->v.u - 1]);
		} else {
			for (i = 0; i < t->values_nr && i < 64; i++) {
				if (!(v->v.u & (1ULL << i)))
					continue;
				if (names.len)
					strbuf_addch(&names, ',');
				strbuf_addstr(&names, t->values[i]);
			}
		}
		quote_sql_string(out, names.buf, names.len);
		strbuf_release(&names);
		return;
	}
	if (binlog_value_to_sql(out, v, &a->targets[map_i], err) < 0)
		*bad = 1;
}

/* "(v1, v2, ...)" of the after-image, in map order. */
static int row_tuple(struct osc_applier *a, const struct binlog_value *img,
		     unsigned int ncols, struct strbuf *out, struct strbuf *err)
{
	const struct ddl_plan *p = &a->run->plan;
	int bad = 0;
	size_t i;

	strbuf_addch(out, '(');
	for (i = 0; i < p->map_nr; i++) {
		unsigned int ord = p->map[i].source_ordinal;

		if (ord >= ncols) {
			strbuf_addf(err, "a row image has %u columns, the "
				    "table had %u: was it altered?",
				    ncols, (unsigned)p->source.columns_nr);
			return -1;
		}
		if (i)
			strbuf_addstr(out, ", ");
		add_literal(a, out, i, &img[ord], err, &bad);
		if (bad)
			return -1;
	}
	strbuf_addch(out, ')');
	return 0;
}

/* The key predicate (`k1` = v1 AND ...) of an image, on the ghost. */
static int key_pred(struct osc_applier *a, const struct binlog_value *img,
		    unsigned int ncols, struct strbuf *out, struct strbuf *err)
{
	const struct ddl_plan *p = &a->run->plan;
	struct strbuf *lits = xcalloc(p->key_nr, sizeof(*lits));
	const char **vals = xcalloc(p->key_nr, sizeof(*vals));
	int ret = -1, bad = 0;
	size_t i;

	for (i = 0; i < p->key_nr; i++) {
		unsigned int ord = p->key[i].source_ordinal;

		strbuf_init(&lits[i], 0);
		if (ord >= ncols) {
			strbuf_addstr(err, "a row image lacks a key column");
			goto out;
		}
		add_literal(a, &lits[i], p->key[i].map_index, &img[ord], err,
			    &bad);
		if (bad)
			goto out;
		vals[i] = lits[i].buf;
	}
	ret = ddl_build_key_predicate(out, p, DDL_SIDE_GHOST, "=", vals, err);
out:
	for (i = 0; i < p->key_nr; i++)
		strbuf_release(&lits[i]);
	free(lits);
	free(vals);
	return ret;
}

static void push_op(struct osc_applier *a, enum op_kind kind,
		    struct strbuf *text)
{
	ALLOC_GROW(a->ops, a->ops_nr + 1, a->ops_alloc);
	a->ops[a->ops_nr].kind = kind;
	a->ops[a->ops_nr].sql = strbuf_detach(text, &a->ops[a->ops_nr].len);
	a->ops_bytes += a->ops[a->ops_nr].len;
	a->ops_nr++;
}

static int queue_rows(struct osc_applier *a, const struct binlog_event *ev,
		      struct strbuf *err)
{
	const struct binlog_table *t = ev->u.rows.table;
	struct strbuf text = STRBUF_INIT, k2 = STRBUF_INIT;
	size_t i;
	int ret = -1;

	for (i = 0; i < ev->u.rows.nrows; i++) {
		const struct binlog_row *r = &ev->u.rows.rows[i];

		switch (ev->u.rows.kind) {
		case BINLOG_ROW_INSERT:
			if (a->unique_mode || a->delete_first) {
				if (key_pred(a, r->after, t->ncols, &text,
					     err) < 0)
					goto out;
				push_op(a, OP_DELETE, &text);
			}
			if (row_tuple(a, r->after, t->ncols, &text, err) < 0)
				goto out;
			push_op(a, OP_UPSERT, &text);
			break;
		case BINLOG_ROW_DELETE:
			if (key_pred(a, r->before, t->ncols, &text, err) < 0)
				goto out;
			push_op(a, OP_DELETE, &text);
			break;
		case BINLOG_ROW_UPDATE:
			if (key_pred(a, r->before, t->ncols, &text, err) < 0 ||
			    key_pred(a, r->after, t->ncols, &k2, err) < 0)
				goto out;
			/* A new key: the old row goes first. */
			if (strbuf_cmp(&text, &k2))
				push_op(a, OP_DELETE, &text);
			strbuf_reset(&text);
			/*
			 * With a wider ghost key (`id`, `created`), a REPLACE
			 * of an after-image whose `created` changed would not
			 * meet the row it replaces, and two ghost rows would
			 * have one `id`: delete by the shared key first.
			 */
			if (a->unique_mode || a->delete_first)
				push_op(a, OP_DELETE, &k2);
			strbuf_reset(&k2);
			if (row_tuple(a, r->after, t->ncols, &text, err) < 0)
				goto out;
			push_op(a, OP_UPSERT, &text);
			break;
		}
		strbuf_reset(&text);
	}
	ret = 0;
out:
	strbuf_release(&text);
	strbuf_release(&k2);
	return ret;
}

/*
 * The statements for the queued ops, appended to `stmts` (each followed
 * by a NUL so the list can be walked).
 */
static void build_statements(struct osc_applier *a, struct strbuf *stmts,
			     size_t *count)
{
	struct strbuf s = STRBUF_INIT;
	size_t i = 0, j, n;

	*count = 0;
	while (i < a->ops_nr) {
		enum op_kind kind = a->ops[i].kind;

		if (kind == OP_UPSERT && a->unique_mode) {
			/* Each upsert was queued after a DELETE by its
			 * shared key (queue_rows): a plain INSERT then makes
			 * a conflict on the new unique key an error, not a
			 * silent delete of another row. One row at a time,
			 * so two writes of one key cannot collide. */
			strbuf_reset(&s);
			strbuf_addbuf(&s, &a->insert_head);
			strbuf_add(&s, a->ops[i].sql, a->ops[i].len);
			strbuf_addbuf(stmts, &s);
			strbuf_addch(stmts, '\0');
			(*count)++;
			i++;
			continue;
		}
		strbuf_reset(&s);
		strbuf_addbuf(&s, kind == OP_UPSERT ? &a->replace_head
						    : &a->delete_head);
		for (j = i, n = 0; j < a->ops_nr && a->ops[j].kind == kind;
		     j++, n++) {
			if (n && (s.len + a->ops[j].len > STMT_MAX_BYTES ||
				  (kind == OP_DELETE && n >= DELETE_MAX_ROWS)))
				break;
			if (n)
				strbuf_addstr(&s, kind == OP_UPSERT ? ", "
								    : " OR ");
			strbuf_add(&s, a->ops[j].sql, a->ops[j].len);
		}
		strbuf_addbuf(stmts, &s);
		strbuf_addch(stmts, '\0');
		(*count)++;
		i = j;
	}
	strbuf_release(&s);
}

/*
 * Deadlocks and lock waits against the copier (whose chunk holds share
 * locks on the table's rows while it inserts into the ghost) are normal
 * under load, and InnoDB picks the smaller transaction, usually ours, as
 * the victim: retry for a long while with a growing pause before giving
 * up.
 */
#define APPLY_ATTEMPTS 100

/*
 * The session runs without STRICT_ALL_TABLES, like the copy's INSERT
 * IGNORE, so that a column the replay leaves out (one the ALTER adds NOT
 * NULL without a DEFAULT) takes its implicit default as in a native ALTER:
 * in strict mode every replayed insert failed with 1364. Any other
 * warning means the ghost cannot hold a replayed value (truncated, out of
 * range, NULL into NOT NULL) and stops the run, as in the copy.
 */
#define APPLIER_SQL_MODE "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"

/* After one statement: 0, or -1 with err naming its first real warning. */
static int statement_warnings(struct osc_applier *a, struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	int r, ret = 0;

	if (!db_warning_count(a->conn))
		return 0;
	if (db_query(a->conn, "SHOW WARNINGS", &res, err) < 0)
		return -1;
	while ((r = db_result_next(res, &row, err)) == 1) {
		if (row.ncols < 3 || !row.values[1] || !row.values[2] ||
		    !strcmp(row.values[1], "1364"))
			continue;
		strbuf_addf(err, "replaying a change on `%s`.`%s` into the "
			    "ghost changed data: warning %s: %.200s; the new "
			    "definition cannot hold every value (a native "
			    "ALTER would fail the same way): change the ALTER "
			    "or fix the data first",
			    a->run->pf->table.db, a->run->pf->table.table,
			    row.values[1], row.values[2]);
		ret = -1;
		break;
	}
	if (r < 0)
		ret = -1;
	db_result_free(res);
	return ret;
}

static int run_transaction(struct osc_applier *a, const struct strbuf *stmts,
			   size_t count, struct strbuf *err)
{
	struct db *db = a->conn;
	unsigned int delay_ms = 5;
	int attempt;

	struct strbuf one = STRBUF_INIT;
	unsigned int code;
	size_t i;

	/*
	 * The whole transaction but its COMMIT in one round trip (gh-ost
	 * does the same), unless it is too big for one packet:
	 * max_allowed_packet is 16 MiB by default on MariaDB, and at least
	 * 4 MiB on any server. The COMMIT follows once its warnings (summed
	 * over the statements) are known to be none.
	 */
	if (stmts->len < ONE_TRIP_MAX_BYTES) {
		const char *p = stmts->buf;

		strbuf_addstr(&one, "BEGIN");
		for (i = 0; i < count; i++) {
			strbuf_addstr(&one, ";\n");
			strbuf_addstr(&one, p);
			p += strlen(p) + 1;
		}
	}
	for (attempt = 0; attempt < APPLY_ATTEMPTS; attempt++) {
		const char *p = stmts->buf;

		strbuf_reset(err);
		if (one.len) {
			if (db_exec(db, one.buf, err) < 0)
				goto failed;
			if (!db_warning_count(db)) {
				if (db_exec(db, "COMMIT", err) < 0)
					goto failed;
				strbuf_release(&one);
				return 0;
			}
			/* Which statement, which warning: one by one. */
			if (db_exec(db, "ROLLBACK", err) < 0)
				goto failed;
		}
		if (db_exec(db, "BEGIN", err) < 0)
			goto failed;
		for (i = 0; i < count; i++) {
			if (db_exec(db, p, err) < 0)
				goto failed;
			if (statement_warnings(a, err) < 0) {
				struct strbuf ignore = STRBUF_INIT;

				db_exec(db, "ROLLBACK", &ignore);
				strbuf_release(&ignore);
				strbuf_release(&one);
				return -1;
			}
			p += strlen(p) + 1;
		}
		if (db_exec(db, "COMMIT", err) < 0)
			goto failed;
		strbuf_release(&one);
		return 0;
failed:
		code = db_errno(db);
		if (db_error_is_transient(code)) {
			struct strbuf ignore = STRBUF_INIT;

			db_exec(db, "ROLLBACK", &ignore);
			strbuf_release(&ignore);
			verbose("applier: retrying a transaction after error %u",
				code);
			clock_sleep_ms(delay_ms);
			if (delay_ms < 1000)
				delay_ms *= 2;
			continue;
		}
		if (code == DB_ER_DUP_ENTRY && a->unique_mode) {
			struct strbuf msg = STRBUF_INIT;

			strbuf_addf(&msg,
				    "a change on `%s`.`%s` conflicts with a "
				    "unique key the ALTER adds: %s; the table "
				    "holds duplicates for it now, so the ALTER "
				    "cannot be applied",
				    a->run->pf->table.db,
				    a->run->pf->table.table, err->buf);
			strbuf_reset(err);
			strbuf_addbuf(err, &msg);
			strbuf_release(&msg);
		}
		{
			struct strbuf ignore = STRBUF_INIT;

			db_exec(db, "ROLLBACK", &ignore);
			strbuf_release(&ignore);
		}
		strbuf_release(&one);
		return -1;
	}
	strbuf_release(&one);
	{
		struct strbuf last = STRBUF_INIT;

		strbuf_addbuf(&last, err);
		strbuf_reset(err);
		strbuf_addf(err, "replaying a transaction onto the ghost kept "
			    "failing on lock conflicts (%d attempts): %s",
			    APPLY_ATTEMPTS, last.buf);
		strbuf_release(&last);
	}
	return -1;
}

static int flush(struct osc_applier *a, const struct binlog_pos *pos,
		 struct strbuf *err)
{
	struct strbuf stmts = STRBUF_INIT;
	size_t count = 0, nrows = a->ops_nr;
	int ret = 0;

	if (a->ops_nr) {
		build_statements(a, &stmts, &count);
		ret = run_transaction(a, &stmts, count, err);
		ops_clear(a);
	}
	strbuf_release(&stmts);
	if (ret < 0)
		return -1;
	pthread_mutex_lock(&a->mu);
	a->transactions += a->pending_txns;
	a->rows += nrows;
	a->pending_txns = 0;
	a->pending_since_ms = 0;
	if (pos && osc_binlog_pos_cmp(pos, &a->applied) > 0)
		a->applied = *pos;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
	return 0;
}

/* ---- statements on the table ---------------------------------------- */

/* Skip blanks and comments; returns the next significant character. */
static const char *skip_blank(const char *p)
{
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (p[0] == '/' && p[1] == '*' && p[2] != '!') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else if (p[0] == '#' ||
			   (p[0] == '-' && p[1] == '-' &&
			    (isspace((unsigned char)p[2]) || !p[2]))) {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*' && p[2] == '!') {
			/* executable comment: its text counts */
			p += 3;
			while (isdigit((unsigned char)*p))
				p++;
		} else {
			return p;
		}
	}
}

/* Read one identifier token (bare or backticked) into out; NULL if none. */
static const char *read_ident(const char *p, struct strbuf *out)
{
	strbuf_reset(out);
	if (*p == '`') {
		p++;
		while (*p) {
			if (*p == '`') {
				if (p[1] == '`') {
					strbuf_addch(out, '`');
					p += 2;
					continue;
				}
				return p + 1;
			}
			strbuf_addch(out, *p++);
		}
		return p;
	}
	if (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
	    (unsigned char)*p >= 0x80) {
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
		       (unsigned char)*p >= 0x80)
			strbuf_addch(out, *p++);
		return p;
	}
	return NULL;
}

/*
 * Does the statement name `db`.`table` (qualified, or unqualified with
 * `cur_db` as its default database)? Strings and comments are skipped.
 */
static int mentions_table(const char *sql, const char *cur_db,
			  const char *db, const char *table)
{
	struct strbuf prev = STRBUF_INIT, id = STRBUF_INIT;
	const char *p = sql;
	int found = 0, prev_dot = 0;

	while (*p && !found) {
		const char *q;

		p = skip_blank(p);
		if (!*p)
			break;
		if (*p == '\'' || *p == '"') {
			char quote = *p++;

			while (*p && *p != quote) {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p)
				p++;
			strbuf_reset(&prev);
			prev_dot = 0;
			continue;
		}
		q = read_ident(p, &id);
		if (!q) {
			prev_dot = (*p == '.');
			if (!prev_dot)
				strbuf_reset(&prev);
			p++;
			continue;
		}
		p = q;
		if (!strcmp(id.buf, table)) {
			if (prev_dot)
				found = !strcmp(prev.buf, db);
			else if (*skip_blank(p) != '.')
				found = cur_db && !strcmp(cur_db, db);
		}
		strbuf_reset(&prev);
		if (!prev_dot)
			strbuf_addbuf(&prev, &id);
		prev_dot = 0;
	}
	strbuf_release(&prev);
	strbuf_release(&id);
	return found;
}

static int starts_with_word(const char *sql, const char *word)
{
	const char *p = skip_blank(sql);
	size_t n = strlen(word);

	return !strncasecmp(p, word, n) && !isalnum((unsigned char)p[n]);
}

/* ---- the thread ----------------------------------------------------- */

static int is_our_table(struct osc_applier *a, const struct binlog_table *t)
{
	return !strcmp(t->db, a->run->pf->table.db) &&
	       !strcmp(t->name, a->run->pf->table.table);
}

static void *applier_main(void *arg)
{
	struct osc_applier *a = arg;
	struct strbuf err = STRBUF_INIT;
	const struct binlog_event *ev;
	int rc;

	db_thread_init();
	for (;;) {
		pthread_mutex_lock(&a->mu);
		if (a->stop || a->rename_seen) {
			pthread_mutex_unlock(&a->mu);
			break;
		}
		pthread_mutex_unlock(&a->mu);

		strbuf_reset(&err);
		rc = binlog_stream_next(a->stream, &ev, &err);
		if (rc < 0) {
			fail(a, err.buf);
			break;
		}
		if (rc == 0)
			continue;
		pthread_mutex_lock(&a->mu);
		if (ev->timestamp)
			a->last_event_ts = ev->timestamp;
		pthread_mutex_unlock(&a->mu);

		switch (ev->kind) {
		case BINLOG_EVENT_BEGIN:
			a->in_txn = 1;
			a->txn_start = a->ops_nr;
			break;
		case BINLOG_EVENT_ROWS:
			if (!is_our_table(a, ev->u.rows.table))
				break;
			pthread_mutex_lock(&a->mu);
			if (a->watching)
				a->slipped_rows += (long)ev->u.rows.nrows;
			pthread_mutex_unlock(&a->mu);
			if (queue_rows(a, ev, &err) < 0) {
				struct strbuf msg = STRBUF_INIT;

				strbuf_addf(&msg, "cannot replay a change on "
					    "`%s`.`%s`: %s",
					    a->run->pf->table.db,
					    a->run->pf->table.table, err.buf);
				fail(a, msg.buf);
				strbuf_release(&msg);
				goto out;
			}
			break;
		case BINLOG_EVENT_QUERY:
			if (!mentions_table(ev->u.query.sql, ev->u.query.db,
					    a->run->pf->table.db,
					    a->run->pf->table.table))
				break;
			pthread_mutex_lock(&a->mu);
			if (a->expect_rename &&
			    starts_with_word(ev->u.query.sql, "RENAME")) {
				a->rename_seen = 1;
				pthread_cond_broadcast(&a->cond);
				pthread_mutex_unlock(&a->mu);
				goto out;
			}
			pthread_mutex_unlock(&a->mu);
			{
				struct strbuf msg = STRBUF_INIT;

				strbuf_addf(&msg,
					    "a statement on `%s`.`%s` appeared "
					    "in the binary log during the run "
					    "(DDL, or DML logged as a "
					    "statement), so the ghost can no "
					    "longer follow it: '%.120s'",
					    a->run->pf->table.db,
					    a->run->pf->table.table,
					    ev->u.query.sql);
				fail(a, msg.buf);
				strbuf_release(&msg);
			}
			goto out;
		case BINLOG_EVENT_COMMIT:
			a->in_txn = 0;
			if (ev->u.commit.xa_prepare && a->ops_nr > a->txn_start) {
				fail(a, "an XA transaction changed the table; "
					"osc cannot replay XA transactions");
				goto out;
			}
			if (ev->u.commit.rollback) {
				ops_truncate(a, a->txn_start);
				break;
			}
			a->pending_pos = ev->pos;
			if (a->ops_nr > a->txn_start) {
				a->pending_txns++;
				if (!a->pending_since_ms)
					a->pending_since_ms = clock_ms();
			}
			a->txn_start = a->ops_nr;
			/* Nothing gathered: only the position moves. */
			if (!a->ops_nr ||
			    a->ops_nr >= BATCH_MAX_ROWS ||
			    a->ops_bytes >= BATCH_MAX_BYTES ||
			    clock_ms() - a->pending_since_ms >= BATCH_MAX_MS) {
				if (flush(a, &a->pending_pos, &err) < 0) {
					fail(a, err.buf);
					goto out;
				}
			}
			break;
		case BINLOG_EVENT_HEARTBEAT:
			pthread_mutex_lock(&a->mu);
			snprintf(a->server.file, sizeof(a->server.file), "%s",
				 ev->u.heartbeat.file);
			a->server.pos = ev->u.heartbeat.pos;
			pthread_mutex_unlock(&a->mu);
			/* Everything before the server's position was sent. */
			if (!a->in_txn) {
				struct binlog_pos hp = a->server;

				if ((a->ops_nr &&
				     flush(a, &a->pending_pos, &err) < 0) ||
				    flush(a, &hp, &err) < 0) {
					fail(a, err.buf);
					goto out;
				}
			}
			break;
		case BINLOG_EVENT_RECONNECT:
			/* The open transaction comes again from its start. */
			ops_truncate(a, a->txn_start);
			a->in_txn = 0;
			warning("binlog stream reconnected (attempt %u)",
				ev->u.reconnect.attempt);
			break;
		default:
			break;
		}
	}
out:
	db_thread_end();
	strbuf_release(&err);
	return NULL;
}

/* ---- setup ---------------------------------------------------------- */

static void prepare_columns(struct osc_applier *a)
{
	const struct ddl_plan *p = &a->run->plan;
	size_t i;

	a->targets = xcalloc(p->map_nr ? p->map_nr : 1, sizeof(*a->targets));
	a->by_name = xcalloc(p->map_nr ? p->map_nr : 1, sizeof(*a->by_name));
	for (i = 0; i < p->map_nr; i++) {
		const struct ddl_column *src =
			&p->source.columns[p->map[i].source_ordinal];
		const struct ddl_column *gh =
			&p->ghost.columns[p->map[i].ghost_ordinal];
		size_t k;

		/* Only the ghost's type name is used (JSON targets). */
		a->targets[i].name = gh->name;
		a->targets[i].column_type = gh->type.base;
		a->targets[i].datetime_precision = -1;
		if ((!strcmp(src->type.base, "enum") ||
		     !strcmp(src->type.base, "set"))) {
			int same = !strcmp(src->type.base, gh->type.base) &&
				   src->type.values_nr == gh->type.values_nr;

			for (k = 0; same && k < src->type.values_nr; k++)
				same = !strcmp(src->type.values[k],
					       gh->type.values[k]);
			a->by_name[i] = !same;
		}
	}
	a->unique_mode = p->unique_checks_nr > 0;
	a->delete_first = p->key_ghost_wider;
}

static int read_schema(struct osc_applier *a, struct strbuf *err)
{
	return binlog_load_schema(a->conn,
				  binlog_stream_decoder(a->stream),
				  a->run->pf->table.db,
				  a->run->pf->table.table, err);
}

struct osc_applier *osc_applier_start(struct osc_run *run,
				      const struct binlog_pos *start,
				      struct strbuf *err)
{
	const struct osc_table_facts *t = &run->pf->table;
	struct osc_applier *a = xcalloc(1, sizeof(*a));
	struct binlog_stream_options so;

	a->run = run;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cond, NULL);
	strbuf_init(&a->error, 0);
	strbuf_init(&a->replace_head, 0);
	strbuf_init(&a->insert_head, 0);
	strbuf_init(&a->delete_head, 0);
	a->applied = *start;
	prepare_columns(a);
	if (ddl_build_replace_head(&a->replace_head, &run->plan, t->db,
				   t->ghost_name, err) < 0)
		goto fail;
	/* "REPLACE INTO" -> "INSERT INTO" for unique mode. */
	strbuf_addstr(&a->insert_head, "INSERT");
	strbuf_add(&a->insert_head, a->replace_head.buf + 7,
		   a->replace_head.len - 7);
	strbuf_addstr(&a->delete_head, "DELETE FROM ");
	quote_qualified(&a->delete_head, t->db, t->ghost_name);
	strbuf_addstr(&a->delete_head, " WHERE ");

	{
		struct db_options mo = run->pf->dbopts;

		mo.multi_statements = 1;
		a->conn = db_connect(&mo, "applier", NULL, err);
	}
	if (!a->conn ||
	    db_exec(a->conn, "SET SESSION sql_mode = '" APPLIER_SQL_MODE "'",
		    err) < 0)
		goto fail;
	memset(&so, 0, sizeof(so));
	so.db = &run->pf->dbopts;
	so.file = start->file;
	so.pos = start->pos;
	so.server_id = 0; /* random, unused on the server */
	/*
	 * The server's heartbeat on an idle stream flushes a batch that is
	 * younger than BATCH_MAX_MS when the stream goes quiet, e.g. under
	 * the cut-over's lock, where writers wait for it: keep it short (the
	 * read timeout stays 2 s).
	 */
	so.heartbeat_ms = 20;
	so.decoder.registered_only = 1;
	if (binlog_stream_open(&a->stream, &so, err) < 0)
		goto fail;
	if (read_schema(a, err) < 0)
		goto fail;
	if (pthread_create(&a->thread, NULL, applier_main, a)) {
		strbuf_addstr(err, "cannot start the applier thread");
		goto fail;
	}
	a->started = 1;
	return a;
fail:
	osc_applier_stop(a);
	return NULL;
}

void osc_applier_stop(struct osc_applier *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_mutex_unlock(&a->mu);
	if (a->started)
		pthread_join(a->thread, NULL);
	if (a->stream)
		binlog_stream_close(a->stream);
	db_close(a->conn);
	ops_clear(a);
	free(a->ops);
	free(a->targets);
	free(a->by_name);
	strbuf_release(&a->error);
	strbuf_release(&a->replace_head);
	strbuf_release(&a->insert_head);
	strbuf_release(&a->delete_head);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cond);
	free(a);
}

int osc_applier_failed(struct osc_applier *a, struct strbuf *err)
{
	int failed;

	pthread_mutex_lock(&a->mu);
	failed = a->failed;
	if (failed && err)
		strbuf_addbuf(err, &a->error);
	pthread_mutex_unlock(&a->mu);
	return failed;
}

static void deadline_in(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int osc_applier_wait_for(struct osc_applier *a, const struct binlog_pos *pos,
			 unsigned int timeout_ms, struct strbuf *err)
{
	struct timespec dl;
	int ret = 1;

	deadline_in(&dl, timeout_ms);
	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (a->failed) {
			strbuf_addbuf(err, &a->error);
			ret = -1;
			break;
		}
		if (osc_binlog_pos_cmp(&a->applied, pos) >= 0) {
			ret = 0;
			break;
		}
		if (pthread_cond_timedwait(&a->cond, &a->mu, &dl) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&a->mu);
	return ret;
}

void osc_applier_expect_rename(struct osc_applier *a, int on)
{
	pthread_mutex_lock(&a->mu);
	a->expect_rename = on;
	a->watching = on;
	a->slipped_rows = 0;
	pthread_mutex_unlock(&a->mu);
}

long osc_applier_verify_rename(struct osc_applier *a, unsigned int timeout_ms,
			       struct strbuf *err)
{
	struct timespec dl;
	long ret = -1;

	deadline_in(&dl, timeout_ms);
	pthread_mutex_lock(&a->mu);
	while (!a->rename_seen && !a->failed) {
		if (pthread_cond_timedwait(&a->cond, &a->mu, &dl) == ETIMEDOUT)
			break;
	}
	if (a->rename_seen)
		ret = a->slipped_rows;
	else if (a->failed)
		strbuf_addbuf(err, &a->error);
	else
		strbuf_addstr(err, "the RENAME did not show up in the binary "
				   "log in time");
	pthread_mutex_unlock(&a->mu);
	return ret;
}

void osc_applier_stats(struct osc_applier *a, struct osc_applier_stats *st)
{
	pthread_mutex_lock(&a->mu);
	st->transactions = a->transactions;
	st->rows = a->rows;
	st->applied = a->applied;
	st->server = a->server;
	st->lag_ms = a->last_event_ts
			     ? ((long long)time(NULL) - a->last_event_ts) * 1000
			     : 0;
	pthread_mutex_unlock(&a->mu);
}
