/*
 * stream.c: the binlog as a replica reads it. The only file that uses the
 * client library's binlog API.
 *
 * The client library is used only to connect, to send the session
 * variables and the COM_REGISTER_SLAVE / COM_BINLOG_DUMP commands, and to
 * read raw packets: Connector/C's own event parser (mariadb_rpl_fetch) has
 * bugs that lose or garble events (shared/notes/binlog-protocol.md 1.1),
 * so each packet's bytes go to our decoder instead. On Connector/C
 * (OSC_BINLOG_API_MARIADB) packets are read with mysql_net_read_packet();
 * on Oracle's libmysqlclient (OSC_BINLOG_API_MYSQL) with
 * mysql_binlog_fetch().
 *
 * The stream remembers where the last complete transaction ended. After a
 * lost connection it reconnects with a growing wait and asks for the
 * binlog again from there, so the caller sees the incomplete transaction
 * again from its start (announced by a BINLOG_EVENT_RECONNECT record).
 */
#include "util/compat.h"
#include "util/clock.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "binlog/binlog-internal.h"
#include "util/db.h"
#include "util/log.h"
#include "util/wrapper.h"

/* COM_BINLOG_DUMP flags */
#define DUMP_NON_BLOCK 0x01
#define DUMP_MARIADB_SEND_ANNOTATE 0x02

/* Server errors the stream explains. */
#define ER_MASTER_FATAL_READING_BINLOG 1236
#define ER_MARIADB_SLAVE_SAME_ID 4052
#define ER_MYSQL_SLAVE_SAME_ID 13114

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 5000

struct binlog_stream {
	struct binlog_stream_options opts;
	char *start_file;
	struct db *db;
	struct binlog_decoder *dec;
	uint32_t server_id;
	int mariadb;
	int eof;
	struct binlog_pos server_pos;
	struct binlog_event reconnect_ev;
	int reconnect_pending;
	int broken;		/* a final error: every call fails */
#ifdef OSC_BINLOG_API_MYSQL
	MYSQL_RPL rpl;
	char rpl_file[BINLOG_FILE_MAX];
#endif
};

static MYSQL *handle(struct binlog_stream *s)
{
	return db_handle(s->db);
}

static uint32_t random_u32(void)
{
	uint32_t v = 0;
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
			v = 0;
		close(fd);
	}
	if (!v)
		v = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	return v;
}

/*
 * A server id nobody uses: not the server's own, not a registered
 * replica's. SHOW SLAVE HOSTS needs a privilege the user may lack; then
 * the random choice in a range replicas rarely use has to do.
 */
static int pick_server_id(struct binlog_stream *s, struct strbuf *err)
{
	unsigned long long own = 0;
	uint32_t *used = NULL;
	size_t nused = 0, alloc = 0, i;
	struct db_result *res = NULL;
	struct strbuf ignored = STRBUF_INIT;
	struct db_row row;
	int tries;

	if (db_query_u64(s->db, "SELECT @@server_id", &own, err) < 0)
		return -1;
	if (db_query(s->db, "SHOW SLAVE HOSTS", &res, &ignored) == 0 && res) {
		while (db_result_next(res, &row, &ignored) > 0) {
			if (!row.ncols || !row.values[0])
				continue;
			ALLOC_GROW(used, nused + 1, alloc);
			used[nused++] = (uint32_t)strtoul(row.values[0], NULL,
							  10);
		}
		db_result_free(res);
	} else {
		verbose("cannot list the replicas (%s); choosing a random "
			"server id", ignored.buf);
	}
	strbuf_release(&ignored);
	for (tries = 0; tries < 1000; tries++) {
		uint32_t id = BINLOG_SERVER_ID_MIN +
			      random_u32() % (0xffffffffu - BINLOG_SERVER_ID_MIN);
		int clash = id == own;

		for (i = 0; i < nused && !clash; i++)
			clash = used[i] == id;
		if (!clash) {
			s->server_id = id;
			free(used);
			return 0;
		}
	}
	free(used);
	strbuf_addstr(err, "cannot find a free replica server id");
	return -1;
}

/* One line for a server error, with the fix when we know it. */
static void explain_error(struct binlog_stream *s, const char *what,
			  struct strbuf *err)
{
	MYSQL *m = handle(s);
	unsigned int code = m ? mysql_errno(m) : DB_CR_SERVER_GONE;
	const char *msg = m ? mysql_error(m) : "connection closed";
	struct binlog_pos at;

