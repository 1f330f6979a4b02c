/* screen.c - the station's screens in plain ANSI: cursor home, each line
 * cleared to its end, the rest of the screen cleared. No curses: the
 * station needs a dozen escape sequences that every terminal since the
 * VT100 (and the Linux console) understands. */
#include "station/screen.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#define NAME_STARS_MAX 64 /* stars shown for a PIN at most */

#define ESC "\033["
#define BOLD ESC "1m"
#define REVERSE ESC "7m"
#define RESET ESC "0m"

#define GLYPH_W 5
#define GLYPH_H 5

struct glyph {
	char c;
	const char *row[GLYPH_H];
};

/* Block letters, 5 by 5: only the letters the verdicts need. */
static const struct glyph glyphs[] = {
	{ 'A', { ".###.", "#...#", "#####", "#...#", "#...#" } },
	{ 'B', { "####.", "#...#", "####.", "#...#", "####." } },
	{ 'D', { "####.", "#...#", "#...#", "#...#", "####." } },
	{ 'E', { "#####", "#....", "####.", "#....", "#####" } },
	{ 'F', { "#####", "#....", "####.", "#....", "#...." } },
	{ 'I', { "#####", "..#..", "..#..", "..#..", "#####" } },
	{ 'L', { "#....", "#....", "#....", "#....", "#####" } },
	{ 'M', { "#...#", "##.##", "#.#.#", "#...#", "#...#" } },
	{ 'N', { "#...#", "##..#", "#.#.#", "#..##", "#...#" } },
	{ 'O', { ".###.", "#...#", "#...#", "#...#", ".###." } },
	{ 'P', { "####.", "#...#", "####.", "#....", "#...." } },
	{ 'R', { "####.", "#...#", "####.", "#..#.", "#...#" } },
	{ 'S', { ".####", "#....", ".###.", "....#", "####." } },
	{ 'T', { "#####", "..#..", "..#..", "..#..", "..#.." } },
	{ ' ', { ".....", ".....", ".....", ".....", "....." } },
};

static const struct glyph *glyph(char c)
{
	for (size_t i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++)
		if (glyphs[i].c == c)
			return &glyphs[i];
	return NULL;
}

unsigned station_shift_tested(const struct station_shift *s)
{
	return s->units ? s->units : s->pass + s->fail + s->indeterminate;
}

double station_shift_yield_pct(const struct station_shift *s)
{
	unsigned n = station_shift_tested(s);
	return !n ? NAN : s->units ? 100.0 * s->first_pass / n : 100.0 * s->pass / n;
}

/* Writes lines top-down; every line is cut to the width and cleared to
 * its end, the last row has no newline (no scrolling). */
struct canvas {
	FILE *out;
	const struct screen_state *s;
	int row;
};

/* Cut text to at most cols characters (UTF-8 aware). */
static void cut(char *text, int cols)
{
	int n = 0;
	for (char *p = text; *p; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		if (n++ == cols) {
			*p = '\0';
			return;
		}
	}
}

static void emit(struct canvas *c, const char *style, const char *text)
{
	if (c->row >= c->s->rows)
		return;
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", text);
	cut(buf, c->s->cols);
	bool styled = c->s->color && style && *style;
	fprintf(c->out, "%s%s%s" ESC "K", styled ? style : "", buf, styled ? RESET : "");
	if (++c->row < c->s->rows)
		fputs("\r\n", c->out);
}

__attribute__((format(printf, 3, 4)))
static void put(struct canvas *c, const char *style, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	emit(c, style, text);
}

/* Break text at spaces into lines of at most width characters: calls
 * line(ctx, start, len) per line, returns the number of lines. */
static int wrap(const char *text, int width, void (*line)(void *, const char *, int), void *ctx)
{
	int n = 0;
	if (width < 10)
		width = 10;
	while (*text) {
		int len = 0, cut_at = -1, chars = 0;
		while (text[len] && chars < width) {
			if (((unsigned char)text[len] & 0xC0) != 0x80)
				chars++;
			if (text[len] == ' ')
				cut_at = len;
			len++;
		}
		while (text[len] && ((unsigned char)text[len] & 0xC0) == 0x80)
			len++;
		if (text[len] && cut_at > 0)
			len = cut_at;
		if (line)
			line(ctx, text, len);
		n++;
		text += len;
		while (*text == ' ')
			text++;
	}
	return n;
}

