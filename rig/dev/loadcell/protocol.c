/* protocol.c - the HX711 bit-banged read, as the datasheet and the field
 * demand it.
 *
 * Timing (HX711 datasheet, Fig. 2 table and "Reset and Power-Down"):
 * PD_SCK high 0.2 µs min, 1 µs typ, 50 µs max (T3); low 0.2 µs min (T4);
 * a bit is valid 0.1 µs after the rising edge (T2) and stays until the next
 * rising edge; high for more than 60 µs powers the chip down, and it comes
 * back reset to channel A, gain 128. Settling after reset or an input/gain
 * change: 400 ms at 10 SPS, 50 ms at 80 SPS.
 *
 * Choices:
 *  - Each pulse is set(1), set(0), then get(DOUT): the bit is sampled after
 *    the falling edge, so PD_SCK stays high for exactly two GPIO calls and
 *    no more (the Linux iio hx711 driver moved its sample there for the same
 *    reason, commit 4043ecfb5fc4). The clock is read before the rise and
 *    after the fall: an upper bound of the high time. A bound that reached
 *    T3 max (50 µs) means the process was preempted with PD_SCK high: the
 *    read stops at once and the chip is reset on purpose, because from 60 µs
 *    on it powered down and between 50 and 60 µs its state is unspecified.
 *  - Waiting for DOUT low polls every millisecond on the clock instead of
 *    waiting for an edge. DOUT toggles with every data bit, so an edge-event
 *    queue fills with the previous read's bits and would have to be drained
 *    before each wait; a level poll has no such state, works on any GPIO and
 *    either libgpiod version, and costs nothing that matters: a conversion
 *    stays readable for a whole period (12.5 or 100 ms), so 1 ms of latency
 *    only delays the read.
 *  - Conversions that may come from inside the settling time are thrown
 *    away: one counts only if DOUT was seen high after the settling time
 *    ended, i.e. the conversion completed after it.
 *  - 2^k - 1 words (k = 8..24; the field's 8388607, 4194303, all ones ...)
 *    and the saturation words are rejected; k < 8 would reject honest
 *    readings near zero. A spike that is no pattern is left to the median.
 */
#include "dev/loadcell/protocol.h"

#include <stdlib.h>

static const char *const discard_names[HX711_NDISCARD] = {
	[HX711_KEPT] = "kept",
	[HX711_D_TIMING] = "timing",
	[HX711_D_GLITCH] = "glitch",
	[HX711_D_SATURATED] = "saturated",
	[HX711_D_SETTLING] = "settling",
	[HX711_D_SELECT] = "select",
};

const char *hx711_discard_name(enum hx711_discard d)
{
	return d < HX711_NDISCARD ? discard_names[d] : "?";
}

void hx711_init(struct hx711 *h, struct gpio_line *dout, struct gpio_line *sck,
		struct rig_clock *clock, unsigned rate_sps, enum hx711_input want)
{
	*h = (struct hx711){
		.dout = dout, .sck = sck, .clock = clock, .rate_sps = rate_sps,
		.want = want, .chip = HX711_A128,
	};
}

uint64_t hx711_settle_ns(unsigned rate_sps)
{
	return rate_sps >= 80 ? 50 * RIG_NS_PER_MS : 400 * RIG_NS_PER_MS;
}

uint64_t hx711_period_ns(unsigned rate_sps)
{
	return RIG_NS_PER_S / (rate_sps ? rate_sps : 10);
}

unsigned hx711_ready_timeout_ms(unsigned rate_sps)
{
	/* Three conversion periods and some slack for the oscillator (±). */
	return (unsigned)(3 * hx711_period_ns(rate_sps) / RIG_NS_PER_MS) + 10;
}

enum rig_rc hx711_reset(struct hx711 *h, struct rig_err *err)
{
	enum rig_rc rc;
	if ((rc = gpio_set(h->sck, 1, err)))
		return rc;
	uint64_t t_high = clock_now_ns(h->clock);
	clock_sleep_until_ns(h->clock, t_high + HX711_RESET_HIGH_NS);
	if ((rc = gpio_set(h->sck, 0, err)))
		return rc;
	h->resets++;
	h->chip = HX711_A128;
	h->settled_after_ns = clock_now_ns(h->clock) + hx711_settle_ns(h->rate_sps);
	return RIG_OK;
}

