/* names.c - the one table of phase, step and quantity names and units. */
#include "run/names.h"

#include <string.h>

static const char *const phase_names[PHASE_COUNT] = {
	[PHASE_NONE] = "start",      [PHASE_RUN] = "run",
	[PHASE_IDENTIFY] = "identify", [PHASE_PRELOAD] = "preload",
	[PHASE_CALIBRATE] = "calibrate", [PHASE_VERIFY] = "verify",
	[PHASE_REPORT] = "report",   [PHASE_SWEEP] = "sweep",
	[PHASE_GRR] = "grr",
};

static const struct {
	const char *name, *unit;
} steps[STEP_COUNT] = {
	[STEP_START] = { "start", "um" },
	[STEP_PRELOAD] = { "preload", "N" },
	[STEP_DEPTH_SWEEP] = { "depth_sweep", "um" },
	[STEP_FREQ_SWEEP] = { "freq_sweep", "Hz" },
	[STEP_DEPTH_TABLE] = { "depth_table", "um" },
	[STEP_FREQ_TABLE] = { "freq_table", "Hz" },
	[STEP_READBACK] = { "readback", "um" },
	[STEP_GRID] = { "grid", "um" },
	[STEP_DEPTH_CHECK] = { "depth_check", "um" },
	[STEP_RATE_CHECK] = { "rate_check", "Hz" },
	[STEP_ZERO_CHECK] = { "zero_check", "um" },
};

static const struct {
	const char *name, *unit;
} quantities[QTY_COUNT] = {
	[QTY_DEPTH] = { "depth", "um" },
	[QTY_DEPTH_SPREAD] = { "depth_spread", "um" },
	[QTY_FREQ] = { "freq", "Hz" },
	[QTY_INVALID_FRACTION] = { "invalid_fraction", "" },
	[QTY_PRELOAD] = { "preload", "N" },
	[QTY_TABLE_DEPTH_RAW] = { "table_depth_raw", "um" },
	[QTY_TABLE_FREQ_RAW] = { "table_freq_raw", "Hz" },
	[QTY_TABLES_AFTER_RESET] = { "tables_after_reset", "" },
	[QTY_TRACES] = { "traces", "" },
	[QTY_LASER_ZERO] = { "laser_zero", "mm" },
	[QTY_LASER_ZERO_SHIFT] = { "laser_zero_shift", "um" },
	[QTY_LASER_ZERO_TARGET] = { "laser_zero_target", "um" },
};

const char *run_phase_name(enum run_phase p)
{
	return (unsigned)p < PHASE_COUNT ? phase_names[p] : "?";
}

const char *run_step_name(enum run_step s)
{
	return (unsigned)s < STEP_COUNT ? steps[s].name : "?";
}

const char *run_step_unit(enum run_step s)
{
	return (unsigned)s < STEP_COUNT ? steps[s].unit : "";
}

const char *run_step_unit_named(const char *name)
{
	for (unsigned i = 0; i < STEP_COUNT; i++)
		if (strcmp(steps[i].name, name) == 0)
			return steps[i].unit;
	return "";
}

const char *run_quantity_name(enum run_quantity q)
{
	return (unsigned)q < QTY_COUNT ? quantities[q].name : "?";
}

const char *run_quantity_unit(enum run_quantity q)
{
	return (unsigned)q < QTY_COUNT ? quantities[q].unit : "";
}
