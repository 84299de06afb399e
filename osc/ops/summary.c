/*
 * summary.c: --summary-json (summary.h).
 */
#include "util/compat.h"
#include "osc/ops/summary.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

const char *summary_outcome(const struct osc_summary *s)
{
	switch (s->exit_status) {
	case 0:
		return "done";
	case 1:
		return "failed";
	case 2:
		return "usage";
	case 3:
		return "interrupted";
	case 4:
		return s->uncertain ? "uncertain" : "cleanup-incomplete";
	default:
		return "unknown";
	}
}

const char *summary_meaning(const struct osc_summary *s)
{
	switch (s->exit_status) {
	case 0:
		return s->instant ? "the table was altered in place "
				    "(ALGORITHM=INSTANT)"
				  : s->swapped ? "the table was migrated"
					       : "nothing to do, nothing changed";
	case 1:
		return "the run failed; the original table is untouched and "
		       "usable, and nothing is left behind";
	case 2:
		return "usage error: nothing was done";
	case 3:
		return "interrupted by a signal and cleaned up; the original "
		       "table is untouched";
	case 4:
		return s->uncertain
			       ? "the state of the table is uncertain: a human "
				 "must look before anything else is done (the "
				 "error lines say what to look at)"
			       : "the run stopped and could not remove "
				 "everything it created: the error lines name "
				 "each object and its DROP";
	default:
		return "unknown exit status";
	}
}

static void add_str(struct strbuf *out, const char *key, const char *val)
{
	strbuf_addf(out, ",\"%s\":", key);
	if (val)
		strbuf_addjson(out, val, strlen(val));
	else
		strbuf_addstr(out, "null");
}

void summary_render(struct strbuf *out, const struct osc_summary *s)
{
	strbuf_addstr(out, "{\"type\":\"summary\"");
	add_str(out, "osc_version", s->version);
	add_str(out, "database", s->db);
	add_str(out, "table", s->table);
	add_str(out, "alter", s->alter);
	add_str(out, "mode", s->mode);
	strbuf_addf(out, ",\"exit_status\":%d", s->exit_status);
	add_str(out, "outcome", summary_outcome(s));
	add_str(out, "meaning", summary_meaning(s));
	strbuf_addf(out,
		    ",\"swapped\":%s,\"instant\":%s,\"uncertain\":%s"
		    ",\"rows_copied\":%" PRIu64 ",\"changes_replayed\":%" PRIu64
		    ",\"cutover_blocked_ms\":%.0f",
		    s->swapped ? "true" : "false",
		    s->instant ? "true" : "false",
		    s->uncertain ? "true" : "false", s->rows_copied,
		    s->changes_replayed, s->cutover_blocked_ms);
	if (s->verified)
		strbuf_addf(out,
			    ",\"verify\":{\"chunks\":%" PRIu64
			    ",\"rows\":%" PRIu64 ",\"repaired\":%" PRIu64
			    ",\"ms\":%.0f}",
			    s->verify_chunks, s->verify_rows,
			    s->verify_repaired, s->verify_ms);
	else
		strbuf_addstr(out, ",\"verify\":null");
	add_str(out, "started_at", s->started_at[0] ? s->started_at : NULL);
	add_str(out, "ended_at", s->ended_at[0] ? s->ended_at : NULL);
	strbuf_addf(out, ",\"elapsed_s\":%.3f", s->elapsed_s);
	add_str(out, "first_error", s->first_error);
	add_str(out, "last_error", s->last_error);
	strbuf_addstr(out, "}\n");
}

int summary_write(const char *path, const char *json, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t len = strlen(json), done = 0;
	int fd, ret = -1;

	strbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		strbuf_addf(err, "cannot write the summary to '%s': %s",
			    tmp.buf, strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, json + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			strbuf_addf(err, "cannot write the summary to '%s': %s",
				    tmp.buf, strerror(errno));
			close(fd);
			unlink(tmp.buf);
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		strbuf_addf(err, "cannot write the summary to '%s': %s",
			    tmp.buf, strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	if (rename(tmp.buf, path) < 0) {
		strbuf_addf(err, "cannot write the summary to '%s': %s", path,
			    strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&tmp);
	return ret;
}
