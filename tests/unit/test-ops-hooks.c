/*
 * test-ops-hooks.c: hooks for real, in a temp directory of shell scripts:
 * the environment a hook sees, exit statuses, the order and matching of
 * names, a non-executable file, a missing hook or directory, and a hook
 * that outlives the timeout being killed with its process group.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "osc/ops/hooks.h"
#include "util/strbuf.h"

static char dir[] = "/tmp/osc-hooks.XXXXXX";
static char out_path[128];

static void write_hook(const char *name, const char *body, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void read_file(const char *path, struct strbuf *sb)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	size_t n;

	strbuf_reset(sb);
	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(sb, buf, n);
	fclose(f);
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	setenv("HOOK_OUT", out_path, 1);
	setenv("OSC_STALE", "from an outer run", 1);
	return 0;
}

static int teardown(void **state)
{
	struct strbuf cmd = STRBUF_INIT;
	int ret;

	strbuf_addf(&cmd, "rm -rf '%s'", dir);
	ret = system(cmd.buf);
	strbuf_release(&cmd);
	return ret ? -1 : 0;
}

static void test_format_env(void **state)
{
	struct hooks_env env = HOOKS_ENV_INIT;
	struct strbuf sb = STRBUF_INIT;

	env.database = "shop";
	env.table = "orders";
	env.ghost_table = "_orders_new";
	env.old_table = "_orders_old";
	env.phase = "copy";
	env.rows_copied = 10;
	env.rows_estimate = 40;
	env.percent = 25.0;
	env.elapsed_seconds = 7;
	env.throttled = 1;
	env.throttle_reason = "lag 4.2s\non db2";
	hooks_format_env(HOOK_ON_STATUS, &env, &sb);
	assert_string_equal(sb.buf,
			    "OSC_EVENT=on-status\n"
			    "OSC_DATABASE=shop\n"
			    "OSC_TABLE=orders\n"
			    "OSC_GHOST_TABLE=_orders_new\n"
			    "OSC_OLD_TABLE=_orders_old\n"
			    "OSC_PHASE=copy\n"
			    "OSC_DRY_RUN=0\n"
			    "OSC_ROWS_COPIED=10\n"
			    "OSC_ROWS_ESTIMATE=40\n"
			    "OSC_PERCENT=25.0\n"
			    "OSC_ELAPSED_SECONDS=7\n"
			    "OSC_THROTTLED=1\n"
			    "OSC_THROTTLE_REASON=lag 4.2s on db2\n");
	strbuf_release(&sb);
}

static void test_environment_and_status(void **state)
{
	struct hooks_config cfg = { dir, 10000 };
	struct hooks_env env = HOOKS_ENV_INIT;
	struct strbuf err = STRBUF_INIT, got = STRBUF_INIT;

	write_hook("on-success",
		   "env | grep -E '^(OSC_|HOOK_OUT=)' | sort >\"$HOOK_OUT\"\n"
		   "read line && echo stdin-not-empty >>\"$HOOK_OUT\"\n"
		   "exit 0", 0755);
	env.database = "shop";
	env.table = "orders";
	env.ghost_table = "_orders_new";
	env.old_table = "_orders_old";
	env.phase = "done";
	env.rows_copied = 100;
	env.rows_estimate = 100;
	env.elapsed_seconds = 12;
	env.exit_status = 0;
	env.dry_run = 1;
	assert_int_equal(hooks_run(&cfg, HOOK_ON_SUCCESS, &env, &err), 0);
	assert_string_equal(err.buf, "");
	read_file(out_path, &got);
	/* sorted by env | sort; OSC_STALE from our environment is gone */
	assert_int_equal(strncmp(got.buf, "HOOK_OUT=", 9), 0);
	assert_int_equal(strncmp(got.buf + 9, out_path, strlen(out_path)), 0);
	assert_non_null(strstr(got.buf, "\nOSC_DATABASE=shop\n"));
	assert_non_null(strstr(got.buf, "\nOSC_DRY_RUN=1\n"));
	assert_non_null(strstr(got.buf, "\nOSC_ELAPSED_SECONDS=12\n"));
	assert_non_null(strstr(got.buf, "\nOSC_EVENT=on-success\n"));
	assert_non_null(strstr(got.buf, "\nOSC_EXIT_STATUS=0\n"));
	assert_non_null(strstr(got.buf, "\nOSC_GHOST_TABLE=_orders_new\n"));
	assert_non_null(strstr(got.buf, "\nOSC_OLD_TABLE=_orders_old\n"));
	assert_non_null(strstr(got.buf, "\nOSC_PHASE=done\n"));
	assert_non_null(strstr(got.buf, "\nOSC_ROWS_COPIED=100\n"));
	assert_non_null(strstr(got.buf, "\nOSC_ROWS_ESTIMATE=100\n"));
	assert_non_null(strstr(got.buf, "\nOSC_TABLE=orders\n"));
	assert_null(strstr(got.buf, "OSC_STALE"));
	assert_null(strstr(got.buf, "OSC_MAX_LAG_MS"));
	assert_null(strstr(got.buf, "stdin-not-empty"));

	/* A failing hook: its status comes back with a message. */
	write_hook("on-before-cut-over", "exit 3", 0755);
	assert_int_equal(hooks_run(&cfg, HOOK_ON_BEFORE_CUT_OVER, &env, &err),
			 3);
	assert_non_null(strstr(err.buf, "on-before-cut-over' exited with "
				       "status 3"));
	strbuf_reset(&err);

	/* No hook for the event, no directory: nothing happens. */
	assert_int_equal(hooks_run(&cfg, HOOK_ON_FAILURE, &env, &err), 0);
	{
		struct hooks_config none = { "/nonexistent/osc-hooks", 0 };
		struct hooks_config off = { NULL, 0 };
		assert_int_equal(hooks_run(&none, HOOK_ON_SUCCESS, &env, &err),
				 0);
		assert_int_equal(hooks_run(&off, HOOK_ON_SUCCESS, &env, &err),
				 0);
	}
	assert_string_equal(err.buf, "");
	strbuf_release(&err);
	strbuf_release(&got);
}

