/* api.c - the ILD1420 driver: strict ASCII configuration with the output
 * stopped, then the binary stream through the protocol decoder.
 *
 * The ASCII dialogue (docs/laser-ild1420.md): a command ends with CR; the
 * sensor may echo it (ECHO ON), then sends reply lines ending CR LF, and
 * finally the prompt "->" at the start of a line. A line "Exxx ..." is an
 * error (the command was refused), "Wxxx ..." a warning (it was done).
 * Binary values keep streaming during an exchange, so configuration starts
 * with OUTPUT NONE and waits until the line is quiet.
 */
#include "dev/laser/laser.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REPLY_BUF 2048
#define RAW_BUF 4096
#define QUIET_MS 20          /* after the prompt of OUTPUT NONE: nothing more */
#define STOP_TIMEOUT_MS 500  /* OUTPUT NONE's prompt may come this late */
#define DEFAULT_CMD_TIMEOUT_MS 1000
#define WRITE_TIMEOUT_MS 200
/* Arrival rate: values must arrive within 1 % of rate_hz. It is judged
 * only at reads that drained the port (fewer than DRAINED_BELOW bytes, and
 * the read before it drained too), with
 * the time taken before and after such a read: then the values in hand are
 * every value the sensor sent until LATENCY_MS before the read (a USB
 * adapter's latency timer), however late this process ran, so a stalled
 * reader is never taken for a slow sensor. A kernel that hands values up
 * later than that (a pty's flip buffer waiting for a starved worker) makes
 * values look missing too, but by an amount that grows only while the
 * kernel falls behind, then stays or shrinks, while a wrong clock's grows
 * for ever: values outside the 1 % are a fault only when they are further
 * outside at each of two judgements CONFIRM_MS apart that follow. */
#define RATE_TOLERANCE 0.01
#define LATENCY_REAL_MS 20
#define LATENCY_VIRTUAL_MS 1
#define CONFIRM_MS 250
/* A tty's line discipline hands over at most 4095 bytes a read, however
 * much waits behind them (a pty or a USB adapter after the reader stalled
 * for 1/3 s at 4 kHz): a read of that much, or near it, may have left a
 * backlog. The read after one may still find the kernel moving the rest
 * up, so it is not judged either. */
#define DRAINED_BELOW 2048

struct laser {
	struct serial_port *port;
	struct rig_clock *clock;
	struct laser_settings set;
	struct laser_info info;
	struct ild1420_decoder dec;
	uint64_t status_count[LASER_STATUS_COUNT];
	bool streaming;
	bool echo;               /* the sensor echoes commands (seen on OUTPUT NONE) */
	uint8_t raw[RAW_BUF];
	size_t raw_pos, raw_len;
	/* Arrival since laser_start(): the first read that drained the port,
	 * taken between ref_before_ns and ref_after_ns, had ref_values. */
	uint64_t ref_before_ns, ref_after_ns, ref_values;
	bool ref_set;
	/* Since the last judgement that found the values within the allowed
	 * range: the last one of the judgements CONFIRM_MS apart, when and by
	 * how many values it found them outside, and how many of these in a
	 * row found them further outside than the one before. */
	uint64_t off_ns;
	double off_values;
	unsigned off_grew;
	bool off_set;
	bool backlog;            /* the last read was not a drain */
};

static const char *pname(const struct laser *l)
{
	return serial_name(l->port);
}

static unsigned ms_left(struct rig_clock *c, uint64_t deadline_ns)
{
	uint64_t now = clock_now_ns(c);
	if (now >= deadline_ns)
		return 0;
	return (unsigned)((deadline_ns - now + RIG_NS_PER_MS - 1) / RIG_NS_PER_MS);
}

/* Send OUTPUT NONE and read (dropping the stream still in flight) until its
 * reply ends in the prompt "\r\n->": four bytes of the L class in a row,
 * which a clean stream never carries. Then nothing more may come for
 * QUIET_MS. The prompt may come up to STOP_TIMEOUT_MS late; the old rule
 * (20 ms of silence is the end) left a late prompt to be read as the next
 * command's reply, and every reply after it one behind. */
