#!/bin/sh
# The server's sql_mode (issue 12, item 4). osc built the ghost and
# copied the rows under its own fixed sql_mode, so an ALTER that a
# DBA's native ALTER refuses under the server's mode migrated, and the
# server's conversion rules were not followed. With the mirror writer on
# `t` and its mirror through every run, against a native ALTER:
#  a. NO_ZERO_DATE, NO_ZERO_IN_DATE, strict (set globally):
#     - CHANGE ... DEFAULT '1970-00-00 00:00:00' fails natively ("Invalid
#       default value"); osc refuses with the same reason, in the dry run
#       and with --execute, and creates nothing;
#     - ADD COLUMN .. DATE NOT NULL without a default fails natively on a
#       table with rows (1292, the zero date); osc refuses;
#     - ADD COLUMN with a valid default migrates, the rows holding zero
#       dates kept as they are (as the native ALTER keeps them), and the
#       plan names the mode;
#  c. a column whose old zero-date DEFAULT the mode now refuses: an ALTER
#     that keeps it is refused as natively (1067), the one that changes
#     the DEFAULT migrates (CREATE TABLE ... LIKE refused both);
#  b. TIME_ROUND_FRACTIONAL: MODIFY a TIME(6) column to TIME rounds the
#     fractions in a native ALTER; osc's copied and replayed rows must
#     round the same way (they were truncated).
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
e2e_init
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"
ROWS=${OSC_TEST_ROWS:-2000}

create() {
    "$TOOLS/writer" $CONN --database="$1" --create=int --rows="$ROWS" \
        --seed=21 >/dev/null || fail "writer --create for $1 failed"
}

# A native copy of t with its rows (zero dates and zero-date defaults
# included: the copy runs under an empty session sql_mode, the table's
# ALTER under the global).
native_copy() {
    sql primary "SET SESSION sql_mode = ''; DROP TABLE IF EXISTS $1.native;
        CREATE TABLE $1.native LIKE $1.t; INSERT INTO $1.native SELECT * FROM $1.t" ||
        fail "$1: cannot copy t"
}

# refused DB ALTER REGEX: native ALTER fails with REGEX; osc too, dry run
# and --execute, with nothing created.
refused() {
    db=$1 alter=$2 why=$3
    native_copy "$db"
    out=$(sql primary "ALTER TABLE $db.native $alter" 2>&1) &&
        fail "$db: native ALTER succeeded: $alter"
    printf '%s\n' "$out" | grep -Eq -- "$why" ||
        e2e_fail "$db: native ALTER failed otherwise: $out"
    for mode in "" --execute; do
        run_osc_bounded 120 $(osc_conn primary) --alter="$alter" $mode "$db.t"
        expect_status 1
        expect_err "$why"
        expect_no_leftovers primary "$db"
    done
    sql primary "DROP TABLE $db.native"
}

