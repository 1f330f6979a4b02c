/* units.c - units, yields and the failure Pareto of a lot (see units.h). */
#include "study/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/report.h"
#include "run/text.h"
#include "study/csv.h"

long units_parse_time(const char *iso)
{
	struct tm tm = { 0 };
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long)timegm(&tm);
}

static bool judged(const char *v)
{
	return !strcmp(v, "PASS") || !strcmp(v, "FAIL") || !strcmp(v, "INDETERMINATE");
}

static enum rig_rc add_reason(struct stats_units *u, const char *text, const char *category,
			      const char *path, struct rig_err *err)
{
	for (size_t i = 0; i < u->nreasons; i++)
		if (!strncmp(u->reason[i].text, text, sizeof u->reason[i].text - 1) &&
		    !strcmp(u->reason[i].category, category)) {
			u->reason[i].n++;
			u->reasons_total++;
			return RIG_OK;
		}
	struct stats_reason *r = realloc(u->reason, (u->nreasons + 1) * sizeof *r);
	if (!r)
		return rig_fail(err, RIG_E_NOMEM, "out of memory reading %s", path);
	u->reason = r;
	r = &u->reason[u->nreasons++];
	snprintf(r->text, sizeof r->text, "%.95s", text);
	snprintf(r->category, sizeof r->category, "%.7s", category);
	r->n = 1;
	u->reasons_total++;
	return RIG_OK;
}

/* Columns of a report table the units need. */
enum { C_ID, C_TS, C_SERIAL, C_ATTEMPT, C_LOT, C_PHASE, C_STEP, C_QTY, C_UNIT, C_CMD,
       C_RESULT, C_CAT, C_NOTE, C_CODE, C_N };

/* The reason of a run that failed nothing judged: its reason_code, else
 * the note up to the first ": " after "phase: " (the device and figures
 * left out). */
static void reason_key(char *out, size_t cap, const char *note, const char *code)
{
	if (code && *code) {
		snprintf(out, cap, "%s", code);
		return;
	}
	const char *colon = strstr(note, ": ");
	const char *end = colon ? strstr(colon + 2, ": ") : NULL;
	int n = end ? (int)(end - note) : (int)strlen(note);
	snprintf(out, cap, "%.*s", n < 90 ? n : 90, note);
}

enum rig_rc units_add_table(struct stats_units *u, const struct csv_table *t, const char *path,
			    struct rig_err *err)
{
	static const char *const names[C_N] = { "run_id", "timestamp", "pen_serial", "attempt",
						"lot", "phase", "step", "quantity", "unit",
						"commanded", "result", "category", "note",
						"reason_code" };
	int c[C_N];
	for (int i = 0; i < C_N; i++)
		c[i] = csv_table_col(t, names[i]);
	char failed_run[40] = ""; /* the run of the last failed judged row */
	for (size_t r = 0; r < t->nrows; r++) {
		const char *phase = csv_table_get(t, r, c[C_PHASE]);
		const char *qty = csv_table_get(t, r, c[C_QTY]);
		const char *res = csv_table_get(t, r, c[C_RESULT]);
		bool verdict = !strcmp(phase, "run") && !strcmp(qty, "verdict");
		char key[96];
		if (!verdict && (!strcmp(res, "FAIL") || !strcmp(res, "INDETERMINATE"))) {
			/* a failed characteristic, in the unit of its commanded value */
			const char *cmd = csv_table_get(t, r, c[C_CMD]);
			const char *step = csv_table_get(t, r, c[C_STEP]);
			const char *unit = !strcmp(step, "freq_sweep") ? "Hz" : "um";
			if (*cmd)
				snprintf(key, sizeof key, "%.20s %.30s at %.20s %s", phase, qty, cmd, unit);
			else
				snprintf(key, sizeof key, "%.20s %.30s", phase, qty);
			if (add_reason(u, key, "unit", path, err))
				return err->rc;
			snprintf(failed_run, sizeof failed_run, "%s", csv_table_get(t, r, c[C_ID]));
			continue;
		}
		if (!verdict)
			continue;
		struct stats_run *nr = realloc(u->run, (u->nruns + 1) * sizeof *nr);
		if (!nr)
			return rig_fail(err, RIG_E_NOMEM, "out of memory reading %s", path);
		u->run = nr;
		struct stats_run *run = &u->run[u->nruns];
		memset(run, 0, sizeof *run);
		snprintf(run->run_id, sizeof run->run_id, "%s", csv_table_get(t, r, c[C_ID]));
		snprintf(run->shown, sizeof run->shown, "%s", csv_table_get(t, r, c[C_SERIAL]));
		text_serial_key(run->serial, sizeof run->serial, run->shown);
		run->unknown = !report_serial_known(run->shown);
		u->unknown += run->unknown;
		snprintf(run->lot, sizeof run->lot, "%s", csv_table_get(t, r, c[C_LOT]));
		snprintf(run->verdict, sizeof run->verdict, "%s", res);
		snprintf(run->category, sizeof run->category, "%s", csv_table_get(t, r, c[C_CAT]));
		run->attempt = (unsigned)strtoul(csv_table_get(t, r, c[C_ATTEMPT]), NULL, 10);
		run->order = units_parse_time(csv_table_get(t, r, c[C_TS]));
		run->seq = u->nruns++;
		u->has_lots |= run->lot[0] != '\0';
		if (!strcmp(res, "PASS"))
			continue;
		u->failures++;
		/* A run that failed no judged row (its rows come before its
		 * verdict): its own reason. */
		bool any = !strcmp(failed_run, run->run_id);
		if (!any) {
			reason_key(key, sizeof key, csv_table_get(t, r, c[C_NOTE]),
				   csv_table_get(t, r, c[C_CODE]));
			if (add_reason(u, key, *run->category ? run->category : "unit", path, err))
				return err->rc;
		}
	}
	return RIG_OK;
}

