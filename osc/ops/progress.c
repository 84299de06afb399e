/*
 * progress.c: status formatting (pure) and the reporter that shows it.
 *
 * The formatting functions take a snapshot and return text; they never
 * read a clock, so the tests compare exact strings. The reporter adds the
 * clock, the schedule (progress_schedule_due) and the output channel: a
 * line rewritten in place on a terminal, or log records (text or JSON).
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/ops/progress.h"
#include "util/log.h"
#include "util/wrapper.h"

#include <pthread.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* ---- derived values ------------------------------------------------ */

double progress_percent(const struct progress_status *st)
{
	double pct;

	if (!st->rows_estimate)
		return -1;
	pct = (double)st->rows_copied * 100.0 / (double)st->rows_estimate;
	return pct > 100.0 ? 100.0 : pct;
}

int64_t progress_eta_seconds(const struct progress_status *st)
{
	uint64_t left;

	if (!st->rows_estimate || st->rows_per_second <= 0)
		return -1;
	left = st->rows_estimate > st->rows_copied
		       ? st->rows_estimate - st->rows_copied
		       : 0;
	return (int64_t)((double)left / st->rows_per_second + 0.999);
}

void progress_format_duration(struct strbuf *out, uint64_t s)
{
	if (s < 60)
		strbuf_addf(out, "%" PRIu64 "s", s);
	else if (s < 3600)
		strbuf_addf(out, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		strbuf_addf(out, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s",
			    s / 3600, s / 60 % 60, s % 60);
}

void progress_format_bytes(struct strbuf *out, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t i = 0;

	if (bytes < 1024) {
		strbuf_addf(out, "%" PRIu64 "B", bytes);
		return;
	}
	v /= 1024;
	while (v >= 1024 && i + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		i++;
	}
	strbuf_addf(out, "%.1f%s", v, units[i]);
}

/* Lag as "0.3s" (tenths, rounded), like the throttle reasons. */
static void add_seconds_ms(struct strbuf *out, uint64_t ms)
{
	uint64_t tenths = (ms + 50) / 100;

	strbuf_addf(out, "%" PRIu64 ".%" PRIu64 "s", tenths / 10, tenths % 10);
}

static void add_percent(struct strbuf *out, double pct)
{
	/* Floor to a tenth: 99.96% must not read 100.0% before the end. */
	uint64_t tenths = (uint64_t)(pct * 10.0 + 1e-9);

	strbuf_addf(out, "%" PRIu64 ".%" PRIu64 "%%", tenths / 10,
		    tenths % 10);
}

/* ---- the terminal line --------------------------------------------- */

static void cut_to_width(struct strbuf *sb, size_t width)
{
	size_t max = width > 1 ? width - 1 : 0, cols = 0, i;

	for (i = 0; i < sb->len; i++) {
		/* Count characters, not bytes: skip UTF-8 continuations. */
		if (((unsigned char)sb->buf[i] & 0xc0) == 0x80)
			continue;
		if (cols == max) {
			strbuf_setlen(sb, i);
			return;
		}
		cols++;
	}
}

void progress_format_tty(const struct progress_status *st, size_t width,
			 struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	double pct = progress_percent(st);
	int64_t eta = progress_eta_seconds(st);

	strbuf_addstr(&sb, st->phase ? st->phase : "?");
	if (pct >= 0) {
		strbuf_addch(&sb, ' ');
		add_percent(&sb, pct);
	}
	strbuf_addf(&sb, " %" PRIu64, st->rows_copied);
	if (st->rows_estimate)
		strbuf_addf(&sb, "/%" PRIu64, st->rows_estimate);
	strbuf_addstr(&sb, " rows");
	if (st->rows_per_second >= 0)
		strbuf_addf(&sb, " %.0f/s", st->rows_per_second);
	if (eta >= 0) {
		strbuf_addstr(&sb, " eta ");
		progress_format_duration(&sb, (uint64_t)eta);
	}
	strbuf_addf(&sb, " | applied %" PRIu64, st->events_applied);
	if (st->backlog_bytes >= 0) {
		strbuf_addstr(&sb, " backlog ");
		progress_format_bytes(&sb, (uint64_t)st->backlog_bytes);
	}
	if (st->max_lag_ms >= 0) {
		strbuf_addstr(&sb, " | lag ");
		add_seconds_ms(&sb, (uint64_t)st->max_lag_ms);
	}
	if (st->throttled)
		strbuf_addf(&sb, " | throttled: %s",
			    st->throttle_reason ? st->throttle_reason : "?");
	if (st->cut_over_postponed)
		strbuf_addstr(&sb, " | cut-over postponed");
	strbuf_addstr(&sb, " | ");
	progress_format_duration(&sb, st->elapsed_ms / 1000);
	cut_to_width(&sb, width);
	strbuf_addbuf(out, &sb);
	strbuf_release(&sb);
}

/* ---- the timestamped line ------------------------------------------ */

void progress_format_line(const struct progress_status *st, const char *ts,
			  struct strbuf *out)
{
	double pct = progress_percent(st);
	int64_t eta = progress_eta_seconds(st);

	if (ts && *ts)
		strbuf_addf(out, "%s ", ts);
	strbuf_addf(out, "%s: ", st->phase ? st->phase : "?");
	if (pct >= 0) {
		add_percent(out, pct);
		strbuf_addf(out, " (%" PRIu64 "/%" PRIu64 " rows)",
			    st->rows_copied, st->rows_estimate);
	} else {
		strbuf_addf(out, "%" PRIu64 " rows", st->rows_copied);
	}
	if (st->rows_per_second >= 0)
		strbuf_addf(out, ", %.0f rows/s", st->rows_per_second);
	if (eta >= 0) {
		strbuf_addstr(out, ", eta ");
		progress_format_duration(out, (uint64_t)eta);
	}
	strbuf_addf(out, "; applied %" PRIu64 " events", st->events_applied);
	if (st->backlog_bytes >= 0) {
		strbuf_addstr(out, ", backlog ");
		progress_format_bytes(out, (uint64_t)st->backlog_bytes);
	}
	if (st->backlog_ms >= 0) {
		strbuf_addstr(out, st->backlog_bytes >= 0 ? " (" : ", backlog ");
		add_seconds_ms(out, (uint64_t)st->backlog_ms);
		strbuf_addstr(out, st->backlog_bytes >= 0 ? ")" : "");
	}
	if (st->max_lag_ms >= 0) {
		strbuf_addstr(out, "; max lag ");
		add_seconds_ms(out, (uint64_t)st->max_lag_ms);
		if (st->max_lag_replica)
			strbuf_addf(out, " on %s", st->max_lag_replica);
	}
	if (st->throttled || st->throttled_ms) {
		strbuf_addstr(out, "; throttled ");
		progress_format_duration(out, st->throttled_ms / 1000);
		if (st->throttled)
			strbuf_addf(out, " (now: %s)",
				    st->throttle_reason ? st->throttle_reason
							: "?");
	}
	if (st->cut_over_postponed)
		strbuf_addstr(out, "; cut-over postponed");
	if (st->verify_started)
		strbuf_addf(out, "; verified %" PRIu64 " rows in %" PRIu64
				 " chunks, %" PRIu64 " repaired",
			    st->verify_rows, st->verify_chunks,
			    st->verify_repaired);
	strbuf_addstr(out, "; elapsed ");
	progress_format_duration(out, st->elapsed_ms / 1000);
}

/* ---- JSON ----------------------------------------------------------- */

static void json_str(struct strbuf *out, const char *key, const char *v)
{
	strbuf_addf(out, ",\"%s\":", key);
	if (v)
		strbuf_addjson(out, v, strlen(v));
	else
		strbuf_addstr(out, "null");
}

static void json_i64(struct strbuf *out, const char *key, int64_t v)
{
	if (v < 0)
		strbuf_addf(out, ",\"%s\":null", key);
	else
		strbuf_addf(out, ",\"%s\":%" PRId64, key, v);
}

void progress_format_json_fields(const struct progress_status *st,
				 struct strbuf *out)
{
	double pct = progress_percent(st);
	size_t start = out->len;

	if (st->database)
		json_str(out, "database", st->database);
	if (st->table)
		json_str(out, "table", st->table);
	json_str(out, "phase", st->phase ? st->phase : "?");
	strbuf_addf(out, ",\"rows_copied\":%" PRIu64, st->rows_copied);
	json_i64(out, "rows_estimate",
		 st->rows_estimate ? (int64_t)st->rows_estimate : -1);
	if (pct >= 0) {
		uint64_t tenths = (uint64_t)(pct * 10.0 + 1e-9);
		strbuf_addf(out, ",\"percent\":%" PRIu64 ".%" PRIu64,
			    tenths / 10, tenths % 10);
	} else {
		strbuf_addstr(out, ",\"percent\":null");
	}
	json_i64(out, "rows_per_second",
		 st->rows_per_second >= 0
			 ? (int64_t)(st->rows_per_second + 0.5)
			 : -1);
	json_i64(out, "eta_seconds", progress_eta_seconds(st));
	strbuf_addf(out, ",\"events_applied\":%" PRIu64, st->events_applied);
	json_i64(out, "backlog_bytes", st->backlog_bytes);
	json_i64(out, "backlog_ms", st->backlog_ms);
	json_i64(out, "max_lag_ms", st->max_lag_ms);
	json_str(out, "max_lag_replica",
		 st->max_lag_ms >= 0 ? st->max_lag_replica : NULL);
	strbuf_addf(out, ",\"throttled\":%s", st->throttled ? "true" : "false");
	json_str(out, "throttle_reason",
		 st->throttled ? (st->throttle_reason ? st->throttle_reason
						      : "")
			       : NULL);
	strbuf_addf(out, ",\"throttled_seconds\":%" PRIu64,
		    st->throttled_ms / 1000);
	strbuf_addf(out, ",\"cut_over_postponed\":%s",
		    st->cut_over_postponed ? "true" : "false");
	json_i64(out, "chunk_size",
		 st->chunk_size ? (int64_t)st->chunk_size : -1);
	strbuf_addf(out, ",\"elapsed_seconds\":%" PRIu64,
		    st->elapsed_ms / 1000);
	if (st->verify_started)
		strbuf_addf(out, ",\"verify\":{\"chunks\":%" PRIu64
				 ",\"rows\":%" PRIu64 ",\"repaired\":%" PRIu64
				 ",\"seconds\":%" PRIu64 "}",
			    st->verify_chunks, st->verify_rows,
			    st->verify_repaired, st->verify_ms / 1000);
	/* Every field was added with a leading comma: drop the first. */
	memmove(out->buf + start, out->buf + start + 1, out->len - start - 1);
	strbuf_setlen(out, out->len - 1);
}

void progress_format_json(const struct progress_status *st,
			  struct strbuf *out)
{
	strbuf_addch(out, '{');
	progress_format_json_fields(st, out);
	strbuf_addch(out, '}');
}

/* ---- rate ----------------------------------------------------------- */

#define RATE_WINDOW_MS 10000
#define RATE_MIN_STEP_MS 200

void progress_rate_init(struct progress_rate *r)
{
	memset(r, 0, sizeof(*r));
}

void progress_rate_add(struct progress_rate *r, uint64_t now_ms,
		       uint64_t rows_total)
{
	size_t newest;

	if (r->nr) {
		newest = (r->head + r->nr - 1) % PROGRESS_RATE_SAMPLES;
		if (now_ms < r->t_ms[newest] + RATE_MIN_STEP_MS)
			return;
	}
	if (r->nr == PROGRESS_RATE_SAMPLES) {
		r->head = (r->head + 1) % PROGRESS_RATE_SAMPLES;
		r->nr--;
	}
	newest = (r->head + r->nr) % PROGRESS_RATE_SAMPLES;
	r->t_ms[newest] = now_ms;
	r->rows[newest] = rows_total;
	r->nr++;
	/* Drop samples older than the window, keeping at least two. */
	while (r->nr > 2 && now_ms - r->t_ms[r->head] > RATE_WINDOW_MS) {
		r->head = (r->head + 1) % PROGRESS_RATE_SAMPLES;
		r->nr--;
	}
}

double progress_rate_get(const struct progress_rate *r)
{
	size_t newest;
	uint64_t dt, drows;

	if (r->nr < 2)
		return -1;
	newest = (r->head + r->nr - 1) % PROGRESS_RATE_SAMPLES;
	dt = r->t_ms[newest] - r->t_ms[r->head];
	if (!dt)
		return -1;
	drows = r->rows[newest] >= r->rows[r->head]
			? r->rows[newest] - r->rows[r->head]
			: 0;
	return (double)drows * 1000.0 / (double)dt;
}

/* ---- schedule ------------------------------------------------------- */

#define TTY_REFRESH_MS 250

int progress_schedule_due(struct progress_schedule *s, const char *phase,
			  uint64_t now_ms)
{
	int changed = strncmp(s->last_phase, phase ? phase : "",
			      sizeof(s->last_phase) - 1) != 0;
	uint64_t every = s->tty ? TTY_REFRESH_MS : s->interval_ms;

	if (s->last_ms && !changed && now_ms < s->last_ms + every)
		return 0;
	s->last_ms = now_ms ? now_ms : 1;
	snprintf(s->last_phase, sizeof(s->last_phase), "%s",
		 phase ? phase : "");
	return 1;
}

/* ---- the reporter --------------------------------------------------- */

struct progress {
	pthread_mutex_t lock;
	struct progress_schedule sched;
	int tty;
	int off;
};

/*
 * Whether a partial line is on the terminal. Read and written only under
 * the log lock (log_locked() and the before-write hook run under it).
 */
static int tty_line_shown;

static void write_all(const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(2, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

/* The before-write hook: clear the progress line (under the log lock). */
static void clear_tty_line(void)
{
	if (tty_line_shown) {
		write_all("\r\033[K", 4);
		tty_line_shown = 0;
	}
}

static void write_tty_line(void *data)
{
	const struct strbuf *line = data;

	write_all(line->buf, line->len);
	tty_line_shown = 1;
}

static void end_tty_line(void *data)
{
	if (tty_line_shown) {
		write_all("\n", 1);
		tty_line_shown = 0;
	}
}

static size_t terminal_width(void)
{
	struct winsize ws;

	if (!ioctl(2, TIOCGWINSZ, &ws) && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

struct progress *progress_new(const struct progress_config *cfg)
{
	struct progress *p = xcalloc(1, sizeof(*p));
	const char *term = getenv("TERM");

	pthread_mutex_init(&p->lock, NULL);
	switch (cfg->mode) {
	case PROGRESS_AUTO:
		p->tty = isatty(2) && term && strcmp(term, "dumb") &&
			 log_get_format() == LOG_FORMAT_TEXT;
		break;
	case PROGRESS_TTY:
		p->tty = 1;
		break;
	case PROGRESS_LINES:
		break;
	case PROGRESS_OFF:
		p->off = 1;
		break;
	}
	p->sched.tty = p->tty;
	p->sched.interval_ms =
		(uint64_t)(cfg->interval_s ? cfg->interval_s : 30) * 1000;
	if (p->tty)
		log_set_before_write(clear_tty_line);
	return p;
}

static void show_locked(struct progress *p, const struct progress_status *st)
{
	struct strbuf sb = STRBUF_INIT;

	if (p->tty) {
		strbuf_addch(&sb, '\r');
		progress_format_tty(st, terminal_width(), &sb);
		strbuf_addstr(&sb, "\033[K");
		log_locked(write_tty_line, &sb);
	} else if (log_get_format() == LOG_FORMAT_JSON) {
		progress_format_json_fields(st, &sb);
		log_write_record(LOG_INFO, "status", NULL, sb.buf);
	} else {
		char ts[40];

		log_timestamp(ts, sizeof(ts));
		progress_format_line(st, ts, &sb);
		log_write_record(LOG_INFO, "status", sb.buf, NULL);
	}
	strbuf_release(&sb);
}

void progress_update(struct progress *p, const struct progress_status *st)
{
	if (!p || p->off || !log_enabled(LOG_INFO))
		return;
	pthread_mutex_lock(&p->lock);
	if (progress_schedule_due(&p->sched, st->phase, clock_ms()))
		show_locked(p, st);
	pthread_mutex_unlock(&p->lock);
}

void progress_show(struct progress *p, const struct progress_status *st)
{
	if (!p || p->off || !log_enabled(LOG_INFO))
		return;
	pthread_mutex_lock(&p->lock);
	progress_schedule_due(&p->sched, st->phase, clock_ms());
	show_locked(p, st);
	pthread_mutex_unlock(&p->lock);
}

void progress_done(struct progress *p)
{
	if (!p || !p->tty)
		return;
	log_locked(end_tty_line, NULL);
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	progress_done(p);
	if (p->tty)
		log_set_before_write(NULL);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
