/* api.c - the pen driver over a serial port: one command at a time, stale
 * input flushed first, replies read to their LF within the timeout, and
 * every command that can be refused followed by SYST:ERR?. */
#include "dev/pen/pen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/pen/protocol.h"

struct pen {
	struct serial_port *port;
	struct rig_clock *clock;
	struct pen_settings set;
	int last_code;
	char last_text[PEN_REPLY_MAX + 1];
};

static const char *const table_name[2] = { "DEPTH", "FREQ" };

struct pen_settings pen_settings_default(void)
{
	return (struct pen_settings){ .timeout_ms = 200 };
}

enum rig_rc pen_open(struct pen **out, struct serial_port *port,
		     struct rig_clock *clock, const struct pen_settings *s,
		     struct rig_err *err)
{
	*out = NULL;
	if (s->timeout_ms == 0 || s->timeout_ms > 60000)
		return rig_fail(err, RIG_E_CONFIG, "%s: pen timeout_ms must be 1..60000, found %u",
				serial_name(port), s->timeout_ms);
	struct pen *p = calloc(1, sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", serial_name(port));
	p->port = port;
	p->clock = clock;
	p->set = *s;
	*out = p;
	return RIG_OK;
}

void pen_close(struct pen *p)
{
	free(p);
}

int pen_last_error(const struct pen *p, const char **text)
{
	if (text)
		*text = p->last_text;
	return p->last_code;
}

/* Put context in front of an error on the pen's line; it is the line's
 * unless it already says what failed. */
__attribute__((format(printf, 2, 3)))
static enum rig_rc pen_link(struct rig_err *err, const char *fmt, ...)
{
	char head[RIG_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	return rig_err_cause(err, rig_err_prefix(err, "%s", head), RIG_CAUSE_PEN_LINK);
}

/* ---- Lines ------------------------------------------------------------- */

static enum rig_rc send_line(struct pen *p, const char *cmd, struct rig_err *err)
{
	char buf[PEN_LINE_MAX + 2];
	enum rig_rc rc = pen_proto_check_command(cmd, err);
	if (rc)
		return pen_link(err, "%s: ", serial_name(p->port));
	if ((rc = serial_flush_input(p->port, err)))
		return rig_err_cause(err, rc, RIG_CAUSE_PEN_LINK);
	size_t n = strlen(cmd);
	memcpy(buf, cmd, n);
	buf[n++] = '\n';
	rc = serial_write(p->port, buf, n, p->set.timeout_ms, err);
	return rig_err_cause(err, rc, RIG_CAUSE_PEN_LINK);
}

/* Read one reply line (CR LF or LF) into out, without its terminator. */
static enum rig_rc read_line(struct pen *p, const char *cmd, char *out, size_t cap,
			     struct rig_err *err)
{
	char buf[PEN_REPLY_MAX + 2];
	char shown[96];
	size_t len = 0;
	uint64_t deadline = clock_now_ns(p->clock) +
			    (uint64_t)p->set.timeout_ms * RIG_NS_PER_MS;
	const char *port = serial_name(p->port);
	for (;;) {
		uint64_t now = clock_now_ns(p->clock);
		if (now >= deadline) {
			if (len == 0)
				return rig_fail_cause(err, RIG_E_TIMEOUT, RIG_CAUSE_PEN_SILENT,
						      "%s: no reply to '%s' within %u ms (is the pen "
						      "powered and booted, and the port at %d baud 8N1?)",
						      port, cmd, p->set.timeout_ms, PEN_BAUD);
			pen_proto_escape(shown, sizeof shown, buf, len);
			return rig_fail_cause(err, RIG_E_TIMEOUT, RIG_CAUSE_PEN_LINK,
					      "%s: reply to '%s' not finished within %u ms: "
					      "%zu bytes without LF: '%s'",
					      port, cmd, p->set.timeout_ms, len, shown);
		}
		unsigned left_ms = (unsigned)((deadline - now + RIG_NS_PER_MS - 1) / RIG_NS_PER_MS);
		char c;
		size_t got = 0;
		enum rig_rc rc;
		if (p->set.check) {
			if ((rc = p->set.check(p->set.check_ctx, err)))
				return rc;
			if (left_ms > PEN_CHECK_MS)
				left_ms = PEN_CHECK_MS;
		}
		if ((rc = serial_read_some(p->port, &c, 1, left_ms, &got, err)))
			return rig_err_cause(err, rc, RIG_CAUSE_PEN_LINK);
		if (got == 0)
			continue;
		if (c == '\n') {
			if (len > 0 && buf[len - 1] == '\r')
				len--;
			break;
		}
		if (len > 0 && buf[len - 1] == '\r') {
			pen_proto_escape(shown, sizeof shown, buf, len);
			return rig_fail_cause(err, RIG_E_PROTOCOL, RIG_CAUSE_PEN_LINK,
					      "%s: reply to '%s': CR not followed by LF: '%s'",
					      port, cmd, shown);
		}
		if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7E) {
			if (c == '\r' && len < sizeof buf) {
				buf[len++] = c; /* must be followed by LF: checked next */
				continue;
			}
			buf[len < sizeof buf ? len++ : len - 1] = c;
			pen_proto_escape(shown, sizeof shown, buf, len);
			return rig_fail_cause(err, RIG_E_PROTOCOL, RIG_CAUSE_PEN_LINK,
					      "%s: reply to '%s': byte 0x%02X at offset %zu is not "
					      "printable ASCII (line noise, or the port not at %d baud "
					      "8N1?): '%s'",
					      port, cmd, (unsigned char)c, len - 1, PEN_BAUD, shown);
		}
		if (len == PEN_REPLY_MAX) {
			pen_proto_escape(shown, sizeof shown, buf, len);
			return rig_fail_cause(err, RIG_E_PROTOCOL, RIG_CAUSE_PEN_LINK,
					      "%s: reply to '%s' longer than %d bytes: '%s'",
					      port, cmd, PEN_REPLY_MAX, shown);
		}
		buf[len++] = c;
	}
	if (len >= cap)
		return rig_fail_cause(err, RIG_E_PROTOCOL, RIG_CAUSE_PEN_LINK,
				      "%s: reply to '%s' of %zu bytes does not fit %zu",
				      port, cmd, len, cap - 1);
	memcpy(out, buf, len);
	out[len] = '\0';
	return RIG_OK;
}

static enum rig_rc query(struct pen *p, const char *cmd, char *reply, size_t cap,
			 struct rig_err *err)
{
	enum rig_rc rc = send_line(p, cmd, err);
	if (!rc)
		rc = read_line(p, cmd, reply, cap, err);
	return rc;
}

/* Put the port and command in front of a parser's message. */
static enum rig_rc parsed(struct pen *p, const char *cmd, enum rig_rc rc,
			  struct rig_err *err)
{
	if (rc)
		pen_link(err, "%s: reply to '%s': ", serial_name(p->port), cmd);
	return rc;
}

/* Ask SYST:ERR? after `cmd`. A refusal: remember it, drain the rest of the
 * queue (so the next command starts clean) and return RIG_E_DEVICE. */
static enum rig_rc check_error(struct pen *p, const char *cmd, struct rig_err *err)
{
	char reply[PEN_REPLY_MAX + 1];
	int code;
	char text[PEN_REPLY_MAX + 1];
	enum rig_rc rc = query(p, "SYST:ERR?", reply, sizeof reply, err);
	if (rc)
		return rc;
	if ((rc = parsed(p, "SYST:ERR?", pen_proto_parse_error(reply, &code, text, sizeof text, err), err)))
		return rc;
	if (code == 0)
		return RIG_OK;
	p->last_code = code;
	snprintf(p->last_text, sizeof p->last_text, "%s", text);
	for (int i = 0; i < PEN_ERR_QUEUE; i++) {
		int more;
		char t2[PEN_REPLY_MAX + 1];
		if (query(p, "SYST:ERR?", reply, sizeof reply, NULL) ||
		    pen_proto_parse_error(reply, &more, t2, sizeof t2, NULL) || more == 0)
			break;
	}
	/* Its own hardware error is the pen's fault wherever it comes; the
	 * code travels in the cause, not in the pen (freed when identify
	 * fails). */
	bool hardware = code <= PEN_HW_ERROR_FIRST && code >= PEN_HW_ERROR_LAST;
	return rig_fail_cause(err, RIG_E_DEVICE,
			      hardware ? RIG_CAUSE_PEN_HARDWARE : RIG_CAUSE_PEN_REFUSED,
			      "%s: the pen refused '%s': %d,\"%s\"",
			      serial_name(p->port), cmd, code, p->last_text);
}

static enum rig_rc command(struct pen *p, const char *cmd, struct rig_err *err)
{
	enum rig_rc rc = send_line(p, cmd, err);
	if (!rc)
		rc = check_error(p, cmd, err);
	return rc;
}

static enum rig_rc set_value(struct pen *p, const char *name, double v,
			     struct rig_err *err)
{
	int32_t m;
	if (!pen_proto_to_milli(v, &m))
		return rig_fail_cause(err, RIG_E_DATA, RIG_CAUSE_PEN_LINK,
				      "%s: %s %g is not a value the pen can take",
				      serial_name(p->port), name, v);
	char num[24], cmd[48];
	pen_proto_format_milli(num, sizeof num, m);
	snprintf(cmd, sizeof cmd, "%s %s", name, num);
	return command(p, cmd, err);
}

static enum rig_rc get_value(struct pen *p, const char *cmd, double *v,
			     struct rig_err *err)
{
	char reply[PEN_REPLY_MAX + 1];
	enum rig_rc rc = query(p, cmd, reply, sizeof reply, err);
	if (!rc)
		rc = parsed(p, cmd, pen_proto_parse_number(reply, v, err), err);
	return rc;
}

/* ---- Operations -------------------------------------------------------- */

enum rig_rc pen_wait_ready(struct pen *p, unsigned timeout_ms, struct rig_err *err)
{
	uint64_t deadline = clock_now_ns(p->clock) + (uint64_t)timeout_ms * RIG_NS_PER_MS;
	char reply[PEN_REPLY_MAX + 1];
	struct rig_err last = { 0 };
	for (;;) {
		enum rig_rc rc = query(p, "*OPC?", reply, sizeof reply, &last);
		if (!rc && strcmp(reply, "1") == 0)
			return command(p, "*CLS", err);
		if (!rc)
			rig_fail(&last, RIG_E_PROTOCOL, "%s: reply to '*OPC?': expected '1', found '%.40s'",
				 serial_name(p->port), reply);
		if (clock_now_ns(p->clock) >= deadline) {
			/* No reply after power-on: the pen or its line (cable,
			 * adapter, relay, socket), unproven which; a pen that
			 * has answered once and then stops is a hang (its
			 * own). Anything else: its line. */
			enum rig_cause cause = last.cause == RIG_CAUSE_PEN_SILENT
						       ? RIG_CAUSE_PEN_NO_ANSWER
						       : RIG_CAUSE_PEN_LINK;
			return rig_fail_cause(err, last.rc ? last.rc : RIG_E_TIMEOUT, cause,
					      "%s: the pen was not ready within %u ms: %s",
					      serial_name(p->port), timeout_ms, last.msg);
		}
		for (int i = 0; i < 20 / PEN_CHECK_MS; i++) {
			enum rig_rc crc = p->set.check ? p->set.check(p->set.check_ctx, err) : RIG_OK;
			if (crc)
				return crc;
			clock_sleep_ns(p->clock, PEN_CHECK_MS * RIG_NS_PER_MS);
		}
	}
}

enum rig_rc pen_identify(struct pen *p, struct pen_identity *id, struct rig_err *err)
{
	char reply[PEN_REPLY_MAX + 1];
	enum rig_rc rc = query(p, "*IDN?", reply, sizeof reply, err);
	if (!rc)
		rc = parsed(p, "*IDN?", pen_proto_parse_idn(reply, id, err), err);
	return rc;
}

enum rig_rc pen_reset(struct pen *p, struct rig_err *err)
{
	return command(p, "*RST", err);
}

enum rig_rc pen_set_depth_um(struct pen *p, double depth_um, struct rig_err *err)
{
	return set_value(p, "DEPTH", depth_um, err);
}

enum rig_rc pen_get_depth_um(struct pen *p, double *depth_um, struct rig_err *err)
{
	return get_value(p, "DEPTH?", depth_um, err);
}

enum rig_rc pen_set_freq_hz(struct pen *p, double freq_hz, struct rig_err *err)
{
	return set_value(p, "FREQ", freq_hz, err);
}

enum rig_rc pen_get_freq_hz(struct pen *p, double *freq_hz, struct rig_err *err)
{
	return get_value(p, "FREQ?", freq_hz, err);
}

enum rig_rc pen_set_motor(struct pen *p, bool on, struct rig_err *err)
{
	return command(p, on ? "MOTOR ON" : "MOTOR OFF", err);
}

enum rig_rc pen_get_motor(struct pen *p, bool *on, struct rig_err *err)
{
	char reply[PEN_REPLY_MAX + 1];
	enum rig_rc rc = query(p, "MOTOR?", reply, sizeof reply, err);
	if (!rc)
		rc = parsed(p, "MOTOR?", pen_proto_parse_bool(reply, on, err), err);
	return rc;
}

enum rig_rc pen_raw(struct pen *p, const char *line, char *reply, size_t cap,
		    bool *replied, struct rig_err *err)
{
	*replied = false;
	if (pen_proto_is_query(line)) {
		enum rig_rc rc = query(p, line, reply, cap, err);
		*replied = rc == RIG_OK;
		return rc;
	}
	return command(p, line, err);
}

/* ---- Calibration ------------------------------------------------------- */

static enum rig_rc cal_cmd(struct pen *p, enum pen_table w, const char *what,
			   struct rig_err *err)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "CAL:%s:%s", table_name[w], what);
	return command(p, cmd, err);
}

