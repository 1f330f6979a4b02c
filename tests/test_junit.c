/* test_junit.c - JUnit XML of a run: counts, testcase names, failure
 * messages with value and limits, properties, and well-formed XML even when
 * the pen sends control characters and markup. */
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/report.h"
#include "run/run.h"
#include "support/testutil.h"

/* A structural XML 1.0 check, enough for what we write: one root element,
 * tags nested and closed, attributes quoted, only the five predefined
 * entities, no '<' or raw control character where it may not be.
 * Returns NULL if well-formed, else what is wrong. */
static const char *xml_check(const char *s)
{
	static char why[128];
	char stack[16][64];
	int depth = 0, roots = 0;
	if (strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) != 0)
		return "no XML declaration";
	s += 38;
	while (*s) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r')
			return "control character";
		if (ch == '&') {
			static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
			bool ok = false;
			for (int i = 0; i < 5; i++)
				ok |= strncmp(s, ents[i], strlen(ents[i])) == 0;
			if (!ok)
				return "bare '&'";
			s = strchr(s, ';') + 1;
			continue;
		}
		if (ch == '>')
			return "bare '>' in text";
		if (ch != '<') {
			if (!depth && !isspace(ch))
				return "text outside the root";
			s++;
			continue;
		}
		bool closing = s[1] == '/';
		s += closing ? 2 : 1;
		char name[64];
		int n = 0;
		while ((isalnum((unsigned char)*s) || *s == '_' || *s == '-') && n < 63)
			name[n++] = *s++;
		name[n] = '\0';
		if (!n)
			return "tag without a name";
		if (closing) {
			if (*s++ != '>')
				return "junk in a closing tag";
			if (!depth || strcmp(stack[depth - 1], name) != 0) {
				snprintf(why, sizeof why, "</%s> closes nothing open", name);
				return why;
			}
			depth--;
			continue;
		}
		for (;;) {
			while (*s == ' ' || *s == '\n')
				s++;
			if (*s == '/' && s[1] == '>') {
				s += 2;
				roots += depth == 0;
				break;
			}
			if (*s == '>') {
				s++;
				if (depth == 16)
					return "too deep";
				roots += depth == 0;
				snprintf(stack[depth++], 64, "%s", name);
				break;
			}
			if (!isalpha((unsigned char)*s))
				return "bad attribute name";
			while (isalnum((unsigned char)*s) || *s == '_')
				s++;
			if (s[0] != '=' || s[1] != '"')
				return "attribute value not quoted";
			s += 2;
			for (; *s != '"'; s++) {
				if (!*s || *s == '<')
					return "'<' or end inside an attribute";
				if ((unsigned char)*s < 0x20)
					return "control character in an attribute";
				if (*s == '&' && strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) &&
				    strncmp(s, "&gt;", 4) && strncmp(s, "&quot;", 6) &&
				    strncmp(s, "&apos;", 6))
					return "bare '&' in an attribute";
			}
			s++;
		}
	}
	if (depth)
		return "unclosed element";
	if (roots != 1)
		return "not exactly one root element";
	return NULL;
}

static char *dir;

static struct report *make_run(enum report_verdict v, const char *reason)
{
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	ck_assert_int_eq(report_meta_init(&m, &err), RIG_OK);
	snprintf(m.station, sizeof m.station, "LINE1-ST3");
	snprintf(m.operator_name, sizeof m.operator_name, "A & B <ops>");
	report_meta_set_pen(&m, "DP-25", "SN\x01<x>&\"", "fw\x1b]0;\x07");
	snprintf(m.profile, sizeof m.profile, "production-p25");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	struct decision d;
	decide_tolerance(&d, 1000.5, 8, 1000, 100, DECISION_GUARDED, "um");
	ck_assert_int_eq(report_add_judged(r, &(struct report_judged){
							   "verify", "depth_sweep", "depth", "um",
							   1000, 1000.5, 6, 60, 8, &d, NAN, NULL },
						   &err), RIG_OK);
	decide_tolerance(&d, 125, 0.01, 120, 2.4, DECISION_SIMPLE, "Hz");
	ck_assert_int_eq(report_add_judged(r, &(struct report_judged){
							   "verify", "freq_sweep", "freq", "Hz",
							   120, 125, NAN, 60, 0.01, &d, NAN, NULL },
						   &err), RIG_OK);
	struct report_row table = REPORT_ROW_EMPTY; /* not judged: no testcase */
	table.phase = "calibrate";
	table.step = "table";
	table.quantity = "depth";
	table.result = "WRITTEN";
	ck_assert_int_eq(report_add(r, &table, &err), RIG_OK);
	ck_assert_int_eq(report_add_bench_time(r, "verify", 8.5, &err), RIG_OK);
	ck_assert_int_eq(report_finish(r, v, reason, &err), RIG_OK);
	return r;
}

