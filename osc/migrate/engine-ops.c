/*
 * engine-ops.c: the status, the controls and the hooks of a running
 * migration (see engine-ops.h).
 *
 * The engine publishes its status at every chunk and from every wait
 * loop; this file keeps the last one under a lock, adds what only it
 * knows (the user's pause, the postponed cut-over, the chunk size, the
 * throttler's readings) and serves it to the progress reporter, to the
 * status socket thread and to the hooks. The controls are flags the
 * socket thread sets and the engine's loops poll, so nothing here ever
 * stops a thread in the middle of a statement: a `panic` takes effect at
 * the next chunk or the next turn of a wait loop.
 *
 * Hooks at phase points run on the engine's thread, because the phase
 * waits for them (bounded by --hook-timeout); on-status, on-throttled and
 * on-unthrottled run on a thread of their own, so that a slow hook never
 * holds up the copy.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/migrate/engine-ops.h"
#include "osc/migrate/cleanup.h"
#include "osc/ops/flags.h"
#include "osc/ops/status-socket.h"
#include "throttle/throttle.h"
#include "util/log.h"
#include "util/wrapper.h"

#include <pthread.h>
#include <time.h>

#define GATE_POLL_MS 200
#define HOOK_QUEUE_MAX 16

struct engine_ops {
	struct osc_run *run;
	const struct osc_options *opts;
	struct progress *progress;
	struct status_socket *socket;
	struct hooks_config hooks;
	uint64_t start_ms;

	pthread_mutex_t lock;
	pthread_cond_t wake;	/* the hook thread: queue, stop */

	/* Under lock. */
	struct progress_status snap;	/* last published, ours added */
	uint64_t snap_ms;		/* when it was published */
	struct strbuf reason;		/* snap.throttle_reason's text */
	struct strbuf lag_replica;	/* snap.max_lag_replica's text */
	struct throttler *throttler;
	int user_pause;
	uint64_t user_pause_since_ms;
	uint64_t user_paused_ms;	/* before the current pause */
	unsigned long long chunk_rows;		/* in use */
	unsigned long long chunk_rows_wanted;	/* 0: no change asked */
	int postponed;
	int released;		/* `cut-over`: ignore the flag file */
	int retry_hook_now;	/* `cut-over`: run the gate's hook again */
	int panic;		/* 2: panic --keep */
	int was_throttled;
	enum hook_event queue[HOOK_QUEUE_MAX];
	size_t queue_nr;
	int stopping;

	/* The engine's thread only. */
	int stop;
	int keep;		/* the stop was a panic --keep */
	struct strbuf stop_why;
	int swapped;
	int hook_thread_started;
	pthread_t hook_thread;
};

/* ---- the status ------------------------------------------------------ */

/*
 * Add what this module knows to `st` at `now`. The throttler's readings
 * are taken only when the engine publishes (`publish`), because the
 * strings they set point into ops->reason and ops->lag_replica, which
 * must not change under the published status's feet; the readers (the
 * socket, the hooks) copy the published status under the lock.
 */
static void overlay_locked(struct engine_ops *ops, struct progress_status *st,
			   uint64_t now, int publish)
{
	if (ops->throttler && publish) {
		struct throttle_snapshot ts;

		throttle_snapshot_init(&ts);
		throttle_get_snapshot(ops->throttler, &ts);
		st->throttled = ts.action != THROTTLE_RUN;
		strbuf_reset(&ops->reason);
		strbuf_addbuf(&ops->reason, &ts.reason);
		st->throttle_reason = st->throttled ? ops->reason.buf : NULL;
		st->throttled_ms = ts.throttled_ms;
		strbuf_reset(&ops->lag_replica);
		strbuf_addbuf(&ops->lag_replica, &ts.max_lag_replica);
		if (ts.max_lag_ms >= 0) {
			st->max_lag_ms = ts.max_lag_ms;
			st->max_lag_replica = ops->lag_replica.len
						      ? ops->lag_replica.buf
						      : NULL;
		} else {
			st->max_lag_ms = -1;
			st->max_lag_replica = NULL;
		}
		throttle_snapshot_release(&ts);
	} else if (!ops->throttler &&
		   (ops->user_pause || ops->user_paused_ms)) {
		st->throttled = ops->user_pause;
		st->throttle_reason =
			ops->user_pause ? "throttled by user" : NULL;
		st->throttled_ms = ops->user_paused_ms +
				   (ops->user_pause
					    ? now - ops->user_pause_since_ms
					    : 0);
	}
	if (ops->postponed) {
		st->cut_over_postponed = 1;
		st->phase = "postponed";
	}
	if (st->phase && !strcmp(st->phase, "copy"))
		st->chunk_size = ops->chunk_rows;
}

