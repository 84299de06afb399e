#!/bin/sh
# Exactness under concurrent writes (DESIGN.md 4): a writer applies the
# same random change to `t` and to an untouched mirror in one transaction
# (inserts, updates of random columns, primary-key changes, deletes,
# delete-then-reinsert, multi-row updates; every column type) from before
# the first migration until after the last one, while osc --execute
# migrates `t` several times. Then `t` must equal the mirror row for row
# on the mirror's columns, the writer must have seen no error other than
# retried deadlocks, no _t_* table may be left, and the final schema must
# be what native ALTERs give.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"
ROWS=${OSC_TEST_ROWS:-3000}

# migrate SHAPE ALTER...: create w_SHAPE.t and its mirror, run the writer,
# apply each ALTER with osc while it writes, stop it, compare.
migrate() {
    shape=$1
    shift
    db=w_$shape
    "$TOOLS/writer" $CONN --database=$db --create=$shape --rows=$ROWS --seed=7 \
        >/dev/null || fail "writer --create=$shape failed"
    # The native result to compare with: the same ALTERs on a copy.
    sql primary "CREATE TABLE $db.native LIKE $db.t"
    rm -f "$E2E_DIR/stop"
    # A steady 600 tx/s over three threads (--rate is per run): heavy,
    # and leaves the single applier room on a shared 2-core machine.
    "$TOOLS/writer" $CONN --database=$db --threads=3 --seed=8 --rate=${OSC_TEST_RATE:-600} \
        --exclude-column=c_decs --stop-file="$E2E_DIR/stop" \
        --latency-log="$E2E_DIR/latency.$shape" \
        >"$E2E_DIR/writer.$shape" 2>&1 &
    writer=$!
    sleep 1
    for alter in "$@"; do
        run_osc -h127.0.0.1 -P"$PRIMARY_PORT" -uroot --chunk-size=500 \
            --alter="$alter" --execute "$db.t"
        if ! expect_status 0; then
            touch "$E2E_DIR/stop"
            wait "$writer"
            fail "$shape: osc failed on '$alter'"
        fi
        e2e_log "$shape: '$alter': $(grep '^done:' "$E2E_DIR/osc.err")"
        sql primary "ALTER TABLE $db.native $alter" || fail "native ALTER failed: $alter"
        sleep 0.5
    done
    touch "$E2E_DIR/stop"
    wait "$writer" || { cat "$E2E_DIR/writer.$shape" >&2; e2e_fail "$shape: the writer saw errors"; }
    e2e_log "$shape writer: $(tail -n 1 "$E2E_DIR/writer.$shape")"
    "$TOOLS/writer" $CONN --database=$db --verify --exclude-column=c_decs \
        >"$E2E_DIR/verify.$shape" 2>&1 ||
        { cat "$E2E_DIR/verify.$shape" >&2; e2e_fail "$shape: t differs from its mirror"; }
    [ "$(sql_value primary "SELECT COUNT(*) FROM $db.t")" -gt 0 ] || e2e_fail "$shape: t is empty"
    expect_no_leftovers primary "$db"
    got=$(sql primary "SHOW CREATE TABLE $db.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
    want=$(sql primary "SHOW CREATE TABLE $db.native" | cut -f2- | sed 's/^CREATE TABLE `native`//; s/ AUTO_INCREMENT=[0-9]*//')
    [ "$got" = "$want" ] || e2e_fail "$shape: schema differs from native ALTER:
got:  $got
want: $want"
}

migrate int \
    "ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x'" \
    "MODIFY c_vc VARCHAR(200) CHARACTER SET utf8mb4" \
    "ADD INDEX k_i (c_i)" \
    "DROP COLUMN c_decs"
migrate composite "ADD COLUMN extra INT DEFAULT 42, ADD INDEX k_bi (c_bi)"
migrate varchar "DROP COLUMN c_decs, ADD INDEX k_vc (c_vc)"
exit 0
