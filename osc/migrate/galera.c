/*
 * galera.c: the facts and checks of a MariaDB Galera node (galera.h,
 * issue 16).
 *
 * What was measured on MariaDB 10.11.19 with galera 26.4 on a 3-node
 * loopback cluster (tests/e2e/galera-lib.sh), and what this file rests
 * on:
 *  - a node with log_bin on writes every writeset it applies from the
 *    other nodes to its own binary log, in the cluster's total order,
 *    with log_slave_updates ON and also OFF: log_bin, ROW and FULL row
 *    images (checked for every server) are what makes it complete;
 *  - those row events carry the server id of the node where the change
 *    was made (GTID 0-2-N, "server id 2" in node 1's binlog), so a node
 *    tells its own writes from the others' when the ids differ;
 *  - a TOI RENAME lands in every node's binlog at the same place in that
 *    order: the writesets ordered before it changed the old table, those
 *    after it the new one, and a transaction in flight on another node
 *    is aborted with 1213 (the client retries it).
 */
#include "util/compat.h"
#include "osc/migrate/galera.h"
#include "util/log.h"
#include "util/wrapper.h"

static const char SQL_WSREP_VARIABLES[] =
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('wsrep_on', "
    "'wsrep_cluster_name', 'wsrep_OSU_method', 'wsrep_max_ws_rows', "
    "'wsrep_max_ws_size')";
static const char SQL_WSREP_STATUS[] =
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_provider_name', "
    "'wsrep_provider_version', 'wsrep_cluster_size', "
    "'wsrep_cluster_status', 'wsrep_local_state_comment', "
    "'wsrep_incoming_addresses', 'wsrep_gcomm_uuid')";
static const char SQL_NODE_IDENTITY[] =
    "SELECT @@server_id, (SELECT VARIABLE_VALUE FROM "
    "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
    "'WSREP_GCOMM_UUID')";

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value ? value : "");
}

static uint64_t to_u64(const char *v)
{
	return v ? strtoull(v, NULL, 10) : 0;
}

/* Each name/value row of `sql` through take(). */
static int read_pairs(struct db *db, const char *sql,
		      struct osc_galera_facts *g,
		      void (*take)(struct osc_galera_facts *, const char *,
				   const char *),
		      struct strbuf *err)
{
	struct db_result *res = NULL;
	struct db_row row;
	int n;

	if (db_query(db, sql, &res, err) < 0)
		return -1;
	while ((n = db_result_next(res, &row, err)) > 0)
		if (row.ncols >= 2 && row.values[0])
			take(g, row.values[0],
			     row.values[1] ? row.values[1] : "");
	db_result_free(res);
	return n < 0 ? -1 : 0;
}

static void take_variable(struct osc_galera_facts *g, const char *name,
			  const char *v)
{
	if (!strcasecmp(name, "wsrep_on"))
		g->on = !strcasecmp(v, "ON") || !strcmp(v, "1");
	else if (!strcasecmp(name, "wsrep_cluster_name"))
		set_str(&g->cluster_name, v);
	else if (!strcasecmp(name, "wsrep_OSU_method"))
		set_str(&g->osu_method, v);
	else if (!strcasecmp(name, "wsrep_max_ws_rows"))
		g->max_ws_rows = to_u64(v);
	else if (!strcasecmp(name, "wsrep_max_ws_size"))
		g->max_ws_size = to_u64(v);
}

static void take_status(struct osc_galera_facts *g, const char *name,
			const char *v)
{
	if (!strcasecmp(name, "wsrep_provider_name"))
		set_str(&g->provider_name, v);
	else if (!strcasecmp(name, "wsrep_provider_version"))
		set_str(&g->provider_version, v);
	else if (!strcasecmp(name, "wsrep_cluster_size"))
		g->cluster_size = (unsigned long)to_u64(v);
	else if (!strcasecmp(name, "wsrep_cluster_status"))
		set_str(&g->cluster_status, v);
	else if (!strcasecmp(name, "wsrep_local_state_comment"))
		set_str(&g->local_state, v);
	else if (!strcasecmp(name, "wsrep_incoming_addresses"))
		set_str(&g->incoming, v);
	else if (!strcasecmp(name, "wsrep_gcomm_uuid"))
		set_str(&g->gcomm_uuid, v);
}

