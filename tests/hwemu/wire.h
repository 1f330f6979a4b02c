/* wire.h - what the GPIO uAPI shim (gpio_shim.c, preloaded into the program
 * under test) and the emulated bench (hwemu.c) say to each other over one
 * SOCK_SEQPACKET connection per process.
 *
 * The shim turns each GPIO character-device ioctl (uAPI v1 for libgpiod
 * 1.6, v2 for libgpiod 2.x) into one message; the bench answers CHIPINFO,
 * LINEINFO, REQUEST and GET, and takes SET without an answer (ordering on
 * the connection keeps a later GET behind it), so a set costs the program
 * one send, as a set costs one ioctl on a Pi. A REQUEST's answer carries,
 * as SCM_RIGHTS, the descriptor the program gets as the request's fd: one
 * end of a socketpair whose other end the bench writes edge events into in
 * the uAPI's own layout, so poll() and read() on it are the kernel's own
 * calls; the bench releases the lines when that descriptor is closed.
 * Every message carries t_ns, CLOCK_MONOTONIC when the ioctl was made: the
 * bench applies it at that time, so the HX711 sees the PD_SCK high time the
 * program made, whenever the bench gets to it.
 */
#ifndef HWEMU_WIRE_H
#define HWEMU_WIRE_H

#include <stdint.h>

#define HW_MAX_LINES 64
#define HW_ENV_SOCK "HWEMU_SOCK" /* abstract socket name, without the NUL */

enum hw_op {
	HW_CHIPINFO = 1, /* -> label, nlines */
	HW_LINEINFO,     /* offsets[0] -> name, consumer, lflags[0] */
	HW_REQUEST,      /* n, offsets, lflags, bits (output values), consumer, abi
			  * -> err, req, fd (SCM_RIGHTS) */
	HW_SET,          /* req, mask, bits (by index in the request); no answer */
	HW_GET,          /* req, mask -> bits */
};

/* Line flags: the uAPI v2 GPIO_V2_LINE_FLAG_* values (v1's are converted). */

struct hw_msg {
	uint32_t op;
	int32_t err;     /* answer: 0 or an errno */
	uint64_t t_ns;
	uint32_t req;    /* request id (bench-chosen) */
	uint32_t abi;    /* 1 or 2: the layout of edge events */
	uint32_t n;
	uint32_t offsets[HW_MAX_LINES];
	uint64_t lflags[HW_MAX_LINES];
	uint64_t mask, bits;
	uint32_t nlines;
	char label[32], name[32], consumer[32];
};

#endif
