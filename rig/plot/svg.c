/* svg.c - the SVG writer: numbers with %.2f pixels, text escaped, every
 * data drawing clipped to its frame so that an outlier cannot spill over
 * the axes. */
#include "plot/svg.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/text.h"

#define FONT "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""

void svg_nice_range(double *lo, double *hi, unsigned max_ticks, double *step)
{
	double a = *lo, b = *hi;
	if (!isfinite(a) || !isfinite(b)) {
		a = 0;
		b = 1;
	}
	if (b < a) {
		double t = a;
		a = b;
		b = t;
	}
	if (b - a < 1e-9 * fmax(1.0, fabs(a))) {
		double d = fabs(a) > 0 ? fabs(a) * 0.1 : 1.0;
		a -= d;
		b += d;
	}
	if (max_ticks < 2)
		max_ticks = 2;
	double raw = (b - a) / max_ticks;
	double mag = pow(10, floor(log10(raw)));
	double st = mag;
	static const double mult[] = { 1, 2, 2.5, 5, 10 };
	for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
		st = mult[i] * mag;
		if (st >= raw)
			break;
	}
	*lo = floor(a / st + 1e-9) * st;
	*hi = ceil(b / st - 1e-9) * st;
	*step = st;
}

void svg_frame_set(struct svg_frame *fr, double xmin, double xmax, double ymin, double ymax)
{
	unsigned xt = fr->w_px > 500 ? 10 : 6, yt = fr->h_px > 300 ? 8 : 5;
	svg_nice_range(&xmin, &xmax, xt, &fr->xstep);
	svg_nice_range(&ymin, &ymax, yt, &fr->ystep);
	fr->xmin = xmin;
	fr->xmax = xmax;
	fr->ymin = ymin;
	fr->ymax = ymax;
}

double svg_px_x(const struct svg_frame *fr, double x)
{
	return fr->x_px + (x - fr->xmin) / (fr->xmax - fr->xmin) * fr->w_px;
}

double svg_px_y(const struct svg_frame *fr, double y)
{
	return fr->y_px + fr->h_px - (y - fr->ymin) / (fr->ymax - fr->ymin) * fr->h_px;
}

void svg_begin(struct svg *s, FILE *f, double width_px, double height_px, const char *title)
{
	*s = (struct svg){ .f = f, .width_px = width_px, .height_px = height_px };
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n<title>",
		width_px, height_px, width_px, height_px);
	text_xml_put(f, title);
	fprintf(f, "</title>\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
		width_px, height_px);
}

enum rig_rc svg_end(struct svg *s, const char *path, struct rig_err *err)
{
	fputs("</svg>\n", s->f);
	if (fflush(s->f) || ferror(s->f))
		return rig_fail_errno(err, RIG_E_IO, errno ? errno : EIO, "cannot write %s",
				      path ? path : "the plot");
	return RIG_OK;
}

static const char *anchor_name(enum svg_anchor a)
{
	return a == SVG_MIDDLE ? "middle" : a == SVG_END ? "end" : "start";
}

void svg_text(struct svg *s, double x_px, double y_px, enum svg_anchor a, double size_px,
	      const char *color, bool bold, double rotate_deg, const char *text)
{
	fprintf(s->f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\" font-size=\"%.1f\" %s fill=\"%s\"%s",
		x_px, y_px, anchor_name(a), size_px, FONT, color, bold ? " font-weight=\"bold\"" : "");
	if (rotate_deg != 0)
		fprintf(s->f, " transform=\"rotate(%.1f %.2f %.2f)\"", rotate_deg, x_px, y_px);
	fputc('>', s->f);
	text_xml_put(s->f, text);
	fputs("</text>\n", s->f);
}

/* A tick label: as few decimals as the step needs. */
static void tick_label(char *b, size_t cap, double v, double step)
{
	int dec = 0;
	while (dec < 6 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-6)
		dec++;
	if (fabs(v) < step * 1e-9)
		v = 0;
	snprintf(b, cap, "%.*f", dec, v);
}

void svg_axes(struct svg *s, struct svg_frame *fr, const char *xlabel, const char *ylabel)
{
	FILE *f = s->f;
	fr->clip_id = ++s->nclips;
	fprintf(f, "<clipPath id=\"c%u\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath>\n",
		fr->clip_id, fr->x_px, fr->y_px, fr->w_px, fr->h_px);
	fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#fafafa\" stroke=\"none\"/>\n",
		fr->x_px, fr->y_px, fr->w_px, fr->h_px);
	char b[48];
	fputs("<g stroke=\"#dddddd\" stroke-width=\"1\">\n", f);
	for (double x = fr->xmin; x <= fr->xmax + fr->xstep * 1e-6; x += fr->xstep)
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", svg_px_x(fr, x),
			fr->y_px, svg_px_x(fr, x), fr->y_px + fr->h_px);
	for (double y = fr->ymin; y <= fr->ymax + fr->ystep * 1e-6; y += fr->ystep)
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", fr->x_px,
			svg_px_y(fr, y), fr->x_px + fr->w_px, svg_px_y(fr, y));
	fputs("</g>\n", f);
	fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1\"/>\n",
		fr->x_px, fr->y_px, fr->w_px, fr->h_px);
	for (double x = fr->xmin; x <= fr->xmax + fr->xstep * 1e-6; x += fr->xstep) {
		tick_label(b, sizeof b, x, fr->xstep);
		svg_text(s, svg_px_x(fr, x), fr->y_px + fr->h_px + 16, SVG_MIDDLE, 12, "#333333",
			 false, 0, b);
	}
	for (double y = fr->ymin; y <= fr->ymax + fr->ystep * 1e-6; y += fr->ystep) {
		tick_label(b, sizeof b, y, fr->ystep);
		svg_text(s, fr->x_px - 6, svg_px_y(fr, y) + 4, SVG_END, 12, "#333333", false, 0, b);
	}
	if (xlabel)
		svg_text(s, fr->x_px + fr->w_px / 2, fr->y_px + fr->h_px + 36, SVG_MIDDLE, 13,
			 "#222222", false, 0, xlabel);
	if (ylabel)
		svg_text(s, fr->x_px - 52, fr->y_px + fr->h_px / 2, SVG_MIDDLE, 13, "#222222", false,
			 -90, ylabel);
}

