/*
 * throttle-probe.c: drive the throttle probes against real servers.
 *
 * For tests/e2e/t5001-throttle-probe.sh: creates the changelog table on the
 * primary, writes heartbeats into it, runs the throttler thread with the
 * limits given, and prints the decision every --print-ms (200) as
 *
 *     <run|pause|abort>\t<reason>\t<max lag ms or ->\t<throttled ms>
 *
 * flushed line by line. It stops after --duration-s, or at once (exit 3)
 * on an abort decision, or (exit 1) on "panic" from the status socket.
 *
 * It is also the reference glue of the operating parts, for the engine to
 * copy: --status-socket serves the socket with callbacks bound to the
 * throttler (throttle, no-throttle, max-lag, max-load) and a status built
 * from its snapshot; --status-interval logs progress lines (JSON with
 * --log-json); --hooks-dir runs on-startup, on-throttled, on-unthrottled
 * and on-success/on-failure. Used by tests/e2e/t6001-ops-status-socket.sh.
 *
 * usage: throttle-probe -h HOST -P PORT -u USER [--password PW]
 *        [--db DB] [--table T] [--replica HOST:PORT]... [--discover]
 *        [--replica-user U] [--replica-password PW]
 *        [--max-lag MS] [--max-load SPEC] [--critical-load SPEC]
 *        [--critical-hits K] [--flag-file PATH] [--throttle-query SQL]
 *        [--print-ms MS] [--duration-s S]
 */
#include "util/compat.h"

#include <getopt.h>
#include <pthread.h>
#include <time.h>

#include "osc/ops/hooks.h"
#include "osc/ops/progress.h"
#include "osc/ops/status-socket.h"
#include "binlog/binlog.h"
#include "throttle/throttle.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- the glue between the status socket and the throttler ----------- */

struct glue {
	struct throttler *t;
	pthread_mutex_t lock;
	unsigned long long chunk_size;
	int panic;
	uint64_t start_ms;
};

static void glue_progress(struct glue *g, struct progress_status *st,
			  struct throttle_snapshot *snap)
{
	throttle_get_snapshot(g->t, snap);
	st->database = "osc_probe";
	st->table = "t";
	st->phase = "copy";
	st->max_lag_ms = snap->max_lag_ms;
	st->max_lag_replica = snap->max_lag_replica.len
				      ? snap->max_lag_replica.buf
				      : NULL;
	st->throttled = snap->action == THROTTLE_PAUSE;
	st->throttle_reason = snap->reason.buf;
	st->throttled_ms = snap->throttled_ms;
	st->elapsed_ms = throttle_now_ms() - g->start_ms;
}

static void g_status(void *data, struct strbuf *json)
{
	struct glue *g = data;
	struct progress_status st = PROGRESS_STATUS_INIT;
	struct throttle_snapshot snap;

	throttle_snapshot_init(&snap);
	glue_progress(g, &st, &snap);
	progress_format_json(&st, json);
	throttle_snapshot_release(&snap);
}

static void g_set_throttle(void *data, int on)
{
	throttle_set_user(((struct glue *)data)->t, on);
}

static int g_set_chunk(void *data, unsigned long long rows, struct strbuf *e)
{
	struct glue *g = data;

	pthread_mutex_lock(&g->lock);
	g->chunk_size = rows;
	pthread_mutex_unlock(&g->lock);
	return 0;
}

static unsigned long long g_get_chunk(void *data)
{
	struct glue *g = data;
	unsigned long long v;

	pthread_mutex_lock(&g->lock);
	v = g->chunk_size;
	pthread_mutex_unlock(&g->lock);
	return v;
}

static int g_set_max_lag(void *data, unsigned long long ms, struct strbuf *e)
{
	throttle_set_max_lag_ms(((struct glue *)data)->t, ms);
	return 0;
}

static unsigned long long g_get_max_lag(void *data)
{
	struct throttle_snapshot snap;
	unsigned long long v;

	throttle_snapshot_init(&snap);
	throttle_get_snapshot(((struct glue *)data)->t, &snap);
	v = snap.max_lag_limit_ms;
	throttle_snapshot_release(&snap);
	return v;
}

