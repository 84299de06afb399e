#!/bin/sh
# --summary-json=PATH and --history=DB.TABLE (issue 14, for the
# orchestrators): the outcome as one JSON object, and one row per
# --execute run, for a dry run, a migration under the mirror writer, an
# instant one, a failed one; bad --history values are refused.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary
command -v python3 >/dev/null || skip_or_die "python3 is needed to read JSON"

TOOLS=$OSC_BUILDDIR/tests/tools
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=w --create=int \
    --rows=${OSC_TEST_ROWS:-3000} --seed=61 >/dev/null || fail "writer --create failed"
sql primary "CREATE DATABASE hist"
S=$E2E_DIR/summary.json

# field NAME: the summary's value of NAME (JSON null -> "null").
field() {
    python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print("null" if v is None else str(v).lower() if isinstance(v,bool) else v)' "$S" "$1"
}
expect_field() {
    got=$(field "$1") || { e2e_fail "summary: no readable field $1"; return 1; }
    case $got in
    $2) ;;
    *) e2e_fail "summary: $1 is '$got', expected '$2'" ;;
    esac
}

# 1. A dry run.
run_osc $(osc_conn primary) --summary-json="$S" --alter="ADD COLUMN a INT" w.t
expect_status 0
expect_field type summary
expect_field mode dry-run
expect_field exit_status 0
expect_field outcome done
expect_field swapped false
expect_field first_error null
expect_field table t
expect_field database w

# 2. A migration under the writer, with history.
start_writer w --threads=2 --seed=62 --rate=${OSC_TEST_RATE:-400}
sleep 1
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --summary-json="$S" \
    --history=hist.osc_history --chunk-size=500 \
    --alter="ADD COLUMN a INT NOT NULL DEFAULT 3" --execute w.t
expect_status 0
stop_writer w
expect_field mode execute
expect_field outcome done
expect_field swapped true
expect_field instant false
expect_field uncertain false
expect_field rows_copied '[1-9]*'
[ "$(field rows_copied)" -ge 1000 ] || e2e_fail "summary: rows_copied $(field rows_copied)"
row=$(sql primary "SELECT db, table_name, exit_status, outcome, ended_at IS NOT NULL, rows_copied, alter_text FROM hist.osc_history ORDER BY id DESC LIMIT 1")
case $row in
"w	t	0	done	1	$(field rows_copied)	ADD COLUMN a INT NOT NULL DEFAULT 3") ;;
*) e2e_fail "history row: $row" ;;
esac
expect_no_leftovers primary w

# 3. An instant one.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --summary-json="$S" \
    --history=hist.osc_history --instant=auto \
    --alter="ADD COLUMN b INT" --execute w.t
expect_status 0
expect_field instant true
expect_field swapped true
expect_field rows_copied 0

# 4. A failed one: the ALTER fails on the ghost.
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --summary-json="$S" \
    --history=hist.osc_history --alter="ADD COLUMN a INT" --execute w.t
expect_status 1
expect_field exit_status 1
expect_field outcome failed
expect_field swapped false
case $(field first_error) in
*"uplicate column name"*) ;;
*) e2e_fail "summary: first_error is '$(field first_error)'" ;;
esac
[ "$(sql_value primary "SELECT CONCAT(exit_status, ' ', outcome) FROM hist.osc_history ORDER BY id DESC LIMIT 1")" = "1 failed" ] ||
    e2e_fail "history: the failed run is not recorded as failed"
[ "$(sql_value primary "SELECT COUNT(*) FROM hist.osc_history")" = 3 ] ||
    e2e_fail "history: not one row per --execute run"
expect_no_leftovers primary w

# 5. Bad --history values.
run_osc $(osc_conn primary) --history=nodot --alter="ADD COLUMN c INT" --execute w.t
expect_status 2
expect_err 'is not DB.TABLE'
run_osc $(osc_conn primary) --history=w.t --alter="ADD COLUMN c INT" --execute w.t
expect_status 1
expect_err 'names the table being migrated'
run_osc $(osc_conn primary) --history='w.`_t_osc`' --alter="ADD COLUMN c INT" --execute w.t
expect_status 1
expect_err 'names the table being migrated'
expect_no_leftovers primary w
exit 0
