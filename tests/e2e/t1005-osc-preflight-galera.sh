#!/bin/sh
# Preflight refuses a Galera node (issue 12, item 11): on a 3-node
# MariaDB Galera cluster (galera-lib.sh, on free loopback ports), with
# the mirror writer running on `t` and its mirror all the while, both
# the dry run and --execute exit 1 with one line naming wsrep_on and the alternatives, and nothing is created: no
# _t_new, _t_osc or _t_old, no lock taken, t still equal to its mirror.
# A plain server's wsrep_on=OFF (the variable exists on every MariaDB)
# passes, which every other test shows.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
. "$OSC_SRCDIR/tests/e2e/galera-lib.sh"
e2e_init
galera_init
start_galera_cluster
[ "$(sql_value primary 'SELECT @@global.wsrep_on')" = 1 ] ||
    fail "the server does not run with wsrep_on=ON"
e2e_log "galera: cluster size $(galera_status primary wsrep_cluster_size)"

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
