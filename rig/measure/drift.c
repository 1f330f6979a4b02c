/* drift.c - drift of the readings: a quadratic through the strokes'
 * troughs against time (tally.c keeps its sums), the shape's own check of
 * what it took in of a drift, and the drift's part of the depth budget,
 * flagged or corrected (result_drift; docs/measurement.md, "Drift").
 */
#include "measure/engine.h"

/* Drift: a quadratic through the strokes' troughs against time, q(t) =
 * a + b t + c t^2 (t from the record's first sample). Fills the drift over
 * the record and its uncertainty; *corr receives the mean of q(t_k) - q(0)
 * over the strokes (what the drift added to their mean depth, as the zero
 * holds at the start), *u_corr its standard uncertainty, *u_start how far
 * the first DRIFT_HEAD troughs lie from the quadratic on average (the
 * quadratic's own error where q(0) rests: a thermal drift that settles
 * exponentially is no quadratic). Counted whatever its size: at 1 kHz a
 * trough is a few samples and noisy, and a fast exponential (tau 0.58 s,
 * +5.2 um) lay 1.3 standard errors off there, which the old 2-error
 * threshold took as none: corrected, +1.71 um against U 1.50. */
static bool drift_fit(const struct measure *m, struct measure_stats *out, double *corr,
		      double *u_corr, double *u_start)
{
	const double *T = m->dr_t, *Y = m->dr_y;
	double n = T[0], dur = (double)(m->next_slot - 1 - m->first_slot) / m->cfg.rate_hz;
	double A[3][3] = { { T[0], T[1], T[2] }, { T[1], T[2], T[3] }, { T[2], T[3], T[4] } };
	double p[3], inv[3][3];
	if (n < 8 || !num_solve3_sym(A, Y, p, inv))
		return false;
	double rss = m->dr_yy - p[0] * Y[0] - p[1] * Y[1] - p[2] * Y[2];
	double s2 = rss > 0 ? rss / (n - 3) : 0;
	double g[3] = { 0, T[1] / n, T[2] / n }, e[3] = { 0, dur, dur * dur };
	double vg = 0, ve = 0;
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			vg += g[i] * inv[i][j] * g[j];
			ve += e[i] * inv[i][j] * e[j];
		}
	*corr = p[1] * g[1] + p[2] * g[2];
	*u_corr = sqrt(s2 * vg);
	const double *H = m->dr0_t;
	double r0 = H[0] > 0 ? (m->dr0_y - p[0] * H[0] - p[1] * H[1] - p[2] * H[2]) / H[0] : 0;
	*u_start = H[0] > 0 ? num_abs(r0) : 0;
	out->has_drift = true;
	out->drift_um = p[1] * dur + p[2] * dur * dur;
	out->drift_u_um = sqrt(s2 * ve);
	return true;
}

/* What the shape took in of a drift. At a rate near commensurate with the
 * sampling (72.72 Hz at 4 kHz: 55 samples a stroke, the phase moving 0.01
 * sample a stroke) each bin of the shape is filled in its own part of the
 * record, so a drift goes into the shape, and neither the strokes' peaks
 * nor their troughs show it (+0.15 um read for +5.6 um; the depth +3.1..
 * +5.1 um off with U 1.9..4.1, tests/test_red_captures.sh). Each stroke's
 * mean level less the level its own peak and trough make with the shape
 * stays put unless the shape took something in: a quadratic through it;
 * when its change over the record exceeds 4 standard uncertainties and
 * 1 um, the top may have been folded from any part of the record, and the
 * largest change is a standard uncertainty (0 otherwise). */
static double drift_level_check(const struct measure *m, double dur)
{
	const double *T = m->dl_t, *Y = m->dl_y;
	double n = T[0];
	double A[3][3] = { { T[0], T[1], T[2] }, { T[1], T[2], T[3] }, { T[2], T[3], T[4] } };
	double p[3], inv[3][3];
	if (n < 8 || !num_solve3_sym(A, Y, p, inv))
		return 0;
	double rss = m->dl_yy - p[0] * Y[0] - p[1] * Y[1] - p[2] * Y[2];
	double s2 = rss > 0 ? rss / (n - 3) : 0;
	double e[3] = { 0, dur, dur * dur }, ve = 0;
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			ve += e[i] * inv[i][j] * e[j];
	double d = p[1] * dur + p[2] * dur * dur;
	if (num_abs(d) <= 1.0 || d * d <= 16 * s2 * ve)
		return 0;
	double range = num_abs(d);
	double tv = p[2] != 0 ? -p[1] / (2 * p[2]) : -1; /* the quadratic's vertex */
	if (tv > 0 && tv < dur && num_abs(p[1] * tv + p[2] * tv * tv) > range)
		range = num_abs(p[1] * tv + p[2] * tv * tv);
	return range;
}

double result_drift(const struct measure *m, struct measure_stats *out)
{
	/* Drift: corrected (its fit's uncertainty counts), or flagged: what it
	 * added to the mean is in the mean, not corrected, so it counts whole
	 * (a rectangular half-width, c^2/3, covered at most 1.15 |c| at k = 2:
	 * an exponential 8 um thermal drift read 5.4 um off against U 5.2,
	 * tests/test_red_captures.sh). Either way the quadratic's misfit at
	 * the start counts too. */
	double corr, u_corr, u_start, u_drift = 0;
	if (drift_fit(m, out, &corr, &u_corr, &u_start)) {
		double dur = (double)(m->next_slot - 1 - m->first_slot) / m->cfg.rate_hz;
		double u_fold = drift_level_check(m, dur);
		u_start = sqrt(u_start * u_start + u_fold * u_fold);
		bool seen = num_abs(out->drift_um) > 2 * out->drift_u_um || u_fold > 0;
		if (m->cfg.gates.drift == MEASURE_DRIFT_CORRECT) {
			out->depth_mean_um -= corr;
			out->drift_corrected = true;
			u_drift = sqrt(u_corr * u_corr + u_start * u_start);
		} else if (seen) {
			/* a drift the troughs show (beyond 2 standard
			 * uncertainties): what it added */
			double c = num_abs(corr) + u_start;
			u_drift = sqrt(c * c + u_corr * u_corr);
		}
	}
	return u_drift;
}
