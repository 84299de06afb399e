/*
 * chunker.h: walking a table in key order, one chunk per statement.
 *
 * The copier (DESIGN.md 3, phase 4) copies `t` into the ghost in chunks of
 * the *shared key* (a primary key or a NOT NULL unique key that the ALTER
 * keeps). Chunks are found by keyset pagination: the next chunk's upper
 * boundary is the key of the n-th row after the previous boundary,
 *
 *   SELECT k1, k2 FROM t FORCE INDEX (idx)
 *    WHERE k1 > ? OR (k1 = ? AND k2 > ?)
 *    ORDER BY k1, k2 LIMIT 1 OFFSET n-1
 *
 * and the chunk is the half-open range (previous, upper]. The comparison is
 * written in the expanded OR form rather than as a row constructor
 * `(k1, k2) > (?, ?)`, which MariaDB and MySQL 5.7 do not turn into an index
 * range. When the boundary query returns no row, fewer than n rows are left
 * and the last chunk is `> previous` with no upper bound.
 *
 * Boundary values are carried as exact SQL literals built from the text the
 * server returned (chunk_key_literal()): numbers as they are, strings as
 * hex with the column's character set introducer so that any bytes and any
 * collation survive, temporal values quoted. The boundary query reads
 * string keys as CAST(col AS BINARY), so the bytes are the column's own and
 * not converted to the connection's character set. NULL never occurs in a
 * key (the shared key is NOT NULL).
 *
 * Planning (chunk_plan_*) and sizing (chunk_size_next) are pure: they
 * return 0/-1 and append one line to `err`, never print or query. The
 * copier loop (chunk_copy_run) talks to the server through util/db.h only.
 */
#ifndef OSC_CHUNKER_CHUNKER_H
#define OSC_CHUNKER_CHUNKER_H

#include <stddef.h>
#include "util/strbuf.h"

struct db;

enum chunk_key_kind {
	/* Integers and DECIMAL: the server's text is an exact literal. */
	CHUNK_KEY_NUMERIC,
	/* CHAR, VARCHAR, BINARY, VARBINARY: carried as hex. */
	CHUNK_KEY_STRING,
	/* DATE, TIME, DATETIME, TIMESTAMP, YEAR: carried quoted. */
	CHUNK_KEY_TEMPORAL,
	/*
	 * ENUM and SET: the index orders them by their number (an ENUM's
	 * member index, a SET's bit mask), not by their text, and a string
	 * literal compares as text. So the boundary query reads `col`+0 and
	 * the literal is that number; and since the server makes no index
	 * range of `col` > 2 (it compares an ENUM with a number as a
	 * double) but does of `col` IN (3, 4), an inequality on the column
	 * is written as the IN list of the numbers it admits, 0 (the error
	 * value '') to enum_max.
	 */
	CHUNK_KEY_ENUM,
};

/* The largest ENUM/SET number chunking lists (see chunk_key_enum_max). */
#define CHUNK_KEY_ENUM_MAX 4095ULL

struct chunk_key_column {
	const char *name;		/* unquoted */
	enum chunk_key_kind kind;
	/*
	 * CHUNK_KEY_STRING only: the column's character set ("utf8mb4",
	 * "latin1"); NULL or "binary" for binary strings. The hex literal
	 * gets this introducer (_utf8mb4 X'..'), which makes it a coercible
	 * string of that character set: compared with the column it takes
	 * the column's collation, so boundaries order exactly as the index
	 * does. A bare X'..' would compare as bytes.
	 */
	const char *charset;
	/*
	 * CHUNK_KEY_ENUM only: the largest number the column can hold (an
	 * ENUM's member count, 2^members - 1 for a SET), at most
	 * CHUNK_KEY_ENUM_MAX.
	 */
	unsigned long long enum_max;
};

/*
 * The enum_max of an ENUM (is_set 0) or SET of `members` members, or 0
 * when it is above CHUNK_KEY_ENUM_MAX (too many to list: the key cannot
 * be chunked). Pure.
 */
unsigned long long chunk_key_enum_max(int is_set, size_t members);