enum rig_rc pen_cal_factory(struct pen *p, enum pen_table which, struct rig_err *err)
{
	return cal_cmd(p, which, "FACTORY", err);
}

enum rig_rc pen_cal_stage(struct pen *p, enum pen_table which,
			  const struct pen_cal_table *t, struct rig_err *err)
{
	uint32_t ours, theirs;
	unsigned n;
	char cmd[PEN_LINE_MAX + 1], reply[PEN_REPLY_MAX + 1], a[24], b[24];
	enum rig_rc rc = pen_proto_table_crc(t, &ours, err);
	if (rc)
		return pen_link(err, "%s: %s ", serial_name(p->port), table_name[which]);
	if ((rc = cal_cmd(p, which, "STAGE:CLEAR", err)))
		return rc;
	for (unsigned i = 0; i < t->n; i++) {
		int32_t cm = 0, rm = 0;
		pen_proto_to_milli(t->cmd[i], &cm);
		pen_proto_to_milli(t->raw[i], &rm);
		pen_proto_format_milli(a, sizeof a, cm);
		pen_proto_format_milli(b, sizeof b, rm);
		snprintf(cmd, sizeof cmd, "CAL:%s:STAGE:POINT %s,%s", table_name[which], a, b);
		if ((rc = command(p, cmd, err)))
			return rc;
	}
	snprintf(cmd, sizeof cmd, "CAL:%s:STAGE:CRC?", table_name[which]);
	if ((rc = query(p, cmd, reply, sizeof reply, err)) ||
	    (rc = parsed(p, cmd, pen_proto_parse_crc(reply, &n, &theirs, err), err)))
		return rc;
	if (n != t->n || theirs != ours)
		return rig_fail_cause(err, RIG_E_PROTOCOL, RIG_CAUSE_PEN_LINK,
				      "%s: staged %s table differs from what was sent: the pen holds "
				      "%u points with CRC %08X, we sent %u points with CRC %08X",
				      serial_name(p->port), table_name[which], n, theirs, t->n, ours);
	return RIG_OK;
}

