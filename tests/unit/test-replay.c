/*
 * test-replay.c: the pure parts of osc/replay/: the statements the applier
 * sends for decoded row events (statement.c) and the DDL watch (watch.c).
 * The applier thread itself runs against a server in the e2e tests
 * (t4100-engine-mirror.sh and the other mirror tests).
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "osc/replay/statement.h"
#include "osc/replay/watch.h"
#include "util/wrapper.h"

/* ---- fixtures ------------------------------------------------------- */

static void plan_from(const char *create, const char *alter, struct ddl_plan *p)
{
	struct ddl_table src = DDL_TABLE_INIT;
	struct ddl_alter a = DDL_ALTER_INIT;
	struct strbuf err = STRBUF_INIT;

	if (ddl_table_from_create(create, &src, &err) < 0)
		fail_msg("source: %s", err.buf);
	if (ddl_parse_alter(alter, &a, &err) < 0)
		fail_msg("alter: %s", err.buf);
	if (ddl_plan_build(&src, &a, NULL, p, &err) < 0)
		fail_msg("plan: %s", err.buf);
	ddl_table_release(&src);
	ddl_alter_release(&a);
	strbuf_release(&err);
}

static struct binlog_value v_int(int64_t i)
{
	struct binlog_value v;

	memset(&v, 0, sizeof(v));
	v.kind = BINLOG_VALUE_INT;
	v.v.i = i;
	return v;
}

static struct binlog_value v_null(void)
{
	struct binlog_value v;

	memset(&v, 0, sizeof(v));
	v.kind = BINLOG_VALUE_NULL;
	return v;
}

static struct binlog_value v_str(const char *s)
{
	struct binlog_value v;

	memset(&v, 0, sizeof(v));
	v.kind = BINLOG_VALUE_STRING;
	v.str = s;
	v.len = strlen(s);
	return v;
}

static struct binlog_value v_enum(uint64_t idx)
{
	struct binlog_value v;

	memset(&v, 0, sizeof(v));
	v.kind = BINLOG_VALUE_ENUM;
	v.v.u = idx;
	return v;
}

/* The built statements, one a line. */
static void built(const struct replay_stmts *s, struct strbuf *out)
{
	struct strbuf stmts = STRBUF_INIT;
	size_t count = 0, i;
	const char *p;

	replay_stmts_build(s, &stmts, &count);
	p = stmts.buf;
	for (i = 0; i < count; i++) {
		strbuf_addstr(out, p);
		strbuf_addch(out, '\n');
		p += strlen(p) + 1;
	}
	assert_int_equal(p - stmts.buf, stmts.len);
	strbuf_release(&stmts);
}

static void expect_built(const struct replay_stmts *s, const char *want)
{
	struct strbuf got = STRBUF_INIT;

	built(s, &got);
	if (strcmp(got.buf, want))
		fail_msg("got:\n%s\nwant:\n%s", got.buf, want);
	strbuf_release(&got);
}

static void add_rows(struct replay_stmts *s, enum binlog_row_kind kind,
		     const struct binlog_row *rows, size_t nrows,
		     unsigned int ncols)
{
	struct strbuf err = STRBUF_INIT;

	if (replay_stmts_add_rows(s, kind, rows, nrows, ncols, &err) < 0)
		fail_msg("add_rows: %s", err.buf);
	strbuf_release(&err);
}

static const char src_basic[] = "CREATE TABLE `t` (\n"
				"  `id` int NOT NULL,\n"
				"  `name` varchar(10) DEFAULT NULL,\n"
				"  `n` int DEFAULT NULL,\n"
				"  PRIMARY KEY (`id`)\n"
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

struct fixture {
	struct ddl_plan plan;
	struct replay_stmts s;
};

static void fixture_init(struct fixture *f, const char *create,
			 const char *alter)
{
	struct strbuf err = STRBUF_INIT;

	ddl_plan_init(&f->plan);
	plan_from(create, alter, &f->plan);
	if (replay_stmts_init(&f->s, &f->plan, "db", "_t_new", &err) < 0)
		fail_msg("init: %s", err.buf);
	strbuf_release(&err);
}

static void fixture_release(struct fixture *f)
{
	replay_stmts_release(&f->s);
	ddl_plan_release(&f->plan);
}

static void set_row(struct binlog_row *r, const struct binlog_value *before,
		    const struct binlog_value *after)
{
	r->before = before;
	r->after = after;
}

