/*
 * checkpoint.h: what a run records in its changelog so that a later
 * `osc --resume` can go on where it stopped (DESIGN.md 2, osc(1)
 * RESUMING).
 *
 * A checkpoint says three things, and is only written when all three are
 * true together:
 *
 *  - the copy's low-water mark `low`: every row of the table whose shared
 *    key is at or below it has been copied into the ghost by a chunk that
 *    committed (the copier runs one chunk at a time, so this is the upper
 *    boundary of the last chunk whose commit completed; empty: none yet);
 *  - the binlog position `applied` up to which every change on the table
 *    has been replayed onto the ghost and committed there (the applier's
 *    committed position, not the reader's);
 *  - the plan's fingerprint: hashes of the ALTER text, of the table's and
 *    the ghost's SHOW CREATE TABLE (AUTO_INCREMENT=N left out: it moves
 *    with every insert), of the shared key, and osc's version.
 *
 * Resuming replays from `applied` and copies from after `low`; the ghost
 * may hold changes past `applied` (the applier went on after the write),
 * which the replay brings to the same final image (DESIGN.md 4: each
 * row's last event is replayed last).
 *
 * The record is one line of ASCII, fields `name=value` separated by
 * spaces, values percent-encoded so that no quote, backslash, space or
 * byte outside printable ASCII is left, and a final `sum=` with the
 * FNV-1a 64 of everything before it: a torn or edited record does not
 * decode. It is stored in the changelog (`value` is VARCHAR(4096) ASCII)
 * in pieces of at most OSC_CHECKPOINT_PIECE bytes at ids
 * OSC_CHECKPOINT_ID_FIRST.. (hints "checkpoint", "checkpoint.1", ...),
 * replaced in one transaction.
 *
 * Everything here is pure: no query, no output; errors are one line in
 * `err`.
 */
#ifndef OSC_MIGRATE_CHECKPOINT_H
#define OSC_MIGRATE_CHECKPOINT_H

#include "util/compat.h"
#include "binlog/binlog.h"
#include "chunker/chunker.h"
#include "util/strbuf.h"

#include <stdint.h>

/* The record's format; a record of another format does not decode. */
#define OSC_CHECKPOINT_FORMAT 1

/* Changelog rows (throttle.h reserves ids below 256 for singletons). */
#define OSC_CHECKPOINT_ID_FIRST 3
#define OSC_CHECKPOINT_ID_LAST 255
#define OSC_CHECKPOINT_HINT "checkpoint"
#define OSC_CHECKPOINT_PIECE 4000

struct osc_checkpoint_fingerprint {
	uint64_t alter;		/* the ALTER text as given */
	uint64_t source;	/* the table's SHOW CREATE TABLE */
	uint64_t ghost;		/* the ghost's SHOW CREATE TABLE */
	uint64_t key;		/* the shared key (osc_checkpoint_key_text) */
	char *version;		/* osc's version ("0.1.0") */
};

struct osc_checkpoint {
	char *phase;		/* "copy", "catch-up", "cut-over", ... */
	int copy_done;		/* the copy reached the table's end */
	struct chunk_bound low;	/* the low-water mark; empty: none */
	struct binlog_pos applied;
	uint64_t rows_copied;	/* by all runs so far */
	/*
	 * The server's @@server_id: a binlog position means something on
	 * that server only (after a failover the new primary may have files
	 * of the same names).
	 */
	uint64_t server_id;
	uint64_t written_us;	/* wall clock of the write, UTC */
	char *alter;		/* the ALTER text, to resume without --alter */
	struct osc_checkpoint_fingerprint fp;
};

void osc_checkpoint_init(struct osc_checkpoint *c);
void osc_checkpoint_release(struct osc_checkpoint *c);

/* 64-bit FNV-1a of the bytes. */
uint64_t osc_checkpoint_hash(const char *s, size_t len);

/*
 * Append `create` (a SHOW CREATE TABLE text) without its AUTO_INCREMENT=N
 * table option, the part of the definition that moves with the data.
 */
void osc_checkpoint_normalize_create(struct strbuf *out, const char *create);

/*
 * Fill `fp` from the run's texts; `key` is osc_checkpoint_key_text()'s.
 * fp->version is a copy of `version` (released with the checkpoint).
 */
void osc_checkpoint_fingerprint(struct osc_checkpoint_fingerprint *fp,
				const char *alter, const char *source_create,
				const char *ghost_create, const char *key,
				const char *version);

/*
 * The shared key as text for the fingerprint: the source index and the
 * ghost index, and the columns on each side in key order, e.g.
 * "PRIMARY(id)>PRIMARY(id)". The names are given in key order.
 */
void osc_checkpoint_key_text(struct strbuf *out, const char *source_index,
			     const char *ghost_index,
			     const char *const *source_cols,
			     const char *const *ghost_cols, size_t ncols);

/* Append the record (one line, ASCII, no quote or backslash). */
void osc_checkpoint_encode(struct strbuf *out, const struct osc_checkpoint *c);

/*
 * Decode a record into `c` (released first). Returns 0, or -1 with err
 * saying why (wrong format, torn or edited, a field missing or bad, a key
 * literal that is not one osc writes).
 */
int osc_checkpoint_decode(const char *text, size_t len,
			  struct osc_checkpoint *c, struct strbuf *err);

/*
 * Is `lit` a key literal as chunk_key_literal() builds them: a plain
 * number, an optionally introduced hex string (_utf8mb4 X'6162'), or a
 * quoted temporal value ('2024-01-02 03:04:05.5')? Only such text may
 * go back into SQL from a checkpoint.
 */
int osc_checkpoint_literal_ok(const char *lit);

/*
 * Compare the fingerprint of the checkpoint with the one of the present
 * run. Returns 0 when they agree; else -1 with one phrase in `what`
 * naming the first difference ("the ALTER differs ...", "the definition
 * of the table changed", ...), to follow "cannot resume: ".
 */
int osc_checkpoint_compare(const struct osc_checkpoint_fingerprint *saved,
			   const struct osc_checkpoint_fingerprint *now,
			   struct strbuf *what);

/*
 * The SQL that replaces the checkpoint rows of changelog `db`.`table`
 * with `record`: `del` the DELETE of every checkpoint id, `ins` one
 * INSERT of the pieces. Run both in one transaction. Returns -1 with err
 * when the record needs more rows than are reserved or a name does not
 * quote.
 */
int osc_checkpoint_write_sql(struct strbuf *del, struct strbuf *ins,
			     const char *db, const char *table,
			     const char *record, struct strbuf *err);

/* The SELECT of the pieces in order (one column, `value`). */
int osc_checkpoint_read_sql(struct strbuf *sql, const char *db,
			    const char *table, struct strbuf *err);

#endif
