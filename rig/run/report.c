/* report.c - a run's metadata, its rows in memory, names and identifiers.
 * The files are report_journal.c's and its neighbours' (report_impl.h
 * lists them); JUnit is report_junit.c's. */
#include "run/report_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/grow.h"
#include "run/text.h"

#include "core/sha256.h"
#include "core/version.h"
#include "measure/stroke.h"

const char *report_verdict_name(enum report_verdict v)
{
	switch (v) {
	case REPORT_PASS:
		return "PASS";
	case REPORT_FAIL:
		return "FAIL";
	case REPORT_ABORTED:
		return "ABORTED";
	case REPORT_INDETERMINATE:
		return "INDETERMINATE";
	}
	return "ABORTED";
}

bool report_verdict_parse(const char *s, enum report_verdict *v)
{
	static const enum report_verdict all[] = { REPORT_PASS, REPORT_FAIL, REPORT_ABORTED,
						   REPORT_INDETERMINATE };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, report_verdict_name(all[i])) == 0) {
			*v = all[i];
			return true;
		}
	return false;
}

enum report_category report_verdict_category(enum report_verdict v)
{
	return v == REPORT_FAIL || v == REPORT_INDETERMINATE ? REPORT_CATEGORY_UNIT
	       : v == REPORT_ABORTED			     ? REPORT_CATEGORY_BENCH
							     : REPORT_CATEGORY_NONE;
}

const char *report_category_name(enum report_category c)
{
	return c == REPORT_CATEGORY_UNIT ? "unit" : c == REPORT_CATEGORY_BENCH ? "bench" : "";
}

