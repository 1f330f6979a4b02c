/* point.h - one measuring point on an open bench: command the pen's depth
 * and stroke rate, let it settle while watching e-stop and lid, then stream
 * one window of laser samples through the stroke engine. Shared by
 * `rig run`, `rig sweep` and `rig grr`, so all of them measure the same way.
 *
 * The caller owns the bench (rig/bench/bench.h), whose devices stay open
 * between points; point_measure() owns the engine it
 * creates and frees it before it returns. An observer sees the engine
 * only during its end() callback.
 */
#ifndef RIG_RUN_POINT_H
#define RIG_RUN_POINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "measure/stroke.h"
#include "bench/bench.h"
#include "run/profile.h"

/* Optional: who else wants to see a point. Every callback may be NULL. */
struct point_observer {
	/* Before the pen is commanded: which point this is. */
	void (*begin)(void *ctx, const char *phase, const char *step, double depth_um,
		      double freq_hz);
	/* Every stroke of the window, accepted or not (measure_config.on_stroke). */
	measure_stroke_fn on_stroke;
	/* After a complete window, with the engine still alive (for
	 * measure_shape()) and its result. Not called when the point failed. */
	void (*end)(void *ctx, const struct measure *m, const struct measure_stats *st);
	void *ctx;
};

/* A sequential window learns the stroke shape from at least this many
 * values (and min_strokes) before it may end. Measured (10 seeds, a
 * perfect virtual pen): shapes folded from 500 values (20 strokes at
 * 160 Hz) read the depth 2-3 um low with U about 3 um; from 1000 values
 * and more the mean error stays within 0.5 um. */
#define POINT_LEARN_SAMPLES 1024

/* What a sequential window waits for (profile_window.u_fraction of the
 * verify tolerances): the depth's U, the spread's U (k = 2) and the rate's
 * U at most these. Detected settling takes half of them as steady. */
struct point_targets {
	double depth_U_um, spread_U_um, freq_U_hz;
};
/* The targets of window w of profile p at freq_hz. */
void point_targets_for(const struct profile *p, const struct profile_window *w, double freq_hz,
		       struct point_targets *t);

/* One point to measure. */
struct point_request {
	const char *phase, *step;      /* name the point for the observer */
	double depth_um, freq_hz;      /* commanded */
	unsigned settle_ms;            /* wait after commanding, safety watched */
	const struct profile_window *window;
	FILE *trace;                   /* a trace CSV with its header, or NULL */
	const struct point_observer *obs; /* may be NULL */
	const struct measure_gates *gates; /* quality gates; NULL: the engine's defaults */
	const struct point_targets *targets; /* a sequential window's; NULL: it
						runs to max_strokes */
	double zero_corr_mm;           /* added to the fixture's zero_mm: a run's
					  correction by its zero target (0: none) */
};

/* Command depth_um and freq_hz, start the motor if it is off, wait
 * settle_ms safely (or, with window->settle_detect, until the strokes are
 * steady, settle_ms at most), then measure one window (seconds, strokes,
 * or sequential: until the targets are met, min..max strokes) on the
 * bench's open devices. The samples also go to the trace when there is one.
 * *st is zeroed first; a point that cannot be measured is a status in *st,
 * not an error. Errors: the devices (RIG_E_DEVICE, RIG_E_TIMEOUT ...), a
 * safety trip (RIG_E_ABORTED, pen power already off). */
enum rig_rc point_measure(struct bench *b, const struct point_request *rq,
			  struct measure_stats *st, struct rig_err *err);

/* The stroke engine's configuration for fixture laser l: its rate,
 * uncertainty terms, exposure and ring bound, the zero zero_mm and the
 * stroke-rate hint freq_hz; no gates and no observer. One place for what a
 * live point, a saved trace's replay and a report's depth note read, so
 * they cannot drift apart. */
struct measure_config point_measure_config(const struct fixture_laser *l, double zero_mm,
					   double freq_hz);

/* Create the trace CSV at path and write its head: the "# rig trace:"
 * line with what `rig analyze` needs to read it with no options (fx's
 * laser: rate, range, uncertainty terms, exposure; the zero the point is
 * measured with, zero_mm; the point's stroke rate, freq_hz) and the
 * CAPTURE_CSV_HEADER line. Used by every command that keeps traces (run,
 * sweep). The caller fcloses it; NULL with err filled (RIG_E_IO) when it
 * cannot be created. */
FILE *point_open_trace(const char *path, const struct fixture *fx, double zero_mm,
		       double freq_hz, struct rig_err *err);

/* Append samples to a trace CSV (CAPTURE_CSV_HEADER rows). */
void point_write_trace(FILE *f, const struct laser_sample *s, size_t n);

/* ---- A ready-made observer: keep every point of a run or a sweep ----- */

#define POINT_SHAPE_BINS 128

struct point_record {
	char phase[16], step[24];
	double depth_cmd_um, freq_cmd_hz;
	struct measure_stats st;
	double *stroke_um;             /* depths of the accepted strokes, in order;
					  corrected for the drift at each one's
					  time when st's mean was (end()) */
	double *stroke_t_s;            /* their peak times, s from slot 0 */
	size_t nstrokes, cap, cap_t;
	struct measure_shape_bin shape[POINT_SHAPE_BINS];
	size_t nshape;
	bool done;                     /* end() was called: st and shape are set */
};

/* The log owns its records and their stroke arrays; point_log_free()
 * releases them. An allocation failure is remembered (oom) and the
 * affected strokes are dropped; the measurement itself goes on. */
struct point_log {
	struct point_record *v;
	size_t n, cap;
	bool open;                     /* v[n - 1] is the point being measured */
	bool oom;
};

/* An observer that appends to log. */
struct point_observer point_log_observer(struct point_log *log);
void point_log_free(struct point_log *log);

#endif
