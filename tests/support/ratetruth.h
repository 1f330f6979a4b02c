/* ratetruth.h - every measuring point of a whole run on the virtual bench
 * beside the pen's true stroke rate over the very window it measured: a
 * point observer (run/point.h) that maps the engine's record (its first
 * to its last slot, measure_stats.first_slot and samples) to bench time
 * through the virtual laser's stream (sim_laser_slot_ns) and asks the
 * virtual pen what it did in exactly that time (sim_pen_mean_rate). Used
 * by the fault matrix (the rate's truth) and by the tests of rates after
 * speed changes.
 *
 * The caller owns the log; rate_truth_free() releases it.
 */
#ifndef RIG_TESTS_RATETRUTH_H
#define RIG_TESTS_RATETRUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "measure/stroke.h"
#include "run/point.h"
#include "sim/pen.h"
#include "support/runbench.h"

struct rate_point {
	char phase[16], step[32];
	double depth_cmd_um, freq_cmd_hz;
	bool done;                 /* the window ended (observer's end()) */
	struct measure_stats st;   /* the engine's result, after the point's gates */
	bool have_truth;           /* the pen's rate over the window is known */
	struct sim_pen_rate truth; /* over the engine's record, first to last slot */
};

struct rate_truth_log {
	struct run_bench *run;     /* whose bench (run->bench) is looked at */
	struct rate_point *v;
	size_t n, cap;
	bool oom;
};

/* An observer filling log from the run `run` (its bench while open). */
struct point_observer rate_truth_observer(struct rate_truth_log *log, struct run_bench *run);

/* The k-th (from 0) finished point of phase `phase` at commanded rate
 * freq_hz, or NULL (the report's rows come in the points' order). */
const struct rate_point *rate_truth_find(const struct rate_truth_log *log, const char *phase,
					 double freq_hz, unsigned k);

/* The error of a point's rate against the pen's real mean rate over its
 * window, in units of the point's U (k = 2); NAN without a rate or truth. */
double rate_point_err_over_U(const struct rate_point *r);

void rate_truth_free(struct rate_truth_log *log);

#endif
