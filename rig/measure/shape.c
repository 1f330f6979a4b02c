/* shape.c - the folded shape model: strokes folded onto one period by
 * their phase (equivalent-time sampling) into bins, the shape through the
 * bins (a quadratic per bin), and the shape's peak.
 */
#include "measure/engine.h"

#include <stdlib.h>
#include <string.h>

/* A sample of stroke k into bin j's pairs (before it is counted). */
static void pair_add(struct bin_pairs *bp, const struct bins *bn, long j, uint32_t k)
{
	double run = 0;
	if (bn->cnt[j])
		run = pow(bp->rho, (double)(k - bp->last[j])) * (bp->run[j] + 1);
	bp->run[j] = run;
	bp->sum[j] += run;
	bp->last[j] = k;
}

/* Accumulate one stroke's samples into bins. A sample outside the
 * stroke's phase range (possible once its ends are refined) wraps. win
 * (may be NULL): only the phases of that window, win->per_cycle bins a
 * cycle from win->ph0 (a finer fold of the top: ring.c). bp (may be NULL):
 * the pairs of the bins' samples, this stroke k. ref (may be NULL): the
 * shape's points; the stroke's own offset from them is taken out of its
 * samples first (fold_src.ref). */
static void fold_stroke(const struct measure *m, const struct xing *L, uint32_t nl,
			const bool *use, uint32_t k, struct bins *bn, bool gate,
			const struct fold_win *win, struct bin_pairs *bp,
			const struct shape_pts *ref)
{
	const struct xing *a = &L[k], *b = &L[k + 1];
	double t0 = a->t_slot, span = b->t_slot - a->t_slot;
	struct bend kb;
	knots_bend(L, nl, use, m->ktgt, k, &kb);
	long nb = (long)bn->n;
	double off = 0, travel = ref ? ref->ys[ref->jmax] - ref->tmin : 0;
	if (ref && travel > 0) {
		/* the stroke's own offset over the top (w >= TOP_W), as a
		 * stretch from the retracted end (r = off w, as fit.c's
		 * beta), from its samples within a spike's gate of ref */
		double srw = 0, sww = 0, lim = 6 * ref->sample_sd + 2.0;
		for (uint32_t i = a->idx; i < b->idx; i++) {
			double ph = stroke_phase_at(&kb, t0, span, (double)(m->hist_slot0 + i));
			double T = pts_at(ref, ph), w = (T - ref->tmin) / travel, r = m->hist[i] - T;
			if (w < TOP_W || !(num_abs(r) <= lim))
				continue;
			srw += r * w;
			sww += w * w;
		}
		off = sww > 0 ? srw / sww : 0;
	}
	for (uint32_t i = a->idx; i < b->idx; i++) {
		double x = m->hist[i];
		double phi = stroke_phase_at(&kb, t0, span, (double)(m->hist_slot0 + i));
		if (ref && off != 0) {
			double w = (pts_at(ref, phi) - ref->tmin) / travel;
			x -= off * (w > 0 ? w : 0);
		}
		if (gate) {
			/* a speckle spike against the shape folded before */
			double T, dT, w;
			shape_at(&m->shape, phi, &T, &dT, &w);
			if (!(num_abs(x - T) <= shape_gate_um(&m->shape, dT, 0.005)))
				continue;
		}
		double u = phi * bn->n;
		if (win) {
			u = u / bn->n - win->ph0;
			u = (u - floor(u)) * win->per_cycle;
			if (u >= (double)nb)
				continue;
		}
		double fu = floor(u);
		long j = (long)fu % nb;
		if (j < 0)
			j += nb;
		double p = u - fu - 0.5;
		if (bp && bp->rho > 0)
			pair_add(bp, bn, j, k);
		bn->sx[j] += x;
		bn->sxx[j] += x * x;
		bn->sp[j] += p;
		bn->spp[j] += p * p;
		bn->cnt[j]++;
		if (win)
			continue;
		double ph = u / (double)nb;
		unsigned cell = (unsigned)((ph - floor(ph)) * PHASE_OCC) % PHASE_OCC;
		bn->occ[cell / 64] |= (uint64_t)1 << (cell % 64);
	}
}

/* |d|^q_ord, the two-sided top's shape at d from its vertex (exact for
 * the sine's 2). */
static double top_pow(double d, double q_ord)
{
	return q_ord == 2 ? d * d : pow(num_abs(d), q_ord);
}

/* d (bins from the vertex) measured from the edge of a flat of fw bins
 * centred there: 0 on the flat (fw 0: d itself). A cam's dwell at full
 * extension between its two flanks (peak_sharp's flat tops). */
static double flat_off(double d, double fw)
{
	double h = fw / 2;
	return d < -h ? d + h : d > h ? d - h : 0;
}

/* The two-sided fit of order q_ord with its vertex at v (peak_two_sided),
 * flat over fw bins there: q = p, cl, cr. dqs (may be NULL): each point's
 * |d|^q_ord (top_pow of its flat_off), for the caller's residuals. False
 * when the system is singular. */
static bool two_sided_at(const double *x, const double *y, const double *wt, long np,
			 double q_ord, double fw, double v, double q[3], double *dqs)
{
	double A[3][3] = { { 0 } }, b[3] = { 0 };
	for (long k = 0; k < np; k++) {
		double d = flat_off(x[k] - v, fw);
		double dq = top_pow(d, q_ord);
		if (dqs)
			dqs[k] = dq;
		double g[3] = { 1, d < 0 ? -dq : 0, d < 0 ? 0 : -dq };
		for (int i = 0; i < 3; i++) {
			b[i] += wt[k] * g[i] * y[k];
			for (int j = 0; j < 3; j++)
				A[i][j] += wt[k] * g[i] * g[j];
		}
	}
	return num_solve3_sym(A, b, q, NULL);
}

/* A sharp top: y = p - cl |x - v|^q left of v, p - cr |x - v|^q right of
 * it (one curvature per side: a cam advances faster than it retracts; q
 * the order of the top: 2 for a sine, 3 for the cycloidal cam, whose top
 * is flatter), weighted least squares over the points, v by a fine search.
 * fw > 0: flat over fw bins centred at v, the distances taken from its
 * edges (flat_off; both sides must then fall: cl, cr > 0).
 * Returns false if no v gives a solvable fit. k_out: the mean of cl, cr;
 * *top_k, *top_e: the point nearest v and its residual (um; negative:
 * the fit passes above it). The vertices searched: va..vb, on the grid
 * of nsteps steps from the first point to the last (400: VERTEX_STEPS). */
#define VERTEX_STEPS 400
static bool peak_two_sided_in(const double *x, const double *y, const double *wt, long np,
			      double q_ord, double fw, double va, double vb, int nsteps,
			      double *p_out, double *v_out, double *rss_out, double *k_out,
			      long *top_k, double *top_e)
{
	double best = INFINITY;
	double step = (x[np - 1] - x[0]) / nsteps;
	double v0 = x[0];
	if (va > v0)
		v0 += ceil((va - v0) / step) * step;
	/* each point's |d|^q_ord from the fit: pow() once a point and vertex,
	 * not twice (a 1.5 s 4 kHz ringing record: 7 M of its 149 M
	 * instructions) */
	double dqs[NBIN_MAX];
	bool keep = np <= (long)NBIN_MAX;
	for (double v = v0; v <= vb; v += step) {
		double q[3];
		if (!two_sided_at(x, y, wt, np, q_ord, fw, v, q, keep ? dqs : NULL) ||
		    (fw > 0 && !(q[1] > 0 && q[2] > 0)))
			continue;
		double rss = 0, dtop = INFINITY, etop = 0;
		long top = 0;
		for (long k = 0; k < np; k++) {
			double d = x[k] - v;
			double dq = keep ? dqs[k] : top_pow(flat_off(d, fw), q_ord);
			double e = y[k] - (q[0] - (d < 0 ? q[1] : q[2]) * dq);
			rss += wt[k] * e * e;
			if (num_abs(d) < dtop) {
				dtop = num_abs(d);
				top = k;
				etop = e;
			}
		}
		if (rss < best) {
			best = rss;
			*p_out = q[0];
			*v_out = v;
			*k_out = (q[1] + q[2]) / 2;
			*top_k = top;
			*top_e = etop;
		}
	}
	*rss_out = best;
	return isfinite(best);
}

/* peak_two_sided over every vertex between the first and the last point */
static bool peak_two_sided(const double *x, const double *y, const double *wt, long np,
			   double q_ord, double fw, double *p_out, double *v_out, double *rss_out,
			   double *k_out, long *top_k, double *top_e)
{
	return peak_two_sided_in(x, y, wt, np, q_ord, fw, x[0], x[np - 1], VERTEX_STEPS, p_out, v_out,
				 rss_out, k_out, top_k, top_e);
}

/* The standard error of a bin's mean: c samples of spread var, whose
 * strokes' scatter (variance g a sample) is correlated (bp, may be NULL:
 * independent). With x the mean of rho^|k_i - k_l| over the bin's pairs of
 * samples, the pairs add (c - 1) x g / c to the independent g / c, and the
 * samples' spread shows only (1 - x) g. All of the spread is taken as
 * scatter (an upper bound: the sensor's noise is in it too), so the
 * variance of the mean is var (1 + c x / (1 - x)) / c. A block of 30
 * consecutive strokes at rho 0.67 (x 0.13): 2.3 times the independent
 * standard error; 24 strokes spread over 144: 1.1 times. x at most 0.75
 * (a spread that shows a quarter of the scatter or less is mostly noise). */
static double bin_sd(double var, uint32_t c, const struct bin_pairs *bp, long j)
{
	if (!(var > 0))
		return 0;
	double f = 1;
	if (bp && bp->rho > 0 && c > 1) {
		double x = 2 * bp->sum[j] / ((double)c * (double)(c - 1));
		if (x > 0.75)
			x = 0.75;
		f = 1 + (double)c * x / (1 - x);
	}
	return sqrt(var * f / c);
}

/* Each filled bin is a point at the mean phase of its samples (not its
 * centre: with few distinct phases, as when the stroke and sample rates
 * are commensurate, that matters), its value corrected for the curvature
 * over the spread of those phases; its standard error bin_sd() (bp may be
 * NULL). Returns false with fewer than 3 filled bins. */
static bool shape_points(struct shape_pts *P, const struct bins *bn, const struct bin_pairs *bp)
{
	double y[NBIN_MAX], vp[NBIN_MAX], ssd[NBIN_MAX];
	unsigned nsd = 0;
	double *X = P->X, *sd = P->sd;
	long n = (long)bn->n;
	long filled = 0;
	P->n = n;
	P->indep = false;
	for (long j = 0; j < n; j++) {
		uint32_t c = bn->cnt[j];
		P->wt[j] = c ? (double)c : 0.5;
		if (!c)
			continue;
		filled++;
		double m = bn->sx[j] / c, pm = bn->sp[j] / c;
		double var = c > 1 ? (bn->sxx[j] - bn->sx[j] * m) / (c - 1) : 0;
		sd[j] = bin_sd(var, c, bp, j);
		if (c > 2)
			ssd[nsd++] = var > 0 ? sqrt(var) : 0;
		X[j] = (double)j + pm;
		y[j] = m;
		vp[j] = bn->spp[j] / c - pm * pm;
		if (vp[j] < 0)
			vp[j] = 0;
	}
	if (filled < 3)
		return false;
	P->sample_sd = 0;
	if (nsd) {
		qsort(ssd, nsd, sizeof ssd[0], num_cmp_double);
		/* the quarter of the bins with the least spread: the flanks
		 * add the slope over a bin's width of phase to it */
		P->sample_sd = ssd[nsd / 4];
	}
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
	for (long j = 0; j < n; j++) {
		long l = (j - 1 + n) % n, r = (j + 1) % n;
		double y0, y1, y2;
		num_quad3(X[l] - (l > j ? n : 0) - X[j], y[l], 0, y[j],
			  X[r] + (r < j ? n : 0) - X[j], y[r], &y0, &y1, &y2);
		P->yc[j] = y[j] - y2 * vp[j];
	}
	return true;
}

/* The shape's bins of one or two samples (shape_build; a fine fold of
 * the top pools its bins' own spreads instead, ring.c fine_fold): such a
 * bin has no spread of its own to tell (one sample: none, its standard
 * error 0; two: one degree of freedom), and takes the fold's sample
 * spread (P->sample_sd) if that is larger. Its 0 made the top's noise 0
 * where one sample 17 um high stood on the top (a stroke of 20.004
 * samples fills the fine fold's bins 1 to 45 each): the sharp window
 * shrank to 1 % of the travel and the peak's noise term to 0,
 * blind_hunt.py noisy 4000 11531's twin without its exposure (12.6 um of
 * noise) +3.05 um against U 1.56 (tests/test_blind_captures.sh,
 * noisy_4khz_one_sample_top_bin). Empty bins take their neighbours'. */
static void sparse_bins_sd(struct shape_pts *P, const struct bins *bn, const struct bin_pairs *bp)
{
	long n = P->n;
	double v = P->sample_sd * P->sample_sd;
	bool raised = false;
	for (long j = 0; j < n; j++) {
		uint32_t c = bn->cnt[j];
		double s = c && c < 3 ? bin_sd(v, c, bp, j) : 0;
		if (s > P->sd[j]) {
			P->sd[j] = s;
			raised = true;
		}
	}
	for (long j = 0; raised && j < n; j++) {
		if (bn->cnt[j])
			continue;
		long l = j, r = j;
		do { l = (l - 1 + n) % n; } while (!bn->cnt[l]);
		do { r = (r + 1) % n; } while (!bn->cnt[r]);
		P->sd[j] = P->sd[l] > P->sd[r] ? P->sd[l] : P->sd[r];
	}
}

/* The quadratic of each bin through its neighbours; the lowest bin; the
 * top chosen on a 3-bin average, so that one noisy bin does not decide. */
static void shape_quads(struct shape *sh, struct shape_pts *P)
{
	long n = P->n;
	const double *X = P->X, *yc = P->yc;
	P->tmin = yc[0];
	P->jmin = 0;
	for (long j = 0; j < n; j++) {
		long l = (j - 1 + n) % n, r = (j + 1) % n;
		/* positions relative to this bin's centre */
		double a = X[l] - (l > j ? n : 0) - (double)j;
		double b = X[j] - (double)j;
		double c = X[r] + (r < j ? n : 0) - (double)j;
		num_quad3(a, yc[l], b, yc[j], c, yc[r], &sh->c0[j], &sh->c1[j], &sh->c2[j]);
		if (yc[j] < P->tmin) {
			P->tmin = yc[j];
			P->jmin = j;
		}
	}
	P->jmax = 0;
	for (long j = 0; j < n; j++) {
		P->ys[j] = (yc[(j - 1 + n) % n] + yc[j] + yc[(j + 1) % n]) / 3;
		if (P->ys[j] > P->ys[P->jmax])
			P->jmax = j;
	}
}

/* The bins within delta of the top, [*lo, *hi] around jmax (at most a
 * quarter period each way). */
static void top_reach(const struct shape_pts *P, double delta, long *lo, long *hi)
{
	long n = P->n, jm = P->jmax;
	*lo = *hi = 0;
	while (*lo > -n / 4 && P->ys[(jm + *lo - 1 + n) % n] >= P->ys[jm] - delta)
		(*lo)--;
	while (*hi < n / 4 && P->ys[(jm + *hi + 1) % n] >= P->ys[jm] - delta)
		(*hi)++;
}

/* The top window (shape_top's, before the sharp fit widens it): the bins
 * within three times the top bin's noise (sqrt 2: two bins' difference)
 * and 0.05 % of the stroke of the top, at least jmax - 1 .. jmax + 1.
 * Both neighbours of the top bin, not any three bins: widened only when
 * under three, a window of jmax .. jmax + 2 left the top bin at its end
 * (blind_hunt.py spikes 1000 20141: its left neighbour's 3-bin average
 * 0.04 um beyond the reach, two bins on the right within it; the
 * spike-free twin's 0.03 um inside), and the dwell's quadratic through
 * it bent convex, read one bin down the flank (peak_dwell): -0.79 um
 * from the twin, which took the neighbour in. */
static void top_window(const struct shape_pts *P, long *lo, long *hi)
{
	long jmax = P->jmax;
	double delta = 3.0 * sqrt(2.0) * P->sd[jmax] + 0.0005 * (P->ys[jmax] - P->tmin);
	top_reach(P, delta, lo, hi);
	*lo = *lo < -1 ? *lo : -1;
	*hi = *hi > 1 ? *hi : 1;
}

double shape_top_span(const struct shape_pts *P)
{
	long lo, hi;
	top_window(P, &lo, &hi);
	return (double)(hi - lo + 1) / (double)P->n;
}

/* The depth below the top that bounds the sharp window (peak_sharp) and
 * the points near a fit's vertex (over_top, dwell_over): 1 % of the
 * stroke, at least 4 sqrt 2 of the top bin's noise. */
static double sharp_lev(const struct shape_pts *P)
{
	double lev = 0.01 * (P->ys[P->jmax] - P->tmin);
	return lev < 4.0 * sqrt(2.0) * P->sd[P->jmax] ? 4.0 * sqrt(2.0) * P->sd[P->jmax] : lev;
}

/* peak_dwell's quadratic a + b x + c x^2 (ok: solved), for dwell_over;
 * gap: on coarse bins with no vertex read, its reading at the top bin
 * less the one at the points' centroid where that is higher (read
 * there; shape_top counts it in U), 0 otherwise. */
struct dwell_quad {
	bool ok, plateau;
	double a, b, c, gap;
};

/* One point (at x, weight w, level y) into the sums of a weighted
 * quadratic's normal equations: S[e] the weights times x^e (e 0..4), Y[e]
 * the levels times them (e 0..2). */
static void quad_add(double x, double w, double y, double S[5], double Y[3])
{
	double p = 1;
	for (int e = 0; e < 5; e++) {
		S[e] += w * p;
		if (e < 3)
			Y[e] += w * p * y;
		p *= x;
	}
}

/* The quadratic q[0] + q[1] x + q[2] x^2 from quad_add's sums; inv the
 * inverse of the normal matrix. False when it is singular. */
static bool quad_solve(const double S[5], const double Y[3], double q[3], double inv[3][3])
{
	double A[3][3] = { { S[0], S[1], S[2] }, { S[1], S[2], S[3] }, { S[2], S[3], S[4] } };
	return num_solve3_sym(A, Y, q, inv);
}

/* A rounded or flat top (dwell): the bins near the top fitted with a
 * weighted quadratic; its vertex if the curvature is real (3 sigma) and
 * the vertex inside. Otherwise not the vertex (a plateau's level: the
 * vertex of a fit to noise would over-read) but the fit at the centroid
 * of the points, or on coarse bins (coarse: under TOP_MISS_BINS) at the
 * top bin where the fit stands higher there: a window that reaches
 * further down one side (a convex fit, a plateau's fall) puts its
 * centroid on that side, under the top. blind_hunt.py mixed 1000 23442
 * (jmax - 1 .. jmax + 3, convex) read its centroid 1.08 um under the
 * top bin: -2.61 um against U 5.05, now -2.01 (U 3.05). Where the fit
 * stands lower at the top bin, the top bin is the noise's pick on a
 * plateau and the centroid its level (physics dwell_1khz_no_clean_doubt:
 * 25 points, the top bin at their end 0.42 um under the centroid's
 * reading; read there, dwell_bias' models spread 3 um at the plateau's
 * end). Fine bins keep the centroid, the reference their rules take
 * (dwell_over, dwell_skew, dwell_slope: a plateau's fall from its
 * crest). The gap between the two readings (dq->gap) is the model's:
 * shape_top counts it in U. */
