/* run.c - one test run, from the bench lock to the report.
 *
 * The order of a run: lock the bench; check the fixture's calibration
 * dates; open the devices (pen power on, boot); identify the pen; open the
 * report (from here on nothing is lost); preload; calibrate; verify; then,
 * always, motor off, lamps, pen power off, report, lock released. Safety
 * (e-stop, lid) is checked at least every 10 ms of bench time while the pen
 * may move; a trip switches pen power off at once and ends the run ABORTED.
 * The phases live in preload.c, calibrate.c and verify.c.
 */
#include "records/records.h"
#include "run/run_impl.h"

#include "check/check.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/selfcal.h"
#include "core/fsutil.h"
#include "run/text.h"

const char *run_mode_name(enum run_mode m)
{
	switch (m) {
	case RUN_MODE_AUTO: return "auto";
	case RUN_MODE_CALIBRATE: return "calibrate";
	case RUN_MODE_VERIFY: return "verify";
	}
	return "?";
}

void run_set_text(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
}

void run_progress(struct run *r, const char *fmt, ...)
{
	const struct run_observer *obs = r->o->observer;
	if (!obs || !obs->progress)
		return;
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	obs->progress(obs->ctx, run_phase_name(r->phase), r->step, r->nsteps, text);
}

/* A message for the operator. */
__attribute__((format(printf, 2, 3)))
static void run_message(const struct run_options *o, const char *fmt, ...)
{
	const struct run_observer *obs = o->observer;
	if (!obs || !obs->message)
		return;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	obs->message(obs->ctx, text);
}

/* Is this error the pen's own failure, not the bench's (docs/reports.md,
 * fault categories)? Its own hardware error (SCPI -240..-249, at any
 * phase, power-on included), no answer any more after it had answered (a
 * hang), or a refused calibration: what the pen driver said failed
 * (core/err.h), not its message, nor the pen (freed when identify fails).
 * A pen that never answered since power-on, line noise and everything else
 * stay the bench's. */
static bool pen_at_fault(const struct run *r, const struct rig_err *e)
{
	return e->cause == RIG_CAUSE_PEN_HARDWARE || e->cause == RIG_CAUSE_PEN_SILENT ||
	       (e->cause == RIG_CAUSE_PEN_REFUSED && r->phase == PHASE_CALIBRATE);
}

enum rig_rc run_abort(struct run *r, enum rig_rc rc, const struct rig_err *e)
{
	if (!r->aborted) {
		r->aborted = true;
		r->abort_by_unit = pen_at_fault(r, e);
		r->abort_rc = rc;
		r->abort_cause = e->cause;
		run_set_text(r->abort_phase, sizeof r->abort_phase, "%s",
			     r->phase != PHASE_NONE ? run_phase_name(r->phase) : "");
		if (r->phase != PHASE_NONE)
			run_set_text(r->abort_reason, sizeof r->abort_reason, "%s: %s",
				     run_phase_name(r->phase), e->msg);
		else
			run_set_text(r->abort_reason, sizeof r->abort_reason, "%s", e->msg);
	}
	return rc;
}

/* A judgement that did not pass: kept among the run's failures (the
 * first RUN_MAX_FAILURES), its first reason the run's. */
__attribute__((format(printf, 6, 0)))
static void not_passed(struct run *r, bool *flag, char *reason, size_t cap, const char *what,
		       const char *fmt, va_list ap)
{
	char text[256];
	vsnprintf(text, sizeof text, fmt, ap);
	if (!*flag)
		run_set_text(reason, cap, "%s", text);
	*flag = true;
	if (r->res->nfailures < RUN_MAX_FAILURES)
		run_set_text(r->res->failures[r->res->nfailures].text,
			     sizeof r->res->failures[0].text, "%s", text);
	r->res->nfailures++;
	run_progress(r, "%s %s", what, text);
}

