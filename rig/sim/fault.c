/* fault.c - parse `fault.<name>=<when>`, arm on the run's phases, and
 * decide per operation whether a fault strikes (see sim/fault.h). */
#include "sim/fault.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bench.h"
#include "core/ini_schema.h"

static const struct {
	const char *name;
	uint64_t window_ns;
} phase_windows[] = {
	/* Bench time each phase takes in a production run (production-p25:
	 * 5.5 s of calibration, the last 0.2 s of it the tables; 2.9 s of
	 * verification), a little less so a fault strikes inside it. */
	{ "identify", 500 * RIG_NS_PER_MS },
	{ "preload", 100 * RIG_NS_PER_MS },
	{ "calibrate", 5 * RIG_NS_PER_S },
	{ "verify", 2500 * RIG_NS_PER_MS },
	/* Writing the report takes no bench time: a fault strikes at its start. */
	{ "report", 0 },
};
#define NPHASES (sizeof phase_windows / sizeof phase_windows[0])

uint64_t sim_fault_phase_window_ns(const char *phase)
{
	for (size_t i = 0; i < NPHASES; i++)
		if (strcmp(phase, phase_windows[i].name) == 0)
			return phase_windows[i].window_ns;
	return 0;
}

static bool parse_seconds(const char *s, double *out)
{
	double v;
	if (!ini_parse_number(s, &v) || v < 0 || v > 1e6)
		return false;
	*out = v;
	return true;
}

/* A stable stream id per key, so that adding a fault never changes the
 * random moments of another. */
static uint64_t key_stream(const char *key)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *s = key; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

enum rig_rc sim_fault_parse(struct sim_bench *b, struct sim_fault *f, const char *name,
			    unsigned forms, struct rig_err *err)
{
	char v[64];
	memset(f, 0, sizeof *f);
	snprintf(f->key, sizeof f->key, "fault.%s", name);
	f->at_ns = UINT64_MAX;
	f->struck_ns = UINT64_MAX;
	f->first_hit_ns = UINT64_MAX;
	f->offset_s = -1;
	rng_seed(&f->rng, b->seed, key_stream(f->key));
	enum rig_rc rc = sim_param_string(b, f->key, "none", v, sizeof v, err);
	if (rc)
		return rc;
	if (!strcmp(v, "none"))
		return RIG_OK;
	const char *o = sim_param_origin(b, f->key);
	if (!strncmp(v, "p=", 2)) {
		double p = NAN;
		bool number = ini_parse_number(v + 2, &p);
		if (!(forms & SIM_FAULT_PER_OP))
			return rig_fail(err, RIG_E_CONFIG,
					"%s: %s: strikes once; expected a phase, <phase>+<s> or t=<s>, "
					"found '%s'", o, f->key, v);
		if (!number || !(p >= 0 && p <= 1))
			return rig_fail(err, RIG_E_CONFIG,
					"%s: %s: expected p=<probability 0..1>, found '%s'", o, f->key, v);
		f->kind = SIM_FAULT_PROB;
		f->p = p;
		goto ok;
	}
	if (!(forms & SIM_FAULT_ONCE))
		return rig_fail(err, RIG_E_CONFIG,
				"%s: %s: strikes per operation; expected p=<probability>, found '%s'",
				o, f->key, v);
	if (!strncmp(v, "t=", 2)) {
		double t;
		if (!parse_seconds(v + 2, &t))
			return rig_fail(err, RIG_E_CONFIG,
					"%s: %s: expected t=<seconds of bench time>, found '%s'", o, f->key,
					v);
		f->kind = SIM_FAULT_TIME;
		f->at_ns = (uint64_t)llround(t * 1e9);
		/* On the real clock (rig sim, rehearsals) bench time counts
		 * from the bench's start, not from the machine's boot. */
		if (!clock_is_virtual(b->clock))
			f->at_ns += clock_now_ns(b->clock);
		goto ok;
	}
	char *plus = strchr(v, '+');
	if (plus) {
		*plus = '\0';
		if (!parse_seconds(plus + 1, &f->offset_s))
			return rig_fail(err, RIG_E_CONFIG,
					"%s: %s: expected <phase>+<seconds>, found '%s+%s'", o, f->key, v,
					plus + 1);
	}
	for (size_t i = 0; i < NPHASES; i++)
		if (!strcmp(v, phase_windows[i].name)) {
			f->kind = SIM_FAULT_PHASE;
			snprintf(f->phase, sizeof f->phase, "%s", phase_windows[i].name);
			goto ok;
		}
	return rig_fail(err, RIG_E_CONFIG,
			"%s: %s: expected none, identify, preload, calibrate, verify, report "
			"(optionally +<seconds>), t=<seconds>%s, found '%s'",
			o, f->key, (forms & SIM_FAULT_PER_OP) ? " or p=<probability>" : "", v);
ok:
	if (b->nfaults < SIM_MAX_FAULTS)
		b->faults[b->nfaults++] = f;
	return RIG_OK;
}