static int cmp_run(const void *a, const void *b)
{
	const struct stats_run *x = a, *y = b;
	int c = strcmp(x->serial, y->serial);
	if (c)
		return c;
	if (x->attempt != y->attempt)
		return x->attempt < y->attempt ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_reason(const void *a, const void *b)
{
	const struct stats_reason *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->text, y->text);
}

static struct stats_lot *lot_for(struct stats_units *u, const char *name)
{
	for (size_t i = 1; i < u->nlots; i++)
		if (!strcmp(u->lot[i].lot, name))
			return &u->lot[i];
	struct stats_lot *l = realloc(u->lot, (u->nlots + 1) * sizeof *l);
	if (!l)
		return NULL;
	u->lot = l;
	l = &u->lot[u->nlots++];
	memset(l, 0, sizeof *l);
	snprintf(l->lot, sizeof l->lot, "%s", name);
	return l;
}

void units_compute(struct stats_units *u)
{
	free(u->lot);
	u->lot = calloc(1, sizeof *u->lot);
	u->nlots = u->lot ? 1 : 0;
	if (!u->lot)
		return;
	/* qsort() of no elements may still not be given NULL (UBSan stops
	 * `rig stats` of an empty folder under SANITIZE=1). */
	if (u->nruns)
		qsort(u->run, u->nruns, sizeof *u->run, cmp_run);
	if (u->nreasons)
		qsort(u->reason, u->nreasons, sizeof *u->reason, cmp_reason);
	for (size_t i = 0; i < u->nruns;) {
		size_t j = i;
		const char *first = NULL, *last = NULL;
		/* a run of no known serial is a unit alone: "unknown" twice is
		 * two pens as likely as one pen tested again */
		for (; j < u->nruns && (j == i || (!u->run[i].unknown &&
						   !strcmp(u->run[j].serial, u->run[i].serial)));
		     j++) {
			if (!judged(u->run[j].verdict))
				continue;
			if (!first)
				first = u->run[j].verdict;
			last = u->run[j].verdict;
		}
		/* the whole set, and the lot of the unit's first run */
		struct stats_lot *named = u->has_lots ? lot_for(u, u->run[i].lot) : NULL;
		struct stats_lot *lots[2] = { &u->lot[0], named };
		for (int k = 0; k < 2 && lots[k]; k++) {
			lots[k]->runs += j - i;
			lots[k]->serials++;
			lots[k]->units += first != NULL;
			lots[k]->first_pass += first && !strcmp(first, "PASS");
			lots[k]->final_pass += last && !strcmp(last, "PASS");
		}
		i = j;
	}
}

const struct stats_run *units_find_run(const struct stats_units *u, const char *run_id)
{
	for (size_t i = 0; i < u->nruns; i++)
		if (!strcmp(u->run[i].run_id, run_id))
			return &u->run[i];
	return NULL;
}

void units_free(struct stats_units *u)
{
	free(u->run);
	free(u->lot);
	free(u->reason);
	memset(u, 0, sizeof *u);
}
