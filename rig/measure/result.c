/* result.c - the engine's results: the figures with their uncertainty
 * budget from the running statistics tally.c keeps (measure_result;
 * docs/measurement.md has the budget term by term).
 */
#include "measure/engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_msg(struct measure_stats *st, enum measure_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_msg(struct measure_stats *st, enum measure_status s, const char *fmt, ...)
{
	va_list ap;
	st->status = s;
	va_start(ap, fmt);
	vsnprintf(st->message, sizeof st->message, fmt, ap);
	va_end(ap);
}

/* The per-stroke std's expanded uncertainty (k = 2). The std is
 * sqrt(var - fitvar): the fitted peaks' variance var less what the fits'
 * noise gave them, fitvar = noise^2 x the mean variance factor of the fits.
 * Two parts, on the variance: var's own sampling, var sqrt(2 / (nv - 1))
 * (nv the effective count for a variance: n (1 - r1^2) / (1 + r1^2) under
 * AR(1)); and fitvar's model: what the fits really carried was 0.65..1.8
 * times it on red_capture.py's noisy records (noise growing to the
 * retracted end, speed steps, 6..12 um noise: the std read 1.2..2.8 um low
 * with no U), so STD_FITVAR_U x fitvar counts as a standard uncertainty.
 * The interval tv +- 2 u on the variance maps to the std; the larger side
 * is U. When it reaches 0 the noise swamps the std: U then reaches from 0
 * to the top of the interval. That top stands 2 u above tv, or above 0
 * where tv is below it: a variance is not negative, and where the fits'
 * noise f exceeds all of var (f taken too large, or var low by chance)
 * the record tells a true variance of 0 at best, within 2 u of it.
 * Before, the top was tv + 2 u, and where the whole interval lay below 0
 * U was 0: blind_hunt.py speed 1000 19722 (0.04 um of stroke scatter under
 * 0.67 um of noise and a 206 us exposure; var 0.236 um^2, f 1.50) read
 * the std 0 with U 0 against a true 0.039; now U 1.15.
 * The fits follow only part of each stroke's depth change: a stroke whose
 * travel stretches from a fixed retracted end moves its samples at w by
 * w^p of it (blind_capture.py's strokes p = 1, red_capture.py's 2, a
 * stroke moving as a whole 0), and an offset over 2-3 samples at w ~ 0.85
 * (fit.c TOP_HIGH, most strokes at 1 kHz) follows their mean w^p, a line
 * in w what it makes of w^p at the peak (1 for p <= 1). Under p = 2 the
 * fitted depths spread as the rms f of those (fit.c fit_follow, std_follow)
 * of the true ones, and the top of the interval is taken over by 1 / f: with p
 * = 0 or 1 the std is that of the fits, with p = 2 1 / f times it, and U
 * covers both. Before, the std read low against U: 1 kHz fast 975201631,
 * dropouts 1001978954 -0.82, -0.87 um against U 0.33, 0.31, the offsets
 * following 0.77..0.79 of their strokes' depth change, the lines over 4
 * samples 0.89..0.90 (red_hunt.py 20 2026; 24 of 600 records). */
#define STD_FITVAR_U 0.4
/* How much of each stroke's depth change the fits follow beyond
 * std_follow's model (docs/measurement.md, "What the fits follow of the
 * strokes' depths"): a relative standard uncertainty of the std. The fits
 * follow 1 - h of it where their own samples fed the shape's points (h
 * about 1 / 24: the learning store's strokes), less again under a pad's
 * creep, whose peak lies between the samples; on ordinary records
 * positive terms (the points' errors, the fits' noise beyond fitvar)
 * offset that. The std over the true one, blind_hunt.py mixed draws
 * 19700-19729 with scatter 3 um and noise 0.3 um: 0.979 (sd 0.020)
 * without a pad, 0.961 (0.027) with one at 4 kHz, 0.974 (0.043) and
 * 0.958 (0.056) at 1 kHz; under the strongest pads of the draws' ranges
 * (level 0.88, gain 0.6, 0.5 ms) 0.85-1.10 at 4 kHz, 0.71-1.08 at 1 kHz.
 * Before, blind_hunt.py mixed 4000 19750 under that strongest pad, its
 * scatter 3 um and noise 0.3 um, read the std -0.263 um against U 0.246
 * (12 redraws of its noise: 2 within U; now U 0.326, 12). Speed 1000
 * 17715 (gain 0.56, 0.81 ms; 0.83 of its true std over 12 redraws) stays
 * outside: -0.284 against U 0.282. */
#define STD_FOLLOW_U 0.05
static double std_follow(const struct measure *m, double n)
{
	double f[FIT_MODELS], f2 = 0;
	fit_follow(&m->shape, f);
	for (int k = 0; k < FIT_MODELS; k++)
		f2 += (double)m->fit_models[k] * f[k] * f[k];
	return sqrt(f2 / n);
}

static double std_expanded_u(double var, double fitvar, double ud, double nv,
			     double std_um, double follow)
{
	double tv = var - fitvar;
	double uv = nv > 1 ? var * sqrt(2.0 / (nv - 1)) : var;
	double uf = STD_FITVAR_U * fitvar;
	double Uv = 2.0 * sqrt(uv * uv + uf * uf + ud * ud);
	double hi = sqrt((tv > 0 ? tv : 0) + Uv), lo = tv - Uv > 0 ? sqrt(tv - Uv) : 0;
	if (follow > 0 && follow < 1)
		hi /= follow;
	return hi - std_um > std_um - lo ? hi - std_um : std_um - lo;
}

/* What the fits follow of each stroke's depth change, read from the
 * record: the covariance c over the strokes of the sample nearest each
 * one's peak, off its fit (fit.c top_peak_sample), with its depth. A fit
 * that follows a fraction F of a stroke's depth change leaves (1 - F) of
 * it at the peak: c = (1 - F) F V, V the true depths' variance, and the
 * std (F sqrt(V)) reads short by (1 - F) sqrt(V) = c / std. Under a pad's
 * creep a deeper stroke's extra travel lies in a peak some 0.5 ms wide
 * (the pad has not caught up there), narrower than the fit's window:
 * blind_hunt.py spikes 4000 22304 (pad gain 0.59, 0.4 ms) followed 0.80
 * (13 redraws of its noise: the std -0.214 um, sd 0.023, 2 within U),
 * speed 1000 24052 0.70, 24092 0.85. c is taken as it is significant
 * (z = c / se: none up to 1, all of it from 3 on, as the shape's model
 * terms) and only where it is positive (a fit following more than the
 * peak is no creep); what is not taken, and se, count as its standard
 * uncertainty. *shift: what the std reads short (um), *u: that
 * uncertainty (um), both against std_um; 0 without PK_MIN_N strokes or
 * a std. */
#define PK_MIN_N 20
static void std_peak_follow(const struct measure *m, double std_um, double *shift, double *u)
{
	*shift = *u = 0;
	double n = (double)m->pk_n;
	if (m->pk_n < PK_MIN_N || !(std_um > 0))
		return;
	double vr = (m->pk_srr - m->pk_sr * m->pk_sr / n) / (n - 1);
	double vx = (m->pk_sxx - m->pk_sx * m->pk_sx / n) / (n - 1);
	double c = (m->pk_srx - m->pk_sr * m->pk_sx / n) / (n - 1);
	if (!(vr > 0) || !(vx > 0))
		return;
	double se = sqrt((vr * vx + c * c) / n);
	double lam = num_ramp(c / se, 1, 3);
	double left = c > 0 ? (1 - lam) * c : 0;
	*shift = lam * c / std_um;
	*u = sqrt(se * se + left * left) / std_um;
}

/* The covariance over the accepted strokes of rho^a and rho^b, rho each
 * one's speed against the fold's (fit.c speed_sums_add); of the depth x
 * and rho^a (sp_xcov). */
static double sp_cov(const struct measure *m, unsigned a, unsigned b)
{
	double n = m->sp_pw[0];
	return (m->sp_pw[a + b] - m->sp_pw[a] * m->sp_pw[b] / n) / (n - 1);
}

static double sp_xcov(const struct measure *m, unsigned a)
{
	double n = m->sp_pw[0];
	return (m->sp_xpw[a] - m->sp_xpw[0] * m->sp_pw[a] / n) / (n - 1);
}

/* The speed sums hold every accepted stroke, PK_MIN_N of them at least. */
static bool sp_ok(const struct measure *m)
{
	return m->sp_pw[0] >= PK_MIN_N && m->sp_pw[0] == (double)m->strokes;
}

/* The exposure's drop E split into a top's parabola and quartic parts
 * (std_exposure_speed): d2 = A + 13/3 B, A + B = E, B held to 0..E. */
static void exposure_split(double E, double d2, double *A, double *B)
{
	*B = (d2 - E) * 3 / 10;
	*B = *B < 0 ? 0 : *B > E ? E : *B;
	*A = E - *B;
}

/* var(x + g) - var(x), g = A rho^2 + B rho^4 (std_exposure_speed). */
static double exposure_dvar(const struct measure *m, double E, double d2)
{
	double A, B;
	exposure_split(E, d2, &A, &B);
	return 2 * (A * sp_xcov(m, 2) + B * sp_xcov(m, 4)) + A * A * sp_cov(m, 2, 2) +
	       2 * A * B * sp_cov(m, 2, 4) + B * B * sp_cov(m, 4, 4);
}

/* The exposure's drop at each stroke's speed. The shape's correction
 * (exposure_um, E) is the box's drop on the fold, whose box is the
 * exposure over the strokes' mean period; a stroke at another speed
 * sees a box rho times as wide in phase (fit.c speed_sums_add) and
 * a top p - a x^2 - b x^4 drops A rho^2 + B rho^4 under it (A + B = E:
 * shape.c, the drops under k boxes; d2 = A + 13/3 B). Its fit reads the
 * drop it saw and the shape adds E back: a faster stroke reads short,
 * a slower one deep, and the depths spread by what the speed did
 * (blind_hunt.py speed 4000 27425, a step x1.263 under 187 us on an
 * asine: the strokes before it +1.0 um, after it -0.55, the std 0.67 um
 * for a true 0.08, U 0.27, on each of 12 redraws of its noise; without
 * the exposure 0.08). Each stroke's depth plus g = A rho^2 + B rho^4 is
 * its depth under the fold's box; the std is theirs: var(x + g) = var(x)
 * + 2 cov(x, g) + var(g) over the strokes. *dvar: that change of the
 * variance (um^2); *u: the std's standard uncertainty from E's (E +-
 * sqrt(3) ue, B from each), the largest move of the std against std0 (the
 * std with the change, fitvar its fits' part taken off) as a rectangular
 * half-width; *A, *B the split taken. All 0 without a smooth top's
 * correction (a ring's does not scale with the speed: shape.c
 * exposure_speed) or the strokes' speeds (sp_ok). */
static void std_exposure_speed(const struct measure *m, double var, double fitvar, double *dvar,
			       double *u, double *A, double *B)
{
	const struct shape *sh = &m->shape;
	*dvar = *u = *A = *B = 0;
	double E = sh->exposure_um;
	if (!sh->exposure_speed || !(E > 0) || !sp_ok(m))
		return;
	double dv = exposure_dvar(m, E, sh->exposure_d2_um);
	if (!isfinite(dv))
		return;
	*dvar = dv;
	exposure_split(E, sh->exposure_d2_um, A, B);
	double v0 = var + dv - fitvar, s0 = v0 > 0 ? sqrt(v0) : 0, half = 0;
	for (int k = -1; k <= 1; k += 2) {
		double Ek = E + k * sqrt(3.0) * sh->exposure_ue_um;
		Ek = Ek > 0 ? Ek : 0;
		double vk = var + exposure_dvar(m, Ek, sh->exposure_d2_um) - fitvar;
		double sk = vk > 0 ? sqrt(vk) : 0;
		half = num_abs(sk - s0) > half ? num_abs(sk - s0) : half;
	}
	*u = isfinite(half) ? half / sqrt(3.0) : 0;
}

/* The depths following the pen's speed: what the fits may not have seen
 * of it. Under a pad's creep a slower stroke creeps further and reaches
 * less deep, a change that lies at the very top, above the pad's contact,
 * where a stroke sampled at 1 kHz has a sample or so: its fit follows
 * little of it. blind_hunt.py speed 1000 29086 (133 Hz at 1 kHz, 7.5
 * samples a stroke, a start-up from 63 %, a pad of gain 0.49 and 0.32 ms
 * from 0.873 of the travel): the true depths 199.6 um over the first
 * 0.2 s, 206.1 steady; the fits 203.0 and 205.1 (their slope on the true
 * depths 0.28), the std 0 ("not resolved") with U 1.67 against a true
 * 1.91, each of 10 redraws of its noise. The depths' (x + g, the
 * exposure's drop at each speed taken: std_exposure_speed) regression
 * on rho, b with its standard error se, tells the part seen, |b| sd(rho)
 * (29086: 8.6 um a unit of rho, z 6.4, 0.57 um); the fits followed a
 * share F of the truth's, anywhere from F_min to 1, so up to (1 / F_min
 * - 1) of it more is the truth's: a rectangular
 * half-width, taken as z = |b| / se is significant (none to 1, all from
 * 3, num_ramp). F_min is STD_TREND_F at STD_TREND_N samples a stroke
 * and fewer (29086: 7.7), its shortfall 1 - F_min falling as 1 / the
 * samples a stroke beyond (4 kHz, 46 a stroke: F_min 0.88; there the
 * fits follow 0.67-0.86 of a pad's change and std_peak_follow reads the
 * rest). With 0.25 everywhere, speed 4000 draws under a pad and a
 * start-up took U 0.29 -> 1.70, 0.88 -> 4.09 um (block 29000; their
 * std -0.20, -0.47). The standard uncertainty (um) of the std; var the
 * depths' variance (x + g), A and B g's split (0, 0 without). */
#define STD_TREND_F 0.25
#define STD_TREND_N 7.5
static double std_speed_trend(const struct measure *m, double var, double A, double B)
{
	if (!sp_ok(m) || m->sp_pw[0] < 3)
		return 0;
	double vr = sp_cov(m, 1, 1);
	if (!(vr > 0))
		return 0;
	double cy = sp_xcov(m, 1) + A * sp_cov(m, 2, 1) + B * sp_cov(m, 4, 1), b = cy / vr;
	double res = var - b * cy, n = m->sp_pw[0];
	if (!(res > 0) || !isfinite(b))
		return 0;
	double se = sqrt(res / ((n - 2) * vr));
	double lam = num_ramp(num_abs(b) / se, 1, 3);
	/* the share unseen falls as the strokes hold more samples (the
	 * creep's peak is of a time: its share of a stroke's samples), 1 -
	 * STD_TREND_F at STD_TREND_N samples a stroke and fewer */
	double ns = m->shape.fold_p_slots, f = STD_TREND_F;
	if (ns > STD_TREND_N)
		f = 1 - (1 - STD_TREND_F) * STD_TREND_N / ns;
	return lam * num_abs(b) * sqrt(vr) * (1 / f - 1) / sqrt(3.0);
}

/* The noise's kurtosis from the fits' residual sums of squares (rss^2
 * against dof^2 + (kurt - 1) dof, sigma^4 each); with fewer than
 * MINMAX_KURT_DOF degrees of freedom 12, about a Student t with 3. */
#define MINMAX_KURT_DOF 30
static double noise_kurtosis(const struct measure *m, double noise2)
{
	double kurt = 12;
	if (m->noise_dof >= MINMAX_KURT_DOF && noise2 > 0)
		kurt = 1 + (m->rss2_sum / (noise2 * noise2) - m->dof2_sum) / (double)m->noise_dof;
	return kurt;
}

/* The per-stroke extremes' expanded uncertainty (k = 2): of depth_min_um
 * and of depth_max_um, each (docs/measurement.md, "Per-stroke min and
 * max"). The extreme of n fitted peaks is off the extreme of the true
 * ones by no more than the largest of the fits' own errors, whose spread
 * is the fits' noise (fitvar, with STD_FITVAR_U twice over: the fits
 * carried up to 1.8 fitvar), and n of them reach z(0.025 / n) of it
 * with 95 % (Sidak); heavy-tailed noise reaches further: sqrt(kurt / 3)
 * more, kurt the noise's kurtosis from the fits' residual sums of
 * squares (rss^2 against dof^2 + (kurt - 1) dof, sigma^4 each; with
 * fewer than MINMAX_KURT_DOF degrees of freedom 12, about a Student t
 * with 3; with none at all, the noise is the bins' sample spread). Before,
 * min and max had no U: at 1 kHz under t3 noise one stroke's fit from
 * 5-6 top samples put them -12.9 / +15.4 um off the truth
 * (blind_hunt.py --one spikes 1000 2028). Then the mean's terms common to
 * every stroke (u_sys: shape, model, phase, sensor, zero), the fold's
 * error that the extreme stroke's samples share (u_fold, stroke_fold_u:
 * as in each stroke's own U; without it blind_hunt.py spikes 4000 10313
 * read min +0.61, max -0.91 um against U 0.90, its spike-free twin
 * +0.62, -0.94), and the drift, which no single stroke is corrected
 * for: its largest excursion over the record (span_um, a bound: added
 * whole) and that excursion's standard uncertainty u_drift. And the fits'
 * misfit at the strokes' tops (u_top, stroke_top_misfit): each stroke's
 * own, the extremes' too, the largest of n of them as far as the noise's. */