# migrated DB ALTER: osc under the writer; the cut-over waits (flag
# file) until the writer has stopped, so that every write goes through
# the migration (a write to the new t would take the writer's own
# sql_mode); then the mirror with the ALTER run natively must equal t,
# and t's definition a native ALTER's.
migrated() {
    db=$1 alter=$2
    sql primary "SET SESSION sql_mode = ''; DROP TABLE IF EXISTS $db.native; CREATE TABLE $db.native LIKE $db.t"
    start_writer "$db" --threads=2 --seed=22 --rate=300 --exclude-column=c_decs
    sleep 1
    : >"$E2E_DIR/postpone"
    OSC_TEST_PAUSE_AT=copy-chunk:1500
    export OSC_TEST_PAUSE_AT
    start_osc $(osc_conn primary) --chunk-size=200 \
        --postpone-cut-over-flag-file="$E2E_DIR/postpone" \
        --alter="$alter" --execute "$db.t"
    unset OSC_TEST_PAUSE_AT
    wait_osc_line 'cut-over postponed' 120
    sleep 0.5
    stop_writer "$db"
    rm -f "$E2E_DIR/postpone"
    finish_osc
    expect_status 0 || fail "$db: osc failed on '$alter'"
    e2e_log "$db: '$alter': $(grep '^done:' "$E2E_DIR/osc.err")"
    sql primary "ALTER TABLE $db.t_mirror $alter" ||
        fail "$db: native ALTER of the mirror failed"
    "$TOOLS/writer" $CONN --database="$db" --verify --exclude-column=c_decs \
        >"$E2E_DIR/verify.$db" 2>&1 ||
        { cat "$E2E_DIR/verify.$db" >&2; e2e_fail "$db: t differs from the natively altered mirror"; }
    expect_no_leftovers primary "$db"
    sql primary "ALTER TABLE $db.native $alter" || fail "$db: native ALTER failed: $alter"
    got=$(sql primary "SHOW CREATE TABLE $db.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
    want=$(sql primary "SHOW CREATE TABLE $db.native" | cut -f2- | sed 's/^CREATE TABLE `native`//; s/ AUTO_INCREMENT=[0-9]*//')
    [ "$got" = "$want" ] || e2e_fail "$db: schema differs from native ALTER:
got:  $got
want: $want"
    sql primary "DROP TABLE $db.native"
}

# a. Zero dates refused by the server's mode.
create z
[ "$(sql_value primary "SELECT COUNT(*) FROM z.t WHERE c_date = '0000-00-00' OR c_dt = '0000-00-00 00:00:00'")" -gt 0 ] ||
    fail "a: the table holds no zero date"
ZMODE="STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
sql primary "SET GLOBAL sql_mode = '$ZMODE'"
start_writer z --threads=2 --seed=23 --rate=200 --exclude-column=c_decs
sleep 1
refused z "CHANGE c_dt c_dt DATETIME(6) NOT NULL DEFAULT '1970-00-00 00:00:00'" \
    "Invalid default value for 'c_dt'"
refused z "ADD COLUMN c_new DATE NOT NULL" \
    "Incorrect date value"
stop_writer z
# The plan says which mode builds the ghost.
run_osc_bounded 60 $(osc_conn primary) --alter="ADD COLUMN c_new DATE NOT NULL DEFAULT '2001-02-03'" z.t
expect_status 0
expect_out "^sql_mode: +the ghost is built under the server's '$ZMODE'"
migrated z "ADD COLUMN c_new DATETIME NOT NULL DEFAULT '2001-02-03 04:05:06'"
[ "$(sql_value primary "SELECT COUNT(*) FROM z.t WHERE c_date = '0000-00-00' OR c_dt = '0000-00-00 00:00:00'")" -gt 0 ] ||
    e2e_fail "a: the zero dates are gone"

# c. A legacy zero-date DEFAULT the server's mode no longer allows: a
#    native ALTER refuses every ALTER that keeps it (1067), and takes the
#    one that fixes it; CREATE TABLE ... LIKE of the ghost used to refuse
#    both.
sql primary "SET GLOBAL sql_mode = '$ZMODE'"
for tb in t t_mirror; do
    sql primary "SET SESSION sql_mode = ''; ALTER TABLE z.$tb ADD COLUMN legacy DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00'" ||
        fail "c: cannot add the legacy column"
done
start_writer z --threads=2 --seed=24 --rate=200 --exclude-column=c_decs
sleep 1
refused z "ADD COLUMN c_other INT" "Invalid default value for 'legacy'"
stop_writer z
migrated z "MODIFY legacy DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00'"

# b. TIME_ROUND_FRACTIONAL: copied and replayed rows round.
sql primary "SET GLOBAL sql_mode = 'STRICT_TRANS_TABLES,TIME_ROUND_FRACTIONAL,NO_ENGINE_SUBSTITUTION'"
create r
migrated r "MODIFY c_time TIME"
[ "$(sql_value primary "SELECT COUNT(*) FROM r.t_mirror")" -gt 0 ] || e2e_fail "b: no rows"
sql primary "SET GLOBAL sql_mode = DEFAULT"
exit 0
