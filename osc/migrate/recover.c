/*
 * recover.c: after a run that died during its cut-over, tell whether its
 * swap was exact (recover.h).
 */
#include "util/compat.h"
#include "osc/migrate/recover.h"
#include "osc/replay/watch.h"
#include "util/ident.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <inttypes.h>
#include <stdlib.h>

/* Keys named in the verdict at most; beyond, the count is given. */
#define RECOVER_MAX_KEYS 1000

int osc_cutover_record_sql(struct strbuf *out, const char *db,
			   const char *changelog, const struct binlog_pos *p,
			   struct strbuf *err)
{
	size_t i;

	strbuf_addstr(out, "INSERT INTO ");
	if (quote_qualified(out, db, changelog) < 0) {
		strbuf_addstr(err, "invalid changelog table name");
		return -1;
	}
	strbuf_addf(out, " (id, hint, value) VALUES (%d, '%s', '",
		    OSC_CUTOVER_RECORD_ID, OSC_CUTOVER_RECORD_HINT);
	/* Binlog file names are the server's: keep only safe bytes. */
	for (i = 0; p->file[i]; i++) {
		unsigned char c = (unsigned char)p->file[i];

		if (c == '\'' || c == '\\' || c < 0x20 || c > 0x7e) {
			strbuf_addf(err, "the binlog file name '%s' cannot be "
					 "recorded", p->file);
			return -1;
		}
		strbuf_addch(out, (int)c);
	}
	strbuf_addf(out, ":%" PRIu64 "') ON DUPLICATE KEY UPDATE "
			 "value = VALUES(value)",
		    p->pos);
	return 0;
}

int osc_cutover_record_parse(const char *text, struct binlog_pos *p)
{
	const char *colon = text ? strrchr(text, ':') : NULL;
	char *end;
	unsigned long long pos;
	size_t n;

	if (!colon || colon == text)
		return -1;
	n = (size_t)(colon - text);
	if (n >= sizeof(p->file) || colon[1] < '0' || colon[1] > '9')
		return -1;
	errno = 0;
	pos = strtoull(colon + 1, &end, 10);
	if (errno || *end || pos < 4)
		return -1;
	memcpy(p->file, text, n);
	p->file[n] = '\0';
	p->pos = (uint64_t)pos;
	return 0;
}

struct slip {
	char **keys; /* "(1)", "(2,'x')": SQL row constructors, distinct */
	size_t keys_nr, keys_alloc;
	uint64_t rows, inserts, updates, deletes;
	int keys_truncated;
};

static void slip_release(struct slip *s)
{
	size_t i;

	for (i = 0; i < s->keys_nr; i++)
		free(s->keys[i]);
	free(s->keys);
	memset(s, 0, sizeof(*s));
}

static void add_key(struct slip *s, const struct binlog_table *t,
		    const struct binlog_value *image, const unsigned int *ord,
		    size_t nord)
{
	struct strbuf k = STRBUF_INIT, e = STRBUF_INIT;
	size_t i;

	if (!image || !nord)
		return;
	strbuf_addch(&k, '(');
	for (i = 0; i < nord; i++) {
		const struct binlog_column_schema *cs =
			t->schema && ord[i] < t->schema->ncols
				? &t->schema->cols[ord[i]]
				: NULL;

		if (ord[i] >= t->ncols ||
		    binlog_value_to_sql(&k, &image[ord[i]], cs, &e) < 0)
			goto out;
		if (i + 1 < nord)
			strbuf_addch(&k, ',');
	}
	strbuf_addch(&k, ')');
	for (i = 0; i < s->keys_nr; i++)
		if (!strcmp(s->keys[i], k.buf))
			goto out;
	if (s->keys_nr >= RECOVER_MAX_KEYS) {
		s->keys_truncated = 1;
		goto out;
	}
	ALLOC_GROW(s->keys, s->keys_nr + 1, s->keys_alloc);
	s->keys[s->keys_nr++] = strbuf_detach(&k, NULL);
out:
	strbuf_release(&k);
	strbuf_release(&e);
}