/* The shared key and where it lives. The caller owns all of it. */
struct chunk_key {
	const char *schema;		/* unquoted */
	const char *table;		/* unquoted */
	const char *index;		/* FORCE INDEX: "PRIMARY", a name */
	size_t ncols;
	const struct chunk_key_column *cols;
};

/*
 * A boundary: one SQL literal per key column (owned by the bound). An
 * empty bound (nvalues == 0) means "none yet".
 */
struct chunk_bound {
	size_t nvalues;
	char **values;
};
#define CHUNK_BOUND_INIT { 0, NULL }

void chunk_bound_release(struct chunk_bound *b);
/* Copy src into dst (dst is released first). */
void chunk_bound_copy(struct chunk_bound *dst, const struct chunk_bound *src);

/*
 * Append the SQL literal for a key value as the server returned it in
 * text (`len` bytes; for a string in a character set, its raw bytes in
 * that character set, as the boundary query selects them). Returns -1
 * with a line in err when the value cannot be a key value of that kind
 * (NULL, or a numeric value that is not a number, which would make the
 * literal unsafe).
 */
int chunk_key_literal(const struct chunk_key_column *col, const char *value,
		      size_t len, struct strbuf *out, struct strbuf *err);

/*
 * Fill `bound` from one result row holding the key columns in order (as
 * selected by the boundary query). Returns 0, or -1 with err.
 */
int chunk_bound_from_row(const struct chunk_key *key, char **values,
			 const unsigned long *lengths, size_t nvalues,
			 struct chunk_bound *bound, struct strbuf *err);

/*
 * Check that the key can drive chunking: at least one column, names that
 * quote, an index name. Returns 0, or -1 with err.
 */
int chunk_key_check(const struct chunk_key *key, struct strbuf *err);

/*
 * The query for the next chunk's upper boundary: the key of the
 * `chunk_rows`-th row after `after` (an empty bound: from the start).
 * Returns one row of the key columns, or none when fewer rows are left.
 * It takes no locks (a consistent read).
 */
int chunk_plan_boundary_sql(const struct chunk_key *key,
			    const struct chunk_bound *after,
			    unsigned long long chunk_rows, struct strbuf *sql,
			    struct strbuf *err);

/*
 * The predicate of the chunk (lower, upper]: `lower` empty means no lower
 * bound (the first chunk), `upper` empty no upper bound (the last chunk);
 * both empty gives "1" (the whole table, which is then a single chunk).
 * Appends to `where` without the WHERE keyword; the text is parenthesised.
 */
int chunk_plan_range_sql(const struct chunk_key *key,
			 const struct chunk_bound *lower,
			 const struct chunk_bound *upper, struct strbuf *where,
			 struct strbuf *err);

/*
 * Adaptive chunk size (--chunk-time). The rate estimate is exponentially
 * smoothed rows per millisecond; the next size is that rate times the
 * target time, bounded by [min_rows, max_rows], at most twice the previous
 * size (a lucky fast chunk must not make the next one huge), and shrinking
 * at once when a chunk took much longer than the target (a slow chunk
 * holds share locks on its rows).
 */
struct chunk_size_params {
	unsigned int target_ms;		/* > 0 */
	unsigned long long min_rows;	/* >= 1 */
	unsigned long long max_rows;	/* >= min_rows */
};

/*
 * Given the previous chunk size `prev_rows`, the rows the last chunk
 * copied and the milliseconds it took, update *rows_per_ms (0 before the
 * first sample) and return the next chunk size. A chunk with no rows
 * teaches nothing: the size is kept (within bounds).
 */
unsigned long long chunk_size_next(const struct chunk_size_params *p,
				   double *rows_per_ms,
				   unsigned long long prev_rows,
				   unsigned long long rows, double elapsed_ms);

/*
 * The adapted chunk's row bound for rows of about `row_bytes` each: at
 * most `max_bytes` per chunk (a wide-row table must not make a 100k-row
 * chunk of gigabytes: it holds its locks, its binlog cache and its
 * writeset for as long), never below `min_rows` nor above `max_rows`.
 * row_bytes or max_bytes 0: no bound by bytes. Pure.
 */
unsigned long long chunk_rows_for_bytes(unsigned long long max_rows,
					unsigned long long min_rows,
					uint64_t max_bytes, uint64_t row_bytes);

