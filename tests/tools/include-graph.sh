#!/bin/sh
# include-graph.sh [ROOT]: check the include graph of osc's sources
# against the module order of DESIGN.md section 8. Prints one line per
# violation and exits 1 when there is any, 0 otherwise.
#
# Modules are the folders util/, ddl/, chunker/, throttle/, binlog/ and
# osc/<name>/. Each has a rank; a file may include a file of its own
# module or of a module of lower rank, never one of equal or higher rank:
#
#   0  util
#   1  ddl chunker throttle binlog      (no sibling includes another)
#   2  osc/replay osc/cutover osc/ops   (likewise)
#   3  osc/migrate
#   4  osc/cli
#
# A file named *-internal.h belongs to its folder: no other folder
# includes it. Inside a module there is no circle of includes between
# files, where a .c and the .h of the same name count as one file (so
# a.c -> b.h with b.c -> a.h is a circle).
#
# Only #include "..." lines are read; <...> includes are the system's.
# An include is resolved from ROOT first, then from the including file's
# folder; one that resolves to neither (config.h) is not part of the graph.
ROOT=${1:-${OSC_SRCDIR:-.}}
cd "$ROOT" || exit 2

files=$(find util ddl chunker throttle binlog osc -type f \
	\( -name '*.c' -o -name '*.h' \) 2>/dev/null | LC_ALL=C sort)
[ -n "$files" ] || { echo "include-graph: no sources under $ROOT" >&2; exit 2; }

# One line per include: "FILE TARGET" (TARGET as written).
for f in $files; do
	sed -n 's/^[ 	]*#[ 	]*include[ 	]*"\([^"]*\)".*/\1/p' "$f" |
	while read -r inc; do
		d=$(dirname "$f")
		if [ -f "$inc" ]; then
			echo "$f $inc"
		elif [ -f "$d/$inc" ]; then
			echo "$f $d/$inc"
		fi
	done
done | LC_ALL=C awk '
function module(path,   n, p) {
	n = split(path, p, "/")
	if (p[1] == "osc" && n > 2)
		return "osc/" p[2]
	return p[1]
}
function folder(path) {
	sub(/\/[^\/]*$/, "", path)
	return path
}
function node(path) {
	sub(/\.[ch]$/, "", path)
	return path
}
# Depth-first search for a circle through the edges of node `u`.
function visit(u,   i, v) {
	state[u] = 1
	stack[++depth] = u
	for (i = 1; i <= nout[u]; i++) {
		v = out[u, i]
		if (state[v] == 1) {
			circle(v)
		} else if (!state[v]) {
			visit(v)
		}
	}
	depth--
	state[u] = 2
}
function circle(v,   i, s, k) {
	for (i = depth; i > 0 && stack[i] != v; i--)
		;
	s = ""
	for (k = i; k <= depth; k++)
		s = s stack[k] " -> "
	s = s v
	print "circle of includes: " s
	bad++
}
BEGIN {
	rank["util"] = 0
	rank["ddl"] = 1; rank["chunker"] = 1; rank["throttle"] = 1
	rank["binlog"] = 1
	rank["osc/replay"] = 2; rank["osc/cutover"] = 2; rank["osc/ops"] = 2
	rank["osc/migrate"] = 3
	rank["osc/cli"] = 4
	bad = 0
}
{
	from = $1; to = $2
	mf = module(from); mt = module(to)
	if (!(mf in rank)) {
		print from ": in no module of the order (add it to include-graph.sh and DESIGN.md 8)"
		bad++
		next
	}
	if (!(mt in rank)) {
		print from ": includes " to ", in no module of the order"
		bad++
		next
	}
	if (mf != mt && rank[mt] >= rank[mf]) {
		print from ": includes " to ": " mf " may not include " mt \
		      " (DESIGN.md 8: util <- ddl, chunker, throttle, binlog <- osc; cli -> migrate -> {replay, cutover, ops})"
		bad++
	}
	if (to ~ /-internal\.h$/ && folder(to) != folder(from)) {
		print from ": includes " to ", the internals of another folder"
		bad++
	}
	u = node(from); v = node(to)
	if (mf == mt && u != v && !((u, v) in seen)) {
		seen[u, v] = 1
		out[u, ++nout[u]] = v
		nodes[u] = 1
	}
}
END {
	depth = 0
	n = 0
	for (u in nodes)
		order[++n] = u
	# a stable order, so that the same tree gives the same report
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && order[j - 1] > order[j]; j--) {
			t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
		}
	for (i = 1; i <= n; i++)
		if (!state[order[i]])
			visit(order[i])
	exit bad ? 1 : 0
}'
