/* laser.c - the virtual ILD1420 (see sim/laser.h and docs/laser-ild1420.md).
 *
 * Time: the sensor samples at t_k = t0 + k / (rate * (1 + clock_ppm 1e-6))
 * on its own clock. Each value goes into the transmit queue as three bytes;
 * a byte reaches the host when its 10 bits (8N1) have gone over the line
 * after the previous one, so frames and ASCII replies interleave exactly as
 * a UART would send them. Samples are taken lazily: every access from the
 * rig syncs the bench to the clock's now first (this model is synced before
 * the pen, so it sees the tips at every instant before they move on).
 *
 * Faults it models: a host at another baud or framing reads garbage and is
 * not understood; a measuring rate the baud cannot carry sends only every
 * n-th value, as the error value 262075; a host that does not read for a
 * long time loses the newest bytes (driver buffer overrun); a pulled cable.
 */
#include "sim/laser.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dev/laser/protocol.h"

#define CMD_LINE_MAX 128
#define REPLY_MAX 1024
#define REPLY_DELAY_NS (300 * RIG_NS_PER_US) /* command processing */
#define BOOT_NS (1000 * RIG_NS_PER_MS)       /* RESET until streaming again */
#define QUEUE_MAX_BYTES (1u << 22)           /* ~6 min at 4 kHz unread */
#define SIM_STREAM_ID 0x1a5e9u
#define DRIFT_PPM 50000.0  /* fault.laser.rate_drift: the sensor's clock 5 % fast */

enum laser_pow { POW_FULL, POW_REDUCED, POW_OFF };
enum laser_output { OUT_NONE, OUT_RS422, OUT_ANALOG };

struct sim_laser {
	struct sim_bench *b;
	struct sim_serial_dev dev;
	struct rig_rng rng;

	/* Parameters. */
	double noise_um, zero_mm, range_mm, clock_ppm, powerup_rate_hz;
	char serial[32];
	int baud;

	/* Settings (volatile: RESET and power-up restore them). */
	double rate_hz;
	enum laser_output output;
	enum laser_pow pow;
	bool echo;

	/* Sampling on the sensor's clock. */
	uint64_t t0_ns;
	uint64_t k;            /* next sample index since t0 */
	double period_ns;
	unsigned decim;        /* > 1: the baud cannot carry the rate */
	uint64_t quiet_until_ns; /* no values before (reply, boot) */
	uint64_t boot_until_ns;  /* rebooting: nothing understood */

	/* The host's side of the line. */
	bool host_ok;          /* same baud and framing as the sensor */
	bool unplugged;
	uint64_t garble;
	char line[CMD_LINE_MAX];
	size_t line_len;
	bool line_long;

	/* Transmit queue: bytes and the instants their stop bits end. */
	uint8_t *qb;
	uint64_t *qt;
	size_t qcap, qhead, qlen;
	uint64_t line_free_ns;
	uint64_t byte_ns;
	uint64_t overrun;

	struct sim_laser_truth *truth;
	size_t truth_cap, truth_n;

	/* Faults (sim/fault.h, docs/virtual-bench.md). */
	struct sim_fault f_unplug, f_no_target, f_byte_drop, f_byte_garbage, f_rate_drift;
	bool drifted;
	struct rig_rng rng_noise;
};

static const double ranges_mm[] = { 10, 25, 50, 100, 200, 500 };

static void power_up_settings(struct sim_laser *l, uint64_t t0_ns);

/* ---- transmit queue ---------------------------------------------------- */

static bool queue_grow(struct sim_laser *l)
{
	size_t ncap = l->qcap ? l->qcap * 2 : 4096;
	if (ncap > QUEUE_MAX_BYTES)
		return false;
	uint8_t *nb = malloc(ncap);
	uint64_t *nt = malloc(ncap * sizeof *nt);
	if (!nb || !nt) {
		free(nb);
		free(nt);
		return false;
	}
	for (size_t i = 0; i < l->qlen; i++) {
		size_t j = (l->qhead + i) % l->qcap;
		nb[i] = l->qb[j];
		nt[i] = l->qt[j];
	}
	free(l->qb);
	free(l->qt);
	l->qb = nb;
	l->qt = nt;
	l->qcap = ncap;
	l->qhead = 0;
	return true;
}