static enum rig_rc stop_output(struct laser *l, struct rig_err *err)
{
	static const char cmd[] = "OUTPUT NONE";
	enum rig_rc rc = serial_write_str(l->port, "OUTPUT NONE\r", WRITE_TIMEOUT_MS, err);
	if (rc)
		return rig_err_prefix(err, "laser %s: %s: ", pname(l), cmd);
	uint64_t deadline = clock_now_ns(l->clock) + STOP_TIMEOUT_MS * RIG_NS_PER_MS;
	char tail[sizeof cmd + 4] = "";
	size_t total = 0;
	bool prompt = false;
	uint8_t sink[256];
	while (!prompt) {
		unsigned left = ms_left(l->clock, deadline);
		size_t got = 0;
		if (left == 0 ||
		    (rc = serial_read_some(l->port, sink, sizeof sink, left, &got, err)))
			break;
		for (size_t i = 0; i < got && !prompt; i++) {
			memmove(tail, tail + 1, sizeof tail - 2);
			tail[sizeof tail - 2] = (char)sink[i];
			prompt = !memcmp(tail + sizeof tail - 5, "\r\n->", 4);
		}
		total += got;
	}
	if (rc)
		return rig_err_prefix(err, "laser %s: %s: ", pname(l), cmd);
	if (!prompt && total == 0)
		return rig_fail(err, RIG_E_TIMEOUT,
				"laser %s: no reply to %s within %u ms (sensor off, unplugged, "
				"or baud %d wrong?)", pname(l), cmd, STOP_TIMEOUT_MS, l->set.baud);
	if (!prompt)
		return rig_fail(err, RIG_E_PROTOCOL,
				"laser %s: still receiving data %u ms after %s, and no prompt: the "
				"sensor does not understand us (baud %d wrong? not an ILD1420?)",
				pname(l), STOP_TIMEOUT_MS, cmd, l->set.baud);
	l->echo = !strncasecmp(tail, cmd, strlen(cmd));
	/* Nothing may follow the prompt: the output has stopped. */
	size_t got = 0;
	if ((rc = serial_read_some(l->port, sink, sizeof sink, QUIET_MS, &got, err)))
		return rig_err_prefix(err, "laser %s: %s: ", pname(l), cmd);
	if (got)
		return rig_fail(err, RIG_E_PROTOCOL,
				"laser %s: %zu bytes after the reply to %s: the output did not "
				"stop", pname(l), got, cmd);
	l->raw_pos = l->raw_len = 0;
	return RIG_OK;
}

/* The prompt: "->" at the start of the reply (from) or of a line. */
static const char *find_prompt(const char *buf, size_t from, size_t len)
{
	for (size_t i = from; i + 1 < len; i++)
		if (buf[i] == '-' && buf[i + 1] == '>' && (i == from || buf[i - 1] == '\n'))
			return buf + i;
	return NULL;
}

/* With echo on, a reply is ours only if it starts with our command. */
static bool reply_is_ours(const struct laser *l, const char *body, size_t n, const char *cmd)
{
	size_t k = strlen(cmd);
	/* ECHO itself may switch the echo off before replying. */
	return !l->echo || !strncasecmp(cmd, "ECHO", 4) ||
	       (n > k && !strncasecmp(body, cmd, k) && (body[k] == '\r' || body[k] == '\n'));
}

static bool is_code_line(const char *s, char kind)
{
	return s[0] == kind && isdigit((unsigned char)s[1]) &&
	       isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
	       (s[4] == '\0' || s[4] == ' ');
}

/* One command and its reply up to the prompt. Bytes after the prompt are
 * kept for the decoder (the stream starts right after OUTPUT RS422). */