struct wrap_put {
	struct canvas *c;
	const char *style, *first, *next;
	int n, max;
};

static void wrap_line(void *ctx, const char *s, int len)
{
	struct wrap_put *w = ctx;
	if (w->n >= w->max)
		return;
	/* The last row that fits ends with "..." when the text goes on. */
	bool more = w->n == w->max - 1 && s[len];
	int room = w->c->s->cols - (int)strlen(w->first) - 4;
	if (more && len > room)
		len = room > 0 ? room : 0;
	put(w->c, w->style, "%s%.*s%s", w->n ? w->next : w->first, len, s, more ? " ..." : "");
	w->n++;
}

/* text on as many lines as it needs, at most max: `first` before the
 * first, `next` (same width) before the others. Returns the rows written. */
static int put_wrapped_max(struct canvas *c, const char *style, const char *first,
			   const char *next, const char *text, int max)
{
	struct wrap_put w = { c, style, first, next, 0, max };
	wrap(text, c->s->cols - (int)strlen(first), wrap_line, &w);
	return w.n;
}



static void blank_to(struct canvas *c, int row)
{
	while (c->row < row && c->row < c->s->rows)
		emit(c, NULL, "");
}

static int banner_base_width(const char *word)
{
	size_t n = strlen(word);
	return n ? (int)(n * GLYPH_W + (n - 1)) : 0;
}

static void banner_scale(const char *word, int cols, int rows, int *sx, int *sy)
{
	int base = banner_base_width(word);
	*sx = *sy = 0;
	if (!base || rows < GLYPH_H)
		return;
	/* A character cell is about twice as tall as wide: sx = 2 sy looks
	 * square. */
	int y = rows / GLYPH_H;
	if (y > 3)
		y = 3;
	int x = cols / base;
	if (x > 2 * y)
		x = 2 * y;
	if (x < 1)
		return;
	if (y > x)
		y = x;
	*sx = x;
	*sy = y;
}

/* One row of the banner at scale sx into buf. */
static void banner_row(const char *word, int gr, int sx, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (const char *w = word; *w; w++) {
		const struct glyph *g = glyph(*w);
		for (int x = 0; x < GLYPH_W + (w[1] ? 1 : 0); x++) {
			bool on = g && x < GLYPH_W && g->row[gr][x] == '#';
			for (int k = 0; k < sx; k++) {
				const char *cell = on ? "\xe2\x96\x88" : " "; /* U+2588 full block */
				size_t cl = strlen(cell);
				if (len + cl + 1 > cap)
					return;
				memcpy(buf + len, cell, cl + 1);
				len += cl;
			}
		}
	}
}

int screen_banner(FILE *out, const char *word, int cols, int rows, int *width)
{
	int sx, sy;
	banner_scale(word, cols, rows, &sx, &sy);
	if (width)
		*width = sx * banner_base_width(word);
	if (!sx)
		return 0;
	char buf[2048];
	for (int gr = 0; gr < GLYPH_H; gr++) {
		banner_row(word, gr, sx, buf, sizeof buf);
		for (int k = 0; k < sy; k++)
			fprintf(out, "%s\n", buf);
	}
	return GLYPH_H * sy;
}

const char *screen_verdict(const struct run_result *r, const char **word)
{
	if (!r || !r->reported) {
		*word = "ERROR";
		return ESC "1;33m";
	}
	*word = report_verdict_name(r->verdict);
	return r->verdict == REPORT_PASS      ? ESC "1;32m"
	       : r->verdict == REPORT_ABORTED ? ESC "1;33m"
					      : ESC "1;31m"; /* FAIL, INDETERMINATE */
}

