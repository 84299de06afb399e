#!/bin/sh
# Operator safety, tried as a DBA would: --ssl and --ssl-mode=REQUIRED
# against a server without TLS must refuse (and pass against one with
# TLS); a read_only server or a replica is refused unless
# --migrate-on-replica says so; durations need a unit where a bare number
# is ambiguous, and the dry run shows the effective settings; the dry
# run's verdict is --execute's; a pt-osc DSN as the table is refused
# without echoing its password. Two servers: one with TLS, one without.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
unset MYSQL_PWD || :

# A self-signed certificate for the TLS server.
TLS=$E2E_DIR/tls
mkdir -p "$TLS"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -keyout "$TLS/key.pem" -out "$TLS/cert.pem" >"$TLS/openssl.log" 2>&1 ||
    fail "openssl could not make a certificate: $(cat "$TLS/openssl.log")"
start_server primary --skip-ssl
start_server tls --ssl-cert="$TLS/cert.pem" --ssl-key="$TLS/key.pem"
for s in primary tls; do
    sql $s "
CREATE DATABASE shop;
CREATE TABLE shop.orders (id INT PRIMARY KEY, name VARCHAR(20), n INT);
INSERT INTO shop.orders VALUES (1, 'short', 1), (2, 'a longer name', 70000);
"
done
ADD="--alter=ADD COLUMN note TEXT"
have_tls=$(sql_value tls "SHOW GLOBAL VARIABLES LIKE 'have_ssl'" | cut -f2)
[ "$have_tls" = YES ] || fail "the TLS server has no TLS (have_ssl=$have_tls)"
have_tls=$(sql_value primary "SHOW GLOBAL VARIABLES LIKE 'have_ssl'" | cut -f2)
[ "$have_tls" != YES ] || fail "the plain server has TLS (have_ssl=$have_tls)"

# TLS asked for, server without it: one line, exit 1. The library lets
# --ssl and REQUIRED through in plaintext; osc checks the session's cipher.
for mode in --ssl --ssl-mode=REQUIRED; do
    run_osc --no-defaults $(osc_conn primary) $mode "$ADD" shop.orders
    expect_status 1
    expect_err "^error: the connection to 127\.0\.0\.1:$PRIMARY_PORT is not encrypted, but --ssl or --ssl-mode=REQUIRED asks for TLS; enable TLS on the server \(ssl_cert, ssl_key\) or drop --ssl$"
    [ "$(wc -l <"$E2E_DIR/osc.err")" = 1 ] || { e2e_fail "$mode: more than one line"; show_osc_output; }
done
# VERIFY_CA is refused by the library itself, in the handshake.
run_osc --no-defaults $(osc_conn primary) --ssl-mode=VERIFY_CA "$ADD" shop.orders
expect_status 1
expect_err "^error: cannot connect to 127\.0\.0\.1:$PRIMARY_PORT as 'root': .*SSL"
[ "$(wc -l <"$E2E_DIR/osc.err")" = 1 ] || { e2e_fail "VERIFY_CA: more than one line"; show_osc_output; }
# Without it, plaintext is what was asked for.
run_osc --no-defaults $(osc_conn primary) "$ADD" shop.orders
expect_status 0
# Against the TLS server the same options pass, encrypted.
run_osc --no-defaults $(osc_conn tls) --ssl "$ADD" shop.orders
expect_status 0
run_osc --no-defaults $(osc_conn tls) --ssl-mode=REQUIRED "$ADD" shop.orders
expect_status 0
run_osc --no-defaults $(osc_conn tls) --ssl-mode=VERIFY_CA \
    --ssl-ca="$TLS/cert.pem" "$ADD" shop.orders
expect_status 0
# And the migration itself runs encrypted end to end.
run_osc --no-defaults $(osc_conn tls) --ssl-mode=REQUIRED "$ADD" --execute shop.orders
expect_status 0
[ "$(sql_value tls "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema='shop' AND table_name='orders' AND column_name='note'")" = 1 ] ||
    e2e_fail "the TLS run did not add the column"
