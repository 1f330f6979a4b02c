/* uart.h - one serial line between a virtual device and the host: the
 * bytes in flight each way with the instants their stop bits end, each
 * side's framing, and what a receiver at another baud or framing makes of
 * what it hears (the line resampled bit by bit, as a real UART would).
 *
 * The virtual pen and the virtual laser both speak through one. A device
 * embeds its line (struct sim_uart) and frees the queues' memory with
 * sim_uart_free(); the line holds no pointer to anything it does not own
 * except the optional byte hook's context.
 */
#ifndef RIG_SIM_UART_H
#define RIG_SIM_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/serial.h"

struct sim_uart_byte {
	uint64_t t_ns; /* when its stop bit ends at the receiver */
	uint8_t byte;
};

/* A receive buffer: bytes in arrival order. It grows up to max bytes;
 * beyond, the newest bytes are lost (counted), as a full UART buffer or a
 * driver's overrun loses them. */
struct sim_uart_queue {
	struct sim_uart_byte *v;
	size_t cap, max, head, len;
	uint64_t overrun;
};

/* What the line does to one byte on its way to the host, at its arrival
 * t_ns (a fault): false loses it; it may replace *byte. */
typedef bool (*sim_uart_byte_fn)(void *ctx, uint64_t t_ns, uint8_t *byte);

struct sim_uart {
	struct serial_settings dev, host; /* each side's framing */
	struct sim_uart_queue to_host, to_dev;
	uint64_t dev_free_ns, host_free_ns; /* each transmitter idle from */
	sim_uart_byte_fn on_byte;           /* NULL: a clean line */
	void *on_byte_ctx;
};

/* A line whose device side runs at `dev` framing, the host at the same
 * until it configures otherwise; each receive buffer holds up to
 * max_bytes. Both transmitters are idle from now_ns. */
void sim_uart_init(struct sim_uart *u, struct serial_settings dev, size_t max_bytes,
		   uint64_t now_ns);
void sim_uart_free(struct sim_uart *u);

/* Time one frame (start, data, parity, stop bits) takes on the wire. */
uint64_t sim_uart_frame_ns(const struct serial_settings *s);

/* The host changed its line settings. */
void sim_uart_host_configure(struct sim_uart *u, const struct serial_settings *s);

/* The device sends buf, starting no earlier than t_ns and after what it
 * is still sending; each byte passes the byte hook. */
void sim_uart_dev_send(struct sim_uart *u, const void *buf, size_t n, uint64_t t_ns);
/* Noise on the device's line from t_ns: bytes the host receives as they
 * are, one host frame apart, as if the device had sent them. */
void sim_uart_noise(struct sim_uart *u, const void *buf, size_t n, uint64_t t_ns);
/* The host sends buf from t_ns on. A device that does not listen (no
 * power) hears nothing, but the host's transmitter is busy all the same. */
void sim_uart_host_send(struct sim_uart *u, const void *buf, size_t n, uint64_t t_ns,
			bool listening);

/* Up to n bytes that reached the host by now_ns. */
size_t sim_uart_host_read(struct sim_uart *u, void *buf, size_t n, uint64_t now_ns);
/* The next byte that reached the device by now_ns into *byte; false if none. */
bool sim_uart_dev_take(struct sim_uart *u, uint64_t now_ns, uint8_t *byte);

/* When the next byte reaches the host (the device), UINT64_MAX if none
 * is in flight. */
uint64_t sim_uart_host_next_ns(const struct sim_uart *u);
uint64_t sim_uart_dev_next_ns(const struct sim_uart *u);

/* Forget what is in flight to the host (a cable pulled). */
void sim_uart_drop_to_host(struct sim_uart *u);
/* The device restarts at t_ns: both directions' bytes in flight are
 * lost, its transmitter is idle from t_ns. */
void sim_uart_dev_reset(struct sim_uart *u, uint64_t t_ns);

#endif
