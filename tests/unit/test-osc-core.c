/*
 * test-osc-core.c: object names, the cleanup stack and the server version
 * parser (osc/migrate/names.c, osc/migrate/cleanup.c, osc/migrate/preflight.c). The --alter text
 * is checked by the ddl/ parser (test-ddl-parse.c).
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "osc/migrate/cleanup.h"
#include "osc/migrate/names.h"
#include "osc/migrate/preflight.h"
#include "osc/migrate/recover.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

/* The cut-over record (recover.h): written and read back. */
static void test_cutover_record(void **state)
{
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	struct binlog_pos p, q;
	static const char *const bad[] = {
		"", ":", "mbin.000001", "mbin.000001:", ":1234",
		"mbin.000001:12x", "mbin.000001:-5", "mbin.000001:3",
		"mbin.000001:99999999999999999999999",
	};
	size_t i;

	(void)state;
	memset(&p, 0, sizeof(p));
	snprintf(p.file, sizeof(p.file), "%s", "mbin.000042");
	p.pos = 12345;
	assert_int_equal(osc_cutover_record_sql(&sql, "d`b", "_t_osc", &p,
						&err),
			 0);
	assert_string_equal(sql.buf,
			    "INSERT INTO `d``b`.`_t_osc` (id, hint, value) "
			    "VALUES (2, 'cutover', 'mbin.000042:12345') ON "
			    "DUPLICATE KEY UPDATE value = VALUES(value)");
	assert_int_equal(osc_cutover_record_parse("mbin.000042:12345", &q), 0);
	assert_string_equal(q.file, "mbin.000042");
	assert_int_equal(q.pos, 12345);
	/* A file name with a colon: the last one splits. */
	assert_int_equal(osc_cutover_record_parse("a:b.000001:4", &q), 0);
	assert_string_equal(q.file, "a:b.000001");
	assert_int_equal(q.pos, 4);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(osc_cutover_record_parse(bad[i], &q), -1);
	/* A name that cannot be pasted into the literal is refused. */
	strbuf_reset(&sql);
	snprintf(p.file, sizeof(p.file), "%s", "it's");
	assert_int_equal(osc_cutover_record_sql(&sql, "db", "_t_osc", &p,
						&err),
			 -1);
	assert_non_null(strstr(err.buf, "cannot be recorded"));
	strbuf_release(&sql);
	strbuf_release(&err);
}

static char *repeat(const char *unit, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	while (n--)
		strbuf_addstr(&sb, unit);
	return strbuf_detach(&sb, NULL);
}

static int is_hex8(const char *s)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

static void test_object_names_short(void **state)
{
	static const struct {
		const char *table;
		enum osc_object which;
		const char *want;
	} cases[] = {
	    {"orders", OSC_OBJ_GHOST, "_orders_new"},
	    {"orders", OSC_OBJ_OLD, "_orders_old"},
	    {"orders", OSC_OBJ_CHANGELOG, "_orders_osc"},
	    {"odd`name", OSC_OBJ_GHOST, "_odd`name_new"},
	    {"t", OSC_OBJ_GHOST, "_t_new"},
	    {"caf\xc3\xa9", OSC_OBJ_OLD, "_caf\xc3\xa9_old"},
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		osc_object_name(&sb, cases[i].table, cases[i].which);
		assert_string_equal(sb.buf, cases[i].want);
	}
	strbuf_release(&sb);
}

