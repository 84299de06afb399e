/*
 * test-options.c: the command line, DB.TABLE, value units and option
 * files (osc/cli/options.c, osc/cli/optfile.c). Table-driven: arguments in,
 * a summary of struct osc_options (or an error) out.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "osc/cli/options.h"
#include "util/db.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

/* ";key=value;key=value;" for everything a case may look at. */
static void summarize(const struct osc_options *o, struct strbuf *sb)
{
	strbuf_reset(sb);
	strbuf_addf(sb,
		    ";alter=%s;db=%s;table=%s;exec=%d;host=%s;port=%" PRIu64
		    ";user=%s;pw=%s;prompt=%d;socket=%s;ssl=%d;"
		    "ca=%s;timeout=%" PRIu64 ";v=%d;fmt=%d;nodef=%d;"
		    "deffile=%s;extra=%s;help=%d;version=%d;",
		    o->alter ? o->alter : "(null)",
		    o->database ? o->database : "(null)",
		    o->table ? o->table : "(null)", o->execute,
		    o->host ? o->host : "(null)", o->port,
		    o->user ? o->user : "(null)",
		    o->password ? o->password : "(null)", o->password_prompt,
		    o->socket ? o->socket : "(null)", o->ssl_mode,
		    o->ssl_ca ? o->ssl_ca : "(null)", o->connect_timeout_ms,
		    o->verbosity, o->log_format, o->no_defaults,
		    o->defaults_file ? o->defaults_file : "(null)",
		    o->defaults_extra_file ? o->defaults_extra_file : "(null)",
		    o->show_help, o->show_version);
}

/* Every ';'-separated item of `want` appears in the summary. */
static void expect_items(const struct strbuf *summary, const char *want,
			 const char *label)
{
	struct strbuf item = STRBUF_INIT;
	const char *p = want;

	while (*p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		strbuf_reset(&item);
		strbuf_addch(&item, ';');
		strbuf_add(&item, p, len);
		strbuf_addch(&item, ';');
		if (!strstr(summary->buf, item.buf))
			fail_msg("%s: want %s in %s", label, item.buf,
				 summary->buf);
		p += len + (end ? 1 : 0);
	}
	strbuf_release(&item);
}

struct argv_case {
	const char *args[10]; /* after argv[0], NULL-ended */
	const char *want;     /* items of the summary, or NULL for error */
	const char *err;      /* substring of the error */
};

