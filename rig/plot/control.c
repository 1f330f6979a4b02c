/* control.c - the individuals and moving-range control chart of a lot
 * (rig stats --plots). Limits as Shewhart charts for individuals compute
 * them from the average moving range of successive points:
 *   X: mean +- 2.66 MRbar (3 sigma, sigma = MRbar / d2, d2 = 1.128),
 *   MR: 0 .. 3.267 MRbar (D4 for n = 2).
 * Points outside the natural limits, outside the specification, or in a
 * flagged run are drawn in red with a ring.
 */
#include "plot/plots.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "plot/svg.h"

#define INK "#222222"
#define MUTED "#666666"
#define DATA "#1f5fbf"
#define ALARM "#c0392b"
#define SPEC "#2a9d3a"

static void hline(struct svg *s, const struct svg_frame *fr, double y, const char *color,
		  double w, const char *dash)
{
	if (!isfinite(y))
		return;
	double x[2] = { fr->xmin, fr->xmax }, yy[2] = { y, y };
	svg_polyline(s, fr, x, yy, 2, color, w, dash);
}

static void range_of(const double *v, size_t n, double *lo, double *hi)
{
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) {
			*lo = fmin(*lo, v[i]);
			*hi = fmax(*hi, v[i]);
		}
}

/* Ring the alarming points of a series. */
static void alarms(struct svg *s, const struct svg_frame *fr, const double *x, const double *y,
		   const bool *bad, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bad[i] && isfinite(y[i])) {
			svg_points(s, fr, &x[i], &y[i], 1, ALARM, 4.5);
			fprintf(s->f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"8\" fill=\"none\" "
				      "stroke=\"%s\" stroke-width=\"1.5\"/>\n",
				svg_px_x(fr, x[i]), svg_px_y(fr, y[i]), ALARM);
		}
}

/* The column beside the charts: legend, figures, how the limits came. */
static void control_column(struct svg *sv, const struct plot_control *c, double mean,
			   double lcl, double ucl, double mrbar, size_t nbad, bool show_lsl,
			   bool show_usl)
{
	char line[160];
	double ly = 100;
	svg_legend(sv, 710, ly, SVG_SW_POINT, DATA, "one run");
	svg_legend(sv, 710, ly += 22, SVG_SW_LINE, INK, "centre line (mean)");
	svg_legend(sv, 710, ly += 22, SVG_SW_DASH, ALARM, "natural limits (3 sigma)");
	if (show_lsl || show_usl)
		svg_legend(sv, 710, ly += 22, SVG_SW_DASH, SPEC, "specification limits");
	svg_legend(sv, 710, ly += 22, SVG_SW_POINT, ALARM,
		   c->flag_label && *c->flag_label ? c->flag_label : "flagged point");
	if ((isfinite(c->lsl) && !show_lsl) || (isfinite(c->usl) && !show_usl)) {
		snprintf(line, sizeof line, "specification %.4g .. %.4g %s", c->lsl, c->usl, c->unit);
		svg_text(sv, 710, ly += 22, SVG_START, 11, SPEC, false, 0, line);
		svg_text(sv, 710, ly += 14, SVG_START, 11, SPEC, false, 0,
			 "(off the scale of the spread)");
	}
	ly += 40;
	snprintf(line, sizeof line, "n = %zu runs", c->n);
	svg_text(sv, 710, ly, SVG_START, 12, INK, false, 0, line);
	snprintf(line, sizeof line, "mean %.6g %s", mean, c->unit);
	svg_text(sv, 710, ly += 18, SVG_START, 12, INK, false, 0, line);
	snprintf(line, sizeof line, "limits %.6g .. %.6g", lcl, ucl);
	svg_text(sv, 710, ly += 18, SVG_START, 12, INK, false, 0, line);
	snprintf(line, sizeof line, "mean moving range %.3g", mrbar);
	svg_text(sv, 710, ly += 18, SVG_START, 12, INK, false, 0, line);
	snprintf(line, sizeof line, "%zu point%s flagged", nbad, nbad == 1 ? "" : "s");
	svg_text(sv, 710, ly += 18, SVG_START, 12, nbad ? ALARM : INK, nbad > 0, 0, line);
	svg_text(sv, 710, 586, SVG_START, 11, MUTED, false, 0, "natural limits: mean ± 2.66 MR̄");
	svg_text(sv, 710, 600, SVG_START, 11, MUTED, false, 0, "MR chart: 0 .. 3.267 MR̄");
	svg_text(sv, 710, 614, SVG_START, 11, MUTED, false, 0, "(MR̄: mean moving range)");
}

