/* pen_scpi.c - the virtual pen's firmware: one line in, at most one reply
 * out, errors into a bounded SCPI error queue. The wire grammar and the
 * error codes are those of docs/pen-protocol.md; keep the two in step.
 *
 * Numbers are handled as exact decimals in thousandths (int64) so the CRC
 * of a table is the same bytes on both sides, whatever the host's floats.
 */
#include "sim/pen_scpi.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_PARAMS 4

static const char *error_text(int code)
{
	switch (code) {
	case -100: return "Command error";
	case -102: return "Syntax error";
	case -104: return "Data type error";
	case -108: return "Parameter not allowed";
	case -109: return "Missing parameter";
	case -113: return "Undefined header";
	case -221: return "Settings conflict";
	case -222: return "Data out of range";
	case -240: return "Hardware error";
	case -223: return "Too much data";
	case -224: return "Illegal parameter value";
	case -350: return "Queue overflow";
	case -363: return "Input buffer overrun";
	}
	return "Error";
}

void pen_fw_push_error(struct pen_fw *fw, int code, const char *detail)
{
	struct pen_fw_error *e;
	if (fw->nqueue == PEN_FW_QUEUE) {
		/* SCPI: a full queue keeps its oldest errors and turns the
		 * newest entry into -350; further errors are lost. */
		e = &fw->queue[PEN_FW_QUEUE - 1];
		code = -350;
		detail = NULL;
	} else {
		e = &fw->queue[fw->nqueue++];
	}
	e->code = code;
	char clean[64] = "";
	if (detail) {
		/* The text is sent inside double quotes: never one inside. */
		snprintf(clean, sizeof clean, "%s", detail);
		for (char *q = clean; *q; q++)
			if (*q == '"')
				*q = '\'';
		detail = clean;
	}
	if (detail && *detail)
		snprintf(e->text, sizeof e->text, "%s;%s", error_text(code), detail);
	else
		snprintf(e->text, sizeof e->text, "%s", error_text(code));
}

static void reset_ram(struct pen_fw *fw)
{
	for (int k = 0; k < 2; k++) {
		fw->staged[k].n = 0;
		fw->cmd_milli[k] = fw->cmd_default_milli[k];
		/* The default may map outside the raw range through a saved
		 * table; the motor is off, and the actuator goes to the nearest
		 * end until the host sets a value (documented). */
		double raw = pen_fw_apply(&fw->saved[k], fw->cmd_milli[k]);
		if (raw < fw->raw_min_milli[k])
			raw = fw->raw_min_milli[k];
		if (raw > fw->raw_max_milli[k])
			raw = fw->raw_max_milli[k];
		fw->raw[k] = raw / 1000.0;
	}
	fw->motor_on = false;
}

void pen_fw_reset(struct pen_fw *fw)
{
	reset_ram(fw);
	fw->nqueue = 0;
}

double pen_fw_apply(const struct pen_fw_table *t, int32_t cmd_milli)
{
	if (t->n < 2)
		return cmd_milli;
	unsigned i = 0;
	while (i + 2 < t->n && cmd_milli > t->cmd_milli[i + 1])
		i++;
	double c0 = t->cmd_milli[i], c1 = t->cmd_milli[i + 1];
	double r0 = t->raw_milli[i], r1 = t->raw_milli[i + 1];
	return r0 + (r1 - r0) * ((double)cmd_milli - c0) / (c1 - c0);
}

static uint32_t crc_bytes(uint32_t crc, const uint8_t *p, size_t n)
{
	/* Bitwise on purpose: the driver uses a table; they must agree. */
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return crc;
}

static void put_le32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

uint32_t pen_fw_table_crc(const struct pen_fw_table *t)
{
	uint8_t b[4];
	uint32_t crc = 0xFFFFFFFFu;
	put_le32(b, t->n);
	crc = crc_bytes(crc, b, 4);
	for (unsigned i = 0; i < t->n; i++) {
		put_le32(b, (uint32_t)t->cmd_milli[i]);
		crc = crc_bytes(crc, b, 4);
		put_le32(b, (uint32_t)t->raw_milli[i]);
		crc = crc_bytes(crc, b, 4);
	}
	return crc ^ 0xFFFFFFFFu;
}

