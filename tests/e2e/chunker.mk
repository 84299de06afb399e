# End-to-end tests for chunker/.
CHUNKER_E2E_TESTS = tests/e2e/t4001-chunker-copy.sh
TESTS += $(CHUNKER_E2E_TESTS)
EXTRA_DIST += $(CHUNKER_E2E_TESTS)
