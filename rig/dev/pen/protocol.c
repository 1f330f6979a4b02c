/* protocol.c - formatting and strict parsing of the pen's lines, and the
 * CRC-32 that proves a calibration table arrived intact. */
#include "dev/pen/protocol.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- CRC-32 ------------------------------------------------------------ */

/* Reflected polynomial 0xEDB88320, four bits per step: 16 entries instead
 * of 256 (entry k = k shifted through the polynomial four times). */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC,
	0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
	0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
	0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t pen_crc32(uint32_t crc, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}

/* ---- Numbers ----------------------------------------------------------- */

bool pen_proto_to_milli(double v, int32_t *milli)
{
	if (!isfinite(v))
		return false;
	double m = nearbyint(v * 1000.0);
	if (m < -2147483648.0 || m > 2147483647.0)
		return false;
	*milli = (int32_t)m;
	return true;
}

void pen_proto_format_milli(char *buf, size_t cap, int64_t milli)
{
	const char *sign = milli < 0 ? "-" : "";
	uint64_t a = milli < 0 ? 0 - (uint64_t)milli : (uint64_t)milli;
	unsigned frac = (unsigned)(a % 1000);
	char f[8] = "";
	if (frac) {
		snprintf(f, sizeof f, ".%03u", frac);
		for (size_t k = strlen(f) - 1; f[k] == '0'; k--)
			f[k] = '\0';
	}
	snprintf(buf, cap, "%s%llu%s", sign, (unsigned long long)(a / 1000), f);
}

bool pen_proto_parse_milli(const char *s, int64_t *milli)
{
	int64_t sign = 1, ip = 0, fp = 0;
	int nd = 0, nf = 0;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (; isdigit((unsigned char)*s); s++) {
		if (++nd > 7)
			return false;
		ip = ip * 10 + (*s - '0');
	}
	if (nd == 0)
		return false;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++) {
			if (++nf > 3)
				return false;
			fp = fp * 10 + (*s - '0');
		}
		if (nf == 0)
			return false;
	}
	if (*s)
		return false;
	for (int k = nf; k < 3; k++)
		fp *= 10;
	*milli = sign * (ip * 1000 + fp);
	return true;
}

/* ---- Tables ------------------------------------------------------------ */

enum rig_rc pen_cal_check(const struct pen_cal_table *t, struct rig_err *err)
{
	if (t->n > PEN_CAL_MAX)
		return rig_fail(err, RIG_E_DATA,
				"calibration table: at most %d points, found %u", PEN_CAL_MAX, t->n);
	if (t->n == 1)
		return rig_fail(err, RIG_E_DATA,
				"calibration table: 2..%d points (or 0 for identity), found 1",
				PEN_CAL_MAX);
	int32_t pc = 0, pr = 0;
	for (unsigned i = 0; i < t->n; i++) {
		int32_t c, r;
		if (!pen_proto_to_milli(t->cmd[i], &c) || !pen_proto_to_milli(t->raw[i], &r))
			return rig_fail(err, RIG_E_DATA,
					"calibration table point %u: expected finite values "
					"within +-2e6, found %g -> %g", i, t->cmd[i], t->raw[i]);
		if (i > 0 && (c <= pc || r <= pr))
			return rig_fail(err, RIG_E_DATA,
					"calibration table point %u: %g -> %g does not increase on "
					"point %u: %g -> %g (both columns must strictly increase "
					"at 0.001 resolution)",
					i, t->cmd[i], t->raw[i], i - 1, t->cmd[i - 1], t->raw[i - 1]);
		pc = c;
		pr = r;
	}
	return RIG_OK;
}

static void put_le32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

