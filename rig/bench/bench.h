/* bench.h - one bench, assembled from a fixture in one place, and its safe
 * state.
 *
 * bench_open() loads the fixture, picks the clock (virtual when the whole
 * bench is in-process, real otherwise), builds the hal and, when the
 * fixture has a [sim] section, the virtual bench, and installs the seams
 * the virtual bench plugs into: the operator (a person, or the bench doing
 * the step itself), the phase observer (faults keyed to a run's phase) and
 * the report folder's file system (POSIX, or a disk that fails). Nothing above this layer asks whether a
 * bench is virtual.
 *
 * Then, in this order and each optional: bench_take_lock() (one user per
 * bench), bench_devices_open() (safety I/O, laser, load cell, pen powered
 * and booted), bench_identify() (all of them, lamps RUNNING, *IDN?).
 *
 * bench_close() leaves the bench safe whatever happened: motor off, pen
 * power off, lamps set, every device closed, the lock released, the
 * virtual bench and the fixture freed. It is idempotent, safe after a
 * partial or failed open, and bounded in time: at most one pen command
 * (motor off, within the fixture's pen timeout) and one laser stop (when
 * the laser was left streaming, within the laser's reply timeout), then
 * GPIO writes and closes. The caller owns struct bench
 * (usually on its stack) and must call bench_close() whatever bench_open()
 * returned.
 */
#ifndef RIG_BENCH_BENCH_H
#define RIG_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/devices.h"
#include "bench/lock.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/fixture.h"
#include "core/fsops.h"
#include "core/operator.h"
#include "hal/hal.h"

struct sim_bench; /* rig/sim/bench.h; only rig/bench/ looks inside */

enum bench_flags {
	BENCH_REAL_CLOCK = 1 << 0, /* real time even for an all-sim bench (rig sim) */
	BENCH_NEED_SIM = 1 << 1,   /* fail unless the fixture has a [sim] section */
	BENCH_SHARED_VIEW = 1 << 2, /* the holder of a bench's shared inputs (bench/shared.h) */
};

struct bench_options {
	const char *fixture_path;      /* NULL: rig_default_fixture() */
	const char *socket;            /* the fixture's socket; NULL: its first (or only) */
	/* The e-stop and lid as another process reads them (a bench with
	 * several sockets, dev/io/io.h); NULL: this bench reads their lines. */
	const struct bench_io_shared *shared_io;
	char *const *sims;             /* "key=value" for the virtual bench */
	size_t nsims;
	unsigned flags;                /* enum bench_flags */
	/* The person at a real bench (rig/cli/operator.c); NULL: steps that
	 * need one fail. The virtual bench does the steps itself. */
	const struct operator_ops *operator;
	void *operator_ctx;
	/* Told what a person should know that is no error (a device that
	 * runs degraded), in words; NULL: nobody is told. */
	void (*notice)(void *ctx, const char *text);
	void *notice_ctx;
};

/* Told the phase of the work on the bench ("identify", "preload" ...). */
typedef void (*bench_phase_fn)(void *ctx, const char *phase);

#define BENCH_MAX_PHASE_OBSERVERS 4

struct bench {
	struct fixture fx;
	bool fx_loaded;
	struct rig_vclock vclock;
	struct rig_hal hal;            /* hal.clock: the bench's clock */
	struct sim_bench *sim;         /* the virtual bench, or NULL */
	const struct bench_io_shared *shared_io; /* bench_options' */
	struct bench_lock lock;        /* fd -1 when not held */
	/* One socket of several tested alone (no shared_io): it reads the
	 * shared e-stop and lid itself, so it holds their lock too. */
	struct bench_lock shared_lock;
	struct bench_devices d;        /* what is open; NULL members are not */
	struct pen_identity id;        /* valid when identified */
	bool identified;
	bool motor_on;                 /* the pen's motor, as last commanded */
	/* The motor's approach to its speed as a point's settling last fitted
	 * it (run/point.c, run/settle.h): rate(t) = rate_hz + a_hz
	 * exp(-(t - t_ref_ns) / tau_s), while it runs on at freq_cmd_hz (a
	 * slow motor's tail reaches into the next points at the same rate). */
	struct bench_approach {
		bool valid;
		double freq_cmd_hz, rate_hz, a_hz, tau_s;
		uint64_t t_ref_ns;
	} approach;

