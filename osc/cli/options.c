/*
 * options.c: the option table and everything it drives (see options.h).
 *
 * The table below is the single list of osc's options. Rows are grouped
 * under SECTION rows, which become the headings of `osc --help`; the
 * parser, the option-file reader, the value checks and the help text all
 * walk the same rows. The connection options follow the mysql client
 * (names, short letters, -pSECRET attached, -p alone prompting) because
 * that is what a DBA types without thinking.
 */
#include "util/compat.h"
#include "osc/cli/options.h"
#include "osc/cli/optfile.h"
#include "util/log.h"
#include "util/wrapper.h"

#include <strings.h>

#define FIELD(f) offsetof(struct osc_options, f)

#define OPT_SECTION(title)                                                     \
	{                                                                      \
		.type = OSC_OPT_SECTION, .long_name = (title)                  \
	}
#define OPT_BOOL(l, s, f, fl, h)                                               \
	{                                                                      \
		.type = OSC_OPT_BOOL, .long_name = (l), .short_name = (s),     \
		.offset = FIELD(f), .flags = (fl), .help = (h)                 \
	}
#define OPT_BOOL_CB(l, s, c, fl, h)                                            \
	{                                                                      \
		.type = OSC_OPT_BOOL, .long_name = (l), .short_name = (s),     \
		.cb = (c), .flags = (fl), .help = (h)                          \
	}
#define OPT_COUNT(l, s, f, fl, h)                                              \
	{                                                                      \
		.type = OSC_OPT_COUNT, .long_name = (l), .short_name = (s),    \
		.offset = FIELD(f), .flags = (fl), .help = (h)                 \
	}
#define OPT_STRING(l, s, f, a, fl, h)                                          \
	{                                                                      \
		.type = OSC_OPT_STRING, .long_name = (l), .short_name = (s),   \
		.offset = FIELD(f), .argname = (a), .flags = (fl), .help = (h) \
	}
#define OPT_STRING_CB(l, s, c, a, fl, h)                                       \
	{                                                                      \
		.type = OSC_OPT_STRING, .long_name = (l), .short_name = (s),   \
		.cb = (c), .argname = (a), .flags = (fl), .help = (h)          \
	}
#define OPT_PASSWORD(l, s, f, a, fl, h)                                        \
	{                                                                      \
		.type = OSC_OPT_PASSWORD, .long_name = (l), .short_name = (s), \
		.offset = FIELD(f), .argname = (a), .flags = (fl), .help = (h) \
	}
#define OPT_U64(l, s, f, a, lo, hi, fl, h)                                     \
	{                                                                      \
		.type = OSC_OPT_U64, .long_name = (l), .short_name = (s),      \
		.offset = FIELD(f), .argname = (a), .min = (lo), .max = (hi),  \
		.flags = (fl), .help = (h)                                     \
	}
#define OPT_U64_CB(l, s, c, a, lo, hi, fl, h)                                  \
	{                                                                      \
		.type = OSC_OPT_U64, .long_name = (l), .short_name = (s),      \
		.cb = (c), .argname = (a), .min = (lo), .max = (hi),           \
		.flags = (fl), .help = (h)                                     \
	}
#define OPT_DURATION(l, s, f, unit, lo, hi, fl, h)                             \
	{                                                                      \
		.type = OSC_OPT_DURATION, .long_name = (l), .short_name = (s), \
		.offset = FIELD(f), .argname = "DURATION", .unit_ms = (unit),  \
		.min = (lo), .max = (hi), .flags = (fl), .help = (h)           \
	}
#define OPT_DURATION_CB(l, s, c, unit, lo, hi, fl, h)                          \
	{                                                                      \
		.type = OSC_OPT_DURATION, .long_name = (l), .short_name = (s), \
		.cb = (c), .argname = "DURATION", .unit_ms = (unit),           \
		.min = (lo), .max = (hi), .flags = (fl), .help = (h)           \
	}
#define OPT_SIZE(l, s, f, lo, hi, fl, h)                                       \
	{                                                                      \
		.type = OSC_OPT_SIZE, .long_name = (l), .short_name = (s),     \
		.offset = FIELD(f), .argname = "SIZE", .min = (lo),            \
		.max = (hi), .flags = (fl), .help = (h)                        \
	}
#define OPT_ENUM(l, s, f, a, ch, fl, h)                                        \
	{                                                                      \
		.type = OSC_OPT_ENUM, .long_name = (l), .short_name = (s),     \
		.offset = FIELD(f), .argname = (a), .choices = (ch),           \
		.flags = (fl), .help = (h)                                     \
	}

static const struct osc_opt_choice log_format_choices[] = {
    {"text", LOG_FORMAT_TEXT},
    {"json", LOG_FORMAT_JSON},
    {NULL, 0},
};

static const struct osc_opt_choice triggers_choices[] = {
    {"carry", OSC_TRIGGERS_CARRY},
    {"refuse", OSC_TRIGGERS_REFUSE},
    {NULL, 0},
};

/* MySQL's --ssl-mode names; PREFERRED is the library's default. */
static const struct osc_opt_choice ssl_mode_choices[] = {
    {"DISABLED", DB_SSL_DISABLED},
    {"PREFERRED", DB_SSL_DEFAULT},
    {"REQUIRED", DB_SSL_REQUIRED},
    {"VERIFY_CA", DB_SSL_VERIFY_CA},
    {"VERIFY_IDENTITY", DB_SSL_VERIFY_IDENTITY},
    {NULL, 0},
};

/* --instant (enum osc_instant in settings.h). */
static const struct osc_opt_choice instant_choices[] = {
    {"never", OSC_INSTANT_NEVER},
    {"auto", OSC_INSTANT_AUTO},
    {"only", OSC_INSTANT_ONLY},
    {NULL, 0},
};

/* --ssl / --skip-ssl (MariaDB's spelling of --ssl-mode). */
static int set_ssl(struct osc_options *o, const struct osc_option *opt,
		   const char *value, struct strbuf *err)
{
	o->ssl_mode = !strcmp(value, "1") ? DB_SSL_REQUIRED : DB_SSL_DISABLED;
	return 0;
}

static int set_ssl_verify(struct osc_options *o, const struct osc_option *opt,
			  const char *value, struct strbuf *err)
{
	if (!strcmp(value, "1"))
		o->ssl_mode = DB_SSL_VERIFY_IDENTITY;
	else if (o->ssl_mode == DB_SSL_VERIFY_IDENTITY ||
		 o->ssl_mode == DB_SSL_VERIFY_CA)
		o->ssl_mode = DB_SSL_REQUIRED;
	return 0;
}

static int set_quiet(struct osc_options *o, const struct osc_option *opt,
		     const char *value, struct strbuf *err)
{
	o->verbosity = !strcmp(value, "1") ? -1 : 0;
	return 0;
}

/*
 * --chunk-size fixes the chunk size, --chunk-time makes it adapt: the
 * later of the two wins (the command line after option files), so either
 * can undo the other. The values were range-checked before the callback.
 */
static int set_chunk_size(struct osc_options *o, const struct osc_option *opt,
			  const char *value, struct strbuf *err)
{
	o->chunk_rows = strtoull(value, NULL, 10);
	o->chunk_rows_fixed = 1;
	return 0;
}

