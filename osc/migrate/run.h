/*
 * run.h: the state of one run of osc, shared by the phases.
 *
 * main() fills `opts` and `pf` (preflight); the ghost phase (ghost.c)
 * adds the parsed ALTER, the table models and the plan; the engine
 * (engine.c) adds the rest. Everything here is owned by the run and freed
 * by osc_run_release().
 */
#ifndef OSC_OSC_RUN_H
#define OSC_OSC_RUN_H

#include "util/compat.h"
#include "ddl/ddl.h"
#include "osc/migrate/settings.h"
#include "osc/migrate/preflight.h"
#include "util/strbuf.h"

/* What the engine did, for --summary-json and --history (main.c). */
struct osc_run_outcome {
	int swapped;		/* the new table is `t` */
	int instant;		/* by ALGORITHM=INSTANT */
	int uncertain;		/* a human must look (exit 4) */
	uint64_t rows_copied;
	uint64_t changes_replayed;
	double cutover_blocked_ms;
	/* --verify, when it ran (also when it failed the run) */
	int verified;
	uint64_t verify_chunks, verify_rows, verify_repaired;
	double verify_ms;
};

struct osc_run {
	const struct osc_options *opts;
	struct osc_preflight *pf;

	/* The ALTER text: --alter, or a resumed run's checkpoint's. */
	char *alter_text;
	struct ddl_alter alter;
	struct ddl_table source;
	struct ddl_table ghost;
	struct ddl_plan plan;
	char *source_create; /* SHOW CREATE TABLE of the table */
	char *ghost_create;  /* SHOW CREATE TABLE of the ghost */
	unsigned long long auto_increment; /* the table's counter; 0: none */
	/*
	 * The ghost took the ALTER with ALGORITHM=INSTANT, so the table
	 * very likely can too (--instant); otherwise instant_why holds the
	 * server's reason.
	 */
	int instant_ok;
	struct strbuf instant_why;

	struct osc_run_outcome outcome;

	int lock_held;		/* GET_LOCK taken on pf->db */
	int ghost_undo;		/* cleanup handle of the ghost, or -1 */
	int changelog_undo;	/* cleanup handle of the changelog, or -1 */
};

void osc_run_init(struct osc_run *run, const struct osc_options *opts,
		  struct osc_preflight *pf);
void osc_run_release(struct osc_run *run);

/*
 * Take GET_LOCK(lock name, 0) on the main connection, so that no other
 * run works on the table while this one creates objects. Returns -1 with
 * err when another session holds it.
 */
int osc_run_take_lock(struct osc_run *run, struct strbuf *err);

/*
 * The ghost phase: read the table's definition, create the ghost
 * (CREATE TABLE ... LIKE, the table's AUTO_INCREMENT, then the user's
 * ALTER), read the ghost's definition back and build the final plan. The
 * ghost's undo is on the cleanup stack before it is created. Returns -1
 * with err (one line) on failure.
 */
int osc_ghost_create(struct osc_run *run, struct strbuf *err);

/*
 * The data checks a dangerous plan needs before any copy: no duplicates
 * for a unique key the ALTER adds or narrows, no NULL in a column made
 * NOT NULL. Prints one error per failed check; returns the number of
 * failures, or -1 with err when a query fails.
 */
int osc_ghost_check_data(struct osc_run *run, struct strbuf *err);

/*
 * --instant: run the user's ALTER on the table itself with
 * ALGORITHM=INSTANT, on the main connection, with lock_wait_timeout set
 * to --cut-over-lock-timeout so that writers queued behind the ALTER's
 * metadata lock wait no longer than at a cut-over; a lock wait that runs
 * out is retried up to --cut-over-retries times. Returns 0 when the table
 * was altered (*blocked_ms: how long the statement took), 1 when the
 * server refused ALGORITHM=INSTANT for the table (err: its reason; the
 * table is unchanged), -1 with err on any other failure (unchanged too:
 * an ALTER is atomic).
 */
int osc_instant_apply(struct osc_run *run, double *blocked_ms,
		      struct strbuf *err);

/*
 * Whether the table's definition differs now from the one the ghost was
 * built from (AUTO_INCREMENT aside): 1 changed, 0 the same, -1 with err.
 * For the moments no applier watches the binary log for DDL.
 */
int osc_source_changed(struct osc_run *run, struct strbuf *err);

/*
 * The ghost phase of a resumed run: the ghost exists already. Parse the
 * ALTER, read the table's and the ghost's definitions and build the plan
 * from them, as osc_ghost_create() does, creating nothing. Returns -1
 * with err (one phrase) when a definition cannot be read or the plan
 * cannot be built.
 */
int osc_ghost_open(struct osc_run *run, struct strbuf *err);

/* Drop the ghost now (dry run) and forget its undo. */
int osc_ghost_drop(struct osc_run *run, struct strbuf *err);

/*
 * A cleanup-stack undo that drops table `db`.`table` over a connection of
 * its own (the main one may be the reason we are cleaning up). Returns
 * the cleanup handle. The table must be one this run creates.
 */
int osc_push_drop_table(struct osc_run *run, const char *table);

/* `db`.`name` quoted, for messages and SQL. */
void osc_run_qname(struct strbuf *out, const struct osc_run *run,
		   const char *name);

#endif
