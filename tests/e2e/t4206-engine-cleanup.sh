#!/bin/sh
# After the swap (issue 11):
#   1. "row changes replayed" counts rows: 50 rows whose key changes (each
#      replayed as a DELETE plus a REPLACE) and 10 deleted rows are 60.
#   2. The main connection killed right after the swap (held there by
#      OSC_TEST_PAUSE_AT=cleanup): the changelog and the old table are
#      dropped on a connection of their own, exit 0, nothing left.
#   3. The same while the account cannot log in any more: exit 4, and each
#      table left (`_t_old`, the whole original table, and `_t_osc`) is
#      named with the DROP that removes it; those DROPs leave nothing.
# The mirror writer runs through 2 and 3.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools

# 1. Counted rows, no writer: the figure is known exactly. The changes
# are made while the copy is paused after its first chunk, so after the
# position the replay starts from.
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=c --create=int \
    --rows=2000 --seed=61 >/dev/null || fail "writer --create failed"
OSC_TEST_PAUSE_AT="copy-chunk:2000" start_osc $(osc_conn primary) \
    --chunk-size=500 --alter="ADD COLUMN n1 INT NOT NULL DEFAULT 1" \
    --execute c.t
wait_osc_line "test pause at copy-chunk" 60
sql primary "BEGIN;
    UPDATE c.t SET id = id + 1000000 ORDER BY id LIMIT 50;
    UPDATE c.t_mirror SET id = id + 1000000 ORDER BY id LIMIT 50;
    COMMIT;
    BEGIN;
    DELETE FROM c.t WHERE id < 1000000 ORDER BY id DESC LIMIT 10;
    DELETE FROM c.t_mirror WHERE id < 1000000 ORDER BY id DESC LIMIT 10;
    COMMIT" || fail "cannot change c.t"
finish_osc
expect_status 0
expect_err ' 60 row changes replayed' ||
    e2e_log "$(grep '^done:' "$E2E_DIR/osc.err")"
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=c --verify \
    >"$E2E_DIR/verify.c" 2>&1 || e2e_fail "c.t differs from its mirror"
expect_no_leftovers primary c

# 2 and 3 run as a user of their own, whose account 3 locks.
sql primary "CREATE USER 'oscu'@'127.0.0.1';
    GRANT ALL PRIVILEGES ON *.* TO 'oscu'@'127.0.0.1'"
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=w --create=int \
    --rows=3000 --seed=62 >/dev/null || fail "writer --create failed"
start_writer w --threads=2 --seed=63
sleep 1

thread_of() {
    sed -n "s/.*connection '$1' is server thread \([0-9]*\).*/\1/p" \
        "$E2E_DIR/osc.err" | tail -n 1
}

# kill_main_after_swap ALTER [SQL]: pause after the swap, run SQL, KILL
# the main connection, let the run end.
kill_main_after_swap() {
    rm -f "$E2E_DIR/resume"
    OSC_TEST_PAUSE_AT="cleanup:600000" \
        OSC_TEST_RESUME_FILE="$E2E_DIR/resume" start_osc -h127.0.0.1 \
        -P"$PRIMARY_PORT" -uoscu -v --chunk-size=500 --alter="$1" \
        --execute w.t
    wait_osc_line "test pause at cleanup" "$OSC_TIMEOUT"
    id=$(thread_of main)
    [ -n "$id" ] || fail "osc did not name the main connection's thread"
    [ -z "${2:-}" ] || sql primary "$2" || e2e_fail "cannot run '$2'"
    sql primary "KILL CONNECTION $id" || e2e_fail "cannot KILL $id"
    touch "$E2E_DIR/resume"
    finish_osc
    e2e_log "main (thread $id) killed after the swap: osc exited $OSC_STATUS; $(grep -E '^(warning|error|fatal)' "$E2E_DIR/osc.err" | tr '\n' ' ')"
}

# 2. The undo's own connection drops both tables.
kill_main_after_swap "ADD COLUMN n2 INT NOT NULL DEFAULT 2"
expect_status 0
expect_err 'cannot drop `_t_osc` on the main connection'
expect_no_leftovers primary w

# 3. Nobody can reconnect: exit 4, each leftover named with its DROP.
kill_main_after_swap "ADD COLUMN n3 INT NOT NULL DEFAULT 3" \
    "ALTER USER 'oscu'@'127.0.0.1' ACCOUNT LOCK"
sql primary "ALTER USER 'oscu'@'127.0.0.1' ACCOUNT UNLOCK"
expect_status 4
expect_err 'w`.`t` was migrated, but cleaning up failed'
expect_err 'table `w`.`_t_old` is left .*remove it with: DROP TABLE IF EXISTS `w`.`_t_old`'
expect_err 'table `w`.`_t_osc` is left .*remove it with: DROP TABLE IF EXISTS `w`.`_t_osc`'
sed -n 's/.* is left .*; remove it with: \(DROP TABLE .*\)$/\1/p' \
    "$E2E_DIR/osc.err" >"$E2E_DIR/drops"
[ "$(wc -l <"$E2E_DIR/drops")" = 2 ] ||
    e2e_fail "expected 2 DROP statements: $(cat "$E2E_DIR/drops")"
while read -r stmt; do
    sql primary "$stmt" || e2e_fail "cannot run '$stmt'"
done <"$E2E_DIR/drops"
expect_no_leftovers primary w

stop_writer w
for c in n2 n3; do
    sql primary "SHOW CREATE TABLE w.t" | grep -q "\`$c\`" ||
        e2e_fail "the column $c was not added"
done
exit 0
