/* svg.h - a small writer of standalone SVG 1.1 files: a canvas, plot
 * frames with "nice" ticks and grid, lines, points, error bars, bands and
 * text (always escaped for XML). No runtime dependency: a browser draws it.
 *
 * The caller owns the FILE; svg_begin() writes the prologue and
 * svg_end() the closing tag and reports whether every write succeeded.
 * Non-finite coordinates are skipped (a polyline breaks there).
 */
#ifndef RIG_PLOT_SVG_H
#define RIG_PLOT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

struct svg {
	FILE *f;
	double width_px, height_px;
	unsigned nclips;
};

/* A plot area: a pixel box and the data range mapped onto it. */
struct svg_frame {
	double x_px, y_px, w_px, h_px;   /* top-left corner and size */
	double xmin, xmax, ymin, ymax;   /* data range (after svg_frame_nice) */
	double xstep, ystep;             /* tick spacing */
	unsigned clip_id;                /* set by svg_axes(): drawing is clipped */
};

/* Tick spacing 1, 2 or 5 x 10^k giving at most about max_ticks ticks over
 * [lo, hi], and lo/hi widened to whole ticks. A zero-width range is
 * opened up around its value. */
void svg_nice_range(double *lo, double *hi, unsigned max_ticks, double *step);

/* Fit the frame's range to [xmin, xmax] x [ymin, ymax] with nice ticks. */
void svg_frame_set(struct svg_frame *fr, double xmin, double xmax, double ymin, double ymax);

double svg_px_x(const struct svg_frame *fr, double x);
double svg_px_y(const struct svg_frame *fr, double y);

void svg_begin(struct svg *s, FILE *f, double width_px, double height_px, const char *title);
/* RIG_E_IO (with path in the message) if any write failed. */
enum rig_rc svg_end(struct svg *s, const char *path, struct rig_err *err);

enum svg_anchor { SVG_START, SVG_MIDDLE, SVG_END };

/* Text at a pixel position; size in px; weight_bold for titles. rotate_deg
 * turns it about its anchor (-90 for a y-axis label). */
void svg_text(struct svg *s, double x_px, double y_px, enum svg_anchor a, double size_px,
	      const char *color, bool bold, double rotate_deg, const char *text);

/* Frame: background, grid, ticks with labels, axis titles (units in them). */
void svg_axes(struct svg *s, struct svg_frame *fr, const char *xlabel,
	      const char *ylabel);

/* Data-space drawing, clipped to the frame. dash: NULL or "6 4". */
void svg_polyline(struct svg *s, const struct svg_frame *fr, const double *x, const double *y,
		  size_t n, const char *color, double width_px, const char *dash);
void svg_points(struct svg *s, const struct svg_frame *fr, const double *x, const double *y,
		size_t n, const char *color, double radius_px);
/* Vertical error bars y +/- e (e NaN: none). */
void svg_errbars(struct svg *s, const struct svg_frame *fr, const double *x, const double *y,
		 const double *e, size_t n, const char *color);
/* Filled band between lo(x) and hi(x). */
void svg_band(struct svg *s, const struct svg_frame *fr, const double *x, const double *lo,
	      const double *hi, size_t n, const char *fill, double opacity);
/* A filled rectangle in data space (histogram bars). */
void svg_bar(struct svg *s, const struct svg_frame *fr, double x0, double x1, double y0,
	     double y1, const char *fill, const char *stroke);
/* A legend entry at a pixel position: a swatch (line, point or block). */
enum svg_swatch { SVG_SW_LINE, SVG_SW_DASH, SVG_SW_POINT, SVG_SW_BLOCK };
void svg_legend(struct svg *s, double x_px, double y_px, enum svg_swatch sw, const char *color,
		const char *label);

#endif
