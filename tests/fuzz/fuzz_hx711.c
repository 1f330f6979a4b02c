/* fuzz_hx711.c - the HX711 read path (dev/loadcell/protocol.c) against a
 * virtual chip whose conversions, timing and the process's preemptions all
 * come from the fuzz input, on a virtual clock.
 *
 * Input: byte 0 picks the rate (10/80 SPS), the wanted input/gain and the
 * median's n; then 6 bytes per conversion: the 24-bit word (MSB first), when
 * it completes (in eighths of a period), at which PD_SCK edge the process is
 * preempted and for how long. When the input runs out DOUT stays high.
 * Invariants: hx711_read_median ends in bounded bench time with OK, TIMEOUT
 * or DEVICE, leaves PD_SCK low, and a median it returns (odd n) is a word
 * the chip really converted on the wanted input after settling, shifted out
 * without a power-down, that is no glitch or saturation pattern. */
#include <string.h>

#include "dev/loadcell/protocol.h"
#include "fuzz.h"
#include "hal/gpio.h"

enum { DOUT = 0, SCK = 1 };
#define MAX_WORDS 64

struct chip {
	struct rig_vclock *vc;
	struct gpio_virt_chip *gc;
	const uint8_t *in;
	size_t left;
	unsigned rate_sps;
	/* Chip state. */
	enum hx711_input input; /* what conversions measure now */
	enum hx711_input next_input;
	bool ready;             /* DOUT low, a word to shift out */
	uint64_t ready_at_ns;   /* UINT64_MAX: never (input used up) */
	uint64_t settled_at_ns; /* conversions completing before are unsettled */
	uint32_t word;
	bool word_clean;        /* settled, on the wanted input */
	bool shift_clean;       /* no suspicious high period while shifting */
	unsigned pulses;
	unsigned sel_pulses;    /* pulses of the last read (0: none pending) */
	uint64_t sel_ns;        /* when its last pulse ended */
	uint64_t rise_ns;
	int sck;
	/* The conversion's preemption: at edge `preempt_edge` (0: none) sleep. */
	unsigned preempt_edge, edge;
	uint64_t preempt_ns;
	/* Words fully and cleanly shifted out. */
	uint32_t clean[MAX_WORDS];
	unsigned nclean;
	enum hx711_input want;
};

static uint64_t period_ns(const struct chip *c)
{
	return hx711_period_ns(c->rate_sps);
}

/* Start the next conversion: its word, completion time and preemption. */
static void next_conversion(struct chip *c, uint64_t now)
{
	c->ready = false;
	if (c->left < 6) {
		c->ready_at_ns = UINT64_MAX;
		return;
	}
	const uint8_t *b = c->in;
	c->in += 6;
	c->left -= 6;
	c->word = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
	/* 0.1 ms .. 4 periods: late conversions time the driver out. The
	 * 0.1 ms keeps data-ready after the 26th/27th pulse of a read, which
	 * follow the 25th by microseconds (the chip updates its output only
	 * between reads). */
	c->ready_at_ns = now + 100 * RIG_NS_PER_US + period_ns(c) * (b[3] % 33) / 8;
	c->preempt_edge = b[4] % 64; /* rises and falls 1..54 of a read */
	static const uint64_t us[8] = { 5, 30, 49, 55, 70, 400, 20000, 150000 };
	c->preempt_ns = us[b[5] % 8] * RIG_NS_PER_US;
	c->edge = 0;
	c->pulses = 0;
}

/* The 25th..27th pulse of a read chose the input and gain of the
 * conversions that follow; a change needs the settling time, counted from
 * the last pulse. Applied when the next conversion is looked at. */
static void apply_select(struct chip *c)
{
	if (!c->sel_pulses)
		return;
	enum hx711_input in = (enum hx711_input)c->sel_pulses;
	if (in != c->input)
		c->settled_at_ns = c->sel_ns + hx711_settle_ns(c->rate_sps);
	c->input = in;
	c->sel_pulses = 0;
}

static void sync_hook(void *ctx)
{
	struct chip *c = ctx;
	uint64_t now = clock_now_ns(&c->vc->base);
	if (!c->ready && now >= c->ready_at_ns) {
		apply_select(c);
		c->ready = true;
		c->word_clean = c->ready_at_ns >= c->settled_at_ns && c->input == c->want;
		c->shift_clean = true;
		c->pulses = 0;
		c->edge = 0;
		gpio_virt_drive(c->gc, DOUT, 0);
	}
}

static void power_cycle(struct chip *c, uint64_t now)
{
	/* Powered down; back up at once on channel A, gain 128. */
	c->input = c->next_input = HX711_A128;
	c->sel_pulses = 0;
	c->settled_at_ns = now + hx711_settle_ns(c->rate_sps);
	gpio_virt_drive(c->gc, DOUT, 1);
	next_conversion(c, now);
}

