/* pen.c - the virtual pen on the bench: its power relay, its firmware
 * (sim/pen_scpi.c) on the serial line to the host (sim/uart.h), the
 * faults of the firmware and the line, and its creation from the [sim]
 * parameters. The mechanics are in sim/pen_motion.c.
 *
 * Bytes from the host reach the firmware at their arrival time on the
 * wire; a line's effect starts when its LF arrives, and its reply leaves
 * after the firmware's latency, one byte time per byte.
 *
 * Power: the pen is powered iff the bench relay is on (b->pen_power; off at
 * bench start). Power-on boots for pen.boot_ms (silent, bytes lost), then
 * RAM is reset; saved tables survive.
 */
#include "sim/pen_state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QCAP 8192            /* bytes in flight each way */
#define RNG_STREAM_PEN 0x70656eu
#define GARBAGE_BURST 16     /* bytes of noise a fault.pen.garbage burst puts on the line */
#define NAK_CODE -240        /* fault.pen.nak: SCPI "Hardware error" */

bool pen_ready(const struct sim_pen *p)
{
	return p->powered && p->t_ns >= p->ready_ns;
}

/* Both ends of the line lose what was in flight; the firmware's line
 * buffer is empty. */
static void line_reset(struct sim_pen *p)
{
	sim_uart_dev_reset(&p->uart, p->t_ns);
	p->line_len = 0;
	p->line_overrun = false;
}

/* The firmware restarts (a brown-out, a watchdog): motor off, RAM and
 * staged tables lost, silent while it boots; saved tables survive. */
static void reboot(struct sim_pen *p)
{
	p->reboots++;
	pen_motor_stop(p);
	line_reset(p);
	p->ready_ns = p->t_ns + p->boot_ns;
	p->strokes = 0;
	pen_fw_reset(&p->fw);
}

/* Execute one command line and send its reply (with fault.pen.garbage's
 * p= form scrambling reply bytes). */
static void execute_line(struct sim_pen *p, size_t len)
{
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
		sim_uart_dev_send(&p->uart, reply, n, p->t_ns + p->latency_ns);
	}
	pen_motor_follow_firmware(p);
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
			execute_line(p, len);
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
	uint8_t c;
	while (sim_uart_dev_take(&p->uart, p->t_ns, &c))
		if (pen_ready(p))
			line_byte(p, c);
}

static void advance_to(struct sim_pen *p, uint64_t t)
{
	take_rx(p);
	while (p->t_ns < t) {
		uint64_t next = (p->t_ns / PEN_TICK_NS + 1) * PEN_TICK_NS;
		if (next > t)
			next = t;
		uint64_t rx = sim_uart_dev_next_ns(&p->uart);
		if (rx < next)
			next = rx > p->t_ns ? rx : p->t_ns;
		if (next == p->t_ns) {
			take_rx(p);
			continue;
		}
		pen_move(p, next);
		if (p->t_ns % PEN_TICK_NS == 0)
			pen_tick(p);
		take_rx(p);
	}
}

/* ---- Bench hooks ------------------------------------------------------- */

static void pen_sync(void *self, uint64_t now_ns)
{
	struct sim_pen *p = self;
	advance_to(p, now_ns);
	if (p->f_reboot.kind != SIM_FAULT_PROB && pen_ready(p) &&
	    sim_fault_event(&p->f_reboot, p->b, now_ns))
		reboot(p);
	if (p->f_garbage.kind != SIM_FAULT_PROB && sim_fault_event(&p->f_garbage, p->b, now_ns)) {
		uint8_t noise[GARBAGE_BURST];
		for (size_t i = 0; i < sizeof noise; i++)
			noise[i] = (uint8_t)(rng_u64(&p->rng_noise) & 0xFF);
		sim_uart_noise(&p->uart, noise, sizeof noise, now_ns);
	}
}

