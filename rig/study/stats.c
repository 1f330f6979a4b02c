/* stats.c - lot statistics and control-chart flags over run reports.
 *
 * std is the sample standard deviation (n - 1). Cp = (USL - LSL) / 6 s,
 * Cpk = min(USL - mean, mean - LSL) / 3 s, over the measurement rows
 * (result PASS, FAIL, INDETERMINATE or MEASURED), with LSL/USL the mean of the
 * rows' limits (a report's limits are the acceptance limits it applied,
 * guard-banded under the guarded rule, so they can differ by a few um from
 * run to run); a one-sided limit gives Cpk from its side and no Cp. Yield
 * is the share of judged rows (PASS, FAIL or INDETERMINATE) that passed. Points are put in
 * time order (the run's start, then row order) for the trend rules: seven
 * points in a row each above (below) the previous, and points beyond 3 s.
 */
#include "study/stats.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/grow.h"
#include "study/csv.h"

void stats_init(struct stats *s, enum stats_by by)
{
	memset(s, 0, sizeof *s);
	s->by = by;
}

static struct stats_group *group_for(struct stats *s, const char *phase, const char *step,
				     const char *quantity, const char *unit,
				     const char *commanded, const char *by)
{
	for (size_t i = 0; i < s->n; i++) {
		struct stats_group *g = &s->g[i];
		if (!strcmp(g->phase, phase) && !strcmp(g->step, step) &&
		    !strcmp(g->quantity, quantity) && !strcmp(g->commanded, commanded) &&
		    !strcmp(g->by, by))
			return g;
	}
	if (RIG_GROW(s->g, s->cap, s->n + 1, 32, NULL))
		return NULL;
	struct stats_group *g = &s->g[s->n++];
	memset(g, 0, sizeof *g);
	snprintf(g->phase, sizeof g->phase, "%s", phase);
	snprintf(g->step, sizeof g->step, "%s", step);
	snprintf(g->quantity, sizeof g->quantity, "%s", quantity);
	snprintf(g->unit, sizeof g->unit, "%s", unit);
	snprintf(g->commanded, sizeof g->commanded, "%s", commanded);
	snprintf(g->by, sizeof g->by, "%s", by);
	return g;
}

enum rig_rc stats_add_report(struct stats *s, const char *path, struct rig_err *err)
{
	struct csv_table t;
	enum rig_rc rc = csv_table_load(&t, path, err);
	if (rc)
		return rc;
	rc = stats_add_table(s, &t, path, err);
	csv_table_free(&t);
	return rc;
}

/* A run report has the columns stats needs and a verdict row. */
static bool is_report(const struct csv_table *t)
{
	int ph = csv_table_col(t, "phase"), q = csv_table_col(t, "quantity");
	if (ph < 0 || q < 0 || csv_table_col(t, "run_id") < 0 || csv_table_col(t, "result") < 0)
		return false;
	for (size_t r = t->nrows; r-- > 0;)
		if (!strcmp(csv_table_get(t, r, ph), "run") && !strcmp(csv_table_get(t, r, q), "verdict"))
			return true;
	return false;
}

static void ignore(struct stats *s, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(s->ignored_names);
	if (s->ignored < 3)
		snprintf(s->ignored_names + len, sizeof s->ignored_names - len, "%s%s",
			 len ? ", " : "", base);
	else if (s->ignored == 3)
		snprintf(s->ignored_names + len, sizeof s->ignored_names - len, ", ...");
	s->ignored++;
}

