/* hx711.c - a bit-level HX711 (AVIA Semiconductor 24-bit bridge ADC) on the
 * virtual bench's GPIO chip.
 *
 * What the model does, with the datasheet's numbers (HX711 datasheet,
 * "Serial Interface", Fig. 2 and its timing table, "Reset and Power-Down"):
 *  - DOUT high = no data ready; low = a conversion waits to be read. The
 *    chip converts continuously at 10 or 80 SPS (RATE pin): a conversion
 *    left unread is replaced by the next one.
 *  - Each PD_SCK rising edge shifts out one bit, MSB first, 24-bit two's
 *    complement; the bit is valid at most 0.1 µs after the rising edge (T2)
 *    and stays until the next rising edge, so the rig may sample it while
 *    PD_SCK is high or after it falls. The 25th pulse pulls DOUT high.
 *  - 25, 26 or 27 pulses select channel A/128, B/32 or A/64 for the *next*
 *    conversion: a change restarts the conversion when PD_SCK falls.
 *  - PD_SCK high for more than 60 µs powers the chip down (DOUT high); PD_SCK
 *    low again resets it to channel A, gain 128, and restarts conversion.
 *    A read in flight is lost.
 *  - Settling (datasheet: "output settling time", from power up, reset,
 *    input channel change and gain change): 400 ms at 10 SPS, 50 ms at
 *    80 SPS, i.e. four conversions. Conversions inside that window are a
 *    linear blend of the old input and the new one, as a sinc filter's are.
 *  - Out of range the output saturates at 0x7FFFFF / 0x800000.
 * Where the datasheet says only "avoid" (fewer than 25 or more than 27
 * pulses "cause a serial communication error"), the model picks a strict
 * reading a driver must survive: a partial read (1..24 pulses) stays
 * pending and the next pulses continue it (conversions completing meanwhile
 * are dropped); a 28th pulse leaves the chip silent (DOUT high) until a
 * power-down reset. Pulses with no conversion ready shift out ones.
 * Field faults from REFERENCE.md: 2^k - 1 reads and single-sample spikes
 * with probability loadcell.glitch_p per conversion.
 */
#include "sim/hx711.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PD_AFTER_NS 60000ull     /* PD_SCK high longer than this: power down */
#define MIN_PHASE_NS 200ull      /* T3/T4 minimum high and low time */
#define CREEP_TAU_S 300.0        /* first-order creep time constant */
#define FULL_POS 8388607.0       /* 0x7FFFFF */
#define FULL_NEG (-8388608.0)    /* 0x800000 */
#define RNG_STREAM_HX711 0x48583731ull
#define GLITCH_BURST 5           /* fault.loadcell.glitch: conversions hit */
#define PREEMPT_NS 150000ull     /* fault.loadcell.powerdown: PD_SCK held high */
#define DRIFT_N_PER_S 10.0       /* fault.loadcell.drift: the zero runs away */

enum sel { SEL_A128, SEL_B32, SEL_A64 };
static const int sel_gain[] = { 128, 32, 64 };

enum fault { FAULT_NONE, FAULT_DOUT_HIGH };

struct sim_hx711 {
	struct sim_bench *b;
	struct rig_rng rng;
	/* Parameters. */
	double counts_per_n, offset_counts, noise_counts, creep_frac, glitch_p;
	int fault;
	uint64_t period_ns, settle_ns;

	uint64_t t_ns;          /* model state is valid at this time */
	bool powered;
	int sck;                /* PD_SCK level as the rig set it */
	uint64_t sck_rise_ns, sck_fall_ns;
	unsigned pulses;        /* rising edges in the current read cycle */
	bool comm_error;        /* > 27 pulses: silent until reset */
	bool have_data;         /* a conversion waits to be shifted out */
	bool cycle_data;        /* the current cycle shifts real data */
	uint32_t shift;         /* 24-bit word being shifted out */
	bool shift_glitch;      /* ... and it is a 2^k - 1 glitch */
	int bit;                /* what DOUT presents during a read */
	enum sel sel, pending;
	uint64_t next_conv_ns;
	uint64_t change_ns;     /* last reset or input/gain change */
	double from_counts;     /* output before that change */
	double last_counts;     /* last conversion, before glitches */
	double creep_n;         /* creep, as an extra force */

	unsigned preempt_pulse;
	uint64_t preempt_ns;
	unsigned stall_polls;   /* sim_hx711_stall_after_poll */
	uint64_t stall_ns;
	struct sim_hx711_stats st;

