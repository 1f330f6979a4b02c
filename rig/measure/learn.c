/* learn.c - learning the stroke shape from the first strokes, and timing
 * the stroke ends (the knots of the phase) against it: all knots at once
 * while learning (knots_step), one stroke at a time afterwards
 * (knot_solve).
 */
#include "measure/engine.h"

#include <string.h>

/* The band system of the knots: diagonal, first and second off-diagonal,
 * right-hand side (the engine's scratch arrays). */
struct band {
	double *A0, *A1, *A2, *B;
};

#define TREND_STEEP_REL 0.02  /* a trend the end fits take at any noise: of the period a stroke */
#define TREND_STEEP_STROKES 4 /* strokes an end's period is taken over (trend_steep) */

/* Cut a trend of the period to where it is significant: |mean| beyond z
 * standard errors, else 0.  A transient fades into the steady speed: next
 * to a significant trend the mean keeps its sign and stays beyond one
 * standard error for a few strokes more. Cut to 0 there, the prior held
 * the period constant where it still changed and bent the knots next to
 * the cut (a start-up's knot 0.85 slots off its crossing, its stroke
 * refused as not the stroke shape: speed 1000 2028). */
static void trend_cut(const double *mean, const double *se, double z, uint32_t nl, double *tgt)
{
	for (uint32_t k = 0; k < nl; k++)
		tgt[k] = num_abs(mean[k]) > z * se[k] ? mean[k] : 0;
	for (int dir = 0; dir < 2; dir++)
		for (uint32_t i = 1; i < nl; i++) {
			uint32_t k = dir ? nl - 1 - i : i, p = dir ? k + 1 : k - 1;
			if (tgt[k] == 0 && tgt[p] != 0 && mean[k] * tgt[p] > 0 &&
			    num_abs(mean[k]) > se[k])
				tgt[k] = mean[k];
		}
}

/* An end (head or tail) where the knots' own test (tgt, knots_trend)
 * finds a trend whose period changes by TREND_STEEP_REL of itself a
 * stroke or more (mean, the mean second difference of the crossing
 * times, at the end's knot or the next, against the mean period of the
 * end's TREND_STEEP_STROKES strokes). The inverse of t = P phi + D phi^2
 * / 2 has a cubic term 2 (D / 2P)^2 phi^3, which the end's quadratic
 * phase does not take: at 2 % a sixth of it at 4.8 % (-23.9 ppm without
 * noise there, docs/measurement.md). */
static bool trend_steep(const struct xing *L, uint32_t nl, const double *mean,
			const double *tgt, bool head)
{
	if (nl < TREND_STEEP_STROKES + 2)
		return false;
	uint32_t k0 = head ? 0 : nl - 1, k1 = head ? 1 : nl - 2;
	uint32_t kn = head ? TREND_STEEP_STROKES : nl - 1 - TREND_STEEP_STROKES;
	double P = num_abs(L[kn].t_raw - L[k0].t_raw) / TREND_STEEP_STROKES;
	if (!(P > 0))
		return false;
	for (int i = 0; i < 2; i++) {
		uint32_t k = i ? k1 : k0;
		if (tgt[k] != 0 && num_abs(mean[k]) >= TREND_STEEP_REL * P)
			return true;
	}
	return false;
}

/* The pen's own change of period around knot k (start-up, a speed step,
 * a chirp): the mean second difference of the raw crossing times over
 * k - 4 .. k + 4 when it is significant: beyond 5 standard errors of
 * their noise, else 0. A constant-period prior would pull the knots of a
 * pen that is still speeding up (the first knot of a start from 70 %
 * moved 0.56 samples, the rate 66 ppm).
 *
 * The standard error. sig, the spread of one second difference, is
 * 1.48 x the median |second difference| of the whole store (robust: a
 * transient is a minority of the strokes). Consecutive second differences
 * share their crossings, and their sum telescopes: d_a + ... + d_b =
 * (t_b+1 - t_b) - (t_a - t_a-1), two first differences. With white timing
 * noise (variance s^2 a crossing) one second difference has variance
 * 6 s^2 = sig^2 and the sum of a run of two or more 4 s^2; with white
 * jitter of the period (a random walk of the times) both are the same.
 * So a run's sum has at most sig^2, a lone second difference sig^2, and
 * runs apart (a stroke not used between them) share no crossing: the
 * mean of n second differences in r runs has a standard error of at most
 * sig sqrt(r) / n (sig / n over nine in one run; sig / sqrt(n), taken
 * before, was 3 times that and missed a start-up on noisy crossings:
 * speed 1000 3022 lost 11 strokes as not the stroke shape).
 *
 * The edges (edge.c) take the raw crossings' higher-degree end fit where
 * the trend reaches *head / *tail: that costs the end fit noise, and a
 * trend that small biases it less. They keep the older, wider test,
 * 5 sig / sqrt(n): at 5 sig sqrt(r) / n, speed 1000 3002's rate went
 * -5.0 to -15.0 ppm. Or the narrower where the period changes steeply
 * (trend_steep): a quadratic phase's bias there grows with the square of
 * the change a stroke, and the wider test missed a start-up at 4.8 % a
 * stroke on crossings 0.38 slots rms (1 kHz, 152.3 Hz from 63 %: z 2.9;
 * the head's quadratic 0.0106 strokes short, -34.5 ppm, now -3.3). */
static void knots_trend(struct measure *m, const struct xing *L, uint32_t nl, const bool *use,
			double *tgt, bool *head, bool *tail)
{
	double *e2 = m->kb; /* scratch, free until knots_step */
	unsigned ne = 0;
	for (uint32_t j = 1; j + 1 < nl; j++)
		if (use[j - 1] && use[j])
			e2[ne++] = num_abs(L[j - 1].t_raw - 2 * L[j].t_raw + L[j + 1].t_raw);
	double sig = ne ? 1.4826 * num_median(e2, ne, false) : 0;
	/* scratch, free until knots_step */
	double *mean = m->kd, *se = m->ke, *se_edge = m->kf, *tgt_edge = m->kb;
	for (uint32_t k = 0; k < nl; k++) {
		double s = 0;
		unsigned n = 0, runs = 0;
		bool in_run = false;
		uint32_t j0 = k >= 4 ? k - 4 : 1;
		for (uint32_t j = j0 ? j0 : 1; j <= k + 4 && j + 1 < nl; j++) {
			if (!use[j - 1] || !use[j]) {
				in_run = false;
				continue;
			}
			s += L[j - 1].t_raw - 2 * L[j].t_raw + L[j + 1].t_raw;
			n++;
			runs += !in_run;
			in_run = true;
		}
		mean[k] = n >= 3 ? s / n : 0;
		se[k] = n >= 3 ? sig * sqrt((double)runs) / n : INFINITY;
		se_edge[k] = n >= 3 ? sig / sqrt((double)n) : INFINITY;
	}
	trend_cut(mean, se, 5, nl, tgt);
	trend_cut(mean, se_edge, 5, nl, tgt_edge);
	*head = tgt_edge[0] != 0 || (nl > 1 && tgt_edge[1] != 0) ||
		trend_steep(L, nl, mean, tgt, true);
	*tail = tgt_edge[nl - 1] != 0 || (nl > 1 && tgt_edge[nl - 2] != 0) ||
		trend_steep(L, nl, mean, tgt, false);
}

