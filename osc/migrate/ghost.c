/*
 * ghost.c: phase 2 (DESIGN.md section 3): the ghost table and the plan.
 *
 * The ghost is built by the server itself (CREATE TABLE ... LIKE, then the
 * user's ALTER on the ghost), so the new definition is exactly what a
 * native ALTER gives; its SHOW CREATE TABLE is then read back and the
 * plan (column mapping, shared key, risks) is built against that truth.
 * A dry run does the same and drops the ghost again, which proves the
 * ALTER is valid on this server without touching the table.
 */
#include "util/compat.h"
#include "osc/migrate/run.h"
#include "osc/migrate/cleanup.h"
#include "osc/migrate/checkpoint.h"
#include "util/clock.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

void osc_run_init(struct osc_run *run, const struct osc_options *opts,
		  struct osc_preflight *pf)
{
	memset(run, 0, sizeof(*run));
	run->opts = opts;
	run->pf = pf;
	ddl_alter_init(&run->alter);
	ddl_table_init(&run->source);
	ddl_table_init(&run->ghost);
	ddl_plan_init(&run->plan);
	run->ghost_undo = -1;
	run->changelog_undo = -1;
	strbuf_init(&run->instant_why, 0);
	run->alter_text = opts->alter ? xstrdup(opts->alter) : NULL;
}

void osc_run_release(struct osc_run *run)
{
	ddl_alter_release(&run->alter);
	ddl_table_release(&run->source);
	ddl_table_release(&run->ghost);
	ddl_plan_release(&run->plan);
	free(run->source_create);
	free(run->ghost_create);
	run->source_create = run->ghost_create = NULL;
	strbuf_release(&run->instant_why);
	FREE_AND_NULL(run->alter_text);
}

void osc_run_qname(struct strbuf *out, const struct osc_run *run,
		   const char *name)
{
	if (quote_qualified(out, run->pf->table.db, name) < 0)
		BUG("unquotable name reached the engine");
}

int osc_run_take_lock(struct osc_run *run, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, val = STRBUF_INIT;
	int ret = -1, is_null = 0;

	strbuf_addstr(&sql, "SELECT GET_LOCK(");
	quote_sql_string(&sql, run->pf->table.lock_name,
			 strlen(run->pf->table.lock_name));
	strbuf_addstr(&sql, ", 0)");
	if (db_query_value(run->pf->db, sql.buf, &val, &is_null, err) != 1)
		goto out;
	if (is_null || strcmp(val.buf, "1")) {
		strbuf_addf(err,
			    "another session holds the lock '%s': an osc run "
			    "on this table is under way; wait for it to end",
			    run->pf->table.lock_name);
		goto out;
	}
	run->lock_held = 1;
	ret = 0;
out:
	strbuf_release(&sql);
	strbuf_release(&val);
	return ret;
}

struct drop_undo {
	struct db_options *dbopts;
	char *db;
	char *table;
};

static int undo_drop_table(void *data, struct strbuf *err)
{
	struct drop_undo *u = data;
	struct strbuf sql = STRBUF_INIT;
	struct db *conn;
	int ret = -1;

	conn = db_connect(u->dbopts, "cleanup", NULL, err);
	if (!conn)
		goto out;
	strbuf_addstr(&sql, "DROP TABLE IF EXISTS ");
	quote_qualified(&sql, u->db, u->table);
	ret = db_exec(conn, sql.buf, err);
	if (!ret)
		verbose("cleanup: dropped %s", sql.buf + 21);
	db_close(conn);
out:
	strbuf_release(&sql);
	/* The entry is gone either way; the stack reports a failure. */
	return ret;
}

int osc_push_drop_table(struct osc_run *run, const char *table)
{
	struct drop_undo *u = xcalloc(1, sizeof(*u));
	struct strbuf what = STRBUF_INIT, sql = STRBUF_INIT;
	int handle;

	/* Lives until exit: the stack runs after main has released the
	 * options and the preflight facts, and may run from die(). */
	u->dbopts = db_options_dup(&run->pf->dbopts);
	u->db = xstrdup(run->pf->table.db);
	u->table = xstrdup(table);
	strbuf_addstr(&what, "table ");
	osc_run_qname(&what, run, table);
	strbuf_addstr(&sql, "DROP TABLE IF EXISTS ");
	osc_run_qname(&sql, run, table);
	handle = cleanup_push(undo_drop_table, u, what.buf, sql.buf);
	strbuf_release(&what);
	strbuf_release(&sql);
	return handle;
}

