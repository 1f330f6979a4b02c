/* test_sim_pen.c - the virtual pen's physics against its documented
 * transfer: tip extension, per-stroke peaks, stroke rate, settling,
 * parking, power, parameters and determinism. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/pen_bench.h"

#define MAXS 200000

/* Run the motor at depth/freq and let it settle (0.5 s). */
static void run(struct pen_bench *t, double depth_um, double freq_hz)
{
	pen_bench_power_on(t);
	ck_assert_int_eq(pen_set_depth_um(t->pen, depth_um, &t->err), RIG_OK);
	ck_assert_int_eq(pen_set_freq_hz(t->pen, freq_hz, &t->err), RIG_OK);
	ck_assert_int_eq(pen_set_motor(t->pen, true, &t->err), RIG_OK);
	pen_bench_sleep_ms(t, 500);
}

/* Sample the tips as a laser would, every dt_ns for n samples. */
static void sample(struct pen_bench *t, uint64_t dt_ns, size_t n, uint64_t *ts, double *tip)
{
	for (size_t i = 0; i < n; i++) {
		clock_sleep_ns(&t->vc.base, dt_ns);
		ts[i] = pen_bench_now_ns(t);
		tip[i] = t->b->tip_extension_um(t->b->tip_ctx, ts[i]);
	}
}

