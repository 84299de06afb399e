# tests/e2e/engine-lib.sh: helpers for the engine's end-to-end tests
# (t42xx), sourced after lib.sh and e2e_init.
#
#     start_osc ARGS...        osc in the background (OSC_PID); output in
#                              $E2E_DIR/osc.out and osc.err
#     wait_osc_line REGEX [S]  until osc's stderr matches (fails the test
#                              when osc ends first or after S seconds)
#     finish_osc               wait for it; status in OSC_STATUS
#     run_osc_bounded S ARGS   run_osc that is sent SIGTERM after S seconds
#                              (a run that hangs fails the test, not CI)
#     start_writer DB [ARGS]   the mirror writer in the background
#     stop_writer DB           stop it, fail on its errors, compare t with
#                              its mirror
#     table_is_usable DB       t answers and takes a write

OSC_TIMEOUT=${OSC_TEST_TIMEOUT:-150}
ENGINE_WRITERS=""

# A test that fails half-way must not leave writers (or osc) behind: they
# would retry against the stopped server forever. Stop them, then run
# lib.sh's cleanup with the exit status the test had.
engine_cleanup() {
    local pid
    for pid in $ENGINE_WRITERS ${OSC_PID:-}; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in $ENGINE_WRITERS ${OSC_PID:-}; do
        wait "$pid" 2>/dev/null
    done
}
trap 'engine_status=$?; engine_cleanup; (exit $engine_status); e2e_cleanup' EXIT

start_osc() {
    # Empty it here: the child truncates it only after the fork, and
    # wait_osc_line must not read the last run's lines.
    : >"$E2E_DIR/osc.err"
    "$OSC_BIN" "$@" >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" &
    OSC_PID=$!
}

wait_osc_line() {
    local i=0 limit=$(( ${2:-60} * 10 ))
    while ! grep -Eq -- "$1" "$E2E_DIR/osc.err"; do
        if ! kill -0 "$OSC_PID" 2>/dev/null; then
            show_osc_output
            fail "osc ended before printing '$1'"
        fi
        i=$((i + 1))
        if [ "$i" -ge "$limit" ]; then
            kill -TERM "$OSC_PID" 2>/dev/null
            show_osc_output
            fail "osc did not print '$1' in time"
        fi
        sleep 0.1
    done
}

finish_osc() {
    OSC_STATUS=0
    wait "$OSC_PID" || OSC_STATUS=$?
    OSC_PID=""
}

run_osc_bounded() {
    local secs=$1
    shift
    OSC_STATUS=0
    timeout -s TERM "$secs" "$OSC_BIN" "$@" >"$E2E_DIR/osc.out" \
        2>"$E2E_DIR/osc.err" || OSC_STATUS=$?
    if [ "$OSC_STATUS" = 124 ]; then
        e2e_fail "osc did not finish within $secs s (sent SIGTERM)"
        show_osc_output
    fi
    return 0
}

start_writer() {
    local db=$1
    shift
    rm -f "$E2E_DIR/stop.$db"
    "$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot \
        --database="$db" --stop-file="$E2E_DIR/stop.$db" \
        --latency-log="$E2E_DIR/latency.$db" "$@" \
        >"$E2E_DIR/writer.$db" 2>&1 &
    eval "WRITER_PID_$db=\$!"
    ENGINE_WRITERS="$ENGINE_WRITERS $!"
}

stop_writer() {
    local db=$1 pid
    pid=$(eval echo "\$WRITER_PID_$db")
    touch "$E2E_DIR/stop.$db"
    if ! wait "$pid"; then
        cat "$E2E_DIR/writer.$db" >&2
        e2e_fail "$db: the writer saw errors"
    fi
    # Reaped: its pid may be reused, so it must not be signalled later.
    ENGINE_WRITERS=$(echo "$ENGINE_WRITERS" | tr ' ' '\n' | grep -vx "$pid" | tr '\n' ' ')
    e2e_log "$db: $(tail -n 1 "$E2E_DIR/writer.$db")"
    if ! "$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot \
        --database="$db" --verify >"$E2E_DIR/verify.$db" 2>&1; then
        cat "$E2E_DIR/verify.$db" >&2
        e2e_fail "$db: t differs from its mirror"
    fi
}

table_is_usable() {
    local db=$1 n
    n=$(sql_value primary "SELECT COUNT(*) FROM $db.t") ||
        { e2e_fail "$db.t cannot be read"; return 1; }
    [ "$n" -gt 0 ] || { e2e_fail "$db.t is empty"; return 1; }
    sql primary "CREATE TEMPORARY TABLE $db.probe LIKE $db.t;
        INSERT INTO $db.probe SELECT * FROM $db.t ORDER BY id LIMIT 1;
        BEGIN; DELETE FROM $db.t ORDER BY id LIMIT 1;
        INSERT INTO $db.t SELECT * FROM $db.probe; ROLLBACK" ||
        { e2e_fail "$db.t does not take writes"; return 1; }
    return 0
}

# The DROP TABLE statements osc's preflight printed for leftovers.
leftover_drops() {
    sed -n 's/.*is left over from an earlier osc run.*: \(DROP TABLE .*\)$/\1/p' \
        "$E2E_DIR/osc.err"
}
