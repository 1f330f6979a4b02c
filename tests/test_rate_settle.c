/* test_rate_settle.c - a whole run's rates against the virtual pen's true
 * rate over each window (tests/support/ratetruth.h), after speed changes.
 *
 * RATE_TABLE="seeds sims..." prints every point of such runs instead (for
 * the figures in docs/measurement.md), e.g.
 *   RATE_TABLE="1-20 pen.spinup_from=0.4 pen.spinup_ms=100" build/tests/test_rate_settle
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"
#include "support/ratetruth.h"
#include "support/runbench.h"
#include "support/testutil.h"

#define FIXTURE SRCDIR "/fixtures/sim.ini"
#define PROFILE SRCDIR "/profiles/production-p25.ini"

struct one_run {
	int exit_code;
	struct rate_truth_log log;
};

/* A whole production run with the given --sim words and seed. */
static void run_with(const char *sims_text, unsigned seed, struct one_run *out)
{
	char *dir = tu_tmpdir(), *out_dir = NULL, *seedkv = NULL;
	char *words = strdup(sims_text ? sims_text : "");
	if (!dir || !words || asprintf(&out_dir, "%s/reports", dir) < 0 ||
	    asprintf(&seedkv, "seed=%u", seed) < 0)
		abort(); /* also outside a test case (RATE_TABLE) */
	char *sims[12] = { seedkv };
	size_t nsims = 1;
	char *save = NULL;
	for (char *w = strtok_r(words, " ", &save); w && nsims < 12; w = strtok_r(NULL, " ", &save))
		sims[nsims++] = w;
	memset(out, 0, sizeof *out);
	struct run_bench t = { .fixture = FIXTURE, .profile = PROFILE, .sims = sims,
			       .nsims = nsims };
	struct point_observer po = rate_truth_observer(&out->log, &t);
	struct run_observer obs = { .point = &po };
	t.o = (struct run_options){ .operator_name = "t", .out_dir = out_dir,
				    .observer = &obs };
	struct run_result res;
	out->exit_code = run_bench(&t, &res);
	tu_rmtree(dir);
	free(dir);
	free(out_dir);
	free(seedkv);
	free(words);
}

static void print_table(const char *spec)
{
	unsigned a = 1, z = 1;
	int used = 0;
	if (sscanf(spec, "%u-%u%n", &a, &z, &used) < 2 && sscanf(spec, "%u%n", &a, &used) == 1)
		z = a;
	printf("seed phase step cmd_hz meas_hz U_hz true_hz settled_hz err_pct err/U "
	       "trend_pct trend_z status\n");
	for (unsigned seed = a; seed <= z; seed++) {
		struct one_run r;
		run_with(spec + used, seed, &r);
		for (size_t i = 0; i < r.log.n; i++) {
			const struct rate_point *p = &r.log.v[i];
			if (!p->done || !p->st.has_freq)
				continue;
			printf("%u %s %s %.1f %.4f %.4f %.4f %.4f %+.4f %+.2f %+.3f %+.1f %d\n", seed,
			       p->phase, p->step, p->freq_cmd_hz, p->st.freq_hz, p->st.freq_U_hz,
			       p->truth.mean_hz, p->truth.settled_hz,
			       (p->st.freq_hz / p->truth.mean_hz - 1) * 100,
			       rate_point_err_over_U(p), p->st.rate_trend_pct, p->st.rate_trend_z,
			       (int)p->st.status);
		}
		printf("# seed %u exit %d\n", seed, r.exit_code);
		rate_truth_free(&r.log);
	}
}

/* Every rate point of runs over seeds 1..n against the pen's real mean
 * rate over the engine's record: within its U (k = 2), no allowance (the
 * truth was the mean between the first and the last accepted peak, which
 * left out the wander of the partial strokes at both ends that the
 * engine's figure includes: 10 % of clean points read beyond U, up to
 * 2.05 U). Against the rate the pen would have run at settled over the
 * same window (the speed wander of the moment included, what is left of
 * a start-up or a speed change not): within U plus FREQ_ALLOW_SETTLED of
 * the rate (the settle fit's residue: over 60 runs up to 1.71 U). */
#define FREQ_ALLOW_SETTLED 0.0002
static void every_rate_within_U(const char *sims, unsigned seeds)
{
	for (unsigned seed = 1; seed <= seeds; seed++) {
		struct one_run r;
		run_with(sims, seed, &r);
		ck_assert_msg(r.exit_code == 0, "%s seed %u: exit %d", sims, seed, r.exit_code);
		unsigned n = 0;
		for (size_t i = 0; i < r.log.n; i++) {
			const struct rate_point *p = &r.log.v[i];
			if (!p->done || !p->st.has_freq)
				continue;
			ck_assert_msg(p->have_truth, "%s seed %u: %s %g Hz: no truth", sims, seed,
				      p->phase, p->freq_cmd_hz);
			double t = p->truth.mean_hz, e = p->st.freq_hz - t;
			double ts = p->truth.settled_hz, es = p->st.freq_hz - ts;
			ck_assert_msg(fabs(e) <= p->st.freq_U_hz &&
					      fabs(es) <= p->st.freq_U_hz + FREQ_ALLOW_SETTLED * ts,
				      "%s seed %u: %s %s at %g Hz: %.4f Hz (U %.4f), real mean over "
				      "the window %.4f (%+.4f %%, %.2f U), settled %.4f (%.2f U)",
				      sims, seed, p->phase, p->step, p->freq_cmd_hz, p->st.freq_hz,
				      p->st.freq_U_hz, t, e / t * 100, e / p->st.freq_U_hz, ts,
				      es / p->st.freq_U_hz);
			n++;
		}
		ck_assert_uint_ge(n, 17); /* 11 calibration points and 6 verify */
		rate_truth_free(&r.log);
	}
}

/* Issue 13: a motor reaching each new speed with a 0.1 s time constant
 * (every start from 40 %): the settling ended on the group rule or at
 * settle_ms with 0.5 % still to go, and windows read up to 0.25 % slow,
 * 39 U (146 Hz: -0.18 %, 26 U, every seed). */
START_TEST(test_rates_after_slow_speed_changes_are_within_U)
{
	every_rate_within_U("pen.spinup_from=0.4 pen.spinup_ms=100", 3);
}
END_TEST

/* The same with 0.2 s: verify rates read up to 1.02 % slow (130 U) and
 * 10 of 20 runs PASSed; the motor's tail also reaches the next point at
 * the same rate (the bench keeps the approach). */
START_TEST(test_rates_after_slower_speed_changes_are_within_U)
{
	every_rate_within_U("pen.spinup_from=0.4 pen.spinup_ms=200", 3);
}
END_TEST

START_TEST(test_clean_rates_are_within_U)
{
	every_rate_within_U("", 3);
}
END_TEST

int main(void)
{
	const char *table = getenv("RATE_TABLE");
	if (table) {
		print_table(table);
		return 0;
	}
	Suite *s = suite_create("rate_settle");
	TCase *tc = tcase_create("runs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rates_after_slow_speed_changes_are_within_U);
	tcase_add_test(tc, test_rates_after_slower_speed_changes_are_within_U);
	tcase_add_test(tc, test_clean_rates_are_within_U);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
