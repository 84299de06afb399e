/*
 * test-ops-socket.c: status socket commands (parsing and dispatch, table-
 * driven) and the server for real: started on a temp path, connected to,
 * answering, mode 0600, a live socket refused, a stale one replaced, the
 * file removed at stop.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "osc/ops/status-socket.h"
#include "util/strbuf.h"

/* ---- parsing -------------------------------------------------------- */

static const struct {
	const char *line;
	int ok;
	enum status_command_kind kind;
	int query;
	unsigned long long number;
	const char *text;	/* max-load canonical, or error substring */
} parse_cases[] = {
	{ "status", 1, STATUS_CMD_STATUS, 0, 0, NULL },
	{ "  info \r", 1, STATUS_CMD_STATUS, 0, 0, NULL },
	{ "", 1, STATUS_CMD_EMPTY, 0, 0, NULL },
	{ "   ", 1, STATUS_CMD_EMPTY, 0, 0, NULL },
	{ "throttle", 1, STATUS_CMD_THROTTLE, 0, 0, NULL },
	{ "pause", 1, STATUS_CMD_THROTTLE, 0, 0, NULL },
	{ "suspend", 1, STATUS_CMD_THROTTLE, 0, 0, NULL },
	{ "no-throttle", 1, STATUS_CMD_NO_THROTTLE, 0, 0, NULL },
	{ "unthrottle", 1, STATUS_CMD_NO_THROTTLE, 0, 0, NULL },
	{ "resume", 1, STATUS_CMD_NO_THROTTLE, 0, 0, NULL },
	{ "continue", 1, STATUS_CMD_NO_THROTTLE, 0, 0, NULL },
	{ "chunk-size=500", 1, STATUS_CMD_CHUNK_SIZE, 0, 500, NULL },
	{ "chunk-size=?", 1, STATUS_CMD_CHUNK_SIZE, 1, 0, NULL },
	{ "chunk-size", 1, STATUS_CMD_CHUNK_SIZE, 1, 0, NULL },
	{ "chunk-size=10000000", 1, STATUS_CMD_CHUNK_SIZE, 0, 10000000, NULL },
	{ "chunk-size=0", 0, 0, 0, 0, "chunk-size must be 1..10000000, not '0'" },
	{ "chunk-size=10000001", 0, 0, 0, 0, "must be 1..10000000" },
	{ "chunk-size=12x", 0, 0, 0, 0, "chunk-size takes a number, not '12x'" },
	{ "chunk-size=", 0, 0, 0, 0, "takes a number" },
	{ "chunk-size=-5", 0, 0, 0, 0, "takes a number" },
	{ "chunk-size=99999999999999999999999", 0, 0, 0, 0, "must be" },
	{ "max-lag=2000", 1, STATUS_CMD_MAX_LAG, 0, 2000, NULL },
	{ "max-lag-millis=2000", 1, STATUS_CMD_MAX_LAG, 0, 2000, NULL },
	{ "max-lag=0", 1, STATUS_CMD_MAX_LAG, 0, 0, NULL },
	{ "max-lag=?", 1, STATUS_CMD_MAX_LAG, 1, 0, NULL },
	{ "max-lag=99", 0, 0, 0, 0, "max-lag must be 0 (off) or 100..3600000" },
	{ "max-lag=3600001", 0, 0, 0, 0, "0 (off) or 100..3600000" },
	{ "max-load=Threads_running=30", 1, STATUS_CMD_MAX_LOAD, 0, 0,
	  "Threads_running=30" },
	{ "max-load=Threads_running=30,Threads_connected=200", 1,
	  STATUS_CMD_MAX_LOAD, 0, 0, "Threads_running=30,Threads_connected=200" },
	{ "max-load=", 1, STATUS_CMD_MAX_LOAD, 0, 0, "" },
	{ "max-load=?", 1, STATUS_CMD_MAX_LOAD, 1, 0, NULL },
	{ "max-load=Threads_running", 0, 0, 0, 0, "invalid --max-load item" },
	{ "cut-over", 1, STATUS_CMD_CUT_OVER, 0, 0, NULL },
	{ "unpostpone", 1, STATUS_CMD_CUT_OVER, 0, 0, NULL },
	{ "no-postpone", 1, STATUS_CMD_CUT_OVER, 0, 0, NULL },
	{ "panic", 1, STATUS_CMD_PANIC, 0, 0, NULL },
	{ "panic --keep", 1, STATUS_CMD_PANIC_KEEP, 0, 0, NULL },
	{ "  panic-keep ", 1, STATUS_CMD_PANIC_KEEP, 0, 0, NULL },
	{ "panic --keep=1", 0, 0, 0, 0, "'panic --keep' takes no value" },
	{ "panic --drop", 0, 0, 0, 0, "unknown command 'panic --drop'" },
	{ "help", 1, STATUS_CMD_HELP, 0, 0, NULL },
	{ "throttle=1", 0, 0, 0, 0, "'throttle' takes no value" },
	{ "panic=now", 0, 0, 0, 0, "'panic' takes no value" },
	{ "STATUS", 0, 0, 0, 0, "unknown command 'STATUS'; try 'help'" },
	{ "drop table", 0, 0, 0, 0, "unknown command 'drop table'" },
	{ "=5", 0, 0, 0, 0, "unknown command ''" },
};

