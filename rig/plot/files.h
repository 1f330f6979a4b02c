/* files.h - every plot a CSV file supports, drawn beside it: a run report
 * (docs/reports.md) or a sweep (docs/characterization.md). Plot files are
 * named after the CSV: <stem>_depth.svg, _freq.svg, _waveform.svg,
 * _histogram.svg.
 *
 * The caller owns the log; nothing is kept after the call.
 */
#ifndef RIG_PLOT_FILES_H
#define RIG_PLOT_FILES_H

#include <stdio.h>

#include "core/err.h"
#include "core/fixture.h"
#include "run/point.h"

struct plot_request {
	const char *csv_path;          /* the report or sweep */
	const char *out_dir;           /* NULL: beside the CSV */
	/* Points measured live (stroke depths and shapes); NULL: the waveform
	 * and histogram come from a trace the CSV names (--save-trace), read
	 * with the laser settings of `laser`, or are skipped. */
	const struct point_log *log;
	const struct fixture_laser *laser;
	FILE *list;                    /* each file written, one per line; may be NULL */
	FILE *notes;                   /* why a plot was skipped; may be NULL */
};

/* Returns RIG_OK when at least one plot was written; RIG_E_DATA when the
 * file is neither a report nor a sweep or has nothing to draw; RIG_E_IO. */
enum rig_rc plot_files(const struct plot_request *rq, unsigned *nwritten, struct rig_err *err);

#endif
