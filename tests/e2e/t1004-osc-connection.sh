#!/bin/sh
# Connecting: passwords (-pPASS wiped from /proc/PID/cmdline, MYSQL_PWD,
# option files with [client] and [osc]), wrong credentials, an unreachable
# port, missing privileges, and a signal during a run. One server.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
HOME=$E2E_DIR/home
mkdir -p "$HOME"
export HOME
unset MYSQL_PWD || :
start_server primary
P=$PRIMARY_PORT
ADD="--alter=ADD COLUMN note TEXT"
PW='Secret-123'
sql primary "
CREATE DATABASE shop;
CREATE TABLE shop.orders (id INT PRIMARY KEY);
CREATE USER 'osc'@'%' IDENTIFIED BY '$PW';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES ON shop.* TO 'osc'@'%';
GRANT REPLICATION SLAVE, BINLOG MONITOR, REPLICATION MASTER ADMIN ON *.* TO 'osc'@'%';
CREATE USER 'nolist'@'%' IDENTIFIED BY '$PW';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES ON shop.* TO 'nolist'@'%';
GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'nolist'@'%';
CREATE USER 'norepl'@'%' IDENTIFIED BY '$PW';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES ON shop.* TO 'norepl'@'%';
GRANT BINLOG MONITOR, REPLICATION MASTER ADMIN ON *.* TO 'norepl'@'%';
CREATE USER 'reader'@'%' IDENTIFIED BY '$PW';
GRANT SELECT ON shop.* TO 'reader'@'%';
CREATE USER 'tables'@'%' IDENTIFIED BY '$PW';
GRANT ALL ON shop.orders TO 'tables'@'%';
GRANT ALL ON shop._orders_new TO 'tables'@'%';
GRANT ALL ON shop._orders_old TO 'tables'@'%';
GRANT ALL ON shop._orders_osc TO 'tables'@'%';
GRANT LOCK TABLES ON shop.* TO 'tables'@'%';
GRANT REPLICATION SLAVE, REPLICATION CLIENT, REPLICATION MASTER ADMIN ON *.* TO 'tables'@'%';
CREATE USER 'pattern'@'%' IDENTIFIED BY '$PW';
GRANT ALL ON \`sho_\`.* TO 'pattern'@'%';
GRANT REPLICATION SLAVE, BINLOG MONITOR, REPLICATION MASTER ADMIN ON *.* TO 'pattern'@'%';
"

# The right user with -pPASS: a passing dry run.
run_osc --no-defaults -h127.0.0.1 -P"$P" -uosc -p"$PW" "$ADD" shop.orders
expect_status 0
expect_out "^user: +'osc'@'%'$"

# The password is not in /proc/PID/cmdline while osc runs: the test-only
# OSC_TEST_PAUSE_MS holds osc after it has read (and wiped) argv.
OSC_TEST_PAUSE_MS=20000 "$OSC_BIN" --no-defaults -h127.0.0.1 -P"$P" -uosc \
    -p"$PW" --password="$PW" "$ADD" shop.orders \
    >"$E2E_DIR/bg.out" 2>"$E2E_DIR/bg.err" &
pid=$!
wait_for 10 grep -q 'test pause' "$E2E_DIR/bg.err" || fail "osc did not reach the test pause"
tr '\0' ' ' <"/proc/$pid/cmdline" >"$E2E_DIR/cmdline"
grep -q -- "-uosc" "$E2E_DIR/cmdline" || e2e_fail "cmdline not read: $(cat "$E2E_DIR/cmdline")"
grep -q -- "$PW" "$E2E_DIR/cmdline" && e2e_fail "password visible in /proc/$pid/cmdline: $(cat "$E2E_DIR/cmdline")"
grep -Eq -- " -px +--password=x +--alter" "$E2E_DIR/cmdline" || e2e_fail "password not replaced by x: $(cat "$E2E_DIR/cmdline")"
# A signal while nothing is on the cleanup stack: exit 3 at once.
kill -INT "$pid"
status=0
wait "$pid" || status=$?
[ "$status" = 3 ] || e2e_fail "SIGINT during the pause: exit $status, expected 3"
grep -q '^fatal: interrupted by a signal$' "$E2E_DIR/bg.err" || e2e_fail "no interrupted message: $(cat "$E2E_DIR/bg.err")"
grep -q -- "$PW" "$E2E_DIR/bg.err" "$E2E_DIR/bg.out" && e2e_fail "password printed"

# Wrong password, then an unreachable port: exit 1, one line, no password.
run_osc --no-defaults -h127.0.0.1 -P"$P" -uosc -pWrong-pw "$ADD" shop.orders
expect_status 1
expect_err "^error: cannot connect to 127\.0\.0\.1:$P as 'osc': Access denied for user 'osc'@'127\.0\.0\.1' \(using password: YES\); check the user and password"
grep -q 'Wrong-pw' "$E2E_DIR/osc.err" && e2e_fail "password printed"
unused=$(free_port)
run_osc --no-defaults -h127.0.0.1 -P"$unused" -uosc -p"$PW" "$ADD" shop.orders
expect_status 1
expect_err "^error: cannot connect to 127\.0\.0\.1:$unused as 'osc': .*; check that the server runs and that --host, --port or --socket point at it$"
[ "$(wc -l <"$E2E_DIR/osc.err")" = 1 ] || { e2e_fail "more than one line"; show_osc_output; }

# MYSQL_PWD is used when nothing else gives a password...
MYSQL_PWD=$PW run_osc --no-defaults -h127.0.0.1 -P"$P" -uosc "$ADD" shop.orders
expect_status 0
# ... and the command line wins over it.
MYSQL_PWD=$PW run_osc --no-defaults -h127.0.0.1 -P"$P" -uosc -pWrong-pw "$ADD" shop.orders
expect_status 1

# ~/.my.cnf: [client] for the connection (other clients' keys ignored),
# [osc] for osc's own options.
cat >"$HOME/.my.cnf" <<CNF
# as a DBA would write it
[client]
host = 127.0.0.1
port = $P
user = osc
password = "$PW"
default-character-set = utf8mb4
[mysqldump]
quick
[osc]
log-format = json
CNF
chmod 600 "$HOME/.my.cnf"
run_osc "$ADD" shop.orders
expect_status 0
expect_out '^\{"type":"plan"'
# The command line beats the file.
run_osc --log-format=text "$ADD" shop.orders
expect_status 0
expect_out '^server: '
# --no-defaults reads no file: no user, no port, so no connection.
run_osc --no-defaults -S "$E2E_DIR/nosock" "$ADD" shop.orders
expect_status 1
expect_err '^error: cannot connect to localhost'
# A world-writable file is ignored, with a warning.
chmod 666 "$HOME/.my.cnf"
run_osc -h127.0.0.1 -P"$P" -uosc -p"$PW" "$ADD" shop.orders
expect_status 0
expect_err "^warning: option file '$HOME/\.my\.cnf' is writable by everyone and is ignored"
expect_out '^server: '
rm -f "$HOME/.my.cnf"

# --defaults-file (only that file, with !include) and
# --defaults-extra-file (after the global files).
mkdir -p "$E2E_DIR/conf.d"
printf '[client]\npassword = %s\n' "$PW" >"$E2E_DIR/conf.d/pw.cnf"
printf '[client]\nuser = osc\nhost = 127.0.0.1\nport = %s\n!includedir %s/conf.d\n[osc]\nverbose\n' \
    "$P" "$E2E_DIR" >"$E2E_DIR/osc.cnf"
run_osc --defaults-file="$E2E_DIR/osc.cnf" "$ADD" shop.orders
expect_status 0
expect_err '^preflight: checking `shop`\.`orders`$'
run_osc --defaults-extra-file="$E2E_DIR/osc.cnf" "$ADD" shop.orders
expect_status 0

# Privileges: what is missing is named, with the GRANT that fixes it.
run_osc --no-defaults -h127.0.0.1 -P"$P" -unorepl -p"$PW" "$ADD" shop.orders
expect_status 1
expect_err "^error: user 'norepl'@'%' lacks REPLICATION SLAVE globally \(to read the binary log\): grant it with: GRANT REPLICATION SLAVE ON \*\.\* TO 'norepl'@'%'$"
[ "$(grep -c '^error:' "$E2E_DIR/osc.err")" = 1 ] || { e2e_fail "expected 1 error"; show_osc_output; }
# Listing the replicas (discovery, on by default) is checked by the dry
# run too: --execute would need it.
run_osc --no-defaults -h127.0.0.1 -P"$P" -unolist -p"$PW" "$ADD" shop.orders
expect_status 1
expect_err "^error: user 'nolist'@'%' cannot list the replicas of 127\.0\.0\.1:$P .*: GRANT REPLICATION MASTER ADMIN ON \*\.\* TO 'nolist'@'%'; or name them with --replica=HOST\[:PORT\] and give --skip-discover-replicas$"
grep -q "all checks passed" "$E2E_DIR/osc.err" && e2e_fail "the dry run passed without the replica-listing privilege"
run_osc --no-defaults -h127.0.0.1 -P"$P" -unolist -p"$PW" --skip-discover-replicas "$ADD" shop.orders
expect_status 0
run_osc --no-defaults -h127.0.0.1 -P"$P" -ureader -p"$PW" "$ADD" shop.orders
expect_status 1
expect_err "^error: user 'reader'@'%' lacks INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES on database \`shop\` .*: GRANT INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES ON \`shop\`\.\* TO 'reader'@'%'$"
expect_err "lacks REPLICATION SLAVE globally"
expect_err "lacks BINLOG MONITOR globally"
# Table grants on the table and on the three tables a run creates count.
run_osc --no-defaults -h127.0.0.1 -P"$P" -utables -p"$PW" "$ADD" shop.orders
expect_status 0
# A database grant by pattern (sho_ matches shop).
run_osc --no-defaults -h127.0.0.1 -P"$P" -upattern -p"$PW" "$ADD" shop.orders
expect_status 0
exit 0
