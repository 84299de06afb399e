/*
 * fuzz-binlog.c: the binlog decoder on hostile bytes.
 *
 * The input is a binlog (magic bytes optional): events back to back. It is
 * decoded twice, once as a server would send it (CRC32s checked) and once
 * with checksums ignored and partial images allowed, so that mutated
 * bodies reach the value decoders; every decoded value is also turned
 * into SQL and text. Schemas are registered for the tables of the MariaDB
 * fixtures so that the old-format temporal paths are reached too. The
 * input's bytes are also tried as MySQL binary JSON and packed decimals.
 *
 * With --enable-fuzzing (CC=clang) this is a libFuzzer target. Otherwise
 * main() below replays the seed corpus (the fixture binlogs, and
 * tests/fuzz/corpus-binlog) and then mutates it for a bounded time
 * (OSC_FUZZ_SECONDS, default 3; OSC_FUZZ_SEED for the seed), which is
 * what make check runs. Nothing is asserted but the absence of crashes;
 * run it under --enable-asan --enable-ubsan to see memory errors.
 */
#include "util/compat.h"

#include "binlog/binlog-internal.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fx_t_types[] = {
	"int", "tinyint", "tinyint unsigned", "bigint", "bigint unsigned",
	"mediumint", "float", "double", "decimal(65,30)", "decimal(10,2)",
	"year", "date", "time", "time(3)", "datetime(6)", "timestamp(6)",
	"char(10)", "binary(4)", "varchar(300)", "blob", "enum('a')", "set('x')",
	"bit(13)", "longtext", "point",
};
static const int fx_o_prec[] = { -1, 3, 6, 2, 0, 0, 0 };

static void register_schemas(struct binlog_decoder *dec)
{
	struct binlog_column_schema cols[25];
	struct binlog_table_schema s;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fx_t_types); i++)
		binlog_column_schema_fill(&cols[i], "c", fx_t_types[i],
					  i == 17 ? "binary" : NULL, NULL,
					  NULL);
	s.ncols = ARRAY_SIZE(fx_t_types);
	s.cols = cols;
	binlog_decoder_set_schema(dec, "fx", "t", &s);
	for (i = 0; i < ARRAY_SIZE(fx_o_prec); i++) {
		binlog_column_schema_fill(&cols[i], "c", "x", NULL, NULL, NULL);
		cols[i].datetime_precision = fx_o_prec[i];
	}
	s.ncols = ARRAY_SIZE(fx_o_prec);
	binlog_decoder_set_schema(dec, "fx", "o", &s);
}

static void use_event(const struct binlog_event *ev, struct strbuf *sb)
{
	size_t r;
	unsigned int c;

	if (ev->kind == BINLOG_EVENT_QUERY)
		strbuf_add(sb, ev->u.query.sql, ev->u.query.sql_len);
	if (ev->kind != BINLOG_EVENT_ROWS)
		return;
	for (r = 0; r < ev->u.rows.nrows; r++) {
		const struct binlog_row *row = &ev->u.rows.rows[r];
		const struct binlog_table *t = ev->u.rows.table;

		for (c = 0; c < t->ncols; c++) {
			struct strbuf err = STRBUF_INIT;

			if (row->before) {
				binlog_value_to_sql(sb, &row->before[c], NULL,
						    &err);
				binlog_value_describe(sb, &row->before[c]);
			}
			if (row->after) {
				binlog_value_to_sql(sb, &row->after[c],
						    t->schema
							    ? &t->schema->cols[c]
							    : NULL,
						    &err);
				binlog_value_describe(sb, &row->after[c]);
			}
			strbuf_release(&err);
		}
		strbuf_reset(sb);
	}
}

struct run {
	struct binlog_decoder *dec;
	struct strbuf sb;
};

static int feed_one(void *arg, const unsigned char *ev, size_t len)
{
	struct run *r = arg;
	struct strbuf err = STRBUF_INIT;
	const struct binlog_event *out;
	int rc;

	if (binlog_decoder_feed(r->dec, ev, len, &err) == 0) {
		while ((rc = binlog_decoder_next(r->dec, &out, &err)) != 0) {
			if (rc > 0)
				use_event(out, &r->sb);
			strbuf_reset(&err);
		}
	}
	strbuf_release(&err);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct binlog_decoder_options o;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct binlog_pos pos;
	int pass;
	size_t used;

	for (pass = 0; pass < 2; pass++) {
		struct run r;

		memset(&o, 0, sizeof(o));
		/* small limits: a fuzzer must not allocate gigabytes */
		o.max_event_bytes = 16u << 20;
		o.skip_checksum = pass;
		o.allow_partial_images = pass;
		r.dec = binlog_decoder_new(&o);
		strbuf_init(&r.sb, 0);
		register_schemas(r.dec);
		binlog_decoder_set_position(r.dec, "fuzz.000001", 4);
		binlog_buffer_walk(data, size, feed_one, &r, &err);
		binlog_decoder_last_complete(r.dec, &pos);
		strbuf_release(&r.sb);
		binlog_decoder_free(r.dec);
		strbuf_reset(&err);
	}
	binlog_json_to_text(data, size, &out, &err);
	strbuf_reset(&out);
	if (size >= 2)
		binlog_decimal_to_text(data + 2, size - 2, data[0] % 70,
				       data[1] % 40, &out, &used, &err);
	strbuf_release(&out);
	strbuf_release(&err);
	return 0;
}

