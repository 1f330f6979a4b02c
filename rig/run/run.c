/* run.c - one test run, from the bench lock to the report.
 *
 * The order of a run: lock the bench; check the fixture's calibration
 * dates; open the devices (pen power on, boot); identify the pen; open the
 * report (from here on nothing is lost); preload; calibrate; verify; then,
 * always, motor off, lamps, pen power off, report, lock released. Safety
 * (e-stop, lid) is checked at least every 10 ms of bench time while the pen
 * may move; a trip switches pen power off at once and ends the run ABORTED.
 */
#include "run/run.h"
#include "run/text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "cli/session.h"
#include "measure/capture.h"
#include "measure/stroke.h"
#include "dev/pen/protocol.h"
#include "run/calfit.h"
#include "run/decision.h"
#include "run/devices.h"
#include "run/lock.h"
#include "run/point.h"
#include "run/profile.h"

#define PRELOAD_GOOD_READS 3 /* consecutive reads inside the window ... */
#define PRELOAD_STEADY_FRACTION 0.1 /* ... agreeing within this part of it */
#define MAX_PHASES 8

struct phase_time {
	const char *name;
	double seconds;
};

struct run {
	const struct run_options *o;
	struct run_result *res;
	struct rig_session s;
	bool have_session;
	struct bench_devices d;
	struct profile prof;
	struct bench_lock lock;
	struct report_meta meta;
	struct report *rep;
	struct pen_identity id;
	bool identified;
	bool calibrate;
	bool motor_on;

	const char *phase;
	uint64_t phase_t0;
	struct phase_time times[MAX_PHASES];
	unsigned ntimes, times_written;
	unsigned step, nsteps;

	/* How the run is going: a FAIL is a judgement; an abort stops it. */
	bool failed;
	char fail_reason[256];
	bool aborted;
	enum rig_rc abort_rc;
	char abort_reason[RIG_ERR_MSG_MAX];

	char trace_dir[PATH_MAX];
	unsigned ntraces;
};

const char *run_mode_name(enum run_mode m)
{
	switch (m) {
	case RUN_MODE_AUTO: return "auto";
	case RUN_MODE_CALIBRATE: return "calibrate";
	case RUN_MODE_VERIFY: return "verify";
	}
	return "?";
}