/* Inserts, an update, a delete: NULLs, strings as hex, batching. */
static void test_insert_update_delete(void **state)
{
	struct fixture f;
	struct binlog_value r1[3], r2[3], r3[3];
	struct binlog_row rows[2];

	(void)state;
	fixture_init(&f, src_basic, "ADD COLUMN x int");
	assert_int_equal(f.s.unique_mode, 0);
	r1[0] = v_int(1), r1[1] = v_str("a'b"), r1[2] = v_null();
	r2[0] = v_int(2), r2[1] = v_null(), r2[2] = v_int(-5);
	r3[0] = v_int(2), r3[1] = v_str(""), r3[2] = v_int(7);
	set_row(&rows[0], NULL, r1);
	set_row(&rows[1], NULL, r2);
	add_rows(&f.s, BINLOG_ROW_INSERT, rows, 2, 3);
	/* The same key: no delete, the after-image replaces. */
	set_row(&rows[0], r2, r3);
	add_rows(&f.s, BINLOG_ROW_UPDATE, rows, 1, 3);
	set_row(&rows[0], r1, NULL);
	set_row(&rows[1], r3, NULL);
	add_rows(&f.s, BINLOG_ROW_DELETE, rows, 2, 3);
	assert_int_equal(f.s.ops_nr, 5);
	expect_built(
	    &f.s, "REPLACE INTO `db`.`_t_new` (`id`, `name`, `n`) VALUES "
		  "(1, _utf8mb4 X'612762', NULL), (2, NULL, -5), "
		  "(2, _utf8mb4 '', 7)\n"
		  "DELETE FROM `db`.`_t_new` WHERE (`id` = 1) OR (`id` = 2)\n");
	fixture_release(&f);
}

/* An update that moves the key deletes the old key first. */
static void test_key_changing_update(void **state)
{
	struct fixture f;
	struct binlog_value before[3], after[3];
	struct binlog_row row;

	(void)state;
	fixture_init(&f, src_basic, "DROP COLUMN n");
	before[0] = v_int(1), before[1] = v_str("x"), before[2] = v_int(3);
	after[0] = v_int(9), after[1] = v_str("x"), after[2] = v_null();
	set_row(&row, before, after);
	add_rows(&f.s, BINLOG_ROW_UPDATE, &row, 1, 3);
	expect_built(
	    &f.s,
	    "DELETE FROM `db`.`_t_new` WHERE (`id` = 1)\n"
	    "REPLACE INTO `db`.`_t_new` (`id`, `name`) VALUES (9, _utf8mb4 X'78')\n");
	fixture_release(&f);
}

/* A two-column key, one of its names holding a backtick. */
static const char src_two_key[] = "CREATE TABLE `k` (\n"
				  "  `a` int NOT NULL,\n"
				  "  `b``q` varchar(5) NOT NULL,\n"
				  "  `c` int DEFAULT NULL,\n"
				  "  PRIMARY KEY (`a`,`b``q`)\n"
				  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

static void test_multi_column_key(void **state)
{
	struct fixture f;
	struct binlog_value r1[3], r2[3], r3[3];
	struct binlog_row rows[2];

	(void)state;
	fixture_init(&f, src_two_key, "RENAME COLUMN c TO `d``e`");
	r1[0] = v_int(1), r1[1] = v_str("p"), r1[2] = v_null();
	r2[0] = v_int(1), r2[1] = v_str("q"), r2[2] = v_int(4);
	r3[0] = v_int(2), r3[1] = v_str("q"), r3[2] = v_null();
	/* The second key column changes: a new key. */
	set_row(&rows[0], r1, r2);
	add_rows(&f.s, BINLOG_ROW_UPDATE, rows, 1, 3);
	set_row(&rows[0], r2, NULL);
	set_row(&rows[1], r3, NULL);
	add_rows(&f.s, BINLOG_ROW_DELETE, rows, 2, 3);
	expect_built(
	    &f.s,
	    "DELETE FROM `db`.`_t_new` WHERE (`a` = 1 AND `b``q` = _utf8mb4 X'70')\n"
	    "REPLACE INTO `db`.`_t_new` (`a`, `b``q`, `d``e`) VALUES "
	    "(1, _utf8mb4 X'71', 4)\n"
	    "DELETE FROM `db`.`_t_new` WHERE (`a` = 1 AND `b``q` = _utf8mb4 X'71') "
	    "OR (`a` = 2 AND `b``q` = _utf8mb4 X'71')\n");
	fixture_release(&f);
}

