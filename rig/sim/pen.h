/* pen.h - the virtual microneedling pen: needle mechanics, power, and its
 * SCPI-style serial firmware (docs/pen-protocol.md), as `sim:pen`.
 *
 * The bench creates and owns the pen (sim_pen_create in sim/models.c); the
 * rig talks to it through a `sim:pen` serial port only. Tests and
 * benchmarks read the ground truth with sim_pen_truth()/sim_pen_peaks(); the
 * pen returned by sim_pen_of() is the bench's, never freed by the caller.
 */
#ifndef RIG_SIM_PEN_H
#define RIG_SIM_PEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/bench.h"

struct sim_pen;

enum rig_rc sim_pen_create(struct sim_bench *b, struct sim_model_inst *out,
			   struct rig_err *err);

/* The bench's pen, or NULL when the bench has none. */
struct sim_pen *sim_pen_of(struct sim_bench *b);

/* What the pen really does now (after bringing the bench up to the clock's
 * now). "Commanded" is what the firmware holds in RAM; "raw" is that value
 * after the active calibration table; the rest is physics. A measurement
 * of the rig is right when it matches depth_um / freq_hz within its stated
 * uncertainty. */
struct sim_pen_truth {
	bool powered;          /* the relay is on */
	bool ready;            /* powered and booted: it answers */
	bool motor_on;
	double cmd_depth_um, cmd_freq_hz;  /* commanded (RAM) */
	double raw_depth_um, raw_freq_hz;  /* setpoints after the active table */
	/* Settled mean depth of the deepest point: transfer(raw) under the
	 * preload now + the warm-up drift now + ring_um. */
	double depth_um;
	/* Mean depth now, still settling after a change (tau pen.settle_ms),
	 * with ring_um. */
	double depth_now_um;
	double warmup_drift_um;            /* part of both depths above */
	double preload_um;                 /* part of both: pen.depth_per_n * (force - ref) */
	/* Part of both: how far beyond the nominal peak the ringing carries
	 * the tips at the steady rate (mean over the lobes); 0 without
	 * pen.ring_um. */
	double ring_um;
	double depth_sd_um;                /* per-stroke scatter of the peaks */
	/* Steady stroke rate: freq_gain * raw_hz * (1 - droop * force) times
	 * the speed step in effect, without the slow speed wander; 0 with the
	 * motor off. */
	double freq_hz;
	double freq_now_hz;                /* instantaneous, with wander and spin-up */
	double speed_factor;               /* the spontaneous speed step in effect (1: none) */
	double stroke_um;                  /* tips travel depth - stroke .. depth */
	double tip_um;                     /* tip extension now */
	uint64_t strokes;                  /* peaks passed since the bench began */
};
void sim_pen_truth(struct sim_pen *p, struct sim_pen_truth *out);

/* The pen's physical transfer, without drift: actual mean peak depth for a
 * raw depth setpoint under the bench's force on the pad now (pen.depth_per_n
 * per newton beyond pen.preload_ref_n), actual stroke rate for a raw rate
 * under a force. Neither includes the ringing (see below). */
double sim_pen_depth_for_raw(const struct sim_pen *p, double raw_um);
double sim_pen_freq_for_raw(const struct sim_pen *p, double raw_hz, double force_n);
/* The same for a commanded value, through the pen's active (saved)
 * calibration table as the firmware applies it: what a calibrated pen
 * should deliver (without warm-up drift) when the rig commands cmd. */
double sim_pen_depth_for_cmd(const struct sim_pen *p, double cmd_um);
double sim_pen_freq_for_cmd(const struct sim_pen *p, double cmd_hz, double force_n);
/* How far beyond the nominal peak the impact ringing carries the tips for
 * strokes at freq_hz (mean over the lobes; 0 without pen.ring_um). */