/* Format into a fixed buffer; a long message is cut, never overflows. */
__attribute__((format(printf, 3, 4)))
static void set_text(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void progress(struct run *r, const char *fmt, ...)
{
	FILE *out = r->o->progress;
	va_list ap;
	if (r->o->on_progress) {
		char text[256];
		va_start(ap, fmt);
		vsnprintf(text, sizeof text, fmt, ap);
		va_end(ap);
		r->o->on_progress(r->o->phase_ctx, r->phase ? r->phase : "start", r->step,
				  r->nsteps, text);
	}
	if (!out)
		return;
	/* Pen replies, serials and names reach this line: escape them. */
	char raw[512], shown[4 * sizeof raw];
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	text_escape(shown, sizeof shown, raw);
	if (isatty(fileno(out)))
		fprintf(out, "\r\033[K[%u/%u] %s: %s", r->step, r->nsteps,
			r->phase ? r->phase : "start", shown);
	else
		fprintf(out, "rig run: %s: %s\n", r->phase ? r->phase : "start", shown);
	fflush(out);
}

/* A message for the operator on stderr, escaped like progress lines: it
 * quotes paths, profile names and what devices said. Returns 0 (so it can
 * stand in an expression). */
static int run_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run_error(const char *fmt, ...)
{
	char raw[1024], shown[4 * sizeof raw];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	text_escape(shown, sizeof shown, raw);
	fprintf(stderr, "rig run: %s\n", shown);
	return 0;
}

/* Write the bench time of finished phases once the report exists. */
static void flush_phase_times(struct run *r)
{
	struct rig_err err;
	while (r->rep && r->times_written < r->ntimes) {
		struct phase_time *t = &r->times[r->times_written++];
		if (report_add_bench_time(r->rep, t->name, t->seconds, &err) && !r->aborted) {
			r->aborted = true;
			r->abort_rc = err.rc;
			snprintf(r->abort_reason, sizeof r->abort_reason, "%s", err.msg);
		}
	}
}

static void end_phase(struct run *r)
{
	if (r->phase && r->ntimes < MAX_PHASES) {
		r->times[r->ntimes++] = (struct phase_time){
			.name = r->phase,
			.seconds = (double)(clock_now_ns(r->s.hal.clock) - r->phase_t0) / 1e9,
		};
	}
	r->phase = NULL;
	flush_phase_times(r);
}

static void begin_phase(struct run *r, const char *name)
{
	end_phase(r);
	r->phase = name;
	r->phase_t0 = clock_now_ns(r->s.hal.clock);
	if (r->s.bench)
		sim_bench_set_phase(r->s.bench, name);
	if (r->o->on_phase)
		r->o->on_phase(r->o->phase_ctx, name, r->s.bench);
	progress(r, "start");
}

/* Record the first reason the run cannot go on. */
static enum rig_rc abort_run(struct run *r, enum rig_rc rc, const char *msg)
{
	if (!r->aborted) {
		r->aborted = true;
		r->abort_rc = rc;
		if (r->phase)
			set_text(r->abort_reason, sizeof r->abort_reason, "%s: %s", r->phase, msg);
		else
			set_text(r->abort_reason, sizeof r->abort_reason, "%s", msg);
	}
	return rc;
}

__attribute__((format(printf, 2, 3)))
static void fail_run(struct run *r, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (!r->failed)
		set_text(r->fail_reason, sizeof r->fail_reason, "%s", text);
	r->failed = true;
	if (r->res->nfailures < RUN_MAX_FAILURES)
		set_text(r->res->failures[r->res->nfailures].text,
			 sizeof r->res->failures[0].text, "%s", text);
	r->res->nfailures++;
	progress(r, "FAIL %s", text);
}

/* The bench as the shared point code sees it (rig/run/point.h). */
static struct point_bench point_bench_of(struct run *r)
{
	return (struct point_bench){
		.clock = r->s.hal.clock, .fx = &r->s.fx, .d = &r->d, .motor_on = &r->motor_on,
	};
}

/* E-stop or lid: pen power off first (it stops the motor), then say so. */
static enum rig_rc check_safety(struct run *r, struct rig_err *err)
{
	struct point_bench pb = point_bench_of(r);
	return point_check_safety(&pb, err);
}

static FILE *open_trace(struct run *r, const char *step, double depth_um, double freq_hz,
			struct rig_err *err)
{
	if (!r->o->save_trace || !r->trace_dir[0])
		return NULL;
	char path[PATH_MAX + 128];
	snprintf(path, sizeof path, "%s/%02u_%s_%s_%.0fum_%.1fHz.csv", r->trace_dir,
		 ++r->ntraces, r->phase, step, depth_um, freq_hz);
	FILE *f = fopen(path, "w");
	if (!f) {
		rig_fail_errno(err, RIG_E_IO, errno, "cannot write trace %s", path);
		return NULL;
	}
	fprintf(f, "%s\n", CAPTURE_CSV_HEADER);
	return f;
}

/* Command the pen, let it settle, and measure one window of strokes. */
static enum rig_rc measure_point(struct run *r, const char *step, double depth_um,
				 double freq_hz, unsigned settle_ms,
				 const struct profile_window *w, struct measure_stats *st,
				 struct rig_err *err)
{
	struct point_bench pb = point_bench_of(r);
	memset(st, 0, sizeof *st);
	FILE *trace = open_trace(r, step, depth_um, freq_hz, err);
	if (r->o->save_trace && !trace)
		return err->rc;
	enum rig_rc rc = point_measure(&pb, r->phase, step, depth_um, freq_hz, settle_ms, w,
				       trace, r->o->observer, st, err);
	if (trace && fclose(trace) && !rc)
		rc = rig_fail_errno(err, RIG_E_IO, errno, "writing a trace");
	return rc;
}

static enum rig_rc add_row(struct run *r, const struct report_row *row)
{
	struct rig_err err;
	enum rig_rc rc = report_add(r->rep, row, &err);
	if (rc)
		abort_run(r, rc, err.msg);
	return rc;
}

static enum rig_rc add_judged(struct run *r, const char *step, const char *quantity,
			      const char *unit, double commanded, double measured, double std,
			      long n, double u, const struct decision *d)
{
	struct rig_err err;
	struct report_judged j = { r->phase, step, quantity, unit, commanded, measured, std, n, u, d };
	enum rig_rc rc = report_add_judged(r->rep, &j, &err);
	if (rc)
		return abort_run(r, rc, err.msg);
	if (d->result == DECISION_FAIL && isnan(commanded))
		fail_run(r, "%s %s: %s", r->phase, quantity, d->reason);
	else if (d->result == DECISION_FAIL)
		fail_run(r, "%s %s at %g %s: %s", r->phase, quantity, commanded,
			 strcmp(step, "freq_sweep") == 0 ? "Hz" : "um", d->reason);
	return RIG_OK;
}

/* ---- Steps ------------------------------------------------------------ */

static int days_since(const char *date)
{
	struct tm tm = { 0 };
	if (!date[0] || sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -100000;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t then = timegm(&tm);
	return (int)floor(difftime(time(NULL), then) / 86400.0);
}

/* A calibration expires with the calendar because a real sensor drifts.
 * A device of the in-process virtual bench is known exactly and does not:
 * its dates are not held against today, so the default bench never rots. */
static enum rig_rc check_fixture_dates(struct run *r, struct rig_err *err)
{
	struct fixture *f = &r->s.fx;
	struct {
		const char *what, *section, *key, *date, *fix, *device;
	} cal[] = {
		{ "laser zero", "laser", "zero_date", f->laser.zero_date, "rig zero",
		  f->laser.port },
		{ "load cell span", "loadcell", "cal_date", f->loadcell.cal_date,
		  "rig loadcell-cal", f->loadcell.chip },
		{ "load cell tare", "loadcell", "tare_date", f->loadcell.tare_date, "rig tare",
		  f->loadcell.chip },
	};
	int valid = f->bench.calibration_valid_days;
	for (size_t i = 0; i < sizeof cal / sizeof cal[0]; i++) {
		if (!cal[i].date[0] || fixture_is_sim(cal[i].device))
			continue;
		int age = days_since(cal[i].date);
		int line = fixture_line(f, cal[i].section, cal[i].key);
		if (age < 0)
			return rig_fail(err, RIG_E_CONFIG,
					"%s:%d: %s date %s is in the future: fix the date or run %s",
					f->path, line, cal[i].what, cal[i].date, cal[i].fix);
		if (age > valid)
			return rig_fail(err, RIG_E_CONFIG,
					"%s:%d: %s expired: calibrated %s, %d days ago, valid for %d days: "
					"run %s",
					f->path, line, cal[i].what, cal[i].date, age, valid, cal[i].fix);
	}
	return RIG_OK;
}

static enum rig_rc identify(struct run *r, struct rig_err *err)
{
	enum rig_rc rc = devices_open(&r->d, &r->s, DEV_ALL, err);
	if (rc)
		return rc;
	if ((rc = bench_io_lamps(r->d.io, LAMPS_RUNNING, err)) ||
	    (rc = pen_identify(r->d.pen, &r->id, err)))
		return rc;
	r->identified = true;
	snprintf(r->res->pen_serial, sizeof r->res->pen_serial, "%s", r->id.serial);
	progress(r, "%s %s, serial %s, firmware %s", r->id.maker, r->id.model, r->id.serial,
		 r->id.firmware);
	if (strcmp(r->id.model, r->prof.pen_model) != 0)
		return rig_fail(err, RIG_E_ABORTED,
				"wrong pen for this profile: the pen is a %s, profile %s is for %s",
				r->id.model, r->prof.name, r->prof.pen_model);
	if (r->o->serial && strcmp(r->o->serial, r->id.serial) != 0)
		return rig_fail(err, RIG_E_ABORTED,
				"serial mismatch: scanned '%s', the pen says '%s'", r->o->serial,
				r->id.serial);
	return RIG_OK;
}

static enum rig_rc preload(struct run *r, struct rig_err *err)
{
	const struct profile_verify *v = &r->prof.verify;
	uint64_t deadline = clock_now_ns(r->s.hal.clock) +
			    (uint64_t)v->preload_timeout_ms * RIG_NS_PER_MS;
	unsigned good = 0, nin = 0;
	bool told = false;
	double f = NAN, recent[PRELOAD_GOOD_READS];
	/* Steady: the last reads agree, so a drifting cell (or a pen still
	 * being seated) is never taken for a preload. */
	double steady_n = PRELOAD_STEADY_FRACTION * (v->preload_max_n - v->preload_min_n);
	for (;;) {
		enum rig_rc rc = check_safety(r, err);
		if (rc || (rc = loadcell_read_force_n(r->d.loadcell, &f, err)))
			return rc;
		bool inside = f >= v->preload_min_n && f <= v->preload_max_n;
		if (inside)
			recent[nin++ % PRELOAD_GOOD_READS] = f;
		else
			nin = 0;
		good = nin < PRELOAD_GOOD_READS ? nin : PRELOAD_GOOD_READS - 1;
		if (nin >= PRELOAD_GOOD_READS) {
			double lo = recent[0], hi = recent[0];
			for (int i = 1; i < PRELOAD_GOOD_READS; i++) {
				lo = fmin(lo, recent[i]);
				hi = fmax(hi, recent[i]);
			}
			if (hi - lo <= steady_n)
				good = PRELOAD_GOOD_READS;
		}
		if (good >= PRELOAD_GOOD_READS)
			break;
		if (!inside && !told) {
			progress(r, "preload %.2f N: seat the pen so it presses %.2f..%.2f N", f,
				 v->preload_min_n, v->preload_max_n);
			told = true;
		}
		if (clock_now_ns(r->s.hal.clock) >= deadline)
			break;
	}
	struct decision d;
	decide_limits(&d, f, NAN, v->preload_min_n, v->preload_max_n, DECISION_SIMPLE, "N");
	if (good < PRELOAD_GOOD_READS && d.result == DECISION_PASS) {
		/* Inside at the last read, but never steady: still a failure. */
		d.result = DECISION_FAIL;
		snprintf(d.reason, sizeof d.reason,
			 "preload did not settle inside %.2f..%.2f N within %u ms", v->preload_min_n,
			 v->preload_max_n, v->preload_timeout_ms);
	} else if (d.result == DECISION_FAIL) {
		char tmp[256];
		set_text(tmp, sizeof tmp, "%s after %u ms", d.reason, v->preload_timeout_ms);
		set_text(d.reason, sizeof d.reason, "%s", tmp);
	}
	return add_judged(r, "preload", "preload", "N", NAN, f, NAN, good, NAN, &d);
}

static void cover_range(const struct profile *p, bool depth, double *lo, double *hi)
{
	const struct profile_points *pts[2] = {
		depth ? &p->calibrate.depth_points_um : &p->calibrate.freq_points_hz,
		depth ? &p->verify.depth_points_um : &p->verify.freq_points_hz,
	};
	double nominals[] = {
		depth ? p->calibrate.nominal_depth_um : p->calibrate.nominal_freq_hz,
		depth ? p->verify.nominal_depth_um : p->verify.nominal_freq_hz,
	};
	*lo = fmin(nominals[0], nominals[1]);
	*hi = fmax(nominals[0], nominals[1]);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < pts[k]->n; i++) {
			*lo = fmin(*lo, pts[k]->v[i]);
			*hi = fmax(*hi, pts[k]->v[i]);
		}
}

/* The rows of a table now saved in the pen. */
static enum rig_rc table_rows(struct run *r, enum pen_table which, const char *step,
			      const char *unit, const struct pen_cal_table *t)
{
	for (unsigned i = 0; i < t->n; i++) {
		struct report_row row = REPORT_ROW_EMPTY;
		row.phase = "calibrate";
		row.step = step;
		row.quantity = which == PEN_TABLE_DEPTH ? "table_depth_raw" : "table_freq_raw";
		row.unit = unit;
		/* What the pen holds: each value as sent, in thousandths. */
		int32_t cmd_milli = 0, raw_milli = 0;
		pen_proto_to_milli(t->cmd[i], &cmd_milli);
		pen_proto_to_milli(t->raw[i], &raw_milli);
		row.commanded = cmd_milli / 1000.0;
		row.measured = raw_milli / 1000.0;
		row.n = i;
		row.result = "WRITTEN";
		row.note = "table point: commanded -> raw setpoint";
		enum rig_rc rc = add_row(r, &row);
		if (rc)
			return rc;
	}
	return RIG_OK;
}

/* The commanded value that a pen with table t turns into the raw setpoint
 * raw: the inverse of the pen's piecewise-linear map, extended linearly
 * beyond its ends (docs/pen-protocol.md); the identity for a factory table. */
static double table_cmd_for_raw(const struct pen_cal_table *t, double raw)
{
	if (t->n < 2)
		return raw;
	unsigned i = 0;
	while (i + 2 < t->n && raw > t->raw[i + 1])
		i++;
	return t->cmd[i] + (raw - t->raw[i]) * (t->cmd[i + 1] - t->cmd[i]) /
				   (t->raw[i + 1] - t->raw[i]);
}

/* Measure the pen at raw setpoints. The pen keeps its active tables (a run
 * that stops here leaves them as they were): each raw setpoint is reached
 * by commanding what the old table maps onto it. */
static enum rig_rc sweep(struct run *r, bool depth, const struct pen_cal_table old[2],
			 struct calfit_sweep *sw, struct rig_err *err)
{
	const struct profile_calibrate *c = &r->prof.calibrate;
	const struct profile_points *pts = depth ? &c->depth_points_um : &c->freq_points_hz;
	const char *step = depth ? "depth_sweep" : "freq_sweep";
	sw->n = pts->n;
	for (size_t i = 0; i < pts->n; i++) {
		double d_um = depth ? pts->v[i] : c->nominal_depth_um;
		double f_hz = depth ? c->nominal_freq_hz : pts->v[i];
		struct measure_stats st;
		r->step++;
		progress(r, "%s %g %s", step, pts->v[i], depth ? "um" : "Hz");
		enum rig_rc rc = measure_point(r, step, table_cmd_for_raw(&old[PEN_TABLE_DEPTH], d_um),
					       table_cmd_for_raw(&old[PEN_TABLE_FREQ], f_hz),
					       c->settle_ms, &c->window, &st, err);
		if (rc)
			return rc;
		double frac = st.samples ? (double)st.invalid_samples / (double)st.samples : 1.0;
		bool ok = st.status == MEASURE_OK && (depth ? st.has_depth : st.has_freq);
		sw->setting[i] = pts->v[i];
		sw->measured[i] = ok ? (depth ? st.depth_mean_um : st.freq_hz) : NAN;
		sw->noise[i] = depth ? st.depth_U_um : st.freq_U_hz;
		struct report_row row = REPORT_ROW_EMPTY;
		row.phase = "calibrate";
		row.step = step;
		row.quantity = depth ? "depth" : "freq";
		row.unit = depth ? "um" : "Hz";
		row.commanded = pts->v[i];
		row.measured = sw->measured[i];
		/* The std column is in the row's unit: per-stroke depth scatter;
		 * a stroke rate has no per-stroke figure in Hz here. */
		row.std = depth ? st.depth_std_um : NAN;
		row.n = (long)st.strokes;
		row.uncertainty = sw->noise[i];
		row.result = ok ? "MEASURED" : "NOT_MEASURED";
		row.note = ok ? "" : st.message;
		if ((rc = add_row(r, &row)))
			return rc;
		if (!ok)
			return rig_fail(err, RIG_E_DEVICE, "%s at %g %s could not be measured: %s",
					row.quantity, pts->v[i], row.unit, st.message);
		if (frac > c->max_invalid_fraction)
			return rig_fail(err, RIG_E_DEVICE,
					"%s at %g %s: %.1f %% invalid laser samples, more than %.1f %%: "
					"check the laser's view of the needles",
					row.quantity, pts->v[i], row.unit, 100 * frac,
					100 * c->max_invalid_fraction);
	}
	return RIG_OK;
}

static enum rig_rc calibrate(struct run *r, struct rig_err *err)
{
	const struct profile_calibrate *c = &r->prof.calibrate;
	struct calfit_sweep dsw, fsw;
	struct pen_cal_table dt, ft, old[2];
	char why[256];
	enum rig_rc rc;
	if ((rc = pen_cal_read(r->d.pen, PEN_TABLE_DEPTH, &old[PEN_TABLE_DEPTH], err)) ||
	    (rc = pen_cal_read(r->d.pen, PEN_TABLE_FREQ, &old[PEN_TABLE_FREQ], err)) ||
	    (rc = sweep(r, true, old, &dsw, err)) || (rc = sweep(r, false, old, &fsw, err)))
		return rc;

	struct calfit_limits dl = { .quantity = "depth", .unit = "um",
				    .max_correction = c->max_depth_correction_um };
	cover_range(&r->prof, true, &dl.cover_lo, &dl.cover_hi);
	dl.max_extrapolation = fmax(25.0, 0.1 * (dl.cover_hi - dl.cover_lo));
	struct calfit_limits fl = { .quantity = "frequency", .unit = "Hz" };
	cover_range(&r->prof, false, &fl.cover_lo, &fl.cover_hi);
	fl.max_extrapolation = fmax(2.0, 0.1 * (fl.cover_hi - fl.cover_lo));
	if (c->max_freq_correction_pct > 0)
		fl.max_correction = c->max_freq_correction_pct / 100.0 * fl.cover_hi;

	if (!calfit_table(&dsw, &dl, &dt, why, sizeof why)) {
		fail_run(r, "calibration: %s", why);
		return RIG_OK;
	}
	if (!calfit_table(&fsw, &fl, &ft, why, sizeof why)) {
		fail_run(r, "calibration: %s", why);
		return RIG_OK;
	}
	/* Both tables are staged and checked, then saved by one command
	 * (CAL:SAVE): the pen ends with the old pair or the new pair. */
	progress(r, "writing the depth and frequency tables");
	if ((rc = pen_cal_stage(r->d.pen, PEN_TABLE_DEPTH, &dt, err)) ||
	    (rc = pen_cal_stage(r->d.pen, PEN_TABLE_FREQ, &ft, err)) ||
	    (rc = pen_cal_save_both(r->d.pen, err)))
		return rc;
	if ((rc = table_rows(r, PEN_TABLE_DEPTH, "depth_table", "um", &dt)) ||
	    (rc = table_rows(r, PEN_TABLE_FREQ, "freq_table", "Hz", &ft)))
		return rc;
	/* A reset must not lose a saved table: reset, then read both back. */
	progress(r, "resetting the pen and reading the tables back");
	if ((rc = pen_reset(r->d.pen, err)))
		return rc;
	r->motor_on = false;
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = "calibrate";
	row.step = "readback";
	row.unit = "";
	rc = pen_cal_verify(r->d.pen, PEN_TABLE_DEPTH, &dt, err);
	if (!rc)
		rc = pen_cal_verify(r->d.pen, PEN_TABLE_FREQ, &ft, err);
	/* Line noise or silence while reading back proves nothing about the
	 * pen: the run stops instead of failing the pen. */
	if (rc == RIG_E_PROTOCOL || rc == RIG_E_TIMEOUT || rc == RIG_E_ABORTED)
		return rc;
	row.quantity = "tables_after_reset";
	row.result = rc ? "FAIL" : "PASS";
	row.note = rc ? err->msg : "both tables read back equal after *RST";
	enum rig_rc rc2 = add_row(r, &row);
	if (rc)
		fail_run(r, "calibration read-back after reset: %s", err->msg);
	return rc2;
}

static enum rig_rc verify(struct run *r, struct rig_err *err)
{
	const struct profile_verify *v = &r->prof.verify;
	enum decision_rule rule = v->decision_rule;
	for (int pass = 0; pass < 2; pass++) {
		bool depth = pass == 0;
		const struct profile_points *pts = depth ? &v->depth_points_um : &v->freq_points_hz;
		const char *step = depth ? "depth_sweep" : "freq_sweep";
		for (size_t i = 0; i < pts->n; i++) {
			double d_um = depth ? pts->v[i] : v->nominal_depth_um;
			double f_hz = depth ? v->nominal_freq_hz : pts->v[i];
			struct measure_stats st;
			struct decision d;
			r->step++;
			progress(r, "%s %g %s", step, pts->v[i], depth ? "um" : "Hz");
			enum rig_rc rc = measure_point(r, step, d_um, f_hz, v->settle_ms, &v->window,
						       &st, err);
			if (rc)
				return rc;
			double frac = st.samples ? (double)st.invalid_samples / (double)st.samples
						 : 1.0;
			decide_limits(&d, frac, NAN, -INFINITY, v->max_invalid_fraction,
				      DECISION_SIMPLE, "");
			if ((rc = add_judged(r, step, "invalid_fraction", "", pts->v[i], frac, NAN,
					     (long)st.samples, NAN, &d)))
				return rc;
			if (depth) {
				double mean = st.has_depth ? st.depth_mean_um : NAN;
				decide_tolerance(&d, mean, st.depth_U_um, d_um, v->depth_tolerance_um,
						 rule, "um");
				if (!st.has_depth)
					set_text(d.reason, sizeof d.reason, "not measured: %s", st.message);
				if ((rc = add_judged(r, step, "depth", "um", d_um, mean, st.depth_std_um,
						     (long)st.strokes, st.depth_U_um, &d)))
					return rc;
				double spread = st.has_depth ? st.depth_std_um : NAN;
				decide_limits(&d, spread, NAN, -INFINITY, v->max_depth_spread_um,
					      DECISION_SIMPLE, "um");
				if ((rc = add_judged(r, step, "depth_spread", "um", d_um, spread, NAN,
						     (long)st.strokes, NAN, &d)))
					return rc;
			} else {
				double fm = st.has_freq ? st.freq_hz : NAN;
				decide_tolerance(&d, fm, st.freq_U_hz, f_hz,
						 f_hz * v->freq_tolerance_pct / 100.0, rule, "Hz");
				if (!st.has_freq)
					set_text(d.reason, sizeof d.reason, "not measured: %s", st.message);
				if ((rc = add_judged(r, step, "freq", "Hz", f_hz, fm, NAN,
						     (long)st.strokes, st.freq_U_hz, &d)))
					return rc;
			}
		}
	}
	return RIG_OK;
}

/* ---- The run ---------------------------------------------------------- */

static enum rig_rc open_report(struct run *r, struct rig_err *err)
{
	const struct run_options *o = r->o;
	const char *dir = o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR;
	report_meta_set_profile(&r->meta, &r->prof);
	report_meta_set_fixture(&r->meta, &r->s.fx);
	const char *who = o->operator_name;
	if (!who || !*who)
		who = getenv("USER");
	if (!who || !*who)
		who = getenv("LOGNAME");
	snprintf(r->meta.operator_name, sizeof r->meta.operator_name, "%s",
		 who && *who ? who : "unknown");
	if (r->d.laser)
		report_meta_set_sensor(&r->meta, laser_info(r->d.laser)->serial,
				       laser_info(r->d.laser)->firmware);
	if (r->identified)
		report_meta_set_pen(&r->meta, r->id.model, r->id.serial, r->id.firmware);
	else
		report_meta_set_pen(&r->meta, "", o->serial ? o->serial : "unknown", "");
	enum rig_rc rc = report_open_fs(&r->rep, dir, &r->meta, &r->s.report_fs, err);
	if (rc)
		return rc;
	if (o->save_trace) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%s/traces/%s", dir, r->meta.run_id);
		if ((rc = rig_mkdir_p(sub, err)))
			return rc;
		snprintf(r->trace_dir, sizeof r->trace_dir, "%s", sub);
		struct report_row row = REPORT_ROW_EMPTY;
		row.phase = "run";
		row.step = "start";
		row.quantity = "traces";
		row.unit = "";
		row.note = r->trace_dir;
		if ((rc = report_add(r->rep, &row, err)))
			return rc;
	}
	flush_phase_times(r);
	return RIG_OK;
}

