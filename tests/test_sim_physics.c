/* test_sim_physics.c - the virtual bench's imperfect physics
 * (docs/virtual-bench.md, "Imperfect physics"), each model measured on its
 * own output: the pen's start-up transient, speed steps, impact ringing,
 * two-lobe cams and depth under preload; the laser's drift, speckle
 * spikes, exposure smoothing (and its SHUTTER output), clock error and
 * error values after a speed step (laser.blind_step_ms). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/laser/protocol.h"
#include "sim/laser.h"
#include "support/pen_bench.h"
#include "support/simcap.h"

#define MAXP 4000

/* The larger of a running worst error and d; a NAN on either side sticks
 * (and fails the caller's bound), unlike fmax. */
static double worse(double worst, double d)
{
	return isnan(worst) || d <= worst ? worst : d;
}

/* Power on, command depth/freq and start the motor; returns the bench time
 * just before the motor command went out. */
static uint64_t start(struct pen_bench *t, double depth_um, double freq_hz)
{
	pen_bench_power_on(t);
	ck_assert_int_eq(pen_set_depth_um(t->pen, depth_um, &t->err), RIG_OK);
	ck_assert_int_eq(pen_set_freq_hz(t->pen, freq_hz, &t->err), RIG_OK);
	pen_bench_sleep_ms(t, 300); /* the depth settles */
	uint64_t t0 = pen_bench_now_ns(t);
	ck_assert_int_eq(pen_set_motor(t->pen, true, &t->err), RIG_OK);
	return t0;
}

static size_t peaks(struct pen_bench *t, uint64_t t0, uint64_t t1, struct sim_pen_peak *pk)
{
	size_t n = sim_pen_peaks(t->sp, t0, t1, pk, MAXP);
	ck_assert_uint_le(n, MAXP);
	return n;
}

/* Mean stroke rate from the peaks within [t0, t1) (s since `origin`). */
static double rate_between(struct pen_bench *t, uint64_t origin, double t0_s, double t1_s)
{
	static struct sim_pen_peak pk[MAXP];
	size_t n = peaks(t, origin + (uint64_t)(t0_s * 1e9), origin + (uint64_t)(t1_s * 1e9), pk);
	ck_assert_uint_ge(n, 3);
	return (double)(n - 1) / ((double)(pk[n - 1].t_ns - pk[0].t_ns) * 1e-9);
}

START_TEST(test_startup_transient_starts_from_its_fraction_with_its_time_constant)
{
	struct pen_bench t;
	const char *const params[] = { "pen.speed_wander=0", "pen.depth_sd_um=0",
				       "pen.spinup_from=0.4", "pen.spinup_ms=100", NULL };
	pen_bench_up(&t, params);
	uint64_t t0 = start(&t, 1000, 100);
	pen_bench_sleep_ms(&t, 1500);
	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	double F = tr.freq_hz;
	static struct sim_pen_peak pk[MAXP];
	size_t n = peaks(&t, t0, pen_bench_now_ns(&t), pk);
	ck_assert_uint_gt(n, 100);
	/* The motor starts when the command's LF arrives (about 1 ms after
	 * t0): the speed is F (1 - 0.6 e^(-t/0.1 s)). Each interval between
	 * peaks against the model's mean rate over it. */
	double worst = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		double a = (double)(pk[i].t_ns - t0) * 1e-9, b = (double)(pk[i + 1].t_ns - t0) * 1e-9;
		double measured = 1.0 / (b - a);
		/* Mean of F (1 - 0.6 e^(-(t - 1 ms)/tau)) over [a, b]. */
		double tau = 0.1, s = 0.001;
		double model = F * (1 - 0.6 * tau * (exp(-(a - s) / tau) - exp(-(b - s) / tau)) / (b - a));
		worst = worse(worst, fabs(measured / model - 1));
	}
	ck_assert_msg(worst < 0.02, "worst relative rate error %.4f", worst);
	/* The first stroke runs near 40 % of the speed, the last ones at it. */
	double first = 1.0 / ((double)(pk[1].t_ns - pk[0].t_ns) * 1e-9);
	ck_assert_msg(first > 0.40 * F && first < 0.55 * F, "first %.2f Hz of %.2f", first, F);
	ck_assert_double_eq_tol(rate_between(&t, t0, 1.0, 1.5), F, F * 1e-4);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_speed_steps_at_their_moment_and_alternate_with_their_period)
{
	struct pen_bench t;
	const char *const params[] = { "pen.speed_wander=0", "pen.speed_step=0.7",
				       "pen.speed_step_at_s=1.0", "pen.speed_step_period_s=0.5",
				       NULL };
	pen_bench_up(&t, params);
	uint64_t t0 = start(&t, 1000, 120);
	pen_bench_sleep_ms(&t, 1200);
	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq(tr.speed_factor, 0.7);
	double F = sim_pen_freq_for_raw(t.sp, tr.raw_freq_hz, 2.0);
	ck_assert_double_eq_tol(tr.freq_hz, 0.7 * F, 1e-9);
	pen_bench_sleep_ms(&t, 1500);
	/* Before the step, after it (20 ms spin-up time constant), back up,
	 * down again. */
	ck_assert_double_eq_tol(rate_between(&t, t0, 0.5, 0.99), F, F * 2e-4);
	ck_assert_double_eq_tol(rate_between(&t, t0, 1.2, 1.49), 0.7 * F, F * 2e-4);
	ck_assert_double_eq_tol(rate_between(&t, t0, 1.7, 1.99), F, F * 2e-4);
	ck_assert_double_eq_tol(rate_between(&t, t0, 2.2, 2.49), 0.7 * F, F * 2e-4);
	pen_bench_down(&t);

	/* Without a period it stays stepped. */
	const char *const once[] = { "pen.speed_wander=0", "pen.speed_step=1.4",
				     "pen.speed_step_at_s=0.5", NULL };
	pen_bench_up(&t, once);
	t0 = start(&t, 1000, 120);
	pen_bench_sleep_ms(&t, 2500);
	ck_assert_double_eq_tol(rate_between(&t, t0, 0.2, 0.49), F, F * 2e-4);
	ck_assert_double_eq_tol(rate_between(&t, t0, 0.8, 2.4), 1.4 * F, F * 2e-4);
	pen_bench_down(&t);
}
END_TEST

