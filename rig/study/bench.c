/* bench.c - open and close a bench for a sweep or a repeatability study. */
#include "study/bench.h"

#include <string.h>

enum rig_rc study_bench_open(struct study_bench *b, const char *fixture_path,
			     char *const *sims, size_t nsims, unsigned wait_lock_s,
			     struct rig_err *err)
{
	memset(b, 0, sizeof *b);
	b->lock.fd = -1;
	enum rig_rc rc = session_open(&b->s, fixture_path, sims, nsims, err);
	if (rc)
		return rc;
	b->have_session = true;
	if ((rc = bench_lock_acquire(&b->lock, b->s.fx.bench.lock, b->s.fx.bench.station,
				     wait_lock_s, err)) ||
	    (rc = devices_open(&b->d, &b->s, DEV_ALL, err)) ||
	    (rc = bench_io_lamps(b->d.io, LAMPS_RUNNING, err)) ||
	    (rc = pen_identify(b->d.pen, &b->id, err)))
		return rc;
	b->pb = (struct point_bench){
		.clock = b->s.hal.clock, .fx = &b->s.fx, .d = &b->d, .motor_on = &b->motor_on,
	};
	return RIG_OK;
}

double study_bench_time_s(const struct study_bench *b, uint64_t t0_ns)
{
	return (double)(clock_now_ns(b->s.hal.clock) - t0_ns) / 1e9;
}

void study_bench_close(struct study_bench *b, bool aborted)
{
	if (b->d.pen && b->d.io && bench_io_pen_powered(b->d.io))
		pen_set_motor(b->d.pen, false, NULL);
	if (b->d.io)
		bench_io_lamps(b->d.io, aborted ? LAMPS_ABORTED : LAMPS_OFF, NULL);
	devices_close(&b->d);
	bench_lock_release(&b->lock);
	if (b->have_session)
		session_close(&b->s);
	b->have_session = false;
}
