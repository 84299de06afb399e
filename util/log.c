/*
 * log.c: leveled, thread-safe messages on stderr (see log.h). die() and
 * BUG() are in fatal.c, below strbuf.c and wrapper.c; their messages
 * come back here through fatal_set_report() once the log is configured.
 */
#include "util/compat.h"
#include "util/log.h"

#include <pthread.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>

static enum log_level cur_level = LOG_INFO;
static enum log_format cur_format = LOG_FORMAT_TEXT;
static void (*before_write)(void);
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void report_fatal(const char *prefix, const char *msg);

/* From the first setting on, die() writes through this file. */
static void configured(void)
{
	fatal_set_report(report_fatal);
}

void log_set_level(enum log_level level)
{
	configured();
	cur_level = level;
}

enum log_level log_get_level(void)
{
	return cur_level;
}

void log_set_format(enum log_format fmt)
{
	configured();
	cur_format = fmt;
}

enum log_format log_get_format(void)
{
	return cur_format;
}

void log_set_before_write(void (*fn)(void))
{
	configured();
	before_write = fn;
}

void log_locked(void (*fn)(void *data), void *data)
{
	pthread_mutex_lock(&log_lock);
	fn(data);
	pthread_mutex_unlock(&log_lock);
}

void log_timestamp(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
}

static const char *level_name(enum log_level level)
{
	switch (level) {
	case LOG_ERROR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_INFO:
		return "info";
	case LOG_VERBOSE:
		return "verbose";
	case LOG_DEBUG:
		return "debug";
	}
	return "info";
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

void log_write_record(enum log_level level, const char *kind,
		      const char *text, const char *json_fields)
{
	struct strbuf sb = STRBUF_INIT;
	char ts[40];

	if (cur_format == LOG_FORMAT_JSON) {
		log_timestamp(ts, sizeof(ts));
		strbuf_addf(&sb, "{\"ts\":\"%s\",\"level\":\"%s\"", ts,
			    level_name(level));
		if (kind)
			strbuf_addf(&sb, ",\"type\":\"%s\"", kind);
		if (json_fields && *json_fields)
			strbuf_addf(&sb, ",%s", json_fields);
		strbuf_addstr(&sb, "}\n");
	} else {
		strbuf_addstr(&sb, text);
		strbuf_addch(&sb, '\n');
	}
	pthread_mutex_lock(&log_lock);
	if (before_write)
		before_write();
	write_all(2, sb.buf, sb.len);
	pthread_mutex_unlock(&log_lock);
	strbuf_release(&sb);
}

/*
 * The run's first and last error lines, for --summary-json: the first is
 * usually the cause, the last what the run did about it. Any thread may
 * report, so they are kept under a lock of their own.
 */
static pthread_mutex_t errors_lock = PTHREAD_MUTEX_INITIALIZER;
static char *first_error, *last_error;

static void keep_error(const char *msg)
{
	char *copy = strdup(msg);

	if (!copy) /* out of memory: the summary goes without it */
		return;

	pthread_mutex_lock(&errors_lock);
	if (!first_error) {
		first_error = copy;
	} else {
		free(last_error);
		last_error = copy;
	}
	pthread_mutex_unlock(&errors_lock);
}

void log_errors_copy(char **first, char **last)
{
	pthread_mutex_lock(&errors_lock);
	*first = first_error ? strdup(first_error) : NULL;
	*last = last_error ? strdup(last_error)
			   : first_error ? strdup(first_error) : NULL;
	pthread_mutex_unlock(&errors_lock);
}

static void vreport(enum log_level level, const char *prefix,
		    const char *fmt, va_list ap)
{
	struct strbuf msg = STRBUF_INIT;
	struct strbuf line = STRBUF_INIT;
	size_t i;

	strbuf_vaddf(&msg, fmt, ap);
	/* One message, one line: fold embedded newlines. */
	for (i = 0; i < msg.len; i++)
		if (msg.buf[i] == '\n' || msg.buf[i] == '\r')
			msg.buf[i] = ' ';
	if (level == LOG_ERROR)
		keep_error(msg.buf);
	if (cur_format == LOG_FORMAT_JSON) {
		strbuf_addstr(&line, "\"msg\":");
		strbuf_addjson(&line, msg.buf, msg.len);
		log_write_record(level, "message", NULL, line.buf);
	} else {
		if (prefix)
			strbuf_addstr(&line, prefix);
		strbuf_addbuf(&line, &msg);
		log_write_record(level, "message", line.buf, NULL);
	}
	strbuf_release(&msg);
	strbuf_release(&line);
}

static void report(enum log_level level, const char *prefix,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(level, prefix, fmt, ap);
	va_end(ap);
}

/* die()'s writer (fatal.c): the same line as error(), as "fatal: ". */
static void report_fatal(const char *prefix, const char *msg)
{
	report(LOG_ERROR, prefix, "%s", msg);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(LOG_ERROR, "error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(LOG_WARNING))
		return;
	va_start(ap, fmt);
	vreport(LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(LOG_INFO))
		return;
	va_start(ap, fmt);
	vreport(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void verbose(const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(LOG_VERBOSE))
		return;
	va_start(ap, fmt);
	vreport(LOG_VERBOSE, NULL, fmt, ap);
	va_end(ap);
}

void debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(LOG_DEBUG))
		return;
	va_start(ap, fmt);
	vreport(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}
