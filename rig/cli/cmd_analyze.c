/* cmd_analyze.c - `rig analyze`: stroke depth and rate of a recorded laser
 * capture (raw ILD1420 bytes or the rig's trace CSV). Parsing options and
 * printing only: the measurement is rig/measure/ (stroke.h), the reading
 * rig/measure/capture.c. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/err.h"
#include "measure/capture.h"
#include "measure/stroke.h"
#include "core/ini_schema.h"

#define CMD "analyze"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig analyze --format ild1420|csv --rate HZ --zero-mm Z [options] FILE|-\n"
		"       rig analyze [options] TRACE.csv   (a rig trace carries rate, zero ...)\n"
		"\n"
		"Measure the strokes of a recorded laser capture: penetration depth per stroke\n"
		"(zero - the nearest distance), its mean, scatter and range, the stroke rate,\n"
		"and the expanded uncertainty (k = 2) of both (docs/measurement.md).\n"
		"\n"
		"  --format F          ild1420: the sensor's raw bytes; csv: a trace CSV with\n"
		"                      the header \"" CAPTURE_CSV_HEADER "\"\n"
		"  --rate HZ           the sensor's measuring rate\n"
		"  --zero-mm Z         the laser reading of the contact plane\n"
		"  --range-mm MR       measuring range of the sensor (raw format), default 10\n"
		"  --freq-hint HZ      expected stroke rate (optional)\n"
		"  --linearity-um U    sensor linearity, max deviation     (uncertainty budget)\n"
		"  --resolution-um U   sensor resolution                   (uncertainty budget)\n"
		"  --zero-u-um U       standard uncertainty of the zero    (uncertainty budget)\n"
		"  --clock-ppm P       sensor clock accuracy               (uncertainty budget)\n"
		"  --exposure-us US    the sensor's exposure: the depth is corrected for it\n"
		"  --ring-max-um B     the pad's measured ring bound (a fixture's [laser]\n"
		"                      ring_max_um): what the exposure may hide of a ring\n"
		"                      counts in U up to B, not up to 20 um\n"
		"  --ring-exposure-us US  the exposure B was measured at (default: the\n"
		"                      record's); at another exposure B is not used\n"
		"  --drift MODE        flag (default: reported, its effect in U) or correct\n"
		"  --max-noise-pct P   refuse when the sample noise exceeds P %% of the travel\n"
		"                      (default 5; a negative number switches it off)\n"
		"  --max-rate-change-pct P  refuse when the rate changed more, beyond its U\n"
		"                      (default off)\n"
		"  --max-rate-trend-pct P   refuse when the rate trends by more over the\n"
		"                      record, from all its periods (default off)\n"
		"  --max-drift-um D    refuse when the readings drifted more (default off)\n"
		"  --max-phase-gap-pct P  withhold the depth when more than P %% of the\n"
		"                      period over the top went unsampled (default off;\n"
		"                      a run's profile: 3.5)\n"
		"  --lobes-ok          report alternating strokes (two-lobe cam), do not refuse\n"
		"  --csv               one CSV header line and one row of results\n"
		"  --per-stroke        one CSV row per stroke instead, each depth with its U\n"
		"                      (with --drift correct, depth and trough corrected for\n"
		"                      the drift at the stroke's time: drift_um)\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit: 0 strokes measured; 65 bad capture, or no result (flat, no strokes,\n"
		"stalled, all invalid, noisy, unsteady, two lobes, drift, phase gap,\n"
		"unseen end: the status and message say which); 74 cannot read FILE;\n"
		"64 usage.\n");
}

static int parse_num(const char *opt, const char *s, double *out)
{
	double v;
	if (!ini_parse_number(s, &v)) {
		cli_error(CMD, "%s: expected a number, found \"%s\"", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* A value or nothing: NaN and missing results never become numbers. */
static void put(FILE *o, bool have, int decimals, double v)
{
	fputc(',', o);
	if (have && isfinite(v))
		fprintf(o, "%.*f", decimals, v);
}