void run_fail(struct run *r, enum reason_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!r->failed)
		r->fail_code = code;
	not_passed(r, &r->failed, r->fail_reason, sizeof r->fail_reason, "FAIL", fmt, ap);
	va_end(ap);
}

void run_indeterminate(struct run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	not_passed(r, &r->indeterminate, r->indeterminate_reason, sizeof r->indeterminate_reason,
		   "INDETERMINATE", fmt, ap);
	va_end(ap);
}

/* Write the bench time of finished phases once the report exists. */
static void flush_phase_times(struct run *r)
{
	struct rig_err err;
	while (r->rep && r->times_written < r->ntimes) {
		struct run_phase_time *t = &r->times[r->times_written++];
		if (report_add_bench_time(r->rep, run_phase_name(t->phase), t->seconds, &err) &&
		    !r->aborted) {
			r->aborted = true;
			r->abort_rc = err.rc;
			r->abort_cause = RIG_CAUSE_REPORT;
			snprintf(r->abort_reason, sizeof r->abort_reason, "%s", err.msg);
		}
	}
}

static void end_phase(struct run *r)
{
	if (r->phase != PHASE_NONE && r->ntimes < RUN_MAX_PHASES) {
		r->times[r->ntimes++] = (struct run_phase_time){
			.phase = r->phase,
			.seconds = bench_seconds_since(r->b, r->phase_t0),
		};
	}
	r->phase = PHASE_NONE;
	flush_phase_times(r);
}

static void begin_phase(struct run *r, enum run_phase phase)
{
	const struct run_observer *obs = r->o->observer;
	const char *name = run_phase_name(phase);
	end_phase(r);
	r->phase = phase;
	r->phase_t0 = clock_now_ns(r->b->hal.clock);
	bench_announce_phase(r->b, name);
	if (obs && obs->phase)
		obs->phase(obs->ctx, name);
	run_progress(r, "start");
}

static FILE *open_trace(struct run *r, enum run_step step, double depth_um, double freq_hz,
			struct rig_err *err)
{
	if (!r->o->save_trace || !r->trace_dir[0])
		return NULL;
	char path[PATH_MAX + 128];
	snprintf(path, sizeof path, "%s/%02u_%s_%s_%.0fum_%.1fHz.csv", r->trace_dir,
		 ++r->ntraces, run_phase_name(r->phase), run_step_name(step), depth_um, freq_hz);
	return point_open_trace(path, &r->b->fx, run_zero_mm(r), freq_hz, err);
}

enum rig_rc run_measure_point(struct run *r, enum run_step step, double depth_um, double freq_hz,
			      unsigned settle_ms, const struct profile_window *w,
			      struct measure_stats *st, struct rig_err *err)
{
	memset(st, 0, sizeof *st);
	FILE *trace = open_trace(r, step, depth_um, freq_hz, err);
	if (r->o->save_trace && !trace)
		return err->rc;
	const struct run_observer *obs = r->o->observer;
	struct point_targets tg;
	point_targets_for(r->prof, w, freq_hz, &tg);
	struct point_request rq = {
		.phase = run_phase_name(r->phase), .step = run_step_name(step),
		.depth_um = depth_um, .freq_hz = freq_hz,
		.settle_ms = settle_ms, .window = w, .trace = trace,
		.obs = obs ? obs->point : NULL, .gates = &r->prof->quality, .targets = &tg,
		.zero_corr_mm = r->zero_corr_mm,
	};
	uint64_t t0 = clock_now_ns(r->b->hal.clock);
	enum rig_rc rc = point_measure(r->b, &rq, st, err);
	r->point_s = bench_seconds_since(r->b, t0);
	if (trace && fclose(trace) && !rc)
		rc = rig_fail_errno(err, RIG_E_IO, errno, "writing a trace");
	return rc;
}

struct report_row run_row(const struct run *r, enum run_step step, enum run_quantity q)
{
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = run_phase_name(r->phase);
	row.step = run_step_name(step);
	row.quantity = run_quantity_name(q);
	row.unit = run_quantity_unit(q);
	return row;
}

