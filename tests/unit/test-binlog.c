/*
 * test-binlog.c: the binlog decoder on real binlog files (MySQL 8/9 from
 * tests/fixtures/mysql-binlogs, MariaDB 10.11 captured for this project in
 * tests/fixtures/mariadb-binlogs; expected values in their READMEs), on
 * corrupted and truncated copies of them, and binlog_value_to_sql() on
 * hand-made values. Table-driven: file and position in, value out.
 */
#include "util/compat.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

#include "binlog/binlog-internal.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

static char *fixture_path(const char *dir, const char *name)
{
	const char *src = getenv("OSC_SRCDIR");
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/tests/fixtures/%s/%s", src ? src : ".", dir,
		    name);
	return strbuf_detach(&sb, NULL);
}

/* ---- a schema for the MariaDB NO_LOG fixtures --------------------------- */

struct col_def {
	const char *name, *type, *charset;
	int precision;
};

static const struct col_def fx_t_cols[] = {
	{ "id", "int(11)", NULL, -1 },
	{ "ti", "tinyint(4)", NULL, -1 },
	{ "tiu", "tinyint(3) unsigned", NULL, -1 },
	{ "bi", "bigint(20)", NULL, -1 },
	{ "biu", "bigint(20) unsigned", NULL, -1 },
	{ "mi", "mediumint(9)", NULL, -1 },
	{ "f", "float", NULL, -1 },
	{ "d", "double", NULL, -1 },
	{ "dm", "decimal(65,30)", NULL, -1 },
	{ "d2", "decimal(10,2)", NULL, -1 },
	{ "y", "year(4)", NULL, -1 },
	{ "dt", "date", NULL, -1 },
	{ "tm", "time", NULL, 0 },
	{ "tm3", "time(3)", NULL, 3 },
	{ "dtm6", "datetime(6)", NULL, 6 },
	{ "ts6", "timestamp(6)", NULL, 6 },
	{ "c", "char(10)", "utf8mb4", -1 },
	{ "bn", "binary(4)", NULL, -1 },
	{ "vc", "varchar(300)", "utf8mb4", -1 },
	{ "bl", "blob", NULL, -1 },
	{ "e", "enum('a','b','c')", "latin1", -1 },
	{ "s", "set('x','y','z')", "latin1", -1 },
	{ "b13", "bit(13)", NULL, -1 },
	{ "j", "longtext", "utf8mb4", -1 },
	{ "g", "point", NULL, -1 },
};

static const struct col_def fx_o_cols[] = {
	{ "id", "int(11)", NULL, -1 },
	{ "tm3", "time(3)", NULL, 3 },
	{ "dt6", "datetime(6)", NULL, 6 },
	{ "ts2", "timestamp(2)", NULL, 2 },
	{ "dt0", "datetime", NULL, 0 },
	{ "tm0", "time", NULL, 0 },
	{ "ts0", "timestamp", NULL, 0 },
};

static void register_cols(struct binlog_decoder *dec, const char *db,
			  const char *table, const struct col_def *defs,
			  size_t n)
{
	struct binlog_column_schema *cols = xcalloc(n, sizeof(*cols));
	struct binlog_table_schema s;
	size_t i;

	for (i = 0; i < n; i++) {
		char prec[8];

		xsnprintf(prec, sizeof(prec), "%d", defs[i].precision);
		binlog_column_schema_fill(&cols[i], defs[i].name, defs[i].type,
					  defs[i].charset, NULL,
					  defs[i].precision >= 0 ? prec : NULL);
	}
	s.ncols = (unsigned int)n;
	s.cols = cols;
	binlog_decoder_set_schema(dec, db, table, &s);
	free(cols);
}

/* ---- walking a fixture ---------------------------------------------------- */

enum schema_kind { NO_SCHEMA, SCHEMA_FX_T, SCHEMA_FX_O, SCHEMA_FX_T_SHORT };

struct walk {
	const char *dir, *file;
	enum schema_kind schema;
	int allow_partial;
	/* what the walk saw */
	int nrows_events;
	int ncommits;
	int nerrors;
	int types_seen[256];
	struct strbuf first_error;
	/* the value looked for */
	int want_rows_event, want_row, want_after;
	unsigned int want_col;
	int mode;	/* 0 describe, 1 to_sql */
	struct strbuf got;
	int found;
	struct binlog_pos last_complete;
	int kinds[BINLOG_EVENT_RECONNECT + 1];
	char last_query[256];
};

