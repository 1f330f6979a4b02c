/* bench.c - assemble a bench from its fixture, install the virtual bench's
 * seams, and leave it safe. The one place above rig/sim/ that knows a
 * virtual bench exists.
 */
#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "sim/bench.h"
#include "sim/fsfault.h"
#include "core/stop.h"

#define SAFETY_STEP_MS 5 /* safety poll while waiting */

/* The virtual bench's side of the seams. */
static void sim_phase(void *ctx, const char *phase)
{
	sim_bench_set_phase(ctx, phase);
}

/* A bench not wholly in-process (a pen or laser on a port, a real chip):
 * the reference, the mass, the pen are placed by a person, who is asked;
 * the in-process models then follow what the person did. The virtual
 * bench never does such a step in the person's stead: on a `pty:` fixture
 * to `rig sim` it would place a reference in front of a laser it does not
 * feed. */
static enum rig_rc person_step(void *ctx, enum operator_step step, double value,
			       struct rig_err *err)
{
	struct bench *b = ctx;
	if (!b->person || !b->person->step)
		return rig_fail(err, RIG_E_USAGE,
				"this step needs a person at the bench (not wholly in-process: %s), "
				"and none can be asked", b->fx.path);
	enum rig_rc rc = b->person->step(b->person_ctx, step, value, err);
	if (rc)
		return rc;
	return sim_operator_ops.step(b->sim, step, value, err);
}

static const struct operator_ops person_operator_ops = { .step = person_step };

/* The fixture's [sim] entries, then the --sim overrides, for the models. */
static enum rig_rc create_sim(struct bench *b, const struct bench_options *o,
			      struct rig_err *err)
{
	const struct fixture *f = &b->fx;
	size_t n = f->nsim + o->nsims;
	struct sim_param *params = calloc(n ? n : 1, sizeof *params);
	if (!params)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	enum rig_rc rc = RIG_OK;
	for (size_t i = 0; i < f->nsim; i++) {
		snprintf(params[i].key, sizeof params[i].key, "%s", f->sim[i].key);
		snprintf(params[i].value, sizeof params[i].value, "%s", f->sim[i].value);
		snprintf(params[i].origin, sizeof params[i].origin, "%s", f->sim[i].origin);
	}
	for (size_t i = 0; i < o->nsims && !rc; i++)
		rc = sim_param_parse(&params[f->nsim + i], o->sims[i], err);
	if (!rc)
		rc = sim_bench_create(&b->sim, &b->hal, params, n, err);
	free(params);
	if (rc)
		return rc;
	if (fixture_is_sim(f->pen.port) && fixture_is_sim(f->laser.port) &&
	    fixture_is_sim(f->loadcell.chip) && fixture_is_sim(f->io.chip)) {
		b->op = &sim_operator_ops;
		b->op_ctx = b->sim;
	} else {
		b->person = o->operator;
		b->person_ctx = o->operator_ctx;
		b->op = &person_operator_ops;
		b->op_ctx = b;
	}
	sim_fsfault_ops(&b->report_fs, b->sim);
	bench_observe_phase(b, sim_phase, b->sim);
	return RIG_OK;
}

enum rig_rc bench_open(struct bench *b, const struct bench_options *o, struct rig_err *err)
{
	memset(b, 0, sizeof *b);
	b->lock.fd = -1;
	b->shared_lock.fd = -1;
	b->op = o->operator;
	b->report_fs = rig_fsops_posix;
	b->op_ctx = o->operator_ctx;
	b->notice = o->notice;
	b->notice_ctx = o->notice_ctx;
	b->shared_io = o->shared_io;
	const char *path = o->fixture_path ? o->fixture_path : rig_default_fixture();
	enum rig_rc rc = (o->flags & BENCH_SHARED_VIEW)
				 ? fixture_load_shared(&b->fx, path, err)
				 : fixture_load_socket(&b->fx, path, o->socket, err);
	if (rc)
		return rc;
	b->fx_loaded = true;
	const struct fixture *f = &b->fx;
	bool all_sim = fixture_is_sim(f->pen.port) && fixture_is_sim(f->laser.port);
	bool any_sim = fixture_is_sim(f->pen.port) || fixture_is_sim(f->laser.port) ||
		       fixture_is_sim(f->loadcell.chip) || fixture_is_sim(f->io.chip);
	if (any_sim && !f->has_sim)
		return rig_fail(err, RIG_E_CONFIG,
				"%s: names sim: ports or chips but has no [sim] section for the "
				"virtual bench",
				f->path);
	if ((o->flags & BENCH_NEED_SIM) && !f->has_sim)
		return rig_fail(err, RIG_E_CONFIG,
				"%s: has no [sim] section: no virtual bench to run", f->path);
	if (o->nsims && !f->has_sim)
		return rig_fail(err, RIG_E_USAGE,
				"--sim given, but %s is a real bench (no [sim] section)", f->path);
	/* The whole bench in-process: time is ours to jump. Anything real on
	 * the other end of a port runs in real time. */
	if (all_sim && !(o->flags & BENCH_REAL_CLOCK)) {
		vclock_init(&b->vclock, RIG_NS_PER_S);
		b->hal.clock = &b->vclock.base;
	} else {
		b->hal.clock = clock_real();
	}
	if (f->has_sim)
		return create_sim(b, o, err);
	return RIG_OK;
}