static unsigned count_steps(const struct profile *p, bool cal)
{
	unsigned n = (unsigned)(p->verify.depth_points_um.n + p->verify.freq_points_hz.n);
	if (cal)
		n += (unsigned)(p->calibrate.depth_points_um.n + p->calibrate.freq_points_hz.n);
	return n;
}

/* Motor off, lamps, pen power off, report, lock: whatever happened. */
static void finish(struct run *r)
{
	struct rig_err err = { 0 };
	struct run_result *res = r->res;
	if (r->have_session)
		begin_phase(r, "report");
	/* An e-stop or an open lid at any moment means no PASS. */
	if (r->d.io && check_safety(r, &err) == RIG_E_ABORTED)
		abort_run(r, RIG_E_ABORTED, err.msg);
	enum report_verdict v = r->aborted ? REPORT_ABORTED : r->failed ? REPORT_FAIL : REPORT_PASS;
	const char *reason = r->aborted ? r->abort_reason
			   : r->failed	? r->fail_reason
					: "every judged measurement passed";
	if (r->d.pen && r->d.io && bench_io_pen_powered(r->d.io))
		pen_set_motor(r->d.pen, false, NULL);
	if (r->d.io) {
		bench_io_pen_power(r->d.io, false, NULL);
		bench_io_lamps(r->d.io, v == REPORT_PASS ? LAMPS_PASS
				       : v == REPORT_FAIL ? LAMPS_FAIL
							  : LAMPS_ABORTED,
			       NULL);
	}
	if (r->have_session)
		end_phase(r);
	res->verdict = v;
	set_text(res->reason, sizeof res->reason, "%s", reason);
	if (r->rep) {
		res->bench_time_s = 0;
		for (unsigned i = 0; i < r->ntimes; i++)
			res->bench_time_s += r->times[i].seconds;
		if (report_finish(r->rep, v, reason, &err)) {
			const char *jp = r->rep->journal_path;
			bool kept = access(jp, F_OK) == 0;
			set_text(res->report_error, sizeof res->report_error,
				 "the report could not be written: %s; the run was %s (%s)%s%s%s", err.msg,
				 report_verdict_name(v), reason,
				 kept ? "; what was measured is kept in " : "", kept ? jp : "",
				 kept ? ", which the next rig run in that folder reports as ABORTED"
				      : "");
			run_error("%s", res->report_error);
			res->exit_code = RIG_EXIT_IOERR;
		} else {
			res->reported = true;
			snprintf(res->report_path, sizeof res->report_path, "%s", report_file(r->rep));
			if (r->o->junit_path && report_write_junit(r->rep, r->o->junit_path, &err)) {
				run_error("JUnit file: %s", err.msg);
				res->exit_code = RIG_EXIT_IOERR;
			}
		}
		report_close(r->rep);
		r->rep = NULL;
	}
	devices_close(&r->d);
	bench_lock_release(&r->lock);
	if (r->have_session && r->o->on_end)
		r->o->on_end(r->o->phase_ctx, r->s.bench);
	if (r->have_session)
		session_close(&r->s);
	if (!res->exit_code)
		res->exit_code = r->aborted ? (r->abort_rc == RIG_E_CONFIG ? RIG_EXIT_CONFIG
									 : rig_exit_code(r->abort_rc) == 0
									       ? RIG_EXIT_ABORT
									       : rig_exit_code(r->abort_rc))
				 : r->failed ? RIG_EXIT_FAIL
					     : RIG_EXIT_PASS;
	if (r->aborted && res->exit_code != RIG_EXIT_CONFIG && res->exit_code != RIG_EXIT_IOERR &&
	    res->exit_code != RIG_EXIT_TEMPFAIL)
		res->exit_code = RIG_EXIT_ABORT;
}