	/* Faults (sim/fault.h, docs/virtual-bench.md). */
	struct sim_fault f_stuck, f_glitch, f_powerdown, f_drift;
	bool stuck;
	unsigned glitch_left;
};

static void drive_dout(struct sim_hx711 *m)
{
	int level;
	if (m->fault == FAULT_DOUT_HIGH || m->stuck || !m->powered || m->comm_error)
		level = 1;
	else if (m->pulses == 0)
		level = !m->have_data;
	else
		level = m->bit;
	gpio_virt_drive(m->b->chip, SIM_LINE_HX711_DOUT, level);
}

/* Let creep follow the load from m->t_ns to t (the load is constant in
 * between: the bench syncs every model before it changes the load). */
static void advance_to(struct sim_hx711 *m, uint64_t t)
{
	if (t <= m->t_ns)
		return;
	double dt_s = (double)(t - m->t_ns) / 1e9;
	double goal = m->creep_frac * sim_bench_force_n(m->b);
	m->creep_n += (goal - m->creep_n) * -expm1(-dt_s / CREEP_TAU_S);
	m->t_ns = t;
}

static double settled_counts(const struct sim_hx711 *m, enum sel s, double force_n)
{
	if (s == SEL_B32)
		return SIM_HX711_B_OFFSET_COUNTS;
	/* The bridge's zero and span are input voltages: both scale with gain. */
	return (m->offset_counts + m->counts_per_n * force_n) * sel_gain[s] / 128.0;
}

static uint32_t to_word(double counts)
{
	if (counts > FULL_POS)
		counts = FULL_POS;
	if (counts < FULL_NEG)
		counts = FULL_NEG;
	return (uint32_t)(int32_t)llround(counts) & 0xFFFFFFu;
}

static uint32_t maybe_glitch(struct sim_hx711 *m, uint32_t word, bool forced, bool *pattern)
{
	*pattern = false;
	if (!forced && (m->glitch_p <= 0 || rng_uniform(&m->rng) >= m->glitch_p))
		return word;
	if (forced || rng_uniform(&m->rng) < 2.0 / 3.0) {
		/* 2^k - 1, k = 16..24 (k = 24 is all ones, k = 23 full scale). */
		unsigned k = 16 + (unsigned)(rng_u64(&m->rng) % 9);
		m->st.glitch_patterns++;
		*pattern = true;
		return (uint32_t)((1ull << k) - 1) & 0xFFFFFFu;
	}
	/* A spike of 2^16..2^20 counts either way. */
	double size = ldexp(1.0, 16 + (int)(rng_u64(&m->rng) % 5));
	int32_t v = (int32_t)(word << 8) >> 8;
	m->st.glitch_spikes++;
	return to_word(v + (rng_uniform(&m->rng) < 0.5 ? -size : size));
}

static void apply_pending(struct sim_hx711 *m, uint64_t now)
{
	if (m->pending == m->sel)
		return;
	m->from_counts = m->last_counts;
	m->sel = m->pending;
	m->change_ns = now;
	m->next_conv_ns = now + m->period_ns;
}

static void convert(struct sim_hx711 *m, uint64_t t)
{
	m->st.conversions++;
	m->next_conv_ns += m->period_ns;
	double force_n = sim_bench_force_n(m->b) + m->creep_n;
	double v = settled_counts(m, m->sel, force_n);
	uint64_t since = t - m->change_ns;
	if (since < m->settle_ns)
		v = m->from_counts + (v - m->from_counts) * (double)since / (double)m->settle_ns;
	v += m->noise_counts * rng_gauss(&m->rng);
	if (sim_fault_struck(&m->f_drift, m->b, t))
		v += DRIFT_N_PER_S * m->counts_per_n * sel_gain[m->sel] / 128.0 *
		     (double)(t - m->f_drift.struck_ns) / 1e9;
	m->last_counts = v;
	bool forced = false;
	if (m->f_glitch.kind == SIM_FAULT_PROB) {
		forced = sim_fault_hit(&m->f_glitch, m->b, t);
	} else if (m->glitch_left && sim_fault_struck(&m->f_glitch, m->b, t)) {
		forced = true;
		m->glitch_left--;
	}
	bool pattern;
	uint32_t word = maybe_glitch(m, to_word(v), forced, &pattern);
	if (m->comm_error)
		return;
	if (m->pulses >= 1 && m->pulses <= 24) {
		m->st.lost_conversions++;
		return;
	}
	if (m->pulses >= 25)
		apply_pending(m, t); /* PD_SCK is still high after pulse 25..27 */
	m->pulses = 0;
	m->shift = word;
	m->shift_glitch = pattern;
	m->have_data = true;
	drive_dout(m);
}