/* Crossings moved by a speckle spike on one of the two samples they are
 * interpolated between (one that keeps the flank monotone passes the
 * detector's median): crossing k moved by e leaves the pattern e, -2 e, e
 * in the second differences of the raw crossing times around it, which
 * neither the pen's noise (10 robust standard deviations) nor a change of
 * speed (the same sign over strokes, or a lone step) makes. Such a
 * crossing is put back by e (least squares over the pattern), as detected
 * and as a start for the knots: left, it made a trend of the period at an
 * end of the record and the rate took the edge at that trend, 952 ppm off
 * a 0.49 s record at 147 Hz (U 891 ppm). An end crossing has one second
 * difference: moved by e, it shows e there and nothing in the next two,
 * which a pen changing speed (a start-up, a chirp) shows too. A spike
 * moves a crossing by a sample at most (SPIKE_MOVE_SLOTS): a larger
 * pattern is the pen (a start from 73 % whose speed overshot read
 * +2884 ppm with U 246 when its first crossing was "put back").
 * The crossing next to the record's first or last one has a second
 * difference on one side only: moved by e, it shows -2 e there and e in
 * the next, which a start-up whose speed overshoots shows too (the
 * period shortens, then lengthens again by about half as much: 1 kHz,
 * 107.4 Hz from 44 % at 39.6 Hz, -1.53 and +0.35 slots; the second
 * crossing "put back" 0.68 slots early, the head's fit then found too few
 * samples in its gate and the head was timed from the knots, +606.5 ppm
 * against U 30.0). It is left as detected: the ends are timed from their
 * own samples (edge.c), which leave a spike's sample out (spike_resid). */
#define SPIKE_MOVE_SLOTS 1.0 /* the most a spike moves a crossing: the
				   median detector takes a neighbour's value */

/* d, a neighbour's second difference, is what a crossing moved by -c/2
 * leaves: of the other sign and half of c (within a quarter of it and 3
 * sigma). */
static bool half_opposite(double d, double c, double sig)
{
	return d * c < 0 && num_abs(d + c / 2) <= 0.25 * num_abs(c) + 3 * sig;
}

static void raw_spike_crossings(struct measure *m, struct xing *L, uint32_t nl, const bool *use)
{
	double *d2 = m->kd, *e2 = m->kb; /* scratch, free until knots_step */
	unsigned ne = 0;
	for (uint32_t j = 1; j + 1 < nl; j++) {
		d2[j] = NAN;
		if (use[j - 1] && use[j]) {
			d2[j] = L[j - 1].t_raw - 2 * L[j].t_raw + L[j + 1].t_raw;
			e2[ne++] = num_abs(d2[j]);
		}
	}
	if (ne < 8)
		return;
	double sig = 1.4826 * num_median(e2, ne, false);
	for (uint32_t k = 1; k + 1 < nl; k++) {
		double c = d2[k];
		if (!(num_abs(c) > 10 * sig))
			continue;
		double lo = k >= 2 ? d2[k - 1] : NAN, hi = k + 2 < nl ? d2[k + 1] : NAN;
		bool ok = (!isnan(lo) || !isnan(hi)) && num_abs(c) <= 2 * SPIKE_MOVE_SLOTS;
		/* next to the record's first or last crossing: a start-up's
		 * overshoot looks the same (above) */
		if ((k == 1 && !m->have_first_seg) || (k + 2 == nl && m->finishing))
			ok = false;
		if (!isnan(lo))
			ok = ok && half_opposite(lo, c, sig);
		if (!isnan(hi))
			ok = ok && half_opposite(hi, c, sig);
		if (!ok)
			continue;
		double e = (isnan(lo) ? 0 : lo) - 2 * c + (isnan(hi) ? 0 : hi);
		e /= (isnan(lo) || isnan(hi)) ? 5 : 6;
		L[k].t_raw -= e;
		L[k].t_slot = L[k].t_raw;
		/* the pattern is gone: no second look at its neighbours */
		if (k >= 2)
			d2[k - 1] = NAN;
		d2[k] = NAN;
		if (k + 2 < nl)
			d2[k + 1] = NAN;
	}
	/* An end crossing moved by e: e in the outermost second difference,
	 * none in the next (a pen changing speed moves both) */
	for (int end = 0; end < 2 && nl >= 5; end++) {
		uint32_t k = end ? nl - 1 : 0, j = end ? nl - 2 : 1, jn = end ? nl - 3 : 2;
		uint32_t jm = end ? nl - 4 : 3;
		double c = d2[j], nx = d2[jn], nm = d2[jm], q = 0.25 * num_abs(c) + 3 * sig;
		if (num_abs(c) > 10 * sig && num_abs(c) <= SPIKE_MOVE_SLOTS && !isnan(nx) &&
		    !isnan(nm) && num_abs(nx) <= q && num_abs(nm) <= q) {
			L[k].t_raw -= c;
			L[k].t_slot = L[k].t_raw;
			L[k].end_moved |= end ? XING_MOVED_LAST : XING_MOVED_FIRST;
		}
	}
}

/* Smoothness: the second difference of neighbouring knots (a period minus
 * the one before) is ~ N(tgt, sig^2), weight mu0 = noise / sig^2 with sig =
 * KNOT_SMOOTH P; tgt the pen's own trend (knots_trend). Where the pen
 * changes speed, sig grows to |tgt|: the trend is known only as a mean over
 * nine strokes, and a prior held to it across a speed step tilted the
 * knots beyond it (16 ppm on the rate across a step to 0.6). */
static void knots_prior(struct band *S, const struct xing *L, uint32_t nl, const bool *use,
			double mu0, double sig_s, const double *tgt)
{
	for (uint32_t k = 1; k + 1 < nl; k++) {
		if (!use[k - 1] || !use[k])
			continue;
		double mu = mu0;
		if (num_abs(tgt[k]) > sig_s)
			mu = mu0 * (sig_s / tgt[k]) * (sig_s / tgt[k]);
		double s2 = L[k - 1].t_slot - 2 * L[k].t_slot + L[k + 1].t_slot - tgt[k];
		S->A0[k - 1] += mu;
		S->A0[k] += 4 * mu;
		S->A0[k + 1] += mu;
		S->A1[k - 1] -= 2 * mu;
		S->A1[k] -= 2 * mu;
		S->A2[k - 1] += mu;
		S->B[k - 1] -= mu * s2;
		S->B[k] += 2 * mu * s2;
		S->B[k + 1] -= mu * s2;
	}
}

/* The eliminated sums of one stroke (its offset alpha eliminated) into
 * the band at knots k, k + 1. */
static void band_add(struct band *S, uint32_t k, const struct knot_sums *q)
{
	double n = q->n;
	S->A0[k] += q->Sss - q->Ss * q->Ss / n;
	S->A0[k + 1] += q->See - q->Se * q->Se / n;
	S->A1[k] += q->Sse - q->Ss * q->Se / n;
	S->B[k] += q->Srs - q->Ss * q->Sr / n;
	S->B[k + 1] += q->Sre - q->Se * q->Sr / n;
}

