/* ring.c - impact ringing on the top of the folded shape: the needles ring
 * on the pad, and the deepest point they reach may be a ringing peak that
 * a smooth model of the top averages away.
 */
#include <stdlib.h>
#include <string.h>

#include "measure/engine.h"

bool ring_local_quad(const struct shape_pts *P, long k, long h, double q[3], double inv[3][3],
		     double *s2, double *xc)
{
	double S[5] = { 0 }, Y[3] = { 0 }, ss = 0, wsum = 0;
	long j;
	*xc = pt_x(P, k, &j);
	for (long i = k - h; i <= k + h; i++) {
		double x = pt_x(P, i, &j) - *xc, p = 1;
		for (int e = 0; e < 5; e++) {
			S[e] += P->wt[j] * p;
			if (e < 3)
				Y[e] += P->wt[j] * p * P->yc[j];
			p *= x;
		}
		/* sd is a bin mean's standard error: sd^2 cnt a sample's variance */
		ss += P->sd[j] * P->sd[j] * P->wt[j] * P->wt[j];
		wsum += P->wt[j];
	}
	double A[3][3] = { { S[0], S[1], S[2] }, { S[1], S[2], S[3] }, { S[2], S[3], S[4] } };
	*s2 = ss / wsum;
	return num_solve3_sym(A, Y, q, inv);
}

/* A fine fold's points scatter about the local quadratic through
 * 2h + 1 of them (centred at xc: q) beyond their pooled noise s2 (a
 * sample's variance): its chi-square a degree of freedom, the factor on
 * s2 (the Birge ratio) when the chi-square stands beyond chance at
 * RING_MISFIT_P for its 2h - 2 degrees of freedom, else 1. Until 12-06
 * session 40 the ratio counted beyond 3 at every h, which 2 degrees of
 * freedom (h 2) pass by chance once in 20 and 4 (h 3) once in 60, and a
 * fold's search tries each h over its whole top window: blind_hunt.py
 * ringing 1000 15908 (a 4438 Hz ring of 16.3 um on 130 Hz asine strokes,
 * 7.7 samples a stroke; the fine points' excess over the coarse shape at
 * z 32.9) took its crest from the quadratic over 7 points at 4.29 of
 * chi-square a degree of freedom (p 0.002), its u 1.23 -> 2.56 um: the
 * ring unsure, U 4.35 -> 9.18 um for an error of +1.33; 24 redraws of its
 * noise and scatter (tests/gen/ring_redraw.py) read +0.32 um on average,
 * sd 1.37, all within U. 15982's twin (below) stays: 8.8 a degree of
 * freedom on 2 (p 0.0002). */
#define RING_MISFIT_P 1e-3
static double fine_misfit(const struct shape_pts *P, long k, long h, const double q[3],
			  double xc, double s2)
{
	if (!P->indep || !(s2 > 0) || h < 2)
		return 1;
	double rss = 0;
	long j;
	for (long i = k - h; i <= k + h; i++) {
		double x = pt_x(P, i, &j) - xc, e = P->yc[j] - (q[0] + q[1] * x + q[2] * x * x);
		rss += P->wt[j] * e * e;
	}
	/* the chi-square's upper tail on 2m = 2h - 2 degrees of freedom:
	 * e^(-c/2) sum_{i<m} (c/2)^i / i! */
	double c2 = rss / s2 / 2, term = 1, tail = 0;
	for (long i = 0; i < h - 1; i++) {
		tail += term;
		term *= c2 / (double)(i + 1);
	}
	tail *= exp(-c2);
	return tail < RING_MISFIT_P ? rss / ((double)(2 * h - 2) * s2) : 1;
}

/* The local quadratic's maximum if it has one within reach of point k,
 * reach counted in gaps to the neighbouring point on the vertex's side
 * (a fine fold's points are irregularly spaced: a peak between two of
 * them may lie more than half an index from both, and was lost), with
 * the standard uncertainty of that value. On a fine fold (P->indep: its
 * points hold 1..6 samples each, their noise pooled) that uncertainty
 * grows by the points' misfit about the quadratic (fine_misfit): one
 * heavy-tailed noise value makes a point of its own there. blind_hunt.py
 * spikes 1000 15982's spike-free twin (t3 noise of 1.77 um, 7.09 samples
 * a stroke, no ring): two noise values 20.7 and 20.9 um deep at the
 * tops, inside the spike gate (6 x 3.60 + 2 um), made fine points of
 * 386.9 and 381.5 um among 372..376; the quadratic over five of them
 * (chi-square 8.8 a degree of freedom) stood 8.05 um over the smooth
 * peak at 6.2 u and was taken for a ring: +8.45 um against U 5.93, status
 * ok. With u scaled by the misfit, a ripple not clearly beyond its noise:
 * +2.36 um, U 4.42. */
#define RING_MIN_BINS 200 /* coarser bins do not resolve kHz ringing (and
			     a cycloid's sharp top fooled the local fits) */

static bool local_vertex(const struct shape_pts *P, long k, long h, double reach, double *val,
			 double *pos, double *u, double *curv, double *share, int *side)
{
	double q[3], inv[3][3], s2, xc;
	if (!ring_local_quad(P, k, h, q, inv, &s2, &xc) || !(q[2] < 0))
		return false;
	double v = -q[1] / (2 * q[2]);
	long jn;
	double gap = num_abs(pt_x(P, k + (v > 0 ? 1 : -1), &jn) - xc);
	if (num_abs(v) > reach * gap)
		return false;
	double g[3] = { 1, v, v * v }, var = 0;
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++)
			var += g[a] * inv[a][b] * g[b];
	*val = q[0] + q[1] * v + q[2] * v * v;
	*pos = xc + v;
	*u = sqrt(var * s2 * fine_misfit(P, k, h, q, xc, s2));
	*curv = -q[2];
	if (share)
		*share = gap > 0 ? num_abs(v) / gap : 0;
	if (side)
		*side = v > 0 ? 1 : -1;
	return true;
}

static bool local_max(const struct shape_pts *P, long k, long h, double reach, double *val,
		      double *pos, double *u, double *curv)
{
	return local_vertex(P, k, h, reach, val, pos, u, curv, NULL, NULL);
}

/* The local maximum point k claims for the search (ring_candidate): its
 * vertex within half the gap to the neighbouring point on the vertex's
 * side (local_max, reach 0.5), or further, up to that neighbour, where
 * the neighbour claims none: its own quadratic has no maximum there, or
 * puts its vertex beyond half the gap too (back towards k: the one whose
 * vertex lies nearer its own point claims it; away: none does). Each
 * point's quadratic is fitted over its own 2h + 1 points, so two of them
 * may each put a crest between them on the other's side, and the crest
 * was lost (12-07, MITRE): blind_hunt.py ringing 4000 21391 (a 4782 Hz
 * ring of 18.4 um on 207 Hz strokes, 266 points, the ripple at 18 sigma,
 * h 2) had its crest between points 0.95 apart, read 0.54 and 0.52 of
 * the gap from the two nearest: a side crest 4.3 um lower became the
 * ring's, and the ring's model (the second reading) met it halfway:
 * -2.15 um, U 5.17; in 2 of its 8 redraws (tests/gen/ring_redraw.py)
 * so, the other 6 within 0.5 um (U 0.55..0.87). Only on a fold that
 * resolves a ring (RING_MIN_BINS), not a fine fold of the top (P->indep):
 * claimed on every fold, the maxima so added widened 21 of 50 records of
 * ringing at 1 kHz (blind_hunt.py seeds 23800-23849; 23805's U 3.11 ->
 * 10.32 um, its coarse fold's) and brought none within 1 um or U. And
 * only where a ring is seen (ring_candidate's by_error): with none, a
 * maximum so claimed on a short dwell's plateau (blind_hunt.py mixed 4000
 * 2037, no ring) shrank the gap of the smooth peak over every local
 * maximum (VERTEX_SIGMAS, peak_ringing): +0.21 um, U 0.30 -> +0.27, U
 * 0.19 (tests/test_blind_captures.sh, dwell_vertex_4khz). */
static bool local_max_claim(const struct shape_pts *P, long k, long h, double *val, double *pos,
			    double *u, double *curv)
{
	double s, sn, vn, pn, un, cn;
	int d, dn;
	if (P->indep || P->n < RING_MIN_BINS)
		return local_max(P, k, h, 0.5, val, pos, u, curv);
	if (!local_vertex(P, k, h, 1.0, val, pos, u, curv, &s, &d))
		return false;
	if (s <= 0.5)
		return true;
	if (!local_vertex(P, k + d, h, 1.0, &vn, &pn, &un, &cn, &sn, &dn))
		return true;
	if (sn <= 0.5)
		return false;
	return dn == d || s < sn || (s == sn && d > 0);
}

/* The value at the centre of a least-squares quadratic through the
 * points -h..h of x^4 (uniform): how much of a 4th-order term the local
 * quadratic misreads. */
static double quartic_bias(long h)
{
	double n = 0, s2 = 0, s4 = 0, s6 = 0;
	for (long x = -h; x <= h; x++) {
		double x2 = (double)(x * x);
		n += 1;
		s2 += x2;
		s4 += x2 * x2;
		s6 += x2 * x2 * x2;
	}
	return (s4 * s4 - s2 * s6) / (n * s4 - s2 * s2);
}

/* How much of a ring's peak a local quadratic through the points -h..h
 * reads, the ring w radians a point (uniform points): the least-squares
 * value at the centre of cos(w x) (Savitzky-Golay), times the bins' mean
 * over a point's width (sinc(w / 2)). 1 for w = 0; small, or below 0,
 * when the 2h + 1 points span a ring period. */
static double ring_gain(long h, double w)
{
	double g = 0, hh = (double)h, den = (2 * hh + 3) * (2 * hh + 1) * (2 * hh - 1);
	for (long x = -h; x <= h; x++)
		g += 3 * (3 * hh * hh + 3 * hh - 1 - 5 * (double)(x * x)) / den * cos(w * (double)x);
	return w > 0 ? g * sin(w / 2) / (w / 2) : g;
}

/* The top's ripple. A smooth top falls on both sides; a ringing one rises
 * again. Walking out from the top on each side (up to reach points), the
 * largest rise of the shape above the lowest point passed so far, when it
 * is beyond RIPPLE_SIGMAS standard errors of the difference (sd: the bins'
 * own noise, which counts the strokes' scatter too): its size (um) and how
 * far that lowest point lies from the top (points: about half a ring
 * period). A ring of 5..20 um stands out of the 0.2..1 um noise of the
 * bins even where the local fits below cannot tell its peak from noise. */
#define RIPPLE_SIGMAS 5.0
struct ripple {
	double rise_um;   /* 0: none seen */
	long half;        /* top to the trough before the rise, points */
	long convex;      /* top to the nearest convex point, 0: none */
	double step_um;   /* a point above the top's, beyond noise */
	double z_rise;    /* the largest rise's significance, seen or not */
	double z_convex;  /* the largest convex curvature's, likewise */
};

static void ripple_walk(const struct shape_pts *P, long reach, long w, struct ripple *r)
{
	for (int d = -1; d <= 1; d += 2) {
		double m = INFINITY, msd = 0;
		long mk = 0;
		for (long k = 0; k <= reach; k++) {
			/* the mean of w points from k outward, its noise as
			 * if theirs were one (neighbouring bins share strokes
			 * and their scatter: counted apart, a dwell's plateau
			 * rose 2.9 um, 5 of those sigma) */
			double y = 0, sd = 0;
			long j;
			for (long i = 0; i < w; i++) {
				pt_x(P, d * (k + i), &j);
				y += P->yc[j];
				sd += P->indep ? P->sd[j] * P->sd[j] : P->sd[j];
			}
			y /= (double)w;
			sd = P->indep ? sqrt(sd) / (double)w : sd / (double)w;
			if (y < m) {
				m = y;
				msd = sd;
				mk = k;
				continue;
			}
			double sig = sqrt(sd * sd + msd * msd);
			if (mk > 0 && y - m > r->z_rise * sig && sig > 0)
				r->z_rise = (y - m) / sig;
			/* a fall first, then a rise; a point above the top
			 * itself (the 3-point mean chose it) is a step: a sharp
			 * top's neighbour, or a ring the bins alias */
			if (mk == 0 && y - m > RIPPLE_SIGMAS * sig && y - m > r->step_um)
				r->step_um = y - m;
			if (mk > 0 && y - m > RIPPLE_SIGMAS * sig && y - m > r->rise_um) {
				r->rise_um = y - m;
				r->half = mk + w / 2;
			}
		}
	}
}

/* A smooth top is concave down to its flanks' inflection; a ring makes it
 * convex at its troughs. Over the points within a tenth of the travel of
 * the top (and reach), a local quadratic of 2h + 1 points (h = convex_hs)
 * whose curvature is convex beyond RIPPLE_SIGMAS. convex_scan gives the
 * nearest such point to the top (*nearest, when not NULL: kept when it is
 * nearer than the value there, 0 for none) and, for each h, the largest
 * such curvature (qmax, when not NULL: kept when larger than the value
 * there). ripple_convex keeps the nearest (r->convex); ring_bend_um
 * bounds a hidden ring by the largest. The ring need not rise again: on a
 * steep flank (1500 um at 255 Hz, a 2.4 kHz ring) it only bends it. */
static const long convex_hs[] = { 2, 3, 5, 8 };
#define CONVEX_NH (sizeof convex_hs / sizeof convex_hs[0])

static void convex_scan(const struct shape_pts *P, long reach, long *nearest,
			double qmax[CONVEX_NH], double *zmax)
{
	double floor_um = P->ys[P->jmax] - 0.1 * (P->ys[P->jmax] - P->tmin);
	for (int d = -1; d <= 1; d += 2) {
		for (long k = 1; k <= reach; k++) {
			long j;
			pt_x(P, d * k, &j);
			if (P->ys[j] < floor_um)
				break;
			for (size_t i = 0; i < CONVEX_NH; i++) {
				double q[3], inv[3][3], s2, xc;
				if (2 * convex_hs[i] + 1 > P->n / 4 || 2 * convex_hs[i] > k + 1)
					break;
				if (!ring_local_quad(P, d * k, convex_hs[i], q, inv, &s2, &xc))
					continue;
				double sq = sqrt(inv[2][2] * s2);
				if (zmax && q[2] > *zmax * sq && sq > 0)
					*zmax = q[2] / sq;
				if (!(q[2] > RIPPLE_SIGMAS * sq))
					continue;
				if (nearest && (*nearest == 0 || k < *nearest))
					*nearest = k;
				if (qmax && q[2] > qmax[i])
					qmax[i] = q[2];
			}
		}
	}
}

static void ripple_convex(const struct shape_pts *P, long reach, struct ripple *r)
{
	convex_scan(P, reach, &r->convex, NULL, &r->z_convex);
}

static void top_ripple(const struct shape_pts *P, long reach, struct ripple *r)
{
	r->rise_um = 0;
	r->step_um = 0;
	r->half = 0;
	r->convex = 0;
	r->z_rise = 0;
	r->z_convex = 0;
	/* single points, and means of three (less noise, a ring of six
	 * points a period or more) */
	if (!P->indep)
		ripple_walk(P, reach, 1, r);
	ripple_walk(P, reach, 3, r);
	ripple_convex(P, reach, r);
}

/* The best local maximum over the top window [lo, hi]: for each h (2h + 1
 * points, at most hmax), the highest maximum of the local quadratics, and
 * its Richardson correction (the quadratic over one more point each side,
 * r = b(h+1)/b(h): see peak_ringing). Of those, the one furthest above the
 * smooth peak against its own uncertainty, or (by_error: a ring is seen)
 * the one with the least uncertainty and correction together among those
 * as high as the highest within their noise (the furthest above the
 * smooth peak is often the noisiest, h = 2: a ring of 12 points a period
 * read +1.2 um so). Returns false if there is none. */
struct ring_cand {
	double val, pos, u, curv, corr;
	long k, h;
	double top; /* the highest reading, val + corr, of every h tried */
};

static bool ring_candidate(const struct shape_pts *P, long lo, long hi, long hmax, double smooth,
			   bool by_error, struct ring_cand *c)
{
	static const long hs[] = { 2, 3, 5, 8 };
	struct ring_cand hc[sizeof hs / sizeof hs[0]];
	size_t nh = 0, top = 0;
	for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
		if (2 * hs[i] + 1 > P->n / 4 || hs[i] > hmax)
			break;
		struct ring_cand h = { .val = -INFINITY, .h = hs[i], .top = NAN };
		for (long k = lo; k <= hi; k++) {
			double val, pos, u, cv;
			if ((by_error ? local_max_claim(P, k, hs[i], &val, &pos, &u, &cv)
				      : local_max(P, k, hs[i], 0.5, &val, &pos, &u, &cv)) &&
			    val > h.val)
				h = (struct ring_cand){ val, pos, u, cv, 0, k, hs[i], NAN };
		}
		if (!isfinite(h.val) || !(h.u > 0))
			continue;
		double v1, p1, u1, c1;
		if (local_max(P, h.k, h.h + 1, 1.5, &v1, &p1, &u1, &c1) && v1 < h.val)
			h.corr = (h.val - v1) / (quartic_bias(h.h + 1) / quartic_bias(h.h) - 1);
		if (nh && h.val + h.corr > hc[top].val + hc[top].corr)
			top = nh;
		hc[nh++] = h;
	}
	double bz = -INFINITY;
	for (size_t i = 0; i < nh; i++) {
		const struct ring_cand *h = &hc[i];
		double z = (h->val - smooth) / h->u;
		if (by_error) {
			/* only the maxima as high as the highest (one h may
			 * miss the ring's peak and take a lower one: 3 um) */
			double t = hc[top].val + hc[top].corr, ut = hc[top].u;
			if (h->val + h->corr < t - 2 * sqrt(h->u * h->u + ut * ut))
				continue;
			z = -(h->u * h->u + h->corr * h->corr);
		}
		if (z > bz) {
			bz = z;
			*c = *h;
		}
	}
	if (nh)
		c->top = hc[top].val + hc[top].corr;
	return isfinite(bz);
}

/* Impact ringing: the needles ring on the pad, and the deepest point they
 * reach is a ringing peak on the top, which a smooth model of the top
 * (peak_sharp, peak_dwell) averages away (15 um of 4 kHz ringing read
 * 2.2..2.8 um shallow). The folded shape keeps it (the mean of the
 * strokes aligned in time), and its points are searched in three ways:
 *
 * - The ripple (top_ripple): a smooth top falls on both sides and is
 *   concave near its peak; a ringing one rises again or bends convex at
 *   its troughs. Seen beyond 5 standard errors, a ring is there.
 * - Local maxima (ring_candidate): each point of the top window is tried
 *   as the middle of a local quadratic over 2h + 1 points (h = 2, 3, 5, 8,
 *   at most a quarter ring period when the ripple shows it). A local
 *   quadratic reads a peak low by its 4th-order term; the quadratic over
 *   one more point each side reads it low by r = b(h+1)/b(h) times as much
 *   (quartic_bias), so the two extrapolate (Richardson); the correction is
 *   also the model's error (standard).
 *
 * Then: a ring seen and resolved (RING_MIN_BINS bins, RING_MIN_HALF points
 * in half its period): the best local maximum, corrected, is the peak
 * whenever it lies above the smooth one. (Before, without the ripple, it
 * had to stand 3.5 of its standard uncertainties above the smooth peak,
 * and a ring under noise that did not (z 1.3..3) left the smooth peak
 * 0.6..2.2 um shallow.) No ripple: a local maximum 3.5 sigma above the
 * smooth peak may be a ring that decayed by the top or the strokes'
 * scatter (a bin sees few distinct strokes: 3.8 um of scatter read +1.4 um
 * so, U 1.2): the middle of the two, half their gap as a rectangular
 * model error; 2..3.5 sigma (the highest of many noisy local maxima lies
 * about 2 sigma up): the smooth peak, the gap in U. A ring seen but not
 * resolved (coarse bins: 1 kHz, 83 a cycle, aliases a 2..5 kHz ring; or
 * fewer than RING_MIN_HALF points in half its period): the peak lies
 * between the smooth one and its rise above it, so the middle, half the
 * rise as a rectangular model error; a point above the top's own beyond
 * noise (a sharp top's neighbour, or an aliased ring) counts in U as a
 * rectangular half-width. */
#define RING_SIGMAS 3.5
#define RING_TAKE_RAMP 1.0 /* the middle taken from RING_SIGMAS less this */
#define VERTEX_SIGMAS 2.0 /* the smooth peak above every local maximum */
#define RING_MIN_HALF 3   /* points in half a ring period to resolve its peak */
/* A ring's trough beside a crest on the top lies within half a period of
 * the slowest ring of the band (bh, ring_band_half) of that crest; under
 * noise the first may not show, and the second lies 3 half periods out. A
 * convex point further than RING_FAR_HALVES bh, with no rise, is a trough
 * of the ring the impact started on the flank (the tips meet the pad on
 * their way in), and what is left of that ring on the top is small. There
 * a local maximum under RING_SIGMAS above the smooth peak is not told from
 * the top's noise (a plateau's top window holds many noisy local maxima,
 * and the highest stands about 2 sigma up): the smooth peak stays, and the
 * gap counts in U as a rectangular half-width, covering both.
 * blind_hunt.py ringing 4000 10105 (a 3.0 kHz ring struck 1.6 ms before a
 * 0.8 ms dwell, 0.3 um of it left there; the convex point 26 points out,
 * bh 5.6; a top window of 44 points): the maximum, 0.98 um (1.6 sigma)
 * up, was the peak: +1.18 um, status ok; 20 captures of its physics read
 * +0.86 um on average, 7 beyond 1 um. A maximum beyond RING_SIGMAS is
 * taken as before (ringing 4000 3028: convex at 3.7 bh, 3.8 sigma). */
#define RING_FAR_HALVES 3.0

/* What a ripple earns of a ring's move over the smooth peak: none at
 * RIPPLE_SIGMAS, which made the ring seen (top_ripple: a rise, or a convex
 * bend on RING_MIN_BINS bins or more), all of it RIPPLE_RAMP sigma
 * further. Its z is the largest of many: a rise is looked for from every
 * point of a walk of n / 8 points each side of the top, so a wide flat top
 * under noise (a soft pad's plateau) shows one near RIPPLE_SIGMAS without
 * any ring (ripple_ramp's uses say where). excess: the fold's scatter
 * over its points' standard errors, as a factor on their variance
 * (fold_noise_excess; 1 for the fine folds, whose noise is pooled), and
 * z is judged against that scatter: blind_hunt.py noisy 4000 11583 (20.3
 * um of noise on a 387 um stroke under 174 us, 360 points) rose 31.9 um
 * at 6.71 of the points' sigma, 4.56 of the scatter's (excess 2.16), and
 * earned the whole move. */
#define RIPPLE_RAMP 1.0
static double ripple_ramp(const struct ripple *rp, long n, double excess)
{
	double z = rp->z_rise;
	if (n >= RING_MIN_BINS && rp->z_convex > z)
		z = rp->z_convex;
	z /= sqrt(excess);
	return num_ramp(z, RIPPLE_SIGMAS, RIPPLE_SIGMAS + RIPPLE_RAMP);
}

/* A local maximum with no ripple, under 2 sigma above the smooth peak: a
 * share of its gap is a doubt from MAX_DOUBT_FROM sigma, where the top
 * bends convex by MAX_DOUBT_BEND sigma or more (peak_ringing). */
#define MAX_DOUBT_FROM 1.0
#define MAX_DOUBT_BEND 2.0
static bool ring_fine(const struct shape_pts *P, const struct fold_src *src, long lo, long hi,
		      double *peak, double *vpos, double *u_peak, double *u_model,
		      struct top_curv *tc, enum measure_ring *ring, double *rise_um);
static void ring_reach(const struct shape_pts *P, long lo, long hi, long reach, long *wlo,
		       long *whi);
static void ring_reach_um(const struct shape_pts *P, long lo, long hi, long reach, double drop_um,
			  long *wlo, long *whi);
static double ring_band_gain(double exposure_s);

/* Points in half a period of the slowest ring of the pad (RING_HZ_LO,
 * REFERENCE.md: 2..5 kHz), P a fold of src's strokes over one cycle;
 * INFINITY when not known (no src: a fine fold of the top). The ripple's
 * nearest convex point lies half a ring period from the top, and the
 * local quadratics span up to a quarter of one (half / 2 points each
 * side); a convex point further out than this is the top's own bend or
 * noise. blind_hunt.py ringing 4000 2036 (a 4.4 kHz ring of 16.7 um, 8.7
 * points a period) showed its first convex point 12 points out under
 * noise: the quadratics over 11 points spanned more than a ring period,
 * the least uncertain of them read the ring's peak 1.0 um low, and the
 * best box mean of the exposure stood above it, so the exposure's drop
 * was taken as 0: -1.49 um (U 3.44); held to 9.6 points, -0.98 um. */
static double ring_band_half(const struct shape_pts *P, const struct fold_src *src)
{
	if (!src || src->nl < 2 || !(src->L[src->nl - 1].t_slot > src->L[0].t_slot))
		return INFINITY;
	double per = (src->L[src->nl - 1].t_slot - src->L[0].t_slot) / (double)(src->nl - 1);
	return (double)P->n * src->m->cfg.rate_hz / per / (2 * RING_HZ_LO);
}

/* A ring read by its model. The local quadratics need RING_MIN_HALF points
 * in half the ring's period; on bins that resolve only the band's slower
 * rings (bh RING_HZ_LO / RING_HZ_HI under that) a 5-point quadratic spans
 * more than a period of a fast one and reads the smooth top beneath it
 * (blind_hunt.py ringing 4000 10210: a 4.0 kHz ring on 52.7 Hz strokes,
 * 3.5 bins a ring period, the ripple plain at 8 sigma, read -1.29 um
 * against U 1.26). Where the ring only bends a steep flank (no ripple
 * beyond RIPPLE_SIGMAS) a local maximum far above the smooth peak was met
 * halfway (ringing 4000 10218: a 3.1 kHz ring, 11 sigma up, -1.67 um).
 * The fold holds the ring either way (the mean of the strokes aligned in
 * time), so it is fitted: the top as a quartic plus a damped sine
 * e^(-x / tau) (a cos wx + b sin wx) (the impact's start and phase are in
 * a and b), by weighted least squares over P's points lo..hi, for each
 * frequency of the band (RM_DF_HZ apart) and decay of rm_tau_ms. A bin is
 * the mean over its width, which passes sinc(w / 2) of the ring: the
 * ring's columns carry it, so the model is the ring itself. The least
 * chi-square wins; the ring counts only when it lowers the quartic's
 * chi-square by RM_CHI times its noise (chi-square a degree of freedom,
 * at least 1): some 1100 models are tried, and a ring of noise lowers it
 * by 2 on average, by 25 once in a thousand records. The model's highest
 * point within the inner half of the window is the top, u_peak its
 * standard uncertainty from the fit's covariance; the peak is the middle
 * of the spread below (under an exposure, of the better fitting window's
 * tops: ring_model_peak). Model errors, as
 * rectangular half-widths (u_model): the spread of that point over every
 * model within RM_PROFILE of the least chi-square and over a window
 * RM_NARROW as wide (the quartic's own error over the top), and RM_SHARE
 * of the ring's part at the crest (the strokes' timing in the fold blurs
 * the ring, and the quartic and the sine trade a share of the top: over
 * the draws at 4 kHz under 100 Hz with no exposure, docs/measurement.md
 * 5a, errors of -0.34 to +0.36 of it; all of it where the ring may be
 * the sampling grid's pattern, rm_grid_ring). False when no ring stands
 * out or a fit fails. */
