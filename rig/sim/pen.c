/* pen.c - the virtual pen: needle mechanics, power relay, and the UART
 * between the pen's firmware (sim/pen_scpi.c) and the host.
 *
 * Time: the pen's state lives at p->t_ns and only moves forward
 * (advance_to). Motion is integrated on a fixed 1 ms grid of bench time
 * (speed wander and spin-up change at grid points, phase is exact in
 * between), so the result does not depend on how often anyone looks.
 * Bytes from the host reach the firmware at their arrival time on the
 * wire; a line's effect starts when its LF arrives, and its reply leaves
 * after the firmware's latency, one byte time per byte. A host at another
 * baud or framing sees what a real UART would: the line is resampled bit
 * by bit (start-bit edge, mid-bit samples).
 *
 * Power: the pen is powered iff the bench relay is on (b->pen_power; off at
 * bench start). Power-on boots for pen.boot_ms (silent, bytes lost), then
 * RAM is reset; saved tables survive.
 */
#include "sim/pen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/pen_scpi.h"

#define TICK_NS RIG_NS_PER_MS
#define SPINUP_TAU_S 0.020   /* motor spin-up and speed changes */
#define WANDER_TAU_S 1.0     /* correlation time of the speed wander */
#define WARM_TAU_S 60.0      /* warm-up with the motor on */
#define COOL_TAU_S 120.0     /* cooling with the motor off */
#define QCAP 8192            /* bytes in flight each way */
#define RNG_STREAM_PEN 0x70656eu
#define GARBAGE_BURST 16     /* bytes of noise a fault.pen.garbage burst puts on the line */
#define STALL_FACTOR 0.35    /* fault.pen.stall: the rate left under load */
#define NAK_CODE -240        /* fault.pen.nak: SCPI "Hardware error" */

enum shape { SHAPE_SINE, SHAPE_CAM, SHAPE_DWELL };
static const char *const shape_names[] = { "sine", "cam", "dwell", NULL };

struct timed_byte {
	uint64_t t_ns;
	uint8_t byte;
};

struct byteq {
	struct timed_byte v[QCAP];
	size_t head, tail;
};

struct sim_pen {
	struct sim_bench *b;
	struct sim_serial_dev dev;
	struct pen_fw fw;

	/* Parameters. */
	double depth_gain, depth_offset_um, depth_nl, warmup_drift_um, max_raw_um;
	double freq_gain, stroke_um, depth_sd_um, speed_wander, droop_per_n;
	double settle_s;
	enum shape shape;
	uint64_t boot_ns, latency_ns;
	struct serial_settings pen_ser, host_ser;

	/* Power. */
	bool powered;
	uint64_t ready_ns;

	/* Motion. */
	struct rig_rng rng_scatter, rng_wander;
	uint64_t t_ns;
	bool running;          /* motor spinning */
	double cyc;            /* stroke cycles since the motor started */
	double scatter_um;     /* this stroke's peak offset */
	uint64_t strokes;      /* strokes started since power-on */
	uint64_t peaks_seen;
	double depth_filt_um;  /* transfer output, settling */
	double warm;           /* 0..1 */
	double freq_filt_hz;   /* without wander */
	double wander;         /* relative speed deviation */
	double frozen_tip_um;  /* where the tips stopped when power went */
	struct sim_pen_peak peaks[SIM_PEN_PEAK_HISTORY];

	/* Faults (sim/fault.h, docs/virtual-bench.md). */
	struct sim_fault f_silent, f_garbage, f_nak, f_reboot, f_stall, f_unreachable;
	struct rig_rng rng_noise;
	bool jammed;           /* the depth actuator is stuck ... */
	double jam_um;         /* ... holding this mean depth */
	bool stalled;
	unsigned reboots;

	/* Wire. */
	struct byteq rx, tx;   /* host->pen, pen->host */
	uint64_t host_tx_free_ns, pen_tx_free_ns;
	char line[PEN_FW_LINE_MAX + 1];
	size_t line_len;
	bool line_overrun;
};

/* ---- Queues ------------------------------------------------------------ */

static bool q_empty(const struct byteq *q)
{
	return q->head == q->tail;
}