/* The sums of the samples hist[i0 .. i1) against the shape, the phase
 * running from ph by dph per sample, up to the trough. The knots' Jacobians
 * per slot of shift are the slope times (c0 + c1 ph) dph and (e0 + e1 ph)
 * dph. The gate allows for 0.5 % of a period of timing error, so a
 * speckle spike on a flank could pass it and pull a knot (69 um next to
 * the last crossing moved it 0.1 slot, the rate -120 ppm on a 0.26 s
 * record, 1.85 U); spike_resid() leaves such a sample out. */
static void knot_sums_over(const struct measure *m, uint32_t i0, uint32_t i1, double ph,
			   double dph, const double cs[2], const double ce[2],
			   const struct bend *kb, struct knot_sums *q)
{
	const struct shape *sh = &m->shape;
	bool bent = kb && kb->n;
	*q = (struct knot_sums){ 0 };
	for (uint32_t i = i0; i < i1; i++, ph += dph) {
		if (__builtin_expect(bent, 0))
			ph = stroke_phase_at(kb, 0, 1, (double)(m->hist_slot0 + i));
		if (ph < 0 || ph > sh->trough_phase || isnan(m->hist[i]))
			continue;
		double T, dT, w;
		shape_at(sh, ph, &T, &dT, &w);
		double r = m->hist[i] - T;
		if (!(num_abs(r) <= shape_gate_um(sh, dT, 0.005)) ||
		    spike_resid(m, i, ph, dph, r))
			continue;
		knot_sums_add(q, r, dT * (cs[0] + cs[1] * ph) * dph,
			      dT * (ce[0] + ce[1] * ph) * dph);
	}
}

/* Data: each sample of a stroke up to its trough against the shape. */
static void knots_data(const struct measure *m, struct band *S, const struct xing *L,
		       uint32_t nl, const bool *use)
{
	static const double cs[2] = { -1, 1 }, ce[2] = { 0, -1 }; /* -(1 - ph), -ph */
	for (uint32_t k = 0; k + 1 < nl; k++) {
		if (!use[k])
			continue;
		const struct xing *a = &L[k], *b = &L[k + 1];
		double P = b->t_slot - a->t_slot, dph = 1.0 / P;
		/* a refined end may have moved past a sample: look 2 beyond */
		uint32_t i0 = a->idx >= 2 ? a->idx - 2 : 0;
		double ph = ((double)(m->hist_slot0 + i0) - a->t_slot) * dph;
		struct bend kb;
		knots_bend(L, nl, use, m->ktgt, k, &kb);
		struct knot_sums q;
		knot_sums_over(m, i0, b->idx, ph, dph, cs, ce, &kb, &q);
		if (q.n >= 2)
			band_add(S, k, &q);
	}
}

/* The open stroke after the last knot (the rest of the record, or of the
 * learning store) makes the last knot a start too: its phase runs on with
 * the last period, ph = (t - c_L) / (c_L - c_L-1). */
static void knots_open(const struct measure *m, struct band *S, const struct xing *L,
		       uint32_t nl)
{
	static const double cp[2] = { 0, 1 }, cl[2] = { -1, -1 }; /* ph, -(1 + ph) */
	const struct xing *p0 = &L[nl - 2], *a = &L[nl - 1];
	double P = a->t_slot - p0->t_slot, dph = 1.0 / P;
	uint32_t i0 = a->idx >= 2 ? a->idx - 2 : 0;
	double ph = ((double)(m->hist_slot0 + i0) - a->t_slot) * dph;
	struct knot_sums q;
	knot_sums_over(m, i0, m->n_hist, ph, dph, cp, cl, NULL, &q);
	if (q.n >= 2)
		band_add(S, nl - 2, &q);
}

/* Refine the stroke ends (the knots of the phase: within a stroke the
 * phase runs linearly between its two ends) by least squares, all knots at
 * once, a band system:
 * - smoothness (knots_prior). Without it the problem is degenerate: with
 *   few samples per stroke the crossing errors repeat with the sample
 *   pattern, and a shape folded with them is a warped copy that agrees
 *   with them.
 * - data (fit_data, knots_data): r = x - T(ph) ~ alpha + js d_start
 *   + je d_end, js = -T'(1 - ph)/P, je = -T' ph / P per slot of knot shift,
 *   alpha the stroke's own offset, eliminated stroke by stroke. Every sample
 *   takes part, not only the two around the mid level.
 * - without data (the first pass): fidelity to the raw crossings, whose
 *   noise var_raw comes from their second differences: a Whittaker
 *   smoother of the crossing times.
 * Returns the rms knot shift in slots. */
static double knot_smooth(const struct measure *m)
{
	return m->kn_smooth > KNOT_SMOOTH ? m->kn_smooth : KNOT_SMOOTH;
}

static double knots_step(struct measure *m, struct xing *L, uint32_t nl, const bool *use,
			 double t_ref, bool fit_data, double var_raw)
{
	struct band S = { m->kd, m->ke, m->kf, m->kb };
	double var_n = KNOT_NOISE_UM * KNOT_NOISE_UM;
	double sig_s = knot_smooth(m) * t_ref;
	double mu = (fit_data ? var_n : var_raw) / (sig_s * sig_s);
	double lam = fit_data ? var_n / (KNOT_PRIOR * t_ref * KNOT_PRIOR * t_ref) : 1.0;
	for (uint32_t k = 0; k < nl; k++) {
		S.A0[k] = lam;
		S.A1[k] = S.A2[k] = S.B[k] = 0;
	}
	knots_prior(&S, L, nl, use, mu, sig_s, m->ktgt);
	if (fit_data)
		knots_data(m, &S, L, nl, use);
	if (fit_data && nl >= 2 && use[nl - 2])
		knots_open(m, &S, L, nl);
	num_band_solve(nl, S.A0, S.A1, S.A2, S.B);
	double ss = 0, lim = KNOT_MAX * t_ref;
	for (uint32_t k = 0; k < nl; k++) {
		double d = S.B[k];
		if (!(num_abs(d) <= lim)) /* outside the linear reach: leave it */
			d = 0;
		L[k].t_slot += d;
		ss += d * d;
	}
	return sqrt(ss / nl);
}

/* Median period of the clean strokes: the reference while learning. */
static double learn_ref_period(const struct xing *L, uint32_t nl)
{
	double per[XING_CAP];
	unsigned np = 0;
	for (uint32_t k = 0; k + 1 < nl; k++)
		if (stroke_usable(&L[k], &L[k + 1], 0))
			per[np++] = L[k + 1].t_slot - L[k].t_slot;
	if (!np)
		return 0;
	return num_median(per, np, false);
}

/* The period around stroke k: the median of the clean periods among the
 * five strokes k - 2 .. k + 2 (a pen starting or changing speed has no
 * one period for the whole record). */
static double learn_local_period(const struct xing *L, uint32_t nl, uint32_t k)
{
	double p[5];
	unsigned n = 0;
	uint32_t j0 = k >= 2 ? k - 2 : 0;
	for (uint32_t j = j0; j <= k + 2 && j + 1 < nl; j++)
		if (stroke_usable(&L[j], &L[j + 1], 0))
			p[n++] = L[j + 1].t_slot - L[j].t_slot;
	if (!n)
		return 0;
	return num_median(p, n, false);
}

