/* run_impl.h - what the phases of a run share (run.c, preload.c,
 * calibrate.c, verify.c); not for use outside rig/run/.
 */
#ifndef RIG_RUN_RUN_IMPL_H
#define RIG_RUN_RUN_IMPL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench/bench.h"
#include "run/decision.h"
#include "run/names.h"
#include "run/profile.h"
#include "run/report.h"
#include "run/run.h"

#define RUN_MAX_PHASES 8

struct run_phase_time {
	enum run_phase phase;
	double seconds;
};

struct run {
	struct bench *b;
	const struct profile *prof;
	const struct run_options *o;
	struct run_result *res;
	struct report_meta meta;
	struct report *rep;
	bool calibrate;

	enum run_phase phase;      /* PHASE_NONE between phases */
	uint64_t phase_t0;
	struct run_phase_time times[RUN_MAX_PHASES];
	unsigned ntimes, times_written;
	unsigned step, nsteps;

	/* How the run is going: a FAIL is a judgement; an abort stops it. */
	bool failed;
	char fail_reason[256];
	enum reason_code fail_code;  /* the first failure's (run_fail) */
	/* A judgement the conformance rule could not decide: the run is
	 * INDETERMINATE unless something failed or stopped it. */
	bool indeterminate;
	char indeterminate_reason[256];
	bool aborted;
	bool abort_by_unit;     /* the pen itself failed (run_abort: FAIL, category unit) */
	enum rig_rc abort_rc;
	enum rig_cause abort_cause; /* what failed, as the error said (core/err.h) */
	char abort_phase[24];   /* the phase the abort came in ("" none) */
	char abort_reason[RIG_ERR_MSG_MAX];

	double point_s;         /* bench time of the last point measured (JUnit) */

	char trace_dir[PATH_MAX];
	unsigned ntraces;

	/* A profile that verifies at several preloads (verify.c): the one
	 * the points are measured at now, and the step names' suffix that
	 * keeps each preload's rows apart ("@2N"); 0 and "" otherwise. */
	double at_preload_n;
	char step_suffix[24];
	/* The zero reference read at the run's start (zero_check.c): valid
	 * when zero_have; and the standard uncertainty its shift adds to
	 * every depth judged after the re-check (0 before it). */
	bool zero_have;
	double zero_start_mm, zero_start_u_um;
	/* The depth table the pen holds (the reference's setpoint is reached
	 * through it), when known: read by calibrate or the first check. */
	bool zero_table_known;
	struct pen_cal_table zero_table;
	double zero_shift_u_um;
	bool zero_moved;        /* the re-check found it beyond its bound (the abort's reason) */
	/* The zero target (a fixture with [io] zero_target_line), read once
	 * at the run's first zero reading: the zero's move since rig zero,
	 * corrected (zero_corr_mm, added to the fixture's zero_mm for every
	 * point) or not, and the standard uncertainty it leaves in every
	 * depth judged (the correction's own, or the move's when not
	 * corrected). */
	bool zero_target_done;
	double zero_corr_mm;
	double zero_target_u_um;
};

/* Format into a fixed buffer; a long message is cut, never overflows. */
void run_set_text(char *dst, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A progress line for the observer: "[step/nsteps] phase: text". */
void run_progress(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A judgement failed: the first reason is the run's, all are kept. */
/* A failure of the unit: code says which (out of tolerance, not measured,
 * calibration); the first one's is the verdict's reason code. */
void run_fail(struct run *r, enum reason_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A judgement came out INDETERMINATE: the same, for the INDETERMINATE
 * verdict (a FAIL or an abort still wins). */
void run_indeterminate(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record the first reason the run cannot go on (e's message and what
 * failed, e's cause); returns rc. */
enum rig_rc run_abort(struct run *r, enum rig_rc rc, const struct rig_err *e);

/* An empty row of this phase with step, quantity and its unit named. */
struct report_row run_row(const struct run *r, enum run_step step, enum run_quantity q);
/* Journal a row; a failure aborts the run. */
enum rig_rc run_add_row(struct run *r, const struct report_row *row);
/* Journal a judged row in this phase; a FAIL fails the run, an
 * INDETERMINATE makes it INDETERMINATE. */
enum rig_rc run_add_judged(struct run *r, enum run_step step, enum run_quantity q,
			   double commanded, double measured, double std, long n, double u,
			   const struct decision *d);
/* The same with the measurement's note (measure_note_rate: why its U is
 * large; NULL or "": none), added to the row's note after the decision's
 * reason. The run's verdict keeps the decision's reason alone. */
enum rig_rc run_add_judged_note(struct run *r, enum run_step step, enum run_quantity q,
				double commanded, double measured, double std, long n, double u,
				const struct decision *d, const char *why);
/* The depth's notes (measure_note_depth) with the fixture's ring bound and
 * the laser's exposure (read back as it opened), as point_measure gave
 * them to the engine. */
void run_note_depth(const struct run *r, const struct measure_stats *st, char *buf, size_t cap);
/* Measure one point in this phase (and keep its trace when asked). */
enum rig_rc run_measure_point(struct run *r, enum run_step step, double depth_um, double freq_hz,
			      unsigned settle_ms, const struct profile_window *w,
			      struct measure_stats *st, struct rig_err *err);

/* Write the JUnit file (o->junit_path) from the report's rows and the
 * profile's plan, whatever the end; a failure is reported to the observer
 * and sets res->report_failed. */
void run_write_junit(struct run *r, enum report_verdict v, const char *reason);

/* The phases. An error aborts the run; a judgement that fails calls
 * run_fail() and returns RIG_OK. */
enum rig_rc run_preload(struct run *r, struct rig_err *err);
enum rig_rc run_calibrate(struct run *r, struct rig_err *err);
enum rig_rc run_verify(struct run *r, struct rig_err *err);
/* The zero reference (zero_check.c): read it at the start of the run's
 * measuring; re-read it, record the shift and set zero_shift_u_um, or
 * RIG_E_DEVICE (the run aborts) when it moved beyond its bound or could
 * not be read still. */
enum rig_rc run_zero_start(struct run *r, struct rig_err *err);
/* Only the zero target's part of run_zero_start (once a run; nothing on a
 * bench without one): what a run calibrating at several preloads does
 * before its first calibration point. */
enum rig_rc run_zero_target(struct run *r, struct rig_err *err);
enum rig_rc run_zero_recheck(struct run *r, struct rig_err *err);
/* The bound of the shift (um): sqrt(3)/2 x the U the windows aim at
 * (window_u_fraction, else 0.1, x depth_tolerance_um; a bench check: its
 * certificate's depth U), or the fixture's laser.run_zero_max_shift_um
 * when that is set and tighter; where it came from in why. */
double run_zero_bound_um(const struct run *r, char *why, size_t cap);
/* The standard uncertainty the zero adds to every depth judged: its shift
 * over the run and its move since rig zero (the zero target), um. */
double run_zero_u_um(const struct run *r);
/* The zero the run's depths are measured from: the fixture's, corrected
 * by the zero target when the profile says so (mm). */
double run_zero_mm(const struct run *r);
/* The command a pen with table t turns into the raw setpoint raw. */
double run_table_cmd_for_raw(const struct pen_cal_table *t, double raw);

/* A bench check's verify phase (run/check_verify.c). */
enum rig_rc run_check_verify(struct run *r, struct rig_err *err);

#endif