#ifndef OSC_LIBFUZZER

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

struct input {
	unsigned char *data;
	size_t len;
};

static struct input *inputs;
static size_t ninputs, inputs_alloc;

static void add_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;

	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	ALLOC_GROW(inputs, ninputs + 1, inputs_alloc);
	inputs[ninputs].len = sb.len;
	inputs[ninputs].data = (unsigned char *)strbuf_detach(&sb, NULL);
	ninputs++;
}

static void add_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (stat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		add_file(path);
		return;
	}
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct strbuf p = STRBUF_INIT;

		if (de->d_name[0] == '.' || strstr(de->d_name, ".md") ||
		    !strcmp(de->d_name, "LICENSE-MIT"))
			continue;
		strbuf_addf(&p, "%s/%s", path, de->d_name);
		add_file(p.buf);
		strbuf_release(&p);
	}
	closedir(d);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from OSC_FUZZ_SEED */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static void mutate(struct strbuf *sb)
{
	static const unsigned char interesting[] = { 0x00, 0x01, 0x7f, 0x80,
						     0xfb, 0xfc, 0xfd, 0xfe,
						     0xff };
	unsigned int n = 1 + (unsigned int)(rnd() % 8), i;

	for (i = 0; i < n && sb->len; i++) {
		size_t at = (size_t)(rnd() % sb->len);

		switch (rnd() % 6) {
		case 0:
			sb->buf[at] ^= (char)(1u << (rnd() % 8));
			break;
		case 1:
			sb->buf[at] = (char)interesting[rnd() %
							 sizeof(interesting)];
			break;
		case 2:
			sb->buf[at] = (char)rnd();
			break;
		case 3: /* truncate */
			strbuf_setlen(sb, at);
			break;
		case 4: { /* duplicate a slice */
			size_t len = (size_t)(rnd() % 64);
			char *copy;

			if (len > sb->len - at)
				len = sb->len - at;
			copy = xmemdup(sb->buf + at, len);
			strbuf_add(sb, copy, len);
			free(copy);
			break;
		}
		default: /* delete a byte */
			memmove(sb->buf + at, sb->buf + at + 1,
				sb->len - at - 1);
			strbuf_setlen(sb, sb->len - 1);
			break;
		}
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *src = getenv("OSC_SRCDIR");
	const char *secs_env = getenv("OSC_FUZZ_SECONDS");
	const char *seed_env = getenv("OSC_FUZZ_SEED");
	double secs = secs_env ? atof(secs_env) : 3.0, t0;
	unsigned long iterations = 0;
	size_t i;
	int a;

	if (argc > 1) {
		for (a = 1; a < argc; a++)
			add_path(argv[a]);
	} else {
		static const char *const dirs[] = {
			"tests/fixtures/mysql-binlogs",
			"tests/fixtures/mariadb-binlogs",
			"tests/fuzz/corpus-binlog",
		};
		for (i = 0; i < ARRAY_SIZE(dirs); i++) {
			struct strbuf p = STRBUF_INIT;

			strbuf_addf(&p, "%s/%s", src ? src : ".", dirs[i]);
			add_path(p.buf);
			strbuf_release(&p);
		}
	}
	if (!ninputs) {
		fprintf(stderr, "fuzz-binlog: no seed inputs found (set "
				"OSC_SRCDIR or pass files)\n");
		return 99;
	}
	for (i = 0; i < ninputs; i++)
		LLVMFuzzerTestOneInput(inputs[i].data, inputs[i].len);

	rng_state = seed_env ? strtoull(seed_env, NULL, 0)
			     : (uint64_t)time(NULL) * 2654435761u + 1;
	if (!rng_state)
		rng_state = 1;
	fprintf(stderr, "fuzz-binlog: %zu seeds replayed; mutating for %.1f s "
			"with OSC_FUZZ_SEED=%" PRIu64 "\n",
		ninputs, secs, rng_state);
	t0 = now_s();
	while (now_s() - t0 < secs) {
		const struct input *in = &inputs[rnd() % ninputs];
		struct strbuf sb = STRBUF_INIT;

		strbuf_add(&sb, in->data, in->len);
		mutate(&sb);
		LLVMFuzzerTestOneInput((const uint8_t *)sb.buf, sb.len);
		strbuf_release(&sb);
		iterations++;
	}
	fprintf(stderr, "fuzz-binlog: %lu mutated inputs, no crash\n",
		iterations);
	for (i = 0; i < ninputs; i++)
		free(inputs[i].data);
	free(inputs);
	return 0;
}

#endif