/* --per-stroke: each stroke's U rests on the whole record's result, so
 * the strokes wait in a temporary file (constant memory) until it is
 * known (print_strokes). */
struct stroke_spool {
	FILE *f;
	bool failed;
};

static void on_stroke_spool(const struct measure_stroke *s, void *ctx)
{
	struct stroke_spool *sp = ctx;
	if (!sp->failed && fwrite(s, sizeof *s, 1, sp->f) != 1)
		sp->failed = true;
}

/* One stroke's row: its figures from the record's result (corrected for
 * the drift when the mean was, each with its U), or, when the record gave
 * no depth, as measured with no U. */
static void print_stroke_csv(FILE *o, const struct measure_stroke *s,
			     const struct measure_stats *st)
{
	bool ok = s->reject == MEASURE_STROKE_OK;
	struct measure_stroke_figures f;
	if (!measure_stroke_figures(st, s, &f)) {
		f.depth_um = s->peak_um;
		f.trough_um = s->trough_um;
	}
	fprintf(o, "%llu", (unsigned long long)s->index);
	put(o, true, 6, s->peak_time_s);
	put(o, ok, 3, f.depth_um);
	put(o, ok, 3, f.trough_um);
	put(o, true, 7, s->period_s);
	fprintf(o, ",%u,%s", s->top_samples, ok ? "" : measure_reject_name(s->reject));
	put(o, ok, 3, f.depth_U_um);
	put(o, ok, 3, f.drift_um);
	fputc('\n', o);
}

/* The spooled strokes, each with its depth's U from st: 0, or -1 when the
 * spool could not be written or read back. */
static int print_strokes(FILE *o, struct stroke_spool *sp, const struct measure_stats *st)
{
	struct measure_stroke s;
	if (sp->failed || fflush(sp->f) != 0 || fseek(sp->f, 0, SEEK_SET) != 0)
		return -1;
	while (fread(&s, sizeof s, 1, sp->f) == 1)
		print_stroke_csv(o, &s, st);
	return ferror(sp->f) ? -1 : 0;
}