static double minmax_expanded_u(const struct measure *m, double n, double noise2, double fitvar,
				double u_sys, double u_fold, double span_um, double u_drift,
				double u_top)
{
	double kurt = noise_kurtosis(m, noise2);
	double g = kurt > 3 ? sqrt(kurt / 3) : 1;
	if (!m->noise_dof) /* no fit had a residual: the bins' spread */
		fitvar = m->shape.sample_sd_um * m->shape.sample_sd_um * m->fitvar_sum / n;
	double a = num_norm_upper(0.025 / n) *
		   sqrt(g * g * fitvar * (1 + 2 * STD_FITVAR_U) + u_top * u_top);
	return span_um + sqrt(a * a + 4 * (u_sys * u_sys + u_fold * u_fold + u_drift * u_drift));
}

/* --drift correct: the drift's curve c (the model result_drift corrected
 * the mean by), which each stroke is corrected by at its own time
 * (measure_stroke_figures). Its own
 * uncertainty stays in stroke_u_common_um, and the largest excursion,
 * which an uncorrected stroke may carry, leaves the strokes' U: with it,
 * 1 kHz drift records gave their strokes U 16.3 um on average
 * (docs/measurement.md, "One stroke's depth"). The extremes stay as
 * measured, with the excursion in their U. */
static void result_stroke_drift(const struct measure *m, const struct drift_curve *c,
				struct measure_stats *out)
{
	_Static_assert(sizeof out->stroke_drift.p == sizeof c->p,
		       "the public drift curve holds drift.c's terms");
	if (!c->ok)
		return;
	out->stroke_drift = (struct measure_drift_curve){
		.ok = true, .deg = c->deg, .knots = c->knots, .sine = c->sine, .tau_s = c->tau_s,
		.dur_s = c->dur,
		.t0_s = (double)m->first_slot / m->cfg.rate_hz, .shift_um = c->shift_um,
	};
	memcpy(out->stroke_drift.p, c->p, sizeof c->p);
	out->stroke_drift_span_um = 0;
}

/* The error of the shape's top that one stroke's samples share: the
 * top's points' squared standard errors (shape.c top_fold_var) less the
 * sensor noise they hold (noise2 over their counts), which differs from
 * sample to sample and is in the stroke's own fit's term. What is left is
 * the mean scatter of the strokes that fed those points, and a stroke's
 * samples all fall on points the same strokes fed: a misfit not averaged
 * down by its fit (blind_hunt.py spikes 4000 9824: 34 of 132 strokes off
 * their U 0.69 by up to 1.18 um; the error follows the stroke's sampling
 * offset, and is as large spike-free and without noise). A standard
 * uncertainty; 0 where the points hold noise only. */
static double stroke_fold_u(const struct shape *sh, double noise2)
{
	double v = sh->top_pt_var_um2 - noise2 * sh->top_pt_inv_cnt;
	return v > 0 ? sqrt(v) : 0;
}

/* The fits' misfit at the strokes' tops, a standard uncertainty of each
 * stroke's depth (0 where none shows). Each stroke's samples at the very
 * top stand off its fit by e (fit.c top_off), of variance noise2 h
 * (h its factor) where the fit follows the stroke; the excess of the
 * strokes' sum of e^2 over noise2 sum h is a misfit the fit's variance
 * does not count: its flanks pull its peak off the top. A PWM ripple of
 * the motor near twice the stroke rate times each stroke's flanks apart
 * (a speed ripple within the stroke, its phase moving from stroke to
 * stroke; no term of the fit follows it): blind_hunt.py mixed 4000 10223
 * (0.32 % at 159.5 Hz, 73.4 Hz strokes, scatter 0.04 um) read its
 * strokes' depths +-0.33 um rms against a true +-0.04, periodic with the
 * ripple's beat, 103 of 128 within their U 0.45; its very tops stood off
 * their fits 5.3 times as far as the noise gives (0.9..1.2 on draws
 * without the ripple). The rms excess, weighed by its significance z
 * as shape.c's model terms: nothing up to z 1, all of it from 3 on.
 * What the noise gives: noise2 h, and the shape's own noise where the
 * very-top samples read it (the fits take the shape as exact): the top
 * points' noise2 / count (shape.top_pt_inv_cnt) over the np samples each
 * offset is the mean of (toff_inp: sum of 1 / np). The sum's noise:
 * noise2 sqrt(2 sum h^2 + (kurt - 3) sum h^2 / np), kurt the noise's
 * (noise_kurtosis; a mean of np samples keeps 1 / np of the excess
 * kurtosis). Without those two, at 1 kHz (1-2 very-top samples a
 * stroke, 25 samples a top point) noise alone gave 1.12 times noise2 h
 * and z 1.1 on average (gauss), 1.16 and z 1.4 under t5 noise, u_top up
 * to 0.73 um (blind_hunt.py mixed 1000 10301's physics, noise only,
 * 8 draws each); now 1.02 and 1.05 times, z 0.2 and 0.4. At 4 kHz
 * without the ripple 1.08 -> 0.94; 10223 4.1 times, z 25. */
#define TOP_MISFIT_FROM 1.0
#define TOP_MISFIT_FULL 3.0
#define TOP_MISFIT_MIN 8u
static double stroke_top_misfit(const struct measure *m, double noise2)
{
	if (m->toff_n < TOP_MISFIT_MIN || !(noise2 > 0) || !(m->toff_hh > 0))
		return 0;
	double kurt = noise_kurtosis(m, noise2), k4 = kurt > 3 ? kurt - 3 : 0;
	double ex = m->toff_ss - noise2 * (m->toff_h + m->toff_inp * m->shape.top_pt_inv_cnt);
	double z = ex / (noise2 * sqrt(2 * m->toff_hh + k4 * m->toff_hhn));
	double w = num_ramp(z, TOP_MISFIT_FROM, TOP_MISFIT_FULL);
	if (!(w > 0))
		return 0;
	return w * sqrt(ex / (double)m->toff_n);
}

/* The fits' misfit at the very top sample by sample, a standard
 * uncertainty of each stroke's depth (0 where none shows). A ring near
 * half the sample rate is sampled about twice a ring period: a stroke's
 * samples at its top alternate between the ring's crests and troughs, at
 * a phase of the sample grid that moves from stroke to stroke, and the
 * ring's amplitude changes from stroke to stroke. The fit (offset,
 * stretch, timing) follows little of that change and none of the crest
 * it does not sample: blind_hunt.py ringing 4000 15402 (13.1 um at 2011
 * Hz, +-15 % a stroke, on 243 Hz strokes; no ripple on the fold's top,
 * so no ring seen) read its strokes' depths -0.26 +- 1.41 um from their
 * truth, correlated -0.89 with the ring's part of the crest, 386 of 455
 * within their U 2.1. The very top's mean residual (stroke_top_misfit)
 * averages the alternation away; each sample's squared residual does
 * not (fit.c top_peak_resid). Against what the noise gives them: the
 * fold's noise at the top nv (shape.noise_var, from the samples' spread
 * in the bins; at most noise2), not the fits' pooled residual variance
 * noise2, which holds the misfit itself (15402: 1.55 um^2 against the fold's 0.83), and the
 * shape's own point noise (top_pt_inv_cnt). The excess a degree of
 * freedom is the misfit's mean square over the phases the samples fell
 * at; a ring's crest stands sqrt(2) times its rms over those phases (a
 * sine's), and the crest is the depth: 2 ex / dof, weighed by its
 * significance z against the sum's noise (its nv sqrt((kurt - 1) dof)):
 * nothing up to z PEAK_MISFIT_FROM, all from PEAK_MISFIT_FULL on, and
 * none over fewer than PEAK_MISFIT_MIN_DOF degrees of freedom. Higher
 * than the tops' misfit's 1 and 3: under heavy-tailed noise (t3, t5,
 * Laplace) and no ring, z reached 1.15-1.97 on 1 kHz records
 * (blind_hunt.py mixed 1000 15723, t3 noise over 26 degrees of freedom:
 * z 1.97, the std's U 0.65 -> 3.35 um for an error of -0.02), where the
 * rings that moved strokes off their U stood at z 15 and more. 15402:
 * 1.59 um^2 a degree of freedom against 0.86, z 15, the term 1.21 um. */
#define PEAK_MISFIT_FROM 2.0
#define PEAK_MISFIT_FULL 4.0
#define PEAK_MISFIT_MIN_DOF 50.0
static double stroke_peak_misfit(const struct measure *m, double noise2)
{
	const struct shape *sh = &m->shape;
	if (!(m->tpk_dof >= PEAK_MISFIT_MIN_DOF) || !(noise2 > 0) || sh->nbins == 0)
		return 0;
	unsigned j = (unsigned)(sh->peak_phase * sh->nbins) % sh->nbins;
	double nv = sh->noise_var[j] < noise2 ? sh->noise_var[j] : noise2;
	if (!(nv > 0))
		return 0;
	double kurt = noise_kurtosis(m, noise2);
	double ex = m->tpk_ss - nv * (1 + sh->top_pt_inv_cnt) * m->tpk_dof;
	double z = ex / (nv * sqrt((kurt > 3 ? kurt - 1 : 2) * m->tpk_dof));
	double w = num_ramp(z, PEAK_MISFIT_FROM, PEAK_MISFIT_FULL);
	if (!(w > 0))
		return 0;
	return sqrt(w * 2 * ex / m->tpk_dof);
}

/* A ring's misfit to each stroke's fit, a standard uncertainty of its
 * depth (result_depth takes it where a ring was seen, at least the
 * noise's sd). The ring's amplitude changes from stroke to stroke, and
 * each stroke samples it at its own phase (one sample or two a ring
 * period at 4 kHz): its fit (offset, stretch, timing of the learned
 * shape) follows what its samples show of the ring, not its crest, and
 * the crest is its depth. blind_hunt.py ringing 4000 10524 (17.8 um at
 * 4071 Hz, the crest 8.1 um over the ringless top, +-1.26 um stroke to
 * stroke): the strokes' depths followed none of the crest's change
 * (correlation -0.15), 371 of 437 within their U 2.15 (worst +7.28 um)
 * with the noise's sd (0.85) as the ring's term. The fold sees that
 * change: the samples' spread in the top's bins
 * (shape.top_pt_spread2_um2) beyond the noise is the strokes' own
 * spread at those phases, the ring's with the scatter of their travel
 * (which the fits follow; counted all the same: a bound): over the top's
 * bins, or the three at the crest where the ring's change is largest,
 * less the noise (noise2 holds some of the ring's misfit; the shape's
 * noise at the top may hold less), weighed by its significance against
 * the spread's own noise (n2 sqrt(2 / dof)) as the tops' misfit (under
 * noise of 5-15 % of the travel the excess is mostly that noise). 10524:
 * 404 of 437 within U 3.47; 10500 (a pad, 3.7 kHz): 378 -> 437 of 472. */
static double stroke_ring_u(const struct shape *sh, double noise2)
{
	double n2 = noise2;
	if (sh->nbins > 0) {
		unsigned j = (unsigned)(sh->peak_phase * sh->nbins) % sh->nbins;
		if (sh->noise_var[j] < n2)
			n2 = sh->noise_var[j];
	}
	double ex = sh->top_pt_spread2_um2 - n2;
	double sd = sh->top_pt_spread_dof > 0 ? n2 * sqrt(2 / sh->top_pt_spread_dof) : INFINITY;
	double w = num_ramp(ex / sd, TOP_MISFIT_FROM, TOP_MISFIT_FULL);
	return w > 0 ? sqrt(w * ex) : 0;
}

/* A ring aliased on the sampling grid (ring.c ring_alias_k: its
 * frequency within RING_ALIAS_STEP of k times the sampling rate): its
 * phase moves by less than that from one sample to the next, so a
 * stroke's samples at its top all see the ring at about one phase, k
 * times their offset from its crest (psi). The fit (offset, stretch,
 * timing) cannot tell a ring seen at one phase from an offset: where
 * it reads the ring's change from stroke to stroke at that phase, A cos
 * (2 pi psi), the crest's change C it does not see: the stroke is off
 * by about A cos(2 pi psi) - C (the ring's amplitude a stroke over its
 * mean), nothing at psi 0 (a sample on the crest), A + C at psi 1/2.
 * blind_hunt.py ringing 4000 16618 (19.1 um at 4130 Hz, +-15 % a
 * stroke, tau 0.68 ms, on 252 Hz poly345 strokes, t5 noise 0.51 um):
 * the strokes' errors' sd 0.58, 1.10, 2.04, 3.07, 3.02, 2.00, 1.29,
 * 0.67 um over eighths of their offset from the sample grid, the
 * measured depths' 1.03, 0.67, 0.62, 1.44, 1.43, 0.54, 0.60, 1.11 um
 * (at psi 0 and 1/2 the most: A cos); 440 of 492 within U 3.02. The
 * fold shows C (stroke_ring_u); A shows in the depths' variance against
 * psi: E[(x - mean)^2] = v + A^2 / 2 cos(4 pi psi), the slope b on
 * c = cos(4 pi psi) over the strokes, A^2 = 2 b, weighed by its
 * significance z (the slope's standard error from the squares' own
 * spread, (x - mean)^4) as the sample-by-sample misfit's (nothing up to
 * z 2, all from 4 on), none under ALIAS_MIN_STROKES strokes. Where the
 * fits follow the ring's change (A cos would read C: the depths' spread
 * the same at every psi) it is 0. Returns A. */
#define ALIAS_MIN_STROKES 50.0
static double stroke_alias_u(const struct measure *m)
{
	double n = m->al_n;
	if (!m->al_k || !(n >= ALIAS_MIN_STROKES))
		return 0;
	double mx = m->al_x / n, mc = m->al_c / n, vc = m->al_cc / n - mc * mc;
	/* y = (x - mx)^2: its mean, its mean with c, its second moment */
	double my = m->al_xx / n - mx * mx;
	double myc = (m->al_xxc - 2 * mx * m->al_xc + mx * mx * m->al_c) / n;
	double my2 = (m->al_x4 - 4 * mx * m->al_x3 + 6 * mx * mx * m->al_xx) / n -
		     3 * mx * mx * mx * mx;
	double vy = my2 - my * my;
	if (!(vc > 0) || !(vy > 0))
		return 0;
	double b = (myc - my * mc) / vc, z = b / sqrt(vy / (n * vc));
	double w = num_ramp(z, PEAK_MISFIT_FROM, PEAK_MISFIT_FULL);
	if (!(w > 0))
		return 0;
	return sqrt(w * 2 * b);
}

/* The per-stroke std's ring term, a standard uncertainty (result_depth:
 * 2 of it in quadrature). A ring seen (ring): its crest moves with each
 * stroke's impact, the fits follow little of it, and the noise's sd
 * (u_noise) stands for that misfit (below). Through the exposure's box
 * (shape.ring_box, ring.c ring_model_peak):
 * - a ring taken that a smooth top of as many terms explains as well
 *   (smooth): a ring's crest moves by no more than the ring's own part of
 *   the top, so the term is held to that part. blind_hunt.py speed 4000
 *   2027 (a chirp under 135 us, no ring): a "ring" at 2.3 kHz, its part
 *   -0.46 um, the std's U 0.65 -> 4.16 um with u_noise (2.05) for a std
 *   0.07 um off; now 1.13. Not dropped: ringing 4000 10119 (2165 Hz under
 *   106 us, a real ring the smooth top explains as well, its part 3.14)
 *   reads the std 0.42 um low; with no term its U was 0.23.
 * - none taken, but the ring that fits best stands out of the fit and the
 *   box passes less than RM_BOX_GAIN of it (hidden): the strokes' change
 *   of that ring reaches the samples g (the box's gain on it) times as
 *   large, so the strokes' own spread at the top (stroke_ring_u, at least
 *   u_noise) over g, held to the ring the exposure may hide
 *   (shape.ring_hidden_um). ringing 4000 10914 (4289 Hz under 246 us, g
 *   0.13 for the 4575 Hz fitted) read the std 0.62 um low against U 0.21,
 *   10002 0.90 against 0.40, 10003 1.64 against 1.09: the box left
 *   nothing to tell the ring's change by, and U now says so (33.6, 15.4,
 *   32.2 um: "not resolved"). */
static double std_ring_u(const struct shape *sh, bool ring, double u_noise, double noise2)
{
	const struct ring_box *rb = &sh->ring_box;
	double u = ring ? u_noise : 0;
	if (ring && rb->smooth && num_abs(rb->part_um) < u)
		u = num_abs(rb->part_um);
	if (rb->hidden && rb->gain > 0) {
		double us = stroke_ring_u(sh, noise2);
		double h = (us > u_noise ? us : u_noise) / rb->gain;
		h = h < sh->ring_hidden_um ? h : sh->ring_hidden_um;
		u = h > u ? h : u;
	}
	return u;
}

