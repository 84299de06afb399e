/*
 * throttle.h: when the copier must pause, and the probes that tell.
 *
 * Three layers, each usable on its own:
 *
 *  1. The decision (decide.c, pure): readings with their timestamps in,
 *     RUN / PAUSE(reason) / ABORT(reason) out. No I/O, no clock: the
 *     caller passes `now_ms`. Also the parser of --max-load and
 *     --critical-load specs.
 *  2. The probes (probe.c): replica lag read from the tool's own heartbeat
 *     on each replica, replication state, status variables, the throttle
 *     query, flag files. Each probe has its own connection with short
 *     timeouts. Also the heartbeat writer and the changelog table text.
 *  3. The throttler (probe.c): a thread that runs the probes on a schedule
 *     and keeps the latest readings; throttle_check() (the copier's
 *     should_pause) decides from them in microseconds, never waiting on a
 *     server. Time spent paused is accumulated.
 *
 * Hysteresis (documented in the man page): a numeric condition (replica
 * lag, a --max-load variable) pauses when its value goes above the limit
 * and, once it has paused, holds the pause until the value is at or below
 * THROTTLE_RESUME_PERCENT (80%) of the limit. A lag that hovers around
 * --max-lag therefore does not flap the copier on and off every check.
 * The on/off conditions (user command, flag file, throttle query) take
 * effect at once in both directions: they are explicit.
 *
 * Stale readings: a reading older than `stale_ms` (default 3000 ms) is
 * treated as unknown, which pauses: a replica whose lag cannot be measured
 * counts as infinitely lagged. So does a replica that cannot be reached,
 * whose replication threads are stopped, or that has not yet received the
 * changelog table. Replicas in the ignore list are not probed at all.
 *
 * Order of precedence (the first that holds gives the reason):
 * critical load (ABORT), a replica unreachable for longer than
 * max_unknown_ms (ABORT), user, flag file, throttle query, max-load, lag.
 */
#ifndef OSC_THROTTLE_THROTTLE_H
#define OSC_THROTTLE_THROTTLE_H

#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

struct db;
struct db_options;

/* ---- 1. The decision (pure) ---------------------------------------- */

#define THROTTLE_RESUME_PERCENT 80
#define THROTTLE_DEFAULT_MAX_LAG_MS 1500
#define THROTTLE_DEFAULT_STALE_MS 3000
#define THROTTLE_DEFAULT_CRITICAL_HITS 3

/* One VAR=N item of a --max-load or --critical-load spec. */
struct throttle_load_limit {
	char *name;			/* status variable, as the user wrote it */
	unsigned long long max;		/* pause (abort) when the value > max */
};

struct throttle_load_spec {
	struct throttle_load_limit *items;
	size_t nr, alloc;
};

#define THROTTLE_LOAD_SPEC_INIT { NULL, 0, 0 }

/*
 * Parse "VAR=N[,VAR=N...]" into `spec` (which is cleared first). An empty
 * string gives an empty spec (the check is off). Variable names are
 * letters, digits and '_'; N is a non-negative integer; a name may appear
 * once. `option` names the option in messages ("max-load"). On error
 * returns -1, leaves `spec` empty and appends one line to `err`.
 */
int throttle_load_spec_parse(struct throttle_load_spec *spec, const char *text,
			     const char *option, struct strbuf *err);
/* Append the spec back in its canonical "VAR=N,VAR=N" form. */
void throttle_load_spec_format(const struct throttle_load_spec *spec,
			       struct strbuf *out);
void throttle_load_spec_copy(struct throttle_load_spec *dst,
			     const struct throttle_load_spec *src);
void throttle_load_spec_release(struct throttle_load_spec *spec);

