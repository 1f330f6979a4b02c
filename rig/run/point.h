/* point.h - one measuring point on an open bench: command the pen's depth
 * and stroke rate, let it settle while watching e-stop and lid, then stream
 * one window of laser samples through the stroke engine. Shared by
 * `rig run`, `rig sweep` and `rig grr`, so all of them measure the same way.
 *
 * The caller owns struct point_bench and everything it points to (the
 * devices stay open between points); point_measure() owns the engine it
 * creates and frees it before it returns. An observer sees the engine
 * only during its end() callback.
 */
#ifndef RIG_RUN_POINT_H
#define RIG_RUN_POINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/fixture.h"
#include "measure/stroke.h"
#include "run/devices.h"
#include "run/profile.h"

struct point_bench {
	struct rig_clock *clock;
	const struct fixture *fx;      /* laser rate, zero, uncertainty parts */
	struct bench_devices *d;       /* io may be NULL (no safety inputs) */
	bool *motor_on;                /* the pen's motor state, kept by the caller */
};

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

/* E-stop or lid: switch pen power off at once (it stops the motor) and
 * return RIG_E_ABORTED with the reason. RIG_OK when both are safe or the
 * bench has no safety inputs open. */
enum rig_rc point_check_safety(struct point_bench *pb, struct rig_err *err);

/* Wait ms of bench time, looking at the safety inputs at least every 5 ms. */
enum rig_rc point_wait_safely(struct point_bench *pb, unsigned ms, struct rig_err *err);

/* Command depth_um and freq_hz, start the motor if it is off, wait
 * settle_ms safely, then measure one window (w: seconds or strokes). The
 * samples also go to trace (a trace CSV with its header written) when it is
 * not NULL. phase and step only name the point for the observer. *st is
 * zeroed first; a point that cannot be measured is a status in *st, not an
 * error. Errors: the devices (RIG_E_DEVICE, RIG_E_TIMEOUT ...), a safety
 * trip (RIG_E_ABORTED, pen power already off). */
enum rig_rc point_measure(struct point_bench *pb, const char *phase, const char *step,
			  double depth_um, double freq_hz, unsigned settle_ms,
			  const struct profile_window *w, FILE *trace,
			  const struct point_observer *obs, struct measure_stats *st,
			  struct rig_err *err);

/* Append samples to a trace CSV (CAPTURE_CSV_HEADER rows). */
void point_write_trace(FILE *f, const struct laser_sample *s, size_t n);

/* ---- A ready-made observer: keep every point of a run or a sweep ----- */

#define POINT_SHAPE_BINS 128

struct point_record {
	char phase[16], step[24];
	double depth_cmd_um, freq_cmd_hz;
	struct measure_stats st;
	double *stroke_um;             /* depths of the accepted strokes, in order */
	size_t nstrokes, cap;
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
