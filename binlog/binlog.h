/*
 * binlog.h: reading the server's binary log as a replica does, and
 * decoding its row events into values the applier can write back exactly.
 *
 * Two layers:
 *
 *  - The decoder (struct binlog_decoder) is pure: it takes raw events
 *    (the bytes of one event, common header first, checksum last) and
 *    turns them into decoded records (struct binlog_event). It never
 *    prints, exits or queries. It verifies each event's CRC32 when the
 *    format description event says the server writes one, keeps the
 *    TABLE_MAPs of the current statement, and tracks the position of the
 *    last complete transaction.
 *
 *  - The stream (struct binlog_stream) owns a connection of its own,
 *    registers as a replica with a server id of its own, asks for the
 *    binlog from a file and position, and feeds what arrives to a decoder.
 *    It reconnects after a lost connection and resumes from the last
 *    complete transaction.
 *
 * binlog_file_* read a binlog file from disk into the same decoder, for
 * tests and tools.
 *
 * Lifetimes. Everything a decoded event points at (strings, tables, row
 * images, values) belongs to the decoder and stays valid until the next
 * call of binlog_decoder_next(), binlog_decoder_feed(), binlog_stream_next()
 * or the corresponding _free(), whichever comes first. Copy what you keep.
 * The raw bytes given to binlog_decoder_feed() must stay unchanged until
 * the events decoded from them have been consumed (the next feed).
 *
 * Errors. Every function that can fail returns -1 and appends one complete
 * line (git style: lowercase, no final period, with the fix when there is
 * one) to `err`. A decoding error drops the event it was about; the decoder
 * stays usable, but a caller that replays changes must stop, because it has
 * lost a change. Stream errors are final unless the stream says it has
 * reconnected (BINLOG_EVENT_RECONNECT).
 *
 * Row images are arrays indexed by column ordinal (0-based, the table's
 * column order at the time the event was written, as in the TABLE_MAP).
 * Signedness, binary-ness and the precision of MariaDB's old-format
 * temporal columns are not always in the binlog (MariaDB's default
 * binlog_row_metadata=NO_LOG carries none of them): register each table
 * you care about with binlog_decoder_set_schema() (information_schema
 * .COLUMNS; binlog_load_schema() does it over a connection) before its
 * events arrive, and again after any DDL on it.
 */
#ifndef OSC_BINLOG_BINLOG_H
#define OSC_BINLOG_BINLOG_H

#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

struct db;
struct db_options;

/* ---- positions ------------------------------------------------------ */

#define BINLOG_FILE_MAX 512

/* A binlog coordinate: the file and the byte offset of the next event. */
struct binlog_pos {
	char file[BINLOG_FILE_MAX];
	uint64_t pos;
};

/*
 * Order of two binlog file names: by the number after the last '.' when
 * both have one and share the base name (bin.999999 < bin.1000000), as
 * strings otherwise. <0, 0, >0 like strcmp. Pure.
 */
int binlog_file_cmp(const char *a, const char *b);

/* Order of two positions: the file (binlog_file_cmp), then the offset. */
int binlog_pos_cmp(const struct binlog_pos *a, const struct binlog_pos *b);

/*
 * The statement that reads the server's current position, from its
 * version string (db_server_version()): SHOW BINARY LOG STATUS on MySQL
 * 8.2 and later (8.4 removed the old name), SHOW MASTER STATUS elsewhere
 * (MariaDB, MySQL 8.0/8.1). Pure.
 */
const char *binlog_position_sql(const char *server_version);

/*
 * Read the server's current position (the end of its binary log) over
 * `db`: the one place osc asks for it (the start of the stream, the
 * catch-up rounds, the cut-over under the lock). Returns 0, or -1 with a
 * line in err (no binary log: the statement returns no row).
 */
int binlog_server_position(struct db *db, struct binlog_pos *pos,
			   struct strbuf *err);

/* ---- column types (the server's enum_field_types codes) -------------- */

