#!/bin/sh
# A server whose time zone is not UTC (gh-ost's localtests tz-datetime-ts
# and datetime-to-timestamp, run on such a server). osc's sessions run in
# UTC, but a native ALTER converts a TIMESTAMP to or from another type in
# the DBA's session zone, the server's: a DATETIME '2010-10-20 10:20:30'
# turned into a TIMESTAMP still reads 10:20:30 there, where osc's copy and
# replay stored 15:20:30 (+05:00), and exit 0. With a writer on `t` and
# its mirror in one transaction through each run (a shell writer: the
# mirror writer's TIMESTAMP extremes are out of range in another zone),
# the mirror then ALTERed natively must equal `t`, and so must the
# definitions:
#  - TIMESTAMP to DATETIME and DATETIME to TIMESTAMP in one ALTER;
#  - TIMESTAMP to VARCHAR;
#  - DATETIME to TIMESTAMP in the primary key (replayed deletes find the
#    row by the converted key).
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
e2e_init
start_server primary --default-time-zone=+05:00

[ "$(sql_value primary "SELECT @@global.time_zone")" = "+05:00" ] ||
    fail "the server is not at +05:00"
sql primary "CREATE DATABASE z; USE z;
    CREATE TABLE z.t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        ts TIMESTAMP(6) NULL DEFAULT NULL, dt DATETIME(6) NOT NULL,
        n INT);
    INSERT INTO z.t (ts, dt, n) SELECT
        FROM_UNIXTIME(1000000000 + seq * 3607.25),
        '2010-10-20 10:20:30' + INTERVAL seq * 61 MINUTE, seq
        FROM seq_1_to_3000;
    UPDATE z.t SET ts = NULL WHERE n % 17 = 0;
    CREATE TABLE z.t_mirror LIKE z.t;
    INSERT INTO z.t_mirror SELECT * FROM z.t" || fail "cannot create z.t"

WRITER_STOP=$E2E_DIR/stop.shell
# Inserts, updates of both columns and deletes, on t and its mirror in
# one transaction, in the server's zone.
shell_writer() {
    i=0
    while [ ! -e "$WRITER_STOP" ]; do
        i=$((i + 1))
        k=$((i * 7919 % 3000 + 1))
        d=$((i * 104729 % 3000 + 1))
        sql primary "BEGIN;
            INSERT INTO z.t (ts, dt, n) VALUES (NOW(6) - INTERVAL $i MINUTE,
                NOW(6) - INTERVAL $i HOUR, $i);
            INSERT INTO z.t_mirror SELECT * FROM z.t WHERE id = LAST_INSERT_ID();
            UPDATE z.t SET ts = ts + INTERVAL 1 SECOND,
                dt = dt + INTERVAL 1 SECOND WHERE id = $k;
            UPDATE z.t_mirror SET ts = ts + INTERVAL 1 SECOND,
                dt = dt + INTERVAL 1 SECOND WHERE id = $k;
            DELETE FROM z.t WHERE id = $d; DELETE FROM z.t_mirror WHERE id = $d;
            COMMIT" || { echo "write $i failed" >&2; return 1; }
    done
}

migrated() {
    alter=$1
    rm -f "$WRITER_STOP"
    shell_writer 2>"$E2E_DIR/shell.err" &
    wpid=$!
    ENGINE_WRITERS="$ENGINE_WRITERS $wpid"
    sleep 0.5
    : >"$E2E_DIR/postpone"
    start_osc $(osc_conn primary) --chunk-size=100 \
        --postpone-cut-over-flag-file="$E2E_DIR/postpone" \
        --alter="$alter" --execute z.t
    wait_osc_line 'cut-over postponed' 120
    sleep 0.5
    touch "$WRITER_STOP"
    wait "$wpid" || { cat "$E2E_DIR/shell.err" >&2; e2e_fail "the writer failed"; }
    ENGINE_WRITERS=""
    rm -f "$E2E_DIR/postpone"
    finish_osc
    expect_status 0 || fail "osc failed on '$alter'"
    expect_no_leftovers primary z
    sql primary "ALTER TABLE z.t_mirror $alter" ||
        fail "the native ALTER of the mirror failed: $alter"
    got=$(sql primary "SHOW CREATE TABLE z.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
    want=$(sql primary "SHOW CREATE TABLE z.t_mirror" | cut -f2- | sed 's/^CREATE TABLE `t_mirror`//; s/ AUTO_INCREMENT=[0-9]*//')
    [ "$got" = "$want" ] || e2e_fail "'$alter': schema differs from native ALTER:
got:  $got
want: $want"
    sql primary "SELECT * FROM z.t ORDER BY id" >"$E2E_DIR/t.rows"
    sql primary "SELECT * FROM z.t_mirror ORDER BY id" >"$E2E_DIR/mirror.rows"
    [ "$(wc -l <"$E2E_DIR/t.rows")" -gt 2000 ] || e2e_fail "too few rows"
    cmp -s "$E2E_DIR/t.rows" "$E2E_DIR/mirror.rows" || {
        diff "$E2E_DIR/mirror.rows" "$E2E_DIR/t.rows" | head -n 6 >&2
        fail "'$alter': t differs from the natively altered mirror"
    }
}

migrated "MODIFY ts DATETIME(6) NULL, MODIFY dt TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
migrated "MODIFY dt VARCHAR(40) NOT NULL"
sql primary "ALTER TABLE z.t MODIFY dt DATETIME(6) NOT NULL; ALTER TABLE z.t_mirror MODIFY dt DATETIME(6) NOT NULL; ALTER TABLE z.t DROP PRIMARY KEY, ADD PRIMARY KEY (id, dt); ALTER TABLE z.t_mirror DROP PRIMARY KEY, ADD PRIMARY KEY (id, dt)" ||
    fail "cannot put dt into the key"
migrated "MODIFY dt TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
exit "$E2E_FAILED"
