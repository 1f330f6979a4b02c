/* decision.h - pass/fail of one measured value against its specification,
 * with the simple or the guarded decision rule (ISO 14253-1).
 *
 * Pure functions: no allocation, no I/O; the caller owns struct decision.
 * Specification limits are inclusive: a value exactly on an acceptance
 * limit passes. Guarded acceptance shrinks the zone by the expanded
 * uncertainty U (k = 2) on each side that has a limit.
 */
#ifndef RIG_RUN_DECISION_H
#define RIG_RUN_DECISION_H

#include <stdbool.h>

enum decision_rule {
	DECISION_SIMPLE,   /* accept inside the specification limits */
	DECISION_GUARDED,  /* accept inside the limits shrunk by U on each side */
};

enum decision_result {
	DECISION_PASS,
	DECISION_FAIL,
};

struct decision {
	enum decision_result result;
	/* Acceptance limits actually applied (guarded: spec limits -/+ U).
	 * -INFINITY / +INFINITY for a side without a limit; NAN when no zone
	 * could be applied (missing U under the guarded rule, or an empty
	 * zone). */
	double low_limit;
	double high_limit;
	char reason[256]; /* one line for a person, also for PASS */
};

/* Judge `measured` (unit e.g. "um", "Hz", "N") against the specification
 * [low_spec, high_spec]; either may be -INFINITY / +INFINITY for a one-sided
 * limit. `u_expanded` is U (k = 2); it may be NAN under the simple rule. A
 * NaN measured value fails. Under the guarded rule a missing or negative U
 * fails, and so does a point whose U is at least half the tolerance zone
 * (high_spec - low_spec): its acceptance zone is empty (or a single point)
 * and it can never pass; the reason says so. */
void decide_limits(struct decision *d, double measured, double u_expanded,
		   double low_spec, double high_spec, enum decision_rule rule,
		   const char *unit);

/* nominal +/- tolerance (tolerance > 0). */
void decide_tolerance(struct decision *d, double measured, double u_expanded,
		      double nominal, double tolerance, enum decision_rule rule,
		      const char *unit);

/* "simple" / "guarded". */
const char *decision_rule_name(enum decision_rule rule);
/* Parse "simple" / "guarded"; false if neither. */
bool decision_rule_parse(const char *s, enum decision_rule *rule);
/* "PASS" / "FAIL". */
const char *decision_result_name(enum decision_result r);

#endif
