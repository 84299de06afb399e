# End-to-end tests of osc/ ops parts.
EXTRA_DIST += tests/e2e/ops-lib.sh
OPS_E2E_TESTS = \
	tests/e2e/t6001-ops-status-socket.sh \
	tests/e2e/t6101-ops-socket.sh \
	tests/e2e/t6102-ops-postpone.sh \
	tests/e2e/t6103-ops-hooks.sh \
	tests/e2e/t6104-ops-abort.sh \
	tests/e2e/t6105-ops-summary.sh
TESTS += $(OPS_E2E_TESTS)
EXTRA_DIST += $(OPS_E2E_TESTS)