double sim_pen_ring_excess_um(const struct sim_pen *p, double freq_hz);
/* The truth of a depth judged at (cmd_um, cmd_hz): the mean deepest point,
 * ringing included, of a pen commanded so (through its saved tables),
 * without warm-up drift. Equal to sim_pen_depth_for_cmd() without ringing. */
double sim_pen_deepest_for_cmd(const struct sim_pen *p, double cmd_um, double cmd_hz,
			       double force_n);

/* Seconds from the last spontaneous speed step (pen.speed_step, either
 * way when it alternates) to t_ns; INFINITY with none yet (the motor off,
 * no step set, or before pen.speed_step_at_s). The laser's
 * laser.blind_step_ms uses it. */
double sim_pen_since_step_s(const struct sim_pen *p, uint64_t t_ns);

/* One stroke's true peak: when the stroke's shape was furthest out, and
 * how far; and the deepest point the tips reached, ringing included. */
struct sim_pen_peak {
	uint64_t index;  /* stroke number since power-on, from 0 */
	uint64_t t_ns;
	double peak_um;
	double deepest_um; /* = peak_um without pen.ring_um */
	int lobe;          /* 0 or 1 on a two-lobe cam, else 0 */
	/* The rate the pen would run at this instant had it settled: where
	 * the motor heads (the setpoint through the table, preload droop,
	 * a speed step in effect) with the speed wander of the instant, but
	 * without what is left of a start-up or a speed change. */
	double settled_hz;
};
#define SIM_PEN_PEAK_HISTORY 8192
/* Copy the remembered peaks with t0_ns <= t_ns < t1_ns (oldest first; only
 * the last SIM_PEN_PEAK_HISTORY strokes are kept) into out[0..cap).
 * Returns how many matched (may exceed cap: only cap were copied). */
size_t sim_pen_peaks(struct sim_pen *p, uint64_t t0_ns, uint64_t t1_ns,
		     struct sim_pen_peak *out, size_t cap);

/* The pen's true stroke rate over exactly [t0_ns, t1_ns] of bench time:
 * mean_hz the strokes it really made per second in it, the partial
 * strokes at both ends by a phase linear in time between the remembered
 * peaks around them (beyond the last peak: at the last period's rate);
 * settled_hz what it would have made had it been settled
 * (sim_pen_peak.settled_hz, linear between peaks, averaged over the same
 * time): the two differ by what is left of a start-up or a speed change.
 * (Between the first and the last peak in the span only, as before, the
 * truth missed the wander of up to 1.6 strokes at each end of a window,
 * which the engine's figure includes: 10 % of clean windows read beyond
 * U against it.) False, *out zeroed, without a peak before t0_ns and two
 * in the span. */
struct sim_pen_rate {
	size_t strokes;          /* peaks in the span */
	uint64_t first_ns, last_ns; /* t0_ns, t1_ns */
	double mean_hz, settled_hz;
};
bool sim_pen_mean_rate(struct sim_pen *p, uint64_t t0_ns, uint64_t t1_ns,
		       struct sim_pen_rate *out);

/* Electrical noise: bytes that reach the host on the pen's line now, as
 * if the pen had sent them (one byte time apart), e.g. for testing that a
 * driver rejects garbage. */
void sim_pen_inject_noise(struct sim_pen *p, const void *bytes, size_t n);

/* The pen's non-volatile and staged tables, for tests (table 0 = depth,
 * 1 = frequency; values in thousandths of µm / Hz). Returns the count. */
unsigned sim_pen_saved_table(const struct sim_pen *p, int table,
			     int32_t *cmd_milli, int32_t *raw_milli);

/* Put a table into the pen's non-volatile memory, as an earlier
 * calibration would have (for tests of what a failed run leaves behind). */
void sim_pen_set_saved_table(struct sim_pen *p, int table, unsigned n,
			     const int32_t *cmd_milli, const int32_t *raw_milli);

/* How often the firmware restarted without a power cycle (fault.pen.reboot). */
unsigned sim_pen_reboots(const struct sim_pen *p);

#endif
