#!/bin/sh
# The harness itself: a primary and a replica start, replicate, and stop.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary
start_replica replica primary
[ "$(sql_value primary 'SELECT @@log_bin, @@binlog_format, @@binlog_row_image')" = "1	ROW	FULL" ] ||
    fail "primary binlog settings are wrong"
sql primary "CREATE DATABASE h; CREATE TABLE h.t (id INT PRIMARY KEY); INSERT INTO h.t VALUES (1),(2)"
wait_for 30 sh -c "[ \"\$($MYSQL --no-defaults --socket=$REPLICA_SOCK -uroot -N -e 'SELECT COUNT(*) FROM h.t' 2>/dev/null)\" = 2 ]" ||
    fail "the replica did not receive the rows"
[ "$PRIMARY_SERVER_ID" != "$REPLICA_SERVER_ID" ] || fail "server ids collide"
"$OSC_BIN" --version | grep -q '^osc ' || fail "osc --version"
# stop_server succeeds, also for a server already stopped and under set -e
# (scripts/demo runs with set -eu: a failing status from it ended the demo
# with exit 1 after "OK").
# (Not in a `|| fail` list: set -e is ignored there.)
( set -e; stop_server replica; stop_server replica; )
[ $? = 0 ] || fail "stop_server failed"
kill -0 "$REPLICA_PID" 2>/dev/null && fail "stop_server left the replica running"
kill -KILL "$PRIMARY_PID"
wait "$PRIMARY_PID" 2>/dev/null
( set -e; stop_server primary; )
[ $? = 0 ] || fail "stop_server of a server that died failed"
exit 0
