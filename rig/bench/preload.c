/* preload.c - a chosen preload, asked for and read back by the load cell. */
#include "bench/preload.h"

#include <math.h>

#include "dev/loadcell/loadcell.h"

enum rig_rc bench_set_preload(struct bench *b, double want_n, double *force_n,
			      struct rig_err *err)
{
	enum rig_rc rc = bench_operator(b, OPERATOR_SET_PRELOAD, want_n, err);
	if (rc)
		return rc;
	double tol = fmax(BENCH_PRELOAD_TOL_MIN_N, 0.05 * want_n), f = NAN;
	unsigned ok = 0;
	for (int i = 0; i < 50 && ok < 2; i++) {
		if ((rc = loadcell_read_force_n(b->d.loadcell, &f, err)) ||
		    (rc = bench_check_safety(b, err)))
			return rc;
		ok = fabs(f - want_n) <= tol ? ok + 1 : 0;
		if (ok < 2 && (rc = bench_wait_safely(b, 100, err)))
			return rc;
	}
	if (force_n)
		*force_n = f;
	if (ok < 2)
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_LOADCELL,
				      "preload %g N asked, the load cell reads %.2f N after 5 s "
				      "(within %.2f N needed): adjust the fixture",
				      want_n, f, tol);
	return RIG_OK;
}
