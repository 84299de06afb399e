#!/bin/bash
# bench/verify.sh: what --verify costs (issue 14: "time as a share of the
# copy"). On one private server, the same ALTER runs with --verify (the
# default) and with --no-verify, idle and under the mirror writer, REPEAT
# rounds interleaved. Prints, per case, the copy's time and verify's time
# from osc's own "verify:" line, verify's share of the copy, the chunks
# and rows it compared, the repairs (0 unless something is wrong), and
# the wall time of both runs. Prints figures; asserts nothing
# (DESIGN.md 9: benchmarks are not tests).
#
#   ROWS=200000 REPEAT=3 bench/verify.sh
#
# Environment: ROWS (200000), REPEAT (1), RATE (writer transactions/s of
# the load case, 500; 0 skips it), OSC_ARGS (extra osc options),
# OSC_BIN, OSC_BUILDDIR.
set -u
ROWS=${ROWS:-200000}
REPEAT=${REPEAT:-1}
RATE=${RATE:-500}
OSC_ARGS=${OSC_ARGS:-}
here=$(cd "$(dirname "$0")" && pwd)
OSC_SRCDIR=${OSC_SRCDIR:-$(dirname "$here")}
OSC_BUILDDIR=${OSC_BUILDDIR:-$OSC_SRCDIR/_build}
OSC_BIN=${OSC_BIN:-$OSC_BUILDDIR/osc/osc}
WRITER=$OSC_BUILDDIR/tests/tools/writer
export OSC_SRCDIR OSC_BIN OSC_BUILDDIR
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init

start_server bench --innodb-buffer-pool-size=1G --innodb-log-file-size=256M
sql bench "CREATE DATABASE b; CREATE TABLE b.t (id INT NOT NULL PRIMARY KEY,
    k INT NOT NULL, c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL,
    d DATETIME NOT NULL, KEY k (k));
    INSERT INTO b.t SELECT seq, seq % 1000, REPEAT('c', 120), REPEAT('p', 60),
    '2026-01-01' + INTERVAL seq SECOND FROM mysql.seq_1_to_$ROWS" || exit 1
if [ "$RATE" != 0 ]; then
    "$WRITER" -S "$BENCH_SOCK" -uroot --database=w --create=int \
        --rows=$((ROWS / 4)) --seed=1 >/dev/null || exit 1
fi

# Two ALTERs: one that leaves every column's type, one that changes two
# (compared after a CAST on the table's side).
ALTERS=("ADD COLUMN x INT NOT NULL DEFAULT 0"
    "MODIFY k BIGINT NOT NULL, MODIFY d DATETIME(3) NOT NULL")

# run DB ALTER VERIFY: one osc run; prints "copy_s verify_s chunks rows
# repaired wall_s" (verify's fields "-" with --no-verify).
run() {
    local db=$1 alter=$2 v=$3 t0 t1 line copy vs ch rows rep
    t0=$(date +%s.%N)
    "$OSC_BIN" -h127.0.0.1 -P"$BENCH_PORT" -uroot --instant=never $OSC_ARGS \
        $v --alter="$alter" --execute "$db.t" >"$E2E_DIR/osc.out" \
        2>"$E2E_DIR/osc.err" || { tail -3 "$E2E_DIR/osc.err" >&2; return 1; }
    t1=$(date +%s.%N)
    line=$(grep -E '^verify: [0-9]+ rows in' "$E2E_DIR/osc.err")
    if [ -n "$line" ]; then
        rows=$(echo "$line" | sed -E 's/^verify: ([0-9]+) rows.*/\1/')
        ch=$(echo "$line" | sed -E 's/.* rows in ([0-9]+) chunks.*/\1/')
        vs=$(echo "$line" | sed -E 's/.* equal in ([0-9.]+) s.*/\1/')
        copy=$(echo "$line" | sed -E "s/.*of the copy's ([0-9.]+) s.*/\1/")
        rep=$(echo "$line" | sed -E 's/.*; ([0-9]+) chunks? differed.*/\1/')
    else
        copy=- vs=- ch=- rows=- rep=-
    fi
    printf '%s %s %s %s %s %.1f\n' "$copy" "$vs" "$ch" "$rows" "$rep" \
        "$(echo "$t1 - $t0" | bc)"
}

printf '%-10s %-58s %-9s %7s %8s %6s %8s %s %s %7s\n' case alter verify \
    copy_s verify_s share chunks rows repaired wall_s
for round in $(seq "$REPEAT"); do
    for alter in "${ALTERS[@]}"; do
        for v in --verify --no-verify; do
            for c in idle load; do
                if [ "$c" = idle ]; then
                    db=b
                else
                    [ "$RATE" = 0 ] && continue
                    db=w
                    rm -f "$E2E_DIR/stop"
                    "$WRITER" -S "$BENCH_SOCK" -uroot --database=w --threads=2 \
                        --seed=$((round + 2)) --rate="$RATE" \
                        --stop-file="$E2E_DIR/stop" >"$E2E_DIR/writer" 2>&1 &
                    wpid=$!
                    sleep 0.5
                fi
                # the load table has no k/d: its own type change
                a=$alter
                [ "$db" = w ] && case $alter in
                    MODIFY*) a="MODIFY c_i BIGINT, MODIFY c_date DATETIME(3)" ;;
                    esac
                r=$(run "$db" "$a" "$v") || r="failed"
                if [ "$db" = w ]; then
                    touch "$E2E_DIR/stop"
                    wait "$wpid"
                fi
                set -- $r
                share=-
                [ "$#" -ge 6 ] && [ "$2" != - ] &&
                    share=$(echo "scale=0; 100 * $2 / $1" | bc)%
                printf '%-10s %-58.58s %-9s %7s %8s %6s %8s %s %s %7s\n' \
                    "$c" "$a" "${v#--}" "${1:-}" "${2:-}" "$share" \
                    "${3:-}" "${4:-}" "${5:-}" "${6:-}"
                # undo the type change for the next round
                case $a in
                    "MODIFY k BIGINT"*) sql bench "ALTER TABLE b.t MODIFY k INT NOT NULL, MODIFY d DATETIME NOT NULL" ;;
                    "MODIFY c_i BIGINT"*) sql bench "ALTER TABLE w.t MODIFY c_i INT, MODIFY c_date DATE" ;;
                    ADD*) sql bench "ALTER TABLE $db.t DROP COLUMN x" ;;
                esac
            done
        done
    done
done
