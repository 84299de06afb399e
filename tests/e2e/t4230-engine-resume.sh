#!/bin/sh
# Resume (osc(1) RESUMING). One migration of w.t under the mirror writer
# (inserts, updates that change the primary key, deletes) is stopped five
# times and resumed each time, the writer running throughout:
#   1. SIGKILL at a chunk boundary of the first run (test pause);
#   2. `panic --keep` on the status socket, in the first resumed run;
#   3. SIGKILL at a random point of the copy (maybe inside a chunk);
#   4. SIGKILL after the copy, while the cut-over is postponed;
#   5. SIGKILL in the catch-up, held there by a throttle;
# then a last `osc --resume --execute` finishes it, and t must equal its
# mirror row for row, with the new column and nothing left over. A plain
# rerun over the leftovers refuses and says --resume would save the copy.
# The same, once, for u.t, whose copy takes locks (a second unique key).
# Then on r.t the refusals, each changing nothing: a different --alter,
# another server_id, the binary log purged past the checkpoint, the table
# changed, and nothing to resume.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
OPS_SOCK="$E2E_DIR/osc.sock"
. "$OSC_SRCDIR/tests/e2e/ops-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
ALTER="ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x'"
ROWS=20000

"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=w --create=int \
    --rows=$ROWS --seed=41 >/dev/null || fail "writer --create failed"
start_writer w --threads=2 --seed=42
sleep 1

