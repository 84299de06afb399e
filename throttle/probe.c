/*
 * probe.c: the probes and the throttler thread.
 *
 * Each probe owns one connection with short connect and read timeouts, so
 * that an unreachable server costs at most probe_timeout_s per attempt;
 * after a failure the probe waits retry_connect_ms before connecting
 * again, and its reading says why it failed (which pauses the copier).
 * The thread wakes every 100 ms, runs the probes that are due, and
 * re-decides. throttle_check() only reads the latest readings under the
 * lock and decides: the copier never waits on a slow replica. A thread
 * that stops probing leaves readings that go stale, which pauses too.
 */
#include "util/compat.h"
#include "throttle/throttle.h"
#include "util/db.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

#define TICK_MS 100

/* One server connection with its own reconnect back-off. */
struct probe_conn {
	struct db_options opts;
	char *label;
	char *where;		/* "127.0.0.1:3307", for messages */
	struct db *db;
	uint64_t retry_at_ms;	/* do not reconnect before */
	struct strbuf last_error;	/* why the last connect failed */
};

struct replica_probe {
	struct probe_conn conn;
	char *name;
	int status_denied;	/* no privilege for SHOW REPLICA STATUS */
	/* latest reading, under the throttler lock */
	uint64_t at_ms;
	int ok;
	uint64_t lag_ms;
	struct strbuf problem;
	uint64_t unreachable_since_ms;	/* 0: it answers */
};

struct load_probe {
	struct throttle_load_spec spec;
	uint64_t at_ms;
	int ok;
	struct strbuf problem;
	unsigned long long *values;
	unsigned char *present;
};

/* A Galera node's flow control (throttle.h). */
struct galera_probe {
	struct probe_conn conn;
	char *name;
	uint64_t fc_limit;	/* gcs.fc_limit, read once; 0: not yet */
	int have_prev;
	uint64_t prev_paused_ns, prev_at_ns;
	/* latest reading, under the throttler lock */
	uint64_t at_ms;
	int ok;
	struct strbuf problem;
	uint64_t recv_queue;
	double fc_paused;
};

struct throttler {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stopping;

	/* config (immutable after new, except what the setters change) */
	struct throttle_limits limits;
	char *changelog_db, *changelog_table;
	char *query_sql;
	char **flag_files;
	size_t nr_flag_files;
	unsigned int lag_interval_ms, load_interval_ms, query_interval_ms;
	unsigned int retry_connect_ms;

	struct replica_probe *replicas;
	size_t nr_replicas;
	struct probe_conn primary;	/* status variables and the query */
	int have_primary;

	struct galera_probe *galera;
	size_t nr_galera;
	unsigned int flow_interval_ms;
	uint64_t next_flow_ms;

	struct load_probe max_load, critical_load;
	int max_load_changed;	/* spec changed: re-read before deciding */

	uint64_t query_at_ms;
	int query_ok, query_throttle;
	struct strbuf query_problem, query_value;

	char *flag_present;	/* the flag file that exists, or NULL */
	int user_throttle;

	uint64_t next_lag_ms, next_load_ms, next_query_ms;