/* Count the learning crossings into the frequency, in order, with their
 * refined times; a gap before the first clean period by the local period
 * around it. The record's first and last knot count as reliable where an
 * end fit (edge.c) timed the end from them: an invalid sample next to the
 * crossing only moved its time as detected, the knot is the samples' and
 * the window checked its strokes. Left unreliable, the count started a
 * stroke later and the end fit went unused (4 kHz, an error value next
 * to the first crossing: +7.3 ppm against U 2.9). */
static void learn_count_freq(struct measure *m, const struct xing *L, uint32_t nl)
{
	for (uint32_t k = 0; k < nl; k++) {
		struct xing x = L[k];
		if ((k == 0 && m->edge_head_ok && m->edge_head_knot == x.t_slot) ||
		    (k + 1 == nl && m->edge_tail_ok && m->edge_tail_knot == x.t_slot))
			x.reliable = true;
		if (k == 0) {
			if (!m->learn0_counted && x.reliable)
				seg_start(m, &x);
		} else {
			freq_interval(m, &x,
				      m->t_ref_slots > 0 ? 0 : learn_local_period(L, nl, k - 1));
		}
		m->prev = x;
	}
}

/* Timing noise of the crossings (t_slot, not yet refined), from their
 * second differences; at least floor_var. */
static double raw_var(const struct xing *L, uint32_t nl, const bool *use, double floor_var)
{
	double s2 = 0;
	unsigned n2 = 0;
	for (uint32_t k = 1; k + 1 < nl; k++)
		if (use[k - 1] && use[k]) {
			double e = L[k - 1].t_slot - 2 * L[k].t_slot + L[k + 1].t_slot;
			s2 += e * e;
			n2++;
		}
	double v = n2 ? s2 / n2 / 6 : 0;
	return v < floor_var ? floor_var : v;
}

/* (1.4826 median |x|)^2: a robust variance of n values about 0 (x is
 * reordered). */
static double mad_var(double *x, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		x[i] = num_abs(x[i]);
	double s = 1.4826 * num_median(x, n, false);
	return s * s;
}

/* A pen that hunts (its speed swinging over a few strokes) changes its
 * period from one stroke to the next by far more than KNOT_SMOOTH, and
 * smoothly. The second differences of the raw crossing times, d_k, hold
 * that change w_k and the timing noise e (white, variance s^2 a
 * crossing): d_k = w_k + e_k+1 - 2 e_k + e_k-1. Their autocovariances:
 * g0 = var(w) + 6 s^2 and g1 = cov(w_k, w_k+1) - 4 s^2. Noise alone
 * gives g1 = -4 s^2 = -2/3 g0, and so does the crossings' interpolation
 * bias where it repeats with the sample pattern every few strokes (at
 * 3.3 samples a stroke, what the prior is there to take out: taken for
 * the pen, a dwell at 300 Hz, 1 kHz, read 2.6 um off, test_measure); a swing
 * of the speed over several strokes gives g1 > 0. Both robustly, from the
 * neighbours' sums and differences (var(d_k + d_k+1) = 2 g0 + 2 g1,
 * var(d_k - d_k+1) = 2 g0 - 2 g1, each (1.4826 median |.|)^2): a speed
 * step or a start-up is a few strokes, which knots_trend handles; a hunt
 * lasts. Where g1 > 3.5 g0 / sqrt(n) (noise alone, simulated: -(0.66 +-
 * 0.94 / sqrt(n)) g0, none of 1500 draws of 32 pairs beyond +0.19 g0) and
 * g0 is beyond the prior, the prior's width is sqrt(g0) (the noise's 6 s^2
 * with it: wider, not narrower) and the Whittaker start follows the raw
 * crossings (noise at the floor). Only from PEN_SMOOTH_MIN_SLOTS samples
 * a stroke: below, the interpolation bias also slides slowly with the
 * sample pattern (a pattern that repeats every 5 strokes or more
 * correlates at lag 1 by cos(2 pi / 5) > 0 too), and at 1 kHz (7-13
 * samples a stroke) the rule took it for the pen: red_hunt.py RIG 20 2026
 * changed 26 records there, their mean |depth error| 0.70 -> 0.97 um with
 * U 3.10 -> 2.89 (a ringing record at 7.2 samples +0.78 -> -5.24 um);
 * at 4 kHz 17, 0.23 -> 0.11 um, U 1.10 -> 0.92.
 * Held to KNOT_SMOOTH, the knots of a
 * noiseless pen hunting 2.9 % at 6.9 Hz (82 Hz, 4 kHz) followed half its
 * phase swing of +-0.67 ms, blurred the fold (10.8 um of "sample noise
 * near the tops") and read the depth -2.80 um against U 1.50. Returns
 * the noise variance to start the knots from (var_raw where the pen does
 * not hunt). */
#define PEN_SMOOTH_MIN_SLOTS 16.0 /* samples a stroke, at least */

static double pen_smooth(struct measure *m, const struct xing *L, uint32_t nl, const bool *use,
			 double t_ref, double var_raw)
{
	double *sum = m->kd, *dif = m->ke; /* scratch, free until knots_trend */
	double prev = 0;
	unsigned n = 0;
	bool have = false;
	m->kn_smooth = 0;
	for (uint32_t k = 1; k + 1 < nl; k++) {
		if (!use[k - 1] || !use[k]) {
			have = false;
			continue;
		}
		double d = L[k - 1].t_raw - 2 * L[k].t_raw + L[k + 1].t_raw;
		if (have) {
			sum[n] = d + prev;
			dif[n] = d - prev;
			n++;
		}
		prev = d;
		have = true;
	}
	if (n < 32 || !(t_ref >= PEN_SMOOTH_MIN_SLOTS))
		return var_raw;
	double vs = mad_var(sum, n), vd = mad_var(dif, n);
	double g0 = (vs + vd) / 4, g1 = (vs - vd) / 4;
	double lim = KNOT_SMOOTH * t_ref;
	if (!(g1 > 5 * 0.7 * g0 / sqrt((double)n)) || !(g0 > lim * lim))
		return var_raw;
	m->kn_smooth = sqrt(g0) / t_ref;
	return lim * lim;
}

/* The knots from the crossings in L[].t_slot (a Whittaker smoother, then
 * fitted to the samples against the shape, refolded, KNOT_ITERS times),
 * and the shape folded with them. */
static bool knots_and_shape(struct measure *m, struct xing *L, uint32_t nl, const bool *use,
			    double t_ref, double var_raw, unsigned *nbins)
{
	if (t_ref > 0)
		knots_step(m, L, nl, use, t_ref, false, var_raw);
	m->pairs.rho = 0; /* no shape yet to take it from */
	m->edge_amp_var = 0;
	bool ok = shape_learn(m, L, nl, use, nbins, false);
	for (unsigned it = 0; ok && t_ref > 0 && it < KNOT_ITERS; it++) {
		knots_step(m, L, nl, use, t_ref, true, 0);
		/* kb, kf: scratch, free until knots_step */
		m->pairs.rho = scatter_rho(m, L, nl, use, m->kb, m->kf, &m->edge_amp_var);
		ok = shape_learn(m, L, nl, use, nbins, true);
	}
	return ok;
}

