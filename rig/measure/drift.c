/* drift.c - drift of the readings: a polynomial, a settling exponential
 * or a natural spline through the strokes' troughs against time (tally.c
 * keeps their sums and a store of them binned in time), the shape's own check of
 * what it took in of a drift, and the drift's part of the depth budget,
 * flagged or corrected (result_drift; docs/measurement.md, "Drift").
 */
#include "measure/engine.h"

#include <math.h>

/* The settling exponentials' time constants: DRIFT_TAU_MAX_S / k, k = 1,
 * 2, 3, 4, 6, 8, 12, 16, 24 (2 s down to 0.083 s): a thermal drift that
 * settles over a record of a few seconds. exp(-t / tau) is then a power
 * of one exponential per stroke (drift_add: nine exp() and pow() calls a
 * stroke took the 10-minute capture from 27 to 18.5 M samples per CPU
 * second). */
#define DRIFT_TAU_MAX_S 2.0
static const unsigned drift_tau_k[DRIFT_NTAU] = { 1, 2, 3, 4, 6, 8, 12, 16, 24 };

/* The drift figure's form term (drift_fit): the family's models whose
 * BIC lies within this of the least, the troughs' evidence against them
 * short of "very strong" (Kass and Raftery, 1995: a BIC difference above
 * 10). 6 ("strong") covered 271 of 275 blind drift draws at each rate
 * (mean U 1.80 and 1.25 um), 10 273 and 272 (1.92 and 1.31). */
#define DRIFT_FORM_DBIC 10.0

static double drift_tau_s(unsigned j)
{
	return DRIFT_TAU_MAX_S / drift_tau_k[j];
}

/* exp(-t / tau_j) for every j, in pairs (e[j / 2], lane j % 2; the last
 * pair's second lane 0); 0 beyond 40 DRIFT_TAU_MAX_S (under 5e-18) */
static void drift_exps(double t, num_sum2 e[(DRIFT_NTAU + 1) / 2])
{
	if (!(t < 40 * DRIFT_TAU_MAX_S)) {
		for (unsigned j = 0; j < (DRIFT_NTAU + 1) / 2; j++)
			e[j] = (num_sum2){ 0, 0 };
		return;
	}
	double u = exp(-t / DRIFT_TAU_MAX_S);
	double e1 = u * u;      /* k 2 */
	double e2 = e1 * u;     /* 3 */
	double e3 = e1 * e1;    /* 4 */
	double e4 = e2 * e2;    /* 6 */
	double e5 = e3 * e3;    /* 8 */
	double e6 = e4 * e4;    /* 12 */
	double e7 = e5 * e5;    /* 16 */
	double e8 = e6 * e6;    /* 24 */
	e[0] = (num_sum2){ u, e1 };
	e[1] = (num_sum2){ e2, e3 };
	e[2] = (num_sum2){ e4, e5 };
	e[3] = (num_sum2){ e6, e7 };
	e[4] = (num_sum2){ e8, 0 };
}

/* Whether the sums of the exponentials at t (times v) take anything: past
 * 40 DRIFT_TAU_MAX_S they are 0 (drift_exps), and a finite v times 0 added
 * leaves a sum as it was (no sum of them is -0: each starts at +0, and a
 * sum that cancels to zero is +0). A long record's strokes skip them (the
 * 10-minute capture's, 13 % of its drift sums' instructions). */
static bool drift_exps_add(double t, double v)
{
	return t < 40 * DRIFT_TAU_MAX_S || !isfinite(v);
}

/* One accepted stroke's trough y (less the first one's) at t seconds from
 * the record's first sample into the drift's sums (tally.c). */
void drift_add(struct drift_sums *d, double t, double y)
{
	bool head = d->h_n < DRIFT_HEAD;
	num_sum2 tk[DRIFT_DEG_CHECK + 1]; /* t^0 .. t^(2 DRIFT_DEG_CHECK + 1) */
	if (d->t[0] > 0) {
		d->dd += (y - d->last) * (y - d->last);
		d->nd++;
	}
	d->last = y;
	/* t's powers once, in pairs (num_powers2), then each sum */
	num_powers2(t, DRIFT_DEG_CHECK + 1, tk);
	num_sums_add2(d->t, tk, 2 * DRIFT_DEG_CHECK + 1);
	num_sums_addc2(d->y, tk, DRIFT_DEG_CHECK + 1, y);
	if (head)
		num_sums_add2(d->h_t, tk, DRIFT_DEG_MAX + 1);
	d->yy += y * y;
	if (head) {
		d->h_n++;
		d->h_y += y;
	}
	if (drift_exps_add(t, y)) {
		num_sum2 e[(DRIFT_NTAU + 1) / 2], ee[(DRIFT_NTAU + 1) / 2];
		drift_exps(t, e);
		for (unsigned j = 0; j < (DRIFT_NTAU + 1) / 2; j++)
			ee[j] = e[j] * e[j];
		num_sums_add2(d->e, e, DRIFT_NTAU);
		num_sums_add2(d->ee, ee, DRIFT_NTAU);
		num_sums_addc2(d->ye, e, DRIFT_NTAU, y);
		if (head)
			num_sums_add2(d->h_e, e, DRIFT_NTAU);
	}
	for (unsigned w = 0; w < DRIFT_NWIN; w++) {
		double *a = d->win[w];
		if (a[0] >= (double)(16u << w))
			continue;
		num_poly_sums_add(1, a, a + 3, t, y);
	}
	if (d->b_per == 0)
		d->b_per = 1;
	if (d->b_n[d->b_at] >= (double)d->b_per) {
		if (d->b_at + 1 < DRIFT_BINS) {
			d->b_at++;
		} else {
			/* full: neighbours merged, each bin twice the troughs */
			for (unsigned i = 0; i < DRIFT_BINS / 2; i++) {
				d->b_n[i] = d->b_n[2 * i] + d->b_n[2 * i + 1];
				d->b_t[i] = d->b_t[2 * i] + d->b_t[2 * i + 1];
				d->b_y[i] = d->b_y[2 * i] + d->b_y[2 * i + 1];
				d->b_x[i] = d->b_x[2 * i] + d->b_x[2 * i + 1];
			}
			for (unsigned i = DRIFT_BINS / 2; i < DRIFT_BINS; i++)
				d->b_n[i] = d->b_t[i] = d->b_y[i] = d->b_x[i] = 0;
			d->b_at = DRIFT_BINS / 2;
			d->b_per *= 2;
		}
	}
	d->b_n[d->b_at]++;
	d->b_t[d->b_at] += t;
	d->b_y[d->b_at] += y;
}

void drift_add_depth(struct drift_sums *d, double t, double x)
{
	num_sum2 tk[(DRIFT_DEG_MAX + 2) / 2], e[(DRIFT_NTAU + 1) / 2];
	num_powers2(t, (DRIFT_DEG_MAX + 2) / 2, tk);
	num_sums_addc2(d->xt, tk, DRIFT_DEG_MAX + 1, x);
	if (drift_exps_add(t, x)) {
		drift_exps(t, e);
		num_sums_addc2(d->xe, e, DRIFT_NTAU, x);
	}
	d->b_x[d->b_at] += x; /* drift_add filled b_at with this stroke */
}

void drift_add_period(struct drift_sums *d, double t, double y, double period_s, double rate_hz)
{
	if (!(period_s > 0))
		return;
	if (d->p_ref == 0)
		d->p_ref = period_s;
	double ph = t * rate_hz;
	num_sum2 tk[(DRIFT_DEG_MAX + 2) / 2];
	ph -= floor(ph);
	unsigned pb = (unsigned)(ph * DRIFT_NPH);
	if (pb >= DRIFT_NPH)
		pb = DRIFT_NPH - 1;
	ph *= 2 * M_PI;
	/* z in registers, in pairs: as an array the vectorizer read the
	 * sine and cosine back two at a time from sincos's single stores */
	double z0 = period_s / d->p_ref - 1, z1 = sin(ph), z2 = cos(ph);
	double z3 = d->p_last > 0 ? (period_s - d->p_last) / d->p_ref : 0; /* 0 at the first */
	const double z[DRIFT_NZ] = { z0, z1, z2, z3 };
	const num_sum2 zv[DRIFT_NZ / 2] = { { z0, z1 }, { z2, z3 } };
	d->p_last = period_s;
	num_powers2(t, (DRIFT_DEG_MAX + 2) / 2, tk);
	num_sums_add2(d->ph_t[pb], tk, DRIFT_DEG_MAX + 1);
	d->ph_y[pb] += y;
	num_sums_addc2(d->z_y, zv, DRIFT_NZ, y);
	for (unsigned j = 0; j < DRIFT_NZ; j++) {
		num_sums_addc2(d->z_t[j], tk, DRIFT_DEG_MAX + 1, z[j]);
		/* the lower triangle, z_j z_i for i <= j */
		num_sums_addc2(d->z_z[j], zv, j + 1, z[j]);
	}
}

/* The BIC of a least-squares fit of np parameters to n troughs with
 * residual sum of squares rss: n ln(rss / n) + np ln n (rss under 0, a
 * rounding of a perfect fit, as 0). Every model of the drift, and the
 * period's fit (drift_period_explains), is judged by it. */
static double drift_bic(double n, double rss, double np)
{
	return n * log((rss > 0 ? rss : 0) / n + 1e-12) + np * log(n);
}

/* One model of the drift through the strokes' troughs: a polynomial of
 * degree deg in x = t / dur (t from the record's first sample, dur its
 * length), or (deg 0) a level and a settling exponential exp(-t / tau). */
struct drift_model {
	unsigned deg, knots;   /* knots: a natural spline's (drift_spline_fit), else 0 */
	unsigned sine;         /* a quarter sine's form (DRIFT_SINE_*), else 0 */
	double crit;           /* BIC: n ln(rss / n) + (parameters) ln n */
	double s2;             /* residual variance */
	double corr, v_corr;   /* mean of q(x_k) - q(0) over the strokes, its variance */
	double drift, v_drift; /* q(1) - q(0), its variance */
	double span;           /* the largest |q(x) - q(0)| over the record */
	double head;           /* mean residual of the first DRIFT_HEAD troughs */
	double q0;             /* the level at the start, q(0) */
	struct drift_curve c;  /* the model as a curve of time */
};