static void queue_hook_locked(struct engine_ops *ops, enum hook_event ev)
{
	if (!ops->hook_thread_started || ops->queue_nr == HOOK_QUEUE_MAX)
		return;
	ops->queue[ops->queue_nr++] = ev;
	pthread_cond_signal(&ops->wake);
}

void engine_ops_report(struct engine_ops *ops,
		       const struct progress_status *st, int force)
{
	uint64_t now = clock_ms();

	if (!ops)
		return;
	pthread_mutex_lock(&ops->lock);
	ops->snap = *st;
	ops->snap_ms = now;
	overlay_locked(ops, &ops->snap, now, 1);
	if (ops->snap.throttled != ops->was_throttled) {
		ops->was_throttled = ops->snap.throttled;
		queue_hook_locked(ops, ops->snap.throttled
					       ? HOOK_ON_THROTTLED
					       : HOOK_ON_UNTHROTTLED);
	}
	if (force)
		progress_show(ops->progress, &ops->snap);
	else
		progress_update(ops->progress, &ops->snap);
	pthread_mutex_unlock(&ops->lock);
}

/* The status now: the last published one, its clocks moved on. */
static void current_locked(struct engine_ops *ops, struct progress_status *st)
{
	uint64_t now = clock_ms();

	*st = ops->snap;
	st->elapsed_ms += now - ops->snap_ms;
	overlay_locked(ops, st, now, 0);
}

/* ---- hooks ----------------------------------------------------------- */

/* A status copied out of the lock, with its own strings. */
struct hook_call {
	struct progress_status st;
	struct strbuf reason;
	struct strbuf replica;
	struct strbuf json;
};

static void hook_call_take(struct engine_ops *ops, struct hook_call *hc)
{
	strbuf_init(&hc->reason, 0);
	strbuf_init(&hc->replica, 0);
	strbuf_init(&hc->json, 0);
	pthread_mutex_lock(&ops->lock);
	current_locked(ops, &hc->st);
	if (hc->st.throttle_reason)
		strbuf_addstr(&hc->reason, hc->st.throttle_reason);
	if (hc->st.max_lag_replica)
		strbuf_addstr(&hc->replica, hc->st.max_lag_replica);
	pthread_mutex_unlock(&ops->lock);
	hc->st.throttle_reason = hc->st.throttle_reason ? hc->reason.buf : NULL;
	hc->st.max_lag_replica = hc->st.max_lag_replica ? hc->replica.buf
							: NULL;
	progress_format_json(&hc->st, &hc->json);
}

static void hook_call_release(struct hook_call *hc)
{
	strbuf_release(&hc->reason);
	strbuf_release(&hc->replica);
	strbuf_release(&hc->json);
}

/*
 * Run the hooks of `ev` with the status of `hc`. Returns what
 * hooks_run() returns, with its message in `err`.
 */
static int run_hooks(struct engine_ops *ops, enum hook_event ev,
		     const struct hook_call *hc, int exit_status,
		     const char *message, struct strbuf *err)
{
	const struct osc_table_facts *t = &ops->run->pf->table;
	struct hooks_env env = HOOKS_ENV_INIT;
	double pct = progress_percent(&hc->st);

	env.database = t->db;
	env.table = t->table;
	env.ghost_table = t->ghost_name;
	env.old_table = t->old_name;
	env.changelog_table = t->changelog_name;
	env.alter = ops->run->alter_text;
	env.host = ops->run->pf->server.where;
	env.phase = hc->st.phase;
	env.dry_run = 0;
	env.rows_copied = (int64_t)hc->st.rows_copied;
	env.rows_estimate = hc->st.rows_estimate
				    ? (int64_t)hc->st.rows_estimate
				    : -1;
	env.percent = pct;
	env.eta_seconds = progress_eta_seconds(&hc->st);
	env.elapsed_seconds = (int64_t)(hc->st.elapsed_ms / 1000);
	env.events_applied = (int64_t)hc->st.events_applied;
	env.max_lag_ms = hc->st.max_lag_ms;
	env.throttled = hc->st.throttled ? 1 : 0;
	env.throttle_reason = hc->st.throttled ? hc->st.throttle_reason : NULL;
	env.exit_status = exit_status;
	env.message = message;
	env.status_json = hc->json.buf;
	return hooks_run(&ops->hooks, ev, &env, err);
}

