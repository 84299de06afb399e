/*
 * binlog-internal.h: what the files of binlog/ share and nobody else sees:
 * the byte readers, the scratch arena, the decoder's state and the value
 * decoders (values.c, json.c) that decode.c calls.
 */
#ifndef OSC_BINLOG_INTERNAL_H
#define OSC_BINLOG_INTERNAL_H

#include "binlog/binlog.h"

/* Event type codes (MySQL binlog_event.h, MariaDB log_event.h). */
enum {
	EV_START_V3 = 1,
	EV_QUERY = 2,
	EV_STOP = 3,
	EV_ROTATE = 4,
	EV_INTVAR = 5,
	EV_SLAVE = 7,
	EV_APPEND_BLOCK = 9,
	EV_DELETE_FILE = 11,
	EV_RAND = 13,
	EV_USER_VAR = 14,
	EV_FORMAT_DESCRIPTION = 15,
	EV_XID = 16,
	EV_BEGIN_LOAD_QUERY = 17,
	EV_EXECUTE_LOAD_QUERY = 18,
	EV_TABLE_MAP = 19,
	EV_WRITE_ROWS_V1 = 23,
	EV_UPDATE_ROWS_V1 = 24,
	EV_DELETE_ROWS_V1 = 25,
	EV_INCIDENT = 26,
	EV_HEARTBEAT = 27,
	EV_IGNORABLE = 28,
	EV_ROWS_QUERY = 29,
	EV_WRITE_ROWS = 30,
	EV_UPDATE_ROWS = 31,
	EV_DELETE_ROWS = 32,
	EV_GTID = 33,
	EV_ANONYMOUS_GTID = 34,
	EV_PREVIOUS_GTIDS = 35,
	EV_TRANSACTION_CONTEXT = 36,
	EV_VIEW_CHANGE = 37,
	EV_XA_PREPARE = 38,
	EV_PARTIAL_UPDATE_ROWS = 39,
	EV_TRANSACTION_PAYLOAD = 40,
	EV_HEARTBEAT_V2 = 41,
	EV_GTID_TAGGED = 42,
	EV_MARIA_ANNOTATE_ROWS = 160,
	EV_MARIA_BINLOG_CHECKPOINT = 161,
	EV_MARIA_GTID = 162,
	EV_MARIA_GTID_LIST = 163,
	EV_MARIA_START_ENCRYPTION = 164,
	EV_MARIA_QUERY_COMPRESSED = 165,
	EV_MARIA_WRITE_ROWS_COMPRESSED_V1 = 166,
	EV_MARIA_UPDATE_ROWS_COMPRESSED_V1 = 167,
	EV_MARIA_DELETE_ROWS_COMPRESSED_V1 = 168,
	EV_MARIA_WRITE_ROWS_COMPRESSED = 169,
	EV_MARIA_UPDATE_ROWS_COMPRESSED = 170,
	EV_MARIA_DELETE_ROWS_COMPRESSED = 171,
};

#define EV_HEADER_LEN 19
#define EV_CHECKSUM_LEN 4
#define EV_FLAG_BINLOG_IN_USE 0x0001
#define EV_FLAG_ARTIFICIAL 0x0020
#define ROWS_FLAG_STMT_END 0x0001

/* ---- little/big-endian readers (no alignment assumptions) ------------ */

static inline uint32_t rd_u16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t rd_u24(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static inline uint32_t rd_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t rd_u48(const unsigned char *p)
{
	return (uint64_t)rd_u32(p) | (uint64_t)rd_u16(p + 4) << 32;
}

static inline uint64_t rd_u64(const unsigned char *p)
{
	return (uint64_t)rd_u32(p) | (uint64_t)rd_u32(p + 4) << 32;
}

/* Little-endian, n bytes (1..8). */
static inline uint64_t rd_le(const unsigned char *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Big-endian, n bytes (1..8). */
static inline uint64_t rd_be(const unsigned char *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * A length-encoded integer (net_field_length). Returns the bytes used, 0
 * when it does not fit in `avail` or is the NULL marker 0xfb.
 */
static inline size_t rd_lenenc(const unsigned char *p, size_t avail,
			       uint64_t *v)
{
	if (!avail)
		return 0;
	if (p[0] < 251) {
		*v = p[0];
		return 1;
	}
	if (p[0] == 252 && avail >= 3) {
		*v = rd_u16(p + 1);
		return 3;
	}
	if (p[0] == 253 && avail >= 4) {
		*v = rd_u24(p + 1);
		return 4;
	}
	if (p[0] == 254 && avail >= 9) {
		*v = rd_u64(p + 1);
		return 9;
	}
	return 0;
}

/* ---- scratch memory -------------------------------------------------- */

/*
 * A bump allocator for what one decoded record points at (decimal text,
 * padded strings, rendered JSON, names). arena_reset() makes everything
 * allocated before invalid at once and keeps the largest block.
 */
struct arena_block;
struct arena {
	struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t n);
char *arena_memdup_nul(struct arena *a, const void *p, size_t n);
void arena_reset(struct arena *a);
void arena_release(struct arena *a);

/* ---- values (values.c, json.c) --------------------------------------- */

/* Per-column facts the value decoder needs beyond struct binlog_column. */
struct col_extra {
	uint8_t hires_dec;	/* MariaDB old-format TIME/DATETIME/TIMESTAMP(n) */
};

/*
 * Decode one non-NULL value of column `c` at p (avail bytes left). Sets
 * *used. Strings point into p unless they had to be rebuilt (then into
 * the arena). -1 with a message on truncated or impossible bytes.
 */
int binlog_decode_value(const struct binlog_column *c,
			const struct col_extra *x, const unsigned char *p,
			size_t avail, struct binlog_value *v, size_t *used,
			struct arena *arena, struct strbuf *err);

/* ---- text.c: text forms of values ---- */

/* 10^0 .. 10^9. */
extern const uint32_t binlog_powers10[10];

/* Exact decimal text of a packed DECIMAL(prec,scale); -1 if malformed. */
int binlog_decimal_to_text(const unsigned char *p, size_t avail,
			   unsigned int prec, unsigned int scale,
			   struct strbuf *out, size_t *used,
			   struct strbuf *err);
size_t binlog_decimal_bin_size(unsigned int prec, unsigned int scale);

/* Append a double with the fewest digits that read back the same. */
void binlog_format_double(struct strbuf *out, double d);
void binlog_format_float(struct strbuf *out, float f);

/* Days since 1970-01-01 to a civil date, and back (proleptic Gregorian). */
void binlog_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d);

/* Append "YYYY-MM-DD HH:MM:SS[.ffffff]" of a TIMESTAMP value (UTC). */
void binlog_format_timestamp(struct strbuf *out, int64_t sec, uint32_t usec,
			     unsigned int fsp);
void binlog_format_tm(struct strbuf *out, enum binlog_value_kind kind,
		      const struct binlog_time *tm, unsigned int fsp);

/* ---- json.c (uses text.c) ---- */

/* MySQL binary JSON to JSON text; -1 if malformed. */
int binlog_json_to_text(const unsigned char *p, size_t len,
			struct strbuf *out, struct strbuf *err);

/* MariaDB's compressed-event body: header byte, BE length, zlib stream. */
int binlog_maria_uncompress(const unsigned char *p, size_t len,
			    size_t max_out, struct strbuf *out,
			    struct strbuf *err);

#endif
