/* test_check.c - the bench's status from summary.csv (rig/check/check.c):
 * never checked, passed and fresh, overdue, failed, another station's
 * checks ignored, the impact list after a failed check. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "core/fixture.h"
#include "support/testutil.h"

#define HEAD "\"run_id\",\"timestamp\",\"station\",\"operator\",\"pen_model\",\"pen_serial\"," \
	     "\"profile\",\"profile_version\",\"verdict\",\"reason\",\"report_file\",\"bench_time_s\"\r\n"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

/* dir/summary.csv: the header head, then rows. */
static void summary_with(const char *head, const char *rows)
{
	char *text = NULL;
	ck_assert_int_ge(asprintf(&text, "%s%s", head, rows), 0);
	free(tu_write(dir, "summary.csv", text));
	free(text);
}

static void summary(const char *rows)
{
	summary_with(HEAD, rows);
}

#define ROW(ts, station, serial, profile, verdict, file) \
	"\"id\",\"" ts "\",\"" station "\",\"op\",\"MN-300\",\"" serial "\",\"" profile \
	"\",\"1\",\"" verdict "\",\"why " verdict "\",\"" file "\",1\r\n"

START_TEST(test_no_summary_means_never_checked_and_refused)
{
	struct rig_err err = { 0 };
	struct check_status st;
	ck_assert_int_eq(check_status_read(dir, "ST1", &st, &err), RIG_OK);
	ck_assert_int_eq(st.state, CHECK_NEVER);
	ck_assert_int_eq(check_gate(dir, "ST1", 8, check_parse_time("2026-11-30T08:00:00Z"), &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "no bench check of station ST1"), "%s", err.msg);
}
END_TEST

START_TEST(test_fresh_pass_opens_the_gate_and_it_closes_when_overdue)
{
	summary(ROW("2026-11-30T06:00:00Z", "ST1", "GP-1", "bench-check", "PASS", "c1.csv")
		ROW("2026-11-30T06:10:00Z", "ST1", "MN3-1", "production-p25", "PASS", "r1.csv"));
	struct rig_err err = { 0 };
	ck_assert_int_eq(check_gate(dir, "ST1", 8, check_parse_time("2026-11-30T13:59:00Z"), &err),
			 RIG_OK);
	ck_assert_int_eq(check_gate(dir, "ST1", 8, check_parse_time("2026-11-30T14:01:00Z"), &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "overdue: last passed at 2026-11-30T06:00:00Z, 8.0 h ago, "
				      "required every 8 h"), "%s", err.msg);
	/* another station has never been checked */
	ck_assert_int_eq(check_gate(dir, "ST2", 8, check_parse_time("2026-11-30T07:00:00Z"), &err),
			 RIG_E_CONFIG);
}
END_TEST