/* Depth: mean, scatter, and its budget (>= 2 accepted strokes). */
static void result_depth(const struct measure *m, struct measure_stats *out)
{
	double n = (double)m->strokes;
	double var = m->d_m2 / (n - 1);
	double noise2 = m->noise_dof ? m->noise_ss / (double)m->noise_dof : 0;
	double fitvar = noise2 * m->fitvar_sum / n;
	out->has_depth = true;
	out->depth_mean_um = m->d_ref + m->d_mean;
	out->depth_std_raw_um = sqrt(var);
	out->depth_min_um = m->d_min_stroke.peak_um;
	out->depth_max_um = m->d_max_stroke.peak_um;
	/* an extreme whose fit had no dof: nothing in it could show a
	 * spike or a timing error on a flank */
	out->has_depth_min = m->d_min_stroke.fit_dof != 0;
	out->has_depth_max = m->d_max_stroke.fit_dof != 0;
	out->trough_mean_um = m->d_ref + m->trough_sum / n;
	out->noise_um = sqrt(noise2);
	out->travel_um = m->shape.peak_um - m->shape.min_um;
	out->noise_pct = out->travel_um > 0 ? out->noise_um / out->travel_um * 100 : 0;
	/* Lag-1 autocorrelation of the depths: correlated strokes carry
	 * less information (AR(1) effective count). */
	double neff = n, r1 = 0, cov = 0;
	if (m->lag_n >= 3 && var > 0) {
		double ln = (double)m->lag_n;
		cov = (m->lag_sxy - m->lag_sx * m->lag_sy / ln) / ln;
		r1 = cov / var;
		if (r1 > 0.95)
			r1 = 0.95;
		if (r1 > 0)
			neff = n * (1 - r1) / (1 + r1);
		else
			r1 = 0;
	}
	double u_stat = sqrt(var / neff);
	double u_shape = m->shape.peak_u_um;
	double u_model = m->shape.peak_u_model_um;
	double u_phase = m->shape.peak_u_phase_um;
	double u_lin = m->cfg.linearity_um / sqrt(3.0);
	double u_res = m->cfg.resolution_um / sqrt(12.0);
	double u_zero = m->cfg.zero_u_um;
	double span_stroke, u_drift_stroke;
	struct drift_curve drift_curve;
	double u_drift = result_drift(m, out, &span_stroke, &u_drift_stroke, &drift_curve);
	out->depth_u_drift_um = u_drift;
	/* The std under a drift. Flagged, the strokes carry it: its share
	 * of their variance, D^2 / 12 for a line D over the record (or the
	 * fitted curve's variance where larger), counts as a standard
	 * uncertainty of the variance. Corrected, the curve's
	 * corrected by it (measure_stroke_figures), and the std is theirs:
	 * var(x - c) = var(x) - 2 cov(x, c) + var(c) over the strokes' times
	 * (drift_curve_var; var(x) - var(c) alone kept the pen's own wander's
	 * chance correlation with the curve: linear drifts' std -0.3..-0.5 um
	 * off against U 0.2-0.3). Before, the curve's variance stayed in:
	 * blind_hunt.py drift 4000 10707, a logistic (its variance 0.14 D^2),
	 * read the std +1.55 um off against U 1.32, every drift record's std
	 * high by 0.9-2.4 um. The curve's error e
	 * moves that variance by 2 cov(c, e) + var(e), at most 2 sd(c)
	 * sd(e) + var(e); e taken as a line over the record whose change
	 * is the drift's own standard uncertainty u over the record:
	 * sd(e) = u / sqrt(12). The lag-1 correlation the drift gave the
	 * depths (a smooth curve: its lag-1 covariances taken as its
	 * lag-0 ones) leaves with it. */
	double var_std = var, ud = 0, r1_std = r1;
	if (out->has_drift && out->drift_corrected && drift_curve.ok) {
		double cdc, vc = drift_curve_var(&m->dr, &drift_curve, &cdc);
		double uc = out->drift_u_um, se = uc / sqrt(12.0), vx = var - 2 * cdc + vc;
		var_std = vx > 0 ? vx : 0;
		ud = 2 * sqrt(vc) * se + se * se;
		r1_std = var_std > 0 ? (cov - 2 * cdc + vc) / var_std : 0;
		r1_std = r1_std > 0.95 ? 0.95 : r1_std > 0 ? r1_std : 0;
	} else if (out->has_drift) {
		/* flagged: a line's share, or the fitted curve's variance over
		 * the strokes' times where larger (a logistic's reaches D^2 / 4):
		 * blind_hunt.py mixed 1000 20235, a logistic of 2.87 um, read
		 * the std +0.516 um against U 0.482 with D^2 / 12 (0.50 um^2;
		 * the curve's 1.10); now U 0.970 */
		double cdc, vc = drift_curve_var(&m->dr, &drift_curve, &cdc);
		ud = out->drift_um * out->drift_um / 12.0;
		ud = vc > ud ? vc : ud;
	}
	/* the exposure's drop at each stroke's speed (std_exposure_speed) */
	double dv_ex, u_ex, ex_a, ex_b;
	std_exposure_speed(m, var_std, fitvar, &dv_ex, &u_ex, &ex_a, &ex_b);
	var_std = var_std + dv_ex > 0 ? var_std + dv_ex : 0;
	double tv = var_std - fitvar;
	out->depth_std_um = tv > 0 ? sqrt(tv) : 0;
	out->depth_std_U_um = std_expanded_u(var_std, fitvar, ud,
					     n * (1 - r1_std * r1_std) / (1 + r1_std * r1_std),
					     out->depth_std_um, std_follow(m, n));
	out->depth_std_U_um = hypot(out->depth_std_U_um, 2 * u_ex);
	{
		/* what the fits do not follow of each stroke's depth change at
		 * its peak (std_peak_follow): taken off the std's shortfall,
		 * its uncertainty into U, at most the std itself (a fit
		 * following half of it) */
		double shift, u_pk;
		std_peak_follow(m, out->depth_std_um, &shift, &u_pk);
		out->depth_std_um += shift;
		out->depth_std_U_um = hypot(out->depth_std_U_um,
					    2 * (u_pk < out->depth_std_um ? u_pk : out->depth_std_um));
	}
	out->depth_std_U_um = hypot(out->depth_std_U_um, 2 * STD_FOLLOW_U * out->depth_std_um);
	/* the depths following the speed, what the fits may not have seen */
	out->depth_std_U_um =
		hypot(out->depth_std_U_um, 2 * std_speed_trend(m, var_std, ex_a, ex_b));
	out->depth_u_stat_um = u_stat;
	out->depth_u_peak_um = u_shape;
	out->depth_u_model_um = u_model;
	out->depth_exposure_um = m->shape.exposure_um;
	out->depth_u_phase_um = u_phase;
	out->phase_gap = m->shape.phase_gap;
	out->ring = m->shape.ring;
	out->ring_rise_um = m->shape.ring_rise_um;
	out->ring_hidden_um = m->shape.ring_hidden_um;
	out->ring_seen_um = m->shape.ring_seen_um;
	out->ring_over_bound = m->shape.ring_over_bound;
	out->ring_bound_um = m->shape.ring_bound_um;
	out->ring_bound_unused = m->shape.ring_bound_unused;
	out->ring_smooth = m->shape.ring == MEASURE_RING_TAKEN && m->shape.ring_box.smooth;
	out->depth_U_um = 2.0 * sqrt(u_stat * u_stat + u_shape * u_shape + u_model * u_model +
				     u_phase * u_phase +
				     u_drift * u_drift + u_lin * u_lin + u_res * u_res +
				     u_zero * u_zero);
	double u_sys = sqrt(u_shape * u_shape + u_model * u_model + u_phase * u_phase +
			    u_lin * u_lin + u_res * u_res + u_zero * u_zero);
	out->stroke_u_top_um = stroke_top_misfit(m, noise2);
	out->stroke_u_peak_um = stroke_peak_misfit(m, noise2);
	out->stroke_noise2_um2 = m->noise_dof ? noise2
					      : m->shape.sample_sd_um * m->shape.sample_sd_um;
	out->stroke_u_fold_um = stroke_fold_u(&m->shape, out->stroke_noise2_um2);
	out->stroke_kurt = noise_kurtosis(m, noise2);
	out->stroke_u_common_um = sqrt(u_sys * u_sys + u_drift_stroke * u_drift_stroke);
	out->stroke_drift_span_um = span_stroke;
	/* a ring seen (any status), or its ripple with the crest on the
	 * smooth top (shape.ring_crest_top: no status, nothing taken, but
	 * the crest moves with each stroke's ring all the same:
	 * blind_hunt.py ringing 4000 10018, a 13.4 um ring at 2763 Hz, 244
	 * of 335 strokes within U 1.38 without a term, worst -3.95 um): the
	 * ring's misfit, at least the noise's sd (the term before
	 * stroke_ring_u: blind_capture.py `ringing 4000 2027` up to -1.94 um
	 * against U 0.69, 110 of 166 strokes within U; then 161) */
	bool ring = m->shape.ring != MEASURE_RING_NONE || m->shape.ring_crest_top;
	double u_ring = ring ? stroke_ring_u(&m->shape, out->stroke_noise2_um2) : 0;
	double u_noise = sqrt(out->stroke_noise2_um2);
	out->stroke_u_ring_um = !ring ? 0 : u_ring > u_noise ? u_ring : u_noise;
	out->stroke_u_alias_um = stroke_alias_u(m);
	out->stroke_alias_k = out->stroke_u_alias_um > 0 ? m->al_k : 0;
	out->stroke_alias_rate_hz = m->cfg.rate_hz;
	out->stroke_u_crest_um = u_ring;
	/* the extremes are strokes: the ring's misfit in place of the
	 * fold's where larger, as in each stroke's U (blind_hunt.py ringing
	 * 4000 10500 read min +2.53, max -4.57 um against U 4.03); its
	 * spread only, not the noise's sd, which their fits' term holds
	 * (with it, blind_hunt.py noisy 4000 2029's U 21.5 -> 35.6 um) */
	double u_shared = u_ring > out->stroke_u_fold_um ? u_ring : out->stroke_u_fold_um;
	out->depth_minmax_U_um = minmax_expanded_u(m, n, noise2, fitvar, u_sys, u_shared,
						   span_stroke, u_drift_stroke,
						   out->stroke_u_top_um);
	/* An extreme is one stroke's depth: its U is at least that stroke's
	 * own (measure_stroke_U_um, the drift's excursion in it as the
	 * extremes keep it). A stroke whose fit is in doubt (a misfit, a
	 * speed change within it) reads further off than the fits' noise
	 * lets the largest of n reach, and is then likely the extreme:
	 * blind_hunt.py speed 1000 21396's min, a stroke of U 38.46 um, read
	 * -16.87 um against U 16.80; mixed 1000 21453's, of U 10.68, -9.28
	 * against U 8.96. */
	for (int k = 0; k < 2; k++) {
		double us = measure_stroke_U_um(out, k ? &m->d_max_stroke : &m->d_min_stroke);
		if (us > out->depth_minmax_U_um)
			out->depth_minmax_U_um = us;
	}
	/* A ring seen: each stroke's depth carries its ring's misfit
	 * (here the fits' residual sd, the ring's term in measure_stroke_U_um
	 * before stroke_ring_u: the std's U covered), and the true
	 * depths' spread lies within the misfits' rms of the fitted depths'
	 * (the triangle inequality): 2 u_ring more, in quadrature. A ring's
	 * crest moves with each stroke's impact; the fits follow little of
	 * it (a noise-free 14 um ring at 1 kHz: std 0.24 +- 0.24 for a true
	 * 1.50, red_capture.py's ring +-30 % a stroke; docs/measurement.md,
	 * "Per-stroke std"). The same where the ring's ripple is seen but
	 * its crest is the smooth top itself (shape.ring_crest_top: no
	 * ringing status, nothing taken): the std read -0.73 um against U
	 * 0.36 and -1.01 against U 0.84 (red_hunt.py 20 2026, 4 kHz
	 * spikes+ringing 835826010, 180833829; now U 4.30, 5.73). Through
	 * the exposure's box: std_ring_u. Or the fits' misfit sample by
	 * sample at the very top where larger (stroke_peak_misfit: another
	 * reading of a ring's misfit, as in each stroke's U; added to the
	 * ring's term in quadrature it widened the std's U on 14 of 50
	 * ringing records at 1 kHz, 5.06 -> 7.04 um, most of them with a
	 * ring seen and their strokes' U unmoved): blind_hunt.py ringing 4000
	 * 15402 (no ring seen) read the std -0.32 um against U 0.23, 0 of 12
	 * redraws within U. */
	double u_std_ring = std_ring_u(&m->shape, ring, u_noise, out->stroke_noise2_um2);
	if (out->stroke_u_peak_um > u_std_ring)
		u_std_ring = out->stroke_u_peak_um;
	out->depth_std_U_um = hypot(out->depth_std_U_um, 2.0 * u_std_ring);
	/* The fits' misfit at the tops (stroke_top_misfit) likewise: 10223's
	 * std read 0.29 um against a true 0.04, U 0.075 */
	out->depth_std_U_um = hypot(out->depth_std_U_um, 2.0 * out->stroke_u_top_um);
	if (out->drift_corrected)
		result_stroke_drift(m, &drift_curve, out);
}

/* A stroke's own misfit: the variance beyond the noise's that its top's
 * residuals show (noise2 a sample), which its fit's variance factor
 * carries into its depth as the noise's does. Where outliers the gates
 * and the one-out and pair tests do not take are left in its top, the
 * fit follows them and its residuals show it: blind_hunt.py spikes 4000
 * 12405 at 1.483 s, t3 noise, three of nine top samples 8-11 um low with
 * two good samples between them (no adjacent pair for top_two_out): rss
 * 228.5 um^2 over 6 degrees of freedom, noise2 6.8, the stroke -7.5 um
 * against U 3.8. That top cannot be read: leaving out any three, the two
 * best fits read +1.2 and -12.4 um (rss 15.1 and 16.7 um^2), so no
 * trimmed fit picks its outliers honestly. The excess ex = rss - noise2
 * dof over its noise, noise2 sqrt((kurt - 1) dof) (kurt the noise's
 * kurtosis, noise_kurtosis's model of rss^2; 3 at least), weighed by
 * that significance z as the tops' misfit (stroke_top_misfit: nothing up
 * to z 1, all of it from 3 on); ex / dof a sample, a variance added to
 * noise2 (12405's stroke: U 3.80 -> 8.24 um). 0 without a residual. */
static double stroke_misfit_var(double noise2, double kurt, double rss, unsigned dof)
{
	if (dof == 0 || !(noise2 > 0) || !(rss > 0))
		return 0;
	double ex = rss - noise2 * dof;
	double z = ex / (noise2 * sqrt((kurt > 3 ? kurt - 1 : 2) * dof));
	double w = num_ramp(z, TOP_MISFIT_FROM, TOP_MISFIT_FULL);
	if (!(w > 0))
		return 0;
	return w * ex / dof;
}

/* One stroke's depth: the extremes' U (minmax_expanded_u) for a single
 * stroke, without the largest-of-n factor: its own fit's error, 2 sqrt(1.8
 * (noise^2 + its own misfit, stroke_misfit_var) x its variance factor)
 * (1.8: the most the fits carried, as for the extremes), the terms common to every stroke, and the drift's
 * excursion whole when the strokes are not corrected for it (0 with
 * --drift correct: result_stroke_drift). A fit with no residual (one sample on its top) gets
 * the same: no selection picks it out as the extremes do, and its
 * sample's own noise is in noise^2. With a ring seen, its misfit
 * (stroke_ring_u, not averaged down by the fit): a ring sampled at other
 * phases from stroke to stroke leaves each top off the learned shape by
 * a misfit no white noise makes (blind_capture.py `ringing 4000 2027`:
 * up to -1.94 um against U 0.69, 110 of 166 strokes within U; now 161).
 * Measured on blind_capture.py's strokes against their truth
 * (docs/measurement.md, "One stroke's depth"). */
double measure_stroke_U_um(const struct measure_stats *st, const struct measure_stroke *s)
{
	if (!st->has_depth || s->reject != MEASURE_STROKE_OK)
		return NAN;
	double n2 = st->stroke_noise2_um2 +
		    stroke_misfit_var(st->stroke_noise2_um2, st->stroke_kurt, s->fit_rss_um2,
				      s->fit_dof);
	double uf2 = n2 * s->fit_var_factor * (1 + 2 * STD_FITVAR_U);
	/* a ring's misfit or the fold's, the larger: both are a misfit to
	 * the shape that the fit does not average down */
	double um = st->stroke_u_ring_um > st->stroke_u_fold_um ? st->stroke_u_ring_um
								 : st->stroke_u_fold_um;
	/* or the fits' misfit at the tops (stroke_top_misfit), or sample
	 * by sample (stroke_peak_misfit), the largest */
	if (st->stroke_u_top_um > um)
		um = st->stroke_u_top_um;
	if (st->stroke_u_peak_um > um)
		um = st->stroke_u_peak_um;
	/* or, a ring aliased on the sampling grid, the part of the crest
	 * the stroke's samples did not see (stroke_alias_u) */
	if (st->stroke_alias_k) {
		double psi = st->stroke_alias_k * s->peak_time_s * st->stroke_alias_rate_hz;
		double ua = num_abs(st->stroke_u_alias_um * cos(2 * M_PI * psi) -
				    st->stroke_u_crest_um);
		if (ua > um)
			um = ua;
	}
	/* or, a stroke whose speed changes within it, how far its level
	 * stands off the others' by that change, a standard uncertainty:
	 * it is not the learned shape, and its top may be as far off and
	 * further (speed 4000 2063's first stroke, from 47 % onto a pad:
	 * +15.07 um for 10.4; as a rectangle's half-width, U 12.56) */
	double z = st->stroke_level_first && s->index == st->stroke_level_first_index
			   ? st->stroke_level_first_z
			   : s->speed_change;
	double us = num_abs(st->stroke_level_speed_um * (z - st->stroke_level_speed_z0));
	if (us > um)
		um = us;
	return st->stroke_drift_span_um + s->top_excess_um +
	       2.0 * sqrt(uf2 + st->stroke_u_common_um * st->stroke_u_common_um + um * um);
}