int run_execute(const struct run_options *o, struct run_result *res)
{
	struct run r = { .o = o, .res = res };
	struct rig_err err = { 0 };
	enum rig_rc rc;
	memset(res, 0, sizeof *res);
	r.lock.fd = -1;

	/* Inputs first: nothing on the bench moves for a bad file. */
	if (!o->profile_path)
		return res->exit_code = (run_error("no profile given (--profile)"),
					 RIG_EXIT_USAGE);
	if ((rc = profile_load(&r.prof, o->profile_path, &err))) {
		run_error("%s", err.msg);
		return res->exit_code = rig_exit_code(rc);
	}
	r.calibrate = o->mode == RUN_MODE_CALIBRATE ||
		      (o->mode == RUN_MODE_AUTO && r.prof.has_calibrate);
	if (r.calibrate && !r.prof.has_calibrate) {
		run_error("profile %s has no [calibrate] section: use --mode verify",
			o->profile_path);
		return res->exit_code = RIG_EXIT_DATAERR;
	}
	if ((rc = session_open(&r.s, o->fixture_path, o->sims, o->nsims, &err))) {
		run_error("%s", err.msg);
		return res->exit_code = rig_exit_code(rc);
	}
	r.have_session = true;
	r.nsteps = count_steps(&r.prof, r.calibrate);

	const char *dir = o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR;
	unsigned recovered = 0;
	if (report_recover_orphans(dir, &recovered, &err) == RIG_OK && recovered)
		run_error("%u interrupted run(s) found in %s, reported as ABORTED",
			recovered, dir);

	if ((rc = bench_lock_acquire(&r.lock, r.s.fx.bench.lock, r.s.fx.bench.station,
				     o->wait_lock_s, &err))) {
		run_error("%s", err.msg);
		session_close(&r.s);
		return res->exit_code = rig_exit_code(rc);
	}
	if ((rc = report_meta_init(&r.meta, &err))) {
		abort_run(&r, rc, err.msg);
		goto out;
	}
	if ((rc = check_fixture_dates(&r, &err)))
		abort_run(&r, rc, err.msg);

	if (!r.aborted) {
		begin_phase(&r, "identify");
		if ((rc = identify(&r, &err)))
			abort_run(&r, rc, err.msg);
	}
	if ((rc = open_report(&r, &err))) {
		/* Nowhere to write: stop before the pen runs, and say why. */
		set_text(res->report_error, sizeof res->report_error,
			 "%s; nothing was measured, the pen was not run", err.msg);
		run_error("%s", res->report_error);
		finish(&r);
		res->exit_code = RIG_EXIT_IOERR;
		return res->exit_code;
	}
	if (!r.aborted) {
		begin_phase(&r, "preload");
		if ((rc = preload(&r, &err)))
			abort_run(&r, rc, err.msg);
	}
	if (!r.aborted && !r.failed && r.calibrate) {
		begin_phase(&r, "calibrate");
		if ((rc = calibrate(&r, &err)))
			abort_run(&r, rc, err.msg);
	}
	if (!r.aborted && !r.failed) {
		begin_phase(&r, "verify");
		if ((rc = verify(&r, &err)))
			abort_run(&r, rc, err.msg);
	}
out:
	finish(&r);
	return res->exit_code;
}
