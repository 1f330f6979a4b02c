/* stroke.c - streaming stroke measurement: mid-level crossings, the stroke
 * shape learned by equivalent-time folding, and a per-stroke peak fit.
 *
 * Data flow for each sample: it is appended to `hist` (extension in um, NaN
 * for a slot without a valid value; internal only, never reported), the
 * crossing detector looks at it, and when a stroke closes (the next
 * up-crossing) the stroke's samples are fitted and dropped. While the shape
 * is being learned (the first HIST_CAP samples after the level is known),
 * closed strokes stay in `hist`; when it is full, at a stall or at the end
 * of the record, the shape is built from them and they are fitted in order.
 * The stroke ends (knots of the phase) are then refined against the shape
 * (knots_step, and knot_solve after learning); the frequency counts them.
 * Memory is fixed: one struct of about 360 KiB, whatever the record length.
 */
#include "measure/stroke.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIST_CAP 16384u       /* samples held: learning store / open stroke */
#define XING_CAP 4096u        /* crossings held while learning */
#define NBIN_MIN 16u
#define NBIN_MAX 512u
#define SAMPLES_PER_BIN 24u   /* learning target: folded samples per bin */
#define TOP_W_WIDE 0.3        /* fit window: shape above 30 % of its travel */
#define TOP_W 0.7             /* offset-only fallback: above 70 % */
#define TROUGH_W 0.1          /* trough estimate: shape below 10 % */
#define STALL_PERIODS 4.0     /* no up-crossing for this long: stalled */
#define F_LOW_HZ 20.0         /* slowest stroke assumed without a hint */
#define SHARP_WIDTH 0.12      /* a top narrower (cycles, 1 % down) is a peak */
#define KNOT_ITERS 3          /* refinements of the stroke ends while learning */
#define KNOT_PRIOR 0.1        /* prior rms shift of a stroke end, periods */
#define KNOT_MAX 0.25         /* larger steps are outside the linear reach */
#define KNOT_NOISE_UM 2.0     /* sample noise assumed by the knot prior */
#define KNOT_SMOOTH 1e-3      /* rms change of the period from one stroke to the next */

struct xing {
	double t_slot;    /* absolute slot (fractional) of the crossing */
	uint32_t idx;     /* hist index of the first sample after it */
	bool reliable;    /* both samples either side valid and adjacent */
	bool clean_before;/* the interval that ends here had no invalid sample */
};

struct shape {
	unsigned nbins;
	double c0[NBIN_MAX], c1[NBIN_MAX], c2[NBIN_MAX]; /* quadratic per bin */
	double w[NBIN_MAX];       /* (T - Tmin) / (Tpeak - Tmin) at centres */
	double peak_um, min_um;
	double peak_phase;        /* 0..1 from the up-crossing */
	double trough_phase;      /* where the tips are retracted furthest */
	double peak_u_um;         /* noise of the shape's peak value */
};

/* Folded samples per phase bin: sums of value, of the phase offset from
 * the bin centre (in bins) and of their squares. */
struct bins {
	unsigned n;
	double sx[NBIN_MAX], sxx[NBIN_MAX], sp[NBIN_MAX], spp[NBIN_MAX];
	uint32_t cnt[NBIN_MAX];
};

struct measure {
	struct measure_config cfg;
	double min_stroke_um;

	/* sample stream */
	bool started;
	uint64_t next_slot;
	uint64_t samples, invalid;
	uint64_t invalid_by_status[LASER_STATUS_COUNT];

	/* hist: slots hist_slot0 .. hist_slot0 + n_hist - 1 */
	double hist[HIST_CAP];
	uint32_t n_hist;
	uint64_t hist_slot0;

	/* level: boot window, then fixed mid-level and hysteresis */
	bool leveled;
	uint32_t boot_len;        /* samples in a boot window */
	uint32_t boot_seen;
	double boot_min, boot_max;
	double flat_p2p_um;       /* largest motion of a flat window */
	bool ever_leveled;
	double mid_um, hyst_um;
	bool armed;
	double last_valid_x;
	uint64_t last_valid_slot;
	bool have_last_valid;
	uint32_t scan;            /* next hist index for the detector */
	uint64_t invalid_since_xing;

	/* crossings */
	bool has_prev;
	struct xing prev;
	struct xing learn[XING_CAP];
	uint32_t n_learn;
	bool learned;
	struct shape shape;
	struct bins bins;         /* scratch for learning */
	double t_ref_slots;       /* running period (EMA of clean ones) */
	double t_run_slots;       /* the same from raw crossings: stall limit */
	bool learn0_counted;      /* learn[0] went through the frequency count */
	bool kn_have;             /* prev is a refined knot with a refined period */
	double kn_period;         /* that period, slots */
	double kn_var;            /* variance of prev's time, slots^2 */
	/* scratch of the knot refinement (learning): tridiagonal system */
	double kd[XING_CAP], ke[XING_CAP], kf[XING_CAP], kb[XING_CAP];
	bool kuse[XING_CAP];

	/* frequency: whole periods between reliable crossings, by segment */
	bool seg_active;
	double seg_t_first, seg_t_last_rel;
	uint64_t seg_n, seg_n_at_rel;
	uint64_t tot_periods;
	double tot_span_slots;
	unsigned nseg;
	/* edges: the partial strokes before the first and after the last
	 * crossing, in periods, when the record is one unbroken segment */
	uint64_t first_slot;
	bool edge_ok;             /* no flat window, stall or gap so far */
	bool have_first_seg;
	double first_seg_t;
	double last_period;
	uint64_t nper;            /* clean single periods */
	double per_sum, per_sumsq;/* relative to per_ref */
	double per_ref;
	bool have_prev_period;
	double prev_period;
	double d2_sumsq;
	uint64_t n_d2;

	/* stall */
	bool stalled_now;
	bool stall_seen;
	double stall_at_s;
	double stall_len_s;

	/* strokes */
	uint64_t stroke_index;
	uint64_t strokes;
	uint64_t rejected[MEASURE_REJECT_COUNT];
	double d_ref;             /* first accepted depth: sums are relative */
	double d_mean, d_m2, d_min, d_max;
	double trough_sum;
	bool have_last_depth;
	double last_depth;
	double lag_sxy, lag_sx, lag_sy;
	uint64_t lag_n;
	double noise_ss;          /* residual sum of squares around the tops */
	uint64_t noise_dof;
	double fitvar_sum;        /* sum of fit variance factors, accepted strokes */
};

static inline double xabs(double a)
{
	return a < 0 ? -a : a;
}

/* ---- the stroke shape -------------------------------------------------- */

/* Sums of one stroke's samples for its two knots (see knots_step). */
struct knot_sums {
	double n, Sr, Ss, Se, Sss, Sse, See, Srs, Sre;
};

struct top_fit {
	unsigned n;        /* samples used */
	double off_um;     /* the stroke's peak minus the shape's peak */
	double slope_um;   /* beta: how much of it scales with w */
	double var_factor; /* variance of off_um / sample noise variance */
	double rss;        /* residual sum of squares */
	unsigned dof;
	double trough_off_um;
};

/* Accumulate one stroke's samples into bins. A sample outside the
 * stroke's phase range (possible once its ends are refined) wraps. */
static void fold_stroke(const struct measure *m, const struct xing *a,
			const struct xing *b, struct bins *bn)
{
	double t0 = a->t_slot, span = b->t_slot - a->t_slot;
	long nb = (long)bn->n;
	for (uint32_t i = a->idx; i < b->idx; i++) {
		double x = m->hist[i];
		double u = ((double)(m->hist_slot0 + i) - t0) / span * bn->n;
		double fu = floor(u);
		long j = (long)fu % nb;
		if (j < 0)
			j += nb;
		double p = u - fu - 0.5;
		bn->sx[j] += x;
		bn->sxx[j] += x * x;
		bn->sp[j] += p;
		bn->spp[j] += p * p;
		bn->cnt[j]++;
	}
}

/* Quadratic through (a,ya) (b,yb) (c,yc) as y0 + y1 s + y2 s^2. */
static void quad3(double a, double ya, double b, double yb, double c, double yc,
		  double *y0, double *y1, double *y2)
{
	double d1 = (yb - ya) / (b - a), d1b = (yc - yb) / (c - b);
	double d2 = (d1b - d1) / (c - a);
	*y0 = ya - d1 * a + d2 * a * b;
	*y1 = d1 - d2 * (a + b);
	*y2 = d2;
}

