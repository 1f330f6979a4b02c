/* scatter.c - how the strokes' scatter is correlated from one stroke to
 * the next, for the standard errors of the shape's bins (shape.c).
 *
 * A stroke's depth scatter is often correlated with its neighbours' (a pen
 * whose depth wanders). At a rate near commensurate with the sampling
 * (72.72 Hz at 4 kHz: 55.006 samples a stroke) each bin of the shape is fed
 * by a block of about 30 consecutive strokes, and bins one sample apart by
 * other blocks: the bins carry the blocks' mean scatter, which the spread
 * of their own samples does not show (1-3 um between neighbouring top bins
 * whose standard errors said 0.4 um, taken for a ring: +1.81 um against
 * U 0.94). The correlation is taken from the strokes' offsets from the
 * shape over the top.
 */
#include "measure/engine.h"

#define RHO_MAX 0.95       /* as the depth's effective count (result.c) */
#define RHO_MIN_STROKES 16 /* fewer strokes with an offset: taken as independent */
#define RHO_MAX_LAG 64

/* Remove a quadratic in time from the offsets lev[k] (NaN: none; a drift
 * of the readings moves them all and is not the strokes' scatter).
 * Returns the number of offsets, 0 if the quadratic cannot be fitted. */
static unsigned offsets_detrend(const struct xing *L, uint32_t nl, double *lev)
{
	double t0 = L[0].t_slot, dur = L[nl - 1].t_slot - t0;
	double st[5] = { 0 }, sty[3] = { 0 }, q[3];
	unsigned n = 0;
	if (!(dur > 0))
		return 0;
	for (uint32_t k = 0; k + 1 < nl; k++) {
		if (isnan(lev[k]))
			continue;
		num_poly_sums_add(2, st, sty, (L[k].t_slot - t0) / dur, lev[k]);
		n++;
	}
	if (n < RHO_MIN_STROKES || !num_poly_lsq(2, st, sty, 0, 1, q, NULL, NULL))
		return 0;
	for (uint32_t k = 0; k + 1 < nl; k++) {
		double t = (L[k].t_slot - t0) / dur;
		if (!isnan(lev[k]))
			lev[k] -= q[0] + t * (q[1] + t * q[2]);
	}
	return n;
}

/* Each usable stroke's offset from the shape over its top (samples above
 * TOP_W of the travel, a spike's left out): lev[k] (NaN: none). Returns
 * the variance of an offset's noise (the samples' spread about their own
 * stroke's offset, over the mean count), 0 if none. */
static double top_offsets(const struct measure *m, const struct xing *L, uint32_t nl,
			  const bool *use, double *lev)
{
	const struct shape *sh = &m->shape;
	double ss = 0, dof = 0, inv_n = 0, nk = 0;
	for (uint32_t k = 0; k + 1 < nl; k++) {
		lev[k] = NAN;
		if (!use[k])
			continue;
		double span = L[k + 1].t_slot - L[k].t_slot, n = 0, s = 0, s2 = 0;
		for (uint32_t i = L[k].idx; i < L[k + 1].idx; i++) {
			double T, dT, w;
			double ph = ((double)(m->hist_slot0 + i) - L[k].t_slot) / span;
			shape_at(sh, ph, &T, &dT, &w);
			double r = m->hist[i] - T;
			if (w < TOP_W || !(num_abs(r) <= shape_gate_um(sh, dT, 0.005)))
				continue;
			n++;
			s += r;
			s2 += r * r;
		}
		if (!n)
			continue;
		lev[k] = s / n;
		ss += s2 - s * s / n;
		dof += n - 1;
		inv_n += 1 / n;
		nk++;
	}
	return dof > 0 ? ss / dof * inv_n / nk : 0;
}

/* A stroke's offset also moves with the phase at which it is sampled (the
 * shape's bins cannot follow a ring of two bins a period: a 3 kHz ring at
 * 1 kHz, 14.03 samples a stroke, gave rho 0.52 for independent strokes),
 * and at a near-commensurate rate that phase changes slowly from stroke to
 * stroke, as a correlated scatter would. Each offset less the mean offset
 * of the strokes sampled at the same phase (the fraction of a sample of
 * their first crossing, PHASE_CELLS cells) more than PHASE_NEAR strokes
 * away: where the phase comes round again within the record, that takes
 * out what the phase does and leaves the scatter; where it does not (the
 * phase moves less than a sample over the record), the offset stays. */
