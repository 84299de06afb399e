#!/bin/sh
# bench/binlog-decode.sh: decoded row changes per second of osc's binlog
# decoder (CRC32 checks and value decoding included) on one core.
#
#   bench/binlog-decode.sh [BINLOG_FILE...]
#
# Without a file it starts a throwaway mariadbd (tests/e2e/lib.sh), writes
# 1,000,000 inserts, 500,000 updates and 250,000 deletes of simple rows
# (INT, INT, VARCHAR(32)) and decodes the binlog that holds them. Run it
# through `make bench-binlog`, or set OSC_SRCDIR and OSC_BUILDDIR. It prints
# figures; it asserts nothing.
set -u
: "${OSC_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${OSC_BUILDDIR:=$OSC_SRCDIR}"
: "${OSC_BIN:=$OSC_BUILDDIR/osc/osc}"
export OSC_SRCDIR OSC_BUILDDIR OSC_BIN
BP="$OSC_BUILDDIR/tests/tools/binlog-print"
[ -x "$BP" ] || { echo "build tests/tools/binlog-print first (make check or make bench-binlog)" >&2; exit 1; }

run() {
    for f in "$@"; do
        for i in 1 2 3; do
            "$BP" --bench "$f" || exit 1
        done
    done
}

if [ $# -gt 0 ]; then
    run "$@"
    exit 0
fi

. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server bench
sql bench "CREATE DATABASE b; FLUSH BINARY LOGS"
file=$(sql bench "SHOW MASTER STATUS" | cut -f1)
"$MYSQL" --no-defaults --socket="$BENCH_SOCK" -uroot b -e "
CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(32) NOT NULL);
INSERT INTO t SELECT seq, seq * 7, CONCAT('row-', seq) FROM seq_1_to_1000000;
UPDATE t SET a = a + 1 WHERE id <= 500000;
DELETE FROM t WHERE id > 750000;
FLUSH BINARY LOGS;" || fail "cannot write the benchmark rows"
cp "$BENCH_DIR/data/$file" "$E2E_DIR/bench.binlog"
echo "binlog: $(wc -c <"$E2E_DIR/bench.binlog") bytes, 1,750,000 row changes"
run "$E2E_DIR/bench.binlog"
