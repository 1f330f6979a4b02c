/* calfit.c - invert a measured transfer into a calibration table. */
#include "run/calfit.h"

#include <math.h>
#include <stdio.h>

double calfit_raw_for(const struct pen_cal_table *t, double c)
{
	if (t->n == 0)
		return c;
	if (t->n == 1)
		return t->raw[0] + (c - t->cmd[0]);
	size_t i = 1;
	while (i < t->n - 1 && c > t->cmd[i])
		i++;
	double c0 = t->cmd[i - 1], c1 = t->cmd[i];
	double r0 = t->raw[i - 1], r1 = t->raw[i];
	return r0 + (c - c0) * (r1 - r0) / (c1 - c0);
}

bool calfit_table(const struct calfit_sweep *sw, const struct calfit_limits *lim,
		  struct pen_cal_table *out, char *reason, size_t cap)
{
	const char *q = lim->quantity, *u = lim->unit;
	size_t n = sw->n;
	out->n = 0;
	if (n < 2 || n > PEN_CAL_MAX) {
		snprintf(reason, cap, "%s calibration needs 2..%d points, the sweep has %zu",
			 q, PEN_CAL_MAX, n);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!isfinite(sw->measured[i])) {
			snprintf(reason, cap, "%s at setting %g %s was not measured", q,
				 sw->setting[i], u);
			return false;
		}
	/* Monotonic: each step up must give clearly more than the last, by
	 * more than the two measurements' uncertainty. A flat end is an end
	 * stop: the pen cannot go further. */
	for (size_t i = 1; i < n; i++) {
		double step = sw->measured[i] - sw->measured[i - 1];
		double noise = hypot(sw->noise[i], sw->noise[i - 1]);
		if (!isfinite(noise))
			noise = 0;
		if (step > noise)
			continue;
		bool at_end = true;
		for (size_t j = i; j < n; j++)
			at_end &= sw->measured[j] - sw->measured[i - 1] <= noise;
		if (at_end && step > -noise)
			snprintf(reason, cap,
				 "the pen cannot reach %g %s: its %s stops at about %.1f %s "
				 "(settings %g to %g %s all give that)",
				 lim->cover_hi, u, q, sw->measured[i - 1], u, sw->setting[i - 1],
				 sw->setting[n - 1], u);
		else
			snprintf(reason, cap,
				 "%s is not monotonic: setting %g %s gave %.1f %s, setting %g %s gave "
				 "%.1f %s",
				 q, sw->setting[i - 1], u, sw->measured[i - 1], u, sw->setting[i], u,
				 sw->measured[i], u);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		out->cmd[i] = sw->measured[i];
		out->raw[i] = sw->setting[i];
	}
	out->n = (unsigned)n;
	double lo = sw->measured[0], hi = sw->measured[n - 1];
	if (lim->cover_hi > hi + lim->max_extrapolation) {
		snprintf(reason, cap,
			 "the pen cannot reach %g %s: the most it gave was %.1f %s at setting "
			 "%g %s; reaching %g %s would need a setting of about %.0f %s",
			 lim->cover_hi, u, hi, u, sw->setting[n - 1], u, lim->cover_hi, u,
			 calfit_raw_for(out, lim->cover_hi), u);
		out->n = 0;
		return false;
	}
	if (lim->cover_lo < lo - lim->max_extrapolation) {
		snprintf(reason, cap,
			 "the pen cannot go down to %g %s: the least it gave was %.1f %s at "
			 "setting %g %s",
			 lim->cover_lo, u, lo, u, sw->setting[0], u);
		out->n = 0;
		return false;
	}
	/* Reach first: for a pen that cannot get there, that is the reason. */
	for (size_t i = 0; i < n; i++) {
		double corr = sw->measured[i] - sw->setting[i];
		if (lim->max_correction > 0 && fabs(corr) > lim->max_correction) {
			snprintf(reason, cap,
				 "%s at setting %g %s measured %.1f %s: off by %+.1f %s, more than "
				 "the %g %s a calibration may correct",
				 q, sw->setting[i], u, sw->measured[i], u, corr, u, lim->max_correction,
				 u);
			out->n = 0;
			return false;
		}
	}
	reason[0] = '\0';
	return true;
}
