/* test_ini_edit.c - writing calibration values back into fixture files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "core/ini_edit.h"
#include "support/testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

static const char *original =
	"; a fixture\n"
	"[laser]\n"
	"port = sim:laser\n"
	"zero_mm = 5.000      ; reading at the contact plane\n"
	"zero_date=2026-01-01\n"
	"\n"
	"# loadcell next\n"
	"[loadcell]\n"
	"offset_counts = 100\n"
	"\n"
	"[io]\n"
	"chip = sim:bench";

START_TEST(test_edit_keeps_comments_order_and_inline_comment)
{
	char *p = tu_write(dir, "f.ini", original);
	struct ini_edit e[] = {
		{ "laser", "zero_mm", "4.987" },
		{ "laser", "zero_date", "2026-11-21" },
	};
	struct rig_err err = { 0 };
	ck_assert_int_eq(ini_edit_apply(p, e, 2, &err), RIG_OK);
	char *got = tu_read(p);
	ck_assert_str_eq(got,
			 "; a fixture\n"
			 "[laser]\n"
			 "port = sim:laser\n"
			 "zero_mm = 4.987      ; reading at the contact plane\n"
			 "zero_date=2026-11-21\n"
			 "\n"
			 "# loadcell next\n"
			 "[loadcell]\n"
			 "offset_counts = 100\n"
			 "\n"
			 "[io]\n"
			 "chip = sim:bench\n");
	free(got);
	free(p);
}
END_TEST

START_TEST(test_missing_key_is_added_at_end_of_its_section)
{
	char *p = tu_write(dir, "f.ini", original);
	struct ini_edit e = { "loadcell", "tare_date", "2026-11-21" };
	struct rig_err err = { 0 };
	ck_assert_int_eq(ini_edit_apply(p, &e, 1, &err), RIG_OK);
	char *got = tu_read(p);
	ck_assert_ptr_nonnull(strstr(got, "offset_counts = 100\ntare_date = 2026-11-21\n\n[io]"));
	free(got);
	free(p);
}
END_TEST

START_TEST(test_same_key_in_another_section_is_untouched)
{
	char *p = tu_write(dir, "f.ini", "[a]\nx = 1\n[b]\nx = 2\n");
	struct ini_edit e = { "b", "x", "3" };
	struct rig_err err = { 0 };
	ck_assert_int_eq(ini_edit_apply(p, &e, 1, &err), RIG_OK);
	char *got = tu_read(p);
	ck_assert_str_eq(got, "[a]\nx = 1\n[b]\nx = 3\n");
	free(got);
	free(p);
}
END_TEST

START_TEST(test_prefix_key_is_not_mistaken_for_key)
{
	char *p = tu_write(dir, "f.ini", "[a]\nzero_mm_old = 1\nzero_mm = 2\n");
	struct ini_edit e = { "a", "zero_mm", "9" };
	struct rig_err err = { 0 };
	ck_assert_int_eq(ini_edit_apply(p, &e, 1, &err), RIG_OK);
	char *got = tu_read(p);
	ck_assert_str_eq(got, "[a]\nzero_mm_old = 1\nzero_mm = 9\n");
	free(got);
	free(p);
}
END_TEST

START_TEST(test_missing_section_fails_and_leaves_file_unchanged)
{
	char *p = tu_write(dir, "f.ini", original);
	struct ini_edit e = { "pen", "port", "x" };
	struct rig_err err = { 0 };
	ck_assert_int_eq(ini_edit_apply(p, &e, 1, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "no [pen] section"), "%s", err.msg);
	char *got = tu_read(p);
	ck_assert_str_eq(got, original);
	free(got);
	free(p);
}
END_TEST

START_TEST(test_value_with_line_break_is_refused)
{
	char *p = tu_write(dir, "f.ini", original);
	struct ini_edit e = { "laser", "zero_mm", "1\n[evil]" };
	struct rig_err err = { 0 };
	ck_assert_int_ne(ini_edit_apply(p, &e, 1, &err), RIG_OK);
	char *got = tu_read(p);
	ck_assert_str_eq(got, original);
	free(got);
	free(p);
}
END_TEST

START_TEST(test_no_temporary_file_is_left_behind)
{
	char *p = tu_write(dir, "f.ini", original);
	struct ini_edit e = { "laser", "zero_mm", "1" };
	struct rig_err err = { 0 };
	ck_assert_int_eq(ini_edit_apply(p, &e, 1, &err), RIG_OK);
	DIR *d = opendir(dir);
	int files = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		files += de->d_name[0] != '.';
	closedir(d);
	ck_assert_int_eq(files, 1);
	free(p);
}
END_TEST

START_TEST(test_unwritable_file_reports_io_error)
{
	struct ini_edit e = { "laser", "zero_mm", "1" };
	struct rig_err err = { 0 };
	ck_assert_int_eq(ini_edit_apply("/nonexistent/f.ini", &e, 1, &err), RIG_E_IO);
	ck_assert_msg(strstr(err.msg, "/nonexistent/f.ini"), "%s", err.msg);
}
END_TEST

START_TEST(test_today_is_iso_date)
{
	char d[11];
	ini_today(d);
	ck_assert_int_eq(strlen(d), 10);
	ck_assert(d[4] == '-' && d[7] == '-');
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ini_edit");
	TCase *tc = tcase_create("edit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_edit_keeps_comments_order_and_inline_comment);
	tcase_add_test(tc, test_missing_key_is_added_at_end_of_its_section);
	tcase_add_test(tc, test_same_key_in_another_section_is_untouched);
	tcase_add_test(tc, test_prefix_key_is_not_mistaken_for_key);
	tcase_add_test(tc, test_missing_section_fails_and_leaves_file_unchanged);
	tcase_add_test(tc, test_value_with_line_break_is_refused);
	tcase_add_test(tc, test_no_temporary_file_is_left_behind);
	tcase_add_test(tc, test_unwritable_file_reports_io_error);
	tcase_add_test(tc, test_today_is_iso_date);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
