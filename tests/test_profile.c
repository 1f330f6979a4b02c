/* test_profile.c - test profiles: the shipped ones load with their values,
 * and every class of broken profile is refused with file:line and
 * RIG_E_DATA. The corpus lives in tests/data/profiles/. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/profile.h"
#include "support/testutil.h"

#define PROFILES SRCDIR "/profiles/"
#define CORPUS SRCDIR "/tests/data/profiles/"

START_TEST(test_production_profile_loads_with_its_values)
{
	struct profile p;
	struct rig_err err = { 0 };
	ck_assert_msg(profile_load(&p, PROFILES "production-p25.ini", &err) == RIG_OK, "%s",
		      err.msg);
	ck_assert_str_eq(p.name, "production-p25");
	ck_assert_str_eq(p.version, "2.0");
	ck_assert_str_eq(p.pen_model, "MN-300");
	ck_assert(p.has_calibrate);
	ck_assert_uint_eq(p.calibrate.depth_points_um.n, 6);
	ck_assert_double_eq(p.calibrate.depth_points_um.v[5], 2500);
	ck_assert_uint_eq(p.calibrate.freq_points_hz.n, 5);
	ck_assert_uint_eq(p.calibrate.window.window_strokes, 0);
	ck_assert_double_eq(p.calibrate.window.window_s, 0);
	ck_assert_uint_eq(p.calibrate.window.min_strokes, 20);
	ck_assert_uint_eq(p.calibrate.window.max_strokes, 120);
	ck_assert_double_eq_tol(p.calibrate.window.u_fraction, 0.1, 1e-12);
	ck_assert(p.calibrate.window.settle_detect);
	ck_assert_double_eq_tol(p.calibrate.max_invalid_fraction, 0.05, 1e-12);
	ck_assert_double_eq(p.verify.depth_tolerance_um, 100);
	ck_assert_double_eq(p.verify.window.window_s, 0);
	ck_assert_uint_eq(p.verify.window.min_strokes, 20);
	ck_assert(p.verify.window.settle_detect);
	ck_assert(p.verify.paired_points);
	ck_assert_uint_eq(profile_verify_points(&p), 6);
	ck_assert_int_eq(p.verify.decision_rule, DECISION_GUARDED);
	ck_assert_double_eq(p.pen.depth_max_um, 2500);
	ck_assert_int_gt(profile_line(&p, "verify", "decision_rule"), 40);
	ck_assert_int_eq(profile_line(&p, "verify", "no_such_key"), 0);
	ck_assert_uint_eq(strlen(p.sha256), 64);
}
END_TEST

/* The conformance rule (three states, JCGM 106) with its level: 95 % unless
 * the profile says; the rule needs the run's INDETERMINATE verdict, which
 * exists, so a profile may ask for it. */
START_TEST(test_conformance_rule_loads_with_its_level)
{
	struct profile p;
	struct rig_err err = { 0 };
	ck_assert_msg(profile_load(&p, CORPUS "conformance-p25.ini", &err) == RIG_OK, "%s",
		      err.msg);
	ck_assert_int_eq(p.verify.decision_rule, DECISION_CONFORMANCE);
	ck_assert_double_eq(p.verify.conformance_level_pct, 95);
	ck_assert_msg(profile_load(&p, PROFILES "audit-p25.ini", &err) == RIG_OK, "%s", err.msg);
	ck_assert_double_eq(p.verify.conformance_level_pct, 95); /* the default */
}
END_TEST

START_TEST(test_audit_profile_is_verify_only)
{
	struct profile p;
	struct rig_err err = { 0 };
	ck_assert_msg(profile_load(&p, PROFILES "audit-p25.ini", &err) == RIG_OK, "%s", err.msg);
	ck_assert(!p.has_calibrate);
	ck_assert_uint_eq(p.verify.depth_points_um.n, 10);
	ck_assert_uint_eq(p.verify.freq_points_hz.n, 9);
	ck_assert_str_eq(p.pen_model, "MN-300");
}
END_TEST

