/* edge.c - the phase of the record's first and last sample, from the
 * samples around them: the partial strokes at the ends of the record.
 *
 * The mean rate over a record is (phase at its last sample - phase at its
 * first) / span. Between the first and the last stroke end the whole
 * strokes are counted; what is left are the two partial strokes. Timed
 * from the end knots and the periods next to them, each carried the end
 * knot's own timing error and an extrapolation of the rate over up to 1.6
 * periods (a start-up, a frequency modulation: 1 kHz, 2.9 % FM at 2.85 Hz
 * read +43 ppm; a start from 65 %, +86 ppm). Here the phase near each end
 * is fitted to the samples themselves, against the learned shape: a
 * polynomial phase in time over the partial stroke and the whole strokes
 * next to it (quadratic, cubic where the pen changes speed there), one
 * common offset, and a ripple of the pen's speed where the crossings next
 * to the end show one (edge_ripple), or, near the stroke rate or twice
 * it, the samples of the strokes next to it (edge_sync_ripple), without a
 * sample that stands alone far out of it (edge_outlier); the knots only label the
 * strokes and start the fit (as do the crossings as detected, where the
 * knots went astray, and the knots before the end knot, where the fit
 * from the end knot left most of the open stroke out of its gate:
 * edge_open_follows). The phase of the end sample then needs no knot time
 * at all.
 */
#include "measure/engine.h"

#include <string.h>

#define EDGE_AMP_STROKES 6    /* strokes a window touches, at most */
#define EDGE_NP_FIT 9         /* c0 .. c3, the open stroke's three, the settling and the offset */
#define EDGE_NP_MAX (EDGE_NP_FIT + EDGE_AMP_STROKES) /* and each stroke's amplitude */
#define EDGE_NC 7             /* a fit's coefficients: c0 .. c3, the open stroke's three */
#define EDGE_BEND 2           /* the open stroke's own terms, u^2 and u^3 there (one more: u^4) */
#define EDGE_ITERS 6
#define EDGE_WHOLE 2u         /* whole strokes next to the partial one */
#define EDGE_GATE_CYC 0.005   /* the shape's gate after the first pass, cycles */
#define EDGE_DROP_MAX 2       /* samples a fit leaves out as outliers, at most */
#define EDGE_DROP_T 5.0       /* an outlier's studentized residual, at least */
#define EDGE_OPEN_MIN 6u      /* the open stroke's valid samples edge_open_follows needs */
#define EDGE_MISFIT_MAX 6.0   /* an end fit's misfit (edge_misfit) it is taken with, at most */
#define EDGE_MISFIT_GAIN 4.0  /* the open stroke's own curve explains a misfit: by this factor */
#define EDGE_Q4_KNOTS 6u      /* the knots after the head's that edge_head_quartic reads */
#define EDGE_Q4_MIN 0.0002    /* their quartic's u^4 coefficient (strokes) that calls for one */
#define EDGE_ADV_W 0.8        /* a changing-speed head's samples: on the advance, below this level */
#define EDGE_ADV_SLOTS 25.0   /* ... where its strokes hold this many samples, at least */
#define EDGE_ADV_MANY 100.0   /* ... whether or not it stands apart, from this many */
#define EDGE_SETTLE_TAUS 0.25, 0.5, 1.0, 2.0 /* a settling contact's time constants, periods */
#define EDGE_SETTLE_F 40.0    /* ... taken where it takes this much misfit away, n (mf - mf_s) / mf_s */

/* Solve the symmetric positive n x n system A x = b (num_solve_sym, the
 * Cholesky the drift fit uses); inv receives A^-1. False when A is not
 * positive definite. */
static bool solve_spd(int n, double A[EDGE_NP_MAX][EDGE_NP_MAX], const double *b, double *x,
		      double inv[EDGE_NP_MAX][EDGE_NP_MAX])
{
	double a[EDGE_NP_MAX * EDGE_NP_MAX], ai[EDGE_NP_MAX * EDGE_NP_MAX];
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			a[i * n + j] = A[i][j];
	if (!num_solve_sym((unsigned)n, a, b, x, ai))
		return false;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			inv[i][j] = ai[i * n + j];
	return true;
}

/* The phase polynomial sum c[j] u^j, u = (t - t0) / P. */
static double poly_at(const double *c, int deg, double u)
{
	double v = 0;
	for (int j = deg; j >= 0; j--)
		v = v * u + c[j];
	return v;
}

/* Its derivative d/du. */
static double poly_slope(const double *c, int deg, double u)
{
	double v = 0;
	for (int j = deg; j >= 1; j--)
		v = v * u + j * c[j];
	return v;
}

/* A ripple of the pen's speed (a PWM's) at a fixed frequency moves the
 * phase by a sinusoid the end fits' polynomial over three strokes cannot
 * follow. It is found in the crossings next to the end, as detected: their
 * times less a local quadratic (a 7-point Savitzky-Golay residual, which
 * takes out a start-up's or an FM's trend) against the same residual of a
 * sinusoid, over a grid of frequencies. Sampled once a stroke, the
 * crossings see it aliased into 0..0.5 cycles a stroke (nu); the end fit
 * takes whichever of no ripple, nu, 1 - nu, 1 + nu, 2 - nu, 2 + nu and
 * 3 - nu follows the samples best (edge_fits): at the crossings they are
 * one ripple, between them they differ, and the end sample lies between
 * them (4 kHz, 0.17 % at 88.1 Hz on a 68.4 Hz pen, nu 0.287 of a true
 * 1.287: with nu and 1 - nu alone both ends read 0.0004-0.0006 cycles
 * short, -7.6 ppm against U 6.2; ringing 4000 9821 of
 * tests/gen/blind_hunt.py). The crossings as detected carry their
 * interpolation bias, which beats at the fraction of a slot the period
 * holds: it is fitted away first (1 kHz, 12.7 slots a stroke: without that
 * the scan found the beat at 0.28 cycles a stroke, not the PWM's 0.46).
 * Measured (speed 1000 7, 0.44 % at 42 Hz on a 79 Hz pen): -12.6 ppm, now
 * -8.1. */
#define RIP_SPAN 96u          /* crossings next to the end, at most */
#define RIP_MIN 16u           /* usable residuals, at least */
#define RIP_NU_LO 0.1         /* cycles a stroke, aliased */
#define RIP_NU_HI 0.5
#define RIP_SIGNIF 35.0       /* the sum of squares it explains, in noise variances */
#define RIP_CAND EDGE_RIP_CAND
#define RIP_GRID 128         /* the scan's frequencies, at most */
#define RIP_BIAS_H 2          /* harmonics of the interpolation bias */

/* x[k] less its 7-point quadratic smoothing (Savitzky-Golay: -2, 3, 6, 7,
 * 6, 3, -2 over 21) */
static inline double sg7_resid(const double *x, uint32_t k)
{
	return x[k] * (14.0 / 21) - (6.0 / 21) * (x[k - 1] + x[k + 1]) -
	       (3.0 / 21) * (x[k - 2] + x[k + 2]) + (2.0 / 21) * (x[k - 3] + x[k + 3]);
}

/* The fit of the ripple at frequency g (cycles a slot) to y[] (phase
 * residuals, cycles) at the crossings t[k], k = 3 .. n - 4 where ok[k];
 * returns the sum of squares it explains. */
static double rip_fit_cs(const double *cs, const double *sn, const double *y, const bool *ok,
			 uint32_t n, double g, struct edge_rip *r)
{
	double A = 0, B = 0, C = 0, bc = 0, bs = 0;
	for (uint32_t k = 3; k + 3 < n; k++) {
		if (!ok[k])
			continue;
		double fc = sg7_resid(cs, k), fs = sg7_resid(sn, k);
		A += fc * fc;
		B += fc * fs;
		C += fs * fs;
		bc += fc * y[k];
		bs += fs * y[k];
	}
	double det = A * C - B * B;
	if (!(det > 0))
		return 0;
	r->g = g;
	r->ca = (C * bc - B * bs) / det;
	r->sa = (A * bs - B * bc) / det;
	r->iv[0] = C / det;
	r->iv[1] = -B / det;
	r->iv[2] = A / det;
	return r->ca * bc + r->sa * bs;
}

static double rip_fit(const double *t, const double *y, const bool *ok, uint32_t n, double g,
		      struct edge_rip *r)
{
	double cs[RIP_SPAN], sn[RIP_SPAN];
	for (uint32_t k = 0; k < n; k++) {
		double a = 2 * M_PI * g * t[k];
		cs[k] = cos(a);
		sn[k] = sin(a);
	}
	return rip_fit_cs(cs, sn, y, ok, n, g, r);
}

/* The crossings L[ka .. kb] (raw times) into t[], their phase residuals
 * (cycles, a 7-point quadratic's, less the interpolation bias) into y[]
 * where ok[], and their sum of squares into *yy; the residuals' degrees
 * of freedom, 0 where too few. */
static uint32_t rip_resid(const struct xing *L, const bool *use, uint32_t ka, uint32_t kb,
			  double t[RIP_SPAN], double y[RIP_SPAN], bool ok[RIP_SPAN], double *yy)
{
	*yy = 0;
	if (kb - ka + 1 > RIP_SPAN)
		return 0;
	uint32_t n = kb - ka + 1;
	uint32_t nv = 0;
	memset(ok, 0, RIP_SPAN * sizeof *ok);
	for (uint32_t k = 0; k < n; k++)
		t[k] = L[ka + k].t_raw;
	for (uint32_t k = 3; k + 3 < n; k++) {
		bool u = true;
		for (uint32_t j = k - 3; j < k + 3; j++)
			u = u && use[ka + j];
		if (!u)
			continue;
		y[k] = -2 * sg7_resid(t, k) / (t[k + 1] - t[k - 1]);
		ok[k] = true;
		nv++;
	}
	if (nv < RIP_MIN)
		return 0;
	/* the crossings' interpolation bias repeats with where in the slot
	 * they fall (a beat at the fraction of the period's slots): taken
	 * out first, as a few harmonics of that place */
	double hb[RIP_BIAS_H * 2][RIP_SPAN];
	for (uint32_t k = 0; k < n; k++)
		for (int h = 0; h < RIP_BIAS_H; h++) {
			double a = 2 * M_PI * (h + 1) * (t[k] - floor(t[k]));
			hb[2 * h][k] = cos(a);
			hb[2 * h + 1][k] = sin(a);
		}
	double BA[RIP_BIAS_H * 2 * RIP_BIAS_H * 2] = { 0 }, Bb[RIP_BIAS_H * 2] = { 0 };
	double fb[RIP_SPAN][RIP_BIAS_H * 2];
	const int nb = RIP_BIAS_H * 2;
	for (uint32_t k = 3; k + 3 < n; k++) {
		if (!ok[k])
			continue;
		for (int q = 0; q < nb; q++)
			fb[k][q] = sg7_resid(hb[q], k);
		for (int p = 0; p < nb; p++) {
			Bb[p] += fb[k][p] * y[k];
			for (int q = 0; q < nb; q++)
				BA[p * nb + q] += fb[k][p] * fb[k][q];
		}
	}
	double bx[RIP_BIAS_H * 2], binv[RIP_BIAS_H * 2 * RIP_BIAS_H * 2];
	if (num_solve_sym((unsigned)nb, BA, Bb, bx, binv))
		for (uint32_t k = 3; k + 3 < n; k++)
			if (ok[k])
				for (int q = 0; q < nb; q++)
					y[k] -= bx[q] * fb[k][q];
	for (uint32_t k = 0; k < n; k++)
		if (ok[k])
			*yy += y[k] * y[k];
	return nv - (uint32_t)nb;
}

/* The ripple candidates near the crossings L[ka .. kb] (raw times); 0
 * when none stands out of the crossings' noise. */
static int edge_ripple(const struct xing *L, const bool *use, uint32_t ka, uint32_t kb,
		       struct edge_rip *cand, double *score)
{
	*score = 0;
	double t[RIP_SPAN], y[RIP_SPAN];
	bool ok[RIP_SPAN];
	double yy;
	uint32_t nv = rip_resid(L, use, ka, kb, t, y, ok, &yy), n = kb - ka + 1;
	if (nv == 0)
		return 0;
	double P = (t[n - 1] - t[0]) / (double)(n - 1);
	double step = 0.5 / (double)n;
	struct edge_rip r;
	/* the grid by rotation: cos and sin at each crossing, turned by
	 * the step's angle there */
	double cs[RIP_SPAN], sn[RIP_SPAN], rc[RIP_SPAN], rs[RIP_SPAN];
	for (uint32_t k = 0; k < n; k++) {
		double a = 2 * M_PI * RIP_NU_LO / P * t[k], d = 2 * M_PI * step / P * t[k];
		cs[k] = cos(a);
		sn[k] = sin(a);
		rc[k] = cos(d);
		rs[k] = sin(d);
	}
	double ev[RIP_GRID];
	int ng = 0, ib = 0;
	for (double v = RIP_NU_LO; v <= RIP_NU_HI && ng < RIP_GRID; v += step, ng++) {
		ev[ng] = rip_fit_cs(cs, sn, y, ok, n, v / P, &r);
		if (ev[ng] > ev[ib])
			ib = ng;
		for (uint32_t k = 0; k < n; k++) {
			double c = cs[k] * rc[k] - sn[k] * rs[k];
			sn[k] = sn[k] * rc[k] + cs[k] * rs[k];
			cs[k] = c;
		}
	}
	/* the peak between the grid's points: a parabola through three */
	double nu = RIP_NU_LO + ib * step;
	if (ib > 0 && ib + 1 < ng) {
		double d = ev[ib - 1] - 2 * ev[ib] + ev[ib + 1];
		if (d < 0)
			nu += step * (ev[ib - 1] - ev[ib + 1]) / (2 * d);
	}
	double best = rip_fit(t, y, ok, n, nu / P, &r);
	if (!(best >= ev[ib])) {
		nu = RIP_NU_LO + ib * step;
		best = ev[ib];
	}
	double s2 = (yy - best) / (double)(nv - 2);
	if (!(s2 > 0) || !(best > RIP_SIGNIF * s2))
		return 0;
	*score = best / s2;
	const double nus[RIP_CAND] = { nu, 1 - nu, 1 + nu, 2 - nu, 2 + nu, 3 - nu };
	int nc = 0;
	for (int c = 0; c < RIP_CAND; c++)
		if (rip_fit(t, y, ok, n, nus[c] / P, &cand[nc]) > 0) {
			for (int j = 0; j < 3; j++)
				cand[nc].iv[j] *= s2;
			nc++;
		}
	return nc;
}

/* A ripple near the stroke rate (a PWM within 10 % of it): sampled once a
 * stroke, the crossings see it at under RIP_NU_LO cycles a stroke, where
 * the 7-point residual of edge_ripple takes it out with a start-up's or
 * an FM's trend; but within each stroke it moves the phase by nearly a
 * cycle of its own, which the end fit's polynomial over three strokes
 * cannot follow and its residuals barely show (4 kHz, 0.43 % at 149.2 Hz
 * on a 156.4 Hz pen: the tail 0.0012 cycles off, -8.1 ppm against U 8.0,
 * status ok; speed 4000 3027 of tests/gen/blind_hunt.py). It is found in
 * the samples of the SYNC_STROKES usable strokes next to the end: each
 * stroke against the learned shape, its phase linear between its knots,
 * its own offset and phase shift left free, and a sinusoid of the phase in
 * time, dT (a cos 2 pi g t + b sin 2 pi g t), common to all, scanned over
 * SYNC_WIDE_LO..SYNC_WIDE_HI cycles a stroke. Away from the stroke rate
 * the crossings see such a ripple too (aliased to 0.1-0.4), but under
 * their noise, where the samples of 48 strokes still show it (4 kHz, 0.30
 * % at 200.2 Hz on a 239.2 Hz pen, 0.84 cycles a stroke, t3 noise 2.66
 * um: 41-83 noise variances at the true frequency, none found in the
 * crossings; the tail's quadratic carried the ripple's slope, -5.3 ppm
 * against U 5.1, and its redraws -3.0 +- 0.4; speed 4000 10601, scanned
 * over 0.9-1.1 before). What moves every stroke of the
 * window alike, or drifts across it, is no ripple: a shape of the window
 * other than the learned one (an exposure's smoothing after a speed step),
 * a start-up's speed changing within each stroke. Such a term, dT (c +
 * d tau) cos 2 pi theta and the same with sin (theta the stroke's phase,
 * tau its time in the window), is fitted with it and the ripple has to
 * stand out beyond it. Nor is a speed that changes within each stroke by
 * an amount that itself changes from stroke to stroke (an FM, a step, a
 * chirp): its phase bends each stroke off the line between
 * its knots by a curve, dT (theta - 1/2)^2 with the stroke's own weight
 * (SYNC_NUIS), which under an FM at f_m rides on the stroke's first
 * harmonic at 1 +- f_m / f cycles a stroke and stood out as a ripple
 * there (1 kHz, 68.5 Hz, a 2.4 % FM at 1.98 Hz and no PWM: found at
 * 0.964 and 0.969 at the two ends, the tail 0.0015 cycles long, +11.1
 * ppm against U 42; blind_hunt.py speed 1000 10101). Each stroke's curve
 * is left free with its offset and phase shift. */
#define SYNC_STROKES 48u      /* strokes next to the end, at most */
#define SYNC_MIN 12u          /* usable strokes, at least */
#define SYNC_NU_LO 0.9        /* cycles a stroke: the scan's columns stand for the ripple's */
#define SYNC_NU_HI 1.1
#define SYNC_WIDE_LO 0.6      /* the scan's band (edge_sync_ripple), cycles a stroke */
#define SYNC_WIDE_HI 1.4
#define SYNC_STEP 0.01        /* its step */
#define SYNC_GRID 81          /* its points: (SYNC_WIDE_HI - SYNC_WIDE_LO) / SYNC_STEP + 1 */
#define SYNC_REFINE 5         /* the exact fits about a peak outside SYNC_NU_LO..HI */
#define SYNC_STROKE_MAX 512u  /* samples of one stroke, at most */
#define SYNC_NUIS 3           /* a stroke's own columns: offset, phase shift, curve */

/* A stroke's normal equations (sync_stroke): Q's rows and columns, the
 * columns a stroke sums, and those of its sums that do not depend on the
 * ripple's frequency g: 1, dT, dT (theta - 1/2)^2, dT cos 2 pi theta, dT
 * sin 2 pi theta, dT cos 4 pi theta, dT sin 4 pi theta, the residual. */
#define SYNC_Q 7
#define SYNC_QR (SYNC_Q - 1) /* the residual's row of Q */
#define SYNC_NQ 5             /* Q's columns a stroke sums */
#define SYNC_NC 8

/* One stroke's sums that do not depend on the ripple's frequency: A over
 * the SYNC_NC columns (upper triangle), the inverse of its first
 * SYNC_NUIS (the stroke's own columns), the samples used; ok false where
 * the stroke cannot be used. Every g of the window's fits (sync_exact,
 * sync_fit, sync_coherent, sync_clustered, sync_score) shares them. */
struct sync_pre {
	bool ok;
	unsigned ni;
	double A[SYNC_NC][SYNC_NC], Ni[SYNC_NUIS * SYNC_NUIS];
	/* the ripple's sums at the last g and h asked (sync_walk's R and
	 * RR; rh 0: none yet): sync_fit, sync_coherent and sync_clustered
	 * (twice) ask for the same */
	int rh;
	double rg, R[2][SYNC_NC], RR[3];
};

/* The strokes ka .. kb - 1 of L next to one end (sync_steady's window),
 * each's sync_pre made once (sync_win_prep; ~36 KiB). */
struct sync_win {
	const struct measure *m;
	const struct xing *L;
	const bool *use;
	bool ready;
	uint32_t ka, kb;
	struct sync_pre s[SYNC_STROKES];
};

