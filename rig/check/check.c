/* check.c - the bench's status from the report folder's summary.csv. */
#include "check/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/selfcal.h"
#include "core/fixture.h"
#include "run/disposition.h"
#include "run/report.h"
#include "run/text.h"
#include "study/csv.h"

time_t check_parse_time(const char *iso)
{
	struct tm tm = { 0 };
	char z = 0;
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

struct cols {
	int ts, station, profile, verdict, reason, file, serial, code, disposition;
};

static enum rig_rc load(const char *dir, struct csv_table *t, struct cols *c, bool *none,
			struct rig_err *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/summary.csv", dir);
	struct stat sb;
	*none = stat(path, &sb) != 0 && errno == ENOENT;
	if (*none)
		return RIG_OK;
	enum rig_rc rc = csv_table_load(t, path, err);
	if (rc)
		return rc;
	*c = (struct cols){
		csv_table_col(t, "timestamp"), csv_table_col(t, "station"),
		csv_table_col(t, "profile"), csv_table_col(t, "verdict"),
		csv_table_col(t, "reason"), csv_table_col(t, "report_file"),
		csv_table_col(t, "pen_serial"), csv_table_col(t, "reason_code"),
		csv_table_col(t, "disposition"),
	};
	if (c->ts < 0 || c->station < 0 || c->profile < 0 || c->verdict < 0) {
		csv_table_free(t);
		return rig_fail(err, RIG_E_DATA,
				"%s: expected the columns timestamp, station, profile and verdict",
				path);
	}
	return RIG_OK;
}

bool check_found_nothing(const char *reason_code, const char *disposition)
{
	return !strcmp(disposition, disposition_name(DISPOSITION_RETEST)) ||
	       !strcmp(reason_code, reason_code_name(REASON_BENCH_CALIBRATION));
}

enum rig_rc check_status_read(const char *dir, const char *station, struct check_status *st,
			      struct rig_err *err)
{
	memset(st, 0, sizeof *st);
	struct csv_table t;
	struct cols c;
	bool none;
	enum rig_rc rc = load(dir, &t, &c, &none, err);
	if (rc || none)
		return rc;
	for (size_t i = 0; i < t.nrows; i++) {
		if (strcmp(csv_table_get(&t, i, c.station), station) ||
		    strcmp(csv_table_get(&t, i, c.profile), CHECK_PROFILE_NAME))
			continue;
		const char *when = csv_table_get(&t, i, c.ts);
		time_t ti = check_parse_time(when);
		if (ti < 0)
			continue;
		bool pass = strcmp(csv_table_get(&t, i, c.verdict), "PASS") == 0;
		if (pass && ti >= st->last_pass_t) {
			st->last_pass_t = ti;
			st->last_pass_row = i;
			snprintf(st->last_pass_when, sizeof st->last_pass_when, "%s", when);
		}
		if (st->state != CHECK_NEVER && ti < st->t)
			continue;
		st->state = pass ? CHECK_PASSED : CHECK_FAILED;
		st->t = ti;
		snprintf(st->when, sizeof st->when, "%s", when);
		snprintf(st->report, sizeof st->report, "%s", csv_table_get(&t, i, c.file));
		snprintf(st->reason, sizeof st->reason, "%s", csv_table_get(&t, i, c.reason));
		snprintf(st->reason_code, sizeof st->reason_code, "%s",
			 csv_table_get(&t, i, c.code));
		st->interrupted = !pass && check_found_nothing(csv_table_get(&t, i, c.code),
							      csv_table_get(&t, i, c.disposition));
	}
	csv_table_free(&t);
	return RIG_OK;
}

enum rig_rc check_gate(const char *dir, const char *station, double interval_h, time_t now,
		       struct rig_err *err)
{
	struct check_status st;
	enum rig_rc rc = check_status_read(dir, station, &st, err);
	if (rc) { /* (its message was formatted into itself before) */
		rig_err_prefix(err, "bench check status unknown: ");
		if (err) {
			err->rc = RIG_E_CONFIG;
			err->cause = RIG_CAUSE_BENCH_CALIBRATION;
		}
		return RIG_E_CONFIG;
	}
	switch (st.state) {
	case CHECK_NEVER:
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_BENCH_CALIBRATION,
				      "no bench check of station %s on record in %s: run rig check on "
				      "the reference before judging product",
				      station, dir);
	case CHECK_FAILED:
		if (st.interrupted)
			return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_BENCH_CALIBRATION,
					      "the last bench check of %s, at %s (%s), was interrupted "
					      "(%s): run rig check again",
					      station, st.when, st.report, st.reason_code);
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_BENCH_CALIBRATION,
				      "bench check of %s failed at %s (%s): fix the bench, pass rig "
				      "check; assess units judged since %s",
				      station, st.when, st.report,
				      st.last_pass_t ? st.last_pass_when : "the first run");
	case CHECK_PASSED:
		break;
	}
	double age_h = difftime(now, st.t) / 3600.0;
	if (age_h > interval_h)
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_BENCH_CALIBRATION,
				      "the bench check of station %s is overdue: last passed at %s, %.1f h "
				      "ago, required every %g h: run rig check",
				      station, st.when, age_h, interval_h);
	if (age_h < -1.0 / 60)
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_BENCH_CALIBRATION,
				      "the last bench check of station %s is dated %s, in the future: "
				      "check the clock and run rig check",
				      station, st.when);
	return RIG_OK;
}

