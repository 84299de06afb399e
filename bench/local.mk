# bench/: benchmark scripts (never run by make check).
EXTRA_DIST += bench/alter-bench.sh bench/compare bench/replay-rate.sh \
	bench/verify.sh

# binlog decoder throughput (binlog/ owner): make bench-binlog
EXTRA_DIST += bench/binlog-decode.sh
bench-binlog: tests/tools/binlog-print$(EXEEXT)
	OSC_SRCDIR='$(abs_top_srcdir)' OSC_BUILDDIR='$(abs_top_builddir)' \
	OSC_BIN='$(abs_top_builddir)/osc/osc' \
	$(SHELL) '$(abs_top_srcdir)/bench/binlog-decode.sh'
.PHONY: bench-binlog