/* The shape around its mid-level crossing on the advance, a polynomial of
 * degree MID_DEG in x = tau / MID_SPAN (tau in slots from the crossing at
 * t_ref slots a stroke), by least squares over tau = +-MID_SPAN. The shape
 * learned from biased crossings carries ripples that repeat once a slot
 * (the bias, below): the shape moved in phase by what the knots kept of
 * it where the samples fell, so the slope times a function of period one
 * slot. They are fitted beside the polynomial (MID_RIP harmonics of it,
 * the slope that of a first polynomial alone) and left out of it. A cubic
 * over +-1 slot missed a quarter of the bias on a 4-5-6-7 cam at 6.9
 * samples a stroke, one over +-1.5 slots half of it; a quintic over +-1
 * slot took the ripples in. The quintic over +-1.5 slots then left a
 * bias of its own: a flank about two slots long (a 4-5-6-7 cam at 7.02
 * samples a stroke, rise 0.31) is not a quintic over three slots, and the
 * unbiasing took 73 % of the bias off, each end left +-0.003 cycles (six
 * sampling phases of one noiseless pen: -18..+25 ppm; more passes, the
 * same). A seventh degree follows the flank and, alone, the ripples too
 * (-12..+16 ppm); with the ripples fitted beside it, -6..+6 ppm. False
 * when the shape does not cross mid near phase 0. */
#define MID_DEG 7
#define MID_SPAN 1.5
#define MID_RIP 2
#define MID_NB (MID_DEG + 1 + 2 * MID_RIP)
struct mid_poly {
	double c[MID_DEG + 1];
	double root; /* tau of the crossing */
};

static double mid_at(const struct mid_poly *q, double tau)
{
	double v = 0, x = tau / MID_SPAN;
	for (int i = MID_DEG; i >= 0; i--)
		v = v * x + q->c[i];
	return v;
}

/* d/dx of the polynomial at x = tau / MID_SPAN */
static double mid_slope_x(const struct mid_poly *q, double x)
{
	double v = 0;
	for (int i = MID_DEG; i >= 1; i--)
		v = v * x + i * q->c[i];
	return v;
}

/* The polynomial with the once-a-slot ripples beside it, from the first
 * polynomial's q (its slope modulates them): q's coefficients replaced,
 * false (q kept) where the system is singular. */
static bool mid_ripple_fit(const struct shape *sh, double mid_um, double t_ref, double pc,
			   struct mid_poly *q)
{
	double A[MID_NB * MID_NB] = { 0 }, Y[MID_NB] = { 0 }, p[MID_NB], inv[MID_NB * MID_NB];
	for (int j = -40; j <= 40; j++) {
		double tau = MID_SPAN * j / 40.0, x = tau / MID_SPAN, f[MID_NB], xi = 1, T, dT, w;
		double sl = mid_slope_x(q, x);
		shape_at(sh, pc + tau / t_ref, &T, &dT, &w);
		for (int i = 0; i <= MID_DEG; i++, xi *= x)
			f[i] = xi;
		for (int h = 1; h <= MID_RIP; h++) {
			f[MID_DEG + 2 * h - 1] = sl * cos(2 * M_PI * h * tau);
			f[MID_DEG + 2 * h] = sl * sin(2 * M_PI * h * tau);
		}
		for (int a = 0; a < MID_NB; a++) {
			Y[a] += f[a] * (T - mid_um);
			for (int b = 0; b < MID_NB; b++)
				A[a * MID_NB + b] += f[a] * f[b];
		}
	}
	if (!num_solve_sym(MID_NB, A, Y, p, inv) || !(p[1] > 0))
		return false;
	memcpy(q->c, p, sizeof q->c);
	return true;
}

static bool mid_poly_fit(const struct shape *sh, double mid_um, double t_ref, struct mid_poly *q)
{
	double T, dT, w, pc, st[2 * MID_DEG + 1] = { 0 }, sty[MID_DEG + 1] = { 0 }, syy = 0;
	if (!shape_mid_phase(sh, mid_um, &pc))
		return false;
	for (int j = -40; j <= 40; j++) {
		double tau = MID_SPAN * j / 40.0;
		shape_at(sh, pc + tau / t_ref, &T, &dT, &w);
		num_poly_sums_add(MID_DEG, st, sty, tau, T - mid_um);
		syy += (T - mid_um) * (T - mid_um);
	}
	if (!num_poly_lsq(MID_DEG, st, sty, syy, MID_SPAN, q->c, NULL, NULL) || !(q->c[1] > 0))
		return false;
	mid_ripple_fit(sh, mid_um, t_ref, pc, q);
	q->root = 0;
	for (int it = 0; it < 8; it++)
		q->root -= mid_at(q, q->root) / (q->c[1] / MID_SPAN);
	return num_abs(q->root) < 0.5;
}

/* What linear interpolation between two samples a slot apart makes of the
 * crossing when the sample before it lies a slots earlier, at g times
 * the reference speed (the shape in tau / g slots), less the crossing:
 * slots. */
static double lin_bias(const struct mid_poly *q, double a, double g)
{
	double r = q->root / g, x0 = r - a;
	double y0 = mid_at(q, g * x0), y1 = mid_at(q, g * (x0 + 1));
	if (!(y1 > y0))
		return 0;
	return x0 - y0 / (y1 - y0) - r;
}

/* The crossings as detected, put back by the bias of their linear
 * interpolation (lin_bias, from the learned shape), as the knots' start
 * (t_slot). The bias repeats with where the samples fall, and the knots
 * learned from the crossings kept 70-85 % of it: a shape folded with it
 * agrees with it, and the samples cannot tell (at 6.9 samples a stroke,
 * +-0.007 cycles; blind_hunt.py mixed 1000 2033). In the middle of the
 * record it averages out; at its ends it is the rate's error (-23 ppm on
 * 2.5 s). Only where it swings by UNBIAS_MIN_CYC either way: elsewhere
 * nothing changes. Until session 46 that was 5e-4, and a swing read just
 * under it left the whole bias in: blind_hunt.py mixed 4000 22342 (an
 * asine cam at 284 Hz, 14 samples a stroke) read a swing of 0.000496
 * cycles and its rate -3.71 ppm against U 3.61; its noise drawn again read
 * 0.000486..0.000525, and those over 5e-4 -1.0 .. +0.7 ppm. Now -1.25
 * ppm, U 4.52. The golden capture (33 samples a stroke) swings by 0.00037:
 * its rate the same to 1 uHz, U 0.001841 -> 0.001832 Hz. The crossings
 * as detected (t_raw: periods, trends, jitter) stay as they are. */
