/* numeric.c - the numeric kernels of the stroke engine (numeric.h). */
#include "measure/numeric.h"

#include <math.h>

bool num_solve3_sym(const double A[3][3], const double y[3], double p[3], double inv[3][3])
{
	double c00 = A[1][1] * A[2][2] - A[1][2] * A[2][1];
	double c01 = A[1][2] * A[2][0] - A[1][0] * A[2][2];
	double c02 = A[1][0] * A[2][1] - A[1][1] * A[2][0];
	double det = A[0][0] * c00 + A[0][1] * c01 + A[0][2] * c02;
	double scale = A[0][0] * A[1][1] * A[2][2];
	if (!(num_abs(det) > 1e-9 * scale))
		return false;
	/* The adjugate's other entries in registers, the quotients two at a
	 * time (num_sum2; each lane divided alone, the bits of a scalar
	 * division): as an array on the stack, the vectorizer read them
	 * back two at a time from single stores (store forwarding fails). */
	double a01 = A[0][2] * A[2][1] - A[0][1] * A[2][2];
	double a02 = A[0][1] * A[1][2] - A[0][2] * A[1][1];
	double a11 = A[0][0] * A[2][2] - A[0][2] * A[2][0];
	double a12 = A[0][2] * A[1][0] - A[0][0] * A[1][2];
	double a21 = A[0][1] * A[2][0] - A[0][0] * A[2][1];
	double a22 = A[0][0] * A[1][1] - A[0][1] * A[1][0];
	num_sum2 d2 = { det, det }, y0 = { y[0], y[0] }, y1 = { y[1], y[1] }, y2 = { y[2], y[2] };
	num_sum2 p01 = ((num_sum2){ c00, c01 } * y0 + (num_sum2){ a01, a11 } * y1 +
			(num_sum2){ a02, a12 } * y2) / d2;
	p[0] = p01[0];
	p[1] = p01[1];
	p[2] = (c02 * y[0] + a21 * y[1] + a22 * y[2]) / det;
	if (inv) {
		num_sum2 q[4] = { (num_sum2){ c00, a01 } / d2, (num_sum2){ a02, c01 } / d2,
				  (num_sum2){ a11, a12 } / d2, (num_sum2){ c02, a21 } / d2 };
		memcpy(inv, q, sizeof q);
		inv[2][2] = a22 / det;
	}
	return true;
}

bool num_chol(unsigned n, const double *A, double L[NUM_SYM_MAX][NUM_SYM_MAX])
{
	if (n == 0 || n > NUM_SYM_MAX)
		return false;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j <= i; j++) {
			double s = A[i * n + j];
			for (unsigned k = 0; k < j; k++)
				s -= L[i][k] * L[j][k];
			if (i == j) {
				if (!(s > 1e-12 * A[i * n + i]))
					return false;
				L[i][i] = sqrt(s);
			} else {
				L[i][j] = s / L[j][j];
			}
		}
	return true;
}

void num_chol_fwd(unsigned n, const double L[NUM_SYM_MAX][NUM_SYM_MAX], const double *b, double *x)
{
	for (unsigned i = 0; i < n; i++) {
		double s = b[i];
		for (unsigned k = 0; k < i; k++)
			s -= L[i][k] * x[k];
		x[i] = s / L[i][i];
	}
}

void num_chol_back(unsigned n, const double L[NUM_SYM_MAX][NUM_SYM_MAX], const double *b, double *x)
{
	for (unsigned i = n; i-- > 0;) {
		double s = b[i];
		for (unsigned k = i + 1; k < n; k++)
			s -= L[k][i] * x[k];
		x[i] = s / L[i][i];
	}
}