/* The limits the decision applies. */
struct throttle_limits {
	uint64_t max_lag_ms;		/* 0: replica lag is not checked */
	uint64_t stale_ms;		/* 0: THROTTLE_DEFAULT_STALE_MS */
	const struct throttle_load_spec *max_load;	/* NULL or empty: off */
	const struct throttle_load_spec *critical_load;	/* NULL or empty: off */
	unsigned int critical_hits;	/* 0: THROTTLE_DEFAULT_CRITICAL_HITS */
	/*
	 * A replica that cannot be reached (or queried) for this long
	 * aborts the run instead of pausing it for ever; 0: never. Only
	 * while lag is checked (max_lag_ms > 0).
	 */
	uint64_t max_unknown_ms;
	/*
	 * Galera flow control (issue 16): with max_flow_ctl_set, pause
	 * while the fraction of the last probe interval that a node spent
	 * paused by flow control (wsrep_flow_control_paused_ns) is over
	 * max_flow_ctl (0..1; 0: any flow control pauses). A node's
	 * receive queue at or over its flow-control limit (gcs.fc_limit)
	 * pauses whenever Galera nodes are probed.
	 */
	int max_flow_ctl_set;
	double max_flow_ctl;
};

/* The latest lag reading of one replica. */
struct throttle_replica_reading {
	const char *name;	/* "127.0.0.1:3307" */
	uint64_t at_ms;		/* monotonic time of the reading; 0: never */
	int ok;			/* 1: lag_ms is valid */
	uint64_t lag_ms;
	const char *problem;	/* when !ok: "replication stopped (...)" */
	/* Since when it cannot be reached or queried; 0: it answers. */
	uint64_t unreachable_since_ms;
};

/*
 * The latest reading of the status variables of a load spec; `values` and
 * `present` are aligned with the spec's items.
 */
struct throttle_load_reading {
	uint64_t at_ms;		/* 0: never */
	int ok;			/* 0: the query failed, see problem */
	const char *problem;
	const unsigned long long *values;
	const unsigned char *present;	/* 0: the server has no such variable */
};

/* The latest flow-control reading of one Galera node. */
struct throttle_galera_reading {
	const char *name;	/* "127.0.0.1:3306" */
	uint64_t at_ms;		/* 0: never */
	int ok;			/* 0: not reached or queried, see problem */
	const char *problem;
	uint64_t recv_queue;	/* wsrep_local_recv_queue */
	uint64_t recv_limit;	/* gcs.fc_limit of the node */
	double fc_paused;	/* fraction of the last interval; <0: none */
};

struct throttle_query_reading {
	uint64_t at_ms;		/* 0: never */
	int ok;			/* 0: the query failed, see problem */
	const char *problem;
	int throttle;		/* first column of the first row non-zero */
	const char *value;	/* that column's text, for the reason */
};

struct throttle_inputs {
	uint64_t now_ms;	/* monotonic, same clock as the at_ms fields */
	const struct throttle_replica_reading *replicas;
	size_t nr_replicas;
	const struct throttle_load_reading *max_load;	/* NULL: none taken */
	const struct throttle_load_reading *critical_load;
	int query_configured;
	const struct throttle_query_reading *query;
	const char *flag_file;	/* the flag file that exists, or NULL */
	const struct throttle_galera_reading *galera;
	size_t nr_galera;
	int user_throttle;	/* "throttle" from the status socket */
};

enum throttle_action {
	THROTTLE_RUN = 0,
	THROTTLE_PAUSE,
	THROTTLE_ABORT,
};

/* What holds (the first in precedence order), for status and hooks. */
enum throttle_cause {
	THROTTLE_CAUSE_NONE = 0,
	THROTTLE_CAUSE_CRITICAL_LOAD,
	THROTTLE_CAUSE_USER,
	THROTTLE_CAUSE_FLAG_FILE,
	THROTTLE_CAUSE_QUERY,
	THROTTLE_CAUSE_LOAD,
	THROTTLE_CAUSE_LAG,
	THROTTLE_CAUSE_UNREACHABLE,	/* ABORT: --max-lag-unknown */
	THROTTLE_CAUSE_FLOW_CONTROL,	/* a Galera node (after load) */
};

/*
 * Decision state carried from one call to the next: which numeric
 * conditions hold (for the hysteresis) and the consecutive critical-load
 * hits, counted once per new reading (by its at_ms), not once per call.
 */
