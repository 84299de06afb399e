/*
 * optfile.h: the reader for my.cnf-style option files.
 *
 * The format is the mysql client's: `[group]` lines, `key`, `key=value`
 * or `key = "quoted value"` lines, comments from '#' or ';' at the start
 * of a line and from an unquoted '#' later on, the escapes \n \t \r \b \s
 * \\ \' \" in values, and `!include FILE` / `!includedir DIR` (the *.cnf
 * files of DIR, in name order). A relative include is resolved against the
 * including file's folder.
 *
 * The reader knows nothing about osc's options: it hands every
 * (group, key, value) to a callback. It prints nothing; problems that are
 * not errors (a world-writable file, which is skipped as the mysql client
 * does) are appended as lines to `warn`.
 */
#ifndef OSC_OSC_OPTFILE_H
#define OSC_OSC_OPTFILE_H

#include <stddef.h>
#include "util/compat.h"
#include "util/strbuf.h"

/*
 * Called for each option line. `group` is lowercased; `value` is NULL for
 * a bare key; `where` is "FILE:LINE". Returns 0, or -1 with a line in err
 * to stop reading.
 */
typedef int (*optfile_fn)(void *data, const char *group, const char *key,
			  const char *value, const char *where,
			  struct strbuf *err);

/*
 * Parse `len` bytes of option-file text read from `path` (used in
 * messages and to resolve relative includes). Returns 0, or -1 with err.
 */
int optfile_parse_text(const char *path, const char *text, size_t len,
		       optfile_fn fn, void *data, struct strbuf *warn,
		       struct strbuf *err) OSC_WARN_UNUSED;

/*
 * Read and parse the file at `path`. A missing file is an error only when
 * `must_exist` is set; otherwise 1 is returned and nothing happens.
 * Returns 0 when read, 1 when missing (and allowed), -1 with err.
 */
int optfile_read(const char *path, int must_exist, optfile_fn fn, void *data,
		 struct strbuf *warn, struct strbuf *err) OSC_WARN_UNUSED;

#endif
