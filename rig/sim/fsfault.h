/* fsfault.h - the virtual bench's faulty disk: the report folder's
 * file-system ops (core/fsops.h) that fail as fault.disk_full (ENOSPC for
 * anything that needs new space or a name) and fault.readonly (EROFS for
 * every change) say, from the moment they strike; until then, and for
 * everything else, the POSIX calls.
 */
#ifndef RIG_SIM_FSFAULT_H
#define RIG_SIM_FSFAULT_H

#include "core/fsops.h"
#include "sim/bench.h"

/* The ops table for bench b (b must outlive every use of *ops). */
void sim_fsfault_ops(struct rig_fsops *ops, struct sim_bench *b);

#endif
