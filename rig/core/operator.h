/* operator.h - steps a person does at the fixture (take the pen out, place
 * a reference mass ...), as an ops table: the bench asks whichever operator
 * was installed where it was assembled (rig/bench/bench.c). On a real bench
 * that is a person at a terminal (rig/cli/operator.c); on the virtual bench
 * the bench does the step itself (rig/sim/bench.c).
 */
#ifndef RIG_CORE_OPERATOR_H
#define RIG_CORE_OPERATOR_H

#include "core/err.h"

enum operator_step {
	OPERATOR_REMOVE_LOAD,   /* nothing on the load cell */
	OPERATOR_PLACE_MASS,    /* reference mass of `value` grams on the cell */
	OPERATOR_PLACE_FLAT,    /* flat reference at the contact plane */
	OPERATOR_RESTORE_PEN,   /* pen back in the fixture, against the pad */
	OPERATOR_SEAT_PART,     /* gauge study: seat part number `value` */
	OPERATOR_HAND_OVER,     /* gauge study: operator number `value` takes over */
	OPERATOR_SET_PRELOAD,   /* press the pen onto the pad with `value` N */
};

struct operator_ops {
	/* Have the step done and return RIG_OK once it is; RIG_E_ABORTED
	 * when the operator declines, RIG_E_USAGE when nobody can be asked. */
	enum rig_rc (*step)(void *ctx, enum operator_step step, double value,
			    struct rig_err *err);
};

#endif