/* Column names of a query's first column, in order. */
static int query_names(struct db *db, const char *sql, struct strbuf *out,
		       int quoted, unsigned int **ords, size_t *n,
		       struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	size_t alloc = 0;
	int r;

	*n = 0;
	if (db_query(db, sql, &res, err) < 0)
		return -1;
	while ((r = db_result_next(res, &row, err)) > 0) {
		if (!row.values[0])
			continue;
		if (out) {
			if (out->len)
				strbuf_addstr(out, ", ");
			if (quoted)
				quote_ident(out, row.values[0]);
			else
				strbuf_addstr(out, row.values[0]);
		}
		if (ords) {
			ALLOC_GROW(*ords, *n + 1, alloc);
			(*ords)[*n] = (unsigned int)strtoul(
				row.ncols > 1 && row.values[1] ? row.values[1]
							       : "1",
				NULL, 10) - 1;
		}
		(*n)++;
	}
	db_result_free(res);
	return r < 0 ? -1 : 0;
}

/* The SQL that makes `t`'s rows for the keys what `_t_old` holds. */
static void add_fix_sql(struct strbuf *v, const struct osc_recover_target *tg,
			const char *key_cols, const char *cols,
			const struct slip *s)
{
	struct strbuf in = STRBUF_INIT;
	size_t i;

	strbuf_addf(&in, "(%s) IN (", key_cols);
	for (i = 0; i < s->keys_nr; i++)
		strbuf_addf(&in, "%s%s", i ? "," : "", s->keys[i]);
	strbuf_addch(&in, ')');
	strbuf_addstr(v, "BEGIN; DELETE FROM ");
	quote_qualified(v, tg->schema, tg->table);
	strbuf_addf(v, " WHERE %s; INSERT INTO ", in.buf);
	quote_qualified(v, tg->schema, tg->table);
	strbuf_addf(v, " (%s) SELECT %s FROM ", cols, cols);
	quote_qualified(v, tg->schema, tg->old);
	strbuf_addf(v, " WHERE %s; COMMIT", in.buf);
	strbuf_release(&in);
}

