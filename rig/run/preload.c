/* preload.c - the run's preload phase: the pen must press on the load cell
 * with a force inside the profile's window, and steadily, before it runs.
 */
#include "run/run_impl.h"

#include <math.h>

#include "run/decision.h"

#define PRELOAD_GOOD_READS 3 /* consecutive reads inside the window ... */
#define PRELOAD_STEADY_FRACTION 0.1 /* ... agreeing within this part of it */

enum rig_rc run_preload(struct run *r, struct rig_err *err)
{
	const struct profile_verify *v = &r->prof->verify;
	uint64_t deadline = clock_now_ns(r->b->hal.clock) +
			    (uint64_t)v->preload_timeout_ms * RIG_NS_PER_MS;
	unsigned good = 0, nin = 0;
	bool told = false;
	double f = NAN, recent[PRELOAD_GOOD_READS];
	/* Steady: the last reads agree, so a drifting cell (or a pen still
	 * being seated) is never taken for a preload. */
	double steady_n = PRELOAD_STEADY_FRACTION * (v->preload_max_n - v->preload_min_n);
	for (;;) {
		enum rig_rc rc = bench_check_safety(r->b, err);
		if (rc || (rc = loadcell_read_force_n(r->b->d.loadcell, &f, err)))
			return rc;
		bool inside = f >= v->preload_min_n && f <= v->preload_max_n;
		if (inside)
			recent[nin++ % PRELOAD_GOOD_READS] = f;
		else
			nin = 0;
		good = nin < PRELOAD_GOOD_READS ? nin : PRELOAD_GOOD_READS - 1;
		if (nin >= PRELOAD_GOOD_READS) {
			double lo = recent[0], hi = recent[0];
			for (int i = 1; i < PRELOAD_GOOD_READS; i++) {
				lo = fmin(lo, recent[i]);
				hi = fmax(hi, recent[i]);
			}
			if (hi - lo <= steady_n)
				good = PRELOAD_GOOD_READS;
		}
		if (good >= PRELOAD_GOOD_READS)
			break;
		if (!inside && !told) {
			run_progress(r, "preload %.2f N: seat the pen so it presses %.2f..%.2f N", f,
				 v->preload_min_n, v->preload_max_n);
			told = true;
		}
		if (clock_now_ns(r->b->hal.clock) >= deadline)
			break;
	}
	struct decision d;
	decide_limits(&d, f, NAN, v->preload_min_n, v->preload_max_n, DECISION_SIMPLE,
		      run_quantity_unit(QTY_PRELOAD));
	if (good < PRELOAD_GOOD_READS && d.result == DECISION_PASS) {
		/* Inside at the last read, but never steady: still a failure. */
		d.result = DECISION_FAIL;
		snprintf(d.reason, sizeof d.reason,
			 "preload did not settle inside %.2f..%.2f N within %u ms", v->preload_min_n,
			 v->preload_max_n, v->preload_timeout_ms);
	} else if (d.result == DECISION_FAIL) {
		char tmp[256];
		run_set_text(tmp, sizeof tmp, "%s after %u ms", d.reason, v->preload_timeout_ms);
		run_set_text(d.reason, sizeof d.reason, "%s", tmp);
	}
	return run_add_judged(r, STEP_PRELOAD, QTY_PRELOAD, NAN, f, NAN, good, NAN, &d);
}