static bool drift_poly_fit(const struct drift_sums *d, unsigned deg, double dur,
			   struct drift_model *f)
{
	enum { K = DRIFT_DEG_CHECK + 1 };
	unsigned k = deg + 1;
	bool model = deg <= DRIFT_DEG_MAX; /* else the form check's: no head, no curve */
	double n = d->t[0], sc[K], inv[K * K], p[K], rss;
	if (n < (double)k + 5 ||
	    !num_poly_lsq(deg, d->t, d->y, d->yy, dur, p, inv, &rss))
		return false;
	double h = d->h_y;
	for (unsigned i = 0; i < k; i++) {
		sc[i] = i ? sc[i - 1] / dur : 1; /* t^i to x^i */
		if (model)
			h -= p[i] * d->h_t[i] * sc[i];
	}
	double s2 = rss > 0 ? rss / (n - k) : 0;
	f->deg = deg;
	f->knots = 0;
	f->sine = 0;
	f->s2 = s2;
	f->crit = drift_bic(n, rss, k);
	double g[K], vg = 0, ve = 0;
	f->corr = f->drift = 0;
	for (unsigned i = 0; i < k; i++) {
		g[i] = i ? d->t[i] * sc[i] / n : 0;
		f->corr += p[i] * g[i];
		f->drift += i ? p[i] : 0;
	}
	for (unsigned i = 1; i < k; i++)
		for (unsigned j = 1; j < k; j++) {
			vg += g[i] * inv[i * k + j] * g[j];
			ve += inv[i * k + j];
		}
	f->v_corr = s2 * vg;
	f->v_drift = s2 * ve;
	/* a sine's or a polynomial's largest excursion may lie inside */
	f->span = 0;
	for (unsigned j = 1; j <= 32; j++) {
		double x = j / 32.0, q = 0, xi = 1;
		for (unsigned i = 1; i < k; i++)
			q += p[i] * (xi *= x);
		if (num_abs(q) > f->span)
			f->span = num_abs(q);
	}
	f->head = d->h_t[0] > 0 ? num_abs(h / d->h_t[0]) : 0;
	f->q0 = p[0];
	f->c = (struct drift_curve){ .ok = model, .deg = deg, .dur = dur };
	for (unsigned i = 0; model && i < k; i++)
		f->c.p[i] = p[i];
	return true;
}

/* A level and a settling exponential of time constant tau_j: y = a +
 * c exp(-t / tau_j), three parameters with tau. A drift that settles
 * within the record is steepest at its start, where no polynomial of the
 * degrees the troughs support follows it (tau 0.35 s at 4 kHz: +0.77 um
 * against u 0.19 from the polynomials alone). */
static bool drift_exp_fit(const struct drift_sums *d, unsigned j, double dur,
			  struct drift_model *f)
{
	double n = d->t[0], se = d->e[j];
	double A[4] = { n, se, se, d->ee[j] }, Y[2] = { d->y[0], d->ye[j] };
	double p[2], inv[4];
	if (n < 8 || !num_solve_sym(2, A, Y, p, inv))
		return false;
	double rss = d->yy - p[0] * Y[0] - p[1] * Y[1];
	double s2 = rss > 0 ? rss / (n - 2) : 0;
	double g = se / n - 1, e = exp(-dur / drift_tau_s(j)) - 1;
	f->deg = 0;
	f->knots = 0;
	f->sine = 0;
	f->s2 = s2;
	f->crit = drift_bic(n, rss, 3);
	f->corr = p[1] * g;
	f->v_corr = s2 * g * inv[3] * g;
	f->drift = p[1] * e;
	f->v_drift = s2 * e * inv[3] * e;
	f->span = num_abs(f->drift); /* monotone */
	double h = d->h_y - p[0] * d->h_t[0] - p[1] * d->h_e[j];
	f->head = d->h_t[0] > 0 ? num_abs(h / d->h_t[0]) : 0;
	f->q0 = p[0] + p[1];
	f->c = (struct drift_curve){ .ok = true, .deg = 0, .p = { p[0], p[1] },
				     .tau_s = drift_tau_s(j), .dur = dur };
	return true;
}

/* The natural cubic spline's basis at x (k knots at 0, 1/(k - 1), .. 1):
 * 1, x, and d_j(x) - d_(k-2)(x), j = 0..k-3, with d_j(x) = ((x - x_j)+^3 -
 * (x - 1)+^3) / (1 - x_j): a cubic between knots, straight beyond the ends
 * (Hastie, Tibshirani and Friedman, The Elements of Statistical Learning,
 * 5.2.1). */
static void drift_spline_basis(unsigned k, double x, double *f)
{
	double d[DRIFT_KNOTS_MAX];
	double e = x > 1 ? (x - 1) * (x - 1) * (x - 1) : 0;
	for (unsigned j = 0; j + 1 < k; j++) {
		double xj = (double)j / (k - 1), a = x > xj ? (x - xj) * (x - xj) * (x - xj) : 0;
		d[j] = (a - e) / (1 - xj);
	}
	f[0] = 1;
	f[1] = x;
	for (unsigned j = 0; j + 2 < k; j++)
		f[2 + j] = d[j] - d[k - 2];
}

/* The quarter sines (session 35, drift_spline_fit): a level and c g(x),
 * x = t / dur, with g(x) = sin(pi x / 2), steepest at the record's start
 * and flat at its end (DRIFT_SINE_END), or 1 - cos(pi x / 2), flat at its
 * start (DRIFT_SINE_START): a drift that settles, or sets in, over the
 * record. No polynomial of the degrees the troughs support follows it: a
 * quadratic reads sin(pi x / 2) 4.4 % long and the cubic 0.04 % short
 * (noiseless least squares), but under noise BIC takes the quadratic, and
 * the cubic read the same where the noise tilted the troughs; so no form
 * within DRIFT_FORM_DBIC said otherwise, and --drift correct's drift
 * figure read -0.47 um against U 0.22, -0.55 against U 0.46, +0.25
 * against U 0.17 (blind_hunt.py drift 4000 10900, 11403, 11420; the sine
 * through the same troughs -0.06, +0.14, -0.05). BIC counts three
 * parameters, as an exponential's: a level, a size and its form (which
 * end it is flat at, as the exponential's time constant); counted two, it
 * was taken for settling exponentials it fitted no better, their figure's
 * error 0.284 -> 0.303 um rms (4 kHz, 77 draws). */
enum { DRIFT_SINE_END = 1, DRIFT_SINE_START = 2, DRIFT_NSINE = 2 };

/* A binned model's basis at x (drift_spline_fit): the natural spline's of
 * k knots (sine 0), or a quarter sine's, 1 and g(x) (k 2). */
static void drift_bin_basis(unsigned k, unsigned sine, double x, double *f)
{
	if (!sine) {
		drift_spline_basis(k, x, f);
		return;
	}
	f[0] = 1;
	f[1] = sine == DRIFT_SINE_END ? sin(M_PI / 2 * x) : 1 - cos(M_PI / 2 * x);
}

static double drift_spline_at(const double *p, unsigned k, unsigned sine, double x)
{
	double f[DRIFT_KNOTS_MAX], q = 0;
	drift_bin_basis(k, sine, x, f);
	for (unsigned i = 0; i < k; i++)
		q += p[i] * f[i];
	return q;
}

/* A model fitted through the troughs' store (drift_bins_fit): a natural
 * spline of k knots (sine 0), a quarter sine (k 2, sine; drift_bin_basis),
 * or, tau_s above 0, a level and a settling exponential exp(-t / tau_s)
 * (k 2; drift_exp_free's). */
struct drift_bin_form {
	unsigned k, sine;
	double tau_s, dur;
};

/* The form's basis at t seconds from the record's first sample. */
static void drift_bin_row(const struct drift_bin_form *m, double t, double *f)
{
	if (m->tau_s > 0) {
		f[0] = 1;
		f[1] = exp(-t / m->tau_s);
		return;
	}
	drift_bin_basis(m->k, m->sine, t / m->dur, f);
}

/* Least squares of form m through the troughs' bins (drift_sums' store),
 * each bin at its troughs' mean time: p its parameters, inv their
 * normal matrix's inverse (may be NULL), *rss the residual sum of
 * squares (the troughs' own, each bin's troughs at its model value:
 * exact while a bin holds one trough), g (may be NULL) each basis
 * function's mean over the troughs. False with fewer than min_bins bins
 * holding troughs, or where the design is singular. The splines and
 * quarter sines (drift_spline_fit) and the free exponential
 * (drift_exp_bins) share it. Always inlined: drift_exp_free fits an
 * exponential 35 times a call, where the form's size, known there,
 * unrolls the loops (called, it cost a 4 kHz drift record 0.7 % of its
 * instructions; inlined 0.09 %). */
static inline __attribute__((always_inline)) bool
drift_bins_fit(const struct drift_sums *d, const struct drift_bin_form *m, double min_bins,
	       double *p, double *inv, double *rss, double *g)
{
	enum { K = DRIFT_KNOTS_MAX };
	unsigned k = m->k;
	double A[K * K], Y[K] = { 0 }, sg[K] = { 0 }, fb[K], nb = 0;
	for (unsigned i = 0; i < k; i++)
		for (unsigned j = 0; j <= i; j++)
			A[i * k + j] = 0;
	for (unsigned b = 0; b <= d->b_at && b < DRIFT_BINS; b++) {
		double c = d->b_n[b];
		if (!(c > 0))
			continue;
		nb++;
		drift_bin_row(m, d->b_t[b] / c, fb);
		for (unsigned i = 0; i < k; i++) {
			Y[i] += fb[i] * d->b_y[b];
			if (g)
				sg[i] += fb[i] * c;
			for (unsigned j = 0; j <= i; j++)
				A[i * k + j] += c * fb[i] * fb[j];
		}
	}
	/* the lower triangle summed, the upper its mirror */
	for (unsigned i = 0; i < k; i++)
		for (unsigned j = 0; j < i; j++)
			A[j * k + i] = A[i * k + j];
	if (nb < min_bins || !num_solve_sym(k, A, Y, p, inv))
		return false;
	*rss = d->yy;
	for (unsigned i = 0; i < k; i++) {
		*rss -= p[i] * Y[i];
		if (g)
			g[i] = sg[i] / d->t[0];
	}
	return true;
}

/* A natural cubic spline of k knots through the troughs' bins (drift_sums'
 * store, each bin at its troughs' mean time; drift_bins_fit): what a
 * drift of a form no polynomial or exponential of the family follows
 * needs, a logistic's flat ends or a quarter sine's, without a quartic's
 * swing at the start. With sine (k 2): a quarter sine (drift_bin_basis),
 * the same way. */
