/*
 * decode.c: raw binlog events to decoded records. Pure: bytes in, records
 * out, errors in a strbuf.
 *
 * The decoder keeps what a replica's SQL thread keeps: the last
 * FORMAT_DESCRIPTION (post-header lengths, whether events end with a
 * CRC32), the current file and position, the TABLE_MAPs of the current
 * statement (forgotten after a rows event flagged STMT_END), whether a
 * transaction is open, and where the last complete one ended. Layouts are
 * in shared/notes/binlog-protocol.md section 2; the server sources are
 * MySQL libs/mysql/binlog/event/ headers and MariaDB sql/log_event.h.
 *
 * Transactions are reported the same way for both servers: BEGIN (from a
 * GTID event, or a QUERY "BEGIN" when there is none), then the changes,
 * then COMMIT (XID, QUERY "COMMIT"/"ROLLBACK", or a synthetic COMMIT
 * after a statement that commits itself: DDL, MariaDB's standalone
 * groups). COMMIT carries the position to resume from.
 */
#include "util/compat.h"

#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "binlog/binlog-internal.h"
#include "util/ident.h"
#include "util/wrapper.h"

#define DEFAULT_MAX_EVENT ((size_t)1 << 30)
#define MAX_COLUMNS 65535
#define BUFFER_KEEP_MAX ((size_t)4 << 20)

enum trx_state {
	TRX_NONE,	/* between transactions */
	TRX_GTID,	/* a MySQL GTID event seen, statement not yet */
	TRX_STANDALONE,	/* a MariaDB GTID flagged standalone */
	TRX_OPEN,	/* inside BEGIN ... COMMIT */
};

struct schema_entry {
	char *db, *table;
	struct binlog_table_schema s;
	struct binlog_column_schema *cols;
	struct arena mem;
};

struct table_entry {
	struct binlog_table t;
	unsigned int schema_ncols;	/* a registered schema that disagrees */
	struct binlog_column *cols;
	struct col_extra *extra;
	struct arena mem;
};

struct binlog_decoder {
	struct binlog_decoder_options opts;

	/* the last FORMAT_DESCRIPTION */
	int have_fde;
	int checksum;		/* 1 crc32, 0 none, -1 unknown (probe) */
	int mariadb;
	unsigned char post_header[256];
	char server_version[51];

	/* where we are */
	char cur_file[BINLOG_FILE_MAX];
	uint64_t cur_pos;
	struct binlog_pos last_complete;
	enum trx_state trx;

	/* TABLE_MAPs of the current statement, and registered schemas */
	struct table_entry **tables;
	size_t ntables, tables_alloc;
	int clear_tables;
	struct schema_entry **schemas;
	size_t nschemas, schemas_alloc;

	/* input not yet decoded */
	const unsigned char *pending;
	size_t pending_len;		/* without the checksum */
	int queued_commit;

	/* a MySQL transaction payload being walked */
	struct strbuf payload;
	size_t payload_off;
	int in_payload;

	/* the record handed out, and what it points at */
	struct binlog_event ev;
	struct arena scratch;
	struct strbuf zbuf;
	struct binlog_value *vals;
	size_t vals_alloc;
	struct binlog_row *rows;
	size_t rows_alloc;
	size_t *row_offs;
	size_t row_offs_alloc;
};

/* Post-header lengths before any FORMAT_DESCRIPTION (MySQL 8, MariaDB). */
static void default_post_headers(unsigned char *ph)
{
	int t;

	memset(ph, 0, 256);
	ph[EV_QUERY - 1] = 13;
	ph[EV_ROTATE - 1] = 8;
	ph[EV_TABLE_MAP - 1] = 8;
	for (t = EV_WRITE_ROWS_V1; t <= EV_DELETE_ROWS_V1; t++)
		ph[t - 1] = 8;
	for (t = EV_WRITE_ROWS; t <= EV_DELETE_ROWS; t++)
		ph[t - 1] = 10;
	ph[EV_PARTIAL_UPDATE_ROWS - 1] = 10;
	ph[EV_GTID - 1] = 42;
	ph[EV_ANONYMOUS_GTID - 1] = 42;
	ph[EV_MARIA_BINLOG_CHECKPOINT - 1] = 4;
	ph[EV_MARIA_GTID - 1] = 19;
	ph[EV_MARIA_GTID_LIST - 1] = 4;
	ph[EV_MARIA_QUERY_COMPRESSED - 1] = 13;
	for (t = EV_MARIA_WRITE_ROWS_COMPRESSED_V1;
	     t <= EV_MARIA_DELETE_ROWS_COMPRESSED_V1; t++)
		ph[t - 1] = 8;
	for (t = EV_MARIA_WRITE_ROWS_COMPRESSED;
	     t <= EV_MARIA_DELETE_ROWS_COMPRESSED; t++)
		ph[t - 1] = 10;
}

static unsigned int post_header_len(const struct binlog_decoder *dec,
				    unsigned int type)
{
	return type ? dec->post_header[type - 1] : 0;
}

struct binlog_decoder *binlog_decoder_new(const struct binlog_decoder_options
					  *opts)
{
	struct binlog_decoder *dec = xcalloc(1, sizeof(*dec));

	if (opts)
		dec->opts = *opts;
	if (!dec->opts.max_event_bytes)
		dec->opts.max_event_bytes = DEFAULT_MAX_EVENT;
	dec->checksum = -1;
	default_post_headers(dec->post_header);
	strbuf_init(&dec->payload, 0);
	strbuf_init(&dec->zbuf, 0);
	return dec;
}

static void table_free(struct table_entry *t)
{
	arena_release(&t->mem);
	free(t);
}

static void clear_tables(struct binlog_decoder *dec)
{
	size_t i;

	for (i = 0; i < dec->ntables; i++)
		table_free(dec->tables[i]);
	dec->ntables = 0;
	dec->clear_tables = 0;
}

static void schema_free(struct schema_entry *s)
{
	arena_release(&s->mem);
	free(s);
}

void binlog_decoder_free(struct binlog_decoder *dec)
{
	size_t i;

	if (!dec)
		return;
	clear_tables(dec);
	free(dec->tables);
	for (i = 0; i < dec->nschemas; i++)
		schema_free(dec->schemas[i]);
	free(dec->schemas);
	strbuf_release(&dec->payload);
	strbuf_release(&dec->zbuf);
	arena_release(&dec->scratch);
	free(dec->vals);
	free(dec->rows);
	free(dec->row_offs);
	free(dec);
}

void binlog_decoder_set_position(struct binlog_decoder *dec,
				 const char *file, uint64_t pos)
{
	if (file && file != dec->cur_file) {
		size_t n = strlen(file);

		if (n >= BINLOG_FILE_MAX)
			n = BINLOG_FILE_MAX - 1;
		memcpy(dec->cur_file, file, n);
		dec->cur_file[n] = '\0';
	}
	dec->cur_pos = pos;
	/* a new dump: whatever was half-decoded is gone */
	dec->pending = NULL;
	dec->in_payload = 0;
	dec->queued_commit = 0;
	clear_tables(dec);
	memcpy(dec->last_complete.file, dec->cur_file, BINLOG_FILE_MAX);
	dec->last_complete.pos = pos;
	dec->trx = TRX_NONE;
}

void binlog_decoder_last_complete(const struct binlog_decoder *dec,
				  struct binlog_pos *pos)
{
	*pos = dec->last_complete;
}

int binlog_decoder_has_checksum(const struct binlog_decoder *dec)
{
	return dec->checksum == 1;
}

/* ---- schemas ------------------------------------------------------------ */

static char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_memdup_nul(a, s, strlen(s)) : NULL;
}

static struct schema_entry *find_schema(struct binlog_decoder *dec,
					const char *db, const char *table,
					size_t *idx)
{
	size_t i;

	for (i = 0; i < dec->nschemas; i++) {
		struct schema_entry *s = dec->schemas[i];

		if (ident_name_eq(dec->opts.lower_case_table_names, s->db,
				  db) &&
		    ident_name_eq(dec->opts.lower_case_table_names, s->table,
				  table)) {
			if (idx)
				*idx = i;
			return s;
		}
	}
	return NULL;
}

