#!/bin/sh
# --chunk-size-max-bytes (issue 15): a table of wide rows does not make
# chunks of --chunk-size-max rows; the adapted size stays within the
# byte bound computed from the table's average row length, and the copy
# (under the mirror writer) is exact.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

sql primary "CREATE DATABASE b; CREATE TABLE b.t (id INT NOT NULL PRIMARY KEY,
    pad VARCHAR(8000) NOT NULL, n INT NOT NULL);
    INSERT INTO b.t SELECT seq, REPEAT(CHAR(65 + seq % 26), 6000), seq
    FROM mysql.seq_1_to_3000; ANALYZE TABLE b.t" >/dev/null ||
    fail "cannot create b.t"
before=$(sql primary "SELECT COUNT(*), BIT_XOR(CRC32(CONCAT_WS('#', id, pad, n))) FROM b.t")
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) -v \
    --chunk-size-max-bytes=512K --alter="ADD COLUMN x INT" --execute b.t
expect_status 0
expect_err 'copy: rows of about [0-9]+ bytes: at most [0-9]+ rows per chunk \(--chunk-size-max-bytes\)'
max=$(sed -n 's/.*at most \([0-9]*\) rows per chunk.*/\1/p' "$E2E_DIR/osc.err")
# About 6 KB a row: well under a thousand rows in 512K.
[ "$max" -ge 1 ] && [ "$max" -le 200 ] || e2e_fail "bound of $max rows for 6 KB rows in 512K"
after=$(sql primary "SELECT COUNT(*), BIT_XOR(CRC32(CONCAT_WS('#', id, pad, n))) FROM b.t")
[ "$before" = "$after" ] || e2e_fail "the copy differs: $before vs $after"
expect_no_leftovers primary b

# The default bound (32M) under the mirror writer: a table of narrower
# rows keeps chunks of thousands of rows (estimates of a small table
# count its pages: a few KB a row here).
"$OSC_BUILDDIR/tests/tools/writer" -S "$PRIMARY_SOCK" -uroot --database=w \
    --create=int --rows=2000 --seed=51 >/dev/null || fail "writer --create failed"
start_writer w --threads=2 --seed=52 --rate=${OSC_TEST_RATE:-300}
run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) -v \
    --alter="ADD COLUMN x INT" --execute w.t
expect_status 0
max=$(sed -n 's/.*at most \([0-9]*\) rows per chunk.*/\1/p' "$E2E_DIR/osc.err")
[ -z "$max" ] || [ "$max" -ge 1000 ] || e2e_fail "narrow rows bounded to $max rows"
stop_writer w
expect_no_leftovers primary w
exit 0
