/* zero_check.c - the run's own check of the laser's zero (issue 13).
 *
 * A depth is the fixture's zero minus the tips' nearest reading: a laser
 * whose readings drift after its zero shifts every depth by the drift,
 * and nothing inside one window shows it (3 um/s over a production run
 * gave a PASS 23 um shallow). So the run reads one reference at the start
 * of its measuring and again after its verify points: the pen's motor
 * stopped, its tips retracted at one raw depth setpoint (the profile's
 * nominal depth, reached through whatever table the pen holds, as the
 * calibration sweep reaches its setpoints), the reading still (rig zero's
 * limits on spread and drift). The shift between the two readings is what
 * the zero moved by (or the pen's retracted tips: a warming pen moves
 * them as well; the check cannot tell the two apart and counts both).
 * Within its bound (run_zero_bound_um: from the profile's depth tolerance,
 * or the fixture's tighter laser.run_zero_max_shift_um) it joins every
 * depth's U as a rectangular term over +-|shift|; beyond it the run aborts
 * (reason laser_zero: call an engineer, rig zero, rig check, then retest
 * the pen).
 *
 * Those readings see the zero move during the run only: the tips are read
 * through the same zero as everything else. A bench with a zero target
 * ([io] zero_target_line: a flat the rig swings into the beam, its
 * reading recorded by rig zero) lets the first reading also compare the
 * zero with rig zero's: a move beyond the bound refuses the run before
 * anything is calibrated, a smaller one joins every depth's U, or (the
 * profile's zero_target_correct) is corrected with its own U.
 */
#include "run/run_impl.h"
#include "run/zero_target.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/selfcal.h"
#include "check/reference.h"
#include "dev/io/io.h"
#include "measure/numeric.h"

#define ZERO_CHECK_BLOCK 100      /* valid readings per look: 25 ms at 4 kHz */
#define ZERO_CHECK_MAX_LOOKS 40   /* settled within 40 looks (1 s at 4 kHz), or refused */
#define ZERO_CHECK_TIMEOUT_MS 250
#define ZERO_CHECK_AGREE_UM 0.5   /* two looks in a row agree: settled */
/* The bound of the shift: at it, the shift's expanded term 2|s|/sqrt 3
 * equals the U the profile's windows aim at, so a bench at its bound at
 * most doubles a depth's variance (docs/measurement.md). */
#define ZERO_SHIFT_U_SHARE (0.5 * 1.7320508075688772) /* sqrt(3)/2 */
#define ZERO_SHIFT_DEFAULT_FRACTION 0.1 /* windows of a time or a count */

struct zero_reading {
	double median_mm;
	double sd_um;      /* robust: 1.4826 x the median absolute deviation */
	double noise_um;   /* the same of successive differences / sqrt 2: the
			    * sensor's own noise, which a moving target does
			    * not raise */
	double change_um;  /* median of the second half - of the first */
	double u_um;       /* standard uncertainty of the reading: the median's
			    * noise and what a setpoint still settling can
			    * hide under the agreement that ended the looks */
	size_t n, looks;
};

static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof *v, num_cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Median, robust spread and change of one block of readings (a speckle
 * spike moves none of them). */
static void block_stats(const double *mm, size_t n, struct zero_reading *z)
{
	double tmp[ZERO_CHECK_BLOCK];
	memcpy(tmp, mm, n * sizeof *mm);
	z->median_mm = median_of(tmp, n);
	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(mm[i] - z->median_mm);
	z->sd_um = 1.4826 * median_of(tmp, n) * 1000.0;
	for (size_t i = 1; i < n; i++)
		tmp[i - 1] = fabs(mm[i] - mm[i - 1]);
	z->noise_um = 1.4826 * median_of(tmp, n - 1) * 1000.0 / sqrt(2.0);
	memcpy(tmp, mm, n / 2 * sizeof *mm);
	double first = median_of(tmp, n / 2);
	memcpy(tmp, mm + n / 2, (n - n / 2) * sizeof *mm);
	z->change_um = (median_of(tmp, n - n / 2) - first) * 1000.0;
	z->u_um = 1.2533 * z->sd_um / sqrt((double)n); /* a median's, normal noise */
	z->n = n;
}

