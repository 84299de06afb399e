# End-to-end tests of osc/ engine parts.
ENGINE_E2E_TESTS = tests/e2e/t4002-cutover.sh
TESTS += $(ENGINE_E2E_TESTS)
EXTRA_DIST += $(ENGINE_E2E_TESTS)
ENGINE_E2E = tests/e2e/t4100-engine-mirror.sh
TESTS += $(ENGINE_E2E)
EXTRA_DIST += $(ENGINE_E2E)
