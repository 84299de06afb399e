#!/bin/sh
# Migrations on a 3-node Galera cluster (issue 16, items 5-6 a, b), osc on
# node 1 (galera-lib.sh):
#  a. the mirror writer writes through node 1 only: the migration is
#     exact (t equals its mirror), the new column is on every node, the
#     three nodes hold the same t, nothing is left on any node;
#  b. writers through node 1 and node 2: the run fails cleanly (exit 1)
#     with the line saying the table is written on several Galera nodes
#     and osc needs a single writer node; t is untouched (no new column)
#     and equal to its mirror, nothing is left on any node, the lock is
#     free;
#  c. a change made on node 2 while the cut-over holds t on node 1: the
#     attempt does not swap and nothing hangs; the run fails cleanly.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
. "$OSC_SRCDIR/tests/e2e/galera-lib.sh"
e2e_init
galera_init
start_galera_cluster

no_leftovers_anywhere() {
    expect_no_leftovers primary "$1"
    expect_no_leftovers node2 "$1"
    expect_no_leftovers node3 "$1"
}

# a. One writer node.
sql primary "CREATE DATABASE ga" || fail "cannot create the database"
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=ga \
    --create=int --rows=3000 --seed=11 >/dev/null || fail "writer --create failed"
start_galera_writer primary ga a --threads=2 --seed=12 --rate=300
sleep 1
run_osc_bounded 110 --no-defaults $(osc_conn primary) --chunk-size=200 \
    --alter='ADD COLUMN note VARCHAR(20)' --execute ga.t
expect_status 0
stop_galera_writer a
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=ga \
    --verify >"$E2E_DIR/verify.a" 2>&1 ||
    { cat "$E2E_DIR/verify.a" >&2; e2e_fail "a: t differs from its mirror"; }
for n in primary node2 node3; do
    sql $n "SET SESSION wsrep_sync_wait = 1; SHOW CREATE TABLE ga.t" |
        grep -q '`note`' || e2e_fail "a: node $n has no new column"
done
galera_same_everywhere ga t
no_leftovers_anywhere ga

# b. Writers on two nodes: refused cleanly.
sql primary "CREATE DATABASE gb" || fail "cannot create the database"
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=gb \
    --create=int --rows=3000 --seed=21 >/dev/null || fail "writer --create failed"
start_galera_writer primary gb b1 --threads=1 --seed=22 --rate=150
start_galera_writer node2 gb b2 --threads=1 --seed=23 --rate=150
sleep 1
run_osc_bounded 110 --no-defaults $(osc_conn primary) --chunk-size=200 \
    --alter='ADD COLUMN note VARCHAR(20)' --execute gb.t
expect_status 1
expect_err "^error: .*table \`gb\`\.\`t\` is written on several Galera nodes .*osc needs a single writer node"
stop_galera_writer b1
stop_galera_writer b2
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=gb \
    --verify >"$E2E_DIR/verify.b" 2>&1 ||
    { cat "$E2E_DIR/verify.b" >&2; e2e_fail "b: t differs from its mirror"; }
sql primary "SHOW CREATE TABLE gb.t" | grep -q '`note`' &&
    e2e_fail "b: the column was added"
no_leftovers_anywhere gb
[ "$(sql_value primary "SELECT IS_FREE_LOCK('osc.gb.t')")" = 1 ] ||
    e2e_fail "b: the osc lock is held"
table_is_usable gb
galera_same_everywhere gb t

# c. A change on node 2 while the cut-over holds t on node 1 (the writer
# on node 1 only; OSC_TEST_PAUSE_AT holds the catch-up under the lock):
# node 1's applier waits for the lock (then kills the locking session:
# measured), the attempt does not swap, nothing hangs (no DDL of the
# locking session waits in total order isolation), the change reaches t
# and the run fails cleanly with the single-writer line.
sql primary "CREATE DATABASE gc" || fail "cannot create the database"
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=gc \
    --create=int --rows=1000 --seed=51 >/dev/null || fail "writer --create failed"
start_galera_writer primary gc c --threads=1 --seed=52 --rate=100
OSC_TEST_PAUSE_AT=cut-over-locked:60000 OSC_TEST_RESUME_FILE=$E2E_DIR/resume.c
export OSC_TEST_PAUSE_AT OSC_TEST_RESUME_FILE
start_osc --no-defaults $(osc_conn primary) --cut-over-retries=1 \
    --alter='ADD COLUMN note VARCHAR(20)' --execute gc.t
wait_osc_line "test pause at cut-over-locked" 90
unset OSC_TEST_PAUSE_AT OSC_TEST_RESUME_FILE
# One transaction on node 2, t and its mirror alike: it commits there.
id=$(sql_value node2 "SELECT MIN(id) FROM gc.t_mirror")
sql node2 "BEGIN; UPDATE gc.t SET c_i = 4242 WHERE id = $id;
    UPDATE gc.t_mirror SET c_i = 4242 WHERE id = $id; COMMIT" ||
    fail "the change on node 2 failed"
applier_waits() {
    [ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'system user' AND STATE LIKE 'Waiting for table metadata lock%'")" -ge 1 ]
}
wait_for 20 applier_waits || e2e_fail "c: node 1's applier does not wait for the lock"
touch "$E2E_DIR/resume.c"
i=0
while kill -0 "$OSC_PID" 2>/dev/null && [ $i -lt 900 ]; do
    sleep 0.1
    i=$((i + 1))
done
kill -0 "$OSC_PID" 2>/dev/null && { kill -TERM "$OSC_PID"; e2e_fail "c: osc hung"; }
finish_osc
expect_status 1
expect_err "^error: .*table \`gc\`\.\`t\` is written on several Galera nodes .*osc needs a single writer node"
stop_galera_writer c
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=gc \
    --verify >"$E2E_DIR/verify.c" 2>&1 ||
    { cat "$E2E_DIR/verify.c" >&2; e2e_fail "c: t differs from its mirror"; }
[ "$(sql_value primary "SELECT c_i FROM gc.t WHERE id = $id")" = 4242 ] ||
    e2e_fail "c: node 2's change is not in t"
sql primary "SHOW CREATE TABLE gc.t" | grep -q '`note`' &&
    e2e_fail "c: the column was added"
no_leftovers_anywhere gc
galera_same_everywhere gc t
exit 0