/*
 * Is a warning of a chunk's INSERT IGNORE the expected kind: a duplicate
 * (1062) on the ghost's shared key `key`, i.e. a row the applier wrote
 * first? MariaDB writes "Duplicate entry 'v' for key 'PRIMARY'", MySQL 8
 * "... for key '_t_new.PRIMARY'". `code` and `msg` are SHOW WARNINGS'
 * Code and Message. 1364 (a column the copy leaves out, added NOT NULL
 * without a DEFAULT, takes its implicit default as in a native ALTER) is
 * expected too. Pure.
 */
int chunk_warning_is_expected(const char *code, const char *msg,
			      const char *key);

/*
 * Is `msg` (SHOW WARNINGS' Message of a 1062) a duplicate on the ghost
 * key named `key` (either server's spelling, see above)? Pure.
 */
int chunk_warning_dup_on(const char *msg, const char *key);

struct chunk_copy_opts;

enum chunk_warning_class {
	/* Anything else: the copy stops, naming it. */
	CHUNK_WARNING_FATAL = 0,
	/*
	 * 1364, or a 1062 on the shared key or on another ghost unique
	 * key that a unique key of the source guarantees. For the latter
	 * the ghost row met is the same source row (the applier wrote it
	 * first) or a stale image of another row: the source cannot hold
	 * two rows with those values at once, so the other row has since
	 * moved away and this one moved in, both after the copy started,
	 * and the applier replays both. Either way the copy may skip it.
	 */
	CHUNK_WARNING_EXPECTED,
	/*
	 * A 1062 on a ghost unique key the ALTER adds or narrows
	 * (opts->checked_keys): absorbed only when the ghost holds this
	 * source row under its shared key, a real conflict otherwise.
	 */
	CHUNK_WARNING_DUP_CHECKED,
};

/*
 * Classify one warning of a chunk's INSERT IGNORE with the key names of
 * `o` (ghost_key_name, absorbed_keys, checked_keys). A 1062 on a key in
 * none of the lists is fatal. Pure.
 */
enum chunk_warning_class chunk_warning_classify(const struct chunk_copy_opts *o,
						const char *code,
						const char *msg);

/* ---- the copier loop ---- */

struct chunk_progress {
	unsigned long long chunk_rows;	/* rows this chunk copied */
	double elapsed_ms;		/* of the copy statement */
	unsigned long long chunk_size;	/* the size asked for */
	unsigned long long next_size;	/* the size of the next chunk */
	unsigned long long rows_total;	/* copied so far */
	unsigned long long chunks;	/* chunks done so far */
	const struct chunk_bound *upper;	/* last boundary; empty: end */
};

struct chunk_copy_opts {
	const struct chunk_key *key;
	/*
	 * The copy statement around the range predicate, built by the caller
	 * (ddl/): prefix "INSERT IGNORE INTO `db`.`_t_new` (cols) SELECT cols
	 * FROM `db`.`t` FORCE INDEX (`PRIMARY`)", suffix " LOCK IN SHARE
	 * MODE". The copier sends prefix + " WHERE " + range + suffix.
	 */
	const char *prefix;
	const char *suffix;
	/* Fixed size, or the first size when chunk_time_ms > 0. */
	unsigned long long chunk_rows;
	unsigned int chunk_time_ms;	/* > 0: adaptive */
	unsigned long long min_rows;	/* adaptive bounds; 0: 10 */
	unsigned long long max_rows;	/* 0: 100000 */
	/* Attempts per statement for 1205/1213 and lost connections; 0: 10. */
	int attempts;
	/* Start after this boundary (resume from a checkpoint); may be NULL. */
	const struct chunk_bound *start_after;
	/* Poll interval while paused; 0: 100 ms. */
	unsigned int pause_poll_ms;
	/*
	 * The shared key's index name in the ghost ("PRIMARY"). When set,
	 * each chunk's warnings are read: INSERT IGNORE turns what strict
	 * mode would refuse (a truncated or out-of-range value, a duplicate
	 * on a unique key the ALTER added) into warnings and goes on, so a
	 * warning other than a duplicate on this key (a row the applier
	 * wrote first, which is expected) fails the copy, naming it. NULL:
	 * warnings are not read (one round trip less per chunk).
	 */
	const char *ghost_key_name;
	/*
	 * Other unique keys of the ghost whose duplicates are absorbed
	 * like the shared key's: those a unique key of the source
	 * guarantees (see CHUNK_WARNING_EXPECTED).
	 */
	const char *const *absorbed_keys;
	size_t absorbed_keys_nr;
	/*
	 * Unique keys of the ghost that the ALTER adds or narrows. A
	 * duplicate on one of them is absorbed only when the skipped source
	 * row is the one the ghost already holds, which `missing_prefix`
	 * finds out: with it set, each chunk runs in a transaction, and a
	 * chunk that met such a duplicate then runs
	 *   missing_prefix + " AND " + range + " LIMIT 1 LOCK IN SHARE MODE"
	 * in that transaction: a SELECT of the shared key's columns of the
	 * source rows of the chunk that the ghost holds under no shared key
	 * (WHERE NOT EXISTS (...)). Its share locks and those of the copy
	 * keep the chunk's source rows, and the ghost rows its duplicates
	 * met, from changing until the chunk commits. A row back is a row a
	 * different ghost row kept out: the copy stops, naming both. With
	 * missing_prefix NULL such a duplicate is fatal.
	 */
	const char *const *checked_keys;
	size_t checked_keys_nr;
	const char *missing_prefix;

