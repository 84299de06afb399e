/*
 * history.h: --history=DB.TABLE, one row per --execute run (start, end,
 * the ALTER, the outcome), like pt-online-schema-change's --history.
 *
 * The table is created when missing. The row is inserted when the run
 * starts (outcome "running") and completed when it ends, on a connection
 * of its own (the run's may be the reason it ended). A failure to write
 * the history is a warning, never a reason to fail the migration.
 */
#ifndef OSC_MIGRATE_HISTORY_H
#define OSC_MIGRATE_HISTORY_H

#include "util/compat.h"
#include "util/db.h"
#include "util/strbuf.h"

#include <stdint.h>

struct osc_history {
	char *db, *table;	/* where the rows go */
	unsigned long long id;	/* this run's row; 0: none */
};

/*
 * Parse --history's DB.TABLE (each part may be backtick-quoted). Refuses
 * a name of the migrated table or of its run objects. -1 with err.
 */
int osc_history_parse(struct osc_history *h, const char *spec,
		      const char *mig_db, const char *const *mig_names,
		      size_t mig_names_nr, int lctn, struct strbuf *err);
void osc_history_release(struct osc_history *h);

/* Create the table if missing and insert the run's row. -1 with err. */
int osc_history_begin(struct osc_history *h, struct db *db,
		      const char *mig_db, const char *mig_table,
		      const char *alter, const char *version,
		      struct strbuf *err);

/* Complete the run's row over a new connection. -1 with err. */
int osc_history_end(struct osc_history *h, const struct db_options *dbo,
		    int exit_status, const char *outcome, const char *message,
		    uint64_t rows_copied, uint64_t changes_replayed,
		    struct strbuf *err);

#endif