/* Send bytes no earlier than t_ns, after whatever is on the line. */
static void send_bytes(struct sim_laser *l, const uint8_t *p, size_t n, uint64_t t_ns)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t start = t_ns > l->line_free_ns ? t_ns : l->line_free_ns;
		l->line_free_ns = start + l->byte_ns;
		if (l->unplugged || sim_fault_event(&l->f_byte_drop, l->b, l->line_free_ns))
			continue;
		uint8_t byte = p[i];
		if (sim_fault_event(&l->f_byte_garbage, l->b, l->line_free_ns))
			byte = (uint8_t)(rng_u64(&l->rng_noise) & 0xFF);
		if (l->qlen == l->qcap && !queue_grow(l)) {
			l->overrun++; /* the host's buffer is full: newest bytes lost */
			continue;
		}
		size_t j = (l->qhead + l->qlen) % l->qcap;
		l->qb[j] = byte;
		l->qt[j] = l->line_free_ns;
		l->qlen++;
	}
}

/* ---- sampling ------------------------------------------------------------ */

static uint64_t sample_t_ns(const struct sim_laser *l, uint64_t k)
{
	return l->t0_ns + (uint64_t)llround((double)k * l->period_ns);
}

static void set_rate(struct sim_laser *l, double rate_hz, uint64_t t0_ns)
{
	l->rate_hz = rate_hz;
	l->period_ns = 1e9 / (rate_hz * (1.0 + (l->clock_ppm + (l->drifted ? DRIFT_PPM : 0)) * 1e-6));
	l->t0_ns = t0_ns;
	l->k = 0;
	double bits_per_s = rate_hz * ILD1420_BITS_PER_VALUE;
	l->decim = bits_per_s > l->baud ? (unsigned)(bits_per_s / l->baud) + 1 : 1;
}

static uint32_t measure(struct sim_laser *l, uint64_t t_ns, double *true_mm)
{
	*true_mm = NAN;
	if (l->pow == POW_OFF)
		return ILD1420_ERR_LASER_OFF;
	if (sim_fault_hit(&l->f_no_target, l->b, t_ns))
		return ILD1420_ERR_NO_PEAK; /* dirt on the window, the target gone */
	double ext_um = 0.0;
	switch (l->b->target) {
	case SIM_TARGET_NONE:
		return ILD1420_ERR_NO_PEAK;
	case SIM_TARGET_FLAT:
		break;
	case SIM_TARGET_PEN:
		if (l->b->tip_extension_um)
			ext_um = l->b->tip_extension_um(l->b->tip_ctx, t_ns);
		break;
	}
	*true_mm = l->zero_mm - ext_um / 1000.0;
	double d_mm = *true_mm + l->noise_um / 1000.0 * rng_gauss(&l->rng);
	/* The receiver sees -1 % .. 101 % of MR; beyond, no distance. */
	if (d_mm < -0.01 * l->range_mm)
		return ILD1420_ERR_PEAK_BEFORE; /* closer than the range starts */
	if (d_mm > 1.01 * l->range_mm)
		return ILD1420_ERR_PEAK_AFTER;
	return ild1420_x_from_mm(d_mm, l->range_mm);
}

static void take_sample(struct sim_laser *l, uint64_t k, uint64_t t_ns)
{
	if (l->decim > 1 && k % l->decim)
		return; /* the line is still busy with the previous value */
	double true_mm;
	uint32_t raw = measure(l, t_ns, &true_mm);
	if (l->decim > 1)
		raw = ILD1420_ERR_DATA_RATE;
	if (l->truth && l->truth_n < l->truth_cap)
		l->truth[l->truth_n++] = (struct sim_laser_truth){
			.t_ns = t_ns, .dist_mm = true_mm, .raw = raw,
		};
	uint8_t frame[3];
	ild1420_encode(raw, 0, frame);
	send_bytes(l, frame, 3, t_ns);
}