static void print_csv(FILE *o, const struct measure_stats *st)
{
	fprintf(o, "status,strokes,depth_mean_um,depth_std_um,depth_min_um,depth_max_um,"
		   "depth_U_um,freq_hz,freq_U_hz,invalid_samples,samples,strokes_rejected,"
		   "depth_std_raw_um,trough_mean_um,period_jitter_us,noise_um,"
		   "rate_start_hz,rate_end_hz,rate_change_pct,noise_pct,drift_um,drift_u_um,"
		   "drift_corrected,lobe0_depth_um,lobe1_depth_um,lobe0_freq_hz,lobe1_freq_hz,"
		   "depth_std_U_um,depth_minmax_U_um,rate_start_U_hz,rate_end_U_hz,"
		   "rate_change_U_pct,rate_start_s,rate_end_s,drift_detected,"
		   "depth_u_stat_um,depth_u_peak_um,depth_u_model_um,depth_u_phase_um,"
		   "depth_u_drift_um,freq_u_stat_hz,freq_u_model_hz,freq_u_count_hz,"
		   "freq_u_gap_hz\n");
	bool d = st->has_depth, f = st->has_freq;
	fprintf(o, "%s,%llu", measure_status_name(st->status), (unsigned long long)st->strokes);
	put(o, d, 3, st->depth_mean_um);
	put(o, d, 3, st->depth_std_um);
	put(o, d && st->has_depth_min, 3, st->depth_min_um);
	put(o, d && st->has_depth_max, 3, st->depth_max_um);
	put(o, d, 3, st->depth_U_um);
	put(o, f, 6, st->freq_hz);
	put(o, f, 6, st->freq_U_hz);
	fprintf(o, ",%llu,%llu,%llu", (unsigned long long)st->invalid_samples,
		(unsigned long long)st->samples, (unsigned long long)st->strokes_rejected);
	put(o, d, 3, st->depth_std_raw_um);
	put(o, d, 3, st->trough_mean_um);
	put(o, f, 2, st->period_jitter_us);
	put(o, d, 3, st->noise_um);
	put(o, f && st->rate_start_hz > 0, 4, st->rate_start_hz);
	put(o, f && st->rate_end_hz > 0, 4, st->rate_end_hz);
	put(o, f && st->rate_start_hz > 0 && st->rate_end_hz > 0, 3, st->rate_change_pct);
	put(o, st->travel_um > 0, 3, st->noise_pct);
	put(o, st->has_drift, 3, st->drift_um);
	put(o, st->has_drift, 3, st->drift_u_um);
	fprintf(o, ",%d", st->drift_corrected ? 1 : 0);
	for (int k = 0; k < 2; k++)
		put(o, st->has_lobes && !st->lobes_unfollowed, 3, st->lobe_depth_um[k]);
	for (int k = 0; k < 2; k++)
		put(o, st->has_lobes, 4, st->lobe_freq_hz[k]);
	put(o, d, 3, st->depth_std_U_um);
	put(o, d, 3, st->depth_minmax_U_um);
	put(o, f && st->rate_start_hz > 0, 4, st->rate_start_U_hz);
	put(o, f && st->rate_end_hz > 0, 4, st->rate_end_U_hz);
	put(o, f && st->rate_start_hz > 0 && st->rate_end_hz > 0, 3, st->rate_change_U_pct);
	put(o, f && st->rate_start_hz > 0, 6, st->rate_start_s);
	put(o, f && st->rate_end_hz > 0, 6, st->rate_end_s);
	if (st->has_drift)
		fprintf(o, ",%d", st->drift_detected ? 1 : 0);
	else
		fputc(',', o);
	/* the budget's terms, standard uncertainties (docs/measurement.md,
	 * "Uncertainty budget"): depth_U_um is twice their quadrature sum
	 * with the sensor's linearity, resolution and zero (the options),
	 * freq_U_hz with the clock's */
	put(o, d, 3, st->depth_u_stat_um);
	put(o, d, 3, st->depth_u_peak_um);
	put(o, d, 3, st->depth_u_model_um);
	put(o, d, 3, st->depth_u_phase_um);
	put(o, d, 3, st->depth_u_drift_um);
	put(o, f, 6, st->freq_u_stat_hz);
	put(o, f, 6, st->freq_u_model_hz);
	put(o, f, 6, st->freq_u_count_hz);
	put(o, f, 6, st->freq_u_gap_hz);
	fputc('\n', o);
}

/* One of the depth's notes on a line of its own, when it applies. */
/* Decimals to print a figure and its U with: at least min_dec, and enough
 * for two significant digits of U (at most 9), so that a small U does not
 * print as zero: a 60 s record's rate U is about 0.00005 Hz ("+- 0.0000
 * Hz" at four decimals). */
static int u_decimals(double u, int min_dec)
{
	if (!(u > 0) || !isfinite(u))
		return min_dec;
	int dec = 1 - (int)floor(log10(u));
	return dec < min_dec ? min_dec : dec > 9 ? 9 : dec;
}

static void print_depth_note(FILE *o, const struct measure_stats *st,
			     const struct measure_config *mc, enum measure_depth_note k)
{
	char note[MEASURE_NOTE_MAX];
	if (measure_note_depth_one(st, mc, k, note, sizeof note))
		fprintf(o, "%s\n", note);
}

/* The strokes' counts and their rejections by reason. Under a noisy
 * refusal the noise crosses the strokes' level between their own
 * crossings: the counts are the detection's, and its reasons the noise's
 * ("43 stall" under noisy 4000 11201, whose pen ran on): not named. */
static void print_strokes_line(FILE *o, const struct measure_stats *st)
{
	fprintf(o, "strokes: %llu measured, %llu rejected", (unsigned long long)st->strokes,
		(unsigned long long)st->strokes_rejected);
	if (st->status == MEASURE_NOISY) {
		fprintf(o, ", as the noise let them be found (not the pen's strokes)\n");
		return;
	}
	const char *sep = " (";
	for (int r = 1; r < MEASURE_REJECT_COUNT; r++)
		if (st->rejected_by_reason[r]) {
			fprintf(o, "%s%llu %s", sep, (unsigned long long)st->rejected_by_reason[r],
				measure_reject_name((enum measure_reject)r));
			sep = ", ";
		}
	fprintf(o, "%s\n", sep[0] == ',' ? ")" : "");
}