#define RM_NTAU 9
static const double rm_tau_ms[RM_NTAU] = { 0.2, 0.28, 0.4, 0.56, 0.8, 1.1, 1.6, 2.2, 1e6 };
#define RM_DF_HZ 25.0
#define RM_NF ((int)((RING_HZ_HI - RING_HZ_LO) / RM_DF_HZ) + 1)
#define RM_CHI 30.0
#define RM_PROFILE 6.0
#define RM_NARROW 0.7
#define RM_SHARE 0.4
#define RM_NQ 5 /* the quartic's coefficients */
#define RM_NP (RM_NQ + 2) /* and the ring's 2 */
#define RM_NQ_LONG 7 /* the sextic's (the long window, below) */
#define RM_NP_MAX (RM_NQ_LONG + 2)
/* The widest base block: the sextic and the onset model's vertex column
 * (ro_vertex_set); the stride of rm_pts's A0 and q. */
#define RM_NB (RM_NQ_LONG + 1)
/* Under an exposure the model is fitted through the box (every column its
 * box mean: each sample is the mean of the target over [t - tau, t], the
 * fold aligns the boxed strokes by their crossings, so on the fold the box
 * is centred), and its top is the unboxed one; the box's noise
 * amplification (1 / gain) is in the fit's covariance. Not where the box
 * passes RM_BOX_PASS or more of every ring of the band (tau under about
 * 60 us): there the box's correction (shape.c, 5b) reads the top well, and
 * the model would add only its own error (blind_hunt.py ringing 4000
 * 10114, 48 us: +0.31 -> +1.06 um; 10500, 53 us: -0.92 -> -0.33 um but U
 * 1.57 -> 6.59, its strokes' extremes' U 8.73, past telling). Every
 * ring the box leaves anything of (RM_BOX_ZERO) is tried; when the ring
 * that fits best is one the box passes less than RM_BOX_GAIN of, there is
 * no model: its amplitude is the noise's over the gain, its information
 * gone, and U covers it (the hidden ring's terms, shape.c). Nor do such
 * rings count among the near-best models' tops. Until 12-05 rings under
 * 0.3 were not tried at all, so the best of the rest sat at the floor's
 * edge: ringing 4000 10721 (4167 Hz under 183 us, gain 0.28) was fitted
 * at 4025 Hz (0.32) and read -1.86 um; 10609 (4974 Hz, 152 us, 0.29) at
 * 4925 Hz (0.30), -1.26 um. The top window reaches RM_BOX_REACH_UM below
 * the top: the box widens it, and 20 um held 23..26 points for 7
 * coefficients on 10306, 10414, 10415 (4 * RM_NP needed). */
#define RM_BOX_GAIN 0.2
#define RM_BOX_ZERO 1e-3 /* a zero of the box: the ring's columns vanish */
#define RM_BOX_PASS 0.85
#define RM_BOX_REACH_UM (2 * RING_MAX_UM)
/* The farthest the model's window reaches below the top to hold its
 * 4 * RM_NP points (peak_ringing). */
#define RM_WIDE_REACH_UM (4 * RING_MAX_UM)
/* Under an exposure the peak is the middle of the near-best tops of one
 * window or both, by the two best fits' chi-squares: the narrow window's
 * (RM_NARROW) where the whole window's points beyond it fit worse than the
 * narrow window's noise beyond chance (an F test of nested windows, p
 * under RM_WINDOW_P: the quartic does not follow the top that far, and
 * leaves its misfit to the ring); else the whole window's where it fits
 * as well a degree of freedom or better (the narrow window's few points
 * let rings the box passes little of fit as well, and their tops only
 * widen the spread); else both windows'. U spans the tops of both. Until
 * 12-05 the middle of both was the peak: blind_hunt.py ringing 4000 9909
 * (3530 Hz under 185 us, gain 0.43) fitted the whole window at 2.50 of
 * chi-square a degree of freedom and the narrow one at 1.09 (their tops'
 * middles -2.21 and -0.20 um off) and read -1.26 um; 10614 (2762 Hz under
 * 184 us, 0.63; 1.19 and 1.35) read +2.83 um, the whole window's middle
 * +0.38. Measured over the ringing draws at 4 kHz under an exposure
 * (docs/measurement.md 5a). With no exposure the middle of both windows'
 * tops stays the peak (not measured otherwise), and so under an exposure
 * where a smooth top explains the ring as well (RM_SMOOTH). */
#define RM_WINDOW_P 0.05
struct rm_fit {
	double chi, c[RM_NP_MAX], inv[RM_NP_MAX * RM_NP_MAX], w, lam;
	unsigned nq; /* the polynomial's coefficients (c[0..nq-1]); the ring's
			c[nq], c[nq + 1] */
	double gain; /* the box's gain on the ring (rm_box; 1 with no box) */
};

/* P's points lo..hi for the models: positions, weights (1 / sd^2), values,
 * and the polynomial's own normal equations (x / span its variable), which
 * every model shares: the models fit its first nq columns (RM_NQ, a
 * quartic, or RM_NQ_LONG, a sextic; RM_NB, the sextic and the onset
 * model's vertex column, ro_vertex_set). */
struct rm_pts { /* ~45 KiB */
	long n;
	unsigned nq;
	double span, box, yy, A0[RM_NB * RM_NB], Y0[RM_NB];
	double vtx; /* the vertex column's (ro_vertex_set; nq RM_NB): v, */
	unsigned vq; /* and its power */
	double grid_hz; /* the sampling rate (rm_search; not set by rm_points) */
	unsigned step; /* rm_search's first frequencies RM_DF_HZ * step apart
			  (RM_COARSE; rm_points sets 1: all of them) */
	double x[NBIN_MAX], iw[NBIN_MAX], y[NBIN_MAX];
	double q[NBIN_MAX][RM_NB]; /* the polynomial's (box mean) columns */
};

/* A ring's columns at R's points before the box: e^(-lam x) (ex),
 * cos(w x) (cw), sin(w x) (sw). The search makes each once: ex per
 * decay, cw and sw per frequency. */
struct rm_ring_tab {
	const double *ex, *cw, *sw;
};

/* The polynomial's nq (RM_NQ or RM_NQ_LONG) columns at t (x / span),
 * each the mean over a centred box of e = half its width / span (0:
 * none): a polynomial's box mean is one of the same degree (t^2 + e^2 / 3,
 * t^3 + e^2 t, t^4 + 2 e^2 t^2 + e^4 / 5, t^5 + 10/3 e^2 t^3 + e^4 t,
 * t^6 + 5 e^2 t^4 + 3 e^4 t^2 + e^6 / 7), so the coefficients fitted are
 * the unboxed top's. */
static void rm_poly_cols(double t, double e, unsigned nq, double *col)
{
	double e2 = e * e, p = 1;
	for (unsigned i = 0; i < nq; i++, p *= t)
		col[i] = p;
	if (e2 > 0) {
		double t2 = t * t, e4 = e2 * e2;
		if (nq > 6)
			col[6] += 5 * e2 * t2 * t2 + 3 * e4 * t2 + e4 * e2 / 7;
		if (nq > 5)
			col[5] += 10.0 / 3 * e2 * t2 * t + e4 * t;
		col[4] += 2 * e2 * col[2] + e2 * e2 / 5;
		col[3] += e2 * t;
		col[2] += e2 / 3;
	}
}

static void rm_points(const struct shape_pts *P, long lo, long hi, double box, unsigned nq,
		      struct rm_pts *R)
{
	R->n = 0;
	R->nq = nq;
	R->step = 1;
	R->span = (double)(hi > -lo ? hi : -lo);
	R->box = box;
	R->yy = 0;
	memset(R->A0, 0, sizeof R->A0);
	memset(R->Y0, 0, sizeof R->Y0);
	for (long k = lo; k <= hi && R->n < (long)NBIN_MAX; k++) {
		long j;
		double x = pt_x(P, k, &j), col[RM_NQ_LONG], t = x / R->span;
		if (!(P->sd[j] > 0))
			continue;
		double iw = 1 / (P->sd[j] * P->sd[j]);
		rm_poly_cols(t, box / 2 / R->span, nq, col);
		memcpy(R->q[R->n], col, nq * sizeof col[0]);
		for (unsigned a = 0; a < nq; a++) {
			R->Y0[a] += iw * col[a] * P->yc[j];
			for (unsigned b = 0; b < nq; b++)
				R->A0[a * RM_NB + b] += iw * col[a] * col[b];
		}
		R->yy += iw * P->yc[j] * P->yc[j];
		R->x[R->n] = x;
		R->iw[R->n] = iw;
		R->y[R->n] = P->yc[j];
		R->n++;
	}
}

/* The mean of e^(s x), s = -lam + i w, over a centred box of width box
 * points, against e^(s x) itself: sinh(s box / 2) / (s box / 2), into
 * *kr + i *ki; returns its modulus, the box's gain on the ring (1 with no
 * box). */
static double rm_box(double w, double lam, double box, double *kr, double *ki)
{
	*kr = 1;
	*ki = 0;
	if (!(box > 0))
		return 1;
	double u = -lam * box / 2, v = w * box / 2, d = u * u + v * v;
	double a = sinh(u) * cos(v), b = cosh(u) * sin(v);
	*kr = (a * u + b * v) / d;
	*ki = (b * u - a * v) / d;
	return sqrt(*kr * *kr + *ki * *ki);
}

/* The chi-square of the coefficients c solving the normal equations
 * A c = Y (np x np, row-major) of points whose sum of y^2 is yy:
 * yy - 2 c.Y + c.A.c. The one such sum of rm_solve_tab and
 * rm_sextic_chi. */
static double rm_chi(unsigned np, const double *A, const double *Y, const double *c, double yy)
{
	double chi = yy;
	for (unsigned a = 0; a < np; a++) {
		double ac = 0;
		for (unsigned b = 0; b < np; b++)
			ac += A[a * np + b] * c[b];
		chi += c[a] * (ac - 2 * Y[a]);
	}
	return chi;
}

/* The normal equations A (np x np, upper triangle filled) and Y solved
 * into c (and inv, the inverse, unless NULL), *chi the fit's chi-square
 * (yy the values' weighted sum of squares): false when A is singular. */
static bool rm_sym_fit(unsigned np, double *A, const double *Y, double yy, double *c, double *inv,
		       double *chi)
{
	for (unsigned a = 0; a < np; a++)
		for (unsigned b = 0; b < a; b++)
			A[a * np + b] = A[b * np + a];
	if (!num_solve_sym(np, A, Y, c, inv))
		return false;
	*chi = rm_chi(np, A, Y, c, yy);
	return true;
}

/* One model over R: the ring w radians and lam nepers a point (the
 * quartic alone when !ring). The chi-square from the normal equations
 * (yy - 2 c.Y + c.A.c); inv only when want_inv (the search needs none).
 * Under an exposure (R->box points) every column is its box mean, so the
 * coefficients are the unboxed top's; a ring the box passes less than
 * RM_BOX_ZERO of is no model (false). */
static bool rm_solve_tab(const struct rm_pts *R, double w, double lam, bool ring, bool want_inv,
			 const struct rm_ring_tab *T, struct rm_fit *F)
{
	double A[RM_NP_MAX * RM_NP_MAX] = { 0 }, Y[RM_NP_MAX] = { 0 };
	double g = w > 0 ? sin(w / 2) / (w / 2) : 1, kr = 1, ki = 0;
	unsigned nq = R->nq, np = ring ? nq + 2 : nq;
	F->gain = ring ? rm_box(w, lam, R->box, &kr, &ki) : 1;
	if (ring && F->gain < RM_BOX_ZERO)
		return false;
	for (unsigned a = 0; a < nq; a++) {
		Y[a] = R->Y0[a];
		for (unsigned b = 0; b < nq; b++)
			A[a * np + b] = R->A0[a * RM_NB + b];
	}
	for (long i = 0; ring && i < R->n; i++) {
		double iw = R->iw[i], e = g * T->ex[i], cw = T->cw[i], sw = T->sw[i];
		double c5 = e * cw, c6 = e * sw;
		const double *col = R->q[i];
		if (R->box > 0) {
			c5 = e * (kr * cw - ki * sw);
			c6 = e * (kr * sw + ki * cw);
		}
		for (unsigned a = 0; a < nq; a++) {
			A[a * np + nq] += iw * col[a] * c5;
			A[a * np + nq + 1] += iw * col[a] * c6;
		}
		A[nq * np + nq] += iw * c5 * c5;
		A[nq * np + nq + 1] += iw * c5 * c6;
		A[(nq + 1) * np + nq + 1] += iw * c6 * c6;
		Y[nq] += iw * c5 * R->y[i];
		Y[nq + 1] += iw * c6 * R->y[i];
	}
	if (!rm_sym_fit(np, A, Y, R->yy, F->c, want_inv ? F->inv : NULL, &F->chi))
		return false;
	if (!ring)
		F->c[nq] = F->c[nq + 1] = 0;
	F->nq = nq;
	F->w = w;
	F->lam = lam;
	return true;
}

/* A ring's tables at R's points (rm_ring_tab): ex for the decay lam when
 * ex is not NULL, cw and sw for the frequency w when they are not. */
static void rm_ring_fill(const struct rm_pts *R, double w, double lam, double *ex, double *cw,
			 double *sw)
{
	for (long i = 0; i < R->n; i++) {
		double x = R->x[i];
		if (ex)
			ex[i] = exp(-lam * x);
		if (cw && sw) {
			cw[i] = cos(w * x);
			sw[i] = sin(w * x);
		}
	}
}

/* rm_solve_tab for one model, its tables made here (~12 KiB of stack). */
static bool rm_solve(const struct rm_pts *R, double w, double lam, bool ring, bool want_inv,
		     struct rm_fit *F)
{
	if (!ring) { /* no table is read (and gcc 14 would warn of unset ones) */
		struct rm_ring_tab none = { NULL, NULL, NULL };
		return rm_solve_tab(R, w, lam, false, want_inv, &none, F);
	}
	double ex[NBIN_MAX], cw[NBIN_MAX], sw[NBIN_MAX];
	rm_ring_fill(R, w, lam, ex, cw, sw);
	struct rm_ring_tab T = { ex, cw, sw };
	return rm_solve_tab(R, w, lam, true, want_inv, &T, F);
}

/* F's model at x (the ring at its full size), and its gradient in the
 * coefficients. */
static double rm_at(const struct rm_fit *F, double x, double span, double grad[RM_NP_MAX])
{
	double t = x / span, p = 1, m = 0, e = exp(-F->lam * x);
	unsigned nq = F->nq;
	for (unsigned i = 0; i < nq; i++, p *= t) {
		grad[i] = p;
		m += F->c[i] * p;
	}
	grad[nq] = e * cos(F->w * x);
	grad[nq + 1] = e * sin(F->w * x);
	return m + F->c[nq] * grad[nq] + F->c[nq + 1] * grad[nq + 1];
}

/* F's model at x averaged over a centred box of box points (the samples'
 * exposure; the bins' own width left out): the quartic's columns and the
 * ring turned by the box's factor kr + i ki (rm_box of F's ring: the same
 * at every x, so the caller makes it once). */
static double rm_at_box(const struct rm_fit *F, double x, double span, double box, double kr,
			double ki)
{
	double col[RM_NQ_LONG], m = 0, e = exp(-F->lam * x), cw = cos(F->w * x), sw = sin(F->w * x);
	unsigned nq = F->nq;
	rm_poly_cols(x / span, box / 2 / span, nq, col);
	for (unsigned i = 0; i < nq; i++)
		m += F->c[i] * col[i];
	return m + F->c[nq] * e * (kr * cw - ki * sw) + F->c[nq + 1] * e * (kr * sw + ki * cw);
}

/* rm_top's steps of a fifth of a point over [a, b], shared by the models
 * of one search's profile (rm_search, pass 2: some 1100 tops on a fine
 * fold, each ~190 steps of an exp, a cos and a sin): the steps x as
 * rm_top makes them, each decay's e^(-lam x) at them made once a search
 * and the frequency's cos (w x), sin (w x) once a frequency, so a model's
 * top costs its sums. Every value is the one rm_at makes (the same
 * functions of the same arguments), so the tops are the same to the bit.
 * nx < 0: [a, b] has more steps than the table (rm_at alone). The steps
 * of a hundredth about the best (rm_top_fine) depend only on that best
 * step (fj), and the profile's models share it often (the decays of one
 * frequency, one decay over the frequencies): their e^(-lam x) are kept
 * per decay and their cos, sin for one frequency, each with the step they
 * were made about (fex_j, fw_j; -1: none). fn < 0: more steps than
 * RM_TOP_NF (rm_at alone). */
#define RM_TOP_NX 256
#define RM_TOP_NF 48 /* the hundredths' steps: 41 or 42 */
struct rm_top_tab {
	int nx;
	double w; /* the frequency of cw, sw (NAN: none yet) */
	bool has_ex[RM_NTAU];
	int fj, fn, fex_j[RM_NTAU], fw_j;
	double fw, fx[RM_TOP_NF], fcw[RM_TOP_NF], fsw[RM_TOP_NF], fex[RM_NTAU][RM_TOP_NF];
	/* the steps' columns, nx apart in v (a stack page touched where
	 * they lie, not 2 KiB apart whatever nx) */
	double *x, *cw, *sw, *ex[RM_NTAU];
	double v[(3 + RM_NTAU) * RM_TOP_NX];
};

static void rm_top_tab_init(struct rm_top_tab *T, double a, double b)
{
	T->nx = 0;
	T->w = NAN;
	T->fj = T->fw_j = -1;
	for (int i = 0; i < RM_NTAU; i++) {
		T->has_ex[i] = false;
		T->fex_j[i] = -1;
	}
	for (double x = a; x <= b; x += 0.2) {
		if (T->nx == RM_TOP_NX) {
			T->nx = -1;
			return;
		}
		T->nx++;
	}
	T->x = T->v;
	T->cw = T->v + T->nx;
	T->sw = T->v + 2 * T->nx;
	for (int i = 0; i < RM_NTAU; i++)
		T->ex[i] = T->v + (3 + i) * T->nx;
	int j = 0;
	for (double x = a; x <= b; x += 0.2)
		T->x[j++] = x;
}

/* T's columns for F (its decay rm_tau_ms[tau]), made where not yet. */
static void rm_top_tab_fill(struct rm_top_tab *T, const struct rm_fit *F, int tau)
{
	if (!T->has_ex[tau]) {
		for (int j = 0; j < T->nx; j++)
			T->ex[tau][j] = exp(-F->lam * T->x[j]);
		T->has_ex[tau] = true;
	}
	if (!(T->w == F->w)) {
		for (int j = 0; j < T->nx; j++) {
			T->cw[j] = cos(F->w * T->x[j]);
			T->sw[j] = sin(F->w * T->x[j]);
		}
		T->w = F->w;
	}
}

/* T's hundredths about its coarse step j (rm_top_fine) for F (its decay
 * rm_tau_ms[tau]), made where not yet; false where they are more than
 * RM_TOP_NF. */
static bool rm_top_fine_fill(struct rm_top_tab *T, const struct rm_fit *F, int tau, int j)
{
	if (T->fj != j) {
		double x0 = T->x[j];
		T->fj = j;
		T->fn = 0;
		for (double x = x0 - 0.2; x <= x0 + 0.2; x += 0.01) {
			if (T->fn == RM_TOP_NF) {
				T->fn = -1;
				break;
			}
			T->fx[T->fn++] = x;
		}
	}
	if (T->fn < 0)
		return false;
	if (T->fex_j[tau] != j) {
		for (int i = 0; i < T->fn; i++)
			T->fex[tau][i] = exp(-F->lam * T->fx[i]);
		T->fex_j[tau] = j;
	}
	if (T->fw_j != j || !(T->fw == F->w)) {
		for (int i = 0; i < T->fn; i++) {
			T->fcw[i] = cos(F->w * T->fx[i]);
			T->fsw[i] = sin(F->w * T->fx[i]);
		}
		T->fw_j = j;
		T->fw = F->w;
	}
	return true;
}

/* rm_at's value at x from its ring's columns there, e^(-lam x) (e), cos
 * and sin (w x), its sums in rm_at's order. */
static double rm_at_cols(const struct rm_fit *F, double x, double e, double cw, double sw,
			 double span)
{
	double t = x / span, p = 1, m = 0;
	unsigned nq = F->nq;
	for (unsigned i = 0; i < nq; i++, p *= t)
		m += F->c[i] * p;
	return m + F->c[nq] * (e * cw) + F->c[nq + 1] * (e * sw);
}

/* The highest point of F's model over [a, b], at *xs: in steps of a fifth
 * of a point, then of a hundredth about the best. T (may be NULL): the
 * first steps' table (rm_top_tab), F's decay rm_tau_ms[tau]. */
static double rm_top(const struct rm_fit *F, double a, double b, double span, double *xs,
		     struct rm_top_tab *T, int tau)
{
	double best = -INFINITY, grad[RM_NP_MAX];
	*xs = a;
	if (T && T->nx >= 0) {
		int jb = 0; /* *xs's step (T->x[0] is a) */
		rm_top_tab_fill(T, F, tau);
		for (int j = 0; j < T->nx; j++) {
			double v = rm_at_cols(F, T->x[j], T->ex[tau][j], T->cw[j], T->sw[j], span);
			if (v > best) {
				best = v;
				*xs = T->x[j];
				jb = j;
			}
		}
		if (T->nx > 0 && rm_top_fine_fill(T, F, tau, jb)) {
			for (int i = 0; i < T->fn; i++) {
				double x = T->fx[i];
				double v = x >= a && x <= b ? rm_at_cols(F, x, T->fex[tau][i], T->fcw[i],
									  T->fsw[i], span)
							    : -INFINITY;
				if (v > best) {
					best = v;
					*xs = x;
				}
			}
			return best;
		}
	} else {
		for (double x = a; x <= b; x += 0.2) {
			double v = rm_at(F, x, span, grad);
			if (v > best) {
				best = v;
				*xs = x;
			}
		}
	}
	double x0 = *xs;
	for (double x = x0 - 0.2; x <= x0 + 0.2; x += 0.01) {
		double v = x >= a && x <= b ? rm_at(F, x, span, grad) : -INFINITY;
		if (v > best) {
			best = v;
			*xs = x;
		}
	}
	return best;
}

/* The sample grid's own pattern in the fold. A stroke's samples fall
 * where its start puts them on the sampling grid, so the fold's bins a
 * sample's width apart are filled by the same strokes in turn: whatever
 * differs from stroke to stroke (its amplitude's scatter, the noise left
 * in its samples, a drift not quite taken out) repeats over the top at
 * the sampling rate, as far as the window reaches, and a ring of the
 * sampling rate with no decay fits it. blind_hunt.py drift 4000 11408 (no
 * ring drawn; a dwell under 160 us, 2.9 um of scatter), corrected: a
 * "ring" at 4025 Hz with no decay, 44 of its noise out of the quartic's
 * fit, read +2.66 um (U 12.46); its twin without drift 28 to 34 out over
 * the learning passes, at the threshold (RM_CHI). A pad's ring decays
 * (the generators': 0.2 to 1 ms), so there the ring with no decay is not
 * tried: 11408 +0.38 um (the best ring left, 2.2 ms, 28 out). Decays as
 * long as half the window were tried too, and moved two exposed ringing
 * draws by -1.3 um (blind_hunt.py ringing 4000 10808, 10817: real rings
 * of 4117 and 3730 Hz, on short windows that reached them). True when f
 * (Hz) lies within half the window's resolution (width points, pps a
 * second) of a multiple of the sampling rate (R->grid_hz; 0: not
 * asked). */
static bool rm_near_grid(double grid_hz, double f, double pps, double width)
{
	if (!(grid_hz > 0) || !(width > 0))
		return false;
	double m = floor(f / grid_hz + 0.5);
	return m >= 1 && num_abs(f - m * grid_hz) <= pps / (2 * width);
}

static bool rm_on_grid(const struct rm_pts *R, double f, double pps, double width)
{
	return rm_near_grid(R->grid_hz, f, pps, width);
}

/* rm_search's coarse pass (RM_COARSE, step > 1): frequency k lies within
 * step - 1 of one fitted in pass 0 (done) whose best decay's chi-square
 * is within near, the least's bound. */
static bool rm_coarse_near(const double *chi, const bool *done, int k, int step, double near,
			   int nf)
{
	for (int j = k - step + 1; j < k + step; j++) {
		if (j < 0 || j >= nf || !done[j])
			continue;
		for (int i = 0; i < RM_NTAU; i++)
			if (chi[j * RM_NTAU + i] <= near)
				return true;
	}
	return false;
}

/* Whether rm_search's pass fits frequency k of nf: pass 0 every step-th
 * and the last; pass 1 (step > 1) those not fitted that lie near a good
 * one (rm_coarse_near); pass 2 (the profile) every one, its decays chosen
 * there. */
static bool rm_pass_fits(int pass, int k, int step, const bool *done, const double *chi,
			 double near, int nf)
{
	if (pass == 0)
		return k % step == 0 || k == nf - 1;
	if (pass == 1)
		return step > 1 && !done[k] && rm_coarse_near(chi, done, k, step, near, nf);
	return true;
}

/* The least chi-square ring model over R (bh: points in half a
 * RING_HZ_LO period), *s2 its chi-square a degree of freedom (at least 1),
 * *chi0 the polynomial's alone, and the least and greatest top (rm_top
 * over a..b, the top window's inner half) of the models within RM_PROFILE
 * s2 of it that the box passes RM_BOX_GAIN or more of. False when the
 * least is a ring the box passes less of (under an exposure; *best and
 * *s2 are that ring's). On the sampling grid (rm_on_grid) the ring with
 * no decay is not tried. With R->step above 1 the search fits every
 * step-th frequency (and the last) first, then every frequency within
 * step - 1 of one whose best decay lies within RM_PROFILE +
 * RM_COARSE_MARGIN s2 of the least: a ring's chi-square changes over a
 * frequency of one over the window (0.5 kHz and more on the fine folds
 * the model reads, FINE_MODEL_GRID), so the steps find its valley; the
 * profile is then taken over the models fitted. The fine fold's model
 * (RM_COARSE 4, 100 Hz steps): on 225 ringing and 27 mixed 1 kHz records
 * of blind_hunt.py every figure read as with the full search, and the
 * search cost 35 M -> 35 M (11408, a weak ring: most of the band near
 * the least) and 19 M -> 10 M (11100, z 57) instructions. Where flat
 * (the caller refuses a ring that beats the polynomial by RM_CHI s2 or
 * less: ring_model_steady, rm_long_tops), such a ring's profile is not
 * taken: *tlo, *thi are the best model's top alone (blind_hunt.py mixed
 * 4000 27608, six steady windows refused so: 982.7 -> 930.9 M
 * instructions, the same outputs). */