static void q_push(struct byteq *q, uint64_t t_ns, uint8_t byte)
{
	if (q->tail == QCAP && q->head > 0) {
		memmove(q->v, q->v + q->head, (q->tail - q->head) * sizeof q->v[0]);
		q->tail -= q->head;
		q->head = 0;
	}
	if (q->tail < QCAP) /* a full UART buffer drops bytes, as real ones do */
		q->v[q->tail++] = (struct timed_byte){ t_ns, byte };
}

static void q_clear(struct byteq *q)
{
	q->head = q->tail = 0;
}

/* ---- UART -------------------------------------------------------------- */

static int frame_bits(const struct serial_settings *s)
{
	return 1 + s->data_bits + (s->parity != 'N') + s->stop_bits;
}

static double bit_ns(const struct serial_settings *s)
{
	return 1e9 / s->baud;
}

static uint64_t frame_ns(const struct serial_settings *s)
{
	return (uint64_t)llround(frame_bits(s) * bit_ns(s));
}

static bool same_framing(const struct serial_settings *a, const struct serial_settings *b)
{
	return a->baud == b->baud && a->data_bits == b->data_bits &&
	       a->parity == b->parity && a->stop_bits == b->stop_bits;
}

/* Level of a transmitter's line t ns after it started sending buf. */
static int tx_level(const uint8_t *buf, size_t n, const struct serial_settings *s,
		    double t)
{
	if (t < 0)
		return 1;
	double bit = bit_ns(s);
	int fb = frame_bits(s);
	size_t i = (size_t)(t / (fb * bit));
	if (i >= n)
		return 1;
	int j = (int)((t - (double)i * fb * bit) / bit);
	if (j == 0)
		return 0;
	if (j <= s->data_bits)
		return (buf[i] >> (j - 1)) & 1;
	if (s->parity != 'N' && j == s->data_bits + 1) {
		int ones = __builtin_popcount(buf[i] & ((1u << s->data_bits) - 1));
		return s->parity == 'E' ? (ones & 1) : !(ones & 1);
	}
	return 1;
}

/* What a receiver with settings rx makes of buf sent with settings tx:
 * pushes each received byte onto q at t0 + the time of its stop bit's
 * sample. Bytes with framing errors are passed on as sampled. */
static void resample(const uint8_t *buf, size_t n, const struct serial_settings *tx,
		     const struct serial_settings *rx, uint64_t t0, struct byteq *q)
{
	double tb = bit_ns(tx), rb = bit_ns(rx);
	size_t total = n * (size_t)frame_bits(tx);
	double t = 0;
	for (;;) {
		double edge = -1;
		for (size_t k = (size_t)ceil(t / tb); k < total; k++) {
			double e = (double)k * tb;
			if (tx_level(buf, n, tx, e - tb / 2) == 1 &&
			    tx_level(buf, n, tx, e + tb / 2) == 0) {
				edge = e;
				break;
			}
		}
		if (edge < 0)
			return;
		if (tx_level(buf, n, tx, edge + rb / 2) != 0) { /* a glitch */
			t = edge + rb / 2;
			continue;
		}
		unsigned v = 0;
		for (int i = 0; i < rx->data_bits; i++)
			if (tx_level(buf, n, tx, edge + (1.5 + i) * rb))
				v |= 1u << i;
		int pos = 1 + rx->data_bits + (rx->parity != 'N');
		double stop = edge + (pos + 0.5) * rb;
		q_push(q, t0 + (uint64_t)llround(stop), (uint8_t)v);
		t = stop;
	}
}

/* Put bytes on a line starting no earlier than *free_ns. */
static void send(const uint8_t *buf, size_t n, const struct serial_settings *tx,
		 const struct serial_settings *rx, uint64_t start, uint64_t *free_ns,
		 struct byteq *q)
{
	if (start < *free_ns)
		start = *free_ns;
	uint64_t fr = frame_ns(tx);
	if (same_framing(tx, rx)) {
		for (size_t i = 0; i < n; i++)
			q_push(q, start + (i + 1) * fr, buf[i]);
	} else {
		resample(buf, n, tx, rx, start, q);
	}
	*free_ns = start + n * fr;
}

/* ---- Mechanics --------------------------------------------------------- */