struct keyed {
	char key[64];
	size_t i;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Each run's unit: runs of one serial (text_serial_key) are one unit's,
 * its first run the one listed first; a run with no serial known is a
 * unit of its own (as store_runs_units and rig stats count). Units are
 * numbered in the order of their first runs. Sorted keys, not a search
 * per run: a bench never checked lists every run of its folder. */
static enum rig_rc number_units(struct check_impact *v, size_t n, struct rig_err *err)
{
	struct keyed *k = malloc((n ? n : 1) * sizeof *k);
	if (!k)
		return rig_fail(err, RIG_E_NOMEM, "out of memory counting the units to assess");
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		v[i].first = i;
		v[i].unknown = !report_serial_known(v[i].serial);
		if (v[i].unknown)
			continue;
		text_serial_key(k[nk].key, sizeof k[nk].key, v[i].serial);
		k[nk++].i = i;
	}
	qsort(k, nk, sizeof *k, cmp_keyed);
	for (size_t j = 1; j < nk; j++)
		if (!strcmp(k[j].key, k[j - 1].key))
			v[k[j].i].first = v[k[j - 1].i].first;
	free(k);
	size_t units = 0;
	for (size_t i = 0; i < n; i++)
		v[i].unit = v[i].first == i ? ++units : v[v[i].first].unit;
	return RIG_OK;
}

/* Row i of summary.csv judged a unit on station: not a bench check, not
 * ABORTED. */
static bool judged_unit(const struct csv_table *t, const struct cols *c, size_t i,
			const char *station)
{
	return !strcmp(csv_table_get(t, i, c->station), station) &&
	       strcmp(csv_table_get(t, i, c->profile), CHECK_PROFILE_NAME) &&
	       strcmp(csv_table_get(t, i, c->verdict), "ABORTED");
}

/* Row i of summary.csv as a run to assess (its unit numbered later). */
static void impact_row(struct check_impact *u, const struct csv_table *t, const struct cols *c,
		       size_t i)
{
	snprintf(u->serial, sizeof u->serial, "%s", csv_table_get(t, i, c->serial));
	snprintf(u->when, sizeof u->when, "%s", csv_table_get(t, i, c->ts));
	snprintf(u->verdict, sizeof u->verdict, "%s", csv_table_get(t, i, c->verdict));
	snprintf(u->report, sizeof u->report, "%s", csv_table_get(t, i, c->file));
	snprintf(u->reason, sizeof u->reason, "%s", csv_table_get(t, i, c->reason));
}