/* Stroke k's samples against the learned shape: with A (not NULL) the
 * sums over the SYNC_NC columns (upper triangle), with R (not NULL) those
 * of the ripple's columns at g, dT cos 2 pi g t (R[0]) and dT sin (R[1]),
 * against the columns 0, 1, 2, those of the stroke's harmonic h (1 or 2)
 * and the residual (R[p][7]), and against each other (RR: cc, cs, ss).
 * The sums are added in the samples' order, each as one product, so a
 * sum is the same to the bit whichever others are made with it. The
 * samples used; false where the stroke cannot be used. */
static bool sync_walk(const struct measure *m, const struct xing *L, uint32_t k, double g, int h,
		      double A[SYNC_NC][SYNC_NC], double R[2][SYNC_NC], double RR[3], unsigned *n)
{
	const struct shape *sh = &m->shape;
	uint32_t i0 = L[k].idx, i1 = L[k + 1].idx;
	double P = L[k + 1].t_slot - L[k].t_slot;
	if (i1 <= i0 || i1 - i0 > SYNC_STROKE_MAX || !(P > 2))
		return false;
	const int hc[6] = { 0, 1, 2, 1 + 2 * h, 2 + 2 * h, SYNC_NC - 1 }; /* R's columns */
	unsigned ni = 0;
	double t0 = (double)(m->hist_slot0 + i0), th0 = (t0 - L[k].t_slot) / P;
	double c = cos(2 * M_PI * th0), s = sin(2 * M_PI * th0);
	double cd = cos(2 * M_PI / P), sd = sin(2 * M_PI / P);
	double e = 0, f = 0, ed = 0, fd = 0;
	if (R) {
		e = cos(2 * M_PI * g * t0);
		f = sin(2 * M_PI * g * t0);
		ed = cos(2 * M_PI * g);
		fd = sin(2 * M_PI * g);
	}
	for (uint32_t i = i0; i < i1; i++) {
		double xv = m->hist[i], T, dT, wt;
		const double qv[4] = { c, s, c * c - s * s, 2 * c * s };
		const double ev = e, fv = f;
		double cn = c * cd - s * sd; /* the next sample's */
		s = s * cd + c * sd;
		c = cn;
		if (R) {
			cn = e * ed - f * fd;
			f = f * ed + e * fd;
			e = cn;
		}
		if (isnan(xv))
			continue;
		double th = th0 + (double)(i - i0) / P;
		shape_at(sh, th, &T, &dT, &wt);
		double r = xv - T;
		if (!(num_abs(r) <= shape_gate_um(sh, dT, 0.02)))
			continue;
		double v[SYNC_NC] = { 1, dT, dT * (th - 0.5) * (th - 0.5), qv[0] * dT, qv[1] * dT,
				      qv[2] * dT, qv[3] * dT, r };
		if (A)
			for (int p = 0; p < SYNC_NC; p++)
				for (int q = p; q < SYNC_NC; q++)
					A[p][q] += v[p] * v[q];
		if (R) {
			double w[2] = { ev * dT, fv * dT };
			for (int j = 0; j < 6; j++) {
				R[0][hc[j]] += v[hc[j]] * w[0];
				R[1][hc[j]] += v[hc[j]] * w[1];
			}
			RR[0] += w[0] * w[0];
			RR[1] += w[0] * w[1];
			RR[2] += w[1] * w[1];
		}
		ni++;
	}
	*n = ni;
	return true;
}

/* Stroke k's sync_pre (into *p): false where it cannot be used. */
static bool sync_prep(const struct measure *m, const struct xing *L, uint32_t k,
		      struct sync_pre *p)
{
	double (*A)[SYNC_NC] = p->A;
	memset(p->A, 0, sizeof p->A);
	if (!sync_walk(m, L, k, 0, 0, p->A, NULL, NULL, &p->ni))
		return false;
	double N[SYNC_NUIS * SYNC_NUIS], z[SYNC_NUIS] = { 0 }, x[SYNC_NUIS];
	for (int i = 0; i < SYNC_NUIS; i++)
		for (int j = 0; j < SYNC_NUIS; j++)
			N[i * SYNC_NUIS + j] = i <= j ? A[i][j] : A[j][i];
	double det = A[0][0] * A[1][1] - A[0][1] * A[0][1];
	return p->ni >= SYNC_NUIS + 4 && det > 1e-9 * A[0][0] * A[1][1] &&
	       num_solve_sym(SYNC_NUIS, N, z, x, p->Ni);
}

/* W's sync_pre of the strokes ka .. kb - 1 (at most SYNC_STROKES), made
 * where not yet. */
static void sync_win_prep(struct sync_win *W, uint32_t ka, uint32_t kb)
{
	if (W->ready && W->ka == ka && W->kb == kb)
		return;
	W->ka = ka;
	W->kb = kb;
	W->ready = true;
	for (uint32_t k = ka; k < kb; k++) {
		struct sync_pre *p = &W->s[k - ka];
		p->ok = W->use[k] && sync_prep(W->m, W->L, k, p);
		p->rh = 0;
	}
}

static void sync_win_init(struct sync_win *W, const struct measure *m, const struct xing *L,
			  const bool *use)
{
	W->m = m;
	W->L = L;
	W->use = use;
	W->ready = false;
}

/* Stroke k's normal equations (k in W's window, sync_win_prep) over the
 * columns dT cos 2 pi theta, dT sin 2 pi theta, dT cos 4 pi theta, dT sin
 * 4 pi theta (the stroke's first and second harmonics), dT cos 2 pi g t,
 * dT sin 2 pi g t and the residual (Q, SYNC_Q x SYNC_Q, in that order),
 * its own offset, phase shift and curve (SYNC_NUIS) eliminated. With h 0
 * (the scan: g unknown) both harmonics and no ripple; with h 1 or 2 that
 * harmonic and the ripple at g. The rows and columns of Q left out are
 * not set. The sums that do not depend on g are W's (sync_pre); the
 * ripple's are made here. False when the stroke cannot be used or is not
 * (use). */
static bool sync_stroke(struct sync_win *W, uint32_t k, double g, int h,
			double Q[SYNC_Q][SYNC_Q], unsigned *n)
{
	static const int cols[3][SYNC_NQ] = { { 0, 1, 2, 3, SYNC_QR },
					      { 0, 1, 4, 5, SYNC_QR },
					      { 2, 3, 4, 5, SYNC_QR } };
	const int *col = cols[h];
	struct sync_pre *pre = &W->s[k - W->ka];
	if (!pre->ok)
		return false;
	/* the columns 1, dT, dT (theta - 1/2)^2, then Q's */
	const int nc = SYNC_NUIS + SYNC_NQ;
	double A[SYNC_NUIS + SYNC_NQ][SYNC_NUIS + SYNC_NQ];
	if (h == 0) {
		memcpy(A, pre->A, sizeof A);
	} else {
		/* the columns 1, dT, curve, the harmonic h's two (hm), the
		 * ripple's two, the residual */
		const int hm[6] = { 0, 1, 2, 1 + 2 * h, 2 + 2 * h, SYNC_NC - 1 };
		double(*R)[SYNC_NC] = pre->R, *RR = pre->RR;
		if (!(pre->rh == h && pre->rg == g)) {
			unsigned ni;
			memset(pre->R, 0, sizeof pre->R);
			memset(pre->RR, 0, sizeof pre->RR);
			sync_walk(W->m, W->L, k, g, h, NULL, R, RR, &ni);
			pre->rh = h;
			pre->rg = g;
		}
		for (int p = 0; p < 5; p++) {
			for (int q = p; q < 5; q++)
				A[p][q] = pre->A[hm[p]][hm[q]];
			A[p][5] = R[0][hm[p]];
			A[p][6] = R[1][hm[p]];
			A[p][7] = pre->A[hm[p]][SYNC_NC - 1];
		}
		A[5][5] = RR[0];
		A[5][6] = RR[1];
		A[6][6] = RR[2];
		A[5][7] = R[0][SYNC_NC - 1];
		A[6][7] = R[1][SYNC_NC - 1];
		A[7][7] = pre->A[SYNC_NC - 1][SYNC_NC - 1];
	}
	const double *Ni = pre->Ni;
	/* less the stroke's own columns' share (Schur complement) */
	for (int p = SYNC_NUIS; p < nc; p++)
		for (int q = p; q < nc; q++) {
			double sub = 0;
			for (int i = 0; i < SYNC_NUIS; i++)
				for (int j = 0; j < SYNC_NUIS; j++)
					sub += A[i][p] * Ni[i * SYNC_NUIS + j] * A[j][q];
			int a = col[p - SYNC_NUIS], b = col[q - SYNC_NUIS];
			Q[a][b] = Q[b][a] = A[p][q] - sub;
		}
	*n = pre->ni;
	return true;
}

/* The window's sums: the columns C, S (dT cos, sin 2 pi h theta: the
 * stroke's harmonic h, 1 or 2), tau C, tau S, the ripple's two, the
 * residual. */
static void sync_add(double W[7][7], const double Q[SYNC_Q][SYNC_Q], double tau, int h)
{
	const int c = 2 * (h - 1);
	const int base[7] = { c, c + 1, c, c + 1, 4, 5, SYNC_QR };
	for (int i = 0; i < 7; i++)
		for (int j = i; j < 7; j++) {
			double v = Q[base[i]][base[j]];
			if (i == 2 || i == 3)
				v *= tau;
			if (j == 2 || j == 3)
				v *= tau;
			W[i][j] += v;
		}
}

/* The window's sums W over the used strokes ka .. kb - 1 of L, each on
 * the ripple at g (cycles a slot), the drifting shape term on the
 * stroke's harmonic h (sync_add), the drift column's tau from the
 * window's middle over its span; *n the samples, *nk the strokes. */
static void sync_window(struct sync_win *sw, uint32_t ka, uint32_t kb, double g, int h,
			double W[7][7], unsigned *n, unsigned *nk)
{
	const struct xing *L = sw->L;
	double tm = (L[kb].t_slot + L[ka].t_slot) / 2, span = L[kb].t_slot - L[ka].t_slot;
	memset(W, 0, 7 * sizeof *W);
	*n = *nk = 0;
	for (uint32_t k = ka; k < kb; k++) {
		double Q[SYNC_Q][SYNC_Q];
		unsigned ni;
		if (!sync_stroke(sw, k, g, h, Q, &ni))
			continue;
		sync_add(W, Q, (L[k].t_slot - tm) / span, h);
		*n += ni;
		(*nk)++;
	}
}

/* What the ripple explains beyond the drifting shape term, its
 * coefficients and their inverse normal matrix (iv: aa, ab, bb); *rss
 * what is left. */
static double sync_explained(const double W[7][7], double *ca, double *sa, double iv[3],
			     double *rss)
{
	double A[36], Ai[36], y[6], x[6], A4[16], y4[4], x4[4];
	for (int i = 0; i < 6; i++) {
		y[i] = W[i][6];
		for (int j = 0; j < 6; j++)
			A[i * 6 + j] = i <= j ? W[i][j] : W[j][i];
	}
	for (int i = 0; i < 4; i++) {
		y4[i] = y[i];
		for (int j = 0; j < 4; j++)
			A4[i * 4 + j] = A[i * 6 + j];
	}
	if (!num_solve_sym(6, A, y, x, Ai) || !num_solve_sym(4, A4, y4, x4, NULL))
		return 0;
	double full = 0, nuis = 0;
	for (int i = 0; i < 6; i++)
		full += x[i] * y[i];
	for (int i = 0; i < 4; i++)
		nuis += x4[i] * y4[i];
	*ca = x[4];
	*sa = x[5];
	iv[0] = Ai[4 * 6 + 4];
	iv[1] = Ai[4 * 6 + 5];
	iv[2] = Ai[5 * 6 + 5];
	*rss = W[6][6] - full;
	return full - nuis;
}

/* The strokes next to the head (or the tail) of L, up to ns, whose
 * periods stay within SYNC_STEADY of the end's (the median of its three):
 * the ripple near the stroke rate is found where the pen holds the end's
 * speed (a stroke that is not used, its crossings unsure, does not end
 * the window). Over a window that held a step the scan found the ripple's
 * frequency 0.9 % off (1 kHz, a 0.24 % PWM at 40.1 Hz, 1.122 cycles a
 * stroke after a step x0.646 to 35.7 Hz: found at 1.132), and its phase,
 * carried from the window's middle to the end sample 20 of its cycles
 * away, put the tail 0.0014 cycles long: +16.9 ppm against U 17.6,
 * blind_hunt.py speed 1000 10408; now -0.0003 cycles, +0.6 ppm. An FM of
 * 3 % moves the period by 6 % at most, a wander far less. */
#define SYNC_STEADY 0.1
static uint32_t sync_steady(const struct xing *L, const bool *use, uint32_t nl, bool head,
			    uint32_t ns)
{
	if (ns < 3)
		return ns;
	double p[3];
	for (uint32_t j = 0; j < 3; j++) {
		uint32_t k = head ? j : nl - 2 - j;
		p[j] = L[k + 1].t_slot - L[k].t_slot;
	}
	double pe = fmax(fmin(p[0], p[1]), fmin(fmax(p[0], p[1]), p[2]));
	uint32_t j = 3;
	for (; j < ns; j++) {
		uint32_t k = head ? j : nl - 2 - j;
		if (use[k] && num_abs((L[k + 1].t_slot - L[k].t_slot) / pe - 1) > SYNC_STEADY)
			break;
	}
	return j;
}

/* What the ripple at g (cycles a slot) explains beyond the drifting shape
 * term over the strokes ka .. kb - 1 of L (sync_window, sync_explained),
 * in the samples' units; 0 where they are too few. */
static double sync_exact(struct sync_win *sw, uint32_t ka, uint32_t kb, double g, int h)
{
	double W[7][7], ca, sa, iv[3], rss;
	unsigned n, nk;
	sync_window(sw, ka, kb, g, h, W, &n, &nk);
	return n >= SYNC_NUIS * nk + 7 ? sync_explained(W, &ca, &sa, iv, &rss) : 0;
}

/* The ripple at g (cycles a slot) is one line over the strokes ka .. kb
 * - 1 of L: fitted over each half of them alone, the two agree within
 * SYNC_COHERE (chi-square, 2 degrees of freedom, from the two fits'
 * covariances). A PWM holds its amplitude and phase in hertz; a speed
 * wander's phase at such a frequency does not, and under little noise
 * stood out of 48 strokes as a ripple at the scan's lower edge (1 kHz,
 * 52.4 Hz, a 0.29 % wander at 3.97 Hz, Laplace noise 0.59 um, no PWM:
 * found at 0.596 and 0.636 cycles a stroke, the tail 0.0012 cycles long
 * against its u of 0.0003, +7.1 -> +13.8 ppm; speed 1000 10006). On the
 * second harmonic (hm 2) the halves may also differ by a tenth of the
 * ripple's amplitude (SYNC_COHERE_REL, as variance on each coefficient):
 * where the noise is small the test asked of a strong PWM more than the
 * model holds (4 kHz, 0.5 % at 109.3 Hz on a 52.5 Hz pen, 2.08 cycles a
 * stroke, no noise or wander: 14460 noise variances, the halves'
 * amplitudes 6 % apart at 5 standard deviations, refused; the head then
 * took its alias 0.90 from the first band, -4.8 ppm against U 5.8, now
 * -0.8; speed 4000 13122, redraw 13122010). A wander's phase, which the
 * test is for, does not hold its own that well. False where a half cannot
 * be fitted. */
#define SYNC_COHERE 13.8 /* p = 0.001 */
#define SYNC_COHERE_REL 0.1
static bool sync_coherent(struct sync_win *sw, uint32_t ka, uint32_t kb, double g, int hm)
{
	double c[2][2], v[2][3];
	uint32_t km = ka + (kb - ka) / 2;
	for (int h = 0; h < 2; h++) {
		double W[7][7], iv[3], rss;
		unsigned n, nk;
		sync_window(sw, h ? km : ka, h ? kb : km, g, hm, W, &n, &nk);
		if (nk < SYNC_MIN / 2 || n < SYNC_NUIS * nk + 7)
			return false;
		sync_explained(W, &c[h][0], &c[h][1], iv, &rss);
		double s2 = rss / (double)(n - SYNC_NUIS * nk - 6);
		for (int j = 0; j < 3; j++)
			v[h][j] = iv[j] * s2;
	}
	double a = v[0][0] + v[1][0], b = v[0][1] + v[1][1], d = v[0][2] + v[1][2];
	if (hm > 1) {
		/* on the second harmonic, a tenth of the ripple's amplitude
		 * as the halves' own difference (SYNC_COHERE_REL) */
		double r2 = SYNC_COHERE_REL * SYNC_COHERE_REL *
			    (c[0][0] * c[0][0] + c[0][1] * c[0][1] + c[1][0] * c[1][0] +
			     c[1][1] * c[1][1]) / 2;
		a += r2;
		d += r2;
	}
	double x = c[0][0] - c[1][0], y = c[0][1] - c[1][1], det = a * d - b * b;
	return det > 0 && (d * x * x - 2 * b * x * y + a * y * y) / det <= SYNC_COHERE;
}

/* The ripple at g (cycles a slot) over the strokes ka .. kb - 1 of L, in
 * chi-square (2 degrees of freedom) against what the strokes scatter by,
 * not their samples: each stroke's score at the window's fit (its sums'
 * residual column less its normal matrix times the coefficients) is one
 * draw, a stroke's and its neighbour's may be correlated (an error at the
 * boundary they share), and the ripple's covariance is the sandwich
 * A^-1 M A^-1 (M: the scores' outer products and their neighbours' cross
 * products, times nk / (nk - 6) for the coefficients fitted). Where each
 * stroke carries an error of its own that its offset, phase shift and
 * curve do not take, its samples are not independent draws, and the
 * samples' noise makes a line of it. make_capture.py's strokes each take
 * their own offset (3 um), stepping at the trough, inside the stroke as
 * the scan counts it: over 0.6-1.4 cycles a stroke the scan took a line
 * at 56 of 60 of its records (seeds 1-30 at 120 and 150 Hz, no PWM), the
 * golden capture's at 0.74 and 0.62 cycles a stroke (67 and 168 noise
 * variances of the samples; 11.7 and 31.5 here; with the scatter set to
 * 0, no line). A real PWM keeps its weight: speed 4000 10601 47.6 and
 * 64.5 -> 34.8 and 115, speed 1000 10408 678 -> 281. 0 where it cannot
 * be formed. */
static double sync_clustered(struct sync_win *sw, uint32_t ka, uint32_t kb, double g, int h)
{
	const struct xing *L = sw->L;
	double W[7][7], A[36], Ai[36], y[6], x[6], M[6][6] = { { 0 } }, up[6] = { 0 };
	unsigned n, nk;
	sync_window(sw, ka, kb, g, h, W, &n, &nk);
	if (nk < SYNC_MIN)
		return 0;
	for (int i = 0; i < 6; i++) {
		y[i] = W[i][6];
		for (int j = 0; j < 6; j++)
			A[i * 6 + j] = i <= j ? W[i][j] : W[j][i];
	}
	if (!num_solve_sym(6, A, y, x, Ai))
		return 0;
	double tm = (L[kb].t_slot + L[ka].t_slot) / 2, span = L[kb].t_slot - L[ka].t_slot;
	bool prev = false;
	for (uint32_t k = ka; k < kb; k++) {
		double Q[SYNC_Q][SYNC_Q], Wk[7][7] = { { 0 } }, u[6];
		unsigned ni;
		if (!sync_stroke(sw, k, g, h, Q, &ni)) {
			prev = false;
			continue;
		}
		sync_add(Wk, Q, (L[k].t_slot - tm) / span, h);
		for (int i = 0; i < 6; i++) {
			u[i] = Wk[i][6];
			for (int j = 0; j < 6; j++)
				u[i] -= (i <= j ? Wk[i][j] : Wk[j][i]) * x[j];
		}
		for (int i = 0; i < 6; i++)
			for (int j = 0; j < 6; j++)
				M[i][j] += u[i] * u[j] + (prev ? u[i] * up[j] + up[i] * u[j] : 0);
		memcpy(up, u, sizeof u);
		prev = true;
	}
	double V[2][2];
	for (int p = 0; p < 2; p++)
		for (int q = 0; q < 2; q++) {
			double v = 0;
			for (int i = 0; i < 6; i++)
				for (int j = 0; j < 6; j++)
					v += Ai[(4 + p) * 6 + i] * M[i][j] * Ai[j * 6 + 4 + q];
			V[p][q] = v * (double)nk / (double)(nk - 6);
		}
	double det = V[0][0] * V[1][1] - V[0][1] * V[0][1];
	if (!(V[0][0] > 0) || !(det > 0))
		return 0;
	return (V[1][1] * x[4] * x[4] - 2 * V[0][1] * x[4] * x[5] + V[0][0] * x[5] * x[5]) / det;
}