double sim_pen_depth_for_raw(const struct sim_pen *p, double raw_um)
{
	double r = raw_um < 0 ? 0 : raw_um > p->max_raw_um ? p->max_raw_um : raw_um;
	return p->depth_gain * r + p->depth_offset_um + p->depth_nl * r * r / 3000.0;
}

double sim_pen_freq_for_raw(const struct sim_pen *p, double raw_hz, double force_n)
{
	return p->freq_gain * raw_hz * (1.0 - p->droop_per_n * force_n);
}

double sim_pen_depth_for_cmd(const struct sim_pen *p, double cmd_um)
{
	double raw = pen_fw_apply(&p->fw.saved[PEN_FW_DEPTH], (int32_t)llround(cmd_um * 1000.0));
	return sim_pen_depth_for_raw(p, raw / 1000.0);
}

double sim_pen_freq_for_cmd(const struct sim_pen *p, double cmd_hz, double force_n)
{
	double raw = pen_fw_apply(&p->fw.saved[PEN_FW_FREQ], (int32_t)llround(cmd_hz * 1000.0));
	return sim_pen_freq_for_raw(p, raw / 1000.0, force_n);
}

/* Stroke shape: 0 = retracted, 1 = furthest out, over one cycle u in [0,1). */
static double shape_at(enum shape sh, double u)
{
	switch (sh) {
	case SHAPE_SINE:
		return 0.5 - 0.5 * cos(2 * M_PI * u);
	case SHAPE_CAM: /* fast advance over 30 % of the cycle, slow retract */
		if (u < 0.3)
			return 0.5 - 0.5 * cos(M_PI * u / 0.3);
		return 0.5 + 0.5 * cos(M_PI * (u - 0.3) / 0.7);
	case SHAPE_DWELL: /* rise 35 %, flat top 30 %, fall 35 % */
		if (u < 0.35)
			return 0.5 - 0.5 * cos(M_PI * u / 0.35);
		if (u < 0.65)
			return 1.0;
		return 0.5 + 0.5 * cos(M_PI * (u - 0.65) / 0.35);
	}
	return 0;
}

static double shape_peak_u(enum shape sh)
{
	return sh == SHAPE_CAM ? 0.3 : 0.5;
}

/* Where the depth settles: the transfer of the raw setpoint, or where a
 * jammed actuator holds it. */
static double depth_target(const struct sim_pen *p)
{
	return p->jammed ? p->jam_um : sim_pen_depth_for_raw(p, p->fw.raw[PEN_FW_DEPTH]);
}

static bool ready(const struct sim_pen *p)
{
	return p->powered && p->t_ns >= p->ready_ns;
}

/* Settling depth and warm-up dt seconds after p->t_ns. */
static double mean_depth_after(const struct sim_pen *p, double dt_s)
{
	double filt = p->depth_filt_um, warm = p->warm;
	if (p->powered) {
		double target = depth_target(p);
		filt = target + (filt - target) * exp(-dt_s / p->settle_s);
	}
	if (p->running)
		warm = 1.0 - (1.0 - warm) * exp(-dt_s / WARM_TAU_S);
	else
		warm *= exp(-dt_s / COOL_TAU_S);
	return filt + warm * p->warmup_drift_um;
}

static double tip_now(const struct sim_pen *p)
{
	if (!p->powered)
		return p->frozen_tip_um;
	double mean = mean_depth_after(p, 0);
	if (!p->running)
		return mean - p->stroke_um;
	double u = p->cyc - floor(p->cyc);
	return mean - p->stroke_um + (p->stroke_um + p->scatter_um) * shape_at(p->shape, u);
}

static void new_stroke(struct sim_pen *p)
{
	p->scatter_um = p->depth_sd_um * rng_gauss(&p->rng_scatter);
	p->strokes++;
}