static void walk_file(struct walk *w)
{
	struct binlog_decoder_options o;
	struct binlog_decoder *dec;
	struct binlog_file *f;
	struct strbuf err = STRBUF_INIT;
	const unsigned char *raw;
	size_t len;
	char *path = fixture_path(w->dir, w->file);
	int rc;

	memset(&o, 0, sizeof(o));
	o.allow_partial_images = w->allow_partial;
	dec = binlog_decoder_new(&o);
	if (w->schema == SCHEMA_FX_T)
		register_cols(dec, "fx", "t", fx_t_cols,
			      ARRAY_SIZE(fx_t_cols));
	else if (w->schema == SCHEMA_FX_T_SHORT)
		register_cols(dec, "fx", "t", fx_t_cols,
			      ARRAY_SIZE(fx_t_cols) - 1);
	else if (w->schema == SCHEMA_FX_O)
		register_cols(dec, "fx", "o", fx_o_cols,
			      ARRAY_SIZE(fx_o_cols));
	if (binlog_file_open(&f, path, &err) < 0)
		fail_msg("%s", err.buf);
	binlog_decoder_set_position(dec, binlog_file_basename(f), 4);
	while ((rc = binlog_file_next(f, &raw, &len, &err)) > 0) {
		const struct binlog_event *ev;

		w->types_seen[raw[4]]++;
		/* every event's CRC is checked here */
		if (binlog_decoder_feed(dec, raw, len, &err) < 0)
			fail_msg("%s: %s", w->file, err.buf);
		for (;;) {
			strbuf_reset(&err);
			rc = binlog_decoder_next(dec, &ev, &err);
			if (rc == 0)
				break;
			if (rc < 0) {
				if (!w->nerrors++)
					strbuf_addbuf(&w->first_error, &err);
				continue;
			}
			w->kinds[ev->kind]++;
			if (ev->kind == BINLOG_EVENT_QUERY)
				snprintf(w->last_query, sizeof(w->last_query),
					 "%s", ev->u.query.sql);
			if (ev->kind == BINLOG_EVENT_COMMIT)
				w->ncommits++;
			if (ev->kind != BINLOG_EVENT_ROWS)
				continue;
			if (w->nrows_events++ == w->want_rows_event &&
			    (size_t)w->want_row < ev->u.rows.nrows) {
				const struct binlog_row *r =
					&ev->u.rows.rows[w->want_row];
				const struct binlog_value *vals =
					w->want_after ? r->after : r->before;

				assert_non_null(vals);
				assert_true(w->want_col <
					    ev->u.rows.table->ncols);
				if (w->mode)
					binlog_value_to_sql(
						&w->got, &vals[w->want_col],
						NULL, &w->got);
				else
					binlog_value_describe(
						&w->got, &vals[w->want_col]);
				w->found = 1;
			}
		}
	}
	if (rc < 0)
		fail_msg("%s: %s", w->file, err.buf);
	binlog_decoder_last_complete(dec, &w->last_complete);
	binlog_file_close(f);
	binlog_decoder_free(dec);
	strbuf_release(&err);
	free(path);
}

/* ---- expected values --------------------------------------------------- */

#define D10 "0123456789"
#define D100 D10 D10 D10 D10 D10 D10 D10 D10 D10 D10

struct expect {
	const char *dir, *file;
	enum schema_kind schema;
	int rows_event, row, after;
	unsigned int col;	/* 0-based */
	int mode;		/* 0 describe, 1 to_sql */
	const char *want;
	int prefix;		/* only the start must match */
};

#define MY "mysql-binlogs"
#define MA "mariadb-binlogs"

