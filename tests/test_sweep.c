/* test_sweep.c - rig sweep on the virtual bench: it recovers the simulated
 * pen's transfer, writes its CSV by the report rules, stops on an e-stop,
 * respects the bench lock; list parsing; measure_shape(). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "bench/lock.h"
#include "cli/cli.h"
#include "study/csv.h"
#include "study/sweep.h"
#include "support/testutil.h"

static char *dir, *fixture, *outdir;

static void setup(void)
{
	dir = tu_tmpdir();
	char *text = tu_read(SRCDIR "/fixtures/sim.ini");
	ck_assert_ptr_nonnull(text);
	fixture = tu_write(dir, "sim.ini", text);
	free(text);
	ck_assert_int_ge(asprintf(&outdir, "%s/out", dir), 0);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	free(fixture);
	free(outdir);
}

static struct sweep_options opts(const double *d, size_t nd, const double *f, size_t nf)
{
	return (struct sweep_options){
		.depths_um = d, .ndepths = nd, .freqs_hz = f, .nfreqs = nf, .repeats = 1,
		.settle_ms = 300, .window = { .window_s = 0.5 }, .out_dir = outdir,
	};
}

/* A sweep on the test's fixture as `rig sweep` runs it: its exit code. */
static int sweep(const struct sweep_options *o, char **sims, size_t nsims,
		 struct sweep_result *res)
{
	struct bench b;
	struct rig_err err;
	struct bench_options bo = { .fixture_path = fixture, .sims = sims, .nsims = nsims };
	enum rig_rc rc = bench_open(&b, &bo, &err);
	ck_assert_msg(rc == RIG_OK, "%s", err.msg);
	rc = sweep_execute(&b, o, res);
	bench_close(&b);
	return cli_exit_code(rc);
}

/* Least squares line y = a x + b; the gain and offset the sweep saw. */
static void fit_line(const double *x, const double *y, size_t n, double *a, double *b)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		sx += x[i];
		sy += y[i];
		sxx += x[i] * x[i];
		sxy += x[i] * y[i];
	}
	*a = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	*b = (sy - *a * sx) / n;
}

static void check_transfer(double gain, double offset_um)
{
	char s1[64], s2[64];
	snprintf(s1, sizeof s1, "pen.depth_gain=%g", gain);
	snprintf(s2, sizeof s2, "pen.depth_offset_um=%g", offset_um);
	char *sims[] = { s1, s2, "pen.depth_nonlinearity=0", "pen.warmup_drift_um=0" };
	double d[10], f[] = { 90, 150 };
	for (int i = 0; i < 10; i++)
		d[i] = 250 * (i + 1);
	struct sweep_options o = opts(d, 10, f, 2);
	struct sweep_result res;
	ck_assert_int_eq(sweep(&o, sims, 4, &res), 0);
	ck_assert_uint_eq(res.rows, 20);

	struct csv_table t;
	struct rig_err err;
	ck_assert_int_eq(csv_table_load(&t, res.csv_path, &err), RIG_OK);
	ck_assert_uint_eq(t.nrows, 20);
	ck_assert_uint_eq(t.ncols, SWEEP_NCOLUMNS);
	for (size_t i = 0; i < SWEEP_NCOLUMNS; i++)
		ck_assert_str_eq(t.header[i], sweep_columns[i]);
	int cd = csv_table_col(&t, "depth_cmd_um"), cm = csv_table_col(&t, "depth_mean_um"),
	    cu = csv_table_col(&t, "depth_uncertainty_um"), cs = csv_table_col(&t, "status");
	double x[20], y[20], umax = 0;
	for (size_t i = 0; i < 20; i++) {
		x[i] = csv_table_num(&t, i, cd);
		y[i] = csv_table_num(&t, i, cm);
		umax = fmax(umax, csv_table_num(&t, i, cu));
		ck_assert_str_eq(csv_table_get(&t, i, cs), "OK");
	}
	double a, b;
	fit_line(x, y, 20, &a, &b);
	/* Within the measurement accuracy: the fitted line stays within the
	 * largest expanded uncertainty of a cell (a few um) of the true one
	 * everywhere in the swept range. */
	double worst = fmax(fabs((a - gain) * 250 + b - offset_um),
			    fabs((a - gain) * 2500 + b - offset_um));
	fprintf(stderr, "sweep fit: gain %.5f (true %g), offset %.2f um (true %g), "
			"worst line error %.2f um, largest U %.2f um\n",
		a, gain, b, offset_um, worst, umax);
	ck_assert_double_gt(umax, 0);
	ck_assert_double_lt(umax, 10);
	ck_assert_double_le(worst, umax);
	csv_table_free(&t);
}

START_TEST(test_sweep_recovers_default_pen_transfer)
{
	check_transfer(1.04, -35);
}
END_TEST

START_TEST(test_sweep_recovers_other_pen_transfer)
{
	check_transfer(0.93, 42);
}
END_TEST

