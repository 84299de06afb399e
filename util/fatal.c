/*
 * fatal.c: die() and BUG() (see fatal.h). Uses no other file of util/:
 * the message is formatted with vsnprintf into a buffer of its own
 * (malloc, or a fixed one when even that fails).
 */
#include "util/compat.h"
#include "util/fatal.h"

#include <unistd.h>

static void (*die_hook)(int status);
static int die_status = 1;
/* Per thread: die() from the die hook of the same thread leaves at once. */
static _Thread_local int dying;

/* Before log.c installs its writer: one line on stderr, newlines folded. */
static void plain_report(const char *prefix, const char *msg)
{
	size_t plen = strlen(prefix), mlen = strlen(msg), i;
	char *line = malloc(plen + mlen + 2);

	if (!line) {
		fprintf(stderr, "%s%s\n", prefix, msg);
		return;
	}
	memcpy(line, prefix, plen);
	for (i = 0; i < mlen; i++)
		line[plen + i] =
		    msg[i] == '\n' || msg[i] == '\r' ? ' ' : msg[i];
	line[plen + mlen] = '\n';
	line[plen + mlen + 1] = '\0';
	fputs(line, stderr);
	fflush(stderr);
	free(line);
}

static void (*report)(const char *prefix, const char *msg) = plain_report;

void fatal_set_report(void (*fn)(const char *prefix, const char *msg))
{
	report = fn ? fn : plain_report;
}

void log_set_die_hook(void (*fn)(int status))
{
	die_hook = fn;
}

void log_set_die_status(int status)
{
	die_status = status;
}

/* The formatted message in malloc'ed memory, or in `fallback`. */
static char *vformat(char *fallback, size_t size, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *buf;

	va_copy(cp, ap);
	n = vsnprintf(fallback, size, fmt, cp);
	va_end(cp);
	if (n < 0 || (size_t)n < size)
		return fallback;
	buf = malloc((size_t)n + 1);
	if (!buf)
		return fallback;
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	return buf;
}

static void vreport_fatal(const char *fmt, va_list ap)
{
	char fixed[1024];
	char *msg = vformat(fixed, sizeof(fixed), fmt, ap);

	report("fatal: ", msg);
	if (msg != fixed)
		free(msg);
}

void die(const char *fmt, ...)
{
	va_list ap;

	if (dying) {
		/* die() from inside the die hook: report and leave now. */
		va_start(ap, fmt);
		vreport_fatal(fmt, ap);
		va_end(ap);
		_exit(die_status == 1 ? 4 : die_status);
	}
	dying = 1;
	va_start(ap, fmt);
	vreport_fatal(fmt, ap);
	va_end(ap);
	if (die_hook)
		die_hook(die_status);
	exit(die_status);
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	char fixed[1024];
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = vformat(fixed, sizeof(fixed), fmt, ap);
	va_end(ap);
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, msg);
	abort();
}
