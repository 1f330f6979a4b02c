/* calibrate.c - the run's calibrate phase: read the pen's tables, sweep
 * its raw depth and rate setpoints, fit new tables (calfit.c), stage and
 * save both at once, reset the pen and read them back.
 */
#include "run/run_impl.h"

#include <math.h>

#include "dev/pen/protocol.h"
#include "run/calfit.h"

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

/* The rows of a table now saved in the pen, in columns that mean what
 * they say (report_add_table_point). */
static enum rig_rc table_rows(struct run *r, enum pen_table which,
			      const struct pen_cal_table *t)
{
	bool depth = which == PEN_TABLE_DEPTH;
	enum run_quantity q = depth ? QTY_DEPTH : QTY_FREQ;
	for (unsigned i = 0; i < t->n; i++) {
		/* What the pen holds: each value as sent, in thousandths. */
		int32_t cmd_milli = 0, raw_milli = 0;
		pen_proto_to_milli(t->cmd[i], &cmd_milli);
		pen_proto_to_milli(t->raw[i], &raw_milli);
		struct rig_err err;
		enum rig_rc rc = report_add_table_point(
			r->rep, run_step_name(depth ? STEP_DEPTH_TABLE : STEP_FREQ_TABLE),
			run_quantity_name(q), run_quantity_unit(q), raw_milli / 1000.0,
			cmd_milli / 1000.0, i, t->n, &err);
		if (rc) /* the journal could not take it */
			return run_abort(r, rig_err_cause(&err, rc, RIG_CAUSE_REPORT), &err);
	}
	return RIG_OK;
}

/* The commanded value that a pen with table t turns into the raw setpoint
 * raw: the inverse of the pen's piecewise-linear map, extended linearly
 * beyond its ends (docs/pen-protocol.md); the identity for a factory table. */
double run_table_cmd_for_raw(const struct pen_cal_table *t, double raw)
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
	const struct profile_calibrate *c = &r->prof->calibrate;
	const struct profile_points *pts = depth ? &c->depth_points_um : &c->freq_points_hz;
	enum run_step step = depth ? STEP_DEPTH_SWEEP : STEP_FREQ_SWEEP;
	sw->n = pts->n;
	for (size_t i = 0; i < pts->n; i++) {
		double d_um = depth ? pts->v[i] : c->nominal_depth_um;
		double f_hz = depth ? c->nominal_freq_hz : pts->v[i];
		struct measure_stats st;
		r->step++;
		run_progress(r, "%s %g %s", run_step_name(step), pts->v[i], run_step_unit(step));
		enum rig_rc rc = run_measure_point(
			r, step, run_table_cmd_for_raw(&old[PEN_TABLE_DEPTH], d_um),
			run_table_cmd_for_raw(&old[PEN_TABLE_FREQ], f_hz), c->settle_ms, &c->window,
			&st, err);
		if (rc)
			return rc;
		double frac = st.samples ? (double)st.invalid_samples / (double)st.samples : 1.0;
		/* a phase gap withholds the depth only (point.c) */
		bool ok = (st.status == MEASURE_OK || st.status == MEASURE_PHASE_GAP) &&
			  (depth ? st.has_depth : st.has_freq);
		sw->setting[i] = pts->v[i];
		sw->measured[i] = ok ? (depth ? st.depth_mean_um : st.freq_hz) : NAN;
		sw->noise[i] = depth ? st.depth_U_um : st.freq_U_hz;
		struct report_row row = run_row(r, step, depth ? QTY_DEPTH : QTY_FREQ);
		row.commanded = pts->v[i];
		row.measured = sw->measured[i];
		/* The std column is in the row's unit: per-stroke depth scatter;
		 * a stroke rate has no per-stroke figure in Hz here. */
		row.std = depth ? st.depth_std_um : NAN;
		row.n = (long)st.strokes;
		row.uncertainty = sw->noise[i];
		row.result = ok ? "MEASURED" : "NOT_MEASURED";
		char why[MEASURE_NOTE_MAX] = "";
		if (ok && !depth) /* why a rate point's U is large */
			measure_note_rate(&st, why, sizeof why);
		else if (ok) /* what bears on a depth point's figure */
			run_note_depth(r, &st, why, sizeof why);
		row.note = ok ? why : st.message;
		if ((rc = run_add_row(r, &row)))
			return rc;
		if (!ok)
			return rig_fail(err, RIG_E_DEVICE, "%s at %g %s could not be measured: %s",
					row.quantity, pts->v[i], row.unit, st.message);
		if (frac > c->max_invalid_fraction)
			return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_LASER,
					      "%s at %g %s: %.1f %% invalid laser samples, more than "
					      "%.1f %%: check the laser's view of the needles",
					      row.quantity, pts->v[i], row.unit, 100 * frac,
					      100 * c->max_invalid_fraction);
	}
	return RIG_OK;
}