START_TEST(test_depth_transfer_is_the_documented_one)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	struct sim_pen *p = t.sp;
	/* Defaults: gain 1.04, offset -35, nonlinearity 0.02, max raw 3300. */
	ck_assert_double_eq_tol(sim_pen_depth_for_raw(p, 1500), 1.04 * 1500 - 35 + 0.02 * 1500 * 1500 / 3000, 1e-9);
	ck_assert_double_eq_tol(sim_pen_depth_for_raw(p, 0), -35, 1e-9);
	/* The actuator stops at max raw. */
	ck_assert_double_eq(sim_pen_depth_for_raw(p, 5000), sim_pen_depth_for_raw(p, 3300));
	ck_assert_double_eq_tol(sim_pen_freq_for_raw(p, 120, 5), 0.97 * 120 * (1 - 0.004 * 5), 1e-9);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_tip_peaks_follow_commanded_depth_through_the_transfer)
{
	struct pen_bench t;
	const char *const params[] = { "pen.depth_sd_um=5", NULL };
	pen_bench_up(&t, params);
	run(&t, 1500, 120);
	static uint64_t ts[MAXS];
	static double tip[MAXS];
	uint64_t t0 = pen_bench_now_ns(&t);
	size_t n = 40000; /* 2 s at 20 kHz */
	sample(&t, 50000, n, ts, tip);
	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	double expect = sim_pen_depth_for_raw(t.sp, 1500);
	ck_assert_double_eq_tol(tr.depth_um - tr.warmup_drift_um, expect, 1e-9);
	ck_assert(tr.warmup_drift_um > 0 && tr.warmup_drift_um < 12);

	static struct sim_pen_peak pk[1000];
	size_t np = sim_pen_peaks(t.sp, t0, pen_bench_now_ns(&t), pk, 1000);
	ck_assert_uint_gt(np, 200);
	ck_assert_uint_lt(np, 260);
	double sum = 0, sq = 0;
	for (size_t i = 0; i < np; i++) {
		sum += pk[i].peak_um;
		sq += pk[i].peak_um * pk[i].peak_um;
	}
	double mean = sum / np, sd = sqrt(sq / np - mean * mean);
	/* Mean of the peaks = the settled depth within the scatter's error. */
	ck_assert_double_eq_tol(mean, tr.depth_um, 4 * 5 / sqrt((double)np) + 0.2);
	ck_assert_double_eq_tol(sd, 5, 1.0);

	/* Each stroke's highest sample sits just below its true peak (a
	 * sinusoid sampled at 20 kHz under-reads by < 0.2 µm). */
	size_t j = 0;
	for (size_t i = 1; i + 1 < np; i++) {
		uint64_t half = (pk[i + 1].t_ns - pk[i].t_ns) / 2;
		double best = -1e9;
		while (j < n && ts[j] < pk[i].t_ns - half)
			j++;
		for (size_t k = j; k < n && ts[k] < pk[i].t_ns + half; k++)
			if (tip[k] > best)
				best = tip[k];
		ck_assert_double_le(best, pk[i].peak_um + 1e-6);
		ck_assert_double_ge(best, pk[i].peak_um - 0.3);
	}
	/* The retracted end is depth - stroke. */
	double lo = 1e9;
	for (size_t i = 0; i < n; i++)
		lo = fmin(lo, tip[i]);
	ck_assert_double_eq_tol(lo, tr.depth_um - 2000, 0.5);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_stroke_rate_is_the_transfer_under_load)
{
	struct pen_bench t;
	const char *const params[] = { "pen.speed_wander=0", "loadcell.preload_n=8", NULL };
	pen_bench_up(&t, params);
	run(&t, 1000, 150);
	uint64_t t0 = pen_bench_now_ns(&t);
	pen_bench_sleep_ms(&t, 2000);
	static struct sim_pen_peak pk[1000];
	size_t np = sim_pen_peaks(t.sp, t0, pen_bench_now_ns(&t), pk, 1000);
	ck_assert_uint_gt(np, 250);
	double f = (double)(np - 1) / ((double)(pk[np - 1].t_ns - pk[0].t_ns) * 1e-9);
	double want = 0.97 * 150 * (1 - 0.004 * 8);
	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.freq_hz, want, 1e-9);
	ck_assert_double_eq_tol(f, want, want * 2e-5);
	/* Unloaded, it runs faster by the droop. */
	sim_bench_set_load(t.b, SIM_LOAD_NONE, 0);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.freq_hz, 0.97 * 150, 1e-9);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_speed_wanders_slowly_by_about_its_parameter)
{
	struct pen_bench t;
	const char *const params[] = { "pen.speed_wander=0.003", NULL };
	pen_bench_up(&t, params);
	run(&t, 1000, 200);
	struct sim_pen_truth tr;
	double sum = 0, sq = 0, dsq = 0, prev = 0;
	int n = 0;
	for (int i = 0; i < 400; i++) { /* 40 s, every 100 ms */
		pen_bench_sleep_ms(&t, 100);
		sim_pen_truth(t.sp, &tr);
		double r = tr.freq_now_hz / tr.freq_hz - 1;
		sum += r;
		sq += r * r;
		if (n > 0)
			dsq += (r - prev) * (r - prev);
		prev = r;
		n++;
	}
	double rms = sqrt(sq / n);
	ck_assert_double_lt(fabs(sum / n), 0.0025); /* wanders around the transfer */
	ck_assert_double_gt(rms, 0.0015);
	/* Slowly: 100 ms apart it has moved much less than its spread. */
	ck_assert_double_lt(sqrt(dsq / (n - 1)), 0.6 * rms);
	ck_assert_double_lt(rms, 0.006);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_depth_change_settles_with_its_time_constant)
{
	struct pen_bench t;
	const char *const params[] = { "pen.warmup_drift_um=0", NULL };
	pen_bench_up(&t, params);
	run(&t, 1000, 100);
	struct sim_pen_truth tr;
	double a = sim_pen_depth_for_raw(t.sp, 1000), b = sim_pen_depth_for_raw(t.sp, 2000);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 2000, &t.err), RIG_OK);
	/* The command took effect when its LF reached the pen, a little
	 * before now; 30 ms after that the filter is at 1 - 1/e. */
	sim_pen_truth(t.sp, &tr);
	double start = tr.depth_now_um;
	ck_assert_double_lt(start - a, 0.25 * (b - a));
	pen_bench_sleep_ms(&t, 30);
	sim_pen_truth(t.sp, &tr);
	double frac = (tr.depth_now_um - a) / (b - a);
	ck_assert_double_gt(frac, 0.63);
	ck_assert_double_lt(frac, 0.80);
	pen_bench_sleep_ms(&t, 600);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.depth_now_um, b, 0.01);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_warm_up_drift_approaches_its_parameter)
{
	struct pen_bench t;
	const char *const params[] = { "pen.warmup_drift_um=20", NULL };
	pen_bench_up(&t, params);
	run(&t, 1000, 100);
	struct sim_pen_truth tr;
	pen_bench_sleep_ms(&t, 59500); /* one minute of motor-on time */
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.warmup_drift_um, 20 * (1 - exp(-1)), 0.05);
	pen_bench_sleep_ms(&t, 300000);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.warmup_drift_um, 20, 0.2);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_motor_off_parks_tips_retracted_and_power_off_freezes)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	run(&t, 1500, 120);
	ck_assert_int_eq(pen_set_motor(t.pen, false, &t.err), RIG_OK);
	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.tip_um, tr.depth_now_um - 2000, 1e-9);
	ck_assert_double_eq(tr.freq_now_hz, 0);
	uint64_t strokes = tr.strokes;
	pen_bench_sleep_ms(&t, 100);
	sim_pen_truth(t.sp, &tr);
	ck_assert_uint_eq(tr.strokes, strokes);
	/* Power lost mid-stroke: the tips stay where they were. */
	ck_assert_int_eq(pen_set_motor(t.pen, true, &t.err), RIG_OK);
	pen_bench_sleep_ms(&t, 203);
	pen_bench_relay(&t, false);
	double at = t.b->tip_extension_um(t.b->tip_ctx, pen_bench_now_ns(&t));
	for (int i = 0; i < 10; i++) {
		pen_bench_sleep_ms(&t, 7);
		ck_assert_double_eq(t.b->tip_extension_um(t.b->tip_ctx, pen_bench_now_ns(&t)), at);
	}
	sim_pen_truth(t.sp, &tr);
	ck_assert(!tr.powered && !tr.motor_on);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_cam_and_dwell_strokes_peak_where_documented)
{
	const char *shapes[] = { "pen.shape=cam", "pen.shape=dwell" };
	for (int s = 0; s < 2; s++) {
		struct pen_bench t;
		const char *const params[] = { shapes[s], "pen.depth_sd_um=0", "pen.speed_wander=0",
					       "pen.warmup_drift_um=0", NULL };
		pen_bench_up(&t, params);
		run(&t, 1500, 100);
		static uint64_t ts[MAXS];
		static double tip[MAXS];
		uint64_t t0 = pen_bench_now_ns(&t);
		sample(&t, 10000, 10000, ts, tip); /* 0.1 s at 100 kHz */
		struct sim_pen_peak pk[16];
		size_t np = sim_pen_peaks(t.sp, t0, pen_bench_now_ns(&t), pk, 16);
		ck_assert_uint_ge(np, 9);
		double hi = -1e9, lo = 1e9;
		size_t top = 0, at_top = 0;
		for (size_t i = 0; i < 10000; i++) {
			if (tip[i] > hi) {
				hi = tip[i];
				top = i;
			}
			lo = fmin(lo, tip[i]);
		}
		/* Over whole strokes only: peak 1 - T/2 .. peak 8 + T/2. */
		uint64_t half = (pk[1].t_ns - pk[0].t_ns) / 2, inside = 0;
		for (size_t i = 0; i < 10000; i++)
			if (ts[i] >= pk[1].t_ns - half && ts[i] < pk[8].t_ns + half) {
				inside++;
				at_top += tip[i] > hi - 1e-3;
			}
		ck_assert_double_eq_tol(hi, pk[0].peak_um, 1e-3); /* still settling by 1e-4 */
		ck_assert_double_eq_tol(hi, pk[np - 1].peak_um, 1e-3);
		if (s == 0) {
			/* Cam: from the bottom to the peak in 30 % of the period. */
			size_t b = top;
			while (b > 0 && tip[b - 1] < tip[b])
				b--;
			double rise = (double)(ts[top] - ts[b]) * 1e-9;
			double period = 1.0 / (0.97 * 100 * (1 - 0.004 * 5));
			ck_assert_double_eq_tol(rise / period, 0.3, 0.01);
		} else {
			/* Dwell: flat at the peak for 30 % of the time. */
			ck_assert_double_eq_tol((double)at_top / (double)inside, 0.30, 0.005);
		}
		pen_bench_down(&t);
	}
}
END_TEST