enum binlog_type {
	BINLOG_TYPE_DECIMAL = 0,
	BINLOG_TYPE_TINY = 1,
	BINLOG_TYPE_SHORT = 2,
	BINLOG_TYPE_LONG = 3,
	BINLOG_TYPE_FLOAT = 4,
	BINLOG_TYPE_DOUBLE = 5,
	BINLOG_TYPE_NULL = 6,
	BINLOG_TYPE_TIMESTAMP = 7,
	BINLOG_TYPE_LONGLONG = 8,
	BINLOG_TYPE_INT24 = 9,
	BINLOG_TYPE_DATE = 10,
	BINLOG_TYPE_TIME = 11,
	BINLOG_TYPE_DATETIME = 12,
	BINLOG_TYPE_YEAR = 13,
	BINLOG_TYPE_NEWDATE = 14,
	BINLOG_TYPE_VARCHAR = 15,
	BINLOG_TYPE_BIT = 16,
	BINLOG_TYPE_TIMESTAMP2 = 17,
	BINLOG_TYPE_DATETIME2 = 18,
	BINLOG_TYPE_TIME2 = 19,
	BINLOG_TYPE_VECTOR = 242,
	BINLOG_TYPE_JSON = 245,
	BINLOG_TYPE_NEWDECIMAL = 246,
	BINLOG_TYPE_ENUM = 247,
	BINLOG_TYPE_SET = 248,
	BINLOG_TYPE_TINY_BLOB = 249,
	BINLOG_TYPE_MEDIUM_BLOB = 250,
	BINLOG_TYPE_LONG_BLOB = 251,
	BINLOG_TYPE_BLOB = 252,
	BINLOG_TYPE_VAR_STRING = 253,
	BINLOG_TYPE_STRING = 254,
	BINLOG_TYPE_GEOMETRY = 255,
};

/* ---- what the caller knows about a table (information_schema) -------- */

/*
 * One column, as information_schema.COLUMNS describes it. Strings are
 * copied by binlog_decoder_set_schema(); NULL means unknown.
 */
struct binlog_column_schema {
	const char *name;		/* COLUMN_NAME */
	const char *column_type;	/* COLUMN_TYPE: "int(10) unsigned" */
	const char *charset;		/* CHARACTER_SET_NAME ("binary") */
	const char *collation;		/* COLLATION_NAME */
	int is_unsigned;		/* COLUMN_TYPE says unsigned */
	int is_binary;			/* charset binary (BINARY, VARBINARY, BLOB) */
	int datetime_precision;		/* DATETIME_PRECISION, -1 when NULL */
};

struct binlog_table_schema {
	unsigned int ncols;
	const struct binlog_column_schema *cols;	/* by ordinal */
};

/*
 * Fill a column schema from information_schema text: sets is_unsigned
 * from column_type and is_binary from charset/column_type. The strings are
 * borrowed (not copied). datetime_precision may be NULL.
 */
void binlog_column_schema_fill(struct binlog_column_schema *col,
			       const char *name, const char *column_type,
			       const char *charset, const char *collation,
			       const char *datetime_precision);

/* ---- decoded tables and values --------------------------------------- */

struct binlog_bytes {
	const char *ptr;
	size_t len;
};

/* One column of a TABLE_MAP, with what the optional metadata said. */
struct binlog_column {
	uint8_t type;		/* as in the TABLE_MAP (enum binlog_type) */
	uint8_t real_type;	/* STRING resolved to STRING, ENUM or SET */
	uint16_t meta;		/* the raw per-type metadata */
	uint32_t max_len;	/* strings: the declared maximum in bytes */
	uint8_t fsp;		/* temporal fractional digits (0..6) */
	uint8_t nullable;
	uint8_t is_unsigned;	/* from SIGNEDNESS metadata, else the schema */
	uint8_t signedness_known;
	uint8_t is_binary;	/* collation 63, else the schema */
	uint8_t visible;	/* 0 only when COLUMN_VISIBILITY says so */
	uint8_t in_pk;		/* SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX */
	uint8_t geometry_type;	/* GEOMETRY_TYPE metadata, 0 unknown */
	int collation;		/* collation id, -1 unknown */
	uint32_t pk_prefix;	/* PRIMARY_KEY_WITH_PREFIX length, 0 full */
	uint32_t vector_dim;	/* VECTOR_DIMENSIONALITY, 0 unknown */
	const char *name;	/* COLUMN_NAME metadata, else schema, or NULL */
	unsigned int n_strvals;	/* ENUM/SET_STR_VALUE: the member names */
	const struct binlog_bytes *strvals;
};

struct binlog_table {
	uint64_t table_id;	/* the server's id, valid for this statement */
	const char *db;		/* NUL-terminated */
	const char *name;
	uint16_t flags;
	unsigned int ncols;
	const struct binlog_column *cols;
	/* the registered schema for db.name, or NULL */
	const struct binlog_table_schema *schema;
};