START_TEST(test_failed_check_closes_the_gate_and_lists_the_units_since_the_last_pass)
{
	summary(ROW("2026-11-30T06:00:00Z", "ST1", "MN3-0", "production-p25", "PASS", "r0.csv")
		ROW("2026-11-30T06:05:00Z", "ST1", "GP-1", "bench-check", "PASS", "c1.csv")
		ROW("2026-11-30T06:10:00Z", "ST1", "MN3-1", "production-p25", "PASS", "r1.csv")
		ROW("2026-11-30T06:11:00Z", "ST2", "MN3-X", "production-p25", "PASS", "x.csv")
		ROW("2026-11-30T06:20:00Z", "ST1", "MN3-2", "production-p25", "FAIL", "r2.csv")
		ROW("2026-11-30T07:00:00Z", "ST1", "GP-1", "bench-check", "FAIL", "c2.csv"));
	struct rig_err err = { 0 };
	struct check_status st;
	ck_assert_int_eq(check_status_read(dir, "ST1", &st, &err), RIG_OK);
	ck_assert_int_eq(st.state, CHECK_FAILED);
	ck_assert_str_eq(st.report, "c2.csv");
	ck_assert_str_eq(st.last_pass_when, "2026-11-30T06:05:00Z");
	ck_assert_int_eq(check_gate(dir, "ST1", 8, check_parse_time("2026-11-30T07:05:00Z"), &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "failed at 2026-11-30T07:00:00Z (c2.csv)") &&
			      strstr(err.msg, "units judged since 2026-11-30T06:05:00Z"),
		      "%s", err.msg);
	struct check_impact *v;
	size_t n;
	ck_assert_int_eq(check_impact_list(dir, "ST1", &v, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 2); /* MN3-1 and MN3-2: not MN3-0 (before), not ST2's */
	ck_assert_str_eq(v[0].serial, "MN3-1");
	ck_assert_str_eq(v[1].serial, "MN3-2");
	ck_assert_str_eq(v[1].verdict, "FAIL");
	free(v);
}
END_TEST

/* The impact list counts units, not runs: a retest (the serial in another
 * case or spacing) is its unit's second run; a run with no serial known
 * ("unknown" in any case, or empty) is a unit of its own, never a retest
 * (as rig stats and rig impact count). Before, every run was a unit and
 * the list carried no unit at all. */
START_TEST(test_impact_list_numbers_units_a_retest_shares_one_unknowns_do_not)
{
	summary(ROW("2026-11-30T06:05:00Z", "ST1", "GP-1", "bench-check", "PASS", "c1.csv")
		ROW("2026-11-30T06:10:00Z", "ST1", "MN3-1", "production-p25", "FAIL", "r1.csv")
		ROW("2026-11-30T06:11:00Z", "ST1", "unknown", "production-p25", "PASS", "r2.csv")
		ROW("2026-11-30T06:12:00Z", "ST1", " mn3-1 ", "production-p25", "PASS", "r3.csv")
		ROW("2026-11-30T06:13:00Z", "ST1", "", "production-p25", "PASS", "r4.csv")
		ROW("2026-11-30T06:14:00Z", "ST1", "MN3-2", "production-p25", "ABORTED", "r5.csv")
		ROW("2026-11-30T06:15:00Z", "ST1", " UNKNOWN ", "production-p25", "FAIL", "r6.csv")
		ROW("2026-11-30T06:16:00Z", "ST1", "MN3-3", "production-p25", "PASS", "r7.csv")
		ROW("2026-11-30T06:17:00Z", "ST1", "MN3-1", "production-p25", "PASS", "r8.csv")
		ROW("2026-11-30T07:00:00Z", "ST1", "GP-1", "bench-check", "FAIL", "c2.csv"));
	struct rig_err err = { 0 };
	struct check_impact *v;
	size_t n, unknown = 99;
	ck_assert_int_eq(check_impact_list(dir, "ST1", &v, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 7); /* not the checks, not the ABORTED run */
	/* r1 r2 r3 r4 r6 r7 r8: MN3-1 is unit 1 (r1, r3, r8), the three runs
	 * with no serial known units 2, 3 and 4, MN3-3 unit 5 */
	static const size_t unit[] = { 1, 2, 1, 3, 4, 5, 1 };
	static const size_t first[] = { 0, 1, 0, 3, 4, 5, 0 };
	static const bool unk[] = { false, true, false, true, true, false, false };
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(v[i].unit == unit[i] && v[i].first == first[i] &&
				      v[i].unknown == unk[i],
			      "run %zu (%s, '%s'): unit %zu first %zu unknown %d", i, v[i].report,
			      v[i].serial, v[i].unit, v[i].first, v[i].unknown);
	}
	ck_assert_uint_eq(check_impact_units(v, n, &unknown), 5);
	ck_assert_uint_eq(unknown, 3);
	free(v);
	/* none: no units, nothing unknown */
	ck_assert_uint_eq(check_impact_units(NULL, 0, &unknown), 0);
	ck_assert_uint_eq(unknown, 0);
}
END_TEST

/* A check only interrupted (its disposition retest: the wrong artifact,
 * an e-stop) keeps the bench closed and says so: run it again; a check
 * that failed says fix the bench and assess the units. Before, both read
 * "failed ... assess units judged since". */
START_TEST(test_an_interrupted_check_closes_the_gate_as_interrupted_not_failed)
{
	static const char head[] = "\"timestamp\",\"station\",\"pen_serial\",\"profile\","
				   "\"verdict\",\"reason\",\"report_file\",\"reason_code\","
				   "\"disposition\"\r\n";
	summary_with(head, "\"2026-11-30T06:00:00Z\",\"ST1\",\"GP-1\",\"bench-check\",\"PASS\","
			   "\"ok\",\"c1.csv\",\"\",\"\"\r\n"
			   "\"2026-11-30T07:00:00Z\",\"ST1\",\"GP-2\",\"bench-check\","
			   "\"ABORTED\",\"identify: serial mismatch\",\"c2.csv\",\"wrong_pen\","
			   "\"retest\"\r\n");
	struct rig_err err = { 0 };
	struct check_status st;
	ck_assert_int_eq(check_status_read(dir, "ST1", &st, &err), RIG_OK);
	ck_assert_int_eq(st.state, CHECK_FAILED);
	ck_assert(st.interrupted);
	time_t now = check_parse_time("2026-11-30T07:05:00Z");
	ck_assert_int_eq(check_gate(dir, "ST1", 8, now, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "the last bench check of ST1, at 2026-11-30T07:00:00Z "
				      "(c2.csv), was interrupted (wrong_pen): run rig check again"),
		      "%s", err.msg);
	char line[256];
	check_status_line(dir, "ST1", 8, now, line, sizeof line);
	ck_assert_str_eq(line, "Bench check: INTERRUPTED at 2026-11-30T07:00:00Z - units cannot "
			       "be judged: run rig check again");
	/* the same check failed by the bench (disposition engineer) */
	summary(ROW("2026-11-30T07:00:00Z", "ST1", "GP-1", "bench-check", "FAIL", "c2.csv"));
	ck_assert_int_eq(check_status_read(dir, "ST1", &st, &err), RIG_OK);
	ck_assert(!st.interrupted);
	check_status_line(dir, "ST1", 8, now, line, sizeof line);
	ck_assert_msg(strstr(line, "FAILED at"), "%s", line);
}
END_TEST

/* A check that passes after one that failed lists the runs judged between
 * them (no failed check's list has them); an interrupted check between is
 * no failure, a pass before it ends the span. Before, none were listed. */
START_TEST(test_a_pass_after_a_failure_lists_the_runs_judged_between)
{
	static const char head[] = "\"timestamp\",\"station\",\"pen_serial\",\"profile\","
				   "\"verdict\",\"reason\",\"report_file\",\"disposition\"\r\n";
#define R8(ts, serial, profile, verdict, file, disp) \
	"\"" ts "\",\"ST1\",\"" serial "\",\"" profile "\",\"" verdict "\",\"r\",\"" file \
	"\",\"" disp "\"\r\n"
	summary_with(head,
		     R8("2026-11-30T06:00:00Z", "GP-1", "bench-check", "PASS", "c1", "")
		     R8("2026-11-30T06:10:00Z", "MN3-1", "p", "PASS", "r1", "")
		     R8("2026-11-30T07:00:00Z", "GP-1", "bench-check", "FAIL", "c2", "engineer")
		     R8("2026-11-30T07:10:00Z", "MN3-2", "p", "PASS", "r2", "")
		     R8("2026-11-30T07:20:00Z", "GP-1", "bench-check", "ABORTED", "c3", "retest")
		     R8("2026-11-30T07:30:00Z", "MN3-3", "p", "ABORTED", "r3", "retest")
		     R8("2026-11-30T07:40:00Z", "unknown", "p", "FAIL", "r4", "reject")
		     R8("2026-11-30T08:00:00Z", "GP-1", "bench-check", "PASS", "c4", ""));
	struct rig_err err = { 0 };
	struct check_impact *v;
	size_t n;
	char failed[32];
	ck_assert_int_eq(check_unchecked_list(dir, "ST1", &v, &n, failed, sizeof failed, &err),
			 RIG_OK);
	ck_assert_str_eq(failed, "2026-11-30T07:00:00Z");
	ck_assert_uint_eq(n, 2); /* r2 and r4: not r1 (before the failure), not r3 (ABORTED) */
	ck_assert_str_eq(v[0].report, "r2");
	ck_assert_str_eq(v[1].report, "r4");
	ck_assert(v[1].unknown);
	free(v);
	/* another pass after it: nothing between */
	summary_with(head,
		     R8("2026-11-30T07:00:00Z", "GP-1", "bench-check", "FAIL", "c2", "engineer")
		     R8("2026-11-30T08:00:00Z", "GP-1", "bench-check", "PASS", "c4", "")
		     R8("2026-11-30T08:10:00Z", "MN3-5", "p", "PASS", "r5", "")
		     R8("2026-11-30T09:00:00Z", "GP-1", "bench-check", "PASS", "c5", ""));
	ck_assert_int_eq(check_unchecked_list(dir, "ST1", &v, &n, failed, sizeof failed, &err),
			 RIG_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(failed, "");
	free(v);
#undef R8
}
END_TEST

START_TEST(test_a_pass_after_a_failure_opens_the_gate_again)
{
	summary(ROW("2026-11-30T06:00:00Z", "ST1", "GP-1", "bench-check", "FAIL", "c1.csv")
		ROW("2026-11-30T06:30:00Z", "ST1", "GP-1", "bench-check", "PASS", "c2.csv"));
	struct rig_err err = { 0 };
	ck_assert_int_eq(check_gate(dir, "ST1", 8, check_parse_time("2026-11-30T07:00:00Z"), &err),
			 RIG_OK);
}
END_TEST

START_TEST(test_calibrations_line_gives_due_dates_of_real_devices_only)
{
	struct fixture f;
	struct rig_err err = { 0 };
	ck_assert_msg(fixture_load(&f, SRCDIR "/fixtures/pi-bench.ini", &err) == RIG_OK, "%s",
		      err.msg);
	char iso[32], line[256];
	snprintf(iso, sizeof iso, "%sT00:00:00Z", f.laser.zero_date);
	time_t t = check_parse_time(iso);
	int valid = f.bench.calibration_valid_days;
	check_calibrations_line(&f, t + 10 * 86400, line, sizeof line);
	char want[64];
	ck_assert_msg(strstr(line, "Calibrations due: laser zero") && strstr(line, "load cell span"),
		      "%s", line);
	snprintf(want, sizeof want, "(in %d d)", valid - 10);
	ck_assert_msg(strstr(line, want), "%s: no '%s'", line, want);
	check_calibrations_line(&f, t + (valid + 3) * 86400, line, sizeof line);
	ck_assert_msg(strstr(line, "laser zero EXPIRED"), "%s", line);
	ck_assert_msg(!strstr(line, "pad ring bound"), "%s", line); /* none set */
	/* The pad's ring bound: its value, its exposure, and whether a run at
	 * the fixture's exposure uses it. */
	f.laser.ring_max_um = 2.46;
	f.laser.ring_exposure_us = 250;
	snprintf(f.laser.ring_date, sizeof f.laser.ring_date, "%s", f.laser.zero_date);
	f.laser.exposure_us = 250;
	check_calibrations_line(&f, t + 10 * 86400, line, sizeof line);
	ck_assert_msg(strstr(line, ", pad ring bound (2.46 um at 250 us) "), "%s", line);
	f.laser.exposure_us = 200;
	check_calibrations_line(&f, t + 10 * 86400, line, sizeof line);
	ck_assert_msg(strstr(line, ", pad ring bound (2.46 um at 250 us; not used at the "
				   "fixture's 200 us) "), "%s", line);
	/* stating none, the sensor's exposure decides as the laser opens */
	f.laser.exposure_us = 0;
	check_calibrations_line(&f, t + 10 * 86400, line, sizeof line);
	ck_assert_msg(strstr(line, ", pad ring bound (2.46 um at 250 us; used if the sensor's "
				   "exposure is that) "), "%s", line);
	fixture_free(&f);
	ck_assert(fixture_load(&f, SRCDIR "/fixtures/sim.ini", &err) == RIG_OK);
	check_calibrations_line(&f, t + 1000 * 86400, line, sizeof line);
	ck_assert_str_eq(line, ""); /* the virtual bench's devices do not expire */
	fixture_free(&f);
}
END_TEST

/* Which checks found nothing (their units not in question) from their
 * summary rows: one e-stopped after a point failed (safety, engineer) is a
 * failed check; one refused by a calibration's date (bench_calibration)
 * found nothing, and a pass after it lists nothing. Before, the first read
 * "interrupted" (it was recorded retest) and the second "failed". */
START_TEST(test_a_check_stopped_after_a_failed_point_failed_one_refused_found_nothing)
{
	static const char head[] = "\"timestamp\",\"station\",\"pen_serial\",\"profile\","
				   "\"verdict\",\"reason\",\"report_file\",\"reason_code\","
				   "\"disposition\"\r\n";
#define R9(ts, serial, profile, verdict, file, code, disp) \
	"\"" ts "\",\"ST1\",\"" serial "\",\"" profile "\",\"" verdict "\",\"r\",\"" file \
	"\",\"" code "\",\"" disp "\"\r\n"
	ck_assert(check_found_nothing("safety", "retest"));
	ck_assert(check_found_nothing("bench_calibration", "engineer"));
	ck_assert(!check_found_nothing("safety", "engineer"));
	ck_assert(!check_found_nothing("out_of_tolerance", "engineer"));
	ck_assert(!check_found_nothing("", ""));
	summary_with(head,
		     R9("2026-11-30T06:00:00Z", "GP-1", "bench-check", "PASS", "c1", "", "")
		     R9("2026-11-30T07:00:00Z", "GP-1", "bench-check", "ABORTED", "c2",
			"safety", "engineer"));
	struct rig_err err = { 0 };
	struct check_status st;
	time_t now = check_parse_time("2026-11-30T07:05:00Z");
	ck_assert_int_eq(check_status_read(dir, "ST1", &st, &err), RIG_OK);
	ck_assert_int_eq(st.state, CHECK_FAILED);
	ck_assert(!st.interrupted);
	ck_assert_int_eq(check_gate(dir, "ST1", 8, now, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "bench check of ST1 failed at 2026-11-30T07:00:00Z (c2): "
				      "fix the bench, pass rig check; assess units judged since "
				      "2026-11-30T06:00:00Z"),
		      "%s", err.msg);
	summary_with(head,
		     R9("2026-11-30T06:00:00Z", "GP-1", "bench-check", "PASS", "c1", "", "")
		     R9("2026-11-30T06:10:00Z", "MN3-1", "p", "PASS", "r1", "", "")
		     R9("2026-11-30T07:00:00Z", "GP-1", "bench-check", "ABORTED", "c2",
			"bench_calibration", "engineer"));
	ck_assert_int_eq(check_status_read(dir, "ST1", &st, &err), RIG_OK);
	ck_assert(st.interrupted);
	ck_assert_int_eq(check_gate(dir, "ST1", 8, now, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "was interrupted (bench_calibration): run rig check again"),
		      "%s", err.msg);
	/* a pass after it: r1 was judged after a pass, not after a failure */
	summary_with(head,
		     R9("2026-11-30T06:00:00Z", "GP-1", "bench-check", "PASS", "c1", "", "")
		     R9("2026-11-30T06:10:00Z", "MN3-1", "p", "PASS", "r1", "", "")
		     R9("2026-11-30T07:00:00Z", "GP-1", "bench-check", "ABORTED", "c2",
			"bench_calibration", "engineer")
		     R9("2026-11-30T08:00:00Z", "GP-1", "bench-check", "PASS", "c3", "", ""));
	struct check_impact *v;
	size_t n;
	char failed[32];
	ck_assert_int_eq(check_unchecked_list(dir, "ST1", &v, &n, failed, sizeof failed, &err),
			 RIG_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(failed, "");
	free(v);
#undef R9
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_no_summary_means_never_checked_and_refused);
	tcase_add_test(tc, test_fresh_pass_opens_the_gate_and_it_closes_when_overdue);
	tcase_add_test(tc, test_failed_check_closes_the_gate_and_lists_the_units_since_the_last_pass);
	tcase_add_test(tc, test_a_pass_after_a_failure_opens_the_gate_again);
	tcase_add_test(tc, test_calibrations_line_gives_due_dates_of_real_devices_only);
	tcase_add_test(tc, test_impact_list_numbers_units_a_retest_shares_one_unknowns_do_not);
	tcase_add_test(tc, test_an_interrupted_check_closes_the_gate_as_interrupted_not_failed);
	tcase_add_test(tc, test_a_pass_after_a_failure_lists_the_runs_judged_between);
	tcase_add_test(tc, test_a_check_stopped_after_a_failed_point_failed_one_refused_found_nothing);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
