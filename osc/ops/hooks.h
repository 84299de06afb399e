/*
 * hooks.h: run the user's executables at the events of a run
 * (--hooks-dir, --hook-timeout).
 *
 * For event E (say on-before-cut-over) the hooks are the executables in
 * the hooks directory named exactly E, or E followed by '.' or '-' and
 * anything (on-success.slack, on-success-01-log), run one after the other
 * in name order, synchronously. Each runs with:
 *
 *   - stdin from /dev/null; stdout and stderr captured through a pipe
 *     and logged by osc line by line as "hook 'PATH': LINE" (info
 *     level), so that they follow --log-format=json and -q, never reach
 *     osc's stdout (which carries only what was asked for) and never
 *     break the progress line on a terminal;
 *   - osc's environment plus the OSC_* variables of struct hooks_env;
 *   - its own process group, killed (SIGKILL) when it runs longer than
 *     the timeout, so a hook never blocks the run for longer than that.
 *
 * A missing hooks directory or no hook for an event is not an error. A
 * matching file that is not executable is skipped with a warning.
 *
 * Return value of hooks_run(): 0 when every hook exited 0 (or there was
 * none); otherwise the status of the first that failed, as a shell
 * reports it (1-255 its exit status, 128+N killed by signal N: a timeout
 * gives 137, 126 it could not be started), with one line in `err` naming
 * the hook; -1 when the hooks directory exists but cannot be read. Later hooks of the
 * same event still run (a notification hook should not be skipped
 * because another failed). The engine decides what a failure means: a
 * failing on-before-cut-over postpones the cut-over; for other events it
 * is a warning.
 */
#ifndef OSC_HOOKS_H
#define OSC_HOOKS_H

#include <stdint.h>
#include "util/strbuf.h"

enum hook_event {
	HOOK_ON_STARTUP,
	HOOK_ON_VALIDATED,
	HOOK_ON_ROW_COPY_COMPLETE,
	HOOK_ON_BEFORE_CUT_OVER,
	HOOK_ON_SUCCESS,
	HOOK_ON_FAILURE,
	HOOK_ON_STATUS,
	HOOK_ON_THROTTLED,	/* the copier paused (OSC_THROTTLE_REASON) */
	HOOK_ON_UNTHROTTLED,
	HOOK_EVENT_NR
};

/* "on-startup", ... */
const char *hooks_event_name(enum hook_event ev);

/*
 * The environment a hook sees. NULL strings and negative numbers are left
 * out. Variables: OSC_EVENT, OSC_DATABASE, OSC_TABLE, OSC_GHOST_TABLE,
 * OSC_OLD_TABLE, OSC_CHANGELOG_TABLE, OSC_ALTER, OSC_HOST, OSC_PHASE,
 * OSC_DRY_RUN (0/1), OSC_ROWS_COPIED, OSC_ROWS_ESTIMATE, OSC_PERCENT,
 * OSC_ETA_SECONDS, OSC_ELAPSED_SECONDS, OSC_EVENTS_APPLIED,
 * OSC_MAX_LAG_MS, OSC_THROTTLED (0/1), OSC_THROTTLE_REASON,
 * OSC_EXIT_STATUS (on-success/on-failure), OSC_MESSAGE (on-failure: the
 * error), OSC_STATUS_JSON (the status object of progress.h).
 */
struct hooks_env {
	const char *database;
	const char *table;
	const char *ghost_table;
	const char *old_table;
	const char *changelog_table;
	const char *alter;
	const char *host;
	const char *phase;
	int dry_run;
	int64_t rows_copied;
	int64_t rows_estimate;
	double percent;		/* < 0: omitted */
	int64_t eta_seconds;
	int64_t elapsed_seconds;
	int64_t events_applied;
	int64_t max_lag_ms;
	int throttled;		/* < 0: omitted */
	const char *throttle_reason;
	int exit_status;	/* < 0: omitted */
	const char *message;
	const char *status_json;
};

#define HOOKS_ENV_INIT                                                    \
	{ .rows_copied = -1, .rows_estimate = -1, .percent = -1,          \
	  .eta_seconds = -1, .elapsed_seconds = -1, .events_applied = -1, \
	  .max_lag_ms = -1, .throttled = -1, .exit_status = -1 }

struct hooks_config {
	const char *dir;		/* NULL or "": hooks are off */
	unsigned int timeout_ms;	/* 0: 60000 */
};

/* See the top of this file. */
int hooks_run(const struct hooks_config *cfg, enum hook_event ev,
	      const struct hooks_env *env, struct strbuf *err);

/* Append "NAME=value\n" for each variable of env (for tests and -v). */
void hooks_format_env(enum hook_event ev, const struct hooks_env *env,
		      struct strbuf *out);

#endif