/* Sample the tips every dt_ns for n samples from now. */
static void sample_tips(struct pen_bench *t, uint64_t dt_ns, size_t n, uint64_t *ts, double *tip)
{
	for (size_t i = 0; i < n; i++) {
		clock_sleep_ns(&t->vc.base, dt_ns);
		ts[i] = pen_bench_now_ns(t);
		tip[i] = t->b->tip_extension_um(t->b->tip_ctx, ts[i]);
	}
}

START_TEST(test_impact_ringing_has_its_frequency_decay_and_deepest_point)
{
	enum { N = 100000 };
	static uint64_t ts[N], ts0[N];
	static double tip[N], tip0[N];
	static struct sim_pen_peak pk[MAXP];
	const char *const ring[] = { "pen.speed_wander=0", "pen.ring_um=12", "pen.ring_hz=3000",
				     "pen.ring_tau_ms=0.4", NULL };
	const char *const calm[] = { "pen.speed_wander=0", NULL };
	struct pen_bench t, c;
	/* The same seed with and without ringing: everything else the same. */
	pen_bench_up(&c, calm);
	start(&c, 1000, 100);
	pen_bench_sleep_ms(&c, 500);
	sample_tips(&c, 5000, N, ts0, tip0); /* 0.5 s at 200 kHz */
	pen_bench_down(&c);
	pen_bench_up(&t, ring);
	start(&t, 1000, 100);
	pen_bench_sleep_ms(&t, 500);
	uint64_t w0 = pen_bench_now_ns(&t);
	sample_tips(&t, 5000, N, ts, tip);
	size_t np = peaks(&t, w0 + 2000000, ts[N - 1] - 10000000, pk);
	ck_assert_uint_gt(np, 40);

	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	double sum_excess = 0;
	for (size_t i = 0; i < np; i++) {
		/* The ringing = the difference of the two benches' tips. */
		size_t k = (size_t)((pk[i].t_ns - ts[0]) / 5000);
		ck_assert_uint_eq(ts[k], ts0[k]);
		ck_assert_double_eq_tol(tip[k - 20] - tip0[k - 20], 0, 1e-3); /* none before impact */
		/* Zero crossings after the peak: half a period of 3 kHz apart. */
		double cross[6];
		int nc = 0;
		for (size_t j = k + 10; j < k + 400 && nc < 6; j++) {
			double r0 = tip[j - 1] - tip0[j - 1], r1 = tip[j] - tip0[j];
			if ((r0 > 0) != (r1 > 0))
				cross[nc++] = (double)ts[j - 1] + 5000.0 * r0 / (r0 - r1);
		}
		ck_assert_int_eq(nc, 6);
		double half_ns = (cross[5] - cross[0]) / 5;
		ck_assert_double_eq_tol(half_ns, 1e9 / 6000, 2000);
		/* The ringing's envelope: successive extremes of one sign shrink by
		 * e^(-1/(f tau)) = e^(-1/1.2). */
		double e1 = 0, e2 = 0;
		for (size_t j = k; j < k + 67; j++)
			e1 = fmax(e1, tip[j] - tip0[j]);
		for (size_t j = k + 67; j < k + 133; j++)
			e2 = fmax(e2, tip[j] - tip0[j]);
		ck_assert_double_eq_tol(e2 / e1, exp(-1 / 1.2), 0.03);
		/* The deepest point reached, from the samples, is the truth. */
		double best = -1e9;
		for (size_t j = k - 200; j < k + 400; j++)
			best = fmax(best, tip[j]);
		ck_assert_double_le(best, pk[i].deepest_um + 0.01);
		ck_assert_double_ge(best, pk[i].deepest_um - 0.05);
		ck_assert_double_gt(pk[i].deepest_um - pk[i].peak_um, 5);
		sum_excess += pk[i].deepest_um - pk[i].peak_um;
	}
	/* The truth's depth carries the mean excess. */
	ck_assert_double_eq_tol(tr.ring_um, sum_excess / np, 0.01);
	ck_assert_double_eq_tol(tr.ring_um, sim_pen_ring_excess_um(t.sp, tr.freq_hz), 1e-9);
	ck_assert_double_eq_tol(sim_pen_deepest_for_cmd(t.sp, 1000, 100, 2.0) -
					sim_pen_depth_for_cmd(t.sp, 1000),
				sim_pen_ring_excess_um(t.sp, sim_pen_freq_for_cmd(t.sp, 100, 2.0)), 1e-9);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_two_lobe_cam_alternates_depths_and_periods)
{
	enum { N = 60000 };
	static uint64_t ts[N];
	static double tip[N];
	static struct sim_pen_peak pk[MAXP];
	const char *const params[] = { "pen.speed_wander=0", "pen.depth_sd_um=0",
				       "pen.lobe_depth_um=40", "pen.lobe_period_pct=2", NULL };
	struct pen_bench t;
	pen_bench_up(&t, params);
	start(&t, 1000, 100);
	pen_bench_sleep_ms(&t, 1000);
	uint64_t w0 = pen_bench_now_ns(&t);
	sample_tips(&t, 10000, N, ts, tip); /* 0.6 s at 100 kHz */
	size_t np = peaks(&t, w0, ts[N - 1], pk);
	ck_assert_uint_gt(np, 50);
	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	for (size_t i = 1; i < np; i++) {
		ck_assert_int_ne(pk[i].lobe, pk[i - 1].lobe);
		double want = pk[i].lobe ? -40 : 40;
		ck_assert_double_eq_tol(pk[i].peak_um - pk[i - 1].peak_um, want, 0.05);
	}
	/* Start to start (the retracted minima): lobe 0 lasts 1.02 T, lobe 1
	 * 0.98 T; the mean period is T. */
	double mins[200];
	int nm = 0;
	for (size_t j = 1; j + 1 < N && nm < 200; j++)
		if (tip[j] < tip[j - 1] && tip[j] <= tip[j + 1]) {
			double a = tip[j - 1], b = tip[j], c = tip[j + 1];
			double off = 0.5 * (a - c) / (a - 2 * b + c);
			mins[nm++] = (double)ts[j] + off * 10000.0;
		}
	ck_assert_int_gt(nm, 50);
	double T = 1e9 / tr.freq_hz, sum = 0;
	for (int i = 1; i + 1 < nm; i++) {
		double p1 = mins[i] - mins[i - 1], p2 = mins[i + 1] - mins[i];
		ck_assert_double_eq_tol(fabs(p1 - p2) / T, 0.04, 0.001);
		sum += p1;
	}
	ck_assert_double_eq_tol(sum / (nm - 2) / T, 1, 0.002);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_depth_follows_preload_and_is_unchanged_at_the_default)
{
	const double preloads[] = { 2.0, 4.0, 1.0 };
	double depth[3];
	static struct sim_pen_peak pk[MAXP];
	for (int i = 0; i < 3; i++) {
		char kv[64];
		snprintf(kv, sizeof kv, "loadcell.preload_n=%g", preloads[i]);
		const char *const params[] = { "pen.speed_wander=0", "pen.depth_sd_um=0", kv, NULL };
		struct pen_bench t;
		pen_bench_up(&t, params);
		start(&t, 1000, 100);
		pen_bench_sleep_ms(&t, 400);
		uint64_t a = pen_bench_now_ns(&t);
		pen_bench_sleep_ms(&t, 200);
		size_t n = peaks(&t, a, pen_bench_now_ns(&t), pk);
		double sum = 0;
		for (size_t k = 0; k < n; k++)
			sum += pk[k].peak_um;
		struct sim_pen_truth tr;
		sim_pen_truth(t.sp, &tr);
		depth[i] = sum / n - tr.warmup_drift_um;
		ck_assert_double_eq_tol(tr.preload_um, 5 * (preloads[i] - 2.0), 1e-12);
		/* At the default preload the transfer is the documented one. */
		if (i == 0)
			ck_assert_double_eq(sim_pen_depth_for_raw(t.sp, 1500),
					    1.04 * 1500 - 35 + 0.02 * 1500 * 1500 / 3000);
		pen_bench_down(&t);
	}
	/* 5 µm deeper per newton (the warm-up drift grows by well under
	 * 0.1 µm within the 200 ms window). */
	ck_assert_double_eq_tol(depth[1] - depth[0], 10, 0.1);
	ck_assert_double_eq_tol(depth[2] - depth[0], -5, 0.1);
}
END_TEST