	/* decision */
	struct throttle_decide_state st;
	struct throttle_decision last;
	uint64_t paused_since_ms;	/* 0: running */
	uint64_t throttled_ms;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void conn_init(struct probe_conn *c, const struct db_options *base,
		      const char *host, unsigned int port, const char *label,
		      unsigned int timeout_s)
{
	struct strbuf where = STRBUF_INIT;

	memset(c, 0, sizeof(*c));
	c->opts = *base;
	/* Own copies of the strings this struct points at. */
	c->opts.host = dup_or_null(host ? host : base->host);
	c->opts.port = host ? port : base->port;
	c->opts.socket = host ? NULL : dup_or_null(base->socket);
	c->opts.user = dup_or_null(base->user);
	c->opts.password = dup_or_null(base->password);
	c->opts.ssl_ca = dup_or_null(base->ssl_ca);
	c->opts.ssl_capath = dup_or_null(base->ssl_capath);
	c->opts.ssl_cert = dup_or_null(base->ssl_cert);
	c->opts.ssl_key = dup_or_null(base->ssl_key);
	c->opts.ssl_cipher = dup_or_null(base->ssl_cipher);
	c->opts.ssl_crl = dup_or_null(base->ssl_crl);
	c->opts.connect_timeout_s = timeout_s;
	c->opts.read_timeout_s = timeout_s;
	c->opts.write_timeout_s = timeout_s;
	c->label = xstrdup(label);
	strbuf_init(&c->last_error, 0);
	db_describe_target(&c->opts, &where);
	c->where = strbuf_detach(&where, NULL);
}

static void conn_release(struct probe_conn *c)
{
	db_close(c->db);
	free((char *)c->opts.host);
	free((char *)c->opts.socket);
	free((char *)c->opts.user);
	if (c->opts.password) {
		volatile char *p = (volatile char *)c->opts.password;
		while (*p)
			*p++ = '\0';
		free((char *)c->opts.password);
	}
	free((char *)c->opts.ssl_ca);
	free((char *)c->opts.ssl_capath);
	free((char *)c->opts.ssl_cert);
	free((char *)c->opts.ssl_key);
	free((char *)c->opts.ssl_cipher);
	free((char *)c->opts.ssl_crl);
	free(c->label);
	free(c->where);
	strbuf_release(&c->last_error);
	memset(c, 0, sizeof(*c));
}

/* 0 with c->db open, or -1 with the reason in `err`. */
static int conn_ensure(struct probe_conn *c, uint64_t now_ms,
		       unsigned int retry_ms, struct strbuf *err)
{
	if (c->db)
		return 0;
	if (c->retry_at_ms && now_ms < c->retry_at_ms) {
		/* Waiting before the next attempt: the last reason holds. */
		strbuf_addbuf(err, &c->last_error);
		return -1;
	}
	strbuf_reset(&c->last_error);
	c->db = db_connect(&c->opts, c->label, NULL, &c->last_error);
	if (!c->db) {
		c->retry_at_ms = now_ms + retry_ms;
		strbuf_addbuf(err, &c->last_error);
		return -1;
	}
	c->retry_at_ms = 0;
	return 0;
}

/* After a failed query: drop a connection that is gone. */
static void conn_check(struct probe_conn *c, uint64_t now_ms,
		       unsigned int retry_ms)
{
	unsigned int code = c->db ? db_errno(c->db) : 0;

	/* 2000-2999 are client-side errors: the connection is unusable. */
	if (c->db && (db_error_is_disconnect(code) ||
		      (code >= 2000 && code < 3000))) {
		db_close(c->db);
		c->db = NULL;
		c->retry_at_ms = now_ms + retry_ms;
		strbuf_setf(&c->last_error, "lost the connection to %s",
			    c->where);
	}
}

static int col_index(struct db_result *res, const char *a, const char *b)
{
	unsigned int i;

	for (i = 0; i < db_result_ncols(res); i++) {
		const char *n = db_result_colname(res, i);
		if (!strcasecmp(n, a) || (b && !strcasecmp(n, b)))
			return (int)i;
	}
	return -1;
}

/*
 * Replication state: 0 running (or not checkable), -1 with `problem` set.
 * SHOW REPLICA STATUS (MySQL 8.0.22+, MariaDB 10.5.1+) first, then the
 * old name. No privilege to run it is remembered and then only the
 * heartbeat counts (it shows a stopped replica too, just later).
 */
static int replica_state(struct replica_probe *rp, struct strbuf *problem)
{
	static const char *const queries[] = { "SHOW REPLICA STATUS",
					       "SHOW SLAVE STATUS" };
	struct db_result *res = NULL;
	struct strbuf err = STRBUF_INIT;
	struct db_row row;
	size_t i;
	int ret = 0, io, sql;

	if (rp->status_denied)
		return 0;
	for (i = 0; i < ARRAY_SIZE(queries); i++) {
		strbuf_reset(&err);
		if (!db_query(rp->conn.db, queries[i], &res, &err))
			break;
		if (db_errno(rp->conn.db) != 1064)
			break;
	}
	if (i == ARRAY_SIZE(queries) || err.len) {
		unsigned int code = db_errno(rp->conn.db);

		if (code == DB_ER_SPECIFIC_ACCESS_DENIED ||
		    code == DB_ER_ACCESS_DENIED) {
			warning("cannot check replication on %s: %s; the "
				"heartbeat alone will show it stopped",
				rp->name, err.buf);
			rp->status_denied = 1;
			goto out;
		}
		strbuf_addf(problem, "cannot read replication status: %s",
			    err.buf);
		ret = -1;
		goto out;
	}
	if (db_result_next(res, &row, &err) <= 0) {
		strbuf_addstr(problem, "not a replica (no replication "
			      "configured)");
		ret = -1;
		goto out;
	}
	io = col_index(res, "Slave_IO_Running", "Replica_IO_Running");
	sql = col_index(res, "Slave_SQL_Running", "Replica_SQL_Running");
	if (io < 0 || sql < 0)
		goto out;	/* unknown layout: rely on the heartbeat */
	if (!row.values[sql] || strcmp(row.values[sql], "Yes")) {
		strbuf_addf(problem, "replication stopped (%s: %s)",
			    db_result_colname(res, (unsigned)sql),
			    row.values[sql] ? row.values[sql] : "NULL");
		ret = -1;
	} else if (!row.values[io] || strcmp(row.values[io], "Yes")) {
		strbuf_addf(problem, "replication stopped (%s: %s)",
			    db_result_colname(res, (unsigned)io),
			    row.values[io] ? row.values[io] : "NULL");
		ret = -1;
	}
out:
	db_result_free(res);
	strbuf_release(&err);
	return ret;
}

/*
 * Probe one replica; fills lag or a problem. 0: lag measured; -1: the
 * replica answers but its lag is unknown; -2: it cannot be reached or
 * queried.
 */
static int probe_replica(struct throttler *t, struct replica_probe *rp,
			 uint64_t now_ms, uint64_t *lag_ms,
			 struct strbuf *problem)
{
	struct strbuf sql = STRBUF_INIT, val = STRBUF_INIT, err = STRBUF_INIT;
	uint64_t hb_us, now_us;
	int is_null = 0, n, ret = -1;

