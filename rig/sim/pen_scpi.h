/* pen_scpi.h - the virtual pen's firmware: command interpreter, error
 * queue, RAM settings and calibration tables (docs/pen-protocol.md).
 *
 * Pure logic, no time and no bytes on a wire: sim/pen.c feeds it complete
 * lines and moves the needles after what it holds. Embedded in struct
 * sim_pen, which owns it. Written apart from rig/dev/pen on purpose, as a
 * firmware team would, so the driver is tested against an independent side.
 */
#ifndef RIG_SIM_PEN_SCPI_H
#define RIG_SIM_PEN_SCPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PEN_FW_TABLE_MAX 16
#define PEN_FW_QUEUE 8      /* error queue entries */
#define PEN_FW_LINE_MAX 128 /* input line bytes, without the terminator */
#define PEN_FW_REPLY_MAX 160

enum { PEN_FW_DEPTH = 0, PEN_FW_FREQ = 1 };

/* A table: n points, strictly increasing in both columns, thousandths of
 * the unit (nm for depth, mHz for frequency). n = 0 is the factory
 * identity table. */
struct pen_fw_table {
	unsigned n;
	int32_t cmd_milli[PEN_FW_TABLE_MAX];
	int32_t raw_milli[PEN_FW_TABLE_MAX];
};

struct pen_fw_error {
	int code;
	char text[96];
};

struct pen_fw {
	/* Identity and limits (from the bench parameters). */
	char maker[32], model[32], serial[32], firmware[32];
	int32_t cmd_min_milli[2], cmd_max_milli[2]; /* commanded range */
	int32_t raw_min_milli[2], raw_max_milli[2]; /* raw setpoint range */
	int32_t cmd_default_milli[2];               /* after *RST / power-on */

	/* Non-volatile: survives *RST and power loss. */
	struct pen_fw_table saved[2];
	/* RAM. */
	struct pen_fw_table staged[2];
	int32_t cmd_milli[2];
	double raw[2];       /* µm, Hz: the setpoint the actuators get */
	bool motor_on;
	struct pen_fw_error queue[PEN_FW_QUEUE];
	unsigned nqueue;
};

/* Power-on and *RST: commanded values to defaults, motor off, staging
 * areas and error queue cleared; saved tables untouched. */
void pen_fw_reset(struct pen_fw *fw);

/* Execute one line (terminator removed; may hold any bytes). Writes the
 * reply without its LF into reply[0..cap) and returns its length, 0 when
 * the line has no reply. */
size_t pen_fw_execute(struct pen_fw *fw, const char *line, size_t len,
		      char *reply, size_t cap);

/* Queue an error as the firmware does (overflow rule included). */
void pen_fw_push_error(struct pen_fw *fw, int code, const char *detail);

/* The raw setpoint for a commanded value through a table (thousandths). */
double pen_fw_apply(const struct pen_fw_table *t, int32_t cmd_milli);

/* CRC-32 (ISO-HDLC) of a table's canonical bytes: n as uint32 LE, then
 * each point as int32 LE cmd_milli, int32 LE raw_milli. */
uint32_t pen_fw_table_crc(const struct pen_fw_table *t);

#endif