static bool streaming(const struct sim_laser *l)
{
	return l->output == OUT_RS422;
}

static void laser_sync(void *self, uint64_t now_ns)
{
	struct sim_laser *l = self;
	if (!l->unplugged && sim_fault_struck(&l->f_unplug, l->b, now_ns)) {
		l->unplugged = true;
		l->qlen = 0; /* what was on the wire is gone */
	}
	if (!l->drifted && sim_fault_struck(&l->f_rate_drift, l->b, now_ns)) {
		/* The oscillator jumps: samples go on from the next one, faster. */
		uint64_t next = sample_t_ns(l, l->k);
		l->drifted = true;
		set_rate(l, l->rate_hz, next);
	}
	if (!streaming(l) || now_ns < l->quiet_until_ns) {
		/* Nothing to send: skip ahead without sampling. */
		if (now_ns >= l->t0_ns) {
			uint64_t k = (uint64_t)floor((double)(now_ns - l->t0_ns) / l->period_ns) + 1;
			if (k > l->k)
				l->k = k;
		}
		return;
	}
	for (;;) {
		uint64_t t = sample_t_ns(l, l->k);
		if (t > now_ns)
			break;
		if (t >= l->quiet_until_ns)
			take_sample(l, l->k, t);
		l->k++;
	}
}

/* ---- ASCII commands ------------------------------------------------------ */

struct reply {
	char text[REPLY_MAX];
	size_t len;
	bool error;
};

__attribute__((format(printf, 2, 3)))
static void reply_line(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(r->text + r->len, sizeof r->text - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len > sizeof r->text - 3)
		r->len = sizeof r->text - 3;
	r->text[r->len++] = '\r';
	r->text[r->len++] = '\n';
	r->text[r->len] = '\0';
}

/* Error numbers are the virtual laser's choice (docs/laser-ild1420.md). */
#define E_UNKNOWN "E210 Unknown command"
#define E_PARAM "E208 Wrong parameter"
#define E_RANGE "E236 Value out of range"
#define E_OPTION "E230 Option not available"
#define E_TOO_LONG "E204 Command too long"

static void cmd_getinfo(struct sim_laser *l, struct reply *r)
{
	reply_line(r, "Name: ILD1420-%g", l->range_mm);
	reply_line(r, "Serial: %s", l->serial);
	reply_line(r, "Option: 000");
	unsigned article = 4120212;
	for (unsigned i = 0; i < sizeof ranges_mm / sizeof ranges_mm[0]; i++)
		if (l->range_mm == ranges_mm[i])
			article += i; /* only the 10 mm number is the manual's */
	reply_line(r, "Article: %u", article);
	reply_line(r, "Cable head: Wire");
	reply_line(r, "Measuring range: %.2fmm", l->range_mm);
	reply_line(r, "Version: 001.010");
	reply_line(r, "Hardware-rev: 00");
	reply_line(r, "Boot-version: 001.000");
}

