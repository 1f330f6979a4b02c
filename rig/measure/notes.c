/* notes.c - the measurement's notes in words: what made a figure's U
 * larger than its signal alone would, said once for every place that
 * shows it (rig analyze's summary, a run's report and its CSV rows).
 */
#include "measure/stroke.h"

#include <stdbool.h>
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

/* The pad's ring against a fixture's bound (the words after "ringing: "). */
static int note_ring_bound(const struct measure_stats *st, const struct measure_config *mc,
			   char *buf, size_t cap)
{
	if (st->ring_over_bound)
		return snprintf(buf, cap,
				"WARNING: a ring of %.2f um seen, beyond the pad's ring bound "
				"(ring_max_um): the bound is wrong or the pad changed; the hidden "
				"ring is held to the physics' %.0f um instead: characterize the pad "
				"again",
				st->ring_seen_um, RING_MAX_UM);
	if (st->ring_bound_unused && !(mc->ring_exposure_us > 0))
		return snprintf(buf, cap,
				"the pad's ring bound of %.2f um (ring_max_um) comes with no "
				"exposure it was measured at (ring_exposure_us): not used",
				mc->ring_max_um);
	if (st->ring_bound_unused && mc->exposure_us > 0)
		return snprintf(buf, cap,
				"the pad's ring bound of %.2f um (ring_max_um) was measured "
				"at an exposure of %g us, this record's is %g us: not used; "
				"characterize the pad at this exposure",
				mc->ring_max_um, mc->ring_exposure_us, mc->exposure_us);
	if (st->ring_bound_unused)
		return snprintf(buf, cap,
				"the pad's ring bound of %.2f um (ring_max_um) was measured "
				"at an exposure of %g us, this record's exposure is not known: not "
				"used", mc->ring_max_um, mc->ring_exposure_us);
	if (st->ring_hidden_um > 0 && st->ring_bound_um != RING_MAX_UM)
		return snprintf(buf, cap, "held to the pad's ring bound of %.2f um (ring_max_um)",
				st->ring_bound_um);
	return 0;
}

size_t measure_note_depth_one(const struct measure_stats *st, const struct measure_config *mc,
			      enum measure_depth_note k, char *buf, size_t cap)
{
	if (cap)
		buf[0] = '\0';
	if (!st->has_depth)
		return 0;
	static const char *const prefix[] = { "phase coverage: ", "ringing: ", "ringing: " };
	int p = snprintf(buf, cap, "%s", prefix[k]), n = 0;
	size_t at = p > 0 && (size_t)p < cap ? (size_t)p : cap ? cap - 1 : 0;
	if (k == MEASURE_NOTE_PHASE && st->phase_gap >= PHASE_GAP_SHOWN)
		n = snprintf(buf + at, cap - at,
			     "the top falls between samples %.4f cycle apart (rates near "
			     "commensurate, no wander): %.2f um in U",
			     st->phase_gap, st->depth_u_phase_um);
	else if (k == MEASURE_NOTE_RING_HIDDEN && st->ring_hidden_um > 0)
		n = snprintf(buf + at, cap - at,
			     "the sensor's exposure can average away a ring of the pad at "
			     "%.0f..%.0f kHz: up to %.2f um beyond the top seen, in U",
			     RING_HZ_LO / 1000, RING_HZ_HI / 1000, st->ring_hidden_um);
	else if (k == MEASURE_NOTE_RING_BOUND)
		n = note_ring_bound(st, mc, buf + at, cap - at);
	if (n <= 0) {
		if (cap)
			buf[0] = '\0';
		return 0;
	}
	size_t len = at + (size_t)n;
	return len < cap ? len : cap ? cap - 1 : 0;
}

/* The notes that warn: the top between samples (rare: rates near
 * commensurate), a ring beyond the pad's bound. Not the hidden ring nor a
 * bound held to, said of every record measured at a known exposure (as
 * the drift is of every record), nor a bound not used, which a run's
 * report says once (docs/reports.md, ring_use). */
static bool measure_depth_note_warns(const struct measure_stats *st, enum measure_depth_note k)
{
	return k == MEASURE_NOTE_PHASE || (k == MEASURE_NOTE_RING_BOUND && st->ring_over_bound);
}

size_t measure_note_depth(const struct measure_stats *st, const struct measure_config *mc,
			  char *buf, size_t cap)
{
	size_t at = 0;
	if (cap)
		buf[0] = '\0';
	for (int k = 0; k < MEASURE_NOTE_DEPTH_KINDS; k++) {
		char one[MEASURE_NOTE_MAX];
		if (!measure_depth_note_warns(st, (enum measure_depth_note)k) ||
		    !measure_note_depth_one(st, mc, (enum measure_depth_note)k, one, sizeof one))
			continue;
		int n = snprintf(buf + at, cap - at, "%s%s", at ? "; " : "", one);
		if (n <= 0)
			break;
		at += (size_t)n;
		if (at >= cap) {
			at = cap ? cap - 1 : 0;
			break;
		}
	}
	return at;
}