enum rig_rc run_add_row(struct run *r, const struct report_row *row)
{
	struct rig_err err;
	enum rig_rc rc = report_add(r->rep, row, &err);
	if (rc) /* the journal could not take it */
		run_abort(r, rig_err_cause(&err, rc, RIG_CAUSE_REPORT), &err);
	return rc;
}

enum rig_rc run_add_judged(struct run *r, enum run_step step, enum run_quantity q,
			   double commanded, double measured, double std, long n, double u,
			   const struct decision *d)
{
	return run_add_judged_note(r, step, q, commanded, measured, std, n, u, d, NULL);
}

void run_note_depth(const struct run *r, const struct measure_stats *st, char *buf, size_t cap)
{
	const struct fixture_laser *l = &r->b->fx.laser;
	struct measure_config mc = point_measure_config(l, l->zero_mm, 0);
	measure_note_depth(st, &mc, buf, cap);
}

enum rig_rc run_add_judged_note(struct run *r, enum run_step step, enum run_quantity q,
				double commanded, double measured, double std, long n, double u,
				const struct decision *d, const char *why)
{
	struct rig_err err;
	const char *phase = run_phase_name(r->phase), *quantity = run_quantity_name(q);
	char step_name[64];
	snprintf(step_name, sizeof step_name, "%s%s", run_step_name(step), r->step_suffix);
	/* JUnit's time: the point's bench time on the first of depth and rate
	 * it measured (the preload's wait on the preload), 0 on the rest judged
	 * from the same window (invalid fraction, spread, a paired point's
	 * rate): the times add up. */
	double bench_s = NAN;
	if (q == QTY_PRELOAD && r->phase == PHASE_PRELOAD)
		bench_s = bench_seconds_since(r->b, r->phase_t0);
	if (q == QTY_DEPTH || q == QTY_FREQ) { /* once per point (a paired one judges both) */
		bench_s = r->point_s;
		r->point_s = NAN;
	}
	struct report_judged j = {
		.phase = phase, .step = step_name, .quantity = quantity,
		.unit = run_quantity_unit(q), .commanded = commanded, .measured = measured,
		.std = std, .n = n, .uncertainty = u, .d = d, .bench_s = bench_s,
		.measure_note = why,
	};
	enum rig_rc rc = report_add_judged(r->rep, &j, &err);
	if (rc)
		return run_abort(r, rig_err_cause(&err, rc, RIG_CAUSE_REPORT), &err);
	if (d->result == DECISION_PASS)
		return RIG_OK;
	/* A point is named in the unit of what its step sets. */
	char text[400];
	if (isnan(commanded))
		snprintf(text, sizeof text, "%s %s: %s", phase, quantity, d->reason);
	else if (r->at_preload_n > 0)
		snprintf(text, sizeof text, "%s %s at %g %s under %g N: %s", phase, quantity,
			 commanded, run_step_unit(step), r->at_preload_n, d->reason);
	else
		snprintf(text, sizeof text, "%s %s at %g %s: %s", phase, quantity, commanded,
			 run_step_unit(step), d->reason);
	if (d->result == DECISION_INDETERMINATE)
		run_indeterminate(r, "%s", text);
	else /* a figure that was not there failed for want of it, not out of tolerance */
		run_fail(r, isnan(measured) ? REASON_NOT_MEASURED : REASON_OUT_OF_TOLERANCE, "%s",
			 text);
	return RIG_OK;
}

/* ---- Before the pen runs ---------------------------------------------- */