enum binlog_value_kind {
	BINLOG_VALUE_ABSENT = 0, /* not in this image (MINIMAL/NOBLOB) */
	BINLOG_VALUE_NULL,
	BINLOG_VALUE_INT,	/* v.i: a signed integer column */
	BINLOG_VALUE_UINT,	/* v.u: an unsigned integer column */
	BINLOG_VALUE_FLOAT,	/* v.f */
	BINLOG_VALUE_DOUBLE,	/* v.d */
	BINLOG_VALUE_DECIMAL,	/* str: the exact text, "-12.340" */
	BINLOG_VALUE_YEAR,	/* v.u: 0 (the zero year) or 1901..2155 */
	BINLOG_VALUE_DATE,	/* v.tm (zero dates allowed) */
	BINLOG_VALUE_TIME,	/* v.tm: neg, hour up to 838, usec */
	BINLOG_VALUE_DATETIME,	/* v.tm: wall clock, not converted */
	BINLOG_VALUE_TIMESTAMP, /* v.ts: UTC; sec 0 usec 0 = zero timestamp */
	BINLOG_VALUE_STRING,	/* str: CHAR, VARCHAR, BINARY, VARBINARY bytes */
	BINLOG_VALUE_BLOB,	/* str: BLOB/TEXT family (MariaDB JSON too) */
	BINLOG_VALUE_ENUM,	/* v.u: 1-based index, 0 the error value '' */
	BINLOG_VALUE_SET,	/* v.u: bitmask of members */
	BINLOG_VALUE_BIT,	/* v.u: the bits; `bits` the width */
	BINLOG_VALUE_JSON,	/* str: JSON text (MySQL binary JSON rendered) */
	BINLOG_VALUE_GEOMETRY,	/* str: 4-byte SRID + WKB, as stored */
	BINLOG_VALUE_VECTOR,	/* str: little-endian float32s */
};

struct binlog_time {
	uint8_t neg;		/* TIME only */
	uint16_t year;
	uint8_t month, day;
	uint32_t hour;		/* TIME: up to 838 */
	uint8_t minute, second;
	uint32_t usec;
};

struct binlog_value {
	enum binlog_value_kind kind;
	uint8_t type;		/* the column's real type (enum binlog_type) */
	uint8_t fsp;		/* fractional digits of temporal values */
	uint16_t bits;		/* BIT width */
	uint8_t is_binary;	/* strings: the column's charset is binary */
	const char *str;	/* bytes of strings, decimals, JSON text... */
	size_t len;
	union {
		int64_t i;
		uint64_t u;
		float f;
		double d;
		struct binlog_time tm;
		struct {
			int64_t sec;
			uint32_t usec;
		} ts;
	} v;
};

enum binlog_row_kind {
	BINLOG_ROW_INSERT,
	BINLOG_ROW_UPDATE,
	BINLOG_ROW_DELETE,
};

/*
 * One changed row. before is NULL for INSERT, after is NULL for DELETE;
 * each holds table->ncols values by ordinal.
 */
struct binlog_row {
	const struct binlog_value *before;
	const struct binlog_value *after;
};

/* ---- decoded events -------------------------------------------------- */

/*
 * The records of one transaction, on MariaDB and MySQL alike (a MySQL 8
 * compressed TRANSACTION_PAYLOAD is unpacked into the same sequence):
 *
 *     BEGIN  (TABLE_MAP | ANNOTATE | ROWS | QUERY)*  COMMIT
 *
 * A statement that commits itself (DDL, MariaDB's standalone groups) is
 * BEGIN, QUERY, COMMIT with commit.implicit set. ROTATE, FORMAT,
 * HEARTBEAT and OTHER come between transactions. COMMIT's pos is where a
 * stream can resume without losing or repeating a transaction; that is
 * also what binlog_*_last_complete() return. A typical consumer:
 *
 *     while ((rc = binlog_stream_next(s, &ev, &err)) > 0) {
 *             switch (ev->kind) {
 *             case BINLOG_EVENT_ROWS:   replay ev->u.rows if the table is
 *                                       ours (by db and name, not id)
 *             case BINLOG_EVENT_QUERY:  stop if it is DDL on our table
 *             case BINLOG_EVENT_COMMIT: note ev->pos as applied
 *             case BINLOG_EVENT_RECONNECT: what follows up to the next
 *                                       COMMIT was seen before
 *             ...
 *             }
 *     }
 */

