/*
 * engine-ops.h: what a DBA watches and controls during a run (DESIGN.md
 * section 7), for the engine only (engine.c calls it at a few points).
 *
 * One struct engine_ops per --execute run. It owns:
 *
 *  - the latest status of the run (a struct progress_status the engine
 *    publishes with engine_ops_report(), plus what this module adds:
 *    the user's pause, the postponed cut-over, the chunk size), which
 *    the progress reporter shows, the status socket answers and the
 *    hooks get in their environment;
 *  - the status socket (--status-socket) and its commands;
 *  - the hooks (--hooks-dir): the engine runs the phase hooks on its own
 *    thread (engine_ops_hook, the cut-over gate, engine_ops_finish); a
 *    thread of this module runs on-status every --status-interval and
 *    on-throttled / on-unthrottled, so they never hold up the copy;
 *  - the stop conditions: the `panic` command, --panic-flag-file and
 *    --max-runtime, polled by engine_ops_should_stop() from the loops
 *    of the engine (per chunk, while paused, while waiting);
 *  - the cut-over gate: --postpone-cut-over-flag-file, the `cut-over`
 *    command and the on-before-cut-over hook.
 *
 * Throttling: the throttler (throttle/throttle.h) is created elsewhere
 * (engine-throttle.c). Once it exists the engine hands it over with
 * engine_ops_set_throttler(); the socket's throttle, no-throttle,
 * max-lag and max-load then act on it, and the status shows its
 * readings. Without one, throttle and no-throttle set a pause of this
 * module's own (engine_ops_should_pause(), which the copier's
 * should_pause consults), and max-lag and max-load answer "error: ...
 * is not available in this run".
 *
 * Threads: the engine calls everything from its own thread, except that
 * engine_ops_report() may be called from any thread. The socket and
 * hook threads only read the published status and set flags, under the
 * module's lock.
 */
#ifndef OSC_OSC_ENGINE_OPS_H
#define OSC_OSC_ENGINE_OPS_H

#include "util/compat.h"
#include "osc/ops/hooks.h"
#include "osc/ops/progress.h"
#include "osc/migrate/run.h"
#include "util/strbuf.h"

struct engine_ops;
struct throttler;

/*
 * Start: the status socket (when asked for), the hook thread (when
 * --hooks-dir is given), the clocks of --max-runtime and
 * --status-interval. `progress` (the engine's reporter, may be NULL)
 * shows what engine_ops_report() publishes. NULL with one line in err
 * when the socket cannot be served (nothing is left behind).
 */
struct engine_ops *engine_ops_start(struct osc_run *run,
				    struct progress *progress,
				    struct strbuf *err);

/*
 * Publish the engine's status (`st` is copied; its strings must live as
 * long as the run: phase names, the run's names) with what this module
 * knows added, and show it: now when `force`, otherwise when the
 * progress schedule says so. Detects throttled/unthrottled changes for
 * the hooks. Safe with ops NULL.
 */
void engine_ops_report(struct engine_ops *ops,
		       const struct progress_status *st, int force);

/*
 * Run the hooks of a phase event now, on the calling thread (at most
 * --hook-timeout each). A failure is a warning: only on-before-cut-over
 * has a say (see engine_ops_cut_over_gate()).
 */
void engine_ops_hook(struct engine_ops *ops, enum hook_event ev);

/* The copier's should_pause: the user's pause when no throttler. */
int engine_ops_should_pause(struct engine_ops *ops);

/*
 * The stop conditions: the panic command, the panic flag file,
 * --max-runtime. 1 when the run must stop (and from then on); logs the
 * reason once. Always 0 after engine_ops_swapped().
 */
int engine_ops_should_stop(struct engine_ops *ops);

/*
 * 1 when the stop condition that fired is `panic --keep`: the run stops
 * keeping the ghost and the changelog for a later --resume.
 */
int engine_ops_keep(struct engine_ops *ops);

/* 1 with the reason appended to `why` when a stop condition fired. */
int engine_ops_stop_reason(struct engine_ops *ops, struct strbuf *why);

/*
 * The copier's next_chunk_rows: the size set by `chunk-size=N` on the
 * socket once (0 otherwise: keep `rows`). Records the size in use for
 * the status.
 */
unsigned long long engine_ops_next_chunk_rows(struct engine_ops *ops,
					      unsigned long long rows);

/*
 * The gate between the copy and the cut-over. Waits while the postpone
 * flag file exists (until the `cut-over` command releases it), then runs
 * on-before-cut-over until it succeeds (again every --status-interval
 * after a failure). Meanwhile the applier keeps replaying; `refresh`
 * (may be NULL) is called about every 200 ms so the status stays fresh,
 * and `should_stop` (may be NULL) is polled along with the stop
 * conditions. Returns 0 when the cut-over may go, -1 when the run must
 * stop (err gets a line only for a reason the engine cannot tell itself:
 * engine_ops_stop_reason() and the applier give theirs).
 */
int engine_ops_cut_over_gate(struct engine_ops *ops,
			     void (*refresh)(void *ctx),
			     int (*should_stop)(void *ctx), void *ctx,
			     struct strbuf *err);

/* The tables are swapped: nothing may abort the run any more. */
void engine_ops_swapped(struct engine_ops *ops);

/*
 * Hand over the throttler (NULL takes it back: do that before freeing
 * it). Thread-safe. See the top of this file.
 */
void engine_ops_set_throttler(struct engine_ops *ops, struct throttler *t);

/*
 * The end: run on-success (status 0) or on-failure (with
 * OSC_EXIT_STATUS = status, or 3 when a signal stopped the run, and
 * OSC_MESSAGE = message), stop the threads, remove the socket, free.
 * Safe with ops NULL.
 */
void engine_ops_finish(struct engine_ops *ops, int status,
		       const char *message);

#endif