/* One block of valid readings; more than 1 % error codes or lost values
 * is the laser's fault. */
static enum rig_rc read_block(struct bench *b, double *mm, struct rig_err *err)
{
	struct laser_sample s[40];
	size_t got = 0, bad = 0, max_bad = ZERO_CHECK_BLOCK * ZERO_MAX_BAD_PER_MILLE / 1000;
	while (got < ZERO_CHECK_BLOCK) {
		size_t n = 0;
		enum rig_rc rc = laser_read(b->d.laser, s, sizeof s / sizeof s[0],
					    ZERO_CHECK_TIMEOUT_MS, &n, err);
		if (rc || (rc = bench_check_safety(b, err)))
			return rc;
		for (size_t i = 0; i < n && got < ZERO_CHECK_BLOCK; i++) {
			if (s[i].status == LASER_OK)
				mm[got++] = s[i].dist_mm;
			else
				bad++;
		}
		if (bad > max_bad)
			return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_LASER,
					      "laser: zero check: %zu of the stopped tips' readings were not "
					      "distances (at most %zu of %d allowed)", bad, max_bad,
					      ZERO_CHECK_BLOCK);
	}
	return RIG_OK;
}

/* The raw depth setpoint of the reference: the profile's nominal depth
 * (on the virtual bench this cost 0.09 s less than the last verify depth,
 * where the pen already is at the end: the start's move is shorter). */
static double zero_setpoint_um(const struct profile *p)
{
	return p->verify.nominal_depth_um;
}

/* The stopped pen at the reference setpoint: motor off, the setpoint
 * commanded (through the depth table the pen holds). The tips settle
 * while the zero target, if any, is read. */
static enum rig_rc park_pen(struct run *r, struct rig_err *err)
{
	struct bench *b = r->b;
	enum rig_rc rc;
	if (!r->zero_table_known) {
		if ((rc = pen_cal_read(b->d.pen, PEN_TABLE_DEPTH, &r->zero_table, err)))
			return rc;
		r->zero_table_known = true;
	}
	if (b->motor_on) {
		if ((rc = pen_set_motor(b->d.pen, false, err)))
			return rc;
		b->motor_on = false;
	}
	double setpoint = zero_setpoint_um(r->prof);
	return pen_set_depth_um(b->d.pen, run_table_cmd_for_raw(&r->zero_table, setpoint), err);
}

/* What the laser sees now (what: for the message), read until still. */
static enum rig_rc read_still(struct bench *b, struct zero_reading *z, const char *what,
			      struct rig_err *err)
{
	enum rig_rc rc = laser_start(b->d.laser, err);
	if (rc)
		return rc;
	double mm[ZERO_CHECK_BLOCK];
	bool still = false;
	struct zero_reading prev = { .median_mm = NAN };
	for (z->looks = 1; z->looks <= ZERO_CHECK_MAX_LOOKS && !still; z->looks++) {
		if ((rc = read_block(b, mm, err)))
			break;
		block_stats(mm, ZERO_CHECK_BLOCK, z);
		/* still by rig zero's limits, or within what the sensor's own
		 * noise explains (a noisy laser is still, a moving target not),
		 * and settled: a setpoint still settling moves the median
		 * between looks (a 1500 um move of the virtual pen read 2 um
		 * off after rig zero's limits alone) */
		double u_half = 2 * z->u_um; /* a half's median */
		double agree_um = fmax(ZERO_CHECK_AGREE_UM, 3 * hypot(z->u_um, prev.u_um));
		still = z->sd_um <= fmax(ZERO_MAX_SD_UM, 1.5 * z->noise_um) &&
			fabs(z->change_um) <= fmax(ZERO_MAX_DRIFT_UM, 3 * M_SQRT2 * u_half) &&
			fabs(z->median_mm - prev.median_mm) * 1000.0 <= agree_um;
		prev = *z;
		if (still) /* rectangular over +-the agreement */
			z->u_um = hypot(z->u_um, agree_um / sqrt(3.0));
	}
	z->looks--;
	struct rig_err ignore;
	enum rig_rc rc_stop = laser_stop(b->d.laser, rc ? &ignore : err);
	if (rc)
		return rc;
	if (rc_stop)
		return rc_stop;
	if (!still)
		return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_LASER,
				      "laser: zero check: %s did not read still in %d looks of %d "
				      "readings (last: spread %.2f um, change %+.2f um; at most %.1f and "
				      "%.1f um): the laser or what it reads moves; call an engineer",
				      what, ZERO_CHECK_MAX_LOOKS, ZERO_CHECK_BLOCK, z->sd_um, z->change_um,
				      ZERO_MAX_SD_UM, ZERO_MAX_DRIFT_UM);
	return RIG_OK;
}