enum binlog_event_kind {
	BINLOG_EVENT_OTHER = 0,	/* anything else, skipped by length */
	BINLOG_EVENT_FORMAT,	/* FORMAT_DESCRIPTION */
	BINLOG_EVENT_ROTATE,	/* the stream moves to another file */
	BINLOG_EVENT_HEARTBEAT,	/* idle stream; the server's position */
	BINLOG_EVENT_BEGIN,	/* a transaction starts (GTID or BEGIN) */
	BINLOG_EVENT_TABLE_MAP,
	BINLOG_EVENT_ROWS,	/* row changes on one table */
	BINLOG_EVENT_QUERY,	/* a statement: DDL, or statement-based DML */
	BINLOG_EVENT_COMMIT,	/* a transaction is complete */
	BINLOG_EVENT_ANNOTATE,	/* ANNOTATE_ROWS / ROWS_QUERY: the SQL text */
	BINLOG_EVENT_RECONNECT,	/* the stream reconnected (stream only) */
};

struct binlog_event {
	enum binlog_event_kind kind;
	uint8_t type;		/* the raw event type code */
	uint16_t flags;		/* the common header's flags */
	uint32_t timestamp;	/* seconds since the epoch, 0 if artificial */
	uint32_t server_id;
	/*
	 * Where the stream stands after this event: the current file and the
	 * header's log_pos (events inside a MySQL transaction payload carry
	 * the payload's). For COMMIT it is the position to resume from.
	 */
	struct binlog_pos pos;
	union {
		struct {
			uint16_t binlog_version;
			const char *server_version;
			int checksum;	/* 1: events end with a CRC32 */
		} format;
		struct {
			const char *file;
			uint64_t pos;
			int artificial; /* the fake ROTATE opening a dump */
		} rotate;
		struct {
			const char *file;	/* the server's current file */
			uint64_t pos;		/* and position */
		} heartbeat;
		struct {
			int has_gtid;
			int mariadb;		/* MariaDB domain-server-seq */
			uint32_t domain_id;
			uint64_t seq_no;	/* MariaDB seq_no, MySQL gno */
			unsigned char sid[16];	/* MySQL source uuid */
			uint8_t gtid_flags;
		} begin;
		struct {
			uint64_t xid;
			int implicit;	/* after a statement that commits itself */
			int rollback;	/* a QUERY "ROLLBACK" ended it */
			/*
			 * XA PREPARE: the changes are not committed yet and
			 * will be by a later QUERY "XA COMMIT"; osc does not
			 * replay XA transactions correctly.
			 */
			int xa_prepare;
		} commit;
		const struct binlog_table *table_map;
		struct {
			const struct binlog_table *table;
			enum binlog_row_kind kind;
			uint16_t flags;		/* 0x01 STMT_END ... */
			int skipped;		/* images not decoded (filter) */
			size_t nrows;
			const struct binlog_row *rows;
		} rows;
		/*
		 * A statement. db is the session's default database ("" when
		 * none): the text may name tables with or without a database,
		 * so a DDL check must resolve unqualified names against db.
		 */
		struct {
			const char *db;		/* default database, "" if none */
			const char *sql;	/* NUL-terminated */
			size_t sql_len;
			uint16_t error_code;
			uint32_t thread_id;
		} query;
		struct {
			const char *sql;
			size_t sql_len;
		} annotate;
		struct {
			unsigned int attempt;	/* 1 for the first reconnect */
			/* resumed here: events after it come again */
			struct binlog_pos from;
		} reconnect;
	} u;
};

/* ---- the decoder ----------------------------------------------------- */

struct binlog_decoder_options {
	/* Largest event or decompressed payload accepted; 0: 1 GiB. */
	size_t max_event_bytes;
	/* Do not check CRC32s (default: check when the server writes them). */
	int skip_checksum;
	/*
	 * Decode row images only for registered tables; other tables' row
	 * events come with rows.skipped set and no rows. The engine wants
	 * this: it needs only its own tables, it is faster, and a table
	 * with MariaDB old-format TIME(n)/DATETIME(n)/TIMESTAMP(n) columns
	 * cannot be decoded at all without its schema.
	 */
	int registered_only;
	/* Accept partial images (MINIMAL/NOBLOB); default: an error. */
	int allow_partial_images;
	/*
	 * The server's lower_case_table_names: a TABLE_MAP's names match a
	 * registered schema's under this rule (util/ident.h); 0: exactly.
	 */
	int lower_case_table_names;
};