static void peak_dwell(const struct shape_pts *P, long lo, long hi, bool coarse, double *peak,
		       double *vpos, struct top_curv *tc, struct dwell_quad *dq)
{
	dq->ok = false;
	dq->plateau = false;
	double S[5] = { 0 }, Y[3] = { 0 };
	double xlo = 0, xhi = 0;
	long j;
	for (long k = lo; k <= hi; k++) {
		double xk = pt_x(P, k, &j);
		if (k == lo)
			xlo = xk;
		if (k == hi)
			xhi = xk;
		quad_add(xk, P->wt[j], P->yc[j], S, Y);
	}
	*peak = Y[0] / S[0];
	*vpos = S[1] / S[0]; /* weighted centroid */
	double q[3], inv[3][3];
	if (!quad_solve(S, Y, q, inv))
		return;
	double a = q[0], b = q[1], c = q[2];
	*dq = (struct dwell_quad){ true, true, a, b, c, 0 };
	*peak = a + b * *vpos + c * *vpos * *vpos;
	/* Is the curvature real or noise? Residual variance per unit weight
	 * times the variance factor of c. */
	double rss = 0;
	long m_pts = hi - lo + 1;
	for (long k = lo; k <= hi; k++) {
		double xk = pt_x(P, k, &j);
		double e = P->yc[j] - (a + b * xk + c * xk * xk);
		rss += P->wt[j] * e * e;
	}
	double var_c = m_pts > 3 ? rss / (double)(m_pts - 3) * inv[2][2] : 0;
	bool curved = c < 0 && c * c > 9 * var_c; /* 3 sigma */
	double v = c < 0 ? -b / (2 * c) : 0;
	if (curved && v >= xlo && v <= xhi) {
		*peak = a + b * v + c * v * v;
		*vpos = v;
		*tc = (struct top_curv){ -c, 2 };
		dq->plateau = false;
	} else if (coarse) {
		double x0 = pt_x(P, 0, &j), p0 = a + b * x0 + c * x0 * x0;
		if (p0 > *peak) {
			dq->gap = p0 - *peak;
			*peak = p0;
			*vpos = x0;
		}
	}
}

/* The weights of the top's orders 2, 3, 4 from their rss (rk; INFINITY:
 * no fit) over np points whose own noise (pts_noise) is s2n a unit of
 * weight (0: unknown, all of the best rss counts as misfit). A parabola
 * (a sine's top) unless another order fits clearly better: lower by more
 * than 9 residual variances s2 (of the best fit), and by 0.6 of the best
 * fit's misfit beyond the points' noise (its rss less dof s2n). The bins
 * are not independent (few distinct phases when the rates are near
 * commensurate): chosen on rss alone, the order moved a sine's peak by
 * up to 3 um at 1 kHz (rss ratio 1.47); a cycloidal cam's top (order 3)
 * cuts the rss by 1.8..4.5. That share was of the whole best rss until
 * session 40: about 0.6 (np - 3) s2, 19 s2 on a 4 kHz top of 35 points,
 * where the points' noise alone made the rss, so the noisier the fold
 * the more an order's misfit had to be to beat the parabola (its gap
 * does not grow with the noise): blind_hunt.py drift 4000 15323, a
 * poly345 top (order 3, weight 1.0 quiet) under 2.5 um of noise and
 * 2.6 um of stroke scatter, gave the parabola 0.97 of the weight (order
 * 3's rss lower by 156, 12 s2, the penalty 244; best rss 406 against
 * 32 s2n = 405) and read +1.05 um corrected (+0.55 now; its drift-free
 * twin +0.56 -> +0.37 over 12 redraws, quiet +0.03).
 * Not a hard choice: each order weighs exp(-(rss + penalty) / (2 s2)),
 * the penalty of orders 3 and 4 that margin, so an order near it shares
 * the peak. Chosen outright, a top whose rss ratio sat at the margin
 * flipped its order on a few samples more or less in a bin: one-sided
 * speckle spikes, gated, moved the mean depth +1.04 um against the
 * spike-free capture (tests/test_blind_captures.sh, spikes_1khz_order).
 * Models 3..5 (nm 6, coarse bins: peak_sharp) are the orders again with
 * a flat at the vertex, whose width is one parameter more: it pays the
 * penalty once more, and s2 counts it when such a model fits best. */
#define TOP_MODELS 6
static void order_weights(const double *rk, int nm, long np, double s2n, double *wo)
{
	double best = INFINITY, e[TOP_MODELS], emin = INFINITY;
	int ib = 0;
	for (int i = 0; i < nm; i++)
		if (rk[i] < best) {
			best = rk[i];
			ib = i;
		}
	double dof = (double)(np - 3 - (ib >= 3)), s2 = best / dof;
	double ex = s2n > 0 ? best - dof * s2n : best;
	ex = ex > 0 ? ex : 0;
	double pen = 9 * s2 > 0.6 * ex ? 9 * s2 : 0.6 * ex;
	for (int i = 0; i < nm; i++) {
		e[i] = rk[i] + (double)((i % 3 != 0) + (i >= 3)) * pen;
		emin = e[i] < emin ? e[i] : emin;
	}
	double sum = 0;
	for (int i = 0; i < nm; i++) {
		/* a perfect fit (s2 = 0): the least penalised rss alone; a
		 * weight under 1e-4 of the largest is none (it moved clear
		 * choices by 1e-4 um, the goldens' last digits) */
		double x = s2 > 0 ? (e[i] - emin) / (2 * s2) : e[i] == emin ? 0 : INFINITY;
		wo[i] = x <= 9.21 ? exp(-x) : 0;
		sum += wo[i];
	}
	for (int i = 0; i < nm; i++)
		wo[i] /= sum;
}

#define SHARP_COARSE_BINS 40 /* fewer bins (a short record): the window's width counts in U */
#define TOP_MISS_SIGMAS 3.0  /* the fit above its top point (standard errors), */
#define TOP_MISS_BINS 200    /* on fewer bins (ring.c's RING_MIN_BINS) */
#define EXPOSURE_EXTRAP_BINS 200 /* the exposure's drop extrapolated on as many */
#define EXPOSURE_EXTRAP_SIGMAS 3.0 /* and beyond as many sigma of its noise, */
#define EXPOSURE_EXTRAP_RAMP 1.0   /* in full from as many more */
/* The sharp fit above the top points at its vertex, on fine bins (the
 * coarse ones have peak_sharp's miss; see there): the mean residual r of
 * the points where the best order's fit lies within OVER_REACH of the
 * sharp window's depth (lev) below its peak, against its standard error
 * se. Each point is the shape at its mean phase, at or below the top, so
 * a fit above them overshoots a top flatter than its orders: a pad's
 * plateau, flat in the middle and steep at its corners, where the orders
 * 2..4 meet the corners' curves above the plateau (red_hunt.py pad at
 * 4 kHz: 0.46 um above every point of the noiseless fold). Returns -r,
 * the fit's excess, weighed by its significance z = -r / se: nothing up
 * to OVER_FROM, all of it from TOP_MISS_SIGMAS on; 0 when none. *take:
 * how much of the middle of the fit and the points is taken, 0 up to
 * OVER_TAKE_RAMP below TOP_MISS_SIGMAS, 1 from there (as narrow_top's
 * NARROW_TAKE_RAMP): a switch at z 3 moved the depth by half the excess
 * between two captures whose z differ by a noise figure (red_hunt.py pad
 * 4000, --pad-soft 0.0066 and 0.0068 of one draw: z 2.89 kept the fit,
 * z 3.06 took the middle, 0.22 um apart). Over the ramp the excess
 * counted in U (w gap, w = (z - 1) / 2 from z 2) spans both answers: the
 * fit (t gap / 2 <= w gap) and the middle ((1 - t) gap / 2 <= w gap).
 * *bound: the gap's reach, -r and one standard error (0 when that is not
 * above 0; at least w gap), which U counts: a fit 0.16 um above a
 * dwell's plateau (its noiseless fold) showed 0.07 +- 0.08 um on one draw
 * of the noise, z 0.9, so nothing was counted: +0.21 um against U 0.20
 * (blind_hunt.py spikes 4000 10100 and its spike-free twin). */
#define OVER_REACH 0.02
#define OVER_FROM 1.0
#define OVER_TAKE_RAMP 1.0
static double over_top(const double *x, const double *y, const double *wt, const double *sd,
		       long np, double q_ord, double v, double lev, double *take, double *bound)
{
	double q[3], sr = 0, s2 = 0, m = 0;
	*take = 0;
	*bound = 0;
	if (!two_sided_at(x, y, wt, np, q_ord, 0, v, q, NULL))
		return 0;
	for (long k = 0; k < np; k++) {
		double d = x[k] - v;
		double dq = top_pow(d, q_ord);
		double drop = (d < 0 ? q[1] : q[2]) * dq;
		if (drop > OVER_REACH * lev)
			continue;
		sr += y[k] - (q[0] - drop);
		s2 += sd[k] * sd[k];
		m += 1;
	}
	if (!(m > 0))
		return 0;
	double gap = -sr / m, se = sqrt(s2) / m;
	*bound = gap + se > 0 ? gap + se : 0;
	if (!(sr < 0))
		return 0;
	double w = se > 0 ? num_ramp(gap / se, OVER_FROM, TOP_MISS_SIGMAS) : 1;
	if (!(w > 0))
		return 0;
	double t = se > 0 ? (gap / se - TOP_MISS_SIGMAS) / OVER_TAKE_RAMP + 1 : 1;
	*take = t > 0 ? (t < 1 ? t : 1) : 0;
	return w * gap;
}

/* The dwell's quadratic (peak_dwell) above the top points at its peak,
 * on fine bins, as over_top for the sharp fits: the mean residual r of
 * the points lo..hi where the quadratic lies within OVER_REACH of the
 * sharp window's depth (peak_sharp's lev) of its peak at vpos, and r's
 * standard error se. Each point is the shape at its mean phase, at or
 * below the top, so a quadratic above them overshoots a plateau flatter
 * than it (a cam's dwell with flat ends: blind_hunt.py spikes 4000 9909,
 * +0.21 um against U 0.20, +0.13 on average over 20 noise draws with no
 * term for it). Returns the gap's reach -r + se (0 when that is not
 * above 0): a rectangular half-width. */
static double dwell_over(const struct shape_pts *P, long lo, long hi, const struct dwell_quad *dq,
			 double vpos)
{
	if (!dq->ok)
		return 0;
	double lev = sharp_lev(P);
	double ref = dq->a + dq->b * vpos + dq->c * vpos * vpos;
	double sr = 0, s2 = 0, m = 0;
	long j;
	for (long k = lo; k <= hi; k++) {
		double xk = pt_x(P, k, &j);
		double fit = dq->a + dq->b * xk + dq->c * xk * xk;
		if (num_abs(ref - fit) > OVER_REACH * lev)
			continue;
		sr += P->yc[j] - fit;
		s2 += P->sd[j] * P->sd[j];
		m += 1;
	}
	if (!(m > 0))
		return 0;
	double r = sr / m, se = sqrt(s2) / m;
	return se - r > 0 ? se - r : 0;
}

/* The points lo..hi (bins from the top point, P's order) as arrays: their
 * places (pt_x), levels, weights and standard errors, for the fits that
 * take the top's window whole (peak_sharp's orders, dwell_skew's cubic).
 * Returns how many. */
static long pts_window(const struct shape_pts *P, long lo, long hi, double *x, double *y,
		       double *w, double *s)
{
	long np = 0, j;
	for (long k = lo; k <= hi; k++, np++) {
		x[np] = pt_x(P, k, &j);
		y[np] = P->yc[j];
		w[np] = P->wt[j];
		s[np] = P->sd[j];
	}
	return np;
}

/* The points lo..hi's own noise a unit of weight: the mean of their
 * standard errors' squares times their weights (a bin's sample
 * variance, its strokes' correlated scatter included: bin_sd) */
static double pts_noise(const struct shape_pts *P, long lo, long hi)
{
	double s = 0;
	long j;
	for (long k = lo; k <= hi; k++) {
		pt_x(P, k, &j);
		s += P->sd[j] * P->sd[j] * P->wt[j];
	}
	return hi >= lo ? s / (double)(hi - lo + 1) : 0;
}

/* The dwell's quadratic (peak_dwell) against a cubic through the same
 * points lo..hi, on fine bins: a top that is not symmetric over the
 * window (the pad's creep: the tips rise fast to a crest and sink slowly
 * after it, so the window reaches several times further down the slow
 * side) is no quadratic, and the quadratic's level at vpos (its vertex,
 * or the window's centroid where its curvature is not significant) lies
 * under the crest. The cubic follows the skew; its highest value over
 * the points' span against the quadratic's at vpos is the gap, and *se
 * its standard error (both fits' weights on the points, each point's
 * own standard error). blind_hunt.py mixed 4000 10204 (poly4567, contact
 * at 92 % of the travel, 376 bins, a window of 7 bins before the crest
 * and 12 after): the quadratic read -0.57 um against U 0.34; over 16
 * noise draws of that capture -0.22 um on average (sd 0.15), the cubic
 * +0.00 (sd 0.13). Returns the gap (0 when there is no fit). */
#define SKEW_MIN_PTS 7
static double dwell_skew(const struct shape_pts *P, long lo, long hi, const struct dwell_quad *dq,
			 double vpos, double *se)
{
	*se = 0;
	if (!dq->ok || hi - lo + 1 < SKEW_MIN_PTS)
		return 0;
	double xs[NBIN_MAX], ws[NBIN_MAX], ys[NBIN_MAX], ss[NBIN_MAX];
	long np = pts_window(P, lo, hi, xs, ys, ws, ss);
	if (np < SKEW_MIN_PTS)
		return 0;
	/* x scaled to the window's half-width: the normal matrix's powers
	 * up to x^6 stay near 1 */
	double x0 = (xs[0] + xs[np - 1]) / 2, h = (xs[np - 1] - xs[0]) / 2;
	if (!(h > 0))
		return 0;
	double A4[16] = { 0 }, b4[4] = { 0 }, q4[4], i4[16];
	double A3[9] = { 0 }, b3[3] = { 0 }, q3[3], i3[9];
	for (long k = 0; k < np; k++) {
		double u = (xs[k] - x0) / h, g[4] = { 1, u, u * u, u * u * u };
		for (int a = 0; a < 4; a++) {
			b4[a] += ws[k] * g[a] * ys[k];
			if (a < 3)
				b3[a] += ws[k] * g[a] * ys[k];
			for (int b = 0; b < 4; b++) {
				A4[a * 4 + b] += ws[k] * g[a] * g[b];
				if (a < 3 && b < 3)
					A3[a * 3 + b] += ws[k] * g[a] * g[b];
			}
		}
	}
	if (!num_solve_sym(4, A4, b4, q4, i4) || !num_solve_sym(3, A3, b3, q3, i3))
		return 0;
	/* the cubic's highest value over [-1, 1]: the ends, and where its
	 * slope q1 + 2 q2 u + 3 q3 u^2 is 0 */
	double cand[4] = { -1, 1, 2, 2 }, best = -INFINITY, ub = 0;
	double qa = 3 * q4[3], qb = 2 * q4[2], qc = q4[1];
	if (num_abs(qa) > 1e-12 * (num_abs(qb) + num_abs(qc))) {
		double disc = qb * qb - 4 * qa * qc;
		if (disc >= 0) {
			cand[2] = (-qb + sqrt(disc)) / (2 * qa);
			cand[3] = (-qb - sqrt(disc)) / (2 * qa);
		}
	} else if (num_abs(qb) > 0) {
		cand[2] = -qc / qb;
	}
	for (int c = 0; c < 4; c++) {
		double u = cand[c];
		if (!(u >= -1 && u <= 1))
			continue;
		double v = q4[0] + u * (q4[1] + u * (q4[2] + u * q4[3]));
		if (v > best) {
			best = v;
			ub = u;
		}
	}
	double uq = (vpos - x0) / h;
	double ref = dq->a + dq->b * vpos + dq->c * vpos * vpos;
	/* each point's weight in the two values: w_k g(u)' A^-1 g(x_k) */
	double g4[4] = { 1, ub, ub * ub, ub * ub * ub }, g3[3] = { 1, uq, uq * uq };
	double z4[4] = { 0 }, z3[3] = { 0 }, v = 0;
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++) {
			z4[a] += i4[a * 4 + b] * g4[b];
			if (a < 3 && b < 3)
				z3[a] += i3[a * 3 + b] * g3[b];
		}
	for (long k = 0; k < np; k++) {
		double u = (xs[k] - x0) / h, g[4] = { 1, u, u * u, u * u * u };
		double c4 = 0, c3 = 0;
		for (int a = 0; a < 4; a++) {
			c4 += z4[a] * g[a];
			if (a < 3)
				c3 += z3[a] * g[a];
		}
		double d = ws[k] * (c4 - c3);
		v += d * d * ss[k] * ss[k];
	}
	*se = sqrt(v);
	return best - ref;
}

/* The plateau's slope (peak_dwell read the level at the window's
 * centroid, its curvature not significant): a line through the points
 * lo..hi, weighted alike. The pad's creep sinks the dwelling tips, so a
 * dwell's plateau falls after the crest where the tips arrived, at its
 * rising side (the window's first points); its level at the centroid
 * lies under that crest by the line's fall from there. Returns the
 * line's value at the first point over the one at the centroid when the
 * line falls (0 otherwise, or when there is no fit), *se its standard
 * error (the slope's, from each point's own standard error). */
static double dwell_slope(const struct shape_pts *P, long lo, long hi, const struct dwell_quad *dq,
			  double *se)
{
	*se = 0;
	if (!dq->ok || !dq->plateau || hi - lo + 1 < SKEW_MIN_PTS)
		return 0;
	double xs[NBIN_MAX], ws[NBIN_MAX], ys[NBIN_MAX], ss[NBIN_MAX];
	long np = pts_window(P, lo, hi, xs, ys, ws, ss);
	double sw = 0, sx = 0;
	for (long k = 0; k < np; k++) {
		sw += ws[k];
		sx += ws[k] * xs[k];
	}
	double xm = sx / sw, sxx = 0, sxy = 0;
	for (long k = 0; k < np; k++) {
		sxx += ws[k] * (xs[k] - xm) * (xs[k] - xm);
		sxy += ws[k] * (xs[k] - xm) * ys[k];
	}
	if (!(sxx > 0))
		return 0;
	double b = sxy / sxx, v = 0, d = xm - xs[0];
	if (!(b < 0))
		return 0;
	for (long k = 0; k < np; k++) {
		double c = ws[k] * (xs[k] - xm) / sxx * d;
		v += c * c * ss[k] * ss[k];
	}
	*se = sqrt(v);
	return -b * d;
}

