/*
 * ddl.h: the ALTER text, the table model and the migration plan.
 *
 * This module is pure: it never queries, prints or exits. It turns
 *
 *   - the user's --alter text (what follows `ALTER TABLE t`), parsed by
 *     ddl_parse_alter() into a struct ddl_alter, and
 *   - the table's SHOW CREATE TABLE text, parsed by ddl_table_from_create()
 *     into a struct ddl_table,
 *
 * into a struct ddl_plan (ddl_plan_build()): the ghost table's model, the
 * column mapping from the source table to the ghost, the shared key used
 * for chunking and replay, the unique keys that need a duplicate check,
 * and a risk report. The SQL builders at the end of this file write the
 * statements the engine sends, from the plan, with every identifier
 * quoted through util/quote.h.
 *
 * Conventions for the whole header:
 *
 *   - Functions that can fail return 0 on success and -1 on failure, and
 *     then append exactly one line (no newline, git style: lowercase, no
 *     final period) to `err`. `err` may be NULL when the caller does not
 *     want the message.
 *   - Structures are initialised with their _INIT macro (or memset to 0)
 *     and released with their _release function, which frees everything
 *     they own and leaves them initialised and empty, so releasing twice
 *     is harmless. On failure, an output structure is left released (empty,
 *     owning nothing); the caller may still call _release on it.
 *   - Strings in the structures are NUL-terminated, owned by the structure
 *     that holds them, and never NULL unless the field says so. Names are
 *     stored unquoted (as the server stores them: `a``b` is "a`b").
 *   - Identifier comparisons (columns, indexes, constraints) are ASCII
 *     case-insensitive, like the server's.
 *   - Ordinals are 0-based positions among *all* columns of a table, in
 *     SHOW CREATE TABLE order, generated and invisible columns included:
 *     that is the order of the columns in a binlog row image.
 *   - Nothing here keeps global state except the compiled lexer pattern,
 *     which is built once and is safe to share between threads.
 *
 * How osc uses it (the order of DESIGN.md 3):
 *
 *   1. ddl_parse_alter(--alter text) in preflight (osc/migrate/preflight.c): a
 *      refusal fails the run (exit status 1, nothing created), the
 *      message printed after "--alter: ".
 *   2. Ghost phase (osc/migrate/ghost.c, for a dry run and for --execute):
 *      ddl_table_from_create(SHOW CREATE TABLE `db`.`t`), then
 *      ddl_plan_build(&source, &alter, NULL, ...), which refuses what the
 *      model alone can refuse before the server is touched and feeds
 *      ddl_build_ghost_create() and ddl_build_ghost_alter() (the ghost's
 *      name comes from osc_object_name(), osc/migrate/names.h). Then SHOW CREATE
 *      TABLE of the ghost, ddl_table_from_create() again, and the final
 *      plan with ddl_plan_build(&source, &alter, &ghost, ...), which the
 *      dry run prints (ddl_plan_render). A DDL_SEV_DANGER risk needs its
 *      check before the copy: ddl_build_dup_check() for each
 *      plan->unique_checks[i] that is not uncheckable, and
 *      ddl_build_null_check() for each DDL_RISK_NOT_NULL_ADDED subject;
 *      a row back means refuse.
 *   4. Copy with ddl_build_copy_chunk() over plan->key, replay with
 *      ddl_build_replace() / ddl_build_delete(), decoding binlog rows by
 *      plan->map[i].source_ordinal and plan->key[i].source_ordinal.
 *
 * Because the chunk copy is INSERT IGNORE, a value the ghost cannot hold
 * (a lossy type change, a NULL into NOT NULL) becomes a warning instead of
 * an error, and a row that fails a CHECK constraint of the ghost is
 * skipped with a warning (4025 on MariaDB, 3819 on MySQL); the copier
 * should read the statement's warnings and stop on anything but 1062 (see
 * struct ddl_unique_check for 1062 itself).
 */
#ifndef OSC_DDL_DDL_H
#define OSC_DDL_DDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

/* ---------------------------------------------------------------------
 * The table model
 */

enum ddl_generated {
	DDL_GEN_NONE = 0,
	DDL_GEN_VIRTUAL,
	DDL_GEN_STORED, /* also MariaDB's PERSISTENT */
};

enum ddl_default {
	DDL_DEFAULT_NONE = 0, /* no DEFAULT clause */
	DDL_DEFAULT_NULL,     /* DEFAULT NULL */
	DDL_DEFAULT_LITERAL,  /* a constant: number, string, hex, bit, TRUE */
	DDL_DEFAULT_EXPR,     /* current_timestamp(), (expr), concat(...) */
};

/*
 * A column type, captured precisely. `base` is the canonical lowercase
 * type name after synonyms are resolved: "tinyint", "smallint",
 * "mediumint", "int", "bigint", "decimal", "float", "double", "bit",
 * "char", "varchar", "binary", "varbinary", "tinytext", "text",
 * "mediumtext", "longtext", "tinyblob", "blob", "mediumblob", "longblob",
 * "enum", "set", "date", "time", "datetime", "timestamp", "year", "json",
 * the spatial types, "uuid", "inet4", "inet6", and anything else lowercased
 * as written. BOOL/BOOLEAN become tinyint(1), INTEGER int, NUMERIC/DEC/
 * FIXED decimal, REAL double, NCHAR/NATIONAL CHAR char with charset
 * utf8mb3, SERIAL bigint unsigned NOT NULL AUTO_INCREMENT (plus a unique
 * key).
 */