START_TEST(test_production_run_fits_in_30_s_of_bench_time)
{
	struct profile p;
	struct profile_time t;
	struct rig_err err = { 0 };
	ck_assert_int_eq(profile_load(&p, PROFILES "production-p25.ini", &err), RIG_OK);
	profile_estimate_time(&p, true, -1, &t);
	/* The parts add up, and the worst case counts the preload's timeout. */
	ck_assert_double_eq_tol(t.total_s, t.identify_s + t.preload_s + t.calibrate_s + t.verify_s +
						   t.report_s, 1e-9);
	ck_assert_double_eq_tol(t.total_max_s - t.total_s, t.preload_max_s - t.preload_s, 1e-9);
	ck_assert_double_le(t.total_max_s, 30.0);
	/* Verify-only: no calibration counted. */
	struct profile_time v;
	profile_estimate_time(&p, false, -1, &v);
	ck_assert_double_eq(v.calibrate_s, 0);
	/* ... and the run's first zero check is verify's then (zero_check.c) */
	ck_assert_double_eq_tol(v.verify_s, t.verify_s + PROFILE_ZERO_CHECK_S, 1e-9);
	ck_assert_uint_lt(v.points, t.points);
}
END_TEST

/* The hash is of the exact bytes: compare with coreutils' sha256sum. */
START_TEST(test_profile_hash_matches_sha256sum)
{
	struct profile p;
	struct rig_err err = { 0 };
	ck_assert_int_eq(profile_load(&p, PROFILES "production-p25.ini", &err), RIG_OK);
	FILE *f = popen("sha256sum '" PROFILES "production-p25.ini'", "r");
	if (!f)
		return; /* no shell: the FIPS vectors in test_sha256 still hold */
	char line[128] = "";
	char *got = fgets(line, sizeof line, f);
	int st = pclose(f);
	if (!got || st != 0)
		return;
	ck_assert_int_eq(strncmp(line, p.sha256, 64), 0);
}
END_TEST

START_TEST(test_one_changed_byte_changes_the_hash)
{
	char *dir = tu_tmpdir();
	char *text = tu_read(PROFILES "production-p25.ini");
	char *p1 = tu_write(dir, "a.ini", text);
	char *changed = tu_replace(text, "version = 2.0", "version = 2.1");
	char *p2 = tu_write(dir, "b.ini", changed);
	struct profile a, b;
	struct rig_err err = { 0 };
	ck_assert_int_eq(profile_load(&a, p1, &err), RIG_OK);
	ck_assert_int_eq(profile_load(&b, p2, &err), RIG_OK);
	ck_assert_str_ne(a.sha256, b.sha256);
	tu_rmtree(dir);
	free(dir), free(text), free(changed), free(p1), free(p2);
}
END_TEST

/* Each malformed profile and the message it must get (a substring that
 * starts with the file name and, where a line exists, the line). */
