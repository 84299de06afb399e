/*
 * galera.h: what osc knows about a MariaDB Galera node (issue 16), and
 * what it checks there before it creates anything.
 *
 * osc_galera_read() fills the facts from the node's wsrep variables and
 * status (a server without wsrep, MySQL, has none: on = 0). With wsrep on,
 * osc_galera_check() appends one line per problem to `problems` (the
 * preflight prints each as an error) and finds the cluster's nodes: the
 * ones given with --galera-node, or those of wsrep_incoming_addresses,
 * each reached over TCP to read its server id, so that a change made on
 * another node can be told by the server id its row events carry in this
 * node's binary log (measured on 10.11.19: the origin's id is kept), and
 * so that the throttler can watch every node's receive queue.
 *
 * The facts own their strings; osc_galera_facts_release() frees them.
 */
#ifndef OSC_MIGRATE_GALERA_H
#define OSC_MIGRATE_GALERA_H

#include "util/compat.h"
#include <stdint.h>
#include "throttle/throttle.h"
#include "util/db.h"
#include "util/strbuf.h"

struct osc_galera_facts {
	int on;			/* @@wsrep_on */
	char *provider_name;	/* status wsrep_provider_name: "Galera" */
	char *provider_version;	/* status wsrep_provider_version */
	char *cluster_name;	/* @@wsrep_cluster_name */
	unsigned long cluster_size;	/* status wsrep_cluster_size */
	char *cluster_status;	/* status wsrep_cluster_status: "Primary" */
	char *local_state;	/* status wsrep_local_state_comment */
	char *osu_method;	/* @@wsrep_OSU_method: TOI, RSU */
	uint64_t max_ws_rows;	/* @@wsrep_max_ws_rows; 0: no limit */
	uint64_t max_ws_size;	/* @@wsrep_max_ws_size, bytes */
	char *incoming;		/* status wsrep_incoming_addresses */
	char *gcomm_uuid;	/* status wsrep_gcomm_uuid: this node */
	/*
	 * Every node of the cluster, this one included (`self`), with its
	 * server id (throttle_replica's fields: host, port, server_id; the
	 * `discovered` flag says it came from wsrep_incoming_addresses).
	 */
	struct throttle_replica_list nodes;
	size_t self;		/* index of this node in `nodes` */
};

#define OSC_GALERA_FACTS_INIT                                                  \
	{ 0, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL,          \
	  THROTTLE_REPLICA_LIST_INIT, 0 }

/*
 * Read wsrep_on and, when it is on, the rest of the facts on `db`. 0, or
 * -1 with one line in `err` when the variables cannot be read.
 */
int osc_galera_read(struct db *db, struct osc_galera_facts *g,
		    struct strbuf *err);

/*
 * The checks of a Galera node (g->on): the node is Synced in the primary
 * component, wsrep_OSU_method is TOI (osc's CREATE, DROP and RENAME must
 * reach every node), and the nodes (`given`, or the incoming addresses)
 * answer over TCP with `opts` (host and port replaced) and have server
 * ids of their own. `where` names this node, `own_server_id` is its id.
 * One line per problem to `problems`; lines worth saying with -v to
 * `notes`.
 */
void osc_galera_check(struct osc_galera_facts *g, const char *where,
		      uint64_t own_server_id,
		      const struct throttle_replica_list *given,
		      const struct db_options *opts, unsigned int timeout_s,
		      struct strbuf *notes, struct strbuf *problems);

/*
 * The most rows a copy chunk may hold so that its writeset stays under
 * wsrep_max_ws_rows and wsrep_max_ws_size, given the table's average row
 * size in bytes (pure). A chunk is one writeset: the rows go into the
 * ghost. Half of each limit, for the key and the binlog events' own
 * overhead; 0: no limit.
 */
uint64_t osc_galera_max_chunk_rows(const struct osc_galera_facts *g,
				   uint64_t avg_row_bytes);

/* One line for the dry run: "cluster 'c', 3 nodes, Primary, ...". */
void osc_galera_describe(const struct osc_galera_facts *g,
			 struct strbuf *out);
/* The nodes: "127.0.0.1:3306 (this node, server_id 1), ...". */
void osc_galera_describe_nodes(const struct osc_galera_facts *g,
			       struct strbuf *out);

void osc_galera_facts_release(struct osc_galera_facts *g);

#endif