static int is_character_col(const struct binlog_column *c)
{
	switch (c->real_type) {
	case BINLOG_TYPE_STRING:
	case BINLOG_TYPE_VAR_STRING:
	case BINLOG_TYPE_VARCHAR:
	case BINLOG_TYPE_TINY_BLOB:
	case BINLOG_TYPE_MEDIUM_BLOB:
	case BINLOG_TYPE_LONG_BLOB:
	case BINLOG_TYPE_BLOB:
	case BINLOG_TYPE_GEOMETRY:
		return 1;
	}
	return 0;
}

static int is_int_type(unsigned int t)
{
	return t == BINLOG_TYPE_TINY || t == BINLOG_TYPE_SHORT ||
	       t == BINLOG_TYPE_INT24 || t == BINLOG_TYPE_LONG ||
	       t == BINLOG_TYPE_LONGLONG;
}

/*
 * Fill what the TABLE_MAP did not say from the registered schema: the
 * signedness of integers, binary charsets, names, and the precision of
 * MariaDB's old-format temporals (whose byte length depends on it).
 */
static void apply_schema(struct binlog_decoder *dec, struct table_entry *te)
{
	struct schema_entry *s = find_schema(dec, te->t.db, te->t.name, NULL);
	unsigned int i;

	te->t.schema = NULL;
	te->schema_ncols = 0;
	for (i = 0; i < te->t.ncols; i++)
		te->extra[i].hires_dec = 0;
	if (!s)
		return;
	if (s->s.ncols != te->t.ncols) {
		te->schema_ncols = s->s.ncols ? s->s.ncols : UINT_MAX;
		return;
	}
	te->t.schema = &s->s;
	for (i = 0; i < te->t.ncols; i++) {
		struct binlog_column *c = &te->cols[i];
		const struct binlog_column_schema *cs = &s->cols[i];

		if (!c->signedness_known && is_int_type(c->real_type))
			c->is_unsigned = cs->is_unsigned ? 1 : 0;
		if (c->collation < 0)
			c->is_binary = cs->is_binary ? 1 : 0;
		if (!c->name)
			c->name = cs->name;
		if ((c->type == BINLOG_TYPE_TIME ||
		     c->type == BINLOG_TYPE_DATETIME ||
		     c->type == BINLOG_TYPE_TIMESTAMP) &&
		    cs->datetime_precision > 0 && cs->datetime_precision <= 6)
			te->extra[i].hires_dec = (uint8_t)cs->datetime_precision;
	}
}

void binlog_decoder_set_schema(struct binlog_decoder *dec, const char *db,
			       const char *table,
			       const struct binlog_table_schema *schema)
{
	struct schema_entry *s;
	unsigned int i;
	size_t k;

	binlog_decoder_forget_schema(dec, db, table);
	s = xcalloc(1, sizeof(*s));
	s->db = arena_strdup(&s->mem, db);
	s->table = arena_strdup(&s->mem, table);
	s->s.ncols = schema->ncols;
	s->cols = arena_alloc(&s->mem,
			      st_mult(schema->ncols ? schema->ncols : 1,
				      sizeof(*s->cols)));
	for (i = 0; i < schema->ncols; i++) {
		const struct binlog_column_schema *from = &schema->cols[i];
		struct binlog_column_schema *to = &s->cols[i];

		*to = *from;
		to->name = arena_strdup(&s->mem, from->name);
		to->column_type = arena_strdup(&s->mem, from->column_type);
		to->charset = arena_strdup(&s->mem, from->charset);
		to->collation = arena_strdup(&s->mem, from->collation);
	}
	s->s.cols = s->cols;
	ALLOC_GROW(dec->schemas, dec->nschemas + 1, dec->schemas_alloc);
	dec->schemas[dec->nschemas++] = s;
	for (k = 0; k < dec->ntables; k++)
		apply_schema(dec, dec->tables[k]);
}

void binlog_decoder_forget_schema(struct binlog_decoder *dec, const char *db,
				  const char *table)
{
	size_t idx, k;
	struct schema_entry *s = find_schema(dec, db, table, &idx);

	if (!s)
		return;
	dec->schemas[idx] = dec->schemas[--dec->nschemas];
	/* tables may point at it: detach them first */
	for (k = 0; k < dec->ntables; k++) {
		struct table_entry *te = dec->tables[k];
		unsigned int i;

		te->schema_ncols = 0;
		if (te->t.schema != &s->s)
			continue;
		te->t.schema = NULL;
		for (i = 0; i < te->t.ncols; i++) {
			if (te->cols[i].name == s->cols[i].name)
				te->cols[i].name = NULL;
			te->extra[i].hires_dec = 0;
		}
	}
	schema_free(s);
}

static int has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!strncasecmp(s, w, n))
			return 1;
	return 0;
}

void binlog_column_schema_fill(struct binlog_column_schema *col,
			       const char *name, const char *column_type,
			       const char *charset, const char *collation,
			       const char *datetime_precision)
{
	memset(col, 0, sizeof(*col));
	col->name = name;
	col->column_type = column_type;
	col->charset = charset;
	col->collation = collation;
	col->is_unsigned = column_type && has_word(column_type, "unsigned");
	col->is_binary = (charset && !strcmp(charset, "binary")) ||
			 (collation && !strcmp(collation, "binary"));
	/* MariaDB's INET6/INET4/UUID are fixed-length binary strings */
	if (!charset && column_type &&
	    (!strncasecmp(column_type, "binary", 6) ||
	     !strncasecmp(column_type, "inet6", 5) ||
	     !strncasecmp(column_type, "inet4", 5) ||
	     !strncasecmp(column_type, "uuid", 4) ||
	     !strncasecmp(column_type, "varbinary", 9) ||
	     strstr(column_type, "blob")))
		col->is_binary = 1;
	col->datetime_precision =
		datetime_precision ? atoi(datetime_precision) : -1;
}

/* ---- feeding ------------------------------------------------------------- */

static int crc_ok(const unsigned char *ev, size_t len)
{
	uLong crc;

	if (len < EV_HEADER_LEN + EV_CHECKSUM_LEN)
		return 0;
	crc = crc32(0L, ev, (uInt)(len - EV_CHECKSUM_LEN));
	return (uint32_t)crc == rd_u32(ev + len - EV_CHECKSUM_LEN);
}