/* Integrate from p->t_ns to t1 (within one grid tick). */
static void move(struct sim_pen *p, uint64_t t1)
{
	double dt = (double)(t1 - p->t_ns) * 1e-9;
	if (p->running) {
		double f = p->freq_filt_hz * (1.0 + p->wander);
		double c0 = p->cyc, c1 = c0 + f * dt, c = c0, up = shape_peak_u(p->shape);
		for (;;) {
			double m = floor(c), pk = m + up;
			double next = pk > c ? pk : m + 1;
			if (next > c1)
				break;
			if (next == pk) {
				double at = (pk - c0) / f;
				struct sim_pen_peak *e =
					&p->peaks[p->peaks_seen % SIM_PEN_PEAK_HISTORY];
				e->index = p->strokes - 1;
				e->t_ns = p->t_ns + (uint64_t)llround(at * 1e9);
				e->peak_um = mean_depth_after(p, at) + p->scatter_um;
				p->peaks_seen++;
			} else {
				new_stroke(p);
			}
			c = next;
		}
		p->cyc = c1;
	}
	if (p->powered) {
		double target = depth_target(p);
		p->depth_filt_um = target + (p->depth_filt_um - target) * exp(-dt / p->settle_s);
	}
	if (p->running)
		p->warm = 1.0 - (1.0 - p->warm) * exp(-dt / WARM_TAU_S);
	else
		p->warm *= exp(-dt / COOL_TAU_S);
	p->t_ns = t1;
}

/* At every grid point: speed wander and spin-up step. */
static void tick(struct sim_pen *p)
{
	double rho = exp(-1e-3 / WANDER_TAU_S);
	p->wander = rho * p->wander +
		    p->speed_wander * sqrt(1 - rho * rho) * rng_gauss(&p->rng_wander);
	if (!p->stalled && sim_fault_struck(&p->f_stall, p->b, p->t_ns))
		p->stalled = true;
	if (!p->jammed && sim_fault_struck(&p->f_unreachable, p->b, p->t_ns)) {
		p->jammed = true;
		p->jam_um = p->depth_filt_um;
	}
	double target = p->running
		? sim_pen_freq_for_raw(p, p->fw.raw[PEN_FW_FREQ], sim_bench_force_n(p->b)) *
			  (p->stalled ? STALL_FACTOR : 1.0)
		: 0.0;
	p->freq_filt_hz = target + (p->freq_filt_hz - target) * exp(-1e-3 / SPINUP_TAU_S);
}

static void motor_follow_firmware(struct sim_pen *p)
{
	if (p->fw.motor_on && !p->running) {
		p->running = true;
		p->cyc = 0;
		new_stroke(p);
	} else if (!p->fw.motor_on && p->running) {
		p->running = false; /* the tips park retracted */
		p->freq_filt_hz = 0;
	}
}

/* The firmware restarts (a brown-out, a watchdog): motor off, RAM and
 * staged tables lost, silent while it boots; saved tables survive. */
static void reboot(struct sim_pen *p)
{
	p->reboots++;
	p->running = false;
	p->freq_filt_hz = 0;
	q_clear(&p->rx);
	q_clear(&p->tx);
	p->line_len = 0;
	p->line_overrun = false;
	p->pen_tx_free_ns = p->t_ns;
	p->ready_ns = p->t_ns + p->boot_ns;
	p->strokes = 0;
	pen_fw_reset(&p->fw);
}

static void line_byte(struct sim_pen *p, uint8_t c)
{
	if (c == '\n') {
		size_t len = p->line_len;
		if (len > 0 && p->line[len - 1] == '\r')
			len--;
		if (sim_fault_hit(&p->f_silent, p->b, p->t_ns)) {
			/* A hung firmware: the line is lost, nothing answers. */
		} else if (p->f_reboot.kind == SIM_FAULT_PROB &&
			   sim_fault_hit(&p->f_reboot, p->b, p->t_ns)) {
			reboot(p);
			return;
		} else if (p->line_overrun) {
			pen_fw_push_error(&p->fw, -363, "line longer than 128 bytes");
		} else if (len > 0 && !memchr(p->line, '?', len) &&
			   sim_fault_hit(&p->f_nak, p->b, p->t_ns)) {
			/* Commands refused, queries still answered. */
			pen_fw_push_error(&p->fw, NAK_CODE, "motor driver fault");
		} else {
			char reply[PEN_FW_REPLY_MAX + 1];
			size_t n = pen_fw_execute(&p->fw, p->line, len, reply, sizeof reply - 1);
			if (n > PEN_FW_REPLY_MAX)
				n = PEN_FW_REPLY_MAX;
			if (n > 0) {
				reply[n++] = '\n';
				if (p->f_garbage.kind == SIM_FAULT_PROB)
					for (size_t i = 0; i < n; i++)
						if (sim_fault_hit(&p->f_garbage, p->b, p->t_ns))
							reply[i] = (char)(rng_u64(&p->rng_noise) & 0xFF);
				send((const uint8_t *)reply, n, &p->pen_ser, &p->host_ser,
				     p->t_ns + p->latency_ns, &p->pen_tx_free_ns, &p->tx);
			}
			motor_follow_firmware(p);
		}
		p->line_len = 0;
		p->line_overrun = false;
		return;
	}
	/* One byte of room for a CR before the LF. */
	if (p->line_len < PEN_FW_LINE_MAX + 1)
		p->line[p->line_len++] = (char)c;
	else
		p->line_overrun = true;
}

