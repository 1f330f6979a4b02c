/* decision.c - acceptance limits and the judgement of one measured value.
 *
 * ISO 14253-1 (decision rules for conformity): under the simple rule a
 * value inside the specification passes; under the guarded rule it must lie
 * inside the specification shrunk by the expanded uncertainty U on each
 * side, so a PASS holds even if the true value sits U away from the
 * measured one. JCGM 106:2012 (the role of measurement uncertainty in
 * conformity assessment): the conformance rule states the probability that
 * the true value conforms, and says INDETERMINATE when neither conformance
 * nor non-conformance is proven at the profile's level.
 */
#include "run/decision.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/text.h"

/* Format into a fixed buffer; a long text is cut, never overflows. */
__attribute__((format(printf, 3, 4)))
static void say(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, cap, fmt, ap);
	va_end(ap);
}

const char *decision_rule_name(enum decision_rule rule)
{
	switch (rule) {
	case DECISION_SIMPLE: return "simple";
	case DECISION_GUARDED: return "guarded";
	case DECISION_CONFORMANCE: return "conformance";
	}
	return "simple";
}

bool decision_rule_parse(const char *s, enum decision_rule *rule)
{
	if (strcmp(s, "simple") == 0)
		*rule = DECISION_SIMPLE;
	else if (strcmp(s, "guarded") == 0)
		*rule = DECISION_GUARDED;
	else if (strcmp(s, "conformance") == 0)
		*rule = DECISION_CONFORMANCE;
	else
		return false;
	return true;
}

const char *decision_result_name(enum decision_result r)
{
	switch (r) {
	case DECISION_PASS: return "PASS";
	case DECISION_FAIL: return "FAIL";
	case DECISION_INDETERMINATE: return "INDETERMINATE";
	}
	return "FAIL";
}

