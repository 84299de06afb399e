#!/bin/sh
# osc usage errors (exit 2), --help, --version and option-file errors.
# Needs no server: every case fails before osc connects.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
: "${OSC_BIN:?OSC_BIN is not set (run through make check)}"
E2E_DIR=$(mktemp -d /tmp/osc.XXXXXX) || fail "mktemp failed"
trap 'rm -rf "$E2E_DIR"' EXIT
# Keep the user's and the machine's option files out of it.
HOME=$E2E_DIR
export HOME
unset MYSQL_PWD || :

# usage ARGS...: osc must exit 2, say "error: ..." and point at --help.
usage() {
    run_osc "$@"
    expect_status 2 || return 1
    expect_err "^try 'osc --help' for more information$" || return 1
}

usage
expect_err '^usage: osc \[OPTIONS\] --alter=CLAUSES DB.TABLE$'
usage --no-defaults shop.orders
expect_err "^error: missing --alter=CLAUSES"
usage --no-defaults --alter='ADD x INT'
expect_err '^error: missing the table to change: give it as DB.TABLE$'
usage --no-defaults --alter='ADD x INT' orders
expect_err "^error: 'orders' is not DB.TABLE: give the database too \(e.g. shop.orders\)$"
usage --no-defaults --alter='ADD x INT' shop.orders other.table
expect_err "^error: unexpected argument 'other.table'"
usage --no-defaults --alter='ADD x INT' '`shop.orders'
expect_err '^error: unterminated backtick'
usage --no-defaults --alter='ADD x INT' shop.
expect_err '^error: empty table name'
usage --no-defaults --frobnicate --alter='ADD x INT' shop.orders
expect_err "^error: unknown option '--frobnicate'$"
usage --no-defaults --exec --alter='ADD x INT' shop.orders
expect_err "did you mean '--execute'\?$"
usage --no-defaults -Z --alter='ADD x INT' shop.orders
expect_err "^error: unknown option '-Z'$"
usage --no-defaults --port=99999 --alter='ADD x INT' shop.orders
expect_err "^error: invalid value '99999' for --port: must be between 0 and 65535$"
usage --no-defaults --connect-timeout=2x --alter='ADD x INT' shop.orders
expect_err "not a duration"
usage --no-defaults --log-format=xml --alter='ADD x INT' shop.orders
expect_err "expected one of text, json"
usage --no-defaults shop.orders --alter
expect_err "^error: option '--alter' needs a value$"
usage --no-defaults --verbose=2 --alter=X shop.orders
expect_err "takes no value"
# JSON mode applies to usage errors found after the options are read.
run_osc --no-defaults --log-format=json --alter=X
expect_status 2
expect_err '^\{"ts":"[^"]*","level":"error","type":"message","msg":"missing the table'
expect_err '"msg":"try .osc --help. for more information"\}$'

# Option files: a bad [osc] key, a command-line-only option in a file, a
# missing --defaults-file.
cat >"$E2E_DIR/bad.cnf" <<'CNF'
[client]
default-character-set = utf8mb4
[osc]
chunk-sise = 1000
CNF
usage --defaults-file="$E2E_DIR/bad.cnf" --alter=X shop.orders
expect_err "^error: $E2E_DIR/bad.cnf:4: unknown option 'chunk-sise' in group \[osc\]$"
printf '[osc]\nexecute\n' >"$E2E_DIR/exec.cnf"
usage --defaults-file="$E2E_DIR/exec.cnf" --alter=X shop.orders
expect_err "option 'execute' is only accepted on the command line"
usage --defaults-file="$E2E_DIR/none.cnf" --alter=X shop.orders
expect_err "^error: cannot read option file '$E2E_DIR/none.cnf'"
# ~/.my.cnf is read (HOME is the temp dir) and its errors are reported.
printf '[osc]\nport = lots\n' >"$E2E_DIR/.my.cnf"
usage --alter=X shop.orders
expect_err "invalid value 'lots' for 'port' \($E2E_DIR/.my.cnf:2\)"
# ... unless --no-defaults.
usage --no-defaults --alter=X
expect_err 'missing the table'
rm -f "$E2E_DIR/.my.cnf"

# --help and --version: stdout, exit 0, nothing on stderr.
run_osc --help
expect_status 0
expect_out '^usage: osc \[OPTIONS\] --alter=CLAUSES DB.TABLE$'
expect_out '^  -p, --password\[=PASS\] '
[ -s "$E2E_DIR/osc.err" ] && e2e_fail "--help wrote to stderr"
run_osc --version
expect_status 0
expect_out "^osc [0-9]+\.[0-9]+\.[0-9]+$"
run_osc -V
expect_status 0

# A password that could not be prompted for (no terminal): a usage error.
if command -v setsid >/dev/null 2>&1; then
    OSC_STATUS=0
    setsid "$OSC_BIN" --no-defaults -p --alter=X shop.orders \
        >"$E2E_DIR/osc.out" 2>"$E2E_DIR/osc.err" </dev/null || OSC_STATUS=$?
    expect_status 2
    expect_err "^error: cannot ask for the password: no terminal"
fi
exit "$E2E_FAILED"
