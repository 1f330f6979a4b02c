/* test_measure_sim.c - the stroke engine on captures of the virtual bench's
 * imperfect physics (docs/virtual-bench.md, "Imperfect physics"; issue 13):
 * the bytes the virtual ILD1420 sent while the virtual pen stroked, with
 * the pen's and the sensor's truth (tests/support/simcap.h), decoded and
 * measured as a run measures them. Each case pins one point: the depth
 * within its limit of the truth and covered by its U (k = 2).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/laser/protocol.h"
#include "measure/stroke.h"
#include "support/simcap.h"

struct sim_result {
	struct measure_stats st;
	struct simcap_truth tr;
};

/* Record seconds of the virtual bench under params at depth_um/freq_hz
 * and measure it with the configuration base (its rate and zero from the
 * bench's truth); any status. */
static void measure_sim_cfg(const char *const *params, double depth_um, double freq_hz,
			    double seconds, const struct measure_config *base,
			    struct sim_result *r)
{
	struct simcap_config cfg = { .params = params, .depth_um = depth_um,
				     .freq_hz = freq_hz, .seconds = seconds };
	uint8_t *bytes;
	size_t n;
	struct rig_err err = { 0 };
	memset(r, 0, sizeof *r);
	ck_assert_msg(simcap_record(&cfg, &bytes, &n, &r->tr, &err) == RIG_OK, "%s", err.msg);
	size_t cap = n / 3 + 16;
	struct laser_sample *s = malloc(cap * sizeof *s);
	ck_assert_ptr_nonnull(s);
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	size_t used, m = ild1420_decode(&d, bytes, n, s, cap, &used);
	struct measure_config mc = *base;
	mc.rate_hz = r->tr.rate_hz;
	mc.zero_mm = r->tr.zero_mm;
	struct measure *me;
	ck_assert_int_eq(measure_create(&me, &mc, &err), RIG_OK);
	ck_assert_int_eq(measure_push(me, s, m, &err), RIG_OK);
	measure_finish(me);
	measure_result(me, &r->st);
	measure_free(me);
	free(s);
	free(bytes);
}

/* The same, status ok asserted; exposure_us is what the engine is told,
 * ring_max_um the fixture's pad ring bound (0: none) and ring_exposure_us
 * the exposure it was measured at. */
static void measure_sim_bound_at(const char *const *params, double depth_um, double freq_hz,
				 double seconds, double exposure_us, double ring_max_um,
				 double ring_exposure_us, struct sim_result *r)
{
	struct measure_config mc = { .exposure_us = exposure_us, .ring_max_um = ring_max_um,
				     .ring_exposure_us = ring_exposure_us };
	measure_sim_cfg(params, depth_um, freq_hz, seconds, &mc, r);
	ck_assert_msg(r->st.status == MEASURE_OK, "status %s: %s",
		      measure_status_name(r->st.status), r->st.message);
}

/* The same with a bound measured at the exposure the engine is told. */
static void measure_sim_bound(const char *const *params, double depth_um, double freq_hz,
			      double seconds, double exposure_us, double ring_max_um,
			      struct sim_result *r)
{
	measure_sim_bound_at(params, depth_um, freq_hz, seconds, exposure_us, ring_max_um,
			     exposure_us, r);
}

static void measure_sim(const char *const *params, double depth_um, double freq_hz,
			double seconds, double exposure_us, struct sim_result *r)
{
	measure_sim_bound(params, depth_um, freq_hz, seconds, exposure_us, 0, r);
}

static void assert_depth(const struct sim_result *r, double truth_um, double tol_um)
{
	double e = r->st.depth_mean_um - truth_um;
	printf("  depth %.3f um, truth %.3f: error %+.3f um, U %.3f\n", r->st.depth_mean_um,
	       truth_um, e, r->st.depth_U_um);
	ck_assert_msg(fabs(e) <= tol_um && fabs(e) <= r->st.depth_U_um,
		      "depth %.3f um, truth %.3f: error %+.3f um, U %.3f, limit %.2f",
		      r->st.depth_mean_um, truth_um, e, r->st.depth_U_um, tol_um);
}

