/* grr.c - a crossed gauge study: parts x operators x repeats.
 *
 * AIAG MSA asks that the trials run in random order, so that drift of the
 * bench or the parts does not line up with a factor: each repeat is a
 * round in which the operators take turns (in a shuffled order) and each
 * operator measures every part (in a shuffled order). Each trial re-seats
 * the part, so the spread includes seating and the pen's settling as well
 * as the bench's noise.
 */
#include "study/grr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "run/point.h"
#include "run/zero_target.h"
#include "study/bench.h"

const char *grr_rating(double pt_pct)
{
	if (!isfinite(pt_pct))
		return "-";
	return pt_pct < GRR_GOOD_PCT ? "good" : pt_pct <= GRR_MARGINAL_PCT ? "marginal" : "unacceptable";
}

void grr_result_free(struct grr_result *res)
{
	for (size_t i = 0; i < res->nch; i++) {
		free(res->ch[i].y);
		res->ch[i].y = NULL;
	}
	free(res->zero_move_um);
	free(res->zero_U_um);
	res->zero_move_um = res->zero_U_um = NULL;
}

static void shuffle(unsigned *v, unsigned n, struct rig_rng *rng)
{
	for (unsigned i = 0; i < n; i++)
		v[i] = i;
	for (unsigned i = n; i > 1; i--) {
		unsigned j = (unsigned)(rng_uniform(rng) * i); /* 0 .. i - 1 */
		unsigned t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* The characteristics the profile verifies. */
static enum rig_rc plan(const struct profile *prof, const struct grr_options *o,
			struct grr_result *res, struct rig_err *err)
{
	const struct profile_verify *v = &prof->verify;
	size_t nd = v->depth_points_um.n, nf = v->freq_points_hz.n;
	size_t cells = (size_t)o->parts * o->operators * o->repeats;
	for (size_t i = 0; i < nd + nf; i++) {
		bool depth = i < nd;
		struct grr_char *c = &res->ch[res->nch++];
		c->quantity = depth ? "depth" : "freq";
		c->unit = depth ? "um" : "Hz";
		c->commanded = depth ? v->depth_points_um.v[i] : v->freq_points_hz.v[i - nd];
		c->tolerance = depth ? 2 * v->depth_tolerance_um
				     : 2 * c->commanded * v->freq_tolerance_pct / 100.0;
		c->y = malloc(cells * sizeof *c->y);
		if (!c->y)
			return rig_fail(err, RIG_E_NOMEM, "out of memory for %zu measurements", cells);
		for (size_t k = 0; k < cells; k++)
			c->y[k] = NAN;
	}
	return RIG_OK;
}

/* The trial's zero target (a bench with one), read as a run reads it
 * (run/zero_check.c): beyond the profile's bound refused; within it
 * corrected (zero_target_correct) or in each depth's U. *zU: its U (k = 2)
 * for the depths, *corr_mm: the correction. */
static enum rig_rc zero_target(struct bench *b, const struct profile *prof, size_t cell,
			       size_t cells, struct grr_result *res, double *zU, double *corr_mm,
			       struct rig_err *err)
{
	bool have;
	*zU = *corr_mm = 0;
	enum rig_rc rc = zero_target_usable(b, &have, err);
	if (rc || !have)
		return rc;
	if (!res->zero_move_um) {
		res->zero_move_um = malloc(cells * sizeof *res->zero_move_um);
		res->zero_U_um = malloc(cells * sizeof *res->zero_U_um);
		if (!res->zero_move_um || !res->zero_U_um)
			return rig_fail(err, RIG_E_NOMEM, "out of memory for %zu trials", cells);
		for (size_t k = 0; k < cells; k++)
			res->zero_move_um[k] = res->zero_U_um[k] = NAN;
	}
	struct zero_target t;
	if ((rc = zero_target_read(b, &t, err)))
		return rc;
	char why[96], what[160];
	bool correct = prof->verify.zero_target_correct;
	double limit = correct ? b->fx.laser.zero_max_change_um
			       : zero_shift_bound_um(prof, NULL, &b->fx, why, sizeof why);
	if (fabs(t.move_um) - 2 * t.u_um > limit) {
		snprintf(what, sizeof what, "beyond %.3g um (%s) by more than its U: refused", limit,
			 correct ? "laser.zero_max_change_um" : why);
		return zero_target_refuse(&b->fx, &t, what, err);
	}
	*zU = 2 * zero_target_u_um(&t, correct);
	*corr_mm = correct ? t.move_um / 1000.0 : 0;
	res->zero_move_um[cell] = t.move_um;
	res->zero_U_um[cell] = *zU;
	return RIG_OK;
}

/* Measure every characteristic once on a seated part; zU: the zero
 * target's U (k = 2) in each depth's, corr_mm its correction. */
static enum rig_rc measure_all(struct bench *b, const struct profile *prof, size_t cell,
			       double zU, double corr_mm, struct grr_result *res, double *usum,
			       struct rig_err *err)
{
	const struct profile_verify *v = &prof->verify;
	size_t nd = v->depth_points_um.n;
	for (size_t i = 0; i < res->nch; i++) {
		bool depth = i < nd;
		struct grr_char *c = &res->ch[i];
		struct point_request rq = {
			.phase = "grr", .step = depth ? "depth_sweep" : "freq_sweep",
			.depth_um = depth ? c->commanded : v->nominal_depth_um,
			.freq_hz = depth ? v->nominal_freq_hz : c->commanded,
			.settle_ms = v->settle_ms, .window = &v->window, .zero_corr_mm = corr_mm,
		};
		struct point_targets tg;
		point_targets_for(prof, &v->window, rq.freq_hz, &tg);
		rq.targets = &tg;
		struct measure_stats st;
		enum rig_rc rc = point_measure(b, &rq, &st, err);
		if (rc)
			return rc;
		bool ok = st.status == MEASURE_OK && (depth ? st.has_depth : st.has_freq);
		c->y[cell] = ok ? (depth ? st.depth_mean_um : st.freq_hz) : NAN;
		if (ok)
			usum[i] += depth ? hypot(st.depth_U_um, zU) : st.freq_U_hz;
	}
	return RIG_OK;
}

/* A part's pen must be the same pen every time it is seated, and no other
 * part's. */
static enum rig_rc check_part(struct grr_result *res, unsigned part, const char *serial,
			      struct rig_err *err)
{
	char *known = res->part_serial[part];
	if (!*known) {
		for (unsigned p = 0; p < res->parts; p++)
			if (p != part && strcmp(res->part_serial[p], serial) == 0)
				return rig_fail(err, RIG_E_ABORTED,
						"part %u is the pen already measured as part %u "
						"(serial %s): seat a different pen",
						part + 1, p + 1, serial);
		snprintf(known, sizeof res->part_serial[0], "%s", serial);
		return RIG_OK;
	}
	if (strcmp(known, serial) != 0)
		return rig_fail(err, RIG_E_ABORTED,
				"part %u was serial %s, the pen seated now says %s: seat part %u",
				part + 1, known, serial, part + 1);
	return RIG_OK;
}

static enum rig_rc trial(const struct profile *prof, const struct grr_options *o, unsigned part,
			 unsigned op, unsigned rep, bool first, struct grr_result *res,
			 double *usum, struct rig_err *err)
{
	struct bench *b = NULL;
	enum rig_rc rc = o->trials.seat(o->trials.ctx, part, op, first, &b, err);
	if (rc)
		return rc;
	if (o->progress) {
		char text[160];
		snprintf(text, sizeof text, "repeat %u/%u, operator %u/%u, part %u/%u", rep + 1,
			 o->repeats, op + 1, o->operators, part + 1, o->parts);
		o->progress(o->progress_ctx, text);
	}
	rc = bench_take_lock(b, o->wait_lock_s, err);
	if (!rc)
		rc = bench_identify(b, err);
	if (!rc && strcmp(b->id.model, prof->pen_model) != 0)
		rc = rig_fail(err, RIG_E_ABORTED,
			      "wrong pen for this profile: the pen is a %s, profile %s is for %s",
			      b->id.model, prof->name, prof->pen_model);
	if (!rc)
		rc = check_part(res, part, b->id.serial, err);
	uint64_t t0 = rc ? 0 : clock_now_ns(b->hal.clock);
	size_t cell = ((size_t)part * o->operators + op) * o->repeats + rep;
	size_t cells = (size_t)o->parts * o->operators * o->repeats;
	double zU = 0, corr_mm = 0;
	if (!rc)
		rc = zero_target(b, prof, cell, cells, res, &zU, &corr_mm, err);
	if (!rc)
		rc = measure_all(b, prof, cell, zU, corr_mm, res, usum, err);
	if (!rc && bench_check_safety(b, err) == RIG_E_ABORTED)
		rc = RIG_E_ABORTED;
	if (t0)
		res->bench_time_s += bench_seconds_since(b, t0);
	study_release(b, rc != RIG_OK);
	return rc;
}

static void repeatability(struct grr_char *c, unsigned repeats)
{
	double sum = 0, ss = 0;
	c->n = 0;
	for (unsigned r = 0; r < repeats; r++)
		if (isfinite(c->y[r])) {
			sum += c->y[r];
			c->n++;
		}
	c->mean = c->n ? sum / c->n : NAN;
	for (unsigned r = 0; r < repeats; r++)
		if (isfinite(c->y[r]))
			ss += (c->y[r] - c->mean) * (c->y[r] - c->mean);
	c->std = c->n > 1 ? sqrt(ss / (c->n - 1)) : NAN;
	c->pt_pct = 100.0 * GRR_SIGMAS * c->std / c->tolerance;
}

static void summarise(const struct grr_options *o, const double *usum, struct grr_result *res)
{
	size_t cells = (size_t)o->parts * o->operators * o->repeats;
	res->verdict = GRR_ACCEPTABLE;
	double worst_pt = -1;
	for (size_t i = 0; i < res->nch; i++) {
		struct grr_char *c = &res->ch[i];
		size_t n = 0;
		for (size_t k = 0; k < cells; k++)
			n += isfinite(c->y[k]);
		c->u_mean = n ? usum[i] / n : NAN;
		if (o->parts >= 2) {
			grr_anova(c->y, o->parts, o->operators, o->repeats, c->tolerance, &c->a);
			if (c->a.verdict > res->verdict ||
			    (c->a.verdict == res->verdict && i && c->a.pct_grr_tol > res->ch[res->worst].a.pct_grr_tol)) {
				res->verdict = c->a.verdict;
				res->worst = i;
			}
		} else {
			repeatability(c, o->repeats);
			enum grr_verdict v = !isfinite(c->pt_pct) ? GRR_NOT_COMPUTED
					     : c->pt_pct < GRR_GOOD_PCT ? GRR_ACCEPTABLE
					     : c->pt_pct <= GRR_MARGINAL_PCT ? GRR_CONDITIONAL
									   : GRR_UNACCEPTABLE;
			if (v > res->verdict || (v == res->verdict && c->pt_pct > worst_pt)) {
				res->verdict = v;
				res->worst = i;
				worst_pt = c->pt_pct;
			}
		}
	}
}

static enum rig_rc check_design(const struct grr_options *o, struct rig_err *err)
{
	if (o->parts < 1 || o->parts > GRR_MAX_PARTS)
		return rig_fail(err, RIG_E_USAGE, "--parts: expected 1..%d, found %u", GRR_MAX_PARTS,
				o->parts);
	if (o->operators < 1 || o->operators > GRR_MAX_OPERATORS)
		return rig_fail(err, RIG_E_USAGE, "--operators: expected 1..%d, found %u",
				GRR_MAX_OPERATORS, o->operators);
	if (o->repeats < 2 || o->repeats > GRR_MAX_REPEATS)
		return rig_fail(err, RIG_E_USAGE, "--repeats: expected 2..%d, found %u",
				GRR_MAX_REPEATS, o->repeats);
	if (o->parts == 1 && o->operators > 1)
		return rig_fail(err, RIG_E_USAGE,
				"a study with %u operators needs at least 2 parts (--parts)",
				o->operators);
	return RIG_OK;
}

enum rig_rc grr_execute(const struct profile *prof, const struct grr_options *o,
			struct grr_result *res, struct rig_err *err)
{
	memset(res, 0, sizeof *res);
	enum rig_rc rc = check_design(o, err);
	if (rc)
		return rc;
	res->parts = o->parts;
	res->operators = o->operators;
	res->repeats = o->repeats;
	snprintf(res->profile, sizeof res->profile, "%s", prof->name);
	double usum[2 * PROFILE_MAX_POINTS] = { 0 };
	if ((rc = plan(prof, o, res, err)))
		return rc;
	struct rig_rng rng;
	rng_seed(&rng, o->seed, 0x677272); /* "grr" */
	unsigned ops[GRR_MAX_OPERATORS], parts[GRR_MAX_PARTS];
	bool first = true;
	for (unsigned rep = 0; rep < o->repeats && !rc; rep++) {
		shuffle(ops, o->operators, &rng);
		for (unsigned j = 0; j < o->operators && !rc; j++) {
			shuffle(parts, o->parts, &rng);
			for (unsigned i = 0; i < o->parts && !rc; i++, first = false)
				rc = trial(prof, o, parts[i], ops[j], rep, first, res, usum, err);
		}
	}
	if (!rc)
		summarise(o, usum, res);
	return rc;
}
