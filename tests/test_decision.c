/* test_decision.c - simple and guarded acceptance at and around the limits. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/decision.h"
#include "run/text.h"

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
	/* To U (GUM 7.2.6): 449.999 with U 10 shows as 450, and says so. */
	ck_assert_msg(strstr(d.reason, "measured 450 um (U 10 um) (449.999 before rounding) is "
				       "below 450 um"), "%s", d.reason);
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

START_TEST(test_reason_gives_numbers_to_their_uncertainty)
{
	struct decision d;
	/* GUM 7.2.6: U to two significant digits (rounded up), the value to
	 * the same place; limits as the profile states them. */
	decide_tolerance(&d, 252.881484, 8.0, 250, 100, DECISION_SIMPLE, "um");
	ck_assert_msg(strstr(d.reason, "measured 252.9 um (U 8.0 um) within 150..350 um"), "%s",
		      d.reason);
	decide_tolerance(&d, 120.00123, 0.00464152528, 120, 2.4, DECISION_GUARDED, "Hz");
	ck_assert_msg(strstr(d.reason, "measured 120.0012 Hz (U 0.0047 Hz) within "
				       "117.6046..122.3954 Hz"), "%s", d.reason);
	/* Rounded onto the limit it fails: the unrounded value is given too. */
	decide_tolerance(&d, 122.40001, 0.001, 120, 2.4, DECISION_SIMPLE, "Hz");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "122.40001 before rounding") &&
			      strstr(d.reason, "above 122.4 Hz"), "%s", d.reason);
	/* No unit (a fraction): no stray spaces. */
	decide_limits(&d, 0, NAN, -INFINITY, 0.02, DECISION_SIMPLE, "");
	ck_assert_str_eq(d.reason, "measured 0 within <= 0.02 (simple)");
}
END_TEST

START_TEST(test_uncertainty_has_two_significant_digits_rounded_up)
{
	char b[TEXT_NUM_MAX];
	text_u(b, sizeof b, 0.00464152528);
	ck_assert_str_eq(b, "0.0047");
	text_u(b, sizeof b, 8);
	ck_assert_str_eq(b, "8.0");
	text_u(b, sizeof b, 2.19020561);
	ck_assert_str_eq(b, "2.2");
	text_u(b, sizeof b, 0.0099999);
	ck_assert_str_eq(b, "0.010");
	text_u(b, sizeof b, 123);
	ck_assert_str_eq(b, "130");
	text_num_u(b, sizeof b, 1876.11587, 123);
	ck_assert_str_eq(b, "1880");
	text_num_u(b, sizeof b, 252.881484, 8);
	ck_assert_str_eq(b, "252.9");
	text_num_u(b, sizeof b, -0.00001, 0.01);
	ck_assert_str_eq(b, "0.000"); /* never "-0.000" */
	text_num_u(b, sizeof b, 1.9995, NAN); /* no U: four significant digits */
	ck_assert_str_eq(b, "2.000");
	text_num_u(b, sizeof b, 12345.6, NAN);
	ck_assert_str_eq(b, "12346");
	text_num_u(b, sizeof b, NAN, 1);
	ck_assert_str_eq(b, "");
}
END_TEST

/* The spec is kept beside the acceptance limits the rule applied. */
START_TEST(test_spec_limits_are_kept_beside_the_acceptance_limits)
{
	struct decision d;
	decide_tolerance(&d, 252.9, 2.2, 250, 100, DECISION_GUARDED, "um");
	ck_assert_double_eq(d.spec_low, 150);
	ck_assert_double_eq(d.spec_high, 350);
	ck_assert_double_eq_tol(d.low_limit, 152.2, 1e-9);
	ck_assert_double_eq_tol(d.high_limit, 347.8, 1e-9);
	decide_limits(&d, 2, NAN, 1, 3, DECISION_SIMPLE, "N");
	ck_assert_double_eq(d.spec_low, 1);
	ck_assert_double_eq(d.low_limit, 1);
	ck_assert(isnan(d.conformance_probability)); /* no U */
}
END_TEST

/* JCGM 106: PASS when conformance is proven at the level, FAIL when
 * non-conformance is, INDETERMINATE in between; the probability is
 * P(true value in spec) for a normal with sigma = U / 2. */
START_TEST(test_conformance_rule_has_three_states)
{
	struct decision d;
	/* 250 +/- 100, U = 10 (sigma 5): 340 is 2 sigma inside: p = 0.977. */
	decide_tolerance(&d, 340, 10, 250, 100, DECISION_CONFORMANCE, "um");
	ck_assert_int_eq(d.result, DECISION_PASS);
	ck_assert_double_eq_tol(d.conformance_probability, 0.97725, 1e-4);
	/* On the limit: p = 0.5, neither. */
	decide_tolerance(&d, 350, 10, 250, 100, DECISION_CONFORMANCE, "um");
	ck_assert_int_eq(d.result, DECISION_INDETERMINATE);
	ck_assert_double_eq_tol(d.conformance_probability, 0.5, 1e-9);
	ck_assert_msg(strstr(d.reason, "probability of conformance") &&
			      strstr(d.reason, "50.0 %"), "%s", d.reason);
	/* 2 sigma outside: p = 0.023, non-conformance proven. */
	decide_tolerance(&d, 360, 10, 250, 100, DECISION_CONFORMANCE, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_double_eq_tol(d.conformance_probability, 0.02275, 1e-4);
	/* The acceptance limits are where p equals the level: 1.645 sigma
	 * inside each limit. */
	ck_assert_double_eq_tol(d.high_limit, 350 - 1.644854 * 5, 1e-3);
	ck_assert_double_eq_tol(d.low_limit, 150 + 1.644854 * 5, 1e-3);
	/* A level of 0.99 needs 2.326 sigma. */
	decide_limits_level(&d, 340, 10, 150, 350, DECISION_CONFORMANCE, 0.99, "um");
	ck_assert_int_eq(d.result, DECISION_INDETERMINATE);
	/* No U: cannot judge. */
	decide_tolerance(&d, 250, NAN, 250, 100, DECISION_CONFORMANCE, "um");
	ck_assert_int_eq(d.result, DECISION_FAIL);
	ck_assert_msg(strstr(d.reason, "no expanded uncertainty"), "%s", d.reason);
	ck_assert_str_eq(decision_result_name(DECISION_INDETERMINATE), "INDETERMINATE");
	enum decision_rule r;
	ck_assert(decision_rule_parse("conformance", &r) && r == DECISION_CONFORMANCE);
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
	tcase_add_test(tc, test_reason_gives_numbers_to_their_uncertainty);
	tcase_add_test(tc, test_uncertainty_has_two_significant_digits_rounded_up);
	tcase_add_test(tc, test_spec_limits_are_kept_beside_the_acceptance_limits);
	tcase_add_test(tc, test_conformance_rule_has_three_states);
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
