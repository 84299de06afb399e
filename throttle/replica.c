/*
 * replica.c: which replicas to watch.
 *
 * Replicas come from --replica=HOST[:PORT] (repeatable) or are discovered
 * on the primary. Only a server in the primary's replica hosts list (SHOW
 * SLAVE HOSTS / SHOW REPLICAS) is a replica: a Binlog Dump connection that
 * is not in it is some other binlog reader (another osc run, a CDC tool,
 * mysqlbinlog --read-from-remote-server) and is never waited for; so are
 * the rows osc's own readers register (report host "osc", a server id in
 * osc's range). A replica is reached over TCP at the address it reports
 * (report_host, report_port); when it reports no host, the hosts of the
 * Binlog Dump connections are the candidates, with the port it reported,
 * and the one where a server with its server id answers is it. Never the
 * primary's port, never the local socket: "localhost" is 127.0.0.1.
 *
 * The same server reached twice (given with --replica and discovered, or
 * under two names) is watched once: throttle_replicas_resolve() connects
 * to each and compares server_id and server_uuid.
 */
#include "util/compat.h"
#include "throttle/throttle.h"
#include "util/db.h"
#include "util/log.h"
#include "util/wrapper.h"

/* "localhost" is the local socket to the client library: use TCP. */
static const char *tcp_host(const char *host)
{
	return !strcasecmp(host, "localhost") ? "127.0.0.1" : host;
}

static struct throttle_replica *append(struct throttle_replica_list *list,
				       const char *host, unsigned int port)
{
	struct throttle_replica *r;

	ALLOC_GROW(list->items, list->nr + 1, list->alloc);
	r = &list->items[list->nr++];
	memset(r, 0, sizeof(*r));
	r->host = xstrdup(tcp_host(host));
	r->port = port;
	return r;
}

void throttle_replica_add(struct throttle_replica_list *list,
			  const char *host, unsigned int port)
{
	if (!port)
		port = 3306;
	if (throttle_replica_list_has(list, host, port))
		return;
	append(list, host, port);
}

int throttle_replica_list_has(const struct throttle_replica_list *list,
			      const char *host, unsigned int port)
{
	size_t i;

	if (!port)
		port = 3306;
	host = tcp_host(host);
	for (i = 0; i < list->nr; i++)
		if (list->items[i].port == port &&
		    !strcasecmp(list->items[i].host, host))
			return 1;
	return 0;
}

void throttle_replica_list_release(struct throttle_replica_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++) {
		free(list->items[i].host);
		free(list->items[i].uuid);
	}
	FREE_AND_NULL(list->items);
	list->nr = list->alloc = 0;
}

void throttle_replica_name(struct strbuf *out, const struct throttle_replica *r)
{
	if (strchr(r->host, ':'))
		strbuf_addf(out, "[%s]:%u", r->host, r->port ? r->port : 3306);
	else
		strbuf_addf(out, "%s:%u", r->host, r->port ? r->port : 3306);
}

static int parse_port(const char *s, unsigned int *port)
{
	unsigned long v = 0;
	const char *p;

	if (!*s || strlen(s) > 5)
		return -1;
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (unsigned int)v;
	return 0;
}

int throttle_replica_parse(struct throttle_replica_list *list,
			   const char *spec, struct strbuf *err)
{
	char *host = NULL;
	const char *port_text = NULL;
	unsigned int port = 3306;
	int ret = -1;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || close == spec + 1)
			goto bad;
		host = xstrndup(spec + 1, (size_t)(close - spec - 1));
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1])
			goto bad;
	} else {
		const char *colon = strchr(spec, ':');

		if (colon && strchr(colon + 1, ':'))
			goto bad;	/* IPv6 needs brackets */
		host = colon ? xstrndup(spec, (size_t)(colon - spec))
			     : xstrdup(spec);
		if (colon)
			port_text = colon + 1;
	}
	if (!*host)
		goto bad;
	if (port_text && parse_port(port_text, &port) < 0)
		goto bad;
	throttle_replica_add(list, host, port);
	ret = 0;
	goto out;
bad:
	strbuf_addf(err, "invalid replica '%s': expected HOST[:PORT] "
		    "(an IPv6 address in brackets: [::1]:3306)", spec);
