#!/bin/sh
# Preflight on a Galera node (issue 16, item 3): on a 3-node MariaDB
# Galera cluster (galera-lib.sh, free loopback ports), with the mirror
# writer running on `t` all the while:
#  - the dry run passes and reports the cluster (name, 3 nodes, Primary,
#    Synced, TOI) and every node with its server id, this node marked;
#  - the text and JSON reports say so;
#  - refusals, one line each, exit 1, nothing created, no lock held:
#    a table without a PRIMARY KEY (a NOT NULL unique key is not enough
#    on Galera), a table with a trigger, a user without SUPER (the
#    cut-over sets wsrep_on=OFF for its sessions), wsrep_OSU_method=RSU, a --galera-node that does not
#    answer, and two nodes that share a server_id;
#  - t equals its mirror at the end.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
. "$OSC_SRCDIR/tests/e2e/galera-lib.sh"
e2e_init
galera_init
start_galera_cluster
[ "$(sql_value primary 'SELECT @@global.wsrep_on')" = 1 ] ||
    fail "the server does not run with wsrep_on=ON"

sql primary "CREATE DATABASE g" || fail "cannot create the database"
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=g \
    --create=int --rows=500 --seed=5 >/dev/null || fail "writer --create failed"
sql primary "CREATE TABLE g.nopk (id INT NOT NULL, v INT, UNIQUE KEY u (id)) ENGINE=InnoDB;
    INSERT INTO g.nopk VALUES (1, 1), (2, 2)" || fail "cannot create g.nopk"
start_writer g --threads=2 --seed=6 --rate=200
sleep 1

nothing_created() {
    expect_no_leftovers primary g
    [ "$(sql_value primary "SELECT IS_FREE_LOCK('osc.g.t')")" = 1 ] ||
        e2e_fail "$1: the osc lock is held"
}

refused() {
    expect_status 1
    expect_err "$2"
    [ "$(grep -c '^error: ' "$E2E_DIR/osc.err")" = 1 ] ||
        { e2e_fail "$1: not one error line"; show_osc_output; }
    [ ! -s "$E2E_DIR/osc.out" ] ||
        { e2e_fail "$1: a refused run printed a plan"; show_osc_output; }
    nothing_created "$1"
}

# The dry run passes and reports the cluster and its nodes.
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --alter='ADD COLUMN note VARCHAR(20)' g.t
expect_status 0
expect_out "^galera: +node of cluster 'osc_e2e', 3 nodes, Primary, Synced; Galera .*wsrep_OSU_method=TOI "
expect_out "^galera nodes: +127\.0\.0\.1:$PRIMARY_PORT \(this node, server_id 1\), 127\.0\.0\.1:$NODE2_PORT \(server_id 2\), 127\.0\.0\.1:$NODE3_PORT \(server_id 3\)$"
expect_out "writes must go to this node only"
nothing_created "dry run"
run_osc_bounded 60 --no-defaults $(osc_conn primary) --log-format=json \
    --alter='ADD COLUMN note VARCHAR(20)' g.t
expect_status 0
expect_out '"galera":\{"cluster_name":"osc_e2e","cluster_size":3,"cluster_status":"Primary","local_state":"Synced"'
# Given nodes replace the incoming addresses.
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --galera-node=127.0.0.1:$NODE3_PORT --alter='ADD COLUMN note VARCHAR(20)' g.t
expect_status 0
expect_out "^galera nodes: +127\.0\.0\.1:$NODE3_PORT \(server_id 3\), this node \(server_id 1\)$"

# No primary key: refused, even with a NOT NULL unique key.
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --alter='ADD COLUMN note VARCHAR(20)' g.nopk
refused "no primary key" "^error: table \`g\`\.\`nopk\` has no PRIMARY KEY; on a Galera cluster osc needs one .*: add a primary key first$"

# A trigger: refused on Galera (moving it is DDL under the lock).
# (In its own database: expect_no_leftovers counts triggers.)
sql primary "CREATE DATABASE gt; CREATE TABLE gt.trg (id INT PRIMARY KEY, v INT) ENGINE=InnoDB;
    CREATE TRIGGER gt.trg_bi BEFORE INSERT ON gt.trg FOR EACH ROW SET NEW.v = 1" ||
    fail "cannot create gt.trg"
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --alter='ADD COLUMN note VARCHAR(20)' gt.trg
refused "trigger" "^error: table \`gt\`\.\`trg\` has triggers; on a Galera cluster osc cannot move them at the cut-over yet .*create them again afterwards, or use ALTER TABLE directly$"
sql primary "DROP DATABASE gt"

# A user without SUPER: the cut-over's SET SESSION wsrep_on = OFF would
# fail (1227), so the preflight refuses.
sql primary "CREATE USER 'nosuper'@'127.0.0.1' IDENTIFIED BY 'pw';
    GRANT ALL PRIVILEGES ON *.* TO 'nosuper'@'127.0.0.1';
    REVOKE SUPER ON *.* FROM 'nosuper'@'127.0.0.1'" || fail "cannot create nosuper"
run_osc_bounded 60 --no-defaults -h127.0.0.1 -P"$PRIMARY_PORT" -unosuper -ppw \
    --alter='ADD COLUMN note VARCHAR(20)' g.t
refused "no SUPER" "^error: user 'nosuper'@'127\.0\.0\.1' cannot SET SESSION wsrep_on = OFF on Galera node 127\.0\.0\.1:$PRIMARY_PORT .*: GRANT SUPER ON \*\.\* TO 'nosuper'@'127\.0\.0\.1'$"

# wsrep_OSU_method=RSU: refused.
sql primary "SET GLOBAL wsrep_OSU_method = 'RSU'"
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --alter='ADD COLUMN note VARCHAR(20)' g.t
refused "RSU" "^error: wsrep_OSU_method is RSU on Galera node 127\.0\.0\.1:$PRIMARY_PORT: .*SET GLOBAL wsrep_OSU_method = 'TOI'$"
sql primary "SET GLOBAL wsrep_OSU_method = 'TOI'"

# A node that does not answer: refused.
DEAD=$(free_port)
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --galera-node=127.0.0.1:$DEAD --alter='ADD COLUMN note VARCHAR(20)' g.t
refused "unreachable node" "^error: cannot reach Galera node 127\.0\.0\.1:$DEAD: .*--galera-node=HOST:PORT$"

# Two nodes with one server_id: a change from node 2 could not be told.
sql node2 "SET GLOBAL server_id = 1"
run_osc_bounded 60 --no-defaults $(osc_conn primary) \
    --alter='ADD COLUMN note VARCHAR(20)' g.t
refused "shared server_id" "^error: Galera nodes 127\.0\.0\.1:$PRIMARY_PORT and 127\.0\.0\.1:$NODE2_PORT share server_id 1: .*give each node its own server_id$"
sql node2 "SET GLOBAL server_id = 2"

stop_writer g
sql primary "SHOW CREATE TABLE g.t" | grep -q '`note`' &&
    e2e_fail "the column was added"
table_is_usable g
exit 0