static void test_order_and_matching(void **state)
{
	struct hooks_config cfg = { dir, 10000 };
	struct hooks_env env = HOOKS_ENV_INIT;
	struct strbuf err = STRBUF_INIT, got = STRBUF_INIT;
	char sub[256];

	unlink(out_path);
	write_hook("on-validated", "echo plain >>\"$HOOK_OUT\"", 0755);
	write_hook("on-validated.01-log", "echo dot >>\"$HOOK_OUT\"", 0755);
	write_hook("on-validated-02", "echo dash >>\"$HOOK_OUT\"", 0755);
	write_hook("on-validated~", "echo backup >>\"$HOOK_OUT\"", 0755);
	write_hook("on-validatedX", "echo other >>\"$HOOK_OUT\"", 0755);
	write_hook(".on-validated", "echo hidden >>\"$HOOK_OUT\"", 0755);
	/* not executable: skipped with a warning, not an error */
	write_hook("on-validated-03", "echo noexec >>\"$HOOK_OUT\"", 0644);
	/* a directory with a matching name is not a hook */
	snprintf(sub, sizeof(sub), "%s/on-validated-04", dir);
	assert_int_equal(mkdir(sub, 0755), 0);

	assert_int_equal(hooks_run(&cfg, HOOK_ON_VALIDATED, &env, &err), 0);
	read_file(out_path, &got);
	assert_string_equal(got.buf, "plain\ndash\ndot\n");

	/* The first failure is returned; the later hooks still run. */
	unlink(out_path);
	write_hook("on-row-copy-complete-a", "exit 5", 0755);
	write_hook("on-row-copy-complete-b", "exit 6", 0755);
	write_hook("on-row-copy-complete-c", "echo c >>\"$HOOK_OUT\"", 0755);
	assert_int_equal(hooks_run(&cfg, HOOK_ON_ROW_COPY_COMPLETE, &env,
				   &err), 5);
	assert_non_null(strstr(err.buf, "on-row-copy-complete-a' exited with "
				       "status 5"));
	assert_null(strchr(err.buf, '\n'));
	read_file(out_path, &got);
	assert_string_equal(got.buf, "c\n");
	strbuf_release(&err);
	strbuf_release(&got);
}

/* Running and not a zombie. */
static int process_alive(pid_t pid)
{
	char path[64], buf[256];
	FILE *f;
	char *p;
	int alive = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return kill(pid, 0) == 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		alive = p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return alive;
}

static void test_timeout_kills_the_group(void **state)
{
	struct hooks_config cfg = { dir, 300 };
	struct hooks_env env = HOOKS_ENV_INIT;
	struct strbuf err = STRBUF_INIT, got = STRBUF_INIT;
	pid_t child;
	int i;

	unlink(out_path);
	/* A hook that starts a background child and then hangs. */
	write_hook("on-status",
		   "sleep 60 &\necho $! >\"$HOOK_OUT\"\nsleep 60", 0755);
	assert_int_equal(hooks_run(&cfg, HOOK_ON_STATUS, &env, &err), 137);
	assert_non_null(strstr(err.buf, "on-status' did not finish within "
				       "300 ms and was killed"));
	read_file(out_path, &got);
	child = (pid_t)atoi(got.buf);
	assert_true(child > 0);
	/* The background child was in the hook's group: killed too. The
	 * signal is delivered asynchronously; poll a little. */
	for (i = 0; i < 100 && process_alive(child); i++)
		usleep(20000);
	assert_false(process_alive(child));
	strbuf_release(&err);
	strbuf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_env),
		cmocka_unit_test(test_environment_and_status),
		cmocka_unit_test(test_order_and_matching),
		cmocka_unit_test(test_timeout_kills_the_group),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
