/* hx711.h - the virtual bench's HX711 load-cell ADC, bit for bit on the
 * bench's GPIO chip (DOUT = line 5, rig input; PD_SCK = line 6, rig output).
 *
 * The bench owns the model (created from sim_models[], freed with the
 * bench). Tests reach it through sim_bench_model(b, "hx711") or the helpers
 * below, which take the bench. Timing follows the AVIA HX711 datasheet:
 * see sim/hx711.c for what is modelled and where each number comes from.
 */
#ifndef RIG_SIM_HX711_H
#define RIG_SIM_HX711_H

#include <stdint.h>

#include "sim/bench.h"

/* Parameters (fixture [sim] or --sim):
 *   loadcell.counts_per_n   counts per newton at channel A, gain 128 (2000)
 *   loadcell.offset_counts  bridge zero at channel A, gain 128 (80000)
 *   loadcell.noise_counts   standard deviation of a conversion (4)
 *   loadcell.rate_sps       10 or 80, as the RATE pin is wired (80, as fixtures/sim.ini)
 *   loadcell.creep_pct      creep toward +creep_pct % of the load, tau 300 s (0.02)
 *   loadcell.glitch_p       chance per conversion of a field glitch (0)
 *   loadcell.fault          none | dout_high (broken DOUT wire, pulled up)
 */
enum rig_rc sim_hx711_create(struct sim_bench *b, struct sim_model_inst *out,
			     struct rig_err *err);

/* What happened inside the chip, for tests. */
struct sim_hx711_stats {
	uint64_t conversions;      /* conversions completed */
	uint64_t lost_conversions; /* completed during a partial read: dropped */
	uint64_t power_downs;      /* PD_SCK high > 60 µs */
	uint64_t comm_errors;      /* more than 27 pulses in one cycle */
	uint64_t short_phases;     /* PD_SCK high or low shorter than 0.2 µs */
	uint64_t glitch_patterns;  /* 2^k - 1 values converted */
	uint64_t glitch_patterns_read; /* ... and shifted out in full */
	uint64_t glitch_spikes;    /* single-sample spikes put out */
};

/* Both return quietly (zeroed stats) if the bench has no hx711 model. */
void sim_hx711_get_stats(struct sim_bench *b, struct sim_hx711_stats *out);

/* Fault injection: the next time the rig raises PD_SCK for pulse number
 * `pulse` (1..27) of a read, the rig's process is preempted for stall_ns
 * before it can lower it again (the virtual clock jumps). One-shot. */
void sim_hx711_preempt_at_pulse(struct sim_bench *b, unsigned pulse,
				uint64_t stall_ns);

/* Fault injection: the next `polls` times the rig reads DOUT while it waits
 * for a conversion (PD_SCK low, none ready), its process is descheduled for
 * stall_ns right after the read (the virtual clock jumps once DOUT's level
 * is taken). */
void sim_hx711_stall_after_poll(struct sim_bench *b, unsigned polls,
				uint64_t stall_ns);

/* The settled reading (counts) the chip would convert now on channel A at
 * `gain` (128 or 64) without noise, creep or glitches: the truth for tests. */
double sim_hx711_ideal_counts(struct sim_bench *b, int gain);

/* Channel B (gain 32): nothing connected, reads its own small offset. */
#define SIM_HX711_B_OFFSET_COUNTS 1500.0

#endif