/* One stroke's figures: corrected for the drift at its time when the
 * mean was (stroke_drift), so that their mean is the mean depth. */
bool measure_stroke_figures(const struct measure_stats *st, const struct measure_stroke *s,
			    struct measure_stroke_figures *out)
{
	*out = (struct measure_stroke_figures){ NAN, NAN, NAN, NAN };
	if (!st->has_depth || s->reject != MEASURE_STROKE_OK)
		return false;
	double c = 0;
	const struct measure_drift_curve *dc = &st->stroke_drift;
	if (dc->ok) {
		struct drift_curve q = { .ok = true, .deg = dc->deg, .knots = dc->knots,
					 .sine = dc->sine, .tau_s = dc->tau_s, .dur = dc->dur_s };
		memcpy(q.p, dc->p, sizeof q.p);
		c = drift_at(&q, s->peak_time_s - dc->t0_s) - drift_at(&q, 0) + dc->shift_um;
	}
	out->drift_um = c;
	out->depth_um = s->peak_um - c;
	out->depth_U_um = measure_stroke_U_um(st, s);
	out->trough_um = s->trough_um - c;
	return true;
}

/* The partial stroke of h slots next to the whole periods P[0] (adjacent),
 * P[1], P[2] (further in), n of them, as strokes: the constant rate of
 * P[0] (curved false), or the rate 1/P[i] taken at each period's middle
 * and extrapolated through all three by a quadratic, integrated over the
 * partial stroke by Simpson's rule (curved: a pen changing speed there).
 * Returns a negative number when that does not give 0..1.6 strokes. */
static double edge_estimate(double h, const double *P, unsigned n, bool curved)
{
	if (!curved || n < 3)
		return h / P[0];
	double x[3], y[3], acc = 0, r[3], t[3] = { -h, -h / 2, 0 };
	for (unsigned i = 0; i < 3; i++) {
		x[i] = acc + P[i] / 2;
		acc += P[i];
		y[i] = 1 / P[i];
	}
	for (int k = 0; k < 3; k++) {
		r[k] = 0;
		for (int i = 0; i < 3; i++) {
			double l = y[i];
			for (int j = 0; j < 3; j++)
				if (j != i)
					l *= (t[k] - x[j]) / (x[i] - x[j]);
			r[k] += l;
		}
	}
	double q = h / 6 * (r[0] + 4 * r[1] + r[2]);
	return q >= 0 && q <= 1.6 ? q : -1;
}

/* The strokes in a partial stroke at an end of the record (edge_estimate),
 * and *u its standard uncertainty: the model's (a curved estimate against
 * the constant rate, or the other way round, as the half-width of a
 * rectangular distribution) and the noise of the periods it rests on
 * (each with sqrt(2) x tc, the timing noise of one crossing, slots),
 * propagated by numeric derivatives. */
static double edge_strokes(double h, const double *P, unsigned n, bool curved, double tc,
			   double *u)
{
	*u = 0;
	double c = edge_estimate(h, P, n, false);
	double e = edge_estimate(h, P, n, curved);
	if (e < 0)
		e = c;
	double other = edge_estimate(h, P, n, !curved);
	double um = other >= 0 ? num_abs(other - e) / sqrt(3.0) : 0;
	double un2 = 0, Pp[3];
	unsigned nn = curved && n >= 3 ? 3 : 1;
	for (unsigned i = 0; i < nn && tc > 0; i++) {
		for (unsigned j = 0; j < n; j++)
			Pp[j] = P[j];
		Pp[i] += tc;
		double ep = edge_estimate(h, Pp, n, curved);
		if (ep >= 0)
			un2 += 2 * (ep - e) / tc * (ep - e) / tc * tc * tc;
	}
	*u = sqrt(um * um + un2);
	return e;
}

/* The shape about the crossing of mid_um as a cubic in the phase from it
 * (slope, second and third derivative, um per cycle^k), for samples h
 * cycles apart; false: no shape to say. */
static bool interp_cubic(const struct shape *sh, double mid_um, double h, double s[3])
{
	double dT, w, pc;
	if (!sh->nbins || !(h > 0) || h > 0.5)
		return false;
	if (!shape_mid_phase(sh, mid_um, &pc))
		return false;
	/* Around it the shape as a cubic from central differences over h / 2
	 * (the bins' own quadratics smooth the third derivative away: a
	 * cycloid's 0.002 cycles read 0.0005 from them). */
	double d = h / 2, f[5];
	for (int k = 0; k < 5; k++)
		shape_at(sh, pc + (k - 2) * d, &f[k], &dT, &w);
	s[0] = (f[3] - f[1]) / (2 * d);
	s[1] = (f[3] - 2 * f[2] + f[1]) / (d * d);
	s[2] = (f[4] - 2 * f[3] + 2 * f[1] - f[0]) / (2 * d * d * d);
	return true;
}

/* The error (cycles) of a crossing a cycles after the sample before it,
 * the next h later, on the cubic s (interp_cubic); false where the cubic
 * does not rise between them. */
static bool interp_error_at(const double s[3], double h, double a, double *c)
{
	double x0 = -a, x1 = h - a;
	double T0 = s[0] * x0 + s[1] * x0 * x0 / 2 + s[2] * x0 * x0 * x0 / 6;
	double T1 = s[0] * x1 + s[1] * x1 * x1 / 2 + s[2] * x1 * x1 * x1 / 6;
	if (!(T1 > T0))
		return false;
	*c = x0 - h * T0 / (T1 - T0);
	return true;
}

/* The error of a stroke end timed by linear interpolation between two
 * samples h cycles apart, against the shape: its least *lo and largest
 * *hi over where the samples fall, cycles (false: no shape to say). Its
 * errors repeat with the sample pattern, which drifts slowly, so second
 * differences of the crossing times do not see them (1 kHz, 10 samples
 * per stroke, cycloidal cam: 0.002 cycles, 9 ppm over 2 s, against a
 * timing noise of 0.0003). */
static bool interp_errors(const struct shape *sh, double mid_um, double h, double *lo, double *hi)
{
	double s[3], c;
	*lo = *hi = 0;
	if (!interp_cubic(sh, mid_um, h, s))
		return false;
	for (int k = 1; k < 16; k++) {
		if (!interp_error_at(s, h, h * k / 16, &c))
			continue;
		*lo = fmin(*lo, c);
		*hi = fmax(*hi, c);
	}
	return true;
}

/* The largest of interp_errors' (cycles; 0: none known). */
static double interp_error_cycles(const struct shape *sh, double mid_um, double h)
{
	double lo, hi;
	interp_errors(sh, mid_um, h, &lo, &hi);
	return fmax(-lo, hi);
}

/* The rate of the last nl (1..3, at most npl) clean periods (Hz). */
static double last_periods_hz(const struct measure *m, unsigned nl)
{
	return m->cfg.rate_hz * nl / last_periods_sum(m, nl);
}

/* The rate of the first npf (1..3) clean periods from the first counted
 * crossing (Hz; 0: none): the speed next to the head (unseen_ends). */
static double first_periods_hz(const struct measure *m)
{
	double s = 0;
	for (unsigned i = 0; i < m->npf; i++)
		s += m->pf[i];
	return m->npf ? m->cfg.rate_hz * m->npf / s : 0;
}

/* A line through the points i of (t, p) with use[i], but skip (none:
 * n): its mean time *tm, mean *pm, slope *b and sum of squared times from
 * *tm, *stt; false for fewer than two points. */
static bool end_line(const double *t, const double *p, const bool *use, unsigned n,
		     unsigned skip, double *tm, double *pm, double *b, double *stt)
{
	double sn = 0, st = 0, sp = 0, stp = 0;
	for (unsigned i = 0; i < n; i++)
		if (use[i] && i != skip) {
			sn += 1;
			st += t[i];
			sp += p[i];
		}
	if (sn < 2)
		return false;
	*tm = st / sn;
	*pm = sp / sn;
	*stt = 0;
	for (unsigned i = 0; i < n; i++)
		if (use[i] && i != skip) {
			*stt += (t[i] - *tm) * (t[i] - *tm);
			stp += (t[i] - *tm) * (p[i] - *pm);
		}
	*b = *stt > 0 ? stp / *stt : 0;
	return true;
}

/* The least-squares quadratic in (t - x0) through at most `most` kept
 * periods (t, p, use as end_rate), taken from the first on (from the last
 * with tail): its coefficients c and their inverse normal matrix inv;
 * the number of periods taken, 0 where the fit fails. */
static unsigned end_quad_fit(const double *t, const double *p, const bool *use, unsigned n,
			     bool tail, unsigned most, double x0, double c[3], double inv[9])
{
	double A[9] = { 0 }, y[3] = { 0 };
	unsigned k = 0;
	for (unsigned s = 0; s < n && k < most; s++) {
		unsigned i = tail ? n - 1 - s : s;
		if (!use[i])
			continue;
		double x = t[i] - x0, w[3] = { 1, x, x * x };
		for (int a = 0; a < 3; a++) {
			y[a] += w[a] * p[i];
			for (int b = 0; b < 3; b++)
				A[a * 3 + b] += w[a] * w[b];
		}
		k++;
	}
	return num_solve_sym(3, A, y, c, inv) ? k : 0;
}

/* The curve of the periods a line through them (end_line's tm, with use)
 * does not follow: the quadratic's coefficient over its standard error,
 * the variance of one period v (0: fewer than 5 points, or no fit).
 * end_rate gives v as the largest of the timing noise, the line's
 * residuals and lag_var: the crossings' interpolation error beats with
 * the sample pattern over a few strokes and bends the periods too (1 kHz,
 * 7.9 samples a stroke, a chirp: periods 7.853 .. 7.903 .. 7.864 slots
 * for a noise of 0.008; taken for a curve, the line of 6 read 0.377 Hz
 * off against U 0.327, of 12 0.323 against 0.338). */
static double end_curve_t(const double *t, const double *p, const bool *use, unsigned n,
			  double tm, double v)
{
	double c[3], inv[9];
	if (!(v > 0) || end_quad_fit(t, p, use, n, false, n, tm, c, inv) < 5 || !(inv[8] > 0))
		return 0;
	return num_abs(c[2]) / sqrt(v * inv[8]);
}

/* The period at x (slots) of a quadratic through the END_QUAD_N kept
 * periods nearest the end (t, p, use as end_rate; tail: the last ones):
 * into *q, false for fewer than 4 of them or no fit. The line's model
 * error where the speed curves (end_rate). */
#define END_QUAD_N 6u
#define END_QUAD_Z 3.0
static bool end_quad_at(const double *t, const double *p, const bool *use, unsigned n, bool tail,
			double x, double *q)
{
	double c[3], inv[9];
	if (end_quad_fit(t, p, use, n, tail, END_QUAD_N, x, c, inv) < 4)
		return false;
	*q = c[0];
	return isfinite(*q);
}

/* Whether the period nearest the end (end_rate's last, or first) ends,
 * or starts, at the end crossing raw_spike_crossings moved as a spike: it
 * is then a copy of the next period, not a measurement. A start-up that
 * settles within the first stroke looks just like such a spike (1 kHz,
 * 74.7 Hz, from 86 % at 21.4 Hz: the first crossing moved 0.99 samples,
 * the first period read 75.19 Hz where the crank ran 70.3). The crossing
 * carries the mark to the period (struct xing's end_moved, tally.c
 * freq_period); the period was found by its time within 1e-6 slots. */
static bool end_copied(const struct measure *m, bool tail)
{
	return tail ? m->tl_last_copied : m->hd_first_copied;
}

/* The lower edge of bin i of lag_hist and d2_hist (sq_bin; slots^2). */
static double sq_bin_lo(unsigned i)
{
	return ldexp(1 + (double)(i % END_LAG_PER) / END_LAG_PER, END_LAG_LO + (int)(i / END_LAG_PER));
}

/* The median of n squared differences binned by sq_bin (slots^2): within
 * its bin (a quarter of an octave, linear in the mantissa) by its count;
 * of a normal difference 0.4549 of its variance. */
static double hist_median_sq(const uint32_t *h, uint64_t n)
{
	double half = (double)n / 2, c = 0;
	for (unsigned i = 0; i < END_LAG_BINS; i++) {
		if (h[i] > 0 && c + h[i] >= half)
			return ldexp(1 + (i % END_LAG_PER + (half - c) / h[i]) / END_LAG_PER,
				     END_LAG_LO + (int)(i / END_LAG_PER));
		c += h[i];
	}
	return 0;
}

/* The timing noise of the periods next to an end, v0 of end_rate: 3
 * sigma^2 of one raw crossing (slots^2), half the mean square of the
 * record's second differences of raw crossing times, those beyond 25
 * times the variance their median gives left out, as tally.c leaves out
 * a speed step from d2_sumsq. d2_sumsq's gate begins with its ninth
 * difference, and a start-up's first ones stand in it (1 kHz, 102.4 Hz
 * from 59 % at 36.8 Hz: 0.011 slots^2 for 0.00013; the line through a
 * start-up's curve then looked like noise and read 103.63 Hz where the
 * crank ran 105.68, U 1.50); here the median sets the gate, whatever
 * the order. */
static double timing_v0(const struct measure *m)
{
	if (m->n_d2_hist < 8)
		return 0;
	double lim = 25 * hist_median_sq(m->d2_hist, m->n_d2_hist) / 0.4549, sum = 0, n = 0;
	for (unsigned i = 0; i < END_LAG_BINS && (i == 0 || sq_bin_lo(i) <= lim); i++) {
		sum += m->d2_hist_sum[i];
		n += m->d2_hist[i];
	}
	return n > 0 ? sum / n / 2 : 0;
}

/* Half the variance of a period less the one END_LAG_N before over the
 * record (slots^2), from their median square: one period's variance
 * about its neighbours, timing and wander (0: fewer than 8). */
static double lag_var(const struct measure *m)
{
	return m->n_lag >= 8 ? hist_median_sq(m->lag_hist, m->n_lag) / 0.4549 / 2 : 0;
}

/* The variance (slots^2) by which one period's own rate, the figure's
 * truth, may leave the line through its neighbours: the speed's wander,
 * which the line's standard error does not hold (red_hunt.py 20 2026:
 * 13 % of the records had an end outside U, up to 3.6 U, all with
 * wander, most where U was small against it). Beyond the timing noise
 * (a period's, 2/3 of v0 for independent crossings: v0 = 3 sigma^2 from
 * second differences, a period 2 sigma^2), the larger of the line's own
 * residuals (vr, k - 2 degrees of freedom) and, steadier, the record's
 * periods against the one END_LAG_N before (half their variance, from
 * the median square: a start-up, a step or a spike in a few of them
 * does not move it; their mean square made the steady end of a 4 kHz
 * record with a 5 Hz start-up U 7.7 Hz for 1.4). */
static double end_wander(const struct measure *m, double vr, double v0)
{
	return fmax(0, fmax(vr, lag_var(m)) - v0 * 2 / 3);
}

/* The timing noise's factor at an end whose period is per (slots): a
 * crossing's timing error is the sample noise over the signal's slope
 * there, which scales with the speed, so its variance with the period
 * squared. v0 (timing_v0) is the record's, its periods pr on average
 * (the mean of their squares is larger: the factor errs large); at
 * least 1. At a start-up from half speed the head's crossings scattered
 * 0.05 slots about the crank's phase, the tail's 0.015, and the line
 * through the head's 4 periods read 89.606 Hz where the crank ran
 * 89.178, U 0.230 with v0 (blind_hunt.py speed 4000 12316). */
static double end_slow(const struct measure *m, double per)
{
	double pr = m->per_ref + (m->tr.n > 0 ? m->tr.p / m->tr.n : 0);
	double r = pr > 0 ? per / pr : 1;
	return r > 1 ? r * r : 1;
}

/* The bias (slots) of the line through the points of (t, p) with use,
 * read at x, where the periods follow the polynomial of degree
 * END_CURVE_DEG through every point with all (the end's periods but the
 * mistimed ones: the ones the shortening left out too): the line's
 * reading of that polynomial less its value at x; 0 for fewer than
 * END_CURVE_DEG + 3 points or no fit. A start-up's curvature changes
 * along the end's periods (a first-order one: largest at the head), so
 * a cubic; the kept periods alone (end_quad_at) are too few to tell a
 * curve from their noise (12316: 4 kept, its quadratic read the line
 * 0.043 Hz high, the cubic through the end's 12 periods 0.208 low). */