static void take_rx(struct sim_pen *p)
{
	while (!q_empty(&p->rx) && p->rx.v[p->rx.head].t_ns <= p->t_ns) {
		uint8_t c = p->rx.v[p->rx.head++].byte;
		if (ready(p))
			line_byte(p, c);
	}
}

static void advance_to(struct sim_pen *p, uint64_t t)
{
	take_rx(p);
	while (p->t_ns < t) {
		uint64_t next = (p->t_ns / TICK_NS + 1) * TICK_NS;
		if (next > t)
			next = t;
		if (!q_empty(&p->rx) && p->rx.v[p->rx.head].t_ns < next)
			next = p->rx.v[p->rx.head].t_ns > p->t_ns ? p->rx.v[p->rx.head].t_ns
								  : p->t_ns;
		if (next == p->t_ns) {
			take_rx(p);
			continue;
		}
		move(p, next);
		if (p->t_ns % TICK_NS == 0)
			tick(p);
		take_rx(p);
	}
}

/* ---- Bench hooks ------------------------------------------------------- */

static void pen_sync(void *self, uint64_t now_ns)
{
	struct sim_pen *p = self;
	advance_to(p, now_ns);
	if (p->f_reboot.kind != SIM_FAULT_PROB && ready(p) &&
	    sim_fault_event(&p->f_reboot, p->b, now_ns))
		reboot(p);
	if (p->f_garbage.kind != SIM_FAULT_PROB && sim_fault_event(&p->f_garbage, p->b, now_ns)) {
		uint8_t noise[GARBAGE_BURST];
		for (size_t i = 0; i < sizeof noise; i++)
			noise[i] = (uint8_t)(rng_u64(&p->rng_noise) & 0xFF);
		send(noise, sizeof noise, &p->host_ser, &p->host_ser, now_ns, &p->pen_tx_free_ns,
		     &p->tx);
	}
}

static double pen_tip(void *ctx, uint64_t t_ns)
{
	struct sim_pen *p = ctx;
	advance_to(p, t_ns);
	return tip_now(p);
}

static void pen_power(void *ctx, bool on)
{
	struct sim_pen *p = ctx;
	advance_to(p, clock_now_ns(p->b->clock));
	if (on == p->powered)
		return;
	if (!on)
		p->frozen_tip_um = tip_now(p);
	p->powered = on;
	p->running = false;
	p->freq_filt_hz = 0;
	q_clear(&p->rx);
	q_clear(&p->tx);
	p->line_len = 0;
	p->line_overrun = false;
	p->pen_tx_free_ns = p->t_ns;
	if (on) {
		p->ready_ns = p->t_ns + p->boot_ns;
		p->strokes = 0;
		pen_fw_reset(&p->fw);
	}
}

static void host_configure(void *dev, const struct serial_settings *s)
{
	struct sim_pen *p = dev;
	p->host_ser = *s;
}

static void host_write(void *dev, const uint8_t *buf, size_t n)
{
	struct sim_pen *p = dev;
	sim_bench_sync(p->b);
	uint64_t now = clock_now_ns(p->b->clock);
	if (!p->powered) { /* an unpowered pen's UART takes nothing */
		uint64_t fr = frame_ns(&p->host_ser);
		p->host_tx_free_ns = (now > p->host_tx_free_ns ? now : p->host_tx_free_ns) + n * fr;
		return;
	}
	send(buf, n, &p->host_ser, &p->pen_ser, now, &p->host_tx_free_ns, &p->rx);
}

