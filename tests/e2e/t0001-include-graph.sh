#!/bin/sh
# The include graph is one-way (DESIGN.md 8): tests/tools/include-graph.sh
# passes on the tree, and fails on a copy given each kind of violation
# (an arrow against the module order, a sibling's *-internal.h, a circle
# of files), so the check itself is known to bite. No server needed.
SRC=${OSC_SRCDIR:?}
CHECK="$SRC/tests/tools/include-graph.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osc-t0001.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$(sh "$CHECK" "$SRC" 2>&1) || fail "the tree breaks the module order:
$out"

# copy_with FILE LINE: a fresh copy of the sources with LINE added to FILE.
copy_with() {
	rm -rf "$tmp/src" && mkdir "$tmp/src" &&
	(cd "$SRC" && cp -R util ddl chunker throttle binlog osc "$tmp/src/") &&
	chmod -R u+w "$tmp/src" &&
	printf '%s\n' "$2" >> "$tmp/src/$1" || fail "cannot copy the sources"
}

expect_violation() { # WHAT PATTERN
	out=$(sh "$CHECK" "$tmp/src" 2>&1) && fail "$1 was not caught"
	printf '%s\n' "$out" | grep -q "$2" ||
		fail "$1: the report does not say so:
$out"
}

copy_with util/quote.c '#include "ddl/ddl.h"'
expect_violation "util including ddl" \
	"util/quote.c: includes ddl/ddl.h: util may not include ddl"
copy_with osc/replay/watch.c '#include "osc/migrate/run.h"'
expect_violation "replay including migrate" \
	"osc/replay/watch.c: includes osc/migrate/run.h: osc/replay may not include osc/migrate"
copy_with osc/ops/flags.c '#include "osc/cutover/cutover.h"'
expect_violation "one sibling including another" \
	"osc/ops/flags.c: includes osc/cutover/cutover.h"
copy_with chunker/plan.c '#include "ddl/ddl-internal.h"'
expect_violation "another folder's internals" \
	"chunker/plan.c: includes ddl/ddl-internal.h, the internals of another folder"
copy_with util/strbuf.c '#include "util/log.h"'
expect_violation "a circle of files" \
	"circle of includes: util/log -> util/strbuf -> util/log"

# The layout is written down: each module folder (one with a local.mk
# that builds an archive) has a row in DESIGN.md's code layout table, and
# its local.mk opens with a comment naming the folder and what it owns.
[ -f "$SRC/DESIGN.md" ] || fail "DESIGN.md is missing"
for mk in $(cd "$SRC" && ls util/local.mk ddl/local.mk chunker/local.mk \
	throttle/local.mk binlog/local.mk osc/*/local.mk); do
	grep -q '^noinst_LIBRARIES' "$SRC/$mk" || continue
	dir=${mk%/local.mk}
	grep -q "^| \`$dir/\` |" "$SRC/DESIGN.md" ||
		fail "DESIGN.md's code layout table has no row for $dir/"
	head -n 1 "$SRC/$mk" | grep -q "^# $dir/ " ||
		fail "$mk does not open with a comment on what $dir/ owns"
done
exit 0
