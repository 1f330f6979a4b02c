/* test_report.c - CSV reports: columns, verdict, empty numbers, file names,
 * formula neutralising, journal recovery after a crash, atomic publishing,
 * summary.csv under concurrent writers, and an unwritable folder. */
#include <check.h>

#include "core/version.h"
#include <csv.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure/stroke.h"
#include "run/report.h"
#include "run/text.h"
#include "support/testutil.h"

static char *dir;

/* Rows every report starts with (report_journal.c start_rows). */
#define NSTART 15

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

/* 2026-11-21T10:15:00Z */
#define T0 ((time_t)1795256100)

static void meta(struct report_meta *m, const char *serial)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(report_meta_init(m, &err), RIG_OK);
	m->started = T0;
	snprintf(m->station, sizeof m->station, "LINE1-ST3");
	snprintf(m->operator_name, sizeof m->operator_name, "J. Doe");
	report_meta_set_pen(m, "DP-25", serial, "1.4.2");
	snprintf(m->profile, sizeof m->profile, "production-p25");
	snprintf(m->profile_version, sizeof m->profile_version, "1.0");
	snprintf(m->profile_sha256, sizeof m->profile_sha256, "%064d", 0);
	snprintf(m->fixture_path, sizeof m->fixture_path, "fixtures/sim.ini");
	snprintf(m->laser_zero_date, sizeof m->laser_zero_date, "2026-11-20");
	snprintf(m->loadcell_cal_date, sizeof m->loadcell_cal_date, "2026-11-19");
}

/* Parse CSV text into rows of fields (strict); returns the row count. */
struct table {
	char *cell[256][48];
	int nf[256];
	int nrows;
	int cur;
};

static void tf(void *s, size_t len, void *u)
{
	struct table *t = u;
	if (t->nrows < 256 && t->nf[t->nrows] < 48)
		t->cell[t->nrows][t->nf[t->nrows]++] = strndup(s ? s : "", len);
}

static void tr(int c, void *u)
{
	(void)c;
	((struct table *)u)->nrows++;
}

static void parse_csv(const char *text, struct table *t)
{
	memset(t, 0, sizeof *t);
	struct csv_parser p;
	ck_assert_int_eq(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
	ck_assert_uint_eq(csv_parse(&p, text, strlen(text), tf, tr, t), strlen(text));
	ck_assert_int_eq(csv_fini(&p, tf, tr, t), 0);
	csv_free(&p);
}

static void free_table(struct table *t)
{
	for (int r = 0; r < 256; r++)
		for (int f = 0; f < t->nf[r]; f++)
			free(t->cell[r][f]);
}

static int col(const char *name)
{
	for (int i = 0; i < REPORT_NCOLUMNS; i++)
		if (strcmp(report_columns[i].name, name) == 0)
			return i;
	ck_abort_msg("no column %s", name);
	return -1;
}

static int count_files(const char *suffix)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name), sl = strlen(suffix);
		n += l >= sl && strcmp(de->d_name + l - sl, suffix) == 0;
	}
	closedir(d);
	return n;
}