/* Impact ringing on the pad (15 um at 4 kHz, from each stroke's peak):
 * the deepest point the tips reach, ringing included, within 1 um at a
 * 4 kHz sensor rate. */
START_TEST(test_ringing_depth_is_the_deepest_point_within_1um)
{
	static const char *const params[] = { "pen.ring_um=15", "pen.ring_hz=4000",
					      "pen.ring_tau_ms=0.5", NULL };
	struct sim_result r;
	measure_sim(params, 1000, 120, 2, 0, &r);
	ck_assert_double_gt(r.tr.deepest_mean_um - r.tr.peak_mean_um, 5);
	assert_depth(&r, r.tr.deepest_mean_um, 1.0);
}
END_TEST

START_TEST(test_ringing_at_2khz_and_a_faster_stroke_within_1um)
{
	static const char *const params[] = { "pen.ring_um=10", "pen.ring_hz=2000",
					      "pen.ring_tau_ms=0.3", NULL };
	struct sim_result r;
	measure_sim(params, 1500, 200, 2, 0, &r);
	assert_depth(&r, r.tr.deepest_mean_um, 1.0);
}
END_TEST

/* Exposure: each value is the mean of the target over 250 us, which
 * lowers a 250 Hz stroke's top by about 4 um. Not told, the engine reads
 * it shallow outside U; told the exposure, it corrects for it and counts
 * the rest of what the top's unknown order allows in U. The correction,
 * the box's drop extrapolated from averaging once and twice more, is
 * within 1 um (the middle of drop / 4.33 .. drop read this raised-cosine
 * top -2.26 um, within U but short: docs/measurement.md 5b). */
START_TEST(test_exposure_known_is_corrected_and_covered)
{
	static const char *const params[] = { "laser.exposure_us=250", NULL };
	struct sim_result blind, told;
	measure_sim(params, 1500, 250, 2, 0, &blind);
	measure_sim(params, 1500, 250, 2, 250, &told);
	double e_blind = blind.st.depth_mean_um - blind.tr.peak_mean_um;
	double e_told = told.st.depth_mean_um - told.tr.peak_mean_um;
	printf("  exposure 250 us not told: error %+.3f um, U %.3f; told: error %+.3f um, U %.3f "
	       "(correction %.3f um)\n", e_blind, blind.st.depth_U_um, e_told, told.st.depth_U_um,
	       told.st.depth_exposure_um);
	ck_assert_msg(fabs(e_blind) > blind.st.depth_U_um, "not told: error %+.3f um, U %.3f",
		      e_blind, blind.st.depth_U_um);
	ck_assert_double_gt(told.st.depth_exposure_um, 1);
	ck_assert_msg(fabs(e_told) < fabs(e_blind) / 2, "told: error %+.3f um, not told %+.3f",
		      e_told, e_blind);
	ck_assert_msg(fabs(e_told) <= told.st.depth_U_um, "told: error %+.3f um, U %.3f", e_told,
		      told.st.depth_U_um);
	ck_assert_msg(fabs(e_told) <= 1.0, "told: error %+.3f um, beyond 1 um", e_told);
}
END_TEST

/* The pad's ring bound (docs/measurement.md 5b, "The pad's ring bound"):
 * at 250 us the exposure can hide any ring of 2..5 kHz, and U carries up
 * to the physics' 20 um of it. The same pen on the same pad read at a
 * short exposure (20 us) and at 250 us (the engine told a bound of 0.1 um,
 * so its U leaves the hidden ring out): what the short one reads beyond
 * the long, plus both Us, is the bound. Told that bound, U falls to what
 * it supports and still covers the error against the virtual bench's
 * truth: the deepest point the tips reach, ringing included. */
