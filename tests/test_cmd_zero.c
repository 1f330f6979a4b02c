/* test_cmd_zero.c - `rig zero` on the virtual bench: the laser zero lands
 * in the fixture within 1 um, and bad readings are refused untouched. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/fixture.h"
#include "core/ini_edit.h"
#include "support/testutil.h"

static char *dir, *path, *reports;

static void setup(void)
{
	dir = tu_tmpdir();
	ck_assert_ptr_nonnull(dir);
	char *text = tu_read("fixtures/sim.ini");
	ck_assert_ptr_nonnull(text);
	path = tu_write(dir, "sim.ini", text);
	free(text);
	reports = malloc(strlen(dir) + 16);
	ck_assert_ptr_nonnull(reports);
	sprintf(reports, "%s/reports", dir);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	free(path);
	free(reports);
}

static int run_zero(const char *sim1, const char *sim2)
{
	char *argv[12];
	int argc = 0;
	argv[argc++] = (char *)"zero";
	argv[argc++] = (char *)"--fixture";
	argv[argc++] = path;
	/* the change's ledger entry goes here, not to ./reports (the tree) */
	argv[argc++] = (char *)"--out";
	argv[argc++] = reports;
	if (sim1) {
		argv[argc++] = (char *)"--sim";
		argv[argc++] = (char *)sim1;
	}
	if (sim2) {
		argv[argc++] = (char *)"--sim";
		argv[argc++] = (char *)sim2;
	}
	argv[argc] = NULL;
	return cli_dispatch("zero", argc, argv);
}

static double fixture_zero(char date[11])
{
	struct fixture f;
	struct rig_err err;
	ck_assert_msg(fixture_load(&f, path, &err) == RIG_OK, "%s", err.msg);
	double z = f.laser.zero_mm;
	if (date)
		memcpy(date, f.laser.zero_date, 11);
	fixture_free(&f);
	return z;
}

/* The fixture's last zero 5.43 mm: the plane found 2.1 um from it, within
 * laser.zero_max_change_um (test_zero_bound.sh has the bound itself). */
START_TEST(test_zero_recovers_the_simulated_plane_within_1um)
{
	char *text = tu_read(path);
	char *moved = tu_replace(text, "zero_mm = 5.000", "zero_mm = 5.430");
	ck_assert_ptr_nonnull(moved);
	free(tu_write(dir, "sim.ini", moved));
	free(text), free(moved);
	ck_assert_int_eq(run_zero("laser.zero_mm=5.4321", "laser.noise_um=1.0"), RIG_EXIT_PASS);
	char date[11], today[11];
	double z = fixture_zero(date);
	ck_assert_double_eq_tol(z, 5.4321, 0.001);
	ini_today(today);
	ck_assert_str_eq(date, today);
	/* The rest of the file is kept: comments and other sections. */
	text = tu_read(path);
	ck_assert_ptr_nonnull(strstr(text, "; reading at the contact plane (rig zero)"));
	ck_assert_ptr_nonnull(strstr(text, "[loadcell]"));
	free(text);
	/* The change is in the ledger of the folder given (--out), under the
	 * test's own folder: it went to ./reports/ledger.txt before. */
	char lpath[4096];
	snprintf(lpath, sizeof lpath, "%s/ledger.txt", reports);
	text = tu_read(lpath);
	ck_assert_msg(text != NULL, "no ledger at %s", lpath);
	ck_assert_ptr_nonnull(strstr(text, "rig zero: laser.zero_mm"));
	free(text);
}
END_TEST

/* With a zero target (fixtures/sim.ini's ZERO_TARGET line, 1 mm before
 * the contact plane on the virtual bench) rig zero reads it too and
 * records it: the reference a run's own reading is compared with. */
START_TEST(test_zero_records_the_zero_target_beside_the_plane)
{
	ck_assert_int_eq(run_zero("laser.zero_mm=5.0123", NULL), RIG_EXIT_PASS);
	struct fixture f;
	struct rig_err err;
	ck_assert_msg(fixture_load(&f, path, &err) == RIG_OK, "%s", err.msg);
	ck_assert(f.laser.has_zero_target_mm);
	ck_assert_double_eq_tol(f.laser.zero_mm, 5.0123, 0.001);
	ck_assert_double_eq_tol(f.laser.zero_target_mm, 4.0123, 0.001);
	fixture_free(&f);
}
END_TEST

START_TEST(test_zero_refuses_a_noisy_reference_and_keeps_the_fixture)
{
	double before = fixture_zero(NULL);
	ck_assert_int_eq(run_zero("laser.zero_mm=6", "laser.noise_um=40"), RIG_EXIT_ABORT);
	ck_assert_double_eq(fixture_zero(NULL), before);
}
END_TEST

START_TEST(test_zero_refuses_a_reference_out_of_range)
{
	/* The flat sits 1 % beyond the range end: error codes, not distances. */
	double before = fixture_zero(NULL);
	ck_assert_int_eq(run_zero("laser.zero_mm=9.999", "laser.noise_um=50"), RIG_EXIT_ABORT);
	ck_assert_double_eq(fixture_zero(NULL), before);
}
END_TEST

START_TEST(test_zero_rejects_bad_usage)
{
	char *argv[] = { (char *)"zero", (char *)"--samples", (char *)"3", NULL };
	ck_assert_int_eq(cli_dispatch("zero", 3, argv), RIG_EXIT_USAGE);
	char *argv2[] = { (char *)"zero", (char *)"extra", NULL };
	ck_assert_int_eq(cli_dispatch("zero", 2, argv2), RIG_EXIT_USAGE);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cmd_zero");
	TCase *tc = tcase_create("zero");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_zero_recovers_the_simulated_plane_within_1um);
	tcase_add_test(tc, test_zero_records_the_zero_target_beside_the_plane);
	tcase_add_test(tc, test_zero_refuses_a_noisy_reference_and_keeps_the_fixture);
	tcase_add_test(tc, test_zero_refuses_a_reference_out_of_range);
	tcase_add_test(tc, test_zero_rejects_bad_usage);
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