static enum rig_rc identify(struct run *r, struct rig_err *err)
{
	struct bench *b = r->b;
	enum rig_rc rc = bench_identify(b, err);
	const struct pen_identity *id = &b->id;
	if (b->identified) { /* on a hardware error at power-on too */
		snprintf(r->res->pen_serial, sizeof r->res->pen_serial, "%s", id->serial);
		run_progress(r, "%s %s, serial %s, firmware %s", id->maker, id->model, id->serial,
			     id->firmware);
	}
	if (rc) {
		/* The unit goes to the reject bin under its own serial; a
		 * scanned one that is not it is said beside the error. */
		if (b->identified && r->o->serial && !text_serial_same(r->o->serial, id->serial)) {
			size_t n = strlen(err->msg);
			snprintf(err->msg + n, sizeof err->msg - n,
				 "; the scanned serial '%s' is not the pen's '%s'", r->o->serial,
				 id->serial);
		}
		return rc;
	}
	if (strcmp(id->model, r->prof->pen_model) != 0)
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_WRONG_PEN,
				      "wrong pen for this profile: the pen is a %s, profile %s is for %s",
				      id->model, r->prof->name, r->prof->pen_model);
	/* The same serial whatever the case and surrounding spaces. */
	if (r->o->serial && !text_serial_same(r->o->serial, id->serial))
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_WRONG_PEN,
				      "serial mismatch: scanned '%s', the pen says '%s'",
				      r->o->serial, id->serial);
	return RIG_OK;
}

static enum rig_rc open_report(struct run *r, struct rig_err *err)
{
	const struct run_options *o = r->o;
	const char *dir = o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR;
	report_meta_set_profile(&r->meta, r->prof);
	report_meta_set_fixture(&r->meta, &r->b->fx);
	/* The fixture's pad ring bound, and whether this run uses it at the
	 * sensor's exposure (read back as the laser opened): said now, not
	 * only in the report, by rig run and rig check alike. Not used, the
	 * depths' U carry the physics' hidden ring. */
	if (r->meta.laser_ring_use[0])
		run_progress(r, "pad ring bound %s; %.2f um of %s, due %s", r->meta.laser_ring_use,
			     r->meta.laser_ring_max_um, r->meta.laser_ring_date,
			     r->meta.laser_ring_due);
	const char *who = o->operator_name;
	if (!who || !*who)
		who = getenv("USER");
	if (!who || !*who)
		who = getenv("LOGNAME");
	snprintf(r->meta.operator_name, sizeof r->meta.operator_name, "%s",
		 who && *who ? who : "unknown");
	records_report_note(r->meta.records, sizeof r->meta.records, o->records_note,
			    r->b->fx.access.operators[0] != '\0');
	if (r->b->d.laser)
		report_meta_set_sensor(&r->meta, laser_info(r->b->d.laser)->serial,
				       laser_info(r->b->d.laser)->firmware);
	if (r->b->identified)
		report_meta_set_pen(&r->meta, r->b->id.model, r->b->id.serial, r->b->id.firmware);
	else
		report_meta_set_pen(&r->meta, "", o->serial ? o->serial : REPORT_SERIAL_UNKNOWN, "");
	/* Which test of this unit in this folder (a retest is not a new unit);
	 * none for a unit not known. */
	enum rig_rc rc = report_next_attempt(dir, r->meta.pen_serial, NULL, &r->meta.attempt, err);
	if (rc)
		return rc;
	r->res->attempt = r->meta.attempt;
	/* The report folder's file system, as the bench installed it (POSIX,
	 * or the virtual bench's faulty disk). */
	if ((rc = report_open_fs(&r->rep, dir, &r->meta, &r->b->report_fs, err)))
		return rc;
	if (o->save_trace) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%s/traces/%s", dir, r->meta.run_id);
		if ((rc = rig_mkdir_p(sub, err)))
			return rc;
		snprintf(r->trace_dir, sizeof r->trace_dir, "%s", sub);
		struct report_row row = REPORT_ROW_EMPTY;
		row.phase = run_phase_name(PHASE_RUN);
		row.step = run_step_name(STEP_START);
		row.quantity = run_quantity_name(QTY_TRACES);
		row.unit = run_quantity_unit(QTY_TRACES);
		row.note = r->trace_dir;
		if ((rc = report_add(r->rep, &row, err)))
			return rc;
	}
	flush_phase_times(r);
	return RIG_OK;
}