#define RM_COARSE 4
#define RM_COARSE_MARGIN 12.0
static bool rm_search(const struct rm_pts *R, double bh, double a, double b, bool flat,
		      struct rm_fit *best, double *s2, double *chi0, double *tlo, double *thi)
{
	double span = R->span, pps = 2 * bh * RING_HZ_LO, xs;
	double width = R->n > 1 ? R->x[R->n - 1] - R->x[0] : 0;
	int step = R->step > 1 ? (int)R->step : 1;
	struct rm_fit F;
	if (!rm_solve(R, 0, 0, false, false, &F))
		return false;
	*chi0 = F.chi;
	best->chi = INFINITY;
	/* the models' chi-squares, kept from the search for the profile
	 * (NAN: not fitted, RM_COARSE), whether the box passes RM_BOX_GAIN
	 * or more of their ring, and their coefficients (np each), so the
	 * profile takes its tops from the fits of passes 0 and 1: the same
	 * model over the same points, so the same coefficients to the bit
	 * (~78 KiB of stack, ~61 touched with the quartic) */
	unsigned np = R->nq + 2;
	double chi[RM_NF * RM_NTAU], cf[RM_NF * RM_NTAU * RM_NP_MAX];
	bool gain_ok[RM_NF * RM_NTAU], done[RM_NF];
	for (int k = 0; k < RM_NF * RM_NTAU; k++)
		chi[k] = NAN;
	for (int k = 0; k < RM_NF; k++)
		done[k] = false;
	/* passes 0 and 1: the decays' e^(-lam x) at the points, made once
	 * (~36 KiB of stack), and each frequency's cos and sin once for all
	 * its decays; pass 2: the profile's tops (~32 KiB, rm_top_tab). Each
	 * table's rows lie R->n (or nx) apart, so only the stack pages they
	 * fill are touched: ~2.5 KiB of the fits' 45 KiB at n 29 */
	union {
		double fit[(RM_NTAU + 2) * NBIN_MAX]; /* cw, sw, ex: R->n apart */
		struct rm_top_tab top;
	} tab;
	double *cw = tab.fit, *sw = cw + R->n, *ex[RM_NTAU];
	for (int i = 0; i < RM_NTAU; i++) {
		ex[i] = tab.fit + (2 + i) * R->n;
		rm_ring_fill(R, 0, 1e3 / (rm_tau_ms[i] * pps), ex[i], NULL, NULL);
	}
	/* pass 0: every step-th frequency (and the last), 1: with step > 1,
	 * the frequencies about those whose best decay lies within
	 * RM_PROFILE + RM_COARSE_MARGIN s2 of the least, 2: the profile */
	for (int pass = 0; pass < 3; pass++) {
		double near = best->chi + (RM_PROFILE + RM_COARSE_MARGIN) * *s2;
		if (pass == 2)
			rm_top_tab_init(&tab.top, a, b);
		for (int k = 0; k < RM_NF; k++) {
			double f = RING_HZ_LO + RM_DF_HZ * k, w = 2 * M_PI * f / pps;
			bool filled = false, grid = rm_on_grid(R, f, pps, width);
			if (!rm_pass_fits(pass, k, step, done, chi, near, RM_NF))
				continue;
			if (pass < 2)
				done[k] = true;
			for (int i = 0; i < RM_NTAU; i++) {
				double lam = 1e3 / (rm_tau_ms[i] * pps);
				int mi = k * RM_NTAU + i;
				double *c = &chi[mi], *cm = &cf[mi * np];
				if (grid && i == RM_NTAU - 1) { /* no decay */
					*c = INFINITY;
					continue;
				}
				if (pass == 2) {
					if (!(*c <= best->chi + RM_PROFILE * *s2 && gain_ok[mi]))
						continue;
					memcpy(F.c, cm, np * sizeof *cm);
					F.nq = R->nq;
					F.w = w;
					F.lam = lam;
					double v = rm_top(&F, a, b, span, &xs, &tab.top, i);
					*tlo = v < *tlo ? v : *tlo;
					*thi = v > *thi ? v : *thi;
					continue;
				}
				if (!filled) {
					rm_ring_fill(R, w, 0, NULL, cw, sw);
					filled = true;
				}
				struct rm_ring_tab T = { ex[i], cw, sw };
				if (!rm_solve_tab(R, w, lam, true, false, &T, &F)) {
					*c = INFINITY;
					continue;
				}
				*c = F.chi;
				gain_ok[mi] = F.gain >= RM_BOX_GAIN;
				memcpy(cm, F.c, np * sizeof *cm);
				if (F.chi < best->chi)
					*best = F;
			}
		}
		if (pass < 2) {
			if (!isfinite(best->chi))
				return false;
			double dof = (double)R->n - (double)(R->nq + 2);
			*s2 = dof > 0 && best->chi / dof > 1 ? best->chi / dof : 1;
		}
		if (pass == 1) {
			if (best->gain < RM_BOX_GAIN)
				return false;
			*tlo = *thi = rm_top(best, a, b, span, &xs, NULL, 0);
			if (flat && !(*chi0 - best->chi > RM_CHI * *s2))
				return true;
		}
	}
	return true;
}

/* One point's np columns col, weight iw and value y added to the normal
 * equations A (np x np) and Y of a linear fit. */
static void rm_normal_add(unsigned np, const double *col, double iw, double y, double *A,
			  double *Y)
{
	for (unsigned a = 0; a < np; a++) {
		Y[a] += iw * col[a] * y;
		for (unsigned b = 0; b < np; b++)
			A[a * np + b] += iw * col[a] * col[b];
	}
}

/* The chi-square of a polynomial of degree 6 over R (its columns box
 * means, as the quartic's: the box mean of t^5 over a centred box of
 * half-width e is t^5 + 10/3 e^2 t^3 + e^4 t, of t^6 t^6 + 5 e^2 t^4 +
 * 3 e^4 t^2 + e^6 / 7): as many coefficients as the quartic and a ring.
 * NAN when the fit fails. */
static double rm_sextic_chi(const struct rm_pts *R)
{
	double A[RM_NP * RM_NP] = { 0 }, Y[RM_NP] = { 0 }, c[RM_NP];
	double e = R->box / 2 / R->span, e2 = e * e, e4 = e2 * e2;
	for (long i = 0; i < R->n; i++) {
		double col[RM_NP], t = R->x[i] / R->span, iw = R->iw[i];
		double t2 = t * t, t3 = t2 * t, t4 = t2 * t2;
		memcpy(col, R->q[i], 5 * sizeof col[0]);
		col[5] = t4 * t + 10.0 / 3 * e2 * t3 + e4 * t;
		col[6] = t4 * t2 + 5 * e2 * t4 + 3 * e4 * t2 + e4 * e2 / 7;
		rm_normal_add(RM_NP, col, iw, R->y[i], A, Y);
	}
	if (!num_solve_sym(RM_NP, A, Y, c, NULL))
		return NAN;
	return rm_chi(RM_NP, A, Y, c, R->yy);
}

/* A ring fitted through the box that a smooth top explains as well: the
 * polynomial of degree 6 (rm_sextic_chi, as many coefficients) within
 * RM_SMOOTH of its noise of the ring's chi-square. blind_hunt.py speed
 * 4000 2027 (a chirp under 135 us, no ring): a "ring" at 2.3 kHz, 56 of
 * its noise out of the quartic's fit, the sextic 1.1 from it; of the
 * real rings the model took over the exposed ringing draws of blocks
 * 9900-10900, 17 of 94 lay under 10 (session 30, GAUZE). Such a ring is
 * not reported, and the std's ring term is held to its part of the top
 * (result.c); the depth is the model's, but the middle of both top
 * windows' near-best tops: the windows' fits (RM_WINDOW_P, the long
 * window) do not tell which window follows the top when a smooth top
 * follows it as well, and the choice moved with the noise by the spread
 * of the tops. blind_hunt.py spikes 4000 15322 (poly4567 strokes at
 * 268 Hz under 179 us, no ring drawn): a "ring" at 2000 Hz, z 31, the
 * sextic 0.1 of its noise better, its near-best tops over 3.9 um; the
 * spike-free twin's narrow window was chosen, the spiked capture's
 * whole one: the mean -1.96 um from the twin's (issue 13: 0.5). Now
 * +0.03. Real rings taken so moved less (docs/measurement.md 5a, "A
 * smooth top's windows"). */
#define RM_SMOOTH 10.0
/* A ring the window cannot tell from the sampling grid's pattern
 * (rm_on_grid: the strokes' scatter repeats at the sampling rate over the
 * fold's top): its frequency within half the window's resolution of a
 * multiple of the sampling rate, and a decay the window does not see
 * (the same ring with none fits within RM_PROFILE of its noise, as the
 * near-best models do: rm_search). Its part at the crest may be that pattern's
 * crest, which lies above the strokes' mean top by the pattern's own
 * amplitude: it counts whole in u_model (a rectangular half-width) in
 * place of RM_SHARE of it. The peak stays: the pattern and a real ring on
 * the grid read alike, and taking the middle read real rings 1..4 um low
 * (blind_hunt.py ringing 4000 12707, 12722, 11801, 11808). blind_hunt.py
 * ringing 4000 12700 (a 4193 Hz ring of 16.9 um decaying in 0.33 ms, dead
 * by the top of a 66 Hz asine stroke's short dwell, no exposure; 1.72 um
 * of scatter): the model took a "ring" at 4025 Hz decaying in 2.2 ms
 * (with no decay 0.21 of its noise worse), its part at the crest 0.70 um,
 * and read +0.69 um against U 0.60; without the strokes' scatter no ring
 * is taken and the depth reads +0.09 um (U 0.93). Now U 0.96; of 24
 * redraws of its noise and scatter (tests/gen/ring_redraw.py) 20 -> 24
 * within U (the mean error +0.34 um stays). */
static bool rm_grid_ring(const struct rm_pts *R, const struct rm_fit *F, double s2, double rate_hz,
			 double pps)
{
	double width = R->n > 1 ? R->x[R->n - 1] - R->x[0] : 0;
	struct rm_fit N;
	return rm_near_grid(rate_hz, F->w * pps / (2 * M_PI), pps, width) &&
	       rm_solve(R, F->w, 0, true, false, &N) && N.chi - F->chi <= RM_PROFILE * s2;
}

/* The model as a second reading of a resolved crest (peak_ringing): only
 * where its chi-square a degree of freedom is within this of the fold's
 * noise. */
#define RM_SECOND_FIT 4.0

/* The model above its points about its top (rm_over_top, ring_model_peak):
 * its significance from which a share counts in U, all of it from
 * RM_OVER_ALL; the middle taken over RM_OVER_TAKE_RAMP below that (as
 * shape.c's OVER_FROM, TOP_MISS_SIGMAS, OVER_TAKE_RAMP for the sharp
 * fit's). */
#define RM_OVER_FROM 1.0
#define RM_OVER_ALL 3.0
#define RM_OVER_TAKE_RAMP 1.0

/* The long window: under an exposure the box leaves a ring's frequency
 * loose over the top window (about one ring period, as wide as the box):
 * the tops of models whose rings differ by a fifth in frequency differ by
 * several um, their chi-squares by a few s2. The ring goes on after the
 * top, so the window is carried on past the top window's later end by
 * RM_LONG_HALVES half periods of the band's slowest ring (bh each; at most
 * to a quarter of the cycle from the top), with a sextic in place of the
 * quartic for the flank it takes in. Its least and greatest top over the
 * top window's inner half a..b (rm_search) into *llo, *lhi; false when no
 * ring the box passes RM_BOX_GAIN of stands RM_CHI out of its fit. The
 * caller takes them only where they lie within the tops of both top
 * windows, the span U states (a sextic that does not follow the flank
 * leaves its misfit to the ring and reads the top elsewhere), and span
 * under 1 / RM_LONG_PIN of the chosen window's (what the window is for:
 * where it does not pin the top, the top window's own reading stays).
 * Until session 33 they had to lie within the chosen window's tops: where
 * the F test chose the narrow window and its tops lay all above the long
 * window's, the narrow window's middle stayed (ringing 4000 10014, 2377 Hz
 * under 209 us, gain 0.64: narrow +0.27..+1.47 um, whole -1.02..+1.28,
 * long -0.23..-0.06: +1.23 um, now -0.02; 10921, 2753 Hz under 238 us:
 * -0.83 -> -0.01). blind_hunt.py ringing 4000 10917 (2681 Hz under 247 us,
 * gain 0.42): the top window's best ring 3075 Hz with no decay, its
 * near-best tops over 7.3 um, +3.36 um; the long window's 2750 Hz, 0.44
 * um, +0.55 um. 10117 (4.3 kHz decaying in 0.33 ms, on a creeping pad)
 * spans 0.39 of its top window's and would read -1.18 um against -0.24.
 * Measured over the ringing draws at 4 kHz under an exposure
 * (docs/measurement.md 5a). */
#define RM_LONG_HALVES 3.0
#define RM_LONG_PIN 3.0
static bool rm_long_tops(const struct shape_pts *P, double bh, double box, long lo, long hi,
			 double a, double b, struct rm_pts *R, double *llo, double *lhi)
{
	struct rm_fit L;
	double s2 = 1, chi0 = 0;
	long end = hi + (long)ceil(RM_LONG_HALVES * bh);
	rm_points(P, lo, end < P->n / 4 ? end : P->n / 4, box, RM_NQ_LONG, R);
	return R->n >= 4 * (RM_NQ_LONG + 2) && rm_search(R, bh, a, b, true, &L, &s2, &chi0, llo, lhi) &&
	       chi0 - L.chi > RM_CHI * s2;
}

/* The model above the fold's points about its top (ring_model_peak): each
 * point is the shape at its mean phase, so a model that follows the top
 * leaves them no mean residual there. A quartic and a damped sine do not
 * follow every top: on a slow rise with a short dwell and a steep return
 * the flanks, which hold most of the window's points, set the quartic,
 * and under noise its top stands above the points about it. Returns the
 * weighted mean of the model less the points within half the model's
 * ring period of xs (at least 3 of them; else 0), *se its standard error
 * from the points' own (1 / sqrt(sum iw)). Only with no box: under one
 * the points are box means. */
static double rm_over_top(const struct rm_pts *R, const struct rm_fit *F, double xs, double span,
			  double *se)
{
	double reach = F->w > 0 ? M_PI / F->w : 0, grad[RM_NP_MAX], sr = 0, sw = 0;
	long m = 0;
	for (long i = 0; i < R->n; i++) {
		if (num_abs(R->x[i] - xs) > reach)
			continue;
		sr += R->iw[i] * (rm_at(F, R->x[i], span, grad) - R->y[i]);
		sw += R->iw[i];
		m++;
	}
	*se = sw > 0 ? 1 / sqrt(sw) : INFINITY;
	return m >= 3 ? sr / sw : 0;
}

static double fold_noise_excess(const struct shape_pts *P);

/* The ring from its impact, through the box (session 42, DOWEL). Under
 * a long exposure the steady ring (ring_model_steady, e^(s x) for every
 * x) may be one the box passes nothing of, and no model is taken: the
 * top read is the boxed one, and the hidden ring's term (ring_hidden_um,
 * about 28 um at 200-250 us) carries it. But a ring is not steady: it
 * starts at its impact, on the rising flank, with no displacement (the
 * tips' position is continuous, their speed is not), A e^(-d / tau_r)
 * sin(2 pi f d), d the time since the impact, and the box's mean over the
 * impact passes far more of it than the steady sinc(f tau)
 * (ring_box_miss's o). The fold holds that (tests/gen/ring_info_probe.py:
 * the draws of this class bounded to 0.07-1.05 um, k = 2). Model: a
 * sextic (box means) and that one-sided ring (its box mean exact,
 * ro_tab), over the points within RO_REACH_UM of the top (the impact lies
 * on the flank: blind_capture.py strikes at 0.85-0.97 of the travel,
 * 60-225 um down); the onset x0 a point apart from the window's start to
 * the top, the band's frequencies RM_DF_HZ apart (RM_COARSE first, as
 * rm_search), its decays but none (a one-sided ring with no decay fitted
 * ringing 4000 19417's pad, 2136 Hz fitted at 4675: +11.51 um); linear in
 * the sextic's 7 coefficients and A. A ring beyond RO_MAX_AMP is no
 * pad's (REFERENCE.md: 5-20 um, the strokes' own +-15 %). Taken where the
 * ring stands out of the sextic's fit by RM_CHI, the fit is within
 * RM_SECOND_FIT of the points' noise (19466, poly4567 strokes the sextic
 * does not follow over 240 um: chi-square 4.3 a degree of freedom, a ring
 * of the wrong sign, +8.23 um), and the best ring is not at the band's
 * edge (its valley lies beyond the band: 19403 took 2000 Hz for a 4476 Hz
 * ring of 5.2 um, -2.02 um against U 0.87). The peak is the middle of
 * the near-best models' unboxed tops (chi-square within RM_PROFILE s2 of
 * the least) over the top window; U spans the tops of that window and of
 * one half as deep (which must take a ring too: one that does not reach
 * the impact, or a sextic that does not follow the flank, moves them
 * apart), a rectangular half-width, and RM_SHARE of the ring's part at
 * the crest, as for the steady ring; the whole window's ring must beat a
 * smooth top (ring_onset_peak). The hidden ring's term then steps aside
 * (shape.c ring_bound). */
#define RO_NQ RM_NQ_LONG
#define RO_NP (RO_NQ + 1)
#define RO_NB_MAX RM_NB /* the base block with the vertex column (below) */
#define RO_NP_MAX (RO_NB_MAX + 1)
#define RO_MAX_AMP (1.5 * RING_MAX_UM)
#define RO_REACH_UM (12 * RING_MAX_UM)
#define RO_DX 0.1

/* The box mean (centred, box points wide) at x of the one-sided ring
 * e^(-lam d) sin(w d), d = x - x0 >= 0 (0 before x0). */
static double ro_col(double x, double x0, double w, double lam, double box)
{
	if (!(box > 0)) {
		double d = x - x0;
		return d >= 0 ? exp(-lam * d) * sin(w * d) : 0;
	}
	double hi = x + box / 2 - x0, lo = x - box / 2 - x0;
	if (hi <= 0)
		return 0;
	lo = lo > 0 ? lo : 0;
	/* integral of e^(s d), s = -lam + i w, from lo to hi, over box: its
	 * imaginary part */
	double eh = exp(-lam * hi), el = exp(-lam * lo);
	double re = eh * cos(w * hi) - el * cos(w * lo), im = eh * sin(w * hi) - el * sin(w * lo);
	/* (re + i im) / (s box) */
	double d = (lam * lam + w * w) * box;
	return (im * -lam - re * w) / d;
}

struct ro_fit {
	double chi, c[RO_NP_MAX], inv[RO_NP_MAX * RO_NP_MAX], x0, w, lam;
	unsigned nb; /* the base block's columns: the ring's amplitude c[nb] */
	double vtx; /* the vertex column's v and q where nb is RO_NB_MAX */
	unsigned vq;
};

/* One ring's (w, lam) box means at R's points, for any onset x0: with
 * s = -lam + i w and z = e^(-s x0), a point whose box lies after x0 takes
 * Im(K z), K = (e^(s (x + box/2)) - e^(s (x - box/2))) / (s box); one
 * whose box holds x0 Im((H z - 1) / (s box)), H = e^(s (x + box/2));
 * one before it 0 (no box: Im(e^(s x) z) from x0 on). */
struct ro_tab {
	double w, lam, box, sbr, sbi; /* 1 / (s box): sbr + i sbi */
	double kr[NBIN_MAX], ki[NBIN_MAX], hr[NBIN_MAX], hi[NBIN_MAX];
};

static void ro_tab_fill(const struct rm_pts *R, double w, double lam, struct ro_tab *T)
{
	double b = R->box > 0 ? R->box : 0, d = (lam * lam + w * w) * b;
	T->w = w;
	T->lam = lam;
	T->box = b;
	T->sbr = b > 0 ? -lam / d : 0;
	T->sbi = b > 0 ? -w / d : 0;
	for (long i = 0; i < R->n; i++) {
		double x = R->x[i], eh = exp(-lam * (x + b / 2)), hr = eh * cos(w * (x + b / 2)),
		       hi = eh * sin(w * (x + b / 2));
		T->hr[i] = hr;
		T->hi[i] = hi;
		if (!(b > 0)) {
			T->kr[i] = hr;
			T->ki[i] = hi;
			continue;
		}
		double el = exp(-lam * (x - b / 2)), ar = hr - el * cos(w * (x - b / 2)),
		       ai = hi - el * sin(w * (x - b / 2));
		T->kr[i] = ar * T->sbr - ai * T->sbi;
		T->ki[i] = ar * T->sbi + ai * T->sbr;
	}
}

/* The ring's column at R's point i for the onset x0, z = e^(-s x0). */
static double ro_tab_col(const struct rm_pts *R, const struct ro_tab *T, long i, double x0,
			 double zr, double zi)
{
	double x = R->x[i], b = T->box;
	if (x + b / 2 <= x0)
		return 0;
	if (!(b > 0) || x - b / 2 >= x0)
		return T->kr[i] * zi + T->ki[i] * zr;
	double ar = T->hr[i] * zr - T->hi[i] * zi - 1, ai = T->hr[i] * zi + T->hi[i] * zr;
	return ar * T->sbi + ai * T->sbr;
}

static bool ro_solve(const struct rm_pts *R, const struct ro_tab *T, double x0, bool want_inv,
		     struct ro_fit *F)
{
	double A[RO_NP_MAX * RO_NP_MAX] = { 0 }, Y[RO_NP_MAX] = { 0 };
	unsigned nb = R->nq, np = nb + 1;
	/* z = e^(-s x0) = e^(lam x0) e^(-i w x0) */
	double ez = exp(T->lam * x0), zr = ez * cos(T->w * x0), zi = -ez * sin(T->w * x0);
	for (unsigned a = 0; a < nb; a++) {
		Y[a] = R->Y0[a];
		for (unsigned b = 0; b < nb; b++)
			A[a * np + b] = R->A0[a * RM_NB + b];
	}
	for (long i = 0; i < R->n; i++) {
		double c = ro_tab_col(R, T, i, x0, zr, zi), iw = R->iw[i];
		if (c == 0)
			continue;
		for (unsigned a = 0; a < nb; a++)
			A[a * np + nb] += iw * R->q[i][a] * c;
		A[nb * np + nb] += iw * c * c;
		Y[nb] += iw * c * R->y[i];
	}
	if (!(A[nb * np + nb] > 0))
		return false;
	if (!rm_sym_fit(np, A, Y, R->yy, F->c, want_inv ? F->inv : NULL, &F->chi))
		return false;
	F->nb = nb;
	F->vtx = R->vtx;
	F->vq = R->vq;
	F->x0 = x0;
	F->w = T->w;
	F->lam = T->lam;
	return true;
}

/* The onset scan, fast (session 44, THOLEPIN). ro_solve builds and
 * solves the 8 normal equations at every onset, O(n) each: 223,793 solves,
 * 3.0 G instructions on blind_hunt.py ringing 4000 17320 (its record
 * 18.6 times main's cost). But the sextic's block is the same at every
 * onset, and the ring's column at each point is Im(E v) with E = e^(s x)
 * the point's and v one of two numbers the onset sets: v = K z / E where
 * the point's box lies wholly after the onset, H z / (E s box) where it
 * holds it (less Im(1 / (s box)) there), the column 0 before (ro_tab_col;
 * K / E and H / E are the ring's, not the point's). So per window the scan
 * takes the sextic's columns in a basis the weights make orthonormal
 * (L^-1 q, L L' the sextic's normal matrix; ro_scan_init), the sextic's
 * residuals r and chi-square; per ring the suffix sums of Im E and Re E
 * times those columns, each other, r and 1 (ro_scan_ring); and per onset
 * the column's products from two suffix sums (ro_scan_fit): with u its
 * products with the orthonormal columns, d = c.c - u.u (the part of it
 * the sextic does not fit) and e = c.r, the ring's amplitude is e / d,
 * the chi-square the sextic's less e^2 / d, the sextic's coefficients
 * L'^-1 (L^-1 Y - u e / d). ro_solve's least squares, its sums in
 * another order: the last bits differ. 17320: 3,359 M -> 338 M
 * instructions (main: 184 M); the 26 DOWEL captures read the same to the
 * printed digit. x must rise through R (pt_x) and the onsets fit
 * RO_NX_MAX; where not, ro_solve scans (ro_scan_init false). */
#define RO_NS_MAX (2 * RO_NB_MAX + 7) /* the products with 2 nb columns, then 7 sums */
#define RO_NX_MAX ((long)NBIN_MAX)
/* The scan's tables, in the caller's buffer of RO_SCAN_DOUBLES (n points,
 * nx onsets; ro_scan_size), sized to the window: a fixed one for
 * NBIN_MAX points (~230 KiB), which the stack's probes touch whole, rose
 * `rig analyze`'s peak RSS by about 150 KiB (past 4 MiB at times). */
#define RO_SCAN_DOUBLES(n, nx)                                                          \
	((n) * (3 + RO_NB_MAX + RM_NTAU - 1) + ((n) + 1) * (RO_NB_MAX + 2 + RO_NS_MAX) + \
	 (nx) * (2 + RM_NTAU - 1))
struct ro_scan {
	long n, nx; /* the points, the onsets (a point apart from x00) */
	unsigned nb, sq; /* the base block's columns (R->nq); 2 nb: the sums after
			    the columns' products */
	double x00, chi, beta[RO_NB_MAX], L[NUM_SYM_MAX][NUM_SYM_MAX];
	/* of the ring whose sums s holds: K / E, H / (E s box), Im(1 / (s box)) */
	double kr, ki, hr, hi, sbi;
	double *r;		/* the sextic's residuals */
	double (*qo)[RO_NB_MAX];	/* the orthonormal columns */
	double (*g)[RO_NB_MAX + 2]; /* suffix sums of iw qo, iw, iw r (at nb, nb + 1) */
	double *cw, *sw;	/* cos, sin (w x) of the frequency */
	double *ex;		/* e^(-lam x), n a decay */
	double *zc, *zs, *ez;	/* at the onsets: cos, sin (w x0); e^(lam x0), nx a decay */
	double (*s)[RO_NS_MAX];	/* the ring's suffix sums (above) */
};

/* The onsets from x00 a point apart to 0: 0 when there are more than
 * RO_NX_MAX (the scan is then not used). */
static long ro_scan_onsets(double x00)
{
	long nx = x00 <= 0 ? (long)floor(-x00) + 1 : 0;
	return nx <= RO_NX_MAX ? nx : 0;
}

/* S's tables in mem (RO_SCAN_DOUBLES(R->n, nx) of them), made for R's
 * window (nx ro_scan_onsets(x00)): false where the scan is not used. */
static bool ro_scan_init(const struct rm_pts *R, double pps, double x00, long nx, double *mem,
			 struct ro_scan *S)
{
	long n = R->n;
	unsigned nb = R->nq;
	double A0[RO_NB_MAX * RO_NB_MAX];
	S->n = n;
	S->nx = nx;
	S->nb = nb;
	S->sq = 2 * nb;
	S->x00 = x00;
	S->r = mem;
	S->cw = S->r + n;
	S->sw = S->cw + n;
	S->ex = S->sw + n;
	S->qo = (double(*)[RO_NB_MAX])(S->ex + n * (RM_NTAU - 1));
	S->g = (double(*)[RO_NB_MAX + 2])(S->qo + n);
	S->s = (double(*)[RO_NS_MAX])(S->g + n + 1);
	S->zc = (double *)(S->s + n + 1);
	S->zs = S->zc + nx;
	S->ez = S->zs + nx;
	for (unsigned a = 0; a < nb; a++) /* A0 is RM_NB wide */
		memcpy(A0 + a * nb, R->A0 + a * RM_NB, nb * sizeof A0[0]);
	if (nx < 1 || !num_chol(nb, A0, S->L))
		return false;
	for (long i = 1; i < n; i++)
		if (!(R->x[i] > R->x[i - 1]))
			return false;
	const double(*L)[NUM_SYM_MAX] = (const double(*)[NUM_SYM_MAX])S->L;
	num_chol_fwd(nb, L, R->Y0, S->beta);
	S->chi = 0;
	memset(S->g[n], 0, sizeof S->g[0]);
	for (long i = n; i-- > 0;) {
		double m = R->y[i], iw = R->iw[i];
		num_chol_fwd(nb, L, R->q[i], S->qo[i]);
		for (unsigned a = 0; a < nb; a++) {
			m -= S->beta[a] * S->qo[i][a];
			S->g[i][a] = S->g[i + 1][a] + iw * S->qo[i][a];
		}
		S->r[i] = m;
		S->chi += iw * m * m;
		S->g[i][nb] = S->g[i + 1][nb] + iw;
		S->g[i][nb + 1] = S->g[i + 1][nb + 1] + iw * m;
	}
	for (int t = 0; t < RM_NTAU - 1; t++) {
		double lam = 1e3 / (rm_tau_ms[t] * pps);
		rm_ring_fill(R, 0, lam, S->ex + t * n, NULL, NULL);
		long j = 0;
		for (double x0 = x00; x0 <= 0; x0 += 1)
			S->ez[t * nx + j++] = exp(lam * x0);
	}
	return true;
}

/* The frequency w's tables: cos, sin (w x) at R's points, (w x0) at the
 * onsets. */
