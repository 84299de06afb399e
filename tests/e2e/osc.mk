# End-to-end tests for osc/ (options, preflight, dry run, docs).
OSC_CORE_E2E_TESTS = \
	tests/e2e/t1000-osc-usage.sh \
	tests/e2e/t1001-osc-docs.sh \
	tests/e2e/t1002-osc-preflight-table.sh \
	tests/e2e/t1003-osc-preflight-binlog.sh \
	tests/e2e/t1004-osc-connection.sh \
	tests/e2e/t1005-osc-preflight-galera.sh \
	tests/e2e/t1006-osc-safety.sh
TESTS += $(OSC_CORE_E2E_TESTS)
EXTRA_DIST += $(OSC_CORE_E2E_TESTS)
# The 3-node Galera cluster of the Galera tests (issue 16).
EXTRA_DIST += tests/e2e/galera-lib.sh