enum rig_rc hx711_wait_ready(struct hx711 *h, unsigned timeout_ms,
			     uint64_t *seen_high_ns, struct rig_err *err)
{
	uint64_t start = clock_now_ns(h->clock);
	uint64_t deadline = start + (uint64_t)timeout_ms * RIG_NS_PER_MS;
	*seen_high_ns = 0;
	for (;;) {
		int v;
		/* The time is taken before DOUT is read, never after: the rig's
		 * process may be descheduled between the two, and DOUT read
		 * high before the deadline says nothing about the chip after
		 * it. So a timeout needs DOUT high on a read made after the
		 * deadline, and *seen_high_ns is a time before a read that saw
		 * DOUT high: a conversion found later came after it (the
		 * settling check in hx711_read_once relies on that). */
		uint64_t now = clock_now_ns(h->clock);
		enum rig_rc rc = gpio_get(h->dout, &v, err);
		if (rc)
			return rc;
		if (!v)
			return RIG_OK;
		*seen_high_ns = now;
		if (now >= deadline) {
			h->timeouts++;
			return rig_fail(err, RIG_E_TIMEOUT,
					"HX711 not ready: DOUT stayed high for %u ms "
					"(expected a conversion every %.1f ms at %u SPS)",
					timeout_ms,
					(double)hx711_period_ns(h->rate_sps) / RIG_NS_PER_MS,
					h->rate_sps);
		}
		uint64_t next = now + HX711_POLL_NS;
		clock_sleep_until_ns(h->clock, next < deadline ? next : deadline);
	}
}

enum rig_rc hx711_shift_in(struct hx711 *h, unsigned pulses, uint32_t *word,
			   uint64_t *max_high_ns, bool *aborted,
			   struct rig_err *err)
{
	uint32_t w = 0;
	*max_high_ns = 0;
	*aborted = false;
	for (unsigned i = 1; i <= pulses; i++) {
		enum rig_rc rc;
		uint64_t t0 = clock_now_ns(h->clock);
		if ((rc = gpio_set(h->sck, 1, err)) || (rc = gpio_set(h->sck, 0, err)))
			return rc;
		uint64_t high_ns = clock_now_ns(h->clock) - t0;
		if (high_ns > *max_high_ns)
			*max_high_ns = high_ns;
		if (high_ns >= HX711_HIGH_MAX_NS) {
			*aborted = true;
			break;
		}
		if (i <= 24) {
			int bit;
			if ((rc = gpio_get(h->dout, &bit, err)))
				return rc;
			w = w << 1 | (uint32_t)(bit & 1);
		}
	}
	*word = w & 0xFFFFFFu;
	return RIG_OK;
}

int32_t hx711_sign_extend(uint32_t word)
{
	word &= 0xFFFFFFu;
	return word & 0x800000u ? (int32_t)word - 0x1000000 : (int32_t)word;
}

enum hx711_discard hx711_classify(uint32_t word)
{
	word &= 0xFFFFFFu;
	if (word == 0x7FFFFFu || word == 0x800000u)
		return HX711_D_SATURATED;
	for (unsigned k = 8; k <= 24; k++)
		if (word == (1u << k) - 1)
			return HX711_D_GLITCH;
	return HX711_KEPT;
}

enum rig_rc hx711_read_once(struct hx711 *h, int32_t *counts,
			    enum hx711_discard *why, struct rig_err *err)
{
	enum rig_rc rc;
	bool selecting = h->chip != h->want;
	*why = HX711_KEPT;
	/* Nothing converted before settling ends can be used: sleep it out
	 * (a select read takes whatever is there: it is thrown away anyway). */
	if (!selecting && h->settled_after_ns > clock_now_ns(h->clock))
		clock_sleep_until_ns(h->clock, h->settled_after_ns);

