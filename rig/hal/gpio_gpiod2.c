/* gpio_gpiod2.c - real GPIO chips through libgpiod 2.x (Debian 13 /
 * Raspberry Pi OS trixie: 2.2), with the behaviour of gpio_gpiod.c (the
 * 1.6 backend): the Makefile builds the one that pkg-config finds.
 *
 * Chips are found as gpio_chips.c says (by label, name or path). A line
 * handle owns one struct gpiod_line_request for its line, held from request
 * to release: a get or a set is one ioctl, so the HX711's bit-banging costs
 * what it did with 1.6. Active-low and bias are the kernel's; values and
 * edges are logical. wait_edge only reports edges that come after the call.
 *
 * The 2.x API has moved before (2.0 -> 2.1 renamed and retyped calls): the
 * checks below stop the build at this file, naming the call, when the
 * installed gpiod.h no longer says what this file was written against.
 */
#include "hal/gpio.h"

#if RIG_GPIOD_MAJOR == 2

#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "hal/gpio_gpiod.h"

#ifdef GPIOD_BIT
#error "gpio_gpiod2.c needs the libgpiod 2.x API; this gpiod.h is 1.x (build gpio_gpiod.c)"
#endif

/* The calls this file makes, with the types it was written against
 * (libgpiod 2.1 and 2.2). */
#define GPIOD2_API(fn, type)                                                       \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&fn), type),         \
		       "libgpiod API drift: " #fn " is no longer " #type)
GPIOD2_API(gpiod_line_request_get_value,
	   enum gpiod_line_value (*)(struct gpiod_line_request *, unsigned int));
GPIOD2_API(gpiod_line_request_set_value,
	   int (*)(struct gpiod_line_request *, unsigned int, enum gpiod_line_value));
GPIOD2_API(gpiod_line_request_wait_edge_events,
	   int (*)(struct gpiod_line_request *, int64_t));
GPIOD2_API(gpiod_line_request_read_edge_events,
	   int (*)(struct gpiod_line_request *, struct gpiod_edge_event_buffer *, size_t));
GPIOD2_API(gpiod_chip_request_lines,
	   struct gpiod_line_request *(*)(struct gpiod_chip *, struct gpiod_request_config *,
					  struct gpiod_line_config *));
GPIOD2_API(gpiod_line_config_add_line_settings,
	   int (*)(struct gpiod_line_config *, const unsigned int *, size_t,
		   struct gpiod_line_settings *));
GPIOD2_API(gpiod_chip_get_line_offset_from_name, int (*)(struct gpiod_chip *, const char *));
GPIOD2_API(gpiod_edge_event_get_event_type,
	   enum gpiod_edge_event_type (*)(struct gpiod_edge_event *));

#define EVENT_BUFFER 16

struct gd2_line {
	struct gpio_line base;
	struct gpiod_line_request *req;
	struct gpiod_edge_event_buffer *events; /* NULL unless edges */
	bool output;
};

bool gpiod_chip_describe(struct gpiod_chip *c, char *label, size_t cap, unsigned *lines)
{
	struct gpiod_chip_info *info = gpiod_chip_get_info(c);
	if (!info)
		return false;
	if (label)
		snprintf(label, cap, "%s", gpiod_chip_info_get_label(info));
	*lines = (unsigned)gpiod_chip_info_get_num_lines(info);
	gpiod_chip_info_free(info);
	return true;
}

static enum rig_rc find_line(struct gpio_chip *c, const char *spec, unsigned *offset,
			     struct rig_err *err)
{
	struct gd_chip *h = (struct gd_chip *)c;
	bool is_name;
	enum rig_rc rc = gpiod_line_spec(c, spec, h->nlines, offset, &is_name, err);
	if (rc || !is_name)
		return rc;
	errno = 0;
	int r = gpiod_chip_get_line_offset_from_name(h->chip, spec);
	if (r < 0)
		return gpiod_line_lookup_failed(c, spec, h->nlines, true, errno, err);
	*offset = (unsigned)r;
	return RIG_OK;
}