enum rig_rc pen_cal_save(struct pen *p, enum pen_table which, struct rig_err *err)
{
	return cal_cmd(p, which, "SAVE", err);
}

enum rig_rc pen_cal_save_both(struct pen *p, struct rig_err *err)
{
	return command(p, "CAL:SAVE", err);
}

enum rig_rc pen_cal_read(struct pen *p, enum pen_table which,
			 struct pen_cal_table *out, struct rig_err *err)
{
	char cmd[64], reply[PEN_REPLY_MAX + 1];
	unsigned n, n2;
	uint32_t theirs, ours;
	enum rig_rc rc;
	snprintf(cmd, sizeof cmd, "CAL:%s:COUNT?", table_name[which]);
	if ((rc = query(p, cmd, reply, sizeof reply, err)) ||
	    (rc = parsed(p, cmd, pen_proto_parse_count(reply, PEN_CAL_MAX, &n, err), err)))
		return rc;
	memset(out, 0, sizeof *out);
	out->n = n;
	for (unsigned i = 0; i < n; i++) {
		int64_t cm, rm;
		snprintf(cmd, sizeof cmd, "CAL:%s:POINT? %u", table_name[which], i);
		if ((rc = query(p, cmd, reply, sizeof reply, err)) ||
		    (rc = parsed(p, cmd, pen_proto_parse_point(reply, &cm, &rm, err), err)))
			return rc;
		out->cmd[i] = (double)cm / 1000.0;
		out->raw[i] = (double)rm / 1000.0;
	}
	snprintf(cmd, sizeof cmd, "CAL:%s:CRC?", table_name[which]);
	if ((rc = query(p, cmd, reply, sizeof reply, err)) ||
	    (rc = parsed(p, cmd, pen_proto_parse_crc(reply, &n2, &theirs, err), err)))
		return rc;
	if ((rc = pen_proto_table_crc(out, &ours, err)))
		return pen_link(err, "%s: active %s table as read: ",
				      serial_name(p->port), table_name[which]);
	if (n2 != n || theirs != ours)
		return rig_fail_cause(err, RIG_E_PROTOCOL, RIG_CAUSE_PEN_LINK,
				      "%s: active %s table read back as %u points with CRC %08X, "
				      "but the pen reports %u points with CRC %08X",
				      serial_name(p->port), table_name[which], n, ours, n2, theirs);
	return RIG_OK;
}

