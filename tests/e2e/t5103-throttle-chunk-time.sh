#!/bin/sh
# --chunk-time adapts the chunk size (DESIGN.md 6): on an idle server the
# sizes grow from the first chunk of 1000 rows; when a chunk is slowed (a
# session holds a row lock the copy's LOCK IN SHARE MODE must wait for;
# the table has a second unique key, so the copy keeps its share locks)
# the next size shrinks at once. The sizes come from osc -v ("copy: chunk
# size A -> B rows ...") and are printed in the test log. Only sizes are
# compared, never times. With --chunk-size the size stays fixed.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary

DB=ct
# The second unique key keeps the copy's LOCK IN SHARE MODE (without it
# the copy reads without locks and never waits on the held row).
sql primary "CREATE DATABASE $DB; CREATE TABLE $DB.t (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL, UNIQUE KEY uv (v))"
sql primary "INSERT INTO $DB.t SELECT seq, CONCAT('row ', seq) FROM $DB.seq_1_to_60000"

HOLDER=""
OSC_PID=""
stop_all() {
    [ -n "$OSC_PID" ] && { kill "$OSC_PID" 2>/dev/null; wait "$OSC_PID"; OSC_PID=""; }
    [ -n "$HOLDER" ] && { kill "$HOLDER" 2>/dev/null; wait "$HOLDER"; HOLDER=""; }
}
trap 'st=$?; stop_all; (exit $st); e2e_cleanup' EXIT

# A session holds row 20000 (past the first chunks, with chunks after it)
# until the test kills it.
"$MYSQL" --no-defaults --socket="$PRIMARY_SOCK" -uroot -N -e \
    "BEGIN; SELECT id FROM $DB.t WHERE id = 20000 FOR UPDATE; SELECT SLEEP(120)" \
    >/dev/null 2>&1 &
HOLDER=$!
holding() {
    [ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.processlist WHERE info = 'SELECT SLEEP(120)'")" = 1 ]
}
wait_for 30 holding || fail "the lock holder did not start"

"$OSC_BIN" -h127.0.0.1 -P"$PRIMARY_PORT" -uroot -v --chunk-time=200ms \
    --alter="ADD COLUMN note INT" --execute $DB.t \
    >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" &
OSC_PID=$!

# The copy waits on the lock; hold it a while longer, then let it go.
lock_wait() {
    [ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'")" -ge 1 ]
}
wait_for 60 lock_wait || { show_osc_output; fail "the copy never waited on the held row"; }
sleep 1
sql primary "KILL $(sql_value primary "SELECT id FROM information_schema.processlist WHERE info = 'SELECT SLEEP(120)'")"
wait "$HOLDER" 2>/dev/null
HOLDER=""

OSC_STATUS=0
wait "$OSC_PID" || OSC_STATUS=$?
OSC_PID=""
expect_status 0 || fail "osc failed"
expect_no_leftovers primary $DB

# "copy: chunk size 1000 -> 2000 rows (chunk 1: 1000 rows in 12 ms, ...)"
grep -E '^copy: chunk size [0-9]+ -> [0-9]+ rows' "$E2E_DIR/osc.err" |
    sed -E 's/^copy: chunk size ([0-9]+) -> ([0-9]+) rows \(chunk ([0-9]+): ([0-9]+) rows in ([0-9]+) ms.*/\3 \1 \2 \5/' \
    >"$E2E_DIR/sizes"
[ -s "$E2E_DIR/sizes" ] || { show_osc_output; fail "osc -v printed no chunk size"; }
e2e_log "chunk sizes chosen (chunk: size -> next):"
while read -r n from to ms; do
    e2e_log "  chunk $n: $from -> $to rows ($ms ms)"
done <"$E2E_DIR/sizes"
# Grew on the idle server before the held row...
awk '$3 > $2 { up = 1 } END { exit !up }' "$E2E_DIR/sizes" ||
    e2e_fail "the chunk size never grew on an idle server"
# ...and shrank by at least half after the chunk that waited.
awk '$3 * 2 <= $2 { down = 1 } END { exit !down }' "$E2E_DIR/sizes" ||
    e2e_fail "the chunk size did not shrink after a slow chunk"
# The first growth comes before the first shrink.
awk '!first && $3 != $2 { first = ($3 > $2) ? "up" : "down" } END { exit first != "up" }' "$E2E_DIR/sizes" ||
    e2e_fail "the chunk size shrank before it grew"

# --chunk-size fixes the size: no size changes at all.
run_osc -h127.0.0.1 -P"$PRIMARY_PORT" -uroot -v --chunk-size=7000 \
    --alter="DROP COLUMN note" --execute $DB.t
expect_status 0 || fail "the fixed-size run failed"
if grep -q '^copy: chunk size' "$E2E_DIR/osc.err"; then
    e2e_fail "the chunk size changed although --chunk-size fixes it"
fi
expect_err "copy: 60000 rows in 9 chunks"
exit "$E2E_FAILED"
