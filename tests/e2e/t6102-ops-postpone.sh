#!/bin/sh
# --postpone-cut-over-flag-file under write load: once the copy is done
# the run waits while the file exists, keeps replaying the writer's
# changes (events_applied grows) and says so in its status; removing the
# file lets it finish. A second run is released by the `cut-over` socket
# command while the file is still there (osc never removes it). After
# both, `t` equals its mirror (DESIGN.md 4).
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/ops-lib.sh"
e2e_init

TOOLS=$OSC_BUILDDIR/tests/tools
OPS_SOCK=$E2E_DIR/osc.sock
FLAG=$E2E_DIR/postpone
OSC_PID=""
WRITER=""
trap 'st=$?; [ -n "$OSC_PID" ] && kill "$OSC_PID" 2>/dev/null; [ -n "$WRITER" ] && touch "$E2E_DIR/stop" && wait "$WRITER"; (exit $st); e2e_cleanup' EXIT

start_server primary
CONN="-S $PRIMARY_SOCK -uroot"
"$TOOLS/writer" $CONN --database=p --create=int --rows=3000 --seed=7 \
    >/dev/null || fail "writer --create failed"
"$TOOLS/writer" $CONN --database=p --threads=2 --seed=8 --rate=200 \
    --stop-file="$E2E_DIR/stop" >"$E2E_DIR/writer.out" 2>&1 &
WRITER=$!
sleep 0.5

events_above() {
    [ "$(status_field events_applied)" -gt "$1" ]
}

# postponed_run HOW ALTER: start osc with the flag file present, wait
# until it holds at the cut-over, check it replays meanwhile, release it
# HOW (rm: remove the file; command: `cut-over` on the socket).
postponed_run() {
    how=$1
    touch "$FLAG"
    "$OSC_BIN" $(osc_conn primary) --chunk-size=500 --status-interval=1s \
        --status-socket="$OPS_SOCK" --postpone-cut-over-flag-file="$FLAG" \
        --alter="$2" --execute p.t >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" &
    OSC_PID=$!
    wait_for 60 field_is cut_over_postponed true ||
        { show_osc_output; fail "$how: the run did not postpone the cut-over"; }
    [ "$(status_field phase)" = postponed ] || fail "$how: phase is not 'postponed'"
    a=$(status_field events_applied)
    wait_for 30 events_above "$a" ||
        fail "$how: no change replayed while postponed (events_applied $a)"
    sleep 1
    field_is cut_over_postponed true || fail "$how: the postponement ended by itself"
    [ -n "$(sql_value primary "SHOW TABLES FROM p LIKE '\\_t\\_new'")" ] ||
        fail "$how: the ghost is gone while postponed"
    expect_err "cut-over postponed while '$FLAG' exists" || fail "$how: not said"
    if [ "$how" = rm ]; then
        rm -f "$FLAG"
    else
        expect_answer cut-over "ok: cut-over released"
    fi
    wait_osc "$OSC_PID"
    OSC_PID=""
    expect_status 0 || fail "$how: the postponed run failed"
    [ -e "$FLAG" ] || [ "$how" = rm ] || fail "osc removed the user's flag file"
    rm -f "$FLAG"
    expect_no_leftovers primary p
}

postponed_run rm "ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x'"
expect_err "cut-over no longer postponed: '$FLAG' is gone"
sql primary "SHOW CREATE TABLE p.t" | grep -q '`note`' || fail "note was not added"
postponed_run command "DROP COLUMN note, ADD INDEX k_i (c_i)"
expect_err "cut-over released by the 'cut-over' command"
sql primary "SHOW CREATE TABLE p.t" | grep -q 'KEY `k_i`' || fail "k_i was not added"

touch "$E2E_DIR/stop"
wait "$WRITER" || { cat "$E2E_DIR/writer.out" >&2; e2e_fail "the writer saw errors"; }
WRITER=""
"$TOOLS/writer" $CONN --database=p --verify >"$E2E_DIR/verify" 2>&1 ||
    { cat "$E2E_DIR/verify" >&2; fail "t differs from its mirror"; }
exit "$E2E_FAILED"