struct binlog_decoder;

/* opts may be NULL for the defaults. Never fails. */
struct binlog_decoder *binlog_decoder_new(const struct binlog_decoder_options
					  *opts);
void binlog_decoder_free(struct binlog_decoder *dec);

/*
 * Register (or replace) what information_schema says of db.table. The
 * schema is copied. When a TABLE_MAP of db.table has another number of
 * columns than the registered schema, its rows events fail with "it was
 * altered; load its schema again" rather than decode with guesses. Events of that table decoded afterwards use it:
 * signedness when the TABLE_MAP has none, binary charsets (BINARY
 * padding), and DATETIME_PRECISION for MariaDB's old-format temporals.
 * A schema whose column count differs from a TABLE_MAP's is ignored for
 * that TABLE_MAP (the table changed: reload it after the DDL).
 */
void binlog_decoder_set_schema(struct binlog_decoder *dec, const char *db,
			       const char *table,
			       const struct binlog_table_schema *schema);
void binlog_decoder_forget_schema(struct binlog_decoder *dec, const char *db,
				  const char *table);

/*
 * Give the decoder one raw event: `len` bytes from the 19-byte common
 * header to the end of the checksum. The header and checksum are checked
 * here; -1 when the event is malformed or its CRC is wrong (nothing is
 * queued then). The bytes must stay valid until the next feed.
 */
int binlog_decoder_feed(struct binlog_decoder *dec, const void *ev,
			size_t len, struct strbuf *err);

/*
 * The next decoded record from what was fed: 1 with *ev set, 0 when the
 * decoder needs another raw event, -1 on a decoding error (the record is
 * dropped; calling again continues with what is left). One raw event can
 * give several records (a MySQL transaction payload, a statement that
 * commits itself).
 */
int binlog_decoder_next(struct binlog_decoder *dec,
			const struct binlog_event **ev, struct strbuf *err);

/*
 * Set the current file and position, when the events do not start with a
 * ROTATE (reading a file from disk, or resuming a stream).
 */
void binlog_decoder_set_position(struct binlog_decoder *dec,
				 const char *file, uint64_t pos);

/* Where the last complete transaction ended: resume from here. */
void binlog_decoder_last_complete(const struct binlog_decoder *dec,
				  struct binlog_pos *pos);

/* 1 when the last FORMAT_DESCRIPTION said events carry a CRC32. */
int binlog_decoder_has_checksum(const struct binlog_decoder *dec);

/* ---- values to SQL --------------------------------------------------- */

/*
 * Append an SQL literal that stores exactly `v` into a column described
 * by `target` (may be NULL: the value's own column type). Every session
 * runs time_zone '+00:00' (util/db.h), so TIMESTAMPs are written as UTC
 * datetime literals. Integers as digits, DECIMAL as its exact text,
 * FLOAT/DOUBLE with enough digits to read back the same value, strings,
 * blobs and geometries as X'..' (stored byte for byte), JSON as a quoted
 * string, ENUM and SET as their index/bitmask, BIT as b'..', YEAR 0 as
 * '0000', NULL as NULL. -1 for an ABSENT value or a value that cannot be
 * written (NaN).
 */
int binlog_value_to_sql(struct strbuf *out, const struct binlog_value *v,
			const struct binlog_column_schema *target,
			struct strbuf *err);

/* A readable rendering of the value (for tools and messages). */
void binlog_value_describe(struct strbuf *out, const struct binlog_value *v);

/* "WRITE_ROWS", "GTID", "type 42"... */
const char *binlog_event_type_name(unsigned int type);

/* ---- binlog files on disk -------------------------------------------- */

struct binlog_file;

/*
 * Open a binlog file (checks the magic bytes). To have positions reported
 * as in a stream, call binlog_decoder_set_position(dec,
 * binlog_file_basename(f), 4) before feeding its events.
 */
int binlog_file_open(struct binlog_file **f, const char *path,
		     struct strbuf *err);
const char *binlog_file_basename(const struct binlog_file *f);
/* 1: *ev and *len hold the next raw event (valid until the next call);
 * 0: end of file; -1: truncated or malformed framing. */
int binlog_file_next(struct binlog_file *f, const unsigned char **ev,
		     size_t *len, struct strbuf *err);
