/*
 * test-cutover.c: the pure part of osc/cutover/cutover.c, which cut-over method a
 * server version gets. The cut-over itself runs against a server in
 * tests/e2e/t4002-cutover.sh.
 */
#include "util/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "osc/cutover/cutover.h"

static const struct {
	const char *version;
	enum cutover_method want;
} method_cases[] = {
	{ "10.11.19-MariaDB-0+deb12u1-log", CUTOVER_SENTRY },
	{ "11.4.2-MariaDB", CUTOVER_SENTRY },
	{ "5.5.5-10.6.12-MariaDB", CUTOVER_SENTRY },
	{ "5.7.44-log", CUTOVER_SENTRY },
	{ "8.0.12", CUTOVER_SENTRY },
	{ "8.0.13", CUTOVER_LOCK_RENAME },
	{ "8.0.36-28", CUTOVER_LOCK_RENAME },
	{ "8.4.0", CUTOVER_LOCK_RENAME },
	{ "9.1.0-commercial", CUTOVER_LOCK_RENAME },
	{ "", CUTOVER_SENTRY },
	{ "garbage", CUTOVER_SENTRY },
	{ NULL, CUTOVER_SENTRY },
};

static void test_method_for_version(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(method_cases); i++) {
		const char *v = method_cases[i].version;
		enum cutover_method got = cutover_method_for_version(v);

		if (got != method_cases[i].want)
			fail_msg("'%s': got %d, want %d", v ? v : "(null)",
				 (int)got, (int)method_cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_method_for_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
