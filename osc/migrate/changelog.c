/*
 * changelog.c: the checkpoint rows of the changelog on the server (see
 * changelog.h); the record itself is checkpoint.c's.
 */
#include "util/compat.h"
#include "osc/migrate/changelog.h"
#include "util/wrapper.h"

int osc_checkpoint_read(struct db *db, const char *schema,
			const char *changelog, struct osc_checkpoint *c,
			struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, rec = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int r, ret = -1, rows = 0;

	if (osc_checkpoint_read_sql(&sql, schema, changelog, err) < 0)
		goto out;
	if (db_query(db, sql.buf, &res, err) < 0) {
		if (db_errno(db) == DB_ER_NO_SUCH_TABLE)
			ret = 2;
		goto out;
	}
	while ((r = db_result_next(res, &row, err)) == 1) {
		if (row.ncols < 1 || !row.values[0])
			continue;
		strbuf_add(&rec, row.values[0], row.lengths[0]);
		rows++;
	}
	if (r < 0)
		goto out;
	if (!rows) {
		ret = 1;
		goto out;
	}
	ret = osc_checkpoint_decode(rec.buf, rec.len, c, err);
out:
	db_result_free(res);
	strbuf_release(&sql);
	strbuf_release(&rec);
	return ret;
}

int osc_checkpoint_write(struct db *db, const char *schema,
			 const char *changelog, const struct osc_checkpoint *c,
			 struct strbuf *err)
{
	struct strbuf rec = STRBUF_INIT, del = STRBUF_INIT, ins = STRBUF_INIT;
	struct strbuf ignored = STRBUF_INIT;
	int ret = -1;

	osc_checkpoint_encode(&rec, c);
	if (osc_checkpoint_write_sql(&del, &ins, schema, changelog, rec.buf,
				     err) < 0)
		goto out;
	/* One transaction: a crash between the two keeps the old record. */
	if (db_exec(db, "BEGIN", err) < 0)
		goto out;
	if (db_exec(db, del.buf, err) < 0 || db_exec(db, ins.buf, err) < 0 ||
	    db_exec(db, "COMMIT", err) < 0) {
		db_exec(db, "ROLLBACK", &ignored);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&rec);
	strbuf_release(&del);
	strbuf_release(&ins);
	strbuf_release(&ignored);
	return ret;
}

int osc_resume_savings(struct db *db, const char *schema,
		       const char *changelog, uint64_t rows_estimate,
		       struct strbuf *out)
{
	struct osc_checkpoint c;
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	osc_checkpoint_init(&c);
	if (osc_checkpoint_read(db, schema, changelog, &c, &err) == 0) {
		strbuf_addf(out, "%" PRIu64 " rows", c.rows_copied);
		if (c.copy_done)
			strbuf_addstr(out, ", the whole copy");
		else if (rows_estimate)
			strbuf_addf(out, ", about %.0f%%",
				    c.rows_copied >= rows_estimate
					    ? 100.0
					    : 100.0 * (double)c.rows_copied /
						      (double)rows_estimate);
		ret = 1;
	}
	osc_checkpoint_release(&c);
	strbuf_release(&err);
	return ret;
}
