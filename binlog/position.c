/*
 * position.c: the server's current binary log position, and the order of
 * positions (see binlog.h, "positions").
 *
 * Every part of osc that asks the server where its binary log ends calls
 * binlog_server_position(); every comparison of two positions calls
 * binlog_pos_cmp(). File names are compared by their numeric suffix: the
 * server numbers its files base.000001, base.000002, ... and widens the
 * number past 999999 (base.1000000), where a string comparison would put
 * the newer file first.
 */
#include "util/compat.h"
#include "binlog/binlog.h"
#include "util/db.h"
#include "util/wrapper.h"

#include <ctype.h>

/* The digits after the last '.', or NULL when there are none. */
static const char *file_number(const char *name, size_t *len)
{
	const char *dot = strrchr(name, '.');
	const char *p;

	if (!dot || !dot[1])
		return NULL;
	for (p = dot + 1; *p; p++)
		if (!isdigit((unsigned char)*p))
			return NULL;
	*len = (size_t)(p - (dot + 1));
	return dot + 1;
}

int binlog_file_cmp(const char *a, const char *b)
{
	size_t alen, blen, abase, bbase;
	const char *an = file_number(a, &alen);
	const char *bn = file_number(b, &blen);
	int c;

	if (!an || !bn)
		return strcmp(a, b);
	abase = (size_t)(an - a);
	bbase = (size_t)(bn - b);
	/* Different base names: no order by number; keep one that is total. */
	if (abase != bbase || memcmp(a, b, abase))
		return strcmp(a, b);
	/* Leading zeros do not count: compare the significant digits. */
	while (alen > 1 && *an == '0') {
		an++;
		alen--;
	}
	while (blen > 1 && *bn == '0') {
		bn++;
		blen--;
	}
	if (alen != blen)
		return alen < blen ? -1 : 1;
	c = memcmp(an, bn, alen);
	return c < 0 ? -1 : c > 0;
}

int binlog_pos_cmp(const struct binlog_pos *a, const struct binlog_pos *b)
{
	int c = binlog_file_cmp(a->file, b->file);

	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

const char *binlog_position_sql(const char *server_version)
{
	unsigned int major = 0, minor = 0;

	/*
	 * MySQL 8.2 added SHOW BINARY LOG STATUS and deprecated SHOW MASTER
	 * STATUS; 8.4 removed the old name. MariaDB (every version) keeps
	 * SHOW MASTER STATUS.
	 */
	if (server_version && !strcasestr(server_version, "mariadb") &&
	    sscanf(server_version, "%u.%u", &major, &minor) == 2 &&
	    (major > 8 || (major == 8 && minor >= 2)))
		return "SHOW BINARY LOG STATUS";
	return "SHOW MASTER STATUS";
}

int binlog_server_position(struct db *db, struct binlog_pos *pos,
			   struct strbuf *err)
{
	const char *sql = binlog_position_sql(db_server_version(db));
	struct db_result *res = NULL;
	struct db_row row;
	int r, ret = -1;

	if (db_query(db, sql, &res, err) < 0)
		return -1;
	r = db_result_next(res, &row, err);
	if (r < 0)
		goto out;
	if (r == 0 || row.ncols < 2 || !row.values[0] || !row.values[1] ||
	    !row.lengths[0]) {
		strbuf_addf(err, "%s returned no position; is the binary log "
			    "enabled (log_bin)?", sql);
		goto out;
	}
	if (row.lengths[0] >= sizeof(pos->file)) {
		strbuf_addf(err, "%s returned a file name of %lu bytes, more "
			    "than osc handles (%zu)", sql,
			    (unsigned long)row.lengths[0], sizeof(pos->file) - 1);
		goto out;
	}
	memcpy(pos->file, row.values[0], row.lengths[0]);
	pos->file[row.lengths[0]] = '\0';
	pos->pos = strtoull(row.values[1], NULL, 10);
	ret = 0;
out:
	db_result_free(res);
	return ret;
}
