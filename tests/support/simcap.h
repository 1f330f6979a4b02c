/* simcap.h - a laser capture made by the virtual bench, with its truth:
 * the bytes the virtual ILD1420 sends while the virtual pen strokes at a
 * commanded depth and rate, under any [sim] parameters (the imperfect
 * physics of docs/virtual-bench.md included), and what the pen and the
 * sensor really did. A second generator beside capgen (tests/support/
 * capgen.h), written apart from the stroke engine, for its tests and for
 * `make bench`.
 *
 * The caller owns *bytes and truth->values (free()); simcap keeps no state.
 */
#ifndef TESTS_SUPPORT_SIMCAP_H
#define TESTS_SUPPORT_SIMCAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "sim/laser.h"

struct simcap_config {
	const char *const *params; /* "key=value" [sim] parameters, NULL-terminated (may be NULL) */
	double depth_um;           /* commanded depth (through the pen's identity tables) */
	double freq_hz;            /* commanded stroke rate */
	double settle_s;           /* motor on this long before the capture starts (0: 0.5 s) */
	double seconds;            /* capture length */
	int want_values;           /* also return the sensor's truth of each value sent */
};

struct simcap_truth {
	size_t strokes;          /* strokes whose peak lies in the capture */
	double deepest_mean_um;  /* their deepest points (ringing included), mean ... */
	double deepest_std_um;   /* ... and standard deviation */
	double peak_mean_um;     /* their nominal peaks (= deepest without ringing) */
	double freq_hz;          /* strokes per second between the first and last peak */
	double rate_hz;          /* the laser's configured rate ... */
	double actual_rate_hz;   /* ... and the rate it really samples at */
	double zero_mm;          /* the reading of the contact plane (no drift) */
	double drift_start_um, drift_end_um; /* the readings' drift at the ends */
	uint64_t t0_ns, t1_ns;   /* the capture's bench time span */
	/* want_values: each value the sensor sent in the span, in order (the
	 * caller frees it); its raw field is what the capture's bytes carry. */
	struct sim_laser_truth *values;
	size_t nvalues;
};

/* Record cfg->seconds of the laser's bytes into *bytes (*n of them).
 * Returns RIG_OK, or the bench's or a driver's error in err. */
enum rig_rc simcap_record(const struct simcap_config *cfg, uint8_t **bytes, size_t *n,
			  struct simcap_truth *truth, struct rig_err *err);

#endif