static unsigned count_steps(const struct profile *p, bool cal)
{
	size_t np = p->verify.preloads_n.n ? p->verify.preloads_n.n : 1;
	unsigned n = (unsigned)np * profile_verify_points(p);
	if (cal)
		n += (unsigned)(p->calibrate.depth_points_um.n + p->calibrate.freq_points_hz.n);
	return n;
}

/* ---- The end, whatever happened --------------------------------------- */

static void write_report(struct run *r, enum report_verdict v, const char *reason)
{
	struct run_result *res = r->res;
	struct rig_err err = { 0 };
	res->bench_time_s = 0;
	for (unsigned i = 0; i < r->ntimes; i++)
		res->bench_time_s += r->times[i].seconds;
	if (report_finish_category(r->rep, v, r->res->category, reason, &err)) {
		const char *jp = r->rep->journal_path;
		bool kept = access(jp, F_OK) == 0;
		run_set_text(res->report_error, sizeof res->report_error,
			     "the report could not be written: %s; the run was %s (%s)%s%s%s",
			     err.msg, report_verdict_name(v), reason,
			     kept ? "; what was measured is kept in " : "", kept ? jp : "",
			     kept ? ", which the next rig run in that folder reports as ABORTED" : "");
		run_message(r->o, "%s", res->report_error);
		res->report_failed = true;
	} else {
		res->reported = true;
		snprintf(res->report_path, sizeof res->report_path, "%s", report_file(r->rep));
	}
	/* From the rows in memory, also when the report could not be written. */
	if (r->o->junit_path)
		run_write_junit(r, v, reason);
	report_close(r->rep);
	r->rep = NULL;
}

/* s cut before its first ": " ("verify depth at 1750 um: ..."). */
static void first_clause(char *s)
{
	char *colon = strstr(s, ": ");
	if (colon)
		*colon = '\0';
}

/* What the operator does with the unit (run/disposition.h): the reason's
 * code, the profile's disposition for it on this attempt, and the line
 * for the operator, into the result and onto the report's verdict row. */
static void decide_disposition(struct run *r, enum report_verdict v, bool unit_fault)
{
	struct run_result *res = r->res;
	const char *msg = v == REPORT_PASS ? "" : res->reason;
	const char *phase = r->abort_phase;
	size_t pl = strlen(phase);
	if (r->aborted && pl && !strncmp(msg, phase, pl) && !strncmp(msg + pl, ": ", 2))
		msg += pl + 2;
	struct reason_facts f = {
		.failed = r->failed && !r->aborted, .aborted = r->aborted,
		.indeterminate = v == REPORT_INDETERMINATE, .unit_fault = unit_fault,
		.laser_zero_moved = r->zero_moved, .fail_code = r->fail_code,
		.rc = r->abort_rc, .cause = r->abort_cause,
	};
	enum reason_code c = v == REPORT_PASS ? REASON_NONE : reason_classify(&f);
	/* a check's artifact is checked again and again: no escalation */
	bool check = r->o->reference != NULL;
	enum disposition disp = check ? r->prof->disposition[c]
				      : disposition_for_attempt(r->prof->disposition[c], c,
								res->attempt);
	/* A check stopped (e-stop, lid, a signal...) after a point failed
	 * found the bench out, whatever stopped it: the engineer's, not the
	 * retest of one only interrupted (check_status_read reads a retest
	 * so), and the point is named. */
	bool check_failed_first = check && r->aborted && r->failed;
	if (check_failed_first)
		disp = DISPOSITION_ENGINEER;
	/* The characteristic that failed ("verify depth at 1750 um"). */
	char detail[120] = "";
	if (c == REASON_OUT_OF_TOLERANCE || c == REASON_INDETERMINATE || c == REASON_NOT_MEASURED) {
		snprintf(detail, sizeof detail, "%.119s", msg);
		first_clause(detail);
	} else if (check_failed_first) { /* "after verify depth at 500 um failed" */
		snprintf(detail, sizeof detail, "after %.100s", r->fail_reason);
		first_clause(detail);
		size_t len = strlen(detail);
		snprintf(detail + len, sizeof detail - len, " failed");
	}
	snprintf(res->reason_code, sizeof res->reason_code, "%s", reason_code_name(c));
	snprintf(res->disposition, sizeof res->disposition, "%s", disposition_name(disp));
	res->instruction[0] = '\0';
	if (c != REASON_NONE && check)
		check_disposition_line(res->instruction, sizeof res->instruction, c, detail, disp);
	else if (c != REASON_NONE)
		disposition_line(res->instruction, sizeof res->instruction, c, detail, disp,
				 res->attempt);
	if (r->rep)
		report_set_disposition(r->rep, res->reason_code, res->disposition,
				       res->instruction);
}

