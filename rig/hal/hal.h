/* hal.h - what every hardware access needs: the clock and, on the virtual
 * bench, where `sim:` ports and chips are found.
 *
 * A struct rig_hal is owned by the command that runs; it outlives every port
 * and line opened through it. On real hardware `sim` is NULL and any `sim:`
 * port fails with "no virtual bench".
 */
#ifndef RIG_HAL_HAL_H
#define RIG_HAL_HAL_H

#include "core/clock.h"
#include "core/err.h"

struct sim_serial_dev;
struct gpio_virt_chip;

/* Finds the virtual bench's devices by name. Implemented by the bench. */
struct sim_resolver {
	void *ctx;
	struct sim_serial_dev *(*serial)(void *ctx, const char *name);
	struct gpio_virt_chip *(*gpio_chip)(void *ctx, const char *label);
};

struct rig_hal {
	struct rig_clock *clock;
	const struct sim_resolver *sim; /* NULL: no virtual bench */
};

#endif
