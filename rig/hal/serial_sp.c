/* serial_sp.c - device paths (/dev/ttyUSB0, /dev/serial/by-id/...): real
 * serial adapters through libserialport (0.1.1 on Debian 12, 0.1.2 on 13).
 *
 * The port owns its struct sp_port and closes and frees it. libserialport
 * only opens ports it finds under /sys/class/tty, so pseudo-terminals fail
 * here; the message then points to `pty:`. Timeouts are real time (the
 * library's own select loop). libserialport takes a timeout of 0 as "wait
 * forever"; here 0 means "do not wait", as on every other backend.
 */
#include "hal/serial.h"

#include <errno.h>
#include <limits.h>
#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct sp_serial {
	struct serial_port base;
	struct sp_port *sp;
	char path[160];
};

/* libserialport's description of its last OS-level failure. */
static enum rig_rc sp_fail(struct rig_err *err, enum rig_rc rc, enum sp_return r,
			   const char *path, const char *what)
{
	if (r == SP_ERR_MEM)
		return rig_fail(err, RIG_E_NOMEM, "%s: %s: out of memory", path, what);
	if (r != SP_ERR_FAIL)
		return rig_fail(err, rc, "%s: %s: libserialport refused (code %d)", path,
				what, (int)r);
	char *msg = sp_last_error_message();
	int code = sp_last_error_code();
	/* A USB adapter pulled out hangs its tty up: EIO from then on (ENXIO,
	 * ENODEV once the node is gone). A device fault, as the virtual
	 * bench's unplugged laser is, not a failing disk. */
	if (rc == RIG_E_IO && (code == EIO || code == ENXIO || code == ENODEV))
		rc = rig_fail(err, RIG_E_DEVICE, "%s: %s: %s: the adapter went away (unplugged?)",
			      path, what, msg ? msg : "unknown error");
	else
		rc = rig_fail(err, rc, "%s: %s: %s", path, what, msg ? msg : "unknown error");
	sp_free_error_message(msg);
	return rc;
}

/* Unix 98 pty slaves have majors 136..143 (Documentation/admin-guide/devices.txt). */
static bool is_pty(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) >= 136 &&
	       major(st->st_rdev) <= 143;
}

/* Why sp_get_port_by_name found nothing, in words a person can act on. */
static enum rig_rc not_found(const char *path, struct rig_err *err)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return rig_fail(err, RIG_E_UNAVAILABLE,
					"%s: no such serial port (is the adapter plugged in? "
					"`rig ports` lists the ports here)", path);
		return rig_fail_errno(err, RIG_E_UNAVAILABLE, errno, "%s: cannot look at it",
				      path);
	}
	if (is_pty(&st))
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"%s: a pseudo-terminal, which libserialport cannot open; "
				"use the port string pty:%s", path, path);
	if (!S_ISCHR(st.st_mode))
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"%s: not a character device, so not a serial port", path);
	return rig_fail(err, RIG_E_UNAVAILABLE,
			"%s: not a serial port libserialport knows (nothing for it under "
			"/sys/class/tty); if it is a terminal, try pty:%s",
			path, path);
}

static enum sp_parity sp_parity_of(char parity)
{
	switch (parity) {
	case 'E': return SP_PARITY_EVEN;
	case 'O': return SP_PARITY_ODD;
	default: return SP_PARITY_NONE;
	}
}

static enum sp_flowcontrol sp_flow_of(enum serial_flow flow)
{
	switch (flow) {
	case SERIAL_FLOW_RTSCTS: return SP_FLOWCONTROL_RTSCTS;
	case SERIAL_FLOW_XONXOFF: return SP_FLOWCONTROL_XONXOFF;
	default: return SP_FLOWCONTROL_NONE;
	}
}

static enum rig_rc sp_apply(struct sp_serial *p, const struct serial_settings *s,
			    struct rig_err *err)
{
	enum sp_return r;
	char what[64];
	if ((r = sp_set_baudrate(p->sp, s->baud)) != SP_OK) {
		snprintf(what, sizeof what, "cannot set baud %d", s->baud);
		return sp_fail(err, RIG_E_UNAVAILABLE, r, p->path, what);
	}
	if ((r = sp_set_bits(p->sp, s->data_bits)) != SP_OK) {
		snprintf(what, sizeof what, "cannot set %d data bits", s->data_bits);
		return sp_fail(err, RIG_E_UNAVAILABLE, r, p->path, what);
	}
	if ((r = sp_set_parity(p->sp, sp_parity_of(s->parity))) != SP_OK) {
		snprintf(what, sizeof what, "cannot set parity %c", s->parity);
		return sp_fail(err, RIG_E_UNAVAILABLE, r, p->path, what);
	}
	if ((r = sp_set_stopbits(p->sp, s->stop_bits)) != SP_OK) {
		snprintf(what, sizeof what, "cannot set %d stop bits", s->stop_bits);
		return sp_fail(err, RIG_E_UNAVAILABLE, r, p->path, what);
	}
	if ((r = sp_set_flowcontrol(p->sp, sp_flow_of(s->flow))) != SP_OK)
		return sp_fail(err, RIG_E_UNAVAILABLE, r, p->path, "cannot set flow control");
	return RIG_OK;
}

