/* plots.c - the engineer's plots as SVG: what is drawn, in which colours,
 * with which statistics printed on it. The drawing itself is plot/svg.c. */
#include "plot/plots.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/svg.h"

static const char *const base_color[] = {
	"#e07b00", "#1f5fbf", "#2a9d3a", "#b8336a", "#7a4fbf", "#00838f", "#8d6e00", "#555555",
};
#define NBASE (sizeof base_color / sizeof base_color[0])

/* Colour of series k: eight chosen ones, then hues a golden angle apart at
 * one saturation and lightness (readable on white, distinct neighbours). */
static const char *series_color(size_t k, char buf[8])
{
	if (k < NBASE)
		return base_color[k];
	double h = fmod((double)k * 137.508, 360.0) / 60.0, s = 0.65, l = 0.38;
	double c = (1 - fabs(2 * l - 1)) * s, x = c * (1 - fabs(fmod(h, 2) - 1)), m = l - c / 2;
	double rgb[3][6] = { { c, x, 0, 0, x, c }, { x, c, c, x, 0, 0 }, { 0, 0, x, c, c, x } };
	int i = (int)h % 6;
	snprintf(buf, 8, "#%02x%02x%02x", (unsigned)lround((rgb[0][i] + m) * 255),
		 (unsigned)lround((rgb[1][i] + m) * 255), (unsigned)lround((rgb[2][i] + m) * 255));
	return buf;
}
#define BAND_COLOR "#2a9d3a"
#define INK "#222222"
#define MUTED "#666666"

static enum rig_rc open_out(const char *path, FILE **f, struct rig_err *err)
{
	*f = fopen(path, "w");
	if (!*f)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write plot %s", path);
	return RIG_OK;
}

static enum rig_rc close_out(struct svg *s, FILE *f, const char *path, struct rig_err *err)
{
	enum rig_rc rc = svg_end(s, path, err);
	if (fclose(f) && !rc)
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write plot %s", path);
	return rc;
}

static void heading(struct svg *s, const char *title, const char *subtitle)
{
	svg_text(s, 24, 30, SVG_START, 18, INK, true, 0, title);
	if (subtitle && *subtitle)
		svg_text(s, 24, 50, SVG_START, 12, MUTED, false, 0, subtitle);
}

static void grow(double v, double *lo, double *hi)
{
	if (!isfinite(v))
		return;
	*lo = fmin(*lo, v);
	*hi = fmax(*hi, v);
}

/* The right-hand column of a transfer plot: the legend, the note on the
 * bars, and the largest deviation of each series in words (two lines each
 * when there are few series, one when there are many). */
static void transfer_column(struct svg *sv, const struct plot_transfer *t, double row,
			    double note_y, double worst_y, double worst_row)
{
	char cbuf[8];
	double ly = 110;
	for (size_t k = 0; k < t->nseries; k++, ly += row)
		svg_legend(sv, 710, ly, SVG_SW_POINT, series_color(k, cbuf), t->series[k].label);
	svg_legend(sv, 710, ly, SVG_SW_DASH, MUTED, "measured = commanded");
	ly += row;
	if (t->nlim >= 2) {
		svg_legend(sv, 710, ly, SVG_SW_BLOCK, BAND_COLOR,
			   t->lim_label ? t->lim_label : "acceptance limits");
		ly += row;
	}
	svg_text(sv, 710, note_y, SVG_START, 11, MUTED, false, 0, "bars: expanded");
	svg_text(sv, 710, note_y + 14, SVG_START, 11, MUTED, false, 0, "uncertainty U (k = 2)");
	double ty = worst_y;
	for (size_t k = 0; k < t->nseries; k++) {
		const struct plot_series *p = &t->series[k];
		double worst = 0, at = NAN;
		for (size_t i = 0; i < p->n; i++)
			if (isfinite(p->meas[i]) && fabs(p->meas[i] - p->cmd[i]) >= fabs(worst)) {
				worst = p->meas[i] - p->cmd[i];
				at = p->cmd[i];
			}
		if (!isfinite(at))
			continue;
		char line[160];
		const char *c = series_color(k, cbuf);
		if (worst_row < 34) {
			snprintf(line, sizeof line, "%.14s: %+.1f %s at %g", p->label, worst, t->unit,
				 at);
			svg_text(sv, 710, ty, SVG_START, 11, c, false, 0, line);
		} else {
			snprintf(line, sizeof line, "%s: worst %+.1f %s", p->label, worst, t->unit);
			svg_text(sv, 710, ty, SVG_START, 11, c, true, 0, line);
			snprintf(line, sizeof line, "at %g %s", at, t->unit);
			svg_text(sv, 710, ty + 14, SVG_START, 11, c, false, 0, line);
		}
		ty += worst_row;
	}
}

