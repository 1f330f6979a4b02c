/* gpiod_common.c - what the two libgpiod backends do alike: opening and
 * closing a chip (gpiod_chip_open and gpiod_chip_close are the same in
 * 1.6 and 2.x), reading a line spec (an offset or a name), the messages of
 * a refused request or a failed transfer, and the wait for an edge over
 * the backend's own wait and read calls. Where the generations differ,
 * gpio_gpiod.c (1.6) and gpio_gpiod2.c (2.x) say it: gpiod_chip_describe
 * and the calls they pass in.
 */
#include "hal/gpio_gpiod.h"

#include <errno.h>
#include <gpiod.h>
#include <stdlib.h>

#include "core/clock.h"

bool gpiod_probe_chip(const char *path, char *label, size_t cap, unsigned *lines)
{
	struct gpiod_chip *c = gpiod_chip_open(path);
	if (!c)
		return false;
	bool ok = gpiod_chip_describe(c, label, cap, lines);
	gpiod_chip_close(c);
	return ok;
}

enum rig_rc gpiod_open_chip(struct gpio_chip **out, const char *spec, struct rig_hal *hal,
			    struct rig_err *err)
{
	(void)hal;
	char path[128];
	const char *how;
	enum rig_rc rc = gpio_chip_path(spec, path, sizeof path, &how, err);
	if (rc)
		return rc;
	errno = 0;
	unsigned nlines = 0;
	struct gpiod_chip *c = gpiod_chip_open(path);
	if (!c || !gpiod_chip_describe(c, NULL, 0, &nlines)) {
		int e = errno ? errno : ENOENT;
		if (c)
			gpiod_chip_close(c);
		return gpio_chip_open_failed(spec, how, e, err);
	}
	struct gd_chip *h = calloc(1, sizeof *h);
	if (!h) {
		gpiod_chip_close(c);
		return rig_fail(err, RIG_E_NOMEM, "GPIO chip %s: out of memory", spec);
	}
	h->chip = c;
	h->nlines = nlines;
	*out = &h->base;
	return RIG_OK;
}

void gpiod_close_chip(struct gpio_chip *c)
{
	struct gd_chip *h = (struct gd_chip *)c;
	gpiod_chip_close(h->chip);
	free(h);
}

enum rig_rc gpiod_line_spec(const struct gpio_chip *c, const char *spec, unsigned nlines,
			    unsigned *offset, bool *is_name, struct rig_err *err)
{
	char *end;
	errno = 0;
	unsigned long off = strtoul(spec, &end, 10);
	*is_name = !(spec[0] >= '0' && spec[0] <= '9' && !*end && !errno);
	if (*is_name)
		return RIG_OK;
	if (off >= nlines)
		return rig_fail(err, RIG_E_CONFIG,
				"GPIO chip %s: no line %lu (the chip has lines 0..%u)", c->name,
				off, nlines ? nlines - 1 : 0);
	*offset = (unsigned)off;
	return RIG_OK;
}

enum rig_rc gpiod_line_lookup_failed(const struct gpio_chip *c, const char *spec,
				     unsigned nlines, bool is_name, int e, struct rig_err *err)
{
	if (is_name && (e == ENOENT || e == 0))
		return rig_fail(err, RIG_E_CONFIG,
				"GPIO chip %s: no line named '%s' (expected an offset "
				"0..%u or a line name)", c->name, spec, nlines ? nlines - 1 : 0);
	return rig_fail_errno(err, RIG_E_UNAVAILABLE, e, "GPIO chip %s: cannot get line '%s'",
			      c->name, spec);
}

const char *gpiod_consumer(const char *consumer)
{
	return consumer && *consumer ? consumer : "rig";
}

enum rig_rc gpiod_request_failed(const struct gpio_chip *c, const char *line,
				 enum gpio_dir dir, unsigned flags, int e, const char *user,
				 struct rig_err *err)
{
	if (e == EBUSY)
		return rig_fail(err, RIG_E_BUSY, "GPIO chip %s line %s: already in use by '%s'",
				c->name, line, user && *user ? user : "another process");
	return rig_fail_errno(err, RIG_E_UNAVAILABLE, e,
			      "GPIO chip %s line %s: cannot request it as %s%s", c->name, line,
			      dir == GPIO_OUTPUT ? "output" : "input",
			      (flags & (GPIO_F_PULL_UP | GPIO_F_PULL_DOWN)) ?
			      " with pull bias (kernel 5.5+ needed)" : "");
}

enum rig_rc gpiod_line_io_failed(const struct gpio_line *l, const char *what, int e,
				 struct rig_err *err)
{
	return rig_fail_errno(err, RIG_E_IO, e, "GPIO %s line %u (%s): %s failed",
			      l->chip->name, l->offset, l->name, what);
}

enum rig_rc gpiod_line_misuse(const struct gpio_line *l, const char *what,
			      struct rig_err *err)
{
	return rig_fail(err, RIG_E_INTERNAL, "GPIO %s line %u: %s", l->chip->name, l->offset,
			what);
}

enum rig_rc gpiod_wait_edge_loop(const struct gpio_line *l, bool requested,
				 const struct gpiod_edge_io *io, void *line,
				 enum gpio_edge edges, unsigned timeout_ms,
				 enum gpio_edge *seen, struct rig_err *err)
{
	struct rig_clock *rt = clock_real();
	*seen = 0;
	if (!requested)
		return gpiod_line_misuse(
			l, "wait for an edge on a line not requested for edges", err);
	/* Edges queued before the call are history: drop them. */
	enum gpio_edge old = 0;
	while (io->wait(line, 0) == 1 && io->read(line, 0, &old) > 0)
		;
	uint64_t deadline = clock_now_ns(rt) + (uint64_t)timeout_ms * RIG_NS_PER_MS;
	while (!*seen) {
		uint64_t now = clock_now_ns(rt);
		if (now >= deadline)
			return RIG_OK;
		int r = io->wait(line, deadline - now);
		if (r == 0)
			continue; /* the loop head decides whether time is up */
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return gpiod_line_io_failed(l, "waiting for an edge", errno, err);
		if (io->read(line, edges, seen) < 0)
			return gpiod_line_io_failed(l, "reading an edge", errno, err);
	}
	return RIG_OK;
}
