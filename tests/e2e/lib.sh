# tests/e2e/lib.sh: private mariadbd servers for end-to-end tests.
#
# Source it from a test script:
#
#     . "$OSC_SRCDIR/tests/e2e/lib.sh"
#     e2e_init                      # temp dir, traps; skips (77) without a server
#     start_server primary          # sets PRIMARY_PORT, PRIMARY_SOCK
#     start_replica replica primary # a replica of primary
#     sql primary "CREATE TABLE ..." # run SQL as root on a server
#     run_osc -h 127.0.0.1 -P "$PRIMARY_PORT" -u root ... ; check $OSC_STATUS
#
# Servers live in a temp dir with short socket paths, on free loopback
# ports, with log_bin, binlog_format=ROW, binlog_row_image=FULL and a unique
# server id. They are stopped by pid in an EXIT trap, and their error logs
# are printed when the test fails. Without a mariadbd binary the test skips
# (exit 77) unless OSC_TEST_REQUIRE_SERVER=1, where it fails (exit 99).

set -u

E2E_SERVERS=""
E2E_FAILED=0
E2E_NEXT_SERVER_ID=1

e2e_log() {
    printf '%s\n' "# $*" >&2
}

# Print a failure, mark the test failed, and carry on (use fail to stop).
e2e_fail() {
    printf 'FAIL: %s\n' "$*" >&2
    E2E_FAILED=1
}

fail() {
    e2e_fail "$@"
    exit 1
}

skip_or_die() {
    if [ "${OSC_TEST_REQUIRE_SERVER:-0}" = 1 ]; then
        printf 'ERROR: %s (OSC_TEST_REQUIRE_SERVER=1)\n' "$*" >&2
        exit 99
    fi
    printf 'SKIP: %s\n' "$*" >&2
    exit 77
}

find_prog() {
    local name dir
    for name in "$@"; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
        for dir in /usr/sbin /usr/libexec /usr/local/sbin /usr/local/libexec /usr/local/mysql/bin /sbin; do
            if [ -x "$dir/$name" ]; then
                printf '%s\n' "$dir/$name"
                return 0
            fi
        done
    done
    return 1
}

e2e_init() {
    MARIADBD=$(find_prog mariadbd mysqld) || skip_or_die "no mariadbd binary found"
    INSTALL_DB=$(find_prog mariadb-install-db mysql_install_db) || skip_or_die "no mariadb-install-db found"
    MYSQL=$(find_prog mariadb mysql) || skip_or_die "no mariadb client found"
    MYSQLADMIN=$(find_prog mariadb-admin mysqladmin) || skip_or_die "no mariadb-admin found"
    : "${OSC_BIN:?OSC_BIN is not set (run through make check)}"
    [ -x "$OSC_BIN" ] || fail "osc binary '$OSC_BIN' is missing"
    # Short path: unix socket paths are limited to about 108 bytes.
    E2E_DIR=$(mktemp -d /tmp/osc.XXXXXX) || fail "mktemp failed"
    # osc's default --instant=auto would turn most ALTERs here (ADD
    # COLUMN ... DEFAULT) into a metadata-only ALTER and leave the copy
    # and the replay untested: every run copies unless the test passes
    # --instant itself. t4220 runs $OSC_BIN_REAL for the default.
    OSC_BIN_REAL=$OSC_BIN
    cat >"$E2E_DIR/osc" <<EOF
#!/bin/sh
case " \$* " in
*" --instant"*) ;;
*) set -- --instant=never "\$@" ;;
esac
exec "$OSC_BIN_REAL" "\$@"
EOF
    chmod +x "$E2E_DIR/osc"
    OSC_BIN=$E2E_DIR/osc
    trap e2e_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

e2e_cleanup() {
    local status=$?
    if [ "$status" != 0 ] && [ "$status" != 77 ] || [ "$E2E_FAILED" != 0 ]; then
        dump_server_logs
    fi
    stop_all_servers
    if [ -n "${E2E_DIR:-}" ] && [ "${OSC_TEST_KEEP:-0}" != 1 ]; then
        rm -rf "$E2E_DIR"
    fi
    if [ "$E2E_FAILED" != 0 ] && [ "$status" = 0 ]; then
        status=1
    fi
    exit "$status"
}

dump_server_logs() {
    local name
    for name in $E2E_SERVERS; do
        if [ -f "$E2E_DIR/$name/err.log" ]; then
            printf '=== error log of server %s (last 40 lines) ===\n' "$name" >&2
            tail -n 40 "$E2E_DIR/$name/err.log" >&2
        fi
    done
}

# A free TCP port on 127.0.0.1 (the kernel picks; small race accepted).
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    else
        local p
        while :; do
            p=$((20000 + RANDOM % 30000))
            if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
                echo "$p"
                return
            fi
        done
    fi
}

# wait_for TIMEOUT_SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
    local timeout=$1 i=0
    shift
    while ! "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -ge $((timeout * 10)) ]; then
            return 1
        fi
        sleep 0.1
    done
    return 0
}

upper() {
    printf '%s' "$1" | tr '[:lower:]' '[:upper:]'
}

