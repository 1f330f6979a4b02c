/* decision.c - acceptance limits and pass/fail for one measured value.
 *
 * ISO 14253-1 (decision rules for conformity): under the simple rule a
 * value inside the specification passes; under the guarded rule it must lie
 * inside the specification shrunk by the expanded uncertainty U on each
 * side, so a PASS holds even if the true value sits U away from the
 * measured one.
 */
#include "run/decision.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *decision_rule_name(enum decision_rule rule)
{
	return rule == DECISION_GUARDED ? "guarded" : "simple";
}

bool decision_rule_parse(const char *s, enum decision_rule *rule)
{
	if (strcmp(s, "simple") == 0)
		*rule = DECISION_SIMPLE;
	else if (strcmp(s, "guarded") == 0)
		*rule = DECISION_GUARDED;
	else
		return false;
	return true;
}

const char *decision_result_name(enum decision_result r)
{
	return r == DECISION_PASS ? "PASS" : "FAIL";
}

/* "450..550 um", "<= 20 um", ">= 1.5 N" */
static void zone_text(char *out, size_t cap, double lo, double hi, const char *unit)
{
	if (isinf(lo) && isinf(hi))
		snprintf(out, cap, "any value");
	else if (isinf(lo))
		snprintf(out, cap, "<= %.9g %s", hi, unit);
	else if (isinf(hi))
		snprintf(out, cap, ">= %.9g %s", lo, unit);
	else
		snprintf(out, cap, "%.9g..%.9g %s", lo, hi, unit);
}

void decide_limits(struct decision *d, double measured, double u_expanded,
		   double low_spec, double high_spec, enum decision_rule rule,
		   const char *unit)
{
	char spec[80];
	zone_text(spec, sizeof spec, low_spec, high_spec, unit);
	d->result = DECISION_FAIL;
	d->low_limit = low_spec;
	d->high_limit = high_spec;

	if (rule == DECISION_GUARDED) {
		if (!(u_expanded >= 0)) { /* NaN or negative */
			d->low_limit = d->high_limit = NAN;
			snprintf(d->reason, sizeof d->reason,
				 "no expanded uncertainty U for this point: the guarded rule "
				 "cannot accept (spec %s)", spec);
			return;
		}
		double width = high_spec - low_spec;
		if (isfinite(width) && u_expanded >= width / 2) {
			d->low_limit = d->high_limit = NAN;
			snprintf(d->reason, sizeof d->reason,
				 "U = %.9g %s is at least half the tolerance zone (%.9g %s): under "
				 "the guarded rule this point can never pass (spec %s)",
				 u_expanded, unit, width / 2, unit, spec);
			return;
		}
		d->low_limit = low_spec + u_expanded;   /* -inf stays -inf */
		d->high_limit = high_spec - u_expanded; /* +inf stays +inf */
	}

	char zone[80];
	zone_text(zone, sizeof zone, d->low_limit, d->high_limit, unit);
	const char *how = rule == DECISION_GUARDED ? "guarded" : "simple";
	if (isnan(measured)) {
		snprintf(d->reason, sizeof d->reason, "no measured value (acceptance %s, %s)",
			 zone, how);
		return;
	}
	if (measured < d->low_limit) {
		snprintf(d->reason, sizeof d->reason, "measured %.9g %s is below %.9g %s (acceptance %s, %s%s)",
			 measured, unit, d->low_limit, unit, zone, how,
			 rule == DECISION_GUARDED ? ", spec shrunk by U" : "");
		return;
	}
	if (measured > d->high_limit) {
		snprintf(d->reason, sizeof d->reason, "measured %.9g %s is above %.9g %s (acceptance %s, %s%s)",
			 measured, unit, d->high_limit, unit, zone, how,
			 rule == DECISION_GUARDED ? ", spec shrunk by U" : "");
		return;
	}
	d->result = DECISION_PASS;
	snprintf(d->reason, sizeof d->reason, "measured %.9g %s within %s (%s)", measured, unit,
		 zone, how);
}

void decide_tolerance(struct decision *d, double measured, double u_expanded,
		      double nominal, double tolerance, enum decision_rule rule,
		      const char *unit)
{
	decide_limits(d, measured, u_expanded, nominal - tolerance, nominal + tolerance, rule,
		      unit);
}
