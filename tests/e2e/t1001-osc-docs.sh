#!/bin/sh
# The option table, the man page and the README agree: the same --long
# names (and short letters) in `osc --help`, in the OPTIONS section of
# man/osc.1 and in the README's option table. The man page has its
# sections and passes `mandoc -Tlint` when mandoc is installed.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
: "${OSC_BIN:?OSC_BIN is not set (run through make check)}"
E2E_DIR=$(mktemp -d /tmp/osc.XXXXXX) || fail "mktemp failed"
trap 'rm -rf "$E2E_DIR"' EXIT
MAN=$OSC_SRCDIR/man/osc.1
README=$OSC_SRCDIR/README.md
D=$E2E_DIR

"$OSC_BIN" --help >"$D/help.txt" || fail "osc --help failed"

# Long names.
grep -E '^ {2,6}(-[a-zA-Z], )?--[a-z]' "$D/help.txt" |
    sed -E 's/^ +(-[a-zA-Z], )?--([a-z0-9-]+).*/\2/' | sort -u >"$D/help.long"
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" |
    awk 'prev == ".TP" { print } { prev = $0 }' | sed 's/\\-/-/g' |
    grep -oE -- '--[a-z][a-z0-9-]*' | sed 's/^--//' | sort -u >"$D/man.long"
sed -n '/^## Options/,/^## [^O]/p' "$README" | grep '^| `' | cut -d'|' -f2 |
    grep -oE -- '--[a-z][a-z0-9-]*' | sed 's/^--//' | sort -u >"$D/readme.long"

# Short letters, as letter:long-name.
grep -E '^  -[a-zA-Z], --' "$D/help.txt" |
    sed -E 's/^  -(.), --([a-z0-9-]+).*/\1:\2/' | sort -u >"$D/help.short"
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" |
    awk 'prev == ".TP" { print } { prev = $0 }' | sed 's/\\-/-/g' |
    grep -E '^\.B[IR]? -[a-zA-Z]' |
    sed -E 's/^\.B[IR]? -([a-zA-Z]).*--([a-z0-9-]+).*/\1:\2/' | sort -u >"$D/man.short"
sed -n '/^## Options/,/^## [^O]/p' "$README" | grep -E '^\| `-[a-zA-Z]' |
    sed -E 's/^\| `-(.)[^`]*`, `--([a-z0-9-]+).*/\1:\2/' | sort -u >"$D/readme.short"

[ "$(wc -l <"$D/help.long")" -ge 20 ] || fail "too few options found in --help: $(cat "$D/help.long")"
for kind in long short; do
    for doc in man readme; do
        if ! diff -u "$D/help.$kind" "$D/$doc.$kind" >"$D/diff" 2>&1; then
            e2e_fail "$kind options differ between osc --help (-) and $doc (+):"
            cat "$D/diff" >&2
        fi
    done
done

# The sections a man page of this project has.
for s in NAME SYNOPSIS DESCRIPTION "HOW IT WORKS" OPTIONS "EXIT STATUS" \
    ENVIRONMENT EXAMPLES DIAGNOSTICS RESTRICTIONS "SEE ALSO"; do
    grep -q "^\.SH $s\$" "$MAN" || e2e_fail "man page lacks section $s"
done
for code in 0 1 2 3 4; do
    sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -q "^\.B $code\$" ||
        e2e_fail "man page EXIT STATUS lacks $code"
done

# Lint, when mandoc is there.
if command -v mandoc >/dev/null 2>&1; then
    if ! mandoc -Tlint "$MAN" >"$D/lint" 2>&1; then
        e2e_fail "mandoc -Tlint:"
        cat "$D/lint" >&2
    fi
else
    printf '# mandoc not installed: man page lint skipped\n' >&2
fi
exit "$E2E_FAILED"