static bool drift_spline_fit(const struct drift_sums *d, unsigned k, unsigned sine, double dur,
			     struct drift_model *f)
{
	enum { K = DRIFT_KNOTS_MAX };
	const struct drift_bin_form m = { .k = k, .sine = sine, .dur = dur };
	double n = d->t[0], g[K], e[K], p[K], inv[K * K], rss;
	if (!drift_bins_fit(d, &m, (double)k + 5, p, inv, &rss, g))
		return false;
	double s2 = rss > 0 ? rss / (n - k) : 0;
	double f0[K], f1[K], vg = 0, ve = 0;
	drift_bin_basis(k, sine, 0, f0);
	drift_bin_basis(k, sine, 1, f1);
	f->deg = 0;
	f->knots = sine ? 0 : k;
	f->sine = sine;
	f->s2 = s2;
	f->crit = drift_bic(n, rss, sine ? 3 : k);
	f->corr = f->drift = 0;
	for (unsigned i = 0; i < k; i++) {
		g[i] -= f0[i];
		e[i] = f1[i] - f0[i];
		f->corr += p[i] * g[i];
		f->drift += p[i] * e[i];
	}
	for (unsigned i = 0; i < k; i++)
		for (unsigned j = 0; j < k; j++) {
			vg += g[i] * inv[i * k + j] * g[j];
			ve += e[i] * inv[i * k + j] * e[j];
		}
	f->v_corr = s2 * vg;
	f->v_drift = s2 * ve;
	f->q0 = drift_spline_at(p, k, sine, 0);
	f->span = 0;
	for (unsigned j = 1; j <= 32; j++) {
		double q = num_abs(drift_spline_at(p, k, sine, j / 32.0) - f->q0);
		if (q > f->span)
			f->span = q;
	}
	/* the first troughs' mean against the model at their mean time */
	double hn = d->h_t[0];
	f->head = hn > 0 ? num_abs(d->h_y / hn - drift_spline_at(p, k, sine, d->h_t[1] / hn / dur)) : 0;
	f->c = (struct drift_curve){ .ok = true, .knots = f->knots, .sine = sine, .dur = dur };
	for (unsigned i = 0; i < k; i++)
		f->c.p[i] = p[i];
	return true;
}

/* A level and a settling exponential of time constant tau_s through the
 * troughs' store (drift_bins_fit, as the splines are fitted): the
 * residual sum of squares (the troughs' own, each bin's at its model
 * value), *drift its change over the record; a negative sum where the
 * design is singular. */
static double drift_exp_bins(const struct drift_sums *d, double tau_s, double dur, double *drift)
{
	const struct drift_bin_form m = { .k = 2, .tau_s = tau_s, .dur = dur };
	double p[2], rss;
	if (!drift_bins_fit(d, &m, 0, p, NULL, &rss, NULL))
		return -1;
	*drift = p[1] * (exp(-dur / tau_s) - 1);
	return rss > 0 ? rss : 0;
}

/* The settling exponential with its time constant free between the
 * family's (DRIFT_TAU_MAX_S / 24 .. DRIFT_TAU_MAX_S, and at least 8 times
 * the store's first bin's mean time): the least residual sum over the
 * store (drift_exp_bins), the family's time constants first, then a
 * golden-section search in ln tau between the best one's neighbours. Its BIC (three parameters, as the family's exponentials)
 * and drift; false with too few troughs or bins. The drift figure's form
 * term (drift_fit) reads it; not in the family: between two of its time
 * constants an exponential reads as neither (blind_hunt.py drift 4000
 * 12318, tau 1.17 s: the quadratic 4.91 um for 5.33 at the least BIC,
 * tau 1 s 12 above it; the free tau 5.22). */
static bool drift_exp_free(const struct drift_sums *d, double dur, double *crit, double *drift)
{
	double n = d->t[0], r[DRIFT_NTAU], q[DRIFT_NTAU];
	unsigned nb = 0, jb = DRIFT_NTAU;
	for (unsigned b = 0; b <= d->b_at && b < DRIFT_BINS; b++)
		nb += d->b_n[b] > 0;
	if (n < 8 || nb < 8 || !(dur > 0) || !(d->b_n[0] > 0))
		return false;
	/* Each bin stands at its troughs' mean time, and the figure is the
	 * model's change from the record's start: a time constant under 8
	 * times the first bin's mean time would extrapolate a bin of many
	 * troughs to the start (the 60 s capture, 128 troughs a bin, its
	 * first at 0.43 s: 0.083 s read -42.8 um where the troughs show
	 * none). */
	double tau_min = 8 * d->b_t[0] / d->b_n[0];
	for (unsigned j = 0; j < DRIFT_NTAU && drift_tau_s(j) >= tau_min; j++) {
		r[j] = drift_exp_bins(d, drift_tau_s(j), dur, &q[j]);
		if (r[j] >= 0 && (jb == DRIFT_NTAU || r[j] < r[jb]))
			jb = j;
	}
	if (jb == DRIFT_NTAU)
		return false;
	/* ln tau over [the longer neighbour's, the shorter one's] */
	double t_lo = jb + 1 < DRIFT_NTAU ? drift_tau_s(jb + 1) : drift_tau_s(jb);
	double lo = log(t_lo > tau_min ? t_lo : tau_min);
	double hi = log(drift_tau_s(jb > 0 ? jb - 1 : jb)), g = (sqrt(5.0) - 1) / 2;
	double best = r[jb], dbest = q[jb];
	double a = hi - g * (hi - lo), b = lo + g * (hi - lo), da, db;
	double ra = drift_exp_bins(d, exp(a), dur, &da), rb = drift_exp_bins(d, exp(b), dur, &db);
	for (unsigned it = 0; it < 24; it++) {
		if (ra >= 0 && ra < best) {
			best = ra;
			dbest = da;
		}
		if (rb >= 0 && rb < best) {
			best = rb;
			dbest = db;
		}
		if (rb < 0 || (ra >= 0 && ra < rb)) {
			hi = b;
			b = a;
			rb = ra;
			db = da;
			a = hi - g * (hi - lo);
			ra = drift_exp_bins(d, exp(a), dur, &da);
		} else {
			lo = a;
			a = b;
			ra = rb;
			da = db;
			b = lo + g * (hi - lo);
			rb = drift_exp_bins(d, exp(b), dur, &db);
		}
	}
	*crit = drift_bic(n, best, 3);
	*drift = dbest;
	return true;
}

/* How far the start level q0 lies from a line through the first 16, 32
 * and 64 troughs (where the record holds twice as many), beyond what the
 * troughs' white scatter moves the line's own start: the largest, as a
 * variance. The correction rests on q0, the model extrapolated to the
 * record's start; 22 of 80 development drift records (blind_capture.py,
 * seeds 3000-3039 at 1 and 4 kHz) had the correction off by more than its
 * u: a logistic's flat start under a cubic (0.3-0.4 um, every seed), an
 * exponential under a polynomial, and the troughs of the first strokes
 * off the later ones' trend where the shape took a drift in (up to 1.4 um
 * at 4 kHz, drift 4000 3018). */
static double drift_start_check(const struct drift_sums *d, double q0, double white)
{
	double v = 0;
	for (unsigned w = 0; w < DRIFT_NWIN; w++) {
		const double *a = d->win[w];
		double nw = (double)(16u << w);
		if (a[0] < nw || d->t[0] < 2 * nw)
			continue;
		/* a line: a[0..2] the window's sums of t^j, a[3..4] of y t^i */
		double q[2], inv[4];
		if (!num_poly_lsq(1, a, a + 3, 0, 1, q, inv, NULL))
			continue;
		double ex = (q[0] - q0) * (q[0] - q0) - white * inv[0];
		if (ex > v)
			v = ex;
	}
	return v;
}

/* The model's end against the troughs' own there (the drift figure's ends
 * term, drift_fit): lines through the first (end 0) or the last (end 1)
 * 32 and 64 troughs of the store (drift_sums' bins, each at its troughs'
 * mean time; a window only where the record holds twice as many), each
 * at the record's end (t 0 or dur), less the model's value there (q_end),
 * beyond what the troughs' white scatter moves the line's own end: the
 * larger, as a variance; 0 where both agree within that. */
static double drift_end_check(const struct drift_sums *d, unsigned end, double dur, double q_end,
			      double white)
{
	double n = d->t[0], te = end ? dur : 0, v = 0;
	unsigned nb = d->b_at + 1 < DRIFT_BINS ? d->b_at + 1 : DRIFT_BINS;
	for (unsigned w = 1; w < DRIFT_NWIN; w++) {
		double nw = (double)(16u << w), sw = 0, st = 0, stt = 0, sy = 0, sty = 0;
		if (n < 2 * nw)
			break;
		for (unsigned i = 0; i < nb && sw < nw; i++) {
			unsigned b = end ? nb - 1 - i : i;
			double c = d->b_n[b];
			if (!(c > 0))
				continue;
			double tb = d->b_t[b] / c, yb = d->b_y[b] / c;
			sw += c;
			st += c * tb;
			stt += c * tb * tb;
			sy += c * yb;
			sty += c * tb * yb;
		}
		double tm = st / sw, sxx = stt - st * tm;
		if (sw < nw || !(sxx > 0))
			continue;
		double at = sy / sw + (sty - tm * sy) / sxx * (te - tm);
		double ex = (at - q_end) * (at - q_end) - white * (1 / sw + (te - tm) * (te - tm) / sxx);
		if (ex > v)
			v = ex;
	}
	return v;
}

/* A model's parameters as its BIC counts them: a polynomial's deg + 1, a
 * spline's knots; a level, an exponential's size and its time constant,
 * or a quarter sine's size and the end it is flat at. */
static double drift_params(const struct drift_model *f)
{
	return f->knots ? (double)f->knots : f->deg ? (double)f->deg + 1 : 3;
}

/* The family's models, in this order: the polynomials of degree 1..
 * DRIFT_DEG_MAX, the exponentials (DRIFT_NTAU), the splines (DRIFT_KNOTS_MIN..
 * DRIFT_KNOTS_MAX knots), the quarter sines (DRIFT_NSINE). */
#define DRIFT_FAM_EXP DRIFT_DEG_MAX
#define DRIFT_FAM_SPLINE (DRIFT_FAM_EXP + DRIFT_NTAU)
#define DRIFT_FAM_SINE (DRIFT_FAM_SPLINE + DRIFT_KNOTS_MAX - DRIFT_KNOTS_MIN + 1)
#define DRIFT_FAM_N (DRIFT_FAM_SINE + DRIFT_NSINE)

/* The family's model i through d's troughs. */
static bool drift_model_fit(const struct drift_sums *d, unsigned i, double dur,
			    struct drift_model *f)
{
	return i < DRIFT_FAM_EXP ? drift_poly_fit(d, i + 1, dur, f)
	     : i < DRIFT_FAM_SPLINE ? drift_exp_fit(d, i - DRIFT_FAM_EXP, dur, f)
	     : i < DRIFT_FAM_SINE ? drift_spline_fit(d, DRIFT_KNOTS_MIN + (i - DRIFT_FAM_SPLINE), 0,
						     dur, f)
				  : drift_spline_fit(d, 2, 1 + (i - DRIFT_FAM_SINE), dur, f);
}

/* Every model of the family through d's troughs (ok[i]: it fitted); the
 * least BIC's index, the first of equals, or -1 with none; *best_poly
 * (may be NULL) the same among the polynomials. */
static int drift_best_model(const struct drift_sums *d, double dur,
			    struct drift_model f[DRIFT_FAM_N], bool ok[DRIFT_FAM_N], int *best_poly)
{
	int best = -1, bp = -1;
	for (unsigned i = 0; i < DRIFT_FAM_N; i++) {
		ok[i] = drift_model_fit(d, i, dur, &f[i]);
		if (ok[i] && (best < 0 || f[i].crit < f[best].crit))
			best = (int)i;
		if (ok[i] && i < DRIFT_FAM_EXP && (bp < 0 || f[i].crit < f[bp].crit))
			bp = (int)i;
	}
	if (best_poly)
		*best_poly = bp;
	return best;
}

