/*
 * flags.c: flag files (see flags.h).
 */
#include "util/compat.h"
#include "osc/ops/flags.h"

#include <sys/stat.h>

int flag_file_exists(const char *path)
{
	struct stat st;

	if (!path || !*path)
		return 0;
	if (!stat(path, &st))
		return 1;
	return errno != ENOENT && errno != ENOTDIR;
}

int flag_watch_poll(struct flag_watch *w, int *changed)
{
	int now = flag_file_exists(w->path);

	if (changed)
		*changed = now != w->present;
	w->present = now;
	return now;
}