/* A top whose fit moves with the window's width (narrow_top): the
 * model error um (signed: the narrower fit's side; weighed, see there),
 * the noise of the narrower fit's change that sets it (u_um, scaled as
 * um), take: how much of the middle of the fit and its extrapolation is
 * taken (0 up to NARROW_TAKE_RAMP below TOP_MISS_SIGMAS, 1 from there). */
struct narrow_top {
	double um, u_um, take;
};

/* The weights c (np of them) that make the two-sided fit's peak at vertex v
 * (flat over fw bins) out of the points: p = sum c[k] y[k] (two_sided_at).
 * False when the system is singular. */
static bool two_sided_peak_weights(const double *x, const double *wt, long np, double q_ord,
				   double fw, double v, double *c)
{
	double A[3][3] = { { 0 } }, b[3] = { 0 }, q[3], inv[3][3];
	for (long k = 0; k < np; k++) {
		double d = flat_off(x[k] - v, fw);
		double dq = top_pow(d, q_ord);
		double g[3] = { 1, d < 0 ? -dq : 0, d < 0 ? 0 : -dq };
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++)
				A[i][j] += wt[k] * g[i] * g[j];
	}
	if (!num_solve3_sym(A, b, q, inv))
		return false;
	for (long k = 0; k < np; k++) {
		double d = flat_off(x[k] - v, fw);
		double dq = top_pow(d, q_ord);
		c[k] = wt[k] * (inv[0][0] - (d < 0 ? inv[0][1] : inv[0][2]) * dq);
	}
	return true;
}

/* The window's width on finer bins (SHARP_COARSE_BINS .. TOP_MISS_BINS):
 * the peak of the chosen order fitted one bin narrower each side, against
 * the whole window's (pkw at vw), and that change's standard error: the
 * two fits' weights on the points (the vertices held), each point's
 * variance one sample's over its count, one sample's the least of the
 * window's points (ps their standard errors, pw their counts: the flanks'
 * bins add the slope over their width of phase to their spread; the
 * points' own standard errors made it 4x what 40 noise draws gave on
 * blind_hunt.py mixed 1000 9902). A top whose curvature changes across the window (the pad's
 * creep: the tips pressed on past the crest, the falling side sharp near
 * it and flatter further down) is no single order; the fit reads it low
 * by about twice what the narrower one gains (the change falls as the
 * window's square: h^2 / (h^2 - (h - 1)^2) = 1.8 for +-3 bins).
 * Returns the change (um; 0 when no fit), *se its standard error. */
#define NARROW_V_BINS 0.5
static double narrow_shift(const double *px, const double *py, const double *pw, const double *ps,
			   long np, double q_ord, double fw, double pkw, double vw, double *se)
{
	double pn, vn, rn, kn, tn, cw[NBIN_MAX], cn[NBIN_MAX];
	long tnj;
	*se = 0;
	/* its vertex within NARROW_V_BINS of the whole window's (the
	 * search over the whole window cost 2 % of `rig analyze`) */
	if (np < 7 || !peak_two_sided_in(px + 1, py + 1, pw + 1, np - 2, q_ord, fw,
					 vw - NARROW_V_BINS, vw + NARROW_V_BINS, VERTEX_STEPS, &pn,
					 &vn, &rn, &kn, &tnj, &tn))
		return 0;
	if (!two_sided_peak_weights(px, pw, np, q_ord, fw, vw, cw) ||
	    !two_sided_peak_weights(px + 1, pw + 1, np - 2, q_ord, fw, vn, cn + 1))
		return 0;
	cn[0] = cn[np - 1] = 0;
	double s2 = INFINITY, v = 0;
	for (long k = 0; k < np; k++)
		s2 = ps[k] * ps[k] * pw[k] < s2 ? ps[k] * ps[k] * pw[k] : s2;
	for (long k = 0; k < np; k++)
		v += (cn[k] - cw[k]) * (cn[k] - cw[k]) * s2 / pw[k];
	*se = sqrt(v);
	return pn - pkw;
}

/* narrow_shift's change d as a model error of the whole window's peak
 * (on SHARP_COARSE_BINS .. TOP_MISS_BINS): the bias falls as the
 * window's square, so the whole window's is f d, f = h^2 / (h^2 - (h -
 * 1)^2) for its half-width h (1.8 for +-3 bins). Weighed by d's
 * significance z = |d| / se as over_top's: nothing up to OVER_FROM, all
 * of it from TOP_MISS_SIGMAS on. The middle of the fit and its
 * extrapolation is taken from NARROW_TAKE_RAMP sigma below that, in full
 * from TOP_MISS_SIGMAS (nt->take): a switch at one z flipped on a noise
 * figure (blind_hunt.py spikes 1000 9802: the spike-free twin at z 2.998
 * kept its fit, the spiked record at 3.057 moved 0.68 um, the two 0.82 um
 * apart; now 0.05). The U holds the whole f d either way.
 * d is the change of the models' weighed peak (wo, nm of them: each
 * model's narrower fit against its own whole one, q_ord[i % 3], fw[i],
 * pk[i], vk[i]), se the weighed mean of theirs (the models' changes come
 * from the same points). Read off the heaviest model alone it flipped
 * with the order: blind_hunt.py spikes 1000 20072's spiked record
 * (order 2 heaviest) read d -1.20 um at z 9.8, its spike-free twin
 * (order 3, the two near equal weights, their points within 0.02 um)
 * +0.80 at z 6.8: both taken, 1.01 um apart. */
#define NARROW_TAKE_RAMP 1.0
static void narrow_top(const double *px, const double *py, const double *pw, const double *ps,
		       long np, const double *q_ord, const double *fw, const double *pk,
		       const double *vk, const double *wo, int nm, struct narrow_top *nt)
{
	double d = 0, se = 0, ws = 0;
	for (int i = 0; i < nm; i++) {
		double sei, di;
		if (!(wo[i] > 0))
			continue;
		di = narrow_shift(px, py, pw, ps, np, q_ord[i % 3], fw[i], pk[i], vk[i], &sei);
		if (!(sei > 0))
			continue;
		d += wo[i] * di;
		se += wo[i] * sei;
		ws += wo[i];
	}
	if (!(ws > 0))
		return;
	d /= ws;
	se /= ws;
	double h = (double)(np - 1) / 2, f = h * h / (h * h - (h - 1) * (h - 1));
	double z = num_abs(d) / se;
	double w = num_ramp(z, OVER_FROM, TOP_MISS_SIGMAS);
	if (!(w > 0))
		return;
	double t = (z - TOP_MISS_SIGMAS) / NARROW_TAKE_RAMP + 1;
	nt->take = t > 0 ? (t < 1 ? t : 1) : 0;
	nt->um = w * f * d;
	nt->u_um = f * se;
}

/* peak_two_sided of order q_ord with a flat of fw bins at the vertex, the
 * vertex searched coarse (FLAT_COARSE steps over the points), then on
 * VERTEX_STEPS' grid within a coarse step of the best: the flat's width
 * is a second search (flat_best), and the whole grid for each width
 * cost 16 times the analysis of a 1 kHz record. */
#define FLAT_COARSE 40
struct top_fit {
	double p, v, rss, k, e;
	long tk;
};
static bool flat_at(const double *x, const double *y, const double *wt, long np, double q_ord,
		    double fw, struct top_fit *f)
{
	double cs = (x[np - 1] - x[0]) / FLAT_COARSE;
	if (!peak_two_sided_in(x, y, wt, np, q_ord, fw, x[0], x[np - 1], FLAT_COARSE, &f->p, &f->v,
			       &f->rss, &f->k, &f->tk, &f->e))
		return false;
	return peak_two_sided_in(x, y, wt, np, q_ord, fw, f->v - cs, f->v + cs, VERTEX_STEPS, &f->p,
				 &f->v, &f->rss, &f->k, &f->tk, &f->e);
}

/* peak_two_sided of order q_ord with a flat at the vertex: its width *fw
 * the best (least rss) on a grid of FLAT_STEP_BINS from one step to the
 * points' span less FLAT_EDGE_BINS (the flanks keep points of their
 * own), then FLAT_FINE_BINS within a step of the best. False when no
 * width gives a fit. */
#define FLAT_STEP_BINS 0.2
#define FLAT_FINE_BINS 0.05
#define FLAT_EDGE_BINS 2.0
static bool flat_best(const double *x, const double *y, const double *wt, long np, double q_ord,
		      double *fw, double *p_out, double *v_out, double *rss_out, double *k_out,
		      long *top_k, double *top_e)
{
	double span = x[np - 1] - x[0], w0 = 0;
	struct top_fit b = { 0, 0, INFINITY, 0, 0, 0 }, f;
	for (int s = 1; s * FLAT_STEP_BINS <= span - FLAT_EDGE_BINS; s++)
		if (flat_at(x, y, wt, np, q_ord, s * FLAT_STEP_BINS, &f) && f.rss < b.rss) {
			b = f;
			w0 = s * FLAT_STEP_BINS;
		}
	if (!isfinite(b.rss))
		return false;
	*fw = w0;
	for (double w = w0 - FLAT_STEP_BINS + FLAT_FINE_BINS; w < w0 + FLAT_STEP_BINS; w += FLAT_FINE_BINS)
		if (w > 0 && w != w0 && w <= span - FLAT_EDGE_BINS &&
		    flat_at(x, y, wt, np, q_ord, w, &f) && f.rss < b.rss) {
			b = f;
			*fw = w;
		}
	*p_out = b.p;
	*v_out = b.v;
	*rss_out = b.rss;
	*k_out = b.k;
	*top_k = b.tk;
	*top_e = b.e;
	return true;
}

/* The dwell's quadratic over a flat top, on coarse bins (under
 * TOP_MISS_BINS): peak_dwell's window (lo..hi) reaches down 3 sqrt 2 of
 * the top bin's noise, so under noise it takes in a dwell's shoulders,
 * and a quadratic through a plateau whose flanks fall steeply (a cam's
 * dwell: poly4567 falls as the 4th power of the distance from it) stands
 * above the plateau, by more the wider the window. blind_hunt.py mixed
 * 1000 19985 (poly4567, a dwell of 0.049 cycle, 78 bins): its quiet
 * twin's window of 7 points read +0.03 um, 9 points +0.18, 11 +0.64, 13
 * +1.92; under the record's noise the window holds 8..9 points and its
 * 11 redraws read +0.24 +- 0.07 um (se), now +0.10. The noise at the
 * window's middle cannot show it (the points there are the plateau's),
 * so it is read off a model of the top: the six top models of the sharp
 * fit (orders 2, 3, 4, each with a flat at the vertex too:
 * peak_two_sided, flat_best) over the sharp window (down sharp_lev, one
 * point more each side, where the flanks stand well out of the noise),
 * weighed by their fit (below). Each model's levels at the window's
 * points, fitted with the same quadratic and read at vpos, over the
 * model's peak: that model's overshoot (a quiet twin's 9..13 points:
 * +0.15, +0.63, +1.88 um by the 4th order with a flat, the quadratic
 * less it within 0.03 of the plateau). Returns the weighed overshoot
 * (um; 0 when there is no fit), *spread the furthest of the models'
 * overshoots from it whose rss is within twice the best (as
 * peak_sharp's model term). */
static double dwell_bias(const struct shape_pts *P, long lo, long hi, double vpos, double *spread)
{
	static const double orders[] = { 2, 3, 4 };
	long wl, wh;
	*spread = 0;
	top_reach(P, sharp_lev(P), &wl, &wh);
	wl = wl < -2 ? wl - 1 : -3;
	wh = wh > 2 ? wh + 1 : 3;
	wl = wl < lo ? wl : lo;
	wh = wh > hi ? wh : hi;
	double px[NBIN_MAX], py[NBIN_MAX], pw[NBIN_MAX], ps[NBIN_MAX];
	long np = pts_window(P, wl, wh, px, py, pw, ps);
	double rk[TOP_MODELS], vk[TOP_MODELS], fw[TOP_MODELS] = { 0 }, ob[TOP_MODELS] = { 0 };
	double best = INFINITY;
	for (int i = 0; i < TOP_MODELS; i++) {
		double pk, kk, te, q[3];
		long tj;
		if (!(i < 3 ? peak_two_sided(px, py, pw, np, orders[i], 0, &pk, &vk[i], &rk[i], &kk,
					     &tj, &te)
			    : flat_best(px, py, pw, np, orders[i - 3], &fw[i], &pk, &vk[i], &rk[i], &kk,
					&tj, &te)) ||
		    !two_sided_at(px, py, pw, np, orders[i % 3], fw[i], vk[i], q, NULL) ||
		    !(q[1] >= 0 && q[2] >= 0)) {
			rk[i] = INFINITY;
			continue;
		}
		/* the model's levels at the dwell window's points (lo..hi:
		 * px[lo - wl] on), fitted as peak_dwell fits the points */
		double S[5] = { 0 }, Y[3] = { 0 }, c[3], inv[3][3];
		for (long k = lo - wl; k <= hi - wl; k++) {
			double d = flat_off(px[k] - vk[i], fw[i]);
			quad_add(px[k], pw[k], q[0] - (d < 0 ? q[1] : q[2]) * top_pow(d, orders[i % 3]),
				 S, Y);
		}
		if (!quad_solve(S, Y, c, inv)) {
			rk[i] = INFINITY;
			continue;
		}
		ob[i] = c[0] + c[1] * vpos + c[2] * vpos * vpos - q[0];
		best = rk[i] < best ? rk[i] : best;
	}
	if (!isfinite(best))
		return 0;
	/* weighed as evidence for the shape (Akaike's: exp(-rss / (2 s2)),
	 * the flat's width one parameter more), not with order_weights'
	 * prior for a sine's parabola: that gave 19985's parabola with a
	 * flat (rss 159) 0.66 of the weight over the 4th order's (114) */
	double s2 = best / (double)(np > 5 ? np - 5 : 1), b = 0, sw = 0;
	for (int i = 0; i < TOP_MODELS; i++) {
		double x = s2 > 0 ? (rk[i] - best) / (2 * s2) + (i >= 3) : rk[i] == best ? 0 : INFINITY;
		double w = x <= 9.21 ? exp(-x) : 0;
		b += w * ob[i];
		sw += w;
	}
	b /= sw;
	for (int i = 0; i < TOP_MODELS; i++)
		if (rk[i] <= 2 * best && num_abs(ob[i] - b) > *spread)
			*spread = num_abs(ob[i] - b);
	return b;
}

/* The sharp fit's misfit over its window, on fine bins (TOP_MISS_BINS or
 * more): its residual variance per sample (rss / (np - 3), the points
 * weighed by their counts) beyond the points' own (the mean of their
 * standard errors squared times their counts) is what the order does not
 * follow of the top; a point's share of it (that excess over its mean
 * count) is a standard uncertainty of the peak the fit reads off the
 * same points. Weighed by the excess's significance z against its own
 * noise (the points' variance times sqrt(2 / (np - 3))) as the strokes'
 * misfit at their tops (result.c TOP_MISFIT_FROM, _FULL): nothing up to
 * z 1, all of it from z 3. A soft pad's top (the tips pressed on past
 * the crest: a sharp rise, a nearly straight fall) is no single order:
 * blind_hunt.py spikes 4000 10802, the noiseless fold's order 2 fit
 * 0.78 um under its top points (each point's misfit 0.69 um); under the
 * record's noise the fit reads the same, -0.72 um against U 0.63 (its
 * spike-free twin -0.84 against 0.86). Returns 0 when none. */
#define SHARP_MISFIT_FROM 1.0
#define SHARP_MISFIT_FULL 3.0
static double sharp_misfit(const double *pw, const double *ps, long np, double rss)
{
	if (np < 7 || !isfinite(rss))
		return 0;
	double s2 = 0, inv = 0, dof = (double)(np - 3);
	for (long k = 0; k < np; k++) {
		s2 += ps[k] * ps[k] * pw[k];
		inv += 1 / pw[k];
	}
	s2 /= (double)np;
	inv /= (double)np;
	double ex = rss / dof - s2, sd = s2 * sqrt(2 / dof);
	double w = sd > 0 ? num_ramp(ex / sd, SHARP_MISFIT_FROM, SHARP_MISFIT_FULL) : ex > 0 ? 1 : 0;
	if (!(w > 0))
		return 0;
	return sqrt(w * ex * inv);
}

/* top_pow for the tilted fits' orders 2, 3, 4 by products (pow() was a
 * quarter of the analysis of a 4 kHz record where they are fitted) */
static double tilt_pow(double d, double q_ord)
{
	double d2 = d * d;
	return q_ord == 2 ? d2 : q_ord == 3 ? d2 * num_abs(d) : q_ord == 4 ? d2 * d2 : top_pow(d, q_ord);
}

/* The pad's creep over a sharp top: beyond the contact level the pad
 * takes a growing share of the tips' travel, a ramp across the top, so
 * the shape there is the cam's top of order q_ord plus a line: y = a + b d
 * - cl |d|^q_ord (d < 0), a + b d - cr |d|^q_ord (d >= 0), d = x - v (b 0:
 * peak_two_sided's model). Its highest value lies off v, up the side the
 * line climbs, where that side's slope vanishes. The tilted fit at v: c =
 * a, b, cl, cr, *rss, *p its highest value, *dp where (from v); inv the
 * inverse of its normal matrix (4 x 4). False when the system is
 * singular, or the highest value is not a top within the points (the
 * side the line climbs does not fall). */
static bool tilt_at(const double *x, const double *y, const double *wt, long np, double q_ord,
		    double v, double c[4], double inv[16], double *rss, double *p, double *dp)
{
	double A[16] = { 0 }, b[4] = { 0 };
	for (long k = 0; k < np; k++) {
		double d = x[k] - v, dq = tilt_pow(d, q_ord);
		double g[4] = { 1, d, d < 0 ? -dq : 0, d < 0 ? 0 : -dq };
		for (int i = 0; i < 4; i++) {
			b[i] += wt[k] * g[i] * y[k];
			for (int j = 0; j < 4; j++)
				A[i * 4 + j] += wt[k] * g[i] * g[j];
		}
	}
	if (!num_solve_sym(4, A, b, c, inv))
		return false;
	double cs = c[1] < 0 ? c[2] : c[3], d = 0;
	if (c[1] != 0) {
		if (!(cs > 0))
			return false;
		d = pow(num_abs(c[1]) / (q_ord * cs), 1 / (q_ord - 1));
		d = c[1] < 0 ? -d : d;
		if (!(v + d >= x[0] && v + d <= x[np - 1]))
			return false;
	}
	*dp = d;
	*p = c[0] + c[1] * d - cs * tilt_pow(d, q_ord);
	double r = 0;
	for (long k = 0; k < np; k++) {
		double dk = x[k] - v, dq = tilt_pow(dk, q_ord);
		double e = y[k] - (c[0] + c[1] * dk - (dk < 0 ? c[2] : c[3]) * dq);
		r += wt[k] * e * e;
	}
	*rss = r;
	return true;
}

/* tilt_at over the vertices: TILT_COARSE steps over the points, then
 * VERTEX_STEPS' grid within a coarse step of the best (as flat_at). The
 * best's rss and highest value in *f (f->v its vertex, f->dp where the
 * highest value lies from it); c, inv its fit (tilt_at). False when no
 * vertex gives a top. */
