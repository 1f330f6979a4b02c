/* report_junit.c - a run as JUnit XML, for CI dashboards and test managers.
 *
 * One <testcase> per judged measurement (classname "phase.step", name
 * "quantity@commanded<unit>"), a <failure> carrying the measured value and
 * the acceptance limits; the verdict is a testcase of its own ("run",
 * "verdict"): a <failure> if FAIL, an <error> if ABORTED. The run's metadata
 * are <properties>. Text is cleaned of control characters and broken UTF-8
 * (XML 1.0 forbids most of them even as references) and escaped. Written to
 * a temp file, fsync'd and renamed into place.
 */
#include "run/report_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/text.h"

/* "measured 1876.0 um (U 2.4 um), spec 1650..1850 um": numbers to their
 * uncertainty, limits as the profile states them. */
static void failure_message(FILE *f, const struct report_rec *rec)
{
	char v[TEXT_NUM_MAX], u[TEXT_NUM_MAX], lo[TEXT_NUM_MAX], hi[TEXT_NUM_MAX];
	text_num_u(v, sizeof v, rec->measured, rec->uncertainty);
	text_u(u, sizeof u, rec->uncertainty);
	text_limit(lo, sizeof lo, rec->low_limit);
	text_limit(hi, sizeof hi, rec->high_limit);
	fprintf(f, "measured %s", *v ? v : "none");
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

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.9g", v == 0 ? 0.0 : v);
	else
		fputs(isnan(v) ? "none" : v < 0 ? "-inf" : "inf", f);
}

static void property(FILE *f, const char *name, const char *value)
{
	fputs("      <property name=\"", f);
	text_xml_put(f, name);
	fputs("\" value=\"", f);
	text_xml_put(f, value);
	fputs("\"/>\n", f);
}

static void write_xml(FILE *f, const struct report *r)
{
	unsigned tests = 0, failures = 0, errors = 0;
	for (size_t i = 0; i < r->nrows; i++) {
		const struct report_rec *rec = &r->rows[i];
		if (report_rec_judged(rec)) {
			tests++;
			failures += strcmp(rec->result, "PASS") != 0;
		} else if (report_rec_is_verdict(rec)) {
			tests++;
			failures += strcmp(rec->result, "FAIL") == 0 ||
				    strcmp(rec->result, "INDETERMINATE") == 0;
			errors += strcmp(rec->result, "ABORTED") == 0;
		}
	}
	char ts[21];
	report_iso_time(ts, r->meta.started);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"", tests,
		failures, errors);
	put_num(f, r->bench_time_s);
	fputs("\">\n  <testsuite name=\"", f);
	text_xml_put(f, r->meta.profile);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"0\" time=\"", tests,
		failures, errors);
	put_num(f, r->bench_time_s);
	fputs("\" timestamp=\"", f);
	text_xml_put(f, ts);
	fputs("\" hostname=\"", f);
	text_xml_put(f, r->meta.station);
	fputs("\" id=\"", f);
	text_xml_put(f, r->meta.run_id);
	fputs("\">\n    <properties>\n", f);
	const struct report_meta *m = &r->meta;
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
	property(f, "report_file", r->file);
	fputs("    </properties>\n", f);

	for (size_t i = 0; i < r->nrows; i++) {
		const struct report_rec *rec = &r->rows[i];
		bool verdict = report_rec_is_verdict(rec);
		if (!verdict && !report_rec_judged(rec))
			continue;
		fputs("    <testcase classname=\"", f);
		text_xml_put(f, verdict ? "run" : rec->phase);
		if (!verdict) {
			fputc('.', f);
			text_xml_put(f, rec->step);
		}
		fputs("\" name=\"", f);
		text_xml_put(f, rec->quantity);
		if (!verdict) {
			fputc('@', f);
			put_num(f, rec->commanded);
			text_xml_put(f, rec->unit);
		}
		fputs("\" time=\"0\"", f);
		/* INDETERMINATE is not a pass: a failure of its own type */
		bool fail = strcmp(rec->result, "FAIL") == 0 ||
			    strcmp(rec->result, "INDETERMINATE") == 0;
		bool error = verdict && strcmp(rec->result, "ABORTED") == 0;
		if (!fail && !error) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n      <", f);
		fputs(error ? "error" : "failure", f);
		fputs(" type=\"", f);
		text_xml_put(f, rec->result);
		fputs("\" message=\"", f);
		if (verdict) {
			text_xml_put(f, rec->note);
		} else {
			failure_message(f, rec);
		}
		fputs("\">", f);
		text_xml_put(f, rec->note);
		fprintf(f, "</%s>\n    </testcase>\n", error ? "error" : "failure");
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

enum rig_rc report_write_junit(const struct report *r, const char *path, struct rig_err *err)
{
	char tmp[PATH_MAX + 16];
	int w = snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (w < 0 || (size_t)w >= sizeof tmp)
		return rig_fail(err, RIG_E_IO, "JUnit path too long: %s", path);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write JUnit file %s", tmp);
	write_xml(f, r);
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
