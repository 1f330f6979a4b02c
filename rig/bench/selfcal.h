/* selfcal.h - the bench's own calibrations, each measured with the
 * operator's help and written into the fixture: the laser's zero plane
 * (rig zero), the load cell's zero (rig tare) and its span with a reference
 * mass (rig loadcell-cal). The procedures and their acceptance limits live
 * here; the commands only parse and print.
 *
 * Each runs on an open bench (rig/bench/bench.h), opens the one device it
 * needs and closes it again; on success the fixture file has the new
 * values and today's date, while b->fx still holds the old ones. The
 * caller owns the result structs.
 */
#ifndef RIG_BENCH_SELFCAL_H
#define RIG_BENCH_SELFCAL_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/bench.h"
#include "core/fixture.h"

/* ---- Expiry --------------------------------------------------------------- */

/* The fixture's calibrations (laser zero, load cell span and tare, and the
 * pad's ring bound where a run may use it at the exposure the fixture
 * states) within bench.calibration_valid_days of their dates: RIG_E_CONFIG
 * naming the file:line, the age and the command that renews it, for an
 * expired or future date. A device of the in-process virtual bench is
 * known exactly and never expires. A fixture that states no exposure
 * (exposure_us = 0, the sensor's) leaves the ring bound to
 * bench_check_ring_bound(). */
enum rig_rc bench_check_calibration(const struct bench *b, struct rig_err *err);

/* After the laser opened (bench_devices_open: b->fx.laser.exposure_us is
 * the sensor's, read back): the pad's ring bound held to its date when the
 * run uses it at that exposure (measure_ring_bound_holds()), as
 * bench_check_calibration() holds the others. A bound the run does not use
 * at the sensor's exposure cannot make a figure wrong: RIG_OK whatever its
 * date. */
enum rig_rc bench_check_ring_bound(const struct bench *b, struct rig_err *err);

/* Whether a run may use the fixture's pad ring bound: it has one, and the
 * exposure the fixture states (the sensor must read it back within one
 * shutter count) may be the one it was measured at, or the fixture states
 * none (the sensor's, known only at connect). False: the engine will not
 * use it (measure_ring_bound_holds()). */
bool bench_ring_bound_may_be_used(const struct fixture_laser *l);

/* ---- Laser zero ---------------------------------------------------------- */

#define ZERO_DEFAULT_SAMPLES 4000
/* A flat, matt reference reads within a few counts; more spread means a
 * bad surface, a tilted or moving reference, or a dirty window. */
#define ZERO_MAX_SD_UM 5.0
/* Error codes or lost values allowed among the samples (1 %). */
#define ZERO_MAX_BAD_PER_MILLE 10
/* A still reference: the line fitted to the readings rises at most this
 * much from the first to the last (a moving, settling or sagging
 * reference, or a drifting sensor, is not a zero). */
#define ZERO_MAX_DRIFT_UM 2.0

struct zero_result {
	struct laser_mean m;
	double change_um;            /* from the fixture's zero_mm */
	bool forced;                 /* beyond zero_max_change_um, written by --force */
	char value[32];              /* laser.zero_mm as written */
	bool has_target;             /* the fixture has a zero target: */
	struct laser_mean target;    /* its reading, */
	char target_value[32];       /* laser.zero_target_mm as written */
	char date[FIXTURE_DATE];
};

/* Flat reference at the contact plane (operator), average `samples` valid
 * readings (and as many of the zero target swung in front of it, when the
 * fixture has one: laser.zero_target_mm), pen back (operator), write
 * laser.zero_mm and zero_date.
 * RIG_E_DEVICE when the spread, the drift or the bad readings exceed the
 * limits. RIG_E_ABORTED, the fixture unchanged, when the new zero is more
 * than laser.zero_max_change_um from the last one (the reference was not
 * at the contact plane) unless force; a forced change says so in the
 * fixture's history and the ledger. */
enum rig_rc selfcal_zero(struct bench *b, size_t samples, bool force, struct zero_result *out,
			 struct rig_err *err);

/* ---- Load cell tare ------------------------------------------------------ */

struct tare_result {
	double zero_counts;
	char value[32];              /* offset_counts as written */
	char date[FIXTURE_DATE];
};

/* Nothing on the cell (operator), its median, pen back (operator), write
 * offset_counts and tare_date. */
enum rig_rc selfcal_tare(struct bench *b, struct tare_result *out, struct rig_err *err);

/* ---- Load cell span ------------------------------------------------------ */

#define LOADCELL_CAL_MEDIAN_MIN 9          /* reads per median for a calibration */
#define LOADCELL_CAL_MIN_SPAN_COUNTS 100.0 /* less: the mass is not on the cell */
#define LOADCELL_CAL_RTZ_WARN 0.0025       /* of the span: half the 0.5 % target */

struct loadcell_cal_result {
	double zero1, with_mass, zero2;  /* medians, counts */
	double zero, scale;              /* written: offset_counts, scale_counts_per_n */
	double rtz, span;                /* return to zero, span (counts) */
	bool rtz_warning;                /* zero moved more than LOADCELL_CAL_RTZ_WARN */
	char scale_s[32], offset_s[32];  /* as written */
	char date[FIXTURE_DATE];
};

/* Zero, the reference mass of mass_g grams, zero again (operator steps in
 * between), scale from the span over the mean zero, pen back; write
 * scale_counts_per_n, offset_counts and cal_date. RIG_E_DATA when the span
 * is too small (the mass is not on the cell). */
enum rig_rc selfcal_loadcell(struct bench *b, double mass_g, struct loadcell_cal_result *out,
			     struct rig_err *err);

#endif
