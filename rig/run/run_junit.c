/* run_junit.c - the JUnit file of a run (report_junit.c writes it): what
 * the profile plans to measure, so that every planned measurement appears
 * in every run's file, and the file for every way a run can end, also
 * before it started (the front end's exit code and why).
 */
#include "run/run_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* One planned measurement into out[n] if there is room; returns n + 1. */
static size_t add(struct report_case *out, size_t cap, size_t n, enum run_phase ph,
		  enum run_step st, const char *suffix, enum run_quantity q, double commanded)
{
	if (n < cap) {
		out[n] = (struct report_case){ .phase = run_phase_name(ph),
					       .quantity = run_quantity_name(q),
					       .commanded = commanded,
					       .commanded_unit = run_step_unit(st) };
		snprintf(out[n].step, sizeof out[n].step, "%s%s", run_step_name(st), suffix);
	}
	return n + 1;
}

/* Each verify point (verify.c), its step names ending in suffix. */
static size_t verify_points(const struct profile_verify *v, const char *suffix,
			    struct report_case *out, size_t cap, size_t n)
{
	if (v->paired_points) { /* point i: depth i at rate i, one window */
		for (size_t i = 0; i < v->depth_points_um.n; i++) {
			double d = v->depth_points_um.v[i], f = v->freq_points_hz.v[i];
			n = add(out, cap, n, PHASE_VERIFY, STEP_DEPTH_SWEEP, suffix,
				QTY_INVALID_FRACTION, d);
			n = add(out, cap, n, PHASE_VERIFY, STEP_DEPTH_SWEEP, suffix, QTY_DEPTH, d);
			n = add(out, cap, n, PHASE_VERIFY, STEP_DEPTH_SWEEP, suffix, QTY_DEPTH_SPREAD,
				d);
			n = add(out, cap, n, PHASE_VERIFY, STEP_FREQ_SWEEP, suffix, QTY_FREQ, f);
		}
		return n;
	}
	for (size_t i = 0; i < v->depth_points_um.n; i++) {
		double d = v->depth_points_um.v[i];
		n = add(out, cap, n, PHASE_VERIFY, STEP_DEPTH_SWEEP, suffix, QTY_INVALID_FRACTION, d);
		n = add(out, cap, n, PHASE_VERIFY, STEP_DEPTH_SWEEP, suffix, QTY_DEPTH, d);
		n = add(out, cap, n, PHASE_VERIFY, STEP_DEPTH_SWEEP, suffix, QTY_DEPTH_SPREAD, d);
	}
	for (size_t i = 0; i < v->freq_points_hz.n; i++) {
		double f = v->freq_points_hz.v[i];
		n = add(out, cap, n, PHASE_VERIFY, STEP_FREQ_SWEEP, suffix, QTY_INVALID_FRACTION, f);
		n = add(out, cap, n, PHASE_VERIFY, STEP_FREQ_SWEEP, suffix, QTY_FREQ, f);
	}
	return n;
}

size_t run_plan(const struct profile *p, bool calibrate, struct report_case *out, size_t cap)
{
	/* In the order a run measures them (preload.c, calibrate.c, verify.c). */
	size_t n = add(out, cap, 0, PHASE_PRELOAD, STEP_PRELOAD, "", QTY_PRELOAD, NAN);
	if (calibrate && p->has_calibrate)
		n = add(out, cap, n, PHASE_CALIBRATE, STEP_READBACK, "", QTY_TABLES_AFTER_RESET, NAN);
	const struct profile_verify *v = &p->verify;
	if (!v->preloads_n.n)
		return verify_points(v, "", out, cap, n);
	/* Under each of several preloads: the preload set, then every point. */
	for (size_t i = 0; i < v->preloads_n.n; i++) {
		char suffix[24];
		snprintf(suffix, sizeof suffix, "@%gN", v->preloads_n.v[i]);
		n = add(out, cap, n, PHASE_VERIFY, STEP_PRELOAD, suffix, QTY_PRELOAD,
			v->preloads_n.v[i]);
		n = verify_points(v, suffix, out, cap, n);
	}
	return n;
}

void run_write_junit(struct run *r, enum report_verdict v, const char *reason)
{
	const struct run_options *o = r->o;
	struct run_result *res = r->res;
	struct report_case plan[RUN_PLAN_MAX];
	/* A bench check's points are the reference's, not the profile's. */
	size_t nplan = o->reference ? 0 : run_plan(r->prof, r->calibrate, plan, RUN_PLAN_MAX);
	res->junit_done = true;
	struct report_junit j = {
		.meta = &r->rep->meta, .suite = r->rep->meta.profile,
		.rows = r->rep->rows, .nrows = r->rep->nrows,
		.plan = plan, .nplan = nplan < RUN_PLAN_MAX ? nplan : RUN_PLAN_MAX,
		.verdict = report_verdict_name(v), .category = report_category_name(res->category),
		.reason = reason, .bench_time_s = res->bench_time_s,
		.report_file = res->reported ? res->report_path : "",
		.exit_code = o->exit_code ? o->exit_code(res) : -1,
	};
	struct rig_err err = { 0 };
	if (report_junit_write(&j, o->junit_path, &err)) {
		const struct run_observer *obs = o->observer;
		if (obs && obs->message)
			obs->message(obs->ctx, err.msg);
		res->report_failed = true;
	}
}

enum rig_rc run_write_junit_unstarted(const char *path, const struct profile *prof,
				      enum run_mode mode, const char *station, int exit_code,
				      const char *reason, struct rig_err *err)
{
	struct report_case plan[RUN_PLAN_MAX];
	size_t nplan = 0;
	if (prof) {
		bool cal = mode == RUN_MODE_CALIBRATE || (mode == RUN_MODE_AUTO && prof->has_calibrate);
		nplan = run_plan(prof, cal, plan, RUN_PLAN_MAX);
	}
	struct report_junit j = {
		.suite = prof ? prof->name : NULL, .station = station, .started = time(NULL),
		.plan = plan, .nplan = nplan < RUN_PLAN_MAX ? nplan : RUN_PLAN_MAX,
		.verdict = "ERROR", .category = "", .reason = reason, .bench_time_s = NAN,
		.exit_code = exit_code,
	};
	return report_junit_write(&j, path, err);
}
