/* grr.c - repeatability: N passes over the verify points of a profile.
 * Each pass re-commands every point (the pen moves between settings), so
 * the spread includes the pen's settling as well as the bench's noise:
 * what a second run on the same unit would see.
 */
#include "study/grr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/bench.h"

const char *grr_rating(double pt_pct)
{
	if (!isfinite(pt_pct))
		return "-";
	return pt_pct < GRR_GOOD_PCT ? "good" : pt_pct <= GRR_MARGINAL_PCT ? "marginal" : "unacceptable";
}

int grr_execute(const struct grr_options *o, struct grr_result *res)
{
	struct profile prof;
	struct study_bench b;
	struct rig_err err = { 0 };
	enum rig_rc rc;
	double *vals = NULL, *us = NULL;
	memset(res, 0, sizeof *res);
	if (o->repeats < 2) {
		fprintf(stderr, "rig grr: --repeats must be at least 2\n");
		return res->exit_code = RIG_EXIT_USAGE;
	}
	if ((rc = profile_load(&prof, o->profile_path, &err))) {
		fprintf(stderr, "rig grr: %s\n", err.msg);
		return res->exit_code = rig_exit_code(rc);
	}
	snprintf(res->profile, sizeof res->profile, "%s", prof.name);
	const struct profile_verify *v = &prof.verify;
	size_t nd = v->depth_points_um.n, nf = v->freq_points_hz.n, np = nd + nf;
	vals = calloc(np * o->repeats, sizeof *vals);
	us = calloc(np * o->repeats, sizeof *us);
	if (!vals || !us) {
		free(vals);
		free(us);
		fprintf(stderr, "rig grr: out of memory\n");
		return res->exit_code = RIG_EXIT_OSERR;
	}
	rc = study_bench_open(&b, o->fixture_path, o->sims, o->nsims, o->wait_lock_s, &err);
	if (!rc && strcmp(b.id.model, prof.pen_model) != 0)
		rc = rig_fail(&err, RIG_E_ABORTED,
			      "wrong pen for this profile: the pen is a %s, profile %s is for %s",
			      b.id.model, prof.name, prof.pen_model);
	uint64_t t0 = rc ? 0 : clock_now_ns(b.s.hal.clock);
	if (!rc)
		snprintf(res->pen_serial, sizeof res->pen_serial, "%s", b.id.serial);
	for (unsigned rep = 0; rep < o->repeats && !rc; rep++) {
		for (size_t i = 0; i < np && !rc; i++) {
			bool depth = i < nd;
			double d_um = depth ? v->depth_points_um.v[i] : v->nominal_depth_um;
			double f_hz = depth ? v->nominal_freq_hz : v->freq_points_hz.v[i - nd];
			if (o->progress)
				fprintf(o->progress, "rig grr: repeat %u/%u: %s %g %s\n", rep + 1, o->repeats,
					depth ? "depth" : "freq", depth ? d_um : f_hz, depth ? "um" : "Hz");
			struct measure_stats st;
			rc = point_measure(&b.pb, "grr", depth ? "depth_sweep" : "freq_sweep", d_um, f_hz,
					   v->settle_ms, &v->window, NULL, NULL, &st, &err);
			if (rc)
				break;
			bool ok = st.status == MEASURE_OK && (depth ? st.has_depth : st.has_freq);
			vals[i * o->repeats + rep] = ok ? (depth ? st.depth_mean_um : st.freq_hz) : NAN;
			us[i * o->repeats + rep] = depth ? st.depth_U_um : st.freq_U_hz;
		}
	}
	if (!rc && point_check_safety(&b.pb, &err) == RIG_E_ABORTED)
		rc = RIG_E_ABORTED;
	if (t0)
		res->bench_time_s = study_bench_time_s(&b, t0);
	study_bench_close(&b, rc != RIG_OK);
	if (rc) {
		fprintf(stderr, "rig grr: %s\n", err.msg);
		res->exit_code = rig_exit_code(rc) ? rig_exit_code(rc) : RIG_EXIT_ABORT;
		goto out;
	}
	for (size_t i = 0; i < np; i++) {
		bool depth = i < nd;
		struct grr_point *p = &res->pt[res->npt++];
		p->quantity = depth ? "depth" : "freq";
		p->unit = depth ? "um" : "Hz";
		p->commanded = depth ? v->depth_points_um.v[i] : v->freq_points_hz.v[i - nd];
		p->tolerance = depth ? 2 * v->depth_tolerance_um
				     : 2 * p->commanded * v->freq_tolerance_pct / 100.0;
		double sum = 0, usum = 0;
		for (unsigned r = 0; r < o->repeats; r++) {
			double x = vals[i * o->repeats + r];
			if (!isfinite(x))
				continue;
			sum += x;
			usum += us[i * o->repeats + r];
			p->n++;
		}
		p->mean = p->n ? sum / p->n : NAN;
		p->u_mean = p->n ? usum / p->n : NAN;
		double ss = 0;
		for (unsigned r = 0; r < o->repeats; r++) {
			double x = vals[i * o->repeats + r];
			if (isfinite(x))
				ss += (x - p->mean) * (x - p->mean);
		}
		p->std = p->n > 1 ? sqrt(ss / (p->n - 1)) : NAN;
		p->pt_pct = 100.0 * GRR_SIGMAS * p->std / p->tolerance;
	}
out:
	free(vals);
	free(us);
	return res->exit_code;
}

void grr_print(const struct grr_result *res, unsigned repeats, FILE *out)
{
	fprintf(out, "repeatability of pen %s, profile %s, %u repeats (%.1f s of bench time)\n",
		res->pen_serial, res->profile, repeats, res->bench_time_s);
	fprintf(out, "P/T = %.0f sigma / tolerance (AIAG MSA 4th ed.); < %.0f %% good, %.0f..%.0f %% "
		     "marginal, > %.0f %% unacceptable\n\n",
		GRR_SIGMAS, GRR_GOOD_PCT, GRR_GOOD_PCT, GRR_MARGINAL_PCT, GRR_MARGINAL_PCT);
	fprintf(out, "%-6s %10s %4s %12s %10s %10s %8s  %s\n", "what", "commanded", "n", "mean",
		"std", "tolerance", "P/T", "rating");
	double worst = -1;
	const struct grr_point *wp = NULL;
	for (size_t i = 0; i < res->npt; i++) {
		const struct grr_point *p = &res->pt[i];
		char c[32];
		snprintf(c, sizeof c, "%g %s", p->commanded, p->unit);
		fprintf(out, "%-6s %10s %4zu %12.3f %10.4f %10.3f %7.2f%%  %s\n", p->quantity, c, p->n,
			p->mean, p->std, p->tolerance, p->pt_pct, grr_rating(p->pt_pct));
		if (isfinite(p->pt_pct) && p->pt_pct > worst) {
			worst = p->pt_pct;
			wp = p;
		}
	}
	if (wp)
		fprintf(out, "\nworst: %s at %g %s, P/T %.2f %%: %s\n", wp->quantity, wp->commanded,
			wp->unit, wp->pt_pct, grr_rating(wp->pt_pct));
}
