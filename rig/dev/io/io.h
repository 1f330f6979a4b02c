/* io.h - the bench's safety and operator I/O: e-stop and lid interlock
 * inputs, start button, pen power relay, lamps and buzzer, over GPIO.
 *
 * Wiring is fail-safe: e-stop and lid are normally-closed contacts to
 * ground with pull-ups, so a tripped e-stop, an open lid or a broken wire
 * all read high. The caller owns the struct; bench_io_close() switches pen
 * power off before releasing the lines.
 */
#ifndef RIG_DEV_IO_IO_H
#define RIG_DEV_IO_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/fixture.h"
#include "hal/hal.h"

struct bench_io;

struct bench_safety {
	bool estop_tripped;
	bool lid_open;
};

enum bench_lamps {
	LAMPS_OFF,
	LAMPS_RUNNING, /* amber */
	LAMPS_PASS,    /* green */
	LAMPS_FAIL,    /* red */
	LAMPS_ABORTED, /* red and amber */
};

/* The e-stop and lid of a bench with several sockets (core/fixture.h):
 * one process holds their lines (a GPIO line has one consumer) and
 * publishes what it reads here, in memory it shares with the processes
 * that test the sockets (mmap MAP_SHARED, made before they fork). They
 * read the inputs from here instead of the lines. A reading older than
 * BENCH_IO_SHARED_STALE_MS of real time, or an owner gone, is unsafe. */
struct bench_io_shared {
	_Atomic int estop_tripped;
	_Atomic int lid_open;
	_Atomic uint64_t read_ns;     /* real-clock time of the last read; 0: none yet */
	_Atomic int gone;             /* the owner no longer watches */
};
#define BENCH_IO_SHARED_STALE_MS 2000

enum bench_io_part {
	BENCH_IO_ALL,      /* every line of the fixture's [io] */
	BENCH_IO_SHARED,   /* e-stop and lid only: the owner of a shared bench's inputs */
	BENCH_IO_SOCKET,   /* all but e-stop and lid, which come from a bench_io_shared */
};

enum rig_rc bench_io_open(struct bench_io **out, const struct fixture_io *fx,
			  struct rig_hal *hal, struct rig_err *err);
/* bench_io_open() of a part of the lines; shared: the e-stop and lid for
 * BENCH_IO_SOCKET (must outlive the struct), else NULL. */
enum rig_rc bench_io_open_part(struct bench_io **out, const struct fixture_io *fx,
			       struct rig_hal *hal, enum bench_io_part part,
			       const struct bench_io_shared *shared, struct rig_err *err);
/* BENCH_IO_SHARED: read the e-stop and lid and publish them in sh. */
enum rig_rc bench_io_publish(struct bench_io *io, struct bench_io_shared *sh,
			     struct rig_err *err);
/* Switches pen power off, then releases every line. NULL is fine. */
void bench_io_close(struct bench_io *io);

enum rig_rc bench_io_safety(struct bench_io *io, struct bench_safety *s,
			    struct rig_err *err);
/* RIG_OK when safe to run, else RIG_E_ABORTED naming what is wrong. */
enum rig_rc bench_io_check_safe(struct bench_io *io, struct rig_err *err);
enum rig_rc bench_io_pen_power(struct bench_io *io, bool on, struct rig_err *err);
bool bench_io_pen_powered(const struct bench_io *io);
enum rig_rc bench_io_lamps(struct bench_io *io, enum bench_lamps l,
			   struct rig_err *err);
/* No-op without a buzzer line. */
enum rig_rc bench_io_buzzer(struct bench_io *io, bool on, struct rig_err *err);
/* The zero target ([io] zero_target_line): a flat the bench swings into the
 * laser's beam to read the laser's zero without the operator (rig zero
 * records its reading, a run compares; run/zero_check.c). in: into the
 * beam. RIG_E_USAGE without the line; out again when the I/O is closed. */
bool bench_io_has_zero_target(const struct bench_io *io);
enum rig_rc bench_io_zero_target(struct bench_io *io, bool in, struct rig_err *err);
/* Wait for a press of the start button; *pressed false on timeout or when
 * the fixture has no start button. */
enum rig_rc bench_io_wait_start(struct bench_io *io, unsigned timeout_ms,
				bool *pressed, struct rig_err *err);

#endif
