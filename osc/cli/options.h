/*
 * options.h: the command line, the option files and the option table.
 *
 * Every option of osc is one row of the table in options.c. The table
 * drives the command-line parser, the option-file reader ([client] and
 * [osc] groups), value validation (ranges, durations, sizes, choices) and
 * `osc --help`; man/osc.1 and README.md list the same options and a test
 * (tests/e2e/t1001-osc-docs.sh) fails when they disagree.
 *
 * Adding an option:
 *   1. add a field to struct osc_options (osc/migrate/settings.h: the run
 *      owns the values, this module fills them; units in its name:
 *      `max_lag_ms`, `chunk_rows`), and its default in osc_options_init();
 *   2. add a row to the table in options.c, under its help section, with
 *      one of the OPT_* macros (OPT_U64, OPT_DURATION, OPT_STRING, ...);
 *   3. describe it in man/osc.1 (OPTIONS) and in README.md (option table).
 * Nothing else: parsing, `--opt=value`/`--opt value`, option files, range
 * checks and --help follow from the row.
 *
 * Precedence, lowest first: option files (in the order read), MYSQL_PWD
 * (only for the password, only when nothing else gave one), the command
 * line. Options that change what a run does to a table (--alter,
 * --execute) are refused in option files.
 *
 * Parsing is pure: it prints nothing, exits never, and returns -1 with one
 * line in `err` for a usage error. Only osc_options_wipe_arg() writes to
 * argv: it overwrites a password in place so that ps(1) does not show it.
 */
#ifndef OSC_OSC_OPTIONS_H
#define OSC_OSC_OPTIONS_H

#include <stddef.h>
#include "util/compat.h"
#include <stdint.h>
#include "osc/migrate/settings.h"
#include "util/strbuf.h"

enum osc_opt_type {
	OSC_OPT_SECTION,  /* not an option: a heading in --help */
	OSC_OPT_BOOL,	  /* int 0/1; --skip-NAME sets 0 */
	OSC_OPT_COUNT,	  /* int, +1 per use (-vv) */
	OSC_OPT_STRING,	  /* char *, owned by the struct */
	OSC_OPT_PASSWORD, /* char *, value optional: without one, prompt */
	OSC_OPT_U64,	  /* uint64_t in [min, max] */
	OSC_OPT_DURATION, /* uint64_t milliseconds; 500ms, 2s, 1m, 1h */
	OSC_OPT_SIZE,	  /* uint64_t bytes; 512, 64k, 16M, 1G */
	OSC_OPT_ENUM,	  /* int, one of `choices` */
};

enum osc_opt_flags {
	/* Also read from the [client] group of option files. */
	OSC_OPT_CLIENT = 1 << 0,
	/* Command line only: refused in option files. */
	OSC_OPT_CMDLINE = 1 << 1,
	/* Handled before option files are read (--defaults-file, ...). */
	OSC_OPT_EARLY = 1 << 2,
	/* A secret (STRING): wiped from argv, zeroed when released. */
	OSC_OPT_SECRET = 1 << 3,
};

struct osc_opt_choice {
	const char *name; /* matched case-insensitively */
	int value;
};

struct osc_option;

/*
 * A row may name a callback instead of a field: it gets the checked value
 * (for a BOOL "1" or "0") and returns 0, or -1 with a line in err.
 */
typedef int (*osc_opt_cb)(struct osc_options *opts,
			  const struct osc_option *opt, const char *value,
			  struct strbuf *err);

struct osc_option {
	enum osc_opt_type type;
	const char *long_name; /* without the dashes; help text for SECTION */
	char short_name;       /* 0: none */
	size_t offset;	       /* of the field in struct osc_options */
	const char *argname;   /* shown in --help: HOST, N, DURATION */
	const char *help;      /* one line, lowercase */
	unsigned int flags;    /* enum osc_opt_flags */
	uint64_t min, max;     /* U64/SIZE: the range; DURATION: in ms */
	/* DURATION: unit of a bare number (1000: s); 0: a bare number other
	 * than 0 is refused ("give a unit"). One rule for every duration:
	 * only an option whose unit is fixed outside osc takes a bare
	 * number (--connect-timeout, the mysql client's, in seconds). */
	uint64_t unit_ms;
	const struct osc_opt_choice *choices; /* ENUM, ended by {NULL} */
	osc_opt_cb cb; /* when set, called instead of storing */
};

/* The table, ended by a row with type SECTION and long_name NULL. */
extern const struct osc_option osc_option_table[];

/* Defaults; no allocation. */
void osc_options_init(struct osc_options *opts);
/* Free every string (the password is zeroed first); opts is re-inited. */
void osc_options_release(struct osc_options *opts);

/* Where a value comes from: decides what is allowed and how errors read. */
enum osc_opt_source {
	OSC_SRC_CMDLINE,
	OSC_SRC_FILE_CLIENT, /* [client], [client-server], [client-mariadb] */
	OSC_SRC_FILE_OSC,    /* [osc] */
};