/* The troughs' phase on the sample grid, beside the polynomial f0 (its
 * degree, fitted alone): the drift over the record (e[0]) and what it
 * added to the mean (e[1], the correction) by the same polynomial with
 * each of the troughs' phase bins (DRIFT_NPH, drift_add_period) at a
 * level of its own, as variances: the larger of the squared move from
 * f0's and the variance the bins add (how far the phase follows time:
 * where it does, the troughs cannot tell a pattern of the phase from a
 * drift, and the move is that noisy). At about a whole number of samples
 * a stroke every trough is read at one phase for tenths of a second, a
 * stroke's few samples read the retracted end differently at each phase,
 * and the phase crawls with the speed: the troughs carry a slow pattern
 * that no model of the drift tells from a drift. blind_hunt.py drift 1000
 * 15916 drawn at 8.0026 samples a stroke (the phase from 0.1 to 0.85 of a
 * sample over the first 0.6 s, then 0.6-1.0): the troughs 1.1 um apart
 * between those phases; noiseless and without drift the figure read -1.39
 * um, "detected"; with an exponential drift of 9.70 um, +8.34 um, U 0.62
 * (k = 2), -1.36..-2.06 um in 12 redraws of the noise. Where the phase
 * does not follow time (most records) the bins add little and move the
 * drift by noise. 0 where the design is singular or the troughs are too
 * few. */
static void drift_phase_term(const struct drift_sums *d, double dur, const struct drift_model *f0,
			     double e[2])
{
	enum { K = DRIFT_DEG_MAX + DRIFT_NPH };
	unsigned deg = f0->deg, k = deg + 1, col[DRIFT_NPH], m = 0;
	double n = d->t[0], A[K * K] = { 0 }, Y[K], p[K], inv[K * K], sc[DRIFT_DEG_MAX + 1];
	e[0] = e[1] = 0;
	if (!deg || deg > DRIFT_DEG_MAX || !(dur > 0))
		return;
	/* every bin with troughs but the first such: a level of its own */
	for (unsigned j = 0, first = 1; j < DRIFT_NPH; j++)
		if (d->ph_t[j][0] > 0 && !(first && (first = 0, 1)))
			col[m++] = j;
	if (!m || n < (double)(k + m) + 5)
		return;
	num_poly_normal(deg, d->t, d->y, dur, k + m, A, Y);
	sc[0] = 1;
	for (unsigned a = 1; a <= deg; a++)
		sc[a] = sc[a - 1] / dur;
	for (unsigned c = 0; c < m; c++) {
		const double *bt = d->ph_t[col[c]];
		for (unsigned a = 0; a <= deg; a++)
			A[a * (k + m) + k + c] = A[(k + c) * (k + m) + a] = bt[a] * sc[a];
		A[(k + c) * (k + m) + k + c] = bt[0];
		Y[k + c] = d->ph_y[col[c]];
	}
	if (!num_solve_sym(k + m, A, Y, p, inv))
		return;
	double rss = d->yy, g[DRIFT_DEG_MAX + 1], dr = 0, cr = 0, vd = 0, vc = 0;
	for (unsigned a = 0; a < k + m; a++)
		rss -= p[a] * Y[a];
	double s2 = rss > 0 ? rss / (n - k - m) : 0;
	for (unsigned a = 1; a <= deg; a++) {
		g[a] = d->t[a] * sc[a] / n;
		dr += p[a];
		cr += p[a] * g[a];
	}
	for (unsigned a = 1; a <= deg; a++)
		for (unsigned b = 1; b <= deg; b++) {
			vd += s2 * inv[a * (k + m) + b];
			vc += s2 * g[a] * inv[a * (k + m) + b] * g[b];
		}
	double ed = (dr - f0->drift) * (dr - f0->drift), ec = (cr - f0->corr) * (cr - f0->corr);
	double wd = vd - f0->v_drift, wc = vc - f0->v_corr;
	e[0] = ed > wd ? ed : wd > 0 ? wd : 0;
	e[1] = ec > wc ? ec : wc > 0 ? wc : 0;
}

/* The drift figure's form check (drift_fit's *u_form, result_drift), a
 * standard uncertainty: how far the forms the troughs do not tell apart
 * read the drift from the chosen model b (of the family f, ok[i] where
 * fitted), and how far the model's ends lie off the troughs' own there;
 * white is the troughs' white variance. Made only where the caller reads
 * it (result_drift): with the free exponential's search (drift_exp_free)
 * it was two thirds of each drift_fit's instructions. */
static double drift_form_u(const struct drift_sums *d, double dur, const struct drift_model *f,
			   const bool *ok, const struct drift_model *b, double white)
{
	/* A degree more than the family's (DRIFT_DEG_CHECK), its drift's
	 * difference from the chosen model's beyond what noise alone moves
	 * between nested fits, as drift_fit's next degree's. A logistic,
	 * flat at both ends and odd about the middle, is the same under a
	 * cubic and a quartic, so that check saw none of it, and the quartic
	 * bends back at each end: 0.92 of the drift on a noiseless logistic,
	 * -5.49 +- 0.36 um (standard) for -6.45 (blind_hunt.py drift 4000
	 * 10707); 13 of 23 logistics at 4 kHz within 2 u. The quintic reads
	 * 1.02 of it. Not in the family: the correction and its curve stay as
	 * they were (DRIFT_DEG_MAX). */
	struct drift_model f5;
	double u = 0;
	if (drift_poly_fit(d, DRIFT_DEG_CHECK, dur, &f5)) {
		double dd = f5.drift - b->drift, ed = dd * dd - num_abs(f5.v_drift - b->v_drift);
		u = ed > 0 ? sqrt(ed) : 0;
	}
	/* The forms the troughs do not tell apart: the largest difference
	 * of a family model's drift from the chosen one's, among those whose
	 * BIC lies within DRIFT_FORM_DBIC of the least, counted whole (the
	 * larger of it and the quintic's term). At 1 kHz a trough is a few
	 * noisy samples and BIC takes a line or a cubic for a logistic or a
	 * settling exponential: a line reads a logistic's drift 1.26 times
	 * (+8.97 um for +7.54, U 1.40; -6.86 for -5.45, U 0.88), a cubic
	 * 0.74 times (+5.63 for +7.66, U 1.61), the 4-knot spline or the cubic
	 * beside it within 1 um of the truth (blind_hunt.py drift 1000 11006,
	 * 11003, 10904); nested differences beyond noise (the quintic's
	 * above) fall under what noise moves between the fits there. Over
	 * the blind drift draws of blocks 10100-11100 (275 a rate) the figure
	 * was within its U in 266 (1 kHz) and 264 (4 kHz), now 273 and 272;
	 * its mean U 1.53 -> 1.92 um and 1.10 -> 1.31 um. */
	double sp = 0;
	for (unsigned i = 0; i < DRIFT_FAM_N; i++)
		if (ok[i] && f[i].crit - b->crit <= DRIFT_FORM_DBIC &&
		    num_abs(f[i].drift - b->drift) > sp)
			sp = num_abs(f[i].drift - b->drift);
	/* and the settling exponential whose time constant is free
	 * (drift_exp_free), which the family's nine do not follow between
	 * them: tau 1.17 s, BIC took the quadratic, 4.91 um for 5.33, the
	 * exponential of 1 s 12 above it; --drift correct's figure -0.43 um
	 * against U 0.39 (blind_hunt.py drift 4000 12318); the free tau
	 * 5.23 um, 3 above: U 0.69. */
	double fe_crit = 0, fe_drift = 0;
	if (drift_exp_free(d, dur, &fe_crit, &fe_drift) && fe_crit - b->crit <= DRIFT_FORM_DBIC &&
	    num_abs(fe_drift - b->drift) > sp)
		sp = num_abs(fe_drift - b->drift);
	if (sp > u)
		u = sp;
	/* The model's ends against the troughs' own there (drift_end_check):
	 * the figure is the model's change from one end to the other, and a
	 * model that does not follow the troughs at an end moves it whole.
	 * Under a speed's wander a drift folds into the shape where the
	 * sample phase stalls, and the troughs there read off the drift by
	 * up to 0.7 um over a tenth of a second; at the record's end the
	 * quartic followed them half way (blind_hunt.py drift 4000 11404, an
	 * exponential of tau 0.96 s: -5.22 +- 0.46 um, standard, for -6.16;
	 * the same capture without the wander -6.09). Under noise BIC takes a
	 * quadratic for an exponential of tau 1.14 s whose start it misses
	 * (11210: +5.28 +- 0.31 for +5.91; the other forms within 10 of its
	 * BIC read the same): +- 0.49 and +- 0.49 um now. Over the blind
	 * drift draws of blocks 10800-11300 at 4 kHz the figure's mean U grew
	 * 14 % (64 troughs alone: 7 %, both records covered by under 0.02
	 * um; with 16 as well: 27 %). */
	return sqrt(u * u + drift_end_check(d, 0, dur, b->q0, white) +
		    drift_end_check(d, 1, dur, b->q0 + b->drift, white));
}

/* Drift: a polynomial through the strokes' troughs against time, of the
 * degree (1..DRIFT_DEG_MAX) the troughs support, a settling exponential
 * (drift_exp_fit), a natural spline of 4 or 5 knots (drift_spline_fit,
 * since 12-05) or a quarter sine (drift_bin_basis, session 35): the least
 * BIC. The quadratic alone took a thermal drift
 * that settles exponentially, or a logistic one, for a different start:
 * corrected, +2.31 um against U 1.77 (tau 0.37 s, blind_hunt.py drift
 * 4000 2029), and 10 of 30 blind drift records beyond 1 um. Fills the
 * drift over the record and its uncertainty; *corr receives the mean of
 * q(t_k) - q(0) over the strokes (what the drift added to their mean
 * depth, as the zero holds at the start), *corr_avg its mean over the
 * models weighted as in u_corr (--drift correct), *u_corr its standard
 * uncertainty: the fit's, the other models' spread about the chosen one
 * weighted exp(-dAIC / 2) (the choice is BIC's, but at 1 kHz noisy troughs
 * do not tell a settling exponential from a line, and BIC's ln n a
 * parameter weighed exponentials that fit as well 0.06: a drift half
 * exponential, half linear, corrected by the line, read -1.60 um against
 * U 1.46, tests/test_red_captures.sh drift_correct_exp_line_1khz; the
 * drift over the record, which says whether one is seen, keeps BIC's
 * weights), the next degree's difference (the lower one's
 * at DRIFT_DEG_MAX; the best polynomial's when an exponential is chosen)
 * beyond what noise alone moves between nested fits, whatever its weight
 * (a polynomial's error where it is extrapolated to the start: a logistic
 * or exponential that the residuals do not tell from a polynomial read
 * 0.7-1.4 um off with 0.2 um from the fit alone), and the troughs' slow
 * scatter about the model (their residual variance less their white part,
 * from successive differences: a near-commensurate rate or the pen's
 * wander moves the troughs by 1-2 um over tenths of a second, which the
 * start takes as its level). *u_start is how far the first DRIFT_HEAD
 * troughs lie from the model on average, counted whatever its size (at
 * 1 kHz a trough is a few samples and noisy, and a fast exponential (tau
 * 0.58 s, +5.2 um) lay 1.3 standard errors off there, which a 2-error
 * threshold took as none: corrected, +1.71 um against U 1.50), with the
 * start windows' lines (drift_start_check) in quadrature. *u_fit is the
 * drift's standard uncertainty without the troughs' slow scatter; *u_form
 * (may be NULL: not made) the figure's form check (drift_form_u). */