/* The drifting shape term on the stroke's harmonic h over the window,
 * from each stroke's sums Qk (on its own phase; its start at tk): W0's
 * rows C, S, tau C, tau S and the residual's (sync_add), their right-hand
 * side yn, fit xn, inverse normal matrix Ni (4 x 4) and what it explains,
 * *nuis (the samples' units). False where it cannot be fitted. */
static bool sync_nuis(const double (*Qk)[SYNC_Q][SYNC_Q], const double *tk, unsigned nk, double tm,
		      double span, int h, double W0[7][7], double yn[4], double xn[4],
		      double Ni[16], double *nuis)
{
	const int c0 = 2 * (h - 1);
	double N[16];
	memset(W0, 0, 7 * sizeof *W0);
	for (unsigned k = 0; k < nk; k++) {
		double Q[SYNC_Q][SYNC_Q] = { { 0 } };
		for (int p = c0; p < c0 + 2; p++) {
			Q[p][c0] = Qk[k][p][c0];
			Q[p][c0 + 1] = Qk[k][p][c0 + 1];
			Q[p][SYNC_QR] = Q[SYNC_QR][p] = Qk[k][p][SYNC_QR];
		}
		Q[SYNC_QR][SYNC_QR] = Qk[k][SYNC_QR][SYNC_QR];
		sync_add(W0, Q, (tk[k] - tm) / span, h);
	}
	for (int i = 0; i < 4; i++) {
		yn[i] = W0[i][6];
		for (int j = 0; j < 4; j++)
			N[i * 4 + j] = i <= j ? W0[i][j] : W0[j][i];
	}
	if (!num_solve_sym(4, N, yn, xn, Ni))
		return false;
	*nuis = 0;
	for (int i = 0; i < 4; i++)
		*nuis += xn[i] * yn[i];
	return true;
}

/* The scan of one band (edge_sync_ripple): what a ripple at each of
 * SYNC_GRID frequencies from lo cycles a stroke on explains beyond the
 * drifting shape term on the stroke's harmonic h, from each stroke's sums
 * Qk (on its own phase; its start at tk) turned by 2 pi g at the stroke's
 * start (within one stroke the ripple's columns and the harmonic's part by
 * up to |g P - h| cycles); ev[] what each explains (the samples' units),
 * the best's index, away from the harmonic by near at least, and its
 * residual variance s2b; -1 where none. */
static int sync_scan(const double (*Qk)[SYNC_Q][SYNC_Q], const double *tk, unsigned nk, double tm,
		     double span, double P, double lo, int h, double near, double dof,
		     double ev[SYNC_GRID], double *s2b)
{
	const int c0 = 2 * (h - 1);
	double dg = SYNC_STEP / P, g0 = lo / P;
	double ck[SYNC_STROKES], sk[SYNC_STROKES], rc[SYNC_STROKES], rs[SYNC_STROKES];
	for (unsigned k = 0; k < nk; k++) {
		ck[k] = cos(2 * M_PI * g0 * tk[k]);
		sk[k] = sin(2 * M_PI * g0 * tk[k]);
		rc[k] = cos(2 * M_PI * dg * tk[k]);
		rs[k] = sin(2 * M_PI * dg * tk[k]);
	}
	/* what does not depend on g once: the drifting shape term's sums
	 * and their fit */
	double W0[7][7], Ni[16], yn[4], xn[4], nuis;
	if (!sync_nuis(Qk, tk, nk, tm, span, h, W0, yn, xn, Ni, &nuis))
		return -1;
	int ib = -1;
	for (int j = 0; j < SYNC_GRID; j++) {
		/* the ripple's columns against the rest (B: C, S, tau C, tau
		 * S), themselves (D) and the residual (yr), summed over the
		 * strokes; what the ripple explains beyond the drifting shape
		 * term is then the Schur complement's: b' S^-1 b with S = D -
		 * B' N^-1 B, b = yr - B' N^-1 yn (sync_explained's 6 x 6 fit
		 * less its 4 x 4) */
		double B[4][2] = { { 0 } }, D[2][2] = { { 0 } }, yr[2] = { 0 };
		for (unsigned k = 0; k < nk; k++) {
			/* cos (a + 2 pi h theta) = c C - s S, sin = s C + c S */
			double c = ck[k], s = sk[k], tau = (tk[k] - tm) / span;
			ck[k] = c * rc[k] - s * rs[k];
			sk[k] = s * rc[k] + c * rs[k];
			const double (*G)[SYNC_Q] = Qk[k];
			const double M[2][2] = { { c, s }, { -s, c } }; /* rows C, S */
			double X[2][2];
			for (int p = 0; p < 2; p++)
				for (int q = 0; q < 2; q++) {
					X[p][q] = G[c0 + p][c0] * M[0][q] + G[c0 + p][c0 + 1] * M[1][q];
					B[p][q] += X[p][q];
					B[2 + p][q] += tau * X[p][q];
				}
			for (int p = 0; p < 2; p++) {
				for (int q = p; q < 2; q++)
					D[p][q] += M[0][p] * X[0][q] + M[1][p] * X[1][q];
				yr[p] += M[0][p] * G[c0][SYNC_QR] + M[1][p] * G[c0 + 1][SYNC_QR];
			}
		}
		double S[2][2], b[2];
		for (int p = 0; p < 2; p++) {
			b[p] = yr[p];
			for (int i = 0; i < 4; i++)
				b[p] -= B[i][p] * xn[i];
			for (int q = p; q < 2; q++) {
				double v = D[p][q];
				for (int i = 0; i < 4; i++)
					for (int l = 0; l < 4; l++)
						v -= B[i][p] * Ni[i * 4 + l] * B[l][q];
				S[p][q] = v;
			}
		}
		double det = S[0][0] * S[1][1] - S[0][1] * S[0][1];
		ev[j] = det > 0 ? (S[1][1] * b[0] * b[0] - 2 * S[0][1] * b[0] * b[1] +
				   S[0][0] * b[1] * b[1]) / det
				: 0;
		if (num_abs((g0 + j * dg) * P - h) >= near && (ib < 0 || ev[j] > ev[ib])) {
			ib = j;
			*s2b = (W0[6][6] - nuis - ev[j]) / dof;
		}
	}
	return ib;
}

/* The ripple at g (cycles a slot) on the stroke's harmonic h fitted over
 * the strokes ka .. kb - 1 of L (sync_window, sync_explained): into *c,
 * with what it explains (*best, the samples' units), the residual
 * variance *s2 and the strokes it used *nk. False where the samples are
 * too few or leave no residual (*c as it was). */
static bool sync_fit(struct sync_win *sw, uint32_t ka, uint32_t kb, double g, int h,
		     struct edge_rip *c, double *best, double *s2, unsigned *nk)
{
	double W[7][7], ca, sa, iv[3], rss;
	unsigned n;
	sync_window(sw, ka, kb, g, h, W, &n, nk);
	if (n < SYNC_NUIS * *nk + 7)
		return false;
	*best = sync_explained(W, &ca, &sa, iv, &rss);
	*s2 = rss / (double)(n - SYNC_NUIS * *nk - 6);
	if (!(*s2 > 0))
		return false;
	c->g = g;
	c->ca = ca;
	c->sa = sa;
	for (int j = 0; j < 3; j++)
		c->iv[j] = iv[j] * *s2;
	return true;
}

/* The ripple the scan of band h (sync_scan: its peak ib of ev, from lo
 * cycles a stroke) found over the strokes ka .. kb - 1 of L (mean period
 * P): its frequency refined, fitted at it (cand), the noise variances it
 * explains (*score) and whether it lies away from the stroke rate (*far:
 * outside SYNC_NU_LO..HI, or on the second harmonic). SYNC_TAKEN where
 * it passes every test; SYNC_WEAK where the scan's peak stood out (half
 * the bar) and the fit at the refined frequency was made, but not all
 * the tests passed (cand holds that fit); 0 where the scan showed none. */
#define SYNC_WEAK 1
#define SYNC_TAKEN 2
static int sync_pick(struct sync_win *sw, uint32_t ka, uint32_t kb, double P, double lo,
		     int h, int ib,
		      const double ev[SYNC_GRID], double s2b, double near, struct edge_rip *cand,
		      double *score, bool *far)
{
	/* the scan's columns part from the ripple's: half the bar leaves
	 * room for that */
	if (ib < 0 || !(ev[ib] > RIP_SIGNIF / 2 * s2b))
		return 0;
	double dg = SYNC_STEP / P, g0 = lo / P;
	double g = g0 + ib * dg;
	if (ib > 0 && ib + 1 < SYNC_GRID) {
		double d = ev[ib - 1] - 2 * ev[ib] + ev[ib + 1];
		if (d < 0)
			g += dg * fmax(-0.5, fmin(0.5, (ev[ib - 1] - ev[ib + 1]) / (2 * d)));
	}
	if (num_abs(g * P - h) < near)
		g = g0 + ib * dg;
	if (h > 1 || num_abs((g0 + ib * dg) * P - 1) > SYNC_NU_HI - 1 + SYNC_STEP / 2) {
		/* away from the stroke rate the scan's columns part from the
		 * ripple's by up to |g P - h| cycles within a stroke, and its
		 * peak with them; they barely tell a ripple at nu from one at
		 * 2 h - nu (at the crossings both are 1 - nu's alias: ringing
		 * 4000 9821, a PWM at 1.287 cycles a stroke, peaked at 0.712,
		 * where the ripple's own fit explains less). The ripple's own
		 * fits at the peak and at its mirror, the better of the two,
		 * then at half steps about it, the best and a parabola through
		 * it and its two neighbours. */
		double gs = g0 + ib * dg, gm = (2 * h - gs * P) / P, ex[SYNC_REFINE];
		ex[SYNC_REFINE / 2] = sync_exact(sw, ka, kb, gs, h);
		double em = sync_exact(sw, ka, kb, gm, h);
		if (em > ex[SYNC_REFINE / 2]) {
			gs = gm;
			ex[SYNC_REFINE / 2] = em;
		}
		int jb = SYNC_REFINE / 2;
		for (int j = 0; j < SYNC_REFINE; j++) {
			if (j != SYNC_REFINE / 2)
				ex[j] = sync_exact(sw, ka, kb,
						   gs + (j - SYNC_REFINE / 2) * dg / 2, h);
			if (ex[j] > ex[jb])
				jb = j;
		}
		g = gs + (jb - SYNC_REFINE / 2) * dg / 2;
		if (jb > 0 && jb + 1 < SYNC_REFINE) {
			double d = ex[jb - 1] - 2 * ex[jb] + ex[jb + 1];
			if (d < 0)
				g += dg / 2 *
				     fmax(-0.5, fmin(0.5, (ex[jb - 1] - ex[jb + 1]) / (2 * d)));
		}
		/* a peak that runs out of the band is no line in it, but the
		 * edge of what rises beyond (a wander's phase under little
		 * noise: 10006's head, sync_coherent, at 0.596) */
		if (g * P < lo || g * P > lo + (SYNC_WIDE_HI - SYNC_WIDE_LO))
			return 0;
	}
	/* the ripple at g itself, over the same strokes */
	double best, s2;
	unsigned nk;
	if (!sync_fit(sw, ka, kb, g, h, cand, &best, &s2, &nk))
		return 0;
	if (!(best > RIP_SIGNIF * s2))
		return SYNC_WEAK;
	/* away from the stroke rate: one line over the window, standing out
	 * of the strokes' own scatter too (sync_clustered) */
	*far = h > 1 || num_abs(g * P - 1) > SYNC_NU_HI - 1;
	if (*far && (!sync_coherent(sw, ka, kb, g, h) ||
		     !(sync_clustered(sw, ka, kb, g, h) > RIP_SIGNIF)))
		return SYNC_WEAK;
	*score = best / s2;
	return SYNC_TAKEN;
}

/* A PWM within a cycle of the window of the stroke rate (|nu - 1| under
 * 1 / ns, the band edge_sync_ripple leaves out) turns by under a cycle over
 * the window's strokes, and the drifting shape term, dT (c + d tau) cos 2
 * pi theta and the same with sin (sync_stroke's columns, each stroke's own
 * offset, phase shift and curve eliminated), takes it whole: a phase that
 * moves every stroke alike, changing slowly across the window. The end fit
 * then reads the smooth phase, and the end sample's phase lies off it by
 * the ripple's value there (4 kHz, a 0.35 % PWM at 127.9 Hz on a 128.76 Hz
 * pen, 0.9933 cycles a stroke, about 5.6e-4 cycles; the term 7.5e-4 and
 * 6.6e-4 cycles at the head and tail, 213 and 234 noise variances: the
 * rate -5.5 ppm against U 5.4, its noise's redraws -5.3 +- 0.13, 16 of 25
 * within U; without the PWM -0.7; blind_hunt.py drift 4000 15311). Where
 * the term stands out (RIP_SIGNIF), nr gets the term at the end (tau -1/2
 * at the head, +1/2 at the tail) as a ripple at one cycle a stroke (g =
 * 1 / P, its phase turned onto the slots' clock at the end knot t_end),
 * with its covariance, its amplitude and P, from the scan's sums of each
 * stroke (Qk, tk; dof the residual's degrees of freedom with the ripple's
 * two columns); nr->ok false where it does not stand out. The term also
 * holds a shape of the window other than the learned one, so it is taken
 * only where both ends show one PWM (sync_near_one). */
static void sync_near(const double (*Qk)[SYNC_Q][SYNC_Q], const double *tk, unsigned nk,
		      double tm, double span, double P, double dof, double t_end, bool head,
		      struct edge_near *nr)
{
	double W0[7][7], Ni[16], yn[4], x[4], ex;
	nr->ok = false;
	if (!sync_nuis(Qk, tk, nk, tm, span, 1, W0, yn, x, Ni, &ex))
		return;
	double s2 = (W0[6][6] - ex) / (dof + 2);
	if (!(s2 > 0) || !(ex > RIP_SIGNIF * s2))
		return;
	/* the term at the end: (c + tau d) for cos and sin, and its
	 * covariance, J Ni J' s2 with J = [[1 0 tau 0] [0 1 0 tau]] */
	const double tau = head ? -0.5 : 0.5;
	const int ic[2][2] = { { 0, 2 }, { 1, 3 } };
	double a[2], v[2][2];
	for (int p = 0; p < 2; p++) {
		a[p] = x[ic[p][0]] + tau * x[ic[p][1]];
		for (int q = 0; q < 2; q++)
			v[p][q] = s2 * (Ni[ic[p][0] * 4 + ic[q][0]] +
					tau * (Ni[ic[p][0] * 4 + ic[q][1]] + Ni[ic[p][1] * 4 + ic[q][0]]) +
					tau * tau * Ni[ic[p][1] * 4 + ic[q][1]]);
	}
	/* theta = (t - t_end) / P from the end knot: a cos 2 pi theta + b
	 * sin 2 pi theta = ca cos 2 pi g t + sa sin 2 pi g t, turned by phi */
	double phi = 2 * M_PI * t_end / P, cp = cos(phi), sp = sin(phi);
	const double R[2][2] = { { cp, -sp }, { sp, cp } };
	double rv[2][2];
	for (int p = 0; p < 2; p++)
		for (int q = 0; q < 2; q++)
			rv[p][q] = R[p][0] * (v[0][0] * R[q][0] + v[0][1] * R[q][1]) +
				   R[p][1] * (v[1][0] * R[q][0] + v[1][1] * R[q][1]);
	nr->r.g = 1 / P;
	nr->r.ca = cp * a[0] - sp * a[1];
	nr->r.sa = sp * a[0] + cp * a[1];
	nr->r.iv[0] = rv[0][0];
	nr->r.iv[1] = rv[0][1];
	nr->r.iv[2] = rv[1][1];
	nr->amp = hypot(a[0], a[1]);
	nr->P = P;
	nr->ok = true;
}

/* The near-synchronous ripple next to the head (or the tail) of L, as a
 * candidate of the end fit; false when none stands out. *away the
 * window's span (slots) where the find lies away from the stroke rate
 * (outside SYNC_NU_LO..HI), else 0. Scanned about the stroke rate
 * (SYNC_WIDE_LO..HI cycles a stroke) and about twice it (SYNC2_LO ..
 * SYNC2_LO + the same width, on the strokes' second harmonic): a PWM
 * near twice the stroke rate moves the phase by two cycles of its own
 * within each stroke, which the end fit's polynomial follows no better,
 * and the first band's columns took it at its alias one cycle a stroke
 * lower (4 kHz, 0.5 % at 109.3 Hz on a 52.5 -> 50.3 Hz chirp, 2.08-2.17
 * cycles a stroke: found at 1.09 at the head; 12 redraws -13.0 ppm, se
 * 3.4, one -36.3 against U 28.8; speed 4000 13122 of
 * tests/gen/blind_hunt.py). Where both bands find one, the one that
 * explains more noise variances is taken. */
#define SYNC2_LO 1.6
static bool edge_sync_ripple(struct sync_win *sw, uint32_t nl, bool head, struct edge_rip *cand,
			     double *away, struct edge_rip *weak, bool *weak_ok, int *band,
			     struct edge_near *nr)
{
	const struct xing *L = sw->L;
	const bool *use = sw->use;
	*away = 0;
	*weak_ok = false;
	*band = 1;
	nr->ok = false;
	if (nl < SYNC_MIN + 1)
		return false;
	uint32_t ns = nl - 1 < SYNC_STROKES ? nl - 1 : SYNC_STROKES;
	ns = sync_steady(L, use, nl, head, ns);
	uint32_t ka = head ? 0 : nl - 1 - ns, kb = ka + ns;
	double P = (L[kb].t_slot - L[ka].t_slot) / (double)ns;
	double tm = (L[kb].t_slot + L[ka].t_slot) / 2, span = L[kb].t_slot - L[ka].t_slot;
	if (!(P > 2))
		return false;
	/* each stroke's sums once, on its own phase */
	double Qk[SYNC_STROKES][SYNC_Q][SYNC_Q], tk[SYNC_STROKES];
	unsigned n = 0, nk = 0;
	sync_win_prep(sw, ka, kb);
	for (uint32_t k = ka; k < kb; k++) {
		unsigned ni;
		if (!sync_stroke(sw, k, 0, 0, Qk[nk], &ni))
			continue;
		tk[nk++] = L[k].t_slot;
		n += ni;
	}
	if (nk < SYNC_MIN || n < SYNC_NUIS * nk + 7)
		return false;
	double dof = (double)(n - SYNC_NUIS * nk - 6), near = 1.0 / (double)ns;
	double ev[SYNC_GRID], s2b = 0, sc1 = 0, sc2 = 0;
	struct edge_rip c1, c2;
	bool far1 = false, far2 = false;
	int ib = sync_scan((const double (*)[SYNC_Q][SYNC_Q])Qk, tk, nk, tm, span, P, SYNC_WIDE_LO,
			   1, near, dof, ev, &s2b);
	bool ok1 = sync_pick(sw, ka, kb, P, SYNC_WIDE_LO, 1, ib, ev, s2b, near, &c1, &sc1,
			     &far1) == SYNC_TAKEN;
	if (ok1)
		*cand = c1;
	ib = sync_scan((const double (*)[SYNC_Q][SYNC_Q])Qk, tk, nk, tm, span, P, SYNC2_LO, 2, near,
		       dof, ev, &s2b);
	int f2 = sync_pick(sw, ka, kb, P, SYNC2_LO, 2, ib, ev, s2b, near, &c2, &sc2, &far2);
	bool ok2 = f2 == SYNC_TAKEN;
	if (f2 == SYNC_WEAK) {
		*weak = c2;
		*weak_ok = true;
	}
	if (ok2 && !(ok1 && sc1 >= sc2)) {
		*cand = c2;
		*away = span;
		*band = 2;
		return true;
	}
	*away = ok1 && far1 ? span : 0;
	if (!ok1 && !ok2)
		sync_near((const double (*)[SYNC_Q][SYNC_Q])Qk, tk, nk, tm, span, P, dof,
			  L[head ? ka : kb].t_slot, head, nr);
	return ok1;
}