START_TEST(test_preload_changed_mid_run_moves_depth_and_rate_from_then_on)
{
	struct pen_bench t;
	const char *const params[] = { "pen.speed_wander=0", "pen.depth_sd_um=0", NULL };
	pen_bench_up(&t, params);
	start(&t, 1000, 100);
	pen_bench_sleep_ms(&t, 500);
	struct sim_pen_truth a, b;
	sim_pen_truth(t.sp, &a);
	uint64_t t_change = pen_bench_now_ns(&t);
	sim_bench_set_preload(t.b, 3.0);
	ck_assert_double_eq(sim_bench_force_n(t.b), 3.0);
	pen_bench_sleep_ms(&t, 500);
	sim_pen_truth(t.sp, &b);
	/* 5 µm deeper (settled after 500 ms of a 30 ms time constant), the
	 * rate drooping by another 0.4 %, and nothing before the change. */
	ck_assert_double_eq_tol(b.depth_um - b.warmup_drift_um - (a.depth_um - a.warmup_drift_um), 5,
				1e-9);
	ck_assert_double_eq_tol(b.freq_hz / a.freq_hz, (1 - 0.004 * 3) / (1 - 0.004 * 2), 1e-12);
	static struct sim_pen_peak pk[MAXP];
	size_t n = peaks(&t, t_change - 200000000, t_change, pk);
	for (size_t i = 0; i < n; i++)
		ck_assert_double_lt(fabs(pk[i].peak_um - a.depth_now_um), 0.1);
	pen_bench_down(&t);
}
END_TEST

