/*
 * test-ddl-trigger.c: reading a trigger's stored definition
 * (ddl/trigger.c), table-driven: the statement in, the statement that
 * creates it on the ghost and the NEW/OLD columns out.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "ddl/ddl.h"
#include "util/strbuf.h"

struct trigger_case {
	const char *stmt;
	const char *retargeted;	/* NULL: the parse must fail */
	const char *columns;	/* NEW/OLD columns, comma separated */
	int order_clause;
};

static const struct trigger_case cases[] = {
	{ "CREATE DEFINER=`root`@`localhost` trigger tr_bi before insert "
	  "on t for each row set new.b = new.a*2",
	  "CREATE DEFINER=`root`@`localhost` trigger tr_bi before insert "
	  "ON `db`.`_t_new` for each row set new.b = new.a*2",
	  "b,a", 0 },
	/* A qualified table, blanks around the dot, two blanks before FOR. */
	{ "CREATE DEFINER=`u`@`%` TRIGGER `tr2` BEFORE UPDATE ON x . t2  "
	  "FOR EACH ROW SET NEW.`a b` = OLD . c",
	  "CREATE DEFINER=`u`@`%` TRIGGER `tr2` BEFORE UPDATE "
	  "ON `db`.`_t_new` FOR EACH ROW SET NEW.`a b` = OLD . c",
	  "a b,c", 0 },
	/* The form RENAME TABLE leaves, and IF NOT EXISTS. */
	{ "CREATE DEFINER=`root`@`localhost` TRIGGER IF NOT EXISTS db.a "
	  "AFTER DELETE ON `t` FOR EACH ROW INSERT INTO aud VALUES "
	  "('on t for each row', OLD.id, old.id)",
	  "CREATE DEFINER=`root`@`localhost` TRIGGER IF NOT EXISTS db.a "
	  "AFTER DELETE ON `db`.`_t_new` FOR EACH ROW INSERT INTO aud VALUES "
	  "('on t for each row', OLD.id, old.id)",
	  "id", 0 },
	/* Words in strings and comments do not count. */
	{ "CREATE DEFINER=`root`@`localhost` /* trigger x before */ TRIGGER "
	  "`tr``3` AFTER INSERT ON `t``q` FOR EACH ROW BEGIN\n"
	  "  -- new.nope\n  INSERT INTO a VALUES ('new.nope', \"old.x\", "
	  "NEW.yes); # old.nope\nEND",
	  "CREATE DEFINER=`root`@`localhost` /* trigger x before */ TRIGGER "
	  "`tr``3` AFTER INSERT ON `db`.`_t_new` FOR EACH ROW BEGIN\n"
	  "  -- new.nope\n  INSERT INTO a VALUES ('new.nope', \"old.x\", "
	  "NEW.yes); # old.nope\nEND",
	  "yes", 0 },
	/* mysqldump's executable comments. */
	{ "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 "
	  "TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 */",
	  "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 "
	  "TRIGGER tr BEFORE INSERT ON `db`.`_t_new` FOR EACH ROW SET NEW.a = "
	  "1 */",
	  "a", 0 },
	/* t_new.x is not NEW.x. */
	{ "CREATE TRIGGER tr AFTER UPDATE ON t FOR EACH ROW UPDATE t_new "
	  "SET t_new.x = NEW.x WHERE t_new.id = OLD.id",
	  "CREATE TRIGGER tr AFTER UPDATE ON `db`.`_t_new` FOR EACH ROW "
	  "UPDATE t_new SET t_new.x = NEW.x WHERE t_new.id = OLD.id",
	  "x,id", 0 },
	/* ANSI_QUOTES: the server's RENAME writes ON "t". */
	{ "CREATE DEFINER=\"root\"@\"localhost\" trigger q1 before delete "
	  "ON \"t9\" for each row set @a = OLD.\"x\"\"y\"",
	  "CREATE DEFINER=\"root\"@\"localhost\" trigger q1 before delete "
	  "ON `db`.`_t_new` for each row set @a = OLD.\"x\"\"y\"",
	  "x\"y", 0 },
	/* A stored order clause (MySQL 8 may keep one). */
	{ "CREATE TRIGGER tr AFTER UPDATE ON t FOR EACH ROW FOLLOWS other "
	  "SET @a = NEW.x",
	  "CREATE TRIGGER tr AFTER UPDATE ON `db`.`_t_new` FOR EACH ROW "
	  "FOLLOWS other SET @a = NEW.x",
	  "x", 1 },
	{ "CREATE TRIGGER tr AFTER UPDATE t FOR EACH ROW SET @a = 1",
	  NULL, NULL, 0 },
	{ "CREATE TRIGGER tr AFTER TRUNCATE ON t FOR EACH ROW SET @a = 1",
	  NULL, NULL, 0 },
	{ "CREATE TABLE x (a int)", NULL, NULL, 0 },
	{ "", NULL, NULL, 0 },
};

