/*
 * fuzz-ddl.c: fuzz target for the ddl/ module.
 *
 * Each input is tried as an --alter text, as SHOW CREATE TABLE output and
 * as a trigger's stored statement (SHOW CREATE TRIGGER).
 * What parses goes on through the planner (against a fixed source table,
 * and as its own ghost), the dry-run rendering and every SQL builder, so
 * that the whole pure pipeline runs on hostile text. Nothing is asserted
 * beyond the module's own contract: no crash, no leak, no undefined
 * behaviour, errors are one line.
 *
 * With --enable-fuzzing (CC=clang) this file is a libFuzzer target
 * (LLVMFuzzerTestOneInput). Otherwise it has a main() of its own, which
 * make check runs: it replays the seed corpus (tests/fuzz/corpus-ddl, or
 * the files and directories given as arguments) and then applies simple
 * random mutations for a bounded time (FUZZ_DDL_SECONDS, default 3) or
 * number of runs (FUZZ_DDL_RUNS, default 200000), from a fixed seed
 * (FUZZ_DDL_SEED) so that a failure can be replayed.
 */
#include "util/compat.h"

#include "ddl/ddl.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_source[] =
	"CREATE TABLE `t` (\n"
	"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n"
	"  `a` varchar(64) NOT NULL DEFAULT '',\n"
	"  `b` int(11) DEFAULT NULL,\n"
	"  `c` text DEFAULT NULL,\n"
	"  `g` int(11) GENERATED ALWAYS AS (`b` * 2) VIRTUAL,\n"
	"  `x` int(11) NOT NULL,\n"
	"  PRIMARY KEY (`id`),\n"
	"  UNIQUE KEY `u_a` (`a`,`x`),\n"
	"  KEY `k_b` (`b`)\n"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";

static void check_one_line(const struct strbuf *err)
{
	if (memchr(err->buf, '\n', err->len))
		abort();
}

static void exercise_plan(const struct ddl_plan *p)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	const char *vals[64];
	size_t i, n = p->key_nr > p->map_nr ? p->key_nr : p->map_nr;

	if (n > ARRAY_SIZE(vals))
		n = ARRAY_SIZE(vals);
	for (i = 0; i < n; i++)
		vals[i] = "?";
	ddl_plan_render(&sb, p, "db", "t", "_t_new");
	if (p->map_nr <= ARRAY_SIZE(vals) && p->key_nr <= ARRAY_SIZE(vals)) {
		ddl_build_ghost_alter(&sb, p, "db", "_t_new", &err);
		ddl_build_key_predicate(&sb, p, DDL_SIDE_SOURCE, ">=", vals,
					&err);
		ddl_build_copy_chunk(&sb, p, "db", "t", "_t_new", vals, false,
				     vals, true, &err);
		ddl_build_replace(&sb, p, "db", "_t_new", vals, 1, &err);
		ddl_build_delete(&sb, p, "db", "_t_new", vals, &err);
	}
	for (i = 0; i < p->unique_checks_nr; i++)
		ddl_build_dup_check(&sb, p, i, "db", "t", &err);
	for (i = 0; i < p->constraint_checks_nr; i++) {
		strbuf_reset(&err);
		ddl_build_constraint_check(&sb, p, i, "db", "t", &err);
		check_one_line(&err); /* it becomes a warning's text */
	}
	for (i = 0; i < p->map_nr; i++)
		ddl_build_null_check(&sb, p, p->map[i].ghost_name, "db", "t",
				     &err);
	/* The dry run's data checks (their errors are warnings' text). */
	for (i = 0; i < p->risks_nr; i++) {
		if (p->risks[i].kind != DDL_RISK_LOSSY_TYPE ||
		    !p->risks[i].subject)
			continue;
		strbuf_reset(&err);
		ddl_build_fit_check(&sb, p, p->risks[i].subject, "db", "t",
				    &err);
		check_one_line(&err);
	}
	for (i = 0; i < p->ghost.constraints_nr; i++) {
		strbuf_reset(&err);
		ddl_build_fk_orphan_check(&sb, p, i, "db", "t", &err);
		check_one_line(&err);
	}
	strbuf_release(&sb);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ddl_table source;
	static bool have_source;
	struct ddl_alter alter = DDL_ALTER_INIT, simple = DDL_ALTER_INIT;
	struct ddl_table t = DDL_TABLE_INIT;
	struct ddl_plan plan = DDL_PLAN_INIT;
	struct strbuf err = STRBUF_INIT;
	char *text;

	if (!have_source) {
		if (ddl_table_from_create(fuzz_source, &source, &err) < 0)
			abort();
		have_source = true;
	}
	/* The parsers take C strings: cut at the first NUL. */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (ddl_parse_alter(text, &alter, &err) == 0) {
		if (ddl_plan_build(&source, &alter, NULL, &plan, &err) == 0)
			exercise_plan(&plan);
		else
			check_one_line(&err);
		ddl_plan_release(&plan);
		if (ddl_plan_build(&source, &alter, &source, &plan, &err) == 0)
			exercise_plan(&plan);
		ddl_plan_release(&plan);
	} else {
		check_one_line(&err);
		if (alter.clauses_nr)
			abort();
	}
	strbuf_reset(&err);

	if (ddl_table_from_create(text, &t, &err) == 0) {
		if (ddl_parse_alter("FORCE", &simple, &err) < 0)
			abort();
		if (ddl_plan_build(&t, &simple, NULL, &plan, &err) == 0)
			exercise_plan(&plan);
		ddl_plan_release(&plan);
		if (ddl_plan_build(&source, &simple, &t, &plan, &err) == 0)
			exercise_plan(&plan);
		ddl_plan_release(&plan);
		if (ddl_plan_build(&t, &alter, &t, &plan, &err) == 0)
			exercise_plan(&plan);
		ddl_plan_release(&plan);
	} else {
		check_one_line(&err);
		if (t.columns_nr)
			abort();
	}

	/* As a trigger's stored statement (SHOW CREATE TRIGGER). */
	strbuf_reset(&err);
	{
		struct ddl_trigger_text tt;
		struct strbuf out = STRBUF_INIT;

		if (ddl_trigger_parse(text, &tt, &err) == 0) {
			if (tt.on_start > tt.on_end || tt.on_end > size ||
			    tt.body_start > size)
				abort();
			ddl_trigger_retarget(&out, text, &tt, "db", "_t_new");
		} else {
			check_one_line(&err);
			if (tt.columns_nr)
				abort();
		}
		ddl_trigger_text_release(&tt);
		strbuf_release(&out);
	}

	ddl_alter_release(&alter);
	ddl_alter_release(&simple);
	ddl_table_release(&t);
	strbuf_release(&err);
	free(text);
	return 0;
}