	/*
	 * Callbacks, each may be NULL. should_pause: the copier waits
	 * before the next chunk while it returns nonzero (throttling).
	 * should_stop: checked before each chunk and while paused.
	 * on_chunk: after each chunk, for progress and checkpoints.
	 */
	int (*should_pause)(void *ctx);
	int (*should_stop)(void *ctx);
	void (*on_chunk)(void *ctx, const struct chunk_progress *p);
	/*
	 * May be NULL: right before a chunk's copy statement is first sent,
	 * and right after it has committed (a lockless copy tells the
	 * applier which removals it must delete again).
	 */
	void (*on_chunk_begin)(void *ctx);
	void (*on_chunk_end)(void *ctx);
	/*
	 * May be NULL. Called before each chunk with the size the copier
	 * is about to use; a nonzero return replaces it (and, with
	 * chunk_time_ms, the adaptation goes on from there). This is how
	 * `chunk-size=N` on the status socket reaches a running copy.
	 */
	unsigned long long (*next_chunk_rows)(void *ctx,
					      unsigned long long rows);
	/*
	 * May be NULL. With missing_prefix: a chunk whose source row was
	 * kept out by a different ghost row may have met a row the applier
	 * has yet to bring up to date (the other row changed on `t`, its
	 * event is not replayed yet). The copier then rolls the chunk back,
	 * calls this to wait until the applier has replayed everything the
	 * server has logged (0; -1 with err when it could not), and runs
	 * the chunk again, a few times, before it calls the duplicate real.
	 */
	int (*wait_replayed)(void *ctx, struct strbuf *err);
	void *ctx;
};

struct chunk_copy_result {
	unsigned long long rows_copied;	/* sum of affected rows */
	unsigned long long chunks;
	unsigned long long retries;	/* statements run again */
	struct chunk_bound last;	/* last boundary done (for resume) */
	int finished;			/* the last chunk was copied */
};
#define CHUNK_COPY_RESULT_INIT { 0, 0, 0, CHUNK_BOUND_INIT, 0 }

void chunk_copy_result_release(struct chunk_copy_result *res);

/*
 * Copy the whole table (or from opts->start_after) chunk by chunk on `db`,
 * an autocommit connection used by this thread only. Each chunk is one
 * autocommit INSERT ... SELECT; lock wait timeouts and deadlocks are run
 * again, a lost connection is re-established and the statement run again
 * (both statements are safe to repeat: INSERT IGNORE never overwrites).
 *
 * Returns 0 when the table has been walked to its end (res->finished),
 * 1 when should_stop() asked to stop (res->last says where to resume),
 * -1 on error with one line in err (res->last is the last chunk done).
 */
int chunk_copy_run(struct db *db, const struct chunk_copy_opts *opts,
		   struct chunk_copy_result *res, struct strbuf *err);

#endif