static bool solve3(const double A[3][3], const double y[3], double p[3], double *inv00);
#define solve3_sym solve3

/* A sharp top: y = p - cl (x - v)^2 left of v, p - cr (x - v)^2 right of
 * it (one curvature per side: a cam advances faster than it retracts),
 * weighted least squares over the points, v by a fine search. Returns
 * false if no v gives a solvable fit. */
static bool peak_two_sided(const double *x, const double *y, const double *wt, long np,
			   double *p_out, double *v_out, double *rss_out)
{
	double best = INFINITY;
	double step = (x[np - 1] - x[0]) / 400;
	for (double v = x[0]; v <= x[np - 1]; v += step) {
		double A[3][3] = { { 0 } }, b[3] = { 0 }, q[3], inv00;
		for (long k = 0; k < np; k++) {
			double d = x[k] - v;
			double g[3] = { 1, d < 0 ? -d * d : 0, d < 0 ? 0 : -d * d };
			for (int i = 0; i < 3; i++) {
				b[i] += wt[k] * g[i] * y[k];
				for (int j = 0; j < 3; j++)
					A[i][j] += wt[k] * g[i] * g[j];
			}
		}
		if (!solve3_sym(A, b, q, &inv00))
			continue;
		double rss = 0;
		for (long k = 0; k < np; k++) {
			double d = x[k] - v;
			double e = y[k] - (q[0] - (d < 0 ? q[1] : q[2]) * d * d);
			rss += wt[k] * e * e;
		}
		if (rss < best) {
			best = rss;
			*p_out = q[0];
			*v_out = v;
		}
	}
	*rss_out = best;
	return isfinite(best);
}

/* Build the shape from bin sums. Each filled bin is a point at the mean
 * phase of its samples (not its centre: with few distinct phases, as when
 * the stroke and sample rates are commensurate, that matters), its value
 * corrected for the curvature over the spread of those phases. Returns
 * false if there is no shape. */
static bool shape_build(struct shape *sh, const struct bins *bn)
{
	double X[NBIN_MAX], y[NBIN_MAX], vp[NBIN_MAX], sd[NBIN_MAX];
	long n = (long)bn->n;
	long filled = 0;
	for (long j = 0; j < n; j++) {
		uint32_t c = bn->cnt[j];
		if (!c)
			continue;
		filled++;
		double m = bn->sx[j] / c, pm = bn->sp[j] / c;
		double var = c > 1 ? (bn->sxx[j] - bn->sx[j] * m) / (c - 1) : 0;
		sd[j] = var > 0 ? sqrt(var / c) : 0;
		X[j] = (double)j + pm;
		y[j] = m;
		vp[j] = bn->spp[j] / c - pm * pm;
		if (vp[j] < 0)
			vp[j] = 0;
	}
	if (filled < 3)
		return false;
	/* Empty bins: linear between the nearest filled ones (circular). */
	for (long j = 0; j < n; j++) {
		if (bn->cnt[j])
			continue;
		long l = j, r = j;
		do { l = (l - 1 + n) % n; } while (!bn->cnt[l]);
		do { r = (r + 1) % n; } while (!bn->cnt[r]);
		double xl = X[l] - (l > j ? n : 0), xr = X[r] + (r < j ? n : 0);
		y[j] = y[l] + (y[r] - y[l]) * ((double)j - xl) / (xr - xl);
		X[j] = (double)j;
		vp[j] = 0;
		sd[j] = sd[l] > sd[r] ? sd[l] : sd[r];
	}
	/* Mean of f over the phases in a bin = f(mean phase) + f'' var / 2. */
	double yc[NBIN_MAX];
	for (long j = 0; j < n; j++) {
		long l = (j - 1 + n) % n, r = (j + 1) % n;
		double y0, y1, y2;
		quad3(X[l] - (l > j ? n : 0) - X[j], y[l], 0, y[j], X[r] + (r < j ? n : 0) - X[j],
		      y[r], &y0, &y1, &y2);
		yc[j] = y[j] - y2 * vp[j];
	}
	double tmin = yc[0];
	long jmin = 0;
	for (long j = 0; j < n; j++) {
		long l = (j - 1 + n) % n, r = (j + 1) % n;
		/* positions relative to this bin's centre */
		double a = X[l] - (l > j ? n : 0) - (double)j;
		double b = X[j] - (double)j;
		double c = X[r] + (r < j ? n : 0) - (double)j;
		quad3(a, yc[l], b, yc[j], c, yc[r], &sh->c0[j], &sh->c1[j], &sh->c2[j]);
		if (yc[j] < tmin) {
			tmin = yc[j];
			jmin = j;
		}
	}
	/* The top and its reach are chosen on a 3-bin average, so that one
	 * noisy bin does not decide them. */
	double ys[NBIN_MAX];
	long jmax = 0;
	for (long j = 0; j < n; j++) {
		ys[j] = (yc[(j - 1 + n) % n] + yc[j] + yc[(j + 1) % n]) / 3;
		if (ys[j] > ys[jmax])
			jmax = j;
	}
	double delta = 3.0 * sqrt(2.0) * sd[jmax] + 0.0005 * (ys[jmax] - tmin);
	long lo = 0, hi = 0;
	while (lo > -n / 4 && ys[(jmax + lo - 1 + n) % n] >= ys[jmax] - delta)
		lo--;
	while (hi < n / 4 && ys[(jmax + hi + 1) % n] >= ys[jmax] - delta)
		hi++;
	if (hi - lo < 2) {
		lo = lo < -1 ? lo : -1;
		hi = hi > 1 ? hi : 1;
	}
	double S[5] = { 0 }, Y[3] = { 0 };
	double xlo = 0, xhi = 0;
	for (long k = lo; k <= hi; k++) {
		long j = (jmax + k + n) % n;
		double xk = (double)k + (X[j] - (double)j);
		double wt = bn->cnt[j] ? (double)bn->cnt[j] : 0.5;
		double p = 1;
		if (k == lo)
			xlo = xk;
		if (k == hi)
			xhi = xk;
		for (int e = 0; e < 5; e++) {
			S[e] += wt * p;
			if (e < 3)
				Y[e] += wt * p * yc[j];
			p *= xk;
		}
	}
	/* Solve [S0 S1 S2; S1 S2 S3; S2 S3 S4] [a b c] = Y (Cramer). */
	double det = S[0] * (S[2] * S[4] - S[3] * S[3]) - S[1] * (S[1] * S[4] - S[3] * S[2]) +
		     S[2] * (S[1] * S[3] - S[2] * S[2]);
	double peak = Y[0] / S[0], vpos = S[1] / S[0]; /* weighted centroid */
	if (xabs(det) > 1e-12 * S[0] * S[4] * S[4]) {
		double a = (Y[0] * (S[2] * S[4] - S[3] * S[3]) - S[1] * (Y[1] * S[4] - S[3] * Y[2]) +
			    S[2] * (Y[1] * S[3] - S[2] * Y[2])) / det;
		double b = (S[0] * (Y[1] * S[4] - S[3] * Y[2]) - Y[0] * (S[1] * S[4] - S[3] * S[2]) +
			    S[2] * (S[1] * Y[2] - Y[1] * S[2])) / det;
		double c = (S[0] * (S[2] * Y[2] - Y[1] * S[3]) - S[1] * (S[1] * Y[2] - Y[1] * S[2]) +
			    Y[0] * (S[1] * S[3] - S[2] * S[2])) / det;
		/* Without a real curvature (a plateau, or noise bigger than the
		 * curvature over the reach) the vertex of a fit to noise would
		 * over-read: take the fit at the centroid of the points, where
		 * it is best determined (a plateau's mean level). */
		peak = a + b * vpos + c * vpos * vpos;
		/* Is the curvature real or noise? Residual variance per unit
		 * weight, and the variance of c from the normal matrix. */
		double rss = 0;
		long m_pts = hi - lo + 1;
		for (long k = lo; k <= hi; k++) {
			long j = (jmax + k + n) % n;
			double xk = (double)k + (X[j] - (double)j);
			double wt = bn->cnt[j] ? (double)bn->cnt[j] : 0.5;
			double e = yc[j] - (a + b * xk + c * xk * xk);
			rss += wt * e * e;
		}
		double var_c = m_pts > 3 ? rss / (double)(m_pts - 3) * (S[0] * S[2] - S[1] * S[1]) / det : 0;
		bool curved = c < 0 && c * c > 9 * var_c; /* 3 sigma */
		double v = c < 0 ? -b / (2 * c) : 0;
		if (curved && v >= xlo && v <= xhi) {
			peak = a + b * v + c * v * v;
			vpos = v;
		}
	}
	/* A sharp top (sine, cam: narrower than SHARP_WIDTH at 1 % of the
	 * travel below it) is fitted with a parabola per side over the bins
	 * down to that level: a single quadratic over few bins misses an
	 * asymmetric top by microns, and its curvature test can fail on
	 * noise, which would take the plateau's level of a peak. */
	double lev = 0.01 * (ys[jmax] - tmin);
	if (lev < 4.0 * sqrt(2.0) * sd[jmax])
		lev = 4.0 * sqrt(2.0) * sd[jmax];
	long wl = 0, wh = 0;
	while (wl > -n / 4 && ys[(jmax + wl - 1 + n) % n] >= ys[jmax] - lev)
		wl--;
	while (wh < n / 4 && ys[(jmax + wh + 1) % n] >= ys[jmax] - lev)
		wh++;
	if ((double)(wh - wl + 1) / (double)n <= SHARP_WIDTH) {
		wl = wl < -2 ? wl - 1 : -3;
		wh = wh > 2 ? wh + 1 : 3;
		double px[NBIN_MAX], py[NBIN_MAX], pw[NBIN_MAX];
		long np = 0;
		for (long k = wl; k <= wh; k++) {
			long j = (jmax + k + n) % n;
			px[np] = (double)k + (X[j] - (double)j);
			py[np] = yc[j];
			pw[np] = bn->cnt[j] ? (double)bn->cnt[j] : 0.5;
			np++;
		}
		double p2 = peak, v2 = vpos, rss2;
		if (peak_two_sided(px, py, pw, np, &p2, &v2, &rss2)) {
			peak = p2;
			vpos = v2;
			lo = wl;
			hi = wh;
		}
	}
	/* Garbage in (a garbled capture) must not become a shape. */
	for (long j = 0; j < n; j++)
		if (!isfinite(sh->c0[j]) || !isfinite(sh->c1[j]) || !isfinite(sh->c2[j]))
			return false;
	if (!isfinite(peak))
		return false;
	sh->nbins = (unsigned)n;
	sh->peak_um = peak;
	sh->min_um = tmin;
	sh->peak_phase = ((double)jmax + vpos + 0.5) / n;
	sh->peak_phase -= floor(sh->peak_phase);
	sh->trough_phase = ((double)jmin + 0.5) / n;
	sh->peak_u_um = sd[jmax] / sqrt((double)(hi - lo + 1) / 3.0);
	double travel = peak - tmin;
	if (!(travel > 0))
		return false;
	for (long j = 0; j < n; j++)
		sh->w[j] = (yc[j] - tmin) / travel;
	return true;
}

