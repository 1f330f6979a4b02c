/* settle.c - has the pen settled? (settle.h) */
#include "run/settle.h"

#include <math.h>
#include <string.h>

void settle_init(struct settle *s, double zero_mm, double rate_hz, double freq_hz,
		 double depth_tol_um, double period_tol)
{
	memset(s, 0, sizeof *s);
	s->zero_mm = zero_mm;
	s->depth_tol_um = depth_tol_um;
	s->period_tol = period_tol;
	double bl = ceil(1.5 * rate_hz / freq_hz);
	s->boot_len = bl < 8 ? 8 : bl > 1e6 ? 1000000 : (uint32_t)bl;
	s->lo_um = INFINITY;
	s->hi_um = -INFINITY;
}

static double group_mean(const double *v, unsigned from)
{
	double sum = 0;
	for (unsigned i = 0; i < SETTLE_GROUP; i++)
		sum += v[from + i];
	return sum / SETTLE_GROUP;
}

/* A stroke closed at slot t with its peak: keep the last two groups. */
static void close_stroke(struct settle *s, double t)
{
	const unsigned n = 2 * SETTLE_GROUP;
	memmove(s->peaks, s->peaks + 1, (n - 1) * sizeof s->peaks[0]);
	memmove(s->periods, s->periods + 1, (n - 1) * sizeof s->periods[0]);
	s->peaks[n - 1] = s->peak_um;
	s->periods[n - 1] = t - s->xing_slot;
	if (++s->strokes < n)
		return;
	double d0 = group_mean(s->peaks, 0), d1 = group_mean(s->peaks, SETTLE_GROUP);
	double p0 = group_mean(s->periods, 0), p1 = group_mean(s->periods, SETTLE_GROUP);
	unsigned k = s->strokes % SETTLE_GROUP;
	s->period_change = p1 / p0 - 1;
	s->period_change_before = s->strokes >= 3 * SETTLE_GROUP ? s->changes[k] : 0;
	s->changes[k] = s->period_change;
	s->steady = fabs(d1 - d0) <= s->depth_tol_um && fabs(s->period_change) <= s->period_tol;
}

static void push_one(struct settle *s, double x, uint64_t slot)
{
	if (!s->leveled) {
		s->lo_um = fmin(s->lo_um, x);
		s->hi_um = fmax(s->hi_um, x);
		if (++s->boot_seen < s->boot_len)
			return;
		s->leveled = true;
		s->mid_um = (s->lo_um + s->hi_um) / 2;
		s->hyst_um = 0.15 * (s->hi_um - s->lo_um);
		return;
	}
	if (x < s->mid_um - s->hyst_um) {
		s->armed = true;
	} else if (s->armed && x >= s->mid_um && slot == s->last_slot + 1) {
		double t = (double)s->last_slot + (s->mid_um - s->last_x) / (x - s->last_x);
		if (s->have_xing)
			close_stroke(s, t);
		s->have_xing = true;
		s->xing_slot = t;
		s->peak_um = x;
		s->armed = false;
	} else if (s->armed && x >= s->mid_um) {
		/* a gap at the crossing: no timing from it, start afresh */
		s->have_xing = false;
		s->armed = false;
	}
	if (x > s->peak_um)
		s->peak_um = x;
}

bool settle_push(struct settle *s, const struct laser_sample *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].status != LASER_OK || !isfinite(v[i].dist_mm))
			continue;
		double x = (s->zero_mm - v[i].dist_mm) * 1000.0;
		push_one(s, x, v[i].slot);
		s->last_x = x;
		s->last_slot = v[i].slot;
	}
	return s->steady;
}

bool settle_moving(const struct settle *s, double move_tol)
{
	double a = s->period_change, b = s->period_change_before;
	return s->strokes >= 3 * SETTLE_GROUP && fabs(a) > move_tol && fabs(b) > move_tol &&
	       (a > 0) == (b > 0);
}
