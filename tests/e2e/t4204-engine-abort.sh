#!/bin/sh
# Runs that must stop cleanly (exit 1, the table as it was, nothing left):
#  - a DDL statement on `t` from another session during the copy (the
#    ghost could no longer follow it);
#  - a lossy type change: the copy's INSERT IGNORE would truncate values
#    silently, so any warning but a duplicate on the shared key stops the
#    run, naming the column and the first offending key; a widening change
#    of the same column passes.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

sql primary "CREATE DATABASE a; CREATE TABLE a.t (id INT NOT NULL PRIMARY KEY,
    s VARCHAR(100) NOT NULL, n INT NOT NULL);
    INSERT INTO a.t SELECT seq, IF(seq = 7777, REPEAT('long', 20), 'ok'), seq
    FROM mysql.seq_1_to_20000" || fail "cannot create a.t"
schema() { sql primary "SHOW CREATE TABLE a.t" | cut -f2-; }

# A DDL statement during the copy.
OSC_TEST_PAUSE_AT="copy-chunk:5000" start_osc $(osc_conn primary) \
    --chunk-size=500 --alter="ADD COLUMN x INT" --execute a.t
wait_osc_line 'test pause at copy-chunk' 60
sql primary "ALTER TABLE a.t COMMENT = 'changed meanwhile'"
before=$(schema)
finish_osc
expect_status 1
expect_err 'a statement on `a`.`t` appeared in the binary log.*COMMENT'
expect_no_leftovers primary a
[ "$(schema)" = "$before" ] || e2e_fail "ddl: the table changed"

# Narrowing a column below a value it holds.
sum=$(sql_value primary "CHECKSUM TABLE a.t" | cut -f2)
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=1000 \
    --alter="MODIFY s VARCHAR(5) NOT NULL" --execute a.t
expect_status 1
expect_err "warning 1265: Data truncated for column 's' at row [0-9]+; first row with key \\(7777\\)"
expect_err '`a`.`t` is unchanged'
expect_no_leftovers primary a
[ "$(schema)" = "$before" ] || e2e_fail "narrowing: the table changed"
[ "$(sql_value primary "CHECKSUM TABLE a.t" | cut -f2)" = "$sum" ] ||
    e2e_fail "narrowing: the data changed"

# Out of range for a smaller integer type.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) \
    --alter="MODIFY n TINYINT NOT NULL" --execute a.t
expect_status 1
expect_err "warning 1264: Out of range value for column 'n' at row [0-9]+.*; first row with key \\(128\\)"
expect_no_leftovers primary a

# Widening passes and keeps every value.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) \
    --alter="MODIFY s VARCHAR(200) NOT NULL, MODIFY n BIGINT NOT NULL" --execute a.t
expect_status 0
expect_no_leftovers primary a
[ "$(sql_value primary "SELECT CONCAT(COUNT(*), ' ', SUM(n), ' ', MAX(LENGTH(s))) FROM a.t")" = "20000 200010000 80" ] ||
    e2e_fail "widening: the data changed"
exit 0