static void on_set(void *ctx, unsigned offset, int level)
{
	struct chip *c = ctx;
	uint64_t now = clock_now_ns(&c->vc->base);
	if (offset != SCK || level == c->sck)
		return;
	c->sck = level;
	if (level) {
		c->rise_ns = now;
		if (c->ready) {
			c->pulses++;
			if (c->pulses <= 24)
				gpio_virt_drive(c->gc, DOUT, (int)(c->word >> (24 - c->pulses) & 1));
		} else if (c->pulses >= 25 && c->pulses < 27) {
			c->pulses++; /* 26th, 27th: input and gain for the next one */
		}
	} else {
		uint64_t high = now - c->rise_ns;
		if (high > HX711_POWER_DOWN_NS) {
			power_cycle(c, now);
			return;
		}
		if (high >= HX711_HIGH_MAX_NS)
			c->shift_clean = false; /* unspecified between T3 max and 60 us */
		if (c->ready && c->pulses == 25) {
			/* The word is out: DOUT high, the next conversion runs. */
			if (c->word_clean && c->shift_clean && c->nclean < MAX_WORDS)
				c->clean[c->nclean++] = c->word;
			gpio_virt_drive(c->gc, DOUT, 1);
			next_conversion(c, now);
			c->pulses = 25;
			c->sel_pulses = 25;
			c->sel_ns = now;
		} else if (!c->ready && c->pulses > 25) {
			c->sel_pulses = c->pulses;
			c->sel_ns = now;
		}
	}
	/* The process is preempted at this edge. */
	if (++c->edge == c->preempt_edge)
		vclock_advance_ns(c->vc, c->preempt_ns);
}

/* The driver stops clocking after the 25th..27th pulse: it then waits for
 * DOUT. A new conversion starts when the chip sees the driver waiting. */
static uint64_t next_event(void *ctx)
{
	const struct chip *c = ctx;
	return c->ready_at_ns;
}

static struct gpio_virt_chip *resolve_chip(void *ctx, const char *label)
{
	struct chip *c = ctx;
	return strcmp(label, "fz") == 0 ? c->gc : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct rig_vclock vc;
	vclock_init(&vc, RIG_NS_PER_S);
	static const enum hx711_input inputs[4] = { HX711_A128, HX711_A128, HX711_B32, HX711_A64 };
	struct chip c = {
		.vc = &vc, .in = data + 1, .left = size - 1,
		.rate_sps = data[0] & 1 ? 80 : 10,
		.input = HX711_A128, .next_input = HX711_A128,
		.want = inputs[(data[0] >> 1) & 3],
	};
	unsigned n = 3 + 2 * ((data[0] >> 3) & 3); /* 3, 5, 7, 9: odd */
	struct gpio_virt_hooks hooks = {
		.ctx = &c, .sync = sync_hook, .on_set = on_set, .next_event_ns = next_event,
		.op_cost_ns = 500,
	};
	c.gc = gpio_virt_create("fz", 2, &hooks);
	FUZZ_ASSERT(c.gc, "out of memory");
	gpio_virt_set_line_name(c.gc, DOUT, "DOUT");
	gpio_virt_set_line_name(c.gc, SCK, "SCK");
	gpio_virt_drive(c.gc, DOUT, 1);
	next_conversion(&c, clock_now_ns(&vc.base));

	struct sim_resolver res = { .ctx = &c, .gpio_chip = resolve_chip };
	struct rig_hal hal = { .clock = &vc.base, .sim = &res };
	struct rig_err err = { 0 };
	struct gpio_chip *gchip = NULL;
	struct gpio_line *dout = NULL, *sck = NULL;
	FUZZ_ASSERT(gpio_open_chip(&gchip, "sim:fz", &hal, &err) == RIG_OK, "%s", err.msg);
	FUZZ_ASSERT(gpio_request(gchip, "DOUT", GPIO_INPUT, 0, 0, "fuzz", &dout, &err) == RIG_OK &&
			    gpio_request(gchip, "SCK", GPIO_OUTPUT, 0, 0, "fuzz", &sck, &err) == RIG_OK,
		    "%s", err.msg);

	struct hx711 h;
	hx711_init(&h, dout, sck, &vc.base, c.rate_sps, c.want);
	uint64_t t0 = clock_now_ns(&vc.base);
	double median = 0;
	enum rig_rc rc = hx711_read_median(&h, n, &median, &err);
	uint64_t took_ns = clock_now_ns(&vc.base) - t0;

	FUZZ_ASSERT(rc == RIG_OK || rc == RIG_E_TIMEOUT || rc == RIG_E_DEVICE, "rc %d: %s", rc,
		    err.msg);
	FUZZ_ASSERT(gpio_virt_level(c.gc, SCK) == 0, "PD_SCK left high");
	/* Every attempt waits at most settling + the ready timeout, plus what
	 * the preemptions cost (at most 150 ms each, one per conversion). */
	uint64_t per_attempt = hx711_settle_ns(c.rate_sps) +
			       (uint64_t)hx711_ready_timeout_ms(c.rate_sps) * RIG_NS_PER_MS +
			       HX711_RESET_HIGH_NS + 200 * RIG_NS_PER_MS;
	FUZZ_ASSERT(took_ns <= (3 * n + 12) * per_attempt, "took %.3f s of bench time",
		    (double)took_ns / 1e9);
	if (rc == RIG_OK) {
		int32_t m = (int32_t)median;
		FUZZ_ASSERT((double)m == median, "median %f of an odd n", median);
		bool found = false;
		for (unsigned i = 0; i < c.nclean && !found; i++)
			found = hx711_sign_extend(c.clean[i]) == m;
		FUZZ_ASSERT(found, "median %d was never converted cleanly", m);
		FUZZ_ASSERT(hx711_classify((uint32_t)m & 0xFFFFFFu) == HX711_KEPT,
			    "median %d is a glitch or saturation word", m);
	}
	gpio_release(sck);
	gpio_release(dout);
	gpio_close_chip(gchip);
	gpio_virt_destroy(c.gc);
	return 0;
}