static void print_summary(FILE *o, const char *name, const struct measure_stats *st,
			  const struct capture_info *info, enum capture_format fmt,
			  const struct measure_config *mc)
{
	fprintf(o, "%s: %llu samples, %.3f s, %llu invalid", name,
		(unsigned long long)st->samples, st->duration_s,
		(unsigned long long)st->invalid_samples);
	if (fmt == CAPTURE_ILD1420)
		fprintf(o, " (%llu lost on the wire, %llu sensor errors, %llu bytes discarded)",
			(unsigned long long)info->ild.lost, (unsigned long long)info->ild.error_codes,
			(unsigned long long)info->ild.bytes_discarded);
	fprintf(o, "\nstatus: %s%s%s\n", measure_status_name(st->status),
		st->message[0] ? ": " : "", st->message);
	print_strokes_line(o, st);
	if (st->has_depth) {
		char mn[32] = "withheld", mx[32] = "withheld";
		if (st->has_depth_min)
			snprintf(mn, sizeof mn, "%.2f", st->depth_min_um);
		if (st->has_depth_max)
			snprintf(mx, sizeof mx, "%.2f", st->depth_max_um);
		fprintf(o, "depth: %.2f um +- %.2f um (k=2); per stroke std %.2f um +- %.2f um%s, "
			   "min %s, max %s um (each +- %.2f um)\n",
			st->depth_mean_um, st->depth_U_um, st->depth_std_um, st->depth_std_U_um,
			st->depth_std_U_um >= st->depth_std_um ? " (not resolved: its U reaches 0)" : "",
			mn, mx, st->depth_minmax_U_um);
		if (!st->has_depth_min || !st->has_depth_max)
			fprintf(o, "per-stroke extremes: withheld where the extreme stroke's fit "
				   "had no residual to check it by (one sample on its top)\n");
		fprintf(o, "retracted: %.1f um; sample noise near the tops %.2f um\n",
			st->trough_mean_um, st->noise_um);
		print_depth_note(o, st, mc, MEASURE_NOTE_PHASE);
		if (st->ring == MEASURE_RING_TAKEN && st->ring_smooth)
			fprintf(o, "ringing: not told from the top's own shape (through the "
				   "exposure a ring fits the top no better than a smooth top); the "
				   "depth is the ring model's, its spread in U\n");
		else if (st->ring == MEASURE_RING_TAKEN)
			fprintf(o, "ringing: the tips ring at the top of the stroke; the depth is "
				   "the deepest point, ringing included\n");
		else if (st->ring == MEASURE_RING_UNRESOLVED)
			fprintf(o, "ringing: the tips ring at the top of the stroke, faster than the "
				   "samples resolve: the depth is the smooth top plus half the ring's "
				   "rise of %.2f um, the other half in U\n",
				st->ring_rise_um);
		else if (st->ring == MEASURE_RING_UNSURE)
			fprintf(o, "ringing: the top ripples, not clearly beyond its noise: the depth "
				   "lies %.2f um beyond the smooth top, at most at the ripple's deepest "
				   "point, and the gap to that point counts in U\n",
				st->ring_rise_um);
		print_depth_note(o, st, mc, MEASURE_NOTE_RING_HIDDEN);
		print_depth_note(o, st, mc, MEASURE_NOTE_RING_BOUND);
	} else {
		fprintf(o, "depth: no result\n");
	}
	if (st->has_freq) {
		int dec = u_decimals(st->freq_U_hz, 4);
		fprintf(o, "rate: %.*f Hz +- %.*f Hz (k=2), %.1f strokes/min; period jitter %.1f us\n",
			dec, st->freq_hz, dec, st->freq_U_hz, st->freq_hz * 60,
			st->period_jitter_us);
	}
	char note[MEASURE_NOTE_MAX];
	if (measure_note_rate(st, note, sizeof note))
		fprintf(o, "rate: %s\n", note);
	if (st->has_drift)
		fprintf(o, "drift: %+.2f um +- %.2f um over the record (retracted position), %s, "
			"%s\n", st->drift_um, 2 * st->drift_u_um,
			st->drift_detected ? "detected" : "not detected",
			st->drift_corrected ? "corrected" : "not corrected (in U)");
	if (st->has_lobes && st->lobes_unfollowed)
		fprintf(o, "alternate strokes: %.4f / %.4f Hz (periods as detected; depths not "
			"followed)\n", st->lobe_freq_hz[0], st->lobe_freq_hz[1]);
	else if (st->has_lobes)
		fprintf(o, "alternate strokes: %.2f / %.2f um, %.4f / %.4f Hz\n", st->lobe_depth_um[0],
			st->lobe_depth_um[1], st->lobe_freq_hz[0], st->lobe_freq_hz[1]);
	if (st->has_freq && st->rate_start_hz > 0 && st->rate_end_hz > 0)
		fprintf(o, "steadiness: %.4f Hz +- %.4f Hz at the start (%.4f s), %.4f Hz +- %.4f Hz "
			"at the end (%.4f s) (%+.3f %% +- %.3f %%; k=2)\n", st->rate_start_hz,
			st->rate_start_U_hz, st->rate_start_s, st->rate_end_hz, st->rate_end_U_hz,
			st->rate_end_s, st->rate_change_pct, st->rate_change_U_pct);
	if (!st->has_freq)
		fprintf(o, "rate: no result\n");
}

