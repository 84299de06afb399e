#!/bin/sh
# The copier (chunker/) against a real server: chunk_copy_run() copies a
# table into an identical empty one for each key shape (signed and unsigned
# extremes, composite, utf8mb4 and latin1 strings in collation order,
# binary bytes, temporal + decimal), for chunk sizes from 1 row up, with
# adaptive sizing, empty and one-row tables, and a stop and resume; the copy
# must equal the source row for row (writer --verify); chunk warnings other
# than duplicates on the primary key fail the copy; the copier waits while
# paused. Last, a copy runs while the writer changes the source, and
# neither may report an error.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"

# 1..N as a derived table, without the sequence engine.
seq_cte() {
    printf 'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s)' "$1"
}

sql primary "SET NAMES utf8mb4; CREATE DATABASE c;
CREATE TABLE c.t_int (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(10));
INSERT INTO c.t_int VALUES (-9223372036854775808, 'min'), (-5, 'b'),
  (0, NULL), (1, ''), (2, 'x'), (10, 'y'), (1000, 'z'),
  (9223372036854775807, 'max');
CREATE TABLE c.t_uns (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v INT);
INSERT INTO c.t_uns VALUES (0, 1), (1, 2), (18446744073709551614, 3),
  (18446744073709551615, 4);
CREATE TABLE c.t_comp (a INT NOT NULL, b VARCHAR(20) CHARACTER SET utf8mb4 NOT NULL,
  v INT, PRIMARY KEY (a, b)) DEFAULT CHARSET=utf8mb4;
INSERT INTO c.t_comp $(seq_cte 500)
  SELECT n DIV 7, CONCAT(ELT(n % 5 + 1, 'ä', 'Z', '日本', '😀', ''), n), n FROM s;
CREATE TABLE c.t_vc (k VARCHAR(40) CHARACTER SET utf8mb4 NOT NULL PRIMARY KEY, v INT)
  DEFAULT CHARSET=utf8mb4;