static bool drift_fit(const struct drift_sums *d, double dur, struct measure_stats *out,
		      double *corr, double *corr_avg, double *u_corr, double *u_start, double *span,
		      double *u_fit, double u_doubt[3], double *u_form, struct drift_curve *curve)
{
	struct drift_model f[DRIFT_FAM_N];
	bool ok[DRIFT_FAM_N];
	int best_poly;
	if (d->t[0] < 8 || !(dur > 0))
		return false;
	int best = drift_best_model(d, dur, f, ok, &best_poly);
	if (best < 0)
		return false;
	const struct drift_model *b = &f[best];
	double w_sum = 0, vc = 0, vd = 0, wc_sum = 0, ca = 0;
	double pen = log(d->t[0]) - 2; /* BIC's penalty a parameter less AIC's */
	for (unsigned i = 0; i < DRIFT_FAM_N; i++) {
		if (!ok[i])
			continue;
		double w = exp(-(f[i].crit - b->crit) / 2), dc = f[i].corr - b->corr;
		double dd = f[i].drift - b->drift;
		double wc = exp(-(f[i].crit - b->crit - (drift_params(&f[i]) - drift_params(b)) * pen) / 2);
		w_sum += w;
		wc_sum += wc;
		ca += wc * f[i].corr;
		vc += wc * (f[i].v_corr + dc * dc);
		vd += w * (f[i].v_drift + dd * dd);
	}
	vc /= wc_sum;
	vd /= w_sum;
	*corr_avg = ca / wc_sum;
	int nx = !b->deg ? best_poly : b->deg < DRIFT_DEG_MAX ? (int)b->deg : (int)b->deg - 2;
	if (nx >= 0 && ok[nx] && nx != best) {
		/* beyond what the noise alone moves between nested fits */
		double dc = f[nx].corr - b->corr, dd = f[nx].drift - b->drift;
		double ec = dc * dc - num_abs(f[nx].v_corr - b->v_corr);
		double ed = dd * dd - num_abs(f[nx].v_drift - b->v_drift);
		vc += ec > 0 ? ec : 0;
		vd += ed > 0 ? ed : 0;
	}
	/* the troughs' phase on the sample grid (drift_phase_term), beside
	 * each polynomial whose BIC lies within DRIFT_FORM_DBIC of the
	 * least, the largest: in the drift's U and the correction's, not in
	 * u_fit (whether a drift is seen). Beside the best polynomial alone
	 * 8 and 6 of 15916's 12 redraws were covered (flagged, corrected;
	 * 3 and 3 before), beside each 10 and 10: the bins move a cubic's
	 * drift most where a line's moves little. */
	double e_ph[2] = { 0, 0 };
	for (unsigned i = 0; i < DRIFT_FAM_EXP; i++) {
		double e[2];
		if (!ok[i] || f[i].crit - b->crit > DRIFT_FORM_DBIC)
			continue;
		drift_phase_term(d, dur, &f[i], e);
		e_ph[0] = e[0] > e_ph[0] ? e[0] : e_ph[0];
		e_ph[1] = e[1] > e_ph[1] ? e[1] : e_ph[1];
	}
	double white = d->nd > 0 ? d->dd / (2 * d->nd) : 0;
	double slow = b->s2 > white ? b->s2 - white : 0;
	*corr = b->corr;
	*span = b->span;
	*u_corr = sqrt(vc + e_ph[1] + slow);
	*u_start = sqrt(b->head * b->head + drift_start_check(d, b->q0, white));
	if (curve)
		*curve = b->c;
	out->has_drift = true;
	out->drift_um = b->drift;
	out->drift_u_um = sqrt(vd + e_ph[0] + 2 * slow);
	*u_fit = sqrt(vd);
	/* the form check, where the caller reads it (drift_form_u) */
	if (u_form)
		*u_form = drift_form_u(d, dur, f, ok, b, white);
	/* a line through all the troughs: what it says the drift added,
	 * and its standard uncertainty (u_doubt[0], result_drift); and
	 * (u_doubt[1]) with the line's misfit at the start as well, weighed
	 * by the line's own z from 1 to 2 of its standard uncertainties
	 * (whole beyond 2), counted as the chosen model's is when seen
	 * (u_start): a line's c is its mean less its own start, and a drift
	 * that settles early lies off the line there. mixed 1000 14608: an
	 * exponential of 2.44 um (tau 0.5 s over 2 s, -1.88 um in the mean),
	 * the line's c -0.80, its drift z 3.6, its first troughs 0.97 um off
	 * it; the models' spread kept the drift from being seen: the depth
	 * -2.03 um against U 1.94. A line whose drift is noise (the golden
	 * capture's first troughs 3.3 um off with no drift: -0.21 +- 0.52
	 * um) counts as before. u_doubt[2]: the line's z (its drift's
	 * standard uncertainties from none), by which result_drift tells
	 * whether it shows a trend the period could explain. */
	u_doubt[0] = u_doubt[1] = u_doubt[2] = 0;
	if (ok[0]) {
		double z = f[0].v_drift > 0 ? num_abs(f[0].drift) / sqrt(f[0].v_drift) : 0;
		double w = num_ramp(z, 1, 2);
		double s = w > 0 ? sqrt(f[0].head * f[0].head +
					drift_start_check(d, f[0].q0, white))
				 : 0;
		double c = num_abs(f[0].corr) + w * s;
		u_doubt[0] = sqrt(f[0].corr * f[0].corr + f[0].v_corr);
		u_doubt[1] = sqrt(c * c + f[0].v_corr);
		u_doubt[2] = z;
	}
	return true;
}

/* d0's least-BIC model of the family (*f0) and the same model through
 * d1's points (*f1): two readings of one drift by one form (drift_takein,
 * drift_level_check). False where either does not fit. */
static bool drift_same_model(const struct drift_sums *d0, const struct drift_sums *d1, double dur,
			     struct drift_model *f0, struct drift_model *f1)
{
	struct drift_model f[DRIFT_FAM_N];
	bool ok[DRIFT_FAM_N];
	if (d0->t[0] < 8 || d1->t[0] < 8 || !(dur > 0))
		return false;
	int best = drift_best_model(d0, dur, f, ok, NULL);
	if (best < 0 || !drift_model_fit(d1, (unsigned)best, dur, f1))
		return false;
	*f0 = f[best];
	return true;
}

double drift_takein(const struct drift_sums *d0, const struct drift_sums *d1, double dur)
{
	struct drift_model f0, f1;
	return drift_same_model(d0, d1, dur, &f0, &f1) ? f1.drift - f0.drift : 0;
}

/* The chi-square quantiles of 1..DRIFT_DEG_MAX degrees of freedom at
 * 95.45 %, two standard deviations' share of one. */
static const double drift_chi2_2sd[DRIFT_DEG_MAX] = { 4.00, 6.18, 8.02, 9.72 };

/* One fit of drift_explain_best: the troughs by a polynomial of degree
 * deg in x = t / dur and the first nz of what moves them without a drift
 * (z, drift_add_period) together. True with its BIC (*crit), the time
 * part's Wald statistic (*wald), its change over the record (*drift) and
 * that change's variance (*v_drift); false when the design is singular. */
static bool drift_explain_fit(const struct drift_sums *d, double dur, unsigned deg, unsigned nz,
			      double *crit, double *wald, double *drift, double *v_drift)
{
	enum { K = DRIFT_DEG_MAX + 1 + DRIFT_NZ };
	unsigned k = deg + 1 + nz;
	double n = d->t[0], sc[DRIFT_DEG_MAX + 1], A[K * K], Y[K], p[K], inv[K * K];
	double C[DRIFT_DEG_MAX * DRIFT_DEG_MAX], x[DRIFT_DEG_MAX];
	/* x^0 .. x^deg (num_poly_lsq's), then z_0 .. z_(nz - 1) */
	num_poly_normal(deg, d->t, d->y, dur, k, A, Y);
	sc[0] = 1;
	for (unsigned j = 1; j <= deg; j++)
		sc[j] = sc[j - 1] / dur;
	for (unsigned a = 0; a <= deg; a++)
		for (unsigned j = 0; j < nz; j++)
			A[a * k + deg + 1 + j] = A[(deg + 1 + j) * k + a] = d->z_t[j][a] * sc[a];
	for (unsigned j = 0; j < nz; j++) {
		Y[deg + 1 + j] = d->z_y[j];
		for (unsigned i = 0; i < nz; i++)
			A[(deg + 1 + j) * k + deg + 1 + i] = i <= j ? d->z_z[j][i] : d->z_z[i][j];
	}
	if (!num_solve_sym(k, A, Y, p, inv))
		return false;
	double rss = d->yy;
	for (unsigned a = 0; a < k; a++)
		rss -= p[a] * Y[a];
	double s2 = rss > 0 ? rss / (n - k) : 0;
	/* the time coefficients' covariance, s2 inv over x^1 .. x^deg */
	for (unsigned a = 0; a < deg; a++)
		for (unsigned b = 0; b < deg; b++)
			C[a * deg + b] = s2 * inv[(a + 1) * k + b + 1];
	if (!num_solve_sym(deg, C, p + 1, x, NULL))
		return false;
	*wald = 0;
	for (unsigned a = 0; a < deg; a++)
		*wald += p[a + 1] * x[a];
	*crit = drift_bic(n, rss, k);
	/* the time part's change over the record, q(1) - q(0), and its
	 * variance */
	*drift = *v_drift = 0;
	for (unsigned a = 0; a < deg; a++) {
		*drift += p[a + 1];
		for (unsigned b = 0; b < deg; b++)
			*v_drift += C[a * deg + b];
	}
	return true;
}

/* The troughs by the stroke's period, its phase on the sample grid and
 * its change (z, drift_add_period) and a polynomial in time together, the
 * degree (1..DRIFT_DEG_MAX) of the least BIC (*deg_out): its time part's
 * Wald statistic, change over the record and that change's variance
 * (drift_explain_fit). False when no degree fits (too few troughs, a
 * period that does not vary). */
