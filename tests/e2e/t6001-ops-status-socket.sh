#!/bin/sh
# The operating parts together in one process (tests/tools/throttle-probe
# with its reference glue), against a real primary and replica:
#  - the status socket is created 0600, refuses a second server, answers
#    status with JSON that parses and has the documented fields, and its
#    commands reach the throttler (throttle, no-throttle, max-lag,
#    max-load, chunk-size); panic stops the process, which removes the
#    socket;
#  - hooks run at startup, throttle changes and failure, with OSC_*;
#  - progress lines in --log-format=json mode are JSON that parses.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
command -v python3 >/dev/null 2>&1 || skip_or_die "python3 is needed to talk to the socket"

PROBE="$OSC_BUILDDIR/tests/tools/throttle-probe"
[ -x "$PROBE" ] || fail "driver '$PROBE' is missing"
OUT="$E2E_DIR/probe.out"
SOCK="$E2E_DIR/osc.sock"
HOOKS="$E2E_DIR/hooks"
HOOKLOG="$E2E_DIR/hooks.log"
PROBE_PID=""
TAB=$(printf '\t')

stop_probe() {
    if [ -n "$PROBE_PID" ]; then
        kill "$PROBE_PID" 2>/dev/null
        wait "$PROBE_PID" 2>/dev/null
        PROBE_PID=""
    fi
}
trap 'st=$?; stop_probe; (exit $st); e2e_cleanup' EXIT

last_matches() {
    tail -n 1 "$OUT" | grep -Eq -- "$1"
}

expect_last() {
    wait_for 20 last_matches "$1" || {
        tail -n 5 "$OUT" >&2
        fail "the decision did not come to match '$1'"
    }
}

# ask COMMAND: one line to the socket, one line back on stdout.
ask() {
    python3 - "$SOCK" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().rstrip("\n"))
EOF
}

# expect_answer COMMAND WANT: exact answer.
expect_answer() {
    got=$(ask "$1")
    [ "$got" = "$2" ] || fail "'$1' answered '$got', expected '$2'"
}

mkdir "$HOOKS"
for h in on-startup on-throttled on-unthrottled on-success on-failure; do
    cat >"$HOOKS/$h" <<'EOF'
#!/bin/sh
echo "$OSC_EVENT|$OSC_TABLE|${OSC_THROTTLE_REASON:-}|${OSC_EXIT_STATUS:-}" >>"$HOOKLOG"
printf '%s\n' "$OSC_STATUS_JSON" >>"$HOOKLOG.json"
EOF
    chmod +x "$HOOKS/$h"
done
export HOOKLOG

start_server primary
start_replica replica primary
R="127.0.0.1:$REPLICA_PORT"

"$PROBE" -h 127.0.0.1 -P "$PRIMARY_PORT" -u root --duration-s 120 \
    --replica "$R" --status-socket "$SOCK" --status-interval 1 --log-json \
    --hooks-dir "$HOOKS" >"$OUT" 2>"$E2E_DIR/probe.err" &
PROBE_PID=$!
wait_for 20 test -S "$SOCK" || fail "the status socket was not created"
expect_last "^run$TAB"

# Mode 0600, and a second server on the same path is refused.
[ "$(stat -c %a "$SOCK")" = 600 ] || fail "socket mode is $(stat -c %a "$SOCK"), not 600"
status=0
"$PROBE" -h 127.0.0.1 -P "$PRIMARY_PORT" -u root --duration-s 1 \
    --status-socket "$SOCK" >/dev/null 2>"$E2E_DIR/second.err" || status=$?
[ "$status" != 0 ] || fail "a second server on the same socket started"
grep -q "is in use by another process" "$E2E_DIR/second.err" ||
    fail "no clear refusal: $(cat "$E2E_DIR/second.err")"
[ -S "$SOCK" ] || fail "the refused server removed the live socket"

# status: JSON with the documented fields.
ask status >"$E2E_DIR/status.json"
python3 - "$E2E_DIR/status.json" "$R" <<'EOF' || fail "status JSON is wrong: $(cat "$E2E_DIR/status.json")"
import json, sys
st = json.load(open(sys.argv[1]))
fields = ["database", "table", "phase", "rows_copied", "rows_estimate",
          "percent", "rows_per_second", "eta_seconds", "events_applied",
          "backlog_bytes", "backlog_ms", "max_lag_ms", "max_lag_replica",
          "throttled", "throttle_reason", "throttled_seconds",
          "cut_over_postponed", "elapsed_seconds"]
missing = [f for f in fields if f not in st]
assert not missing, missing
assert st["phase"] == "copy" and st["throttled"] is False, st
assert st["max_lag_replica"] == sys.argv[2], st
assert isinstance(st["max_lag_ms"], int) and st["max_lag_ms"] >= 0, st
assert st["throttle_reason"] is None, st
EOF

# throttle / no-throttle reach the throttler, and the hooks run.
expect_answer throttle "ok: throttled by user"
expect_last "^pause${TAB}throttled by user"
ask status | grep -q '"throttled":true,"throttle_reason":"throttled by user"' ||
    fail "status does not show the user throttle"
expect_answer no-throttle "ok: user throttle released"
expect_last "^run$TAB"
wait_for 10 grep -q '^on-unthrottled|t||$' "$HOOKLOG" || fail "on-unthrottled hook did not run"
grep -q '^on-startup|t|' "$HOOKLOG" || fail "on-startup hook did not run"
grep -q '^on-throttled|t|throttled by user|$' "$HOOKLOG" || fail "on-throttled hook did not run"

# max-lag and max-load at run time.
expect_answer "max-lag=?" "max-lag=1500"
expect_answer "max-lag=60000" "ok: max-lag=60000"
expect_answer "max-lag" "max-lag=60000"
expect_answer "max-lag=5" "error: max-lag must be 0 (off) or 100..3600000, not '5'"
expect_answer "max-load=Threads_running=0" "ok: max-load=Threads_running=0"
expect_last "^pause${TAB}load Threads_running=[0-9]+>0"
expect_answer "max-load=?" "max-load=Threads_running=0"
expect_answer "max-load=" "ok: max-load="
expect_last "^run$TAB"
expect_answer "chunk-size=77" "ok: chunk-size=77"
expect_answer "chunk-size=?" "chunk-size=77"
expect_answer "cut-over" "error: cut-over is not available in this run"
expect_answer "drop table t" "error: unknown command 'drop table t'; try 'help'"

# panic: the process stops (exit 1), runs on-failure, removes the socket.
expect_answer panic "ok: aborting"
status=0
wait "$PROBE_PID" || status=$?
PROBE_PID=""
[ "$status" = 1 ] || fail "driver exited $status after panic, expected 1"
[ ! -e "$SOCK" ] || fail "the socket was not removed at stop"
grep -q '^on-failure|t||1$' "$HOOKLOG" || fail "on-failure hook did not run with OSC_EXIT_STATUS=1"

# Everything JSON on stderr and in the hooks parses; status records are
# there with the fields.
python3 - "$E2E_DIR/probe.err" "$HOOKLOG.json" <<'EOF' || fail "bad JSON output"
import json, sys
records = []
for line in open(sys.argv[1]):
    if line.startswith("{"):
        records.append(json.loads(line))
statuses = [r for r in records if r.get("type") == "status"]
assert statuses, "no status records"
assert all(r["level"] == "info" and "ts" in r and "rows_copied" in r
           for r in statuses), statuses[0]
hooks = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
assert len(hooks) >= 4 and all("phase" in h for h in hooks), hooks
EOF
exit 0
