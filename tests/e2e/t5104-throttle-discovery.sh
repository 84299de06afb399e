#!/bin/sh
# Replica discovery, tried as a new user would (issue 11, item 5). The
# primary resolves names (as a default server does), so its process list
# shows "localhost:PORT" for the replicas' connections:
#  - r1 started without --report-host, r2 with --report-host=127.0.0.1:
#    both are found at their own ports over TCP (never the primary's port,
#    never the local socket) and the run finishes;
#  - a replica given with --replica (also as localhost) and discovered is
#    watched once;
#  - two osc runs on two tables of the server at once both finish (each
#    one's binlog reader is not a replica for the other), and so does a
#    run next to `mysqlbinlog --read-from-remote-server --stop-never`;
#  - an unreachable --replica fails the dry run (exit 1) with the fixes;
#  - a replica that goes away mid-run pauses the copy with the reason and,
#    after --max-lag-unknown, stops the run cleanly (exit 1, nothing left).
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"

start_server primary --skip-name-resolve=0
start_replica r1 primary
start_replica r2 primary --report-host=127.0.0.1
TOOLS=$OSC_BUILDDIR/tests/tools
P="-h127.0.0.1 -P$PRIMARY_PORT -uroot"
A1="127.0.0.1:$R1_PORT"
A2="127.0.0.1:$R2_PORT"
BINLOG_PID=""
OSC2_PID=""
stop_extra() {
    [ -n "$BINLOG_PID" ] && { kill "$BINLOG_PID" 2>/dev/null; wait "$BINLOG_PID" 2>/dev/null; }
    [ -n "$OSC2_PID" ] && { kill "$OSC2_PID" 2>/dev/null; wait "$OSC2_PID" 2>/dev/null; }
    BINLOG_PID=""
    OSC2_PID=""
}
trap 'st=$?; stop_extra; engine_cleanup; (exit $st); e2e_cleanup' EXIT

for db in d1 d2; do
    "$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=$db --create=int \
        --rows=3000 --seed=7 >/dev/null || fail "writer --create failed"
done
sql primary "CREATE TABLE d1.synced (i INT)"
synced() {
    [ -n "$(sql r1 "SHOW TABLES FROM d1 LIKE 'synced'")" ] &&
        [ -n "$(sql r2 "SHOW TABLES FROM d1 LIKE 'synced'")" ]
}
wait_for 120 synced || fail "the replicas did not catch up"
e2e_log "replica hosts: $(sql primary "SHOW SLAVE HOSTS" | tr '\t\n' ' ;')"

# 1. Both replicas found at their own addresses; the run finishes.
run_osc_bounded 120 $P -v --alter="ADD COLUMN c1 INT" --execute d1.t
expect_status 0 || fail "a run with two discovered replicas failed"
expect_err "watching 2 replicas for lag over 1.5s: .*$A1 \(discovered\)"
expect_err "watching 2 replicas .*$A2 \(discovered\)"
grep -q "did not report\|$PRIMARY_PORT (discovered)\|through socket" "$E2E_DIR/osc.err" &&
    e2e_fail "a replica was taken at the primary's port or the socket"
grep -q "paused" "$E2E_DIR/osc.err" && e2e_log "(paused: $(grep paused "$E2E_DIR/osc.err" | head -n 2))"

# 2. Given (as localhost) and discovered: watched once.
run_osc_bounded 120 $P --replica=localhost:$R1_PORT \
    --alter="ADD COLUMN c2 INT" --execute d1.t
expect_status 0 || fail "a run with a replica given and discovered failed"
expect_err "watching 2 replicas for lag over 1.5s: $A1, $A2 \(discovered\)"

# 3. Two runs at once, each holding its copy for a moment after the first
# chunk so that the other starts while its binlog reader is connected.
OSC_TEST_PAUSE_AT=copy-chunk:4000 "$OSC_BIN" $P --chunk-size=100 \
    --alter="ADD COLUMN c3 INT" --execute d1.t \
    >"$E2E_DIR/osc1.out" 2>"$E2E_DIR/osc1.err" &
