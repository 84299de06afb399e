/*
 * cleanup.h: the cleanup stack (pg_repack's pgut_atexit_push) and signals.
 *
 * Each object a run creates on the server (a table, a lock) pushes its
 * undo here *before* it is created, so that no window exists in which the
 * object is ours but not on the stack; the undo must therefore be harmless
 * when the object does not exist (DROP TABLE IF EXISTS). When an object
 * stops being disposable (the ghost after cut-over) or was removed by the
 * normal path, its entry is popped. The stack never holds the user's table.
 *
 * The stack runs, last pushed first, whenever the process ends: from
 * cleanup_exit() (the normal end of main), from die() (through the die
 * hook installed by cleanup_install()), and after a signal. SIGINT,
 * SIGTERM and SIGHUP only set a flag; long loops call
 * cleanup_interrupted() and return an error when it is set, and main
 * exits with status 3. While the stack is empty there is nothing to undo
 * and a signal ends the process at once (status 3). A second signal
 * during cleanup is ignored so that the undo statements finish.
 *
 * If an undo fails, the remaining entries still run, and then one error
 * line per object left says what it is and the SQL that removes it; the
 * exit status is 4.
 */
#ifndef OSC_OSC_CLEANUP_H
#define OSC_OSC_CLEANUP_H

#include "util/compat.h"
#include "util/strbuf.h"

/* Exit statuses (DESIGN.md section 1, osc(1) EXIT STATUS). */
enum osc_exit {
	OSC_EXIT_OK = 0,
	OSC_EXIT_FAILED = 1, /* the original table untouched */
	OSC_EXIT_USAGE = 2,
	OSC_EXIT_INTERRUPTED = 3, /* by a signal, cleaned up */
	OSC_EXIT_CLEANUP_INCOMPLETE = 4,
};

/* The most entries the stack holds (a run pushes a handful). */
#define CLEANUP_MAX 32

/* Remove the object; 0 when done (or already gone), -1 with err. */
typedef int (*cleanup_fn)(void *data, struct strbuf *err);

/*
 * Push an undo. `what` names the object for messages ("table
 * `shop`.`_orders_new`"); `manual_sql` is what a person runs to remove it
 * by hand if the undo fails (NULL when there is nothing to run). Both are
 * copied. Returns a handle for cleanup_pop().
 */
int cleanup_push(cleanup_fn fn, void *data, const char *what,
		 const char *manual_sql);

/* Drop the entry without running it (normally the top one). */
void cleanup_pop(int handle);

/*
 * Run one entry now (the normal path removing an object through its undo,
 * on the undo's connection of its own). 0: done, and the entry is popped;
 * -1 with err: the entry stays, so the final cleanup tries again and, if
 * that fails too, names the object with the SQL that removes it.
 */
int cleanup_run_entry(int handle, struct strbuf *err);

/* Entries on the stack. */
int cleanup_depth(void);

/*
 * Run every entry, last first, and empty the stack. For each failure a
 * line "WHAT is left (REASON); remove it with: SQL" is appended to
 * `left` (newline-separated). Returns the number of failures.
 */
int cleanup_run(struct strbuf *left);

/*
 * The exit status for a run that ended with `status` after cleanup with
 * `failures` failed undos, when signal `signo` (0: none) arrived:
 * failures win (4), then a signal that stopped the run (3, when status is
 * not 0), then `status`.
 */
int cleanup_exit_status(int status, int failures, int signo);

/* Install the die hook and the SIGINT/SIGTERM/SIGHUP handlers. */
void cleanup_install(void);

/* The signal received (SIGINT, ...) or 0; for loops to poll. */
int cleanup_interrupted(void);

/*
 * Run the stack, print what is left, and return
 * cleanup_exit_status(status, ...). The undos may use what the run holds
 * (connection options, the connection that holds the lock), so main
 * calls this before releasing anything.
 */
int cleanup_finish(int status);

/* End the process: exit(cleanup_finish(status)). */
OSC_NORETURN void cleanup_exit(int status);

#endif