struct ddl_type {
	char *base;
	/* (N) or the M of (M,D); -1 when absent. For char/binary types it is
	 * in characters/bytes, for temporal types the fractional digits. */
	long long length;
	int scale; /* the D of (M,D); -1 when absent */
	bool is_unsigned;
	bool zerofill;
	/* For enum and set: the member strings, decoded. */
	char **values;
	size_t values_nr, values_alloc;
	/* Charset and collation as declared on the column (lowercase), or
	 * NULL when not declared. BINARY (the attribute) sets `binary_attr`.
	 * After ddl_table_from_create() or ddl_plan_build(), string columns
	 * have both filled in from the table default when it is known. */
	char *charset;
	char *collation;
	bool binary_attr;
};

struct ddl_column {
	char *name;
	struct ddl_type type;
	bool nullable; /* false for NOT NULL (and for PRIMARY KEY columns) */
	enum ddl_default default_kind;
	char *default_sql; /* the DEFAULT value as SQL text; NULL for NONE */
	char *on_update;   /* ON UPDATE expression text, or NULL */
	bool auto_increment;
	enum ddl_generated generated;
	char *gen_expr; /* the expression text, parentheses included; or NULL */
	bool invisible;
	char *comment; /* decoded COMMENT string, or NULL */
	/* A CHECK constraint given with the column (MariaDB keeps it there):
	 * "CHECK (...)" as written, or NULL. */
	char *check;
};

enum ddl_index_kind {
	DDL_INDEX_PRIMARY = 0,
	DDL_INDEX_UNIQUE,
	DDL_INDEX_KEY,
	DDL_INDEX_FULLTEXT,
	DDL_INDEX_SPATIAL,
};

struct ddl_index_part {
	char *column; /* NULL for a functional part (MySQL 8 `((expr))`) */
	char *expr;   /* the functional expression text, or NULL */
	long long prefix_len; /* -1 when the whole column is indexed */
	bool desc;
};

struct ddl_index {
	char *name; /* "PRIMARY" for the primary key */
	enum ddl_index_kind kind;
	struct ddl_index_part *parts;
	size_t parts_nr, parts_alloc;
};

enum ddl_constraint_kind {
	DDL_CONSTRAINT_FOREIGN_KEY = 0,
	DDL_CONSTRAINT_CHECK,
};

struct ddl_constraint {
	char *name; /* NULL when not named */
	enum ddl_constraint_kind kind;
	char **columns; /* foreign key: the referencing columns */
	size_t columns_nr, columns_alloc;
	char *ref_table; /* foreign key: the referenced table as written */
	char *text;      /* the definition text after CONSTRAINT name */
};

struct ddl_table {
	char *name; /* NULL when built from an ALTER alone */
	struct ddl_column *columns;
	size_t columns_nr, columns_alloc;
	struct ddl_index *indexes;
	size_t indexes_nr, indexes_alloc;
	struct ddl_constraint *constraints;
	size_t constraints_nr, constraints_alloc;
	/* Table options (lowercase values), NULL when not shown. */
	char *engine;
	char *charset;
	char *collation;
	char *row_format;
	char *comment;
	bool partitioned;
	bool system_versioned;
};

#define DDL_TABLE_INIT { 0 }

void ddl_table_init(struct ddl_table *t);
void ddl_table_release(struct ddl_table *t);
/* Deep copy of `src` into `dst` (which is overwritten, not released). */
void ddl_table_copy(struct ddl_table *dst, const struct ddl_table *src);

/* The column or index with this name, or NULL (or -1). */
const struct ddl_column *ddl_table_column(const struct ddl_table *t,
					  const char *name);
int ddl_table_column_pos(const struct ddl_table *t, const char *name);
const struct ddl_index *ddl_table_index(const struct ddl_table *t,
					const char *name);
/* The primary key, or NULL. */
const struct ddl_index *ddl_table_primary(const struct ddl_table *t);

/*
 * Parse the text of SHOW CREATE TABLE (one statement, as the server
 * prints it; MariaDB and MySQL 8 forms, executable comments included)
 * into `out`. Columns keep their order. Unknown table options and the
 * partition definition are skipped (only `partitioned` is set). On error
 * `out` is left empty and one line naming the offset goes to `err`.
 */
int ddl_table_from_create(const char *create_sql, struct ddl_table *out,
			  struct strbuf *err);

/* ---------------------------------------------------------------------
 * The parsed ALTER
 */

