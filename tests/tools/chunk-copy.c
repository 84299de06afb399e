/*
 * chunk-copy.c: drive chunker/'s copier against a real server.
 *
 *   chunk-copy [connection] --database=DB --table=T --target=T2
 *              [--chunk-size=N] [--chunk-time=MS] [--stop-after=N]
 *              [--pause-file=F] [--check-warnings]
 *
 * Copies every column of T into the pre-created, identical T2 with
 * chunk_copy_run(), chunking on T's primary key (its columns, kinds and
 * character sets read from information_schema). --stop-after=N stops the
 * first run after N chunks and resumes from the boundary it reached, as a
 * resume from a checkpoint would. While --pause-file exists the copier is
 * paused (should_pause). --check-warnings makes any chunk warning but a
 * duplicate on the target's PRIMARY KEY fatal. Prints one summary line;
 * with -v, one
 * line per chunk. The e2e test compares T and T2 with `writer --verify`.
 */
#include "util/compat.h"

#include <getopt.h>
#include <unistd.h>

#include "chunker/chunker.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

static struct db_options conn;
static const char *database = "test", *table = "t", *target = "t2";
static unsigned long long chunk_size = 1000, stop_after;
static unsigned int chunk_time_ms;
static int trace;
static const char *pause_file;
static int check_warnings;

struct run_state {
	unsigned long long chunks;
	unsigned long long stop_after;	/* 0: never */
};

static int should_stop(void *ctx)
{
	struct run_state *st = ctx;

	return st->stop_after && st->chunks >= st->stop_after;
}

/* Throttled while the pause file exists, as with --throttle-flag-file. */
static int should_pause(void *ctx)
{
	return pause_file && access(pause_file, F_OK) == 0;
}

static void on_chunk(void *ctx, const struct chunk_progress *p)
{
	struct run_state *st = ctx;

	st->chunks++;
	if (trace)
		printf("chunk %llu: rows %llu, size %llu, next %llu, upper "
		       "%s\n", p->chunks, p->chunk_rows, p->chunk_size,
		       p->next_size,
		       p->upper->nvalues ? p->upper->values[0] : "(end)");
}

static enum chunk_key_kind kind_of(const char *t, int *ok)
{
	static const char *const numeric[] = {
		"tinyint", "smallint", "mediumint", "int", "bigint", "decimal",
	};
	static const char *const string[] = {
		"char", "varchar", "binary", "varbinary",
	};
	static const char *const temporal[] = {
		"date", "time", "datetime", "timestamp", "year",
	};
	size_t i;

	*ok = 1;
	for (i = 0; i < ARRAY_SIZE(numeric); i++)
		if (!strcmp(t, numeric[i]))
			return CHUNK_KEY_NUMERIC;
	for (i = 0; i < ARRAY_SIZE(string); i++)
		if (!strcmp(t, string[i]))
			return CHUNK_KEY_STRING;
	for (i = 0; i < ARRAY_SIZE(temporal); i++)
		if (!strcmp(t, temporal[i]))
			return CHUNK_KEY_TEMPORAL;
	*ok = 0;
	return CHUNK_KEY_NUMERIC;
}

static int load_key(struct db *db, struct chunk_key *key,
		    struct chunk_key_column **cols, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	size_t alloc = 0, n = 0;
	int r, ret = -1;

	strbuf_addstr(&sql, "SELECT s.COLUMN_NAME, c.DATA_TYPE, "
		      "c.CHARACTER_SET_NAME FROM information_schema.STATISTICS"
		      " s JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA ="
		      " s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND "
		      "c.COLUMN_NAME = s.COLUMN_NAME WHERE s.INDEX_NAME = "
		      "'PRIMARY' AND s.TABLE_SCHEMA = ");
	quote_sql_string(&sql, database, strlen(database));
	strbuf_addstr(&sql, " AND s.TABLE_NAME = ");
	quote_sql_string(&sql, table, strlen(table));
	strbuf_addstr(&sql, " ORDER BY s.SEQ_IN_INDEX");
	if (db_query(db, sql.buf, &res, err) < 0)
		goto out;
	*cols = NULL;
	while ((r = db_result_next(res, &row, err)) == 1) {
		int ok;

		ALLOC_GROW(*cols, n + 1, alloc);
		(*cols)[n].name = xstrdup(row.values[0]);
		(*cols)[n].kind = kind_of(row.values[1], &ok);
		(*cols)[n].charset =
			row.values[2] ? xstrdup(row.values[2]) : NULL;
		key->ncols = ++n;
		if (!ok) {
			strbuf_addf(err, "key column `%s` has type %s, which "
				    "this driver does not chunk on",
				    row.values[0], row.values[1]);
			goto out;
		}
	}
	if (r < 0)
		goto out;
	if (!n) {
		strbuf_addf(err, "table `%s`.`%s` has no primary key",
			    database, table);
		goto out;
	}
	key->schema = database;
	key->table = table;
	key->index = "PRIMARY";
	key->ncols = n;
	key->cols = *cols;
	ret = 0;
out:
	db_result_free(res);
	strbuf_release(&sql);
	return ret;
}

