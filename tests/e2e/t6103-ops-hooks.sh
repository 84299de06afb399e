#!/bin/sh
# Hooks (--hooks-dir) of real runs, with --log-format=json:
#  - a run that succeeds runs on-startup, on-validated,
#    on-row-copy-complete, on-before-cut-over and on-success in that
#    order, with the documented OSC_* variables; on-status runs every
#    --status-interval;
#  - a failing on-before-cut-over postpones the cut-over and runs again
#    until it passes;
#  - a hook that outlives --hook-timeout is killed and the run goes on;
#  - a run that fails runs on-failure with OSC_EXIT_STATUS and
#    OSC_MESSAGE;
#  - every line osc writes on stderr is a JSON object (also a hook's own
#    output), and status records carry the status fields.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
. "$OSC_SRCDIR/tests/e2e/ops-lib.sh"
e2e_init

HOOKS=$E2E_DIR/hooks
HOOKLOG=$E2E_DIR/hooks.log
export HOOKLOG
mkdir "$HOOKS"
for ev in on-startup on-validated on-row-copy-complete on-before-cut-over \
    on-success on-failure on-status; do
    cat >"$HOOKS/$ev" <<'EOH'
#!/bin/sh
echo "$OSC_EVENT|$OSC_PHASE|$OSC_DATABASE|$OSC_TABLE|$OSC_GHOST_TABLE|${OSC_ROWS_COPIED:-}|${OSC_ROWS_ESTIMATE:-}|${OSC_ELAPSED_SECONDS:-}|${OSC_EXIT_STATUS:-}|$OSC_ALTER" >>"$HOOKLOG"
env | grep '^OSC_' | sort >"$HOOKLOG.$OSC_EVENT"
EOH
    chmod +x "$HOOKS/$ev"
done
# Output of a hook, on both streams.
cat >"$HOOKS/on-startup.talk" <<'EOH'
#!/bin/sh
echo "hello from stdout"
echo "hello from stderr" >&2
EOH
# Killed after --hook-timeout; the run goes on.
printf '#!/bin/sh\nsleep 60\n' >"$HOOKS/on-validated.slow"
# Fails the first time: the cut-over waits and asks again.
cat >"$HOOKS/on-before-cut-over.gate" <<'EOH'
#!/bin/sh
[ -e "$HOOKLOG.gate" ] && exit 0
touch "$HOOKLOG.gate"
echo "not yet"
exit 3
EOH
chmod +x "$HOOKS/on-startup.talk" "$HOOKS/on-validated.slow" \
    "$HOOKS/on-before-cut-over.gate"

start_server primary
seq_table primary h 5000
ALTER="ADD COLUMN note VARCHAR(8)"

run_osc $(osc_conn primary) --log-format=json --status-interval=1s \
    --hooks-dir="$HOOKS" --hook-timeout=1s --alter="$ALTER" --execute h.t
expect_status 0 || fail "the run with hooks failed"
cp "$E2E_DIR/osc.err" "$E2E_DIR/ok.err"

grep -v '^on-status|' "$HOOKLOG" | cut -d'|' -f1 | tr '\n' ' ' >"$E2E_DIR/order"
[ "$(cat "$E2E_DIR/order")" = "on-startup on-validated on-row-copy-complete on-before-cut-over on-before-cut-over on-success " ] ||
    fail "hooks ran in this order: $(cat "$E2E_DIR/order")"
grep -q "^on-startup|starting|h|t|_t_new|0|[0-9]*|[0-9]*||$ALTER\$" "$HOOKLOG" ||
    fail "on-startup variables: $(grep '^on-startup' "$HOOKLOG")"
grep -q "^on-row-copy-complete|copy|h|t|_t_new|5000|5000|[0-9]*||$ALTER\$" "$HOOKLOG" ||
    fail "on-row-copy-complete variables: $(grep '^on-row-copy-complete' "$HOOKLOG")"
