/* query_print.c - runs found by history and impact, for people and as CSV. */
#include "store/query.h"

#include <stdlib.h>
#include <string.h>

#include "run/report.h"
#include "run/text.h"
#include "store/record.h"

void store_runs_print(const struct store_runs *r, FILE *out)
{
	fprintf(out, "%4s  %-20s  %-10s  %-12s  %-14s  %3s  %-8s  %s\n", "#", "started (UTC)",
		"station", "operator", "serial", "try", "verdict", "reason");
	for (size_t i = 0; i < r->n; i++) {
		const struct store_run_info *e = &r->v[i];
		char reason[4 * sizeof e->reason];
		text_escape(reason, sizeof reason, e->reason);
		/* a unit a failed bench check marked says so first */
		fprintf(out, "%4zu  %-20s  %-10s  %-12s  %-14s  %3s  %-8s  %s%s%s%s\n", i + 1,
			e->started_at, e->station, e->operator_name, e->pen_serial,
			*e->attempt ? e->attempt : "-", e->verdict, *e->assessment ? "[" : "",
			e->assessment, *e->assessment ? "] " : "", reason);
	}
}

void store_runs_print_csv(const struct store_runs *r, FILE *out)
{
	static const char *const cols[] = { "n", "started_at", "station", "operator",
					    "pen_serial", "attempt", "verdict", "category",
					    "reason", "profile", "report_file", "run_id",
					    "assessment" };
	struct csv_out w;
	csv_out_init(&w, out);
	csv_out_header(&w, cols, sizeof cols / sizeof cols[0]);
	for (size_t i = 0; i < r->n; i++) {
		const struct store_run_info *e = &r->v[i];
		csv_out_long(&w, (long)(i + 1));
		csv_out_text(&w, e->started_at);
		csv_out_text(&w, e->station);
		csv_out_text(&w, e->operator_name);
		csv_out_text(&w, e->pen_serial);
		csv_out_long(&w, *e->attempt ? atol(e->attempt) : -1);
		csv_out_text(&w, e->verdict);
		csv_out_text(&w, e->category);
		csv_out_text(&w, e->reason);
		csv_out_text(&w, e->profile);
		csv_out_text(&w, e->report_file);
		csv_out_text(&w, e->run_id);
		csv_out_text(&w, e->assessment);
		csv_out_end(&w);
	}
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

size_t store_runs_unknown(const struct store_runs *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += !report_serial_known(r->v[i].pen_serial);
	return n;
}

size_t store_runs_units(const struct store_runs *r)
{
	char(*keys)[64] = malloc((r->n ? r->n : 1) * sizeof *keys);
	if (!keys)
		return 0;
	size_t nk = 0;
	for (size_t i = 0; i < r->n; i++)
		if (report_serial_known(r->v[i].pen_serial))
			store_serial_key(keys[nk++], sizeof keys[0], r->v[i].pen_serial);
	qsort(keys, nk, sizeof *keys, cmp_key);
	/* a run of no known serial is a unit of its own, never a retest */
	size_t units = r->n - nk;
	for (size_t i = 0; i < nk; i++)
		units += i == 0 || strcmp(keys[i], keys[i - 1]);
	free(keys);
	return units;
}
