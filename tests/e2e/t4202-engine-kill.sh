#!/bin/sh
# Killing osc (SIGTERM, then SIGKILL) during the copy and during the
# cut-over (held there by the test-only OSC_TEST_PAUSE_AT, with `t`
# locked): `t` stays intact and usable and the writer sees no error. After
# SIGTERM nothing is left and the exit status is 3. After SIGKILL the next
# run refuses, naming each leftover with the DROP TABLE that removes it;
# once those are run, the run succeeds.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=w --create=int \
    --rows=4000 --seed=31 >/dev/null || fail "writer --create failed"
start_writer w --threads=2 --seed=32
sleep 1

ALTER="ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x'"

# kill_at POINT SIGNAL: run osc until it pauses at POINT, send SIGNAL.
kill_at() {
    OSC_TEST_PAUSE_AT="$1:20000" start_osc $(osc_conn primary) \
        --chunk-size=200 --alter="$ALTER" --execute w.t
    wait_osc_line "test pause at $1" 60
    kill "-$2" "$OSC_PID"
    finish_osc
    e2e_log "$1 $2: osc exited $OSC_STATUS: $(grep -E '^(error|fatal)' "$E2E_DIR/osc.err" | tr '\n' ' ')"
    table_is_usable w
    sql primary "SHOW CREATE TABLE w.t" | grep -q '`note`' &&
        e2e_fail "$1 $2: t has the new column"
}

# After SIGKILL: the next run names the leftovers and the way to drop them.
rerun_after_kill() {
    run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --alter="$ALTER" --execute w.t
    expect_status 1
    expect_err "table \`w\`.\`_t_new\` is left over from an earlier osc run.*DROP TABLE \`w\`.\`_t_new\`"
    expect_err "DROP TABLE \`w\`.\`_t_osc\`"
    leftover_drops >"$E2E_DIR/drops"
    e2e_log "leftovers after $1: $(tr '\n' ' ' <"$E2E_DIR/drops")"
    while read -r stmt; do
        sql primary "$stmt" || e2e_fail "cannot run '$stmt'"
    done <"$E2E_DIR/drops"
    expect_no_leftovers primary w
}

kill_at copy-chunk TERM
expect_status 3
expect_err 'interrupted'
expect_no_leftovers primary w

kill_at copy-chunk KILL
[ "$OSC_STATUS" = 137 ] || e2e_fail "SIGKILL: status $OSC_STATUS"
rerun_after_kill "SIGKILL in the copy"

kill_at cut-over-locked TERM
expect_status 3
expect_no_leftovers primary w

kill_at cut-over-locked KILL
rerun_after_kill "SIGKILL in the cut-over"
expect_err "DROP TABLE \`w\`.\`_t_old\`"

# And now the migration runs to its end.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=500 \
    --alter="$ALTER" --execute w.t
expect_status 0
expect_no_leftovers primary w
sql primary "SHOW CREATE TABLE w.t" | grep -q '`note`' ||
    e2e_fail "the final run did not add the column"

stop_writer w
exit 0