static double pen_tip(void *ctx, uint64_t t_ns)
{
	struct sim_pen *p = ctx;
	advance_to(p, t_ns);
	return pen_tip_now(p);
}

static void pen_power(void *ctx, bool on)
{
	struct sim_pen *p = ctx;
	advance_to(p, clock_now_ns(p->b->clock));
	if (on == p->powered)
		return;
	if (!on)
		p->frozen_tip_um = pen_tip_now(p);
	p->powered = on;
	pen_motor_stop(p);
	line_reset(p);
	if (on) {
		p->ready_ns = p->t_ns + p->boot_ns;
		p->strokes = 0;
		pen_fw_reset(&p->fw);
	}
}

static void host_configure(void *dev, const struct serial_settings *s)
{
	struct sim_pen *p = dev;
	sim_uart_host_configure(&p->uart, s);
}

static void host_write(void *dev, const uint8_t *buf, size_t n)
{
	struct sim_pen *p = dev;
	sim_bench_sync(p->b);
	/* An unpowered pen's UART takes nothing. */
	sim_uart_host_send(&p->uart, buf, n, clock_now_ns(p->b->clock), p->powered);
}

static size_t host_read(void *dev, uint8_t *buf, size_t n)
{
	struct sim_pen *p = dev;
	sim_bench_sync(p->b);
	return sim_uart_host_read(&p->uart, buf, n, clock_now_ns(p->b->clock));
}