static struct gpiod_line_settings *settings_for(enum gpio_dir dir, unsigned flags,
						int initial)
{
	struct gpiod_line_settings *s = gpiod_line_settings_new();
	if (!s)
		return NULL;
	int r = 0;
	if (dir == GPIO_OUTPUT) {
		r |= gpiod_line_settings_set_direction(s, GPIOD_LINE_DIRECTION_OUTPUT);
		r |= gpiod_line_settings_set_output_value(s, initial ? GPIOD_LINE_VALUE_ACTIVE
								    : GPIOD_LINE_VALUE_INACTIVE);
	} else {
		r |= gpiod_line_settings_set_direction(s, GPIOD_LINE_DIRECTION_INPUT);
		if (flags & GPIO_F_EDGES)
			r |= gpiod_line_settings_set_edge_detection(s, GPIOD_LINE_EDGE_BOTH);
	}
	gpiod_line_settings_set_active_low(s, flags & GPIO_F_ACTIVE_LOW);
	if (flags & GPIO_F_PULL_UP)
		r |= gpiod_line_settings_set_bias(s, GPIOD_LINE_BIAS_PULL_UP);
	if (flags & GPIO_F_PULL_DOWN)
		r |= gpiod_line_settings_set_bias(s, GPIOD_LINE_BIAS_PULL_DOWN);
	if (r) {
		gpiod_line_settings_free(s);
		return NULL;
	}
	return s;
}

/* One request for one line; NULL with errno set. */
static struct gpiod_line_request *request_line(struct gpiod_chip *chip, unsigned offset,
					       enum gpio_dir dir, unsigned flags,
					       int initial, const char *consumer)
{
	struct gpiod_line_request *req = NULL;
	struct gpiod_line_settings *s = settings_for(dir, flags, initial);
	struct gpiod_line_config *lc = gpiod_line_config_new();
	struct gpiod_request_config *rc = gpiod_request_config_new();
	if (s && lc && rc && gpiod_line_config_add_line_settings(lc, &offset, 1, s) == 0) {
		gpiod_request_config_set_consumer(rc, consumer);
		if (flags & GPIO_F_EDGES)
			gpiod_request_config_set_event_buffer_size(rc, EVENT_BUFFER);
		req = gpiod_chip_request_lines(chip, rc, lc);
	} else if (!errno) {
		errno = ENOMEM;
	}
	int e = errno;
	gpiod_request_config_free(rc);
	gpiod_line_config_free(lc);
	gpiod_line_settings_free(s);
	errno = e;
	return req;
}

static enum rig_rc request_failed(struct gpio_chip *c, const char *line, unsigned offset,
				  enum gpio_dir dir, unsigned flags, int e,
				  struct rig_err *err)
{
	struct gpiod_line_info *info =
		e == EBUSY ? gpiod_chip_get_line_info(((struct gd_chip *)c)->chip, offset) : NULL;
	enum rig_rc rc = gpiod_request_failed(
		c, line, dir, flags, e, info ? gpiod_line_info_get_consumer(info) : NULL, err);
	gpiod_line_info_free(info);
	return rc;
}

static void line_name(struct gpio_chip *c, unsigned offset, const char *spec,
		      char *out, size_t cap)
{
	struct gpiod_line_info *info =
		gpiod_chip_get_line_info(((struct gd_chip *)c)->chip, offset);
	const char *name = info ? gpiod_line_info_get_name(info) : NULL;
	snprintf(out, cap, "%s", name && *name ? name : spec);
	gpiod_line_info_free(info);
}

