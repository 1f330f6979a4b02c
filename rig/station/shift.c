/* shift.c - a shift's units, yield and report (see shift.h). */
#include "station/shift.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
#include "run/csvline.h"
#include "run/report.h"
#include "run/text.h"
#include "station/screen.h"

static void iso(char out[32], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void shift_log_init(struct shift_log *s, const char *dir, const char *station, time_t start)
{
	memset(s, 0, sizeof *s);
	char stamp[32];
	struct tm tm;
	gmtime_r(&start, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(s->station, sizeof s->station, "%s", station);
	/* the station's name goes into a file name: keep it to safe bytes */
	char safe[64];
	size_t k = 0;
	for (const char *p = station; *p && k + 1 < sizeof safe; p++)
		safe[k++] = isalnum((unsigned char)*p) || *p == '-' || *p == '.' ? *p : '_';
	safe[k] = '\0';
	snprintf(s->path, sizeof s->path, "%s/shift_%s_%s.csv", dir, stamp, safe);
	iso(s->started, start);
}

void shift_log_free(struct shift_log *s)
{
	free(s->u);
	free(s->r);
	s->u = NULL;
	s->r = NULL;
	s->n = s->nr = 0;
}


const struct shift_unit *shift_log_find(const struct shift_log *s, const char *serial)
{
	/* no known serial: a unit of its own, never another's retest */
	if (!report_serial_known(serial))
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (text_serial_same(s->u[i].serial, serial))
			return &s->u[i];
	return NULL;
}

void shift_log_retest_line(const struct shift_log *s, const char *serial, unsigned attempt,
			   time_t now, char *out, size_t cap)
{
	const struct shift_unit *u = shift_log_find(s, serial);
	if (u)
		snprintf(out, cap, "%s was tested %.0f min ago: %s; this is attempt %u%s", u->serial,
			 difftime(now, u->last_t) / 60.0, u->last, attempt,
			 !strcmp(u->last, "PASS") ? " (it passed: is this the right unit?)" : "");
	else if (attempt > 1)
		snprintf(out, cap, "%s was tested before (its reports are in this folder); this is attempt %u",
			 serial, attempt);
}

/* The operator's entry (the same name exactly), added when new; NULL for
 * no name or when the table is full. */
static struct shift_operator *add_operator(struct shift_log *s, const char *name)
{
	if (!name || !*name)
		return NULL;
	for (size_t i = 0; i < s->nops; i++)
		if (!strncmp(s->ops[i].name, name, sizeof s->ops[0].name - 1))
			return &s->ops[i];
	if (s->nops == SHIFT_OPERATORS_MAX)
		return NULL;
	struct shift_operator *o = &s->ops[s->nops++];
	snprintf(o->name, sizeof o->name, "%s", name);
	o->runs = 0;
	return o;
}

void shift_log_operator(struct shift_log *s, const char *name)
{
	(void)add_operator(s, name);
}

static void add_reason(struct shift_log *s, const char *reason)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strncmp(s->r[i].text, reason, sizeof s->r[0].text - 1)) {
			s->r[i].n++;
			return;
		}
	if (RIG_GROW(s->r, s->rcap, s->nr + 1, 8, NULL))
		return; /* the tally is kept; only this reason's line is lost */
	snprintf(s->r[s->nr].text, sizeof s->r[0].text, "%.159s", reason);
	s->r[s->nr++].n = 1;
}

/* A verdict that says something about the unit (PASS, FAIL,
 * INDETERMINATE), not about the bench (ABORTED, not tested). */
static bool judged(const char *verdict)
{
	return !strcmp(verdict, "PASS") || !strcmp(verdict, "FAIL") ||
	       !strcmp(verdict, "INDETERMINATE");
}

void shift_log_add(struct shift_log *s, const char *serial, const char *operator_name,
		   const struct run_result *res, time_t when)
{
	const char *v = !res->reported ? "ERROR" : report_verdict_name(res->verdict);
	s->runs++;
	if (!res->reported)
		s->not_tested++;
	else if (res->verdict == REPORT_PASS)
		s->pass++;
	else if (res->verdict == REPORT_FAIL)
		s->fail++;
	else if (res->verdict == REPORT_INDETERMINATE)
		s->indeterminate++;
	else
		s->aborted++;
	if (res->reported && res->verdict == REPORT_FAIL) {
		/* "verify depth at 1750 um: measured ..." counts as "verify depth
		 * at 1750 um": the characteristic, not the figures. */
		char key[160];
		snprintf(key, sizeof key, "%.159s",
			 res->reason);
		char *colon = strstr(key, ": ");
		if (colon)
			*colon = '\0';
		add_reason(s, key);
	}
	struct shift_operator *op = add_operator(s, operator_name);
	if (op)
		op->runs++;
	struct shift_unit *u = (struct shift_unit *)shift_log_find(s, serial);
	if (!u) {
		if (RIG_GROW(s->u, s->cap, s->n + 1, 16, NULL))
			return;
		u = &s->u[s->n++];
		memset(u, 0, sizeof *u);
		snprintf(u->serial, sizeof u->serial, "%s", serial);
		snprintf(u->first, sizeof u->first, "%s", v);
	}
	u->attempts++;
	u->last_t = when;
	snprintf(u->last, sizeof u->last, "%s", v);
	/* A unit whose first try said nothing about it (aborted, not tested)
	 * gets its first verdict from the first try that did. */
	if (!judged(u->first))
		snprintf(u->first, sizeof u->first, "%s", v);
}

