/*
 * hooks.c: run the user's hook executables (see hooks.h).
 *
 * posix_spawn() rather than fork(): osc has threads (binlog reader,
 * throttler, status socket), and spawn does the fork-exec without running
 * our code in the child. The child gets its own process group so that a
 * timeout kills the hook and whatever it started, and default signal
 * dispositions so that a hook is not born ignoring SIGINT or SIGPIPE.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/ops/hooks.h"
#include "util/log.h"
#include "util/wrapper.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *const event_names[HOOK_EVENT_NR] = {
	[HOOK_ON_STARTUP] = "on-startup",
	[HOOK_ON_VALIDATED] = "on-validated",
	[HOOK_ON_ROW_COPY_COMPLETE] = "on-row-copy-complete",
	[HOOK_ON_BEFORE_CUT_OVER] = "on-before-cut-over",
	[HOOK_ON_SUCCESS] = "on-success",
	[HOOK_ON_FAILURE] = "on-failure",
	[HOOK_ON_STATUS] = "on-status",
	[HOOK_ON_THROTTLED] = "on-throttled",
	[HOOK_ON_UNTHROTTLED] = "on-unthrottled",
};

const char *hooks_event_name(enum hook_event ev)
{
	if ((unsigned)ev >= HOOK_EVENT_NR)
		BUG("unknown hook event %d", (int)ev);
	return event_names[ev];
}

/* ---- the environment ------------------------------------------------ */

static void add_str(struct strbuf *out, const char *name, const char *v)
{
	if (v)
		strbuf_addf(out, "%s=%s\n", name, v);
}

static void add_num(struct strbuf *out, const char *name, int64_t v)
{
	if (v >= 0)
		strbuf_addf(out, "%s=%" PRId64 "\n", name, v);
}

/*
 * Values with a newline would break the "NAME=value\n" list; the env
 * itself could hold them, but one-line values are what scripts expect.
 */
static void add_line(struct strbuf *out, const char *name, const char *v)
{
	size_t start = out->len, i;

	if (!v)
		return;
	strbuf_addf(out, "%s=", name);
	strbuf_addstr(out, v);
	for (i = start; i < out->len; i++)
		if (out->buf[i] == '\n' || out->buf[i] == '\r')
			out->buf[i] = ' ';
	strbuf_addch(out, '\n');
}

void hooks_format_env(enum hook_event ev, const struct hooks_env *env,
		      struct strbuf *out)
{
	add_str(out, "OSC_EVENT", hooks_event_name(ev));
	add_line(out, "OSC_DATABASE", env->database);
	add_line(out, "OSC_TABLE", env->table);
	add_line(out, "OSC_GHOST_TABLE", env->ghost_table);
	add_line(out, "OSC_OLD_TABLE", env->old_table);
	add_line(out, "OSC_CHANGELOG_TABLE", env->changelog_table);
	add_line(out, "OSC_ALTER", env->alter);
	add_line(out, "OSC_HOST", env->host);
	add_line(out, "OSC_PHASE", env->phase);
	strbuf_addf(out, "OSC_DRY_RUN=%d\n", env->dry_run ? 1 : 0);
	add_num(out, "OSC_ROWS_COPIED", env->rows_copied);
	add_num(out, "OSC_ROWS_ESTIMATE", env->rows_estimate);
	if (env->percent >= 0) {
		uint64_t tenths = (uint64_t)(env->percent * 10.0 + 1e-9);
		strbuf_addf(out, "OSC_PERCENT=%" PRIu64 ".%" PRIu64 "\n",
			    tenths / 10, tenths % 10);
	}
	add_num(out, "OSC_ETA_SECONDS", env->eta_seconds);
	add_num(out, "OSC_ELAPSED_SECONDS", env->elapsed_seconds);
	add_num(out, "OSC_EVENTS_APPLIED", env->events_applied);
	add_num(out, "OSC_MAX_LAG_MS", env->max_lag_ms);
	if (env->throttled >= 0)
		strbuf_addf(out, "OSC_THROTTLED=%d\n", env->throttled ? 1 : 0);
	add_line(out, "OSC_THROTTLE_REASON", env->throttle_reason);
	add_num(out, "OSC_EXIT_STATUS", env->exit_status);
	add_line(out, "OSC_MESSAGE", env->message);
	add_line(out, "OSC_STATUS_JSON", env->status_json);
}

