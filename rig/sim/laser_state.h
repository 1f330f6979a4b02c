/* laser_state.h - the virtual ILD1420's state, shared by the files that
 * make it up (private to rig/sim/; the rest of the rig sees sim/laser.h):
 *   laser.c      the model on the bench: sampling the target on the
 *                sensor's clock, the serial line (sim/uart.h), faults,
 *                creation, the ground truth;
 *   laser_cmd.c  the ASCII command dialogue (docs/laser-ild1420.md);
 *   laser_signal.c  what one reading is made of: the target seen over the
 *                exposure, noise, drift and speckle spikes.
 */
#ifndef RIG_SIM_LASER_STATE_H
#define RIG_SIM_LASER_STATE_H

#include "sim/laser.h"
#include "sim/uart.h"

#define LASER_CMD_LINE_MAX 128

enum laser_pow { LASER_POW_FULL, LASER_POW_REDUCED, LASER_POW_OFF };
enum laser_output { LASER_OUT_NONE, LASER_OUT_RS422, LASER_OUT_ANALOG };

struct sim_laser {
	struct sim_bench *b;
	struct sim_serial_dev dev;
	struct rig_rng rng;

	/* Parameters. */
	double noise_um, zero_mm, range_mm, clock_ppm, powerup_rate_hz;
	double reply_delay_ms;   /* command to reply (laser.reply_delay_ms) */
	char serial[32];
	int baud;
	/* Imperfect physics (laser_signal.c, docs/virtual-bench.md). */
	double drift_um_per_s, drift_tau_s;
	double zero_target_um;           /* the zero target's stand-off before the contact plane */
	double spike_p, spike_min_um, spike_max_um;
	int spike_sign;                  /* 0 both ways, 1 nearer, 2 farther */
	double exposure_us;
	double blind_step_ms;            /* error values after each speed step of the pen */
	struct rig_rng rng_spike;
	bool last_spiked;                /* spikes are isolated */
	uint64_t t_start_ns;             /* drift counts from here */
	uint64_t last_look_ns;           /* latest instant the target was looked at */
	/* The exposure of the next sample, gathered so far (laser_expose_ahead). */
	uint64_t exp_t_ns;               /* its sample instant (UINT64_MAX: none) */
	int exp_n;                       /* sub-samples gathered */
	double exp_sum_um;

	/* Settings (volatile: RESET and power-up restore them). */
	double rate_hz;
	enum laser_output output;
	enum laser_pow pow;
	bool echo;
	bool out_shutter;      /* OUTADD_RS422 SHUTTER: each value followed by the shutter time */

	/* Sampling on the sensor's clock. */
	uint64_t t0_ns;
	uint64_t k;            /* next sample index since t0 */
	double period_ns;
	unsigned decim;        /* > 1: the baud cannot carry the rate */
	uint64_t quiet_until_ns; /* no values before (reply, boot) */
	/* The stream the host started last (OUTPUT RS422): its first value
	 * is the host's slot 0 (sim_laser_slot_ns). */
	bool stream_fresh;     /* the next value sent is its first */
	bool stream_known;
	uint64_t stream_t0_ns, stream_k0; /* t0_ns and k of its first value */
	uint64_t stream_values;  /* values it has put on the line so far */
	double stream_period_ns;
	unsigned stream_decim;
	uint64_t boot_until_ns;  /* rebooting: nothing understood */

	/* The line to the host, and the command line being received. */
	struct sim_uart uart;
	bool unplugged;
	/* The host's kernel hands up bytes late (sim_laser_delay_delivery):
	 * those that reach it in [late_from_ns, late_until_ns) come up
	 * late_ns after, or at late_until_ns. */
	uint64_t late_from_ns, late_until_ns, late_ns;
	char line[LASER_CMD_LINE_MAX];
	size_t line_len;
	bool line_long;

	struct sim_laser_truth *truth;
	size_t truth_cap, truth_n;

	/* Faults (sim/fault.h, docs/virtual-bench.md). */
	struct sim_fault f_unplug, f_no_target, f_byte_drop, f_byte_garbage, f_rate_drift;
	bool drifted;
	struct rig_rng rng_noise;
};

/* laser.c */
/* The measuring rate from t0_ns on (sample 0 at t0_ns). */
void laser_set_rate(struct sim_laser *l, double rate_hz, uint64_t t0_ns);
/* Settings as after power-up or RESET, streaming from t0_ns. */
void laser_power_up_settings(struct sim_laser *l, uint64_t t0_ns);

/* Recompute what the line can carry (after a change of rate or outputs). */
void laser_update_decimation(struct sim_laser *l);

/* laser_signal.c */
enum rig_rc laser_signal_params(struct sim_laser *l, struct rig_err *err);
/* The 18-bit value the sensor measures at t_ns; fills the truth of it. */
uint32_t laser_measure(struct sim_laser *l, uint64_t t_ns, struct sim_laser_truth *truth);
/* Gather the part of the exposure of the sample at t_next_ns that lies
 * up to now_ns, while the pen has not moved past it (the laser syncs
 * before the pen): an exposure that straddles a sync sees the tips
 * throughout. */
void laser_expose_ahead(struct sim_laser *l, uint64_t t_next_ns, uint64_t now_ns);
/* The exposure in effect (clamped to the sample period), ns. */
double laser_exposure_ns(const struct sim_laser *l);

/* laser_cmd.c */
/* One character from the host at now_ns: a CR runs the command line. */
void laser_take_char(struct sim_laser *l, char c, uint64_t now_ns);

#endif
