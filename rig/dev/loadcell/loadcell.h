/* loadcell.h - the fixture's load cell (HX711 on two GPIO lines): open it,
 * read the median of raw counts or the force in newtons, count what failed.
 *
 * loadcell_open() gives the caller a struct loadcell that owns its GPIO chip
 * handle and lines; loadcell_close() releases them. The fixture section and
 * the hal passed to open must outlive the handle (the handle copies the
 * fixture section; it borrows the hal and its clock).
 */
#ifndef RIG_DEV_LOADCELL_LOADCELL_H
#define RIG_DEV_LOADCELL_LOADCELL_H

#include <stdbool.h>

#include "core/err.h"
#include "core/fixture.h"
#include "hal/hal.h"

#define LOADCELL_STANDARD_GRAVITY 9.80665 /* m/s², for reference masses */

struct loadcell;

/* Reads thrown away, by reason, and what the driver did about it. */
struct loadcell_counters {
	unsigned long good;
	unsigned long timing;     /* PD_SCK high too long: preempted */
	unsigned long glitch;     /* 2^k - 1 words */
	unsigned long saturated;  /* 0x7FFFFF / 0x800000 */
	unsigned long settling;   /* inside the settling time */
	unsigned long select;     /* reads that switched input/gain */
	unsigned long resets;     /* power-down resets done */
	unsigned long timeouts;   /* waits for DOUT that timed out */
};

/* Open cfg->chip, request cfg->dout_line (input, pull-up) and cfg->sck_line
 * (output, low), reset the chip into a known state and select cfg->gain
 * (128/64: channel A; 32: channel B). RIG_E_CONFIG for a bad gain, rate or
 * median_of; errors from the GPIO layer otherwise. */
enum rig_rc loadcell_open(struct loadcell **out, const struct fixture_loadcell *cfg,
			  struct rig_hal *hal, struct rig_err *err);
void loadcell_close(struct loadcell *lc); /* NULL is fine */

/* Real-time hardening of reads: with harden, each median read runs under
 * SCHED_FIFO with memory locked where the process may (off after open:
 * a load cell timed by the virtual clock has nothing to harden). When it
 * may not, notice (may be NULL) is told once per handle, in words. */
struct loadcell_rt {
	bool harden;
	void (*notice)(void *ctx, const char *text);
	void *ctx;
};
void loadcell_set_rt(struct loadcell *lc, const struct loadcell_rt *rt);

/* Median of n good reads (n = 0: the fixture's median_of), in counts. */
enum rig_rc loadcell_read_counts_median(struct loadcell *lc, unsigned n,
					double *counts, struct rig_err *err);

/* Median force (N), from the fixture's offset_counts and scale_counts_per_n. */
enum rig_rc loadcell_read_force_n(struct loadcell *lc, double *force_n,
				  struct rig_err *err);

/* Switch input/gain (128, 64, 32) for the reads that follow. */
enum rig_rc loadcell_select_gain(struct loadcell *lc, int gain, struct rig_err *err);

void loadcell_get_counters(const struct loadcell *lc, struct loadcell_counters *out);

/* counts -> N: (counts - offset_counts) / scale_counts_per_n.
 * RIG_E_CONFIG if the scale is zero or not finite. */
enum rig_rc loadcell_counts_to_n(const struct fixture_loadcell *cfg, double counts,
				 double *force_n, struct rig_err *err);

/* Span calibration: scale = (counts_mass - counts_zero) / (mass_g/1000 * g).
 * RIG_E_DATA if the mass is not positive or the span is smaller than
 * min_span_counts (the mass is not on the cell). */
enum rig_rc loadcell_scale_from_span(double counts_zero, double counts_mass,
				     double mass_g, double min_span_counts,
				     double *scale_counts_per_n, struct rig_err *err);

#endif