static void clip_open(struct svg *s, const struct svg_frame *fr)
{
	if (fr->clip_id)
		fprintf(s->f, "<g clip-path=\"url(#c%u)\">\n", fr->clip_id);
	else
		fputs("<g>\n", s->f);
}

void svg_polyline(struct svg *s, const struct svg_frame *fr, const double *x, const double *y,
		  size_t n, const char *color, double width_px, const char *dash)
{
	clip_open(s, fr);
	bool open = false;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i])) {
			if (open)
				fputs("\"/>\n", s->f);
			open = false;
			continue;
		}
		if (!open) {
			fprintf(s->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
				      "stroke-linejoin=\"round\"%s%s%s points=\"",
				color, width_px, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
				dash ? "\"" : "");
			open = true;
		}
		fprintf(s->f, "%.2f,%.2f ", svg_px_x(fr, x[i]), svg_px_y(fr, y[i]));
	}
	if (open)
		fputs("\"/>\n", s->f);
	fputs("</g>\n", s->f);
}

void svg_points(struct svg *s, const struct svg_frame *fr, const double *x, const double *y,
		size_t n, const char *color, double radius_px)
{
	clip_open(s, fr);
	for (size_t i = 0; i < n; i++)
		if (isfinite(x[i]) && isfinite(y[i]))
			fprintf(s->f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.1f\" fill=\"%s\" "
				      "stroke=\"#ffffff\" stroke-width=\"1\"/>\n",
				svg_px_x(fr, x[i]), svg_px_y(fr, y[i]), radius_px, color);
	fputs("</g>\n", s->f);
}

void svg_errbars(struct svg *s, const struct svg_frame *fr, const double *x, const double *y,
		 const double *e, size_t n, const char *color)
{
	clip_open(s, fr);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(e[i]) || e[i] <= 0)
			continue;
		double px = svg_px_x(fr, x[i]), y0 = svg_px_y(fr, y[i] - e[i]),
		       y1 = svg_px_y(fr, y[i] + e[i]);
		fprintf(s->f, "<path d=\"M%.2f %.2fV%.2fM%.2f %.2fH%.2fM%.2f %.2fH%.2f\" stroke=\"%s\" "
			      "stroke-width=\"1.2\" fill=\"none\"/>\n",
			px, y0, y1, px - 3, y0, px + 3, px - 3, y1, px + 3, color);
	}
	fputs("</g>\n", s->f);
}

void svg_band(struct svg *s, const struct svg_frame *fr, const double *x, const double *lo,
	      const double *hi, size_t n, const char *fill, double opacity)
{
	clip_open(s, fr);
	size_t i = 0;
	while (i < n) {
		/* One polygon per run of finite points. */
		while (i < n && !(isfinite(x[i]) && isfinite(lo[i]) && isfinite(hi[i])))
			i++;
		size_t a = i;
		while (i < n && isfinite(x[i]) && isfinite(lo[i]) && isfinite(hi[i]))
			i++;
		if (i - a < 2)
			continue;
		fprintf(s->f, "<polygon fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"none\" points=\"", fill,
			opacity);
		for (size_t k = a; k < i; k++)
			fprintf(s->f, "%.2f,%.2f ", svg_px_x(fr, x[k]), svg_px_y(fr, hi[k]));
		for (size_t k = i; k-- > a;)
			fprintf(s->f, "%.2f,%.2f ", svg_px_x(fr, x[k]), svg_px_y(fr, lo[k]));
		fputs("\"/>\n", s->f);
	}
	fputs("</g>\n", s->f);
}

void svg_bar(struct svg *s, const struct svg_frame *fr, double x0, double x1, double y0,
	     double y1, const char *fill, const char *stroke)
{
	double px0 = svg_px_x(fr, x0), px1 = svg_px_x(fr, x1);
	double py0 = svg_px_y(fr, y1), py1 = svg_px_y(fr, y0);
	if (!isfinite(px0) || !isfinite(px1) || !isfinite(py0) || !isfinite(py1))
		return;
	clip_open(s, fr);
	fprintf(s->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1\"/>\n",
		fmin(px0, px1), fmin(py0, py1), fabs(px1 - px0), fabs(py1 - py0), fill,
		stroke ? stroke : "none");
	fputs("</g>\n", s->f);
}

void svg_legend(struct svg *s, double x_px, double y_px, enum svg_swatch sw, const char *color,
		const char *label)
{
	FILE *f = s->f;
	switch (sw) {
	case SVG_SW_LINE:
	case SVG_SW_DASH:
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
			x_px, y_px - 4, x_px + 22, y_px - 4, color,
			sw == SVG_SW_DASH ? " stroke-dasharray=\"6 4\"" : "");
		break;
	case SVG_SW_POINT:
		fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"%s\"/>\n", x_px + 11, y_px - 4,
			color);
		break;
	case SVG_SW_BLOCK:
		fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"22\" height=\"10\" fill=\"%s\" fill-opacity=\"0.35\"/>\n",
			x_px, y_px - 9, color);
		break;
	}
	svg_text(s, x_px + 28, y_px, SVG_START, 12, "#222222", false, 0, label);
}