static const struct {
	const char *file;
	const char *want;
} corpus[] = {
	{ "truncated.ini", "truncated.ini:36: expected '[section]' or 'key = value'" },
	{ "truncated-keys.ini", "truncated-keys.ini: [verify] nominal_freq_hz is required and missing (the section's keys start at line 38)" },
	{ "binary.ini", "binary.ini:3: expected text, found a NUL byte" },
	{ "huge-line.ini", "huge-line.ini:17: line is 490 characters long, at most 197 allowed" },
	{ "duplicate-key.ini", "duplicate-key.ini:31: [calibrate] settle_ms given again (first at line 30)" },
	{ "wrong-unit.ini", "wrong-unit.ini:26: [calibrate] unknown key 'depth_points_mm': expected 'depth_points_um' (keys carry their unit: um)" },
	{ "out-of-range.ini", "out-of-range.ini:38: depth_points_um: expected points inside the pen's 250..2500 um, found 3500, above the pen's 2500 um limit ([pen] depth_max_um)" },
	{ "below-range.ini", "below-range.ini:39: freq_points_hz: expected points inside the pen's 80..160 Hz, found 50, below the pen's 80 Hz limit ([pen] freq_min_hz)" },
	{ "missing-section.ini", "missing-section.ini: expected a [verify] section (every profile has [profile], [pen] and [verify]), found none" },
	{ "unsorted-points.ini", "unsorted-points.ini:26: depth_points_um: expected points in increasing order, found 1000 after 1500" },
	{ "duplicate-point.ini", "duplicate-point.ini:27: freq_points_hz: expected each point once, found 100 twice" },
	{ "empty-list.ini", "empty-list.ini:39: freq_points_hz: expected a list of points (e.g. 250, 500, 1000), found nothing" },
	{ "empty-item.ini", "empty-item.ini:39: freq_points_hz: expected a number for point 2, found an empty item" },
	{ "zero-tolerance.ini", "zero-tolerance.ini:42: depth_tolerance_um: expected more than 0..10000 um, found 0" },
	{ "negative-tolerance.ini", "negative-tolerance.ini:44: freq_tolerance_pct: expected more than 0..100 %, found -2" },
	{ "preload-inverted.ini", "preload-inverted.ini:46: preload_max_n: expected more than preload_min_n (3 N, line 45), found 1 N (window inverted or empty)" },
	{ "unknown-section.ini", "unknown-section.ini:38: unknown section [verfy] (expected profile, pen, calibrate, verify, quality or disposition)" },
	{ "unknown-key.ini", "unknown-key.ini:31: [calibrate] unknown key 'settle_time': expected 'settle_ms' (keys carry their unit: ms)" },
	{ "missing-key.ini", "missing-key.ini: [verify] depth_tolerance_um is required and missing (the section's keys start at line 38)" },
	{ "both-windows.ini", "both-windows.ini:50: [verify] expected one window kind (window_s, window_strokes or a sequential window), found window_s and window_strokes" },
	{ "no-window.ini", "no-window.ini: [verify] window_s, window_strokes or a sequential window (window_min_strokes, window_max_strokes, window_u_fraction) is required and missing" },
	/* Sequential windows, detected settling and paired points (issue 19). */
	{ "seq-and-time-window.ini", "seq-and-time-window.ini:62: [verify] expected one window kind (window_s, window_strokes or a sequential window), found window_s and a sequential window" },
	{ "seq-partial.ini", "seq-partial.ini:37: [calibrate] a sequential window needs window_max_strokes too, and it is missing" },
	{ "seq-max-below-min.ini", "seq-max-below-min.ini:38: window_max_strokes: expected at least window_min_strokes (40), found 20" },
	{ "settle-detect-fixed.ini", "settle-detect-fixed.ini:58: settle_detect: expected a sequential window in [verify] (its targets say when the strokes are steady), found window_s" },
	{ "settle-detect-word.ini", "settle-detect-word.ini:36: settle_detect: expected yes or no, found 'true'" },
	{ "paired-unequal.ini", "paired-unequal.ini:48: paired_points: expected as many depth_points_um as freq_points_hz, found 6 and 5" },
	{ "bad-rule.ini", "bad-rule.ini:51: decision_rule: expected simple, guarded or conformance, found 'strict'" },
	{ "not-a-number.ini", "not-a-number.ini:29: nominal_freq_hz: expected a number, found '120 Hz'" },
	{ "nominal-outside.ini", "nominal-outside.ini:40: nominal_depth_um: expected points inside the pen's 250..2500 um, found 2600, above" },
	{ "pen-limits-inverted.ini", "pen-limits-inverted.ini:21: depth_max_um: expected more than depth_min_um (2500 um), found 250 um" },
	{ "key-before-section.ini", "key-before-section.ini:1: expected a [section] before 'name'" },
	{ "syntax-error.ini", "syntax-error.ini:20: expected '[section]' or 'key = value', found something else" },
	{ "bad-name.ini", "bad-name.ini:14: name: expected only letters, digits, '.', '_' and '-', found byte 0x20 at 11" },
	{ "indented-key.ini", "indented-key.ini:30: expected a line that does not start with a space or tab (an indented line would continue the previous value)" },
	{ "empty-calibrate.ini", "empty-calibrate.ini: [calibrate] has no keys (remove the section for a verify-only profile)" },
	{ "empty.ini", "empty.ini: expected a [profile] section" },
	/* Found by the fuzzer (tests/fuzz/fuzz_profile.c's sibling for
	 * fixtures): a value without a key was accepted. */
	{ "empty-key.ini", "empty-key.ini:30: expected 'key = value', found a value without a key" },
	{ "cr-only.ini", "cr-only.ini:1: expected LF or CR LF line ends, found a lone CR" },
	/* CR LF and a byte order mark are fine: the error's line is right. */
	{ "crlf-error.ini", "crlf-error.ini:51: decision_rule: expected simple, guarded or conformance, found 'strict'" },
	{ "bom-error.ini", "bom-error.ini:51: decision_rule: expected simple, guarded or conformance, found 'strict'" },
	{ "huge.ini", "huge.ini: expected at most 65536 bytes, the file is larger" },
{ "level-without-conformance.ini", "level-without-conformance.ini:36: conformance_level_pct: expected only with decision_rule = conformance, found decision_rule = guarded" },
	{ "level-out-of-range.ini", "level-out-of-range.ini:36: conformance_level_pct: expected " },
	{ "control-in-name.ini", "control-in-name.ini:14: name: expected only letters, digits, '.', '_' and '-', found byte 0x1B at 2" },
};

