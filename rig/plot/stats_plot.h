/* stats_plot.h - `rig stats --plots DIR`: one individuals and moving-range
 * control chart per characteristic of a lot (rig/plot/control.c), with
 * the specification limits and the points the trend rules flagged.
 * Files are DIR/control_<phase>_<step>_<quantity>_<commanded>[_<group>].svg.
 */
#ifndef RIG_PLOT_STATS_PLOT_H
#define RIG_PLOT_STATS_PLOT_H

#include "core/err.h"
#include "study/stats.h"

/* Draw every group of s (after stats_compute()) with 2 points or more;
 * *nwritten counts the files. RIG_E_IO when DIR cannot be written. */
enum rig_rc stats_plot(const struct stats *s, const char *dir, unsigned *nwritten,
		       struct rig_err *err);

#endif