static const struct argv_case argv_cases[] = {
    /* Short options: value attached or next. */
    {{"-h", "db1", "-P", "3307", "-u", "osc", "-pSECRET", "--alter=ADD x INT",
      "shop.orders"},
     "host=db1;port=3307;user=osc;pw=SECRET;prompt=0;alter=ADD x INT;"
     "db=shop;table=orders;exec=0",
     NULL},
    {{"-hdb1", "-P3307", "-uosc", "-S/tmp/s", "--alter", "X", "a.b"},
     "host=db1;port=3307;user=osc;socket=/tmp/s;pw=(null)",
     NULL},
    /* Long options: --opt=value and --opt value. */
    {{"--host", "db1", "--port=3307", "--user", "osc", "--password=S3",
      "--socket=/s", "--alter=X", "a.b"},
     "host=db1;port=3307;user=osc;pw=S3;socket=/s;prompt=0",
     NULL},
    /* -p alone prompts, and the next argument is not the password. */
    {{"-p", "a.b", "--alter=X"}, "prompt=1;pw=(null);db=a;table=b", NULL},
    {{"--password", "--alter=X", "a.b"}, "prompt=1;pw=(null)", NULL},
    {{"-p", "Secret", "--alter=X", "a.b"},
     NULL,
     "the word after -p is not DB.TABLE (not shown"},
    {{"--password", "Secret", "a.b", "--alter=X"},
     NULL,
     "the word after -p is not DB.TABLE"},
    {{"-p", "-pLATER", "--alter=X", "a.b"}, "prompt=0;pw=LATER", NULL},
    /* A pt-osc DSN as the table: its keys, its password masked. */
    {{"--alter=X", "h=db1,P=3307,u=osc,p=SECRET,D=shop,t=orders"},
     "host=db1;port=3307;user=osc;pw=SECRET;db=shop;table=orders",
     NULL},
    {{"-hdb9", "--alter=X", "D=shop,t=orders,S=/s"},
     "host=db9;socket=/s;db=shop;table=orders",
     NULL},
    {{"--alter=X", "h=db1,p=SECRET,t=orders"},
     NULL,
     "the DSN 'h=db1,p=***,t=orders' names no database (D=): give "
     "D=DB,t=TABLE in it, or DB.TABLE"},
    {{"--alter=X", "p=SECRET,D=shop,t=orders,F=/etc/my.cnf"},
     NULL,
     "the DSN 'p=***,D=shop,t=orders,F=/etc/my.cnf' has key 'F', which osc "
     "does not take"},
    {{"--alter=X", "D=shop,t=orders,P=x,p=SECRET"},
     NULL,
     "invalid value 'x' for P= of the DSN: not a whole number"},
    {{"--alter=X", "D=shop,t=orders,p=SECRET,junk"},
     NULL,
     "cannot read the DSN 'D=shop,t=orders,p=***,junk': 'junk' is not "
     "KEY=VALUE"},
    {{"--alter=X", "a.b", "D=shop,t=orders,p=SECRET"},
     NULL,
     "unexpected argument 'D=shop,t=orders,p=***': give one DB.TABLE"},
    {{"-pFIRST", "-p", "--alter=X", "a.b"}, "prompt=1;pw=(null)", NULL},
    {{"--password=", "--alter=X", "a.b"}, "prompt=0;pw=", NULL},
    /* Counters, bundles, quiet. */
    {{"-vv", "--alter=X", "a.b"}, "v=2", NULL},
    {{"-v", "--verbose", "--alter=X", "a.b"}, "v=2", NULL},
    {{"-q", "--alter=X", "a.b"}, "v=-1", NULL},
    {{"-v", "-q", "--alter=X", "a.b"}, "v=-1", NULL},
    {{"-qv", "--alter=X", "a.b"}, "v=0", NULL},
    {{"-vuroot", "--alter=X", "a.b"}, "v=1;user=root", NULL},
    {{"--verbose=2", "--alter=X", "a.b"}, NULL, "takes no value"},
    /* Enums. */
    {{"--log-format=json", "--alter=X", "a.b"}, "fmt=1", NULL},
    {{"--log-format", "JSON", "--alter=X", "a.b"}, "fmt=1", NULL},
    {{"--log-format=xml", "--alter=X", "a.b"},
     NULL,
     "invalid value 'xml' for --log-format: expected one of text, json"},
    {{"--ssl-mode=verify_ca", "--alter=X", "a.b"}, "ssl=3", NULL},
    {{"--ssl-mode=sometimes", "--alter=X", "a.b"},
     NULL,
     "expected one of DISABLED, PREFERRED"},
    /* BOOL with callbacks, --skip-, values. */
    {{"--ssl", "--alter=X", "a.b"}, "ssl=2", NULL},
    {{"--skip-ssl", "--alter=X", "a.b"}, "ssl=1", NULL},
    {{"--ssl=0", "--alter=X", "a.b"}, "ssl=1", NULL},
    {{"--ssl-verify-server-cert", "--ssl-ca=/ca.pem", "--alter=X", "a.b"},
     "ssl=4;ca=/ca.pem",
     NULL},
    {{"--execute", "--alter=X", "a.b"}, "exec=1", NULL},
    {{"--execute=off", "--alter=X", "a.b"}, "exec=0", NULL},
    {{"--enable-execute", "--alter=X", "a.b"}, "exec=1", NULL},
    {{"--execute", "--skip-execute", "--alter=X", "a.b"}, "exec=0", NULL},
    {{"--execute=maybe", "--alter=X", "a.b"},
     NULL,
     "invalid value 'maybe' for --execute: expected 1 or 0"},
    {{"--skip-execute=1", "--alter=X", "a.b"}, NULL, "takes no value"},
    {{"--skip-host", "--alter=X", "a.b"}, NULL, "unknown option '--skip-host'"},
    /* Numbers, ranges and units. */
    {{"--port=0", "--alter=X", "a.b"}, "port=0", NULL},
    {{"--port=65535", "--alter=X", "a.b"}, "port=65535", NULL},
    {{"--port=65536", "--alter=X", "a.b"},
     NULL,
     "invalid value '65536' for --port: must be between 0 and 65535"},
    {{"-P", "x12", "--alter=X", "a.b"},
     NULL,
     "invalid value 'x12' for -P: not a whole number"},
    {{"--port=-1", "--alter=X", "a.b"}, NULL, "not a whole number"},
    {{"--connect-timeout=5", "--alter=X", "a.b"}, "timeout=5000", NULL},
    {{"--connect-timeout=2m", "--alter=X", "a.b"}, "timeout=120000", NULL},
    {{"--connect-timeout=1500ms", "--alter=X", "a.b"}, "timeout=1500", NULL},
    {{"--connect-timeout=500ms", "--alter=X", "a.b"},
     NULL,
     "must be between 1s and 1h"},
    {{"--connect-timeout=1h1s", "--alter=X", "a.b"},
     NULL,
     "must be between 1s and 1h"},
    {{"--connect-timeout=soon", "--alter=X", "a.b"}, NULL, "not a duration"},
    /* Unknown options and missing values. */
    {{"--frobnicate", "--alter=X", "a.b"},
     NULL,
     "unknown option '--frobnicate'"},
    {{"--exec", "--alter=X", "a.b"},
     NULL,
     "unknown option '--exec'; did you mean '--execute'?"},
    {{"--ssl-c", "--alter=X", "a.b"}, NULL, "unknown option '--ssl-c'"},
    {{"-x", "--alter=X", "a.b"}, NULL, "unknown option '-x'"},
    {{"a.b", "--alter"}, NULL, "option '--alter' needs a value"},
    {{"a.b", "--alter=X", "-u"}, NULL, "option '-u' needs a value"},
    {{"--loose-future-thing=3", "--alter=X", "a.b"}, "alter=X", NULL},
    /* Operands. */
    {{"--alter=X", "--", "a.b"}, "db=a;table=b", NULL},
    {{"--alter=X", "--", "-odd.-name"}, "db=-odd;table=-name", NULL},
    {{"--alter=X", "a.b", "c.d"},
     NULL,
     "unexpected argument 'c.d': give one DB.TABLE"},
    {{"--alter=X", "orders"}, NULL, "'orders' is not DB.TABLE"},
    /* Option-file options on the command line. */
    {{"--no-defaults", "--defaults-file=/f", "--defaults-extra-file", "/e",
      "--alter=X", "a.b"},
     "nodef=1;deffile=/f;extra=/e",
     NULL},
    {{"--help"}, "help=1", NULL},
    {{"-V"}, "version=1", NULL},
    {{NULL}, NULL, NULL},
};