/* [+-]digits[.digits]: at most 7 integer and 3 fraction digits. */
static bool parse_milli(const char *s, int64_t *out)
{
	int64_t sign = 1, ip = 0, fp = 0;
	int nd = 0, nf = 0;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	while (isdigit((unsigned char)*s)) {
		if (++nd > 7)
			return false;
		ip = ip * 10 + (*s++ - '0');
	}
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			if (++nf > 3)
				return false;
			fp = fp * 10 + (*s++ - '0');
		}
		if (nf == 0)
			return false;
	}
	if (nd == 0 || *s)
		return false;
	for (int k = nf; k < 3; k++)
		fp *= 10;
	*out = sign * (ip * 1000 + fp);
	return true;
}

static void fmt_milli(char *buf, size_t cap, int64_t v)
{
	const char *sign = v < 0 ? "-" : "";
	uint64_t a = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
	unsigned frac = (unsigned)(a % 1000);
	if (!frac) {
		snprintf(buf, cap, "%s%llu", sign, (unsigned long long)(a / 1000));
		return;
	}
	char f[4];
	snprintf(f, sizeof f, "%03u", frac);
	for (int k = 2; k > 0 && f[k] == '0'; k--)
		f[k] = '\0';
	snprintf(buf, cap, "%s%llu.%s", sign, (unsigned long long)(a / 1000), f);
}

struct call {
	char header[PEN_FW_LINE_MAX + 1];
	char *param[MAX_PARAMS];
	int nparam;
	char store[PEN_FW_LINE_MAX + 1];
};

static const char *const qty_name[2] = { "depth", "freq" };

/* Check a value against [lo, hi]; queue -222 naming it when outside. */
static bool in_range(struct pen_fw *fw, const char *what, int64_t v,
		     int32_t lo, int32_t hi)
{
	if (v >= lo && v <= hi)
		return true;
	char a[24], l[24], h[24], d[96];
	fmt_milli(a, sizeof a, v);
	fmt_milli(l, sizeof l, lo);
	fmt_milli(h, sizeof h, hi);
	snprintf(d, sizeof d, "%s %s outside %s..%s", what, a, l, h);
	pen_fw_push_error(fw, -222, d);
	return false;
}

static bool want_params(struct pen_fw *fw, const struct call *c, int n)
{
	if (c->nparam < n) {
		pen_fw_push_error(fw, -109, c->header);
		return false;
	}
	if (c->nparam > n) {
		pen_fw_push_error(fw, -108, c->header);
		return false;
	}
	return true;
}

static bool number(struct pen_fw *fw, const char *s, int64_t *v)
{
	if (parse_milli(s, v))
		return true;
	pen_fw_push_error(fw, -104, "expected a decimal number, at most 3 decimals");
	return false;
}

static size_t set_value(struct pen_fw *fw, int k, const struct call *c)
{
	int64_t v;
	if (!want_params(fw, c, 1) || !number(fw, c->param[0], &v))
		return 0;
	if (!in_range(fw, qty_name[k], v, fw->cmd_min_milli[k], fw->cmd_max_milli[k]))
		return 0;
	double raw = pen_fw_apply(&fw->saved[k], (int32_t)v);
	if (raw < fw->raw_min_milli[k] || raw > fw->raw_max_milli[k]) {
		char what[32];
		snprintf(what, sizeof what, "raw %s setpoint", qty_name[k]);
		in_range(fw, what, (int64_t)(raw < 0 ? raw - 0.5 : raw + 0.5),
			 fw->raw_min_milli[k], fw->raw_max_milli[k]);
		return 0;
	}
	fw->cmd_milli[k] = (int32_t)v;
	fw->raw[k] = raw / 1000.0;
	return 0;
}

static size_t reply_crc(const struct pen_fw_table *t, char *reply, size_t cap)
{
	return (size_t)snprintf(reply, cap, "%u,%08X", t->n, pen_fw_table_crc(t));
}

