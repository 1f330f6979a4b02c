/* serial.h - one interface to every serial link the rig talks over.
 *
 * The backend is chosen by the port string of the fixture:
 *   /dev/ttyUSB0, /dev/serial/by-id/...   libserialport (real adapters)
 *   pty:/dev/pts/N                        plain termios (pseudo-terminals,
 *                                         which libserialport refuses)
 *   tcp://host:port                       raw TCP serial server (ser2net)
 *   sim:<device>                          the in-process virtual bench
 * Timeouts: on `sim:` ports they are bench time on the hal's clock (a
 * virtual clock jumps); the real backends wait in real time (CLOCK_MONOTONIC)
 * whatever clock the hal carries - on a real bench the hal's clock is the
 * real clock, so the two agree. timeout_ms = 0 means "take what is there
 * now, do not wait". Every error message names the port and what failed.
 * The caller owns the port and closes it.
 */
#ifndef RIG_HAL_SERIAL_H
#define RIG_HAL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "hal/hal.h"

enum serial_flow { SERIAL_FLOW_NONE, SERIAL_FLOW_RTSCTS, SERIAL_FLOW_XONXOFF };

struct serial_settings {
	int baud;          /* e.g. 115200 */
	int data_bits;     /* 5..8 */
	char parity;       /* 'N', 'E' or 'O' */
	int stop_bits;     /* 1 or 2 */
	enum serial_flow flow;
};

/* 8N1, no flow control, at the given baud. */
struct serial_settings serial_8n1(int baud);

struct serial_port;

struct serial_ops {
	const char *scheme; /* "pty:", "tcp://", "sim:", or "" for device paths */
	enum rig_rc (*open)(struct serial_port **out, const char *path,
			    const struct serial_settings *s, struct rig_hal *hal,
			    struct rig_err *err);
	/* Read up to n bytes. some=false: wait until n bytes or the timeout;
	 * some=true: return as soon as at least one byte is there. A timeout
	 * is not an error: *got tells how many bytes came. A hangup (device
	 * gone, peer closed) is RIG_E_IO; *got still counts the bytes that
	 * came before it. */
	enum rig_rc (*read)(struct serial_port *p, void *buf, size_t n,
			    unsigned timeout_ms, bool some, size_t *got,
			    struct rig_err *err);
	/* Hand all n bytes to the OS or fail (RIG_E_TIMEOUT when they could
	 * not all go out within timeout_ms). Does not wait for transmission. */
	enum rig_rc (*write)(struct serial_port *p, const void *buf, size_t n,
			     unsigned timeout_ms, struct rig_err *err);
	/* Discard whatever has been received and not read yet. */
	enum rig_rc (*flush_input)(struct serial_port *p, struct rig_err *err);
	void (*close)(struct serial_port *p);
};

/* Backends embed this as their first member. */
struct serial_port {
	const struct serial_ops *ops;
	struct rig_hal *hal;
	char name[160]; /* the port string it was opened with */
};

enum rig_rc serial_open(struct serial_port **out, const char *spec,
			const struct serial_settings *s, struct rig_hal *hal,
			struct rig_err *err);

/* Wait until n bytes came or timeout_ms passed; *got says how many. */
enum rig_rc serial_read(struct serial_port *p, void *buf, size_t n,
			unsigned timeout_ms, size_t *got, struct rig_err *err);
/* Return as soon as at least one byte came (or timeout, *got = 0). */
enum rig_rc serial_read_some(struct serial_port *p, void *buf, size_t n,
			     unsigned timeout_ms, size_t *got, struct rig_err *err);
enum rig_rc serial_write(struct serial_port *p, const void *buf, size_t n,
			 unsigned timeout_ms, struct rig_err *err);
enum rig_rc serial_write_str(struct serial_port *p, const char *s,
			     unsigned timeout_ms, struct rig_err *err);
enum rig_rc serial_flush_input(struct serial_port *p, struct rig_err *err);
void serial_close(struct serial_port *p); /* NULL is fine */
const char *serial_name(const struct serial_port *p);

/* The backends, for serial.c's table and for tests. */
extern const struct serial_ops serial_sp_ops;      /* serial_sp.c */
extern const struct serial_ops serial_termios_ops; /* serial_termios.c */
extern const struct serial_ops serial_tcp_ops;     /* serial_tcp.c */
extern const struct serial_ops serial_sim_ops;     /* serial_sim.c */

/* ---- The virtual bench side of `sim:` ports ----------------------------
 * A simulated device implements these; serial_sim.c turns them into the
 * port interface, advancing the hal's clock while a reader waits. */
struct sim_serial_dev_ops {
	/* The host changed line settings; a device at another baud or framing
	 * receives and sends garbage, as a real one would. */
	void (*configure)(void *dev, const struct serial_settings *s);
	/* Bytes from the host, at the clock's now. */
	void (*host_write)(void *dev, const uint8_t *buf, size_t n);
	/* Up to n bytes that have reached the host by the clock's now. */
	size_t (*host_read)(void *dev, uint8_t *buf, size_t n);
	/* Bench time at which the next byte will reach the host, or
	 * UINT64_MAX when the device will send nothing unprompted. */
	uint64_t (*next_rx_ns)(void *dev);
};

struct sim_serial_dev {
	const struct sim_serial_dev_ops *ops;
	void *dev;
	const char *name;
};

#endif