void engine_ops_hook(struct engine_ops *ops, enum hook_event ev)
{
	struct hook_call hc;
	struct strbuf err = STRBUF_INIT;

	if (!ops || !ops->hooks.dir)
		return;
	hook_call_take(ops, &hc);
	if (run_hooks(ops, ev, &hc, -1, NULL, &err))
		warning("%s", err.buf);
	hook_call_release(&hc);
	strbuf_release(&err);
}

/* on-status every --status-interval, and the queued throttle events. */
static void *hook_main(void *arg)
{
	struct engine_ops *ops = arg;
	uint64_t every = ops->opts->status_interval_ms;
	uint64_t next = clock_ms() + every;

	pthread_mutex_lock(&ops->lock);
	while (!ops->stopping) {
		enum hook_event ev;
		uint64_t now = clock_ms();

		if (ops->queue_nr) {
			ev = ops->queue[0];
			memmove(ops->queue, ops->queue + 1,
				--ops->queue_nr * sizeof(*ops->queue));
		} else if (now >= next) {
			ev = HOOK_ON_STATUS;
			next = now + every;
		} else {
			struct timespec ts;
			uint64_t left = next - now;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += (time_t)(left / 1000);
			ts.tv_nsec += (long)(left % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&ops->wake, &ops->lock, &ts);
			continue;
		}
		pthread_mutex_unlock(&ops->lock);
		engine_ops_hook(ops, ev);
		pthread_mutex_lock(&ops->lock);
	}
	pthread_mutex_unlock(&ops->lock);
	return NULL;
}

/* ---- the status socket ----------------------------------------------- */

static void op_status(void *data, struct strbuf *json)
{
	struct engine_ops *ops = data;
	struct progress_status st;

	pthread_mutex_lock(&ops->lock);
	current_locked(ops, &st);
	progress_format_json(&st, json);
	pthread_mutex_unlock(&ops->lock);
}

static void op_set_throttle(void *data, int on)
{
	struct engine_ops *ops = data;
	uint64_t now = clock_ms();
	int changed = 0;

	pthread_mutex_lock(&ops->lock);
	if (ops->throttler) {
		throttle_set_user(ops->throttler, on);
		changed = 1;
	} else if (on && !ops->user_pause) {
		ops->user_pause = 1;
		ops->user_pause_since_ms = now;
		changed = 1;
	} else if (!on && ops->user_pause) {
		ops->user_paused_ms += now - ops->user_pause_since_ms;
		ops->user_pause = 0;
		changed = 1;
	}
	pthread_mutex_unlock(&ops->lock);
	if (changed)
		info(on ? "throttled by user (status socket)"
			: "user throttle released (status socket)");
}

static int op_set_chunk_size(void *data, unsigned long long rows,
			     struct strbuf *err)
{
	struct engine_ops *ops = data;

	pthread_mutex_lock(&ops->lock);
	ops->chunk_rows_wanted = rows;
	pthread_mutex_unlock(&ops->lock);
	info("chunk size set to %llu rows from the next chunk (status socket)",
	     rows);
	return 0;
}

static unsigned long long op_get_chunk_size(void *data)
{
	struct engine_ops *ops = data;
	unsigned long long v;

	pthread_mutex_lock(&ops->lock);
	v = ops->chunk_rows_wanted ? ops->chunk_rows_wanted : ops->chunk_rows;
	pthread_mutex_unlock(&ops->lock);
	return v;
}

static int op_set_max_lag(void *data, unsigned long long ms,
			  struct strbuf *err)
{
	struct engine_ops *ops = data;
	int ret = 0;

	pthread_mutex_lock(&ops->lock);
	if (ops->throttler)
		throttle_set_max_lag_ms(ops->throttler, ms);
	else
		ret = -1;
	pthread_mutex_unlock(&ops->lock);
	if (ret)
		strbuf_addstr(err, "max-lag is not available in this run");
	else
		info("max lag set to %llu ms (status socket)", ms);
	return ret;
}

