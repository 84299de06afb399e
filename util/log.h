/*
 * log.h: messages to stderr, in git's style.
 *
 * Messages are one line, lowercase, no final period, with the subject
 * quoted. Levels: error and warning are always shown (also with -q), info
 * is the default, verbose is -v, debug is -vv. The level is checked before
 * the arguments are formatted.
 *
 * In JSON mode (log_set_format(LOG_FORMAT_JSON)) every message is one JSON
 * object per line: {"ts":"...","level":"...","msg":"..."}.
 *
 * die() and BUG() are declared in fatal.h (included here), the bottom of
 * util/: die() runs the die hook (osc/ sets one that unwinds the cleanup
 * stack), prints "fatal: ..." through this log and exits with the die
 * status (1 unless changed). BUG() is for the impossible only, never for
 * input. Logging is thread-safe: each message is written whole under a
 * lock.
 */
#ifndef OSC_UTIL_LOG_H
#define OSC_UTIL_LOG_H

#include <stdarg.h>
#include "util/fatal.h"
#include "util/strbuf.h"

enum log_level {
	LOG_ERROR = 0,
	LOG_WARNING = 1,
	LOG_INFO = 2,
	LOG_VERBOSE = 3,
	LOG_DEBUG = 4,
};

enum log_format {
	LOG_FORMAT_TEXT,
	LOG_FORMAT_JSON,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_set_format(enum log_format fmt);
enum log_format log_get_format(void);
#define log_enabled(level) ((level) <= log_get_level())

/*
 * Called (under the log lock) before a message is written, so that a
 * progress line rewritten in place on a terminal can be cleared first.
 */
void log_set_before_write(void (*fn)(void));

/*
 * Run fn(data) under the log lock. The progress line rewritten in place on
 * a terminal is written this way, so that no message lands between it and
 * the before-write hook that clears it.
 */
void log_locked(void (*fn)(void *data), void *data);

int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Write one already formatted record. In text mode `text` is printed as
 * is (a newline is added); in JSON mode `json_fields` (a comma-separated
 * list of "key":value pairs, no braces) is wrapped with ts and level.
 * Used by the progress reporter for status lines.
 */
void log_write_record(enum log_level level, const char *kind,
		      const char *text, const char *json_fields);

/*
 * Copies (the caller frees) of the first error line the process reported
 * and of the last (the first again when there was one; NULL when none):
 * what --summary-json says went wrong.
 */
void log_errors_copy(char **first, char **last);

/* Format the current UTC time as 2026-11-21T05:22:38.123Z into buf. */
void log_timestamp(char *buf, size_t size);

#endif
