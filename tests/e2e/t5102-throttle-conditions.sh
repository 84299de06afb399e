#!/bin/sh
# The throttle conditions other than a lagging replica, end to end on one
# server (DESIGN.md 6):
#  - --throttle-flag-file pauses the copy while the file exists (no chunk
#    copied meanwhile) and its removal lets the migration finish;
#  - --max-load with a tiny threshold pauses, and says so; a signal then
#    stops the paused run cleanly (exit 3, nothing left behind);
#  - --critical-load aborts: exit 1, the reason, nothing left behind;
#  - a --replica that cannot be reached pauses with a clear reason, and
#    with --ignore-replica naming it the migration runs;
#  - a condition that arises while the last chunk is copied holds the
#    cut-over: the table is not swapped until it clears;
#  - a misspelt load variable or a failing throttle query stops the run at
#    the start, before anything is created.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary

DB=thr
# The second unique key keeps the copy's LOCK IN SHARE MODE (without it
# the copy reads without locks and never waits on the held row).
sql primary "CREATE DATABASE $DB; CREATE TABLE $DB.t (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL, UNIQUE KEY uv (v))"
sql primary "INSERT INTO $DB.t SELECT seq, CONCAT('row ', seq) FROM $DB.seq_1_to_20000"

OSC_PID=""
stop_osc() {
    [ -n "$OSC_PID" ] && { kill "$OSC_PID" 2>/dev/null; wait "$OSC_PID"; OSC_PID=""; }
}
trap 'st=$?; stop_osc; (exit $st); e2e_cleanup' EXIT

# start_osc ARGS...: osc --execute in the background, adding a column.
N=0
start_osc() {
    N=$((N + 1))
    "$OSC_BIN" -h127.0.0.1 -P"$PRIMARY_PORT" -uroot "$@" --alter="ADD COLUMN c$N INT" \
        --execute $DB.t >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" &
    OSC_PID=$!
}
# finish_osc: wait for it; the status in OSC_STATUS.
finish_osc() {
    OSC_STATUS=0
    wait "$OSC_PID" || OSC_STATUS=$?
    OSC_PID=""
}
osc_said() {
    grep -Eq -- "$1" "$E2E_DIR/osc.err"
}
expect_said() {
    wait_for "${2:-30}" osc_said "$1" || { show_osc_output; fail "osc did not say '$1'"; }
    e2e_log "osc: $(grep -E -- "$1" "$E2E_DIR/osc.err" | head -n 1)"
}
ghost_rows() {
    sql primary "SELECT COUNT(*) FROM $DB._t_new" 2>/dev/null
}
same_data() {
    [ "$(sql_value primary "SELECT COUNT(*), SUM(id), SUM(CRC32(v)) FROM $DB.t")" = "$WANT" ]
}
WANT=$(sql_value primary "SELECT COUNT(*), SUM(id), SUM(CRC32(v)) FROM $DB.t")

# 0. Mistakes that would pause for ever are refused at the start.
run_osc -h127.0.0.1 -P"$PRIMARY_PORT" -uroot --max-load=Threads_runing=5 \
    --alter="ADD COLUMN c0 INT" --execute $DB.t
expect_status 1
expect_err "^error: --max-load: the server has no status variable 'Threads_runing'"
run_osc -h127.0.0.1 -P"$PRIMARY_PORT" -uroot --throttle-query="SELECT nope FROM nowhere" \
    --alter="ADD COLUMN c0 INT" --execute $DB.t
expect_status 1
expect_err "^error: --throttle-query fails: .*No database selected"
expect_no_leftovers primary $DB

# 1. The flag file: created before the start, the copy waits at row 0.
FLAG=$E2E_DIR/flag
touch "$FLAG"
start_osc --chunk-size=500 --throttle-flag-file="$FLAG"
expect_said "copy paused at 0 rows: flag file '$FLAG' exists"
sleep 1.5
[ "$(ghost_rows)" = 0 ] || e2e_fail "rows were copied while the flag file existed: $(ghost_rows)"
rm -f "$FLAG"
expect_said "copy resumed at 0 rows after [0-9.]+s"
finish_osc
expect_status 0 || fail "the flag-file run failed"
same_data || e2e_fail "the data changed in the flag-file run"
expect_no_leftovers primary $DB

