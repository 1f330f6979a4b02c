/* check_verify.c - the verify phase of a bench check (rig check): every
 * certified point of the reference artifact measured as a run measures,
 * and judged by its normalised error against the certificate,
 *   En = (measured - certified) / sqrt(U_measured^2 + U_certificate^2),
 * |En| <= max_en passing (ISO/IEC 17043's criterion, as AIAG's bias
 * study uses it). The report's rows carry the certified value as the
 * commanded one's target and the |En| = max_en band as the limits.
 */
#include "run/run_impl.h"

#include <math.h>
#include <stdlib.h>

#include "check/reference.h"
#include "run/decision.h"

/* What linearity needs of each depth point. */
struct bias {
	double cert, bias, u;          /* certified value, bias, U of the bias (k = 2) */
	bool ok;
};

/* One certified point: what it is, and what was measured there. */
struct cpoint {
	bool depth;
	size_t i;                      /* its index in the certificate's list */
	struct measure_stats st;
	double bench_s;                /* its bench time (JUnit), kept until judged */
};

/* Measure one certified point at its setting. */
static enum rig_rc measure_cpoint(struct run *r, struct cpoint *p, struct rig_err *err)
{
	const struct reference *ref = r->o->reference;
	const struct reference_points *q = p->depth ? &ref->depth_um : &ref->freq_hz;
	const struct profile_verify *v = &r->prof->verify;
	enum run_step step = p->depth ? STEP_DEPTH_CHECK : STEP_RATE_CHECK;
	double set = q->commanded[p->i];
	double d_um = p->depth ? set : ref->nominal_depth_um;
	double f_hz = p->depth ? ref->nominal_freq_hz : set;
	r->step++;
	run_progress(r, "%s %g %s", run_step_name(step), set,
		     run_quantity_unit(p->depth ? QTY_DEPTH : QTY_FREQ));
	enum rig_rc rc = run_measure_point(r, step, d_um, f_hz, v->settle_ms, &v->window, &p->st,
					   err);
	p->bench_s = r->point_s;
	return rc;
}

/* Judge one measured point against its certified value; a depth's U with
 * the zero's shift over the check in it (zero_check.c, k = 2). */
static enum rig_rc judge_cpoint(struct run *r, const struct cpoint *p, struct bias *b)
{
	const struct reference *ref = r->o->reference;
	const struct reference_points *q = p->depth ? &ref->depth_um : &ref->freq_hz;
	const struct measure_stats *st = &p->st;
	bool depth = p->depth;
	enum run_step step = depth ? STEP_DEPTH_CHECK : STEP_RATE_CHECK;
	enum run_quantity qty = depth ? QTY_DEPTH : QTY_FREQ;
	const char *unit = run_quantity_unit(qty);
	double set = q->commanded[p->i], cert = q->actual[p->i];
	bool ok = depth ? st->has_depth : st->has_freq;
	double x = ok ? (depth ? st->depth_mean_um : st->freq_hz) : NAN;
	double u = depth ? hypot(st->depth_U_um, 2 * run_zero_u_um(r)) : st->freq_U_hz;
	/* the En band is derived from the point's U: none for a point not
	 * measured, whose U is not reported either (report_keep) */
	double band = ok ? ref->max_en * sqrt(u * u + q->u * q->u) : NAN;
	*b = (struct bias){ cert, x - cert, sqrt(u * u + q->u * q->u), ok && isfinite(u) };
	struct decision d;
	decide_limits(&d, x, u, cert - band, cert + band, DECISION_SIMPLE, unit);
	double en = reference_en(x, u, cert, q->u);
	if (!ok)
		run_set_text(d.reason, sizeof d.reason, "not measured: %s", st->message);
	else
		run_set_text(d.reason, sizeof d.reason,
			     "En %+.2f: measured %.6g %s (U %.2g), certified %.6g %s (U %.2g), "
			     "|En| <= %g %s",
			     en, x, unit, u, cert, unit, q->u, ref->max_en,
			     d.result == DECISION_PASS ? "holds" : "fails: the bench is off");
	r->point_s = p->bench_s; /* the JUnit time of its row */
	char why[MEASURE_NOTE_MAX] = "";
	if (!depth)
		measure_note_rate(st, why, sizeof why);
	else
		run_note_depth(r, st, why, sizeof why);
	return run_add_judged_note(r, step, qty, set, x, depth ? st->depth_std_um : NAN,
				   (long)st->strokes, u, &d, why);
}

