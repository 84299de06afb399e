/*
 * test-ops-engine.c: osc/migrate/engine-ops.c without a server. A run is faked
 * (names only); the status socket is real (a temp path), so the commands
 * are checked end to end: what they answer and what the engine's polls
 * see afterwards (pause, chunk size, stop and its reason). The stop
 * conditions and the cut-over gate are table-driven.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "osc/migrate/engine-ops.h"
#include "osc/cli/options.h"
#include "osc/migrate/preflight.h"
#include "osc/migrate/run.h"
#include "util/log.h"
#include "util/strbuf.h"

struct fixture {
	char dir[32];
	struct osc_options opts;
	struct osc_preflight pf;
	struct osc_run run;
};

static void fixture_init(struct fixture *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/osc-ops.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	osc_options_init(&f->opts);
	f->opts.alter = "ADD COLUMN c INT";
	memset(&f->pf, 0, sizeof(f->pf));
	f->pf.table.db = "shop";
	f->pf.table.table = "orders";
	f->pf.table.ghost_name = "_orders_new";
	f->pf.table.old_name = "_orders_old";
	f->pf.table.changelog_name = "_orders_osc";
	f->pf.table.rows_estimate = 1000;
	f->pf.server.where = "db1:3306";
	memset(&f->run, 0, sizeof(f->run));
	f->run.opts = &f->opts;
	f->run.pf = &f->pf;
}

static void fixture_path(struct fixture *f, const char *name,
			 struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_addf(out, "%s/%s", f->dir, name);
}

static void fixture_release(struct fixture *f)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
}

static void touch(const char *path)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fclose(fp);
}

/* One command on a new connection; the answer without its newline. */
static void ask(const char *path, const char *cmd, struct strbuf *answer)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char c;

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	assert_int_equal(write(fd, "\n", 1), 1);
	strbuf_reset(answer);
	while (read(fd, &c, 1) == 1 && c != '\n')
		strbuf_addch(answer, c);
	close(fd);
}

/* ---- the socket's commands reach the engine's polls ----------------- */