static const struct expect expects[] = {
	/* mysql-enum-string-set: CHAR(128) utf8mb4, VARCHAR(300), ENUM,
	 * SET, TEXT; WRITE, UPDATE, DELETE */
	{ MY, "mysql-enum-string-set.000001", 0, 0, 0, 1, 0, 0,
	  "\"" D100 "\"", 0 },
	{ MY, "mysql-enum-string-set.000001", 0, 0, 0, 1, 2, 0, "enum:1", 0 },
	{ MY, "mysql-enum-string-set.000001", 0, 0, 0, 1, 3, 0, "set:0x5", 0 },
	{ MY, "mysql-enum-string-set.000001", 0, 0, 0, 1, 4, 0,
	  "\"0123456789\"", 0 },
	{ MY, "mysql-enum-string-set.000001", 0, 1, 0, 0, 0, 0,
	  "\"" D100 "\"", 0 },
	{ MY, "mysql-enum-string-set.000001", 0, 1, 0, 1, 0, 0, "\"field1\"",
	  0 },
	{ MY, "mysql-enum-string-set.000001", 0, 1, 0, 1, 1, 0, "\"field_2\"",
	  0 },
	{ MY, "mysql-enum-string-set.000001", 0, 1, 0, 1, 2, 0, "enum:2", 0 },
	{ MY, "mysql-enum-string-set.000001", 0, 1, 0, 1, 3, 0, "set:0xa", 0 },
	{ MY, "mysql-enum-string-set.000001", 0, 1, 0, 1, 4, 0,
	  "\"" D100 D10, 1 },
	{ MY, "mysql-enum-string-set.000001", 0, 2, 0, 0, 0, 0, "\"field1\"",
	  0 },
	{ MY, "mysql-enum-string-set.000001", 0, 2, 0, 0, 3, 0, "set:0xa", 0 },
	/* BIT(3), TEXT, BIT(8) */
	{ MY, "mysql_type_bit.000001", 0, 0, 0, 1, 0, 1, "b'100'", 0 },
	{ MY, "mysql_type_bit.000001", 0, 0, 0, 1, 1, 0, "\"foo\"", 0 },
	{ MY, "mysql_type_bit.000001", 0, 0, 0, 1, 2, 1, "b'100000'", 0 },
	/* TIME2 beyond 24 hours, negative */
	{ MY, "time_issue.000001", 0, 0, 0, 1, 0, 1, "'-507:48:27'", 0 },
	/* MINIMAL metadata: collation 255, unsigned INT */
	{ MY, "minimal_row_metadata.000001", 0, 0, 0, 1, 4, 1, "3230202323",
	  0 },
	{ MY, "minimal_row_metadata.000001", 0, 0, 0, 1, 1, 0, "(absent)", 0 },
	{ MY, "minimal_row_metadata.000001", 0, 0, 0, 1, 2, 0, "\"a\"", 0 },
	/* invisible columns, BIGINT UNSIGNED */
	{ MY, "binlog-invisible-columns.000001", 0, 0, 0, 1, 0, 1, "1", 0 },
	{ MY, "binlog-invisible-columns.000001", 0, 0, 0, 1, 2, 1, "-3", 0 },
	{ MY, "binlog-invisible-columns.000001", 0, 0, 0, 1, 4, 1, "X'05'",
	  0 },
	{ MY, "binlog-invisible-columns.000001", 0, 0, 0, 1, 5, 1,
	  "6000000000", 0 },
	{ MY, "binlog-invisible-columns.000001", 0, 2, 0, 1, 2, 1, "-333", 0 },
	{ MY, "binlog-invisible-columns.000001", 0, 2, 0, 0, 0, 0, "NULL", 0 },
	/* JSON binary */
	{ MY, "json.binlog.000001", 0, 0, 0, 1, 1, 0,
	  "json:{\"age\": 24, \"data\": \"xxxxxxxxxx\", \"name\": \"Joe\"}", 0 },
	{ MY, "json.binlog.000001", 0, 4, 5, 1, 1, 0,
	  "json:{\"age\": 41, \"data\": \"zzzzzzzzzz\", \"name\": \"Pete\"}", 0 },
	/*
	 * JSON opaque scalars. The README writes the decimals as strings
	 * (rust_mysql_common's rendering); MySQL itself, and so the server
	 * reading our text back, writes them as numbers.
	 */
	{ MY, "json-opaque.binlog", 0, 0, 0, 1, 0, 0,
	  "json:{\"a\": \"base64:type15:VQ==\"}", 0 },
	{ MY, "json-opaque.binlog", 0, 1, 0, 1, 0, 0,
	  "json:{\"b\": \"2012-03-18\"}", 0 },
	{ MY, "json-opaque.binlog", 0, 2, 0, 1, 0, 0,
	  "json:{\"c\": \"2012-03-18 11:30:45.000000\"}", 0 },
	{ MY, "json-opaque.binlog", 0, 3, 0, 1, 0, 0,
	  "json:{\"c\": \"87:31:46.654321\"}", 0 },
	{ MY, "json-opaque.binlog", 0, 4, 0, 1, 0, 0, "json:{\"d\": 123.456}",
	  0 },
	{ MY, "json-opaque.binlog", 0, 5, 0, 1, 0, 0, "json:{\"e\": 9.00}", 0 },
	{ MY, "json-opaque.binlog", 0, 6, 0, 1, 0, 0,
	  "json:{\"e\": [0, 1, true, false]}", 0 },
	{ MY, "json-opaque.binlog", 0, 7, 0, 1, 0, 0, "json:{\"e\": null}",
	  0 },
	/* tagged GTIDs: the transaction still decodes */
	{ MY, "binlog_transaction_with_GTID_TAG.000001", 0, 0, 0, 1, 0, 1, "3",
	  0 },
	{ MY, "binlog_transaction_with_GTID_TAG.000001", 0, 0, 0, 1, 2, 1,
	  "250.00", 0 },
	/* VECTOR: float32 little-endian */
	{ MY, "vector.binlog", 0, 0, 0, 1, 1, 1, "X'cdcc8c3fcdcc0c4033335340'",
	  0 },
	{ MY, "vector.binlog", 0, 0, 1, 1, 1, 1, "X'0000803f000080bf00000000'",
	  0 },
	{ MY, "vector.binlog", 0, 0, 1, 1, 0, 1, "2", 0 },
	/* 5.1 files, no checksums */
	{ MY, "update-full-row.binlog", 0, 2, 0, 0, 2, 1, "4", 0 },
	{ MY, "update-full-row.binlog", 0, 2, 0, 1, 2, 1, "40", 0 },
	{ MY, "write-partial-row.binlog", 0, 2, 0, 1, 1, 0, "(absent)", 0 },
	/* MariaDB 10.5 from rust_mysql_common */
	{ MY, "mariadb-bin.000001", 0, 0, 0, 1, 0, 1, "62", 0 },
	{ MY, "mariadb-bin.000001", 0, 0, 0, 1, 2, 1, "2", 0 },
	{ MY, "mariadb-bin.000001", 0, 0, 0, 1, 4, 1,
	  "'2022-04-20 22:18:04'", 0 },
	{ MY, "mariadb-bin.000001", 0, 1, 0, 1, 0, 1, "63", 0 },

	/* MariaDB 10.11, binlog_row_metadata=NO_LOG: the schema says */
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 1, 1, "-128",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 2, 1, "255",
	  0 },
	{ MA, "mariadb-types-nolog.000002", NO_SCHEMA, 0, 0, 1, 2, 1, "-1",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 3, 1,
	  "-9223372036854775808", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 4, 1,
	  "18446744073709551615", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 5, 1,
	  "-8388608", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 6, 1, "1.5",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 7, 1, "-0.1",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 8, 1,
	  "-12345678901234567890.123456789012345678901234567890", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 9, 1,
	  "-0.05", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 10, 1,
	  "'0000'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 11, 1,
	  "'0000-00-00'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 12, 1,
	  "'-838:59:59'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 13, 1,
	  "'-00:00:00.500'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 14, 1,
	  "'2024-02-29 12:34:56.789012'", 0 },
	/* written at +05:00: the binlog holds UTC */
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 15, 1,
	  "'2024-03-04 00:06:07.123456'", 0 },
	/* CHAR's trailing spaces are not logged (nor returned by SELECT) */
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 16, 1,
	  "X'6162'", 0 },
	/* BINARY(4)'s trailing zeros are restored */
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 17, 1,
	  "X'01000000'", 0 },
	{ MA, "mariadb-types-nolog.000002", NO_SCHEMA, 0, 0, 1, 17, 1,
	  "X'01'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 18, 1,
	  "X'e697a5e69cace8aa9ef09f8e89'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 19, 1,
	  "X'000102'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 20, 1, "3",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 21, 1, "5",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 22, 1,
	  "b'1000000000001'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 23, 0,
	  "\"{\\\"a\\\": [1, \\\"\xc3\xa9\\\"]}\"", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 0, 0, 1, 24, 1,
	  "X'000000000101000000000000000000f03f0000000000000040'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 1, 0, 1, 0, 1, "2",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 1, 0, 1, 8, 1, "NULL",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 2, 0, 0, 18, 1,
	  "X'e697a5e69cace8aa9ef09f8e89'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 2, 0, 1, 18, 1,
	  "X'78'", 0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 2, 0, 1, 2, 1, "7",
	  0 },
	{ MA, "mariadb-types-nolog.000002", SCHEMA_FX_T, 3, 0, 0, 0, 1, "2",
	  0 },
	/* MariaDB FULL metadata and compressed events (166-168) */
	{ MA, "mariadb-compressed-full.000003", 0, 0, 0, 1, 0, 1, "4000000000",
	  0 },
	{ MA, "mariadb-compressed-full.000003", 0, 0, 0, 1, 1, 1,
	  "X'616263616263", 1 },
	{ MA, "mariadb-compressed-full.000003", 0, 0, 0, 1, 2, 1, "2", 0 },
	{ MA, "mariadb-compressed-full.000003", 0, 0, 0, 1, 3, 1, "3", 0 },
	{ MA, "mariadb-compressed-full.000003", 0, 0, 0, 1, 4, 1, "X'ff0000'",
	  0 },
	{ MA, "mariadb-compressed-full.000003", 0, 0, 0, 1, 5, 1, "-5", 0 },
	{ MA, "mariadb-compressed-full.000003", 0, 1, 0, 1, 5, 1, "5", 0 },
	{ MA, "mariadb-compressed-full.000003", 0, 1, 0, 1, 1, 1,
	  "X'78797a78797a", 1 },
	{ MA, "mariadb-compressed-full.000003", 0, 2, 0, 0, 0, 1, "4000000000",
	  0 },
	/* MariaDB old-format (hires) temporals: length from the schema */
	{ MA, "mariadb-hires.000004", SCHEMA_FX_O, 0, 0, 1, 1, 1,
	  "'-12:34:56.789'", 0 },
	{ MA, "mariadb-hires.000004", SCHEMA_FX_O, 0, 0, 1, 2, 1,
	  "'2024-02-29 12:34:56.789012'", 0 },
	{ MA, "mariadb-hires.000004", SCHEMA_FX_O, 0, 0, 1, 3, 1,
	  "'2024-03-04 00:06:07.12'", 0 },
	{ MA, "mariadb-hires.000004", SCHEMA_FX_O, 0, 0, 1, 4, 1,
	  "'1999-12-31 23:59:59'", 0 },
	{ MA, "mariadb-hires.000004", SCHEMA_FX_O, 0, 0, 1, 5, 1,
	  "'-01:02:03'", 0 },
	{ MA, "mariadb-hires.000004", SCHEMA_FX_O, 0, 0, 1, 6, 1,
	  "'2024-03-04 00:06:07'", 0 },
};

