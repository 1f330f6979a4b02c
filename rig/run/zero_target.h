/* zero_target.h - the bench's zero target ([io] zero_target_line: a flat
 * swung into the laser's beam, its reading recorded by rig zero as
 * [laser] zero_target_mm): how far the laser's zero moved since rig zero.
 * A run reads it before calibrating (zero_check.c); rig sweep and rig grr
 * read it the same way before they measure. docs/measurement.md "the
 * zero target". No allocation; the caller owns every struct.
 */
#ifndef RIG_RUN_ZERO_TARGET_H
#define RIG_RUN_ZERO_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/bench.h"
#include "check/reference.h"
#include "core/err.h"
#include "core/fixture.h"
#include "run/profile.h"

struct zero_target {
	double median_mm;  /* the target's reading now */
	double move_um;    /* since rig zero: reading - [laser] zero_target_mm */
	double u_um;       /* standard uncertainty of the move (both readings) */
	size_t n, looks;   /* readings behind the median, looks until still */
};

/* *have: whether the bench has a zero target. RIG_E_CONFIG when the
 * fixture sets one up that cannot work (no zero_target_mm; a virtual
 * line in front of a real laser). */
enum rig_rc zero_target_usable(const struct bench *b, bool *have, struct rig_err *err);
/* The motor stopped, the target swung in, read until still, swung out
 * (its travel waited both ways). Device and safety errors as a point's. */
enum rig_rc zero_target_read(struct bench *b, struct zero_target *t, struct rig_err *err);
/* The move's standard uncertainty as it joins a depth's: rectangular over
 * +-|move| with the reading's own (not corrected), or the reading's alone
 * (corrected: the depth measured from the moved zero). */
double zero_target_u_um(const struct zero_target *t, bool corrected);
/* The report's note: both readings, the zero's date, looks; what: what
 * became of the move. */
void zero_target_note(char *out, size_t cap, const struct fixture *fx,
		      const struct zero_target *t, const char *what);
/* RIG_E_DEVICE: the zero moved beyond its bound (what says which):
 * "call an engineer: rig zero, then rig check". */
enum rig_rc zero_target_refuse(const struct fixture *fx, const struct zero_target *t,
			       const char *what, struct rig_err *err);
/* The bound of the zero's move or shift: sqrt(3)/2 x the profile's
 * window_u_fraction x its depth tolerance (x the certificate's U for a
 * check, ref != NULL), tightened by [laser] run_zero_max_shift_um; why
 * says which. */
double zero_shift_bound_um(const struct profile *p, const struct reference *ref,
			   const struct fixture *fx, char *why, size_t cap);

#endif