static int word_is(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static void power_up_settings(struct sim_laser *l, uint64_t t0_ns)
{
	l->output = OUT_RS422; /* factory setting: binary output on RS-422 */
	l->pow = POW_FULL;
	l->echo = true;
	set_rate(l, l->powerup_rate_hz, t0_ns);
}

/* Run one command line received at now_ns and queue its reply. */
static void run_command(struct sim_laser *l, char *line, uint64_t now_ns)
{
	struct reply r = { .len = 0 };
	char *argv[8];
	int argc = 0;
	char echo[CMD_LINE_MAX + 1];
	snprintf(echo, sizeof echo, "%s", line);
	for (char *tok = strtok(line, " \t"); tok && argc < 8; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	if (argc == 0) {
		/* An empty line just gets a fresh prompt. */
	} else if (word_is(argv[0], "GETINFO") && argc == 1) {
		cmd_getinfo(l, &r);
	} else if (word_is(argv[0], "OUTPUT")) {
		static const char *const names[] = { "NONE", "RS422", "ANALOG" };
		if (argc == 1) {
			reply_line(&r, "OUTPUT %s", names[l->output]);
		} else if (argc == 2 && (word_is(argv[1], "NONE") || word_is(argv[1], "RS422") ||
					 word_is(argv[1], "ANALOG"))) {
			enum laser_output o = word_is(argv[1], "NONE") ? OUT_NONE :
					      word_is(argv[1], "RS422") ? OUT_RS422 : OUT_ANALOG;
			l->output = o;
		} else {
			reply_line(&r, E_PARAM);
		}
	} else if (word_is(argv[0], "MEASRATE")) {
		if (argc == 1) {
			reply_line(&r, "MEASRATE %g", l->rate_hz / 1000.0);
		} else if (argc == 2) {
			char *end;
			double khz = strtod(argv[1], &end);
			if (*end || end == argv[1])
				reply_line(&r, E_PARAM);
			else if (!ild1420_rate_supported(khz * 1000.0))
				reply_line(&r, E_RANGE);
			else
				set_rate(l, khz * 1000.0, now_ns + REPLY_DELAY_NS);
		} else {
			reply_line(&r, E_PARAM);
		}
	} else if (word_is(argv[0], "OUTADD_RS422")) {
		static const char *const known[] = { "SHUTTER", "COUNTER", "TIMESTAMP",
						     "INTENSITY", "STATE", "DIST_RAW", NULL };
		if (argc == 1) {
			reply_line(&r, "OUTADD_RS422 NONE");
		} else if (argc == 2 && word_is(argv[1], "NONE")) {
			/* already none */
		} else {
			bool all_known = true;
			for (int i = 1; i < argc; i++) {
				bool k = false;
				for (int j = 0; known[j]; j++)
					k = k || word_is(argv[i], known[j]);
				all_known = all_known && k;
			}
			reply_line(&r, all_known ? E_OPTION : E_PARAM);
		}
	} else if (word_is(argv[0], "LASERPOW")) {
		static const char *const names[] = { "FULL", "REDUCED", "OFF" };
		if (argc == 1) {
			reply_line(&r, "LASERPOW %s", names[l->pow]);
		} else if (argc == 2 && word_is(argv[1], "FULL")) {
			l->pow = POW_FULL;
		} else if (argc == 2 && word_is(argv[1], "REDUCED")) {
			l->pow = POW_REDUCED;
		} else if (argc == 2 && word_is(argv[1], "OFF")) {
			l->pow = POW_OFF;
		} else {
			reply_line(&r, E_PARAM);
		}
	} else if (word_is(argv[0], "ECHO")) {
		if (argc == 1)
			reply_line(&r, "ECHO %s", l->echo ? "ON" : "OFF");
		else if (argc == 2 && word_is(argv[1], "ON"))
			l->echo = true;
		else if (argc == 2 && word_is(argv[1], "OFF"))
			l->echo = false;
		else
			reply_line(&r, E_PARAM);
	} else if (word_is(argv[0], "RESET") && argc == 1) {
		/* Replies, then reboots; settings are not stored. */
	} else if (word_is(argv[0], "HELP")) {
		reply_line(&r, "GETINFO ECHO HELP LASERPOW MEASRATE OUTADD_RS422 OUTPUT RESET");
	} else if (word_is(argv[0], "GETINFO") || word_is(argv[0], "RESET")) {
		reply_line(&r, E_PARAM);
	} else {
		reply_line(&r, E_UNKNOWN);
	}

	char out[REPLY_MAX + CMD_LINE_MAX + 8];
	size_t n = 0;
	if (l->echo)
		n += (size_t)snprintf(out, sizeof out, "%s\r\n", echo);
	if (r.len == 0 && !l->echo)
		n += (size_t)snprintf(out + n, sizeof out - n, "\r\n");
	memcpy(out + n, r.text, r.len);
	n += r.len;
	memcpy(out + n, "->", 2);
	n += 2;
	send_bytes(l, (const uint8_t *)out, n, now_ns + REPLY_DELAY_NS);

	/* Streaming (re)starts behind the reply, never inside it. */
	if (argc >= 1 && word_is(argv[0], "RESET") && argc == 1) {
		l->boot_until_ns = l->line_free_ns + BOOT_NS;
		l->quiet_until_ns = l->boot_until_ns;
		power_up_settings(l, l->boot_until_ns);
		l->line_len = 0;
	} else if (l->line_free_ns > l->quiet_until_ns && r.len == 0 && argc == 2 &&
		   (word_is(argv[0], "OUTPUT") || word_is(argv[0], "MEASRATE"))) {
		l->quiet_until_ns = l->line_free_ns;
	}
}

static void take_char(struct sim_laser *l, char c, uint64_t now_ns)
{
	if (c == '\r') {
		if (l->line_long) {
			send_bytes(l, (const uint8_t *)E_TOO_LONG "\r\n->",
				   strlen(E_TOO_LONG "\r\n->"), now_ns + REPLY_DELAY_NS);
		} else {
			l->line[l->line_len] = '\0';
			run_command(l, l->line, now_ns);
		}
		l->line_len = 0;
		l->line_long = false;
	} else if (c == '\n') {
		/* CR ends a command; a trailing LF is ignored. */
	} else if (l->line_len + 1 < sizeof l->line) {
		l->line[l->line_len++] = c;
	} else {
		l->line_long = true;
	}
}

/* ---- serial device ------------------------------------------------------- */

static void dev_configure(void *dev, const struct serial_settings *s)
{
	struct sim_laser *l = dev;
	double ratio = (double)s->baud / l->baud;
	l->host_ok = ratio > 0.98 && ratio < 1.02 && s->data_bits == 8 &&
		     s->parity == 'N' && s->stop_bits == 1;
}

static void dev_host_write(void *dev, const uint8_t *buf, size_t n)
{
	struct sim_laser *l = dev;
	sim_bench_sync(l->b);
	uint64_t now = clock_now_ns(l->b->clock);
	/* Unplugged, booting or at another baud: nothing is understood. */
	if (l->unplugged || !l->host_ok || now < l->boot_until_ns)
		return;
	for (size_t i = 0; i < n; i++)
		take_char(l, (char)buf[i], now);
}

static uint8_t garble(struct sim_laser *l, uint8_t c)
{
	l->garble = l->garble * 6364136223846793005ull + 1442695040888963407ull + c;
	return (uint8_t)(l->garble >> 57 ^ c << 1);
}

static size_t dev_host_read(void *dev, uint8_t *buf, size_t n)
{
	struct sim_laser *l = dev;
	sim_bench_sync(l->b);
	uint64_t now = clock_now_ns(l->b->clock);
	size_t got = 0;
	while (got < n && l->qlen && l->qt[l->qhead] <= now) {
		uint8_t c = l->qb[l->qhead];
		buf[got++] = l->host_ok ? c : garble(l, c);
		l->qhead = (l->qhead + 1) % l->qcap;
		l->qlen--;
	}
	return got;
}

static uint64_t dev_next_rx_ns(void *dev)
{
	struct sim_laser *l = dev;
	if (l->unplugged)
		return UINT64_MAX;
	if (l->qlen)
		return l->qt[l->qhead];
	if (!streaming(l))
		return UINT64_MAX;
	uint64_t t = sample_t_ns(l, l->k);
	if (t < l->quiet_until_ns)
		t = l->quiet_until_ns;
	return t + l->byte_ns;
}

static const struct sim_serial_dev_ops laser_dev_ops = {
	.configure = dev_configure,
	.host_write = dev_host_write,
	.host_read = dev_host_read,
	.next_rx_ns = dev_next_rx_ns,
};

/* ---- model --------------------------------------------------------------- */

static void laser_destroy(void *self)
{
	struct sim_laser *l = self;
	if (!l)
		return;
	free(l->qb);
	free(l->qt);
	free(l->truth);
	free(l);
}

enum rig_rc sim_laser_create(struct sim_bench *b, struct sim_model_inst *out,
			     struct rig_err *err)
{
	enum rig_rc rc;
	struct sim_laser *l = calloc(1, sizeof *l);
	if (!l)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	l->b = b;
	double baud;
	if ((rc = sim_param_double(b, "laser.range_mm", 10, 10, 500, &l->range_mm, err)) ||
	    (rc = sim_param_double(b, "laser.zero_mm", 5.0, 0, 500, &l->zero_mm, err)) ||
	    (rc = sim_param_double(b, "laser.noise_um", 0.5, 0, 1000, &l->noise_um, err)) ||
	    (rc = sim_param_double(b, "laser.rate_hz", 4000, 250, 4000,
				   &l->powerup_rate_hz, err)) ||
	    (rc = sim_param_double(b, "laser.clock_ppm", 0, -1000, 1000, &l->clock_ppm, err)) ||
	    (rc = sim_param_double(b, "laser.baud", ILD1420_DEFAULT_BAUD, 9600, 1000000,
				   &baud, err)) ||
	    (rc = sim_param_string(b, "laser.serial", "19010042", l->serial,
				   sizeof l->serial, err)) ||
	    (rc = sim_fault_parse(b, &l->f_unplug, "laser.unplug", SIM_FAULT_ONCE, err)) ||
	    (rc = sim_fault_parse(b, &l->f_no_target, "laser.no_target",
				  SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &l->f_byte_drop, "laser.byte_drop",
				  SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &l->f_byte_garbage, "laser.byte_garbage",
				  SIM_FAULT_ONCE | SIM_FAULT_PER_OP, err)) ||
	    (rc = sim_fault_parse(b, &l->f_rate_drift, "laser.rate_drift", SIM_FAULT_ONCE, err)))
		goto fail;
	bool range_ok = false;
	for (size_t i = 0; i < sizeof ranges_mm / sizeof ranges_mm[0]; i++)
		range_ok = range_ok || l->range_mm == ranges_mm[i];
	if (!range_ok) {
		rc = rig_fail(err, RIG_E_CONFIG,
			      "laser.range_mm: the ILD1420 comes in 10, 25, 50, 100, 200 "
			      "and 500 mm, found %g", l->range_mm);
		goto fail;
	}
	if (!(l->zero_mm > 0 && l->zero_mm < l->range_mm)) {
		rc = rig_fail(err, RIG_E_CONFIG,
			      "laser.zero_mm: the contact plane must lie inside the "
			      "measuring range 0..%g mm, found %g", l->range_mm, l->zero_mm);
		goto fail;
	}
	if (!ild1420_rate_supported(l->powerup_rate_hz)) {
		rc = rig_fail(err, RIG_E_CONFIG,
			      "laser.rate_hz: the ILD1420 measures at 250, 500, 1000, 2000 "
			      "or 4000 Hz, found %g", l->powerup_rate_hz);
		goto fail;
	}
	l->baud = (int)baud;
	l->byte_ns = (uint64_t)llround(10.0 * 1e9 / baud);
	rng_seed(&l->rng, b->seed, SIM_STREAM_ID);
	rng_seed(&l->rng_noise, b->seed, SIM_STREAM_ID + 1);
	l->garble = b->seed ^ 0x9e3779b97f4a7c15ull;
	l->host_ok = true;
	power_up_settings(l, clock_now_ns(b->clock));

	l->dev = (struct sim_serial_dev){ .ops = &laser_dev_ops, .dev = l, .name = "laser" };
	*out = (struct sim_model_inst){
		.self = l,
		.sync = laser_sync,
		.serial = &l->dev,
		.destroy = laser_destroy,
	};
	return RIG_OK;
fail:
	laser_destroy(l);
	return rc;
}

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
		l->qlen = 0; /* what was on the wire is gone */
}

double sim_laser_rate_hz(const struct sim_laser *l)
{
	return l->rate_hz;
}

bool sim_laser_streaming(const struct sim_laser *l)
{
	return streaming(l);
}

double sim_laser_zero_mm(const struct sim_laser *l)
{
	return l->zero_mm;
}

uint64_t sim_laser_overrun_bytes(const struct sim_laser *l)
{
	return l->overrun;
}