bool num_solve_sym(unsigned n, const double *A, const double *y, double *p, double *inv)
{
	double L[NUM_SYM_MAX][NUM_SYM_MAX] = { { 0 } };
	if (!num_chol(n, A, L))
		return false;
	/* A x = b for b = y, then for each unit vector (the inverse) */
	for (unsigned c = 0; c <= n; c++) {
		double x[NUM_SYM_MAX], e[NUM_SYM_MAX];
		if (c == n && !p)
			break;
		if (c < n && !inv)
			continue;
		for (unsigned i = 0; i < n; i++)
			e[i] = c == n ? y[i] : (double)(i == c);
		num_chol_fwd(n, (const double (*)[NUM_SYM_MAX])L, e, x);
		num_chol_back(n, (const double (*)[NUM_SYM_MAX])L, x, x);
		for (unsigned i = 0; i < n; i++) {
			if (c == n)
				p[i] = x[i];
			else
				inv[i * n + c] = x[i];
		}
	}
	return true;
}

void num_poly_normal(unsigned deg, const double *st, const double *sty, double span,
		     unsigned stride, double *A, double *Y)
{
	double sc[2 * NUM_SYM_MAX - 1];
	sc[0] = 1;
	for (unsigned i = 1; i < 2 * deg + 1; i++)
		sc[i] = sc[i - 1] / span;
	for (unsigned i = 0; i <= deg; i++) {
		Y[i] = sty[i] * sc[i];
		for (unsigned j = 0; j <= deg; j++)
			A[i * stride + j] = st[i + j] * sc[i + j];
	}
}

bool num_poly_lsq(unsigned deg, const double *st, const double *sty, double syy, double span,
		  double *p, double *inv, double *rss)
{
	enum { K = NUM_SYM_MAX };
	unsigned k = deg + 1;
	double A[K * K], Y[K];
	if (k > K)
		return false;
	num_poly_normal(deg, st, sty, span, k, A, Y);
	if (!num_solve_sym(k, A, Y, p, inv))
		return false;
	if (rss) {
		*rss = syy;
		for (unsigned i = 0; i < k; i++)
			*rss -= p[i] * Y[i];
	}
	return true;
}

void num_poly_sums_add(unsigned deg, double *st, double *sty, double t, double y)
{
	double tj = 1;
	for (unsigned j = 0; j <= 2 * deg; j++, tj *= t) {
		st[j] += tj;
		if (j <= deg)
			sty[j] += y * tj;
	}
}

void num_quad3(double a, double ya, double b, double yb, double c, double yc, double *y0,
	       double *y1, double *y2)
{
	double d1 = (yb - ya) / (b - a), d1b = (yc - yb) / (c - b);
	double d2 = (d1b - d1) / (c - a);
	*y0 = ya - d1 * a + d2 * a * b;
	*y1 = d1 - d2 * (a + b);
	*y2 = d2;
}

void num_band_solve(uint32_t n, double *A0, double *A1, double *A2, double *b)
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

double num_norm_upper(double p)
{
	double t = sqrt(-2 * log(p));
	return t - (2.515517 + t * (0.802853 + t * 0.010328)) /
			   (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
}

int num_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One step of the modified Lentz method with the term aa: its factor
 * d c, with d and c carried to the next. */
static double lentz_step(double aa, double *d, double *c)
{
	const double tiny = 1e-300;
	*d = 1 + aa * *d;
	if (fabs(*d) < tiny)
		*d = tiny;
	*c = 1 + aa / *c;
	if (fabs(*c) < tiny)
		*c = tiny;
	*d = 1 / *d;
	return *d * *c;
}

/* Continued fraction of the incomplete beta function (modified Lentz):
 * an even and an odd term a step. */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 500; m++) {
		int m2 = 2 * m;
		h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &d, &c);
		double del = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &d, &c);
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* Regularised incomplete beta I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * beta_cf(a, b, x) / a;
	return 1 - exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

double num_f_upper(double f, double d1, double d2)
{
	if (!isfinite(f) || d1 <= 0 || d2 <= 0)
		return NAN;
	if (f <= 0)
		return 1;
	return beta_inc(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}
