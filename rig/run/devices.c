/* devices.c - open and close a whole bench. */
#include "run/devices.h"

#include <string.h>

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

static enum rig_rc open_pen(struct bench_devices *d, struct rig_err *err)
{
	struct fixture *f = &d->session->fx;
	struct serial_settings ss = serial_8n1(f->pen.baud);
	enum rig_rc rc = bench_io_check_safe(d->io, err);
	if (rc)
		return rig_err_prefix(err, "pen: not switched on: ");
	if ((rc = serial_open(&d->pen_port, f->pen.port, &ss, &d->session->hal, err)))
		return rig_err_prefix(err, "pen: ");
	struct pen_settings ps = pen_settings_default();
	ps.timeout_ms = f->pen.timeout_ms;
	ps.check = pen_wait_check;
	ps.check_ctx = d->io;
	if ((rc = pen_open(&d->pen, d->pen_port, d->session->hal.clock, &ps, err)))
		return rig_err_prefix(err, "pen %s: ", f->pen.port);
	if ((rc = bench_io_pen_power(d->io, true, err)))
		return rig_err_prefix(err, "pen power relay: ");
	return pen_wait_ready(d->pen, PEN_BOOT_WAIT_MS, err);
}

static enum rig_rc open_laser(struct bench_devices *d, struct rig_err *err)
{
	struct fixture *f = &d->session->fx;
	struct serial_settings ss = serial_8n1(f->laser.baud);
	enum rig_rc rc = serial_open(&d->laser_port, f->laser.port, &ss, &d->session->hal, err);
	if (rc)
		return rig_err_prefix(err, "laser: ");
	struct laser_settings ls = {
		.range_mm = f->laser.range_mm,
		.rate_hz = f->laser.rate_hz,
		.baud = f->laser.baud,
	};
	rc = laser_open(&d->laser, d->laser_port, &ls, err);
	return rc;
}

enum rig_rc devices_open(struct bench_devices *d, struct rig_session *s,
			 unsigned want, struct rig_err *err)
{
	memset(d, 0, sizeof *d);
	d->session = s;
	if (want & DEV_PEN)
		want |= DEV_IO;
	enum rig_rc rc = RIG_OK;
	if ((want & DEV_IO) && (rc = bench_io_open(&d->io, &s->fx.io, &s->hal, err)))
		goto fail;
	if ((want & DEV_LASER) && (rc = open_laser(d, err)))
		goto fail;
	if ((want & DEV_LOADCELL) &&
	    (rc = loadcell_open(&d->loadcell, &s->fx.loadcell, &s->hal, err))) {
		rig_err_prefix(err, "load cell: ");
		goto fail;
	}
	if ((want & DEV_PEN) && (rc = open_pen(d, err)))
		goto fail;
	return RIG_OK;
fail:
	devices_close(d);
	return rc;
}

void devices_close(struct bench_devices *d)
{
	if (d->pen && d->io && bench_io_pen_powered(d->io))
		pen_set_motor(d->pen, false, NULL);
	pen_close(d->pen);
	serial_close(d->pen_port);
	laser_close(d->laser);
	serial_close(d->laser_port);
	loadcell_close(d->loadcell);
	bench_io_close(d->io); /* pen power off */
	memset(d, 0, sizeof *d);
}
