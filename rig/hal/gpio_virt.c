/* gpio_virt.c - virtual GPIO chips: lines the virtual bench drives and
 * observes, behind the same interface as libgpiod chips.
 *
 * The bench owns the chip (gpio_virt_create); the rig opens it by label
 * through the hal's sim resolver ("sim:<label>"). Before every access the
 * chip calls the bench's sync hook so the bench catches up with the clock;
 * every get and set costs op_cost_ns of bench time on a virtual clock, as
 * an ioctl costs real time on a Pi.
 */
#include "hal/gpio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vline {
	char name[32];
	int level;         /* physical level */
	bool requested;
	bool output;
	unsigned flags;
	uint64_t rises, falls; /* edges seen since creation */
};

struct gpio_virt_chip {
	char label[64];
	unsigned nlines;
	struct gpio_virt_hooks hooks;
	struct vline *lines;
};

struct vchip_handle {
	struct gpio_chip base;
	struct gpio_virt_chip *vc;
};

struct vline_handle {
	struct gpio_line base;
	struct gpio_virt_chip *vc;
};

struct gpio_virt_chip *gpio_virt_create(const char *label, unsigned nlines,
					const struct gpio_virt_hooks *hooks)
{
	struct gpio_virt_chip *vc = calloc(1, sizeof *vc);
	if (!vc)
		return NULL;
	vc->lines = calloc(nlines ? nlines : 1, sizeof *vc->lines);
	if (!vc->lines) {
		free(vc);
		return NULL;
	}
	snprintf(vc->label, sizeof vc->label, "%s", label);
	vc->nlines = nlines;
	if (hooks)
		vc->hooks = *hooks;
	return vc;
}

void gpio_virt_destroy(struct gpio_virt_chip *vc)
{
	if (vc) {
		free(vc->lines);
		free(vc);
	}
}

void gpio_virt_set_line_name(struct gpio_virt_chip *vc, unsigned offset,
			     const char *name)
{
	if (offset < vc->nlines)
		snprintf(vc->lines[offset].name, sizeof vc->lines[offset].name, "%s", name);
}

static void set_level(struct vline *l, int level)
{
	level = !!level;
	if (level != l->level) {
		if (level)
			l->rises++;
		else
			l->falls++;
		l->level = level;
	}
}

void gpio_virt_drive(struct gpio_virt_chip *vc, unsigned offset, int level)
{
	if (offset < vc->nlines && !vc->lines[offset].output)
		set_level(&vc->lines[offset], level);
}

int gpio_virt_level(const struct gpio_virt_chip *vc, unsigned offset)
{
	return offset < vc->nlines ? vc->lines[offset].level : 0;
}

bool gpio_virt_is_output(const struct gpio_virt_chip *vc, unsigned offset)
{
	return offset < vc->nlines && vc->lines[offset].requested &&
	       vc->lines[offset].output;
}

const char *gpio_virt_label(const struct gpio_virt_chip *vc)
{
	return vc->label;
}

unsigned gpio_virt_nlines(const struct gpio_virt_chip *vc)
{
	return vc->nlines;
}

static void sync(struct gpio_virt_chip *vc)
{
	if (vc->hooks.sync)
		vc->hooks.sync(vc->hooks.ctx);
}

static void charge_op(struct gpio_chip *c, struct gpio_virt_chip *vc)
{
	struct rig_clock *clk = c->hal->clock;
	if (vc->hooks.op_cost_ns && clock_is_virtual(clk))
		clock_sleep_ns(clk, vc->hooks.op_cost_ns);
}

static enum rig_rc v_open_chip(struct gpio_chip **out, const char *spec,
			       struct rig_hal *hal, struct rig_err *err)
{
	if (!hal->sim || !hal->sim->gpio_chip)
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"GPIO chip sim:%s: no virtual bench in this run", spec);
	struct gpio_virt_chip *vc = hal->sim->gpio_chip(hal->sim->ctx, spec);
	if (!vc)
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"GPIO chip sim:%s: the virtual bench has no such chip", spec);
	struct vchip_handle *h = calloc(1, sizeof *h);
	if (!h)
		return rig_fail(err, RIG_E_NOMEM, "GPIO chip sim:%s: out of memory", spec);
	h->vc = vc;
	*out = &h->base;
	return RIG_OK;
}

static int find_line(const struct gpio_virt_chip *vc, const char *line)
{
	char *end;
	errno = 0;
	unsigned long off = strtoul(line, &end, 10);
	if (!errno && end != line && *end == '\0')
		return off < vc->nlines ? (int)off : -1;
	for (unsigned i = 0; i < vc->nlines; i++)
		if (vc->lines[i].name[0] && strcmp(vc->lines[i].name, line) == 0)
			return (int)i;
	return -1;
}

