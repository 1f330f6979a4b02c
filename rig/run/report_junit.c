/* report_junit.c - a run as JUnit XML, for CI dashboards and test managers.
 *
 * Shaped as the Jenkins/GitLab JUnit schema wants it (tests/junit-10.xsd):
 * one <testsuite>, one <testcase> per planned measurement in every run, so
 * a CI server's history of each test does not jump when a run ends early
 * (what was not measured is <skipped> with the reason); stable names
 * ("verify.depth_sweep" / "depth@1000 um"); bench seconds as times, with
 * decimals only (the schema's time pattern has no exponent). The verdict is
 * a testcase of its own ("run" "verdict"). The run's metadata are
 * <properties>. Text is cleaned of control characters and broken UTF-8
 * (XML 1.0 forbids most of them even as references) and escaped. Written
 * to a temp file, fsync'd and renamed into place.
 */
#include "run/report_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/names.h"
#include "run/text.h"

void report_case_names(char *cls, size_t cls_cap, char *name, size_t name_cap,
		       const char *phase, const char *step, const char *quantity,
		       double commanded, const char *commanded_unit)
{
	snprintf(cls, cls_cap, "%s.%s", phase, step);
	if (!isfinite(commanded)) {
		snprintf(name, name_cap, "%s", quantity);
		return;
	}
	char base[48];
	snprintf(base, sizeof base, "%.*s", (int)strcspn(step, "@"), step); /* "depth_sweep@2N" */
	const char *unit = commanded_unit ? commanded_unit : run_step_unit_named(base);
	snprintf(name, name_cap, "%s@%.9g%s%s", quantity, commanded == 0 ? 0.0 : commanded,
		 *unit ? " " : "", unit);
}

/* ", spec 1650..1850 um": the limits as the profile states them. */
static void spec_message(FILE *f, const struct report_rec *rec)
{
	char lo[TEXT_NUM_MAX], hi[TEXT_NUM_MAX];
	text_limit(lo, sizeof lo, rec->low_limit);
	text_limit(hi, sizeof hi, rec->high_limit);
	if (*lo && *hi)
		fprintf(f, ", spec %s..%s", lo, hi);
	else if (*lo)
		fprintf(f, ", spec &gt;= %s", lo);
	else if (*hi)
		fprintf(f, ", spec &lt;= %s", hi);
	if ((*lo || *hi) && *rec->unit)
		fputc(' ', f);
	if (*lo || *hi)
		text_xml_put(f, rec->unit);
}

/* A judged row without a value: its figure was refused (a quality gate)
 * or never measured. */
static bool not_measured(const struct report_rec *rec)
{
	return isnan(rec->measured);
}

/* "measured 1876.0 um (U 2.4 um), spec 1650..1850 um": numbers to their
 * uncertainty, limits as the profile states them. A figure not measured
 * says so, and why: "not measured: <the reason>, spec 2400..2600 um". */
static void failure_message(FILE *f, const struct report_rec *rec)
{
	if (not_measured(rec)) {
		static const char lead[] = "not measured: ";
		fputs(lead, f);
		const char *why = rec->note;
		if (strncmp(why, lead, sizeof lead - 1) == 0)
			why += sizeof lead - 1;
		text_xml_put(f, *why ? why : "no reason recorded");
		spec_message(f, rec);
		return;
	}
	char v[TEXT_NUM_MAX], u[TEXT_NUM_MAX];
	text_num_u(v, sizeof v, rec->measured, rec->uncertainty);
	text_u(u, sizeof u, rec->uncertainty);
	fprintf(f, "measured %s", v);
	if (*rec->unit)
		fputc(' ', f);
	text_xml_put(f, rec->unit);
	if (*u) {
		fprintf(f, " (U %s", u);
		if (*rec->unit)
			fputc(' ', f);
		text_xml_put(f, rec->unit);
		fputc(')', f);
	}
	spec_message(f, rec);
	if (isfinite(rec->conformance_probability) && strcmp(rec->result, "INDETERMINATE") == 0)
		fprintf(f, ", probability of conformance %.1f %%",
			100 * rec->conformance_probability);
}

