/* gpio.c - picks the GPIO backend from the chip name and wraps it. */
#include "hal/gpio.h"

#include <stdio.h>
#include <string.h>

enum rig_rc gpio_open_chip(struct gpio_chip **out, const char *spec,
			   struct rig_hal *hal, struct rig_err *err)
{
	*out = NULL;
	if (!spec || !*spec)
		return rig_fail(err, RIG_E_CONFIG, "GPIO chip: empty chip name");
	const struct gpio_ops *ops = &gpio_gpiod_ops;
	const char *name = spec;
	if (strncmp(spec, "sim:", 4) == 0) {
		ops = &gpio_virt_ops;
		name = spec + 4;
	}
	struct gpio_chip *c = NULL;
	enum rig_rc rc = ops->open_chip(&c, name, hal, err);
	if (rc)
		return rc;
	c->ops = ops;
	c->hal = hal;
	snprintf(c->name, sizeof c->name, "%s", spec);
	*out = c;
	return RIG_OK;
}

enum rig_rc gpio_request(struct gpio_chip *c, const char *line,
			 enum gpio_dir dir, unsigned flags, int initial,
			 const char *consumer, struct gpio_line **out,
			 struct rig_err *err)
{
	*out = NULL;
	if (!line || !*line)
		return rig_fail(err, RIG_E_CONFIG, "GPIO chip %s: empty line name", c->name);
	if ((flags & GPIO_F_PULL_UP) && (flags & GPIO_F_PULL_DOWN))
		return rig_fail(err, RIG_E_CONFIG,
				"GPIO chip %s line %s: pull-up and pull-down both asked for",
				c->name, line);
	if ((flags & GPIO_F_EDGES) && dir == GPIO_OUTPUT)
		return rig_fail(err, RIG_E_CONFIG,
				"GPIO chip %s line %s: edges can only be watched on an input",
				c->name, line);
	return c->ops->request(c, line, dir, flags, initial, consumer, out, err);
}

enum rig_rc gpio_get(struct gpio_line *l, int *value, struct rig_err *err)
{
	return l->chip->ops->get(l, value, err);
}

enum rig_rc gpio_set(struct gpio_line *l, int value, struct rig_err *err)
{
	return l->chip->ops->set(l, value, err);
}

enum rig_rc gpio_wait_edge(struct gpio_line *l, enum gpio_edge edges,
			   unsigned timeout_ms, enum gpio_edge *seen,
			   struct rig_err *err)
{
	return l->chip->ops->wait_edge(l, edges, timeout_ms, seen, err);
}

void gpio_release(struct gpio_line *l)
{
	if (l)
		l->chip->ops->release(l);
}

void gpio_close_chip(struct gpio_chip *c)
{
	if (c)
		c->ops->close_chip(c);
}
