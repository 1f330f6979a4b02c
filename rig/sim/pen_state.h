/* pen_state.h - the virtual pen's state, shared by the files that make it
 * up (private to rig/sim/; the rest of the rig sees sim/pen.h):
 *   pen.c         the model on the bench: power, the firmware on its
 *                 serial line (sim/uart.h), faults, creation;
 *   pen_motion.c  needle mechanics: transfer, stroke shapes, motion;
 *   pen_truth.c   the ground truth and the tests' access to the tables.
 *
 * Time: the pen's state lives at t_ns and only moves forward. Motion is
 * integrated on a fixed 1 ms grid of bench time (speed wander and spin-up
 * change at grid points, phase is exact in between), so the result does
 * not depend on how often anyone looks.
 */
#ifndef RIG_SIM_PEN_STATE_H
#define RIG_SIM_PEN_STATE_H

#include "sim/pen.h"
#include "sim/pen_scpi.h"
#include "sim/uart.h"

#define PEN_TICK_NS RIG_NS_PER_MS

enum pen_shape { PEN_SHAPE_SINE, PEN_SHAPE_CAM, PEN_SHAPE_DWELL };

struct sim_pen {
	struct sim_bench *b;
	struct sim_serial_dev dev;
	struct pen_fw fw;

	/* Parameters. */
	double depth_gain, depth_offset_um, depth_nl, warmup_drift_um, max_raw_um;
	double freq_gain, stroke_um, depth_sd_um, speed_wander, droop_per_n;
	double settle_s;
	enum pen_shape shape;
	uint64_t boot_ns, latency_ns;
	/* Imperfect physics (pen_motion.c, docs/virtual-bench.md). */
	double spinup_from, spinup_s;          /* start-up transient */
	double step_factor, step_at_s, step_period_s; /* spontaneous speed steps */
	double ring_um, ring_hz, ring_tau_s;   /* impact ringing on the pad */
	double lobe_depth_um, lobe_period;     /* two-lobe cam: ±depth/2, ±period */
	double depth_per_n, preload_ref_n;     /* depth under preload */

	/* Power. */
	bool powered;
	uint64_t ready_ns;

	/* Motion. */
	struct rig_rng rng_scatter, rng_wander;
	uint64_t t_ns;
	bool running;          /* motor spinning */
	double cyc;            /* stroke cycles since the motor started */
	double scatter_um;     /* this stroke's peak offset */
	uint64_t strokes;      /* strokes started since power-on */
	uint64_t peaks_seen;
	double depth_filt_um;  /* transfer output, settling */
	double warm;           /* 0..1 */
	double freq_filt_hz;   /* without wander */
	double wander;         /* relative speed deviation */
	double frozen_tip_um;  /* where the tips stopped when power went */
	uint64_t motor_t0_ns;  /* when the motor last started */
	uint64_t last_peak_ns; /* the last peak passed (UINT64_MAX: none yet) */
	double speed_factor;   /* spontaneous speed step in effect (1: none) */
	struct sim_pen_peak peaks[SIM_PEN_PEAK_HISTORY];

	/* Faults (sim/fault.h, docs/virtual-bench.md). */
	struct sim_fault f_silent, f_garbage, f_nak, f_reboot, f_stall, f_unreachable;
	struct rig_rng rng_noise;
	bool jammed;           /* the depth actuator is stuck ... */
	double jam_um;         /* ... holding this mean depth */
	bool stalled;
	unsigned reboots;

	/* Wire: the line to the host, and the command line being received. */
	struct sim_uart uart;
	char line[PEN_FW_LINE_MAX + 1];
	size_t line_len;
	bool line_overrun;
};

/* pen.c */
/* Powered and booted: the firmware answers. */
bool pen_ready(const struct sim_pen *p);

/* pen_motion.c */
extern const char *const pen_shape_names[]; /* NULL-terminated, by enum pen_shape */
/* The parameters of the imperfect physics (start-up, steps, ringing,
 * lobes, preload); checked, with errors naming their origin. */
enum rig_rc pen_motion_params(struct sim_pen *p, struct rig_err *err);
/* The lobe of the stroke under way: 0 or 1 (always 0 for a one-lobe cam). */
int pen_lobe(const struct sim_pen *p);
/* Where the mean depth settles: the transfer of the raw setpoint, or where
 * a jammed actuator holds it. */
double pen_depth_target(const struct sim_pen *p);
/* The settling mean depth with warm-up, dt_s seconds after p->t_ns. */
double pen_mean_depth_after(const struct sim_pen *p, double dt_s);
/* The tips' extension at p->t_ns. */
double pen_tip_now(const struct sim_pen *p);
/* Integrate from p->t_ns to t1 (within one grid tick). */
void pen_move(struct sim_pen *p, uint64_t t1);
/* At every grid point: speed wander, spin-up, the faults of the motion. */
void pen_tick(struct sim_pen *p);
/* The motor follows what the firmware commands. */
void pen_motor_follow_firmware(struct sim_pen *p);
/* The motor stops at once (power lost, firmware restart). */
void pen_motor_stop(struct sim_pen *p);

#endif