/* The shape at phase ph (cycles from the up-crossing, any real number:
 * it wraps): value T (um), slope dT (um per cycle) and relative height w
 * of the nearest bin. */
static inline void shape_at(const struct shape *sh, double ph, double *T, double *dT,
			    double *w)
{
	long nbins = (long)sh->nbins;
	double u = (ph - floor(ph)) * (double)nbins - 0.5;
	long j = (long)floor(u + 0.5);
	double sf = u - (double)j;
	if (j < 0)
		j += nbins;
	else if (j >= nbins)
		j -= nbins;
	*T = sh->c0[j] + sf * (sh->c1[j] + sf * sh->c2[j]);
	*dT = (sh->c1[j] + 2 * sf * sh->c2[j]) * (double)nbins;
	*w = sh->w[j];
}

/* ---- statistics -------------------------------------------------------- */

static void emit(struct measure *m, struct measure_stroke *s)
{
	s->index = m->stroke_index++;
	if (s->reject == MEASURE_STROKE_OK) {
		double d = s->peak_um;
		if (m->strokes == 0) {
			m->d_ref = d;
			m->d_min = m->d_max = d;
		}
		double x = d - m->d_ref;
		m->strokes++;
		double delta = x - m->d_mean;
		m->d_mean += delta / m->strokes;
		m->d_m2 += delta * (x - m->d_mean);
		if (d < m->d_min)
			m->d_min = d;
		if (d > m->d_max)
			m->d_max = d;
		m->trough_sum += s->trough_um - m->d_ref;
		if (m->have_last_depth) {
			m->lag_sxy += x * m->last_depth;
			m->lag_sx += m->last_depth;
			m->lag_sy += x;
			m->lag_n++;
		}
		m->have_last_depth = true;
		m->last_depth = x;
	} else {
		m->rejected[s->reject]++;
		m->have_last_depth = false;
	}
	if (m->cfg.on_stroke)
		m->cfg.on_stroke(s, m->cfg.ctx);
}


/* Solve the symmetric 3x3 system A p = y; returns false if singular.
 * inv00 receives (A^-1)[0][0]. */
static bool solve3(const double A[3][3], const double y[3], double p[3], double *inv00)
{
	double c00 = A[1][1] * A[2][2] - A[1][2] * A[2][1];
	double c01 = A[1][2] * A[2][0] - A[1][0] * A[2][2];
	double c02 = A[1][0] * A[2][1] - A[1][1] * A[2][0];
	double det = A[0][0] * c00 + A[0][1] * c01 + A[0][2] * c02;
	double scale = A[0][0] * A[1][1] * A[2][2];
	if (!(xabs(det) > 1e-9 * scale))
		return false;
	double inv[3][3] = {
		{ c00, A[0][2] * A[2][1] - A[0][1] * A[2][2], A[0][1] * A[1][2] - A[0][2] * A[1][1] },
		{ c01, A[0][0] * A[2][2] - A[0][2] * A[2][0], A[0][2] * A[1][0] - A[0][0] * A[1][2] },
		{ c02, A[0][1] * A[2][0] - A[0][0] * A[2][1], A[0][0] * A[1][1] - A[0][1] * A[1][0] },
	};
	for (int i = 0; i < 3; i++)
		p[i] = (inv[i][0] * y[0] + inv[i][1] * y[1] + inv[i][2] * y[2]) / det;
	*inv00 = inv[0][0] / det;
	return true;
}

/* A stroke differs from the learned shape T by r = x - T. On the top 70 %
 * of the travel (w >= 0.3) before the trough, r is fitted as
 * alpha + beta (w - 1) + gamma T'(phase): a stroke that goes deeper by
 * moving as a whole (beta = 0), one whose travel stretches from a fixed
 * retracted end (r proportional to w), and a timing shift against its
 * crossings all fit, and alpha is the difference at the peak. With fewer
 * than 6 samples or a singular system, alpha + beta (w - 1), then an offset
 * (over the top 30 % if there are samples there) are fitted; for the mean
 * depth all are unbiased. Returns false if no sample is near the top. */
