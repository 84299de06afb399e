#!/bin/sh
# ALTERs whose text is not a plain alter list (issue 12, native-ALTER
# fidelity):
#  a. partitioning: `PARTITION BY HASH (id) PARTITIONS 4`, then `REMOVE
#     PARTITIONING`, under the mirror writer. The ghost's ALTER was sent
#     with ", ALGORITHM=INSTANT" appended, a syntax error after a
#     partitioning clause, so osc refused what a native ALTER does; now t
#     must equal the natively altered mirror, the definition a native
#     ALTER's;
#  b. a column made AUTO_INCREMENT that holds 0: a native ALTER gives
#     those rows new numbers (the server's sql_mode has no
#     NO_AUTO_VALUE_ON_ZERO), the copy kept the 0 and exited 0; now it
#     refuses before touching anything. With NO_AUTO_VALUE_ON_ZERO in the
#     server's mode the native ALTER keeps the 0, and so does osc.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
e2e_init
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"

# migrated DB ALTER: the cut-over held until the writer has stopped,
# then t against the mirror altered natively, and the definitions.
migrated() {
    db=$1 alter=$2
    sql primary "DROP TABLE IF EXISTS $db.native; CREATE TABLE $db.native LIKE $db.t"
    start_writer "$db" --threads=2 --seed=52 --rate=300
    sleep 1
    : >"$E2E_DIR/postpone"
    OSC_TEST_PAUSE_AT=copy-chunk:1500
    export OSC_TEST_PAUSE_AT
    start_osc $(osc_conn primary) --chunk-size=200 \
        --postpone-cut-over-flag-file="$E2E_DIR/postpone" \
        --alter="$alter" --execute "$db.t"
    unset OSC_TEST_PAUSE_AT
    wait_osc_line 'cut-over postponed' 120
    sleep 0.5
    stop_writer "$db"
    rm -f "$E2E_DIR/postpone"
    finish_osc
    expect_status 0 || fail "$db: osc failed on '$alter'"
    e2e_log "$db: $(grep '^done:' "$E2E_DIR/osc.err")"
    sql primary "ALTER TABLE $db.t_mirror $alter" ||
        fail "$db: native ALTER of the mirror failed"
    "$TOOLS/writer" $CONN --database="$db" --verify >"$E2E_DIR/verify.$db" 2>&1 ||
        { cat "$E2E_DIR/verify.$db" >&2; e2e_fail "$db: t differs from the natively altered mirror"; }
    expect_no_leftovers primary "$db"
    sql primary "ALTER TABLE $db.native $alter" || fail "$db: native ALTER failed: $alter"
    got=$(sql primary "SHOW CREATE TABLE $db.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
    want=$(sql primary "SHOW CREATE TABLE $db.native" | cut -f2- | sed 's/^CREATE TABLE `native`//; s/ AUTO_INCREMENT=[0-9]*//')
    [ "$got" = "$want" ] || e2e_fail "$db: schema differs from native ALTER:
got:  $got
want: $want"
}

# a. Partitioning, and back.
"$TOOLS/writer" $CONN --database=p --create=int --rows=2000 --seed=51 >/dev/null ||
    fail "writer --create failed"
# Partitioned InnoDB tables hold no GEOMETRY (a native ALTER fails too).
sql primary "ALTER TABLE p.t DROP COLUMN c_geo; ALTER TABLE p.t_mirror DROP COLUMN c_geo" ||
    fail "a: cannot drop c_geo"
migrated p "PARTITION BY HASH (id) PARTITIONS 4"
[ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = 'p' AND TABLE_NAME = 't'")" = 4 ] ||
    e2e_fail "a: t is not in 4 partitions"
migrated p "REMOVE PARTITIONING"

# b. A column made AUTO_INCREMENT over a 0.
sql primary "CREATE TABLE p.ai (id INT PRIMARY KEY, c INT NOT NULL, UNIQUE KEY uc (c));
    INSERT INTO p.ai VALUES (1, 0), (2, 5), (3, 7)" || fail "b: setup failed"
AI="MODIFY c INT NOT NULL AUTO_INCREMENT"
sql primary "CREATE TABLE p.ai_native LIKE p.ai; INSERT INTO p.ai_native SELECT * FROM p.ai;
    ALTER TABLE p.ai_native $AI" || fail "b: native ALTER failed"
[ "$(sql_value primary "SELECT c FROM p.ai_native WHERE id = 1")" != 0 ] ||
    fail "b: the native ALTER kept the 0 (the premise is gone)"
before=$(sql primary "SHOW CREATE TABLE p.ai; SELECT * FROM p.ai")
for mode in "" --execute; do
    run_osc_bounded 60 $(osc_conn primary) --alter="$AI" $mode p.ai
    expect_status 1
    expect_err "column \`c\` made AUTO_INCREMENT by the ALTER holds 0 in rows of \`p\`\.\`ai\`"
    expect_no_leftovers primary p
done
[ "$(sql primary "SHOW CREATE TABLE p.ai; SELECT * FROM p.ai")" = "$before" ] ||
    e2e_fail "b: p.ai changed"
# Under NO_AUTO_VALUE_ON_ZERO a native ALTER keeps the 0, and osc too.
sql primary "SET GLOBAL sql_mode = CONCAT(@@global.sql_mode, ',NO_AUTO_VALUE_ON_ZERO')"
sql primary "DROP TABLE p.ai_native; CREATE TABLE p.ai_native LIKE p.ai;
    INSERT INTO p.ai_native SELECT * FROM p.ai; ALTER TABLE p.ai_native $AI" ||
    fail "b: native ALTER failed"
run_osc_bounded 60 $(osc_conn primary) --alter="$AI" --execute p.ai
expect_status 0
[ "$(sql primary "SELECT * FROM p.ai ORDER BY id")" = "$(sql primary "SELECT * FROM p.ai_native ORDER BY id")" ] ||
    e2e_fail "b: under NO_AUTO_VALUE_ON_ZERO the rows differ from a native ALTER's"
sql primary "SET GLOBAL sql_mode = DEFAULT"
exit 0
