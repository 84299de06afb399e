# End-to-end tests for ddl/: the dry run's ghost against native ALTERs,
# and the ALTERs that osc or the server refuses.
DDL_E2E_TESTS = \
	tests/e2e/t2001-ddl-dry-run-schema.sh \
	tests/e2e/t2002-ddl-refusals.sh
TESTS += $(DDL_E2E_TESTS)
EXTRA_DIST += $(DDL_E2E_TESTS)