/* environ without OSC_* (ours replace them), then our variables. */
static char **build_envp(enum hook_event ev, const struct hooks_env *env,
			 struct strbuf *vars)
{
	char **envp = NULL;
	size_t nr = 0, alloc = 0, i;
	char *p;

	for (i = 0; environ && environ[i]; i++) {
		if (!strncmp(environ[i], "OSC_", 4))
			continue;
		ALLOC_GROW(envp, nr + 1, alloc);
		envp[nr++] = environ[i];
	}
	hooks_format_env(ev, env, vars);
	/* Split the list in place: each "NAME=value\n" becomes a string. */
	for (p = vars->buf; *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		ALLOC_GROW(envp, nr + 1, alloc);
		envp[nr++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	ALLOC_GROW(envp, nr + 1, alloc);
	envp[nr] = NULL;
	return envp;
}

/* ---- finding the hooks ---------------------------------------------- */

static int name_matches(const char *name, const char *event)
{
	size_t n = strlen(event);

	if (strncmp(name, event, n))
		return 0;
	if (!name[n])
		return 1;
	if ((name[n] == '.' || name[n] == '-') && name[n + 1]) {
		size_t len = strlen(name);
		/* Editor leftovers are not hooks. */
		return name[len - 1] != '~' && strcmp(name + len - 4, ".swp");
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The matching names in `dir`, sorted; -1 when the dir cannot be read. */
static int list_hooks(const char *dir, const char *event, char ***out,
		      size_t *nr_out, struct strbuf *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, alloc = 0;

	*out = NULL;
	*nr_out = 0;
	if (!d) {
		if (errno == ENOENT)
			return 0;
		strbuf_addf(err, "cannot read hooks directory '%s': %s", dir,
			    strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !name_matches(de->d_name, event))
			continue;
		ALLOC_GROW(names, nr + 1, alloc);
		names[nr++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_str);
	*out = names;
	*nr_out = nr;
	return 0;
}

/* ---- running one ---------------------------------------------------- */

/*
 * The hook's output, read from the pipe as it comes and logged one line
 * at a time ("hook 'PATH': LINE"), so that it goes through the same
 * channel as osc's own messages: a JSON record in --log-format=json, and
 * never in the middle of the progress line on a terminal.
 */
#define HOOK_LINE_MAX 4096

static void log_output(const char *path, struct strbuf *buf, int flush)
{
	char *nl;

	while ((nl = memchr(buf->buf, '\n', buf->len)) ||
	       buf->len >= HOOK_LINE_MAX || (flush && buf->len)) {
		size_t len = nl ? (size_t)(nl - buf->buf)
				: buf->len < HOOK_LINE_MAX ? buf->len
							   : HOOK_LINE_MAX;
		size_t skip = nl ? len + 1 : len;

		info("hook '%s': %.*s", path, (int)len, buf->buf);
		memmove(buf->buf, buf->buf + skip, buf->len - skip);
		strbuf_setlen(buf, buf->len - skip);
	}
}

/* Read what the pipe holds now (it is non-blocking). */
static void drain(int fd, const char *path, struct strbuf *buf)
{
	char chunk[1024];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			strbuf_add(buf, chunk, (size_t)n);
			log_output(path, buf, 0);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return;		/* EOF, or nothing more for now */
	}
}

/* Shell-style status of one hook; -1 if it could not be started. */
static int run_one(const char *path, char **envp, unsigned int timeout_ms,
		   int *timed_out, struct strbuf *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	struct strbuf out = STRBUF_INIT;
	char *argv[2];
	pid_t pid;
	uint64_t deadline;
	int status = 0, rc, ret, fds[2];

	*timed_out = 0;
	argv[0] = (char *)path;
	argv[1] = NULL;
	/* Close-on-exec: a hook run by another thread must not inherit it. */
	if (pipe2(fds, O_CLOEXEC)) {
		strbuf_addf(err, "cannot run hook '%s': pipe: %s", path,
			    strerror(errno));
		return -1;
	}
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	/* dup2 clears close-on-exec on the copies the hook gets. */
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGCHLD);
	sigaddset(&dfl, SIGHUP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
						POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, path, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fds[1]);
	if (rc) {
		strbuf_addf(err, "cannot run hook '%s': %s", path,
			    strerror(rc));
		close(fds[0]);
		return -1;
	}
	deadline = clock_ms() + timeout_ms;
	for (;;) {
		drain(fds[0], path, &out);
		ret = waitpid(pid, &status, WNOHANG);
		if (ret == pid)
			break;
		if (ret < 0 && errno != EINTR) {
			strbuf_addf(err, "cannot wait for hook '%s': %s", path,
				    strerror(errno));
			kill(-pid, SIGKILL);
			status = -1;
			goto out;
		}
		if (clock_ms() >= deadline) {
			*timed_out = 1;
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		clock_nap_ms(10);
	}
	/*
	 * What the hook wrote before it ended. A process it left behind
	 * may still hold the pipe: read what is there, do not wait for EOF.
	 */
	drain(fds[0], path, &out);
	if (WIFEXITED(status))
		status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		status = 128 + WTERMSIG(status);
	else
		status = 1;
out:
	log_output(path, &out, 1);
	strbuf_release(&out);
	close(fds[0]);
	return status;
}

int hooks_run(const struct hooks_config *cfg, enum hook_event ev,
	      const struct hooks_env *env, struct strbuf *err)
{
	const char *event = hooks_event_name(ev);
	unsigned int timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 60000;
	struct strbuf vars = STRBUF_INIT, path = STRBUF_INIT;
	char **names = NULL, **envp = NULL;
	size_t nr = 0, i;
	int first_failure = 0;

	if (!cfg->dir || !*cfg->dir)
		return 0;
	if (list_hooks(cfg->dir, event, &names, &nr, err) < 0)
		return -1;
	if (nr)
		envp = build_envp(ev, env, &vars);
	for (i = 0; i < nr; i++) {
		struct strbuf why = STRBUF_INIT;
		struct stat st;
		int timed_out, status;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", cfg->dir, names[i]);
		if (stat(path.buf, &st) || !S_ISREG(st.st_mode))
			continue;
		if (access(path.buf, X_OK)) {
			warning("hook '%s' is not executable; skipped (make "
				"it executable with chmod +x)", path.buf);
			continue;
		}
		verbose("running hook '%s'", path.buf);
		status = run_one(path.buf, envp, timeout_ms, &timed_out, &why);
		if (status == -1) {
			status = 126;	/* the shell's "cannot execute" */
		} else if (timed_out) {
			strbuf_addf(&why, "hook '%s' did not finish within "
				    "%u ms and was killed", path.buf,
				    timeout_ms);
		} else if (status > 128) {
			strbuf_addf(&why, "hook '%s' was killed by signal %d",
				    path.buf, status - 128);
		} else if (status) {
			strbuf_addf(&why, "hook '%s' exited with status %d",
				    path.buf, status);
		}
		if (status && !first_failure) {
			first_failure = status;
			strbuf_addbuf(err, &why);
		} else if (status) {
			warning("%s", why.buf);
		}
		strbuf_release(&why);
	}
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	free(envp);
	strbuf_release(&vars);
	strbuf_release(&path);
	return first_failure;
}