/* Seconds as the schema's time pattern allows: decimals, no sign or
 * exponent; 0 for none. */
static void put_time(FILE *f, double s)
{
	fprintf(f, "%.3f", isfinite(s) && s > 0 ? s : 0.0);
}

static void property(FILE *f, const char *name, const char *value)
{
	if (!value)
		return;
	fputs("      <property name=\"", f);
	text_xml_put(f, name);
	fputs("\" value=\"", f);
	text_xml_put(f, value);
	fputs("\"/>\n", f);
}

struct tally {
	unsigned tests, failures, errors, skipped;
};

enum outcome { OUT_PASS, OUT_FAILURE, OUT_ERROR, OUT_SKIPPED };

/* The opening of a testcase; f NULL: count it only. */
static bool case_open(FILE *f, struct tally *t, enum outcome o, const char *cls,
		      const char *name, double time_s)
{
	t->tests++;
	t->failures += o == OUT_FAILURE;
	t->errors += o == OUT_ERROR;
	t->skipped += o == OUT_SKIPPED;
	if (!f)
		return false;
	fputs("    <testcase classname=\"", f);
	text_xml_put(f, cls);
	fputs("\" name=\"", f);
	text_xml_put(f, name);
	fputs("\" time=\"", f);
	put_time(f, time_s);
	fputc('"', f);
	if (o == OUT_PASS) {
		fputs("/>\n", f);
		return false;
	}
	fputs(">\n      <", f);
	fputs(o == OUT_FAILURE ? "failure" : o == OUT_ERROR ? "error" : "skipped", f);
	return true;
}

static void case_close(FILE *f, enum outcome o, const char *text)
{
	const char *tag = o == OUT_FAILURE ? "failure" : o == OUT_ERROR ? "error" : "skipped";
	fputs("\">", f);
	text_xml_put(f, text);
	fprintf(f, "</%s>\n    </testcase>\n", tag);
}

static void row_case(FILE *f, struct tally *t, const struct report_rec *rec)
{
	char cls[160], name[160];
	report_case_names(cls, sizeof cls, name, sizeof name, rec->phase, rec->step, rec->quantity,
			  rec->commanded, NULL);
	enum outcome o = strcmp(rec->result, "PASS") == 0 ? OUT_PASS : OUT_FAILURE;
	if (!case_open(f, t, o, cls, name, rec->bench_s))
		return;
	/* INDETERMINATE is not a pass: a failure of its own type; nor is a
	 * figure refused or not measured (NOT_MEASURED), which the run
	 * failed on and CI counts as a failure, never as a skip. */
	fputs(" type=\"", f);
	text_xml_put(f, not_measured(rec) ? "NOT_MEASURED" : rec->result);
	fputs("\" message=\"", f);
	failure_message(f, rec);
	case_close(f, o, rec->note);
}

static void skipped_case(FILE *f, struct tally *t, const struct report_case *p,
			 const char *why)
{
	char cls[160], name[160];
	report_case_names(cls, sizeof cls, name, sizeof name, p->phase, p->step, p->quantity,
			  p->commanded, p->commanded_unit);
	if (!case_open(f, t, OUT_SKIPPED, cls, name, NAN))
		return;
	fputs(" message=\"", f);
	text_xml_put(f, why);
	case_close(f, OUT_SKIPPED, why);
}

/* The report's verdict row (its reason code, disposition and the
 * operator's line), or NULL. */
static const struct report_rec *verdict_rec(const struct report_junit *j)
{
	for (size_t i = j->nrows; i-- > 0;)
		if (report_rec_is_verdict(&j->rows[i]))
			return &j->rows[i];
	return NULL;
}