/* The stopped pen's tips at the reference setpoint, read until still. */
static enum rig_rc read_reference(struct run *r, struct zero_reading *z, struct rig_err *err)
{
	enum rig_rc rc = park_pen(r, err);
	return rc ? rc : read_still(r->b, z, "the stopped pen's tips", err);
}

static enum rig_rc reading_row(struct run *r, const struct zero_reading *z, const char *when)
{
	char note[160];
	snprintf(note, sizeof note,
		 "%s: pen stopped, tips retracted at raw depth setpoint %g um; median of %zu "
		 "readings, settled after %zu looks", when, zero_setpoint_um(r->prof),
		 z->n, z->looks);
	struct report_row row = run_row(r, STEP_ZERO_CHECK, QTY_LASER_ZERO);
	char step[64];
	snprintf(step, sizeof step, "%s%s", row.step, r->step_suffix); /* "@2N" */
	row.step = step;
	row.measured = z->median_mm;
	row.std = z->sd_um / 1000.0;
	row.n = (long)z->n;
	row.uncertainty = 2 * z->u_um / 1000.0;
	row.result = "MEASURED";
	row.note = note;
	return run_add_row(r, &row);
}

/* The zero target swung into the beam, read until still, swung out; its
 * travel waited both ways. */
static enum rig_rc read_target(struct bench *b, struct zero_reading *z, struct rig_err *err)
{
	unsigned ms = b->fx.io.zero_target_ms;
	enum rig_rc rc = bench_io_zero_target(b->d.io, true, err);
	if (!rc && !(rc = bench_wait_safely(b, ms, err)))
		rc = read_still(b, z, "the zero target", err);
	struct rig_err ignore;
	enum rig_rc rc_out = bench_io_zero_target(b->d.io, false, rc ? &ignore : err);
	if (!rc && !rc_out)
		rc_out = bench_wait_safely(b, ms, err);
	return rc ? rc : rc_out;
}

/* A row of how far the zero moved (um), its U (k = 2) and +-limit. */
static enum rig_rc move_row(struct run *r, enum run_quantity q, double move_um, double U_um,
			    double limit_um, const char *note)
{
	struct report_row row = run_row(r, STEP_ZERO_CHECK, q);
	char step[64];
	snprintf(step, sizeof step, "%s%s", row.step, r->step_suffix); /* "@2N" */
	row.step = step;
	row.measured = move_um;
	row.uncertainty = U_um;
	row.low_limit = -limit_um;
	row.high_limit = limit_um;
	row.result = "MEASURED";
	row.note = note;
	return run_add_row(r, &row);
}

/* Its row: the zero's move since rig zero, what became of it. */
static enum rig_rc target_row(struct run *r, const struct zero_target *t, double limit_um,
			      const char *what)
{
	char note[320];
	zero_target_note(note, sizeof note, &r->b->fx, t, what);
	return move_row(r, QTY_LASER_ZERO_TARGET, t->move_um, 2 * t->u_um, limit_um, note);
}

void zero_target_note(char *out, size_t cap, const struct fixture *fx, const struct zero_target *t,
		      const char *what)
{
	snprintf(out, cap,
		 "zero target %.6f mm, %.6f mm at rig zero (%s), median of %zu readings after "
		 "%zu looks; %s", t->median_mm, fx->laser.zero_target_mm, fx->laser.zero_date, t->n,
		 t->looks, what);
}

