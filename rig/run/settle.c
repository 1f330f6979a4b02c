/* settle.c - has the pen settled? (settle.h) */
#include "run/settle.h"

#include <math.h>
#include <string.h>

void settle_init(struct settle *s, double zero_mm, double rate_hz, double freq_hz,
		 double depth_tol_um, double period_tol)
{
	memset(s, 0, sizeof *s);
	s->zero_mm = zero_mm;
	s->depth_tol_um = depth_tol_um;
	s->period_tol = period_tol;
	double bl = ceil(1.5 * rate_hz / freq_hz);
	s->boot_len = bl < 8 ? 8 : bl > 1e6 ? 1000000 : (uint32_t)bl;
	s->lo_um = INFINITY;
	s->hi_um = -INFINITY;
}

static double group_mean(const double *v, unsigned from)
{
	double sum = 0;
	for (unsigned i = 0; i < SETTLE_GROUP; i++)
		sum += v[from + i];
	return sum / SETTLE_GROUP;
}

/* A whole group closed: its mean rate at its mid time, for the approach. */
static void keep_group(struct settle *s)
{
	if (s->nhist == SETTLE_HIST) {
		memmove(s->hist_t, s->hist_t + 1, (SETTLE_HIST - 1) * sizeof s->hist_t[0]);
		memmove(s->hist_rate, s->hist_rate + 1, (SETTLE_HIST - 1) * sizeof s->hist_rate[0]);
		s->nhist--;
	}
	double p = group_mean(s->periods, SETTLE_GROUP);
	s->hist_t[s->nhist] = s->group_t_sum / SETTLE_GROUP;
	s->hist_rate[s->nhist] = p > 0 ? 1 / p : 0;
	s->nhist++;
	s->group_t_sum = 0;
}

/* A stroke closed at slot t with its peak: keep the last two groups. */
static void close_stroke(struct settle *s, double t)
{
	const unsigned n = 2 * SETTLE_GROUP;
	memmove(s->peaks, s->peaks + 1, (n - 1) * sizeof s->peaks[0]);
	memmove(s->periods, s->periods + 1, (n - 1) * sizeof s->periods[0]);
	s->peaks[n - 1] = s->peak_um;
	s->periods[n - 1] = t - s->xing_slot;
	s->group_t_sum += (t + s->xing_slot) / 2;
	if (++s->strokes % SETTLE_GROUP == 0)
		keep_group(s);
	if (s->strokes < n)
		return;
	double d0 = group_mean(s->peaks, 0), d1 = group_mean(s->peaks, SETTLE_GROUP);
	double p0 = group_mean(s->periods, 0), p1 = group_mean(s->periods, SETTLE_GROUP);
	unsigned k = s->strokes % SETTLE_GROUP;
	s->period_change = p1 / p0 - 1;
	s->period_change_before = s->strokes >= 3 * SETTLE_GROUP ? s->changes[k] : 0;
	s->changes[k] = s->period_change;
	s->steady = fabs(d1 - d0) <= s->depth_tol_um && fabs(s->period_change) <= s->period_tol;
}

static void push_one(struct settle *s, double x, uint64_t slot)
{
	if (!s->leveled) {
		s->lo_um = fmin(s->lo_um, x);
		s->hi_um = fmax(s->hi_um, x);
		if (++s->boot_seen < s->boot_len)
			return;
		s->leveled = true;
		s->mid_um = (s->lo_um + s->hi_um) / 2;
		s->hyst_um = 0.15 * (s->hi_um - s->lo_um);
		return;
	}
	if (x < s->mid_um - s->hyst_um) {
		s->armed = true;
	} else if (s->armed && x >= s->mid_um && slot == s->last_slot + 1) {
		double t = (double)s->last_slot + (s->mid_um - s->last_x) / (x - s->last_x);
		if (s->have_xing)
			close_stroke(s, t);
		s->have_xing = true;
		s->xing_slot = t;
		s->peak_um = x;
		s->armed = false;
	} else if (s->armed && x >= s->mid_um) {
		/* a gap at the crossing: no timing from it, start afresh */
		s->have_xing = false;
		s->armed = false;
	}
	if (x > s->peak_um)
		s->peak_um = x;
}

bool settle_push(struct settle *s, const struct laser_sample *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].status != LASER_OK || !isfinite(v[i].dist_mm))
			continue;
		double x = (s->zero_mm - v[i].dist_mm) * 1000.0;
		push_one(s, x, v[i].slot);
		s->last_x = x;
		s->last_slot = v[i].slot;
	}
	return s->steady;
}

bool settle_moving(const struct settle *s, double move_tol)
{
	double a = s->period_change, b = s->period_change_before;
	return s->strokes >= 3 * SETTLE_GROUP && fabs(a) > move_tol && fabs(b) > move_tol &&
	       (a > 0) == (b > 0);
}

