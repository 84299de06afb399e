# tests/e2e/galera-lib.sh: a 3-node MariaDB Galera cluster on loopback,
# sourced after lib.sh and e2e_init.
#
#     galera_init                 GALERA_LIB, or skip (77) without galera
#     start_galera_cluster [OPTS] nodes `primary` (node 1), `node2`, `node3`:
#                                 ${NAME}_PORT, _SOCK, _PID, _DIR as from
#                                 start_server; all three synced; OPTS are
#                                 extra mariadbd options for node 1
#     galera_status NAME VAR      one wsrep status value of a node
#
# Each node has its own SQL port, gmcast.listen_addr, ist.recv_addr and
# SST address (free loopback ports), a 128M buffer pool, a small gcache,
# and the binlog settings osc needs (log_bin, ROW, FULL images,
# log_slave_updates). Node 1 is `primary` so that lib.sh's and
# engine-lib.sh's helpers (sql, start_writer, osc_conn) work on it.
#
# Why not a state transfer: with a binlog-enabled donor, SST by rsync and
# by mariabackup both failed on MariaDB 10.11.19 (wsrep_sst_binlog.tar
# missing: issue 16). Instead node 1 is bootstrapped once so that its
# datadir holds a cluster state (grastate.dat with a UUID and seqno),
# stopped cleanly, and copied to nodes 2 and 3 without gvwstate.dat;
# node 1 is started again as the new cluster (safe_to_bootstrap: 1) and
# 2 and 3 join at the same seqno with no transfer at all. The servers
# are stopped by pid at exit (lib.sh's stop_all_servers).

GALERA_LIB=""

galera_init() {
    local lib
    for lib in /usr/lib/galera/libgalera_smm.so \
        /usr/lib/galera-4/libgalera_smm.so \
        /usr/lib64/galera-4/libgalera_smm.so \
        /usr/lib64/galera/libgalera_smm.so; do
        if [ -f "$lib" ]; then
            GALERA_LIB=$lib
            break
        fi
    done
    if [ -z "$GALERA_LIB" ]; then
        # Not skip_or_die: a missing provider is no missing server.
        printf 'SKIP: %s\n' "no Galera provider (libgalera_smm.so) installed" >&2
        exit 77
    fi
    HOME=$E2E_DIR
    export HOME
    unset MYSQL_PWD || :
}

galera_status() {
    sql_value "$1" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='$2'"
}

galera_synced() {
    [ "$(galera_status "$1" wsrep_local_state_comment)" = Synced ] &&
        [ "$(galera_status "$1" wsrep_ready)" = ON ]
}

# galera_launch NAME SID CLUSTER_ADDRESS [extra options]: start mariadbd on
# the node's datadir with its ports (assigned by galera_ports).
galera_launch() {
    local name=$1 sid=$2 addr=$3 uname dir user_opt=""
    shift 3
    uname=$(upper "$name")
    dir=$E2E_DIR/$name
    if [ "$(id -u)" = 0 ]; then
        user_opt="--user=root"
    fi
    "$MARIADBD" --no-defaults $user_opt \
        --datadir="$dir/data" --tmpdir="$dir/tmp" \
        --socket="$dir/s" --pid-file="$dir/pid" \
        --bind-address=127.0.0.1 --port="$(eval echo "\$${uname}_PORT")" \
        --log-error="$dir/err.log" \
        --server-id="$sid" --log-bin="$dir/data/mbin" \
        --binlog-format=ROW --binlog-row-image=FULL --log-slave-updates=ON \
        --innodb-buffer-pool-size=128M --innodb-log-file-size=64M \
        --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 \
        --innodb-autoinc-lock-mode=2 \
        --skip-name-resolve --max-connections=200 \
        --wsrep-on=ON --wsrep-provider="$GALERA_LIB" \
        --wsrep-cluster-name=osc_e2e --wsrep-node-name="$name" \
        --wsrep-cluster-address="$addr" \
        --wsrep-node-address=127.0.0.1 \
        --wsrep-node-incoming-address="127.0.0.1:$(eval echo "\$${uname}_PORT")" \
        --wsrep-sst-receive-address="127.0.0.1:$(eval echo "\$${uname}_SST")" \
        --wsrep-sst-method=rsync \
        "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:$(eval echo "\$${uname}_GPORT");ist.recv_addr=127.0.0.1:$(eval echo "\$${uname}_IPORT");gcache.size=32M" \
        "$@" >>"$dir/stdout.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/mypid"
    eval "${uname}_PID=$pid ${uname}_SERVER_ID=$sid"
    case " $E2E_SERVERS " in
    *" $name "*) ;;
    *) E2E_SERVERS="$E2E_SERVERS $name" ;;
    esac
}

galera_wait_up() {
    local name=$1 dir=$E2E_DIR/$1 pid
    pid=$(cat "$dir/mypid")
    wait_for 90 "$MYSQLADMIN" --no-defaults --socket="$dir/s" -uroot ping ||
        fail "galera node $name did not start"
    kill -0 "$pid" 2>/dev/null || fail "galera node $name exited at start"
    wait_for 90 galera_synced "$name" ||
        fail "galera node $name did not reach Synced"
    e2e_log "galera node $name: pid $pid port $(eval echo "\$$(upper "$name")_PORT") synced"
}

