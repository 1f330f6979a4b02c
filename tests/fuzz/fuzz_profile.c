/* fuzz_profile.c - the profile loader (run/profile.c through
 * core/ini_read.c and libinih) on any file contents, through its
 * load-from-memory entry point. Invariants: it returns OK or RIG_E_DATA
 * (RIG_E_NOMEM aside), an error names the file, and an accepted profile has
 * strictly increasing points inside the pen's limits, windows of exactly
 * one kind and a finite time estimate. */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "run/profile.h"

static void check_points(const struct profile_points *pts, double lo, double hi,
			 const char *what)
{
	FUZZ_ASSERT(pts->n <= PROFILE_MAX_POINTS, "%s: %zu points", what, pts->n);
	for (size_t i = 0; i < pts->n; i++) {
		FUZZ_ASSERT(isfinite(pts->v[i]) && pts->v[i] >= lo && pts->v[i] <= hi,
			    "%s point %g outside %g..%g", what, pts->v[i], lo, hi);
		FUZZ_ASSERT(i == 0 || pts->v[i] > pts->v[i - 1], "%s not increasing", what);
	}
}

static void check_window(const struct profile_window *w, const char *what)
{
	FUZZ_ASSERT((w->window_s > 0) != (w->window_strokes > 0), "%s: window %g s, %u strokes",
		    what, w->window_s, w->window_strokes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct profile p; /* large */
	struct rig_err err = { 0 };
	enum rig_rc rc = profile_load_memory(&p, "/fuzz/profile.ini", data, size, &err);
	FUZZ_ASSERT(rc == RIG_OK || rc == RIG_E_DATA || rc == RIG_E_NOMEM, "rc %d: %s", rc,
		    err.msg);
	if (rc) {
		FUZZ_ASSERT(strncmp(err.msg, "/fuzz/profile.ini", 17) == 0,
			    "message without the file: '%s'", err.msg);
		return 0;
	}
	const struct profile_pen *pen = &p.pen;
	FUZZ_ASSERT(pen->depth_min_um < pen->depth_max_um && pen->freq_min_hz < pen->freq_max_hz,
		    "pen limits inverted");
	check_points(&p.verify.depth_points_um, pen->depth_min_um, pen->depth_max_um,
		     "verify depth");
	check_points(&p.verify.freq_points_hz, pen->freq_min_hz, pen->freq_max_hz, "verify freq");
	check_window(&p.verify.window, "verify");
	if (p.has_calibrate) {
		check_points(&p.calibrate.depth_points_um, pen->depth_min_um, pen->depth_max_um,
			     "calibrate depth");
		check_points(&p.calibrate.freq_points_hz, pen->freq_min_hz, pen->freq_max_hz,
			     "calibrate freq");
		check_window(&p.calibrate.window, "calibrate");
	}
	FUZZ_ASSERT(p.verify.preload_min_n < p.verify.preload_max_n, "preload window");
	struct profile_time t;
	profile_estimate_time(&p, true, &t);
	FUZZ_ASSERT(isfinite(t.total_max_s) && t.total_max_s > 0, "estimate %g s", t.total_max_s);
	return 0;
}