int osc_galera_read(struct db *db, struct osc_galera_facts *g,
		    struct strbuf *err)
{
	g->on = 0;
	/* MySQL, or a MariaDB without wsrep: no rows, not a Galera node. */
	if (read_pairs(db, SQL_WSREP_VARIABLES, g, take_variable, err) < 0)
		return -1;
	if (!g->on)
		return 0;
	return read_pairs(db, SQL_WSREP_STATUS, g, take_status, err);
}

/*
 * Reach one node and read its server id and gcomm uuid. 0, or -1 with the
 * reason in `err`.
 */
static int identify(const struct db_options *base, unsigned int timeout_s,
		    struct throttle_replica *node, struct strbuf *uuid,
		    struct strbuf *err)
{
	struct db_options o = *base;
	struct db_result *res = NULL;
	struct db_row row;
	struct db *db;
	int ret = -1;

	o.host = node->host;
	o.port = node->port;
	o.socket = NULL;
	o.connect_timeout_s = timeout_s;
	o.read_timeout_s = timeout_s;
	o.write_timeout_s = timeout_s;
	db = db_connect(&o, "galera-node", NULL, err);
	if (!db)
		return -1;
	if (db_query(db, SQL_NODE_IDENTITY, &res, err) < 0)
		goto out;
	if (db_result_next(res, &row, err) <= 0 || row.ncols < 2) {
		if (!err->len)
			strbuf_addstr(err, "no answer to SELECT @@server_id");
		goto out;
	}
	node->server_id = (uint32_t)to_u64(row.values[0]);
	strbuf_addstr(uuid, row.values[1] ? row.values[1] : "");
	ret = 0;
out:
	db_result_free(res);
	db_close(db);
	return ret;
}

/* The nodes to reach: those given, or the incoming addresses. */
static void collect_nodes(struct osc_galera_facts *g,
			  const struct throttle_replica_list *given,
			  struct strbuf *problems)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;

	if (given && given->nr) {
		for (i = 0; i < given->nr; i++)
			throttle_replica_add(&g->nodes, given->items[i].host,
					     given->items[i].port);
		return;
	}
	{
		char *list = xstrdup(g->incoming ? g->incoming : "");
		char *p = list, *comma;

		while (*p) {
			comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			strbuf_reset(&err);
			if (*p &&
			    throttle_replica_parse(&g->nodes, p, &err) < 0)
				strbuf_addf(problems,
					    "the Galera node address '%s' "
					    "(wsrep_incoming_addresses) is not "
					    "HOST:PORT; name the nodes with "
					    "--galera-node=HOST:PORT\n",
					    p);
			if (!comma)
				break;
			p = comma + 1;
		}
		free(list);
	}
	for (i = 0; i < g->nodes.nr; i++)
		g->nodes.items[i].discovered = 1;
	strbuf_release(&err);
}

void osc_galera_check(struct osc_galera_facts *g, const char *where,
		      uint64_t own_server_id,
		      const struct throttle_replica_list *given,
		      const struct db_options *opts, unsigned int timeout_s,
		      struct strbuf *notes, struct strbuf *problems)
{
	struct strbuf err = STRBUF_INIT, uuid = STRBUF_INIT;
	struct strbuf name = STRBUF_INIT;
	size_t i;
	int found_self = 0;

	if (!g->on)
		return;
	if (strcasecmp(g->cluster_status ? g->cluster_status : "", "Primary"))
		strbuf_addf(problems,
			    "Galera node %s is not in the primary component "
			    "(wsrep_cluster_status=%s): its writes would not "
			    "reach the cluster; run osc on a node of the "
			    "primary component\n",
			    where, g->cluster_status ? g->cluster_status : "");
	else if (strcasecmp(g->local_state ? g->local_state : "", "Synced"))
		strbuf_addf(problems,
			    "Galera node %s is %s, not Synced; wait until it "
			    "is (wsrep_local_state_comment) and run osc "
			    "again\n",
			    where, g->local_state ? g->local_state : "");
	if (strcasecmp(g->osu_method ? g->osu_method : "", "TOI"))
		strbuf_addf(problems,
			    "wsrep_OSU_method is %s on Galera node %s: osc's "
			    "CREATE, DROP and RENAME would change this node "
			    "alone; SET GLOBAL wsrep_OSU_method = 'TOI'\n",
			    g->osu_method ? g->osu_method : "", where);

