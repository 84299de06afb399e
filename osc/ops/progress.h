/*
 * progress.h: the status of a run, formatted for people and programs.
 *
 * The engine fills a struct progress_status (a plain snapshot) and hands it
 * to a struct progress reporter, which decides when to show it:
 *
 *  - on a terminal (stderr is a tty, text log format): one line rewritten
 *    in place with \r at most every 250 ms, cleared before any other
 *    message (log_set_before_write) and ended by progress_done();
 *  - otherwise: a timestamped line every `interval_s` seconds (default 30,
 *    --status-interval) and at every phase change;
 *  - with --log-format=json: the same schedule, as a JSON record of type
 *    "status" carrying the fields of progress_format_json().
 *
 * Nothing is shown at -q (log level below info). The formatting functions
 * are pure (fixed input, exact text) and unit-tested.
 *
 * JSON field names are stable (scripts and the status socket use them):
 *   database, table          strings, when known
 *   phase                    string
 *   rows_copied              integer
 *   rows_estimate            integer, null when unknown
 *   percent                  number (one decimal), null when unknown
 *   rows_per_second          integer, null when unknown
 *   eta_seconds              integer, null when unknown
 *   events_applied           integer
 *   backlog_bytes            integer, null when unknown
 *   backlog_ms               integer, null when unknown
 *   max_lag_ms               integer, null when no replica measured
 *   max_lag_replica          string, null when none
 *   throttled                boolean
 *   throttle_reason          string, null when not throttled
 *   throttled_seconds        integer, total time spent throttled
 *   cut_over_postponed       boolean
 *   chunk_size               integer, rows per chunk of the copy (null
 *                            outside it)
 *   elapsed_seconds          integer
 */
#ifndef OSC_PROGRESS_H
#define OSC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

struct progress_status {
	const char *database;		/* NULL: omitted */
	const char *table;		/* NULL: omitted */
	const char *phase;		/* "copy", "cut-over", ... */
	uint64_t rows_copied;
	uint64_t rows_estimate;		/* 0: unknown */
	double rows_per_second;		/* < 0: unknown */
	uint64_t events_applied;
	int64_t backlog_bytes;		/* < 0: unknown */
	int64_t backlog_ms;		/* < 0: unknown */
	int64_t max_lag_ms;		/* < 0: none measured */
	const char *max_lag_replica;	/* NULL: none */
	int throttled;
	const char *throttle_reason;	/* when throttled */
	uint64_t throttled_ms;		/* total so far */
	int cut_over_postponed;
	uint64_t chunk_size;		/* rows per chunk; 0: unknown */
	uint64_t elapsed_ms;
	/* --verify, once it has started (the fields are shown then). */
	int verify_started;
	uint64_t verify_chunks, verify_rows, verify_repaired, verify_ms;
};

#define PROGRESS_STATUS_INIT                                              \
	{ .phase = "starting", .rows_per_second = -1, .backlog_bytes = -1, \
	  .backlog_ms = -1, .max_lag_ms = -1 }

/* Percent copied (0..100, capped), or -1 when the estimate is unknown. */
double progress_percent(const struct progress_status *st);
/* Seconds left at the current rate, or -1 when it cannot be told. */
int64_t progress_eta_seconds(const struct progress_status *st);

/* "45s", "2m01s", "1h02m03s". */
void progress_format_duration(struct strbuf *out, uint64_t seconds);
/* "512B", "12.0KiB", "3.4MiB", "1.2GiB". */
void progress_format_bytes(struct strbuf *out, uint64_t bytes);

/*
 * The terminal line, cut to `width` - 1 columns (at a UTF-8 character
 * boundary) so that \r rewrites it in place:
 *   copy 45.2% 1234567/2730000 rows 12345/s eta 2m01s | applied 5678
 *   backlog 12.0KiB | lag 0.3s | throttled: lag 4.2s on db2:3306 | 5m23s
 */
void progress_format_tty(const struct progress_status *st, size_t width,
			 struct strbuf *out);
/*
 * The timestamped line (`ts` as log_timestamp() writes it):
 *   2026-11-21T05:22:38.123Z copy: 45.2% (1234567/2730000 rows),
 *   12345 rows/s, eta 2m01s; applied 5678 events, backlog 12.0KiB;
 *   max lag 0.3s on db2:3306; throttled 1m05s (now: lag 4.2s on
 *   db2:3306); elapsed 5m23s
 */
void progress_format_line(const struct progress_status *st, const char *ts,
			  struct strbuf *out);
/* The JSON fields ("k":v,...) without braces, and the whole object. */
void progress_format_json_fields(const struct progress_status *st,
				 struct strbuf *out);
void progress_format_json(const struct progress_status *st,
			  struct strbuf *out);

/*
 * A rows/s meter over a sliding window of about 10 s. Feed it the total
 * rows copied with a monotonic time in ms; samples closer than 200 ms to
 * the previous one are ignored.
 */
#define PROGRESS_RATE_SAMPLES 64
struct progress_rate {
	uint64_t t_ms[PROGRESS_RATE_SAMPLES];
	uint64_t rows[PROGRESS_RATE_SAMPLES];
	size_t head, nr;
};
void progress_rate_init(struct progress_rate *r);
void progress_rate_add(struct progress_rate *r, uint64_t now_ms,
		       uint64_t rows_total);
/* Rows per second over the window, or -1 before two samples. */
double progress_rate_get(const struct progress_rate *r);

enum progress_mode {
	PROGRESS_AUTO = 0,	/* tty line if stderr is a terminal */
	PROGRESS_TTY,
	PROGRESS_LINES,
	PROGRESS_OFF,
};

/* When to show: pure, for the reporter and the tests. */
struct progress_schedule {
	int tty;
	uint64_t interval_ms;		/* lines: the status interval */
	uint64_t last_ms;		/* 0: never shown */
	char last_phase[32];
};
/* 1 when a status is due at now_ms (and records it as shown). */
int progress_schedule_due(struct progress_schedule *s, const char *phase,
			  uint64_t now_ms);

struct progress_config {
	enum progress_mode mode;
	unsigned int interval_s;	/* 0: 30 */
};

struct progress;

/* One reporter per process (it owns the before-write hook on a tty). */
struct progress *progress_new(const struct progress_config *cfg);
/* Show the status if it is due. Thread-safe. */
void progress_update(struct progress *p, const struct progress_status *st);
/* Show it now, whatever the schedule (final status, a request). */
void progress_show(struct progress *p, const struct progress_status *st);
/* End the terminal line (newline) so later output starts clean. */
void progress_done(struct progress *p);
void progress_free(struct progress *p);

#endif
