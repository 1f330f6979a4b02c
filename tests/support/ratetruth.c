/* ratetruth.c - points of a run beside the pen's true rate (ratetruth.h). */
#include "support/ratetruth.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "sim/bench.h"
#include "sim/laser.h"

static struct rate_point *open_point(struct rate_truth_log *log)
{
	return log->n ? &log->v[log->n - 1] : NULL;
}

static void rt_begin(void *ctx, const char *phase, const char *step, double depth_um,
		     double freq_hz)
{
	struct rate_truth_log *log = ctx;
	if (RIG_GROW(log->v, log->cap, log->n + 1, 32, NULL)) {
		log->oom = true;
		return;
	}
	struct rate_point *r = &log->v[log->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->phase, sizeof r->phase, "%s", phase ? phase : "");
	snprintf(r->step, sizeof r->step, "%s", step ? step : "");
	r->depth_cmd_um = depth_um;
	r->freq_cmd_hz = freq_hz;
}

static void rt_end(void *ctx, const struct measure *m, const struct measure_stats *st)
{
	(void)m;
	struct rate_truth_log *log = ctx;
	struct rate_point *r = open_point(log);
	if (!r)
		return;
	r->done = true;
	r->st = *st;
	struct bench *b = log->run ? log->run->bench : NULL;
	struct sim_bench *sb = b ? b->sim : NULL;
	struct sim_laser *l = sb ? sim_bench_model(sb, "laser") : NULL;
	struct sim_pen *p = sb ? sim_pen_of(sb) : NULL;
	uint64_t t0, t1;
	/* the engine's record, first to last slot: its rate is the mean
	 * over that time, partial strokes at both ends included */
	if (!l || !p || st->samples < 2 || !sim_laser_slot_ns(l, (double)st->first_slot, &t0) ||
	    !sim_laser_slot_ns(l, (double)(st->first_slot + st->samples - 1), &t1))
		return;
	r->have_truth = sim_pen_mean_rate(p, t0, t1, &r->truth);
}

struct point_observer rate_truth_observer(struct rate_truth_log *log, struct run_bench *run)
{
	log->run = run;
	return (struct point_observer){
		.begin = rt_begin, .end = rt_end, .ctx = log,
	};
}

const struct rate_point *rate_truth_find(const struct rate_truth_log *log, const char *phase,
					 double freq_hz, unsigned k)
{
	for (size_t i = 0; i < log->n; i++) {
		const struct rate_point *r = &log->v[i];
		if (!r->done || strcmp(r->phase, phase) || fabs(r->freq_cmd_hz - freq_hz) > 1e-6)
			continue;
		if (k-- == 0)
			return r;
	}
	return NULL;
}

double rate_point_err_over_U(const struct rate_point *r)
{
	if (!r->have_truth || !r->st.has_freq || !(r->st.freq_U_hz > 0))
		return NAN;
	return (r->st.freq_hz - r->truth.mean_hz) / r->st.freq_U_hz;
}

void rate_truth_free(struct rate_truth_log *log)
{
	free(log->v);
	log->v = NULL;
	log->n = log->cap = 0;
}