enum ddl_clause_kind {
	DDL_ADD_COLUMN = 0, /* columns[], position; also ADD (c1, c2, ...) */
	DDL_DROP_COLUMN,    /* name */
	DDL_MODIFY_COLUMN,  /* columns[0], position */
	DDL_CHANGE_COLUMN,  /* name (old), columns[0] (new), position */
	DDL_RENAME_COLUMN,  /* name, new_name */
	DDL_ALTER_COLUMN_SET_DEFAULT,  /* name, default_kind, default_sql */
	DDL_ALTER_COLUMN_DROP_DEFAULT, /* name */
	DDL_ALTER_COLUMN_VISIBILITY,   /* name, invisible */
	DDL_ADD_INDEX,      /* index (PRIMARY/UNIQUE/KEY/FULLTEXT/SPATIAL) */
	DDL_DROP_INDEX,     /* name */
	DDL_DROP_PRIMARY_KEY,
	DDL_RENAME_INDEX,   /* name, new_name */
	DDL_ALTER_INDEX,    /* name: visibility or IGNORED, no data effect */
	DDL_ADD_FOREIGN_KEY, /* constraint */
	DDL_ADD_CHECK,       /* constraint */
	DDL_DROP_FOREIGN_KEY, /* name */
	DDL_DROP_CHECK,       /* name */
	DDL_DROP_CONSTRAINT,  /* name: check, foreign or unique key */
	DDL_ALTER_CONSTRAINT, /* name: [NOT] ENFORCED */
	DDL_TABLE_OPTIONS,    /* options[] */
	DDL_CONVERT_CHARSET,  /* charset, collation (may be NULL) */
	DDL_FORCE,
	DDL_PARTITION,        /* partition_op; no effect on the model */
};

enum ddl_position {
	DDL_POS_DEFAULT = 0, /* at the end (ADD) or in place (MODIFY) */
	DDL_POS_FIRST,
	DDL_POS_AFTER, /* after `after` */
};

struct ddl_table_option {
	/* uppercase canonical: ENGINE, ROW_FORMAT, CHARSET, COLLATE,
	 * COMMENT, AUTO_INCREMENT, STATS_PERSISTENT, ... */
	char *name;
	char *value; /* decoded value as written (strings unquoted) */
};

struct ddl_clause {
	enum ddl_clause_kind kind;
	size_t offset; /* byte offset of the clause in the ALTER text */
	size_t len;    /* length in bytes of the clause text */
	bool if_exists;     /* IF EXISTS / IF NOT EXISTS was given */
	char *name;         /* subject (column, index, constraint), or NULL */
	char *new_name;     /* RENAME ... TO new_name, or NULL */
	struct ddl_column *columns;
	size_t columns_nr, columns_alloc;
	struct ddl_index *indexes; /* ADD INDEX, and keys in ADD (...) */
	size_t indexes_nr, indexes_alloc;
	struct ddl_constraint *constraint; /* ADD FOREIGN KEY / CHECK */
	enum ddl_position position;
	char *after;
	enum ddl_default default_kind;
	char *default_sql;
	bool invisible;
	struct ddl_table_option *options;
	size_t options_nr, options_alloc;
	char *charset;   /* CONVERT TO CHARACTER SET */
	char *collation; /* CONVERT TO ... COLLATE */
	char *partition_op; /* "PARTITION BY", "ADD PARTITION", ... */
};

struct ddl_alter {
	char *text; /* the ALTER text, trailing ';' and blanks removed */
	struct ddl_clause *clauses;
	size_t clauses_nr, clauses_alloc;
	/* After a failed ddl_parse_alter(): the byte offset of the clause
	 * or token the error is about. */
	size_t error_offset;
};

#define DDL_ALTER_INIT { 0 }

void ddl_alter_init(struct ddl_alter *a);
void ddl_alter_release(struct ddl_alter *a);

/*
 * Parse what follows `ALTER TABLE t` (several clauses separated by
 * commas; a trailing ';' is allowed). Refuses, with the reason and the
 * clause (`... near offset 17: 'ORDER BY id'`): a table rename, ALGORITHM=
 * and LOCK= (meaningless for an online copy), DISCARD/IMPORT TABLESPACE,
 * ORDER BY, partition maintenance (TRUNCATE/EXCHANGE/ANALYZE/... PARTITION),
 * a leading `ALTER TABLE name`, a second statement, an empty text, and
 * anything it does not recognise. On error `out` is left with no clauses
 * and `out->error_offset` set.
 */
int ddl_parse_alter(const char *alter_sql, struct ddl_alter *out,
		    struct strbuf *err);

/* A short uppercase name for a clause kind ("ADD COLUMN", ...). */
const char *ddl_clause_kind_name(enum ddl_clause_kind kind);

/* ---------------------------------------------------------------------
 * The plan
 */

/*
 * One column copied from the source table to the ghost. The source column
 * may be a generated one that becomes a plain column in the ghost (its
 * computed value is then copied); a ghost generated column is never here.
 */
struct ddl_col_map {
	const char *source_name; /* points into plan->source */
	unsigned source_ordinal;
	const char *ghost_name; /* points into plan->ghost */
	unsigned ghost_ordinal;
	bool renamed; /* CHANGE old new / RENAME COLUMN */
};

