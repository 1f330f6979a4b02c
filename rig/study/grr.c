/* grr.c - repeatability: N passes over the verify points of a profile.
 * Each pass re-commands every point (the pen moves between settings), so
 * the spread includes the pen's settling as well as the bench's noise:
 * what a second run on the same unit would see.
 */
#include "study/grr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/point.h"
#include "study/bench.h"

/* One pass over every verify point: results and their uncertainties go to
 * vals and us at [point * repeats + rep]. */
static enum rig_rc measure_pass(struct bench *b, const struct profile_verify *v,
				const struct grr_options *o, unsigned rep, double *vals, double *us,
				struct rig_err *err)
{
	size_t nd = v->depth_points_um.n, np = nd + v->freq_points_hz.n;
	for (size_t i = 0; i < np; i++) {
		bool depth = i < nd;
		double d_um = depth ? v->depth_points_um.v[i] : v->nominal_depth_um;
		double f_hz = depth ? v->nominal_freq_hz : v->freq_points_hz.v[i - nd];
		if (o->progress) {
			char text[160];
			snprintf(text, sizeof text, "repeat %u/%u: %s %g %s", rep + 1, o->repeats,
				 depth ? "depth" : "freq", depth ? d_um : f_hz, depth ? "um" : "Hz");
			o->progress(o->progress_ctx, text);
		}
		struct measure_stats st;
		struct point_request rq = {
			.phase = "grr", .step = depth ? "depth_sweep" : "freq_sweep",
			.depth_um = d_um, .freq_hz = f_hz, .settle_ms = v->settle_ms,
			.window = &v->window,
		};
		enum rig_rc rc = point_measure(b, &rq, &st, err);
		if (rc)
			return rc;
		bool ok = st.status == MEASURE_OK && (depth ? st.has_depth : st.has_freq);
		vals[i * o->repeats + rep] = ok ? (depth ? st.depth_mean_um : st.freq_hz) : NAN;
		us[i * o->repeats + rep] = depth ? st.depth_U_um : st.freq_U_hz;
	}
	return RIG_OK;
}

/* Per point: mean, standard deviation and P/T of the repeats. */
static void summarise(const struct profile_verify *v, unsigned repeats, const double *vals,
		      const double *us, struct grr_result *res)
{
	size_t nd = v->depth_points_um.n, np = nd + v->freq_points_hz.n;
	for (size_t i = 0; i < np; i++) {
		bool depth = i < nd;
		struct grr_point *p = &res->pt[res->npt++];
		p->quantity = depth ? "depth" : "freq";
		p->unit = depth ? "um" : "Hz";
		p->commanded = depth ? v->depth_points_um.v[i] : v->freq_points_hz.v[i - nd];
		p->tolerance = depth ? 2 * v->depth_tolerance_um
				     : 2 * p->commanded * v->freq_tolerance_pct / 100.0;
		double sum = 0, usum = 0;
		for (unsigned r = 0; r < repeats; r++) {
			double x = vals[i * repeats + r];
			if (!isfinite(x))
				continue;
			sum += x;
			usum += us[i * repeats + r];
			p->n++;
		}
		p->mean = p->n ? sum / p->n : NAN;
		p->u_mean = p->n ? usum / p->n : NAN;
		double ss = 0;
		for (unsigned r = 0; r < repeats; r++) {
			double x = vals[i * repeats + r];
			if (isfinite(x))
				ss += (x - p->mean) * (x - p->mean);
		}
		p->std = p->n > 1 ? sqrt(ss / (p->n - 1)) : NAN;
		p->pt_pct = 100.0 * GRR_SIGMAS * p->std / p->tolerance;
	}
}

const char *grr_rating(double pt_pct)
{
	if (!isfinite(pt_pct))
		return "-";
	return pt_pct < GRR_GOOD_PCT ? "good" : pt_pct <= GRR_MARGINAL_PCT ? "marginal" : "unacceptable";
}

enum rig_rc grr_execute(struct bench *b, const struct profile *prof, const struct grr_options *o,
			struct grr_result *res, struct rig_err *err)
{
	enum rig_rc rc;
	double *vals = NULL, *us = NULL;
	memset(res, 0, sizeof *res);
	if (o->repeats < 2)
		return rig_fail(err, RIG_E_USAGE, "--repeats must be at least 2");
	snprintf(res->profile, sizeof res->profile, "%s", prof->name);
	const struct profile_verify *v = &prof->verify;
	size_t nd = v->depth_points_um.n, nf = v->freq_points_hz.n, np = nd + nf;
	vals = calloc(np * o->repeats, sizeof *vals);
	us = calloc(np * o->repeats, sizeof *us);
	if (!vals || !us) {
		free(vals);
		free(us);
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	}
	rc = bench_take_lock(b, o->wait_lock_s, err);
	if (!rc)
		rc = bench_identify(b, err);
	if (!rc && strcmp(b->id.model, prof->pen_model) != 0)
		rc = rig_fail(err, RIG_E_ABORTED,
			      "wrong pen for this profile: the pen is a %s, profile %s is for %s",
			      b->id.model, prof->name, prof->pen_model);
	uint64_t t0 = rc ? 0 : clock_now_ns(b->hal.clock);
	if (!rc)
		snprintf(res->pen_serial, sizeof res->pen_serial, "%s", b->id.serial);
	for (unsigned rep = 0; rep < o->repeats && !rc; rep++)
		rc = measure_pass(b, v, o, rep, vals, us, err);
	if (!rc && bench_check_safety(b, err) == RIG_E_ABORTED)
		rc = RIG_E_ABORTED;
	if (t0)
		res->bench_time_s = bench_seconds_since(b, t0);
	study_release(b, rc != RIG_OK);
	if (!rc)
		summarise(v, o->repeats, vals, us, res);
	free(vals);
	free(us);
	return rc;
}