# start_server NAME [extra mariadbd options...]
# Sets ${NAME^^}_PORT, ${NAME^^}_SOCK, ${NAME^^}_PID.
start_server() {
    local name=$1
    shift
    local dir="$E2E_DIR/$name"
    local port sid user_opt="" uname
    uname=$(upper "$name")
    port=$(free_port)
    sid=$E2E_NEXT_SERVER_ID
    E2E_NEXT_SERVER_ID=$((sid + 1))
    mkdir -p "$dir/data" "$dir/tmp"
    if [ "$(id -u)" = 0 ]; then
        user_opt="--user=root"
    fi
    TMPDIR="$dir/tmp" "$INSTALL_DB" --no-defaults --datadir="$dir/data" $user_opt \
        --tmpdir="$dir/tmp" \
        --auth-root-authentication-method=normal --skip-test-db \
        >"$dir/install.log" 2>&1 || {
        cat "$dir/install.log" >&2
        fail "mariadb-install-db failed for server $name"
    }
    "$MARIADBD" --no-defaults $user_opt \
        --datadir="$dir/data" --tmpdir="$dir/tmp" \
        --socket="$dir/s" --pid-file="$dir/pid" \
        --bind-address=127.0.0.1 --port="$port" \
        --log-error="$dir/err.log" \
        --server-id="$sid" --log-bin="$dir/data/mbin" \
        --binlog-format=ROW --binlog-row-image=FULL \
        --innodb-buffer-pool-size=128M --innodb-log-file-size=64M \
        --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 \
        --skip-name-resolve --max-connections=200 \
        "$@" >"$dir/stdout.log" 2>&1 &
    local pid=$!
    E2E_SERVERS="$E2E_SERVERS $name"
    eval "${uname}_PORT=$port ${uname}_SOCK='$dir/s' ${uname}_PID=$pid ${uname}_DIR='$dir' ${uname}_SERVER_ID=$sid"
    echo "$pid" >"$dir/mypid"
    if ! wait_for 60 "$MYSQLADMIN" --no-defaults --socket="$dir/s" -uroot ping; then
        fail "server $name did not start"
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        fail "server $name exited at start"
    fi
    e2e_log "server $name: pid $pid port $port socket $dir/s"
}

# stop_server NAME: stop by pid, wait for it to go.
stop_server() {
    local name=$1 dir="$E2E_DIR/$1" pid
    [ -f "$dir/mypid" ] || return 0
    pid=$(cat "$dir/mypid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || :
        local i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        # Only if it did not go: a kill of a stopped server fails, and
        # that status must not become the caller's (scripts/demo printed
        # OK and exited 1).
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || :
        fi
    fi
    rm -f "$dir/mypid"
    return 0
}

stop_all_servers() {
    local name
    for name in $E2E_SERVERS; do
        stop_server "$name"
    done
}

# start_replica NAME PRIMARY [extra mariadbd options]: a server replicating
# from PRIMARY (as root, from the start of its binlog).
start_replica() {
    local name=$1 primary=$2
    shift 2
    start_server "$name" --log-slave-updates --relay-log=relay "$@"
    local pport
    pport=$(eval echo "\$$(upper "$primary")_PORT")
    sql "$name" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$pport, MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=no, MASTER_LOG_FILE='mbin.000001', MASTER_LOG_POS=4; START SLAVE;"
    wait_for 30 replica_running "$name" || fail "replica $name did not start replicating"
}

replica_running() {
    "$MYSQL" --no-defaults --socket="$E2E_DIR/$1/s" -uroot -e "SHOW SLAVE STATUS\G" |
        grep -q 'Slave_IO_Running: Yes'
}

# sql NAME STATEMENTS: run as root over the socket, tab-separated output.
sql() {
    local name=$1
    shift
    "$MYSQL" --no-defaults --socket="$E2E_DIR/$name/s" -uroot -N -B -e "$*"
}

# sql_value NAME QUERY: one value.
sql_value() {
    sql "$@" | head -n 1
}

# run_osc ARGS...: run the osc binary; stdout to $E2E_DIR/osc.out, stderr to
# $E2E_DIR/osc.err; the exit status in OSC_STATUS. Never fails the script.
run_osc() {
    OSC_STATUS=0
    "$OSC_BIN" "$@" >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" || OSC_STATUS=$?
    return 0
}

# Connection options for osc against server NAME as root over TCP.
osc_conn() {
    local uname
    uname=$(upper "$1")
    printf '%s\n' "-h127.0.0.1" "-P$(eval echo "\$${uname}_PORT")" "-uroot"
}

# expect_status WANT: compare OSC_STATUS and show osc's output on mismatch.
expect_status() {
    if [ "$OSC_STATUS" != "$1" ]; then
        e2e_fail "osc exited $OSC_STATUS, expected $1"
        show_osc_output
        return 1
    fi
    return 0
}

# expect_err PATTERN: osc's stderr matches the extended regex.
expect_err() {
    if ! grep -Eq -- "$1" "$E2E_DIR/osc.err"; then
        e2e_fail "stderr does not match '$1'"
        show_osc_output
        return 1
    fi
    return 0
}

expect_out() {
    if ! grep -Eq -- "$1" "$E2E_DIR/osc.out"; then
        e2e_fail "stdout does not match '$1'"
        show_osc_output
        return 1
    fi
    return 0
}

show_osc_output() {
    printf -- '--- osc stdout ---\n' >&2
    head -c 4000 "$E2E_DIR/osc.out" >&2
    printf -- '--- osc stderr ---\n' >&2
    head -c 4000 "$E2E_DIR/osc.err" >&2
}

# No _*_new/_*_old/_*_osc table and no trigger left in database DB.
expect_no_leftovers() {
    local name=$1 db=$2 left
    left=$(sql "$name" "SELECT table_name FROM information_schema.tables WHERE table_schema='$db' AND (table_name LIKE '\\_%\\_new' OR table_name LIKE '\\_%\\_old' OR table_name LIKE '\\_%\\_osc') UNION ALL SELECT trigger_name FROM information_schema.triggers WHERE event_object_schema='$db'")
    if [ -n "$left" ]; then
        e2e_fail "objects left behind in $db: $left"
        return 1
    fi
    return 0
}
