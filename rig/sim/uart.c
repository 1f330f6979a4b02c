/* uart.c - one serial line between a virtual device and the host (see
 * sim/uart.h).
 *
 * A byte sent at the same framing on both sides arrives one frame time
 * after the previous one ended. A receiver at another baud or framing
 * sees what a real UART would: the sender's line is resampled bit by bit
 * (falling start-bit edge, mid-bit samples, the byte delivered when its
 * stop bit is sampled, framing errors passed on as sampled).
 */
#include "sim/uart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_FIRST_CAP 4096
#define RESAMPLE_CHUNK 2048 /* bytes resampled as one stretch of line */

/* ---- Receive buffers --------------------------------------------------- */

static bool queue_grow(struct sim_uart_queue *q)
{
	size_t ncap = q->cap ? q->cap * 2 : QUEUE_FIRST_CAP;
	if (ncap > q->max)
		ncap = q->max;
	if (ncap <= q->cap)
		return false;
	struct sim_uart_byte *nv = malloc(ncap * sizeof *nv);
	if (!nv)
		return false;
	for (size_t i = 0; i < q->len; i++)
		nv[i] = q->v[(q->head + i) % q->cap];
	free(q->v);
	q->v = nv;
	q->cap = ncap;
	q->head = 0;
	return true;
}

static void queue_push(struct sim_uart_queue *q, uint64_t t_ns, uint8_t byte)
{
	if (q->len == q->cap && !queue_grow(q)) {
		q->overrun++; /* the receiver's buffer is full: the newest byte is lost */
		return;
	}
	q->v[(q->head + q->len) % q->cap] = (struct sim_uart_byte){ t_ns, byte };
	q->len++;
}

static bool queue_pop(struct sim_uart_queue *q, uint64_t now_ns, uint8_t *byte)
{
	if (!q->len || q->v[q->head].t_ns > now_ns)
		return false;
	*byte = q->v[q->head].byte;
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return true;
}

static uint64_t queue_next_ns(const struct sim_uart_queue *q)
{
	return q->len ? q->v[q->head].t_ns : UINT64_MAX;
}

/* ---- Framing ----------------------------------------------------------- */

static int frame_bits(const struct serial_settings *s)
{
	return 1 + s->data_bits + (s->parity != 'N') + s->stop_bits;
}

static double bit_ns(const struct serial_settings *s)
{
	return 1e9 / s->baud;
}

uint64_t sim_uart_frame_ns(const struct serial_settings *s)
{
	return (uint64_t)llround(frame_bits(s) * bit_ns(s));
}

static bool same_framing(const struct serial_settings *a, const struct serial_settings *b)
{
	return a->baud == b->baud && a->data_bits == b->data_bits &&
	       a->parity == b->parity && a->stop_bits == b->stop_bits;
}

/* Level of a transmitter's line t ns after it started sending buf. */
static int tx_level(const uint8_t *buf, size_t n, const struct serial_settings *s,
		    double t)
{
	if (t < 0)
		return 1;
	double bit = bit_ns(s);
	int fb = frame_bits(s);
	size_t i = (size_t)(t / (fb * bit));
	if (i >= n)
		return 1;
	int j = (int)((t - (double)i * fb * bit) / bit);
	if (j == 0)
		return 0;
	if (j <= s->data_bits)
		return (buf[i] >> (j - 1)) & 1;
	if (s->parity != 'N' && j == s->data_bits + 1) {
		int ones = __builtin_popcount(buf[i] & ((1u << s->data_bits) - 1));
		return s->parity == 'E' ? (ones & 1) : !(ones & 1);
	}
	return 1;
}

/* What a receiver with settings rx makes of buf sent with settings tx from
 * t0: each received byte goes onto q at the time its stop bit is sampled. */
static void resample(const uint8_t *buf, size_t n, const struct serial_settings *tx,
		     const struct serial_settings *rx, uint64_t t0, struct sim_uart_queue *q)
{
	double tb = bit_ns(tx), rb = bit_ns(rx);
	size_t total = n * (size_t)frame_bits(tx);
	double t = 0;
	for (;;) {
		double edge = -1;
		for (size_t k = (size_t)ceil(t / tb); k < total; k++) {
			double e = (double)k * tb;
			if (tx_level(buf, n, tx, e - tb / 2) == 1 &&
			    tx_level(buf, n, tx, e + tb / 2) == 0) {
				edge = e;
				break;
			}
		}
		if (edge < 0)
			return;
		if (tx_level(buf, n, tx, edge + rb / 2) != 0) { /* a glitch */
			t = edge + rb / 2;
			continue;
		}
		unsigned v = 0;
		for (int i = 0; i < rx->data_bits; i++)
			if (tx_level(buf, n, tx, edge + (1.5 + i) * rb))
				v |= 1u << i;
		int pos = 1 + rx->data_bits + (rx->parity != 'N');
		double stop = edge + (pos + 0.5) * rb;
		queue_push(q, t0 + (uint64_t)llround(stop), (uint8_t)v);
		t = stop;
	}
}