expect_no_leftovers tls shop

# A replica (it gets shop.orders from primary) and a read_only server are
# refused, naming the option; --migrate-on-replica lets the run go on.
start_replica replica primary
wait_for 30 sh -c "[ \"\$(\"$MYSQL\" --no-defaults --socket='$REPLICA_SOCK' -uroot -N -B -e 'SELECT COUNT(*) FROM shop.orders' 2>/dev/null)\" = 2 ]" ||
    fail "the replica did not get shop.orders"
run_osc --no-defaults $(osc_conn replica) "$ADD" shop.orders
expect_status 1
expect_err "^error: 127\.0\.0\.1:$REPLICA_PORT is a replica: a migration there changes it alone, not its primary; run osc on the primary, or give --migrate-on-replica if this is meant$"
grep -q "all checks passed" "$E2E_DIR/osc.err" && e2e_fail "the replica passed the dry run"
run_osc --no-defaults $(osc_conn replica) "$ADD" --execute shop.orders
expect_status 1
[ "$(sql_value replica "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema='shop' AND table_name='orders' AND column_name='note'")" = 0 ] ||
    e2e_fail "the refused run changed the replica"
run_osc --no-defaults $(osc_conn replica) --migrate-on-replica "$ADD" shop.orders
expect_status 0
expect_err "^warning: 127\.0\.0\.1:$REPLICA_PORT is a replica; migrating it alone, as --migrate-on-replica asks$"
# --migrate-on-replica is a decision about this run: not from a file.
printf '[osc]\nmigrate-on-replica\n' >"$E2E_DIR/mor.cnf"
run_osc --defaults-file="$E2E_DIR/mor.cnf" $(osc_conn replica) "$ADD" shop.orders
expect_status 2
sql tls "SET GLOBAL read_only = ON"
ADD="--alter=ADD COLUMN note2 TEXT"
run_osc --no-defaults $(osc_conn tls) "$ADD" shop.orders
expect_status 1
expect_err "^error: 127\.0\.0\.1:$TLS_PORT is read_only \(a replica or a standby\?\): a migration there changes it alone; run osc on the primary, or give --migrate-on-replica if this is meant$"
run_osc --no-defaults $(osc_conn tls) --migrate-on-replica "$ADD" shop.orders
expect_status 0
expect_err "^warning: 127\.0\.0\.1:$TLS_PORT is read_only; migrating it alone"
sql tls "SET GLOBAL read_only = OFF"

# Durations: one rule. A bare number is refused (exit 2) where the unit
# would be a guess; --cut-over-lock-timeout=2000 once ran as 2000 s.
for opt in --cut-over-lock-timeout=2000 --max-lag=1500 --max-runtime=60 \
    --chunk-time=500 --status-interval=30 --hook-timeout=5; do
    run_osc --no-defaults $(osc_conn primary) "$opt" "$ADD" shop.orders
    expect_status 2
    expect_err "^error: invalid value '[0-9]+' for ${opt%%=*}: give a unit, e.g\. 500ms or 2s"
done
# A bare 0 and --connect-timeout's seconds (the mysql client's) are taken;
# the dry run shows the effective values with their units.
run_osc --no-defaults $(osc_conn primary) --connect-timeout=5 --max-runtime=0 \
    --max-lag=3s --cut-over-lock-timeout=1m30s --chunk-time=250ms "$ADD" shop.orders
expect_status 0
expect_out '^settings:$'
for want in chunk-time=250ms chunk-size=1000 cut-over-lock-timeout=1m30s \
    max-lag=3s max-lag-unknown=1m max-runtime=0s connect-timeout=5s \
    max-load=Threads_running=25 heartbeat-interval=100ms status-interval=30s; do
    expect_out "^  --$want( |$)"
done
run_osc --no-defaults $(osc_conn primary) --log-format=json --max-lag=3s "$ADD" shop.orders
expect_status 0
expect_out '"settings":\{[^}]*"max-lag":"3s"'

