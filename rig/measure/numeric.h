/* numeric.h - small numeric kernels of the stroke engine: the one 3x3
 * symmetric solver and a small positive definite one, the one polynomial
 * least-squares fit (from power sums), a quadratic through three points,
 * a symmetric pentadiagonal (band) solver, a qsort comparison for
 * doubles, the one median (sorting in place), the one weight ramp, and
 * running sums two at a time from powers built in pairs (num_sum2).
 *
 * Pure functions: no state, no allocation; the caller owns every array.
 */
#ifndef RIG_MEASURE_NUMERIC_H
#define RIG_MEASURE_NUMERIC_H

#include <stdbool.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Solve the symmetric 3x3 system A p = y. Returns false when A is singular
 * or nearly so: |det A| <= 1e-9 x A00 A11 A22. That test is invariant under
 * a scaling of the unknowns (det / product of the diagonal is the
 * determinant of the correlation matrix), so it means the same whatever
 * the units of the columns. inv (may be NULL) receives A^-1. */
bool num_solve3_sym(const double A[3][3], const double y[3], double p[3], double inv[3][3]);

/* Solve the symmetric positive definite n x n system A p = y (A row-major,
 * n <= NUM_SYM_MAX) by Cholesky. Returns false when a pivot falls to
 * 1e-12 of its diagonal or below (nearly singular, whatever the units of
 * the columns). inv (may be NULL) receives A^-1, row-major. */
#define NUM_SYM_MAX 14 /* edge.c: a cubic, three open-stroke terms, the offset, six amplitudes */
bool num_solve_sym(unsigned n, const double *A, const double *y, double *p, double *inv);
/* num_solve_sym's factor: L (lower triangle) with L L' = A; false as
 * num_solve_sym. num_chol_fwd solves L x = b, num_chol_back L' x = b
 * (x may be b: each reads b[i] before it writes x[i]). */
bool num_chol(unsigned n, const double *A, double L[NUM_SYM_MAX][NUM_SYM_MAX]);
void num_chol_fwd(unsigned n, const double L[NUM_SYM_MAX][NUM_SYM_MAX], const double *b, double *x);
void num_chol_back(unsigned n, const double L[NUM_SYM_MAX][NUM_SYM_MAX], const double *b, double *x);

/* Least squares of y = sum p[i] x^i (i = 0..deg, deg + 1 <= NUM_SYM_MAX)
 * with x = t / span, from the points' power sums in t: st[j] = sum t^j
 * (j = 0..2 deg), sty[i] = sum y t^i (i = 0..deg), syy = sum y^2 (the
 * record's length as span keeps the normal equations well conditioned;
 * tally.c keeps such sums as strokes come, in constant memory). Solved by num_solve_sym (false
 * when nearly singular). p receives the coefficients in x; inv (may be
 * NULL) the inverse of the normal matrix in x, row-major (deg + 1)^2: the
 * coefficients' covariance over the residual variance; *rss (may be NULL)
 * the residual sum of squares. The one polynomial fit of the drift's
 * troughs, the shape's level check and the strokes' offsets. */
bool num_poly_lsq(unsigned deg, const double *st, const double *sty, double syy, double span,
		  double *p, double *inv, double *rss);
/* num_poly_lsq's normal equations in x = t / span from the power sums:
 * A[i * stride + j] = sum x^(i + j), Y[i] = sum y x^i (i, j = 0..deg,
 * deg + 1 <= NUM_SYM_MAX, stride >= deg + 1), the rest of A and Y untouched: the
 * polynomial's block of a larger design (drift.c's explain fit adds the
 * columns of what moves the troughs beside it). */
void num_poly_normal(unsigned deg, const double *st, const double *sty, double span,
		     unsigned stride, double *A, double *Y);
/* Add the point (t, y) to the power sums of a fit of degree deg. */
void num_poly_sums_add(unsigned deg, double *st, double *sty, double t, double y);

/* Quadratic through (a,ya) (b,yb) (c,yc) as y0 + y1 s + y2 s^2. */
void num_quad3(double a, double ya, double b, double yb, double c, double yc, double *y0,
	       double *y1, double *y2);

/* Solve the symmetric band system (diagonal A0, A1[k] = A[k][k+1],
 * A2[k] = A[k][k+2]) of size n in place by LDL^T: b receives x. */
void num_band_solve(uint32_t n, double *A0, double *A1, double *A2, double *b);

/* The standard normal quantile z with P(Z > z) = p (0 < p <= 0.5), to
 * 4.5e-4 (Abramowitz and Stegun 26.2.23). */
double num_norm_upper(double p);

/* qsort comparison of two doubles, ascending. */
int num_cmp_double(const void *a, const void *b);

/* The median of x[0..n) (n > 0, no NaN), sorting x in place, ascending
 * (a caller that keeps its order passes a copy): the middle value for an
 * odd n; for an even n the upper of the two middle ones, or their mean
 * when mean2 is set. The one median of the stroke engine. */
