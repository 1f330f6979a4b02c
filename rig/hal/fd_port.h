/* fd_port.h - a serial port on a non-blocking kernel descriptor, shared by
 * the backends that talk to the kernel directly: termios ptys
 * (serial_termios.c) and TCP sockets (serial_tcp.c).
 *
 * Reads and writes wait with ppoll until a deadline in real time
 * (fd_wait.h). What differs between the two, the system calls and what
 * says the other end is gone, is in each backend's const struct
 * fd_port_kind. The port owns its descriptor and closes it in
 * fd_port_close, which frees the port.
 */
#ifndef RIG_HAL_FD_PORT_H
#define RIG_HAL_FD_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hal/serial.h"

struct fd_port_kind {
	/* read(2) or recv(2) without blocking; write(2) or send(2) likewise */
	ssize_t (*in)(int fd, void *buf, size_t n);
	ssize_t (*out)(int fd, const void *buf, size_t n);
	/* errno values (0 ends the list) by which a read, a write, says the
	 * other end is gone; a read of 0 bytes always says so */
	int read_gone[3], write_gone[3];
	/* true (a terminal): poll's POLLHUP or POLLERR says gone too, when no
	 * data comes with it, and POLLNVAL is a bug */
	bool poll_gone;
	const char *gone;  /* "the server closed the connection" */
	const char *stuck; /* why a write may not go out, in brackets */
};

struct fd_port {
	struct serial_port base;
	const struct fd_port_kind *kind;
	int fd;
	char label[168]; /* "pty:<path>", "tcp://host:port": for messages */
};

/* RIG_E_IO: "<label>: <what>: <kind->gone>". */
enum rig_rc fd_port_gone(const struct fd_port *p, const char *what, struct rig_err *err);

/* serial_ops.read, .write and .close for a struct fd_port. */
enum rig_rc fd_port_read(struct serial_port *base, void *buf, size_t n, unsigned timeout_ms,
			 bool some, size_t *got, struct rig_err *err);
enum rig_rc fd_port_write(struct serial_port *base, const void *buf, size_t n,
			  unsigned timeout_ms, struct rig_err *err);
void fd_port_close(struct serial_port *base);

#endif