/* cx: no shared options (the row's flags are 0). */
/* A rig trace ("# rig trace:" first) carries its rate, range, zero and the
 * fixture's uncertainty terms: they stand for the options not given.
 * Returns 1 when it did, 0 for a file without that header, -1 after an
 * error was printed (a value that is not a number: a bad capture), -2
 * after one was printed for a file that cannot be opened (with no
 * options, "cannot open", not the options it could not read there). */
static int trace_header(const char *path, struct measure_config *mc, double *range_mm,
			unsigned given, bool *have_fmt, enum capture_format *fmt, bool *have_rate,
			bool *have_zero)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cli_error(CMD, "cannot open %s: %s", path, strerror(errno));
		return -2;
	}
	struct capture_header h;
	unsigned lines;
	struct rig_err err = { 0 };
	enum rig_rc rc = capture_read_header(f, path, &h, &lines, &err);
	fclose(f);
	if (rc) {
		cli_error(CMD, "%s", err.msg);
		return -1;
	}
	if (!h.have)
		return 0;
	if (!*have_fmt) {
		*fmt = CAPTURE_CSV;
		*have_fmt = true;
	}
	if (!*have_rate) {
		mc->rate_hz = h.rate_hz;
		*have_rate = true;
	}
	if (!*have_zero) {
		mc->zero_mm = h.zero_mm;
		*have_zero = true;
	}
	double *dst[] = { range_mm, &mc->freq_hint_hz, &mc->linearity_um, &mc->resolution_um,
			  &mc->zero_u_um, &mc->clock_ppm, &mc->exposure_us, &mc->ring_max_um,
			  &mc->ring_exposure_us };
	double src[] = { h.range_mm, h.freq_hint_hz, h.linearity_um, h.resolution_um,
			 h.zero_u_um, h.clock_ppm, h.exposure_us, h.ring_max_um,
			 h.ring_exposure_us };
	for (int i = 0; i < 9; i++)
		if (!(given & (1u << i)))
			*dst[i] = src[i];
	/* The header's ring exposure is its bound's: not one given here. */
	if ((given & 128) && !(given & 256))
		mc->ring_exposure_us = 0;
	return 1;
}