static void ring_bound_case(const char *name, const char *const *shortp,
			    const char *const *longp, double max_U_um)
{
	struct sim_result s, l, none, b;
	measure_sim_bound(shortp, 1000, 120, 2, 20, 0, &s);
	measure_sim_bound(longp, 1000, 120, 2, 250, 0.1, &l);
	double d = s.st.depth_mean_um - l.st.depth_mean_um;
	double bound = (d > 0 ? d : 0) + hypot(s.st.depth_U_um, l.st.depth_U_um);
	measure_sim(longp, 1000, 120, 2, 250, &none);
	measure_sim_bound(longp, 1000, 120, 2, 250, bound, &b);
	double e = b.st.depth_mean_um - b.tr.deepest_mean_um;
	printf("  %s: short %.3f um (U %.3f), long %.3f (U %.3f): bound %.2f um; at 250 us "
	       "U %.2f -> %.2f, error %+.3f um (truth %.3f)\n", name, s.st.depth_mean_um,
	       s.st.depth_U_um, l.st.depth_mean_um, l.st.depth_U_um, bound, none.st.depth_U_um,
	       b.st.depth_U_um, e, b.tr.deepest_mean_um);
	ck_assert_msg(none.st.depth_U_um > 15, "%s: without a bound U %.2f", name,
		      none.st.depth_U_um);
	ck_assert_msg(fabs(e) <= b.st.depth_U_um && b.st.depth_U_um <= max_U_um,
		      "%s: error %+.3f um, U %.3f (at most %.1f)", name, e, b.st.depth_U_um,
		      max_U_um);
	ck_assert(b.st.ring_bound_um == bound && !b.st.ring_over_bound && !b.st.ring_bound_unused);
}

START_TEST(test_ring_bound_of_a_quiet_pad_narrows_U_at_250us)
{
	static const char *const shortp[] = { "laser.exposure_us=20", NULL };
	static const char *const longp[] = { "laser.exposure_us=250", NULL };
	ring_bound_case("quiet pad", shortp, longp, 5);
}
END_TEST

START_TEST(test_ring_bound_of_a_ringing_pad_covers_its_hidden_ring)
{
	static const char *const shortp[] = { "pen.ring_um=10", "pen.ring_hz=4000",
					      "pen.ring_tau_ms=0.5", "laser.exposure_us=20", NULL };
	static const char *const longp[] = { "pen.ring_um=10", "pen.ring_hz=4000",
					     "pen.ring_tau_ms=0.5", "laser.exposure_us=250", NULL };
	ring_bound_case("ringing pad (10 um at 4 kHz)", shortp, longp, 15);
}
END_TEST

/* A bound holds only at the exposure it was measured at. The pad rings
 * 10 um at 4 kHz. Characterized at 50 us (which passes nine tenths of a
 * 4 kHz ring) the bound is smaller than what a 250 us record misses; the
 * shutter then set to 250 us (a zero of its box at 4 kHz: the ring is all
 * hidden) reads the ring's depth short by about 6 um. Used there, the
 * 50 us bound would make that record wrong and sure; it is not used
 * (ring_bound_unused), and the physics' 20 um covers the error. A bound
 * measured within RING_EXPOSURE_TOL_US of the record's exposure is used.
 *
 * The 50 us record is read with a bound of 0.1 um, and the ring it takes
 * shows that bound wrong (ring_over_bound): the physics holds its hidden
 * ring, a taken ring's too (12-02, HUSH; shape.c ring_bound), so its U
 * carries it. What the test stands on is that the bound is below the
 * 250 us record's miss, asserted below. It was characterized at 100 us
 * until 12-04: there the ring is fitted through the box since (ring.c
 * ring_model_peak, SHUTTER), which read that record -1.88 um for -1.50,
 * U 4.91 -> 5.24, and the bound made from it 6.27 -> 6.95 um, above the
 * 250 us record's miss (-6.33): the premise failed, not the rig's use of
 * the bound. At 50 us the box passes the band (RM_BOX_PASS) and the model
 * is not fitted: bound 3.90 um. (rig/tools/pad-ring-bound.sh gives no
 * bound at all for a pad whose ring is seen beyond it: a run withholds
 * the depth, MEASURE_RING_BOUND.) */
