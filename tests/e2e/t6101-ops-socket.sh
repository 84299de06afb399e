#!/bin/sh
# The status socket of a real migration (--status-socket):
#  - created 0600; `status` answers JSON with the documented fields, and
#    rows_copied grows while the copy runs and stays put while the user
#    throttles it (`throttle` / `no-throttle`: osc's own pause, since no
#    throttler is wired in this run);
#  - `chunk-size=N` reaches the copier: later status shows chunk_size N;
#  - errors: unknown command, bad value, max-lag/max-load without a
#    throttler;
#  - `panic` aborts: exit status 1, the table untouched, nothing left on
#    the server, the socket removed;
#  - progress on stderr that is not a terminal: timestamped lines at each
#    phase and every --status-interval, also while paused; the final
#    summary of a run that finishes.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/ops-lib.sh"
e2e_init

OPS_SOCK=$E2E_DIR/osc.sock
HOOKS=$E2E_DIR/hooks
OSC_PID=""
trap 'st=$?; [ -n "$OSC_PID" ] && kill "$OSC_PID" 2>/dev/null; (exit $st); e2e_cleanup' EXIT

start_server primary
seq_table primary s 150000
# Hold the run before the copy until the test has paused it.
gate_hook "$HOOKS" on-validated "$E2E_DIR/go"

"$OSC_BIN" $(osc_conn primary) --chunk-size=2 --status-interval=1s \
    --status-socket="$OPS_SOCK" --hooks-dir="$HOOKS" \
    --alter="ADD COLUMN note VARCHAR(8)" --execute s.t \
    >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" &
OSC_PID=$!
wait_for 30 test -S "$OPS_SOCK" || fail "the status socket was not created"
[ "$(stat -c %a "$OPS_SOCK")" = 600 ] || fail "socket mode is $(stat -c %a "$OPS_SOCK"), not 600"

expect_answer throttle "ok: throttled by user"
touch "$E2E_DIR/go"
wait_for 30 field_is phase copy || fail "the run did not reach the copy"

# The whole status object, paused before the first chunk.
ask status >"$E2E_DIR/status.json"
python3 - "$E2E_DIR/status.json" <<'PY' || fail "status JSON is wrong: $(cat "$E2E_DIR/status.json")"
import json, sys
st = json.load(open(sys.argv[1]))
fields = ["database", "table", "phase", "rows_copied", "rows_estimate",
          "percent", "rows_per_second", "eta_seconds", "events_applied",
          "backlog_bytes", "backlog_ms", "max_lag_ms", "max_lag_replica",
          "throttled", "throttle_reason", "throttled_seconds",
          "cut_over_postponed", "chunk_size", "elapsed_seconds"]
missing = [f for f in fields if f not in st]
assert not missing, missing
assert st["database"] == "s" and st["table"] == "t", st
assert st["phase"] == "copy" and st["rows_copied"] == 0, st
assert st["throttled"] is True, st
assert st["throttle_reason"] == "throttled by user", st
assert st["chunk_size"] == 2 and st["cut_over_postponed"] is False, st
assert isinstance(st["rows_estimate"], int), st
assert isinstance(st["elapsed_seconds"], int), st
# Once the replay runs the backlog is always known (issue 15).
assert isinstance(st["backlog_bytes"], int), st
assert isinstance(st["backlog_ms"], int), st
PY
expect_answer "chunk-size=?" "chunk-size=2"

rows_above() {
    [ "$(status_field rows_copied)" -gt "$1" ]
}

# Resume: rows grow. Pause again: they stop (after the chunk in flight).
expect_answer no-throttle "ok: user throttle released"
wait_for 30 rows_above 0 || fail "rows_copied did not grow after no-throttle"
expect_answer throttle "ok: throttled by user"
sleep 0.5
a=$(status_field rows_copied)
sleep 1
b=$(status_field rows_copied)
[ "$a" = "$b" ] || fail "rows_copied moved from $a to $b while throttled"
[ "$a" -lt 150000 ] || fail "the copy finished before the test could pause it"
wait_for 10 field_is throttled true || fail "status does not say throttled"

# A new chunk size reaches the copier.
expect_answer "chunk-size=3" "ok: chunk-size=3"
expect_answer "chunk-size=?" "chunk-size=3"
expect_answer no-throttle "ok: user throttle released"
wait_for 30 field_is chunk_size 3 || fail "status never showed chunk_size 3"
wait_for 30 rows_above "$b" || fail "rows_copied did not grow after chunk-size=3"
expect_answer throttle "ok: throttled by user"

# Errors, one line each.
expect_answer "frobnicate" "error: unknown command 'frobnicate'; try 'help'"
expect_answer "chunk-size=0" "error: chunk-size must be 1..10000000, not '0'"
# Without a throttler in the run these two are refused; with one (when
# the engine creates it) they are applied.
got=$(ask "max-lag=2000")
case $got in
"error: max-lag is not available in this run" | "ok: max-lag=2000") ;;
*) fail "max-lag=2000 answered '$got'" ;;
esac
got=$(ask "max-load=Threads_running=5000")
case $got in
"error: max-load is not available in this run" | "ok: max-load=Threads_running=5000") ;;
*) fail "max-load=Threads_running=5000 answered '$got'" ;;
esac
expect_answer "throttle=1" "error: 'throttle' takes no value"

# panic: abort, clean up, exit 1.
expect_answer panic "ok: aborting"
wait_osc "$OSC_PID"
OSC_PID=""
expect_status 1 || fail "panic"
expect_err "^error: aborted by the 'panic' command on the status socket; \`s\`\.\`t\` is unchanged$"
[ ! -e "$OPS_SOCK" ] || fail "the socket was left behind"
expect_no_leftovers primary s
[ "$(sql_value primary "SELECT COUNT(*) FROM s.t")" = 150000 ] || fail "s.t lost rows"
sql primary "SHOW CREATE TABLE s.t" | grep -q note && fail "s.t was altered"

# Progress: a line per phase and every second, also while paused.
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
for phase in ghost stream copy; do
    expect_err "^$TS $phase: " || fail "no status line for phase $phase"
done
n=$(grep -Ec "^$TS copy: [0-9]+\.[0-9]% \([0-9]+/[0-9]+ rows\)(, [0-9]+ rows/s)?(, eta [0-9hms]+)?; applied [0-9]+ events(, backlog [0-9.]+[KMG]?i?B( \([0-9.hms]+\))?)?; throttled [0-9hms]+ \(now: throttled by user\); elapsed [0-9hms]+$" "$E2E_DIR/osc.err")
[ "$n" -ge 2 ] || { show_osc_output; fail "fewer than 2 status lines while paused ($n)"; }

# A run to the end: the final copy line and the summary are right.
run_osc $(osc_conn primary) --chunk-size=3000 --status-interval=1s \
    --alter="ADD COLUMN note VARCHAR(8)" --execute s.t
expect_status 0 || fail "the plain run failed"
expect_err "^$TS copy: 100\.0% \(150000/150000 rows\)"
expect_err "^copy: 150000 rows copied into _t_new$"
expect_err "^done: \`s\`\.\`t\` migrated; 150000 rows copied, 0 row changes replayed, writers blocked [0-9]+ ms, [0-9.]+ s in all$"
expect_no_leftovers primary s
exit "$E2E_FAILED"