static int set_chunk_time(struct osc_options *o, const struct osc_option *opt,
			  const char *value, struct strbuf *err)
{
	o->chunk_rows_fixed = 0;
	return osc_parse_duration_ms(opt->long_name, value, opt->unit_ms,
				     opt->min, opt->max, &o->chunk_time_ms,
				     err);
}

static int add_replica(struct osc_options *o, const struct osc_option *opt,
		       const char *value, struct strbuf *err)
{
	return throttle_replica_parse(&o->replicas, value, err);
}

static int add_ignore_replica(struct osc_options *o,
			      const struct osc_option *opt, const char *value,
			      struct strbuf *err)
{
	return throttle_replica_parse(&o->ignore_replicas, value, err);
}

static int add_galera_node(struct osc_options *o,
			   const struct osc_option *opt, const char *value,
			   struct strbuf *err)
{
	return throttle_replica_parse(&o->galera_nodes, value, err);
}

/* --max-flow-ctl: a fraction of time, 0..1 (pt-online-schema-change's). */
static int set_max_flow_ctl(struct osc_options *o,
			    const struct osc_option *opt, const char *value,
			    struct strbuf *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (errno || end == value || *end || !(v >= 0 && v <= 1)) {
		strbuf_addf(err, "--%s takes a fraction of time from 0 to 1 "
			    "(0.1: paused a tenth of the time), not '%s'",
			    opt->long_name, value);
		return -1;
	}
	o->max_flow_ctl = v;
	o->max_flow_ctl_set = 1;
	return 0;
}

/* A load spec, checked now and kept in its canonical form. */
static int set_load_spec(char **field, const struct osc_option *opt,
			 const char *value, struct strbuf *err)
{
	struct throttle_load_spec spec = THROTTLE_LOAD_SPEC_INIT;
	struct strbuf text = STRBUF_INIT;

	if (throttle_load_spec_parse(&spec, value, opt->long_name, err) < 0)
		return -1;
	throttle_load_spec_format(&spec, &text);
	throttle_load_spec_release(&spec);
	free(*field);
	*field = strbuf_detach(&text, NULL);
	return 0;
}

static int set_max_load(struct osc_options *o, const struct osc_option *opt,
			const char *value, struct strbuf *err)
{
	return set_load_spec(&o->max_load, opt, value, err);
}

static int set_critical_load(struct osc_options *o,
			     const struct osc_option *opt, const char *value,
			     struct strbuf *err)
{
	return set_load_spec(&o->critical_load, opt, value, err);
}

/*
 * The option table. Keep each section's rows in the order --help should
 * show them; add the engine's, the throttle's and the operations' options
 * as new sections (see options.h for the three steps).
 */
