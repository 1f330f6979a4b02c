/* point.c - one measuring point: command, settle safely, measure a window.
 * The code `rig run` used per point, shared by every command that measures
 * (run, sweep, grr); and an observer that keeps what a plot needs.
 */
#include "run/point.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "measure/capture.h"
#include "run/settle.h"

#define LASER_CHUNK 40       /* samples per read: 10 ms at 4 kHz */

struct measure_config point_measure_config(const struct fixture_laser *l, double zero_mm,
					   double freq_hz)
{
	return (struct measure_config){
		.rate_hz = l->rate_hz,
		.zero_mm = zero_mm,
		.freq_hint_hz = freq_hz,
		.linearity_um = l->linearity_um,
		.resolution_um = l->resolution_um,
		.zero_u_um = l->zero_uncertainty_um,
		.clock_ppm = l->clock_ppm,
		.exposure_us = l->exposure_us,
		.ring_max_um = l->ring_max_um,
		.ring_exposure_us = l->ring_exposure_us,
	};
}

FILE *point_open_trace(const char *path, const struct fixture *fx, double zero_mm,
		       double freq_hz, struct rig_err *err)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		rig_fail_errno(err, RIG_E_IO, errno, "cannot write trace %s", path);
		return NULL;
	}
	struct capture_header h = {
		.rate_hz = fx->laser.rate_hz, .range_mm = fx->laser.range_mm,
		.zero_mm = zero_mm, .freq_hint_hz = freq_hz,
		.linearity_um = fx->laser.linearity_um, .resolution_um = fx->laser.resolution_um,
		.zero_u_um = fx->laser.zero_uncertainty_um, .clock_ppm = fx->laser.clock_ppm,
		.exposure_us = fx->laser.exposure_us, .ring_max_um = fx->laser.ring_max_um,
		.ring_exposure_us = fx->laser.ring_exposure_us,
	};
	capture_write_header(f, &h);
	fprintf(f, "%s\n", CAPTURE_CSV_HEADER);
	return f;
}

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

void point_targets_for(const struct profile *p, const struct profile_window *w, double freq_hz,
		       struct point_targets *t)
{
	const struct profile_verify *v = &p->verify;
	double f = w->u_fraction;
	t->depth_U_um = f * v->depth_tolerance_um;
	t->spread_U_um = f * v->max_depth_spread_um;
	t->freq_U_hz = f * v->freq_tolerance_pct / 100.0 * freq_hz;
}

/* A sequential window may end: every figure there and its U (the spread's
 * U at k = 2 is 2 s / sqrt(2 (n - 1))) within the targets. */
static bool good_enough(const struct measure_stats *st, const struct point_targets *t)
{
	if (!t || st->status != MEASURE_OK || !st->has_depth || !st->has_freq || st->strokes < 2)
		return false;
	double spread_U = 2 * st->depth_std_um / sqrt(2.0 * (double)(st->strokes - 1));
	return st->depth_U_um <= t->depth_U_um && spread_U <= t->spread_U_um &&
	       st->freq_U_hz <= t->freq_U_hz;
}

/* Has a stroke or sequential window got what it needs after got values? */
static bool window_done(struct measure *m, const struct profile_window *w,
			const struct point_targets *t, uint64_t got, uint64_t learn_at,
			struct measure_stats *st)
{
	if (w->window_strokes) {
		measure_result(m, st);
		return st->strokes >= w->window_strokes;
	}
	if (got < learn_at)
		return false;
	/* Learn the shape from the strokes so far (the rest are fitted as
	 * they close), then look after every chunk. */
	measure_finish(m);
	measure_result(m, st);
	return st->strokes >= w->max_strokes ||
	       (st->strokes >= w->min_strokes && good_enough(st, t));
}

