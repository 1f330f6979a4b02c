/* laser.c - the virtual ILD1420 on the bench (see sim/laser.h and
 * docs/laser-ild1420.md): it samples the bench's target on its own clock
 * and sends each value over its serial line (sim/uart.h); the command
 * dialogue is in sim/laser_cmd.c, what a reading is made of in
 * sim/laser_signal.c.
 *
 * Time: the sensor samples at t_k = t0 + k / (rate * (1 + clock_ppm 1e-6))
 * on its own clock. Each value goes onto the line as three bytes; a byte
 * reaches the host when its 10 bits (8N1) have gone over the line after
 * the previous one, so frames and ASCII replies interleave exactly as a
 * UART would send them. Samples are taken lazily: every access from the
 * rig syncs the bench to the clock's now first (this model is synced
 * before the pen, so it sees the tips at every instant before they move
 * on). A command takes effect when the host writes its CR.
 *
 * Faults it models: a host at another baud or framing hears garbage and
 * is not understood (the line resamples it); a measuring rate the baud
 * cannot carry sends only every n-th value, as the error value 262075; a
 * host that does not read for a long time loses the newest bytes (driver
 * buffer overrun); a pulled cable.
 */
#include "sim/laser_state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dev/laser/protocol.h"

#define QUEUE_MAX_BYTES (1u << 22)           /* ~6 min at 4 kHz unread */
#define SIM_STREAM_ID 0x1a5e9u
#define DRIFT_PPM 50000.0  /* fault.laser.rate_drift: the sensor's clock 5 % fast */

/* ---- sampling ------------------------------------------------------------ */

static uint64_t sample_t_ns(const struct sim_laser *l, uint64_t k)
{
	return l->t0_ns + (uint64_t)llround((double)k * l->period_ns);
}

double sim_laser_actual_rate_hz(const struct sim_laser *l)
{
	return 1e9 / l->period_ns;
}

void laser_update_decimation(struct sim_laser *l)
{
	double bits_per_s = l->rate_hz * ILD1420_BITS_PER_VALUE;
	if (l->out_shutter)
		bits_per_s *= 2;
	l->decim = bits_per_s > l->baud ? (unsigned)(bits_per_s / l->baud) + 1 : 1;
}

void laser_set_rate(struct sim_laser *l, double rate_hz, uint64_t t0_ns)
{
	l->rate_hz = rate_hz;
	l->period_ns = 1e9 / (rate_hz * (1.0 + (l->clock_ppm + (l->drifted ? DRIFT_PPM : 0)) * 1e-6));
	l->t0_ns = t0_ns;
	l->k = 0;
	laser_update_decimation(l);
}

void laser_power_up_settings(struct sim_laser *l, uint64_t t0_ns)
{
	l->output = LASER_OUT_RS422; /* factory setting: binary output on RS-422 */
	l->pow = LASER_POW_FULL;
	l->echo = true;
	l->out_shutter = false;
	laser_set_rate(l, l->powerup_rate_hz, t0_ns);
}

static void take_sample(struct sim_laser *l, uint64_t k, uint64_t t_ns)
{
	if (l->decim > 1 && k % l->decim)
		return; /* the line is still busy with the previous value */
	if (l->stream_fresh) {
		l->stream_fresh = false;
		l->stream_known = true;
		l->stream_t0_ns = l->t0_ns;
		l->stream_k0 = k;
		l->stream_period_ns = l->period_ns;
		l->stream_decim = l->decim;
		l->stream_values = 0;
	}
	if (l->stream_known)
		l->stream_values++;
	struct sim_laser_truth tr;
	uint32_t raw = laser_measure(l, t_ns, &tr);
	if (l->decim > 1)
		raw = ILD1420_ERR_DATA_RATE;
	tr.raw = raw;
	if (l->truth && l->truth_n < l->truth_cap)
		l->truth[l->truth_n++] = tr;
	uint8_t frame[6];
	ild1420_encode(raw, 0, frame);
	size_t n = 3;
	if (l->out_shutter) { /* a further value of the block: b6 = 1 */
		double tenth_us = round(sim_laser_exposure_us(l) * 10.0);
		ild1420_encode((uint32_t)tenth_us, 1, frame + 3);
		n = 6;
	}
	sim_uart_dev_send(&l->uart, frame, n, t_ns);
}

