#!/bin/sh
# Preflight refuses a Galera node (issue 12, item 11): on a single-node
# MariaDB Galera cluster (galera-4, bootstrapped with gcomm://, on free
# loopback ports), with the mirror writer running on `t` and its mirror
# all the while, both the dry run and --execute exit 1 with one line
# naming wsrep_on and the alternatives, and nothing is created: no
# _t_new, _t_osc or _t_old, no lock taken, t still equal to its mirror.
# A plain server's wsrep_on=OFF (the variable exists on every MariaDB)
# passes, which every other test shows.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
e2e_init
GALERA_LIB=/usr/lib/galera/libgalera_smm.so
for lib in /usr/lib/galera/libgalera_smm.so /usr/lib/galera-4/libgalera_smm.so \
    /usr/lib64/galera-4/libgalera_smm.so /usr/lib64/galera/libgalera_smm.so; do
    if [ -f "$lib" ]; then
        GALERA_LIB=$lib
        break
    fi
done
if [ ! -f "$GALERA_LIB" ]; then
    printf 'SKIP: %s\n' "no Galera provider (libgalera_smm.so) installed" >&2
    exit 77
fi
HOME=$E2E_DIR
export HOME
unset MYSQL_PWD || :

GPORT=$(free_port)
IPORT=$(free_port)
start_server primary --wsrep-on=ON --wsrep-provider="$GALERA_LIB" \
    --wsrep-cluster-address=gcomm:// --wsrep-cluster-name=osc_e2e \
    --wsrep-node-address=127.0.0.1 \
    "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:$GPORT;ist.recv_addr=127.0.0.1:$IPORT" \
    --innodb-autoinc-lock-mode=2
wait_for 30 sh -c "[ \"\$('$MYSQL' --no-defaults --socket='$PRIMARY_SOCK' -uroot -N -B -e \"SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_ready'\")\" = ON ]" ||
    fail "the Galera node is not ready (wsrep_ready)"
[ "$(sql_value primary 'SELECT @@global.wsrep_on')" = 1 ] ||
    fail "the server does not run with wsrep_on=ON"
e2e_log "galera: cluster size $(sql_value primary "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_cluster_size'")"

sql primary "CREATE DATABASE g" || fail "cannot create the database"
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=g \
    --create=int --rows=500 --seed=5 >/dev/null || fail "writer --create failed"
start_writer g --threads=2 --seed=6 --rate=200
sleep 1

check_refused() {
    expect_status 1
    expect_err "^error: 127\.0\.0\.1:$PRIMARY_PORT is a Galera cluster node \(wsrep_on=ON\); osc does not support Galera yet .*: use ALTER TABLE .* or pt-online-schema-change$"
    [ "$(grep -c 'Galera' "$E2E_DIR/osc.err")" = 1 ] ||
        { e2e_fail "$1: the refusal is not one line"; show_osc_output; }
    [ ! -s "$E2E_DIR/osc.out" ] ||
        { e2e_fail "$1: a refused run printed a plan"; show_osc_output; }
    expect_no_leftovers primary g
    [ "$(sql_value primary "SELECT IS_FREE_LOCK('osc.g.t')")" = 1 ] ||
        e2e_fail "$1: the osc lock is held"
}

# The dry run refuses.
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --alter='ADD COLUMN note VARCHAR(20)' g.t
check_refused "dry run"
# --execute refuses the same way, before creating anything.
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --alter='ADD COLUMN note VARCHAR(20)' --execute g.t
check_refused "--execute"

stop_writer g
# The table was never touched: the ALTER did not happen.
sql primary "SHOW CREATE TABLE g.t" | grep -q '`note`' &&
    e2e_fail "the column was added"
table_is_usable g
exit 0