/*
 * Unique mode (the ALTER adds a unique key): each write deletes its own
 * key and is a plain INSERT of one row, so that a conflict on the new key
 * is an error instead of a silent delete.
 */
static void test_unique_mode(void **state)
{
	struct fixture f;
	struct binlog_value r1[3], r2[3], r3[3];
	struct binlog_row rows[2];

	(void)state;
	fixture_init(&f, src_basic, "ADD UNIQUE KEY u (n)");
	assert_int_equal(f.s.unique_mode, 1);
	r1[0] = v_int(1), r1[1] = v_null(), r1[2] = v_int(10);
	r2[0] = v_int(2), r2[1] = v_null(), r2[2] = v_int(20);
	r3[0] = v_int(3), r3[1] = v_null(), r3[2] = v_int(20);
	set_row(&rows[0], NULL, r1);
	set_row(&rows[1], NULL, r2);
	add_rows(&f.s, BINLOG_ROW_INSERT, rows, 2, 3);
	set_row(&rows[0], r2, r3);
	add_rows(&f.s, BINLOG_ROW_UPDATE, rows, 1, 3);
	expect_built(
	    &f.s, "DELETE FROM `db`.`_t_new` WHERE (`id` = 1)\n"
		  "INSERT INTO `db`.`_t_new` (`id`, `name`, `n`) VALUES "
		  "(1, NULL, 10)\n"
		  "DELETE FROM `db`.`_t_new` WHERE (`id` = 2)\n"
		  "INSERT INTO `db`.`_t_new` (`id`, `name`, `n`) VALUES "
		  "(2, NULL, 20)\n"
		  "DELETE FROM `db`.`_t_new` WHERE (`id` = 2) OR (`id` = 3)\n"
		  "INSERT INTO `db`.`_t_new` (`id`, `name`, `n`) VALUES "
		  "(3, NULL, 20)\n");
	fixture_release(&f);
}

/*
 * track_removals: a delete and the old key of a moved row keep their key
 * on the source (the key column renamed by the ALTER: the source's name),
 * an upsert and unique mode's delete before its own insert do not.
 */
static void test_track_removals(void **state)
{
	struct fixture f;
	struct binlog_value r1[3], r2[3], r3[3];
	struct binlog_row row;

	(void)state;
	fixture_init(&f, src_basic, "RENAME COLUMN id TO ident");
	f.s.track_removals = 1;
	r1[0] = v_int(1), r1[1] = v_null(), r1[2] = v_null();
	r2[0] = v_int(2), r2[1] = v_null(), r2[2] = v_null();
	r3[0] = v_int(2), r3[1] = v_str("z"), r3[2] = v_null();
	set_row(&row, NULL, r1);
	add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 3);
	set_row(&row, r1, r2);
	add_rows(&f.s, BINLOG_ROW_UPDATE, &row, 1, 3);
	set_row(&row, r2, r3);
	add_rows(&f.s, BINLOG_ROW_UPDATE, &row, 1, 3);
	set_row(&row, r3, NULL);
	add_rows(&f.s, BINLOG_ROW_DELETE, &row, 1, 3);
	assert_int_equal(f.s.ops_nr, 5);
	assert_null(f.s.ops[0].src_key);
	assert_string_equal(f.s.ops[1].sql, "(`ident` = 1)");
	assert_string_equal(f.s.ops[1].src_key, "(`id` = 1)");
	assert_null(f.s.ops[2].src_key);
	assert_null(f.s.ops[3].src_key);
	assert_string_equal(f.s.ops[4].src_key, "(`id` = 2)");
	fixture_release(&f);

	fixture_init(&f, src_basic, "ADD UNIQUE KEY u (n)");
	f.s.track_removals = 1;
	set_row(&row, NULL, r1);
	add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 3);
	assert_int_equal(f.s.ops_nr, 2);
	assert_null(f.s.ops[0].src_key);
	assert_null(f.s.ops[1].src_key);
	fixture_release(&f);
}