static void header(struct canvas *c)
{
	const struct screen_state *s = c->s;
	char op[160];
	snprintf(op, sizeof op, "%s", s->operator_name && *s->operator_name
					      ? s->operator_name : "(not signed in)");
	char line[1024];
	int n = snprintf(line, sizeof line, " RIG STATION %s%s | %s (%s) | operator: %s",
			 s->station, s->virtual_bench ? " (virtual)" : "", s->profile,
			 s->pen_model, op);
	/* Pad the reverse-video bar to the full width. */
	while (n < s->cols && n < (int)sizeof line - 1)
		line[n++] = ' ';
	line[n < (int)sizeof line ? n : (int)sizeof line - 1] = '\0';
	emit(c, REVERSE BOLD, line);
	const struct station_shift *sh = s->shift;
	double y = station_shift_yield_pct(sh);
	char yield[32];
	if (isnan(y))
		snprintf(yield, sizeof yield, "-");
	else
		snprintf(yield, sizeof yield, "%.1f %%", y);
	char errors[48] = "";
	if (sh->errors)
		snprintf(errors, sizeof errors, " | %u not tested", sh->errors);
	char indeterminate[40] = "";
	if (sh->indeterminate)
		snprintf(indeterminate, sizeof indeterminate, ", %u indeterminate", sh->indeterminate);
	put(c, BOLD, " Shift: %u units tested: %u pass, %u fail%s | first-pass yield %s | %u aborted%s",
	    station_shift_tested(sh), sh->pass, sh->fail, indeterminate, yield, sh->aborted, errors);
	char rule[1024] = "";
	size_t len = 0;
	for (int i = 0; i < s->cols && len + 4 < sizeof rule; i++, len += 3)
		memcpy(rule + len, "\xe2\x94\x80", 4); /* U+2500 */
	emit(c, NULL, rule);
}

static void footer(struct canvas *c, const char *text)
{
	blank_to(c, c->s->rows - 1);
	emit(c, REVERSE, text);
}

static void banner(struct canvas *c, const char *word, const char *style, int rows)
{
	const struct screen_state *s = c->s;
	int sx, sy;
	banner_scale(word, s->cols, rows, &sx, &sy);
	if (!sx) {
		put(c, style, "  %s", word);
		return;
	}
	int pad = (s->cols - sx * banner_base_width(word)) / 2;
	char buf[2048], line[2200];
	for (int gr = 0; gr < GLYPH_H; gr++) {
		banner_row(word, gr, sx, buf, sizeof buf);
		snprintf(line, sizeof line, "%*s%s", pad, "", buf);
		for (int k = 0; k < sy; k++)
			emit(c, style, line);
	}
}

static void progress_bar(struct canvas *c)
{
	const struct screen_state *s = c->s;
	double frac = s->nsteps ? (double)(s->step ? s->step - 1 : 0) / s->nsteps : 0;
	if (!strcmp(s->phase ? s->phase : "", "report"))
		frac = 1;
	int width = s->cols - 12;
	if (width < 10)
		width = 10;
	if (width > 200)
		width = 200;
	char bar[1024];
	size_t len = 0;
	int fill = (int)lround(frac * width);
	for (int i = 0; i < width; i++) {
		const char *cell = i < fill ? "\xe2\x96\x88" : "\xc2\xb7"; /* block, middle dot */
		size_t cl = strlen(cell);
		memcpy(bar + len, cell, cl);
		len += cl;
	}
	bar[len] = '\0';
	put(c, BOLD, "  %s %3.0f %%", bar, 100 * frac);
}

/* The verdict's banner comes first: its size depends only on the word and
 * the terminal, never on how many reasons follow, so FAIL is as large as
 * PASS and stays the largest thing on the screen; the reasons get the rows
 * that are left, cut with "... and N more in the report". */
