/* csv.c - CSV out by the report's rules (run/csvline.h), CSV in through
 * libcsv. */
#include "study/csv.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "run/text.h"

void csv_out_init(struct csv_out *o, FILE *f)
{
	o->f = f;
	o->line = CSV_LINE_INIT;
}

void csv_out_text(struct csv_out *o, const char *text)
{
	csv_line_text(&o->line, text);
}

void csv_out_num(struct csv_out *o, double v)
{
	csv_line_num(&o->line, v);
}

void csv_out_long(struct csv_out *o, long v)
{
	csv_line_long(&o->line, v);
}

bool csv_out_end(struct csv_out *o)
{
	csv_line_end(&o->line);
	bool ok = !o->line.oom &&
		  fwrite(o->line.s, 1, o->line.len, o->f) == o->line.len;
	free(o->line.s);
	o->line = CSV_LINE_INIT;
	return ok;
}

void csv_out_header(struct csv_out *o, const char *const *cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_out_text(o, cols[i]);
	csv_out_end(o);
}

/* ---- reading ----------------------------------------------------------- */

struct load {
	struct csv_table *t;
	char **rec;           /* fields of the record being read */
	size_t nrec, caprec;
	size_t caprows;
	size_t record;
	bool oom, too_many;
	size_t bad_record;
};

static void on_field(void *data, size_t len, void *user)
{
	struct load *L = user;
	if (L->oom)
		return;
	if (RIG_GROW(L->rec, L->caprec, L->nrec + 1, 32, NULL)) {
		L->oom = true;
		return;
	}
	char *s = malloc(len + 1);
	if (!s) {
		L->oom = true;
		return;
	}
	memcpy(s, data ? data : "", len);
	s[len] = '\0';
	if (s[0] == '\'' && text_is_formula(s + 1))
		memmove(s, s + 1, len);
	L->rec[L->nrec++] = s;
}

static void drop_rec(struct load *L)
{
	for (size_t i = 0; i < L->nrec; i++)
		free(L->rec[i]);
	L->nrec = 0;
}

static void on_record(int c, void *user)
{
	(void)c;
	struct load *L = user;
	struct csv_table *t = L->t;
	if (L->oom)
		return drop_rec(L);
	if (L->record++ == 0) {
		t->ncols = L->nrec;
		t->header = malloc((L->nrec ? L->nrec : 1) * sizeof *t->header);
		if (!t->header) {
			L->oom = true;
			return drop_rec(L);
		}
		memcpy(t->header, L->rec, L->nrec * sizeof *t->header);
		L->nrec = 0;
		return;
	}
	if (L->nrec > t->ncols) {
		if (!L->too_many)
			L->bad_record = L->record;
		L->too_many = true;
		return drop_rec(L);
	}
	if (rig_grow(&t->cell, &L->caprows, t->nrows + 1, t->ncols * sizeof *t->cell, 64, NULL)) {
		L->oom = true;
		return drop_rec(L);
	}
	char **row = t->cell + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		if (i < L->nrec) {
			row[i] = L->rec[i];
		} else {
			row[i] = calloc(1, 1);
			if (!row[i])
				L->oom = true;
		}
	}
	L->nrec = 0;
	t->nrows++;
}

/* Read the open stream f (named path in messages); closes f. */
static enum rig_rc load_stream(struct csv_table *t, FILE *f, const char *path,
			       struct rig_err *err)
{
	memset(t, 0, sizeof *t);
	struct load L = { .t = t };
	struct csv_parser p;
	enum rig_rc rc = RIG_OK;
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
		fclose(f);
		return rig_fail(err, RIG_E_NOMEM, "out of memory reading %s", path);
	}
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (csv_parse(&p, buf, n, on_field, on_record, &L) != n) {
			rc = rig_fail(err, RIG_E_DATA, "%s: not a CSV file (%s, near record %zu)", path,
				      csv_strerror(csv_error(&p)), L.record + 1);
			goto out;
		}
	}
	if (ferror(f)) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", path);
		goto out;
	}
	if (csv_fini(&p, on_field, on_record, &L) != 0) {
		rc = rig_fail(err, RIG_E_DATA, "%s: the last record is cut (%s)", path,
			      csv_strerror(csv_error(&p)));
		goto out;
	}
	if (L.oom)
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading %s", path);
	else if (L.too_many)
		rc = rig_fail(err, RIG_E_DATA, "%s: record %zu has more fields than the header (%zu)",
			      path, L.bad_record, t->ncols);
	else if (!t->header)
		rc = rig_fail(err, RIG_E_DATA, "%s: empty file, expected a header row", path);
out:
	drop_rec(&L);
	free(L.rec);
	csv_free(&p);
	fclose(f);
	if (rc)
		csv_table_free(t);
	return rc;
}

enum rig_rc csv_table_load(struct csv_table *t, const char *path, struct rig_err *err)
{
	memset(t, 0, sizeof *t);
	FILE *f = fopen(path, "rb");
	if (!f)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", path);
	return load_stream(t, f, path, err);
}

enum rig_rc csv_table_load_mem(struct csv_table *t, const void *bytes, size_t len,
			       const char *name, struct rig_err *err)
{
	memset(t, 0, sizeof *t);
	/* fmemopen refuses a zero-length buffer: an empty text has no header. */
	FILE *f = len ? fmemopen((void *)bytes, len, "rb") : NULL;
	if (!len)
		return rig_fail(err, RIG_E_DATA, "%s: empty file, expected a header row", name);
	if (!f)
		return rig_fail_errno(err, RIG_E_NOMEM, errno, "cannot read %s", name);
	return load_stream(t, f, name, err);
}

void csv_table_free(struct csv_table *t)
{
	for (size_t i = 0; t->cell && i < t->nrows * t->ncols; i++)
		free(t->cell[i]);
	for (size_t i = 0; t->header && i < t->ncols; i++)
		free(t->header[i]);
	free(t->cell);
	free(t->header);
	memset(t, 0, sizeof *t);
}

int csv_table_col(const struct csv_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *csv_table_get(const struct csv_table *t, size_t row, int col)
{
	if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows)
		return "";
	return t->cell[row * t->ncols + (size_t)col];
}

double csv_table_num(const struct csv_table *t, size_t row, int col)
{
	const char *s = csv_table_get(t, row, col);
	if (!*s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	return *end ? NAN : v;
}