#define PHASE_CELLS 16
#define PHASE_NEAR 8u
static int phase_cell(const struct xing *x)
{
	return (int)((x->t_slot - floor(x->t_slot)) * PHASE_CELLS) % PHASE_CELLS;
}

static void sampling_phase_out(const struct xing *L, uint32_t nl, double *lev, double *orig)
{
	double sum[PHASE_CELLS] = { 0 }, cnt[PHASE_CELLS] = { 0 };
	for (uint32_t k = 0; k + 1 < nl; k++) {
		orig[k] = lev[k];
		if (!isnan(lev[k])) {
			sum[phase_cell(&L[k])] += lev[k];
			cnt[phase_cell(&L[k])]++;
		}
	}
	for (uint32_t k = 0; k + 1 < nl; k++) {
		if (isnan(orig[k]))
			continue;
		int c = phase_cell(&L[k]);
		double s = sum[c], n = cnt[c];
		uint32_t j0 = k > PHASE_NEAR ? k - PHASE_NEAR : 0;
		for (uint32_t j = j0; j <= k + PHASE_NEAR && j + 1 < nl; j++)
			if (!isnan(orig[j]) && phase_cell(&L[j]) == c) {
				s -= orig[j];
				n--;
			}
		if (n >= 2)
			lev[k] -= s / n;
	}
}

/* The autocorrelation of the detrended offsets (their noise taken out of
 * the variance) summed over lags 1, 2, ... while it stays positive (the
 * initial positive sequence: beyond, the estimates are noise) gives the
 * strokes' integrated correlation time T = 1 + 2 sum rho_h; an AR(1)
 * sequence with that T has rho = (T - 1) / (T + 1), so that a long block of
 * consecutive strokes carries the variance it does. The offsets are taken
 * against the shape, whose bins took in the scatter of the strokes that
 * fed them: at a near-commensurate rate that takes the blocks' mean out of
 * the offsets, which leaves the correlation over a few strokes and
 * underestimates a longer one (rho 0.43-0.45 for the generator's 0.67).
 * The strokes' mean levels (tried first) do not take the shape, but they
 * move with the phase at which a stroke is sampled as the offsets do. */
double scatter_rho(const struct measure *m, const struct xing *L, uint32_t nl, const bool *use,
		   double *lev, double *tmp, double *amp_var)
{
	*amp_var = 0;
	if (nl < RHO_MIN_STROKES + 1 || !m->shape.nbins)
		return 0;
	double noise = top_offsets(m, L, nl, use, lev);
	sampling_phase_out(L, nl, lev, tmp);
	unsigned n = offsets_detrend(L, nl, lev);
	if (!n)
		return 0;
	double g0 = 0;
	for (uint32_t k = 0; k + 1 < nl; k++)
		if (!isnan(lev[k]))
			g0 += lev[k] * lev[k];
	g0 /= n;
	*amp_var = g0 > noise ? g0 - noise : 0;
	/* the scatter a fifth of the offsets' variance or less: against
	 * the samples' noise it does not matter, and its rho is noise */
	if (!(g0 - noise > 0.2 * g0))
		return 0;
	g0 -= noise;
	double T = 1;
	uint32_t hmax = n / 4 < RHO_MAX_LAG ? n / 4 : RHO_MAX_LAG;
	for (uint32_t h = 1; h <= hmax; h++) {
		double s = 0;
		unsigned np = 0;
		for (uint32_t k = 0; k + h + 1 < nl; k++)
			if (!isnan(lev[k]) && !isnan(lev[k + h])) {
				s += lev[k] * lev[k + h];
				np++;
			}
		if (!np || !(s / np / g0 > 0))
			break;
		T += 2 * s / np / g0;
	}
	double rho = (T - 1) / (T + 1);
	return rho < RHO_MAX ? rho : RHO_MAX;
}