#define TILT_COARSE 40
struct tilt_fit {
	double p, v, rss, dp;
	double c[4], inv[16];
};
static bool tilt_best(const double *x, const double *y, const double *wt, long np, double q_ord,
		      struct tilt_fit *f)
{
	double span = x[np - 1] - x[0], cs = span / TILT_COARSE, fs = span / VERTEX_STEPS;
	double c[4], inv[16], rss, p, dp;
	f->rss = INFINITY;
	for (int pass = 0; pass < 2; pass++) {
		double va = pass ? f->v - cs : x[0], vb = pass ? f->v + cs : x[np - 1];
		double step = pass ? fs : cs;
		if (pass && !isfinite(f->rss))
			return false;
		for (double v = va; v <= vb; v += step)
			if (tilt_at(x, y, wt, np, q_ord, v, c, inv, &rss, &p, &dp) && rss < f->rss) {
				f->p = p;
				f->v = v;
				f->rss = rss;
				f->dp = dp;
				memcpy(f->c, c, sizeof c);
				memcpy(f->inv, inv, sizeof inv);
			}
	}
	return isfinite(f->rss);
}

/* The peaks pk of a top's three orders (2, 3, 4) weighed by their rss
 * (order_weights over np points), *heaviest the index of the heaviest
 * (tilt_gap's and corner_gap's fits). */
static double weigh_orders(const double rss[3], const double pk[3], long np, double s2n,
			   int *heaviest)
{
	double wo[3], p = 0;
	int ih = 0;
	order_weights(rss, 3, np, s2n, wo);
	for (int i = 0; i < 3; i++) {
		ih = wo[i] > wo[ih] ? i : ih;
		if (wo[i] > 0)
			p += wo[i] * pk[i];
	}
	*heaviest = ih;
	return p;
}

/* The standard error of the gap between a fit's peak (4 parameters: inv
 * the inverse of its normal matrix, gs the peak's gradient on them, G[k]
 * point k's basis) and the sharp fit's (cp its weights on the points,
 * two_sided_peak_weights): the two fits' weights on the points, each
 * point's variance one sample's the least of the window's over its
 * count (pw counts, ps standard errors; as narrow_shift's). */
static double peak_gap_se(const double *pw, const double *ps, long np, const double inv[16],
			  const double gs[4], const double (*G)[4], const double *cp)
{
	double ig[4] = { 0 };
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			ig[a] += inv[a * 4 + b] * gs[b];
	double s2 = INFINITY, var = 0;
	for (long k = 0; k < np; k++)
		s2 = ps[k] * ps[k] * pw[k] < s2 ? ps[k] * ps[k] * pw[k] : s2;
	for (long k = 0; k < np; k++) {
		const double *g = G[k];
		double ct = pw[k] * (ig[0] * g[0] + ig[1] * g[1] + ig[2] * g[2] + ig[3] * g[3]);
		var += (ct - cp[k]) * (ct - cp[k]) * s2 / pw[k];
	}
	return sqrt(var);
}

/* The tilted fits (tilt_best) of the orders 2, 3, 4 against the sharp
 * fit's weighed peak pk (its heaviest order q_ord at vertex v): the
 * tilted peaks weighed by their fit (order_weights, the line one
 * parameter more), their peak less pk the gap, *se its standard error
 * (the two fits' weights on the points, the heaviest order of each, as
 * narrow_shift's), *z the line's significance (the F of one parameter
 * more, against the best of the sharp fit's orders, rss, as a z). A soft
 * pad (blind_hunt.py mixed 4000 11005, spikes 4000 11003: a sharp rise,
 * a nearly straight fall) is no single order with its vertex at the top:
 * the noiseless folds' order 2 fit 0.74 and 0.50 um under their truth,
 * the tilted order 3 0.10 and 0.02 (its rss 23 and 53 times smaller).
 * Over 12 draws of each physics (offline, on the engine's points) the
 * sharp fit read -1.09 .. -0.58 and -0.56 .. -0.46 um, the tilted one
 * -0.17 .. +0.49 and -0.07 .. +0.10, its F 10 .. 51 and 37 .. 107;
 * without the pad (8 draws each) F 0.1 .. 3.3 and 1.2 .. 12.6, the sharp
 * fit -0.29 .. +0.28 and -0.13 .. -0.04, the tilted one -0.06 .. +0.69
 * and -0.03 .. +0.16. Returns the gap (0 when no tilted fit). */
static double tilt_gap(const double *px, const double *py, const double *pw, const double *ps,
		       long np, double s2n, double pk, double rss, double q_ord, double v, double *se,
		       double *z)
{
	static const double orders[] = { 2, 3, 4 };
	struct tilt_fit tf[3];
	double rt[3], pt3[3];
	int it = 0;
	*se = 0;
	*z = 0;
	if (np < SKEW_MIN_PTS)
		return 0;
	for (int i = 0; i < 3; i++) {
		rt[i] = tilt_best(px, py, pw, np, orders[i], &tf[i]) ? tf[i].rss : INFINITY;
		pt3[i] = tf[i].p;
		it = rt[i] < rt[it] ? i : it;
	}
	if (!isfinite(rt[it]))
		return 0;
	double rtb = rt[it], pt = weigh_orders(rt, pt3, np - 1, s2n, &it);
	double cp[NBIN_MAX];
	if (!two_sided_peak_weights(px, pw, np, q_ord, 0, v, cp))
		return 0;
	const struct tilt_fit *f = &tf[it];
	double dq = tilt_pow(f->dp, orders[it]);
	double gs[4] = { 1, f->dp, f->dp < 0 ? -dq : 0, f->dp < 0 ? 0 : -dq };
	double G[NBIN_MAX][4];
	for (long k = 0; k < np; k++) {
		double d = px[k] - f->v, e = tilt_pow(d, orders[it]);
		G[k][0] = 1;
		G[k][1] = d;
		G[k][2] = d < 0 ? -e : 0;
		G[k][3] = d < 0 ? 0 : -e;
	}
	*se = peak_gap_se(pw, ps, np, f->inv, gs, (const double (*)[4])G, cp);
	/* the line's significance: the F of one parameter more, as a z */
	double F = (rss - rtb) / (rtb / (double)(np - 4));
	*z = F > 0 ? sqrt(F) : 0;
	return pt - pk;
}

/* The corner's basis at d from it (x - v): the cam's flank of order q_ord
 * before it, a line over the w bins after it, the return's flank of the
 * same order beyond (corner_at's model) */
static void corner_basis(double d, double w, double q_ord, double g[4])
{
	g[0] = 1;
	g[1] = d < 0 ? 0 : d;
	g[2] = d < 0 ? -tilt_pow(d, q_ord) : 0;
	g[3] = d > w ? -tilt_pow(d - w, q_ord) : 0;
}

/* A dwell on a creeping pad: the tips rise to the pad's level (the cam's
 * flank of order q_ord), the pad sinks under them while they dwell (a
 * line), then the return's flank: y = a - cl |d|^q (d < 0), a + b d (0
 * <= d <= w), a + b d - cr (d - w)^q (d > w), d = x - v. Its highest
 * value is the corner's level a (the line falls: the pad only sinks) or
 * the line's far end (it climbs). At v and w: c = a, b, cl, cr (both
 * flanks must fall), *rss, *p the highest value, inv (may be NULL) the
 * inverse of the normal matrix; syy the points' sum of w y^2. cl's
 * column is zero wherever b's or cr's is not, so the normal matrix has no
 * (b, cl) or (cl, cr) entries; it is summed by its non-zero ones and
 * the rss taken from it (syy - c . X'y): the search fits it some 900
 * times a top. False when singular or a flank does not fall. */
static bool corner_at(const double *x, const double *y, const double *wt, long np, double q_ord,
		      double v, double w, double syy, double c[4], double *inv, double *rss,
		      double *p)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s11 = 0, s13 = 0, s22 = 0, s33 = 0;
	double b[4] = { 0 }, g[4];
	for (long k = 0; k < np; k++) {
		corner_basis(x[k] - v, w, q_ord, g);
		double wk = wt[k], wy = wk * y[k];
		s0 += wk;
		s1 += wk * g[1];
		s2 += wk * g[2];
		s3 += wk * g[3];
		s11 += wk * g[1] * g[1];
		s13 += wk * g[1] * g[3];
		s22 += wk * g[2] * g[2];
		s33 += wk * g[3] * g[3];
		b[0] += wy;
		b[1] += wy * g[1];
		b[2] += wy * g[2];
		b[3] += wy * g[3];
	}
	double A[16] = { s0, s1, s2, s3, s1, s11, 0, s13, s2, 0, s22, 0, s3, s13, 0, s33 };
	if (!num_solve_sym(4, A, b, c, inv) || !(c[2] > 0 && c[3] > 0))
		return false;
	*rss = syy - (c[0] * b[0] + c[1] * b[1] + c[2] * b[2] + c[3] * b[3]);
	*p = c[1] > 0 ? c[0] + c[1] * w : c[0];
	return true;
}

/* corner_at over the corners v and the lines' lengths w: CORNER_COARSE
 * steps over the points, then twice CORNER_REFINE steps each way within a
 * step of the best so far (down to about a sixth of a bin on a top of 30
 * points). The best in *f; false when none fits. */
#define CORNER_COARSE 12
#define CORNER_REFINE 3
struct corner_fit {
	double p, v, w, rss;
	double c[4], inv[16];
};
static bool corner_best(const double *x, const double *y, const double *wt, long np, double q_ord,
			struct corner_fit *f)
{
	double span = x[np - 1] - x[0], step = span / CORNER_COARSE;
	double c[4], rss, p, syy = 0;
	for (long k = 0; k < np; k++)
		syy += wt[k] * y[k] * y[k];
	f->rss = INFINITY;
	for (int pass = 0; pass < 3; pass++) {
		double va = x[0], vb = x[np - 1], wa = 0, wb = span;
		if (pass) {
			if (!isfinite(f->rss))
				return false;
			va = f->v - step;
			vb = f->v + step;
			wa = f->w - step > 0 ? f->w - step : 0;
			wb = f->w + step;
			step /= CORNER_REFINE;
		}
		for (double v = va; v <= vb + 1e-9; v += step)
			for (double w = wa; w <= wb + 1e-9 && v + w <= x[np - 1]; w += step)
				if (corner_at(x, y, wt, np, q_ord, v, w, syy, c, NULL, &rss, &p) &&
				    rss < f->rss)
					*f = (struct corner_fit){ .p = p, .v = v, .w = w, .rss = rss };
	}
	return isfinite(f->rss) &&
	       corner_at(x, y, wt, np, q_ord, f->v, f->w, syy, f->c, f->inv, &rss, &p);
}

/* The corner's fits (corner_best, orders 2, 3, 4) against the sharp fit's
 * weighed peak pk (its heaviest order q_ord at vertex v): the corners'
 * peaks weighed by their fit (order_weights, two parameters more), less
 * pk, into ct->um; ct->se its standard error (the two fits' weights on
 * the points, each point's variance one sample's the least of the
 * window's over its count, as tilt_gap's); ct->round_um the rounding a
 * smooth top could hide under the corner (below). blind_hunt.py mixed
 * 4000 15604 (asine, a dwell of 0.031 cycle on a creeping pad, 283
 * bins): the noiseless fold is a rise, a line falling 0.16 um a bin
 * over 9 bins, then the return; the sharp fit reads its crest 0.35 um
 * low, the corner within 0.1. Over 12 noise redraws the sharp fit read
 * -0.25 um on average, the corner +0.06 (sd 0.11), but the corner's two
 * parameters more (b, w) were significant (their F against the sharp
 * fit's rss as a z) only from 0.2 to 3.8, and 15604 itself at 0.2. A
 * smooth top fits a corner too: the golden capture's (a Fourier top, no
 * pad) stood 0.70 +- 0.11 um over its sharp fit (F as a z 1.0) with a
 * steep line (-1.36 um a bin), whose rounding is 2.1 um. Nothing when
 * no order fits (ct->um 0). */
struct corner_top {
	double um, se, round_um;
};
static void corner_gap(const double *px, const double *py, const double *pw, const double *ps,
		       long np, double s2n, double pk, double q_ord, double v,
		       struct corner_top *ct)
{
	static const double orders[] = { 2, 3, 4 };
	struct corner_fit cf[3];
	double rc[3], pc3[3];
	int ic = 0;
	*ct = (struct corner_top){ 0, 0, 0 };
	if (np < SKEW_MIN_PTS + 3)
		return;
	for (int i = 0; i < 3; i++) {
		rc[i] = corner_best(px, py, pw, np, orders[i], &cf[i]) ? cf[i].rss : INFINITY;
		pc3[i] = cf[i].p;
		ic = rc[i] < rc[ic] ? i : ic;
	}
	if (!isfinite(rc[ic]))
		return;
	double pc = weigh_orders(rc, pc3, np - 2, s2n, &ic);
	double cp[NBIN_MAX];
	if (!two_sided_peak_weights(px, pw, np, q_ord, 0, v, cp))
		return;
	const struct corner_fit *f = &cf[ic];
	double gs[4] = { 1, f->c[1] > 0 ? f->w : 0, 0, 0 }, G[NBIN_MAX][4];
	for (long k = 0; k < np; k++)
		corner_basis(px[k] - f->v, f->w, orders[ic], G[k]);
	/* the rounding a smooth top could hide under the corner: the flank
	 * (order q, cl or cr on the line's high side) reaches the line's
	 * slope b at d1 = (|b| / (q c))^(1 / (q - 1)), where it stands |b| d1
	 * (q - 1) / q above the corner's line */
	double qo = orders[ic], cs = f->c[1] > 0 ? f->c[3] : f->c[2], bb = num_abs(f->c[1]);
	double d1 = cs > 0 && bb > 0 ? pow(bb / (qo * cs), 1 / (qo - 1)) : 0;
	ct->round_um = bb * d1 * (qo - 1) / qo;
	ct->um = pc - pk;
	ct->se = peak_gap_se(pw, ps, np, f->inv, gs, (const double (*)[4])G, cp);
}

/* How far the top is read as sharp (peak_sharp) rather than as a dwell
 * (peak_dwell): 1 where its width at sharp_lev below the top is under
 * SHARP_WIDTH - SHARP_BLEND cycles, 0 over SHARP_WIDTH + SHARP_BLEND, a
 * ramp between. The width runs from one crossing of that level to the
 * other, each read between its two bins (linear in the 3-bin averages), so
 * that it does not step by a whole bin. Counted in whole bins and switched
 * at SHARP_WIDTH, one count of one sample moved a record's top model:
 * blind_hunt.py spikes 4000 10723's twin (0.122 of a cycle wide, the
 * spiked capture 0.117, 410 bins) read its top as a dwell, the spiked
 * capture as sharp (docs/measurement.md, "The top"). On coarse bins
 * (under TOP_MISS_BINS) the band is narrower than a bin and the switch
 * stays, in whole bins: there the width between bins moved physics
 * ring_1khz_clean_max_76hz (83 bins, 9.2 of them, 10 whole) from the
 * dwell's reading (-1.38 um, U 1.54) to the sharp one's (-1.09, U 0.72;
 * tests/test_physics_captures.sh). */
static double sharp_share(const struct shape_pts *P)
{
	long n = P->n, lo, hi, jm = P->jmax;
	double lev = sharp_lev(P), L = P->ys[jm] - lev;
	top_reach(P, lev, &lo, &hi);
	if (n < TOP_MISS_BINS)
		return (double)(hi - lo + 1) / (double)n > SHARP_WIDTH ? 0 : 1;
	double w = (double)(hi - lo);
	double a = P->ys[(jm + lo + n) % n], b = P->ys[(jm + lo - 1 + n) % n];
	w += lo > -n / 4 && a > b ? (a - L) / (a - b) : 1;
	a = P->ys[(jm + hi + n) % n];
	b = P->ys[(jm + hi + 1) % n];
	w += hi < n / 4 && a > b ? (a - L) / (a - b) : 1;
	double t = (SHARP_WIDTH + SHARP_BLEND - w / (double)n) / (2 * SHARP_BLEND);
	return t > 0 ? (t < 1 ? t : 1) : 0;
}

/* A sharp top (sine, cam: narrower than SHARP_WIDTH at 1 % of the travel
 * below it) is fitted with a parabola per side over the bins down to that
 * level: a single quadratic over few bins misses an asymmetric top by
 * microns, and its curvature test can fail on noise, which would take the
 * plateau's level of a peak. Returns false where no order fits (how
 * sharp the top is, sharp_share, decides whether it is tried).
 * On fine bins *over_um, *over_take: the fit above the top points at its
 * vertex and how much of it is taken (over_top; shape_build counts it
 * when no ring is taken). On
 * SHARP_COARSE_BINS .. TOP_MISS_BINS *narrow: how the peak moves with the
 * window's width (narrow_top; shape_build counts it when nothing else
 * moved the peak). On TOP_MISS_BINS or more *misfit_um: the chosen
 * order's misfit over the window (sharp_misfit; shape_build counts it
 * when ring.c leaves the top alone). From SHARP_COARSE_BINS *tilt_um,
 * *tilt_se, *tilt_z: the tilted fits against the sharp one (tilt_gap;
 * shape_top counts them when no ring is taken, on coarse bins when
 * nothing else moved the peak). exp_bins: the sensor's exposure in bins
 * (0: none). */