	uint64_t seen_high_ns;
	if ((rc = hx711_wait_ready(h, hx711_ready_timeout_ms(h->rate_sps), &seen_high_ns, err)))
		return rc;
	bool fresh = h->settled_after_ns == 0 || seen_high_ns >= h->settled_after_ns;
	uint64_t t_ready = clock_now_ns(h->clock);

	uint32_t word;
	uint64_t max_high_ns;
	bool aborted;
	if ((rc = hx711_shift_in(h, (unsigned)h->want, &word, &max_high_ns, &aborted, err)))
		return rc;
	uint64_t read_ns = clock_now_ns(h->clock) - t_ready;

	if (aborted) {
		*why = HX711_D_TIMING;
		rc = hx711_reset(h, err);
	} else {
		if (selecting) {
			h->chip = h->want;
			h->settled_after_ns = clock_now_ns(h->clock) +
					      hx711_settle_ns(h->rate_sps);
		}
		/* A glitch word is counted as one whatever else is wrong. */
		*why = hx711_classify(word);
		if (*why == HX711_KEPT && selecting)
			*why = HX711_D_SELECT; /* the old input's conversion */
		else if (*why == HX711_KEPT && read_ns > hx711_period_ns(h->rate_sps) / 4)
			/* Descheduled with PD_SCK low for long: the next
			 * conversion may have come in the middle of the word. */
			*why = HX711_D_TIMING;
		else if (*why == HX711_KEPT && !fresh)
			*why = HX711_D_SETTLING;
	}
	if (*why == HX711_KEPT) {
		*counts = hx711_sign_extend(word);
		h->settled_after_ns = 0;
		h->good++;
	} else {
		h->discarded[*why]++;
	}
	return rc;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

double hx711_median(int32_t *v, unsigned n)
{
	qsort(v, n, sizeof *v, cmp_i32);
	if (n % 2)
		return v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

#define MEDIAN_MAX 255

enum rig_rc hx711_read_median(struct hx711 *h, unsigned n, double *median,
			      struct rig_err *err)
{
	int32_t v[MEDIAN_MAX];
	if (n < 3 || n > MEDIAN_MAX)
		return rig_fail(err, RIG_E_CONFIG,
				"HX711: median of %u reads: expected 3..%u", n, MEDIAN_MAX);
	unsigned got = 0, attempts = 0, max_attempts = 3 * n + 10;
	unsigned long before[HX711_NDISCARD];
	for (unsigned i = 0; i < HX711_NDISCARD; i++)
		before[i] = h->discarded[i];
	bool reset_after_timeout = false;
	while (got < n && attempts < max_attempts) {
		int32_t counts;
		enum hx711_discard why;
		attempts++;
		enum rig_rc rc = hx711_read_once(h, &counts, &why, err);
		if (rc == RIG_E_TIMEOUT && !reset_after_timeout) {
			/* A chip left in a serial error or a lost read comes
			 * back after a power-down reset; try that once. */
			reset_after_timeout = true;
			if ((rc = hx711_reset(h, err)))
				return rc;
			continue;
		}
		if (rc == RIG_E_TIMEOUT)
			return rig_err_prefix(err, "after a power-down reset too: check the "
					      "HX711's supply, the DOUT wire and that RATE gives "
					      "%u SPS: ", h->rate_sps);
		if (rc)
			return rc;
		if (why == HX711_KEPT)
			v[got++] = counts;
	}
	if (got < n) {
		unsigned long d[HX711_NDISCARD];
		for (unsigned i = 0; i < HX711_NDISCARD; i++)
			d[i] = h->discarded[i] - before[i];
		return rig_fail(err, RIG_E_DEVICE,
				"HX711: %u of %u good reads after %u attempts (discarded: "
				"%lu timing, %lu glitch, %lu saturated, %lu settling)%s",
				got, n, attempts, d[HX711_D_TIMING], d[HX711_D_GLITCH],
				d[HX711_D_SATURATED], d[HX711_D_SETTLING],
				d[HX711_D_SATURATED] > attempts / 2
					? ": the input is out of range: overload, wrong gain "
					  "or a broken bridge wire"
					: "");
	}
	*median = hx711_median(v, n);
	return RIG_OK;
}
