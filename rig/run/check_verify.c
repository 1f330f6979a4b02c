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

#include "check/reference.h"
#include "run/decision.h"

/* What linearity needs of each depth point. */
struct bias {
	double cert, bias, u;          /* certified value, bias, U of the bias (k = 2) */
	bool ok;
};

/* One certified point: measure at the setting, judge against the value. */
static enum rig_rc check_point(struct run *r, bool depth, size_t i, struct bias *b,
			       struct rig_err *err)
{
	const struct reference *ref = r->o->reference;
	const struct reference_points *q = depth ? &ref->depth_um : &ref->freq_hz;
	const struct profile_verify *v = &r->prof->verify;
	enum run_step step = depth ? STEP_DEPTH_CHECK : STEP_RATE_CHECK;
	enum run_quantity qty = depth ? QTY_DEPTH : QTY_FREQ;
	const char *unit = run_quantity_unit(qty);
	double set = q->commanded[i], cert = q->actual[i];
	double d_um = depth ? set : ref->nominal_depth_um;
	double f_hz = depth ? ref->nominal_freq_hz : set;
	struct measure_stats st;
	r->step++;
	run_progress(r, "%s %g %s", run_step_name(step), set, unit);
	enum rig_rc rc = run_measure_point(r, step, d_um, f_hz, v->settle_ms, &v->window, &st, err);
	if (rc)
		return rc;
	bool ok = depth ? st.has_depth : st.has_freq;
	double x = ok ? (depth ? st.depth_mean_um : st.freq_hz) : NAN;
	double u = depth ? st.depth_U_um : st.freq_U_hz;
	double band = ref->max_en * sqrt(u * u + q->u * q->u);
	*b = (struct bias){ cert, x - cert, sqrt(u * u + q->u * q->u), ok && isfinite(u) };
	struct decision d;
	decide_limits(&d, x, u, cert - band, cert + band, DECISION_SIMPLE, unit);
	double en = reference_en(x, u, cert, q->u);
	if (!ok)
		run_set_text(d.reason, sizeof d.reason, "not measured: %s", st.message);
	else
		run_set_text(d.reason, sizeof d.reason,
			     "En %+.2f: measured %.6g %s (U %.2g), certified %.6g %s (U %.2g), "
			     "|En| <= %g %s",
			     en, x, unit, u, cert, unit, q->u, ref->max_en,
			     d.result == DECISION_PASS ? "holds" : "fails: the bench is off");
	return run_add_judged(r, step, qty, set, x, depth ? st.depth_std_um : NAN,
			      (long)st.strokes, u, &d);
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

enum rig_rc run_check_verify(struct run *r, struct rig_err *err)
{
	const struct reference *ref = r->o->reference;
	struct bias b[REFERENCE_MAX_POINTS];
	for (int pass = 0; pass < 2; pass++) {
		size_t n = pass == 0 ? ref->depth_um.n : ref->freq_hz.n;
		for (size_t i = 0; i < n; i++) {
			struct bias scratch;
			enum rig_rc rc = check_point(r, pass == 0, i, pass == 0 ? &b[i] : &scratch, err);
			if (rc)
				return rc;
		}
	}
	return linearity(r, b, ref->depth_um.n);
}
