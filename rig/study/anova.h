/* anova.h - a crossed gauge R&R study by the ANOVA method (AIAG MSA, 4th
 * ed., chapter III-B): N parts x K operators x R repeats of one
 * characteristic, balanced, no cell missing.
 *
 * Pure arithmetic on a caller-owned array; nothing is allocated. The
 * result holds the ANOVA table, the variance components with approximate
 * standard errors, %GRR against the tolerance and against the total
 * variation, the number of distinct categories and the MSA verdict.
 */
#ifndef RIG_STUDY_ANOVA_H
#define RIG_STUDY_ANOVA_H

#include <stdbool.h>
#include <stddef.h>

/* AIAG: the interaction is pooled into repeatability when its F test is
 * not significant at this level. */
#define GRR_POOL_ALPHA 0.25
#ifndef GRR_SIGMAS
#define GRR_SIGMAS 6.0         /* study variation: 6 standard deviations */
#define GRR_GOOD_PCT 10.0      /* %GRR below: acceptable */
#define GRR_MARGINAL_PCT 30.0  /* above: unacceptable; between: conditional */
#endif
#define GRR_MIN_NDC 5          /* distinct categories a gauge must resolve */

enum grr_verdict {
	GRR_ACCEPTABLE,
	GRR_CONDITIONAL,
	GRR_UNACCEPTABLE,
	GRR_NOT_COMPUTED,      /* too few parts, operators or repeats; a cell missing */
};

/* One row of the ANOVA table. */
struct anova_row {
	double ss, df, ms, f, p; /* f and p NaN where there is no test */
};

struct grr_anova {
	size_t parts, operators, repeats;
	struct anova_row part, oper, inter, repeat, total;
	bool pooled;           /* interaction pooled into repeatability */
	double grand_mean;
	/* Variance components (negative estimates set to 0) and their
	 * approximate standard errors (from Var(MS) = 2 E[MS]^2 / df). */
	double var_repeat, var_oper, var_inter, var_part;
	double se_repeat, se_oper, se_inter, se_part;
	/* Standard deviations: EV repeatability, AV reproducibility (operator),
	 * INT interaction, GRR = sqrt(EV^2 + AV^2 + INT^2), PV part, TV. */
	double ev, av, inter_sd, grr, pv, tv;
	double tolerance;      /* USL - LSL; NaN: none */
	double pct_grr_tol;    /* 100 * 6 GRR / tolerance */
	double pct_grr_tv;     /* 100 * GRR / TV */
	double ndc;            /* 1.41 PV / GRR (AIAG truncates it to a whole number) */
	enum grr_verdict verdict;
	char why[160];         /* the reason for the verdict, for people */
};

/* y[(part * operators + op) * repeats + rep]. Needs parts >= 2, operators
 * >= 1, repeats >= 2 and every value finite; otherwise GRR_NOT_COMPUTED
 * with the reason in why. With one operator there is no reproducibility
 * term (a repeatability study of several parts). */
void grr_anova(const double *y, size_t parts, size_t operators, size_t repeats,
	       double tolerance, struct grr_anova *a);

/* Upper tail of Fisher's F distribution: P(F(d1, d2) > f). */
double f_dist_upper(double f, double d1, double d2);

const char *grr_verdict_name(enum grr_verdict v);

#endif