/* argv as writable copies, as the kernel gives them. */
static char **make_argv(const char *const *args, int *argc)
{
	char **argv = xcalloc(12, sizeof(*argv));
	int n = 0;

	argv[n++] = xstrdup("osc");
	for (; *args; args++)
		argv[n++] = xstrdup(*args);
	*argc = n;
	return argv;
}

static void free_argv(char **argv, int argc)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

static void test_argv_table(void **state)
{
	const struct argv_case *c;
	struct strbuf err = STRBUF_INIT, summary = STRBUF_INIT;
	int n = 0;

	for (c = argv_cases; c->args[0]; c++, n++) {
		struct osc_options o;
		char label[64];
		char **argv;
		int argc, ret;

		snprintf(label, sizeof(label), "argv case %d (%s)", n,
			 c->args[0]);
		osc_options_init(&o);
		argv = make_argv(c->args, &argc);
		strbuf_reset(&err);
		ret = osc_options_parse_argv(&o, argc, argv, &err);
		if (c->want) {
			if (ret)
				fail_msg("%s: unexpected error: %s", label,
					 err.buf);
			summarize(&o, &summary);
			expect_items(&summary, c->want, label);
		} else {
			if (!ret)
				fail_msg("%s: expected an error", label);
			if (!strstr(err.buf, c->err))
				fail_msg("%s: error '%s' lacks '%s'", label,
					 err.buf, c->err);
			/* No case's password is ever in its error. */
			if (strstr(err.buf, "SECRET"))
				fail_msg("%s: the password is in '%s'", label,
					 err.buf);
			assert_null(strchr(err.buf, '\n'));
		}
		osc_options_release(&o);
		free_argv(argv, argc);
	}
	strbuf_release(&err);
	strbuf_release(&summary);
}

/* The password leaves argv: "-pSECRET" becomes "-px" and NULs. */
static void test_password_wiped(void **state)
{
	static const char *const args[] = {
	    "-pSECRET", "--password=OTHER", "--alter=X", "a.b", NULL,
	};
	struct osc_options o;
	struct strbuf err = STRBUF_INIT;
	char **argv;
	int argc;

	osc_options_init(&o);
	argv = make_argv(args, &argc);
	assert_int_equal(osc_options_parse_argv(&o, argc, argv, &err), 0);
	assert_string_equal(o.password, "OTHER");
	assert_memory_equal(argv[1], "-px\0\0\0\0\0", 9);
	assert_memory_equal(argv[2], "--password=x\0\0\0\0", 17);
	/* A word after a bare -p that is not DB.TABLE is not echoed. */
	free_argv(argv, argc);
	osc_options_release(&o);
	{
		static const char *const bad[] = {"-p", "Secret-1", "a.b",
						  NULL};

		argv = make_argv(bad, &argc);
		strbuf_reset(&err);
		assert_int_equal(osc_options_parse_argv(&o, argc, argv, &err),
				 -1);
		assert_null(strstr(err.buf, "Secret"));
		assert_memory_equal(argv[2], "x\0\0\0\0\0\0\0", 9);
		osc_options_release(&o);
	}
	/* A pt-osc DSN's password: "p=x" in place, the rest kept. */
	free_argv(argv, argc);
	{
		static const char *const dsn[] = {
		    "--alter=X", "h=db1,p=SECRET,D=shop,t=orders", NULL,
		};
		static const char want[] = "h=db1,p=x,D=shop,t=orders";

		argv = make_argv(dsn, &argc);
		assert_int_equal(osc_options_parse_argv(&o, argc, argv, &err),
				 0);
		assert_string_equal(o.password, "SECRET");
		assert_memory_equal(argv[2], want, sizeof(want));
		assert_memory_equal(argv[2] + sizeof(want), "\0\0\0\0\0", 5);
		osc_options_release(&o);
		free_argv(argv, argc);
	}
	/* The early pass reads no password and wipes nothing. */
	argv = make_argv(args, &argc);
	osc_options_release(&o);
	assert_int_equal(osc_options_parse_early(&o, argc, argv, &err), 0);
	assert_null(o.password);
	assert_string_equal(argv[1], "-pSECRET");
	free_argv(argv, argc);
	osc_options_release(&o);
	strbuf_release(&err);
}