static void ro_scan_freq(const struct rm_pts *R, double w, struct ro_scan *S)
{
	rm_ring_fill(R, w, 0, NULL, S->cw, S->sw);
	long j = 0;
	for (double x0 = S->x00; x0 <= 0; x0 += 1, j++) {
		S->zc[j] = cos(w * x0);
		S->zs[j] = sin(w * x0);
	}
}

/* The suffix sums of the ring (w, lam; decay t) at R's points
 * (ro_scan_freq made w's tables): of E = e^(s x)'s Im (al) and Re (be),
 * their products with the orthonormal columns, each other and r. */
static void ro_scan_ring(const struct rm_pts *R, double w, double lam, int t, struct ro_scan *S)
{
	double b = R->box > 0 ? R->box : 0, d = (lam * lam + w * w) * b;
	double sbr = b > 0 ? -lam / d : 0, sbi = b > 0 ? -w / d : 0;
	/* e^(s b / 2) (hb) and e^(-s b / 2) */
	double eu = exp(-lam * b / 2), cv = cos(w * b / 2), sv = sin(w * b / 2);
	double hbr = eu * cv, hbi = eu * sv, dr = hbr - cv / eu, di = hbi + sv / eu;
	/* K = E (hb - 1 / hb) / (s b), H / (s b) = E hb / (s b) */
	S->kr = b > 0 ? dr * sbr - di * sbi : 1;
	S->ki = b > 0 ? dr * sbi + di * sbr : 0;
	S->hr = b > 0 ? hbr * sbr - hbi * sbi : 0;
	S->hi = b > 0 ? hbr * sbi + hbi * sbr : 0;
	S->sbi = sbi;
	unsigned nb = S->nb, sq = S->sq;
	memset(S->s[R->n], 0, sizeof S->s[0]);
	for (long i = R->n; i-- > 0;) {
		const double *p = S->s[i + 1], *q = S->qo[i];
		double *s = S->s[i], iw = R->iw[i], r = S->r[i];
		double e = S->ex[t * S->n + i], al = e * S->sw[i], be = e * S->cw[i];
		double wa = iw * al, wb = iw * be;
		for (unsigned a = 0; a < nb; a++) {
			s[a] = p[a] + wa * q[a];
			s[nb + a] = p[nb + a] + wb * q[a];
		}
		s[sq] = p[sq] + wa * al;
		s[sq + 1] = p[sq + 1] + wa * be;
		s[sq + 2] = p[sq + 2] + wb * be;
		s[sq + 3] = p[sq + 3] + wa * r;
		s[sq + 4] = p[sq + 4] + wb * r;
		s[sq + 5] = p[sq + 5] + wa;
		s[sq + 6] = p[sq + 6] + wb;
	}
}

/* ro_solve for the j-th onset x0 of the ring (w, lam; decay t) from S's
 * sums (its inverse not made; the sextic's coefficients only when coef):
 * *i1, *i2 the first points whose box ends after x0 and lies wholly
 * after it, kept from the last (lower) onset. The column is Im(E v),
 * v = K z / E after the onset (vf), H z / (E s box) where the box holds
 * it (vs; and - Im(1 / (s box)), gs). */
static bool ro_scan_fit(const struct rm_pts *R, const struct ro_scan *S, double w, double lam,
			int t, long j, double x0, bool coef, long *i1, long *i2, struct ro_fit *F)
{
	double b = R->box > 0 ? R->box : 0;
	while (*i1 < R->n && R->x[*i1] + b / 2 <= x0)
		++*i1;
	*i2 = *i2 > *i1 ? *i2 : *i1;
	while (*i2 < R->n && !(R->x[*i2] - b / 2 >= x0))
		++*i2;
	if (*i1 >= R->n)
		return false;
	double ez = S->ez[t * S->nx + j], zr = ez * S->zc[j], zi = -ez * S->zs[j], gs = -S->sbi;
	double fr = S->kr * zr - S->ki * zi, fi = S->kr * zi + S->ki * zr;
	double vr = S->hr * zr - S->hi * zi, vi = S->hr * zi + S->hi * zr;
	const double *s1 = S->s[*i1], *s2 = S->s[*i2], *g1 = S->g[*i1], *g2 = S->g[*i2];
	unsigned nb = S->nb, sq = S->sq;
	double u[RO_NB_MAX], uu = 0, dr = fr - vr, di = fi - vi, h[7];
	for (unsigned a = 0; a < nb; a++) {
		u[a] = vr * s1[a] + dr * s2[a] + vi * s1[nb + a] + di * s2[nb + a] +
		       gs * (g1[a] - g2[a]);
		uu += u[a] * u[a];
	}
	for (unsigned k = 0; k < 7; k++)
		h[k] = s1[sq + k] - s2[sq + k]; /* the box-holds-onset points' */
	const double *f = s2 + sq;
	double cc = fr * fr * f[0] + 2 * fr * fi * f[1] + fi * fi * f[2] + vr * vr * h[0] +
		    2 * vr * vi * h[1] + vi * vi * h[2] + 2 * gs * (vr * h[5] + vi * h[6]) +
		    gs * gs * (g1[nb] - g2[nb]);
	double cr = fr * f[3] + fi * f[4] + vr * h[3] + vi * h[4] +
		    gs * (g1[nb + 1] - g2[nb + 1]);
	double d = cc - uu;
	if (!(cc > 0) || !(d > 1e-12 * cc))
		return false;
	double amp = cr / d;
	F->c[nb] = amp;
	F->chi = S->chi - cr * amp;
	F->nb = nb;
	F->vtx = R->vtx;
	F->vq = R->vq;
	F->x0 = x0;
	F->w = w;
	F->lam = lam;
	if (coef) {
		for (unsigned a = 0; a < nb; a++)
			u[a] = S->beta[a] - u[a] * amp;
		num_chol_back(nb, (const double(*)[NUM_SYM_MAX])S->L, u, F->c);
	}
	return true;
}

/* The vertex column at x: the box mean (box points wide, centred; 0: none)
 * of ((x - v) / span)^q beyond v, 0 before it (ro_vertex_set). */
static double ro_vcol(double x, double v, unsigned q, double box, double span)
{
	if (!(box > 0)) {
		double d = (x - v) / span;
		return d > 0 ? pow(d, q) : 0;
	}
	double h = (x + box / 2 - v) / span, l = (x - box / 2 - v) / span;
	h = h > 0 ? h : 0;
	l = l > 0 ? l : 0;
	return (pow(h, q + 1) - pow(l, q + 1)) / ((q + 1) * box / span);
}

/* F's unboxed model at x, its gradient in the coefficients. */
static double ro_at(const struct ro_fit *F, double x, double span, double grad[RO_NP_MAX])
{
	double t = x / span, p = 1, m = 0;
	unsigned nb = F->nb;
	for (unsigned i = 0; i < RO_NQ; i++, p *= t) {
		grad[i] = p;
		m += F->c[i] * p;
	}
	if (nb > RO_NQ) {
		grad[RO_NQ] = ro_vcol(x, F->vtx, F->vq, 0, span);
		m += F->c[RO_NQ] * grad[RO_NQ];
	}
	grad[nb] = ro_col(x, F->x0, F->w, F->lam, 0);
	return m + F->c[nb] * grad[nb];
}

/* F's highest unboxed point over a..b, RO_DX apart; *xs where. */
static double ro_top(const struct ro_fit *F, double a, double b, double span, double *xs)
{
	double g[RO_NP_MAX], top = -INFINITY;
	for (double x = a; x <= b; x += RO_DX) {
		double v = ro_at(F, x, span, g);
		if (v > top) {
			top = v;
			*xs = x;
		}
	}
	return top;
}

/* The chi-square of a smooth top with nq coefficients (box means of
 * t^0 .. t^(nq - 1), nq at most RO_SMOOTH_NQ_MAX) over R's points: as
 * many as the onset model's linear and search parameters (RO_SMOOTH_NQ:
 * RO_NP and x0, f, tau_r; one more with the vertex column). NAN when the
 * fit fails. */
#define RO_SMOOTH_NQ (RO_NP + 3)
#define RO_SMOOTH_NQ_MAX (RO_NP_MAX + 3)
static double ro_smooth_chi(const struct rm_pts *R, unsigned nq)
{
	double A[RO_SMOOTH_NQ_MAX * RO_SMOOTH_NQ_MAX] = { 0 }, Y[RO_SMOOTH_NQ_MAX] = { 0 };
	double c[RO_SMOOTH_NQ_MAX], e = R->box / 2 / R->span;
	for (long i = 0; i < R->n; i++) {
		double col[RO_SMOOTH_NQ_MAX], t = R->x[i] / R->span, iw = R->iw[i];
		/* the box mean of t^k: ((t + e)^(k + 1) - (t - e)^(k + 1)) /
		 * (2 e (k + 1)) */
		double ph = t + e, pl = t - e, p = 1;
		for (unsigned k = 0; k < nq; k++) {
			if (e > 0) {
				col[k] = (ph - pl) / (2 * e * (k + 1));
				ph *= t + e;
				pl *= t - e;
			} else {
				col[k] = p;
				p *= t;
			}
		}
		rm_normal_add(nq, col, iw, R->y[i], A, Y);
	}
	if (!num_solve_sym(nq, A, Y, c, NULL))
		return NAN;
	return rm_chi(nq, A, Y, c, R->yy);
}

/* The vertex column (session 47, GABLE). blind_capture.py's cams meet
 * rise and return at the top with different durations: asine has a
 * curvature jump there, poly345 a jump of its third derivative, poly4567
 * of its fourth, which no sextic follows; the onset model then misreads
 * the ring or takes none (docs/measurement.md 5b, "Why the exposure's
 * misses are not taken"). One more base column, a one-sided power
 * ((x - v) / span)^q beyond a vertex v (its box mean; q 2 or 3; the
 * other side is the sextic's), follows it. R's base block becomes the
 * sextic's and this column (nq RM_NB); R->nq = RO_NQ drops it again. */
static void ro_vertex_set(struct rm_pts *R, double v, unsigned q)
{
	double Av[RM_NB] = { 0 }, Yv = 0;
	R->nq = RM_NB;
	R->vtx = v;
	R->vq = q;
	for (long i = 0; i < R->n; i++) {
		double c = ro_vcol(R->x[i], v, q, R->box, R->span), iw = R->iw[i];
		R->q[i][RO_NQ] = c;
		for (unsigned a = 0; a <= RO_NQ; a++)
			Av[a] += iw * R->q[i][a] * c;
		Yv += iw * c * R->y[i];
	}
	for (unsigned a = 0; a <= RO_NQ; a++)
		R->A0[a * RM_NB + RO_NQ] = R->A0[RO_NQ * RM_NB + a] = Av[a];
	R->Y0[RO_NQ] = Yv;
}

/* The chi-square of R's base block alone (R->nq columns): NAN when the
 * fit fails. */
static double ro_base_chi(const struct rm_pts *R)
{
	unsigned nb = R->nq;
	double A[RO_NB_MAX * RO_NB_MAX], c[RO_NB_MAX];
	for (unsigned a = 0; a < nb; a++)
		memcpy(A + a * nb, R->A0 + a * RM_NB, nb * sizeof A[0]);
	if (!num_solve_sym(nb, A, R->Y0, c, NULL))
		return NAN;
	return rm_chi(nb, A, R->Y0, c, R->yy);
}

/* The vertex (q 2 or 3, v a point apart over lo..hi) whose column fits R
 * best beside the sextic, and beside the ring T at the onset x0 too when
 * T is not NULL: false when no fit holds. R's base block is left with
 * the vertex column at *v, *q. */
#define RO_VERTEX_Q_LO 2
#define RO_VERTEX_Q_HI 3
static bool ro_vertex_pick(struct rm_pts *R, long lo, long hi, const struct ro_tab *T, double x0,
			   double *v, unsigned *q)
{
	double least = INFINITY;
	for (unsigned k = RO_VERTEX_Q_LO; k <= RO_VERTEX_Q_HI; k++)
		for (long j = lo; j <= hi; j++) {
			struct ro_fit F;
			ro_vertex_set(R, (double)j, k);
			double chi = ro_base_chi(R);
			if (T)
				chi = ro_solve(R, T, x0, false, &F) ? F.chi : NAN;
			if (chi < least) {
				least = chi;
				*v = (double)j;
				*q = k;
			}
		}
	if (!isfinite(least))
		return false;
	ro_vertex_set(R, *v, *q);
	return true;
}

/* One onset scan's outcome (ro_search, ro_search_tops). */
struct ro_best {
	struct ro_fit best;
	int kbest; /* the best ring's frequency (its index; -1: none) */
	double s2, tlo, thi; /* the best fit's noise; the near-best models' tops */
	bool fast; /* the scan's (S's) way: ro_scan_fit, else ro_solve with T */
	double *least; /* each ring's least chi-square over x0 (nf * RM_NTAU) */
	bool *done; /* the frequencies fitted (nf) */
	int nf; /* the scan's frequencies: RM_NF (the band) or RO_NF_WIDE */
};

/* The vertex model's scan reaches RO_HZ_WIDE, past the band's edge: a
 * ring just under 5 kHz, or one beyond the box's first null (1 / tau,
 * 4.2-5 kHz under 200-240 us), has its valley at the band's edge or just
 * past it, and ro_window refuses a best ring at the edge of the scan.
 * blind_hunt.py ringing 4000 22229 (poly345, a 4993 Hz ring of 5.7 um
 * under 229 us): the best ring at 5000 Hz, the boxed top, -2.67 um (U
 * 28.28); scanned to 5500 Hz its best at 5000 and 5025, -0.22 (U 3.73);
 * 27900 (poly4567, 4703 Hz, 19.7 um, 232 us): 5000 Hz, -4.94 (U 29.17);
 * 5025 Hz, -1.82 (U 5.94). The sextic's model keeps the band (its rings
 * read today do not move). */
#define RO_HZ_WIDE 5500.0
#define RO_NF_WIDE ((int)((RO_HZ_WIDE - RING_HZ_LO) / RM_DF_HZ) + 1)
#define RO_NF_MAX (RO_NF_WIDE > RM_NF ? RO_NF_WIDE : RM_NF)

/* One pass of the onset scan (ro_search) over R's window (its base
 * block R->nq columns): every ring of the scan's O->nf (RM_DF_HZ apart
 * from RING_HZ_LO: RM_NF the band, RO_NF_WIDE past it) pass takes (rm_pass_fits)
 * and onset x0 from x00 a point apart (S's fast scan where O->fast, else
 * ro_solve with T). Passes 0 and 1 fit, O->best the least; pass 2 takes
 * the near-best models' tops over lo..hi. False when no ring fits. */
static bool ro_pass(const struct rm_pts *R, double pps, double x00, int pass, struct ro_scan *S,
		    struct ro_tab *T, long lo, long hi, struct ro_best *O)
{
	struct ro_fit F;
	double span = R->span, near = O->best.chi + (RM_PROFILE + RM_COARSE_MARGIN) * O->s2;
	unsigned nb = R->nq;
	bool fast = O->fast;
	for (int k = 0; k < O->nf; k++) {
		double w = 2 * M_PI * (RING_HZ_LO + RM_DF_HZ * k) / pps;
		if (!rm_pass_fits(pass, k, RM_COARSE, O->done, O->least, near, O->nf))
			continue;
		if (pass < 2)
			O->done[k] = true;
		bool filled = false;
		/* a ring decays: none without (a one-sided ring with
		 * none fitted 19417's pad, below) */
		for (int i = 0; i < RM_NTAU - 1; i++) {
			double lam = 1e3 / (rm_tau_ms[i] * pps);
			double *m = &O->least[k * RM_NTAU + i];
			long i1 = 0, i2 = 0;
			if (pass == 2 && !(*m <= O->best.chi + RM_PROFILE * O->s2))
				continue;
			if (fast && !filled) {
				ro_scan_freq(R, w, S);
				filled = true;
			}
			if (fast)
				ro_scan_ring(R, w, lam, i, S);
			else
				ro_tab_fill(R, w, lam, T);
			long j = 0;
			for (double x0 = x00; x0 <= 0; x0 += 1, j++) {
				if (fast ? !ro_scan_fit(R, S, w, lam, i, j, x0, pass == 2, &i1, &i2,
							&F)
					 : !ro_solve(R, T, x0, false, &F))
					continue;
				if (num_abs(F.c[nb]) > RO_MAX_AMP)
					continue;
				if (pass < 2) {
					*m = F.chi < *m ? F.chi : *m;
					if (F.chi < O->best.chi) {
						O->best = F;
						O->kbest = k;
					}
					continue;
				}
				if (!(F.chi <= O->best.chi + RM_PROFILE * O->s2))
					continue;
				double xs, v = ro_top(&F, (double)lo, (double)hi, span, &xs);
				O->tlo = v < O->tlo ? v : O->tlo;
				O->thi = v > O->thi ? v : O->thi;
			}
		}
	}
	if (!isfinite(O->best.chi))
		return false;
	double dof = (double)R->n - (double)(nb + 1);
	O->s2 = dof > 0 && O->best.chi / dof > 1 ? O->best.chi / dof : 1;
	return true;
}

/* The onset scan's fits (passes 0: every RM_COARSE-th frequency, 1: those
 * about the good ones, rm_pass_fits, as rm_search): O's best ring, its
 * noise (O's least and done: the caller's); the tops not yet taken
 * (ro_search_tops). False when no ring fits. */
static bool ro_search(const struct rm_pts *R, double pps, double x00, bool fast,
		      struct ro_scan *S, struct ro_tab *T, struct ro_best *O)
{
	O->best = (struct ro_fit){ .chi = INFINITY };
	O->kbest = -1;
	O->s2 = 1;
	O->tlo = INFINITY;
	O->thi = -INFINITY;
	O->fast = fast;
	for (int k = 0; k < O->nf * RM_NTAU; k++)
		O->least[k] = INFINITY;
	for (int k = 0; k < O->nf; k++)
		O->done[k] = false;
	return ro_pass(R, pps, x00, 0, S, T, 0, 0, O) && ro_pass(R, pps, x00, 1, S, T, 0, 0, O);
}

/* The near-best models' tops over lo..hi (pass 2) of the scan ro_search
 * left in O, R, S as it left them: only for a window whose ring is
 * taken, as they cost the most where many models are near the best
 * (mixed 4000 25814, a window refused at z 10: 363 M instructions). */
static void ro_search_tops(const struct rm_pts *R, double pps, double x00, struct ro_scan *S,
			   struct ro_tab *T, long lo, long hi, struct ro_best *O)
{
	ro_pass(R, pps, x00, 2, S, T, lo, hi, O);
}

/* One window's reading of the ring from its impact (ring_onset_peak). */
struct ro_read {
	struct ro_fit best;
	long n, wlo, whi;
	double z, zs, s2, top, xs, var, tlo, thi, span, width, pps; /* width: its points' reach */
};

/* The scans with the vertex column (ro_vertex_set): its v and q from
 * the sextic and the column alone, the ring scanned there, v and q
 * fitted again beside that ring, and the ring scanned again where they
 * moved, RO_VERTEX_SCANS scans at most (session 46's probe,
 * tests/gen/probe46/fit4.py on branch hinge-probe: 1 or 2 rounds
 * settled every case but one). *chi0 the sextic's and the column's
 * chi-square at the last scan's vertex. */
#define RO_VERTEX_SCANS 3
static bool ro_vertex_search(struct rm_pts *R, double pps, double x00, long nx, double *mem,
			     struct ro_scan *S, struct ro_tab *T, long lo, long hi, double *chi0,
			     struct ro_best *O)
{
	double v = 0, v2 = 0;
	unsigned q = 0, q2 = 0;
	if (!ro_vertex_pick(R, lo, hi, NULL, 0, &v, &q))
		return false;
	for (int scan = 0;; scan++) {
		*chi0 = ro_base_chi(R);
		bool fast = ro_scan_init(R, pps, x00, nx, mem, S);
		if (!isfinite(*chi0) || !ro_search(R, pps, x00, fast, S, T, O))
			return false;
		if (scan + 1 >= RO_VERTEX_SCANS)
			return true;
		ro_tab_fill(R, O->best.w, O->best.lam, T);
		if (!ro_vertex_pick(R, lo, hi, T, O->best.x0, &v2, &q2))
			return false;
		if (v2 == v && q2 == q)
			return true;
		v = v2;
		q = q2;
	}
}

/* The least chi-square gain (over the base block, in the fit's noise) at
 * which a window takes its ring: RM_CHI, but for the vertex model's half
 * window RO_HALF_CHI. The half window confirms the whole window's ring
 * (ring_onset_read: both must take one, and ro_vertex_unpinned holds
 * their frequencies within the half window's resolution); it holds about
 * half the points and often not the impact (the generator strikes 60-225
 * um down, the half window reaches 120), so a ring the whole window pins
 * by 63-88 of its noise stands 7-16 out of the half window's sextic and
 * column. Under a 200-235 us exposure, where the box's first null (f
 * tau = 1) hides a 4.2-5 kHz ring, RM_CHI there dropped real rings the
 * whole window read: blind_hunt.py ringing 4000 23878 (asine, 4503 Hz,
 * 234 us; the whole window 4425 Hz at z 88, the half 4725 at z 14.1)
 * -6.10 um (U 28.49, the boxed top), 27823 (poly4567, 4730 Hz, 210 us;
 * 4675 Hz at z 75, the half 4200 at 15.6) -7.82 (U 27.44). The sextic's
 * model keeps RM_CHI in both (its rings read today do not move). */
#define RO_HALF_CHI 10.0
static double ro_window_chi(double reach_um, bool vertex)
{
	return vertex && reach_um < RO_REACH_UM ? RO_HALF_CHI : RM_CHI;
}

/* The model over the points within reach_um of the top (about lo..hi),
 * its tops over lo..hi: false when the window holds too few points or the
 * ring is not taken (ro_window_chi, RM_SECOND_FIT, the scan's edge: above),
 * nor where it beats the smooth top (O->zs) by less than zs_min
 * (-INFINITY: no such gate, a NAN zs passes). With the vertex column
 * where vertex (ro_vertex_search): its rules against the sextic and the
 * column, the smooth top one coefficient wider, the scan to RO_HZ_WIDE.
 * The near-best tops (ro_search_tops) only where the ring is taken. */
static bool ro_window(const struct shape_pts *P, double bh, double box, long lo, long hi,
		      double reach_um, bool vertex, double zs_min, struct ro_read *O)
{
	ring_reach_um(P, lo, hi, P->n / 4, reach_um, &O->wlo, &O->whi);
	struct rm_pts R; /* ~45 KiB of stack */
	rm_points(P, O->wlo, O->whi, box, RO_NQ, &R);
	R.vtx = 0;
	R.vq = 0;
	O->n = R.n;
	unsigned np = vertex ? RO_NP_MAX : RO_NP;
	if (R.n < 4 * (long)np)
		return false;
	double chi0 = rm_sextic_chi(&R), pps = 2 * bh * RING_HZ_LO, span = R.span;
	if (!isfinite(chi0))
		return false;
	struct ro_tab tab, *T = &tab; /* ~16 KiB of stack */
	double x00 = (double)O->wlo - box / 2;
	long nx = ro_scan_onsets(x00);
	double mem[RO_SCAN_DOUBLES(R.n, nx)]; /* ~55 KiB at 110 points */
	struct ro_scan scan, *S = &scan;
	double least[RO_NF_MAX * RM_NTAU];
	bool done[RO_NF_MAX];
	struct ro_best B = { .least = least, .done = done, .nf = vertex ? RO_NF_WIDE : RM_NF };
	if (vertex ? !ro_vertex_search(&R, pps, x00, nx, mem, S, T, lo, hi, &chi0, &B)
		   : !ro_search(&R, pps, x00, ro_scan_init(&R, pps, x00, nx, mem, S), S, T, &B))
		return false;
	double s2 = B.s2;
	O->z = (chi0 - B.best.chi) / s2;
	/* against a smooth top of as many freedoms (ring_onset_peak) */
	O->zs = (ro_smooth_chi(&R, vertex ? RO_SMOOTH_NQ + 1 : RO_SMOOTH_NQ) - B.best.chi) / s2;
	if (!(O->z > ro_window_chi(reach_um, vertex)) || B.kbest <= 0 || B.kbest >= B.nf - 1 ||
	    s2 > RM_SECOND_FIT || (zs_min > -INFINITY && !(O->zs >= zs_min)))
		return false;
	ro_search_tops(&R, pps, x00, S, T, lo, hi, &B);
	struct ro_fit best = B.best;
	ro_tab_fill(&R, best.w, best.lam, T);
	if (!ro_solve(&R, T, best.x0, true, &best))
		return false;
	double grad[RO_NP_MAX], var = 0;
	O->xs = 0;
	O->top = ro_top(&best, (double)lo, (double)hi, span, &O->xs);
	ro_at(&best, O->xs, span, grad);
	for (unsigned i = 0; i < np; i++)
		for (unsigned j = 0; j < np; j++)
			var += grad[i] * best.inv[i * np + j] * grad[j];
	O->var = var;
	O->best = best;
	O->s2 = s2;
	O->tlo = B.tlo;
	O->thi = B.thi;
	O->span = span;
	O->width = R.n > 1 ? R.x[R.n - 1] - R.x[0] : 0;
	O->pps = pps;
	return true;
}

/* The vertex model's ring (ro_vertex_search) that the windows do not
 * pin, read as none: the whole window's on the sampling grid (rm_near_grid:
 * within half its resolution of a multiple of the sampling rate rate_hz)
 * and decaying in the longest time tried, the strokes' scatter repeating
 * at the rate (rm_grid_ring; blind_hunt.py mixed 4000 24220, asine at 81
 * Hz under 130 us, no ring drawn: 3975 and 4000 Hz in 2.2 ms, +1.29 um
 * against U 1.43, the boxed top +0.36; ringing 4000 24343, a 3406 Hz
 * ring, 4050 Hz in 2.2 ms, +4.87 against U 10.10, the boxed top -0.31);
 * or the two windows' rings further apart than the half window's
 * resolution (1 / its reach; ringing 4000 24285, a 4741 Hz ring: 4950 and
 * 3925 Hz, 280 Hz its resolution, +2.05 against U 7.66, the boxed top
 * -0.25). The sextic's model keeps its rings (ringing 4000 24299, a real
 * ring fitted at 3850 Hz in 2.2 ms: session 46's grid rule lost it). */
static bool ro_vertex_unpinned(const struct ro_read *W, const struct ro_read *N, double rate_hz)
{
	double fw = W->best.w * W->pps / (2 * M_PI), fn = N->best.w * N->pps / (2 * M_PI);
	bool longest = W->best.lam <= 1e3 / (rm_tau_ms[RM_NTAU - 2] * W->pps) * (1 + 1e-9);
	if (longest && rm_near_grid(rate_hz, fw, W->pps, W->width))
		return true;
	return !(N->width > 0) || num_abs(fw - fn) > N->pps / N->width;
}

/* The ring read from the two windows that took it (ring_onset_read: W
 * the whole, N the half; box as theirs): W's peak, U over both. */
