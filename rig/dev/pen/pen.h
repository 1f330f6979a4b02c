/* pen.h - the pen driver: identify, set depth and stroke rate, run the
 * motor and write calibration tables over the pen's serial link
 * (SCPI-style lines, docs/pen-protocol.md).
 *
 * The caller owns the serial port and the clock (both outlive the struct
 * pen); pen_open() allocates a struct pen, pen_close() frees it and leaves
 * the port open. Every call flushes stale input, sends one command, and for
 * commands that can be refused asks SYST:ERR?: a refusal comes back as
 * RIG_E_DEVICE with the pen's SCPI code and text (also in pen_last_error).
 * The pen is powered by the fixture's relay: switch it on, then
 * pen_wait_ready() before anything else.
 */
#ifndef RIG_DEV_PEN_PEN_H
#define RIG_DEV_PEN_PEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/err.h"
#include "hal/serial.h"

#define PEN_BAUD 115200
#define PEN_CAL_MAX 16   /* points per calibration table */
#define PEN_ID_MAX 32    /* bytes per identity field, with the NUL */

struct pen_settings {
	unsigned timeout_ms; /* per reply, from the command's last byte sent */
	/* Optional: called at least every PEN_CHECK_MS of a wait for the pen
	 * (the bench's e-stop and lid); a non-zero return ends the wait with
	 * that code and its message. */
	enum rig_rc (*check)(void *ctx, struct rig_err *err);
	void *check_ctx;
};
#define PEN_CHECK_MS 10

/* timeout_ms = 200. */
struct pen_settings pen_settings_default(void);

struct pen;

enum rig_rc pen_open(struct pen **out, struct serial_port *port,
		     struct rig_clock *clock, const struct pen_settings *s,
		     struct rig_err *err);
void pen_close(struct pen *p); /* NULL is fine; the port stays open */

/* Poll *OPC? until the pen answers (it is silent while it boots after
 * power-on), then clear its error queue. RIG_E_TIMEOUT if it never does. */
enum rig_rc pen_wait_ready(struct pen *p, unsigned timeout_ms, struct rig_err *err);

/* ---- Identity and settings -------------------------------------------- */

struct pen_identity {
	char maker[PEN_ID_MAX], model[PEN_ID_MAX], serial[PEN_ID_MAX],
		firmware[PEN_ID_MAX];
};

/* *IDN?: four non-empty printable fields, each shorter than PEN_ID_MAX. */
enum rig_rc pen_identify(struct pen *p, struct pen_identity *id, struct rig_err *err);
/* *RST: commanded values to their defaults, motor off, staged tables
 * dropped; saved tables stay. */
enum rig_rc pen_reset(struct pen *p, struct rig_err *err);

/* Commanded depth (µm) and stroke rate (Hz), sent rounded to 0.001; the
 * pen refuses values outside its limits (RIG_E_DEVICE, code -222). */
enum rig_rc pen_set_depth_um(struct pen *p, double depth_um, struct rig_err *err);
enum rig_rc pen_get_depth_um(struct pen *p, double *depth_um, struct rig_err *err);
enum rig_rc pen_set_freq_hz(struct pen *p, double freq_hz, struct rig_err *err);
enum rig_rc pen_get_freq_hz(struct pen *p, double *freq_hz, struct rig_err *err);
enum rig_rc pen_set_motor(struct pen *p, bool on, struct rig_err *err);
enum rig_rc pen_get_motor(struct pen *p, bool *on, struct rig_err *err);

/* One raw line (for `rig pen`). A query (header ending in '?') puts its
 * reply in reply[0..cap) and sets *replied; any other line is followed by
 * SYST:ERR? and a refusal returns RIG_E_DEVICE. */
enum rig_rc pen_raw(struct pen *p, const char *line, char *reply, size_t cap,
		    bool *replied, struct rig_err *err);

/* The SCPI error of the last refused command (0 and "" if none yet). */
int pen_last_error(const struct pen *p, const char **text);

/* ---- Calibration tables -----------------------------------------------
 * A table maps commanded values to raw setpoints, piecewise linear,
 * extended linearly beyond its ends; n = 0 is the factory identity. Both
 * columns strictly increase; 2..16 points (or 0). Units by table: µm for
 * PEN_TABLE_DEPTH, Hz for PEN_TABLE_FREQ; values are sent rounded to 0.001.
 * Writing goes stage -> check CRC -> save -> read back. */
enum pen_table { PEN_TABLE_DEPTH, PEN_TABLE_FREQ };

struct pen_cal_table {
	unsigned n;
	double cmd[PEN_CAL_MAX]; /* commanded value (µm or Hz, by table) */
	double raw[PEN_CAL_MAX]; /* raw setpoint the actuator gets (same unit) */
};

/* Check a table before it goes out: count, order, finite, representable.
 * RIG_E_DATA naming the point at fault. */
enum rig_rc pen_cal_check(const struct pen_cal_table *t, struct rig_err *err);
/* The table's CRC-32 as the pen computes it (docs/pen-protocol.md). */
enum rig_rc pen_cal_crc(const struct pen_cal_table *t, uint32_t *crc,
			struct rig_err *err);

/* Restore the factory identity table (saved at once). */
enum rig_rc pen_cal_factory(struct pen *p, enum pen_table which, struct rig_err *err);
/* Clear the staging area, send the points, compare the pen's staged count
 * and CRC with ours (RIG_E_PROTOCOL on a mismatch). Nothing is saved. */
enum rig_rc pen_cal_stage(struct pen *p, enum pen_table which,
			  const struct pen_cal_table *t, struct rig_err *err);
/* Commit the staged table to non-volatile memory; it becomes active. */
enum rig_rc pen_cal_save(struct pen *p, enum pen_table which, struct rig_err *err);
/* Commit both staged tables at once (CAL:SAVE): the pen keeps the old pair
 * or the new pair, never one of each. Both must be staged. */
enum rig_rc pen_cal_save_both(struct pen *p, struct rig_err *err);
/* Read the active table point by point and check it against the pen's CRC. */
enum rig_rc pen_cal_read(struct pen *p, enum pen_table which,
			 struct pen_cal_table *out, struct rig_err *err);
/* Read the active table and compare with `expected` (to 0.001);
 * RIG_E_DEVICE naming the first difference. */
enum rig_rc pen_cal_verify(struct pen *p, enum pen_table which,
			   const struct pen_cal_table *expected, struct rig_err *err);
/* Stage, save, verify. */
enum rig_rc pen_cal_write(struct pen *p, enum pen_table which,
			  const struct pen_cal_table *t, struct rig_err *err);

#endif
