# End-to-end tests against real mariadbd servers (tests/e2e/lib.sh).
EXTRA_DIST += tests/e2e/lib.sh tests/tools/include-graph.sh
E2E_TESTS = \
	tests/e2e/t0000-harness.sh \
	tests/e2e/t0001-include-graph.sh
TESTS += $(E2E_TESTS)
EXTRA_DIST += $(E2E_TESTS)

include $(srcdir)/tests/e2e/osc.mk
include $(srcdir)/tests/e2e/ddl.mk
include $(srcdir)/tests/e2e/binlog.mk
include $(srcdir)/tests/e2e/chunker.mk
include $(srcdir)/tests/e2e/throttle.mk
include $(srcdir)/tests/e2e/engine.mk
include $(srcdir)/tests/e2e/ops.mk
