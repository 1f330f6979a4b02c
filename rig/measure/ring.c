/* ring.c - impact ringing on the top of the folded shape: the needles ring
 * on the pad, and the deepest point they reach may be a ringing peak that
 * a smooth model of the top averages away.
 */
#include "measure/engine.h"

/* A weighted quadratic through the points k - h .. k + h (around bin
 * jmax): its maximum if it has one within half a bin of point k, with the
 * standard uncertainty of that value (the samples' spread in the bins,
 * propagated). Returns false otherwise (reach: within that many bins). */
static bool local_max(const struct shape_pts *P, long k, long h, double reach, double *val,
		      double *pos, double *u, double *curv)
{
	double S[5] = { 0 }, Y[3] = { 0 }, s2 = 0, wsum = 0;
	long j;
	double xc = pt_x(P, k, &j);
	for (long i = k - h; i <= k + h; i++) {
		double x = pt_x(P, i, &j) - xc, p = 1;
		for (int e = 0; e < 5; e++) {
			S[e] += P->wt[j] * p;
			if (e < 3)
				Y[e] += P->wt[j] * p * P->yc[j];
			p *= x;
		}
		/* sd is a bin mean's standard error: sd^2 cnt a sample's variance */
		s2 += P->sd[j] * P->sd[j] * P->wt[j] * P->wt[j];
		wsum += P->wt[j];
	}
	double A[3][3] = { { S[0], S[1], S[2] }, { S[1], S[2], S[3] }, { S[2], S[3], S[4] } };
	double q[3], inv[3][3];
	if (!num_solve3_sym(A, Y, q, inv) || !(q[2] < 0))
		return false;
	double v = -q[1] / (2 * q[2]);
	if (num_abs(v) > reach)
		return false;
	double g[3] = { 1, v, v * v }, var = 0;
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++)
			var += g[a] * inv[a][b] * g[b];
	*val = q[0] + q[1] * v + q[2] * v * v;
	*pos = xc + v;
	*u = sqrt(var * s2 / wsum);
	*curv = -q[2];
	return true;
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

/* Impact ringing: the needles ring on the pad, and the deepest point they
 * reach is a ringing peak on the top, which a smooth model of the top
 * (peak_sharp, peak_dwell) averages away (15 um of 4 kHz ringing read
 * 2.2..2.8 um shallow). The folded shape keeps it: each point of the top
 * window [lo, hi] is tried as the middle of a local quadratic over
 * 2h + 1 points (h = 2, 3, 5, 8: a ringing peak may span a few bins or
 * tens), and the highest of their maxima, for the h that sets it furthest
 * above the smooth peak against its own uncertainty, is the candidate.
 * A local quadratic reads a sharp peak low by its 4th-order term; the
 * quadratic over one more point each side reads it low by r = b(h+1)/b(h)
 * times as much (quartic_bias), so the two extrapolate (Richardson); the
 * correction itself counts as the model's error (standard). The candidate is the peak
 * when it lies RING_SIGMAS of its uncertainty above the smooth one; from
 * two sigma (the highest of many noisy local maxima lies about that high)
 * up to that, the smooth peak stays and the gap counts as a
 * model error (rectangular): the top may ring below detection. The peak is
 * taken only with RING_MIN_BINS bins or more (at 4 kHz, a 2 s record has
 * about 330); with fewer, the gap beyond 2 sigma counts in U. */
#define RING_SIGMAS 3.5
#define RING_MIN_BINS 200 /* coarser bins do not resolve kHz ringing (and
			     a cycloid's sharp top fooled the local fits) */
void peak_ringing(const struct shape_pts *P, long lo, long hi, double *peak, double *vpos,
		  double *u_peak, double *u_model, struct top_curv *tc)
{
	static const long hs[] = { 2, 3, 5, 8 };
	bool coarse = P->n < RING_MIN_BINS;
	double best = -INFINITY, bpos = 0, bu = 0, bz = -INFINITY, bc = 0;
	long bk = 0, bh = 2;
	for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
		if (2 * hs[i] + 1 > P->n / 4)
			break;
		double hv = -INFINITY, hp = 0, hu = 0, hc = 0;
		long hk = 0;
		for (long k = lo; k <= hi; k++) {
			double val, pos, u, c;
			if (local_max(P, k, hs[i], 0.5, &val, &pos, &u, &c) && val > hv) {
				hv = val;
				hp = pos;
				hu = u;
				hc = c;
				hk = k;
			}
		}
		if (!isfinite(hv) || !(hu > 0))
			continue;
		double z = (hv - *peak) / hu;
		if (z > bz) {
			bz = z;
			best = hv;
			bpos = hp;
			bu = hu;
			bc = hc;
			bk = hk;
			bh = hs[i];
		}
	}
	if (!isfinite(best))
		return;
	double excess = best - *peak;
	if (coarse) {
		/* Too coarse to take a ringing peak (a cycloid's sharp top
		 * fooled the local fits by 4.7 um at 1 kHz): a local maximum
		 * above the smooth peak beyond 2 sigma only counts in U. */
		if (excess > 2 * bu)
			*u_model = sqrt(*u_model * *u_model + excess * excess / 3);
	} else if (excess > RING_SIGMAS * bu) {
		double v1, p1, u1, c1, um = 0;
		if (local_max(P, bk, bh + 1, 1.5, &v1, &p1, &u1, &c1) && v1 < best) {
			double r = quartic_bias(bh + 1) / quartic_bias(bh);
			double corr = (best - v1) / (r - 1);
			best += corr;
			um = corr;
		}
		*peak = best;
		*vpos = bpos;
		*u_peak = bu;
		*u_model = um;
		*tc = (struct top_curv){ bc, 2 };
	} else if (excess > 2 * bu) {
		*u_model = sqrt(*u_model * *u_model + excess * excess / 3);
	}
}