/* One direction of the line: buf leaves a transmitter with framing tx,
 * starting no earlier than t_ns and *free_ns; each byte passes hook (if
 * any) at its arrival; a receiver with framing rx puts what it makes of
 * them on q. */
struct direction {
	const struct serial_settings *tx, *rx;
	uint64_t *free_ns;
	struct sim_uart_queue *q;
	sim_uart_byte_fn hook;
	void *ctx;
};

static void line_send(const struct direction *d, const uint8_t *buf, size_t n, uint64_t t_ns)
{
	uint64_t fr = sim_uart_frame_ns(d->tx);
	bool same = same_framing(d->tx, d->rx);
	uint8_t kept[RESAMPLE_CHUNK];
	size_t nkept = 0;
	uint64_t chunk_t0 = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t start = t_ns > *d->free_ns ? t_ns : *d->free_ns;
		*d->free_ns = start + fr;
		uint8_t byte = buf[i];
		if (d->hook && !d->hook(d->ctx, *d->free_ns, &byte))
			continue;
		if (same) {
			queue_push(d->q, *d->free_ns, byte);
			continue;
		}
		if (nkept == 0)
			chunk_t0 = start;
		kept[nkept++] = byte;
		if (nkept == sizeof kept) {
			resample(kept, nkept, d->tx, d->rx, chunk_t0, d->q);
			nkept = 0;
		}
	}
	if (nkept)
		resample(kept, nkept, d->tx, d->rx, chunk_t0, d->q);
}

/* ---- The line ---------------------------------------------------------- */

void sim_uart_init(struct sim_uart *u, struct serial_settings dev, size_t max_bytes,
		   uint64_t now_ns)
{
	memset(u, 0, sizeof *u);
	u->dev = u->host = dev;
	u->to_host.max = u->to_dev.max = max_bytes;
	u->dev_free_ns = u->host_free_ns = now_ns;
}

void sim_uart_free(struct sim_uart *u)
{
	free(u->to_host.v);
	free(u->to_dev.v);
	u->to_host.v = u->to_dev.v = NULL;
	u->to_host.cap = u->to_dev.cap = 0;
	u->to_host.len = u->to_dev.len = 0;
}

void sim_uart_host_configure(struct sim_uart *u, const struct serial_settings *s)
{
	u->host = *s;
}

void sim_uart_dev_send(struct sim_uart *u, const void *buf, size_t n, uint64_t t_ns)
{
	struct direction d = { &u->dev, &u->host, &u->dev_free_ns, &u->to_host,
			       u->on_byte, u->on_byte_ctx };
	line_send(&d, buf, n, t_ns);
}

void sim_uart_noise(struct sim_uart *u, const void *buf, size_t n, uint64_t t_ns)
{
	struct direction d = { &u->host, &u->host, &u->dev_free_ns, &u->to_host, NULL, NULL };
	line_send(&d, buf, n, t_ns);
}

void sim_uart_host_send(struct sim_uart *u, const void *buf, size_t n, uint64_t t_ns,
			bool listening)
{
	if (!listening) {
		uint64_t start = t_ns > u->host_free_ns ? t_ns : u->host_free_ns;
		u->host_free_ns = start + n * sim_uart_frame_ns(&u->host);
		return;
	}
	struct direction d = { &u->host, &u->dev, &u->host_free_ns, &u->to_dev, NULL, NULL };
	line_send(&d, buf, n, t_ns);
}

size_t sim_uart_host_read(struct sim_uart *u, void *buf, size_t n, uint64_t now_ns)
{
	uint8_t *out = buf;
	size_t got = 0;
	while (got < n && queue_pop(&u->to_host, now_ns, &out[got]))
		got++;
	return got;
}

bool sim_uart_dev_take(struct sim_uart *u, uint64_t now_ns, uint8_t *byte)
{
	return queue_pop(&u->to_dev, now_ns, byte);
}

uint64_t sim_uart_host_next_ns(const struct sim_uart *u)
{
	return queue_next_ns(&u->to_host);
}

uint64_t sim_uart_dev_next_ns(const struct sim_uart *u)
{
	return queue_next_ns(&u->to_dev);
}

void sim_uart_drop_to_host(struct sim_uart *u)
{
	u->to_host.head = u->to_host.len = 0;
}

void sim_uart_dev_reset(struct sim_uart *u, uint64_t t_ns)
{
	u->to_host.head = u->to_host.len = 0;
	u->to_dev.head = u->to_dev.len = 0;
	u->dev_free_ns = t_ns;
}
