/*
 * test-cutover.c: the pure part of osc/cutover/cutover.c: which cut-over
 * method a server version gets, and the sequence of each method's attempt
 * (which connection replays, what L holds). The cut-over itself runs against a server in
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

static size_t step_index(const struct cutover_step_info *st, size_t n,
			 enum cutover_step step)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (st[i].step == step)
			return i;
	return n;
}

/*
 * The sequencing of both methods. The invariant that matters most: no
 * step writes into the ghost from a connection that would wait for L,
 * i.e. while L holds the ghost locked, only L writes to it. On MySQL 8
 * (LOCK_RENAME) L locks t and the ghost, so the catch-up must replay on
 * L; a replay on the applier's connection waits for L's lock while the
 * cut-over waits for the replay (the review's deadlock). With the sentry
 * the ghost stays unlocked and the replay must come before R, whose
 * waiting RENAME holds the ghost.
 */
static void test_steps(void **state)
{
	static const enum cutover_method methods[] = {
		CUTOVER_SENTRY, CUTOVER_LOCK_RENAME,
	};
	size_t m;

	for (m = 0; m < ARRAY_SIZE(methods); m++) {
		size_t n, i, lock, pos, catch_up, unlock;
		const struct cutover_step_info *st =
			cutover_steps(methods[m], &n);
		unsigned int held = 0;

		lock = step_index(st, n, CUTOVER_STEP_LOCK);
		pos = step_index(st, n, CUTOVER_STEP_POSITION);
		catch_up = step_index(st, n, CUTOVER_STEP_CATCH_UP);
		unlock = step_index(st, n, CUTOVER_STEP_UNLOCK);
		assert_true(lock < pos && pos < catch_up && catch_up < unlock);
		assert_int_equal(unlock, n - 1);
		assert_int_equal(st[unlock].holds, 0);
		for (i = 0; i < n; i++) {
			/* t stays locked from the lock to the unlock. */
			if (i >= lock && i < unlock)
				assert_true(st[i].holds & CUTOVER_HOLDS_TABLE);
			/* Writes to the ghost by another than L: not while
			 * L holds it (held: the locks before this step). */
			if (st[i].conn != CUTOVER_CONN_LOCK &&
			    (st[i].step == CUTOVER_STEP_CATCH_UP ||
			     st[i].step == CUTOVER_STEP_RENAME_QUEUED))
				assert_false(held & CUTOVER_HOLDS_GHOST);
			held = st[i].holds;
		}
		/* The engine replays where the table says. */
		assert_int_equal(cutover_catch_up_conn(methods[m]),
				 st[catch_up].conn);
	}
	{
		size_t n;
		const struct cutover_step_info *st =
			cutover_steps(CUTOVER_LOCK_RENAME, &n);
		size_t c = step_index(st, n, CUTOVER_STEP_CATCH_UP);

		assert_true(st[c].holds & CUTOVER_HOLDS_GHOST);
		assert_int_equal(cutover_catch_up_conn(CUTOVER_LOCK_RENAME),
				 CUTOVER_CONN_LOCK);
		assert_true(step_index(st, n, CUTOVER_STEP_RENAME_LOCKED) > c);
	}
	{
		size_t n;
		const struct cutover_step_info *st =
			cutover_steps(CUTOVER_SENTRY, &n);
		size_t c = step_index(st, n, CUTOVER_STEP_CATCH_UP);

		assert_int_equal(cutover_catch_up_conn(CUTOVER_SENTRY),
				 CUTOVER_CONN_REPLAY);
		/* Before R queues (it would hold the ghost) and after the
		 * sentry exists (R cannot rename early). */
		assert_true(c < step_index(st, n, CUTOVER_STEP_RENAME_QUEUED));
		assert_true(c < step_index(st, n, CUTOVER_STEP_DROP_SENTRY));
		assert_true(step_index(st, n, CUTOVER_STEP_DROP_SENTRY) <
			    step_index(st, n, CUTOVER_STEP_RENAME_QUEUED));
		assert_false(st[c].holds & CUTOVER_HOLDS_GHOST);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_method_for_version),
		cmocka_unit_test(test_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
