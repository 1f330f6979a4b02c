/* test_reference.c - a reference artifact's certificate (rig/check/
 * reference.c): the shipped virtual one loads, a malformed one is refused
 * naming file and line, and the normalised error En. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check/reference.h"
#include "support/testutil.h"

START_TEST(test_shipped_virtual_certificate_loads)
{
	struct reference r;
	struct rig_err err = { 0 };
	ck_assert_msg(reference_load(&r, SRCDIR "/fixtures/reference-sim.ini", &err) == RIG_OK,
		      "%s", err.msg);
	ck_assert_str_eq(r.id, "GP-SIM-01");
	ck_assert_uint_eq(r.depth_um.n, 3);
	ck_assert_double_eq(r.depth_um.actual[2], 2500);
	ck_assert_double_eq(r.depth_um.u, 2.0);
	ck_assert_uint_eq(r.freq_hz.n, 2);
	ck_assert_double_eq(r.freq_hz.commanded[1], 160);
	ck_assert_double_eq(r.max_en, 1);
	ck_assert_uint_ge(r.nsims, 8);
	ck_assert_str_eq(r.sims[0], "pen.serial=GP-SIM-01");
	ck_assert_uint_eq(strlen(r.sha256), 64);
	reference_free(&r);
}
END_TEST

static enum rig_rc load_variant(const char *from, const char *to, struct rig_err *err)
{
	char *dir = tu_tmpdir();
	char *text = tu_read(SRCDIR "/fixtures/reference-sim.ini");
	char *t2 = tu_replace(text, from, to);
	ck_assert_msg(strcmp(t2, text) != 0, "'%s' not in the file", from);
	char *path = tu_write(dir, "ref.ini", t2);
	struct reference r;
	enum rig_rc rc = reference_load(&r, path, err);
	if (!rc)
		reference_free(&r);
	tu_rmtree(dir);
	free(dir);
	free(text);
	free(t2);
	free(path);
	return rc;
}

START_TEST(test_malformed_certificates_are_refused_with_file_and_line)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(load_variant("actual_um = 500, 1500, 2500", "actual_um = 500, 1500", &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "ref.ini:19: [depth] expected one actual value per commanded one (3), found 2"),
		      "%s", err.msg);
	ck_assert_int_eq(load_variant("commanded_hz = 80, 160", "commanded_hz = 160, 80", &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "ref.ini:24: commanded_hz: expected points in increasing order"),
		      "%s", err.msg);
	ck_assert_int_eq(load_variant("uncertainty_um = 2.0", "uncertainty_mm = 0.002", &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "unknown key 'uncertainty_mm': expected 'uncertainty_um'"),
		      "%s", err.msg);
	ck_assert_int_eq(load_variant("valid_until = 2099-12-31", "valid_until = 2099-02-30", &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "valid_until: expected a date"), "%s", err.msg);
	ck_assert_int_eq(load_variant("uncertainty_hz = 0.05\n", "", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "[rate] uncertainty_hz is required and missing"), "%s",
		      err.msg);
}
END_TEST

START_TEST(test_en_is_the_error_over_the_combined_uncertainty)
{
	ck_assert_double_eq_tol(reference_en(1503, 3, 1500, 4), 0.6, 1e-12);
	ck_assert_double_eq_tol(reference_en(1490, 6, 1500, 8), -1.0, 1e-12);
	ck_assert_double_eq(reference_en(5, 0, 5, 0), 0);
	ck_assert(isinf(reference_en(6, 0, 5, 0)) && reference_en(6, 0, 5, 0) > 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reference");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_shipped_virtual_certificate_loads);
	tcase_add_test(tc, test_malformed_certificates_are_refused_with_file_and_line);
	tcase_add_test(tc, test_en_is_the_error_over_the_combined_uncertainty);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