/* One column of the shared key. */
struct ddl_key_col {
	const char *source_name;
	unsigned source_ordinal;
	const char *ghost_name;
	unsigned ghost_ordinal;
	size_t map_index; /* index of this column in plan->map */
	/* The part's prefix length in the source index (-1: whole column):
	 * informational, the key compares whole values. */
	long long prefix_len;
};

enum ddl_risk_kind {
	DDL_RISK_UNIQUE_ADDED = 0,  /* a new unique key: duplicates possible */
	DDL_RISK_UNIQUE_NARROWED,   /* fewer/shorter/less strict columns */
	DDL_RISK_COLUMN_DROPPED,    /* the column's data goes */
	DDL_RISK_NOT_NULL_ADDED,    /* NULLs would become implicit defaults */
	DDL_RISK_LOSSY_TYPE,        /* narrower integer, shorter string, ... */
	DDL_RISK_CHARSET_CHANGED,   /* charset conversion of a column */
	DDL_RISK_PRIMARY_KEY_CHANGED,
	DDL_RISK_NOT_NULL_NO_DEFAULT, /* new NOT NULL column without default */
	DDL_RISK_FOREIGN_KEYS,      /* foreign keys involved */
	DDL_RISK_PARTITION_DATA,    /* a partition change can drop rows */
	DDL_RISK_ENUM_CHANGED,      /* enum/set members changed or reordered */
	DDL_RISK_CHECK_ADDED,       /* a new CHECK constraint: rows may fail */
};

enum ddl_severity {
	DDL_SEV_NOTE = 0, /* worth knowing, nothing is lost */
	DDL_SEV_WARNING,  /* data may change or go, as the ALTER asks */
	DDL_SEV_DANGER,   /* needs a check before the copy (see below) */
};

struct ddl_risk {
	enum ddl_risk_kind kind;
	enum ddl_severity severity;
	char *subject; /* the column or index name (unquoted), or NULL */
	char *message; /* one line, git style, e.g. "column `x` is dropped:
			* its data is not copied" */
};

/*
 * A unique key of the ghost that the source does not already guarantee
 * (added, or narrowed: fewer columns, shorter prefix, nullable column made
 * NOT NULL, collation or type change on a key column). Before the copy the
 * engine runs ddl_build_dup_check() for it and refuses when a row comes
 * back. During the run:
 *   - the copier must treat a duplicate-key warning (1062) of the chunk's
 *     INSERT IGNORE as fatal (IGNORE would silently drop the row), and
 *   - the applier must abort on a conflict instead of letting REPLACE
 *     delete the other row (affected rows > 2 for one REPLACE row, or a
 *     1062 when it inserts), see DESIGN.md 4.
 */
struct ddl_unique_check {
	char *index_name;  /* in the ghost */
	bool added;        /* true: new; false: narrowed */
	char **ghost_columns;
	size_t ghost_columns_nr;
	/* True when the check cannot be run in advance (a key column is
	 * generated or has an expression default): the run then relies on
	 * the copy and replay checks alone. */
	bool uncheckable;
};

/*
 * A CHECK constraint of the ghost (table or column level) whose text is
 * not one of the source's. A native ALTER refuses rows that fail it; the
 * chunk copy (INSERT IGNORE) would skip them with a warning. Before the
 * copy the engine runs ddl_build_constraint_check() and refuses when a
 * row comes back.
 */
struct ddl_constraint_check {
	char *name; /* the constraint's name, or the column's for a column
		     * CHECK; NULL for an unnamed one in a computed model */
	bool on_column;
	char *text; /* "CHECK (...)" as the ghost has it */
};

struct ddl_plan {
	struct ddl_table source; /* a copy of the source model */
	struct ddl_table ghost;  /* the ghost model (computed or given) */
	bool ghost_from_server;  /* built with a ghost model */
	char *alter_text;        /* the user's ALTER text, for the ghost */

	/* Columns copied and replayed, in ghost column order. Generated
	 * columns of the ghost are never in the map. */
	struct ddl_col_map *map;
	size_t map_nr, map_alloc;

	/* Source columns whose data is not copied (dropped, or turned into
	 * generated columns), in source order; ghost columns that get no
	 * data from the source (added, non-generated), in ghost order. Both
	 * point into the models. */
	const char **dropped;
	size_t dropped_nr, dropped_alloc;
	const char **added;
	size_t added_nr, added_alloc;

	/* The shared key: which source index, its name in the ghost, and its
	 * columns in key order. */
	const char *key_source_index;
	const char *key_ghost_index;
	bool key_is_primary; /* it is the primary key on both sides */
	/*
	 * The ghost has no unique key on exactly the shared key's columns,
	 * only a NOT NULL one that starts with them (key_ghost_index: the
	 * ALTER widened the key, `DROP PRIMARY KEY, ADD PRIMARY KEY (id,
	 * created)`). The ghost then does not enforce the shared key: a
	 * REPLACE of an after-image whose `created` changed would not meet
	 * the row it replaces, so the replay deletes by the shared key
	 * before it writes a row.
	 */
	bool key_ghost_wider;
	struct ddl_key_col *key;
	size_t key_nr, key_alloc;

