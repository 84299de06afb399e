/*
 * binlog-print: print what osc's binlog decoder makes of binlog files or
 * of a server's binlog stream, to cross-check against
 * `mariadb-binlog -vv`, and (with --apply-to) print SQL that replays the
 * row changes of one table onto a copy of it, built with
 * binlog_value_to_sql() exactly as the applier does.
 *
 *   binlog-print [--table=DB.T] [--apply-to=DB.COPY] FILE...
 *   binlog-print -h HOST -P PORT -u USER [-p PASS] [-S SOCK]
 *                --start-file=F [--start-pos=N] [--stop-at-eof] ...
 *   binlog-print --bench FILE      (decoded row events per second)
 *
 * With connection options and files, the table schemas come from the
 * server's information_schema. Exit status 0 when everything decoded,
 * 1 on the first error (message on stderr), 2 on bad usage.
 */
#include "util/compat.h"

#include <getopt.h>
#include <time.h>

#include "binlog/binlog.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

struct options {
	struct db_options db;
	int have_conn;
	const char *start_file;
	unsigned long long start_pos;
	int stop_at_eof;
	unsigned long server_id;
	const char *table;	/* db.t: filter and schema */
	const char *apply_to;	/* db.copy: print SQL */
	int bench;
	int quiet;
	int annotate;
	int allow_partial;
	unsigned long max_events;
};

static struct options opt;
static char *tdb, *tname, *cdb, *cname;
static struct db *conn;

static void split_name(const char *s, char **db, char **name)
{
	const char *dot = strchr(s, '.');

	if (!dot)
		die("'%s': expected DB.TABLE", s);
	*db = xstrndup(s, (size_t)(dot - s));
	*name = xstrdup(dot + 1);
}

static int table_matches(const struct binlog_table *t)
{
	return !tdb || (!strcmp(t->db, tdb) && !strcmp(t->name, tname));
}

static const char *col_name(const struct binlog_table *t, unsigned int i)
{
	if (t->schema && t->schema->cols[i].name)
		return t->schema->cols[i].name;
	return t->cols[i].name;
}

static const struct binlog_column_schema *col_schema(const struct
						     binlog_table *t,
						     unsigned int i)
{
	return t->schema ? &t->schema->cols[i] : NULL;
}

static void print_image(const struct binlog_table *t,
			const struct binlog_value *vals, const char *label)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned int i;

	strbuf_addf(&sb, "  %s:", label);
	for (i = 0; i < t->ncols; i++) {
		strbuf_addf(&sb, " @%u=", i + 1);
		binlog_value_describe(&sb, &vals[i]);
	}
	puts(sb.buf);
	strbuf_release(&sb);
}

static void add_copy_name(struct strbuf *sql)
{
	if (quote_qualified(sql, cdb, cname) < 0)
		die("bad copy table name");
}

static void emit_delete(const struct binlog_table *t,
			const struct binlog_value *vals)
{
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	unsigned int i;

	strbuf_addstr(&sql, "DELETE FROM ");
	add_copy_name(&sql);
	strbuf_addstr(&sql, " WHERE ");
	for (i = 0; i < t->ncols; i++) {
		const char *name = col_name(t, i);

		if (!name)
			die("no name for column %u of `%s`.`%s`: connect to "
			    "the server or log names", i + 1, t->db, t->name);
		if (i)
			strbuf_addstr(&sql, " AND ");
		quote_ident(&sql, name);
		strbuf_addstr(&sql, " <=> ");
		if (binlog_value_to_sql(&sql, &vals[i], col_schema(t, i),
					&err) < 0)
			die("%s", err.buf);
	}
	strbuf_addstr(&sql, " LIMIT 1;");
	puts(sql.buf);
	strbuf_release(&sql);
	strbuf_release(&err);
}

static void emit_replace(const struct binlog_table *t,
			 const struct binlog_value *vals)
{
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	unsigned int i;

	strbuf_addstr(&sql, "REPLACE INTO ");
	add_copy_name(&sql);
	strbuf_addstr(&sql, " VALUES (");
	for (i = 0; i < t->ncols; i++) {
		if (i)
			strbuf_addstr(&sql, ", ");
		if (binlog_value_to_sql(&sql, &vals[i], col_schema(t, i),
					&err) < 0)
			die("%s", err.buf);
	}
	strbuf_addstr(&sql, ");");
	puts(sql.buf);
	strbuf_release(&sql);
	strbuf_release(&err);
}