	binlog_decoder_last_complete(s->dec, &at);
	switch (code) {
	case ER_MASTER_FATAL_READING_BINLOG:
		if (strstr(msg, "same server_uuid") ||
		    strstr(msg, "same server_id")) {
			strbuf_addf(err, "another replica uses server id %" PRIu32
				    " (%s); give osc a server id of its own",
				    s->server_id, msg);
			return;
		}
		strbuf_addf(err, "the server cannot send binlog '%s' from "
			    "position %" PRIu64 ": %s (errno 1236); the file "
			    "may have been purged (check SHOW BINARY LOGS and "
			    "keep binlogs longer: binlog_expire_logs_seconds) "
			    "or the position is not the start of an event",
			    at.file, at.pos, msg);
		return;
	case ER_MARIADB_SLAVE_SAME_ID:
	case ER_MYSQL_SLAVE_SAME_ID:
		strbuf_addf(err, "another replica uses server id %" PRIu32
			    " (%s, errno %u); give osc a server id of its own",
			    s->server_id, msg, code);
		return;
	case DB_ER_SPECIFIC_ACCESS_DENIED:
	case DB_ER_ACCESS_DENIED:
		strbuf_addf(err, "not allowed to read the binlog: %s (errno "
			    "%u); grant it with: GRANT REPLICATION SLAVE ON "
			    "*.* TO the osc user", msg, code);
		return;
	default:
		strbuf_addf(err, "%s: %s (errno %u)", what, msg, code);
	}
}

static int session_setup(struct binlog_stream *s, struct strbuf *err)
{
	unsigned long long period_ns =
		(unsigned long long)s->opts.heartbeat_ms * 1000000ULL;

	/*
	 * The checksum variables must be set or the server refuses to send
	 * a CRC32 binlog (1236); the capability makes MariaDB send its GTID
	 * events as they are; the heartbeat period is in nanoseconds.
	 */
	if (db_execf(s->db, err,
		     "SET @master_binlog_checksum = 'CRC32', "
		     "@source_binlog_checksum = 'CRC32', "
		     "@mariadb_slave_capability = 4, "
		     "@master_heartbeat_period = %llu, "
		     "@source_heartbeat_period = %llu",
		     period_ns, period_ns) < 0)
		return -1;
	return 0;
}

#ifdef OSC_BINLOG_API_MARIADB

static void put_u16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	put_u16(p, v & 0xffff);
	put_u16(p + 2, v >> 16);
}

/* COM_REGISTER_SLAVE: so that SHOW SLAVE HOSTS lists us. */
static int register_replica(struct binlog_stream *s, struct strbuf *err)
{
	static const char host[] = "osc";
	unsigned char buf[64];
	size_t n = 0;
	MYSQL *m = handle(s);

	put_u32(buf, s->server_id);
	n = 4;
	buf[n++] = sizeof(host) - 1;
	memcpy(buf + n, host, sizeof(host) - 1);
	n += sizeof(host) - 1;
	buf[n++] = 0; /* user */
	buf[n++] = 0; /* password */
	put_u16(buf + n, 0); /* port */
	n += 2;
	put_u32(buf + n, 0); /* replication rank */
	n += 4;
	put_u32(buf + n, 0); /* master id */
	n += 4;
	if (m->methods->db_command(m, COM_REGISTER_SLAVE, (const char *)buf, n,
				   0, NULL)) {
		explain_error(s, "cannot register as a replica", err);
		return -1;
	}
	return 0;
}

static int send_dump(struct binlog_stream *s, const struct binlog_pos *at,
		     struct strbuf *err)
{
	size_t flen = strlen(at->file), n;
	unsigned char *buf;
	unsigned int flags = 0;
	MYSQL *m = handle(s);
	int rc;

	if (at->pos > 0xffffffffULL) {
		strbuf_addf(err, "binlog position %" PRIu64 " is beyond 4 GiB, "
			    "which COM_BINLOG_DUMP cannot ask for", at->pos);
		return -1;
	}
	if (s->opts.stop_at_eof)
		flags |= DUMP_NON_BLOCK;
	if (s->opts.annotate && s->mariadb)
		flags |= DUMP_MARIADB_SEND_ANNOTATE;
	n = 10 + flen;
	buf = xmalloc(n);
	put_u32(buf, (uint32_t)at->pos);
	put_u16(buf + 4, flags);
	put_u32(buf + 6, s->server_id);
	memcpy(buf + 10, at->file, flen);
	rc = m->methods->db_command(m, COM_BINLOG_DUMP, (const char *)buf, n,
				    1, NULL);
	free(buf);
	if (rc) {
		explain_error(s, "cannot start the binlog dump", err);
		return -1;
	}
	return 0;
}

/*
 * 1 with the raw event, 0 at the end of a non-blocking dump, -1 on error
 * (mysql_errno() tells which).
 */
static int read_raw(struct binlog_stream *s, const unsigned char **ev,
		    size_t *len)
{
	MYSQL *m = handle(s);
	unsigned long n = mysql_net_read_packet(m);
	const unsigned char *p;

	/* packet_error is (unsigned int)-1: compare in that width */
	if (n == (unsigned long)packet_error)
		return -1;
	p = m->net.read_pos;
	if (n < 9 && n >= 1 && p[0] == 0xfe)
		return 0;
	if (n < 1 || p[0] != 0x00)
		return -1;
	*ev = p + 1;
	*len = n - 1;
	return 1;
}

