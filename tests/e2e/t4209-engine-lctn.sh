#!/bin/sh
# lower_case_table_names=1: database and table names compare as the
# server compares them (util/ident.h), everywhere osc asks "is this our
# table?":
#  a. a migration named in another letter case (W_L.T) under the mirror
#     writer: t equals its mirror, the schema is the native ALTER's;
#  b. a concurrent ALTER TABLE spelt `T` (unqualified, and qualified as
#     `A`.`T`) during the copy is seen by the DDL watch: exit 1, the
#     table as the concurrent ALTER left it, nothing left behind (before
#     util/ident.h it was missed, undone by the cut-over, and osc exited 0);
#  c. a leftover created as `_T_new` is found by the next run.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary --lower-case-table-names=1
[ "$(sql_value primary "SELECT @@lower_case_table_names")" = 1 ] ||
    fail "the server did not take --lower-case-table-names=1"

TOOLS=$OSC_BUILDDIR/tests/tools
CONN="-S $PRIMARY_SOCK -uroot"

# a. Under the mirror writer, the table named W_L.T.
"$TOOLS/writer" $CONN --database=w_l --create=int --rows=${OSC_TEST_ROWS:-3000} \
    --seed=7 >/dev/null || fail "writer --create=int failed"
sql primary "CREATE TABLE w_l.native LIKE w_l.t"
start_writer w_l --threads=2 --seed=8 --rate=${OSC_TEST_RATE:-400} \
    --exclude-column=c_decs
sleep 1
ALTER="ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x', ADD INDEX k_i (c_i)"
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=500 \
    --alter="$ALTER" --execute W_L.T
expect_status 0
stop_writer w_l
sql primary "ALTER TABLE w_l.native $ALTER" || fail "native ALTER failed"
expect_no_leftovers primary w_l
got=$(sql primary "SHOW CREATE TABLE w_l.t" | cut -f2- | sed 's/^CREATE TABLE `t`//; s/ AUTO_INCREMENT=[0-9]*//')
want=$(sql primary "SHOW CREATE TABLE w_l.native" | cut -f2- | sed 's/^CREATE TABLE `native`//; s/ AUTO_INCREMENT=[0-9]*//')
[ "$got" = "$want" ] || e2e_fail "a: schema differs from native ALTER:
got:  $got
want: $want"

# b. A concurrent ALTER TABLE in upper case during the copy.
sql primary "CREATE DATABASE a; CREATE TABLE a.t (id INT NOT NULL PRIMARY KEY,
    s VARCHAR(100) NOT NULL, n INT NOT NULL);
    INSERT INTO a.t SELECT seq, 'ok', seq FROM mysql.seq_1_to_20000" ||
    fail "cannot create a.t"
schema() { sql primary "SHOW CREATE TABLE a.t" | cut -f2-; }
n=0
for ddl in "USE a; ALTER TABLE T COMMENT = 'changed meanwhile'" \
    "ALTER TABLE \`A\`.\`T\` ADD COLUMN late INT"; do
    n=$((n + 1))
    OSC_TEST_PAUSE_AT="copy-chunk:5000" start_osc $(osc_conn primary) \
        --chunk-size=500 --alter="ADD COLUMN x INT" --execute a.t
    wait_osc_line 'test pause at copy-chunk' 60
    sql primary "$ddl" || fail "b$n: the concurrent ALTER failed"
    before=$(schema)
    finish_osc
    expect_status 1 || fail "b$n: the concurrent ALTER went unnoticed"
    expect_err 'a statement on `a`.`t` appeared in the binary log'
    expect_no_leftovers primary a
    [ "$(schema)" = "$before" ] || e2e_fail "b$n: the table changed after the concurrent ALTER"
    case $(schema) in
    *'`x` int'*) e2e_fail "b$n: osc's ALTER was applied" ;;
    esac
done

# c. A leftover spelt _T_new is the ghost's name on this server.
sql primary "CREATE TABLE a._T_new (id INT PRIMARY KEY)"
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --alter="ADD COLUMN y INT" \
    --execute a.T
expect_status 1
expect_err 'table `a`.`_t_new` is left over from an earlier osc run'
[ "$(sql_value primary "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'a'")" = 2 ] ||
    e2e_fail "c: tables were created or dropped"
exit 0
