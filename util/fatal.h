/*
 * fatal.h: die() and BUG(), the bottom of util/.
 *
 * Everything else in util/ may fail fatally (xmalloc() out of memory, a
 * strbuf beyond its buffer), so this file depends on nothing of util/:
 * it formats with vsnprintf into memory of its own. Messages normally go
 * out through log.c (text or JSON, under the log lock, the progress line
 * cleared first): log.c installs its writer with fatal_set_report() as
 * soon as the log is configured. Until then a message is written as
 * "fatal: ..." on one line of stderr, which is what log.c writes too.
 *
 * die() runs the die hook (osc/ sets one that unwinds the cleanup stack),
 * reports "fatal: ..." and exits with the die status (1 unless changed).
 * A die() from inside the hook reports and leaves at once (status 4 when
 * the status was 1: the cleanup did not finish). BUG() is for the
 * impossible only, never for input.
 */
#ifndef OSC_UTIL_FATAL_H
#define OSC_UTIL_FATAL_H

/*
 * How die() writes its message (`prefix` is "fatal: "). The writer must
 * not die and must not allocate through util/wrapper.h.
 */
void fatal_set_report(void (*fn)(const char *prefix, const char *msg));

/*
 * Called by die() before it exits; the hook may run cleanup. It is
 * called at most once.
 */
void log_set_die_hook(void (*fn)(int status));
void log_set_die_status(int status);

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void bug_fl(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)

#endif
