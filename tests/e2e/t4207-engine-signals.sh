#!/bin/sh
# SIGTERM during a stalled cut-over (issue 11): a session holds
# LOCK TABLES t READ for longer than the run lives, and osc waits up to
# --cut-over-lock-timeout=600s for its LOCK TABLES. After SIGTERM osc
# kills its own waiting statement and exits 3 with everything cleaned up,
# while the holder still holds the lock (before, osc waited the whole
# lock timeout out), and the mirror writer saw no error.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=w --create=int \
    --rows=2000 --seed=81 >/dev/null || fail "writer --create failed"
start_writer w --threads=2 --seed=82 --rate=200

holder_count() {
    sql_value primary "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(600)%'"
}

rm -f "$E2E_DIR/resume"
OSC_TEST_PAUSE_AT="copy-chunk:600000" OSC_TEST_RESUME_FILE="$E2E_DIR/resume" \
    start_osc $(osc_conn primary) -v --chunk-size=500 \
    --cut-over-lock-timeout=600s --alter="ADD COLUMN z INT" --execute w.t
wait_osc_line "test pause at copy-chunk" 60
# The holder blocks the writer too, so only while osc needs it.
sql primary "LOCK TABLES w.t READ; SELECT SLEEP(600)" >/dev/null 2>&1 &
HOLDER=$!
wait_for 20 sh -c "[ \"\$($MYSQL --no-defaults -S $PRIMARY_SOCK -uroot -N -e \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(600)%'\")\" != 0 ]" ||
    fail "the holder did not start"
touch "$E2E_DIR/resume"
wait_osc_line "cut-over: method" "$OSC_TIMEOUT"
# Until osc's LOCK TABLES waits behind the holder.
wait_for 60 sh -c "[ \"\$($MYSQL --no-defaults -S $PRIMARY_SOCK -uroot -N -e \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOCK TABLES %_t_old%'\")\" != 0 ]" ||
    e2e_fail "osc's LOCK TABLES was not seen waiting"
kill -TERM "$OSC_PID"
# Bounded: a run that waits for its lock timeout fails here, not in CI.
wait_for 120 sh -c "! kill -0 $OSC_PID" ||
    e2e_fail "osc did not exit within 120 s of SIGTERM"
[ "$(holder_count)" != 0 ] || e2e_fail "the holder ended before osc did"
finish_osc
for id in $(sql primary "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(600)%'"); do
    sql primary "KILL $id"
done
wait "$HOLDER"
e2e_log "SIGTERM in the stalled cut-over: osc exited $OSC_STATUS; $(grep -E '^(error|fatal)' "$E2E_DIR/osc.err" | tr '\n' ' ')"
expect_status 3
expect_err 'interrupted by signal 15'
expect_no_leftovers primary w
table_is_usable w
stop_writer w
sql primary "SHOW CREATE TABLE w.t" | grep -q '`z`' &&
    e2e_fail "t has the new column"
exit 0