static void result(struct canvas *c)
{
	const struct screen_state *s = c->s;
	const struct run_result *r = s->res;
	const char *word;
	const char *style = screen_verdict(r, &word);
	const char *why = !r || !r->reported ? (s->error_text && *s->error_text
							? s->error_text : "the run could not start")
			: r->verdict != REPORT_PASS ? r->reason : NULL;
	bool has_report = r && r->reported;
	/* Rows besides the banner: header 3, a blank above and below it, the
	 * summary, two rows of detail at least, the report, the message, the
	 * footer. */
	int tail = (has_report ? 1 : 0) + (s->message ? 1 : 0) + 1;
	int fixed = 3 + 1 + 1 + 1 + 1 + 2 + tail; /* + what to do, for every verdict alike */
	emit(c, NULL, "");
	banner(c, word, style, s->rows - fixed);
	emit(c, NULL, "");
	const char *serial = s->serial && *s->serial ? s->serial : "-";
	if (!r || !r->reported)
		put(c, style, "  Unit %u  %s: NOT TESTED - the test could not run", s->unit, serial);
	else if (r->verdict == REPORT_PASS)
		put(c, style, "  Unit %u  %s: PASS", s->unit, serial);
	else if (r->verdict == REPORT_FAIL && !r->nfailures)
		put(c, style, "  Unit %u  %s: FAIL - the pen failed", s->unit, serial);
	else if (r->verdict == REPORT_FAIL)
		put(c, style, "  Unit %u  %s: FAIL - %zu measurement%s out of limits", s->unit, serial,
		    r->nfailures, r->nfailures == 1 ? "" : "s");
	else if (r->verdict == REPORT_INDETERMINATE)
		put(c, style, "  Unit %u  %s: INDETERMINATE - not passed: %zu measurement%s too close "
		    "to a limit to decide", s->unit, serial, r->nfailures,
		    r->nfailures == 1 ? "" : "s");
	else
		put(c, style, "  Unit %u  %s: ABORTED - the test was stopped", s->unit, serial);
	/* What to do next, for the operator (the profile's disposition); the
	 * exact reason follows. */
	if (r && r->reported && r->instruction[0])
		put(c, BOLD, "  Do: %s", r->instruction);
	int left = s->rows - tail - c->row;
	if (r && r->reported && r->verdict == REPORT_PASS) {
		put(c, NULL, "  Every measurement passed (%.1f s of bench time).", r->bench_time_s);
	} else if (r && r->reported && r->nfailures &&
		   (r->verdict == REPORT_FAIL || r->verdict == REPORT_INDETERMINATE)) {
		put(c, NULL, r->verdict == REPORT_FAIL ? "  What failed:" : "  Not decided:");
		left--;
		size_t shown = 0;
		size_t kept = r->nfailures < RUN_MAX_FAILURES ? r->nfailures : RUN_MAX_FAILURES;
		for (; shown < kept && left > 0; shown++) {
			/* Keep a row for "... and N more" unless this is the last, and
			 * share the rows among the reasons still to come. */
			size_t remaining = r->nfailures - shown;
			int room = remaining > 1 ? left - 1 : left;
			if (room <= 0)
				break;
			int per = room / (int)(remaining < kept - shown ? remaining : kept - shown);
			left -= put_wrapped_max(c, NULL, "   - ", "     ", r->failures[shown].text,
						per < 1 ? 1 : per);
		}
		if (r->nfailures > shown)
			put(c, NULL, "   ... and %zu more in the report", r->nfailures - shown);
	} else {
		put_wrapped_max(c, NULL, "  Why: ", "       ", why, left > 0 ? left : 1);
	}
	if (has_report)
		put(c, NULL, "  Report: %s", r->report_path);
	if (s->message)
		put(c, NULL, "  %s", s->message);
	footer(c, r && r->reported && r->verdict == REPORT_PASS
			  ? " Scan the next serial | Ctrl-O: change operator | Ctrl-D: end the shift"
			  : " Scan next | Ctrl-R: test again | Ctrl-O: change operator | Ctrl-D: end shift");
}

int screen_draw_header(FILE *out, const struct screen_state *s)
{
	struct canvas c = { .out = out, .s = s };
	fputs(ESC "H", out);
	header(&c);
	return c.row;
}