/* What the ripple at g (cycles a slot) explains over the samples of the
 * steady strokes next to the head (or the tail) of L (sync_steady), beyond
 * each stroke's own columns and the drifting shape term, in noise
 * variances; 0 where they cannot tell. */
static double sync_score(struct sync_win *sw, uint32_t nl, bool head, double g)
{
	const struct xing *L = sw->L;
	const bool *use = sw->use;
	if (nl < SYNC_MIN + 1)
		return 0;
	uint32_t ns = sync_steady(L, use, nl, head, nl - 1 < SYNC_STROKES ? nl - 1 : SYNC_STROKES);
	uint32_t ka = head ? 0 : nl - 1 - ns, kb = ka + ns;
	double W[7][7];
	unsigned n, nk;
	sync_win_prep(sw, ka, kb);
	sync_window(sw, ka, kb, g, 1, W, &n, &nk);
	if (nk < SYNC_MIN || n < SYNC_NUIS * nk + 7)
		return 0;
	double ca, sa, iv[3], rss;
	double best = sync_explained(W, &ca, &sa, iv, &rss);
	double s2 = rss / (double)(n - SYNC_NUIS * nk - 6);
	return s2 > 0 ? best / s2 : 0;
}

/* The ripple next to the head (or the tail) of L: from the RIP_SPAN / 2
 * crossings next to it and from RIP_SPAN, the one that stands out more
 * (where the pen's speed or the ripple change, the nearer crossings
 * tell; where they hold, the more). */
static int edge_ripple_near(const struct xing *L, const bool *use, uint32_t nl, bool head,
			    struct edge_rip *cand)
{
	struct edge_rip c2[RIP_CAND];
	double s1, s2;
	uint32_t n1 = nl < RIP_SPAN / 2 ? nl : RIP_SPAN / 2, n2 = nl < RIP_SPAN ? nl : RIP_SPAN;
	int k1 = edge_ripple(L, use, head ? 0 : nl - n1, head ? n1 - 1 : nl - 1, cand, &s1);
	if (n2 == n1)
		return k1;
	int k2 = edge_ripple(L, use, head ? 0 : nl - n2, head ? n2 - 1 : nl - 1, c2, &s2);
	if (k2 == 0 || s1 >= s2)
		return k1;
	memcpy(cand, c2, sizeof c2);
	return k2;
}

/* The crossings see a ripple once a stroke and cannot tell its aliases
 * apart; the end fit's three strokes barely can: over them a wrong alias
 * beyond a cycle a stroke may leave the smaller residual (1 kHz, a 0.48 %
 * PWM at 0.770 cycles a stroke: 1.228 fitted the head 12 % better than
 * 0.772 and read it 0.0012 cycles short, blind_hunt.py speed 1000 9918).
 * The samples of the steady strokes next to the end tell them apart
 * (sync_score: 1.228 explained 6.5 noise variances there, 0.772 185). So
 * an alias beyond a cycle a stroke (after nu and 1 - nu, which stay) is
 * dropped where it explains less than SYNC_ALIAS_KEEP of the best. The
 * candidates left, in their order; their count. */
#define SYNC_ALIAS_KEEP 0.5
#define EDGE_RIP_FOUND 2 /* the first candidates: nu and 1 - nu */
static int edge_ripple_aliases(struct sync_win *sw, uint32_t nl, bool head, struct edge_rip *cand,
			       int nc)
{
	if (nc <= EDGE_RIP_FOUND)
		return nc;
	double sc[RIP_CAND], best = 0;
	for (int c = 0; c < nc; c++) {
		sc[c] = sync_score(sw, nl, head, cand[c].g);
		best = sc[c] > best ? sc[c] : best;
	}
	if (!(best > 0))
		return nc;
	int k = EDGE_RIP_FOUND;
	for (int c = EDGE_RIP_FOUND; c < nc; c++)
		if (sc[c] >= SYNC_ALIAS_KEEP * best)
			cand[k++] = cand[c];
	return k;
}

/* A ripple near twice the stroke rate that the other end took
 * (edge_sync_ripple, all its tests passed there), at its frequency g
 * (cycles a slot: a PWM holds it in hertz over the record), at the end
 * next to the head (or the tail) of L: with its frequency given, nothing
 * is scanned, and its fit over the steady strokes there (sync_steady)
 * need stand out of them, by their samples and by the strokes' own
 * scatter (sync_clustered), only at p = 0.001 (SYNC_CONFIRM, chi-square,
 * 2 degrees of freedom) where a find of the scan's had to beyond all its
 * frequencies (RIP_SIGNIF). Under a 2.78 um t5 noise a 0.5 % PWM at 2.08
 * cycles a stroke explained 37 noise variances of the head's samples and
 * 29 of its strokes' scatter, below RIP_SIGNIF, while the tail took it at
 * 2.15 (43 and 66): without it the head read 0.0004 cycles short, -31.1
 * ppm against U 29.6 with the wander's share (speed 4000 13122, redraw
 * 13122009 of tests/gen/rate_floor.py). False where it does not stand
 * out, or g lies outside the second band here. */
#define SYNC_CONFIRM 13.8
static bool sync_confirm(struct sync_win *sw, uint32_t nl, bool head, double g,
			 struct edge_rip *cand)
{
	const struct xing *L = sw->L;
	const bool *use = sw->use;
	if (nl < SYNC_MIN + 1)
		return false;
	uint32_t ns = sync_steady(L, use, nl, head, nl - 1 < SYNC_STROKES ? nl - 1 : SYNC_STROKES);
	uint32_t ka = head ? 0 : nl - 1 - ns, kb = ka + ns;
	double P = (L[kb].t_slot - L[ka].t_slot) / (double)ns;
	if (!(g * P >= SYNC2_LO && g * P <= SYNC2_LO + (SYNC_WIDE_HI - SYNC_WIDE_LO)))
		return false;
	sync_win_prep(sw, ka, kb);
	struct edge_rip c;
	double best, s2;
	unsigned nk;
	if (!sync_fit(sw, ka, kb, g, 2, &c, &best, &s2, &nk) || nk < SYNC_MIN ||
	    !(best > SYNC_CONFIRM * s2) || !sync_coherent(sw, ka, kb, g, 2) ||
	    !(sync_clustered(sw, ka, kb, g, 2) > SYNC_CONFIRM))
		return false;
	*cand = c;
	return true;
}

/* The same at one end, found once a record (the crossings as detected
 * do not change between the end fits before and after xing_unbias), and
 * the ripple near the stroke rate where the pen holds its speed there
 * (where it changes it, step 4a's trend, a start-up's speed changing
 * within each stroke stood out as one: 4 kHz, from 67 %, 418 noise
 * variances); *away as edge_sync_ripple's. */
static void edge_ripple_scan(struct measure *m, struct sync_win *sw, uint32_t nl, bool head,
			     double *away)
{
	int e = head ? 0 : 1;
	m->edge_nrip[e] = edge_ripple_near(sw->L, sw->use, nl, head, m->edge_rip[e]);
	m->edge_nrip[e] = edge_ripple_aliases(sw, nl, head, m->edge_rip[e], m->edge_nrip[e]);
	*away = 0;
	m->edge_sync_weak_ok[e] = false;
	m->edge_near[e].ok = false;
	m->edge_sync_ok[e] = !(head ? m->head_trend : m->tail_trend) &&
			     edge_sync_ripple(sw, nl, head, &m->edge_sync[e], away,
					      &m->edge_sync_weak[e], &m->edge_sync_weak_ok[e],
					      &m->edge_sync_h[e], &m->edge_near[e]);
}

/* A ripple the crossings found at the other end, at its frequency in hertz
 * (g, cycles a slot: a PWM holds it over the record), as one more
 * candidate at end j where this end's crossings show it. Next to half a
 * cycle a stroke the crossings, once a stroke, see a ripple and its
 * mirror less than a resolution cell apart and cannot place it: the
 * scan's peak lies between the two, off by up to a cell, and the phase
 * fitted at the window's middle, carried to the end sample 24 strokes
 * away, puts the end off by more than the ripple's amplitude (1 kHz, a
 * 0.48 % PWM at 39.6 Hz on a pen stepping from 67.2 to 76.8 Hz: 0.589
 * cycles a stroke at the head, found there at 39.59 Hz; 0.516 at the
 * tail, found at 37.7 and 38.3 Hz or not at all, each candidate fitting
 * the tail's samples worse than none; the tail up to 0.005 cycles short:
 * -13.0 ppm against U 45, its redraws -10.0 +- 1.6; blind_hunt.py speed
 * 1000 14502). The other end's two frequencies (nu and 1 - nu there) are
 * fitted to this end's crossings (the RIP_SPAN / 2 and RIP_SPAN nearest,
 * as edge_ripple_near) and the one that stands out most, at p = 0.001
 * (SYNC_CONFIRM: the frequency given, nothing scanned), is added unless
 * this end holds it already (within RIP_OTHER_HELD cycles over the
 * window). The end fit takes it only where it follows the samples
 * better (edge_fits). Both ends must be scanned in the same learning
 * (edge_ripple_end). */
#define RIP_OTHER_HELD 0.1
static void edge_ripple_other(struct measure *m, const struct xing *L, const bool *use,
			      uint32_t nl, int j, const struct edge_rip *oth, int no)
{
	bool head = j == 0;
	if (m->edge_nrip[j] >= EDGE_RIP_CAND)
		return;
	double zb = 0;
	struct edge_rip cb = { 0 };
	for (uint32_t w = RIP_SPAN / 2; w <= RIP_SPAN; w += RIP_SPAN / 2) {
		uint32_t nw = nl < w ? nl : w, ka = head ? 0 : nl - nw, kb = ka + nw - 1;
		double t[RIP_SPAN], y[RIP_SPAN];
		bool ok[RIP_SPAN];
		double yy;
		uint32_t nv = rip_resid(L, use, ka, kb, t, y, ok, &yy);
		if (nv < 3)
			continue;
		double span = t[nw - 1] - t[0];
		for (int i = 0; i < no && i < EDGE_RIP_FOUND; i++) {
			bool held = false;
			for (int c = 0; c < m->edge_nrip[j]; c++)
				held = held || num_abs(m->edge_rip[j][c].g - oth[i].g) * span < RIP_OTHER_HELD;
			struct edge_rip c;
			double ex = held ? 0 : rip_fit(t, y, ok, nw, oth[i].g, &c);
			double s2 = (yy - ex) / (double)(nv - 2);
			if (!(ex > 0) || !(s2 > 0) || !(ex > SYNC_CONFIRM * s2) || !(ex / s2 > zb))
				continue;
			zb = ex / s2;
			for (int q = 0; q < 3; q++)
				c.iv[q] *= s2;
			cb = c;
		}
		if (nw == nl)
			break;
	}
	if (zb > 0)
		m->edge_rip[j][m->edge_nrip[j]++] = cb;
}

/* A ripple near twice the stroke rate taken at end e (edge_sync_ripple's
 * second band) that the other end does not hold: no longer taken, but
 * counted in the end's u (edge_sync_weak). A PWM holds its frequency in
 * hertz over the record; a line the second band found at one end alone
 * was no PWM (4 kHz, 135.3 Hz, a start-up from 81 %, the strokes'
 * amplitudes scattering 2.5 um, no PWM: a line at 1.78 cycles a stroke
 * at the tail, 49 noise variances, 76 against the strokes' scatter; the
 * head, under the start-up's trend, not scanned; -0.2 -> +1.5 ppm,
 * blind_hunt.py speed 4000 11810). */
static void sync_demote(struct measure *m, int e)
{
	if (!m->edge_sync_ok[e] || m->edge_sync_h[e] != 2)
		return;
	m->edge_sync_weak[e] = m->edge_sync[e];
	m->edge_sync_weak_ok[e] = true;
	m->edge_sync_ok[e] = false;
}

/* A ripple within a cycle of the window of the stroke rate (sync_near) is
 * taken at both ends or at neither: a PWM holds its frequency in hertz and
 * its amplitude in cycles (its speed ripple over 2 pi times its frequency)
 * over the record, so both ends show it, their periods within
 * SYNC_NEAR_P of each other (the band's width at each end) and their
 * amplitudes within SYNC_NEAR_AMP. A shape of the window other than the
 * learned one stood out at one end alone (blind_hunt.py speed 1000 16120,
 * 97 noise variances at the head, 2.7 at the tail, a PWM at 0.35 cycles a
 * stroke; drift 1000 16114, 77 at the tail alone). */
#define SYNC_NEAR_P (2.0 / SYNC_STROKES)
#define SYNC_NEAR_AMP 2.0
static bool sync_near_one(const struct measure *m)
{
	const struct edge_near *h = &m->edge_near[0], *t = &m->edge_near[1];
	if (!h->ok || !t->ok || m->edge_sync_ok[0] || m->edge_sync_ok[1])
		return false;
	double a0 = h->amp, a1 = t->amp;
	return num_abs(h->P / t->P - 1) < SYNC_NEAR_P &&
	       fmax(a0, a1) <= SYNC_NEAR_AMP * fmin(a0, a1);
}

/* A PWM holds its frequency in hertz over the record: where both ends are
 * scanned in the same learning and both find a ripple away from the
 * stroke rate, the two must be one line, their frequencies within
 * SYNC_AGREE cycles over the longer window (the scan's own resolution is
 * one), else neither is taken. The golden capture's two lines
 * (sync_clustered) were at 89.2 and 74.3 Hz, 5.9 cycles apart over the
 * window; speed 4000 10601's PWM (200.2 Hz) was found at both ends 0.15
 * cycles apart. */
#define SYNC_AGREE 1.0
static int edge_ripple_end(struct measure *m, const struct xing *L, const bool *use,
			   uint32_t nl, bool head)
{
	int e = head ? 0 : 1;
	if (m->edge_nrip[e] >= 0)
		return m->edge_nrip[e];
	double away[2] = { 0, 0 };
	/* the windows' sums of each stroke that do not depend on g (~29
	 * KiB), for the scans and sync_confirm */
	struct sync_win sw;
	sync_win_init(&sw, m, L, use);
	edge_ripple_scan(m, &sw, nl, head, &away[e]);
	/* the head is scanned where the learning holds the record's first
	 * stroke, the tail where it holds its last */
	if (head ? !m->finishing : m->have_first_seg) {
		sync_demote(m, e);
		return m->edge_nrip[e];
	}
	edge_ripple_scan(m, &sw, nl, !head, &away[1 - e]);
	if (m->edge_sync_ok[0] && m->edge_sync_ok[1] && away[0] > 0 && away[1] > 0 &&
	    num_abs(m->edge_sync[0].g - m->edge_sync[1].g) * fmax(away[0], away[1]) > SYNC_AGREE) {
		sync_demote(m, 0);
		sync_demote(m, 1);
		m->edge_sync_ok[0] = m->edge_sync_ok[1] = false;
	}
	if (sync_near_one(m))
		for (int j = 0; j < 2; j++) {
			m->edge_sync[j] = m->edge_near[j].r;
			m->edge_sync_ok[j] = true;
			m->edge_sync_h[j] = 1;
		}
	struct edge_rip oth[2][EDGE_RIP_FOUND];
	int no[2];
	for (int j = 0; j < 2; j++) {
		no[j] = m->edge_nrip[j] < EDGE_RIP_FOUND ? m->edge_nrip[j] : EDGE_RIP_FOUND;
		memcpy(oth[j], m->edge_rip[j], sizeof oth[j]);
	}
	for (int j = 0; j < 2; j++)
		edge_ripple_other(m, L, use, nl, j, oth[1 - j], no[1 - j]);
	for (int j = 0; j < 2; j++)
		if (m->edge_sync_ok[1 - j] && m->edge_sync_h[1 - j] == 2 && !m->edge_sync_ok[j] &&
		    !(j ? m->tail_trend : m->head_trend) &&
		    sync_confirm(&sw, nl, j == 0, m->edge_sync[1 - j].g, &m->edge_sync[j])) {
			m->edge_sync_ok[j] = true;
			m->edge_sync_h[j] = 2;
			m->edge_sync_weak_ok[j] = false;
		}
	bool held[2];
	for (int j = 0; j < 2; j++)
		held[j] = m->edge_sync_ok[j] && m->edge_sync_h[j] == 2;
	for (int j = 0; j < 2; j++)
		if (!held[1 - j])
			sync_demote(m, j);
	return m->edge_nrip[e];
}

/* The ripple's phase at slot t (cycles), and its variance. */
static double rip_at(const struct edge_rip *r, double t, double *var)
{
	if (!r) {
		if (var)
			*var = 0;
		return 0;
	}
	double a = 2 * M_PI * r->g * t, c = cos(a), s = sin(a);
	if (var)
		*var = c * c * r->iv[0] + 2 * c * s * r->iv[1] + s * s * r->iv[2];
	return r->ca * c + r->sa * s;
}

struct edge_win {
	uint32_t i0, i1;   /* hist samples of the window */
	double t0, P;      /* time origin (the end knot, slots) and scale */
	double t_eval;     /* the end sample's slot */
	double t_seen;     /* the valid sample nearest it (slot) */
	const struct edge_rip *rip; /* the ripple candidates (edge_ripple) */
	int nrip;
	const struct edge_rip *sync; /* a ripple near the stroke rate, or NULL */
	bool *astray; /* set where a fit did not follow the open stroke */
	int bend; /* the open stroke's own terms (edge_ph): 0 or EDGE_BEND */
	bool quart; /* the curved fit is a quartic (edge_head_quartic) */
	bool advance; /* the samples on the advance only (edge_on_advance) */
	double amp_var; /* the strokes' amplitude scatter, um^2 (m->edge_amp_var):
			 * the prior of each stroke's own amplitude; 0: none */
	const struct edge_rip *weak; /* a ripple near twice the stroke rate not
				      * taken (m->edge_sync_weak), or NULL */
	double settle; /* a settling contact's time constant, slots (edge_settle_at); 0: none */
};

/* The levels an end fit holds besides its phase: the window's one offset
 * a (um) and, where the strokes' amplitudes scatter (w->amp_var), each
 * stroke's own e[s] (um at the top; its samples move by e[s] w, w the
 * shape's relative level: the stroke scaled about the retracted end, as
 * the pen's tips scatter), s the stroke's slot (edge_amp_slot). */
struct edge_lev {
	double a;
	double s; /* the settling contact's offset at the end sample (w->settle), um */
	double e[EDGE_AMP_STROKES];
};

/* The slot of the stroke a sample at phase phs belongs to: strokes from
 * one retracted end (the shape's trough) to the next, where a stroke's
 * amplitude moves no sample, counted from the third before the end
 * knot's (an end's window spans phases -EDGE_END_MAX - 1 .. EDGE_END_MAX
 * about it); -1 outside the slots. */
static int edge_amp_slot(const struct shape *sh, double phs)
{
	double k = floor(phs - sh->trough_phase) + 3;
	return k >= 0 && k < EDGE_AMP_STROKES ? (int)k : -1;
}

/* The fit's own unknowns for degree deg: the polynomial's, the open
 * stroke's (w->bend), the settling contact's (w->settle) and the offset,
 * last (at edge_npf - 1). */
static int edge_npf(const struct edge_win *w, int deg)
{
	return deg + 2 + w->bend + (w->settle > 0);
}

/* A settling contact's share of sample slot t: exp(-|t - t_eval| / settle),
 * 1 at the end sample, decaying away from it. */