static void test_parse(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		struct status_command cmd = STATUS_COMMAND_INIT;
		struct strbuf err = STRBUF_INIT, spec = STRBUF_INIT;
		int ret = status_command_parse(parse_cases[i].line, &cmd, &err);

		if (parse_cases[i].ok) {
			if (ret)
				fail_msg("'%s': %s", parse_cases[i].line,
					 err.buf);
			assert_int_equal(cmd.kind, parse_cases[i].kind);
			assert_int_equal(cmd.query, parse_cases[i].query);
			assert_true(cmd.number == parse_cases[i].number);
			if (parse_cases[i].text) {
				throttle_load_spec_format(&cmd.load, &spec);
				assert_string_equal(spec.buf,
						    parse_cases[i].text);
			}
		} else {
			if (!ret)
				fail_msg("'%s': no error", parse_cases[i].line);
			if (!strstr(err.buf, parse_cases[i].text))
				fail_msg("'%s': error '%s' lacks '%s'",
					 parse_cases[i].line, err.buf,
					 parse_cases[i].text);
			assert_null(strchr(err.buf, '\n'));
		}
		status_command_release(&cmd);
		strbuf_release(&err);
		strbuf_release(&spec);
	}
}

/* ---- dispatch: a fake engine ---------------------------------------- */

struct fake {
	pthread_mutex_t lock;
	int throttled;
	unsigned long long chunk, max_lag;
	struct strbuf max_load;
	int cut_over, panicked, kept;
	int refuse_cut_over;
};

static void f_status(void *data, struct strbuf *json)
{
	struct fake *f = data;

	pthread_mutex_lock(&f->lock);
	strbuf_addf(json, "{\"phase\":\"copy\",\"throttled\":%s}",
		    f->throttled ? "true" : "false");
	pthread_mutex_unlock(&f->lock);
}

static void f_set_throttle(void *data, int on)
{
	struct fake *f = data;

	pthread_mutex_lock(&f->lock);
	f->throttled = on;
	pthread_mutex_unlock(&f->lock);
}