static enum rig_rc exchange(struct laser *l, const char *cmd, char *reply,
			    size_t cap, struct rig_err *err)
{
	char line[160];
	int ln = snprintf(line, sizeof line, "%s\r", cmd);
	if (ln < 0 || (size_t)ln >= sizeof line)
		return rig_fail(err, RIG_E_INTERNAL, "laser %s: command too long: %s", pname(l), cmd);
	enum rig_rc rc = serial_write(l->port, line, (size_t)ln, WRITE_TIMEOUT_MS, err);
	if (rc)
		return rig_err_prefix(err, "laser %s: %s: ", pname(l), cmd);

	unsigned timeout_ms = l->set.cmd_timeout_ms ? l->set.cmd_timeout_ms : DEFAULT_CMD_TIMEOUT_MS;
	uint64_t deadline = clock_now_ns(l->clock) + (uint64_t)timeout_ms * RIG_NS_PER_MS;
	char buf[REPLY_BUF + 1];
	size_t len = 0, from = 0;
	const char *prompt = NULL;
	while (!prompt) {
		unsigned left = ms_left(l->clock, deadline);
		if (left == 0 || len == REPLY_BUF)
			break;
		size_t got = 0;
		rc = serial_read_some(l->port, buf + len, REPLY_BUF - len, left, &got, err);
		if (rc)
			return rig_err_prefix(err, "laser %s: %s: ", pname(l), cmd);
		len += got;
		/* A prompt whose reply is not ours (a stray one from before)
		 * is passed over: the reply to this command is still to come. */
		while ((prompt = find_prompt(buf, from, len)) &&
		       !reply_is_ours(l, buf + from, (size_t)(prompt - buf) - from, cmd))
			from = (size_t)(prompt - buf) + 2;
	}
	if (!prompt) {
		if (len == 0)
			return rig_fail(err, RIG_E_TIMEOUT,
					"laser %s: no reply to %s within %u ms (sensor off, "
					"unplugged, or baud %d wrong?)", pname(l), cmd, timeout_ms,
					l->set.baud);
		buf[len < 60 ? len : 60] = '\0';
		for (char *p = buf; *p; p++)
			if (!isprint((unsigned char)*p))
				*p = '.';
		return rig_fail(err, RIG_E_PROTOCOL,
				"laser %s: reply to %s has no prompt '->' after %u ms; "
				"received %zu bytes: \"%s\" (baud %d wrong?)", pname(l), cmd,
				timeout_ms, len, buf, l->set.baud);
	}
	size_t body = (size_t)(prompt - buf);
	size_t after = len - body - 2;
	if (after > sizeof l->raw)
		after = sizeof l->raw;
	memcpy(l->raw, prompt + 2, after);
	l->raw_pos = 0;
	l->raw_len = after;
	for (size_t i = from; i < body; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (!isprint(c) && c != '\r' && c != '\n' && c != '\t')
			return rig_fail(err, RIG_E_PROTOCOL,
					"laser %s: reply to %s holds binary byte 0x%02x at %zu: "
					"output not stopped, or baud %d wrong?", pname(l), cmd, c, i,
					l->set.baud);
	}
	buf[body] = '\0';

	/* Lines: the echo (if any) first, then the reply, or an error. */
	size_t rlen = 0;
	if (cap)
		reply[0] = '\0';
	bool first = true;
	for (char *save = NULL, *s = strtok_r(buf + from, "\r\n", &save); s;
	     s = strtok_r(NULL, "\r\n", &save)) {
		if (first && strcasecmp(s, cmd) == 0) {
			first = false;
			continue;
		}
		first = false;
		if (is_code_line(s, 'E'))
			return rig_fail(err, RIG_E_DEVICE, "laser %s: %s: the sensor refused it: %s",
					pname(l), cmd, s);
		if (is_code_line(s, 'W'))
			continue; /* a warning: the command was carried out */
		if (cap) {
			int n = snprintf(reply + rlen, cap - rlen, "%s%s", rlen ? "\n" : "", s);
			if (n > 0)
				rlen = rlen + (size_t)n < cap ? rlen + (size_t)n : cap - 1;
		}
	}
	return RIG_OK;
}