static double edge_settle_at(const struct edge_win *w, double t)
{
	return exp(-num_abs(t - w->t_eval) / w->settle);
}

/* The fit's unknowns for degree deg: its own (edge_npf) and with
 * w->amp_var each stroke's amplitude after them. */
static int edge_np(const struct edge_win *w, int deg)
{
	return edge_npf(w, deg) + (w->amp_var > 0 ? EDGE_AMP_STROKES : 0);
}

/* The columns of a sample's row J that may be non-zero: the fit's own
 * (polynomial, open stroke, offset) and its stroke's amplitude, of the
 * six one at most (edge_sample); into cols[], ascending. Returns how
 * many. The fit's sums over them alone are its sums over all (the other
 * terms are exact zeros) at a fraction of the cost. */
static int edge_cols(const struct edge_win *w, int deg, const double *J, int *cols)
{
	int npf = edge_npf(w, deg), nc = 0;
	for (int p = 0; p < npf; p++)
		cols[nc++] = p;
	if (w->amp_var > 0)
		for (int k = 0; k < EDGE_AMP_STROKES; k++)
			if (J[npf + k] != 0) {
				cols[nc++] = npf + k;
				break;
			}
	return nc;
}

/* A sample at phase phs (the shape's relative level wt there) lies on the
 * advance, from the retracted end to below EDGE_ADV_W of the stroke:
 * before the tips reach the pad. What happens at the pad (its creep,
 * which recovers in time over the fall; the sensor's exposure) takes a
 * fixed time, so a shape learned at the record's steady speed misfits a
 * head where the pen runs much slower, and the fit's phase moves with
 * it: a second-order start-up from 62 % (4 kHz, 54.8 Hz, a pad creeping
 * 1.19 ms) read the head 0.0013 cycles short on 8 redraws (-15.6 ppm,
 * se 2.1), from 43 % (1 kHz, 71.2 Hz, 1.99 ms) 0.0026 short (-16.6 ppm,
 * se 1.2); the same draws without the pad, or the head fitted on the
 * advance alone, within a standard error of 0. A quartic through the true
 * phase over the head's window is within 0.0002 cycles: the phase model
 * was not what missed. */
static bool edge_on_advance(const struct shape *sh, double phs, double wt)
{
	double f = phs - floor(phs);
	return (f < sh->peak_phase || f >= sh->trough_phase) && wt <= EDGE_ADV_W;
}

/* The degree of the fit where the pen changes speed (curved): 3, or 4
 * where the knots call for it (w->quart); 3 with the open stroke's own
 * terms, which take c[4] and c[5]. */
static int edge_deg_curved(const struct edge_win *w)
{
	return w->quart && !w->bend ? 4 : 3;
}

/* u on the open stroke's side of the end knot (u = 0), else 0. */
static double edge_uo(const struct edge_win *w, double u)
{
	return u * (w->t_eval - w->t0) > 0 ? u : 0;
}

/* The open stroke's k-th own term at uo (edge_uo): uo^(k + 2). */
static double edge_uo_pow(double uo, int k)
{
	double p = uo * uo;
	for (int j = 0; j < k; j++)
		p *= uo;
	return p;
}

/* The fit's phase at u: the polynomial of degree deg in c, and with
 * w->bend, c[4] uo^2 + c[5] uo^3 (+ c[6] uo^4) on the open stroke
 * (edge_uo): a curve
 * of its own there, joined with the same phase and speed at the end
 * knot (edge_phase_bent). *sl, where not NULL, its slope. */
static double edge_ph(const struct edge_win *w, const double *c, int deg, double u, double *sl)
{
	double uo = w->bend ? edge_uo(w, u) : 0, p = 0, s = 0;
	/* sum of c[4 + k] uo^(k + 2) and its slope, by Horner */
	for (int k = w->bend - 1; k >= 0; k--) {
		p = p * uo + c[4 + k];
		s = s * uo + (k + 2) * c[4 + k];
	}
	if (sl)
		*sl = poly_slope(c, deg, u) + uo * s;
	return poly_at(c, deg, u) + uo * uo * p;
}

/* Sample i of the window against the fit (c, levels lv): false where it
 * is invalid, left out (drop[]) or outside the shape's gate; else *r its
 * residual (um), J[] its row (d x / d c[j], d x / d a, and with
 * w->amp_var d x / d e[s]: edge_np), *phs its phase, *wt the shape's
 * relative level there. */
static bool edge_sample(const struct measure *m, const struct edge_win *w, int deg,
			const double *c, const struct edge_lev *lv, const struct edge_rip *rp,
			uint32_t i, double gate_cyc, const uint32_t *drop, int ndrop, double *r, double *J,
			double *phs, double *wt)
{
	const struct shape *sh = &m->shape;
	double xv = m->hist[i];
	if (isnan(xv))
		return false;
	for (int d = 0; d < ndrop; d++)
		if (drop[d] == i)
			return false;
	double u = ((double)(m->hist_slot0 + i) - w->t0) / w->P;
	double T, dT, sl;
	*phs = edge_ph(w, c, deg, u, &sl) + rip_at(rp, (double)(m->hist_slot0 + i), NULL);
	shape_at(sh, *phs, &T, &dT, wt);
	int slot = w->amp_var > 0 ? edge_amp_slot(sh, *phs) : -1;
	double tsl = (double)(m->hist_slot0 + i);
	double se = w->settle > 0 ? edge_settle_at(w, tsl) : 0;
	*r = xv - T - lv->a - lv->s * se - (slot >= 0 ? lv->e[slot] * *wt : 0);
	if (w->advance && !edge_on_advance(sh, *phs, *wt))
		return false;
	/* a speckle spike on a flank passes the gate but not its
	 * neighbours' test (spike_resid) */
	if (!(num_abs(*r) <= shape_gate_um(sh, dT, gate_cyc)) ||
	    spike_resid(m, i, *phs, sl / w->P, *r + lv->a))
		return false;
	double uj = 1, uo = edge_uo(w, u);
	for (int j = 0; j <= deg; j++, uj *= u)
		J[j] = dT * uj;
	for (int k = 0; k < w->bend; k++)
		J[deg + 1 + k] = dT * edge_uo_pow(uo, k);
	int npf = edge_npf(w, deg);
	if (w->settle > 0)
		J[npf - 2] = se;
	J[npf - 1] = 1;
	if (w->amp_var > 0)
		for (int k = 0; k < EDGE_AMP_STROKES; k++)
			J[npf + k] = k == slot ? *wt : 0;
	return true;
}

/* Sample i's residual r stands alone: neither neighbour in time lies
 * beyond lim on the same side. Where they do, the fit's model is what
 * misses there, not one noise value (a second-order start-up at 1 kHz:
 * the record's first two samples +38 and +27 um off the cubic; left out,
 * the cubic ran on over them unchecked, -131 -> -309 ppm). */
static bool edge_isolated(const struct measure *m, const struct edge_win *w, int deg,
			  const double *c, const struct edge_lev *lv, const struct edge_rip *rp,
			  uint32_t i, double r, double lim, const uint32_t *drop, int ndrop)
{
	double rn, J[EDGE_NP_MAX], phs, wt;
	for (int d = -1; d <= 1; d += 2) {
		uint32_t j = i + (uint32_t)d;
		if (j < w->i0 || j >= w->i1 ||
		    !edge_sample(m, w, deg, c, lv, rp, j, EDGE_GATE_CYC, drop, ndrop, &rn, J, &phs,
				 &wt))
			continue;
		if (rn * r > 0 && num_abs(rn) > lim)
			return false;
	}
	return true;
}

/* The window's sample that stands out of the fit most, by its residual
 * against the fit without it (externally studentized: r / (s_(i)
 * sqrt(1 - h)), h its leverage, s_(i) the residual spread of the others),
 * where that passes EDGE_DROP_T; else UINT32_MAX. At the record's last
 * sample the fit's leverage is about a half, and one heavy-tailed noise
 * value there moved the end phase with it (1 kHz, 8 samples a stroke, a
 * t3 value of -11.2 um on a flank of 3260 um a cycle, t = 7.5 against
 * the 24 other samples: the tail -0.0044 cycles off, the rate -16.4 ppm;
 * without it -0.0010 and -2.2), and stands alone (edge_isolated). A
 * fit leaves out at most EDGE_DROP_MAX. */
static uint32_t edge_outlier(const struct measure *m, const struct edge_win *w, int deg,
			     const double *c, const struct edge_lev *lv, const struct edge_rip *rp,
			     double inv[EDGE_NP_MAX][EDGE_NP_MAX], double lam, const uint32_t *drop,
			     int ndrop)
{
	int npf = edge_npf(w, deg);
	double rss = 0, r, J[EDGE_NP_MAX], phs, wt;
	unsigned n = 0;
	for (uint32_t i = w->i0; i < w->i1; i++)
		if (edge_sample(m, w, deg, c, lv, rp, i, EDGE_GATE_CYC, drop, ndrop, &r, J, &phs,
				&wt)) {
			rss += r * r;
			n++;
		}
	/* With the strokes' amplitudes (w->amp_var) the fit minimised the
	 * residuals' squares plus its prior's penalty lam e^2, and leaving
	 * one sample out lowers that sum, not the squares alone, by
	 * r^2 / (1 - h): without the penalty a spike that the amplitudes
	 * had partly taken in read r^2 / (1 - h) above the squares, s_(i)^2
	 * below 0, and was never left out (blind_hunt.py spikes 1000 14613:
	 * 7.8 samples a stroke, a far spike of 51.7 um on the last stroke's
	 * advance; the tail's refit with the open stroke's own curve then
	 * left out a good sample instead, -107.3 ppm against U 90.5) */
	if (w->amp_var > 0)
		for (int k = 0; k < EDGE_AMP_STROKES; k++)
			rss += lam * lv->e[k] * lv->e[k];
	if (n < (unsigned)npf + 8)
		return UINT32_MAX;
	uint32_t worst = UINT32_MAX;
	double tw = EDGE_DROP_T;
	for (uint32_t i = w->i0; i < w->i1; i++) {
		if (!edge_sample(m, w, deg, c, lv, rp, i, EDGE_GATE_CYC, drop, ndrop, &r, J, &phs,
				 &wt))
			continue;
		double h = 0;
		int cols[EDGE_NP_MAX], nc = edge_cols(w, deg, J, cols);
		for (int a = 0; a < nc; a++)
			for (int bq = 0; bq < nc; bq++)
				h += J[cols[a]] * inv[cols[a]][cols[bq]] * J[cols[bq]];
		if (!(h < 1))
			continue;
		double s2i = (rss - r * r / (1 - h)) / (double)(n - (unsigned)npf - 1);
		if (!(s2i > 0))
			continue;
		double t = num_abs(r) / sqrt(s2i * (1 - h));
		if (t > tw && edge_isolated(m, w, deg, c, lv, rp, i, r, sqrt(s2i), drop, ndrop)) {
			tw = t;
			worst = i;
		}
	}
	return worst;
}

/* The fit follows the open stroke: of the valid samples between the end
 * knot (u = 0) and the end sample, at least a half lie in its gate. A
 * fit that gated the open stroke's samples out ran free over it (4 kHz,
 * two spikes on the last rising flank: 4 of the last 17 samples in the
 * gate, the cubic's phase 0.3 strokes ahead, +752.6 ppm against U 366.3).
 * Under EDGE_OPEN_MIN valid samples the test holds nothing back. */
static bool edge_open_follows(const struct measure *m, const struct edge_win *w, int deg,
			      const double *c, const struct edge_lev *lv, const struct edge_rip *rp,
			      const uint32_t *drop, int ndrop)
{
	double ue = (w->t_eval - w->t0) / w->P;
	unsigned nv = 0, nin = 0;
	for (uint32_t i = w->i0; i < w->i1; i++) {
		double u = ((double)(m->hist_slot0 + i) - w->t0) / w->P;
		if (isnan(m->hist[i]) || !(u * ue >= 0 && num_abs(u) <= num_abs(ue)))
			continue;
		double r, J[EDGE_NP_MAX], phs, wt, T, dT;
		if (w->advance) {
			phs = edge_ph(w, c, deg, u, NULL) +
			      rip_at(rp, (double)(m->hist_slot0 + i), NULL);
			shape_at(&m->shape, phs, &T, &dT, &wt);
			if (!edge_on_advance(&m->shape, phs, wt))
				continue;
		}
		nv++;
		/* a sample left out as an outlier counts as in */
		bool in = edge_sample(m, w, deg, c, lv, rp, i, EDGE_GATE_CYC, NULL, 0, &r, J, &phs,
				      &wt);
		for (int d = 0; d < ndrop && !in; d++)
			in = drop[d] == i;
		nin += in;
	}
	return nv < EDGE_OPEN_MIN || 2 * nin >= nv;
}

/* The fit's misfit: the mean squared residual of the samples it used
 * over the mean of the fold's noise variance at their levels
 * (shape.noise_var): about 1 where the fit's model holds. NaN under 4
 * samples. */
static double edge_misfit(const struct measure *m, const struct edge_win *w, int deg,
			  const double *c, const struct edge_lev *lv, const struct edge_rip *rp,
			  const uint32_t *drop, int ndrop)
{
	const struct shape *sh = &m->shape;
	long nb = (long)sh->nbins;
	double rss = 0, nv = 0;
	unsigned n = 0;
	for (uint32_t i = w->i0; i < w->i1; i++) {
		double r, J[EDGE_NP_MAX], phs, wt;
		if (!edge_sample(m, w, deg, c, lv, rp, i, EDGE_GATE_CYC, drop, ndrop, &r, J, &phs,
				 &wt))
			continue;
		long j = (long)floor((phs - floor(phs)) * (double)nb);
		if (j < 0 || j >= nb)
			j = 0;
		rss += r * r;
		nv += sh->noise_var[j];
		n++;
	}
	return n >= 4 && nv > 0 ? rss / nv : NAN;
}

/* What the fit's phase at t_eval (its gradient ge, inverse normal
 * matrix inv) takes from the noise along the stroke and from the shape's
 * own error, over the samples the fit used: with g = inv ge, sample i
 * moves the phase by s_i = g' J_i times its error. The noise: sum s_i^2
 * of the noise's variance at its level (shape.noise_var, the fold's),
 * into *vn where that exceeds the fit's own residual variance times
 * ge' inv ge (one level for all its samples: under noise that grows
 * towards the retracted end, that of the tops and troughs, while the
 * flanks time the phase; 1 kHz, 10.6 um at the top, 21 at the retracted
 * end: the two ends 0.0169 strokes off against their u of 0.0042, now
 * 0.0058). The shape:
 * the error of a bin's point moves every sample in that bin alike
 * (T is the quadratic through it and its neighbours, within a bin mostly
 * its own point), so the return value is sum over bins of (the bin's
 * s_i summed)^2 times its point's variance (shape.point_var). */
static double edge_shape_var(const struct measure *m, const struct edge_win *w, int deg,
			     const double *c, const struct edge_lev *lv, const struct edge_rip *rp,
			     const uint32_t *drop, int ndrop, const double *ge,
			     double inv[EDGE_NP_MAX][EDGE_NP_MAX], double *vn)
{
	const struct shape *sh = &m->shape;
	int np = edge_np(w, deg);
	long nb = (long)sh->nbins;
	double g[EDGE_NP_MAX], sb[NBIN_MAX], het = 0, vs = 0;
	uint16_t tb[NBIN_MAX];
	int16_t pos[NBIN_MAX];
	long nt = 0;
	memset(pos, 0xff, (size_t)nb * sizeof pos[0]);
	for (int p = 0; p < np; p++) {
		g[p] = 0;
		for (int q = 0; q < np; q++)
			g[p] += inv[p][q] * ge[q];
	}
	for (uint32_t i = w->i0; i < w->i1; i++) {
		double r, J[EDGE_NP_MAX], phs, wt;
		if (!edge_sample(m, w, deg, c, lv, rp, i, EDGE_GATE_CYC, drop, ndrop, &r, J, &phs,
				 &wt))
			continue;
		double si = 0;
		for (int p = 0; p < np; p++)
			si += g[p] * J[p];
		long j = (long)floor((phs - floor(phs)) * (double)nb);
		if (j < 0 || j >= nb)
			j = 0;
		het += si * si * sh->noise_var[j];
		if (pos[j] < 0) {
			pos[j] = (int16_t)nt;
			tb[nt] = (uint16_t)j;
			sb[nt++] = 0;
		}
		sb[pos[j]] += si;
	}
	for (long t = 0; t < nt; t++)
		vs += sb[t] * sb[t] * sh->point_var[tb[t]];
	if (het > *vn)
		*vn = het;
	return vs;
}

/* One fit of degree deg; *ph the phase at t_eval, *var its variance.
 * *dx how far *ph lies from the fit's own phase at the valid sample
 * nearest t_eval (w->t_seen) carried on to t_eval at its speed there: 0
 * when the end sample is seen; where error values hide the samples next
 * to it, what the polynomial's curve adds over them (edge_end_u).
 * c holds the start (knots) and receives the fit. amp2[0] and amp2[1]
 * receive the sum over the window's strokes of (d ph / d e_k)^2, cycles
 * per um squared: how far the phase at t_eval moves when stroke k reaches
 * e_k further, its samples moved by e_k w (a stroke scaled about the
 * retracted end) or by e_k w^2 (only the tips' end of it), w the shape's
 * relative level (0 retracted, 1 at the top). With one offset for the
 * window alone a stroke's own amplitude is not in the fit's model, and
 * the samples of one stroke share it, so the fit's residual variance does
 * not show it (4 kHz, 0.31 s, tips scattering 3.2 um stroke to stroke:
 * the open stroke's phase 0.0015 cycles off, against 0.0004 from the
 * fit). Where the record's strokes scatter (w->amp_var, their tops'
 * offsets: scatter_rho), each stroke's amplitude e_k is in the model as
 * a random effect (e_k w, the prior N(0, amp_var): the penalty lam e_k^2,
 * lam the window's mean noise variance over amp_var), the estimator
 * tests/gen/rate_floor.py's "+scatter" floor describes: the phase then
 * moves by -lam g_k e_k (g = A^-1 ge) where it moved by the whole of the
 * stroke's pull, which amp2 and *var (its noise's share alone: edge_u
 * adds the scatter's from amp2) follow (speed 1000 11216 drawn without
 * noise and wander, 2.73 um of scatter at 8 samples a stroke: the two
 * ends' sum 0.00079 -> 0.00021 cycles sd over 16 redraws, 0.00019
 * without the scatter). A sample that stands out of the fit (edge_outlier)
 * is left out and the fit run again. */
/* The shape's slope at phase phs (um per cycle) for the floor under an
 * end fit's u (edge_floor_var), squared: the chord between the bins'
 * points half a sample (h cycles) either side, less the chord's own
 * noise (the two points' variance, shape.point_var), at least 0. The
 * shape's own slope at a sample (shape_at: the quadratic through a bin's
 * point and its neighbours', 1/367 of a cycle apart at 4 kHz) holds the
 * points' noise many times over where they are noisy, and the fit takes
 * it for the pen's: 4 kHz, 12.6 um of noise on a 350 um stroke at 20.004
 * samples a stroke, the sum of the slopes squared over the head's window
 * 2.4e8 and 7.4e8 (um/cycle)^2 on two redraws against 4.8e7 without
 * noise, and the head's u 0.0026 and 0.0010 strokes where its scatter
 * over 40 redraws was 0.0075. */
static double edge_slope2(const struct shape *sh, double phs, double h)
{
	long nb = (long)sh->nbins;
	double f = phs - floor(phs);
	long ja = (long)floor((f - h) * (double)nb), jb = (long)floor((f + h) * (double)nb);
	if (jb <= ja)
		jb = ja + 1;
	double d = (double)(jb - ja) / (double)nb; /* cycles between the bins' centres */
	long a = ((ja % nb) + nb) % nb, b = ((jb % nb) + nb) % nb;
	double s = (sh->c0[b] - sh->c0[a]) / d;
	double s2 = s * s - (sh->point_var[a] + sh->point_var[b]) / (d * d);
	return s2 > 0 ? s2 : 0;
}