/* The runs listed, their units numbered; on failure none listed. */
static enum rig_rc impact_numbered(struct check_impact **v, size_t *n, struct rig_err *err)
{
	enum rig_rc rc = number_units(*v, *n, err);
	if (rc) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return rc;
}

enum rig_rc check_impact_list(const char *dir, const char *station, struct check_impact **v,
			      size_t *n, struct rig_err *err)
{
	*v = NULL;
	*n = 0;
	struct check_status st;
	enum rig_rc rc = check_status_read(dir, station, &st, err);
	if (rc)
		return rc;
	struct csv_table t;
	struct cols c;
	bool none;
	if ((rc = load(dir, &t, &c, &none, err)) || none)
		return rc;
	*v = calloc(t.nrows ? t.nrows : 1, sizeof **v);
	if (!*v) {
		csv_table_free(&t);
		return rig_fail(err, RIG_E_NOMEM, "out of memory listing the impact");
	}
	for (size_t i = 0; i < t.nrows; i++) {
		/* After the last good check's row: rows are appended as runs end,
		 * and virtual runs share their second. */
		time_t ti = check_parse_time(csv_table_get(&t, i, c.ts));
		if (!judged_unit(&t, &c, i, station) || ti < 0 ||
		    (st.last_pass_t && (i < st.last_pass_row || ti < st.last_pass_t)))
			continue;
		impact_row(&(*v)[(*n)++], &t, &c, i);
	}
	csv_table_free(&t);
	return impact_numbered(v, n, err);
}

enum rig_rc check_unchecked_list(const char *dir, const char *station, struct check_impact **v,
				 size_t *n, char *failed_when, size_t cap, struct rig_err *err)
{
	*v = NULL;
	*n = 0;
	if (cap)
		failed_when[0] = '\0';
	struct csv_table t;
	struct cols c;
	bool none;
	enum rig_rc rc = load(dir, &t, &c, &none, err);
	if (rc || none)
		return rc;
	/* the last check that passed (the one just run), and before it the
	 * last check that judged the bench (not one that found nothing) */
	size_t pass = t.nrows, from = t.nrows;
	for (size_t i = 0; i < t.nrows; i++)
		if (!strcmp(csv_table_get(&t, i, c.station), station) &&
		    !strcmp(csv_table_get(&t, i, c.profile), CHECK_PROFILE_NAME) &&
		    !strcmp(csv_table_get(&t, i, c.verdict), "PASS"))
			pass = i;
	for (size_t i = 0; pass < t.nrows && i < pass; i++)
		if (!strcmp(csv_table_get(&t, i, c.station), station) &&
		    !strcmp(csv_table_get(&t, i, c.profile), CHECK_PROFILE_NAME) &&
		    !check_found_nothing(csv_table_get(&t, i, c.code),
					 csv_table_get(&t, i, c.disposition)))
			from = i;
	if (from == t.nrows || !strcmp(csv_table_get(&t, from, c.verdict), "PASS")) {
		csv_table_free(&t);
		return RIG_OK;
	}
	snprintf(failed_when, cap, "%s", csv_table_get(&t, from, c.ts));
	*v = calloc(t.nrows, sizeof **v);
	if (!*v) {
		csv_table_free(&t);
		return rig_fail(err, RIG_E_NOMEM, "out of memory listing the impact");
	}
	for (size_t i = from + 1; i < pass; i++) {
		if (!judged_unit(&t, &c, i, station))
			continue;
		impact_row(&(*v)[(*n)++], &t, &c, i);
	}
	csv_table_free(&t);
	return impact_numbered(v, n, err);
}

