/* query_stats.c - the rows behind `rig stats --db`: the runs that pass the
 * filter, in the order they started, rebuilt as tables with the report's
 * column names, so that the statistics code reads them exactly as it reads
 * report files (rig/study/stats.c). */
#include "store/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

#define RUNS_PER_QUERY 200

/* The report's columns as the statistics read them, and where each comes
 * from. Numbers come back as each database prints them (SQLite: 15
 * significant digits, which give the report's %.9g values back exactly;
 * PostgreSQL: the shortest exact form); 'c', the commanded value, whose
 * text names a characteristic, is put in its shortest exact form as the
 * report wrote it ("250", not "250.0"). */
static const struct {
	const char *name, *expr;
	char kind;
} columns[] = {
	{ "run_id", "r.run_id", 't' },
	{ "timestamp", "r.started_at", 't' },
	{ "station", "r.station", 't' },
	{ "operator", "r.operator", 't' },
	{ "pen_model", "r.pen_model", 't' },
	{ "pen_serial", "r.pen_serial", 't' },
	{ "pen_firmware", "r.pen_firmware", 't' },
	{ "profile", "r.profile", 't' },
	{ "profile_version", "r.profile_version", 't' },
	{ "profile_sha256", "r.profile_sha256", 't' },
	{ "rig_version", "r.rig_version", 't' },
	{ "attempt", "r.attempt", 't' },
	{ "lot", "r.lot", 't' },
	{ "phase", "m.phase", 't' },
	{ "step", "m.step", 't' },
	{ "quantity", "m.quantity", 't' },
	{ "unit", "m.unit", 't' },
	{ "commanded", "m.commanded", 'c' },
	{ "measured", "m.measured", 'd' },
	{ "std", "m.std", 'd' },
	{ "n", "m.n", 't' },
	{ "uncertainty", "m.uncertainty", 'd' },
	{ "low_limit", "m.low_limit", 'd' },
	{ "high_limit", "m.high_limit", 'd' },
	{ "accept_low", "m.accept_low", 'd' },
	{ "accept_high", "m.accept_high", 'd' },
	{ "conformance_probability", "m.conformance_probability", 'd' },
	{ "result", "m.result", 't' },
	{ "category", "m.category", 't' },
	{ "note", "m.note", 't' },
	{ "measured_full", "m.measured_full", 'd' },
	{ "uncertainty_full", "m.uncertainty_full", 'd' },
};
#define NCOLS (sizeof columns / sizeof columns[0])

struct chunk {
	char *buf;
	size_t len, cap;
	size_t *off;         /* nrows x NCOLS offsets into buf */
	size_t nrows, caprows;
	bool oom;
};

static void put(struct chunk *c, const char *s)
{
	size_t n = strlen(s) + 1;
	if (RIG_GROW(c->buf, c->cap, c->len + n, 1 << 16, NULL)) {
		c->oom = true;
		return;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

static void shortest(char *out, size_t cap, const char *text)
{
	char *end;
	double v = strtod(text, &end);
	if (*end) {
		snprintf(out, cap, "%s", text);
		return;
	}
	for (int p = 6; p <= 17; p++) {
		snprintf(out, cap, "%.*g", p, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

static int add_row(void *ctx, int ncols, const char *const *cells)
{
	struct chunk *c = ctx;
	if (c->oom || ncols < (int)NCOLS)
		return 1;
	if (rig_grow(&c->off, &c->caprows, c->nrows + 1, NCOLS * sizeof *c->off, 1024, NULL)) {
		c->oom = true;
		return 1;
	}
	for (size_t i = 0; i < NCOLS && !c->oom; i++) {
		char num[40];
		const char *s = cells[i] ? cells[i] : "";
		if (*s && columns[i].kind == 'c') {
			shortest(num, sizeof num, s);
			s = num;
		}
		c->off[c->nrows * NCOLS + i] = c->len;
		put(c, s);
	}
	c->nrows++;
	return c->oom;
}

struct ids {
	char (*v)[40];
	size_t n, cap;
	bool oom;
};

static int add_id(void *ctx, int ncols, const char *const *cells)
{
	struct ids *d = ctx;
	if (ncols < 1 || !cells[0])
		return 0;
	if (RIG_GROW(d->v, d->cap, d->n + 1, 1024, NULL)) {
		d->oom = true;
		return 1;
	}
	snprintf(d->v[d->n++], 40, "%s", cells[0]);
	return 0;
}

/* Rows of runs ids[0..n) as one table, handed to fn. */
static enum rig_rc one_chunk(struct store_db *db, char (*ids)[40], size_t n, store_table_fn fn,
			     void *ctx, struct rig_err *err)
{
	char sql[4096 + RUNS_PER_QUERY * 8];
	size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT");
	for (size_t i = 0; i < NCOLS; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s %s", i ? "," : "",
					columns[i].expr);
	len += (size_t)snprintf(sql + len, sizeof sql - len,
				" FROM measurements m JOIN runs r ON r.run_id = m.run_id"
				" WHERE r.run_id IN (");
	const char *p[RUNS_PER_QUERY];
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s$%zu", i ? ", " : "", i + 1);
		p[i] = ids[i];
	}
	snprintf(sql + len, sizeof sql - len, ") ORDER BY r.started_at, r.run_id, m.seq");
	struct chunk c = { 0 };
	enum rig_rc rc = store_db_exec(db, sql, (int)n, p, NULL, add_row, &c, err);
	char **cell = NULL;
	if (!rc && !c.oom && c.nrows)
		cell = malloc(c.nrows * NCOLS * sizeof *cell);
	if (!rc && (c.oom || (c.nrows && !cell)))
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading measurements");
	if (!rc && c.nrows) {
		for (size_t i = 0; i < c.nrows * NCOLS; i++)
			cell[i] = c.buf + c.off[i];
		char *header[NCOLS];
		for (size_t i = 0; i < NCOLS; i++)
			header[i] = (char *)columns[i].name;
		struct csv_table t = { .cell = cell, .header = header, .nrows = c.nrows,
				       .ncols = NCOLS };
		rc = fn(ctx, &t, err);
	}
	free(cell);
	free(c.buf);
	free(c.off);
	return rc;
}

enum rig_rc store_stats_rows(struct store_db *db, const struct store_stats_filter *f,
			     store_table_fn fn, void *ctx, struct rig_err *err)
{
	struct ids ids = { 0 };
	const char *p[] = { f->since, f->station, f->profile, f->lot };
	enum rig_rc rc = store_db_exec(
		db,
		"SELECT run_id FROM runs WHERE (CAST($1 AS TEXT) IS NULL OR started_at >= $1)"
		" AND (CAST($2 AS TEXT) IS NULL OR station = $2)"
		" AND (CAST($3 AS TEXT) IS NULL OR profile = $3)"
		" AND (CAST($4 AS TEXT) IS NULL OR lot = $4) ORDER BY started_at, run_id",
		4, p, NULL, add_id, &ids, err);
	if (!rc && ids.oom)
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading runs");
	for (size_t i = 0; !rc && i < ids.n; i += RUNS_PER_QUERY)
		rc = one_chunk(db, ids.v + i, ids.n - i < RUNS_PER_QUERY ? ids.n - i : RUNS_PER_QUERY,
			       fn, ctx, err);
	free(ids.v);
	return rc;
}