/* A floor under an end fit's noise variance: the Cramer-Rao bound of
 * its phase at t_eval (gradient ge) from the samples the fit used (c,
 * lv, rp, drop as it left them), each sample's noise the record's at its
 * level (shape.noise_var) and its phase's pull the pen's slope there as
 * the shape's chords tell it (edge_slope2), not the shape's own slope:
 * (ge' F^-1 ge), F = sum J J' / noise_var with the same unknowns as the
 * fit but the strokes' amplitudes (edge_u counts their scatter apart).
 * 0 where F cannot be solved. */
static double edge_floor_var(const struct measure *m, const struct edge_win *w, int deg,
			     const double *c, const struct edge_lev *lv, const struct edge_rip *rp,
			     const uint32_t *drop, int ndrop, const double *ge)
{
	const struct shape *sh = &m->shape;
	int npf = edge_npf(w, deg);
	long nb = (long)sh->nbins;
	double F[EDGE_NP_MAX * EDGE_NP_MAX] = { 0 }, inv[EDGE_NP_MAX * EDGE_NP_MAX];
	double b[EDGE_NP_MAX] = { 0 }, x[EDGE_NP_MAX], h = 0.5 / w->P;
	for (uint32_t i = w->i0; i < w->i1; i++) {
		double r, J[EDGE_NP_MAX], phs, wt, T, dT, wj;
		if (!edge_sample(m, w, deg, c, lv, rp, i, EDGE_GATE_CYC, drop, ndrop, &r, J, &phs,
				 &wt))
			continue;
		long j = (long)floor((phs - floor(phs)) * (double)nb);
		double nv = sh->noise_var[j >= 0 && j < nb ? j : 0];
		if (!(nv > 0))
			continue;
		shape_at(sh, phs, &T, &dT, &wj);
		/* the phase's columns carry dT: scaled to the chord's slope */
		double k = dT != 0 ? sqrt(edge_slope2(sh, phs, h)) / num_abs(dT) : 0;
		for (int p = 0; p <= deg + w->bend; p++)
			J[p] *= k;
		for (int p = 0; p < npf; p++)
			for (int q = 0; q <= p; q++)
				F[p * npf + q] += J[p] * J[q] / nv;
	}
	for (int p = 0; p < npf; p++)
		for (int q = p + 1; q < npf; q++)
			F[p * npf + q] = F[q * npf + p];
	if (!num_solve_sym((unsigned)npf, F, b, x, inv))
		return 0;
	double v = 0;
	for (int p = 0; p < npf; p++)
		for (int q = 0; q < npf; q++)
			v += ge[p] * inv[p * npf + q] * ge[q];
	return v > 0 ? v : 0;
}

/* One fit of edge_fit_deg kept (edge_fit_one's, a candidate's chosen
 * degree): its outputs, its coefficients c, the offset lv_a and the
 * samples it left out, from which its misfit can be made after
 * (edge_misfit). */
struct edge_cand {
	double s2, ph, var, amp[2];
	double c[EDGE_NC], dx, lv_a, lv_s;
	uint32_t drop[EDGE_DROP_MAX];
	int ndrop;
};

static bool edge_fit_deg(const struct measure *m, const struct edge_win *w, int deg, double *c,
			 const struct edge_rip *rp, double *ph, double *var, double *s2o, double *amp2,
			 double *dx, double *mf, struct edge_cand *keep)
{
	const struct shape *sh = &m->shape;
	int np = edge_np(w, deg);       /* coefficients, the offset, the amplitudes */
	int npf = edge_npf(w, deg);     /* coefficients, the settling and the offset */
	bool re = w->amp_var > 0;
	struct edge_lev lev = { 0 }, *lv = &lev;
	double inv[EDGE_NP_MAX][EDGE_NP_MAX];
	double rss = 0, lam = 0, dof_e = 0;
	unsigned n = 0;
	double bk[EDGE_AMP_STROKES][2][EDGE_NP_MAX]; /* the last pass's */
	long k0 = 0;
	bool have_k0 = false;
	uint32_t drop[EDGE_DROP_MAX];
	int ndrop = 0;
	long nb = (long)sh->nbins;
	/* the fit, again without each outlier it finds (edge_outlier) */
	for (;;) {
		memset(bk, 0, sizeof bk);
		have_k0 = false;
		for (int it = 0; it < EDGE_ITERS; it++) {
			double A[EDGE_NP_MAX][EDGE_NP_MAX] = { { 0 } }, b[EDGE_NP_MAX] = { 0 };
			double x[EDGE_NP_MAX], J[EDGE_NP_MAX];
			double gate_cyc = it == 0 ? 0.02 : EDGE_GATE_CYC, nv = 0;
			rss = 0;
			n = 0;
			for (uint32_t i = w->i0; i < w->i1; i++) {
				double r, phs, wt;
				if (!edge_sample(m, w, deg, c, lv, rp, i, gate_cyc, drop, ndrop, &r,
						 J, &phs, &wt))
					continue;
				int cols[EDGE_NP_MAX], nc = edge_cols(w, deg, J, cols);
				for (int ia = 0; ia < nc; ia++) {
					int p = cols[ia];
					b[p] += J[p] * r;
					for (int ib = 0; ib <= ia; ib++)
						A[p][cols[ib]] += J[p] * J[cols[ib]];
				}
				rss += r * r;
				n++;
				if (re) {
					long j = (long)floor((phs - floor(phs)) * (double)nb);
					nv += sh->noise_var[j >= 0 && j < nb ? j : 0];
				}
				if (it + 1 < EDGE_ITERS)
					continue;
				/* the stroke of this sample: its amplitude's slot,
				 * else the nearest top */
				long ki;
				if (re) {
					ki = edge_amp_slot(sh, phs);
				} else {
					long kk = (long)floor(phs - sh->peak_phase + 0.5);
					if (!have_k0) {
						k0 = kk;
						have_k0 = true;
					}
					ki = kk - k0;
				}
				if (ki >= 0 && ki < EDGE_AMP_STROKES)
					for (int ia = 0; ia < nc; ia++) {
						int p = cols[ia];
						bk[ki][0][p] += J[p] * wt;
						bk[ki][1][p] += J[p] * wt * wt;
					}
			}
			if (n < (unsigned)npf + 4)
				return false;
			/* each stroke's amplitude a random effect: its prior
			 * N(0, amp_var) against the samples' noise, the
			 * penalty lam e^2 in the sum of squares */
			dof_e = 0;
			if (re) {
				lam = nv / n / w->amp_var;
				for (int k = 0; k < EDGE_AMP_STROKES; k++) {
					int p = npf + k;
					dof_e += A[p][p] / (A[p][p] + lam);
					A[p][p] += lam;
					b[p] -= lam * lv->e[k];
				}
			}
			for (int p = 0; p < np; p++)
				for (int q = p + 1; q < np; q++)
					A[p][q] = A[q][p];
			if (!solve_spd(np, A, b, x, inv))
				return false;
			for (int j = 0; j <= deg; j++)
				c[j] += x[j];
			for (int k = 0; k < w->bend; k++)
				c[4 + k] += x[deg + 1 + k];
			lv->a += x[npf - 1];
			if (w->settle > 0)
				lv->s += x[npf - 2];
			if (re)
				for (int k = 0; k < EDGE_AMP_STROKES; k++)
					lv->e[k] += x[npf + k];
			if (!(num_abs(x[0]) < 0.25))
				return false; /* outside the linear reach: not the stroke */
		}
		uint32_t iw = UINT32_MAX;
		if (ndrop < EDGE_DROP_MAX)
			iw = edge_outlier(m, w, deg, c, lv, rp, inv, lam, drop, ndrop);
		if (iw == UINT32_MAX)
			break;
		drop[ndrop++] = iw;
	}
	/* Whether the fit follows the open stroke, and its misfit, are
	 * judged on its phase with the one offset alone (lv1: the strokes'
	 * amplitudes 0), as without them: the amplitudes are free enough
	 * to take in a phase that does not follow the samples, most of all
	 * the open stroke's (a start-up within a stroke or two, 1 kHz: the
	 * misfit 7.7 fell under EDGE_MISFIT_MAX with them, the refit with
	 * the open stroke's own curve was not tried, +1344.8 ppm against U
	 * 373.9, tests/test_red_captures.sh rate_startup_head_misfit_1khz) */
	struct edge_lev lev1 = { .a = lv->a, .s = lv->s };
	if (!edge_open_follows(m, w, deg, c, &lev1, rp, drop, ndrop)) {
		if (w->astray)
			*w->astray = true;
		return false;
	}
	double u = (w->t_eval - w->t0) / w->P, ge[EDGE_NP_MAX] = { 0 }, uj = 1;
	for (int j = 0; j <= deg; j++, uj *= u)
		ge[j] = uj;
	double uo = edge_uo(w, u);
	for (int k = 0; k < w->bend; k++)
		ge[deg + 1 + k] = edge_uo_pow(uo, k);
	/* v = ge' A^-1 ge; with the amplitudes' prior in A it holds their
	 * scatter as well (lam g_e^2 of it, g = A^-1 ge), which edge_u
	 * counts from the depth's std through amp2: the noise's share alone */
	double v = 0, ve = 0;
	for (int p = 0; p < np; p++)
		for (int q = 0; q < np; q++)
			v += ge[p] * inv[p][q] * ge[q];
	for (int p = npf; p < np; p++) {
		double g = 0;
		for (int q = 0; q < np; q++)
			g += inv[p][q] * ge[q];
		ve += lam * g * g;
	}
	v -= ve;
	double dof = (double)n - npf - dof_e;
	double s2 = rss / (dof > 1 ? dof : 1);
	double vn = s2 * v, vs = edge_shape_var(m, w, deg, c, lv, rp, drop, ndrop, ge, inv, &vn);
	double vf = edge_floor_var(m, w, deg, c, lv, rp, drop, ndrop, ge);
	if (vf > vn)
		vn = vf;
	amp2[0] = amp2[1] = 0;
	for (int k = 0; k < EDGE_AMP_STROKES; k++) /* d ph = ge' A^-1 (J' d x) */
		for (int g = 0; g < 2; g++) {
			double sens = 0;
			for (int p = 0; p < np; p++)
				for (int q = 0; q < np; q++)
					sens += ge[p] * inv[p][q] * bk[k][g][q];
			amp2[g] += sens * sens;
		}
	double vr;
	*ph = edge_ph(w, c, deg, u, NULL);
	double us = (w->t_seen - w->t0) / w->P, sl;
	*dx = *ph - (edge_ph(w, c, deg, us, &sl) + sl * (u - us));
	*ph += rip_at(rp, w->t_eval, &vr);
	*var = vn + vs + vr;
	*s2o = s2;
	if (mf)
		*mf = edge_misfit(m, w, deg, c, &lev1, rp, drop, ndrop);
	if (keep) {
		memcpy(keep->c, c, sizeof keep->c);
		keep->dx = *dx;
		keep->lv_a = lv->a;
		keep->lv_s = lv->s;
		memcpy(keep->drop, drop, sizeof drop[0] * (size_t)ndrop);
		keep->ndrop = ndrop;
	}
	return isfinite(*ph) && *var >= 0;
}

/* edge_fit_deg's answers from the fit kept in f (the same fit: its
 * degree, start, window and ripple), its misfit made where mf asks. */
static void edge_fit_kept(const struct measure *m, const struct edge_win *w, int deg,
			  const struct edge_rip *rp, const struct edge_cand *f, double *c, double *ph,
			  double *var, double *s2o, double *amp2, double *dx, double *mf)
{
	memcpy(c, f->c, sizeof f->c);
	*ph = f->ph;
	*var = f->var;
	*s2o = f->s2;
	amp2[0] = f->amp[0];
	amp2[1] = f->amp[1];
	*dx = f->dx;
	if (mf) {
		struct edge_lev lev1 = { .a = f->lv_a, .s = f->lv_s };
		*mf = edge_misfit(m, w, deg, c, &lev1, rp, f->drop, f->ndrop);
	}
}

/* The start of the fit: the quadratic through three of the crossings t[]
 * (k = ka..kb, labelled k - kref), as phase in u = (t - t0) / P. */
static void edge_start(const double *t, uint32_t ka, uint32_t kb, uint32_t kref,
		       const struct edge_win *w, double c0[EDGE_NC])
{
	uint32_t nk = kb - ka + 1;
	double us[3], ys[3];
	uint32_t pick[3] = { ka, ka + (nk - 1) / 2, kb };
	for (int i = 0; i < 3; i++) {
		us[i] = (t[pick[i] - ka] - w->t0) / w->P;
		ys[i] = (double)pick[i] - (double)kref;
	}
	memset(c0, 0, EDGE_NC * sizeof c0[0]);
	num_quad3(us[0], ys[0], us[1], ys[1], us[2], ys[2], &c0[0], &c0[1], &c0[2]);
}

/* The start of the fit from the knots away from the end knot L[kref]
 * alone: their constant speed carried over it. Where both other starts'
 * fits ran free over the open stroke (edge_open_follows), the end knot
 * itself was off (4 kHz, two spikes on the last rising flank: the last
 * knot 1.8 samples early). */
static void edge_start_far(const struct xing *L, uint32_t ka, uint32_t kb, uint32_t kref,
			   const struct edge_win *w, double c0[EDGE_NC])
{
	uint32_t a = kref == ka ? ka + 1 : ka, b = kref == ka ? kb : kb - 1;
	double P = (L[b].t_slot - L[a].t_slot) / (double)(b - a);
	memset(c0, 0, EDGE_NC * sizeof c0[0]);
	c0[0] = ((double)a - (double)kref) + (w->t0 - L[a].t_slot) / P;
	c0[1] = w->P / P;
}

/* amp[i] = max(amp[i], am[i]): of two answers, the larger squared phase
 * per um of a stroke's amplitude (edge_fit_deg). */
static void amp_max(double amp[2], const double am[2])
{
	for (int i = 0; i < 2; i++)
		amp[i] = am[i] > amp[i] ? am[i] : amp[i];
}

/* Both degrees' fits from one start; false when the chosen one failed.
 * *s2 the chosen fit's residual variance, *dx its extrapolation over
 * unseen end samples (edge_fit_deg). Where the strokes' amplitudes are
 * in the fit (w->amp_var), a floor under the end's u and amplitude
 * sensitivities (amp, squared): the same two fits from the same start
 * with the one offset alone (this function again, amp_var 0: the fit
 * before session 36), and of the two answers the larger u and the larger
 * of each sensitivity; the phase stays the amplitudes' fit's. The prior
 * takes the strokes' amplitudes as independent, and the one offset's
 * answer as sure as it says: where they are not (strokes' scatter
 * correlated from one to the next, rho 0.67 near commensurate, under a
 * drift: the tail's sensitivity 0.00021 -> 0.00007 cycles/um, +10.7 ppm
 * against U 8.1, tests/test_red_captures.sh mosaic_drift_flagged_s2), or
 * where the one offset's large sensitivity held an error that is not the
 * scatter's (a 4 kHz start-up's head, 0.00079 -> 0.00009 cycles/um, -38.3
 * ppm against U 31.0, rate_startup_head_misfit_4khz), the end is no surer
 * than before. Where the one offset's fits fail, no floor. */
static bool edge_fits1(const struct measure *m, const struct edge_win *w, const double c0[EDGE_NC],
		       bool curved, const struct edge_rip *rp, const struct edge_cand *have,
		       double *ph, double *u, double *s2, double *amp, double *dx, double cf[EDGE_NC],
		       double *mf)
{
	double cq[EDGE_NC], cc[EDGE_NC], pq, vq, pc, vc, sq = 0, sc = 0, aq[2] = { 0 }, ac[2] = { 0 };
	double dq = 0, dc = 0;
	/* the lower degree's and the higher's: 2 and 3, or 3 and 4 (a
	 * quartic: edge_head_quartic), the chosen one the higher where
	 * curved; the other is its u's rectangular half-width */
	int dhi = curved ? edge_deg_curved(w) : 3;
	memcpy(cq, c0, sizeof cq);
	memcpy(cc, c0, sizeof cc);
	/* have (may be NULL): the chosen degree's fit, made before
	 * (edge_fit_one, with rp from c0) */
	bool okq = true, okc = true;
	if (have && !curved)
		edge_fit_kept(m, w, dhi - 1, rp, have, cq, &pq, &vq, &sq, aq, &dq, mf);
	else
		okq = edge_fit_deg(m, w, dhi - 1, cq, rp, &pq, &vq, &sq, aq, &dq,
				   curved ? NULL : mf, NULL);
	if (have && curved)
		edge_fit_kept(m, w, dhi, rp, have, cc, &pc, &vc, &sc, ac, &dc, mf);
	else
		okc = edge_fit_deg(m, w, dhi, cc, rp, &pc, &vc, &sc, ac, &dc, curved ? mf : NULL,
				   NULL);
	if (curved ? !okc : !okq)
		return false;
	*ph = curved ? pc : pq;
	double var = curved ? vc : vq;
	double um = okq && okc ? num_abs(pc - pq) / sqrt(3.0) : 0;
	*u = sqrt(var + um * um);
	*s2 = curved ? sc : sq;
	amp[0] = curved ? ac[0] : aq[0];
	amp[1] = curved ? ac[1] : aq[1];
	*dx = curved ? dc : dq;
	memcpy(cf, curved ? cc : cq, EDGE_NC * sizeof cf[0]);
	if (w->amp_var > 0) {
		/* the floor: the same two fits with the one offset alone */
		struct edge_win w0 = *w;
		double ph0, u0, s20, a0[2], dx0, cf0[EDGE_NC];
		w0.amp_var = 0;
		w0.astray = NULL; /* the amplitudes' fit said whether it followed */
		if (edge_fits1(m, &w0, c0, curved, rp, NULL, &ph0, &u0, &s20, a0, &dx0, cf0, NULL)) {
			*u = u0 > *u ? u0 : *u;
			amp_max(amp, a0);
		}
	}
	return true;
}

/* The fit edge_fits1 takes (of degree 3 where curved, else 2) with the
 * ripple rp, alone: what the candidates are chosen by, without the other
 * degree's fit; f keeps it whole, for edge_fits1. False when it failed. */
static bool edge_fit_one(const struct measure *m, const struct edge_win *w, const double c0[EDGE_NC],
			 bool curved, const struct edge_rip *rp, struct edge_cand *f)
{
	double c[EDGE_NC], dx;
	memcpy(c, c0, sizeof c);
	return edge_fit_deg(m, w, curved ? edge_deg_curved(w) : 2, c, rp, &f->ph, &f->var, &f->s2,
			    f->amp, &dx, NULL, f);
}

/* Candidates whose residual variance is within this factor of the best
 * one's: the samples do not tell them apart. */
#define EDGE_RIP_NEAR 1.1

/* edge_fits1 with each ripple candidate of w (none where it has none):
 * the one whose fit leaves the smallest residual variance. A ripple near
 * the stroke rate (w->sync) stands in for none: it stood out of the
 * samples of many more strokes than the end fit's three, whose residual
 * variance, with the noise's share in it, may not show it (4 kHz, 3027:
 * the tail's 2.8 strokes fitted better without it by 5 noise variances,
 * and read 0.0012 cycles off, 0.0003 with it). The candidates are
 * compared by their chosen degree's fit alone, and only the one taken is
 * fitted with both (the same choice at about half the cost: a record
 * where a ripple is found has EDGE_RIP_CAND of them at each end).
 * The aliases beyond a cycle a stroke (1 + nu ..) are taken only where
 * their fit stands apart (EDGE_RIP_NEAR) from the best of no ripple, nu
 * and 1 - nu: over three strokes at 1 kHz the residuals of many aliases
 * come close, and the nearest by a few percent was no better (speed
 * 1000 35, a 0.33 % PWM at 0.73 cycles a stroke under a 2.1 % FM: the
 * tail took 1.73, 5 % below no ripple, and read 0.0014 cycles short,
 * -6.6 -> -10.9 ppm). Where others fit about as well (EDGE_RIP_NEAR),
 * the end is as unsure as the one of them that is least sure (its own
 * u, its sensitivity to the strokes' amplitudes: amp) and by their
 * spread, a rectangular half-width: the residuals of a short window do
 * not tell them apart (4 kHz, 9821's tail: four within 2 %, 0.0007
 * cycles apart; physics_capture.py, no ripple at all but one found in
 * a dwell's crossings: 1 + nu 5 % below 1 - nu, 0.0017 cycles apart and
 * 1.6 times less sensitive to the amplitudes, +12.5 ppm against U 10.5
 * when taken). */