static bool drift_explain_best(const struct drift_sums *d, double dur, unsigned *deg_out,
			       double *wald, double *drift, double *v_drift)
{
	double n = d->t[0], best_crit = 0;
	unsigned best_deg = 0;
	if (!(d->z_z[0][0] > 0) || !(dur > 0))
		return false;
	for (unsigned deg = 1; deg <= DRIFT_DEG_MAX; deg++) {
		double crit, w, dr, vd;
		if (n < (double)(deg + 1 + DRIFT_NZ) + 5)
			break;
		if (!drift_explain_fit(d, dur, deg, DRIFT_NZ, &crit, &w, &dr, &vd) &&
		    !drift_explain_fit(d, dur, deg, 1, &crit, &w, &dr, &vd))
			continue;
		if (best_deg && crit >= best_crit)
			continue;
		best_deg = deg;
		best_crit = crit;
		*wald = w;
		*drift = dr;
		*v_drift = vd;
	}
	*deg_out = best_deg;
	return best_deg > 0;
}

/* Whether what moves the troughs as read without a drift explains their
 * trend in time: the troughs fitted by the stroke's
 * period, its phase on the sample grid (z, drift_add_period) and a
 * polynomial in time together (drift_explain_best), the time part within 2
 * standard deviations of none (its coefficients' Wald statistic under the
 * chi-square quantile of as many degrees of freedom).
 *
 * The period: the retracted position as read follows the speed where the
 * stroke's timing shapes it: a pad's creep still recovering at the
 * trough, shorter at a higher speed (blind_hunt.py speed 1000 10910, a
 * step to 0.83: the troughs 1.7 um deeper after it, noiseless; none
 * without the pad), and the phase mapped straight through a stroke whose
 * speed changes within it, which puts the retracting flank's samples off
 * the shape (a start-up, no pad: the first strokes' troughs up to 3 um
 * off, speed 1000 10818). Every stroke of the record carries it, with no
 * drift of the readings. Not the time part's change over the record: a
 * chirp's period is a line in time, and a drift's line goes to the
 * period, but its curve does not (a quarter sine of 7.6 um under a chirp
 * of 4.8 %, speed 1000 10822 with a drift added: by the change over the
 * record, within 2 standard uncertainties; by its coefficients, far
 * beyond). A drift that is a line under a chirp is not told from the
 * speed's (10907's logistic, read as one).
 *
 * The sample phase: at a rate near a whole number of samples a stroke
 * the samples fall on each stroke where they fell on the last, and a
 * stroke's trough and peak as read move together with where (a few
 * samples a stroke cannot hold the shape's misfit still); the phase
 * wanders with the speed over tenths of a second, and the troughs with
 * it: a trend in time with no drift (blind_hunt.py ringing 1000 10820,
 * 6.998 samples a stroke, the ring off: troughs and peaks both 1.0 um
 * apart between phases 0.0 and 0.5, "-1.27 um, detected"). One sine and
 * cosine of the phase; the period alone where the four are singular
 * (a phase that does not move).
 *
 * The period's change from the last stroke (z_3): the troughs follow the
 * speed with a lag as well as its level (an exposure's smoothing and a
 * pad's creep respond over the stroke). With the period alone, under a
 * chirp of -2.1 % (blind_hunt.py speed 4000 10900, 249 us of exposure)
 * the fit traded a period term of -1.7 um against a time part of +1.8
 * (Wald 26): a drift detected where the troughs moved 0.19 um with none.
 * False when the fit cannot tell (too few troughs, a period that does
 * not vary: the design singular). */
static bool drift_period_explains(const struct drift_sums *d, double dur)
{
	unsigned deg;
	double w, dr, vd;
	return drift_explain_best(d, dur, &deg, &w, &dr, &vd) && w <= drift_chi2_2sd[deg - 1];
}

/* Whether the troughs' time part fitted beside what moves them without
 * a drift (drift_explain_best: the period, the sample phase, the
 * period's change) denies the figure drift_um its sign, so that
 * "detected" is not said (result_drift), whichever way it was reached
 * (the troughs' trend or the levels). shift is what the figure was moved
 * by after the troughs' fit (the shape's take-in), u_fit the troughs'
 * fit's own standard uncertainty (drift_fit).
 *
 * Opposes: that time part's change over the record, plus shift, runs the
 * other way to the figure. blind_hunt.py drift 1000 22884 (a quarter
 * sine of -5.79 um, 13.002 samples a stroke, the sample phase wandering
 * over 0.56-0.98 of a sample with the pen): the troughs as read 3 um
 * higher at phase 0.95 than at 0.6, the quartic the least BIC through
 * them +1.56 um (u 0.54 without its form term, "detected"; U 13.54 with
 * it), the time part beside the phase's sine and cosine -5.85 +- 0.13;
 * 13 draws of its noise +1.1..+1.9, every one "detected". With the pen's
 * wander at 0.02 % (the draws' least) the strokes' levels said the shape
 * took a drift in: +0.60 um (+2.61 corrected), "detected"; the time part
 * -6.01 +- 0.70.
 *
 * Reads none: that change is within 2 of its standard deviations of
 * none, and the troughs' figure (drift_um less shift) lies beyond 2 of
 * the two's standard deviations together from it: the time part could
 * have seen the figure's trend and did not (where its deviation is large,
 * the time part cannot tell, and the troughs' trend stands: a drift's
 * line goes to the period under a chirp, speed 1000 10822 with a drift
 * of +7.59 um: +3.1 +- 12.0 for the troughs' +6.1). The same 22884
 * drawn without drift (drift_um=0): the quartic +7.16 um (u 0.52) and the
 * take-in +1.46, "+8.62, detected" flagged; the time part beside the
 * phase +0.21 +- 0.13 (its coefficients' Wald 6.6 against 6.2 for two:
 * "not explained"). 12 draws of its noise read that part +0.11 on average
 * (sd 0.15); 3 said "detected", 2 of them with that part within 2
 * deviations of none. False when the fit cannot tell
 * (drift_explain_best). */
static bool drift_explain_denies(const struct drift_sums *d, double dur, double drift_um,
				 double shift, double u_fit)
{
	unsigned deg;
	double w, dr, vd;
	if (!drift_explain_best(d, dur, &deg, &w, &dr, &vd))
		return false;
	if ((dr + shift) * drift_um < 0)
		return true;
	double gap = drift_um - shift - dr;
	return dr * dr <= 4 * vd && gap * gap > 4 * (u_fit * u_fit + vd);
}

/* The drift figure's speed term (result_drift), a variance: how far the
 * polynomial in time's change over the record moves when what moves the
 * troughs without a drift (the period, the sample phase, the period's
 * change: drift_explain_best) is fitted beside it, at that fit's degree,
 * beyond twice the standard deviation noise alone moves it between the
 * nested fits (sqrt(|v1 - v0|)), squared; 0 where they agree within that
 * or the design is singular (a speed that holds). Beyond once, as the
 * next degree's term: under a chirp the period is a line in time and
 * the time part's line is noise, its change 6.3 +- 3.0 um against the
 * line's -0.02 +- 0.19 with none drawn (speed 4000 22972, a chirp of
 * -2.85 %): U 0.81 -> 11.14 um; beyond twice, 0.81. A pad
 * whose creep still recovers at the trough puts the troughs deeper after
 * a speed step, with no drift of the readings: blind_hunt.py speed 4000
 * 21846 (a step to 0.78 at 0.54 s onto a pad, none drawn) read the drift
 * +0.91 um, U 0.78 (k = 2), +1.21 +- 0.24 um over 13 draws of its noise
 * (ring_redraw.py), 9 within U; the line through the troughs +1.58 um, the
 * same line beside the period -0.18 +- 0.27: U 2.71 (flagged; corrected
 * 2.82), 12 and 13 of the 13 within U. Where the speed holds
 * the two fits read the same (the blind drift draws: within 0.03 um). */
static double drift_speed_var(const struct drift_sums *d, double dur)
{
	unsigned deg;
	double w, dr, vd;
	struct drift_model f;
	if (!drift_explain_best(d, dur, &deg, &w, &dr, &vd) || !drift_poly_fit(d, deg, dur, &f))
		return 0;
	double ex = num_abs(dr - f.drift) - 2 * sqrt(num_abs(vd - f.v_drift));
	return ex > 0 ? ex * ex : 0;
}

/* The drift figure's doubt where the speed explains the troughs' trend
 * (result_drift), a variance: where the time part fitted beside the
 * period, the sample phase and the period's change is within 2 standard
 * deviations of none (drift_period_explains: the detection says "not
 * detected"), the trend may be the speed's and not a drift of the
 * readings, and the figure may be none: |fig_um| a rectangular
 * half-width. drift_speed_var counts the gap between the two fits beyond
 * twice its noise, which at 1 kHz is seldom: blind_hunt.py speed 1000
 * 22883 (a step to 0.67 onto a pad, none drawn; session 46) read the
 * figure +0.71 um, U 0.65, the line through the troughs +0.71 +- 0.26,
 * the time part beside the period +0.24 +- 0.59 (Wald 0.16): nothing;
 * 60 draws of its noise (ring_redraw.py) +0.60 um on average (se 0.05),
 * 56 within U. The gap alone as the half-width took 57: the time part's
 * noise is the gap's. Now U 1.04; 60 of 60, mean U 1.72 -> 1.89. A drift
 * the detection sees is untouched (the period does not explain it); under
 * a chirp with none drawn the figure is small (speed 4000 22972: -0.02
 * um). 0 where the design is singular (a speed that holds). */
