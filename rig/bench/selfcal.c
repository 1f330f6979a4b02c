/* selfcal.c - laser zero, load cell tare and span, written to the fixture. */
#include "bench/selfcal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/ini_edit.h"
#include "dev/laser/protocol.h"
#include "measure/stroke.h"

#define ZERO_READ_TIMEOUT_MS 200

/* ---- Expiry --------------------------------------------------------------- */

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

bool bench_ring_bound_may_be_used(const struct fixture_laser *l)
{
	if (!(l->ring_max_um > 0))
		return false;
	if (!(l->exposure_us > 0))
		return true; /* the sensor's, read back at connect: not known yet */
	/* The driver takes a shutter within one count of the stated one
	 * (rig/dev/laser/api.c); the engine's rule (measure_ring_bound_holds)
	 * is applied with that count's slack. */
	return fabs(l->exposure_us - l->ring_exposure_us) <=
	       RING_EXPOSURE_TOL_US + ILD1420_SHUTTER_US_PER_COUNT + 1e-9;
}

/* One calibration's date (what, [section] key) within the fixture's
 * validity; fix: what renews it. Not held against today: no date, or a
 * device of the in-process virtual bench. */
static enum rig_rc check_date(const struct fixture *f, const char *what, const char *section,
			      const char *key, const char *date, const char *fix,
			      const char *device, struct rig_err *err)
{
	if (!date[0] || fixture_is_sim(device))
		return RIG_OK;
	int valid = f->bench.calibration_valid_days;
	int age = days_since(date);
	int line = fixture_line(f, section, key);
	if (age < 0)
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_BENCH_CALIBRATION,
				      "%s:%d: %s date %s is in the future: fix the date or run %s",
				      f->path, line, what, date, fix);
	if (age > valid)
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_BENCH_CALIBRATION,
				      "%s:%d: %s expired: calibrated %s, %d days ago, valid for %d days: "
				      "run %s",
				      f->path, line, what, date, age, valid, fix);
	return RIG_OK;
}

/* A calibration expires with the calendar because a real sensor drifts.
 * A device of the in-process virtual bench is known exactly and does not:
 * its dates are not held against today, so the default bench never rots.
 * The pad's ring bound is held to its date only where the run may use it:
 * at another exposure the engine leaves it out (the physics' hidden ring
 * counts in U instead), so an old bound there cannot make a figure wrong,
 * and the run says it is not used. A fixture that states no exposure
 * takes the sensor's, known only when the laser opens: that bound is
 * decided then (bench_check_ring_bound). */
enum rig_rc bench_check_calibration(const struct bench *b, struct rig_err *err)
{
	const struct fixture *f = &b->fx;
	bool ring_now = f->laser.exposure_us > 0 && bench_ring_bound_may_be_used(&f->laser);
	struct {
		const char *what, *section, *key, *date, *fix, *device;
	} cal[] = {
		{ "laser zero", "laser", "zero_date", f->laser.zero_date, "rig zero",
		  f->laser.port },
		{ "load cell span", "loadcell", "cal_date", f->loadcell.cal_date,
		  "rig loadcell-cal", f->loadcell.chip },
		{ "load cell tare", "loadcell", "tare_date", f->loadcell.tare_date, "rig tare",
		  f->loadcell.chip },
		{ "pad ring bound", "laser", "ring_date", ring_now ? f->laser.ring_date : "",
		  "the pad's ring characterization (docs/measurement.md)", f->laser.port },
	};
	for (size_t i = 0; i < sizeof cal / sizeof cal[0]; i++) {
		enum rig_rc rc = check_date(f, cal[i].what, cal[i].section, cal[i].key,
					    cal[i].date, cal[i].fix, cal[i].device, err);
		if (rc)
			return rc;
	}
	return RIG_OK;
}

enum rig_rc bench_check_ring_bound(const struct bench *b, struct rig_err *err)
{
	const struct fixture *f = &b->fx;
	const struct fixture_laser *l = &f->laser;
	/* The exposure is the sensor's now (devices.c open_laser): the
	 * engine's own rule says whether the run uses the bound. */
	if (!(l->ring_max_um > 0) || !(l->exposure_us > 0) ||
	    !measure_ring_bound_holds(l->exposure_us, l->ring_exposure_us))
		return RIG_OK;
	char fix[160];
	snprintf(fix, sizeof fix, "the pad's ring characterization (docs/measurement.md) at the "
		 "sensor's exposure of %g us, read back as the laser opened", l->exposure_us);
	return check_date(f, "pad ring bound", "laser", "ring_date", l->ring_date, fix, l->port,
			  err);
}

/* ---- Laser zero ----------------------------------------------------------- */


static enum rig_rc check_safety(void *b, struct rig_err *err)
{
	return bench_check_safety(b, err);
}

/* Measure a flat (what: the flat reference, the zero target); the laser
 * is open and quiet. A stop signal or an e-stop ends it at once. */
