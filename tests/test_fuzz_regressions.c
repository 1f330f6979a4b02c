/* test_fuzz_regressions.c - inputs the fuzz targets (tests/fuzz/) found,
 * each replayed against the code it broke, with what must happen now.
 * (The fixture loader's find, a value without a key, is in the malformed
 * fixture corpus: tests/data/fixtures/empty-key.ini.) */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/capture.h"
#include "measure/stroke.h"

#define DATA SRCDIR "/tests/data/fuzz/"

/* fuzz_capture_csv: a garbled trace with a distance of 12e107 mm (strtod
 * takes "12.E107") taught the stroke engine a shape of 1e110 um, and
 * `rig analyze` reported "depth: -nan um" with status ok and exit 0. The
 * reader now refuses distances no ILD1420 can report, with the line (the
 * file's first faults, line 57 with five fields and line 64 with a NUL
 * byte, the next test, are refused first; here those rows are blanked to
 * reach the distance). */
START_TEST(test_trace_csv_with_impossible_distance_is_refused_with_its_line)
{
	FILE *file = fopen(DATA "capture_csv-huge-distance.csv", "rb");
	ck_assert_ptr_nonnull(file);
	static char text[4096];
	size_t n = fread(text, 1, sizeof text, file);
	fclose(file);
	/* Blank out line 64's NUL row and line 57's row of five fields,
	 * keeping the line count. */
	char *rows[] = { memchr(text, '\0', n), strstr(text, "\n377,12.9582,0,11.8818,0\n") };
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *row = rows[i];
		ck_assert_ptr_nonnull(row);
		row += *row == '\n';
		while (row > text && row[-1] != '\n')
			row--;
		for (; *row != '\n' || row == text; row++)
			*row = ' ';
	}
	FILE *in = fmemopen(text, n, "rb");
	ck_assert_ptr_nonnull(in);
	struct measure *m = NULL;
	struct measure_config mc = { .rate_hz = 4000, .zero_mm = 12.5 };
	struct rig_err err = { 0 };
	ck_assert_int_eq(measure_create(&m, &mc, &err), RIG_OK);
	struct capture_info info;
	enum rig_rc rc = capture_feed(in, "t.csv", CAPTURE_CSV, 10, m, &info, &err);
	ck_assert_int_eq(rc, RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "t.csv:69: dist_mm: expected a distance within +-1000 mm"),
		      "%s", err.msg);
	measure_free(m);
	fclose(in);
}
END_TEST

/* The same file held "01\0=5904" as a distance, which the reader took for
 * 1 mm (strtod stops at the NUL). A NUL in a field now fails the row. */
START_TEST(test_trace_csv_with_nul_in_a_field_is_refused_with_its_line)
{
	static const char text[] = "slot,dist_mm,status\n0,12.5,0\n1,01\0=5904,0\n2,12.6,0\n";
	FILE *in = fmemopen((void *)text, sizeof text - 1, "rb");
	ck_assert_ptr_nonnull(in);
	struct measure *m = NULL;
	struct measure_config mc = { .rate_hz = 4000, .zero_mm = 12.5 };
	struct rig_err err = { 0 };
	ck_assert_int_eq(measure_create(&m, &mc, &err), RIG_OK);
	struct capture_info info;
	ck_assert_int_eq(capture_feed(in, "t.csv", CAPTURE_CSV, 10, m, &info, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "t.csv:3: expected text, found a NUL byte"), "%s", err.msg);
	measure_free(m);
	fclose(in);
}
END_TEST

/* The engine on its own, fed the same samples (every row that parses,
 * impossible distances included): whatever it makes of them, a depth or
 * rate it reports is a number, never NaN or infinite. */
START_TEST(test_engine_never_reports_a_non_finite_depth_from_absurd_samples)
{
	FILE *in = fopen(DATA "capture_csv-huge-distance.csv", "rb");
	ck_assert_ptr_nonnull(in);
	struct measure *m = NULL;
	struct measure_config mc = { .rate_hz = 4000, .zero_mm = 12.5 };
	struct rig_err err = { 0 };
	ck_assert_int_eq(measure_create(&m, &mc, &err), RIG_OK);
	/* Rows split as the reader did before the fix: fields cut at a NUL
	 * byte (the file has "01\0=5904", which it took for 1 mm). */
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t next = 0;
	size_t pushed = 0;
	while ((len = getline(&line, &cap, in)) > 0) {
		char f[3][64] = { "", "", "" };
		ssize_t at = 0;
		for (int k = 0; k < 3 && at < len; k++) {
			const char *comma = memchr(line + at, ',', (size_t)(len - at));
			ssize_t end = comma ? comma - line : len;
			size_t n = (size_t)(end - at) < sizeof f[k] - 1 ? (size_t)(end - at)
								    : sizeof f[k] - 1;
			memcpy(f[k], line + at, n);
			f[k][n] = '\0';
			f[k][strcspn(f[k], "\r\n")] = '\0';
			at = end + 1;
		}
		char *end;
		unsigned long long slot = strtoull(f[0], &end, 10);
		if (!f[0][0] || *end)
			continue; /* the header, a blank line */
		long status = strtol(f[2], &end, 10);
		if (*end || status < 0 || status >= LASER_STATUS_COUNT || slot < next)
			continue;
		struct laser_sample s = { .slot = slot, .status = (enum laser_status)status,
					  .dist_mm = status == 0 ? strtod(f[1], NULL) : NAN };
		ck_assert_int_eq(measure_push(m, &s, 1, &err), RIG_OK);
		next = slot + 1;
		pushed++;
	}
	free(line);
	fclose(in);
	ck_assert_uint_gt(pushed, 50);
	measure_finish(m);
	struct measure_stats st;
	measure_result(m, &st);
	if (st.has_depth)
		ck_assert_msg(isfinite(st.depth_mean_um) && isfinite(st.depth_std_um) &&
				      isfinite(st.depth_U_um),
			      "depth %g +- %g, std %g", st.depth_mean_um, st.depth_U_um,
			      st.depth_std_um);
	if (st.has_freq)
		ck_assert(isfinite(st.freq_hz) && isfinite(st.freq_U_hz));
	measure_free(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fuzz_regressions");
	TCase *tc = tcase_create("found");
	tcase_add_test(tc, test_trace_csv_with_impossible_distance_is_refused_with_its_line);
	tcase_add_test(tc, test_trace_csv_with_nul_in_a_field_is_refused_with_its_line);
	tcase_add_test(tc, test_engine_never_reports_a_non_finite_depth_from_absurd_samples);
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