int osc_recover_after_swap(const struct osc_recover_target *tg,
			   struct strbuf *verdict, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, val = STRBUF_INIT, e = STRBUF_INIT;
	struct strbuf key_cols = STRBUF_INIT, cols = STRBUF_INIT;
	struct strbuf qt = STRBUF_INIT, qold = STRBUF_INIT, qlog = STRBUF_INIT;
	struct binlog_stream_options so;
	struct binlog_stream *st = NULL;
	const struct binlog_event *ev;
	struct binlog_pos p;
	struct slip s;
	unsigned int *ord = NULL;
	size_t nord = 0, ncols = 0, i;
	int ret = -1, r, null = 0, renamed = 0;

	memset(&s, 0, sizeof(s));
	quote_qualified(&qt, tg->schema, tg->table);
	quote_qualified(&qold, tg->schema, tg->old);
	quote_qualified(&qlog, tg->schema, tg->changelog);

	/* The record, if the run got that far. */
	strbuf_addf(&sql, "SELECT value FROM %s WHERE id = %d AND hint = '%s'",
		    qlog.buf, OSC_CUTOVER_RECORD_ID, OSC_CUTOVER_RECORD_HINT);
	r = db_query_value(tg->db, sql.buf, &val, &null, &e);
	if (r < 0) {
		/* A changelog of another version, or not ours: no verdict. */
		ret = 0;
		goto out;
	}
	if (r == 0 || null) {
		ret = 0;
		goto out;
	}
	if (osc_cutover_record_parse(val.buf, &p) < 0) {
		strbuf_addf(verdict,
			    "an earlier osc run died during its cut-over and "
			    "its record in %s ('%s') does not read as a "
			    "binlog position: compare %s with %s before "
			    "dropping either",
			    qlog.buf, val.buf, qold.buf, qt.buf);
		ret = 1;
		goto out;
	}

	/* The original's key and the columns both tables have. */
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "SELECT s.COLUMN_NAME, c.ORDINAL_POSITION FROM "
			    "information_schema.STATISTICS s JOIN "
			    "information_schema.COLUMNS c ON c.TABLE_SCHEMA = "
			    "s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME "
			    "AND c.COLUMN_NAME = s.COLUMN_NAME WHERE "
			    "s.INDEX_NAME = 'PRIMARY' AND s.TABLE_SCHEMA = ");
	db_append_literal(tg->db, &sql, tg->schema, strlen(tg->schema));
	strbuf_addstr(&sql, " AND s.TABLE_NAME = ");
	db_append_literal(tg->db, &sql, tg->old, strlen(tg->old));
	strbuf_addstr(&sql, " ORDER BY s.SEQ_IN_INDEX");
	if (query_names(tg->db, sql.buf, &key_cols, 1, &ord, &nord, err) < 0)
		goto out;
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "SELECT o.COLUMN_NAME FROM information_schema.COLUMNS "
			    "o JOIN information_schema.COLUMNS n ON "
			    "n.TABLE_SCHEMA = o.TABLE_SCHEMA AND "
			    "n.COLUMN_NAME = o.COLUMN_NAME AND n.TABLE_NAME = ");
	db_append_literal(tg->db, &sql, tg->table, strlen(tg->table));
	strbuf_addstr(&sql, " WHERE o.TABLE_SCHEMA = ");
	db_append_literal(tg->db, &sql, tg->schema, strlen(tg->schema));
	strbuf_addstr(&sql, " AND o.TABLE_NAME = ");
	db_append_literal(tg->db, &sql, tg->old, strlen(tg->old));
	strbuf_addstr(&sql, " AND o.EXTRA NOT LIKE '%GENERATED%' AND "
			    "n.EXTRA NOT LIKE '%GENERATED%' "
			    "ORDER BY o.ORDINAL_POSITION");
	if (query_names(tg->db, sql.buf, &cols, 1, NULL, &ncols, err) < 0)
		goto out;

	/* The binary log from P to the RENAME of t. */
	memset(&so, 0, sizeof(so));
	so.db = tg->dbopts;
	so.file = p.file;
	so.pos = p.pos;
	so.stop_at_eof = 1;
	so.decoder.registered_only = 1;
	so.decoder.lower_case_table_names = tg->lower_case_table_names;
	strbuf_reset(&e);
	if (binlog_stream_open(&st, &so, &e) < 0) {
		strbuf_addf(verdict,
			    "an earlier osc run died during its cut-over after "
			    "the swap (%s is the new table, %s the original), "
			    "and the binary log from %s:%" PRIu64 " cannot be "
			    "read to check that no write slipped past it (%s): "
			    "compare %s with %s before dropping %s",
			    qt.buf, qold.buf, p.file, p.pos, e.buf, qold.buf,
			    qt.buf, qold.buf);
		ret = 1;
		goto out;
	}
	/* Old events of t, read with the columns the original has now. */
	strbuf_reset(&e);
	if (binlog_load_schema_as(tg->db, binlog_stream_decoder(st),
				  tg->schema, tg->old, tg->table, &e) < 0)
		warning("recovery: %s; slipped rows are counted, not named",
			e.buf);
	strbuf_reset(&e);
	while ((r = binlog_stream_next(st, &ev, &e)) > 0) {
		if (ev->kind == BINLOG_EVENT_QUERY) {
			const char *sqlt = ev->u.query.sql;

			if (replay_watch_starts_with_word(sqlt, "RENAME") &&
			    replay_watch_mentions_table(
				    tg->lower_case_table_names, sqlt,
				    ev->u.query.db, tg->schema, tg->table)) {
				renamed = 1;
				break;
			}
			continue;
		}
		if (ev->kind != BINLOG_EVENT_ROWS ||
		    !ident_name_eq(tg->lower_case_table_names,
				   ev->u.rows.table->db, tg->schema) ||
		    !ident_name_eq(tg->lower_case_table_names,
				   ev->u.rows.table->name, tg->table))
			continue;
		if (ev->u.rows.skipped || !ev->u.rows.nrows) {
			s.rows++;
			s.keys_truncated = 1;
			continue;
		}
		for (i = 0; i < ev->u.rows.nrows; i++) {
			const struct binlog_row *row = &ev->u.rows.rows[i];

			s.rows++;
			switch (ev->u.rows.kind) {
			case BINLOG_ROW_INSERT:
				s.inserts++;
				break;
			case BINLOG_ROW_UPDATE:
				s.updates++;
				break;
			case BINLOG_ROW_DELETE:
				s.deletes++;
				break;
			}
			add_key(&s, ev->u.rows.table, row->before, ord, nord);
			add_key(&s, ev->u.rows.table, row->after, ord, nord);
		}
	}
	if (r < 0 && !renamed) {
		strbuf_addf(verdict,
			    "an earlier osc run died during its cut-over after "
			    "the swap (%s is the new table, %s the original), "
			    "and reading the binary log from %s:%" PRIu64
			    " failed (%s): compare %s with %s before dropping "
			    "%s",
			    qt.buf, qold.buf, p.file, p.pos, e.buf, qold.buf,
			    qt.buf, qold.buf);
		ret = 1;
		goto out;
	}
	if (!renamed) {
		strbuf_addf(verdict,
			    "an earlier osc run died during its cut-over, and "
			    "the binary log from %s:%" PRIu64 " has no RENAME "
			    "of %s: %s and %s may both hold rows of the "
			    "table; compare them before dropping either",
			    p.file, p.pos, qt.buf, qt.buf, qold.buf);
		ret = 1;
		goto out;
	}
	if (!s.rows) {
		strbuf_addf(verdict,
			    "an earlier osc run died during its cut-over after "
			    "the swap; the binary log from %s:%" PRIu64
			    " to its RENAME has no write to the old table, so "
			    "the swap was exact: %s is the migrated table and "
			    "%s the original; to finish, drop them: DROP TABLE "
			    "%s, %s",
			    p.file, p.pos, qt.buf, qold.buf, qold.buf,
			    qlog.buf);
		ret = 1;
		goto out;
	}
	strbuf_addf(verdict,
		    "an earlier osc run died during its cut-over after the "
		    "swap, and %" PRIu64 " row change%s (%" PRIu64
		    " insert%s, %" PRIu64 " update%s, %" PRIu64
		    " delete%s) reached the old table between %s:%" PRIu64
		    " and the RENAME: they are in %s, not in %s; do not drop "
		    "%s",
		    s.rows, s.rows == 1 ? "" : "s", s.inserts,
		    s.inserts == 1 ? "" : "s", s.updates,
		    s.updates == 1 ? "" : "s", s.deletes,
		    s.deletes == 1 ? "" : "s", p.file, p.pos, qold.buf, qt.buf,
		    qold.buf);
	if (s.keys_nr && !s.keys_truncated && nord && ncols) {
		strbuf_addf(verdict, "; the rows' keys (%s): ", key_cols.buf);
		for (i = 0; i < s.keys_nr; i++)
			strbuf_addf(verdict, "%s%s", i ? " " : "", s.keys[i]);
		strbuf_addstr(verdict, "; once no writer has changed those "
				       "rows in the new table since, this "
				       "makes them what the old table holds: ");
		add_fix_sql(verdict, tg, key_cols.buf, cols.buf, &s);
	} else {
		strbuf_addf(verdict, "; compare the two tables by %s",
			    nord ? key_cols.buf : "their primary key");
	}
	ret = 1;
out:
	if (st)
		binlog_stream_close(st);
	slip_release(&s);
	free(ord);
	strbuf_release(&sql);
	strbuf_release(&val);
	strbuf_release(&e);
	strbuf_release(&key_cols);
	strbuf_release(&cols);
	strbuf_release(&qt);
	strbuf_release(&qold);
	strbuf_release(&qlog);
	return ret;
}
