/* notes.c - the measurement's notes in words: what made a figure's U
 * larger than its signal alone would, said once for every place that
 * shows it (rig analyze's summary, a run's report and its CSV rows).
 */
#include "measure/stroke.h"

#include <stdio.h>

size_t measure_note_rate(const struct measure_stats *st, char *buf, size_t cap)
{
	if (cap)
		buf[0] = '\0';
	if (!st->has_freq || !st->count_unsure)
		return 0;
	int n = snprintf(buf, cap,
			 "the pen changed speed where error values hid it: the %.0f ms between "
			 "the crossings on either side%s held %ld..%ld strokes, their middle "
			 "counted and the spread in U",
			 st->count_unsure_ms,
			 st->count_unsure > 1 ? " of the longest of several such gaps" : "",
			 st->count_unsure_lo, st->count_unsure_hi);
	return n > 0 ? (size_t)n : 0;
}