static enum rig_rc sp_open_port(struct serial_port **out, const char *path,
				const struct serial_settings *s, struct rig_hal *hal,
				struct rig_err *err)
{
	(void)hal;
	enum rig_rc rc;
	enum sp_return r;
	struct stat st;
	struct sp_serial *p = calloc(1, sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
	snprintf(p->path, sizeof p->path, "%s", path);
	/* libserialport 0.1.1 (Debian 12) finds a port's details under
	 * /sys/class/tty/<name after /dev/>, so a udev link (/dev/rig-pen,
	 * /dev/serial/by-id/...) is "not found" there; 0.1.2 resolves links
	 * itself. Resolve them here for both. */
	char real[PATH_MAX];
	if (sp_get_port_by_name(realpath(path, real) ? real : path, &p->sp) != SP_OK) {
		p->sp = NULL;
		rc = not_found(path, err);
		goto fail;
	}
	if ((r = sp_open(p->sp, SP_MODE_READ_WRITE)) != SP_OK) {
		rc = sp_fail(err, RIG_E_UNAVAILABLE, r, path, "cannot open");
		if (stat(path, &st) == 0 && is_pty(&st))
			rig_err_prefix(err, "%s: use pty:%s for a pseudo-terminal; ", path, path);
		goto fail_free;
	}
	rc = sp_apply(p, s, err);
	if (rc)
		goto fail_close;
	/* Whatever came before we were listening is not ours to read. */
	sp_flush(p->sp, SP_BUF_INPUT);
	*out = &p->base;
	return RIG_OK;

fail_close:
	sp_close(p->sp);
fail_free:
	sp_free_port(p->sp);
fail:
	free(p);
	return rc;
}

static enum rig_rc sp_read(struct serial_port *base, void *buf, size_t n,
			   unsigned timeout_ms, bool some, size_t *got,
			   struct rig_err *err)
{
	struct sp_serial *p = (struct sp_serial *)base;
	enum sp_return r;
	*got = 0;
	if (n == 0)
		return RIG_OK;
	if (timeout_ms == 0)
		r = sp_nonblocking_read(p->sp, buf, n);
	else if (some)
		r = sp_blocking_read_next(p->sp, buf, n, timeout_ms);
	else
		r = sp_blocking_read(p->sp, buf, n, timeout_ms);
	if (r < 0)
		return sp_fail(err, RIG_E_IO, r, p->path, "read failed");
	*got = (size_t)r;
	/* libserialport reads a hung-up tty (adapter unplugged) as "no data";
	 * asking for the input queue tells the two apart (EIO once hung up). */
	if (*got < n && (r = sp_input_waiting(p->sp)) < 0)
		return sp_fail(err, RIG_E_IO, r, p->path, "read: the device went away");
	return RIG_OK;
}

static enum rig_rc sp_write(struct serial_port *base, const void *buf, size_t n,
			    unsigned timeout_ms, struct rig_err *err)
{
	struct sp_serial *p = (struct sp_serial *)base;
	enum sp_return r;
	if (n == 0)
		return RIG_OK;
	if (timeout_ms == 0)
		r = sp_nonblocking_write(p->sp, buf, n);
	else
		r = sp_blocking_write(p->sp, buf, n, timeout_ms);
	if (r < 0)
		return sp_fail(err, RIG_E_IO, r, p->path, "write failed");
	if ((size_t)r < n)
		return rig_fail(err, RIG_E_TIMEOUT,
				"%s: write: only %d of %zu bytes went out in %u ms "
				"(flow control holding?)", p->path, (int)r, n, timeout_ms);
	return RIG_OK;
}

static enum rig_rc sp_flush_input(struct serial_port *base, struct rig_err *err)
{
	struct sp_serial *p = (struct sp_serial *)base;
	enum sp_return r = sp_flush(p->sp, SP_BUF_INPUT);
	if (r != SP_OK)
		return sp_fail(err, RIG_E_IO, r, p->path, "flush failed");
	return RIG_OK;
}

static void sp_close_port(struct serial_port *base)
{
	struct sp_serial *p = (struct sp_serial *)base;
	sp_close(p->sp);
	sp_free_port(p->sp);
	free(p);
}

const struct serial_ops serial_sp_ops = {
	.scheme = "",
	.open = sp_open_port,
	.read = sp_read,
	.write = sp_write,
	.flush_input = sp_flush_input,
	.close = sp_close_port,
};
