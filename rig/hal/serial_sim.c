/* serial_sim.c - `sim:<device>` ports: the in-process virtual bench.
 *
 * A reader that waits advances the hal's clock to the moment the device
 * says its next byte arrives (or to the timeout), so on the virtual clock a
 * wait costs no wall time; on the real clock it really waits.
 */
#include "hal/serial.h"

#include <stdlib.h>

struct sim_port {
	struct serial_port base;
	struct sim_serial_dev *dev;
};

static enum rig_rc sim_open(struct serial_port **out, const char *path,
			    const struct serial_settings *s, struct rig_hal *hal,
			    struct rig_err *err)
{
	if (!hal->sim || !hal->sim->serial)
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"sim:%s: no virtual bench in this run (use a fixture with a [sim] section)",
				path);
	struct sim_serial_dev *dev = hal->sim->serial(hal->sim->ctx, path);
	if (!dev)
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"sim:%s: the virtual bench has no such device", path);
	struct sim_port *p = calloc(1, sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "sim:%s: out of memory", path);
	p->dev = dev;
	if (dev->ops->configure)
		dev->ops->configure(dev->dev, s);
	*out = &p->base;
	return RIG_OK;
}

static enum rig_rc sim_read(struct serial_port *base, void *buf, size_t n,
			    unsigned timeout_ms, bool some, size_t *got,
			    struct rig_err *err)
{
	(void)err;
	struct sim_port *p = (struct sim_port *)base;
	struct rig_clock *clk = base->hal->clock;
	uint64_t deadline = clock_now_ns(clk) + (uint64_t)timeout_ms * RIG_NS_PER_MS;
	size_t have = 0;
	*got = 0;
	for (;;) {
		/* The time before the read, as the HX711 driver takes it: a
		 * process descheduled after an empty read must read once more
		 * before it can say nothing came by the deadline. */
		uint64_t now = clock_now_ns(clk);
		have += p->dev->ops->host_read(p->dev->dev, (uint8_t *)buf + have, n - have);
		if (have == n || (some && have > 0))
			break;
		if (now >= deadline)
			break;
		uint64_t next = p->dev->ops->next_rx_ns(p->dev->dev);
		if (next <= now)
			next = now + RIG_NS_PER_US; /* never spin without time passing */
		clock_sleep_until_ns(clk, next < deadline ? next : deadline);
	}
	*got = have;
	return RIG_OK;
}

static enum rig_rc sim_write(struct serial_port *base, const void *buf, size_t n,
			     unsigned timeout_ms, struct rig_err *err)
{
	(void)timeout_ms;
	(void)err;
	struct sim_port *p = (struct sim_port *)base;
	p->dev->ops->host_write(p->dev->dev, buf, n);
	return RIG_OK;
}

static enum rig_rc sim_flush_input(struct serial_port *base, struct rig_err *err)
{
	(void)err;
	struct sim_port *p = (struct sim_port *)base;
	uint8_t sink[256];
	while (p->dev->ops->host_read(p->dev->dev, sink, sizeof sink) > 0)
		;
	return RIG_OK;
}

static void sim_close(struct serial_port *base)
{
	free(base);
}

const struct serial_ops serial_sim_ops = {
	.scheme = "sim:",
	.open = sim_open,
	.read = sim_read,
	.write = sim_write,
	.flush_input = sim_flush_input,
	.close = sim_close,
};
