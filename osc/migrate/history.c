/*
 * history.c: --history (history.h).
 */
#include "util/compat.h"
#include "osc/migrate/history.h"
#include "util/ident.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <inttypes.h>

/* The history table; what is missing is created, nothing is altered. */
static const char SQL_HISTORY_CREATE_FMT[] =
	"CREATE TABLE IF NOT EXISTS %s (\n"
	"  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
	"  started_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
	"  ended_at TIMESTAMP(6) NULL DEFAULT NULL,\n"
	"  db VARCHAR(64) NOT NULL,\n"
	"  table_name VARCHAR(64) NOT NULL,\n"
	"  alter_text TEXT NOT NULL,\n"
	"  osc_version VARCHAR(32) NOT NULL,\n"
	"  exit_status INT NULL,\n"
	"  outcome VARCHAR(32) NOT NULL DEFAULT 'running',\n"
	"  message TEXT NULL,\n"
	"  rows_copied BIGINT UNSIGNED NULL,\n"
	"  changes_replayed BIGINT UNSIGNED NULL,\n"
	"  KEY table_name (db, table_name, started_at)\n"
	") ENGINE=InnoDB COMMENT='osc --history'";

/* One part of DB.TABLE: `a``b` or a plain name up to the dot. */
static const char *take_part(const char *p, struct strbuf *out)
{
	if (*p == '`') {
		for (p++; *p; p++) {
			if (*p == '`') {
				if (p[1] != '`')
					return p + 1;
				p++;
			}
			strbuf_addch(out, *p);
		}
		return NULL; /* unterminated */
	}
	while (*p && *p != '.')
		strbuf_addch(out, *p++);
	return p;
}

int osc_history_parse(struct osc_history *h, const char *spec,
		      const char *mig_db, const char *const *mig_names,
		      size_t mig_names_nr, int lctn, struct strbuf *err)
{
	struct strbuf db = STRBUF_INIT, table = STRBUF_INIT;
	const char *p;
	size_t i;

	memset(h, 0, sizeof(*h));
	p = take_part(spec, &db);
	if (!p || *p != '.' || !db.len)
		goto bad;
	p = take_part(p + 1, &table);
	if (!p || *p || !table.len)
		goto bad;
	if (ident_name_eq(lctn, db.buf, mig_db))
		for (i = 0; i < mig_names_nr; i++)
			if (ident_name_eq(lctn, table.buf, mig_names[i])) {
				strbuf_addf(err,
					    "--history=%s names the table being "
					    "migrated or one of the run's own "
					    "tables: give another table",
					    spec);
				goto fail;
			}
	h->db = strbuf_detach(&db, NULL);
	h->table = strbuf_detach(&table, NULL);
	return 0;
bad:
	strbuf_addf(err, "--history=%s is not DB.TABLE (e.g. "
			 "--history=percona.osc_history)",
		    spec);
fail:
	strbuf_release(&db);
	strbuf_release(&table);
	return -1;
}

void osc_history_release(struct osc_history *h)
{
	free(h->db);
	free(h->table);
	memset(h, 0, sizeof(*h));
}

int osc_history_begin(struct osc_history *h, struct db *db,
		      const char *mig_db, const char *mig_table,
		      const char *alter, const char *version,
		      struct strbuf *err)
{
	struct strbuf q = STRBUF_INIT, sql = STRBUF_INIT;
	unsigned long long id = 0;
	int ret = -1;

	if (quote_qualified(&q, h->db, h->table) < 0) {
		strbuf_addstr(err, "invalid --history table name");
		goto out;
	}
	strbuf_addf(&sql, SQL_HISTORY_CREATE_FMT, q.buf);
	if (db_exec(db, sql.buf, err) < 0)
		goto out;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "INSERT INTO %s (db, table_name, alter_text, "
			  "osc_version) VALUES (",
		    q.buf);
	db_append_literal(db, &sql, mig_db, strlen(mig_db));
	strbuf_addch(&sql, ',');
	db_append_literal(db, &sql, mig_table, strlen(mig_table));
	strbuf_addch(&sql, ',');
	db_append_literal(db, &sql, alter, strlen(alter));
	strbuf_addch(&sql, ',');
	db_append_literal(db, &sql, version, strlen(version));
	strbuf_addch(&sql, ')');
	if (db_exec(db, sql.buf, err) < 0 ||
	    db_query_u64(db, "SELECT LAST_INSERT_ID()", &id, err) < 0)
		goto out;
	h->id = id;
	ret = 0;
out:
	strbuf_release(&q);
	strbuf_release(&sql);
	return ret;
}

int osc_history_end(struct osc_history *h, const struct db_options *dbo,
		    int exit_status, const char *outcome, const char *message,
		    uint64_t rows_copied, uint64_t changes_replayed,
		    struct strbuf *err)
{
	struct strbuf q = STRBUF_INIT, sql = STRBUF_INIT;
	struct db *db = NULL;
	int ret = -1;

	if (!h->id)
		return 0;
	if (quote_qualified(&q, h->db, h->table) < 0) {
		strbuf_addstr(err, "invalid --history table name");
		goto out;
	}
	db = db_connect(dbo, "history", NULL, err);
	if (!db)
		goto out;
	strbuf_addf(&sql,
		    "UPDATE %s SET ended_at = CURRENT_TIMESTAMP(6), "
		    "exit_status = %d, outcome = ",
		    q.buf, exit_status);
	db_append_literal(db, &sql, outcome, strlen(outcome));
	strbuf_addstr(&sql, ", message = ");
	if (message)
		db_append_literal(db, &sql, message, strlen(message));
	else
		strbuf_addstr(&sql, "NULL");
	strbuf_addf(&sql,
		    ", rows_copied = %" PRIu64 ", changes_replayed = %" PRIu64
		    " WHERE id = %llu",
		    rows_copied, changes_replayed, h->id);
	ret = db_exec(db, sql.buf, err);
out:
	db_close(db);
	strbuf_release(&q);
	strbuf_release(&sql);
	return ret;
}