/* ---- Laser ----------------------------------------------------------- */

struct laser_bench {
	struct pen_bench t;
	struct sim_laser *l;
};

static void laser_up(struct laser_bench *lb, const char *const *params, enum sim_target tg)
{
	pen_bench_up(&lb->t, params);
	lb->l = sim_bench_model(lb->t.b, "laser");
	ck_assert_ptr_nonnull(lb->l);
	sim_bench_set_target(lb->t.b, tg);
}

/* Record the next n values the laser sends. */
static const struct sim_laser_truth *record(struct laser_bench *lb, size_t n)
{
	ck_assert(sim_laser_record_truth(lb->l, n));
	double ms = (double)n / sim_laser_actual_rate_hz(lb->l) * 1000.0 + 2;
	pen_bench_sleep_ms(&lb->t, ms);
	size_t got;
	const struct sim_laser_truth *v = sim_laser_truth(lb->l, &got);
	ck_assert_uint_eq(got, n);
	return v;
}

/* A value's distance (NAN for an error code; the callers count those:
 * an assertion per value would cost more than the model). */
static double reading_mm(const struct sim_laser_truth *v)
{
	return v->raw <= 65520 ? ild1420_mm_from_x(v->raw, 10) : NAN;
}

START_TEST(test_laser_drift_is_linear_or_settles)
{
	struct laser_bench lb;
	const char *const lin[] = { "laser.noise_um=0", "laser.drift_um_per_s=3", NULL };
	laser_up(&lb, lin, SIM_TARGET_FLAT);
	pen_bench_sleep_ms(&lb.t, 1000);
	const struct sim_laser_truth *v = record(&lb, 8000); /* 1 .. 3 s */
	double worst = 0;
	for (size_t i = 0; i < 8000; i++) {
		double t_s = (double)v[i].t_ns * 1e-9 - 1000.0; /* the bench starts at 1000 s */
		worst = worse(worst, fabs(v[i].drift_um - 3 * t_s) * 1e3);
		worst = worse(worst, fabs((reading_mm(&v[i]) - 5.0) * 1000 - 3 * t_s));
	}
	ck_assert_msg(worst < 0.1, "drift off by %.3f um", worst); /* quantisation 0.16 um */
	pen_bench_down(&lb.t);

	const char *const settle[] = { "laser.noise_um=0", "laser.drift_um_per_s=4",
				       "laser.drift_tau_s=0.5", NULL };
	laser_up(&lb, settle, SIM_TARGET_FLAT);
	pen_bench_sleep_ms(&lb.t, 5000);
	v = record(&lb, 400);
	ck_assert_double_eq_tol((reading_mm(&v[399]) - 5.0) * 1000, 2.0, 0.1); /* 4 * 0.5 */
	ck_assert(isfinite(reading_mm(&v[399])));
	ck_assert_double_eq_tol(sim_laser_drift_um(lb.l, 1000500000000ull),
				2.0 * (1 - exp(-1.0)), 1e-9);
	pen_bench_down(&lb.t);
}
END_TEST