bool bench_time_is_free(const struct bench *b)
{
	return b->hal.clock && clock_is_virtual(b->hal.clock);
}

enum rig_rc bench_take_lock(struct bench *b, unsigned wait_s, struct rig_err *err)
{
	const struct fixture *f = &b->fx;
	enum rig_rc rc;
	if (f->nsockets > 1 && !b->shared_io && b->shared_lock.fd < 0 &&
	    (rc = bench_lock_acquire_told(&b->shared_lock, f->shared_lock, f->shared_station,
					  wait_s, b->notice, b->notice_ctx, err)))
		return rc;
	rc = bench_lock_acquire_told(&b->lock, f->bench.lock, f->bench.station, wait_s, b->notice,
				     b->notice_ctx, err);
	if (rc)
		bench_lock_release(&b->shared_lock);
	return rc;
}

enum rig_rc bench_identify(struct bench *b, struct rig_err *err)
{
	enum rig_rc rc;
	b->identified = false;
	if ((rc = bench_devices_open(b, DEV_ALL, err)) ||
	    (rc = bench_io_lamps(b->d.io, LAMPS_RUNNING, err)) ||
	    (rc = pen_identify(b->d.pen, &b->id, err)))
		return rc;
	b->identified = true;
	return RIG_OK;
}

enum rig_rc bench_operator(struct bench *b, enum operator_step step, double value,
			   struct rig_err *err)
{
	if (!b->op || !b->op->step)
		return rig_fail(err, RIG_E_USAGE, "this step needs an operator, and none is here");
	return b->op->step(b->op_ctx, step, value, err);
}

bool bench_observe_phase(struct bench *b, bench_phase_fn fn, void *ctx)
{
	if (b->nphase_obs == BENCH_MAX_PHASE_OBSERVERS)
		return false;
	b->phase_obs[b->nphase_obs].fn = fn;
	b->phase_obs[b->nphase_obs].ctx = ctx;
	b->nphase_obs++;
	return true;
}

void bench_announce_phase(struct bench *b, const char *phase)
{
	for (unsigned i = 0; i < b->nphase_obs; i++)
		b->phase_obs[i].fn(b->phase_obs[i].ctx, phase);
}

enum rig_rc bench_check_safety(struct bench *b, struct rig_err *err)
{
	/* A stop signal (SIGINT, SIGTERM ...: core/stop.h) is an e-stop. */
	enum rig_rc rc = rig_stop_check(err);
	if (rc) {
		/* Unlike an e-stop there is time for an orderly stop: the motor
		 * is commanded off (one command, within the pen's timeout)
		 * before the power goes, so it stops even where the relay does
		 * not reach the pen. */
		struct rig_err ignore;
		if (b->d.pen && b->d.io && bench_io_pen_powered(b->d.io))
			pen_set_motor(b->d.pen, false, &ignore);
		if (b->d.io)
			bench_io_pen_power(b->d.io, false, &ignore);
		b->motor_on = false;
		return rc;
	}
	if (!b->d.io)
		return RIG_OK;
	rc = bench_io_check_safe(b->d.io, err);
	if (rc == RIG_E_ABORTED) {
		struct rig_err ignore;
		bench_io_pen_power(b->d.io, false, &ignore);
		b->motor_on = false;
	}
	return rc;
}

enum rig_rc bench_wait_safely(struct bench *b, unsigned ms, struct rig_err *err)
{
	struct rig_clock *clk = b->hal.clock;
	uint64_t end = clock_now_ns(clk) + (uint64_t)ms * RIG_NS_PER_MS;
	for (;;) {
		enum rig_rc rc = bench_check_safety(b, err);
		if (rc)
			return rc;
		uint64_t now = clock_now_ns(clk);
		if (now >= end)
			return RIG_OK;
		uint64_t next = now + SAFETY_STEP_MS * RIG_NS_PER_MS;
		clock_sleep_until_ns(clk, next < end ? next : end);
	}
}

double bench_seconds_since(const struct bench *b, uint64_t t0_ns)
{
	return (double)(clock_now_ns(b->hal.clock) - t0_ns) / 1e9;
}

void bench_make_safe(struct bench *b, enum bench_lamps l)
{
	if (b->d.pen && b->d.io && bench_io_pen_powered(b->d.io))
		pen_set_motor(b->d.pen, false, NULL);
	b->motor_on = false;
	if (b->d.io) {
		bench_io_pen_power(b->d.io, false, NULL);
		bench_io_lamps(b->d.io, l, NULL);
	}
	b->close_lamps = l;
	b->close_lamps_set = true;
	b->safe = true;
}

void bench_release(struct bench *b)
{
	bench_devices_close(b);
	bench_lock_release(&b->lock);
	bench_lock_release(&b->shared_lock);
}

void bench_close(struct bench *b)
{
	/* Lamps the owner chose and has not applied since the pen was last
	 * powered; bench_devices_close() stops the motor and cuts power. */
	if (b->close_lamps_set && !b->safe)
		bench_make_safe(b, b->close_lamps);
	bench_release(b);
	sim_bench_destroy(b->sim);
	b->sim = NULL;
	if (b->fx_loaded)
		fixture_free(&b->fx);
	b->fx_loaded = false;
	b->identified = false;
	b->close_lamps_set = false;
	b->nphase_obs = 0;
	b->report_fs = rig_fsops_posix;
	b->op = NULL;
	b->person = NULL;
}