/* SHOW CREATE TABLE `db`.`name`: the second column of its one row. */
static int show_create(struct osc_run *run, const char *name, char **out,
		       struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int ret = -1;

	strbuf_addstr(&sql, "SHOW CREATE TABLE ");
	osc_run_qname(&sql, run, name);
	if (db_query(run->pf->db, sql.buf, &res, err) < 0)
		goto out;
	if (db_result_next(res, &row, err) != 1 || row.ncols < 2 ||
	    !row.values[1]) {
		if (!err->len)
			strbuf_addf(err, "%s returned nothing", sql.buf);
		goto out;
	}
	*out = xstrndup(row.values[1], row.lengths[1]);
	ret = 0;
out:
	db_result_free(res);
	strbuf_release(&sql);
	return ret;
}

static int read_auto_increment(struct osc_run *run, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addstr(&sql, "SELECT AUTO_INCREMENT FROM information_schema."
			    "TABLES WHERE TABLE_SCHEMA = ");
	quote_sql_string(&sql, run->pf->table.db, strlen(run->pf->table.db));
	strbuf_addstr(&sql, " AND TABLE_NAME = ");
	quote_sql_string(&sql, run->pf->table.table,
			 strlen(run->pf->table.table));
	ret = db_query_u64(run->pf->db, sql.buf, &run->auto_increment, err);
	strbuf_release(&sql);
	return ret < 0 ? -1 : 0;
}

/* Does the user's ALTER set AUTO_INCREMENT itself? */
static int alter_sets_auto_increment(const struct ddl_alter *alter)
{
	size_t i, j;

	for (i = 0; i < alter->clauses_nr; i++) {
		const struct ddl_clause *c = &alter->clauses[i];

		if (c->kind != DDL_TABLE_OPTIONS)
			continue;
		for (j = 0; j < c->options_nr; j++)
			if (!strcmp(c->options[j].name, "AUTO_INCREMENT"))
				return 1;
	}
	return 0;
}

int osc_source_changed(struct osc_run *run, struct strbuf *err)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char *now = NULL;
	int ret = -1;

	if (show_create(run, run->pf->table.table, &now, err) < 0)
		goto out;
	/* AUTO_INCREMENT=N aside: writers move it. */
	osc_checkpoint_normalize_create(&a, run->source_create);
	osc_checkpoint_normalize_create(&b, now);
	ret = strcmp(a.buf, b.buf) != 0;
out:
	free(now);
	strbuf_release(&a);
	strbuf_release(&b);
	return ret;
}

static int is_instant_refusal(unsigned int code)
{
	return code == DB_ER_ALTER_NOT_SUPPORTED ||
	       code == DB_ER_ALTER_NOT_SUPPORTED_REASON;
}

/*
 * The ALTER on the ghost, asked first with ALGORITHM=INSTANT: the ghost
 * has the table's definition (CREATE TABLE ... LIKE), so the server's
 * answer on it is its answer for the table, for the --instant decision
 * and the dry run's "instant:" line; what it refuses instantly it is
 * asked again without the clause. The two give the same definition.
 */
static int alter_ghost(struct osc_run *run, const char *alter_sql,
		       struct strbuf *err)
{
	struct db *db = run->pf->db;
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addf(&sql, "%s, ALGORITHM=INSTANT", alter_sql);
	verbose("ghost: %s", sql.buf);
	strbuf_reset(&run->instant_why);
	ret = db_exec(db, sql.buf, &run->instant_why);
	if (!ret) {
		run->instant_ok = 1;
		goto out;
	}
	/*
	 * Partitioning clauses take no ALGORITHM after a comma (MariaDB
	 * 10.11: a syntax error): the ALTER cannot be asked instantly,
	 * which is no reason to refuse it.
	 */
	if (db_errno(db) == DB_ER_PARSE_ERROR) {
		verbose("ghost: the ALTER takes no ALGORITHM=INSTANT: %s",
			run->instant_why.buf);
		strbuf_reset(&run->instant_why);
		strbuf_addstr(&run->instant_why,
			      "the ALTER takes no ALGORITHM clause");
	} else if (!is_instant_refusal(db_errno(db))) {
		/* The ALTER itself fails: the same error as without. */
		strbuf_addbuf(err, &run->instant_why);
		strbuf_reset(&run->instant_why);
		strbuf_addstr(&run->instant_why, "the ALTER fails");
		goto out;
	}
	verbose("ghost: %s", alter_sql);
	ret = db_exec(db, alter_sql, err);
out:
	strbuf_release(&sql);
	return ret;
}

