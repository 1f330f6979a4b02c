/* bench.h - what the characterisation commands (sweep, grr) share around
 * their points on a bench (rig/bench/bench.h): the bench left safe and
 * released at the end, and file names from the pen's serial. Unlike a run
 * there is no judgement and nothing is written to the pen.
 */
#ifndef RIG_STUDY_BENCH_H
#define RIG_STUDY_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/bench.h"

/* Motor off, pen power off, lamps off (ABORTED after an abort), devices
 * closed and the lock released; the bench stays open for its owner. */
void study_release(struct bench *b, bool aborted);

#endif
