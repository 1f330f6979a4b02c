/* plots.h - the plots an engineer looks at after a run or a sweep, each a
 * standalone SVG file: commanded vs measured (with the deviation and the
 * acceptance band), the folded stroke waveform, the per-stroke depth
 * histogram. Data come in as plain arrays, from a live run (point_log) or
 * read back from a CSV file (plot/from_csv.h).
 *
 * The caller owns every array; a plot function writes path and keeps
 * nothing. Errors: RIG_E_IO when the file cannot be written, RIG_E_DATA
 * when there is nothing to draw.
 */
#ifndef RIG_PLOT_PLOTS_H
#define RIG_PLOT_PLOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "measure/stroke.h"

/* Series one plot draws at most (a sweep draws one per commanded rate or
 * depth); the legend and the canvas grow to hold them all. */
#define PLOT_MAX_SERIES 64

/* Commanded vs measured points; u: expanded uncertainty per point (NULL
 * or NaN: none). */
struct plot_series {
	const char *label;
	const double *cmd, *meas, *u;
	size_t n;
};

struct plot_transfer {
	const char *title;             /* "Depth: commanded vs measured" */
	const char *subtitle;          /* pen, station, date */
	const char *quantity;          /* axis words: "depth" */
	const char *unit;              /* "µm", "Hz" */
	struct plot_series series[PLOT_MAX_SERIES]; /* e.g. before and after calibration */
	size_t nseries;
	/* Acceptance limits at commanded values (the band); nlim 0: none. */
	const double *lim_x, *lim_lo, *lim_hi;
	size_t nlim;
	const char *lim_label;         /* "acceptance limits (guarded)" */
};
enum rig_rc plot_transfer_svg(const char *path, const struct plot_transfer *t,
			      struct rig_err *err);

struct plot_waveform {
	const char *title, *subtitle;
	const struct measure_shape_bin *bins;
	size_t n;
	double period_ms;              /* > 0: x axis in ms, else in phase */
	double depth_mean_um;          /* NaN: not drawn */
	double depth_cmd_um;           /* NaN: not drawn */
	size_t strokes;
};
enum rig_rc plot_waveform_svg(const char *path, const struct plot_waveform *w,
			      struct rig_err *err);

struct plot_histogram {
	const char *title, *subtitle;
	const double *depth_um;        /* per-stroke depths */
	size_t n;
	double cmd_um;                 /* NaN: not drawn */
	double lo_um, hi_um;           /* limits, NaN: not drawn */
};
enum rig_rc plot_histogram_svg(const char *path, const struct plot_histogram *h,
			       struct rig_err *err);

/* An individuals and moving-range (I-MR) control chart of one
 * characteristic over a lot, in run order: centre line and natural process
 * limits (mean +- 2.66 mean MR; MR chart to 3.267 mean MR), the
 * specification limits, and the points a trend rule flagged. */
struct plot_control {
	const char *title, *subtitle;
	const char *quantity, *unit;   /* "depth", "µm" */
	const double *v;               /* values in run order */
	const bool *flag;              /* per point: flagged by a trend rule (NULL: none) */
	size_t n;
	double lsl, usl;               /* specification limits, NaN: none */
	const char *flag_label;        /* "7 rising in a row" */
};
enum rig_rc plot_control_svg(const char *path, const struct plot_control *c,
			     struct rig_err *err);

#endif