static bool top_fit(const struct measure *m, const struct xing *a, double b_t, uint32_t b_idx,
		    struct top_fit *f, struct knot_sums *ks)
{
	const struct shape *sh = &m->shape;
	double span = b_t - a->t_slot;
	double dph = 1.0 / span;
	double ph = ((double)(m->hist_slot0 + a->idx) - a->t_slot) * dph;
	double nb_d = (double)sh->nbins;
	long nbins = (long)sh->nbins;
	double A[3][3] = { { 0 } }, y[3] = { 0 }, srr = 0;
	double nt = 0, srt = 0, srrt = 0, nb = 0, srb = 0;
	for (uint32_t i = a->idx; i < b_idx; i++, ph += dph) {
		/* nearest bin centre; phase is in [0, 1) up to rounding */
		double u = ph * nb_d - 0.5;
		long j = (long)(u + 1.5) - 1;
		double sfrac = u - (double)j;
		if (j < 0)
			j += nbins;
		else if (j >= nbins)
			j -= nbins;
		double w = sh->w[j];
		bool own = ph <= sh->trough_phase;
		bool top = w >= TOP_W_WIDE && own;
		/* After the trough the next stroke's advance begins: it may
		 * differ from this one, so it does not enter this fit. */
		if (!top && w > TROUGH_W && !(ks && own))
			continue;
		double d = sh->c1[j] + 2 * sfrac * sh->c2[j];
		double r = m->hist[i] - (sh->c0[j] + sfrac * (sh->c1[j] + sfrac * sh->c2[j]));
		if (ks && own && ph >= 0) {
			/* the stroke's knots (knot_solve): slope per cycle
			 * times d(phase)/d(start), d(phase)/d(end) */
			double dT = d * nb_d * dph;
			double js = -dT * (1 - ph), je = -dT * ph;
			ks->n++;
			ks->Sr += r;
			ks->Ss += js;
			ks->Se += je;
			ks->Sss += js * js;
			ks->Sse += js * je;
			ks->See += je * je;
			ks->Srs += r * js;
			ks->Sre += r * je;
		}
		if (!top && w > TROUGH_W)
			continue;
		if (!top) {
			nb++;
			srb += r;
			continue;
		}
		double v = w - 1;
		A[0][0] += 1;
		A[0][1] += v;
		A[0][2] += d;
		A[1][1] += v * v;
		A[1][2] += v * d;
		A[2][2] += d * d;
		y[0] += r;
		y[1] += v * r;
		y[2] += d * r;
		srr += r * r;
		if (w >= TOP_W) {
			nt++;
			srt += r;
			srrt += r * r;
		}
	}
	A[1][0] = A[0][1];
	A[2][0] = A[0][2];
	A[2][1] = A[1][2];
	memset(f, 0, sizeof *f);
	double n = A[0][0];
	if (n == 0)
		return false;
	double p[3], inv00;
	/* alpha + beta (w - 1) + gamma T'(phase): offset, stretch, and a
	 * timing shift of this stroke against its crossings (which move when
	 * the whole stroke moves). */
	if (n >= 6 && solve3(A, y, p, &inv00) && inv00 < 2.0) {
		f->n = (unsigned)n;
		f->off_um = p[0];
		f->slope_um = p[1];
		f->var_factor = inv00;
		f->rss = srr - p[0] * y[0] - p[1] * y[1] - p[2] * y[2];
		f->dof = (unsigned)n - 3;
		goto done;
	}
	double sw = A[0][1], sww = A[1][1], sr = y[0], swr = y[1];
	double sxx = sww - sw * sw / n;
	if (n >= 4 && sxx >= 0.02 * n) {
		double beta = (swr - sw * sr / n) / sxx;
		double alpha = (sr - beta * sw) / n;
		double mv = sw / n;
		f->n = (unsigned)n;
		f->off_um = alpha;
		f->slope_um = beta;
		f->var_factor = 1 / n + mv * mv / sxx;
		f->rss = srr - alpha * sr - beta * swr;
		f->dof = (unsigned)n - 2;
	} else if (nt > 0) {
		f->n = (unsigned)nt;
		f->off_um = srt / nt;
		f->var_factor = 1 / nt;
		f->rss = srrt - srt * f->off_um;
		f->dof = (unsigned)nt - 1;
	} else {
		f->n = (unsigned)n;
		f->off_um = sr / n;
		f->var_factor = 1 / n;
		f->rss = srr - sr * f->off_um;
		f->dof = (unsigned)n - 1;
	}
done:
	if (f->rss < 0)
		f->rss = 0;
	f->trough_off_um = nb > 0 ? srb / nb : f->off_um;
	return true;
}

/* Fit one closed stroke (hist[a.idx .. b.idx)) with the learned shape. */
static void fit_stroke(struct measure *m, const struct xing *a, const struct xing *b,
		       double b_t, double t_ref, struct knot_sums *ks)
{
	struct measure_stroke s = { 0 };
	const struct shape *sh = &m->shape;
	struct top_fit f;
	double span = b->t_slot - a->t_slot;
	s.period_s = (b_t - a->t_slot) / m->cfg.rate_hz;
	s.peak_time_s = (a->t_slot + sh->peak_phase * (b_t - a->t_slot)) / m->cfg.rate_hz;

	if (!a->reliable || !b->reliable || !b->clean_before) {
		s.reject = MEASURE_REJECT_INVALID;
		goto out;
	}
	if (t_ref > 0 && (span < 0.75 * t_ref || span > 1.33 * t_ref)) {
		s.reject = MEASURE_REJECT_PERIOD;
		goto out;
	}
	if (!top_fit(m, a, b_t, b->idx, &f, ks)) {
		s.reject = MEASURE_REJECT_NO_TOP;
		goto out;
	}
	s.top_samples = f.n;
	s.peak_um = sh->peak_um + f.off_um;
	s.trough_um = sh->min_um + f.trough_off_um;
	if (!isfinite(s.peak_um) || !isfinite(s.trough_um) || !isfinite(f.rss)) {
		/* A fit that did not converge to numbers is no measurement. */
		s.peak_um = s.trough_um = 0;
		s.reject = MEASURE_REJECT_NO_TOP;
		goto out;
	}
	m->noise_ss += f.rss;
	m->noise_dof += f.dof;
	m->fitvar_sum += f.var_factor;
	s.reject = MEASURE_STROKE_OK;
out:
	emit(m, &s);
}

static void emit_rejected(struct measure *m, const struct xing *a, double end_slot,
			  enum measure_reject why)
{
	struct measure_stroke s = { 0 };
	s.period_s = (end_slot - a->t_slot) / m->cfg.rate_hz;
	s.peak_time_s = a->t_slot / m->cfg.rate_hz;
	s.reject = why;
	emit(m, &s);
}

/* ---- learning ---------------------------------------------------------- */

static void seg_start(struct measure *m, const struct xing *x);
static void freq_interval(struct measure *m, const struct xing *x);

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static bool stroke_usable(const struct xing *a, const struct xing *b, double t_ref)
{
	double span = b->t_slot - a->t_slot;
	return a->reliable && b->reliable && b->clean_before &&
	       (t_ref <= 0 || (span >= 0.75 * t_ref && span <= 1.33 * t_ref));
}

/* Solve the symmetric band system (diagonal A0, A0[k] ~ A[k][k], A1[k]
 * = A[k][k+1], A2[k] = A[k][k+2]) in place by LDL^T: b receives x. */
static void band_solve(uint32_t n, double *A0, double *A1, double *A2, double *b)
{
	for (uint32_t i = 0; i < n; i++) {
		double d = A0[i];
		if (i >= 1)
			d -= A1[i - 1] * A1[i - 1] * A0[i - 1];
		if (i >= 2)
			d -= A2[i - 2] * A2[i - 2] * A0[i - 2];
		A0[i] = d;
		double a1 = A1[i];
		if (i >= 1)
			a1 -= A2[i - 1] * A1[i - 1] * A0[i - 1];
		A1[i] = i + 1 < n ? a1 / d : 0;
		A2[i] = i + 2 < n ? A2[i] / d : 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (i >= 1)
			b[i] -= A1[i - 1] * b[i - 1];
		if (i >= 2)
			b[i] -= A2[i - 2] * b[i - 2];
	}
	for (uint32_t i = 0; i < n; i++)
		b[i] /= A0[i];
	for (uint32_t i = n; i-- > 0;) {
		if (i + 1 < n)
			b[i] -= A1[i] * b[i + 1];
		if (i + 2 < n)
			b[i] -= A2[i] * b[i + 2];
	}
}

/* Refine the stroke ends (the knots of the phase: within a stroke the
 * phase runs linearly between its two ends) by least squares, all knots at
 * once, a band system:
 * - smoothness: the pen's speed changes slowly, so the second difference
 *   of neighbouring knots (a period minus the one before) is ~ N(0,
 *   (KNOT_SMOOTH P)^2). Without it the problem is degenerate: with few
 *   samples per stroke the crossing errors repeat with the sample pattern,
 *   and a shape folded with them is a warped copy that agrees with them.
 * - data (fit_data): each sample of a stroke up to its trough (its own
 *   motion) is compared with the shape, r = x - T(ph) ~ alpha + js d_start
 *   + je d_end, js = -T'(1 - ph)/P, je = -T' ph / P per slot of knot shift,
 *   alpha the stroke's own offset, eliminated stroke by stroke. Every sample
 *   takes part, not only the two around the mid level.
 * - without data (the first pass): fidelity to the raw crossings, whose
 *   noise var_raw comes from their second differences: a Whittaker
 *   smoother of the crossing times.
 * Returns the rms knot shift in slots. */