#define END_CURVE_DEG 3u
static double end_curve_bias(const double *t, const double *p, const bool *all, const bool *use,
			     unsigned n, double x)
{
	enum { D1 = END_CURVE_DEG + 1 };
	double A[D1 * D1] = { 0 }, y[D1] = { 0 }, c[D1], inv[D1 * D1], tm, pm, b, stt, sc = 0;
	unsigned na = 0, k = 0;
	for (unsigned i = 0; i < n; i++) {
		if (all[i]) {
			na++;
			sc = fmax(sc, num_abs(t[i] - x));
		}
		k += use[i];
	}
	if (na < END_CURVE_DEG + 3 || !(sc > 0) || !end_line(t, p, use, n, n, &tm, &pm, &b, &stt) ||
	    !(stt > 0))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		if (!all[i])
			continue;
		double w[D1], z = (t[i] - x) / sc; /* scaled: the normal matrix stays well posed */
		w[0] = 1;
		for (unsigned a = 1; a < D1; a++)
			w[a] = w[a - 1] * z;
		for (unsigned a = 0; a < D1; a++) {
			y[a] += w[a] * p[i];
			for (unsigned j = 0; j < D1; j++)
				A[a * D1 + j] += w[a] * w[j];
		}
	}
	if (!num_solve_sym(D1, A, y, c, inv))
		return 0;
	double line = 0;
	for (unsigned i = 0; i < n; i++)
		if (use[i]) {
			double z = (t[i] - x) / sc, q = 0;
			for (unsigned a = D1; a-- > 0;)
				q = q * z + c[a];
			line += (1.0 / k + (x - tm) * (t[i] - tm) / stt) * q;
		}
	return line - c[0];
}

/* Whether the periods a line (tm, pm, b; through the points of t with use)
 * left out from its far side, of mean pc, lie beyond the line's farthest
 * point where the line goes on: the end's speed still on its way to the
 * record's (1 kHz, 90 Hz from 60 % at 5 Hz: the first three periods 59.3,
 * 66.7, 73.3 Hz, the next 78.4), not turned back (a start-up's overshoot
 * inside them: 44.23, 44.26, 44.33 Hz, then 44.08 as the record). */
static bool end_settles(const double *t, const bool *use, unsigned n, bool tail, double tm,
			double pm, double b, double pc)
{
	unsigned far = n;
	for (unsigned i = 0; i < n; i++)
		if (use[i] && (far == n || (tail ? t[i] < t[far] : t[i] > t[far])))
			far = i;
	if (far == n)
		return false;
	return (pc - pm - b * (t[far] - tm)) * b * (tail ? -1 : 1) > 0;
}

/* A line through n clean periods as detected next to an end (t: their
 * middles in time order, p: their lengths less per_ref; slots from
 * first_slot), read at *x, the middle of the kept period nearest the end
 * (the head's, or the tail's): the rate there (Hz, 0 for fewer than
 * END_RATE_MIN periods) and its standard uncertainty *u (Hz). The
 * periods' timing noise v0 is timing_v0's. Not at the
 * record's first or last sample: a start-up that settles within a stroke
 * or two (1 kHz, 60 Hz, from 70 % at 20 Hz) is not in the periods, and a
 * line carried out to the sample read 60 Hz for 42 with U 0.09.
 * One mistimed crossing (a spike on a knot) moves the two periods it
 * bounds by as much each way, or the last one alone; the mean of the
 * three periods next to an end read 207.56 Hz for 201.61 (4 kHz, a spike
 * fraction 0.6 %: "+3.41 %"; the last period 2 samples short). The
 * period farthest from the line through the others is left out when it
 * lies beyond END_RATE_OUT times both the periods' noise and the others'
 * scatter about that line (1.4826 median absolute residuals), at most
 * two. The variance of one period: the record's (as line_rate_slope), or
 * the line's own residuals when larger (a start-up's curve the line does
 * not follow); U counts the line's error at x, its extrapolation
 * included, and the wander of one period about the line (end_wander).
 * Not read by the line: an end whose line is shortened down to
 * END_RATE_MIN where the periods left out turned back (end_settles; a
 * start-up's overshoot inside the last four periods: 1 kHz, 44.1 Hz,
 * from 84 % at 10.9 Hz, the first three periods read 44.23..44.33 Hz
 * where the crank ran 43.7 to 44.7, +0.49 Hz against U 0.054), nor one
 * whose period next to it end_copied finds: the kept period nearest the
 * end is read alone (end_rate_own). */
#define END_RATE_MIN 3u
#define END_RATE_OUT 5.0
#define END_CURVE_T 2.0

/* The variance (slots^2) of one raw crossing's interpolation error at the
 * period per (slots): rectangular over interp_errors' range; 0 before the
 * shape is learned or where interp_errors has no range. end_rate_own
 * counts it at both ends of its period, end_line_interp through the
 * line's weights. */
static double crossing_interp_var(const struct measure *m, double per)
{
	double lo, hi;
	if (!m->learned || !interp_errors(&m->shape, m->mid_um, 1.0 / per, &lo, &hi))
		return 0;
	return (hi - lo) * per * (hi - lo) * per / 12;
}

/* The rate of the kept period nearest the end alone (t, p, use as
 * end_rate; its middle into *x) and its standard uncertainty *u (Hz):
 * where a start-up settled inside the line's reach, the line shortened
 * down to END_RATE_MIN and the periods it left out turned back
 * (end_settles), or inside the first stroke (end_copied), whose
 * undershoot may linger in the next period where the line through the
 * rest does not see it (1 kHz, 50.1 Hz from 64 % at 34.1 Hz: the crank
 * 50.006 Hz in the second period, the next ten 50.09; the line read
 * 50.070 with U 0.035). A period's rate is the crank's mean rate over
 * it, the figure's truth but for the window (one mean period centred at
 * *x). U: one period's timing noise (2/3 of v0), or the record's
 * period-to-period wander when larger (lag_var: a crossing's error that
 * drifts with the sample pattern shows there, not in v0); the raw
 * crossings' interpolation error at each of its ends, rectangular over
 * its range (interp_errors; a speed change shuffles where the samples
 * fall: 1 kHz, six samples a stroke, 0.04 slots, 0.6 Hz at 165 Hz,
 * against 0.1 Hz from v0); and the speed's curve through the three
 * periods nearest the end times the difference of the two windows'
 * squares over 24, rectangular. Until 12-04 the first case was withheld
 * (19 of the 80 start figures of tests/gen/startup_hunt.py RIG 80 1;
 * now none, 34 of 35 within U at 1 kHz, 43 of 45 at 4 kHz). */
static double end_rate_own(const struct measure *m, const double *t, const double *p,
			   const bool *use, unsigned n, bool tail, double v0, double *x, double *u)
{
	unsigned j[3], nj = 0;
	for (unsigned s = 0; s < n && nj < 3; s++) {
		unsigned i = tail ? n - 1 - s : s;
		if (use[i])
			j[nj++] = i;
	}
	if (nj == 0 || !(v0 > 0))
		return 0;
	double per = m->per_ref + p[j[0]];
	if (!(per > 0))
		return 0;
	*x = t[j[0]];
	double rate = m->cfg.rate_hz / per, pr = m->per_ref + m->tr.p / (m->tr.n > 0 ? m->tr.n : 1);
	double curve = 0, r[3];
	if (nj == 3 && t[j[2]] != t[j[1]] && t[j[1]] != t[j[0]]) {
		/* the rate's second derivative (Hz slot^-2), divided differences */
		for (unsigned i = 0; i < 3; i++)
			r[i] = m->cfg.rate_hz / (m->per_ref + p[j[i]]);
		double d1 = (r[1] - r[0]) / (t[j[1]] - t[j[0]]);
		double d2 = (r[2] - r[1]) / (t[j[2]] - t[j[1]]);
		curve = num_abs(2 * (d2 - d1) / (t[j[2]] - t[j[0]]) * (per * per - pr * pr)) / 24;
	}
	/* the raw crossings' interpolation error at each end of the period */
	double vi = 2 * crossing_interp_var(m, per);
	*u = sqrt(rate * rate / (per * per) * (fmax(v0 * end_slow(m, per) * 2 / 3, lag_var(m)) + vi) +
		  curve * curve / 3);
	return rate;
}
/* The variance (slots^2) that the raw crossings' interpolation error
 * (interp_errors: rectangular over its range at each crossing, as
 * end_rate_own takes it) gives the line through the periods of (t, p)
 * with use (k of them; tm and stt end_line's) read at x, per the period
 * there: each crossing weighs the difference of the line's weights of
 * the two periods it bounds (one where the next period is not the one
 * after it). The line's residuals do not show it where it is shortened
 * to a few periods: the error repeats with the sample pattern, which
 * drifts slowly. blind_hunt.py speed 1000 13701 (6.8 samples a stroke,
 * the tail's line shortened to 4 periods, read at the last): -0.617 Hz
 * against U 0.564, and the same capture without noise, wander or PWM
 * -0.60 Hz; 30 redraws of its noise: 4 of 60 end figures outside U, the
 * tail's errors 0.14..1.08 Hz. */
static double end_line_interp(const struct measure *m, const double *t, const double *p,
			      const bool *use, unsigned n, unsigned k, double tm, double stt,
			      double x, double per)
{
	double vc = crossing_interp_var(m, per);
	if (!(vc > 0))
		return 0;
	double s = 0, prev = 0;
	for (unsigned i = 0; i < n; i++) {
		double w = use[i] ? 1.0 / k + (stt > 0 ? (t[i] - tm) * (x - tm) / stt : 0) : 0;
		bool next = i > 0 && num_abs(t[i] - t[i - 1] - m->per_ref - (p[i] + p[i - 1]) / 2) <
					     m->per_ref / 4;
		if (!next) {
			s += prev * prev;
			prev = 0;
		}
		s += (prev - w) * (prev - w);
		prev = w;
	}
	s += prev * prev;
	return s * vc;
}

static double end_rate(const struct measure *m, const double *t, const double *p, unsigned n,
		       bool tail, double *x, double *u)
{
	bool use[END_TREND_N];
	double v0 = timing_v0(m);
	double tm, pm, b, stt, ar[END_TREND_N];
	unsigned k = n;
	*u = 0;
	for (unsigned i = 0; i < n; i++)
		use[i] = true;
	if (n > 0 && end_copied(m, tail)) {
		use[tail ? n - 1 : 0] = false;
		k--;
	}
	for (unsigned drop = 0; drop < 2 && k > END_RATE_MIN + 1; drop++) {
		unsigned worst = n;
		double dw = 0;
		for (unsigned i = 0; i < n; i++) {
			if (!use[i] || !end_line(t, p, use, n, i, &tm, &pm, &b, &stt))
				continue;
			double d = num_abs(p[i] - pm - b * (t[i] - tm));
			if (worst == n || d > dw) {
				worst = i;
				dw = d;
			}
		}
		if (worst == n || !end_line(t, p, use, n, worst, &tm, &pm, &b, &stt))
			break;
		unsigned na = 0;
		for (unsigned i = 0; i < n; i++)
			if (use[i] && i != worst)
				ar[na++] = num_abs(p[i] - pm - b * (t[i] - tm));
		double mad = num_median(ar, na, true);
		double lim = END_RATE_OUT * fmax(sqrt(v0), 1.4826 * mad);
		if (!(lim > 0 && dw > lim))
			break;
		use[worst] = false;
		k--;
	}
	/* the end's first period a copy (end_copied): a start-up settled
	 * inside the first stroke, and its undershoot may linger in the next
	 * ones where the line through the rest does not see it (1 kHz, 50.1
	 * Hz from 64 % at 34.1 Hz: the second period's crank 50.006 Hz, the
	 * rest 50.09; the line 50.070, U 0.035): that period read alone,
	 * given END_RATE_MIN periods kept as a line is */
	if (n > 0 && end_copied(m, tail))
		return k < END_RATE_MIN ? 0 : end_rate_own(m, t, p, use, n, tail, v0, x, u);
	bool all[END_TREND_N]; /* before the shortening: end_curve_bias */
	memcpy(all, use, sizeof all);
	/* the line read at the kept period nearest the end; shortened from
	 * the far side while its residuals lie beyond the periods' noise
	 * (F_0.95(k - 2, inf)), or the nearest one beyond 2 of it: a
	 * start-up's curve, which a line through twelve periods read 4.8 Hz
	 * fast against U 3.6 (4 kHz, 150 Hz, from 60 % at 5 Hz), and its
	 * overshoot next to the end, diluted among the others' residuals
	 * (1 kHz, 60 Hz, from 70 % at 20 Hz: -0.94 Hz against U 0.42) */
	static const double f95[END_TREND_N - 1] = { 3.84, 3.00, 2.60, 2.37, 2.21, 2.10,
						     2.01, 1.94, 1.88, 1.83, 1.79 };
	double ss, pc = 0;
	unsigned nc = 0;
	for (;;) {
		if (k < END_RATE_MIN || !end_line(t, p, use, n, n, &tm, &pm, &b, &stt))
			return 0;
		unsigned near = n, far = n;
		double rn;
		ss = 0;
		for (unsigned i = 0; i < n; i++)
			if (use[i]) {
				double r = p[i] - pm - b * (t[i] - tm);
				ss += r * r;
				if (near == n || (tail ? t[i] > t[near] : t[i] < t[near]))
					near = i;
				if (far == n || (tail ? t[i] < t[far] : t[i] > t[far]))
					far = i;
			}
		*x = t[near];
		rn = p[near] - pm - b * (t[near] - tm);
		if (k <= END_RATE_MIN ||
		    !(v0 > 0 && (ss / (k - 2) > f95[k - 3] * v0 || rn * rn > 4 * v0 ||
				 end_curve_t(t, p, use, n, tm, fmax(fmax(v0, ss / (k - 2)), lag_var(m))) > END_CURVE_T)))
			break;
		use[far] = false;
		pc += p[far];
		nc++;
		k--;
	}
	if (nc && k <= END_RATE_MIN && !end_settles(t, use, n, tail, tm, pm, b, pc / nc))
		return end_rate_own(m, t, p, use, n, tail, v0, x, u);
	double v = fmax(v0, ss / (k - 2));
	double per = m->per_ref + pm + b * (*x - tm);
	if (!(per > 0))
		return 0;
	/* the timing noise at this end's speed (end_slow): a slow end's
	 * crossings scatter further than the record's */
	double vs = fmax(v0 * end_slow(m, per), ss / (k - 2));
	double se = sqrt(vs * (1.0 / k + (stt > 0 ? (*x - tm) * (*x - tm) / stt : 0)) +
			 end_wander(m, ss / (k - 2), v0) +
			 end_line_interp(m, t, p, use, n, k, tm, stt, *x, per));
	double rate = m->cfg.rate_hz / per, q;
	*u = rate * se / per;
	/* the line's own model error: a second-order start-up's rate is
	 * flat at first and then bends up, which a line through up to 12
	 * periods carries out under it, and the curve passes the tests
	 * above under 1 kHz timing noise (speed 1000 10300: 98.261 Hz where
	 * the crank ran 99.483 over that stroke, U 0.865; 10309, 10107; 4 kHz
	 * 2032, 10517). Where the speed changes there (the line's slope
	 * beyond END_QUAD_Z of its standard error), the line's reading
	 * against a quadratic's through the END_QUAD_N kept periods nearest
	 * the end counts as a rectangular half-width (10300: U 1.511). On a
	 * steady end that difference is the quadratic's noise alone (the 60 s
	 * capture's start U 0.174 -> 0.235 Hz when taken everywhere). Or,
	 * when larger, the line's bias under the cubic through all the end's
	 * periods (end_curve_bias: a line shortened to a few periods of a
	 * start-up, 12316). The test keeps the record's v, not vs: a slow
	 * end's larger noise does not take the term away. */
	if (stt > 0 && v > 0 && num_abs(b) > END_QUAD_Z * sqrt(v / stt) &&
	    end_quad_at(t, p, use, n, tail, *x, &q) && q + m->per_ref > 0) {
		double d = m->cfg.rate_hz / (q + m->per_ref) - rate;
		double bc = end_curve_bias(t, p, all, use, n, *x);
		if (per - bc > 0 && num_abs(m->cfg.rate_hz / (per - bc) - rate) > num_abs(d))
			d = m->cfg.rate_hz / (per - bc) - rate;
		*u = sqrt(*u * *u + d * d / 3);
	}
	return rate;
}

/* Rate at the first and the last whole stroke the record timed
 * (end_rate: the first END_TREND_N clean periods of the first segment
 * that counted, read at the first one's middle; the last ones, at the
 * last one's), their times, their change against the mean rate, and U
 * (k = 2) of each; the windows may overlap on a short record, which
 * makes the change's U (as if independent) err large. */
/* An end's rate f (Hz, at s seconds, its standard uncertainty u) where
 * that end's fit fell back to the cubic (edge.c, edge_phase_bent): the
 * pen changed speed there and the knots did not show it, nor do the
 * periods the line rests on (1 kHz, 60 Hz, from 70 % at 20 Hz: the first
 * two knots 0.23 slots off each way, the first period read 59.92 Hz for
 * 58.50, U 0.053). The cubic's mean rate over the period there counts
 * against it as a rectangular half-width; returns the new u. */