static void test_fixture_values(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(expects); i++) {
		const struct expect *e = &expects[i];
		struct walk w;

		memset(&w, 0, sizeof(w));
		strbuf_init(&w.got, 0);
		strbuf_init(&w.first_error, 0);
		w.dir = e->dir;
		w.file = e->file;
		w.schema = e->schema;
		w.allow_partial = 1;
		w.want_rows_event = e->rows_event;
		w.want_row = e->row;
		w.want_after = e->after;
		w.want_col = e->col;
		w.mode = e->mode;
		walk_file(&w);
		if (!w.found)
			fail_msg("%s: rows event %d row %d not found", e->file,
				 e->rows_event, e->row);
		if (e->prefix ? strncmp(w.got.buf, e->want, strlen(e->want))
			      : strcmp(w.got.buf, e->want))
			fail_msg("%s: rows event %d row %d %s col %u: got "
				 "<%s>, want <%s>",
				 e->file, e->rows_event, e->row,
				 e->after ? "after" : "before", e->col + 1,
				 w.got.buf, e->want);
		strbuf_release(&w.got);
		strbuf_release(&w.first_error);
	}
}

/* Every fixture decodes whole (CRCs checked); the expected refusals. */
static const struct {
	const char *dir, *file;
	int allow_partial;
	const char *error;	/* NULL: no decoding error */
	int nrows_events;
} files[] = {
	{ MY, "binlog-invisible-columns.000001", 0, NULL, 3 },
	{ MY, "binlog_transaction_with_GTID_TAG.000001", 0, NULL, 1 },
	{ MY, "json.binlog.000001", 0, "PARTIAL_UPDATE_ROWS", 5 },
	{ MY, "json-opaque.binlog", 0, NULL, 8 },
	{ MY, "mariadb-bin.000001", 0, NULL, 2 },
	{ MY, "minimal_row_metadata.000001", 0, "binlog_row_image=FULL", 0 },
	{ MY, "minimal_row_metadata.000001", 1, NULL, 1 },
	{ MY, "mysql-enum-string-set.000001", 0, NULL, 3 },
	{ MY, "mysql_type_bit.000001", 0, NULL, 1 },
	{ MY, "time_issue.000001", 0, NULL, 1 },
#ifdef HAVE_ZSTD
	{ MY, "transaction_compression.000001", 0, NULL, 1 },
#else
	{ MY, "transaction_compression.000001", 0, "without zstd", 0 },
#endif
	{ MY, "vector.binlog", 0, NULL, 6 },
	{ MY, "write-full-row.binlog", 1, NULL, 3 },
	{ MY, "update-full-row.binlog", 1, NULL, 4 },
	{ MY, "write-partial-row.binlog", 1, NULL, 4 },
	{ MY, "update-partial-row.binlog", 1, NULL, 4 },
	{ MA, "mariadb-types-nolog.000002", 0, NULL, 4 },
	{ MA, "mariadb-compressed-full.000003", 0, NULL, 3 },
	{ MA, "mariadb-hires.000004", 0, NULL, 1 },
	{ MA, "mariadb-query-compressed.000008", 0, NULL, 0 },
};

static void test_fixture_files(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct walk w;

		memset(&w, 0, sizeof(w));
		strbuf_init(&w.got, 0);
		strbuf_init(&w.first_error, 0);
		w.dir = files[i].dir;
		w.file = files[i].file;
		w.allow_partial = files[i].allow_partial;
		w.want_rows_event = -1;
		if (!strcmp(w.file, "mariadb-hires.000004"))
			w.schema = SCHEMA_FX_O;
		walk_file(&w);
		if (files[i].error) {
			if (!w.nerrors ||
			    !strstr(w.first_error.buf, files[i].error))
				fail_msg("%s: want error '%s', got '%s'",
					 w.file, files[i].error,
					 w.first_error.buf);
		} else if (w.nerrors) {
			fail_msg("%s: %s", w.file, w.first_error.buf);
		}
		if (w.nrows_events != files[i].nrows_events)
			fail_msg("%s: %d rows events, want %d", w.file,
				 w.nrows_events, files[i].nrows_events);
		strbuf_release(&w.got);
		strbuf_release(&w.first_error);
	}
}

