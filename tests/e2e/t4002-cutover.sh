#!/bin/sh
# The cut-over (osc/cutover/cutover.c, sentry method) under a writer at full speed:
# the swap happens, writers see no error (only waits), the blocked time and
# the writer's longest transaction are reported; a transaction that holds t
# for longer than the lock timeout makes attempts time out and retry until
# it ends; a lock that is never released makes the cut-over fail cleanly
# with t in place and no sentry left; and when the locking connection dies
# in the catch-up the rename is not sent, and when it dies with the rename
# queued (the catch-up done, the sentry already dropped) the swap goes on.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"

"$TOOLS/writer" $CONN --database=w --create=int --rows=5000 --seed=11 >/dev/null ||
    fail "writer --create failed"

# new_ghost MARK: a fresh _t_new copied from t, its comment set to MARK.
new_ghost() {
    sql primary "CREATE TABLE w._t_new LIKE w.t; INSERT INTO w._t_new SELECT * FROM w.t;
        ALTER TABLE w._t_new COMMENT = '$1'" || fail "cannot create the ghost $1"
}

# tables_are 'name:comment ...': t, _t_new and _t_old as they must be.
tables_are() {
    got=$(sql primary "SELECT CONCAT(TABLE_NAME, ':', TABLE_COMMENT) FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = 'w' AND TABLE_NAME IN ('t', '_t_new', '_t_old')" |
        LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$1" ] || e2e_fail "$2: tables are '$got', expected '$1'"
}

# wait_holder SECONDS: until the lock holder runs its SELECT SLEEP(SECONDS).
wait_holder() {
    i=0
    while [ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP($1)%'")" = 0 ]; do
        i=$((i + 1))
        [ "$i" -lt 200 ] || fail "the lock holder did not start"
        sleep 0.1
    done
}

# cutover NAME ARGS...: run the driver; status in CUT_STATUS, line in CUT_OUT.
cutover() {
    name=$1
    shift
    CUT_STATUS=0
    "$TOOLS/cutover-driver" $CONN --database=w -v "$@" >"$E2E_DIR/cut.out" 2>"$E2E_DIR/cut.err" ||
        CUT_STATUS=$?
    CUT_OUT=$(cat "$E2E_DIR/cut.out")
    e2e_log "$name: $CUT_OUT"
}

"$TOOLS/writer" $CONN --database=w --threads=4 --stop-file="$E2E_DIR/stop" \
    --latency-log="$E2E_DIR/latency" >"$E2E_DIR/writer.out" 2>&1 &
WRITER=$!
sleep 1

# 1. The swap, with a catch-up that writes the ghost (as the applier will)
#    and holds the lock for 200 ms.
new_ghost g1
cutover swap --catch-up-ms=200 --catch-up-sql="INSERT INTO w._t_new (id) VALUES (-999999)"
[ "$CUT_STATUS" = 0 ] || { cat "$E2E_DIR/cut.err" >&2; e2e_fail "the cut-over failed ($CUT_STATUS)"; }
tables_are "_t_old: t:g1" "after the swap"
[ "$(sql_value primary "SELECT COUNT(*) FROM w.t WHERE id = -999999")" = 1 ] ||
    e2e_fail "the catch-up's write to the ghost is not in the new t"
[ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'w' AND TABLE_NAME = '_t_old'")" -gt 2 ] ||
    e2e_fail "_t_old is not the original table"
# The writer goes on, now on the new t.
sum1=$(sql_value primary "CHECKSUM TABLE w.t" | cut -f2)
sleep 1
sum2=$(sql_value primary "CHECKSUM TABLE w.t" | cut -f2)
[ "$sum1" != "$sum2" ] || e2e_fail "no writes reached the new t"

# 2. A transaction holds t for 4 s; lock timeout 1 s: retry, then swap.
sql primary "DROP TABLE w._t_old"
new_ghost g2
sql primary "BEGIN; SELECT COUNT(*) FROM w.t FOR UPDATE; SELECT SLEEP(4); COMMIT" >/dev/null &
HOLDER=$!
wait_holder 4
cutover retry --lock-wait-timeout=1 --retries=20 --backoff-ms=200
wait "$HOLDER"
[ "$CUT_STATUS" = 0 ] || { cat "$E2E_DIR/cut.err" >&2; e2e_fail "the cut-over after a long transaction failed"; }
case $CUT_OUT in
*"attempts 1,"*) e2e_fail "the long transaction did not make an attempt time out: $CUT_OUT" ;;
esac
grep -q 'Lock wait timeout' "$E2E_DIR/cut.err" || e2e_fail "no lock wait timeout was seen"
tables_are "_t_old:g1 t:g2" "after the retried swap"

# 3. A lock that outlasts every attempt: fail, t in place, no sentry.
sql primary "DROP TABLE w._t_old"
new_ghost g3
sql primary "LOCK TABLES w.t READ; SELECT SLEEP(60)" >/dev/null 2>&1 &
HOLDER=$!
wait_holder 60
cutover held --lock-wait-timeout=1 --retries=2 --backoff-ms=100
for id in $(sql primary "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%'"); do
    sql primary "KILL $id"
done
wait "$HOLDER"
[ "$CUT_STATUS" = 1 ] || e2e_fail "a held lock: expected status 1, got $CUT_STATUS"
grep -q 'the original table is in place' "$E2E_DIR/cut.err" || e2e_fail "no clean failure message"
tables_are "_t_new:g3 t:g2" "after the failed cut-over"

# 4. L dies during the catch-up: the rename is not even queued.
cutover kill-in-catch-up --kill-lock=catch-up --retries=0
[ "$CUT_STATUS" = 1 ] || e2e_fail "L killed in the catch-up: expected status 1, got $CUT_STATUS"
grep -q "lock connection was lost during the catch-up" "$E2E_DIR/cut.err" ||
    e2e_fail "L killed in the catch-up: no such message"
tables_are "_t_new:g3 t:g2" "after L died in the catch-up"
#    L dies with the rename queued: the catch-up was done and L held t
#    without a gap until it died, and the sentry was dropped before R
#    was sent (R queues on t itself, ahead of the writers), so R's swap
#    is of a caught-up ghost and goes ahead.
cutover kill-queued --kill-lock=queued --retries=0
[ "$CUT_STATUS" = 0 ] || e2e_fail "L killed with the rename queued: expected status 0, got $CUT_STATUS"
tables_are "_t_old:g2 t:g3" "after L died with the rename queued"

touch "$E2E_DIR/stop"
wait "$WRITER" || e2e_fail "the writer reported errors: $(cat "$E2E_DIR/writer.out")"
e2e_log "$(cat "$E2E_DIR/writer.out")"
e2e_log "writer seconds with the longest transactions (second unix_time commits max_ms):"
e2e_log "$(sort -k4 -n -r "$E2E_DIR/latency" | head -n 5 | tr '\n' ';')"

sql primary "DROP TABLE w._t_old"
expect_no_leftovers primary w
exit 0