static size_t host_read(void *dev, uint8_t *buf, size_t n)
{
	struct sim_pen *p = dev;
	sim_bench_sync(p->b);
	uint64_t now = clock_now_ns(p->b->clock);
	size_t got = 0;
	while (got < n && !q_empty(&p->tx) && p->tx.v[p->tx.head].t_ns <= now)
		buf[got++] = p->tx.v[p->tx.head++].byte;
	return got;
}

static uint64_t host_next_rx(void *dev)
{
	struct sim_pen *p = dev;
	sim_bench_sync(p->b);
	uint64_t next = UINT64_MAX;
	if (!q_empty(&p->tx))
		next = p->tx.v[p->tx.head].t_ns;
	/* Bytes still travelling to the pen may make it answer. */
	if (!q_empty(&p->rx) && p->rx.v[p->rx.head].t_ns < next)
		next = p->rx.v[p->rx.head].t_ns;
	return next;
}

static const struct sim_serial_dev_ops pen_dev_ops = {
	.configure = host_configure,
	.host_write = host_write,
	.host_read = host_read,
	.next_rx_ns = host_next_rx,
};

static void pen_destroy(void *self)
{
	struct sim_pen *p = self;
	if (p->b->tip_ctx == p) {
		p->b->tip_extension_um = NULL;
		p->b->tip_ctx = NULL;
	}
	if (p->b->pen_ctx == p) {
		p->b->pen_power_changed = NULL;
		p->b->pen_ctx = NULL;
	}
	free(p);
}

/* ---- Creation ---------------------------------------------------------- */

static enum rig_rc ident_param(struct sim_bench *b, const char *key, const char *def,
			       char *out, size_t cap, struct rig_err *err)
{
	enum rig_rc rc = sim_param_string(b, key, def, out, cap, err);
	if (rc)
		return rc;
	if (!*out)
		return rig_fail(err, RIG_E_CONFIG, "%s: must not be empty", key);
	for (const char *s = out; *s; s++)
		if (*s == ',' || *s == '"' || (unsigned char)*s < 0x20 ||
		    (unsigned char)*s > 0x7E)
			return rig_fail(err, RIG_E_CONFIG,
					"%s: '%s': only printable ASCII without ',' or '\"'",
					key, out);
	return RIG_OK;
}

static int32_t milli(double v)
{
	return (int32_t)llround(v * 1000.0);
}

