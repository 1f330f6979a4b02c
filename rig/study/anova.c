/* anova.c - the ANOVA method of a crossed gauge R&R study.
 *
 * Sums of squares of the two-way crossed model with interaction,
 *   y_ijr = mu + P_i + O_j + (PO)_ij + e_ijr,
 * mean squares, the F test of the interaction (pooled into repeatability
 * when p > 0.25, as AIAG MSA 4th ed. does), and the variance components
 * from the expected mean squares:
 *   E[MS_E] = s2_e,  E[MS_PO] = s2_e + R s2_po,
 *   E[MS_O] = s2_e + R s2_po + N R s2_o,  E[MS_P] = s2_e + R s2_po + K R s2_p.
 */
#include "study/anova.h"

#include "measure/numeric.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double f_dist_upper(double f, double d1, double d2)
{
	return num_f_upper(f, d1, d2);
}

const char *grr_verdict_name(enum grr_verdict v)
{
	switch (v) {
	case GRR_ACCEPTABLE:
		return "acceptable";
	case GRR_CONDITIONAL:
		return "conditional";
	case GRR_UNACCEPTABLE:
		return "unacceptable";
	case GRR_NOT_COMPUTED:
		break;
	}
	return "not computed";
}

static void row(struct anova_row *r, double ss, double df)
{
	r->ss = ss;
	r->df = df;
	r->ms = df > 0 ? ss / df : NAN;
	r->f = r->p = NAN;
}

/* Approximate standard error of (ms1 - ms2) / k from Var(MS) = 2 MS^2 / df. */
static double se_diff(const struct anova_row *a, const struct anova_row *b, double k)
{
	double v = 2 * a->ms * a->ms / a->df;
	if (b)
		v += 2 * b->ms * b->ms / b->df;
	return sqrt(v) / k;
}

static void sums_of_squares(const double *y, size_t n, size_t k, size_t r, struct grr_anova *a)
{
	double pm[n], om[k], cm[n * k];
	double gm = 0;
	memset(pm, 0, sizeof pm);
	memset(om, 0, sizeof om);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < k; j++) {
			double s = 0;
			for (size_t t = 0; t < r; t++)
				s += y[(i * k + j) * r + t];
			cm[i * k + j] = s / r;
			pm[i] += s;
			om[j] += s;
			gm += s;
		}
	gm /= (double)(n * k * r);
	double ssp = 0, sso = 0, sspo = 0, sse = 0;
	for (size_t i = 0; i < n; i++) {
		pm[i] /= (double)(k * r);
		ssp += (pm[i] - gm) * (pm[i] - gm);
	}
	for (size_t j = 0; j < k; j++) {
		om[j] /= (double)(n * r);
		sso += (om[j] - gm) * (om[j] - gm);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < k; j++) {
			double d = cm[i * k + j] - pm[i] - om[j] + gm;
			sspo += d * d;
			for (size_t t = 0; t < r; t++) {
				double e = y[(i * k + j) * r + t] - cm[i * k + j];
				sse += e * e;
			}
		}
	a->grand_mean = gm;
	row(&a->part, ssp * (double)(k * r), (double)(n - 1));
	row(&a->oper, sso * (double)(n * r), (double)(k - 1));
	row(&a->inter, sspo * (double)r, (double)((n - 1) * (k - 1)));
	row(&a->repeat, sse, (double)(n * k * (r - 1)));
	row(&a->total, a->part.ss + a->oper.ss + a->inter.ss + sse, (double)(n * k * r - 1));
}

