/* sweep.c - a grid of measuring points, one CSV row each, written and
 * flushed as it is measured so that an interrupted sweep keeps its rows.
 * Repeats are the outer loop: each pass covers the whole grid, so a slow
 * drift (warm-up) shows as a difference between passes instead of hiding
 * in one corner of the grid.
 */
#include "study/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench/preload.h"
#include "core/fsutil.h"
#include "run/names.h"
#include "run/zero_target.h"
#include "study/bench.h"
#include "study/csv.h"
#include "run/text.h"

const char *const sweep_columns[SWEEP_NCOLUMNS] = {
	"depth_cmd_um", "freq_cmd_hz", "repeat", "depth_mean_um", "depth_std_um",
	"depth_min_um", "depth_max_um", "freq_hz", "strokes", "depth_uncertainty_um",
	"force_n", "freq_uncertainty_hz", "invalid_fraction", "status", "bench_time_s",
	"station", "pen_model", "pen_serial", "trace", "preload_cmd_n",
	"zero_target_move_um", "zero_target_uncertainty_um", "depth_minmax_uncertainty_um",
};

enum rig_rc sweep_parse_list(const char *s, double *out, size_t cap, size_t *n,
			     struct rig_err *err)
{
	*n = 0;
	const char *p = s;
	/* Decimal numbers only: strtod would read 0x10 as 16 and "inf". */
	if (s[strspn(s, "0123456789.+-eE:, ")])
		goto bad;
	while (*p) {
		char *end;
		double a = strtod(p, &end), stop = a, step = 1;
		bool range = false;
		if (end == p)
			goto bad;
		if (*end == ':') {
			range = true;
			p = end + 1;
			stop = strtod(p, &end);
			if (end == p || *end != ':')
				goto bad;
			p = end + 1;
			step = strtod(p, &end);
			if (end == p)
				goto bad;
			if (!(step > 0) || !(stop >= a))
				return rig_fail(err, RIG_E_USAGE,
						"'%s': a range is start:stop:step with stop >= start and "
						"step > 0",
						s);
		}
		if (*end != ',' && *end != '\0')
			goto bad;
		double last = range ? stop + step * 1e-9 : a;
		for (long k = 0;; k++) {
			double v = range ? a + (double)k * step : a;
			if (v > last)
				break;
			if (!isfinite(v) || !(v > 0))
				return rig_fail(err, RIG_E_USAGE, "'%s': expected values > 0, found %g", s, v);
			if (*n && !(v > out[*n - 1]))
				return rig_fail(err, RIG_E_USAGE,
						"'%s': values must increase, found %g after %g", s, v,
						out[*n - 1]);
			if (*n == cap)
				return rig_fail(err, RIG_E_USAGE, "'%s': more than %zu values", s, cap);
			out[(*n)++] = v;
			if (!range)
				break;
		}
		p = *end ? end + 1 : end;
	}
	if (!*n)
		goto bad;
	return RIG_OK;
bad:
	return rig_fail(err, RIG_E_USAGE,
			"expected a list like 250,500,1000 or 250:2500:250, found '%s'", s);
}

__attribute__((format(printf, 2, 3)))
static void say(const struct sweep_options *o, const char *fmt, ...)
{
	if (!o->progress)
		return;
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	o->progress(o->progress_ctx, text);
}

/* Create <dir>/sweep_<stamp>_<serial>.csv, never overwriting: -2, -3 ...
 * as reports do. path gets its name ("" when none could be made). */
static FILE *create_csv(const char *dir, const char *pen_serial, char *path, size_t cap,
			struct rig_err *err)
{
	char serial[48], stamp[32], stem[PATH_MAX + 64];
	text_file_serial(serial, sizeof serial, pen_serial);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(stem, sizeof stem, "%s/sweep_%s_%s", dir, stamp, serial);
	FILE *csv = rig_create_unique(stem, ".csv", path, cap);
	if (!csv) {
		rig_fail_errno(err, RIG_E_IO, errno, "cannot create %s", path);
		path[0] = '\0';
	}
	return csv;
}

/* One cell of the grid, as measured. */
struct cell {
	double d_um, f_hz;
	double preload_n;            /* asked of the operator; NaN: as the pen sits */
	unsigned rep;
	struct measure_stats st;
	double force_n;
	char trel[200];              /* its trace, relative to the CSV's folder; "" none */
};

