/* test_anova.c - the gauge R&R ANOVA (rig/study/anova.c): the F tail
 * against printed tables, a data set whose sums of squares are known by
 * construction, agreement with an independent computation written apart
 * (tests/grr_check.py) to 1e-6 relative, and recovery of known variance
 * components over many simulated studies. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "study/anova.h"
#include "support/testutil.h"

START_TEST(test_f_tail_matches_printed_critical_values)
{
	/* F critical values from standard tables (3 significant digits). */
	ck_assert_double_eq_tol(f_dist_upper(3.10, 3, 20), 0.05, 1e-3);
	ck_assert_double_eq_tol(f_dist_upper(5.64, 5, 10), 0.01, 1e-3);
	ck_assert_double_eq_tol(f_dist_upper(4.10, 2, 10), 0.05, 1e-3);
	ck_assert_double_eq_tol(f_dist_upper(1.56, 2, 12), 0.25, 2e-3);
	ck_assert_double_eq(f_dist_upper(0, 2, 12), 1.0);
	ck_assert(f_dist_upper(1e6, 2, 12) < 1e-9);
}
END_TEST

/* y = 10 + part effect + operator effect + repeat pattern (+-d): no
 * interaction, so SS_PO = 0 and every other sum is known by hand. */
START_TEST(test_constructed_data_gives_the_sums_of_squares_by_hand)
{
	const double pe[3] = { -2, 0, 2 }, oe[2] = { -0.5, 0.5 }, d = 0.1;
	double y[3 * 2 * 2];
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			for (int r = 0; r < 2; r++)
				y[(i * 2 + j) * 2 + r] = 10 + pe[i] + oe[j] + (r ? d : -d);
	struct grr_anova a;
	grr_anova(y, 3, 2, 2, 20, &a);
	ck_assert_double_eq_tol(a.grand_mean, 10, 1e-12);
	ck_assert_double_eq_tol(a.part.ss, 4 * (4 + 0 + 4), 1e-9);   /* K R sum pe^2 */
	ck_assert_double_eq_tol(a.oper.ss, 6 * (0.25 + 0.25), 1e-9); /* N R sum oe^2 */
	ck_assert_double_eq_tol(a.inter.ss, 0, 1e-9);
	ck_assert_double_eq_tol(a.repeat.ss, 12 * d * d, 1e-9);
	ck_assert_double_eq_tol(a.total.ss, 32 + 3 + 0.12, 1e-9);
	ck_assert_double_eq(a.repeat.df, 6);
	ck_assert(a.pooled); /* no interaction at all */
	ck_assert_int_ne(a.verdict, GRR_NOT_COMPUTED);
}
END_TEST

START_TEST(test_missing_measurement_is_not_computed_with_the_reason)
{
	double y[2 * 1 * 2] = { 1, 2, NAN, 3 };
	struct grr_anova a;
	grr_anova(y, 2, 1, 2, 10, &a);
	ck_assert_int_eq(a.verdict, GRR_NOT_COMPUTED);
	ck_assert_msg(strstr(a.why, "1 of 4 measurements missing"), "%s", a.why);
	grr_anova(y, 1, 1, 2, 10, &a);
	ck_assert_int_eq(a.verdict, GRR_NOT_COMPUTED);
}
END_TEST

/* A simulated study: parts spread sp, operators so, interaction si,
 * repeatability se. */
static void simulate(double *y, size_t n, size_t k, size_t r, double sp, double so, double si,
		     double se, struct rig_rng *rng)
{
	double P[64], O[16];
	for (size_t i = 0; i < n; i++)
		P[i] = sp * rng_gauss(rng);
	for (size_t j = 0; j < k; j++)
		O[j] = so * rng_gauss(rng);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < k; j++) {
			double c = 1500 + P[i] + O[j] + si * rng_gauss(rng);
			for (size_t t = 0; t < r; t++)
				y[(i * k + j) * r + t] = c + se * rng_gauss(rng);
		}
}

static double rel(double a, double b)
{
	if (a == b)
		return 0;
	return fabs(a - b) / fmax(fabs(a), fabs(b));
}

