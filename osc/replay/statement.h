/*
 * statement.h: the replay's SQL text, built from decoded row events.
 *
 * Pure: takes the plan and decoded rows, returns text; no connection, no
 * printing, no exit. The applier thread (applier.c) queues each row event
 * of a transaction here while it reads (the decoded values are only valid
 * until the next event) and asks for the statements at COMMIT.
 *
 * Each row becomes one queued operation on the ghost, in the plan's
 * column mapping (DESIGN.md section 4):
 *   insert            upsert of the after-image
 *   update            delete of the before-image key when the key changes,
 *                     then upsert of the after-image
 *   delete            delete by the before-image key
 * In unique mode (the ALTER adds or narrows a unique key: REPLACE could
 * silently delete another row) each upsert is preceded by a delete of its
 * own key and written as a plain INSERT, one row per statement, so that a
 * conflict on the new key is an error, never a silent delete.
 *
 * replay_stmts_build() then gathers consecutive upserts into one multi-row
 * REPLACE and consecutive deletes into one DELETE ... WHERE k = .. OR
 * k = .., cut at REPLAY_STMT_MAX_BYTES (and REPLAY_DELETE_MAX_ROWS).
 */
#ifndef OSC_REPLAY_STATEMENT_H
#define OSC_REPLAY_STATEMENT_H

#include "util/compat.h"
#include "binlog/binlog.h"
#include "ddl/ddl.h"
#include "util/strbuf.h"

/* A REPLACE or DELETE statement is cut at about this size. */
#define REPLAY_STMT_MAX_BYTES (2u * 1024 * 1024)
/* Deletes per DELETE statement. */
#define REPLAY_DELETE_MAX_ROWS 500

enum replay_op_kind {
	REPLAY_OP_UPSERT,
	REPLAY_OP_DELETE,
};

struct replay_op {
	enum replay_op_kind kind;
	char
	    *sql; /* "(v1, v2, ...)" for upserts, a key predicate for deletes */
	size_t len;
	/*
	 * With track_removals, for a delete that removes a row (a delete
	 * event or the old key of a moved row; not unique mode's delete
	 * before its own insert): the key predicate with the source's
	 * column names. NULL otherwise.
	 */
	char *src_key;
};

/*
 * The queue of operations and what writing them needs. Everything is
 * owned here but `plan`, which the caller keeps alive until release.
 */
struct replay_stmts {
	const struct ddl_plan *plan;
	/* Per-column literal helpers, in plan->map order. */
	struct binlog_column_schema *targets;
	int *by_name;	 /* write ENUM/SET by member name (the list changed) */
	int unique_mode; /* DELETE + INSERT instead of REPLACE */
	/* DELETE by the shared key before each write: the ghost's unique
	 * key is wider than the shared key (plan->key_ghost_wider). */
	int delete_first;
	/*
	 * Keep each removal's source key (replay_op.src_key): the applier
	 * deletes such a key again after a copy chunk that read without
	 * locks and may have inserted the row back (applier.c).
	 */
	int track_removals;
	struct strbuf replace_head; /* REPLACE INTO g (cols) VALUES */
	struct strbuf insert_head;  /* INSERT INTO g (cols) VALUES */
	struct strbuf delete_head;  /* DELETE FROM g WHERE */
	/* ", 0, ''": the implicit defaults of the columns the ALTER adds
	 * NOT NULL without a DEFAULT, after each row's mapped values
	 * (ddl_build_implicit_values()); the heads name those columns. */
	struct strbuf implicit_values;

	struct replay_op *ops;
	size_t ops_nr, ops_alloc;
	size_t ops_bytes; /* SQL text held by ops */
};

/*
 * Prepare to write onto `db`.`ghost` with `plan` (unique mode when the
 * plan has unique checks). Returns -1 with err on failure; release the
 * struct in either case.
 */
int replay_stmts_init(struct replay_stmts *s, const struct ddl_plan *plan,
		      const char *db, const char *ghost, struct strbuf *err);
void replay_stmts_release(struct replay_stmts *s);

/*
 * Queue the operations for `nrows` rows of one rows event of `kind`
 * (each image holds `ncols` values by source ordinal). Returns -1 with
 * err (no prefix) when a value cannot be written; the queue may then hold
 * part of the event, and the caller gives up the transaction.
 */
int replay_stmts_add_rows(struct replay_stmts *s, enum binlog_row_kind kind,
			  const struct binlog_row *rows, size_t nrows,
			  unsigned int ncols, struct strbuf *err);

/* Forget the operations from `n` on (a rolled back transaction). */
void replay_stmts_truncate(struct replay_stmts *s, size_t n);

/*
 * The statements for the queued operations, in order, appended to
 * `stmts`, each followed by a NUL so that the list can be walked; *count
 * says how many. The queue is left as it is.
 */
void replay_stmts_build(const struct replay_stmts *s, struct strbuf *stmts,
			size_t *count);

#endif
