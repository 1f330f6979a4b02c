/* bench.c - release a bench after a sweep or a repeatability study. */
#include "study/bench.h"

#include <stdio.h>
#include <string.h>

void study_release(struct bench *b, bool aborted)
{
	bench_make_safe(b, aborted ? LAMPS_ABORTED : LAMPS_OFF);
	bench_release(b);
}