out:
	free(host);
	return ret;
}

static int col_index(struct db_result *res, const char *name)
{
	unsigned int i;

	for (i = 0; i < db_result_ncols(res); i++)
		if (!strcasecmp(db_result_colname(res, i), name))
			return (int)i;
	return -1;
}

/*
 * Run the first of `queries` that the server knows (MySQL 8.0.22 renamed
 * SHOW SLAVE HOSTS to SHOW REPLICAS and 8.4 removed the old name; MariaDB
 * 10.5 added SHOW REPLICA HOSTS). ER_PARSE_ERROR (1064) moves on.
 */
static int query_first_known(struct db *db, const char *const *queries,
			     struct db_result **res, struct strbuf *err)
{
	size_t i;

	for (i = 0; queries[i]; i++) {
		struct strbuf e = STRBUF_INIT;

		if (!db_query(db, queries[i], res, &e)) {
			strbuf_release(&e);
			return 0;
		}
		if (db_errno(db) != 1064 || !queries[i + 1]) {
			strbuf_addbuf(err, &e);
			strbuf_release(&e);
			return -1;
		}
		strbuf_release(&e);
	}
	return -1;
}

static const char *const SQL_REPLICA_HOSTS[] = {
	"SHOW REPLICAS", "SHOW REPLICA HOSTS", "SHOW SLAVE HOSTS", NULL
};

/* Binlog Dump threads; also MySQL's "Binlog Dump GTID". Needs PROCESS. */
static const char SQL_DUMP_THREADS[] =
	"SELECT HOST FROM information_schema.PROCESSLIST "
	"WHERE COMMAND LIKE 'Binlog Dump%'";

/* The address part of a process-list host "addr:port" / "[v6]:port". */
static char *dump_thread_host(const char *host)
{
	const char *colon = strrchr(host, ':');
	char *addr;

	if (colon && strchr(host, ':') != colon && host[0] != '[')
		colon = NULL;	/* a bare IPv6 address */
	addr = colon ? xstrndup(host, (size_t)(colon - host)) : xstrdup(host);
	if (addr[0] == '[' && strlen(addr) > 1 &&
	    addr[strlen(addr) - 1] == ']') {
		char *bare = xstrndup(addr + 1, strlen(addr) - 2);

		free(addr);
		addr = bare;
	}
	return addr;
}

int throttle_is_osc_reader(unsigned long server_id, const char *host,
			   unsigned long osc_id_min)
{
	return osc_id_min && server_id >= osc_id_min && host &&
	       !strcmp(host, "osc");
}

int throttle_discover_replicas(struct db *primary, unsigned long own_server_id,
			       unsigned long osc_id_min,
			       struct throttle_replica_list *out,
			       struct strbuf *notes, struct strbuf *err)
{
	struct throttle_replica_list hosts = THROTTLE_REPLICA_LIST_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int c_id, c_host, c_port, n, ret = -1;
	size_t i, first = out->nr;

	if (query_first_known(primary, SQL_REPLICA_HOSTS, &res, err) < 0)
		goto out;
	c_id = col_index(res, "Server_id");
	c_host = col_index(res, "Host");
	c_port = col_index(res, "Port");
	if (c_id < 0 || c_host < 0 || c_port < 0) {
		strbuf_addstr(err, "unexpected columns in the replica hosts "
			      "list");
		goto out;
	}
	while ((n = db_result_next(res, &row, err)) > 0) {
		const char *id = row.values[c_id], *host = row.values[c_host];
		const char *port = row.values[c_port];
		unsigned long sid = id ? strtoul(id, NULL, 10) : 0;
		unsigned long p = port ? strtoul(port, NULL, 10) : 0;
		struct throttle_replica *r;

		if (own_server_id && sid == own_server_id)
			continue;
		if (throttle_is_osc_reader(sid, host, osc_id_min)) {
			strbuf_addf(notes, "server id %lu is another osc "
				    "run's binlog reader, not a replica\n",
				    sid);
			continue;
		}
		if (p > 65535)
			p = 0;
		/* Empty host: filled from the process list below. */
		r = append(out, host ? host : "", (unsigned int)p);
		r->server_id = (uint32_t)sid;
		r->discovered = 1;
	}
	if (n < 0)
		goto out;
	db_result_free(res);
	res = NULL;