	struct ddl_unique_check *unique_checks;
	size_t unique_checks_nr, unique_checks_alloc;

	struct ddl_constraint_check *constraint_checks;
	size_t constraint_checks_nr, constraint_checks_alloc;

	struct ddl_risk *risks;
	size_t risks_nr, risks_alloc;

	/*
	 * The server's @@global.time_zone when it is not UTC ('SYSTEM' on a
	 * machine whose zone is not UTC, '+05:00', 'Europe/Paris'), NULL for
	 * UTC; owned by the plan, set by the caller after ddl_plan_build().
	 * osc's sessions run in UTC, but a native ALTER converts a TIMESTAMP
	 * to or from any other type in the DBA's session zone, which is
	 * this one: see ddl_build_tz_convert().
	 */
	char *time_zone;
};

#define DDL_PLAN_INIT { 0 }

void ddl_plan_init(struct ddl_plan *p);
void ddl_plan_release(struct ddl_plan *p);

/*
 * Build the plan. `source` is the table as it is, `alter` the parsed
 * --alter. With `ghost` NULL the new definition is computed from the
 * ALTER alone (for a plan printed before touching the server). With
 * `ghost` the model of the ghost table read back after the server applied
 * the ALTER, that model is the truth for the new definition; the ALTER is
 * used only to follow renames and drops (CHANGE, RENAME COLUMN, DROP).
 * Both inputs are copied: the caller keeps ownership of them.
 *
 * Fails (plan left empty) when the ALTER cannot be applied to the model
 * (unknown column, duplicate name, a DROP FOREIGN KEY that the ghost
 * cannot run because CREATE TABLE ... LIKE does not copy foreign keys),
 * when the ghost would not be InnoDB, or when there is no shared key: no
 * primary key that survives with the same columns, and no NOT NULL unique
 * key with the same columns on both sides (the ghost needs a unique key
 * on the shared key's columns, or on them first and then NOT NULL
 * columns, to find the row an update replaces). The message says why and
 * what to do.
 *
 * The shared key is the source's primary key when the ghost's primary
 * key has the same columns; otherwise the source unique key (all columns
 * NOT NULL, not generated, no functional part) whose columns form a
 * unique key of the ghost too, the ghost's primary key first, then the
 * fewest columns; failing that, one whose columns are the first columns
 * of a NOT NULL unique key of the ghost (key_ghost_wider), in the same
 * order of preference. All pointers in the plan point into plan->source and
 * plan->ghost and stay valid until ddl_plan_release().
 */
int ddl_plan_build(const struct ddl_table *source,
		   const struct ddl_alter *alter,
		   const struct ddl_table *ghost, struct ddl_plan *out,
		   struct strbuf *err);

/* The map entry for a ghost column / a source column, or NULL. */
const struct ddl_col_map *ddl_plan_map_ghost(const struct ddl_plan *p,
					     const char *ghost_name);
const struct ddl_col_map *ddl_plan_map_source(const struct ddl_plan *p,
					      const char *source_name);

/* True when some risk has severity DDL_SEV_DANGER. */
bool ddl_plan_has_danger(const struct ddl_plan *p);

/*
 * Append the dry-run rendering of the plan to `out`: the ghost DDL (with
 * the names of `db`.`ghost_table`), the column mapping, the shared key,
 * the unique key checks and the risks. Several lines, each ending in
 * '\n'. Pure.
 */
void ddl_plan_render(struct strbuf *out, const struct ddl_plan *p,
		     const char *db, const char *table,
		     const char *ghost_table);

/* ---------------------------------------------------------------------
 * SQL builders. Each appends one statement (no ';') to `out`. `db`,
 * `table` and `ghost` are unquoted names; they are quoted here (a NULL or
 * empty `db` leaves the table names unqualified). A
 * builder returns -1 (appending nothing to `out`, a line to `err`) only
 * for a name quote_ident() refuses (empty, or holding a NUL).
 *
 * Values are passed as arrays of SQL literal texts the caller made
 * (numbers as digits, strings through quote_sql_string()/quote_sql_hex(),
 * NULL as "NULL"). Passing "?" for each gives a prepared-statement text;
 * the placeholder order is then the order in which the literals would be
 * used, documented with each builder.
 */

/* CREATE TABLE `db`.`ghost` LIKE `db`.`table` */
int ddl_build_ghost_create(struct strbuf *out, const char *db,
			   const char *table, const char *ghost,
			   struct strbuf *err);

/* ALTER TABLE `db`.`ghost` <the user's ALTER text, as given> */
int ddl_build_ghost_alter(struct strbuf *out, const struct ddl_plan *p,
			  const char *db, const char *ghost,
			  struct strbuf *err);

enum ddl_side {
	DDL_SIDE_SOURCE = 0, /* use the source names of the key columns */
	DDL_SIDE_GHOST,
};