grep -q "^on-success|cleanup|h|t|_t_new|5000|5000|[0-9]*|0|$ALTER\$" "$HOOKLOG" ||
    fail "on-success variables: $(grep '^on-success' "$HOOKLOG")"
grep -q '^on-status|' "$HOOKLOG" || fail "on-status never ran"
for v in OSC_EVENT=on-success OSC_OLD_TABLE=_t_old OSC_CHANGELOG_TABLE=_t_osc \
    OSC_DRY_RUN=0 OSC_PERCENT=100.0 OSC_EVENTS_APPLIED=0 OSC_THROTTLED=0 \
    OSC_EXIT_STATUS=0 "OSC_HOST=127.0.0.1:$PRIMARY_PORT"; do
    grep -qx "$v" "$HOOKLOG.on-success" || fail "on-success lacks $v: $(cat "$HOOKLOG.on-success")"
done
grep -q '^OSC_STATUS_JSON={"database":"h","table":"t","phase":"cleanup",' "$HOOKLOG.on-success" ||
    fail "on-success: OSC_STATUS_JSON is wrong"

# The JSON log of that run.
python3 - "$E2E_DIR/ok.err" "$HOOKS" <<'PY' || fail "bad JSON log: $(head -c 3000 "$E2E_DIR/ok.err")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]   # every line is JSON
hooks = sys.argv[2]
for r in recs:
    assert "ts" in r and r["level"] in ("error", "warning", "info"), r
    assert r.get("type") in ("message", "status"), r
msgs = [r["msg"] for r in recs if r["type"] == "message"]
def has(text):
    assert any(text in m for m in msgs), (text, msgs)
has("hook '%s/on-startup.talk': hello from stdout" % hooks)
has("hook '%s/on-startup.talk': hello from stderr" % hooks)
has("hook '%s/on-validated.slow' did not finish within 1000 ms and was killed" % hooks)
has("hook '%s/on-before-cut-over.gate' exited with status 3; the cut-over is postponed" % hooks)
has("on-before-cut-over hooks passed")
has("done: `h`.`t` migrated; 5000 rows copied")
statuses = [r for r in recs if r["type"] == "status"]
phases = [s["phase"] for s in statuses]
for p in ("ghost", "stream", "copy", "postponed", "catch-up", "cut-over", "cleanup"):
    assert p in phases, (p, phases)
for s in statuses:
    for f in ("database", "table", "rows_copied", "rows_estimate", "percent",
              "events_applied", "throttled", "cut_over_postponed",
              "chunk_size", "elapsed_seconds"):
        assert f in s, (f, s)
post = [s for s in statuses if s["phase"] == "postponed"]
assert all(s["cut_over_postponed"] is True for s in post), post
PY

# A run that fails: on-startup, then on-failure with the status and the
# message (the ALTER fails on the ghost).
rm -f "$HOOKLOG" "$HOOKLOG".on-*
run_osc $(osc_conn primary) --log-format=json --hooks-dir="$HOOKS" \
    --hook-timeout=1s --alter="ADD COLUMN v INT" --execute h.t
expect_status 1 || fail "the failing run"
grep -v '^on-status|' "$HOOKLOG" | cut -d'|' -f1 | tr '\n' ' ' >"$E2E_DIR/order"
[ "$(cat "$E2E_DIR/order")" = "on-startup on-failure " ] ||
    fail "failed run: hooks ran in this order: $(cat "$E2E_DIR/order")"
grep -qx 'OSC_EXIT_STATUS=1' "$HOOKLOG.on-failure" || fail "on-failure: no OSC_EXIT_STATUS=1"
grep -q '^OSC_MESSAGE=duplicate column name .v.' "$HOOKLOG.on-failure" ||
    fail "on-failure: OSC_MESSAGE is wrong: $(grep OSC_MESSAGE "$HOOKLOG.on-failure")"
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    json.loads(l)' "$E2E_DIR/osc.err" || fail "failed run: stderr is not all JSON"
expect_no_leftovers primary h
exit "$E2E_FAILED"
