#!/bin/sh
# The binlog stream as the engine uses it: a blocking dump that stays open,
# heartbeats while the server is idle, a reconnect after the server kills
# the dump thread (resuming from the last complete transaction, nothing
# lost), rotation to the next file, and a clear message when another
# replica takes our server id.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
BP="$OSC_BUILDDIR/tests/tools/binlog-print"
[ -x "$BP" ] || fail "binlog-print is not built"

start_server primary
sql primary "CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(20))"
START=$(sql primary "SHOW MASTER STATUS" | cut -f1,2)
START_FILE=$(printf '%s' "$START" | cut -f1)
START_POS=$(printf '%s' "$START" | cut -f2)

OUT="$E2E_DIR/stream.out"
"$BP" -S "$PRIMARY_SOCK" -uroot --start-file="$START_FILE" \
    --start-pos="$START_POS" --server-id=77001 --table=d.t \
    >"$OUT" 2>"$E2E_DIR/stream.err" &
BP_PID=$!
stop_bp() {
    kill "$BP_PID" 2>/dev/null
    wait "$BP_PID" 2>/dev/null
}

seen() {
    grep -q -- "$1" "$OUT"
}

sql primary "INSERT INTO d.t VALUES (1, 'one')"
wait_for 20 seen '@1=1 @2="one"' || { stop_bp; fail "the first row did not arrive"; }

# an idle server sends heartbeats that say where it is
wait_for 20 seen '^heartbeat server at mbin' || { stop_bp; fail "no heartbeat"; }

# SHOW SLAVE HOSTS lists the stream under its server id
sql primary "SHOW SLAVE HOSTS" | grep -q '^77001' || { stop_bp; fail "not registered"; }

# the server kills the dump: the stream reconnects and resumes
tid=$(sql primary "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
[ -n "$tid" ] || { stop_bp; fail "no dump thread on the server"; }
sql primary "KILL $tid"
sql primary "INSERT INTO d.t VALUES (2, 'two')"
wait_for 30 seen '@1=2 @2="two"' || { stop_bp; cat "$E2E_DIR/stream.err" >&2; fail "the row after the kill did not arrive"; }
seen '^reconnected (attempt' || { stop_bp; fail "no RECONNECT record"; }

# rotation: the stream follows into the next file
sql primary "FLUSH BINARY LOGS; INSERT INTO d.t VALUES (3, 'three')"
wait_for 20 seen '@1=3 @2="three"' || { stop_bp; fail "the row after the rotation did not arrive"; }
seen '^rotate to mbin.000002:4' || { stop_bp; fail "no ROTATE to the next file"; }
seen '^commit xid=.* at mbin.000002:' || { stop_bp; fail "no commit position in the new file"; }

# another stream with the same server id: the first one is told why it ends
"$BP" -S "$PRIMARY_SOCK" -uroot --start-file="$START_FILE" --server-id=77001 \
    --max-events=3 >/dev/null 2>"$E2E_DIR/second.err" || true
i=0
while kill -0 "$BP_PID" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$BP_PID" 2>/dev/null; then
    stop_bp
    fail "the first stream survived a duplicate server id"
fi
wait "$BP_PID" 2>/dev/null
grep -q 'another replica uses server id 77001' "$E2E_DIR/stream.err" || {
    cat "$E2E_DIR/stream.err" >&2
    fail "no duplicate server id message"
}

# every row arrived exactly once after its transaction's BEGIN
[ "$(grep -c '^INSERT `d`.`t` rows=1' "$OUT")" -ge 3 ] || fail "rows missing"
exit 0