struct throttle_decide_state {
	int lag_holding;
	int load_holding;
	int flow_holding;
	unsigned int critical_hits;
	uint64_t critical_seen_at_ms;
};

#define THROTTLE_DECIDE_STATE_INIT { 0, 0, 0, 0, 0 }

struct throttle_decision {
	enum throttle_action action;
	enum throttle_cause cause;
	struct strbuf reason;	/* empty when RUN */
	/* The worst measured replica lag, for status; -1: none measured. */
	int64_t max_lag_ms;
	const char *max_lag_replica;	/* points into the inputs; NULL */
};

void throttle_decision_init(struct throttle_decision *d);
void throttle_decision_release(struct throttle_decision *d);
const char *throttle_action_name(enum throttle_action action);

/*
 * Decide. Pure: reads `limits` and `in`, updates `st`, fills `out` (whose
 * reason is reset first). Reasons are one line, for example
 * "lag 4.2s on 127.0.0.1:3307", "load Threads_running=40>25",
 * "flag file '/x' exists", "throttle query returned 1",
 * "throttled by user", "flow control: wsrep_local_recv_queue 40 on
 * 127.0.0.1:3308 (limit 16)", "flow control: paused 35% of the last
 * interval on 127.0.0.1:3306 (--max-flow-ctl=0.2)", and for ABORT
 * "critical load Threads_running=90>80 in 3 consecutive checks" or
 * "lag unknown on 127.0.0.1:3307 for 1m0.0s: <problem>" (a replica that
 * could not be reached for max_unknown_ms).
 */
void throttle_decide(const struct throttle_limits *limits,
		     const struct throttle_inputs *in,
		     struct throttle_decide_state *st,
		     struct throttle_decision *out);

/* Append a duration as "4.2s" (tenths, rounded). */
void throttle_format_seconds(struct strbuf *out, uint64_t ms);

/* ---- 2. Heartbeat and changelog ------------------------------------ */

/*
 * The changelog table `_t_osc` (DESIGN.md 2). Rows are keyed by `hint`;
 * fixed ids below 256 are reserved for singleton rows so that readers can
 * select by primary key:
 *
 *   id 1  hint 'heartbeat'  value: the writer's wall clock as decimal
 *         UTC microseconds since the epoch ("1763702558123456")
 *   id 2  hint 'state'      (engine)
 *   id 3  hint 'checkpoint' (engine)
 *
 * updated_at is the server's clock and is informational only: lag is
 * computed from `value`, written and read with the tool's own clock, so
 * clock skew between hosts does not matter.
 */
#define THROTTLE_HEARTBEAT_ID 1
#define THROTTLE_HEARTBEAT_HINT "heartbeat"

/* Append the CREATE TABLE statement of the changelog `db`.`table`. */
int throttle_changelog_create_sql(struct strbuf *out, const char *db,
				  const char *table, struct strbuf *err);

/* The wall clock in microseconds since the epoch (CLOCK_REALTIME). */
uint64_t throttle_wall_us(void);
/* A monotonic clock in milliseconds (CLOCK_MONOTONIC), never 0. */
uint64_t throttle_now_ms(void);

/* Append the heartbeat upsert for `now_us` (exposed for tests). */
int throttle_heartbeat_sql(struct strbuf *out, const char *db,
			   const char *table, uint64_t now_us,
			   struct strbuf *err);
/* Parse a heartbeat value; -1 when it is not a decimal number. */
int throttle_heartbeat_parse(const char *value, uint64_t *us);

/* Write one heartbeat (the current wall clock) on `conn`. */
int throttle_heartbeat_write(struct db *conn, const char *db,
			     const char *table, struct strbuf *err);

/*
 * A heartbeat thread: writes a heartbeat every `interval_ms` (clamped to
 * 50..1000) on its own connection to the primary. Failures are counted
 * and kept (reconnecting as needed); the caller decides when too many
 * consecutive failures must stop the run.
 */
struct throttle_heartbeat;
struct throttle_heartbeat *throttle_heartbeat_start(
	const struct db_options *primary, const char *db, const char *table,
	unsigned int interval_ms, struct strbuf *err);