	if (conn_ensure(&rp->conn, now_ms, t->retry_connect_ms, &err) < 0) {
		strbuf_addbuf(problem, &err);
		ret = -2;
		goto out;
	}
	if (replica_state(rp, problem) < 0) {
		conn_check(&rp->conn, now_ms, t->retry_connect_ms);
		if (!rp->conn.db)
			ret = -2;
		goto out;
	}
	strbuf_addstr(&sql, "SELECT value FROM ");
	quote_qualified(&sql, t->changelog_db, t->changelog_table);
	strbuf_addf(&sql, " WHERE id = %d", THROTTLE_HEARTBEAT_ID);
	n = db_query_value(rp->conn.db, sql.buf, &val, &is_null, &err);
	now_us = throttle_wall_us();
	if (n < 0) {
		if (db_errno(rp->conn.db) == DB_ER_NO_SUCH_TABLE)
			strbuf_addstr(problem, "the changelog table has not "
				      "reached it yet");
		else
			strbuf_addf(problem, "cannot read the heartbeat: %s",
				    err.buf);
		conn_check(&rp->conn, now_ms, t->retry_connect_ms);
		if (!rp->conn.db)
			ret = -2;
		goto out;
	}
	if (n == 0 || is_null) {
		strbuf_addstr(problem, "no heartbeat has reached it yet");
		goto out;
	}
	if (throttle_heartbeat_parse(val.buf, &hb_us) < 0) {
		strbuf_addf(problem, "unreadable heartbeat '%.40s'", val.buf);
		goto out;
	}
	*lag_ms = now_us > hb_us ? (now_us - hb_us) / 1000 : 0;
	ret = 0;
out:
	strbuf_release(&sql);
	strbuf_release(&val);
	strbuf_release(&err);
	return ret;
}

static void probe_replicas(struct throttler *t, uint64_t now_ms)
{
	size_t i;

	for (i = 0; i < t->nr_replicas; i++) {
		struct replica_probe *rp = &t->replicas[i];
		struct strbuf problem = STRBUF_INIT;
		uint64_t lag = 0;
		int ret = probe_replica(t, rp, now_ms, &lag, &problem);
		uint64_t at = throttle_now_ms();

		pthread_mutex_lock(&t->lock);
		rp->at_ms = at;
		rp->ok = ret == 0;
		rp->lag_ms = lag;
		if (ret != -2)
			rp->unreachable_since_ms = 0;
		else if (!rp->unreachable_since_ms)
			rp->unreachable_since_ms = at;
		strbuf_reset(&rp->problem);
		strbuf_addbuf(&rp->problem, &problem);
		pthread_mutex_unlock(&t->lock);
		strbuf_release(&problem);
	}
}

/*
 * Read the status variables of both load specs in one statement:
 * SHOW GLOBAL STATUS WHERE Variable_name IN (...). Names were checked by
 * the spec parser (letters, digits, '_') and are quoted anyway.
 */
static void probe_load(struct throttler *t, uint64_t now_ms)
{
	struct throttle_load_spec both = THROTTLE_LOAD_SPEC_INIT;
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	unsigned long long *vals = NULL;
	unsigned char *have = NULL;
	size_t i, j, nr_max;
	int ok = 0, n;

	pthread_mutex_lock(&t->lock);
	throttle_load_spec_copy(&both, &t->max_load.spec);
	nr_max = both.nr;
	t->max_load_changed = 0;
	pthread_mutex_unlock(&t->lock);
	for (i = 0; i < t->critical_load.spec.nr; i++) {
		ALLOC_GROW(both.items, both.nr + 1, both.alloc);
		both.items[both.nr].name =
			xstrdup(t->critical_load.spec.items[i].name);
		both.items[both.nr].max = t->critical_load.spec.items[i].max;
		both.nr++;
	}
	if (!both.nr)
		goto out;
	vals = xcalloc(both.nr, sizeof(*vals));
	have = xcalloc(both.nr, 1);
	if (conn_ensure(&t->primary, now_ms, t->retry_connect_ms, &err) < 0)
		goto done;
	strbuf_addstr(&sql, "SHOW GLOBAL STATUS WHERE Variable_name IN (");
	for (i = 0; i < both.nr; i++) {
		if (i)
			strbuf_addstr(&sql, ", ");
		quote_sql_string(&sql, both.items[i].name,
				 strlen(both.items[i].name));
	}
	strbuf_addch(&sql, ')');
	if (db_query(t->primary.db, sql.buf, &res, &err) < 0) {
		conn_check(&t->primary, now_ms, t->retry_connect_ms);
		goto done;
	}
	while ((n = db_result_next(res, &row, &err)) > 0) {
		if (row.ncols < 2 || !row.values[0] || !row.values[1])
			continue;
		for (j = 0; j < both.nr; j++) {
			char *end;
			unsigned long long v;

			if (strcasecmp(row.values[0], both.items[j].name))
				continue;
			errno = 0;
			v = strtoull(row.values[1], &end, 10);
			if (errno || end == row.values[1])
				continue;	/* not a number: absent */
			vals[j] = v;
			have[j] = 1;
		}
	}
	if (n < 0)
		goto done;
	ok = 1;
done:
	pthread_mutex_lock(&t->lock);
	for (i = 0; i < 2; i++) {
		struct load_probe *lp = i ? &t->critical_load : &t->max_load;
		size_t off = i ? nr_max : 0, cnt = i ? both.nr - nr_max
						    : nr_max;

		/* A spec changed meanwhile: this reading is for the old one. */
		if (!i && t->max_load_changed)
			continue;
		if (!cnt)
			continue;
		lp->at_ms = throttle_now_ms();
		lp->ok = ok;
		strbuf_reset(&lp->problem);
		if (!ok)
			strbuf_addbuf(&lp->problem, &err);
		memcpy(lp->values, vals + off, cnt * sizeof(*vals));
		memcpy(lp->present, have + off, cnt);
	}
	pthread_mutex_unlock(&t->lock);
out:
	db_result_free(res);
	free(vals);
	free(have);
	throttle_load_spec_release(&both);
	strbuf_release(&sql);
	strbuf_release(&err);
}

/* The throttle query: first column of the first row, non-zero throttles. */
static void probe_query(struct throttler *t, uint64_t now_ms)
{
	struct strbuf val = STRBUF_INIT, err = STRBUF_INIT;
	int is_null = 0, n = -1, throttle = 0;

	if (conn_ensure(&t->primary, now_ms, t->retry_connect_ms, &err) < 0)
		goto done;
	n = db_query_value(t->primary.db, t->query_sql, &val, &is_null, &err);
	if (n < 0) {
		conn_check(&t->primary, now_ms, t->retry_connect_ms);
		goto done;
	}
	if (n > 0 && !is_null) {
		char *end;
		double d;

		strbuf_trim(&val);
		d = strtod(val.buf, &end);
		if (end == val.buf || *end) {
			strbuf_addf(&err, "it returned '%.40s', not a number",
				    val.buf);
			n = -1;
		} else {
			throttle = d != 0;
		}
	}
done:
	pthread_mutex_lock(&t->lock);
	t->query_at_ms = throttle_now_ms();
	t->query_ok = n >= 0;
	t->query_throttle = throttle;
	strbuf_reset(&t->query_problem);
	strbuf_addbuf(&t->query_problem, &err);
	strbuf_reset(&t->query_value);
	strbuf_addbuf(&t->query_value, &val);
	pthread_mutex_unlock(&t->lock);
	strbuf_release(&val);
	strbuf_release(&err);
}

static void probe_flags(struct throttler *t)
{
	const char *present = NULL;
	struct stat st;
	size_t i;

	for (i = 0; i < t->nr_flag_files && !present; i++) {
		/* Any answer but "no such file" counts as present. */
		if (!stat(t->flag_files[i], &st) || errno != ENOENT)
			present = t->flag_files[i];
	}
	pthread_mutex_lock(&t->lock);
	t->flag_present = (char *)present;
	pthread_mutex_unlock(&t->lock);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* "... gcs.fc_limit = 16; ..." of wsrep_provider_options; 16 if absent. */
static uint64_t parse_fc_limit(const char *opts)
{
	const char *p = opts ? strstr(opts, "gcs.fc_limit") : NULL;

	if (!p)
		return 16;
	p += strlen("gcs.fc_limit");
	while (*p == ' ' || *p == '=')
		p++;
	return *p >= '0' && *p <= '9' ? strtoull(p, NULL, 10) : 16;
}

static const char SQL_FLOW_STATUS[] =
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_recv_queue', "
    "'wsrep_flow_control_paused_ns')";

/*
 * One node: its receive queue now, and the share of the time since the
 * last reading that flow control held the cluster paused, as the node
 * counts it (wsrep_flow_control_paused_ns grows while paused).
 */
static void probe_galera_node(struct throttler *t, struct galera_probe *gp,
			      uint64_t now_ms)
{
	struct strbuf err = STRBUF_INIT, val = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	uint64_t queue = 0, paused_ns = 0, at_ns;
	double frac = -1;
	int ok = 0, n, have_paused = 0;

	if (conn_ensure(&gp->conn, now_ms, t->retry_connect_ms, &err) < 0)
		goto done;
	if (!gp->fc_limit) {
		n = db_query_value(gp->conn.db,
				   "SELECT @@wsrep_provider_options", &val,
				   NULL, &err);
		if (n < 0) {
			conn_check(&gp->conn, now_ms, t->retry_connect_ms);
			goto done;
		}
		gp->fc_limit = parse_fc_limit(n > 0 ? val.buf : NULL);
	}
	if (db_query(gp->conn.db, SQL_FLOW_STATUS, &res, &err) < 0) {
		conn_check(&gp->conn, now_ms, t->retry_connect_ms);
		goto done;
	}
	at_ns = mono_ns();
	while ((n = db_result_next(res, &row, &err)) > 0) {
		if (row.ncols < 2 || !row.values[0] || !row.values[1])
			continue;
		if (!strcasecmp(row.values[0], "wsrep_local_recv_queue")) {
			queue = strtoull(row.values[1], NULL, 10);
		} else {
			paused_ns = strtoull(row.values[1], NULL, 10);
			have_paused = 1;
		}
	}
	if (n < 0)
		goto done;
	if (have_paused && gp->have_prev && at_ns > gp->prev_at_ns) {
		uint64_t d = paused_ns > gp->prev_paused_ns
				     ? paused_ns - gp->prev_paused_ns
				     : 0;

		frac = (double)d / (double)(at_ns - gp->prev_at_ns);
		if (frac > 1)
			frac = 1;
	}
	if (have_paused) {
		gp->have_prev = 1;
		gp->prev_paused_ns = paused_ns;
		gp->prev_at_ns = at_ns;
	}
	ok = 1;
done:
	pthread_mutex_lock(&t->lock);
	gp->at_ms = throttle_now_ms();
	gp->ok = ok;
	gp->recv_queue = queue;
	gp->fc_paused = frac;
	strbuf_reset(&gp->problem);
	if (!ok)
		strbuf_addbuf(&gp->problem, &err);
	pthread_mutex_unlock(&t->lock);
	db_result_free(res);
	strbuf_release(&err);
	strbuf_release(&val);
}

/* Under the lock: decide from the latest readings. */
static void decide_locked(struct throttler *t, uint64_t now_ms,
			  struct throttle_decision *out)
{
	struct throttle_replica_reading *reps = NULL;
	struct throttle_galera_reading *gal = NULL;
	struct throttle_load_reading ml, cl;
	struct throttle_query_reading q;
	struct throttle_inputs in;
	enum throttle_action was = t->last.action;
	size_t i;

	memset(&in, 0, sizeof(in));
	in.now_ms = now_ms;
	if (t->nr_replicas)
		reps = xcalloc(t->nr_replicas, sizeof(*reps));
	for (i = 0; i < t->nr_replicas; i++) {
		reps[i].name = t->replicas[i].name;
		reps[i].at_ms = t->replicas[i].at_ms;
		reps[i].ok = t->replicas[i].ok;
		reps[i].lag_ms = t->replicas[i].lag_ms;
		reps[i].problem = t->replicas[i].problem.buf;
		reps[i].unreachable_since_ms =
			t->replicas[i].unreachable_since_ms;
	}
	in.replicas = reps;
	in.nr_replicas = t->nr_replicas;
	if (t->max_load.spec.nr && !t->max_load_changed) {
		ml.at_ms = t->max_load.at_ms;
		ml.ok = t->max_load.ok;
		ml.problem = t->max_load.problem.buf;
		ml.values = t->max_load.values;
		ml.present = t->max_load.present;
		in.max_load = &ml;
	}
	if (t->critical_load.spec.nr) {
		cl.at_ms = t->critical_load.at_ms;
		cl.ok = t->critical_load.ok;
		cl.problem = t->critical_load.problem.buf;
		cl.values = t->critical_load.values;
		cl.present = t->critical_load.present;
		in.critical_load = &cl;
	}
	if (t->query_sql) {
		in.query_configured = 1;
		q.at_ms = t->query_at_ms;
		q.ok = t->query_ok;
		q.problem = t->query_problem.buf;
		q.throttle = t->query_throttle;
		q.value = t->query_value.buf;
		in.query = &q;
	}
	in.flag_file = t->flag_present;
	in.user_throttle = t->user_throttle;
	if (t->nr_galera)
		gal = xcalloc(t->nr_galera, sizeof(*gal));
	for (i = 0; i < t->nr_galera; i++) {
		gal[i].name = t->galera[i].name;
		gal[i].at_ms = t->galera[i].at_ms;
		gal[i].ok = t->galera[i].ok;
		gal[i].problem = t->galera[i].problem.buf;
		gal[i].recv_queue = t->galera[i].recv_queue;
		gal[i].recv_limit = t->galera[i].fc_limit;
		gal[i].fc_paused = t->galera[i].fc_paused;
	}
	in.galera = gal;
	in.nr_galera = t->nr_galera;

	t->limits.max_load = &t->max_load.spec;
	t->limits.critical_load = &t->critical_load.spec;
	/* max_lag_replica points at t->replicas[].name: it lives as long
	 * as the throttler. */
	throttle_decide(&t->limits, &in, &t->st, &t->last);

	/* Time spent paused (an abort is not a pause). */
	if (t->last.action == THROTTLE_PAUSE && was != THROTTLE_PAUSE) {
		t->paused_since_ms = now_ms;
	} else if (t->last.action != THROTTLE_PAUSE && t->paused_since_ms) {
		if (now_ms > t->paused_since_ms)
			t->throttled_ms += now_ms - t->paused_since_ms;
		t->paused_since_ms = 0;
	}
	if (t->last.action != was)
		verbose("throttle: %s%s%s", throttle_action_name(t->last.action),
			t->last.reason.len ? ": " : "", t->last.reason.buf);
	if (out) {
		strbuf_reset(&out->reason);
		strbuf_addbuf(&out->reason, &t->last.reason);
		out->action = t->last.action;
		out->cause = t->last.cause;
		out->max_lag_ms = t->last.max_lag_ms;
		out->max_lag_replica = t->last.max_lag_replica;
	}
	free(reps);
	free(gal);
}

void throttle_run_probes(struct throttler *t, uint64_t now_ms)
{
	int load_changed;

	pthread_mutex_lock(&t->lock);
	load_changed = t->max_load_changed;
	pthread_mutex_unlock(&t->lock);
	probe_flags(t);
	if (now_ms >= t->next_lag_ms) {
		t->next_lag_ms = now_ms + t->lag_interval_ms;
		/* Also with max-lag 0: the lag is still shown in status. */
		probe_replicas(t, now_ms);
	}
	if (now_ms >= t->next_load_ms || load_changed) {
		t->next_load_ms = now_ms + t->load_interval_ms;
		probe_load(t, now_ms);
	}
	if (t->nr_galera && now_ms >= t->next_flow_ms) {
		size_t i;

		t->next_flow_ms = now_ms + t->flow_interval_ms;
		for (i = 0; i < t->nr_galera; i++)
			probe_galera_node(t, &t->galera[i], now_ms);
	}
	if (t->query_sql && now_ms >= t->next_query_ms) {
		t->next_query_ms = now_ms + t->query_interval_ms;
		probe_query(t, now_ms);
	}
	pthread_mutex_lock(&t->lock);
	decide_locked(t, throttle_now_ms(), NULL);
	pthread_mutex_unlock(&t->lock);
}

static void load_probe_init(struct load_probe *lp,
			    const struct throttle_load_spec *spec)
{
	memset(lp, 0, sizeof(*lp));
	strbuf_init(&lp->problem, 0);
	throttle_load_spec_copy(&lp->spec, spec);
	lp->values = xcalloc(lp->spec.nr + 1, sizeof(*lp->values));
	lp->present = xcalloc(lp->spec.nr + 1, 1);
}

static void load_probe_release(struct load_probe *lp)
{
	throttle_load_spec_release(&lp->spec);
	strbuf_release(&lp->problem);
	free(lp->values);
	free(lp->present);
}

struct throttler *throttle_new(const struct throttle_config *cfg,
			       struct strbuf *err)
{
	struct throttler *t;
	unsigned int timeout_s = cfg->probe_timeout_s ? cfg->probe_timeout_s
						      : 1;
	size_t i;

	if (cfg->replicas && cfg->replicas->nr &&
	    (!cfg->replica_opts || !cfg->changelog_db ||
	     !cfg->changelog_table)) {
		strbuf_addstr(err, "throttle: replicas need connection "
			      "options and the changelog table");
		return NULL;
	}
	if (((cfg->limits.max_load && cfg->limits.max_load->nr) ||
	     (cfg->limits.critical_load && cfg->limits.critical_load->nr) ||
	     cfg->throttle_query) && !cfg->primary_opts) {
		strbuf_addstr(err, "throttle: load checks and the throttle "
			      "query need the primary's connection options");
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	t->limits = cfg->limits;
	t->changelog_db = dup_or_null(cfg->changelog_db);
	t->changelog_table = dup_or_null(cfg->changelog_table);
	t->query_sql = cfg->throttle_query && *cfg->throttle_query
			       ? xstrdup(cfg->throttle_query)
			       : NULL;
	for (i = 0; cfg->flag_files && cfg->flag_files[i]; i++) {
		if (!*cfg->flag_files[i])
			continue;
		t->flag_files = xrealloc(t->flag_files,
					 (t->nr_flag_files + 1) *
						 sizeof(*t->flag_files));
		t->flag_files[t->nr_flag_files++] =
			xstrdup(cfg->flag_files[i]);
	}
	t->lag_interval_ms = cfg->lag_interval_ms ? cfg->lag_interval_ms : 500;
	t->load_interval_ms =
		cfg->load_interval_ms ? cfg->load_interval_ms : 1000;
	t->query_interval_ms =
		cfg->query_interval_ms ? cfg->query_interval_ms : 1000;
	t->retry_connect_ms =
		cfg->retry_connect_ms ? cfg->retry_connect_ms : 2000;
	if (cfg->replicas && cfg->replicas->nr) {
		t->replicas = xcalloc(cfg->replicas->nr, sizeof(*t->replicas));
		for (i = 0; i < cfg->replicas->nr; i++) {
			struct replica_probe *rp;
			const struct throttle_replica *r =
				&cfg->replicas->items[i];
			struct strbuf name = STRBUF_INIT;

			if (r->ignored ||
			    (cfg->ignore_replicas &&
			     throttle_replica_list_has(cfg->ignore_replicas,
						       r->host, r->port)))
				continue;
			rp = &t->replicas[t->nr_replicas++];

			throttle_replica_name(&name, r);
			rp->name = strbuf_detach(&name, NULL);
			conn_init(&rp->conn, cfg->replica_opts, r->host,
				  r->port ? r->port : 3306, "replica-probe",
				  timeout_s);
			strbuf_init(&rp->problem, 0);
		}
	}
	if (cfg->primary_opts) {
		conn_init(&t->primary, cfg->primary_opts, NULL, 0,
			  "load-probe", timeout_s);
		t->have_primary = 1;
	}
	t->flow_interval_ms =
		cfg->flow_interval_ms ? cfg->flow_interval_ms : 1000;
	if (cfg->galera_nodes && cfg->galera_nodes->nr) {
		t->galera = xcalloc(cfg->galera_nodes->nr, sizeof(*t->galera));
		for (i = 0; i < cfg->galera_nodes->nr; i++) {
			const struct throttle_replica *r =
				&cfg->galera_nodes->items[i];
			struct galera_probe *gp = &t->galera[t->nr_galera];
			struct strbuf name = STRBUF_INIT;

			if (!*r->host) {
				if (!cfg->primary_opts)
					continue;
				conn_init(&gp->conn, cfg->primary_opts, NULL,
					  0, "flow-probe", timeout_s);
				gp->name = xstrdup(gp->conn.where);
			} else {
				if (!cfg->replica_opts)
					continue;
				throttle_replica_name(&name, r);
				gp->name = strbuf_detach(&name, NULL);
				conn_init(&gp->conn, cfg->replica_opts,
					  r->host, r->port ? r->port : 3306,
					  "flow-probe", timeout_s);
			}
			strbuf_init(&gp->problem, 0);
			gp->fc_paused = -1;
			t->nr_galera++;
		}
	}
	load_probe_init(&t->max_load, cfg->limits.max_load);
	load_probe_init(&t->critical_load, cfg->limits.critical_load);
	t->limits.max_load = &t->max_load.spec;
	t->limits.critical_load = &t->critical_load.spec;
	strbuf_init(&t->query_problem, 0);
	strbuf_init(&t->query_value, 0);
	throttle_decision_init(&t->last);
	return t;
}

static void *throttle_main(void *arg)
{
	struct throttler *t = arg;

	db_thread_init();
	pthread_mutex_lock(&t->lock);
	while (!t->stopping) {
		struct timespec until;
		long nsec;

		pthread_mutex_unlock(&t->lock);
		throttle_run_probes(t, throttle_now_ms());
		pthread_mutex_lock(&t->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		nsec = until.tv_nsec + TICK_MS * 1000000L;
		until.tv_sec += nsec / 1000000000L;
		until.tv_nsec = nsec % 1000000000L;
		while (!t->stopping &&
		       pthread_cond_timedwait(&t->cond, &t->lock, &until) !=
			       ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&t->lock);
	db_thread_end();
	return NULL;
}

int throttle_start(struct throttler *t, struct strbuf *err)
{
	if (t->running)
		return 0;
	/* One round now, so that the first check has readings. */
	throttle_run_probes(t, throttle_now_ms());
	t->stopping = 0;
	if (thread_create(&t->thread, throttle_main, t)) {
		strbuf_addstr(err, "cannot start the throttle thread");
		return -1;
	}
	t->running = 1;
	return 0;
}

void throttle_stop(struct throttler *t)
{
	if (!t || !t->running)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = 1;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	t->running = 0;
}

void throttle_free(struct throttler *t)
{
	size_t i;

	if (!t)
		return;
	throttle_stop(t);
	for (i = 0; i < t->nr_replicas; i++) {
		conn_release(&t->replicas[i].conn);
		free(t->replicas[i].name);
		strbuf_release(&t->replicas[i].problem);
	}
	free(t->replicas);
	for (i = 0; i < t->nr_galera; i++) {
		conn_release(&t->galera[i].conn);
		free(t->galera[i].name);
		strbuf_release(&t->galera[i].problem);
	}
	free(t->galera);
	if (t->have_primary)
		conn_release(&t->primary);
	load_probe_release(&t->max_load);
	load_probe_release(&t->critical_load);
	for (i = 0; i < t->nr_flag_files; i++)
		free(t->flag_files[i]);
	free(t->flag_files);
	free(t->changelog_db);
	free(t->changelog_table);
	free(t->query_sql);
	strbuf_release(&t->query_problem);
	strbuf_release(&t->query_value);
	throttle_decision_release(&t->last);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	free(t);
}

enum throttle_action throttle_check(struct throttler *t,
				    struct throttle_decision *out)
{
	enum throttle_action a;

	pthread_mutex_lock(&t->lock);
	decide_locked(t, throttle_now_ms(), out);
	a = t->last.action;
	pthread_mutex_unlock(&t->lock);
	return a;
}

void throttle_set_user(struct throttler *t, int on)
{
	pthread_mutex_lock(&t->lock);
	t->user_throttle = !!on;
	pthread_mutex_unlock(&t->lock);
}

void throttle_set_max_lag_ms(struct throttler *t, uint64_t max_lag_ms)
{
	pthread_mutex_lock(&t->lock);
	t->limits.max_lag_ms = max_lag_ms;
	pthread_mutex_unlock(&t->lock);
}

int throttle_set_max_load(struct throttler *t,
			  const struct throttle_load_spec *spec,
			  struct strbuf *err)
{
	if (!t->have_primary && spec && spec->nr) {
		strbuf_addstr(err, "max-load cannot be checked in this run "
			      "(no connection to the primary for probes)");
		return -1;
	}
	pthread_mutex_lock(&t->lock);
	load_probe_release(&t->max_load);
	load_probe_init(&t->max_load, spec);
	t->st.load_holding = 0;
	/* Until the thread reads the new variables the old reading does
	 * not apply: the load counts as not read yet (a short pause). */
	t->max_load_changed = 1;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

void throttle_snapshot_init(struct throttle_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	strbuf_init(&s->reason, 0);
	strbuf_init(&s->max_lag_replica, 0);
	strbuf_init(&s->max_load, 0);
	s->max_lag_ms = -1;
}

void throttle_snapshot_release(struct throttle_snapshot *s)
{
	strbuf_release(&s->reason);
	strbuf_release(&s->max_lag_replica);
	strbuf_release(&s->max_load);
}

void throttle_get_snapshot(struct throttler *t, struct throttle_snapshot *s)
{
	uint64_t now = throttle_now_ms();

	pthread_mutex_lock(&t->lock);
	s->action = t->last.action;
	s->cause = t->last.cause;
	strbuf_reset(&s->reason);
	strbuf_addbuf(&s->reason, &t->last.reason);
	s->max_lag_ms = t->last.max_lag_ms;
	strbuf_reset(&s->max_lag_replica);
	if (t->last.max_lag_replica)
		strbuf_addstr(&s->max_lag_replica, t->last.max_lag_replica);
	s->throttled_ms = t->throttled_ms;
	if (t->paused_since_ms && now > t->paused_since_ms)
		s->throttled_ms += now - t->paused_since_ms;
	s->max_lag_limit_ms = t->limits.max_lag_ms;
	s->user_throttle = t->user_throttle;
	strbuf_reset(&s->max_load);
	throttle_load_spec_format(&t->max_load.spec, &s->max_load);
	pthread_mutex_unlock(&t->lock);
}