static void test_object_names_long(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	char *t59 = repeat("x", 59), *t60 = repeat("x", 60);
	char *t64 = repeat("x", 64), *other = repeat("x", 64);
	char *wide = repeat("\xc3\xa9", 60); /* 60 characters, 120 bytes */
	enum osc_object which;

	/* 59 characters still fit: _ + 59 + _new = 64. */
	osc_object_name(&a, t59, OSC_OBJ_GHOST);
	assert_int_equal(a.len, 64);
	assert_memory_equal(a.buf + 1, t59, 59);

	/* 60 do not: _ + 50 + _ + hash + _new. */
	for (which = OSC_OBJ_GHOST; which <= OSC_OBJ_CHANGELOG; which++) {
		strbuf_reset(&a);
		osc_object_name(&a, t60, which);
		assert_int_equal(osc_utf8_chars(a.buf, a.len), 64);
		assert_int_equal(a.buf[0], '_');
		assert_memory_equal(a.buf + 1, t60, 50);
		assert_int_equal(a.buf[51], '_');
		assert_true(is_hex8(a.buf + 52));
		assert_int_equal(a.buf[60], '_');
		assert_string_equal(a.buf + 61, osc_object_suffix(which));
	}
	/* The three objects of a table share the hash. */
	strbuf_reset(&a);
	osc_object_name(&a, t64, OSC_OBJ_GHOST);
	osc_object_name(&b, t64, OSC_OBJ_OLD);
	assert_memory_equal(a.buf, b.buf, 61);
	/* Two tables with the same first 50 characters do not collide. */
	other[63] = 'y';
	osc_object_name(&c, other, OSC_OBJ_GHOST);
	assert_int_equal(a.len, c.len);
	assert_string_not_equal(a.buf, c.buf);
	/* Deterministic. */
	strbuf_reset(&b);
	osc_object_name(&b, t64, OSC_OBJ_GHOST);
	assert_string_equal(a.buf, b.buf);

	/* Characters, not bytes: cut at a character boundary. */
	strbuf_reset(&a);
	osc_object_name(&a, wide, OSC_OBJ_GHOST);
	assert_int_equal(osc_utf8_chars(a.buf, a.len), 64);
	assert_memory_equal(a.buf + 1, wide, 100);
	assert_int_equal(a.buf[101], '_');
	strbuf_reset(&a);
	wide[58 * 2] = '\0'; /* 58 characters fit */
	osc_object_name(&a, wide, OSC_OBJ_GHOST);
	assert_int_equal(osc_utf8_chars(a.buf, a.len), 63);

	/* 59 two-byte characters fit exactly. */
	strbuf_reset(&a);
	free(wide);
	wide = repeat("\xd1\x8f", 59);
	osc_object_name(&a, wide, OSC_OBJ_GHOST);
	assert_int_equal(osc_utf8_chars(a.buf, a.len), 64);
	assert_int_equal(a.len, 1 + 118 + 4);
	/* Four-byte characters: 64 characters, cut between two of them. */
	strbuf_reset(&a);
	free(wide);
	wide = repeat("\xf0\x9f\x98\x80", 60);
	osc_object_name(&a, wide, OSC_OBJ_OLD);
	assert_int_equal(osc_utf8_chars(a.buf, a.len), 64);
	assert_memory_equal(a.buf + 1, wide, 50 * 4);
	assert_int_equal(a.buf[1 + 50 * 4], '_');

	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	free(t59);
	free(t60);
	free(t64);
	free(other);
	free(wide);
}

/*
 * Every table name, whatever its characters (one to four bytes, and bytes
 * that are not UTF-8), gives a name of at most 64 characters that starts
 * with whole characters of the table name.
 */
static void test_object_names_any(void **state)
{
	static const char *const units[] = {
		"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\xff", "\x80", "`", ".",
	};
	struct strbuf table = STRBUF_INIT, name = STRBUF_INIT;
	size_t u, v, n, kept;

	for (u = 0; u < ARRAY_SIZE(units); u++) {
		for (v = 0; v < ARRAY_SIZE(units); v++) {
			strbuf_reset(&table);
			for (n = 0; n < 80; n++) {
				strbuf_addstr(&table, units[n % 3 ? u : v]);
				strbuf_reset(&name);
				osc_object_name(&name, table.buf,
						OSC_OBJ_CHANGELOG);
				assert_true(osc_utf8_chars(name.buf,
							   name.len) <= 64);
				assert_int_equal(name.buf[0], '_');
				/* The part kept is a prefix of the table name
				 * that ends on a character boundary. */
				kept = strcspn(name.buf + 1, "_");
				if (kept > table.len)
					kept = table.len;
				assert_memory_equal(name.buf + 1, table.buf,
						    kept);
				if (kept < table.len)
					assert_true(((unsigned char)
						     table.buf[kept] & 0xc0) !=
						    0x80);
			}
		}
	}
	strbuf_release(&table);
	strbuf_release(&name);
}

static void test_utf8_chars(void **state)
{
	static const struct {
		const char *s;
		size_t chars;
	} cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "caf\xc3\xa9", 4 },
		{ "\xf0\x9f\x98\x80", 1 },       /* four bytes, one character */
		{ "\xd1\x8f\xff", 2 },            /* a stray lead byte counts */
		{ "\xe2\x82\xac\xe2\x82\xac", 2 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(osc_utf8_chars(cases[i].s,
						strlen(cases[i].s)),
				 cases[i].chars);
}