# The dry run's verdict is --execute's. Shrinking a column that holds
# values too long or too large: a strict native ALTER refuses it, so do
# the dry run and --execute, before anything is copied; where the rows
# fit, both pass.
sql primary "CREATE TABLE shop.probe LIKE shop.orders; INSERT INTO shop.probe SELECT * FROM shop.orders"
for alter in "MODIFY name VARCHAR(5)" "MODIFY n SMALLINT"; do
    sql primary "SET SESSION sql_mode='STRICT_ALL_TABLES'; ALTER TABLE shop.probe $alter" 2>/dev/null &&
        fail "native ALTER '$alter' passed: the case tests nothing"
    run_osc --no-defaults $(osc_conn primary) --alter="$alter" shop.orders
    expect_status 1
    expect_err "^error: column \`(name|n)\` changes from .+ to .+: values may be [a-z ]+, and rows of \`shop\`\.\`orders\` do not fit, e\.g\. key \(2\); fix them first or change the ALTER$"
    expect_err "^dry run: 1 data check failed, as --execute would; nothing was changed$"
    grep -q "all checks passed" "$E2E_DIR/osc.err" && e2e_fail "$alter: the dry run said all checks passed"
    run_osc --no-defaults $(osc_conn primary) --alter="$alter" --execute shop.orders
    expect_status 1
    expect_err "do not fit, e\.g\. key \(2\)"
    expect_no_leftovers primary shop
done
[ "$(sql_value primary "SELECT CONCAT(COUNT(*), ',', MAX(CHAR_LENGTH(name)), ',', MAX(n)) FROM shop.orders")" = "2,13,70000" ] ||
    e2e_fail "a refused run changed shop.orders"
for alter in "MODIFY name VARCHAR(13)" "MODIFY n MEDIUMINT"; do
    sql primary "SET SESSION sql_mode='STRICT_ALL_TABLES'; ALTER TABLE shop.probe $alter" ||
        fail "native ALTER '$alter' failed"
    run_osc --no-defaults $(osc_conn primary) --alter="$alter" shop.orders
    expect_status 0
    expect_err '^preflight: all checks passed$'
done
run_osc --no-defaults $(osc_conn primary) --alter="MODIFY name VARCHAR(13)" --execute shop.orders
expect_status 0
[ "$(sql_value primary "SELECT GROUP_CONCAT(name ORDER BY id) FROM shop.orders")" = "short,a longer name" ] ||
    e2e_fail "the fitting shrink changed the data"
expect_no_leftovers primary shop

# A foreign key the ALTER adds, over a child row without its parent: the
# native ALTER refuses it (1452), so do the dry run and --execute.
sql primary "
CREATE TABLE shop.parent (id INT PRIMARY KEY);
INSERT INTO shop.parent VALUES (1);
CREATE TABLE shop.child (id INT PRIMARY KEY, pid INT, KEY (pid));
INSERT INTO shop.child VALUES (1, 1), (2, 99), (3, NULL);
CREATE TABLE shop.probe_child LIKE shop.child;
INSERT INTO shop.probe_child SELECT * FROM shop.child"
FK="ADD CONSTRAINT fk_parent FOREIGN KEY (pid) REFERENCES parent (id)"
sql primary "ALTER TABLE shop.probe_child $FK" 2>/dev/null &&
    fail "native ALTER with an orphan passed: the case tests nothing"
run_osc --no-defaults $(osc_conn primary) --alter="$FK" shop.child
expect_status 1
expect_err '^error: foreign key `fk_parent` added by the ALTER fails on rows of `shop`\.`child`, e\.g\. key \(2\): their parent row is missing; fix them first or change the ALTER$'
grep -q "all checks passed" "$E2E_DIR/osc.err" && e2e_fail "FK orphan: the dry run said all checks passed"
run_osc --no-defaults $(osc_conn primary) --alter="$FK" --execute shop.child
expect_status 1
expect_err 'their parent row is missing'
expect_no_leftovers primary shop
# With the parent row there (and a NULL, which no foreign key checks),
# both pass, and the run adds the key.
sql primary "INSERT INTO shop.parent VALUES (99)"
run_osc --no-defaults $(osc_conn primary) --alter="$FK" shop.child
expect_status 0
expect_err '^preflight: all checks passed$'