/* ---- commanded vs measured, with the deviation below ------------------- */

enum rig_rc plot_transfer_svg(const char *path, const struct plot_transfer *t,
			      struct rig_err *err)
{
	size_t total = 0;
	for (size_t k = 0; k < t->nseries; k++)
		total += t->series[k].n;
	if (!total)
		return rig_fail(err, RIG_E_DATA, "%s: no %s points to plot", path, t->quantity);
	double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
	double dlo = 0, dhi = 0; /* deviation range always shows zero */
	for (size_t k = 0; k < t->nseries; k++) {
		const struct plot_series *p = &t->series[k];
		for (size_t i = 0; i < p->n; i++) {
			grow(p->cmd[i], &xlo, &xhi);
			grow(p->meas[i], &ylo, &yhi);
			double u = p->u && isfinite(p->u[i]) ? p->u[i] : 0;
			grow(p->meas[i] - p->cmd[i] + u, &dlo, &dhi);
			grow(p->meas[i] - p->cmd[i] - u, &dlo, &dhi);
		}
	}
	for (size_t i = 0; i < t->nlim; i++) {
		grow(t->lim_lo[i] - t->lim_x[i], &dlo, &dhi);
		grow(t->lim_hi[i] - t->lim_x[i], &dlo, &dhi);
	}
	double lo = fmin(xlo, ylo), hi = fmax(xhi, yhi);
	if (lo > 0 && lo < 0.3 * hi)
		lo = 0;
	/* One commanded value (a single-cell sweep): open the axes around it
	 * by 5 % of the value, and at least to the measured value and its U,
	 * so the point stands inside the frame with the identity line. */
	if (xhi - xlo < 1e-9 * fmax(1, fabs(xhi))) {
		double pad = fmax(0.05 * fabs(xhi), 1.5 * fmax(dhi, -dlo));
		lo = fmin(lo, xlo - pad);
		hi = fmax(hi, xhi + pad);
	}
	double pad = 0.08 * (dhi - dlo);
	dlo -= pad;
	dhi += pad;

	/* The right-hand column: legend, a note, then one line per series with
	 * its worst deviation. Many series get tighter rows, and the canvas grows
	 * down so that every line stays inside it. */
	double row = t->nseries > 12 ? 15 : 22;
	double legend_end = 110 + row * (double)(t->nseries + 1 + (t->nlim >= 2));
	double note_y = fmax(510, legend_end + 10);
	double worst_y = note_y + 40, worst_row = t->nseries > 6 ? 15 : 34;
	double height = fmax(760, worst_y + worst_row * (double)t->nseries + 10);

	FILE *f;
	enum rig_rc rc = open_out(path, &f, err);
	if (rc)
		return rc;
	struct svg s;
	svg_begin(&s, f, 960, height, t->title);
	heading(&s, t->title, t->subtitle);
	char ylab[96], dlab[96], xlab[96], cbuf[8];
	snprintf(xlab, sizeof xlab, "commanded %s (%s)", t->quantity, t->unit);
	snprintf(ylab, sizeof ylab, "measured %s (%s)", t->quantity, t->unit);
	snprintf(dlab, sizeof dlab, "measured − commanded (%s)", t->unit);

	struct svg_frame top = { .x_px = 90, .y_px = 90, .w_px = 600, .h_px = 340 };
	struct svg_frame bot = { .x_px = 90, .y_px = 490, .w_px = 600, .h_px = 200 };
	svg_frame_set(&top, lo, hi, lo, hi);
	svg_frame_set(&bot, top.xmin, top.xmax, dlo, dhi);
	bot.xmin = top.xmin;
	bot.xmax = top.xmax;
	bot.xstep = top.xstep;
	svg_axes(&s, &top, xlab, ylab);
	svg_axes(&s, &bot, xlab, dlab);