/* Motor off, lamps, pen power off, report, devices and lock released:
 * whatever happened. */
static void finish(struct run *r)
{
	struct rig_err err = { 0 };
	struct run_result *res = r->res;
	begin_phase(r, PHASE_REPORT);
	/* An e-stop or an open lid at any moment means no PASS. */
	if (bench_check_safety(r->b, &err) == RIG_E_ABORTED) {
		run_abort(r, RIG_E_ABORTED, &err);
		r->abort_by_unit = false; /* a pen without power is silent: the bench's */
	}
	/* The pen's own failure is a FAIL of the unit, not a bench abort. */
	bool unit_fault = r->aborted && r->abort_by_unit;
	enum report_verdict v = unit_fault	 ? REPORT_FAIL
			      : r->aborted	 ? REPORT_ABORTED
			      : r->failed	 ? REPORT_FAIL
			      : r->indeterminate ? REPORT_INDETERMINATE
						 : REPORT_PASS;
	const char *reason = r->aborted	      ? r->abort_reason
			   : r->failed	      ? r->fail_reason
			   : r->indeterminate ? r->indeterminate_reason
					      : "every judged measurement passed";
	/* INDETERMINATE is not a PASS: the unit is held, red lamp. */
	bench_make_safe(r->b, v == REPORT_PASS	  ? LAMPS_PASS
			      : v == REPORT_ABORTED ? LAMPS_ABORTED
						    : LAMPS_FAIL);
	end_phase(r);
	res->verdict = v;
	/* A check's artifact is known good: whatever stops it passing is the
	 * bench's (out of tolerance included), never a unit's. */
	res->category = r->o->reference && v != REPORT_PASS ? REPORT_CATEGORY_BENCH
							    : report_verdict_category(v);
	res->aborted = r->aborted && !unit_fault;
	res->failed = r->failed || unit_fault;
	res->indeterminate = v == REPORT_INDETERMINATE;
	if (res->aborted)
		res->rc = r->abort_rc;
	run_set_text(res->reason, sizeof res->reason, "%s", reason);
	decide_disposition(r, v, unit_fault);
	if (r->rep)
		write_report(r, v, reason);
	bench_release(r->b);
}

enum rig_rc run_check_profile(const struct profile *prof, enum run_mode mode,
			      struct rig_err *err)
{
	if (mode == RUN_MODE_CALIBRATE && !prof->has_calibrate)
		return rig_fail(err, RIG_E_DATA,
				"profile %s has no [calibrate] section: use --mode verify", prof->path);
	return RIG_OK;
}