enum rig_rc zero_target_usable(const struct bench *b, bool *have, struct rig_err *err)
{
	const struct fixture *fx = &b->fx;
	*have = bench_io_has_zero_target(b->d.io);
	if (!*have)
		return RIG_OK;
	if (fixture_is_sim(fx->io.chip) && !fixture_is_sim(fx->laser.port))
		return rig_fail(err, RIG_E_CONFIG,
				"%s: [io] zero_target_line %s is a line of the virtual chip %s: it "
				"moves the in-process virtual laser's target only, and the laser on "
				"%s cannot see it; leave the line out", fx->path,
				fx->io.zero_target_line, fx->io.chip, fx->laser.port);
	if (!fx->laser.has_zero_target_mm)
		return rig_fail(err, RIG_E_CONFIG,
				"%s: [io] zero_target_line is set but [laser] zero_target_mm is "
				"not: run rig zero (it reads the zero target too)", fx->path);
	return RIG_OK;
}

enum rig_rc zero_target_read(struct bench *b, struct zero_target *t, struct rig_err *err)
{
	enum rig_rc rc;
	if (b->motor_on) {
		if ((rc = pen_set_motor(b->d.pen, false, err)))
			return rc;
		b->motor_on = false;
	}
	struct zero_reading z;
	if ((rc = read_target(b, &z, err)))
		return rc;
	*t = (struct zero_target){
		.median_mm = z.median_mm,
		.move_um = (z.median_mm - b->fx.laser.zero_target_mm) * 1000.0,
		.u_um = M_SQRT2 * z.u_um, /* now and at rig zero, taken as alike */
		.n = z.n,
		.looks = z.looks,
	};
	return RIG_OK;
}

double zero_target_u_um(const struct zero_target *t, bool corrected)
{
	return corrected ? t->u_um : sqrt(t->move_um * t->move_um / 3.0 + t->u_um * t->u_um);
}

/* The laser's zero since rig zero, on a bench with a zero target: the
 * target's reading now against the one rig zero recorded. Beyond the
 * shift's bound (correcting: beyond laser.zero_max_change_um, what rig
 * zero itself accepts) the run is refused; within, the move is corrected
 * (profile zero_target_correct) with its own U, or joins every depth's U
 * as the shift does. */
static enum rig_rc target_check(struct run *r, struct rig_err *err)
{
	const struct fixture *fx = &r->b->fx;
	bool have;
	r->zero_target_done = true;
	enum rig_rc rc = zero_target_usable(r->b, &have, err);
	if (rc || !have)
		return rc;
	struct zero_target t;
	run_progress(r, "zero target");
	if ((rc = zero_target_read(r->b, &t, err)))
		return rc;
	char why[96], what[200];
	double bound = run_zero_bound_um(r, why, sizeof why);
	bool correct = r->prof->verify.zero_target_correct;
	double limit = correct ? fx->laser.zero_max_change_um : bound;
	bool too_far = fabs(t.move_um) - 2 * t.u_um > limit;
	if (too_far)
		snprintf(what, sizeof what, "beyond %.3g um (%s) by more than its U: refused",
			 limit, correct ? "laser.zero_max_change_um" : why);
	else if (correct)
		snprintf(what, sizeof what, "corrected: every depth from zero %.6f mm, u %.2f um",
			 fx->laser.zero_mm + t.move_um / 1000.0, t.u_um);
	else
		snprintf(what, sizeof what,
			 "in every depth's U: rectangular over +-|move|, u %.2f um; bound %.3g um "
			 "(%s)", zero_target_u_um(&t, false), bound, why);
	if ((rc = target_row(r, &t, limit, what)))
		return rc;
	if (too_far) {
		r->zero_moved = true;
		return zero_target_refuse(fx, &t, what, err);
	}
	r->zero_corr_mm = correct ? t.move_um / 1000.0 : 0;
	r->zero_target_u_um = zero_target_u_um(&t, correct);
	return RIG_OK;
}

enum rig_rc zero_target_refuse(const struct fixture *fx, const struct zero_target *t,
			       const char *what, struct rig_err *err)
{
	return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_LASER,
			      "laser zero moved %+.1f um since rig zero (%s): the zero target "
			      "reads %.6f mm, %.6f mm then; %s: no depth is sure; call an "
			      "engineer: rig zero, then rig check",
			      t->move_um, fx->laser.zero_date, t->median_mm, fx->laser.zero_target_mm, what);
}

