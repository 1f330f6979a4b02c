/* devices.h - every device of a bench, opened from the fixture in one go
 * and closed safely (motor off, pen power off) in one go. Part of
 * rig/bench/bench.h: struct bench holds one struct bench_devices.
 *
 * Opening switches pen power on and waits for the pen to boot; a device the
 * caller does not ask for stays closed (NULL).
 */
#ifndef RIG_BENCH_DEVICES_H
#define RIG_BENCH_DEVICES_H

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
	struct bench_io *io;
	struct serial_port *pen_port;
	struct pen *pen;
	struct serial_port *laser_port;
	struct laser *laser;
	struct loadcell *loadcell;
};

struct bench;

/* Open what `want` asks for (and is not open yet). With DEV_PEN: check the
 * e-stop and lid, switch pen power on and wait for the pen to boot. Errors
 * name the device and its port. On failure everything opened so far is
 * closed again. */
enum rig_rc bench_devices_open(struct bench *b, unsigned want, struct rig_err *err);

/* Motor off (best effort), stop the laser, pen power off, close all.
 * Idempotent. */
void bench_devices_close(struct bench *b);

#endif
