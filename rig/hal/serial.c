/* serial.c - picks the serial backend from the port string and wraps it. */
#include "hal/serial.h"

#include <stdio.h>
#include <string.h>

struct serial_settings serial_8n1(int baud)
{
	return (struct serial_settings){
		.baud = baud, .data_bits = 8, .parity = 'N', .stop_bits = 1,
		.flow = SERIAL_FLOW_NONE,
	};
}

static const struct serial_ops *const backends[] = {
	&serial_termios_ops, /* pty: */
	&serial_tcp_ops,     /* tcp:// */
	&serial_sim_ops,     /* sim: */
};

static enum rig_rc check_settings(const char *spec, const struct serial_settings *s,
				  struct rig_err *err)
{
	if (s->baud <= 0 || s->baud > 4000000)
		return rig_fail(err, RIG_E_CONFIG, "%s: baud must be 1..4000000, found %d",
				spec, s->baud);
	if (s->data_bits < 5 || s->data_bits > 8)
		return rig_fail(err, RIG_E_CONFIG, "%s: data bits must be 5..8, found %d",
				spec, s->data_bits);
	if (s->parity != 'N' && s->parity != 'E' && s->parity != 'O')
		return rig_fail(err, RIG_E_CONFIG, "%s: parity must be N, E or O, found '%c'",
				spec, s->parity);
	if (s->stop_bits != 1 && s->stop_bits != 2)
		return rig_fail(err, RIG_E_CONFIG, "%s: stop bits must be 1 or 2, found %d",
				spec, s->stop_bits);
	return RIG_OK;
}

enum rig_rc serial_open(struct serial_port **out, const char *spec,
			const struct serial_settings *s, struct rig_hal *hal,
			struct rig_err *err)
{
	*out = NULL;
	if (!spec || !*spec)
		return rig_fail(err, RIG_E_CONFIG, "serial port: empty port string");
	enum rig_rc rc = check_settings(spec, s, err);
	if (rc)
		return rc;
	const struct serial_ops *ops = NULL;
	const char *path = spec;
	for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
		size_t n = strlen(backends[i]->scheme);
		if (strncmp(spec, backends[i]->scheme, n) == 0) {
			ops = backends[i];
			path = spec + n;
			break;
		}
	}
	if (!ops) {
		if (spec[0] != '/')
			return rig_fail(err, RIG_E_CONFIG,
					"serial port '%s': expected a device path (/dev/...), "
					"pty:/dev/pts/N, tcp://host:port or sim:<device>", spec);
		ops = &serial_sp_ops;
	}
	struct serial_port *p = NULL;
	rc = ops->open(&p, path, s, hal, err);
	if (rc)
		return rc;
	p->ops = ops;
	p->hal = hal;
	snprintf(p->name, sizeof p->name, "%s", spec);
	*out = p;
	return RIG_OK;
}

enum rig_rc serial_read(struct serial_port *p, void *buf, size_t n,
			unsigned timeout_ms, size_t *got, struct rig_err *err)
{
	return p->ops->read(p, buf, n, timeout_ms, false, got, err);
}

enum rig_rc serial_read_some(struct serial_port *p, void *buf, size_t n,
			     unsigned timeout_ms, size_t *got, struct rig_err *err)
{
	return p->ops->read(p, buf, n, timeout_ms, true, got, err);
}

enum rig_rc serial_write(struct serial_port *p, const void *buf, size_t n,
			 unsigned timeout_ms, struct rig_err *err)
{
	return p->ops->write(p, buf, n, timeout_ms, err);
}

enum rig_rc serial_write_str(struct serial_port *p, const char *s,
			     unsigned timeout_ms, struct rig_err *err)
{
	return p->ops->write(p, s, strlen(s), timeout_ms, err);
}

enum rig_rc serial_flush_input(struct serial_port *p, struct rig_err *err)
{
	return p->ops->flush_input(p, err);
}

void serial_close(struct serial_port *p)
{
	if (p)
		p->ops->close(p);
}

const char *serial_name(const struct serial_port *p)
{
	return p->name;
}