static int build_statement(struct db *db, struct strbuf *prefix,
			   struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, cols = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int r, ret = -1;

	strbuf_addstr(&sql, "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
		      " WHERE TABLE_SCHEMA = ");
	quote_sql_string(&sql, database, strlen(database));
	strbuf_addstr(&sql, " AND TABLE_NAME = ");
	quote_sql_string(&sql, table, strlen(table));
	strbuf_addstr(&sql, " ORDER BY ORDINAL_POSITION");
	if (db_query(db, sql.buf, &res, err) < 0)
		goto out;
	while ((r = db_result_next(res, &row, err)) == 1) {
		if (cols.len)
			strbuf_addstr(&cols, ", ");
		quote_ident(&cols, row.values[0]);
	}
	if (r < 0)
		goto out;
	strbuf_addstr(prefix, "INSERT IGNORE INTO ");
	quote_qualified(prefix, database, target);
	strbuf_addf(prefix, " (%s) SELECT %s FROM ", cols.buf, cols.buf);
	quote_qualified(prefix, database, table);
	strbuf_addstr(prefix, " FORCE INDEX (`PRIMARY`)");
	ret = 0;
out:
	db_result_free(res);
	strbuf_release(&sql);
	strbuf_release(&cols);
	return ret;
}

static unsigned long long parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		die("invalid %s '%s'", what, s);
	return v;
}

static void parse_options(int argc, char **argv)
{
	enum { O_DB = 256, O_TABLE, O_TARGET, O_SIZE, O_TIME, O_STOP,
	       O_PAUSE, O_WARN };
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 'S' },
		{ "database", required_argument, NULL, O_DB },
		{ "table", required_argument, NULL, O_TABLE },
		{ "target", required_argument, NULL, O_TARGET },
		{ "chunk-size", required_argument, NULL, O_SIZE },
		{ "chunk-time", required_argument, NULL, O_TIME },
		{ "stop-after", required_argument, NULL, O_STOP },
		{ "pause-file", required_argument, NULL, O_PAUSE },
		{ "check-warnings", no_argument, NULL, O_WARN },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h:P:u:p:S:v", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			conn.host = optarg;
			break;
		case 'P':
			conn.port = (unsigned)parse_u64(optarg, "port");
			break;
		case 'u':
			conn.user = optarg;
			break;
		case 'p':
			conn.password = optarg;
			break;
		case 'S':
			conn.socket = optarg;
			break;
		case 'v':
			trace = 1;
			break;
		case O_DB:
			database = optarg;
			break;
		case O_TABLE:
			table = optarg;
			break;
		case O_TARGET:
			target = optarg;
			break;
		case O_SIZE:
			chunk_size = parse_u64(optarg, "--chunk-size");
			break;
		case O_TIME:
			chunk_time_ms = (unsigned)parse_u64(optarg,
							    "--chunk-time");
			break;
		case O_STOP:
			stop_after = parse_u64(optarg, "--stop-after");
			break;
		case O_PAUSE:
			pause_file = optarg;
			break;
		case O_WARN:
			check_warnings = 1;
			break;
		default:
			fprintf(stderr, "usage: chunk-copy [-h H -P P -u U "
				"-p P -S S] --database=DB --table=T "
				"--target=T2 [--chunk-size=N] "
				"[--chunk-time=MS] [--stop-after=N] "
				"[--pause-file=F] [--check-warnings] [-v]\n");
			exit(2);
		}
	}
	if (optind != argc)
		die("unexpected argument '%s'", argv[optind]);
}

int main(int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT, prefix = STRBUF_INIT;
	struct chunk_key key;
	struct chunk_key_column *cols = NULL;
	struct chunk_copy_opts o;
	struct chunk_copy_result res = CHUNK_COPY_RESULT_INIT;
	struct run_state st = { 0, 0 };
	struct db *db;
	int rc, ret = 1, resumed = 0;

	memset(&key, 0, sizeof(key));
	parse_options(argc, argv);
	db_global_init();
	db = db_connect(&conn, "copy", NULL, &err);
	if (!db)
		goto out;
	if (load_key(db, &key, &cols, &err) < 0 ||
	    build_statement(db, &prefix, &err) < 0)
		goto out;
	memset(&o, 0, sizeof(o));
	o.key = &key;
	o.prefix = prefix.buf;
	o.suffix = " LOCK IN SHARE MODE";
	o.chunk_rows = chunk_size;
	o.chunk_time_ms = chunk_time_ms;
	o.min_rows = 1;
	o.should_stop = should_stop;
	o.should_pause = should_pause;
	o.pause_poll_ms = 20;
	if (check_warnings)
		o.ghost_key_name = "PRIMARY";
	o.on_chunk = on_chunk;
	o.ctx = &st;
	st.stop_after = stop_after;
	rc = chunk_copy_run(db, &o, &res, &err);
	if (rc == 1) {
		/* Stopped: resume after the last boundary (a checkpoint). */
		struct chunk_bound from = CHUNK_BOUND_INIT;
		unsigned long long first_rows = res.rows_copied;
		unsigned long long first_chunks = res.chunks;

		chunk_bound_copy(&from, &res.last);
		chunk_copy_result_release(&res);
		memset(&res, 0, sizeof(res));
		st.stop_after = 0;
		o.start_after = &from;
		rc = chunk_copy_run(db, &o, &res, &err);
		res.rows_copied += first_rows;
		res.chunks += first_chunks;
		chunk_bound_release(&from);
		resumed = 1;
	}
	if (rc != 0)
		goto out;
	printf("chunk-copy: rows %llu, chunks %llu, retries %llu%s\n",
	       res.rows_copied, res.chunks, res.retries,
	       resumed ? ", resumed once" : "");
	ret = 0;
out:
	if (err.len)
		error("%s", err.buf);
	if (cols) {
		size_t i;

		for (i = 0; i < key.ncols; i++) {
			free((char *)cols[i].name);
			free((char *)cols[i].charset);
		}
		free(cols);
	}
	chunk_copy_result_release(&res);
	db_close(db);
	strbuf_release(&err);
	strbuf_release(&prefix);
	db_global_end();
	return ret;
}
