/* grr_print.c - `rig grr`'s output for people and as CSV. The CSV holds
 * every measurement (part, operator, repeat, value per characteristic)
 * and every figure, so the study can be recomputed elsewhere
 * (tests/grr_check.py does, written apart). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "run/csvline.h"
#include "study/grr.h"

void grr_print(const struct grr_result *res, FILE *out);
void grr_print_csv(const struct grr_result *res, FILE *out);

static void print_repeatability(const struct grr_result *res, FILE *out)
{
	fprintf(out, "repeatability of pen %s, profile %s, %u repeats (%.1f s of bench time)\n",
		res->part_serial[0], res->profile, res->repeats, res->bench_time_s);
	fprintf(out, "P/T = %.0f sigma / tolerance (AIAG MSA 4th ed.); < %.0f %% good, %.0f..%.0f %% "
		     "marginal, > %.0f %% unacceptable\n\n",
		GRR_SIGMAS, GRR_GOOD_PCT, GRR_GOOD_PCT, GRR_MARGINAL_PCT, GRR_MARGINAL_PCT);
	fprintf(out, "%-6s %10s %4s %12s %10s %10s %8s  %s\n", "what", "commanded", "n", "mean",
		"std", "tolerance", "P/T", "rating");
	for (size_t i = 0; i < res->nch; i++) {
		const struct grr_char *p = &res->ch[i];
		char c[32];
		snprintf(c, sizeof c, "%g %s", p->commanded, p->unit);
		fprintf(out, "%-6s %10s %4zu %12.3f %10.4f %10.3f %7.2f%%  %s\n", p->quantity, c, p->n,
			p->mean, p->std, p->tolerance, p->pt_pct, grr_rating(p->pt_pct));
	}
	const struct grr_char *w = &res->ch[res->worst];
	if (res->nch)
		fprintf(out, "\nworst: %s at %g %s, P/T %.2f %%: %s\n", w->quantity, w->commanded,
			w->unit, w->pt_pct, grr_rating(w->pt_pct));
}

/* The zero target's moves over the trials (a bench with one). */
static void print_zero_target(const struct grr_result *res, FILE *out)
{
	if (!res->zero_move_um)
		return;
	size_t cells = (size_t)res->parts * res->operators * res->repeats, n = 0;
	double lo = INFINITY, hi = -INFINITY, U = 0;
	for (size_t k = 0; k < cells; k++)
		if (isfinite(res->zero_move_um[k])) {
			n++;
			lo = fmin(lo, res->zero_move_um[k]);
			hi = fmax(hi, res->zero_move_um[k]);
			U = fmax(U, res->zero_U_um[k]);
		}
	if (n)
		fprintf(out, "zero target: read before each of %zu trials, the zero moved %+.2f.."
			     "%+.2f um since rig zero (U at most %.2f um, in each depth's U)\n",
			n, lo, hi, U);
}

void grr_print(const struct grr_result *res, FILE *out)
{
	print_zero_target(res, out);
	if (res->parts < 2) {
		print_repeatability(res, out);
		return;
	}
	fprintf(out, "gauge R&R (ANOVA, AIAG MSA 4th ed.): %u parts x %u operator%s x %u repeats, "
		     "profile %s (%.1f s of bench time)\n",
		res->parts, res->operators, res->operators == 1 ? "" : "s", res->repeats,
		res->profile, res->bench_time_s);
	fprintf(out, "%%GRR: < %.0f %% acceptable, %.0f..%.0f %% conditional, > %.0f %% "
		     "unacceptable; ndc = 1.41 PV/GRR >= %d\n\n",
		GRR_GOOD_PCT, GRR_GOOD_PCT, GRR_MARGINAL_PCT, GRR_MARGINAL_PCT, GRR_MIN_NDC);
	fprintf(out, "%-6s %10s %9s %9s %9s %9s %9s %8s %8s %5s  %s\n", "what", "commanded", "EV",
		"AV", "INT", "GRR", "PV", "%tol", "%TV", "ndc", "verdict");
	for (size_t i = 0; i < res->nch; i++) {
		const struct grr_char *c = &res->ch[i];
		const struct grr_anova *a = &c->a;
		char cmd[32];
		snprintf(cmd, sizeof cmd, "%g %s", c->commanded, c->unit);
		if (a->verdict == GRR_NOT_COMPUTED) {
			fprintf(out, "%-6s %10s  not computed: %s\n", c->quantity, cmd, a->why);
			continue;
		}
		fprintf(out, "%-6s %10s %9.4g %9.4g %9.4g %9.4g %9.4g %7.1f%% %7.1f%% %5.0f  %s%s\n",
			c->quantity, cmd, a->ev, a->av, a->inter_sd, a->grr, a->pv, a->pct_grr_tol,
			a->pct_grr_tv, floor(a->ndc), grr_verdict_name(a->verdict),
			a->pooled ? "" : " (interaction kept)");
	}
	fprintf(out, "\nstandard deviations in the characteristic's unit; part serials:");
	for (unsigned p = 0; p < res->parts; p++)
		fprintf(out, " %s", res->part_serial[p]);
	const struct grr_char *w = &res->ch[res->worst];
	if (res->nch)
		fprintf(out, "\nverdict: %s (worst: %s at %g %s: %s)\n",
			grr_verdict_name(res->verdict), w->quantity, w->commanded, w->unit, w->a.why);
}

