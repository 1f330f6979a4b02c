/* test_decision.c - simple and guarded acceptance at and around the limits. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/decision.h"

START_TEST(test_simple_rule_accepts_on_the_limit_and_rejects_just_outside)
{
	struct decision d;
	/* 500 +/- 50 um: limits 450 and 550 are inclusive. */
	decide_tolerance(&d, 550, 10, 500, 50, DECISION_SIMPLE, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
	ck_assert_double_eq(d.low_limit, 450);
	ck_assert_double_eq(d.high_limit, 550);
	decide_tolerance(&d, 450, 10, 500, 50, DECISION_SIMPLE, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
	decide_tolerance(&d, nextafter(550, 1e9), 10, 500, 50, DECISION_SIMPLE, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "above 550 um"), "%s", d.reason);
	decide_tolerance(&d, 449.999, 10, 500, 50, DECISION_SIMPLE, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "measured 449.999 um is below 450 um"), "%s", d.reason);
	/* The simple rule does not need U. */
	decide_tolerance(&d, 500, NAN, 500, 50, DECISION_SIMPLE, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
}
END_TEST

START_TEST(test_guarded_rule_shrinks_the_zone_by_u_on_each_side)
{
	struct decision d;
	decide_tolerance(&d, 540, 10, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
	ck_assert_double_eq(d.low_limit, 460);
	ck_assert_double_eq(d.high_limit, 540);
	/* Passes the simple rule, fails the guarded one. */
	decide_tolerance(&d, 545, 10, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "above 540 um") && strstr(d.reason, "guarded"), "%s",
		      d.reason);
	decide_tolerance(&d, 460, 10, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
	decide_tolerance(&d, 459.99, 10, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
}
END_TEST

START_TEST(test_guarded_point_with_u_over_half_tolerance_can_never_pass)
{
	struct decision d;
	/* Measured right on nominal, but U = 60 > tolerance 50. */
	decide_tolerance(&d, 500, 60, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert(isnan(d.low_limit) && isnan(d.high_limit));
	ck_assert_msg(strstr(d.reason, "can never pass") && strstr(d.reason, "U = 60 um"), "%s",
		      d.reason);
	/* U exactly half the zone: the zone is a single point, still never. */
	decide_tolerance(&d, 500, 50, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "can never pass"), "%s", d.reason);
	/* Just under half: a narrow zone around nominal. */
	decide_tolerance(&d, 500, 49, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
	ck_assert_double_eq(d.low_limit, 499);
	ck_assert_double_eq(d.high_limit, 501);
}
END_TEST

START_TEST(test_guarded_rule_without_uncertainty_fails)
{
	struct decision d;
	decide_tolerance(&d, 500, NAN, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "no expanded uncertainty"), "%s", d.reason);
	decide_tolerance(&d, 500, -1, 500, 50, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
}
END_TEST

START_TEST(test_one_sided_limit_guards_only_its_side)
{
	struct decision d;
	/* Spread <= 20 um. */
	decide_limits(&d, 19, 2, -INFINITY, 20, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert(isinf(d.low_limit) && d.low_limit < 0);
	ck_assert_double_eq(d.high_limit, 18);
	decide_limits(&d, 18, 2, -INFINITY, 20, DECISION_GUARDED, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
	decide_limits(&d, -1e9, 2, -INFINITY, 20, DECISION_SIMPLE, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
	decide_limits(&d, 1.2, NAN, 1.5, INFINITY, DECISION_SIMPLE, "N");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "below 1.5 N") && strstr(d.reason, ">= 1.5 N"), "%s",
		      d.reason);
}
END_TEST

START_TEST(test_missing_measurement_fails_with_reason)
{
	struct decision d;
	decide_tolerance(&d, NAN, 1, 120, 2.4, DECISION_SIMPLE, "Hz");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "no measured value"), "%s", d.reason);
}
END_TEST

START_TEST(test_frequency_limits_keep_nine_digits_in_reason)
{
	struct decision d;
	decide_tolerance(&d, 122.40001, 0.001, 120, 2.4, DECISION_SIMPLE, "Hz");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "122.40001 Hz"), "%s", d.reason);
}
END_TEST

START_TEST(test_rule_names_round_trip)
{
	enum decision_rule r;
	ck_assert(decision_rule_parse("guarded", &r) && r == DECISION_GUARDED);
	ck_assert(decision_rule_parse("simple", &r) && r == DECISION_SIMPLE);
	ck_assert(!decision_rule_parse("Guarded", &r));
	ck_assert_str_eq(decision_rule_name(DECISION_GUARDED), "guarded");
	ck_assert_str_eq(decision_result_name(DECISION_FAIL), "FAIL");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("decision");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_simple_rule_accepts_on_the_limit_and_rejects_just_outside);
	tcase_add_test(tc, test_guarded_rule_shrinks_the_zone_by_u_on_each_side);
	tcase_add_test(tc, test_guarded_point_with_u_over_half_tolerance_can_never_pass);
	tcase_add_test(tc, test_guarded_rule_without_uncertainty_fails);
	tcase_add_test(tc, test_one_sided_limit_guards_only_its_side);
	tcase_add_test(tc, test_missing_measurement_fails_with_reason);
	tcase_add_test(tc, test_frequency_limits_keep_nine_digits_in_reason);
	tcase_add_test(tc, test_rule_names_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
