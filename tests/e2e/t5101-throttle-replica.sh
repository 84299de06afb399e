#!/bin/sh
# Throttling on replica lag, end to end (DESIGN.md 6): osc --execute
# migrates a table on a primary with a replica while the writer changes
# `t` and its mirror. The replica is discovered (the default). Midway
# through the copy the replica's SQL thread is stopped: the copy pauses
# (the ghost's row count stays the same) and osc says why, naming the
# replica; the applier keeps replaying meanwhile. Once the SQL thread runs
# again the copy resumes, the migration completes, `t` equals its mirror
# and nothing is left behind.
#
# The copy is held at a known point: once the ghost has rows, the test
# creates the --throttle-flag-file (checked every 100 ms), stops the SQL
# thread and removes the flag, so that from there on only the replica
# holds the copy. The writer runs at a modest rate, so that the replica
# keeps up with it on a loaded machine.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary
start_replica replica primary
R="127.0.0.1:$REPLICA_PORT"

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"
DB=w_lag
WRITER=""
OSC_PID=""
stop_all() {
    [ -n "$WRITER" ] && { touch "$E2E_DIR/stop"; wait "$WRITER"; WRITER=""; }
    [ -n "$OSC_PID" ] && { kill "$OSC_PID" 2>/dev/null; wait "$OSC_PID"; OSC_PID=""; }
}
trap 'st=$?; stop_all; (exit $st); e2e_cleanup' EXIT

"$TOOLS/writer" $CONN --database=$DB --create=int --rows=60000 --seed=3 \
    >/dev/null || fail "writer --create failed"
# Let the replica apply the load first (a lagging replica would hold the
# copy from the start, rightly).
sql primary "CREATE TABLE $DB.synced (i INT)"
replica_synced() {
    [ -n "$(sql replica "SHOW TABLES FROM $DB LIKE 'synced'")" ]
}
wait_for 120 replica_synced || fail "the replica did not catch up with the load"
"$TOOLS/writer" $CONN --database=$DB --threads=1 --rate=100 --seed=4 \
    --stop-file="$E2E_DIR/stop" >"$E2E_DIR/writer.out" 2>&1 &
WRITER=$!

ghost_rows() {
    sql primary "SELECT COUNT(*) FROM $DB._t_new" 2>/dev/null
}
ghost_has_rows() {
    [ "$(ghost_rows)" -ge 500 ]
}
osc_said() {
    grep -Eq -- "$1" "$E2E_DIR/osc.err"
}
FLAG=$E2E_DIR/hold

"$OSC_BIN" -h127.0.0.1 -P"$PRIMARY_PORT" -uroot --chunk-size=50 \
    --throttle-flag-file="$FLAG" \
    --alter="ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n'" \
    --execute $DB.t >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" &
OSC_PID=$!

wait_for 60 osc_said "watching 1 replica for lag over 1.5s: $R \(discovered\)" ||
    { show_osc_output; fail "osc did not report the discovered replica"; }
wait_for 60 ghost_has_rows || { show_osc_output; fail "the copy did not start"; }
touch "$FLAG"
wait_for 30 osc_said "copy paused at [0-9]+ rows: flag file '$FLAG' exists" ||
    { show_osc_output; fail "the flag file did not pause the copy"; }
e2e_log "held by the flag file at $(ghost_rows) rows"

# Now the replica: stop its SQL thread; once the lag probe (every 500 ms)
# has seen it, release the flag.
sql replica "STOP SLAVE SQL_THREAD"
sleep 1.5
rm -f "$FLAG"
wait_for 30 osc_said "copy (still )?paused at [0-9]+ rows: lag unknown on $R: replication stopped" ||
    { show_osc_output; fail "the stopped replica did not hold the copy"; }
# The ghost's row count holds still (the writer is stopped for this check:
# the applier would add its rows), then the writer starts again.
touch "$E2E_DIR/stop"
wait "$WRITER" || { cat "$E2E_DIR/writer.out" >&2; e2e_fail "the writer saw errors"; }
sleep 0.5
n1=$(ghost_rows)
sleep 2
n2=$(ghost_rows)
e2e_log "ghost rows while the replica is stopped: $n1, then $n2"
[ "$n1" = "$n2" ] || e2e_fail "the copy went on while the replica was stopped ($n1 -> $n2 rows)"
rm -f "$E2E_DIR/stop"
"$TOOLS/writer" $CONN --database=$DB --threads=1 --rate=100 --seed=5 \
    --stop-file="$E2E_DIR/stop" >"$E2E_DIR/writer.out" 2>&1 &
WRITER=$!
kill -0 "$OSC_PID" 2>/dev/null || fail "osc exited while paused"

sql replica "START SLAVE SQL_THREAD"
wait_for 60 osc_said "copy resumed at [0-9]+ rows after" ||
    { show_osc_output; fail "the copy did not resume"; }
OSC_STATUS=0
wait "$OSC_PID" || OSC_STATUS=$?
OSC_PID=""
expect_status 0 || fail "osc failed"
grep -E 'paused|resumed|^done' "$E2E_DIR/osc.err" | while read -r line; do
    e2e_log "osc: $line"
done
# No chunk was copied between the pause and the resume: the copier's own
# count is the same in the pause messages and in the resume message.
# (Later pauses are the copy's own lag on a slow machine: fine.)
counts=$(sed -n '/^copy paused at [0-9]* rows: flag file/,/^copy resumed/p' "$E2E_DIR/osc.err" |
    grep -E '^copy (still )?(paused|resumed) at' |
    sed -E 's/^copy (still )?(paused|resumed) at ([0-9]+) rows.*/\3/' | sort -u)
[ "$(printf '%s\n' "$counts" | wc -l)" = 1 ] ||
    e2e_fail "rows were copied while paused: $(echo $counts)"

touch "$E2E_DIR/stop"
wait "$WRITER" || { cat "$E2E_DIR/writer.out" >&2; e2e_fail "the writer saw errors"; }
WRITER=""
e2e_log "writer: $(tail -n 1 "$E2E_DIR/writer.out")"
"$TOOLS/writer" $CONN --database=$DB --verify \
    >"$E2E_DIR/verify.out" 2>&1 ||
    { cat "$E2E_DIR/verify.out" >&2; e2e_fail "t differs from its mirror"; }
expect_no_leftovers primary $DB
# The replica caught up with the whole migration.
wait_for 60 sh -c "[ \"\$(\"$MYSQL\" --no-defaults --socket=$REPLICA_SOCK -uroot -N -e 'SELECT COUNT(*) FROM information_schema.columns WHERE table_schema=\"$DB\" AND table_name=\"t\" AND column_name=\"note\"')\" = 1 ]" ||
    e2e_fail "the replica did not get the migrated table"
exit "$E2E_FAILED"
