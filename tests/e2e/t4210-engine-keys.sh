#!/bin/sh
# Key changes DBAs run often (issue 12, items 2, 3 and 6), each under the
# mirror writer (inserts, updates of random columns, primary-key changes,
# deletes, delete-then-reinsert) from before osc starts until after it
# ends; then `t` must equal its mirror row for row, nothing may be left,
# and the new definition must be what a native ALTER gives on a copy:
#  a. primary and unique key swapped, the unique key's columns nullable:
#     the ghost's PRIMARY is narrowed (checked), the shared key is `id`;
#     the copy meets rows the applier wrote first on the ghost's PRIMARY
#     (it used to abort with warning 1062 there);
#  b. the same with NOT NULL columns: the shared key is (u_i, u_ts), and
#     the copy's duplicates on `id_uidx` are absorbed;
#  c. widened primary keys, (id) -> (id, u_ts) and (id) -> (id, u_i)
#     (refused as "no shared key" before); updates that change u_ts or
#     u_i but not id must not leave two rows with one id;
#  d. ENUM and SET in the primary key, members out of alphabetical order
#     (refused as "cannot chunk on enum" before): chunks follow the
#     index's order, by number;
#  e. the primary key's column modified without NOT NULL, in another
#     letter case (`MODIFY ID BIGINT`, gh-ost's modify-change-case-pk):
#     the server keeps it NOT NULL and names it `ID`; it was refused as
#     "no shared key" (the plan took the column for nullable).
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"
ROWS=${OSC_TEST_ROWS:-3000}

# create DB SHAPE [EXTRA]: t and its mirror, filled.
create() {
    "$TOOLS/writer" $CONN --database="$1" --create="$2" ${3:+--create-extra=$3} \
        --rows="$ROWS" --seed=11 >/dev/null || fail "writer --create=$2 failed"
}

# migrate DB ALTER...: a native copy of t's definition, the writer on t
# and its mirror, each ALTER through osc --execute (and natively on the
# copy), then the comparisons.
migrate() {
    db=$1
    shift
    sql primary "CREATE TABLE $db.native LIKE $db.t"
    rm -f "$E2E_DIR/stop.$db"
    "$TOOLS/writer" $CONN --database="$db" --threads=3 --seed=12 \
        --rate="${OSC_TEST_RATE:-450}" --stop-file="$E2E_DIR/stop.$db" \
        >"$E2E_DIR/writer.$db" 2>&1 &
    writer=$!
    sleep 1
    for alter in "$@"; do
        # Hold the copy after its first chunk so that the applier writes
        # rows the copy has yet to reach: the copy must meet them.
        OSC_TEST_PAUSE_AT=copy-chunk:2500
        export OSC_TEST_PAUSE_AT
        run_osc -h127.0.0.1 -P"$PRIMARY_PORT" -uroot --chunk-size=200 \
            --alter="$alter" --execute "$db.t"
        unset OSC_TEST_PAUSE_AT
        if ! expect_status 0; then
            touch "$E2E_DIR/stop.$db"
            wait "$writer"
            fail "$db: osc failed on '$alter'"
        fi
        e2e_log "$db: '$alter': $(grep '^done:' "$E2E_DIR/osc.err")"
        e2e_log "$db: chunks that waited for the applier: $(grep -c 'waiting for the applier' "$E2E_DIR/osc.err")"
        sql primary "ALTER TABLE $db.native $alter" ||
            fail "$db: native ALTER failed: $alter"
        sleep 0.5
    done
    touch "$E2E_DIR/stop.$db"
    wait "$writer" || { cat "$E2E_DIR/writer.$db" >&2; e2e_fail "$db: the writer saw errors"; }
    e2e_log "$db writer: $(tail -n 1 "$E2E_DIR/writer.$db")"
    "$TOOLS/writer" $CONN --database="$db" --verify >"$E2E_DIR/verify.$db" 2>&1 ||
        { cat "$E2E_DIR/verify.$db" >&2; e2e_fail "$db: t differs from its mirror"; }
    e2e_log "$db: $(tail -n 1 "$E2E_DIR/verify.$db")"
    [ "$(sql_value primary "SELECT COUNT(*) FROM $db.t")" -gt 0 ] || e2e_fail "$db: t is empty"
    expect_no_leftovers primary "$db"
    got=$(sql primary "SHOW CREATE TABLE $db.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
    want=$(sql primary "SHOW CREATE TABLE $db.native" | cut -f2- | sed 's/^CREATE TABLE `native`//; s/ AUTO_INCREMENT=[0-9]*//')
    [ "$got" = "$want" ] || e2e_fail "$db: schema differs from native ALTER:
got:  $got
want: $want"
}

SWAP="DROP PRIMARY KEY, DROP KEY its_uidx, ADD PRIMARY KEY (u_i, u_ts), ADD UNIQUE KEY id_uidx (id)"

# a. Nullable unique key columns (no NULL in them): PRIMARY is checked.
create swap_null int unique
for tb in t t_mirror; do
    sql primary "ALTER TABLE swap_null.$tb MODIFY u_i INT NULL, MODIFY u_ts DATETIME NULL" ||
        fail "a: cannot make the columns nullable"
done
migrate swap_null "$SWAP"

# b. NOT NULL unique key columns: `id_uidx` is guaranteed by PRIMARY.
create swap int unique
migrate swap "$SWAP"

# c. Widened primary keys.
create wide_ts int plain
migrate wide_ts "DROP PRIMARY KEY, ADD PRIMARY KEY (id, u_ts)"
sql primary "SHOW CREATE TABLE wide_ts.t" | grep -q 'PRIMARY KEY (`id`,`u_ts`)' ||
    e2e_fail "c: the primary key was not widened"
[ "$(sql_value primary "SELECT COUNT(*) - COUNT(DISTINCT id) FROM wide_ts.t")" = 0 ] ||
    e2e_fail "c: two rows have one id"
create wide_i int plain
migrate wide_i "DROP PRIMARY KEY, ADD PRIMARY KEY (id, u_i)"
[ "$(sql_value primary "SELECT COUNT(*) - COUNT(DISTINCT id) FROM wide_i.t")" = 0 ] ||
    e2e_fail "c: two rows have one id"

# d. ENUM and SET in the primary key.
create enumkey enum
migrate enumkey "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'x'" \
    "ADD INDEX k_kn (kn), MODIFY c_vc VARCHAR(120) CHARACTER SET utf8mb4"

# e. The key column modified without NOT NULL, in another letter case.
create pkcase int plain
migrate pkcase "MODIFY ID BIGINT"
sql primary "SHOW CREATE TABLE pkcase.t" | grep -q 'PRIMARY KEY (`ID`)' ||
    e2e_fail "e: the key column was not renamed to ID"
exit 0
