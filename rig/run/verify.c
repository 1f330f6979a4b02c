/* verify.c - the run's verify phase: measure every verify point of the
 * profile and judge it (decision.c): invalid samples, depth and its
 * spread, stroke rate.
 */
#include "run/run_impl.h"

#include <math.h>

#include "bench/preload.h"
#include "run/decision.h"

/* Every verify point at the preload the pen presses with now. */
static enum rig_rc verify_points(struct run *r, struct rig_err *err)
{
	const struct profile_verify *v = &r->prof->verify;
	enum decision_rule rule = v->decision_rule;
	double level = v->conformance_level_pct / 100.0;
	for (int pass = 0; pass < 2; pass++) {
		bool depth = pass == 0;
		const struct profile_points *pts = depth ? &v->depth_points_um : &v->freq_points_hz;
		enum run_step step = depth ? STEP_DEPTH_SWEEP : STEP_FREQ_SWEEP;
		for (size_t i = 0; i < pts->n; i++) {
			double d_um = depth ? pts->v[i] : v->nominal_depth_um;
			double f_hz = depth ? v->nominal_freq_hz : pts->v[i];
			struct measure_stats st;
			struct decision d;
			r->step++;
			run_progress(r, "%s%s %g %s", run_step_name(step), r->step_suffix, pts->v[i],
				     run_step_unit(step));
			enum rig_rc rc = run_measure_point(r, step, d_um, f_hz, v->settle_ms, &v->window,
						       &st, err);
			if (rc)
				return rc;
			double frac = st.samples ? (double)st.invalid_samples / (double)st.samples
						 : 1.0;
			decide_limits(&d, frac, NAN, -INFINITY, v->max_invalid_fraction,
				      DECISION_SIMPLE, run_quantity_unit(QTY_INVALID_FRACTION));
			if ((rc = run_add_judged(r, step, QTY_INVALID_FRACTION, pts->v[i], frac, NAN,
					     (long)st.samples, NAN, &d)))
				return rc;
			if (depth) {
				double mean = st.has_depth ? st.depth_mean_um : NAN;
				decide_limits_level(&d, mean, st.depth_U_um, d_um - v->depth_tolerance_um,
						    d_um + v->depth_tolerance_um, rule, level,
						    run_quantity_unit(QTY_DEPTH));
				if (!st.has_depth)
					run_set_text(d.reason, sizeof d.reason, "not measured: %s", st.message);
				if ((rc = run_add_judged(r, step, QTY_DEPTH, d_um, mean, st.depth_std_um,
						     (long)st.strokes, st.depth_U_um, &d)))
					return rc;
				double spread = st.has_depth ? st.depth_std_um : NAN;
				decide_limits(&d, spread, NAN, -INFINITY, v->max_depth_spread_um,
					      DECISION_SIMPLE, run_quantity_unit(QTY_DEPTH_SPREAD));
				if ((rc = run_add_judged(r, step, QTY_DEPTH_SPREAD, d_um, spread, NAN,
						     (long)st.strokes, NAN, &d)))
					return rc;
			} else {
				double fm = st.has_freq ? st.freq_hz : NAN;
				double tol_hz = f_hz * v->freq_tolerance_pct / 100.0;
				decide_limits_level(&d, fm, st.freq_U_hz, f_hz - tol_hz, f_hz + tol_hz,
						    rule, level, run_quantity_unit(QTY_FREQ));
				if (!st.has_freq)
					run_set_text(d.reason, sizeof d.reason, "not measured: %s", st.message);
				if ((rc = run_add_judged(r, step, QTY_FREQ, f_hz, fm, NAN,
						     (long)st.strokes, st.freq_U_hz, &d)))
					return rc;
			}
		}
	}
	return RIG_OK;
}

/* Depth under load (21 CFR 878.4430, "anticipated conditions of use"):
 * with [verify] preloads_n every point is measured at each preload, the
 * force asked for and read back first (bench/preload.h; not reached:
 * ABORTED), and its rows named apart ("depth_sweep@2N"). */
enum rig_rc run_verify(struct run *r, struct rig_err *err)
{
	const struct profile_points *pre = &r->prof->verify.preloads_n;
	if (!pre->n)
		return verify_points(r, err);
	enum rig_rc rc = RIG_OK;
	for (size_t i = 0; i < pre->n && !rc; i++) {
		double want = pre->v[i], f = NAN;
		run_progress(r, "preload %g N", want);
		if ((rc = bench_set_preload(r->b, want, &f, err)))
			break;
		double tol = fmax(BENCH_PRELOAD_TOL_MIN_N, 0.05 * want);
		struct decision d;
		decide_limits(&d, f, NAN, want - tol, want + tol, DECISION_SIMPLE,
			      run_quantity_unit(QTY_PRELOAD));
		r->at_preload_n = want;
		snprintf(r->step_suffix, sizeof r->step_suffix, "@%gN", want);
		if (!(rc = run_add_judged(r, STEP_PRELOAD, QTY_PRELOAD, want, f, NAN, 2, NAN, &d)))
			rc = verify_points(r, err);
	}
	r->at_preload_n = 0;
	r->step_suffix[0] = '\0';
	return rc;
}