const struct osc_option osc_option_table[] = {
    OPT_SECTION("Migration"),
    OPT_STRING("alter", 0, alter, "CLAUSES", OSC_OPT_CMDLINE,
	       "what follows ALTER TABLE t (required)"),
    OPT_BOOL("execute", 0, execute, OSC_OPT_CMDLINE,
	     "migrate; without it, only check (a dry run)"),
    OPT_BOOL("migrate-on-replica", 0, migrate_on_replica, OSC_OPT_CMDLINE,
	     "allow a read_only server or a replica (only\n"
	     "it changes, not its primary)"),
    OPT_BOOL("resume", 0, resume, OSC_OPT_CMDLINE,
	     "go on from the checkpoint of an interrupted\n"
	     "run (--alter may then be left out)"),

    OPT_SECTION("Copy and cut-over"),
    OPT_DURATION_CB("chunk-time", 0, set_chunk_time, 0, 10, 60 * 1000, 0,
		    "adapt the chunk size so that a chunk takes\n"
		    "about this long [500ms]"),
    OPT_U64_CB("chunk-size", 0, set_chunk_size, "ROWS", 1, 10000000, 0,
	       "fix the rows per chunk (no adapting)"),
    OPT_U64("chunk-size-min", 0, chunk_rows_min, "ROWS", 1, 10000000, 0,
	    "smallest adapted chunk [100]"),
    OPT_U64("chunk-size-max", 0, chunk_rows_max, "ROWS", 1, 10000000, 0,
	    "largest adapted chunk [100000]"),
    OPT_SIZE("chunk-size-max-bytes", 0, chunk_max_bytes, 65536,
	     UINT64_C(1) << 32, 0,
	     "largest adapted chunk in bytes, from the\n"
	     "table's average row length [32M]"),
    OPT_DURATION("cut-over-lock-timeout", 0, cut_over_lock_timeout_ms, 0,
		 1000, 3600 * 1000, 0,
		 "writers wait at most this, per attempt [2s]"),
    OPT_U64("cut-over-retries", 0, cut_over_retries, "N", 0, 1000, 0,
	    "cut-over attempts after a failed one [10]"),
    OPT_BOOL("no-drop-old-table", 0, no_drop_old_table, 0,
	     "keep the original table as _t_old"),
    OPT_ENUM("instant", 0, instant, "WHEN", instant_choices, 0,
	     "ALTER in place with ALGORITHM=INSTANT when\n"
	     "the server can (auto), or refuse (only);\n"
	     "never: always copy [auto]"),
    OPT_ENUM("triggers", 0, triggers, "MODE", triggers_choices, 0,
	     "carry [default]: the table's triggers move to\n"
	     "the new table under the cut-over lock; refuse"),
    OPT_BOOL("verify", 0, verify, 0,
	     "before the cut-over, compare the table and\n"
	     "the ghost chunk by chunk [on]; --no-verify"),
    OPT_BOOL("verify-repair", 0, verify_repair, 0,
	     "copy a chunk that differs again and compare\n"
	     "it again, up to 3 times [on]; without it the\n"
	     "first difference aborts"),

    OPT_SECTION("Throttling"),
    OPT_DURATION("max-lag", 0, max_lag_ms, 0, 100, 3600 * 1000, 0,
		 "pause the copy while a replica lags more\n"
		 "[1500ms]"),
    OPT_DURATION("max-lag-unknown", 0, max_lag_unknown_ms, 0, 0,
		 24 * 3600 * 1000, 0,
		 "abort when a replica cannot be reached for\n"
		 "this long (0: pause for ever) [60s]"),
    OPT_STRING_CB("replica", 0, add_replica, "HOST[:PORT]", 0,
		  "a replica to watch (repeatable)"),
    OPT_BOOL("discover-replicas", 0, discover_replicas, 0,
	     "also watch the replicas the server lists [on]"),
    OPT_STRING_CB("ignore-replica", 0, add_ignore_replica, "HOST[:PORT]", 0,
		  "never watch this replica (repeatable)"),
    OPT_STRING_CB("galera-node", 0, add_galera_node, "HOST[:PORT]", 0,
		  "a Galera node to watch for flow control\n"
		  "(repeatable) [wsrep_incoming_addresses]"),
    OPT_STRING_CB("max-flow-ctl", 0, set_max_flow_ctl, "FRACTION", 0,
		  "pause while Galera flow control held a node\n"
		  "more than this fraction of the time (0..1;\n"
		  "0: any) [off]"),
    OPT_STRING("replica-user", 0, replica_user, "USER", 0,
	       "user on the replicas [--user]"),
    OPT_STRING("replica-password", 0, replica_password, "PASS", OSC_OPT_SECRET,
	       "password on the replicas [--password]"),
    OPT_STRING_CB("max-load", 0, set_max_load, "VAR=N,...", 0,
		  "pause while a status variable is over N\n"
		  "[" OSC_DEFAULT_MAX_LOAD "]; '' turns it off"),
    OPT_STRING_CB("critical-load", 0, set_critical_load, "VAR=N,...", 0,
		  "abort when a status variable is over N"),
    OPT_U64("critical-load-hits", 0, critical_load_hits, "K", 1, 1000, 0,
	    "consecutive checks over it before aborting [3]"),
    OPT_STRING("throttle-flag-file", 0, throttle_flag_file, "PATH", 0,
	       "pause the copy while this file exists"),
    OPT_STRING("throttle-query", 0, throttle_query, "SQL", 0,
	       "pause while it returns non-zero (on the primary)"),
    OPT_DURATION("heartbeat-interval", 0, heartbeat_interval_ms, 0, 50, 1000, 0,
		 "how often the lag heartbeat is written [100ms]"),

    OPT_SECTION("Watching and controlling the run"),
    OPT_DURATION("status-interval", 0, status_interval_ms, 0, 1000,
		 3600 * 1000, 0,
		 "status line (not on a terminal) and on-status\n"
		 "hook every DURATION [30s]"),
    OPT_STRING("status-socket", 0, status_socket, "PATH", 0,
	       "serve status and commands on this unix socket"),
    OPT_STRING("postpone-cut-over-flag-file", 0, postpone_cut_over_flag_file,
	       "PATH", 0, "after the copy, wait while this file exists"),
    OPT_STRING("panic-flag-file", 0, panic_flag_file, "PATH", 0,
	       "abort and clean up when this file appears"),
    OPT_STRING("hooks-dir", 0, hooks_dir, "DIR", 0,
	       "run the executables in DIR named after events"),
    OPT_DURATION("hook-timeout", 0, hook_timeout_ms, 0, 1000,
		 3600 * 1000, 0, "kill a hook that runs longer [60s]"),
    OPT_DURATION("max-runtime", 0, max_runtime_ms, 0, 0,
		 366ULL * 24 * 3600 * 1000, 0,
		 "abort and clean up after DURATION (0: never) [0]"),

    OPT_SECTION("Connection (also read from [client] in option files)"),
    OPT_STRING("host", 'h', host, "HOST", OSC_OPT_CLIENT,
	       "server host name or address [localhost]"),
    OPT_U64("port", 'P', port, "PORT", 0, 65535, OSC_OPT_CLIENT,
	    "TCP port [3306]"),
    OPT_STRING("user", 'u', user, "USER", OSC_OPT_CLIENT,
	       "user name [your login name]"),
    OPT_PASSWORD("password", 'p', password, "PASS", OSC_OPT_CLIENT,
		 "password: -pPASS attached; -p alone prompts"),
    OPT_STRING("socket", 'S', socket, "PATH", OSC_OPT_CLIENT,
	       "the socket file for connections to localhost"),
    OPT_DURATION("connect-timeout", 0, connect_timeout_ms, 1000, 1000,
		 3600 * 1000, OSC_OPT_CLIENT,
		 "give up connecting after this long [10s]"),
    OPT_BOOL_CB("ssl", 0, set_ssl, OSC_OPT_CLIENT,
		"require TLS; --skip-ssl turns TLS off"),
    OPT_ENUM("ssl-mode", 0, ssl_mode, "MODE", ssl_mode_choices, OSC_OPT_CLIENT,
	     "DISABLED, PREFERRED, REQUIRED, VERIFY_CA,\n"
	     "VERIFY_IDENTITY"),
    OPT_STRING("ssl-ca", 0, ssl_ca, "FILE", OSC_OPT_CLIENT,
	       "certificate authority file (PEM)"),
    OPT_STRING("ssl-capath", 0, ssl_capath, "DIR", OSC_OPT_CLIENT,
	       "folder of certificate authority files"),
    OPT_STRING("ssl-cert", 0, ssl_cert, "FILE", OSC_OPT_CLIENT,
	       "client certificate file (PEM)"),
    OPT_STRING("ssl-key", 0, ssl_key, "FILE", OSC_OPT_CLIENT,
	       "client private key file (PEM)"),
    OPT_STRING("ssl-cipher", 0, ssl_cipher, "LIST", OSC_OPT_CLIENT,
	       "permitted TLS ciphers"),
    OPT_STRING("ssl-crl", 0, ssl_crl, "FILE", OSC_OPT_CLIENT,
	       "certificate revocation list file"),
    OPT_BOOL_CB("ssl-verify-server-cert", 0, set_ssl_verify, OSC_OPT_CLIENT,
		"verify the server certificate and name"),

    OPT_SECTION("Option files"),
    OPT_STRING("defaults-file", 0, defaults_file, "FILE",
	       OSC_OPT_CMDLINE | OSC_OPT_EARLY, "read only this option file"),
    OPT_STRING("defaults-extra-file", 0, defaults_extra_file, "FILE",
	       OSC_OPT_CMDLINE | OSC_OPT_EARLY,
	       "also read this file, after the global ones"),
    OPT_BOOL("no-defaults", 0, no_defaults, OSC_OPT_CMDLINE | OSC_OPT_EARLY,
	     "read no option file"),

    OPT_SECTION("Output"),
    OPT_BOOL_CB("quiet", 'q', set_quiet, 0, "show only errors and warnings"),
    OPT_COUNT("verbose", 'v', verbosity, 0,
	      "say more: -v decisions, -vv every SQL statement"),
    OPT_ENUM("log-format", 0, log_format, "FORMAT", log_format_choices, 0,
	     "text [default] or json (one object per line)"),
    OPT_STRING("summary-json", 0, summary_json, "PATH", 0,
	       "write the run's outcome to PATH as one JSON\n"
	       "object when it ends"),
    OPT_STRING("history", 0, history, "DB.TABLE", 0,
	       "record each --execute run (start, end,\n"
	       "ALTER, outcome) as a row of DB.TABLE"),
    OPT_BOOL("help", 0, show_help, OSC_OPT_CMDLINE, "show this help and exit"),
    OPT_BOOL("version", 'V', show_version, OSC_OPT_CMDLINE,
	     "show the version and exit"),

    {.type = OSC_OPT_SECTION, .long_name = NULL},
};

#define FOR_EACH_OPTION(o)                                                     \
	for ((o) = osc_option_table; (o)->long_name; (o)++)                    \
		if ((o)->type != OSC_OPT_SECTION)