static void ring_onset_both(const struct ro_read *W, const struct ro_read *N, double bh,
			    double box, double *peak, double *vpos, double *u_peak, double *u_model,
			    double *curv, double *box_um, struct ring_box *rb)
{
	double tlo = W->tlo, thi = W->thi, mid = (W->tlo + W->thi) / 2;
	tlo = N->tlo < tlo ? N->tlo : tlo;
	thi = N->thi > thi ? N->thi : thi;
	double half = thi - mid > mid - tlo ? thi - mid : mid - tlo;
	const struct ro_fit *B = &W->best;
	double grad[RO_NP_MAX], g2[RO_NP_MAX], span = W->span, xs = W->xs, top = W->top;
	unsigned nb = B->nb;
	ro_at(B, xs, span, grad);
	*peak = mid;
	*vpos = xs;
	*u_peak = sqrt(W->var * W->s2);
	/* the tops' half-spread and, as for the steady ring, RM_SHARE of
	 * the ring's part at the crest (the strokes' timing in the fold
	 * blurs it), both rectangular: the hidden ring's term
	 * (ring_hidden_um) steps aside for them (shape.c ring_bound) */
	*u_model = num_rect_add(num_rect_add(0, half), RM_SHARE * num_abs(B->c[nb] * grad[nb]));
	double d2 = ro_at(B, xs + 0.05, span, g2) + ro_at(B, xs - 0.05, span, g2) - 2 * top;
	*curv = -d2 / (2 * 0.05 * 0.05);
	double bt = -INFINITY;
	for (double x = (double)W->wlo; x <= (double)W->whi; x += RO_DX) {
		double col[RM_NQ_LONG], v = 0;
		rm_poly_cols(x / span, box / 2 / span, RO_NQ, col);
		for (unsigned i = 0; i < RO_NQ; i++)
			v += B->c[i] * col[i];
		if (nb > RO_NQ)
			v += B->c[RO_NQ] * ro_vcol(x, B->vtx, B->vq, box, span);
		v += B->c[nb] * ro_col(x, B->x0, B->w, B->lam, box);
		bt = v > bt ? v : bt;
	}
	*box_um = top - bt;
	if (rb) {
		rb->part_um = B->c[nb] * grad[nb];
		rb->freq_hz = B->w * 2 * bh * RING_HZ_LO / (2 * M_PI);
		rb->onset = true;
	}
}

/* The ring from its impact read over two windows, RO_REACH_UM and half
 * of it below the top (above): the whole window's peak, U over both.
 * Taken only where both windows take a ring (session 43, FILLET): a
 * window that takes none has tops the model does not bound, and the
 * whole window's alone then read wrong and sure (ring_redraw.py ringing
 * 4000 17348, redraw 10: the half window's best ring at the band's edge,
 * its near-best tops over 12 um, the whole one's a ring that decays in
 * 0.2 ms before the top, its tops within 0.5 um: -6.09 um against U
 * 0.43); and only where the whole window's ring beats a smooth top of
 * RO_SMOOTH_NQ coefficients by RM_SMOOTH of its noise (ro_smooth_chi), as
 * the steady ring must beat the sextic (rm_sextic_chi): a ring whose
 * better fit a smooth top of as many freedoms matches is the top's own
 * shape, not a ring. Ringing 4000 19499 (a pad at 0.92 of the travel
 * that creeps: a kink at the contact no sextic follows) took 3725 Hz at
 * +24 um over the whole window, 7.4 of its noise better than the smooth
 * top: -8.61 um against U 3.53; 19496 (a 4846 Hz ring fitted at 3975 Hz,
 * the smooth top 7.7 better than it): +7.14 against U 6.52; mixed 4000
 * 19421 and spikes 4000 19408 (no ring drawn) took rings 1.5 and 0.4
 * worse than the smooth top. Real rings the model reads stand 13-420 of
 * their noise out of it (17320 422, 16610 35, 19401 13). */
static bool ring_onset_read(const struct shape_pts *P, double bh, double box, long lo, long hi,
			    double rate_hz, bool vertex, double *peak, double *vpos, double *u_peak,
			    double *u_model, double *curv, double *box_um, struct ring_box *rb)
{
	struct ro_read W, N;
	double reach_um = RO_REACH_UM;
	if (!ro_window(P, bh, box, lo, hi, reach_um, vertex, RM_SMOOTH, &W))
		return false;
	if (!ro_window(P, bh, box, lo, hi, reach_um / 2, vertex, -INFINITY, &N))
		return false;
	if (vertex && ro_vertex_unpinned(&W, &N, rate_hz))
		return false;
	ring_onset_both(&W, &N, bh, box, peak, vpos, u_peak, u_model, curv, box_um, rb);
	return true;
}


/* The ring from its impact (ring_onset_read): where the sextic's model
 * takes none, the model with the vertex column (ro_vertex_set), under
 * the same rules and ro_vertex_unpinned's. Only there, so that no ring
 * read before moves. */
static bool ring_onset_peak(const struct shape_pts *P, double bh, double box, long lo, long hi,
			    double rate_hz, double *peak, double *vpos, double *u_peak, double *u_model,
			    double *curv, double *box_um, struct ring_box *rb)
{
	return ring_onset_read(P, bh, box, lo, hi, rate_hz, false, peak, vpos, u_peak, u_model, curv,
			       box_um, rb) ||
	       ring_onset_read(P, bh, box, lo, hi, rate_hz, true, peak, vpos, u_peak, u_model, curv,
			       box_um, rb);
}

static bool ring_model_steady(const struct shape_pts *P, double bh, double box, double fs_hz,
			    double rate_hz, long lo, long hi, bool wide, double *peak, double *vpos, double *u_peak,
			    double *u_model, double *curv, double *box_um, struct ring_box *rb,
			    double *fit_s2)
{
	struct rm_fit F, G;
	struct rm_pts R; /* ~45 KiB of stack */
	double s2 = 1, chi0 = 0, tlo, thi, s2n, chi0n, glo, ghi;
	double a = 0.5 * (double)lo, b = 0.5 * (double)hi;
	R.grid_hz = fs_hz;
	rm_points(P, lo, hi, box, RM_NQ, &R);
	if (R.n < 4 * RM_NP)
		return false;
	F.chi = INFINITY;
	if (!rm_search(&R, bh, a, b, true, &F, &s2, &chi0, &tlo, &thi)) {
		/* the ring that fits best stands out of the fit, but the box
		 * passes under RM_BOX_GAIN of it: a ring the box hid (the
		 * std's term for it, result.c) */
		if (rb && box > 0 && isfinite(F.chi) && F.gain < RM_BOX_GAIN &&
		    chi0 - F.chi > RM_CHI * s2) {
			rb->hidden = true;
			rb->gain = F.gain;
		}
		return false;
	}
	if (!(chi0 - F.chi > RM_CHI * s2))
		return false;
	if (fit_s2)
		*fit_s2 = s2;
	/* wide: the window reaches further down the flanks than the top's
	 * own (peak_ringing, RM_WIDE_REACH_UM), where a quartic may not
	 * follow the top and a sine takes its misfit; the ring counts only
	 * where it fits better than a smooth top of as many coefficients
	 * (RM_SMOOTH; blind_hunt.py mixed 4000 11800, a creeping pad's top
	 * and no ring, took one without this) */
	if (wide && !(rm_sextic_chi(&R) - F.chi >= RM_SMOOTH * s2))
		return false;
	double span = R.span, xs = 0, grad[RM_NP_MAX], g2[RM_NP_MAX], var = 0;
	/* a ring the sampling grid's pattern may be (rm_grid_ring), judged
	 * over the whole window */
	bool grid_ring = rm_grid_ring(&R, &F, s2, rate_hz, 2 * bh * RING_HZ_LO);
	if (!rm_solve(&R, F.w, F.lam, true, true, &F))
		return false;
	double top = rm_top(&F, a, b, span, &xs, NULL, 0);
	rm_at(&F, xs, span, grad);
	for (unsigned i = 0; i < RM_NP; i++)
		for (unsigned j = 0; j < RM_NP; j++)
			var += grad[i] * F.inv[i * RM_NP + j] * grad[j];
	double ring_part = F.c[RM_NQ] * grad[RM_NQ] + F.c[RM_NQ + 1] * grad[RM_NQ + 1];
	double over_se = INFINITY, over = box > 0 ? 0 : rm_over_top(&R, &F, xs, span, &over_se);
	/* through the box, a ring a smooth top explains as well
	 * (RM_SMOOTH): the windows' fits do not tell which window follows
	 * the top (below), and the middle of both windows' tops is the
	 * peak */
	bool smooth = box > 0 && rm_sextic_chi(&R) - F.chi < RM_SMOOTH * s2;
	if (rb) {
		rb->part_um = ring_part;
		rb->gain = F.gain;
		rb->freq_hz = F.w * 2 * bh * RING_HZ_LO / (2 * M_PI);
		rb->smooth = smooth;
	}
	long nlo = (long)floor(RM_NARROW * (double)lo), nhi = (long)ceil(RM_NARROW * (double)hi);
	/* the whole window's fit and its tops (the window that follows the
	 * top, below) */
	double chw = F.chi, dfw = (double)(R.n - RM_NP), wlo = tlo, whi = thi;
	rm_points(P, nlo, nhi, box, RM_NQ, &R);
	if (R.n >= 4 * RM_NP &&
	    rm_search(&R, bh, 0.5 * (double)nlo, 0.5 * (double)nhi, false, &G, &s2n, &chi0n, &glo,
		      &ghi)) {
		double dfn = (double)(R.n - RM_NP);
		tlo = glo < tlo ? glo : tlo;
		thi = ghi > thi ? ghi : thi;
		if (dfw > dfn && G.chi > 0 &&
		    num_f_upper((chw - G.chi) / (dfw - dfn) / (G.chi / dfn), dfw - dfn, dfn) <
			    RM_WINDOW_P) {
			wlo = glo;
			whi = ghi;
		} else if (G.chi / dfn < chw / dfw) {
			wlo = tlo;
			whi = thi;
		}
	}
	/* under an exposure, the long window's tops where they lie within
	 * both top windows' (tlo..thi, the span U states) and pin the chosen
	 * window's (RM_LONG_HALVES, RM_LONG_PIN) */
	double llo, lhi;
	if (box > 0 && !smooth && rm_long_tops(P, bh, box, lo, hi, a, b, &R, &llo, &lhi) &&
	    llo >= tlo && lhi <= thi && RM_LONG_PIN * (lhi - llo) < whi - wlo) {
		wlo = llo;
		whi = lhi;
	}
	/* the middle of the spread; it spans the best model's top too */
	double mid = (thi + tlo) / 2, half = (thi - tlo) / 2;
	/* Under an exposure, the middle of the near-best tops of the window
	 * chosen above (RM_WINDOW_P, RM_LONG_HALVES), unless the ring is
	 * smooth (RM_SMOOTH); U still spans both top windows' tops, a
	 * rectangular half-width from that middle. */
	if (box > 0 && !smooth) {
		mid = (wlo + whi) / 2;
		half = thi - mid > mid - tlo ? thi - mid : mid - tlo;
	}
	*peak = mid;
	*vpos = xs;
	*u_peak = sqrt(var * s2);
	*u_model = num_rect_add(num_rect_add(0, half), (grid_ring ? 1 : RM_SHARE) * num_abs(ring_part));
	/* The model's top above its points about it (rm_over_top): the peak
	 * stands the model's excess over them above what they show, and the
	 * middle of the near-best tops as much more as it lies above the
	 * best model's top. Weighed by its significance z (its standard
	 * error the points' own, scaled by the fold's scatter beyond it,
	 * fold_noise_excess) as shape.c's over_top weighs the sharp fit's:
	 * from RM_OVER_FROM that share of it counts in U as a rectangular
	 * half-width, all of it from RM_OVER_ALL; the middle of the peak and
	 * the points is taken over RM_OVER_TAKE_RAMP below RM_OVER_ALL.
	 * blind_hunt.py ringing 4000 14518 (a 3993 Hz ring of 17.4 um
	 * decaying in 0.37 ms, struck 1.8 ms before the top of 74 Hz poly345
	 * strokes with a short dwell and a steep return; 1.84 um of Laplace
	 * noise, 1.92 um of scatter, no exposure; 395 points, the model tried
	 * for the band's fastest ring): a "ring" at 4200 Hz decaying in 0.8
	 * ms, the model 0.70 um above its 8 points about the top (z 2.9),
	 * read +1.01 um against U 0.76; 24 redraws of its noise and scatter
	 * (tests/gen/ring_redraw.py) +0.55 um on average, 21 within U. Now
	 * +0.74 um, U 1.02; the redraws +0.32, 24 within U and within 1 um.
	 * Without noise or scatter the model reads the top to +0.13 um. */
	if (over > 0) {
		if (*peak > top)
			over += *peak - top;
		double z = over / (over_se * sqrt(fold_noise_excess(P)));
		double w = num_ramp(z, RM_OVER_FROM, RM_OVER_ALL);
		double t = (z - RM_OVER_ALL) / RM_OVER_TAKE_RAMP + 1;
		if (w > 0) {
			*u_model = num_rect_add(*u_model, w * over);
			*peak -= (t > 0 ? (t < 1 ? t : 1) : 0) * over / 2;
		}
	}
	double d2 = rm_at(&F, xs + 0.05, span, g2) + rm_at(&F, xs - 0.05, span, g2) - 2 * top;
	*curv = -d2 / (2 * 0.05 * 0.05);
	/* what the box took of the model's top: its highest box mean */
	double bt = -INFINITY, kr, ki;
	rm_box(F.w, F.lam, box, &kr, &ki);
	for (double x = 0.5 * (double)lo; box > 0 && x <= 0.5 * (double)hi; x += 0.1) {
		double v = rm_at_box(&F, x, span, box, kr, ki);
		bt = v > bt ? v : bt;
	}
	*box_um = box > 0 ? top - bt : 0;
	return true;
}

/* The steady ring's model (ring_model_steady); under the box, where it
 * takes no ring, the ring from its impact (ring_onset_peak). */
static bool ring_model_peak(const struct shape_pts *P, double bh, double box, double fs_hz,
			    double rate_hz, long lo, long hi, bool wide, double *peak, double *vpos,
			    double *u_peak, double *u_model, double *curv, double *box_um,
			    struct ring_box *rb, struct ring_box *rb_steady, double *fit_s2,
			    bool onset, bool *onset_due)
{
	if (ring_model_steady(P, bh, box, fs_hz, rate_hz, lo, hi, wide, peak, vpos, u_peak, u_model,
			      curv, box_um, rb, fit_s2))
		return true;
	if (rb && rb_steady)
		*rb_steady = *rb;
	/* not where the fixture's pad ring bound holds at this exposure
	 * (onset false): the hidden ring's term is held to that measured
	 * bound (shape.c ring_bound), and the onset model's U, its tops'
	 * spread, would stand in its place; tests/test_blind_captures.sh
	 * ring_bound_covers_a_ringing_pad (seed 108's pad under 240 us,
	 * its bound 0.1 um while characterized): U 1.47 -> 24.69, the bound
	 * then 34.19 um for 13.9 */
	if (!onset)
		return false;
	/* only where the box holds half a period of the band's fastest
	 * ring (about 100 us): below it the box's mean of the impact passes
	 * no more than the steady gain (ring_box_miss), nothing is hidden
	 * that the steady model misses (ringing 4000 19446, 96 us: the
	 * onset's model read +0.60 um against U 0.50) */
	if (!(box * RING_HZ_HI / (2 * bh * RING_HZ_LO) >= 0.5))
		return false;
	/* in the shape's final read only (onset_due NULL; ring_onset_due) */
	if (onset_due) {
		*onset_due = true;
		return false;
	}
	return ring_onset_peak(P, bh, box, lo, hi, rate_hz, peak, vpos, u_peak, u_model, curv, box_um, rb);
}

/* The ring from its impact is fitted in the shape's final read only
 * (shape_reread), as the fine fold's model is (fine_model_fit): a 4 kHz
 * record builds its shape four times or more (learn.c: the plain and the
 * gated fold, the unbiased timing, the drift's), each fold's points a
 * little apart, and the model's onset scan took 1.84 times a record's
 * instructions where it ran in every build (ringing 4000 17320, session
 * 44). The builds before read the boxed top (the steady model, the
 * exposure's correction, the hidden ring's term); the final read's top
 * is the figure and the shape the strokes are fitted with. Returns the
 * flag ring_model_peak sets where the model would run (NULL: run it). */
static bool *ring_onset_due(const struct fold_src *src, bool *due)
{
	return src->fine_model ? NULL : due;
}

/* How far the fold's points scatter beyond their own standard errors
 * (P->sd, from each bin's spread), as a factor on their variance: the
 * median over the cycle of each filled point's distance from the line
 * through its neighbours (at its own mean phase), squared, against its
 * variance, over the median of a chi-square of one degree (0.455); at
 * least 1. A bin holds runs of consecutive strokes, and noise near the
 * gate that moves a run's phases together moves the bin's mean beyond
 * its spread: blind_hunt.py noisy 4000 11219 (13.8 um of noise on a
 * 273 um stroke), 2.4. A ring lies on a few points of the top and stays
 * out of the median. */
static double fold_noise_excess(const struct shape_pts *P)
{
	double q[NBIN_MAX];
	size_t nq = 0;
	for (long j = 0; j < P->n; j++) {
		long l = (j - 1 + P->n) % P->n, r = (j + 1) % P->n;
		if (P->wt[l] < 1 || P->wt[j] < 1 || P->wt[r] < 1)
			continue;
		/* the point off the line through its neighbours, at its own
		 * mean phase (the points are not evenly spaced) */
		double xl = P->X[l] - (double)(l > j ? P->n : 0), xj = P->X[j];
		double xr = P->X[r] + (double)(r < j ? P->n : 0);
		if (!(xr > xj && xj > xl))
			continue;
		double a = (xr - xj) / (xr - xl), b = 1 - a;
		double d = P->yc[j] - a * P->yc[l] - b * P->yc[r];
		double v = P->sd[j] * P->sd[j] + a * a * P->sd[l] * P->sd[l] +
			   b * b * P->sd[r] * P->sd[r];
		if (v > 0)
			q[nq++] = d * d / v;
	}
	if (nq < 3)
		return 1;
	double f = num_median(q, nq, false) / 0.455;
	return f > 1 ? f : 1;
}

static bool ring_box_same(const struct ring_box *a, const struct ring_box *b)
{
	return a->part_um == b->part_um && a->gain == b->gain && a->freq_hz == b->freq_hz &&
	       a->smooth == b->smooth && a->hidden == b->hidden && a->onset == b->onset;
}

/* The model's window (ring_model_peak) over the top window lo..hi: the
 * points within RING_MAX_UM of the top (RM_BOX_REACH_UM under the box),
 * widened as below; then the model. */
static bool ring_model_try(const struct shape_pts *P, const struct fold_src *src, double bh,
			   double box, bool boxed, bool seen, long lo, long hi, double *pk, double *vp,
			   double *up, double *um, double *cv, double *bx, struct ring_box *rb,
			   double *fit_s2)
{
	long wlo, whi;
	double drop = boxed ? RM_BOX_REACH_UM : RING_MAX_UM;
	ring_reach_um(P, lo, hi, P->n / 8, drop, &wlo, &whi);
	/* the model's RM_NP coefficients want 4 * RM_NP points
	 * (ring_model_peak): a sharp top holds fewer within drop, and
	 * the window reaches RING_MAX_UM further down at a time, to
	 * RM_WIDE_REACH_UM (blind_hunt.py ringing 4000 11802, 61 Hz
	 * asine strokes, 250 bins: 19 points within 20 um, 26 within
	 * 40, 32 within 60; the model was never fitted there). Under
	 * the box (RM_BOX_REACH_UM already) only where a ring was seen
	 * (seen: its ripple, peak_ringing): widened on every boxed top,
	 * spikes 4000 12505 (115 us, no ring seen) took a ring that beat
	 * the sextic, its std's U 0.30 -> 2.96 um; never widened there,
	 * ringing 4000 13805 (a 4849 Hz ring of 13.1 um under 63 us, gain
	 * 0.85, on 60 Hz asine strokes and a soft pad; its ripple seen by
	 * a convex point at 8.5 sigma) held 27 points and the model none:
	 * the local quadratic read -1.22 um (issue 13: within 1 um at 4
	 * kHz), 16 redraws -1.01 um on average, 9 within 1 um. Widened to
	 * 60 um (33 points) the model takes 4825 Hz decaying in 0.56 ms,
	 * z 213, the sextic 185 of its noise worse: -0.71 um, U 1.27; the
	 * redraws -0.67, 14 within 1 um, all 16 within U. */
	bool wide = false;
	while ((!boxed || seen) && whi - wlo + 1 < 4 * RM_NP && drop < RM_WIDE_REACH_UM) {
		drop += RING_MAX_UM;
		wide = true;
		ring_reach_um(P, lo, hi, P->n / 8, drop, &wlo, &whi);
	}
	/* the sampling grid's pattern under the box (rm_on_grid) */
	double grid_hz = boxed ? src->m->cfg.rate_hz : 0, rate_hz = src->m->cfg.rate_hz;
	box = boxed ? box : 0;
	/* the ring from its impact: not where the fixture's pad ring bound
	 * holds (ring_model_peak), nor in the boxed top's read
	 * (src->onset_off, shape.c shape_top) */
	bool onset = !src->onset_off &&
		     !(src->m->cfg.ring_max_um > 0 &&
		       measure_ring_bound_holds(src->m->cfg.exposure_us, src->m->cfg.ring_exposure_us));
	/* run: fitted here (the memo's onset) */
	bool due = false, *onset_due = ring_onset_due(src, &due), run = onset && !onset_due;
	struct ring_memo *mm = src->ring_memo, fit;
	if (!mm)
		mm = &fit;
	else if (mm->valid && mm->P == P && mm->bh == bh && mm->box == box &&
		 mm->grid_hz == grid_hz && mm->rate_hz == rate_hz && mm->lo == wlo &&
		 mm->hi == whi && mm->wide == wide && (!rb || ring_box_same(&mm->rb0, rb)) &&
		 (!fit_s2 || mm->fit_s2_0 == *fit_s2) && (mm->onset || !run)) {
		/* the fit without the ring from its impact, from one with it:
		 * the same, but where that ring was taken (the steady model
		 * took none) */
		if (!run && mm->ok && mm->rb.onset) {
			if (rb)
				*rb = mm->rb_steady;
			if (fit_s2)
				*fit_s2 = mm->fit_s2;
			return false;
		}
		goto out;
	}
	/* from the caller's own start (the box's terms none, the fit's
	 * noise unread, where it asks for neither) */
	struct ring_box rb0 = rb ? *rb : RING_BOX_NONE;
	double s0 = fit_s2 ? *fit_s2 : INFINITY;
	*mm = (struct ring_memo){ .valid = true, .P = P, .bh = bh, .box = box,
				  .grid_hz = grid_hz, .rate_hz = rate_hz, .lo = wlo, .hi = whi,
				  .wide = wide, .onset = run, .rb0 = rb0, .fit_s2_0 = s0, .rb = rb0,
				  .fit_s2 = s0, .rb_steady = rb0 };
	mm->ok = ring_model_peak(P, bh, box, grid_hz, rate_hz, wlo, whi, wide, &mm->pk, &mm->vp,
				 &mm->up, &mm->um, &mm->cv, &mm->bx, &mm->rb, &mm->rb_steady,
				 &mm->fit_s2, onset, onset_due);
	if (due)
		fold_fine_model_due(src);
out:
	if (rb)
		*rb = mm->rb;
	if (fit_s2)
		*fit_s2 = mm->fit_s2;
	if (mm->ok) {
		*pk = mm->pk;
		*vp = mm->vp;
		*up = mm->up;
		*um = mm->um;
		*cv = mm->cv;
		*bx = mm->bx;
	}
	return mm->ok;
}

/* What a ring seen on the main fold earns of its move over the smooth
 * peak: the ripple's share (ripple_ramp), or the best local maximum's,
 * whichever is more: none where it stands MAX_SURE_FROM of its standard
 * uncertainty above the smooth peak, judged against the fold's scatter
 * (excess, fold_noise_excess) as the ripple is, all of it MAX_SURE_RAMP
 * further. The ripple's z is the largest of many and is held to a ramp
 * from RIPPLE_SIGMAS for a noisy plateau's sake (blind_hunt.py noisy 4000
 * 10603: its maximum 5.9 sigma up, 4.1 against the fold's scatter, earns
 * none); a ring that shows its trough only by a convex bend at 5..6 sigma
 * (a ring on a dwell's plateau, or one whose trough the noise blurs) kept
 * the smooth peak's side where its crest stood far above it. Until 12-07
 * (session 45, MITRE) the ripple's alone: blind_hunt.py ringing 4000
 * 23833 (a 2362 Hz ring of 15.4 um on 195 Hz poly345 strokes with a
 * 0.055-cycle dwell, 315 points, no exposure; the convex bend at 5.5
 * sigma, no rise; the best maximum 3.3 um up at 10 sigma, its crest)
 * moved half the way: -1.44 um, U 3.93; 8 redraws of its noise and
 * scatter (tests/gen/ring_redraw.py) -1.07 um on average, 4 within 1 um. */
#define MAX_SURE_FROM 5.0
#define MAX_SURE_RAMP 2.0
static double seen_share(const struct ripple *rp, long n, double excess, double gap, double u)
{
	double a = ripple_ramp(rp, n, excess);
	double z = u > 0 ? gap / (u * sqrt(excess)) : 0;
	double b = num_ramp(z, MAX_SURE_FROM, MAX_SURE_FROM + MAX_SURE_RAMP);
	return b > a ? b : a;
}

/* An unsure maximum on a ripple seen (peak_ringing): how far from the
 * maximum taken the crest may lie, as a rectangular half-width. Below it
 * down to the smooth peak (excess), and above it up to the highest
 * reading of any h tried (c->top): a wider quadratic is the least
 * uncertain but reads a ring's crest low, never high (ring_gain), and
 * where the ripple shows no rise its half period is only bounded by the
 * band's (ring_band_half), so h may span most of a fast ring's period.
 * blind_hunt.py ringing 4000 28338 (a 3626 Hz ring of 12.1 um decaying
 * in 0.35 ms, struck on the flank, 274 Hz asine strokes, 249 points, no
 * exposure; 19 points a ring period, a convex point 22 points out, held
 * to the band's 17): the 17-point quadratic read the crest 0.15 um over
 * the smooth peak, the 5- and 7-point ones 0.52, the truth 0.84: -0.68
 * um against U 0.65, status ok; 12 redraws of its noise and scatter
 * (tests/gen/ring_redraw.py) the 17-point one taken in 6, each -0.18 to
 * -0.68 um, 2 outside U. Now U 0.80, the redraws all within U (mean U
 * 0.87 -> 1.06 um; -0.19 um on average, a tail). Taken as the middle of
 * the two readings instead (the peak moved), 28338's redraws read +0.08
 * um on average, but 20 other records of 200 (ringing at 4 kHz, seeds
 * 28200-28399) moved, all up, by the highest reading's noise: their mean
 * error -0.01 -> +0.10, rms 0.14 -> 0.21 um. So U only. */
static double unsure_crest_reach(const struct ring_cand *c, double excess)
{
	double above = c->top - (c->val + c->corr);
	return above > excess ? above : excess;
}

/* A local maximum 2..RING_SIGMAS sigma above the smooth peak with no
 * ripple (peak_ringing): the smooth peak stays (or moves a share of the
 * way to the middle), and the gap counts in U as a rectangular
 * half-width. The maximum is the other reading of the top, and it is read
 * low by its quadratic (the Richardson correction, c->corr, says by how
 * much for a sharp crest; a ring's crest more): on the main fold
 * (main_fold: src, peak_ringing) the half-width reaches the corrected
 * maximum. Not on the fine folds of the top, whose callers weigh their
 * maxima themselves (ring_fine_rules); nor the maximum's own noise in
 * quadrature, tried first: it widened 21 of 50 records of ringing at 1 kHz
 * (blind_hunt.py seeds 23800-23849, mean U 9.32 -> 9.76 um, 23805 3.11 ->
 * 10.32) and 18 of 100 mixed at 4 kHz (23886 1.23 -> 1.82) for no record
 * brought within U. Until 12-07 (session 45, MITRE) the gap alone:
 * blind_hunt.py ringing 4000 21405 (a 2530 Hz ring of 5.2 um decaying in
 * 0.52 ms on 113 Hz asine strokes, 311 points, no exposure; the load's
 * warp puts the ring's crest on the top, 0.73 um over it in the truth;
 * no ripple, the top bent convex at 2.6 sigma) took the smooth peak, its
 * best maximum (17 points) 0.53 um up at 2.1 sigma and 0.18 more by its
 * correction: -0.94 um against U 0.86, status ok; 12 redraws of its
 * noise and scatter (tests/gen/ring_redraw.py) -0.58 um on average (se
 * 0.09), 10 within U. The steady ring's model finds no ring beyond its
 * noise (the same capture without noise or scatter reads -0.23 um): its
 * U widened. The ring from its impact reads it now (quiet_onset_take,
 * sessions 46-47): -0.25 um, U 1.32. */
