/* report_columns.c - the one column table of a report. The journal and the
 * final report write a row by walking it; recovery reads a journal back by
 * walking it again, finding each column by its name in the journal's own
 * header (so a journal keeps its meaning whatever the order of columns). */
#include "run/report_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/text.h"

#define META_TEXT(col, field)                                                                \
	{ col, REPORT_COL_META_TEXT, offsetof(struct report_meta, field),                    \
	  sizeof(((struct report_meta *)0)->field) }
#define ROW(col, kind, field) { col, kind, offsetof(struct report_row, field), 0 }
#define ACCEPT(col, field, spec)                                                             \
	{ col, REPORT_COL_ACCEPT, offsetof(struct report_row, field),                         \
	  offsetof(struct report_row, spec) }

const struct report_column report_columns[REPORT_NCOLUMNS] = {
	META_TEXT("run_id", run_id),
	{ "timestamp", REPORT_COL_META_TIME, offsetof(struct report_meta, started), 0 },
	META_TEXT("station", station),
	META_TEXT("operator", operator_name),
	META_TEXT("pen_model", pen_model),
	META_TEXT("pen_serial", pen_serial),
	META_TEXT("pen_firmware", pen_firmware),
	{ "attempt", REPORT_COL_META_COUNT, offsetof(struct report_meta, attempt), 0 },
	META_TEXT("profile", profile),
	META_TEXT("profile_version", profile_version),
	META_TEXT("profile_sha256", profile_sha256),
	META_TEXT("rig_version", rig_version),
	ROW("phase", REPORT_COL_TEXT, phase),
	ROW("step", REPORT_COL_TEXT, step),
	ROW("quantity", REPORT_COL_TEXT, quantity),
	ROW("unit", REPORT_COL_TEXT, unit),
	ROW("commanded", REPORT_COL_NUM, commanded),
	ROW("measured", REPORT_COL_NUM_U, measured),
	ROW("std", REPORT_COL_NUM_U, std),
	ROW("n", REPORT_COL_COUNT, n),
	ROW("uncertainty", REPORT_COL_U, uncertainty),
	ROW("low_limit", REPORT_COL_NUM, low_limit),
	ROW("high_limit", REPORT_COL_NUM, high_limit),
	ACCEPT("accept_low", accept_low, low_limit),
	ACCEPT("accept_high", accept_high, high_limit),
	ROW("conformance_probability", REPORT_COL_PROB, conformance_probability),
	ROW("result", REPORT_COL_TEXT, result),
	ROW("category", REPORT_COL_TEXT, category),
	ROW("note", REPORT_COL_TEXT, note),
	ROW("reason_code", REPORT_COL_TEXT, reason_code),
	ROW("disposition", REPORT_COL_TEXT, disposition),
	ROW("instruction", REPORT_COL_TEXT, instruction),
	ROW("measured_full", REPORT_COL_NUM, measured),
	ROW("uncertainty_full", REPORT_COL_NUM, uncertainty),
};

/* The columns without which a journal cannot be read back as a run. */
static const char *const required[] = { "run_id", "phase", "step", "quantity", "result" };

int report_column_index(const char *name)
{
	for (int i = 0; i < REPORT_NCOLUMNS; i++)
		if (strcmp(report_columns[i].name, name) == 0)
			return i;
	return -1;
}

/* The columns a person reads: numbers to the row's uncertainty. */
static void line_rounded(struct csv_line *l, const struct report_column *c,
			 const struct report_row *row)
{
	char b[TEXT_NUM_MAX];
	double v = *(const double *)((const char *)row + c->off);
	switch (c->kind) {
	case REPORT_COL_U:
		text_u(b, sizeof b, v);
		break;
	case REPORT_COL_ACCEPT:
		if (v == *(const double *)((const char *)row + c->size))
			text_limit(b, sizeof b, v);
		else
			text_num_u(b, sizeof b, v, row->uncertainty);
		break;
	case REPORT_COL_PROB:
		text_num_at(b, sizeof b, v, 4);
		break;
	default:
		text_num_u(b, sizeof b, v, row->uncertainty);
		break;
	}
	csv_line_bare(l, b);
}