static inline double num_median(double *x, size_t n, bool mean2)
{
	/* up to 8 values by insertion: qsort's call a comparison costs more
	 * than the sort itself for the five periods around a stroke
	 * (learn.c), taken for every stroke */
	if (n > 8) {
		qsort(x, n, sizeof x[0], num_cmp_double);
	} else {
		for (size_t i = 1; i < n; i++) {
			double v = x[i];
			size_t j = i;
			for (; j > 0 && x[j - 1] > v; j--)
				x[j] = x[j - 1];
			x[j] = v;
		}
	}
	return mean2 && n % 2 == 0 ? (x[n / 2 - 1] + x[n / 2]) / 2 : x[n / 2];
}

/* The upper tail P(F > f) of Fisher's F distribution with d1 and d2
 * degrees of freedom (the regularised incomplete beta function); 1 for
 * f <= 0, NAN for a non-finite f or a degree of freedom not above 0. */
double num_f_upper(double f, double d1, double d2);

/* a < 0 ? -a : a to the bit (-0 and NaN as they are), without a branch:
 * the sign of a residual is the noise's draw, and as a ?: gcc branched on
 * it (shape.c's fold, 45k mispredicts of 128k on the 1-minute bench
 * capture in cachegrind's branch simulation). Negation flips the sign
 * bit. */
static inline double num_abs(double a)
{
	uint64_t u, neg = -(uint64_t)(a < 0);
	memcpy(&u, &a, sizeof u);
	u ^= neg & UINT64_C(0x8000000000000000);
	memcpy(&a, &u, sizeof a);
	return a;
}

/* a itself, which the compiler cannot see through (its bits pass an
 * empty asm in an integer register): a comparison with it is not one
 * with a, so two selects stay two selects, not one branch (detect.c's
 * median of three). Costs two moves. */
static inline double num_opaque(double a)
{
	uint64_t u;
	memcpy(&u, &a, sizeof u);
	__asm__("" : "+r"(u));
	memcpy(&a, &u, sizeof a);
	return a;
}

/* The weight ramp of a significance z: (z - from) / (full - from) held to
 * 0..1 (nothing up to from, all of it from full on; full > from), and 0
 * for a NaN z. The one ramp of the stroke engine's shares (result.c's
 * misfits, ring.c's doubts, shape.c's top terms). The expression is the
 * callers' own, in their order, so their figures stay bit for bit. */
static inline double num_ramp(double z, double from, double full)
{
	double w = (z - from) / (full - from);
	return w > 0 ? (w < 1 ? w : 1) : 0;
}

/* A standard uncertainty u with a rectangular doubt of half-width half
 * added in quadrature (GUM 4.3.7: half / sqrt 3). */
static inline double num_rect_add(double u, double half)
{
	return sqrt(u * u + half * half / 3);
}

/* Running sums two at a time (GCC's vector extensions: SSE2 on amd64, NEON
 * on arm64, two scalar adds where the target has none). Each lane is added
 * alone: a sum's bits are those of a scalar sum. num_powers2 builds t^0,
 * t^1, ... t^(2 n - 1) in pairs, each power the last one times t (the
 * chain of a scalar loop, so the same bits), in registers: the
 * vectorizer had stored a loop's powers one by one on the stack and read
 * them back two at a time, and a load that spans two stores waits until
 * both have left the store buffer (drift.c's sums, docs/measurement.md,
 * "Throughput and memory"). */
typedef double num_sum2 __attribute__((vector_size(16)));

static inline void num_powers2(double t, unsigned n, num_sum2 *tk)
{
	double p = 1;
	for (unsigned i = 0; i < n; i++) {
		double q = p * t;
		tk[i] = (num_sum2){ p, q };
		p = q * t;
	}
}

/* s[k] += v_k for k = 0..n-1, v_k lane k % 2 of v[k / 2] */
static inline void num_sums_add2(double *s, const num_sum2 *v, unsigned n)
{
	unsigned k = 0;
	for (; k + 1 < n; k += 2) {
		num_sum2 a;
		memcpy(&a, s + k, sizeof a);
		a += v[k / 2];
		memcpy(s + k, &a, sizeof a);
	}
	if (k < n)
		s[k] += v[k / 2][0];
}

/* s[k] += c v_k, the same */
static inline void num_sums_addc2(double *s, const num_sum2 *v, unsigned n, double c)
{
	num_sum2 c2 = { c, c };
	unsigned k = 0;
	for (; k + 1 < n; k += 2) {
		num_sum2 a;
		memcpy(&a, s + k, sizeof a);
		a += c2 * v[k / 2];
		memcpy(s + k, &a, sizeof a);
	}
	if (k < n)
		s[k] += c * v[k / 2][0];
}

#endif