/* The offset in the file of the event last returned. */
uint64_t binlog_file_offset(const struct binlog_file *f);
void binlog_file_close(struct binlog_file *f);

/*
 * Walk a whole in-memory binlog (magic bytes optional) and call `fn` for
 * each raw event; stops at the first framing error or when fn returns
 * non-zero (that value is returned). Used by tests and the fuzz target.
 */
int binlog_buffer_walk(const unsigned char *buf, size_t len,
		       int (*fn)(void *arg, const unsigned char *ev,
				 size_t len),
		       void *arg, struct strbuf *err);

/* ---- the stream ------------------------------------------------------ */

struct binlog_stream_options {
	const struct db_options *db;	/* where and as whom (copied) */
	const char *file;		/* start file; must be given */
	uint64_t pos;			/* start position (4 = file start) */
	/*
	 * Our replica server id: 0 picks a random one in
	 * [BINLOG_SERVER_ID_MIN, 2^32) that SHOW SLAVE HOSTS and
	 * @@server_id do not use.
	 */
	uint32_t server_id;
	unsigned int heartbeat_ms;	/* 0: 1000 */
	int stop_at_eof;		/* return 0 at the end instead of waiting */
	unsigned int reconnect_attempts; /* 0: 10; each with a growing wait */
	int annotate;			/* MariaDB: ask for ANNOTATE_ROWS */
	struct binlog_decoder_options decoder;
};

#define BINLOG_SERVER_ID_MIN 0x70000000u

/*
 * A stream belongs to one thread at a time (like its connection). It asks
 * for positions with COM_BINLOG_DUMP, which cannot express offsets beyond
 * 4 GiB (MySQL files larger than that need a GTID dump: not supported).
 * Every error message says where the stream stood.
 */
struct binlog_stream;

/*
 * Connect, set the session up, register and start the dump. On failure
 * returns -1 with one line in err (a server error such as 1236 purged
 * log, 4052 duplicate server id or 1227 missing privilege is explained
 * with the fix). *out is NULL then.
 */
int binlog_stream_open(struct binlog_stream **out,
		       const struct binlog_stream_options *opts,
		       struct strbuf *err);

/*
 * The next decoded record: 1 with *ev set (valid until the next call), 0
 * at the end of the binlog when stop_at_eof is set, -1 on an error. An
 * error is either final (a server refusal, a bad checksum, a lost
 * connection that reconnecting did not cure: binlog_stream_broken() then
 * says 1 and every later call fails) or a record that could not be
 * decoded (the stream goes on; a caller that replays must still stop, it
 * has lost a change). After a lost connection the stream
 * reconnects (with backoff, up to reconnect_attempts times), resumes from
 * the last complete transaction and first returns a
 * BINLOG_EVENT_RECONNECT record: the events of the incomplete transaction
 * after it are delivered again.
 */
int binlog_stream_next(struct binlog_stream *s,
		       const struct binlog_event **ev, struct strbuf *err);

/* Where the last complete transaction ended. */
void binlog_stream_last_complete(const struct binlog_stream *s,
				 struct binlog_pos *pos);
/* The last position the server reported in a heartbeat (pos 0: none). */
void binlog_stream_server_position(const struct binlog_stream *s,
				   struct binlog_pos *pos);
/* 1 after a final error (see binlog_stream_next). */
int binlog_stream_broken(const struct binlog_stream *s);
/* The server id the stream registered with. */
uint32_t binlog_stream_server_id(const struct binlog_stream *s);
/*
 * The decoder, to register table schemas. Nothing is decoded before the
 * first binlog_stream_next(), so registering right after open is in time.
 */
struct binlog_decoder *binlog_stream_decoder(struct binlog_stream *s);
void binlog_stream_close(struct binlog_stream *s);

/*
 * Read db.table's columns from information_schema.COLUMNS over `conn` and
 * register them with the decoder. -1 when the query fails or the table
 * does not exist.
 */
int binlog_load_schema(struct db *conn, struct binlog_decoder *dec,
		       const char *db, const char *table, struct strbuf *err);
/*
 * The same with the columns of db.table registered for db.as_table: to
 * decode old events of a table that has been renamed since (osc's
 * recovery reads events of `t` with the columns `_t_old` has now).
 */
int binlog_load_schema_as(struct db *conn, struct binlog_decoder *dec,
			  const char *db, const char *table,
			  const char *as_table, struct strbuf *err);

#endif