static bool streaming(const struct sim_laser *l)
{
	return l->output == LASER_OUT_RS422;
}

static void laser_sync(void *self, uint64_t now_ns)
{
	struct sim_laser *l = self;
	if (!l->unplugged && sim_fault_struck(&l->f_unplug, l->b, now_ns)) {
		l->unplugged = true;
		sim_uart_drop_to_host(&l->uart); /* what was on the wire is gone */
	}
	if (!l->drifted && sim_fault_struck(&l->f_rate_drift, l->b, now_ns)) {
		/* The oscillator jumps: samples go on from the next one, faster. */
		uint64_t next = sample_t_ns(l, l->k);
		l->drifted = true;
		laser_set_rate(l, l->rate_hz, next);
	}
	if (!streaming(l) || now_ns < l->quiet_until_ns) {
		/* Nothing to send: skip ahead without sampling. */
		if (now_ns >= l->t0_ns) {
			uint64_t k = (uint64_t)floor((double)(now_ns - l->t0_ns) / l->period_ns) + 1;
			if (k > l->k)
				l->k = k;
		}
	} else {
		for (;;) {
			uint64_t t = sample_t_ns(l, l->k);
			if (t > now_ns)
				break;
			if (t >= l->quiet_until_ns)
				take_sample(l, l->k, t);
			l->k++;
		}
	}
	if (streaming(l))
		laser_expose_ahead(l, sample_t_ns(l, l->k), now_ns);
}

/* ---- the serial line ----------------------------------------------------- */

/* What the line does to a byte on its way to the host: a pulled cable
 * carries nothing; faults lose or replace single bytes. */
static bool line_fault(void *ctx, uint64_t t_ns, uint8_t *byte)
{
	struct sim_laser *l = ctx;
	if (l->unplugged || sim_fault_event(&l->f_byte_drop, l->b, t_ns))
		return false;
	if (sim_fault_event(&l->f_byte_garbage, l->b, t_ns))
		*byte = (uint8_t)(rng_u64(&l->rng_noise) & 0xFF);
	return true;
}

static void dev_configure(void *dev, const struct serial_settings *s)
{
	struct sim_laser *l = dev;
	sim_uart_host_configure(&l->uart, s);
}

static void dev_host_write(void *dev, const uint8_t *buf, size_t n)
{
	struct sim_laser *l = dev;
	sim_bench_sync(l->b);
	uint64_t now = clock_now_ns(l->b->clock);
	/* Unplugged or booting: nothing is heard. */
	bool listening = !l->unplugged && now >= l->boot_until_ns;
	sim_uart_host_send(&l->uart, buf, n, now, listening);
	uint8_t c;
	while (sim_uart_dev_take(&l->uart, UINT64_MAX, &c))
		laser_take_char(l, (char)c, now);
}

/* The latest arrival the host's kernel has handed up by now_ns. */
static uint64_t handed_up_by(const struct sim_laser *l, uint64_t now_ns)
{
	if (now_ns < l->late_from_ns || now_ns >= l->late_until_ns)
		return now_ns;
	if (now_ns - l->late_from_ns < l->late_ns)
		return l->late_from_ns - 1; /* what came before the delay */
	return now_ns - l->late_ns;
}

/* When the host's kernel hands up a byte that reached it at t_ns. */
static uint64_t handed_up_at(const struct sim_laser *l, uint64_t t_ns)
{
	if (t_ns == UINT64_MAX || t_ns < l->late_from_ns || t_ns >= l->late_until_ns)
		return t_ns;
	return t_ns + l->late_ns < l->late_until_ns ? t_ns + l->late_ns : l->late_until_ns;
}