static enum rig_rc measure_flat(struct bench *b, size_t n, const char *what,
				struct laser_mean *m, struct rig_err *err)
{
	struct laser *l = b->d.laser;
	enum rig_rc rc = laser_start(l, err);
	if (rc)
		return rc;
	size_t max_bad = n * ZERO_MAX_BAD_PER_MILLE / 1000;
	rc = laser_mean_checked(l, n, max_bad, ZERO_READ_TIMEOUT_MS, check_safety, b, m, err);
	enum rig_rc rc_stop = laser_stop(l, rc ? NULL : err);
	if (rc)
		return rc;
	if (rc_stop)
		return rc_stop;
	if (m->sd_um > ZERO_MAX_SD_UM)
		return rig_fail(err, RIG_E_DEVICE,
				"%s reads %.6f mm with a spread of %.2f um "
				"(at most %.1f um allowed, range %.6f..%.6f mm): is it seated, "
				"still and clean?", what, m->mean_mm, m->sd_um, ZERO_MAX_SD_UM,
				m->min_mm, m->max_mm);
	if (fabs(m->drift_um) > ZERO_MAX_DRIFT_UM)
		return rig_fail(err, RIG_E_DEVICE,
				"%s is not still: its readings moved %+.2f um "
				"from the first to the last of %zu (at most %.1f um allowed), mean "
				"%.6f mm: is it seated and settled?", what, m->drift_um, m->n_ok,
				ZERO_MAX_DRIFT_UM, m->mean_mm);
	return RIG_OK;
}

/* Where the reference puts the plane: within the fixture's bound of the
 * last zero, or forced. */
static enum rig_rc check_zero_move(const struct bench *b, bool force, struct zero_result *z,
				   struct rig_err *err)
{
	const struct fixture_laser *fl = &b->fx.laser;
	z->change_um = (z->m.mean_mm - fl->zero_mm) * 1000.0;
	if (fabs(z->change_um) <= fl->zero_max_change_um)
		return RIG_OK;
	if (force) {
		z->forced = true;
		return RIG_OK;
	}
	return rig_fail(err, RIG_E_ABORTED,
			"zero refused, %s unchanged: the flat reference reads %.6f mm, %+.1f um "
			"from the last zero %.6f mm (%s:%d), more than laser.zero_max_change_um "
			"= %g um: is the flat reference in place at the contact plane? If the "
			"plane really moved (sensor remounted, fixture rebuilt), run rig zero "
			"--force", b->fx.path, z->m.mean_mm,
			z->change_um, fl->zero_mm, b->fx.path, fixture_line(&b->fx, "laser", "zero_mm"),
			fl->zero_max_change_um);
}

/* With a zero target ([io] zero_target_line): swing it into the beam in
 * front of the flat, read it as the flat is read, swing it out. Its
 * reading is what every run compares its own with (run/zero_check.c). */
static enum rig_rc measure_target(struct bench *b, size_t n, struct laser_mean *m,
				  struct rig_err *err)
{
	unsigned ms = b->fx.io.zero_target_ms;
	enum rig_rc rc = bench_io_zero_target(b->d.io, true, err);
	if (!rc && !(rc = bench_wait_safely(b, ms, err)))
		rc = measure_flat(b, n, "the zero target", m, err);
	struct rig_err ignore;
	enum rig_rc rc_out = bench_io_zero_target(b->d.io, false, rc ? &ignore : err);
	if (!rc && !rc_out)
		rc_out = bench_wait_safely(b, ms, err);
	return rc ? rc : rc_out;
}

enum rig_rc selfcal_zero(struct bench *b, size_t samples, bool force, struct zero_result *out,
			 struct rig_err *err)
{
	memset(out, 0, sizeof *out);
	out->has_target = b->fx.io.zero_target_line[0] != '\0';
	enum rig_rc rc;
	if ((rc = bench_devices_open(b, DEV_LASER | (out->has_target ? DEV_IO : 0), err)) ||
	    (rc = bench_operator(b, OPERATOR_PLACE_FLAT, 0, err)) ||
	    (rc = measure_flat(b, samples, "the flat reference", &out->m, err)) ||
	    (rc = check_zero_move(b, force, out, err)) ||
	    (out->has_target && (rc = measure_target(b, samples, &out->target, err))) ||
	    (rc = bench_operator(b, OPERATOR_RESTORE_PEN, 0, err)))
		goto out;
	snprintf(out->value, sizeof out->value, "%.6f", out->m.mean_mm);
	snprintf(out->target_value, sizeof out->target_value, "%.6f", out->target.mean_mm);
	ini_today(out->date);
	const struct ini_edit edits[] = {
		{ fixture_file_section(&b->fx, "laser", "zero_mm"), "zero_mm",
		  out->value },
		{ fixture_file_section(&b->fx, "laser", "zero_date"), "zero_date",
		  out->date },
		{ fixture_file_section(&b->fx, "laser", "zero_target_mm"), "zero_target_mm",
		  out->target_value },
	};
	char why[128] = "rig zero";
	if (out->forced)
		snprintf(why, sizeof why, "rig zero --force: moved %+.1f um, beyond the bound of %g um",
			 out->change_um, b->fx.laser.zero_max_change_um);
	if ((rc = bench_check_safety(b, err))) /* stopped meanwhile: change nothing */
		goto out;
	rc = fixture_commit_observed(b->fx.path, edits,
				     sizeof edits / sizeof edits[0] - (out->has_target ? 0 : 1), why,
				     b->fixture_obs, err);
out:
	bench_devices_close(b);
	return rc;
}

