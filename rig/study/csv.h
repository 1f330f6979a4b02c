/* csv.h - CSV files of the characterisation tools: writing rows by the
 * report's rules (docs/reports.md: RFC 4180, CRLF, text always quoted by
 * libcsv, control characters replaced, formula triggers neutralised with a
 * leading "'", numbers bare %.9g, missing numbers empty) and reading a
 * whole file back with libcsv into a table addressed by column name.
 *
 * A struct csv_out writes to a caller-owned FILE. A struct csv_table owns
 * every string it holds; csv_table_free() releases them.
 */
#ifndef RIG_STUDY_CSV_H
#define RIG_STUDY_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "run/csvline.h"

struct csv_out {
	FILE *f;
	struct csv_line line; /* the line being built, written whole at its end */
};

void csv_out_init(struct csv_out *o, FILE *f);
void csv_out_text(struct csv_out *o, const char *text);
void csv_out_num(struct csv_out *o, double v);     /* NaN, inf: empty */
void csv_out_long(struct csv_out *o, long v);      /* < 0: empty */
/* CRLF, then the line goes out in one fwrite; false when it could not be
 * built (out of memory) or written. */
bool csv_out_end(struct csv_out *o);
void csv_out_header(struct csv_out *o, const char *const *cols, size_t n);

struct csv_table {
	char **cell;     /* nrows x ncols, row-major; missing fields are "" */
	char **header;   /* ncols */
	size_t nrows, ncols;
};

/* Read path: first record is the header. A text field that starts with
 * "'" followed by a formula trigger gets its "'" removed again (the
 * writer's neutralising). RIG_E_IO if unreadable, RIG_E_DATA if malformed
 * or a row has more fields than the header. */
enum rig_rc csv_table_load(struct csv_table *t, const char *path, struct rig_err *err);
/* The same from len bytes in memory (name in messages). */
enum rig_rc csv_table_load_mem(struct csv_table *t, const void *bytes, size_t len,
			       const char *name, struct rig_err *err);
void csv_table_free(struct csv_table *t);

/* Column index of name, or -1. */
int csv_table_col(const struct csv_table *t, const char *name);
/* Cell text ("" for col < 0). */
const char *csv_table_get(const struct csv_table *t, size_t row, int col);
/* Cell as a number: NaN if empty, col < 0 or not a number. */
double csv_table_num(const struct csv_table *t, size_t row, int col);

#endif