static void components(struct grr_anova *a)
{
	double n = (double)a->parts, k = (double)a->operators, r = (double)a->repeats;
	bool has_oper = a->operators > 1;
	struct anova_row *err = &a->repeat;
	if (has_oper) {
		a->inter.f = a->inter.ms / a->repeat.ms;
		a->inter.p = f_dist_upper(a->inter.f, a->inter.df, a->repeat.df);
		a->pooled = !(a->inter.p <= GRR_POOL_ALPHA);
	}
	/* The denominator of the part and operator tests, and what the part and
	 * operator mean squares are corrected by. */
	struct anova_row pooled;
	if (has_oper && a->pooled) {
		row(&pooled, a->inter.ss + a->repeat.ss, a->inter.df + a->repeat.df);
		err = &pooled;
	}
	const struct anova_row *base = has_oper && !a->pooled ? &a->inter : err;
	a->part.f = a->part.ms / base->ms;
	a->part.p = f_dist_upper(a->part.f, a->part.df, base->df);
	if (has_oper) {
		a->oper.f = a->oper.ms / base->ms;
		a->oper.p = f_dist_upper(a->oper.f, a->oper.df, base->df);
	}
	a->var_repeat = err->ms;
	a->se_repeat = se_diff(err, NULL, 1);
	a->var_inter = a->se_inter = 0;
	if (has_oper && !a->pooled) {
		a->var_inter = fmax(0, (a->inter.ms - a->repeat.ms) / r);
		a->se_inter = se_diff(&a->inter, &a->repeat, r);
	}
	a->var_oper = a->se_oper = 0;
	if (has_oper) {
		a->var_oper = fmax(0, (a->oper.ms - base->ms) / (n * r));
		a->se_oper = se_diff(&a->oper, base, n * r);
	}
	a->var_part = fmax(0, (a->part.ms - base->ms) / (k * r));
	a->se_part = se_diff(&a->part, base, k * r);
}

static void verdict(struct grr_anova *a)
{
	double worst = fmax(a->pct_grr_tv, isfinite(a->pct_grr_tol) ? a->pct_grr_tol : 0);
	const char *against = isfinite(a->pct_grr_tol) && a->pct_grr_tol >= a->pct_grr_tv
				      ? "the tolerance" : "the total variation";
	if (worst > GRR_MARGINAL_PCT) {
		a->verdict = GRR_UNACCEPTABLE;
		snprintf(a->why, sizeof a->why, "%%GRR %.1f %% of %s is above %.0f %%", worst,
			 against, GRR_MARGINAL_PCT);
	} else if (worst >= GRR_GOOD_PCT) {
		a->verdict = GRR_CONDITIONAL;
		snprintf(a->why, sizeof a->why, "%%GRR %.1f %% of %s is between %.0f and %.0f %%",
			 worst, against, GRR_GOOD_PCT, GRR_MARGINAL_PCT);
	} else if (!(floor(a->ndc) >= GRR_MIN_NDC)) {
		a->verdict = GRR_CONDITIONAL;
		snprintf(a->why, sizeof a->why,
			 "%%GRR %.1f %% is below %.0f %%, but ndc %.0f is below %d: the parts "
			 "do not span enough of the process", worst, GRR_GOOD_PCT, floor(a->ndc),
			 GRR_MIN_NDC);
	} else {
		a->verdict = GRR_ACCEPTABLE;
		snprintf(a->why, sizeof a->why, "%%GRR %.1f %% of %s, ndc %.0f", worst, against,
			 floor(a->ndc));
	}
}

void grr_anova(const double *y, size_t parts, size_t operators, size_t repeats,
	       double tolerance, struct grr_anova *a)
{
	memset(a, 0, sizeof *a);
	a->parts = parts;
	a->operators = operators;
	a->repeats = repeats;
	a->tolerance = tolerance > 0 ? tolerance : NAN;
	a->verdict = GRR_NOT_COMPUTED;
	if (parts < 2 || operators < 1 || repeats < 2) {
		snprintf(a->why, sizeof a->why,
			 "a study needs at least 2 parts, 1 operator and 2 repeats (given %zu, %zu, %zu)",
			 parts, operators, repeats);
		return;
	}
	size_t missing = 0;
	for (size_t i = 0; i < parts * operators * repeats; i++)
		missing += !isfinite(y[i]);
	if (missing) {
		snprintf(a->why, sizeof a->why,
			 "%zu of %zu measurements missing: the balanced ANOVA needs every one",
			 missing, parts * operators * repeats);
		return;
	}
	sums_of_squares(y, parts, operators, repeats, a);
	components(a);
	a->ev = sqrt(a->var_repeat);
	a->av = sqrt(a->var_oper);
	a->inter_sd = sqrt(a->var_inter);
	a->grr = sqrt(a->var_repeat + a->var_oper + a->var_inter);
	a->pv = sqrt(a->var_part);
	a->tv = sqrt(a->grr * a->grr + a->pv * a->pv);
	a->pct_grr_tol = 100.0 * GRR_SIGMAS * a->grr / a->tolerance;
	a->pct_grr_tv = a->tv > 0 ? 100.0 * a->grr / a->tv : NAN;
	a->ndc = a->grr > 0 ? 1.41 * a->pv / a->grr : INFINITY;
	verdict(a);
}
