/*
 * schema.c: what information_schema says of a table, registered with the
 * decoder. The binlog does not always say whether an integer is unsigned,
 * whether a string column is binary, or (for MariaDB's old-format
 * temporals) how many bytes a value takes: MariaDB's default
 * binlog_row_metadata=NO_LOG logs none of it. Talks to the server only
 * through util/db.h.
 */
#include "util/compat.h"

#include "binlog/binlog.h"
#include "util/db.h"
#include "util/wrapper.h"

/* Reads the catalog only; takes no lock on the table. */
#define SQL_TABLE_COLUMNS                                                    \
	"SELECT COLUMN_NAME, COLUMN_TYPE, CHARACTER_SET_NAME, "             \
	"COLLATION_NAME, DATETIME_PRECISION FROM information_schema.COLUMNS " \
	"WHERE TABLE_SCHEMA = "

int binlog_load_schema(struct db *conn, struct binlog_decoder *dec,
		       const char *db, const char *table, struct strbuf *err)
{
	return binlog_load_schema_as(conn, dec, db, table, table, err);
}

int binlog_load_schema_as(struct db *conn, struct binlog_decoder *dec,
			  const char *db, const char *table,
			  const char *as_table, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	struct binlog_column_schema *cols = NULL;
	char **strings = NULL;
	size_t nstrings = 0, strings_alloc = 0, ncols = 0, cols_alloc = 0, i;
	struct binlog_table_schema schema;
	int rc = -1, r;

	strbuf_addstr(&sql, SQL_TABLE_COLUMNS);
	db_append_literal(conn, &sql, db, strlen(db));
	strbuf_addstr(&sql, " AND TABLE_NAME = ");
	db_append_literal(conn, &sql, table, strlen(table));
	strbuf_addstr(&sql, " ORDER BY ORDINAL_POSITION");
	if (db_query(conn, sql.buf, &res, err) < 0)
		goto out;
	while ((r = db_result_next(res, &row, err)) > 0) {
		char *v[5];
		unsigned int k;

		for (k = 0; k < 5; k++) {
			v[k] = k < row.ncols && row.values[k]
				       ? xstrdup(row.values[k])
				       : NULL;
			ALLOC_GROW(strings, nstrings + 1, strings_alloc);
			strings[nstrings++] = v[k];
		}
		ALLOC_GROW(cols, ncols + 1, cols_alloc);
		binlog_column_schema_fill(&cols[ncols], v[0], v[1], v[2], v[3],
					  v[4]);
		ncols++;
	}
	if (r < 0)
		goto out;
	if (!ncols) {
		strbuf_addf(err, "table `%s`.`%s` has no columns in "
			    "information_schema (does it exist?)", db, table);
		goto out;
	}
	schema.ncols = (unsigned int)ncols;
	schema.cols = cols;
	binlog_decoder_set_schema(dec, db, as_table, &schema);
	rc = 0;
out:
	if (res)
		db_result_free(res);
	for (i = 0; i < nstrings; i++)
		free(strings[i]);
	free(strings);
	free(cols);
	strbuf_release(&sql);
	return rc;
}
