#!/bin/sh
# An ALTER that adds a UNIQUE key (DESIGN.md 4: REPLACE must never delete
# a row silently):
#  a. duplicates already in the table: refused before the copy, exit 1,
#     nothing left;
#  b. no duplicate at the start, but one is inserted during the copy
#     (while OSC_TEST_PAUSE_AT holds the copy): the replay stops the run
#     naming the key, exit 1, the table untouched, nothing left;
#  c. a unique key the concurrent writes never conflict with: the run
#     succeeds and `t` equals its mirror.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

sql primary "CREATE DATABASE u; CREATE TABLE u.t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    c INT NOT NULL, pad VARCHAR(64) NOT NULL DEFAULT 'p');
    INSERT INTO u.t (c) SELECT seq FROM mysql.seq_1_to_20000" ||
    fail "cannot create u.t"
ALTER="ADD UNIQUE KEY uk_c (c)"
schema() { sql primary "SHOW CREATE TABLE u.t" | cut -f2- | sed 's/ AUTO_INCREMENT=[0-9]*//'; }
before=$(schema)

# a. A duplicate already there.
sql primary "UPDATE u.t SET c = 7 WHERE id = 8"
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --alter="$ALTER" --execute u.t
expect_status 1
expect_err 'unique key `uk_c` added by the ALTER would meet duplicates in `u`.`t`: \(7, 2\)'
expect_no_leftovers primary u
[ "$(schema)" = "$before" ] || e2e_fail "a: the table changed"
sql primary "UPDATE u.t SET c = 8 WHERE id = 8"

# b. A duplicate inserted during the copy: of a row already copied (the
#    replay meets it) and of a row not copied yet (the copy meets it; its
#    INSERT IGNORE would have dropped the row silently).
for dup in 100:'conflicts with a unique key the ALTER adds.*uk_c' \
    12345:"warning 1062: Duplicate entry '12345' for key 'uk_c'"; do
    OSC_TEST_PAUSE_AT="copy-chunk:5000" start_osc $(osc_conn primary) \
        --chunk-size=500 --alter="$ALTER" --execute u.t
    wait_osc_line 'test pause at copy-chunk' 60
    sql primary "INSERT INTO u.t (c) VALUES (${dup%%:*})"
    finish_osc
    expect_status 1
    expect_err "${dup#*:}"
    expect_err '`u`.`t` is unchanged'
    expect_no_leftovers primary u
    [ "$(schema)" = "$before" ] || e2e_fail "b: the table changed"
    [ "$(sql_value primary "SELECT COUNT(*) FROM u.t")" = 20001 ] ||
        e2e_fail "b: rows changed"
    sql primary "DELETE FROM u.t WHERE id > 20000"
done

# c. A unique key that concurrent writes cannot break (it holds the
#    primary key), replayed as DELETE + INSERT, under the writer.
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=w \
    --create=int --rows=4000 --seed=41 >/dev/null || fail "writer --create failed"
start_writer w --threads=2 --seed=42 --rate=300
sleep 1
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=500 \
    --alter="ADD UNIQUE KEY uk_i_id (c_i, id)" --execute w.t
expect_status 0
e2e_log "c: $(grep '^done:' "$E2E_DIR/osc.err")"
stop_writer w
expect_no_leftovers primary w
sql primary "SHOW CREATE TABLE w.t" | grep -q 'UNIQUE KEY `uk_i_id`' ||
    e2e_fail "c: the unique key was not added"
exit 0
