# End-to-end tests for throttle/ and the engine's throttling.
THROTTLE_E2E_TESTS = \
	tests/e2e/t5001-throttle-probe.sh \
	tests/e2e/t5101-throttle-replica.sh \
	tests/e2e/t5102-throttle-conditions.sh \
	tests/e2e/t5103-throttle-chunk-time.sh \
	tests/e2e/t5104-throttle-discovery.sh \
	tests/e2e/t5105-throttle-chunk-bytes.sh \
	tests/e2e/t5110-throttle-galera.sh
TESTS += $(THROTTLE_E2E_TESTS)
EXTRA_DIST += $(THROTTLE_E2E_TESTS)
