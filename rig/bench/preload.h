/* preload.h - pressing the pen on the pad with a chosen force: the
 * operator (or the virtual bench) sets it, the load cell must read it.
 * Shared by a sweep over preloads (rig sweep --preloads) and a run whose
 * profile verifies at several preloads ([verify] preloads_n).
 */
#ifndef RIG_BENCH_PRELOAD_H
#define RIG_BENCH_PRELOAD_H

#include "bench/bench.h"

/* Ask for want_n N (operator step OPERATOR_SET_PRELOAD), then read the
 * load cell every 100 ms until it reads want_n within 5 % (at least
 * BENCH_PRELOAD_TOL_MIN_N) twice in a row; *force_n (may be NULL) gets
 * the last read. After 5 s without: RIG_E_ABORTED naming the force read.
 * Safety is watched throughout (bench_check_safety). */
#define BENCH_PRELOAD_TOL_MIN_N 0.05
enum rig_rc bench_set_preload(struct bench *b, double want_n, double *force_n,
			      struct rig_err *err);

#endif
