# End-to-end tests for binlog/.
BINLOG_E2E_TESTS = \
	tests/e2e/t3001-binlog-types.sh \
	tests/e2e/t3002-binlog-stream.sh
TESTS += $(BINLOG_E2E_TESTS)
EXTRA_DIST += $(BINLOG_E2E_TESTS)
