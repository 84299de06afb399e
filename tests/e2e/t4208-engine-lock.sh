#!/bin/sh
# The connection that holds the run's GET_LOCK (issue 11). osc checks once
# a second that its main connection still holds the lock (which also keeps
# that otherwise idle connection busy):
#   1. KILL of the main connection mid-copy: the run stops at once,
#      cleanly (exit 1, nothing left, t unchanged and equal to its
#      mirror); it does not take the lock again (another run may have).
#   2. While a run holds the lock, a second run on the table is refused.
#   3. The server's wait_timeout at 2 s (new sessions only; osc's own
#      sessions set theirs) and a long copy: the run finishes.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=w --create=int \
    --rows=3000 --seed=91 >/dev/null || fail "writer --create failed"
start_writer w --threads=2 --seed=92
sleep 1

thread_of() {
    sed -n "s/.*connection '$1' is server thread \([0-9]*\).*/\1/p" \
        "$E2E_DIR/osc.err" | tail -n 1
}
lock_holder() {
    sql_value primary "SELECT IFNULL(IS_USED_LOCK('osc.w.t'), 0)"
}

# 1 and 2.
rm -f "$E2E_DIR/resume"
OSC_TEST_PAUSE_AT="copy-chunk:600000" OSC_TEST_RESUME_FILE="$E2E_DIR/resume" \
    start_osc $(osc_conn primary) -v --chunk-size=500 \
    --alter="ADD COLUMN l1 INT NOT NULL DEFAULT 1" --execute w.t
wait_osc_line "test pause at copy-chunk" 60
id=$(thread_of main)
[ -n "$id" ] || fail "osc did not name the main connection's thread"
[ "$(lock_holder)" = "$id" ] || e2e_fail "the main connection ($id) does not hold the lock ($(lock_holder))"
# A second run while the first holds the lock: refused, nothing touched.
second_err=$E2E_DIR/second.err
"$OSC_BIN" $(osc_conn primary) --alter="ADD COLUMN l2 INT" --execute w.t \
    >/dev/null 2>"$second_err"
second=$?
[ "$second" = 1 ] || e2e_fail "a second run on the table exited $second"
grep -Eq "lock|under way|left over" "$second_err" ||
    { cat "$second_err" >&2; e2e_fail "the second run did not say why"; }
sql primary "KILL CONNECTION $id" || e2e_fail "cannot KILL $id"
touch "$E2E_DIR/resume"
finish_osc
e2e_log "main (thread $id) killed mid-copy: osc exited $OSC_STATUS; $(grep -E '^(error|fatal)' "$E2E_DIR/osc.err" | tr '\n' ' ')"
expect_status 1
expect_err "holds the lock 'osc.w.t'.*was lost"
expect_no_leftovers primary w
[ "$(lock_holder)" = 0 ] || e2e_fail "the lock is still held"
sql primary "SHOW CREATE TABLE w.t" | grep -q '`l1`' &&
    e2e_fail "t has the new column"
table_is_usable w

# 3. A short server wait_timeout and a copy that outlasts it.
sql primary "SET GLOBAL wait_timeout = 2"
OSC_TEST_PAUSE_AT="copy-chunk:5000" run_osc_bounded "$OSC_TIMEOUT" \
    $(osc_conn primary) --chunk-size=500 \
    --alter="ADD COLUMN l3 INT NOT NULL DEFAULT 3" --execute w.t
sql primary "SET GLOBAL wait_timeout = 28800"
expect_status 0
expect_no_leftovers primary w
stop_writer w
sql primary "SHOW CREATE TABLE w.t" | grep -q '`l3`' ||
    e2e_fail "the column l3 was not added"
exit 0
