/* grr_plot.c - a gauge study as SVG (see grr_plot.h). */
#include "plot/grr_plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "plot/svg.h"

#define INK "#222222"
#define MUTED "#666666"
#define RED "#c0392b"
#define AMBER "#e07b00"

static const char *const op_color[GRR_MAX_OPERATORS] = {
	"#1f5fbf", "#e07b00", "#2a9d3a", "#b8336a", "#7a4fbf", "#00838f",
};

/* The components as % of the tolerance (6 sd / tol) and of TV (sd / TV). */
static void components(struct svg *s, const struct grr_char *c)
{
	const struct grr_anova *a = &c->a;
	const char *name[5] = { "EV", "AV", "INT", "GRR", "PV" };
	double sd[5] = { a->ev, a->av, a->inter_sd, a->grr, a->pv };
	double tol[5], tv[5], top = 35;
	for (int i = 0; i < 5; i++) {
		tol[i] = 100 * GRR_SIGMAS * sd[i] / c->tolerance;
		tv[i] = a->tv > 0 ? 100 * sd[i] / a->tv : NAN;
		top = fmax(top, fmax(isfinite(tol[i]) ? tol[i] : 0, isfinite(tv[i]) ? tv[i] : 0));
	}
	struct svg_frame fr = { .x_px = 80, .y_px = 90, .w_px = 560, .h_px = 240 };
	svg_frame_set(&fr, 0, 5, 0, top * 1.05);
	fr.xmin = 0;
	fr.xmax = 5;
	fr.xstep = 5; /* the bars are named, not numbered */
	svg_axes(s, &fr, "EV repeatability · AV operators · INT interaction · PV parts",
		 "% of tolerance / of total variation");
	for (int i = 0; i < 5; i++) {
		if (isfinite(tol[i]))
			svg_bar(s, &fr, i + 0.12, i + 0.48, 0, tol[i], "#7fa7e0", "#1f5fbf");
		if (isfinite(tv[i]))
			svg_bar(s, &fr, i + 0.52, i + 0.88, 0, tv[i], "#f2c08a", AMBER);
		svg_text(s, svg_px_x(&fr, i + 0.5), fr.y_px + 16, SVG_MIDDLE, 12, INK, true, 0, name[i]);
	}
	double x[2] = { fr.xmin, fr.xmax }, y10[2] = { 10, 10 }, y30[2] = { 30, 30 };
	svg_polyline(s, &fr, x, y10, 2, "#2a9d3a", 1.2, "6 4");
	svg_polyline(s, &fr, x, y30, 2, RED, 1.2, "6 4");
}

/* Measurements by part (x) or by operator (x), points coloured by
 * operator, means as short lines. */
static void scatter(struct svg *s, const struct grr_result *res, const struct grr_char *c,
		    bool by_part, double x_px, double w_px)
{
	unsigned nx = by_part ? res->parts : res->operators;
	double lo = INFINITY, hi = -INFINITY;
	size_t cells = (size_t)res->parts * res->operators * res->repeats;
	for (size_t k = 0; k < cells; k++)
		if (isfinite(c->y[k])) {
			lo = fmin(lo, c->y[k]);
			hi = fmax(hi, c->y[k]);
		}
	struct svg_frame fr = { .x_px = x_px, .y_px = 400, .w_px = w_px, .h_px = 250 };
	svg_frame_set(&fr, 0, nx + 1, lo, hi);
	fr.xmin = 0; /* group g at g + 1, on its whole-number tick */
	fr.xmax = nx + 1;
	fr.xstep = nx > 12 ? 5 : 1;
	char ylab[64];
	snprintf(ylab, sizeof ylab, "%s (%s)", c->quantity, c->unit);
	svg_axes(s, &fr, by_part ? "part" : "operator", ylab);
	for (unsigned g = 0; g < nx; g++) {
		double sum = 0;
		size_t n = 0;
		for (unsigned p = 0; p < res->parts; p++)
			for (unsigned o = 0; o < res->operators; o++) {
				if ((by_part ? p : o) != g)
					continue;
				for (unsigned r = 0; r < res->repeats; r++) {
					double v = c->y[((size_t)p * res->operators + o) * res->repeats + r];
					if (!isfinite(v))
						continue;
					/* spread the operators side by side within the slot */
					double x = g + 1 + (res->operators > 1
							    ? 0.5 * ((o + 0.5) / res->operators - 0.5) : 0);
					svg_points(s, &fr, &x, &v, 1, op_color[o], 2.8);
					sum += v;
					n++;
				}
			}
		if (n) {
			double mx[2] = { g + 0.7, g + 1.3 }, my[2] = { sum / n, sum / n };
			svg_polyline(s, &fr, mx, my, 2, INK, 2, NULL);
		}
	}
}