static bool peak_sharp(const struct shape_pts *P, double exp_bins, double *peak, double *vpos,
		       long *lo, long *hi, double *u_model, struct top_curv *tc, double *miss_um,
		       double *over_um, double *over_take, double *over_bound,
		       struct narrow_top *narrow, double *misfit_um, double *tilt_um,
		       double *tilt_se, double *tilt_z, struct corner_top *corner)
{
	long n = P->n, wl, wh;
	double lev = sharp_lev(P);
	top_reach(P, lev, &wl, &wh);
	wl = wl < -2 ? wl - 1 : -3;
	wh = wh > 2 ? wh + 1 : 3;
	double px[NBIN_MAX], py[NBIN_MAX], pw[NBIN_MAX], ps[NBIN_MAX];
	long np = pts_window(P, wl, wh, px, py, pw, ps);
	double s2n = pts_noise(P, wl, wh);
	/* The order of the top: the one that fits best (but see below).
	 * On coarse bins (under TOP_MISS_BINS, where ring.c's local maxima
	 * do not see the top's plateau) each order also with a flat at the
	 * vertex: a cam's dwell at full extension between its flanks
	 * (models 3..5, the flat's width by a search, flat_best), by how
	 * far the orders pass above the point nearest each one's vertex (a
	 * flat under a vertex: the fit overshoots it): that excess over
	 * the point's standard error, weighed by the orders' weights, as a
	 * z; no flat up to FLAT_FROM, from FLAT_FULL the six models weighed
	 * together (order_weights), a share between (flat_share: the
	 * orders' weights alone and the six models', mixed; the rss the
	 * model term and the tilted fits take as best likewise). Elsewhere a
	 * flat does not fit better by the penalty, and its search costs as
	 * much as the rest of a 1 kHz record's analysis. Tried outright
	 * where the heaviest order's excess passed one standard error, the
	 * flats switched in and out on a sample or two: blind_hunt.py
	 * spikes 1000 20028's spike-free twin at 1.000 tried them (the flat
	 * parabola's rss 7 against the parabola's 39, weight 0.85), the
	 * spiked record at 0.990 did not: +1.19 um from the twin (weighed,
	 * both 0.89: +0.02). The ramp starts at that old switch: from 0.5 a
	 * share of the flats read an asine's top under a 205 us exposure
	 * low (spikes 1000 22093 at 0.82: +0.09 -> -0.34 um); and it is
	 * short: to 2, spikes 1000 13719 (1.43 and 1.54) took half the flats
	 * where it had taken them whole, and ring.c's fine model took a ring
	 * in the twin alone: -0.03 -> -0.59 um from the twin. */
	/* The fit's own evidence beside z: z rests on the one point nearest
	 * each vertex, and a few samples more or less in the top bins move
	 * it by half a unit. From FLAT_TRY the flats are fitted, and below
	 * FLAT_FULL they take at least the weight the six models' weighing
	 * gives them (their rss), in full from FLAT_FROM (a ramp from
	 * FLAT_TRY): blind_hunt.py spikes 1000 27425 (poly345 under 99 us,
	 * 78 bins, 8.1 samples a stroke): the spike-free twin at z 1.47
	 * took the flats (share 0.94: the flat parabola's rss 5.8 against
	 * the parabola's 86), the spiked record at 1.00 did not (16.9
	 * against 97.6; the top bin held 28 samples, the twin's 25): the
	 * parabola read +1.3 um, the flats +0.1, the mean +0.87 um from the
	 * twin's (issue 13: 0.5); now +0.09, both with the flats (session
	 * 48, WEDGE). Only flats wider than the exposure (exp_bins) count
	 * so: a box over a vertex whose sides differ blends them over its
	 * width, which a narrower flat fits and no order does, and the flat
	 * then loses little under the box, so the exposure's correction
	 * goes: spikes 1000 28737 (asine under 157 us, 0.78 bins; a flat of
	 * 0.40 bins, rss 2.6 against 32.7) read -1.38 um with it, -0.43
	 * without; 22093 (2.4 bins, a flat of 0.5) -0.55 against +0.09. */
#define FLAT_FROM 1.0
#define FLAT_FULL 1.5
#define FLAT_TRY 0.5
#define FLAT_UNSEEN -1.0 /* a flat's doubt counts in U from this z (to 0) */
	static const double orders[] = { 2, 3, 4 };
	int nm = n < TOP_MISS_BINS ? TOP_MODELS : 3;
	double pk[TOP_MODELS], vk[TOP_MODELS], rk[TOP_MODELS], kk[TOP_MODELS];
	double fw[TOP_MODELS] = { 0 }, best = INFINITY, best3 = INFINITY, w3[3];
	double flat_share = 0, flat_reach = 0, flat_z = -INFINITY;
	long tj[TOP_MODELS];
	double te[TOP_MODELS];
	int ib = -1;
	for (int i = 0; i < nm; i++) {
		if (i == 3) {
			double z = 0;
			best3 = best;
			order_weights(rk, 3, np, s2n, w3);
			for (int o = 0; o < 3; o++)
				if (w3[o] > 0 && ps[tj[o]] > 0) {
					z -= w3[o] * te[o] / ps[tj[o]];
					flat_reach += w3[o] * (ps[tj[o]] - te[o]);
				}
			flat_z = z;
			flat_share = num_ramp(z, FLAT_FROM, FLAT_FULL);
			if (!(flat_share > 0) && !(z > FLAT_TRY)) {
				nm = 3;
				break;
			}
		}
		pk[i] = *peak;
		vk[i] = *vpos;
		kk[i] = 0;
		tj[i] = 0;
		te[i] = 0;
		if (!(i < 3 ? peak_two_sided(px, py, pw, np, orders[i], 0, &pk[i], &vk[i], &rk[i],
					     &kk[i], &tj[i], &te[i])
			    : flat_best(px, py, pw, np, orders[i - 3], &fw[i], &pk[i], &vk[i], &rk[i],
					&kk[i], &tj[i], &te[i])))
			rk[i] = INFINITY;
		if (rk[i] < best) {
			best = rk[i];
			ib = i;
		}
	}
	if (nm > 3 && flat_share < 1) {
		double w6[TOP_MODELS], wf = 0;
		order_weights(rk, nm, np, s2n, w6);
		for (int i = 3; i < nm; i++)
			if (fw[i] > exp_bins)
				wf += w6[i];
		double e = wf * num_ramp(flat_z, FLAT_TRY, FLAT_FROM);
		flat_share = e > flat_share ? e : flat_share;
		if (!(flat_share > 0)) {
			nm = 3;
			best = best3;
			ib = -1;
			for (int i = 0; i < 3; i++)
				if (rk[i] <= best)
					ib = i;
		}
	}
	if (ib < 0)
		return false;
	/* The models weighed by their fit (order_weights): the peak, its
	 * position and the model term from all of them. */
	double wo[TOP_MODELS], pkm = 0, vkm = 0;
	order_weights(rk, nm, np, s2n, wo);
	if (nm > 3 && flat_share < 1) {
		for (int i = 0; i < nm; i++)
			wo[i] = flat_share * wo[i] + (i < 3 ? (1 - flat_share) * w3[i] : 0);
		best = best3 + flat_share * (best - best3);
	}
	ib = 0;
	for (int i = 0; i < nm; i++) {
		if (wo[i] > wo[ib])
			ib = i;
		if (wo[i] > 0) {
			pkm += wo[i] * pk[i];
			vkm += wo[i] * vk[i];
		}
	}
	/* The model's own error: the furthest peak of the orders that fit
	 * nearly as well (rss within 2x the best), as the half-width of a
	 * rectangular distribution around the weighed one. */
	double dmax = 0;
	for (int i = 0; i < nm; i++) {
		double d = (i < 3 ? 1 : flat_share) * num_abs(pk[i] - pkm);
		if (rk[i] <= 2 * best && d > dmax)
			dmax = d;
	}
	*u_model = dmax / sqrt(3.0);
	/* Coarse bins, the flats not (or not wholly) taken: a flat the
	 * noise hides. The orders' reach above the point nearest their
	 * vertex (the excess and one of its standard errors, weighed as z
	 * is) a rectangular half-width, weighed by flat_z from FLAT_UNSEEN
	 * to 0 (a fit under its vertex point shows no flat) and by the
	 * share the flats did not take. A short dwell narrower than a bin
	 * under the parabola: noiseless z 3.6-5.6, the flats read it; under
	 * 0.9 um of noise z fell to -0.2..0.8 (the point's standard error
	 * four times larger), the parabola alone read its overshoot, +0.20
	 * um over 20 redraws (sd 0.19), 16 within U: blind_hunt.py speed
	 * 1000 22250, +0.48 um against U 0.45 (session 46). */
	if (flat_reach > 0 && flat_share < 1) {
		double t = num_ramp(flat_z, FLAT_UNSEEN, 0) * (1 - flat_share);
		*u_model = num_rect_add(*u_model, t * flat_reach);
	}
	/* Coarse bins (a short record: 32 to start from): the window spans
	 * a tenth of a cycle or more, where no single order fits a crank's
	 * or a harmonic cam's top; the fit one bin narrower each side
	 * shows how far the window's width moves the peak (the bias falls
	 * as its 4th power, so the wide fit's is about 1.25 x the change):
	 * a rectangular half-width (short records at 1 kHz read 1.3-3.6 um
	 * shallow against U 0.7-2.5; tests/test_red_captures.sh). */
	double pn, vn, rn, kn, tn;
	long tnj;
	if (n < SHARP_COARSE_BINS && np >= 7 &&
	    peak_two_sided(px + 1, py + 1, pw + 1, np - 2, orders[ib % 3], fw[ib], &pn, &vn, &rn, &kn,
			   &tnj, &tn)) {
		double t = 1.25 * num_abs(pn - pk[ib]);
		*u_model = num_rect_add(*u_model, t);
	}
	/* Coarse bins (finer: ring.c's local maxima; one of 332 bins 3.4
	 * sigma low moved a sine's peak 0.87 um), the fit above the point
	 * nearest its vertex beyond its noise misses the top the bins show
	 * (a harmonic cam at 1 kHz, 82 bins: its flanks steepen faster than
	 * any one order; a parabola over 7 points passed 1.02 um, 8 sigma,
	 * above the top bin: +1.06 um against U 0.69): *miss_um, that
	 * residual (shape_build counts it when no ring is taken), else 0. */
	*narrow = (struct narrow_top){ 0, 0, 0 };
	if (n >= SHARP_COARSE_BINS && n < TOP_MISS_BINS)
		narrow_top(px, py, pw, ps, np, orders, fw, pk, vk, wo, nm, narrow);
	bool miss = n < TOP_MISS_BINS && te[ib] < -TOP_MISS_SIGMAS * ps[tj[ib]];
	*miss_um = miss ? te[ib] : 0;
	*over_bound = 0;
	*misfit_um = n >= TOP_MISS_BINS ? sharp_misfit(pw, ps, np, rk[ib]) : 0;
	*tilt_um = n >= SHARP_COARSE_BINS ? tilt_gap(px, py, pw, ps, np, s2n, pkm, best, orders[ib % 3],
						     vk[ib], tilt_se, tilt_z)
					  : 0;
	*corner = (struct corner_top){ 0, 0, 0 };
	if (n >= TOP_MISS_BINS && *tilt_um > 0)
		corner_gap(px, py, pw, ps, np, s2n, pkm, orders[ib % 3], vk[ib], corner);
	*over_um = n >= TOP_MISS_BINS ? over_top(px, py, pw, ps, np, orders[ib], vk[ib], lev,
						 over_take, over_bound)
				      : 0;
	*peak = pkm;
	*vpos = vkm;
	*tc = (struct top_curv){ kk[ib], orders[ib % 3] };
	*lo = wl;
	*hi = wh;
	return true;
}

/* The sharp fit under the top the bins show (coarse bins, the mirror of
 * peak_sharp's miss): each point is the shape at its mean phase, at or
 * below the top, so two neighbouring points of the top window lo..hi
 * whose mean stands above the fitted peak beyond TOP_MISS_SIGMAS of its
 * standard error show the top higher than the fit. A top the pad's creep
 * flattens (a plateau with steep sides, over a few coarse bins) is no
 * single order: at 1 kHz on 75 bins the fit passed 1.5 um under the two
 * top points, 3.8 sigma (blind_hunt.py drift 1000 2032: -1.91 um; the same
 * capture without the creep +0.08). Returns that mean's excess over peak
 * (um), 0 when none. */
static double peak_under_top(const struct shape_pts *P, long lo, long hi, double peak)
{
	double best = -INFINITY, sd = 0;
	for (long k = lo; k < hi; k++) {
		long j1, j2;
		pt_x(P, k, &j1);
		pt_x(P, k + 1, &j2);
		double m2 = (P->yc[j1] + P->yc[j2]) / 2;
		if (m2 > best) {
			best = m2;
			sd = sqrt(P->sd[j1] * P->sd[j1] + P->sd[j2] * P->sd[j2]) / 2;
		}
	}
	return best - peak > TOP_MISS_SIGMAS * sd ? best - peak : 0;
}

/* The shape's mean over w bins from a (relative to bin jmax's centre);
 * *u its noise. */
static double box_mean(const struct shape_pts *P, long jmax, double a, double w, double *u)
{
	double b = a + w, sw = 0, sy = 0, s2 = 0;
	long n = P->n;
	for (long k = (long)floor(a + 0.5); k <= (long)floor(b + 0.5); k++) {
		/* bin k covers [k - 0.5, k + 0.5) relative to jmax */
		double lo = (double)k - 0.5 > a ? (double)k - 0.5 : a;
		double hi = (double)k + 0.5 < b ? (double)k + 0.5 : b;
		if (hi <= lo)
			continue;
		long j = ((jmax + k) % n + n) % n;
		sw += hi - lo;
		sy += (hi - lo) * P->yc[j];
		s2 += (hi - lo) * (hi - lo) * P->sd[j] * P->sd[j];
	}
	*u = sw > 0 ? sqrt(s2) / sw : 0;
	return sw > 0 ? sy / sw : NAN;
}

/* How far the highest mean of the shape over w bins (a box placed
 * anywhere over the peak at vpos) lies below the peak, >= 0; *u its
 * noise. With d3 (not NULL): how far the highest mean of those box means
 * over w more (the box twice: a triangle of 2w) lies below that, >= 0. */
static double exposure_drop(const struct shape_pts *P, long jmax, double vpos, double w,
			    double peak, double *u, double *d3)
{
	double best = -INFINITY, best2 = -INFINITY;
	*u = 0;
	for (int i = 0; i <= 32; i++) {
		double ub, m = box_mean(P, jmax, vpos - w + w * i / 32.0, w, &ub);
		if (m > best) {
			best = m;
			*u = ub;
		}
	}
	for (int i = 0; d3 && i <= 64; i++) {
		double a = vpos - 2 * w + w * i / 32.0, m = 0, ub;
		for (int k = 0; k <= 16; k++)
			m += (k == 0 || k == 16 ? 0.5 : 1) * box_mean(P, jmax, a + w * k / 16.0, w, &ub);
		m /= 16;
		best2 = m > best2 ? m : best2;
	}
	if (d3)
		*d3 = isfinite(best) && isfinite(best2) && best > best2 ? best - best2 : 0;
	double d = isfinite(best) ? peak - best : 0;
	return d > 0 ? d : 0;
}

/* t^(q + 1) / (q + 1) for q = 2, 3, 4 (t >= 0). */
static double pow_int_prim(double t, int q)
{
	double t3 = t * t * t;
	return q == 2 ? t3 / 3 : q == 3 ? t3 * t / 4 : t3 * t * t / 5;
}

/* The mean over the box [x - w, x] of |u - v|^q left of v (u < v: left)
 * or right of it. */
static double box_side(double x, double w, double v, int q, bool left)
{
	double a = left ? v - x : x - w - v, b = left ? v - x + w : x - v;
	a = a > 0 ? a : 0;
	b = b > 0 ? b : 0;
	return (pow_int_prim(b, q) - pow_int_prim(a, q)) / w;
}

/* The noise of box_order_fit's drop c1 gl(xm) + c2 gr(xm) at its vertex
 * v (a linear function of the points: its weights through the normal
 * equations, each point's standard error). */
static double box_drop_u(const struct shape_pts *P, long k0, long k1, double w, double v, int q,
			 double xm)
{
	double A[3][3] = { { 0 } }, inv[3][3], z[3] = { 0 }, c[3], s2 = 0;
	long j;
	for (long k = k0; k <= k1; k++) {
		double x = pt_x(P, k, &j), wt = P->wt[j];
		double g[3] = { 1, -box_side(x, w, v, q, true), -box_side(x, w, v, q, false) };
		for (int i = 0; i < 3; i++)
			for (int l = 0; l < 3; l++)
				A[i][l] += wt * g[i] * g[l];
	}
	if (!num_solve3_sym(A, z, c, inv))
		return 0;
	double h[3] = { 0, box_side(xm, w, v, q, true), box_side(xm, w, v, q, false) }, hi[3];
	for (int i = 0; i < 3; i++)
		hi[i] = h[0] * inv[0][i] + h[1] * inv[1][i] + h[2] * inv[2][i];
	for (long k = k0; k <= k1; k++) {
		double x = pt_x(P, k, &j), wt = P->wt[j];
		double g[3] = { 1, -box_side(x, w, v, q, true), -box_side(x, w, v, q, false) };
		double l = wt * (hi[0] * g[0] + hi[1] * g[1] + hi[2] * g[2]);
		s2 += l * l * P->sd[j] * P->sd[j];
	}
	return sqrt(s2);
}

/* The top of order q seen through the box: the points within w + 3 of
 * the smoothed vertex vpos fitted (weighted least squares) by the box
 * mean of S = p - cl |u - v|^q left of v, p - cr |u - v|^q right of it,
 * v by a search over where S's top can lie (the box ends at each sample:
 * up to a box left of the smoothed one). Returns the fit's rss (INFINITY:
 * none) and in *drop how far the fitted S's peak lies above its box
 * means' highest; in *udrop (not NULL) that drop's noise (box_drop_u). */
static double box_order_fit(const struct shape_pts *P, double vpos, double w, int q, double *drop,
			    double *udrop)
{
	long j, k0 = (long)floor(vpos - w - 3), k1 = (long)ceil(vpos + w + 3);
	double best = INFINITY, bc[3] = { 0 }, bv = 0;
	/* each point's box means of both sides, for the fit and its rss */
	double gl[NBIN_MAX], gr[NBIN_MAX];
	*drop = 0;
	if (k1 - k0 + 1 > (long)NBIN_MAX)
		return best;
	for (double v = vpos - 1.5 * w - 2; v <= vpos + 0.5 * w + 2; v += w / 40 + 0.02) {
		double A[3][3] = { { 0 } }, b[3] = { 0 }, c[3], rss = 0;
		for (long k = k0; k <= k1; k++) {
			double x = pt_x(P, k, &j), wt = P->wt[j];
			gl[k - k0] = box_side(x, w, v, q, true);
			gr[k - k0] = box_side(x, w, v, q, false);
			double g[3] = { 1, -gl[k - k0], -gr[k - k0] };
			for (int i = 0; i < 3; i++) {
				b[i] += wt * g[i] * P->yc[j];
				for (int l = 0; l < 3; l++)
					A[i][l] += wt * g[i] * g[l];
			}
		}
		if (!num_solve3_sym(A, b, c, NULL))
			continue;
		for (long k = k0; k <= k1; k++) {
			pt_x(P, k, &j);
			double e = P->yc[j] - (c[0] - c[1] * gl[k - k0] - c[2] * gr[k - k0]);
			rss += P->wt[j] * e * e;
		}
		if (rss < best) {
			best = rss;
			bv = v;
			memcpy(bc, c, sizeof bc);
		}
	}
	if (!isfinite(best))
		return best;
	double mx = -INFINITY, xm = bv;
	for (int i = 0; i <= 200; i++) {
		double x = bv + 2 * w * i / 200.0;
		double y = bc[0] - bc[1] * box_side(x, w, bv, q, true) - bc[2] * box_side(x, w, bv, q, false);
		if (y > mx) {
			mx = y;
			xm = x;
		}
	}
	*drop = bc[0] - mx > 0 ? bc[0] - mx : 0;
	if (udrop)
		*udrop = box_drop_u(P, k0, k1, w, bv, q, xm);
	return best;
}

/* The drop the exposure took (S -> M) on fine bins: the orders 2, 3, 4
 * of the top seen through the box (box_order_fit) weighed by their rss
 * (order_weights), a parabola's drop lin (2 d2 - d3: exact for it, and
 * nearly for a ring), the others' their fitted drop. A window wider than
 * a quarter of the cycle (a box over an eighth), or no fit: lin.
 * *own (not NULL): the same weighing with the parabola's own fitted drop
 * for lin (NAN when no fit): the points' drop, where lin takes its d2
 * from the top's fitted peak (exposure_corr); *uown its noise (the
 * orders' noises weighed alike). */
