/*
 * heartbeat.c: the changelog table and the heartbeat the tool writes in it.
 *
 * Replica lag is measured with the tool's own clock at both ends: every
 * 100 ms the heartbeat thread writes its wall clock (UTC microseconds) into
 * the changelog row id 1 on the primary; a probe reads that row back on
 * each replica and subtracts it from the wall clock again. Skew between
 * the hosts' clocks does not enter, and the lag includes every delay a
 * row change sees (relay log, SQL thread, parallel apply), which is what
 * throttling needs to bound.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "throttle/throttle.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <pthread.h>
#include <time.h>

/*
 * The changelog. `value` is ascii: it holds numbers and state names the
 * tool writes itself. TIMESTAMP(6) updated_at is the server's clock, kept
 * for people reading the table by hand. AUTO_INCREMENT starts at 256 so
 * that logged (non-singleton) rows never take the fixed ids below it.
 */
static const char SQL_CHANGELOG_CREATE_FMT[] =
	"CREATE TABLE %s (\n"
	"  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,\n"
	"  hint VARCHAR(64) CHARACTER SET ascii NOT NULL,\n"
	"  value VARCHAR(4096) CHARACTER SET ascii NOT NULL,\n"
	"  updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)\n"
	"    ON UPDATE CURRENT_TIMESTAMP(6),\n"
	"  PRIMARY KEY (id),\n"
	"  UNIQUE KEY hint (hint)\n"
	") ENGINE=InnoDB AUTO_INCREMENT=256 COMMENT='osc changelog'";

int throttle_changelog_create_sql(struct strbuf *out, const char *db,
				  const char *table, struct strbuf *err)
{
	struct strbuf name = STRBUF_INIT;

	if (quote_qualified(&name, db, table) < 0) {
		strbuf_addstr(err, "invalid changelog table name");
		strbuf_release(&name);
		return -1;
	}
	strbuf_addf(out, SQL_CHANGELOG_CREATE_FMT, name.buf);
	strbuf_release(&name);
	return 0;
}

uint64_t throttle_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t throttle_now_ms(void)
{
	/* +1: 0 means "never" in readings. */
	return clock_ms() + 1;
}

/*
 * One row, upserted: no row lock is held across statements and the
 * binlog gets one small row event per beat. The literal is repeated
 * instead of VALUES(value), which MySQL 8.0.20 deprecates.
 */
int throttle_heartbeat_sql(struct strbuf *out, const char *db,
			   const char *table, uint64_t now_us,
			   struct strbuf *err)
{
	struct strbuf name = STRBUF_INIT;

	if (quote_qualified(&name, db, table) < 0) {
		strbuf_addstr(err, "invalid changelog table name");
		strbuf_release(&name);
		return -1;
	}
	strbuf_addf(out,
		    "INSERT INTO %s (id, hint, value) VALUES (%d, '%s', "
		    "'%" PRIu64 "') ON DUPLICATE KEY UPDATE value = '%" PRIu64
		    "'",
		    name.buf, THROTTLE_HEARTBEAT_ID, THROTTLE_HEARTBEAT_HINT,
		    now_us, now_us);
	strbuf_release(&name);
	return 0;
}