static const char *row_kind_name(enum binlog_row_kind k)
{
	return k == BINLOG_ROW_INSERT ? "INSERT"
	       : k == BINLOG_ROW_UPDATE ? "UPDATE"
					: "DELETE";
}

static void print_table_map(const struct binlog_table *t)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned int i;

	strbuf_addf(&sb, "table_map `%s`.`%s` id=%" PRIu64 " ncols=%u", t->db,
		    t->name, t->table_id, t->ncols);
	for (i = 0; i < t->ncols; i++) {
		const struct binlog_column *c = &t->cols[i];

		strbuf_addf(&sb, " [%u:type=%u meta=0x%04x", i + 1,
			    c->real_type, c->meta);
		if (c->name)
			strbuf_addf(&sb, " name=%s", c->name);
		if (c->signedness_known)
			strbuf_addf(&sb, " %s",
				    c->is_unsigned ? "unsigned" : "signed");
		if (c->collation >= 0)
			strbuf_addf(&sb, " coll=%d", c->collation);
		if (!c->visible)
			strbuf_addstr(&sb, " invisible");
		if (c->in_pk)
			strbuf_addstr(&sb, " pk");
		if (c->n_strvals)
			strbuf_addf(&sb, " values=%u", c->n_strvals);
		strbuf_addch(&sb, ']');
	}
	puts(sb.buf);
	strbuf_release(&sb);
}

static unsigned long long nrows_total, nevents_total;

static void handle_event(const struct binlog_event *ev)
{
	size_t i;

	nevents_total++;
	if (ev->kind == BINLOG_EVENT_ROWS)
		nrows_total += ev->u.rows.nrows;
	if (opt.bench)
		return;
	if (opt.apply_to) {
		const struct binlog_table *t;

		if (ev->kind != BINLOG_EVENT_ROWS)
			return;
		t = ev->u.rows.table;
		if (!table_matches(t))
			return;
		for (i = 0; i < ev->u.rows.nrows; i++) {
			const struct binlog_row *r = &ev->u.rows.rows[i];

			if (r->before)
				emit_delete(t, r->before);
			if (r->after)
				emit_replace(t, r->after);
		}
		return;
	}
	if (opt.quiet)
		return;
	printf("# %s:%" PRIu64 " %s\n", ev->pos.file, ev->pos.pos,
	       binlog_event_type_name(ev->type));
	switch (ev->kind) {
	case BINLOG_EVENT_FORMAT:
		printf("format v%u server '%s' checksum=%d\n",
		       ev->u.format.binlog_version, ev->u.format.server_version,
		       ev->u.format.checksum);
		break;
	case BINLOG_EVENT_ROTATE:
		printf("rotate to %s:%" PRIu64 "%s\n", ev->u.rotate.file,
		       ev->u.rotate.pos,
		       ev->u.rotate.artificial ? " (artificial)" : "");
		break;
	case BINLOG_EVENT_HEARTBEAT:
		printf("heartbeat server at %s:%" PRIu64 "\n",
		       ev->u.heartbeat.file, ev->u.heartbeat.pos);
		break;
	case BINLOG_EVENT_BEGIN:
		if (ev->u.begin.has_gtid && ev->u.begin.mariadb)
			printf("begin gtid %" PRIu32 "-%" PRIu32 "-%" PRIu64
			       " flags=0x%02x\n",
			       ev->u.begin.domain_id, ev->server_id,
			       ev->u.begin.seq_no, ev->u.begin.gtid_flags);
		else if (ev->u.begin.has_gtid)
			printf("begin gtid gno %" PRIu64 "\n",
			       ev->u.begin.seq_no);
		else
			printf("begin\n");
		break;
	case BINLOG_EVENT_COMMIT:
		printf("commit xid=%" PRIu64 "%s%s%s at %s:%" PRIu64 "\n",
		       ev->u.commit.xid,
		       ev->u.commit.implicit ? " implicit" : "",
		       ev->u.commit.rollback ? " rollback" : "",
		       ev->u.commit.xa_prepare ? " xa-prepare" : "",
		       ev->pos.file, ev->pos.pos);
		break;
	case BINLOG_EVENT_TABLE_MAP:
		print_table_map(ev->u.table_map);
		break;
	case BINLOG_EVENT_ROWS: {
		const struct binlog_table *t = ev->u.rows.table;

		printf("%s `%s`.`%s` rows=%zu flags=0x%x%s\n",
		       row_kind_name(ev->u.rows.kind), t->db, t->name,
		       ev->u.rows.nrows, ev->u.rows.flags,
		       ev->u.rows.skipped ? " (skipped)" : "");
		if (!table_matches(t))
			break;
		for (i = 0; i < ev->u.rows.nrows; i++) {
			const struct binlog_row *r = &ev->u.rows.rows[i];

			if (r->before)
				print_image(t, r->before, "before");
			if (r->after)
				print_image(t, r->after, "after");
		}
		break;
	}
	case BINLOG_EVENT_QUERY:
		printf("query db='%s' sql=%s\n", ev->u.query.db,
		       ev->u.query.sql);
		break;
	case BINLOG_EVENT_ANNOTATE:
		printf("annotate %s\n", ev->u.annotate.sql);
		break;
	case BINLOG_EVENT_RECONNECT:
		printf("reconnected (attempt %u), resuming at %s:%" PRIu64
		       "\n",
		       ev->u.reconnect.attempt, ev->u.reconnect.from.file,
		       ev->u.reconnect.from.pos);
		break;
	case BINLOG_EVENT_OTHER:
		printf("event type %u\n", ev->type);
		break;
	}
}

