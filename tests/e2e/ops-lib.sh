# tests/e2e/ops-lib.sh: helpers of the t61NN-ops-* tests, on top of lib.sh.
#
#     . "$OSC_SRCDIR/tests/e2e/lib.sh"
#     . "$OSC_SRCDIR/tests/e2e/ops-lib.sh"
#
# OPS_SOCK is the status socket path the helpers talk to.

command -v python3 >/dev/null 2>&1 || skip_or_die "python3 is needed to talk to the status socket"

# ask COMMAND: send one line to the status socket, print the one answer.
ask() {
    python3 - "$OPS_SOCK" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().rstrip("\n"))
PY
}

# expect_answer COMMAND WANT: the exact answer.
expect_answer() {
    got=$(ask "$1")
    [ "$got" = "$2" ] || fail "'$1' answered '$got', expected '$2'"
}

# status_field FIELD: one field of the status JSON (Python's repr for
# strings, true/false/null as JSON writes them). Fails on invalid JSON.
status_field() {
    ask status | python3 -c '
import json, sys
st = json.loads(sys.stdin.read())
v = st[sys.argv[1]]
print(json.dumps(v) if not isinstance(v, str) else v)' "$1"
}

# field_is FIELD VALUE: for wait_for.
field_is() {
    [ "$(status_field "$1" 2>/dev/null)" = "$2" ]
}

# seq_table SERVER DB ROWS: DB.t (id INT PRIMARY KEY, v VARCHAR(32)) with
# ROWS rows, from MariaDB's sequence engine.
seq_table() {
    sql "$1" "CREATE DATABASE IF NOT EXISTS $2; USE $2;
        CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(32));
        INSERT INTO t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_$3" ||
        fail "cannot create $2.t"
}

# gate_hook DIR EVENT FILE: a hook for EVENT in DIR that waits until FILE
# exists, to hold a run at a known point while the test talks to it.
gate_hook() {
    mkdir -p "$1"
    cat >"$1/$2" <<EOH
#!/bin/sh
while [ ! -e '$3' ]; do sleep 0.05; done
EOH
    chmod +x "$1/$2"
}

# wait_osc PID [TIMEOUT_SECONDS]: wait for a background osc (120 s at
# most: then it is killed and the test fails); its exit status in
# OSC_STATUS.
wait_osc() {
    if ! wait_for "${2:-120}" sh -c "! kill -0 $1"; then
        kill "$1" 2>/dev/null
        wait "$1" 2>/dev/null
        show_osc_output
        fail "osc (pid $1) did not finish within ${2:-120} s"
    fi
    OSC_STATUS=0
    wait "$1" || OSC_STATUS=$?
}
