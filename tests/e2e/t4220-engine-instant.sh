#!/bin/sh
# --instant=never|auto|only (issue 15): a metadata-only ALTER stands in
# for the copy only when asked, and only when the server can run it
# instantly (its answer on the ghost decides; the table's decides last):
#  1. the dry run's "instant:" line says what --execute would do, and
#     --instant=only refuses in the dry run what cannot be instant;
#  2. --instant=auto under the mirror writer: ALGORITHM=INSTANT on the
#     table, no copy, no ghost or changelog left, the schema a native
#     ALTER's, t equal to its mirror;
#  3. --instant=auto with an ALTER that cannot be instant: the copy runs;
#  4. a transaction holding the table's metadata lock: the instant ALTER
#     waits --cut-over-lock-timeout, warns, retries, then succeeds; with
#     --cut-over-retries=0 it fails cleanly, table unchanged;
#  5. usage errors: a bad WHEN, --instant=only with --no-drop-old-table;
#     --instant=auto with --no-drop-old-table copies and keeps _t_old;
#  6. the default is auto; it waits for the throttler (a flag file);
#  7. the server refuses for the table what it took for the ghost
#     (innodb_instant_alter_column_allowed=never set meanwhile): auto
#     copies from an empty ghost under the mirror writer, exactly.
# (lib.sh makes every other test's osc copy: --instant=never.)
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=w --create=int \
    --rows=${OSC_TEST_ROWS:-4000} --seed=41 >/dev/null ||
    fail "writer --create failed"
sql primary "CREATE TABLE w.native LIKE w.t"

schema() {
    sql primary "SHOW CREATE TABLE w.$1" | cut -f2- |
        sed "s/^CREATE TABLE \`$1\`//; s/ AUTO_INCREMENT=[0-9]*//"
}
same_as_native() {
    sql primary "ALTER TABLE w.native $1" || fail "native ALTER failed: $1"
    [ "$(schema t)" = "$(schema native)" ] || e2e_fail "$2: schema differs from a native ALTER:
got:  $(schema t)
want: $(schema native)"
}

ADD_COL="ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x'"
ADD_IDX="ADD INDEX k_i (c_i)"

# 1. Dry runs.
run_osc $(osc_conn primary) --instant=never --alter="$ADD_COL" w.t
expect_status 0
expect_out '^instant: +possible, not used: '
run_osc $(osc_conn primary) --instant=auto --alter="$ADD_COL" w.t
expect_status 0
expect_out '^instant: +yes: '
run_osc $(osc_conn primary) --instant=auto --alter="$ADD_IDX" w.t
expect_status 0
expect_out '^instant: +no: .*ALGORITHM=INSTANT'
before=$(schema t)
run_osc $(osc_conn primary) --instant=only --alter="$ADD_IDX" w.t
expect_status 1
expect_err '^error: --instant=only: the server cannot run this ALTER instantly: .*; run without --instant=only'
run_osc $(osc_conn primary) --instant=only --alter="$ADD_IDX" --execute w.t
expect_status 1
expect_err '^error: --instant=only: the server cannot run this ALTER instantly'
expect_no_leftovers primary w
[ "$(schema t)" = "$before" ] || e2e_fail "1: --instant=only changed the table"

# 2. --instant=auto under the writer: no copy.
start_writer w --threads=2 --seed=42 --rate=${OSC_TEST_RATE:-400}
sleep 1
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --instant=auto \
    --alter="$ADD_COL" --execute w.t
expect_status 0 || fail "2: the instant migration failed"
expect_err 'done: `w`.`t` migrated instantly \(ALGORITHM=INSTANT, no copy\)'
if grep -q 'rows copied into' "$E2E_DIR/osc.err"; then
    e2e_fail "2: the table was copied"
fi
expect_no_leftovers primary w
same_as_native "$ADD_COL" 2

# 3. --instant=auto, an ALTER that must copy (writer still running).
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --instant=auto \
    --chunk-size=500 --alter="$ADD_IDX" --execute w.t
expect_status 0 || fail "3: the copied migration failed"
expect_err 'rows copied into'
if grep -q 'migrated instantly' "$E2E_DIR/osc.err"; then
    e2e_fail "3: an index was added 'instantly'"
fi
expect_no_leftovers primary w
same_as_native "$ADD_IDX" 3
stop_writer w