#elif defined(OSC_BINLOG_API_MYSQL)

/*
 * Oracle's library has no public way to send COM_REGISTER_SLAVE: the
 * stream is not listed in SHOW REPLICAS there, which replication does not
 * need.
 */
static int register_replica(struct binlog_stream *s, struct strbuf *err)
{
	(void)s;
	(void)err;
	return 0;
}

static int send_dump(struct binlog_stream *s, const struct binlog_pos *at,
		     struct strbuf *err)
{
	MYSQL *m = handle(s);

	memset(&s->rpl, 0, sizeof(s->rpl));
	memcpy(s->rpl_file, at->file, BINLOG_FILE_MAX);
	s->rpl.file_name_length = strlen(s->rpl_file);
	s->rpl.file_name = s->rpl_file;
	s->rpl.start_position = at->pos;
	s->rpl.server_id = s->server_id;
	/* bit 1 would mean HEARTBEAT_V2 on MySQL: never set it */
	s->rpl.flags = s->opts.stop_at_eof ? DUMP_NON_BLOCK : 0;
	if (mysql_binlog_open(m, &s->rpl)) {
		explain_error(s, "cannot start the binlog dump", err);
		return -1;
	}
	return 0;
}

static int read_raw(struct binlog_stream *s, const unsigned char **ev,
		    size_t *len)
{
	MYSQL *m = handle(s);

	if (mysql_binlog_fetch(m, &s->rpl))
		return -1;
	if (s->rpl.size == 0)
		return 0;
	/* buffer[0] is the OK byte (client/mysqlbinlog.cc does the same) */
	*ev = s->rpl.buffer + 1;
	*len = s->rpl.size - 1;
	return 1;
}

#else
#error "configure found no binlog API (OSC_BINLOG_API_MARIADB or _MYSQL)"
#endif

static int start_dump(struct binlog_stream *s, const struct binlog_pos *at,
		      struct strbuf *err)
{
	const char *version = db_server_version(s->db);

	s->mariadb = version && strstr(version, "MariaDB") != NULL;
	if (session_setup(s, err) < 0)
		return -1;
	if (register_replica(s, err) < 0)
		return -1;
	binlog_decoder_set_position(s->dec, at->file, at->pos);
	if (send_dump(s, at, err) < 0)
		return -1;
	s->eof = 0;
	debug("binlog dump from %s:%" PRIu64 " as server id %" PRIu32,
	      at->file, at->pos, s->server_id);
	return 0;
}

int binlog_stream_open(struct binlog_stream **out,
		       const struct binlog_stream_options *opts,
		       struct strbuf *err)
{
	struct binlog_stream *s;
	struct db_options dbo;
	struct binlog_pos at;
	unsigned int code = 0;

	*out = NULL;
	if (!opts->file || !*opts->file ||
	    strlen(opts->file) >= BINLOG_FILE_MAX) {
		strbuf_addstr(err, "no binlog file to start from");
		return -1;
	}
	s = xcalloc(1, sizeof(*s));
	s->opts = *opts;
	if (!s->opts.heartbeat_ms)
		s->opts.heartbeat_ms = 1000;
	if (!s->opts.reconnect_attempts)
		s->opts.reconnect_attempts = 10;
	s->start_file = xstrdup(opts->file);
	s->opts.file = s->start_file;
	s->dec = binlog_decoder_new(&s->opts.decoder);