#define UNBIAS_MIN_CYC 2.5e-4
#define UNBIAS_PASSES 2
static bool xing_unbias(struct measure *m, struct xing *L, uint32_t nl, const bool *use,
			double t_ref)
{
	struct mid_poly q;
	if (!mid_poly_fit(&m->shape, m->mid_um, t_ref, &q))
		return false;
	/* its swing over where the samples fall (a constant part only moves
	 * the shape's phase origin: a curved flank's bias has one sign) */
	double lo = INFINITY, hi = -INFINITY;
	for (int k = 0; k <= 16; k++) {
		double b = lin_bias(&q, k / 16.0, 1.0);
		lo = b < lo ? b : lo;
		hi = b > hi ? b : hi;
	}
	if (!((hi - lo) / 2 / t_ref >= UNBIAS_MIN_CYC))
		return false;
	for (uint32_t k = 0; k < nl; k++) {
		double t = L[k].t_raw, s0 = ceil(t) - 1, b = 0;
		bool near = (k > 0 && use[k - 1]) || (k + 1 < nl && use[k]);
		double P = learn_local_period(L, nl, k > 0 ? k - 1 : 0);
		double g = P > 0 ? t_ref / P : 1;
		if (L[k].reliable && near && g > 0.5 && g < 2)
			for (int it = 0; it < 4; it++) {
				double a = t - b - s0;
				b = lin_bias(&q, a < 0 ? 0 : a > 1 ? 1 : a, g);
			}
		L[k].t_slot = t - b;
	}
	return true;
}

/* Passes of learn_drift_out: each refits the troughs against the shape
 * folded from the samples less the drift of the pass before. */
#define DRIFT_FOLD_PASSES 2

/* The local periods' range over the usable strokes, as a share of the
 * shortest; 0 with none. */
static double learn_period_range(const struct xing *L, uint32_t nl, const bool *use)
{
	double pmin = 0, pmax = 0;
	for (uint32_t k = 0; k + 1 < nl; k++) {
		double P = use[k] ? learn_local_period(L, nl, k) : 0;
		if (!(P > 0))
			continue;
		pmin = pmin > 0 && pmin < P ? pmin : P;
		pmax = pmax > P ? pmax : P;
	}
	return pmin > 0 ? (pmax - pmin) / pmin : 0;
}

/* The strokes' mean levels less the level their own peak and trough make
 * with the shape (stats_level's), against time, beside the speed's change
 * across each (learn_drift_out, drift_level_range). */
struct learn_levels {
	double wbar; /* the shape's mean relative height (shape_mean_w) */
	struct level_sums s;
};

/* The speed's change across the usable stroke L[k]..L[k + 1]
 * (level_speed_change), from its usable neighbours' periods. */
static double learn_speed_change(const struct xing *L, uint32_t nl, const bool *use, uint32_t k)
{
	double p_prev = k > 0 && use[k - 1] ? L[k].t_slot - L[k - 1].t_slot : 0;
	double p_next = k + 2 < nl && use[k + 1] ? L[k + 2].t_slot - L[k + 1].t_slot : 0;
	return level_speed_change(p_prev, L[k + 1].t_slot - L[k].t_slot, p_next);
}

/* Each usable stroke's trough against the shape as it stands, plus what
 * was taken out of its samples (c NULL: drift_taken's; else the curve c
 * less q0), less the first one's, into *d; with lv, each stroke's level
 * into its sums as well (learn_drift_out, learn_drift_takein). */
static void learn_troughs(const struct measure *m, const struct xing *L, uint32_t nl,
			  const bool *use, const struct drift_curve *c, double q0,
			  struct drift_sums *d, struct learn_levels *lv)
{
	double ref = 0;
	bool have = false;
	for (uint32_t k = 0; k + 1 < nl; k++) {
		double t, tr;
		struct stroke_level sl = { 0 };
		struct bend kb;
		knots_bend(L, nl, use, m->ktgt, k, &kb);
		if (!use[k] || !fit_trough(m, &L[k], &L[k + 1], &kb, &t, &tr, lv ? &sl : NULL))
			continue;
		double y = c ? tr + drift_at(c, t) - q0 : tr + drift_taken(m, t);
		if (!have)
			ref = y;
		have = true;
		drift_add(d, t, y - ref);
		if (sl.ok) {
			double x = sl.level_um - tr - (sl.peak_um - tr) * lv->wbar;
			level_sums_add(&lv->s, t, x, learn_speed_change(L, nl, use, k));
		}
	}
}

/* The drift through the strokes' mean levels (each stroke's sum of
 * samples over its period, plus what was taken out of them): a drift
 * moves them whatever the shape took in. False with too few. */
static bool learn_level_curve(const struct measure *m, const struct xing *L, uint32_t nl,
			      const bool *use, double dur, struct drift_curve *c)
{
	struct drift_sums d = { 0 };
	double ref = 0;
	bool have = false, seen;
	for (uint32_t k = 0; k + 1 < nl; k++) {
		double t, tr;
		struct stroke_level lv = { 0 };
		struct bend kb;
		knots_bend(L, nl, use, m->ktgt, k, &kb);
		if (!use[k] || !fit_trough(m, &L[k], &L[k + 1], &kb, &t, &tr, &lv) || !lv.ok)
			continue;
		double y = lv.level_um + drift_taken(m, t);
		if (!have)
			ref = y;
		have = true;
		drift_add(&d, t, y - ref);
	}
	return drift_curve_fit(&d, dur, c, &seen);
}

/* Flag mode: what the shape took in of the drift its troughs show (d0,
 * the troughs of the learning store against it), the drift over the
 * record, into m->drift_takein_um (drift.c, result_drift: the drift
 * figure is corrected by it, or it counts in its U). Under the pen's
 * wander the sample phase comes back over bins of the shape at the
 * troughs' own times, each bin takes in the drift of when it was filled,
 * and the troughs against it show that much less: exponentials of 7.7
 * and 9.9 um and a line of 9.8 um, fitted by their own forms, read 0.963,
 * 0.939 and 0.943 of the drift (quiet: 0.995, 0.984, 0.998 without the
 * wander; 0.999, 0.999, 0.997 against the shape folded without the
 * drift), and the figure -0.47 um (U 0.35), +0.64 (U 0.50), +0.55 (U
 * 0.52) off (blind_hunt.py drift 4000 11424, 11607, 11506). The drift
 * the troughs show is taken out of the samples, the shape folded again,
 * the same strokes' troughs fitted against it (plus what was taken out):
 * their drift by the same model less the first one's is what the shape
 * took in (the troughs' noise the same in both). The shape, its bins and
 * the samples are then put back as they were: the depth, the detection
 * and every other figure stay as they were (the shape folded without the
 * drift in flag mode too moved every drifting record's depth, and put two
 * drift figures outside U where the take-in no longer widened the slow
 * scatter: drift 4000 10900, 11000). */
static void learn_drift_takein(struct measure *m, const struct xing *L, uint32_t nl,
			       const bool *use, unsigned nbins, const struct drift_sums *d0,
			       double dur)
{
	struct drift_curve c;
	bool seen;
	if (!drift_curve_fit(d0, dur, &c, &seen) || !seen)
		return;
	struct learn_keep *keep = &m->takein_keep;
	keep->shape = m->shape;
	keep->bins = m->bins;
	keep->pairs = m->pairs;
	memcpy(keep->hist, m->hist, m->n_hist * sizeof keep->hist[0]);
	double rate = m->cfg.rate_hz, s0 = (double)m->first_slot;
	double q0 = drift_at(&c, ((double)m->hist_slot0 - s0) / rate);
	for (uint32_t i = 0; i < m->n_hist; i++)
		m->hist[i] -= drift_at(&c, ((double)(m->hist_slot0 + i) - s0) / rate) - q0;
	if (shape_learn(m, L, nl, use, &nbins, true)) {
		struct drift_sums d1 = { 0 };
		learn_troughs(m, L, nl, use, &c, q0, &d1, NULL);
		m->drift_takein_um = drift_takein(d0, &d1, dur);
		m->drift_takein_whole = m->finishing;
	}
	m->shape = keep->shape;
	m->bins = keep->bins;
	m->pairs = keep->pairs;
	memcpy(m->hist, keep->hist, m->n_hist * sizeof keep->hist[0]);
}