static void verdict_case(FILE *f, struct tally *t, const struct report_junit *j)
{
	const char *v = j->verdict ? j->verdict : "ERROR";
	enum outcome o = strcmp(v, "PASS") == 0 ? OUT_PASS
			 : strcmp(v, "FAIL") == 0 || strcmp(v, "INDETERMINATE") == 0 ? OUT_FAILURE
										    : OUT_ERROR;
	if (!case_open(f, t, o, "run", "verdict", NAN))
		return;
	char msg[600];
	if (j->exit_code >= 0 && strcmp(v, "ERROR") == 0)
		snprintf(msg, sizeof msg, "exit %d: %s", j->exit_code, j->reason ? j->reason : "");
	else
		snprintf(msg, sizeof msg, "%s", j->reason ? j->reason : "");
	fputs(" type=\"", f);
	text_xml_put(f, v);
	fputs("\" message=\"", f);
	text_xml_put(f, msg);
	/* the text adds, on a line of its own, what the technician was told */
	const struct report_rec *rec = verdict_rec(j);
	if (!rec || !*rec->instruction) {
		case_close(f, o, msg);
		return;
	}
	char what_to_do[900];
	snprintf(what_to_do, sizeof what_to_do, "What to do: %s (reason %s, disposition %s)", rec->instruction,
		 rec->reason_code, rec->disposition);
	fputs("\">", f);
	text_xml_put(f, msg);
	fputc('\n', f);
	text_xml_put(f, what_to_do);
	fprintf(f, "</%s>\n    </testcase>\n", o == OUT_FAILURE ? "failure" : "error");
}

static bool same_case(const struct report_rec *rec, const struct report_case *p)
{
	return strcmp(rec->phase, p->phase) == 0 && strcmp(rec->step, p->step) == 0 &&
	       strcmp(rec->quantity, p->quantity) == 0 &&
	       (isfinite(p->commanded) ? rec->commanded == p->commanded : !isfinite(rec->commanded));
}

/* Every testcase in order (f NULL: count them): the plan, each with its
 * judged row or skipped; judged rows outside the plan; the verdict. used
 * has a flag per row. */
static void cases(FILE *f, struct tally *t, const struct report_junit *j, bool *used,
		  const char *why)
{
	memset(used, 0, j->nrows * sizeof *used);
	for (size_t k = 0; k < j->nplan; k++) {
		size_t i = 0;
		while (i < j->nrows && (used[i] || !report_rec_judged(&j->rows[i]) ||
					!same_case(&j->rows[i], &j->plan[k])))
			i++;
		if (i < j->nrows) {
			used[i] = true;
			row_case(f, t, &j->rows[i]);
		} else {
			skipped_case(f, t, &j->plan[k], why);
		}
	}
	for (size_t i = 0; i < j->nrows; i++)
		if (!used[i] && report_rec_judged(&j->rows[i]))
			row_case(f, t, &j->rows[i]);
	verdict_case(f, t, j);
}

static void properties(FILE *f, const struct report_junit *j)
{
	const struct report_meta *m = j->meta;
	fputs("    <properties>\n", f);
	if (m) {
		property(f, "run_id", m->run_id);
		property(f, "station", m->station);
		property(f, "operator", m->operator_name);
		property(f, "pen_model", m->pen_model);
		property(f, "pen_serial", m->pen_serial);
		property(f, "pen_firmware", m->pen_firmware);
		property(f, "profile", m->profile);
		property(f, "profile_version", m->profile_version);
		property(f, "profile_sha256", m->profile_sha256);
		property(f, "rig_version", m->rig_version);
		property(f, "fixture", m->fixture_path);
		property(f, "laser_zero_date", m->laser_zero_date);
		property(f, "loadcell_cal_date", m->loadcell_cal_date);
		property(f, "loadcell_tare_date", m->loadcell_tare_date);
		if (m->laser_ring_date[0]) {
			property(f, "laser_ring_date", m->laser_ring_date);
			property(f, "laser_ring_use", m->laser_ring_use);
		}
	} else {
		property(f, "station", j->station);
		property(f, "profile", j->suite);
	}
	property(f, "verdict", j->verdict ? j->verdict : "ERROR");
	property(f, "category", j->category);
	const struct report_rec *v = verdict_rec(j);
	if (v && *v->reason_code) {
		property(f, "reason_code", v->reason_code);
		property(f, "disposition", v->disposition);
		property(f, "instruction", v->instruction);
	}
	if (j->report_file && *j->report_file)
		property(f, "report_file", j->report_file);
	if (j->exit_code >= 0) {
		char code[16];
		snprintf(code, sizeof code, "%d", j->exit_code);
		property(f, "exit_code", code);
	}
	fputs("    </properties>\n", f);
}