static void strike(struct sim_fault *f, uint64_t t_ns)
{
	if (f->struck)
		return;
	f->struck = true;
	f->struck_ns = t_ns;
	f->hits = 1;
}

/* Notice a phase the rig announced: a fault of the phase that just ended
 * and has not struck strikes now, at its end; one of the new phase gets
 * its moment. */
void sim_fault_follow_phase(struct sim_fault *f, struct sim_bench *b)
{
	if (f->kind != SIM_FAULT_PHASE || f->struck || !b->phase[0])
		return;
	if (f->seen_any_phase && f->seen_phase_t0 == b->phase_t0_ns)
		return;
	f->seen_any_phase = true;
	f->seen_phase_t0 = b->phase_t0_ns;
	if (f->at_ns != UINT64_MAX) { /* armed in the phase that just ended */
		strike(f, f->at_ns < b->phase_t0_ns ? f->at_ns : b->phase_t0_ns);
		return;
	}
	if (strcmp(f->phase, b->phase) != 0)
		return;
	uint64_t off = f->offset_s >= 0
		? (uint64_t)llround(f->offset_s * 1e9)
		: (uint64_t)(rng_uniform(&f->rng) *
			     (double)sim_fault_phase_window_ns(b->phase));
	f->at_ns = b->phase_t0_ns + off;
}

bool sim_fault_struck(struct sim_fault *f, struct sim_bench *b, uint64_t t_ns)
{
	if (f->kind == SIM_FAULT_OFF || f->kind == SIM_FAULT_PROB)
		return false;
	if (f->struck)
		return true;
	sim_fault_follow_phase(f, b);
	if (t_ns >= f->at_ns)
		strike(f, f->at_ns);
	return f->struck;
}

bool sim_fault_hit(struct sim_fault *f, struct sim_bench *b, uint64_t t_ns)
{
	if (f->kind != SIM_FAULT_PROB) {
		bool hit = sim_fault_struck(f, b, t_ns);
		if (hit && f->first_hit_ns == UINT64_MAX)
			f->first_hit_ns = t_ns;
		return hit;
	}
	if (f->p <= 0 || rng_uniform(&f->rng) >= f->p)
		return false;
	if (!f->struck) {
		f->struck = true;
		f->struck_ns = t_ns;
		f->first_hit_ns = t_ns;
	}
	f->hits++;
	return true;
}

bool sim_fault_event(struct sim_fault *f, struct sim_bench *b, uint64_t t_ns)
{
	if (f->kind == SIM_FAULT_PROB)
		return sim_fault_hit(f, b, t_ns);
	if (f->consumed || !sim_fault_struck(f, b, t_ns))
		return false;
	f->consumed = true;
	return true;
}

uint64_t sim_fault_next_ns(const struct sim_fault *f)
{
	if (f->struck || f->kind == SIM_FAULT_OFF || f->kind == SIM_FAULT_PROB)
		return UINT64_MAX;
	return f->at_ns;
}