/*
 * The row comparison `(k1, k2, ...) op (v1, v2, ...)` on the shared key in
 * expanded form (util/keyrange.h, the one builder), for op one of ">",
 * ">=", "<", "<=", "=":
 *   ((`a` > v1))                                        one column
 *   ((`a` > v1) OR (`a` = v1 AND `b` > v2))             two columns
 *   ((`a` > v1) OR (`a` = v1 AND `b` > v2) OR (`a` = v1 AND `b` = v2 AND
 *    `c` > v3))                                          and so on
 * ">=" and "<=" use the inclusive operator in the last term only; "="
 * gives (`a` = v1 AND `b` = v2). `values` has plan->key_nr literals in key
 * order; with "?" placeholders, the i-th term uses v1..vi in order.
 */
int ddl_build_key_predicate(struct strbuf *out, const struct ddl_plan *p,
			    enum ddl_side side, const char *op,
			    const char *const *values, struct strbuf *err);

/*
 * The chunk copy:
 *   INSERT IGNORE INTO `db`.`ghost` (`g1`, `g2`) SELECT `s1`, `s2` FROM
 *   `db`.`table` FORCE INDEX (`key`) WHERE <lower> AND <upper>
 *   LOCK IN SHARE MODE
 * with the columns of plan->map. `lower` (op ">" when lower_inclusive is
 * false, ">=" otherwise) and `upper` (op "<=", or "<" when
 * upper_exclusive) are arrays of key_nr literals, or NULL for no bound;
 * with neither, there is no WHERE. Placeholders: lower's, then upper's.
 */
int ddl_build_copy_chunk(struct strbuf *out, const struct ddl_plan *p,
			 const char *db, const char *table, const char *ghost,
			 const char *const *lower, bool lower_inclusive,
			 const char *const *upper, bool upper_exclusive,
			 struct strbuf *err);

/*
 * The source rows that the ghost holds under no shared key, for the
 * copier's check after a duplicate on a unique key the ALTER adds or
 * narrows (chunk_copy_opts.missing_prefix):
 *   SELECT `k1`, `k2` FROM `db`.`table` FORCE INDEX (`key`) WHERE NOT
 *   EXISTS (SELECT 1 FROM `db`.`ghost` WHERE `db`.`ghost`.`g1` =
 *   `db`.`table`.`k1` AND ...)
 * The caller appends " AND " and the chunk's range.
 */
int ddl_build_copy_missing(struct strbuf *out, const struct ddl_plan *p,
			   const char *db, const char *table,
			   const char *ghost, struct strbuf *err);

/*
 * The replay of inserts and updates:
 *   REPLACE INTO `db`.`ghost` (`g1`, `g2`) VALUES (v, v), (v, v)
 * `values` holds rows_nr * plan->map_nr literals, row after row, each row
 * in plan->map order (so map[i].source_ordinal says which binlog column
 * gives the i-th literal). rows_nr must be at least 1.
 * ddl_build_replace_head() writes only `REPLACE INTO ... VALUES ` for
 * callers that append the rows themselves.
 */
int ddl_build_replace(struct strbuf *out, const struct ddl_plan *p,
		      const char *db, const char *ghost,
		      const char *const *values, size_t rows_nr,
		      struct strbuf *err);
int ddl_build_replace_head(struct strbuf *out, const struct ddl_plan *p,
			   const char *db, const char *ghost,
			   struct strbuf *err);

/*
 * Columns the ALTER adds NOT NULL without a DEFAULT (plan->added): the
 * copy leaves them out and the server gives each row the column's
 * implicit default, as a native ALTER does (warning 1364 under INSERT
 * IGNORE, expected). The replay writes that value itself, so that its
 * statements raise no warning (issue 12, item 8: each one did, and was
 * rolled back and sent again one by one): ddl_build_replace() and
 * ddl_build_replace_head() list those columns after the mapped ones,
 * and ddl_build_implicit_values() appends their literals (", 0, ''")
 * for a caller that writes the rows itself, after the mapped values.
 *
 * ddl_implicit_default_sql() writes the implicit default of such a
 * column (0 for numbers, BIT and YEAR, '' for strings, bytes and SET,
 * 1 (the first member) for ENUM, the zero date or time for temporal
 * types) and returns 0; -1, writing nothing, for a column that is
 * nullable, has a default, is generated or AUTO_INCREMENT, or whose
 * implicit default osc does not know (JSON, spatial, UUID, INET): the
 * replay leaves it out and the server fills it, with the warning.
 */
int ddl_implicit_default_sql(const struct ddl_column *c, struct strbuf *out);
void ddl_build_implicit_values(struct strbuf *out, const struct ddl_plan *p);

/*
 * A string value of the replay for the ghost column of plan->map[map_index],
 * from the bytes the source column holds (a binlog row image): the
 * literal that the ghost stores exactly as the chunk copy's INSERT ...
 * SELECT stores the source's value, charset conversion included.
 *   _latin1 X'6e61ef7665'   a column holding characters: its bytes in its
 *                           charset, which the server converts to the
 *                           ghost column's (a character the ghost cannot
 *                           hold is warning 1366, as the copy's)
 *   X'00ff'                 binary types: the bytes as they are
 *   CONVERT(X'..' USING utf8mb4)   bytes into a JSON column (MySQL
 *                           refuses a binary string there)
 * A plain X'..' would store the source's bytes unconverted into a column
 * of another charset (issue 12 item 1).
 */