	collect_nodes(g, given, problems);
	for (i = 0; i < g->nodes.nr; i++) {
		struct throttle_replica *n = &g->nodes.items[i];

		strbuf_reset(&err);
		strbuf_reset(&uuid);
		strbuf_reset(&name);
		throttle_replica_name(&name, n);
		if (identify(opts, timeout_s, n, &uuid, &err) < 0) {
			strbuf_addf(problems,
				    "cannot reach Galera node %s%s: %s; osc "
				    "watches every node's flow control: name "
				    "the nodes with --galera-node=HOST:PORT\n",
				    name.buf,
				    n->discovered
					? " (wsrep_incoming_addresses)"
					: "",
				    err.buf);
			continue;
		}
		if (!found_self && g->gcomm_uuid && uuid.len &&
		    !strcmp(uuid.buf, g->gcomm_uuid)) {
			found_self = 1;
			g->self = i;
			strbuf_addf(notes, "Galera node %s is this node "
				    "(server_id %u)\n",
				    name.buf, (unsigned)n->server_id);
			continue;
		}
		strbuf_addf(notes, "Galera node %s: server_id %u\n", name.buf,
			    (unsigned)n->server_id);
		if (n->server_id == own_server_id)
			strbuf_addf(problems,
				    "Galera nodes %s and %s share server_id "
				    "%" PRIu64 ": osc tells a change made on "
				    "another node by the server id in the "
				    "binary log; give each node its own "
				    "server_id\n",
				    where, name.buf, own_server_id);
	}
	if (!found_self) {
		/* Given nodes need not list this one: add it, unprobed. */
		g->self = g->nodes.nr;
		throttle_replica_add(&g->nodes, "", 0);
		g->nodes.items[g->self].server_id = (uint32_t)own_server_id;
	}
	strbuf_release(&err);
	strbuf_release(&uuid);
	strbuf_release(&name);
}

uint64_t osc_galera_max_chunk_rows(const struct osc_galera_facts *g,
				   uint64_t avg_row_bytes)
{
	uint64_t max = 0;

	if (!g->on)
		return 0;
	if (g->max_ws_rows)
		max = g->max_ws_rows / 2 ? g->max_ws_rows / 2 : 1;
	if (g->max_ws_size && avg_row_bytes) {
		uint64_t by_size = g->max_ws_size / 2 / avg_row_bytes;

		if (!by_size)
			by_size = 1;
		if (!max || by_size < max)
			max = by_size;
	}
	return max;
}

void osc_galera_describe(const struct osc_galera_facts *g,
			 struct strbuf *out)
{
	strbuf_addf(out,
		    "node of cluster '%s', %lu node%s, %s, %s; %s %s; "
		    "wsrep_OSU_method=%s wsrep_max_ws_rows=%" PRIu64
		    " wsrep_max_ws_size=%" PRIu64,
		    g->cluster_name ? g->cluster_name : "", g->cluster_size,
		    g->cluster_size == 1 ? "" : "s",
		    g->cluster_status ? g->cluster_status : "?",
		    g->local_state ? g->local_state : "?",
		    g->provider_name ? g->provider_name : "?",
		    g->provider_version ? g->provider_version : "?",
		    g->osu_method ? g->osu_method : "?", g->max_ws_rows,
		    g->max_ws_size);
}

void osc_galera_describe_nodes(const struct osc_galera_facts *g,
			       struct strbuf *out)
{
	struct strbuf name = STRBUF_INIT;
	size_t i;

	for (i = 0; i < g->nodes.nr; i++) {
		const struct throttle_replica *n = &g->nodes.items[i];

		strbuf_reset(&name);
		if (n->host && *n->host)
			throttle_replica_name(&name, n);
		else
			strbuf_addstr(&name, "this node");
		strbuf_addf(out, "%s%s (%sserver_id %u)", i ? ", " : "",
			    name.buf, i == g->self && *n->host ? "this node, "
							       : "",
			    (unsigned)n->server_id);
	}
	strbuf_release(&name);
}

void osc_galera_facts_release(struct osc_galera_facts *g)
{
	free(g->provider_name);
	free(g->provider_version);
	free(g->cluster_name);
	free(g->cluster_status);
	free(g->local_state);
	free(g->osu_method);
	free(g->incoming);
	free(g->gcomm_uuid);
	throttle_replica_list_release(&g->nodes);
	memset(g, 0, sizeof(*g));
}