static void test_socket_commands(void **state)
{
	struct fixture f;
	struct strbuf sock = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf answer = STRBUF_INIT, why = STRBUF_INIT;
	struct progress_status st = PROGRESS_STATUS_INIT;
	struct engine_ops *ops;

	fixture_init(&f);
	fixture_path(&f, "osc.sock", &sock);
	f.opts.status_socket = sock.buf;
	f.opts.chunk_rows = 250;
	ops = engine_ops_start(&f.run, NULL, &err);
	if (!ops)
		fail_msg("start: %s", err.buf);

	/* Before anything is published: the run's names and estimate. */
	ask(sock.buf, "status", &answer);
	assert_non_null(strstr(answer.buf, "{\"database\":\"shop\","
					   "\"table\":\"orders\","
					   "\"phase\":\"starting\","
					   "\"rows_copied\":0,"
					   "\"rows_estimate\":1000,"));

	/* The published status, with the chunk size during the copy. */
	st.database = "shop";
	st.table = "orders";
	st.phase = "copy";
	st.rows_copied = 40;
	st.rows_estimate = 1000;
	assert_int_equal(engine_ops_next_chunk_rows(ops, 250), 0);
	engine_ops_report(ops, &st, 0);
	ask(sock.buf, "status", &answer);
	assert_non_null(strstr(answer.buf, "\"phase\":\"copy\","
					   "\"rows_copied\":40,"));
	assert_non_null(strstr(answer.buf, "\"throttled\":false,"));
	assert_non_null(strstr(answer.buf, "\"chunk_size\":250,"));

	/* throttle / no-throttle: osc's own pause without a throttler. */
	assert_int_equal(engine_ops_should_pause(ops), 0);
	ask(sock.buf, "throttle", &answer);
	assert_string_equal(answer.buf, "ok: throttled by user");
	assert_int_equal(engine_ops_should_pause(ops), 1);
	ask(sock.buf, "status", &answer);
	assert_non_null(strstr(answer.buf, "\"throttled\":true,"
					   "\"throttle_reason\":"
					   "\"throttled by user\","));
	ask(sock.buf, "no-throttle", &answer);
	assert_string_equal(answer.buf, "ok: user throttle released");
	assert_int_equal(engine_ops_should_pause(ops), 0);

	/* chunk-size: taken once by the copier, then shown. */
	ask(sock.buf, "chunk-size=77", &answer);
	assert_string_equal(answer.buf, "ok: chunk-size=77");
	ask(sock.buf, "chunk-size=?", &answer);
	assert_string_equal(answer.buf, "chunk-size=77");
	assert_int_equal(engine_ops_next_chunk_rows(ops, 250), 77);
	assert_int_equal(engine_ops_next_chunk_rows(ops, 77), 0);
	engine_ops_report(ops, &st, 0);
	ask(sock.buf, "status", &answer);
	assert_non_null(strstr(answer.buf, "\"chunk_size\":77,"));

	/* What needs a throttler, or something to release. */
	ask(sock.buf, "max-lag=2000", &answer);
	assert_string_equal(answer.buf,
			    "error: max-lag is not available in this run");
	ask(sock.buf, "max-lag=?", &answer);
	assert_string_equal(answer.buf, "max-lag=0");
	ask(sock.buf, "max-load=Threads_running=9", &answer);
	assert_string_equal(answer.buf,
			    "error: max-load is not available in this run");
	ask(sock.buf, "cut-over", &answer);
	assert_string_equal(answer.buf,
			    "error: nothing postpones the cut-over in this run "
			    "(no --postpone-cut-over-flag-file, no "
			    "--hooks-dir)");

	/* panic: the next poll stops, with the reason; not after a swap. */
	assert_int_equal(engine_ops_should_stop(ops), 0);
	assert_int_equal(engine_ops_stop_reason(ops, &why), 0);
	ask(sock.buf, "panic", &answer);
	assert_string_equal(answer.buf, "ok: aborting");
	assert_int_equal(engine_ops_should_stop(ops), 1);
	assert_int_equal(engine_ops_should_stop(ops), 1);
	assert_int_equal(engine_ops_stop_reason(ops, &why), 1);
	assert_string_equal(why.buf, "aborted by the 'panic' command on the "
				     "status socket");
	engine_ops_swapped(ops);
	assert_int_equal(engine_ops_should_stop(ops), 0);

	engine_ops_finish(ops, 1, "stopped");
	assert_int_not_equal(access(sock.buf, F_OK), 0);
	strbuf_release(&sock);
	strbuf_release(&err);
	strbuf_release(&answer);
	strbuf_release(&why);
	fixture_release(&f);
}

/* ---- stop conditions ------------------------------------------------- */

static const struct {
	const char *name;
	int panic_file;		/* 1: given and present, 2: given, absent */
	uint64_t max_runtime_ms;
	unsigned int sleep_ms;
	int stop;
	const char *why;	/* prefix; "%s" stands for the flag path */
} stop_cases[] = {
	{ "nothing set", 0, 0, 0, 0, NULL },
	{ "panic file absent", 2, 0, 0, 0, NULL },
	{ "panic file present", 1, 0, 0, 1,
	  "aborted: the panic flag file '%s' exists" },
	{ "runtime not reached", 0, 3600 * 1000, 0, 0, NULL },
	{ "runtime exceeded", 0, 20, 60, 1,
	  "aborted: the run went on longer than --max-runtime=20ms" },
	{ "panic file wins", 1, 20, 60, 1, "aborted: the panic flag file" },
};