/* --no-defaults and friends are taken early; nothing else is. */
static void test_early_pass(void **state)
{
	static const char *const args[] = {
	    "-uroot",	  "--defaults-file",
	    "/etc/x.cnf", "--no-defaults",
	    "--alter=X",  "a.b",
	    NULL,
	};
	struct osc_options o;
	struct strbuf err = STRBUF_INIT;
	char **argv;
	int argc;

	osc_options_init(&o);
	argv = make_argv(args, &argc);
	assert_int_equal(osc_options_parse_early(&o, argc, argv, &err), 0);
	assert_string_equal(o.defaults_file, "/etc/x.cnf");
	assert_int_equal(o.no_defaults, 1);
	assert_null(o.user);
	assert_null(o.alter);
	assert_null(o.table);
	free_argv(argv, argc);
	osc_options_release(&o);
	strbuf_release(&err);
}

static void test_options_check(void **state)
{
	struct osc_options o;
	struct strbuf err = STRBUF_INIT;

	osc_options_init(&o);
	assert_int_equal(osc_options_check(&o, &err), -1);
	assert_non_null(strstr(err.buf, "missing --alter=CLAUSES"));
	o.alter = xstrdup("ADD x INT");
	strbuf_reset(&err);
	assert_int_equal(osc_options_check(&o, &err), -1);
	assert_non_null(strstr(err.buf, "DB.TABLE"));
	o.database = xstrdup("d");
	o.table = xstrdup("t");
	assert_int_equal(osc_options_check(&o, &err), 0);
	/* --resume reads the ALTER from the checkpoint. */
	FREE_AND_NULL(o.alter);
	assert_int_equal(osc_options_check(&o, &err), -1);
	o.resume = 1;
	assert_int_equal(osc_options_check(&o, &err), 0);
	osc_options_release(&o);
	o.show_help = 1;
	assert_int_equal(osc_options_check(&o, &err), 0);
	strbuf_release(&err);
}

struct name_case {
	const char *arg;
	const char *db, *table; /* NULL db: an error */
	const char *err;
};

static const struct name_case name_cases[] = {
    {"shop.orders", "shop", "orders", NULL},
    {"`my.db`.`odd``name`", "my.db", "odd`name", NULL},
    {"`a`.b", "a", "b", NULL},
    {"a.`b.c`", "a", "b.c", NULL},
    {"``````.````", "``", "`", NULL},
    {"caf\xc3\xa9.th\xc3\xa9", "caf\xc3\xa9", "th\xc3\xa9", NULL},
    {"d.t-1", "d", "t-1", NULL},
    {"orders", NULL, NULL, "'orders' is not DB.TABLE"},
    {".t", NULL, NULL, "empty database name"},
    {"d.", NULL, NULL, "empty table name"},
    {"``.t", NULL, NULL, "empty database name"},
    {"d.``", NULL, NULL, "empty table name"},
    {"`d.t", NULL, NULL, "unterminated backtick"},
    {"d.`t", NULL, NULL, "unterminated backtick"},
    {"a.b.c", NULL, NULL, "unexpected text after the table name"},
    {"a`b.c", NULL, NULL, "misplaced backtick"},
    {"`a`x.b", NULL, NULL, "unexpected text after the database name"},
    {"a.`b`c", NULL, NULL, "unexpected text after the table name"},
    {"", NULL, NULL, "is not DB.TABLE"},
};