/* Least squares of rate = c + a x, x = exp((t_ref - t) / tau): the sum of
 * squared residuals, c and a. */
static double fit_tau(const struct settle *s, double tau, double t_ref, double *c, double *a)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = s->nhist;
	for (unsigned i = 0; i < s->nhist; i++) {
		double x = exp((t_ref - s->hist_t[i]) / tau), y = s->hist_rate[i];
		sx += x, sy += y, sxx += x * x, sxy += x * y;
	}
	double det = n * sxx - sx * sx;
	if (!(det > 1e-12 * n * sxx))
		return INFINITY;
	*a = (n * sxy - sx * sy) / det;
	*c = (sy - *a * sx) / n;
	double sse = 0;
	for (unsigned i = 0; i < s->nhist; i++) {
		double r = s->hist_rate[i] - *c - *a * exp((t_ref - s->hist_t[i]) / tau);
		sse += r * r;
	}
	return sse;
}

/* tau over a grid from 2 slots to half the span seen, steps of 10^(1/16),
 * then refined between the best one's neighbours by golden section (24
 * steps: tau within 1e-4 of the least squares one). */
#define TAU_STEP 1.1547819846894582
static double fit_at(const struct settle *s, double tau, double t_ref,
		     struct settle_approach *ap)
{
	double c = 0, a = 0, sse = fit_tau(s, tau, t_ref, &c, &a);
	if (!(c > 0))
		return INFINITY;
	*ap = (struct settle_approach){ .rate_inf = c, .a = a, .tau = tau, .t_ref = t_ref };
	return sse;
}

/* The far approach (settle.h) among the grid's taus within reach. */
static void far_tail(const struct settle *s, double span, double reach,
		     struct settle_approach *ap)
{
	ap->a_far = ap->a, ap->tau_far = ap->tau, ap->rate_inf_far = ap->rate_inf;
	struct settle_approach tmp;
	for (double tau = 2; tau <= span / 2; tau *= TAU_STEP) {
		double sse = fit_at(s, tau, ap->t_ref, &tmp);
		if (sse <= reach && (tmp.a < 0) == (ap->a < 0) &&
		    fabs(tmp.a / tmp.rate_inf) * tau > fabs(ap->a_far / ap->rate_inf_far) * ap->tau_far)
			ap->a_far = tmp.a, ap->tau_far = tau, ap->rate_inf_far = tmp.rate_inf;
	}
}

void settle_approach_fit(const struct settle *s, struct settle_approach *ap)
{
	memset(ap, 0, sizeof *ap);
	if (s->nhist < 4)
		return;
	double t_ref = s->hist_t[s->nhist - 1], span = t_ref - s->hist_t[0];
	double best = INFINITY, best_tau = 0;
	struct settle_approach tmp;
	for (double tau = 2; tau <= span / 2; tau *= TAU_STEP) {
		double sse = fit_at(s, tau, t_ref, &tmp);
		if (sse < best)
			best = sse, best_tau = tau;
	}
	if (!isfinite(best))
		return;
	double lo = best_tau / TAU_STEP, hi = best_tau * TAU_STEP, g = 0.6180339887498949;
	for (int i = 0; i < 24; i++) {
		double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
		if (fit_at(s, m1, t_ref, &tmp) < fit_at(s, m2, t_ref, &tmp))
			hi = m2;
		else
			lo = m1;
	}
	if (!isfinite(fit_at(s, (lo + hi) / 2, t_ref, ap)) &&
	    !isfinite(fit_at(s, best_tau, t_ref, ap)))
		return;
	double first = ap->a * exp((t_ref - s->hist_t[0]) / ap->tau);
	ap->seen = fabs(first) >= SETTLE_APPROACH_MIN * ap->rate_inf;
	if (!ap->seen) {
		memset(ap, 0, sizeof *ap);
		return;
	}
	far_tail(s, span, best * (1 + 4.0 / (s->nhist > 4 ? s->nhist - 3 : 1)), ap);
}

static double tail_bias(double rate_inf, double a, double tau, double t_ref, double t0,
			double len)
{
	/* the mean of a exp(-(t - t_ref) / tau) over the window */
	return a * tau / len * exp(-(t0 - t_ref) / tau) * -expm1(-len / tau) / rate_inf;
}

double settle_approach_bias(const struct settle_approach *ap, double t0, double len)
{
	if (!ap->seen || !(len > 0))
		return 0;
	double b = tail_bias(ap->rate_inf, ap->a, ap->tau, ap->t_ref, t0, len);
	if (ap->tau_far > 0) {
		double f = tail_bias(ap->rate_inf_far, ap->a_far, ap->tau_far, ap->t_ref, t0, len);
		if (fabs(f) > fabs(b))
			b = f;
	}
	return b;
}