void screen_draw(FILE *out, const struct screen_state *s)
{
	struct canvas c = { .out = out, .s = s };
	fputs(ESC "H", out);
	header(&c);
	switch (s->kind) {
	case SCREEN_SIGN_IN: {
		emit(&c, NULL, "");
		if (s->handing_over)
			put(&c, BOLD, "  Change of operator (from %s): the shift goes on.", s->handing_over);
		put(&c, BOLD, "  Sign in: type your name or scan your badge, then Enter.");
		emit(&c, NULL, "");
		put(&c, BOLD, "  Operator: %s_", s->input ? s->input : "");
		if (s->message) {
			emit(&c, NULL, "");
			put(&c, NULL, "  %s", s->message);
		}
		/* A change of operator: back to the one signed in (no access
		 * control), or no one is signed in any more. */
		bool kept = s->operator_name && s->operator_name[0];
		footer(&c, !s->handing_over ? " Enter: sign in | Ctrl-D: quit"
			   : kept	    ? " Enter: sign in | Esc: cancel, stay signed in"
					    : " Enter: sign in | Ctrl-D: end the shift");
		break;
	}
	case SCREEN_PIN: {
		char stars[NAME_STARS_MAX + 1];
		size_t n = s->input ? strlen(s->input) : 0;
		n = n < NAME_STARS_MAX ? n : NAME_STARS_MAX;
		memset(stars, '*', n);
		stars[n] = '\0';
		emit(&c, NULL, "");
		put(&c, BOLD, "  Sign in as %s: type your PIN, then Enter.", s->operator_name);
		emit(&c, NULL, "");
		put(&c, BOLD, "  PIN: %s_", stars);
		footer(&c, " Enter: sign in | Esc: clear | Ctrl-D: quit");
		break;
	}
	case SCREEN_SCAN:
		emit(&c, NULL, "");
		put(&c, BOLD, "  Unit %u: scan the serial on the pen (or type it), then Enter.",
		    s->unit);
		emit(&c, NULL, "");
		put(&c, BOLD, "  Serial: %s_", s->input ? s->input : "");
		if (s->message) {
			emit(&c, NULL, "");
			put(&c, NULL, "  %s", s->message);
		}
		footer(&c, " Enter: accept the serial | Ctrl-O: change operator | Ctrl-D: end the shift");
		break;
	case SCREEN_READY:
		emit(&c, NULL, "");
		put(&c, BOLD, "  Unit %u  serial %s", s->unit, s->serial);
		put(&c, NULL, "  Bench %s: %s", s->station,
		    !s->virtual_bench ? "the real fixture"
		    : s->rehearsal    ? "REHEARSAL on the virtual bench, in real time (no pen is tested)"
				      : "the virtual bench (simulated pen, no pen is tested)");
		if (s->bench_status)
			put(&c, BOLD, "  %s", s->bench_status);
		if (s->cal_status)
			put(&c, NULL, "  %s", s->cal_status);
		if (s->unit_note)
			put(&c, NULL, "  virtual bench: %s", s->unit_note);
		emit(&c, NULL, "");
		put(&c, NULL, "  Seat the pen in the fixture and close the lid.");
		put(&c, BOLD, "  Then press %s to start the test.",
		    s->start_button ? "START (or Enter)" : "Enter");
		if (s->message) {
			emit(&c, NULL, "");
			put(&c, NULL, "  %s", s->message);
		}
		footer(&c, s->start_button ? " START or Enter: start | Esc: scan again | Ctrl-O: change operator"
					   : " Enter: start | Esc: scan again | Ctrl-O: change operator");
		break;
	case SCREEN_RUNNING:
		emit(&c, NULL, "");
		put(&c, BOLD, "  Unit %u  serial %s: TESTING - keep the lid closed", s->unit,
		    s->serial);
		emit(&c, NULL, "");
		put(&c, NULL, "  Phase: %-10s point %u of %u", s->phase ? s->phase : "start",
		    s->step, s->nsteps);
		progress_bar(&c);
		put(&c, NULL, "  %s", s->detail ? s->detail : "");
		footer(&c, " E-stop stops the test at once");
		break;
	case SCREEN_RESULT:
		result(&c);
		break;
	}
	fputs(ESC "J", out);
	fflush(out);
}