/* Consecutive failures so far (0 after a success); last error in `err`. */
unsigned int throttle_heartbeat_failures(struct throttle_heartbeat *hb,
					 struct strbuf *last_error);
void throttle_heartbeat_stop(struct throttle_heartbeat *hb);

/* ---- 3. Replicas, probes and the throttler ------------------------- */

struct throttle_replica {
	char *host;		/* "localhost" is stored as 127.0.0.1 (TCP) */
	unsigned int port;	/* 0: 3306 (discovered: none reported) */
	uint32_t server_id;	/* discovered: as reported; resolved: read */
	char *uuid;		/* @@server_uuid (MySQL); NULL: none */
	int discovered;		/* found on the primary, not given */
	int guessed;		/* host taken from a Binlog Dump connection */
	int ignored;		/* resolved, and named by --ignore-replica */
};

struct throttle_replica_list {
	struct throttle_replica *items;
	size_t nr, alloc;
};

#define THROTTLE_REPLICA_LIST_INIT { NULL, 0, 0 }

/*
 * Parse "HOST[:PORT]" ("[::1]:3307" for IPv6) and append it to the list
 * unless an equal entry is there already. -1 with one line in `err` on a
 * bad spec. A replica is always reached over TCP: "localhost" is kept as
 * 127.0.0.1 (the client library would take the local socket for it).
 */
int throttle_replica_parse(struct throttle_replica_list *list,
			   const char *spec, struct strbuf *err);
void throttle_replica_add(struct throttle_replica_list *list,
			  const char *host, unsigned int port);
int throttle_replica_list_has(const struct throttle_replica_list *list,
			      const char *host, unsigned int port);
void throttle_replica_list_release(struct throttle_replica_list *list);
/* "host:port" ("[::1]:3307"). */
void throttle_replica_name(struct strbuf *out, const struct throttle_replica *r);

/*
 * 1: a replica hosts row of an osc binlog reader: it registers with the
 * host "osc" and a server id of at least `osc_id_min` (the binlog
 * module's BINLOG_SERVER_ID_MIN, passed in: throttle/ does not include
 * binlog/).
 */
int throttle_is_osc_reader(unsigned long server_id, const char *host,
			   unsigned long osc_id_min);

/*
 * Discover the replicas of the server on `primary`: the rows of SHOW
 * REPLICAS / SHOW REPLICA HOSTS / SHOW SLAVE HOSTS, each with the server
 * id, host (report_host) and port (report_port) it reports, discovered
 * set. Only those rows are replicas: a Binlog Dump connection that is not
 * in the list is another binlog reader and is not returned; neither are
 * osc's own readers' rows (throttle_is_osc_reader with `osc_id_min`)
 * nor `own_server_id`.
 * A row without a host is returned as is (host "") and, once for each
 * distinct host of the Binlog Dump connections in the process list, as a
 * `guessed` entry with that host, its port and its server id: the
 * replica's address is one of them (throttle_replicas_resolve finds
 * which). One level only: replicas of replicas are not followed. Appends
 * to `out`; lines worth saying with -v go to `notes`, one per line.
 */
int throttle_discover_replicas(struct db *primary, unsigned long own_server_id,
			       unsigned long osc_id_min,
			       struct throttle_replica_list *out,
			       struct strbuf *notes, struct strbuf *err);

/*
 * Reach each replica of `in` over TCP with `opts` (user, password, TLS;
 * host and port replaced, never the socket), read its server id and
 * server_uuid, and append each distinct server to `out` once, with its
 * identity. Entries that `ignore` names are not reached: they go to `out`
 * with `ignored` set. Dropped with a line in `notes`: the primary itself
 * (`primary_id`, `primary_uuid` may be NULL), a server already in `out`
 * (the same server given with --replica and discovered), a guessed
 * address where another server answers. One line per replica that cannot
 * be reached (a given one, a discovered one at its reported address, or
 * one none of whose guessed addresses answers) goes to `problems`; then
 * -1 is returned.
 */