/* Measure one capture with mc and print the result: the exit code. */
static int analyze_file(const char *path, struct measure_config *mc, enum capture_format fmt,
			double range_mm, bool csv, bool per_stroke)
{
	int ret = RIG_EXIT_USAGE;
	struct measure *m = NULL;
	FILE *in = NULL;
	struct rig_err err = { 0 };
	struct stroke_spool spool = { 0 };
	if (per_stroke) {
		if (!(spool.f = tmpfile())) {
			cli_error(CMD, "cannot make a temporary file for the strokes: %s",
				  strerror(errno));
			ret = RIG_EXIT_IOERR;
			goto out;
		}
		fprintf(stdout, "index,peak_time_s,peak_um,trough_um,period_s,top_samples,reject,"
				"depth_U_um,drift_um\n");
		mc->on_stroke = on_stroke_spool;
		mc->ctx = &spool;
	}
	if (measure_create(&m, mc, &err)) {
		cli_error(CMD, "%s", err.msg);
		goto out;
	}
	if (!strcmp(path, "-")) {
		in = stdin;
		path = "stdin";
	} else if (!(in = fopen(path, "rb"))) {
		cli_error(CMD, "cannot open %s: %s", path, strerror(errno));
		ret = RIG_EXIT_IOERR;
		goto out;
	}
	struct capture_info info;
	enum rig_rc rc = capture_feed(in, path, fmt, range_mm, m, &info, &err);
	if (rc) {
		cli_error(CMD, "%s", err.msg);
		ret = rig_exit_code(rc);
		goto out;
	}
	measure_finish(m);
	struct measure_stats st;
	measure_result(m, &st);
	measure_gate_phase_gap(&st, &mc->gates);
	if (per_stroke && print_strokes(stdout, &spool, &st)) {
		cli_error(CMD, "cannot keep the strokes in a temporary file: %s", strerror(errno));
		ret = RIG_EXIT_IOERR;
		goto out;
	}
	if (csv && !per_stroke)
		print_csv(stdout, &st);
	else if (!per_stroke)
		print_summary(stdout, path, &st, &info, fmt, mc);
	if (st.status != MEASURE_OK) {
		cli_error(CMD, "%s: %s: %s", path, measure_status_name(st.status), st.message);
		ret = RIG_EXIT_DATAERR;
	} else {
		ret = RIG_EXIT_PASS;
	}
	if (fflush(stdout) != 0) {
		cli_error(CMD, "cannot write the results: %s", strerror(errno));
		ret = RIG_EXIT_IOERR;
	}
out:
	if (in && in != stdin)
		fclose(in);
	if (spool.f)
		fclose(spool.f);
	measure_free(m);
	return ret;
}