static void test_trigger_cases(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct trigger_case *c = &cases[i];
		struct ddl_trigger_text tt;
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		struct strbuf cols = STRBUF_INIT;
		int rc = ddl_trigger_parse(c->stmt, &tt, &err);

		if (!c->retargeted) {
			if (rc != -1 || !err.len)
				fail_msg("case %zu: parsed: %s", i, c->stmt);
			assert_int_equal(tt.columns_nr, 0);
			strbuf_release(&err);
			continue;
		}
		if (rc < 0)
			fail_msg("case %zu: %s", i, err.buf);
		assert_int_equal(ddl_trigger_retarget(&out, c->stmt, &tt, "db",
						      "_t_new"), 0);
		for (j = 0; j < tt.columns_nr; j++)
			strbuf_addf(&cols, "%s%s", j ? "," : "",
				    tt.columns[j]);
		if (strcmp(out.buf, c->retargeted))
			fail_msg("case %zu:\n got: %s\nwant: %s", i, out.buf,
				 c->retargeted);
		if (strcmp(cols.buf, c->columns))
			fail_msg("case %zu: columns '%s', want '%s'", i,
				 cols.buf, c->columns);
		assert_int_equal(tt.order_clause, c->order_clause);
		ddl_trigger_text_release(&tt);
		ddl_trigger_text_release(&tt);
		strbuf_release(&out);
		strbuf_release(&err);
		strbuf_release(&cols);
	}
}

static void test_fk_retarget(void **state)
{
	static const char *const fk_cases[][2] = {
		{ "FOREIGN KEY (`pid`) REFERENCES `t` (`id`) ON DELETE CASCADE",
		  "FOREIGN KEY (`pid`) REFERENCES `db`.`_t_new` (`id`) ON "
		  "DELETE CASCADE" },
		{ "FOREIGN KEY (`a`, `b`) REFERENCES `x`.`t`(`a`, `b`)",
		  "FOREIGN KEY (`a`, `b`) REFERENCES `db`.`_t_new` (`a`, `b`)" },
		{ "FOREIGN KEY (`references`) REFERENCES t (id)",
		  "FOREIGN KEY (`references`) REFERENCES `db`.`_t_new` (id)" },
		{ "FOREIGN KEY (`a`) REFERENCES", NULL },
		{ "CHECK (a > 0)", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fk_cases) / sizeof(fk_cases[0]); i++) {
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		int rc = ddl_fk_retarget(&out, fk_cases[i][0], "db", "_t_new",
					 &err);

		if (!fk_cases[i][1]) {
			assert_int_equal(rc, -1);
			assert_true(err.len > 0);
		} else {
			assert_int_equal(rc, 0);
			if (strcmp(out.buf, fk_cases[i][1]))
				fail_msg("case %zu:\n got: %s\nwant: %s", i,
					 out.buf, fk_cases[i][1]);
		}
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trigger_cases),
		cmocka_unit_test(test_fk_retarget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
