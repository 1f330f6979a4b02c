/* serial_termios.c - `pty:<path>` ports: plain termios, for pseudo-terminals
 * (which libserialport refuses) and, as a fallback, any terminal device.
 *
 * The port owns its descriptor (O_NONBLOCK, raw mode) and closes it. Reads
 * and writes wait with ppoll in real time (CLOCK_MONOTONIC), whatever clock
 * the hal carries. The kernel pins a pty to 8 data bits without parity, so
 * framing settings only matter when the path is a real terminal; the baud
 * must still be one termios knows (B50 ... B4000000), else the open fails.
 * A hangup of the other side (the simulator closed its master, a USB adapter
 * went away) is RIG_E_IO naming the port.
 */
#include "hal/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hal/fd_port.h"

static ssize_t tty_in(int fd, void *buf, size_t n)
{
	return read(fd, buf, n);
}

static ssize_t tty_out(int fd, const void *buf, size_t n)
{
	return write(fd, buf, n);
}

/* EIO: the other side closed (a pty's master) or went away (a USB adapter) */
static const struct fd_port_kind tty_kind = {
	.in = tty_in,
	.out = tty_out,
	.read_gone = { EIO },
	.write_gone = { EIO },
	.poll_gone = true,
	.gone = "the other side hung up (device unplugged or simulator closed its end)",
	.stuck = "flow control holding, or nobody reading the other side",
};

struct baud_code {
	int baud;
	speed_t code;
};

/* The rates termios can set with cfsetspeed on Linux. */
static const struct baud_code baud_codes[] = {
	{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 }, { 150, B150 },
	{ 200, B200 }, { 300, B300 }, { 600, B600 }, { 1200, B1200 },
	{ 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
	{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
	{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
	{ 500000, B500000 }, { 576000, B576000 }, { 921600, B921600 },
	{ 1000000, B1000000 }, { 1152000, B1152000 }, { 1500000, B1500000 },
	{ 2000000, B2000000 }, { 2500000, B2500000 }, { 3000000, B3000000 },
	{ 3500000, B3500000 }, { 4000000, B4000000 },
};

static bool baud_code(int baud, speed_t *code)
{
	for (size_t i = 0; i < sizeof baud_codes / sizeof baud_codes[0]; i++) {
		if (baud_codes[i].baud == baud) {
			*code = baud_codes[i].code;
			return true;
		}
	}
	return false;
}

static enum rig_rc apply_settings(int fd, const char *label,
				  const struct serial_settings *s, struct rig_err *err)
{
	speed_t code;
	if (!baud_code(s->baud, &code))
		return rig_fail(err, RIG_E_CONFIG,
				"%s: baud %d is not a standard termios rate "
				"(9600, 19200, 38400, 57600, 115200, 230400, 460800, "
				"921600, 1000000 ... 4000000)", label, s->baud);
	struct termios t;
	if (tcgetattr(fd, &t) != 0)
		return rig_fail_errno(err, RIG_E_UNAVAILABLE, errno,
				      "%s: not a terminal (tcgetattr)", label);
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	static const tcflag_t sizes[] = { CS5, CS6, CS7, CS8 };
	t.c_cflag |= sizes[s->data_bits - 5];
	if (s->parity != 'N') {
		t.c_cflag |= PARENB;
		if (s->parity == 'O')
			t.c_cflag |= PARODD;
	}
	if (s->stop_bits == 2)
		t.c_cflag |= CSTOPB;
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	if (s->flow == SERIAL_FLOW_RTSCTS)
		t.c_cflag |= CRTSCTS;
	else if (s->flow == SERIAL_FLOW_XONXOFF)
		t.c_iflag |= IXON | IXOFF;
	/* VMIN=1: a read with nothing there says EAGAIN, and 0 means hangup. */
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (cfsetspeed(&t, code) != 0)
		return rig_fail_errno(err, RIG_E_CONFIG, errno, "%s: cannot set baud %d",
				      label, s->baud);
	if (tcsetattr(fd, TCSANOW, &t) != 0)
		return rig_fail_errno(err, RIG_E_UNAVAILABLE, errno,
				      "%s: cannot apply %d %d%c%d", label, s->baud,
				      s->data_bits, s->parity, s->stop_bits);
	return RIG_OK;
}

static enum rig_rc tty_open(struct serial_port **out, const char *path,
			    const struct serial_settings *s, struct rig_hal *hal,
			    struct rig_err *err)
{
	(void)hal;
	enum rig_rc rc;
	struct fd_port *p = calloc(1, sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "pty:%s: out of memory", path);
	p->kind = &tty_kind;
	snprintf(p->label, sizeof p->label, "pty:%s", path);
	p->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0) {
		rc = rig_fail_errno(err, RIG_E_UNAVAILABLE, errno, "%s: cannot open %s",
				    p->label, path);
		goto fail_free;
	}
	if (!isatty(p->fd)) {
		rc = rig_fail(err, RIG_E_UNAVAILABLE,
			      "%s: %s is not a terminal (expected a pseudo-terminal such as /dev/pts/3)",
			      p->label, path);
		goto fail_close;
	}
	rc = apply_settings(p->fd, p->label, s, err);
	if (rc)
		goto fail_close;
	/* Whatever came before we were listening is not ours to read. */
	tcflush(p->fd, TCIFLUSH);
	*out = &p->base;
	return RIG_OK;

fail_close:
	close(p->fd);
fail_free:
	free(p);
	return rc;
}

static enum rig_rc tty_flush_input(struct serial_port *base, struct rig_err *err)
{
	struct fd_port *p = (struct fd_port *)base;
	if (tcflush(p->fd, TCIFLUSH) != 0) {
		if (errno == EIO)
			return fd_port_gone(p, "flush", err);
		return rig_fail_errno(err, RIG_E_IO, errno, "%s: flush failed", p->label);
	}
	return RIG_OK;
}

const struct serial_ops serial_termios_ops = {
	.scheme = "pty:",
	.open = tty_open,
	.read = fd_port_read,
	.write = fd_port_write,
	.flush_input = tty_flush_input,
	.close = fd_port_close,
};
