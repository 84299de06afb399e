#!/bin/sh
# ALTERs that osc or the server refuses, against a real server: each gives
# one error line and exit status 1, and leaves the server as it was (no
# `_t_*` table, the table's definition and rows unchanged).
#
# - Forms the parser refuses (osc(1) DIAGNOSTICS, "--alter: REASON near
#   offset N: 'TEXT'"): N is the byte offset of the clause in --alter.
# - ALTERs the model refuses before the ghost is built, ALTERs the server
#   refuses on the ghost, and ALTERs the data refuses (duplicates for a new
#   unique key, NULLs for a new NOT NULL, rows that fail a new CHECK), in a
#   dry run and with --execute.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
start_server primary

sql primary "CREATE DATABASE d;
	CREATE TABLE d.t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
		a INT, b VARCHAR(20) NOT NULL DEFAULT '', KEY k_a (a));
	INSERT INTO d.t (a, b) VALUES (1, 'dup'), (NULL, 'dup'), (3, 'c')" ||
	fail "cannot create the table"

state() {
	sql primary "SHOW CREATE TABLE d.t; CHECKSUM TABLE d.t;
		SELECT GROUP_CONCAT(table_name ORDER BY table_name)
		FROM information_schema.tables WHERE table_schema = 'd'"
}
state >"$E2E_DIR/state.before" || fail "cannot read the state"

# The server as it was, and (unless $2 is "any") one error line on stderr.
expect_untouched() {
	state >"$E2E_DIR/state.after" || fail "cannot read the state"
	if ! cmp -s "$E2E_DIR/state.before" "$E2E_DIR/state.after"; then
		e2e_fail "$1: the server changed:"
		diff -u "$E2E_DIR/state.before" "$E2E_DIR/state.after" >&2
	fi
	expect_no_leftovers primary d || e2e_fail "$1: leftovers"
	n=$(grep -Ec '^error:|"level":"error"' "$E2E_DIR/osc.err")
	if [ "$n" = 0 ] || { [ "$n" != 1 ] && [ "${2:-}" != any ]; }; then
		e2e_fail "$1: $n error lines, expected 1"
		show_osc_output
	fi
}

# refused NAME OFFSET 'REGEX' 'ALTER': the parser's refusal, exit 1, with
# the byte offset OFFSET, and the text at that offset of --alter quoted.
# REGEX is the reason; the fix, when there is one, follows it.
refused() {
	name=$1 offset=$2 regex=$3 alter=$4
	run_osc $(osc_conn primary) --alter "$alter" d.t
	expect_status 1 || e2e_fail "$name: wrong status for: $alter"
	expect_err "^error: --alter:? $regex.* near offset $offset: '" ||
		e2e_fail "$name: wrong message for: $alter"
	# The excerpt is the text of --alter at that byte offset.
	excerpt=$(sed -n "s/^error: .* near offset $offset: '\\(.*\\)'\$/\\1/p" \
		"$E2E_DIR/osc.err" | cut -c1-8)
	at=$(printf '%s' "$alter" | tail -c +$((offset + 1)) | cut -c1-8)
	[ -n "$excerpt" ] && [ "$excerpt" = "$at" ] ||
		e2e_fail "$name: excerpt '$excerpt' is not the text at byte $offset ('$at')"
	[ "$(wc -l <"$E2E_DIR/osc.err")" = 1 ] ||
		{ e2e_fail "$name: more than one line on stderr"; show_osc_output; }
	expect_untouched "$name"
}

refused rename 0 'renaming the table is not an online schema change' \
	"RENAME TO t2"
refused rename-as 18 'renaming the table' \
	"ADD COLUMN z INT, RENAME AS t2"
refused algorithm 18 'ALGORITHM= and LOCK= are meaningless for an online copy' \
	"ADD COLUMN z INT, ALGORITHM=INPLACE"
refused lock 0 'ALGORITHM= and LOCK= are meaningless' \
	"LOCK=NONE, ADD COLUMN z INT"
refused discard 0 'DISCARD/IMPORT TABLESPACE cannot run on a copy' \
	"DISCARD TABLESPACE"
refused import 2 'DISCARD/IMPORT TABLESPACE' \
	"  IMPORT TABLESPACE"
# A two-byte character before the clause: offsets count bytes.
refused order-by 21 'ORDER BY cannot be kept by an online copy' \
	"ADD COLUMN \`é\` INT, ORDER BY id"