enum rig_rc laser_command(struct laser *l, const char *cmd, char *reply,
			  size_t cap, struct rig_err *err)
{
	if (l->streaming)
		return rig_fail_cause(err, RIG_E_INTERNAL, RIG_CAUSE_LASER,
				      "laser %s: %s: commands need the output stopped (laser_stop)",
				      pname(l), cmd);
	enum rig_rc rc = exchange(l, cmd, reply, cap, err);
	if (!rc && !strcasecmp(cmd, "ECHO ON"))
		l->echo = true;
	else if (!rc && !strcasecmp(cmd, "ECHO OFF"))
		l->echo = false;
	return rig_err_cause(err, rc, RIG_CAUSE_LASER);
}

/* "Key: value" from a reply, trimmed, or NULL. */
static bool info_field(const char *reply, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	for (const char *p = reply; p && *p;) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > klen && strncasecmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1;
			while (*v == ' ')
				v++;
			size_t vn = n - (size_t)(v - p);
			if (vn >= cap)
				vn = cap - 1;
			memcpy(out, v, vn);
			out[vn] = '\0';
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

static enum rig_rc read_info(struct laser *l, struct rig_err *err)
{
	char reply[1024], range[32];
	enum rig_rc rc = exchange(l, "GETINFO", reply, sizeof reply, err);
	if (rc)
		return rc;
	struct laser_info *in = &l->info;
	info_field(reply, "Name", in->name, sizeof in->name);
	info_field(reply, "Serial", in->serial, sizeof in->serial);
	info_field(reply, "Option", in->option, sizeof in->option);
	info_field(reply, "Article", in->article, sizeof in->article);
	info_field(reply, "Version", in->firmware, sizeof in->firmware);
	char *end = NULL;
	if (info_field(reply, "Measuring range", range, sizeof range))
		in->range_mm = strtod(range, &end);
	if (!end || end == range || strcmp(end, "mm") != 0 || !(in->range_mm > 0))
		return rig_fail(err, RIG_E_PROTOCOL,
				"laser %s: GETINFO: expected \"Measuring range: <n>mm\", "
				"found %s%s%s", pname(l), end ? "\"" : "no such line",
				end ? range : "", end ? "\"" : "");
	if (!in->name[0])
		return rig_fail(err, RIG_E_PROTOCOL,
				"laser %s: GETINFO: the reply has no \"Name:\" line", pname(l));
	if (strncmp(in->name, "ILD1420", 7) != 0)
		return rig_fail(err, RIG_E_CONFIG,
				"laser %s: expected an ILD1420, the sensor says it is '%s'",
				pname(l), in->name);
	if (fabs(in->range_mm - l->set.range_mm) > 1e-6 * l->set.range_mm)
		return rig_fail(err, RIG_E_CONFIG,
				"laser %s: sensor %s (serial %s) has a %g mm measuring range, "
				"the fixture expects %g mm: wrong sensor on this port?",
				pname(l), in->name, in->serial, in->range_mm, l->set.range_mm);
	return RIG_OK;
}

static enum rig_rc set_rate(struct laser *l, struct rig_err *err)
{
	char cmd[48], reply[128];
	snprintf(cmd, sizeof cmd, "MEASRATE %g", l->set.rate_hz / 1000.0);
	enum rig_rc rc = exchange(l, cmd, reply, sizeof reply, err);
	if (rc)
		return rc;
	if ((rc = exchange(l, "MEASRATE", reply, sizeof reply, err)))
		return rc;
	double khz = 0;
	char tail;
	if (sscanf(reply, "MEASRATE %lf%c", &khz, &tail) != 1)
		return rig_fail(err, RIG_E_PROTOCOL,
				"laser %s: MEASRATE: expected \"MEASRATE <kHz>\", found \"%s\"",
				pname(l), reply);
	if (fabs(khz * 1000.0 - l->set.rate_hz) > 1e-6 * l->set.rate_hz)
		return rig_fail(err, RIG_E_DEVICE,
				"laser %s: MEASRATE: set %g kHz, the sensor reports %g kHz",
				pname(l), l->set.rate_hz / 1000.0, khz);
	return RIG_OK;
}

/* The shutter time: switch the added output on, stream until
 * SHUTTER_BLOCKS whole blocks (distance, shutter) came, stop, switch it off.
 * The sensor is the truth: one that varies, or differs from what the
 * fixture expects, is a configuration to fix. */
#define SHUTTER_BLOCKS 8
#define SHUTTER_READ_MS 500
static enum rig_rc read_shutter(struct laser *l, struct rig_err *err)
{
	struct ild1420_block_scan sc;
	ild1420_block_scan_init(&sc);
	enum rig_rc rc;
	if ((rc = exchange(l, "OUTADD_RS422 SHUTTER", NULL, 0, err)) ||
	    (rc = exchange(l, "OUTPUT RS422", NULL, 0, err)))
		return rc;
	ild1420_block_scan_feed(&sc, l->raw + l->raw_pos, l->raw_len - l->raw_pos);
	uint64_t deadline = clock_now_ns(l->clock) + SHUTTER_READ_MS * RIG_NS_PER_MS;
	unsigned left;
	while (sc.blocks < SHUTTER_BLOCKS && (left = ms_left(l->clock, deadline)) > 0) {
		size_t got = 0;
		if ((rc = serial_read_some(l->port, l->raw, sizeof l->raw, left, &got, err)))
			return rig_err_prefix(err, "laser %s: OUTADD_RS422 SHUTTER: ", pname(l));
		ild1420_block_scan_feed(&sc, l->raw, got);
	}
	if ((rc = stop_output(l, err)) || (rc = exchange(l, "OUTADD_RS422 NONE", NULL, 0, err)))
		return rc;
	if (sc.blocks < SHUTTER_BLOCKS)
		return rig_fail(err, RIG_E_PROTOCOL,
				"laser %s: OUTADD_RS422 SHUTTER: %llu blocks of distance and "
				"shutter time in %u ms, expected %u: the sensor does not add its "
				"shutter time to the output", pname(l),
				(unsigned long long)sc.blocks, SHUTTER_READ_MS, SHUTTER_BLOCKS);
	double lo = sc.shutter_min * ILD1420_SHUTTER_US_PER_COUNT;
	double hi = sc.shutter_max * ILD1420_SHUTTER_US_PER_COUNT;
	if (sc.shutter_max != sc.shutter_min)
		return rig_fail(err, RIG_E_CONFIG,
				"laser %s: the shutter time varies (%.1f..%.1f us over %llu "
				"values): an automatic exposure; the depth's exposure correction "
				"needs a fixed one", pname(l), lo, hi, (unsigned long long)sc.blocks);
	l->info.exposure_us = lo;
	double want = l->set.exposure_us;
	if (want > 0 && fabs(want - lo) > ILD1420_SHUTTER_US_PER_COUNT + 1e-9)
		return rig_fail(err, RIG_E_CONFIG,
				"laser %s: the fixture's [laser] exposure_us is %g us, the sensor "
				"reports a shutter time of %.1f us: correct the fixture (or set it "
				"to 0 to take the sensor's)", pname(l), want, lo);
	return RIG_OK;
}

static enum rig_rc check_settings(const char *port, const struct laser_settings *s,
				  struct rig_err *err)
{
	if (!ild1420_rate_supported(s->rate_hz))
		return rig_fail(err, RIG_E_CONFIG,
				"laser %s: rate_hz: the ILD1420 measures at 250, 500, 1000, "
				"2000 or 4000 Hz, found %g", port, s->rate_hz);
	if (s->rate_hz * ILD1420_BITS_PER_VALUE > s->baud)
		return rig_fail(err, RIG_E_CONFIG,
				"laser %s: %g Hz needs %g bit/s on the wire, the port runs at "
				"%d baud: raise the baud or lower the rate", port, s->rate_hz,
				s->rate_hz * ILD1420_BITS_PER_VALUE, s->baud);
	if (!(s->range_mm > 0))
		return rig_fail(err, RIG_E_CONFIG, "laser %s: range_mm must be > 0, found %g",
				port, s->range_mm);
	return RIG_OK;
}

enum rig_rc laser_open(struct laser **out, struct serial_port *port,
		       const struct laser_settings *settings, struct rig_err *err)
{
	*out = NULL;
	enum rig_rc rc = check_settings(serial_name(port), settings, err);
	if (rc)
		return rig_err_cause(err, rc, RIG_CAUSE_LASER);
	struct laser *l = calloc(1, sizeof *l);
	if (!l)
		return rig_fail_cause(err, RIG_E_NOMEM, RIG_CAUSE_LASER, "laser %s: out of memory",
				      serial_name(port));
	l->port = port;
	l->clock = port->hal->clock;
	l->set = *settings;
	ild1420_decoder_init(&l->dec, settings->range_mm);

	/* Stale bytes from before (a reply nobody read) are not ours. */
	if ((rc = serial_flush_input(port, err)) || (rc = stop_output(l, err)) ||
	    (rc = read_info(l, err)) ||
	    (rc = exchange(l, "LASERPOW FULL", NULL, 0, err)) ||
	    (rc = exchange(l, "OUTADD_RS422 NONE", NULL, 0, err)) ||
	    (rc = set_rate(l, err)) ||
	    (l->set.read_shutter && (rc = read_shutter(l, err))))
		goto fail;
	*out = l;
	return RIG_OK;
fail:
	free(l);
	return rig_err_cause(err, rc, RIG_CAUSE_LASER);
}

void laser_close(struct laser *l)
{
	if (!l)
		return;
	if (l->streaming)
		laser_stop(l, NULL);
	free(l);
}

const struct laser_info *laser_info(const struct laser *l)
{
	return &l->info;
}

enum rig_rc laser_start(struct laser *l, struct rig_err *err)
{
	if (l->streaming)
		return RIG_OK;
	enum rig_rc rc = serial_flush_input(l->port, err);
	if (rc)
		return rig_err_cause(err, rc, RIG_CAUSE_LASER);
	ild1420_decoder_init(&l->dec, l->info.range_mm);
	memset(l->status_count, 0, sizeof l->status_count);
	l->ref_set = l->backlog = l->off_set = false;
	/* What follows the prompt is the stream: exchange() keeps it. */
	if ((rc = exchange(l, "OUTPUT RS422", NULL, 0, err)))
		return rig_err_cause(err, rc, RIG_CAUSE_LASER);
	l->streaming = true;
	return RIG_OK;
}

enum rig_rc laser_stop(struct laser *l, struct rig_err *err)
{
	l->streaming = false;
	return rig_err_cause(err, stop_output(l, err), RIG_CAUSE_LASER);
}

/* Values at reads that drained the port, against rate_hz. Between the
 * reference read (ref) and this one (taken between t_before and t_after),
 * the sensor sent values - values_ref (within 2: a frame split across
 * reads, the rounding of junk to slots) in at least t_before - latency -
 * ref_after and at most t_after - ref_before + latency. Outside when the
 * whole range of rates that allows is more than 1 % off rate_hz; a fault
 * when two judgements in a row, each CONFIRM_MS or more after the one
 * before, found more values beyond the allowance than the one before. */
static enum rig_rc check_arrival(struct laser *l, uint64_t t_before, uint64_t t_after,
				 uint64_t values, struct rig_err *err)
{
	if (!l->ref_set) {
		l->ref_set = true;
		l->ref_before_ns = t_before;
		l->ref_after_ns = t_after;
		l->ref_values = values;
		return RIG_OK;
	}
	double lat_s = (clock_is_virtual(l->clock) ? LATENCY_VIRTUAL_MS : LATENCY_REAL_MS) / 1e3;
	double n = (double)(values - l->ref_values), want = l->set.rate_hz;
	double shortest_s = ((double)t_before - (double)l->ref_after_ns) / 1e9 - lat_s;
	double longest_s = ((double)t_after - (double)l->ref_before_ns) / 1e9 + lat_s;
	/* Values beyond what the range allows: too few, or too many. */
	double few = shortest_s > 0 ? want * (1 - RATE_TOLERANCE) * shortest_s - (n + 2) : 0;
	double many = (n - 2) - want * (1 + RATE_TOLERANCE) * longest_s;
	double beyond = fmax(few, many);

	if (beyond <= 0) {
		l->off_set = false;
		return RIG_OK;
	}
	if (!l->off_set) {
		l->off_set = true;
		l->off_grew = 0;
	} else if (t_after - l->off_ns < (uint64_t)CONFIRM_MS * RIG_NS_PER_MS) {
		return RIG_OK;
	} else {
		l->off_grew = beyond > l->off_values ? l->off_grew + 1 : 0;
	}
	uint64_t since_ns = l->off_ns;
	l->off_ns = t_after;
	l->off_values = beyond;
	if (l->off_grew < 2)
		return RIG_OK;
	double hi = shortest_s > 0 ? (n + 2) / shortest_s : INFINITY;
	double lo = (n - 2) / longest_s;
	double e_s = (double)(t_after - l->ref_after_ns) / 1e9;
	double got = n / e_s;
	return rig_fail(err, RIG_E_DEVICE,
			"laser %s: values arrive at %.0f/s (%.0f in %.3f s), the fixture's "
			"rate_hz %g: %+.1f %%, more than 1 %% off (%.0f..%.0f/s allowing %.0f "
			"ms of transport delay), and further off than %.0f ms before: a failing "
			"sensor clock, or another MEASRATE",
			pname(l), got, n, e_s, want, (got / want - 1) * 100, lo, hi, lat_s * 1e3,
			(double)(t_after - since_ns) / 1e6);
}

enum rig_rc laser_read(struct laser *l, struct laser_sample *buf, size_t cap,
		       unsigned timeout_ms, size_t *n, struct rig_err *err)
{
	*n = 0;
	if (!l->streaming)
		return rig_fail_cause(err, RIG_E_INTERNAL, RIG_CAUSE_LASER,
				      "laser %s: read before laser_start", pname(l));
	if (cap == 0)
		return RIG_OK;
	uint64_t deadline = clock_now_ns(l->clock) + (uint64_t)timeout_ms * RIG_NS_PER_MS;
	size_t bytes = 0;
	for (;;) {
		size_t used = 0;
		size_t w = ild1420_decode(&l->dec, l->raw + l->raw_pos, l->raw_len - l->raw_pos,
					  buf, cap, &used);
		l->raw_pos += used;
		if (w) {
			for (size_t i = 0; i < w; i++)
				l->status_count[buf[i].status]++;
			*n = w;
			return RIG_OK;
		}
		l->raw_pos = l->raw_len = 0; /* all taken: nothing decoded */
		unsigned left = ms_left(l->clock, deadline);
		if (left == 0)
			break;
		size_t got = 0;
		uint64_t t_before = clock_now_ns(l->clock);
		enum rig_rc rc = serial_read_some(l->port, l->raw, sizeof l->raw, left, &got, err);
		if (rc)
			return rig_err_cause(err, rig_err_prefix(err, "laser %s: ", pname(l)),
					     RIG_CAUSE_LASER);
		l->raw_len = got;
		bytes += got;
		/* Drained (the port had little, and had little before): judge
		 * the rate. */
		bool judge = got && got < DRAINED_BELOW && !l->backlog;
		l->backlog = got >= DRAINED_BELOW;
		if (judge && (rc = check_arrival(l, t_before, clock_now_ns(l->clock),
						 l->dec.count.values + got / 3, err)))
			return rig_err_cause(err, rc, RIG_CAUSE_LASER);
	}
	if (bytes == 0)
		return rig_fail_cause(err, RIG_E_TIMEOUT, RIG_CAUSE_LASER,
				      "laser %s: no data for %u ms (unplugged?)", pname(l), timeout_ms);
	return rig_fail_cause(err, RIG_E_PROTOCOL, RIG_CAUSE_LASER,
			      "laser %s: %zu bytes in %u ms but not one value (baud %d wrong?)",
			      pname(l), bytes, timeout_ms, l->set.baud);
}

const struct ild1420_counters *laser_counters(const struct laser *l)
{
	return &l->dec.count;
}

uint64_t laser_status_count(const struct laser *l, enum laser_status s)
{
	return (unsigned)s < LASER_STATUS_COUNT ? l->status_count[s] : 0;
}

enum rig_rc laser_mean(struct laser *l, size_t n_valid, size_t max_bad,
		       unsigned timeout_ms, struct laser_mean *out,
		       struct rig_err *err)
{
	return laser_mean_checked(l, n_valid, max_bad, timeout_ms, NULL, NULL, out, err);
}

enum rig_rc laser_mean_checked(struct laser *l, size_t n_valid, size_t max_bad,
			       unsigned timeout_ms,
			       enum rig_rc (*check)(void *ctx, struct rig_err *err),
			       void *check_ctx, struct laser_mean *out, struct rig_err *err)
{
	*out = (struct laser_mean){ .min_mm = INFINITY, .max_mm = -INFINITY };
	size_t bad[LASER_STATUS_COUNT] = { 0 };
	double mean = 0, m2 = 0;
	double mean_i = 0, m2_i = 0, co = 0; /* index, and index x distance */
	struct laser_sample s[256];
	while (out->n_ok < n_valid) {
		size_t n = 0;
		enum rig_rc rc = laser_read(l, s, sizeof s / sizeof s[0], timeout_ms, &n, err);
		if (!rc && check) /* what it found is its own (the e-stop) */
			rc = check(check_ctx, err);
		if (rc)
			return rc;
		for (size_t i = 0; i < n && out->n_ok < n_valid; i++) {
			if (s[i].status != LASER_OK) {
				bad[s[i].status]++;
				if (s[i].status == LASER_LOST)
					out->n_lost++;
				else
					out->n_error++;
				continue;
			}
			double d = s[i].dist_mm, x = (double)out->n_ok;
			out->n_ok++;
			double delta = d - mean, dx = x - mean_i;
			mean += delta / (double)out->n_ok;
			mean_i += dx / (double)out->n_ok;
			m2 += delta * (d - mean);
			m2_i += dx * (x - mean_i);
			co += dx * (d - mean);
			if (d < out->min_mm)
				out->min_mm = d;
			if (d > out->max_mm)
				out->max_mm = d;
		}
		if (out->n_error + out->n_lost > max_bad) {
			int worst = LASER_LOST;
			for (int st = LASER_LOST; st < LASER_STATUS_COUNT; st++)
				if (bad[st] > bad[worst])
					worst = st;
			return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_LASER,
					      "laser %s: %zu values were not distances after %zu "
					      "good ones (at most %zu allowed); mostly '%s' (%zu): is "
					      "the target in the measuring range?", pname(l),
					      out->n_error + out->n_lost, out->n_ok, max_bad,
					      laser_status_name((enum laser_status)worst), bad[worst]);
		}
	}
	out->mean_mm = mean;
	out->sd_um = out->n_ok > 1 ? sqrt(m2 / (double)(out->n_ok - 1)) * 1000.0 : 0.0;
	out->drift_um = m2_i > 0 ? co / m2_i * (double)(out->n_ok - 1) * 1000.0 : 0.0;
	return RIG_OK;
}