INSERT INTO c.t_vc VALUES ('', 1), ('0', 2), ('a', 3), ('B', 4), ('c ', 5),
  ('\\\\', 6), ('''', 7), ('ж', 8), ('😀', 9), ('日本', 10);
INSERT INTO c.t_vc $(seq_cte 300) SELECT CONCAT('k', n, '日本😀'), n FROM s;
CREATE TABLE c.t_bin (k VARBINARY(16) NOT NULL PRIMARY KEY, v INT);
INSERT INTO c.t_bin VALUES (X'', 1), (X'00', 2), (X'0000', 3), (X'0001', 4),
  (X'7F', 5), (X'80', 6), (X'FF', 7), (X'FF00', 8), (X'FFFF', 9),
  (X'2720', 10), (X'5C', 11);
INSERT IGNORE INTO c.t_bin $(seq_cte 200) SELECT UNHEX(LEFT(MD5(n), 2 * (1 + n % 8))), n FROM s;
CREATE TABLE c.t_latin1 (k VARCHAR(10) CHARACTER SET latin1 NOT NULL PRIMARY KEY, v INT)
  DEFAULT CHARSET=latin1;
INSERT INTO c.t_latin1 VALUES ('a', 1), ('b', 2), ('y', 3), ('z', 4),
  (CONVERT(X'E5' USING latin1), 5), (CONVERT(X'E4' USING latin1), 6),
  (CONVERT(X'F6' USING latin1), 7), ('ab', 8);
CREATE TABLE c.t_dt (d DATETIME(6) NOT NULL, n DECIMAL(10,2) NOT NULL, v INT,
  PRIMARY KEY (d, n));
INSERT INTO c.t_dt $(seq_cte 100)
  SELECT '1000-01-01 00:00:00' + INTERVAL (n DIV 3) YEAR + INTERVAL n MICROSECOND,
         (n % 3) * 12345678.91 - 99999999.99, n FROM s;
INSERT INTO c.t_dt VALUES ('9999-12-31 23:59:59.999999', 99999999.99, 0);
CREATE TABLE c.t_empty (id INT NOT NULL PRIMARY KEY, v INT);
CREATE TABLE c.t_one (id INT NOT NULL PRIMARY KEY, v INT);
INSERT INTO c.t_one VALUES (42, 1);" || fail "cannot create the test tables"

# copy_check TABLE [chunk-copy options]: copy TABLE into TABLE_copy, compare.
copy_check() {
    tbl=$1
    shift
    sql primary "DROP TABLE IF EXISTS c.${tbl}_copy; CREATE TABLE c.${tbl}_copy LIKE c.$tbl" ||
        { e2e_fail "cannot create c.${tbl}_copy"; return 1; }
    if ! out=$("$TOOLS/chunk-copy" $CONN --database=c --table="$tbl" --target="${tbl}_copy" --check-warnings "$@" 2>&1); then
        e2e_fail "chunk-copy $tbl $*: $out"
        return 1
    fi
    want=$(sql_value primary "SELECT COUNT(*) FROM c.$tbl")
    case $out in
    *"rows $want,"*) ;;
    *) e2e_fail "chunk-copy $tbl $*: expected $want rows: $out" ;;
    esac
    if ! v=$("$TOOLS/writer" $CONN --database=c --table="${tbl}_copy" --mirror="$tbl" --verify 2>&1); then
        e2e_fail "chunk-copy $tbl $*: the copy differs: $v"
        return 1
    fi
    return 0
}

for tbl in t_int t_uns t_comp t_vc t_bin t_latin1 t_dt t_empty t_one; do
    for size in 1 2 3 7 1000; do
        copy_check "$tbl" --chunk-size="$size"
    done
    copy_check "$tbl" --chunk-size=1 --chunk-time=5
    copy_check "$tbl" --chunk-size=2 --stop-after=3
done

# The chunk count: 8 rows in chunks of 3 are 3 chunks; an empty table is
# one chunk (the whole table); one row with chunk size 1 is two chunks
# (the row, then the empty tail).
out=$("$TOOLS/chunk-copy" $CONN --database=c --table=t_int --target=t_int_copy --chunk-size=3 2>&1)
case $out in *"chunks 3,"*) ;; *) e2e_fail "t_int in chunks of 3: $out" ;; esac
out=$("$TOOLS/chunk-copy" $CONN --database=c --table=t_empty --target=t_empty_copy --chunk-size=3 2>&1)
case $out in *"rows 0, chunks 1,"*) ;; *) e2e_fail "empty table: $out" ;; esac
sql primary "TRUNCATE c.t_one_copy"
out=$("$TOOLS/chunk-copy" $CONN --database=c --table=t_one --target=t_one_copy --chunk-size=1 2>&1)
case $out in *"rows 1, chunks 2,"*) ;; *) e2e_fail "one row: $out" ;; esac

# Warnings: INSERT IGNORE turns strict errors into warnings, so with
# --check-warnings a truncated value or a duplicate on another unique key
# fails the copy, while duplicates on the primary key (rows already in the
# target, as the applier leaves them) are expected.
sql primary "CREATE TABLE c.w (id INT NOT NULL PRIMARY KEY, v VARCHAR(20), u INT);
INSERT INTO c.w VALUES (1, 'abc', 1), (2, 'abcdefgh', 2), (3, 'x', 2), (4, 'y', 4);
CREATE TABLE c.w_narrow (id INT NOT NULL PRIMARY KEY, v VARCHAR(3), u INT);
CREATE TABLE c.w_uniq (id INT NOT NULL PRIMARY KEY, v VARCHAR(20), u INT, UNIQUE KEY k_u (u));
CREATE TABLE c.w_pre LIKE c.w; INSERT INTO c.w_pre VALUES (2, 'abcdefgh', 2), (3, 'x', 2);" ||
    fail "cannot create the warning tables"
out=$("$TOOLS/chunk-copy" $CONN --database=c --table=w --target=w_narrow --chunk-size=2 --check-warnings 2>&1) &&
    e2e_fail "a truncating copy succeeded: $out"
case $out in *"warning 1265"*) ;; *) e2e_fail "truncation: $out" ;; esac
out=$("$TOOLS/chunk-copy" $CONN --database=c --table=w --target=w_uniq --chunk-size=2 --check-warnings 2>&1) &&
    e2e_fail "a copy with duplicates on a new unique key succeeded: $out"
case $out in *"warning 1062"*"k_u"*) ;; *) e2e_fail "new unique key: $out" ;; esac
out=$("$TOOLS/chunk-copy" $CONN --database=c --table=w --target=w_pre --chunk-size=2 --check-warnings 2>&1) ||
    e2e_fail "duplicates on the primary key failed the copy: $out"
v=$("$TOOLS/writer" $CONN --database=c --table=w_pre --mirror=w --verify 2>&1) ||
    e2e_fail "w_pre: the copy differs: $v"

# The writer's own tables (every column type), adaptive chunk size.
for shape in int composite varchar; do
    "$TOOLS/writer" $CONN --database=w_$shape --create=$shape --rows=3000 --seed=7 >/dev/null ||
        fail "writer --create=$shape failed"
    sql primary "CREATE TABLE w_$shape.t2 LIKE w_$shape.t" || fail "create w_$shape.t2"
    out=$("$TOOLS/chunk-copy" $CONN --database=w_$shape --table=t --target=t2 --chunk-size=50 --chunk-time=20 --check-warnings 2>&1) ||
        e2e_fail "chunk-copy w_$shape: $out"
    v=$("$TOOLS/writer" $CONN --database=w_$shape --table=t2 --mirror=t --verify 2>&1) ||
        e2e_fail "w_$shape: the copy differs: $v"
done

# Paused while the throttle says so: nothing is copied while the pause
# file exists, everything once it is gone.
sql primary "TRUNCATE w_int.t2"
touch "$E2E_DIR/pause"
"$TOOLS/chunk-copy" $CONN --database=w_int --table=t --target=t2 --chunk-size=100 \
    --pause-file="$E2E_DIR/pause" >"$E2E_DIR/paused.out" 2>&1 &
CPID=$!
sleep 1
[ "$(sql_value primary "SELECT COUNT(*) FROM w_int.t2")" = 0 ] || e2e_fail "rows were copied while paused"
kill -0 "$CPID" 2>/dev/null || e2e_fail "the paused copy ended: $(cat "$E2E_DIR/paused.out")"
rm -f "$E2E_DIR/pause"
wait "$CPID" || e2e_fail "the paused copy failed: $(cat "$E2E_DIR/paused.out")"
v=$("$TOOLS/writer" $CONN --database=w_int --table=t2 --mirror=t --verify 2>&1) ||
    e2e_fail "w_int after a pause: the copy differs: $v"

# Copying while the writer runs: no error on either side (the copy alone is
# not exact under writes; the binlog replay makes it so).
sql primary "TRUNCATE w_int.t2"
"$TOOLS/writer" $CONN --database=w_int --threads=4 --duration=30 --stop-file="$E2E_DIR/stop" \
    >"$E2E_DIR/writer.out" 2>&1 &
WPID=$!
sleep 1
out=$("$TOOLS/chunk-copy" $CONN --database=w_int --table=t --target=t2 --chunk-size=20 --chunk-time=10 --check-warnings 2>&1) ||
    e2e_fail "chunk-copy under writes: $out"
touch "$E2E_DIR/stop"
wait "$WPID" || e2e_fail "writer failed: $(cat "$E2E_DIR/writer.out")"
e2e_log "$out"
e2e_log "$(cat "$E2E_DIR/writer.out")"
exit 0
