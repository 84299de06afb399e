/*
 * resume.c: the checkpoint on the server and the checks of a resume (see
 * resume.h). The rule it follows: a resume must never be less exact than
 * a fresh run, so anything it cannot prove unchanged is a refusal.
 */
#include "util/compat.h"
#include "osc/migrate/resume.h"
#include "osc/migrate/changelog.h"
#include "util/log.h"
#include "util/quote.h"
#include "util/wrapper.h"

void osc_run_fingerprint(const struct osc_run *run,
			 struct osc_checkpoint_fingerprint *fp)
{
	const struct ddl_plan *p = &run->plan;
	struct strbuf key = STRBUF_INIT;
	const char **src = xcalloc(p->key_nr + 1, sizeof(*src));
	const char **gh = xcalloc(p->key_nr + 1, sizeof(*gh));
	size_t i;

	for (i = 0; i < p->key_nr; i++) {
		src[i] = p->key[i].source_name;
		gh[i] = p->key[i].ghost_name;
	}
	osc_checkpoint_key_text(&key, p->key_source_index, p->key_ghost_index,
				src, gh, p->key_nr);
	osc_checkpoint_fingerprint(fp, run->alter_text ? run->alter_text : "",
				   run->source_create ? run->source_create : "",
				   run->ghost_create ? run->ghost_create : "",
				   key.buf, PACKAGE_VERSION);
	free(src);
	free(gh);
	strbuf_release(&key);
}

int osc_resume_binlog_check(struct db *db, const struct binlog_pos *pos,
			    struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	struct db_result *res = NULL;
	struct db_row row;
	int r, ret = -1, found = 0;
	unsigned long long size = 0;

	if (db_query(db, "SHOW BINARY LOGS", &res, &why) < 0) {
		strbuf_addf(err, "cannot list the binary logs to check that "
			    "`%s` is still there: %s", pos->file, why.buf);
		goto out;
	}
	while ((r = db_result_next(res, &row, &why)) == 1) {
		if (row.ncols < 2 || !row.values[0] || !row.values[1] ||
		    strcmp(row.values[0], pos->file))
			continue;
		found = 1;
		size = strtoull(row.values[1], NULL, 10);
	}
	if (r < 0) {
		strbuf_addf(err, "cannot list the binary logs: %s", why.buf);
		goto out;
	}
	if (!found) {
		strbuf_addf(err, "the binary log `%s` that the checkpoint "
			    "replays from is no longer on the server (purged), "
			    "so the changes made since cannot be replayed",
			    pos->file);
		goto out;
	}
	if (size < pos->pos) {
		strbuf_addf(err, "the binary log `%s` is %llu bytes, shorter "
			    "than the checkpoint's position %" PRIu64
			    " (was the server's log reset?)",
			    pos->file, size, pos->pos);
		goto out;
	}
	ret = 0;
out:
	db_result_free(res);
	strbuf_release(&why);
	return ret;
}

void osc_resume_afresh(struct strbuf *out, const struct osc_run *run)
{
	strbuf_addstr(out, "to start afresh: DROP TABLE ");
	osc_run_qname(out, run, run->pf->table.ghost_name);
	strbuf_addstr(out, ", ");
	osc_run_qname(out, run, run->pf->table.changelog_name);
	strbuf_addstr(out, ", then run osc without --resume");
}

/* "cannot resume: WHAT; to start afresh: ..." into err. */
static int refuse(struct osc_run *run, struct strbuf *what,
		  struct strbuf *err)
{
	strbuf_addf(err, "cannot resume: %s; ", what->buf);
	osc_resume_afresh(err, run);
	return -1;
}

int osc_resume_open(struct osc_run *run, struct osc_checkpoint *c,
		    struct strbuf *err)
{
	const struct osc_table_facts *t = &run->pf->table;
	struct osc_checkpoint_fingerprint now;
	struct strbuf what = STRBUF_INIT, q = STRBUF_INIT;
	int r, ret = -1;

	memset(&now, 0, sizeof(now));
	osc_run_qname(&q, run, t->changelog_name);
	r = osc_checkpoint_read(run->pf->db, t->db, t->changelog_name, c,
				&what);
	if (r == 2) {
		strbuf_reset(err);
		strbuf_addf(err, "cannot resume: there is no interrupted run "
			    "of %s.%s to go on with (no changelog %s); run osc "
			    "without --resume",
			    t->db, t->table, q.buf);
		goto out;
	}
	if (r != 0) {
		struct strbuf why = STRBUF_INIT;

		strbuf_addbuf(&why, &what);
		strbuf_reset(&what);
		if (r > 0)
			strbuf_addf(&what, "%s holds no checkpoint (the run "
				    "stopped before its copy began)", q.buf);
		else
			strbuf_addf(&what, "the checkpoint in %s cannot be "
				    "used: %s", q.buf, why.buf);
		strbuf_release(&why);
		ret = refuse(run, &what, err);
		goto out;
	}
	if (!run->alter_text) {
		run->alter_text = xstrdup(c->alter);
		info("resume: the ALTER from the checkpoint: %s", c->alter);
	} else if (strcmp(run->alter_text, c->alter)) {
		strbuf_addf(&what, "--alter='%s' is not the ALTER of the "
			    "checkpoint ('%s'); resume without --alter or "
			    "with that one",
			    run->alter_text, c->alter);
		ret = refuse(run, &what, err);
		goto out;
	}
	if (c->server_id != run->pf->server.server_id) {
		strbuf_addf(&what, "the checkpoint was written on the server "
			    "with server_id %" PRIu64 ", this is server_id %"
			    PRIu64 " (a failover?): its binlog position means "
			    "nothing here",
			    c->server_id, run->pf->server.server_id);
		ret = refuse(run, &what, err);
		goto out;
	}
	if (osc_ghost_open(run, &what) < 0) {
		ret = refuse(run, &what, err);
		goto out;
	}
	osc_run_fingerprint(run, &now);
	if (osc_checkpoint_compare(&c->fp, &now, &what) < 0 ||
	    osc_resume_binlog_check(run->pf->db, &c->applied, &what) < 0) {
		ret = refuse(run, &what, err);
		goto out;
	}
	if (c->low.nvalues && c->low.nvalues != run->plan.key_nr) {
		strbuf_addf(&what, "the checkpoint's low-water mark has %zu "
			    "values for a key of %zu columns",
			    c->low.nvalues, run->plan.key_nr);
		ret = refuse(run, &what, err);
		goto out;
	}
	ret = 0;
out:
	free(now.version);
	strbuf_release(&what);
	strbuf_release(&q);
	return ret;
}