static int f_set_chunk(void *data, unsigned long long rows, struct strbuf *err)
{
	struct fake *f = data;

	pthread_mutex_lock(&f->lock);
	f->chunk = rows;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static unsigned long long f_get_chunk(void *data)
{
	struct fake *f = data;
	unsigned long long v;

	pthread_mutex_lock(&f->lock);
	v = f->chunk;
	pthread_mutex_unlock(&f->lock);
	return v;
}

static int f_set_max_lag(void *data, unsigned long long ms, struct strbuf *err)
{
	struct fake *f = data;

	pthread_mutex_lock(&f->lock);
	f->max_lag = ms;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static unsigned long long f_get_max_lag(void *data)
{
	return ((struct fake *)data)->max_lag;
}

static int f_set_max_load(void *data, const struct throttle_load_spec *spec,
			  struct strbuf *err)
{
	struct fake *f = data;

	pthread_mutex_lock(&f->lock);
	strbuf_reset(&f->max_load);
	throttle_load_spec_format(spec, &f->max_load);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static void f_get_max_load(void *data, struct strbuf *out)
{
	struct fake *f = data;

	pthread_mutex_lock(&f->lock);
	strbuf_addbuf(out, &f->max_load);
	pthread_mutex_unlock(&f->lock);
}

static int f_cut_over(void *data, struct strbuf *err)
{
	struct fake *f = data;

	if (f->refuse_cut_over) {
		strbuf_addstr(err, "the cut-over is not postponed");
		return -1;
	}
	f->cut_over = 1;
	return 0;
}

static void f_panic(void *data)
{
	((struct fake *)data)->panicked = 1;
}

static void f_panic_keep(void *data)
{
	((struct fake *)data)->kept = 1;
}

static void fake_init(struct fake *f, struct status_socket_ops *ops)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	strbuf_init(&f->max_load, 0);
	f->chunk = 1000;
	f->max_lag = 1500;
	memset(ops, 0, sizeof(*ops));
	ops->data = f;
	ops->status = f_status;
	ops->set_throttle = f_set_throttle;
	ops->set_chunk_size = f_set_chunk;
	ops->get_chunk_size = f_get_chunk;
	ops->set_max_lag = f_set_max_lag;
	ops->get_max_lag = f_get_max_lag;
	ops->set_max_load = f_set_max_load;
	ops->get_max_load = f_get_max_load;
	ops->cut_over = f_cut_over;
	ops->panic = f_panic;
	ops->panic_keep = f_panic_keep;
}

static void fake_release(struct fake *f)
{
	strbuf_release(&f->max_load);
	pthread_mutex_destroy(&f->lock);
}

/* Lines in, answers out, in order, on one fake engine. */
static const struct {
	const char *line;
	const char *reply;
} dispatch_steps[] = {
	{ "status", "{\"phase\":\"copy\",\"throttled\":false}" },
	{ "throttle", "ok: throttled by user" },
	{ "status", "{\"phase\":\"copy\",\"throttled\":true}" },
	{ "no-throttle", "ok: user throttle released" },
	{ "chunk-size=?", "chunk-size=1000" },
	{ "chunk-size=250", "ok: chunk-size=250" },
	{ "chunk-size", "chunk-size=250" },
	{ "max-lag=3000", "ok: max-lag=3000" },
	{ "max-lag=?", "max-lag=3000" },
	{ "max-load=Threads_running=9", "ok: max-load=Threads_running=9" },
	{ "max-load=?", "max-load=Threads_running=9" },
	{ "max-load=", "ok: max-load=" },
	{ "max-load", "max-load=" },
	{ "cut-over", "ok: cut-over released" },
	{ "panic", "ok: aborting" },
	{ "panic --keep", "ok: stopping, keeping the ghost and the changelog "
			  "for --resume" },
	{ "", "" },
	{ "bogus", "error: unknown command 'bogus'; try 'help'" },
	{ "max-lag=5", "error: max-lag must be 0 (off) or 100..3600000, not '5'" },
	{ "help", "commands: status, throttle, no-throttle, chunk-size=ROWS, "
		  "max-lag=MS, max-load=VAR=N[,VAR=N...], cut-over, panic, "
		  "panic --keep, help; NAME=? shows a value" },
};

static void test_dispatch(void **state)
{
	struct status_socket_ops ops, none;
	struct fake f;
	struct strbuf reply = STRBUF_INIT;
	size_t i;

	fake_init(&f, &ops);
	for (i = 0; i < ARRAY_SIZE(dispatch_steps); i++) {
		strbuf_reset(&reply);
		status_socket_handle_line(&ops, dispatch_steps[i].line, &reply);
		if (strcmp(reply.buf, dispatch_steps[i].reply))
			fail_msg("'%s': got '%s', want '%s'",
				 dispatch_steps[i].line, reply.buf,
				 dispatch_steps[i].reply);
	}
	assert_int_equal(f.cut_over, 1);
	assert_int_equal(f.panicked, 1);
	assert_int_equal(f.kept, 1);

	f.refuse_cut_over = 1;
	strbuf_reset(&reply);
	status_socket_handle_line(&ops, "cut-over", &reply);
	assert_string_equal(reply.buf,
			    "error: the cut-over is not postponed");

	/* An engine without callbacks says so. */
	memset(&none, 0, sizeof(none));
	strbuf_reset(&reply);
	status_socket_handle_line(&none, "chunk-size=5", &reply);
	assert_string_equal(reply.buf, "error: chunk-size is not available "
			    "in this run");
	strbuf_reset(&reply);
	status_socket_handle_line(&none, "status", &reply);
	assert_string_equal(reply.buf,
			    "error: status is not available in this run");
	strbuf_release(&reply);
	fake_release(&f);
}

/* ---- the server, for real ------------------------------------------- */

static int connect_to(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send `text`, read one line back (without the newline). */
static void ask(int fd, const char *text, struct strbuf *answer)
{
	char c;

	strbuf_reset(answer);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	for (;;) {
		ssize_t n = read(fd, &c, 1);

		assert_int_equal(n, 1);
		if (c == '\n')
			break;
		strbuf_addch(answer, c);
	}
}

static void test_server(void **state)
{
	char dir[] = "/tmp/osc-sock.XXXXXX";
	char path[64], other[64];
	struct status_socket_ops ops;
	struct status_socket *s, *s2;
	struct strbuf err = STRBUF_INIT, answer = STRBUF_INIT;
	struct fake f;
	struct stat st;
	int fd, fd2, lfd;
	char c;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/osc.sock", dir);
	fake_init(&f, &ops);

	s = status_socket_start(path, &ops, &err);
	if (!s)
		fail_msg("start: %s", err.buf);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Two clients at once; several commands on one connection, one
	 * split across writes. */
	fd = connect_to(path);
	fd2 = connect_to(path);
	assert_true(fd >= 0 && fd2 >= 0);
	ask(fd, "status\n", &answer);
	assert_string_equal(answer.buf, "{\"phase\":\"copy\",\"throttled\":false}");
	ask(fd2, "throttle\n", &answer);
	assert_string_equal(answer.buf, "ok: throttled by user");
	assert_int_equal(write(fd, "stat", 4), 4);
	ask(fd, "us\n", &answer);
	assert_string_equal(answer.buf, "{\"phase\":\"copy\",\"throttled\":true}");
	ask(fd, "chunk-size=42\r\n", &answer);
	assert_string_equal(answer.buf, "ok: chunk-size=42");
	assert_true(f_get_chunk(&f) == 42);
	ask(fd, "what\n", &answer);
	assert_string_equal(answer.buf, "error: unknown command 'what'; try 'help'");
	close(fd2);
	/* A last command without a newline is answered at end of input. */
	assert_int_equal(write(fd, "max-lag=?", 9), 9);
	shutdown(fd, SHUT_WR);
	strbuf_reset(&answer);
	while (read(fd, &c, 1) == 1)
		strbuf_addch(&answer, c);
	assert_string_equal(answer.buf, "max-lag=1500\n");
	close(fd);

	/* A second server on the same path is refused: this one answers. */
	strbuf_reset(&err);
	s2 = status_socket_start(path, &ops, &err);
	assert_null(s2);
	assert_non_null(strstr(err.buf, "is in use by another process"));

	status_socket_stop(s);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(connect_to(path), -1);

	/* A stale socket (bound, nobody listening) is replaced. */
	{
		struct sockaddr_un sa;

		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		assert_int_equal(bind(lfd, (struct sockaddr *)&sa,
				      sizeof(sa)), 0);
		close(lfd);
	}
	assert_int_equal(lstat(path, &st), 0);
	strbuf_reset(&err);
	s = status_socket_start(path, &ops, &err);
	if (!s)
		fail_msg("stale socket not replaced: %s", err.buf);
	fd = connect_to(path);
	ask(fd, "help\n", &answer);
	assert_non_null(strstr(answer.buf, "commands: status"));
	close(fd);
	status_socket_stop(s);
	assert_int_equal(lstat(path, &st), -1);

	/* A regular file in the way is refused and left alone. */
	snprintf(other, sizeof(other), "%s/file", dir);
	{
		FILE *fp = fopen(other, "w");
		assert_non_null(fp);
		fclose(fp);
	}
	strbuf_reset(&err);
	assert_null(status_socket_start(other, &ops, &err));
	assert_non_null(strstr(err.buf, "exists and is not a socket"));
	assert_int_equal(unlink(other), 0);

	assert_int_equal(rmdir(dir), 0);
	strbuf_release(&err);
	strbuf_release(&answer);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