/* The drift taken out of the learning store's samples
 * before the shape is folded again. A shape folded from drifting samples
 * takes part of the drift in (each bin is filled in its own part of the
 * record when the rate is near commensurate with the sampling), and then
 * neither the strokes' troughs nor their peaks show it: a logistic drift of
 * 8.1 um at 4 kHz read +5.7 um and the depth, corrected, +1.73 um off
 * against U 1.70 (blind_hunt.py drift 4000 3018). Each pass fits the drift
 * (drift_curve_fit) through the troughs against the shape as it stands,
 * plus what was taken out before, takes the new curve out of the samples
 * instead, and folds the shape again. Only when the first pass sees a
 * drift (beyond 2 of its standard uncertainties), or the strokes' levels
 * show the shape took one in (below). The samples stay so (every later
 * sample less the curve's last value); each stroke's peak and trough get
 * it back (fit_stroke), so the figures and the drift's own fit are as
 * before, from a shape that holds no drift. With --drift correct; in flag
 * mode (levels_only) on the levels' path alone, where the rate holds: the
 * troughs against a shape that took the drift in read an exponential of
 * 7.6 um as +1.05 +- 1.06 um, a drift missed and reported as none
 * (blind_hunt.py drift 1000 10504, 11.005 samples a stroke); +7.03 now. */
static bool learn_drift_out(struct measure *m, const struct xing *L, uint32_t nl,
			    const bool *use, unsigned *nbins, bool levels_only)
{
	double rate = m->cfg.rate_hz, s0 = (double)m->first_slot;
	double t0 = ((double)m->hist_slot0 - s0) / rate;
	double t1 = ((double)(m->hist_slot0 + m->n_hist) - 1 - s0) / rate;
	double dur = ((double)m->next_slot - 1 - s0) / rate;
	/* flag mode takes only the levels' curve, a first pass's: a later
	 * pass would fit every trough again only to return */
	unsigned passes = levels_only ? 1 : DRIFT_FOLD_PASSES;
	m->learn_period_range = learn_period_range(L, nl, use);
	m->drift_takein_um = 0;
	m->drift_takein_whole = false;
	for (unsigned pass = 0; pass < passes; pass++) {
		struct drift_sums d = { 0 };
		struct learn_levels lv = { .wbar = pass ? 0 : shape_mean_w(&m->shape) };
		bool seen = false;
		learn_troughs(m, L, nl, use, NULL, 0, &d, pass ? NULL : &lv);
		struct drift_curve c;
		/* The first curve from the strokes' mean levels when the shape
		 * took the drift in (drift_level_range): the troughs against
		 * it do not show the drift, and the later passes move little
		 * from the curve they start from (the bins the troughs are
		 * fitted against were filled at the troughs' own times). At
		 * 10.995 samples a stroke a logistic drift of 9.1 um read
		 * 13.4 from the troughs, corrected the depth -1.88 um off;
		 * the levels follow it (blind_hunt.py drift 1000 10210). */
		bool levels = pass == 0 && drift_level_range(&lv.s, dur, NULL) > 0 &&
			      (!levels_only ||
			       m->learn_period_range <= LEVELS_STEADY_FRAC) &&
			      learn_level_curve(m, L, nl, use, dur, &c);
		if (!levels && levels_only) {
			learn_drift_takein(m, L, nl, use, *nbins, &d, dur);
			return true;
		}
		if (!levels && (!drift_curve_fit(&d, dur, &c, &seen) || (pass == 0 && !seen)))
			return true;
		double q0 = drift_at(&c, t0);
		for (uint32_t i = 0; i < m->n_hist; i++) {
			double t = ((double)(m->hist_slot0 + i) - s0) / rate;
			m->hist[i] -= drift_at(&c, t) - q0 - drift_taken(m, t);
		}
		m->fold_drift = c;
		m->fold_q0_um = q0;
		m->fold_t0_s = t0;
		m->fold_t1_s = t1;
		m->fold_hold_um = drift_taken(m, t1);
		if (!shape_learn(m, L, nl, use, nbins, true)) {
			/* no shape from them: the samples as they were */
			for (uint32_t i = 0; i < m->n_hist; i++)
				m->hist[i] += drift_taken(m, ((double)(m->hist_slot0 + i) - s0) / rate);
			m->fold_drift.ok = false;
			m->fold_hold_um = 0;
			return shape_learn(m, L, nl, use, nbins, true);
		}
	}
	return true;
}

/* The plain mean stroke first, folded by the mid-level crossings; then the
 * stroke ends are refined against it and the strokes folded again, a few
 * times. Measured: refitting the shape to scatter-corrected strokes
 * (alternating fits) made the depth worse, not better
 * (docs/measurement.md), so the shape stays the plain mean stroke. */
static bool learn_shape_and_knots(struct measure *m, struct xing *L, uint32_t nl,
				  const bool *use, double t_ref, uint64_t nsamp)
{
	unsigned nbins = (unsigned)(nsamp / SAMPLES_PER_BIN);
	if (nbins < NBIN_START)
		nbins = NBIN_START;
	if (nbins > NBIN_MAX)
		nbins = NBIN_MAX;
	raw_spike_crossings(m, L, nl, use);
	double floor_var = KNOT_SMOOTH * t_ref * KNOT_SMOOTH * t_ref;
	double var_raw = pen_smooth(m, L, nl, use, t_ref, raw_var(L, nl, use, floor_var));
	bool head, tail;
	knots_trend(m, L, nl, use, m->ktgt, &head, &tail);
	if (!m->have_first_seg)
		m->head_trend = head;
	m->tail_trend = tail;
	bool ok = knots_and_shape(m, L, nl, use, t_ref, var_raw, &nbins);
	return ok;
}

/* Knots and shape learned again from the crossings put back by their
 * interpolation bias (xing_unbias), for the end fits (edge.c) only: the
 * depth's shape, learned from them, moved a 1 kHz ringing record of
 * tests/test_physics_captures.sh (ring_1khz_doubt_100hz) from -2.22 um,
 * U 3.43, to -3.01 um, U 1.34 (ring.c's doubt no longer taken). True when
 * it applied (the caller then learns the plain knots and shape again). */
static bool learn_unbiased(struct measure *m, struct xing *L, uint32_t nl, const bool *use,
			   double t_ref)
{
	unsigned nbins = m->shape.nbins;
	double floor_var = KNOT_SMOOTH * t_ref * KNOT_SMOOTH * t_ref;
	bool ok = true, did = false;
	/* The crossings' interpolation bias repeats with the sample pattern,
	 * and the knots keep most of it (a direction the samples cannot see:
	 * a shape folded with it agrees with it). Once the shape is known,
	 * the crossings are put back by it and the knots learned again; twice,
	 * as the second shape carries less of the bias (mixed 1000 2033:
	 * -23.1 ppm, one pass -3.4, two -1.9). */
	for (int pass = 0; pass < UNBIAS_PASSES && ok && t_ref > 0 &&
			   xing_unbias(m, L, nl, use, t_ref);
	     pass++) {
		double v = pen_smooth(m, L, nl, use, t_ref, raw_var(L, nl, use, floor_var));
		ok = knots_and_shape(m, L, nl, use, t_ref, v, &nbins);
		did = true;
	}
	return did && ok;
}