START_TEST(test_sweep_estop_stops_it_with_rows_kept)
{
	char *sims[] = { "fault.estop=t=3" };
	double d[] = { 250, 500, 1000, 1500, 2000 }, f[] = { 100, 120 };
	struct sweep_options o = opts(d, 5, f, 2);
	struct sweep_result res;
	ck_assert_int_eq(sweep(&o, sims, 1, &res), 2);
	ck_assert_uint_gt(res.rows, 0);
	ck_assert_uint_lt(res.rows, 10);
	ck_assert_msg(strstr(res.message, "e-stop") != NULL, "%s", res.message);
	struct csv_table t;
	struct rig_err err;
	ck_assert_int_eq(csv_table_load(&t, res.csv_path, &err), RIG_OK);
	ck_assert_uint_eq(t.nrows, res.rows);
	csv_table_free(&t);
}
END_TEST

START_TEST(test_sweep_refuses_a_locked_bench)
{
	char *lock_path;
	ck_assert_int_ge(asprintf(&lock_path, "%s/.sim-bench.lock", dir), 0);
	struct bench_lock l = { .fd = -1 };
	struct rig_err err;
	ck_assert_int_eq(bench_lock_acquire(&l, lock_path, "other", 0, &err), RIG_OK);
	double d[] = { 500 }, f[] = { 120 };
	struct sweep_options o = opts(d, 1, f, 1);
	struct sweep_result res;
	ck_assert_int_eq(sweep(&o, NULL, 0, &res), 75);
	ck_assert_uint_eq(res.rows, 0);
	bench_lock_release(&l);
	free(lock_path);
}
END_TEST

START_TEST(test_sweep_list_parses_ranges_and_refuses_nonsense)
{
	double v[64];
	size_t n;
	struct rig_err err;
	ck_assert_int_eq(sweep_parse_list("250:2500:250", v, 64, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 10);
	ck_assert_double_eq(v[9], 2500);
	ck_assert_int_eq(sweep_parse_list("100,250:1000:250,1200", v, 64, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 6);
	ck_assert_double_eq(v[1], 250);
	ck_assert_double_eq(v[5], 1200);
	ck_assert_int_eq(sweep_parse_list("80:100:7", v, 64, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 3); /* 80 87 94: 101 would pass the stop */
	ck_assert_int_eq(sweep_parse_list("500,250", v, 64, &n, &err), RIG_E_USAGE);
	ck_assert_msg(strstr(err.msg, "increase") != NULL, "%s", err.msg);
	ck_assert_int_eq(sweep_parse_list("250:100:10", v, 64, &n, &err), RIG_E_USAGE);
	ck_assert_int_eq(sweep_parse_list("1:10:0", v, 64, &n, &err), RIG_E_USAGE);
	ck_assert_int_eq(sweep_parse_list("abc", v, 64, &n, &err), RIG_E_USAGE);
	ck_assert_int_eq(sweep_parse_list("", v, 64, &n, &err), RIG_E_USAGE);
	ck_assert_int_eq(sweep_parse_list("0,5", v, 64, &n, &err), RIG_E_USAGE);
	ck_assert_int_eq(sweep_parse_list("1:1000:1", v, 64, &n, &err), RIG_E_USAGE);
}
END_TEST

START_TEST(test_csv_round_trips_text_by_the_report_rules)
{
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/t.csv", dir), 0);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	struct csv_out w;
	csv_out_init(&w, f);
	csv_out_text(&w, "=HYPERLINK(\"x\")");
	csv_out_text(&w, "a,b\nc");
	csv_out_num(&w, -12.5);
	csv_out_num(&w, NAN);
	csv_out_end(&w);
	csv_out_text(&w, "x");
	csv_out_end(&w);
	fclose(f);
	char *text = tu_read(path);
	ck_assert_str_eq(text, "\"'=HYPERLINK(\"\"x\"\")\",\"a,b?c\",-12.5,\r\n\"x\"\r\n");
	free(text);
	struct csv_table t;
	struct rig_err err;
	ck_assert_int_eq(csv_table_load(&t, path, &err), RIG_OK);
	ck_assert_str_eq(t.header[0], "=HYPERLINK(\"x\")"); /* the ' is the writer's */
	ck_assert_str_eq(t.header[1], "a,b?c");
	ck_assert_uint_eq(t.nrows, 1);
	ck_assert_str_eq(csv_table_get(&t, 0, 0), "x");
	ck_assert_str_eq(csv_table_get(&t, 0, 3), "");
	ck_assert(isnan(csv_table_num(&t, 0, 3)));
	csv_table_free(&t);
	free(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("sweep");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sweep_recovers_default_pen_transfer);
	tcase_add_test(tc, test_sweep_recovers_other_pen_transfer);
	tcase_add_test(tc, test_sweep_estop_stops_it_with_rows_kept);
	tcase_add_test(tc, test_sweep_refuses_a_locked_bench);
	tcase_add_test(tc, test_sweep_list_parses_ranges_and_refuses_nonsense);
	tcase_add_test(tc, test_csv_round_trips_text_by_the_report_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