static size_t cal(struct pen_fw *fw, int k, const char *rest, const struct call *c,
		  char *reply, size_t cap)
{
	struct pen_fw_table *st = &fw->staged[k], *sv = &fw->saved[k];
	char a[24], b[24];
	if (strcmp(rest, "STAGE:CLEAR") == 0) {
		if (want_params(fw, c, 0))
			st->n = 0;
		return 0;
	}
	if (strcmp(rest, "STAGE:POINT") == 0) {
		int64_t cmd, raw;
		if (!want_params(fw, c, 2) || !number(fw, c->param[0], &cmd) ||
		    !number(fw, c->param[1], &raw))
			return 0;
		if (!in_range(fw, "table command value", cmd, fw->cmd_min_milli[k],
			      fw->cmd_max_milli[k]) ||
		    !in_range(fw, "table raw value", raw, fw->raw_min_milli[k],
			      fw->raw_max_milli[k]))
			return 0;
		if (st->n == PEN_FW_TABLE_MAX) {
			pen_fw_push_error(fw, -223, "table holds at most 16 points");
			return 0;
		}
		if (st->n > 0 && (cmd <= st->cmd_milli[st->n - 1] ||
				  raw <= st->raw_milli[st->n - 1])) {
			pen_fw_push_error(fw, -224, "table points must increase in both columns");
			return 0;
		}
		st->cmd_milli[st->n] = (int32_t)cmd;
		st->raw_milli[st->n] = (int32_t)raw;
		st->n++;
		return 0;
	}
	if (strcmp(rest, "STAGE:COUNT?") == 0)
		return want_params(fw, c, 0) ? (size_t)snprintf(reply, cap, "%u", st->n) : 0;
	if (strcmp(rest, "STAGE:CRC?") == 0)
		return want_params(fw, c, 0) ? reply_crc(st, reply, cap) : 0;
	if (strcmp(rest, "SAVE") == 0) {
		if (!want_params(fw, c, 0))
			return 0;
		if (st->n < 2) {
			char d[64];
			snprintf(d, sizeof d, "staged table has %u points, needs 2..16", st->n);
			pen_fw_push_error(fw, -221, d);
			return 0;
		}
		*sv = *st;
		st->n = 0;
		return 0;
	}
	if (strcmp(rest, "FACTORY") == 0) {
		if (want_params(fw, c, 0))
			sv->n = 0;
		return 0;
	}
	if (strcmp(rest, "COUNT?") == 0)
		return want_params(fw, c, 0) ? (size_t)snprintf(reply, cap, "%u", sv->n) : 0;
	if (strcmp(rest, "CRC?") == 0)
		return want_params(fw, c, 0) ? reply_crc(sv, reply, cap) : 0;
	if (strcmp(rest, "POINT?") == 0) {
		int64_t i;
		if (!want_params(fw, c, 1) || !number(fw, c->param[0], &i))
			return 0;
		if (i % 1000 != 0 || i < 0 || i / 1000 >= (int64_t)sv->n) {
			char d[64];
			snprintf(d, sizeof d, "point index must be an integer 0..%d",
				 (int)sv->n - 1);
			pen_fw_push_error(fw, -222, d);
			return 0;
		}
		fmt_milli(a, sizeof a, sv->cmd_milli[i / 1000]);
		fmt_milli(b, sizeof b, sv->raw_milli[i / 1000]);
		return (size_t)snprintf(reply, cap, "%s,%s", a, b);
	}
	pen_fw_push_error(fw, -113, c->header);
	return 0;
}

/* Split "HEADER p1,p2" into c; false (and -102 queued) when malformed. */
static bool split(struct pen_fw *fw, const char *line, size_t len, struct call *c)
{
	memcpy(c->store, line, len);
	c->store[len] = '\0';
	char *s = c->store;
	while (*s == ' ')
		s++;
	char *end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		*--end = '\0';
	char *h = s;
	while (*s && *s != ' ')
		s++;
	size_t hl = (size_t)(s - h);
	for (size_t i = 0; i < hl; i++)
		c->header[i] = (char)toupper((unsigned char)h[i]);
	c->header[hl] = '\0';
	c->nparam = 0;
	while (*s == ' ')
		s++;
	if (!*s)
		return true;
	for (;;) {
		if (c->nparam == MAX_PARAMS) {
			pen_fw_push_error(fw, -108, c->header);
			return false;
		}
		char *p = s;
		while (*s && *s != ',')
			s++;
		char sep = *s;
		*s = '\0';
		char *q = s;
		while (q > p && q[-1] == ' ')
			*--q = '\0';
		while (*p == ' ')
			p++;
		if (!*p) {
			pen_fw_push_error(fw, -102, "empty parameter");
			return false;
		}
		c->param[c->nparam++] = p;
		if (!sep)
			return true;
		s++;
	}
}

