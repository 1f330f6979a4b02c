/* gpio_gpiod.h - what the two libgpiod backends share (private to rig/hal).
 *
 * gpio_gpiod.c speaks the libgpiod 1.6 API (Debian 12, Raspberry Pi OS
 * bookworm), gpio_gpiod2.c the 2.x API (Debian 13, Raspberry Pi OS trixie);
 * the Makefile compiles the one pkg-config finds. Both find chips the same
 * way, here: by scanning /dev for gpiochipN and asking each for its label.
 */
#ifndef RIG_HAL_GPIO_GPIOD_H
#define RIG_HAL_GPIO_GPIOD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Backend: open the chip at path and report its label and number of lines.
 * False (errno set) when it cannot be opened or is no GPIO chip. */
bool gpiod_probe_chip(const char *path, char *label, size_t cap, unsigned *lines);

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

#endif
