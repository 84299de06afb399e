#!/bin/sh
# Every column type through the binlog reader and back: rows with extremes,
# NULLs, empty and multibyte strings, binary bytes with trailing zeros,
# negative TIME, fractions, zero dates... are inserted, updated and deleted
# on d.t; tests/tools/binlog-print streams them from the server with osc's
# reader and prints, for each row change, the SQL the applier would run
# (REPLACE of the after-image, DELETE by the full before-image, literals
# from binlog_value_to_sql); that SQL is applied to an empty copy d.c, and
# the two tables must then be equal row by row, byte by byte.
#
# Run in three server settings: binlog_row_metadata NO_LOG (the default:
# signedness comes from information_schema), FULL, and log_bin_compress
# (MariaDB's compressed events). A second table uses MariaDB's old-format
# temporals (mysql56_temporal_format=OFF), whose byte length is known only
# from DATETIME_PRECISION.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
BP="$OSC_BUILDDIR/tests/tools/binlog-print"
[ -x "$BP" ] || fail "binlog-print is not built"

start_server primary

COLS="
  id INT NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED,
  f FLOAT, d DOUBLE, dm DECIMAL(65,30), d2 DECIMAL(10,2),
  d0 DECIMAL(5,0) UNSIGNED, d9 DECIMAL(18,9),
  y YEAR, dt DATE, tm TIME, tm3 TIME(3), tm6 TIME(6),
  dtm DATETIME, dtm2 DATETIME(2), dtm6 DATETIME(6),
  ts TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL,
  c CHAR(10) CHARACTER SET utf8mb4, cl CHAR(5) CHARACTER SET latin1,
  vc VARCHAR(300) CHARACTER SET utf8mb4, vcl VARCHAR(20) CHARACTER SET latin1,
  bn BINARY(8), vb VARBINARY(20),
  tt TINYTEXT CHARACTER SET utf8mb4, tx TEXT CHARACTER SET utf8mb4,
  mt MEDIUMTEXT CHARACTER SET utf8mb4, lt LONGTEXT CHARACTER SET utf8mb4,
  tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  e ENUM('a','b','c'), s SET('x','y','z'),
  b1 BIT(1), b13 BIT(13), b64 BIT(64),
  j JSON, g GEOMETRY, p POINT, ip INET6"

sql primary "CREATE DATABASE d; CREATE TABLE d.t ($COLS) ENGINE=InnoDB; CREATE TABLE d.c LIKE d.t;
SET GLOBAL mysql56_temporal_format = OFF;
CREATE TABLE d.o (id INT PRIMARY KEY, tm0 TIME, tm3 TIME(3), tm6 TIME(6),
  dt0 DATETIME, dt1 DATETIME(1), dt4 DATETIME(4), dt6 DATETIME(6),
  ts0 TIMESTAMP NULL DEFAULT NULL, ts2 TIMESTAMP(2) NULL DEFAULT NULL,
  ts5 TIMESTAMP(5) NULL DEFAULT NULL);
SET GLOBAL mysql56_temporal_format = ON;
CREATE TABLE d.oc LIKE d.o;" || fail "cannot create the tables"