START_TEST(test_ring_bound_at_another_exposure_is_not_used)
{
	static const char *const shortp[] = { "pen.ring_um=10", "pen.ring_hz=4000",
					      "pen.ring_tau_ms=0.5", "laser.exposure_us=20", NULL };
	static const char *const midp[] = { "pen.ring_um=10", "pen.ring_hz=4000",
					    "pen.ring_tau_ms=0.5", "laser.exposure_us=50", NULL };
	static const char *const longp[] = { "pen.ring_um=10", "pen.ring_hz=4000",
					     "pen.ring_tau_ms=0.5", "laser.exposure_us=250", NULL };
	struct sim_result s, l, b, same;
	measure_sim_bound(shortp, 1000, 120, 2, 20, 0, &s);
	measure_sim_bound(midp, 1000, 120, 2, 50, 0.1, &l);
	double d = s.st.depth_mean_um - l.st.depth_mean_um;
	double bound = (d > 0 ? d : 0) + hypot(s.st.depth_U_um, l.st.depth_U_um);
	measure_sim_bound_at(longp, 1000, 120, 2, 250, bound, 50, &b);
	double e = b.st.depth_mean_um - b.tr.deepest_mean_um;
	printf("  bound %.2f um measured at 50 us, record at 250 us: error %+.3f um, U %.2f, "
	       "hidden ring %.2f um (held to %.2f)\n", bound, e, b.st.depth_U_um,
	       b.st.ring_hidden_um, b.st.ring_bound_um);
	/* the 50 us record's own ring beyond its 0.1 um bound: the hidden
	 * ring's term counts (main c2fccf0 left it out: 0 um) and U covers */
	double el = l.st.depth_mean_um - l.tr.deepest_mean_um;
	printf("  at 50 us (bound 0.1 um, ring seen %.2f um): error %+.3f um, U %.2f, hidden ring "
	       "%.2f um\n", l.st.ring_seen_um, el, l.st.depth_U_um, l.st.ring_hidden_um);
	ck_assert(l.st.ring == MEASURE_RING_TAKEN && l.st.ring_over_bound);
	ck_assert_msg(l.st.ring_hidden_um > 0 && fabs(el) <= l.st.depth_U_um,
		      "50 us: hidden ring %.2f um, error %+.3f um, U %.3f", l.st.ring_hidden_um, el,
		      l.st.depth_U_um);
	ck_assert_msg(fabs(e) > bound, "the hidden ring: error %+.3f um, bound %.2f", e, bound);
	ck_assert_msg(fabs(e) <= b.st.depth_U_um, "error %+.3f um, U %.3f", e, b.st.depth_U_um);
	ck_assert(b.st.ring_bound_unused && !b.st.ring_over_bound);
	ck_assert(b.st.ring_bound_um == RING_MAX_UM);
	/* the same shutter, read back 0.05 us apart: the bound holds */
	measure_sim_bound_at(longp, 1000, 120, 2, 250, bound, 250.05, &same);
	ck_assert(!same.st.ring_bound_unused && same.st.ring_bound_um == bound);
	/* a bound whose exposure is not known is not used either */
	measure_sim_bound_at(longp, 1000, 120, 2, 250, bound, 0, &same);
	ck_assert(same.st.ring_bound_unused && same.st.ring_bound_um == RING_MAX_UM);
}
END_TEST

