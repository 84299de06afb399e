/*
 * main.c: the osc command.
 *
 * main() is the outline of a run and nothing more: gather the options
 * (option files, then the command line, then MYSQL_PWD or a prompt for
 * the password), set up logging and the cleanup stack, run the preflight
 * checks, then either print the dry-run report or hand over to the
 * migration engine. Each step lives in its own file; a new phase is a new
 * call here, a new option a new row in options.c.
 *
 * Exit statuses (osc(1), DESIGN.md section 1): 0 done, 1 failed with the
 * table untouched, 2 usage error, 3 interrupted and cleaned up, 4 cleanup
 * incomplete.
 */
#include "util/compat.h"
#include "osc/migrate/cleanup.h"
#include "osc/cli/options.h"
#include "osc/migrate/preflight.h"
#include "osc/migrate/run.h"
#include "osc/migrate/engine.h"
#include "osc/migrate/resume.h"
#include "osc/cli/version.h"
#include "util/db.h"
#include "util/log.h"
#include "util/wrapper.h"

#include <fcntl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void print_usage_hint(void)
{
	if (log_get_format() == LOG_FORMAT_JSON)
		info("try 'osc --help' for more information");
	else
		fputs("try 'osc --help' for more information\n", stderr);
}

static OSC_NORETURN void usage_error(const char *msg)
{
	error("%s", msg);
	print_usage_hint();
	exit(OSC_EXIT_USAGE);
}

/*
 * Read a password from the terminal without echo. Reading stdin instead
 * would take the password from a pipe meant for something else, so
 * without a terminal this fails and the user is told the other ways.
 */
static int prompt_password(char **out, struct strbuf *err)
{
	struct termios saved, noecho;
	struct strbuf pw = STRBUF_INIT;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	int restore = 0;
	char c;
	ssize_t n;
	static const char prompt[] = "Enter password: ";

	if (fd < 0) {
		strbuf_addstr(err, "cannot ask for the password: no terminal; "
				   "give it with --password=PASS, -pPASS, "
				   "MYSQL_PWD or an option file");
		return -1;
	}
	if (!tcgetattr(fd, &saved)) {
		noecho = saved;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		restore = !tcsetattr(fd, TCSAFLUSH, &noecho);
	}
	n = write(fd, prompt, sizeof(prompt) - 1);
	while ((n = read(fd, &c, 1)) == 1 && c != '\n' && c != '\r')
		strbuf_addch(&pw, c);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &saved);
	n = write(fd, "\n", 1);
	close(fd);
	*out = strbuf_detach(&pw, NULL);
	return 0;
}

static enum log_level level_of(int verbosity)
{
	if (verbosity < 0)
		return LOG_WARNING;
	if (verbosity == 0)
		return LOG_INFO;
	if (verbosity == 1)
		return LOG_VERBOSE;
	return LOG_DEBUG;
}

/*
 * Test hook (documented in osc(1) ENVIRONMENT as test-only): stop for
 * OSC_TEST_PAUSE_MS milliseconds once argv has been read and the password
 * wiped, so that a test can look at /proc/PID/cmdline.
 */
static void test_pause(void)
{
	const char *env = getenv("OSC_TEST_PAUSE_MS");
	struct timespec ts;
	long ms;

	if (!env || !*env)
		return;
	ms = strtol(env, NULL, 10);
	if (ms <= 0)
		return;
	fprintf(stderr, "osc: test pause for %ld ms (OSC_TEST_PAUSE_MS)\n", ms);
	fflush(stderr);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Options from every source, in precedence order; exits on usage errors. */
static void gather_options(struct osc_options *opts, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	const char *env;

	if (argc < 2) {
		fputs("usage: osc [OPTIONS] --alter=CLAUSES DB.TABLE\n",
		      stderr);
		print_usage_hint();
		exit(OSC_EXIT_USAGE);
	}
	if (osc_options_parse_early(opts, argc, argv, &err) < 0)
		usage_error(err.buf);
	if (osc_options_read_files(opts, getenv("HOME"), &warn, &err) < 0)
		usage_error(err.buf);
	if (osc_options_parse_argv(opts, argc, argv, &err) < 0)
		usage_error(err.buf);
	log_set_level(level_of(opts->verbosity));
	log_set_format((enum log_format)opts->log_format);
	/* From here on a signal or die() ends the run through the stack. */
	cleanup_install();
	if (warn.len) {
		char *line = warn.buf, *nl;

		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			warning("%s", line);
			line = nl + 1;
		}
	}
	test_pause();
	if (opts->show_help || opts->show_version)
		goto out;
	if (osc_options_check(opts, &err) < 0)
		usage_error(err.buf);
	if (opts->password_prompt) {
		if (prompt_password(&opts->password, &err) < 0)
			usage_error(err.buf);
		opts->password_prompt = 0;
	} else if (!opts->password && (env = getenv("MYSQL_PWD"))) {
		opts->password = xstrdup(env);
	}
out:
	strbuf_release(&err);
	strbuf_release(&warn);
}

/*
 * The dry run's "instant:" line: what --instant would do with this ALTER,
 * from the server's answer on the ghost (osc_ghost_create()).
 */