/* The phases, each only while the run can go on. */
static void run_phases(struct run *r)
{
	struct rig_err err = { 0 };
	enum rig_rc rc;
	if (!r->aborted) {
		begin_phase(r, PHASE_PRELOAD);
		if ((rc = run_preload(r, &err)))
			run_abort(r, rc, &err);
	}
	/* The zero reference is read first in the first measuring phase
	 * (zero_check.c; calibrate reads it once it has the pen's tables);
	 * verify re-reads it. With [verify] preloads_n each preload's points
	 * are bracketed by readings of their own (the tips sit where the
	 * preload puts them). */
	if (!r->aborted && !r->failed && r->calibrate) {
		begin_phase(r, PHASE_CALIBRATE);
		if ((rc = run_calibrate(r, &err)))
			run_abort(r, rc, &err);
	}
	if (!r->aborted && !r->failed) {
		begin_phase(r, PHASE_VERIFY);
		if (r->o->reference)
			rc = run_check_verify(r, &err);
		else if (!(rc = r->zero_have || r->prof->verify.preloads_n.n ? RIG_OK
								       : run_zero_start(r, &err)))
			rc = run_verify(r, &err);
		if (rc)
			run_abort(r, rc, &err);
	}
}

/* Nowhere to write the report: stop before the pen runs, and say why. */
static void nowhere_to_write(struct run *r, const char *why, const char *pen)
{
	struct run_result *res = r->res;
	run_set_text(res->report_error, sizeof res->report_error,
		     "%s; nothing was measured, %s", why, pen);
	run_message(r->o, "%s", res->report_error);
	res->report_failed = true;
	finish(r);
}

static void say_recovered(void *ctx, const char *text)
{
	run_message(ctx, "%s", text);
}

void run_recover_journals(const struct run_options *o, const char *dir)
{
	struct report_recovery rec = { .say = say_recovered, .ctx = (void *)o };
	struct rig_err err = { 0 };
	report_recover(dir, &rec, &err);
	if (rec.aborted)
		run_message(o, "%u interrupted run(s) found in %s, reported as ABORTED (%u of them "
			    "from an unreadable journal)", rec.aborted, dir, rec.unreadable);
	if (rec.published)
		run_message(o, "%u finished run(s) found in %s whose report was not completed, "
			    "published with their own verdict", rec.published, dir);
	if (rec.failed)
		run_message(o, "%u journal(s) in %s could not be recovered (said above); they stay "
			    "for the next run", rec.failed, dir);
}

void run_execute(struct bench *b, const struct profile *prof, const struct run_options *o,
		 struct run_result *res)
{
	struct run r = { .b = b, .prof = prof, .o = o, .res = res };
	struct rig_err err = { 0 };
	enum rig_rc rc;
	memset(res, 0, sizeof *res);
	r.calibrate = !o->reference && (o->mode == RUN_MODE_CALIBRATE ||
					 (o->mode == RUN_MODE_AUTO && prof->has_calibrate));
	r.nsteps = count_steps(prof, r.calibrate);

	const char *dir = o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR;
	if (!o->no_recover)
		run_recover_journals(o, dir);

	if ((rc = bench_take_lock(b, o->wait_lock_s, &err))) {
		res->rc = rc;
		run_message(o, "%s", err.msg);
		return;
	}
	res->started = true;
	if ((rc = report_meta_init(&r.meta, &err))) {
		run_abort(&r, rc, &err);
		finish(&r);
		return;
	}
	if ((rc = bench_check_calibration(b, &err)))
		run_abort(&r, rc, &err);
	const struct fixture_check *fc = &b->fx.check;
	if (!r.aborted && !o->reference && fc->reference[0] && fc->interval_h > 0 &&
	    (rc = check_gate(dir, b->fx.bench.station, fc->interval_h, time(NULL), &err)))
		run_abort(&r, rc, &err);
	if ((rc = report_check_folder(dir, &b->report_fs, &err))) {
		nowhere_to_write(&r, err.msg, "the pen was not powered");
		return;
	}
	if (!r.aborted) {
		begin_phase(&r, PHASE_IDENTIFY);
		/* The laser is open: the pad's ring bound of a fixture that
		 * takes the sensor's exposure is decided at the one read back. */
		if ((rc = identify(&r, &err)) || (rc = bench_check_ring_bound(b, &err)))
			run_abort(&r, rc, &err);
	}
	if ((rc = open_report(&r, &err))) {
		nowhere_to_write(&r, err.msg, "the pen was not run");
		return;
	}
	run_phases(&r);
	finish(&r);
}