	for (i = first; i < out->nr; i++)
		if (!*out->items[i].host && out->items[i].port)
			break;
	if (i == out->nr) {
		ret = 0;
		goto out;
	}
	/*
	 * A replica without report_host: it is one of the Binlog Dump
	 * connections; each of their hosts is a candidate (with its port).
	 */
	if (db_query(primary, SQL_DUMP_THREADS, &res, err) < 0)
		goto out;
	while ((n = db_result_next(res, &row, err)) > 0) {
		char *addr;

		if (!row.values[0])
			continue;
		addr = dump_thread_host(row.values[0]);
		if (*addr && !throttle_replica_list_has(&hosts, addr, 1))
			append(&hosts, addr, 1);
		free(addr);
	}
	if (n < 0)
		goto out;
	for (i = first; i < out->nr; i++) {
		struct throttle_replica r = out->items[i];
		size_t j;

		if (*r.host || !r.port)
			continue;
		if (!hosts.nr)
			strbuf_addf(notes, "replica with server id %u reported "
				    "no host, and no Binlog Dump connection is "
				    "visible (the PROCESS privilege shows "
				    "them)\n", r.server_id);
		for (j = 0; j < hosts.nr; j++) {
			struct throttle_replica *g =
				append(out, hosts.items[j].host, r.port);

			g->server_id = r.server_id;
			g->discovered = 1;
			g->guessed = 1;
		}
	}
	ret = 0;
out:
	db_result_free(res);
	throttle_replica_list_release(&hosts);
	return ret;
}

/* Connect over TCP and read the server's identity. */
static int identify(const struct db_options *base, unsigned int timeout_s,
		    const char *host, unsigned int port, uint32_t *server_id,
		    char **uuid, struct strbuf *err)
{
	struct db_options o = *base;
	struct strbuf val = STRBUF_INIT, ignored = STRBUF_INIT;
	unsigned long long id = 0;
	struct db *db;
	int is_null = 0;

	o.host = host;
	o.port = port ? port : 3306;
	o.socket = NULL;
	o.connect_timeout_s = timeout_s;
	o.read_timeout_s = timeout_s;
	o.write_timeout_s = timeout_s;
	o.multi_statements = 0;
	db = db_connect(&o, "replica-check", NULL, err);
	if (!db)
		return -1;
	if (db_query_u64(db, "SELECT @@server_id", &id, err) < 0) {
		db_close(db);
		return -1;
	}
	*server_id = (uint32_t)id;
	*uuid = NULL;
	/* MySQL has it; MariaDB does not (then the server id decides). */
	if (db_query_value(db, "SELECT @@server_uuid", &val, &is_null,
			   &ignored) > 0 && !is_null && val.len)
		*uuid = strbuf_detach(&val, NULL);
	strbuf_release(&val);
	strbuf_release(&ignored);
	db_close(db);
	return 0;
}

static int same_server(uint32_t id_a, const char *uuid_a, uint32_t id_b,
		       const char *uuid_b)
{
	if (uuid_a && uuid_b)
		return !strcmp(uuid_a, uuid_b);
	return id_a == id_b;
}

int throttle_replicas_resolve(const struct throttle_replica_list *in,
			      const struct throttle_replica_list *ignore,
			      const struct db_options *opts,
			      unsigned int timeout_s, uint32_t primary_id,
			      const char *primary_uuid,
			      struct throttle_replica_list *out,
			      struct strbuf *notes, struct strbuf *problems)
{
	struct strbuf name = STRBUF_INIT, why = STRBUF_INIT;
	unsigned char *done = xcalloc(in->nr + 1, 1);
	size_t i, j, nr_problems = 0;

