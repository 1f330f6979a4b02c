/* calfit.h - turning a calibration sweep into a pen calibration table.
 *
 * With the factory (identity) table in force, the rig commands settings
 * s_i and measures what the pen really does, m_i. The table the pen needs
 * maps a commanded value c to the raw setpoint that produces it, so its
 * points are (c = m_i, raw = s_i): the measured transfer, inverted. The
 * pen interpolates linearly and extends its end segments. Pure code: the
 * caller owns every struct.
 */
#ifndef RIG_RUN_CALFIT_H
#define RIG_RUN_CALFIT_H

#include <stdbool.h>
#include <stddef.h>

#include "dev/pen/pen.h"

struct calfit_sweep {
	size_t n;
	double setting[PEN_CAL_MAX];  /* commanded with the factory table */
	double measured[PEN_CAL_MAX]; /* what the pen did */
	double noise[PEN_CAL_MAX];    /* expanded uncertainty of each m_i */
};

struct calfit_limits {
	const char *quantity;   /* "depth" / "frequency", for messages */
	const char *unit;       /* "um" / "Hz" */
	double cover_lo, cover_hi; /* every value the profile will command */
	double max_extrapolation;  /* how far beyond the measured range the
				      end segments may be trusted */
	double max_correction;     /* largest |m_i - s_i| a table may correct;
				      0: no limit */
};

/* Fit. Returns true with *out filled when the mechanism is monotonic and
 * covers [cover_lo, cover_hi]; false with reason (for the report and the
 * operator) when it does not: a non-monotonic mechanism, a value the pen
 * cannot reach, or a correction larger than allowed. */
bool calfit_table(const struct calfit_sweep *sw, const struct calfit_limits *lim,
		  struct pen_cal_table *out, char *reason, size_t cap);

/* Where the table sends commanded value c (linear, end segments extended),
 * as the pen computes it. */
double calfit_raw_for(const struct pen_cal_table *t, double c);

#endif