static uint64_t host_next_rx(void *dev)
{
	struct sim_pen *p = dev;
	sim_bench_sync(p->b);
	uint64_t next = sim_uart_host_next_ns(&p->uart);
	/* Bytes still travelling to the pen may make it answer. */
	uint64_t rx = sim_uart_dev_next_ns(&p->uart);
	return rx < next ? rx : next;
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
	sim_uart_free(&p->uart);
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

/* The firmware's limits and defaults, from the parameters. */
struct fw_limits {
	double max_depth_um, min_hz, max_hz, max_raw_hz;
};

static void set_fw_limits(struct sim_pen *p, const struct fw_limits *lim)
{
	struct pen_fw *fw = &p->fw;
	fw->cmd_min_milli[PEN_FW_DEPTH] = 0;
	fw->cmd_max_milli[PEN_FW_DEPTH] = milli(lim->max_depth_um);
	fw->raw_min_milli[PEN_FW_DEPTH] = 0;
	fw->raw_max_milli[PEN_FW_DEPTH] = milli(p->max_raw_um);
	fw->cmd_min_milli[PEN_FW_FREQ] = milli(lim->min_hz);
	fw->cmd_max_milli[PEN_FW_FREQ] = milli(lim->max_hz);
	fw->raw_min_milli[PEN_FW_FREQ] = milli(10);
	fw->raw_max_milli[PEN_FW_FREQ] = milli(lim->max_raw_hz);
	fw->cmd_default_milli[PEN_FW_DEPTH] = milli(fmin(500, lim->max_depth_um));
	fw->cmd_default_milli[PEN_FW_FREQ] = milli(fmax(lim->min_hz, fmin(100, lim->max_hz)));
	pen_fw_reset(fw);
}

/* The parameters of the firmware, the wire and the mechanics. */
static enum rig_rc read_params(struct sim_pen *p, struct fw_limits *lim, double *baud,
			       struct rig_err *err)
{
	struct sim_bench *b = p->b;
	struct pen_fw *fw = &p->fw;
	double boot_ms, latency_ms, settle_ms, stroke_mm;
	int shape;
	enum rig_rc rc;
	if ((rc = ident_param(b, "pen.maker", "Dermatech", fw->maker, sizeof fw->maker, err)) ||
	    (rc = ident_param(b, "pen.model", "MN-300", fw->model, sizeof fw->model, err)) ||
	    (rc = ident_param(b, "pen.serial", "MN3-000123", fw->serial, sizeof fw->serial, err)) ||
	    (rc = ident_param(b, "pen.firmware", "1.4.2", fw->firmware, sizeof fw->firmware, err)) ||
	    (rc = sim_param_double(b, "pen.baud", 115200, 1200, 1000000, baud, err)) ||
	    (rc = sim_param_double(b, "pen.boot_ms", 200, 0, 10000, &boot_ms, err)) ||
	    (rc = sim_param_double(b, "pen.reply_latency_ms", 3, 0, 1000, &latency_ms, err)) ||
	    (rc = sim_param_double(b, "pen.max_depth_um", 3000, 100, 10000, &lim->max_depth_um, err)) ||
	    (rc = sim_param_double(b, "pen.min_freq_hz", 40, 1, 1000, &lim->min_hz, err)) ||
	    (rc = sim_param_double(b, "pen.max_freq_hz", 300, 1, 1000, &lim->max_hz, err)) ||
	    (rc = sim_param_double(b, "pen.max_raw_um", 3300, 100, 10000, &p->max_raw_um, err)) ||
	    (rc = sim_param_double(b, "pen.max_raw_hz", 330, 11, 1100, &lim->max_raw_hz, err)) ||
	    (rc = sim_param_double(b, "pen.depth_gain", 1.04, 0.5, 1.5, &p->depth_gain, err)) ||
	    (rc = sim_param_double(b, "pen.depth_offset_um", -35, -500, 500, &p->depth_offset_um, err)) ||
	    (rc = sim_param_double(b, "pen.depth_nonlinearity", 0.02, -0.3, 0.3, &p->depth_nl, err)) ||
	    (rc = sim_param_double(b, "pen.warmup_drift_um", 12, -200, 200, &p->warmup_drift_um, err)) ||
	    (rc = sim_param_double(b, "pen.freq_gain", 0.97, 0.5, 1.5, &p->freq_gain, err)) ||
	    (rc = sim_param_choice(b, "pen.shape", "sine", pen_shape_names, &shape, err)) ||
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
	    (rc = sim_fault_parse(b, &p->f_unreachable, "pen.unreachable", SIM_FAULT_ONCE, err)) ||
	    (rc = pen_motion_params(p, err)))
		return rc;
	if (lim->min_hz >= lim->max_hz)
		return rig_fail(err, RIG_E_CONFIG,
				"pen.min_freq_hz %g must be below pen.max_freq_hz %g",
				lim->min_hz, lim->max_hz);
	p->shape = (enum pen_shape)shape;
	p->stroke_um = stroke_mm * 1000.0;
	p->settle_s = settle_ms / 1000.0;
	p->boot_ns = (uint64_t)llround(boot_ms * 1e6);
	p->latency_ns = (uint64_t)llround(latency_ms * 1e6);
	return RIG_OK;
}

enum rig_rc sim_pen_create(struct sim_bench *b, struct sim_model_inst *out,
			   struct rig_err *err)
{
	struct sim_pen *p = calloc(1, sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	p->b = b;
	struct fw_limits lim;
	double baud;
	enum rig_rc rc = read_params(p, &lim, &baud, err);
	if (rc) {
		free(p);
		return rc;
	}
	set_fw_limits(p, &lim);

	rng_seed(&p->rng_scatter, b->seed, RNG_STREAM_PEN);
	rng_seed(&p->rng_wander, b->seed, RNG_STREAM_PEN + 1);
	rng_seed(&p->rng_noise, b->seed, RNG_STREAM_PEN + 2);
	p->t_ns = clock_now_ns(b->clock);
	sim_uart_init(&p->uart, serial_8n1((int)baud), QCAP, p->t_ns);
	p->depth_filt_um = sim_pen_depth_for_raw(p, p->fw.raw[PEN_FW_DEPTH]);
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
}

void sim_pen_inject_noise(struct sim_pen *p, const void *bytes, size_t n)
{
	sim_bench_sync(p->b);
	sim_uart_noise(&p->uart, bytes, n, clock_now_ns(p->b->clock));
}
