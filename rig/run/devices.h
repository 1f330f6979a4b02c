/* devices.h - every device of a bench, opened from the fixture in one go
 * and closed safely (motor off, pen power off) in one go.
 *
 * The caller owns the struct (usually on its stack) and the session it was
 * opened from, which must outlive it. Opening switches pen power on and
 * waits for the pen to boot; a device the caller does not ask for stays
 * closed (NULL).
 */
#ifndef RIG_RUN_DEVICES_H
#define RIG_RUN_DEVICES_H

#include "cli/session.h"
#include "core/err.h"
#include "dev/io/io.h"
#include "dev/laser/laser.h"
#include "dev/loadcell/loadcell.h"
#include "dev/pen/pen.h"
#include "hal/serial.h"

enum devices_want {
	DEV_IO = 1 << 0,
	DEV_PEN = 1 << 1,      /* implies DEV_IO: the relay powers the pen */
	DEV_LASER = 1 << 2,
	DEV_LOADCELL = 1 << 3,
	DEV_ALL = DEV_IO | DEV_PEN | DEV_LASER | DEV_LOADCELL,
};

struct bench_devices {
	struct rig_session *session;
	struct bench_io *io;
	struct serial_port *pen_port;
	struct pen *pen;
	struct serial_port *laser_port;
	struct laser *laser;
	struct loadcell *loadcell;
};

/* Open what `want` asks for. With DEV_PEN: check the e-stop and lid,
 * switch pen power on and wait for the pen to boot. Errors name the device
 * and its port. On failure everything opened so far is closed again. */
enum rig_rc devices_open(struct bench_devices *d, struct rig_session *s,
			 unsigned want, struct rig_err *err);

/* Motor off (best effort), stop the laser, pen power off, close all. */
void devices_close(struct bench_devices *d);

#endif