	/*
	 * A silent server sends a heartbeat every heartbeat_ms: three missed
	 * ones mean the connection is dead.
	 */
	dbo = *opts->db;
	if (!dbo.read_timeout_s)
		dbo.read_timeout_s = 3 * s->opts.heartbeat_ms / 1000 + 2;
	s->db = db_connect(&dbo, "binlog", &code, err);
	if (!s->db)
		goto fail;
	s->server_id = opts->server_id;
	if (!s->server_id && pick_server_id(s, err) < 0)
		goto fail;
	memset(&at, 0, sizeof(at));
	memcpy(at.file, opts->file, strlen(opts->file) + 1);
	at.pos = opts->pos ? opts->pos : 4;
	if (start_dump(s, &at, err) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	binlog_stream_close(s);
	return -1;
}

static int reconnect(struct binlog_stream *s, struct strbuf *err)
{
	/* The one retry policy's waits (util/retry.h): each reconnect that
	 * fails counts as one more lost connection. */
	const struct retry_policy policy = {
		.attempts = 1,
		.reconnects = s->opts.reconnect_attempts,
		.reconnect_wait_ms = BACKOFF_FIRST_MS,
		.max_wait_ms = BACKOFF_MAX_MS,
	};
	struct binlog_pos at;
	struct retry r;
	unsigned int attempt, wait_ms;
	struct strbuf last = STRBUF_INIT;

	binlog_decoder_last_complete(s->dec, &at);
	retry_init(&r, &policy);
	while (retry_after(&r, DB_CR_SERVER_LOST, &wait_ms) != RETRY_GIVE_UP) {
		attempt = r.reconnects;
		clock_sleep_ms(wait_ms);
		strbuf_reset(&last);
		if (db_reconnect(s->db, &last) < 0 ||
		    start_dump(s, &at, &last) < 0) {
			unsigned int code = db_errno(s->db);

			warning("binlog stream: reconnect attempt %u: %s",
				attempt, last.buf);
			/* a refusal that waiting will not cure */
			if (code == ER_MASTER_FATAL_READING_BINLOG ||
			    code == ER_MARIADB_SLAVE_SAME_ID ||
			    code == DB_ER_SPECIFIC_ACCESS_DENIED ||
			    code == DB_ER_ACCESS_DENIED)
				break;
			continue;
		}
		memset(&s->reconnect_ev, 0, sizeof(s->reconnect_ev));
		s->reconnect_ev.kind = BINLOG_EVENT_RECONNECT;
		s->reconnect_ev.pos = at;
		s->reconnect_ev.u.reconnect.attempt = attempt;
		s->reconnect_ev.u.reconnect.from = at;
		s->reconnect_pending = 1;
		strbuf_release(&last);
		return 0;
	}
	strbuf_addf(err, "lost the binlog stream at %s:%" PRIu64
		    " and could not resume: %s", at.file, at.pos, last.buf);
	strbuf_release(&last);
	return -1;
}

int binlog_stream_next(struct binlog_stream *s,
		       const struct binlog_event **ev, struct strbuf *err)
{
	if (s->broken) {
		strbuf_addstr(err, "the binlog stream has already failed");
		return -1;
	}
	for (;;) {
		const unsigned char *raw;
		size_t len;
		unsigned int code;
		int rc;

		if (s->reconnect_pending) {
			s->reconnect_pending = 0;
			*ev = &s->reconnect_ev;
			return 1;
		}
		rc = binlog_decoder_next(s->dec, ev, err);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			if ((*ev)->kind == BINLOG_EVENT_HEARTBEAT) {
				const char *f = (*ev)->u.heartbeat.file;
				size_t fl = strlen(f);

				if (fl >= BINLOG_FILE_MAX)
					fl = BINLOG_FILE_MAX - 1;
				memcpy(s->server_pos.file, f, fl);
				s->server_pos.file[fl] = '\0';
				s->server_pos.pos = (*ev)->u.heartbeat.pos;
			}
			return 1;
		}
		if (s->eof)
			return 0;
		rc = read_raw(s, &raw, &len);
		if (rc > 0) {
			/* a bad CRC: the bytes are not what the server wrote */
			if (binlog_decoder_feed(s->dec, raw, len, err) < 0) {
				s->broken = 1;
				return -1;
			}
			continue;
		}
		if (rc == 0) {
			if (s->opts.stop_at_eof) {
				s->eof = 1;
				return 0;
			}
			/* the server ended a blocking dump: shutting down */
			code = DB_CR_SERVER_LOST;
		} else {
			code = handle(s) ? mysql_errno(handle(s))
					 : DB_CR_SERVER_LOST;
		}
		if (!db_error_is_disconnect(code) && code != 0) {
			explain_error(s, "binlog stream failed", err);
			s->broken = 1;
			return -1;
		}
		warning("binlog stream: connection lost (errno %u); "
			"reconnecting", code);
		if (reconnect(s, err) < 0) {
			s->broken = 1;
			return -1;
		}
	}
}

void binlog_stream_last_complete(const struct binlog_stream *s,
				 struct binlog_pos *pos)
{
	binlog_decoder_last_complete(s->dec, pos);
}

void binlog_stream_server_position(const struct binlog_stream *s,
				   struct binlog_pos *pos)
{
	*pos = s->server_pos;
}

int binlog_stream_broken(const struct binlog_stream *s)
{
	return s->broken;
}

uint32_t binlog_stream_server_id(const struct binlog_stream *s)
{
	return s->server_id;
}

struct binlog_decoder *binlog_stream_decoder(struct binlog_stream *s)
{
	return s->dec;
}

void binlog_stream_close(struct binlog_stream *s)
{
	if (!s)
		return;
#ifdef OSC_BINLOG_API_MYSQL
	if (s->db && handle(s))
		mysql_binlog_close(handle(s), &s->rpl);
#endif
	db_close(s->db);
	binlog_decoder_free(s->dec);
	free(s->start_file);
	free(s);
}
