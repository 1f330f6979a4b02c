/* point.c - one measuring point: command, settle safely, measure a window.
 * The code `rig run` used per point, shared by every command that measures
 * (run, sweep, grr); and an observer that keeps what a plot needs.
 */
#include "run/point.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "measure/capture.h"

#define LASER_CHUNK 40       /* samples per read: 10 ms at 4 kHz */

void point_write_trace(FILE *f, const struct laser_sample *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i].status == LASER_OK)
			/* 17 significant digits: the trace reads back as the very
			 * same doubles, so re-analysing it gives the live result. */
			fprintf(f, "%llu,%.17g,0\n", (unsigned long long)s[i].slot, s[i].dist_mm);
		else
			fprintf(f, "%llu,,%d\n", (unsigned long long)s[i].slot, (int)s[i].status);
	}
}

/* The window's wall-clock bound: its values at rate_hz, 2 % slack and a
 * second for the stream to start. The laser driver faults a rate more than
 * 1 % off long before; this bound holds whatever else goes wrong. */
#define WINDOW_SLACK 1.02
#define WINDOW_START_S 1.0

/* Read need values (or until the window's strokes are there) into m. */
static enum rig_rc read_window(struct bench *b, struct measure *m, uint64_t need,
			       double rate, const struct profile_window *w, FILE *trace,
			       struct measure_stats *st, struct rig_err *err)
{
	double limit_s = (double)need / rate * WINDOW_SLACK + WINDOW_START_S;
	uint64_t t0 = clock_now_ns(b->hal.clock);
	uint64_t deadline = t0 + (uint64_t)(limit_s * 1e9);
	uint64_t got = 0, next_look = (uint64_t)rate / 10;
	struct laser_sample buf[LASER_CHUNK];
	enum rig_rc rc = RIG_OK;
	while (got < need) {
		size_t n = 0;
		size_t cap = need - got < LASER_CHUNK ? (size_t)(need - got) : LASER_CHUNK;
		if ((rc = laser_read(b->d.laser, buf, cap, 250, &n, err)) ||
		    (rc = measure_push(m, buf, n, err)))
			break;
		if (trace)
			point_write_trace(trace, buf, n);
		got += n;
		if ((rc = bench_check_safety(b, err)))
			break;
		if (w->window_strokes && got >= next_look) {
			measure_result(m, st);
			if (st->strokes >= w->window_strokes)
				break;
			next_look = got + (uint64_t)rate / 10;
		}
		if (got < need && clock_now_ns(b->hal.clock) > deadline)
			return rig_fail(err, RIG_E_DEVICE,
					"laser: %llu of a window's %llu values in %.2f s; at "
					"rate_hz %g they take %.2f s",
					(unsigned long long)got, (unsigned long long)need,
					(double)(clock_now_ns(b->hal.clock) - t0) / 1e9, rate,
					(double)need / rate);
	}
	return rc;
}

enum rig_rc point_measure(struct bench *b, const struct point_request *rq,
			  struct measure_stats *st, struct rig_err *err)
{
	const struct fixture *fx = &b->fx;
	struct bench_devices *d = &b->d;
	const struct point_observer *obs = rq->obs;
	const struct profile_window *w = rq->window;
	double depth_um = rq->depth_um, freq_hz = rq->freq_hz;
	struct measure *m = NULL;
	enum rig_rc rc;
	memset(st, 0, sizeof *st);
	if (obs && obs->begin)
		obs->begin(obs->ctx, rq->phase, rq->step, depth_um, freq_hz);
	if ((rc = pen_set_depth_um(d->pen, depth_um, err)) ||
	    (rc = pen_set_freq_hz(d->pen, freq_hz, err)))
		return rc;
	if (!b->motor_on) {
		if ((rc = pen_set_motor(d->pen, true, err)))
			return rc;
		b->motor_on = true;
	}
	if ((rc = bench_wait_safely(b, rq->settle_ms, err)))
		return rc;

	struct measure_config cfg = {
		.rate_hz = fx->laser.rate_hz,
		.zero_mm = fx->laser.zero_mm,
		.freq_hint_hz = freq_hz,
		.linearity_um = fx->laser.linearity_um,
		.resolution_um = fx->laser.resolution_um,
		.zero_u_um = fx->laser.zero_uncertainty_um,
		.clock_ppm = fx->laser.clock_ppm,
		.exposure_us = fx->laser.exposure_us,
		.on_stroke = obs ? obs->on_stroke : NULL,
		.ctx = obs ? obs->ctx : NULL,
	};
	if (rq->gates)
		cfg.gates = *rq->gates;
	if ((rc = measure_create(&m, &cfg, err)))
		return rc;
	double rate = fx->laser.rate_hz;
	uint64_t need = (uint64_t)ceil(profile_window_read_s(w, freq_hz) * rate);
	if ((rc = laser_start(d->laser, err)))
		goto out;
	rc = read_window(b, m, need, rate, w, rq->trace, st, err);
	if (rc) {
		struct rig_err ignore;
		if (d->io && bench_io_pen_powered(d->io))
			laser_stop(d->laser, &ignore);
		goto out;
	}
	if ((rc = laser_stop(d->laser, err)))
		goto out;
	measure_finish(m);
	measure_result(m, st);
	if (obs && obs->end)
		obs->end(obs->ctx, m, st);
out:
	measure_free(m);
	return rc;
}

/* ---- point_log --------------------------------------------------------- */

static struct point_record *log_last(struct point_log *log)
{
	return log->open && log->n ? &log->v[log->n - 1] : NULL;
}

static void log_begin(void *ctx, const char *phase, const char *step, double depth_um,
		      double freq_hz)
{
	struct point_log *log = ctx;
	log->open = false;
	if (log->n == log->cap) {
		size_t cap = log->cap ? 2 * log->cap : 16;
		struct point_record *v = realloc(log->v, cap * sizeof *v);
		if (!v) {
			log->oom = true;
			return;
		}
		log->v = v;
		log->cap = cap;
	}
	struct point_record *r = &log->v[log->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->phase, sizeof r->phase, "%s", phase ? phase : "");
	snprintf(r->step, sizeof r->step, "%s", step ? step : "");
	r->depth_cmd_um = depth_um;
	r->freq_cmd_hz = freq_hz;
	log->open = true;
}

static void log_stroke(const struct measure_stroke *s, void *ctx)
{
	struct point_record *r = log_last(ctx);
	if (!r || s->reject != MEASURE_STROKE_OK)
		return;
	if (r->nstrokes == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		double *v = realloc(r->stroke_um, cap * sizeof *v);
		if (!v) {
			((struct point_log *)ctx)->oom = true;
			return;
		}
		r->stroke_um = v;
		r->cap = cap;
	}
	r->stroke_um[r->nstrokes++] = s->peak_um;
}

static void log_end(void *ctx, const struct measure *m, const struct measure_stats *st)
{
	struct point_record *r = log_last(ctx);
	if (!r)
		return;
	r->st = *st;
	r->nshape = measure_shape(m, r->shape, POINT_SHAPE_BINS);
	r->done = true;
}

struct point_observer point_log_observer(struct point_log *log)
{
	return (struct point_observer){
		.begin = log_begin, .on_stroke = log_stroke, .end = log_end, .ctx = log,
	};
}

void point_log_free(struct point_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->v[i].stroke_um);
	free(log->v);
	*log = (struct point_log){ 0 };
}
