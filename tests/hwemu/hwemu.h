/* hwemu.h - the emulated machine's state, shared by hwemu.c (testbed, ttys,
 * main loop) and hwemu_gpio.c (the GPIO chip the shim talks to). */
#ifndef HWEMU_HWEMU_H
#define HWEMU_HWEMU_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/gpio.h"
#include "hal/hal.h"
#include "hal/serial.h"
#include "sim/bench.h"
#include "wire.h"

typedef struct _UMockdevTestbed UMockdevTestbed;

struct hw_clock {
	struct rig_clock base;
	uint64_t now_ns;
	uint64_t origin_ns; /* CLOCK_MONOTONIC of bench time 0 */
};

struct hw_tty {
	char name[16];         /* ttyUSB0 */
	char syspath[256];     /* its USB device in sysfs */
	int master, slave;
	struct sim_serial_dev *dev;
	uint64_t unplug_ns;
	bool gone;
	unsigned long long dropped; /* bytes nobody read: the queue was full */
};

#define HW_MAX_CLIENTS 16
#define HW_MAX_REQS 64

struct hw_req {
	uint32_t id;           /* 0: free */
	uint32_t abi;
	uint32_t n;
	uint32_t offsets[HW_MAX_LINES];
	uint64_t lflags[HW_MAX_LINES];
	struct gpio_line *vl[HW_MAX_LINES]; /* NULL: a line the bench does not wire */
	int level[HW_MAX_LINES];            /* logical: last seen, or set */
	uint32_t seqno, line_seqno[HW_MAX_LINES];
	int sock;              /* our end of the program's line descriptor */
	char consumer[32];
};

struct hw {
	UMockdevTestbed *tb;
	struct hw_clock clock;
	uint64_t start_ns;
	struct rig_hal hal;
	struct sim_bench *bench;
	struct gpio_chip *chip; /* the bench's virtual chip */
	struct hw_tty tty[2];
	int listen_fd;
	int clients[HW_MAX_CLIENTS];
	unsigned nclients;
	struct hw_req reqs[HW_MAX_REQS];
	uint32_t next_id;
	unsigned nrequests;
};

void hw_advance(struct hw_clock *c, uint64_t t_ns);

/* Wait up to wait_ns for the program's GPIO calls and serve them. */
void hw_gpio_serve(struct hw *hw, uint64_t wait_ns);
/* Edge events for inputs the bench changed. */
void hw_gpio_poll_edges(struct hw *hw);
void hw_gpio_close(struct hw *hw);

#endif
