#!/bin/bash
# bench/alter-bench.sh: time one ADD COLUMN on a sysbench-layout table with
# the native ALTER TABLE ... ALGORITHM=COPY, with pt-online-schema-change
# and with osc, on one private server in one run, and print the figures
# side by side. Prints; asserts nothing.
#
#   bench/alter-bench.sh [ROWS] [ALTER]
#   OSC_BIN=_build/osc/osc bench/alter-bench.sh 1000000
#
# Needs mariadbd, sysbench and percona-toolkit (apt-get install
# mariadb-server sysbench percona-toolkit). The server is private, on a
# free loopback port, in a temp dir, and stopped at exit.
set -u
ROWS=${1:-1000000}
ALTER=${2:-"ADD COLUMN bench_note VARCHAR(32) NOT NULL DEFAULT ''"}
here=$(cd "$(dirname "$0")" && pwd)
OSC_SRCDIR=${OSC_SRCDIR:-$(dirname "$here")}
OSC_BIN=${OSC_BIN:-$OSC_SRCDIR/_build/osc/osc}
export OSC_SRCDIR OSC_BIN
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
command -v sysbench >/dev/null || { echo "bench: sysbench is not installed" >&2; exit 1; }

start_server bench --innodb-buffer-pool-size=2G
sql bench "CREATE DATABASE sbtest"
echo "bench: loading $ROWS rows with sysbench ..." >&2
sysbench oltp_common --db-driver=mysql --mysql-socket="$BENCH_SOCK" \
    --mysql-user=root --mysql-db=sbtest --tables=1 --table-size="$ROWS" \
    prepare >"$E2E_DIR/sysbench.log" 2>&1 || { cat "$E2E_DIR/sysbench.log"; exit 1; }
for t in t_native t_ptosc t_osc; do
    sql bench "CREATE TABLE sbtest.$t LIKE sbtest.sbtest1; INSERT INTO sbtest.$t SELECT * FROM sbtest.sbtest1"
done
sql bench "ANALYZE TABLE sbtest.t_native, sbtest.t_ptosc, sbtest.t_osc" >/dev/null

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

t0=$(now)
sql bench "ALTER TABLE sbtest.t_native $ALTER, ALGORITHM=COPY"
t1=$(now)
native=$(elapsed "$t0" "$t1")

ptosc="n/a"
if command -v pt-online-schema-change >/dev/null; then
    t0=$(now)
    if pt-online-schema-change --alter "$ALTER" \
        "h=127.0.0.1,P=$BENCH_PORT,u=root,D=sbtest,t=t_ptosc" \
        --execute --recursion-method=none --no-check-replication-filters \
        --no-drop-old-table >"$E2E_DIR/ptosc.log" 2>&1; then
        t1=$(now)
        ptosc=$(elapsed "$t0" "$t1")
    else
        echo "bench: pt-online-schema-change failed:" >&2
        tail -5 "$E2E_DIR/ptosc.log" >&2
    fi
fi

osc="n/a"
osc_rss="n/a"
t0=$(now)
if /usr/bin/time -f '%M' -o "$E2E_DIR/osc.rss" "$OSC_BIN" -h127.0.0.1 -P"$BENCH_PORT" -uroot \
    --alter "$ALTER" --execute -q sbtest.t_osc >"$E2E_DIR/osc.log" 2>&1; then
    t1=$(now)
    osc=$(elapsed "$t0" "$t1")
    osc_rss="$(cat "$E2E_DIR/osc.rss") KiB"
else
    echo "bench: osc failed:" >&2
    tail -5 "$E2E_DIR/osc.log" >&2
fi

ratio() {
    case "$1$2" in *n/a*) echo "n/a" ;; *) awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' ;; esac
}
printf '\nALTER TABLE ... %s on %s rows (sysbench layout), idle server\n' "$ALTER" "$ROWS"
printf '%-28s %10s %14s\n' "method" "seconds" "vs native"
printf '%-28s %10.2f %14s\n' "native ALGORITHM=COPY" "$native" "1.00"
if [ "$ptosc" != n/a ]; then printf '%-28s %10.2f %14s\n' "pt-online-schema-change" "$ptosc" "$(ratio "$ptosc" "$native")"; else printf '%-28s %10s\n' "pt-online-schema-change" "n/a"; fi
if [ "$osc" != n/a ]; then printf '%-28s %10.2f %14s\n' "osc" "$osc" "$(ratio "$osc" "$native")"; else printf '%-28s %10s\n' "osc" "n/a"; fi
printf 'osc / pt-osc: %s   osc peak RSS: %s\n' "$(ratio "$osc" "$ptosc")" "$osc_rss"
