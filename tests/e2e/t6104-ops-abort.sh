#!/bin/sh
# Stopping a run from outside, and keeping two runs apart:
#  - --max-runtime: a run held at its cut-over by the postpone flag file
#    stops when its time is up: exit status 1, the table untouched,
#    nothing left on the server;
#  - meanwhile a second run on the same table is refused (exit status 1)
#    with a message naming the lock and the table;
#  - --panic-flag-file: the run stops when the file appears (same end).
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/ops-lib.sh"
e2e_init

OPS_SOCK=$E2E_DIR/osc.sock
FLAG=$E2E_DIR/postpone
PANIC=$E2E_DIR/panic
OSC_PID=""
trap 'st=$?; [ -n "$OSC_PID" ] && kill "$OSC_PID" 2>/dev/null; (exit $st); e2e_cleanup' EXIT

start_server primary
seq_table primary a 2000
ALTER="ADD COLUMN note VARCHAR(8)"

# held_run OPTIONS...: start a run on a.t that postpones its cut-over,
# and wait until it does.
held_run() {
    touch "$FLAG"
    "$OSC_BIN" $(osc_conn primary) --status-socket="$OPS_SOCK" \
        --postpone-cut-over-flag-file="$FLAG" "$@" --alter="$ALTER" \
        --execute a.t >"$E2E_DIR/held.out" 2>"$E2E_DIR/held.err" &
    OSC_PID=$!
    wait_for 60 field_is cut_over_postponed true ||
        { cat "$E2E_DIR/held.err" >&2; fail "the run did not postpone"; }
}

# untouched: a.t as created, nothing of osc's left.
untouched() {
    expect_no_leftovers primary a
    [ "$(sql_value primary "SELECT COUNT(*) FROM a.t")" = 2000 ] || fail "a.t lost rows"
    sql primary "SHOW CREATE TABLE a.t" | grep -q note && fail "a.t was altered"
    [ ! -e "$OPS_SOCK" ] || fail "the status socket was left behind"
}

held_run --max-runtime=5s
# A second run on the same table is refused while the first holds.
run_osc $(osc_conn primary) --alter="$ALTER" --execute a.t
expect_status 1 || fail "a second run on the same table was not refused"
expect_err "^error: another osc run \(server connection [0-9]+\) holds the lock 'osc\.a\.t' and is migrating \`a\`\.\`t\`; wait for it to finish$"
wait_osc "$OSC_PID" 60
OSC_PID=""
cp "$E2E_DIR/held.err" "$E2E_DIR/osc.err"
expect_status 1 || fail "--max-runtime"
expect_err "^aborted: the run went on longer than --max-runtime=5s; stopping$"
expect_err "^error: aborted: the run went on longer than --max-runtime=5s; \`a\`\.\`t\` is unchanged$"
untouched

held_run --panic-flag-file="$PANIC"
touch "$PANIC"
wait_osc "$OSC_PID" 60
OSC_PID=""
cp "$E2E_DIR/held.err" "$E2E_DIR/osc.err"
expect_status 1 || fail "--panic-flag-file"
expect_err "^error: aborted: the panic flag file '$PANIC' exists; \`a\`\.\`t\` is unchanged$"
untouched

# With the panic file there, a run stops before it copies anything.
run_osc $(osc_conn primary) --panic-flag-file="$PANIC" --alter="$ALTER" --execute a.t
expect_status 1 || fail "a run started with the panic file present"
expect_err "aborted: the panic flag file '$PANIC' exists"
untouched
exit "$E2E_FAILED"