#ifndef OSC_LIBFUZZER
/* ---------------------------------------------------------------------
 * The stand-alone driver: corpus replay plus bounded random mutation.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

struct corpus {
	char **data;
	size_t *len;
	size_t nr, alloc;
};

static void corpus_add(struct corpus *c, char *data, size_t len)
{
	if (c->nr == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 64;
		c->data = realloc(c->data, c->alloc * sizeof(*c->data));
		c->len = realloc(c->len, c->alloc * sizeof(*c->len));
		if (!c->data || !c->len)
			abort();
	}
	c->data[c->nr] = data;
	c->len[c->nr] = len;
	c->nr++;
}

static int load_file(struct corpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return -1;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	corpus_add(c, buf, (size_t)n);
	return 0;
}

static int load_path(struct corpus *c, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return load_file(c, path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct strbuf p = STRBUF_INIT;

		if (e->d_name[0] == '.')
			continue;
		strbuf_addf(&p, "%s/%s", path, e->d_name);
		load_file(c, p.buf);
		strbuf_release(&p);
	}
	closedir(d);
	return 0;
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: small, deterministic, good enough for mutation */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static const char *const dictionary[] = {
	"(", ")", ",", "'", "\"", "`", "``", "/*", "*/", "/*!50100 ", "/*M!",
	"-- ", "#", ";", "\\", "ADD ", "DROP ", "COLUMN ", "INDEX ",
	"UNIQUE ", "PRIMARY KEY ", "CHANGE ", "MODIFY ", "RENAME ", "TO ",
	"AFTER ", "FIRST", "DEFAULT ", "NOT NULL", "AS (", "STORED",
	"CHARACTER SET utf8mb4 ", "COLLATE ", "ENUM('a','b')", "INT",
	"VARCHAR(10)", "DECIMAL(10,2)", "X'0a'", "b'1'", "_utf8mb4'x'",
	"PARTITION BY ", "IF EXISTS ", "IF NOT EXISTS ", "CONSTRAINT ",
	"FOREIGN KEY ", "REFERENCES ", "CHECK (", "ENGINE=", "\xd1\x8f",
	"\xff", "\xf0\x9f\x98\x80", "x", "a", "b", "id", "`a`", "CREATE TABLE ",
};