enum rig_rc grr_plot_svg(const char *path, const struct grr_result *res, struct rig_err *err)
{
	if (!res->nch || res->parts < 2)
		return rig_fail(err, RIG_E_DATA,
				"%s: a gauge study plot needs at least 2 parts (--parts)", path);
	const struct grr_char *c = &res->ch[res->worst];
	FILE *f = fopen(path, "w");
	if (!f)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write plot %s", path);
	char title[160], line[200];
	snprintf(title, sizeof title, "Gauge R&R: %s at %g %s (the worst characteristic)",
		 c->quantity, c->commanded, c->unit);
	struct svg s;
	svg_begin(&s, f, 960, 720, title);
	svg_text(&s, 24, 30, SVG_START, 18, INK, true, 0, title);
	snprintf(line, sizeof line,
		 "%u parts x %u operators x %u repeats · profile %s · ANOVA (AIAG MSA 4th ed.)",
		 res->parts, res->operators, res->repeats, res->profile);
	svg_text(&s, 24, 50, SVG_START, 12, MUTED, false, 0, line);
	components(&s, c);
	scatter(&s, res, c, true, 80, 330);
	scatter(&s, res, c, false, 500, 140);
	double ly = 100;
	svg_legend(&s, 680, ly, SVG_SW_BLOCK, "#1f5fbf", "% of tolerance (6 sd / tol)");
	svg_legend(&s, 680, ly += 20, SVG_SW_BLOCK, AMBER, "% of total variation");
	svg_legend(&s, 680, ly += 20, SVG_SW_DASH, "#2a9d3a", "10 %: acceptable below");
	svg_legend(&s, 680, ly += 20, SVG_SW_DASH, RED, "30 %: unacceptable above");
	for (unsigned o = 0; o < res->operators; o++) {
		snprintf(line, sizeof line, "operator %u", o + 1);
		svg_legend(&s, 680, ly += 20, SVG_SW_POINT, op_color[o], line);
	}
	svg_legend(&s, 680, ly += 20, SVG_SW_LINE, INK, "mean of the part / operator");
	ly += 30;
	svg_text(&s, 680, ly, SVG_START, 12, INK, true, 0, "every characteristic:");
	for (size_t i = 0; i < res->nch && ly < 690; i++) {
		const struct grr_anova *a = &res->ch[i].a;
		if (a->verdict == GRR_NOT_COMPUTED)
			snprintf(line, sizeof line, "%s %g: not computed", res->ch[i].quantity,
				 res->ch[i].commanded);
		else
			snprintf(line, sizeof line, "%s %g: %.1f %% tol, ndc %.0f, %s",
				 res->ch[i].quantity, res->ch[i].commanded, a->pct_grr_tol,
				 floor(a->ndc), grr_verdict_name(a->verdict));
		svg_text(&s, 680, ly += 16, SVG_START, 11,
			 a->verdict == GRR_UNACCEPTABLE ? RED : a->verdict == GRR_CONDITIONAL ? AMBER : INK,
			 false, 0, line);
	}
	enum rig_rc rc = svg_end(&s, path, err);
	if (fclose(f) && !rc)
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write plot %s", path);
	return rc;
}
