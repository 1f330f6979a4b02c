/* laser.h - the virtual Micro-Epsilon ILD1420: samples the bench's target at
 * its measuring rate and speaks the sensor's RS-422 protocol byte for byte.
 *
 * It streams 3-byte binary values from power-up (OUTPUT RS422), answers
 * ASCII commands ending in CR with the prompt "->" while binary output keeps
 * going between frames, and delivers every byte at the moment its stop bit
 * ends at the configured baud. docs/laser-ild1420.md has the dialogue and
 * the parameters. The bench owns the model (sim_bench_model(b, "laser")).
 */
#ifndef RIG_SIM_LASER_H
#define RIG_SIM_LASER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/bench.h"

enum rig_rc sim_laser_create(struct sim_bench *b, struct sim_model_inst *out,
			     struct rig_err *err);

struct sim_laser;

/* Ground truth of one value the sensor put on the wire. The value sent is
 * seen_mm + drift_um + spike_um + noise, quantised (or an error code). */
struct sim_laser_truth {
	uint64_t t_ns;   /* the sample instant (sensor clock, in bench time) */
	double dist_mm;  /* the true distance at t_ns (NAN: no target) */
	double seen_mm;  /* its mean over the exposure ending at t_ns (= dist_mm without laser.exposure_us) */
	double drift_um; /* the reading's slow drift at t_ns (laser.drift_um_per_s) */
	double spike_um; /* a speckle spike added to this reading, 0 for none */
	uint32_t raw;    /* the 18-bit value sent */
};

/* Record the next `cap` values sent (forgetting earlier ones). The model
 * owns the record; it stays valid until the next call or destruction. */
bool sim_laser_record_truth(struct sim_laser *l, size_t cap);
const struct sim_laser_truth *sim_laser_truth(const struct sim_laser *l, size_t *n);

/* Pull the cable (nothing in or out) or plug it back in. */
void sim_laser_unplug(struct sim_laser *l, bool unplugged);

/* The host's kernel hands up the bytes that reach it in the next for_ms
 * late by delay_ms (those near the end at the end): a pty's flip buffer
 * or a USB adapter waiting for a starved kernel worker. The sensor sends
 * as always; a reader sees fewer values than were sent, then a burst. */
void sim_laser_delay_delivery(struct sim_laser *l, unsigned delay_ms, unsigned for_ms);

/* What the sensor is set to now. */
double sim_laser_rate_hz(const struct sim_laser *l);
/* The rate it really samples at now: the set rate through its clock error
 * (laser.clock_ppm, fault.laser.rate_drift). */
double sim_laser_actual_rate_hz(const struct sim_laser *l);
/* The reading's drift at t_ns (µm, positive = reads farther). */
double sim_laser_drift_um(const struct sim_laser *l, uint64_t t_ns);
/* The exposure in effect now (µs): laser.exposure_us, at most one period. */
double sim_laser_exposure_us(const struct sim_laser *l);
bool sim_laser_streaming(const struct sim_laser *l);
/* The bench time of slot `slot` (fractional: between two values) of the
 * stream the host started last with OUTPUT RS422, the host's slot 0 being
 * its first value (dev/laser/laser.h), on the sensor's clock as it ran
 * then (a rate change within the stream, fault.laser.rate_drift, is not
 * followed). False when no stream was started by a command. */
bool sim_laser_slot_ns(const struct sim_laser *l, double slot, uint64_t *t_ns);
/* Values (samples: with OUTADD_RS422 SHUTTER, blocks) the stream the host
 * started last has put on the line so far, error values included; 0 when
 * no stream was started by a command. */
uint64_t sim_laser_stream_values(const struct sim_laser *l);
double sim_laser_zero_mm(const struct sim_laser *l);
/* Bytes lost because the host did not read for too long. */
uint64_t sim_laser_overrun_bytes(const struct sim_laser *l);

#endif
