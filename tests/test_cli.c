/* test_cli.c - the `rig` command line as a user meets it: help, version,
 * unknown commands, exit codes, and a fixture with a deliberate error. */
#include <check.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/runrig.h"
#include "support/testutil.h"

START_TEST(test_help_lists_commands_and_exit_codes)
{
	struct rig_result r = run_rig("--help");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "ports"));
	ck_assert_ptr_nonnull(strstr(r.out, "Exit codes:"));
	ck_assert_ptr_nonnull(strstr(r.out, "75  temporary failure"));
	ck_assert_ptr_nonnull(strstr(r.out, "78  configuration error"));
	rig_result_free(&r);
}
END_TEST

START_TEST(test_version_prints_rig_and_version)
{
	struct rig_result r = run_rig("--version");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_eq(strncmp(r.out, "rig ", 4), 0);
	rig_result_free(&r);
}
END_TEST

START_TEST(test_no_command_and_unknown_command_are_usage_errors)
{
	struct rig_result r = run_rig("");
	ck_assert_int_eq(r.exit_code, 64);
	rig_result_free(&r);
	r = run_rig("frobnicate");
	ck_assert_int_eq(r.exit_code, 64);
	ck_assert_ptr_nonnull(strstr(r.err, "no command 'frobnicate'"));
	rig_result_free(&r);
}
END_TEST

START_TEST(test_every_command_has_help)
{
	struct rig_result list = run_rig("--help");
	ck_assert_int_eq(list.exit_code, 0);
	char *p = strstr(list.out, "Commands:\n");
	ck_assert_ptr_nonnull(p);
	p += strlen("Commands:\n");
	int n = 0;
	char name[64];
	while (sscanf(p, "  %63s", name) == 1 && p[0] == ' ') {
		char args[96];
		snprintf(args, sizeof args, "%s --help", name);
		struct rig_result r = run_rig(args);
		ck_assert_msg(r.exit_code == 0, "rig %s --help exited %d", name, r.exit_code);
		ck_assert_msg(strstr(r.out, "usage: rig") != NULL, "rig %s --help: %s", name, r.out);
		rig_result_free(&r);
		n++;
		p = strchr(p, '\n') + 1;
	}
	ck_assert_int_gt(n, 0);
	rig_result_free(&list);
}
END_TEST

START_TEST(test_ports_runs_on_a_machine_without_hardware)
{
	struct rig_result r = run_rig("ports");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Serial ports:"));
	ck_assert_ptr_nonnull(strstr(r.out, "GPIO chips:"));
	rig_result_free(&r);
}
END_TEST

START_TEST(test_fixture_error_exits_78_with_file_and_line)
{
	char *dir = tu_tmpdir();
	char *text = tu_read(SRCDIR "/fixtures/sim.ini");
	char *bad = tu_replace(text, "range_mm = 10", "range_mm = 10\nspeed_mm = 3");
	char *path = tu_write(dir, "bad.ini", bad);
	char args[512];
	snprintf(args, sizeof args, "tare --fixture %s", path);
	struct rig_result r = run_rig(args);
	ck_assert_int_eq(r.exit_code, 78);
	ck_assert_msg(strstr(r.err, "bad.ini:") && strstr(r.err, "unknown key 'speed_mm'"),
		      "stderr: %s", r.err);
	rig_result_free(&r);
	tu_rmtree(dir);
	free(dir);
	free(text);
	free(bad);
	free(path);
}
END_TEST

START_TEST(test_monitor_count_20_prints_20_readings_with_pen_running)
{
	/* rig monitor runs the virtual bench in real time; an emulated CPU
	 * (qemu-user, make CROSS=... check) cannot feed its laser at 4 kHz, and
	 * the rig rightly calls that a slow sensor. */
	if (getenv("RIG_RUNNER") && *getenv("RIG_RUNNER")) {
		tu_skip("test_cli", 1, "rig monitor in real time under qemu-user");
		return;
	}
	struct rig_result r = run_rig("monitor --count 20 --interval-ms 50 "
				      "--depth-um 1500 --freq-hz 120");
	ck_assert_msg(r.exit_code == 0, "exit %d: %s", r.exit_code, r.err);
	int lines = 0;
	for (char *p = r.out; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 21); /* header + 20 readings */
	/* The virtual pen strokes past the contact plane: extension > 1 mm. */
	char *last = strrchr(r.out, '\n');
	*last = '\0';
	last = strrchr(r.out, '\n') + 1;
	double t, mean, mn, ext;
	ck_assert_int_eq(sscanf(last, "%lf,%lf,%lf,%lf", &t, &mean, &mn, &ext), 4);
	ck_assert_double_gt(ext, 1000);
	rig_result_free(&r);
}
END_TEST

/* On the virtual bench the readings come in real time, as a person
 * setting up a fixture watches them (they used to come 400 times too
 * fast). A lower bound on the wall time: a loaded machine is only slower. */
START_TEST(test_monitor_paces_readings_in_real_time_on_the_virtual_bench)
{
	/* rig monitor runs the virtual bench in real time; an emulated CPU
	 * (qemu-user, make CROSS=... check) cannot feed its laser at 4 kHz, and
	 * the rig rightly calls that a slow sensor. */
	if (getenv("RIG_RUNNER") && *getenv("RIG_RUNNER")) {
		tu_skip("test_cli", 1, "rig monitor in real time under qemu-user");
		return;
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	struct rig_result r = run_rig("monitor --count 4 --interval-ms 200");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_msg(r.exit_code == 0, "exit %d: %s", r.exit_code, r.err);
	double wall = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	ck_assert_msg(wall >= 0.6, "4 readings 200 ms apart took %.3f s of wall time", wall);
	rig_result_free(&r);
}
END_TEST

START_TEST(test_monitor_rejects_bad_count)
{
	struct rig_result r = run_rig("monitor --count zero");
	ck_assert_int_eq(r.exit_code, 64);
	ck_assert_ptr_nonnull(strstr(r.err, "--count: expected a whole number"));
	rig_result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_help_lists_commands_and_exit_codes);
	tcase_add_test(tc, test_version_prints_rig_and_version);
	tcase_add_test(tc, test_no_command_and_unknown_command_are_usage_errors);
	tcase_add_test(tc, test_ports_runs_on_a_machine_without_hardware);
	tcase_add_test(tc, test_fixture_error_exits_78_with_file_and_line);
	tcase_add_test(tc, test_monitor_count_20_prints_20_readings_with_pen_running);
	tcase_add_test(tc, test_monitor_paces_readings_in_real_time_on_the_virtual_bench);
	tcase_add_test(tc, test_monitor_rejects_bad_count);
	suite_add_tcase(s, tc);
	/* Starts rig once per command (27): a hang guard, not a time limit.
	 * At 60 s it expired with the CPU taken by higher-priority work under
	 * faketime (make check-calendar), each start then taking 2-3 s. */
	TCase *many = tcase_create("every command");
	tcase_set_timeout(many, 600);
	tcase_add_test(many, test_every_command_has_help);
	suite_add_tcase(s, many);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