void ddl_build_replay_string(struct strbuf *out, const struct ddl_plan *p,
			     size_t map_index, const char *bytes, size_t len);

/*
 * `expr`, a value of the source column of map entry `map_index` (the
 * column itself in the copy, a literal in the replay, both read and
 * written in osc's UTC session), as the ghost column must receive it for
 * the result to be a native ALTER's, run in the server's zone
 * (plan->time_zone): when the ALTER turns a TIMESTAMP into another type
 * (DATETIME, a string, a number)
 *   COALESCE(CONVERT_TZ(expr, '+00:00', 'zone'), expr)
 * and another type into a TIMESTAMP
 *   COALESCE(CONVERT_TZ(expr, 'zone', '+00:00'), expr)
 * (CONVERT_TZ gives NULL for a zero date, which goes in as it is, as in
 * the native ALTER). Otherwise, or without plan->time_zone, `expr` as it
 * is. Returns 1 when it converted, 0 when not.
 */
int ddl_build_tz_convert(struct strbuf *out, const struct ddl_plan *p,
			 size_t map_index, const char *expr);

/*
 * The replay of a delete (and of the before-image of an update that
 * changes the key):
 *   DELETE FROM `db`.`ghost` WHERE `k1` = v1 AND `k2` = v2
 * `key_values` has plan->key_nr literals in key order, string ones as
 * ddl_build_replay_string() writes them. On a string key column whose
 * charset or collation the ALTER changes, `k` = v becomes
 *   (`k` = CONVERT(v USING gcs) COLLATE gcoll AND
 *    CONVERT(`k` USING scs) COLLATE scoll = v COLLATE scoll)
 * which uses the ghost's index and matches only the ghost row of the same
 * source value (under a new case-insensitive collation, 'a' must not
 * find the row copied from 'A'). ddl_build_key_predicate() with "=" and
 * DDL_SIDE_GHOST does the same.
 */
int ddl_build_delete(struct strbuf *out, const struct ddl_plan *p,
		     const char *db, const char *ghost,
		     const char *const *key_values, struct strbuf *err);

/*
 * The duplicate check for plan->unique_checks[i], run on the source:
 *   SELECT `a`, `b`, COUNT(*) FROM `db`.`table` WHERE `a` IS NOT NULL AND
 *   `b` IS NOT NULL GROUP BY `a`, `b` HAVING COUNT(*) > 1 LIMIT 1
 * with source column names (renames followed), prefixes as LEFT(`a`, n),
 * a shortened string column as LEFT(`a`, new length), and a charset or
 * collation change as CONVERT(`a` USING cs) COLLATE coll, so that the
 * grouping is the ghost's. A row back means the ALTER would meet
 * duplicates. Fails for an uncheckable entry.
 */
int ddl_build_dup_check(struct strbuf *out, const struct ddl_plan *p,
			size_t check_index, const char *db, const char *table,
			struct strbuf *err);

/*
 * For a DDL_RISK_NOT_NULL_ADDED column: SELECT 1 FROM `db`.`table` WHERE
 * `col` IS NULL LIMIT 1 (source name of the ghost column `ghost_column`).
 */
int ddl_build_null_check(struct strbuf *out, const struct ddl_plan *p,
			 const char *ghost_column, const char *db,
			 const char *table, struct strbuf *err);

/*
 * For a DDL_RISK_LOSSY_TYPE column (ghost name `ghost_column`): the rows
 * whose value does not fit the ghost's type, e.g. for VARCHAR(20) to
 * VARCHAR(5)
 *   SELECT `k1`, `k2` FROM `db`.`table` WHERE CHAR_LENGTH(`c`) > 5 LIMIT 1
 * with the shared key's source columns. A native ALTER in strict mode
 * refuses such a row, and the copy stops at its chunk's warning, so a
 * row back means the run would fail. Integer and decimal ranges, decimal
 * rounding and string lengths are tested; for another change (temporal,
 * enum, float) it fails with "cannot be checked in advance" in err.
 */
int ddl_build_fit_check(struct strbuf *out, const struct ddl_plan *p,
			const char *ghost_column, const char *db,
			const char *table, struct strbuf *err);

/*
 * For the foreign key plan->ghost.constraints[i] (one the source does not
 * have): the rows whose parent row is missing,
 *   SELECT `osc_c`.`k1` FROM `db`.`table` AS `osc_c` WHERE `osc_c`.`f` IS
 *   NOT NULL AND NOT EXISTS (SELECT 1 FROM `db`.`parent` AS `osc_p` WHERE
 *   `osc_p`.`id` = `osc_c`.`f`) LIMIT 1
 * with the shared key's source columns and the referencing columns'
 * source names (renames followed). The copy would stop at such a row
 * (1452), as a native ALTER with foreign_key_checks on would. Fails for
 * a referencing column the table does not give a value to.
 */