static double knots_step(struct measure *m, struct xing *L, uint32_t nl, const bool *use,
			 double t_ref, bool fit_data, double var_raw)
{
	const struct shape *sh = &m->shape;
	double *A0 = m->kd, *A1 = m->ke, *A2 = m->kf, *B = m->kb;
	double var_n = KNOT_NOISE_UM * KNOT_NOISE_UM;
	double sig_s = KNOT_SMOOTH * t_ref;
	double mu = (fit_data ? var_n : var_raw) / (sig_s * sig_s);
	double lam = fit_data ? var_n / (KNOT_PRIOR * t_ref * KNOT_PRIOR * t_ref) : 1.0;
	for (uint32_t k = 0; k < nl; k++) {
		A0[k] = lam;
		A1[k] = A2[k] = B[k] = 0;
	}
	for (uint32_t k = 1; k + 1 < nl; k++) {
		if (!use[k - 1] || !use[k])
			continue;
		double s2 = L[k - 1].t_slot - 2 * L[k].t_slot + L[k + 1].t_slot;
		A0[k - 1] += mu;
		A0[k] += 4 * mu;
		A0[k + 1] += mu;
		A1[k - 1] -= 2 * mu;
		A1[k] -= 2 * mu;
		A2[k - 1] += mu;
		B[k - 1] -= mu * s2;
		B[k] += 2 * mu * s2;
		B[k + 1] -= mu * s2;
	}
	for (uint32_t k = 0; fit_data && k + 1 < nl; k++) {
		if (!use[k])
			continue;
		const struct xing *a = &L[k], *b = &L[k + 1];
		double P = b->t_slot - a->t_slot, dph = 1.0 / P;
		/* a refined end may have moved past a sample: look 2 beyond */
		uint32_t i0 = a->idx >= 2 ? a->idx - 2 : 0;
		double ph = ((double)(m->hist_slot0 + i0) - a->t_slot) * dph;
		double n = 0, Sr = 0, Ss = 0, Se = 0, Sss = 0, Sse = 0, See = 0, Srs = 0, Sre = 0;
		for (uint32_t i = i0; i < b->idx; i++, ph += dph) {
			if (ph < 0 || ph > sh->trough_phase || isnan(m->hist[i]))
				continue;
			double T, dT, w;
			shape_at(sh, ph, &T, &dT, &w);
			double r = m->hist[i] - T;
			double js = -dT * (1 - ph) * dph, je = -dT * ph * dph;
			n++;
			Sr += r;
			Ss += js;
			Se += je;
			Sss += js * js;
			Sse += js * je;
			See += je * je;
			Srs += r * js;
			Sre += r * je;
		}
		if (n < 2)
			continue;
		A0[k] += Sss - Ss * Ss / n;
		A0[k + 1] += See - Se * Se / n;
		A1[k] += Sse - Ss * Se / n;
		B[k] += Srs - Ss * Sr / n;
		B[k + 1] += Sre - Se * Sr / n;
	}
	/* The open stroke after the last knot (the rest of the record, or of
	 * the learning store) makes the last knot a start too: its phase runs
	 * on with the last period, ph = (t - c_L) / (c_L - c_L-1). */
	if (fit_data && nl >= 2 && use[nl - 2]) {
		const struct xing *p0 = &L[nl - 2], *a = &L[nl - 1];
		double P = a->t_slot - p0->t_slot, dph = 1.0 / P;
		uint32_t i0 = a->idx >= 2 ? a->idx - 2 : 0;
		double ph = ((double)(m->hist_slot0 + i0) - a->t_slot) * dph;
		double n = 0, Sr = 0, Sp = 0, Sl = 0, Spp = 0, Spl = 0, Sll = 0, Srp = 0, Srl = 0;
		for (uint32_t i = i0; i < m->n_hist; i++, ph += dph) {
			if (ph < 0 || ph > sh->trough_phase || isnan(m->hist[i]))
				continue;
			double T, dT, w;
			shape_at(sh, ph, &T, &dT, &w);
			double r = m->hist[i] - T;
			double jp = dT * ph * dph, jl = -dT * (1 + ph) * dph;
			n++;
			Sr += r;
			Sp += jp;
			Sl += jl;
			Spp += jp * jp;
			Spl += jp * jl;
			Sll += jl * jl;
			Srp += r * jp;
			Srl += r * jl;
		}
		if (n >= 2) {
			A0[nl - 2] += Spp - Sp * Sp / n;
			A0[nl - 1] += Sll - Sl * Sl / n;
			A1[nl - 2] += Spl - Sp * Sl / n;
			B[nl - 2] += Srp - Sp * Sr / n;
			B[nl - 1] += Srl - Sl * Sr / n;
		}
	}
	band_solve(nl, A0, A1, A2, B);
	double ss = 0, lim = KNOT_MAX * t_ref;
	for (uint32_t k = 0; k < nl; k++) {
		double d = B[k];
		if (!(xabs(d) <= lim)) /* outside the linear reach: leave it */
			d = 0;
		L[k].t_slot += d;
		ss += d * d;
	}
	return sqrt(ss / nl);
}

/* Fold the usable strokes into bins and build the shape. */
static bool learn_shape(struct measure *m, const struct xing *L, uint32_t nl, const bool *use,
			unsigned *nbins)
{
	struct bins *bn = &m->bins;
	unsigned filled;
	do {
		memset(bn, 0, sizeof *bn);
		bn->n = *nbins;
		for (uint32_t k = 0; k + 1 < nl; k++)
			if (use[k])
				fold_stroke(m, &L[k], &L[k + 1], bn);
		filled = 0;
		for (unsigned j = 0; j < *nbins; j++)
			filled += bn->cnt[j] > 0;
		if (filled * 10 < *nbins * 9 && *nbins > NBIN_MIN)
			*nbins /= 2;
		else
			break;
	} while (1);
	return shape_build(&m->shape, bn);
}

/* Count the learning crossings into the frequency, in order, with their
 * refined times. */
static void learn_count_freq(struct measure *m, const struct xing *L, uint32_t nl)
{
	if (!m->learn0_counted && L[0].reliable)
		seg_start(m, &L[0]);
	m->prev = L[0];
	for (uint32_t k = 1; k < nl; k++) {
		freq_interval(m, &L[k]);
		m->prev = L[k];
	}
}

/* Build the shape from the strokes held in hist, fit them in order and
 * keep only the open stroke (after the last crossing) in hist. */
