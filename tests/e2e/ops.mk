# End-to-end tests of osc/ ops parts.
TESTS += tests/e2e/t6001-ops-status-socket.sh
EXTRA_DIST += tests/e2e/t6001-ops-status-socket.sh
