/* gpio.h - one interface to GPIO lines: request, get, set, wait for edges.
 *
 * Chips are named by the fixture:
 *   pinctrl-bcm2711 (any label), gpiochip0, /dev/gpiochip0   libgpiod 1.6 or 2.x
 *   sim:<label>                                             virtual chip
 * Lines are named by offset ("17") or by line name ("GPIO17"). The caller
 * owns chips and lines: release lines before closing their chip.
 * gpio_wait_edge waits in bench time on a sim: chip and in real time on a
 * libgpiod chip; on both it reports only edges that come after the call.
 */
#ifndef RIG_HAL_GPIO_H
#define RIG_HAL_GPIO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "hal/hal.h"

enum gpio_dir { GPIO_INPUT, GPIO_OUTPUT };

enum gpio_flags {
	GPIO_F_ACTIVE_LOW = 1 << 0, /* get/set speak logical values */
	GPIO_F_EDGES = 1 << 1,      /* input that gpio_wait_edge may wait on */
	GPIO_F_PULL_UP = 1 << 2,
	GPIO_F_PULL_DOWN = 1 << 3,
};

enum gpio_edge { GPIO_EDGE_RISING = 1, GPIO_EDGE_FALLING = 2, GPIO_EDGE_BOTH = 3 };

struct gpio_chip;
struct gpio_line;

struct gpio_ops {
	enum rig_rc (*open_chip)(struct gpio_chip **out, const char *spec,
				 struct rig_hal *hal, struct rig_err *err);
	enum rig_rc (*request)(struct gpio_chip *c, const char *line,
			       enum gpio_dir dir, unsigned flags, int initial,
			       const char *consumer, struct gpio_line **out,
			       struct rig_err *err);
	enum rig_rc (*get)(struct gpio_line *l, int *value, struct rig_err *err);
	enum rig_rc (*set)(struct gpio_line *l, int value, struct rig_err *err);
	/* *seen = the edge that came (0 on timeout). */
	enum rig_rc (*wait_edge)(struct gpio_line *l, enum gpio_edge edges,
				 unsigned timeout_ms, enum gpio_edge *seen,
				 struct rig_err *err);
	void (*release)(struct gpio_line *l);
	void (*close_chip)(struct gpio_chip *c);
};

/* Backends embed these as their first members. */
struct gpio_chip {
	const struct gpio_ops *ops;
	struct rig_hal *hal;
	char name[96];
};

struct gpio_line {
	struct gpio_chip *chip;
	unsigned offset;
	char name[48];
};

enum rig_rc gpio_open_chip(struct gpio_chip **out, const char *spec,
			   struct rig_hal *hal, struct rig_err *err);
enum rig_rc gpio_request(struct gpio_chip *c, const char *line,
			 enum gpio_dir dir, unsigned flags, int initial,
			 const char *consumer, struct gpio_line **out,
			 struct rig_err *err);
enum rig_rc gpio_get(struct gpio_line *l, int *value, struct rig_err *err);
enum rig_rc gpio_set(struct gpio_line *l, int value, struct rig_err *err);
enum rig_rc gpio_wait_edge(struct gpio_line *l, enum gpio_edge edges,
			   unsigned timeout_ms, enum gpio_edge *seen,
			   struct rig_err *err);
void gpio_release(struct gpio_line *l);   /* NULL is fine */
void gpio_close_chip(struct gpio_chip *c); /* NULL is fine */

extern const struct gpio_ops gpio_gpiod_ops; /* gpio_gpiod.c (1.x) or gpio_gpiod2.c (2.x) */
extern const struct gpio_ops gpio_virt_ops;  /* gpio_virt.c */

/* The libgpiod chips found on this machine (/dev/gpiochipN, in number
 * order), for `rig ports` and for error messages. Calls fn (may be NULL)
 * once per chip with its name ("gpiochip0"), label and number of lines;
 * label is NULL (and lines 0) for a chip that exists but cannot be opened,
 * e.g. for want of permission. Returns the number of chips. */
int gpio_list_chips(void (*fn)(void *ctx, const char *name, const char *label,
			       unsigned lines),
		    void *ctx);

/* ---- The virtual chip, as the virtual bench sees it -------------------
 * The bench creates a chip, names its lines, drives the inputs the rig
 * reads and observes the outputs the rig sets. Hooks let the bench catch
 * up with the clock before the rig looks at a line, and react at once to
 * what the rig sets. Values here are physical levels (no active-low). */
struct gpio_virt_hooks {
	void *ctx;
	/* Bring the bench up to the clock's now (before every get/set/wait). */
	void (*sync)(void *ctx);
	/* The rig set output `offset` to `level` at the clock's now. */
	void (*on_set)(void *ctx, unsigned offset, int level);
	/* When something may next change on the chip (UINT64_MAX: never
	 * unprompted); a waiting rig sleeps until then. */
	uint64_t (*next_event_ns)(void *ctx);
	/* Bench time every get or set costs (one ioctl on a real Pi). */
	uint64_t op_cost_ns;
};

struct gpio_virt_chip;

struct gpio_virt_chip *gpio_virt_create(const char *label, unsigned nlines,
					const struct gpio_virt_hooks *hooks);
void gpio_virt_destroy(struct gpio_virt_chip *vc);
void gpio_virt_set_line_name(struct gpio_virt_chip *vc, unsigned offset,
			     const char *name);
/* The bench drives an input line. */
void gpio_virt_drive(struct gpio_virt_chip *vc, unsigned offset, int level);
/* The level of a line (what the rig set on an output). */
int gpio_virt_level(const struct gpio_virt_chip *vc, unsigned offset);
/* Whether the rig has requested the line, and as output. */
bool gpio_virt_is_output(const struct gpio_virt_chip *vc, unsigned offset);
const char *gpio_virt_label(const struct gpio_virt_chip *vc);
unsigned gpio_virt_nlines(const struct gpio_virt_chip *vc);

#endif
