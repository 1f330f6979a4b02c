/* decision.h - the judgement of one measured value against its
 * specification, with the simple, the guarded or the conformance decision
 * rule (ISO 14253-1, JCGM 106:2012).
 *
 * Pure functions: no allocation, no I/O; the caller owns struct decision.
 * Specification limits are inclusive. The guarded rule shrinks the
 * acceptance zone by the expanded uncertainty U (k = 2) on each side that
 * has a limit. The conformance rule judges the probability that the true
 * value lies inside the specification, from a normal distribution centred
 * on the measured value with standard deviation U / 2: PASS when it is at
 * least the level, FAIL when the probability of non-conformance is, and
 * INDETERMINATE in between.
 */
#ifndef RIG_RUN_DECISION_H
#define RIG_RUN_DECISION_H

#include <stdbool.h>

enum decision_rule {
	DECISION_SIMPLE,      /* accept inside the specification limits */
	DECISION_GUARDED,     /* accept inside the limits shrunk by U on each side */
	DECISION_CONFORMANCE, /* three states by the probability of conformance */
};

enum decision_result {
	DECISION_PASS,
	DECISION_FAIL,
	DECISION_INDETERMINATE, /* conformance rule only: neither proven */
};

#define DECISION_DEFAULT_LEVEL 0.95 /* conformance rule: required probability */

struct decision {
	enum decision_result result;
	/* The specification, as the profile states it: -INFINITY / +INFINITY
	 * for a side without a limit. */
	double spec_low;
	double spec_high;
	/* Acceptance limits actually applied (simple: the specification;
	 * guarded: spec limits -/+ U; conformance: the values at which the
	 * probability of conformance equals the level). -INFINITY / +INFINITY
	 * for a side without a limit; NAN when no zone could be applied
	 * (missing U under the guarded or conformance rule, an empty zone,
	 * or no measured value under either: its U is not reported). */
	double low_limit;
	double high_limit;
	/* Probability that the true value conforms (normal, sigma = U / 2);
	 * NAN without a measured value or U. */
	double conformance_probability;
	double u_expanded;  /* the U judged with (for formatting), or NAN */
	char reason[256];   /* one line for a person, also for PASS */
};

/* Judge `measured` (unit e.g. "um", "Hz", "N") against the specification
 * [low_spec, high_spec]; either may be -INFINITY / +INFINITY for a one-sided
 * limit. `u_expanded` is U (k = 2); it may be NAN under the simple rule. A
 * NaN measured value fails. Under the guarded rule a missing or negative U
 * fails, and so does a point whose U is at least half the tolerance zone
 * (high_spec - low_spec): its acceptance zone is empty (or a single point)
 * and it can never pass; the reason says so. Under the conformance rule a
 * missing U fails too. Numbers in the reason are given to U (GUM 7.2.6:
 * run/text.h), limits as the profile states them. The conformance rule
 * uses DECISION_DEFAULT_LEVEL. */
void decide_limits(struct decision *d, double measured, double u_expanded,
		   double low_spec, double high_spec, enum decision_rule rule,
		   const char *unit);

/* The same with the conformance rule's level (0.5 < level < 1). */
void decide_limits_level(struct decision *d, double measured, double u_expanded,
			 double low_spec, double high_spec, enum decision_rule rule,
			 double level, const char *unit);

/* nominal +/- tolerance (tolerance > 0). */
void decide_tolerance(struct decision *d, double measured, double u_expanded,
		      double nominal, double tolerance, enum decision_rule rule,
		      const char *unit);

/* Probability that a true value with a normal distribution (mean
 * measured, sigma = U / 2) lies inside [low, high]; NAN if measured or U
 * is not finite; 0 or 1 for U = 0. */
double decision_conformance_probability(double measured, double u_expanded, double low,
					double high);

/* "simple" / "guarded" / "conformance". */
const char *decision_rule_name(enum decision_rule rule);
/* Parse "simple" / "guarded" / "conformance"; false if none. */
bool decision_rule_parse(const char *s, enum decision_rule *rule);
/* "PASS" / "FAIL" / "INDETERMINATE". */
const char *decision_result_name(enum decision_result r);

#endif
