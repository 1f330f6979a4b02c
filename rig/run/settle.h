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
};

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
