/*
 * resume.h: the checks `osc --resume` makes before it trusts a
 * checkpoint (osc(1) RESUMING).
 *
 * checkpoint.h is the record (pure), changelog.h its rows on the server;
 * this is the resume's side: the fingerprint of the run and the
 * refusals. A resume goes on only when every check passes: the changelog holds a checkpoint this
 * osc wrote, the ALTER is the same, the table and the ghost are exactly
 * as they were (SHOW CREATE TABLE, AUTO_INCREMENT left out), the shared
 * key is the same, and the binary log from the saved position is still
 * on the server. Otherwise it changes nothing and says what differs and
 * how to start afresh.
 */
#ifndef OSC_MIGRATE_RESUME_H
#define OSC_MIGRATE_RESUME_H

#include "util/compat.h"
#include "osc/migrate/changelog.h"
#include "osc/migrate/checkpoint.h"
#include "osc/migrate/run.h"
#include "util/db.h"
#include "util/strbuf.h"

/* The fingerprint of the run's plan as it is now (after the ghost phase). */
void osc_run_fingerprint(const struct osc_run *run,
			 struct osc_checkpoint_fingerprint *fp);

/*
 * Is the binary log from `pos` on still on the server (SHOW BINARY LOGS
 * lists its file, and the file is at least that long)? Returns 0, or -1
 * with err (one phrase, to follow "cannot resume: ").
 */
int osc_resume_binlog_check(struct db *db, const struct binlog_pos *pos,
			    struct strbuf *err);

/*
 * What a refusal ends with: how to start afresh, "to start afresh: DROP
 * TABLE `db`.`_t_new`, `db`.`_t_osc`, then run osc without --resume".
 */
void osc_resume_afresh(struct strbuf *out, const struct osc_run *run);

/*
 * The resume's checks, after the run lock is taken: read the checkpoint
 * into `c`; take the ALTER from it when none was given (else the two
 * must be the same text); read the table and the ghost and build the
 * plan (osc_ghost_open); compare the fingerprints; check the binary log.
 * Returns 0, or -1 with one line in err: "cannot resume: WHAT; to start
 * afresh: ...". Nothing is changed on the server either way.
 */
int osc_resume_open(struct osc_run *run, struct osc_checkpoint *c,
		    struct strbuf *err);

#endif