	/* Ignored ones are not reached; a guess of one ignores its id. */
	for (i = 0; i < in->nr; i++) {
		const struct throttle_replica *r = &in->items[i];
		struct throttle_replica *o;

		if (done[i] || !*r->host || !ignore ||
		    !throttle_replica_list_has(ignore, r->host, r->port))
			continue;
		for (j = 0; j < in->nr; j++)
			if (j == i || (r->discovered && in->items[j].discovered &&
				       in->items[j].server_id == r->server_id))
				done[j] = 1;
		o = append(out, r->host, r->port);
		o->server_id = r->server_id;
		o->discovered = r->discovered;
		o->ignored = 1;
	}
	for (i = 0; i < in->nr; i++) {
		const struct throttle_replica *r = &in->items[i];
		uint32_t id = 0;
		char *uuid = NULL;
		int dup = 0;

		if (done[i] || !*r->host || !r->port)
			continue;
		strbuf_reset(&name);
		throttle_replica_name(&name, r);
		strbuf_reset(&why);
		if (identify(opts, timeout_s, r->host, r->port, &id, &uuid,
			     &why) < 0) {
			if (r->guessed) {
				strbuf_addf(notes, "replica with server id %u "
					    "is not at %s: %s\n", r->server_id,
					    name.buf, why.buf);
				continue;
			}
			strbuf_addf(problems, "cannot reach the replica %s "
				    "(%s): %s\n", name.buf,
				    r->discovered ? "as the primary reports it"
						  : "--replica", why.buf);
			nr_problems++;
			done[i] = 1;
			continue;
		}
		if (r->discovered && id != r->server_id) {
			strbuf_addf(notes, "%s is server id %u, not the "
				    "replica with server id %u\n", name.buf,
				    id, r->server_id);
			free(uuid);
			if (!r->guessed) {
				strbuf_addf(problems, "the replica with server "
					    "id %u reports the address %s, "
					    "where server id %u answers\n",
					    r->server_id, name.buf, id);
				nr_problems++;
				done[i] = 1;
			}
			continue;
		}
		done[i] = 1;
		if (same_server(id, uuid, primary_id, primary_uuid)) {
			strbuf_addf(notes, "%s is the primary itself, not a "
				    "replica: not watched\n", name.buf);
			free(uuid);
			continue;
		}
		/* Every other entry of the same discovered replica is it. */
		for (j = 0; j < in->nr; j++)
			if (r->discovered && in->items[j].discovered &&
			    in->items[j].server_id == id)
				done[j] = 1;
		for (j = 0; j < out->nr && !dup; j++) {
			if (out->items[j].ignored ||
			    !same_server(id, uuid, out->items[j].server_id,
					 out->items[j].uuid))
				continue;
			dup = 1;
			strbuf_reset(&why);
			throttle_replica_name(&why, &out->items[j]);
			strbuf_addf(notes, "%s is the same server as %s "
				    "(server id %u): watched once\n", name.buf,
				    why.buf, id);
		}
		if (dup) {
			free(uuid);
			continue;
		}
		{
			struct throttle_replica *o =
				append(out, r->host, r->port);

			o->server_id = id;
			o->uuid = uuid;
			o->discovered = r->discovered;
		}
	}
	/* Discovered replicas none of whose addresses answered. */
	for (i = 0; i < in->nr; i++) {
		const struct throttle_replica *r = &in->items[i];
		struct strbuf tried = STRBUF_INIT;

		if (done[i] || !r->discovered)
			continue;
		for (j = i; j < in->nr; j++) {
			if (!in->items[j].discovered ||
			    in->items[j].server_id != r->server_id)
				continue;
			done[j] = 1;
			if (!*in->items[j].host)
				continue;
			strbuf_addstr(&tried, tried.len ? ", " : "");
			throttle_replica_name(&tried, &in->items[j]);
		}
		if (!r->port)
			strbuf_addf(problems, "the replica with server id %u "
				    "reports no port (report_port=0)\n",
				    r->server_id);
		else if (tried.len)
			strbuf_addf(problems, "cannot reach the replica with "
				    "server id %u: it reports no host "
				    "(report_host) and is not at %s\n",
				    r->server_id, tried.buf);
		else
			strbuf_addf(problems, "cannot reach the replica with "
				    "server id %u: it reports no host "
				    "(report_host) and its connection is not "
				    "in the process list\n", r->server_id);
		nr_problems++;
		strbuf_release(&tried);
	}
	free(done);
	strbuf_release(&name);
	strbuf_release(&why);
	return nr_problems ? -1 : 0;
}
