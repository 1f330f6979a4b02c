/* record.c - a run report parsed for the results database, and written
 * into it. The report is read by column name; every row becomes a
 * measurements row (seq = its row number), the fixture rows also a
 * calibrations row, the verdict row gives the run's verdict and reason. */
#include "store/record.h"

#include "core/grow.h"
#include "run/text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MEAS_COLS 19  /* measurements columns after run_id, seq */
#define ROWS_PER_INSERT 400

/* Measurement columns, named as in the report (docs/reports.md) and in
 * the table (docs/results-db.md); numbers are checked before they go. */
static const struct {
	const char *name;
	char kind; /* t text, d double, i integer */
} meas[MEAS_COLS] = {
	{ "phase", 't' },	{ "step", 't' },	{ "quantity", 't' },
	{ "unit", 't' },	{ "commanded", 'd' },	{ "measured", 'd' },
	{ "std", 'd' },		{ "n", 'i' },		{ "uncertainty", 'd' },
	{ "low_limit", 'd' },	{ "high_limit", 'd' },	{ "accept_low", 'd' },
	{ "accept_high", 'd' }, { "result", 't' },	{ "category", 't' },
	{ "note", 't' },	{ "conformance_probability", 'd' },
	{ "measured_full", 'd' },	{ "uncertainty_full", 'd' },
};

enum rig_rc store_read_file(const char *path, char **bytes, size_t *len, struct rig_err *err)
{
	*bytes = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", path);
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	if (fstat(fileno(f), &st) == 0 && st.st_size >= 0) {
		buf = malloc((size_t)st.st_size + 1);
		if (buf)
			n = fread(buf, 1, (size_t)st.st_size, f);
	}
	bool bad = !buf || ferror(f) || n != (size_t)st.st_size;
	int e = errno;
	fclose(f);
	if (bad) {
		free(buf);
		return buf ? rig_fail_errno(err, RIG_E_IO, e, "cannot read %s", path)
			   : rig_fail(err, RIG_E_NOMEM, "out of memory reading %s", path);
	}
	buf[n] = '\0';
	*bytes = buf;
	*len = n;
	return RIG_OK;
}

static const char *first_cell(const struct csv_table *t, const char *const *names)
{
	for (; *names; names++) {
		int c = csv_table_col(t, *names);
		if (c >= 0 && t->nrows)
			return csv_table_get(t, 0, c);
	}
	return "";
}

#define CELL(...) first_cell(&r->t, (const char *const[]){ __VA_ARGS__, NULL })

static void set_metadata(struct store_run *r)
{
	r->run_id = CELL("run_id");
	r->started_at = CELL("timestamp", "started_at", "start_time");
	r->ended_at = CELL("ended_at", "end_time", "finished_at", "timestamp_end");
	r->station = CELL("station");
	r->operator_name = CELL("operator");
	r->pen_model = CELL("pen_model");
	r->pen_serial = CELL("pen_serial");
	r->pen_firmware = CELL("pen_firmware");
	r->profile = CELL("profile");
	r->profile_version = CELL("profile_version");
	r->profile_sha256 = CELL("profile_sha256");
	r->rig_version = CELL("rig_version");
	r->attempt = CELL("attempt");
	r->lot = CELL("lot");
	store_serial_key(r->serial_key, sizeof r->serial_key, r->pen_serial);
}

void store_serial_key(char *out, size_t cap, const char *s)
{
	text_serial_key(out, cap, s);
}