static unsigned long long op_get_max_lag(void *data)
{
	struct engine_ops *ops = data;
	unsigned long long v = 0;

	pthread_mutex_lock(&ops->lock);
	if (ops->throttler) {
		struct throttle_snapshot ts;

		throttle_snapshot_init(&ts);
		throttle_get_snapshot(ops->throttler, &ts);
		v = ts.max_lag_limit_ms;
		throttle_snapshot_release(&ts);
	}
	pthread_mutex_unlock(&ops->lock);
	return v;
}

static int op_set_max_load(void *data, const struct throttle_load_spec *spec,
			   struct strbuf *err)
{
	struct engine_ops *ops = data;
	int ret = -1;

	pthread_mutex_lock(&ops->lock);
	if (ops->throttler)
		ret = throttle_set_max_load(ops->throttler, spec, err);
	else
		strbuf_addstr(err, "max-load is not available in this run");
	pthread_mutex_unlock(&ops->lock);
	if (!ret) {
		struct strbuf text = STRBUF_INIT;

		throttle_load_spec_format(spec, &text);
		info("max load set to '%s' (status socket)", text.buf);
		strbuf_release(&text);
	}
	return ret;
}

static void op_get_max_load(void *data, struct strbuf *out)
{
	struct engine_ops *ops = data;

	pthread_mutex_lock(&ops->lock);
	if (ops->throttler) {
		struct throttle_snapshot ts;

		throttle_snapshot_init(&ts);
		throttle_get_snapshot(ops->throttler, &ts);
		strbuf_addbuf(out, &ts.max_load);
		throttle_snapshot_release(&ts);
	}
	pthread_mutex_unlock(&ops->lock);
}

static int op_cut_over(void *data, struct strbuf *err)
{
	struct engine_ops *ops = data;
	const struct osc_options *o = ops->opts;

	if (!o->postpone_cut_over_flag_file && !ops->hooks.dir) {
		strbuf_addstr(err, "nothing postpones the cut-over in this run "
				   "(no --postpone-cut-over-flag-file, no "
				   "--hooks-dir)");
		return -1;
	}
	pthread_mutex_lock(&ops->lock);
	ops->released = 1;
	ops->retry_hook_now = 1;
	pthread_mutex_unlock(&ops->lock);
	info("cut-over released by the 'cut-over' command (status socket)");
	return 0;
}

static void op_panic(void *data)
{
	struct engine_ops *ops = data;

	pthread_mutex_lock(&ops->lock);
	if (!ops->panic)
		ops->panic = 1;
	pthread_mutex_unlock(&ops->lock);
}

static void op_panic_keep(void *data)
{
	struct engine_ops *ops = data;

	pthread_mutex_lock(&ops->lock);
	ops->panic = 2;
	pthread_mutex_unlock(&ops->lock);
}

/* ---- start and end --------------------------------------------------- */

struct engine_ops *engine_ops_start(struct osc_run *run,
				    struct progress *progress,
				    struct strbuf *err)
{
	const struct osc_options *o = run->opts;
	struct engine_ops *ops = xcalloc(1, sizeof(*ops));
	pthread_condattr_t ca;

	ops->run = run;
	ops->opts = o;
	ops->progress = progress;
	ops->start_ms = clock_ms();
	ops->snap = (struct progress_status)PROGRESS_STATUS_INIT;
	ops->snap.database = run->pf->table.db;
	ops->snap.table = run->pf->table.table;
	ops->snap.rows_estimate = run->pf->table.rows_estimate;
	ops->snap_ms = ops->start_ms;
	ops->chunk_rows = o->chunk_rows;
	ops->hooks.dir = o->hooks_dir && *o->hooks_dir ? o->hooks_dir : NULL;
	ops->hooks.timeout_ms = (unsigned int)o->hook_timeout_ms;
	strbuf_init(&ops->reason, 0);
	strbuf_init(&ops->lag_replica, 0);
	strbuf_init(&ops->stop_why, 0);
	pthread_mutex_init(&ops->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ops->wake, &ca);
	pthread_condattr_destroy(&ca);