/*
 * The user's ALTER on the ghost, and the instant ALTER of the table, run
 * under the server's global sql_mode, as a DBA's own ALTER would (issue
 * 12, item 4): a zero date DEFAULT under NO_ZERO_DATE, a DEFAULT
 * too long for the column in strict mode, are refused as ALTER refuses
 * them. `saved` keeps the session's mode (SQL text, quoted) until
 * ddl_mode_leave() puts it back and empties it.
 */
static int ddl_mode_enter(struct osc_run *run, struct strbuf *saved,
			  struct strbuf *err)
{
	struct db *db = run->pf->db;
	const char *mode = run->pf->server.sql_mode;
	struct strbuf cur = STRBUF_INIT, want = STRBUF_INIT;
	int ret = -1;

	if (db_query_value(db, "SELECT @@session.sql_mode", &cur, NULL,
			   err) != 1)
		goto out;
	quote_sql_string(&want, mode ? mode : "", mode ? strlen(mode) : 0);
	if (db_session_set(db, "sql_mode", want.buf, err) < 0)
		goto out;
	strbuf_reset(saved);
	quote_sql_string(saved, cur.buf, cur.len);
	verbose("ddl: under the server's sql_mode '%s'",
		mode ? mode : "");
	ret = 0;
out:
	strbuf_release(&cur);
	strbuf_release(&want);
	return ret;
}

static int ddl_mode_leave(struct osc_run *run, struct strbuf *saved,
			  struct strbuf *err)
{
	int ret;

	if (!saved->len)
		return 0;
	ret = db_session_set(run->pf->db, "sql_mode", saved->buf, err);
	strbuf_reset(saved);
	return ret;
}

int osc_instant_apply(struct osc_run *run, double *blocked_ms,
		      struct strbuf *err)
{
	const struct osc_options *o = run->opts;
	const struct osc_table_facts *t = &run->pf->table;
	struct db *db = run->pf->db;
	struct strbuf sql = STRBUF_INIT, e = STRBUF_INIT;
	struct strbuf saved_mode = STRBUF_INIT;
	unsigned long long old_timeout = 0;
	unsigned int timeout_s =
		(unsigned int)((o->cut_over_lock_timeout_ms + 999) / 1000);
	/* A metadata lock wait: writers queued behind us for timeout_s; let
	 * them run, then try again, --cut-over-retries times. Nothing else
	 * is retried: a lost connection would have lost the DDL mode. */
	const struct retry_policy policy = {
		.attempts = (unsigned int)o->cut_over_retries + 1,
		.wait_ms = 500,
		.max_wait_ms = 4000,
	};
	struct retry r;
	unsigned int wait_ms;
	int ret = -1, restore = 0;
	double start;

	*blocked_ms = 0;
	if (ddl_build_ghost_alter(&sql, &run->plan, t->db, t->table, err) < 0)
		goto out;
	strbuf_addstr(&sql, ", ALGORITHM=INSTANT");
	if (ddl_mode_enter(run, &saved_mode, err) < 0)
		goto out;
	if (db_query_u64(db, "SELECT @@SESSION.lock_wait_timeout",
			 &old_timeout, err) < 0 ||
	    db_session_setf(db, err, "lock_wait_timeout", "%u", timeout_s) < 0)
		goto out;
	restore = old_timeout > 0;
	retry_init(&r, &policy);
	for (;;) {
		verbose("instant: %s", sql.buf);
		strbuf_reset(&e);
		start = clock_ms_f();
		ret = db_exec(db, sql.buf, &e);
		*blocked_ms = clock_ms_f() - start;
		if (!ret)
			break;
		if (is_instant_refusal(db_errno(db))) {
			strbuf_addbuf(err, &e);
			ret = 1;
			goto out;
		}
		if (retry_after(&r, db_errno(db), &wait_ms) != RETRY_LOCK_WAIT ||
		    cleanup_interrupted()) {
			strbuf_addf(err, "the instant ALTER of `%s` failed: %s",
				    t->table, e.buf);
			ret = -1;
			goto out;
		}
		warning("instant: the table's metadata lock was not free within "
			"%us (a transaction or query on `%s` holds it); "
			"retrying (%u of %" PRIu64 ")",
			timeout_s, t->table, r.tries - 1, o->cut_over_retries);
		clock_nap_ms(wait_ms);
	}
out:
	if (restore) {
		strbuf_reset(&e);
		if (db_session_setf(db, &e, "lock_wait_timeout", "%llu",
				    old_timeout) < 0)
			warning("instant: %s", e.buf);
	}
	strbuf_reset(&e);
	if (ddl_mode_leave(run, &saved_mode, &e) < 0)
		warning("instant: %s", e.buf);
	strbuf_release(&saved_mode);
	strbuf_release(&sql);
	strbuf_release(&e);
	return ret;
}

