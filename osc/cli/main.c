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
#include "osc/migrate/history.h"
#include "osc/migrate/verify.h"
#include "osc/ops/summary.h"
#include "util/clock.h"
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
	strbuf_addstr(&plan, "verify: ");
	if (!opts->verify)
		strbuf_addstr(&plan, "off (--no-verify): the ghost is not "
				     "compared with the table");
	else if (!osc_verify_describe(&run.plan, &plan))
		;
	else if (!opts->verify_repair)
		strbuf_addstr(&plan, "; a chunk that differs fails the run "
				     "(--no-verify-repair)");
	else
		strbuf_addstr(&plan, "; a chunk that differs is copied again, "
				     "up to 3 times");
	strbuf_addch(&plan, '\n');
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

/*
 * The end of a run that got past its options: --summary-json and the
 * --history row, with the final exit status.
 */
static void report_outcome(const struct osc_options *opts,
			   const struct osc_preflight *pf,
			   const struct osc_run_outcome *oc,
			   struct osc_history *hist, const char *started_at,
			   uint64_t start_ms, int status)
{
	struct osc_summary s;
	struct strbuf json = STRBUF_INIT, err = STRBUF_INIT;
	char *first = NULL, *last = NULL;

	if (!opts->summary_json && !hist->id)
		return;
	log_errors_copy(&first, &last);
	memset(&s, 0, sizeof(s));
	s.version = osc_version_string();
	s.db = pf->table.db;
	s.table = pf->table.table;
	s.alter = opts->alter;
	s.mode = opts->execute ? (opts->resume ? "resume" : "execute")
			       : (opts->resume ? "resume-check" : "dry-run");
	s.exit_status = status;
	s.swapped = oc->swapped;
	s.instant = oc->instant;
	s.uncertain = oc->uncertain && status == OSC_EXIT_CLEANUP_INCOMPLETE;
	s.rows_copied = oc->rows_copied;
	s.changes_replayed = oc->changes_replayed;
	s.cutover_blocked_ms = oc->cutover_blocked_ms;
	s.verified = oc->verified;
	s.verify_chunks = oc->verify_chunks;
	s.verify_rows = oc->verify_rows;
	s.verify_repaired = oc->verify_repaired;
	s.verify_ms = oc->verify_ms;
	snprintf(s.started_at, sizeof(s.started_at), "%s", started_at);
	log_timestamp(s.ended_at, sizeof(s.ended_at));
	s.elapsed_s = (double)(clock_ms() - start_ms) / 1000.0;
	s.first_error = first;
	s.last_error = last;
	if (opts->summary_json) {
		summary_render(&json, &s);
		if (summary_write(opts->summary_json, json.buf, &err) < 0)
			warning("%s", err.buf);
	}
	strbuf_reset(&err);
	if (hist->id &&
	    osc_history_end(hist, &pf->dbopts, status, summary_outcome(&s),
			    first, oc->rows_copied, oc->changes_replayed,
			    &err) < 0)
		warning("--history: cannot record the end of the run: %s",
			err.buf);
	free(first);
	free(last);
	strbuf_release(&json);
	strbuf_release(&err);
}

/* --history before the run: its table and the run's row (warnings only). */
static void history_begin(struct osc_history *hist,
			  const struct osc_options *opts,
			  struct osc_preflight *pf)
{
	const struct osc_table_facts *t = &pf->table;
	const char *names[] = {t->table, t->ghost_name, t->old_name,
			       t->changelog_name};
	struct strbuf err = STRBUF_INIT;

	if (osc_history_parse(hist, opts->history, t->db, names,
			      ARRAY_SIZE(names),
			      pf->server.lower_case_table_names, &err) < 0)
		die("%s", err.buf);
	if (osc_history_begin(hist, pf->db, t->db, t->table, opts->alter,
			      osc_version_string(), &err) < 0)
		warning("--history: cannot record the run in %s.%s: %s",
			hist->db, hist->table, err.buf);
	strbuf_release(&err);
}

int main(int argc, char **argv)
{
	struct osc_options opts;
	struct osc_preflight pf;
	struct osc_run_outcome outcome;
	struct osc_history hist;
	struct strbuf out = STRBUF_INIT;
	char started_at[32];
	uint64_t start_ms = clock_ms();
	int status;

	log_timestamp(started_at, sizeof(started_at));
	memset(&outcome, 0, sizeof(outcome));
	memset(&hist, 0, sizeof(hist));
	osc_options_init(&opts);
	memset(&pf, 0, sizeof(pf));
	gather_options(&opts, argc, argv);
	if (opts.history) {
		struct strbuf err = STRBUF_INIT;

		/* The form now (a usage error); the names after preflight. */
		if (osc_history_parse(&hist, opts.history, "", NULL, 0, 0,
				      &err) < 0)
			usage_error(err.buf);
		osc_history_release(&hist);
		strbuf_release(&err);
	}
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

		if (opts.history)
			history_begin(&hist, &opts, &pf);
		osc_run_init(&run, &opts, &pf);
		status = osc_engine_run(&run);
		outcome = run.outcome;
		osc_run_release(&run);
	}
	/* What a failed run left on the stack is undone with pf's connection
	 * options, while pf's connection still holds the lock. */
	status = cleanup_finish(status);
	report_outcome(&opts, &pf, &outcome, &hist, started_at, start_ms,
		       status);
	osc_history_release(&hist);
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