static void test_qualified_names(void **state)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(name_cases); i++) {
		const struct name_case *c = &name_cases[i];
		char *db = NULL, *table = NULL;
		int ret;

		strbuf_reset(&err);
		ret = osc_parse_qualified_name(c->arg, &db, &table, &err);
		if (c->db) {
			if (ret)
				fail_msg("'%s': %s", c->arg, err.buf);
			assert_string_equal(db, c->db);
			assert_string_equal(table, c->table);
		} else {
			if (!ret)
				fail_msg("'%s': expected an error", c->arg);
			if (!strstr(err.buf, c->err))
				fail_msg("'%s': error '%s' lacks '%s'", c->arg,
					 err.buf, c->err);
			assert_null(db);
			assert_null(table);
		}
		free(db);
		free(table);
	}
	strbuf_release(&err);
}

struct unit_case {
	int size; /* 0: duration (unit 1 s), 1: size */
	const char *text;
	uint64_t want;
	int ok;
};

static const struct unit_case unit_cases[] = {
    {0, "500ms", 500, 1},
    {0, "2s", 2000, 1},
    {0, "1m", 60000, 1},
    {0, "1h", 3600000, 1},
    {0, "1m30s", 90000, 1},
    {0, "1h2m3s4ms", 3723004, 1},
    {0, "5", 5000, 1},
    {0, "0", 0, 1},
    {0, "", 0, 0},
    {0, "5x", 0, 0},
    {0, "ms", 0, 0},
    {0, "1m5", 0, 0},
    {0, "-1s", 0, 0},
    {0, "1.5s", 0, 0},
    {0, "18446744073709551615h", 0, 0},
    {0, "99999999999999999999", 0, 0},
    {1, "4096", 4096, 1},
    {1, "64k", 65536, 1},
    {1, "64K", 65536, 1},
    {1, "16M", 16777216, 1},
    {1, "1G", 1073741824, 1},
    {1, "2t", UINT64_C(2199023255552), 1},
    {1, "1KB", 0, 0},
    {1, "k", 0, 0},
    {1, "", 0, 0},
    {1, "99999999999T", 0, 0},
};

/*
 * One rule for durations (osc(1) OPTIONS): a bare number other than 0
 * needs a unit, except for --connect-timeout (the mysql client's, in
 * seconds). Every duration row of the table is checked, so a new one
 * cannot take a bare number by accident.
 */
static void test_duration_rule(void **state)
{
	const struct osc_option *opt;
	size_t durations = 0;

	for (opt = osc_option_table; opt->long_name; opt++) {
		struct osc_options o;
		struct strbuf err = STRBUF_INIT, arg = STRBUF_INIT;
		char *argv[4];
		int ret;

		if (opt->type != OSC_OPT_DURATION)
			continue;
		durations++;
		osc_options_init(&o);
		strbuf_addf(&arg, "--%s=2000", opt->long_name);
		argv[0] = (char *)"osc";
		argv[1] = arg.buf;
		argv[2] = NULL;
		ret = osc_options_parse_argv(&o, 2, argv, &err);
		if (!strcmp(opt->long_name, "connect-timeout")) {
			if (ret)
				fail_msg("%s: %s", arg.buf, err.buf);
			assert_int_equal(o.connect_timeout_ms, 2000 * 1000);
		} else {
			if (!ret)
				fail_msg("%s: a bare number was taken",
					 arg.buf);
			if (!strstr(err.buf, "give a unit, e.g. 500ms or 2s"))
				fail_msg("%s: %s", arg.buf, err.buf);
		}
		osc_options_release(&o);
		strbuf_release(&err);
		strbuf_release(&arg);
	}
	assert_true(durations >= 9);
	/* A bare 0 is zero in any unit. */
	{
		struct osc_options o;
		struct strbuf err = STRBUF_INIT;
		char *argv[] = {(char *)"osc", (char *)"--max-runtime=0",
				(char *)"--max-lag-unknown=0", NULL};

		osc_options_init(&o);
		o.max_runtime_ms = 5;
		if (osc_options_parse_argv(&o, 3, argv, &err))
			fail_msg("bare 0: %s", err.buf);
		assert_int_equal(o.max_runtime_ms, 0);
		assert_int_equal(o.max_lag_unknown_ms, 0);
		osc_options_release(&o);
		strbuf_release(&err);
	}
}