int ddl_build_fk_orphan_check(struct strbuf *out, const struct ddl_plan *p,
			      size_t ghost_constraint, const char *db,
			      const char *table, struct strbuf *err);

/*
 * For plan->constraint_checks[i], run on the source:
 *   SELECT `k1`, `k2` FROM `db`.`table` WHERE NOT (<expr>) LIMIT 1
 * with the shared key's source columns, and <expr> the constraint's
 * expression with each ghost column replaced by its source column
 * (renames followed) or, for an added column, by its constant default. A
 * row back is a row the constraint refuses (an expression that is NULL
 * passes, as in the server). The expression is evaluated on the source's
 * values, before any type change the ALTER makes. Fails when a column of
 * the expression has no such stand-in (a generated column, an added
 * column with an expression default or none).
 */
int ddl_build_constraint_check(struct strbuf *out, const struct ddl_plan *p,
			       size_t check_index, const char *db,
			       const char *table, struct strbuf *err);

/* ---- verify (verify.c) ---- */

/*
 * --verify compares each chunk of the table with the same key range of
 * the ghost by a checksum of the mapped columns, and must compare what
 * the ALTER means, not bytes. ddl_verify_column() appends, for
 * plan->map[map_index], the expression of each side whose binary text is
 * equal exactly when the ghost holds what the copy stores from the
 * source's value:
 *   CAST(`c` AS BINARY)                          the same type on both
 *   CAST(CAST(`c` AS DATETIME(3)) AS BINARY)     the source side of a
 *   CAST(CONVERT(`c` USING latin1) AS BINARY)    type or charset change
 * and returns 0; or -1 with the reason in `why` (one phrase, nothing
 * appended to the expressions) for a change osc knows no exact
 * conversion for (to FLOAT or DOUBLE, fewer fractional seconds, to JSON
 * or BIT): that column is left out of the checksum, and the caller says
 * so. Pure.
 */
int ddl_verify_column(const struct ddl_plan *p, size_t map_index,
		      struct strbuf *source_expr, struct strbuf *ghost_expr,
		      struct strbuf *why);

/*
 * 1 when a key range of the source (its boundaries in the source's
 * values) selects the same rows on the ghost: every shared key column
 * orders alike on both sides (no charset, collation or ENUM change, no
 * BINARY(N) padding change). 0 with the reason in `why` otherwise: verify
 * cannot compare chunk by chunk. Pure.
 */
int ddl_verify_key_ok(const struct ddl_plan *p, struct strbuf *why);

/*
 * The checksum of one side of a chunk:
 *   SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', e1, e2, ...,
 *   CONCAT(ISNULL(`c1`), ISNULL(`c2`), ...)))), 0) FROM `db`.`table`
 *   FORCE INDEX (`key`)
 * with the ddl_verify_column() expressions of `side` (the columns it
 * refuses left out; the ISNULL flags tell NULL from ''), and the shared
 * key's index of that side. The caller appends " WHERE " and the range,
 * and the source side's " LOCK IN SHARE MODE".
 */
int ddl_build_verify_checksum(struct strbuf *out, const struct ddl_plan *p,
			      enum ddl_side side, const char *db,
			      const char *table, struct strbuf *err);

/* ---- triggers (trigger.c) ---- */

/*
 * What osc reads from a trigger's stored definition (SHOW CREATE
 * TRIGGER's "SQL Original Statement"): where the ON clause is, so that the
 * same text can create the trigger on the ghost, and the columns its body
 * reads or sets as NEW.col or OLD.col (unquoted, each once, in the order
 * first seen). Offsets are into the parsed text.
 */
struct ddl_trigger_text {
	size_t on_start;	/* the ON keyword */
	size_t on_end;		/* the FOR of FOR EACH ROW */
	size_t body_start;	/* after FOR EACH ROW */
	int order_clause;	/* FOLLOWS/PRECEDES kept in the text */
	char **columns;
	size_t columns_nr, columns_alloc;
};

/*
 * Parse `stmt` (CREATE [DEFINER=...] TRIGGER name BEFORE|AFTER event ON
 * tbl FOR EACH ROW body). Returns 0, or -1 with one line in err when the
 * text has no such shape (tt is then released).
 */
int ddl_trigger_parse(const char *stmt, struct ddl_trigger_text *tt,
		      struct strbuf *err);
void ddl_trigger_text_release(struct ddl_trigger_text *tt);

/*
 * Append `stmt` with its ON clause replaced by ON `db`.`table` (one
 * blank after it): the statement that creates the same trigger on
 * another table. -1 when a name cannot be quoted.
 */
int ddl_trigger_retarget(struct strbuf *out, const char *stmt,
			 const struct ddl_trigger_text *tt, const char *db,
			 const char *table);

/*
 * Append a foreign key's definition (FOREIGN KEY (...) REFERENCES tbl
 * (...) [ON ...], as ddl_constraint.text holds it) with the referenced
 * table replaced by `db`.`table`. -1 with err when it has no REFERENCES.
 */
int ddl_fk_retarget(struct strbuf *out, const char *definition,
		    const char *db, const char *table, struct strbuf *err);

#endif