static int g_set_max_load(void *data, const struct throttle_load_spec *spec,
			  struct strbuf *e)
{
	return throttle_set_max_load(((struct glue *)data)->t, spec, e);
}

static void g_get_max_load(void *data, struct strbuf *out)
{
	struct throttle_snapshot snap;

	throttle_snapshot_init(&snap);
	throttle_get_snapshot(((struct glue *)data)->t, &snap);
	strbuf_addbuf(out, &snap.max_load);
	throttle_snapshot_release(&snap);
}

static void g_panic(void *data)
{
	struct glue *g = data;

	pthread_mutex_lock(&g->lock);
	g->panic = 1;
	pthread_mutex_unlock(&g->lock);
}

static int glue_panicked(struct glue *g)
{
	int v;

	pthread_mutex_lock(&g->lock);
	v = g->panic;
	pthread_mutex_unlock(&g->lock);
	return v;
}

static void run_hook(const struct hooks_config *hc, enum hook_event ev,
		     struct glue *g, int exit_status)
{
	struct hooks_env env = HOOKS_ENV_INIT;
	struct progress_status st = PROGRESS_STATUS_INIT;
	struct throttle_snapshot snap;
	struct strbuf json = STRBUF_INIT, err = STRBUF_INIT;
	int ret;

	if (!hc->dir)
		return;
	throttle_snapshot_init(&snap);
	glue_progress(g, &st, &snap);
	progress_format_json(&st, &json);
	env.database = st.database;
	env.table = st.table;
	env.phase = st.phase;
	env.elapsed_seconds = (int64_t)(st.elapsed_ms / 1000);
	env.max_lag_ms = st.max_lag_ms;
	env.throttled = st.throttled;
	env.throttle_reason = st.throttled ? st.throttle_reason : NULL;
	env.exit_status = exit_status;
	env.status_json = json.buf;
	ret = hooks_run(hc, ev, &env, &err);
	if (ret)
		warning("%s", err.buf);
	throttle_snapshot_release(&snap);
	strbuf_release(&json);
	strbuf_release(&err);
}