enum rig_rc report_new_run_id(char out[37], struct rig_err *err)
{
	unsigned char b[16];
	size_t got = 0;
	while (got < sizeof b) {
		ssize_t n = getrandom(b + got, sizeof b - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rig_fail_errno(err, RIG_E_IO, errno, "run id: getrandom");
		got += (size_t)n;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
	return RIG_OK;
}

void report_iso_time(char out[21], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void report_compact_time(char out[17], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void report_file_name(char *out, size_t cap, time_t started, const char *serial,
		      enum report_verdict v)
{
	char ts[17], sn[TEXT_SERIAL_MAX + 1];
	report_compact_time(ts, started);
	text_file_serial(sn, sizeof sn, serial);
	snprintf(out, cap, "%s_%s_%s.csv", ts, sn, report_verdict_name(v));
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

enum rig_rc report_meta_init(struct report_meta *m, struct rig_err *err)
{
	memset(m, 0, sizeof *m);
	m->laser_zero_mm = m->loadcell_scale_counts_per_n = m->loadcell_offset_counts = NAN;
	m->started = time(NULL); /* calendar time for the record, not bench time */
	copy(m->rig_version, sizeof m->rig_version, rig_version);
	return report_new_run_id(m->run_id, err);
}

void report_meta_set_profile(struct report_meta *m, const struct profile *p)
{
	copy(m->profile, sizeof m->profile, p->name);
	copy(m->profile_version, sizeof m->profile_version, p->version);
	copy(m->profile_sha256, sizeof m->profile_sha256, p->sha256);
	char abs[PATH_MAX];
	copy(m->profile_path, sizeof m->profile_path, realpath(p->path, abs) ? abs : p->path);
}

/* date + days as YYYY-MM-DD; "" for no date. */
static void due_date(char out[FIXTURE_DATE], const char *date, int days)
{
	struct tm tm = { 0 };
	out[0] = '\0';
	if (!date[0] || sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, FIXTURE_DATE, "%Y-%m-%d", &tm);
}

/* SHA-256 of a file's bytes; "" if it cannot be read. */
static void file_sha256(char out[SHA256_HEX_LEN + 1], const char *path)
{
	out[0] = '\0';
	FILE *f = fopen(path, "rbe");
	if (!f)
		return;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool ok = true;
	for (;;) {
		if (RIG_GROW(buf, cap, len + 1, 8192, NULL)) {
			ok = false;
			break;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	ok = ok && !ferror(f);
	fclose(f);
	if (ok)
		sha256_hex(buf, len, out);
	free(buf);
}

/* Whether the pad's ring bound holds at the exposure the run measures
 * with (the sensor's, read back when the laser was opened; 0: none):
 * the engine's own rule, said for the report. "" without a bound. */
static void ring_use(char *out, size_t cap, const struct fixture_laser *l)
{
	if (!(l->ring_max_um > 0))
		snprintf(out, cap, "%s", "");
	else if (measure_ring_bound_holds(l->exposure_us, l->ring_exposure_us))
		snprintf(out, cap, "used: measured at the sensor's exposure of %g us",
			 l->ring_exposure_us);
	else if (l->exposure_us > 0)
		snprintf(out, cap, "not used: measured at %g us, the sensor's exposure is %g us: "
			 "characterize the pad at this exposure", l->ring_exposure_us,
			 l->exposure_us);
	else /* a run stopped before the laser was read (at identify), or a
	      * sensor that reports none: there is no exposure to characterize
	      * the pad at ("the sensor reported no exposure: characterize the
	      * pad at this exposure" before) */
		snprintf(out, cap, "not used: measured at %g us, the sensor's exposure is not known",
			 l->ring_exposure_us);
}

void report_meta_set_fixture(struct report_meta *m, const struct fixture *f)
{
	char abs[PATH_MAX];
	copy(m->station, sizeof m->station, f->bench.station);
	copy(m->fixture_path, sizeof m->fixture_path, realpath(f->path, abs) ? abs : f->path);
	file_sha256(m->fixture_sha256, f->path);
	m->laser_zero_mm = f->laser.zero_mm;
	m->loadcell_scale_counts_per_n = f->loadcell.scale_counts_per_n;
	m->loadcell_offset_counts = f->loadcell.offset_counts;
	copy(m->laser_zero_date, sizeof m->laser_zero_date, f->laser.zero_date);
	copy(m->loadcell_cal_date, sizeof m->loadcell_cal_date, f->loadcell.cal_date);
	copy(m->loadcell_tare_date, sizeof m->loadcell_tare_date, f->loadcell.tare_date);
	int days = f->bench.calibration_valid_days;
	due_date(m->laser_zero_due, f->laser.zero_date, days);
	due_date(m->loadcell_cal_due, f->loadcell.cal_date, days);
	due_date(m->loadcell_tare_due, f->loadcell.tare_date, days);
	m->laser_ring_max_um = f->laser.ring_max_um;
	copy(m->laser_ring_date, sizeof m->laser_ring_date, f->laser.ring_date);
	due_date(m->laser_ring_due, f->laser.ring_date, days);
	m->laser_ring_exposure_us = f->laser.ring_exposure_us;
	ring_use(m->laser_ring_use, sizeof m->laser_ring_use, &f->laser);
}

void report_meta_set_sensor(struct report_meta *m, const char *serial, const char *firmware)
{
	copy(m->laser_serial, sizeof m->laser_serial, serial);
	copy(m->laser_firmware, sizeof m->laser_firmware, firmware);
}

void report_meta_set_pen(struct report_meta *m, const char *model, const char *serial,
			 const char *firmware)
{
	copy(m->pen_model, sizeof m->pen_model, model);
	copy(m->pen_serial, sizeof m->pen_serial, serial);
	copy(m->pen_firmware, sizeof m->pen_firmware, firmware);
}

#define CLEAN(field) text_clean(c->field, sizeof c->field, m->field)

enum rig_rc report_alloc(struct report **out, const char *dir, const struct report_meta *m,
			 struct rig_err *err)
{
	struct report *r = calloc(1, sizeof *r);
	if (!r)
		return rig_fail(err, RIG_E_NOMEM, "report: out of memory");
	r->journal_fd = -1;
	r->fs = rig_fsops_posix;
	struct report_meta *c = &r->meta;
	c->started = m->started;
	c->attempt = m->attempt;
	CLEAN(run_id);
	CLEAN(station);
	CLEAN(operator_name);
	CLEAN(pen_model);
	CLEAN(pen_serial);
	CLEAN(pen_firmware);
	CLEAN(profile);
	CLEAN(profile_version);
	CLEAN(profile_sha256);
	CLEAN(profile_path);
	CLEAN(rig_version);
	CLEAN(fixture_path);
	CLEAN(fixture_sha256);
	CLEAN(records);
	CLEAN(laser_serial);
	CLEAN(laser_firmware);
	CLEAN(laser_zero_date);
	CLEAN(loadcell_cal_date);
	CLEAN(loadcell_tare_date);
	CLEAN(laser_zero_due);
	CLEAN(loadcell_cal_due);
	CLEAN(loadcell_tare_due);
	CLEAN(laser_ring_date);
	CLEAN(laser_ring_due);
	CLEAN(laser_ring_use);
	c->laser_ring_max_um = m->laser_ring_max_um;
	c->laser_ring_exposure_us = m->laser_ring_exposure_us;
	c->laser_zero_mm = m->laser_zero_mm;
	c->loadcell_scale_counts_per_n = m->loadcell_scale_counts_per_n;
	c->loadcell_offset_counts = m->loadcell_offset_counts;
	if (strlen(dir) >= sizeof r->dir) {
		free(r);
		return rig_fail(err, RIG_E_IO, "report folder name too long: %s", dir);
	}
	strcpy(r->dir, dir);
	*out = r;
	return RIG_OK;
}

static char *dup_clean(const char *s, bool *oom)
{
	s = s ? s : "";
	size_t cap = strlen(s) + 1;
	char *d = malloc(cap);
	if (!d) {
		*oom = true;
		return NULL;
	}
	text_clean(d, cap, s);
	return d;
}

static void rec_free(struct report_rec *rec)
{
	free(rec->phase);
	free(rec->step);
	free(rec->quantity);
	free(rec->unit);
	free(rec->result);
	free(rec->category);
	free(rec->note);
	free(rec->reason_code);
	free(rec->disposition);
	free(rec->instruction);
}

static double finite_or_nan(double v)
{
	return isfinite(v) ? v : NAN;
}

enum rig_rc report_keep(struct report *r, const struct report_row *row, struct rig_err *err)
{
	enum rig_rc rc = RIG_GROW(r->rows, r->caprows, r->nrows + 1, 64, err);
	if (rc) {
		rig_err_prefix(err, "report: ");
		return rc;
	}
	bool oom = false;
	struct report_rec rec = {
		.phase = dup_clean(row->phase, &oom),
		.step = dup_clean(row->step, &oom),
		.quantity = dup_clean(row->quantity, &oom),
		.unit = dup_clean(row->unit, &oom),
		.result = dup_clean(row->result, &oom),
		.category = dup_clean(row->category, &oom),
		.note = dup_clean(row->note, &oom),
		.reason_code = dup_clean(row->reason_code, &oom),
		.disposition = dup_clean(row->disposition, &oom),
		.instruction = dup_clean(row->instruction, &oom),
		.commanded = finite_or_nan(row->commanded),
		.measured = finite_or_nan(row->measured),
		.std = finite_or_nan(row->std),
		.uncertainty = finite_or_nan(row->uncertainty),
		.low_limit = finite_or_nan(row->low_limit),
		.high_limit = finite_or_nan(row->high_limit),
		.accept_low = finite_or_nan(row->accept_low),
		.accept_high = finite_or_nan(row->accept_high),
		.conformance_probability = finite_or_nan(row->conformance_probability),
		.bench_s = finite_or_nan(row->bench_s),
		.n = row->n < 0 ? -1 : row->n,
	};
	/* A figure refused (by a quality gate, or never measured) has no
	 * scatter or uncertainty either: a U beside an empty value would read
	 * like a measurement ... */
	if (isnan(rec.measured)) {
		rec.std = rec.uncertainty = rec.conformance_probability = NAN;
		/* ... nor acceptance limits derived from that U: only limits
		 * that are the specification itself stay. */
		if (rec.accept_low != rec.low_limit)
			rec.accept_low = NAN;
		if (rec.accept_high != rec.high_limit)
			rec.accept_high = NAN;
	}
	if (oom) {
		rec_free(&rec);
		return rig_fail(err, RIG_E_NOMEM, "report: out of memory");
	}
	if (strcmp(rec.quantity, "bench_time") == 0 && !isnan(rec.measured))
		r->bench_time_s += rec.measured;
	r->rows[r->nrows++] = rec;
	return RIG_OK;
}

void report_unkeep(struct report *r)
{
	if (!r->nrows)
		return;
	struct report_rec *rec = &r->rows[--r->nrows];
	if (strcmp(rec->quantity, "bench_time") == 0 && !isnan(rec->measured))
		r->bench_time_s -= rec->measured;
	rec_free(rec);
}

struct report_row report_rec_row(const struct report_rec *rec)
{
	return (struct report_row){
		.phase = rec->phase, .step = rec->step, .quantity = rec->quantity,
		.unit = rec->unit, .commanded = rec->commanded, .measured = rec->measured,
		.std = rec->std, .n = rec->n, .uncertainty = rec->uncertainty,
		.low_limit = rec->low_limit, .high_limit = rec->high_limit,
		.accept_low = rec->accept_low, .accept_high = rec->accept_high,
		.conformance_probability = rec->conformance_probability,
		.bench_s = rec->bench_s,
		.result = rec->result, .category = rec->category, .note = rec->note,
		.reason_code = rec->reason_code, .disposition = rec->disposition,
		.instruction = rec->instruction,
	};
}

bool report_rec_is_verdict(const struct report_rec *rec)
{
	return strcmp(rec->phase, "run") == 0 && strcmp(rec->quantity, "verdict") == 0;
}

bool report_rec_judged(const struct report_rec *rec)
{
	return !report_rec_is_verdict(rec) &&
	       (strcmp(rec->result, "PASS") == 0 || strcmp(rec->result, "FAIL") == 0 ||
		strcmp(rec->result, "INDETERMINATE") == 0);
}

void report_set_disposition(struct report *r, const char *reason_code,
			    const char *disposition, const char *instruction)
{
	text_clean(r->reason_code, sizeof r->reason_code, reason_code ? reason_code : "");
	text_clean(r->disposition, sizeof r->disposition, disposition ? disposition : "");
	text_clean(r->instruction, sizeof r->instruction, instruction ? instruction : "");
}

const char *report_file(const struct report *r)
{
	return r->file;
}

enum rig_rc report_add_judged(struct report *r, const struct report_judged *j,
			      struct rig_err *err)
{
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = j->phase;
	row.step = j->step;
	row.quantity = j->quantity;
	row.unit = j->unit;
	row.commanded = j->commanded;
	row.measured = j->measured;
	row.std = j->std;
	row.n = j->n;
	row.uncertainty = j->uncertainty;
	row.low_limit = j->d->spec_low;
	row.high_limit = j->d->spec_high;
	row.accept_low = j->d->low_limit;
	row.accept_high = j->d->high_limit;
	row.conformance_probability = j->d->conformance_probability;
	row.result = decision_result_name(j->d->result);
	char note[sizeof j->d->reason + MEASURE_NOTE_MAX + 2];
	row.note = j->d->reason;
	if (j->measure_note && j->measure_note[0]) {
		snprintf(note, sizeof note, "%s; %s", j->d->reason, j->measure_note);
		row.note = note;
	}
	row.bench_s = j->bench_s;
	return report_add(r, &row, err);
}

enum rig_rc report_add_table_point(struct report *r, const char *step, const char *quantity,
				   const char *unit, double setpoint, double measured,
				   unsigned index, unsigned npoints, struct rig_err *err)
{
	char note[160];
	snprintf(note, sizeof note,
		 "table point %u of %u: a command of %.9g %s now drives raw setpoint %.9g %s",
		 index + 1, npoints, measured, unit, setpoint, unit);
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = "calibrate";
	row.step = step;
	row.quantity = quantity;
	row.unit = unit;
	row.commanded = setpoint;
	row.measured = measured;
	row.result = "WRITTEN";
	row.note = note;
	return report_add(r, &row, err);
}

enum rig_rc report_add_bench_time(struct report *r, const char *phase, double seconds,
				  struct rig_err *err)
{
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = phase;
	row.step = "total";
	row.quantity = "bench_time";
	row.unit = "s";
	row.measured = seconds;
	return report_add(r, &row, err);
}

void report_close(struct report *r)
{
	if (!r)
		return;
	if (r->journal_fd >= 0)
		close(r->journal_fd); /* releases the journal's flock */
	for (size_t i = 0; i < r->nrows; i++)
		rec_free(&r->rows[i]);
	free(r->rows);
	free(r);
}