START_TEST(test_motion_does_not_depend_on_how_often_it_is_sampled)
{
	struct pen_bench a, b;
	pen_bench_up(&a, NULL);
	pen_bench_up(&b, NULL);
	run(&a, 1500, 250);
	run(&b, 1500, 250);
	ck_assert_uint_eq(pen_bench_now_ns(&a), pen_bench_now_ns(&b));
	for (int i = 0; i < 4000; i++) {
		/* a looks every 250 µs, b every 50 µs */
		clock_sleep_ns(&a.vc.base, 250000);
		for (int k = 0; k < 5; k++) {
			clock_sleep_ns(&b.vc.base, 50000);
			(void)b.b->tip_extension_um(b.b->tip_ctx, pen_bench_now_ns(&b));
		}
		uint64_t now = pen_bench_now_ns(&a);
		ck_assert_uint_eq(now, pen_bench_now_ns(&b));
		ck_assert_double_eq_tol(a.b->tip_extension_um(a.b->tip_ctx, now),
					b.b->tip_extension_um(b.b->tip_ctx, now), 1e-6);
	}
	pen_bench_down(&a);
	pen_bench_down(&b);
}
END_TEST

START_TEST(test_bad_parameters_are_refused_with_their_origin)
{
	struct pen_bench t;
	const char *const p1[] = { "pen.depth_gain=3", NULL };
	ck_assert_int_eq(pen_bench_try(&t, p1), RIG_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "--sim pen.depth_gain=3"));
	ck_assert_ptr_nonnull(strstr(t.err.msg, "0.5..1.5"));
	pen_bench_down(&t);
	const char *const p2[] = { "pen.shape=square", NULL };
	ck_assert_int_eq(pen_bench_try(&t, p2), RIG_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "sine, cam, dwell"));
	pen_bench_down(&t);
	const char *const p3[] = { "pen.serial=A,B", NULL };
	ck_assert_int_eq(pen_bench_try(&t, p3), RIG_E_CONFIG);
	pen_bench_down(&t);
	const char *const p4[] = { "pen.min_freq_hz=300", NULL };
	ck_assert_int_eq(pen_bench_try(&t, p4), RIG_E_CONFIG);
	pen_bench_down(&t);
	const char *const p5[] = { "pen.nonsense=1", NULL };
	ck_assert_int_eq(pen_bench_try(&t, p5), RIG_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "pen.nonsense"));
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_actuator_limit_refuses_depths_beyond_max_raw)
{
	struct pen_bench t;
	const char *const params[] = { "pen.max_raw_um=2000", NULL };
	pen_bench_up(&t, params);
	pen_bench_power_on(&t);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 2000, &t.err), RIG_OK);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 2000.001, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -222);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "raw depth setpoint"));
	pen_bench_down(&t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim_pen");
	TCase *tc = tcase_create("physics");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_depth_transfer_is_the_documented_one);
	tcase_add_test(tc, test_tip_peaks_follow_commanded_depth_through_the_transfer);
	tcase_add_test(tc, test_stroke_rate_is_the_transfer_under_load);
	tcase_add_test(tc, test_speed_wanders_slowly_by_about_its_parameter);
	tcase_add_test(tc, test_depth_change_settles_with_its_time_constant);
	tcase_add_test(tc, test_warm_up_drift_approaches_its_parameter);
	tcase_add_test(tc, test_motor_off_parks_tips_retracted_and_power_off_freezes);
	tcase_add_test(tc, test_cam_and_dwell_strokes_peak_where_documented);
	tcase_add_test(tc, test_motion_does_not_depend_on_how_often_it_is_sampled);
	tcase_add_test(tc, test_bad_parameters_are_refused_with_their_origin);
	tcase_add_test(tc, test_actuator_limit_refuses_depths_beyond_max_raw);
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