	/* Seams, installed by bench_open(). op does an operator step: the
	 * virtual bench itself when the bench is wholly in-process; else the
	 * person (person, person_ctx), the in-process models following. */
	const struct operator_ops *op;
	void *op_ctx;
	const struct operator_ops *person;
	void *person_ctx;
	void (*notice)(void *ctx, const char *text);
	void *notice_ctx;
	struct {
		bench_phase_fn fn;
		void *ctx;
	} phase_obs[BENCH_MAX_PHASE_OBSERVERS];
	unsigned nphase_obs;
	/* The report folder's file system: POSIX, or the virtual bench's
	 * disk that fills up or turns read-only (sim/fsfault.h). */
	struct rig_fsops report_fs;

	/* The lamps bench_close() leaves on, once bench_make_safe() set
	 * them; until then it leaves the lamps as they are. */
	enum bench_lamps close_lamps;
	bool close_lamps_set;
	bool safe;                     /* bench_make_safe() ran since power-on */
	/* Told of each fixture change selfcal commits (rig/records puts it in
	 * a ledger); NULL: none. Set by the caller after bench_open(). */
	const struct fixture_observer *fixture_obs;
};

/* Assemble the bench. Errors: RIG_E_CONFIG for the fixture (file:line) or
 * a [sim] parameter (its origin), RIG_E_USAGE for --sim on a real bench. */
enum rig_rc bench_open(struct bench *b, const struct bench_options *o, struct rig_err *err);

/* Whether this bench is wholly in-process and time costs nothing: reads
 * need no real-time hardening and waits take no wall time. */
bool bench_time_is_free(const struct bench *b);

/* Take the bench lock, waiting up to wait_s seconds (0: fail at once).
 * RIG_E_BUSY: "bench STATION is in use by pid N (lock PATH)". A socket of
 * a fixture with several, opened without shared_io, also takes the lock
 * of the shared lines (it reads the e-stop and lid itself). */
enum rig_rc bench_take_lock(struct bench *b, unsigned wait_s, struct rig_err *err);

/* Open every device, set the lamps to RUNNING and ask the pen who it is
 * (b->id). Errors name the device and its port. b->identified says
 * whether b->id holds the pen's answer; it can on a failure too: a pen
 * that refuses its first command after power-on with its own hardware
 * error (RIG_CAUSE_PEN_HARDWARE) is still asked *IDN?. */
enum rig_rc bench_identify(struct bench *b, struct rig_err *err);

/* Have the operator do a step (rig/core/operator.h). */
enum rig_rc bench_operator(struct bench *b, enum operator_step step, double value,
			   struct rig_err *err);

/* Subscribe to phase announcements (at most BENCH_MAX_PHASE_OBSERVERS;
 * false when full). The virtual bench is subscribed by bench_open(). */
bool bench_observe_phase(struct bench *b, bench_phase_fn fn, void *ctx);
/* Announce the phase of the work on the bench to every subscriber. */
void bench_announce_phase(struct bench *b, const char *phase);

/* E-stop or lid: switch pen power off at once (it stops the motor) and
 * return RIG_E_ABORTED with the reason. RIG_OK when both are safe or no
 * safety I/O is open. */
enum rig_rc bench_check_safety(struct bench *b, struct rig_err *err);
/* Wait ms of bench time, looking at the safety inputs at least every 5 ms. */
enum rig_rc bench_wait_safely(struct bench *b, unsigned ms, struct rig_err *err);

/* Bench seconds since t0_ns. */
double bench_seconds_since(const struct bench *b, uint64_t t0_ns);

/* The safe state, devices left open: motor off, pen power off, lamps l
 * (also what bench_close() leaves on). */
void bench_make_safe(struct bench *b, enum bench_lamps l);

/* Close the devices (motor off, pen power off) and release the lock; the
 * bench stays open (fixture, clock, virtual bench) for another use. */
void bench_release(struct bench *b);

/* Release the bench: bench_make_safe() with the lamps last set, close the
 * devices, release the lock, free the virtual bench and the fixture.
 * Idempotent; safe after a partial or failed bench_open(). */
void bench_close(struct bench *b);

#endif