static void learn_finish(struct measure *m)
{
	if (m->learned || m->n_learn == 0)
		return;
	uint32_t nl = m->n_learn;
	struct xing *L = m->learn;
	bool *use = m->kuse;
	/* Median period of the clean strokes: the reference while learning. */
	double per[XING_CAP];
	unsigned np = 0;
	for (uint32_t k = 0; k + 1 < nl; k++)
		if (stroke_usable(&L[k], &L[k + 1], 0))
			per[np++] = L[k + 1].t_slot - L[k].t_slot;
	double t_ref = 0;
	if (np) {
		qsort(per, np, sizeof per[0], cmp_double);
		t_ref = per[np / 2];
	}
	uint64_t nsamp = 0;
	for (uint32_t k = 0; k + 1 < nl; k++) {
		use[k] = stroke_usable(&L[k], &L[k + 1], t_ref);
		if (use[k])
			nsamp += L[k + 1].idx - L[k].idx;
	}
	bool ok = false;
	if (nsamp) {
		unsigned nbins = (unsigned)(nsamp / SAMPLES_PER_BIN);
		if (nbins < NBIN_MIN)
			nbins = NBIN_MIN;
		if (nbins > NBIN_MAX)
			nbins = NBIN_MAX;
		/* The plain mean stroke first, folded by the mid-level
		 * crossings; then the stroke ends are refined against it and
		 * the strokes folded again, a few times. Measured: refitting
		 * the shape to scatter-corrected strokes (alternating fits)
		 * made the depth worse, not better (docs/measurement.md), so
		 * the shape stays the plain mean stroke. */
		/* Timing noise of the raw crossings, from second differences. */
		double s2 = 0;
		unsigned n2 = 0;
		for (uint32_t k = 1; k + 1 < nl; k++)
			if (use[k - 1] && use[k]) {
				double e = L[k - 1].t_slot - 2 * L[k].t_slot + L[k + 1].t_slot;
				s2 += e * e;
				n2++;
			}
		double var_raw = n2 ? s2 / n2 / 6 : 0;
		double floor_var = KNOT_SMOOTH * t_ref * KNOT_SMOOTH * t_ref;
		if (var_raw < floor_var)
			var_raw = floor_var;
		if (t_ref > 0)
			knots_step(m, L, nl, use, t_ref, false, var_raw);
		ok = learn_shape(m, L, nl, use, &nbins);
		for (unsigned it = 0; ok && t_ref > 0 && it < KNOT_ITERS; it++) {
			knots_step(m, L, nl, use, t_ref, true, 0);
			ok = learn_shape(m, L, nl, use, &nbins);
		}
	}
	m->learned = true;
	learn_count_freq(m, L, nl);
	for (uint32_t k = 0; k + 1 < nl; k++) {
		if (ok)
			fit_stroke(m, &L[k], &L[k + 1], L[k + 1].t_slot, t_ref, NULL);
		else
			emit_rejected(m, &L[k], L[k + 1].t_slot, MEASURE_REJECT_NO_TOP);
	}
	if (!ok)
		m->learned = false; /* try again with the next strokes */
	if (t_ref > 0 && m->t_ref_slots <= 0)
		m->t_ref_slots = t_ref;
	/* Keep the open stroke only. */
	struct xing last = L[nl - 1];
	uint32_t keep_from = last.idx > 0 ? last.idx - 1 : 0;
	memmove(m->hist, m->hist + keep_from, (m->n_hist - keep_from) * sizeof m->hist[0]);
	m->n_hist -= keep_from;
	m->scan -= keep_from;
	m->hist_slot0 += keep_from;
	last.idx -= keep_from;
	m->prev = last;
	m->kn_have = ok && nl >= 2 && use[nl - 2];
	m->kn_var = KNOT_SMOOTH * t_ref * KNOT_SMOOTH * t_ref; /* well known: batch */
	m->kn_period = nl >= 2 ? L[nl - 1].t_slot - L[nl - 2].t_slot : 0;
	m->n_learn = 0;
	m->learn0_counted = false;
	if (!ok) {
		m->learn[0] = last;
		m->n_learn = 1;
		m->learn0_counted = true;
	}
}

/* ---- frequency --------------------------------------------------------- */

static void seg_close(struct measure *m)
{
	if (m->seg_active && m->seg_n_at_rel >= 1) {
		m->tot_periods += m->seg_n_at_rel;
		m->tot_span_slots += m->seg_t_last_rel - m->seg_t_first;
		m->nseg++;
	}
	m->seg_active = false;
	m->have_prev_period = false;
}

static void seg_start(struct measure *m, const struct xing *x)
{
	if (!m->have_first_seg) {
		m->have_first_seg = true;
		m->first_seg_t = x->t_slot;
	}
	m->seg_active = true;
	m->seg_t_first = m->seg_t_last_rel = x->t_slot;
	m->seg_n = m->seg_n_at_rel = 0;
}

/* Count whole periods from the previous crossing to x. */
static void freq_interval(struct measure *m, const struct xing *x)
{
	double d = x->t_slot - m->prev.t_slot;
	bool clean = m->prev.reliable && x->reliable && x->clean_before;
	long n = 0;
	if (m->t_ref_slots <= 0) {
		if (clean)
			n = 1;
	} else {
		double q = d / m->t_ref_slots;
		long r = lround(q);
		if (clean && r == 1 && xabs(q - 1) < 0.3)
			n = 1;
		else if (r >= 1 && r <= 16 && xabs(q - (double)r) < 0.25)
			n = r;
		if (!clean || r != 1 || xabs(q - 1) >= 0.3)
			clean = false;
	}
	if (n == 0) {
		seg_close(m);
		if (x->reliable)
			seg_start(m, x);
		return;
	}
	if (clean) {
		if (m->t_ref_slots <= 0)
			m->t_ref_slots = d;
		else
			m->t_ref_slots += 0.05 * (d - m->t_ref_slots);
		if (m->nper == 0)
			m->per_ref = d;
		double e = d - m->per_ref;
		m->per_sum += e;
		m->per_sumsq += e * e;
		m->nper++;
		if (m->have_prev_period) {
			double d2 = d - m->prev_period;
			m->d2_sumsq += d2 * d2;
			m->n_d2++;
		}
		m->have_prev_period = true;
		m->prev_period = d;
		m->last_period = d;
	} else {
		m->have_prev_period = false;
	}
	if (!m->seg_active) {
		if (x->reliable)
			seg_start(m, x);
		return;
	}
	m->seg_n += (uint64_t)n;
	if (x->reliable) {
		m->seg_n_at_rel = m->seg_n;
		m->seg_t_last_rel = x->t_slot;
	}
}

/* ---- crossings and the stream ------------------------------------------ */

static void drop_hist(struct measure *m)
{
	m->hist_slot0 += m->n_hist;
	m->n_hist = 0;
	m->scan = 0;
}

/* After learning, the knots of each stroke as it closes: a small filter.
 * The stroke was mapped with its start a (the previous end, known to
 * variance m->kn_var) and the predicted end a + P0 (the pen's speed changes
 * slowly); its samples, compared with the shape (sums ks, gathered by the
 * depth fit, offset eliminated), correct both, with the smoothness prior on
 * the change of period. The start's correction goes to the filter's state
 * only (the start was reported with the stroke before). Returns the end. */
static double knot_solve(struct measure *m, double a_t, double P0, const struct knot_sums *ks)
{
	double vn = KNOT_NOISE_UM * KNOT_NOISE_UM;
	double sig_s = KNOT_SMOOTH * P0;
	double ps = vn / (sig_s * sig_s);
	double haa = vn / m->kn_var + ps, hxx = ps, hax = -ps, ba = 0, bx = 0;
	double n = ks->n;
	if (n >= 2) {
		haa += ks->Sss - ks->Ss * ks->Ss / n;
		hxx += ks->See - ks->Se * ks->Se / n;
		hax += ks->Sse - ks->Ss * ks->Se / n;
		ba = ks->Srs - ks->Ss * ks->Sr / n;
		bx = ks->Sre - ks->Se * ks->Sr / n;
	}
	double det = haa * hxx - hax * hax;
	double dx = det > 0 ? (haa * bx - hax * ba) / det : 0;
	if (!(det > 0) || !(xabs(dx) <= KNOT_MAX * P0)) {
		m->kn_var = KNOT_PRIOR * P0 * KNOT_PRIOR * P0;
		return a_t + P0;
	}
	m->kn_var = vn * haa / det;
	return a_t + P0 + dx;
}

