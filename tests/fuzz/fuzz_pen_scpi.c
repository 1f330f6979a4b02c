/* fuzz_pen_scpi.c - the virtual pen's firmware (sim/pen_scpi.c) on any
 * sequence of lines (the input cut at '\n'), checked after every line:
 * replies fit and are printable, every reply the driver parses is accepted
 * by the driver's own parser (dev/pen/protocol.c) with the same meaning
 * (the firmware and the driver were written apart: this keeps them in step),
 * the error queue stays bounded, tables stay strictly increasing inside the
 * limits, and the firmware's table CRC equals the driver's. */
#include <math.h>
#include <string.h>

#include "dev/pen/protocol.h"
#include "fuzz.h"
#include "sim/pen_scpi.h"

static void setup(struct pen_fw *fw)
{
	memset(fw, 0, sizeof *fw);
	strcpy(fw->maker, "Dermatech");
	strcpy(fw->model, "MN-300");
	strcpy(fw->serial, "MN3-000123");
	strcpy(fw->firmware, "1.4.2");
	fw->cmd_max_milli[PEN_FW_DEPTH] = 3000000;
	fw->raw_max_milli[PEN_FW_DEPTH] = 3300000;
	fw->cmd_min_milli[PEN_FW_FREQ] = 40000;
	fw->cmd_max_milli[PEN_FW_FREQ] = 300000;
	fw->raw_min_milli[PEN_FW_FREQ] = 10000;
	fw->raw_max_milli[PEN_FW_FREQ] = 330000;
	fw->cmd_default_milli[PEN_FW_DEPTH] = 500000;
	fw->cmd_default_milli[PEN_FW_FREQ] = 100000;
	pen_fw_reset(fw);
}

static void check_table(const struct pen_fw *fw, const struct pen_fw_table *t, int k,
			const char *what)
{
	FUZZ_ASSERT(t->n <= PEN_FW_TABLE_MAX, "%s table of %u points", what, t->n);
	for (unsigned i = 0; i < t->n; i++) {
		FUZZ_ASSERT(t->cmd_milli[i] >= fw->cmd_min_milli[k] &&
				    t->cmd_milli[i] <= fw->cmd_max_milli[k] &&
				    t->raw_milli[i] >= fw->raw_min_milli[k] &&
				    t->raw_milli[i] <= fw->raw_max_milli[k],
			    "%s point %u outside the limits", what, i);
		FUZZ_ASSERT(i == 0 || (t->cmd_milli[i] > t->cmd_milli[i - 1] &&
				       t->raw_milli[i] > t->raw_milli[i - 1]),
			    "%s point %u does not increase", what, i);
	}
	/* The driver computes the same CRC from the table as it knows it. */
	if (t->n != 1) {
		struct pen_cal_table ct = { .n = t->n };
		for (unsigned i = 0; i < t->n; i++) {
			ct.cmd[i] = t->cmd_milli[i] / 1000.0;
			ct.raw[i] = t->raw_milli[i] / 1000.0;
		}
		uint32_t crc = 0;
		struct rig_err err = { 0 };
		FUZZ_ASSERT(pen_proto_table_crc(&ct, &crc, &err) == RIG_OK, "%s: %s", what,
			    err.msg);
		FUZZ_ASSERT(crc == pen_fw_table_crc(t), "%s CRC %08X, the driver's %08X", what,
			    pen_fw_table_crc(t), crc);
	}
}

