/* pen_bench.h - a virtual bench with its pen, relay and `sim:pen` port,
 * for the pen suites.
 *
 * pen_bench_up() builds everything on a fresh virtual clock (relay off);
 * pen_bench_down() frees it all. The struct owns what it holds.
 */
#ifndef TESTS_SUPPORT_PEN_BENCH_H
#define TESTS_SUPPORT_PEN_BENCH_H

#include <stdbool.h>

#include "core/clock.h"
#include "dev/pen/pen.h"
#include "hal/gpio.h"
#include "hal/serial.h"
#include "sim/bench.h"
#include "sim/pen.h"

struct pen_bench {
	struct rig_vclock vc;
	struct rig_hal hal;
	struct sim_bench *b;
	struct sim_pen *sp;
	struct gpio_chip *chip;
	struct gpio_line *relay;
	struct serial_port *port;
	struct pen *pen;
	struct rig_err err;
};

/* Build with "key=value" parameters (NULL-terminated list, may be NULL);
 * aborts the test on failure. The relay is off. */
void pen_bench_up(struct pen_bench *t, const char *const *params);
/* Like pen_bench_up, but returns the bench's error instead of aborting. */
enum rig_rc pen_bench_try(struct pen_bench *t, const char *const *params);
/* Relay on and wait until the pen answers (ck_assert on failure). */
void pen_bench_power_on(struct pen_bench *t);
void pen_bench_relay(struct pen_bench *t, bool on);
void pen_bench_sleep_ms(struct pen_bench *t, double ms);
uint64_t pen_bench_now_ns(struct pen_bench *t);
void pen_bench_down(struct pen_bench *t);

#endif
