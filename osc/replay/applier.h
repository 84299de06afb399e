/*
 * applier.h: the replay module (osc/replay/). It owns the binlog applier
 * thread, its connection to the ghost and its stream; statement.h (the
 * statement text, pure) and watch.h (the DDL watch, pure) are its parts.
 * It knows nothing of the run around it: the phase machine hands it an
 * osc_applier_config.
 *
 * The applier replays the binlog's row changes on the table onto the ghost
 * (DESIGN.md section 4).
 *
 * A thread reads the binary log from the position noted before the copy
 * began, keeps the row events of `db`.`t` (by name: table ids change), and
 * replays each committed transaction onto the ghost in one transaction of
 * its own, in commit order, through the plan's column mapping: inserts and
 * updates as REPLACE of the after-image (an update that changes the shared
 * key first deletes the old key), deletes as DELETE by the key. When the
 * ALTER adds or narrows a unique key, REPLACE could silently delete a
 * conflicting row, so each row is written as DELETE by the shared key plus
 * a plain INSERT instead, and a duplicate-key error aborts the run naming
 * the key. A statement on the table in the binlog (DDL, or DML logged as a
 * statement) aborts the run.
 *
 * The applied position (the end of the last replayed transaction, or the
 * server's position from a heartbeat when nothing is pending) is what the
 * cut-over waits for.
 */
#ifndef OSC_REPLAY_APPLIER_H
#define OSC_REPLAY_APPLIER_H

#include "util/compat.h"
#include "binlog/binlog.h"
#include "ddl/ddl.h"
#include "util/db.h"
#include "util/strbuf.h"

struct osc_applier;

/*
 * What the applier needs to know, filled by the phase machine. Everything
 * is borrowed and must outlive the applier.
 */
struct osc_applier_config {
	const struct ddl_plan *plan;	 /* column mapping and shared key */
	const char *db;			 /* the table's database */
	const char *table;		 /* the table whose changes are replayed */
	const char *ghost;		 /* the ghost table they are replayed on */
	const struct db_options *dbopts; /* how to connect (stream and ghost) */
	/* The server's rule for the names (util/ident.h). */
	int lower_case_table_names;
	/*
	 * The copy reads the source without locks: remember the removals
	 * replayed while a chunk is in flight and delete them again after
	 * it (applier.c, DESIGN.md 4); the copier brackets each chunk with
	 * osc_applier_chunk_begin() and osc_applier_chunk_end().
	 */
	int lockless_copy;
	/*
	 * A Galera node (issue 16): its server id. A row change of the
	 * table whose event carries another server id was made on another
	 * node (Galera keeps the origin's id in the binlog), and fails the
	 * run: the cut-over's lock cannot stop writers on other nodes.
	 * 0: not Galera, no such check.
	 */
	uint32_t galera_server_id;
};

/*
 * Open the stream at `start` (a transaction boundary read with
 * binlog_server_position()), register the table's schema with the
 * decoder, and start the thread. Returns NULL with err on failure.
 */
struct osc_applier *osc_applier_start(const struct osc_applier_config *cfg,
				      const struct binlog_pos *start,
				      struct strbuf *err);

/* Stop the thread and free everything (also after a failure). */
void osc_applier_stop(struct osc_applier *a);

/* 1 when the thread has failed; the reason is copied to err. */
int osc_applier_failed(struct osc_applier *a, struct strbuf *err);

/*
 * Wait until everything up to `pos` has been replayed, at most
 * `timeout_ms`. Returns 0 when caught up, 1 on timeout, -1 when the
 * applier failed (err says why).
 */
int osc_applier_wait_for(struct osc_applier *a, const struct binlog_pos *pos,
			 unsigned int timeout_ms, struct strbuf *err);

/*
 * Lend the applier the cut-over's locking connection (MySQL 8: LOCK
 * TABLES t WRITE, ghost WRITE, then RENAME under the lock). While that
 * connection holds the ghost, no other session can write to it, so the
 * final replay must run on it: from the next ghost transaction on (and at
 * once for one that waits for the lock on its own connection), the
 * applier runs its transactions there, without BEGIN (which would release
 * the locks). lock_conn = NULL takes it back, waiting until no statement
 * of the applier runs on it; the caller must do that before it uses the
 * connection again. The caller keeps the connection.
 */
void osc_applier_lend(struct osc_applier *a, struct db *lock_conn);

/*
 * The cut-over is about to rename: from now on a RENAME of the table in
 * the binlog is ours (it ends the replay), and row events on the table
 * are counted as writes that slipped past the lock. `on` = 0 when the
 * attempt failed and writers go on with the table.
 */
void osc_applier_expect_rename(struct osc_applier *a, int on);

/*
 * DROP, CREATE and ALTER statements (QUERY events) from server connection
 * `thread_id` are the cut-over's own (moving the table's triggers and
 * foreign keys): the DDL watch lets them pass instead of ending the
 * replay.
 */
void osc_applier_own_ddl(struct osc_applier *a, unsigned long thread_id);

/*
 * on = 1: run no replayed change on the ghost until called with 0 (the
 * ghost has the table's triggers, which must not fire for changes
 * already in the binary log). Reading the binary log goes on, and so does
 * the RENAME watch; a stopping applier is not held.
 */
void osc_applier_hold(struct osc_applier *a, int on);

/*
 * After the cut-over's RENAME: keep reading until the RENAME statement on
 * the table shows up in the binlog, and count the row events on the table
 * between the locked position and it (a write that slipped past the lock;
 * DESIGN.md 5.5). Returns the number of such rows (0 is the expected
 * answer), or -1 when the RENAME was not seen within timeout_ms.
 */
long osc_applier_verify_rename(struct osc_applier *a, unsigned int timeout_ms,
			       struct strbuf *err);

/*
 * A copy chunk is about to read the source (before its statement is
 * sent), and it has committed (after its statement returned). Called by
 * the copier's thread; cheap. With lockless_copy, osc_applier_wait_for()
 * also waits until the removals of the ended chunks are deleted again.
 */
void osc_applier_chunk_begin(struct osc_applier *a);
void osc_applier_chunk_end(struct osc_applier *a);

/* Counters for progress. */
struct osc_applier_stats {
	uint64_t transactions;	/* transactions replayed */
	uint64_t rows;		/* row changes replayed */
	struct binlog_pos applied;
	struct binlog_pos server; /* the server's position (heartbeats) */
	long long lag_ms;	/* now - timestamp of the last event read */
};
void osc_applier_stats(struct osc_applier *a, struct osc_applier_stats *st);

#endif