enum rig_rc run_zero_target(struct run *r, struct rig_err *err)
{
	if (r->zero_target_done)
		return RIG_OK;
	enum rig_rc rc = park_pen(r, err);
	return rc ? rc : target_check(r, err);
}

double run_zero_u_um(const struct run *r)
{
	return hypot(r->zero_shift_u_um, r->zero_target_u_um);
}

double run_zero_mm(const struct run *r)
{
	return r->b->fx.laser.zero_mm + r->zero_corr_mm;
}

enum rig_rc run_zero_start(struct run *r, struct rig_err *err)
{
	struct zero_reading z;
	run_progress(r, "zero check at the start");
	enum rig_rc rc = park_pen(r, err);
	if (!rc && !r->zero_target_done)
		rc = target_check(r, err);
	if (!rc)
		rc = read_still(r->b, &z, "the stopped pen's tips", err);
	if (rc)
		return rc;
	r->zero_have = true;
	r->zero_start_mm = z.median_mm;
	r->zero_start_u_um = z.u_um;
	return reading_row(r, &z, "start");
}

double run_zero_bound_um(const struct run *r, char *why, size_t cap)
{
	return zero_shift_bound_um(r->prof, r->o->reference, &r->b->fx, why, cap);
}

double zero_shift_bound_um(const struct profile *p, const struct reference *ref,
			   const struct fixture *fx, char *why, size_t cap)
{
	const struct profile_window *w = &p->verify.window;
	double derived;
	if (ref) {
		derived = ZERO_SHIFT_U_SHARE * ref->depth_um.u;
		snprintf(why, cap, "sqrt(3)/2 x the certificate's U %g um", ref->depth_um.u);
	} else {
		double f = w->u_fraction > 0 ? w->u_fraction : ZERO_SHIFT_DEFAULT_FRACTION;
		derived = ZERO_SHIFT_U_SHARE * f * p->verify.depth_tolerance_um;
		snprintf(why, cap, "sqrt(3)/2 x %g x depth_tolerance_um %g", f,
			 p->verify.depth_tolerance_um);
	}
	derived = round(derived * 100.0) / 100.0; /* to 0.01 um, as the report shows it */
	double key = fx->laser.run_zero_max_shift_um;
	if (key > 0 && key < derived) {
		snprintf(why, cap, "laser.run_zero_max_shift_um");
		return key;
	}
	return derived;
}

enum rig_rc run_zero_recheck(struct run *r, struct rig_err *err)
{
	if (!r->zero_have)
		return RIG_OK;
	struct zero_reading z;
	run_progress(r, "zero check after the verify points");
	enum rig_rc rc = read_reference(r, &z, err);
	if (rc || (rc = reading_row(r, &z, "after the verify points")))
		return rc;
	double shift_um = (z.median_mm - r->zero_start_mm) * 1000.0;
	double u_meas = hypot(z.u_um, r->zero_start_u_um);
	char why[96];
	double bound = run_zero_bound_um(r, why, sizeof why);
	/* rectangular over +-|shift|, and the shift's own noise */
	r->zero_shift_u_um = sqrt(shift_um * shift_um / 3.0 + u_meas * u_meas);
	/* beyond the bound for sure: a noisy laser's uncertain shift joins U */
	bool too_far = fabs(shift_um) - 2 * u_meas > bound;
	const char *what = r->o->reference ? "check" : "run";
	char note[200];
	if (too_far)
		snprintf(note, sizeof note,
			 "beyond the bound %.3g um (%s) by more than its U: the %s is aborted",
			 bound, why, what);
	else
		snprintf(note, sizeof note,
			 "in every depth's U: rectangular over +-|shift|, u %.2f um; bound %.3g um "
			 "(%s)", r->zero_shift_u_um, bound, why);
	if ((rc = move_row(r, QTY_LASER_ZERO_SHIFT, shift_um, 2 * u_meas, bound, note)))
		return rc;
	r->zero_moved |= too_far;
	if (too_far)
		return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_LASER,
				      "laser zero moved %+.1f um during the %s (stopped tips %.6f mm at "
				      "the start, %.6f mm at the end; bound %.3g um: %s): "
				      "no depth is sure; call an engineer: rig zero, then rig check",
				      shift_um, what, r->zero_start_mm, z.median_mm, bound, why);
	return RIG_OK;
}