/* Read need values (or until the window has what it needs) into m. */
static enum rig_rc read_window(struct bench *b, struct measure *m, uint64_t need,
			       double rate, const struct point_request *rq, double freq_hz,
			       struct measure_stats *st, struct rig_err *err)
{
	const struct profile_window *w = rq->window;
	double limit_s = (double)need / rate * WINDOW_SLACK + WINDOW_START_S;
	uint64_t t0 = clock_now_ns(b->hal.clock);
	uint64_t deadline = t0 + (uint64_t)(limit_s * 1e9);
	uint64_t got = 0, next_look = (uint64_t)rate / 10;
	uint64_t learn_at = (uint64_t)ceil(((double)w->min_strokes + 2) / freq_hz * rate);
	if (learn_at < POINT_LEARN_SAMPLES)
		learn_at = POINT_LEARN_SAMPLES;
	bool sequential = w->min_strokes > 0, marked = false;
	struct laser_sample buf[LASER_CHUNK];
	enum rig_rc rc = RIG_OK;
	while (got < need) {
		size_t n = 0;
		size_t cap = need - got < LASER_CHUNK ? (size_t)(need - got) : LASER_CHUNK;
		if ((rc = laser_read(b->d.laser, buf, cap, 250, &n, err)) ||
		    (rc = measure_push(m, buf, n, err)))
			break;
		if (rq->trace)
			point_write_trace(rq->trace, buf, n);
		got += n;
		if ((rc = bench_check_safety(b, err)))
			break;
		if ((sequential || w->window_strokes) && got >= next_look) {
			bool done = window_done(m, w, rq->targets, got, learn_at, st);
			if (sequential && got >= learn_at && !marked && rq->trace) {
				/* the shape is learned here: a re-analysis of the
				 * trace learns it from the same samples */
				fprintf(rq->trace, CAPTURE_LEARNED_MARK "\n");
				marked = true;
			}
			if (done)
				break;
			next_look = got + (sequential ? 1 : (uint64_t)rate / 10);
		}
		if (got < need && clock_now_ns(b->hal.clock) > deadline)
			return rig_fail_cause(err, RIG_E_DEVICE, RIG_CAUSE_LASER,
					      "laser: %llu of a window's %llu values in %.2f s; at "
					      "rate_hz %g they take %.2f s",
					      (unsigned long long)got, (unsigned long long)need,
					      (double)(clock_now_ns(b->hal.clock) - t0) / 1e9, rate,
					      (double)need / rate);
	}
	return rc;
}

/* How settling ended: steady (settle.h), or the time ran out; extended:
 * the period still trended at settle_ms and settling went on; moving: it
 * still trended at the end (relative change per group; 0: it did not);
 * ap: the motor's approach to a new speed as the settling saw it, and
 * where the window begins (slot). */
struct settle_end {
	bool steady, extended;
	double moving;
	struct settle_approach ap;
	double window_slot;
	unsigned fitted_at;     /* 1 + the strokes at the last fit (0: none) */
	/* The stream's slot 0 in bench time (the laser was started just
	 * before settling), and the approach an earlier point left (in this
	 * stream's slots; seen false: none). */
	uint64_t slot0_ns;
	struct settle_approach left;
	bool inherited;         /* ap is left's */
};

/* Settling may end when what is left of an approach (settle.h) would bias
 * the shortest window's mean rate by at most this part of the window's
 * rate target. A motor from 40 % with 0.1 s read 0.18 % slow at 146 Hz
 * (26 U) when settling ended on the group rule alone. */
#define APPROACH_TOL 0.05

/* Is what is left of the approach small enough for the coming window? */
static bool approach_done(const struct settle *s, const struct point_request *rq,
			  double move_tol, struct settle_end *se, double rate_hz)
{
	if (se->fitted_at != s->strokes + 1) { /* a new stroke since the last fit */
		settle_approach_fit(s, &se->ap);
		se->fitted_at = s->strokes + 1;
		se->inherited = !se->ap.seen && se->left.seen;
		if (se->inherited)
			se->ap = se->left;
	}
	se->window_slot = (double)s->last_slot + 1;
	if (!se->ap.seen || !(move_tol > 0))
		return true;
	double len = (rq->window->min_strokes ? rq->window->min_strokes : 20) / rq->freq_hz * rate_hz;
	return fabs(settle_approach_bias(&se->ap, se->window_slot, len)) <= APPROACH_TOL * move_tol;
}

