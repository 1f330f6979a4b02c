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

struct gd_chip {
	struct gpio_chip base;
	struct gpiod_chip *chip;
};

struct gd_line {
	struct gpio_line base;
	struct gpiod_line *line;
	bool output;
	bool edges;
};

bool gpiod_probe_chip(const char *path, char *label, size_t cap, unsigned *lines)
{
	struct gpiod_chip *c = gpiod_chip_open(path);
	if (!c)
		return false;
	snprintf(label, cap, "%s", gpiod_chip_label(c));
	*lines = gpiod_chip_num_lines(c);
	gpiod_chip_close(c);
	return true;
}

static enum rig_rc gd_open_chip(struct gpio_chip **out, const char *spec,
				struct rig_hal *hal, struct rig_err *err)
{
	(void)hal;
	char path[128];
	const char *how;
	enum rig_rc rc = gpio_chip_path(spec, path, sizeof path, &how, err);
	if (rc)
		return rc;
	errno = 0;
	struct gpiod_chip *c = gpiod_chip_open(path);
	if (!c)
		return gpio_chip_open_failed(spec, how, errno ? errno : ENOENT, err);
	struct gd_chip *h = calloc(1, sizeof *h);
	if (!h) {
		gpiod_chip_close(c);
		return rig_fail(err, RIG_E_NOMEM, "GPIO chip %s: out of memory", spec);
	}
	h->chip = c;
	*out = &h->base;
	return RIG_OK;
}

static enum rig_rc find_line(struct gpio_chip *c, const char *spec,
			     struct gpiod_line **out, struct rig_err *err)
{
	struct gpiod_chip *chip = ((struct gd_chip *)c)->chip;
	unsigned nlines = gpiod_chip_num_lines(chip);
	char *end;
	errno = 0;
	unsigned long off = strtoul(spec, &end, 10);
	if (spec[0] >= '0' && spec[0] <= '9' && !*end && !errno) {
		if (off >= nlines)
			return rig_fail(err, RIG_E_CONFIG,
					"GPIO chip %s: no line %lu (the chip has lines 0..%u)",
					c->name, off, nlines ? nlines - 1 : 0);
		*out = gpiod_chip_get_line(chip, (unsigned)off);
	} else {
		*out = gpiod_chip_find_line(chip, spec);
		if (!*out && errno == ENOENT)
			return rig_fail(err, RIG_E_CONFIG,
					"GPIO chip %s: no line named '%s' (expected an offset "
					"0..%u or a line name)", c->name, spec,
					nlines ? nlines - 1 : 0);
	}
	if (!*out)
		return rig_fail_errno(err, RIG_E_UNAVAILABLE, errno,
				      "GPIO chip %s: cannot get line '%s'", c->name, spec);
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
	if (!consumer || !*consumer)
		consumer = "rig";
	int r;
	if (dir == GPIO_OUTPUT)
		r = gpiod_line_request_output_flags(gl, consumer, gflags, !!initial);
	else if (flags & GPIO_F_EDGES)
		r = gpiod_line_request_both_edges_events_flags(gl, consumer, gflags);
	else
		r = gpiod_line_request_input_flags(gl, consumer, gflags);
	if (r != 0) {
		int e = errno;
		if (e == EBUSY) {
			gpiod_line_update(gl);
			const char *user = gpiod_line_consumer(gl);
			return rig_fail(err, RIG_E_BUSY,
					"GPIO chip %s line %s: already in use by '%s'",
					c->name, line, user ? user : "another process");
		}
		return rig_fail_errno(err, RIG_E_UNAVAILABLE, e,
				      "GPIO chip %s line %s: cannot request it as %s%s",
				      c->name, line, dir == GPIO_OUTPUT ? "output" : "input",
				      (flags & (GPIO_F_PULL_UP | GPIO_F_PULL_DOWN)) ?
				      " with pull bias (kernel 5.5+ needed)" : "");
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
		return rig_fail_errno(err, RIG_E_IO, errno, "GPIO %s line %u (%s): read failed",
				      l->chip->name, l->offset, l->name);
	*value = v;
	return RIG_OK;
}

static enum rig_rc gd_set(struct gpio_line *l, int value, struct rig_err *err)
{
	struct gd_line *h = (struct gd_line *)l;
	if (!h->output)
		return rig_fail(err, RIG_E_INTERNAL, "GPIO %s line %u: set on an input line",
				l->chip->name, l->offset);
	if (gpiod_line_set_value(h->line, !!value) != 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "GPIO %s line %u (%s): set failed",
				      l->chip->name, l->offset, l->name);
	return RIG_OK;
}

/* Wait up to left_ns for an event; 1 event pending, 0 none, -1 error. */
static int event_wait(struct gpiod_line *line, uint64_t left_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(left_ns / RIG_NS_PER_S),
		.tv_nsec = (long)(left_ns % RIG_NS_PER_S),
	};
	return gpiod_line_event_wait(line, &ts);
}

static enum rig_rc gd_wait_edge(struct gpio_line *l, enum gpio_edge edges,
				unsigned timeout_ms, enum gpio_edge *seen,
				struct rig_err *err)
{
	struct gd_line *h = (struct gd_line *)l;
	struct rig_clock *rt = clock_real();
	struct gpiod_line_event ev;
	*seen = 0;
	if (!h->edges)
		return rig_fail(err, RIG_E_INTERNAL,
				"GPIO %s line %u: wait for an edge on a line not requested for edges",
				l->chip->name, l->offset);
	/* Edges queued before the call are history: drop them. */
	int r;
	while ((r = event_wait(h->line, 0)) == 1)
		if (gpiod_line_event_read(h->line, &ev) != 0)
			break;
	uint64_t deadline = clock_now_ns(rt) + (uint64_t)timeout_ms * RIG_NS_PER_MS;
	for (;;) {
		uint64_t now = clock_now_ns(rt);
		if (now >= deadline)
			return RIG_OK;
		r = event_wait(h->line, deadline - now);
		if (r == 0)
			continue; /* the loop head decides whether time is up */
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return rig_fail_errno(err, RIG_E_IO, errno,
					      "GPIO %s line %u (%s): waiting for an edge failed",
					      l->chip->name, l->offset, l->name);
		}
		if (gpiod_line_event_read(h->line, &ev) != 0)
			return rig_fail_errno(err, RIG_E_IO, errno,
					      "GPIO %s line %u (%s): reading an edge failed",
					      l->chip->name, l->offset, l->name);
		enum gpio_edge e = ev.event_type == GPIOD_LINE_EVENT_RISING_EDGE ?
				   GPIO_EDGE_RISING : GPIO_EDGE_FALLING;
		if (e & edges) {
			*seen = e;
			return RIG_OK;
		}
	}
}

static void gd_release(struct gpio_line *l)
{
	struct gd_line *h = (struct gd_line *)l;
	gpiod_line_release(h->line);
	free(h);
}

static void gd_close_chip(struct gpio_chip *c)
{
	struct gd_chip *h = (struct gd_chip *)c;
	gpiod_chip_close(h->chip);
	free(h);
}

const struct gpio_ops gpio_gpiod_ops = {
	.open_chip = gd_open_chip,
	.request = gd_request,
	.get = gd_get,
	.set = gd_set,
	.wait_edge = gd_wait_edge,
	.release = gd_release,
	.close_chip = gd_close_chip,
};

#endif /* RIG_GPIOD_MAJOR == 1 */
