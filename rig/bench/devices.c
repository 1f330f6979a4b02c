/* devices.c - open and close every device of a bench. */
#include "bench/devices.h"

#include <string.h>

#include "bench/bench.h"
#include "core/stop.h"

#define PEN_BOOT_WAIT_MS 3000

/* While the rig waits for the pen: an e-stop or an open lid cuts pen
 * power at once and ends the wait. */
static enum rig_rc pen_wait_check(void *ctx, struct rig_err *err)
{
	struct bench_io *io = ctx;
	enum rig_rc rc = bench_io_check_safe(io, err);
	if (rc == RIG_E_ABORTED)
		bench_io_pen_power(io, false, NULL);
	return rc;
}

static enum rig_rc open_pen(struct bench *b, struct rig_err *err)
{
	struct bench_devices *d = &b->d;
	const struct fixture *f = &b->fx;
	struct serial_settings ss = serial_8n1(f->pen.baud);
	enum rig_rc rc = bench_io_check_safe(d->io, err);
	if (rc)
		return rig_err_prefix(err, "pen: not switched on: ");
	if ((rc = serial_open(&d->pen_port, f->pen.port, &ss, &b->hal, err)))
		return rig_err_prefix(err, "pen: ");
	struct pen_settings ps = pen_settings_default();
	ps.timeout_ms = f->pen.timeout_ms;
	ps.check = pen_wait_check;
	ps.check_ctx = d->io;
	if ((rc = pen_open(&d->pen, d->pen_port, b->hal.clock, &ps, err)))
		return rig_err_prefix(err, "pen %s: ", f->pen.port);
	b->safe = false;
	if ((rc = bench_io_pen_power(d->io, true, err)))
		return rig_err_prefix(err, "pen power relay: ");
	rc = pen_wait_ready(d->pen, PEN_BOOT_WAIT_MS, err);
	if (rc && err && err->cause == RIG_CAUSE_PEN_HARDWARE) {
		/* It answered, with its own hardware error (a refused *CLS):
		 * the unit failed, and a query still tells which unit it is,
		 * so its report names what goes to the reject bin. Best
		 * effort: the hardware error stays the run's error. */
		struct rig_err ignore = { 0 };
		b->identified = pen_identify(d->pen, &b->id, &ignore) == RIG_OK;
	}
	return rc;
}

static enum rig_rc open_laser(struct bench *b, struct rig_err *err)
{
	struct bench_devices *d = &b->d;
	const struct fixture *f = &b->fx;
	struct serial_settings ss = serial_8n1(f->laser.baud);
	enum rig_rc rc = serial_open(&d->laser_port, f->laser.port, &ss, &b->hal, err);
	if (rc) /* the sensor's port */
		return rig_err_cause(err, rig_err_prefix(err, "laser: "), RIG_CAUSE_LASER);
	struct laser_settings ls = {
		.range_mm = f->laser.range_mm,
		.rate_hz = f->laser.rate_hz,
		.baud = f->laser.baud,
		/* The sensor's shutter time, read back on every connect: an
		 * exposure the fixture states is checked against it, none (0)
		 * takes it (docs/laser-ild1420.md). */
		.read_shutter = true,
		.exposure_us = f->laser.exposure_us,
	};
	if ((rc = laser_open(&d->laser, d->laser_port, &ls, err)))
		return rc;
	/* The sensor's shutter time is the truth (the driver refused one the
	 * fixture contradicts): the depth's exposure correction uses it. */
	b->fx.laser.exposure_us = laser_info(d->laser)->exposure_us;
	return RIG_OK;
}

enum rig_rc bench_devices_open(struct bench *b, unsigned want, struct rig_err *err)
{
	struct bench_devices *d = &b->d;
	memset(d, 0, sizeof *d);
	if (want & DEV_PEN)
		want |= DEV_IO;
	/* Stopped by a signal already: power nothing. */
	enum rig_rc rc = rig_stop_check(err);
	if (rc)
		return rc;
	if ((want & DEV_IO) &&
	    (rc = bench_io_open_part(&d->io, &b->fx.io, &b->hal,
				     b->shared_io ? BENCH_IO_SOCKET : BENCH_IO_ALL, b->shared_io,
				     err)))
		goto fail;
	if ((want & DEV_LASER) && (rc = open_laser(b, err)))
		goto fail;
	if ((want & DEV_LOADCELL) &&
	    (rc = loadcell_open(&d->loadcell, &b->fx.loadcell, &b->hal, err))) {
		rig_err_prefix(err, "load cell: ");
		goto fail;
	}
	if (d->loadcell) {
		/* Real hardware on real time: harden its reads. */
		struct loadcell_rt rt = {
			.harden = !bench_time_is_free(b), .notice = b->notice, .ctx = b->notice_ctx,
		};
		loadcell_set_rt(d->loadcell, &rt);
	}
	if ((want & DEV_PEN) && (rc = open_pen(b, err)))
		goto fail;
	return RIG_OK;
fail:
	bench_devices_close(b);
	return rc;
}

void bench_devices_close(struct bench *b)
{
	struct bench_devices *d = &b->d;
	if (d->pen && d->io && bench_io_pen_powered(d->io))
		pen_set_motor(d->pen, false, NULL);
	b->motor_on = false;
	pen_close(d->pen);
	serial_close(d->pen_port);
	laser_close(d->laser);
	serial_close(d->laser_port);
	loadcell_close(d->loadcell);
	bench_io_close(d->io); /* pen power off */
	memset(d, 0, sizeof *d);
}