/* Standard normal cumulative distribution. */
static double phi(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

double decision_conformance_probability(double measured, double u_expanded, double low,
					double high)
{
	if (!isfinite(measured) || !(u_expanded >= 0) || !isfinite(u_expanded))
		return NAN;
	if (u_expanded == 0)
		return measured >= low && measured <= high ? 1.0 : 0.0;
	double s = u_expanded / 2;
	double p_hi = isinf(high) ? 1.0 : phi((high - measured) / s);
	double p_lo = isinf(low) ? 0.0 : phi((low - measured) / s);
	double p = p_hi - p_lo;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* " um", or "" for a quantity without a unit (a fraction). */
static const char *sp(const char *unit, char buf[16])
{
	say(buf, 16, "%s%s", *unit ? " " : "", unit);
	return buf;
}

/* "450..550 um", "<= 20 um", ">= 1.5 N" (as the profile states them) */
static void spec_text(char *out, size_t cap, double lo, double hi, const char *unit)
{
	char a[TEXT_NUM_MAX], b[TEXT_NUM_MAX], u[16];
	text_limit(a, sizeof a, lo);
	text_limit(b, sizeof b, hi);
	if (isinf(lo) && isinf(hi))
		say(out, cap, "any value");
	else if (isinf(lo))
		say(out, cap, "<= %s%s", b, sp(unit, u));
	else if (isinf(hi))
		say(out, cap, ">= %s%s", a, sp(unit, u));
	else
		say(out, cap, "%s..%s%s", a, b, sp(unit, u));
}

/* The same for acceptance limits derived from U: to U's decimal place. */
static void zone_text(char *out, size_t cap, double lo, double hi, double u, const char *unit)
{
	char a[TEXT_NUM_MAX], b[TEXT_NUM_MAX], us[16];
	text_num_u(a, sizeof a, lo, u);
	text_num_u(b, sizeof b, hi, u);
	if (isinf(lo) && isinf(hi))
		say(out, cap, "any value");
	else if (isinf(lo))
		say(out, cap, "<= %s%s", b, sp(unit, us));
	else if (isinf(hi))
		say(out, cap, ">= %s%s", a, sp(unit, us));
	else
		say(out, cap, "%s..%s%s", a, b, sp(unit, us));
}

/* The measured value as a person reads it: "252.9 um (U 8.0 um)". */
static void value_text(char *out, size_t cap, double v, double u, const char *unit)
{
	char a[TEXT_NUM_MAX], b[TEXT_NUM_MAX], us[16];
	text_num_u(a, sizeof a, v, u);
	if (isfinite(u) && u >= 0) {
		text_u(b, sizeof b, u);
		say(out, cap, "%s%s (U %s%s)", a, sp(unit, us), b, us);
	} else {
		say(out, cap, "%s%s", a, sp(unit, us));
	}
}

/* A value rounded onto the limit it fails ("122.4000 Hz" above 122.4 Hz)
 * also says what it was before rounding, so the reason reads true. */
static void unrounded(char *v, size_t cap, double measured, double u, double limit)
{
	char a[TEXT_NUM_MAX];
	text_num_u(a, sizeof a, measured, u);
	if (strtod(a, NULL) != limit)
		return;
	size_t n = strlen(v);
	say(v + n, cap - n, " (%.9g before rounding)", measured);
}

/* The acceptance zone of the guarded rule; false (and the reason) if
 * there is none. */
static bool guard(struct decision *d, double u, const char *spec, const char *unit)
{
	char a[TEXT_NUM_MAX], b[TEXT_NUM_MAX];
	if (!(u >= 0)) { /* NaN or negative */
		d->low_limit = d->high_limit = NAN;
		say(d->reason, sizeof d->reason,
			 "no expanded uncertainty U for this point: the guarded rule "
			 "cannot accept (spec %s)", spec);
		return false;
	}
	double width = d->spec_high - d->spec_low;
	if (isfinite(width) && u >= width / 2) {
		d->low_limit = d->high_limit = NAN;
		text_u(a, sizeof a, u);
		text_limit(b, sizeof b, width / 2);
		char us[16];
		say(d->reason, sizeof d->reason,
			 "U = %s%s is at least half the tolerance zone (%s%s): under "
			 "the guarded rule this point can never pass (spec %s)",
			 a, sp(unit, us), b, us, spec);
		return false;
	}
	d->low_limit = d->spec_low + u;   /* -inf stays -inf */
	d->high_limit = d->spec_high - u; /* +inf stays +inf */
	return true;
}

/* The conformance rule: the acceptance limits are where the probability
 * of conformance equals the level (found by bisection on each side). */
static double level_point(double lo, double hi, double u, double level, bool upper)
{
	double mid = isfinite(lo) && isfinite(hi) ? (lo + hi) / 2 : isfinite(lo) ? lo + 10 * u
											 : hi - 10 * u;
	double a = mid, b = upper ? (isfinite(hi) ? hi : mid) : (isfinite(lo) ? lo : mid);
	if (decision_conformance_probability(mid, u, lo, hi) < level)
		return NAN; /* no value reaches the level: an empty zone */
	for (int i = 0; i < 100; i++) {
		double m = (a + b) / 2;
		if (decision_conformance_probability(m, u, lo, hi) >= level)
			a = m;
		else
			b = m;
	}
	return a;
}

static void conform(struct decision *d, double measured, double u, double level,
		    const char *spec, const char *unit)
{
	char v[96], z[96], p[16];
	d->low_limit = isinf(d->spec_low) ? d->spec_low
					  : level_point(d->spec_low, d->spec_high, u, level, false);
	d->high_limit = isinf(d->spec_high) ? d->spec_high
					    : level_point(d->spec_low, d->spec_high, u, level, true);
	value_text(v, sizeof v, measured, u, unit);
	double pc = d->conformance_probability;
	say(p, sizeof p, "%.1f %%", 100 * pc);
	if (pc >= level) {
		d->result = DECISION_PASS;
		say(d->reason, sizeof d->reason,
			 "measured %s conforms to %s with probability %s (at least %.0f %% required, "
			 "conformance)", v, spec, p, 100 * level);
	} else if (1 - pc >= level) {
		d->result = DECISION_FAIL;
		say(d->reason, sizeof d->reason,
			 "measured %s does not conform to %s: probability of conformance %s "
			 "(conformance)", v, spec, p);
	} else {
		d->result = DECISION_INDETERMINATE;
		zone_text(z, sizeof z, d->low_limit, d->high_limit, u, unit);
		say(d->reason, sizeof d->reason,
			 "measured %s: probability of conformance to %s is %s, neither %.0f %% "
			 "conforming nor %.0f %% not (acceptance %s, conformance)", v, spec, p,
			 100 * level, 100 * level, z);
	}
}

void decide_limits_level(struct decision *d, double measured, double u_expanded,
			 double low_spec, double high_spec, enum decision_rule rule,
			 double level, const char *unit)
{
	char spec[80], zone[96], v[96];
	spec_text(spec, sizeof spec, low_spec, high_spec, unit);
	d->result = DECISION_FAIL;
	d->spec_low = low_spec;
	d->spec_high = high_spec;
	d->low_limit = low_spec;
	d->high_limit = high_spec;
	d->u_expanded = u_expanded >= 0 ? u_expanded : NAN;
	d->conformance_probability =
		decision_conformance_probability(measured, u_expanded, low_spec, high_spec);
	const char *how = decision_rule_name(rule);

	if (rule == DECISION_GUARDED && !guard(d, u_expanded, spec, unit))
		return;
	if (rule == DECISION_CONFORMANCE && !(u_expanded >= 0)) {
		d->low_limit = d->high_limit = NAN;
		say(d->reason, sizeof d->reason,
			 "no expanded uncertainty U for this point: the conformance rule "
			 "cannot judge (spec %s)", spec);
		return;
	}
	if (isnan(measured)) {
		/* No value, so no U of it either: acceptance limits derived from
		 * a U would state a zone for a measurement that was not made. */
		if (rule != DECISION_SIMPLE)
			d->low_limit = d->high_limit = NAN;
		say(d->reason, sizeof d->reason, "no measured value (spec %s, %s)", spec, how);
		return;
	}
	if (rule == DECISION_CONFORMANCE) {
		conform(d, measured, u_expanded, level, spec, unit);
		return;
	}
	if (rule == DECISION_SIMPLE)
		say(zone, sizeof zone, "%s", spec);
	else
		zone_text(zone, sizeof zone, d->low_limit, d->high_limit, u_expanded, unit);
	value_text(v, sizeof v, measured, u_expanded, unit);
	bool low = measured < d->low_limit, high = measured > d->high_limit;
	if (low || high) {
		char lim[TEXT_NUM_MAX];
		if (rule == DECISION_SIMPLE)
			text_limit(lim, sizeof lim, low ? d->low_limit : d->high_limit);
		else
			text_num_u(lim, sizeof lim, low ? d->low_limit : d->high_limit, u_expanded);
		unrounded(v, sizeof v, measured, u_expanded, low ? d->low_limit : d->high_limit);
		char us[16];
		say(d->reason, sizeof d->reason, "measured %s is %s %s%s (acceptance %s, %s%s%s)",
			 v, low ? "below" : "above", lim, sp(unit, us), zone, how,
			 rule == DECISION_GUARDED ? ": spec " : "",
			 rule == DECISION_GUARDED ? spec : "");
		return;
	}
	d->result = DECISION_PASS;
	say(d->reason, sizeof d->reason, "measured %s within %s (%s)", v, zone, how);
}

void decide_limits(struct decision *d, double measured, double u_expanded,
		   double low_spec, double high_spec, enum decision_rule rule,
		   const char *unit)
{
	decide_limits_level(d, measured, u_expanded, low_spec, high_spec, rule,
			    DECISION_DEFAULT_LEVEL, unit);
}

void decide_tolerance(struct decision *d, double measured, double u_expanded,
		      double nominal, double tolerance, enum decision_rule rule,
		      const char *unit)
{
	decide_limits(d, measured, u_expanded, nominal - tolerance, nominal + tolerance, rule,
		      unit);
}
