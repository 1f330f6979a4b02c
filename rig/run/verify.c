/* verify.c - the run's verify phase: measure every verify point of the
 * profile and judge it (decision.c): invalid samples, depth and its
 * spread, stroke rate. A depth point judges depth and spread, a rate point
 * the rate; a paired point ([verify] paired_points) judges all three from
 * its one window.
 */
#include "run/run_impl.h"

#include <math.h>
#include <stdlib.h>

#include "bench/preload.h"
#include "run/decision.h"

static enum rig_rc judge_depth(struct run *r, const struct measure_stats *st, double d_um)
{
	const struct profile_verify *v = &r->prof->verify;
	struct decision d;
	double mean = st->has_depth ? st->depth_mean_um : NAN;
	/* the zero's shift over the run and move before it (zero_check.c), k = 2 */
	double U = hypot(st->depth_U_um, 2 * run_zero_u_um(r));
	decide_limits_level(&d, mean, U, d_um - v->depth_tolerance_um,
			    d_um + v->depth_tolerance_um, v->decision_rule,
			    v->conformance_level_pct / 100.0, run_quantity_unit(QTY_DEPTH));
	if (!st->has_depth)
		run_set_text(d.reason, sizeof d.reason, "not measured: %s", st->message);
	char why[MEASURE_NOTE_MAX];
	run_note_depth(r, st, why, sizeof why);
	enum rig_rc rc = run_add_judged_note(r, STEP_DEPTH_SWEEP, QTY_DEPTH, d_um, mean,
					     st->depth_std_um, (long)st->strokes, U, &d, why);
	if (rc)
		return rc;
	double spread = st->has_depth ? st->depth_std_um : NAN;
	decide_limits(&d, spread, NAN, -INFINITY, v->max_depth_spread_um, DECISION_SIMPLE,
		      run_quantity_unit(QTY_DEPTH_SPREAD));
	if (!st->has_depth)
		run_set_text(d.reason, sizeof d.reason, "not measured: %s", st->message);
	return run_add_judged(r, STEP_DEPTH_SWEEP, QTY_DEPTH_SPREAD, d_um, spread, NAN,
			      (long)st->strokes, NAN, &d);
}

static enum rig_rc judge_freq(struct run *r, const struct measure_stats *st, double f_hz)
{
	const struct profile_verify *v = &r->prof->verify;
	struct decision d;
	double fm = st->has_freq ? st->freq_hz : NAN;
	double tol_hz = f_hz * v->freq_tolerance_pct / 100.0;
	decide_limits_level(&d, fm, st->freq_U_hz, f_hz - tol_hz, f_hz + tol_hz, v->decision_rule,
			    v->conformance_level_pct / 100.0, run_quantity_unit(QTY_FREQ));
	if (!st->has_freq)
		run_set_text(d.reason, sizeof d.reason, "not measured: %s", st->message);
	char why[MEASURE_NOTE_MAX];
	measure_note_rate(st, why, sizeof why);
	return run_add_judged_note(r, STEP_FREQ_SWEEP, QTY_FREQ, f_hz, fm, NAN,
				   (long)st->strokes, st->freq_U_hz, &d, why);
}

/* One verify point: what it is for, and what was measured there. */
struct vpoint {
	enum run_step step;
	double d_um, f_hz;
	bool depth, freq;
	struct measure_stats st;
	double bench_s;   /* its bench time (JUnit), kept until it is judged */
};

/* Measure one point at (d_um, f_hz). */
static enum rig_rc measure_vpoint(struct run *r, struct vpoint *p, struct rig_err *err)
{
	const struct profile_verify *v = &r->prof->verify;
	r->step++;
	if (p->depth && p->freq)
		run_progress(r, "point%s %g um %g Hz", r->step_suffix, p->d_um, p->f_hz);
	else
		run_progress(r, "%s%s %g %s", run_step_name(p->step), r->step_suffix,
			     p->depth ? p->d_um : p->f_hz, run_step_unit(p->step));
	enum rig_rc rc = run_measure_point(r, p->step, p->d_um, p->f_hz, v->settle_ms, &v->window,
					   &p->st, err);
	p->bench_s = r->point_s;
	return rc;
}

/* Judge one measured point for what it is for. */
static enum rig_rc judge_vpoint(struct run *r, const struct vpoint *p)
{
	const struct profile_verify *v = &r->prof->verify;
	const struct measure_stats *st = &p->st;
	struct decision d;
	r->point_s = p->bench_s; /* the JUnit time of its first depth or rate row */
	double frac = st->samples ? (double)st->invalid_samples / (double)st->samples : 1.0;
	decide_limits(&d, frac, NAN, -INFINITY, v->max_invalid_fraction, DECISION_SIMPLE,
		      run_quantity_unit(QTY_INVALID_FRACTION));
	enum rig_rc rc = run_add_judged(r, p->step, QTY_INVALID_FRACTION,
					p->depth ? p->d_um : p->f_hz, frac, NAN,
					(long)st->samples, NAN, &d);
	if (!rc && p->depth)
		rc = judge_depth(r, st, p->d_um);
	if (!rc && p->freq)
		rc = judge_freq(r, st, p->f_hz);
	return rc;
}

/* The profile's verify points in their order. */
static size_t plan_points(const struct profile_verify *v, struct vpoint *pts)
{
	size_t n = 0;
	if (v->paired_points) {
		for (size_t i = 0; i < v->depth_points_um.n; i++)
			pts[n++] = (struct vpoint){ STEP_DEPTH_SWEEP, v->depth_points_um.v[i],
						    v->freq_points_hz.v[i], true, true, { 0 }, NAN };
		return n;
	}
	for (size_t i = 0; i < v->depth_points_um.n; i++)
		pts[n++] = (struct vpoint){ STEP_DEPTH_SWEEP, v->depth_points_um.v[i],
					    v->nominal_freq_hz, true, false, { 0 }, NAN };
	for (size_t i = 0; i < v->freq_points_hz.n; i++)
		pts[n++] = (struct vpoint){ STEP_FREQ_SWEEP, v->nominal_depth_um,
					    v->freq_points_hz.v[i], false, true, { 0 }, NAN };
	return n;
}

/* Every verify point at the preload the pen presses with now: all are
 * measured, the zero reference re-read (zero_check.c), then each is
 * judged, its depth's U with the zero's shift in it. A point that could
 * not be measured ends the run; those measured before it are judged. */
static enum rig_rc verify_points(struct run *r, struct rig_err *err)
{
	struct vpoint *pts = calloc(2 * PROFILE_MAX_POINTS, sizeof *pts);
	if (!pts)
		return rig_fail(err, RIG_E_NOMEM, "verify: out of memory");
	size_t n = plan_points(&r->prof->verify, pts), done = 0;
	enum rig_rc rc = RIG_OK, rc_judge = RIG_OK;
	while (done < n && !(rc = measure_vpoint(r, &pts[done], err)))
		done++;
	if (!rc)
		rc = run_zero_recheck(r, err);
	for (size_t i = 0; i < done && !rc_judge; i++)
		rc_judge = judge_vpoint(r, &pts[i]);
	free(pts);
	return rc ? rc : rc_judge;
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
		if (!(rc = run_add_judged(r, STEP_PRELOAD, QTY_PRELOAD, want, f, NAN, 2, NAN, &d)) &&
		    !(rc = run_zero_start(r, err)))
			rc = verify_points(r, err);
	}
	r->at_preload_n = 0;
	r->step_suffix[0] = '\0';
	return rc;
}