/* The approach the bench remembers, in the slots of the stream that
 * began at slot0_ns: still the motor's when it ran on at this rate. */
static void approach_left(const struct bench *b, const struct point_request *rq,
			  struct settle_end *se, double rate_hz)
{
	const struct bench_approach *a = &b->approach;
	memset(&se->left, 0, sizeof se->left);
	if (!a->valid || a->freq_cmd_hz != rq->freq_hz || !(a->rate_hz > 0) || !(a->tau_s > 0))
		return;
	se->left = (struct settle_approach){
		.seen = true, .rate_inf = a->rate_hz / rate_hz, .a = a->a_hz / rate_hz,
		.tau = a->tau_s * rate_hz,
		.t_ref = ((double)a->t_ref_ns - (double)se->slot0_ns) / 1e9 * rate_hz,
	};
}

/* Remember a fitted approach for the next points at this rate. */
static void approach_keep(struct bench *b, const struct point_request *rq,
			  const struct settle_end *se, double rate_hz)
{
	if (!se->ap.seen || se->inherited)
		return;
	b->approach = (struct bench_approach){
		.valid = true, .freq_cmd_hz = rq->freq_hz, .rate_hz = se->ap.rate_inf * rate_hz,
		.a_hz = se->ap.a * rate_hz, .tau_s = se->ap.tau / rate_hz,
		.t_ref_ns = se->slot0_ns + (uint64_t)llround(fmax(se->ap.t_ref, 0) / rate_hz * 1e9),
	};
}

/* Settle on a running laser until the strokes are steady (settle.h) within
 * half the window's targets, settle_ms at most; safety watched. A pen whose
 * period still trends at settle_ms by more than the window's rate target
 * from one group of strokes to the next, twice the same way (a motor still
 * speeding up, not the wander of a steady one), is waited for up to
 * SETTLE_CAP times settle_ms; if it still trends then, the point is
 * refused. A motor seen approaching a new speed (settle_approach) is
 * waited for, up to the same cap, until what is left of it is within
 * APPROACH_TOL of the window's rate target; the rest joins the rate's U
 * (count_approach). */
#define SETTLE_CAP 3
static enum rig_rc settle_on_strokes(struct bench *b, const struct point_request *rq,
				     struct settle_end *se, struct rig_err *err)
{
	const struct fixture *fx = &b->fx;
	const struct point_targets *t = rq->targets;
	double move_tol = t ? t->freq_U_hz / rq->freq_hz : 0;
	struct settle s;
	settle_init(&s, fx->laser.zero_mm + rq->zero_corr_mm, fx->laser.rate_hz, rq->freq_hz,
		    t ? t->depth_U_um / 2 : 0, move_tol / 5);
	uint64_t now = clock_now_ns(b->hal.clock);
	se->slot0_ns = now;
	approach_left(b, rq, se, fx->laser.rate_hz);
	uint64_t settle_ns = (uint64_t)rq->settle_ms * RIG_NS_PER_MS;
	uint64_t end = now + settle_ns, cap = now + SETTLE_CAP * settle_ns;
	struct laser_sample buf[LASER_CHUNK];
	bool steady = false;
	for (;;) {
		now = clock_now_ns(b->hal.clock);
		se->moving = t && settle_moving(&s, move_tol) ? fabs(s.period_change) : 0;
		if (now >= cap) {
			approach_done(&s, rq, move_tol, se, fx->laser.rate_hz);
			return RIG_OK;
		}
		if ((steady || (now >= end && !se->moving)) &&
		    approach_done(&s, rq, move_tol, se, fx->laser.rate_hz)) {
			se->steady = steady;
			return RIG_OK;
		}
		se->extended |= now >= end && se->moving;
		size_t n = 0;
		enum rig_rc rc = laser_read(b->d.laser, buf, LASER_CHUNK, 250, &n, err);
		if (rc || (rc = bench_check_safety(b, err)))
			return rc;
		steady = settle_push(&s, buf, n);
		if (steady)
			se->moving = 0;
	}
}