	double id_x[2] = { top.xmin, top.xmax };
	svg_polyline(&s, &top, id_x, id_x, 2, MUTED, 1, "6 4");
	double zero[2] = { 0, 0 };
	svg_polyline(&s, &bot, id_x, zero, 2, MUTED, 1, "6 4");

	if (t->nlim >= 2) {
		double *dl = malloc(2 * t->nlim * sizeof *dl);
		if (dl) {
			double *dh = dl + t->nlim;
			for (size_t i = 0; i < t->nlim; i++) {
				dl[i] = t->lim_lo[i] - t->lim_x[i];
				dh[i] = t->lim_hi[i] - t->lim_x[i];
			}
			svg_band(&s, &top, t->lim_x, t->lim_lo, t->lim_hi, t->nlim, BAND_COLOR, 0.18);
			svg_band(&s, &bot, t->lim_x, dl, dh, t->nlim, BAND_COLOR, 0.18);
			svg_polyline(&s, &bot, t->lim_x, dl, t->nlim, BAND_COLOR, 1.2, NULL);
			svg_polyline(&s, &bot, t->lim_x, dh, t->nlim, BAND_COLOR, 1.2, NULL);
			free(dl);
		}
	}
	for (size_t k = 0; k < t->nseries; k++) {
		const struct plot_series *p = &t->series[k];
		if (!p->n)
			continue;
		double *dev = malloc(p->n * sizeof *dev);
		if (!dev) {
			fclose(f);
			return rig_fail(err, RIG_E_NOMEM, "out of memory drawing %s", path);
		}
		for (size_t i = 0; i < p->n; i++)
			dev[i] = p->meas[i] - p->cmd[i];
		const char *c = series_color(k, cbuf);
		svg_polyline(&s, &top, p->cmd, p->meas, p->n, c, 1.2, NULL);
		svg_points(&s, &top, p->cmd, p->meas, p->n, c, 4);
		if (p->u)
			svg_errbars(&s, &bot, p->cmd, dev, p->u, p->n, c);
		svg_polyline(&s, &bot, p->cmd, dev, p->n, c, 1.2, NULL);
		svg_points(&s, &bot, p->cmd, dev, p->n, c, 4);
		free(dev);
	}
	transfer_column(&s, t, row, note_y, worst_y, worst_row);
	return close_out(&s, f, path, err);
}

/* ---- the folded stroke -------------------------------------------------- */