static void register_schema(struct binlog_decoder *dec)
{
	struct strbuf err = STRBUF_INIT;

	if (!conn || !tdb)
		return;
	if (binlog_load_schema(conn, dec, tdb, tname, &err) < 0)
		die("%s", err.buf);
	strbuf_release(&err);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int print_file(const char *path, struct binlog_decoder_options *dopt)
{
	struct binlog_decoder *dec = binlog_decoder_new(dopt);
	struct binlog_file *f;
	struct strbuf err = STRBUF_INIT;
	const unsigned char *raw;
	size_t len;
	int rc, status = 0;
	double t0;

	if (binlog_file_open(&f, path, &err) < 0)
		die("%s", err.buf);
	register_schema(dec);
	binlog_decoder_set_position(dec, binlog_file_basename(f), 4);
	t0 = now_s();
	while ((rc = binlog_file_next(f, &raw, &len, &err)) > 0) {
		const struct binlog_event *ev;

		if (binlog_decoder_feed(dec, raw, len, &err) < 0)
			goto fail;
		while ((rc = binlog_decoder_next(dec, &ev, &err)) != 0) {
			if (rc > 0) {
				handle_event(ev);
				continue;
			}
			/* a record that does not decode: say so, go on */
			fflush(stdout);
			fprintf(stderr, "error: %s: at offset %" PRIu64 ": %s\n",
				path, binlog_file_offset(f), err.buf);
			strbuf_reset(&err);
			status = 1;
		}
	}
	if (rc < 0)
		goto fail;
	if (opt.bench) {
		double dt = now_s() - t0;

		printf("%s: %llu events, %llu row changes in %.3f s: %.0f "
		       "row changes/s\n",
		       path, nevents_total, nrows_total, dt,
		       dt > 0 ? nrows_total / dt : 0.0);
	}
	goto out;
fail:
	fprintf(stderr, "error: %s: at offset %" PRIu64 ": %s\n", path,
		binlog_file_offset(f), err.buf);
	status = 1;
out:
	binlog_file_close(f);
	binlog_decoder_free(dec);
	strbuf_release(&err);
	return status;
}

static int print_stream(struct binlog_decoder_options *dopt)
{
	struct binlog_stream_options so;
	struct binlog_stream *s;
	struct strbuf err = STRBUF_INIT;
	const struct binlog_event *ev;
	unsigned long n = 0;
	int rc, status = 0;

	memset(&so, 0, sizeof(so));
	so.db = &opt.db;
	so.file = opt.start_file;
	so.pos = opt.start_pos;
	so.server_id = (uint32_t)opt.server_id;
	so.stop_at_eof = opt.stop_at_eof;
	so.annotate = opt.annotate;
	so.decoder = *dopt;
	if (binlog_stream_open(&s, &so, &err) < 0)
		die("%s", err.buf);
	register_schema(binlog_stream_decoder(s));
	for (;;) {
		rc = binlog_stream_next(s, &ev, &err);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* a record that does not decode: say so, go on */
			fflush(stdout);
			fprintf(stderr, "error: %s\n", err.buf);
			strbuf_reset(&err);
			status = 1;
			if (binlog_stream_broken(s))
				break;
			continue;
		}
		handle_event(ev);
		fflush(stdout);
		if (opt.max_events && ++n >= opt.max_events)
			break;
	}
	binlog_stream_close(s);
	strbuf_release(&err);
	return status;
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: binlog-print [options] FILE...\n"
		"       binlog-print -h HOST -P PORT -u USER [-p PASS] "
		"--start-file=F [--start-pos=N] [--stop-at-eof]\n"
		"  -h, -P, -u, -p, -S   connection (also gives schemas to "
		"file mode)\n"
		"  --table=DB.T         only print rows of this table, with "
		"its schema\n"
		"  --apply-to=DB.COPY   print SQL replaying DB.T's rows onto "
		"DB.COPY\n"
		"  --server-id=N        replica server id (default random)\n"
		"  --annotate           ask MariaDB for ANNOTATE_ROWS\n"
		"  --allow-partial      decode MINIMAL row images\n"
		"  --max-events=N       stop after N records (stream)\n"
		"  --bench              count row changes per second\n"
		"  -q                   decode, print nothing\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", optional_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 'S' },
		{ "start-file", required_argument, NULL, 'f' },
		{ "start-pos", required_argument, NULL, 'o' },
		{ "stop-at-eof", no_argument, NULL, 'e' },
		{ "server-id", required_argument, NULL, 'i' },
		{ "table", required_argument, NULL, 't' },
		{ "apply-to", required_argument, NULL, 'a' },
		{ "annotate", no_argument, NULL, 'A' },
		{ "allow-partial", no_argument, NULL, 'M' },
		{ "max-events", required_argument, NULL, 'n' },
		{ "bench", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct binlog_decoder_options dopt;
	int c, i, status = 0;

	while ((c = getopt_long(argc, argv, "h:P:u:p::S:q", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			opt.db.host = optarg;
			opt.have_conn = 1;
			break;
		case 'P':
			opt.db.port = (unsigned int)atoi(optarg);
			opt.have_conn = 1;
			break;
		case 'u':
			opt.db.user = optarg;
			break;
		case 'p':
			opt.db.password = optarg ? optarg : "";
			break;
		case 'S':
			opt.db.socket = optarg;
			opt.have_conn = 1;
			break;
		case 'f':
			opt.start_file = optarg;
			break;
		case 'o':
			opt.start_pos = strtoull(optarg, NULL, 10);
			break;
		case 'e':
			opt.stop_at_eof = 1;
			break;
		case 'i':
			opt.server_id = strtoul(optarg, NULL, 10);
			break;
		case 't':
			opt.table = optarg;
			break;
		case 'a':
			opt.apply_to = optarg;
			break;
		case 'A':
			opt.annotate = 1;
			break;
		case 'M':
			opt.allow_partial = 1;
			break;
		case 'n':
			opt.max_events = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			opt.bench = 1;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'H':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (opt.table)
		split_name(opt.table, &tdb, &tname);
	if (opt.apply_to) {
		if (!opt.table)
			die("--apply-to needs --table");
		split_name(opt.apply_to, &cdb, &cname);
	}
	memset(&dopt, 0, sizeof(dopt));
	dopt.allow_partial_images = opt.allow_partial;
	/* other tables' images may need a schema we do not load */
	dopt.registered_only = opt.table && opt.have_conn;

	db_global_init();
	if (opt.have_conn) {
		struct strbuf err = STRBUF_INIT;

		conn = db_connect(&opt.db, "schema", NULL, &err);
		if (!conn)
			die("%s", err.buf);
	}
	if (opt.start_file) {
		if (!opt.have_conn)
			die("--start-file needs a connection (-h/-P or -S)");
		status = print_stream(&dopt);
	} else {
		if (optind >= argc)
			usage(2);
		for (i = optind; i < argc; i++)
			status |= print_file(argv[i], &dopt);
	}
	if (conn)
		db_close(conn);
	db_global_end();
	return status;
}