static void test_units(void **state)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unit_cases); i++) {
		const struct unit_case *c = &unit_cases[i];
		uint64_t v = 12345;
		int ret;

		strbuf_reset(&err);
		ret = c->size ? osc_parse_size("--x", c->text, 0, UINT64_MAX,
					       &v, &err)
			      : osc_parse_duration_ms("--x", c->text, 1000, 0,
						      UINT64_MAX, &v, &err);
		if (c->ok) {
			if (ret)
				fail_msg("'%s': %s", c->text, err.buf);
			assert_int_equal(v, c->want);
		} else {
			if (!ret)
				fail_msg("'%s': accepted as %" PRIu64, c->text,
					 v);
			assert_int_equal(v, 12345);
			assert_non_null(strstr(err.buf, "--x"));
		}
	}
	/* Ranges. */
	strbuf_reset(&err);
	assert_int_equal(
	    osc_parse_size("--s", "2k", 0, 1024, &(uint64_t){0}, &err), -1);
	assert_non_null(strstr(err.buf, "must be between 0 and 1024"));
	strbuf_reset(&err);
	assert_int_equal(osc_parse_u64("--n", "10", 1, 9, &(uint64_t){0}, &err),
			 -1);
	assert_non_null(strstr(err.buf, "must be between 1 and 9"));
	/* Formatting durations. */
	{
		static const struct {
			uint64_t ms;
			const char *text;
		} fmt[] = {
		    {0, "0s"},	      {500, "500ms"},  {1000, "1s"},
		    {90000, "1m30s"}, {3600000, "1h"}, {3723000, "1h2m3s"},
		    {1500, "1500ms"},
		};
		struct strbuf sb = STRBUF_INIT;

		for (i = 0; i < ARRAY_SIZE(fmt); i++) {
			strbuf_reset(&sb);
			osc_format_duration(&sb, fmt[i].ms);
			assert_string_equal(sb.buf, fmt[i].text);
		}
		strbuf_release(&sb);
	}
	assert_int_equal(osc_parse_bool("ON"), 1);
	assert_int_equal(osc_parse_bool("no"), 0);
	assert_int_equal(osc_parse_bool("2"), -1);
	strbuf_release(&err);
}

struct file_case {
	const char *text;
	const char *want; /* summary items, or NULL: error */
	const char *err;
};

static const struct file_case file_cases[] = {
    {"# comment\n"
     "; another\n"
     "\n"
     "[client]\n"
     "host = db1\n"
     "port=3307\n"
     "user = \"osc user\"   # trailing comment\n"
     "password = 'p#ss\\\\word'\n"
     "default-character-set = utf8mb4    # not osc's: ignored\n"
     "  [mysqldump]  \n"
     "quick\n"
     "max_allowed_packet = 16M\n"
     "[OSC]\n"
     "verbose\n"
     "log_format = json\n"
     "loose-future-option = 1\n",
     "host=db1;port=3307;user=osc user;pw=p#ss\\word;v=1;fmt=1", NULL},
    {"[client-server]\nsocket = /run/mysqld/mysqld.sock\n"
     "[client-mariadb]\nuser=m\n[mysql]\nuser=ignored\n",
     "socket=/run/mysqld/mysqld.sock;user=m", NULL},
    {"[client]\nuser = a\\sb\\tc\n", "user=a b\tc", NULL},
    {"[client]\nuser = a\\qb\n", "user=a\\qb", NULL},
    {"[client]\npassword\n", "prompt=1;pw=(null)", NULL},
    {"[client]\npassword=\n", "prompt=0;pw=", NULL},
    {"[client]\nexecute\nverbose\nlog-format=xml\n", "exec=0;v=0;fmt=0", NULL},
    {"[client]\nssl\n[osc]\nskip-ssl\n", "ssl=1", NULL},
    {"[client]\nssl-mode=REQUIRED\nssl_ca=/c\n", "ssl=2;ca=/c", NULL},
    {"[osc]\nconnect_timeout = 30\n", "timeout=30000", NULL},
    {"[osc]\nmax_lag = 1500\n", NULL,
     "invalid value '1500' for 'max-lag' (t.cnf:2): give a unit"},
    {"[osc]\nmigrate-on-replica\n", NULL, "only accepted on the command"},
    {"[osc]\nhost=\"a\" # quoted then comment\n", "host=a", NULL},
    {"[osc]\nfrobnicate = 1\n", NULL,
     "t.cnf:2: unknown option 'frobnicate' in group [osc]"},
    {"[osc]\nexecute\n", NULL,
     "t.cnf:2: option 'execute' is only accepted on the command line"},
    {"[osc]\nalter = ADD x INT\n", NULL, "only accepted on the command"},
    {"[osc]\ndefaults-file = /x\n", NULL, "only accepted on the command"},
    {"host=x\n", NULL, "t.cnf:1: option before the first [group] line"},
    {"[client\nhost=x\n", NULL, "t.cnf:1: group line without ']'"},
    {"[]\n", NULL, "empty group name"},
    {"[osc] x\n", NULL, "text after ']'"},
    {"[osc]\nport = 'abc\n", NULL, "unterminated quoted value"},
    {"[osc]\nport = 'abc' x\n", NULL, "text after the closing quote"},
    {"[osc]\nport = 99999\n", NULL,
     "invalid value '99999' for 'port' (t.cnf:2): must be between"},
    {"[osc]\nport\n", NULL, "option 'port' needs a value"},
    {"[osc]\n= 3\n", NULL, "option without a name"},
    {"[osc]\n!include /nonexistent/osc-test.cnf\n", NULL,
     "cannot read option file '/nonexistent/osc-test.cnf'"},
    {"[osc]\n!frobnicate x\n", NULL, "unknown directive"},
    {"[osc]\n!include\n", NULL, "unknown directive"},
};