/* Measure a cell (and keep its trace in trace_dir when there is one). */
static enum rig_rc measure_cell(struct bench *b, const struct sweep_options *o,
				const char *dir, const char *trace_dir, struct cell *c,
				struct rig_err *err)
{
	char tpath[PATH_MAX + 160] = "";
	FILE *trace = NULL;
	c->trel[0] = '\0';
	c->force_n = NAN;
	if (o->save_trace) {
		const char *tdir = strrchr(trace_dir, '/');
		snprintf(c->trel, sizeof c->trel, "%s/r%u_%.0fum_%.1fHz.csv",
			 tdir ? tdir + 1 : trace_dir, c->rep, c->d_um, c->f_hz);
		snprintf(tpath, sizeof tpath, "%s/%s", dir, c->trel);
		/* its head lets rig analyze read it with no options, as a run's */
		if (!(trace = point_open_trace(tpath, &b->fx, b->fx.laser.zero_mm, c->f_hz, err)))
			return err->rc;
	}
	struct point_request rq = {
		.phase = run_phase_name(PHASE_SWEEP), .step = run_step_name(STEP_GRID),
		.depth_um = c->d_um, .freq_hz = c->f_hz, .settle_ms = o->settle_ms,
		.window = &o->window, .trace = trace, .obs = o->observer, .gates = o->gates,
	};
	enum rig_rc rc = point_measure(b, &rq, &c->st, err);
	if (trace && fclose(trace) && !rc)
		rc = rig_fail_errno(err, RIG_E_IO, errno, "writing %s", tpath);
	if (!rc)
		rc = loadcell_read_force_n(b->d.loadcell, &c->force_n, err);
	return rc;
}

/* The cell's row, in sweep_columns order; false when it cannot be written. */
static bool write_row(struct csv_out *w, const struct bench *b, const struct cell *c,
		      double t_s, const struct sweep_result *res)
{
	const struct measure_stats *st = &c->st;
	double frac = st->samples ? (double)st->invalid_samples / (double)st->samples : NAN;
	csv_out_num(w, c->d_um);
	csv_out_num(w, c->f_hz);
	csv_out_long(w, c->rep);
	csv_out_num(w, st->has_depth ? st->depth_mean_um : NAN);
	csv_out_num(w, st->has_depth ? st->depth_std_um : NAN);
	csv_out_num(w, st->has_depth && st->has_depth_min ? st->depth_min_um : NAN);
	csv_out_num(w, st->has_depth && st->has_depth_max ? st->depth_max_um : NAN);
	csv_out_num(w, st->has_freq ? st->freq_hz : NAN);
	csv_out_long(w, (long)st->strokes);
	/* the zero's move since rig zero joins the depth's U, as in a run */
	double zU = isfinite(res->zero_U_um) ? res->zero_U_um : 0;
	csv_out_num(w, st->has_depth ? hypot(st->depth_U_um, zU) : NAN);
	csv_out_num(w, c->force_n);
	csv_out_num(w, st->has_freq ? st->freq_U_hz : NAN);
	csv_out_num(w, frac);
	/* refused (a [quality] gate) or not measurable: no figure, and why */
	char status[sizeof st->message + 16];
	snprintf(status, sizeof status, "not measured: %s", st->message);
	csv_out_text(w, st->status == MEASURE_OK ? "OK" : status);
	csv_out_num(w, t_s);
	csv_out_text(w, b->fx.bench.station);
	csv_out_text(w, b->id.model);
	csv_out_text(w, b->id.serial);
	csv_out_text(w, c->trel);
	csv_out_num(w, c->preload_n);
	csv_out_num(w, res->zero_move_um);
	csv_out_num(w, res->zero_U_um);
	csv_out_num(w, st->has_depth ? hypot(st->depth_minmax_U_um, zU) : NAN);
	return csv_out_end(w);
}

/* Every cell, repeats outermost; a row written and flushed per cell. */
static enum rig_rc measure_grid(struct bench *b, const struct sweep_options *o,
				const char *dir, const char *trace_dir, FILE *csv,
				struct sweep_result *res, struct rig_err *err)
{
	struct csv_out w;
	csv_out_init(&w, csv);
	csv_out_header(&w, sweep_columns, SWEEP_NCOLUMNS);
	fflush(csv);
	uint64_t t0 = clock_now_ns(b->hal.clock);
	size_t np = o->npreloads ? o->npreloads : 1;
	size_t total = o->repeats * np * o->ndepths * o->nfreqs, k = 0;
	enum rig_rc rc = RIG_OK;
	for (unsigned rep = 1; rep <= o->repeats && !rc; rep++) {
	    for (size_t p = 0; p < np && !rc; p++) {
		double pre = o->npreloads ? o->preloads_n[p] : NAN;
		if (isfinite(pre)) {
			say(o, "repeat %u: preload %g N", rep, pre);
			if ((rc = bench_set_preload(b, pre, NULL, err)))
				break;
		}
		for (size_t i = 0; i < o->ndepths && !rc; i++) {
			for (size_t j = 0; j < o->nfreqs && !rc; j++) {
				struct cell c = { .d_um = o->depths_um[i], .f_hz = o->freqs_hz[j],
						  .rep = rep, .preload_n = pre };
				say(o, "[%zu/%zu] repeat %u: %g um at %g Hz", ++k, total, rep, c.d_um,
				    c.f_hz);
				if ((rc = measure_cell(b, o, dir, trace_dir, &c, err)))
					break;
				if (!write_row(&w, b, &c, bench_seconds_since(b, t0), res) || fflush(csv) ||
				    ferror(csv)) {
					rc = rig_fail_errno(err, RIG_E_IO, errno, "writing %s",
							    res->csv_path);
					break;
				}
				res->rows++;
			}
		}
	    }
	}
	res->bench_time_s = bench_seconds_since(b, t0);
	return rc;
}