static double unsure_max_doubt(double u_model, const struct ring_cand *c, double excess,
			       bool main_fold)
{
	return num_rect_add(u_model, excess + (main_fold ? c->corr : 0));
}

/* A pad's creep over the window W read (ro_window, no box): the smooth
 * top (the window's RO_NQ polynomial columns) and the lag of a ramp
 * struck at x0 with time constant T, u - T (1 - e^(-u / T)), u = x - x0
 * beyond x0 (the pad's share of the tips' excess beyond its contact,
 * first order, as the tips cross it at a steady speed), at the best x0
 * (the onsets the ring's model tries) and T (PAD_TAU_MS): its
 * chi-square, NAN when no fit. As many freedoms as the ring's but its
 * frequency: a real ring's crests and troughs are beyond it. */
static const double pad_tau_ms[] = { 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4 };
#define PAD_NTAU (sizeof pad_tau_ms / sizeof pad_tau_ms[0])
static double pad_creep_chi(const struct shape_pts *P, const struct ro_read *W, double bh)
{
	struct rm_pts R; /* ~45 KiB of stack */
	rm_points(P, W->wlo, W->whi, 0, RO_NQ, &R);
	double pps = 2 * bh * RING_HZ_LO, best = NAN, col[NBIN_MAX];
	for (double x0 = (double)W->wlo; x0 <= 0; x0 += 1) {
		for (unsigned t = 0; t < PAD_NTAU; t++) {
			double T = pad_tau_ms[t] * 1e-3 * pps;
			double A[RO_NP * RO_NP] = { 0 }, Y[RO_NP] = { 0 }, c[RO_NP], chi;
			for (unsigned a = 0; a < RO_NQ; a++) {
				Y[a] = R.Y0[a];
				for (unsigned b = 0; b < RO_NQ; b++)
					A[a * RO_NP + b] = R.A0[a * RM_NB + b];
			}
			for (long i = 0; i < R.n; i++) {
				double u = R.x[i] - x0, v = u > 0 ? u - T * -expm1(-u / T) : 0;
				col[i] = v / R.span;
				if (!(u > 0))
					continue;
				for (unsigned a = 0; a < RO_NQ; a++)
					A[a * RO_NP + RO_NQ] += R.iw[i] * R.q[i][a] * col[i];
				A[RO_NQ * RO_NP + RO_NQ] += R.iw[i] * col[i] * col[i];
				Y[RO_NQ] += R.iw[i] * col[i] * R.y[i];
			}
			if (rm_sym_fit(RO_NP, A, Y, R.yy, c, NULL, &chi) && !(chi >= best))
				best = chi;
		}
	}
	return best;
}

/* The ring from its impact (ring_onset_peak) read with no box, where the
 * main fold shows no ripple and its best local maximum stands
 * MAX_DOUBT_FROM..RING_SIGMAS sigma above the smooth peak (peak_ringing:
 * the smooth peak stays, or moves a share of the way, the gap in U). A
 * ring struck on the flank that has decayed by the top leaves it only a
 * crest too small for the top window's noise, and too little of a ripple
 * there for the steady model (ring_model_steady) over the points within
 * RING_MAX_UM of the top; its whole is on the flank, from the impact on,
 * which the onset model fits (over RO_REACH_UM, with its own gates: RM_CHI
 * over the sextic, RM_SMOOTH over a smooth top of as many freedoms, the
 * half window's ring too, the fit within RM_SECOND_FIT, not at the band's
 * edge). Until 12-07 (session 46, DENTIL) it ran under a long exposure
 * only (ring_model_peak): blind_hunt.py ringing 4000 21405 (a 2530 Hz
 * ring of 5.2 um decaying in 0.52 ms, struck 119 um down the flank 0.74 ms
 * before the top of 113 Hz asine strokes; 311 points, no exposure; the
 * crest 0.73 um over the ringless top) kept the smooth peak, its best
 * maximum 2.1 sigma up: -0.94 um against U 1.02, status ok; 12 redraws of
 * its noise and scatter (tests/gen/ring_redraw.py) -0.58 um on average (se
 * 0.09). The onset model takes 2450 Hz decaying in 0.56 ms, 4.6 um, z 108
 * over the sextic and 84 over the smooth top: taken as the boxed top's
 * is (peak, U: the tops' spread over both windows and RM_SHARE of the
 * ring's part). In the shape's final read only, as the model is under the
 * box (ring_onset_due); not where the fixture's ring bound holds
 * (ring_model_try's onset). With no box the whole window's ring must beat
 * a smooth top of as many freedoms by QUIET_ONSET_SMOOTH of its noise,
 * not RM_SMOOTH: a sextic over 240 um of a ringless top leaves a misfit
 * the one-sided sine takes. blind_hunt.py mixed 4000 25477 (asine strokes
 * at 230 Hz, no ring) took a 1.8 um ring at 3100 Hz, 267..297 of its
 * noise over the sextic but only 9.4..12.1 over the smooth top: +0.12 um,
 * U 0.43 -> +0.13, U 0.26, a ring reported. The rings it took in ringing
 * 4000 25400..25599 (6, all moved towards the truth) and 21405 stood
 * 38..747 over the smooth top. Nor where the best ring decays at the
 * slowest of rm_tau_ms the model tries (its valley beyond the grid, as
 * at the band's edge, which ro_window refuses): blind_hunt.py spikes 4000
 * 25424 (asine strokes at 243 Hz with a dwell 0.025 of a cycle, no ring)
 * took a 4.7 um ring at 2450 Hz decaying in 2.2 ms, 51 over the smooth
 * top, the dwell's shoulders' misfit: +0.28 um, U 0.57 -> +0.93, U 1.61.
 * The rings it took decay in 0.2..0.8 ms (the generator's 0.2..1.0).
 * Not landed then: the suites found two more false rings, and a hunt
 * over 25800..25999 (session 47, FASCIA) another, each passing the
 * gates above: blind_hunt.py mixed 4000 19750 under a strong pad (W 31;
 * its ring's per-stroke term put the std's U 0.33 -> 1.31), spikes 4000
 * 25974 (asine strokes with a dwell 0.035 of a cycle, no ring: a 2025
 * Hz "ring" struck 5 points before the top, 282 over the smooth top:
 * +0.00 -> +0.29 um, U 0.33 -> 2.89) and the virtual bench's spline
 * dwell (test_analyze_captures dwell_300_250: 68; +1.48 um against
 * 1.25). Two more gates, each at QUIET_ONSET_SMOOTH: the half window's
 * ring (RO_REACH_UM / 2) beats its own smooth top too (a real ring is
 * the same ring in both windows; a misfit's sine moves with the window:
 * 19750's 5.6, dwell_300_250's -8.4), and the whole window's ring beats
 * a pad's creep struck anywhere the ring may be (pad_creep_chi: one
 * break in the top's shape and no crest beyond it; 25974's 6.9, mixed
 * 4000 25952's pad -22.6). The rings it takes stand above all three
 * (21405: 79, 63, 64; ringing 4000 25436: 300, 138, 257); each of the
 * false rings fails one by a factor of 2.4 or more (docs/measurement.md 5a). */
#define QUIET_ONSET_SMOOTH (3 * RM_SMOOTH)
static bool quiet_onset_take(const struct shape_pts *P, const struct fold_src *src, double bh,
			     long lo, long hi, double *peak, double *vpos, double *u_peak,
			     double *u_model, struct top_curv *tc, enum measure_ring *ring,
			     struct ring_box *rb)
{
	if (!isfinite(bh) || src->onset_off ||
	    (src->m->cfg.ring_max_um > 0 &&
	     measure_ring_bound_holds(src->m->cfg.exposure_us, src->m->cfg.ring_exposure_us)))
		return false;
	if (!src->fine_model) {
		fold_fine_model_due(src);
		return false;
	}
	struct ro_read W;
	if (!ro_window(P, bh, 0, lo, hi, RO_REACH_UM, false, QUIET_ONSET_SMOOTH, &W))
		return false;
	double lam_slow = 1e3 / (rm_tau_ms[RM_NTAU - 2] * 2 * bh * RING_HZ_LO);
	if (!(W.best.lam > 1.001 * lam_slow))
		return false;
	/* the pad's creep first: it costs less than the half window's ring */
	if (!((pad_creep_chi(P, &W, bh) - W.best.chi) / W.s2 >= QUIET_ONSET_SMOOTH))
		return false;
	struct ro_read N;
	if (!ro_window(P, bh, 0, lo, hi, RO_REACH_UM / 2, false, QUIET_ONSET_SMOOTH, &N))
		return false;
	double cv, bx;
	/* the sextic's model only (the vertex column is the boxed top's):
	 * ring_onset_read's windows are W and N, its gates met above */
	ring_onset_both(&W, &N, bh, 0, peak, vpos, u_peak, u_model, &cv, &bx, rb);
	*ring = MEASURE_RING_TAKEN;
	*tc = (struct top_curv){ cv, 2 };
	return true;
}

void peak_ringing(const struct shape_pts *P, const struct fold_src *src, long lo, long hi,
		  double *peak, double *vpos, double *u_peak, double *u_model, struct top_curv *tc,
		  enum measure_ring *ring, double *rise_um, bool *crest_top, double *box_um,
		  double *doubt_um, struct ring_box *rb)
{
	struct ripple rp;
	*ring = MEASURE_RING_NONE;
	if (rb)
		*rb = RING_BOX_NONE;
	if (doubt_um)
		*doubt_um = 0;
	if (box_um)
		*box_um = NAN;
	*rise_um = 0;
	if (crest_top)
		*crest_top = false;
	top_ripple(P, P->n / 8, &rp);
	/* On coarse bins a convex point is as often the bins' noise as a
	 * ring: only a rise counts there. */
	long half = rp.half;
	if (P->n >= RING_MIN_BINS && rp.convex && (!half || rp.convex < half))
		half = rp.convex;
	/* no ring of the pad's is slower than RING_HZ_LO: a trough further
	 * out is no half period of a ring (ring_band_half) */
	double bh = ring_band_half(P, src);
	if (P->n >= RING_MIN_BINS && half > bh && bh >= RING_MIN_HALF)
		half = (long)bh;
	bool seen = rp.rise_um > 0 || half > 0;
	/* the ripple's half period: the ring's frequency (ring_alias_k),
	 * the model's in its place where it is fitted */
	if (rb && rp.half > 0 && isfinite(bh))
		rb->freq_hz = bh * RING_HZ_LO / (double)rp.half;
	bool coarse = P->n < RING_MIN_BINS || (seen && half < RING_MIN_HALF);
	/* seen only by a convex point beyond the second trough of the
	 * slowest ring of the band (RING_FAR_HALVES) */
	bool far = !coarse && rp.rise_um == 0 && isfinite(bh) &&
		   (double)rp.convex > RING_FAR_HALVES * bh;
	long hmax = seen ? (half > 4 ? half / 2 : 2) : 8;
	if (seen) {
		/* the ringing peak may lie beside the smooth top's window */
		lo -= hmax;
		hi += hmax;
	}
	struct ring_cand c = { 0 };
	bool have = ring_candidate(P, lo, hi, hmax, *peak, seen && !coarse, &c);
	if (!have && seen && !coarse) {
		/* A ripple on fine bins, but no local quadratic within a
		 * quarter of its period has a maximum: the bins' noise (the
		 * strokes' scatter, a bin sees few of them) flattened the top.
		 * The nearest convex point may lie well inside half the ring's
		 * period, and the quadratics may reach to a quarter period of
		 * the slowest ring of the pad (bh / 2), where a ring's crest
		 * reads low, never high. blind_hunt.py ringing 4000 9114 (a
		 * 2.0 kHz ring under 69 us, its convex point 15 points out, 24
		 * in half its period): the smooth peak was kept, -1.11 um
		 * against U 1.05; the quadratic over 17 points read it 0.28 um
		 * higher, unsure (the gap in U): -0.67 um, U 1.11. */
		long hb = isfinite(bh) ? (long)(bh / 2) : 8;
		if (hb > hmax)
			have = ring_candidate(P, lo, hi, hb, *peak, true, &c);
	}
	double excess = have ? c.val + (seen && !coarse ? c.corr : 0) - *peak : 0;
	/* a ring seen on bins too coarse for the band's fastest, or none
	 * seen and a local maximum beyond RING_SIGMAS: its model
	 * (ring_model_peak), when a ring stands out of the fit. Under an
	 * exposure the box hides the ring whatever the bins: where it does
	 * not pass the band (RM_BOX_PASS), the model is fitted through the
	 * box (the model without it read ringing 4000 3000, a 2.3 kHz ring
	 * under 225 us, -0.65 -> -1.31 um; through it -0.30), whether a ring
	 * shows or not: the box that hides the ring hides its ripple and its
	 * local maximum too. Until 12-05 a ripple or a local maximum
	 * RING_SIGMAS up was asked for, and 10703 (3549 Hz under 205 us,
	 * gain 0.33), its best local maximum 0.2 sigma up, read -4.17 um;
	 * 10618 (3876 Hz, 179 us, 0.38) -2.59. What decides is the fit: a
	 * ring standing out of it (RM_CHI) that the box passes RM_BOX_GAIN
	 * or more of (rm_search). Then *box_um is what the box took of the
	 * model's top (the box's correction, in place of shape.c's).
	 * Under a short exposure (one that passes the band, not boxed) the
	 * model is fitted as with none, and shape.c's correction follows, as
	 * for a local maximum taken: until 12-05 session 35 (PLY) any
	 * exposure kept it out, and blind_hunt.py ringing 4000 11908 (a
	 * 4877 Hz ring of 11.6 um under 42 us, gain 0.93; 2.1 points a half
	 * period, the ripple at 15 sigma) took the 5-point quadratic's
	 * maximum, 3.0 um over the smooth peak where the ring adds 3.9: -1.43
	 * um against U 2.67 (issue 13: within 1 um at 4 kHz); now +0.29, U
	 * 2.24. */
	double exp_s = src ? src->m->cfg.exposure_us * 1e-6 : 0;
	double box = exp_s > 0 && isfinite(bh) ? exp_s * 2 * bh * RING_HZ_LO : 0;
	bool boxed = !coarse && box > 0 && ring_band_gain(exp_s) < RM_BOX_PASS;
	/* an unsure maximum where the ring shows only far out on the flank
	 * (RING_FAR_HALVES): kept with its gap in U below, but only when the
	 * model finds no ring (see there) */
	bool far_unsure = far && have && excess > 0 && excess < RING_SIGMAS * c.u;
	bool tried = src && !coarse &&
		     (boxed || (seen && bh * RING_HZ_LO / RING_HZ_HI < RING_MIN_HALF) ||
		      (!seen && have && c.val - *peak > RING_SIGMAS * c.u));
	if (tried) {
		double pk, vp, up, um, cv, bx;
		if (ring_model_try(P, src, bh, box, boxed, seen, lo + hmax, hi - hmax, &pk, &vp, &up, &um,
				   &cv, &bx, rb, NULL)) {
			if (box_um)
				*box_um = boxed ? bx : NAN;
			*ring = MEASURE_RING_TAKEN;
			*peak = pk;
			*vpos = vp;
			*u_peak = up;
			*u_model = um;
			*tc = (struct top_curv){ cv, 2 };
			return;
		}
	}
	if (far_unsure) {
		/* An unsure maximum (under RING_SIGMAS) where the ring shows
		 * only far out on the flank (RING_FAR_HALVES): the smooth peak
		 * stays, the gap counts in U as a rectangular half-width. The
		 * top is still taken as a ring's (the exposure's correction,
		 * shape.c) and the ring still moves each stroke's fit over
		 * the top 70 % (result.c's per-stroke term), as when the
		 * maximum was taken: blind_hunt.py ringing 4000 9913 without
		 * it, the strokes' U 3.59 -> 1.18 um, the std's 3.37 -> 0.24
		 * for an error of 0.23. Under a long exposure (boxed) the
		 * model is tried first: the box that hides the ring leaves
		 * the maximum unsure as it leaves the ripple unseen. Until
		 * 12-05 this came first, and ringing 4000 10908 (3491 Hz under
		 * 181 us, gain 0.46; a convex point 33 points out, 5.4 half
		 * periods of 2 kHz; a maximum 0.47 um up, 1.3 sigma) kept the
		 * smooth peak, -1.65 um; the model, a ring at 3350 Hz
		 * standing 51 of its noise out of the fit, reads -0.64. With
		 * no exposure or a short one too since 12-05 session 35 (PLY):
		 * ringing 4000 11802 (a 4361 Hz ring of 9.6 um on 61 Hz
		 * strokes, no exposure; a convex point 13 points out, 3.4 half
		 * periods; a maximum 1.03 um up, 2.0 sigma, where the ring adds
		 * 1.9) kept the smooth peak, -1.65 um against U 2.80; the
		 * model (its window widened, above) finds the ring at z 160
		 * and reads +0.50, U 1.35. */
		*u_model = num_rect_add(*u_model, excess);
		if (crest_top)
			*crest_top = true;
		return;
	}
	double peak0 = *peak;
	if (coarse && src && ring_fine(P, src, lo, hi, peak, vpos, u_peak, u_model, tc, ring, rise_um))
		return;
	if (coarse) {
		/* Too coarse to take a ringing peak (a cycloid's sharp top
		 * fooled the local fits by 4.7 um at 1 kHz): a local maximum
		 * above the smooth peak beyond 2 sigma counts in U, and a
		 * ripple seen but not resolved: the peak lies up to its rise
		 * above the smooth one. */
		double gap = have && excess > 2 * c.u ? excess : 0;
		double moved = *peak - peak0; /* by the fine fold's doubt */
		/* a rise the fold's own scatter makes (noisy 4000 11219: 18.86
		 * um at 5.92 of the points' sigma, 3.82 of the scatter's) */
		bool noise_rise = rp.rise_um > 0 &&
				  rp.z_rise < RIPPLE_SIGMAS * sqrt(fold_noise_excess(P));
		if (seen && !noise_rise && rp.rise_um > gap && rp.rise_um / 2 >= moved) {
			*peak = peak0 + rp.rise_um / 2;
			gap = rp.rise_um / 2;
			*ring = MEASURE_RING_UNRESOLVED;
			*rise_um = rp.rise_um;
		} else if (noise_rise && rp.rise_um / 2 > gap) {
			/* a rise the fold's noise makes: not taken, its half
			 * a doubt as when it was */
			gap = rp.rise_um / 2;
		} else if (rp.step_um > gap) {
			gap = rp.step_um;
		}
		*u_model = num_rect_add(*u_model, gap);
		return;
	}
	if (crest_top && !coarse && !(have && excess > 0) &&
	    (rp.rise_um > 0 || (rp.convex > 0 && rp.convex <= bh)))
		/* a ring's ripple (a rise, or a convex point within the band's
		 * half period), and the smooth peak at or above every local
		 * maximum: it sits on the ring's crest (red_hunt.py 20 2026,
		 * 4 kHz spikes+ringing 835826010: a rise of 14 um, the best
		 * maximum 0.01 um under the smooth peak, the depth +0.15 um,
		 * U 0.96). Nothing to take, but the crest moves with each
		 * stroke's ring, which the fits follow little (result.c). A
		 * convex point further out is the top's own bend (a harmonic
		 * cam's, 27 points out for a band of 13: red_hunt.py 4 kHz
		 * plain 772946290), no ring. */
		*crest_top = true;
	if (!have)
		return;
	if (!seen && excess < -VERTEX_SIGMAS * c.u) {
		/* The smooth peak above every local maximum beyond their
		 * noise: the smooth model overshoots the top the bins show.
		 * A sharp two-sided fit over a top with a short dwell (0.027
		 * of a cycle, asine cam at 4 kHz) meets its flanks' parabolas
		 * above the plateau: +0.33 um against U 0.11, the best local
		 * maximum 0.24 um below it. A local quadratic over a top of
		 * order 2..4 reads its peak high, never low, so the plateau
		 * lies at or below that maximum; a rounded sharp top (a cusp
		 * blurred by the fold's timing) may leave the vertex right:
		 * the middle of the two, the whole gap as a rectangular
		 * half-width (tests/test_blind_captures.sh). */
		*peak += excess / 2;
		*u_model = num_rect_add(*u_model, excess);
		return;
	}
	if (!(excess > 0))
		return;
	/* no ripple, an unsure maximum: the ring from its impact */
	if (!seen && src && !boxed && excess > MAX_DOUBT_FROM * c.u &&
	    excess <= RING_SIGMAS * c.u &&
	    quiet_onset_take(P, src, bh, lo, hi, peak, vpos, u_peak, u_model, tc, ring, rb))
		return;
	if (seen) {
		double smooth = *peak;
		/* A ripple seen and resolved: the best local maximum is the
		 * peak. Not clearly above the smooth peak (under RING_SIGMAS)
		 * it may be a top that is not smooth, without ringing (a soft
		 * pad's flat top rippled 4.3 um over 3 points; its maximum,
		 * 1.02 um up at 2.8 sigma, read +1.10 um with U 0.86), or a
		 * ring under noise whose peak lies higher still (222 Hz: the
		 * middle of the two read -0.81 um, U 0.55): the maximum is
		 * kept, and the gap to the smooth peak counts in U as a
		 * rectangular half-width. */
		bool unsure = excess < RING_SIGMAS * c.u;
		*ring = unsure ? MEASURE_RING_UNSURE : MEASURE_RING_TAKEN;
		*rise_um = unsure ? excess : 0;
		*peak = c.val + c.corr;
		*vpos = c.pos;
		*u_peak = c.u;
		*u_model = unsure ? num_rect_add(c.corr, unsure_crest_reach(&c, excess)) : c.corr;
		*tc = (struct top_curv){ c.curv, 2 };
		/* A ring taken: the bins may not resolve the fastest ring of
		 * the pad (RING_HZ_HI, bh scaled). Its peak, read excess
		 * above the smooth one, rose up to excess / g there
		 * (ring_gain), and the rest counts in U as a rectangular
		 * half-width (the ring held to RING_MAX_UM). blind_hunt.py
		 * ringing 4000 9103: a 4.9 kHz ring, 4.3 points a period,
		 * read 1.30 um above the smooth peak by a quadratic over 5
		 * points (g 0.65 at 5 kHz) where it rose 1.98: -0.66 um
		 * against U 0.56. Not when unsure: the whole gap is in U
		 * already (a ring read at half its height or more), and a
		 * slow stroke's top without a ring (25 Hz at 4 kHz, 2 bins in
		 * half a 2 kHz ring's period, h 8, g < 0) would pay 20 um. */
		double g = unsure ? 1 : ring_gain(c.h, M_PI * RING_HZ_HI / (RING_HZ_LO * bh));
		double top = excess < RING_MAX_UM ? excess : RING_MAX_UM;
		*u_model = num_rect_add(*u_model, g * RING_MAX_UM > excess ? excess / g - top : RING_MAX_UM - top);
		/* A ripple seen by a hair (under RIPPLE_SIGMAS + RIPPLE_RAMP):
		 * on a wide flat top under noise it is as often the noise's
		 * largest rise, and the best local maximum then the highest
		 * of the plateau's noisy ones (h 2, a top window of 70
		 * points). blind_hunt.py noisy 4000 10603 (11.2 um of noise
		 * on a 224 um stroke, a soft pad's plateau, no ring): a rise
		 * at 5.17 sigma, a maximum 7.9 um over the smooth peak at
		 * 5.9 of its sigma taken as a ring's crest: +7.32 um against
		 * U 4.18, status ok; of 24 noise draws of its physics 7 took
		 * a ring (z 5.0..5.5 but one), +2.5..+7.3 um, the other 17
		 * -1.0..+0.7. The peak moves the share of the gap the ripple
		 * earns (ripple_ramp), and the whole gap counts in U as a
		 * rectangular half-width (as the fine fold's, ring_fine):
		 * unsure, whatever the maximum's own significance. (A fine
		 * fold's ring, src NULL: ring_fine and fine_clean_doubt weigh
		 * it by the same ramp, ripple_share.) */
		double a = seen_share(&rp, P->n, fold_noise_excess(P), excess, c.u);
		if (src && a < 1) {
			if (!unsure)
				*u_model = num_rect_add(*u_model, excess);
			*peak = c.val + c.corr - (1 - a) * excess;
			*ring = MEASURE_RING_UNSURE;
			*rise_um = a * excess;
		}
		/* The ring's model (ring_model_peak, where it was not tried
		 * above) as a second reading of the resolved crest: the
		 * middle of the two, the whole gap a rectangular half-width.
		 * The local quadratic reads the crest from 2h + 1 points and
		 * the model from every point within RING_MAX_UM of the top,
		 * each with its own error (the quadratic's noise, the model's
		 * form); neither is the truth where they differ, and U did
		 * not say so. blind_hunt.py ringing 4000 12402 (a 3709 Hz
		 * ring of 9.7 um on 155 Hz asine strokes, no exposure, 310
		 * points; the ripple at 6 sigma, 6 points a half period): the
		 * 7-point quadratic read the crest 0.07 um over the smooth
		 * peak and 1.05 um under the truth, U 0.91, status ok; the
		 * model 0.37 um higher. Now -0.87 um, U 1.00; 40 redraws of
		 * its noise and scatter (tests/gen/ring_redraw.py): sd 0.36
		 * -> 0.29 um, within U 39 -> 40. Only the depth's peak moves:
		 * the model's ring is not reported (rb, the per-stroke ring
		 * terms of result.c), nor is the ring's state changed; an
		 * unsure ring's rise says where the depth now lies. Not where
		 * the ripple earned less than the whole move (a < 1 above: the
		 * ring is in doubt, and the peak stays near the smooth one),
		 * and only where the model fits the points within RM_SECOND_FIT
		 * of their noise (its chi-square a degree of freedom, over the
		 * fold's own scatter, fold_noise_excess): the virtual bench's
		 * ring starts at each stroke's peak, a form the damped sine
		 * does not follow (tests/test_measure_sim.c, 15 um at 4 kHz on
		 * 120 Hz strokes: 17 times the noise, the model 5 um under a
		 * crest the quadratic read to 0.01 um; the middle read -2.5).
		 * The readings the rule moved at 4 kHz (blind_hunt.py ringing,
		 * 73 records) fitted within 1.0 to 2.8. */
		double pk, vp, up, um, cv, bx, fs2 = INFINITY;
		bool second = src && !tried && a >= 1;
		/* fitted in the shape's final read only (shape_reread), as the
		 * fine fold's model is: the builds before say that it would be */
		if (second && !src->fine_model)
			fold_fine_model_due(src);
		if (second && src->fine_model &&
		    ring_model_try(P, src, bh, box, boxed, seen, lo + hmax, hi - hmax, &pk, &vp, &up, &um,
				   &cv, &bx, NULL, &fs2) &&
		    fs2 <= RM_SECOND_FIT * fold_noise_excess(P)) {
			double gap = pk - *peak;
			*peak += gap / 2;
			*u_model = num_rect_add(*u_model, num_abs(gap));
			if (unsure)
				*rise_um = *peak > smooth ? *peak - smooth : 0;
		}
	} else if (excess > RING_SIGMAS * c.u) {
		/* a local maximum well above the smooth peak, but no ripple:
		 * a ring that decayed by the top, or the strokes' scatter
		 * (a bin sees few distinct strokes: 3.8 um of scatter read
		 * +1.4 um with the local maximum taken, U 1.2; a dwell's
		 * plateau +2.2 um): the middle of the two, and the whole gap
		 * as a rectangular half-width (with half of it, rings of
		 * 5.5 um read -0.66 um against U 0.49 at 4 kHz). */
		*peak += excess / 2;
		*u_model = num_rect_add(*u_model, excess);
	} else if (excess > 2 * c.u) {
		/* RING_TAKE_RAMP under RING_SIGMAS, a share of the way to the
		 * middle, all of it at RING_SIGMAS (on the coarse fold only:
		 * the fine folds' callers judge their maxima themselves). A
		 * switch flipped on a few gated samples: blind_hunt.py spikes
		 * 4000 10817 (a creeping pad's top, no ring), the best
		 * maximum at 3.31 sigma in the spiked capture and 3.71 in its
		 * twin, the mean -0.65 um from the twin's; now -0.16. U as
		 * before: the whole gap, a rectangular half-width. */
		if (src) {
			double t = (excess / c.u - RING_SIGMAS) / RING_TAKE_RAMP + 1;
			*peak += (t > 0 ? t : 0) * excess / 2;
		}
		*u_model = unsure_max_doubt(*u_model, &c, excess, src != NULL);
	} else if (doubt_um && excess > MAX_DOUBT_FROM * c.u) {
		/* MAX_DOUBT_FROM..2 sigma: a share of the gap, growing to all
		 * of it at 2 sigma, where the switch above takes it, when the
		 * top bends convex somewhere beyond noise, short of a ripple
		 * (z_convex, a share from MAX_DOUBT_BEND sigma, all from one
		 * more). A switch alone left the crest of a fast ring a
		 * little under it out: blind_hunt.py ringing 4000 10007's
		 * physics (a 4.9 kHz ring of 9.6 um on 243 Hz strokes, no
		 * ripple; under 15 seeds of the generator -0.80 um on
		 * average, 5 outside U), seed 2 -0.79 um against U 0.47, its
		 * maximum 0.65 um up at 1.95 sigma, a bend at 3.05. Without
		 * the bend's weight a top with no ring paid too: speed 4000
		 * 2037, 0.57 -> 0.84 um, its bend at 1.45 sigma. Apart
		 * (*doubt_um), so that shape.c's own terms for a top ring.c
		 * left alone still count. */
		double wz = num_ramp(excess / c.u, MAX_DOUBT_FROM, 2);
		double wb = num_ramp(rp.z_convex, MAX_DOUBT_BEND, MAX_DOUBT_BEND + 1);
		*doubt_um = num_rect_add(0, wb * wz * excess);
	}
}

