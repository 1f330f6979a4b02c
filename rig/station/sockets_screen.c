/* sockets_screen.c - several sockets side by side (sockets_screen.h). Each
 * column is built as lines of text first, then the columns are written
 * row by row, each cell padded to the column's width. */
#include "station/sockets_screen.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ESC "\033["
#define BOLD ESC "1m"
#define REVERSE ESC "7m"
#define RESET ESC "0m"

#define COL_LINES 128
#define CELL_BYTES 1024

struct column {
	char text[COL_LINES][CELL_BYTES];
	const char *style[COL_LINES];
	int n;
};

__attribute__((format(printf, 3, 4)))
static void line(struct column *c, const char *style, const char *fmt, ...)
{
	if (c->n == COL_LINES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->text[c->n], CELL_BYTES, fmt, ap);
	va_end(ap);
	c->style[c->n++] = style;
}

/* Characters (not bytes) of UTF-8 text. */
static int width_of(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* text cut or padded to exactly w characters. */
static void fit(char *out, size_t cap, const char *text, int w)
{
	size_t len = 0;
	int chars = 0;
	for (const char *p = text; *p && len + 5 < cap; p++) {
		bool starts = ((unsigned char)*p & 0xC0) != 0x80;
		if (starts && chars == w)
			break;
		chars += starts;
		out[len++] = *p;
	}
	while (chars++ < w && len + 1 < cap)
		out[len++] = ' ';
	out[len] = '\0';
}

/* Words of text on lines of at most w characters, at most max lines. */
static void wrapped(struct column *c, const char *lead, const char *text, int w, int max)
{
	int room = w - width_of(lead);
	if (room < 8)
		room = 8;
	for (int k = 0; *text && k < max; k++) {
		int len = (int)strlen(text), cut = len;
		if (width_of(text) > room) {
			cut = room;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = room;
		}
		bool last = k == max - 1 && text[cut];
		line(c, NULL, "%s%.*s%s", k ? "   " : lead, cut, text, last ? " ..." : "");
		text += cut;
		while (*text == ' ')
			text++;
	}
}

static void progress(struct column *c, const struct socket_view *v, int w)
{
	double frac = v->nsteps ? (double)(v->step ? v->step - 1 : 0) / v->nsteps : 0;
	if (v->phase && !strcmp(v->phase, "report"))
		frac = 1;
	int cells = w - 8 > 4 ? w - 8 : 4, fill = (int)lround(frac * cells);
	char bar[CELL_BYTES];
	size_t len = 0;
	for (int i = 0; i < cells && len + 4 < sizeof bar; i++) {
		const char *cell = i < fill ? "\xe2\x96\x88" : "\xc2\xb7"; /* block, middle dot */
		memcpy(bar + len, cell, strlen(cell));
		len += strlen(cell);
	}
	bar[len] = '\0';
	line(c, BOLD, " %s %3.0f%%", bar, 100 * frac);
}

/* The verdict: its word as large as the column and rows allow. */
static void verdict(struct column *c, const struct socket_view *v, int w, int rows)
{
	const char *word;
	const char *style = screen_verdict(v->res, &word);
	const struct run_result *r = v->res;
	line(c, style, " %s", r && r->reported ? word : "NOT TESTED");
	char *buf = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&buf, &size);
	int bw = 0, reasons = r && r->reported && r->verdict == REPORT_PASS ? 1 : 3;
	int n = m ? screen_banner(m, word, w - 2, rows - c->n - reasons, &bw) : 0;
	if (m)
		fclose(m);
	for (char *s = buf, *nl; n > 0 && s && (nl = strchr(s, '\n')); s = nl + 1) {
		*nl = '\0';
		line(c, style, "%*s%s", (w - bw) / 2, "", s);
	}
	free(buf);
	if (!r || !r->reported)
		wrapped(c, " Why: ", v->error_text && *v->error_text ? v->error_text
								 : "the run could not start",
			w, rows - c->n);
	else if (r->verdict == REPORT_PASS)
		line(c, NULL, " %.1f s of bench time", r->bench_time_s);
	else if (r->verdict == REPORT_ABORTED)
		wrapped(c, " Why: ", r->reason, w, rows - c->n);
	else
		for (size_t i = 0; i < r->nfailures && i < RUN_MAX_FAILURES && c->n < rows; i++)
			wrapped(c, " - ", r->failures[i].text, w, i + 1 < r->nfailures ? 2 : rows - c->n);
}