START_TEST(test_laser_spikes_are_isolated_sized_and_signed_as_given)
{
	const char *const signs[] = { "laser.spike_sign=both", "laser.spike_sign=near" };
	for (int s = 0; s < 2; s++) {
		struct laser_bench lb;
		const char *const params[] = { "laser.noise_um=0.5", "laser.spike_p=0.01", signs[s],
					       NULL };
		laser_up(&lb, params, SIM_TARGET_FLAT);
		enum { N = 40000 };
		const struct sim_laser_truth *v = record(&lb, N);
		int n = 0, up = 0, down = 0, bad = 0;
		bool prev = false;
		for (size_t i = 0; i < N; i++) {
			double off_um = (reading_mm(&v[i]) - 5.0) * 1000;
			bool out = fabs(off_um) > 20;
			bad += !isfinite(off_um) || out != (v[i].spike_um != 0); /* seen iff true */
			if (out) {
				bad += prev; /* two in a row */
				bad += fabs(off_um - v[i].spike_um) > 3;
				bad += fabs(v[i].spike_um) < 50 || fabs(v[i].spike_um) > 200;
				n++;
				up += off_um > 0;
				down += off_um < 0;
			}
			prev = out;
		}
		ck_assert_int_eq(bad, 0);
		/* About p N = 400 (binomial sd 20; isolation takes ~1 %). */
		ck_assert_msg(n > 320 && n < 480, "%d spikes", n);
		if (s == 0)
			ck_assert(up > 120 && down > 120);
		else
			ck_assert_int_eq(up, 0); /* nearer only: reads deeper */
		pen_bench_down(&lb.t);
	}
}
END_TEST

/* The tips' mean over [t1 - e, t1] from tips sampled every 1 µs from tb0. */
static double tips_mean(const double *tip, size_t n, uint64_t tb0, uint64_t t1, double e_ns)
{
	double sum = 0;
	enum { M = 2000 };
	for (int i = 0; i < M; i++) {
		double t = (double)(t1 - tb0) - e_ns + e_ns * (i + 0.5) / M; /* ns after tb0 */
		size_t j = (size_t)(t / 1000.0);
		if (t < 0 || j + 1 >= n)
			return NAN; /* outside what was sampled: fails the caller */
		double w = t / 1000.0 - (double)j;
		sum += tip[j] * (1 - w) + tip[j + 1] * w;
	}
	return sum / M;
}