/* How far the fine fold's points j0..j1 stray from the shape P (its
 * quadratic through the three nearest points), against their noise: a
 * chi-square's excess in its own standard deviations. A ring the coarse
 * bins alias leaves the fine points off the shape; a smooth top does not
 * (a dwell's plateau, whose fine fold rippled 21 um over single samples,
 * -0.6 and -1.4; a ring 3.2..46). With the fine fold's ripple, a ring
 * needs both beyond FINE_SIGMAS. */
#define FINE_SIGMAS 3.0
/* Under FINE_SIGMAS the fine fold's ring is a doubt, in U: from FINE_DOUBT
 * a ring it took (its ripple); with no ripple, a local maximum beyond
 * RING_SIGMAS over FINE_DOUBT_H or more points each side (fine_doubt).
 * 1 kHz rings whose fold the stroke ends blurred (z 0.9..2.8) read 3.1 to
 * 6.9 um shallow against U 1.6..6.7 (tests/test_physics_captures.sh,
 * ring_1khz_doubt_*; test_blind_captures.sh, ring_1khz_fine_doubt). */
#define FINE_DOUBT 1.0
#define FINE_DOUBT_H 3
static double fine_excess(const struct shape_pts *P, const struct shape_pts *F,
			  const struct fold_win *win, long j0, long j1)
{
	double chi = 0, n = 0;
	for (long jj = j0; jj <= j1; jj++) {
		long j = ((jj % F->n) + F->n) % F->n;
		if (F->wt[j] < 1 || !(F->sd[j] > 0))
			continue;
		double ph = win->ph0 + (F->X[j] + 0.5) / win->per_cycle;
		double r = (F->yc[j] - pts_at(P, ph)) / F->sd[j];
		chi += r * r;
		n += 1;
	}
	return n > 0 ? (chi - n) / sqrt(2 * n) : 0;
}

/* The share of the move to the middle (the smooth peak and a ring's,
 * ring_fine and fine_clean_doubt) that the ripple a fine fold F showed
 * earns (ripple_ramp). A switch flipped on a noise figure: in
 * blind_hunt.py spikes 1000 9803 the spike-free twin took a ring at 5.22
 * sigma and the spiked capture none at 3.77, +0.63 um between them (the
 * mean's limit 0.5); 9912, 5.27 sigma, +0.84 um; no ring in truth. U
 * keeps the whole gap as a rectangular half-width, which covers both
 * answers, the smooth peak and the ring's, wherever on the ramp. */
static double ripple_share(const struct shape_pts *F)
{
	struct ripple rp;
	top_ripple(F, F->n / 8, &rp);
	return ripple_ramp(&rp, F->n, 1);
}

/* Whether the fine fold F's peak above the smooth one (z: fine_excess)
 * is a doubt: a ring it took (a ripple), from FINE_DOUBT; with no ripple,
 * its best local maximum beyond RING_SIGMAS of its own uncertainty and
 * FINE_DOUBT_H or more points each side (the narrowest local quadratic,
 * five fine bins, found a dwell's plateau 6.3 um up at 3.8 sigma, z 2.0;
 * a ring's peak fills more of them). */
static bool fine_doubt(const struct shape_pts *F, long lo, long hi, double smooth, bool took,
		       double z)
{
	if (took)
		return z >= FINE_DOUBT;
	struct ring_cand c;
	return ring_candidate(F, lo, hi, 8, smooth, false, &c) && c.h >= FINE_DOUBT_H &&
	       c.val - smooth > RING_SIGMAS * c.u;
}

/* A fine bin holds 0.5..6 samples, so one heavy-tailed sample (t3 noise,
 * under the spike gate) carries its mean far off its neighbours, where a
 * ring lifts many bins together (its crest spans a quarter period, 2..20
 * fine bins). Each bin against the quadratic through FINE_LONE_H bins
 * each side (itself left out), in their noise (var_um2: one sample's,
 * pooled) and the quadratic's: a bin beyond FINE_LONE_SIGMAS of it is held
 * there (winsorized: no switch flips at the limit). blind_hunt.py spikes
 * 1000 15982's spike-free twin (t3 noise of 1.77 um, 7.09 samples a
 * stroke, no ring in truth): a fine bin of two samples stood 11.5 um over
 * its neighbours, 7 of its sigma, and the fine fold took it as a ring's
 * crest 8.05 um over the smooth peak: +8.45 um against U 5.93, status
 * ok. A 5 kHz ring of 8 fine bins a period stands 0.06 of its height over
 * that quadratic at its crest. The window's ends (it is no whole cycle)
 * are not judged. */
#define FINE_LONE_H 2
#define FINE_LONE_SIGMAS 4.0
static void fine_lone_bins(struct shape_pts *F, double var_um2)
{
	double y0[NBIN_MAX];
	long n = F->n;
	memcpy(y0, F->yc, (size_t)n * sizeof y0[0]);
	for (long j = FINE_LONE_H; j + FINE_LONE_H < n; j++) {
		double S[5] = { 0 }, Y[3] = { 0 }, q[3], inv[3][3];
		for (long i = j - FINE_LONE_H; i <= j + FINE_LONE_H; i++) {
			double x = F->X[i] - F->X[j], p = 1;
			for (int e = 0; e < 5 && i != j; e++) {
				S[e] += F->wt[i] * p;
				if (e < 3)
					Y[e] += F->wt[i] * p * y0[i];
				p *= x;
			}
		}
		double A[3][3] = { { S[0], S[1], S[2] }, { S[1], S[2], S[3] }, { S[2], S[3], S[4] } };
		if (!(F->wt[j] > 0) || !num_solve3_sym(A, Y, q, inv) || !(inv[0][0] > 0))
			continue;
		double lim = FINE_LONE_SIGMAS * sqrt(var_um2 * (1 / F->wt[j] + inv[0][0]));
		if (y0[j] - q[0] > lim)
			F->yc[j] = q[0] + lim;
		else if (q[0] - y0[j] > lim)
			F->yc[j] = q[0] - lim;
	}
	for (long j = 0; j < n; j++)
		F->ys[j] = (F->yc[(j - 1 + n) % n] + F->yc[j] + F->yc[(j + 1) % n]) / 3;
}

/* The fine fold of src's samples within win (nb bins): its bins' noise
 * pooled over the top (three samples' spread is too noisy to judge a
 * ripple by), its lone bins held to their neighbours (fine_lone_bins),
 * and its highest point within P's top window lo..hi (vpos: P's vertex;
 * r fine bins a bin of P), that window in fine bins from the middle one
 * in *flo..*fhi. False with no fold or no spread. */
static bool fine_fold(const struct shape_pts *P, const struct fold_src *src,
		      const struct fold_win *win, unsigned nb, long lo, long hi, double vpos,
		      double r, struct shape_pts *F, long *flo, long *fhi)
{
	if (!shape_fold_window(src, win, nb, F))
		return false;
	long n = F->n, jc = (long)floor((double)nb / 2);
	double sv = 0, sc = 0;
	for (long k = -n / 8; k <= n / 8; k++) {
		long j = ((jc + k) % n + n) % n;
		if (F->wt[j] > 1) {
			sv += F->sd[j] * F->sd[j] * F->wt[j] * (F->wt[j] - 1);
			sc += F->wt[j] - 1;
		}
	}
	if (!(sc > 0))
		return false;
	for (long j = 0; j < n; j++)
		F->sd[j] = sqrt(sv / sc / F->wt[j]);
	fine_lone_bins(F, sv / sc);
	*flo = (long)floor(((double)lo - 0.5 - vpos) * r);
	*fhi = (long)ceil(((double)hi + 0.5 - vpos) * r);
	F->jmax = (jc + *flo + n) % n;
	for (long k = *flo; k <= *fhi; k++) {
		long j = ((jc + k) % n + n) % n;
		if (F->ys[j] > F->ys[F->jmax])
			F->jmax = j;
	}
	F->tmin = P->tmin;
	F->jmin = 0;
	F->indep = true;
	return true;
}

/* The cleaned fold's local maximum above the smooth peak when it shows
 * no ripple (peak_ringing's doubt of 2..RING_SIGMAS sigma, or its middle
 * beyond): a ring that fold did not resolve, or noise. Its gap counts in
 * U as a rectangular half-width, weighed by its significance: nothing at
 * CLEAN_DOUBT_FROM sigma, all of it from CLEAN_DOUBT_SIGMAS on. The
 * weight started at 2 sigma (the highest of many noisy local maxima lies
 * about 2 sigma up) until 12-04 (SILL): at 1 kHz a crest the sampling
 * hides (a 4.7 kHz ring dying within a sample) stood 1.35 um up at 2.0
 * sigma and counted nothing (blind_hunt.py ringing 1000 9714: -2.36 um
 * against U 2.59, 125 of 140 strokes within their U; now U 2.71, 129).
 * The maximum weighed is no highest of many: the least uncertain, over 7
 * fine bins or more. At least 3 sigma of it whatever its gap (the crest
 * this fold cannot show) took that record to U 3.49, but widened 33 of
 * coverage.py 100 11's 100 1 kHz records with no ring, up to 2.3 times
 * (from 1 sigma: 20, up to 1.10 times). The peak stays (moved to the
 * middle, tops with no ring read +0.70 um for -0.18 and +1.11 for
 * +0.24). The maximum is the least uncertain of those as high as the
 * highest (ring_candidate's by_error: the highest is often the noisiest),
 * over FINE_DOUBT_H or more points each side (as fine_doubt). Not on a
 * plateau (P's top wider than CLEAN_DOUBT_TOP of a cycle, shape_top_span): a
 * dwell's cleaned fold rose up to 5.4 sigma over its level with no ring
 * (coverage.py 100 12 at 1 kHz: dwells 0.19..0.30 of a cycle wide, every
 * other top 0.06..0.13), its U 1.02 -> 3.24 um for an error of -0.03.
 * Before (main 13ac301) the doubt was dropped, and coverage.py 100 11's
 * capture 163070 (a 4.2 kHz ring of 12.1 um on 76 Hz strokes) read
 * -1.38 um against U 0.84, its maximum 1.11 um up at 3.09 sigma. */
#define CLEAN_DOUBT_SIGMAS 3.0
#define CLEAN_DOUBT_FROM 1.0
#define CLEAN_DOUBT_TOP 0.16
static void clean_max_doubt(const struct shape_pts *F, long lo, long hi, double smooth,
			    double *u_model)
{
	struct ring_cand c;
	if (!ring_candidate(F, lo, hi, 8, smooth, true, &c) || c.h < FINE_DOUBT_H)
		return;
	double gap = c.val - smooth;
	double w = num_ramp(gap / c.u, CLEAN_DOUBT_FROM, CLEAN_DOUBT_SIGMAS);
	if (!(w > 0))
		return;
	*u_model = num_rect_add(*u_model, w * gap);
}

/* The fine fold F strays from the coarse shape beyond FINE_SIGMAS (z:
 * fine_excess) but took no ring (no ripple beyond noise): the coarse
 * shape's smooth peak is not the top the fine points show, and their best
 * local maximum over lo..hi (ring_candidate, the furthest above the smooth
 * peak against its own uncertainty) may be a ring's crest they blur. Its
 * gap to the smooth peak counts in U as a rectangular half-width, weighed
 * by its significance as clean_max_doubt's (nothing at CLEAN_DOUBT_FROM
 * sigma, all of it from CLEAN_DOUBT_SIGMAS) and by z (nothing at
 * FINE_SIGMAS, all of it FINE_SIGMAS - FINE_DOUBT further: the width of
 * fine_doubt's band under FINE_SIGMAS, so no switch flips there). The peak
 * stays. Before (main 5edbea5), under FINE_SIGMAS a ring the fine fold
 * took was a doubt, and beyond it was taken, but beyond it with no ring
 * nothing of the fine fold counted: blind_hunt.py ringing 1000 10200 (a
 * 3.9 kHz ring of 5.2 um decaying over 0.97 ms on 64 Hz strokes, 2.5 um
 * of t3 noise; the ring adds 1.6 um) strayed at z 4.5 with its best
 * maximum 2.95 um (2.7 sigma, h 2) over the smooth peak, no ripple, and
 * read -2.15 um against U 1.56 (105 of 123 strokes within their U); now
 * U 2.65 (118). Weighed by significance alone, the doubt widened more
 * records with no ring (blind_hunt.py at 1 kHz, seeds 9900..10224 of
 * kinds mixed, speed, spikes, drift, 400 draws: 8 wider, up to 2.6 times,
 * against 5, up to 1.28 times, with z's weight too). */
static void fine_stray_doubt(const struct shape_pts *F, long lo, long hi, double smooth, double z,
			     double *u_model)
{
	struct ring_cand c;
	if (!ring_candidate(F, lo, hi, 8, smooth, false, &c) || !(c.u > 0))
		return;
	double gap = c.val - smooth;
	double w = num_ramp(gap / c.u, CLEAN_DOUBT_FROM, CLEAN_DOUBT_SIGMAS);
	double wz = num_ramp(z, FINE_SIGMAS, FINE_SIGMAS + (FINE_SIGMAS - FINE_DOUBT));
	if (!(w > 0) || !(wz > 0))
		return;
	*u_model = num_rect_add(*u_model, w * wz * gap);
}

/* The top folded finer once more, each stroke's own offset from P over
 * its top taken out first (fold_src.ref: the pen's stroke-to-stroke
 * scatter). At 1 kHz a fine bin holds about three samples, and a scatter
 * of 2..4 um per stroke, not the sensor's noise, fills its error: a ring
 * its fine fold did not show (coverage.py seed 11, capture 310427: a
 * 2.1 kHz ring of 11.3 um on 150 Hz strokes with 3.8 um of scatter, read
 * -2.43 um against U 2.11) stands out of the cleaned one, its ripple
 * resolved and its peak 1.9 um over the smooth one. The cleaned fold is
 * a doubt only, never the peak: the offsets come from the shape the ring
 * search doubts, and as the fine fold (its ring the peak beyond
 * FINE_SIGMAS) coverage of 100 ringing draws fell from 97 to 95 (-2.54 um
 * against U 0.76). So when it takes a ring above the smooth peak: the
 * middle of the two, the whole gap a rectangular half-width (as
 * fine_doubt's). 100 draws of every kind at 1 kHz (seed 12) moved not at
 * all (docs/measurement.md 5a). With no ripple, its local maximum is a
 * doubt in U only (clean_max_doubt). */
static void fine_clean_doubt(const struct shape_pts *P, const struct fold_src *src,
			     const struct fold_win *win, unsigned nb, long lo, long hi, double r,
			     double *peak, double vpos, double *u_model, enum measure_ring *ring,
			     double *rise_um)
{
	struct fold_src cs = *src;
	struct shape_pts F; /* ~25 KiB of stack */
	long flo, fhi;
	cs.ref = P;
	if (!fine_fold(P, &cs, win, nb, lo, hi, vpos, r, &F, &flo, &fhi))
		return;
	long jc = (long)floor((double)nb / 2);
	long dj = F.jmax - jc;
	double pk = *peak, vp = 0, up = 0, um = 0, rise = 0;
	struct top_curv t = { 0, 2 };
	enum measure_ring rg;
	peak_ringing(&F, NULL, flo - dj, fhi - dj, &pk, &vp, &up, &um, &t, &rg, &rise, NULL, NULL,
		     NULL, NULL);
	if (rg == MEASURE_RING_NONE && um > 0) {
		if (shape_top_span(P) <= CLEAN_DOUBT_TOP)
			clean_max_doubt(&F, flo - dj, fhi - dj, *peak, u_model);
		return;
	}
	if ((rg != MEASURE_RING_TAKEN && rg != MEASURE_RING_UNSURE) || !(pk > *peak))
		return;
	double a = ripple_share(&F), d = pk - *peak;
	*peak += a * d / 2;
	*u_model = num_rect_add(*u_model, d);
	*ring = MEASURE_RING_UNRESOLVED;
	*rise_um = a * d;
}

/* The top folded finer, when P's bins are too coarse to resolve a ring
 * (1 kHz: 83 bins a cycle alias a 2..5 kHz ring; a 5 kHz ring under 3 bins
 * a half period at 4 kHz): FINE_SAMPLES samples a bin or more, FINE_MAX
 * times as many bins a cycle as P's at most, over a window of NBIN_MAX bins
 * (or the whole cycle) around the smooth peak (fine_fold). Neighbouring
 * fine bins hold distinct strokes (a stroke's samples lie a millisecond
 * apart), so their noise averages. When the fine fold resolves a ring (its
 * ripple, and its points off the coarse shape beyond FINE_SIGMAS), its
 * result replaces P's; a doubt (fine_doubt) moves P's peak and counts in
 * U; its points off the coarse shape beyond FINE_SIGMAS with no ring taken,
 * its best local maximum counts in U (fine_stray_doubt); otherwise the fold
 * without the strokes' scatter may still doubt it (fine_clean_doubt), and
 * P's stands. */
#define FINE_SAMPLES 3.0
#define FINE_MAX 8.0

/* The points of P a ring may lift above its peak: the top window lo..hi
 * widened on each side while P lies within RING_MAX_UM of its peak (a
 * quarter cycle at most). The ring starts where the tips meet the pad, on
 * their way in, and a flat top takes its last few um slowly: red_hunt.py's
 * 1 kHz capture 277022927 (a 2.3 kHz ring of 14 um on 57 Hz harmonic-cam
 * strokes) rose 4 um above the smooth peak 2.7 ms (0.15 cycle) before it,
 * 13 coarse bins out, where the top window (-5..3) and the fine fold's
 * search never looked: noiseless, -3.1 um against U 0.54. reach: P's
 * points each side the fine fold's window holds with room for the local
 * fits (3/8 of it, top_ripple's eighth spare). */
static void ring_reach_um(const struct shape_pts *P, long lo, long hi, long reach, double drop_um,
			  long *wlo, long *whi)
{
	double lim = P->ys[P->jmax] - drop_um;
	long n = P->n;
	reach = reach < n / 4 ? reach : n / 4;
	*wlo = lo;
	*whi = hi;
	while (*wlo > -reach && P->ys[((P->jmax + *wlo - 1) % n + n) % n] > lim)
		(*wlo)--;
	while (*whi < reach && P->ys[((P->jmax + *whi + 1) % n + n) % n] > lim)
		(*whi)++;
}

static void ring_reach(const struct shape_pts *P, long lo, long hi, long reach, long *wlo,
		       long *whi)
{
	ring_reach_um(P, lo, hi, reach, RING_MAX_UM, wlo, whi);
}
/* The fine fold's ring read by its model (1 kHz; 12-05 session 33,
 * KNELL). The fine fold's own rules (ring_fine) read a ring by its ripple
 * and local maxima, which need the ring's crest to stand out of the
 * bins' noise; the model (rm_search: a quartic and a damped sine through
 * the exposure's box, every frequency and decay of the band) weighs all
 * the points over the top together, as it does on 4 kHz folds
 * (ring_model_peak). Fitted over the fine fold's points within
 * FINE_MODEL_REACH_UM of its highest (the ring starts where the tips
 * meet the pad, on the flank: 20 um held about 0.25 ms of 11408's, below).
 * What counts is z, the chi-square the best ring takes out of the
 * quartic's in its noise (chi-square a degree of freedom), and the tops
 * of the models within RM_PROFILE of the best (tlo..thi):
 * - from FINE_MODEL_FROM (RM_PROFILE: under it the quartic alone is one
 *   of the near-best models) to FINE_MODEL_DOUBT, a share of the gap from
 *   the peak to the highest of those tops counts in U as a rectangular
 *   half-width, all of it from FINE_MODEL_DOUBT on: a ring the fold cannot
 *   exclude;
 * - from FINE_MODEL_DOUBT to RM_CHI (where ring_model_peak takes a ring),
 *   a share of the way to the middle of the peak and the tops' middle is
 *   taken, half of it from RM_CHI on (the fold's timing, stroke ends from
 *   7..25 samples, blurs the ring; the middle, as fine_doubt's).
 * A ring of noise over white bins lowers the quartic's chi-square by 2
 * on average (ring_model_peak); tops with no ring (blind_hunt.py mixed at
 * 1 kHz, 10800..10924) reached z 26 with the tops 0.4..1.0 um over the
 * peak, the doubt small against their U.
 * blind_hunt.py ringing 1000 11408 (a 4.0 kHz ring of 6.2 um decaying in
 * 0.36 ms, struck 110 um down the flank by a soft pad, 7.3 samples a
 * stroke; the ring adds 1.78 um): no ripple, z 17, tops 1.8..2.5 um
 * over the peak, -2.79 um against U 1.39 before. 11420 (a 4.9 kHz ring
 * under 124 us, gain 0.50): the fine fold's local maximum read 1.4 um of
 * the 4.8 the ring adds, -2.53 um against U 2.26; the model 4.2.
 * A ring moved so is reported as seen unresolved from RM_CHI on only: under
 * it the model doubts the top, and the per-stroke ring term (result.c)
 * stays as it was (12-05 session 34, SKEIN).
 * Neither taken nor reported where a polynomial of as many coefficients
 * fits the top as well (RM_SMOOTH, rm_sextic_chi), as the wide window's
 * ring; the doubt in U stays. A narrow dwell's shoulders are no quartic,
 * and the sine takes their misfit: blind_hunt.py spikes 1000 13719 (an
 * asine's dwell 0.059 of a cycle wide, 8.7 samples a stroke, no ring) took
 * a 2 kHz "ring", z 20.4 in the spike-free twin and 29.5 with the spikes
 * gated, and the take's ramp read the mean +0.71 um against the twin; the
 * sextic fits better than the ring in both (and noiseless, where z is
 * 183 and the take read +0.45 um): now +0.03 (12-06, session 38).
 * Not where a stroke lends the window FINE_MODEL_GRID samples or more (the
 * window's span times the sampling rate): the fold's bins a sample apart
 * hold the same strokes, so what differs from stroke to stroke (scatter,
 * the timing of its ends) repeats over the window at the sampling rate,
 * and a ring at a multiple of it decaying slowly or not at all fits that
 * pattern; the chi-square's independent bins are not there. The virtual
 * bench's sweep cells (tests/test_golden.sh: 4 kHz, 0.5 s windows of some
 * 38 strokes, the coarse bins few; windows of 3..5 samples a stroke) took
 * 3.9..4.0 kHz rings decaying in 2.2 ms or not at all, z up to 27, and a
 * cell's depth U went 2.62 -> 4.55 um, its min/max U 3.46 -> 10.80; the
 * grid's own rule (rm_on_grid, no decay) left z 22..27, and every decay
 * near the grid left out took 11420's real ring (4879 Hz) too. At 1 kHz
 * the windows span 0.6..3.7 ms. Such a window is fitted over its middle,
 * under the gate (fine_model_clip), not skipped.
 * The search costs as much as the rest of a 1 kHz record, so it runs in
 * the shape's final read only (fold_src.fine_model: shape.c's
 * shape_reread; the builds before only say that it would run, through
 * fold_src.fine_model_due), and its frequencies coarse first
 * (RM_COARSE). */
#define FINE_MODEL_REACH_UM (2 * RING_MAX_UM)
#define FINE_MODEL_FROM RM_PROFILE
#define FINE_MODEL_DOUBT (3 * RM_PROFILE)
#define FINE_MODEL_GRID 2.0
struct fine_model {
	double z, tlo, thi; /* z 0: no model */
	bool smooth; /* a smooth top of as many coefficients fits as well
			(RM_SMOOTH): the ring is not taken */
};

/* The fine model's window wlo..whi (fine bins about the peak; pts: fine
 * bins a sample) held to less than FINE_MODEL_GRID samples a stroke, the
 * same span each side of the peak. True when the peak's sides both keep
 * a point. Where the window a ring's reach gives (ring_reach_um) spans
 * the gate or more, the model was not fitted at all, and a sharp top at
 * 1 kHz, its window 7 coarse bins at least, often spans just over it:
 * blind_hunt.py ringing 1000 26146 (a 4860 Hz ring of 8.5 um decaying in
 * 0.8 ms on 51 Hz asine strokes, 19.5 samples a stroke; the ring adds
 * 1.10 um), its window 2.17 samples a stroke, read -1.51 um against U
 * 1.24, status ok; its 13 redraws (ring_redraw.py) -0.79 um on average,
 * 11 within U. Over the middle the model sees the ring at z 31.7 and its
 * tops 662.50..663.53 um (truth 663.78): -0.97 um, U 2.07; the redraws
 * -0.60, 13 within U (session 48, BRACKET; LATH's probe of session 47).
 * The middle's bins lie within two samples of a stroke, so the pattern
 * the gate keeps out (a stroke's scatter repeating at the sampling rate)
 * does not fill them. */
static bool fine_model_clip(double pts, long *wlo, long *whi)
{
	long h = (long)ceil(FINE_MODEL_GRID * pts / 2) - 1;
	*wlo = *wlo < -h ? -h : *wlo;
	*whi = *whi > h ? h : *whi;
	return h > 0 && *wlo < 0 && *whi > 0;
}

static void fine_model_fit(const struct shape_pts *P, const struct fold_src *src,
			   const struct shape_pts *F, long flo, long fhi, long dj, double r,
			   struct fine_model *fm)
{
	fm->z = 0;
	double bh = ring_band_half(P, src) * r;
	if (!isfinite(bh))
		return;
	double exp_s = src->m->cfg.exposure_us * 1e-6, pps = 2 * bh * RING_HZ_LO;
	double box = exp_s > 0 ? exp_s * pps : 0;
	long wlo, whi;
	ring_reach_um(F, flo - dj, fhi - dj, F->n / 8, FINE_MODEL_REACH_UM, &wlo, &whi);
	/* a stroke lends the window FINE_MODEL_GRID samples or more: not
	 * fitted over it (below), but over its middle about the peak, where
	 * a stroke lends it fewer (fine_model_clip) */
	if ((double)(whi - wlo) / pps * src->m->cfg.rate_hz >= FINE_MODEL_GRID &&
	    !fine_model_clip(pps / src->m->cfg.rate_hz, &wlo, &whi))
		return;
	if (!src->fine_model) {
		/* the model is fitted in the final read only (shape_reread) */
		fold_fine_model_due(src);
		return;
	}
	struct rm_pts R; /* ~45 KiB of stack */
	struct rm_fit B;
	double s2 = 1, chi0 = 0, tlo = NAN, thi = NAN;
	rm_points(F, wlo, whi, box, RM_NQ, &R);
	R.grid_hz = 0; /* the sampling grid's pattern: FINE_MODEL_GRID */
	R.step = RM_COARSE;
	B.chi = INFINITY;
	if (R.n < 4 * RM_NP ||
	    !rm_search(&R, bh, 0.5 * (double)wlo, 0.5 * (double)whi, false, &B, &s2, &chi0, &tlo,
		       &thi))
		return;
	fm->z = (chi0 - B.chi) / s2;
	fm->smooth = !(rm_sextic_chi(&R) - B.chi >= RM_SMOOTH * s2);
	fm->tlo = tlo;
	fm->thi = thi;
}