/* Deletes are cut at REPLAY_DELETE_MAX_ROWS per statement. */
static void test_delete_cut(void **state)
{
	struct fixture f;
	size_t n = REPLAY_DELETE_MAX_ROWS + 1, i, count = 0;
	struct binlog_value *imgs = xcalloc(n * 3, sizeof(*imgs));
	struct binlog_row *rows = xcalloc(n, sizeof(*rows));
	struct strbuf stmts = STRBUF_INIT;

	(void)state;
	fixture_init(&f, src_basic, "ADD COLUMN x int");
	for (i = 0; i < n; i++) {
		imgs[3 * i] = v_int((int64_t)i);
		imgs[3 * i + 1] = v_null();
		imgs[3 * i + 2] = v_null();
		set_row(&rows[i], &imgs[3 * i], NULL);
	}
	add_rows(&f.s, BINLOG_ROW_DELETE, rows, n, 3);
	replay_stmts_build(&f.s, &stmts, &count);
	assert_int_equal(count, 2);
	assert_string_equal(stmts.buf + strlen(stmts.buf) + 1,
			    "DELETE FROM `db`.`_t_new` WHERE (`id` = 500)");
	strbuf_release(&stmts);
	free(imgs);
	free(rows);
	fixture_release(&f);
}

/* A rolled back transaction's operations are forgotten. */
static void test_truncate(void **state)
{
	struct fixture f;
	struct binlog_value r1[3], r2[3];
	struct binlog_row row;
	size_t mark, bytes;

	(void)state;
	fixture_init(&f, src_basic, "ADD COLUMN x int");
	r1[0] = v_int(1), r1[1] = v_null(), r1[2] = v_null();
	r2[0] = v_int(2), r2[1] = v_null(), r2[2] = v_null();
	set_row(&row, NULL, r1);
	add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 3);
	mark = f.s.ops_nr;
	bytes = f.s.ops_bytes;
	set_row(&row, r2, NULL);
	add_rows(&f.s, BINLOG_ROW_DELETE, &row, 1, 3);
	assert_true(f.s.ops_bytes > bytes);
	replay_stmts_truncate(&f.s, mark);
	assert_int_equal(f.s.ops_nr, mark);
	assert_int_equal(f.s.ops_bytes, bytes);
	expect_built(&f.s, "REPLACE INTO `db`.`_t_new` (`id`, `name`, `n`) "
			   "VALUES (1, NULL, NULL)\n");
	replay_stmts_truncate(&f.s, 0);
	expect_built(&f.s, "");
	fixture_release(&f);
}

/* An ENUM whose member list changes is written by member name. */
static const char src_enum[] =
    "CREATE TABLE `e` (\n"
    "  `id` int NOT NULL,\n"
    "  `c` enum('red','green','blue') DEFAULT NULL,\n"
    "  PRIMARY KEY (`id`)\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

static void test_enum_by_name(void **state)
{
	struct fixture f;
	struct binlog_value r[2];
	struct binlog_row row;

	(void)state;
	fixture_init(&f, src_enum,
		     "MODIFY c enum('blue','red','green') DEFAULT NULL");
	r[0] = v_int(1), r[1] = v_enum(2);
	set_row(&row, NULL, r);
	add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 2);
	expect_built(&f.s, "REPLACE INTO `db`.`_t_new` (`id`, `c`) VALUES "
			   "(1, 'green')\n");
	fixture_release(&f);

	/* The same list: the index is the same member. */
	fixture_init(&f, src_enum, "ADD COLUMN x int");
	add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 2);
	expect_built(&f.s, "REPLACE INTO `db`.`_t_new` (`id`, `c`) VALUES "
			   "(1, 2)\n");
	fixture_release(&f);
}

/*
 * Columns added NOT NULL without a default get their implicit default
 * from the replay itself (issue 12 item 8): no warning 1364 per
 * statement. Nullable ones, ones with a default and JSON are left out.
 */