enum rig_rc run_calibrate(struct run *r, struct rig_err *err)
{
	const struct profile_calibrate *c = &r->prof->calibrate;
	struct calfit_sweep dsw, fsw;
	struct pen_cal_table dt, ft, old[2];
	char why[256];
	enum rig_rc rc;
	if ((rc = pen_cal_read(r->b->d.pen, PEN_TABLE_DEPTH, &old[PEN_TABLE_DEPTH], err)) ||
	    (rc = pen_cal_read(r->b->d.pen, PEN_TABLE_FREQ, &old[PEN_TABLE_FREQ], err)))
		return rc;
	/* the run's zero reference, through the table just read */
	r->zero_table = old[PEN_TABLE_DEPTH];
	r->zero_table_known = true;
	/* with preloads_n each preload's verify points are bracketed on their
	 * own, but the zero target is read before anything is calibrated */
	if ((rc = r->prof->verify.preloads_n.n ? run_zero_target(r, err) : run_zero_start(r, err)) ||
	    (rc = sweep(r, true, old, &dsw, err)) ||
	    (rc = sweep(r, false, old, &fsw, err)))
		return rc;

	struct calfit_limits dl = { .quantity = "depth", .unit = run_quantity_unit(QTY_DEPTH),
				    .max_correction = c->max_depth_correction_um };
	cover_range(r->prof, true, &dl.cover_lo, &dl.cover_hi);
	dl.max_extrapolation = fmax(25.0, 0.1 * (dl.cover_hi - dl.cover_lo));
	struct calfit_limits fl = { .quantity = "frequency", .unit = run_quantity_unit(QTY_FREQ) };
	cover_range(r->prof, false, &fl.cover_lo, &fl.cover_hi);
	fl.max_extrapolation = fmax(2.0, 0.1 * (fl.cover_hi - fl.cover_lo));
	if (c->max_freq_correction_pct > 0)
		fl.max_correction = c->max_freq_correction_pct / 100.0 * fl.cover_hi;

	if (!calfit_table(&dsw, &dl, &dt, why, sizeof why)) {
		run_fail(r, REASON_CALIBRATION, "calibration: %s", why);
		return RIG_OK;
	}
	if (!calfit_table(&fsw, &fl, &ft, why, sizeof why)) {
		run_fail(r, REASON_CALIBRATION, "calibration: %s", why);
		return RIG_OK;
	}
	/* Both tables are staged and checked, then saved by one command
	 * (CAL:SAVE): the pen ends with the old pair or the new pair. */
	run_progress(r, "writing the depth and frequency tables");
	if ((rc = pen_cal_stage(r->b->d.pen, PEN_TABLE_DEPTH, &dt, err)) ||
	    (rc = pen_cal_stage(r->b->d.pen, PEN_TABLE_FREQ, &ft, err)) ||
	    (rc = pen_cal_save_both(r->b->d.pen, err)))
		return rc;
	r->zero_table = dt;
	if ((rc = table_rows(r, PEN_TABLE_DEPTH, &dt)) || (rc = table_rows(r, PEN_TABLE_FREQ, &ft)))
		return rc;
	/* A reset must not lose a saved table: reset, then read both back. */
	run_progress(r, "resetting the pen and reading the tables back");
	if ((rc = pen_reset(r->b->d.pen, err)))
		return rc;
	r->b->motor_on = false;
	struct report_row row = run_row(r, STEP_READBACK, QTY_TABLES_AFTER_RESET);
	rc = pen_cal_verify(r->b->d.pen, PEN_TABLE_DEPTH, &dt, err);
	if (!rc)
		rc = pen_cal_verify(r->b->d.pen, PEN_TABLE_FREQ, &ft, err);
	/* Line noise or silence while reading back proves nothing about the
	 * pen: the run stops instead of failing the pen. */
	if (rc == RIG_E_PROTOCOL || rc == RIG_E_TIMEOUT || rc == RIG_E_ABORTED)
		return rc;
	row.result = rc ? "FAIL" : "PASS";
	row.note = rc ? err->msg : "both tables read back equal after *RST";
	enum rig_rc rc2 = run_add_row(r, &row);
	if (rc)
		run_fail(r, REASON_CALIBRATION, "calibration read-back after reset: %s", err->msg);
	return rc2;
}
