/* units.h - the units of a lot, as `rig stats` counts them from run
 * reports: runs grouped by unit (serials compared by text_serial_key; a
 * run whose serial is not known, "unknown" or empty, is a unit of its own:
 * such runs are of pens no one can tell apart, never one pen's retests),
 * first-pass and final yield, yield per lot (the reports' `lot` column, or
 * the whole set as one lot), and a Pareto of failure reasons.
 *
 * A unit is judged when one of its runs said something about it (PASS,
 * FAIL or INDETERMINATE; an ABORTED run is the bench's). Its first verdict
 * is that of its first judged run (in attempt order, then time), its final
 * verdict that of its last; the first-pass yield is the share of judged
 * units whose first verdict is PASS, the final yield those whose last is
 * (the station's shift report counts the same way). docs/characterization.md.
 *
 * The caller owns struct stats_units (zeroed to start); units_free()
 * releases it.
 */
#ifndef RIG_STUDY_UNITS_H
#define RIG_STUDY_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct csv_table;

struct stats_run {
	char run_id[40];
	char serial[64];           /* text_serial_key of pen_serial */
	bool unknown;              /* no serial known: a unit of its own */
	char shown[64];            /* pen_serial as the report has it */
	char lot[64];              /* "" without a lot column */
	char verdict[16], category[8];
	unsigned attempt;          /* 0: the report has none */
	long order;                /* run start (epoch s) */
	size_t seq;                /* order read */
};

struct stats_reason {
	char text[96];
	char category[8];          /* unit or bench */
	size_t n;
};

struct stats_lot {
	char lot[64];
	size_t runs, serials;      /* runs, and distinct serials among them */
	size_t units, first_pass, final_pass; /* units judged, and passed first / last */
};

struct stats_units {
	struct stats_run *run;
	size_t nruns, cap;
	/* units_compute() */
	struct stats_lot *lot;     /* lot[0] the whole set; then each lot named */
	size_t nlots;
	struct stats_reason *reason; /* most frequent first */
	size_t nreasons;
	size_t failures;           /* runs not PASS */
	size_t unknown;            /* runs with no serial known */
	size_t reasons_total;      /* sum of the reasons' n (the Pareto's 100 %) */
	bool has_lots;             /* some report carries a lot */
};

/* The runs of a table of report rows (one or many runs; rows of a run
 * together): one per verdict row (run, end, verdict). Each run's Pareto
 * keys: its failed judged characteristics ("verify depth at 1750 um"), or,
 * when none failed, its reason up to the first ": " after the phase
 * ("calibrate: the pen refused ..." is "calibrate: the pen refused"), or
 * the report's reason_code when it has one. */
enum rig_rc units_add_table(struct stats_units *u, const struct csv_table *t,
			    const char *path, struct rig_err *err);
void units_compute(struct stats_units *u);
/* The serial and attempt of the run with this id ("MN3-000123 attempt 2"),
 * or NULL. */
const struct stats_run *units_find_run(const struct stats_units *u, const char *run_id);
void units_free(struct stats_units *u);

/* Seconds since the epoch of a report's "YYYY-MM-DDThh:mm:ss" UTC time (0
 * when it is not one): the order of runs for units and for stats. */
long units_parse_time(const char *iso);

#endif