static void on_crossing(struct measure *m, struct xing x)
{
	m->stalled_now = false;
	if (!m->has_prev) {
		/* The first crossing: what came before is no stroke. */
		uint32_t keep_from = x.idx > 0 ? x.idx - 1 : 0;
		memmove(m->hist, m->hist + keep_from, (m->n_hist - keep_from) * sizeof m->hist[0]);
		m->n_hist -= keep_from;
		m->scan -= keep_from;
		m->hist_slot0 += keep_from;
		x.idx -= keep_from;
		m->has_prev = true;
		m->prev = x;
		m->kn_have = false;
		if (!m->learned) {
			/* counted into the frequency when the shape is learned */
			m->learn[0] = x;
			m->n_learn = 1;
			m->learn0_counted = false;
		} else if (x.reliable) {
			seg_start(m, &x);
		}
		return;
	}
	/* Running period of the raw crossings: the stall limit. */
	double d = x.t_slot - m->prev.t_slot;
	if (m->prev.reliable && x.reliable && x.clean_before) {
		if (m->t_run_slots <= 0)
			m->t_run_slots = d;
		else if (xabs(d / m->t_run_slots - 1) < 0.3)
			m->t_run_slots += 0.05 * (d - m->t_run_slots);
	}
	if (!m->learned) {
		m->learn[m->n_learn++] = x;
		m->prev = x;
		if (m->n_learn == XING_CAP)
			learn_finish(m);
		return;
	}
	double t_ref = m->t_ref_slots;
	/* The stroke is mapped with the predicted end a + P0 unless the
	 * crossing is far from it (a speed step, or no prediction yet). */
	bool usable = stroke_usable(&m->prev, &x, t_ref);
	double P0 = m->kn_period;
	bool refine = usable && m->kn_have &&
		      xabs(x.t_slot - m->prev.t_slot - P0) <= KNOT_MAX * P0;
	struct knot_sums ks = { 0 };
	double b_t = refine ? m->prev.t_slot + P0 : x.t_slot;
	fit_stroke(m, &m->prev, &x, b_t, t_ref, refine ? &ks : NULL);
	if (refine)
		x.t_slot = knot_solve(m, m->prev.t_slot, P0, &ks);
	else
		m->kn_var = KNOT_PRIOR * t_ref * KNOT_PRIOR * t_ref;
	freq_interval(m, &x);
	m->kn_have = usable;
	m->kn_period = x.t_slot - m->prev.t_slot;
	uint32_t keep_from = x.idx > 0 ? x.idx - 1 : 0;
	memmove(m->hist, m->hist + keep_from, (m->n_hist - keep_from) * sizeof m->hist[0]);
	m->n_hist -= keep_from;
	m->scan -= keep_from;
	m->hist_slot0 += keep_from;
	x.idx -= keep_from;
	m->prev = x;
}

static void boot_reset(struct measure *m)
{
	m->leveled = false;
	m->boot_seen = 0;
	m->boot_min = INFINITY;
	m->boot_max = -INFINITY;
	m->has_prev = false;
	m->armed = false;
	m->have_last_valid = false;
	m->invalid_since_xing = 0;
	drop_hist(m);
}

/* The strokes stopped: the pen stalled (why = STALL) or the data did (a
 * long run of invalid or lost samples, why = INVALID). The open stroke is
 * rejected once, the frequency segment ends, and after a stall the level
 * and the shape are learned afresh. */
static void on_break(struct measure *m, enum measure_reject why)
{
	if (!m->learned)
		learn_finish(m);
	if (m->has_prev && !m->stalled_now) {
		double end = (double)(m->hist_slot0 + m->n_hist);
		emit_rejected(m, &m->prev, end, why);
		if (why == MEASURE_REJECT_STALL && !m->stall_seen) {
			m->stall_seen = true;
			m->stall_at_s = m->prev.t_slot / m->cfg.rate_hz;
			m->stall_len_s = end / m->cfg.rate_hz - m->stall_at_s;
		}
	}
	seg_close(m);
	m->edge_ok = false;
	if (why == MEASURE_REJECT_STALL) {
		m->stalled_now = true;
		m->learned = false;
		m->n_learn = 0;
		boot_reset(m);
	} else {
		/* Same pen, same level: wait for the next clean up-crossing. */
		m->has_prev = false;
		m->armed = false;
		m->have_last_valid = false;
		m->invalid_since_xing = 0;
		m->n_learn = 0;
		drop_hist(m);
	}
}

static double stall_limit_slots(const struct measure *m)
{
	double lim;
	if (m->t_run_slots > 0)
		lim = STALL_PERIODS * m->t_run_slots;
	else
		lim = 2.0 * m->boot_len;
	if (lim > HIST_CAP / 2)
		lim = HIST_CAP / 2;
	return lim;
}

/* Run the detector over hist[m->scan .. n_hist). */
static void scan_hist(struct measure *m)
{
	while (m->scan < m->n_hist) {
		uint32_t i = m->scan++;
		double x = m->hist[i];
		uint64_t slot = m->hist_slot0 + i;
		if (isnan(x)) {
			m->invalid_since_xing++;
			continue;
		}
		if (x < m->mid_um - m->hyst_um) {
			m->armed = true;
		} else if (m->armed && x >= m->mid_um && m->have_last_valid) {
			struct xing c;
			double xp = m->last_valid_x;
			double gap = (double)(slot - m->last_valid_slot);
			c.t_slot = (double)m->last_valid_slot + gap * (m->mid_um - xp) / (x - xp);
			c.reliable = gap == 1.0;
			c.clean_before = m->invalid_since_xing == 0;
			c.idx = i;
			m->armed = false;
			m->invalid_since_xing = 0;
			m->have_last_valid = true;
			m->last_valid_x = x;
			m->last_valid_slot = slot;
			on_crossing(m, c);
			continue;
		}
		m->have_last_valid = true;
		m->last_valid_x = x;
		m->last_valid_slot = slot;
	}
}

static void push_one(struct measure *m, double x)
{
	if (m->n_hist == HIST_CAP) {
		/* Full: the learning store (shape it now) or a stalled stroke. */
		if (m->leveled && !m->learned && m->n_learn > 1)
			learn_finish(m);
		if (m->n_hist == HIST_CAP) {
			if (m->leveled)
				on_break(m, MEASURE_REJECT_STALL);
			else
				drop_hist(m);
		}
	}
	m->hist[m->n_hist++] = x;
	if (!m->leveled) {
		if (!isnan(x)) {
			if (x < m->boot_min)
				m->boot_min = x;
			if (x > m->boot_max)
				m->boot_max = x;
		}
		if (++m->boot_seen < m->boot_len)
			return;
		double p2p = m->boot_max - m->boot_min;
		if (!(p2p >= m->min_stroke_um)) {
			if (p2p > m->flat_p2p_um)
				m->flat_p2p_um = p2p;
			m->edge_ok = false;
			boot_reset(m);
			return;
		}
		m->leveled = true;
		m->ever_leveled = true;
		m->mid_um = (m->boot_max + m->boot_min) / 2;
		m->hyst_um = 0.15 * p2p;
		m->scan = 0;
		scan_hist(m);
		return;
	}
	scan_hist(m);
	if (m->n_hist & 63)
		return;
	/* The open stroke may not grow beyond a few periods (checked every
	 * 64 samples: the limit is hundreds). */
	double open_from = m->has_prev ? m->prev.t_slot : (double)m->hist_slot0;
	double open_len = (double)(m->hist_slot0 + m->n_hist) - open_from;
	if (open_len > stall_limit_slots(m))
		on_break(m, (double)m->invalid_since_xing * 2 > open_len ? MEASURE_REJECT_INVALID
									   : MEASURE_REJECT_STALL);
}

enum rig_rc measure_push(struct measure *m, const struct laser_sample *s, size_t n,
			 struct rig_err *err)
{
	for (size_t k = 0; k < n; k++) {
		const struct laser_sample *p = &s[k];
		if (!m->started) {
			m->started = true;
			m->next_slot = p->slot;
			m->hist_slot0 = p->slot;
			m->first_slot = p->slot;
		}
		if (p->slot < m->next_slot)
			return rig_fail(err, RIG_E_DATA,
					"sample slot %llu after slot %llu: slots must increase",
					(unsigned long long)p->slot,
					(unsigned long long)(m->next_slot - 1));
		uint64_t gap = p->slot - m->next_slot;
		if (gap > HIST_CAP) {
			/* A long hole: no stroke spans it. */
			m->samples += gap;
			m->invalid += gap;
			m->invalid_by_status[LASER_LOST] += gap;
			if (m->leveled)
				on_break(m, MEASURE_REJECT_INVALID);
			else
				boot_reset(m);
			m->hist_slot0 = p->slot;
		} else {
			for (uint64_t g = 0; g < gap; g++) {
				m->samples++;
				m->invalid++;
				m->invalid_by_status[LASER_LOST]++;
				push_one(m, NAN);
			}
		}
		m->next_slot = p->slot + 1;
		m->samples++;
		enum laser_status st = p->status;
		if ((unsigned)st >= LASER_STATUS_COUNT)
			st = LASER_ERR_OTHER;
		if (st != LASER_OK || !isfinite(p->dist_mm)) {
			m->invalid++;
			m->invalid_by_status[st == LASER_OK ? LASER_ERR_OTHER : st]++;
			push_one(m, NAN);
		} else {
			push_one(m, (m->cfg.zero_mm - p->dist_mm) * 1000.0);
		}
	}
	return RIG_OK;
}