enum rig_rc selfcal_tare(struct bench *b, struct tare_result *out, struct rig_err *err)
{
	memset(out, 0, sizeof *out);
	enum rig_rc rc;
	if ((rc = bench_devices_open(b, DEV_LOADCELL, err)) ||
	    (rc = bench_operator(b, OPERATOR_REMOVE_LOAD, 0, err)) ||
	    (rc = loadcell_read_counts_median(b->d.loadcell, 0, &out->zero_counts, err)) ||
	    (rc = bench_operator(b, OPERATOR_RESTORE_PEN, 0, err)))
		goto out;
	snprintf(out->value, sizeof out->value, "%.1f", out->zero_counts);
	ini_today(out->date);
	const struct ini_edit edits[] = {
		{ fixture_file_section(&b->fx, "loadcell", "offset_counts"), "offset_counts",
		  out->value },
		{ fixture_file_section(&b->fx, "loadcell", "tare_date"), "tare_date",
		  out->date },
	};
	if ((rc = bench_check_safety(b, err))) /* stopped meanwhile: change nothing */
		goto out;
	rc = fixture_commit_observed(b->fx.path, edits, sizeof edits / sizeof edits[0], "rig tare",
				     b->fixture_obs, err);
out:
	bench_devices_close(b);
	return rc;
}

enum rig_rc selfcal_loadcell(struct bench *b, double mass_g, struct loadcell_cal_result *out,
			     struct rig_err *err)
{
	memset(out, 0, sizeof *out);
	const struct fixture_loadcell *cfg = &b->fx.loadcell;
	unsigned n = cfg->median_of > LOADCELL_CAL_MEDIAN_MIN ? cfg->median_of
							       : LOADCELL_CAL_MEDIAN_MIN;
	enum rig_rc rc;
	if ((rc = bench_devices_open(b, DEV_LOADCELL, err)))
		goto out;
	struct loadcell *lc = b->d.loadcell;
	if ((rc = bench_operator(b, OPERATOR_REMOVE_LOAD, 0, err)) ||
	    (rc = loadcell_read_counts_median(lc, n, &out->zero1, err)) ||
	    (rc = bench_operator(b, OPERATOR_PLACE_MASS, mass_g, err)) ||
	    (rc = loadcell_read_counts_median(lc, n, &out->with_mass, err)) ||
	    (rc = bench_operator(b, OPERATOR_REMOVE_LOAD, 0, err)) ||
	    (rc = loadcell_read_counts_median(lc, n, &out->zero2, err)))
		goto out;
	out->zero = (out->zero1 + out->zero2) / 2;
	if ((rc = loadcell_scale_from_span(out->zero, out->with_mass, mass_g,
					   LOADCELL_CAL_MIN_SPAN_COUNTS, &out->scale, err)) ||
	    (rc = bench_operator(b, OPERATOR_RESTORE_PEN, 0, err)))
		goto out;
	snprintf(out->scale_s, sizeof out->scale_s, "%.3f", out->scale);
	snprintf(out->offset_s, sizeof out->offset_s, "%.1f", out->zero);
	ini_today(out->date);
	const struct ini_edit edits[] = {
		{ fixture_file_section(&b->fx, "loadcell", "scale_counts_per_n"), "scale_counts_per_n",
		  out->scale_s },
		{ fixture_file_section(&b->fx, "loadcell", "offset_counts"), "offset_counts",
		  out->offset_s },
		{ fixture_file_section(&b->fx, "loadcell", "cal_date"), "cal_date",
		  out->date },
	};
	if ((rc = bench_check_safety(b, err)) || /* stopped meanwhile: change nothing */
	    (rc = fixture_commit_observed(b->fx.path, edits, sizeof edits / sizeof edits[0],
					  "rig loadcell-cal", b->fixture_obs, err)))
		goto out;
	out->rtz = out->zero2 - out->zero1;
	out->span = out->with_mass - out->zero;
	out->rtz_warning = fabs(out->rtz) > LOADCELL_CAL_RTZ_WARN * fabs(out->span);
out:
	bench_devices_close(b);
	return rc;
}