int cmd_analyze(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "rate", required_argument, NULL, 'r' },
		{ "zero-mm", required_argument, NULL, 'z' },
		{ "range-mm", required_argument, NULL, 'R' },
		{ "freq-hint", required_argument, NULL, 'F' },
		{ "linearity-um", required_argument, NULL, 'L' },
		{ "resolution-um", required_argument, NULL, 'S' },
		{ "zero-u-um", required_argument, NULL, 'Z' },
		{ "clock-ppm", required_argument, NULL, 'C' },
		{ "exposure-us", required_argument, NULL, 'E' },
		{ "ring-max-um", required_argument, NULL, 'B' },
		{ "ring-exposure-us", required_argument, NULL, 'X' },
		{ "drift", required_argument, NULL, 'D' },
		{ "max-noise-pct", required_argument, NULL, 'N' },
		{ "max-rate-change-pct", required_argument, NULL, 'V' },
		{ "max-rate-trend-pct", required_argument, NULL, 'T' },
		{ "max-drift-um", required_argument, NULL, 'M' },
		{ "max-phase-gap-pct", required_argument, NULL, 'P' },
		{ "lobes-ok", no_argument, NULL, 'l' },
		{ "csv", no_argument, NULL, 'c' },
		{ "per-stroke", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct measure_config mc = { 0 };
	enum capture_format fmt = CAPTURE_CSV;
	bool have_fmt = false, have_rate = false, have_zero = false, csv = false, per_stroke = false;
	unsigned given = 0; /* bits: range, hint, linearity, resolution, zero u, clock, exposure,
			     ring bound, its exposure */
	double range_mm = 10;
	int ret = RIG_EXIT_USAGE;

	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		double *num = NULL;
		switch (c) {
		case 'f':
			if (capture_format_parse(optarg, &fmt)) {
				cli_error(CMD, "--format: expected ild1420 or csv, found \"%s\"", optarg);
				goto out;
			}
			have_fmt = true;
			break;
		case 'r': num = &mc.rate_hz; have_rate = true; break;
		case 'z': num = &mc.zero_mm; have_zero = true; break;
		case 'R': num = &range_mm; given |= 1; break;
		case 'F': num = &mc.freq_hint_hz; given |= 2; break;
		case 'L': num = &mc.linearity_um; given |= 4; break;
		case 'S': num = &mc.resolution_um; given |= 8; break;
		case 'Z': num = &mc.zero_u_um; given |= 16; break;
		case 'C': num = &mc.clock_ppm; given |= 32; break;
		case 'E': num = &mc.exposure_us; given |= 64; break;
		case 'B': num = &mc.ring_max_um; given |= 128; break;
		case 'X': num = &mc.ring_exposure_us; given |= 256; break;
		case 'N': num = &mc.gates.max_noise_pct; break;
		case 'V': num = &mc.gates.max_rate_change_pct; break;
		case 'T': num = &mc.gates.max_rate_trend_pct; break;
		case 'M': num = &mc.gates.max_drift_um; break;
		case 'P': num = &mc.gates.max_phase_gap_pct; break;
		case 'l': mc.gates.lobes_ok = true; break;
		case 'D':
			if (!strcmp(optarg, "correct")) {
				mc.gates.drift = MEASURE_DRIFT_CORRECT;
			} else if (!strcmp(optarg, "flag")) {
				mc.gates.drift = MEASURE_DRIFT_FLAG;
			} else {
				cli_error(CMD, "--drift: expected flag or correct, found \"%s\"", optarg);
				goto out;
			}
			break;
		case 'c': csv = true; break;
		case 'p': per_stroke = true; break;
		case 'h':
			usage(stdout);
			ret = RIG_EXIT_PASS;
			goto out;
		default:
			cli_error(CMD, "unknown option or missing value: %s (see rig analyze --help)",
				  argv[optind - 1]);
			goto out;
		}
		if (num && parse_num(argv[optind - 1], optarg, num))
			goto out;
	}
	if (optind == argc - 1 && strcmp(argv[optind], "-") &&
	    (!have_fmt || !have_rate || !have_zero)) {
		int th = trace_header(argv[optind], &mc, &range_mm, given, &have_fmt, &fmt,
				      &have_rate, &have_zero);
		/* a bad header line: a bad capture, as with options; no file:
		 * as with options too */
		if (th < 0) {
			ret = th == -2 ? RIG_EXIT_IOERR : RIG_EXIT_DATAERR;
			goto out;
		}
	}
	if (!have_fmt || !have_rate || !have_zero) {
		cli_error(CMD, "expected --format, --rate and --zero-mm, or a rig trace that "
			       "carries them (missing: %s%s%s)",
			  have_fmt ? "" : "--format ", have_rate ? "" : "--rate ",
			  have_zero ? "" : "--zero-mm");
		goto out;
	}
	if (optind != argc - 1) {
		cli_error(CMD, "expected one capture FILE (or - for standard input), found %d",
			  argc - optind);
		goto out;
	}
	if (!(range_mm > 0)) {
		cli_error(CMD, "--range-mm: expected a measuring range > 0, found %g", range_mm);
		goto out;
	}
	/* A bound given here with no exposure of its own was measured at the
	 * record's (the option's words: "at this exposure" is the default). */
	if ((given & 128) && !(given & 256))
		mc.ring_exposure_us = mc.exposure_us;
	ret = analyze_file(argv[optind], &mc, fmt, range_mm, csv, per_stroke);
out:
	return ret;
}
