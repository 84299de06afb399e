# End-to-end tests for throttle/.
TESTS += tests/e2e/t5001-throttle-probe.sh
EXTRA_DIST += tests/e2e/t5001-throttle-probe.sh