static size_t dev_host_read(void *dev, uint8_t *buf, size_t n)
{
	struct sim_laser *l = dev;
	sim_bench_sync(l->b);
	return sim_uart_host_read(&l->uart, buf, n, handed_up_by(l, clock_now_ns(l->b->clock)));
}

static uint64_t dev_next_rx_ns(void *dev)
{
	struct sim_laser *l = dev;
	if (l->unplugged)
		return UINT64_MAX;
	uint64_t t = sim_uart_host_next_ns(&l->uart);
	if (t != UINT64_MAX)
		return handed_up_at(l, t);
	if (!streaming(l))
		return UINT64_MAX;
	t = sample_t_ns(l, l->k);
	if (t < l->quiet_until_ns)
		t = l->quiet_until_ns;
	return handed_up_at(l, t + sim_uart_frame_ns(&l->uart.dev));
}

static const struct sim_serial_dev_ops laser_dev_ops = {
	.configure = dev_configure,
	.host_write = dev_host_write,
	.host_read = dev_host_read,
	.next_rx_ns = dev_next_rx_ns,
};

/* ---- model --------------------------------------------------------------- */

static const double ranges_mm[] = { 10, 25, 50, 100, 200, 500 };

static void laser_destroy(void *self)
{
	struct sim_laser *l = self;
	if (!l)
		return;
	sim_uart_free(&l->uart);
	free(l->truth);
	free(l);
}

static enum rig_rc read_params(struct sim_laser *l, double *baud, struct rig_err *err)
{
	struct sim_bench *b = l->b;
	enum rig_rc rc;
	if ((rc = sim_param_double(b, "laser.range_mm", 10, 10, 500, &l->range_mm, err)) ||
	    (rc = sim_param_double(b, "laser.zero_mm", 5.0, 0, 500, &l->zero_mm, err)) ||
	    (rc = sim_param_double(b, "laser.noise_um", 0.5, 0, 1000, &l->noise_um, err)) ||
	    (rc = sim_param_double(b, "laser.rate_hz", 4000, 250, 4000,
				   &l->powerup_rate_hz, err)) ||
	    (rc = sim_param_double(b, "laser.clock_ppm", 0, -500000, 500000, &l->clock_ppm, err)) ||
	    (rc = sim_param_double(b, "laser.reply_delay_ms", 0.3, 0, 5000, &l->reply_delay_ms,
				   err)) ||
	    (rc = sim_param_double(b, "laser.baud", ILD1420_DEFAULT_BAUD, 9600, 1000000,
				   baud, err)) ||
	    (rc = sim_param_string(b, "laser.serial", "19010042", l->serial,
				   sizeof l->serial, err)) ||
	    (rc = sim_fault_parse(b, &l->f_unplug, "laser.unplug", SIM_FAULT_ONCE, err)) ||
	    (rc = sim_fault_parse(b, &l->f_no_target, "laser.no_target",
				  SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &l->f_byte_drop, "laser.byte_drop",
				  SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &l->f_byte_garbage, "laser.byte_garbage",
				  SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &l->f_rate_drift, "laser.rate_drift", SIM_FAULT_ONCE, err)) ||
	    (rc = laser_signal_params(l, err)))
		return rc;
	bool range_ok = false;
	for (size_t i = 0; i < sizeof ranges_mm / sizeof ranges_mm[0]; i++)
		range_ok = range_ok || l->range_mm == ranges_mm[i];
	if (!range_ok)
		return rig_fail(err, RIG_E_CONFIG,
				"laser.range_mm: the ILD1420 comes in 10, 25, 50, 100, 200 "
				"and 500 mm, found %g", l->range_mm);
	if (!(l->zero_mm > 0 && l->zero_mm < l->range_mm))
		return rig_fail(err, RIG_E_CONFIG,
				"laser.zero_mm: the contact plane must lie inside the "
				"measuring range 0..%g mm, found %g", l->range_mm, l->zero_mm);
	if (!ild1420_rate_supported(l->powerup_rate_hz))
		return rig_fail(err, RIG_E_CONFIG,
				"laser.rate_hz: the ILD1420 measures at 250, 500, 1000, 2000 "
				"or 4000 Hz, found %g", l->powerup_rate_hz);
	return RIG_OK;
}