static enum rig_rc gd2_request(struct gpio_chip *c, const char *line,
			       enum gpio_dir dir, unsigned flags, int initial,
			       const char *consumer, struct gpio_line **out,
			       struct rig_err *err)
{
	unsigned offset = 0;
	enum rig_rc rc = find_line(c, line, &offset, err);
	if (rc)
		return rc;
	struct gd2_line *h = calloc(1, sizeof *h);
	if (!h)
		return rig_fail(err, RIG_E_NOMEM, "GPIO chip %s: out of memory", c->name);
	errno = 0;
	h->req = request_line(((struct gd_chip *)c)->chip, offset, dir, flags, initial,
			      gpiod_consumer(consumer));
	if (!h->req) {
		int e = errno;
		free(h);
		return request_failed(c, line, offset, dir, flags, e, err);
	}
	if ((flags & GPIO_F_EDGES) && !(h->events = gpiod_edge_event_buffer_new(EVENT_BUFFER))) {
		gpiod_line_request_release(h->req);
		free(h);
		return rig_fail(err, RIG_E_NOMEM, "GPIO chip %s: out of memory", c->name);
	}
	h->output = dir == GPIO_OUTPUT;
	h->base.chip = c;
	h->base.offset = offset;
	line_name(c, offset, line, h->base.name, sizeof h->base.name);
	*out = &h->base;
	return RIG_OK;
}

static enum rig_rc gd2_get(struct gpio_line *l, int *value, struct rig_err *err)
{
	struct gd2_line *h = (struct gd2_line *)l;
	enum gpiod_line_value v = gpiod_line_request_get_value(h->req, l->offset);
	if (v == GPIOD_LINE_VALUE_ERROR)
		return gpiod_line_io_failed(l, "read", errno, err);
	*value = v == GPIOD_LINE_VALUE_ACTIVE;
	return RIG_OK;
}

static enum rig_rc gd2_set(struct gpio_line *l, int value, struct rig_err *err)
{
	struct gd2_line *h = (struct gd2_line *)l;
	if (!h->output)
		return gpiod_line_misuse(l, "set on an input line", err);
	if (gpiod_line_request_set_value(h->req, l->offset, value ? GPIOD_LINE_VALUE_ACTIVE
								   : GPIOD_LINE_VALUE_INACTIVE))
		return gpiod_line_io_failed(l, "set", errno, err);
	return RIG_OK;
}

static int wait_events(void *line, uint64_t left_ns)
{
	struct gd2_line *h = line;
	return gpiod_line_request_wait_edge_events(h->req, (int64_t)left_ns);
}

/* Read what is queued; the first edge of `edges` among them into *seen. */
static int read_events(void *line, enum gpio_edge edges, enum gpio_edge *seen)
{
	struct gd2_line *h = line;
	int n = gpiod_line_request_read_edge_events(h->req, h->events, EVENT_BUFFER);
	for (int i = 0; i < n && !*seen; i++) {
		struct gpiod_edge_event *ev = gpiod_edge_event_buffer_get_event(h->events,
										(unsigned long)i);
		enum gpio_edge e = gpiod_edge_event_get_event_type(ev) ==
						   GPIOD_EDGE_EVENT_RISING_EDGE
					   ? GPIO_EDGE_RISING
					   : GPIO_EDGE_FALLING;
		if (e & edges)
			*seen = e;
	}
	return n;
}

static const struct gpiod_edge_io gd2_edge_io = { .wait = wait_events, .read = read_events };

static enum rig_rc gd2_wait_edge(struct gpio_line *l, enum gpio_edge edges,
				 unsigned timeout_ms, enum gpio_edge *seen,
				 struct rig_err *err)
{
	struct gd2_line *h = (struct gd2_line *)l;
	return gpiod_wait_edge_loop(l, h->events != NULL, &gd2_edge_io, h, edges, timeout_ms,
				    seen, err);
}

static void gd2_release(struct gpio_line *l)
{
	struct gd2_line *h = (struct gd2_line *)l;
	gpiod_line_request_release(h->req);
	gpiod_edge_event_buffer_free(h->events);
	free(h);
}

const struct gpio_ops gpio_gpiod_ops = {
	.open_chip = gpiod_open_chip,
	.request = gd2_request,
	.get = gd2_get,
	.set = gd2_set,
	.wait_edge = gd2_wait_edge,
	.release = gd2_release,
	.close_chip = gpiod_close_chip,
};

#endif /* RIG_GPIOD_MAJOR == 2 */