static double end_rate_bent(const struct measure *m, const struct edge_bent *bt, double f,
			    double s, double u)
{
	double rate = m->cfg.rate_hz, r;
	if (!(f > 0) || !edge_bent_rate(bt, s * rate + (double)m->first_slot, rate / f / 2, &r))
		return u;
	double d = r * rate - f;
	return sqrt(u * u + d * d / 3);
}

static void rate_ends(const struct measure *m, struct measure_stats *out)
{
	double us = 0, ue = 0, tl[END_TREND_N], pl[END_TREND_N], rate = m->cfg.rate_hz;
	unsigned nh = (unsigned)m->hd.n;
	double x;
	out->rate_start_hz = end_rate(m, m->hd_t, m->hd_p, nh, false, &x, &us);
	if (out->rate_start_hz > 0)
		out->rate_start_s = x / rate;
	unsigned nl = m->npl < END_TREND_N ? (unsigned)m->npl : END_TREND_N;
	for (unsigned i = 0; i < nl; i++) {
		unsigned j = (unsigned)((m->npl - nl + i) % END_TREND_N);
		tl[i] = m->tl_t[j];
		pl[i] = m->tl_p[j];
	}
	out->rate_end_hz = end_rate(m, tl, pl, nl, true, &x, &ue);
	if (out->rate_end_hz > 0)
		out->rate_end_s = x / rate;
	us = end_rate_bent(m, &m->edge_bent[0], out->rate_start_hz, out->rate_start_s, us);
	ue = end_rate_bent(m, &m->edge_bent[1], out->rate_end_hz, out->rate_end_s, ue);
	out->rate_start_U_hz = 2 * us;
	out->rate_end_U_hz = 2 * ue;
	if (out->rate_start_hz > 0 && out->rate_end_hz > 0 && out->freq_hz > 0) {
		out->rate_change_pct = (out->rate_end_hz - out->rate_start_hz) / out->freq_hz * 100;
		out->rate_change_U_pct = 2 * sqrt(us * us + ue * ue) / out->freq_hz * 100;
	}
	/* the trend: period against time by least squares */
	double n = m->tr.n;
	if (n < 8)
		return;
	double sxx = m->tr.tt - m->tr.t * m->tr.t / n, sxy = m->tr.tp - m->tr.t * m->tr.p / n;
	double syy = m->tr.pp - m->tr.p * m->tr.p / n, pm = m->per_ref + m->tr.p / n;
	if (!(sxx > 0 && pm > 0))
		return;
	double b = sxy / sxx, s2 = (syy - b * sxy) / (n - 2);
	double span = (double)(m->next_slot - m->first_slot);
	out->rate_trend_pct = -b * span / pm * 100;
	out->rate_trend_z = s2 > 0 ? num_abs(b) / sqrt(s2 / sxx) : 0;
}

/* The unseen time at the ends of a record whose rate is the mean over its
 * segments (slots: head, before the first counted crossing; tail, after
 * the last one: head_crossing, tail_crossing), and how far the rate there
 * may lie from that mean, relative: the periods' relative scatter s, at an
 * end sqrt(s^2 + d^2) (dh, dt), d the relative distance from the mean of
 * the speed next to it, the mean of up to three clean periods there
 * (rate_start_hz, or the last ones when they reach the last counted
 * crossing). Before, s alone: 4 kHz, wander 0.4 % at 0.5 Hz, error values
 * over the first 100 ms of 2 s, the pen there 0.5 % off its mean: +207 ppm
 * against U 101. An end was seen only up to the crossing next to it, and
 * a crossing among a few valid samples beyond a burst hid the burst as
 * inside time at s: a step to x0.75 30 ms before 16 error values that
 * left 6 valid samples at the end of 1.88 s (4 kHz) read +1 092 ppm
 * against U 962, status ok (now U 2 574); a start-up from 60 % under
 * 100 ms of error values after the first 8 samples, +11 947 ppm
 * against U 984 (now refused, unseen end, as with the burst from the
 * first sample). */
struct unseen_ends {
	double s, head, tail, dh, dt;
};

/* The record's last counted crossing (slots; -1: none) and the clean
 * single periods up to it, *nt (at most npl): of the active segment, or
 * of the last closed one when none was counted since (error values ran
 * on to the end, or a crossing after them began a segment that counted
 * nothing). */
static double tail_crossing(const struct measure *m, unsigned *nt)
{
	double t = -1;
	*nt = 0;
	if (m->seg_active && m->seg_n_at_rel >= 1) {
		t = m->seg_t_last_rel;
		*nt = m->ntail;
	} else if (m->nseg > 0) {
		t = m->last_seg_t;
		*nt = m->last_seg_ntail;
	}
	if (*nt > m->npl)
		*nt = (unsigned)m->npl;
	return t;
}

/* The record's first counted crossing (slots; -1: none): the first of the
 * first segment that counted a period. */
static double head_crossing(const struct measure *m)
{
	if (m->nseg > 0)
		return m->first_cnt_t;
	if (m->seg_active && m->seg_n_at_rel >= 1)
		return m->seg_t_first;
	return -1;
}

static void unseen_ends(const struct measure *m, const struct measure_stats *out, double span,
			double rec, struct unseen_ends *u)
{
	double s = period_scatter_rel(m), f = out->freq_hz;
	double unseen = rec - span;
	*u = (struct unseen_ends){ .s = s, .dh = s, .dt = s };
	double h = head_crossing(m);
	if (h >= 0 && m->npf > 0) {
		u->head = fmin(unseen, fmax(0, h - (double)m->first_slot));
		double d = first_periods_hz(m) / f - 1;
		u->dh = sqrt(s * s + d * d);
	}
	unsigned nt;
	double t = tail_crossing(m, &nt);
	unsigned nl = nt < 3 ? nt : 3;
	if (t >= 0 && nl > 0) {
		double last = (double)(m->next_slot - 1);
		u->tail = fmin(unseen - u->head, fmax(0, last - t));
		double d = last_periods_hz(m, nl) / f - 1;
		u->dt = sqrt(s * s + d * d);
	}
}

/* One gap between segments whose sides differ (tally.c gap_sides_range):
 * its time g (slots) weighted by how far its rate may lie from the mean
 * fs (periods a slot), relative: sqrt(s^2 + d^2), d^2 the distance of the
 * range's middle from the mean, squared, and its half-width's, squared,
 * over 3 (rectangular over the range, as bridge_check's counts). */
static double gap_sides_w(double g, double lo, double hi, double fs, double s)
{
	double c = (lo + hi) / 2 / fs - 1, h = (hi - lo) / 2 / fs;
	return g * sqrt(s * s + c * c + h * h / 3);
}

/* The gaps inside the record whose sides differ (kept by tally.c, and the
 * last one when the segment after it is still open), weighted as
 * gap_sides_w; *g their time (slots). */
static double gap_sides_rel(const struct measure *m, double fs, double s, double *g)
{
	double w = 0, lo, hi;
	*g = 0;
	for (unsigned i = 0; i < m->ngs; i++) {
		*g += m->gs_slots[i];
		w += gap_sides_w(m->gs_slots[i], m->gs_lo[i], m->gs_hi[i], fs, s);
	}
	if (m->gs_pending && m->gs_na > 0 && m->seg_active && m->seg_n_at_rel >= 1) {
		double gp = m->seg_t_first - m->gs_t0;
		if (gap_sides_range(m, gp, m->gs_pb, m->gs_nb, m->gs_pa / m->gs_na, m->gs_na, &lo,
				    &hi)) {
			*g += gp;
			w += gap_sides_w(gp, lo, hi, fs, s);
		}
	}
	return w;
}

/* The unseen time weighted by how far its rate may lie from the mean
 * (slots; divided by the record, a relative rate): at the ends dh and dt,
 * inside the record s (unseen_ends), and a gap between segments whose
 * sides differ by the range its speed may take (gap_sides_rel). */
static double unseen_gap_rel(const struct measure *m, const struct measure_stats *out,
			     double span, double rec)
{
	struct unseen_ends u;
	unseen_ends(m, out, span, rec, &u);
	double inside = rec - span - u.head - u.tail, g;
	double w = gap_sides_rel(m, out->freq_hz / m->cfg.rate_hz, u.s, &g);
	if (g > inside && g > 0) { /* not expected: the gaps lie inside */
		w *= fmax(0, inside) / g;
		g = inside;
	}
	return u.dh * u.head + u.dt * u.tail + u.s * (inside - g) + w;
}

/* A line through n clean periods as detected (sums relative to first_slot
 * and per_ref, as tr): the rate's relative change per slot, *b, and its
 * standard error, *se. The periods' noise is the record's, from their
 * first differences (freq_period: timing noise and the pen's jitter,
 * steps left out; var / 2 a period, as if the periods were independent,
 * which a crossing's timing noise, shared by two of them, is not: it
 * errs large). Not the line's own residuals: next to a start-up they
 * hold the transient's curve, 10 times the noise at 1 kHz, and a start
 * from 60 % hidden under 100 ms of error values read 2.2 standard
 * errors from flat (13 against the record's noise). With fewer than 8
 * first differences, the residuals. False for fewer than END_TREND_MIN
 * periods. */
static bool line_rate_slope(const struct measure *m, const struct line_sums *L, double *b,
			    double *se)
{
	double n = L->n;
	if (n < END_TREND_MIN)
		return false;
	double sxx = L->tt - L->t * L->t / n, sxy = L->tp - L->t * L->p / n;
	double syy = L->pp - L->p * L->p / n, pm = m->per_ref + L->p / n;
	if (!(sxx > 0 && pm > 0))
		return false;
	double bp = sxy / sxx;
	double v = m->n_d2 >= 8 ? m->d2_sumsq / (double)m->n_d2 / 2 : (syy - bp * sxy) / (n - 2);
	*b = -bp / pm;
	*se = v > 0 ? sqrt(v / sxx) / pm : 0;
	return true;
}

/* The periods next to an end trend beyond their noise (MEASURE_TREND_Z
 * standard errors), and the trend carried over the end's unseen time
 * (slots) moves the speed by more than a quarter of what U allows there
 * (allow: dh or dt, unseen_ends); *c that change (relative, forward in
 * time). The quarter keeps a short unseen end out: an error value on the
 * first crossing of a start-up seen from its first sample leaves a
 * stroke or two unseen, next to which the speed lies far from the mean,
 * and U counts that (d). Start-ups and steps of red_capture.py hidden at
 * the head whose rate U did not cover showed 0.40 of it and more. */
static bool end_trend(const struct measure *m, const struct line_sums *L, double unseen,
		      double allow, double *c)
{
	double b, se;
	if (!(unseen > 0) || !line_rate_slope(m, L, &b, &se))
		return false;
	*c = b * unseen;
	return num_abs(b) >= MEASURE_TREND_Z * se && num_abs(*c) > allow / 4;
}

/* An end the record did not see, next to which the pen was changing
 * speed (end_trend: the first END_TREND_N clean periods of the first
 * segment, or the last ones up to the last crossing). What the pen did
 * there is not in the record: a start-up from 60 % hidden under 100 ms of
 * error values at 4 kHz read +10 366 ppm against U 1 498, status ok (the
 * speed next to the unseen head 1.4 % off the mean, the hidden strokes
 * about 20 % slower). The rate is withheld (result_status,
 * MEASURE_UNSEEN_END); *pct the trend's change over the unseen time (% of
 * the rate: back to the first sample, or on to the last), *ms that time,
 * *tail which end (the head when both). */
static bool unseen_end_trend(const struct measure *m, const struct measure_stats *out,
			     double span, double rec, double *pct, double *ms, bool *tail)
{
	struct unseen_ends u;
	unseen_ends(m, out, span, rec, &u);
	double c, rate = m->cfg.rate_hz;
	struct line_sums h = m->hd;
	bool ret = false;
	if (end_trend(m, &h, u.head, u.dh, &c)) {
		*pct = -c * 100;
		*ms = u.head / rate * 1e3;
		*tail = false;
		ret = true;
	}
	unsigned nt;
	tail_crossing(m, &nt);
	if (nt > END_TREND_N)
		nt = END_TREND_N;
	struct line_sums t = { 0 };
	for (unsigned i = 0; i < nt; i++) {
		unsigned k = (unsigned)((m->npl - 1 - i) % END_TREND_N);
		line_sums_add(&t, m->tl_t[k], m->tl_p[k]);
	}
	if (end_trend(m, &t, u.tail, u.dt, &c) && !ret) {
		*pct = c * 100;
		*ms = u.tail / rate * 1e3;
		*tail = true;
		ret = true;
	}
	return ret;
}

/* The time at each end of the record the rate did not count (slots):
 * before its first counted crossing, after its last one (of the active
 * segment, or of the last closed one when error values ran on to the
 * end); at most the record's uncounted time (rec - span). Up to about a
 * period of it is the partial stroke at that end, seen or not. */
static void uncounted_ends(const struct measure *m, double span, double rec, double *head,
			   double *tail)
{
	double unseen = rec - span, last = (double)(m->next_slot - 1);
	unsigned nt;
	double t = tail_crossing(m, &nt), h = head_crossing(m);
	*head = *tail = 0;
	if (h >= 0)
		*head = fmin(unseen, fmax(0, h - (double)m->first_slot));
	if (t >= 0)
		*tail = fmin(unseen - *head, fmax(0, last - t));
}

/* An end of the record the rate did not count for more than
 * UNSEEN_END_PERIODS periods (uncounted_ends): beyond the partial stroke
 * there (up to a period, seen or not) a whole stroke or more was not
 * counted, and nothing in the record tells what the pen did then. A step
 * to x1.40 under the last 220 ms of error values of 1.13 s at 1 kHz read
 * -34 935 ppm against U 208, status ok: it left no trend next to the end
 * for unseen_end_trend to see. The rate is withheld (MEASURE_UNSEEN_END):
 * the record's mean rate cannot be measured over time it did not see.
 * Why periods, not a part of the record: what may hide there is a stroke
 * count, and the error it makes (the unseen time's speed off the mean)
 * has no bound a record can give (a pen may stall there). Why 2: the
 * time before the first counted crossing is up to a period with every
 * sample valid; below 2, less than a stroke of error values. *ms the
 * longer end's time, *tail which (the head when both). */
#define UNSEEN_END_PERIODS EDGE_END_MAX
static bool unseen_end_long(const struct measure *m, const struct measure_stats *out,
			    double span, double rec, double *ms, bool *tail)
{
	double head, tl, rate = m->cfg.rate_hz;
	uncounted_ends(m, span, rec, &head, &tl);
	double lim = UNSEEN_END_PERIODS * rate / out->freq_hz;
	if (!(head > lim || tl > lim))
		return false;
	*tail = !(head > lim);
	*ms = (*tail ? tl : head) / rate * 1e3;
	return true;
}

/* Rate: whole periods over their span, the partial strokes at the ends of
 * one unbroken segment, and its budget. */