static void check_reply(const char *cmd, const char *reply, size_t n)
{
	struct rig_err err = { 0 };
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)reply[i] >= 0x20 && (unsigned char)reply[i] <= 0x7E,
			    "reply byte 0x%02X to '%s'", (unsigned char)reply[i], cmd);
	if (strcmp(cmd, "SYST:ERR?") == 0) {
		int code;
		char text[PEN_REPLY_MAX + 1];
		FUZZ_ASSERT(pen_proto_parse_error(reply, &code, text, sizeof text, &err) == RIG_OK,
			    "%s", err.msg);
	} else if (strcmp(cmd, "*IDN?") == 0) {
		struct pen_identity id;
		FUZZ_ASSERT(pen_proto_parse_idn(reply, &id, &err) == RIG_OK, "%s", err.msg);
	} else if (strcmp(cmd, "DEPTH?") == 0 || strcmp(cmd, "FREQ?") == 0) {
		double v;
		FUZZ_ASSERT(pen_proto_parse_number(reply, &v, &err) == RIG_OK, "%s", err.msg);
	} else if (strcmp(cmd, "MOTOR?") == 0 || strcmp(cmd, "*OPC?") == 0) {
		bool b;
		FUZZ_ASSERT(pen_proto_parse_bool(reply, &b, &err) == RIG_OK, "%s", err.msg);
	} else if (strstr(cmd, "CRC?")) {
		unsigned cnt;
		uint32_t crc;
		FUZZ_ASSERT(pen_proto_parse_crc(reply, &cnt, &crc, &err) == RIG_OK, "%s", err.msg);
	} else if (strstr(cmd, "COUNT?")) {
		unsigned cnt;
		FUZZ_ASSERT(pen_proto_parse_count(reply, PEN_CAL_MAX, &cnt, &err) == RIG_OK, "%s",
			    err.msg);
	} else if (strstr(cmd, "POINT?")) {
		int64_t a, b;
		FUZZ_ASSERT(pen_proto_parse_point(reply, &a, &b, &err) == RIG_OK, "%s", err.msg);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pen_fw fw;
	setup(&fw);
	size_t pos = 0;
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
		const char *line = (const char *)data + pos;
		pos += len + 1;
		char reply[PEN_FW_REPLY_MAX + 1];
		memset(reply, 0, sizeof reply);
		size_t n = pen_fw_execute(&fw, line, len, reply, sizeof reply);
		FUZZ_ASSERT(n < sizeof reply, "reply of %zu bytes (cap %zu)", n, sizeof reply);
		FUZZ_ASSERT(strlen(reply) == n, "reply length %zu, said %zu", strlen(reply), n);
		if (n > 0) {
			/* The command as the firmware read it: trimmed, upper case. */
			char cmd[PEN_FW_LINE_MAX + 1];
			size_t a = 0, b = len;
			while (a < b && line[a] == ' ')
				a++;
			while (b > a && line[b - 1] == ' ')
				b--;
			size_t cl = 0;
			while (a + cl < b && line[a + cl] != ' ' && cl < sizeof cmd - 1) {
				cmd[cl] = (char)((line[a + cl] >= 'a' && line[a + cl] <= 'z')
						 ? line[a + cl] - 32 : line[a + cl]);
				cl++;
			}
			cmd[cl] = '\0';
			check_reply(cmd, reply, n);
		}
		FUZZ_ASSERT(fw.nqueue <= PEN_FW_QUEUE, "queue of %u", fw.nqueue);
		for (unsigned i = 0; i < fw.nqueue; i++)
			FUZZ_ASSERT(fw.queue[i].code < 0 && !strchr(fw.queue[i].text, '"'),
				    "queued error %d '%s'", fw.queue[i].code, fw.queue[i].text);
		for (int k = 0; k < 2; k++) {
			check_table(&fw, &fw.saved[k], k, "saved");
			check_table(&fw, &fw.staged[k], k, "staged");
			FUZZ_ASSERT(fw.cmd_milli[k] >= fw.cmd_min_milli[k] &&
					    fw.cmd_milli[k] <= fw.cmd_max_milli[k],
				    "commanded %d outside the limits", fw.cmd_milli[k]);
			FUZZ_ASSERT(isfinite(fw.raw[k]) &&
					    fw.raw[k] * 1000.0 >= fw.raw_min_milli[k] - 1e-6 &&
					    fw.raw[k] * 1000.0 <= fw.raw_max_milli[k] + 1e-6,
				    "raw setpoint %g outside the limits", fw.raw[k]);
		}
	}
	return 0;
}