static bool edge_fits(const struct measure *m, const struct edge_win *w, const double c0[EDGE_NC],
		      bool curved, double *ph, double *u, double *s2, double *amp, double *dx,
		      double cf[EDGE_NC], double *mf)
{
	struct edge_cand f[EDGE_RIP_CAND + 1];
	bool okf[EDGE_RIP_CAND + 1] = { false };
	int ib = -1;
	const struct edge_rip *pick = NULL;
	const struct edge_rip *r0 = w->sync; /* f[0]'s: the sync ripple, else none */
	okf[0] = r0 && edge_fit_one(m, w, c0, curved, r0, &f[0]);
	if (!okf[0]) {
		r0 = NULL;
		okf[0] = edge_fit_one(m, w, c0, curved, NULL, &f[0]);
	}
	if (okf[0]) {
		ib = 0;
		pick = r0;
	}
	double sn = ib >= 0 ? f[0].s2 : HUGE_VAL; /* the best of none, nu, 1 - nu */
	for (int r = 0; r < w->nrip; r++) {
		okf[r + 1] = edge_fit_one(m, w, c0, curved, &w->rip[r], &f[r + 1]);
		if (!okf[r + 1])
			continue;
		if (r < EDGE_RIP_FOUND && f[r + 1].s2 < sn)
			sn = f[r + 1].s2;
		/* an alias beyond a cycle a stroke only where the samples
		 * tell it apart from the nearer ones */
		if ((ib >= 0 && !(f[r + 1].s2 < f[ib].s2)) ||
		    (r >= EDGE_RIP_FOUND && !(EDGE_RIP_NEAR * f[r + 1].s2 < sn)))
			continue;
		ib = r + 1;
		pick = &w->rip[r];
	}
	if (ib < 0 || !edge_fits1(m, w, c0, curved, pick, &f[ib], ph, u, s2, amp, dx, cf, mf))
		return false;
	double lo = *ph, hi = *ph, um = *u;
	for (int i = 0; i <= w->nrip; i++) {
		double p1, u1, s1, a1[2], d1, c1[EDGE_NC];
		const struct edge_rip *rp = i ? &w->rip[i - 1] : r0;
		if (i == ib || !okf[i] || !(f[i].s2 <= EDGE_RIP_NEAR * f[ib].s2) ||
		    !edge_fits1(m, w, c0, curved, rp, &f[i], &p1, &u1, &s1, a1, &d1, c1, NULL))
			continue;
		lo = p1 < lo ? p1 : lo;
		hi = p1 > hi ? p1 : hi;
		um = u1 > um ? u1 : um;
		for (int g = 0; g < 2; g++)
			amp[g] = a1[g] > amp[g] ? a1[g] : amp[g];
	}
	/* A ripple near twice the stroke rate that the steady strokes next
	 * to the end showed, but not beyond every test (edge_sync_ripple,
	 * SYNC_WEAK): the end with it is one more answer, whatever the end
	 * fit's residuals say (over three strokes they do not show it): the
	 * chosen degree's fit with it (edge_fit_one), its phase in the
	 * spread, its u (with the ripple's own variance) as the others'.
	 * Left out, a 0.5 % PWM at 2.1 cycles a stroke under 2.78 um of t5
	 * noise put each end 0.0004 cycles short with nothing in U for it
	 * (speed 4000 13122). */
	struct edge_cand fw;
	if (w->weak && edge_fit_one(m, w, c0, curved, w->weak, &fw)) {
		lo = fw.ph < lo ? fw.ph : lo;
		hi = fw.ph > hi ? fw.ph : hi;
		um = fw.var > um * um ? sqrt(fw.var) : um;
		amp_max(amp, fw.amp);
	}
	*u = sqrt(um * um + (hi - lo) * (hi - lo) / 12);
	return true;
}

/* Where a start from the refined knots and one from the crossings as
 * detected end this far apart (cycles), the fit that follows the samples
 * better is taken. The two agree within a few 1e-4 cycles when the knots
 * are right. */
#define EDGE_STARTS_APART 0.02

/* The phase at w->t_eval with the knots L[k] (k = ka..kb, labelled k -
 * kref) as the start: the fit of degree 3 where the pen changes speed
 * (curved), else 2; *u its standard uncertainty (the fit's noise, and the
 * other degree's answer as a rectangular half-width), *dx the chosen fit's
 * extrapolation over unseen end samples (edge_fit_deg). The fit is started
 * from the crossings as detected too: at a start-up the knots' prior may
 * have held the period steadier than the pen (1 kHz, a start from 66 %
 * whose trend the noisy crossings did not show: the first knots a slot
 * off, the fit from them converged 0.35 cycles off the head, +1147 ppm
 * against U 215 ppm: speed 1000 3022 of tests/gen/blind_hunt.py). */
static bool edge_phase(const struct measure *m, const struct xing *L, uint32_t ka, uint32_t kb,
		       uint32_t kref, struct edge_win *w, bool curved, double *ph, double *u,
		       double *amp, double *dx, double cf[EDGE_NC], double *mf)
{
	uint32_t nk = kb - ka + 1;
	if (nk < 3 || nk > EDGE_WHOLE + 1)
		return false;
	w->t0 = L[kref].t_slot;
	w->P = (L[kb].t_slot - L[ka].t_slot) / (double)(nk - 1);
	if (!(w->P > 2))
		return false;
	double tk[EDGE_WHOLE + 1], tr[EDGE_WHOLE + 1], c0[EDGE_NC];
	for (uint32_t k = ka; k <= kb; k++) {
		tk[k - ka] = L[k].t_slot;
		tr[k - ka] = L[k].t_raw;
	}
	double sk, pr, ur, sr, ar[2], dr, cr[EDGE_NC], mr = NAN;
	edge_start(tk, ka, kb, kref, w, c0);
	bool ok = edge_fits(m, w, c0, curved, ph, u, &sk, amp, dx, cf, mf);
	edge_start(tr, ka, kb, kref, w, c0);
	if (edge_fits(m, w, c0, curved, &pr, &ur, &sr, ar, &dr, cr, &mr) &&
	    (!ok || (num_abs(pr - *ph) > EDGE_STARTS_APART && sr < sk))) {
		ok = true;
		memcpy(cf, cr, sizeof cr);
		*ph = pr;
		*u = ur;
		*dx = dr;
		*mf = mr;
		amp[0] = ar[0];
		amp[1] = ar[1];
	}
	if (!ok) {
		edge_start_far(L, ka, kb, kref, w, c0);
		ok = edge_fits(m, w, c0, curved, ph, u, &sk, amp, dx, cf, mf);
	}
	return ok;
}

/* The refit with the open stroke's own curve (its phase pb, standard
 * uncertainty ub, misfit mb) as an end fit's other answer, where it is not
 * taken: where it follows the samples at least as well as the first fit
 * (ph, u, misfit mf) and lies beyond EDGE_SPREAD_Z of its own u from it,
 * the samples say the open stroke's speed is not the first fit's, and the
 * two answers' distance counts as a rectangular half-width in u (the
 * start-up family, tests/gen/startup_hunt.py: the refit 4 to 95 of its u
 * away on the seven heads read outside U, and within 0.002-0.014 strokes
 * of the truth where the first fit was 0.006-0.047 off; on coverage.py 100
 * 11's start-ups, whose cubic was right, mostly within 3, at most 6.4:
 * with the refit 2 parameters freer over a few samples, its misfit is
 * almost always the smaller, and alone no test). */
#define EDGE_SPREAD_Z 3.0

static double edge_spread_u(double u, double ph, double pb, double ub, double mb, double mf)
{
	double d = pb - ph;
	if (!(mb <= mf) || !(num_abs(d) > EDGE_SPREAD_Z * ub))
		return u;
	return sqrt(u * u + d * d / 3);
}

/* The end fit again with the open stroke's own curve (w's bend,
 * EDGE_BEND), from cf: its phase pb, u ub, amplitudes ab, dx db and misfit
 * mb (edge_phase_open takes it, edge_phase_spread weighs it). */
static bool edge_fit_open(const struct measure *m, struct edge_win *w, const double cf[EDGE_NC],
			  int bend, double *pb, double *ub, double ab[2], double *db, double *mb)
{
	double sb, cb[EDGE_NC], cs[EDGE_NC];
	/* from the cubic part of cf: c[4] and c[5] are the open stroke's
	 * terms here, a quartic's c[4] is not */
	memcpy(cs, cf, sizeof cs);
	cs[4] = cs[5] = cs[6] = 0;
	w->bend = bend;
	bool ok = edge_fits(m, w, cs, true, pb, ub, &sb, ab, db, cb, mb);
	w->bend = 0;
	return ok;
}

/* An end fit (cf, its misfit mf) that followed the open stroke but with
 * a misfit (edge_misfit) over EDGE_MISFIT_MAX: the pen may have changed
 * speed inside the open stroke in a way a polynomial over it and the
 * whole strokes does not take (a second-order start-up over within a
 * stroke or two: 1 kHz, 50.1 Hz, from 64 % at 34.1 Hz, misfit 7.7, the
 * head 0.136 strokes off against u 0.016, +1355 ppm against U 322; 4
 * kHz, 70.4 Hz, from 60 % at 37.3 Hz, the cubic's misfit 47, +786 ppm
 * against U 62). It is fitted again from cf with a curve of the open
 * stroke's own (w->bend: uo^2 and uo^3 there, the same phase and speed
 * at the end knot), the cubic's degree. Where that takes at least
 * three quarters of the misfit away (EDGE_MISFIT_GAIN), the open
 * stroke's speed was what the first fit missed: the refit is taken
 * where its misfit is within EDGE_MISFIT_MAX (7.7 -> 1.6 and 47 -> 1.3:
 * -10.0 and -36.4 ppm, U 15.9 and 37.8), else the first fit is kept
 * with the whole end as a rectangular half-width in its u. Where it
 * does not, the misfit is not the open stroke's speed and the first
 * fit stands, the refit its other answer (edge_spread_u; 1 kHz, 77.1 Hz
 * from 62 %: 20.2 -> 7.1, +410.0 ppm against U 98.5, now U 495.8):
 * spikes, dropouts (6.8 -> 4.8, 7.6 -> 7.3, both
 * records within 3 ppm), and a tail whose strokes' amplitudes scatter
 * (1 kHz, 3.4 um at 250 um deep: 6.0 -> 2.0, the refit 0.011 strokes
 * off, +60 ppm; with a half taken away as the bound, the record's U
 * went 22.8 -> 70.5 ppm). The start-ups of the family took 3.7 to 67
 * of it away, most over 8.
 * The end is then no surer than a fit of the open stroke's curve that
 * follows the samples no worse, whatever the fold. Taken, the refit's u
 * is at least that of the refit one term richer (uo^4 too, where its
 * misfit is within EDGE_MISFIT_MAX), their distance a rectangular
 * half-width: the samples pin the curve's third term no better than
 * that (4 kHz, 70.4 Hz from 60 % at 37.3 Hz, zeta 0.6, the start-up's
 * overshoot inside the head's window: the refit 0.0054 strokes short
 * against u 0.0018, -38.1 ppm against U 37.7 once the learned shape was
 * no longer blurred by the start-up (knots_bend); the richer refit's u
 * 0.0039, now +19.2 against U 83.6). Not taken on an end where the pen
 * changes speed (curved), the first fit's u is at least the refit's
 * where that follows the samples no worse (mb <= mf): a first fit that
 * misfits is no model to be sure by (the same pen at other seeds, the
 * head's open stroke 0.19 strokes: misfit 42, the refit 23 and 0.0013
 * strokes from it with u 0.0090 against the first fit's 0.0020; the head
 * 0.011 strokes long, +75.7 ppm against U 51.8; now -49.3 against U
 * 271.6, 3 of its 12 seeds outside U before, none now). Steady ends keep
 * their u: there a misfit is spikes, dropouts or scatter (above). */
static void edge_phase_open(const struct measure *m, struct edge_win *w, const double cf[EDGE_NC],
			    double mf, bool curved, double *ph, double *u, double *amp, double *dx)
{
	double pb, ub, ab[2], db, mb = NAN;
	bool ok = edge_fit_open(m, w, cf, EDGE_BEND, &pb, &ub, ab, &db, &mb);
	if (!ok || !(mb * EDGE_MISFIT_GAIN <= mf)) {
		/* not taken: the end's other answer (edge_spread_u) */
		if (ok && curved && mb <= mf && ub > *u)
			*u = ub;
		if (ok)
			*u = edge_spread_u(*u, *ph, pb, ub, mb, mf);
		return;
	}
	if (mb > EDGE_MISFIT_MAX) {
		*u = sqrt(*u * *u + *ph * *ph / 3);
		return;
	}
	*ph = pb;
	*u = ub;
	*dx = db;
	amp[0] = ab[0];
	amp[1] = ab[1];
	/* the open stroke's curve one term richer (uo^4): its answer */
	double pr, ur, ar[2], dr, mr = NAN;
	if (edge_fit_open(m, w, cf, EDGE_BEND + 1, &pr, &ur, ar, &dr, &mr) && mr <= mb) {
		double d = pr - pb, uu = ur > ub ? ur : ub;
		*u = sqrt(uu * uu + d * d / 3);
		amp_max(amp, ar);
	}
}

/* An end fit of the cubic (the knots' trend: the pen changes speed there)
 * whose misfit (cf, mf) is within EDGE_MISFIT_MAX: a start-up's curve over
 * the open stroke may still be what the cubic does not take, and where the
 * noise is large against that curve the misfit does not show it (1 kHz,
 * 165.1 Hz from 50 % at 28.5 Hz: misfit 1.21, the head 0.030 strokes short
 * against u 0.0018, -96.2 ppm against U 34.1; 4 kHz, 166.1 Hz from 34 %:
 * misfit 5.4, 0.047 strokes, -143.3 ppm against U 55.7). The fit with the
 * open stroke's own curve (edge_phase_open's) is the end's other answer
 * (edge_spread_u): -96.2 ppm against U 111.4, -143.3 against U 170.4. */
static void edge_phase_spread(const struct measure *m, struct edge_win *w, const double cf[EDGE_NC],
			      double mf, double ph, double *u)
{
	double pb, ub, ab[2], db, mb = NAN;
	bool ok = edge_fit_open(m, w, cf, EDGE_BEND, &pb, &ub, ab, &db, &mb);
	if (ok)
		*u = edge_spread_u(*u, ph, pb, ub, mb, mf);
}

/* An end where no fit of the degree the knots' trend chose (step 4a)
 * followed the open stroke's samples: the pen changed speed there,
 * inside the stroke or two next to the end, and the knots did not show
 * it (their prior holds the period steady; 1 kHz, 60 Hz, from 70 % at 20
 * Hz: the start-up was over by the second knot, the first two knots 0.23
 * slots off each way, the periods flat). The cubic is then tried. Taken,
 * its phase counts with the constant speed of the whole strokes next to
 * the end (what the knots alone would have read: k the end's knot, kn
 * its neighbour) as a rectangular half-width: a cubic that bends over
 * three strokes only approximates a start-up's curve (4 kHz, 50.5 Hz,
 * from 76 %: 0.05 strokes off, 10 of its u). Not followed by the cubic
 * either: false, *astray set (the rate's budget widens the knots' end,
 * result.c). */
static bool edge_phase_bent(const struct measure *m, const struct xing *L, uint32_t ka,
			    uint32_t kb, uint32_t kref, struct edge_win *w, bool curved, double *ph,
			    double *u, double *amp, double *dx, bool *astray, struct edge_bent *bt)
{
	double cf[EDGE_NC], mf = NAN;
	*astray = false;
	bt->ok = false;
	w->astray = astray;
	if (edge_phase(m, L, ka, kb, kref, w, curved, ph, u, amp, dx, cf, &mf)) {
		if (mf > EDGE_MISFIT_MAX)
			edge_phase_open(m, w, cf, mf, curved, ph, u, amp, dx);
		else if (curved)
			edge_phase_spread(m, w, cf, mf, *ph, u);
		*astray = false;
		return true;
	}
	w->quart = false; /* the cubic: bt->c holds c0 .. c3 */
	if (!*astray || curved || !edge_phase(m, L, ka, kb, kref, w, true, ph, u, amp, dx, cf, &mf))
		return false;
	*astray = false;
	bt->ok = true;
	memcpy(bt->c, cf, sizeof bt->c);
	bt->t0 = w->t0;
	bt->P = w->P;
	bt->lo = kref == ka ? w->t_eval : L[ka].t_slot;
	bt->hi = kref == ka ? L[kb].t_slot : w->t_eval;
	uint32_t kn = kref == ka ? ka + 1 : kb - 1;
	double P = num_abs(L[kn].t_slot - L[kref].t_slot);
	double knot = (w->t_eval - L[kref].t_slot) / P;
	*u = sqrt(*u * *u + (*ph - knot) * (*ph - knot) / 3);
	return true;
}

/* Stroke k of L (k = ka..kb - 1) may carry the end fit: usable as
 * learned, or one stroke with invalid samples in it or next to its
 * crossings (they are left out of the fit: a dropout is no reason to time
 * the end from the knots alone), its length within 0.75..1.33 of the
 * window's mean period. A crossing next to an invalid sample is timed
 * across it, a sample or so off: it only labels the strokes and starts
 * the fit, and the length test still holds a stroke lost in a burst out
 * (an error value next to the record's first crossing left the head
 * untimed: 4 kHz, +7.3 ppm against U 2.9). */
static bool edge_stroke_ok(const struct xing *L, const bool *use, uint32_t nl, uint32_t ka,
			   uint32_t kb, uint32_t k, bool head)
{
	if (use[k])
		return true;
	/* the window's other usable strokes' mean length: a stroke that
	 * held two (a crossing lost in a burst) lengthens the window's mean
	 * enough to pass against it (4 kHz, 56 error values at the tail of
	 * a window of two strokes: 1.82 periods read as one, the tail
	 * 0.195 strokes short, -592.7 ppm against U 358.4) */
	double P = 0;
	unsigned nu = 0;
	for (uint32_t j = ka; j < kb; j++)
		if (j != k && use[j]) {
			P += L[j + 1].t_slot - L[j].t_slot;
			nu++;
		}
	P = nu ? P / nu : (L[kb].t_slot - L[ka].t_slot) / (double)(kb - ka);
	double d = L[k + 1].t_slot - L[k].t_slot;
	if (d >= 0.75 * P && d <= 1.33 * P)
		return true;
	/* A start-up's first stroke, or a step's, may be a third longer or
	 * shorter than the next (1 kHz, a second-order start from 42 % at
	 * 70.5 Hz: 29.2, 21.6 and 17.8 slots, the first not usable as
	 * learned; the head then timed from the knots alone read 0.012
	 * strokes short, -84 ppm). Its length against the two clean periods
	 * beyond it, away from the end, carried on at their own ratio
	 * (d1^2 / d2: 26.3 there): a crossing lost in a burst still doubles
	 * it. */
	uint32_t j1, j2;
	if (head) {
		j1 = k + 1;
		j2 = k + 2;
		if (j2 + 1 >= nl)
			return false;
	} else {
		if (k < 2)
			return false;
		j1 = k - 1;
		j2 = k - 2;
	}
	if (!use[j1] || !use[j2])
		return false;
	double d1 = L[j1 + 1].t_slot - L[j1].t_slot, d2 = L[j2 + 1].t_slot - L[j2].t_slot;
	if (!(d1 > 0 && d2 > 0))
		return false;
	double Pt = d1 * d1 / d2;
	return d >= 0.75 * Pt && d <= 1.33 * Pt;
}

