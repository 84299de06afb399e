/*
 * replica.c: which replicas to watch.
 *
 * Replicas come from --replica=HOST[:PORT] (repeatable) or are discovered
 * on the primary. Discovery reads the replica hosts list first (only
 * replicas started with report_host appear there with an address the tool
 * can connect to) and then the Binlog Dump threads in the process list,
 * whose client host is a replica's address but whose client port is not
 * its server port: those are assumed to listen on the primary's port, as
 * gh-ost assumes. The list is deduplicated by host and port.
 */
#include "util/compat.h"
#include "throttle/throttle.h"
#include "util/db.h"
#include "util/wrapper.h"

void throttle_replica_add(struct throttle_replica_list *list,
			  const char *host, unsigned int port)
{
	if (!port)
		port = 3306;
	if (throttle_replica_list_has(list, host, port))
		return;
	ALLOC_GROW(list->items, list->nr + 1, list->alloc);
	list->items[list->nr].host = xstrdup(host);
	list->items[list->nr].port = port;
	list->nr++;
}

int throttle_replica_list_has(const struct throttle_replica_list *list,
			      const char *host, unsigned int port)
{
	size_t i;

	if (!port)
		port = 3306;
	for (i = 0; i < list->nr; i++)
		if (list->items[i].port == port &&
		    !strcasecmp(list->items[i].host, host))
			return 1;
	return 0;
}

void throttle_replica_list_release(struct throttle_replica_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++)
		free(list->items[i].host);
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
	"SELECT ID, HOST FROM information_schema.PROCESSLIST "
	"WHERE COMMAND LIKE 'Binlog Dump%'";

int throttle_discover_replicas(struct db *primary, unsigned int default_port,
			       unsigned long own_server_id,
			       unsigned long own_thread_id,
			       struct throttle_replica_list *out,
			       struct strbuf *warnings, struct strbuf *err)
{
	struct throttle_replica_list reported = THROTTLE_REPLICA_LIST_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int c_id, c_host, c_port, n, ret = -1;
	size_t unreported = 0, i;

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
		unsigned int p = port ? (unsigned int)strtoul(port, NULL, 10)
				      : 0;

		if (id && own_server_id &&
		    strtoul(id, NULL, 10) == own_server_id)
			continue;
		if (!host || !*host) {
			unreported++;
			continue;
		}
		throttle_replica_add(&reported, host, p ? p : default_port);
	}
	if (n < 0)
		goto out;
	db_result_free(res);
	res = NULL;

	/* The process list: hosts come as "addr:clientport". */
	if (db_query(primary, SQL_DUMP_THREADS, &res, err) < 0)
		goto out;
	while ((n = db_result_next(res, &row, err)) > 0) {
		const char *id = row.values[0], *host = row.values[1];
		char *addr;
		const char *colon;
		int known = 0;

		if (!host || !id)
			continue;
		if (own_thread_id && strtoul(id, NULL, 10) == own_thread_id)
			continue;
		colon = strrchr(host, ':');
		addr = colon ? xstrndup(host, (size_t)(colon - host))
			     : xstrdup(host);
		if (addr[0] == '[' && addr[strlen(addr) - 1] == ']') {
			char *bare = xstrndup(addr + 1, strlen(addr) - 2);
			free(addr);
			addr = bare;
		}
		for (i = 0; i < reported.nr; i++)
			if (!strcasecmp(reported.items[i].host, addr))
				known = 1;
		if (!known && *addr &&
		    !throttle_replica_list_has(out, addr, default_port)) {
			strbuf_addf(warnings, "replica at %s did not report "
				    "its address (report_host); assuming port "
				    "%u, or give it with --replica\n", addr,
				    default_port);
			throttle_replica_add(out, addr, default_port);
		}
		free(addr);
	}
	if (n < 0)
		goto out;
	for (i = 0; i < reported.nr; i++)
		throttle_replica_add(out, reported.items[i].host,
				     reported.items[i].port);
	(void)unreported;
	ret = 0;
out:
	db_result_free(res);
	throttle_replica_list_release(&reported);
	return ret;
}