static void test_stop_conditions(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stop_cases); i++) {
		struct fixture f;
		struct strbuf flag = STRBUF_INIT, err = STRBUF_INIT;
		struct strbuf why = STRBUF_INIT, want = STRBUF_INIT;
		struct engine_ops *ops;
		struct timespec ts;

		fixture_init(&f);
		fixture_path(&f, "panic", &flag);
		if (stop_cases[i].panic_file)
			f.opts.panic_flag_file = flag.buf;
		if (stop_cases[i].panic_file == 1)
			touch(flag.buf);
		f.opts.max_runtime_ms = stop_cases[i].max_runtime_ms;
		ops = engine_ops_start(&f.run, NULL, &err);
		assert_non_null(ops);
		ts.tv_sec = 0;
		ts.tv_nsec = (long)stop_cases[i].sleep_ms * 1000000L;
		nanosleep(&ts, NULL);
		if (engine_ops_should_stop(ops) != stop_cases[i].stop)
			fail_msg("%s: should_stop is not %d",
				 stop_cases[i].name, stop_cases[i].stop);
		engine_ops_stop_reason(ops, &why);
		if (stop_cases[i].why) {
			strbuf_addf(&want, stop_cases[i].why, flag.buf);
			if (strncmp(why.buf, want.buf, want.len))
				fail_msg("%s: reason '%s', want '%s'",
					 stop_cases[i].name, why.buf,
					 want.buf);
		} else {
			assert_int_equal(why.len, 0);
		}
		engine_ops_finish(ops, 1, NULL);
		strbuf_release(&flag);
		strbuf_release(&err);
		strbuf_release(&why);
		strbuf_release(&want);
		fixture_release(&f);
	}
}

/* ---- the cut-over gate ----------------------------------------------- */

struct gate_probe {
	int refreshes;
	int polls;
	int stop_at;		/* should_stop says 1 at this poll; 0: never */
	const char *remove_at_poll_path;
	int remove_at;		/* remove the flag file at this poll */
};

static void gate_refresh(void *ctx)
{
	((struct gate_probe *)ctx)->refreshes++;
}

static int gate_should_stop(void *ctx)
{
	struct gate_probe *g = ctx;

	g->polls++;
	if (g->remove_at && g->polls == g->remove_at)
		unlink(g->remove_at_poll_path);
	return g->stop_at && g->polls >= g->stop_at;
}

static const struct {
	const char *name;
	int flag_present;
	int stop_at;
	int remove_at;
	int ret;
	int min_refreshes;
} gate_cases[] = {
	{ "no flag file: go", 0, 0, 0, 0, 0 },
	{ "flag held, then stopped", 1, 3, 0, -1, 2 },
	{ "flag removed: go", 1, 0, 3, 0, 2 },
};

static void test_gate(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gate_cases); i++) {
		struct fixture f;
		struct strbuf flag = STRBUF_INIT, err = STRBUF_INIT;
		struct gate_probe g;
		struct engine_ops *ops;
		int ret;

		fixture_init(&f);
		fixture_path(&f, "postpone", &flag);
		f.opts.postpone_cut_over_flag_file = flag.buf;
		if (gate_cases[i].flag_present)
			touch(flag.buf);
		memset(&g, 0, sizeof(g));
		g.stop_at = gate_cases[i].stop_at;
		g.remove_at = gate_cases[i].remove_at;
		g.remove_at_poll_path = flag.buf;
		ops = engine_ops_start(&f.run, NULL, &err);
		assert_non_null(ops);
		ret = engine_ops_cut_over_gate(ops, gate_refresh,
					       gate_should_stop, &g, &err);
		if (ret != gate_cases[i].ret ||
		    g.refreshes < gate_cases[i].min_refreshes)
			fail_msg("%s: returned %d after %d refreshes",
				 gate_cases[i].name, ret, g.refreshes);
		/* A stop by the engine's own poll leaves err to the engine. */
		assert_int_equal(err.len, 0);
		engine_ops_finish(ops, ret ? 1 : 0, NULL);
		strbuf_release(&flag);
		strbuf_release(&err);
		fixture_release(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_commands),
		cmocka_unit_test(test_stop_conditions),
		cmocka_unit_test(test_gate),
	};

	log_set_level(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