void report_line_row(struct csv_line *l, const struct report_meta *m,
		     const struct report_row *row)
{
	char ts[21];
	for (size_t i = 0; i < REPORT_NCOLUMNS; i++) {
		const struct report_column *c = &report_columns[i];
		const char *mp = (const char *)m + c->off;
		const char *rp = (const char *)row + c->off;
		switch (c->kind) {
		case REPORT_COL_META_TEXT:
			csv_line_text(l, mp);
			break;
		case REPORT_COL_META_TIME:
			report_iso_time(ts, m->started);
			csv_line_text(l, ts);
			break;
		case REPORT_COL_META_COUNT: {
			unsigned v = *(const unsigned *)mp;
			csv_line_long(l, v ? (long)v : -1);
			break;
		}
		case REPORT_COL_TEXT:
			csv_line_text(l, *(const char *const *)rp);
			break;
		case REPORT_COL_NUM:
			csv_line_num(l, *(const double *)rp);
			break;
		case REPORT_COL_COUNT:
			csv_line_long(l, *(const long *)rp);
			break;
		default:
			line_rounded(l, c, row);
			break;
		}
	}
	csv_line_end(l);
}

enum rig_rc report_columns_locate(int col[REPORT_NCOLUMNS], char *const *field, size_t nf,
				  const char *path, struct rig_err *err)
{
	for (size_t i = 0; i < REPORT_NCOLUMNS; i++)
		col[i] = -1;
	for (size_t k = 0; k < nf; k++) {
		int i = report_column_index(field[k]);
		if (i < 0)
			continue; /* a column this rig does not know: not needed to recover */
		if (col[i] >= 0)
			return rig_fail(err, RIG_E_DATA, "%s: not a rig journal (column '%s' twice)",
					path, field[k]);
		col[i] = (int)k;
	}
	for (size_t j = 0; j < sizeof required / sizeof required[0]; j++)
		if (col[report_column_index(required[j])] < 0)
			return rig_fail(err, RIG_E_DATA,
					"%s: not a rig journal (expected a column '%s' in its header)",
					path, required[j]);
	return RIG_OK;
}

static double parse_num(const char *s)
{
	if (!*s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	return *end ? NAN : v;
}

static time_t parse_iso(const char *s)
{
	struct tm tm = { 0 };
	char z = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z')
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

void report_columns_read(const int col[REPORT_NCOLUMNS], char *const *field,
			 struct report_meta *m, struct report_row *row)
{
	*row = REPORT_ROW_EMPTY;
	for (size_t i = 0; i < REPORT_NCOLUMNS; i++) {
		const struct report_column *c = &report_columns[i];
		if (col[i] < 0)
			continue; /* not in this journal: empty */
		const char *f = field[col[i]];
		char *rp = (char *)row + c->off;
		switch (c->kind) {
		case REPORT_COL_META_TEXT:
			if (m)
				text_clean((char *)m + c->off, c->size, f);
			break;
		case REPORT_COL_META_TIME:
			if (m)
				m->started = parse_iso(f);
			break;
		case REPORT_COL_META_COUNT:
			if (m) {
				char *end;
				long v = strtol(f, &end, 10);
				*(unsigned *)((char *)m + c->off) =
					*f && !*end && v > 0 && v < 1000000 ? (unsigned)v : 0;
			}
			break;
		case REPORT_COL_TEXT:
			*(const char **)rp = f;
			break;
		case REPORT_COL_COUNT:
			*(long *)rp = *f ? strtol(f, NULL, 10) : -1;
			break;
		default: /* a rounded display is overridden by its _full column */
			*(double *)rp = parse_num(f);
			break;
		}
	}
}