void measure_finish(struct measure *m)
{
	if (!m->learned && m->n_learn > 1)
		learn_finish(m);
}

/* ---- setup and results ------------------------------------------------- */

enum rig_rc measure_create(struct measure **out, const struct measure_config *cfg,
			   struct rig_err *err)
{
	*out = NULL;
	if (!(cfg->rate_hz > 0 && cfg->rate_hz <= 1e6))
		return rig_fail(err, RIG_E_USAGE, "measure: rate %g Hz: expected 0 < rate <= 1e6",
				cfg->rate_hz);
	if (!isfinite(cfg->zero_mm))
		return rig_fail(err, RIG_E_USAGE, "measure: laser zero is not a number");
	if (!(cfg->freq_hint_hz >= 0) || cfg->freq_hint_hz > cfg->rate_hz / 2)
		return rig_fail(err, RIG_E_USAGE,
				"measure: stroke rate hint %g Hz: expected 0 (unknown) .. %g Hz",
				cfg->freq_hint_hz, cfg->rate_hz / 2);
	if (!(cfg->min_stroke_um >= 0) || !(cfg->linearity_um >= 0) ||
	    !(cfg->resolution_um >= 0) || !(cfg->zero_u_um >= 0) || !(cfg->clock_ppm >= 0))
		return rig_fail(err, RIG_E_USAGE,
				"measure: minimum stroke and uncertainty parts must be >= 0");
	struct measure *m = calloc(1, sizeof *m);
	if (!m)
		return rig_fail(err, RIG_E_NOMEM, "measure: out of memory");
	m->cfg = *cfg;
	m->min_stroke_um = cfg->min_stroke_um > 0 ? cfg->min_stroke_um : 50.0;
	double f_low = cfg->freq_hint_hz > 0 ? cfg->freq_hint_hz / 2 : F_LOW_HZ;
	double bl = ceil(1.5 * cfg->rate_hz / f_low);
	if (bl > HIST_CAP / 4)
		bl = HIST_CAP / 4;
	if (bl < 8)
		bl = 8;
	m->boot_len = (uint32_t)bl;
	if (cfg->freq_hint_hz > 0)
		m->t_ref_slots = 0; /* the hint only sizes the level window */
	boot_reset(m);
	m->edge_ok = true;
	*out = m;
	return RIG_OK;
}

void measure_free(struct measure *m)
{
	free(m);
}

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

void measure_result(const struct measure *m, struct measure_stats *out)
{
	memset(out, 0, sizeof *out);
	double rate = m->cfg.rate_hz;
	out->samples = m->samples;
	out->invalid_samples = m->invalid;
	memcpy(out->invalid_by_status, m->invalid_by_status, sizeof out->invalid_by_status);
	out->duration_s = (double)m->samples / rate;
	out->strokes = m->strokes;
	for (int r = 1; r < MEASURE_REJECT_COUNT; r++) {
		out->rejected_by_reason[r] = m->rejected[r];
		out->strokes_rejected += m->rejected[r];
	}

	/* Depth. */
	if (m->strokes >= 2) {
		double n = (double)m->strokes;
		double var = m->d_m2 / (n - 1);
		double noise2 = m->noise_dof ? m->noise_ss / (double)m->noise_dof : 0;
		double fitvar = noise2 * m->fitvar_sum / n;
		double tv = var - fitvar;
		out->has_depth = true;
		out->depth_mean_um = m->d_ref + m->d_mean;
		out->depth_std_raw_um = sqrt(var);
		out->depth_std_um = tv > 0 ? sqrt(tv) : 0;
		out->depth_min_um = m->d_min;
		out->depth_max_um = m->d_max;
		out->trough_mean_um = m->d_ref + m->trough_sum / n;
		out->noise_um = sqrt(noise2);
		/* Lag-1 autocorrelation of the depths: correlated strokes carry
		 * less information (AR(1) effective count). */
		double neff = n;
		if (m->lag_n >= 3 && var > 0) {
			double ln = (double)m->lag_n;
			double cov = (m->lag_sxy - m->lag_sx * m->lag_sy / ln) / ln;
			double r1 = cov / var;
			if (r1 > 0.95)
				r1 = 0.95;
			if (r1 > 0)
				neff = n * (1 - r1) / (1 + r1);
		}
		double u_stat = sqrt(var / neff);
		double u_shape = m->shape.peak_u_um;
		double u_lin = m->cfg.linearity_um / sqrt(3.0);
		double u_res = m->cfg.resolution_um / sqrt(12.0);
		double u_zero = m->cfg.zero_u_um;
		out->depth_u_stat_um = u_stat;
		out->depth_U_um = 2.0 * sqrt(u_stat * u_stat + u_shape * u_shape + u_lin * u_lin +
					     u_res * u_res + u_zero * u_zero);
	}

	/* Frequency. */
	uint64_t np = m->tot_periods;
	double span = m->tot_span_slots;
	unsigned nseg = m->nseg;
	if (m->seg_active && m->seg_n_at_rel >= 1) {
		np += m->seg_n_at_rel;
		span += m->seg_t_last_rel - m->seg_t_first;
		nseg++;
	}
	if (np >= 1 && span > 0) {
		out->has_freq = true;
		out->freq_hz = (double)np / span * rate;
		/* One unbroken segment: add the partial strokes at both ends,
		 * timed by their neighbouring periods, so the figure is the mean
		 * over the whole record, not over the whole strokes in it. */
		double last_slot = (double)(m->next_slot - 1);
		if (m->edge_ok && m->nseg == 0 && m->seg_active && m->nper > 0 &&
		    m->first_seg_t == m->seg_t_first) {
			double head = (m->seg_t_first - (double)m->first_slot) / m->per_ref;
			double tail = (last_slot - m->seg_t_last_rel) / m->last_period;
			if (head >= 0 && head <= 1.3 && tail >= 0 && tail <= 1.3)
				out->freq_hz = ((double)np + head + tail) /
					       (last_slot - (double)m->first_slot) * rate;
		}
		if (m->nper >= 2) {
			double mp = m->per_sum / m->nper;
			double v = (m->per_sumsq - m->per_sum * mp) / (double)(m->nper - 1);
			out->period_jitter_us = v > 0 ? sqrt(v) / rate * 1e6 : 0;
		}
		double tc = m->n_d2 ? sqrt(m->d2_sumsq / (double)m->n_d2 / 6.0) : 0; /* slots */
		out->crossing_jitter_us = tc / rate * 1e6;
		double u_stat = out->freq_hz * sqrt(2.0 * nseg) * tc / span;
		double u_clk = out->freq_hz * m->cfg.clock_ppm * 1e-6 / sqrt(3.0);
		out->freq_u_stat_hz = u_stat;
		out->freq_U_hz = 2.0 * sqrt(u_stat * u_stat + u_clk * u_clk);
	}

	/* Status, most basic problem first. */
	uint64_t valid = m->samples - m->invalid;
	if (m->samples == 0) {
		set_msg(out, MEASURE_NO_DATA, "no samples in the record");
	} else if (valid == 0) {
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
	} else if (!m->ever_leveled && m->flat_p2p_um == 0 && m->edge_ok) {
		set_msg(out, MEASURE_NO_STROKES,
			"record too short: %llu samples; finding the stroke level needs %u",
			(unsigned long long)m->samples, m->boot_len);
	} else if (!m->ever_leveled) {
		set_msg(out, MEASURE_FLAT,
			"no motion: the extension varied by only %.1f um (a stroke needs >= %.0f um)",
			m->flat_p2p_um, m->min_stroke_um);
	} else if (m->stall_seen) {
		set_msg(out, MEASURE_STALLED,
			"strokes stopped at %.3f s (none for %.0f ms or more); %llu strokes before",
			m->stall_at_s, m->stall_len_s * 1e3, (unsigned long long)m->strokes);
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
	}
}

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
	};
	return (unsigned)r < MEASURE_REJECT_COUNT ? names[r] : "unknown";
}