/* Verdict row (run, end, verdict) and the sum of the bench times. */
static bool find_verdict(struct store_run *r)
{
	int ph = csv_table_col(&r->t, "phase"), st = csv_table_col(&r->t, "step"),
	    q = csv_table_col(&r->t, "quantity"), res = csv_table_col(&r->t, "result"),
	    note = csv_table_col(&r->t, "note"), m = csv_table_col(&r->t, "measured"),
	    cat = csv_table_col(&r->t, "category");
	int code = csv_table_col(&r->t, "reason_code"), disp = csv_table_col(&r->t, "disposition"),
	    todo = csv_table_col(&r->t, "instruction");
	r->verdict = r->reason = r->category = "";
	r->reason_code = r->disposition = r->instruction = "";
	r->bench_time_s = 0;
	bool found = false;
	for (size_t i = 0; i < r->t.nrows; i++) {
		const char *quantity = csv_table_get(&r->t, i, q);
		if (!strcmp(quantity, "bench_time")) {
			double v = csv_table_num(&r->t, i, m);
			if (isfinite(v))
				r->bench_time_s += v;
		}
		if (!strcmp(csv_table_get(&r->t, i, ph), "run") &&
		    !strcmp(csv_table_get(&r->t, i, st), "end") && !strcmp(quantity, "verdict")) {
			r->verdict = csv_table_get(&r->t, i, res);
			r->reason = csv_table_get(&r->t, i, note);
			r->category = csv_table_get(&r->t, i, cat);
			r->reason_code = csv_table_get(&r->t, i, code);
			r->disposition = csv_table_get(&r->t, i, disp);
			r->instruction = csv_table_get(&r->t, i, todo);
			found = *r->verdict != '\0';
		}
	}
	return found;
}

enum rig_rc store_run_parse(struct store_run *r, const char *file, char *bytes, size_t len,
			    struct rig_err *err)
{
	memset(r, 0, sizeof *r);
	r->bytes = bytes;
	r->len = len;
	snprintf(r->file, sizeof r->file, "%s", file);
	sha256_hex(bytes, len, r->sha256);
	enum rig_rc rc = csv_table_load_mem(&r->t, bytes, len, file, err);
	if (rc)
		return rc;
	static const char *const need[] = { "run_id", "timestamp", "station", "pen_serial",
					    "phase", "step", "quantity", "result" };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (csv_table_col(&r->t, need[i]) < 0)
			return rig_fail(err, RIG_E_DATA, "%s: not a run report: no column '%s'",
					file, need[i]);
	set_metadata(r);
	if (!*r->run_id || !*r->started_at)
		return rig_fail(err, RIG_E_DATA, "%s: not a run report: no run_id or timestamp",
				file);
	if (!find_verdict(r))
		return rig_fail(err, RIG_E_DATA,
				"%s: no verdict row (run, end, verdict): not a finished report", file);
	return RIG_OK;
}

enum rig_rc store_run_read(struct store_run *r, const char *path, struct rig_err *err)
{
	char *bytes;
	size_t len;
	memset(r, 0, sizeof *r);
	enum rig_rc rc = store_read_file(path, &bytes, &len, err);
	if (rc)
		return rc;
	const char *base = strrchr(path, '/');
	return store_run_parse(r, base ? base + 1 : path, bytes, len, err);
}

void store_run_free(struct store_run *r)
{
	csv_table_free(&r->t);
	free(r->bytes);
	memset(r, 0, sizeof *r);
}

/* A cell as a parameter: NULL when empty or, for a number column, when it
 * is not a finite number (the table holds numbers, the bytes hold all). */
static const char *param(const char *cell, char kind)
{
	if (!*cell)
		return NULL;
	if (kind == 't')
		return cell;
	char *end;
	errno = 0;
	if (kind == 'i') {
		(void)strtoll(cell, &end, 10);
		return *end || errno ? NULL : cell;
	}
	double v = strtod(cell, &end);
	return *end || !isfinite(v) ? NULL : cell;
}

static const char *nz(const char *s)
{
	return *s ? s : NULL;
}

static enum rig_rc put_run_row(struct store_db *db, const struct store_run *r,
			       struct rig_err *err)
{
	char bench[32], size[32];
	snprintf(bench, sizeof bench, "%.17g", r->bench_time_s);
	snprintf(size, sizeof size, "%zu", r->len);
	const char *p[] = { r->run_id, r->station, nz(r->operator_name), nz(r->pen_model),
			    r->pen_serial, r->serial_key, nz(r->pen_firmware), nz(r->profile),
			    nz(r->profile_version), nz(r->profile_sha256), nz(r->rig_version),
			    r->started_at, nz(r->ended_at), r->verdict, nz(r->reason),
			    nz(r->category), param(r->attempt, 'i'), nz(r->lot), bench, r->file,
			    r->sha256, size, nz(r->reason_code), nz(r->disposition),
			    nz(r->instruction) };
	return store_db_exec(
		db,
		"INSERT INTO runs (run_id, station, operator, pen_model, pen_serial, serial_key,"
		" pen_firmware, profile, profile_version, profile_sha256, rig_version, started_at,"
		" ended_at, verdict, reason, category, attempt, lot, bench_time_s, report_file,"
		" report_sha256, report_size, reason_code, disposition, instruction) VALUES ($1, $2,"
		" $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
		" $21, $22, $23, $24, $25)",
		(int)(sizeof p / sizeof p[0]), p, NULL, NULL, NULL, err);
}