static char *junit_of(struct report *r)
{
	char *p = NULL;
	struct rig_err err = { 0 };
	ck_assert_int_ge(asprintf(&p, "%s/junit.xml", dir), 0);
	ck_assert_int_eq(report_write_junit(r, p, &err), RIG_OK);
	char *x = tu_read(p);
	/* xmllint, when installed, must agree. */
	char *cmd = NULL;
	ck_assert_int_ge(asprintf(&cmd, "command -v xmllint >/dev/null 2>&1 || exit 0; "
					"xmllint --noout '%s'", p), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(p);
	return x;
}

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

START_TEST(test_junit_counts_and_names_each_judged_measurement)
{
	struct report *r = make_run(REPORT_FAIL, "freq@120 Hz out of tolerance");
	char *x = junit_of(r);
	const char *why = xml_check(x);
	ck_assert_msg(why == NULL, "%s in:\n%s", why, x);
	/* 2 measurements + the verdict; the freq point and the verdict failed. */
	ck_assert_ptr_nonnull(strstr(x, "<testsuite name=\"production-p25\" tests=\"3\" failures=\"2\" errors=\"0\""));
	ck_assert_ptr_nonnull(strstr(x, "time=\"8.500\""));
	ck_assert_ptr_nonnull(strstr(x, "<testcase classname=\"verify.depth_sweep\" name=\"depth@1000 um\" time=\"0.000\"/>"));
	ck_assert_ptr_nonnull(strstr(x, "<testcase classname=\"verify.freq_sweep\" name=\"freq@120 Hz\""));
	ck_assert_ptr_nonnull(strstr(x, "message=\"measured 125.000 Hz (U 0.010 Hz), spec 117.6..122.4 Hz\""));
	ck_assert_ptr_null(strstr(x, "calibrate.table"));
	ck_assert_ptr_nonnull(strstr(x, "<property name=\"pen_model\" value=\"DP-25\"/>"));
	ck_assert_ptr_nonnull(strstr(x, "<property name=\"operator\" value=\"A &amp; B &lt;ops&gt;\"/>"));
	ck_assert_ptr_nonnull(strstr(x, "<property name=\"pen_serial\" value=\"SN?&lt;x&gt;&amp;&quot;\"/>"));
	ck_assert_ptr_nonnull(strstr(x, "<property name=\"pen_firmware\" value=\"fw?]0;?\"/>"));
	free(x);
	report_close(r);
}
END_TEST

START_TEST(test_aborted_run_is_an_error_testcase)
{
	struct report *r = make_run(REPORT_ABORTED, "e-stop <pressed> & held\x01");
	char *x = junit_of(r);
	ck_assert_msg(xml_check(x) == NULL, "%s", xml_check(x));
	ck_assert_ptr_nonnull(strstr(x, "tests=\"3\" failures=\"1\" errors=\"1\""));
	ck_assert_ptr_nonnull(strstr(x, "<error type=\"ABORTED\" message=\"e-stop &lt;pressed&gt; &amp; held?\">"));
	free(x);
	report_close(r);
}
END_TEST

/* An empty report of profile production-p25, opened. */
static struct report *open_report(void)
{
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	ck_assert_int_eq(report_meta_init(&m, &err), RIG_OK);
	snprintf(m.profile, sizeof m.profile, "production-p25");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	return r;
}

/* The operator's instruction (the line the technician is shown) is in
 * JUnit too: in the verdict's text and as properties, with its reason
 * code and disposition. */
START_TEST(test_junit_carries_the_operators_instruction)
{
	struct rig_err err = { 0 };
	struct report *r = open_report();
	report_set_disposition(r, "laser", "engineer",
			       "The laser sensor failed (verify: laser: no reply). Call an engineer; "
			       "keep the pen aside.");
	ck_assert_int_eq(report_finish(r, REPORT_ABORTED, "verify: laser: no reply", &err), RIG_OK);
	char *x = junit_of(r);
	ck_assert_msg(xml_check(x) == NULL, "%s", xml_check(x));
	ck_assert_msg(strstr(x, "<error type=\"ABORTED\" message=\"verify: laser: no reply\">verify: "
				"laser: no reply\nWhat to do: The laser sensor failed (verify: laser: no "
				"reply). Call an engineer; keep the pen aside. (reason laser, disposition "
				"engineer)</error>"), "%s", x);
	ck_assert_msg(strstr(x, "<property name=\"reason_code\" value=\"laser\"/>"), "%s", x);
	ck_assert_msg(strstr(x, "<property name=\"disposition\" value=\"engineer\"/>"), "%s", x);
	ck_assert_msg(strstr(x, "<property name=\"instruction\" value=\"The laser sensor failed"), "%s", x);
	free(x);
	report_close(r);
}
END_TEST

/* Every planned measurement is a testcase in every run: what the run did
 * not reach is <skipped> with the run's verdict and reason; INDETERMINATE
 * is a failure of its own type, never a pass (issue 15). */
START_TEST(test_planned_measurements_not_reached_are_skipped_with_the_reason)
{
	struct report *r = make_run(REPORT_ABORTED, "verify: e-stop tripped");
	/* the run's own rows, plus one INDETERMINATE depth */
	struct decision d;
	struct rig_err err = { 0 };
	decide_limits_level(&d, 1099.5, 2.5, 900, 1100, DECISION_CONFORMANCE, 0.95, "um");
	ck_assert_int_eq(d.result, DECISION_INDETERMINATE);
	size_t n = r->nrows;
	struct report_rec *rows = calloc(n + 1, sizeof *rows);
	ck_assert_ptr_nonnull(rows);
	memcpy(rows, r->rows, n * sizeof rows[0]);
	size_t depth = 0;
	while (depth < n && strcmp(rows[depth].quantity, "depth") != 0)
		depth++;
	ck_assert_uint_lt(depth, n);
	rows[n] = rows[depth]; /* a copy of the depth row, judged INDETERMINATE at 1500 um */
	rows[n].commanded = 1500;
	rows[n].result = "INDETERMINATE";
	rows[n].bench_s = 1.25;
	n++;
	const struct report_case plan[] = {
		{ "preload", "preload", "preload", NAN, "um" },
		{ "verify", "depth_sweep", "depth", 1000, "um" },
		{ "verify", "depth_sweep", "depth", 1500, "um" },
		{ "verify", "freq_sweep", "freq", 120, "Hz" },
		{ "verify", "freq_sweep", "freq", 160, "Hz" },
	};
	struct report_junit j = {
		.meta = &r->meta, .suite = "production-p25", .rows = rows, .nrows = n,
		.plan = plan, .nplan = 5, .verdict = "ABORTED", .category = "bench",
		.reason = "verify: e-stop tripped", .bench_time_s = 8.5, .report_file = "x.csv",
		.exit_code = 2,
	};
	char *p = NULL;
	ck_assert_int_ge(asprintf(&p, "%s/plan.xml", dir), 0);
	ck_assert_int_eq(report_junit_write(&j, p, &err), RIG_OK);
	char *x = tu_read(p);
	ck_assert_msg(xml_check(x) == NULL, "%s", xml_check(x));
	/* 5 planned + the verdict; preload and freq@160 skipped; freq@120 and
	 * depth@1500 (INDETERMINATE) failed; the verdict an error. */
	ck_assert_msg(strstr(x, "tests=\"6\" failures=\"2\" errors=\"1\" skipped=\"2\""), "%s", x);
	ck_assert_msg(strstr(x, "<testcase classname=\"preload.preload\" name=\"preload\" time=\"0.000\">\n"
				"      <skipped message=\"not measured: the run ended before it (ABORTED: "
				"verify: e-stop tripped)\">"), "%s", x);
	ck_assert_msg(strstr(x, "name=\"freq@160 Hz\" time=\"0.000\">\n      <skipped "), "%s", x);
	ck_assert_msg(strstr(x, "name=\"depth@1500 um\" time=\"1.250\">\n      <failure type=\"INDETERMINATE\""),
		      "%s", x);
	ck_assert_msg(strstr(x, "<property name=\"exit_code\" value=\"2\"/>"), "%s", x);
	ck_assert_ptr_null(strstr(x, "@none"));
	free(x);

	/* A run that never started: the plan skipped, the verdict an error
	 * that starts with the exit code. */
	struct profile prof;
	ck_assert_int_eq(profile_load(&prof, SRCDIR "/profiles/production-p25.ini", &err), RIG_OK);
	ck_assert_int_eq(run_write_junit_unstarted(p, &prof, RUN_MODE_AUTO, "SIM-01", 75,
						   "bench SIM-01 is in use", &err), RIG_OK);
	x = tu_read(p);
	ck_assert_msg(xml_check(x) == NULL, "%s", xml_check(x));
	struct report_case all[RUN_PLAN_MAX];
	size_t planned = run_plan(&prof, true, all, RUN_PLAN_MAX);
	/* production-p25 pairs its points: invalid fraction, depth, spread
	 * and rate from each one window */
	ck_assert(prof.verify.paired_points);
	ck_assert_uint_eq(planned, 2 + 4 * prof.verify.depth_points_um.n);
	char want[128];
	snprintf(want, sizeof want, "tests=\"%zu\" failures=\"0\" errors=\"1\" skipped=\"%zu\"",
		 planned + 1, planned);
	ck_assert_msg(strstr(x, want), "%s in %s", want, x);
	ck_assert_msg(strstr(x, "<error type=\"ERROR\" message=\"exit 75: bench SIM-01 is in use\">"),
		      "%s", x);
	ck_assert_msg(strstr(x, "not measured: the run did not start (exit 75): bench SIM-01 is in use"),
		      "%s", x);
	free(x);
	free(p);
	free(rows);
	report_close(r);
}
END_TEST

/* A figure refused by a quality gate (here the phase-gap gate) or never
 * measured: the report shows neither its U nor acceptance limits derived
 * from that U (the specification stays), and JUnit says in words that it
 * was not measured and why, as a failure of its own type. */
START_TEST(test_refused_figure_shows_no_limits_from_its_u_and_says_why)
{
	struct rig_err err = { 0 };
	struct report *r = open_report();
	/* the guarded zone of a U the gate withheld (2420..2580), as a caller
	 * judging before the refusal would hand it over */
	struct decision d;
	decide_tolerance(&d, 2500, 20, 2500, 100, DECISION_GUARDED, "um");
	snprintf(d.reason, sizeof d.reason, "not measured: top between sampled phases: 3.98 %% "
		 "of the period unsampled (gate 3.50 %%): depth and drift withheld");
	d.result = DECISION_FAIL;
	ck_assert_int_eq(report_add_judged(r, &(struct report_judged){
							   "verify", "depth_sweep", "depth", "um",
							   2500, NAN, 4, 120, 20, &d, 0.9, NULL },
						   &err), RIG_OK);
	/* the decision itself gives no U-derived zone for a missing value */
	decide_tolerance(&d, NAN, 20, 2500, 100, DECISION_GUARDED, "um");
	ck_assert(isnan(d.low_limit) && isnan(d.high_limit));
	ck_assert_msg(!strstr(d.reason, "2420"), "%s", d.reason);
	ck_assert_int_eq(report_finish(r, REPORT_FAIL, "verify depth at 2500 um: not measured",
				       &err), RIG_OK);
	char *csv = tu_read(report_file(r));
	/* commanded, measured, std, n, U, spec low/high, acceptance low/high,
	 * probability, result */
	ck_assert_msg(strstr(csv, "\"um\",2500,,,120,,2400,2600,,,,\"FAIL\""), "%s", csv);
	free(csv);
	char *x = junit_of(r);
	ck_assert_msg(xml_check(x) == NULL, "%s", xml_check(x));
	ck_assert_msg(strstr(x, "<failure type=\"NOT_MEASURED\" message=\"not measured: top between "
				"sampled phases: 3.98 % of the period unsampled (gate 3.50 %): depth "
				"and drift withheld, spec 2400..2600 um\">"), "%s", x);
	ck_assert_msg(!strstr(x, "none"), "%s", x);
	ck_assert_msg(strstr(x, "failures=\"2\""), "%s", x); /* the depth and the verdict */
	free(x);
	report_close(r);
}
END_TEST

START_TEST(test_xml_checker_catches_broken_xml)
{
	/* The checker above must be able to fail, or it proves nothing. */
	ck_assert_ptr_nonnull(xml_check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b></a>"));
	ck_assert_ptr_nonnull(xml_check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1&2\"/>"));
	ck_assert_ptr_nonnull(xml_check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\x01</a>"));
	ck_assert_ptr_nonnull(xml_check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/><b/>"));
	ck_assert_ptr_nonnull(xml_check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=1/>"));
	ck_assert_ptr_null(xml_check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"&lt;\"><b/>t&amp;</a>\n"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("junit");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_junit_counts_and_names_each_judged_measurement);
	tcase_add_test(tc, test_aborted_run_is_an_error_testcase);
	tcase_add_test(tc, test_junit_carries_the_operators_instruction);
	tcase_add_test(tc, test_planned_measurements_not_reached_are_skipped_with_the_reason);
	tcase_add_test(tc, test_refused_figure_shows_no_limits_from_its_u_and_says_why);
	tcase_add_test(tc, test_xml_checker_catches_broken_xml);
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