enum rig_rc plot_waveform_svg(const char *path, const struct plot_waveform *w,
			      struct rig_err *err)
{
	if (w->n < 3)
		return rig_fail(err, RIG_E_DATA, "%s: no stroke shape to plot", path);
	size_t n = w->n;
	/* One period and a bit, closed at both ends (phase wraps). */
	double *x = malloc(4 * (n + 1) * sizeof *x);
	if (!x)
		return rig_fail(err, RIG_E_NOMEM, "out of memory drawing %s", path);
	double *y = x + (n + 1), *lo = y + (n + 1), *hi = lo + (n + 1);
	double scale = w->period_ms > 0 ? w->period_ms : 1.0;
	double ylo = INFINITY, yhi = -INFINITY;
	for (size_t i = 0; i <= n; i++) {
		const struct measure_shape_bin *b = &w->bins[i % n];
		x[i] = (i == n ? 1.0 + b->phase : b->phase) * scale;
		y[i] = b->mean_um;
		double sd = isfinite(b->std_um) ? b->std_um : 0;
		lo[i] = b->mean_um - 2 * sd;
		hi[i] = b->mean_um + 2 * sd;
		grow(lo[i], &ylo, &yhi);
		grow(hi[i], &ylo, &yhi);
	}
	grow(w->depth_cmd_um, &ylo, &yhi);
	FILE *f;
	enum rig_rc rc = open_out(path, &f, err);
	if (rc) {
		free(x);
		return rc;
	}
	struct svg s;
	svg_begin(&s, f, 960, 560, w->title);
	heading(&s, w->title, w->subtitle);
	struct svg_frame fr = { .x_px = 90, .y_px = 80, .w_px = 600, .h_px = 400 };
	svg_frame_set(&fr, 0, scale * (1.0 + 1.0 / (double)n), ylo, yhi);
	fr.xmax = fmax(fr.xmax, x[n]);
	svg_axes(&s, &fr, w->period_ms > 0 ? "time from the up-crossing (ms)"
					   : "phase from the up-crossing (periods)",
		 "needle extension beyond the contact plane (µm)");
	double zx[2] = { fr.xmin, fr.xmax }, zy[2] = { 0, 0 };
	svg_band(&s, &fr, x, lo, hi, n + 1, "#1f5fbf", 0.22);
	svg_polyline(&s, &fr, zx, zy, 2, "#8a5a00", 1.5, NULL);
	if (isfinite(w->depth_mean_um)) {
		double dy[2] = { w->depth_mean_um, w->depth_mean_um };
		svg_polyline(&s, &fr, zx, dy, 2, "#b8336a", 1.2, "6 4");
	}
	if (isfinite(w->depth_cmd_um)) {
		double dy[2] = { w->depth_cmd_um, w->depth_cmd_um };
		svg_polyline(&s, &fr, zx, dy, 2, "#2a9d3a", 1.2, "2 3");
	}
	svg_polyline(&s, &fr, x, y, n + 1, "#1f5fbf", 2.2, NULL);
	double ly = 100;
	svg_legend(&s, 710, ly, SVG_SW_LINE, "#1f5fbf", "mean stroke");
	svg_legend(&s, 710, ly += 22, SVG_SW_BLOCK, "#1f5fbf", "± 2 std of the samples");
	svg_legend(&s, 710, ly += 22, SVG_SW_LINE, "#8a5a00", "contact plane (skin)");
	if (isfinite(w->depth_mean_um))
		svg_legend(&s, 710, ly += 22, SVG_SW_DASH, "#b8336a", "mean measured depth");
	if (isfinite(w->depth_cmd_um))
		svg_legend(&s, 710, ly += 22, SVG_SW_DASH, "#2a9d3a", "commanded depth");
	char line[128];
	ly += 40;
	snprintf(line, sizeof line, "%zu strokes folded into %zu bins", w->strokes, n);
	svg_text(&s, 710, ly, SVG_START, 11, MUTED, false, 0, line);
	if (w->period_ms > 0) {
		snprintf(line, sizeof line, "period %.3f ms (%.2f Hz)", w->period_ms,
			 1000.0 / w->period_ms);
		svg_text(&s, 710, ly + 16, SVG_START, 11, MUTED, false, 0, line);
	}
	free(x);
	return close_out(&s, f, path, err);
}