static void power_down(struct sim_hx711 *m)
{
	m->powered = false;
	m->st.power_downs++;
	drive_dout(m);
}

static void wake(struct sim_hx711 *m, uint64_t now)
{
	m->powered = true;
	m->sel = m->pending = SEL_A128;
	m->pulses = 0;
	m->comm_error = false;
	m->have_data = false;
	m->change_ns = now;
	m->from_counts = 0; /* the bridge was unpowered too */
	m->next_conv_ns = now + m->period_ns;
	drive_dout(m);
}

static void hx_sync(void *self, uint64_t now)
{
	struct sim_hx711 *m = self;
	if (!m->stuck && sim_fault_struck(&m->f_stuck, m->b, now)) {
		m->stuck = true; /* DOUT shorted high, or the wire broke */
		drive_dout(m);
	}
	for (;;) {
		uint64_t t_pd = m->powered && m->sck ? m->sck_rise_ns + PD_AFTER_NS + 1 : UINT64_MAX;
		uint64_t t_cv = m->powered ? m->next_conv_ns : UINT64_MAX;
		/* Idle for long: only the last few conversions can matter. */
		if (t_pd == UINT64_MAX && t_cv != UINT64_MAX &&
		    now > t_cv + 16 * m->period_ns) {
			uint64_t skip = (now - t_cv) / m->period_ns - 8;
			m->next_conv_ns += skip * m->period_ns;
			m->st.conversions += skip;
			continue;
		}
		uint64_t t = t_pd < t_cv ? t_pd : t_cv;
		if (t > now)
			break;
		advance_to(m, t);
		if (t == t_pd)
			power_down(m);
		else
			convert(m, t);
	}
	advance_to(m, now);
	if (m->stall_polls && m->powered && !m->sck && !m->have_data &&
	    (m->pulses == 0 || m->pulses >= 25)) {
		/* DOUT's level is set for this read; the rig runs again later. */
		m->stall_polls--;
		clock_sleep_ns(m->b->clock, m->stall_ns);
	}
}

static uint64_t hx_next_event(void *self)
{
	struct sim_hx711 *m = self;
	if (m->fault == FAULT_DOUT_HIGH || m->stuck)
		return UINT64_MAX;
	if (m->powered && m->sck)
		return m->sck_rise_ns + PD_AFTER_NS + 1;
	return m->powered && !m->comm_error ? m->next_conv_ns : UINT64_MAX;
}

static void rise(struct sim_hx711 *m)
{
	if (!m->powered || m->comm_error)
		return;
	unsigned n = ++m->pulses;
	if (n == 1) {
		m->cycle_data = m->have_data;
		m->have_data = false;
		/* The rig's process is preempted somewhere in this read. */
		if (sim_fault_event(&m->f_powerdown, m->b, clock_now_ns(m->b->clock))) {
			m->preempt_pulse = 1 + (unsigned)(rng_u64(&m->rng) % 24);
			m->preempt_ns = PREEMPT_NS;
		}
	}
	if (n == 24 && m->cycle_data && m->shift_glitch)
		m->st.glitch_patterns_read++;
	if (n <= 24)
		m->bit = m->cycle_data ? (int)((m->shift >> (24 - n)) & 1u) : 1;
	else if (n <= 27) {
		m->bit = 1;
		m->pending = n == 25 ? SEL_A128 : n == 26 ? SEL_B32 : SEL_A64;
	} else {
		m->comm_error = true;
		m->st.comm_errors++;
	}
	drive_dout(m);
}

static void hx_on_set(void *self, unsigned offset, int level)
{
	struct sim_hx711 *m = self;
	if (offset != SIM_LINE_HX711_SCK || !!level == m->sck)
		return;
	uint64_t now = clock_now_ns(m->b->clock);
	m->sck = !!level;
	if (m->sck) {
		if (now - m->sck_fall_ns < MIN_PHASE_NS)
			m->st.short_phases++;
		m->sck_rise_ns = now;
		rise(m);
		if (m->preempt_pulse && m->pulses == m->preempt_pulse) {
			m->preempt_pulse = 0;
			clock_sleep_ns(m->b->clock, m->preempt_ns);
		}
		return;
	}
	if (now - m->sck_rise_ns < MIN_PHASE_NS)
		m->st.short_phases++;
	m->sck_fall_ns = now;
	if (!m->powered)
		wake(m, now);
	else if (m->pulses >= 25 && !m->comm_error)
		apply_pending(m, now);
	drive_dout(m);
}