void shift_log_yield(const struct shift_log *s, unsigned *units, unsigned *first_pass,
		     unsigned *final_pass)
{
	*units = *first_pass = *final_pass = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct shift_unit *u = &s->u[i];
		if (!judged(u->first))
			continue;
		(*units)++;
		*first_pass += !strcmp(u->first, "PASS");
		*final_pass += !strcmp(u->last, "PASS");
	}
}

static void row(struct csv_line *l, const char *metric, const char *value)
{
	csv_line_text(l, metric);
	csv_line_text(l, value);
	csv_line_end(l);
}

static void row_n(struct csv_line *l, const char *metric, double v)
{
	csv_line_text(l, metric);
	csv_line_num(l, v);
	csv_line_end(l);
}

enum rig_rc shift_log_write(const struct shift_log *s, time_t now, bool ended,
			    struct rig_err *err)
{
	struct csv_line l = CSV_LINE_INIT;
	static const char *const head[] = { "metric", "value" };
	csv_line_header(&l, head, 2);
	char t[32];
	iso(t, now);
	row(&l, "station", s->station);
	char names[SHIFT_OPERATORS_MAX * 66] = "";
	for (size_t i = 0, len = 0; i < s->nops && len < sizeof names; i++)
		len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? "; " : "",
					s->ops[i].name);
	row(&l, "operators", names);
	row(&l, "started", s->started);
	row(&l, ended ? "ended" : "updated", t);
	unsigned units, fp, final;
	shift_log_yield(s, &units, &fp, &final);
	row_n(&l, "runs", s->runs);
	row_n(&l, "units_tested", units);
	row_n(&l, "first_pass", fp);
	row_n(&l, "first_pass_yield_pct", units ? 100.0 * fp / units : NAN);
	row_n(&l, "final_pass", final);
	row_n(&l, "final_yield_pct", units ? 100.0 * final / units : NAN);
	row_n(&l, "retests", s->runs - s->n);
	row_n(&l, "pass", s->pass);
	row_n(&l, "fail", s->fail);
	row_n(&l, "indeterminate", s->indeterminate);
	row_n(&l, "aborted", s->aborted);
	row_n(&l, "not_tested_bench_busy_or_broken", s->not_tested);
	for (size_t i = 0; i < s->nops; i++) {
		char m[96];
		snprintf(m, sizeof m, "runs_by_operator: %s", s->ops[i].name);
		row_n(&l, m, s->ops[i].runs);
	}
	for (size_t i = 0; i < s->nr; i++) {
		char m[200];
		snprintf(m, sizeof m, "failures: %s", s->r[i].text);
		row_n(&l, m, s->r[i].n);
	}
	if (l.oom) {
		free(l.s);
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", s->path);
	}
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", s->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	enum rig_rc rc = RIG_OK;
	if (fd < 0)
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", tmp);
	else {
		size_t off = 0;
		while (!rc && off < l.len) {
			ssize_t w = write(fd, l.s + off, l.len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", tmp);
			else
				off += (size_t)w;
		}
		if (!rc && fsync(fd))
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", tmp);
		if (close(fd) && !rc)
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", tmp);
		if (!rc && rename(tmp, s->path))
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", s->path);
		if (rc)
			unlink(tmp);
	}
	free(l.s);
	return rc;
}

enum rig_rc shift_note_run(struct shift_log *s, struct station_shift *tally, const char *serial,
			   const char *operator_name, const struct run_result *res, time_t now,
			   struct rig_err *err)
{
	if (!res->reported)
		tally->errors++;
	else if (res->verdict == REPORT_PASS)
		tally->pass++;
	else if (res->verdict == REPORT_FAIL)
		tally->fail++;
	else if (res->verdict == REPORT_INDETERMINATE)
		tally->indeterminate++;
	else
		tally->aborted++;
	shift_log_add(s, serial, operator_name, res, now);
	unsigned final_pass;
	shift_log_yield(s, &tally->units, &tally->first_pass, &final_pass);
	return shift_log_write(s, now, false, err);
}

void shift_retest_warning(const struct shift_log *s, const char *dir, const char *serial,
			  time_t now, char *out, size_t cap)
{
	unsigned attempt = 1;
	struct rig_err err;
	if (report_next_attempt(dir, serial, NULL, &attempt, &err) == RIG_OK)
		shift_log_retest_line(s, serial, attempt, now, out, cap);
}