static void render_instant(struct strbuf *out, const struct osc_run *run,
			   const struct osc_options *opts)
{
	if (!run->instant_ok)
		strbuf_addf(out, "no: %s; the table is copied",
			    run->instant_why.buf);
	else if (opts->instant == OSC_INSTANT_NEVER)
		strbuf_addstr(out, "possible, not used: the server can run "
				   "this ALTER in place (ALGORITHM=INSTANT); "
				   "--instant=never copies instead");
	else if (opts->no_drop_old_table)
		strbuf_addstr(out, "possible, not used: --no-drop-old-table "
				   "keeps the original table, so the table is "
				   "copied");
	else
		strbuf_addf(out, "yes: with --execute, osc runs this ALTER "
				 "on the table with ALGORITHM=INSTANT instead "
				 "of steps 2 to 6 below (no copy); should the "
				 "server refuse it there, osc %s",
			    opts->instant == OSC_INSTANT_ONLY ?
				    "fails and changes nothing" :
				    "copies as below");
}

/*
 * The dry run (DESIGN.md section 1): every check, the ghost created and
 * altered by the server and dropped again, the plan printed. Nothing else
 * changes.
 */
static int dry_run(struct osc_preflight *pf, const struct osc_options *opts)
{
	struct osc_run run;
	struct strbuf err = STRBUF_INIT, plan = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT, instant = STRBUF_INIT;
	struct strbuf settings = STRBUF_INIT;
	int status = OSC_EXIT_FAILED, n;

	osc_run_init(&run, opts, pf);
	if (osc_run_take_lock(&run, &err) < 0 ||
	    osc_ghost_create(&run, &err) < 0) {
		error("%s", err.buf);
		goto out;
	}
	n = osc_ghost_check_data(&run, &err);
	if (n < 0) {
		error("%s", err.buf);
		goto out;
	}
	if (!n)
		info("preflight: all checks passed");
	ddl_plan_render(&plan, &run.plan, pf->table.db, pf->table.table,
			pf->table.ghost_name);
	render_instant(&instant, &run, opts);
	osc_options_settings(opts, &settings);
	osc_preflight_report(pf, opts, plan.buf, run.ghost_create,
			     instant.buf, settings.buf, &out);
	if (osc_ghost_drop(&run, &err) < 0) {
		error("%s", err.buf);
		goto out;
	}
	fputs(out.buf, stdout);
	fflush(stdout);
	/* Each failed check was one error line already. */
	if (n)
		info("dry run: %d data check%s failed, as --execute would; "
		     "nothing was changed",
		     n, n > 1 ? "s" : "");
	status = n ? OSC_EXIT_FAILED : OSC_EXIT_OK;
out:
	osc_run_release(&run);
	strbuf_release(&err);
	strbuf_release(&plan);
	strbuf_release(&out);
	strbuf_release(&instant);
	strbuf_release(&settings);
	return status;
}

/*
 * --resume without --execute: the resume's checks (osc(1) RESUMING) and
 * what it would go on from; nothing changes.
 */
static int resume_check(struct osc_preflight *pf, const struct osc_options *opts)
{
	struct osc_run run;
	struct osc_checkpoint c;
	struct strbuf err = STRBUF_INIT;
	int status = OSC_EXIT_FAILED;

	osc_run_init(&run, opts, pf);
	osc_checkpoint_init(&c);
	if (osc_run_take_lock(&run, &err) < 0 ||
	    osc_resume_open(&run, &c, &err) < 0) {
		error("%s", err.buf);
		goto out;
	}
	info("resume: the checkpoint can be resumed: phase %s, %" PRIu64
	     " rows copied%s, replay from %s:%" PRIu64 "; add --execute to go "
	     "on", c.phase, c.rows_copied,
	     c.copy_done ? " (the whole copy)" : "", c.applied.file,
	     c.applied.pos);
	status = OSC_EXIT_OK;
out:
	osc_checkpoint_release(&c);
	osc_run_release(&run);
	strbuf_release(&err);
	return status;
}

int main(int argc, char **argv)
{
	struct osc_options opts;
	struct osc_preflight pf;
	struct strbuf out = STRBUF_INIT;
	int status;

	osc_options_init(&opts);
	memset(&pf, 0, sizeof(pf));
	gather_options(&opts, argc, argv);
	if (opts.show_help) {
		osc_options_help(&out);
		fputs(out.buf, stdout);
		goto done;
	}
	if (opts.show_version) {
		printf("%s\n", osc_version_string());
		goto done;
	}

	db_global_init();
	if (osc_preflight_run(&pf, &opts) < 0) {
		status = OSC_EXIT_FAILED;
	} else if (!opts.execute) {
		status = opts.resume ? resume_check(&pf, &opts)
				     : dry_run(&pf, &opts);
	} else {
		struct osc_run run;

		osc_run_init(&run, &opts, &pf);
		status = osc_engine_run(&run);
		osc_run_release(&run);
	}
	/* What a failed run left on the stack is undone with pf's connection
	 * options, while pf's connection still holds the lock. */
	status = cleanup_finish(status);
	osc_preflight_release(&pf);
	osc_options_release(&opts);
	strbuf_release(&out);
	db_global_end();
	return status;

done:
	osc_options_release(&opts);
	strbuf_release(&out);
	return fflush(stdout) ? OSC_EXIT_FAILED : OSC_EXIT_OK;
}