/* The zero target before the grid, on a bench with one, read as a run
 * reads it (run/zero_target.h): a sweep has no tolerance, so its bound is
 * [laser] run_zero_max_shift_um, or when that is not set what rig zero
 * accepts (zero_max_change_um); beyond it refused, within it the move
 * joins every depth's U. */
static enum rig_rc zero_target(struct bench *b, const struct sweep_options *o,
			       struct sweep_result *res, struct rig_err *err)
{
	bool have;
	enum rig_rc rc = zero_target_usable(b, &have, err);
	if (rc || !have)
		return rc;
	say(o, "zero target");
	struct zero_target t;
	if ((rc = zero_target_read(b, &t, err)))
		return rc;
	const struct fixture_laser *l = &b->fx.laser;
	bool key = l->run_zero_max_shift_um > 0;
	double bound = key ? l->run_zero_max_shift_um : l->zero_max_change_um;
	if (fabs(t.move_um) - 2 * t.u_um > bound) {
		char what[160];
		snprintf(what, sizeof what, "beyond %.3g um (%s) by more than its U: refused", bound,
			 key ? "laser.run_zero_max_shift_um" : "laser.zero_max_change_um");
		return zero_target_refuse(&b->fx, &t, what, err);
	}
	res->zero_move_um = t.move_um;
	res->zero_U_um = 2 * zero_target_u_um(&t, false);
	say(o, "zero target: moved %+.2f um (U %.2f um) since rig zero: in every depth's U",
	    t.move_um, res->zero_U_um);
	return RIG_OK;
}

enum rig_rc sweep_execute(struct bench *b, const struct sweep_options *o,
			  struct sweep_result *res)
{
	struct rig_err err = { 0 };
	FILE *csv = NULL;
	enum rig_rc rc;
	char trace_dir[PATH_MAX + 80] = "";
	memset(res, 0, sizeof *res);
	res->zero_move_um = res->zero_U_um = NAN;
	const char *dir = o->out_dir ? o->out_dir : "reports";
	if (!o->ndepths || !o->nfreqs || !o->repeats) {
		rc = rig_fail(&err, RIG_E_USAGE, "nothing to measure");
		goto fail_early;
	}
	/* a cell is gated as a run's point is: the profile's defaults unless given */
	struct measure_gates gates;
	struct sweep_options go = *o;
	if (!o->gates && (rc = profile_quality_defaults(&gates, &err)))
		goto fail_early;
	if (!o->gates)
		go.gates = &gates;
	o = &go;
	if ((rc = rig_mkdir_p(dir, &err)))
		goto fail_early;
	if ((rc = bench_take_lock(b, o->wait_lock_s, &err)) || (rc = bench_identify(b, &err)))
		goto out;
	snprintf(res->pen_serial, sizeof res->pen_serial, "%s", b->id.serial);
	say(o, "%s %s, serial %s, firmware %s", b->id.maker, b->id.model, b->id.serial,
	    b->id.firmware);
	if ((rc = zero_target(b, o, res, &err)))
		goto out;
	if (!(csv = create_csv(dir, b->id.serial, res->csv_path, sizeof res->csv_path, &err))) {
		rc = err.rc;
		goto out;
	}
	if (o->save_trace) {
		/* sweep_<stamp>_<serial>.csv -> sweep_<stamp>_<serial>_traces/ */
		snprintf(trace_dir, sizeof trace_dir, "%.*s_traces",
			 (int)(strlen(res->csv_path) - strlen(".csv")), res->csv_path);
		if ((rc = rig_mkdir_p(trace_dir, &err)))
			goto out;
	}
	rc = measure_grid(b, o, dir, trace_dir, csv, res, &err);
out:
	/* An e-stop or lid at the end still counts. */
	if (!rc && b->d.io && bench_check_safety(b, &err) == RIG_E_ABORTED)
		rc = RIG_E_ABORTED;
	if (csv && fclose(csv) && !rc)
		rc = rig_fail_errno(&err, RIG_E_IO, errno, "writing %s", res->csv_path);
	study_release(b, rc != RIG_OK);
fail_early:
	if (rc)
		snprintf(res->message, sizeof res->message, "%s", err.msg);
	return rc;
}