/* Why a planned measurement has no row: the run ended early (its
 * verdict and reason), or never started (the exit code and why). */
static void skip_reason(char *why, size_t cap, const struct report_junit *j)
{
	const char *v = j->verdict ? j->verdict : "ERROR";
	const char *reason = j->reason && *j->reason ? j->reason : NULL;
	const char *sep = reason ? ": " : "";
	if (strcmp(v, "ERROR") != 0)
		snprintf(why, cap, "not measured: the run ended before it (%s%s%s)", v, sep,
			 reason ? reason : "");
	else if (j->exit_code >= 0)
		snprintf(why, cap, "not measured: the run did not start (exit %d)%s%s", j->exit_code,
			 sep, reason ? reason : "");
	else
		snprintf(why, cap, "not measured: the run did not start%s%s", sep,
			 reason ? reason : "");
}

static void write_xml(FILE *f, const struct report_junit *j, bool *used)
{
	char why[600];
	skip_reason(why, sizeof why, j);
	struct tally t = { 0 };
	cases(NULL, &t, j, used, why);
	char ts[21] = "";
	time_t started = j->meta ? j->meta->started : j->started;
	if (started)
		report_iso_time(ts, started);
	const char *host = j->meta ? j->meta->station : j->station;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"", t.tests,
		t.failures, t.errors);
	put_time(f, j->bench_time_s);
	fputs("\">\n  <testsuite name=\"", f);
	text_xml_put(f, j->suite && *j->suite ? j->suite : "rig run");
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"", t.tests,
		t.failures, t.errors, t.skipped);
	put_time(f, j->bench_time_s);
	fputc('"', f);
	if (*ts) {
		fputs(" timestamp=\"", f);
		text_xml_put(f, ts);
		fputc('"', f);
	}
	if (host && *host) {
		fputs(" hostname=\"", f);
		text_xml_put(f, host);
		fputc('"', f);
	}
	if (j->meta) {
		fputs(" id=\"", f);
		text_xml_put(f, j->meta->run_id);
		fputc('"', f);
	}
	fputs(">\n", f);
	properties(f, j);
	struct tally again = { 0 };
	cases(f, &again, j, used, why);
	fputs("  </testsuite>\n</testsuites>\n", f);
}

enum rig_rc report_junit_write(const struct report_junit *j, const char *path,
			       struct rig_err *err)
{
	char tmp[PATH_MAX + 16];
	int w = snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (w < 0 || (size_t)w >= sizeof tmp)
		return rig_fail(err, RIG_E_IO, "JUnit path too long: %s", path);
	bool *used = calloc(j->nrows ? j->nrows : 1, sizeof *used);
	if (!used)
		return rig_fail(err, RIG_E_NOMEM, "JUnit file %s: out of memory", path);
	FILE *f = fopen(tmp, "we");
	if (!f) {
		free(used);
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write JUnit file %s", tmp);
	}
	write_xml(f, j, used);
	free(used);
	bool ok = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
	int e = errno;
	if (fclose(f) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (!ok || rename(tmp, path) < 0) {
		e = ok ? errno : e;
		unlink(tmp);
		return rig_fail(err, RIG_E_IO, "cannot write JUnit file %s: %s", path, strerror(e));
	}
	return RIG_OK;
}

enum rig_rc report_write_junit(const struct report *r, const char *path, struct rig_err *err)
{
	struct report_junit j = {
		.meta = &r->meta, .suite = r->meta.profile, .rows = r->rows, .nrows = r->nrows,
		.verdict = r->finished || *r->reason ? report_verdict_name(r->verdict) : "ERROR",
		.category = report_category_name(r->category), .reason = r->reason,
		.bench_time_s = r->bench_time_s, .report_file = r->file, .exit_code = -1,
	};
	return report_junit_write(&j, path, err);
}
