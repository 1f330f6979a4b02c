/* serial_tcp.c - `tcp://host:port` ports: a raw TCP serial server (ser2net,
 * a terminal server, or a simulator in another process).
 *
 * The port owns its socket and closes it. host is a name, an IPv4 address or
 * an IPv6 address in brackets ([::1]); port is a number. The line settings
 * (baud, framing, flow) are IGNORED: they belong to the server's end of the
 * serial line and must be configured there. The name lookup (getaddrinfo)
 * blocks without a timeout of ours; connecting waits at most
 * TCP_CONNECT_TIMEOUT_MS (5 s) per address. Reads and writes wait with ppoll in
 * real time. The server closing the connection is RIG_E_IO naming the port.
 */
#include "hal/serial.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hal/fd_port.h"
#include "hal/fd_wait.h"

#define TCP_CONNECT_TIMEOUT_MS 5000
#define RIG_STR_(x) #x
#define RIG_STR(x) RIG_STR_(x)

static ssize_t tcp_in(int fd, void *buf, size_t n)
{
	return recv(fd, buf, n, MSG_DONTWAIT);
}

/* MSG_NOSIGNAL: a closed peer is an error code, not SIGPIPE. */
static ssize_t tcp_out(int fd, const void *buf, size_t n)
{
	return send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* POLLHUP/POLLERR: the next recv reports it (0 or an errno). */
static const struct fd_port_kind tcp_kind = {
	.in = tcp_in,
	.out = tcp_out,
	.write_gone = { EPIPE, ECONNRESET },
	.gone = "the server closed the connection",
	.stuck = "the server is not reading",
};

/* Split "host:port" or "[v6]:port" into host and port. */
static enum rig_rc split_host_port(const char *path, const char *label,
				   char *host, size_t host_size,
				   char *port, size_t port_size, struct rig_err *err)
{
	const char *h = path, *h_end, *colon;
	if (path[0] == '[') {
		h = path + 1;
		h_end = strchr(h, ']');
		if (!h_end || h_end[1] != ':')
			goto bad;
		colon = h_end + 1;
	} else {
		colon = strrchr(path, ':');
		if (!colon)
			goto bad;
		if (memchr(path, ':', (size_t)(colon - path)))
			return rig_fail(err, RIG_E_CONFIG,
					"%s: an IPv6 address goes in brackets: tcp://[::1]:port",
					label);
		h_end = colon;
	}
	size_t hn = (size_t)(h_end - h);
	const char *pt = colon + 1;
	if (hn == 0 || hn >= host_size)
		goto bad;
	char *end;
	errno = 0;
	unsigned long pnum = strtoul(pt, &end, 10);
	if (!*pt || *end || errno || pnum < 1 || pnum > 65535 || *pt == '-' || *pt == '+')
		return rig_fail(err, RIG_E_CONFIG,
				"%s: port must be a number 1..65535, found '%s'", label, pt);
	memcpy(host, h, hn);
	host[hn] = '\0';
	snprintf(port, port_size, "%lu", pnum);
	return RIG_OK;
bad:
	return rig_fail(err, RIG_E_CONFIG,
			"%s: expected tcp://host:port (IPv6: tcp://[::1]:port)", label);
}

/* Connect one address within the deadline; returns the socket or -1 with
 * errno set (ETIMEDOUT when the deadline passed). */
static int connect_one(const struct addrinfo *ai, uint64_t deadline)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	int e = errno;
	if (e == EINPROGRESS || e == EINTR) {
		short rev;
		int w = fd_wait_until(fd, POLLOUT, deadline, &rev);
		if (w == 1) {
			socklen_t len = sizeof e;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
				e = errno;
			if (e == 0)
				return fd;
		} else {
			e = w == 0 ? ETIMEDOUT : errno;
		}
	}
	close(fd);
	errno = e;
	return -1;
}

static enum rig_rc tcp_open(struct serial_port **out, const char *path,
			    const struct serial_settings *s, struct rig_hal *hal,
			    struct rig_err *err)
{
	(void)s; /* the server owns the line settings */
	(void)hal;
	enum rig_rc rc;
	struct addrinfo *res = NULL;
	char host[128], port[8];
	struct fd_port *p = calloc(1, sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "tcp://%s: out of memory", path);
	p->kind = &tcp_kind;
	p->fd = -1;
	snprintf(p->label, sizeof p->label, "tcp://%s", path);
	rc = split_host_port(path, p->label, host, sizeof host, port, sizeof port, err);
	if (rc)
		goto fail;
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV,
	};
	int g = getaddrinfo(host, port, &hints, &res);
	if (g != 0) {
		rc = rig_fail(err, RIG_E_UNAVAILABLE, "%s: cannot resolve '%s': %s",
			      p->label, host, g == EAI_SYSTEM ? strerror(errno) : gai_strerror(g));
		goto fail;
	}
	int last_errno = 0;
	for (const struct addrinfo *ai = res; ai && p->fd < 0; ai = ai->ai_next) {
		p->fd = connect_one(ai, fd_deadline_ns(TCP_CONNECT_TIMEOUT_MS));
		if (p->fd < 0)
			last_errno = errno;
	}
	if (p->fd < 0) {
		rc = rig_fail_errno(err, RIG_E_UNAVAILABLE, last_errno,
				    "%s: cannot connect to %s port %s%s", p->label, host, port,
				    last_errno == ETIMEDOUT ?
				    " within " RIG_STR(TCP_CONNECT_TIMEOUT_MS) " ms" : "");
		goto fail;
	}
	int one = 1;
	/* Commands are short and answers awaited: send each write at once. */
	if (setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
		rc = rig_fail_errno(err, RIG_E_UNAVAILABLE, errno, "%s: TCP_NODELAY", p->label);
		goto fail;
	}
	freeaddrinfo(res);
	*out = &p->base;
	return RIG_OK;

fail:
	if (res)
		freeaddrinfo(res);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
	return rc;
}

static enum rig_rc tcp_flush_input(struct serial_port *base, struct rig_err *err)
{
	struct fd_port *p = (struct fd_port *)base;
	char sink[512];
	for (;;) {
		ssize_t r = recv(p->fd, sink, sizeof sink, MSG_DONTWAIT);
		if (r > 0)
			continue;
		if (r == 0)
			return fd_port_gone(p, "flush", err);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return RIG_OK;
		return rig_fail_errno(err, RIG_E_IO, errno, "%s: flush failed", p->label);
	}
}

const struct serial_ops serial_tcp_ops = {
	.scheme = "tcp://",
	.open = tcp_open,
	.read = fd_port_read,
	.write = fd_port_write,
	.flush_input = tcp_flush_input,
	.close = fd_port_close,
};
