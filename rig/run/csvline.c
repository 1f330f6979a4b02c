/* csvline.c - one CSV line in memory, by the rig's CSV rules (csvline.h).
 * Used by the run reports and by every other CSV the rig writes. */
#include "run/csvline.h"

#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "run/text.h"

static void csv_line_reserve(struct csv_line *l, size_t more)
{
	if (l->oom || l->len + more + 1 <= l->cap)
		return;
	if (RIG_GROW(l->s, l->cap, l->len + more + 1, 512, NULL))
		l->oom = true;
}

void csv_line_raw(struct csv_line *l, const char *s, size_t n)
{
	csv_line_reserve(l, n);
	if (l->oom)
		return;
	memcpy(l->s + l->len, s, n);
	l->len += n;
	l->s[l->len] = '\0';
}

static void csv_line_sep(struct csv_line *l)
{
	if (!l->first)
		csv_line_raw(l, ",", 1);
	l->first = false;
}

/* A text field: control characters replaced, formula triggers neutralised
 * with a leading apostrophe, quoted by libcsv. */
void csv_line_text(struct csv_line *l, const char *text)
{
	text = text ? text : "";
	size_t n = strlen(text);
	char *clean = malloc(n + 2);
	if (!clean) {
		l->oom = true;
		return;
	}
	clean[0] = '\'';
	text_clean(clean + 1, n + 1, text);
	const char *src = text_is_formula(clean + 1) ? clean : clean + 1;
	size_t srclen = strlen(src);
	csv_line_sep(l);
	csv_line_reserve(l, 2 * srclen + 2);
	if (!l->oom) {
		l->len += csv_write(l->s + l->len, l->cap - l->len, src, srclen);
		l->s[l->len] = '\0';
	}
	free(clean);
}

/* A number we formatted: bare, %.9g (9 significant digits: 1 uHz at
 * 160 Hz, 1 nm at 2.5 mm); NaN and infinities are an empty field. */
void csv_line_num(struct csv_line *l, double v)
{
	char b[32] = "";
	if (isfinite(v))
		snprintf(b, sizeof b, "%.9g", v == 0 ? 0.0 : v); /* no "-0" */
	csv_line_sep(l);
	csv_line_raw(l, b, strlen(b));
}

void csv_line_bare(struct csv_line *l, const char *formatted)
{
	csv_line_sep(l);
	csv_line_raw(l, formatted, strlen(formatted));
}

void csv_line_long(struct csv_line *l, long v)
{
	char b[24] = "";
	if (v >= 0)
		snprintf(b, sizeof b, "%ld", v);
	csv_line_sep(l);
	csv_line_raw(l, b, strlen(b));
}

void csv_line_end(struct csv_line *l)
{
	csv_line_raw(l, "\r\n", 2);
	l->first = true;
}

void csv_line_header(struct csv_line *l, const char *const *cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_line_text(l, cols[i]);
	csv_line_end(l);
}