size_t pen_fw_execute(struct pen_fw *fw, const char *line, size_t len,
		      char *reply, size_t cap)
{
	struct call c;
	if (len > PEN_FW_LINE_MAX) {
		pen_fw_push_error(fw, -363, "line too long");
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7E) {
			pen_fw_push_error(fw, -102, "invalid byte in line");
			return 0;
		}
	if (!split(fw, line, len, &c))
		return 0;
	if (!c.header[0])
		return 0; /* an empty line is no command */

	const char *h = c.header;
	if (strcmp(h, "*IDN?") == 0)
		return want_params(fw, &c, 0)
		       ? (size_t)snprintf(reply, cap, "%s,%s,%s,%s", fw->maker,
					  fw->model, fw->serial, fw->firmware)
		       : 0;
	if (strcmp(h, "*RST") == 0) {
		if (want_params(fw, &c, 0))
			reset_ram(fw);
		return 0;
	}
	if (strcmp(h, "*CLS") == 0) {
		if (want_params(fw, &c, 0))
			fw->nqueue = 0;
		return 0;
	}
	if (strcmp(h, "*OPC?") == 0)
		return want_params(fw, &c, 0) ? (size_t)snprintf(reply, cap, "1") : 0;
	if (strcmp(h, "SYST:ERR?") == 0) {
		if (!want_params(fw, &c, 0))
			return 0;
		if (fw->nqueue == 0)
			return (size_t)snprintf(reply, cap, "0,\"No error\"");
		struct pen_fw_error e = fw->queue[0];
		memmove(&fw->queue[0], &fw->queue[1], (fw->nqueue - 1) * sizeof e);
		fw->nqueue--;
		return (size_t)snprintf(reply, cap, "%d,\"%s\"", e.code, e.text);
	}
	if (strcmp(h, "CAL:SAVE") == 0) {
		/* Both staged tables become active together, or neither does:
		 * one non-volatile record holds the pair. */
		if (!want_params(fw, &c, 0))
			return 0;
		for (int k = 0; k < 2; k++)
			if (fw->staged[k].n < 2) {
				char d[80];
				snprintf(d, sizeof d, "staged %s table has %u points, needs 2..16",
					 k == PEN_FW_DEPTH ? "DEPTH" : "FREQ", fw->staged[k].n);
				pen_fw_push_error(fw, -221, d);
				return 0;
			}
		for (int k = 0; k < 2; k++) {
			fw->saved[k] = fw->staged[k];
			fw->staged[k].n = 0;
		}
		return 0;
	}
	for (int k = 0; k < 2; k++) {
		const char *name = k == PEN_FW_DEPTH ? "DEPTH" : "FREQ";
		size_t nl = strlen(name);
		if (strcmp(h, name) == 0)
			return set_value(fw, k, &c);
		if (strncmp(h, name, nl) == 0 && strcmp(h + nl, "?") == 0) {
			if (!want_params(fw, &c, 0))
				return 0;
			char v[24];
			fmt_milli(v, sizeof v, fw->cmd_milli[k]);
			return (size_t)snprintf(reply, cap, "%s", v);
		}
		if (strncmp(h, "CAL:", 4) == 0 && strncmp(h + 4, name, nl) == 0 &&
		    h[4 + nl] == ':')
			return cal(fw, k, h + 5 + nl, &c, reply, cap);
	}
	if (strcmp(h, "MOTOR") == 0) {
		if (!want_params(fw, &c, 1))
			return 0;
		const char *p = c.param[0];
		if (strcasecmp(p, "ON") == 0 || strcmp(p, "1") == 0)
			fw->motor_on = true;
		else if (strcasecmp(p, "OFF") == 0 || strcmp(p, "0") == 0)
			fw->motor_on = false;
		else
			pen_fw_push_error(fw, -224, "expected ON, OFF, 1 or 0");
		return 0;
	}
	if (strcmp(h, "MOTOR?") == 0)
		return want_params(fw, &c, 0)
		       ? (size_t)snprintf(reply, cap, "%d", fw->motor_on ? 1 : 0) : 0;
	pen_fw_push_error(fw, -113, c.header);
	return 0;
}
