/* test_clock.c - the virtual clock's semantics and the real clock's
 * promises (monotonic; sleeps at least as long as asked: no upper bound is
 * asserted, machines are noisy). */
#include <check.h>
#include <stdlib.h>

#include "core/clock.h"

START_TEST(test_virtual_clock_starts_where_told_and_is_virtual)
{
	struct rig_vclock vc;
	vclock_init(&vc, 42);
	ck_assert_uint_eq(clock_now_ns(&vc.base), 42);
	ck_assert(clock_is_virtual(&vc.base));
	ck_assert_uint_eq(clock_now_ns(&vc.base), 42); /* reading does not move it */
}
END_TEST

START_TEST(test_virtual_sleep_jumps_to_the_target_at_once)
{
	struct rig_vclock vc;
	vclock_init(&vc, RIG_NS_PER_S);
	clock_sleep_until_ns(&vc.base, 3600 * RIG_NS_PER_S); /* an hour of bench time */
	ck_assert_uint_eq(clock_now_ns(&vc.base), 3600 * RIG_NS_PER_S);
	clock_sleep_ns(&vc.base, 7);
	ck_assert_uint_eq(clock_now_ns(&vc.base), 3600 * RIG_NS_PER_S + 7);
}
END_TEST

START_TEST(test_virtual_clock_never_goes_back)
{
	struct rig_vclock vc;
	vclock_init(&vc, 1000);
	clock_sleep_until_ns(&vc.base, 500);
	ck_assert_uint_eq(clock_now_ns(&vc.base), 1000);
	clock_sleep_until_ns(&vc.base, 1000);
	ck_assert_uint_eq(clock_now_ns(&vc.base), 1000);
	clock_sleep_ns(&vc.base, 0);
	ck_assert_uint_eq(clock_now_ns(&vc.base), 1000);
}
END_TEST

START_TEST(test_virtual_advance_moves_forward_by_exactly_that)
{
	struct rig_vclock vc;
	vclock_init(&vc, 10);
	vclock_advance_ns(&vc, 250);
	ck_assert_uint_eq(clock_now_ns(&vc.base), 260);
	vclock_advance_ns(&vc, 0);
	ck_assert_uint_eq(clock_now_ns(&vc.base), 260);
	clock_sleep_until_ns(&vc.base, 100); /* still never back */
	ck_assert_uint_eq(clock_now_ns(&vc.base), 260);
}
END_TEST

START_TEST(test_two_virtual_clocks_are_independent)
{
	struct rig_vclock a, b;
	vclock_init(&a, 0);
	vclock_init(&b, 0);
	clock_sleep_ns(&a.base, 5);
	ck_assert_uint_eq(clock_now_ns(&a.base), 5);
	ck_assert_uint_eq(clock_now_ns(&b.base), 0);
}
END_TEST

START_TEST(test_real_clock_is_monotonic_and_not_virtual)
{
	struct rig_clock *c = clock_real();
	ck_assert_ptr_eq(c, clock_real());
	ck_assert(!clock_is_virtual(c));
	uint64_t prev = clock_now_ns(c);
	for (int i = 0; i < 10000; i++) {
		uint64_t t = clock_now_ns(c);
		ck_assert_uint_ge(t, prev);
		prev = t;
	}
}
END_TEST

START_TEST(test_real_sleep_lasts_at_least_what_was_asked)
{
	struct rig_clock *c = clock_real();
	uint64_t t0 = clock_now_ns(c);
	clock_sleep_ns(c, 3 * RIG_NS_PER_MS);
	uint64_t t1 = clock_now_ns(c);
	ck_assert_uint_ge(t1 - t0, 3 * RIG_NS_PER_MS);
	clock_sleep_until_ns(c, t1 + 2 * RIG_NS_PER_MS);
	ck_assert_uint_ge(clock_now_ns(c), t1 + 2 * RIG_NS_PER_MS);
	/* A target in the past returns, without going back. */
	clock_sleep_until_ns(c, t0);
	ck_assert_uint_ge(clock_now_ns(c), t1 + 2 * RIG_NS_PER_MS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("virtual");
	tcase_add_test(tc, test_virtual_clock_starts_where_told_and_is_virtual);
	tcase_add_test(tc, test_virtual_sleep_jumps_to_the_target_at_once);
	tcase_add_test(tc, test_virtual_clock_never_goes_back);
	tcase_add_test(tc, test_virtual_advance_moves_forward_by_exactly_that);
	tcase_add_test(tc, test_two_virtual_clocks_are_independent);
	suite_add_tcase(s, tc);
	tc = tcase_create("real");
	tcase_add_test(tc, test_real_clock_is_monotonic_and_not_virtual);
	tcase_add_test(tc, test_real_sleep_lasts_at_least_what_was_asked);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
