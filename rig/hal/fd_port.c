/* fd_port.c - reading and writing a serial port's non-blocking descriptor
 * until a deadline (fd_port.h), for the termios and TCP backends. */
#include "hal/fd_port.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "hal/fd_wait.h"

static bool is_gone(const int *list, int e)
{
	for (; *list; list++)
		if (*list == e)
			return true;
	return false;
}

enum rig_rc fd_port_gone(const struct fd_port *p, const char *what, struct rig_err *err)
{
	return rig_fail(err, RIG_E_IO, "%s: %s: %s", p->label, what, p->kind->gone);
}

enum rig_rc fd_port_read(struct serial_port *base, void *buf, size_t n, unsigned timeout_ms,
			 bool some, size_t *got, struct rig_err *err)
{
	struct fd_port *p = (struct fd_port *)base;
	const struct fd_port_kind *k = p->kind;
	uint64_t deadline = fd_deadline_ns(timeout_ms);
	enum rig_rc rc = RIG_OK;
	bool hup_seen = false;
	size_t have = 0;
	while (have < n) {
		ssize_t r = k->in(p->fd, (char *)buf + have, n - have);
		if (r > 0) {
			have += (size_t)r;
			if (some)
				break;
			continue;
		}
		if (r == 0 || (r < 0 && is_gone(k->read_gone, errno))) {
			rc = fd_port_gone(p, "read", err);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			rc = rig_fail_errno(err, RIG_E_IO, errno, "%s: read failed", p->label);
			break;
		}
		if (hup_seen) { /* poll said hangup yet read has nothing: trust poll */
			rc = fd_port_gone(p, "read", err);
			break;
		}
		short rev;
		int w = fd_wait_until(p->fd, POLLIN, deadline, &rev);
		if (w < 0) {
			rc = rig_fail_errno(err, RIG_E_IO, errno, "%s: poll failed", p->label);
			break;
		}
		if (w == 0)
			break; /* timeout: not an error, *got tells */
		if (k->poll_gone && (rev & POLLNVAL)) {
			rc = rig_fail(err, RIG_E_INTERNAL, "%s: descriptor is not open", p->label);
			break;
		}
		/* otherwise POLLHUP/POLLERR: the next read reports it (0 or an errno) */
		hup_seen = k->poll_gone && (rev & (POLLHUP | POLLERR));
	}
	*got = have;
	return rc;
}

enum rig_rc fd_port_write(struct serial_port *base, const void *buf, size_t n,
			  unsigned timeout_ms, struct rig_err *err)
{
	struct fd_port *p = (struct fd_port *)base;
	const struct fd_port_kind *k = p->kind;
	uint64_t deadline = fd_deadline_ns(timeout_ms);
	size_t done = 0;
	while (done < n) {
		ssize_t r = k->out(p->fd, (const char *)buf + done, n - done);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && is_gone(k->write_gone, errno))
			return fd_port_gone(p, "write", err);
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return rig_fail_errno(err, RIG_E_IO, errno, "%s: write failed", p->label);
		short rev;
		int w = fd_wait_until(p->fd, POLLOUT, deadline, &rev);
		if (w < 0)
			return rig_fail_errno(err, RIG_E_IO, errno, "%s: poll failed", p->label);
		if (w == 0)
			return rig_fail(err, RIG_E_TIMEOUT,
					"%s: write: only %zu of %zu bytes went out in %u ms (%s)",
					p->label, done, n, timeout_ms, k->stuck);
		if (k->poll_gone && (rev & (POLLHUP | POLLERR)) && !(rev & POLLOUT))
			return fd_port_gone(p, "write", err);
	}
	return RIG_OK;
}

void fd_port_close(struct serial_port *base)
{
	struct fd_port *p = (struct fd_port *)base;
	close(p->fd);
	free(p);
}
