#!/bin/sh
# Runs that must stop cleanly (exit 1, the table as it was, nothing left):
#  - a DDL statement on `t` from another session during the copy (the
#    ghost could no longer follow it);
#  - a lossy type change: the copy's INSERT IGNORE would truncate values
#    silently, so rows that do not fit are found before the copy (the
#    data check names the column and the first offending key), and the
#    replay stops on a value written meanwhile; a widening change of the
#    same column passes, and so does a column added NOT NULL without a
#    DEFAULT (its implicit default, as with a native ALTER).
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
# Found by the data check before the copy (409d477), as a native ALTER
# would fail on it (1265).
expect_err "column \`s\` changes from varchar\\(100\\) .* to varchar\\(5\\) .*rows of \`a\`\.\`t\` do not fit, e\\.g\\. key \\(7777\\)"
expect_err '`a`.`t` is unchanged'
expect_no_leftovers primary a
[ "$(schema)" = "$before" ] || e2e_fail "narrowing: the table changed"
[ "$(sql_value primary "CHECKSUM TABLE a.t" | cut -f2)" = "$sum" ] ||
    e2e_fail "narrowing: the data changed"

# Out of range for a smaller integer type.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) \
    --alter="MODIFY n TINYINT NOT NULL" --execute a.t
expect_status 1
expect_err "column \`n\` changes from int\\(11\\) to tinyint\\(4\\).*rows of \`a\`\.\`t\` do not fit, e\\.g\\. key \\(128\\)"
expect_no_leftovers primary a

# A long value written during the copy: the replay stops the run too.
sql primary "UPDATE a.t SET s = 'ok' WHERE id = 7777"
OSC_TEST_PAUSE_AT="copy-chunk:5000" start_osc $(osc_conn primary) \
    --chunk-size=500 --alter="MODIFY s VARCHAR(5) NOT NULL" --execute a.t
wait_osc_line 'test pause at copy-chunk' 60
sql primary "UPDATE a.t SET s = 'far too long' WHERE id = 3"
finish_osc
expect_status 1
expect_err "replaying a change on \`a\`.\`t\` into the ghost changed data: warning 1265: Data truncated for column 's'"
expect_no_leftovers primary a
sql primary "UPDATE a.t SET s = IF(id = 7777, REPEAT('long', 20), 'ok') WHERE id IN (3, 7777)"

# A column added NOT NULL without a DEFAULT takes its implicit default, in
# the copy and in the replay, as with a native ALTER.
OSC_TEST_PAUSE_AT="copy-chunk:1500" start_osc $(osc_conn primary) \
    --chunk-size=500 --alter="ADD COLUMN z INT NOT NULL" --execute a.t
wait_osc_line 'test pause at copy-chunk' 60
sql primary "INSERT INTO a.t (id, s, n) VALUES (30000, 'new', 1); UPDATE a.t SET n = n WHERE id = 5"
finish_osc
expect_status 0
expect_no_leftovers primary a
[ "$(sql_value primary "SELECT CONCAT(COUNT(*), ' ', SUM(z)) FROM a.t")" = "20001 0" ] ||
    e2e_fail "added NOT NULL column: unexpected rows or values"
sql primary "DELETE FROM a.t WHERE id = 30000; ALTER TABLE a.t DROP COLUMN z"

# Widening passes and keeps every value.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) \
    --alter="MODIFY s VARCHAR(200) NOT NULL, MODIFY n BIGINT NOT NULL" --execute a.t
expect_status 0
expect_no_leftovers primary a
[ "$(sql_value primary "SELECT CONCAT(COUNT(*), ' ', SUM(n), ' ', MAX(LENGTH(s))) FROM a.t")" = "20000 200010000 80" ] ||
    e2e_fail "widening: the data changed"
exit 0