static enum rig_rc v_request(struct gpio_chip *c, const char *line,
			     enum gpio_dir dir, unsigned flags, int initial,
			     const char *consumer, struct gpio_line **out,
			     struct rig_err *err)
{
	(void)consumer;
	struct gpio_virt_chip *vc = ((struct vchip_handle *)c)->vc;
	int off = find_line(vc, line);
	if (off < 0)
		return rig_fail(err, RIG_E_CONFIG,
				"GPIO chip %s: no line '%s' (expected an offset 0..%u or a line name)",
				c->name, line, vc->nlines - 1);
	struct vline *l = &vc->lines[off];
	if (l->requested)
		return rig_fail(err, RIG_E_BUSY, "GPIO chip %s: line %d is already in use",
				c->name, off);
	struct vline_handle *h = calloc(1, sizeof *h);
	if (!h)
		return rig_fail(err, RIG_E_NOMEM, "GPIO chip %s: out of memory", c->name);
	h->vc = vc;
	h->base.chip = c;
	h->base.offset = (unsigned)off;
	snprintf(h->base.name, sizeof h->base.name, "%s", l->name[0] ? l->name : line);
	sync(vc);
	l->requested = true;
	l->output = dir == GPIO_OUTPUT;
	l->flags = flags;
	if (l->output) {
		int level = (flags & GPIO_F_ACTIVE_LOW) ? !initial : !!initial;
		set_level(l, level);
		if (vc->hooks.on_set)
			vc->hooks.on_set(vc->hooks.ctx, (unsigned)off, level);
	}
	*out = &h->base;
	return RIG_OK;
}

static enum rig_rc v_get(struct gpio_line *gl, int *value, struct rig_err *err)
{
	(void)err;
	struct vline_handle *h = (struct vline_handle *)gl;
	charge_op(gl->chip, h->vc);
	sync(h->vc);
	struct vline *l = &h->vc->lines[gl->offset];
	*value = (l->flags & GPIO_F_ACTIVE_LOW) ? !l->level : l->level;
	return RIG_OK;
}

static enum rig_rc v_set(struct gpio_line *gl, int value, struct rig_err *err)
{
	struct vline_handle *h = (struct vline_handle *)gl;
	struct vline *l = &h->vc->lines[gl->offset];
	if (!l->output)
		return rig_fail(err, RIG_E_INTERNAL, "GPIO %s line %u: set on an input line",
				gl->chip->name, gl->offset);
	charge_op(gl->chip, h->vc);
	sync(h->vc);
	int level = (l->flags & GPIO_F_ACTIVE_LOW) ? !value : !!value;
	set_level(l, level);
	if (h->vc->hooks.on_set)
		h->vc->hooks.on_set(h->vc->hooks.ctx, gl->offset, level);
	return RIG_OK;
}

static enum rig_rc v_wait_edge(struct gpio_line *gl, enum gpio_edge edges,
			       unsigned timeout_ms, enum gpio_edge *seen,
			       struct rig_err *err)
{
	struct vline_handle *h = (struct vline_handle *)gl;
	struct gpio_virt_chip *vc = h->vc;
	struct vline *l = &vc->lines[gl->offset];
	struct rig_clock *clk = gl->chip->hal->clock;
	if (!(l->flags & GPIO_F_EDGES))
		return rig_fail(err, RIG_E_INTERNAL,
				"GPIO %s line %u: wait for an edge on a line not requested for edges",
				gl->chip->name, gl->offset);
	bool inv = l->flags & GPIO_F_ACTIVE_LOW;
	sync(vc);
	uint64_t rises = l->rises, falls = l->falls;
	uint64_t deadline = clock_now_ns(clk) + (uint64_t)timeout_ms * RIG_NS_PER_MS;
	*seen = 0;
	for (;;) {
		/* Logical edges: on an active-low line a physical fall is a rise. */
		bool rose = inv ? l->falls != falls : l->rises != rises;
		bool fell = inv ? l->rises != rises : l->falls != falls;
		if (rose && (edges & GPIO_EDGE_RISING)) {
			*seen = GPIO_EDGE_RISING;
			return RIG_OK;
		}
		if (fell && (edges & GPIO_EDGE_FALLING)) {
			*seen = GPIO_EDGE_FALLING;
			return RIG_OK;
		}
		rises = l->rises;
		falls = l->falls;
		uint64_t now = clock_now_ns(clk);
		if (now >= deadline)
			return RIG_OK;
		uint64_t next = vc->hooks.next_event_ns ? vc->hooks.next_event_ns(vc->hooks.ctx)
							: UINT64_MAX;
		if (next <= now)
			next = now + RIG_NS_PER_US;
		/* On a real clock, look again every millisecond at most. */
		if (!clock_is_virtual(clk) && next > now + RIG_NS_PER_MS)
			next = now + RIG_NS_PER_MS;
		clock_sleep_until_ns(clk, next < deadline ? next : deadline);
		sync(vc);
	}
}

static void v_release(struct gpio_line *gl)
{
	struct vline_handle *h = (struct vline_handle *)gl;
	h->vc->lines[gl->offset].requested = false;
	h->vc->lines[gl->offset].output = false;
	free(h);
}

static void v_close_chip(struct gpio_chip *c)
{
	free(c);
}

const struct gpio_ops gpio_virt_ops = {
	.open_chip = v_open_chip,
	.request = v_request,
	.get = v_get,
	.set = v_set,
	.wait_edge = v_wait_edge,
	.release = v_release,
	.close_chip = v_close_chip,
};