/* The strokes still moved when settling ran out: the window's figures
 * are of a pen on its way, not of the pen; refused as unsteady. */
static void refuse_unsettled(struct measure_stats *st, const struct point_request *rq,
			     double moving)
{
	if (st->status != MEASURE_OK)
		return;
	st->status = MEASURE_UNSTEADY;
	snprintf(st->message, sizeof st->message,
		 "rate not steady: the period still changed %.2f %% from one group of %d "
		 "strokes to the next (more than %.2f %%) after %u ms of settling (%d times "
		 "settle_ms)", moving * 100, SETTLE_GROUP,
		 rq->targets->freq_U_hz / rq->freq_hz * 100, SETTLE_CAP * rq->settle_ms,
		 SETTLE_CAP);
	st->has_depth = st->has_freq = false;
}

/* Settling went on past settle_ms (the period trended) and ended before
 * the strokes were steady, and the window's periods still trend
 * (MEASURE_TREND_Z standard errors from flat): the window's mean rate is
 * half the change from its end, and the pen's steady rate lies beyond the
 * end (a motor still approaching). Half the change joins the rate's budget
 * as a standard uncertainty. */
static void widen_for_trend(struct measure_stats *st)
{
	if (st->status != MEASURE_OK || !st->has_freq || st->rate_trend_z < MEASURE_TREND_Z)
		return;
	double u = fabs(st->rate_trend_pct) / 100 * st->freq_hz / 2, h = st->freq_U_hz / 2;
	st->freq_u_trend_hz = u;
	st->freq_U_hz = 2 * sqrt(h * h + u * u);
}

/* What is left of the motor's approach to its speed (settle_end.ap) over
 * the window's own slots biases its mean rate against the speed the motor
 * heads for: that bias, as the fit predicts it, joins the rate's budget as
 * a standard uncertainty (the model's own error, up to half of it, is
 * inside the factor 2 of U). */
static void count_approach(struct measure_stats *st, const struct settle_end *se)
{
	if (!se->ap.seen || st->status != MEASURE_OK || !st->has_freq)
		return;
	double u = fabs(settle_approach_bias(&se->ap, se->window_slot, (double)st->samples)) *
		   st->freq_hz;
	double h = st->freq_U_hz / 2;
	st->freq_u_trend_hz = sqrt(st->freq_u_trend_hz * st->freq_u_trend_hz + u * u);
	st->freq_U_hz = 2 * sqrt(h * h + u * u);
}

/* Command the point's depth and rate, start the motor, and settle. */
static enum rig_rc command_and_settle(struct bench *b, const struct point_request *rq,
				      struct settle_end *se, struct rig_err *err)
{
	struct bench_devices *d = &b->d;
	enum rig_rc rc;
	*se = (struct settle_end){ .steady = false, .extended = false, .moving = 0 };
	if ((rc = pen_set_depth_um(d->pen, rq->depth_um, err)) ||
	    (rc = pen_set_freq_hz(d->pen, rq->freq_hz, err)))
		return rc;
	if (!b->motor_on || b->approach.freq_cmd_hz != rq->freq_hz)
		b->approach.valid = false; /* a start or a new rate: its own approach */
	if (!b->motor_on) {
		if ((rc = pen_set_motor(d->pen, true, err)))
			return rc;
		b->motor_on = true;
	}
	if (!rq->window->settle_detect) {
		se->steady = true; /* waited as told: nothing watched */
		return bench_wait_safely(b, rq->settle_ms, err);
	}
	/* The laser runs from here on: the window follows the settling
	 * without a restart. */
	if ((rc = laser_start(d->laser, err)))
		return rc;
	return settle_on_strokes(b, rq, se, err);
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
	bool streaming = w->settle_detect;
	struct settle_end se;
	if ((rc = command_and_settle(b, rq, &se, err)))
		goto fail;