static void test_file_table(void **state)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct strbuf summary = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(file_cases); i++) {
		const struct file_case *c = &file_cases[i];
		struct osc_options o;
		char label[32];
		int ret;

		snprintf(label, sizeof(label), "file case %zu", i);
		osc_options_init(&o);
		strbuf_reset(&err);
		ret = osc_options_parse_file_text(&o, "t.cnf", c->text, &warn,
						  &err);
		if (c->want) {
			if (ret)
				fail_msg("%s: %s", label, err.buf);
			summarize(&o, &summary);
			expect_items(&summary, c->want, label);
		} else {
			if (!ret)
				fail_msg("%s: expected an error", label);
			if (!strstr(err.buf, c->err))
				fail_msg("%s: error '%s' lacks '%s'", label,
					 err.buf, c->err);
			/* No case's password is ever in its error. */
			if (strstr(err.buf, "SECRET"))
				fail_msg("%s: the password is in '%s'", label,
					 err.buf);
		}
		osc_options_release(&o);
	}
	strbuf_release(&err);
	strbuf_release(&warn);
	strbuf_release(&summary);
}

static char tmpdir[64];

static void write_file(const char *name, const char *text, mode_t mode)
{
	struct strbuf path = STRBUF_INIT;
	FILE *f;

	strbuf_addf(&path, "%s/%s", tmpdir, name);
	f = fopen(path.buf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path.buf, mode), 0);
	strbuf_release(&path);
}

static void remove_tree(void)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
}

/* Files on disk: includes, precedence, world-writable files. */
static void test_files_on_disk(void **state)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct strbuf path = STRBUF_INIT, summary = STRBUF_INIT;
	struct osc_options o;
	char **argv;
	int argc;
	static const char *const args[] = {"-P", "2", "--alter=X", "a.b", NULL};

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/osc-unit.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	strbuf_addf(&path, "%s/d", tmpdir);
	assert_int_equal(mkdir(path.buf, 0700), 0);
	write_file("main.cnf",
		   "[client]\nuser=main\nport=1\n!include sub.cnf\n"
		   "!includedir d\n[osc]\nquiet\n",
		   0600);
	write_file("sub.cnf", "[client]\nhost=sub\n", 0600);
	write_file("d/b.cnf", "[client]\nuser=b\n", 0600);
	write_file("d/a.cnf", "[client]\nuser=a\nsocket=/a\n", 0600);
	write_file("d/c.txt", "[osc]\nnot an option\n", 0600);
	write_file("open.cnf", "[client]\nuser=intruder\n", 0666);
	write_file("loop.cnf", "[client]\n!include loop.cnf\n", 0600);

	/* Includes in order (d/a then d/b), then argv overrides files. */
	osc_options_init(&o);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/main.cnf", tmpdir);
	o.defaults_file = xstrdup(path.buf);
	assert_int_equal(
	    osc_options_read_files(&o, "/nonexistent", &warn, &err), 0);
	argv = make_argv(args, &argc);
	assert_int_equal(osc_options_parse_argv(&o, argc, argv, &err), 0);
	summarize(&o, &summary);
	expect_items(&summary, "user=b;host=sub;socket=/a;port=2;v=-1",
		     "includes");
	assert_int_equal(warn.len, 0);
	free_argv(argv, argc);
	osc_options_release(&o);

	/* A world-writable file is skipped with a warning. */
	osc_options_init(&o);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/open.cnf", tmpdir);
	assert_int_equal(osc_options_read_file(&o, path.buf, 1, &warn, &err),
			 0);
	assert_null(o.user);
	assert_non_null(strstr(warn.buf, "writable by everyone"));
	osc_options_release(&o);

	/* A file including itself stops. */
	osc_options_init(&o);
	strbuf_reset(&path);
	strbuf_reset(&err);
	strbuf_addf(&path, "%s/loop.cnf", tmpdir);
	assert_int_equal(osc_options_read_file(&o, path.buf, 1, &warn, &err),
			 -1);
	assert_non_null(strstr(err.buf, "include each other"));
	osc_options_release(&o);

	/* HOME/.my.cnf, after --defaults-extra-file; --no-defaults. */
	write_file(".my.cnf", "[client]\nuser=home\n", 0600);
	write_file("extra.cnf", "[client]\nuser=extra\nhost=extra\n", 0600);
	osc_options_init(&o);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/extra.cnf", tmpdir);
	o.defaults_extra_file = xstrdup(path.buf);
	assert_int_equal(osc_options_read_files(&o, tmpdir, &warn, &err), 0);
	assert_string_equal(o.user, "home");
	assert_string_equal(o.host, "extra");
	osc_options_release(&o);
	osc_options_init(&o);
	o.no_defaults = 1;
	assert_int_equal(osc_options_read_files(&o, tmpdir, &warn, &err), 0);
	assert_null(o.user);
	osc_options_release(&o);

	/* A missing --defaults-file is an error. */
	osc_options_init(&o);
	strbuf_reset(&err);
	o.defaults_file = xstrdup("/nonexistent/osc.cnf");
	assert_int_equal(osc_options_read_files(&o, NULL, &warn, &err), -1);
	assert_non_null(strstr(err.buf, "cannot read option file"));
	osc_options_release(&o);

	remove_tree();
	strbuf_release(&err);
	strbuf_release(&warn);
	strbuf_release(&path);
	strbuf_release(&summary);
}