enum rig_rc pen_proto_table_crc(const struct pen_cal_table *t, uint32_t *crc,
				struct rig_err *err)
{
	enum rig_rc rc = pen_cal_check(t, err);
	if (rc)
		return rc;
	uint8_t b[8];
	put_le32(b, t->n);
	uint32_t c = pen_crc32(0, b, 4);
	for (unsigned i = 0; i < t->n; i++) {
		int32_t cm = 0, rm = 0;
		pen_proto_to_milli(t->cmd[i], &cm);
		pen_proto_to_milli(t->raw[i], &rm);
		put_le32(b, (uint32_t)cm);
		put_le32(b + 4, (uint32_t)rm);
		c = pen_crc32(c, b, 8);
	}
	*crc = c;
	return RIG_OK;
}

enum rig_rc pen_cal_crc(const struct pen_cal_table *t, uint32_t *crc,
			struct rig_err *err)
{
	return pen_proto_table_crc(t, crc, err);
}

/* ---- Lines ------------------------------------------------------------- */

bool pen_proto_is_query(const char *line)
{
	while (*line == ' ')
		line++;
	const char *end = line;
	while (*end && *end != ' ')
		end++;
	return end > line && end[-1] == '?';
}

void pen_proto_escape(char *out, size_t cap, const char *buf, size_t n)
{
	size_t o = 0;
	if (cap == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		char tmp[8];
		if (c >= 0x20 && c <= 0x7E && c != '\\')
			snprintf(tmp, sizeof tmp, "%c", c);
		else if (c == '\\')
			snprintf(tmp, sizeof tmp, "\\\\");
		else if (c == '\r')
			snprintf(tmp, sizeof tmp, "\\r");
		else if (c == '\n')
			snprintf(tmp, sizeof tmp, "\\n");
		else
			snprintf(tmp, sizeof tmp, "\\x%02X", c);
		size_t l = strlen(tmp);
		if (o + l + 4 > cap) {
			if (o + 4 <= cap) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, tmp, l);
		o += l;
	}
	out[o] = '\0';
}

enum rig_rc pen_proto_check_command(const char *line, struct rig_err *err)
{
	size_t n = strlen(line);
	char shown[64];
	if (n == 0)
		return rig_fail(err, RIG_E_USAGE, "empty pen command");
	if (n > PEN_LINE_MAX) {
		pen_proto_escape(shown, sizeof shown, line, n);
		return rig_fail(err, RIG_E_USAGE,
				"pen command of %zu bytes, the pen takes at most %d: '%s'",
				n, PEN_LINE_MAX, shown);
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7E) {
			pen_proto_escape(shown, sizeof shown, line, n);
			return rig_fail(err, RIG_E_USAGE,
					"pen command '%s': byte %zu is not printable ASCII",
					shown, i);
		}
	return RIG_OK;
}

static enum rig_rc bad(struct rig_err *err, const char *expected, const char *reply)
{
	char shown[80];
	pen_proto_escape(shown, sizeof shown, reply, strlen(reply));
	return rig_fail(err, RIG_E_PROTOCOL, "expected %s, found '%s'", expected, shown);
}

enum rig_rc pen_proto_parse_error(const char *reply, int *code, char *text,
				  size_t cap, struct rig_err *err)
{
	const char *expected = "an SCPI error '<code>,\"<text>\"'";
	const char *s = reply;
	if (*s == '-')
		s++;
	const char *digits = s;
	while (isdigit((unsigned char)*s))
		s++;
	size_t nd = (size_t)(s - digits);
	if (nd == 0 || nd > 4 || s[0] != ',' || s[1] != '"')
		return bad(err, expected, reply);
	const char *t = s + 2;
	const char *q = strchr(t, '"');
	if (!q || q[1] != '\0' || (size_t)(q - t) >= cap)
		return bad(err, expected, reply);
	int c = (int)strtol(reply, NULL, 10);
	if ((c == 0) != (q - t == 8 && strncmp(t, "No error", 8) == 0) || c > 0)
		return bad(err, "code 0 with \"No error\" or a negative code", reply);
	*code = c;
	memcpy(text, t, (size_t)(q - t));
	text[q - t] = '\0';
	return RIG_OK;
}