OSC2_PID=$!
wait_for 60 grep -q "test pause at copy-chunk" "$E2E_DIR/osc1.err" ||
    { cat "$E2E_DIR/osc1.err" >&2; fail "the first run did not reach its copy"; }
e2e_log "replica hosts with a run going: $(sql primary "SHOW SLAVE HOSTS" | tr '\t\n' ' ;')"
run_osc_bounded 120 $P --chunk-size=100 --alter="ADD COLUMN c3 INT" \
    --execute d2.t
expect_status 0 || fail "the second of two runs at once failed"
grep -q "osc" "$E2E_DIR/osc.err" && grep -q "watching 3 replicas" "$E2E_DIR/osc.err" &&
    e2e_fail "the other run's binlog reader was taken for a replica"
st=0
wait "$OSC2_PID" || st=$?
OSC2_PID=""
[ "$st" = 0 ] || { cat "$E2E_DIR/osc1.err" >&2; fail "the first of two runs at once exited $st"; }
grep -q "watching 2 replicas" "$E2E_DIR/osc1.err" ||
    { cat "$E2E_DIR/osc1.err" >&2; e2e_fail "the first run did not watch the two replicas"; }

# 4. A binlog reader that is not a replica.
MYSQLBINLOG=$(find_prog mariadb-binlog mysqlbinlog) || fail "no mariadb-binlog"
"$MYSQLBINLOG" --no-defaults --read-from-remote-server --stop-never \
    --host=127.0.0.1 --port="$PRIMARY_PORT" -uroot mbin.000001 \
    >/dev/null 2>"$E2E_DIR/binlog.err" &
BINLOG_PID=$!
wait_for 30 sh -c "[ \"\$(\"$MYSQL\" --no-defaults --socket=$PRIMARY_SOCK -uroot -N -e \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'\")\" -ge 3 ]" ||
    fail "mysqlbinlog did not connect"
run_osc_bounded 120 $P --alter="ADD COLUMN c4 INT" --execute d1.t
expect_status 0 || fail "a run next to mysqlbinlog failed"
expect_err "watching 2 replicas for lag over 1.5s"
kill "$BINLOG_PID" 2>/dev/null
wait "$BINLOG_PID" 2>/dev/null
BINLOG_PID=""

# 5. An unreachable --replica fails the dry run, with the way on.
DEAD=$(free_port)
run_osc $P --replica=127.0.0.1:$DEAD --alter="ADD COLUMN c5 INT" d1.t
expect_status 1
expect_err "cannot reach the replica 127.0.0.1:$DEAD \(--replica\): .*--ignore-replica=HOST:PORT.*--skip-discover-replicas"
grep -q "all checks passed" "$E2E_DIR/osc.err" && e2e_fail "the dry run said all checks passed"
# ... and so does an unreachable discovered one, unless ignored.
run_osc $P --skip-discover-replicas --alter="ADD COLUMN c5 INT" d1.t
expect_status 0 || e2e_fail "a dry run without discovery failed"

# 6. A replica that goes away mid-run: a pause with the reason, then a
# clean stop after --max-lag-unknown.
start_osc $P --chunk-size=50 --max-lag-unknown=3s \
    --throttle-flag-file="$E2E_DIR/hold" \
    --alter="ADD COLUMN c6 INT" --execute d2.t
touch "$E2E_DIR/hold"
wait_osc_line "copy paused at [0-9]+ rows: flag file" 60
stop_server r2
rm -f "$E2E_DIR/hold"
wait_osc_line "copy (still )?paused at [0-9]+ rows: lag unknown on $A2: " 60
finish_osc
expect_status 1 || fail "an unreachable replica did not stop the run"
expect_err "lag unknown on $A2 for [0-9.]+s: .*longer than --max-lag-unknown=3s\); stopping"
expect_no_leftovers primary d2
[ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema='d2' AND table_name='t' AND column_name='c6'")" = 0 ] ||
    e2e_fail "d2.t was changed"
exit "$E2E_FAILED"