static void test_implicit_defaults(void **state)
{
	struct fixture f;
	struct binlog_value r[3];
	struct binlog_row row;

	(void)state;
	fixture_init(&f, src_basic,
		     "ADD COLUMN a INT NOT NULL, ADD COLUMN b VARCHAR(5) NOT "
		     "NULL, ADD COLUMN c ENUM('x','y') NOT NULL, ADD COLUMN d "
		     "DATE NOT NULL, ADD COLUMN y YEAR NOT NULL, ADD COLUMN "
		     "ts DATETIME(3) NOT NULL, ADD COLUMN j JSON NOT NULL, "
		     "ADD COLUMN e INT NOT NULL DEFAULT 3, ADD COLUMN g INT, "
		     "ADD COLUMN s SET('p','q') NOT NULL, ADD COLUMN bt BIT(3) "
		     "NOT NULL");
	r[0] = v_int(1), r[1] = v_null(), r[2] = v_int(4);
	set_row(&row, NULL, r);
	add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 3);
	add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 3);
	expect_built(&f.s,
		     "REPLACE INTO `db`.`_t_new` (`id`, `name`, `n`, `a`, "
		     "`b`, `c`, `d`, `y`, `ts`, `s`, `bt`) VALUES "
		     "(1, NULL, 4, 0, '', 1, '0000-00-00', 0, "
		     "'0000-00-00 00:00:00', '', 0), "
		     "(1, NULL, 4, 0, '', 1, '0000-00-00', 0, "
		     "'0000-00-00 00:00:00', '', 0)\n");
	fixture_release(&f);

	/* Unique mode's INSERT names them too. */
	fixture_init(&f, src_basic,
		     "ADD COLUMN a INT NOT NULL, ADD UNIQUE KEY u (name)");
	assert_int_equal(f.s.unique_mode, 1);
	set_row(&row, NULL, r);
	add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 3);
	expect_built(&f.s, "DELETE FROM `db`.`_t_new` WHERE (`id` = 1)\n"
			   "INSERT INTO `db`.`_t_new` (`id`, `name`, `n`, "
			   "`a`) VALUES (1, NULL, 4, 0)\n");
	fixture_release(&f);
}

/* An image shorter than the plan is an error, not a guess. */
static void test_short_image(void **state)
{
	struct fixture f;
	struct binlog_value r[2];
	struct binlog_row row;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	fixture_init(&f, src_basic, "ADD COLUMN x int");
	r[0] = v_int(1), r[1] = v_null();
	set_row(&row, NULL, r);
	assert_int_equal(
	    replay_stmts_add_rows(&f.s, BINLOG_ROW_INSERT, &row, 1, 2, &err),
	    -1);
	assert_string_equal(err.buf, "a row image has 2 columns, the table "
				     "had 3: was it altered?");
	strbuf_release(&err);
	fixture_release(&f);
}

/* ---- the DDL watch -------------------------------------------------- */

static const struct {
	const char *sql, *cur_db;
	int want;	/* lower_case_table_names=0 */
	int want_lc;	/* lower_case_table_names=1 (and 2) */
} watch_cases[] = {
    {"ALTER TABLE t ADD x int", "db", 1, 1},
    {"ALTER TABLE t ADD x int", "other", 0, 0},
    {"ALTER TABLE t ADD x int", NULL, 0, 0},
    {"ALTER TABLE db.t ADD x int", NULL, 1, 1},
    {"ALTER TABLE `db`.`t` ADD x int", "other", 1, 1},
    {"ALTER TABLE `db` . `t` ADD x int", "other", 1, 1},
    {"ALTER TABLE other.t ADD x int", "db", 0, 0},
    {"ALTER TABLE db.t2 ADD x int", "db", 0, 0},
    {"RENAME TABLE tt TO t3", "db", 0, 0},
    {"DROP TABLE /* t */ u", "db", 0, 0},
    {"DROP TABLE /*!40000 t */", "db", 1, 1},
    {"INSERT INTO u VALUES ('t')", "db", 0, 0},
    {"INSERT INTO u VALUES (\"db.t\")", "db", 0, 0},
    {"UPDATE u SET a = 1 -- t\n", "db", 0, 0},
    {"UPDATE u SET a = 1 # t\n", "db", 0, 0},
    {"TRUNCATE `t`", "db", 1, 1},
    {"DROP TABLE `t``x`", "db", 0, 0},
    {"CREATE TABLE t.x (a int)", "db", 0, 0},
    /* letter case: one table under lower_case_table_names 1 and 2 */
    {"ALTER TABLE T ADD x int", "db", 0, 1},
    {"ALTER TABLE `DB`.`T` ADD x int", NULL, 0, 1},
    {"ALTER TABLE Db.t ADD x int", "other", 0, 1},
    {"ALTER TABLE t ADD x int", "DB", 0, 1},
    {"ALTER TABLE T2 ADD x int", "db", 0, 0},
};

static void test_watch_mentions(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(watch_cases); i++) {
		int lctn;

		for (lctn = 0; lctn <= 2; lctn++) {
			int want = lctn ? watch_cases[i].want_lc
					: watch_cases[i].want;
			int got = replay_watch_mentions_table(
			    lctn, watch_cases[i].sql, watch_cases[i].cur_db,
			    "db", "t");

			if (got != want)
				fail_msg("'%s' in %s, lctn %d: got %d, want %d",
					 watch_cases[i].sql,
					 watch_cases[i].cur_db
					     ? watch_cases[i].cur_db
					     : "(none)",
					 lctn, got, want);
		}
	}
	assert_true(replay_watch_mentions_table(0, "DROP TABLE `a``b`", "db",
						"db", "a`b"));
}