# 2. --max-load below what the server always has: paused on load; then a
#    signal stops the paused run cleanly.
start_osc --chunk-size=500 --max-load=Threads_running=0
expect_said "copy paused at 0 rows: load Threads_running=[0-9]+>0"
kill -TERM "$OSC_PID"
finish_osc
expect_status 3 || e2e_fail "a signal while paused did not exit 3"
expect_no_leftovers primary $DB
same_data || e2e_fail "the data changed in the max-load run"

# 3. --critical-load: abort after K consecutive checks, exit 1, clean (the
#    flag file holds the copy meanwhile, so that it cannot finish first).
touch "$FLAG"
start_osc --chunk-size=500 --critical-load=Threads_running=0 \
    --critical-load-hits=2 --throttle-flag-file="$FLAG"
finish_osc
expect_status 1 || fail "critical load did not fail the run"
expect_err "critical load Threads_running=[0-9]+>0 in 2 consecutive checks \(--critical-load=Threads_running=0\)" ||
    e2e_fail "no critical-load reason"
expect_err "\`$DB\`.\`t\` is unchanged"
expect_no_leftovers primary $DB
same_data || e2e_fail "the data changed in the critical-load run"
rm -f "$FLAG"

# 4. A replica that cannot be reached at the start stops the run before
# anything is created, with the ways on (one lost mid-run: t5104)...
GONE=127.0.0.1:$(free_port)
start_osc --chunk-size=500 --replica="$GONE"
finish_osc
expect_status 1 || fail "an unreachable replica did not fail the preflight"
expect_err "cannot reach the replica $GONE \(--replica\): cannot connect.*--ignore-replica=HOST:PORT"
expect_no_leftovers primary $DB
# ...unless it is ignored.
start_osc --chunk-size=500 --replica="$GONE" --ignore-replica="$GONE"
finish_osc
expect_status 0 || fail "the run ignoring the replica failed"
expect_err "not watching $GONE \(--ignore-replica\)"
if osc_said "paused"; then
    show_osc_output
    e2e_fail "the ignored replica paused the copy"
fi
expect_no_leftovers primary $DB
same_data || e2e_fail "the data changed"

# 5. The cut-over waits. The copy is one chunk, held on a row lock while
#    the flag file appears; once the chunk is done nothing is left to
#    copy, and only the cut-over can wait for the flag.
HOLDER=""
"$MYSQL" --no-defaults --socket="$PRIMARY_SOCK" -uroot -N -e \
    "BEGIN; SELECT id FROM $DB.t WHERE id = 10000 FOR UPDATE; SELECT SLEEP(120)" \
    >/dev/null 2>&1 &
HOLDER=$!
holder_id() {
    sql_value primary "SELECT id FROM information_schema.processlist WHERE info = 'SELECT SLEEP(120)'"
}
holding() {
    [ -n "$(holder_id)" ]
}
wait_for 30 holding || fail "the lock holder did not start"
start_osc --chunk-size=100000 --throttle-flag-file="$FLAG"
lock_wait() {
    [ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'")" -ge 1 ]
}
wait_for 60 lock_wait || { show_osc_output; fail "the copy never waited on the held row"; }
touch "$FLAG"
sleep 0.5
sql primary "KILL $(holder_id)"
wait "$HOLDER" 2>/dev/null
expect_said "cut-over paused: flag file '$FLAG' exists"
sleep 1.5
col=c$N
[ -z "$(sql primary "SHOW COLUMNS FROM $DB.t LIKE '$col'")" ] ||
    e2e_fail "the table was swapped while the flag file existed"
rm -f "$FLAG"
expect_said "cut-over resumed after"
finish_osc
expect_status 0 || fail "the held cut-over run failed"
[ -n "$(sql primary "SHOW COLUMNS FROM $DB.t LIKE '$col'")" ] ||
    e2e_fail "the table was not migrated"
if osc_said "^copy paused"; then
    e2e_fail "the copy paused, not the cut-over"
fi
expect_no_leftovers primary $DB
same_data || e2e_fail "the data changed in the held cut-over run"
exit "$E2E_FAILED"