static void test_lock_names(void **state)
{
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;
	char *long_db = repeat("d", 40), *long_t = repeat("t", 40);

	osc_lock_name(&sb, "shop", "orders");
	assert_string_equal(sb.buf, "osc.shop.orders");
	strbuf_reset(&sb);
	osc_lock_name(&sb, "my.db", "t");
	assert_string_equal(sb.buf, "osc.`my.db`.`t`");
	strbuf_reset(&sb);
	osc_lock_name(&sb, "a", "b.c");
	assert_string_equal(sb.buf, "osc.`a`.`b.c`");
	strbuf_reset(&sb);
	osc_lock_name(&sb, "d", "odd`name");
	assert_string_equal(sb.buf, "osc.`d`.`odd``name`");
	strbuf_reset(&sb);
	osc_lock_name(&sb, long_db, long_t);
	assert_int_equal(sb.len, 64);
	assert_memory_equal(sb.buf, "osc.dddd", 8);
	assert_int_equal(sb.buf[55], '.');
	assert_true(is_hex8(sb.buf + 56));
	long_t[39] = 'u';
	osc_lock_name(&sb2, long_db, long_t);
	assert_string_not_equal(sb.buf, sb2.buf);
	assert_int_equal(osc_name_hash("", 0), 2166136261u);
	strbuf_release(&sb);
	strbuf_release(&sb2);
	free(long_db);
	free(long_t);
}

/* Cleanup stack: undo callbacks that record their order. */
static struct strbuf undo_log = STRBUF_INIT;

static int undo_ok(void *data, struct strbuf *err)
{
	strbuf_addf(&undo_log, "%s,", (const char *)data);
	return 0;
}

static int undo_fail(void *data, struct strbuf *err)
{
	strbuf_addf(&undo_log, "%s!,", (const char *)data);
	strbuf_addstr(err, "server gone");
	return -1;
}

static void test_cleanup_order(void **state)
{
	struct strbuf left = STRBUF_INIT;
	int a, b, c;

	strbuf_reset(&undo_log);
	a = cleanup_push(undo_ok, "a", "table `d`.`a`", "DROP TABLE `d`.`a`");
	b = cleanup_push(undo_ok, "b", "table `d`.`b`", NULL);
	c = cleanup_push(undo_ok, "c", "lock 'osc.d.t'", NULL);
	assert_int_equal(cleanup_depth(), 3);
	assert_true(a < b && b < c);
	assert_int_equal(cleanup_run(&left), 0);
	assert_string_equal(undo_log.buf, "c,b,a,");
	assert_int_equal(cleanup_depth(), 0);
	assert_int_equal(left.len, 0);

	/* Popped entries do not run, wherever they are. */
	strbuf_reset(&undo_log);
	a = cleanup_push(undo_ok, "a", "a", NULL);
	b = cleanup_push(undo_ok, "b", "b", NULL);
	c = cleanup_push(undo_ok, "c", "c", NULL);
	cleanup_pop(b);
	assert_int_equal(cleanup_depth(), 2);
	cleanup_pop(c);
	assert_int_equal(cleanup_depth(), 1);
	b = cleanup_push(undo_ok, "d", "d", NULL);
	assert_int_equal(cleanup_run(&left), 0);
	assert_string_equal(undo_log.buf, "d,a,");

	/* A failure is reported with the manual SQL; the rest still run. */
	strbuf_reset(&undo_log);
	cleanup_push(undo_ok, "a", "table `d`.`_t_osc`", "DROP TABLE x");
	cleanup_push(undo_fail, "b", "table `d`.`_t_new`",
		     "DROP TABLE `d`.`_t_new`");
	cleanup_push(undo_fail, "c", "lock 'osc.d.t'", NULL);
	assert_int_equal(cleanup_run(&left), 2);
	assert_string_equal(undo_log.buf, "c!,b!,a,");
	assert_string_equal(left.buf,
			    "lock 'osc.d.t' is left (server gone)\n"
			    "table `d`.`_t_new` is left (server gone); remove "
			    "it with: DROP TABLE `d`.`_t_new`");
	assert_int_equal(cleanup_depth(), 0);
	strbuf_release(&left);
	strbuf_release(&undo_log);
}