/* Transaction boundaries and the resume position. */
static void test_positions(void **state)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	strbuf_init(&w.got, 0);
	strbuf_init(&w.first_error, 0);
	w.dir = MA;
	w.file = "mariadb-types-nolog.000002";
	w.want_rows_event = -1;
	walk_file(&w);
	/* 2 DDL + 4 DML + 1 DDL */
	assert_int_equal(w.kinds[BINLOG_EVENT_BEGIN], 7);
	assert_int_equal(w.kinds[BINLOG_EVENT_COMMIT], 7);
	assert_int_equal(w.kinds[BINLOG_EVENT_QUERY], 3);
	assert_int_equal(w.kinds[BINLOG_EVENT_ANNOTATE], 4);
	/* the ROTATE at the end moves to the next file's start */
	assert_string_equal(w.last_complete.file, "mbin.000003");
	assert_int_equal(w.last_complete.pos, 4);
	strbuf_release(&w.got);
	strbuf_release(&w.first_error);

	memset(&w, 0, sizeof(w));
	strbuf_init(&w.got, 0);
	strbuf_init(&w.first_error, 0);
	w.dir = MY;
	w.file = "mariadb-bin.000001";
	w.want_rows_event = -1;
	walk_file(&w);
	assert_int_equal(w.ncommits, 2);
	assert_string_equal(w.last_complete.file, "mariadb-bin.000001");
	assert_int_equal(w.last_complete.pos, 1074);
	assert_true(w.types_seen[160] == 2 && w.types_seen[162] == 2);
	strbuf_release(&w.got);
	strbuf_release(&w.first_error);

	memset(&w, 0, sizeof(w));
	strbuf_init(&w.got, 0);
	strbuf_init(&w.first_error, 0);
	w.dir = MA;
	w.file = "mariadb-compressed-full.000003";
	w.want_rows_event = -1;
	walk_file(&w);
	assert_int_equal(w.types_seen[166], 1);
	assert_int_equal(w.types_seen[167], 1);
	assert_int_equal(w.types_seen[168], 1);
	strbuf_release(&w.got);
	strbuf_release(&w.first_error);

	/* MariaDB QUERY_COMPRESSED (165): the DDL text comes out whole */
	memset(&w, 0, sizeof(w));
	strbuf_init(&w.got, 0);
	strbuf_init(&w.first_error, 0);
	w.dir = MA;
	w.file = "mariadb-query-compressed.000008";
	w.want_rows_event = -1;
	walk_file(&w);
	assert_int_equal(w.types_seen[165], 1);
	assert_string_equal(w.last_query,
			    "CREATE TABLE fx.qc (id INT PRIMARY KEY, note "
			    "VARCHAR(100) COMMENT 'a compressed DDL "
			    "statement')");
	assert_int_equal(w.kinds[BINLOG_EVENT_COMMIT], 1);
	strbuf_release(&w.got);
	strbuf_release(&w.first_error);
}

/* A registered schema that no longer matches the table is an error. */
static void test_schema_mismatch(void **state)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	strbuf_init(&w.got, 0);
	strbuf_init(&w.first_error, 0);
	w.dir = MA;
	w.file = "mariadb-types-nolog.000002";
	w.schema = SCHEMA_FX_T_SHORT;
	w.want_rows_event = -1;
	walk_file(&w);
	assert_int_equal(w.nerrors, 4);
	assert_non_null(strstr(w.first_error.buf, "it was altered"));
	strbuf_release(&w.got);
	strbuf_release(&w.first_error);
}

/* ---- corrupted and truncated events --------------------------------------- */

struct corrupt_ctx {
	struct binlog_decoder *dec;
	int mode;	/* 0 flip a byte, 1 truncate */
	int crc_errors, other_errors, events;
	size_t cut;
};

static int feed_corrupted(void *arg, const unsigned char *ev, size_t len)
{
	struct corrupt_ctx *c = arg;
	struct strbuf err = STRBUF_INIT;
	const struct binlog_event *out;
	unsigned char *copy = xmemdup(ev, len);
	int rc;

	c->events++;
	if (c->mode == 0 && len > 24 && ev[4] != 15) {
		/* the FDE stays intact: it says events carry a CRC */
		copy[len / 2 + 1] ^= 0x40;
	} else if (c->mode == 1 && len > c->cut + 19) {
		len -= c->cut;
		/* keep the framing consistent: only the body is short */
		copy[9] = (unsigned char)len;
		copy[10] = (unsigned char)(len >> 8);
		copy[11] = (unsigned char)(len >> 16);
		copy[12] = (unsigned char)(len >> 24);
	}
	if (binlog_decoder_feed(c->dec, copy, len, &err) < 0) {
		if (strstr(err.buf, "checksum"))
			c->crc_errors++;
		else
			c->other_errors++;
	} else {
		while ((rc = binlog_decoder_next(c->dec, &out, &err)) != 0)
			if (rc < 0)
				c->other_errors++;
	}
	free(copy);
	strbuf_release(&err);
	return 0;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return (unsigned char *)strbuf_detach(&sb, len);
}