static double drift_speed_doubt(const struct drift_sums *d, double dur, double fig_um)
{
	return drift_period_explains(d, dur) ? fig_um * fig_um / 3 : 0;
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
 * largest change is a standard uncertainty (0 otherwise).
 *
 * Beside the speed's change across each stroke (z, level_speed_change): a
 * stroke whose speed changes within it spends longer at the phases it
 * passes slowly, and its level over the period is a time mean, not the
 * shape's mean over its phase. A start-up from 47 % onto a pad at 4 kHz
 * (blind_hunt.py speed 4000 19232, no drift) had its first stroke's level
 * 13.3 um off, settling with the speed, about 90 um per unit of z: once
 * the bent phase measured those strokes (session 42) the quadratic read a
 * range of 5.46 um, a drift not detected, and the depth's U went 0.70 ->
 * 10.83 um (each stroke's 9.5). With z: no range, U 0.84. The quadratic
 * alone where z leaves the design singular (a record whose speed holds,
 * its z all 0). */
double drift_level_range(const struct level_sums *s, double dur, double *b)
{
	double n = s->t[0], A[16], Y[4], p[4], inv[16], rss = s->yy;
	unsigned k = 4;
	if (b)
		*b = 0;
	if (n < 8)
		return 0;
	/* t^0 .. t^2 (num_poly_lsq's, in seconds), then z: without it where
	 * the design is singular (no speed change in the record) */
	num_poly_normal(2, s->t, s->y, 1, k, A, Y);
	for (unsigned a = 0; a < 3; a++)
		A[a * k + 3] = A[3 * k + a] = s->z_t[a];
	A[15] = s->zz;
	Y[3] = s->z_y;
	if (!(n >= 9 && s->zz > 0 && num_solve_sym(k, A, Y, p, inv))) {
		k = 3;
		if (!num_poly_lsq(2, s->t, s->y, s->yy, 1, p, inv, &rss))
			return 0;
	} else {
		for (unsigned a = 0; a < k; a++)
			rss -= p[a] * Y[a];
	}
	double s2 = rss > 0 ? rss / (n - k) : 0;
	if (b)
		*b = k == 4 && p[3] * p[3] > 4 * s2 * inv[15] ? p[3] : 0;
	double e[3] = { 0, dur, dur * dur }, ve = 0;
	for (unsigned a = 0; a < 3; a++)
		for (unsigned c = 0; c < 3; c++)
			ve += e[a] * inv[a * k + c] * e[c];
	double d = p[1] * dur + p[2] * dur * dur;
	if (num_abs(d) <= 1.0 || d * d <= 16 * s2 * ve)
		return 0;
	double range = num_abs(d);
	double tv = p[2] != 0 ? -p[1] / (2 * p[2]) : -1; /* the quadratic's vertex */
	if (tv > 0 && tv < dur && num_abs(p[1] * tv + p[2] * tv * tv) > range)
		range = num_abs(p[1] * tv + p[2] * tv * tv);
	return range;
}

void level_sums_add(struct level_sums *s, double t_s, double y, double z)
{
	num_poly_sums_add(2, s->t, s->y, t_s, y);
	s->yy += y * y;
	double tk = 1;
	for (unsigned a = 0; a < 3; a++, tk *= t_s)
		s->z_t[a] += z * tk;
	s->z_y += z * y;
	s->zz += z * z;
}

double level_speed_change(double p_prev, double p_own, double p_next)
{
	if (!(p_own > 0))
		return 0;
	if (p_prev > 0 && p_next > 0)
		return (p_next - p_prev) / (2 * p_own);
	if (p_next > 0)
		return (p_next - p_own) / p_own;
	return p_prev > 0 ? (p_own - p_prev) / p_own : 0;
}

/* --drift correct: what the drift added to the strokes' mean, from the
 * troughs (c_y, its standard uncertainty u_y: drift_fit's corr_avg, and
 * u_corr and u_start in quadrature) and from the strokes' mean levels
 * (m->dr_lv, the same fit), weighted by their inverse variances. The
 * correction rests on each one's model extrapolated to the record's
 * start, where the noise of its points counts most: at 1 kHz a trough
 * is a few samples, a level the mean of a whole cycle, and the two
 * measures' noises are apart. Over the blind drift draws of blocks
 * 10100-10900 (blind_hunt.py) the depth's error went 0.594 -> 0.569 um
 * rms at 1 kHz (225 draws), 0.443 -> 0.425 at 4 kHz (100); the troughs
 * alone read 10103 +1.44 um (1 kHz), 10719 -1.08 (4 kHz). The levels
 * also hold the depth (its cycle mean's share): where the two disagree
 * beyond 2 standard uncertainties (a depth that moves, a shape that
 * changes), the troughs alone. The uncertainty stays the troughs' (u_y,
 * result_drift), which the mean's error stays within. */
static double drift_level_corr(const struct measure *m, double dur, double c_y, double u_y)
{
	struct measure_stats st = { 0 };
	double c, c_l, u_c, u_s, span, u_fit, u_doubt[3];
	if (!(u_y > 0) || !drift_fit(&m->dr_lv, dur, &st, &c, &c_l, &u_c, &u_s, &span, &u_fit,
				     u_doubt, NULL, NULL))
		return c_y;
	double v_y = u_y * u_y, v_l = u_c * u_c + u_s * u_s;
	if (!(v_l > 0) || (c_l - c_y) * (c_l - c_y) > 4 * (v_l + v_y))
		return c_y;
	return (c_y / v_y + c_l / v_l) / (1 / v_y + 1 / v_l);
}

/* A model's drift over the record, its variance as drift_u_um counts it
 * without the other models and the form terms: the fit's own and twice
 * the points' slow scatter (their residual variance less their white
 * part, from successive differences; drift_fit). */
static double drift_model_var(const struct drift_sums *d, const struct drift_model *f)
{
	double white = d->nd > 0 ? d->dd / (2 * d->nd) : 0;
	return f->v_drift + 2 * (f->s2 > white ? f->s2 - white : 0);
}

/* --drift correct: the strokes' mean levels (m->dr_lv, as read: they
 * hold the drift whatever the shape took in) fitted by the troughs'
 * model, their drift over the record against the troughs': the
 * difference beyond both fits' variances (drift_model_var), as a
 * variance of the figure (result_drift); 0 where they agree within
 * that. Near commensurate at 1 kHz (12.003 samples a stroke, the pen's
 * wander moving the sample phase) the troughs against the shape folded
 * without the drift showed a trend of +0.97 um with none drawn, the
 * levels +0.07: a line of 5.99 um read 6.95 +- 0.84 um (k = 2), the
 * levels by the same line 6.11 (blind_hunt.py drift 1000 12411). By the
 * levels' own least BIC instead, their form's doubt went in too: 4 kHz
 * 13616's levels read -9.07 by their own model for -7.38 (troughs
 * -7.33), and the figure's U grew 1.54 -> 3.04 um. */
static double drift_level_check(const struct measure *m, double dur)
{
	struct drift_model f0, f1;
	if (!drift_same_model(&m->dr, &m->dr_lv, dur, &f0, &f1))
		return 0;
	double dd = f1.drift - f0.drift;
	double ex = dd * dd - drift_model_var(&m->dr, &f0) - drift_model_var(&m->dr_lv, &f1);
	return ex > 0 ? ex : 0;
}

double result_drift(const struct measure *m, struct measure_stats *out, double *span_stroke,
		    double *u_stroke, struct drift_curve *curve)
{
	/* Drift: corrected (its fit's uncertainty counts), or flagged: what it
	 * added to the mean is in the mean, not corrected, so it counts whole
	 * (a rectangular half-width, c^2/3, covered at most 1.15 |c| at k = 2:
	 * an exponential 8 um thermal drift read 5.4 um off against U 5.2,
	 * tests/test_red_captures.sh). Either way the quadratic's misfit at
	 * the start counts too. */
	double corr, corr_avg, u_corr, u_start, span, u_fit, u_doubt[3], u_form, u_drift = 0, v_level = 0;
	double dur = (double)(m->next_slot - 1 - m->first_slot) / m->cfg.rate_hz;
	*span_stroke = *u_stroke = 0;
	curve->ok = false;
	if (drift_fit(&m->dr, dur, out, &corr, &corr_avg, &u_corr, &u_start, &span, &u_fit,
		      u_doubt, &u_form, curve)) {
		/* the last stroke's level, which no next period follows */
		struct level_sums dl = m->dl;
		if (m->dl_pend.have)
			level_sums_add(&dl, m->dl_pend.t_s, m->dl_pend.level_um,
				       level_speed_change(m->dl_pend.p_prev_s, m->dl_pend.p_own_s, 0));
		double u_fold = drift_level_range(&dl, dur, &out->stroke_level_speed_um);
		out->stroke_level_speed_z0 = dl.t[0] > 0 ? dl.z_t[0] / dl.t[0] : 0;
		out->stroke_level_first = m->dl_first_have;
		out->stroke_level_first_index = m->dl_first_index;
		out->stroke_level_first_z = m->dl_first_z;
		u_start = sqrt(u_start * u_start + u_fold * u_fold);
		/* Seen: beyond 2 standard uncertainties of the fit itself
		 * (until 12-01 of drift_u_um). The troughs' slow scatter about the model (in drift_u_um)
		 * says how far the drift's value may be off, not that there
		 * is none: where a speed ramp took the rate through near-
		 * commensurate points the troughs wandered 0.8 um about the
		 * model, that scatter hid a drift of 2-3 um (1.38 +- 1.25,
		 * 2.24 +- 1.19 um), and what it added to the mean counted
		 * nothing: +1.08 um against U 0.99 (1 kHz), +1.76 against
		 * U 1.33 (4 kHz; tests/test_red_captures.sh
		 * drift_ramp_unseen_*). Flag mode only: drift_curve_fit's
		 * seen (the shape's drift out, --drift correct) is as it
		 * was. */
		bool trend = num_abs(out->drift_um) > 2 * u_fit;
		bool seen = trend || u_fold > 0;
		/* --drift correct: the strokes' mean levels against the
		 * troughs (drift_level_check), before the detection */
		bool correct = m->cfg.gates.drift == MEASURE_DRIFT_CORRECT;
		if (correct)
			v_level = drift_level_check(m, dur);
		/* Reported as the rig's detection (drift_detected): the
		 * figure's U below also holds its form check (u_form), which
		 * says how well the drift's size is known, not whether there
		 * is one; judged by that U, a linear drift of -6.57 um read
		 * -5.00 +- 5.21 um (k = 2) and a logistic one of -5.10 read
		 * -3.42 +- 3.98: "none" (blind_hunt.py drift 1000 2037,
		 * 10318), where the troughs' own trend lay 4.8 and 2.4 of its
		 * standard uncertainties out.
		 * A drift of the readings, not what the speed moves: the
		 * troughs' trend counts only beyond what the stroke's period
		 * explains (drift_period_explains), the levels only where the
		 * rate held over the learning store (LEVELS_STEADY_FRAC, as
		 * learn_drift_out takes them). Said on 34 of 100 speed
		 * records drawn without drift (blind_hunt.py blocks 10800,
		 * 10900), 19 of 50 at 1 kHz; now 2 (4 kHz, a chirp and an
		 * FM of 2 %). The budget keeps seen: at a changing speed the
		 * troughs' trend is the engine's own error whatever moved
		 * them, and it moves the depth too (speed 1000 10818: +1.37
		 * um, U 10.15 with the drift's term, 1.32 without).
		 * --drift correct: a trend the strokes' mean levels do not
		 * share beyond both fits' noise (v_level) is not shown to be
		 * a drift of the readings, and the troughs' trend counts
		 * against it too. Near commensurate the shape's trough bins
		 * are filled at the troughs' own times: a chance trend of
		 * the noise the first pass sees (beyond 2 u) is taken out
		 * of the samples, and the shape folded from them hands it
		 * back to every later pass (learn_drift_out). Drawn without
		 * drift, 1 kHz 12411 (12.003 samples a stroke) read
		 * +0.97 um from the troughs (u_fit 0.24) and +0.07 from
		 * the levels (v_level 0.48 um^2): "detected" until then;
		 * its 40 draws with the noise drawn again read +0.04 +-
		 * 0.15 um in the first pass, none beyond 0.38. */
		bool shown = num_abs(out->drift_um) > 2 * sqrt(u_fit * u_fit + v_level);
		out->drift_detected = (shown && !drift_period_explains(&m->dr, dur)) ||
				      (u_fold > 0 && m->learn_period_range <= LEVELS_STEADY_FRAC);
		if (correct) {
			/* by the models' mean, each weighted as in u_corr
			 * (drift_fit), not the chosen one's alone: at 1 kHz
			 * BIC took a line for an exponential settling over
			 * 1.45 s (7.5 um), which the troughs do not tell
			 * apart, and its correction lay 0.84 um short of the
			 * true mean drift, the depth -1.26 um off (U 3.14;
			 * blind_hunt.py drift 1000 9923); the mean: 0.17 um,
			 * the depth -0.58 um.
			 * u_corr, the spread about the chosen model, holds
			 * that shift. Each stroke's correction moves with it
			 * (curve->shift_um), so that their mean stays the
			 * mean depth. */
			u_drift = sqrt(u_corr * u_corr + u_start * u_start);
			double c = drift_level_corr(m, dur, corr_avg, u_drift);
			out->depth_mean_um -= c;
			curve->shift_um = c - corr;
			out->drift_corrected = true;
		} else if (seen) {
			/* a drift the troughs show (beyond 2 standard
			 * uncertainties): what it added, by the chosen
			 * model, and at least what a line through all the
			 * troughs says it added (u_doubt, as when it is not
			 * seen). At 1 kHz the troughs hardly tell the models
			 * apart: a linear drift of +2.13 um (-1.06 um in the
			 * mean) was taken for a model whose mean added
			 * -0.39 +- 0.41 um, the line's -1.2; with the pad's
			 * top read 1 um low the depth was -2.50 um off
			 * against U 2.17 (blind_hunt.py mixed 1000 10301). */
			double c = num_abs(corr) + u_start;
			u_drift = sqrt(c * c + u_corr * u_corr);
			if (u_doubt[0] > u_drift)
				u_drift = u_doubt[0];
		} else {
			/* Not seen: what a line through all the troughs
			 * says the drift added, and that figure's standard
			 * uncertainty, sqrt(c^2 + u_c^2) (u_doubt,
			 * drift_fit): the mean holds the drift uncorrected,
			 * seen or not. At first nothing; then (z - 1)
			 * of it (f14c52b) for a line z = 1 to 2 of its
			 * standard uncertainties out, none below 1. At 1 kHz
			 * a trough is a few samples with the noise grown
			 * towards the retracted end (4.8-6.2 um a trough),
			 * a line's drift reads +-0.9-1.2 um, and a drift
			 * of -1.9 um (half settling, half linear) read
			 * -0.57 to -0.98, z 0.6-0.8: its -1.08 um in the
			 * mean counted nothing, -1.57 um against U 0.81,
			 * 10 of 40 draws of that pen outside U; now 2
			 * (tests/test_red_captures.sh
			 * drift_unseen_line_1khz). The line, not the
			 * chosen model: with no drift, a start the first
			 * troughs show 3.3 um off (the golden capture) made
			 * a fast exponential of 3.5 +- 2.6 um, c 3.3, which
			 * the line (-0.21 +- 0.52) does not take for a
			 * drift over the record. And the line's misfit at
			 * its start, where the line's drift stands out
			 * (u_doubt[1], drift_fit), unless the stroke's
			 * period explains the troughs' trend: a speed change
			 * moves the troughs without a drift of the readings
			 * (a start-up's first troughs off a line through
			 * all: speed 4000 14920, U 1.45 -> 11.95 um with it,
			 * the depth +0.01 um off): where the line shows a
			 * trend (its z 2 or more; 14920's 2.9). A trend not
			 * significant to start with the period "explains"
			 * nearly always (session 47, docs/measurement.md
			 * "Does the period's gate hold by construction?"),
			 * which says nothing: there the misfit counts by the
			 * line's z (none below 1). mixed 4000 24058: a
			 * logistic of 0.61 um (+0.31 in the mean), the line
			 * +0.35 +- 0.18 um (z 1.97; noiseless +0.63), its
			 * first troughs 0.61 um above it: c 0.17 counted
			 * 0.20 um, the depth +0.72 um against U 0.71; with
			 * the misfit 0.78, U 1.67. */
			bool gate = u_doubt[2] >= 2 && drift_period_explains(&m->dr, dur);
			u_drift = gate ? u_doubt[0] : u_doubt[1];
		}
		if (m->cfg.gates.drift == MEASURE_DRIFT_CORRECT || seen) {
			/* a single stroke is not corrected: it carries the
			 * drift at its own time, up to the largest excursion
			 * (whole: the extreme stroke may lie where it is) */
			*span_stroke = span;
			*u_stroke = sqrt(u_start * u_start + out->drift_u_um * out->drift_u_um);
		}
		/* the drift over the record: the form check (drift_fit) and,
		 * --drift correct, the levels' figure against it
		 * (drift_level_corr); after the stroke's term and
		 * drift_curve_fit's seen, which stay as they were */
		/* The levels' figure counts in U only where the rate held
		 * over the learning store (LEVELS_STEADY_FRAC, as the
		 * detection and learn_drift_out take the levels): through a
		 * start-up a stroke's mean level stands off its shape's by
		 * the speed's change across it (drift_level_range), and the
		 * levels' drift over the record lay 11 um from the troughs'
		 * with none drawn: U 22.47 um for an error of -1.66
		 * (blind_hunt.py speed 4000 19232, --drift correct; flagged
		 * U 3.34). The detection above still reads it: a trend the
		 * levels do not share is not shown (dropped there too, a
		 * speed record's +0.79 um read "detected", 1 kHz 21820). */
		if (m->learn_period_range > LEVELS_STEADY_FRAC)
			v_level = 0;
		/* and what the speed's change explains of the troughs' trend
		 * (drift_speed_var): the figure is a drift of the readings */
		double v_speed = drift_speed_var(&m->dr, dur);
		/* and, where the speed explains that trend, the figure may
		 * be the speed's (drift_speed_doubt), whichever is larger */
		double v_doubt = drift_speed_doubt(&m->dr, dur, out->drift_um);
		v_speed = v_doubt > v_speed ? v_doubt : v_speed;
		out->drift_u_um = sqrt(out->drift_u_um * out->drift_u_um + u_form * u_form + v_level +
				       v_speed);
		/* flag mode: what the shape took in of the drift (learn.c,
		 * learn_drift_takein). Where the learning store is the
		 * record, the figure as the troughs against the shape folded
		 * without the drift read it: over the blind drift draws of
		 * blocks 10800 and 10900 at 4 kHz (50) the figure's error
		 * went 0.407 -> 0.235 um rms, its mean toward the drift's
		 * sign -0.256 -> -0.041 um. That shape still took in its
		 * share of what the first curve missed, ti^2 / |drift|; it
		 * counts. A longer record's figure rests on troughs after
		 * the store as well, against the shape that took the drift
		 * in at its own times: the store's take-in counts whole in
		 * its U, the figure stays. --drift correct's shape holds
		 * none (0). */
		double ti = m->drift_takein_um, v_ti = ti * ti;
		if (ti != 0 && m->drift_takein_whole) {
			out->drift_um += ti;
			v_ti = num_abs(out->drift_um) > 0 ? v_ti * v_ti / (out->drift_um * out->drift_um) : 0;
		}
		out->drift_u_um = sqrt(out->drift_u_um * out->drift_u_um + v_ti);
		/* not "detected" where the time part beside the phase denies
		 * the figure its sign (drift_explain_denies) */
		if (out->drift_detected &&
		    drift_explain_denies(&m->dr, dur, out->drift_um,
					 ti != 0 && m->drift_takein_whole ? ti : 0, u_fit))
			out->drift_detected = false;
	}
	return u_drift;
}

bool drift_curve_fit(const struct drift_sums *d, double dur, struct drift_curve *c, bool *seen)
{
	struct measure_stats st = { 0 };
	double corr, corr_avg, u_corr, u_start, span, u_fit, u_doubt[3];
	c->ok = false;
	if (!drift_fit(d, dur, &st, &corr, &corr_avg, &u_corr, &u_start, &span, &u_fit, u_doubt,
		       NULL, c))
		return false;
	*seen = num_abs(st.drift_um) > 2 * st.drift_u_um;
	return c->ok;
}

double drift_at(const struct drift_curve *c, double t_s)
{
	if (!c->ok)
		return 0;
	if (c->sine)
		return drift_spline_at(c->p, 2, c->sine, t_s / c->dur);
	if (c->knots)
		return drift_spline_at(c->p, c->knots, 0, t_s / c->dur);
	if (c->deg == 0)
		return c->p[0] + c->p[1] * exp(-t_s / c->tau_s);
	double x = t_s / c->dur, q = 0;
	for (unsigned i = c->deg + 1; i-- > 0;)
		q = q * x + c->p[i];
	return q;
}

double drift_taken(const struct measure *m, double t_s)
{
	if (!m->fold_drift.ok)
		return 0;
	double t = t_s < m->fold_t0_s ? m->fold_t0_s : t_s > m->fold_t1_s ? m->fold_t1_s : t_s;
	return drift_at(&m->fold_drift, t) - m->fold_q0_um;
}

double drift_curve_var(const struct drift_sums *d, const struct drift_curve *c, double *cov)
{
	double n = d->t[0], m1 = 0, m2 = 0, mx = 0;
	*cov = 0;
	if (!c->ok || n < 2)
		return 0;
	if (c->knots || c->sine) {
		/* a spline or a sine: over the troughs' bins, each at its mean time */
		for (unsigned b = 0; b <= d->b_at && b < DRIFT_BINS; b++) {
			if (!(d->b_n[b] > 0))
				continue;
			double q = drift_at(c, d->b_t[b] / d->b_n[b]) - c->p[0];
			m1 += d->b_n[b] * q / n;
			m2 += d->b_n[b] * q * q / n;
			mx += d->b_x[b] * q / n;
		}
	} else if (c->deg == 0) {
		/* c exp(-t / tau_j): the sums of e and e^2 of its tau */
		for (unsigned j = 0; j < DRIFT_NTAU; j++)
			if (drift_tau_s(j) == c->tau_s) {
				m1 = c->p[1] * d->e[j] / n;
				m2 = c->p[1] * c->p[1] * d->ee[j] / n;
				mx = c->p[1] * d->xe[j] / n;
			}
	} else {
		/* the level p[0] moves nothing; x^i = t^i / dur^i */
		double sc[2 * DRIFT_DEG_MAX + 1];
		sc[0] = 1;
		for (unsigned i = 1; i <= 2 * c->deg; i++)
			sc[i] = sc[i - 1] / c->dur;
		for (unsigned i = 1; i <= c->deg; i++) {
			m1 += c->p[i] * d->t[i] * sc[i] / n;
			mx += c->p[i] * d->xt[i] * sc[i] / n;
			for (unsigned j = 1; j <= c->deg; j++)
				m2 += c->p[i] * c->p[j] * d->t[i + j] * sc[i + j] / n;
		}
	}
	*cov = (mx - d->xt[0] / n * m1) * n / (n - 1);
	double v = (m2 - m1 * m1) * n / (n - 1);
	return v > 0 ? v : 0;
}