static double exposure_first_drop(const struct shape_pts *P, double vpos, double w, double lin,
				  double *own, double *uown)
{
	double rk[3], f[3], uf[3] = { 0 }, wo[3], c = 0, co = 0, uo = 0;
	long k0 = (long)floor(vpos - w - 3), k1 = (long)ceil(vpos + w + 3), np = k1 - k0 + 1;
	lin = lin > 0 ? lin : 0;
	if (own)
		*own = NAN;
	if (np > P->n / 4)
		return lin;
	bool any = false;
	for (int i = 0; i < 3; i++) {
		rk[i] = box_order_fit(P, vpos, w, i + 2, &f[i], own ? &uf[i] : NULL);
		any = any || isfinite(rk[i]);
	}
	if (!any)
		return lin;
	order_weights(rk, 3, np, pts_noise(P, k0, k1), wo);
	for (int i = 0; i < 3; i++) {
		co += wo[i] > 0 ? wo[i] * f[i] : 0;
		uo += wo[i] > 0 ? wo[i] * uf[i] : 0;
	}
	f[0] = lin;
	for (int i = 0; i < 3; i++)
		c += wo[i] > 0 ? wo[i] * f[i] : 0;
	if (own) {
		*own = co;
		*uown = uo;
	}
	return c;
}

static inline bool occ_has(const struct bins *bn, long cell)
{
	unsigned c = (unsigned)(((cell % (long)PHASE_OCC) + (long)PHASE_OCC) % (long)PHASE_OCC);
	return (bn->occ[c / 64] >> (c % 64)) & 1;
}

/* The unsampled phase at the top (cycles): the longest run of empty cells
 * of the occupancy map touching the top's bins jmax + lo .. jmax + hi (the
 * true peak may be anywhere there: a fitted vertex can sit on a sampled
 * phase while the top is between others). 0 when all are sampled. */
static double phase_gap_top(const struct bins *bn, long jmax, long lo, long hi)
{
	double n = (double)bn->n;
	long c = (long)floor((double)(jmax + lo) / n * PHASE_OCC);
	long end = (long)ceil((double)(jmax + hi + 1) / n * PHASE_OCC), best = 0;
	while (c < end) {
		if (occ_has(bn, c)) {
			c++;
			continue;
		}
		long l = 0, r = 0;
		while (l < (long)PHASE_OCC && !occ_has(bn, c - l - 1))
			l++;
		while (r < (long)PHASE_OCC && !occ_has(bn, c + r + 1))
			r++;
		best = l + r + 1 > best ? l + r + 1 : best;
		c += r + 1;
	}
	return best ? (double)(best + 1) / PHASE_OCC : 0;
}

/* The peak between sampled phases: a top of curvature c (um per cycle^2:
 * the largest secant (peak - y - 3 s) / dx^2 of the top's points at least
 * gap/2 from the vertex, s their standard errors; the bins' quadratics are
 * noise when bins are finer than the phases' jitter) can rise above the
 * samples either side by c (gap/2)^2. With few phases the bins are coarse
 * and the fit can also miss the top's highest point (a cam at 160 Hz, 25
 * phases: 48 um below it): for a gap worth showing, that miss beyond 3 s
 * counts too (with the phases filled, the noisiest of hundreds of fine
 * bins passes 3 s). The sum is a standard uncertainty, not a rectangular
 * half-width: the bound assumes exact folded phases, and a sine at 160 Hz
 * (0.75 s, 10 seeds) missed by up to 1.6 times it. */
static double peak_u_phase(const struct shape_pts *P, long lo, long hi, double gap, double peak,
			   double vpos)
{
	double n = (double)P->n, c = 0, miss = 0, ytop = 0;
	long j;
	for (long k = lo; k <= hi; k++) {
		double dx = (pt_x(P, k, &j) - vpos) / n;
		double drop = peak - P->yc[j], sig = 3 * P->sd[j];
		if (dx * dx >= gap * gap / 4 && dx != 0 && (drop - sig) / (dx * dx) > c)
			c = (drop - sig) / (dx * dx);
		if (k == lo || P->yc[j] > ytop) {
			ytop = P->yc[j];
			miss = num_abs(drop) - sig;
		}
	}
	if (gap < PHASE_GAP_SHOWN || miss < 0)
		miss = 0;
	return c * (gap / 2) * (gap / 2) + miss;
}

bool measure_ring_bound_holds(double exposure_us, double ring_exposure_us)
{
	return fabs(exposure_us - ring_exposure_us) <= RING_EXPOSURE_TOL_US;
}

/* The box fits of a crest of the top (its value peak at vpos) that
 * exposure_corr weighs: the drop d and its noise ue (exposure_drop), and
 * with extrap d3, the first drop cl and the points' own, own and uown
 * (exposure_first_drop; else 0, 0, NAN, 0). They depend on neither
 * force nor ringless, so shape_top's crest makes them once for its
 * correction and exposure_rival's. */
struct exposure_fit {
	bool extrap;
	double d, d3, ue, cl, own, uown;
};

static void exposure_fits(const struct shape_pts *P, double vpos, double w, double peak,
			  bool extrap, struct exposure_fit *f)
{
	f->extrap = extrap;
	f->d3 = 0;
	f->d = exposure_drop(P, P->jmax, vpos, w, peak, &f->ue, extrap ? &f->d3 : NULL);
	f->own = NAN;
	f->uown = 0;
	f->cl = extrap ? exposure_first_drop(P, vpos, w, 2 * f->d - f->d3, &f->own, &f->uown) : 0;
}

/* The exposure's first drop at a crest of the top from its box fits f
 * (exposure_fits; w the box, bins), *u its standard uncertainty (noise
 * and model): see shape_build. force: extrapolated (2 d2 - d3) whatever
 * its noise, to compare crests; ringless: no ring on the top (the
 * points' box fits short of the extrapolation). */
static double exposure_corr_fit(const struct exposure_fit *f, double w, bool force, bool ringless,
				double *u)
{
	bool extrap = f->extrap;
	double d = f->d, ue = f->ue, own = f->own, uown = f->uown, cl = f->cl;
	double dmin = d / (32.0 / 6 - 1), half = (d - dmin) / 2, c = dmin + half;
	double z = ue > 0 ? d / (3 * ue) : INFINITY;
	double a = force ? 1 : (z - EXPOSURE_EXTRAP_SIGMAS) / EXPOSURE_EXTRAP_RAMP;
	bool pts = extrap && ringless && a < 1 && isfinite(own);
	if (pts) {
		/* d takes the top's fitted peak, and its miss passes into
		 * the middle (and twice into 2 d2 - d3): a pad's creep
		 * leaves an asymmetric top the fit reads low, and d2 short.
		 * The box fits of the points do not take that peak: short
		 * of the extrapolation, they are the answer, U as far as
		 * the middle and their noise through their normal equations
		 * (BM's at least: the order and the vertex are chosen)
		 * (blind_hunt.py spikes 4000 10012, a pad at 41 us, noise
		 * free: d2 0.10, d3 0.20, the middle 0.06 um, the box fits
		 * 0.17, the true S -> M 0.22 um; -0.34 um against U 0.30).
		 * Not on a ring's top (ringless false: a ring seen, or its crest
		 * the smooth top): a parabola's 2 d2 - d3 is nearly right
		 * there, the box fits' drop is not (blind_hunt.py ringing
		 * 4000 10011: -0.84 -> -1.41 um with them). */
		half = num_abs(own - c) > half ? num_abs(own - c) : half;
		c = own;
		ue = uown > ue ? uown : ue;
	}
	if (extrap && (force || z > EXPOSURE_EXTRAP_SIGMAS)) {
		/* from EXPOSURE_EXTRAP_SIGMAS on, a share of the way to the
		 * extrapolation, all of it EXPOSURE_EXTRAP_RAMP further (a
		 * switch flipped on a noise estimate: 47 gated spikes moved
		 * z 2.89 -> 3.06 and the mean +0.72 um, the middle 0.90 um
		 * for the extrapolated 1.61; blind_hunt.py spikes 4000 9702).
		 * U: the middle's half-width or as far as either answer, its
		 * noise rising to three times BM's with the share. */
		a = a < 1 ? a : 1;
		double cm = c;
		c = cm + a * (cl - cm);
		half = num_abs(cl - c) > half ? num_abs(cl - c) : half;
		half = num_abs(cm - c) > half ? num_abs(cm - c) : half;
		ue *= pts ? 1 : 1 + 2 * a; /* 2 d2 - d3 = 2 peak - 3 BM + BBM */
	}
	if (w < 1) {
		/* A box narrower than a bin is one bin's point: d is then the
		 * fit's vertex over the top point (the bins' own width and
		 * their noise), not the exposure's drop. A top p - k x^2
		 * drops k w^2 / 12 under a box of w, so below a bin the
		 * correction is scaled by w^2 (less for flatter tops): at
		 * 1 kHz a 25 us exposure (0.14 bins) took 1.1 um of that gap
		 * for its drop, +0.68 um (blind_hunt.py drift 1000 9710:
		 * +2.05 um, now +1.39). What the gap is made of is not
		 * resolved, so U keeps it as before (scaled too, it left
		 * speed 1000 2040's -0.79 um out of U 0.72). */
		c *= w * w;
	}
	*u = num_rect_add(ue, half);
	return c;
}

/* exposure_corr_fit of the crest's box fits made here. */
static double exposure_corr(const struct shape_pts *P, double vpos, double w, double peak,
			    bool extrap, bool force, bool ringless, double *u)
{
	struct exposure_fit f;
	exposure_fits(P, vpos, w, peak, extrap, &f);
	return exposure_corr_fit(&f, w, force, ringless, u);
}

/* The ring's other crest: the highest local maximum of the 3-bin means
 * beyond half a period of the fastest ring of the pad (RING_HZ_HI) from
 * vpos and within one period of the slowest (RING_HZ_LO), its vertex
 * (*rpos) and value by a weighted quadratic over a quarter of the fastest
 * ring's period each side (2 points at least). -INFINITY: none. */
static double rival_crest(const struct shape_pts *P, const struct fold_src *src, double vpos,
			  double *rpos)
{
	const struct xing *L = src->L;
	if (src->nl < 2 || !(L[src->nl - 1].t_slot > L[0].t_slot))
		return -INFINITY;
	double per = (L[src->nl - 1].t_slot - L[0].t_slot) / (double)(src->nl - 1);
	double pps = (double)P->n * src->m->cfg.rate_hz / per; /* points a second */
	long kmin = (long)ceil(pps / (2 * RING_HZ_HI)), kmax = (long)floor(pps / RING_HZ_LO);
	long h = (long)floor(pps / (4 * RING_HZ_HI)), kr = 0, j, jl, jr;
	h = h < 2 ? 2 : h;
	kmax = kmax < P->n / 8 ? kmax : P->n / 8;
	double best = -INFINITY;
	for (long k = -kmax; k <= kmax; k++) {
		if (num_abs((double)k - vpos) < (double)kmin)
			continue;
		pt_x(P, k - 1, &jl);
		pt_x(P, k + 1, &jr);
		pt_x(P, k, &j);
		if (P->ys[j] >= P->ys[jl] && P->ys[j] >= P->ys[jr] && P->ys[j] > best) {
			best = P->ys[j];
			kr = k;
		}
	}
	if (!isfinite(best))
		return -INFINITY;
	double q[3], inv[3][3], s2, xc;
	if (!ring_local_quad(P, kr, h, q, inv, &s2, &xc) || !(q[2] < 0))
		return -INFINITY;
	double v = -q[1] / (2 * q[2]);
	if (num_abs(v) > (double)h)
		return -INFINITY;
	*rpos = xc + v;
	return q[0] + q[1] * v + q[2] * v * v;
}

/* A ring's crests seen through the exposure (RING9, 12-02). The box
 * passes g = sinc(f tau) of a ring's crest, and the first crest after the
 * impact, the larger, loses the most: on the smoothed top two crests a
 * ring period apart can stand level, and the fold's noise picks either.
 * blind_hunt.py ringing 4000 3016 (a 3.8 kHz ring of 16.5 um, 64 us):
 * the generator's noiseless fold shows the crests 593.68 and 592.84 um,
 * 592.16 and 591.92 through the box; the ring search took the second,
 * its drop 0.53 um was added, and the record read -1.15 um against U
 * 1.03. Both crests are corrected the same way (the drop extrapolated,
 * 2 d2 - d3, whatever its noise: exposure_corr), and when the other
 * crest (rival_crest) stands higher so, it is the peak: its value, its
 * own correction's uncertainty (ur: the noise and model of its drop) in
 * place of the chosen crest's (u_ring: the model terms before the
 * exposure), and half the gap between the two as a rectangular
 * half-width (which crest is higher is decided under noise). f0: the
 * chosen crest's box fits (exposure_fits at vpos, its value p0), which
 * shape_top made for its own correction. */
static void exposure_rival(const struct shape_pts *P, const struct fold_src *src, double vpos,
			   double w, double p0, const struct exposure_fit *f0, double u_ring,
			   double *peak, double *u_model, double *corr)
{
	double rpos = 0, uc, ur;
	double rv = rival_crest(P, src, vpos, &rpos);
	if (!isfinite(rv))
		return;
	double ec = p0 + exposure_corr_fit(f0, w, true, false, &uc);
	double cr = exposure_corr(P, rpos, w, rv, true, true, false, &ur);
	if (!(rv + cr > ec))
		return;
	*u_model = num_rect_add(sqrt(u_ring * u_ring + ur * ur), (rv + cr - ec) / 2);
	*corr = cr;
	*peak = rv + cr;
}

/* A ring the exposure may have averaged away (ring.c's physics: up to
 * RING_MAX_UM) counts in U, no more than the fixture's measured bound for
 * its pad at its exposure (cfg->ring_max_um: what a short exposure read
 * beyond this one, docs/measurement.md 5b). The bound holds at the
 * exposure it was measured at only (cfg->ring_exposure_us): at another it
 * is not used (ring_bound_unused): a box of another length passes other
 * rings. With no exposure (0) the bound holds no hidden ring, and only
 * flags a ring seen beyond it. A ring seen (taken, or seen unresolved; not
 * a ripple within noise) beyond that bound shows it wrong: flagged, and
 * the physics bounds the hidden ring instead.
 * thr_um: the ring the shape would show; a ring seen (ring_seen_um, taken
 * or not) shows that much, so a seen ring hides up to its own size / g.
 * A taken ring counts too (12-02, CREST): the box passed g of it, the
 * extrapolated drop recovers part of the rest, and with the ring's
 * frequency not measured g is the band's least (ring_hidden_um: up to
 * s / g - s beyond what is seen, s = ring_seen_um). blind_hunt.py
 * ringing 4000 3031 without noise (a 3.7 kHz ring of 18 um under 250
 * us, taken 0.14 um over the smooth top) read -7.78 um against U 0.50;
 * 3003 (4.0 kHz, 13.4 um, 176 us, 0.87 um) -1.99 against U 1.37. Now
 * U 22.94 and 6.62.
 * bend_um: what a convex bend of the top says was hidden (ring.c
 * ring_bend_um; 12-03, TOLL): the smooth top rides the crest the box
 * passed, so the ring seen over it may be far less than that crest
 * (3029 without noise: 0.01 um seen, about 0.5 um passed, -8.82 um
 * against U 4.18; now U 14.24). The larger of the two counts. */
static void ring_bound(struct shape *sh, const struct measure_config *cfg, double thr_um,
		       double bend_um, const struct shape_pts *P, const struct fold_src *src,
		       double *u_model)
{
	bool holds = cfg->ring_max_um > 0 &&
		     measure_ring_bound_holds(cfg->exposure_us, cfg->ring_exposure_us);
	sh->ring_bound_unused = cfg->ring_max_um > 0 && !holds;
	double bound = holds ? cfg->ring_max_um : INFINITY;
	sh->ring_over_bound = holds && sh->ring_seen_um > cfg->ring_max_um &&
			      (sh->ring == MEASURE_RING_TAKEN || sh->ring == MEASURE_RING_UNRESOLVED);
	if (sh->ring_over_bound)
		bound = INFINITY;
	sh->ring_bound_um = bound < RING_MAX_UM ? bound : RING_MAX_UM;
	sh->ring_hidden_um = 0;
	if (sh->exposure_bins > 0 && !sh->ring_box.onset) {
		double seen = sh->ring_seen_um > thr_um ? sh->ring_seen_um : thr_um;
		double h = ring_hidden_um(cfg->exposure_us * 1e-6, seen);
		double ab = ring_absorbed_um(P, src, cfg->exposure_us * 1e-6, seen);
		h = ab > h ? ab : h;
		h = bend_um > h ? bend_um : h;
		h = h < bound ? h : bound;
		sh->ring_hidden_um = h;
		*u_model = num_rect_add(*u_model, h);
	}
}

/* The points of the top, jmax + lo .. jmax + hi (filled bins): the mean
 * of their squared standard errors (bin_sd) and of 1 / their counts, for
 * one stroke's U (result.c stroke_fold_u). A stroke's samples lie one
 * sample period apart, so all of them fall on the bins that the strokes
 * sampled at the same offset from their crossing fed: the error of those
 * strokes' mean scatter is common to its samples (not averaged down by
 * its fit), while the noise in the bins is not. */
static void top_fold_var(const struct shape_pts *P, const struct bins *bn, long lo, long hi,
			 double *var, double *inv_cnt, double *spread2, double *spread_dof)
{
	double sv = 0, si = 0, ss = 0, k = 0, dof = 0;
	for (long i = lo; i <= hi; i++) {
		long j = (P->jmax + i + P->n) % P->n;
		if (!bn->cnt[j])
			continue;
		sv += P->sd[j] * P->sd[j];
		si += 1.0 / bn->cnt[j];
		ss += P->sd[j] * P->sd[j] * bn->cnt[j];
		dof += bn->cnt[j] - 1.0;
		k++;
	}
	*var = k > 0 ? sv / k : 0;
	*inv_cnt = k > 0 ? si / k : 0;
	*spread2 = k > 0 ? ss / k : 0;
	*spread_dof = dof;
	/* the crest's own bins, where the ring's change is its depth's */
	ss = k = dof = 0;
	for (long i = -1; i <= 1; i++) {
		long j = (P->jmax + i + P->n) % P->n;
		if (!bn->cnt[j])
			continue;
		ss += P->sd[j] * P->sd[j] * bn->cnt[j];
		dof += bn->cnt[j] - 1.0;
		k++;
	}
	if (k > 0 && ss / k > *spread2) {
		*spread2 = ss / k;
		*spread_dof = dof;
	}
}

/* The noise's level along the stroke and the error of each bin's point,
 * for the end fits' u (edge.c). The noise: the spread of the samples in
 * the bins near the top (w >= 0.9) and near the retracted end (w <= 0.1),
 * each less what the shape's slope (c1, um a bin) makes of its samples'
 * spread in phase, pooled; between them linear in the level w. Under
 * noise that grows towards the retracted end (1 kHz, 10.6 um at the top,
 * 21 at the retracted end) the end fit's residual variance, one level for
 * all its samples, was that of the tops and troughs, while the flanks
 * time the phase. The flanks' own spread is not taken: it holds the
 * fold's timing jitter times their slope, which the end fit's free phase
 * does not see. Nor a top that spreads more than the retracted end: the
 * strokes' own amplitudes, in the end fit's u apart (edge_u; the
 * simulated pen under 0.5 um of noise: the rate's U +16 % with them).
 * The point: its own variance (bin_sd), less the same slope's part (the
 * point sits at its samples' mean phase: shape_points; with it the
 * simulated pen's U +13 %). */