refused garbage 18 'unrecognised ALTER clause' \
	"ADD COLUMN z INT, FROBNICATE THE TABLE"
refused second-statement 18 'only one statement is allowed' \
	"ADD COLUMN z INT; DROP TABLE d.t"
refused whole-statement 0 'takes the clauses that follow ALTER TABLE' \
	"ALTER TABLE d.t ADD COLUMN z INT"
refused partition-maintenance 0 'partition maintenance' \
	"TRUNCATE PARTITION p0"
refused unterminated 32 'unterminated string' \
	"ADD COLUMN z VARCHAR(3) DEFAULT 'abc"

run_osc $(osc_conn primary) --alter "" d.t
expect_status 1
expect_err "^error: --alter: empty ALTER: nothing to do\$"
expect_untouched empty

# The same refusal in JSON: one JSON object on stderr, nothing on stdout.
run_osc $(osc_conn primary) --log-format=json --alter "RENAME TO t2" d.t
expect_status 1
[ "$(wc -l <"$E2E_DIR/osc.err")" = 1 ] && [ ! -s "$E2E_DIR/osc.out" ] ||
	{ e2e_fail "json: not one line on stderr and nothing on stdout"; show_osc_output; }
expect_err '^\{.*"level":"error".*"msg":"--alter: renaming the table .* near offset 0: '"'RENAME TO t2'"'"\}$'

# rejected NAME 'REGEX' 'ALTER' [OPTIONS]: passes the parser, refused
# later, exit 1, nothing left. With --execute the engine adds a summary
# error line.
rejected() {
	name=$1 regex=$2 alter=$3
	shift 3
	run_osc $(osc_conn primary) "$@" --alter "$alter" d.t
	expect_status 1 || e2e_fail "$name: wrong status for: $alter $*"
	expect_err "^error: $regex" ||
		e2e_fail "$name: wrong message for: $alter $*"
	expect_untouched "$name" ${1:+any}
}

for mode in "" --execute; do
	rejected "missing-column$mode" \
		'key column `nosuch` does not exist near offset 0: ' \
		"ADD INDEX k (nosuch)" $mode
	rejected "fulltext-on-int$mode" \
		'the ALTER fails on the ghost table, so it would fail on `t` too: .*cannot be part of FULLTEXT index' \
		"ADD FULLTEXT KEY ft (a)" $mode
	rejected "bad-default$mode" \
		"the ALTER fails on the ghost table, .*Invalid default value for 'z'" \
		"ADD COLUMN z INT DEFAULT 'abc'" $mode
	rejected "spatial-nullable$mode" \
		'the ALTER fails on the ghost table, .*SPATIAL index must be NOT NULL' \
		"ADD COLUMN g POINT, ADD SPATIAL INDEX (g)" $mode
	rejected "duplicates$mode" \
		'unique key `u_b` added by the ALTER would meet duplicates in `d`.`t`: \(dup, 2\) appears more than once' \
		"ADD UNIQUE KEY u_b (b)" $mode
	rejected "nulls$mode" \
		'column `a` made NOT NULL by the ALTER holds NULLs in `d`.`t`' \
		"MODIFY a INT NOT NULL" $mode
	# The copy's INSERT IGNORE would skip the rows a new CHECK refuses.
	rejected "check$mode" \
		'constraint `ck` CHECK \(`a` < 3\) added by the ALTER fails on rows of `d`.`t`, e.g. key \(3\)' \
		"ADD CONSTRAINT ck CHECK (a < 3)" $mode
	rejected "column-check$mode" \
		"the CHECK of column \`b\` CHECK \(\`b\` <> 'dup'\) added by the ALTER fails on rows of \`d\`.\`t\`, e.g. key \(1\)" \
		"MODIFY b VARCHAR(20) NOT NULL DEFAULT '' CHECK (b <> 'dup')" $mode
done

# The server's refusal in JSON: the error is one JSON line.
run_osc $(osc_conn primary) --log-format=json --alter "ADD FULLTEXT (a)" d.t
expect_status 1
expect_err '^\{.*"level":"error".*"msg":"the ALTER fails on the ghost table'
expect_untouched fulltext-json
[ ! -s "$E2E_DIR/osc.out" ] ||
	{ e2e_fail "fulltext-json: a plan on stdout"; show_osc_output; }

exit 0
