/*
 * summary.h: the machine-readable outcome of a run, for the orchestrators
 * that run osc (--summary-json=PATH; issue 14).
 *
 * One JSON object, written when the run ends whatever the outcome (not
 * for usage errors, which stop before the options are known), to a
 * temporary file beside PATH that is then renamed over it, so a reader
 * never sees half of one.
 */
#ifndef OSC_OPS_SUMMARY_H
#define OSC_OPS_SUMMARY_H

#include "util/compat.h"
#include "util/strbuf.h"

#include <stdint.h>

struct osc_summary {
	const char *version;	/* osc's */
	const char *db, *table;
	const char *alter;
	const char *mode;	/* "execute", "dry-run", "resume", ... */
	int exit_status;
	int swapped;		/* the new table is `t` now */
	int instant;		/* done by ALGORITHM=INSTANT */
	int uncertain;		/* which table is `t`, or what it holds, is
				   not known: a human must look */
	uint64_t rows_copied;
	uint64_t changes_replayed;
	double cutover_blocked_ms;
	int verified;		/* --verify ran: the figures below */
	uint64_t verify_chunks, verify_rows, verify_repaired;
	double verify_ms;
	char started_at[32], ended_at[32]; /* UTC, ISO 8601 */
	double elapsed_s;
	const char *first_error, *last_error; /* NULL: none */
};

/*
 * The outcome's name for an exit status: "done", "failed", "usage",
 * "interrupted", "cleanup-incomplete" (4), or "uncertain" (4 with
 * s->uncertain), and one sentence on what it means for the table.
 */
const char *summary_outcome(const struct osc_summary *s);
const char *summary_meaning(const struct osc_summary *s);

/* Append the object (one line, newline-terminated). Pure. */
void summary_render(struct strbuf *out, const struct osc_summary *s);

/* Write `json` to `path` (temporary file, then rename). -1 with err. */
int summary_write(const char *path, const char *json, struct strbuf *err);

#endif