/* Full precision, so the study can be recomputed to 1e-6 relative
 * however close two mean squares are; NaN empty. */
static void num17(struct csv_line *l, double v)
{
	char buf[40] = "";
	if (isfinite(v))
		snprintf(buf, sizeof buf, "%.17g", v);
	csv_line_bare(l, buf);
}

static void flush(struct csv_line *l, FILE *out)
{
	csv_line_end(l);
	if (l->s)
		fputs(l->s, out);
	free(l->s);
	*l = CSV_LINE_INIT;
}

static void measurements(const struct grr_result *res, const struct grr_char *c, FILE *out)
{
	struct csv_line l = CSV_LINE_INIT;
	for (unsigned p = 0; p < res->parts; p++)
		for (unsigned o = 0; o < res->operators; o++)
			for (unsigned r = 0; r < res->repeats; r++) {
				csv_line_text(&l, "measurement");
				csv_line_text(&l, c->quantity);
				csv_line_text(&l, c->unit);
				csv_line_num(&l, c->commanded);
				csv_line_text(&l, res->part_serial[p]);
				csv_line_long(&l, (long)o + 1);
				csv_line_long(&l, (long)r + 1);
				num17(&l, c->y[((size_t)p * res->operators + o) * res->repeats + r]);
				num17(&l, c->tolerance);
				for (int k = 0; k < 13; k++)
					csv_line_bare(&l, "");
				flush(&l, out);
			}
}

/* One row per trial with the zero target's move (value) and its U. */
static void zero_target_rows(const struct grr_result *res, FILE *out)
{
	struct csv_line l = CSV_LINE_INIT;
	for (unsigned p = 0; res->zero_move_um && p < res->parts; p++)
		for (unsigned o = 0; o < res->operators; o++)
			for (unsigned r = 0; r < res->repeats; r++) {
				size_t k = ((size_t)p * res->operators + o) * res->repeats + r;
				csv_line_text(&l, "zero_target");
				csv_line_text(&l, "laser_zero_target");
				csv_line_text(&l, "um");
				csv_line_bare(&l, "");
				csv_line_text(&l, res->part_serial[p]);
				csv_line_long(&l, (long)o + 1);
				csv_line_long(&l, (long)r + 1);
				num17(&l, res->zero_move_um[k]);
				for (int c = 0; c < 13; c++)
					csv_line_bare(&l, "");
				num17(&l, res->zero_U_um[k]);
				flush(&l, out);
			}
}

void grr_print_csv(const struct grr_result *res, FILE *out)
{
	static const char *const head[] = {
		"record", "quantity", "unit", "commanded", "part", "operator", "repeat", "value",
		"tolerance", "ev", "av", "interaction", "grr", "pv", "tv", "pct_grr_tol",
		"pct_grr_tv", "ndc", "pooled", "p_interaction", "verdict", "uncertainty",
	};
	struct csv_line l = CSV_LINE_INIT;
	csv_line_header(&l, head, sizeof head / sizeof head[0]); /* ends the line */
	if (l.s)
		fputs(l.s, out);
	free(l.s);
	l = CSV_LINE_INIT;
	zero_target_rows(res, out);
	bool anova = res->parts >= 2;
	for (size_t i = 0; i < res->nch; i++) {
		const struct grr_char *c = &res->ch[i];
		const struct grr_anova *a = &c->a;
		measurements(res, c, out);
		csv_line_text(&l, "study");
		csv_line_text(&l, c->quantity);
		csv_line_text(&l, c->unit);
		csv_line_num(&l, c->commanded);
		for (int k = 0; k < 4; k++)
			csv_line_bare(&l, "");
		num17(&l, c->tolerance);
		const double v[] = {
			anova ? a->ev : c->std, anova ? a->av : NAN, anova ? a->inter_sd : NAN,
			anova ? a->grr : c->std, anova ? a->pv : NAN, anova ? a->tv : NAN,
			anova ? a->pct_grr_tol : c->pt_pct, anova ? a->pct_grr_tv : NAN,
			anova ? a->ndc : NAN, anova ? a->pooled : NAN, anova ? a->inter.p : NAN,
		};
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			num17(&l, v[k]);
		csv_line_text(&l, anova ? grr_verdict_name(a->verdict) : grr_rating(c->pt_pct));
		csv_line_bare(&l, "");
		flush(&l, out);
	}
}
