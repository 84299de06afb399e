/*
 * recover.h: what the next run finds out when a run died during its
 * cut-over (issue 14; DESIGN.md 5).
 *
 * Before R's RENAME is sent, the run records in its changelog the binlog
 * position P it read under L's lock ("cutover" row). If the run dies
 * after the swap and before it checked the binary log up to the RENAME
 * (step 6 of the sentry cut-over), the tables are left as `t` (the new
 * table), `_t_old` (the original) and `_t_osc`, and the next run finds
 * the record. It reads the binary log from P to the RENAME of `t`: a row
 * event on `t` in between is a write that reached the old table after
 * the lock was lost, so it is in `_t_old` and not in `t`. The verdict,
 * with the rows' keys and the SQL that brings them over, comes before any
 * advice to drop `_t_old`.
 */
#ifndef OSC_MIGRATE_RECOVER_H
#define OSC_MIGRATE_RECOVER_H

#include "util/compat.h"
#include "binlog/binlog.h"
#include "util/db.h"
#include "util/strbuf.h"

/* The changelog row of the record (throttle.h's heartbeat is id 1). */
#define OSC_CUTOVER_RECORD_ID 2
#define OSC_CUTOVER_RECORD_HINT "cutover"

/*
 * The upsert of the record "FILE:POS" into changelog `db`.`changelog`.
 * Returns -1 with err when a name does not quote.
 */
int osc_cutover_record_sql(struct strbuf *out, const char *db,
			   const char *changelog, const struct binlog_pos *p,
			   struct strbuf *err);

/* Parse "FILE:POS" (pure). Returns 0, or -1 when it is not one. */
int osc_cutover_record_parse(const char *text, struct binlog_pos *p);

struct osc_recover_target {
	struct db *db;			/* the main connection */
	const struct db_options *dbopts; /* for the binlog stream */
	int lower_case_table_names;
	const char *schema;		/* unquoted names */
	const char *table;		/* t: the new table now */
	const char *old;		/* _t_old: the original now */
	const char *changelog;		/* _t_osc */
};

/*
 * When `old` and `changelog` exist without the ghost, look for the
 * record. Returns 0 when there is none (nothing to say), 1 with
 * `verdict` set to one line (the swap was exact, or which rows slipped
 * and the SQL, or why it cannot be told), -1 with err when a query
 * failed.
 */
int osc_recover_after_swap(const struct osc_recover_target *tg,
			   struct strbuf *verdict, struct strbuf *err);

#endif