enum rig_rc sim_laser_create(struct sim_bench *b, struct sim_model_inst *out,
			     struct rig_err *err)
{
	struct sim_laser *l = calloc(1, sizeof *l);
	if (!l)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	l->b = b;
	double baud;
	enum rig_rc rc = read_params(l, &baud, err);
	if (rc) {
		laser_destroy(l);
		return rc;
	}
	l->baud = (int)baud;
	uint64_t now = clock_now_ns(b->clock);
	sim_uart_init(&l->uart, serial_8n1(l->baud), QUEUE_MAX_BYTES, now);
	l->uart.on_byte = line_fault;
	l->uart.on_byte_ctx = l;
	rng_seed(&l->rng, b->seed, SIM_STREAM_ID);
	rng_seed(&l->rng_noise, b->seed, SIM_STREAM_ID + 1);
	laser_power_up_settings(l, now);

	l->dev = (struct sim_serial_dev){ .ops = &laser_dev_ops, .dev = l, .name = "laser" };
	*out = (struct sim_model_inst){
		.self = l,
		.sync = laser_sync,
		.serial = &l->dev,
		.destroy = laser_destroy,
	};
	return RIG_OK;
}

/* ---- ground truth and test access ---------------------------------------- */

bool sim_laser_record_truth(struct sim_laser *l, size_t cap)
{
	sim_bench_sync(l->b);
	free(l->truth);
	l->truth = cap ? malloc(cap * sizeof *l->truth) : NULL;
	l->truth_cap = l->truth ? cap : 0;
	l->truth_n = 0;
	return l->truth || !cap;
}

const struct sim_laser_truth *sim_laser_truth(const struct sim_laser *l, size_t *n)
{
	*n = l->truth_n;
	return l->truth;
}

void sim_laser_unplug(struct sim_laser *l, bool unplugged)
{
	sim_bench_sync(l->b);
	l->unplugged = unplugged;
	if (unplugged)
		sim_uart_drop_to_host(&l->uart); /* what was on the wire is gone */
}

void sim_laser_delay_delivery(struct sim_laser *l, unsigned delay_ms, unsigned for_ms)
{
	sim_bench_sync(l->b);
	l->late_from_ns = clock_now_ns(l->b->clock);
	l->late_until_ns = l->late_from_ns + (uint64_t)for_ms * RIG_NS_PER_MS;
	l->late_ns = (uint64_t)delay_ms * RIG_NS_PER_MS;
}

double sim_laser_rate_hz(const struct sim_laser *l)
{
	return l->rate_hz;
}

bool sim_laser_slot_ns(const struct sim_laser *l, double slot, uint64_t *t_ns)
{
	if (!l->stream_known || slot < 0)
		return false;
	double k = (double)l->stream_k0 + slot * l->stream_decim;
	*t_ns = l->stream_t0_ns + (uint64_t)llround(k * l->stream_period_ns);
	return true;
}

bool sim_laser_streaming(const struct sim_laser *l)
{
	return streaming(l);
}

double sim_laser_zero_mm(const struct sim_laser *l)
{
	return l->zero_mm;
}

uint64_t sim_laser_stream_values(const struct sim_laser *l)
{
	return l->stream_known ? l->stream_values : 0;
}

uint64_t sim_laser_overrun_bytes(const struct sim_laser *l)
{
	return l->uart.to_host.overrun;
}