/* The head's knots call for a quartic phase: over the knots L[0] ..
 * L[EDGE_Q4_KNOTS] (the strokes usable), the least-squares quartic of the
 * stroke count in u = (t - L[0]) / their mean period has a u^4
 * coefficient of at least EDGE_Q4_MIN. A start-up whose speed bends
 * within the head's window (second order: flat at the first sample, then
 * steep, then levelling off) is more than the cubic over the head's three
 * strokes can follow: through the true phase alone it was 0.0024-0.0028
 * cycles off at the first sample, a quartic within 0.0003 (1 kHz, from 44
 * and 49 %, 1/omega 52 and 44 ms: -35.0 and -53.1 ppm). The quartic over
 * the head alone is noisier: taken at every head with a trend it moved a
 * first-order start-up (tau 0.148 s, its knots' coefficient 0.00003) from
 * -9.8 to -30.0 ppm. The knots over six strokes tell the two apart: on
 * 205 speed draws at 1 kHz the second-order start-ups the quartic helped
 * had -0.0004 to -0.0012, the first-order ones under 0.00016, the few
 * between the two either way (docs/measurement.md). edge_head takes the
 * quartic as a second answer, within twice the cubic's u of it. */
static bool edge_head_quartic(const struct xing *L, uint32_t nl, const bool *use)
{
	const uint32_t K = EDGE_Q4_KNOTS;
	if (nl <= K)
		return false;
	/* the head's own strokes as edge_head took them (edge_stroke_ok: a
	 * start-up's first stroke is not usable as learned, a third longer
	 * than the next), the rest usable */
	for (uint32_t k = 0; k < K; k++)
		if (!use[k] && !(k < EDGE_WHOLE && edge_stroke_ok(L, use, nl, 0, EDGE_WHOLE, k, true)))
			return false;
	double P = (L[K].t_slot - L[0].t_slot) / (double)K;
	if (!(P > 0))
		return false;
	double A[25] = { 0 }, y[5] = { 0 }, c[5], inv[25];
	for (uint32_t k = 0; k <= K; k++) {
		double u = (L[k].t_slot - L[0].t_slot) / P, pw[5];
		pw[0] = 1;
		for (int i = 1; i < 5; i++)
			pw[i] = pw[i - 1] * u;
		for (int i = 0; i < 5; i++) {
			y[i] += pw[i] * (double)k;
			for (int j = 0; j < 5; j++)
				A[i * 5 + j] += pw[i] * pw[j];
		}
	}
	return num_solve_sym(5, A, y, c, inv) && num_abs(c[4]) >= EDGE_Q4_MIN;
}

/* An end's standard uncertainty from its fit, strokes: the fit's own u
 * and, where error values hide the samples next to the end sample, the
 * polynomial's extrapolation over them against the constant speed at the
 * nearest seen sample (dx) as a rectangular half-width. Under a start-up
 * the cubic carried the steep rise of the first seen strokes on backwards
 * and read the hidden start slower than it ran, the truth between the two
 * (1 kHz, 145.7 Hz from 40 %, 10 ms of error values at the head: the
 * cubic's 1.576 strokes, the constant speed's 1.753, the truth about
 * 1.681; -302.9 ppm against U 99.7, now U 599.6). */
static double edge_end_u(double u, double dx)
{
	return sqrt(u * u + dx * dx / 3);
}

/* A second answer for the head from the window w2 (the quartic's, the
 * advance's): its phase p2, u u2, amplitudes am2 and dx d2, where its fit
 * follows the samples as the first answer's did (not astray, not bent)
 * and lies within twice the first answer's u (u) of its phase (ph). */
static bool edge_head_second(const struct measure *m, const struct xing *L,
			     struct edge_win *w2, double ph, double u, double *p2, double *u2,
			     double am2[2], double *d2)
{
	struct edge_bent b;
	bool astray = false;
	return edge_phase_bent(m, L, 0, EDGE_WHOLE, 0, w2, true, p2, u2, am2, d2, &astray, &b) &&
	       !astray && !b.ok && num_abs(*p2 - ph) <= 2 * u;
}

/* The misfit (edge_misfit) of the quadratic end fit over w from c0 with
 * w's settling (w->settle) and its sync ripple; NaN where it failed. */
static double edge_settle_misfit(const struct measure *m, const struct edge_win *w,
				 const double c0[EDGE_NC])
{
	double c[EDGE_NC], ph, var, s2, amp2[2], dx, mf = NAN;
	memcpy(c, c0, sizeof c);
	if (!edge_fit_deg(m, w, 2, c, w->sync, &ph, &var, &s2, amp2, &dx, &mf, NULL))
		return NAN;
	return mf;
}

/* A steady head whose contact settles: the plain quadratic end fit over
 * the head's window w against the same fit with an offset that decays
 * away from the record's first sample (edge_settle_at) at each time
 * constant of EDGE_SETTLE_TAUS (periods P, slots), by their misfits
 * (edge_settle_misfit); where the best of them takes away a misfit n (mf -
 * mf_s) / mf_s over the window's n valid samples beyond EDGE_SETTLE_F,
 * the whole end fit with it (edge_phase_bent) is the head's answer: *ph,
 * *u, amp and *dx receive it, and true. A pad (the skin) that the pen
 * meets relaxed creeps to its steady state over the first strokes: they
 * reach further than the learned shape, by an offset that decays, and the
 * plain fit reads it as phase (4 kHz, 170.5 Hz, 23.5 samples a stroke, a
 * pad creeping 2.87 ms from rest at the pen's start, drawn without noise:
 * the first stroke 6 um deeper, the head 0.0010 cycles short, -3.05 ppm
 * against U 2.87; the plain misfit 143, with the decay over P/2 0.13, the
 * head within 0.00005 cycles, -0.13 ppm; its 12 noisy redraws -2.57 ppm,
 * se 0.38 -> -0.47, se 0.67). Without a pad the misfit taken away stayed
 * under 32 on 36 noisy heads (the strokes' scatter, the speed's wander,
 * the exposure leave misfit of their own); with that pad 35-233, 11 of 12
 * past 40. */
static bool edge_head_settle(const struct measure *m, const struct xing *L,
			     const struct edge_win *w, double P, double *ph, double *u, double amp[2],
			     double *dx)
{
	static const double taus[] = { EDGE_SETTLE_TAUS };
	struct edge_win ws = *w;
	double t[EDGE_WHOLE + 1], c0[EDGE_NC];
	unsigned n = 0;
	for (uint32_t i = w->i0; i < w->i1; i++)
		n += !isnan(m->hist[i]);
	for (uint32_t k = 0; k <= EDGE_WHOLE; k++)
		t[k] = L[k].t_slot;
	ws.astray = NULL;
	edge_start(t, 0, EDGE_WHOLE, 0, &ws, c0);
	/* the time constant by one quadratic fit each (the first of
	 * edge_fits' candidates), the plain fit's misfit the same way: the
	 * whole end fit at each cost 4 kHz records 10-38 % more instructions,
	 * this 3 %, and the whole fit once where it is taken 11 % more */
	double mf0 = edge_settle_misfit(m, &ws, c0), best = mf0, tau = 0;
	for (size_t k = 0; k < sizeof taus / sizeof taus[0]; k++) {
		ws.settle = taus[k] * P;
		double mf = edge_settle_misfit(m, &ws, c0);
		if (mf < best) {
			best = mf;
			tau = ws.settle;
		}
	}
	if (!(tau > 0 && (double)n * (mf0 - best) / best > EDGE_SETTLE_F))
		return false;
	struct edge_bent bs = { 0 };
	bool as = false;
	double ps = 0, us = 0, ams[2] = { 0 }, ds = 0;
	ws = *w;
	ws.settle = tau;
	if (!edge_phase_bent(m, L, 0, EDGE_WHOLE, 0, &ws, false, &ps, &us, ams, &ds, &as, &bs) ||
	    as || bs.ok)
		return false;
	*ph = ps;
	*u = us;
	*dx = ds;
	amp[0] = ams[0];
	amp[1] = ams[1];
	return true;
}

/* The head: strokes from the record's first sample to the first knot
 * L[0], from the samples before it (kept in hist from the record's first
 * slot) and the whole strokes after it. Called while learning, with the
 * knots refined and use[] set. */
void edge_head(struct measure *m, const struct xing *L, uint32_t nl, const bool *use)
{
	m->edge_head_ok = false;
	m->edge_head_astray = false;
	m->edge_bent[0].ok = false;
	if (!m->head_kept || nl < EDGE_WHOLE + 1 || m->hist_slot0 != m->first_slot)
		return;
	for (uint32_t k = 0; k < EDGE_WHOLE; k++)
		if (!edge_stroke_ok(L, use, nl, 0, EDGE_WHOLE, k, true))
			return;
	struct edge_win w = { 0, L[EDGE_WHOLE].idx, 0, 0, (double)m->first_slot, 0,
			      m->edge_rip[0], 0, NULL, NULL, 0, false, false, m->edge_amp_var, NULL, 0 };
	w.nrip = edge_ripple_end(m, L, use, nl, true);
	w.sync = m->edge_sync_ok[0] ? &m->edge_sync[0] : NULL;
	w.weak = m->edge_sync_weak_ok[0] ? &m->edge_sync_weak[0] : NULL;
	uint32_t iv = 0;
	while (iv < w.i1 && isnan(m->hist[iv]))
		iv++;
	w.t_seen = (double)(m->hist_slot0 + iv);
	bool q4 = m->head_trend && edge_head_quartic(L, nl, use), took4 = false;
	/* where the pen changes speed there, the samples on the advance
	 * (edge_on_advance); where its strokes hold EDGE_ADV_SLOTS samples
	 * or more (a little over a third of them lie there) whatever its
	 * u. Under that, taken unguarded the advance's few samples spread
	 * the head: at 14 a stroke (1 kHz, 135 Hz from 54 %) the head's
	 * redraws spread 6.3 -> 11.7 ppm, at 24 (1 kHz, 56 Hz from 75 %, no
	 * pad) 4.9 -> 8.4 ppm; there it is taken only where its own u is
	 * within the whole window's (adv_few, below) */
	bool adv = m->head_trend;
	double head_slots = L[EDGE_WHOLE].t_slot - L[0].t_slot;
	bool adv_few = head_slots < EDGE_WHOLE * EDGE_ADV_SLOTS;
	bool adv_many = head_slots >= EDGE_WHOLE * EDGE_ADV_MANY;
	double ph, u, amp[2], dx;
	if (!edge_phase_bent(m, L, 0, EDGE_WHOLE, 0, &w, m->head_trend, &ph, &u, amp, &dx,
			     &m->edge_head_astray, &m->edge_bent[0]))
		return;
	double u_own = u; /* the whole window's answer's own u (the quartic's where taken) */
	/* a contact that settles over a steady head (edge_head_settle); where
	 * the pen changes speed the answers below take the head's misfit */
	if (!m->head_trend && !m->edge_head_astray && !m->edge_bent[0].ok)
		edge_head_settle(m, L, &w, head_slots / EDGE_WHOLE, &ph, &u, amp, &dx);
	/* The quartic where the knots call for it (edge_head_quartic),
	 * from the same window, as a second answer: taken where it lies
	 * within twice the cubic's u of the cubic's answer, its u then at
	 * least the cubic's, and their distance a rectangular half-width in
	 * it. Taken unguarded, it read four of the start-up family's 80
	 * records (tests/gen/startup_hunt.py 80 1: second-order, over within
	 * a few strokes) outside U (1 kHz, from 41 % at 23 Hz: -10.2 ->
	 * -238.5 ppm against U 49.5); guarded, none, and U grows nowhere
	 * less than the cubic's. */
	if (q4 && !m->edge_head_astray && !m->edge_bent[0].ok) {
		struct edge_win w4 = w;
		double p4, u4, am4[2], d4;
		w4.quart = true;
		if (edge_head_second(m, L, &w4, ph, u, &p4, &u4, am4, &d4)) {
			double d = p4 - ph, uq = sqrt(u4 * u4 + d * d / 3);
			ph = p4;
			u = uq > u ? uq : u;
			dx = d4;
			u_own = u4;
			took4 = true;
			amp_max(amp, am4);
		}
	}
	/* The same fit on the advance alone (edge_on_advance), as the
	 * head's answer where it follows the samples as the whole window's
	 * did and lies within twice its u of it, its u then at least the
	 * whole window's. Taken unguarded, start-ups over within the first
	 * stroke or two, which the open stroke's own curve or the cubic's
	 * fallback follow (tests/test_red_captures.sh, rate_startup_head_*),
	 * went to +2532 ppm against U 414. Where the head's strokes hold
	 * fewer than EDGE_ADV_SLOTS samples (adv_few), only where its own u
	 * is within the whole window's: the advance's answer is then no less
	 * sure than the one it replaces, and the whole window's u held the
	 * misfit a pad leaves there (1 kHz, 53.0 Hz from 69 %, zeta 0.42, a pad
	 * creeping 1.52 ms, 24.8 samples a stroke at the head: u 0.0022,
	 * mostly the quartic's distance from the cubic; the advance's 0.0008;
	 * the head 0.0024 cycles short, -31.0 ppm, now +1.7; 8 redraws
	 * -19.3 (se 2.6, sd 7.5) -> -0.8 (se 3.1, sd 8.8) ppm). And at any
	 * count only where it lies beyond its own u from the whole window's
	 * answer: within it the advance's samples do not say that fit is
	 * off, and the whole window, whose fall times the phase as well,
	 * has about twice their information. A pad's creep moves the two
	 * apart by more (12 redraws: 11308 0.8-2.4 of the advance's u, 4 kHz
	 * 11222 1.4-3.2, 11621 1.6-4.0); a start-up without one mostly
	 * within it, where the advance only spread the head (1 kHz, 53.3 Hz
	 * from 49 %, zeta 0.56, no pad, 37 samples a stroke at the head: 12
	 * redraws sd 12.95 -> 9.00 ppm). Where the head's strokes hold
	 * EDGE_ADV_MANY samples or more (adv_many) that noise is small, and
	 * the whole window's own bias is not: the learned shape is off the
	 * strokes by up to 1.4 um at the rise, and the whole window's fit,
	 * fall and all, carries that into the open stroke's phase (4 kHz,
	 * 51.3 Hz from 51 %, zeta 0.56, 153 samples a stroke, without
	 * noise: the quartic +8.5 ppm, the advance +2.0; the draw +14.9,
	 * its advance 0.95 of its u away, now +6.7). There it is taken
	 * whether or not it stands apart where its own u is within that
	 * answer's own (u_own, the quartic's before the cubic's raised it):
	 * no less sure than what it replaces, as under EDGE_ADV_SLOTS. Not
	 * so, it only spread the head (4 kHz, 69.5 Hz from 55 %, Laplace
	 * noise 2.9 um on 613 um, 105 samples a stroke: its u 7 ppm against
	 * the quartic's 6; -8.6 -> -14.1 ppm, 12 redraws sd 4.8 -> 5.5).
	 * Taken, the two answers' distance counts as a rectangular
	 * half-width on top of the larger u (edge_spread_u's form): where
	 * the advance stands apart the two fits disagree beyond their
	 * noise, and the samples do not say which one's model missed. A
	 * pad's creep biases the whole window (above); a start-up of
	 * tests/gen/startup_hunt.py's family biases the advance: its 80 1
	 * took it on five heads (4 kHz, 25-36 samples a stroke, 0.005-0.020
	 * strokes apart), each time the worse answer, by 0.005-0.016
	 * strokes (115.1 Hz from 52 % at 32.0 Hz, seed 316: -121.9 ppm
	 * against U 115.3, the whole window's quartic -75.1; now U 127.3). */
	if (adv && !m->edge_head_astray && !m->edge_bent[0].ok) {
		struct edge_win wa = w;
		double pa, ua, ama[2], da;
		wa.quart = took4;
		wa.advance = true;
		if (edge_head_second(m, L, &wa, ph, u, &pa, &ua, ama, &da) &&
		    (!adv_few || ua <= u) &&
		    ((adv_many && ua <= u_own) || num_abs(pa - ph) > ua)) {
			double d = pa - ph;
			ph = pa;
			u = ua > u ? ua : u;
			u = sqrt(u * u + d * d / 3);
			dx = da;
			amp_max(amp, ama);
		}
	}
	if (!(-ph >= 0 && -ph <= EDGE_END_MAX))
		return;
	m->edge_head = -ph;
	m->edge_head_u = edge_end_u(u, dx);
	m->edge_head_amp[0] = sqrt(amp[0]);
	m->edge_head_amp[1] = sqrt(amp[1]);
	m->edge_head_knot = L[0].t_slot;
	m->edge_head_ok = true;
}

/* The tail: strokes from the last knot L[nl - 1] to the record's last
 * sample, from the open stroke and the whole strokes before it. Called at
 * the end of the record while the learning store still holds them. */
void edge_tail(struct measure *m, const struct xing *L, uint32_t nl, const bool *use)
{
	m->edge_tail_ok = false;
	m->edge_tail_astray = false;
	m->edge_bent[1].ok = false;
	if (nl < EDGE_WHOLE + 1)
		return;
	uint32_t ka = nl - 1 - EDGE_WHOLE;
	for (uint32_t k = ka; k + 1 < nl; k++)
		if (!edge_stroke_ok(L, use, nl, ka, nl - 1, k, false))
			return;
	struct edge_win w = { L[ka].idx > 0 ? L[ka].idx - 1 : 0, m->n_hist, 0, 0,
			      (double)(m->next_slot - 1), 0, m->edge_rip[1], 0, NULL, NULL, 0, false, false,
			      m->edge_amp_var, NULL, 0 };
	w.nrip = edge_ripple_end(m, L, use, nl, false);
	w.sync = m->edge_sync_ok[1] ? &m->edge_sync[1] : NULL;
	w.weak = m->edge_sync_weak_ok[1] ? &m->edge_sync_weak[1] : NULL;
	uint32_t iv = w.i1;
	while (iv > w.i0 && isnan(m->hist[iv - 1]))
		iv--;
	w.t_seen = (double)(m->hist_slot0 + iv) - 1;
	double ph, u, amp[2], dx;
	if (!edge_phase_bent(m, L, ka, nl - 1, nl - 1, &w, m->tail_trend, &ph, &u, amp, &dx,
			     &m->edge_tail_astray, &m->edge_bent[1]))
		return;
	if (!(ph >= 0 && ph <= EDGE_END_MAX))
		return;
	m->edge_tail = ph;
	m->edge_tail_u = edge_end_u(u, dx);
	m->edge_tail_amp[0] = sqrt(amp[0]);
	m->edge_tail_amp[1] = sqrt(amp[1]);
	m->edge_tail_knot = L[nl - 1].t_slot;
	m->edge_tail_ok = true;
}

/* The mean rate (strokes a slot) of the cubic an end fell back to
 * (edge_phase_bent) over slots t - h .. t + h; false where that is not
 * inside its window. */
bool edge_bent_rate(const struct edge_bent *bt, double t, double h, double *r)
{
	if (!bt->ok || !(t - h >= bt->lo && t + h <= bt->hi && h > 0))
		return false;
	double a = (t - h - bt->t0) / bt->P, b = (t + h - bt->t0) / bt->P;
	*r = (poly_at(bt->c, 3, b) - poly_at(bt->c, 3, a)) / (2 * h);
	return isfinite(*r) && *r > 0;
}

/* An end's standard uncertainty, strokes: the fit's (u_fit) and the
 * strokes' scatter sd_um (the depth's std) through the end phase's
 * sensitivity to each stroke's amplitude, the larger of its two forms
 * (edge_fit_deg). */
double edge_u(double u_fit, const double amp[2], double sd_um)
{
	double a = (amp[0] > amp[1] ? amp[0] : amp[1]) * sd_um;
	return sqrt(u_fit * u_fit + a * a);
}