static unsigned long num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end)
		die("invalid %s '%s'", what, s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "db", required_argument, NULL, 'd' },
		{ "table", required_argument, NULL, 't' },
		{ "replica", required_argument, NULL, 'r' },
		{ "discover", no_argument, NULL, 'D' },
		{ "replica-user", required_argument, NULL, 'U' },
		{ "replica-password", required_argument, NULL, 'W' },
		{ "max-lag", required_argument, NULL, 'l' },
		{ "max-load", required_argument, NULL, 'L' },
		{ "critical-load", required_argument, NULL, 'C' },
		{ "critical-hits", required_argument, NULL, 'K' },
		{ "flag-file", required_argument, NULL, 'f' },
		{ "throttle-query", required_argument, NULL, 'q' },
		{ "print-ms", required_argument, NULL, 'i' },
		{ "duration-s", required_argument, NULL, 'T' },
		{ "status-socket", required_argument, NULL, 'S' },
		{ "status-interval", required_argument, NULL, 'I' },
		{ "log-json", no_argument, NULL, 'J' },
		{ "hooks-dir", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_options primary = { 0 }, replica;
	struct throttle_replica_list replicas = THROTTLE_REPLICA_LIST_INIT;
	struct throttle_load_spec max_load = THROTTLE_LOAD_SPEC_INIT;
	struct throttle_load_spec critical = THROTTLE_LOAD_SPEC_INIT;
	struct throttle_config cfg;
	struct throttle_heartbeat *hb;
	struct throttler *t;
	struct strbuf err = STRBUF_INIT, sql = STRBUF_INIT;
	const char *dbname = "osc_probe", *table = "_t_osc";
	const char *replica_user = NULL, *replica_password = NULL;
	const char *flag_files[2] = { NULL, NULL };
	const char *query = NULL;
	unsigned long max_lag = 1500, hits = 3, print_ms = 200, duration_s = 60;
	int discover = 0, c, status = 0;
	const char *socket_path = NULL;
	unsigned long status_interval = 0;
	struct hooks_config hooks = { NULL, 5000 };
	struct status_socket *sock = NULL;
	struct progress *progress = NULL;
	struct glue glue;
	enum throttle_action was = THROTTLE_RUN;
	struct db *conn;
	uint64_t start;

	while ((c = getopt_long(argc, argv, "h:P:u:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': primary.host = optarg; break;
		case 'P': primary.port = (unsigned)num(optarg, "port"); break;
		case 'u': primary.user = optarg; break;
		case 'p': primary.password = optarg; break;
		case 'd': dbname = optarg; break;
		case 't': table = optarg; break;
		case 'r':
			if (throttle_replica_parse(&replicas, optarg, &err) < 0)
				die("%s", err.buf);
			break;
		case 'D': discover = 1; break;
		case 'U': replica_user = optarg; break;
		case 'W': replica_password = optarg; break;
		case 'l': max_lag = num(optarg, "max-lag"); break;
		case 'L':
			if (throttle_load_spec_parse(&max_load, optarg,
						     "max-load", &err) < 0)
				die("%s", err.buf);
			break;
		case 'C':
			if (throttle_load_spec_parse(&critical, optarg,
						     "critical-load", &err) < 0)
				die("%s", err.buf);
			break;
		case 'K': hits = num(optarg, "critical-hits"); break;
		case 'f': flag_files[0] = optarg; break;
		case 'q': query = optarg; break;
		case 'i': print_ms = num(optarg, "print-ms"); break;
		case 'T': duration_s = num(optarg, "duration-s"); break;
		case 'S': socket_path = optarg; break;
		case 'I': status_interval = num(optarg, "status-interval"); break;
		case 'J': log_set_format(LOG_FORMAT_JSON); break;
		case 'H': hooks.dir = optarg; break;
		default:
			fprintf(stderr, "usage: see the top of throttle-probe.c\n");
			return 2;
		}
	}
	db_global_init();
	db_thread_init();
	conn = db_connect(&primary, "driver", NULL, &err);
	if (!conn)
		die("%s", err.buf);
	strbuf_addstr(&sql, "CREATE DATABASE IF NOT EXISTS ");
	quote_ident(&sql, dbname);
	if (db_exec(conn, sql.buf, &err) < 0)
		die("%s", err.buf);
	strbuf_reset(&sql);
	if (throttle_changelog_create_sql(&sql, dbname, table, &err) < 0)
		die("%s", err.buf);
	if (db_exec(conn, sql.buf, &err) < 0 &&
	    db_errno(conn) != DB_ER_TABLE_EXISTS)
		die("%s", err.buf);
	strbuf_reset(&err);
	if (discover) {
		struct throttle_replica_list found = THROTTLE_REPLICA_LIST_INIT;
		struct throttle_replica_list reached =
			THROTTLE_REPLICA_LIST_INIT;
		struct strbuf notes = STRBUF_INIT, problems = STRBUF_INIT;
		struct db_options ro = primary;
		unsigned long long own = 0;
		size_t i;

		if (db_query_u64(conn, "SELECT @@server_id", &own, &err) < 0 ||
		    throttle_discover_replicas(conn, 0, BINLOG_SERVER_ID_MIN,
					       &found, &notes, &err) < 0)
			die("%s", err.buf);
		if (replica_user)
			ro.user = replica_user;
		if (replica_password)
			ro.password = replica_password;
		if (throttle_replicas_resolve(&found, NULL, &ro, 5,
					      (uint32_t)own, NULL, &reached,
					      &notes, &problems) < 0)
			die("%s", problems.buf);
		if (notes.len)
			fprintf(stderr, "%s", notes.buf);
		for (i = 0; i < reached.nr; i++) {
			struct strbuf name = STRBUF_INIT;

			throttle_replica_name(&name, &reached.items[i]);
			printf("discovered\t%s\n", name.buf);
			throttle_replica_add(&replicas, reached.items[i].host,
					     reached.items[i].port);
			strbuf_release(&name);
		}
		fflush(stdout);
		throttle_replica_list_release(&found);
		throttle_replica_list_release(&reached);
		strbuf_release(&notes);
		strbuf_release(&problems);
	}

	hb = throttle_heartbeat_start(&primary, dbname, table, 100, &err);
	if (!hb)
		die("%s", err.buf);

	replica = primary;
	if (replica_user)
		replica.user = replica_user;
	if (replica_password)
		replica.password = replica_password;
	memset(&cfg, 0, sizeof(cfg));
	cfg.limits.max_lag_ms = max_lag;
	cfg.limits.max_load = &max_load;
	cfg.limits.critical_load = &critical;
	cfg.limits.critical_hits = (unsigned)hits;
	cfg.changelog_db = dbname;
	cfg.changelog_table = table;
	cfg.replicas = &replicas;
	cfg.replica_opts = &replica;
	cfg.primary_opts = &primary;
	cfg.throttle_query = query;
	cfg.flag_files = flag_files;
	/* Faster than the defaults, so the test runs quickly. */
	cfg.load_interval_ms = 250;
	cfg.query_interval_ms = 250;
	t = throttle_new(&cfg, &err);
	if (!t)
		die("%s", err.buf);
	if (throttle_start(t, &err) < 0)
		die("%s", err.buf);

	memset(&glue, 0, sizeof(glue));
	pthread_mutex_init(&glue.lock, NULL);
	glue.t = t;
	glue.chunk_size = 1000;
	glue.start_ms = throttle_now_ms();
	if (socket_path) {
		struct status_socket_ops ops = {
			.data = &glue,
			.status = g_status,
			.set_throttle = g_set_throttle,
			.set_chunk_size = g_set_chunk,
			.get_chunk_size = g_get_chunk,
			.set_max_lag = g_set_max_lag,
			.get_max_lag = g_get_max_lag,
			.set_max_load = g_set_max_load,
			.get_max_load = g_get_max_load,
			.panic = g_panic,
		};

		sock = status_socket_start(socket_path, &ops, &err);
		if (!sock)
			die("%s", err.buf);
	}
	if (status_interval) {
		struct progress_config pc = { PROGRESS_LINES,
					      (unsigned)status_interval };
		progress = progress_new(&pc);
	}
	run_hook(&hooks, HOOK_ON_STARTUP, &glue, -1);

	start = throttle_now_ms();
	while (throttle_now_ms() - start < duration_s * 1000) {
		struct throttle_decision d;
		struct throttle_snapshot snap;
		enum throttle_action a;

		sleep_ms((unsigned)print_ms);
		throttle_decision_init(&d);
		throttle_snapshot_init(&snap);
		a = throttle_check(t, &d);
		throttle_get_snapshot(t, &snap);
		if (d.max_lag_ms >= 0)
			printf("%s\t%s\t%" PRId64 "\t%" PRIu64 "\n",
			       throttle_action_name(a), d.reason.buf,
			       d.max_lag_ms, snap.throttled_ms);
		else
			printf("%s\t%s\t-\t%" PRIu64 "\n",
			       throttle_action_name(a), d.reason.buf,
			       snap.throttled_ms);
		fflush(stdout);
		throttle_snapshot_release(&snap);
		throttle_decision_release(&d);
		if (progress) {
			struct progress_status st = PROGRESS_STATUS_INIT;

			throttle_snapshot_init(&snap);
			glue_progress(&glue, &st, &snap);
			progress_update(progress, &st);
			throttle_snapshot_release(&snap);
		}
		if (a != was && (a == THROTTLE_PAUSE || was == THROTTLE_PAUSE))
			run_hook(&hooks, a == THROTTLE_PAUSE
						 ? HOOK_ON_THROTTLED
						 : HOOK_ON_UNTHROTTLED,
				 &glue, -1);
		was = a;
		if (a == THROTTLE_ABORT) {
			status = 3;
			break;
		}
		if (glue_panicked(&glue)) {
			status = 1;
			break;
		}
	}
	run_hook(&hooks, status ? HOOK_ON_FAILURE : HOOK_ON_SUCCESS, &glue,
		 status);
	status_socket_stop(sock);
	progress_free(progress);
	pthread_mutex_destroy(&glue.lock);
	throttle_free(t);
	throttle_heartbeat_stop(hb);
	db_close(conn);
	throttle_replica_list_release(&replicas);
	throttle_load_spec_release(&max_load);
	throttle_load_spec_release(&critical);
	strbuf_release(&err);
	strbuf_release(&sql);
	db_thread_end();
	db_global_end();
	return status;
}