static void result_freq(const struct measure *m, struct measure_stats *out)
{
	double rate = m->cfg.rate_hz;
	uint64_t np = m->tot_periods;
	double span = m->tot_span_slots;
	unsigned nseg = m->nseg;
	if (m->seg_active && m->seg_n_at_rel >= 1) {
		np += m->seg_n_at_rel;
		span += m->seg_t_last_rel - m->seg_t_first;
		nseg++;
	}
	if (!(np >= 1 && span > 0))
		return;
	out->has_freq = true;
	/* bridged counts found unsure: the middle of the counts possible
	 * (tally.c, bridge_check) */
	double npx = (double)np + m->br_adj;
	out->freq_hz = npx / span * rate;
	/* One unbroken segment: add the partial strokes at both ends, so the
	 * figure is the mean over the whole record, not over the whole
	 * strokes in it. */
	double last_slot = (double)(m->next_slot - 1);
	double u_edge = 0; /* strokes */
	bool ends = false; /* the partial strokes at the ends added */
	/* Timing noise of one crossing as detected (not as refined: the
	 * refinement smooths with a prior, and its own scatter would hide
	 * its errors), from second differences of raw crossing times. */
	double tc = m->n_d2 ? sqrt(m->d2_sumsq / (double)m->n_d2 / 6.0) : 0; /* slots */
	/* the ends timed from their own samples (edge.c): they need no
	 * clean period next to them (an error value in the last stroke left
	 * the partial strokes out: 4 kHz, +8.6 ppm; now -1.1) */
	bool eh = m->edge_head_ok && m->edge_head_knot == m->seg_t_first;
	bool et = m->edge_tail_ok && m->edge_tail_knot == m->seg_t_last_rel;
	if (m->edge_ok && m->nseg == 0 && m->seg_active && (m->npf > 0 || eh) &&
	    (m->ntail > 0 || et) && m->first_seg_t == m->seg_t_first) {
		double pl[3], uh = 0, ut = 0, head = -1, tail = -1;
		unsigned nl = m->ntail < 3 ? m->ntail : 3;
		if (nl > m->npl)
			nl = (unsigned)m->npl;
		for (unsigned i = 0; i < nl; i++)
			pl[i] = (m->tail_trend ? m->pl_raw : m->pl)[(m->npl - 1 - i) % 3];
		/* Where the pen changes speed at an end, its knot is timed by
		 * the crossing as detected: the refinement assumes a phase
		 * linear within a stroke (a start from 70 % moved the first
		 * knot 0.16 samples, 20 ppm). The whole periods between the
		 * knots are counted whatever their times. */
		double t_first = m->head_trend ? m->seg_t_first_raw : m->seg_t_first;
		double t_last = m->tail_trend ? m->seg_t_last_raw : m->seg_t_last_rel;
		if (m->npf > 0)
			head = edge_strokes(t_first - (double)m->first_slot,
					    m->head_trend ? m->pf_raw : m->pf, m->npf, m->head_trend,
					    tc, &uh);
		if (nl > 0)
			tail = edge_strokes(last_slot - t_last, pl, nl, m->tail_trend, tc, &ut);
		/* A last knot the knot filter timed after learning (a long
		 * burst inside the record had the shape learned before it,
		 * so the tail is no longer fitted from its samples): it
		 * scatters by the filter's own sd (kn_var), not by the
		 * detected crossing's tc (4 kHz, 80 Hz: 0.029 slots against
		 * 0.008), and moves the tail both by its own time and
		 * through the last period, the knot before it as much (a
		 * 737-sample burst: +6.1 ppm against U 4.1). */
		if (tail >= 0 && !m->tail_trend && m->seg_t_last_var > 0) {
			double g = ((1 + tail) * (1 + tail) + tail * tail) / (pl[0] * pl[0]);
			ut = sqrt(ut * ut + m->seg_t_last_var * g);
		}
		/* An end whose samples no fit followed (edge.c,
		 * edge_phase_bent): the pen's speed over it is not the one
		 * its knots carry over it, and the samples do not say by
		 * how much; anywhere from none of it to twice it, a
		 * rectangular half-width of the whole end (4 kHz, 51.3 Hz,
		 * from 32 % at 38 Hz: the start-up over by the first knot,
		 * 0.81 strokes read for 0.58, +2314 ppm against U 361). */
		if (head >= 0 && !eh && m->edge_head_astray)
			uh = sqrt(uh * uh + head * head / 3);
		if (tail >= 0 && !et && m->edge_tail_astray)
			ut = sqrt(ut * ut + tail * tail / 3);
		/* From the partial strokes' own samples where the learning
		 * store held them (edge.c): no knot time, no extrapolated
		 * rate (1 kHz, 2.9 % FM: +43 ppm; a start from 65 %: +86). */
		double sd = out->depth_std_um;
		{
			/* the strokes' scatter as their samples show it: what
			 * the exposure's drop at each one's speed spread
			 * (std_exposure_speed) is in the ends' samples too */
			double dv, ux, xa, xb;
			std_exposure_speed(m, 0, 0, &dv, &ux, &xa, &xb);
			sd = dv < 0 ? sqrt(sd * sd - dv) : sd;
		}
		if (eh) {
			head = m->edge_head;
			uh = edge_u(m->edge_head_u, m->edge_head_amp, sd);
		}
		if (et) {
			tail = m->edge_tail;
			ut = edge_u(m->edge_tail_u, m->edge_tail_amp, sd);
		}
		/* an end fitted to its samples may hold up to EDGE_END_MAX
		 * strokes, one timed from its knot and periods 1.6 */
		double hmax = eh ? EDGE_END_MAX : 1.6, tmax = et ? EDGE_END_MAX : 1.6;
		if (head >= 0 && head <= hmax && tail >= 0 && tail <= tmax) {
			span = last_slot - (double)m->first_slot;
			out->freq_hz = (npx + head + tail) / span * rate;
			ends = true;
			u_edge = sqrt(uh * uh + ut * ut);
			/* the crossings' interpolation bias the unbiasing
			 * took out may be left as large (rectangular) */
			if (eh && et)
				u_edge = sqrt(u_edge * u_edge + m->edge_unbias * m->edge_unbias / 3);
		}
	}
	if (m->nper >= 2) {
		double mp = m->per_sum / m->nper;
		double v = (m->per_sumsq - m->per_sum * mp) / (double)(m->nper - 1);
		out->period_jitter_us = v > 0 ? sqrt(v) / rate * 1e6 : 0;
	}
	rate_ends(m, out);
	out->crossing_jitter_us = tc / rate * 1e6;
	double u_stat = out->freq_hz * sqrt(2.0 * nseg) * tc / span;
	double u_model = u_edge / span * rate;
	/* the ends' interpolation error (rectangular, each end) */
	if (m->learned && m->t_ref_slots > 0) {
		double e = interp_error_cycles(&m->shape, m->mid_um, 1.0 / m->t_ref_slots);
		double ue = out->freq_hz * e * m->t_ref_slots / span * sqrt(2.0 / 3.0); /* Hz */
		u_model = sqrt(u_model * u_model + ue * ue);
	}
	/* a count that may be one off, per doubtful interval, and the
	 * bridged counts a speed change inside their gap made unsure
	 * (rectangular over the counts possible, tally.c bridge_check).
	 * The clean intervals counted as several periods (a crossing lost,
	 * tally.c freq_interval) are judged against the last single period,
	 * which they do not update: after a step to half the speed every
	 * stroke reads two periods, all one off the same way. Their doubt
	 * is not independent: a rectangular +-n_multi, where that exceeds
	 * the independent sqrt(n_multi) (1 kHz, a step to x0.50 at 20 Hz:
	 * 33 strokes counted twice, +189 236 ppm against U 65 314). */
	double nm = (double)m->n_susp_multi;
	double u_count = sqrt((double)m->n_susp - nm + fmax(nm, nm * nm / 3) + m->br_var) / span *
			 rate;
	/* A gap that could not be counted split the record, or the partial
	 * strokes at its ends were not added: the figure is the mean over
	 * the segments, not over the record. The unseen time's rate may
	 * differ from it by the periods' scatter (wander; 4 kHz, the last
	 * stroke with an error value in it: +8.6 ppm against U 7.0), and an
	 * unseen end by as much as the speed next to it differs from the
	 * mean (unseen_gap_rel). */
	double rec = last_slot - (double)m->first_slot, u_gap = 0;
	if ((m->gap_split || !ends) && rec > span) {
		u_gap = out->freq_hz * unseen_gap_rel(m, out, span, rec) / rec;
		out->unseen_end_trend = unseen_end_trend(m, out, span, rec, &out->unseen_end_pct,
							 &out->unseen_end_ms, &out->unseen_end_tail);
		if (!out->unseen_end_trend)
			out->unseen_end_long = unseen_end_long(m, out, span, rec, &out->unseen_end_ms,
							       &out->unseen_end_tail);
	}
	out->freq_u_gap_hz = u_gap;
	double u_clk = out->freq_hz * m->cfg.clock_ppm * 1e-6 / sqrt(3.0);
	out->freq_u_stat_hz = u_stat;
	out->freq_u_model_hz = u_model;
	out->freq_u_count_hz = u_count;
	out->count_unsure = m->br_unsure;
	out->count_unsure_ms = m->br_unsure_slots / rate * 1e3;
	out->count_unsure_lo = m->br_unsure_lo;
	out->count_unsure_hi = m->br_unsure_hi;
	out->freq_U_hz = 2.0 * sqrt(u_stat * u_stat + u_model * u_model + u_count * u_count +
				    u_gap * u_gap + u_clk * u_clk);
}

/* No valid sample at all: out of range, or which error most. */
static void status_no_valid(const struct measure *m, struct measure_stats *out)
{
	uint64_t oor = m->invalid_by_status[LASER_ERR_PEAK_BEFORE] +
		       m->invalid_by_status[LASER_ERR_PEAK_AFTER];
	int worst = 1;
	for (int s = 1; s < LASER_STATUS_COUNT; s++)
		if (m->invalid_by_status[s] > m->invalid_by_status[worst])
			worst = s;
	if (oor * 2 > m->samples)
		set_msg(out, MEASURE_OUT_OF_RANGE,
			"target out of the measuring range: %llu of %llu samples before "
			"or after the range, none valid",
			(unsigned long long)oor, (unsigned long long)m->samples);
	else
		set_msg(out, MEASURE_ALL_INVALID,
			"no valid sample: all %llu samples invalid (most: %s, %llu)",
			(unsigned long long)m->samples, laser_status_name((enum laser_status)worst),
			(unsigned long long)m->invalid_by_status[worst]);
}

/* What linear interpolation alone makes the even and odd periods as
 * detected differ by (cycles, signed: even less odd), from where the
 * samples fell about their crossings (lr_ph) and the shape about the
 * crossing (interp_error_at); false: no shape to say. *bent: false, and
 * the shape's cubic does not rise over a sample spacing where samples
 * fell about a crossing. No stroke's flank does that at its mid-level
 * crossing: the strokes folded into the shape were not one shape (4 kHz,
 * a 53 um, 1.57 % cam at 38.5 samples a stroke: the fold zigzags by
 * 30..70 um from bin to bin on the flanks, its cubic's second derivative
 * 41 slope^2 / travel, where a cam's is at most about 1.6). */
static bool sampling_alternation(const struct measure *m, double h, double *alt_cycles,
				 bool *bent)
{
	double s[3], e[2] = { 0, 0 }, c;
	*alt_cycles = 0;
	*bent = false;
	if (!m->learned || !interp_cubic(&m->shape, m->mid_um, h, s))
		return false;
	for (int k = 0; k < 2; k++) {
		for (unsigned b = 0; b < LOBE_PH_BINS; b++) {
			if (m->lr_ph[k][b] == 0)
				continue;
			if (!interp_error_at(s, h, h * (b + 0.5) / LOBE_PH_BINS, &c)) {
				*bent = true;
				return false;
			}
			e[k] += m->lr_ph[k][b] * c;
		}
		e[k] /= m->lr_n[k];
	}
	*alt_cycles = e[0] - e[1];
	return true;
}

/* Alternate strokes: depth and rate of the even and the odd ones; they
 * differ when beyond 6 standard errors and 2 um or 0.2 % of the period. */
/* The periods as detected (m->lr_*, every stroke between reliable
 * crossings, fitted or not) of even and odd strokes differ beyond 6
 * standard errors and 1 % of the period plus what the sampling can
 * alternate: a crossing timed by linear interpolation errs by up to e
 * cycles (interp_error_cycles) depending on where the samples fall, and
 * with a period near a whole number and a half of samples that place
 * alternates from stroke to stroke: even and odd periods can differ by 4 e
 * (1 kHz, 95.238 Hz, no wander: 1.4 %), less as the pattern slides by
 * N |delta| samples over the N strokes (delta: the period's distance from
 * the half). A two-lobe cam whose smeared shape the fits refuse, or follow
 * wrongly, still shows here: at 1 kHz a 42 um, 1.5 % cam had 69 of 188
 * strokes refused as "not the stroke shape" and the rest read 57 um deep
 * (U 29) with no alternation, status ok (tests/test_blind_captures.sh).
 * That bound is the worst over where the samples can fall; where they did
 * fall says what the sampling alternates (sampling_alternation; lobe-free,
 * within 0.4 % of the period and 28 % of itself). What is left beyond it,
 * past 6 standard errors and 1 % plus 0.3 times it, is lobes too: a
 * 40.5 um, 1.44 % cam at 9.505 samples a stroke alternated by 2.8 % under
 * a bound of 5.2 %, 1.2 % of it the sampling's, and read ok, strokes 40 um
 * off (blind_hunt.py lobes 1000 10911). Where the shape cannot say what
 * the sampling did because it is bent at its crossing (sampling_alternation:
 * the fold of two lobes), the worst case from it cannot either (4 kHz,
 * 38.5 samples a stroke: 17 % of the period): nothing explains the
 * alternation away, and past 6 standard errors and 1 % it is lobes (a
 * 53 um, 1.57 % cam alternated by 2.9 % and read ok, strokes 80 um off;
 * blind_hunt.py lobes 4000 11009). */
static bool lobes_by_raw_period(const struct measure *m, double f_hz[2])
{
	const double *n = m->lr_n;
	if (n[0] < 4 || n[1] < 4 || !(m->t_ref_slots > 2))
		return false;
	double mp[2], vp[2];
	for (int k = 0; k < 2; k++) {
		mp[k] = m->lr_p[k] / n[k];
		vp[k] = fmax(0, (m->lr_pp[k] - m->lr_p[k] * mp[k]) / (n[k] - 1));
		f_hz[k] = mp[k] > 0 ? 1 / mp[k] : 0;
	}
	double dp = num_abs(mp[0] - mp[1]), sp = sqrt(vp[0] / n[0] + vp[1] / n[1]);
	double T = m->t_ref_slots, delta = num_abs(T - floor(T) - 0.5);
	double slide = (n[0] + n[1]) * delta;
	double alt = 4 * interp_error_cycles(&m->shape, m->mid_um, 1.0 / T) /
		     (slide > 1 ? slide : 1);
	double pred = 0;
	bool bent, have_pred = sampling_alternation(m, 1.0 / T, &pred, &bent);
	double P = (mp[0] + mp[1]) / 2, rest = num_abs(mp[0] - mp[1] - pred * P);
	if (dp > 6 * sp && dp > ((bent ? 0 : alt) + 0.01) * P)
		return true;
	return have_pred && rest > 6 * sp && rest > (0.01 + 0.3 * num_abs(pred)) * P;
}

/* The strokes' mean levels (stats_level: each less the level its own
 * fitted peak and trough make with the shape) of even strokes less the
 * next odd ones' differ beyond 6 standard errors, 2 um and the pairs' own
 * spread: two lobes whose depths the fits do not follow, where the periods
 * as detected hide them. At 1 kHz, 7.5 samples a stroke, a 43 um, 1.4 %
 * cam read as ok, depth +22 um against U 15 (its raw periods within what
 * the sampling can alternate, its fitted depths alternating by 4 um
 * where the truth does by 43), and at 4 kHz a 37 um, 1.9 % one +35 um
 * against U 28; their levels alternate by 13 um, 2.4 and 3.5 times the
 * pairs' spread (tests/test_blind_captures.sh). The sampling alternates
 * too with a period near a whole number and a half of samples: as the
 * pattern slides its part changes from pair to pair (lobe-free, 1 kHz:
 * at most 0.6 times the spread), but a pattern that slides by less than a
 * sample over the record (N |delta| < 1) repeats it, up to 16 um: no
 * verdict from the levels there. */
static bool lobes_by_level(const struct measure *m, double *diff_um)
{
	double n = m->lv_n;
	if (n < 8 || !(m->t_ref_slots > 2))
		return false;
	double md = m->lv_d / n, vd = fmax(0, (m->lv_dd - m->lv_d * md) / (n - 1));
	double T = m->t_ref_slots, delta = num_abs(T - floor(T) - 0.5);
	*diff_um = md;
	return 2 * n * delta >= 1 && num_abs(md) > 6 * sqrt(vd / n) && md * md > vd &&
	       num_abs(md) > 2.0;
}

/* Lobes reported (followed) and a ring taken on the folded top: the fold
 * of two lobes' tops can look like a ring's crest over the smooth top,
 * and the depth then reads the crest. On the virtual bench (30 um, 1.5 %
 * lobes, 4 kHz) the depth read +10.8 um against U 5.0 with a "ring" of
 * 11.1 um taken, where no ring was; of 92 misses over 200 seeds of four
 * such settings 84 had a ring taken, 8 one unsure, 82 of them 0.7 to 1.3
 * times the error (docs/measurement.md, "Two-lobe cams"). Whether the
 * crest is a ring or the lobes is not told apart: its rise is a bound,
 * added whole to U. An unresolved ring's rise counts in U already. */
static void lobes_ring_bound(struct measure_stats *out)
{
	if (!out->has_lobes || out->lobes_unfollowed || !out->has_depth ||
	    (out->ring != MEASURE_RING_TAKEN && out->ring != MEASURE_RING_UNSURE) ||
	    !(out->ring_seen_um > 0))
		return;
	out->depth_U_um += out->ring_seen_um;
}