	if (o->status_socket && *o->status_socket) {
		struct status_socket_ops so = {
			.data = ops,
			.status = op_status,
			.set_throttle = op_set_throttle,
			.set_chunk_size = op_set_chunk_size,
			.get_chunk_size = op_get_chunk_size,
			.set_max_lag = op_set_max_lag,
			.get_max_lag = op_get_max_lag,
			.set_max_load = op_set_max_load,
			.get_max_load = op_get_max_load,
			.cut_over = op_cut_over,
			.panic = op_panic,
			.panic_keep = op_panic_keep,
		};

		ops->socket = status_socket_start(o->status_socket, &so, err);
		if (!ops->socket) {
			engine_ops_finish(ops, -1, NULL);
			return NULL;
		}
		verbose("status socket: serving on '%s'", o->status_socket);
	}
	if (ops->hooks.dir) {
		if (thread_create(&ops->hook_thread, hook_main, ops)) {
			strbuf_addstr(err, "cannot start the hook thread");
			engine_ops_finish(ops, -1, NULL);
			return NULL;
		}
		ops->hook_thread_started = 1;
	}
	return ops;
}

void engine_ops_finish(struct engine_ops *ops, int status,
		       const char *message)
{
	if (!ops)
		return;
	if (status == 0) {
		engine_ops_swapped(ops);
		if (ops->hooks.dir) {
			struct hook_call hc;
			struct strbuf err = STRBUF_INIT;

			hook_call_take(ops, &hc);
			if (run_hooks(ops, HOOK_ON_SUCCESS, &hc, 0, NULL,
				      &err))
				warning("%s", err.buf);
			hook_call_release(&hc);
			strbuf_release(&err);
		}
	} else if (status > 0 && ops->hooks.dir) {
		struct hook_call hc;
		struct strbuf err = STRBUF_INIT;
		int exit_status = status;

		/* main's cleanup_exit() turns a signalled failure into 3. */
		if (cleanup_interrupted() && status != OSC_EXIT_CLEANUP_INCOMPLETE)
			exit_status = OSC_EXIT_INTERRUPTED;
		hook_call_take(ops, &hc);
		if (run_hooks(ops, HOOK_ON_FAILURE, &hc, exit_status,
			      message && *message ? message : NULL, &err))
			warning("%s", err.buf);
		hook_call_release(&hc);
		strbuf_release(&err);
	}
	if (ops->hook_thread_started) {
		pthread_mutex_lock(&ops->lock);
		ops->stopping = 1;
		pthread_cond_signal(&ops->wake);
		pthread_mutex_unlock(&ops->lock);
		pthread_join(ops->hook_thread, NULL);
	}
	status_socket_stop(ops->socket);
	pthread_cond_destroy(&ops->wake);
	pthread_mutex_destroy(&ops->lock);
	strbuf_release(&ops->reason);
	strbuf_release(&ops->lag_replica);
	strbuf_release(&ops->stop_why);
	free(ops);
}

void engine_ops_set_throttler(struct engine_ops *ops, struct throttler *t)
{
	if (!ops)
		return;
	pthread_mutex_lock(&ops->lock);
	ops->throttler = t;
	/* A pause asked for before the throttler existed moves to it. */
	if (t && ops->user_pause) {
		ops->user_paused_ms += clock_ms() - ops->user_pause_since_ms;
		ops->user_pause = 0;
		throttle_set_user(t, 1);
	}
	pthread_mutex_unlock(&ops->lock);
}

/* ---- the engine's polls ---------------------------------------------- */

int engine_ops_should_pause(struct engine_ops *ops)
{
	int v;

	if (!ops)
		return 0;
	pthread_mutex_lock(&ops->lock);
	v = !ops->throttler && ops->user_pause;
	pthread_mutex_unlock(&ops->lock);
	return v;
}

int engine_ops_should_stop(struct engine_ops *ops)
{
	const struct osc_options *o;
	int panic;

	if (!ops || ops->swapped)
		return 0;
	if (ops->stop)
		return 1;
	o = ops->opts;
	pthread_mutex_lock(&ops->lock);
	panic = ops->panic;
	pthread_mutex_unlock(&ops->lock);
	if (panic == 2) {
		ops->keep = 1;
		strbuf_addstr(&ops->stop_why, "stopped by the 'panic --keep' "
					      "command on the status socket");
	} else if (panic) {
		strbuf_addstr(&ops->stop_why, "aborted by the 'panic' command "
					      "on the status socket");
	} else if (flag_file_exists(o->panic_flag_file)) {
		strbuf_addf(&ops->stop_why, "aborted: the panic flag file "
			    "'%s' exists", o->panic_flag_file);
	} else if (o->max_runtime_ms &&
		   clock_ms() - ops->start_ms >= o->max_runtime_ms) {
		strbuf_addstr(&ops->stop_why, "aborted: the run went on longer "
					      "than --max-runtime=");
		osc_format_duration(&ops->stop_why, o->max_runtime_ms);
	} else {
		return 0;
	}
	ops->stop = 1;
	info("%s; stopping", ops->stop_why.buf);
	return 1;
}