static enum rig_rc add_file(struct stats *s, const char *path, struct rig_err *err)
{
	struct csv_table t;
	struct rig_err e2;
	enum rig_rc rc = csv_table_load(&t, path, &e2);
	if (rc == RIG_E_DATA) { /* not CSV a report could be */
		ignore(s, path);
		return RIG_OK;
	}
	if (rc) {
		*err = e2;
		return rc;
	}
	if (is_report(&t))
		rc = stats_add_table(s, &t, path, err);
	else
		ignore(s, path);
	csv_table_free(&t);
	return rc;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum rig_rc stats_add_path(struct stats *s, const char *path, struct rig_err *err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", path);
	if (!S_ISDIR(st.st_mode))
		return add_file(s, path, err);
	DIR *d = opendir(path);
	if (!d)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot read folder %s", path);
	char **names = NULL;
	size_t n = 0;
	enum rig_rc rc = RIG_OK;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".csv"))
			continue; /* journals, temporary files, plots, the index */
		char **nn = realloc(names, (n + 1) * sizeof *nn);
		if (!nn || asprintf(&nn[n], "%s/%s", path, de->d_name) < 0) {
			names = nn ? nn : names;
			rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading %s", path);
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (n) /* an empty folder: names is NULL, which qsort() may not be given */
		qsort(names, n, sizeof *names, cmp_name);
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			rc = add_file(s, names[i], err);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* The label of the run at row r: its serial and attempt; one per run. */
static const char *run_label(struct stats *s, const struct csv_table *t, size_t r, int id_col,
			     const char **last_id)
{
	const char *id = csv_table_get(t, r, id_col);
	if (s->nwho && *last_id && !strcmp(*last_id, id))
		return s->who[s->nwho - 1];
	*last_id = id;
	char label[96];
	const char *serial = csv_table_get(t, r, csv_table_col(t, "pen_serial"));
	const char *attempt = csv_table_get(t, r, csv_table_col(t, "attempt"));
	if (*attempt)
		snprintf(label, sizeof label, "%.60s attempt %.8s", *serial ? serial : "?", attempt);
	else
		snprintf(label, sizeof label, "%.60s", *serial ? serial : "?");
	char **w = realloc(s->who, (s->nwho + 1) * sizeof *w);
	if (!w)
		return NULL;
	s->who = w;
	if (!(w[s->nwho] = strdup(label)))
		return NULL;
	return w[s->nwho++];
}

enum rig_rc stats_add_table(struct stats *s, const struct csv_table *table, const char *path,
			    struct rig_err *err)
{
	const struct csv_table t = *table;
	enum rig_rc rc = RIG_OK;
	static const char *const need[] = { "timestamp", "station", "profile", "phase", "step",
					    "quantity", "unit", "commanded", "measured",
					    "low_limit", "high_limit", "result" };
	int col[12];
	for (size_t i = 0; i < 12; i++)
		if ((col[i] = csv_table_col(&t, need[i])) < 0) {
			rc = rig_fail(err, RIG_E_DATA, "%s: not a run report: no column '%s'", path,
				      need[i]);
			goto out;
		}
	/* Full precision where the report keeps it (measured is rounded to its
	 * uncertainty for people, docs/reports.md). */
	int full = csv_table_col(&t, "measured_full");
	if (full >= 0)
		col[8] = full;
	if ((rc = units_add_table(&s->units, &t, path, err)))
		goto out;
	int id_col = csv_table_col(&t, "run_id");
	const char *last_id = NULL;
	for (size_t r = 0; r < t.nrows; r++) {
		/* Measurements only: judged rows and calibration points, not
		 * tables written, bench times or the verdict. */
		const char *res = csv_table_get(&t, r, col[11]);
		double v = csv_table_num(&t, r, col[8]);
		if (!isfinite(v) || (strcmp(res, "PASS") && strcmp(res, "FAIL") &&
				     strcmp(res, "INDETERMINATE") && strcmp(res, "MEASURED")))
			continue;
		const char *ts = csv_table_get(&t, r, col[0]);
		char by[64] = "";
		if (s->by == STATS_BY_STATION)
			snprintf(by, sizeof by, "%s", csv_table_get(&t, r, col[1]));
		else if (s->by == STATS_BY_PROFILE)
			snprintf(by, sizeof by, "%s", csv_table_get(&t, r, col[2]));
		else if (s->by == STATS_BY_DAY)
			snprintf(by, sizeof by, "%.10s", ts);
		struct stats_group *g =
			group_for(s, csv_table_get(&t, r, col[3]), csv_table_get(&t, r, col[4]),
				  csv_table_get(&t, r, col[5]), csv_table_get(&t, r, col[6]),
				  csv_table_get(&t, r, col[7]), by);
		bool room = g && !RIG_GROW(g->v, g->cap, g->n + 1, 16, NULL);
		const char *who = run_label(s, &t, r, id_col, &last_id);
		if (!room || !who) {
			rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading %s", path);
			goto out;
		}
		g->v[g->n++] = (struct stats_value){
			.v = v,
			.lo = csv_table_num(&t, r, col[9]),
			.hi = csv_table_num(&t, r, col[10]),
			/* INDETERMINATE is judged and did not pass */
			.judged = !strcmp(res, "PASS")		  ? 1
				  : !strcmp(res, "MEASURED") ? -1
							     : 0,
			.order = units_parse_time(ts),
			.seq = s->seq++,
			.who = who,
		};
	}
out:
	return rc;
}

static int cmp_time(const void *a, const void *b)
{
	const struct stats_value *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Mean of the finite limits; NaN if none; *vary if they differ. */
static double mean_limit(const struct stats_group *g, bool high, bool *vary)
{
	double sum = 0, first = NAN;
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++) {
		double l = high ? g->v[i].hi : g->v[i].lo;
		if (!isfinite(l))
			continue;
		if (!n)
			first = l;
		else if (l != first)
			*vary = true;
		sum += l;
		n++;
	}
	return n ? sum / n : NAN;
}

void stats_compute(struct stats *s)
{
	units_compute(&s->units);
	for (size_t k = 0; k < s->n; k++) {
		struct stats_group *g = &s->g[k];
		qsort(g->v, g->n, sizeof g->v[0], cmp_time);
		double sum = 0;
		g->min = INFINITY;
		g->max = -INFINITY;
		for (size_t i = 0; i < g->n; i++) {
			sum += g->v[i].v;
			g->min = fmin(g->min, g->v[i].v);
			g->max = fmax(g->max, g->v[i].v);
		}
		g->mean = sum / g->n;
		double ss = 0;
		for (size_t i = 0; i < g->n; i++)
			ss += (g->v[i].v - g->mean) * (g->v[i].v - g->mean);
		g->std = g->n > 1 ? sqrt(ss / (g->n - 1)) : NAN;
		g->limits_vary = false;
		g->lsl = mean_limit(g, false, &g->limits_vary);
		g->usl = mean_limit(g, true, &g->limits_vary);
		bool sd_ok = isfinite(g->std) && g->std > 0;
		g->cp = sd_ok && isfinite(g->lsl) && isfinite(g->usl)
				? (g->usl - g->lsl) / (6 * g->std) : NAN;
		double cu = sd_ok && isfinite(g->usl) ? (g->usl - g->mean) / (3 * g->std) : NAN;
		double cl = sd_ok && isfinite(g->lsl) ? (g->mean - g->lsl) / (3 * g->std) : NAN;
		g->cpk = isfinite(cu) && isfinite(cl) ? fmin(cu, cl) : isfinite(cu) ? cu : cl;
		g->n_judged = g->n_pass = 0;
		for (size_t i = 0; i < g->n; i++) {
			g->n_judged += g->v[i].judged >= 0;
			g->n_pass += g->v[i].judged == 1;
		}
		g->yield = g->n_judged ? (double)g->n_pass / (double)g->n_judged : NAN;
		/* Seven in a row: six successive rises (falls). */
		g->trend = false;
		size_t up = 1, down = 1;
		for (size_t i = 1; i < g->n && !g->trend; i++) {
			up = g->v[i].v > g->v[i - 1].v ? up + 1 : 1;
			down = g->v[i].v < g->v[i - 1].v ? down + 1 : 1;
			if (up >= STATS_TREND_RUN || down >= STATS_TREND_RUN) {
				g->trend = true;
				g->trend_rising = up >= STATS_TREND_RUN;
				g->trend_end = i;
			}
		}
		g->beyond_3s = 0;
		for (size_t i = 0; sd_ok && i < g->n; i++)
			g->beyond_3s += fabs(g->v[i].v - g->mean) > 3 * g->std;
	}
}

/* A number in width w with d decimals (%g when d < 0), "-" when missing. */
static void num(FILE *out, int w, int d, double v)
{
	if (!isfinite(v))
		fprintf(out, "%*s", w, "-");
	else if (d < 0)
		fprintf(out, "%*.4g", w, v);
	else
		fprintf(out, "%*.*f", w, d, v);
}

void stats_print(const struct stats *s, FILE *out)
{
	fprintf(out, "%-9s %-11s %-16s %10s %-10s %5s %11s %9s %9s %11s %11s %7s %7s %7s\n",
		"phase", "step", "quantity", "commanded", s->by ? "group" : "", "n", "mean", "std",
		"min", "LSL", "USL", "Cp", "Cpk", "yield");
	for (size_t k = 0; k < s->n; k++) {
		const struct stats_group *g = &s->g[k];
		char c[48];
		snprintf(c, sizeof c, "%s %s", g->commanded, *g->commanded ? g->unit : "");
		fprintf(out, "%-9s %-11s %-16s %10s %-10s %5zu ", g->phase, g->step, g->quantity, c,
			g->by, g->n);
		num(out, 11, -1, g->mean);
		fputc(' ', out);
		num(out, 9, -1, g->std);
		fputc(' ', out);
		num(out, 9, -1, g->min);
		fputc(' ', out);
		num(out, 11, -1, g->lsl);
		fputc(' ', out);
		num(out, 11, -1, g->usl);
		fputc(' ', out);
		num(out, 7, 2, g->cp);
		fputc(' ', out);
		num(out, 7, 2, g->cpk);
		fputc(' ', out);
		if (isfinite(g->yield))
			fprintf(out, "%6.1f%%", 100 * g->yield);
		else
			fputs("      -", out);
		fputc('\n', out);
		if (g->trend)
			fprintf(out, "  ! trend: %d points in a row %s, up to %s\n", STATS_TREND_RUN,
				g->trend_rising ? "rising" : "falling", g->v[g->trend_end].who);
		if (g->beyond_3s)
			fprintf(out, "  ! %zu point(s) beyond 3 std of the mean\n", g->beyond_3s);
		if (g->limits_vary)
			fprintf(out, "  (limits differ between runs, e.g. guard bands: Cp/Cpk use their mean)\n");
	}
}

static void print_yield(FILE *out, const char *what, size_t n, size_t of)
{
	if (of)
		fprintf(out, "%-17s %zu of %zu units = %.1f %%\n", what, n, of, 100.0 * n / of);
	else
		fprintf(out, "%-17s - (no unit judged)\n", what);
}

void stats_print_units(const struct stats *s, FILE *out)
{
	const struct stats_units *u = &s->units;
	if (!u->nlots)
		return;
	const struct stats_lot *all = &u->lot[0];
	size_t aborted = 0;
	for (size_t i = 0; i < u->nruns; i++)
		aborted += !strcmp(u->run[i].verdict, "ABORTED");
	fprintf(out, "\nunits: %zu runs of %zu units judged (%zu retest%s, %zu run%s ABORTED)\n",
		u->nruns, all->units, u->nruns - all->serials, u->nruns - all->serials == 1 ? "" : "s",
		aborted, aborted == 1 ? "" : "s");
	if (u->unknown)
		fprintf(out, "  (%zu run%s with no serial known: each a unit of its own, not a "
			     "retest)\n", u->unknown, u->unknown == 1 ? "" : "s");
	print_yield(out, "first-pass yield:", all->first_pass, all->units);
	print_yield(out, "final yield:", all->final_pass, all->units);
	if (!u->has_lots)
		fprintf(out, "lot yield:        the reports carry no lot: the whole set is the lot "
			     "(%zu of %zu units)\n", all->final_pass, all->units);
	for (size_t i = 1; i < u->nlots; i++) {
		const struct stats_lot *l = &u->lot[i];
		fprintf(out, "lot %-13s %zu units, first-pass %zu, final %zu", *l->lot ? l->lot : "(none)",
			l->units, l->first_pass, l->final_pass);
		if (l->units)
			fprintf(out, ": lot yield %.1f %%", 100.0 * l->final_pass / l->units);
		fputc('\n', out);
	}
	if (!u->nreasons)
		return;
	fprintf(out, "\nfailure Pareto (%zu runs not PASS; a run counts each characteristic it failed)\n",
		u->failures);
	fprintf(out, "%5s %6s %6s  %-8s %s\n", "n", "%", "cum %", "category", "reason");
	size_t cum = 0;
	for (size_t i = 0; i < u->nreasons; i++) {
		const struct stats_reason *r = &u->reason[i];
		cum += r->n;
		fprintf(out, "%5zu %6.1f %6.1f  %-8s %s\n", r->n, 100.0 * r->n / u->reasons_total,
			100.0 * cum / u->reasons_total, r->category, r->text);
	}
}

void stats_print_csv(const struct stats *s, FILE *out)
{
	static const char *const cols[] = {
		"phase", "step", "quantity", "unit", "commanded", "group", "n", "mean", "std", "min",
		"max", "lsl", "usl", "cp", "cpk", "n_judged", "n_pass", "yield", "trend",
		"beyond_3sigma",
	};
	struct csv_out w;
	csv_out_init(&w, out);
	csv_out_header(&w, cols, sizeof cols / sizeof cols[0]);
	for (size_t k = 0; k < s->n; k++) {
		const struct stats_group *g = &s->g[k];
		csv_out_text(&w, g->phase);
		csv_out_text(&w, g->step);
		csv_out_text(&w, g->quantity);
		csv_out_text(&w, g->unit);
		double c = NAN;
		if (*g->commanded)
			c = strtod(g->commanded, NULL);
		csv_out_num(&w, c);
		csv_out_text(&w, g->by);
		csv_out_long(&w, (long)g->n);
		csv_out_num(&w, g->mean);
		csv_out_num(&w, g->std);
		csv_out_num(&w, g->min);
		csv_out_num(&w, g->max);
		csv_out_num(&w, g->lsl);
		csv_out_num(&w, g->usl);
		csv_out_num(&w, g->cp);
		csv_out_num(&w, g->cpk);
		csv_out_long(&w, (long)g->n_judged);
		csv_out_long(&w, (long)g->n_pass);
		csv_out_num(&w, g->yield);
		csv_out_text(&w, !g->trend ? "" : g->trend_rising ? "rising" : "falling");
		csv_out_long(&w, (long)g->beyond_3s);
		csv_out_end(&w);
	}
}

void stats_free(struct stats *s)
{
	for (size_t k = 0; k < s->n; k++)
		free(s->g[k].v);
	for (size_t i = 0; i < s->nwho; i++)
		free(s->who[i]);
	units_free(&s->units);
	free(s->g);
	free(s->who);
	memset(s, 0, sizeof *s);
}