/* ---- per-stroke depths ------------------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

enum rig_rc plot_histogram_svg(const char *path, const struct plot_histogram *h,
			       struct rig_err *err)
{
	if (h->n < 2)
		return rig_fail(err, RIG_E_DATA, "%s: fewer than 2 stroke depths to plot", path);
	size_t n = h->n;
	double *v = malloc(n * sizeof *v);
	if (!v)
		return rig_fail(err, RIG_E_NOMEM, "out of memory drawing %s", path);
	memcpy(v, h->depth_um, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_d);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	double mean = sum / n, ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	double sd = sqrt(ss / (n - 1));
	/* Bin width: Freedman-Diaconis (2 IQR / n^(1/3)), rounded to a nice
	 * step so that bin edges read well. */
	double iqr = v[(3 * n) / 4] - v[n / 4];
	double width = 2 * iqr / cbrt((double)n);
	if (!(width > 0))
		width = fmax(sd, 0.1);
	double blo = v[0], bhi = v[n - 1];
	svg_nice_range(&blo, &bhi, (unsigned)fmin(40, fmax(5, ceil((bhi - blo) / width))), &width);
	size_t nb = (size_t)llround((bhi - blo) / width);
	if (nb < 1)
		nb = 1;
	unsigned *cnt = calloc(nb, sizeof *cnt);
	if (!cnt) {
		free(v);
		return rig_fail(err, RIG_E_NOMEM, "out of memory drawing %s", path);
	}
	unsigned cmax = 0;
	for (size_t i = 0; i < n; i++) {
		long b = (long)floor((v[i] - blo) / width);
		if (b < 0)
			b = 0;
		if (b >= (long)nb)
			b = (long)nb - 1;
		if (++cnt[b] > cmax)
			cmax = cnt[b];
	}
	double xlo = blo, xhi = bhi;
	grow(h->cmd_um, &xlo, &xhi);
	grow(h->lo_um, &xlo, &xhi);
	grow(h->hi_um, &xlo, &xhi);
	FILE *f;
	enum rig_rc rc = open_out(path, &f, err);
	if (rc)
		goto out;
	struct svg s;
	svg_begin(&s, f, 960, 560, h->title);
	heading(&s, h->title, h->subtitle);
	struct svg_frame fr = { .x_px = 90, .y_px = 80, .w_px = 600, .h_px = 400 };
	svg_frame_set(&fr, xlo, xhi, 0, cmax * 1.1);
	svg_axes(&s, &fr, "per-stroke penetration depth (µm)", "strokes");
	for (size_t b = 0; b < nb; b++)
		svg_bar(&s, &fr, blo + b * width, blo + (b + 1) * width, 0, cnt[b], "#7fa7e0",
			"#1f5fbf");
	/* The normal curve with the same mean, std and area, for the eye. */
	double cx[121], cy[121];
	for (int i = 0; i <= 120; i++) {
		cx[i] = fr.xmin + (fr.xmax - fr.xmin) * i / 120.0;
		double z = (cx[i] - mean) / sd;
		cy[i] = sd > 0 ? n * width / (sd * sqrt(2 * M_PI)) * exp(-0.5 * z * z) : NAN;
	}
	svg_polyline(&s, &fr, cx, cy, 121, "#333333", 1.2, NULL);
	double yy[2] = { fr.ymin, fr.ymax };
	double mx[2] = { mean, mean };
	svg_polyline(&s, &fr, mx, yy, 2, "#b8336a", 2, NULL);
	if (isfinite(h->cmd_um)) {
		double x2[2] = { h->cmd_um, h->cmd_um };
		svg_polyline(&s, &fr, x2, yy, 2, "#2a9d3a", 1.5, "2 3");
	}
	const double lim[2] = { h->lo_um, h->hi_um };
	for (int k = 0; k < 2; k++)
		if (isfinite(lim[k])) {
			double x2[2] = { lim[k], lim[k] };
			svg_polyline(&s, &fr, x2, yy, 2, "#c0392b", 1.5, "6 4");
		}
	double ly = 100;
	svg_legend(&s, 710, ly, SVG_SW_BLOCK, "#1f5fbf", "strokes per bin");
	svg_legend(&s, 710, ly += 22, SVG_SW_LINE, "#333333", "normal, same mean and std");
	svg_legend(&s, 710, ly += 22, SVG_SW_LINE, "#b8336a", "mean");
	if (isfinite(h->cmd_um))
		svg_legend(&s, 710, ly += 22, SVG_SW_DASH, "#2a9d3a", "commanded");
	if (isfinite(h->lo_um) || isfinite(h->hi_um))
		svg_legend(&s, 710, ly += 22, SVG_SW_DASH, "#c0392b", "acceptance limits");
	char line[128];
	ly += 40;
	snprintf(line, sizeof line, "n = %zu strokes", n);
	svg_text(&s, 710, ly, SVG_START, 12, INK, false, 0, line);
	snprintf(line, sizeof line, "mean %.1f µm", mean);
	svg_text(&s, 710, ly += 18, SVG_START, 12, INK, false, 0, line);
	snprintf(line, sizeof line, "std %.2f µm (n − 1)", sd);
	svg_text(&s, 710, ly += 18, SVG_START, 12, INK, false, 0, line);
	snprintf(line, sizeof line, "min %.1f, max %.1f µm", v[0], v[n - 1]);
	svg_text(&s, 710, ly += 18, SVG_START, 12, INK, false, 0, line);
	snprintf(line, sizeof line, "bin width %g µm", width);
	svg_text(&s, 710, ly += 18, SVG_START, 11, MUTED, false, 0, line);
	rc = close_out(&s, f, path, err);
out:
	free(cnt);
	free(v);
	return rc;
}