static void test_watch_first_word(void **state)
{
	(void)state;
	assert_true(
	    replay_watch_starts_with_word("RENAME TABLE a TO b", "RENAME"));
	assert_true(replay_watch_starts_with_word(
	    "  /* osc */ rename table a to b", "RENAME"));
	assert_false(replay_watch_starts_with_word("RENAMED", "RENAME"));
	assert_false(
	    replay_watch_starts_with_word("ALTER TABLE a RENAME b", "RENAME"));
}

/* Statements that name the table but cannot change it: the run goes on. */
static void test_watch_harmless(void **state)
{
	static const struct {
		const char *sql;
		int want;
	} cases[] = {
	    {"DROP EVENT IF EXISTS db.t", 1},
	    {"DROP EVENT t", 1},
	    {"CREATE DEFINER=`root`@`localhost` EVENT `t` ON SCHEDULE EVERY 1 "
	     "SECOND DO INSERT INTO t VALUES (1)", 1},
	    {"ALTER EVENT t DISABLE", 1},
	    {"CREATE OR REPLACE ALGORITHM=MERGE DEFINER=root@localhost SQL "
	     "SECURITY INVOKER VIEW v AS SELECT * FROM t", 1},
	    {"CREATE DEFINER=`event`@`%` PROCEDURE p() SELECT * FROM t", 1},
	    {"DROP FUNCTION IF EXISTS t", 1},
	    {"GRANT SELECT ON db.t TO 'u'@'%'", 1},
	    {"REVOKE SELECT ON db.t FROM 'u'@'%'", 1},
	    {"ANALYZE TABLE t", 1},
	    {"CREATE TABLE db.snap LIKE db.t", 1},
	    {"CREATE TABLE IF NOT EXISTS `snap` LIKE `t`", 1},
	    {"/* x */ CREATE TEMPORARY TABLE s AS SELECT * FROM t", 1},
	    /* Not harmless: t itself, its triggers, a reference to it. */
	    {"CREATE TABLE t (a int)", 0},
	    {"CREATE OR REPLACE TABLE db.t LIKE db.u", 0},
	    {"CREATE TABLE IF NOT EXISTS t LIKE u", 0},
	    {"CREATE TABLE c (p int, FOREIGN KEY (p) REFERENCES t (id))", 0},
	    {"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @a = 1", 0},
	    {"CREATE DEFINER=`view`@`%` TRIGGER tr AFTER DELETE ON t FOR EACH "
	     "ROW SET @a = 1", 0},
	    {"DROP TRIGGER tr", 0},
	    {"CREATE INDEX k ON t (a)", 0},
	    {"ALTER TABLE t ADD x int", 0},
	    {"ALTER TABLE u ADD FOREIGN KEY (p) REFERENCES t (id)", 0},
	    {"DROP TABLE t", 0},
	    {"RENAME TABLE t TO u", 0},
	    {"TRUNCATE t", 0},
	    {"OPTIMIZE TABLE t", 0},
	    {"INSERT INTO t VALUES (1)", 0},
	    {"DELETE FROM t", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (replay_watch_harmless(0, cases[i].sql, "db", "db", "t") !=
		    cases[i].want)
			fail_msg("'%s': want %d", cases[i].sql, cases[i].want);
	/* Letter case follows the server's rule. */
	assert_false(replay_watch_harmless(1, "CREATE TABLE T (a int)", "db",
					   "db", "t"));
	assert_true(replay_watch_harmless(0, "CREATE TABLE T (a int)", "db",
					  "db", "t"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_insert_update_delete),
	    cmocka_unit_test(test_key_changing_update),
	    cmocka_unit_test(test_multi_column_key),
	    cmocka_unit_test(test_unique_mode),
	    cmocka_unit_test(test_track_removals),
	    cmocka_unit_test(test_delete_cut),
	    cmocka_unit_test(test_truncate),
	    cmocka_unit_test(test_enum_by_name),
	    cmocka_unit_test(test_implicit_defaults),
	    cmocka_unit_test(test_short_image),
	    cmocka_unit_test(test_watch_mentions),
	    cmocka_unit_test(test_watch_first_word),
	    cmocka_unit_test(test_watch_harmless),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