# A pt-osc DSN as the table: taken (its keys are the connection options),
# or refused clearly; its password is never shown, in errors or in ps.
PW='Dsn-Secret-77'
sql primary "CREATE USER 'dsn'@'%' IDENTIFIED BY '$PW'; GRANT ALL ON *.* TO 'dsn'@'%'"
# Replica discovery reaches the replica as this user too: let it arrive.
wait_for 30 sh -c "[ \"\$(\"$MYSQL\" --no-defaults --socket='$REPLICA_SOCK' -uroot -N -B -e \"SELECT COUNT(*) FROM mysql.user WHERE user = 'dsn'\" 2>/dev/null)\" = 1 ]" ||
    fail "the replica did not get the user: $(sql replica 'SHOW SLAVE STATUS\G' | grep -E 'Running|Error')"
DSN="h=127.0.0.1,P=$PRIMARY_PORT,u=dsn,p=$PW,D=shop,t=orders"
run_osc --no-defaults "$ADD" "$DSN"
expect_status 0
expect_out "^user: +'dsn'@'%'$"
no_password() {
    grep -q -- "$PW" "$E2E_DIR/osc.err" "$E2E_DIR/osc.out" &&
        { e2e_fail "$1: the password was printed"; show_osc_output; }
    return 0
}
no_password "a DSN"
run_osc --no-defaults "$ADD" "h=127.0.0.1,P=$PRIMARY_PORT,u=dsn,p=$PW,D=shop,t=orders,A=utf8"
expect_status 2
expect_err "^error: the DSN 'h=127\.0\.0\.1,P=$PRIMARY_PORT,u=dsn,p=\*\*\*,D=shop,t=orders,A=utf8' has key 'A', which osc does not take"
no_password "a DSN with an unknown key"
run_osc --no-defaults "$ADD" "h=127.0.0.1,P=$PRIMARY_PORT,u=dsn,p=$PW,t=orders"
expect_status 2
expect_err "names no database \(D=\)"
no_password "a DSN without D"
run_osc --no-defaults "$ADD" "h=127.0.0.1,P=$PRIMARY_PORT,u=dsn,p=${PW}x,D=shop,t=orders"
expect_status 1
expect_err "^error: cannot connect to 127\.0\.0\.1:$PRIMARY_PORT as 'dsn': Access denied"
no_password "a DSN with a wrong password"
run_osc --no-defaults "$ADD" shop.orders "$DSN"
expect_status 2
expect_err "^error: unexpected argument 'h=127\.0\.0\.1,P=$PRIMARY_PORT,u=dsn,p=\*\*\*,D=shop,t=orders': give one DB\.TABLE$"
no_password "a second operand"
# Not in /proc/PID/cmdline while osc runs (the test-only pause holds it
# once argv has been read).
OSC_TEST_PAUSE_MS=20000 "$OSC_BIN" --no-defaults "$ADD" "$DSN" \
    >"$E2E_DIR/bg.out" 2>"$E2E_DIR/bg.err" &
pid=$!
wait_for 10 grep -q 'test pause' "$E2E_DIR/bg.err" || fail "osc did not reach the test pause"
tr '\0' ' ' <"/proc/$pid/cmdline" >"$E2E_DIR/cmdline"
grep -q -- "$PW" "$E2E_DIR/cmdline" && e2e_fail "password visible in /proc/$pid/cmdline: $(cat "$E2E_DIR/cmdline")"
grep -q -- "u=dsn,p=x,D=shop,t=orders" "$E2E_DIR/cmdline" || e2e_fail "the DSN is not in cmdline as p=x: $(cat "$E2E_DIR/cmdline")"
kill -INT "$pid"
wait "$pid" || :
exit 0
