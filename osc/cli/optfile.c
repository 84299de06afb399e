/*
 * optfile.c: my.cnf-style option files (see optfile.h).
 *
 * Written from the MySQL manual's description of option files ("Using
 * Option Files") and the behaviour of the mariadb client, not from their
 * code. Includes nest at most OPTFILE_MAX_DEPTH deep so that a file that
 * includes itself is an error, not a stack overflow.
 */
#include "util/compat.h"
#include "osc/cli/optfile.h"
#include "util/wrapper.h"

#include <dirent.h>
#include <sys/stat.h>

#define OPTFILE_MAX_DEPTH 10

struct reader {
	optfile_fn fn;
	void *data;
	struct strbuf *warn;
	int depth;
};

static int read_file(struct reader *r, const char *path, int must_exist,
		     struct strbuf *err);

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && is_space((unsigned char)*p))
		p++;
	return p;
}

static const char *rtrim(const char *start, const char *end)
{
	while (end > start && is_space((unsigned char)end[-1]))
		end--;
	return end;
}

/* The folder part of `path` plus '/', or "" when it has none. */
static void dir_of(struct strbuf *out, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash)
		strbuf_add(out, path, (size_t)(slash - path) + 1);
}

static void resolve(struct strbuf *out, const char *base, const char *rel)
{
	if (rel[0] != '/')
		dir_of(out, base);
	strbuf_addstr(out, rel);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int include_dir(struct reader *r, const char *dir, const char *where,
		       struct strbuf *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, alloc = 0, i;
	int ret = 0;

	if (!d) {
		strbuf_addf(err, "%s: cannot open included folder '%s': %s",
			    where, dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len <= 4 || strcmp(de->d_name + len - 4, ".cnf"))
			continue;
		ALLOC_GROW(names, nr + 1, alloc);
		names[nr++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_names);
	for (i = 0; i < nr; i++) {
		struct strbuf path = STRBUF_INIT;

		strbuf_addstr(&path, dir);
		if (path.len && path.buf[path.len - 1] != '/')
			strbuf_addch(&path, '/');
		strbuf_addstr(&path, names[i]);
		if (!ret && read_file(r, path.buf, 1, err) < 0)
			ret = -1;
		strbuf_release(&path);
		free(names[i]);
	}
	free(names);
	return ret;
}

static int directive(struct reader *r, const char *path, const char *p,
		     const char *end, const char *where, struct strbuf *err)
{
	static const char inc[] = "!include";
	static const char incdir[] = "!includedir";
	struct strbuf arg = STRBUF_INIT;
	struct strbuf full = STRBUF_INIT;
	int is_dir, ret;
	size_t n;

	if ((size_t)(end - p) > strlen(incdir) &&
	    !strncmp(p, incdir, strlen(incdir)) &&
	    is_space((unsigned char)p[strlen(incdir)])) {
		is_dir = 1;
		n = strlen(incdir);
	} else if ((size_t)(end - p) > strlen(inc) &&
		   !strncmp(p, inc, strlen(inc)) &&
		   is_space((unsigned char)p[strlen(inc)])) {
		is_dir = 0;
		n = strlen(inc);
	} else {
		strbuf_addf(err,
			    "%s: unknown directive '%.*s'; only !include "
			    "and !includedir are known",
			    where, (int)(end - p), p);
		return -1;
	}
	p = skip_space(p + n, end);
	end = rtrim(p, end);
	if (p == end) {
		strbuf_addf(err, "%s: '%s' needs a path", where,
			    is_dir ? incdir : inc);
		return -1;
	}
	strbuf_add(&arg, p, (size_t)(end - p));
	resolve(&full, path, arg.buf);
	if (is_dir)
		ret = include_dir(r, full.buf, where, err);
	else
		ret = read_file(r, full.buf, 1, err) < 0 ? -1 : 0;
	strbuf_release(&arg);
	strbuf_release(&full);
	return ret;
}

/*
 * Unescape a value into out. Quoted values end at the matching quote;
 * what follows may only be blanks or a comment. Unquoted values end at
 * '#' and lose trailing blanks.
 */
static int parse_value(const char *p, const char *end, struct strbuf *out,
		       const char *where, struct strbuf *err)
{
	char quote = 0;

	if (p < end && (*p == '\'' || *p == '"'))
		quote = *p++;
	for (; p < end; p++) {
		char c = *p;

		if (quote && c == quote) {
			p = skip_space(p + 1, end);
			if (p < end && *p != '#' && *p != ';') {
				strbuf_addf(err,
					    "%s: text after the closing "
					    "quote of a value",
					    where);
				return -1;
			}
			return 0;
		}
		if (!quote && c == '#')
			break;
		if (c == '\\' && p + 1 < end) {
			switch (p[1]) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 's':
				c = ' ';
				break;
			case '\\':
				c = '\\';
				break;
			case '\'':
				c = '\'';
				break;
			case '"':
				c = '"';
				break;
			default:
				/* Unknown escapes stay as written. */
				strbuf_addch(out, '\\');
				continue;
			}
			p++;
		}
		strbuf_addch(out, c);
	}
	if (quote) {
		strbuf_addf(err, "%s: unterminated quoted value", where);
		return -1;
	}
	/* Unquoted: trailing blanks are not part of the value. */
	while (out->len && is_space((unsigned char)out->buf[out->len - 1]))
		strbuf_setlen(out, out->len - 1);
	return 0;
}

static int parse_text(struct reader *r, const char *path, const char *text,
		      size_t len, struct strbuf *err)
{
	struct strbuf group = STRBUF_INIT;
	struct strbuf key = STRBUF_INIT;
	struct strbuf value = STRBUF_INIT;
	struct strbuf where = STRBUF_INIT;
	const char *line = text, *text_end = text + len;
	unsigned int lineno = 0;
	int have_group = 0, ret = 0;

	while (line < text_end) {
		const char *eol = memchr(line, '\n', (size_t)(text_end - line));
		const char *end = eol ? eol : text_end;
		const char *p = skip_space(line, end), *eq;
		size_t i;

		lineno++;
		line = eol ? eol + 1 : text_end;
		end = rtrim(p, end);
		if (p == end || *p == '#' || *p == ';')
			continue;
		strbuf_reset(&where);
		strbuf_addf(&where, "%s:%u", path, lineno);
		if (*p == '!') {
			if (directive(r, path, p, end, where.buf, err) < 0)
				goto fail;
			continue;
		}
		if (*p == '[') {
			const char *close = memchr(p, ']', (size_t)(end - p));
			const char *rest;

			if (!close) {
				strbuf_addf(err, "%s: group line without ']'",
					    where.buf);
				goto fail;
			}
			rest = skip_space(close + 1, end);
			if (rest < end && *rest != '#' && *rest != ';') {
				strbuf_addf(err,
					    "%s: text after ']' in a "
					    "group line",
					    where.buf);
				goto fail;
			}
			p = skip_space(p + 1, close);
			strbuf_reset(&group);
			strbuf_add(&group, p, (size_t)(rtrim(p, close) - p));
			for (i = 0; i < group.len; i++)
				group.buf[i] =
				    (char)tolower((unsigned char)group.buf[i]);
			if (!group.len) {
				strbuf_addf(err, "%s: empty group name",
					    where.buf);
				goto fail;
			}
			have_group = 1;
			continue;
		}
		if (!have_group) {
			strbuf_addf(err,
				    "%s: option before the first [group] "
				    "line",
				    where.buf);
			goto fail;
		}
		eq = memchr(p, '=', (size_t)(end - p));
		strbuf_reset(&key);
		strbuf_reset(&value);
		if (eq) {
			strbuf_add(&key, p, (size_t)(rtrim(p, eq) - p));
			if (parse_value(skip_space(eq + 1, end), end, &value,
					where.buf, err) < 0)
				goto fail;
		} else {
			const char *hash = memchr(p, '#', (size_t)(end - p));

			strbuf_add(&key, p,
				   (size_t)(rtrim(p, hash ? hash : end) - p));
		}
		if (!key.len) {
			strbuf_addf(err, "%s: option without a name",
				    where.buf);
			goto fail;
		}
		if (r->fn(r->data, group.buf, key.buf, eq ? value.buf : NULL,
			  where.buf, err) < 0)
			goto fail;
	}
	goto out;
fail:
	ret = -1;
out:
	strbuf_release(&group);
	strbuf_release(&key);
	strbuf_release(&value);
	strbuf_release(&where);
	return ret;
}

static int read_file(struct reader *r, const char *path, int must_exist,
		     struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	struct stat st;
	char chunk[4096];
	size_t n;
	FILE *f;
	int ret;

	if (r->depth >= OPTFILE_MAX_DEPTH) {
		strbuf_addf(err,
			    "'%s': option files include each other more "
			    "than %d deep (a loop?)",
			    path, OPTFILE_MAX_DEPTH);
		return -1;
	}
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 1;
		strbuf_addf(err, "cannot read option file '%s': %s", path,
			    strerror(errno));
		return -1;
	}
	/*
	 * A file anyone can write could hand osc a password or a host; the
	 * mysql client ignores such files too.
	 */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & S_IWOTH)) {
		if (r->warn)
			strbuf_addf(r->warn,
				    "option file '%s' is writable by "
				    "everyone and is ignored; fix it with: "
				    "chmod o-w '%s'\n",
				    path, path);
		fclose(f);
		return 0;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&text, chunk, n);
	if (ferror(f)) {
		strbuf_addf(err, "cannot read option file '%s': %s", path,
			    strerror(errno));
		fclose(f);
		strbuf_release(&text);
		return -1;
	}
	fclose(f);
	r->depth++;
	ret = parse_text(r, path, text.buf, text.len, err);
	r->depth--;
	strbuf_release(&text);
	return ret;
}

int optfile_parse_text(const char *path, const char *text, size_t len,
		       optfile_fn fn, void *data, struct strbuf *warn,
		       struct strbuf *err)
{
	struct reader r = {fn, data, warn, 1};

	return parse_text(&r, path, text, len, err);
}

int optfile_read(const char *path, int must_exist, optfile_fn fn, void *data,
		 struct strbuf *warn, struct strbuf *err)
{
	struct reader r = {fn, data, warn, 0};

	return read_file(&r, path, must_exist, err);
}
