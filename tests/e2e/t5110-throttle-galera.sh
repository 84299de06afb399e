#!/bin/sh
# Flow control on a 3-node Galera cluster (issue 16, items 4 and 6 c):
# node 3's applier is stalled by FLUSH TABLES WITH READ LOCK (the node
# desyncs and stops applying), the mirror writer writes through node 1,
# and node 3's receive queue grows past its gcs.fc_limit. osc runs on
# node 1: the copy pauses with the flow-control reason naming node 3, in
# the throttle line and in the status socket's `status`; once the lock
# on node 3 is released and its queue drains, the copy resumes and the
# migration ends exact (t equals its mirror), nothing left. Then real
# flow control with --max-flow-ctl (below).
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
. "$OSC_SRCDIR/tests/e2e/ops-lib.sh"
. "$OSC_SRCDIR/tests/e2e/galera-lib.sh"
e2e_init
galera_init
start_galera_cluster
OPS_SOCK=$E2E_DIR/osc.sock

sql primary "CREATE DATABASE gf" || fail "cannot create the database"
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=gf \
    --create=int --rows=3000 --seed=31 >/dev/null || fail "writer --create failed"
galera_status node3 wsrep_provider_options >/dev/null
sql node3 "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM gf.t" >/dev/null

# Stall node 3: a session holds FLUSH TABLES WITH READ LOCK.
"$MYSQL" --no-defaults --socket="$NODE3_SOCK" -uroot -N -B \
    -e "FLUSH TABLES WITH READ LOCK; SELECT SLEEP(300)" \
    >"$E2E_DIR/ftwrl.out" 2>&1 &
FTWRL_PID=$!
ENGINE_WRITERS="$ENGINE_WRITERS $FTWRL_PID"
start_galera_writer primary gf w --threads=2 --seed=32 --rate=200
queue3() { [ "$(galera_status node3 wsrep_local_recv_queue)" -ge 20 ]; }
wait_for 60 queue3 || fail "node 3's receive queue did not grow: $(galera_status node3 wsrep_local_recv_queue)"
e2e_log "node 3: recv queue $(galera_status node3 wsrep_local_recv_queue), state $(galera_status node3 wsrep_local_state_comment)"

start_osc --no-defaults $(osc_conn primary) --chunk-size=100 \
    --status-socket="$OPS_SOCK" --max-flow-ctl=0.5 \
    --alter='ADD COLUMN note VARCHAR(20)' --execute gf.t
wait_osc_line "copy paused at [0-9]+ rows: flow control: wsrep_local_recv_queue [0-9]+ on 127\.0\.0\.1:$NODE3_PORT \(limit 16\)" 60
wait_for 10 test -S "$OPS_SOCK" || fail "no status socket"
reason=$(status_field throttle_reason)
case $reason in
"flow control: wsrep_local_recv_queue "*" on 127.0.0.1:$NODE3_PORT (limit 16)") ;;
*) e2e_fail "status gives the throttle reason '$reason'" ;;
esac
# Paused: no chunk is copied while node 3 is stalled (the replay goes
# on, so the ghost's row count is no measure: rows_copied is).
[ "$(status_field throttled)" = true ] || e2e_fail "status: not throttled"
chunks=$(status_field rows_copied)
sleep 2
[ -n "$chunks" ] && [ "$(status_field rows_copied)" = "$chunks" ] ||
    e2e_fail "the copy went on while paused ($chunks rows copied, then $(status_field rows_copied))"
grep -q 'throttle: watching flow control on ' "$E2E_DIR/osc.err" ||
    e2e_fail "osc did not say it watches flow control"

# Release node 3: the queue drains, the copy resumes, the run ends.
kill "$FTWRL_PID" 2>/dev/null
wait "$FTWRL_PID" 2>/dev/null
ENGINE_WRITERS=$(echo "$ENGINE_WRITERS" | tr ' ' '\n' | grep -vx "$FTWRL_PID" | tr '\n' ' ')
wait_osc_line "copy resumed at [0-9]+ rows after " 90
wait_osc_line "cut-over: swapped" 90
stop_galera_writer w
finish_osc
expect_status 0
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=gf \
    --verify >"$E2E_DIR/verify.w" 2>&1 ||
    { cat "$E2E_DIR/verify.w" >&2; e2e_fail "t differs from its mirror"; }
sql primary "SHOW CREATE TABLE gf.t" | grep -q '`note`' ||
    e2e_fail "the column was not added"
expect_no_leftovers primary gf
galera_same_everywhere gf t

# Real flow control, --max-flow-ctl: LOCK TABLES gf2.t WRITE on node 3
# makes its applier wait (its queue passes gcs.fc_limit) and node 3 sends
# flow control: the whole cluster stops committing, and every node's
# wsrep_flow_control_paused_ns grows by about a second a second. The
# copy is held at 0 rows by the flag file until flow control is on; then
# it stays paused on flow control (paused N% of the last interval), and
# once node 3 unlocks it resumes and the run ends exact.
sql primary "CREATE DATABASE gf2" || fail "cannot create the database"
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=gf2 \
    --create=int --rows=2000 --seed=41 >/dev/null || fail "writer --create failed"
sql node3 "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM gf2.t" >/dev/null
start_galera_writer primary gf2 w2 --threads=2 --seed=42 --rate=200
touch "$E2E_DIR/flag"
start_osc --no-defaults $(osc_conn primary) --chunk-size=50 \
    --max-flow-ctl=0.1 --throttle-flag-file="$E2E_DIR/flag" \
    --alter='ADD COLUMN note VARCHAR(20)' --execute gf2.t
wait_osc_line "copy paused at 0 rows: flag file" 60
paused0=$(galera_status primary wsrep_flow_control_paused_ns)
"$MYSQL" --no-defaults --socket="$NODE3_SOCK" -uroot -N -B \
    -e "LOCK TABLES gf2.t WRITE; SELECT SLEEP(300)" >"$E2E_DIR/lock3.out" 2>&1 &
LOCK3_PID=$!
ENGINE_WRITERS="$ENGINE_WRITERS $LOCK3_PID"
fc_on() { [ "$(galera_status node3 wsrep_flow_control_sent)" -ge 1 ]; }
wait_for 30 fc_on || fail "node 3 sent no flow control"
sleep 1.5
[ "$(galera_status primary wsrep_flow_control_paused_ns)" -gt "$paused0" ] ||
    fail "node 1 was not paused by flow control"
rm -f "$E2E_DIR/flag"
wait_osc_line "copy still paused at 0 rows: flow control: paused [0-9]+% of the last interval on 127\.0\.0\.1:[0-9]+ \(--max-flow-ctl=0\.1\)" 30
kill "$LOCK3_PID" 2>/dev/null
wait "$LOCK3_PID" 2>/dev/null
ENGINE_WRITERS=$(echo "$ENGINE_WRITERS" | tr ' ' '\n' | grep -vx "$LOCK3_PID" | tr '\n' ' ')
wait_osc_line "copy resumed at 0 rows after " 60
wait_osc_line "cut-over: swapped" 90
stop_galera_writer w2
finish_osc
expect_status 0
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=gf2 \
    --verify >"$E2E_DIR/verify.w2" 2>&1 ||
    { cat "$E2E_DIR/verify.w2" >&2; e2e_fail "gf2: t differs from its mirror"; }
expect_no_leftovers primary gf2
exit 0