START_TEST(test_laser_exposure_averages_the_stroke_over_the_shutter_time)
{
	enum { N = 800, NB = 203000 };
	static double tip[NB];
	static uint64_t ts[NB];
	/* The same pen twice: once seen through a 200 µs exposure, once
	 * sampled every 1 µs to know what the exposure saw. */
	struct laser_bench lb;
	const char *const params[] = { "laser.noise_um=0", "laser.exposure_us=200",
				       "pen.speed_wander=0", "pen.depth_sd_um=0", NULL };
	const char *const plain[] = { "laser.noise_um=0", "pen.speed_wander=0",
				      "pen.depth_sd_um=0", NULL };
	struct pen_bench t;
	pen_bench_up(&t, plain);
	start(&t, 1000, 150);
	pen_bench_sleep_ms(&t, 499);
	uint64_t tb0 = pen_bench_now_ns(&t) + 1000;
	sample_tips(&t, 1000, NB, ts, tip);
	ck_assert_uint_eq(ts[0], tb0);
	pen_bench_down(&t);

	laser_up(&lb, params, SIM_TARGET_PEN);
	start(&lb.t, 1000, 150);
	pen_bench_sleep_ms(&lb.t, 500);
	const struct sim_laser_truth *v = record(&lb, N);
	double lo = 1e9, hi = -1e9, tlo = 1e9, thi = -1e9, worst = 0, worst_q = 0;
	for (size_t i = 0; i < N; i++) {
		double r = reading_mm(&v[i]);
		worst_q = worse(worst_q, fabs(r - v[i].seen_mm) * 1000);
		double want_mm = 5.0 - tips_mean(tip, NB, tb0, v[i].t_ns, 200e3) / 1000.0;
		worst = worse(worst, fabs(v[i].seen_mm - want_mm) * 1000);
		lo = fmin(lo, v[i].seen_mm);
		hi = fmax(hi, v[i].seen_mm);
		tlo = fmin(tlo, v[i].dist_mm);
		thi = fmax(thi, v[i].dist_mm);
	}
	ck_assert_msg(worst < 0.01, "exposure mean off by %.4f um", worst);
	ck_assert_msg(worst_q < 0.1, "reading off its truth by %.4f um", worst_q); /* quantisation */
	/* A sine stroke averaged over E shrinks by sinc(pi f E); sampled at
	 * 4 kHz the extremes are within 0.3 % of the curve's. */
	struct sim_pen_truth tr;
	sim_pen_truth(lb.t.sp, &tr);
	double x = M_PI * tr.freq_hz * 200e-6;
	ck_assert_double_eq_tol((hi - lo) / (thi - tlo), sin(x) / x, 0.003);
	ck_assert_double_eq_tol(sim_laser_exposure_us(lb.l), 200, 1e-9);
	pen_bench_down(&lb.t);

	/* Longer than a period: clamped to the period. */
	const char *const longer[] = { "laser.exposure_us=400", NULL };
	laser_up(&lb, longer, SIM_TARGET_PEN);
	ck_assert_double_eq_tol(sim_laser_exposure_us(lb.l), 250, 0.002);
	pen_bench_down(&lb.t);
}
END_TEST

START_TEST(test_laser_sends_its_shutter_time_when_asked)
{
	struct laser_bench lb;
	const char *const params[] = { "laser.exposure_us=123.4", NULL };
	laser_up(&lb, params, SIM_TARGET_FLAT);
	struct serial_port *port;
	struct serial_settings s = serial_8n1(921600);
	ck_assert_int_eq(serial_open(&port, "sim:laser", &s, &lb.t.hal, &lb.t.err), RIG_OK);
	ck_assert_int_eq(serial_write_str(port, "OUTADD_RS422 SHUTTER\r", 100, &lb.t.err), RIG_OK);
	pen_bench_sleep_ms(&lb.t, 20);
	ck_assert_int_eq(serial_write_str(port, "OUTADD_RS422\r", 100, &lb.t.err), RIG_OK);
	pen_bench_sleep_ms(&lb.t, 20);
	static uint8_t buf[200000];
	size_t got;
	ck_assert_int_eq(serial_read_some(port, buf, sizeof buf, 100, &got, &lb.t.err), RIG_OK);
	ck_assert_uint_gt(got, 100);
	/* The query's answer, then whole pairs: distance (b6 = 0), shutter
	 * time in 0.1 µs (b6 = 1). */
	const char *ans = NULL, *from = (const char *)buf;
	for (const char *h; (h = memmem(from, got - (size_t)(from - (const char *)buf),
					 "OUTADD_RS422 SHUTTER\r\n->", 24)); from = h + 1)
		ans = h; /* the query's answer: the last such line */
	ck_assert_ptr_nonnull(ans);
	size_t i = (size_t)(ans - (const char *)buf) + 24, pairs = 0;
	int bad = 0;
	for (; i + 6 <= got; i += 6, pairs++) {
		bad += buf[i] >> 6 != 0 || buf[i + 1] >> 6 != 1 || buf[i + 3] >> 6 != 0 ||
		       buf[i + 4] >> 6 != 1;
		bad += buf[i + 2] >> 6 != 2; /* H, b6 = 0: the distance */
		bad += buf[i + 5] >> 6 != 3; /* H, b6 = 1: a further value */
		uint32_t sh = (buf[i + 3] & 0x3Fu) | (buf[i + 4] & 0x3Fu) << 6 |
			      (buf[i + 5] & 0x3Fu) << 12;
		bad += sh != 1234;
	}
	ck_assert_int_eq(bad, 0);
	ck_assert_uint_gt(pairs, 50);
	serial_close(port);
	pen_bench_down(&lb.t);
}
END_TEST