static void shape_noise(struct shape *sh, const struct bins *bn, const struct shape_pts *P)
{
	long n = P->n;
	double ss[2] = { 0, 0 }, dof[2] = { 0, 0 };
	for (long j = 0; j < n; j++) {
		uint32_t c = bn->cnt[j];
		int e = sh->w[j] >= 0.9 ? 1 : sh->w[j] <= 0.1 ? 0 : -1;
		sh->point_var[j] = P->sd[j] * P->sd[j];
		if (c < 2)
			continue;
		double m = bn->sx[j] / c, pm = bn->sp[j] / c;
		double v = bn->sxx[j] - bn->sx[j] * m;
		double vp = bn->spp[j] - bn->sp[j] * pm;
		double net = v - sh->c1[j] * sh->c1[j] * (vp > 0 ? vp : 0);
		if (net < 0)
			net = 0;
		if (v > 0)
			sh->point_var[j] *= net / v;
		if (e < 0)
			continue;
		ss[e] += net;
		dof[e] += (double)(c - 1);
	}
	double v0 = sh->sample_sd_um * sh->sample_sd_um, vb, vt;
	vb = dof[0] > 0 ? ss[0] / dof[0] : dof[1] > 0 ? ss[1] / dof[1] : v0;
	vt = dof[1] > 0 && ss[1] / dof[1] < vb ? ss[1] / dof[1] : vb;
	for (long j = 0; j < n; j++) {
		double w = sh->w[j] < 0 ? 0 : sh->w[j] > 1 ? 1 : sh->w[j];
		sh->noise_var[j] = vb + (vt - vb) * w;
	}
}

/* One reading of the top (shape_top): the peak with its noise and model
 * error, its position from bin jmax, and the window of its points. */
struct top_read {
	double peak, vpos, u_peak, u_model;
	long lo, hi;
};

/* How much of the way to the tilted peak (tilt_gap) is taken, by the
 * line's significance z: nothing up to OVER_FROM, all of it from
 * TOP_MISS_SIGMAS, linear between (as narrow_top's weight). */
static double tilt_share(double z)
{
	return num_ramp(z, OVER_FROM, TOP_MISS_SIGMAS);
}

/* The top's read before ring.c's look at it (peak_dwell, and
 * peak_sharp where tried), which the fold's points alone decide: kept for
 * the boxed top's read (shape_top), which differs from ring.c on. */
struct top_smooth {
	bool valid, sharp;
	long lo, hi;
	double peak, vpos, u_model, miss, over, over_take, over_bound, misfit, tilt, tilt_se,
		tilt_z;
	struct top_curv tc;
	struct dwell_quad dq;
	struct narrow_top narrow;
	struct corner_top corner;
};

static void top_smooth_read(const struct shape_pts *P, double exp_bins, bool try_sharp,
			    struct top_smooth *t)
{
	*t = (struct top_smooth){ .valid = true, .tc = { 0, 2 },
				  .dq = { false, false, 0, 0, 0, 0 },
				  .narrow = { 0, 0, 0 }, .corner = { 0, 0, 0 } };
	top_window(P, &t->lo, &t->hi);
	peak_dwell(P, t->lo, t->hi, P->n < TOP_MISS_BINS, &t->peak, &t->vpos, &t->tc, &t->dq);
	t->sharp = try_sharp && peak_sharp(P, exp_bins, &t->peak, &t->vpos, &t->lo, &t->hi,
					   &t->u_model, &t->tc, &t->miss, &t->over, &t->over_take,
					   &t->over_bound, &t->narrow, &t->misfit, &t->tilt,
					   &t->tilt_se, &t->tilt_z, &t->corner);
}

/* The top read by the sharp fit (try_sharp: peak_sharp, the dwell's
 * quadratic where it fails) or by the dwell's quadratic, ring.c's look
 * at it, the exposure and the hidden ring: into *r, and the ring's and
 * the exposure's fields into *sh. *ts: the read before ring.c's, made
 * here unless ts->valid (top_smooth_read). */
static void shape_top_read(struct shape *sh, const struct shape_pts *P, const struct bins *bn,
			   const struct fold_src *src, bool try_sharp, struct top_read *r,
			   struct top_smooth *ts)
{
	long n = P->n, jmax = P->jmax;
	if (!ts->valid)
		top_smooth_read(P, sh->exposure_bins, try_sharp, ts);
	long lo = ts->lo, hi = ts->hi;
	double peak = ts->peak, vpos = ts->vpos;
	struct top_curv tc = ts->tc;
	struct dwell_quad dq = ts->dq;
	double u_model = ts->u_model, miss = ts->miss, over = ts->over;
	double over_take = ts->over_take, over_bound = ts->over_bound, misfit = ts->misfit;
	double tilt = ts->tilt, tilt_se = ts->tilt_se, tilt_z = ts->tilt_z;
	struct narrow_top narrow = ts->narrow;
	struct corner_top corner = ts->corner;
	bool sharp = ts->sharp;
	double u_peak = P->sd[jmax] / sqrt((double)(hi - lo + 1) / 3.0);
	double smooth = peak, u_smooth = u_model;
	double box_um, doubt_um;
	peak_ringing(P, src, lo, hi, &peak, &vpos, &u_peak, &u_model, &tc, &sh->ring,
		     &sh->ring_rise_um, &sh->ring_crest_top, &box_um, &doubt_um, &sh->ring_box);
	/* a ring fitted through the box (box_um): seen is what the box passed
	 * of it, its boxed top over the smooth one (the bound's check and the
	 * hidden ring's term read the samples, as for a ring taken without
	 * the model: ring_bound) */
	double shown = isnan(box_um) ? peak : peak - box_um;
	sh->ring_seen_um = sh->ring == MEASURE_RING_UNRESOLVED ? sh->ring_rise_um
			 : sh->ring != MEASURE_RING_NONE && shown > smooth ? shown - smooth : 0;
	if (miss < 0 && sh->ring == MEASURE_RING_NONE && peak == smooth && u_model == u_smooth) {
		/* Left alone by ring.c (an aliased ring leaves the top point
		 * low too: 4.8 um under the fit): the middle of the fit and the
		 * point (at or below the peak), the whole gap rectangular. */
		peak += miss / 2;
		u_model = num_rect_add(u_model, miss);
	}
	bool left = sh->ring == MEASURE_RING_NONE && peak == smooth && u_model == u_smooth;
	if (!sharp && n < TOP_MISS_BINS && sh->ring == MEASURE_RING_NONE && peak == smooth) {
		/* Coarse bins, the peak left where it was by ring.c (which
		 * judged its maxima against the quadratic's own reading, as
		 * before: lowered first, the bins' noise over it took ring.c's
		 * terms, 19985's redraws U +0.2 um), the dwell's quadratic:
		 * its overshoot of a flat top (dwell_bias) taken off, the
		 * larger of the models' spread and half the overshoot a
		 * rectangular half-width. In the final read only (as ring.c's
		 * models: shape_reread): in each of a 1 kHz record's 17 builds
		 * its flat searches took 4.2 times the record's instructions.
		 * The quadratic read at the top bin where it showed no vertex
		 * (peak_dwell): the gap to its reading at the points' centroid
		 * a rectangular half-width, the model's (a curvature it could
		 * not confirm puts the top anywhere between). */
		if (dq.gap != 0)
			u_model = num_rect_add(u_model, num_abs(dq.gap));
		if (!src->fine_model) {
			fold_fine_model_due(src);
		} else {
			double spread, ob = dwell_bias(P, lo, hi, vpos, &spread);
			peak -= ob;
			if (ob != 0)
				u_model = num_rect_add(u_model,
						       spread > num_abs(ob) / 2 ? spread : num_abs(ob) / 2);
		}
	}
	if (sharp && (over > 0 || over_bound > 0) &&
	    (left || sh->ring == MEASURE_RING_UNRESOLVED)) {
		/* Left alone by ring.c, the fine fit above the top points at
		 * its vertex (over_top): beyond TOP_MISS_SIGMAS, the middle
		 * of the two, the whole gap rectangular (as for the coarse
		 * miss above); from z 1 to there, a share of the gap counts
		 * in U (two pads' plateaus at z 2.7 and 3.0: +0.52 um
		 * against U 0.69, +0.34 against U 0.44; now U 0.78, 0.60),
		 * and the middle is taken over a ramp from z 2 (over_take).
		 * A ring seen unresolved sits on the smooth peak (the middle
		 * of it and its rise above it): where the fit stands above
		 * the top points, so does that middle, and the same holds.
		 * A noiseless pad's fold (red_hunt.py pad 4000, seed
		 * 896181107 without noise or scatter) showed a ripple of
		 * 0.006 um, unresolved, and the fit 0.38 um above its
		 * plateau: +0.38 um against U 0.15.
		 * What counts in U is the gap's reach (over_bound: the gap
		 * and one of its standard errors, at least the weighed gap,
		 * so it spans the fit and the middle over the ramp too):
		 * the fit stands above a dwell's plateau whether the noise
		 * lets its points show it or not (one draw showed 0.07 +-
		 * 0.08 um of a fit 0.16 um above the noiseless plateau). */
		peak -= over_take * over / 2;
		u_model = num_rect_add(u_model, over > over_bound ? over : over_bound);
	}
	/* Left alone by ring.c, the sharp fit's misfit over its window
	 * (sharp_misfit): a standard uncertainty of its peak */
	if (sharp && left && misfit > 0)
		u_model = sqrt(u_model * u_model + misfit * misfit);
	if (sharp && n >= TOP_MISS_BINS && sh->ring == MEASURE_RING_NONE && over_take == 0 &&
	    tilt != 0) {
		/* No ring taken, the tilted fit (tilt_gap: the pad's creep
		 * across the top) against the sharp fit, by the line's
		 * significance z: nothing up to OVER_FROM, all of it from
		 * TOP_MISS_SIGMAS, as narrow_top's. That share of the way
		 * to the tilted peak is taken (from the peak ring.c left: a
		 * local maximum over the smooth one and no ring moved it to
		 * the middle of the two) with the noise of the part taken,
		 * and that share of the whole gap counts in U as a
		 * rectangular half-width. The take ramps over the same 2
		 * sigma: over 1 (as over_top's) it flipped on the spikes
		 * (blind_hunt.py spikes 4000 10802: z 2.10 in the spiked
		 * capture, 3.09 in its twin, their means 0.50 um apart; now
		 * 0.28). A tilted peak above the sharp one beyond its own
		 * noise (the gap over its standard error as a z, by
		 * tilt_share) is the creep the line's F may not tell: its
		 * reach (the gap and one standard error, as on coarse bins)
		 * counts in U in that share where it is the larger. A dwell
		 * on a creeping pad (blind_hunt.py mixed 4000 15604: the
		 * gap 0.28 +- 0.02 um, the line's z 1.3) read -0.43 um
		 * against U 0.31 with 0.16 of the gap; then U 0.46, with
		 * the order weights of session 40 U 0.43, -0.45 um: the
		 * tilted fit reads a dwell's crest low too. A corner's fit
		 * (corner_gap: a flank, the pad's line, the return) above
		 * the sharp one beyond the rounding a smooth top could hide
		 * under it, over its standard error as a z (zc): that reach
		 * (and one standard error, by tilt_share(zc)) counts in U
		 * where the larger; the estimate stays. 15604's corner
		 * stands 0.33 +- 0.08 um above (its rounding 0.03): U 0.43
		 * -> 0.53; its 12 redraws 11 -> 12 within U. Its gap over
		 * its se alone counted the golden capture's corner (0.70 +-
		 * 0.11 um, its rounding 2.1 um): U 1.19 -> 1.51 um. Taking
		 * a share of the way to it (by the lesser of the corner's F
		 * as a z and zc, from 1 to 3) moved 15604's redraws -0.17
		 * -> -0.12 um on average, but a draw forced to a dwell on a
		 * creeping pad (an asine, 16 bins of dwell, a 26 us
		 * exposure) +0.06 -> +0.47 um: not kept. */
		double t = tilt_share(tilt_z);
		double zg = tilt_se > 0 ? tilt / tilt_se : tilt > 0 ? TOP_MISS_SIGMAS : 0;
		double half = t * num_abs(tilt), reach = tilt_share(zg) * (tilt + tilt_se);
		double cu = corner.um - corner.round_um;
		double zc = corner.se > 0 ? cu / corner.se : cu > 0 ? TOP_MISS_SIGMAS : 0;
		double reach_c = tilt_share(zc) * (cu + corner.se);
		if (t > 0) {
			double tu = t * tilt_se;
			peak += t * (smooth + tilt - peak);
			u_model = sqrt(u_model * u_model + tu * tu);
		}
		reach = reach_c > reach ? reach_c : reach;
		if (half > 0 || reach > 0)
			u_model = num_rect_add(u_model, reach > half ? reach : half);
	}
	if (!sharp && n >= TOP_MISS_BINS && left) {
		/* Left alone by ring.c, the dwell's quadratic above the top
		 * points at its peak (dwell_over): their reach, as above. */
		double b = dwell_over(P, lo, hi, &dq, vpos);
		if (b > 0)
			u_model = num_rect_add(u_model, b);
		/* and a cubic through the same points (dwell_skew): a top
		 * the quadratic cannot follow. Its middle over a ramp of the
		 * gap's significance z (from TOP_MISS_SIGMAS - OVER_TAKE_RAMP,
		 * in full from TOP_MISS_SIGMAS, as over_top's), its reach
		 * (the gap and one standard error) a rectangular half-width
		 * whatever its z, as over_top's: 10204's gap stood at z 2.2.
		 * The plateau's fall from its first point (dwell_slope: the
		 * pad sinking under the dwelling tips) in its place where it
		 * reaches further: mixed 4000 14530's plateau level stood
		 * 0.77 um under the crest (U 0.65), the cubic's gap 0.24 +-
		 * 0.16, the line's fall 0.47 +- 0.19 (now -0.67, U 0.88). */
		double sk_se, sk = dwell_skew(P, lo, hi, &dq, vpos, &sk_se);
		double sl_se, sl = dwell_slope(P, lo, hi, &dq, &sl_se);
		if (sl + sl_se > num_abs(sk) + sk_se) {
			sk = sl;
			sk_se = sl_se;
		}
		if (sk != 0) {
			double z = sk_se > 0 ? num_abs(sk) / sk_se : TOP_MISS_SIGMAS;
			double t = (z - TOP_MISS_SIGMAS) / OVER_TAKE_RAMP + 1;
			t = t > 0 ? (t < 1 ? t : 1) : 0;
			peak += t * sk / 2;
			u_model = num_rect_add(u_model, num_abs(sk) + sk_se);
		}
	}
	if (sharp && n < TOP_MISS_BINS && miss == 0 && sh->ring == MEASURE_RING_NONE && peak == smooth) {
		/* Left alone by ring.c, the fit under the top points (a top
		 * the pad's creep flattened): that mean is the peak (at or
		 * below the top; drift 1000 2032 -1.91 -> -0.44 um), the
		 * whole gap a rectangular half-width. */
		double under = peak_under_top(P, lo, hi, peak);
		if (under > 0) {
			peak += under;
			u_model = num_rect_add(u_model, under);
		}
	}
	if (sharp && narrow.um != 0 && miss == 0 && sh->ring == MEASURE_RING_NONE && peak == smooth) {
		/* Left alone by ring.c and the rules above, a fit that moves
		 * with the window's width (narrow_top: a top whose curvature
		 * changes across the window, the pad's creep at 1 kHz): sure,
		 * the middle of the fit and its extrapolation (taken over a
		 * ramp, narrow_top), the whole change a rectangular
		 * half-width, with the noise of the part taken. */
		if (narrow.take > 0) {
			double tu = narrow.take * narrow.u_um / 2;
			peak += narrow.take * narrow.um / 2;
			u_model = sqrt(u_model * u_model + tu * tu);
		}
		u_model = num_rect_add(u_model, narrow.um);
	}
	if (sharp && n < TOP_MISS_BINS && tilt != 0 && miss == 0 && sh->ring == MEASURE_RING_NONE) {
		/* Coarse bins (SHARP_COARSE_BINS .. TOP_MISS_BINS), no ring
		 * taken and the fit not above its top point: the tilted fit
		 * (tilt_gap, the pad's creep across the top) as on fine
		 * bins, its share of the way taken by the line's z
		 * (tilt_share) from wherever the rules above left the peak,
		 * with the noise of the part taken; but what counts in U is
		 * the gap's reach, the gap and one of its standard errors,
		 * whatever z (as over_top's bound): on ten points the line's
		 * F does not tell the creep. blind_hunt.py spikes 1000 11814
		 * (a soft pad at 57 Hz, 17 samples a stroke, 92 bins; a
		 * sharp rise and a slow fall): the order-2 fit read 0.62 um
		 * under the noiseless truth, -1.06 um against U 0.73 (its
		 * twin the same). Over 48 redraws of its physics the gap
		 * read +0.63 um (sd 0.30; the tilted peak +0.03 from the
		 * truth), the line's z 0.2 .. 8.3. Taken only where the
		 * window's width had moved nothing, it switched: spikes 1000
		 * 12619's twin (narrow_top at z 0.95) moved +0.84 um, the
		 * spiked record (z 2.7, the middle partly taken) not. The
		 * creep hides the crest under the sharp fit, so the peak is
		 * only raised: a tilted peak under it is no creep (the miss
		 * and the window's width judge a fit above its points), and
		 * taken it read drift 1000 2033 (its gap -0.29 um at z 3.3)
		 * -0.88 -> -1.17 um; its reach still counts. */
		double t = tilt_share(tilt_z), tu = t * tilt_se;
		double up = smooth + tilt - peak;
		peak += up > 0 ? t * up : 0;
		u_model = sqrt(u_model * u_model + tu * tu);
		u_model = num_rect_add(u_model, num_abs(tilt) + tilt_se);
	}
	/* ring.c's doubt of the smooth peak it kept (a local maximum
	 * 1..2 sigma up), after the rules above for a top it left alone */
	u_model = sqrt(u_model * u_model + doubt_um * doubt_um);
	sh->phase_gap = phase_gap_top(bn, jmax, lo, hi);
	sh->peak_u_phase_um = peak_u_phase(P, lo, hi, sh->phase_gap, peak, vpos);
	/* The sensor's exposure (a box of w bins ending at each sample)
	 * averaged the top: S -> M. Averaged again over w, the shape's
	 * highest box mean drops by R times as much, R from the order q of
	 * the true top (p - k |x|^q: S -> M takes k w^q / (2^q (q + 1)),
	 * M -> BM R = 2^(q+1) / (q + 2) - 1 times that: 1 for a parabola,
	 * 2.2 for a cycloid's cubic top, 4.33 for q = 4). The smoothed top
	 * does not tell q (it looks like a parabola), so the correction is
	 * the middle of drop / 4.33 .. drop, and half that range its
	 * rectangular model error, with the noise of the average.
	 * On fine bins (EXPOSURE_EXTRAP_BINS, a box of 3 bins or more) the
	 * box once more tells it: the drops d2 (M -> BM) and d3 (BM -> BBM)
	 * of a top p - a x^2 - b x^4 are linear in the number of boxes (its
	 * mean under k boxes is a moment of their sum: k w^2 / 12 and
	 * 3 (k w^2 / 12)^2 - k w^4 / 120), so S -> M is 2 d2 - d3, exact for
	 * every such top; a ring of the pad's passed as g = sinc(f tau) of
	 * it, its drops geometric (a (1 - g), a g (1 - g), ...), is read
	 * short by a (1 - g)^3 only. A ring's sharp top is a parabola's or
	 * sharper (R 1 and less): on the noiseless folds of blind_hunt.py
	 * ringing 4000 2033, 2035, 2036 the middle reads -1.12, -1.65,
	 * -0.44 um, 2 d2 - d3 +0.46, +0.26, -0.10 um (the engine: -1.32 ->
	 * +0.06, -2.04 -> -0.37 um; 2036's d2 was 0, its ring peak read
	 * 1 um low by quadratics wider than a ring period, until ring.c's
	 * ring_band_half: d2 0.15 um, -1.49 -> -0.98 um). The model
	 * error stays a rectangular half-width: the old
	 * one, or the distance to the old middle if that is further; the
	 * noise of 2 peak - 3 BM + BBM is counted as three times BM's. Only
	 * where d2 stands EXPOSURE_EXTRAP_SIGMAS of that noise out (below,
	 * the extrapolation is noise: the red team's short exposures at
	 * 4 kHz, no ring, U 1.3 -> 2.7 um for a correction under 0.2 um;
	 * there the box fits of the points: exposure_corr). */
	/* a ring fitted through the box (ring.c, ring_model_peak): its top
	 * is the unboxed one, the box's part already in */
	sh->exposure_um = isnan(box_um) ? 0 : box_um;
	sh->exposure_speed = false;
	if (sh->exposure_bins > 0 && isnan(box_um)) {
		double ue, w = sh->exposure_bins, p0 = peak, u_ring = u_model;
		bool extrap = n >= EXPOSURE_EXTRAP_BINS && sh->exposure_bins >= 3;
		bool ringless = sh->ring == MEASURE_RING_NONE && !sh->ring_crest_top;
		/* The box's drop is P's top's: a ring seen unresolved (ring.c)
		 * raised the peak by half its rise, which P's points do not
		 * show, so the drop is taken from the peak without it (and
		 * the half added after). Taken from the raised peak, the
		 * half-rise passed into the drop, and the extrapolation
		 * doubled it: blind_hunt.py noisy 4000 11219 (13.8 um of
		 * noise, 193 us; a "ring" of 18.86 um the noise made) added
		 * 18.33 um for an exposure that drops its quiet twin's top
		 * 0.17 um: +27.94 um against U 21.00; 1000 11317 (206 us)
		 * 7.90 um, +25.54 against U 23.38. */
		double ref = sh->ring == MEASURE_RING_UNRESOLVED ? peak - sh->ring_rise_um / 2 : peak;
		struct exposure_fit f;
		exposure_fits(P, vpos, w, ref, extrap, &f);
		sh->exposure_um = exposure_corr_fit(&f, w, false, ringless, &ue);
		peak += sh->exposure_um;
		/* the smooth top's drop scales with each stroke's speed
		 * (result.c std_exposure_speed): its d2 (below a bin the
		 * vertex's, taken as a parabola's) and its u */
		sh->exposure_speed = ringless;
		sh->exposure_d2_um = w < 1 ? sh->exposure_um : f.d;
		sh->exposure_ue_um = ue;
		u_model = sqrt(u_model * u_model + ue * ue);
		/* a ring's other crest, as high through the box (exposure_rival);
		 * not beside an unsure ring whose ripple earned nothing of its
		 * move (ring.c, ripple_ramp: the fold's noise made it). There
		 * the extrapolated drop of the noise's highest other maximum
		 * stood for a crest: blind_hunt.py noisy 4000 11583 (20.3 um
		 * of noise, 174 us) took one 28 points out, 2147.99 um and its
		 * drop 10.04 um: +15.16 um against U 13.24, status ok. The
		 * crest's box fits f are the rival's to compare with: with
		 * the ring taken or unsure, ref is p0. */
		if (extrap && (sh->ring == MEASURE_RING_TAKEN ||
			       (sh->ring == MEASURE_RING_UNSURE && sh->ring_rise_um > 0)))
			exposure_rival(P, src, vpos, w, p0, &f, u_ring, &peak, &u_model,
				       &sh->exposure_um);
	}
	double bend = sh->exposure_bins > 0
			      ? ring_bend_um(P, src, src->m->cfg.exposure_us * 1e-6)
			      : 0;
	ring_bound(sh, &src->m->cfg, RING_SEEN_SIGMAS * P->sd[jmax], bend, P, src, &u_model);
	*r = (struct top_read){ peak, vpos, u_peak, u_model, lo, hi };
}