static void test_corruption(void **state)
{
	static const char *names[] = {
		"mysql-enum-string-set.000001", "json.binlog.000001",
		"transaction_compression.000001", "mariadb-bin.000001",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char *path = fixture_path(MY, names[i]);
		struct strbuf err = STRBUF_INIT;
		struct corrupt_ctx c;
		unsigned char *buf;
		size_t len, cut;

		buf = slurp(path, &len);
		/* a flipped byte in every event: every CRC catches it */
		memset(&c, 0, sizeof(c));
		c.dec = binlog_decoder_new(NULL);
		assert_int_equal(binlog_buffer_walk(buf, len, feed_corrupted,
						    &c, &err),
				 0);
		if (c.crc_errors != c.events - 1)
			fail_msg("%s: %d events, %d CRC errors, %d others",
				 names[i], c.events, c.crc_errors,
				 c.other_errors);
		binlog_decoder_free(c.dec);

		/* truncated bodies (checksums off): errors, never a crash */
		for (cut = 1; cut < 40; cut += 3) {
			struct binlog_decoder_options o;

			memset(&o, 0, sizeof(o));
			o.skip_checksum = 1;
			memset(&c, 0, sizeof(c));
			c.dec = binlog_decoder_new(&o);
			c.mode = 1;
			c.cut = cut;
			binlog_buffer_walk(buf, len, feed_corrupted, &c, &err);
			binlog_decoder_free(c.dec);
		}
		free(buf);
		free(path);
		strbuf_release(&err);
	}
}

/* ---- synthetic events ------------------------------------------------------ */

/* Build an event: common header + body, no checksum (before any FDE). */
static size_t make_event(unsigned char *buf, unsigned int type,
			 uint32_t log_pos, const void *body, size_t blen)
{
	size_t len = 19 + blen;

	memset(buf, 0, 19);
	buf[4] = (unsigned char)type;
	buf[9] = (unsigned char)len;
	buf[10] = (unsigned char)(len >> 8);
	buf[13] = (unsigned char)log_pos;
	buf[14] = (unsigned char)(log_pos >> 8);
	memcpy(buf + 19, body, blen);
	return len;
}

static void test_synthetic_events(void **state)
{
	static const unsigned char hb2[] = {
		1, 10, 'b', 'i', 'n', 'l', 'o', 'g', '.', '0', '0', '7',
		2, 3, 0xfc, 0xd2, 0x04, /* pos 1234 */
		0,
	};
	static const unsigned char hb1[] = { 'm', 'b', 'i', 'n', '.', '9' };
	static const unsigned char unknown[] = { 1, 2, 3 };
	struct binlog_decoder *dec = binlog_decoder_new(NULL);
	struct strbuf err = STRBUF_INIT;
	const struct binlog_event *ev;
	unsigned char buf[256];
	size_t len;

	binlog_decoder_set_position(dec, "mbin.000001", 4);
	len = make_event(buf, 41, 0, hb2, sizeof(hb2));
	assert_int_equal(binlog_decoder_feed(dec, buf, len, &err), 0);
	assert_int_equal(binlog_decoder_next(dec, &ev, &err), 1);
	assert_int_equal(ev->kind, BINLOG_EVENT_HEARTBEAT);
	assert_string_equal(ev->u.heartbeat.file, "binlog.007");
	assert_int_equal(ev->u.heartbeat.pos, 1234);
	assert_int_equal(binlog_decoder_next(dec, &ev, &err), 0);

	len = make_event(buf, 27, 5555, hb1, sizeof(hb1));
	assert_int_equal(binlog_decoder_feed(dec, buf, len, &err), 0);
	assert_int_equal(binlog_decoder_next(dec, &ev, &err), 1);
	assert_int_equal(ev->kind, BINLOG_EVENT_HEARTBEAT);
	assert_string_equal(ev->u.heartbeat.file, "mbin.9");
	assert_int_equal(ev->u.heartbeat.pos, 5555);
	/* a heartbeat does not move the stream */
	assert_int_equal(ev->pos.pos, 4);

	len = make_event(buf, 100, 200, unknown, sizeof(unknown));
	assert_int_equal(binlog_decoder_feed(dec, buf, len, &err), 0);
	assert_int_equal(binlog_decoder_next(dec, &ev, &err), 1);
	assert_int_equal(ev->kind, BINLOG_EVENT_OTHER);
	assert_int_equal(ev->type, 100);
	assert_int_equal(ev->pos.pos, 200);

	len = make_event(buf, 38, 300, unknown, sizeof(unknown));
	assert_int_equal(binlog_decoder_feed(dec, buf, len, &err), 0);
	assert_int_equal(binlog_decoder_next(dec, &ev, &err), 1);
	assert_int_equal(ev->kind, BINLOG_EVENT_COMMIT);
	assert_true(ev->u.commit.xa_prepare);

	/* a length that disagrees with the bytes */
	len = make_event(buf, 100, 400, unknown, sizeof(unknown));
	assert_int_equal(binlog_decoder_feed(dec, buf, len - 1, &err), -1);
	assert_non_null(strstr(err.buf, "does not match"));

	binlog_decoder_free(dec);
	strbuf_release(&err);
}

/* ---- pieces ------------------------------------------------------------------ */

