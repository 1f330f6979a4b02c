/* laser_state.h - the virtual ILD1420's state, shared by the files that
 * make it up (private to rig/sim/; the rest of the rig sees sim/laser.h):
 *   laser.c      the model on the bench: sampling the target on the
 *                sensor's clock, the serial line (sim/uart.h), faults,
 *                creation, the ground truth;
 *   laser_cmd.c  the ASCII command dialogue (docs/laser-ild1420.md).
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
	char serial[32];
	int baud;

	/* Settings (volatile: RESET and power-up restore them). */
	double rate_hz;
	enum laser_output output;
	enum laser_pow pow;
	bool echo;

	/* Sampling on the sensor's clock. */
	uint64_t t0_ns;
	uint64_t k;            /* next sample index since t0 */
	double period_ns;
	unsigned decim;        /* > 1: the baud cannot carry the rate */
	uint64_t quiet_until_ns; /* no values before (reply, boot) */
	uint64_t boot_until_ns;  /* rebooting: nothing understood */

	/* The line to the host, and the command line being received. */
	struct sim_uart uart;
	bool unplugged;
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

/* laser_cmd.c */
/* One character from the host at now_ns: a CR runs the command line. */
void laser_take_char(struct sim_laser *l, char c, uint64_t now_ns);

#endif