/* A top's read and whether it saw a ring there (ring_timing_gap). */
struct shape_read {
	double peak_um;
	bool ring;
};

static struct shape_read shape_read_of(const struct shape *sh)
{
	return (struct shape_read){ sh->peak_um,
				    sh->ring != MEASURE_RING_NONE || sh->ring_crest_top };
}

/* The ring's read under the strokes' two timings (um, a rectangular
 * half-width; 0: no ring read). The depth's shape is learned from the
 * crossings as interpolated; learn_unbiased learns it from them put back
 * by their interpolation bias too, for the end fits. Where the fold's top
 * reads a ring, its crest moves with the strokes' timing: at 1 kHz the
 * fine fold of the top (ring.c ring_fine) places each stroke's samples by
 * its crossings, and a ring's crest of a few of its bins comes and goes
 * with them. blind_hunt.py ringing 1000 20177 (a 4496 Hz ring of 15.8 um
 * on 52 Hz strokes, 19 samples a stroke, no exposure; the ring adds
 * 3.10 um): the unbiased timing's fine fold took the ring (817.48 um,
 * truth 817.24), the plain one's kept it unsure (815.33): -1.89 um
 * against U 1.83; 12 redraws of its noise read +0.15 um on average, sd
 * 1.46, U 1.74..5.72, two beyond U. Neither timing is the better (the
 * unbiased shape moved ring_1khz_doubt_100hz 0.8 um the wrong way,
 * learn_unbiased), so their gap counts in U, where either read saw a
 * ring; with none the top's read does not hang on a few bins. */
static double ring_timing_gap(const struct shape_read *unb, const struct shape *sh)
{
	struct shape_read now = shape_read_of(sh);
	if (!unb->ring && !now.ring)
		return 0;
	return num_abs(now.peak_um - unb->peak_um);
}

void learn_finish(struct measure *m)
{
	if (m->learned || m->n_learn == 0)
		return;
	uint32_t nl = m->n_learn;
	struct xing *L = m->learn;
	bool *use = m->kuse;
	double t_ref = learn_ref_period(L, nl);
	double timing_gap = 0;
	uint64_t nsamp = 0;
	for (uint32_t k = 0; k + 1 < nl; k++) {
		use[k] = stroke_usable(&L[k], &L[k + 1], learn_local_period(L, nl, k));
		if (use[k])
			nsamp += L[k + 1].idx - L[k].idx;
	}
	bool ok = nsamp && learn_shape_and_knots(m, L, nl, use, t_ref, nsamp);
	m->edge_nrip[0] = m->edge_nrip[1] = -1;
	/* the record's partial strokes from their samples (edge.c) */
	if (ok && !m->have_first_seg)
		edge_head(m, L, nl, use);
	if (ok && m->finishing)
		edge_tail(m, L, nl, use);
	if (ok && t_ref > 0 && learn_unbiased(m, L, nl, use, t_ref)) {
		/* What the unbiasing moved the two ends by together (each
		 * end's phase is in its shape's frame; their sum is not):
		 * the rate's budget takes it as the half-width of what it
		 * left (1 kHz, 7 samples a stroke, a harmonic cam: it took
		 * 0.0061 cycles off and left 0.0039, +13.7 ppm against U
		 * 11.8 ppm). */
		bool both = m->edge_head_ok && m->edge_tail_ok;
		double plain = m->edge_head + m->edge_tail;
		if (!m->have_first_seg)
			edge_head(m, L, nl, use);
		if (m->finishing)
			edge_tail(m, L, nl, use);
		if (both && m->edge_head_ok && m->edge_tail_ok)
			m->edge_unbias = num_abs(m->edge_head + m->edge_tail - plain);
		for (uint32_t k = 0; k < nl; k++)
			L[k].t_slot = L[k].t_raw;
		struct shape_read unb = shape_read_of(&m->shape);
		ok = learn_shape_and_knots(m, L, nl, use, t_ref, nsamp);
		timing_gap = ok ? ring_timing_gap(&unb, &m->shape) : 0;
		m->edge_head_knot = L[0].t_slot;
		m->edge_tail_knot = L[nl - 1].t_slot;
	}
	/* after the edges: the rate's partial strokes are timed as before */
	if (ok) {
		unsigned nbins = m->shape.nbins;
		ok = learn_drift_out(m, L, nl, use, &nbins,
				     m->cfg.gates.drift != MEASURE_DRIFT_CORRECT);
	}
	/* The top read once more, by the fine fold's ring model or the
	 * model as a second reading of a resolved crest, where the last
	 * build asked for it (ring.c, fine_model_fit, peak_ringing): their
	 * some 1100 fits cost as much as the rest of a record, and only the
	 * final shape's top is the figure. */
	if (ok)
		ok = shape_reread(m, L, nl, use);
	m->shape.peak_u_model_um = num_rect_add(m->shape.peak_u_model_um, timing_gap);
	m->learned = true;
	learn_count_freq(m, L, nl);
	for (uint32_t k = 0; k + 1 < nl; k++) {
		if (ok) {
			struct bend kb;
			knots_bend(L, nl, use, m->ktgt, k, &kb);
			fit_stroke(m, &L[k], &L[k + 1], L[k + 1].t_slot,
				   learn_local_period(L, nl, k), 0,
				   m->ktgt[k] != 0 || m->ktgt[k + 1] != 0, NULL,
				   k > 0 ? &L[k - 1] : NULL, k + 2 < nl ? &L[k + 2] : NULL, &kb);
		} else {
			emit_rejected(m, &L[k], L[k + 1].t_slot, MEASURE_REJECT_NO_TOP);
		}
	}
	if (!ok)
		m->learned = false; /* try again with the next strokes */
	if (t_ref > 0 && m->t_ref_slots <= 0)
		m->t_ref_slots = t_ref;
	/* Keep the open stroke only. */
	struct xing last = L[nl - 1];
	hist_keep_from(m, &last);
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

/* After learning, the knots of each stroke as it closes: a small filter.
 * The stroke was mapped with its start a (the previous end, known to
 * variance m->kn_var) and the predicted end a + P0 (the pen's speed changes
 * slowly); its samples, compared with the shape (sums ks, gathered by the
 * depth fit, offset eliminated), correct both, with the smoothness prior on
 * the change of period. The start's correction goes to the filter's state
 * only (the start was reported with the stroke before). Returns the end. */
double knot_solve(struct measure *m, double a_t, double P0, const struct knot_sums *ks)
{
	double vn = KNOT_NOISE_UM * KNOT_NOISE_UM;
	double sig_s = knot_smooth(m) * P0;
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
	if (!(det > 0) || !(num_abs(dx) <= KNOT_MAX * P0)) {
		m->kn_var = KNOT_PRIOR * P0 * KNOT_PRIOR * P0;
		return a_t + P0;
	}
	m->kn_var = vn * haa / det;
	return a_t + P0 + dx;
}
