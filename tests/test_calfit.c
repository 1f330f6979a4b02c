/* test_calfit.c - inverting a measured transfer into a calibration table,
 * and the reasons a calibration fails. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/calfit.h"

static const double settings[] = { 250, 500, 1000, 1500, 2000, 2500 };
#define NSET (sizeof settings / sizeof settings[0])

static struct calfit_sweep sweep_of(double gain, double offset)
{
	struct calfit_sweep sw = { .n = NSET };
	for (size_t i = 0; i < NSET; i++) {
		sw.setting[i] = settings[i];
		sw.measured[i] = gain * settings[i] + offset;
		sw.noise[i] = 2;
	}
	return sw;
}

static const struct calfit_limits depth_limits = {
	.quantity = "depth", .unit = "um", .cover_lo = 250, .cover_hi = 2500,
	.max_extrapolation = 100, .max_correction = 400,
};

START_TEST(test_identity_pen_gives_identity_table)
{
	struct calfit_sweep sw = sweep_of(1.0, 0);
	struct pen_cal_table t;
	char why[256];
	ck_assert(calfit_table(&sw, &depth_limits, &t, why, sizeof why));
	ck_assert_uint_eq(t.n, NSET);
	for (double c = 250; c <= 2500; c += 125)
		ck_assert_double_eq_tol(calfit_raw_for(&t, c), c, 1e-9);
}
END_TEST

START_TEST(test_table_inverts_gain_and_offset_inside_and_beyond_the_sweep)
{
	struct calfit_sweep sw = sweep_of(1.08, -35);
	struct pen_cal_table t;
	char why[256];
	ck_assert_msg(calfit_table(&sw, &depth_limits, &t, why, sizeof why), "%s", why);
	/* Sending raw_for(c) makes the pen do 1.08 raw - 35 = c. */
	for (double c = 250; c <= 2500; c += 50)
		ck_assert_double_eq_tol(1.08 * calfit_raw_for(&t, c) - 35, c, 1e-9);
}
END_TEST

START_TEST(test_curved_transfer_is_followed_piecewise)
{
	struct calfit_sweep sw = sweep_of(1, 0);
	for (size_t i = 0; i < NSET; i++)
		sw.measured[i] = settings[i] + 0.02 * settings[i] * settings[i] / 3000;
	struct pen_cal_table t;
	char why[256];
	ck_assert(calfit_table(&sw, &depth_limits, &t, why, sizeof why));
	for (size_t i = 0; i < NSET; i++)
		ck_assert_double_eq_tol(calfit_raw_for(&t, sw.measured[i]), settings[i], 1e-9);
}
END_TEST

START_TEST(test_weak_pen_cannot_reach_deepest_point)
{
	struct calfit_sweep sw = sweep_of(0.6, -35);
	struct pen_cal_table t;
	char why[256];
	ck_assert(!calfit_table(&sw, &depth_limits, &t, why, sizeof why));
	ck_assert_msg(strstr(why, "cannot reach 2500 um") && strstr(why, "1465.0 um"), "%s", why);
	ck_assert_uint_eq(t.n, 0);
}
END_TEST

START_TEST(test_end_stop_plateau_is_reported_as_unreachable)
{
	struct calfit_sweep sw = sweep_of(1.0, 0);
	sw.measured[4] = 1800; /* actuator end stop at ~1800 */
	sw.measured[5] = 1801;
	struct pen_cal_table t;
	char why[256];
	ck_assert(!calfit_table(&sw, &depth_limits, &t, why, sizeof why));
	ck_assert_msg(strstr(why, "cannot reach 2500 um") && strstr(why, "stops at about"), "%s", why);
}
END_TEST

START_TEST(test_non_monotonic_mechanism_names_the_settings)
{
	struct calfit_sweep sw = sweep_of(1.0, 0);
	sw.measured[2] = 400; /* 1000 gave less than 500 did */
	struct pen_cal_table t;
	char why[256];
	ck_assert(!calfit_table(&sw, &depth_limits, &t, why, sizeof why));
	ck_assert_msg(strstr(why, "not monotonic") && strstr(why, "setting 500 um") &&
			      strstr(why, "setting 1000 um"),
		      "%s", why);
}
END_TEST

START_TEST(test_step_within_noise_is_not_monotonic)
{
	struct calfit_sweep sw = sweep_of(1.0, 0);
	sw.measured[3] = sw.measured[2] + 1.0; /* 1 um step, noise 2 um each */
	struct pen_cal_table t;
	char why[256];
	ck_assert(!calfit_table(&sw, &depth_limits, &t, why, sizeof why));
}
END_TEST

START_TEST(test_correction_beyond_limit_fails)
{
	struct calfit_sweep sw = sweep_of(1.0, 450);
	struct pen_cal_table t;
	char why[256];
	struct calfit_limits lim = depth_limits;
	lim.cover_lo = 700; /* reachable, but off by 450 um */
	ck_assert(!calfit_table(&sw, &lim, &t, why, sizeof why));
	ck_assert_msg(strstr(why, "off by +450.0 um") && strstr(why, "400 um"), "%s", why);
	lim.max_correction = 0; /* no limit */
	ck_assert(calfit_table(&sw, &lim, &t, why, sizeof why));
}
END_TEST

START_TEST(test_low_end_out_of_reach_fails)
{
	struct calfit_sweep sw = sweep_of(1.0, 300);
	struct pen_cal_table t;
	char why[256];
	ck_assert(!calfit_table(&sw, &depth_limits, &t, why, sizeof why));
	ck_assert_msg(strstr(why, "cannot go down to 250 um"), "%s", why);
}
END_TEST

START_TEST(test_unmeasured_point_fails)
{
	struct calfit_sweep sw = sweep_of(1.0, 0);
	sw.measured[1] = NAN;
	struct pen_cal_table t;
	char why[256];
	ck_assert(!calfit_table(&sw, &depth_limits, &t, why, sizeof why));
	ck_assert_msg(strstr(why, "was not measured"), "%s", why);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("calfit");
	TCase *tc = tcase_create("calfit");
	tcase_add_test(tc, test_identity_pen_gives_identity_table);
	tcase_add_test(tc, test_table_inverts_gain_and_offset_inside_and_beyond_the_sweep);
	tcase_add_test(tc, test_curved_transfer_is_followed_piecewise);
	tcase_add_test(tc, test_weak_pen_cannot_reach_deepest_point);
	tcase_add_test(tc, test_end_stop_plateau_is_reported_as_unreachable);
	tcase_add_test(tc, test_non_monotonic_mechanism_names_the_settings);
	tcase_add_test(tc, test_step_within_noise_is_not_monotonic);
	tcase_add_test(tc, test_correction_beyond_limit_fails);
	tcase_add_test(tc, test_low_end_out_of_reach_fails);
	tcase_add_test(tc, test_unmeasured_point_fails);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
