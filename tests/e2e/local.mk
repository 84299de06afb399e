# End-to-end tests against real mariadbd servers (tests/e2e/lib.sh).
EXTRA_DIST += tests/e2e/lib.sh
E2E_TESTS = \
	tests/e2e/t0000-harness.sh
TESTS += $(E2E_TESTS)
EXTRA_DIST += $(E2E_TESTS)
