#!/bin/sh
# Columns added NOT NULL without a DEFAULT (issue 12, item 8). A native
# ALTER gives every row the column's implicit default (0, '', the first
# ENUM member, the zero date); osc's copy leaves the column out and the
# server does the same, but the replay left it out too, so every
# replayed statement raised warning 1364 and each ghost transaction was
# rolled back and sent again one statement at a time. The replay now
# writes the implicit default itself. Under the mirror writer (held off
# the new table: the cut-over waits until it has stopped), t must equal
# the mirror altered natively, the definition must be a native ALTER's,
# and no ghost transaction may have been sent twice.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
e2e_init
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"
ROWS=${OSC_TEST_ROWS:-2000}

migrated() {
    db=$1 alter=$2
    "$TOOLS/writer" $CONN --database="$db" --create=int --rows="$ROWS" \
        --seed=31 >/dev/null || fail "$db: writer --create failed"
    sql primary "CREATE TABLE $db.native LIKE $db.t"
    start_writer "$db" --threads=2 --seed=32 --rate=300
    sleep 1
    : >"$E2E_DIR/postpone"
    OSC_TEST_PAUSE_AT=copy-chunk:1500
    export OSC_TEST_PAUSE_AT
    start_osc $(osc_conn primary) -v --chunk-size=200 \
        --postpone-cut-over-flag-file="$E2E_DIR/postpone" \
        --alter="$alter" --execute "$db.t"
    unset OSC_TEST_PAUSE_AT
    wait_osc_line 'cut-over postponed' 120
    sleep 0.5
    stop_writer "$db"
    rm -f "$E2E_DIR/postpone"
    finish_osc
    expect_status 0 || fail "$db: osc failed on '$alter'"
    e2e_log "$db: $(grep '^done:' "$E2E_DIR/osc.err")"
    line=$(grep 'applier: [0-9]* transactions replayed' "$E2E_DIR/osc.err")
    e2e_log "$db: $line"
    n=$(printf '%s\n' "$line" | sed -n 's/.*applier: \([0-9]*\) transactions replayed, \([0-9]*\) of them.*/\1 \2/p')
    set -- $n
    [ "${1:-0}" -gt 0 ] || e2e_fail "$db: no transaction was replayed"
    [ "${2:-x}" = 0 ] || e2e_fail "$db: ${2:-?} ghost transactions raised warnings and were sent again"
    # The copy's warnings 1364 are expected; nothing else may be said.
    grep '^warning:' "$E2E_DIR/osc.err" && e2e_fail "$db: osc warned"
    sql primary "ALTER TABLE $db.t_mirror $alter" ||
        fail "$db: native ALTER of the mirror failed"
    "$TOOLS/writer" $CONN --database="$db" --verify \
        >"$E2E_DIR/verify.$db" 2>&1 ||
        { cat "$E2E_DIR/verify.$db" >&2; e2e_fail "$db: t differs from the natively altered mirror"; }
    e2e_log "$db: $(tail -n 1 "$E2E_DIR/verify.$db")"
    expect_no_leftovers primary "$db"
    sql primary "ALTER TABLE $db.native $alter" || fail "$db: native ALTER failed: $alter"
    got=$(sql primary "SHOW CREATE TABLE $db.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
    want=$(sql primary "SHOW CREATE TABLE $db.native" | cut -f2- | sed 's/^CREATE TABLE `native`//; s/ AUTO_INCREMENT=[0-9]*//')
    [ "$got" = "$want" ] || e2e_fail "$db: schema differs from native ALTER:
got:  $got
want: $want"
}

# Every type family with an implicit default.
migrated all "ADD COLUMN n_i INT NOT NULL, ADD COLUMN n_u BIGINT UNSIGNED NOT NULL,
 ADD COLUMN n_dec DECIMAL(6,2) NOT NULL, ADD COLUMN n_f DOUBLE NOT NULL,
 ADD COLUMN n_bit BIT(5) NOT NULL, ADD COLUMN n_y YEAR NOT NULL,
 ADD COLUMN n_vc VARCHAR(10) NOT NULL, ADD COLUMN n_ch CHAR(3) NOT NULL,
 ADD COLUMN n_bin BINARY(4) NOT NULL, ADD COLUMN n_txt TEXT NOT NULL,
 ADD COLUMN n_blob BLOB NOT NULL, ADD COLUMN n_e ENUM('b','a') NOT NULL,
 ADD COLUMN n_s SET('x','y') NOT NULL, ADD COLUMN n_d DATE NOT NULL,
 ADD COLUMN n_dt DATETIME(3) NOT NULL, ADD COLUMN n_ts TIMESTAMP NOT NULL,
 ADD COLUMN n_t TIME NOT NULL"
[ "$(sql_value primary "SELECT COUNT(*) FROM all.t WHERE n_i = 0 AND n_e = 'b' AND n_y = 0 AND n_bin = X'00000000' AND n_d = '0000-00-00'")" = \
  "$(sql_value primary "SELECT COUNT(*) FROM all.t")" ] ||
    e2e_fail "all: a row does not hold the implicit defaults"
# The common case, beside a column that keeps its data.
migrated one "ADD COLUMN flag TINYINT NOT NULL, MODIFY c_vc VARCHAR(200) CHARACTER SET utf8mb4"
exit 0