START_TEST(test_agrees_with_the_independent_python_anova)
{
	char *dir = tu_tmpdir();
	struct rig_rng rng;
	rng_seed(&rng, 11, 0);
	/* cases: pooled, not pooled (strong interaction), one operator */
	const struct { size_t n, k, r; double sp, so, si, se; } cs[] = {
		{ 10, 3, 3, 20, 1, 0, 2 },
		{ 10, 3, 2, 20, 3, 6, 1 },
		{ 5, 1, 4, 10, 0, 0, 1 },
		{ 8, 2, 3, 0.5, 0.2, 0.1, 1 },
	};
	for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
		size_t n = cs[c].n, k = cs[c].k, r = cs[c].r;
		double y[n * k * r];
		simulate(y, n, k, r, cs[c].sp, cs[c].so, cs[c].si, cs[c].se, &rng);
		char path[512];
		snprintf(path, sizeof path, "%s/grr%zu.csv", dir, c);
		FILE *f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "#tolerance=200\npart,operator,repeat,value\n");
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < k; j++)
				for (size_t t = 0; t < r; t++)
					fprintf(f, "P%02zu,O%zu,%zu,%.17g\n", i, j, t + 1, y[(i * k + j) * r + t]);
		fclose(f);
		struct grr_anova a;
		grr_anova(y, n, k, r, 200, &a);
		char cmd[700];
		snprintf(cmd, sizeof cmd, "python3 %s/tests/grr_check.py %s", SRCDIR, path);
		FILE *p = popen(cmd, "r");
		ck_assert_ptr_nonnull(p);
		char line[256];
		int compared = 0;
		while (fgets(line, sizeof line, p)) {
			char key[64];
			double v;
			if (sscanf(line, "%63[^=]=%lf", key, &v) != 2)
				continue;
			const struct { const char *k; double v; double tol; } mine[] = {
				{ "grand_mean", a.grand_mean, 1e-12 }, { "ss_part", a.part.ss, 1e-9 },
				{ "ss_oper", a.oper.ss, 1e-9 }, { "ss_inter", a.inter.ss, 1e-9 },
				{ "ss_repeat", a.repeat.ss, 1e-9 }, { "ss_total", a.total.ss, 1e-9 },
				{ "p_inter", a.inter.p, 1e-6 }, { "f_inter", a.inter.f, 1e-9 },
				{ "pooled", a.pooled, 0 }, { "var_repeat", a.var_repeat, 1e-9 },
				{ "var_oper", a.var_oper, 1e-9 }, { "var_inter", a.var_inter, 1e-9 },
				{ "var_part", a.var_part, 1e-9 }, { "grr", a.grr, 1e-9 }, { "pv", a.pv, 1e-9 },
				{ "tv", a.tv, 1e-9 }, { "pct_grr_tv", a.pct_grr_tv, 1e-9 },
				{ "pct_grr_tol", a.pct_grr_tol, 1e-9 }, { "ndc", a.ndc, 1e-9 },
			};
			for (size_t m = 0; m < sizeof mine / sizeof mine[0]; m++)
				if (strcmp(key, mine[m].k) == 0) {
					/* p-values: the reference integrates numerically; an
					 * absolute 1e-6 on a probability is what it resolves. */
					double d = strcmp(key, "p_inter") == 0 ? fabs(v - mine[m].v)
										 : rel(v, mine[m].v);
					ck_assert_msg(d <= fmax(mine[m].tol, 1e-6),
						      "case %zu %s: rig %.12g, python %.12g", c, key,
						      mine[m].v, v);
					compared++;
				}
		}
		ck_assert_int_eq(pclose(p), 0);
		ck_assert_msg(compared >= (k > 1 ? 19 : 16), "case %zu: only %d figures compared", c,
			      compared);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Over 400 simulated studies with known components, the mean estimate of
 * each is within 4 standard errors of the mean of the truth. */
START_TEST(test_recovers_known_variance_components_over_seeds)
{
	const size_t n = 10, k = 3, r = 3, runs = 400;
	const double sp = 8, so = 1.5, si = 0, se = 2;
	struct rig_rng rng;
	rng_seed(&rng, 5, 0);
	double sum_e = 0, sum_o = 0, sum_p = 0, sq_e = 0, sq_o = 0, sq_p = 0;
	for (size_t s = 0; s < runs; s++) {
		double y[n * k * r];
		simulate(y, n, k, r, sp, so, si, se, &rng);
		struct grr_anova a;
		grr_anova(y, n, k, r, 100, &a);
		/* unpooled estimator of repeatability, to test unbiasedness */
		double ve = a.repeat.ms;
		double vo = (a.oper.ms - a.inter.ms) / (double)(n * r);
		double vp = (a.part.ms - a.inter.ms) / (double)(k * r);
		sum_e += ve, sq_e += ve * ve;
		sum_o += vo, sq_o += vo * vo;
		sum_p += vp, sq_p += vp * vp;
	}
	double me = sum_e / runs, mo = sum_o / runs, mp = sum_p / runs;
	double see = sqrt((sq_e / runs - me * me) / runs);
	double seo = sqrt((sq_o / runs - mo * mo) / runs);
	double sep = sqrt((sq_p / runs - mp * mp) / runs);
	ck_assert_msg(fabs(me - se * se) < 4 * see, "repeatability %g vs %g (se %g)", me, se * se, see);
	ck_assert_msg(fabs(mo - so * so) < 4 * seo, "operator %g vs %g (se %g)", mo, so * so, seo);
	ck_assert_msg(fabs(mp - sp * sp) < 4 * sep, "part %g vs %g (se %g)", mp, sp * sp, sep);
}
END_TEST

START_TEST(test_verdict_follows_msa_limits_and_ndc)
{
	struct rig_rng rng;
	rng_seed(&rng, 3, 0);
	double y[10 * 3 * 3];
	struct grr_anova a;
	/* a good gauge on well-spread parts */
	simulate(y, 10, 3, 3, 20, 0.2, 0, 0.5, &rng);
	grr_anova(y, 10, 3, 3, 200, &a);
	ck_assert_msg(a.verdict == GRR_ACCEPTABLE, "%s: %s", grr_verdict_name(a.verdict), a.why);
	/* a gauge as noisy as the tolerance */
	simulate(y, 10, 3, 3, 20, 0.2, 0, 15, &rng);
	grr_anova(y, 10, 3, 3, 200, &a);
	ck_assert_msg(a.verdict == GRR_UNACCEPTABLE, "%s: %s", grr_verdict_name(a.verdict), a.why);
	/* a precise gauge but parts all alike: ndc < 5 */
	simulate(y, 10, 3, 3, 0.3, 0, 0, 0.5, &rng);
	grr_anova(y, 10, 3, 3, 2000, &a);
	ck_assert_msg(a.verdict != GRR_ACCEPTABLE, "%s: %s", grr_verdict_name(a.verdict), a.why);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("anova");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_f_tail_matches_printed_critical_values);
	tcase_add_test(tc, test_constructed_data_gives_the_sums_of_squares_by_hand);
	tcase_add_test(tc, test_missing_measurement_is_not_computed_with_the_reason);
	tcase_add_test(tc, test_agrees_with_the_independent_python_anova);
	tcase_add_test(tc, test_recovers_known_variance_components_over_seeds);
	tcase_add_test(tc, test_verdict_follows_msa_limits_and_ndc);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