/* TIMESTAMPs convert in the server's zone, as in a native ALTER. */
static void plan_time_zone(struct osc_run *run)
{
	free(run->plan.time_zone);
	run->plan.time_zone = run->pf->server.time_zone
				      ? xstrdup(run->pf->server.time_zone)
				      : NULL;
}

/* The ALTER parsed, and the table's definition and model. */
static int load_source(struct osc_run *run, struct strbuf *err)
{
	const struct osc_table_facts *t = &run->pf->table;
	struct strbuf e = STRBUF_INIT;
	int ret = -1;

	if (!run->alter_text)
		BUG("the ghost phase without an ALTER");
	if (ddl_parse_alter(run->alter_text, &run->alter, err) < 0 ||
	    show_create(run, t->table, &run->source_create, err) < 0)
		goto out;
	if (ddl_table_from_create(run->source_create, &run->source, &e) < 0) {
		strbuf_addf(err, "cannot read the definition of `%s`: %s",
			    t->table, e.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&e);
	return ret;
}

/*
 * The ghost's model from run->ghost_create (`qghost` names it in
 * messages), then the final plan of the table, the ALTER and the ghost.
 */
static int ghost_plan(struct osc_run *run, const char *qghost,
		      struct strbuf *err)
{
	struct strbuf e = STRBUF_INIT;
	int ret = -1;

	if (ddl_table_from_create(run->ghost_create, &run->ghost, &e) < 0) {
		strbuf_addf(err, "cannot read the definition of %s: %s",
			    qghost, e.buf);
		goto out;
	}
	if (ddl_plan_build(&run->source, &run->alter, &run->ghost, &run->plan,
			   err) < 0)
		goto out;
	plan_time_zone(run);
	ret = 0;
out:
	strbuf_release(&e);
	return ret;
}

int osc_ghost_create(struct osc_run *run, struct strbuf *err)
{
	const struct osc_table_facts *t = &run->pf->table;
	struct db *db = run->pf->db;
	struct strbuf sql = STRBUF_INIT, e = STRBUF_INIT;
	struct strbuf ghost = STRBUF_INIT, alter_sql = STRBUF_INIT;
	struct strbuf saved_mode = STRBUF_INIT;
	int ret = -1;

	osc_run_qname(&ghost, run, t->ghost_name);
	if (load_source(run, err) < 0)
		goto out;
	/* The plan from the ALTER alone refuses what it can before the
	 * server is touched (a shared key that does not survive, ...). */
	if (ddl_plan_build(&run->source, &run->alter, NULL, &run->plan, err) <
	    0)
		goto out;
	if (ddl_build_ghost_alter(&alter_sql, &run->plan, t->db, t->ghost_name,
				  err) < 0)
		goto out;
	ddl_plan_release(&run->plan);
	if (read_auto_increment(run, err) < 0)
		goto out;

	run->ghost_undo = osc_push_drop_table(run, t->ghost_name);
	if (ddl_build_ghost_create(&sql, t->db, t->table, t->ghost_name, err) <
	    0)
		goto out;
	verbose("ghost: %s", sql.buf);
	if (db_exec(db, sql.buf, &e) < 0) {
		/* Not ours: never drop a table this run did not create. */
		if (db_errno(db) == DB_ER_TABLE_EXISTS) {
			cleanup_pop(run->ghost_undo);
			run->ghost_undo = -1;
		}
		strbuf_addf(err, "cannot create the ghost table %s: %s",
			    ghost.buf, e.buf);
		goto out;
	}
	if (run->auto_increment > 1 && !alter_sets_auto_increment(&run->alter)) {
		/* LIKE does not copy the counter; without it ids freed at the
		 * top of the table would be handed out again after the swap. */
		strbuf_reset(&sql);
		strbuf_addf(&sql, "ALTER TABLE %s AUTO_INCREMENT = %llu",
			    ghost.buf, run->auto_increment);
		if (db_exec(db, sql.buf, err) < 0)
			goto out;
	}
	/*
	 * Only the user's ALTER under the server's mode: CREATE TABLE ...
	 * LIKE there would refuse a table whose old zero-date DEFAULT the
	 * mode no longer allows, even when the ALTER is the one that fixes
	 * it (a native ALTER checks the definition it makes).
	 */
	if (ddl_mode_enter(run, &saved_mode, err) < 0)
		goto out;
	strbuf_reset(&e);
	if (alter_ghost(run, alter_sql.buf, &e) < 0) {
		strbuf_addf(err,
			    "the ALTER fails on the ghost table, so it would "
			    "fail on `%s` too: %s (sql_mode '%s', the "
			    "server's)",
			    t->table, e.buf, run->pf->server.sql_mode);
		goto out;
	}
	if (ddl_mode_leave(run, &saved_mode, err) < 0)
		goto out;
	/* SHOW CREATE TABLE under osc's mode: NO_FIELD_OPTIONS and the
	 * like would change what it prints. */
	if (show_create(run, t->ghost_name, &run->ghost_create, err) < 0 ||
	    ghost_plan(run, ghost.buf, err) < 0)
		goto out;
	if (run->opts->instant == OSC_INSTANT_ONLY && !run->instant_ok) {
		strbuf_addf(err,
			    "--instant=only: the server cannot run this ALTER "
			    "instantly: %s; run without --instant=only to "
			    "copy the table",
			    run->instant_why.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&sql);
	strbuf_release(&e);
	strbuf_release(&ghost);
	strbuf_release(&alter_sql);
	if (saved_mode.len) {
		struct strbuf ignore = STRBUF_INIT;

		/* Failed half-way: the session goes back all the same. */
		ddl_mode_leave(run, &saved_mode, &ignore);
		strbuf_release(&ignore);
	}
	strbuf_release(&saved_mode);
	return ret;
}

int osc_ghost_open(struct osc_run *run, struct strbuf *err)
{
	const struct osc_table_facts *t = &run->pf->table;
	struct strbuf e = STRBUF_INIT, q = STRBUF_INIT;
	int ret = -1;

	if (load_source(run, err) < 0)
		goto out;
	osc_run_qname(&q, run, t->ghost_name);
	strbuf_reset(&e);
	if (show_create(run, t->ghost_name, &run->ghost_create, &e) < 0) {
		strbuf_addf(err, "the ghost table %s cannot be read: %s",
			    q.buf, e.buf);
		goto out;
	}
	if (ghost_plan(run, q.buf, err) < 0)
		goto out;
	ret = 0;
out:
	strbuf_release(&e);
	strbuf_release(&q);
	return ret;
}

/* Run a check query; 1 when it returned a row (described into `row`). */
static int check_query(struct db *db, const char *sql, struct strbuf *row,
		       struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row r;
	unsigned int i;
	int ret;

	if (db_query(db, sql, &res, err) < 0)
		return -1;
	ret = db_result_next(res, &r, err);
	if (ret == 1) {
		for (i = 0; i < r.ncols; i++) {
			if (i)
				strbuf_addstr(row, ", ");
			if (!r.values[i])
				strbuf_addstr(row, "NULL");
			else
				strbuf_add(row, r.values[i],
					   r.lengths[i] > 64 ? 64
							     : r.lengths[i]);
		}
	}
	db_result_free(res);
	return ret;
}

/*
 * Each trigger carried over must still find the columns it reads or sets
 * (NEW.col, OLD.col) in the new table: the server would refuse the first
 * write that fires it (and a native ALTER that drops the column leaves a
 * trigger that fails the same way). One error per trigger and column.
 */
static int check_trigger_columns(struct osc_run *run)
{
	const struct osc_table_facts *t = &run->pf->table;
	struct strbuf q = STRBUF_INIT;
	int failures = 0;
	size_t i, j;

	for (i = 0; i < t->triggers_nr; i++) {
		const struct osc_trigger *tr = &t->triggers[i];

		for (j = 0; j < tr->text.columns_nr; j++) {
			const char *col = tr->text.columns[j];
			const struct ddl_col_map *m;

			if (ddl_table_column(&run->ghost, col) ||
			    !ddl_table_column(&run->source, col))
				continue;
			m = ddl_plan_map_source(&run->plan, col);
			strbuf_reset(&q);
			osc_run_qname(&q, run, tr->name);
			if (m && m->renamed)
				error("trigger %s uses column `%s` (NEW.%s or "
				      "OLD.%s), which the ALTER renames to "
				      "`%s`; the trigger would fail on the new "
				      "table: drop it first and create it again "
				      "for the new name after, or change the "
				      "ALTER",
				      q.buf, col, col, col, m->ghost_name);
			else
				error("trigger %s uses column `%s` (NEW.%s or "
				      "OLD.%s), which the ALTER drops; the "
				      "trigger would fail on the new table: drop "
				      "it first (and create it again without "
				      "the column after), or change the ALTER",
				      q.buf, col, col, col);
			failures++;
		}
	}
	strbuf_release(&q);
	return failures;
}

/*
 * The foreign keys move to the new table with their definitions as they
 * are: each one's columns must be in it under the same names (a native
 * ALTER refuses to drop them, or renames them in the constraint).
 */
static int check_fk_columns(struct osc_run *run)
{
	const struct ddl_table *src = &run->source;
	struct strbuf q = STRBUF_INIT;
	int failures = 0;
	size_t i, j;

	for (i = 0; i < src->constraints_nr; i++) {
		const struct ddl_constraint *c = &src->constraints[i];

		if (c->kind != DDL_CONSTRAINT_FOREIGN_KEY)
			continue;
		for (j = 0; j < c->columns_nr; j++) {
			const struct ddl_col_map *m =
				ddl_plan_map_source(&run->plan, c->columns[j]);

			if (m && !m->renamed &&
			    ddl_table_column(&run->ghost, c->columns[j]))
				continue;
			strbuf_reset(&q);
			osc_run_qname(&q, run, run->pf->table.table);
			error("foreign key `%s` of %s uses column `%s`, which "
			      "the ALTER %s; osc moves the constraint as it is: "
			      "drop the constraint first, or change the ALTER",
			      c->name ? c->name : "?", q.buf, c->columns[j],
			      m && m->renamed ? "renames" : "drops");
			failures++;
		}
	}
	strbuf_release(&q);
	return failures;
}

int osc_ghost_check_data(struct osc_run *run, struct strbuf *err)
{
	const struct osc_table_facts *t = &run->pf->table;
	const struct ddl_plan *p = &run->plan;
	struct strbuf sql = STRBUF_INIT, row = STRBUF_INIT;
	int failures = 0, r;
	size_t i;

	failures += check_trigger_columns(run);
	failures += check_fk_columns(run);
	for (i = 0; i < p->unique_checks_nr; i++) {
		const struct ddl_unique_check *u = &p->unique_checks[i];

		if (u->uncheckable) {
			warning("unique key `%s` cannot be checked for "
				"duplicates in advance; the copy and the replay "
				"stop at the first conflict",
				u->index_name);
			continue;
		}
		strbuf_reset(&sql);
		strbuf_reset(&row);
		if (ddl_build_dup_check(&sql, p, i, t->db, t->table, err) < 0)
			goto fail;
		verbose("checking unique key `%s` for duplicates",
			u->index_name);
		r = check_query(run->pf->db, sql.buf, &row, err);
		if (r < 0)
			goto fail;
		if (r == 1) {
			error("unique key `%s` %s by the ALTER would meet "
			      "duplicates in `%s`.`%s`: (%s) appears more than "
			      "once; remove the duplicates first or change "
			      "the ALTER",
			      u->index_name, u->added ? "added" : "narrowed",
			      t->db, t->table, row.buf);
			failures++;
		}
	}
	for (i = 0; i < p->constraint_checks_nr; i++) {
		const struct ddl_constraint_check *c = &p->constraint_checks[i];
		struct strbuf why = STRBUF_INIT;
		const char *name = c->name ? c->name : "(unnamed)";

		strbuf_reset(&sql);
		strbuf_reset(&row);
		if (ddl_build_constraint_check(&sql, p, i, t->db, t->table,
					       &why) < 0) {
			/* The copy's INSERT IGNORE would skip a failing row:
			 * say so rather than stay silent. */
			warning("%s `%s` cannot be checked in advance (%s); rows "
				"of `%s`.`%s` that fail %s would be left out "
				"of the copy",
				c->on_column ? "the CHECK of column"
					     : "constraint",
				name, why.buf, t->db, t->table, c->text);
			strbuf_release(&why);
			continue;
		}
		strbuf_release(&why);
		verbose("checking the rows against %s", c->text);
		r = check_query(run->pf->db, sql.buf, &row, err);
		if (r < 0)
			goto fail;
		if (r == 1) {
			error("%s `%s` %s added by the ALTER fails on rows "
			      "of `%s`.`%s`, e.g. key (%s); fix them first "
			      "or change the ALTER",
			      c->on_column ? "the CHECK of column"
					   : "constraint",
			      name, c->text, t->db, t->table, row.buf);
			failures++;
		}
	}
	/*
	 * A foreign key the ALTER adds (the ghost has no other while rows are
	 * copied): a child row without its parent stops the copy (1452) as
	 * it stops a native ALTER; the dry run passed such rows (issue 11,
	 * item 6).
	 */
	for (i = 0; i < p->ghost.constraints_nr; i++) {
		const struct ddl_constraint *c = &p->ghost.constraints[i];
		const char *name = c->name ? c->name : "(unnamed)";
		struct strbuf why = STRBUF_INIT;

		if (c->kind != DDL_CONSTRAINT_FOREIGN_KEY)
			continue;
		strbuf_reset(&sql);
		strbuf_reset(&row);
		if (ddl_build_fk_orphan_check(&sql, p, i, t->db, t->table,
					      &why) < 0) {
			warning("foreign key `%s` cannot be checked in advance "
				"(%s): a row of `%s`.`%s` without its parent "
				"row stops --execute at its chunk",
				name, why.buf, t->db, t->table);
			strbuf_release(&why);
			continue;
		}
		strbuf_release(&why);
		verbose("checking the rows against foreign key `%s`", name);
		r = check_query(run->pf->db, sql.buf, &row, err);
		if (r < 0)
			goto fail;
		if (r == 1) {
			error("foreign key `%s` added by the ALTER fails on "
			      "rows of `%s`.`%s`, e.g. key (%s): their parent "
			      "row is missing; fix them first or change the "
			      "ALTER",
			      name, t->db, t->table, row.buf);
			failures++;
		}
	}
	/*
	 * A lossy type change (issue 11, item 6): the dry run listed "values
	 * may be truncated" and passed, then --execute stopped at the first
	 * chunk's warning. The rows are checked now, in both.
	 */
	for (i = 0; i < p->risks_nr; i++) {
		const struct ddl_risk *k = &p->risks[i];
		struct strbuf why = STRBUF_INIT;

		if (k->kind != DDL_RISK_LOSSY_TYPE ||
		    k->severity < DDL_SEV_WARNING || !k->subject)
			continue;
		strbuf_reset(&sql);
		strbuf_reset(&row);
		if (ddl_build_fit_check(&sql, p, k->subject, t->db, t->table,
					&why) < 0) {
			warning("column `%s` %s: a row of `%s`.`%s` that does "
				"not fit stops --execute at its chunk (nothing "
				"is changed then)",
				k->subject, why.buf, t->db, t->table);
			strbuf_release(&why);
			continue;
		}
		strbuf_release(&why);
		verbose("checking that the rows fit column `%s`", k->subject);
		r = check_query(run->pf->db, sql.buf, &row, err);
		if (r < 0)
			goto fail;
		if (r == 1) {
			error("%s, and rows of `%s`.`%s` do not fit, e.g. key "
			      "(%s); fix them first or change the ALTER",
			      k->message, t->db, t->table, row.buf);
			failures++;
		}
	}
	for (i = 0; i < p->map_nr; i++) {
		const struct ddl_column *sc =
		    &p->source.columns[p->map[i].source_ordinal];
		const struct ddl_column *gc =
		    &p->ghost.columns[p->map[i].ghost_ordinal];

		/*
		 * A column the ALTER makes AUTO_INCREMENT: a native ALTER
		 * gives its rows holding 0 new numbers (unless the server's
		 * sql_mode has NO_AUTO_VALUE_ON_ZERO), where the copy keeps
		 * the 0 (osc's own mode has it, so that replayed zeros stay
		 * zeros). Refuse rather than differ.
		 */
		if (!gc->auto_increment || sc->auto_increment ||
		    db_sql_mode_has(run->pf->server.sql_mode,
				    "NO_AUTO_VALUE_ON_ZERO"))
			continue;
		strbuf_reset(&sql);
		strbuf_reset(&row);
		strbuf_addstr(&sql, "SELECT 1 FROM ");
		quote_qualified(&sql, t->db, t->table);
		strbuf_addstr(&sql, " WHERE ");
		quote_ident(&sql, sc->name);
		strbuf_addstr(&sql, " = 0 LIMIT 1");
		r = check_query(run->pf->db, sql.buf, &row, err);
		if (r < 0)
			goto fail;
		if (r == 1) {
			error("column `%s` made AUTO_INCREMENT by the ALTER "
			      "holds 0 in rows of `%s`.`%s`; a native ALTER "
			      "would give them new numbers, the copy would "
			      "keep 0: give them numbers first, or set the "
			      "server's sql_mode NO_AUTO_VALUE_ON_ZERO (then "
			      "a native ALTER keeps them too)",
			      gc->name, t->db, t->table);
			failures++;
		}
	}
	for (i = 0; i < p->risks_nr; i++) {
		const struct ddl_risk *k = &p->risks[i];
		const struct ddl_column *c;

		/*
		 * A DATE or DATETIME column added NOT NULL without a
		 * default gives the existing rows the zero date, which a
		 * server sql_mode with NO_ZERO_DATE refuses: a native ALTER
		 * fails on a table that has a row (error 1292, whatever the
		 * strictness and the algorithm), and succeeds on an empty
		 * one. The copy runs without NO_ZERO_DATE (util/db.h), so
		 * the refusal is made here.
		 */
		if (k->kind == DDL_RISK_NOT_NULL_NO_DEFAULT && k->subject &&
		    db_sql_mode_has(run->pf->server.sql_mode, "NO_ZERO_DATE") &&
		    (c = ddl_table_column(&p->ghost, k->subject)) &&
		    (!strcmp(c->type.base, "date") ||
		     !strcmp(c->type.base, "datetime"))) {
			strbuf_reset(&sql);
			strbuf_reset(&row);
			strbuf_addstr(&sql, "SELECT 1 FROM ");
			quote_qualified(&sql, t->db, t->table);
			strbuf_addstr(&sql, " LIMIT 1");
			r = check_query(run->pf->db, sql.buf, &row, err);
			if (r < 0)
				goto fail;
			if (r == 1) {
				error("column `%s` added NOT NULL without a "
				      "default would give the rows of "
				      "`%s`.`%s` the zero date, which the "
				      "server's sql_mode refuses (NO_ZERO_DATE; "
				      "a native ALTER fails with error 1292, "
				      "Incorrect %s value): give the column a "
				      "DEFAULT",
				      k->subject, t->db, t->table,
				      c->type.base);
				failures++;
			}
			continue;
		}
		if (k->kind != DDL_RISK_NOT_NULL_ADDED || !k->subject)
			continue;
		strbuf_reset(&sql);
		strbuf_reset(&row);
		if (ddl_build_null_check(&sql, p, k->subject, t->db, t->table,
					 err) < 0)
			goto fail;
		r = check_query(run->pf->db, sql.buf, &row, err);
		if (r < 0)
			goto fail;
		if (r == 1) {
			error("column `%s` made NOT NULL by the ALTER holds "
			      "NULLs in `%s`.`%s`; update them first or give "
			      "the column a default",
			      k->subject, t->db, t->table);
			failures++;
		}
	}
	strbuf_release(&sql);
	strbuf_release(&row);
	return failures;
fail:
	strbuf_release(&sql);
	strbuf_release(&row);
	return -1;
}

int osc_ghost_drop(struct osc_run *run, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addstr(&sql, "DROP TABLE IF EXISTS ");
	osc_run_qname(&sql, run, run->pf->table.ghost_name);
	ret = db_exec(run->pf->db, sql.buf, err);
	if (!ret && run->ghost_undo >= 0) {
		cleanup_pop(run->ghost_undo);
		run->ghost_undo = -1;
	}
	strbuf_release(&sql);
	return ret;
}
