/* settle.h - has the pen settled after a new setting? Judged from the
 * strokes themselves: the laser's values are cut into strokes at
 * up-crossings of a mid level (as the stroke engine does, without its
 * shape model), and the pen is steady when the mean peak and the mean
 * period of the last SETTLE_GROUP strokes agree with those of the group
 * before within what the window will resolve (the caller's thresholds).
 *
 * Fixed size, no allocation; feed values in slot order.
 */
#ifndef RIG_RUN_SETTLE_H
#define RIG_RUN_SETTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/laser/sample.h"

#define SETTLE_GROUP 4               /* strokes per group compared */
#define SETTLE_HIST 48               /* whole groups kept for the approach fit */

struct settle {
	double zero_mm;
	double depth_tol_um;         /* group means of the peaks agree within this */
	double period_tol;           /* ... and of the periods, relative */
	uint32_t boot_len;           /* values that set the level (1.5 periods) */
	uint32_t boot_seen;
	double lo_um, hi_um, mid_um, hyst_um;
	bool leveled, armed, have_xing;
	double last_x;
	uint64_t last_slot;
	double xing_slot;            /* the last up-crossing (fractional slot) */
	double peak_um;              /* highest value since it */
	double peaks[2 * SETTLE_GROUP], periods[2 * SETTLE_GROUP];
	unsigned strokes;            /* closed strokes so far */
	double period_change;        /* last group's mean period / the one
					before - 1, once 2 groups closed */
	double period_change_before; /* the same SETTLE_GROUP strokes earlier */
	double changes[SETTLE_GROUP];/* the last period_changes (ring) */
	bool steady;
	/* Every SETTLE_GROUP-th stroke: the last group's mean rate (strokes
	 * per slot) and its mid time (slot), the oldest dropped (approach). */
	double hist_t[SETTLE_HIST], hist_rate[SETTLE_HIST];
	unsigned nhist;
	double group_t_sum;          /* crossing times of the group under way */
};

/* A motor on its way to a new speed, as the strokes since the start of
 * settling show it: rate(t) = rate_inf + a exp(-(t - t_ref) / tau) (a
 * first-order motor: a start-up or a commanded change), fitted to the
 * group means by least squares over a grid of tau. */
struct settle_approach {
	bool seen;       /* a change of at least SETTLE_APPROACH_MIN was seen and
			    bent within the record: the model holds */
	double rate_inf; /* strokes per slot it heads for */
	double a;        /* rate_inf + a at t_ref (a < 0: still speeding up) */
	double tau;      /* slots */
	double t_ref;    /* slot of the last group */
	/* Within the fit's reach (a sum of squares at most 1 + 4 / (n - 3)
	 * times the least, n groups): the tau and a, the same way, that leave
	 * the largest tail |a| tau (wander bends a fit: a 0.2 s motor's tail
	 * was fitted at 0.15 s and a quarter of its size). */
	double a_far, tau_far, rate_inf_far;
};
/* The smallest relative change from the first group to the speed headed
 * for that counts as an approach: a commanded step (8 % and more between
 * the production points) or a start-up, never the speed wander of a
 * steady motor (0.3 %, docs/virtual-bench.md). */
#define SETTLE_APPROACH_MIN 0.02
/* Fit the approach to the groups so far (at least 4 whole groups). */
void settle_approach_fit(const struct settle *s, struct settle_approach *ap);
/* The relative error of a window's mean rate, slots [t0, t0 + len),
 * against the speed headed for, had the approach ap gone on (negative:
 * the window reads slow), the larger of the best fit's and the far one's;
 * 0 when !ap->seen. */
double settle_approach_bias(const struct settle_approach *ap, double t0, double len);

/* rate_hz the laser's rate, freq_hz the commanded stroke rate (> 0). */
void settle_init(struct settle *s, double zero_mm, double rate_hz, double freq_hz,
		 double depth_tol_um, double period_tol);
/* Feed values; returns s->steady. */
bool settle_push(struct settle *s, const struct laser_sample *v, size_t n);
/* Does the period still trend: changed by more than move_tol (relative)
 * from one group to the next, and from the group before to that one, the
 * same way (a motor on its way, not the wander of a steady one)? False
 * until three groups have closed (nothing known). */
bool settle_moving(const struct settle *s, double move_tol);

#endif