size_t check_impact_units(const struct check_impact *v, size_t n, size_t *unknown)
{
	size_t units = 0, unk = 0;
	for (size_t i = 0; i < n; i++) {
		units += v[i].first == i;
		unk += v[i].unknown;
	}
	if (unknown)
		*unknown = unk;
	return units;
}

void check_status_line(const char *dir, const char *station, double interval_h, time_t now,
		       char *out, size_t cap)
{
	struct check_status cs;
	struct rig_err err = { 0 };
	if (check_status_read(dir, station, &cs, &err)) {
		snprintf(out, cap, "Bench check: status unknown (%s)", err.msg);
		return;
	}
	switch (cs.state) {
	case CHECK_NEVER:
		snprintf(out, cap, "Bench check: NONE on record - units cannot be judged: run rig "
				   "check");
		return;
	case CHECK_FAILED:
		if (cs.interrupted)
			snprintf(out, cap, "Bench check: INTERRUPTED at %s - units cannot be judged: "
					   "run rig check again", cs.when);
		else
			snprintf(out, cap, "Bench check: FAILED at %s - units cannot be judged: call "
					   "an engineer", cs.when);
		return;
	case CHECK_PASSED:
		break;
	}
	double left_h = interval_h - difftime(now, cs.t) / 3600.0;
	if (left_h < 0)
		snprintf(out, cap, "Bench check: OVERDUE (passed %s) - units cannot be judged: run "
				   "rig check", cs.when);
	else
		snprintf(out, cap, "Bench check: passed %s, next due in %.1f h", cs.when, left_h);
}

void check_calibrations_line(const struct fixture *f, time_t now, char *out, size_t cap)
{
	/* The pad's ring bound with the exposure it was measured at, and
	 * whether a run can use it at the exposure the fixture states (one
	 * it cannot use is not held to its date: bench_check_calibration()),
	 * or, stating none, at the sensor's (bench_check_ring_bound()). */
	char ring[112];
	int n = snprintf(ring, sizeof ring, "pad ring bound (%.2f um at %g us", f->laser.ring_max_um,
			 f->laser.ring_exposure_us);
	if (!bench_ring_bound_may_be_used(&f->laser))
		snprintf(ring + n, sizeof ring - n, "; not used at the fixture's %g us)",
			 f->laser.exposure_us);
	else if (!(f->laser.exposure_us > 0))
		snprintf(ring + n, sizeof ring - n, "; used if the sensor's exposure is that)");
	else
		snprintf(ring + n, sizeof ring - n, ")");
	const struct {
		const char *what, *date, *device;
	} cal[] = {
		{ "laser zero", f->laser.zero_date, f->laser.port },
		{ "load cell span", f->loadcell.cal_date, f->loadcell.chip },
		{ "tare", f->loadcell.tare_date, f->loadcell.chip },
		{ ring, f->laser.ring_date, f->laser.port },
	};
	out[0] = '\0';
	for (size_t i = 0; i < sizeof cal / sizeof cal[0]; i++) {
		if (!cal[i].date[0] || fixture_is_sim(cal[i].device))
			continue;
		char iso[32];
		snprintf(iso, sizeof iso, "%.10sT00:00:00Z", cal[i].date);
		time_t t = check_parse_time(iso);
		if (t < 0)
			continue;
		time_t due = t + (time_t)f->bench.calibration_valid_days * 86400;
		char d[16];
		struct tm tm;
		gmtime_r(&due, &tm);
		strftime(d, sizeof d, "%Y-%m-%d", &tm);
		double left = difftime(due, now) / 86400.0;
		size_t len = strlen(out);
		if (left < 0)
			snprintf(out + len, cap - len, "%s%s EXPIRED %s (%.0f d ago)",
				 len ? ", " : "Calibrations due: ", cal[i].what, d, -left);
		else
			snprintf(out + len, cap - len, "%s%s %s (in %.0f d)",
				 len ? ", " : "Calibrations due: ", cal[i].what, d, left);
	}
}