static void test_decimal(void **state)
{
	static const struct {
		unsigned char bytes[8];
		size_t n;
		unsigned int prec, scale;
		const char *want;
	} cases[] = {
		/* MySQL's own example (strings/decimal.c) */
		{ { 0x81, 0x0d, 0xfb, 0x38, 0xd2, 0x04, 0xd2 }, 7, 14, 4,
		  "1234567890.1234" },
		{ { 0x7e, 0xf2, 0x04, 0xc7, 0x2d, 0xfb, 0x2d }, 7, 14, 4,
		  "-1234567890.1234" },
		{ { 0x80, 0x00, 0x00 }, 3, 5, 0, "0" },
		{ { 0x80 }, 1, 2, 2, "0.00" },
		{ { 0x7a }, 1, 2, 2, "-0.05" },
		{ { 0x7f, 0xfa }, 2, 4, 2, "-0.05" },
		{ { 0x80, 0x00, 0x00, 0x00, 0x01 }, 5, 10, 0, "1" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		size_t used;

		assert_int_equal(binlog_decimal_bin_size(cases[i].prec,
							 cases[i].scale),
				 cases[i].n);
		assert_int_equal(binlog_decimal_to_text(cases[i].bytes,
							cases[i].n,
							cases[i].prec,
							cases[i].scale, &out,
							&used, &err),
				 0);
		assert_string_equal(out.buf, cases[i].want);
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

static void test_json(void **state)
{
	static const struct {
		const char *bytes;
		size_t n;
		const char *want;	/* NULL: malformed */
	} cases[] = {
		{ "\x02\x03\x00\x0d\x00\x05\xff\xff\x06\xff\xff\x04\x00\x00",
		  14, "[-1, 65535, null]" },
		{ "\x03\x01\x00\x00\x00\x0d\x00\x00\x00\x07\xfe\xff\xff\xff",
		  14, "[-2]" },
		{ "\x0b\x00\x00\x00\x00\x00\x00\xe0\x3f", 9, "0.5" },
		{ "\x0b\x00\x00\x00\x00\x00\x00\xf0\x3f", 9, "1.0" },
		{ "\x0c\x03\x61\x22\x62", 5, "\"a\\\"b\"" },
		{ "\x0a\xff\xff\xff\xff\xff\xff\xff\xff", 9,
		  "18446744073709551615" },
		{ "\x09\x00\x00\x00\x00\x00\x00\x00\x80", 9,
		  "-9223372036854775808" },
		{ "\x00\x01\x00\x0e\x00\x0b\x00\x01\x00\x0c\x0c\x00\x6b\x01\x76",
		  15, "{\"k\": \"v\"}" },
		{ "\x04\x01", 2, "true" },
		{ "", 0, "null" },
		/* value offset beyond the container */
		{ "\x02\x01\x00\x07\x00\x0c\x40\x00", 8, NULL },
		/* container size beyond the value */
		{ "\x02\x01\x00\xff\x00\x04\x00\x00", 8, NULL },
		{ "\x0c\x05\x61", 3, NULL },
		{ "\x0d", 1, NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		int rc = binlog_json_to_text((const unsigned char *)cases[i].bytes,
					     cases[i].n, &out, &err);

		if (!cases[i].want) {
			if (rc != -1 || out.len)
				fail_msg("case %zu: accepted <%s>", i, out.buf);
		} else if (rc || strcmp(out.buf, cases[i].want)) {
			fail_msg("case %zu: got <%s> (%s), want <%s>", i,
				 out.buf, err.buf, cases[i].want);
		}
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

static struct binlog_value mkval(enum binlog_value_kind kind)
{
	struct binlog_value v;

	memset(&v, 0, sizeof(v));
	v.kind = kind;
	return v;
}

static void test_value_to_sql(void **state)
{
	struct binlog_value vals[24];
	const char *want[24];
	struct binlog_column_schema json_col, double_col;
	size_t n = 0, i;

	memset(&json_col, 0, sizeof(json_col));
	json_col.column_type = "json";
	memset(&double_col, 0, sizeof(double_col));
	double_col.column_type = "double";

	vals[n] = mkval(BINLOG_VALUE_NULL);
	want[n++] = "NULL";
	vals[n] = mkval(BINLOG_VALUE_INT);
	vals[n].v.i = INT64_MIN;
	want[n++] = "-9223372036854775808";
	vals[n] = mkval(BINLOG_VALUE_UINT);
	vals[n].v.u = UINT64_MAX;
	want[n++] = "18446744073709551615";
	vals[n] = mkval(BINLOG_VALUE_FLOAT);
	vals[n].v.f = 1.1f;
	want[n++] = "1.1000000238418579";
	vals[n] = mkval(BINLOG_VALUE_DOUBLE);
	vals[n].v.d = 0.1;
	want[n++] = "0.1";
	vals[n] = mkval(BINLOG_VALUE_DOUBLE);
	vals[n].v.d = 5e-324;
	want[n++] = "4.94065645841247e-324";
	vals[n] = mkval(BINLOG_VALUE_YEAR);
	want[n++] = "'0000'";
	vals[n] = mkval(BINLOG_VALUE_YEAR);
	vals[n].v.u = 2155;
	want[n++] = "2155";
	vals[n] = mkval(BINLOG_VALUE_TIME);
	vals[n].v.tm.neg = 1;
	vals[n].v.tm.hour = 838;
	vals[n].v.tm.minute = 59;
	vals[n].v.tm.second = 59;
	vals[n].v.tm.usec = 500000;
	vals[n].fsp = 1;
	want[n++] = "'-838:59:59.5'";
	vals[n] = mkval(BINLOG_VALUE_DATE);
	want[n++] = "'0000-00-00'";
	vals[n] = mkval(BINLOG_VALUE_TIMESTAMP);
	want[n++] = "'0000-00-00 00:00:00'";
	vals[n] = mkval(BINLOG_VALUE_TIMESTAMP);
	vals[n].v.ts.sec = 2147483647;
	vals[n].v.ts.usec = 999999;
	vals[n].fsp = 6;
	want[n++] = "'2038-01-19 03:14:07.999999'";
	vals[n] = mkval(BINLOG_VALUE_STRING);
	vals[n].str = "a\0'";
	vals[n].len = 3;
	want[n++] = "X'610027'";
	vals[n] = mkval(BINLOG_VALUE_STRING);
	vals[n].str = "";
	want[n++] = "''";
	vals[n] = mkval(BINLOG_VALUE_ENUM);
	vals[n].v.u = 3;
	want[n++] = "3";
	vals[n] = mkval(BINLOG_VALUE_SET);
	vals[n].v.u = 5;
	want[n++] = "5";
	vals[n] = mkval(BINLOG_VALUE_BIT);
	vals[n].bits = 13;
	want[n++] = "b'0'";
	vals[n] = mkval(BINLOG_VALUE_BIT);
	vals[n].bits = 64;
	vals[n].v.u = UINT64_MAX;
	want[n++] = "b'1111111111111111111111111111111111111111111111111111"
		    "111111111111'";
	vals[n] = mkval(BINLOG_VALUE_JSON);
	vals[n].str = "{\"a\": \"it's\"}";
	vals[n].len = strlen(vals[n].str);
	want[n++] = "'{\\\"a\\\": \\\"it\\'s\\\"}'";
	vals[n] = mkval(BINLOG_VALUE_DECIMAL);
	vals[n].str = "-0.05";
	vals[n].len = 5;
	want[n++] = "-0.05";
	vals[n] = mkval(BINLOG_VALUE_DATETIME);
	vals[n].v.tm.year = 9999;
	vals[n].v.tm.month = 12;
	vals[n].v.tm.day = 31;
	vals[n].v.tm.hour = 23;
	vals[n].v.tm.minute = 59;
	vals[n].v.tm.second = 59;
	vals[n].v.tm.usec = 990000;
	vals[n].fsp = 2;
	want[n++] = "'9999-12-31 23:59:59.99'";

	for (i = 0; i < n; i++) {
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

		assert_int_equal(binlog_value_to_sql(&out, &vals[i], NULL,
						     &err),
				 0);
		if (strcmp(out.buf, want[i]))
			fail_msg("case %zu: got <%s>, want <%s>", i, out.buf,
				 want[i]);
		strbuf_release(&out);
		strbuf_release(&err);
	}

	/* target-dependent: a string into a MySQL JSON column */
	{
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		struct binlog_value v = mkval(BINLOG_VALUE_BLOB);

		v.str = "[1]";
		v.len = 3;
		assert_int_equal(binlog_value_to_sql(&out, &v, &json_col, &err),
				 0);
		assert_string_equal(out.buf, "CONVERT(X'5b315d' USING utf8mb4)");
		strbuf_release(&out);
		strbuf_release(&err);
	}
	/* refusals */
	{
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		struct binlog_value v = mkval(BINLOG_VALUE_ABSENT);

		assert_int_equal(binlog_value_to_sql(&out, &v, NULL, &err), -1);
		assert_non_null(strstr(err.buf, "binlog_row_image"));
		strbuf_reset(&err);
		v = mkval(BINLOG_VALUE_DOUBLE);
		v.v.d = NAN;
		assert_int_equal(binlog_value_to_sql(&out, &v, &double_col,
						     &err),
				 -1);
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

static void test_schema_fill(void **state)
{
	struct binlog_column_schema c;

	binlog_column_schema_fill(&c, "a", "int(10) unsigned", NULL, NULL,
				  NULL);
	assert_true(c.is_unsigned);
	assert_false(c.is_binary);
	assert_int_equal(c.datetime_precision, -1);
	binlog_column_schema_fill(&c, "b", "varbinary(10)", NULL, NULL, NULL);
	assert_true(c.is_binary);
	binlog_column_schema_fill(&c, "c", "char(3)", "binary", "binary",
				  NULL);
	assert_true(c.is_binary);
	binlog_column_schema_fill(&c, "d", "varchar(3)", "utf8mb4",
				  "utf8mb4_general_ci", NULL);
	assert_false(c.is_binary);
	binlog_column_schema_fill(&c, "e", "datetime(6)", NULL, NULL, "6");
	assert_int_equal(c.datetime_precision, 6);
	binlog_column_schema_fill(&c, "f", "inet6", NULL, NULL, NULL);
	assert_true(c.is_binary);
}

/* File names order by their number, which widens past six digits. */
static void test_file_order(void **state)
{
	static const struct {
		const char *a, *b;
		int cmp;
	} cases[] = {
		{"bin.000001", "bin.000002", -1},
		{"bin.000002", "bin.000001", 1},
		{"bin.000007", "bin.000007", 0},
		{"bin.999999", "bin.1000000", -1},
		{"bin.1000000", "bin.999999", 1},
		{"bin.1000001", "bin.1000000", 1},
		{"bin.000010", "bin.9", 1},
		{"bin.0000010", "bin.000010", 0},
		{"mysql-bin.000100", "mysql-bin.000099", 1},
		/* different bases, or no number: plain strings, still total */
		{"a.000002", "b.000001", -1},
		{"bin", "bin.000001", -1},
		{"bin.x1", "bin.x2", -1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int c = binlog_file_cmp(cases[i].a, cases[i].b);

		c = c < 0 ? -1 : c > 0;
		if (c != cases[i].cmp)
			fail_msg("binlog_file_cmp(%s, %s) = %d, want %d",
				 cases[i].a, cases[i].b, c, cases[i].cmp);
	}
	{
		struct binlog_pos a = {"bin.999999", 900000};
		struct binlog_pos b = {"bin.1000000", 4};
		struct binlog_pos c = {"bin.1000000", 5};

		assert_true(binlog_pos_cmp(&a, &b) < 0);
		assert_true(binlog_pos_cmp(&b, &a) > 0);
		assert_true(binlog_pos_cmp(&b, &c) < 0);
		assert_int_equal(binlog_pos_cmp(&c, &c), 0);
	}
}

/* The statement that reads the position, by server version. */
static void test_position_sql(void **state)
{
	static const struct {
		const char *version, *sql;
	} cases[] = {
		{"10.11.19-MariaDB-0+deb12u1", "SHOW MASTER STATUS"},
		{"11.8.2-MariaDB", "SHOW MASTER STATUS"},
		{"5.5.5-10.6.12-MariaDB", "SHOW MASTER STATUS"},
		{"8.0.36", "SHOW MASTER STATUS"},
		{"8.1.0", "SHOW MASTER STATUS"},
		{"8.2.0", "SHOW BINARY LOG STATUS"},
		{"8.4.3", "SHOW BINARY LOG STATUS"},
		{"9.1.0-commercial", "SHOW BINARY LOG STATUS"},
		{"", "SHOW MASTER STATUS"},
		{NULL, "SHOW MASTER STATUS"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(binlog_position_sql(cases[i].version),
				    cases[i].sql);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_values),
		cmocka_unit_test(test_fixture_files),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_schema_mismatch),
		cmocka_unit_test(test_corruption),
		cmocka_unit_test(test_synthetic_events),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_value_to_sql),
		cmocka_unit_test(test_schema_fill),
		cmocka_unit_test(test_file_order),
		cmocka_unit_test(test_position_sql),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