int throttle_heartbeat_parse(const char *value, uint64_t *us)
{
	uint64_t v = 0;
	const char *p;

	if (!value || !*value)
		return -1;
	for (p = value; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*us = v;
	return 0;
}

int throttle_heartbeat_write(struct db *conn, const char *db,
			     const char *table, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	ret = throttle_heartbeat_sql(&sql, db, table, throttle_wall_us(), err);
	if (!ret)
		ret = db_exec(conn, sql.buf, err);
	strbuf_release(&sql);
	return ret;
}

/* ---- the heartbeat thread ------------------------------------------ */

struct throttle_heartbeat {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stopping;
	struct db *conn;
	char *db, *table;
	unsigned int interval_ms;
	unsigned int failures;
	struct strbuf last_error;
};

static void deadline_after(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *heartbeat_main(void *arg)
{
	struct throttle_heartbeat *hb = arg;
	struct strbuf err = STRBUF_INIT;

	db_thread_init();
	pthread_mutex_lock(&hb->lock);
	while (!hb->stopping) {
		struct timespec until;
		int ret;

		pthread_mutex_unlock(&hb->lock);
		strbuf_reset(&err);
		ret = throttle_heartbeat_write(hb->conn, hb->db, hb->table,
					       &err);
		if (ret < 0 && db_error_is_disconnect(db_errno(hb->conn))) {
			strbuf_reset(&err);
			if (!db_reconnect(hb->conn, &err))
				ret = throttle_heartbeat_write(hb->conn, hb->db,
							       hb->table, &err);
		}
		pthread_mutex_lock(&hb->lock);
		if (ret < 0) {
			hb->failures++;
			strbuf_reset(&hb->last_error);
			strbuf_addbuf(&hb->last_error, &err);
		} else {
			hb->failures = 0;
		}
		deadline_after(&until, hb->interval_ms);
		while (!hb->stopping &&
		       pthread_cond_timedwait(&hb->cond, &hb->lock, &until) !=
			       ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&hb->lock);
	strbuf_release(&err);
	db_thread_end();
	return NULL;
}

struct throttle_heartbeat *throttle_heartbeat_start(
	const struct db_options *primary, const char *db, const char *table,
	unsigned int interval_ms, struct strbuf *err)
{
	struct throttle_heartbeat *hb;
	struct db_options opts = *primary;
	struct db *conn;

	/* A beat that cannot be written quickly is a failed beat, and a
	 * reconnect must not hold the thread for the default 10 s. */
	if (!opts.connect_timeout_s)
		opts.connect_timeout_s = 2;
	if (!opts.read_timeout_s)
		opts.read_timeout_s = 5;
	if (!opts.write_timeout_s)
		opts.write_timeout_s = 5;
	conn = db_connect(&opts, "heartbeat", NULL, err);
	if (!conn)
		return NULL;
	/* Check now that the table is writable, so a mistake shows at once. */
	if (throttle_heartbeat_write(conn, db, table, err) < 0) {
		db_close(conn);
		return NULL;
	}
	hb = xcalloc(1, sizeof(*hb));
	pthread_mutex_init(&hb->lock, NULL);
	pthread_cond_init(&hb->cond, NULL);
	strbuf_init(&hb->last_error, 0);
	hb->conn = conn;
	hb->db = xstrdup(db);
	hb->table = xstrdup(table);
	if (interval_ms < 50)
		interval_ms = 50;
	if (interval_ms > 1000)
		interval_ms = 1000;
	hb->interval_ms = interval_ms;
	if (thread_create(&hb->thread, heartbeat_main, hb)) {
		strbuf_addstr(err, "cannot start the heartbeat thread");
		db_close(conn);
		free(hb->db);
		free(hb->table);
		strbuf_release(&hb->last_error);
		free(hb);
		return NULL;
	}
	return hb;
}

unsigned int throttle_heartbeat_failures(struct throttle_heartbeat *hb,
					 struct strbuf *last_error)
{
	unsigned int n;

	pthread_mutex_lock(&hb->lock);
	n = hb->failures;
	if (last_error && n)
		strbuf_addbuf(last_error, &hb->last_error);
	pthread_mutex_unlock(&hb->lock);
	return n;
}

void throttle_heartbeat_stop(struct throttle_heartbeat *hb)
{
	if (!hb)
		return;
	pthread_mutex_lock(&hb->lock);
	hb->stopping = 1;
	pthread_cond_signal(&hb->cond);
	pthread_mutex_unlock(&hb->lock);
	pthread_join(hb->thread, NULL);
	db_close(hb->conn);
	free(hb->db);
	free(hb->table);
	strbuf_release(&hb->last_error);
	pthread_mutex_destroy(&hb->lock);
	pthread_cond_destroy(&hb->cond);
	free(hb);
}
