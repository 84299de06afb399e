#!/bin/bash
# bench/replay-rate.sh: how many row changes a second osc's replay
# applies when a bulk writer outruns it (issue 15, target 3: 35k row
# changes/s from one client doing 2000-row UPDATEs). The copy is held by
# a throttle flag file from the start, so only the replay works; one
# client sends UPDATEs of 2000 rows each for WRITE_S seconds; the status
# socket is read every second. Prints the writer's rate, the replay's
# rate while it had a backlog, and how long the backlog took to drain.
# Prints figures; asserts nothing (DESIGN.md 9).
#
#   ROWS=200000 WRITE_S=20 bench/replay-rate.sh
set -u
ROWS=${ROWS:-200000}
WRITE_S=${WRITE_S:-20}
STMT_ROWS=${STMT_ROWS:-2000}
here=$(cd "$(dirname "$0")" && pwd)
OSC_SRCDIR=${OSC_SRCDIR:-$(dirname "$here")}
OSC_BUILDDIR=${OSC_BUILDDIR:-$OSC_SRCDIR/_build}
OSC_BIN=${OSC_BIN:-$OSC_BUILDDIR/osc/osc}
export OSC_SRCDIR OSC_BIN OSC_BUILDDIR
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
command -v python3 >/dev/null || { echo "bench: python3 is needed" >&2; exit 1; }

start_server bench --innodb-buffer-pool-size=1G --innodb-log-file-size=256M
sql bench "CREATE DATABASE b; CREATE TABLE b.t (id INT NOT NULL PRIMARY KEY,
    k INT NOT NULL, c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL, KEY k (k));
    INSERT INTO b.t SELECT seq, seq % 1000, REPEAT('c', 120), REPEAT('p', 60)
    FROM mysql.seq_1_to_$ROWS" || exit 1

SOCK=$E2E_DIR/osc.sock
touch "$E2E_DIR/hold"
"$OSC_BIN" -h127.0.0.1 -P"$BENCH_PORT" -uroot --instant=never \
    --throttle-flag-file="$E2E_DIR/hold" --status-socket="$SOCK" \
    --alter="ADD COLUMN x INT NOT NULL DEFAULT 0" --execute b.t \
    >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" &
OSC_PID=$!
for _ in $(seq 300); do [ -S "$SOCK" ] && grep -q 'paused' "$E2E_DIR/osc.err" && break; sleep 0.1; done

status() {
    python3 - "$SOCK" <<'PY'
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"status\n")
st = json.loads(s.makefile().readline())
print("%.3f %d %s" % (time.time(), st.get("events_applied", 0), st.get("backlog_bytes")))
PY
}

# The writer: UPDATEs of STMT_ROWS rows over the table, round and round.
python3 - "$ROWS" "$STMT_ROWS" >"$E2E_DIR/updates.sql" <<'PY'
import sys
rows, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(2000):
    lo = (i * n) % rows + 1
    print("UPDATE b.t SET k = k + 1 WHERE id BETWEEN %d AND %d;" % (lo, lo + n - 1))
PY
status >"$E2E_DIR/samples"
start=$(date +%s.%N)
timeout "$WRITE_S" "$MYSQL" --no-defaults -S "$BENCH_SOCK" -uroot <"$E2E_DIR/updates.sql" 2>/dev/null &
WPID=$!
while kill -0 "$WPID" 2>/dev/null; do sleep 1; status >>"$E2E_DIR/samples"; done
end=$(date +%s.%N)
written=$(sql bench "SELECT SUM(k) - (SELECT SUM(seq % 1000) FROM mysql.seq_1_to_$ROWS) FROM b.t" | head -n 1)
# Until the backlog is gone (or 10 minutes).
for _ in $(seq 600); do
    line=$(status); echo "$line" >>"$E2E_DIR/samples"
    b=$(echo "$line" | awk '{ print $3 }')
    [ "$b" = 0 ] && break
    sleep 1
done
kill -TERM "$OSC_PID" 2>/dev/null; wait "$OSC_PID" 2>/dev/null
python3 - "$E2E_DIR/samples" "$start" "$end" "$written" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
t0, t1, written = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4] or 0)
pts = [(float(a), int(b), c) for a, b, c in rows]
busy = [(pts[i], pts[i + 1]) for i in range(len(pts) - 1) if pts[i][2] not in ("0", "None", "null")]
best = max(((q[1] - p[1]) / (q[0] - p[0]) for p, q in busy if q[0] > p[0]), default=0)
tot = (pts[-1][1] - pts[0][1])
span = [p for p, q in busy]
rate = 0
if busy:
    rate = (busy[-1][1][1] - busy[0][0][1]) / (busy[-1][1][0] - busy[0][0][0])
print("# bench/replay-rate: one client, UPDATEs of %s rows" % sys.argv[0] if False else "")
print("writer: %d row changes in %.1f s = %.0f row changes/s" % (written, t1 - t0, written / (t1 - t0)))
print("replay: %d row changes applied; %.0f/s while behind (best second %.0f/s)" % (tot, rate, best))
print("backlog drained %.1f s after the writer stopped" % (pts[-1][0] - t1))
PY