void osc_options_init(struct osc_options *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = 10 * 1000;
	o->chunk_rows = 1000;
	o->chunk_time_ms = 500;
	o->chunk_rows_min = 100;
	o->chunk_rows_max = 100000;
	o->chunk_max_bytes = UINT64_C(32) << 20;
	o->max_lag_ms = THROTTLE_DEFAULT_MAX_LAG_MS;
	o->max_lag_unknown_ms = 60 * 1000;
	o->discover_replicas = 1;
	o->critical_load_hits = THROTTLE_DEFAULT_CRITICAL_HITS;
	o->heartbeat_interval_ms = 100;
	o->cut_over_lock_timeout_ms = 2000;
	o->cut_over_retries = 10;
	o->status_interval_ms = 30 * 1000;
	o->hook_timeout_ms = 60 * 1000;
	o->ssl_mode = DB_SSL_DEFAULT;
	o->log_format = LOG_FORMAT_TEXT;
	/* Issue 15: instant when the server can (--instant=never copies). */
	o->instant = OSC_INSTANT_AUTO;
	o->verify = 1;
	o->verify_repair = 1;
}

static void free_secret(char **p)
{
	if (*p) {
		volatile char *s = *p;

		while (*s)
			*s++ = '\0';
		FREE_AND_NULL(*p);
	}
}

void osc_options_release(struct osc_options *o)
{
	const struct osc_option *opt;

	FOR_EACH_OPTION(opt)
	{
		char **field;

		if (opt->cb || (opt->type != OSC_OPT_STRING &&
				opt->type != OSC_OPT_PASSWORD))
			continue;
		field = (char **)((char *)o + opt->offset);
		if (opt->type == OSC_OPT_PASSWORD ||
		    (opt->flags & OSC_OPT_SECRET))
			free_secret(field);
		else
			FREE_AND_NULL(*field);
	}
	/* What the callbacks keep. */
	throttle_replica_list_release(&o->replicas);
	throttle_replica_list_release(&o->ignore_replicas);
	throttle_replica_list_release(&o->galera_nodes);
	free(o->max_load);
	free(o->critical_load);
	free(o->database);
	free(o->table);
	osc_options_init(o);
}

/* Compare an option name, taking '_' for '-' (my.cnf files use both). */
static int name_eq(const char *opt, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = name[i] == '_' ? '-' : name[i];

		if (!opt[i] || opt[i] != c)
			return 0;
	}
	return !opt[len];
}

const struct osc_option *osc_option_find(const char *name, size_t len)
{
	const struct osc_option *opt;

	FOR_EACH_OPTION(opt)
	if (name_eq(opt->long_name, name, len))
		return opt;
	return NULL;
}

static const struct osc_option *find_short(char c)
{
	const struct osc_option *opt;

	FOR_EACH_OPTION(opt)
	if (opt->short_name && opt->short_name == c)
		return opt;
	return NULL;
}

static int takes_value(const struct osc_option *opt)
{
	switch (opt->type) {
	case OSC_OPT_STRING:
	case OSC_OPT_U64:
	case OSC_OPT_DURATION:
	case OSC_OPT_SIZE:
	case OSC_OPT_ENUM:
		return 1;
	default:
		return 0;
	}
}

int osc_parse_bool(const char *s)
{
	static const char *const yes[] = {"1", "on", "true", "yes"};
	static const char *const no[] = {"0", "off", "false", "no"};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++)
		if (!strcasecmp(s, yes[i]))
			return 1;
	for (i = 0; i < ARRAY_SIZE(no); i++)
		if (!strcasecmp(s, no[i]))
			return 0;
	return -1;
}