/* A growing SQL text; false once out of memory. */
struct sqlbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sql_add(struct sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sql_add(struct sqlbuf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		if (RIG_GROW(b->s, b->cap, b->len + (size_t)n + 1, 4096, NULL)) {
			b->oom = true;
			return;
		}
	}
}

/* Rows [from, to) of the report as one multi-row INSERT. */
static enum rig_rc put_rows(struct store_db *db, const struct store_run *r, size_t from,
			    size_t to, const char **p, char (*seq)[24], struct rig_err *err)
{
	int col[MEAS_COLS];
	for (int c = 0; c < MEAS_COLS; c++)
		col[c] = csv_table_col(&r->t, meas[c].name);
	struct sqlbuf b = { 0 };
	sql_add(&b, "INSERT INTO measurements (run_id, seq");
	for (int c = 0; c < MEAS_COLS; c++)
		sql_add(&b, ", %s", meas[c].name);
	sql_add(&b, ") VALUES ");
	int np = 0;
	for (size_t i = from; i < to; i++) {
		if (np == 0)
			p[np++] = r->run_id;
		sql_add(&b, "%s($1, $%d", i > from ? ", " : "", np + 1);
		snprintf(seq[i - from], sizeof seq[0], "%zu", i + 1);
		p[np++] = seq[i - from];
		for (int c = 0; c < MEAS_COLS; c++) {
			sql_add(&b, ", $%d", np + 1);
			p[np++] = param(csv_table_get(&r->t, i, col[c]), meas[c].kind);
		}
		sql_add(&b, ")");
	}
	enum rig_rc rc = b.oom ? rig_fail(err, RIG_E_NOMEM, "out of memory storing %s", r->file)
			       : store_db_exec(db, b.s, np, p, NULL, NULL, NULL, err);
	free(b.s);
	return rc;
}

static enum rig_rc put_calibrations(struct store_db *db, const struct store_run *r,
				    struct rig_err *err)
{
	int ph = csv_table_col(&r->t, "phase"), st = csv_table_col(&r->t, "step"),
	    q = csv_table_col(&r->t, "quantity"), note = csv_table_col(&r->t, "note"),
	    m = csv_table_col(&r->t, "measured");
	enum rig_rc rc = RIG_OK;
	for (size_t i = 0; i < r->t.nrows && !rc; i++) {
		if (strcmp(csv_table_get(&r->t, i, ph), "fixture"))
			continue;
		char seq[24];
		snprintf(seq, sizeof seq, "%zu", i + 1);
		const char *value = csv_table_get(&r->t, i, note);
		if (!*value)
			value = csv_table_get(&r->t, i, m);
		const char *p[] = { r->run_id, seq, csv_table_get(&r->t, i, st),
				    csv_table_get(&r->t, i, q), nz(value) };
		rc = store_db_exec(db,
				   "INSERT INTO calibrations (run_id, seq, device, item, value)"
				   " VALUES ($1, $2, $3, $4, $5)",
				   5, p, NULL, NULL, NULL, err);
	}
	return rc;
}

enum rig_rc store_run_put(struct store_db *db, const struct store_run *r, struct rig_err *err)
{
	enum rig_rc rc = put_run_row(db, r, err);
	size_t chunk = ROWS_PER_INSERT;
	const char **p = malloc((1 + chunk * (MEAS_COLS + 1)) * sizeof *p);
	char(*seq)[24] = malloc(chunk * sizeof *seq);
	if (!rc && (!p || !seq))
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory storing %s", r->file);
	for (size_t from = 0; !rc && from < r->t.nrows; from += chunk)
		rc = put_rows(db, r, from, from + chunk < r->t.nrows ? from + chunk : r->t.nrows,
			      p, seq, err);
	free(p);
	free(seq);
	if (!rc)
		rc = put_calibrations(db, r, err);
	if (rc)
		rig_err_prefix(err, "%s: ", r->file);
	return rc;
}