enum rig_rc pen_cal_verify(struct pen *p, enum pen_table which,
			   const struct pen_cal_table *expected, struct rig_err *err)
{
	struct pen_cal_table got;
	enum rig_rc rc = pen_cal_check(expected, err);
	if (rc)
		return rc;
	if ((rc = pen_cal_read(p, which, &got, err)))
		return rc;
	if (got.n != expected->n)
		return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_PEN_LINK,
				      "%s: active %s table has %u points, expected %u",
				      serial_name(p->port), table_name[which], got.n, expected->n);
	for (unsigned i = 0; i < got.n; i++) {
		int32_t ec = 0, er = 0, gc = 0, gr = 0;
		pen_proto_to_milli(expected->cmd[i], &ec);
		pen_proto_to_milli(expected->raw[i], &er);
		pen_proto_to_milli(got.cmd[i], &gc);
		pen_proto_to_milli(got.raw[i], &gr);
		if (ec != gc || er != gr)
			return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_PEN_LINK,
					      "%s: active %s table point %u is %g -> %g, expected %g -> %g",
					      serial_name(p->port), table_name[which], i,
					      got.cmd[i], got.raw[i], expected->cmd[i], expected->raw[i]);
	}
	return RIG_OK;
}

enum rig_rc pen_cal_write(struct pen *p, enum pen_table which,
			  const struct pen_cal_table *t, struct rig_err *err)
{
	enum rig_rc rc;
	if (t->n == 0)
		rc = pen_cal_factory(p, which, err);
	else if (!(rc = pen_cal_stage(p, which, t, err)))
		rc = pen_cal_save(p, which, err);
	if (!rc)
		rc = pen_cal_verify(p, which, t, err);
	return rc;
}
