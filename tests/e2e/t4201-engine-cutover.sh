#!/bin/sh
# The engine's cut-over under load (DESIGN.md 5). With the writer running
# unthrottled the cut-over finishes and writers see no error; osc's
# "writers waited N ms" and the writer's longest transaction are logged.
# A transaction that holds `t` (its metadata lock) longer than
# --cut-over-lock-timeout makes attempts time out and retry until it ends,
# and the migration finishes; with --cut-over-retries=0 the run fails
# cleanly: exit 1, `t` intact and usable, nothing left.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=w --create=int \
    --rows=5000 --seed=21 >/dev/null || fail "writer --create failed"

# wait_holder SECONDS: until the holder runs its SELECT SLEEP(SECONDS).
wait_holder() {
    wait_for 20 sh -c "[ \"\$($MYSQL --no-defaults -S $PRIMARY_SOCK -uroot -N -e \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP($1)%'\")\" != 0 ]" ||
        fail "the holder did not start"
}

kill_holder() {
    for id in $(sql primary "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP($1)%'"); do
        sql primary "KILL $id"
    done
}

start_writer w --threads=2 --seed=22
sleep 1

# 1. Under the writer at full speed.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=500 \
    --alter="ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x'" --execute w.t
expect_status 0 || fail "the migration under the writer failed"
waited=$(sed -n 's/.*writers waited \([0-9]*\) ms.*/\1/p' "$E2E_DIR/osc.err")
[ -n "$waited" ] || e2e_fail "osc did not say how long writers waited"
e2e_log "full speed: $(grep '^cut-over:' "$E2E_DIR/osc.err")"
expect_no_leftovers primary w

stop_writer w
e2e_log "writer seconds with the longest transactions (second unix_time commits max_ms):"
e2e_log "$(sort -k4 -n -r "$E2E_DIR/latency.w" | head -n 3 | tr '\n' ';')"
# The rest is about lock holders, not speed: a steady writer.
start_writer w --threads=2 --seed=23 --rate=300

# 2. A transaction holds t until an attempt has timed out (lock timeout
# 1 s): retry, then swap. The holder is released when osc says an attempt
# failed, not after a fixed time: under `make -j` the copy alone took
# longer than a 5 s holder, which had ended before the first attempt.
sql primary "BEGIN; SELECT COUNT(*) FROM w.t; SELECT SLEEP(600); COMMIT" >/dev/null 2>&1 &
HOLDER=$!
wait_holder 600
start_osc $(osc_conn primary) -v --chunk-size=500 \
    --cut-over-lock-timeout=1s --alter="ADD INDEX k_i (c_i)" --execute w.t
wait_osc_line 'cut-over: attempt 1 failed' "$OSC_TIMEOUT"
kill_holder 600
wait "$HOLDER"
finish_osc
expect_status 0 || fail "the migration after a long transaction failed"
expect_err 'swapped after ([2-9]|[1-9][0-9]+) attempts' ||
    e2e_fail "the long transaction did not make an attempt time out"
e2e_log "held: $(grep "^cut-over: swapped after" "$E2E_DIR/osc.err")"
expect_no_leftovers primary w
sql primary "SHOW CREATE TABLE w.t" | grep -q 'KEY `k_i`' ||
    e2e_fail "the index was not added"

# 3. The same with no retry, and a lock that outlasts it: fail cleanly.
# (Held until osc has ended, however long its copy takes.)
sql primary "LOCK TABLES w.t READ; SELECT SLEEP(600)" >/dev/null 2>&1 &
HOLDER=$!
wait_holder 600
before=$(sql primary "SHOW CREATE TABLE w.t" | cut -f2-)
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=500 \
    --cut-over-lock-timeout=1s --cut-over-retries=0 \
    --alter="DROP INDEX k_i" --execute w.t
kill_holder 600
wait "$HOLDER"
expect_status 1
expect_err 'cut-over failed after 1 attempt'
expect_err 'is unchanged'
after=$(sql primary "SHOW CREATE TABLE w.t" | cut -f2-)
[ "$before" = "$after" ] || e2e_fail "t changed after a failed cut-over"
expect_no_leftovers primary w
table_is_usable w

stop_writer w
exit 0