# expect_kept DB: the ghost and the changelog are there, the table as it
# was (no new column, no old table).
expect_kept() {
    n=$(sql_value primary "SELECT COUNT(*) FROM information_schema.tables
        WHERE table_schema='$1' AND table_name IN ('_t_new', '_t_osc')")
    [ "$n" = 2 ] || e2e_fail "$1: the ghost and the changelog are not both kept"
    n=$(sql_value primary "SELECT COUNT(*) FROM information_schema.tables
        WHERE table_schema='$1' AND table_name = '_t_old'")
    [ "$n" = 0 ] || e2e_fail "$1: _t_old exists"
    sql primary "SHOW CREATE TABLE $1.t" | grep -q '`note`' &&
        e2e_fail "$1: t has the new column"
    table_is_usable "$1"
}

# resumed_rows: the rows the last resumed run said were copied before it.
resumed_rows() {
    sed -n 's/.*low-water mark (\([0-9]*\) rows copied before).*/\1/p' \
        "$E2E_DIR/osc.err" | head -n 1
}

saved=0

# 1. SIGKILL at a chunk boundary of the first run.
OSC_TEST_PAUSE_AT="copy-rows-4000:60000" start_osc $(osc_conn primary) \
    --chunk-size=200 --instant=never --alter="$ALTER" --execute w.t
wait_osc_line "test pause at copy-rows-4000" 90
kill -KILL "$OSC_PID"
finish_osc
[ "$OSC_STATUS" = 137 ] || e2e_fail "1: SIGKILL: status $OSC_STATUS"
expect_kept w

# A plain rerun refuses, and says how much --resume would save.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --instant=never --alter="$ALTER" \
    --execute w.t
expect_status 1
expect_err "table \`w\`.\`_t_new\` is left over from an earlier osc run"
expect_err "can be resumed instead: osc --resume --execute w.t .*saves the copy done so far \([0-9]+ rows, about [0-9]+%\)"
expect_kept w

# A resume without --execute checks and changes nothing.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --resume w.t
expect_status 0
expect_err "the checkpoint can be resumed: phase copy, [0-9]+ rows copied"
expect_kept w

# 2. The first resume (the ALTER read from the checkpoint) stops on
# `panic --keep`, sent while it pauses at a chunk boundary.
OSC_TEST_RESUME_FILE="$E2E_DIR/go2" \
OSC_TEST_PAUSE_AT="copy-rows-8000:60000" start_osc $(osc_conn primary) \
    --chunk-size=200 --status-socket="$OPS_SOCK" --resume --execute w.t
wait_osc_line "test pause at copy-rows-8000" 90
n=$(resumed_rows)
e2e_log "2: resumed after $n rows"
[ -n "$n" ] && [ "$n" -ge 4000 ] ||
    e2e_fail "2: the resume did not start from the checkpoint ($n)"
expect_err "resume: the ALTER from the checkpoint: ADD COLUMN note"
expect_answer "panic --keep" \
    "ok: stopping, keeping the ghost and the changelog for --resume"
touch "$E2E_DIR/go2"
finish_osc
expect_status 1
expect_err "stopped by the 'panic --keep' command.*are kept with the checkpoint.*osc --resume --execute w.t"
expect_kept w

# 3. SIGKILL at a random point of the copy: the pause ends at once, the
# kill comes a moment later, inside a chunk or between two (or, on a
# fast machine, after the copy: the cut-over is postponed, so never past
# it).
touch "$E2E_DIR/postpone"
OSC_TEST_RESUME_FILE="$E2E_DIR/go3" \
OSC_TEST_PAUSE_AT="copy-rows-10000:60000" start_osc $(osc_conn primary) \
    --chunk-size=20 --resume --alter="$ALTER" --execute \
    --postpone-cut-over-flag-file="$E2E_DIR/postpone" w.t
wait_osc_line "test pause at copy-rows-10000" 90
n=$(resumed_rows)
[ -n "$n" ] && [ "$n" -ge 8000 ] ||
    e2e_fail "3: the resume did not start from the checkpoint ($n)"
touch "$E2E_DIR/go3"
sleep 0.3
kill -KILL "$OSC_PID"
finish_osc
if grep -Eq "copy: [0-9]+ rows copied" "$E2E_DIR/osc.err"; then
    e2e_log "3: killed after the copy had ended"
else
    e2e_log "3: killed during the copy"
fi
[ "$OSC_STATUS" = 137 ] || e2e_fail "3: SIGKILL: status $OSC_STATUS"
expect_kept w

# 4. SIGKILL after the copy, while the cut-over is postponed.
start_osc $(osc_conn primary) --chunk-size=500 --resume --execute \
    --postpone-cut-over-flag-file="$E2E_DIR/postpone" w.t
wait_osc_line "copy: [0-9]+ rows copied" 150
sleep 2
kill -KILL "$OSC_PID"
finish_osc
[ "$OSC_STATUS" = 137 ] || e2e_fail "4: SIGKILL: status $OSC_STATUS"
expect_kept w

# 5. SIGKILL in the catch-up: held there by the throttle flag file (the
# replay goes on while throttled, the swap waits).
rm -f "$E2E_DIR/postpone"
touch "$E2E_DIR/throttle"
start_osc $(osc_conn primary) -v --resume --execute \
    --throttle-flag-file="$E2E_DIR/throttle" w.t
wait_osc_line "phase: catch-up" 150
sleep 2.5
kill -KILL "$OSC_PID"
finish_osc
[ "$OSC_STATUS" = 137 ] || e2e_fail "5: SIGKILL: status $OSC_STATUS"
expect_kept w
sql primary "SELECT value FROM w._t_osc WHERE hint = 'checkpoint'" |
    grep -q ' phase=catch-up ' ||
    e2e_fail "5: no checkpoint of the catch-up"
rm -f "$E2E_DIR/throttle"

# 6. The last resume finishes: the copy was complete, only the replay and
# the cut-over are left.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --resume --execute w.t
expect_status 0
expect_err "resume: the checkpoint's copy was complete"
expect_err "done: \`w\`.\`t\` migrated"
expect_no_leftovers primary w
sql primary "SHOW CREATE TABLE w.t" | grep -q '`note`' ||
    e2e_fail "the resumed run did not add the column"
stop_writer w

# ---- the copy with locks (the ghost keeps a second unique key) ---------

"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=u --create=int \
    --create-extra=unique --rows=8000 --seed=44 >/dev/null ||
    fail "writer --create u failed"
start_writer u --threads=2 --seed=45
sleep 1
OSC_TEST_PAUSE_AT="copy-rows-3000:60000" start_osc $(osc_conn primary) -v \
    --chunk-size=200 --instant=never --alter="$ALTER" --execute u.t
wait_osc_line "test pause at copy-rows-3000" 90
grep -q "copy: LOCK IN SHARE MODE" "$E2E_DIR/osc.err" ||
    e2e_fail "u: the copy should take locks (a second unique key)"
kill -KILL "$OSC_PID"
finish_osc
[ "$OSC_STATUS" = 137 ] || e2e_fail "u: SIGKILL: status $OSC_STATUS"
expect_kept u
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=200 \
    --resume --execute u.t
expect_status 0
n=$(resumed_rows)
[ -n "$n" ] && [ "$n" -ge 3000 ] ||
    e2e_fail "u: the resume did not start from the checkpoint ($n)"
expect_no_leftovers primary u
stop_writer u

# ---- refusals, each leaving everything in place ----------------------

"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=r --create=int \
    --rows=6000 --seed=43 >/dev/null || fail "writer --create r failed"
OSC_TEST_PAUSE_AT="copy-rows-2000:60000" start_osc $(osc_conn primary) \
    --chunk-size=200 --instant=never --alter="$ALTER" --execute r.t
wait_osc_line "test pause at copy-rows-2000" 90
kill -KILL "$OSC_PID"
finish_osc
expect_kept r
AFRESH="to start afresh: DROP TABLE \`r\`.\`_t_new\`, \`r\`.\`_t_osc\`, then run osc without --resume"

# A different --alter.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --resume \
    --alter="ADD COLUMN other INT" --execute r.t
expect_status 1
expect_err "cannot resume: --alter='ADD COLUMN other INT' is not the ALTER of the checkpoint \('ADD COLUMN note VARCHAR.32. NOT NULL DEFAULT .x.'\); resume without --alter or with that one; $AFRESH"
[ "$(grep -c '^error' "$E2E_DIR/osc.err")" = 1 ] ||
    e2e_fail "a refusal takes more than one line"
expect_kept r

# Another server (as after a failover): here, the same one renumbered.
sid=$(sql_value primary "SELECT @@global.server_id")
sql primary "SET GLOBAL server_id = $((sid + 1000))"
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --resume --execute r.t
sql primary "SET GLOBAL server_id = $sid"
expect_status 1
expect_err "cannot resume: the checkpoint was written on the server with server_id $sid, this is server_id $((sid + 1000)) \(a failover\?\).*; $AFRESH"
expect_kept r

# The binary log from the checkpoint's position purged. The server keeps
# a file its crash recovery still needs (MariaDB's binlog checkpoint), so
# rotate and purge until the checkpoint's file is gone.
ckfile=$(sql primary "SELECT value FROM r._t_osc WHERE hint = 'checkpoint'" |
    sed -n 's/.* binlog-file=\([^ ]*\) .*/\1/p')
[ -n "$ckfile" ] || fail "no binlog file in the checkpoint"
purged() {
    sql primary "FLUSH BINARY LOGS"
    newest=$(sql primary "SHOW MASTER STATUS" | cut -f1)
    sql primary "PURGE BINARY LOGS TO '$newest'"
    ! sql primary "SHOW BINARY LOGS" | cut -f1 | grep -qx "$ckfile"
}
wait_for 60 purged || fail "cannot purge $ckfile"
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --resume --execute r.t
expect_status 1
expect_err "cannot resume: the binary log \`[^\`]+\` that the checkpoint replays from is no longer on the server \(purged\).*; $AFRESH"
expect_kept r

# The table changed since the checkpoint.
sql primary "ALTER TABLE r.t ADD INDEX k_extra (id)"
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --resume --execute r.t
expect_status 1
expect_err "cannot resume: the definition of the table changed since the checkpoint; $AFRESH"
expect_kept r

# Starting afresh as told works.
sql primary "ALTER TABLE r.t DROP INDEX k_extra"
sql primary "DROP TABLE \`r\`.\`_t_new\`, \`r\`.\`_t_osc\`"
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=1000 \
    --alter="$ALTER" --execute r.t
expect_status 0
expect_no_leftovers primary r

# Nothing to resume.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --resume --execute r.t
expect_status 1
expect_err "cannot resume: there is no interrupted run of r.t to go on with \(no changelog \`r\`.\`_t_osc\`\); run osc without --resume"
exit 0