start_galera_cluster() {
    local n name uname gaddr=""
    for n in 1 2 3; do
        case $n in 1) name=primary ;; *) name=node$n ;; esac
        uname=$(upper "$name")
        eval "${uname}_PORT=$(free_port) ${uname}_GPORT=$(free_port)" \
            "${uname}_IPORT=$(free_port) ${uname}_SST=$(free_port)" \
            "${uname}_SOCK='$E2E_DIR/$name/s' ${uname}_DIR='$E2E_DIR/$name'"
        gaddr="$gaddr${gaddr:+,}127.0.0.1:$(eval echo "\$${uname}_GPORT")"
        mkdir -p "$E2E_DIR/$name/data" "$E2E_DIR/$name/tmp"
    done
    GALERA_ADDRESS="gcomm://$gaddr"
    local user_opt=""
    if [ "$(id -u)" = 0 ]; then
        user_opt="--user=root"
    fi
    TMPDIR="$E2E_DIR/primary/tmp" "$INSTALL_DB" --no-defaults \
        --datadir="$E2E_DIR/primary/data" $user_opt \
        --tmpdir="$E2E_DIR/primary/tmp" \
        --auth-root-authentication-method=normal --skip-test-db \
        >"$E2E_DIR/primary/install.log" 2>&1 || {
        cat "$E2E_DIR/primary/install.log" >&2
        fail "mariadb-install-db failed for galera node 1"
    }
    # 1. Bootstrap node 1 alone: it gets a cluster UUID and a seqno.
    galera_launch primary 1 gcomm:// --wsrep-new-cluster
    galera_wait_up primary
    sql primary "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
        GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION" ||
        fail "cannot create the users on galera node 1"
    # 2. Stop it cleanly: grastate.dat then holds the seqno.
    stop_server primary
    grep -q '^seqno: *[0-9]' "$E2E_DIR/primary/data/grastate.dat" ||
        { cat "$E2E_DIR/primary/data/grastate.dat" >&2;
          fail "galera node 1 did not save its state"; }
    # 3. Nodes 2 and 3 start from a copy of that state: same UUID, same
    # seqno, so they join with no state transfer.
    for name in node2 node3; do
        cp -a "$E2E_DIR/primary/data/." "$E2E_DIR/$name/data/" ||
            fail "cannot copy the datadir to $name"
        rm -f "$E2E_DIR/$name/data/gvwstate.dat" \
            "$E2E_DIR/$name/data"/mbin.* "$E2E_DIR/$name/data/galera.cache"
        # The joiner still runs wsrep_sst_rsync for the IST (--bypass:
        # it only writes a marker file); its rsync daemon, started as
        # root, runs as nobody and could not write into the datadir.
        if [ "$(id -u)" = 0 ]; then
            chmod 1777 "$E2E_DIR/$name/data"
        fi
    done
    rm -f "$E2E_DIR/primary/data/gvwstate.dat"
    sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' \
        "$E2E_DIR/primary/data/grastate.dat"
    for name in node2 node3; do
        sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 0/' \
            "$E2E_DIR/$name/data/grastate.dat"
    done
    # 4. Node 1 is the new cluster again; 2 and 3 join it.
    galera_launch primary 1 "$GALERA_ADDRESS" --wsrep-new-cluster "$@"
    galera_wait_up primary
    # One at a time: two joiners at once made the group's view
    # installation time out (evs install timer) and cost 15 s.
    galera_launch node2 2 "$GALERA_ADDRESS"
    galera_wait_up node2
    galera_launch node3 3 "$GALERA_ADDRESS"
    galera_wait_up node3
    [ "$(galera_status primary wsrep_cluster_size)" = 3 ] ||
        fail "the galera cluster has $(galera_status primary wsrep_cluster_size) nodes, not 3"
}

# start_galera_writer NODE DB TAG [ARGS]: the mirror writer through node
# NODE (its own socket) on DB; stop it with stop_galera_writer TAG.
start_galera_writer() {
    local node=$1 db=$2 tag=$3 sock
    shift 3
    sock=$E2E_DIR/$node/s
    rm -f "$E2E_DIR/stop.$tag"
    "$OSC_BUILDDIR/tests/tools/writer" -S "$sock" -uroot \
        --database="$db" --stop-file="$E2E_DIR/stop.$tag" "$@" \
        >"$E2E_DIR/writer.$tag" 2>&1 &
    eval "GALERA_WRITER_$tag=\$!"
    ENGINE_WRITERS="$ENGINE_WRITERS $!"
}

# stop_galera_writer TAG: stop it; fail the test on its errors.
stop_galera_writer() {
    local tag=$1 pid
    pid=$(eval echo "\$GALERA_WRITER_$tag")
    touch "$E2E_DIR/stop.$tag"
    if ! wait "$pid"; then
        cat "$E2E_DIR/writer.$tag" >&2
        e2e_fail "$tag: the writer saw errors"
    fi
    ENGINE_WRITERS=$(echo "$ENGINE_WRITERS" | tr ' ' '\n' | grep -vx "$pid" | tr '\n' ' ')
    e2e_log "$tag: $(tail -n 1 "$E2E_DIR/writer.$tag")"
}

# galera_same_everywhere DB TABLE: the table has the same checksum on the
# three nodes (after waiting for node 2 and 3 to apply what node 1 has).
galera_same_everywhere() {
    local db=$1 tbl=$2 c1 c2 c3
    sql node2 "SET SESSION wsrep_sync_wait = 1; SELECT 1" >/dev/null
    sql node3 "SET SESSION wsrep_sync_wait = 1; SELECT 1" >/dev/null
    c1=$(sql primary "CHECKSUM TABLE $db.$tbl" | cut -f2)
    c2=$(sql node2 "SET SESSION wsrep_sync_wait = 1; CHECKSUM TABLE $db.$tbl" | cut -f2)
    c3=$(sql node3 "SET SESSION wsrep_sync_wait = 1; CHECKSUM TABLE $db.$tbl" | cut -f2)
    if [ "$c1" != "$c2" ] || [ "$c1" != "$c3" ]; then
        e2e_fail "$db.$tbl differs between the nodes: $c1 $c2 $c3"
        return 1
    fi
    return 0
}