/* Split at commas into exactly n fields of 1..cap-1 bytes. */
static bool fields(const char *reply, unsigned n, char (*out)[PEN_ID_MAX])
{
	const char *s = reply;
	for (unsigned i = 0; i < n; i++) {
		const char *e = strchr(s, ',');
		if (i == n - 1)
			e = s + strlen(s);
		else if (!e)
			return false;
		size_t l = (size_t)(e - s);
		if (l == 0 || l >= PEN_ID_MAX)
			return false;
		memcpy(out[i], s, l);
		out[i][l] = '\0';
		if (strchr(out[i], ',') || strchr(out[i], '"'))
			return false;
		s = e + (i == n - 1 ? 0 : 1);
	}
	return true;
}

enum rig_rc pen_proto_parse_idn(const char *reply, struct pen_identity *id,
				struct rig_err *err)
{
	char f[4][PEN_ID_MAX];
	for (const char *s = reply; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			return bad(err, "printable ASCII", reply);
	if (!fields(reply, 4, f))
		return bad(err, "'maker,model,serial,firmware', each 1..31 bytes", reply);
	memcpy(id->maker, f[0], PEN_ID_MAX);
	memcpy(id->model, f[1], PEN_ID_MAX);
	memcpy(id->serial, f[2], PEN_ID_MAX);
	memcpy(id->firmware, f[3], PEN_ID_MAX);
	return RIG_OK;
}

enum rig_rc pen_proto_parse_number(const char *reply, double *v, struct rig_err *err)
{
	int64_t m;
	if (!pen_proto_parse_milli(reply, &m))
		return bad(err, "a decimal number", reply);
	*v = (double)m / 1000.0;
	return RIG_OK;
}

enum rig_rc pen_proto_parse_bool(const char *reply, bool *v, struct rig_err *err)
{
	if (strcmp(reply, "1") == 0 || strcmp(reply, "0") == 0) {
		*v = reply[0] == '1';
		return RIG_OK;
	}
	return bad(err, "'1' or '0'", reply);
}

enum rig_rc pen_proto_parse_count(const char *reply, unsigned max, unsigned *n,
				  struct rig_err *err)
{
	char expected[48];
	snprintf(expected, sizeof expected, "a count 0..%u", max);
	size_t l = strlen(reply);
	if (l == 0 || l > 2 || strspn(reply, "0123456789") != l ||
	    (l == 2 && reply[0] == '0'))
		return bad(err, expected, reply);
	unsigned v = (unsigned)strtoul(reply, NULL, 10);
	if (v > max)
		return bad(err, expected, reply);
	*n = v;
	return RIG_OK;
}

enum rig_rc pen_proto_parse_crc(const char *reply, unsigned *n, uint32_t *crc,
				struct rig_err *err)
{
	const char *expected = "'<count>,<CRC as 8 upper-case hex digits>'";
	const char *comma = strchr(reply, ',');
	if (!comma || comma - reply > 2)
		return bad(err, expected, reply);
	char count[3] = "";
	memcpy(count, reply, (size_t)(comma - reply));
	if (pen_proto_parse_count(count, PEN_CAL_MAX, n, NULL))
		return bad(err, expected, reply);
	const char *h = comma + 1;
	if (strlen(h) != 8 || strspn(h, "0123456789ABCDEF") != 8)
		return bad(err, expected, reply);
	*crc = (uint32_t)strtoul(h, NULL, 16);
	return RIG_OK;
}

enum rig_rc pen_proto_parse_point(const char *reply, int64_t *cmd_milli,
				  int64_t *raw_milli, struct rig_err *err)
{
	const char *expected = "'<cmd>,<raw>' (two decimal numbers)";
	const char *comma = strchr(reply, ',');
	char a[24];
	if (!comma || (size_t)(comma - reply) >= sizeof a)
		return bad(err, expected, reply);
	memcpy(a, reply, (size_t)(comma - reply));
	a[comma - reply] = '\0';
	if (!pen_proto_parse_milli(a, cmd_milli) ||
	    !pen_proto_parse_milli(comma + 1, raw_milli))
		return bad(err, expected, reply);
	return RIG_OK;
}