static void result_lobes(const struct measure *m, struct measure_stats *out)
{
	const double *n = m->lb_n;
	double raw_f[2] = { 0, 0 }, lv = 0;
	bool raw = lobes_by_raw_period(m, raw_f);
	bool by_level = lobes_by_level(m, &lv);
	if (n[0] < 4 || n[1] < 4) {
		if (raw || by_level) {
			out->has_lobes = out->lobes_unfollowed = true;
			out->lobe_freq_hz[0] = raw_f[0];
			out->lobe_freq_hz[1] = raw_f[1];
			out->lobe_level_um = by_level ? lv : 0;
		}
		return;
	}
	double md[2], vd[2], mp[2], vp[2];
	for (int k = 0; k < 2; k++) {
		md[k] = m->lb_d[k] / n[k];
		vd[k] = (m->lb_dd[k] - m->lb_d[k] * md[k]) / (n[k] - 1);
		mp[k] = m->lb_p[k] / n[k];
		vp[k] = (m->lb_pp[k] - m->lb_p[k] * mp[k]) / (n[k] - 1);
		out->lobe_depth_um[k] = m->d_ref + md[k];
		out->lobe_freq_hz[k] = mp[k] > 0 ? 1 / mp[k] : 0;
	}
	double dd = num_abs(md[0] - md[1]), dp = num_abs(mp[0] - mp[1]);
	double sd = sqrt(vd[0] / n[0] + vd[1] / n[1]), sp = sqrt(vp[0] / n[0] + vp[1] / n[1]);
	bool by_period = dp > 6 * sp && dp > 0.002 * (mp[0] + mp[1]) / 2;
	out->has_lobes = (dd > 6 * sd && dd > 2.0) || by_period;
	if (raw && !out->has_lobes) {
		out->has_lobes = out->lobes_unfollowed = true;
		out->lobe_depth_um[0] = out->lobe_depth_um[1] = 0; /* not followed */
		out->lobe_freq_hz[0] = raw_f[0];
		out->lobe_freq_hz[1] = raw_f[1];
	}
	if (by_level && !out->has_lobes) {
		out->has_lobes = out->lobes_unfollowed = true;
		out->lobe_depth_um[0] = out->lobe_depth_um[1] = 0; /* not followed */
		out->lobe_level_um = lv;
		if (raw_f[0] > 0 && raw_f[1] > 0) {
			out->lobe_freq_hz[0] = raw_f[0];
			out->lobe_freq_hz[1] = raw_f[1];
		}
	}
	/* Lobes of unequal periods fold into one smeared shape: the depths
	 * (of each lobe and their mean) are off by up to half the lobes'
	 * difference and more (a 30 um, 1.5 % cam: the mean 7..11 um, lobe 0
	 * 13 um). Reported anyway (lobes_ok), the difference counts in U as
	 * a rectangular half-width. */
	if (by_period && out->has_depth) {
		double u_lobe = dd / sqrt(3.0), uh = out->depth_U_um / 2;
		out->depth_u_model_um = sqrt(out->depth_u_model_um * out->depth_u_model_um +
					     u_lobe * u_lobe);
		out->depth_U_um = 2 * sqrt(uh * uh + u_lobe * u_lobe);
	}
	lobes_ring_bound(out);
}

/* [quality] max_noise_pct, % (0: the default 5 %; below 0: off). */
static double noise_gate_pct(const struct measure_gates *g)
{
	return g->max_noise_pct == 0 ? 5.0 : g->max_noise_pct;
}

/* The sample noise near the tops against the travel above it refuses the
 * record beyond noise_gate_pct. */
static bool noise_over_gate(const struct measure *m, const struct measure_stats *out)
{
	double max_noise = noise_gate_pct(&m->cfg.gates);
	return max_noise > 0 && out->has_depth && out->noise_pct > max_noise;
}

/* A stall seen in a noisy record: did the samples keep moving over the
 * second half of its window (detect.c, stall_sd_um)? A pen that stopped
 * reads its sample noise there (1.9..2.0 um against 1.9..2.0 in
 * test_measure's stalls); noise that broke the strokes' detection leaves
 * the stroke's own spread (noisy 4000 11201: 42.3 um against 27.7 um of
 * noise on a 222 um travel). Moving: the spread's variance beyond the
 * noise's by 3 standard errors of a variance of n samples, and its part
 * beyond the noise over a tenth of the travel (a stroke's is about 0.35
 * of it). A short window may fall in a dwell and read flat although the
 * pen ran (11317: 17 samples, 34 um against 42 um): flat says "a stall,
 * or the noise", never "stalled" alone. */
static bool stall_moving(const struct measure *m, const struct measure_stats *out)
{
	double sd = m->stall_sd_um, nz = out->noise_um;
	if (m->stall_sd_n < 2 || !(sd >= 0) || !(nz > 0))
		return false;
	double ratio = 1 + 3 * sqrt(2.0 / (m->stall_sd_n - 1));
	return sd * sd > nz * nz * ratio && sqrt(sd * sd - nz * nz) > 0.1 * out->travel_um;
}

/* A refused record's drift figure goes with its other figures: it rests
 * on the same strokes' troughs (result_gates, measure_gate_phase_gap). */
static void withhold_drift(struct measure_stats *st)
{
	st->has_drift = st->drift_detected = st->drift_corrected = false;
}

/* The quality gates (struct measure_gates) on a record that is otherwise
 * ok: a status that says why, and its figures withheld. */
static void result_gates(const struct measure *m, struct measure_stats *out)
{
	const struct measure_gates *g = &m->cfg.gates;
	double max_noise = noise_gate_pct(g);
	bool noisy = noise_over_gate(m, out);
	if (noisy && m->stall_seen) {
		bool moving = stall_moving(m, out);
		set_msg(out, MEASURE_NOISY,
			"signal too noisy: sample noise %.1f um is %.1f %% of the %.0f um travel "
			"(gate %.1f %%); no stroke for %.0f ms at %.3f s, the samples %s "
			"(spread %.1f um)%s", out->noise_um, out->noise_pct, out->travel_um, max_noise,
			m->stall_len_s * 1e3, m->stall_at_s, moving ? "still moving" : "flat there",
			m->stall_sd_um, moving ? ": not a stall" : ": a stall, or the noise");
	} else if (noisy)
		set_msg(out, MEASURE_NOISY,
			"signal too noisy: sample noise %.1f um is %.1f %% of the %.0f um travel "
			"(gate %.1f %%)", out->noise_um, out->noise_pct, out->travel_um, max_noise);
	else if (out->lobes_unfollowed && out->lobe_level_um != 0)
		set_msg(out, MEASURE_LOBES,
			"alternate strokes' mean levels differ by %.1f um beyond their fitted "
			"depths (a two-lobe cam?), %.3f and %.3f Hz: the engine could not "
			"follow the lobes", num_abs(out->lobe_level_um), out->lobe_freq_hz[0],
			out->lobe_freq_hz[1]);
	else if (out->lobes_unfollowed)
		set_msg(out, MEASURE_LOBES,
			"alternate strokes' periods differ (a two-lobe cam?): %.3f and %.3f Hz "
			"as detected, but the fitted strokes do not follow them: the engine "
			"could not follow the lobes", out->lobe_freq_hz[0], out->lobe_freq_hz[1]);
	else if (out->has_lobes && !g->lobes_ok)
		set_msg(out, MEASURE_LOBES,
			"alternate strokes differ (a two-lobe cam?): %.1f and %.1f um deep, "
			"%.3f and %.3f Hz; the engine folds one stroke shape and cannot follow "
			"(per lobe: approximate)",
			out->lobe_depth_um[0], out->lobe_depth_um[1], out->lobe_freq_hz[0],
			out->lobe_freq_hz[1]);
	else if (g->max_rate_change_pct > 0 && out->has_freq && out->rate_start_hz > 0 &&
		 out->rate_end_hz > 0 &&
		 num_abs(out->rate_change_pct) - out->rate_change_U_pct > g->max_rate_change_pct)
		set_msg(out, MEASURE_UNSTEADY,
			"rate not steady: %.3f Hz at the start, %.3f Hz at the end (%+.2f %% +- "
			"%.2f %%, beyond the gate %.2f %% by more than its U)", out->rate_start_hz,
			out->rate_end_hz, out->rate_change_pct, out->rate_change_U_pct,
			g->max_rate_change_pct);
	else if (g->max_rate_trend_pct > 0 && out->has_freq &&
		 out->rate_trend_z >= MEASURE_TREND_Z &&
		 num_abs(out->rate_trend_pct) > g->max_rate_trend_pct)
		set_msg(out, MEASURE_UNSTEADY,
			"rate not steady: it changed %+.2f %% over the record (a line through "
			"its periods, %.0f standard errors from flat; gate %.2f %%)",
			out->rate_trend_pct, out->rate_trend_z, g->max_rate_trend_pct);
	else if (g->max_drift_um > 0 && out->has_drift && num_abs(out->drift_um) > g->max_drift_um)
		set_msg(out, MEASURE_DRIFT,
			"readings drifted %+.1f um over the record (retracted position; gate %.1f um)",
			out->drift_um, g->max_drift_um);
	else
		return;
	out->has_depth = out->has_freq = false;
	/* The drift's figure goes with them: it rests on the same strokes'
	 * troughs, and a reader takes a figure printed under a refusal (noisy
	 * 4000 11201: "drift: -12.09 um +- 78.91 um ... not detected" under
	 * "noisy", from troughs the noise had set). Under the drift gate it is
	 * the reason, and stays. */
	if (out->status != MEASURE_DRIFT)
		withhold_drift(out);
}

/* The gates on the depth below act on a record whose depth stands: ok,
 * or with its rate alone withheld (MEASURE_UNSEEN_END; then both are
 * withheld and the message says so, also_unseen). */
static bool depth_stands(const struct measure_stats *st)
{
	return (st->status == MEASURE_OK || st->status == MEASURE_UNSEEN_END) && st->has_depth;
}

static const char *also_unseen(const struct measure_stats *st)
{
	return st->status == MEASURE_UNSEEN_END
		       ? (st->unseen_end_trend
				  ? "; the rate withheld too (the speed changing next to an unseen end)"
				  : "; the rate withheld too (an end of the record not counted)")
		       : "";
}

/* [quality] max_phase_gap_pct: the samples fell on too few phases of the
 * stroke (a stroke rate that divides the laser's, no speed wander) and the
 * top lies between them: its depth rests on the phase coverage term alone
 * (a cam at 160 Hz read 46 um low before that term). The depth is
 * withheld; the rate, which the gap does not touch, is kept. */
void measure_gate_phase_gap(struct measure_stats *st, const struct measure_gates *g)
{
	if (!g || !(g->max_phase_gap_pct > 0) || !depth_stands(st) ||
	    st->phase_gap * 100 <= g->max_phase_gap_pct)
		return;
	const char *also = also_unseen(st);
	set_msg(st, MEASURE_PHASE_GAP,
		"top between sampled phases: %.2f %% of the period unsampled (gate %.2f %%; "
		"a rate dividing the laser's, no wander): depth and drift withheld%s",
		st->phase_gap * 100, g->max_phase_gap_pct, also);
	st->has_depth = false;
	/* The troughs were sampled at the same few phases as the top (the
	 * grid's phases are the same all round the stroke), and the drift
	 * figure rests on them: their pattern as the phases crawl reads as
	 * drift (near-integer drift 1000 16304, 7.998 samples a stroke, gap
	 * 5.2 %: -16.82 um, U 5.45, for -9.18). A report that withholds the
	 * depth and states a drift from the same strokes reads as if the
	 * troughs were fine: withheld too, as under the other gates. */
	withhold_drift(st);
}

void measure_gate_ring_bound(struct measure_stats *st)
{
	if (!depth_stands(st) || !st->ring_over_bound)
		return;
	const char *also = also_unseen(st);
	set_msg(st, MEASURE_RING_BOUND,
		"the tips rang %.2f um over the smooth top, beyond the fixture's pad ring bound "
		"(ring_max_um): the bound is wrong or the pad changed: depth withheld; "
		"characterize the pad again%s", st->ring_seen_um, also);
	st->has_depth = false;
}

/* Status, most basic problem first. */
static void result_status(const struct measure *m, struct measure_stats *out)
{
	uint64_t valid = m->samples - m->invalid;
	if (m->samples == 0) {
		set_msg(out, MEASURE_NO_DATA, "no samples in the record");
	} else if (valid == 0) {
		status_no_valid(m, out);
	} else if (!m->ever_leveled && m->flat_p2p_um == 0 && m->edge_ok) {
		set_msg(out, MEASURE_NO_STROKES,
			"record too short: %llu samples; finding the stroke level needs %u",
			(unsigned long long)m->samples, m->boot_len);
	} else if (!m->ever_leveled) {
		set_msg(out, MEASURE_FLAT,
			"no motion: the extension varied by only %.1f um (a stroke needs >= %.0f um)",
			m->flat_p2p_um, m->min_stroke_um);
	} else if (m->stall_seen && !noise_over_gate(m, out)) {
		/* Noise over the gate crosses the strokes' level between the
		 * strokes' own crossings: the periods read short, the stall
		 * limit with them, and a stroke's own period then reads as a
		 * stall (noisy 4000 11201: "stalled" at 0.037 s, 43 of them,
		 * and a rate of 1328 Hz +- 1180 for 85.6 Hz). The noise gate
		 * refuses it, saying whether the samples stopped
		 * (result_gates). */
		set_msg(out, MEASURE_STALLED,
			"strokes stopped at %.3f s (none for %.0f ms or more); %llu strokes before",
			m->stall_at_s, m->stall_len_s * 1e3, (unsigned long long)m->stall_strokes);
	} else if (m->strokes < 2) {
		set_msg(out, MEASURE_NO_STROKES,
			"%llu accepted strokes (need 2); rejected: %llu invalid sample, %llu period, "
			"%llu no top",
			(unsigned long long)m->strokes,
			(unsigned long long)m->rejected[MEASURE_REJECT_INVALID],
			(unsigned long long)m->rejected[MEASURE_REJECT_PERIOD],
			(unsigned long long)m->rejected[MEASURE_REJECT_NO_TOP]);
	} else {
		out->status = MEASURE_OK;
		result_gates(m, out);
		if (out->status == MEASURE_OK && out->has_freq && out->unseen_end_long) {
			set_msg(out, MEASURE_UNSEEN_END,
				"rate withheld: no stroke counted over the record's %s %.0f ms "
				"(%.1f periods; error values there): what the pen did there is "
				"not in the record",
				out->unseen_end_tail ? "last" : "first", out->unseen_end_ms,
				out->unseen_end_ms * 1e-3 * out->freq_hz);
			out->has_freq = false;
		} else if (out->status == MEASURE_OK && out->has_freq && out->unseen_end_trend) {
			set_msg(out, MEASURE_UNSEEN_END,
				"rate withheld: the speed changed next to the record's unseen %s "
				"(%.0f ms; its trend, carried over it: %+.2f %%): what the pen "
				"did there is not in the record",
				out->unseen_end_tail ? "end" : "start", out->unseen_end_ms,
				out->unseen_end_pct);
			out->has_freq = false;
		}
	}
}

void measure_result(const struct measure *m, struct measure_stats *out)
{
	memset(out, 0, sizeof *out);
	out->first_slot = m->first_slot;
	out->samples = m->samples;
	out->invalid_samples = m->invalid;
	memcpy(out->invalid_by_status, m->invalid_by_status, sizeof out->invalid_by_status);
	out->duration_s = (double)m->samples / m->cfg.rate_hz;
	out->strokes = m->strokes;
	for (int r = 1; r < MEASURE_REJECT_COUNT; r++) {
		out->rejected_by_reason[r] = m->rejected[r];
		out->strokes_rejected += m->rejected[r];
	}
	if (m->strokes >= 2)
		result_depth(m, out);
	result_freq(m, out);
	result_lobes(m, out);
	result_status(m, out);
}

const char *measure_status_name(enum measure_status s)
{
	static const char *const names[MEASURE_STATUS_COUNT] = {
		[MEASURE_OK] = "ok",
		[MEASURE_NO_DATA] = "no data",
		[MEASURE_ALL_INVALID] = "all invalid",
		[MEASURE_OUT_OF_RANGE] = "out of range",
		[MEASURE_FLAT] = "flat",
		[MEASURE_NO_STROKES] = "no strokes",
		[MEASURE_STALLED] = "stalled",
		[MEASURE_NOISY] = "noisy",
		[MEASURE_UNSTEADY] = "unsteady",
		[MEASURE_LOBES] = "two lobes",
		[MEASURE_DRIFT] = "drift",
		[MEASURE_PHASE_GAP] = "phase gap",
		[MEASURE_RING_BOUND] = "ring bound",
		[MEASURE_UNSEEN_END] = "unseen end",
	};
	return (unsigned)s < MEASURE_STATUS_COUNT ? names[s] : "unknown";
}

const char *measure_reject_name(enum measure_reject r)
{
	static const char *const names[MEASURE_REJECT_COUNT] = {
		[MEASURE_STROKE_OK] = "",
		[MEASURE_REJECT_INVALID] = "invalid sample",
		[MEASURE_REJECT_PERIOD] = "irregular period",
		[MEASURE_REJECT_STALL] = "stall",
		[MEASURE_REJECT_NO_TOP] = "no sample near the top",
		[MEASURE_REJECT_SHAPE] = "not the stroke shape",
	};
	return (unsigned)r < MEASURE_REJECT_COUNT ? names[r] : "unknown";
}

/* The folded shape's bins, merged to at most cap (moved from shape.c,
 * which holds the shape's model). */
size_t measure_shape(const struct measure *m, struct measure_shape_bin *out, size_t cap)
{
	const struct bins *bn = &m->bins;
	if (!m->learned || !bn->n || !cap)
		return 0;
	/* Merge groups of source bins so that at most cap come out. */
	size_t group = (bn->n + cap - 1) / cap;
	size_t nout = (bn->n + group - 1) / group;
	for (size_t k = 0; k < nout; k++) {
		double sx = 0, sxx = 0;
		uint32_t c = 0;
		size_t j0 = k * group, j1 = j0 + group < bn->n ? j0 + group : bn->n;
		for (size_t j = j0; j < j1; j++) {
			sx += bn->sx[j];
			sxx += bn->sxx[j];
			c += bn->cnt[j];
		}
		double mean = c ? sx / c : NAN;
		double var = c > 1 ? (sxx - sx * mean) / (c - 1) : NAN;
		out[k] = (struct measure_shape_bin){
			.phase = ((double)j0 + (double)(j1 - j0) / 2) / bn->n,
			.mean_um = mean,
			.std_um = c > 1 ? sqrt(var > 0 ? var : 0) : NAN,
			.samples = c,
		};
	}
	return nout;
}