int engine_ops_keep(struct engine_ops *ops)
{
	return ops && ops->stop && ops->keep;
}

int engine_ops_stop_reason(struct engine_ops *ops, struct strbuf *why)
{
	if (!ops || !ops->stop)
		return 0;
	strbuf_addbuf(why, &ops->stop_why);
	return 1;
}

unsigned long long engine_ops_next_chunk_rows(struct engine_ops *ops,
					      unsigned long long rows)
{
	unsigned long long ret = 0;

	if (!ops)
		return 0;
	pthread_mutex_lock(&ops->lock);
	if (ops->chunk_rows_wanted) {
		ret = ops->chunk_rows_wanted;
		ops->chunk_rows_wanted = 0;
		if (ret != rows)
			verbose("copy: chunk size %llu -> %llu rows", rows,
				ret);
	}
	ops->chunk_rows = ret ? ret : rows;
	pthread_mutex_unlock(&ops->lock);
	return ret;
}

void engine_ops_swapped(struct engine_ops *ops)
{
	if (ops)
		ops->swapped = 1;
}

/* ---- the cut-over gate ----------------------------------------------- */

static void set_postponed(struct engine_ops *ops, int on)
{
	pthread_mutex_lock(&ops->lock);
	ops->postponed = on;
	pthread_mutex_unlock(&ops->lock);
}

int engine_ops_cut_over_gate(struct engine_ops *ops,
			     void (*refresh)(void *ctx),
			     int (*should_stop)(void *ctx), void *ctx,
			     struct strbuf *err)
{
	const char *flag;
	uint64_t next_hook_ms = 0;
	int flag_on = 0, hook_failing = 0, ret = -1;

	if (!ops)
		return 0;
	flag = ops->opts->postpone_cut_over_flag_file;
	for (;;) {
		int released, retry_now, rc;
		struct hook_call hc;
		struct strbuf herr = STRBUF_INIT, every = STRBUF_INIT;

		if (engine_ops_should_stop(ops) ||
		    (should_stop && should_stop(ctx)))
			goto out;
		if (cleanup_should_stop()) {
			strbuf_addstr(err, "interrupted before the cut-over");
			goto out;
		}
		pthread_mutex_lock(&ops->lock);
		released = ops->released;
		retry_now = ops->retry_hook_now;
		ops->retry_hook_now = 0;
		pthread_mutex_unlock(&ops->lock);
		if (!released && flag_file_exists(flag)) {
			if (!flag_on)
				info("cut-over postponed while '%s' exists: "
				     "the copy is done and changes are still "
				     "replayed; remove the file (or send "
				     "'cut-over' to the status socket) to go "
				     "on", flag);
			flag_on = 1;
			set_postponed(ops, 1);
			goto wait;
		}
		if (flag_on && !released)
			info("cut-over no longer postponed: '%s' is gone",
			     flag);
		flag_on = 0;
		set_postponed(ops, hook_failing);
		if (!ops->hooks.dir)
			break;
		if (hook_failing && !retry_now && clock_ms() < next_hook_ms)
			goto wait;
		hook_call_take(ops, &hc);
		rc = run_hooks(ops, HOOK_ON_BEFORE_CUT_OVER, &hc, -1, NULL,
			       &herr);
		hook_call_release(&hc);
		if (!rc) {
			strbuf_release(&herr);
			break;
		}
		osc_format_duration(&every, ops->opts->status_interval_ms);
		warning("%s; the cut-over is postponed and the hook runs again "
			"every %s (or at once on 'cut-over' from the status "
			"socket)", herr.buf, every.buf);
		strbuf_release(&every);
		strbuf_release(&herr);
		hook_failing = 1;
		set_postponed(ops, 1);
		next_hook_ms = clock_ms() + ops->opts->status_interval_ms;
wait:
		if (refresh)
			refresh(ctx);
		clock_nap_ms(GATE_POLL_MS);
	}
	if (hook_failing)
		info("on-before-cut-over hooks passed; going on with the "
		     "cut-over");
	ret = 0;
out:
	set_postponed(ops, 0);
	return ret;
}