START_TEST(test_laser_clock_error_samples_slower_than_its_rate)
{
	struct laser_bench lb;
	const char *const params[] = { "laser.clock_ppm=-100000", NULL };
	laser_up(&lb, params, SIM_TARGET_FLAT);
	ck_assert_double_eq(sim_laser_rate_hz(lb.l), 4000);
	ck_assert_double_eq_tol(sim_laser_actual_rate_hz(lb.l), 3600, 1e-9);
	const struct sim_laser_truth *v = record(&lb, 3601);
	double span_s = (double)(v[3600].t_ns - v[0].t_ns) * 1e-9;
	ck_assert_double_eq_tol(span_s, 1.0, 1e-9);
	pen_bench_down(&lb.t);
}
END_TEST

START_TEST(test_simcap_captures_what_the_sensor_sent_with_its_truth)
{
	static const char *const params[] = { "pen.ring_um=10", "laser.drift_um_per_s=2",
					      "laser.spike_p=0.002", "laser.exposure_us=100",
					      NULL };
	struct simcap_config cfg = { .params = params, .depth_um = 1000, .freq_hz = 120,
				     .seconds = 2, .want_values = 1 };
	uint8_t *bytes;
	size_t n;
	struct simcap_truth tr;
	struct rig_err err = { 0 };
	ck_assert_msg(simcap_record(&cfg, &bytes, &n, &tr, &err) == RIG_OK, "%s", err.msg);
	/* 2 s at 4 kHz, 3 bytes a value. */
	ck_assert_uint_ge(n, 3 * 7999);
	ck_assert_uint_ge(tr.nvalues, 8000);
	static struct laser_sample out[9000];
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	size_t used, m = ild1420_decode(&d, bytes, n, out, 9000, &used);
	ck_assert_uint_ge(m, 7999);
	/* The capture's values are the sensor's, in order (the first may be
	 * one taken just before the capture began). */
	size_t off = out[0].raw == tr.values[0].raw ? 0 : 1;
	size_t bad = 0, k;
	for (k = 0; k + off < m && k < tr.nvalues; k++)
		bad += out[k + off].raw != tr.values[k].raw;
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_ge(k, 7998);
	/* The pen's truth: about 240 strokes at the transfer's rate, the
	 * deepest points beyond the nominal peaks by the ringing. */
	ck_assert_uint_ge(tr.strokes, 230);
	ck_assert_uint_le(tr.strokes, 245);
	ck_assert_double_eq_tol(tr.freq_hz, 0.97 * 120 * (1 - 0.004 * 2), 0.97 * 120 * 0.02);
	ck_assert_double_gt(tr.deepest_mean_um - tr.peak_mean_um, 3);
	ck_assert_double_eq_tol(tr.drift_end_um - tr.drift_start_um, 4, 1e-6);
	ck_assert_double_eq(tr.actual_rate_hz, 4000);
	free(bytes);
	free(tr.values);
}
END_TEST

/* laser.blind_step_ms: error values for that long from each speed step of
 * the pen (pen.speed_step, either way), and nowhere else; every other value
 * is the one the same bench sends without it (its noise and spikes still
 * drawn while blind). */
