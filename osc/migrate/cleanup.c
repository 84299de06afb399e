/*
 * cleanup.c: the cleanup stack and signal handling (see cleanup.h).
 *
 * The stack is a fixed array so that running it needs no allocation of
 * its own. The signal handler touches only sig_atomic_t flags and, when
 * there is nothing to undo, write(2) and _exit(2), which are
 * async-signal-safe.
 */
#include "util/compat.h"
#include "osc/migrate/cleanup.h"
#include "util/log.h"
#include "util/wrapper.h"

#include <signal.h>
#include <unistd.h>

struct cleanup_entry {
	cleanup_fn fn;
	void *data;
	char *what;
	char *manual_sql;
	int used;
};

static struct cleanup_entry stack[CLEANUP_MAX];
static int stack_nr;
static volatile sig_atomic_t depth; /* stack_nr, for the handler */
static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t running;
static int json_messages;

int cleanup_push(cleanup_fn fn, void *data, const char *what,
		 const char *manual_sql)
{
	struct cleanup_entry *e;

	if (stack_nr >= CLEANUP_MAX)
		BUG("cleanup stack full (%d entries)", CLEANUP_MAX);
	e = &stack[stack_nr];
	e->fn = fn;
	e->data = data;
	e->what = xstrdup(what);
	e->manual_sql = manual_sql ? xstrdup(manual_sql) : NULL;
	e->used = 1;
	depth = ++stack_nr;
	return stack_nr - 1;
}

static void entry_free(struct cleanup_entry *e)
{
	FREE_AND_NULL(e->what);
	FREE_AND_NULL(e->manual_sql);
	e->used = 0;
}

void cleanup_pop(int handle)
{
	if (handle < 0 || handle >= stack_nr || !stack[handle].used)
		BUG("cleanup_pop of a bad handle %d", handle);
	entry_free(&stack[handle]);
	/* Popped holes below the top go when the top goes. */
	while (stack_nr && !stack[stack_nr - 1].used)
		stack_nr--;
	depth = stack_nr;
}

int cleanup_run_entry(int handle, struct strbuf *err)
{
	struct cleanup_entry *e;

	if (handle < 0 || handle >= stack_nr || !stack[handle].used)
		BUG("cleanup_run_entry of a bad handle %d", handle);
	e = &stack[handle];
	verbose("cleanup: removing %s", e->what);
	if (e->fn(e->data, err) < 0)
		return -1;
	cleanup_pop(handle);
	return 0;
}

int cleanup_depth(void)
{
	int i, n = 0;

	for (i = 0; i < stack_nr; i++)
		n += stack[i].used;
	return n;
}

int cleanup_run(struct strbuf *left)
{
	struct strbuf err = STRBUF_INIT;
	int failures = 0;

	running = 1;
	while (stack_nr) {
		struct cleanup_entry *e = &stack[stack_nr - 1];

		if (e->used) {
			verbose("cleanup: removing %s", e->what);
			strbuf_reset(&err);
			if (e->fn(e->data, &err) < 0) {
				failures++;
				if (left->len)
					strbuf_addch(left, '\n');
				strbuf_addf(left, "%s is left (%s)", e->what,
					    err.len ? err.buf : "undo failed");
				if (e->manual_sql)
					strbuf_addf(left,
						    "; remove it with: %s",
						    e->manual_sql);
			}
			entry_free(e);
		}
		depth = --stack_nr;
	}
	running = 0;
	strbuf_release(&err);
	return failures;
}

int cleanup_exit_status(int status, int failures, int signo)
{
	if (failures)
		return OSC_EXIT_CLEANUP_INCOMPLETE;
	/* A run that finished despite a late signal did finish. */
	if (signo && status != OSC_EXIT_OK)
		return OSC_EXIT_INTERRUPTED;
	return status;
}

int cleanup_interrupted(void)
{
	return got_signal;
}

static void on_signal(int signo)
{
	static const char text[] = "fatal: interrupted by a signal\n";
	static const char json[] =
	    "{\"level\":\"error\",\"msg\":\"interrupted by a signal\"}\n";
	ssize_t n OSC_UNUSED;

	if (!got_signal)
		got_signal = signo;
	if (!depth && !running) {
		/* Nothing of ours exists on the server: leave now. */
		if (json_messages)
			n = write(2, json, sizeof(json) - 1);
		else
			n = write(2, text, sizeof(text) - 1);
		_exit(OSC_EXIT_INTERRUPTED);
	}
}

int cleanup_finish(int status)
{
	struct strbuf left = STRBUF_INIT;
	int failures, signo;
	const char *p;

	failures = cleanup_run(&left);
	signo = cleanup_interrupted();
	if (failures) {
		for (p = left.buf; *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			error("cleanup incomplete: %.*s", (int)len, p);
			p += len + (nl ? 1 : 0);
		}
	}
	if (signo && status != OSC_EXIT_OK)
		error("interrupted by signal %d (%s)", signo,
		      signo == SIGINT	 ? "SIGINT"
		      : signo == SIGTERM ? "SIGTERM"
		      : signo == SIGHUP	 ? "SIGHUP"
					 : "?");
	strbuf_release(&left);
	return cleanup_exit_status(status, failures, signo);
}

OSC_NORETURN void cleanup_exit(int status)
{
	exit(cleanup_finish(status));
}

static void die_hook(int status)
{
	cleanup_exit(status == OSC_EXIT_OK ? OSC_EXIT_FAILED : status);
}

void cleanup_install(void)
{
	struct sigaction sa;

	json_messages = log_get_format() == LOG_FORMAT_JSON;
	log_set_die_hook(die_hook);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking wait returns EINTR and sees the flag. */
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
