/*
 * engine-throttle-internal.h: the engine's side of throttling (DESIGN.md
 * section 6), for osc/migrate/engine.c only.
 *
 * osc_throttle_new() turns the options into a throttler: the replicas
 * from --replica and, with --discover-replicas (the default), the ones the
 * primary lists, minus --ignore-replica; the load specs, the flag file and
 * the throttle query. osc_throttle_start() starts its probing thread once
 * the changelog table exists and the heartbeat writes into it. The copier
 * asks osc_throttle_should_pause() before each chunk; the engine waits in
 * osc_throttle_wait() before the cut-over, and shows the state through
 * osc_throttle_fill_status(). A --critical-load abort is seen by the
 * copier's should_stop (osc_throttle_aborted()) and fails the run.
 *
 * Every function accepts a NULL throttle (the run failed before it was
 * made) and then does nothing: should_pause says run, aborted says no.
 * The functions are called from the engine's thread only; the throttler
 * itself (osc_throttle_throttler()) is thread-safe, for the status socket.
 */
#ifndef OSC_OSC_ENGINE_THROTTLE_INTERNAL_H
#define OSC_OSC_ENGINE_THROTTLE_INTERNAL_H

#include "chunker/chunker.h"
#include "osc/migrate/settings.h"
#include "osc/ops/progress.h"
#include "osc/migrate/run.h"
#include "throttle/throttle.h"
#include "util/strbuf.h"

struct osc_throttle;

/*
 * Build the throttler from run->opts, discovering replicas on
 * run->pf->db. Call before the binlog reader starts (its dump thread
 * would be discovered as a replica). Opens no connection but the
 * discovery's queries; prints which replicas are watched. NULL with one
 * line in `err` when discovery fails (the fix is in the message).
 */
struct osc_throttle *osc_throttle_new(struct osc_run *run, struct strbuf *err);

/* Start the probing thread (one round of probes first). -1 with err. */
int osc_throttle_start(struct osc_throttle *ot, struct strbuf *err);

/*
 * The chunk sizing of the options into the copier's options (pure):
 * fixed --chunk-size, or --chunk-time adapting between --chunk-size-min
 * and --chunk-size-max from a first chunk of 1000 rows (bounded), and
 * for rows of about `row_bytes` (0: unknown) at most
 * --chunk-size-max-bytes per chunk.
 */
void osc_throttle_copy_sizing(const struct osc_options *o, uint64_t row_bytes,
			      struct chunk_copy_opts *co);

/*
 * The copier's should_pause: 1 while the copy must wait. Says so on a
 * change ("copy paused at 1200 rows: lag 4.2s on db2:3306", "copy resumed
 * at 1200 rows after 3.1s (throttled 5.0s in all)"). An abort decision is
 * kept (see osc_throttle_aborted) and answered with 1, so the copier
 * stays put until should_stop sees it.
 */
int osc_throttle_should_pause(struct osc_throttle *ot, uint64_t rows_copied);
/* The same for --verify ("verify paused at 1200 rows: ..."). */
int osc_throttle_should_pause_verify(struct osc_throttle *ot,
				     uint64_t rows_verified);

/* 1 after a --critical-load abort, its reason appended to err (if any). */
int osc_throttle_aborted(struct osc_throttle *ot, struct strbuf *err);

/*
 * Log the chunk size the copier chose next, when it changed (at -v), or
 * every chunk's size and time (at -vv).
 */
void osc_throttle_on_chunk(struct osc_throttle *ot,
			   const struct chunk_progress *cp);

/*
 * Before the cut-over: wait while any throttle condition holds (a replica
 * lagging over --max-lag, load, the flag file, the query), calling
 * `progress` every poll. Returns 0 when free to go, -1 with err when
 * should_stop() says so or critical load aborts.
 */
int osc_throttle_wait(struct osc_throttle *ot, int (*should_stop)(void *),
		      void (*progress)(void *), void *ctx, struct strbuf *err);

/* 1 when the latest decision pauses (checked now). */
int osc_throttle_paused(struct osc_throttle *ot);

/*
 * Fill the throttle fields of a status: throttled, throttle_reason,
 * throttled_ms, max_lag_ms, max_lag_replica. The strings point into `ot`
 * and stay valid until the next call.
 */
void osc_throttle_fill_status(struct osc_throttle *ot,
			      struct progress_status *st);

/* The throttler, for the status socket's commands; NULL without one. */
struct throttler *osc_throttle_throttler(struct osc_throttle *ot);

/* Stop the probing thread; the last state stays readable. */
void osc_throttle_stop(struct osc_throttle *ot);
/* Stop and free. */
void osc_throttle_free(struct osc_throttle *ot);

#endif
