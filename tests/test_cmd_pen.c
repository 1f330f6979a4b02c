/* test_cmd_pen.c - `rig pen` end to end on the default virtual fixture:
 * replies printed, a refusal printed with exit 2, bad --sim with exit 78.
 * Runs the built binary ($RIG_BIN, under $RIG_RUNNER), as `make check` sets. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Run `rig pen ARGS` (ARGS already shell-quoted); output into out. */
static int rig_pen(const char *args, char *out, size_t cap)
{
	const char *bin = getenv("RIG_BIN");
	const char *runner = getenv("RIG_RUNNER");
	ck_assert_msg(bin && *bin, "RIG_BIN is not set (run through make check)");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s %s pen %s 2>&1", runner ? runner : "", bin, args);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	int st = pclose(f);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(test_rig_pen_prints_query_replies)
{
	char out[2048];
	int rc = rig_pen("--sim pen.serial=CLI-7 '*IDN?' 'DEPTH 1500' 'DEPTH?' 'CAL:DEPTH:CRC?'",
			 out, sizeof out);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, "Dermatech,MN-300,CLI-7,1.4.2\n1500\n0,2144DF1C\n");
}
END_TEST

START_TEST(test_rig_pen_prints_a_refusal_and_stops)
{
	char out[2048];
	int rc = rig_pen("'DEPTH 5000' 'DEPTH?'", out, sizeof out);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(out, "-222,\"Data out of range;depth 5000 outside 0..3000\"\n"));
	ck_assert_ptr_nonnull(strstr(out, "rig pen: sim:pen: the pen refused 'DEPTH 5000'"));
	ck_assert_ptr_null(strstr(out, "\n500\n")); /* DEPTH? was not sent */
}
END_TEST

START_TEST(test_rig_pen_usage_and_config_errors)
{
	char out[2048];
	ck_assert_int_eq(rig_pen("", out, sizeof out), 64);
	ck_assert_int_eq(rig_pen("--sim pen.depth_gain=9 '*IDN?'", out, sizeof out), 78);
	ck_assert_ptr_nonnull(strstr(out, "pen.depth_gain"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cmd_pen");
	TCase *tc = tcase_create("cli");
	tcase_add_test(tc, test_rig_pen_prints_query_replies);
	tcase_add_test(tc, test_rig_pen_prints_a_refusal_and_stops);
	tcase_add_test(tc, test_rig_pen_usage_and_config_errors);
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
