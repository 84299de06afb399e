/*
 * flags.h: flag files the engine polls (--postpone-cut-over-flag-file,
 * --panic-flag-file).
 *
 * A flag file is "present" when stat() says anything but "no such file":
 * a path the tool cannot look at (EACCES on a directory) counts as
 * present, the safe side for both flags (keep postponing; stop). The
 * throttle flag file lives in throttle/ (the throttler polls it itself).
 *
 * struct flag_watch remembers the last state so that the engine can log
 * when the file appears and disappears, once each.
 */
#ifndef OSC_FLAGS_H
#define OSC_FLAGS_H

/* 1 present, 0 absent or path NULL/empty. */
int flag_file_exists(const char *path);

struct flag_watch {
	const char *path;	/* not owned; NULL: never present */
	int present;		/* the last state seen */
};

#define FLAG_WATCH_INIT(p) { (p), 0 }

/*
 * Poll the file. Returns its state now (1/0); *changed (may be NULL) is
 * set to 1 when it differs from the previous poll.
 */
int flag_watch_poll(struct flag_watch *w, int *changed);

#endif