# 4. A transaction holds the metadata lock.
wait_holder() {
    wait_for 20 sh -c "[ \"\$($MYSQL --no-defaults -S $PRIMARY_SOCK -uroot -N -e \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP($1)%'\")\" != 0 ]" ||
        fail "the holder did not start"
}
kill_holder() {
    for id in $(sql primary "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP($1)%'"); do
        sql primary "KILL $id"
    done
}
sql primary "BEGIN; SELECT COUNT(*) FROM w.t; SELECT SLEEP(600); COMMIT" >/dev/null 2>&1 &
HOLDER=$!
wait_holder 600
start_osc $(osc_conn primary) --instant=auto --cut-over-lock-timeout=1s \
    --alter="ADD COLUMN n2 INT" --execute w.t
wait_osc_line 'metadata lock was not free within 1s' "$OSC_TIMEOUT"
kill_holder 600
wait "$HOLDER"
finish_osc
expect_status 0 || fail "4: the instant ALTER after a held lock failed"
expect_err 'migrated instantly'
same_as_native "ADD COLUMN n2 INT" 4

sql primary "BEGIN; SELECT COUNT(*) FROM w.t; SELECT SLEEP(601); COMMIT" >/dev/null 2>&1 &
HOLDER=$!
wait_holder 601
before=$(schema t)
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --instant=only \
    --cut-over-lock-timeout=1s --cut-over-retries=0 \
    --alter="ADD COLUMN n3 INT" --execute w.t
kill_holder 601
wait "$HOLDER"
expect_status 1
expect_err 'the instant ALTER of `t` failed: .*[Ll]ock wait timeout'
expect_no_leftovers primary w
[ "$(schema t)" = "$before" ] || e2e_fail "4: a failed instant ALTER changed the table"
table_is_usable w

# 5. Usage, and --no-drop-old-table.
run_osc $(osc_conn primary) --instant=sometimes --alter="$ADD_COL" w.t
expect_status 2
run_osc $(osc_conn primary) --instant=only --no-drop-old-table \
    --alter="ADD COLUMN n4 INT" w.t
expect_status 2
expect_err '--instant=only cannot keep the old table'
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --instant=auto \
    --no-drop-old-table --alter="ADD COLUMN n4 INT" --execute w.t
expect_status 0
expect_err 'instant: not used: --no-drop-old-table'
expect_err 'rows copied into'
[ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='w' AND TABLE_NAME='_t_old'")" = 1 ] ||
    e2e_fail "5: the old table was not kept"
sql primary "DROP TABLE w._t_old"
same_as_native "ADD COLUMN n4 INT" 5

# 6. The default, held by a throttle flag file until it is removed.
touch "$E2E_DIR/throttle"
OSC_BIN=$OSC_BIN_REAL start_osc $(osc_conn primary) \
    --throttle-flag-file="$E2E_DIR/throttle" \
    --alter="ADD COLUMN n5 INT" --execute w.t
wait_osc_line 'paused' "$OSC_TIMEOUT"
sleep 1
[ -z "$(sql primary "SHOW COLUMNS FROM w.t LIKE 'n5'")" ] ||
    e2e_fail "6: the instant ALTER ran while throttled"
rm -f "$E2E_DIR/throttle"
finish_osc
expect_status 0 || fail "6: the default instant migration failed"
expect_err 'migrated instantly'
same_as_native "ADD COLUMN n5 INT" 6
expect_no_leftovers primary w

# 7. Refused for the table after the ghost took it: the copy, exactly.
start_writer w --threads=2 --seed=43 --rate=${OSC_TEST_RATE:-400}
sleep 1
OSC_TEST_PAUSE_AT="instant:600000" OSC_TEST_RESUME_FILE="$E2E_DIR/resume7" \
    start_osc $(osc_conn primary) --instant=auto --chunk-size=500 \
    --alter="ADD COLUMN n6 INT NOT NULL DEFAULT 6" --execute w.t
wait_osc_line 'test pause at instant' "$OSC_TIMEOUT"
old_allowed=$(sql_value primary "SELECT @@GLOBAL.innodb_instant_alter_column_allowed")
sql primary "SET GLOBAL innodb_instant_alter_column_allowed = 'never'"
sleep 1
touch "$E2E_DIR/resume7"
finish_osc
sql primary "SET GLOBAL innodb_instant_alter_column_allowed = '$old_allowed'"
expect_status 0 || fail "7: the fallback to the copy failed"
expect_err 'instant: the server refused ALGORITHM=INSTANT for `w`.`t`.*copying instead'
expect_err 'rows copied into'
stop_writer w
expect_no_leftovers primary w
same_as_native "ADD COLUMN n6 INT NOT NULL DEFAULT 6" 7
exit 0