static char *path_in(const char *name)
{
	char *p = NULL;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

static void add_some_rows(struct report *r)
{
	struct rig_err err = { 0 };
	struct decision d;
	decide_tolerance(&d, 1012.345678, 8, 1000, 100, DECISION_GUARDED, "um");
	ck_assert_int_eq(report_add_judged(r, &(struct report_judged){
							   "verify", "depth_sweep", "depth", "um",
							   1000, 1012.345678, 6.5, 60, 8, &d, NAN, NULL },
						   &err), RIG_OK);
	decide_tolerance(&d, 120.00123, 0.01, 120, 2.4, DECISION_SIMPLE, "Hz");
	ck_assert_int_eq(report_add_judged(r, &(struct report_judged){
							   "verify", "freq_sweep", "freq", "Hz",
							   120, 120.00123, NAN, 60, 0.01, &d, NAN, NULL },
						   &err), RIG_OK);
	ck_assert_int_eq(report_add_bench_time(r, "verify", 8.25, &err), RIG_OK);
}

START_TEST(test_report_has_columns_rows_and_verdict_row)
{
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	meta(&m, "SN-0042");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	add_some_rows(r);
	ck_assert_int_eq(report_finish(r, REPORT_PASS, "all 2 points passed", &err), RIG_OK);
	char want[256];
	snprintf(want, sizeof want, "%s/20261121T101500Z_SN-0042_PASS.csv", dir);
	ck_assert_str_eq(report_file(r), want);

	char *text = tu_read(report_file(r));
	ck_assert_ptr_nonnull(text);
	/* RFC 4180: CRLF after every record, no bare LF, no "nan". */
	for (char *p = strchr(text, '\n'); p; p = strchr(p + 1, '\n'))
		ck_assert_int_eq(p[-1], '\r');
	ck_assert_ptr_null(strstr(text, "nan"));
	ck_assert_ptr_null(strstr(text, "inf"));
	ck_assert(strncmp(text, "\"run_id\",\"timestamp\",\"station\"", 30) == 0);

	struct table t;
	parse_csv(text, &t);
	/* header + start rows + 3 rows + end time + verdict */
	ck_assert_int_eq(t.nrows, 1 + NSTART + 3 + 2);
	for (int i = 0; i < t.nrows; i++)
		ck_assert_int_eq(t.nf[i], REPORT_NCOLUMNS);
	for (int i = 0; i < REPORT_NCOLUMNS; i++)
		ck_assert_str_eq(t.cell[0][i], report_columns[i].name);
	ck_assert_str_eq(t.cell[1][col("run_id")], m.run_id);
	ck_assert_str_eq(t.cell[1][col("timestamp")], "2026-11-21T10:15:00Z");
	ck_assert_str_eq(t.cell[1][col("quantity")], "fixture");
	ck_assert_str_eq(t.cell[1][col("note")], "fixtures/sim.ini");
	ck_assert_str_eq(t.cell[7][col("quantity")], "zero_date");
	ck_assert_str_eq(t.cell[7][col("note")], "2026-11-20");

	char **depth = t.cell[1 + NSTART];
	ck_assert_str_eq(depth[col("phase")], "verify");
	ck_assert_str_eq(depth[col("measured")], "1012.3"); /* to U = 8.0 (GUM 7.2.6) */
	ck_assert_str_eq(depth[col("uncertainty")], "8.0");
	ck_assert_str_eq(depth[col("measured_full")], "1012.34568");
	ck_assert_str_eq(depth[col("uncertainty_full")], "8");
	ck_assert_str_eq(depth[col("low_limit")], "900");  /* the specification */
	ck_assert_str_eq(depth[col("high_limit")], "1100");
	ck_assert_str_eq(depth[col("accept_low")], "908.0");  /* guarded: 900 + U */
	ck_assert_str_eq(depth[col("accept_high")], "1092.0");
	ck_assert_str_eq(depth[col("conformance_probability")], "1.0000");
	ck_assert_str_eq(depth[col("n")], "60");
	ck_assert_str_eq(depth[col("result")], "PASS");
	ck_assert_str_eq(depth[col("rig_version")], rig_version);
	char **freq = t.cell[2 + NSTART];
	ck_assert_str_eq(freq[col("measured")], "120.001"); /* to U = 0.010 */
	ck_assert_str_eq(freq[col("measured_full")], "120.00123"); /* %.6g: 120.001 */
	ck_assert_str_eq(freq[col("accept_low")], "117.6"); /* simple: the spec, as stated */
	ck_assert_str_eq(freq[col("std")], "");               /* missing: empty */
	char **bench = t.cell[3 + NSTART];
	ck_assert_str_eq(bench[col("quantity")], "bench_time");
	ck_assert_str_eq(bench[col("unit")], "s");
	ck_assert_str_eq(bench[col("measured")], "8.250"); /* no U: 4 digits */
	ck_assert_str_eq(bench[col("commanded")], "");
	ck_assert_str_eq(t.cell[4 + NSTART][col("quantity")], "ended_at");
	ck_assert_int_eq(strlen(t.cell[4 + NSTART][col("note")]), 20); /* ISO 8601 UTC */
	char **verdict = t.cell[5 + NSTART];
	ck_assert_str_eq(verdict[col("quantity")], "verdict");
	ck_assert_str_eq(verdict[col("result")], "PASS");
	ck_assert_str_eq(verdict[col("note")], "all 2 points passed");
	free_table(&t);
	free(text);

	/* The journal is gone, no temporary file is left, the summary has it. */
	ck_assert_int_eq(count_files(".journal"), 0);
	ck_assert_int_eq(count_files(".tmp"), 0);
	char *sp = path_in("summary.csv");
	char *sum = tu_read(sp);
	parse_csv(sum, &t);
	ck_assert_int_eq(t.nrows, 2);
	ck_assert_str_eq(t.cell[0][0], "run_id");
	ck_assert_str_eq(t.cell[1][0], m.run_id);
	ck_assert_str_eq(t.cell[1][8], "PASS");
	ck_assert_str_eq(t.cell[1][10], "20261121T101500Z_SN-0042_PASS.csv");
	ck_assert_str_eq(t.cell[1][11], "8.25");
	free_table(&t);
	free(sum);
	free(sp);
	report_close(r);
}
END_TEST

/* A judged row with the measurement's note (why its U is large: the
 * engine's measure_note_rate) keeps the decision's reason first and adds
 * the note after "; "; an empty note adds nothing. */
START_TEST(test_judged_row_note_adds_the_measurements_note_after_the_reason)
{
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	meta(&m, "SN-0043");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	struct measure_stats st = { .has_freq = true, .count_unsure = 1,
				    .count_unsure_ms = 80.2, .count_unsure_lo = 9,
				    .count_unsure_hi = 11 };
	char why[MEASURE_NOTE_MAX];
	ck_assert_uint_gt(measure_note_rate(&st, why, sizeof why), 0);
	struct decision d;
	decide_tolerance(&d, 120.3, 0.9, 120, 2.4, DECISION_GUARDED, "Hz");
	ck_assert_int_eq(report_add_judged(r, &(struct report_judged){
		.phase = "verify", .step = "freq_sweep", .quantity = "freq", .unit = "Hz",
		.commanded = 120, .measured = 120.3, .std = NAN, .n = 60, .uncertainty = 0.9,
		.d = &d, .bench_s = NAN, .measure_note = why }, &err), RIG_OK);
	ck_assert_int_eq(report_add_judged(r, &(struct report_judged){
		.phase = "verify", .step = "freq_sweep", .quantity = "freq", .unit = "Hz",
		.commanded = 120, .measured = 120.3, .std = NAN, .n = 60, .uncertainty = 0.9,
		.d = &d, .bench_s = NAN, .measure_note = "" }, &err), RIG_OK);
	ck_assert_int_eq(report_finish(r, REPORT_PASS, "all passed", &err), RIG_OK);
	char *text = tu_read(report_file(r));
	ck_assert_ptr_nonnull(text);
	struct table t;
	parse_csv(text, &t);
	char want[512];
	snprintf(want, sizeof want, "%s; the pen changed speed where error values hid it: the "
		 "80 ms between the crossings on either side held 9..11 strokes, their middle "
		 "counted and the spread in U", d.reason);
	ck_assert_str_eq(t.cell[1 + NSTART][col("note")], want);
	ck_assert_str_eq(t.cell[2 + NSTART][col("note")], d.reason);
	free_table(&t);
	free(text);
	report_close(r);
}
END_TEST

START_TEST(test_serial_is_sanitised_for_the_file_name)
{
	char out[64];
	text_file_serial(out, sizeof out, "SN/../x y");
	ck_assert_str_eq(out, "SN_.._x_y");
	text_file_serial(out, sizeof out, "");
	ck_assert_str_eq(out, "unknown");
	text_file_serial(out, sizeof out, NULL);
	ck_assert_str_eq(out, "unknown");
	text_file_serial(out, sizeof out, ".hidden");
	ck_assert_str_eq(out, "_hidden");
	text_file_serial(out, sizeof out, "-rf");
	ck_assert_str_eq(out, "_rf");
	text_file_serial(out, sizeof out, "\xc3\xbc\r\n");
	ck_assert_str_eq(out, "____");
	text_file_serial(out, sizeof out,
			       "0123456789012345678901234567890123456789-too-long");
	ck_assert_uint_eq(strlen(out), TEXT_SERIAL_MAX);
	text_file_serial(out, 4, "ABCDEFG");
	ck_assert_str_eq(out, "ABC");
	report_file_name(out, sizeof out, T0, "a/b", REPORT_ABORTED);
	ck_assert_str_eq(out, "20261121T101500Z_a_b_ABORTED.csv");
}
END_TEST

START_TEST(test_formula_text_is_neutralised_but_negative_numbers_stay)
{
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	meta(&m, "+SN1");
	snprintf(m.operator_name, sizeof m.operator_name, "=HYPERLINK(\"http://x\",\"y\")");
	report_meta_set_pen(&m, "@DP-25", "+SN1", "1.0\r\n=2\x1b[31m");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = "verify";
	row.step = "\tstep";
	row.quantity = "-offset";
	row.unit = "um";
	row.commanded = -12.5;
	row.measured = -0.0;
	row.low_limit = -INFINITY; /* one-sided: empty */
	row.high_limit = 3;
	row.note = "-1+1";
	ck_assert_int_eq(report_add(r, &row, &err), RIG_OK);
	ck_assert_int_eq(report_finish(r, REPORT_FAIL, "=cmd|' /C calc'!A0", &err), RIG_OK);
	char *text = tu_read(report_file(r));
	struct table t;
	parse_csv(text, &t);
	char **x = t.cell[1 + NSTART];
	ck_assert_str_eq(x[col("operator")], "'=HYPERLINK(\"http://x\",\"y\")");
	ck_assert_str_eq(x[col("pen_serial")], "'+SN1");
	ck_assert_str_eq(x[col("pen_model")], "'@DP-25");
	ck_assert_str_eq(x[col("pen_firmware")], "1.0?" "?=2?[31m"); /* controls replaced */
	ck_assert_str_eq(x[col("step")], "?step");  /* tab replaced: no trigger left */
	ck_assert_str_eq(x[col("quantity")], "'-offset");
	ck_assert_str_eq(x[col("note")], "'-1+1");
	ck_assert_str_eq(x[col("commanded")], "-12.5");
	ck_assert_str_eq(x[col("measured")], "0");
	ck_assert_str_eq(x[col("low_limit")], "");
	ck_assert_str_eq(t.cell[3 + NSTART][col("note")], "'=cmd|' /C calc'!A0");
	/* Numbers are bare, text quoted: the raw line shows it. */
	ck_assert_ptr_nonnull(strstr(text, ",-12.5,0,,,,,3,"));
	free_table(&t);
	free(text);
	/* The file name carries the sanitised serial, never a leading '+'. */
	ck_assert_ptr_nonnull(strstr(report_file(r), "/20261121T101500Z__SN1_FAIL.csv"));
	/* summary.csv neutralises too. */
	char *sp = path_in("summary.csv");
	char *sum = tu_read(sp);
	ck_assert_ptr_nonnull(strstr(sum, "\"'=HYPERLINK("));
	ck_assert_ptr_nonnull(strstr(sum, "\"'=cmd|"));
	free(sum);
	free(sp);
	report_close(r);
}
END_TEST

/* A child starts a run, journals rows and dies without finishing. */
static void crash_after_rows(const char *serial, int nrows)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct report_meta m;
		struct report *r;
		struct rig_err err = { 0 };
		meta(&m, serial);
		if (report_open(&r, dir, &m, &err))
			_exit(3);
		for (int i = 0; i < nrows; i++) {
			struct report_row row = REPORT_ROW_EMPTY;
			row.phase = "calibrate";
			row.step = "depth_sweep";
			row.quantity = "depth";
			row.unit = "um";
			row.commanded = 250 * (i + 1);
			row.measured = 250 * (i + 1) + 3.5;
			row.n = 60;
			if (report_add(r, &row, &err))
				_exit(4);
		}
		abort(); /* no cleanup: the journal stays as the crash left it */
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st));
}