static void column(struct column *c, const struct socket_view *v, int w, int rows)
{
	c->n = 0;
	line(c, v->target ? REVERSE BOLD : BOLD, " Socket %s%s", v->name,
	     v->target ? "  (next scan)" : "");
	if (v->state == SOCKET_IDLE) {
		line(c, NULL, " no pen yet");
		line(c, NULL, "%s", "");
		line(c, BOLD, " READY: seat a pen, close");
		line(c, BOLD, " the lid, scan its serial");
		return;
	}
	line(c, NULL, " unit %u  %s", v->unit, v->serial);
	if (v->state == SOCKET_RUNNING) {
		line(c, BOLD, " TESTING %s %u/%u", v->phase ? v->phase : "start", v->step,
		     v->nsteps);
		progress(c, v, w);
		wrapped(c, " ", v->detail ? v->detail : "", w, 2);
		return;
	}
	verdict(c, v, w, rows);
}

static void bottom(FILE *out, const struct sockets_screen *s, const char *target)
{
	const struct screen_state *h = s->hdr;
	char text[CELL_BYTES], cell[CELL_BYTES * 2];
	if (target)
		snprintf(text, sizeof text, " Scan for socket %s: %s_", target, s->input);
	else
		snprintf(text, sizeof text, " Every socket is testing: scan when one is done");
	fit(cell, sizeof cell, text, h->cols);
	fprintf(out, "%s%s%s" ESC "K\r\n", h->color ? BOLD : "", cell, h->color ? RESET : "");
	fit(cell, sizeof cell, s->message ? s->message : "", h->cols - 1);
	fprintf(out, " %s" ESC "K\r\n", cell);
	fit(cell, sizeof cell,
	    s->asking ? " y: end the shift (running tests are stopped) | any other key: go on"
		      : " Enter: start | Tab: next | Ctrl-R: retest | Ctrl-O: operator | Ctrl-D: end",
	    h->cols);
	fprintf(out, "%s%s%s" ESC "K", h->color ? REVERSE : "", cell, h->color ? RESET : "");
}

void sockets_screen_draw(FILE *out, const struct sockets_screen *s)
{
	const struct screen_state *h = s->hdr;
	int top = screen_draw_header(out, h);
	int rows = h->rows - top - 3;
	int w = s->n ? (h->cols - (int)(s->n - 1)) / (int)s->n : h->cols;
	struct column *cols = calloc(s->n ? s->n : 1, sizeof *cols);
	const char *target = NULL;
	if (!cols)
		return;
	for (unsigned i = 0; i < s->n; i++) {
		column(&cols[i], &s->v[i], w, rows);
		if (s->v[i].target)
			target = s->v[i].name;
	}
	char cell[CELL_BYTES * 2];
	for (int r = 0; r < rows; r++) {
		for (unsigned i = 0; i < s->n; i++) {
			const struct column *c = &cols[i];
			const char *style = r < c->n ? c->style[r] : NULL;
			fit(cell, sizeof cell, r < c->n ? c->text[r] : "", w);
			bool styled = h->color && style && *style;
			fprintf(out, "%s%s%s%s", styled ? style : "", cell, styled ? RESET : "",
				i + 1 < s->n ? "\xe2\x94\x82" : ""); /* U+2502 between columns */
		}
		fputs(ESC "K\r\n", out);
	}
	free(cols);
	bottom(out, s, target);
	fputs(ESC "J", out);
	fflush(out);
}