	struct measure_config cfg = point_measure_config(&fx->laser,
							 fx->laser.zero_mm + rq->zero_corr_mm, freq_hz);
	cfg.on_stroke = obs ? obs->on_stroke : NULL;
	cfg.ctx = obs ? obs->ctx : NULL;
	if (rq->gates)
		cfg.gates = *rq->gates;
	if ((rc = measure_create(&m, &cfg, err)))
		goto fail;
	double rate = fx->laser.rate_hz;
	/* A sequential window reads at most what max_strokes would. */
	struct profile_window most = { .window_strokes = w->max_strokes };
	uint64_t need = (uint64_t)ceil(
		profile_window_read_s(w->min_strokes ? &most : w, freq_hz) * rate);
	if (!streaming && (rc = laser_start(d->laser, err)))
		goto out;
	streaming = true;
	rc = read_window(b, m, need, rate, rq, freq_hz, st, err);
	if (rc)
		goto fail;
	if ((rc = laser_stop(d->laser, err)))
		goto out;
	measure_finish(m);
	measure_result(m, st);
	approach_keep(b, rq, &se, rate);
	/* A trend the approach fit explains is in U (count_approach); one it
	 * does not (a motor slower than the settling can see bend) refuses. */
	if (se.moving > 0 && !(se.ap.seen && !se.inherited))
		refuse_unsettled(st, rq, se.moving);
	else if (se.ap.seen)
		count_approach(st, &se);
	else if (se.extended)
		widen_for_trend(st);
	measure_gate_phase_gap(st, rq->gates);
	measure_gate_ring_bound(st);
	if (obs && obs->end)
		obs->end(obs->ctx, m, st);
	goto out;
fail:
	if (streaming) {
		struct rig_err ignore;
		if (d->io && bench_io_pen_powered(d->io))
			laser_stop(d->laser, &ignore);
	}
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
	if (RIG_GROW(log->v, log->cap, log->n + 1, 16, NULL)) {
		log->oom = true;
		return;
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
	if (RIG_GROW(r->stroke_um, r->cap, r->nstrokes + 1, 64, NULL) ||
	    RIG_GROW(r->stroke_t_s, r->cap_t, r->nstrokes + 1, 64, NULL)) {
		((struct point_log *)ctx)->oom = true;
		return;
	}
	r->stroke_t_s[r->nstrokes] = s->peak_time_s;
	r->stroke_um[r->nstrokes++] = s->peak_um;
}

/* The point's result is known: each stroke's depth as the result has it
 * (measure_stroke_figures: corrected for the drift at its own time when
 * the mean was), so that the strokes' histogram shows what the mean
 * rests on. Before, the strokes kept the drift as read while the mean
 * was corrected for it. */
static void log_end(void *ctx, const struct measure *m, const struct measure_stats *st)
{
	struct point_record *r = log_last(ctx);
	if (!r)
		return;
	for (size_t i = 0; i < r->nstrokes; i++) {
		struct measure_stroke s = { .peak_time_s = r->stroke_t_s[i],
					    .peak_um = r->stroke_um[i],
					    .reject = MEASURE_STROKE_OK };
		struct measure_stroke_figures f;
		if (measure_stroke_figures(st, &s, &f))
			r->stroke_um[i] = f.depth_um;
	}
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
	for (size_t i = 0; i < log->n; i++) {
		free(log->v[i].stroke_um);
		free(log->v[i].stroke_t_s);
	}
	free(log->v);
	*log = (struct point_log){ 0 };
}
