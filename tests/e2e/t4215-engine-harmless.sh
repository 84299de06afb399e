#!/bin/sh
# Statements that name the table in the binary log but cannot change it
# (issue 12: no false aborts). Every statement naming the migrated table
# ended the run ("a statement on ... appeared in the binary log"), also
# a DROP EVENT of an event named like the table (gh-ost's test cases end
# that way), CREATE TABLE .. LIKE t, a GRANT on it, CREATE VIEW .. FROM
# it, ANALYZE TABLE: a native ALTER runs through all of them. With the
# mirror writer on t and its mirror, osc must go on through them and
# end with t equal to the natively altered mirror; a CREATE TRIGGER on
# t, and a table created with a foreign key to t, must still end the
# run with the table untouched (the trigger would be lost at the swap,
# the reference would follow the renamed table).
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
e2e_init
start_server primary --event-scheduler=ON

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"
ALTER="ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n', ADD INDEX k_i (c_i)"

"$TOOLS/writer" $CONN --database=h --create=int --rows=2000 --seed=41 >/dev/null ||
    fail "writer --create failed"
sql primary "CREATE TABLE h.native LIKE h.t; CREATE USER 'reader'@'%'" || fail "setup failed"

# run_postponed STATEMENTS: osc under the writer, the cut-over held
# while STATEMENTS run (the applier reads them from the binary log).
run_postponed() {
    start_writer h --threads=2 --seed=42 --rate=300
    sleep 1
    : >"$E2E_DIR/postpone"
    start_osc $(osc_conn primary) -v --chunk-size=200 \
        --postpone-cut-over-flag-file="$E2E_DIR/postpone" \
        --alter="$ALTER" --execute h.t
    wait_osc_line 'cut-over postponed' 120
    sql primary "$1" || e2e_fail "the statements failed: $1"
    # A heartbeat later the applier has read past them.
    sleep 2
    stop_writer h
    rm -f "$E2E_DIR/postpone"
    finish_osc
}

run_postponed "CREATE EVENT h.t ON SCHEDULE EVERY 1 HOUR DO SET @x = 1;
    DROP EVENT IF EXISTS h.t;
    CREATE TABLE h.snap LIKE h.t;
    CREATE TABLE IF NOT EXISTS h.snap2 AS SELECT id, c_i FROM h.t;
    GRANT SELECT ON h.t TO 'reader'@'%';
    REVOKE SELECT ON h.t FROM 'reader'@'%';
    CREATE VIEW h.v AS SELECT id FROM h.t;
    DROP VIEW h.v;
    ANALYZE TABLE h.t"
expect_status 0 || fail "osc stopped on a statement that cannot change t"
[ "$(grep -c 'cannot change it; going on' "$E2E_DIR/osc.err")" -ge 5 ] ||
    { e2e_fail "the applier did not see the statements"; show_osc_output; }
sql primary "ALTER TABLE h.t_mirror $ALTER" || fail "native ALTER of the mirror failed"
"$TOOLS/writer" $CONN --database=h --verify >"$E2E_DIR/verify.h" 2>&1 ||
    { cat "$E2E_DIR/verify.h" >&2; e2e_fail "t differs from the natively altered mirror"; }
expect_no_leftovers primary h
sql primary "ALTER TABLE h.native $ALTER" || fail "native ALTER failed"
got=$(sql primary "SHOW CREATE TABLE h.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
want=$(sql primary "SHOW CREATE TABLE h.native" | cut -f2- | sed 's/^CREATE TABLE `native`//; s/ AUTO_INCREMENT=[0-9]*//')
[ "$got" = "$want" ] || e2e_fail "schema differs from native ALTER:
got:  $got
want: $want"

# What can change t, or follow its rename, still ends the run.
ALTER="ADD COLUMN note2 INT"
for stmt in "CREATE TRIGGER h.tr BEFORE INSERT ON h.t FOR EACH ROW SET @a = 1" \
    "CREATE TABLE h.child (id INT PRIMARY KEY, p BIGINT, FOREIGN KEY (p) REFERENCES h.t (id))"; do
    before=$(sql primary "SHOW CREATE TABLE h.t")
    run_postponed "$stmt"
    expect_status 1 || e2e_fail "osc went on after: $stmt"
    expect_err 'a statement on `h`.`t` appeared in the binary log'
    [ "$(sql primary "SHOW CREATE TABLE h.t")" = "$before" ] || e2e_fail "t changed after: $stmt"
    sql primary "DROP TRIGGER IF EXISTS h.tr; DROP TABLE IF EXISTS h.child"
    expect_no_leftovers primary h
done
table_is_usable h
exit 0