/* The row for a long name (dashes or underscores), or NULL. */
const struct osc_option *osc_option_find(const char *name, size_t len);

/*
 * Set one option from an option file. `name` may use '_' for '-' and may
 * have the "loose-" prefix (an unknown loose option is ignored and *ignored
 * is set); `value` is NULL for a bare key. In a [client] group only
 * OSC_OPT_CLIENT options are taken, the rest are ignored (*ignored set),
 * because that group is shared with every other client program. `where`
 * ("file:line") prefixes errors.
 */
int osc_options_set_from_file(struct osc_options *opts, enum osc_opt_source src,
			      const char *name, const char *value,
			      const char *where, int *ignored,
			      struct strbuf *err) OSC_WARN_UNUSED;

/*
 * Parse the command line (argv[0] is skipped). Short options may be
 * bundled (-vv, -qv) and take their value attached or as the next
 * argument (-uroot, -u root), except -p, whose value must be attached
 * (-pSECRET; -p alone prompts), as with the mysql client. Long options
 * take --name=value or --name value; a BOOL takes --skip-NAME. "--" ends
 * the options. The one operand is DB.TABLE. A password found in argv is
 * overwritten in place. Returns 0, or -1 with a usage error in err.
 */
int osc_options_parse_argv(struct osc_options *opts, int argc, char **argv,
			   struct strbuf *err) OSC_WARN_UNUSED;

/*
 * Find --no-defaults, --defaults-file and --defaults-extra-file on the
 * command line before the option files are read. Returns 0 or -1 (err).
 */
int osc_options_parse_early(struct osc_options *opts, int argc, char **argv,
			    struct strbuf *err) OSC_WARN_UNUSED;

/*
 * After every source: the checks that need all of them (--alter and
 * DB.TABLE given, unless --help or --version). Returns 0 or -1 (err).
 */
int osc_options_check(const struct osc_options *opts,
		      struct strbuf *err) OSC_WARN_UNUSED;

/*
 * Read the option files: none with --no-defaults; only --defaults-file
 * (then --defaults-extra-file) when given; otherwise /etc/my.cnf,
 * /etc/mysql/my.cnf, --defaults-extra-file and HOME/.my.cnf, in that order,
 * later values winning. Groups [client], [client-server] and
 * [client-mariadb] give connection options (other keys there are
 * ignored); [osc] gives any option that is not command-line only, and an
 * unknown key there is an error. Missing default files are skipped;
 * warnings (a world-writable file) are appended to warn, one per line.
 */
int osc_options_read_files(struct osc_options *opts, const char *home,
			   struct strbuf *warn,
			   struct strbuf *err) OSC_WARN_UNUSED;
/* One file, or text standing for one (tests), with the groups as above. */
int osc_options_read_file(struct osc_options *opts, const char *path,
			  int must_exist, struct strbuf *warn,
			  struct strbuf *err) OSC_WARN_UNUSED;
int osc_options_parse_file_text(struct osc_options *opts, const char *path,
				const char *text, struct strbuf *warn,
				struct strbuf *err) OSC_WARN_UNUSED;

/*
 * The effective values of the options that shape a run (copy, cut-over,
 * throttling, operations, --connect-timeout), one "name=value" line each
 * with durations in units (1500ms, 2s, 1m30s), for the dry run's
 * settings block.
 */
void osc_options_settings(const struct osc_options *opts, struct strbuf *out);

/* The text of `osc --help`. */
void osc_options_help(struct strbuf *out);

/*
 * Parse "DB.TABLE" where either part may be backtick-quoted with doubled
 * backticks inside (`my.db`.`odd``name`). An unquoted part holds no dot or
 * backtick. Both parts must be non-empty. Returns 0 with *db and *table
 * allocated, or -1 with err.
 */
int osc_parse_qualified_name(const char *arg, char **db, char **table,
			     struct strbuf *err) OSC_WARN_UNUSED;

/*
 * Value parsers, exposed for tests and for later options.
 * Durations: numbers with units ms, s, m, h, added up (1m30s); a bare
 * number alone is unit_ms milliseconds each, or, when unit_ms is 0,
 * refused unless it is 0; sizes: a number with an optional k, M, G, T
 * (1024).
 * Each returns 0, or -1 with a line in err naming `what`.
 */
int osc_parse_u64(const char *what, const char *s, uint64_t min, uint64_t max,
		  uint64_t *out, struct strbuf *err);
int osc_parse_duration_ms(const char *what, const char *s, uint64_t unit_ms,
			  uint64_t min_ms, uint64_t max_ms, uint64_t *out,
			  struct strbuf *err);
int osc_parse_size(const char *what, const char *s, uint64_t min, uint64_t max,
		   uint64_t *out, struct strbuf *err);
/* 1 or 0 for 1/0, on/off, true/false, yes/no; -1 otherwise. */
int osc_parse_bool(const char *s);

#endif