static size_t mutate(char *buf, size_t len, size_t cap,
		     const struct corpus *c)
{
	int rounds = 1 + (int)(rng() % 4);

	while (rounds--) {
		size_t pos = len ? rng() % (len + 1) : 0;

		switch (rng() % 6) {
		case 0: /* flip a byte */
			if (len)
				buf[rng() % len] = (char)(rng() & 0xff);
			break;
		case 1: { /* insert a dictionary word */
			const char *w =
			    dictionary[rng() % ARRAY_SIZE(dictionary)];
			size_t wl = strlen(w);

			if (len + wl > cap)
				break;
			memmove(buf + pos + wl, buf + pos, len - pos);
			memcpy(buf + pos, w, wl);
			len += wl;
			break;
		}
		case 2: { /* delete a range */
			size_t n;

			if (!len || pos >= len)
				break;
			n = 1 + rng() % (len - pos);
			if (n > 16)
				n = 1 + n % 16;
			memmove(buf + pos, buf + pos + n, len - pos - n);
			len -= n;
			break;
		}
		case 3: { /* duplicate a range */
			size_t from, n;

			if (!len)
				break;
			from = rng() % len;
			n = 1 + rng() % (len - from);
			if (n > 32)
				n = 32;
			if (len + n > cap)
				break;
			memmove(buf + pos + n, buf + pos, len - pos);
			memmove(buf + pos, buf + from + (from >= pos ? n : 0) -
						   (from >= pos ? n : 0),
				n);
			len += n;
			break;
		}
		case 4: { /* splice in part of another corpus entry */
			size_t k = rng() % c->nr, from, n;

			if (!c->len[k])
				break;
			from = rng() % c->len[k];
			n = 1 + rng() % (c->len[k] - from);
			if (len + n > cap)
				break;
			memmove(buf + pos + n, buf + pos, len - pos);
			memcpy(buf + pos, c->data[k] + from, n);
			len += n;
			break;
		}
		default: /* truncate */
			len = pos;
			break;
		}
	}
	return len;
}

static unsigned long env_ulong(const char *name, unsigned long deflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : deflt;
}

int main(int argc, char **argv)
{
	struct corpus c = { 0 };
	unsigned long seconds = env_ulong("FUZZ_DDL_SECONDS", 3);
	unsigned long runs = env_ulong("FUZZ_DDL_RUNS", 200000);
	unsigned long i;
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	time_t start = time(NULL);
	int k;

	rng_state = env_ulong("FUZZ_DDL_SEED", 20240601) | 1;
	if (argc > 1) {
		for (k = 1; k < argc; k++)
			if (load_path(&c, argv[k]) < 0) {
				fprintf(stderr, "fuzz-ddl: cannot read %s\n",
					argv[k]);
				return 99;
			}
	} else {
		struct strbuf dir = STRBUF_INIT;
		const char *src = getenv("OSC_SRCDIR");

		strbuf_addf(&dir, "%s/tests/fuzz/corpus-ddl",
			    src ? src : (getenv("srcdir") ? getenv("srcdir") :
							    "."));
		if (load_path(&c, dir.buf) < 0 || !c.nr) {
			fprintf(stderr, "fuzz-ddl: no corpus in %s\n", dir.buf);
			return 99;
		}
		strbuf_release(&dir);
	}
	if (!buf)
		return 99;
	for (i = 0; i < c.nr; i++)
		LLVMFuzzerTestOneInput((const uint8_t *)c.data[i], c.len[i]);
	printf("fuzz-ddl: %zu corpus inputs replayed\n", c.nr);
	for (i = 0; i < runs; i++) {
		size_t j = rng() % c.nr, len = c.len[j];

		if (len > cap / 2)
			len = cap / 2;
		memcpy(buf, c.data[j], len);
		len = mutate(buf, len, cap, &c);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		if ((i & 255) == 0 && (unsigned long)(time(NULL) - start) >=
					      seconds)
			break;
	}
	printf("fuzz-ddl: %lu mutated inputs run\n", i);
	for (i = 0; i < c.nr; i++)
		free(c.data[i]);
	free(c.data);
	free(c.len);
	free(buf);
	return 0;
}
#endif
