/* test_ini_schema.c - the one typed key table behind fixtures and
 * profiles: the same number, text and date rules for both, and the same
 * messages naming file:line, what was expected and what was found. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixture.h"
#include "core/ini_schema.h"
#include "run/profile.h"
#include "support/testutil.h"

START_TEST(test_number_parser_takes_decimals_and_refuses_hex_inf_and_junk)
{
	double v = 0;
	ck_assert(ini_parse_number("1500", &v) && v == 1500);
	ck_assert(ini_parse_number("-0.25", &v) && v == -0.25);
	ck_assert(ini_parse_number("2.5e3", &v) && v == 2500);
	ck_assert(ini_parse_number("12  ", &v) && v == 12);
	ck_assert(!ini_parse_number("0x10", &v));
	ck_assert(!ini_parse_number("-0X1p4", &v));
	ck_assert(!ini_parse_number("inf", &v));
	ck_assert(!ini_parse_number("nan", &v));
	ck_assert(!ini_parse_number("12 mm", &v));
	ck_assert(!ini_parse_number("", &v));
	ck_assert(!ini_parse_number("1e999", &v));
	/* Only spaces and tabs around a number: strtod would skip a
	 * vertical tab, a form feed or a newline before it. */
	ck_assert(ini_parse_number(" \t 7", &v) && v == 7);
	ck_assert(ini_parse_number(".5", &v) && v == 0.5);
	ck_assert(ini_parse_number("-.5", &v) && v == -0.5);
	ck_assert(!ini_parse_number("\v5", &v));
	ck_assert(!ini_parse_number("\f5", &v));
	ck_assert(!ini_parse_number("\n5", &v));
	ck_assert(!ini_parse_number(" \r5", &v));
	ck_assert(!ini_parse_number("5\v", &v));
	ck_assert(!ini_parse_number("+", &v));
	ck_assert(!ini_parse_number("-.", &v));
}
END_TEST

/* The shipped file with one line replaced. */
static char *variant(const char *file, const char *from, const char *to)
{
	char *text = tu_read(file);
	ck_assert_ptr_nonnull(text);
	char *out = tu_replace(text, from, to);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(strcmp(out, text) != 0, "'%s' not found in %s", from, file);
	free(text);
	return out;
}

START_TEST(test_hex_float_is_refused_in_a_fixture_with_file_and_line)
{
	char *t = variant(SRCDIR "/fixtures/sim.ini", "range_mm = 10", "range_mm = 0xA");
	struct fixture f;
	struct rig_err err = { 0 };
	ck_assert_int_eq(fixture_load_memory(&f, "hex.ini", t, strlen(t), &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "hex.ini:") && strstr(err.msg, "range_mm: expected a number, found '0xA'"),
		      "%s", err.msg);
	free(t);
}
END_TEST

START_TEST(test_hex_float_is_refused_in_a_profile_with_file_and_line)
{
	char *t = variant(SRCDIR "/profiles/production-p25.ini", "depth_tolerance_um = 100",
			  "depth_tolerance_um = 0x64");
	struct profile p;
	struct rig_err err = { 0 };
	ck_assert_int_eq(profile_load_memory(&p, "hex.ini", t, strlen(t), &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "hex.ini:") &&
			      strstr(err.msg, "depth_tolerance_um: expected a number, found '0x64'"),
		      "%s", err.msg);
	free(t);
	/* and inside a list of points */
	t = variant(SRCDIR "/profiles/production-p25.ini", "depth_points_um = 250,",
		    "depth_points_um = 0xFA,");
	ck_assert_int_eq(profile_load_memory(&p, "hex.ini", t, strlen(t), &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "expected a number, found '0xFA'"), "%s", err.msg);
	free(t);
}
END_TEST

START_TEST(test_control_bytes_are_named_the_same_way_in_fixture_and_profile)
{
	char *t = variant(SRCDIR "/fixtures/sim.ini", "station = SIM-01", "station = SIM\x1b-01");
	struct fixture f;
	struct rig_err err = { 0 };
	ck_assert_int_eq(fixture_load_memory(&f, "c.ini", t, strlen(t), &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "station: expected printable ASCII, found byte 0x1B at 4"),
		      "%s", err.msg);
	free(t);
	t = variant(SRCDIR "/profiles/production-p25.ini", "name = production-p25",
		    "name = pro\x1b");
	struct profile p;
	ck_assert_int_eq(profile_load_memory(&p, "c.ini", t, strlen(t), &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "found byte 0x1B at 4"), "%s", err.msg);
	free(t);
}
END_TEST

START_TEST(test_large_range_limits_print_as_numbers_not_exponents)
{
	char *t = variant(SRCDIR "/fixtures/sim.ini", "baud = 115200", "baud = 5000000");
	struct fixture f;
	struct rig_err err = { 0 };
	ck_assert_int_eq(fixture_load_memory(&f, "b.ini", t, strlen(t), &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "baud: expected 300..4000000, found 5000000"), "%s", err.msg);
	free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ini_schema");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_number_parser_takes_decimals_and_refuses_hex_inf_and_junk);
	tcase_add_test(tc, test_hex_float_is_refused_in_a_fixture_with_file_and_line);
	tcase_add_test(tc, test_hex_float_is_refused_in_a_profile_with_file_and_line);
	tcase_add_test(tc, test_control_bytes_are_named_the_same_way_in_fixture_and_profile);
	tcase_add_test(tc, test_large_range_limits_print_as_numbers_not_exponents);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