START_TEST(test_malformed_profile_is_refused_with_file_line_and_data_error)
{
	struct profile p;
	struct rig_err err = { 0 };
	char path[512];
	snprintf(path, sizeof path, CORPUS "%s", corpus[_i].file);
	enum rig_rc rc = profile_load(&p, path, &err);
	ck_assert_msg(rc == RIG_E_DATA, "%s: rc %d (%s)", corpus[_i].file, rc, err.msg);
	ck_assert_int_eq(rig_exit_code(rc), 65);
	ck_assert_msg(strstr(err.msg, corpus[_i].want), "%s:\n want %s\n got  %s", corpus[_i].file,
		      corpus[_i].want, err.msg);
}
END_TEST

START_TEST(test_missing_profile_file_is_named)
{
	struct profile p;
	struct rig_err err = { 0 };
	ck_assert_int_eq(profile_load(&p, "/nonexistent/x.ini", &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "/nonexistent/x.ini") && strstr(err.msg, "No such file"),
		      "%s", err.msg);
}
END_TEST

START_TEST(test_too_many_points_is_refused)
{
	char *dir = tu_tmpdir();
	char *text = tu_read(PROFILES "audit-p25.ini");
	char list[1024] = "depth_points_um = 250";
	for (int i = 1; i <= PROFILE_MAX_POINTS; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), ", %d", 250 + i * 5);
	char *changed = tu_replace(text, "depth_points_um = 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500", list);
	ck_assert_ptr_nonnull(changed);
	char *path = tu_write(dir, "many.ini", changed);
	struct profile p;
	struct rig_err err = { 0 };
	ck_assert_int_eq(profile_load(&p, path, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "many.ini:22: depth_points_um: expected at most 32 points"),
		      "%s", err.msg);
	tu_rmtree(dir);
	free(dir), free(text), free(changed), free(path);
}
END_TEST

/* The stroke engine's quality gates: defaults when [quality] is left out,
 * the keys when given, a bad drift mode refused with file and line. */
START_TEST(test_quality_gates_have_defaults_and_are_read)
{
	const char *path = "q.ini"; /* named in messages only: read from memory */
	FILE *in = fopen(PROFILES "production-p25.ini", "r");
	ck_assert_ptr_nonnull(in);
	char text[16384];
	size_t n = fread(text, 1, sizeof text - 1, in);
	fclose(in);
	text[n] = 0;
	struct profile p;
	struct rig_err err = { 0 };
	ck_assert_int_eq(profile_load_memory(&p, path, text, n, &err), RIG_OK);
	ck_assert_double_eq(p.quality.max_noise_pct, 5);
	ck_assert_double_eq(p.quality.max_rate_change_pct, 0);
	ck_assert_int_eq(p.quality.drift, MEASURE_DRIFT_FLAG);
	ck_assert_double_eq(p.quality.max_phase_gap_pct, 3.5);
	char more[17000];
	int m = snprintf(more, sizeof more, "%s\n[quality]\nmax_noise_pct = 2\nmax_rate_change_pct = 1.5\n"
			 "max_drift_um = 3\ndrift = correct\nmax_phase_gap_pct = 0\n", text);
	ck_assert_int_eq(profile_load_memory(&p, path, more, (size_t)m, &err), RIG_OK);
	ck_assert_double_eq(p.quality.max_noise_pct, 2);
	ck_assert_double_eq(p.quality.max_rate_change_pct, 1.5);
	ck_assert_double_eq(p.quality.max_drift_um, 3);
	ck_assert_int_eq(p.quality.drift, MEASURE_DRIFT_CORRECT);
	ck_assert_double_eq(p.quality.max_phase_gap_pct, 0);
	m = snprintf(more, sizeof more, "%s\n[quality]\ndrift = fix\n", text);
	ck_assert_int_ne(profile_load_memory(&p, path, more, (size_t)m, &err), RIG_OK);
	ck_assert_msg(strstr(err.msg, "drift") && strstr(err.msg, "expected flag or correct"), "%s", err.msg);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_production_profile_loads_with_its_values);
	tcase_add_test(tc, test_audit_profile_is_verify_only);
	tcase_add_test(tc, test_conformance_rule_loads_with_its_level);
	tcase_add_test(tc, test_production_run_fits_in_30_s_of_bench_time);
	tcase_add_test(tc, test_profile_hash_matches_sha256sum);
	tcase_add_test(tc, test_quality_gates_have_defaults_and_are_read);
	tcase_add_test(tc, test_one_changed_byte_changes_the_hash);
	tcase_add_loop_test(tc, test_malformed_profile_is_refused_with_file_line_and_data_error, 0,
			    (int)(sizeof corpus / sizeof corpus[0]));
	tcase_add_test(tc, test_missing_profile_file_is_named);
	tcase_add_test(tc, test_too_many_points_is_refused);
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
