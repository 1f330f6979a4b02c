/* names.h - the phases, steps and quantities of the rig's measuring work,
 * and the one table of their names (as reports, observers, plots and the
 * virtual bench's phase-keyed faults spell them) and units. Code compares
 * the enums; the names appear only where text leaves the program.
 */
#ifndef RIG_RUN_NAMES_H
#define RIG_RUN_NAMES_H

enum run_phase {
	PHASE_NONE,      /* before the first phase ("start" in progress lines) */
	PHASE_RUN,       /* rows about the run itself (its traces) */
	PHASE_IDENTIFY,
	PHASE_PRELOAD,
	PHASE_CALIBRATE,
	PHASE_VERIFY,
	PHASE_REPORT,
	PHASE_SWEEP,     /* rig sweep */
	PHASE_GRR,       /* rig grr */
	PHASE_COUNT,
};

enum run_step {
	STEP_START,
	STEP_PRELOAD,
	STEP_DEPTH_SWEEP,  /* points over depth at the nominal rate */
	STEP_FREQ_SWEEP,   /* points over rate at the nominal depth */
	STEP_DEPTH_TABLE,
	STEP_FREQ_TABLE,
	STEP_READBACK,
	STEP_GRID,         /* rig sweep's grid */
	STEP_DEPTH_CHECK,  /* a bench check's certified depths (rig check) */
	STEP_RATE_CHECK,   /* its certified stroke rates */
	STEP_ZERO_CHECK,   /* the run's re-reading of its zero reference */
	STEP_COUNT,
};

enum run_quantity {
	QTY_DEPTH,
	QTY_DEPTH_SPREAD,
	QTY_FREQ,
	QTY_INVALID_FRACTION,
	QTY_PRELOAD,
	QTY_TABLE_DEPTH_RAW,
	QTY_TABLE_FREQ_RAW,
	QTY_TABLES_AFTER_RESET,
	QTY_TRACES,
	QTY_LASER_ZERO,       /* the zero reference's reading (mm) */
	QTY_LASER_ZERO_SHIFT, /* its change over the run (um) */
	QTY_LASER_ZERO_TARGET, /* the zero's move since rig zero, from the zero target (um) */
	QTY_COUNT,
};

/* Names as written ("verify", "depth_sweep", "depth_spread"); never NULL. */
const char *run_phase_name(enum run_phase p);
const char *run_step_name(enum run_step s);
const char *run_quantity_name(enum run_quantity q);
/* The unit of a quantity's values ("um", "Hz", "N", or ""). */
const char *run_quantity_unit(enum run_quantity q);
/* The unit of what a step sets point by point (depth_sweep: "um",
 * freq_sweep: "Hz", preload: "N"; "um" for the others, whose points are
 * depths). */
const char *run_step_unit(enum run_step s);
/* The same by the step's name ("depth_sweep": "um"); "" for an unknown one. */
const char *run_step_unit_named(const char *name);

#endif