/* Every row is well formed: the help text and the parser depend on it. */
static void test_table_rows(void **state)
{
	const struct osc_option *opt, *other;
	struct strbuf help = STRBUF_INIT;

	for (opt = osc_option_table; opt->long_name; opt++) {
		if (opt->type == OSC_OPT_SECTION)
			continue;
		assert_non_null(opt->help);
		assert_true(islower((unsigned char)opt->help[0]) ||
			    isupper((unsigned char)opt->help[1]));
		assert_int_not_equal(opt->help[strlen(opt->help) - 1], '.');
		if (opt->type == OSC_OPT_STRING || opt->type == OSC_OPT_U64 ||
		    opt->type == OSC_OPT_ENUM || opt->type == OSC_OPT_PASSWORD)
			assert_non_null(opt->argname);
		if (opt->type == OSC_OPT_ENUM)
			assert_non_null(opt->choices);
		assert_ptr_equal(
		    osc_option_find(opt->long_name, strlen(opt->long_name)),
		    opt);
		for (other = opt + 1; other->long_name; other++) {
			if (other->type == OSC_OPT_SECTION)
				continue;
			assert_string_not_equal(opt->long_name,
						other->long_name);
			if (opt->short_name)
				assert_int_not_equal(opt->short_name,
						     other->short_name);
		}
	}
	osc_options_help(&help);
	assert_non_null(strstr(help.buf, "usage: osc"));
	assert_non_null(strstr(help.buf, "  -p, --password[=PASS]"));
	assert_non_null(strstr(help.buf, "      --alter=CLAUSES"));
	{
		/* 80 columns. */
		const char *p = help.buf;

		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			if (len > 80)
				fail_msg("help line over 80 columns: %.*s",
					 (int)len, p);
			p += len + (nl ? 1 : 0);
		}
	}
	strbuf_release(&help);
}

/* struct db_options gets the connection values. */
static void test_to_db(void **state)
{
	static const char *const args[] = {
	    "-hh",	    "-P3307",
	    "-uu",	    "-ppw",
	    "-S/s",	    "--ssl-mode=REQUIRED",
	    "--ssl-key=/k", "--connect-timeout=1500ms",
	    "--alter=X",    "a.b",
	    NULL,
	};
	struct osc_options o;
	struct db_options db;
	struct strbuf err = STRBUF_INIT;
	char **argv;
	int argc;

	osc_options_init(&o);
	argv = make_argv(args, &argc);
	assert_int_equal(osc_options_parse_argv(&o, argc, argv, &err), 0);
	osc_options_to_db(&o, &db);
	assert_string_equal(db.host, "h");
	assert_int_equal(db.port, 3307);
	assert_string_equal(db.user, "u");
	assert_string_equal(db.password, "pw");
	assert_string_equal(db.socket, "/s");
	assert_int_equal(db.ssl_mode, DB_SSL_REQUIRED);
	assert_string_equal(db.ssl_key, "/k");
	assert_int_equal(db.connect_timeout_s, 2);
	free_argv(argv, argc);
	osc_options_release(&o);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_argv_table),
	    cmocka_unit_test(test_password_wiped),
	    cmocka_unit_test(test_early_pass),
	    cmocka_unit_test(test_options_check),
	    cmocka_unit_test(test_qualified_names),
	    cmocka_unit_test(test_units),
	    cmocka_unit_test(test_duration_rule),
	    cmocka_unit_test(test_file_table),
	    cmocka_unit_test(test_files_on_disk),
	    cmocka_unit_test(test_table_rows),
	    cmocka_unit_test(test_to_db),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