enum rig_rc plot_control_svg(const char *path, const struct plot_control *c,
			     struct rig_err *err)
{
	if (c->n < 2)
		return rig_fail(err, RIG_E_DATA, "%s: a control chart needs 2 points or more, found %zu",
				path, c->n);
	size_t n = c->n;
	double *x = malloc(3 * n * sizeof *x);
	bool *bad = calloc(2 * n, sizeof *bad);
	if (!x || !bad) {
		free(x);
		free(bad);
		return rig_fail(err, RIG_E_NOMEM, "out of memory drawing %s", path);
	}
	double *mr = x + n, *xm = mr + n;
	bool *badmr = bad + n;
	double sum = 0, mrsum = 0;
	size_t nmr = 0;
	for (size_t i = 0; i < n; i++) {
		x[i] = (double)(i + 1);
		sum += c->v[i];
		mr[i] = i ? fabs(c->v[i] - c->v[i - 1]) : NAN;
		xm[i] = x[i];
		if (i) {
			mrsum += mr[i];
			nmr++;
		}
	}
	double mean = sum / n, mrbar = mrsum / nmr;
	double ucl = mean + 2.66 * mrbar, lcl = mean - 2.66 * mrbar, mrucl = 3.267 * mrbar;
	size_t nbad = 0;
	for (size_t i = 0; i < n; i++) {
		bad[i] = c->v[i] > ucl || c->v[i] < lcl || c->v[i] > c->usl || c->v[i] < c->lsl ||
			 (c->flag && c->flag[i]);
		badmr[i] = i && mr[i] > mrucl;
		nbad += bad[i];
	}
	/* Scaled to the data and the natural limits; a specification limit
	 * is drawn when it is near enough to be read against them, and named
	 * on the side otherwise (the variation must stay visible). */
	double ylo = lcl, yhi = ucl;
	range_of(c->v, n, &ylo, &yhi);
	double span = fmax(yhi - ylo, 1e-9 * fmax(1, fabs(mean)));
	bool show_lsl = isfinite(c->lsl) && c->lsl > ylo - 2 * span;
	bool show_usl = isfinite(c->usl) && c->usl < yhi + 2 * span;
	if (show_lsl)
		ylo = fmin(ylo, c->lsl);
	if (show_usl)
		yhi = fmax(yhi, c->usl);
	double mlo = 0, mhi = mrucl;
	range_of(mr, n, &mlo, &mhi);

	FILE *f = fopen(path, "w");
	if (!f) {
		free(x);
		free(bad);
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write plot %s", path);
	}
	struct svg s;
	svg_begin(&s, f, 960, 720, c->title);
	svg_text(&s, 24, 30, SVG_START, 18, INK, true, 0, c->title);
	if (c->subtitle && *c->subtitle)
		svg_text(&s, 24, 50, SVG_START, 12, MUTED, false, 0, c->subtitle);
	char lab[96];
	struct svg_frame top = { .x_px = 90, .y_px = 80, .w_px = 600, .h_px = 330 };
	struct svg_frame bot = { .x_px = 90, .y_px = 480, .w_px = 600, .h_px = 170 };
	svg_frame_set(&top, 0.5, n + 0.5, ylo, yhi);
	svg_frame_set(&bot, 0.5, n + 0.5, mlo, mhi);
	bot.xmin = top.xmin;
	bot.xmax = top.xmax;
	bot.xstep = top.xstep;
	snprintf(lab, sizeof lab, "%s (%s)", c->quantity, c->unit);
	svg_axes(&s, &top, "run, in time order", lab);
	snprintf(lab, sizeof lab, "moving range (%s)", c->unit);
	svg_axes(&s, &bot, "run, in time order", lab);
	if (show_lsl)
		hline(&s, &top, c->lsl, SPEC, 1.5, "6 4");
	if (show_usl)
		hline(&s, &top, c->usl, SPEC, 1.5, "6 4");
	hline(&s, &top, ucl, ALARM, 1.2, "2 3");
	hline(&s, &top, lcl, ALARM, 1.2, "2 3");
	hline(&s, &top, mean, INK, 1.2, NULL);
	svg_polyline(&s, &top, x, c->v, n, DATA, 1.2, NULL);
	svg_points(&s, &top, x, c->v, n, DATA, 3.5);
	alarms(&s, &top, x, c->v, bad, n);
	hline(&s, &bot, mrucl, ALARM, 1.2, "2 3");
	hline(&s, &bot, mrbar, INK, 1.2, NULL);
	svg_polyline(&s, &bot, xm + 1, mr + 1, n - 1, DATA, 1.2, NULL);
	svg_points(&s, &bot, xm + 1, mr + 1, n - 1, DATA, 3.5);
	alarms(&s, &bot, xm, mr, badmr, n);

	control_column(&s, c, mean, lcl, ucl, mrbar, nbad, show_lsl, show_usl);
	enum rig_rc rc = svg_end(&s, path, err);
	if (fclose(f) && !rc)
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write plot %s", path);
	free(x);
	free(bad);
	return rc;
}