/* The fine model's tops all under the peak ring_fine left (fine_model_doubt:
 * thi <= peak; weights wu, wm as there). A ring the fold aliases moves the
 * smooth top either way: where its crest falls between the strokes' tops
 * the smooth fit rides over it, and the deepest point reached lies under
 * the smooth peak. The rule above took only tops over the peak, and
 * blind_hunt.py ringing 1000 24043 (a 2858 Hz ring of 19 um decaying in
 * 0.22 ms on 108 Hz asine strokes, 9.3 samples a stroke, t3 noise; the
 * ring takes 0.74 um off the ringless top) read +1.23 um against U 0.86,
 * status ok, where the model, z 111, put the top 0.16..0.83 um under the
 * peak (13 redraws of its noise and scatter, tests/gen/ring_redraw.py:
 * +0.54 um on average, 11 within U). Mirrored: the gap down to the lowest
 * top counts in U as a rectangular half-width, and a share of the way to
 * the middle of the peak and the tops' middle is taken (session 47, LATH).
 * 24043: +0.99 um, U 1.27; its redraws 13 of 13 within U. */
static void fine_model_below(const struct fine_model *fm, double wu, double wm, double *peak,
			     double *u_model)
{
	double gap = *peak - fm->tlo, mid = (fm->tlo + fm->thi) / 2 - *peak;
	if (!(gap > 0))
		return;
	*u_model = num_rect_add(*u_model, wu * gap);
	if (wm > 0 && mid < 0 && !fm->smooth)
		*peak += wm * mid / 2;
}

/* The fine model's doubt and share (fine_model_fit) on the peak ring_fine
 * left. */
static void fine_model_doubt(const struct fine_model *fm, double *peak, double *u_model,
			     enum measure_ring *ring, double *rise_um)
{
	double wu = num_ramp(fm->z, FINE_MODEL_FROM, FINE_MODEL_DOUBT);
	double wm = num_ramp(fm->z, FINE_MODEL_DOUBT, RM_CHI);
	double gap = fm->thi - *peak, mid = (fm->tlo + fm->thi) / 2 - *peak;
	if (wu > 0 && !(gap > 0)) {
		fine_model_below(fm, wu, wm, peak, u_model);
		return;
	}
	if (!(wu > 0) || !(gap > 0))
		return;
	*u_model = num_rect_add(*u_model, wu * gap);
	if (!(wm > 0) || !(mid > 0) || fm->smooth)
		return;
	double d = wm * mid;
	*peak += d / 2;
	if (*ring == MEASURE_RING_NONE && fm->z >= RM_CHI) {
		*ring = MEASURE_RING_UNRESOLVED;
		*rise_um = d;
	}
}

static bool ring_fine_rules(const struct shape_pts *P, const struct fold_src *src, long lo,
			    long hi, double *peak, double *vpos, double *u_peak, double *u_model,
			    struct top_curv *tc, enum measure_ring *ring, double *rise_um,
			    struct fine_model *fm);

static bool ring_fine(const struct shape_pts *P, const struct fold_src *src, long lo, long hi,
		      double *peak, double *vpos, double *u_peak, double *u_model,
		      struct top_curv *tc, enum measure_ring *ring, double *rise_um)
{
	struct fine_model fm = { 0, 0, 0, false };
	/* not on a plateau (as clean_max_doubt's): a dwell's flat top with
	 * its sharp shoulders is no quartic, and the sine takes its misfit
	 * (tests/test_physics_captures.sh dwell_1khz_no_clean_doubt, a dwell
	 * 0.27 of a cycle wide with no ring: U 1.02 -> 2.04 um). The top's
	 * own width (shape_top_span), not lo..hi: the sharp fit widens that
	 * to 7 bins at least, 0.226 of a cycle on a fold of 31 bins, and at
	 * 1 kHz on fast strokes no top passed (blind_hunt.py ringing 1000
	 * 11911, a 3369 Hz ring of 19.1 um, its top 3 bins wide: -5.94 um
	 * against U 4.19; now the model, z 60, -2.64 against U 9.56) */
	bool model = shape_top_span(P) <= CLEAN_DOUBT_TOP;
	bool took = ring_fine_rules(P, src, lo, hi, peak, vpos, u_peak, u_model, tc, ring, rise_um,
				    model ? &fm : NULL);
	fine_model_doubt(&fm, peak, u_model, ring, rise_um);
	return took;
}

/* The fine fold's crest read from several timings of its bins (1 kHz;
 * session 44, TRESTLE). A fine bin of 27 us holds about three samples,
 * and which samples fall together moves with the fold's window by a
 * fraction of a bin: the crest a ring's few bins show comes and goes with
 * it, and with it the verdict on the ring (taken or unsure: RING_SIGMAS).
 * blind_hunt.py ringing 1000 20177 (a 4496 Hz ring of 15.8 um on 52 Hz
 * strokes, 19 samples a stroke, no exposure; the ring adds 3.2 um): its
 * noise's redraw 6 read the crest 0.99 um over the smooth peak, unsure,
 * where the same fold's window shifted by 1/8 .. 7/8 of a fine bin read
 * it 1.0 .. 3.4 um up: -2.25 um against U 1.76; 12 redraws of its noise
 * (tests/gen/ring_redraw.py) read +0.15 um on average, sd 1.46, one
 * beyond U. So the crest is read at FINE_READS shifts of the window, a
 * fine bin apart over all of them (an average of shifted histograms):
 * the mean is the crest, and half the reads' range counts in U as a
 * rectangular half-width (neither read is the truth where they differ).
 * Each read is peak_ringing's on its fold, a ring taken or not: one that
 * takes none reads the smooth peak (or its doubt's move), so a verdict
 * by a hair weighs as the reads split. The 12 redraws: sd 1.00 um, mean
 * +0.00, all within U (mean U 3.60 -> 3.67). In the shape's final read
 * only (shape_reread, as fine_model_fit): each read folds the record
 * again; in every build the reads took 3.3 times redraw 6's instructions,
 * in the final read 1.18 times (callgrind, 102.8 -> 121.0 M). */
#define FINE_READS 8
static double fine_crest_at(const struct shape_pts *P, const struct fold_src *src,
			    const struct fold_win *win0, unsigned nb, long wlo, long whi, double vpos,
			    double r, double smooth, double shift)
{
	struct fold_win win = { win0->ph0 + shift / win0->per_cycle, win0->per_cycle };
	struct shape_pts F; /* ~25 KiB of stack */
	long flo, fhi;
	if (!fine_fold(P, src, &win, nb, wlo, whi, vpos + shift / r, r, &F, &flo, &fhi))
		return NAN;
	long dj = F.jmax - (long)floor((double)nb / 2);
	double pk = smooth, vp = 0, up = 0, um = 0, rise = 0;
	struct top_curv t = { 0, 2 };
	enum measure_ring rg;
	peak_ringing(&F, NULL, flo - dj, fhi - dj, &pk, &vp, &up, &um, &t, &rg, &rise, NULL, NULL,
		     NULL, NULL);
	return pk;
}

/* The crest pk0 (the fold at win's own timing) and FINE_READS - 1 more
 * reads (fine_crest_at): their mean into *pk, half their range into
 * *half. */
static void fine_crest_reads(const struct shape_pts *P, const struct fold_src *src,
			     const struct fold_win *win, unsigned nb, long wlo, long whi,
			     double vpos, double r, double smooth, double pk0, double *pk,
			     double *half)
{
	double sum = pk0, lo = pk0, hi = pk0;
	int n = 1;
	for (int k = 1; k < FINE_READS; k++) {
		double c = fine_crest_at(P, src, win, nb, wlo, whi, vpos, r, smooth,
					 (double)k / FINE_READS);
		if (!isfinite(c))
			continue;
		sum += c;
		n++;
		lo = c < lo ? c : lo;
		hi = c > hi ? c : hi;
	}
	*pk = sum / n;
	*half = (hi - lo) / 2;
}

/* How surely the coarse fold P itself shows a ring: the share its rise
 * earns (ripple_ramp's, a rise alone: a convex bend may be the top's
 * own; against the fold's own scatter), on RING_MIN_BINS bins or more (a
 * 4 kHz fold; at 1 kHz the bins alias the ring), 0 with no rise. A ring
 * the fine fold takes then needs no stray of its points off the coarse
 * shape (z, fine_excess, FINE_SIGMAS): such bins, a few a ring period,
 * follow the ring in part, so the fine points that resolve its crest
 * agree with them; the stray tells a ring the coarse bins hide from one
 * they show, not whether it is there. Under FINE_SIGMAS the ring is read
 * as one taken (ring_fine_rules: the fine fold's crest from its reads,
 * its blur in U), with its share of the move times (1 + w) / 2: at w 0
 * the middle of the smooth peak and the crest, the whole gap in U, as
 * before (a rise under RIPPLE_SIGMAS + RIPPLE_RAMP is as often the
 * noise's largest), no switch flipping at the ramp's foot. Until 12-07
 * (session 46, DENTIL) always the middle: blind_hunt.py ringing 4000
 * 21491 (a 4337 Hz ring of 6.8 um decaying in 0.73 ms on 59 Hz asine
 * strokes, 266 bins, 3.9 in half a 2 kHz period, no exposure; the coarse
 * rise 3.03 um at 6.7 sigma, the fine fold's crest 1.97 um over the
 * smooth peak, taken, at z 0.4) read -1.48 um against U 3.72; 12 redraws
 * of its noise and scatter (tests/gen/ring_redraw.py) -1.24 um on
 * average, 3 within 1 um. */
static double coarse_rise_share(const struct shape_pts *P)
{
	if (P->n < RING_MIN_BINS)
		return 0;
	struct ripple rp;
	top_ripple(P, P->n / 8, &rp);
	if (!(rp.rise_um > 0))
		return 0;
	double z = rp.z_rise / sqrt(fold_noise_excess(P));
	return num_ramp(z, RIPPLE_SIGMAS, RIPPLE_SIGMAS + RIPPLE_RAMP);
}

static bool ring_fine_rules(const struct shape_pts *P, const struct fold_src *src, long lo,
			    long hi, double *peak, double *vpos, double *u_peak, double *u_model,
			    struct top_curv *tc, enum measure_ring *ring, double *rise_um,
			    struct fine_model *fm)
{
	double tot = 0;
	for (long j = 0; j < P->n; j++)
		tot += P->wt[j] >= 1 ? P->wt[j] : 0;
	double f = floor(tot / (double)P->n / FINE_SAMPLES);
	if (f > FINE_MAX)
		f = FINE_MAX;
	double pc = f * (double)P->n;
	unsigned nb = pc < NBIN_MAX ? (unsigned)pc : NBIN_MAX;
	if (f < 2 || nb < RING_MIN_BINS)
		return false;
	double phc = ((double)P->jmax + *vpos + 0.5) / (double)P->n;
	struct fold_win win = { phc - (double)nb / (2 * pc), pc };
	double r = pc / (double)P->n;
	struct shape_pts F; /* ~25 KiB of stack */
	long flo, fhi, wlo, whi;
	ring_reach(P, lo, hi, (long)(3.0 * (double)nb / (8 * r)), &wlo, &whi);
	if (!fine_fold(P, src, &win, nb, wlo, whi, *vpos, r, &F, &flo, &fhi))
		return false;
	long jc = (long)floor((double)nb / 2);
	long dj = F.jmax - jc;
	if (fm)
		fine_model_fit(P, src, &F, flo, fhi, dj, r, fm);
	/* the fine points off the coarse shape: over the top window too, where
	 * a ring's excess is not diluted by the reach (a 3.3 kHz ring at
	 * 100 Hz, tests/test_physics_captures.sh ring_1khz_doubt_100hz) */
	long tlo = (long)floor(((double)lo - 0.5 - *vpos) * r) + jc;
	long thi = (long)ceil(((double)hi + 0.5 - *vpos) * r) + jc;
	double z = fine_excess(P, &F, &win, flo + jc, fhi + jc);
	double zt = fine_excess(P, &F, &win, tlo, thi);
	z = zt > z ? zt : z;
	double pk = *peak, vp = 0, up = *u_peak, um = *u_model, rise = 0;
	struct top_curv t = *tc;
	enum measure_ring rg;
	peak_ringing(&F, NULL, flo - dj, fhi - dj, &pk, &vp, &up, &um, &t, &rg, &rise, NULL, NULL,
		     NULL, NULL);
	bool took = rg == MEASURE_RING_TAKEN || rg == MEASURE_RING_UNSURE;
	/* a ring the coarse fold shows: no stray asked for */
	double shown = took && z < FINE_SIGMAS ? coarse_rise_share(P) : 0;
	if (!(shown > 0) && z < FINE_SIGMAS && pk > *peak &&
	    fine_doubt(&F, flo - dj, fhi - dj, *peak, took, z)) {
		/* The fine points stray from the coarse shape, but not beyond
		 * FINE_SIGMAS: a ring the fold's timing jitter blurred, or
		 * noise. A ring it took: the middle of the two peaks, the
		 * whole gap a rectangular half-width; a local maximum with no
		 * ripple: the peak stays, the gap counts in U (in the middle,
		 * a soft pad's top with no ring read +2.46 um, U 5.76, for
		 * +0.13). The coarse doubts count too. */
		double d = pk - *peak;
		if (took) {
			double a = ripple_share(&F);
			*peak += a * d / 2;
			*u_model = num_rect_add(*u_model, d);
			*ring = MEASURE_RING_UNRESOLVED;
			*rise_um = a * d;
		} else {
			*u_model = num_rect_add(*u_model, 2 * d);
		}
		return false;
	}
	if (!took && z >= FINE_SIGMAS)
		fine_stray_doubt(&F, flo - dj, fhi - dj, *peak, z, u_model);
	if (!took || (z < FINE_SIGMAS && !(shown > 0))) {
		fine_clean_doubt(P, src, &win, nb, lo, hi, r, peak, *vpos, u_model, ring, rise_um);
		return false;
	}
	double v = (win.ph0 + ((double)F.jmax + vp + 0.5) / pc) * (double)P->n -
		   (double)P->jmax - 0.5;
	v -= (double)P->n * floor(v / (double)P->n + 0.5);
	/* the crest from FINE_READS timings of the bins (fine_crest_reads),
	 * in the final read */
	if (!src->fine_model) {
		fold_fine_model_due(src);
	} else {
		double half;
		fine_crest_reads(P, src, &win, nb, wlo, whi, *vpos, r, *peak, pk, &pk, &half);
		um = num_rect_add(um, half);
		if (pk < *peak)
			pk = *peak;
	}
	/* the fold's timing jitter (stroke ends from few samples) blurs
	 * the ring's peak in the fine fold: up to half its rise over the
	 * smooth peak, rectangular (1 kHz: -1.7 um against U 1.6 without) */
	double blur = (pk - *peak) / 2;
	/* A ripple seen by a hair (ripple_share under 1: the fine fold's
	 * largest rise or convex bend near RIPPLE_SIGMAS, the highest of
	 * many): the share of the move it earns, unsure, the whole gap a
	 * rectangular half-width, as the coarse fold's (ripple_ramp) and
	 * the doubts' above. Taken whole, the highest of the fine fold's
	 * noisy maxima stood for a crest: blind_hunt.py drift 1000 17029
	 * (Laplace noise of 2.05 um, 13.6 samples a stroke, no ring), a
	 * convex bend 49 fine bins out at 5.32 sigma (share 0.32), its
	 * maximum 4.6 um over the smooth peak at 4.8 sigma, read +6.71 um
	 * (U 7.48); its drift-free twin, 0.3 um of noise apart, took none
	 * (-0.01 um). */
	double a = ripple_share(&F), d = pk - *peak;
	if (shown > 0)
		a *= (1 + shown) / 2; /* coarse_rise_share */
	if (a < 1) {
		um = num_rect_add(um, d);
		pk = *peak + a * d;
		rg = MEASURE_RING_UNSURE;
		rise = a * d;
	}
	*peak = pk;
	*vpos = v;
	*u_peak = up;
	*u_model = num_rect_add(um, blur);
	*tc = (struct top_curv){ t.k * r * r, t.q };
	*ring = rg;
	*rise_um = rise;
	return true;
}

/* The box's least gain over the ring band (RING_HZ_LO .. RING_HZ_HI) for
 * an exposure of exposure_s: 0 when a zero of its response lies in the
 * band, 1 with no exposure. */
static double ring_band_gain(double exposure_s)
{
	if (!(exposure_s > 0))
		return 1;
	if (ceil(RING_HZ_LO * exposure_s) <= floor(RING_HZ_HI * exposure_s))
		return 0; /* a zero of the box's response lies in the band */
	/* no zero inside: |sinc| is least at an end of the band */
	double g = 1;
	for (int e = 0; e < 2; e++) {
		double x = M_PI * (e ? RING_HZ_HI : RING_HZ_LO) * exposure_s;
		double s = num_abs(sin(x) / x);
		g = s < g ? s : g;
	}
	return g;
}

/* What the box may miss of a ring of frequency f_hz whose part s_um the
 * samples show (um, a half-width; 0: nothing hidden). The box passes
 * g = |sinc(f tau)| of a steady ring, so it was up to a = min(RING_MAX_UM,
 * s / g) of which min(s, RING_MAX_UM) is seen: the rest is the crest's
 * part the depth lacks. And a ring starts at its impact: the box's mean
 * over its first half period passes o = 1 / (pi f tau) of it where the box
 * holds that half period (f tau >= 1/2; (1 - cos 2 pi f tau) / (2 pi f
 * tau) where it does not), more than the steady g, of either sign, and
 * the boxed top the depth is read from lies up to a (o - g) from the
 * ringless one, unseen as a ring (blind_hunt.py ringing 4000 17320, a 4795
 * Hz ring of 14.9 um under 246 us: the ring adds 10.24 um to the crest
 * and the reading lies 5.25 um under the ringless capture's; the same
 * physics with a 20 um ring at 4700 Hz read 19.5-19.9 um shallow in 8
 * redraws against the crest's part alone, 18.42 um, one beyond U). Both
 * count. */
static double ring_box_miss(double s_um, double f_hz, double exposure_s)
{
	double u = f_hz * exposure_s, x = M_PI * u, g = num_abs(sin(x) / x);
	double o = u >= 0.5 ? 1 / x : (1 - cos(2 * x)) / (2 * x);
	double a = g * RING_MAX_UM > s_um ? s_um / g : RING_MAX_UM;
	double top = s_um < RING_MAX_UM ? s_um : RING_MAX_UM;
	return (a > top ? a - top : 0) + (o > g ? a * (o - g) : 0);
}

/* The band's frequency e of steps + 1 from RING_HZ_LO to RING_HZ_HI.
 * ring_hidden_um takes ring_box_miss over RING_BAND_STEPS (10 Hz apart:
 * near a zero of the box's response the hidden ring stays at RING_MAX_UM
 * over tens of Hz); ring_bend_um and ring_absorbed_um over
 * RING_BEND_STEPS. */
#define RING_BAND_STEPS 300
#define RING_BEND_STEPS 30
static double ring_band_hz(int e, int steps)
{
	return RING_HZ_LO + (RING_HZ_HI - RING_HZ_LO) * e / (double)steps;
}

/* A ring the sensor's exposure hid. Each value is the mean of the target
 * over the exposure tau (a box), which passes a ring of frequency f as
 * |sinc(f tau)| = |sin(pi f tau) / (pi f tau)| of its size: none at
 * f = k / tau, and a 4.35 kHz ring of 18.5 um under 240 us left 0.8 um of
 * ripple on the top, the depth 9.70 um shallow against U 1.29
 * (tests/test_blind_captures.sh). Nothing in the samples recovers it; U
 * carries it. Over the band the rings of the pad lie in (RING_HZ_LO ..
 * RING_HZ_HI, REFERENCE.md: a few kHz, 5..20 um), a ring of size a is seen
 * where its smoothed size g a reaches seen_um (the ripple the shape shows
 * beyond noise); a ring of up to min(RING_MAX_UM, seen_um / g) passes,
 * of which seen_um would have been seen without the exposure too (that
 * part is the ring search's, as on an instantaneous sensor). Returns the
 * rest and what the box's mean of it may take from the top
 * (ring_box_miss), the largest over the band (um, a half-width): 0 when
 * the exposure passes the band. Until session 41 the band's least gain
 * alone, without the box's mean: 18.42 um on 17320 for a ring that read
 * 19.8 um shallow. */
double ring_hidden_um(double exposure_s, double seen_um)
{
	if (!(exposure_s > 0) || !(seen_um >= 0))
		return 0;
	double h = 0;
	for (int e = 0; e <= RING_BAND_STEPS; e++) {
		double m = ring_box_miss(seen_um, ring_band_hz(e, RING_BAND_STEPS), exposure_s);
		h = m > h ? m : h;
	}
	return h;
}

/* The q2 a least-squares quadratic through the points -h..h (uniform)
 * takes from cos(w x): a ring's trough of size 1 bends a local quadratic
 * that much (negative; -w^2 / 2 as w h -> 0). */
static double cos_q2(double w, long h)
{
	double n = 0, s2 = 0, s4 = 0, c = 0, c2 = 0;
	for (long x = -h; x <= h; x++) {
		double x2 = (double)(x * x), y = cos(w * (double)x);
		n += 1;
		s2 += x2;
		s4 += x2 * x2;
		c += y;
		c2 += x2 * y;
	}
	return (n * c2 - s2 * c) / (n * s4 - s2 * s2);
}

/* What a convex bend of the top says the exposure hid (um, a half-width;
 * 0: no bend). A smooth model of the top rides the crest the box passed of
 * a ring (g of it, ring_hidden_um), so the ring seen over the smooth top
 * need not show that crest: the noiseless copy of blind_hunt.py ringing
 * 4000 3029 (a 4.95 kHz ring of 13.3 um under 192 us, g 0.05) passed a
 * crest of about 0.5 um and was seen 0.01 um over the smooth top, which
 * left the 5 standard errors (0.15 um) to bound it: up to 3.45 um hidden,
 * -8.82 um against U 4.18. Its top bends convex where the ring's trough
 * lies, as convex_scan finds (a local quadratic of 2h + 1 points convex
 * beyond RIPPLE_SIGMAS, within a tenth of the travel and P->n / 8 points
 * of the top). A ring of frequency f bends such a quadratic by b cos_q2
 * at its trough (the top's own curvature is concave there, so the ring's
 * is at least the bend): it passed b >= q2 / -cos_q2, and was up to b / g
 * (f) of which b is in the samples. The largest over the band (2..5 kHz,
 * 31 frequencies; the quadratic within a quarter of the ring's period,
 * as peak_ringing's), the ring held to RING_MAX_UM. On coarse bins (under
 * RING_MIN_BINS: 1 kHz) a convex point is as often noise (peak_ringing),
 * and none counts. With no exposure nothing is hidden. */
double ring_bend_um(const struct shape_pts *P, const struct fold_src *src, double exposure_s)
{
	double qmax[CONVEX_NH] = { 0 };
	if (P->n < RING_MIN_BINS || !(exposure_s > 0))
		return 0;
	double bh = ring_band_half(P, src); /* points in half a 2 kHz period */
	if (!isfinite(bh))
		return 0;
	convex_scan(P, P->n / 8, NULL, qmax, NULL);
	double a = 0;
	for (int e = 0; e <= RING_BEND_STEPS; e++) {
		double f = ring_band_hz(e, RING_BEND_STEPS);
		double per = 2 * bh * RING_HZ_LO / f; /* points a period */
		double w = 2 * M_PI / per;
		for (size_t i = 0; i < CONVEX_NH; i++) {
			if (!(qmax[i] > 0) || 4 * convex_hs[i] > per)
				continue;
			double b = qmax[i] / -cos_q2(w, convex_hs[i]);
			double ai = ring_box_miss(b, f, exposure_s);
			a = ai > a ? ai : a;
		}
	}
	return a;
}

/* What an exposure of exposure_s hid of a ring the top's own concavity
 * absorbed (um, a half-width; 0: none). ring_hidden_um bounds a hidden ring
 * by what the shape would show beyond noise (seen_um), and ring_bend_um by
 * a convex bend; both take the ring the box passed to show as a ripple or a
 * bend. It need not: a passed ring of size b and frequency f bends the top
 * by b (2 pi f)^2 at its troughs, and where the boxed top falls faster than
 * that it stays concave, with no rise, no convex point, and its crest
 * merged into the smooth top (docs/measurement.md 5b, "A ring the top
 * absorbs"). The top's concavity over half a ring period d (the secant
 * 2 D / d^2 of its drop D there, on the flatter side: a bend at either
 * trough would show the ring) hides up to b = 2 D / pi^2 of a ring at f.
 * The noiseless copy of blind_hunt.py ringing 4000 10117 (a 4.3 kHz ring of
 * 15.3 um under 177 us on 264 Hz strokes, 4.03 um over the ringless top)
 * showed no ripple and read -2.80 um against U 2.04 (seen 0.22 um,
 * ring_hidden_um 1.50). Per frequency of the band (31, as ring_bend_um):
 * seen_um plus b shows up to that over g = |sinc(f tau)|, of which an
 * instantaneous sensor would show as much (the ring search's part, as
 * ring_hidden_um's), held to RING_MAX_UM; the largest over the band. Only
 * on fine bins (RING_MIN_BINS, as ring_bend_um): at 1 kHz the coarse ring
 * rules hold (the same copy sampled at 1 kHz: -3.43 um, U 4.13). */
double ring_absorbed_um(const struct shape_pts *P, const struct fold_src *src, double exposure_s,
			double seen_um)
{
	if (P->n < RING_MIN_BINS || !(exposure_s > 0) || !(seen_um >= 0))
		return 0;
	double bh = ring_band_half(P, src); /* points in half a 2 kHz period */
	if (!isfinite(bh))
		return 0;
	double n = (double)P->n, y0 = P->yc[P->jmax], ph0 = ((double)P->jmax + 0.5) / n, a = 0;
	for (int e = 0; e <= RING_BEND_STEPS; e++) {
		double f = ring_band_hz(e, RING_BEND_STEPS);
		double d = bh * RING_HZ_LO / f; /* points in half its period */
		if (!(d < n / 4))
			continue;
		double dl = y0 - pts_at(P, ph0 - d / n), dr = y0 - pts_at(P, ph0 + d / n);
		double D = dl < dr ? dl : dr;
		double s = seen_um + (D > 0 ? 2 * D / (M_PI * M_PI) : 0);
		double hid = ring_box_miss(s, f, exposure_s);
		a = hid > a ? hid : a;
	}
	return a;
}

unsigned ring_alias_k(const struct shape *sh, double rate_hz)
{
	if ((sh->ring == MEASURE_RING_NONE && !sh->ring_crest_top) ||
	    !(sh->ring_box.freq_hz > 0) || !(rate_hz > 0))
		return 0;
	double f = sh->ring_box.freq_hz / rate_hz, k = floor(f + 0.5);
	return k >= 1 && num_abs(f - k) < RING_ALIAS_STEP ? (unsigned)k : 0;
}
