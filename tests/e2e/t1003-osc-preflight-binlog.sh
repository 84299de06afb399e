#!/bin/sh
# Preflight refuses a server whose binary log osc cannot use: off
# (--skip-log-bin), STATEMENT format, MINIMAL row image. Two servers; the
# options given to start_server come after lib.sh's and override them.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
HOME=$E2E_DIR
export HOME
unset MYSQL_PWD || :
start_server stmt --binlog-format=STATEMENT --binlog-row-image=MINIMAL
start_server nobin --skip-log-bin
for s in stmt nobin; do
    sql "$s" "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY)"
done
# The options did what they say.
[ "$(sql_value stmt 'SELECT @@global.binlog_format, @@global.binlog_row_image')" = "STATEMENT	MINIMAL" ] ||
    fail "server stmt does not run with STATEMENT/MINIMAL"
[ "$(sql_value nobin 'SELECT @@log_bin')" = 0 ] ||
    fail "--skip-log-bin did not turn the binary log off"

# Both problems on one server: both reported, exit 1.
run_osc --no-defaults $(osc_conn stmt) --alter='ADD x INT' shop.orders
expect_status 1
expect_err "^error: binlog_format is 'STATEMENT' on 127\.0\.0\.1:$STMT_PORT; osc needs ROW: SET GLOBAL binlog_format = 'ROW'"
expect_err "^error: binlog_row_image is 'MINIMAL' on 127\.0\.0\.1:$STMT_PORT; osc needs FULL: SET GLOBAL binlog_row_image = 'FULL'"
[ "$(grep -c '^error:' "$E2E_DIR/osc.err")" = 2 ] || { e2e_fail "expected 2 errors"; show_osc_output; }

# Fixed at run time: the check reads the global values.
sql stmt "SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_image = 'FULL'"
run_osc --no-defaults $(osc_conn stmt) --alter='ADD x INT' shop.orders
expect_status 0
expect_out 'binlog_format=ROW binlog_row_image=FULL'

run_osc --no-defaults $(osc_conn nobin) --alter='ADD x INT' shop.orders
expect_status 1
expect_err "^error: binary log is off on 127\.0\.0\.1:$NOBIN_PORT; osc reads changes from it: restart the server with log_bin enabled"
exit 0
