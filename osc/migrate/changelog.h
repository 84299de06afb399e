/*
 * changelog.h: the checkpoint in the changelog table on the server:
 * reading it, replacing it in one transaction, and what it would save a
 * plain run that finds it (checkpoint.h is the record, pure; resume.h the
 * checks of a resume). Kept apart from resume.h so that the preflight can
 * read a checkpoint without depending on the run.
 */
#ifndef OSC_MIGRATE_CHANGELOG_H
#define OSC_MIGRATE_CHANGELOG_H

#include "util/compat.h"
#include "osc/migrate/checkpoint.h"
#include "util/db.h"
#include "util/strbuf.h"

/*
 * Read and decode the checkpoint of changelog `schema`.`changelog`.
 * Returns 0 with `c` filled, 1 when the changelog holds no checkpoint
 * row, 2 when there is no changelog table (err says so), -1 with err
 * when a query fails or the record does not decode.
 */
int osc_checkpoint_read(struct db *db, const char *schema,
			const char *changelog, struct osc_checkpoint *c,
			struct strbuf *err);

/*
 * Replace the checkpoint rows with `c`, in one transaction on `db` (an
 * autocommit connection). Returns -1 with err (the old checkpoint stays).
 */
int osc_checkpoint_write(struct db *db, const char *schema,
			 const char *changelog, const struct osc_checkpoint *c,
			 struct strbuf *err);

/*
 * For a plain run that finds leftovers: when the changelog holds a
 * checkpoint that decodes, append "N rows (P%)" of the copy it saves
 * (P from the table's row estimate) and return 1; 0 otherwise.
 */
int osc_resume_savings(struct db *db, const char *schema,
		       const char *changelog, uint64_t rows_estimate,
		       struct strbuf *out);

#endif
