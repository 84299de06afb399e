/*
 * test-ddl-parse.c: the ALTER parser, table-driven.
 *
 * Each case is an --alter text and the expected one-line description of
 * the parsed clauses (tests/unit/ddl-describe.h), or "error: " and the
 * exact message for a refusal. With DDL_TEST_PRINT=1 in the environment
 * the program prints the actual values as C literals, which is how new
 * cases are written (then reviewed by hand).
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "ddl/ddl.h"
#include "ddl/ddl-internal.h"
#include "tests/unit/ddl-describe.h"
#include "util/strbuf.h"

struct parse_case {
	const char *alter;
	const char *expect;
};

static const struct parse_case parse_cases[] = {
	/* A. ADD COLUMN */
	{ "ADD COLUMN x INT",
	  "ADD COLUMN [x int]" },
	{ "ADD x INT",
	  "ADD COLUMN [x int]" },
	{ "add column x int",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT NOT NULL DEFAULT 0",
	  "ADD COLUMN [x int NOT NULL DEFAULT[lit]=0]" },
	{ "ADD COLUMN x INT UNSIGNED NOT NULL AUTO_INCREMENT",
	  "ADD COLUMN [x int unsigned NOT NULL AI]" },
	{ "ADD COLUMN x BIGINT(20) UNSIGNED ZEROFILL",
	  "ADD COLUMN [x bigint(20) unsigned zerofill]" },
	{ "ADD COLUMN x VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''",
	  "ADD COLUMN [x varchar(64) cs=utf8mb4 coll=utf8mb4_bin NOT NULL DEFAULT[lit]='']" },
	{ "ADD COLUMN x VARCHAR(64) CHARSET latin1",
	  "ADD COLUMN [x varchar(64) cs=latin1]" },
	{ "ADD COLUMN x CHAR(3) BINARY",
	  "ADD COLUMN [x char(3) binary]" },
	{ "ADD COLUMN x DECIMAL(10,2) NOT NULL DEFAULT 0.00",
	  "ADD COLUMN [x decimal(10,2) NOT NULL DEFAULT[lit]=0.00]" },
	{ "ADD COLUMN x DECIMAL",
	  "ADD COLUMN [x decimal(10,0)]" },
	{ "ADD COLUMN x NUMERIC(5)",
	  "ADD COLUMN [x decimal(5,0)]" },
	{ "ADD COLUMN x DOUBLE PRECISION",
	  "ADD COLUMN [x double]" },
	{ "ADD COLUMN x FLOAT(30)",
	  "ADD COLUMN [x double]" },
	{ "ADD COLUMN x REAL",
	  "ADD COLUMN [x double]" },
	{ "ADD COLUMN x BOOLEAN DEFAULT TRUE",
	  "ADD COLUMN [x tinyint(1) DEFAULT[lit]=TRUE]" },
	{ "ADD COLUMN x BOOL NOT NULL DEFAULT FALSE",
	  "ADD COLUMN [x tinyint(1) NOT NULL DEFAULT[lit]=FALSE]" },
	{ "ADD COLUMN x INTEGER",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT8",
	  "ADD COLUMN [x bigint]" },
	{ "ADD COLUMN x SERIAL",
	  "ADD COLUMN [x bigint unsigned NOT NULL AI] {UNIQUE ?(x)}" },
	{ "ADD COLUMN x ENUM('a','b,c','it''s') NOT NULL DEFAULT 'a'",
	  "ADD COLUMN [x enum{a|b,c|it's} NOT NULL DEFAULT[lit]='a']" },
	{ "ADD COLUMN x SET('x','y') DEFAULT ''",
	  "ADD COLUMN [x set{x|y} DEFAULT[lit]='']" },
	{ "ADD COLUMN x TEXT",
	  "ADD COLUMN [x text]" },
	{ "ADD COLUMN x LONGTEXT COMMENT 'big, (really)'",
	  "ADD COLUMN [x longtext COMMENT=big, (really)]" },
	{ "ADD COLUMN x BLOB",
	  "ADD COLUMN [x blob]" },
	{ "ADD COLUMN x VARBINARY(16)",
	  "ADD COLUMN [x varbinary(16)]" },
	{ "ADD COLUMN x BINARY(16) NOT NULL",
	  "ADD COLUMN [x binary(16) NOT NULL]" },
	{ "ADD COLUMN x NATIONAL VARCHAR(10)",
	  "ADD COLUMN [x varchar(10) cs=utf8mb3]" },
	{ "ADD COLUMN x NCHAR(2)",
	  "ADD COLUMN [x char(2) cs=utf8mb3]" },
	{ "ADD COLUMN x CHAR VARYING(12)",
	  "ADD COLUMN [x varchar(12)]" },
	{ "ADD COLUMN x LONG VARCHAR",
	  "ADD COLUMN [x mediumtext]" },
	{ "ADD COLUMN x JSON",
	  "ADD COLUMN [x json]" },
	{ "ADD COLUMN x DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)",
	  "ADD COLUMN [x datetime(6) NOT NULL DEFAULT[expr]=CURRENT_TIMESTAMP(6) ON UPDATE=CURRENT_TIMESTAMP(6)]" },
	{ "ADD COLUMN x TIMESTAMP NULL DEFAULT NULL",
	  "ADD COLUMN [x timestamp DEFAULT[NULL]=NULL]" },
	{ "ADD COLUMN x DATE DEFAULT '2020-01-01'",
	  "ADD COLUMN [x date DEFAULT[lit]='2020-01-01']" },
	{ "ADD COLUMN x TIME(3)",
	  "ADD COLUMN [x time(3)]" },
	{ "ADD COLUMN x YEAR(4)",
	  "ADD COLUMN [x year]" },
	{ "ADD COLUMN x BIT(8) DEFAULT b'00001111'",
	  "ADD COLUMN [x bit(8) DEFAULT[lit]=b'00001111']" },
	{ "ADD COLUMN x GEOMETRY NOT NULL SRID 4326",
	  "ADD COLUMN [x geometry NOT NULL]" },
	{ "ADD COLUMN x POINT",
	  "ADD COLUMN [x point]" },
	{ "ADD COLUMN x INT FIRST",
	  "ADD COLUMN [x int] FIRST" },
	{ "ADD COLUMN x INT AFTER y",
	  "ADD COLUMN [x int] AFTER y" },
	{ "ADD COLUMN x INT NOT NULL AFTER `y`",
	  "ADD COLUMN [x int NOT NULL] AFTER y" },
	{ "ADD COLUMN (a INT, b VARCHAR(10))",
	  "ADD COLUMN [a int] [b varchar(10)]" },
	{ "ADD (a INT NOT NULL, b INT, INDEX k_ab (a, b))",
	  "ADD COLUMN [a int NOT NULL] [b int] {KEY k_ab(a,b)}" },
	{ "ADD COLUMN x INT UNIQUE",
	  "ADD COLUMN [x int] {UNIQUE ?(x)}" },
	{ "ADD COLUMN x INT PRIMARY KEY",
	  "ADD COLUMN [x int NOT NULL] {PRIMARY PRIMARY(x)}" },
	{ "ADD COLUMN x INT AS (y + 1) VIRTUAL",
	  "ADD COLUMN [x int GEN[virtual]=(y + 1)]" },
	{ "ADD COLUMN x INT GENERATED ALWAYS AS (y * 2) STORED",
	  "ADD COLUMN [x int GEN[stored]=(y * 2)]" },
	{ "ADD COLUMN x INT AS (y) PERSISTENT",
	  "ADD COLUMN [x int GEN[stored]=(y)]" },
	{ "ADD COLUMN x VARCHAR(20) AS (concat(a, ',', b))",
	  "ADD COLUMN [x varchar(20) GEN[virtual]=(concat(a, ',', b))]" },
	{ "ADD COLUMN x INT INVISIBLE",
	  "ADD COLUMN [x int INVISIBLE]" },
	{ "ADD COLUMN x INT DEFAULT (1 + 1)",
	  "ADD COLUMN [x int DEFAULT[expr]=(1 + 1)]" },
	{ "ADD COLUMN x VARCHAR(36) DEFAULT (uuid())",
	  "ADD COLUMN [x varchar(36) DEFAULT[expr]=(uuid())]" },
	{ "ADD COLUMN x INT DEFAULT -1",
	  "ADD COLUMN [x int DEFAULT[lit]=-1]" },
	{ "ADD COLUMN x DOUBLE DEFAULT +1.5e3",
	  "ADD COLUMN [x double DEFAULT[lit]=+1.5e3]" },
	{ "ADD COLUMN x VARBINARY(4) DEFAULT 0xDEADBEEF",
	  "ADD COLUMN [x varbinary(4) DEFAULT[lit]=0xDEADBEEF]" },
	{ "ADD COLUMN x VARBINARY(4) DEFAULT X'00ff'",
	  "ADD COLUMN [x varbinary(4) DEFAULT[lit]=X'00ff']" },
	{ "ADD COLUMN x INT CHECK (x > 0)",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT CONSTRAINT c1 CHECK (x > 0)",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT REFERENCES p (id) ON DELETE CASCADE",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT COLUMN_FORMAT FIXED STORAGE DISK",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x LONGTEXT COMPRESSED",
	  "ADD COLUMN [x longtext]" },
	{ "ADD COLUMN x TEXT COMPRESSED=zlib",
	  "ADD COLUMN [x text]" },
	{ "ADD COLUMN x INT NULL",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT WITHOUT SYSTEM VERSIONING",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT UNSIGNED DEFAULT '5' COMMENT 'five'",
	  "ADD COLUMN [x int unsigned DEFAULT[lit]='5' COMMENT=five]" },
	/* B. DROP */
	{ "DROP COLUMN x",
	  "DROP COLUMN x" },
	{ "DROP x",
	  "DROP COLUMN x" },
	{ "drop column `x`",
	  "DROP COLUMN x" },
	{ "DROP COLUMN x, DROP COLUMN y",
	  "DROP COLUMN x; DROP COLUMN y" },
	{ "DROP COLUMN x RESTRICT",
	  "DROP COLUMN x" },
	{ "DROP COLUMN x CASCADE",
	  "DROP COLUMN x" },
	{ "DROP INDEX k",
	  "DROP INDEX k" },
	{ "DROP KEY k",
	  "DROP INDEX k" },
	{ "DROP PRIMARY KEY",
	  "DROP PRIMARY KEY PRIMARY" },
	{ "DROP FOREIGN KEY fk_1",
	  "DROP FOREIGN KEY fk_1" },
	{ "DROP CONSTRAINT c1",
	  "DROP CONSTRAINT c1" },
	{ "DROP CHECK c1",
	  "DROP CHECK c1" },
	{ "DROP INDEX `PRIMARY`",
	  "DROP INDEX PRIMARY" },
	/* C. MODIFY / CHANGE */
	{ "MODIFY x BIGINT",
	  "MODIFY COLUMN x [x bigint]" },
	{ "MODIFY COLUMN x BIGINT NOT NULL",
	  "MODIFY COLUMN x [x bigint NOT NULL]" },
	{ "MODIFY x VARCHAR(10) FIRST",
	  "MODIFY COLUMN x [x varchar(10)] FIRST" },
	{ "MODIFY x VARCHAR(10) AFTER y",
	  "MODIFY COLUMN x [x varchar(10)] AFTER y" },
	{ "MODIFY COLUMN x INT UNSIGNED NOT NULL AUTO_INCREMENT",
	  "MODIFY COLUMN x [x int unsigned NOT NULL AI]" },
	{ "MODIFY x ENUM('a','b','c')",
	  "MODIFY COLUMN x [x enum{a|b|c}]" },
	{ "MODIFY x TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
	  "MODIFY COLUMN x [x text cs=utf8mb4 coll=utf8mb4_unicode_ci]" },
	{ "MODIFY x INT DEFAULT NULL",
	  "MODIFY COLUMN x [x int DEFAULT[NULL]=NULL]" },
	{ "CHANGE x y INT",
	  "CHANGE COLUMN x [y int]" },
	{ "CHANGE COLUMN x y BIGINT NOT NULL DEFAULT 0",
	  "CHANGE COLUMN x [y bigint NOT NULL DEFAULT[lit]=0]" },
	{ "CHANGE x x VARCHAR(20)",
	  "CHANGE COLUMN x [x varchar(20)]" },
	{ "CHANGE `a b` `c d` INT AFTER `e f`",
	  "CHANGE COLUMN a b [c d int] AFTER e f" },
	{ "CHANGE x y INT FIRST",
	  "CHANGE COLUMN x [y int] FIRST" },
	{ "CHANGE COLUMN x y DATETIME(3) NULL",
	  "CHANGE COLUMN x [y datetime(3)]" },
	/* D. RENAME */
	{ "RENAME COLUMN a TO b",
	  "RENAME COLUMN a ->b" },
	{ "rename column `a` to `b`",
	  "RENAME COLUMN a ->b" },
	{ "RENAME INDEX k1 TO k2",
	  "RENAME INDEX k1 ->k2" },
	{ "RENAME KEY k1 TO k2",
	  "RENAME INDEX k1 ->k2" },
	{ "RENAME COLUMN a TO b, RENAME COLUMN b TO a",
	  "RENAME COLUMN a ->b; RENAME COLUMN b ->a" },
	/* E. ALTER COLUMN */
	{ "ALTER COLUMN x SET DEFAULT 5",
	  "ALTER COLUMN SET DEFAULT x default=5" },
	{ "ALTER x SET DEFAULT 'abc'",
	  "ALTER COLUMN SET DEFAULT x default='abc'" },
	{ "ALTER COLUMN x SET DEFAULT (now())",
	  "ALTER COLUMN SET DEFAULT x default=(now())" },
	{ "ALTER COLUMN x SET DEFAULT NULL",
	  "ALTER COLUMN SET DEFAULT x default=NULL" },
	{ "ALTER COLUMN x DROP DEFAULT",
	  "ALTER COLUMN DROP DEFAULT x" },
	{ "ALTER x DROP DEFAULT",
	  "ALTER COLUMN DROP DEFAULT x" },
	{ "ALTER COLUMN x SET INVISIBLE",
	  "ALTER COLUMN SET VISIBLE x invisible" },
	{ "ALTER COLUMN x SET VISIBLE",
	  "ALTER COLUMN SET VISIBLE x visible" },
	{ "ALTER INDEX k INVISIBLE",
	  "ALTER INDEX k" },
	{ "ALTER INDEX k NOT IGNORED",
	  "ALTER INDEX k" },
	{ "ALTER CHECK c1 NOT ENFORCED",
	  "ALTER CONSTRAINT c1" },
	/* F. Indexes */
	{ "ADD INDEX k (a)",
	  "ADD INDEX {KEY k(a)}" },
	{ "ADD KEY k (a, b)",
	  "ADD INDEX {KEY k(a,b)}" },
	{ "ADD INDEX (a)",
	  "ADD INDEX {KEY ?(a)}" },
	{ "ADD INDEX k (a(10), b DESC)",
	  "ADD INDEX {KEY k(a[10],b DESC)}" },
	{ "ADD INDEX k USING BTREE (a)",
	  "ADD INDEX {KEY k(a)}" },
	{ "ADD INDEX k (a) USING HASH",
	  "ADD INDEX {KEY k(a)}" },
	{ "ADD INDEX k (a) COMMENT 'c,(x)' INVISIBLE",
	  "ADD INDEX {KEY k(a)}" },
	{ "ADD INDEX k (a) KEY_BLOCK_SIZE=8",
	  "ADD INDEX {KEY k(a)}" },
	{ "ADD UNIQUE (a)",
	  "ADD INDEX {UNIQUE ?(a)}" },
	{ "ADD UNIQUE KEY u (a, b)",
	  "ADD INDEX {UNIQUE u(a,b)}" },
	{ "ADD UNIQUE INDEX u (a)",
	  "ADD INDEX {UNIQUE u(a)}" },
	{ "ADD CONSTRAINT u UNIQUE (a)",
	  "ADD INDEX {UNIQUE u(a)}" },
	{ "ADD CONSTRAINT UNIQUE u2 (a)",
	  "ADD INDEX {UNIQUE u2(a)}" },
	{ "ADD PRIMARY KEY (id)",
	  "ADD INDEX {PRIMARY PRIMARY(id)}" },
	{ "ADD CONSTRAINT pk PRIMARY KEY (id, ts)",
	  "ADD INDEX {PRIMARY PRIMARY(id,ts)}" },
	{ "ADD PRIMARY KEY USING BTREE (id)",
	  "ADD INDEX {PRIMARY PRIMARY(id)}" },
	{ "ADD FULLTEXT INDEX ft (body)",
	  "ADD INDEX {FULLTEXT ft(body)}" },
	{ "ADD FULLTEXT ft (title, body) WITH PARSER ngram",
	  "ADD INDEX {FULLTEXT ft(title,body)}" },
	{ "ADD SPATIAL INDEX sp (g)",
	  "ADD INDEX {SPATIAL sp(g)}" },
	{ "ADD SPATIAL sp (g)",
	  "ADD INDEX {SPATIAL sp(g)}" },
	{ "ADD INDEX k ((lower(name)))",
	  "ADD INDEX {KEY k((lower(name)))}" },
	{ "ADD INDEX k (a) IGNORED",
	  "ADD INDEX {KEY k(a)}" },
	{ "DROP PRIMARY KEY, ADD PRIMARY KEY (id, b)",
	  "DROP PRIMARY KEY PRIMARY; ADD INDEX {PRIMARY PRIMARY(id,b)}" },
	/* G. Constraints */
	{ "ADD FOREIGN KEY (pid) REFERENCES p (id)",
	  "ADD FOREIGN KEY <fk pid ref=p>" },
	{ "ADD CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE SET NULL",
	  "ADD FOREIGN KEY fk_p <fk pid ref=p>" },
	{ "ADD CONSTRAINT fk_p FOREIGN KEY fk_idx (a, b) REFERENCES other.p (x, y) MATCH FULL",
	  "ADD FOREIGN KEY fk_p <fk a b ref=other.p>" },
	{ "ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (a) ON DELETE NO ACTION ON UPDATE RESTRICT",
	  "ADD FOREIGN KEY fk <fk a ref=p>" },
	{ "ADD CHECK (a > 0)",
	  "ADD CHECK <check>" },
	{ "ADD CONSTRAINT ck CHECK (a > 0 AND b < 10)",
	  "ADD CHECK ck <check>" },
	{ "ADD CONSTRAINT ck CHECK (a > 0) NOT ENFORCED",
	  "ADD CHECK ck <check>" },
	{ "ADD CONSTRAINT CHECK (a <> ',')",
	  "ADD CHECK <check>" },
	/* H. Table options */
	{ "ENGINE=InnoDB",
	  "table options ENGINE=InnoDB" },
	{ "ENGINE InnoDB",
	  "table options ENGINE=InnoDB" },
	{ "ENGINE = 'InnoDB'",
	  "table options ENGINE=InnoDB" },
	{ "ROW_FORMAT=DYNAMIC",
	  "table options ROW_FORMAT=DYNAMIC" },
	{ "ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8",
	  "table options ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8" },
	{ "KEY_BLOCK_SIZE 4",
	  "table options KEY_BLOCK_SIZE=4" },
	{ "DEFAULT CHARSET=utf8mb4",
	  "table options CHARSET=utf8mb4" },
	{ "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	  "table options CHARSET=utf8mb4 COLLATE=utf8mb4_bin" },
	{ "CHARACTER SET = latin1",
	  "table options CHARSET=latin1" },
	{ "DEFAULT CHARACTER SET utf8",
	  "table options CHARSET=utf8mb3" },
	{ "COLLATE utf8mb4_unicode_ci",
	  "table options COLLATE=utf8mb4_unicode_ci" },
	{ "DEFAULT COLLATE=latin1_bin",
	  "table options COLLATE=latin1_bin" },
	{ "COMMENT='new, (comment)'",
	  "table options COMMENT=new, (comment)" },
	{ "COMMENT 'x'",
	  "table options COMMENT=x" },
	{ "AUTO_INCREMENT=1000",
	  "table options AUTO_INCREMENT=1000" },
	{ "STATS_PERSISTENT=1",
	  "table options STATS_PERSISTENT=1" },
	{ "STATS_AUTO_RECALC=DEFAULT STATS_SAMPLE_PAGES=32",
	  "table options STATS_AUTO_RECALC=DEFAULT STATS_SAMPLE_PAGES=32" },
	{ "ENGINE=InnoDB, ROW_FORMAT=DYNAMIC",
	  "table options ENGINE=InnoDB; table options ROW_FORMAT=DYNAMIC" },
	{ "ADD COLUMN x INT, ENGINE=InnoDB",
	  "ADD COLUMN [x int]; table options ENGINE=InnoDB" },
	{ "ADD COLUMN x INT ENGINE=InnoDB",
	  "error: unexpected 'ENGINE' in column definition near offset 0: 'ADD COLUMN x INT ENGINE=InnoDB'" },
	{ "PAGE_COMPRESSED=1 PAGE_COMPRESSION_LEVEL=6",
	  "table options PAGE_COMPRESSED=1 PAGE_COMPRESSION_LEVEL=6" },
	{ "ENCRYPTED=YES ENCRYPTION_KEY_ID=2",
	  "table options ENCRYPTED=YES ENCRYPTION_KEY_ID=2" },
	{ "CHECKSUM=1",
	  "table options CHECKSUM=1" },
	/* I. CONVERT / FORCE */
	{ "CONVERT TO CHARACTER SET utf8mb4",
	  "CONVERT TO CHARACTER SET cs=utf8mb4" },
	{ "CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci",
	  "CONVERT TO CHARACTER SET cs=utf8mb4 coll=utf8mb4_0900_ai_ci" },
	{ "CONVERT TO CHARSET latin1",
	  "CONVERT TO CHARACTER SET cs=latin1" },
	{ "convert to character set 'utf8mb4'",
	  "CONVERT TO CHARACTER SET cs=utf8mb4" },
	{ "FORCE",
	  "FORCE" },
	{ "ADD COLUMN x INT, FORCE",
	  "ADD COLUMN [x int]; FORCE" },
	/* J. Partitioning */
	{ "PARTITION BY HASH(id) PARTITIONS 4",
	  "partitioning PARTITION BY" },
	{ "PARTITION BY RANGE (year(dt)) (PARTITION p0 VALUES LESS THAN (2020), PARTITION p1 VALUES LESS THAN MAXVALUE)",
	  "partitioning PARTITION BY" },
	{ "ADD COLUMN x INT PARTITION BY KEY(id) PARTITIONS 2",
	  "ADD COLUMN [x int]; partitioning PARTITION BY" },
	{ "REMOVE PARTITIONING",
	  "partitioning REMOVE PARTITIONING" },
	{ "ADD PARTITION (PARTITION p3 VALUES LESS THAN (2030))",
	  "partitioning ADD PARTITION" },
	{ "ADD PARTITION PARTITIONS 2",
	  "partitioning ADD PARTITION" },
	{ "DROP PARTITION p0",
	  "partitioning DROP PARTITION" },
	{ "DROP PARTITION p0, p1",
	  "partitioning DROP PARTITION" },
	{ "DROP PARTITION p0, p1, DROP COLUMN x",
	  "partitioning DROP PARTITION; DROP COLUMN x" },
	{ "COALESCE PARTITION 2",
	  "partitioning COALESCE PARTITION" },
	{ "REORGANIZE PARTITION p0, p1 INTO (PARTITION p01 VALUES LESS THAN (2021))",
	  "partitioning REORGANIZE PARTITION" },
	{ "DROP PARTITION IF EXISTS p9",
	  "partitioning IF DROP PARTITION" },
	/* K. IF [NOT] EXISTS */
	{ "ADD COLUMN IF NOT EXISTS x INT",
	  "ADD COLUMN IF [x int]" },
	{ "ADD IF NOT EXISTS x INT",
	  "ADD COLUMN IF [x int]" },
	{ "DROP COLUMN IF EXISTS x",
	  "DROP COLUMN IF x" },
	{ "DROP IF EXISTS x",
	  "DROP COLUMN IF x" },
	{ "DROP INDEX IF EXISTS k",
	  "DROP INDEX IF k" },
	{ "ADD INDEX IF NOT EXISTS k (a)",
	  "ADD INDEX IF {KEY k(a)}" },
	{ "MODIFY COLUMN IF EXISTS x BIGINT",
	  "MODIFY COLUMN IF x [x bigint]" },
	{ "CHANGE COLUMN IF EXISTS x y INT",
	  "CHANGE COLUMN IF x [y int]" },
	{ "RENAME COLUMN IF EXISTS a TO b",
	  "RENAME COLUMN IF a ->b" },
	{ "DROP FOREIGN KEY IF EXISTS fk",
	  "DROP FOREIGN KEY IF fk" },
	{ "ADD CONSTRAINT IF NOT EXISTS ck CHECK (a > 0)",
	  "ADD CHECK IF ck <check>" },
	{ "ALTER COLUMN IF EXISTS x SET DEFAULT 1",
	  "ALTER COLUMN SET DEFAULT IF x default=1" },
	/* L. Hostile identifiers */
	{ "ADD COLUMN `a``b` INT",
	  "ADD COLUMN [a`b int]" },
	{ "ADD COLUMN `````` INT",
	  "ADD COLUMN [`` int]" },
	{ "ADD COLUMN `select` INT",
	  "ADD COLUMN [select int]" },
	{ "ADD COLUMN `order` INT, ADD INDEX `index` (`order`)",
	  "ADD COLUMN [order int]; ADD INDEX {KEY index(order)}" },
	{ "ADD COLUMN `a,b` INT",
	  "ADD COLUMN [a,b int]" },
	{ "ADD COLUMN `a)b` INT",
	  "ADD COLUMN [a)b int]" },
	{ "ADD COLUMN `a'b` INT",
	  "ADD COLUMN [a'b int]" },
	{ "ADD COLUMN `a\"b` INT",
	  "ADD COLUMN [a\"b int]" },
	{ "ADD COLUMN `a -- b` INT",
	  "ADD COLUMN [a -- b int]" },
	{ "ADD COLUMN `a/*b*/` INT",
	  "ADD COLUMN [a/*b*/ int]" },
	{ "ADD COLUMN `ключ` INT",
	  "ADD COLUMN [ключ int]" },
	{ "ADD COLUMN ключ INT",
	  "ADD COLUMN [ключ int]" },
	{ "ADD COLUMN `名前` VARCHAR(10)",
	  "ADD COLUMN [名前 varchar(10)]" },
	{ "ADD COLUMN `😀` INT",
	  "ADD COLUMN [😀 int]" },
	{ "ADD COLUMN `a b c` INT",
	  "ADD COLUMN [a b c int]" },
	{ "ADD COLUMN $x INT",
	  "ADD COLUMN [$x int]" },
	{ "ADD COLUMN _x INT",
	  "ADD COLUMN [_x int]" },
	{ "ADD COLUMN 1x INT",
	  "ADD COLUMN [1x int]" },
	{ "ADD COLUMN `1` INT",
	  "ADD COLUMN [1 int]" },
	{ "ADD COLUMN `abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234` INT",
	  "ADD COLUMN [abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234 int]" },
	{ "ADD COLUMN `ключключключключключключключключключключключключключключключключ` INT",
	  "ADD COLUMN [ключключключключключключключключключключключключключключключключ int]" },
	{ "CHANGE `sel``ect` `from` INT",
	  "CHANGE COLUMN sel`ect [from int]" },
	{ "RENAME COLUMN `a``` TO ```b`",
	  "RENAME COLUMN a` ->`b" },
	/* M. Comments and strings */
	{ "ADD COLUMN x INT /* a, (b */, ADD COLUMN y INT",
	  "ADD COLUMN [x int]; ADD COLUMN [y int]" },
	{ "ADD COLUMN x INT -- a comment, with (commas)",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT # hash, comment",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT COMMENT 'a,b', ADD COLUMN y INT",
	  "ADD COLUMN [x int COMMENT=a,b]; ADD COLUMN [y int]" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT ',)(', ADD COLUMN y INT",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]=',)(']; ADD COLUMN [y int]" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT 'it\\'s', DROP y",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]='it\\'s']; DROP COLUMN y" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT \"dq,\\\"x\"",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]=\"dq,\\\"x\"]" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT 'a''b'",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]='a''b']" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT 'back\\\\slash'",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]='back\\\\slash']" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT 'nl\\ntab\\t'",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]='nl\\ntab\\t']" },
	{ "ADD COLUMN x INT /*+ hint */",
	  "ADD COLUMN [x int]" },
	{ "/* leading */ ADD COLUMN x INT",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT -- trailing",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT;",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT ; ;",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x ENUM('(', ')', ',') DEFAULT ','",
	  "ADD COLUMN [x enum{(|)|,} DEFAULT[lit]=',']" },
	{ "ADD COLUMN x INT COMMENT 'multi\\nline'",
	  "ADD COLUMN [x int COMMENT=multi\n"
	  "line]" },
	/* N. Executable comments */
	{ "/*!50100 ADD COLUMN x INT */",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT /*!50700 , ADD COLUMN y INT */",
	  "ADD COLUMN [x int]; ADD COLUMN [y int]" },
	{ "/*M!100301 ADD COLUMN x INT */",
	  "ADD COLUMN [x int]" },
	{ "/*! ADD COLUMN x INT */",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT /*!80023 INVISIBLE */",
	  "ADD COLUMN [x int INVISIBLE]" },
	{ "/*!80016 ADD CONSTRAINT ck CHECK (a > 0) */",
	  "ADD CHECK ck <check>" },
	{ "ADD COLUMN x LONGTEXT /*M!100301 COMPRESSED*/",
	  "ADD COLUMN [x longtext]" },
	{ "ADD COLUMN x INT, /*!50100 PARTITION BY HASH(id) */",
	  "ADD COLUMN [x int]; partitioning PARTITION BY" },
	/* O. Case and whitespace */
	{ "AdD CoLuMn X iNt NoT nUlL",
	  "ADD COLUMN [X int NOT NULL]" },
	{ "ADD\tCOLUMN\tx\tINT",
	  "ADD COLUMN [x int]" },
	{ "ADD\nCOLUMN\nx\nINT",
	  "ADD COLUMN [x int]" },
	{ "   ADD COLUMN x INT   ",
	  "ADD COLUMN [x int]" },
	{ "ADD COLUMN x INT,DROP COLUMN y",
	  "ADD COLUMN [x int]; DROP COLUMN y" },
	{ "ADD COLUMN x INT ,  DROP COLUMN y",
	  "ADD COLUMN [x int]; DROP COLUMN y" },
	{ "ADD COLUMN x INT(11)UNSIGNED",
	  "ADD COLUMN [x int(11) unsigned]" },
	{ "ADD COLUMN x DECIMAL( 10 , 2 )",
	  "ADD COLUMN [x decimal(10,2)]" },
	{ "add unique key u(a),add index k(b)",
	  "ADD INDEX {UNIQUE u(a)}; ADD INDEX {KEY k(b)}" },
	{ "modify X varchar(10) character set UTF8MB4 collate UTF8MB4_BIN",
	  "MODIFY COLUMN X [X varchar(10) cs=utf8mb4 coll=utf8mb4_bin]" },
	/* P. Literals */
	{ "ADD COLUMN x VARCHAR(5) DEFAULT _utf8mb4'abc'",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]=_utf8mb4'abc']" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT _latin1 'abc'",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]=_latin1 'abc']" },
	{ "ADD COLUMN x VARBINARY(5) DEFAULT _binary 0x61",
	  "ADD COLUMN [x varbinary(5) DEFAULT[lit]=_binary 0x61]" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT N'abc'",
	  "ADD COLUMN [x varchar(5) DEFAULT[lit]=N'abc']" },
	{ "ADD COLUMN x BIT(2) DEFAULT 0b10",
	  "ADD COLUMN [x bit(2) DEFAULT[lit]=0b10]" },
	{ "ADD COLUMN x VARBINARY(2) DEFAULT x'0A0b'",
	  "ADD COLUMN [x varbinary(2) DEFAULT[lit]=x'0A0b']" },
	{ "ADD COLUMN x BIT(4) DEFAULT B'1010'",
	  "ADD COLUMN [x bit(4) DEFAULT[lit]=B'1010']" },
	{ "ADD COLUMN x DOUBLE DEFAULT .5",
	  "ADD COLUMN [x double DEFAULT[lit]=.5]" },
	{ "ADD COLUMN x DOUBLE DEFAULT 1.",
	  "ADD COLUMN [x double DEFAULT[lit]=1.]" },
	{ "ADD COLUMN x BIGINT DEFAULT 18446744073709551615",
	  "ADD COLUMN [x bigint DEFAULT[lit]=18446744073709551615]" },
	{ "ADD COLUMN x DATETIME DEFAULT '2020-01-01 00:00:00'",
	  "ADD COLUMN [x datetime DEFAULT[lit]='2020-01-01 00:00:00']" },
	{ "ADD COLUMN x TIMESTAMP DEFAULT CURRENT_TIMESTAMP",
	  "ADD COLUMN [x timestamp DEFAULT[expr]=CURRENT_TIMESTAMP]" },
	{ "ADD COLUMN x DATETIME DEFAULT NOW()",
	  "ADD COLUMN [x datetime DEFAULT[expr]=NOW()]" },
	{ "ADD COLUMN x DATE DEFAULT (CURRENT_DATE)",
	  "ADD COLUMN [x date DEFAULT[expr]=(CURRENT_DATE)]" },
	{ "ADD COLUMN x INT DEFAULT 1 + 2",
	  "ADD COLUMN [x int DEFAULT[expr]=1 + 2]" },
	/* Q. Refusals */
	{ "RENAME TO t2",
	  "error: renaming the table is not an online schema change: use RENAME TABLE near offset 0: 'RENAME TO t2'" },
	{ "RENAME AS t2",
	  "error: renaming the table is not an online schema change: use RENAME TABLE near offset 0: 'RENAME AS t2'" },
	{ "RENAME t2",
	  "error: renaming the table is not an online schema change: use RENAME TABLE near offset 0: 'RENAME t2'" },
	{ "ADD COLUMN x INT, RENAME TO t2",
	  "error: renaming the table is not an online schema change: use RENAME TABLE near offset 18: 'RENAME TO t2'" },
	{ "ALGORITHM=INPLACE",
	  "error: ALGORITHM= and LOCK= are meaningless for an online copy: remove them near offset 0: 'ALGORITHM=INPLACE'" },
	{ "ALGORITHM INSTANT",
	  "error: ALGORITHM= and LOCK= are meaningless for an online copy: remove them near offset 0: 'ALGORITHM INSTANT'" },
	{ "ADD COLUMN x INT, ALGORITHM=INPLACE, LOCK=NONE",
	  "error: ALGORITHM= and LOCK= are meaningless for an online copy: remove them near offset 18: 'ALGORITHM=INPLACE'" },
	{ "LOCK=SHARED",
	  "error: ALGORITHM= and LOCK= are meaningless for an online copy: remove them near offset 0: 'LOCK=SHARED'" },
	{ "ADD COLUMN x INT, LOCK = NONE",
	  "error: ALGORITHM= and LOCK= are meaningless for an online copy: remove them near offset 18: 'LOCK = NONE'" },
	{ "DISCARD TABLESPACE",
	  "error: DISCARD/IMPORT TABLESPACE cannot run on a copy: run it on the table directly near offset 0: 'DISCARD TABLESPACE'" },
	{ "IMPORT TABLESPACE",
	  "error: DISCARD/IMPORT TABLESPACE cannot run on a copy: run it on the table directly near offset 0: 'IMPORT TABLESPACE'" },
	{ "ORDER BY id",
	  "error: ORDER BY cannot be kept by an online copy (rows are copied in key order): remove it near offset 0: 'ORDER BY id'" },
	{ "ADD COLUMN x INT, ORDER BY id",
	  "error: ORDER BY cannot be kept by an online copy (rows are copied in key order): remove it near offset 18: 'ORDER BY id'" },
	{ "TRUNCATE PARTITION p0",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'TRUNCATE PARTITION p0'" },
	{ "EXCHANGE PARTITION p0 WITH TABLE t2",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'EXCHANGE PARTITION p0 WITH TABLE t2'" },
	{ "ANALYZE PARTITION p0",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'ANALYZE PARTITION p0'" },
	{ "OPTIMIZE PARTITION ALL",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'OPTIMIZE PARTITION ALL'" },
	{ "REBUILD PARTITION p0",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'REBUILD PARTITION p0'" },
	{ "REPAIR PARTITION p0",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'REPAIR PARTITION p0'" },
	{ "CHECK PARTITION p0",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'CHECK PARTITION p0'" },
	{ "DISCARD PARTITION p0 TABLESPACE",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'DISCARD PARTITION p0 TABLESPACE'" },
	{ "CONVERT PARTITION p0 TO TABLE t2",
	  "error: partition maintenance is not a schema change and cannot run on a copy: run it on the table directly near offset 0: 'CONVERT PARTITION p0 TO TABLE t2'" },
	{ "ENABLE KEYS",
	  "error: unrecognised ALTER clause near offset 0: 'ENABLE KEYS'" },
	{ "DISABLE KEYS",
	  "error: unrecognised ALTER clause near offset 0: 'DISABLE KEYS'" },
	{ "ADD SYSTEM VERSIONING",
	  "error: system versioning is not supported by an online copy near offset 0: 'ADD SYSTEM VERSIONING'" },
	{ "DROP SYSTEM VERSIONING",
	  "error: system versioning is not supported by an online copy near offset 0: 'DROP SYSTEM VERSIONING'" },
	{ "ADD PERIOD FOR SYSTEM_TIME (a, b)",
	  "error: system versioning is not supported by an online copy near offset 0: 'ADD PERIOD FOR SYSTEM_TIME (a, b)'" },
	{ "ALTER TABLE t ADD COLUMN x INT",
	  "error: --alter takes the clauses that follow ALTER TABLE <table>: remove 'ALTER TABLE <table>' near offset 0: 'ALTER TABLE t ADD COLUMN x INT'" },
	{ "ADD COLUMN x INT; DROP TABLE t",
	  "error: only one statement is allowed: remove what follows ';' near offset 18: 'DROP TABLE t'" },
	{ "",
	  "error: empty ALTER: nothing to do" },
	{ "   ",
	  "error: empty ALTER: nothing to do" },
	{ "-- only a comment",
	  "error: empty ALTER: nothing to do" },
	{ "ADD COLUMN x INT,",
	  "error: nothing after the last ',' near offset 16: ','" },
	{ "ADD COLUMN x INT,,",
	  "error: unrecognised ALTER clause near offset 17: ','" },
	{ ", ADD COLUMN x INT",
	  "error: unrecognised ALTER clause near offset 0: ','" },
	{ "ADD COLUMN x",
	  "error: expected a column type near offset 0: 'ADD COLUMN x'" },
	{ "ADD COLUMN x INT NOT",
	  "error: unexpected 'NOT' in column definition near offset 0: 'ADD COLUMN x INT NOT'" },
	{ "ADD COLUMN x INT BOGUS",
	  "error: unexpected 'BOGUS' in column definition near offset 0: 'ADD COLUMN x INT BOGUS'" },
	{ "ADD COLUMN x INT DEFAULT",
	  "error: expected a default value near offset 0: 'ADD COLUMN x INT DEFAULT'" },
	{ "ADD COLUMN x VARCHAR(10",
	  "error: unexpected end of text in type arguments near offset 0: 'ADD COLUMN x VARCHAR(10'" },
	{ "ADD COLUMN x INT AFTER",
	  "error: expected column name near offset 0: 'ADD COLUMN x INT AFTER'" },
	{ "ADD INDEX k ()",
	  "error: expected column name near offset 0: 'ADD INDEX k ()'" },
	{ "ADD INDEX k a",
	  "error: expected '(' and the index columns near offset 0: 'ADD INDEX k a'" },
	{ "ADD INDEX k (a(0))",
	  "error: bad prefix length '0' near offset 0: 'ADD INDEX k (a(0))'" },
	{ "ADD COLUMN x VARCHAR(5) DEFAULT 'unterminated",
	  "error: unterminated string near offset 32: ''unterminated'" },
	{ "ADD COLUMN `unterminated INT",
	  "error: unterminated quoted identifier near offset 11: '`unterminated INT'" },
	{ "ADD COLUMN x INT /* unterminated",
	  "error: unterminated comment near offset 17: '/* unterminated'" },
	{ "ADD COLUMN x INT */",
	  "error: '*/' outside a comment near offset 17: '*/'" },
	{ "ADD COLUMN x INT /*!50100 unterminated",
	  "error: unterminated executable comment near offset 17: '/*!50100 unterminated'" },
	{ "ADD COLUMN x INT DROP COLUMN y",
	  "error: unexpected 'DROP' in column definition near offset 0: 'ADD COLUMN x INT DROP COLUMN y'" },
	{ "MODIFY x",
	  "error: expected a column type near offset 0: 'MODIFY x'" },
	{ "CHANGE x",
	  "error: expected column name near offset 0: 'CHANGE x'" },
	{ "CHANGE x y",
	  "error: expected a column type near offset 0: 'CHANGE x y'" },
	{ "RENAME COLUMN a b",
	  "error: expected TO near offset 0: 'RENAME COLUMN a b'" },
	{ "RENAME INDEX a",
	  "error: expected TO near offset 0: 'RENAME INDEX a'" },
	{ "ALTER COLUMN x SET",
	  "error: unexpected 'SET' in ALTER COLUMN near offset 0: 'ALTER COLUMN x SET'" },
	{ "ALTER COLUMN x FOO",
	  "error: unexpected 'FOO' in ALTER COLUMN near offset 0: 'ALTER COLUMN x FOO'" },
	{ "SELECT 1",
	  "error: unrecognised ALTER clause near offset 0: 'SELECT 1'" },
	{ "UPDATE t SET a = 1",
	  "error: unrecognised ALTER clause near offset 0: 'UPDATE t SET a = 1'" },
	{ "ADD COLUMN x INT, DELETE FROM t",
	  "error: unrecognised ALTER clause near offset 18: 'DELETE FROM t'" },
	{ "ADD COLUMN x INT\\0",
	  "error: unexpected '\\' in column definition near offset 0: 'ADD COLUMN x INT\\0'" },
	{ "ADD COLUMN `` INT",
	  "error: empty or invalid column name near offset 0: 'ADD COLUMN `` INT'" },
};

static void parse_actual(const char *alter, struct strbuf *out)
{
	struct ddl_alter a = DDL_ALTER_INIT;
	struct strbuf err = STRBUF_INIT;

	if (ddl_parse_alter(alter, &a, &err) < 0) {
		strbuf_addf(out, "error: %s", err.buf);
		assert_int_equal(a.clauses_nr, 0);
		assert_null(a.text);
	} else {
		assert_int_equal(err.len, 0);
		describe_alter(out, &a);
	}
	ddl_alter_release(&a);
	strbuf_release(&err);
}

static void test_parse_table(void **state)
{
	struct strbuf actual = STRBUF_INIT;
	bool print = getenv("DDL_TEST_PRINT") != NULL;
	size_t i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];

		strbuf_reset(&actual);
		parse_actual(c->alter, &actual);
		if (print) {
			printf("CASE %zu\t", i);
			print_c_string(stdout, actual.buf);
			printf("\n");
			continue;
		}
		if (!c->expect || strcmp(c->expect, actual.buf)) {
			fprintf(stderr, "case %zu: %s\n  expected: %s\n  actual:   %s\n",
				i, c->alter, c->expect ? c->expect : "(none)",
				actual.buf);
			failed++;
		}
	}
	strbuf_release(&actual);
	assert_int_equal(failed, 0);
}

/* Clause offsets and lengths: the split at top-level commas. */
static void test_parse_spans(void **state)
{
	static const struct {
		const char *alter;
		size_t nr;
		size_t off[4], len[4];
		const char *text;
	} cases[] = {
		{ "ADD COLUMN x INT", 1, { 0 }, { 16 }, "ADD COLUMN x INT" },
		{ "ADD x INT, DROP y", 2, { 0, 11 }, { 9, 6 },
		  "ADD x INT, DROP y" },
		{ "  ADD x INT  ,\n  DROP y ;  ", 2, { 2, 17 }, { 9, 6 },
		  "  ADD x INT  ,\n  DROP y" },
		{ "ADD x ENUM('a,b') , ADD INDEX k (a, b), FORCE", 3,
		  { 0, 20, 40 }, { 17, 18, 5 },
		  "ADD x ENUM('a,b') , ADD INDEX k (a, b), FORCE" },
		{ "ADD x INT /* , */, DROP y -- , z", 2, { 0, 19 }, { 9, 6 },
		  "ADD x INT /* , */, DROP y -- , z" },
		{ "ENGINE=InnoDB ROW_FORMAT=DYNAMIC, FORCE", 2, { 0, 34 },
		  { 32, 5 }, "ENGINE=InnoDB ROW_FORMAT=DYNAMIC, FORCE" },
		{ "ADD x INT PARTITION BY HASH(x) PARTITIONS 2", 2, { 0, 10 },
		  { 9, 33 }, "ADD x INT PARTITION BY HASH(x) PARTITIONS 2" },
		{ "DROP PARTITION p0, p1, DROP y", 2, { 0, 23 }, { 21, 6 },
		  "DROP PARTITION p0, p1, DROP y" },
		{ "ADD x INT;", 1, { 0 }, { 9 }, "ADD x INT" },
		{ "/*!50100 ADD x INT */", 1, { 9 }, { 9 },
		  "/*!50100 ADD x INT */" },
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ddl_alter a = DDL_ALTER_INIT;
		struct strbuf err = STRBUF_INIT;

		if (ddl_parse_alter(cases[i].alter, &a, &err) < 0)
			fail_msg("case %zu: %s", i, err.buf);
		assert_int_equal(a.clauses_nr, cases[i].nr);
		for (j = 0; j < cases[i].nr; j++) {
			if (a.clauses[j].offset != cases[i].off[j] ||
			    a.clauses[j].len != cases[i].len[j])
				fail_msg("case %zu clause %zu: %zu+%zu", i, j,
					 a.clauses[j].offset, a.clauses[j].len);
		}
		assert_string_equal(a.text, cases[i].text);
		ddl_alter_release(&a);
		strbuf_release(&err);
	}
}

/* The offset of a refusal points at the clause. */
static void test_parse_error_offsets(void **state)
{
	static const struct {
		const char *alter;
		size_t offset;
	} cases[] = {
		{ "ORDER BY id", 0 },
		{ "ADD COLUMN x INT, ORDER BY id", 18 },
		{ "ADD x INT,\n  ALGORITHM=INPLACE", 13 },
		{ "ADD x INT, DROP y, RENAME TO z", 19 },
		{ "ADD x VARCHAR(3) DEFAULT 'abc", 25 },
		{ "ADD x INT; DROP TABLE t", 11 },
		{ "ADD x INT BOGUS", 0 },
		{ "FORCE, ADD `x INT", 11 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ddl_alter a = DDL_ALTER_INIT;
		struct strbuf err = STRBUF_INIT;

		assert_int_equal(ddl_parse_alter(cases[i].alter, &a, &err), -1);
		if (a.error_offset != cases[i].offset)
			fail_msg("case %zu: offset %zu, want %zu (%s)", i,
				 a.error_offset, cases[i].offset, err.buf);
		assert_null(strchr(err.buf, '\n'));
		ddl_alter_release(&a);
		strbuf_release(&err);
	}
}

/* The lexer on its own: token kinds and decoded values. */
static void test_lexer(void **state)
{
	static const struct {
		const char *src;
		const char *expect;
	} cases[] = {
		{ "a `b``c` 'd''e' \"f\\\"g\" 12 1.5e3 X'0a' b'01' 0x1F 0b1",
		  "I:a Q:b`c S:d'e S:f\"g N:12 N:1.5e3 H:0a B:01 H:1F B:1" },
		{ "_utf8mb4'x' N'y' _binary 'z'",
		  "S(utf8mb4):x S(utf8mb3):y S(binary):z" },
		{ "a/*x*/b -- c\nd #e\nf", "I:a I:b I:d I:f" },
		{ "/*!50100 a */ /*M!100301 b*/ /*! c */", "I:a I:b I:c" },
		{ "a<=>b>=c->>d", "I:a P:<=> I:b P:>= I:c P:->> I:d" },
		{ "'\\0\\n\\t\\Z\\%\\_\\q'", "S:\\0\\n\\t\\Z\\%\\_q" },
		{ "123abc 1e 0xg", "I:123abc I:1e I:0xg" },
		{ "--x", "P:- P:- I:x" },
		{ "ключ", "I:ключ" },
		{ "", "" },
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ddl_tokens toks;
		struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
		size_t off;

		if (ddl_lex(cases[i].src, strlen(cases[i].src), &toks, &off,
			    &err) < 0)
			fail_msg("case %zu: %s at %zu", i, err.buf, off);
		for (j = 0; j < toks.nr; j++) {
			const struct ddl_token *t = &toks.t[j];
			static const char kinds[] = "EIQSNHBP";
			size_t k;

			if (j)
				strbuf_addch(&sb, ' ');
			strbuf_addch(&sb, kinds[t->kind]);
			if (t->charset)
				strbuf_addf(&sb, "(%s)", t->charset);
			strbuf_addch(&sb, ':');
			for (k = 0; k < t->val_len; k++) {
				char c = t->val[k];

				if (c == '\0')
					strbuf_addstr(&sb, "\\0");
				else if (c == '\n')
					strbuf_addstr(&sb, "\\n");
				else if (c == '\t')
					strbuf_addstr(&sb, "\\t");
				else if (c == '\032')
					strbuf_addstr(&sb, "\\Z");
				else
					strbuf_addch(&sb, c);
			}
		}
		if (strcmp(sb.buf, cases[i].expect))
			fail_msg("case %zu: got %s", i, sb.buf);
		assert_int_equal(toks.t[toks.nr].kind, DDL_TOK_END);
		ddl_tokens_release(&toks);
		strbuf_release(&sb);
		strbuf_release(&err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_spans),
		cmocka_unit_test(test_parse_error_offsets),
		cmocka_unit_test(test_lexer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
