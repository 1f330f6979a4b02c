/* gpio_gpiod.h - what the two libgpiod backends share (private to rig/hal).
 *
 * gpio_gpiod.c speaks the libgpiod 1.6 API (Debian 12, Raspberry Pi OS
 * bookworm), gpio_gpiod2.c the 2.x API (Debian 13, Raspberry Pi OS trixie);
 * the Makefile compiles the one pkg-config finds. Both find chips the same
 * way (gpio_chips.c): by scanning /dev for gpiochipN and asking each for its
 * label; and open chips and treat lines alike (gpiod_common.c): the line
 * spec, the messages of a refused request or failed transfer, the wait for
 * an edge.
 */
#ifndef RIG_HAL_GPIO_GPIOD_H
#define RIG_HAL_GPIO_GPIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "hal/gpio.h"

struct gpiod_chip; /* libgpiod's, the same name in 1.x and 2.x */

/* A chip handle of either backend: owns its struct gpiod_chip. */
struct gd_chip {
	struct gpio_chip base;
	struct gpiod_chip *chip;
	unsigned nlines;
};

/* Backend: the label (into label, unless NULL) and number of lines of an
 * open chip; false (errno set) when the chip cannot say. */
bool gpiod_chip_describe(struct gpiod_chip *c, char *label, size_t cap, unsigned *lines);

/* Open the chip at path and report its label and number of lines. False
 * (errno set) when it cannot be opened or is no GPIO chip. */
bool gpiod_probe_chip(const char *path, char *label, size_t cap, unsigned *lines);

/* gpio_ops.open_chip and .close_chip of both backends: a struct gd_chip
 * for the chip a fixture's spec names (gpio_chip_path). */
enum rig_rc gpiod_open_chip(struct gpio_chip **out, const char *spec, struct rig_hal *hal,
			    struct rig_err *err);
void gpiod_close_chip(struct gpio_chip *c);

/* "gpiochip<digits>": the number, or -1 for any other name. */
long gpio_chip_number(const char *name);

/* Resolve a fixture's chip spec (label, gpiochipN or /dev path) to a device
 * path in `path`; *how says which form it was ("label", "name", "path").
 * A label no chip carries fails with the chips that are there. */
enum rig_rc gpio_chip_path(const char *spec, char *path, size_t cap,
			   const char **how, struct rig_err *err);

/* The error for a chip that could not be opened (errno e), naming the
 * chips that exist. */
enum rig_rc gpio_chip_open_failed(const char *spec, const char *how, int e,
				  struct rig_err *err);

/* A line spec of digits is an offset: *offset, or RIG_E_CONFIG when the
 * chip (nlines) has no such line; *is_name false. Any other spec is a name
 * for the backend to look up: *is_name true, RIG_OK. */
enum rig_rc gpiod_line_spec(const struct gpio_chip *c, const char *spec, unsigned nlines,
			    unsigned *offset, bool *is_name, struct rig_err *err);

/* The backend could not get the line (errno e): for a name, ENOENT or 0
 * says the chip has no line of that name (RIG_E_CONFIG); else
 * RIG_E_UNAVAILABLE with e's text. */
enum rig_rc gpiod_line_lookup_failed(const struct gpio_chip *c, const char *spec,
				     unsigned nlines, bool is_name, int e, struct rig_err *err);

/* The consumer name a request carries: the caller's, or "rig". */
const char *gpiod_consumer(const char *consumer);

/* The kernel refused a request (errno e): RIG_E_BUSY naming user (the
 * line's consumer, NULL or "" when unknown) for EBUSY, else
 * RIG_E_UNAVAILABLE. */
enum rig_rc gpiod_request_failed(const struct gpio_chip *c, const char *line,
				 enum gpio_dir dir, unsigned flags, int e, const char *user,
				 struct rig_err *err);

/* RIG_E_IO: "GPIO <chip> line <offset> (<name>): <what> failed: <e's text>". */
enum rig_rc gpiod_line_io_failed(const struct gpio_line *l, const char *what, int e,
				 struct rig_err *err);

/* RIG_E_INTERNAL: a line used against its request ("set on an input line"). */
enum rig_rc gpiod_line_misuse(const struct gpio_line *l, const char *what,
			      struct rig_err *err);

/* A backend's two calls for edges on its line object: wait up to left_ns
 * (1 edges pending, 0 none in time, -1 error with errno); read what is
 * pending, the first edge of `edges` into *seen, left alone when none (>0
 * read, 0 nothing, -1 error with errno). */
struct gpiod_edge_io {
	int (*wait)(void *line, uint64_t left_ns);
	int (*read)(void *line, enum gpio_edge edges, enum gpio_edge *seen);
};

/* gpio_ops.wait_edge over io on line (requested: the line was requested
 * for edges): drops the edges queued before the call, then waits in real
 * time up to timeout_ms for one of `edges` (*seen, 0 on timeout). */
enum rig_rc gpiod_wait_edge_loop(const struct gpio_line *l, bool requested,
				 const struct gpiod_edge_io *io, void *line,
				 enum gpio_edge edges, unsigned timeout_ms,
				 enum gpio_edge *seen, struct rig_err *err);

#endif