int throttle_replicas_resolve(const struct throttle_replica_list *in,
			      const struct throttle_replica_list *ignore,
			      const struct db_options *opts,
			      unsigned int timeout_s, uint32_t primary_id,
			      const char *primary_uuid,
			      struct throttle_replica_list *out,
			      struct strbuf *notes, struct strbuf *problems);

struct throttle_config {
	struct throttle_limits limits;	/* max_load/critical_load: copied */
	/* Where to read the heartbeat on the replicas. */
	const char *changelog_db;
	const char *changelog_table;
	/* Replicas to probe (copied), and how to connect to them: `replica`
	 * gives user, password, ssl and socket-less defaults; host and port
	 * are replaced per replica. */
	const struct throttle_replica_list *replicas;
	const struct db_options *replica_opts;
	/* Replicas never probed (delayed or backup replicas), whether
	 * given or discovered; NULL: none. */
	const struct throttle_replica_list *ignore_replicas;
	/* The primary, for status variables and the throttle query. */
	const struct db_options *primary_opts;
	const char *throttle_query;	/* NULL: none */
	/*
	 * Galera nodes to watch for flow control (NULL: none): host "" is
	 * the primary itself (primary_opts); the others are reached like
	 * replicas, with replica_opts.
	 */
	const struct throttle_replica_list *galera_nodes;
	unsigned int flow_interval_ms;	/* [1000] */
	const char *const *flag_files;	/* NULL-terminated; NULL: none */
	/* Probe periods; 0 gives the default in brackets. */
	unsigned int lag_interval_ms;	/* [500] */
	unsigned int load_interval_ms;	/* [1000] */
	unsigned int query_interval_ms;	/* [1000] */
	unsigned int retry_connect_ms;	/* [2000] between reconnects */
	unsigned int probe_timeout_s;	/* [1] connect and read timeout */
};

struct throttler;

/*
 * Create a throttler (no connection is opened yet). The config is copied;
 * the caller may free its own after this returns. NULL with `err` on a bad
 * config.
 */
struct throttler *throttle_new(const struct throttle_config *cfg,
			       struct strbuf *err);
/*
 * Run every probe that is due at `now_ms` (all of them on the first
 * call), then decide. Blocking: up to probe_timeout_s per unreachable
 * server. The thread calls this in a loop; tests and the probe driver may
 * call it directly instead of starting the thread.
 */
void throttle_run_probes(struct throttler *t, uint64_t now_ms);
/*
 * Run one round of probes now (so the first check has readings), then
 * start the probing thread (it wakes every 100 ms and runs what is due).
 */
int throttle_start(struct throttler *t, struct strbuf *err);
/* Stop and join the thread; the throttler stays usable for check. */
void throttle_stop(struct throttler *t);
void throttle_free(struct throttler *t);

/*
 * The copier's should_pause(): decide from the latest readings, now.
 * Never talks to a server. Fills `out` (may be NULL) and returns the
 * action. Thread-safe.
 */
enum throttle_action throttle_check(struct throttler *t,
				    struct throttle_decision *out);

/* Settings the status socket changes at run time. Thread-safe. */
void throttle_set_user(struct throttler *t, int on);
void throttle_set_max_lag_ms(struct throttler *t, uint64_t max_lag_ms);
/* -1 with `err` when the throttler has no primary to read status from. */
int throttle_set_max_load(struct throttler *t,
			  const struct throttle_load_spec *spec,
			  struct strbuf *err);

struct throttle_snapshot {
	enum throttle_action action;
	enum throttle_cause cause;
	struct strbuf reason;
	int64_t max_lag_ms;		/* -1: none measured */
	struct strbuf max_lag_replica;
	uint64_t throttled_ms;		/* total time spent paused so far */
	uint64_t max_lag_limit_ms;
	int user_throttle;
	struct strbuf max_load;		/* current spec, canonical */
};

void throttle_snapshot_init(struct throttle_snapshot *s);
void throttle_snapshot_release(struct throttle_snapshot *s);
/* The last decision and totals, for progress and the status socket. */
void throttle_get_snapshot(struct throttler *t, struct throttle_snapshot *s);

#endif