/* The top read (shape_top_read), and where the ring from its impact was
 * taken (ring.c ring_onset_peak), its gap to the boxed top: the top read
 * once more without that model (the steady model, the exposure's
 * correction and the hidden ring's term, ring_bound), and the gap
 * between the two readings counts in U as a rectangular half-width (as
 * the ring's read under the strokes' two timings, learn.c
 * ring_timing_gap). The model reads a ring where the boxed top holds
 * one the box hid, and takes one where it holds none too: blind_hunt.py
 * mixed 4000 21334 (asine at 54.6 Hz, 453 um, 152 us, a PWM ripple at
 * 239 Hz, no ring drawn) read +2.10 um against U 1.35 with it, +0.14
 * (U 14.65) without; nothing in the fold told the two apart (session 44,
 * docs/measurement.md 5b). */
static void shape_top(struct shape *sh, const struct shape_pts *P, const struct bins *bn,
		      const struct fold_src *src, bool try_sharp, struct top_read *r)
{
	struct top_smooth ts = { .valid = false };
	shape_top_read(sh, P, bn, src, try_sharp, r, &ts);
	if (!sh->ring_box.onset)
		return;
	struct shape boxed = *sh; /* the read's fields only: a copy */
	struct fold_src s = *src;
	struct top_read rb;
	s.onset_off = true;
	shape_top_read(&boxed, P, bn, &s, try_sharp, &rb, &ts);
	r->u_model = num_rect_add(r->u_model, num_abs(r->peak - rb.peak));
}

/* Build the shape from bin sums. Returns false if there is no shape. */
static bool shape_build(struct shape *sh, const struct bins *bn, const struct bin_pairs *bp,
			const struct fold_src *src)
{
	struct shape_pts P; /* ~25 KiB of stack, as before the split */
	if (!shape_points(&P, bn, bp))
		return false;
	/* the ring model's fit, for both top reads (struct ring_memo) */
	struct ring_memo memo = { .valid = false };
	struct fold_src s = *src;
	s.ring_memo = &memo;
	src = &s;
	sparse_bins_sd(&P, bn, bp);
	shape_quads(sh, &P);
	long n = P.n, jmax = P.jmax;
	struct top_read r;
	double ts = sharp_share(&P);
	shape_top(sh, &P, bn, src, ts >= 0.5, &r);
	if (ts > 0 && ts < 1) {
		/* Between the two top models (sharp_share): each reads the
		 * top whole (ring.c and the exposure after it), the figure is
		 * their mixture by the share, and its variance the mixture's
		 * (each model's own, and t (1 - t) times the gap squared:
		 * budget table, "the top models' blend"). The ring's and the
		 * exposure's fields are the model with the larger share's;
		 * the other reads into a copy. */
		struct shape alt = *sh;
		struct top_read ra;
		shape_top(&alt, &P, bn, src, ts < 0.5, &ra);
		double t = ts >= 0.5 ? ts : 1 - ts, g = ra.peak - r.peak;
		r.u_model = sqrt(t * r.u_model * r.u_model + (1 - t) * ra.u_model * ra.u_model +
				 t * (1 - t) * g * g);
		r.u_peak = t * r.u_peak + (1 - t) * ra.u_peak;
		r.peak += (1 - t) * g;
		r.vpos += (1 - t) * (ra.vpos - r.vpos);
		sh->exposure_um += (1 - t) * (alt.exposure_um - sh->exposure_um);
		sh->exposure_d2_um += (1 - t) * (alt.exposure_d2_um - sh->exposure_d2_um);
		sh->exposure_ue_um += (1 - t) * (alt.exposure_ue_um - sh->exposure_ue_um);
		sh->exposure_speed = sh->exposure_speed && alt.exposure_speed;
	}
	double peak = r.peak, vpos = r.vpos, u_peak = r.u_peak, u_model = r.u_model;
	long lo = r.lo, hi = r.hi;
	/* Garbage in (a garbled capture) must not become a shape. */
	for (long j = 0; j < n; j++)
		if (!isfinite(sh->c0[j]) || !isfinite(sh->c1[j]) || !isfinite(sh->c2[j]))
			return false;
	if (!isfinite(peak))
		return false;
	sh->nbins = (unsigned)n;
	sh->peak_um = peak;
	sh->min_um = P.tmin;
	sh->peak_phase = ((double)jmax + vpos + 0.5) / n;
	sh->peak_phase -= floor(sh->peak_phase);
	sh->trough_phase = ((double)P.jmin + 0.5) / n;
	sh->peak_u_um = u_peak;
	top_fold_var(&P, bn, lo, hi, &sh->top_pt_var_um2, &sh->top_pt_inv_cnt,
		     &sh->top_pt_spread2_um2, &sh->top_pt_spread_dof);
	sh->peak_u_model_um = u_model;
	sh->sample_sd_um = P.sample_sd;
	double travel = peak - P.tmin;
	if (!(travel > 0))
		return false;
	for (long j = 0; j < n; j++)
		sh->w[j] = (P.yc[j] - P.tmin) / travel;
	shape_noise(sh, bn, &P);
	return true;
}

/* The shape's quadratics and sample spread from bin sums, nothing more:
 * what the spike gate reads (shape_at, shape_gate_um). */
static bool shape_gate_ref(struct shape *sh, const struct bins *bn, const struct bin_pairs *bp)
{
	struct shape_pts P; /* ~25 KiB of stack */
	if (!shape_points(&P, bn, bp))
		return false;
	sparse_bins_sd(&P, bn, bp);
	shape_quads(sh, &P);
	sh->nbins = bn->n;
	sh->sample_sd_um = P.sample_sd;
	return true;
}

/* The fold places a stroke's samples by a phase linear in time between
 * its knots. Where the pen's speed changes within the stroke that phase
 * is off by up to an eighth of the change (mid-stroke), and a start-up's
 * strokes folded so move the shape's flanks; every stroke timed against
 * that shape then carries it, the record's far end too: 1 kHz, 53.2 Hz
 * from 58 % (tau 45 ms, zeta 0.76), without noise, its tail read +7.8 ppm
 * (12 sampling phases, sd 0.4) against its own u of 1.3 ppm, and with the
 * start-up's first 100 samples cut off, -0.6 ppm. So a stroke goes into
 * the fold only where its period changes by at most FOLD_STEEP_REL a
 * stroke, from the strokes on either side of it (one side at the ends of
 * the list): 0.025 keeps a phase error under 0.3 % of a cycle, and a
 * steady pen's knot noise, wander and alternating lobes (the periods
 * two strokes apart alike) stay far below it. */
#define FOLD_STEEP_REL 0.025

static bool fold_steady(const struct xing *L, uint32_t nl, uint32_t k)
{
	double P = L[k + 1].t_slot - L[k].t_slot;
	double Pp = k > 0 ? L[k].t_slot - L[k - 1].t_slot : P;
	double Pn = k + 2 < nl ? L[k + 2].t_slot - L[k + 1].t_slot : P;
	double strokes = (double)(k > 0) + (double)(k + 2 < nl);
	return !(strokes > 0 && P > 0) || num_abs(Pn - Pp) <= FOLD_STEEP_REL * P * strokes;
}

/* Whether the fold takes only the steady strokes (fold_steady): where at
 * least half the usable ones are; else the record changes speed
 * throughout and every usable stroke is folded, as before. */
static bool fold_steady_only(const struct xing *L, uint32_t nl, const bool *use)
{
	uint32_t n = 0, steady = 0;
	for (uint32_t k = 0; k + 1 < nl; k++)
		if (use[k]) {
			n++;
			steady += fold_steady(L, nl, k);
		}
	return steady < n && 2 * steady >= n;
}

/* Stroke k goes into the fold (fold_steady_only): usable, and steady or
 * folded on its bent phase (knots_bend), which follows the speed's
 * change where the linear phase did not. Left out, a start-up's first
 * strokes on a creeping pad, whose tops the slow speed flattens, met a
 * shape folded from the steady strokes alone and were refused as not
 * the stroke shape (blind_hunt.py speed 4000 2063, 47 % start-up, pad
 * creeping 0.54 ms: 1 of 212 not measured, the first stroke +16.8 um
 * against U 14.8; tests/test_blind_captures.sh
 * speed_pad_startup_4khz_counted). */
static bool fold_takes(const struct fold_src *src, uint32_t k)
{
	struct bend kb;
	if (!src->use[k])
		return false;
	return !src->steady || fold_steady(src->L, src->nl, k) ||
	       knots_bend(src->L, src->nl, src->use, src->m->ktgt, k, &kb);
}

/* The learning fold: src's strokes (fold_takes) into bn at nb bins and
 * m->pairs, gated or not. */
static void learn_fold(struct measure *m, const struct fold_src *src, struct bins *bn,
		       unsigned nb, bool gate)
{
	memset(bn, 0, sizeof *bn);
	bn->n = nb;
	memset(m->pairs.sum, 0, sizeof m->pairs.sum);
	for (uint32_t k = 0; k + 1 < src->nl; k++)
		if (fold_takes(src, k))
			fold_stroke(m, src->L, src->nl, src->use, k, bn, gate, NULL, &m->pairs, NULL);
}

/* A fold with no gate (the first: no shape to gate speckle spikes
 * against) is folded once more, gated against its own quadratics
 * (shape_gate_ref), and that fold is built: a spike of 50..200 um moves
 * its bin of some 24 samples by 2..8 um, the knots fitted against that
 * shape (learn.c, knots_and_shape) move with it, and the passes after
 * keep part of the move (each knot fit starts from the last).
 * blind_hunt.py spikes 1000 17390 (2 spikes of 170 um, away from the top,
 * under 227 us): the mean -0.73 um from its spike-free twin's (issue 13:
 * 0.5), the top's vertex 0.23 bins apart; now -0.002 (session 40,
 * KINGPIN). The gated fold costs a pass over the samples; a whole build
 * in its place cost 59 % more instructions on 4 kHz 13822's twin. */
bool shape_learn(struct measure *m, const struct xing *L, uint32_t nl, const bool *use,
		 unsigned *nbins, bool gate)
{
	struct bins *bn = &m->bins;
	unsigned filled;
	/* the exposure in bins: its part of the mean period of these strokes */
	m->shape.exposure_bins = 0;
	m->shape.exposure_p_slots = 0;
	if (m->cfg.exposure_us > 0 && nl > 1 && L[nl - 1].t_slot > L[0].t_slot) {
		m->shape.exposure_p_slots = (L[nl - 1].t_slot - L[0].t_slot) / (double)(nl - 1);
		m->shape.exposure_bins = m->cfg.exposure_us * 1e-6 * m->cfg.rate_hz /
					 m->shape.exposure_p_slots;
	}
	struct fold_src src = { .m = m, .L = L, .nl = nl, .use = use,
				.steady = fold_steady_only(L, nl, use) };
	do {
		learn_fold(m, &src, bn, *nbins, gate);
		filled = 0;
		for (unsigned j = 0; j < *nbins; j++)
			filled += bn->cnt[j] > 0;
		/* Below NBIN_MIN the top's fit spans too much of the cycle
		 * and reads shallow (15 bins: 5.5 um, blind_hunt.py drift
		 * 1000 16717, 27 of 31 filled): a count whose half lies
		 * below it (under 32, odd or even) halves only with more
		 * than a fifth of its bins empty (a
		 * commensurate rate's few phases: 10 samples a stroke kept
		 * at 21 bins, 16 filled, rejected 82 strokes of a red
		 * record, tests/test_red_captures.sh note_unsure_). So does
		 * a count whose half lies under NBIN_HALVE_FINE: 19 bins
		 * read a sharp top 5.7 um shallow where 39 with 35 filled
		 * read it within 0.3 (blind_hunt.py drift 1000 20070). */
		unsigned tenths = *nbins / 2 >= NBIN_HALVE_FINE ? 9 : 8;
		if (filled * 10 < *nbins * tenths && *nbins > NBIN_MIN)
			*nbins /= 2;
		else
			break;
	} while (1);
	if (!gate) {
		if (!shape_gate_ref(&m->shape, bn, &m->pairs))
			return false;
		/* the gated fold again at these bins */
		gate = true;
		learn_fold(m, &src, bn, *nbins, gate);
	}
	m->shape.exposure_bins *= *nbins;
	src.gate = gate && m->shape.nbins == *nbins;
	src.fine_model_due = &m->shape.fine_model_due;
	m->shape.fold_gate = src.gate;
	m->shape.fold_steady = src.steady;
	m->shape.fold_gate_sd_um = m->shape.sample_sd_um;
	m->shape.fine_model_due = false;
	return shape_build(&m->shape, bn, &m->pairs, &src);
}

/* The last build's inputs are all in place (the bins and pairs of its
 * fold, the crossings, the samples, the quadratics the gate reads, which
 * the build makes again the same); the gate's sample spread is the one
 * it read, the build before's. */
bool shape_reread(struct measure *m, const struct xing *L, uint32_t nl, const bool *use)
{
	if (!m->shape.fine_model_due)
		return true;
	struct fold_src src = { .m = m, .L = L, .nl = nl, .use = use, .gate = m->shape.fold_gate,
				.steady = m->shape.fold_steady,
				.fine_model = true };
	m->shape.sample_sd_um = m->shape.fold_gate_sd_um;
	m->shape.fine_model_due = false;
	return shape_build(&m->shape, &m->bins, &m->pairs, &src);
}

bool shape_fold_window(const struct fold_src *src, const struct fold_win *win, unsigned nb,
		       struct shape_pts *P)
{
	struct bins bn; /* ~24 KiB of stack, while the top is folded finer */
	struct bin_pairs bp; /* ~10 KiB more */
	memset(&bn, 0, sizeof bn);
	bn.n = nb;
	bp.rho = src->m->pairs.rho;
	memset(bp.sum, 0, sizeof bp.sum);
	for (uint32_t k = 0; k + 1 < src->nl; k++)
		if (fold_takes(src, k))
			fold_stroke(src->m, src->L, src->nl, src->use, k, &bn, src->gate, win, &bp,
				    src->ref);
	if (!shape_points(P, &bn, &bp))
		return false;
	long n = P->n;
	for (long j = 0; j < n; j++)
		P->ys[j] = (P->yc[(j - 1 + n) % n] + P->yc[j] + P->yc[(j + 1) % n]) / 3;
	return true;
}
