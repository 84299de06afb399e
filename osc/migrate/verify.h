/*
 * verify.h: --verify, the comparison of the table and the ghost
 * before the cut-over (issue 14): engine.c runs it, the dry run describes it.
 *
 * Per chunk of the shared key (the copy's boundaries and sizing), on a
 * connection of its own, in one transaction:
 *   1. the table's chunk is read with its locks (LOCK IN SHARE MODE under
 *      REPEATABLE READ: next-key locks, so no row of the range changes,
 *      appears or goes until the commit), as a count and a checksum of
 *      the mapped columns (ddl_build_verify_checksum());
 *   2. the server's binary log position is read inside that lock, and the
 *      applier replays up to it: every change to the range is then in the
 *      ghost (DESIGN.md 4);
 *   3. the same range of the ghost is checksummed (a consistent read,
 *      whose snapshot is taken then, after the replay), and compared.
 * A chunk that differs is, with repair, deleted from the ghost and copied
 * again with the copier's own statement in that transaction (the locks
 * still held, nothing changes meanwhile), committed, and compared again in
 * a new transaction; after OSC_VERIFY_REPAIRS repairs a chunk that still
 * differs fails the run, naming its key range. Without repair the first
 * difference fails it.
 */
#ifndef OSC_OSC_VERIFY_H
#define OSC_OSC_VERIFY_H

#include "util/compat.h"
#include "binlog/binlog.h"
#include "chunker/chunker.h"
#include "ddl/ddl.h"
#include "util/db.h"
#include "util/strbuf.h"

/* Repairs of one chunk before a difference fails the run. */
#define OSC_VERIFY_REPAIRS 3

struct osc_verify_opts {
	const struct db_options *dbopts;
	const struct ddl_plan *plan;
	const char *db, *table, *ghost;	/* unquoted */
	const struct chunk_key *key;	/* the copy's, on the table */
	/* The copier's statement around its range (engine.c). */
	const char *copy_prefix, *copy_suffix;
	/* The copy's sizing (osc_throttle_copy_sizing()). */
	unsigned long long chunk_rows;
	unsigned int chunk_time_ms;
	unsigned long long min_rows, max_rows;
	int repair;
	int mysql;	/* the server is MySQL (transaction_isolation) */
	/* Each may be NULL but wait_applied. */
	int (*should_stop)(void *ctx);
	int (*should_pause)(void *ctx);
	/* Until the applier has replayed up to pos: 0, or -1 with err. */
	int (*wait_applied)(void *ctx, const struct binlog_pos *pos,
			    struct strbuf *err);
	void (*on_chunk)(void *ctx);
	void *ctx;
};

struct osc_verify_result {
	unsigned long long chunks;
	unsigned long long rows;	/* of the table, compared */
	unsigned long long mismatches;	/* comparisons that differed */
	unsigned long long repaired;	/* chunks copied again */
	double elapsed_ms;
};

/*
 * What verify compares, for the dry run and the run's first verify line:
 * "on, N columns compared" and each column left out with its reason, or
 * why it cannot run (the key orders differently on the ghost). Returns 1
 * when verify can run on this plan, 0 when not. Pure.
 */
int osc_verify_describe(const struct ddl_plan *p, struct strbuf *out);

/*
 * Compare the whole table (see the top of this file). `r` is filled as
 * it goes (also on failure). Returns 0 when every chunk is equal (after
 * repairs), 1 when should_stop() asked to stop, -1 with one line in err
 * (a chunk that keeps differing: its range and both checksums; or a
 * failed query).
 */
int osc_verify_run(const struct osc_verify_opts *o,
		   struct osc_verify_result *r, struct strbuf *err);

#endif
