#!/bin/sh
# The throttle probes against a real primary and replica, through the
# tests/tools/throttle-probe driver (heartbeat thread + throttler thread,
# the decision printed every 200 ms as "action<TAB>reason<TAB>lag<TAB>
# throttled_ms"):
#  - replica discovery finds the replica;
#  - a stopped SQL thread pauses with a reason naming the replica, and a
#    restarted one releases;
#  - a replica held behind (FLUSH TABLES WITH READ LOCK) pauses on its
#    measured heartbeat lag, then releases once it catches up;
#  - an unreachable replica pauses with a clear reason;
#  - a flag file pauses and its removal releases;
#  - the throttle query pauses while it returns non-zero;
#  - max-load with a tiny threshold pauses;
#  - critical-load aborts after K consecutive hits.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init

PROBE="$OSC_BUILDDIR/tests/tools/throttle-probe"
[ -x "$PROBE" ] || fail "driver '$PROBE' is missing"
OUT="$E2E_DIR/probe.out"
PROBE_PID=""

stop_probe() {
    if [ -n "$PROBE_PID" ]; then
        kill "$PROBE_PID" 2>/dev/null
        wait "$PROBE_PID" 2>/dev/null
        PROBE_PID=""
    fi
}
trap 'st=$?; stop_probe; (exit $st); e2e_cleanup' EXIT

# start_probe ARGS...: the driver against the primary, in the background.
start_probe() {
    stop_probe
    : >"$OUT"
    "$PROBE" -h 127.0.0.1 -P "$PRIMARY_PORT" -u root --duration-s 120 \
        "$@" >"$OUT" 2>"$E2E_DIR/probe.err" &
    PROBE_PID=$!
}

last_matches() {
    tail -n 1 "$OUT" | grep -Eq -- "$1"
}

# expect_last REGEX [SECONDS]: the latest decision comes to match.
expect_last() {
    if ! wait_for "${2:-20}" last_matches "$1"; then
        printf -- '--- driver output (last 10 lines) ---\n' >&2
        tail -n 10 "$OUT" >&2
        printf -- '--- driver stderr ---\n' >&2
        cat "$E2E_DIR/probe.err" >&2
        fail "the decision did not come to match '$1'"
    fi
    e2e_log "decision: $(tail -n 1 "$OUT")"
}

TAB=$(printf '\t')

start_server primary
start_replica replica primary
R="127.0.0.1:$REPLICA_PORT"

# Discovery, and a healthy replica runs.
start_probe --discover --max-lag 1000
expect_last "^run$TAB"
grep -q "^discovered$TAB$R\$" "$OUT" || fail "replica $R not discovered"

# The SQL thread stopped: pause naming the replica; started: run again.
sql replica "STOP SLAVE SQL_THREAD"
expect_last "^pause${TAB}lag unknown on $R: replication stopped \(Slave_SQL_Running: No\)"
sql replica "START SLAVE SQL_THREAD"
expect_last "^run$TAB"
# The pause was counted in the throttled time (last column).
tail -n 1 "$OUT" | grep -Eq "${TAB}[1-9][0-9]*\$" || fail "throttled time not counted"

# A replica that lags for real: the read lock holds its SQL thread while
# the heartbeat goes on on the primary.
"$MYSQL" --no-defaults --socket="$REPLICA_SOCK" -uroot \
    -e "FLUSH TABLES WITH READ LOCK; SELECT SLEEP(4)" >/dev/null 2>&1 &
LOCK_PID=$!
expect_last "^pause${TAB}lag [0-9]+\.[0-9]s on $R"
wait "$LOCK_PID"
expect_last "^run$TAB"
stop_probe

# An unreachable replica (nothing listens on that port).
DEAD=$(free_port)
start_probe --replica "127.0.0.1:$DEAD" --max-lag 1000
expect_last "^pause${TAB}lag unknown on 127.0.0.1:$DEAD: cannot connect to 127.0.0.1:$DEAD"
stop_probe

# A flag file pauses; removing it releases.
FLAG="$E2E_DIR/throttle.flag"
start_probe --replica "$R" --flag-file "$FLAG"
expect_last "^run$TAB"
touch "$FLAG"
expect_last "^pause${TAB}flag file '$FLAG' exists"
rm -f "$FLAG"
expect_last "^run$TAB"
stop_probe

# The throttle query pauses while it returns non-zero.
sql primary "CREATE TABLE osc_probe.gate (id INT PRIMARY KEY)"
start_probe --throttle-query "SELECT COUNT(*) FROM osc_probe.gate"
expect_last "^run$TAB"
sql primary "INSERT INTO osc_probe.gate VALUES (1), (2)"
expect_last "^pause${TAB}throttle query returned 2"
sql primary "DELETE FROM osc_probe.gate"
expect_last "^run$TAB"
stop_probe

# max-load: Threads_running is at least 1 while the probe reads it.
start_probe --max-load Threads_running=0
expect_last "^pause${TAB}load Threads_running=[0-9]+>0"
stop_probe

# critical-load aborts after 3 consecutive readings over the threshold.
status=0
"$PROBE" -h 127.0.0.1 -P "$PRIMARY_PORT" -u root --duration-s 20 \
    --critical-load Threads_running=0 --critical-hits 3 \
    >"$OUT" 2>"$E2E_DIR/probe.err" || status=$?
[ "$status" = 3 ] || { cat "$OUT" >&2; fail "driver exited $status, expected 3 (abort)"; }
last_matches "^abort${TAB}critical load Threads_running=[0-9]+>0 in 3 consecutive checks" ||
    { tail -n 3 "$OUT" >&2; fail "no abort decision"; }
exit 0