START_TEST(test_laser_blind_after_each_speed_step_and_nowhere_else)
{
	static const char *const plain[] = { "pen.speed_step=1.2", "pen.speed_step_at_s=0.6",
					     "pen.speed_step_period_s=0.4", "laser.spike_p=0.002",
					     NULL };
	static const char *const blind[] = { "pen.speed_step=1.2", "pen.speed_step_at_s=0.6",
					     "pen.speed_step_period_s=0.4", "laser.spike_p=0.002",
					     "laser.blind_step_ms=25", NULL };
	struct simcap_config cfg = { .params = plain, .depth_um = 1000, .freq_hz = 120,
				     .seconds = 1.5, .want_values = 1 };
	uint8_t *bytes[2];
	size_t n[2];
	struct simcap_truth tr[2];
	struct rig_err err = { 0 };
	ck_assert_msg(simcap_record(&cfg, &bytes[0], &n[0], &tr[0], &err) == RIG_OK, "%s", err.msg);
	cfg.params = blind;
	ck_assert_msg(simcap_record(&cfg, &bytes[1], &n[1], &tr[1], &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(tr[0].nvalues, tr[1].nvalues);
	/* Motor on 0.5 s before the capture: steps at 0.6, 1.0, 1.4 and 1.8 s
	 * of motor-on time, so four runs of 25 ms (100 values at 4 kHz). */
	size_t runs = 0, len = 0, other = 0, lens[8] = { 0 };
	uint64_t starts[8] = { 0 };
	for (size_t i = 0; i < tr[1].nvalues; i++) {
		const struct sim_laser_truth *v = &tr[1].values[i];
		bool err_value = v->raw == ILD1420_ERR_NO_PEAK;
		if (err_value) {
			if (!len && runs < 8)
				starts[runs] = v->t_ns;
			len++;
		} else {
			if (len && runs < 8)
				lens[runs] = len;
			runs += len > 0;
			len = 0;
			other += v->raw != tr[0].values[i].raw;
		}
	}
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(runs, 4);
	ck_assert_uint_eq(other, 0);
	for (size_t k = 0; k < 4; k++) {
		ck_assert_msg(lens[k] >= 99 && lens[k] <= 101, "run %zu: %zu values", k, lens[k]);
		if (k)
			ck_assert_double_eq_tol((double)(starts[k] - starts[k - 1]) * 1e-9, 0.4, 3e-4);
	}
	/* the capture begins about 0.5 s after the motor started (0.505 s) */
	ck_assert_double_eq_tol((double)(starts[0] - tr[1].t0_ns) * 1e-9, 0.1, 0.01);
	for (int k = 0; k < 2; k++) {
		free(bytes[k]);
		free(tr[k].values);
	}
}
END_TEST

START_TEST(test_bad_physics_parameters_are_refused)
{
	struct pen_bench t;
	const char *const a[] = { "laser.spike_min_um=300", NULL };
	ck_assert_int_eq(pen_bench_try(&t, a), RIG_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "spike_min_um"));
	const char *const b[] = { "pen.spinup_from=1.5", NULL };
	ck_assert_int_eq(pen_bench_try(&t, b), RIG_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "pen.spinup_from"));
	const char *const c[] = { "laser.spike_sign=up", NULL };
	ck_assert_int_eq(pen_bench_try(&t, c), RIG_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "laser.spike_sign"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim_physics");
	TCase *tc = tcase_create("pen");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_startup_transient_starts_from_its_fraction_with_its_time_constant);
	tcase_add_test(tc, test_speed_steps_at_their_moment_and_alternate_with_their_period);
	tcase_add_test(tc, test_impact_ringing_has_its_frequency_decay_and_deepest_point);
	tcase_add_test(tc, test_two_lobe_cam_alternates_depths_and_periods);
	tcase_add_test(tc, test_depth_follows_preload_and_is_unchanged_at_the_default);
	tcase_add_test(tc, test_preload_changed_mid_run_moves_depth_and_rate_from_then_on);
	suite_add_tcase(s, tc);
	TCase *tl = tcase_create("laser");
	tcase_set_timeout(tl, 60);
	tcase_add_test(tl, test_laser_drift_is_linear_or_settles);
	tcase_add_test(tl, test_laser_spikes_are_isolated_sized_and_signed_as_given);
	tcase_add_test(tl, test_laser_exposure_averages_the_stroke_over_the_shutter_time);
	tcase_add_test(tl, test_laser_sends_its_shutter_time_when_asked);
	tcase_add_test(tl, test_laser_clock_error_samples_slower_than_its_rate);
	tcase_add_test(tl, test_simcap_captures_what_the_sensor_sent_with_its_truth);
	tcase_add_test(tl, test_laser_blind_after_each_speed_step_and_nowhere_else);
	tcase_add_test(tl, test_bad_physics_parameters_are_refused);
	suite_add_tcase(s, tl);
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
