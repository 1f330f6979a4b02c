/* protocol.h - the HX711 wire protocol: bit-banged reads on two GPIO lines,
 * input/gain selection by pulse count, glitch rejection and the median.
 *
 * A struct hx711 borrows its two lines and the clock (the caller, api.c,
 * owns them and keeps them open while the struct is used); it holds only
 * what the driver believes about the chip and its discard counters.
 */
#ifndef RIG_DEV_LOADCELL_PROTOCOL_H
#define RIG_DEV_LOADCELL_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/err.h"
#include "hal/gpio.h"

/* Input and gain; the value is the number of PD_SCK pulses per read that
 * selects it for the next conversion (datasheet, Table 3). */
enum hx711_input {
	HX711_A128 = 25,
	HX711_B32 = 26,
	HX711_A64 = 27,
};

/* Datasheet timing. */
#define HX711_HIGH_MAX_NS 50000ull   /* T3 max: PD_SCK high time */
#define HX711_POWER_DOWN_NS 60000ull /* high longer than this: power down */
#define HX711_RESET_HIGH_NS 100000ull /* what we hold to reset on purpose */
/* How often the driver looks at DOUT while waiting for a conversion. */
#define HX711_POLL_NS (1000ull * 1000ull)

/* Why a read was thrown away. */
enum hx711_discard {
	HX711_KEPT = 0,
	HX711_D_TIMING,    /* a PD_SCK high period reached T3 max (preempted) */
	HX711_D_GLITCH,    /* a known glitch pattern, 2^k - 1 (k = 8..24) */
	HX711_D_SATURATED, /* 0x7FFFFF or 0x800000: out of range */
	HX711_D_SETTLING,  /* conversion from inside the settling time */
	HX711_D_SELECT,    /* the read that switched input/gain: old input */
	HX711_NDISCARD,
};

const char *hx711_discard_name(enum hx711_discard d);

struct hx711 {
	struct gpio_line *dout, *sck; /* borrowed */
	struct rig_clock *clock;      /* borrowed */
	unsigned rate_sps;            /* 10 or 80 */
	enum hx711_input want;        /* what reads should measure */
	enum hx711_input chip;        /* what the chip converts now */
	uint64_t settled_after_ns;    /* trust conversions done after this; 0: settled */
	unsigned long good;
	unsigned long discarded[HX711_NDISCARD];
	unsigned long resets;         /* power-down resets we did */
	unsigned long timeouts;       /* waits for DOUT low that timed out */
};

/* Fill h; does no I/O. rate_sps is 10 or 80. */
void hx711_init(struct hx711 *h, struct gpio_line *dout, struct gpio_line *sck,
		struct rig_clock *clock, unsigned rate_sps, enum hx711_input want);

/* Settling time after reset or an input/gain change (datasheet). */
uint64_t hx711_settle_ns(unsigned rate_sps);
uint64_t hx711_period_ns(unsigned rate_sps);
/* How long to wait for DOUT low before calling it a timeout. */
unsigned hx711_ready_timeout_ms(unsigned rate_sps);

/* Power the chip down and up (PD_SCK high > 60 µs, then low): it comes back
 * on channel A, gain 128, and settles. */
enum rig_rc hx711_reset(struct hx711 *h, struct rig_err *err);

/* Wait until DOUT is low. *seen_high_ns = the last time DOUT was seen high
 * (0 if it was low at the first look). RIG_E_TIMEOUT after timeout_ms. */
enum rig_rc hx711_wait_ready(struct hx711 *h, unsigned timeout_ms,
			     uint64_t *seen_high_ns, struct rig_err *err);

/* Clock `pulses` (25..27) pulses and shift in 24 bits, timing every high
 * period. Stops clocking as soon as a high period reaches T3 max and sets
 * *aborted (the chip may have powered down: the caller resets it).
 * *max_high_ns = the longest high period seen (an upper bound). */
enum rig_rc hx711_shift_in(struct hx711 *h, unsigned pulses, uint32_t *word,
			   uint64_t *max_high_ns, bool *aborted,
			   struct rig_err *err);

/* 24-bit two's complement to int32. */
int32_t hx711_sign_extend(uint32_t word);

/* Whether a 24-bit word is a known glitch or saturation (else HX711_KEPT). */
enum hx711_discard hx711_classify(uint32_t word);

/* One read attempt: select the wanted input if needed, wait out settling,
 * wait for DOUT low, shift in and classify. *why = HX711_KEPT and *counts
 * set, or the reason it was discarded (already counted). */
enum rig_rc hx711_read_once(struct hx711 *h, int32_t *counts,
			    enum hx711_discard *why, struct rig_err *err);

/* Median of n >= 3 good reads. A timeout resets the chip once; a second
 * fails with RIG_E_TIMEOUT. Too many discards fail with RIG_E_DEVICE. */
enum rig_rc hx711_read_median(struct hx711 *h, unsigned n, double *median,
			      struct rig_err *err);

/* Median of v[0..n-1] (n >= 1); sorts v. */
double hx711_median(int32_t *v, unsigned n);

#endif