/* Linearity (AIAG MSA): the bias regressed on the certified depth; its
 * slope in um per mm with U (k = 2) from the points' own U, recorded beside
 * the judged points (not judged: each point's En already is). */
static enum rig_rc linearity(struct run *r, const struct bias *b, size_t n)
{
	double sx = 0, sy = 0, m = 0;
	for (size_t i = 0; i < n; i++)
		if (b[i].ok) {
			sx += b[i].cert;
			sy += b[i].bias;
			m++;
		}
	if (m < 2)
		return RIG_OK;
	double xm = sx / m, ym = sy / m, sxx = 0, sxy = 0, vs = 0;
	for (size_t i = 0; i < n; i++)
		if (b[i].ok) {
			sxx += (b[i].cert - xm) * (b[i].cert - xm);
			sxy += (b[i].cert - xm) * (b[i].bias - ym);
		}
	if (!(sxx > 0))
		return RIG_OK;
	for (size_t i = 0; i < n; i++)
		if (b[i].ok)
			vs += (b[i].cert - xm) * (b[i].cert - xm) * (b[i].u / 2) * (b[i].u / 2);
	double slope = sxy / sxx, u_slope = 2 * sqrt(vs) / sxx;
	char note[200];
	run_set_text(note, sizeof note,
		     "bias = %.3g um + %.3g um/mm x (depth - %.0f um) over %.0f certified points; "
		     "mean bias %.3g um", ym, slope * 1000, xm, m, ym);
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = run_phase_name(r->phase);
	row.step = run_step_name(STEP_DEPTH_CHECK);
	row.quantity = "depth_linearity";
	row.unit = "um/mm";
	row.measured = slope * 1000;
	row.uncertainty = u_slope * 1000;
	row.n = (long)m;
	row.result = "MEASURED";
	row.note = note;
	return run_add_row(r, &row);
}

/* Every certified point as a run's verify measures it: the zero
 * reference read first, every point measured, the reference re-read (a
 * shift beyond its bound aborts the check, reason laser_zero; within it,
 * it joins every depth's U), then each point judged. A point that could
 * not be measured ends the check; those measured before it are judged. */
enum rig_rc run_check_verify(struct run *r, struct rig_err *err)
{
	const struct reference *ref = r->o->reference;
	size_t nd = ref->depth_um.n, n = nd + ref->freq_hz.n, done = 0;
	struct cpoint *pts = calloc(n ? n : 1, sizeof *pts);
	struct bias *b = calloc(n ? n : 1, sizeof *b);
	if (!pts || !b) {
		free(pts);
		free(b);
		return rig_fail(err, RIG_E_NOMEM, "check: out of memory");
	}
	for (size_t k = 0; k < n; k++)
		pts[k] = (struct cpoint){ .depth = k < nd, .i = k < nd ? k : k - nd };
	/* no certified depth: no depth for a zero to move */
	enum rig_rc rc = nd ? run_zero_start(r, err) : RIG_OK, rc_judge = RIG_OK;
	while (!rc && done < n && !(rc = measure_cpoint(r, &pts[done], err)))
		done++;
	if (!rc)
		rc = run_zero_recheck(r, err);
	for (size_t k = 0; k < done && !rc_judge; k++)
		rc_judge = judge_cpoint(r, &pts[k], &b[k]);
	if (!rc && !rc_judge && done == n)
		rc_judge = linearity(r, b, nd);
	free(pts);
	free(b);
	return rc ? rc : rc_judge;
}