enum rig_rc sim_pen_create(struct sim_bench *b, struct sim_model_inst *out,
			   struct rig_err *err)
{
	enum rig_rc rc;
	struct sim_pen *p = calloc(1, sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	p->b = b;
	struct pen_fw *fw = &p->fw;
	double baud, boot_ms, latency_ms, max_depth_um, min_hz, max_hz, max_raw_hz;
	double settle_ms, stroke_mm;
	int shape;
	if ((rc = ident_param(b, "pen.maker", "Dermatech", fw->maker, sizeof fw->maker, err)) ||
	    (rc = ident_param(b, "pen.model", "MN-300", fw->model, sizeof fw->model, err)) ||
	    (rc = ident_param(b, "pen.serial", "MN3-000123", fw->serial, sizeof fw->serial, err)) ||
	    (rc = ident_param(b, "pen.firmware", "1.4.2", fw->firmware, sizeof fw->firmware, err)) ||
	    (rc = sim_param_double(b, "pen.baud", 115200, 1200, 1000000, &baud, err)) ||
	    (rc = sim_param_double(b, "pen.boot_ms", 200, 0, 10000, &boot_ms, err)) ||
	    (rc = sim_param_double(b, "pen.reply_latency_ms", 3, 0, 1000, &latency_ms, err)) ||
	    (rc = sim_param_double(b, "pen.max_depth_um", 3000, 100, 10000, &max_depth_um, err)) ||
	    (rc = sim_param_double(b, "pen.min_freq_hz", 40, 1, 1000, &min_hz, err)) ||
	    (rc = sim_param_double(b, "pen.max_freq_hz", 300, 1, 1000, &max_hz, err)) ||
	    (rc = sim_param_double(b, "pen.max_raw_um", 3300, 100, 10000, &p->max_raw_um, err)) ||
	    (rc = sim_param_double(b, "pen.max_raw_hz", 330, 11, 1100, &max_raw_hz, err)) ||
	    (rc = sim_param_double(b, "pen.depth_gain", 1.04, 0.5, 1.5, &p->depth_gain, err)) ||
	    (rc = sim_param_double(b, "pen.depth_offset_um", -35, -500, 500, &p->depth_offset_um, err)) ||
	    (rc = sim_param_double(b, "pen.depth_nonlinearity", 0.02, -0.3, 0.3, &p->depth_nl, err)) ||
	    (rc = sim_param_double(b, "pen.warmup_drift_um", 12, -200, 200, &p->warmup_drift_um, err)) ||
	    (rc = sim_param_double(b, "pen.freq_gain", 0.97, 0.5, 1.5, &p->freq_gain, err)) ||
	    (rc = sim_param_choice(b, "pen.shape", "sine", shape_names, &shape, err)) ||
	    (rc = sim_param_double(b, "pen.stroke_mm", 2.0, 0.2, 10, &stroke_mm, err)) ||
	    (rc = sim_param_double(b, "pen.depth_sd_um", 4, 0, 200, &p->depth_sd_um, err)) ||
	    (rc = sim_param_double(b, "pen.speed_wander", 0.003, 0, 0.1, &p->speed_wander, err)) ||
	    (rc = sim_param_double(b, "pen.load_droop_per_n", 0.004, 0, 0.05, &p->droop_per_n, err)) ||
	    (rc = sim_param_double(b, "pen.settle_ms", 30, 0.1, 5000, &settle_ms, err)) ||
	    (rc = sim_fault_parse(b, &p->f_silent, "pen.silent", SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &p->f_garbage, "pen.garbage", SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &p->f_nak, "pen.nak", SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &p->f_reboot, "pen.reboot", SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &p->f_stall, "pen.stall", SIM_FAULT_ONCE, err)) ||
	    (rc = sim_fault_parse(b, &p->f_unreachable, "pen.unreachable", SIM_FAULT_ONCE, err)))
		goto fail;
	if (min_hz >= max_hz) {
		rc = rig_fail(err, RIG_E_CONFIG, "pen.min_freq_hz %g must be below pen.max_freq_hz %g",
			      min_hz, max_hz);
		goto fail;
	}
	p->shape = (enum shape)shape;
	p->stroke_um = stroke_mm * 1000.0;
	p->settle_s = settle_ms / 1000.0;
	p->boot_ns = (uint64_t)llround(boot_ms * 1e6);
	p->latency_ns = (uint64_t)llround(latency_ms * 1e6);
	p->pen_ser = serial_8n1((int)baud);
	p->host_ser = p->pen_ser;

	fw->cmd_min_milli[PEN_FW_DEPTH] = 0;
	fw->cmd_max_milli[PEN_FW_DEPTH] = milli(max_depth_um);
	fw->raw_min_milli[PEN_FW_DEPTH] = 0;
	fw->raw_max_milli[PEN_FW_DEPTH] = milli(p->max_raw_um);
	fw->cmd_min_milli[PEN_FW_FREQ] = milli(min_hz);
	fw->cmd_max_milli[PEN_FW_FREQ] = milli(max_hz);
	fw->raw_min_milli[PEN_FW_FREQ] = milli(10);
	fw->raw_max_milli[PEN_FW_FREQ] = milli(max_raw_hz);
	fw->cmd_default_milli[PEN_FW_DEPTH] = milli(fmin(500, max_depth_um));
	fw->cmd_default_milli[PEN_FW_FREQ] = milli(fmax(min_hz, fmin(100, max_hz)));
	pen_fw_reset(fw);

	rng_seed(&p->rng_scatter, b->seed, RNG_STREAM_PEN);
	rng_seed(&p->rng_wander, b->seed, RNG_STREAM_PEN + 1);
	rng_seed(&p->rng_noise, b->seed, RNG_STREAM_PEN + 2);
	p->t_ns = clock_now_ns(b->clock);
	p->pen_tx_free_ns = p->host_tx_free_ns = p->t_ns;
	p->depth_filt_um = sim_pen_depth_for_raw(p, fw->raw[PEN_FW_DEPTH]);
	p->frozen_tip_um = p->depth_filt_um - p->stroke_um;
	p->powered = false;
	if (b->pen_power) { /* the relay is already on: booted long ago */
		p->powered = true;
		p->ready_ns = p->t_ns;
	}

	p->dev = (struct sim_serial_dev){ .ops = &pen_dev_ops, .dev = p, .name = "pen" };
	b->tip_extension_um = pen_tip;
	b->tip_ctx = p;
	b->pen_power_changed = pen_power;
	b->pen_ctx = p;
	*out = (struct sim_model_inst){
		.self = p, .sync = pen_sync, .serial = &p->dev, .destroy = pen_destroy,
	};
	return RIG_OK;
fail:
	free(p);
	return rc;
}

/* ---- Ground truth ------------------------------------------------------ */

struct sim_pen *sim_pen_of(struct sim_bench *b)
{
	return sim_bench_model(b, "pen");
}

void sim_pen_truth(struct sim_pen *p, struct sim_pen_truth *out)
{
	sim_bench_sync(p->b);
	memset(out, 0, sizeof *out);
	out->powered = p->powered;
	out->ready = ready(p);
	out->motor_on = p->running;
	out->cmd_depth_um = p->fw.cmd_milli[PEN_FW_DEPTH] / 1000.0;
	out->cmd_freq_hz = p->fw.cmd_milli[PEN_FW_FREQ] / 1000.0;
	out->raw_depth_um = p->fw.raw[PEN_FW_DEPTH];
	out->raw_freq_hz = p->fw.raw[PEN_FW_FREQ];
	out->warmup_drift_um = p->warm * p->warmup_drift_um;
	out->depth_um = depth_target(p) + out->warmup_drift_um;
	out->depth_now_um = mean_depth_after(p, 0);
	out->depth_sd_um = p->depth_sd_um;
	out->freq_hz = p->running
		? sim_pen_freq_for_raw(p, out->raw_freq_hz, sim_bench_force_n(p->b)) : 0;
	out->freq_now_hz = p->running ? p->freq_filt_hz * (1.0 + p->wander) : 0;
	out->stroke_um = p->stroke_um;
	out->tip_um = tip_now(p);
	out->strokes = p->peaks_seen;
}

size_t sim_pen_peaks(struct sim_pen *p, uint64_t t0_ns, uint64_t t1_ns,
		     struct sim_pen_peak *out, size_t cap)
{
	sim_bench_sync(p->b);
	uint64_t first = p->peaks_seen > SIM_PEN_PEAK_HISTORY
		? p->peaks_seen - SIM_PEN_PEAK_HISTORY : 0;
	size_t n = 0;
	for (uint64_t i = first; i < p->peaks_seen; i++) {
		const struct sim_pen_peak *e = &p->peaks[i % SIM_PEN_PEAK_HISTORY];
		if (e->t_ns < t0_ns || e->t_ns >= t1_ns)
			continue;
		if (n < cap)
			out[n] = *e;
		n++;
	}
	return n;
}

void sim_pen_inject_noise(struct sim_pen *p, const void *bytes, size_t n)
{
	sim_bench_sync(p->b);
	uint64_t now = clock_now_ns(p->b->clock);
	send(bytes, n, &p->host_ser, &p->host_ser, now, &p->pen_tx_free_ns, &p->tx);
}

unsigned sim_pen_saved_table(const struct sim_pen *p, int table,
			     int32_t *cmd_milli, int32_t *raw_milli)
{
	const struct pen_fw_table *t = &p->fw.saved[table ? 1 : 0];
	for (unsigned i = 0; i < t->n; i++) {
		cmd_milli[i] = t->cmd_milli[i];
		raw_milli[i] = t->raw_milli[i];
	}
	return t->n;
}

void sim_pen_set_saved_table(struct sim_pen *p, int table, unsigned n,
			     const int32_t *cmd_milli, const int32_t *raw_milli)
{
	struct pen_fw_table *t = &p->fw.saved[table ? 1 : 0];
	t->n = n > PEN_FW_TABLE_MAX ? PEN_FW_TABLE_MAX : n;
	for (unsigned i = 0; i < t->n; i++) {
		t->cmd_milli[i] = cmd_milli[i];
		t->raw_milli[i] = raw_milli[i];
	}
}

unsigned sim_pen_reboots(const struct sim_pen *p)
{
	return p->reboots;
}