BIG=$(awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%s", "ñandú-" }')

# The writes, run once per server setting with ids offset by $1.
writes() {
    o=$1
    sql primary "SET NAMES utf8mb4; SET time_zone = '+05:00';
INSERT INTO d.t (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, f, d, dm, d2, d0, d9,
  y, dt, tm, tm3, tm6, dtm, dtm2, dtm6, ts, ts6, c, cl, vc, vcl, bn, vb,
  tt, tx, mt, lt, tb, bl, mb, lb, e, s, b1, b13, b64, j, g, p, ip) VALUES
 ($o+1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  -3.40282e38, -1.7976931348623157e308,
  -99999999999999999999999999999999999.999999999999999999999999999999,
  -99999999.99, 0, -123456789.123456789,
  1901, '1000-01-01', '-838:59:59', '-838:59:59.000', '-838:59:59.000000',
  '1000-01-01 00:00:00', '1000-01-01 00:00:00.01', '1000-01-01 00:00:00.000001',
  '1970-01-01 05:00:01', '1970-01-01 05:00:01.000001',
  '', 'é', '', 'é', x'01', x'0000',
  '', '', '', '', '', '', '', '',
  'a', '', b'0', b'0', b'0', '[]', ST_GeomFromText('POINT(0 0)'),
  ST_GeomFromText('POINT(1 2)'), '::'),
 ($o+2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
  9223372036854775807, 18446744073709551615,
  3.40282e38, 1.7976931348623157e308,
  99999999999999999999999999999999999.999999999999999999999999999999,
  99999999.99, 99999, 999999999.999999999,
  2155, '9999-12-31', '838:59:59', '838:59:59.999', '838:59:59.999999',
  '9999-12-31 23:59:59', '9999-12-31 23:59:59.99', '9999-12-31 23:59:59.999999',
  '2038-01-19 08:14:07', '2038-01-19 08:14:07.999999',
  'ab  ', 'x y  ', '日本語🎉 ', 'ÿ', x'ff00ff', x'00ff0000',
  'tiny', 'text ✓', 'medium', '$BIG', x'00', x'0001020300', x'ff', x'00000000',
  'c', 'x,y,z', b'1', b'1111111111111', b'1111111111111111111111111111111111111111111111111111111111111111',
  '{\"a\": [1, 2.5, \"x\", null, true, false], \"b\": {\"c\": \"é\", \"d\": -0.0}}',
  ST_GeomFromText('LINESTRING(0 0, 1 1, 2 5)'), ST_GeomFromText('POINT(-1.5 2.25)'),
  'ffff::1'),
 ($o+3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 ($o+4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.0, 0, -0.05, 0, 0.000000001,
  0, '0000-00-00', '00:00:00', '-00:00:00.500', '-00:00:00.000001',
  '0000-00-00 00:00:00', '0000-00-00 00:00:00', '2024-02-29 12:34:56.5',
  '0000-00-00 00:00:00', '0000-00-00 00:00:00',
  ' a', 'a', ' ', ' ', x'0000000000000000', x'',
  ' ', 'a\\\\b\\'c\\\"d\\n\\t', '', '', x'', x'00', x'', x'',
  'b', 'y', b'1', b'1000000000001', b'1',
  '\"str\"', ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'),
  ST_GeomFromText('POINT(0 -0)'), '::ffff:1.2.3.4'),
 ($o+5, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, 1.1, 0.1, 0.000000000000000000000000000001,
  0.01, 1, -0.5, 2024, '2024-02-29', '-01:02:03', '-12:34:56.789', '00:00:00.000001',
  '2024-03-04 05:06:07', '2024-03-04 05:06:07.1', '2024-03-04 05:06:07.123456',
  '2024-03-04 05:06:07', '2024-03-04 05:06:07.123456',
  'ü', 'ü', 'mixed ascii ü', 'ü', x'00000000000000ff', x'ff',
  'ü', 'ü', 'ü', 'ü', x'ff', x'ff', x'ff', x'ff',
  'c', 'x,z', b'0', b'101', b'1000000000000000000000000000000000000000000000000000000000000000',
  '{\"k\": 1e300, \"n\": -9223372036854775808, \"u\": 18446744073709551615}',
  ST_GeomFromText('MULTIPOINT(1 1, 2 2)'), ST_GeomFromText('POINT(3 4)'), NULL);
INSERT INTO d.o VALUES ($o+1, '-838:59:59', '-838:59:59.999', '-00:00:00.000001',
  '1000-01-01 00:00:00', '1000-01-01 00:00:00.1', '2024-02-29 12:34:56.7891',
  '9999-12-31 23:59:59.999999', '1970-01-01 05:00:01', '2038-01-19 08:14:07.99',
  '2024-03-04 05:06:07.12345'),
 ($o+2, '838:59:59', '12:34:56.789', '838:59:59.999999', '0000-00-00 00:00:00',
  '0000-00-00 00:00:00.0', '2000-01-01 00:00:00.0001', '2000-01-01 00:00:00.000001',
  '0000-00-00 00:00:00', '0000-00-00 00:00:00', '2000-06-15 12:00:00.00001'),
 ($o+3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
UPDATE d.t SET vc = 'updated ✓', tiu = 200, bn = x'00', ts6 = '2001-02-03 04:05:06.7' WHERE id = $o+1;
UPDATE d.t SET id = $o+50, f = -1.5e-38, d = 5e-324 WHERE id = $o+5;
UPDATE d.t SET e = 'b', s = '', lt = CONCAT(lt, 'more') WHERE id IN ($o+2, $o+4);
DELETE FROM d.t WHERE id = $o+3;
REPLACE INTO d.t (id, i, vc) VALUES ($o+2, 7, 'replaced');
INSERT INTO d.t (id) VALUES ($o+6), ($o+7);
UPDATE d.o SET tm3 = '-00:00:01.5', dt6 = '2020-01-01 00:00:00.5' WHERE id = $o+1;
DELETE FROM d.o WHERE id = $o+2;
BEGIN; INSERT INTO d.t (id, vc) VALUES ($o+8, 'rolled back'); ROLLBACK;
BEGIN; INSERT INTO d.t (id, vc) VALUES ($o+9, 'in trx'); UPDATE d.t SET vc = 'in trx 2' WHERE id = $o+9; COMMIT;" ||
        fail "writes failed (offset $o)"
}

START=$(sql primary "SHOW MASTER STATUS" | awk '{ print $1 " " $2 }')
START_FILE=${START% *}
START_POS=${START#* }

writes 0
sql primary "SET GLOBAL binlog_row_metadata = FULL"
writes 100
sql primary "SET GLOBAL binlog_row_metadata = NO_LOG, GLOBAL log_bin_compress = ON, GLOBAL log_bin_compress_min_len = 10"
writes 200
sql primary "SET GLOBAL log_bin_compress = OFF"

# decode and replay each table onto its copy
replay() {
    src=$1 copy=$2
    "$BP" -S "$PRIMARY_SOCK" -uroot --start-file="$START_FILE" \
        --start-pos="$START_POS" --stop-at-eof --table="$src" \
        --apply-to="$copy" >"$E2E_DIR/apply-$src.sql" 2>"$E2E_DIR/bp.err" || {
        cat "$E2E_DIR/bp.err" >&2
        fail "binlog-print failed on $src"
    }
    [ -s "$E2E_DIR/apply-$src.sql" ] || fail "no SQL for $src"
    { printf "SET time_zone = '+00:00', sql_mode = 'NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION';\n"
      # each DELETE by the full before-image must find its row
      sed 's/^\(DELETE .*\)$/\1 SELECT ROW_COUNT();/' "$E2E_DIR/apply-$src.sql"
    } >"$E2E_DIR/apply2-$src.sql"
    "$MYSQL" --no-defaults --socket="$PRIMARY_SOCK" -uroot -N -B d \
        <"$E2E_DIR/apply2-$src.sql" >"$E2E_DIR/apply.out" 2>"$E2E_DIR/apply.err" || {
        cat "$E2E_DIR/apply.err" >&2
        fail "the replay SQL of $src failed"
    }
    ndel=$(grep -c '^DELETE' "$E2E_DIR/apply-$src.sql")
    [ "$ndel" -gt 0 ] || fail "no DELETE in the replay of $src"
    [ "$(grep -c '^1$' "$E2E_DIR/apply.out")" = "$ndel" ] ||
        fail "a DELETE by before-image of $src did not match its row"
}

# compare two tables: every column as text and as hex, and CHECKSUM TABLE
compare() {
    a=$1 b=$2
    cols=$(sql primary "SELECT GROUP_CONCAT(CONCAT('HEX(\`', COLUMN_NAME, '\`)') ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = '$a'")
    for q in "SELECT * FROM d.%s ORDER BY id" "SELECT id, $cols FROM d.%s ORDER BY id"; do
        # shellcheck disable=SC2059
        sql primary "SET time_zone = '+00:00'; $(printf "$q" "$a")" >"$E2E_DIR/a.out" || fail "select on $a"
        # shellcheck disable=SC2059
        sql primary "SET time_zone = '+00:00'; $(printf "$q" "$b")" >"$E2E_DIR/b.out" || fail "select on $b"
        if ! cmp -s "$E2E_DIR/a.out" "$E2E_DIR/b.out"; then
            diff "$E2E_DIR/a.out" "$E2E_DIR/b.out" | head -c 3000 >&2
            fail "d.$b differs from d.$a after the replay"
        fi
    done
    ca=$(sql primary "CHECKSUM TABLE d.$a" | cut -f2)
    cb=$(sql primary "CHECKSUM TABLE d.$b" | cut -f2)
    [ "$ca" = "$cb" ] || fail "CHECKSUM TABLE d.$a $ca != d.$b $cb"
    n=$(sql_value primary "SELECT COUNT(*) FROM d.$a")
    e2e_log "d.$a and d.$b equal ($n rows, checksum $ca)"
}

replay d.t d.c
replay d.o d.oc
compare t c
compare o oc
[ "$(sql_value primary "SELECT COUNT(*) FROM d.t")" = 21 ] || fail "unexpected row count in d.t"

# The stream saw compressed events, and the human-readable output decodes
# (d.o's rows are skipped there: without its schema the length of its
# old-format temporals is unknown).
"$BP" -S "$PRIMARY_SOCK" -uroot --start-file="$START_FILE" --start-pos="$START_POS" \
    --stop-at-eof --table=d.t >"$E2E_DIR/print.out" 2>&1 || {
    tail -5 "$E2E_DIR/print.out" >&2
    fail "binlog-print (text) failed"
}
grep -q 'WRITE_ROWS_COMPRESSED_V1' "$E2E_DIR/print.out" || fail "no compressed rows event seen"
grep -q 'UPDATE_ROWS_COMPRESSED_V1' "$E2E_DIR/print.out" || fail "no compressed update seen"
grep -q 'rollback' "$E2E_DIR/print.out" && fail "a rolled-back transaction reached the binlog"

# Errors are explained: a purged/missing file, a duplicate server id.
"$BP" -S "$PRIMARY_SOCK" -uroot --start-file=mbin.999999 --stop-at-eof \
    >/dev/null 2>"$E2E_DIR/err1" && fail "a missing binlog file was accepted"
grep -q 'errno 1236' "$E2E_DIR/err1" || { cat "$E2E_DIR/err1" >&2; fail "no 1236 message"; }
grep -q 'SHOW BINARY LOGS' "$E2E_DIR/err1" || { cat "$E2E_DIR/err1" >&2; fail "no fix in the 1236 message"; }

sql primary "CREATE USER nobin@localhost; GRANT SELECT ON *.* TO nobin@localhost"
"$BP" -S "$PRIMARY_SOCK" -unobin --start-file="$START_FILE" --stop-at-eof \
    >/dev/null 2>"$E2E_DIR/err2" && fail "a user without REPLICATION SLAVE streamed"
grep -q 'REPLICATION SLAVE' "$E2E_DIR/err2" || { cat "$E2E_DIR/err2" >&2; fail "no privilege message"; }

exit 0