/* MySQL >= 5.6.1 and MariaDB >= 5.3 end the FDE with a checksum byte. */
static int version_has_checksum(const char *v, int *mariadb)
{
	unsigned int a = 0, b = 0, c = 0;

	*mariadb = strstr(v, "MariaDB") != NULL;
	if (sscanf(v, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	if (*mariadb)
		return a > 5 || (a == 5 && b >= 3);
	return a > 5 || (a == 5 && (b > 6 || (b == 6 && c >= 1)));
}

/* The FDE's checksum algorithm byte, or -1 when it has none. */
static int fde_checksum_alg(const unsigned char *ev, size_t len, int *mariadb)
{
	char version[51];

	if (len < EV_HEADER_LEN + 57 + 5)
		return -1;
	memcpy(version, ev + EV_HEADER_LEN + 2, 50);
	version[50] = '\0';
	if (!version_has_checksum(version, mariadb))
		return -1;
	return ev[len - 5];
}

int binlog_decoder_feed(struct binlog_decoder *dec, const void *buf,
			size_t len, struct strbuf *err)
{
	const unsigned char *ev = buf;
	unsigned int type;
	uint16_t flags;
	int strip = 0;

	dec->pending = NULL;
	dec->in_payload = 0;
	if (len < EV_HEADER_LEN) {
		strbuf_addf(err, "binlog event of %zu bytes is shorter than "
			    "its header", len);
		return -1;
	}
	if (rd_u32(ev + 9) != len) {
		strbuf_addf(err, "binlog event length %" PRIu32 " does not "
			    "match the %zu bytes received", rd_u32(ev + 9), len);
		return -1;
	}
	if (len > dec->opts.max_event_bytes) {
		strbuf_addf(err, "binlog event of %zu bytes is over the limit",
			    len);
		return -1;
	}
	type = ev[4];
	flags = (uint16_t)rd_u16(ev + 17);
	if (type == EV_FORMAT_DESCRIPTION) {
		int mariadb, alg = fde_checksum_alg(ev, len, &mariadb);

		if (alg == 1) {
			/* its CRC was computed with the in-use flag clear */
			unsigned char fl[2] = {
				(unsigned char)(ev[17] & ~EV_FLAG_BINLOG_IN_USE),
				ev[18]
			};
			uLong crc = crc32(0L, ev, 17);

			crc = crc32(crc, fl, 2);
			crc = crc32(crc, ev + 19, (uInt)(len - 19 - 4));
			if (!dec->opts.skip_checksum &&
			    (uint32_t)crc != rd_u32(ev + len - 4)) {
				strbuf_addstr(err, "checksum mismatch in a "
					      "FORMAT_DESCRIPTION event");
				return -1;
			}
		}
		/* the FDE's decoder strips its own trailer */
	} else if (dec->checksum < 0 || type == EV_HEARTBEAT ||
		   type == EV_HEARTBEAT_V2 ||
		   (type == EV_ROTATE && (flags & EV_FLAG_ARTIFICIAL))) {
		/*
		 * Before any FDE (the fake ROTATE), and for heartbeats, the
		 * checksum depends on what the session asked for: look.
		 */
		strip = crc_ok(ev, len);
	} else if (dec->checksum == 1) {
		if (len < EV_HEADER_LEN + EV_CHECKSUM_LEN) {
			strbuf_addstr(err, "binlog event too short for its "
				      "checksum");
			return -1;
		}
		if (!dec->opts.skip_checksum && !crc_ok(ev, len)) {
			strbuf_addf(err, "checksum mismatch in a %s event at "
				    "%s:%" PRIu32,
				    binlog_event_type_name(type),
				    dec->cur_file[0] ? dec->cur_file : "?",
				    rd_u32(ev + 13));
			return -1;
		}
		strip = 1;
	}
	dec->pending = ev;
	dec->pending_len = len - (strip ? EV_CHECKSUM_LEN : 0);
	return 0;
}

/* ---- records ------------------------------------------------------------- */

static void set_pos(struct binlog_decoder *dec, struct binlog_pos *pos)
{
	memcpy(pos->file, dec->cur_file, BINLOG_FILE_MAX);
	pos->pos = dec->cur_pos;
}

static void transaction_complete(struct binlog_decoder *dec)
{
	dec->trx = TRX_NONE;
	set_pos(dec, &dec->last_complete);
}

static int decode_fde(struct binlog_decoder *dec, const unsigned char *ev,
		      size_t len, struct strbuf *err)
{
	const unsigned char *b = ev + EV_HEADER_LEN;
	size_t blen = len - EV_HEADER_LEN, n;
	int mariadb = 0, alg;

	if (blen < 57) {
		strbuf_addstr(err, "FORMAT_DESCRIPTION event too short");
		return -1;
	}
	if (b[56] != EV_HEADER_LEN) {
		strbuf_addf(err, "unsupported binlog header length %u (only "
			    "binlog format v4 is supported)", b[56]);
		return -1;
	}
	alg = fde_checksum_alg(ev, len, &mariadb);
	n = blen - 57 - (alg >= 0 ? 5 : 0);
	if (n > 255)
		n = 255;
	default_post_headers(dec->post_header);
	memcpy(dec->post_header, b + 57, n);
	/*
	 * The payload's body starts right after the common header, whatever
	 * the FDE says (TRANSACTION_PAYLOAD_HEADER_LEN is 0 in MySQL).
	 */
	dec->post_header[EV_TRANSACTION_PAYLOAD - 1] = 0;
	memcpy(dec->server_version, b + 2, 50);
	dec->server_version[50] = '\0';
	dec->mariadb = mariadb;
	dec->checksum = alg == 1 ? 1 : 0;
	dec->have_fde = 1;
	clear_tables(dec);

	dec->ev.kind = BINLOG_EVENT_FORMAT;
	dec->ev.u.format.binlog_version = (uint16_t)rd_u16(b);
	dec->ev.u.format.server_version = dec->server_version;
	dec->ev.u.format.checksum = dec->checksum;
	return 1;
}

static int decode_rotate(struct binlog_decoder *dec, const unsigned char *ev,
			 size_t len, struct strbuf *err)
{
	/* the fake ROTATE may precede any FDE: its post-header is 8 bytes */
	unsigned int ph = 8;
	size_t nlen;
	uint64_t pos;

	if (len < EV_HEADER_LEN + ph) {
		strbuf_addstr(err, "ROTATE event too short");
		return -1;
	}
	pos = rd_u64(ev + EV_HEADER_LEN);
	nlen = len - EV_HEADER_LEN - ph;
	if (nlen == 0 || nlen >= BINLOG_FILE_MAX) {
		strbuf_addf(err, "ROTATE event with a file name of %zu bytes",
			    nlen);
		return -1;
	}
	memcpy(dec->cur_file, ev + EV_HEADER_LEN + ph, nlen);
	dec->cur_file[nlen] = '\0';
	dec->cur_pos = pos;
	if (dec->trx == TRX_NONE)
		set_pos(dec, &dec->last_complete);
	dec->ev.kind = BINLOG_EVENT_ROTATE;
	dec->ev.u.rotate.file = arena_strdup(&dec->scratch, dec->cur_file);
	dec->ev.u.rotate.pos = pos;
	dec->ev.u.rotate.artificial =
		(dec->ev.flags & EV_FLAG_ARTIFICIAL) || !dec->ev.timestamp;
	set_pos(dec, &dec->ev.pos);
	return 1;
}

static int decode_heartbeat(struct binlog_decoder *dec,
			    const unsigned char *ev, size_t len,
			    struct strbuf *err)
{
	const unsigned char *p = ev + EV_HEADER_LEN;
	size_t avail = len - EV_HEADER_LEN;

	dec->ev.kind = BINLOG_EVENT_HEARTBEAT;
	if (ev[4] == EV_HEARTBEAT) {
		dec->ev.u.heartbeat.file =
			arena_memdup_nul(&dec->scratch, p, avail);
		dec->ev.u.heartbeat.pos = rd_u32(ev + 13);
		return 1;
	}
	/* v2: TLV of lenenc type, lenenc length, value; 0 ends it */
	dec->ev.u.heartbeat.file = "";
	dec->ev.u.heartbeat.pos = 0;
	while (avail) {
		uint64_t t, l, v;
		size_t n = rd_lenenc(p, avail, &t);

		if (!n)
			goto bad;
		p += n;
		avail -= n;
		if (t == 0)
			break;
		n = rd_lenenc(p, avail, &l);
		if (!n || l > avail - n)
			goto bad;
		p += n;
		avail -= n;
		if (t == 1) {
			dec->ev.u.heartbeat.file = arena_memdup_nul(
				&dec->scratch, p, (size_t)l);
		} else if (t == 2) {
			if (!rd_lenenc(p, (size_t)l, &v))
				goto bad;
			dec->ev.u.heartbeat.pos = v;
		}
		p += l;
		avail -= (size_t)l;
	}
	return 1;
bad:
	strbuf_addstr(err, "malformed HEARTBEAT_V2 event");
	return -1;
}

static int word_is(const char *sql, size_t len, const char *w)
{
	size_t n = strlen(w);

	while (len && isspace((unsigned char)*sql)) {
		sql++;
		len--;
	}
	while (len && (isspace((unsigned char)sql[len - 1]) ||
		       sql[len - 1] == ';'))
		len--;
	return len == n && !strncasecmp(sql, w, n);
}

static int starts_with_words(const char *sql, size_t len, const char *w)
{
	size_t n = strlen(w);

	while (len && isspace((unsigned char)*sql)) {
		sql++;
		len--;
	}
	return len >= n && !strncasecmp(sql, w, n);
}

static void make_begin(struct binlog_decoder *dec)
{
	memset(&dec->ev.u.begin, 0, sizeof(dec->ev.u.begin));
	dec->ev.kind = BINLOG_EVENT_BEGIN;
}

static void make_commit(struct binlog_decoder *dec)
{
	memset(&dec->ev.u.commit, 0, sizeof(dec->ev.u.commit));
	dec->ev.kind = BINLOG_EVENT_COMMIT;
	transaction_complete(dec);
}

static int decode_query(struct binlog_decoder *dec, const unsigned char *ev,
			size_t len, struct strbuf *err)
{
	unsigned int ph = post_header_len(dec, ev[4]);
	const unsigned char *b = ev + EV_HEADER_LEN;
	size_t blen = len - EV_HEADER_LEN, off, db_len, sv_len;
	const char *sql;
	size_t sql_len;

	if (ph < 13 || blen < ph) {
		strbuf_addstr(err, "QUERY event too short");
		return -1;
	}
	db_len = b[8];
	sv_len = rd_u16(b + 11);
	off = ph + sv_len;
	if (off > blen || db_len + 1 > blen - off) {
		strbuf_addstr(err, "QUERY event: database name out of range");
		return -1;
	}
	if (ev[4] == EV_MARIA_QUERY_COMPRESSED) {
		if (binlog_maria_uncompress(b + off + db_len + 1,
					    blen - off - db_len - 1,
					    dec->opts.max_event_bytes,
					    &dec->zbuf, err) < 0)
			return -1;
		sql = dec->zbuf.buf;
		sql_len = dec->zbuf.len;
	} else {
		sql = (const char *)b + off + db_len + 1;
		sql_len = blen - off - db_len - 1;
	}

	if (word_is(sql, sql_len, "BEGIN") ||
	    starts_with_words(sql, sql_len, "XA START")) {
		int was = dec->trx;

		dec->trx = TRX_OPEN;
		if (was != TRX_NONE)
			return 0; /* the GTID event already said BEGIN */
		make_begin(dec);
		return 1;
	}
	if (word_is(sql, sql_len, "COMMIT")) {
		make_commit(dec);
		return 1;
	}
	if (word_is(sql, sql_len, "ROLLBACK")) {
		make_commit(dec);
		dec->ev.u.commit.rollback = 1;
		return 1;
	}
	dec->ev.kind = BINLOG_EVENT_QUERY;
	dec->ev.u.query.db =
		arena_memdup_nul(&dec->scratch, b + off, db_len);
	dec->ev.u.query.sql = arena_memdup_nul(&dec->scratch, sql, sql_len);
	dec->ev.u.query.sql_len = sql_len;
	dec->ev.u.query.thread_id = rd_u32(b);
	dec->ev.u.query.error_code = (uint16_t)rd_u16(b + 9);
	/* a statement outside BEGIN ... COMMIT commits itself (DDL) */
	if (dec->trx != TRX_OPEN)
		dec->queued_commit = 1;
	return 1;
}

static int decode_gtid(struct binlog_decoder *dec, const unsigned char *ev,
		       size_t len, struct strbuf *err)
{
	const unsigned char *b = ev + EV_HEADER_LEN;
	size_t blen = len - EV_HEADER_LEN;
	unsigned int type = ev[4];

	make_begin(dec);
	if (type == EV_MARIA_GTID) {
		if (blen < 13) {
			strbuf_addstr(err, "GTID event too short");
			return -1;
		}
		dec->ev.u.begin.has_gtid = 1;
		dec->ev.u.begin.mariadb = 1;
		dec->ev.u.begin.seq_no = rd_u64(b);
		dec->ev.u.begin.domain_id = rd_u32(b + 8);
		dec->ev.u.begin.gtid_flags = b[12];
		dec->trx = (b[12] & 0x01) ? TRX_STANDALONE : TRX_OPEN;
		return 1;
	}
	if (type == EV_GTID || type == EV_ANONYMOUS_GTID) {
		if (blen < 25) {
			strbuf_addstr(err, "GTID event too short");
			return -1;
		}
		dec->ev.u.begin.has_gtid = type == EV_GTID;
		dec->ev.u.begin.gtid_flags = b[0];
		memcpy(dec->ev.u.begin.sid, b + 1, 16);
		dec->ev.u.begin.seq_no = rd_u64(b + 17);
	}
	/* GTID_TAGGED (42) uses MySQL's new serialization: not decoded */
	dec->trx = TRX_GTID;
	return 1;
}

/* ---- TABLE_MAP ------------------------------------------------------------ */

static int is_numeric_for_signedness(unsigned int t)
{
	return is_int_type(t) || t == BINLOG_TYPE_YEAR ||
	       t == BINLOG_TYPE_FLOAT || t == BINLOG_TYPE_DOUBLE ||
	       t == BINLOG_TYPE_DECIMAL || t == BINLOG_TYPE_NEWDECIMAL;
}

static int is_enum_or_set(const struct binlog_column *c)
{
	return c->real_type == BINLOG_TYPE_ENUM ||
	       c->real_type == BINLOG_TYPE_SET;
}

/* Parse one column's metadata from the metadata block. */
static int parse_column_meta(struct binlog_column *c, const unsigned char *m,
			     size_t avail, size_t *used, struct strbuf *err)
{
	size_t n = 0;

	c->real_type = c->type;
	c->collation = -1;
	c->visible = 1;
	switch (c->type) {
	case BINLOG_TYPE_FLOAT:
	case BINLOG_TYPE_DOUBLE:
	case BINLOG_TYPE_TINY_BLOB:
	case BINLOG_TYPE_MEDIUM_BLOB:
	case BINLOG_TYPE_LONG_BLOB:
	case BINLOG_TYPE_BLOB:
	case BINLOG_TYPE_GEOMETRY:
	case BINLOG_TYPE_JSON:
	case BINLOG_TYPE_VECTOR:
	case BINLOG_TYPE_TIMESTAMP2:
	case BINLOG_TYPE_DATETIME2:
	case BINLOG_TYPE_TIME2:
		n = 1;
		if (avail < n)
			goto short_meta;
		c->meta = m[0];
		if (c->type == BINLOG_TYPE_TIMESTAMP2 ||
		    c->type == BINLOG_TYPE_DATETIME2 ||
		    c->type == BINLOG_TYPE_TIME2) {
			if (m[0] > 6) {
				strbuf_addf(err, "fractional precision %u is "
					    "over 6", m[0]);
				return -1;
			}
			c->fsp = m[0];
		}
		break;
	case BINLOG_TYPE_VARCHAR:
	case BINLOG_TYPE_VAR_STRING:
		n = 2;
		if (avail < n)
			goto short_meta;
		c->meta = (uint16_t)rd_u16(m);
		c->max_len = c->meta;
		break;
	case BINLOG_TYPE_BIT:
		n = 2;
		if (avail < n)
			goto short_meta;
		c->meta = (uint16_t)(m[0] | m[1] << 8);
		break;
	case BINLOG_TYPE_NEWDECIMAL:
		n = 2;
		if (avail < n)
			goto short_meta;
		c->meta = (uint16_t)(m[0] << 8 | m[1]);
		break;
	case BINLOG_TYPE_STRING:
	case BINLOG_TYPE_ENUM:
	case BINLOG_TYPE_SET: {
		unsigned int b0, b1;

		n = 2;
		if (avail < n)
			goto short_meta;
		b0 = m[0];
		b1 = m[1];
		c->meta = (uint16_t)(b0 << 8 | b1);
		/* the "real type" trick of Field_string::save_field_metadata */
		if ((b0 & 0x30) != 0x30) {
			c->real_type = (uint8_t)(b0 | 0x30);
			c->max_len = (((b0 & 0x30) ^ 0x30) << 4) | b1;
		} else {
			c->real_type = (uint8_t)b0;
			c->max_len = b1;
		}
		if (c->real_type != BINLOG_TYPE_STRING &&
		    c->real_type != BINLOG_TYPE_ENUM &&
		    c->real_type != BINLOG_TYPE_SET) {
			strbuf_addf(err, "unknown real type %u of a string "
				    "column", c->real_type);
			return -1;
		}
		break;
	}
	default:
		break;
	}
	*used = n;
	return 0;
short_meta:
	strbuf_addstr(err, "TABLE_MAP metadata block too short");
	return -1;
}

/* Column indexes (in table order) of the columns an opt-meta list covers. */
static int next_col(const struct table_entry *te, unsigned int *i,
		    int (*pred)(const struct binlog_column *))
{
	while (*i < te->t.ncols) {
		if (pred(&te->cols[*i]))
			return 1;
		(*i)++;
	}
	return 0;
}

static int pred_numeric(const struct binlog_column *c)
{
	return is_numeric_for_signedness(c->real_type);
}

static int pred_character(const struct binlog_column *c)
{
	return is_character_col(c);
}

static int pred_enum_set(const struct binlog_column *c)
{
	return is_enum_or_set(c);
}

static int pred_enum(const struct binlog_column *c)
{
	return c->real_type == BINLOG_TYPE_ENUM;
}

static int pred_set(const struct binlog_column *c)
{
	return c->real_type == BINLOG_TYPE_SET;
}

static int pred_geometry(const struct binlog_column *c)
{
	return c->real_type == BINLOG_TYPE_GEOMETRY;
}

static int pred_vector(const struct binlog_column *c)
{
	return c->real_type == BINLOG_TYPE_VECTOR;
}

static void set_collation(struct binlog_column *c, uint64_t coll)
{
	c->collation = coll > INT_MAX ? -1 : (int)coll;
	c->is_binary = coll == 63;
}

/* DEFAULT_CHARSET (2) and ENUM_AND_SET_DEFAULT_CHARSET (10). */
static int parse_default_charset(struct table_entry *te,
				 const unsigned char *p, size_t len,
				 int (*pred)(const struct binlog_column *))
{
	uint64_t def, idx, coll;
	size_t n = rd_lenenc(p, len, &def);
	unsigned int i = 0, k = 0;

	if (!n)
		return -1;
	p += n;
	len -= n;
	while (next_col(te, &i, pred)) {
		set_collation(&te->cols[i], def);
		i++;
	}
	while (len) {
		n = rd_lenenc(p, len, &idx);
		if (!n)
			return -1;
		p += n;
		len -= n;
		n = rd_lenenc(p, len, &coll);
		if (!n)
			return -1;
		p += n;
		len -= n;
		/* idx counts only the columns pred covers */
		for (i = 0, k = 0; next_col(te, &i, pred); i++, k++) {
			if (k == idx) {
				set_collation(&te->cols[i], coll);
				break;
			}
		}
	}
	return 0;
}

/* COLUMN_CHARSET (3), ENUM_AND_SET_COLUMN_CHARSET (11), GEOMETRY_TYPE (7),
 * VECTOR_DIMENSIONALITY (13): one lenenc per covered column. */
static int parse_per_column(struct table_entry *te, const unsigned char *p,
			    size_t len, unsigned int kind,
			    int (*pred)(const struct binlog_column *))
{
	unsigned int i = 0;

	while (len && next_col(te, &i, pred)) {
		uint64_t v;
		size_t n = rd_lenenc(p, len, &v);

		if (!n)
			return -1;
		p += n;
		len -= n;
		if (kind == 7)
			te->cols[i].geometry_type = (uint8_t)v;
		else if (kind == 13)
			te->cols[i].vector_dim = (uint32_t)v;
		else
			set_collation(&te->cols[i], v);
		i++;
	}
	return 0;
}

static int parse_names(struct table_entry *te, const unsigned char *p,
		       size_t len)
{
	unsigned int i;

	for (i = 0; i < te->t.ncols && len; i++) {
		uint64_t l;
		size_t n = rd_lenenc(p, len, &l);

		if (!n || l > len - n)
			return -1;
		te->cols[i].name = arena_memdup_nul(&te->mem, p + n, (size_t)l);
		p += n + l;
		len -= n + (size_t)l;
	}
	return 0;
}

static int parse_strvals(struct table_entry *te, const unsigned char *p,
			 size_t len, int (*pred)(const struct binlog_column *))
{
	unsigned int i = 0;

	while (len && next_col(te, &i, pred)) {
		uint64_t count, l, k;
		size_t n = rd_lenenc(p, len, &count);
		struct binlog_bytes *vals;

		if (!n || count > len)
			return -1;
		p += n;
		len -= n;
		vals = arena_alloc(&te->mem, st_mult((size_t)count + 1,
						     sizeof(*vals)));
		for (k = 0; k < count; k++) {
			n = rd_lenenc(p, len, &l);
			if (!n || l > len - n)
				return -1;
			vals[k].ptr = arena_memdup_nul(&te->mem, p + n,
						       (size_t)l);
			vals[k].len = (size_t)l;
			p += n + l;
			len -= n + (size_t)l;
		}
		te->cols[i].strvals = vals;
		te->cols[i].n_strvals = (unsigned int)count;
		i++;
	}
	return 0;
}

static int parse_optional_metadata(struct table_entry *te,
				   const unsigned char *p, size_t len,
				   struct strbuf *err)
{
	while (len) {
		unsigned int type = p[0];
		uint64_t l;
		size_t n = rd_lenenc(p + 1, len - 1, &l);
		const unsigned char *v;
		unsigned int i, k;
		int rc = 0;

		if (!n || l > len - 1 - n)
			goto bad;
		v = p + 1 + n;
		switch (type) {
		case 1: /* SIGNEDNESS: MSB first, over numeric columns */
			for (i = 0, k = 0; next_col(te, &i, pred_numeric);
			     i++, k++) {
				if (k / 8 >= l) {
					rc = -1;
					break;
				}
				te->cols[i].is_unsigned =
					(v[k / 8] >> (7 - k % 8)) & 1;
				te->cols[i].signedness_known = 1;
			}
			break;
		case 2:
			rc = parse_default_charset(te, v, (size_t)l,
						   pred_character);
			break;
		case 3:
			rc = parse_per_column(te, v, (size_t)l, 3,
					      pred_character);
			break;
		case 4:
			rc = parse_names(te, v, (size_t)l);
			break;
		case 5:
			rc = parse_strvals(te, v, (size_t)l, pred_set);
			break;
		case 6:
			rc = parse_strvals(te, v, (size_t)l, pred_enum);
			break;
		case 7:
			rc = parse_per_column(te, v, (size_t)l, 7,
					      pred_geometry);
			break;
		case 8: { /* SIMPLE_PRIMARY_KEY */
			const unsigned char *q = v;
			size_t left = (size_t)l;

			while (left) {
				uint64_t idx;
				size_t m = rd_lenenc(q, left, &idx);

				if (!m) {
					rc = -1;
					break;
				}
				if (idx < te->t.ncols)
					te->cols[idx].in_pk = 1;
				q += m;
				left -= m;
			}
			break;
		}
		case 9: { /* PRIMARY_KEY_WITH_PREFIX */
			const unsigned char *q = v;
			size_t left = (size_t)l;

			while (left) {
				uint64_t idx, pre;
				size_t m = rd_lenenc(q, left, &idx), m2;

				if (!m) {
					rc = -1;
					break;
				}
				m2 = rd_lenenc(q + m, left - m, &pre);
				if (!m2) {
					rc = -1;
					break;
				}
				if (idx < te->t.ncols) {
					te->cols[idx].in_pk = 1;
					te->cols[idx].pk_prefix =
						(uint32_t)pre;
				}
				q += m + m2;
				left -= m + m2;
			}
			break;
		}
		case 10:
			rc = parse_default_charset(te, v, (size_t)l,
						   pred_enum_set);
			break;
		case 11:
			rc = parse_per_column(te, v, (size_t)l, 11,
					      pred_enum_set);
			break;
		case 12: /* COLUMN_VISIBILITY: MSB first, every column */
			for (i = 0; i < te->t.ncols; i++) {
				if (i / 8 >= l) {
					rc = -1;
					break;
				}
				te->cols[i].visible = (v[i / 8] >> (7 - i % 8)) & 1;
			}
			break;
		case 13:
			rc = parse_per_column(te, v, (size_t)l, 13,
					      pred_vector);
			break;
		default:
			break; /* unknown: skipped by length */
		}
		if (rc < 0)
			goto bad;
		p = v + l;
		len -= 1 + n + (size_t)l;
	}
	return 0;
bad:
	strbuf_addf(err, "malformed optional metadata in the TABLE_MAP of "
		    "`%s`.`%s`", te->t.db, te->t.name);
	return -1;
}

static struct table_entry *find_table(struct binlog_decoder *dec,
				      uint64_t id, size_t *idx)
{
	size_t i;

	for (i = dec->ntables; i-- > 0;) {
		if (dec->tables[i]->t.table_id == id) {
			if (idx)
				*idx = i;
			return dec->tables[i];
		}
	}
	return NULL;
}

static int decode_table_map(struct binlog_decoder *dec,
			    const unsigned char *ev, size_t len,
			    struct strbuf *err)
{
	unsigned int ph = post_header_len(dec, EV_TABLE_MAP);
	const unsigned char *b = ev + EV_HEADER_LEN, *p, *end;
	size_t blen = len - EV_HEADER_LEN, n, used, idx;
	struct table_entry *te, *old;
	uint64_t ncols, meta_len;
	unsigned int i, dlen, tlen;

	if (ph != 6 && ph != 8) {
		strbuf_addf(err, "TABLE_MAP post-header of %u bytes", ph);
		return -1;
	}
	if (blen < ph + 4)
		goto short_ev;
	end = b + blen;
	te = xcalloc(1, sizeof(*te));
	te->t.table_id = ph == 6 ? rd_u32(b) : rd_u48(b);
	te->t.flags = (uint16_t)rd_u16(b + ph - 2);
	p = b + ph;
	dlen = p[0];
	if ((size_t)(end - p) < dlen + 3u)
		goto short_free;
	te->t.db = arena_memdup_nul(&te->mem, p + 1, dlen);
	p += 1 + dlen + 1;
	tlen = p[0];
	if ((size_t)(end - p) < tlen + 2u)
		goto short_free;
	te->t.name = arena_memdup_nul(&te->mem, p + 1, tlen);
	p += 1 + tlen + 1;
	n = rd_lenenc(p, (size_t)(end - p), &ncols);
	if (!n || ncols > MAX_COLUMNS || ncols > (size_t)(end - p) - n)
		goto short_free;
	p += n;
	te->t.ncols = (unsigned int)ncols;
	te->cols = arena_alloc(&te->mem, st_mult(ncols ? (size_t)ncols : 1,
						 sizeof(*te->cols)));
	te->extra = arena_alloc(&te->mem, st_mult(ncols ? (size_t)ncols : 1,
						  sizeof(*te->extra)));
	memset(te->cols, 0, sizeof(*te->cols) * (size_t)ncols);
	memset(te->extra, 0, sizeof(*te->extra) * (size_t)ncols);
	for (i = 0; i < ncols; i++)
		te->cols[i].type = p[i];
	p += ncols;
	n = rd_lenenc(p, (size_t)(end - p), &meta_len);
	if (!n || meta_len > (size_t)(end - p) - n)
		goto short_free;
	p += n;
	{
		const unsigned char *m = p;
		size_t left = (size_t)meta_len;

		for (i = 0; i < ncols; i++) {
			if (parse_column_meta(&te->cols[i], m, left, &used,
					      err) < 0)
				goto fail;
			m += used;
			left -= used;
		}
	}
	p += meta_len;
	if ((size_t)(end - p) < (ncols + 7) / 8)
		goto short_free;
	for (i = 0; i < ncols; i++)
		te->cols[i].nullable = (p[i / 8] >> (i % 8)) & 1;
	p += (ncols + 7) / 8;
	if (parse_optional_metadata(te, p, (size_t)(end - p), err) < 0)
		goto fail;

	/* a table id is reused: the newest map wins */
	old = find_table(dec, te->t.table_id, &idx);
	if (old) {
		table_free(old);
		dec->tables[idx] = te;
	} else {
		ALLOC_GROW(dec->tables, dec->ntables + 1, dec->tables_alloc);
		dec->tables[dec->ntables++] = te;
	}
	te->t.cols = te->cols;
	apply_schema(dec, te);
	dec->ev.kind = BINLOG_EVENT_TABLE_MAP;
	dec->ev.u.table_map = &te->t;
	return 1;
short_free:
	table_free(te);
short_ev:
	strbuf_addstr(err, "TABLE_MAP event truncated");
	return -1;
fail:
	table_free(te);
	return -1;
}

/* ---- rows ------------------------------------------------------------------ */

static int bit_set(const unsigned char *bm, unsigned int i)
{
	return (bm[i / 8] >> (i % 8)) & 1;
}

static unsigned int popcount_bits(const unsigned char *bm, unsigned int n)
{
	unsigned int i, c = 0;

	for (i = 0; i < n; i++)
		c += bit_set(bm, i);
	return c;
}

static int decode_image(struct binlog_decoder *dec,
			const struct table_entry *te,
			const unsigned char *present, unsigned int npresent,
			const unsigned char **pp, const unsigned char *end,
			struct binlog_value *out, struct strbuf *err)
{
	const unsigned char *p = *pp, *nulls;
	unsigned int i, k = 0, ncols = te->t.ncols;
	size_t nb = (npresent + 7) / 8;

	if ((size_t)(end - p) < nb) {
		strbuf_addstr(err, "row image truncated in its NULL bitmap");
		return -1;
	}
	nulls = p;
	p += nb;
	for (i = 0; i < ncols; i++) {
		const struct binlog_column *c = &te->cols[i];
		struct binlog_value *v = &out[i];
		size_t used;

		if (!bit_set(present, i)) {
			v->kind = BINLOG_VALUE_ABSENT;
			v->type = c->real_type;
			continue;
		}
		if (bit_set(nulls, k++)) {
			v->kind = BINLOG_VALUE_NULL;
			v->type = c->real_type;
			v->fsp = c->fsp;
			continue;
		}
		if (binlog_decode_value(c, &te->extra[i], p,
					(size_t)(end - p), v, &used,
					&dec->scratch, err) < 0) {
			strbuf_addf(err, " (column %u of `%s`.`%s`)", i + 1,
				    te->t.db, te->t.name);
			return -1;
		}
		p += used;
	}
	*pp = p;
	return 0;
}

static int decode_rows(struct binlog_decoder *dec, const unsigned char *ev,
		       size_t len, struct strbuf *err)
{
	unsigned int type = ev[4];
	unsigned int ph = post_header_len(dec, type);
	const unsigned char *b = ev + EV_HEADER_LEN, *p, *end;
	size_t blen = len - EV_HEADER_LEN, n, bmlen, nrows = 0;
	const unsigned char *present, *present_after = NULL;
	unsigned int np_before, np_after = 0, ncols_u;
	enum binlog_row_kind kind;
	struct table_entry *te;
	uint64_t table_id, ncols;
	uint16_t flags;
	int v2, compressed;

	switch (type) {
	case EV_WRITE_ROWS_V1:
	case EV_WRITE_ROWS:
	case EV_MARIA_WRITE_ROWS_COMPRESSED_V1:
	case EV_MARIA_WRITE_ROWS_COMPRESSED:
		kind = BINLOG_ROW_INSERT;
		break;
	case EV_UPDATE_ROWS_V1:
	case EV_UPDATE_ROWS:
	case EV_MARIA_UPDATE_ROWS_COMPRESSED_V1:
	case EV_MARIA_UPDATE_ROWS_COMPRESSED:
		kind = BINLOG_ROW_UPDATE;
		break;
	default:
		kind = BINLOG_ROW_DELETE;
		break;
	}
	v2 = (type >= EV_WRITE_ROWS && type <= EV_DELETE_ROWS) ||
	     type >= EV_MARIA_WRITE_ROWS_COMPRESSED;
	compressed = type >= EV_MARIA_WRITE_ROWS_COMPRESSED_V1;

	if (ph != 6 && ph != 8 && ph != 10) {
		strbuf_addf(err, "rows event post-header of %u bytes", ph);
		return -1;
	}
	if (blen < ph)
		goto short_ev;
	end = b + blen;
	table_id = ph == 6 ? rd_u32(b) : rd_u48(b);
	flags = (uint16_t)rd_u16(b + (ph == 6 ? 4 : 6));
	if (flags & ROWS_FLAG_STMT_END)
		dec->clear_tables = 1;
	p = b + ph;
	if (v2 && ph == 10) {
		size_t extra = rd_u16(b + 8);

		if (extra < 2 || extra - 2 > (size_t)(end - p))
			goto short_ev;
		p += extra - 2;
	}
	n = rd_lenenc(p, (size_t)(end - p), &ncols);
	if (!n || ncols > MAX_COLUMNS)
		goto short_ev;
	p += n;
	bmlen = ((size_t)ncols + 7) / 8;
	if ((size_t)(end - p) < bmlen * (kind == BINLOG_ROW_UPDATE ? 2 : 1))
		goto short_ev;
	present = p;
	p += bmlen;
	if (kind == BINLOG_ROW_UPDATE) {
		present_after = p;
		p += bmlen;
	}

	te = find_table(dec, table_id, NULL);
	if (!te) {
		strbuf_addf(err, "rows event for table id %" PRIu64 " without "
			    "a TABLE_MAP (did the stream start inside a "
			    "transaction?)", table_id);
		return -1;
	}
	if (ncols != te->t.ncols) {
		strbuf_addf(err, "rows event on `%s`.`%s` has %" PRIu64
			    " columns, its TABLE_MAP %u", te->t.db,
			    te->t.name, ncols, te->t.ncols);
		return -1;
	}
	ncols_u = (unsigned int)ncols;
	if (dec->trx == TRX_NONE)
		dec->trx = TRX_OPEN;

	dec->ev.kind = BINLOG_EVENT_ROWS;
	dec->ev.u.rows.table = &te->t;
	dec->ev.u.rows.kind = kind;
	dec->ev.u.rows.flags = flags;
	dec->ev.u.rows.skipped = 0;
	dec->ev.u.rows.nrows = 0;
	dec->ev.u.rows.rows = NULL;

	np_before = popcount_bits(present, ncols_u);
	if (present_after)
		np_after = popcount_bits(present_after, ncols_u);
	if (!dec->opts.allow_partial_images &&
	    (np_before != ncols_u || (present_after && np_after != ncols_u))) {
		strbuf_addf(err, "the row image of `%s`.`%s` is partial: the "
			    "server does not log full rows; set "
			    "binlog_row_image=FULL", te->t.db, te->t.name);
		return -1;
	}

	/*
	 * A registered table whose schema no longer matches was altered:
	 * decoding it without the schema could give wrong values.
	 */
	if (!te->t.schema && te->schema_ncols) {
		strbuf_addf(err, "table `%s`.`%s` has %u columns in the binlog "
			    "but %u in its registered schema: it was altered; "
			    "load its schema again", te->t.db, te->t.name,
			    te->t.ncols, te->schema_ncols);
		return -1;
	}
	if (dec->opts.registered_only && !te->t.schema) {
		dec->ev.u.rows.skipped = 1;
		return 1;
	}

	if (compressed) {
		if (binlog_maria_uncompress(p, (size_t)(end - p),
					    dec->opts.max_event_bytes,
					    &dec->zbuf, err) < 0)
			return -1;
		p = (const unsigned char *)dec->zbuf.buf;
		end = p + dec->zbuf.len;
	}

	{
		size_t nvals = 0, per_row = (size_t)ncols_u *
					    (kind == BINLOG_ROW_UPDATE ? 2 : 1);
		size_t i;

		while (p < end) {
			size_t boff = SIZE_MAX, aoff = SIZE_MAX;
			const unsigned char *row_start = p;

			ALLOC_GROW(dec->vals, nvals + per_row + 1,
				   dec->vals_alloc);
			ALLOC_GROW(dec->row_offs, 2 * (nrows + 1),
				   dec->row_offs_alloc);
			if (kind != BINLOG_ROW_INSERT) {
				boff = nvals;
				if (decode_image(dec, te, present, np_before,
						 &p, end, dec->vals + nvals,
						 err) < 0)
					return -1;
				nvals += ncols_u;
			}
			if (kind != BINLOG_ROW_DELETE) {
				const unsigned char *pa =
					kind == BINLOG_ROW_UPDATE
						? present_after
						: present;

				aoff = nvals;
				if (decode_image(dec, te, pa,
						 kind == BINLOG_ROW_UPDATE
							 ? np_after
							 : np_before,
						 &p, end, dec->vals + nvals,
						 err) < 0)
					return -1;
				nvals += ncols_u;
			}
			dec->row_offs[2 * nrows] = boff;
			dec->row_offs[2 * nrows + 1] = aoff;
			nrows++;
			if (p == row_start) {
				/* no column present: nothing to consume */
				strbuf_addf(err, "rows event on `%s`.`%s` with "
					    "empty images", te->t.db,
					    te->t.name);
				return -1;
			}
		}
		ALLOC_GROW(dec->rows, nrows + 1, dec->rows_alloc);
		for (i = 0; i < nrows; i++) {
			size_t bo = dec->row_offs[2 * i];
			size_t ao = dec->row_offs[2 * i + 1];

			dec->rows[i].before =
				bo == SIZE_MAX ? NULL : dec->vals + bo;
			dec->rows[i].after =
				ao == SIZE_MAX ? NULL : dec->vals + ao;
		}
	}
	dec->ev.u.rows.nrows = nrows;
	dec->ev.u.rows.rows = dec->rows;
	return 1;
short_ev:
	strbuf_addf(err, "%s event truncated", binlog_event_type_name(type));
	return -1;
}

/* ---- MySQL transaction payload ------------------------------------------ */

static int start_payload(struct binlog_decoder *dec, const unsigned char *ev,
			 size_t len, struct strbuf *err)
{
	const unsigned char *p = ev + EV_HEADER_LEN;
	size_t avail = len - EV_HEADER_LEN;
	uint64_t ctype = 255, usize = 0, psize = 0;
	int have_psize = 0;

	while (avail) {
		uint64_t t, l, v = 0;
		size_t n = rd_lenenc(p, avail, &t);

		if (!n)
			goto bad;
		p += n;
		avail -= n;
		if (t == 0)
			break;
		n = rd_lenenc(p, avail, &l);
		if (!n || l > avail - n)
			goto bad;
		p += n;
		avail -= n;
		if (t <= 3 && !rd_lenenc(p, (size_t)l, &v))
			goto bad;
		if (t == 1) {
			psize = v;
			have_psize = 1;
		} else if (t == 2) {
			ctype = v;
		} else if (t == 3) {
			usize = v;
		}
		p += l;
		avail -= (size_t)l;
	}
	if (have_psize && psize != avail)
		goto bad;
	if (ctype == 255) {
		if (avail > dec->opts.max_event_bytes)
			goto bad;
		strbuf_reset(&dec->payload);
		strbuf_add(&dec->payload, p, avail);
	} else if (ctype == 0) {
#ifdef HAVE_ZSTD
		size_t got;

		if (usize > dec->opts.max_event_bytes) {
			strbuf_addf(err, "transaction payload of %" PRIu64
				    " bytes is over the limit", usize);
			return -1;
		}
		strbuf_reset(&dec->payload);
		strbuf_grow(&dec->payload, (size_t)usize);
		got = ZSTD_decompress(dec->payload.buf, (size_t)usize, p,
				      avail);
		if (ZSTD_isError(got) || got != usize) {
			strbuf_addf(err, "transaction payload: zstd: %s",
				    ZSTD_isError(got) ? ZSTD_getErrorName(got)
						      : "size mismatch");
			return -1;
		}
		strbuf_setlen(&dec->payload, (size_t)usize);
#else
		(void)usize;
		strbuf_addstr(err, "the binlog holds zstd-compressed "
			      "transactions (binlog_transaction_compression) "
			      "but osc was built without zstd; rebuild it "
			      "with libzstd installed");
		return -1;
#endif
	} else {
		strbuf_addf(err, "transaction payload compressed with unknown "
			    "algorithm %" PRIu64, ctype);
		return -1;
	}
	dec->payload_off = 0;
	dec->in_payload = 1;
	return 0;
bad:
	strbuf_addstr(err, "malformed TRANSACTION_PAYLOAD event");
	return -1;
}

/* ---- dispatch -------------------------------------------------------------- */

static int decode_event(struct binlog_decoder *dec, const unsigned char *ev,
			size_t len, int inner, struct strbuf *err)
{
	unsigned int type = ev[4];
	uint32_t log_pos = rd_u32(ev + 13);

	memset(&dec->ev, 0, offsetof(struct binlog_event, u));
	dec->ev.type = (uint8_t)type;
	dec->ev.timestamp = rd_u32(ev);
	dec->ev.server_id = rd_u32(ev + 5);
	dec->ev.flags = (uint16_t)rd_u16(ev + 17);
	/* heartbeats and artificial events do not move the position */
	if (!inner && log_pos && type != EV_HEARTBEAT &&
	    type != EV_HEARTBEAT_V2 &&
	    !(dec->ev.flags & EV_FLAG_ARTIFICIAL))
		dec->cur_pos = log_pos;
	set_pos(dec, &dec->ev.pos);

	switch (type) {
	case EV_FORMAT_DESCRIPTION:
		if (inner)
			goto nested;
		return decode_fde(dec, ev, len, err);
	case EV_ROTATE:
		return decode_rotate(dec, ev, len, err);
	case EV_HEARTBEAT:
	case EV_HEARTBEAT_V2:
		return decode_heartbeat(dec, ev, len, err);
	case EV_QUERY:
	case EV_MARIA_QUERY_COMPRESSED:
		return decode_query(dec, ev, len, err);
	case EV_XID:
		make_commit(dec);
		if (len >= EV_HEADER_LEN + 8)
			dec->ev.u.commit.xid = rd_u64(ev + EV_HEADER_LEN);
		return 1;
	case EV_XA_PREPARE:
		make_commit(dec);
		dec->ev.u.commit.xa_prepare = 1;
		return 1;
	case EV_GTID:
	case EV_ANONYMOUS_GTID:
	case EV_GTID_TAGGED:
	case EV_MARIA_GTID:
		return decode_gtid(dec, ev, len, err);
	case EV_TABLE_MAP:
		return decode_table_map(dec, ev, len, err);
	case EV_WRITE_ROWS_V1:
	case EV_UPDATE_ROWS_V1:
	case EV_DELETE_ROWS_V1:
	case EV_WRITE_ROWS:
	case EV_UPDATE_ROWS:
	case EV_DELETE_ROWS:
	case EV_MARIA_WRITE_ROWS_COMPRESSED_V1:
	case EV_MARIA_UPDATE_ROWS_COMPRESSED_V1:
	case EV_MARIA_DELETE_ROWS_COMPRESSED_V1:
	case EV_MARIA_WRITE_ROWS_COMPRESSED:
	case EV_MARIA_UPDATE_ROWS_COMPRESSED:
	case EV_MARIA_DELETE_ROWS_COMPRESSED:
		return decode_rows(dec, ev, len, err);
	case EV_PARTIAL_UPDATE_ROWS:
		if (len >= EV_HEADER_LEN + 8 &&
		    rd_u16(ev + EV_HEADER_LEN + 6) & ROWS_FLAG_STMT_END)
			dec->clear_tables = 1;
		strbuf_addstr(err, "the binlog holds a PARTIAL_UPDATE_ROWS "
			      "event (JSON diffs), which osc cannot replay; "
			      "set binlog_row_value_options='' on the server");
		return -1;
	case EV_TRANSACTION_PAYLOAD:
		if (inner)
			goto nested;
		if (start_payload(dec, ev, len, err) < 0)
			return -1;
		return 0;
	case EV_MARIA_ANNOTATE_ROWS:
		dec->ev.kind = BINLOG_EVENT_ANNOTATE;
		dec->ev.u.annotate.sql = arena_memdup_nul(
			&dec->scratch, ev + EV_HEADER_LEN, len - EV_HEADER_LEN);
		dec->ev.u.annotate.sql_len = len - EV_HEADER_LEN;
		return 1;
	case EV_ROWS_QUERY:
		dec->ev.kind = BINLOG_EVENT_ANNOTATE;
		if (len > EV_HEADER_LEN) {
			dec->ev.u.annotate.sql = arena_memdup_nul(
				&dec->scratch, ev + EV_HEADER_LEN + 1,
				len - EV_HEADER_LEN - 1);
			dec->ev.u.annotate.sql_len = len - EV_HEADER_LEN - 1;
		} else {
			dec->ev.u.annotate.sql = "";
		}
		return 1;
	default:
		dec->ev.kind = BINLOG_EVENT_OTHER;
		return 1;
	}
nested:
	strbuf_addf(err, "%s event inside a transaction payload",
		    binlog_event_type_name(type));
	return -1;
}

int binlog_decoder_next(struct binlog_decoder *dec,
			const struct binlog_event **out, struct strbuf *err)
{
	arena_reset(&dec->scratch);
	if (dec->clear_tables)
		clear_tables(dec);
	/* give back what one huge event needed */
	if (dec->zbuf.alloc > BUFFER_KEEP_MAX)
		strbuf_release(&dec->zbuf);
	if (!dec->in_payload && dec->payload.alloc > BUFFER_KEEP_MAX)
		strbuf_release(&dec->payload);
	for (;;) {
		int rc;

		if (dec->queued_commit) {
			dec->queued_commit = 0;
			memset(&dec->ev, 0, offsetof(struct binlog_event, u));
			dec->ev.type = 0;
			make_commit(dec);
			dec->ev.u.commit.implicit = 1;
			set_pos(dec, &dec->ev.pos);
			*out = &dec->ev;
			return 1;
		}
		if (dec->in_payload) {
			const unsigned char *ev;
			size_t left = dec->payload.len - dec->payload_off;
			uint32_t elen;

			if (!left) {
				dec->in_payload = 0;
				continue;
			}
			ev = (const unsigned char *)dec->payload.buf +
			     dec->payload_off;
			if (left < EV_HEADER_LEN ||
			    (elen = rd_u32(ev + 9)) < EV_HEADER_LEN ||
			    elen > left) {
				dec->in_payload = 0;
				strbuf_addstr(err, "malformed event inside a "
					      "transaction payload");
				return -1;
			}
			dec->payload_off += elen;
			rc = decode_event(dec, ev, elen, 1, err);
		} else if (dec->pending) {
			const unsigned char *ev = dec->pending;

			dec->pending = NULL;
			rc = decode_event(dec, ev, dec->pending_len, 0, err);
		} else {
			return 0;
		}
		if (rc < 0)
			return -1;
		if (rc > 0) {
			*out = &dec->ev;
			return 1;
		}
	}
}

const char *binlog_event_type_name(unsigned int type)
{
	switch (type) {
	case EV_START_V3: return "START_V3";
	case EV_QUERY: return "QUERY";
	case EV_STOP: return "STOP";
	case EV_ROTATE: return "ROTATE";
	case EV_INTVAR: return "INTVAR";
	case EV_RAND: return "RAND";
	case EV_USER_VAR: return "USER_VAR";
	case EV_FORMAT_DESCRIPTION: return "FORMAT_DESCRIPTION";
	case EV_XID: return "XID";
	case EV_BEGIN_LOAD_QUERY: return "BEGIN_LOAD_QUERY";
	case EV_EXECUTE_LOAD_QUERY: return "EXECUTE_LOAD_QUERY";
	case EV_TABLE_MAP: return "TABLE_MAP";
	case EV_WRITE_ROWS_V1: return "WRITE_ROWS_V1";
	case EV_UPDATE_ROWS_V1: return "UPDATE_ROWS_V1";
	case EV_DELETE_ROWS_V1: return "DELETE_ROWS_V1";
	case EV_INCIDENT: return "INCIDENT";
	case EV_HEARTBEAT: return "HEARTBEAT";
	case EV_IGNORABLE: return "IGNORABLE";
	case EV_ROWS_QUERY: return "ROWS_QUERY";
	case EV_WRITE_ROWS: return "WRITE_ROWS";
	case EV_UPDATE_ROWS: return "UPDATE_ROWS";
	case EV_DELETE_ROWS: return "DELETE_ROWS";
	case EV_GTID: return "GTID";
	case EV_ANONYMOUS_GTID: return "ANONYMOUS_GTID";
	case EV_PREVIOUS_GTIDS: return "PREVIOUS_GTIDS";
	case EV_TRANSACTION_CONTEXT: return "TRANSACTION_CONTEXT";
	case EV_VIEW_CHANGE: return "VIEW_CHANGE";
	case EV_XA_PREPARE: return "XA_PREPARE";
	case EV_PARTIAL_UPDATE_ROWS: return "PARTIAL_UPDATE_ROWS";
	case EV_TRANSACTION_PAYLOAD: return "TRANSACTION_PAYLOAD";
	case EV_HEARTBEAT_V2: return "HEARTBEAT_V2";
	case EV_GTID_TAGGED: return "GTID_TAGGED";
	case EV_MARIA_ANNOTATE_ROWS: return "ANNOTATE_ROWS";
	case EV_MARIA_BINLOG_CHECKPOINT: return "BINLOG_CHECKPOINT";
	case EV_MARIA_GTID: return "MARIADB_GTID";
	case EV_MARIA_GTID_LIST: return "GTID_LIST";
	case EV_MARIA_START_ENCRYPTION: return "START_ENCRYPTION";
	case EV_MARIA_QUERY_COMPRESSED: return "QUERY_COMPRESSED";
	case EV_MARIA_WRITE_ROWS_COMPRESSED_V1: return "WRITE_ROWS_COMPRESSED_V1";
	case EV_MARIA_UPDATE_ROWS_COMPRESSED_V1: return "UPDATE_ROWS_COMPRESSED_V1";
	case EV_MARIA_DELETE_ROWS_COMPRESSED_V1: return "DELETE_ROWS_COMPRESSED_V1";
	case EV_MARIA_WRITE_ROWS_COMPRESSED: return "WRITE_ROWS_COMPRESSED";
	case EV_MARIA_UPDATE_ROWS_COMPRESSED: return "UPDATE_ROWS_COMPRESSED";
	case EV_MARIA_DELETE_ROWS_COMPRESSED: return "DELETE_ROWS_COMPRESSED";
	}
	return "UNKNOWN";
}