static void test_cleanup_status(void **state)
{
	static const struct {
		int status, failures, signo, want;
	} cases[] = {
	    {OSC_EXIT_OK, 0, 0, OSC_EXIT_OK},
	    {OSC_EXIT_FAILED, 0, 0, OSC_EXIT_FAILED},
	    {OSC_EXIT_FAILED, 1, 0, OSC_EXIT_CLEANUP_INCOMPLETE},
	    {OSC_EXIT_OK, 1, 0, OSC_EXIT_CLEANUP_INCOMPLETE},
	    {OSC_EXIT_FAILED, 0, SIGINT, OSC_EXIT_INTERRUPTED},
	    {OSC_EXIT_FAILED, 0, SIGTERM, OSC_EXIT_INTERRUPTED},
	    {OSC_EXIT_FAILED, 2, SIGHUP, OSC_EXIT_CLEANUP_INCOMPLETE},
	    {OSC_EXIT_OK, 0, SIGINT, OSC_EXIT_OK},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(cleanup_exit_status(cases[i].status,
						     cases[i].failures,
						     cases[i].signo),
				 cases[i].want);
	assert_int_equal(cleanup_interrupted(), 0);
}

/* An undo that fails unless it runs on the main thread. */
static pthread_t test_main_thread;

static int undo_on_main(void *data, struct strbuf *err)
{
	if (!pthread_equal(pthread_self(), test_main_thread)) {
		strbuf_addstr(err, "undo ran on a worker thread");
		return -1;
	}
	return 0;
}

static void *worker_dies(void *arg)
{
	die("the worker broke");
	return arg;
}

static sigset_t worker_mask;

static void *worker_mask_of(void *arg)
{
	pthread_sigmask(SIG_SETMASK, NULL, &worker_mask);
	return arg;
}

/*
 * Worker threads started with thread_create() have SIGINT, SIGTERM and
 * SIGHUP blocked; the caller's mask is unchanged.
 */
static void test_thread_create_blocks_signals(void **state)
{
	sigset_t before, after;
	pthread_t t;

	pthread_sigmask(SIG_SETMASK, NULL, &before);
	assert_int_equal(sigismember(&before, SIGTERM), 0);
	assert_int_equal(thread_create(&t, worker_mask_of, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(sigismember(&worker_mask, SIGINT), 1);
	assert_int_equal(sigismember(&worker_mask, SIGTERM), 1);
	assert_int_equal(sigismember(&worker_mask, SIGHUP), 1);
	pthread_sigmask(SIG_SETMASK, NULL, &after);
	assert_int_equal(sigismember(&after, SIGTERM), 0);
	assert_int_equal(sigismember(&after, SIGINT), 0);
}

/*
 * The ways a process ends, each in a child: die() runs the stack (exit 1,
 * or 4 when an undo fails), a signal with entries on the stack sets the
 * flag and the run ends with 3, a signal with an empty stack exits 3 at
 * once.
 */
enum child_end {
	END_DIE_OK,
	END_DIE_FAIL,
	END_SIGNAL_STACK,
	END_SIGNAL_EMPTY,
	END_EXIT_OK,
	END_DIE_WORKER,
	END_SIGNAL_WORKER,
};

static void child(enum child_end how)
{
	log_set_level(LOG_ERROR);
	cleanup_install();
	switch (how) {
	case END_DIE_OK:
		cleanup_push(undo_ok, "a", "table a", NULL);
		die("something broke");
	case END_DIE_FAIL:
		cleanup_push(undo_ok, "a", "table a", NULL);
		cleanup_push(undo_fail, "b", "table b", "DROP TABLE b");
		die("something broke");
	case END_SIGNAL_STACK:
		cleanup_push(undo_ok, "a", "table a", NULL);
		raise(SIGTERM);
		/* The handler only set the flag: the loop sees it. */
		if (cleanup_interrupted() != SIGTERM)
			_exit(99);
		cleanup_exit(OSC_EXIT_FAILED);
	case END_SIGNAL_EMPTY:
		raise(SIGINT);
		_exit(98);
	case END_EXIT_OK:
		cleanup_push(undo_ok, "a", "table a", NULL);
		cleanup_exit(OSC_EXIT_OK);
	case END_DIE_WORKER: {
		/*
		 * die() on a worker: the stack does not run there; the main
		 * thread sees cleanup_should_stop() (not a signal), and its
		 * cleanup runs the stack on the main thread: exit 1, not 4.
		 */
		pthread_t t;
		int i;

		test_main_thread = pthread_self();
		cleanup_push(undo_on_main, NULL, "table a", "DROP TABLE a");
		if (thread_create(&t, worker_dies, NULL))
			_exit(95);
		for (i = 0; i < 10000 && !cleanup_should_stop(); i++)
			usleep(1000);
		if (!cleanup_should_stop() || cleanup_interrupted())
			_exit(94);
		pthread_join(t, NULL);
		cleanup_exit(OSC_EXIT_OK);
	}
	case END_SIGNAL_WORKER: {
		/* A SIGTERM sent while a worker runs reaches the main thread. */
		pthread_t t;

		cleanup_push(undo_ok, "a", "table a", NULL);
		if (thread_create(&t, worker_mask_of, NULL))
			_exit(95);
		kill(getpid(), SIGTERM);
		pthread_join(t, NULL);
		if (cleanup_interrupted() != SIGTERM || !cleanup_should_stop())
			_exit(93);
		cleanup_exit(OSC_EXIT_FAILED);
	}
	}
	_exit(97);
}

static void test_cleanup_exit_paths(void **state)
{
	static const struct {
		enum child_end how;
		int status;
	} cases[] = {
	    {END_DIE_OK, OSC_EXIT_FAILED},
	    {END_DIE_FAIL, OSC_EXIT_CLEANUP_INCOMPLETE},
	    {END_SIGNAL_STACK, OSC_EXIT_INTERRUPTED},
	    {END_SIGNAL_EMPTY, OSC_EXIT_INTERRUPTED},
	    {END_EXIT_OK, OSC_EXIT_OK},
	    {END_DIE_WORKER, OSC_EXIT_FAILED},
	    {END_SIGNAL_WORKER, OSC_EXIT_INTERRUPTED},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int wstatus;
		pid_t pid;

		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (!pid) {
			/* Keep the child's messages out of the test log. */
			if (!freopen("/dev/null", "w", stderr))
				_exit(96);
			child(cases[i].how);
		}
		assert_int_equal(waitpid(pid, &wstatus, 0), pid);
		assert_true(WIFEXITED(wstatus));
		assert_int_equal(WEXITSTATUS(wstatus), cases[i].status);
	}
}


static void test_server_version(void **state)
{
	static const struct {
		const char *version, *comment;
		enum osc_flavor flavor;
		unsigned long id;
	} cases[] = {
	    {"10.11.19-MariaDB-0+deb12u1", "Debian 12", OSC_FLAVOR_MARIADB,
	     101119},
	    {"11.4.2-MariaDB", "", OSC_FLAVOR_MARIADB, 110402},
	    {"10.6.5-log", "MariaDB Server", OSC_FLAVOR_MARIADB, 100605},
	    {"8.0.36", "MySQL Community Server - GPL", OSC_FLAVOR_MYSQL, 80036},
	    {"8.4.0-commercial", NULL, OSC_FLAVOR_MYSQL, 80400},
	    {"8.0.36-28", "Percona Server (GPL)", OSC_FLAVOR_MYSQL, 80036},
	};
	struct osc_server_facts s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(osc_parse_server_version(cases[i].version,
							  cases[i].comment, &s),
				 0);
		assert_int_equal(s.flavor, cases[i].flavor);
		assert_int_equal(s.version_id, cases[i].id);
	}
	assert_int_equal(osc_parse_server_version("garbage", NULL, &s), -1);
	assert_int_equal(osc_parse_server_version(NULL, NULL, &s), -1);
	assert_string_equal(osc_flavor_name(OSC_FLAVOR_MARIADB), "MariaDB");
	assert_string_equal(osc_flavor_name(OSC_FLAVOR_MYSQL), "MySQL");
}

/* Galera (issue 16): a copy chunk is one writeset, under half the limits. */
static void test_galera_chunk_rows(void **state)
{
	static const struct {
		int on;
		uint64_t max_rows, max_size, row_bytes, want;
	} cases[] = {
		{ 0, 100, 1000, 10, 0 },	  /* not Galera: no cap */
		{ 1, 0, 0, 100, 0 },		  /* no limits */
		{ 1, 0, 2147483647, 100, 10737418 },
		{ 1, 1000, 2147483647, 100, 500 }, /* rows bind */
		{ 1, 1000, 100000, 1000, 50 },	  /* bytes bind */
		{ 1, 1, 0, 100, 1 },		  /* never 0 rows */
		{ 1, 0, 100, 1000, 1 },		  /* a row over the limit */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct osc_galera_facts g = OSC_GALERA_FACTS_INIT;

		g.on = cases[i].on;
		g.max_ws_rows = cases[i].max_rows;
		g.max_ws_size = cases[i].max_size;
		if (osc_galera_max_chunk_rows(&g, cases[i].row_bytes) !=
		    cases[i].want)
			fail_msg("case %zu: got %" PRIu64 ", want %" PRIu64, i,
				 osc_galera_max_chunk_rows(&g,
							   cases[i].row_bytes),
				 cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_object_names_short),
	    cmocka_unit_test(test_object_names_long),
	    cmocka_unit_test(test_object_names_any),
	    cmocka_unit_test(test_utf8_chars),
	    cmocka_unit_test(test_lock_names),
	    cmocka_unit_test(test_galera_chunk_rows),
	    cmocka_unit_test(test_cleanup_order),
	    cmocka_unit_test(test_cleanup_status),
	    cmocka_unit_test(test_cleanup_exit_paths),
	    cmocka_unit_test(test_thread_create_blocks_signals),
	    cmocka_unit_test(test_server_version),
	    cmocka_unit_test(test_cutover_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