static void hx_destroy(void *self)
{
	free(self);
}

enum rig_rc sim_hx711_create(struct sim_bench *b, struct sim_model_inst *out,
			     struct rig_err *err)
{
	static const char *const rates[] = { "10", "80", NULL };
	static const char *const faults[] = { "none", "dout_high", NULL };
	enum rig_rc rc;
	int rate_i = 0;
	double creep_pct = 0;
	struct sim_hx711 *m = calloc(1, sizeof *m);
	if (!m)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	m->b = b;
	if ((rc = sim_param_double(b, "loadcell.counts_per_n", 2000, -1e6, 1e6,
				   &m->counts_per_n, err)) ||
	    (rc = sim_param_double(b, "loadcell.offset_counts", 80000, FULL_NEG, FULL_POS,
				   &m->offset_counts, err)) ||
	    (rc = sim_param_double(b, "loadcell.noise_counts", 4, 0, 1e6,
				   &m->noise_counts, err)) ||
	    (rc = sim_param_choice(b, "loadcell.rate_sps", "80", rates, &rate_i, err)) ||
	    (rc = sim_param_double(b, "loadcell.creep_pct", 0.02, 0, 5, &creep_pct, err)) ||
	    (rc = sim_param_double(b, "loadcell.glitch_p", 0, 0, 1, &m->glitch_p, err)) ||
	    (rc = sim_param_choice(b, "loadcell.fault", "none", faults, &m->fault, err)) ||
	    (rc = sim_fault_parse(b, &m->f_stuck, "loadcell.stuck", SIM_FAULT_ONCE, err)) ||
	    (rc = sim_fault_parse(b, &m->f_glitch, "loadcell.glitch",
				  SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &m->f_powerdown, "loadcell.powerdown",
				  SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &m->f_drift, "loadcell.drift", SIM_FAULT_ONCE, err)))
		goto fail;
	m->glitch_left = GLITCH_BURST;
	m->creep_frac = creep_pct / 100.0;
	m->period_ns = rate_i == 0 ? 100 * RIG_NS_PER_MS : 12500 * RIG_NS_PER_US;
	m->settle_ns = rate_i == 0 ? 400 * RIG_NS_PER_MS : 50 * RIG_NS_PER_MS;
	rng_seed(&m->rng, b->seed, RNG_STREAM_HX711);

	uint64_t now = clock_now_ns(b->clock);
	m->t_ns = now;
	m->sck = gpio_virt_level(b->chip, SIM_LINE_HX711_SCK);
	m->sck_rise_ns = m->sck_fall_ns = now;
	wake(m, now); /* power-on reset */
	*out = (struct sim_model_inst){
		.self = m,
		.sync = hx_sync,
		.next_event_ns = hx_next_event,
		.on_set = hx_on_set,
		.destroy = hx_destroy,
	};
	return RIG_OK;
fail:
	free(m);
	return rc;
}

static struct sim_hx711 *find(struct sim_bench *b)
{
	return sim_bench_model(b, "hx711");
}

void sim_hx711_get_stats(struct sim_bench *b, struct sim_hx711_stats *out)
{
	struct sim_hx711 *m = find(b);
	memset(out, 0, sizeof *out);
	if (m) {
		sim_bench_sync(b);
		*out = m->st;
	}
}

void sim_hx711_preempt_at_pulse(struct sim_bench *b, unsigned pulse, uint64_t stall_ns)
{
	struct sim_hx711 *m = find(b);
	if (m) {
		m->preempt_pulse = pulse;
		m->preempt_ns = stall_ns;
	}
}

void sim_hx711_stall_after_poll(struct sim_bench *b, unsigned polls, uint64_t stall_ns)
{
	struct sim_hx711 *m = find(b);
	if (m) {
		m->stall_polls = polls;
		m->stall_ns = stall_ns;
	}
}

double sim_hx711_ideal_counts(struct sim_bench *b, int gain)
{
	struct sim_hx711 *m = find(b);
	if (!m)
		return 0;
	return settled_counts(m, gain == 64 ? SEL_A64 : SEL_A128, sim_bench_force_n(b));
}