/* Two-lobe cams reported anyway (gates.lobes_ok): the lobes detected, the
 * depth's error against the truth (the deepest points' mean) within U on
 * every seed. The engine folds one shape from both lobes' strokes; on
 * some seeds that fold's top showed a "ring" the depth then took, where
 * the pen has none: the virtual bench's 30 um, 1.5 % lobes (make bench's
 * row) read +10.79 um against U 5.02 at seed 14 and +12.06 against 5.49
 * at seed 43, a 40 um one with equal periods +24.78 against 18.53 (seed
 * 35). Its rise now counts in U (result.c, lobes_ring_bound). */
START_TEST(test_two_lobes_reported_are_covered_over_40_seeds)
{
	static const struct {
		double lobe_um, period_pct, rate_hz;
	} cases[] = { { 30, 1.5, 4000 }, { 40, 0, 4000 }, { 40, 2, 4000 }, { 20, 2, 4000 },
		      { 30, 1.5, 1000 } };
	struct measure_config mc = { .gates = { .lobes_ok = true } };
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		unsigned miss = 0, lobes = 0;
		double umax = 0, worst = 0;
		for (unsigned sd = 1; sd <= 40; sd++) {
			char kv[4][48];
			snprintf(kv[0], sizeof kv[0], "seed=%u", sd);
			snprintf(kv[1], sizeof kv[1], "pen.lobe_depth_um=%g", cases[k].lobe_um);
			snprintf(kv[2], sizeof kv[2], "pen.lobe_period_pct=%g", cases[k].period_pct);
			snprintf(kv[3], sizeof kv[3], "laser.rate_hz=%g", cases[k].rate_hz);
			const char *const params[] = { kv[0], kv[1], kv[2], kv[3], NULL };
			struct sim_result r;
			measure_sim_cfg(params, 1000, 120, 2, &mc, &r);
			ck_assert_msg(r.st.status == MEASURE_OK, "lobes %g um %g %% at %g Hz, seed %u: "
				      "status %s: %s", cases[k].lobe_um, cases[k].period_pct,
				      cases[k].rate_hz, sd, measure_status_name(r.st.status),
				      r.st.message);
			double e = r.st.depth_mean_um - (r.tr.deepest_mean_um - r.tr.drift_start_um);
			lobes += r.st.has_lobes;
			umax = fmax(umax, r.st.depth_U_um);
			if (fabs(e) > r.st.depth_U_um) {
				miss++;
				printf("  lobes %g um %g %% at %g Hz, seed %u: error %+.2f um, U %.2f "
				       "(ring %d, seen %.2f um)\n", cases[k].lobe_um,
				       cases[k].period_pct, cases[k].rate_hz, sd, e, r.st.depth_U_um,
				       (int)r.st.ring, r.st.ring_seen_um);
			}
			if (fabs(e) - r.st.depth_U_um > worst)
				worst = fabs(e) - r.st.depth_U_um;
		}
		printf("  lobes %g um %g %% at %g Hz: detected %u/40, outside U %u (worst by %.2f "
		       "um), U at most %.2f um\n", cases[k].lobe_um, cases[k].period_pct,
		       cases[k].rate_hz, lobes, miss, worst, umax);
		ck_assert_uint_eq(lobes, 40);
		ck_assert_msg(miss == 0, "lobes %g um %g %% at %g Hz: %u of 40 outside U",
			      cases[k].lobe_um, cases[k].period_pct, cases[k].rate_hz, miss);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("measure_sim");
	TCase *tc = tcase_create("physics");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ringing_depth_is_the_deepest_point_within_1um);
	tcase_add_test(tc, test_ringing_at_2khz_and_a_faster_stroke_within_1um);
	tcase_add_test(tc, test_exposure_known_is_corrected_and_covered);
	tcase_add_test(tc, test_ring_bound_of_a_quiet_pad_narrows_U_at_250us);
	tcase_add_test(tc, test_ring_bound_of_a_ringing_pad_covers_its_hidden_ring);
	tcase_add_test(tc, test_ring_bound_at_another_exposure_is_not_used);
	tcase_add_test(tc, test_two_lobes_reported_are_covered_over_40_seeds);
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