START_TEST(test_orphaned_journal_is_recovered_as_aborted_report)
{
	crash_after_rows("SN-CRASH", 3);
	ck_assert_int_eq(count_files(".journal"), 1);
	unsigned n = 99;
	struct rig_err err = { 0 };
	ck_assert_msg(report_recover_orphans(dir, &n, &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(count_files(".journal"), 0);
	char *p = path_in("20261121T101500Z_SN-CRASH_ABORTED.csv");
	char *text = tu_read(p);
	ck_assert_ptr_nonnull(text);
	struct table t;
	parse_csv(text, &t);
	ck_assert_int_eq(t.nrows, 1 + NSTART + 3 + 2);
	char **last = t.cell[3 + NSTART], **verdict = t.cell[5 + NSTART];
	ck_assert_str_eq(last[col("commanded")], "750");
	ck_assert_str_eq(last[col("measured_full")], "753.5");
	ck_assert_str_eq(t.cell[4 + NSTART][col("quantity")], "ended_at");
	ck_assert_str_eq(verdict[col("result")], "ABORTED");
	ck_assert_msg(strstr(verdict[col("note")], "run did not finish") &&
			      strstr(verdict[col("note")], "calibrate/depth_sweep/depth"),
		      "%s", verdict[col("note")]);
	ck_assert_str_eq(verdict[col("pen_serial")], "SN-CRASH");
	free_table(&t);
	char *sp = path_in("summary.csv");
	char *sum = tu_read(sp);
	ck_assert_ptr_nonnull(strstr(sum, "\"ABORTED\""));
	/* Again: nothing left to do, nothing doubled. */
	ck_assert_int_eq(report_recover_orphans(dir, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 0);
	char *sum2 = tu_read(sp);
	ck_assert_str_eq(sum, sum2);
	free(sum), free(sum2), free(sp), free(text), free(p);
}
END_TEST

START_TEST(test_torn_last_journal_line_is_dropped_on_recovery)
{
	crash_after_rows("SN-TORN", 2);
	DIR *d = opendir(dir);
	struct dirent *de;
	char *jp = NULL;
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".journal"))
			jp = path_in(de->d_name);
	closedir(d);
	ck_assert_ptr_nonnull(jp);
	FILE *f = fopen(jp, "a");
	fputs("\"half-written-row\",\"2026", f); /* power cut mid-write */
	fclose(f);
	unsigned n = 0;
	struct rig_err err = { 0 };
	ck_assert_msg(report_recover_orphans(dir, &n, &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(n, 1);
	char *p = path_in("20261121T101500Z_SN-TORN_ABORTED.csv");
	char *text = tu_read(p);
	ck_assert_ptr_null(strstr(text, "half-written"));
	struct table t;
	parse_csv(text, &t);
	ck_assert_int_eq(t.nrows, 1 + NSTART + 2 + 2);
	free_table(&t);
	free(text), free(p), free(jp);
}
END_TEST

START_TEST(test_journal_of_a_live_run_is_left_alone)
{
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	meta(&m, "SN-LIVE");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	unsigned n = 9;
	ck_assert_int_eq(report_recover_orphans(dir, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(count_files(".journal"), 1);
	add_some_rows(r); /* the run goes on undisturbed */
	ck_assert_int_eq(report_finish(r, REPORT_PASS, "ok", &err), RIG_OK);
	report_close(r);
}
END_TEST

START_TEST(test_crash_while_publishing_is_finished_without_doubling)
{
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	meta(&m, "SN-PUB");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	add_some_rows(r);
	ck_assert_int_eq(report_finish(r, REPORT_FAIL, "depth out of tolerance", &err), RIG_OK);
	/* As if the rig died after the rename, before removing the journal:
	 * the journal (with its verdict) is still there. */
	char *text = tu_read(report_file(r));
	char jname[64];
	snprintf(jname, sizeof jname, "%s.journal", m.run_id);
	free(tu_write(dir, jname, text));
	char *sp = path_in("summary.csv");
	char *sum = tu_read(sp);
	unsigned n = 0;
	ck_assert_int_eq(report_recover_orphans(dir, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(count_files(".csv"), 2); /* the report and summary.csv */
	ck_assert_int_eq(count_files(".journal"), 0);
	char *sum2 = tu_read(sp);
	ck_assert_str_eq(sum, sum2);
	free(text), free(sp), free(sum), free(sum2);
	report_close(r);
}
END_TEST

START_TEST(test_same_name_from_another_run_is_never_overwritten)
{
	struct rig_err err = { 0 };
	for (int i = 0; i < 3; i++) {
		struct report_meta m;
		struct report *r;
		meta(&m, "SN-SAME");
		ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
		ck_assert_int_eq(report_finish(r, REPORT_PASS, "ok", &err), RIG_OK);
		report_close(r);
	}
	char *a = path_in("20261121T101500Z_SN-SAME_PASS.csv");
	char *b = path_in("20261121T101500Z_SN-SAME_PASS-2.csv");
	char *c = path_in("20261121T101500Z_SN-SAME_PASS-3.csv");
	ck_assert_int_eq(access(a, F_OK), 0);
	ck_assert_int_eq(access(b, F_OK), 0);
	ck_assert_int_eq(access(c, F_OK), 0);
	ck_assert_int_eq(count_files(".tmp"), 0);
	free(a), free(b), free(c);
}
END_TEST

#define WRITERS 6
#define RUNS_EACH 8

START_TEST(test_summary_survives_concurrent_writers)
{
	for (int w = 0; w < WRITERS; w++) {
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			for (int i = 0; i < RUNS_EACH; i++) {
				struct report_meta m;
				struct report *r;
				struct rig_err err = { 0 };
				char sn[32];
				snprintf(sn, sizeof sn, "W%d-R%d", w, i);
				meta(&m, sn);
				if (report_open(&r, dir, &m, &err) ||
				    report_finish(r, REPORT_PASS, "a reason, with a comma", &err))
					_exit(1);
				report_close(r);
			}
			_exit(0);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;
		ck_assert_int_gt(wait(&st), 0);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	char *sp = path_in("summary.csv");
	char *sum = tu_read(sp);
	struct table t;
	parse_csv(sum, &t);
	ck_assert_int_eq(t.nrows, 1 + WRITERS * RUNS_EACH);
	ck_assert_str_eq(t.cell[0][0], "run_id");
	ck_assert_int_eq(t.nf[0], 17); /* ... category, attempt, reason_code, disposition, instruction */
	for (int i = 1; i < t.nrows; i++) {
		ck_assert_int_eq(t.nf[i], 17);
		ck_assert_str_eq(t.cell[i][9], "a reason, with a comma");
		ck_assert_str_ne(t.cell[i][0], "run_id");
		for (int j = 1; j < i; j++)
			ck_assert_str_ne(t.cell[i][0], t.cell[j][0]);
	}
	free_table(&t);
	free(sum);
	free(sp);
}
END_TEST

START_TEST(test_unwritable_folder_is_an_io_error_naming_it)
{
	struct report_meta m;
	struct report *r = NULL;
	struct rig_err err = { 0 };
	meta(&m, "SN-1");
	free(tu_write(dir, "afile", "x"));
	char *bad = path_in("afile/reports");
	enum rig_rc rc = report_open(&r, bad, &m, &err);
	ck_assert_int_eq(rc, RIG_E_IO);
	ck_assert_int_eq(rig_exit_code(rc), 74);
	ck_assert_msg(strstr(err.msg, bad) && strstr(err.msg, "Not a directory"), "%s", err.msg);
	free(bad);
	if (geteuid() != 0) { /* root writes anywhere */
		char *ro = path_in("ro");
		ck_assert_int_eq(mkdir(ro, 0555), 0);
		ck_assert_int_eq(report_open(&r, ro, &m, &err), RIG_E_IO);
		ck_assert_msg(strstr(err.msg, ro) && strstr(err.msg, "Permission denied"), "%s",
			      err.msg);
		free(ro);
	}
}
END_TEST

START_TEST(test_run_ids_are_uuid_v4)
{
	char a[37], b[37];
	struct rig_err err = { 0 };
	ck_assert_int_eq(report_new_run_id(a, &err), RIG_OK);
	ck_assert_int_eq(report_new_run_id(b, &err), RIG_OK);
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strlen(a), 36);
	ck_assert_int_eq(a[14], '4');
	ck_assert(strchr("89ab", a[19]));
	ck_assert(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
}
END_TEST

/* A journal is read back by the names in its own header: columns in
 * another order, and one this rig does not know, keep their meaning. */
START_TEST(test_journal_is_read_back_by_column_name)
{
	char *jp = path_in("0f0e0d0c-0b0a-4908-8706-050403020100.journal");
	FILE *f = fopen(jp, "w");
	ck_assert_ptr_nonnull(f);
	fputs("\"note\",\"measured\",\"phase\",\"future_column\",\"step\",\"quantity\","
	      "\"result\",\"run_id\",\"pen_serial\",\"timestamp\",\"unit\",\"commanded\"\r\n"
	      "\"why\",\"12.5\",\"verify\",\"x\",\"depth_sweep\",\"depth\",\"PASS\","
	      "\"0f0e0d0c-0b0a-4908-8706-050403020100\",\"SN-NAMES\",\"2026-11-21T10:15:00Z\","
	      "\"um\",\"10\"\r\n", f);
	ck_assert_int_eq(fclose(f), 0);
	unsigned n = 0;
	struct rig_err err = { 0 };
	ck_assert_msg(report_recover_orphans(dir, &n, &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(n, 1);
	char *p = path_in("20261121T101500Z_SN-NAMES_ABORTED.csv");
	char *text = tu_read(p);
	ck_assert_ptr_nonnull(text);
	struct table t;
	parse_csv(text, &t);
	ck_assert_int_eq(t.nrows, 4); /* header, the row, end time, verdict */
	ck_assert_int_eq(t.nf[0], REPORT_NCOLUMNS); /* written in the table's order */
	ck_assert_str_eq(t.cell[1][col("phase")], "verify");
	ck_assert_str_eq(t.cell[1][col("step")], "depth_sweep");
	ck_assert_str_eq(t.cell[1][col("commanded")], "10");
	ck_assert_str_eq(t.cell[1][col("measured")], "12.50");
	ck_assert_str_eq(t.cell[1][col("unit")], "um");
	ck_assert_str_eq(t.cell[1][col("note")], "why");
	ck_assert_str_eq(t.cell[1][col("std")], "");
	ck_assert_str_eq(t.cell[1][col("pen_serial")], "SN-NAMES");
	ck_assert_str_eq(t.cell[3][col("result")], "ABORTED");
	free_table(&t);
	free(text), free(p), free(jp);
}
END_TEST

/* A summary.csv begun by an older rig (12 columns) keeps its columns: the
 * new line follows the file's header, not this rig's. */
START_TEST(test_summary_line_follows_the_files_own_header)
{
	char *sp = path_in("summary.csv");
	FILE *f = fopen(sp, "w");
	ck_assert_ptr_nonnull(f);
	fputs("\"run_id\",\"verdict\",\"pen_serial\",\"old_column\"\r\n", f);
	ck_assert_int_eq(fclose(f), 0);
	struct report_meta m;
	meta(&m, "SN-OLD");
	struct report *r;
	struct rig_err err = { 0 };
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	ck_assert_int_eq(report_finish(r, REPORT_FAIL, "x", &err), RIG_OK);
	report_close(r);
	char *sum = tu_read(sp);
	struct table t;
	parse_csv(sum, &t);
	ck_assert_int_eq(t.nrows, 2);
	ck_assert_int_eq(t.nf[1], 4);
	ck_assert_str_eq(t.cell[1][0], m.run_id);
	ck_assert_str_eq(t.cell[1][1], "FAIL");
	ck_assert_str_eq(t.cell[1][2], "SN-OLD");
	ck_assert_str_eq(t.cell[1][3], "");
	free_table(&t);
	free(sum), free(sp);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_report_has_columns_rows_and_verdict_row);
	tcase_add_test(tc, test_judged_row_note_adds_the_measurements_note_after_the_reason);
	tcase_add_test(tc, test_serial_is_sanitised_for_the_file_name);
	tcase_add_test(tc, test_formula_text_is_neutralised_but_negative_numbers_stay);
	/* fork() hangs under qemu-user here (make CROSS=... check sets
	 * RIG_RUNNER): the tests that need a second process run natively. */
	const char *runner = getenv("RIG_RUNNER");
	bool can_fork = !runner || !*runner;
	if (!can_fork)
		tu_skip("test_report", 3, "fork() hangs under qemu-user");
	if (can_fork) {
		tcase_add_test(tc, test_orphaned_journal_is_recovered_as_aborted_report);
		tcase_add_test(tc, test_torn_last_journal_line_is_dropped_on_recovery);
		tcase_add_test(tc, test_summary_survives_concurrent_writers);
	}
	tcase_add_test(tc, test_journal_of_a_live_run_is_left_alone);
	tcase_add_test(tc, test_crash_while_publishing_is_finished_without_doubling);
	tcase_add_test(tc, test_same_name_from_another_run_is_never_overwritten);
	tcase_add_test(tc, test_unwritable_folder_is_an_io_error_naming_it);
	tcase_add_test(tc, test_run_ids_are_uuid_v4);
	tcase_add_test(tc, test_journal_is_read_back_by_column_name);
	tcase_add_test(tc, test_summary_line_follows_the_files_own_header);
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
