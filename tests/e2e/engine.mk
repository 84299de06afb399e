# End-to-end tests of osc/ engine parts.
ENGINE_E2E_TESTS = tests/e2e/t4002-cutover.sh
TESTS += $(ENGINE_E2E_TESTS)
EXTRA_DIST += $(ENGINE_E2E_TESTS)
ENGINE_E2E = tests/e2e/t4100-engine-mirror.sh \
	tests/e2e/t4105-engine-lockless.sh \
	tests/e2e/t4110-engine-charset.sh
TESTS += $(ENGINE_E2E)
EXTRA_DIST += $(ENGINE_E2E)
# The engine under load, signals, unique keys, aborts (issue 5).
EXTRA_DIST += tests/e2e/engine-lib.sh
ENGINE_RUN_E2E = \
	tests/e2e/t4201-engine-cutover.sh \
	tests/e2e/t4202-engine-kill.sh \
	tests/e2e/t4203-engine-unique.sh \
	tests/e2e/t4204-engine-abort.sh \
	tests/e2e/t4205-engine-reconnect.sh \
	tests/e2e/t4206-engine-cleanup.sh \
	tests/e2e/t4207-engine-signals.sh \
	tests/e2e/t4208-engine-lock.sh \
	tests/e2e/t4209-engine-lctn.sh \
	tests/e2e/t4210-engine-keys.sh \
	tests/e2e/t4211-engine-sqlmode.sh \
	tests/e2e/t4212-engine-triggers.sh \
	tests/e2e/t4213-engine-implicit.sh \
	tests/e2e/t4214-engine-fk-child.sh \
	tests/e2e/t4215-engine-harmless.sh \
	tests/e2e/t4216-engine-partition.sh \
	tests/e2e/t4218-engine-fk-parent.sh \
	tests/e2e/t4220-engine-instant.sh \
	tests/e2e/t4230-engine-resume.sh \
	tests/e2e/t4240-engine-kill-cutover.sh \
	tests/e2e/t4250-engine-verify.sh \
	tests/e2e/t4260-engine-timezone.sh \
	tests/e2e/t4270-engine-galera.sh
TESTS += $(ENGINE_RUN_E2E)
EXTRA_DIST += $(ENGINE_RUN_E2E)