/* Digits at *p into *out; advances *p. -1 on no digit or overflow. */
static int parse_digits(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

static void range_error(struct strbuf *err, const char *what, const char *s,
			const char *lo, const char *hi)
{
	strbuf_addf(err,
		    "invalid value '%s' for %s: must be between %s and "
		    "%s",
		    s, what, lo, hi);
}

int osc_parse_u64(const char *what, const char *s, uint64_t min, uint64_t max,
		  uint64_t *out, struct strbuf *err)
{
	const char *p = s;
	uint64_t v;
	char lo[32], hi[32];

	if (parse_digits(&p, &v) < 0 || *p) {
		strbuf_addf(err,
			    "invalid value '%s' for %s: not a whole "
			    "number",
			    s, what);
		return -1;
	}
	if (v < min || v > max) {
		snprintf(lo, sizeof(lo), "%" PRIu64, min);
		snprintf(hi, sizeof(hi), "%" PRIu64, max);
		range_error(err, what, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int osc_parse_duration_ms(const char *what, const char *s, uint64_t unit_ms,
			  uint64_t min_ms, uint64_t max_ms, uint64_t *out,
			  struct strbuf *err)
{
	static const struct {
		const char *name;
		uint64_t ms;
	} units[] = {
	    {"ms", 1},
	    {"s", 1000},
	    {"m", 60000},
	    {"h", 3600000},
	};
	const char *p = s;
	uint64_t total = 0;
	int parts = 0;

	while (*p) {
		uint64_t n, mult = 0;
		size_t i, best = 0;

		if (parse_digits(&p, &n) < 0)
			goto bad;
		/* The longest unit that matches ("ms" before "m"). */
		for (i = 0; i < ARRAY_SIZE(units); i++) {
			size_t len = strlen(units[i].name);

			if (!strncmp(p, units[i].name, len) && len > best) {
				best = len;
				mult = units[i].ms;
			}
		}
		if (!best) {
			/* A bare number: only alone, in the row's unit. */
			if (*p || parts)
				goto bad;
			if (!unit_ms && n)
				goto no_unit;
			mult = unit_ms;
		}
		p += best;
		if (n && mult > UINT64_MAX / n)
			goto bad;
		if (total > UINT64_MAX - n * mult)
			goto bad;
		total += n * mult;
		parts++;
	}
	if (!parts)
		goto bad;
	if (total < min_ms || total > max_ms) {
		struct strbuf lo = STRBUF_INIT, hi = STRBUF_INIT;

		osc_format_duration(&lo, min_ms);
		osc_format_duration(&hi, max_ms);
		range_error(err, what, s, lo.buf, hi.buf);
		strbuf_release(&lo);
		strbuf_release(&hi);
		return -1;
	}
	*out = total;
	return 0;
bad:
	strbuf_addf(err,
		    "invalid value '%s' for %s: not a duration "
		    "(e.g. 500ms, 2s, 1m, 1h30m)",
		    s, what);
	return -1;
no_unit:
	strbuf_addf(err,
		    "invalid value '%s' for %s: give a unit, e.g. 500ms or "
		    "2s (a bare number is ambiguous)",
		    s, what);
	return -1;
}

int osc_parse_size(const char *what, const char *s, uint64_t min, uint64_t max,
		   uint64_t *out, struct strbuf *err)
{
	const char *p = s;
	uint64_t v, mult = 1;

	if (parse_digits(&p, &v) < 0)
		goto bad;
	switch (tolower((unsigned char)*p)) {
	case '\0':
		break;
	case 'k':
		mult = UINT64_C(1) << 10;
		break;
	case 'm':
		mult = UINT64_C(1) << 20;
		break;
	case 'g':
		mult = UINT64_C(1) << 30;
		break;
	case 't':
		mult = UINT64_C(1) << 40;
		break;
	default:
		goto bad;
	}
	if (*p && p[1])
		goto bad;
	if (v && mult > UINT64_MAX / v)
		goto bad;
	v *= mult;
	if (v < min || v > max) {
		char lo[32], hi[32];

		snprintf(lo, sizeof(lo), "%" PRIu64, min);
		snprintf(hi, sizeof(hi), "%" PRIu64, max);
		range_error(err, what, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
bad:
	strbuf_addf(err,
		    "invalid value '%s' for %s: not a size "
		    "(e.g. 4096, 64k, 16M, 1G)",
		    s, what);
	return -1;
}

static void *field_of(struct osc_options *o, const struct osc_option *opt)
{
	return (char *)o + opt->offset;
}

/* The sections whose values change what a run does once it runs. */
static int shows_in_settings(const char *section)
{
	static const char *const shown[] = {
	    "Copy and cut-over",
	    "Throttling",
	    "Watching and controlling the run",
	};
	size_t i;

	for (i = 0; section && i < ARRAY_SIZE(shown); i++)
		if (!strcmp(section, shown[i]))
			return 1;
	return 0;
}

void osc_options_settings(const struct osc_options *o, struct strbuf *out)
{
	const struct osc_option *opt;
	const char *section = NULL;
	struct osc_options *w = (struct osc_options *)o; /* field_of only */

	for (opt = osc_option_table; opt->long_name; opt++) {
		uint64_t v;

		if (opt->type == OSC_OPT_SECTION) {
			section = opt->long_name;
			continue;
		}
		if (!shows_in_settings(section) &&
		    strcmp(opt->long_name, "connect-timeout"))
			continue;
		switch (opt->type) {
		case OSC_OPT_DURATION:
			v = opt->cb ? o->chunk_time_ms
				    : *(uint64_t *)field_of(w, opt);
			strbuf_addf(out, "%s=", opt->long_name);
			osc_format_duration(out, v);
			if (opt->cb && o->chunk_rows_fixed)
				strbuf_addstr(out, " (off: --chunk-size)");
			strbuf_addch(out, '\n');
			break;
		case OSC_OPT_U64:
			v = opt->cb ? o->chunk_rows
				    : *(uint64_t *)field_of(w, opt);
			strbuf_addf(out, "%s=%" PRIu64 "%s\n", opt->long_name, v,
				    !opt->cb	       ? ""
				    : o->chunk_rows_fixed ? " (fixed)"
							  : " (first chunk)");
			break;
		case OSC_OPT_BOOL:
			if (opt->cb)
				break;
			strbuf_addf(out, "%s=%s\n", opt->long_name,
				    *(int *)field_of(w, opt) ? "on" : "off");
			break;
		default:
			break;
		}
	}
	strbuf_addf(out, "max-load=%s\n",
		    !o->max_load    ? OSC_DEFAULT_MAX_LOAD
		    : *o->max_load ? o->max_load
				   : "off");
	strbuf_addf(out, "critical-load=%s\n",
		    o->critical_load && *o->critical_load ? o->critical_load
							  : "off");
	if (o->max_flow_ctl_set)
		strbuf_addf(out, "max-flow-ctl=%g\n", o->max_flow_ctl);
	else
		strbuf_addstr(out, "max-flow-ctl=off\n");
}

/*
 * Store `value` (NULL: none given) into the option's field. `negate` is
 * set for --skip-NAME. `what` names the option in errors.
 */
static int apply(struct osc_options *o, const struct osc_option *opt,
		 const char *value, int negate, const char *what,
		 struct strbuf *err)
{
	uint64_t u;
	int b;

	switch (opt->type) {
	case OSC_OPT_SECTION:
		BUG("section row applied");
	case OSC_OPT_BOOL:
		b = 1;
		if (value) {
			b = osc_parse_bool(value);
			if (b < 0) {
				strbuf_addf(err,
					    "invalid value '%s' for %s: "
					    "expected 1 or 0",
					    value, what);
				return -1;
			}
		}
		if (negate)
			b = !b;
		if (opt->cb)
			return opt->cb(o, opt, b ? "1" : "0", err);
		*(int *)field_of(o, opt) = b;
		return 0;
	case OSC_OPT_COUNT:
		if (value) {
			strbuf_addf(err, "%s takes no value", what);
			return -1;
		}
		(*(int *)field_of(o, opt))++;
		return 0;
	case OSC_OPT_STRING:
	case OSC_OPT_PASSWORD: {
		char **f = field_of(o, opt);

		if (opt->type == OSC_OPT_PASSWORD) {
			free_secret(f);
			o->password_prompt = !value;
			if (value)
				*f = xstrdup(value);
			return 0;
		}
		if (opt->cb)
			return opt->cb(o, opt, value, err);
		free(*f);
		*f = xstrdup(value);
		return 0;
	}
	case OSC_OPT_U64:
		if (osc_parse_u64(what, value, opt->min, opt->max, &u, err))
			return -1;
		break;
	case OSC_OPT_DURATION:
		if (osc_parse_duration_ms(what, value, opt->unit_ms, opt->min,
					  opt->max, &u, err))
			return -1;
		break;
	case OSC_OPT_SIZE:
		if (osc_parse_size(what, value, opt->min, opt->max, &u, err))
			return -1;
		break;
	case OSC_OPT_ENUM: {
		const struct osc_opt_choice *c;

		for (c = opt->choices; c->name; c++)
			if (!strcasecmp(c->name, value))
				break;
		if (!c->name) {
			strbuf_addf(err,
				    "invalid value '%s' for %s: expected "
				    "one of ",
				    value, what);
			for (c = opt->choices; c->name; c++)
				strbuf_addf(err, "%s%s",
					    c == opt->choices ? "" : ", ",
					    c->name);
			return -1;
		}
		if (opt->cb)
			return opt->cb(o, opt, c->name, err);
		*(int *)field_of(o, opt) = c->value;
		return 0;
	}
	}
	if (opt->cb)
		return opt->cb(o, opt, value, err);
	*(uint64_t *)field_of(o, opt) = u;
	return 0;
}

/*
 * Look a long name up, with the mysql client's prefixes: skip-/disable-
 * negate a BOOL, enable- affirms it, loose- makes an unknown name
 * harmless. Returns the row or NULL; *negate and *loose are set.
 */
static const struct osc_option *lookup_long(const char *name, size_t len,
					    int *negate, int *loose)
{
	static const struct {
		const char *prefix;
		int negate;
	} bool_prefixes[] = {
	    {"skip-", 1},
	    {"disable-", 1},
	    /* --no-verify: the spelling of osc's own switches */
	    {"no-", 1},
	    {"enable-", 0},
	};
	const struct osc_option *opt;
	size_t i;

	*negate = 0;
	*loose = 0;
	if (len > 6 && !strncmp(name, "loose", 5) &&
	    (name[5] == '-' || name[5] == '_')) {
		*loose = 1;
		name += 6;
		len -= 6;
	}
	opt = osc_option_find(name, len);
	if (opt)
		return opt;
	for (i = 0; i < ARRAY_SIZE(bool_prefixes); i++) {
		size_t plen = strlen(bool_prefixes[i].prefix);

		if (len <= plen ||
		    strncmp(name, bool_prefixes[i].prefix, plen - 1) ||
		    (name[plen - 1] != '-' && name[plen - 1] != '_'))
			continue;
		opt = osc_option_find(name + plen, len - plen);
		if (opt && opt->type == OSC_OPT_BOOL) {
			*negate = bool_prefixes[i].negate;
			return opt;
		}
	}
	return NULL;
}

int osc_options_set_from_file(struct osc_options *o, enum osc_opt_source src,
			      const char *name, const char *value,
			      const char *where, int *ignored,
			      struct strbuf *err)
{
	const struct osc_option *opt;
	struct strbuf what = STRBUF_INIT;
	int negate, loose, ret;

	*ignored = 0;
	opt = lookup_long(name, strlen(name), &negate, &loose);
	if (!opt ||
	    (src == OSC_SRC_FILE_CLIENT && !(opt->flags & OSC_OPT_CLIENT))) {
		/*
		 * [client] is shared by every client program; keys meant
		 * for them are none of osc's business.
		 */
		if (src == OSC_SRC_FILE_CLIENT || loose) {
			*ignored = 1;
			return 0;
		}
		strbuf_addf(err, "%s: unknown option '%s' in group [osc]",
			    where, name);
		return -1;
	}
	if (opt->flags & OSC_OPT_CMDLINE) {
		if (src == OSC_SRC_FILE_CLIENT) {
			*ignored = 1;
			return 0;
		}
		strbuf_addf(err,
			    "%s: option '%s' is only accepted on the "
			    "command line",
			    where, opt->long_name);
		return -1;
	}
	strbuf_addf(&what, "'%s' (%s)", opt->long_name, where);
	if (!value && takes_value(opt)) {
		strbuf_addf(err, "%s: option '%s' needs a value", where,
			    opt->long_name);
		strbuf_release(&what);
		return -1;
	}
	ret = apply(o, opt, value, negate, what.buf, err);
	strbuf_release(&what);
	return ret;
}

/* Overwrite a secret in argv so that ps(1) and /proc do not show it. */
static void wipe_arg(char *s)
{
	if (*s) {
		*s++ = 'x';
		while (*s)
			*s++ = '\0';
	}
}

/* "did you mean" for a mistyped long option: the one it is a prefix of. */
static void suggest(struct strbuf *err, const char *name, size_t len)
{
	const struct osc_option *opt, *found = NULL;

	FOR_EACH_OPTION(opt)
	{
		if (!strncmp(opt->long_name, name, len)) {
			if (found)
				return;
			found = opt;
		}
	}
	if (found)
		strbuf_addf(err, "; did you mean '--%s'?", found->long_name);
}

/*
 * A pt-online-schema-change DSN as the table argument:
 * "h=db1,P=3306,u=osc,p=SECRET,D=shop,t=orders". A DBA moving from pt-osc
 * types it without thinking, and the error used to echo it, password and
 * all. It can never be a DB.TABLE (an unquoted name holds no '='), so it
 * is recognised by its first key, taken apart, and its password wiped
 * from argv like -pSECRET's. Every message shows it with p=... masked.
 */
static int is_dsn(const char *arg)
{
	return isalpha((unsigned char)arg[0]) && arg[1] == '=';
}

/* `arg` with each p= value replaced by "***", for messages. */
static void add_dsn_masked(struct strbuf *out, const char *arg)
{
	const char *p = arg;

	while (*p) {
		const char *end = strchrnul(p, ',');

		if (p[0] == 'p' && p[1] == '=')
			strbuf_addstr(out, "p=***");
		else
			strbuf_add(out, p, (size_t)(end - p));
		if (!*end)
			break;
		strbuf_addch(out, ',');
		p = end + 1;
	}
}

/* The argument as it may be shown: a DSN masked, anything else as is. */
static const char *shown_arg(struct strbuf *sb, const char *arg)
{
	strbuf_reset(sb);
	if (is_dsn(arg))
		add_dsn_masked(sb, arg);
	else
		strbuf_addstr(sb, arg);
	return sb->buf;
}

/* Overwrite each p= value of the DSN in argv with "x" (ps, /proc). */
static void wipe_dsn_password(char *arg)
{
	char *p = arg;

	while (*p) {
		char *end = strchrnul(p, ',');

		if (p[0] == 'p' && p[1] == '=' && end > p + 2) {
			size_t tail = strlen(end) + 1, gone;

			p[2] = 'x';
			gone = (size_t)(end - (p + 3));
			memmove(p + 3, end, tail);
			memset(p + 3 + tail, '\0', gone);
			end = p + 3;
		}
		if (!*end)
			break;
		p = end + 1;
	}
}

static int add_dsn(struct osc_options *o, char *arg, struct strbuf *err)
{
	static const struct {
		char key;
		const char *option;
	} keys[] = {
	    {'h', "host"}, {'P', "port"}, {'u', "user"},
	    {'p', "password"}, {'S', "socket"},
	};
	struct strbuf copy = STRBUF_INIT, shown = STRBUF_INIT;
	char *d = NULL, *t = NULL, *p, *end;
	int ret = -1;

	strbuf_addstr(&copy, arg);
	wipe_dsn_password(arg);
	add_dsn_masked(&shown, copy.buf);
	for (p = copy.buf; *p; p = end + 1) {
		const struct osc_option *opt = NULL;
		char what[32];
		size_t i;
		int last;

		end = strchrnul(p, ',');
		last = !*end;
		*end = '\0';
		if (!isalpha((unsigned char)p[0]) || p[1] != '=') {
			strbuf_addf(err,
				    "cannot read the DSN '%s': '%s' is not "
				    "KEY=VALUE",
				    shown.buf, p[0] == 'p' ? "p..." : p);
			goto out;
		}
		if (p[0] == 'D' || p[0] == 't') {
			char **field = p[0] == 'D' ? &d : &t;

			free(*field);
			*field = xstrdup(p + 2);
		} else {
			for (i = 0; i < ARRAY_SIZE(keys); i++)
				if (keys[i].key == p[0])
					opt = osc_option_find(
					    keys[i].option,
					    strlen(keys[i].option));
			if (!opt) {
				strbuf_addf(err,
					    "the DSN '%s' has key '%c', which "
					    "osc does not take: give DB.TABLE "
					    "and the connection options (-h, "
					    "-P, -u, -p, -S, --defaults-file)",
					    shown.buf, p[0]);
				goto out;
			}
			snprintf(what, sizeof(what), "%c= of the DSN", p[0]);
			if (apply(o, opt, p + 2, 0, what, err) < 0)
				goto out;
		}
		if (last)
			break;
	}
	if (!d || !*d || !t || !*t) {
		strbuf_addf(err,
			    "the DSN '%s' names no %s: give D=DB,t=TABLE in "
			    "it, or DB.TABLE",
			    shown.buf, !d || !*d ? "database (D=)" : "table (t=)");
		goto out;
	}
	free(o->database);
	free(o->table);
	o->database = d;
	o->table = t;
	d = t = NULL;
	ret = 0;
out:
	free(d);
	free(t);
	/* The copy held the password too. */
	memset(copy.buf, 0, copy.alloc);
	strbuf_release(&copy);
	strbuf_release(&shown);
	return ret;
}

static int add_operand(struct osc_options *o, char *arg, struct strbuf *err)
{
	struct strbuf shown = STRBUF_INIT;

	if (o->table) {
		strbuf_addf(err, "unexpected argument '%s': give one DB.TABLE",
			    shown_arg(&shown, arg));
		if (is_dsn(arg))
			wipe_dsn_password(arg);
		strbuf_release(&shown);
		return -1;
	}
	if (is_dsn(arg))
		return add_dsn(o, arg, err);
	return osc_parse_qualified_name(arg, &o->database, &o->table, err);
}

/* One long option at argv[*i] (without the dashes in `arg`). */
static int parse_long(struct osc_options *o, int early, int argc, char **argv,
		      int *i, char *arg, struct strbuf *err)
{
	char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct osc_option *opt;
	struct strbuf what = STRBUF_INIT;
	const char *value = eq ? eq + 1 : NULL;
	int negate, loose, ret = 0, apply_it;

	opt = lookup_long(arg, len, &negate, &loose);
	if (!opt) {
		if (loose)
			return 0;
		strbuf_addf(err, "unknown option '--%.*s'", (int)len, arg);
		suggest(err, arg, len);
		return -1;
	}
	strbuf_addf(&what, "--%s", opt->long_name);
	if (!value && takes_value(opt)) {
		if (*i + 1 >= argc) {
			strbuf_addf(err, "option '%s' needs a value", what.buf);
			ret = -1;
			goto out;
		}
		value = argv[++*i];
	}
	if (value && (opt->type == OSC_OPT_COUNT || negate)) {
		strbuf_addf(err, "option '--%.*s' takes no value", (int)len,
			    arg);
		ret = -1;
		goto out;
	}
	apply_it = early ? !!(opt->flags & OSC_OPT_EARLY) : 1;
	if (apply_it)
		ret = apply(o, opt, value, negate, what.buf, err);
	if (!early && opt->type == OSC_OPT_PASSWORD && eq)
		wipe_arg(eq + 1);
	else if (!early && (opt->flags & OSC_OPT_SECRET) && value)
		wipe_arg(eq ? eq + 1 : argv[*i]);
out:
	strbuf_release(&what);
	return ret;
}

/* A cluster of short options at argv[*i], without the dash in `arg`. */
static int parse_short(struct osc_options *o, int early, int argc, char **argv,
		       int *i, char *arg, struct strbuf *err)
{
	for (; *arg; arg++) {
		const struct osc_option *opt = find_short(*arg);
		char what[] = {'-', *arg, '\0'};
		const char *value = NULL;
		int ret;

		if (!opt) {
			strbuf_addf(err, "unknown option '-%c'", *arg);
			return -1;
		}
		if (opt->type == OSC_OPT_PASSWORD) {
			/* -pSECRET, or -p alone to prompt (never -p SECRET). */
			value = arg[1] ? arg + 1 : NULL;
			ret = early ? 0 : apply(o, opt, value, 0, what, err);
			if (!early && value)
				wipe_arg(arg + 1);
			return ret;
		}
		if (takes_value(opt)) {
			if (arg[1])
				value = arg + 1;
			else if (*i + 1 < argc)
				value = argv[++*i];
			else {
				strbuf_addf(err, "option '-%c' needs a value",
					    *arg);
				return -1;
			}
		}
		if (!early || (opt->flags & OSC_OPT_EARLY)) {
			if (apply(o, opt, value, 0, what, err) < 0)
				return -1;
		}
		if (value)
			return 0;
	}
	return 0;
}

/*
 * "-p SECRET" is a mistake the mysql client shares: -p alone prompts and
 * SECRET becomes an operand. When the word after a bare -p is not a valid
 * DB.TABLE, it may well be a password: wipe it and do not echo it.
 */
static int add_operand_after_bare_password(struct osc_options *o, char *arg,
					   struct strbuf *err)
{
	struct strbuf ignored = STRBUF_INIT;
	int ret = add_operand(o, arg, &ignored);

	strbuf_release(&ignored);
	if (ret < 0) {
		wipe_arg(arg);
		strbuf_addstr(err,
			      "the word after -p is not DB.TABLE (not "
			      "shown: it may be a password); -p takes its "
			      "value attached, as -pPASS, and alone it asks "
			      "for the password");
	}
	return ret;
}

static int parse_args(struct osc_options *o, int early, int argc, char **argv,
		      struct strbuf *err)
{
	int i, operands_only = 0, after_bare_pw = 0;

	for (i = 1; i < argc; i++) {
		char *arg = argv[i];
		int bare_pw = after_bare_pw;

		after_bare_pw = !operands_only && (!strcmp(arg, "-p") ||
						   !strcmp(arg, "--password"));
		if (operands_only || arg[0] != '-' || !arg[1]) {
			if (early)
				continue;
			if (bare_pw
				? add_operand_after_bare_password(o, arg, err)
				: add_operand(o, arg, err))
				return -1;
			continue;
		}
		if (!strcmp(arg, "--")) {
			operands_only = 1;
			continue;
		}
		if (arg[1] == '-') {
			if (parse_long(o, early, argc, argv, &i, arg + 2, err))
				return -1;
		} else if (parse_short(o, early, argc, argv, &i, arg + 1,
				       err)) {
			return -1;
		}
	}
	return 0;
}

int osc_options_parse_early(struct osc_options *o, int argc, char **argv,
			    struct strbuf *err)
{
	return parse_args(o, 1, argc, argv, err);
}

int osc_options_parse_argv(struct osc_options *o, int argc, char **argv,
			   struct strbuf *err)
{
	return parse_args(o, 0, argc, argv, err);
}

int osc_options_check(const struct osc_options *o, struct strbuf *err)
{
	if (o->show_help || o->show_version)
		return 0;
	if (!o->alter && !o->resume) {
		strbuf_addstr(err,
			      "missing --alter=CLAUSES: say what to change, "
			      "e.g. --alter='ADD COLUMN note TEXT'");
		return -1;
	}
	if (!o->table) {
		strbuf_addstr(err, "missing the table to change: give it as "
				   "DB.TABLE");
		return -1;
	}
	if (o->chunk_rows_min > o->chunk_rows_max) {
		strbuf_addf(err,
			    "--chunk-size-min=%" PRIu64 " is over "
			    "--chunk-size-max=%" PRIu64 ": give a range",
			    o->chunk_rows_min, o->chunk_rows_max);
		return -1;
	}
	if (o->instant == OSC_INSTANT_ONLY && o->no_drop_old_table) {
		/* An instant ALTER changes the table in place: no old one. */
		strbuf_addstr(err, "--instant=only cannot keep the old table: "
				   "an instant ALTER changes the table in "
				   "place; drop --no-drop-old-table or use "
				   "--instant=auto");
		return -1;
	}
	return 0;
}

#define HELP_COLUMN 32

void osc_options_help(struct strbuf *out)
{
	const struct osc_option *opt;
	const char *p;

	strbuf_addstr(
	    out,
	    "usage: osc [OPTIONS] --alter=CLAUSES DB.TABLE\n"
	    "       osc [OPTIONS] --resume [--execute] DB.TABLE\n"
	    "\n"
	    "Change the schema of a live MySQL or MariaDB table without "
	    "blocking its\n"
	    "writers. Without --execute, osc checks everything and prints "
	    "what it\n"
	    "would do (a dry run). DB and TABLE may be backtick-quoted.\n");
	for (opt = osc_option_table; opt->long_name; opt++) {
		size_t start = out->len;

		if (opt->type == OSC_OPT_SECTION) {
			strbuf_addf(out, "\n%s:\n", opt->long_name);
			continue;
		}
		if (opt->short_name)
			strbuf_addf(out, "  -%c, ", opt->short_name);
		else
			strbuf_addstr(out, "      ");
		strbuf_addf(out, "--%s", opt->long_name);
		if (opt->type == OSC_OPT_PASSWORD)
			strbuf_addf(out, "[=%s]", opt->argname);
		else if (takes_value(opt))
			strbuf_addf(out, "=%s", opt->argname);
		if (out->len - start + 2 > HELP_COLUMN) {
			strbuf_addch(out, '\n');
			start = out->len;
		}
		strbuf_addchars(out, ' ', HELP_COLUMN - (out->len - start));
		/* A '\n' in the help continues it under the same column. */
		for (p = opt->help; *p; p++) {
			strbuf_addch(out, *p);
			if (*p == '\n')
				strbuf_addchars(out, ' ', HELP_COLUMN);
		}
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(
	    out, "\nOption files: /etc/my.cnf, /etc/mysql/my.cnf, "
		 "--defaults-extra-file, ~/.my.cnf\n"
		 "(groups [client], [client-server], [client-mariadb], [osc]). "
		 "See osc(1).\n"
		 "Exit status: 0 done, 1 failed (table untouched), 2 usage, "
		 "3 interrupted,\n4 cleanup incomplete.\n");
}

/*
 * One part of DB.TABLE at *p: `quoted` (doubled backticks inside) or a
 * plain run up to the next dot. Appends the name to out; advances *p.
 */
static int parse_name_part(const char **p, struct strbuf *out, const char *arg,
			   struct strbuf *err)
{
	const char *s = *p;

	if (*s == '`') {
		for (s++;; s++) {
			if (!*s) {
				strbuf_addf(
				    err, "unterminated backtick in '%s'", arg);
				return -1;
			}
			if (*s == '`') {
				if (s[1] != '`')
					break;
				s++;
			}
			strbuf_addch(out, *s);
		}
		s++;
	} else {
		for (; *s && *s != '.'; s++) {
			if (*s == '`') {
				strbuf_addf(err,
					    "misplaced backtick in '%s': "
					    "quote the whole name, e.g. "
					    "`my.db`.`t`",
					    arg);
				return -1;
			}
			strbuf_addch(out, *s);
		}
	}
	*p = s;
	return 0;
}

int osc_parse_qualified_name(const char *arg, char **db, char **table,
			     struct strbuf *err)
{
	struct strbuf d = STRBUF_INIT, t = STRBUF_INIT;
	const char *p = arg;

	if (parse_name_part(&p, &d, arg, err) < 0)
		goto fail;
	if (*p != '.') {
		if (*p)
			strbuf_addf(err,
				    "unexpected text after the database "
				    "name in '%s'",
				    arg);
		else
			strbuf_addf(err,
				    "'%s' is not DB.TABLE: give the "
				    "database too (e.g. shop.%s)",
				    arg, arg);
		goto fail;
	}
	p++;
	if (parse_name_part(&p, &t, arg, err) < 0)
		goto fail;
	if (*p) {
		strbuf_addf(err,
			    "unexpected text after the table name in "
			    "'%s' (quote names holding dots with backticks)",
			    arg);
		goto fail;
	}
	if (!d.len || !t.len) {
		strbuf_addf(err, "empty %s name in '%s'",
			    d.len ? "table" : "database", arg);
		goto fail;
	}
	free(*db);
	free(*table);
	*db = strbuf_detach(&d, NULL);
	*table = strbuf_detach(&t, NULL);
	return 0;
fail:
	strbuf_release(&d);
	strbuf_release(&t);
	return -1;
}

/* Groups of option files that osc reads, and how strictly. */
static int group_source(const char *group, enum osc_opt_source *src)
{
	static const char *const client_groups[] = {
	    "client",
	    "client-server",
	    "client-mariadb",
	};
	size_t i;

	if (!strcmp(group, "osc")) {
		*src = OSC_SRC_FILE_OSC;
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(client_groups); i++) {
		if (!strcmp(group, client_groups[i])) {
			*src = OSC_SRC_FILE_CLIENT;
			return 1;
		}
	}
	return 0;
}

struct file_ctx {
	struct osc_options *opts;
	struct strbuf *warn;
};

static int file_option(void *data, const char *group, const char *key,
		       const char *value, const char *where, struct strbuf *err)
{
	struct file_ctx *ctx = data;
	enum osc_opt_source src;
	int ignored;

	if (!group_source(group, &src))
		return 0;
	if (osc_options_set_from_file(ctx->opts, src, key, value, where,
				      &ignored, err) < 0)
		return -1;
	if (ignored && src == OSC_SRC_FILE_OSC && ctx->warn)
		strbuf_addf(ctx->warn,
			    "%s: unknown option '%s' ignored "
			    "(loose)\n",
			    where, key);
	return 0;
}

int osc_options_read_file(struct osc_options *o, const char *path,
			  int must_exist, struct strbuf *warn,
			  struct strbuf *err)
{
	struct file_ctx ctx = {o, warn};

	return optfile_read(path, must_exist, file_option, &ctx, warn, err);
}

int osc_options_parse_file_text(struct osc_options *o, const char *path,
				const char *text, struct strbuf *warn,
				struct strbuf *err)
{
	struct file_ctx ctx = {o, warn};

	return optfile_parse_text(path, text, strlen(text), file_option, &ctx,
				  warn, err);
}

int osc_options_read_files(struct osc_options *o, const char *home,
			   struct strbuf *warn, struct strbuf *err)
{
	static const char *const global_files[] = {
	    "/etc/my.cnf",
	    "/etc/mysql/my.cnf",
	};
	struct strbuf path = STRBUF_INIT;
	size_t i;
	int ret = 0;

	if (o->no_defaults)
		return 0;
	if (o->defaults_file) {
		if (osc_options_read_file(o, o->defaults_file, 1, warn, err) <
		    0)
			return -1;
		if (o->defaults_extra_file &&
		    osc_options_read_file(o, o->defaults_extra_file, 1, warn,
					  err) < 0)
			return -1;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(global_files); i++)
		if (osc_options_read_file(o, global_files[i], 0, warn, err) < 0)
			return -1;
	if (o->defaults_extra_file &&
	    osc_options_read_file(o, o->defaults_extra_file, 1, warn, err) < 0)
		return -1;
	if (home && *home) {
		strbuf_addf(&path, "%s/.my.cnf", home);
		if (osc_options_read_file(o, path.buf, 0, warn, err) < 0)
			ret = -1;
	}
	strbuf_release(&path);
	return ret;
}
