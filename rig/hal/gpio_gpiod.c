/* gpio_gpiod.c - real GPIO chips through libgpiod 1.6 (the v1 API of
 * Debian 12 / Raspberry Pi OS bookworm); gpio_gpiod2.c is the same for
 * libgpiod 2.x, and the Makefile builds the one pkg-config finds.
 *
 * Chips are found as gpio_chips.c says (by label, name or path). One
 * request per line, held from request to release, so a get or a set is one
 * ioctl (the HX711's bit-banging needs no more). A chip handle owns its struct gpiod_chip; a
 * line handle owns its request and releases it. Active-low is done by the
 * kernel, so get/set/edges speak logical values, as on the virtual chip.
 * wait_edge waits in real time and, like the virtual chip, only reports
 * edges that come after the call began.
 */
#include "hal/gpio.h"

#if RIG_GPIOD_MAJOR == 1

#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "hal/gpio_gpiod.h"

/* The 1.x header defines GPIOD_BIT; 2.x does not (gpio_gpiod2.c). */
#ifndef GPIOD_BIT
#error "gpio_gpiod.c needs the libgpiod 1.x API; this gpiod.h is another (build gpio_gpiod2.c)"
#endif

struct gd_line {
	struct gpio_line base;
	struct gpiod_line *line;
	bool output;
	bool edges;
};

bool gpiod_chip_describe(struct gpiod_chip *c, char *label, size_t cap, unsigned *lines)
{
	if (label)
		snprintf(label, cap, "%s", gpiod_chip_label(c));
	*lines = gpiod_chip_num_lines(c);
	return true;
}

static enum rig_rc find_line(struct gpio_chip *c, const char *spec,
			     struct gpiod_line **out, struct rig_err *err)
{
	struct gpiod_chip *chip = ((struct gd_chip *)c)->chip;
	unsigned nlines = ((struct gd_chip *)c)->nlines, off = 0;
	bool is_name;
	enum rig_rc rc = gpiod_line_spec(c, spec, nlines, &off, &is_name, err);
	if (rc)
		return rc;
	errno = 0;
	*out = is_name ? gpiod_chip_find_line(chip, spec) : gpiod_chip_get_line(chip, off);
	if (!*out)
		return gpiod_line_lookup_failed(c, spec, nlines, is_name, errno, err);
	return RIG_OK;
}

static enum rig_rc gd_request(struct gpio_chip *c, const char *line,
			      enum gpio_dir dir, unsigned flags, int initial,
			      const char *consumer, struct gpio_line **out,
			      struct rig_err *err)
{
	struct gpiod_line *gl;
	enum rig_rc rc = find_line(c, line, &gl, err);
	if (rc)
		return rc;
	int gflags = 0;
	if (flags & GPIO_F_ACTIVE_LOW)
		gflags |= GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW;
	if (flags & GPIO_F_PULL_UP)
		gflags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
	if (flags & GPIO_F_PULL_DOWN)
		gflags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
	consumer = gpiod_consumer(consumer);
	int r;
	if (dir == GPIO_OUTPUT)
		r = gpiod_line_request_output_flags(gl, consumer, gflags, !!initial);
	else if (flags & GPIO_F_EDGES)
		r = gpiod_line_request_both_edges_events_flags(gl, consumer, gflags);
	else
		r = gpiod_line_request_input_flags(gl, consumer, gflags);
	if (r != 0) {
		int e = errno;
		const char *user = NULL;
		if (e == EBUSY) {
			gpiod_line_update(gl);
			user = gpiod_line_consumer(gl);
		}
		return gpiod_request_failed(c, line, dir, flags, e, user, err);
	}
	struct gd_line *h = calloc(1, sizeof *h);
	if (!h) {
		gpiod_line_release(gl);
		return rig_fail(err, RIG_E_NOMEM, "GPIO chip %s: out of memory", c->name);
	}
	h->line = gl;
	h->output = dir == GPIO_OUTPUT;
	h->edges = flags & GPIO_F_EDGES;
	h->base.chip = c;
	h->base.offset = gpiod_line_offset(gl);
	const char *lname = gpiod_line_name(gl);
	snprintf(h->base.name, sizeof h->base.name, "%s", lname && *lname ? lname : line);
	*out = &h->base;
	return RIG_OK;
}

static enum rig_rc gd_get(struct gpio_line *l, int *value, struct rig_err *err)
{
	struct gd_line *h = (struct gd_line *)l;
	int v = gpiod_line_get_value(h->line);
	if (v < 0)
		return gpiod_line_io_failed(l, "read", errno, err);
	*value = v;
	return RIG_OK;
}

static enum rig_rc gd_set(struct gpio_line *l, int value, struct rig_err *err)
{
	struct gd_line *h = (struct gd_line *)l;
	if (!h->output)
		return gpiod_line_misuse(l, "set on an input line", err);
	if (gpiod_line_set_value(h->line, !!value) != 0)
		return gpiod_line_io_failed(l, "set", errno, err);
	return RIG_OK;
}

/* Wait up to left_ns for an event; 1 event pending, 0 none, -1 error. */
static int event_wait(void *line, uint64_t left_ns)
{
	struct timespec ts = rig_timespec_ns(left_ns);
	return gpiod_line_event_wait(line, &ts);
}

/* Read one event: 1, or -1 on error; its edge into *seen when in edges. */
static int event_read(void *line, enum gpio_edge edges, enum gpio_edge *seen)
{
	struct gpiod_line_event ev;
	if (gpiod_line_event_read(line, &ev) != 0)
		return -1;
	enum gpio_edge e = ev.event_type == GPIOD_LINE_EVENT_RISING_EDGE ? GPIO_EDGE_RISING
									 : GPIO_EDGE_FALLING;
	if (e & edges)
		*seen = e;
	return 1;
}

static const struct gpiod_edge_io gd_edge_io = { .wait = event_wait, .read = event_read };

static enum rig_rc gd_wait_edge(struct gpio_line *l, enum gpio_edge edges,
				unsigned timeout_ms, enum gpio_edge *seen,
				struct rig_err *err)
{
	struct gd_line *h = (struct gd_line *)l;
	return gpiod_wait_edge_loop(l, h->edges, &gd_edge_io, h->line, edges, timeout_ms, seen,
				    err);
}

static void gd_release(struct gpio_line *l)
{
	struct gd_line *h = (struct gd_line *)l;
	gpiod_line_release(h->line);
	free(h);
}

const struct gpio_ops gpio_gpiod_ops = {
	.open_chip = gpiod_open_chip,
	.request = gd_request,
	.get = gd_get,
	.set = gd_set,
	.wait_edge = gd_wait_edge,
	.release = gd_release,
	.close_chip = gpiod_close_chip,
};

#endif /* RIG_GPIOD_MAJOR == 1 */
