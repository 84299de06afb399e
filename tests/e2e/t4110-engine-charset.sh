#!/bin/sh
# Character-set and collation changes under concurrent writes (issue 12
# item 1). Replayed string values used to go as X'..', which stores the
# source column's bytes unconverted: utf8mb4 -> latin1 left mojibake in
# every row changed during the run (exit 0), latin1 -> utf8mb4 aborted on
# warning 1366, and a key whose charset changed was not found by the
# replay's DELETE. The writer (--text=CHARSET: only characters both sides
# hold) changes t and its untouched mirror in one transaction through the
# whole migration; then t must equal the mirror with the same ALTER run
# natively, and t's definition must be what a native ALTER gives on a
# copy.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"
ROWS=${OSC_TEST_ROWS:-1500}

# migrate NAME SHAPE TEXT PREP ALTER: create c_NAME.t (SHAPE, strings of
# TEXT), run PREP natively on t (the starting definition; the mirror keeps
# utf8mb4), then ALTER with osc under the writer, and compare.
migrate() {
    name=$1 shape=$2 text=$3 prep=$4 alter=$5
    db=c_$name
    "$TOOLS/writer" $CONN --database=$db --create=$shape --rows=$ROWS \
        --seed=11 --text="$text" >/dev/null || fail "$name: writer --create failed"
    if [ -n "$prep" ]; then
        sql primary "ALTER TABLE $db.t $prep" || fail "$name: $prep failed"
    fi
    sql primary "CREATE TABLE $db.native LIKE $db.t"
    rm -f "$E2E_DIR/stop.$name"
    "$TOOLS/writer" $CONN --database=$db --threads=2 --seed=12 --rate=300 \
        --text="$text" --exclude-column=c_decs --stop-file="$E2E_DIR/stop.$name" \
        >"$E2E_DIR/writer.$name" 2>&1 &
    writer=$!
    sleep 1
    run_osc -h127.0.0.1 -P"$PRIMARY_PORT" -uroot --chunk-size=200 \
        --alter="$alter" --execute "$db.t"
    sleep 0.5
    touch "$E2E_DIR/stop.$name"
    wait "$writer" || { cat "$E2E_DIR/writer.$name" >&2; e2e_fail "$name: the writer saw errors"; }
    if ! expect_status 0; then
        show_osc_output
        fail "$name: osc failed on '$alter'"
    fi
    e2e_log "$name: '$alter': $(grep '^done:' "$E2E_DIR/osc.err")"
    e2e_log "$name: writer: $(tail -n 1 "$E2E_DIR/writer.$name")"
    # The expected rows: the mirror with the same ALTER applied natively
    # (verify orders and compares keys under the mirror's collation).
    sql primary "ALTER TABLE $db.t_mirror $alter" || fail "$name: native ALTER of the mirror failed"
    "$TOOLS/writer" $CONN --database=$db --verify --exclude-column=c_decs \
        >"$E2E_DIR/verify.$name" 2>&1 ||
        { cat "$E2E_DIR/verify.$name" >&2; e2e_fail "$name: t differs from its mirror after '$alter'"; }
    expect_no_leftovers primary "$db"
    sql primary "ALTER TABLE $db.native $alter" || fail "$name: native ALTER failed: $alter"
    got=$(sql primary "SHOW CREATE TABLE $db.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
    want=$(sql primary "SHOW CREATE TABLE $db.native" | cut -f2- | sed 's/^CREATE TABLE `native`//; s/ AUTO_INCREMENT=[0-9]*//')
    [ "$got" = "$want" ] || e2e_fail "$name: schema differs from native ALTER:
got:  $got
want: $want"
}

LATIN1_COLS="MODIFY c_char CHAR(10) CHARACTER SET latin1, MODIFY c_vc VARCHAR(100) CHARACTER SET latin1, MODIFY c_text TEXT CHARACTER SET latin1"

# utf8mb4 -> latin1 (replayed rows held the utf8mb4 bytes as latin1 text)
migrate to_latin1 int latin1 "" "$LATIN1_COLS"
# latin1 -> utf8mb4, one column and the whole table (aborted on 1366)
migrate from_latin1 int latin1 "$LATIN1_COLS" \
    "MODIFY c_vc VARCHAR(100) CHARACTER SET utf8mb4"
migrate convert_utf8mb4 int latin1 "$LATIN1_COLS" \
    "CONVERT TO CHARACTER SET utf8mb4"
# utf8mb4 -> gbk, and utf8mb3 -> utf8mb4
migrate to_gbk int gbk "" \
    "MODIFY c_vc VARCHAR(100) CHARACTER SET gbk, MODIFY c_text TEXT CHARACTER SET gbk"
migrate from_utf8mb3 int gbk "MODIFY c_vc VARCHAR(100) CHARACTER SET utf8mb3" \
    "MODIFY c_vc VARCHAR(100) CHARACTER SET utf8mb4"
# text -> bytes and bytes -> text: the bytes stay as they are
migrate to_binary int latin1 "" "MODIFY c_text BLOB, MODIFY c_vc VARBINARY(400)"
migrate from_binary int latin1 "MODIFY c_text BLOB" "MODIFY c_text TEXT CHARACTER SET utf8mb4"
# JSON (MariaDB: LONGTEXT utf8mb4_bin) into latin1 text
migrate json_latin1 int latin1 "" "MODIFY c_json LONGTEXT CHARACTER SET latin1"
# a primary key column whose charset changes: the replay's DELETE and
# update must find the row by the converted key
migrate key_latin1 composite latin1 "" \
    "MODIFY k2 VARCHAR(32) CHARACTER SET latin1 NOT NULL"
migrate key_utf8mb4 composite latin1 "MODIFY k2 VARCHAR(32) CHARACTER SET latin1 NOT NULL" \
    "MODIFY k2 VARCHAR(32) CHARACTER SET utf8mb4 NOT NULL"

# A unique key made case-insensitive over rows 'a' and 'A': a native
# ALTER fails on the duplicate; osc must refuse before touching anything.
sql primary "CREATE DATABASE ci; CREATE TABLE ci.t (id INT PRIMARY KEY,
    s VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    UNIQUE KEY u_s (s)); INSERT INTO ci.t VALUES (1, 'a'), (2, 'A');
    CREATE TABLE ci.native LIKE ci.t; INSERT INTO ci.native SELECT * FROM ci.t"
CI_ALTER="MODIFY s VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL"
if sql primary "ALTER TABLE ci.native $CI_ALTER" 2>"$E2E_DIR/native.err"; then
    e2e_fail "the native ALTER took a duplicate under the new collation"
fi
grep -q "1062\|Duplicate" "$E2E_DIR/native.err" || e2e_fail "native ALTER: $(cat "$E2E_DIR/native.err")"
run_osc -h127.0.0.1 -P"$PRIMARY_PORT" -uroot --alter="$CI_ALTER" --execute ci.t
expect_status 1
expect_err "u_s"
expect_no_leftovers primary ci
[ "$(sql_value primary "SELECT COUNT(*) FROM ci.t")" = 2 ] || e2e_fail "ci.t changed"
exit $E2E_FAILED
