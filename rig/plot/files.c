/* files.c - from a CSV file (run report or sweep) to its plots. The kind of
 * file is told by its header: a report has phase/step/quantity columns, a
 * sweep has depth_cmd_um. The stroke waveform and the depth histogram need
 * more than a CSV holds: the points measured live (point_log), or a trace
 * saved with --save-trace, run through the stroke engine again (the same
 * samples and settings give the same strokes).
 */
#include "plot/files.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "measure/capture.h"
#include "plot/plots.h"
#include "study/csv.h"

#define MAXP 512

struct series_buf {
	char label[64];
	double key;                    /* what the series is (a rate, a depth) */
	double cmd[MAXP], meas[MAXP], u[MAXP];
	unsigned cnt[MAXP];
	size_t n;
};

struct limits_buf {
	double x[MAXP], lo[MAXP], hi[MAXP];
	size_t n;
};

struct pctx {
	const struct plot_request *rq;
	const struct csv_table *t;
	char stem[2 * PATH_MAX + 2];
	char subtitle[300];
	unsigned written;
	struct series_buf *S;          /* PLOT_MAX_SERIES */
	size_t nS;
	unsigned dropped;              /* series that did not fit, said once */
	struct limits_buf *L;
};

static void note(const struct pctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(const struct pctx *c, const char *fmt, ...)
{
	if (!c->rq->notes)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("rig plot: ", c->rq->notes);
	vfprintf(c->rq->notes, fmt, ap);
	fputc('\n', c->rq->notes);
	va_end(ap);
}

/* A point into series; the same commanded value again is averaged in. */
static void series_add(struct series_buf *s, double cmd, double meas, double u)
{
	if (!isfinite(cmd))
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->cmd[i] != cmd)
			continue;
		if (!isfinite(meas))
			return;
		if (!isfinite(s->meas[i])) {
			s->meas[i] = meas;
			s->u[i] = u;
			s->cnt[i] = 1;
			return;
		}
		unsigned k = ++s->cnt[i];
		s->meas[i] += (meas - s->meas[i]) / k;
		s->u[i] += ((isfinite(u) ? u : 0) - (isfinite(s->u[i]) ? s->u[i] : 0)) / k;
		return;
	}
	if (s->n == MAXP)
		return;
	s->cmd[s->n] = cmd;
	s->meas[s->n] = meas;
	s->u[s->n] = u;
	s->cnt[s->n] = isfinite(meas) ? 1 : 0;
	s->n++;
}

/* The series for key (created with label when new), NULL when all taken. */
static struct series_buf *series_for(struct pctx *c, double key, const char *label)
{
	for (size_t i = 0; i < c->nS; i++)
		if (c->S[i].key == key && !strcmp(c->S[i].label, label))
			return &c->S[i];
	if (c->nS == PLOT_MAX_SERIES) {
		if (!c->dropped++)
			note(c, "%s: more than %d series; the rest are not drawn", c->rq->csv_path,
			     PLOT_MAX_SERIES);
		return NULL;
	}
	struct series_buf *s = &c->S[c->nS++];
	memset(s, 0, sizeof *s);
	s->key = key;
	snprintf(s->label, sizeof s->label, "%s", label);
	return s;
}

static void reset(struct pctx *c)
{
	c->nS = 0;
	c->L->n = 0;
}

static enum rig_rc draw_transfer(struct pctx *c, const char *name, const char *title,
				 const char *quantity, const char *unit, const char *lim_label,
				 struct rig_err *err)
{
	char path[sizeof c->stem + 32];
	snprintf(path, sizeof path, "%s_%s.svg", c->stem, name);
	struct plot_transfer t = {
		.title = title, .subtitle = c->subtitle, .quantity = quantity, .unit = unit,
		.lim_x = c->L->x, .lim_lo = c->L->lo, .lim_hi = c->L->hi, .nlim = c->L->n,
		.lim_label = lim_label,
	};
	for (size_t i = 0; i < c->nS; i++)
		t.series[t.nseries++] = (struct plot_series){
			.label = c->S[i].label, .cmd = c->S[i].cmd, .meas = c->S[i].meas,
			.u = c->S[i].u, .n = c->S[i].n,
		};
	enum rig_rc rc = plot_transfer_svg(path, &t, err);
	if (rc == RIG_E_DATA) {
		note(c, "%s", err->msg);
		return RIG_OK;
	}
	if (!rc) {
		c->written++;
		if (c->rq->list)
			fprintf(c->rq->list, "%s\n", path);
	}
	return rc;
}

static enum rig_rc draw_point(struct pctx *c, const struct point_record *r, double lo,
			      double hi, const char *what, struct rig_err *err)
{
	char path[sizeof c->stem + 32], title[160];
	snprintf(path, sizeof path, "%s_waveform.svg", c->stem);
	snprintf(title, sizeof title, "Stroke waveform: %g µm at %g Hz commanded (%s)",
		 r->depth_cmd_um, r->freq_cmd_hz, what);
	struct plot_waveform w = {
		.title = title, .subtitle = c->subtitle, .bins = r->shape, .n = r->nshape,
		.period_ms = r->st.has_freq && r->st.freq_hz > 0 ? 1000.0 / r->st.freq_hz : 0,
		.depth_mean_um = r->st.has_depth ? r->st.depth_mean_um : NAN,
		.depth_cmd_um = r->depth_cmd_um, .strokes = (size_t)r->st.strokes,
	};
	enum rig_rc rc = plot_waveform_svg(path, &w, err);
	if (rc && rc != RIG_E_DATA)
		return rc;
	if (rc)
		note(c, "%s", err->msg);
	else {
		c->written++;
		if (c->rq->list)
			fprintf(c->rq->list, "%s\n", path);
	}
	snprintf(path, sizeof path, "%s_histogram.svg", c->stem);
	snprintf(title, sizeof title, "Per-stroke depth: %g µm at %g Hz commanded (%s)",
		 r->depth_cmd_um, r->freq_cmd_hz, what);
	struct plot_histogram h = {
		.title = title, .subtitle = c->subtitle, .depth_um = r->stroke_um,
		.n = r->nstrokes, .cmd_um = r->depth_cmd_um, .lo_um = lo, .hi_um = hi,
	};
	rc = plot_histogram_svg(path, &h, err);
	if (rc && rc != RIG_E_DATA)
		return rc;
	if (rc)
		note(c, "%s", err->msg);
	else {
		c->written++;
		if (c->rq->list)
			fprintf(c->rq->list, "%s\n", path);
	}
	return RIG_OK;
}

/* The record to show: the candidate at the median commanded depth (and,
 * among those, the median rate); the first one measured there. */
static const struct point_record *pick(const struct point_log *log, bool verify_only)
{
	double d[MAXP], f[MAXP];
	size_t nd = 0;
	for (size_t i = 0; i < log->n && nd < MAXP; i++) {
		const struct point_record *r = &log->v[i];
		if (!r->done || (verify_only && (strcmp(r->phase, "verify") ||
						 strcmp(r->step, "depth_sweep"))))
			continue;
		d[nd] = r->depth_cmd_um;
		f[nd++] = r->freq_cmd_hz;
	}
	if (!nd)
		return NULL;
	/* insertion sorts: small lists */
	for (size_t i = 1; i < nd; i++)
		for (size_t j = i; j > 0 && d[j] < d[j - 1]; j--) {
			double t = d[j]; d[j] = d[j - 1]; d[j - 1] = t;
		}
	for (size_t i = 1; i < nd; i++)
		for (size_t j = i; j > 0 && f[j] < f[j - 1]; j--) {
			double t = f[j]; f[j] = f[j - 1]; f[j - 1] = t;
		}
	double dm = d[(nd - 1) / 2], fm = f[(nd - 1) / 2];
	const struct point_record *best = NULL;
	for (size_t i = 0; i < log->n; i++) {
		const struct point_record *r = &log->v[i];
		if (!r->done || r->depth_cmd_um != dm || (verify_only && (strcmp(r->phase, "verify") ||
									  strcmp(r->step, "depth_sweep"))))
			continue;
		if (!best || fabs(r->freq_cmd_hz - fm) < fabs(best->freq_cmd_hz - fm))
			best = r;
	}
	return best;
}

/* Run a saved trace through the stroke engine into log. */
static enum rig_rc trace_to_log(const char *path, const struct fixture_laser *laser,
				double depth_um, double freq_hz, struct point_log *log,
				struct rig_err *err)
{
	struct point_observer ob = point_log_observer(log);
	ob.begin(ob.ctx, "trace", "", depth_um, freq_hz);
	struct measure_config cfg = point_measure_config(laser, laser->zero_mm, freq_hz);
	cfg.on_stroke = ob.on_stroke;
	cfg.ctx = ob.ctx;
	struct measure *m = NULL;
	struct capture_info info;
	FILE *f = NULL;
	enum rig_rc rc = measure_create(&m, &cfg, err);
	if (rc)
		return rc;
	if (!(f = fopen(path, "r"))) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot read trace %s", path);
		goto out;
	}
	if ((rc = capture_feed(f, path, CAPTURE_CSV, laser->range_mm, m, &info, err)))
		goto out;
	measure_finish(m);
	struct measure_stats st;
	measure_result(m, &st);
	ob.end(ob.ctx, m, &st);
out:
	if (f)
		fclose(f);
	measure_free(m);
	return rc;
}

static void dirname_of(char *dst, size_t cap, const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		snprintf(dst, cap, ".");
	else
		snprintf(dst, cap, "%.*s", (int)(s - path), path);
}

/* ---- run reports ------------------------------------------------------- */

/* The verify depth trace at the median commanded depth in tdir
 * (NN_verify_depth_sweep_<D>um_<F>Hz.csv), through the engine into tlog;
 * *r its point, or NULL (said in a note) when there is none. */
static enum rig_rc median_trace(struct pctx *c, const char *tdir, struct point_log *tlog,
				const struct point_record **r, struct rig_err *err)
{
	enum rig_rc rc = RIG_OK;
	/* Traces are NN_verify_depth_sweep_<D>um_<F>Hz.csv: take the median D. */
	DIR *dp = opendir(tdir);
	double ds[MAXP];
	char names[64][256];
	size_t nn = 0;
	struct dirent *e;
	while (dp && (e = readdir(dp)) && nn < 64) {
		unsigned no;
		double dd, ff;
		if (sscanf(e->d_name, "%u_verify_depth_sweep_%lfum_%lfHz.csv", &no, &dd, &ff) ==
		    3) {
			ds[nn] = dd;
			snprintf(names[nn++], sizeof names[0], "%s", e->d_name);
		}
	}
	if (dp)
		closedir(dp);
	if (!nn)
		note(c, "no verify depth traces in %s", tdir);
	else {
		size_t order[64];
		for (size_t i = 0; i < nn; i++)
			order[i] = i;
		for (size_t i = 1; i < nn; i++)
			for (size_t j = i; j > 0 && ds[order[j]] < ds[order[j - 1]]; j--) {
				size_t tmp = order[j]; order[j] = order[j - 1]; order[j - 1] = tmp;
			}
		size_t pick_i = order[(nn - 1) / 2];
		unsigned no;
		double dd, ff;
		sscanf(names[pick_i], "%u_verify_depth_sweep_%lfum_%lfHz.csv", &no, &dd, &ff);
		char path[PATH_MAX + 300];
		snprintf(path, sizeof path, "%s/%s", tdir, names[pick_i]);
		if ((rc = trace_to_log(path, c->rq->laser, dd, ff, tlog, err)))
			return rc;
		*r = pick(tlog, false);
	}
	return rc;
}

static enum rig_rc plot_report(struct pctx *c, struct rig_err *err)
{
	const struct csv_table *t = c->t;
	int cph = csv_table_col(t, "phase"), cst = csv_table_col(t, "step"),
	    cq = csv_table_col(t, "quantity"), ccmd = csv_table_col(t, "commanded"),
	    cm = csv_table_col(t, "measured"), cu = csv_table_col(t, "uncertainty"),
	    clo = csv_table_col(t, "accept_low"), chi = csv_table_col(t, "accept_high"),
	    cnote = csv_table_col(t, "note");
	/* Reports before accept_low/accept_high held the acceptance limits in
	 * low_limit/high_limit. */
	if (clo < 0 || chi < 0) {
		clo = csv_table_col(t, "low_limit");
		chi = csv_table_col(t, "high_limit");
	}
	if (t->nrows) {
		snprintf(c->subtitle, sizeof c->subtitle, "%s %s · station %s · %s · profile %s %s",
			 csv_table_get(t, 0, csv_table_col(t, "pen_model")),
			 csv_table_get(t, 0, csv_table_col(t, "pen_serial")),
			 csv_table_get(t, 0, csv_table_col(t, "station")),
			 csv_table_get(t, 0, csv_table_col(t, "timestamp")),
			 csv_table_get(t, 0, csv_table_col(t, "profile")),
			 csv_table_get(t, 0, csv_table_col(t, "profile_version")));
	}
	static const struct {
		const char *name, *step, *quantity, *title, *words, *unit;
	} kinds[] = {
		{ "depth", "depth_sweep", "depth", "Penetration depth: commanded vs measured",
		  "depth", "µm" },
		{ "freq", "freq_sweep", "freq", "Stroke rate: commanded vs measured", "stroke rate",
		  "Hz" },
	};
	enum rig_rc rc = RIG_OK;
	for (size_t k = 0; k < 2 && !rc; k++) {
		reset(c);
		bool calibrated = false;
		for (size_t i = 0; i < t->nrows; i++)
			calibrated |= !strcmp(csv_table_get(t, i, cph), "calibrate") &&
				      !strcmp(csv_table_get(t, i, cst), kinds[k].step);
		for (size_t i = 0; i < t->nrows; i++) {
			const char *ph = csv_table_get(t, i, cph);
			if (strcmp(csv_table_get(t, i, cst), kinds[k].step) ||
			    strcmp(csv_table_get(t, i, cq), kinds[k].quantity))
				continue;
			bool cal = !strcmp(ph, "calibrate");
			if (!cal && strcmp(ph, "verify"))
				continue;
			struct series_buf *s = series_for(
				c, cal ? 0 : 1,
				cal ? "before calibration" : calibrated ? "after calibration" : "verification");
			double cmd = csv_table_num(t, i, ccmd);
			if (s)
				series_add(s, cmd, csv_table_num(t, i, cm), csv_table_num(t, i, cu));
			double lo = csv_table_num(t, i, clo), hi = csv_table_num(t, i, chi);
			if (!cal && isfinite(lo) && isfinite(hi) && c->L->n < MAXP) {
				c->L->x[c->L->n] = cmd;
				c->L->lo[c->L->n] = lo;
				c->L->hi[c->L->n++] = hi;
			}
		}
		/* Calibration first in the legend and in colour order. */
		if (c->nS == 2 && c->S[0].key > c->S[1].key) {
			struct series_buf tmp = c->S[0];
			c->S[0] = c->S[1];
			c->S[1] = tmp;
		}
		rc = draw_transfer(c, kinds[k].name, kinds[k].title, kinds[k].words, kinds[k].unit,
				   "acceptance limits (as judged)", err);
	}
	if (rc)
		return rc;

	/* Waveform and histogram: live points, else a saved trace. */
	struct point_log tlog = { 0 };
	const struct point_record *r = c->rq->log ? pick(c->rq->log, true) : NULL;
	if (!r && !c->rq->log) {
		const char *tdir = NULL;
		for (size_t i = 0; i < t->nrows; i++)
			if (!strcmp(csv_table_get(t, i, cq), "traces"))
				tdir = csv_table_get(t, i, cnote);
		if (!tdir || !*tdir)
			note(c, "no stroke waveform or histogram: the report has no traces "
				"(rig run --save-trace, or rig run --plots)");
		else if (!c->rq->laser)
			note(c, "no stroke waveform or histogram: no laser settings to read traces");
		else {
			if ((rc = median_trace(c, tdir, &tlog, &r, err)))
				goto out;
		}
	}
	if (r) {
		double lo = NAN, hi = NAN;
		for (size_t i = 0; i < t->nrows; i++)
			if (!strcmp(csv_table_get(t, i, cph), "verify") &&
			    !strcmp(csv_table_get(t, i, cst), "depth_sweep") &&
			    !strcmp(csv_table_get(t, i, cq), "depth") &&
			    csv_table_num(t, i, ccmd) == r->depth_cmd_um) {
				lo = csv_table_num(t, i, clo);
				hi = csv_table_num(t, i, chi);
			}
		rc = draw_point(c, r, lo, hi, "verification", err);
	}
out:
	point_log_free(&tlog);
	return rc;
}

/* ---- sweeps ------------------------------------------------------------ */

static enum rig_rc plot_sweep(struct pctx *c, struct rig_err *err)
{
	const struct csv_table *t = c->t;
	int cd = csv_table_col(t, "depth_cmd_um"), cf = csv_table_col(t, "freq_cmd_hz"),
	    cdm = csv_table_col(t, "depth_mean_um"), cdu = csv_table_col(t, "depth_uncertainty_um"),
	    cfm = csv_table_col(t, "freq_hz"), cfu = csv_table_col(t, "freq_uncertainty_hz"),
	    crep = csv_table_col(t, "repeat"), ctr = csv_table_col(t, "trace");
	if (t->nrows)
		snprintf(c->subtitle, sizeof c->subtitle, "sweep · %s %s · station %s · %zu rows",
			 csv_table_get(t, 0, csv_table_col(t, "pen_model")),
			 csv_table_get(t, 0, csv_table_col(t, "pen_serial")),
			 csv_table_get(t, 0, csv_table_col(t, "station")), t->nrows);
	enum rig_rc rc;
	char label[64];
	/* Depth: one series per commanded rate, rate: one per commanded depth
	 * (and preload, when the sweep has several), repeats averaged. */
	const struct {
		int key, cmd, meas, u;
		const char *key_unit, *name, *title, *words, *unit;
	} kinds[] = {
		{ cf, cd, cdm, cdu, "Hz", "depth", "Penetration depth: commanded vs measured (sweep)",
		  "depth", "µm" },
		{ cd, cf, cfm, cfu, "µm", "freq", "Stroke rate: commanded vs measured (sweep)",
		  "stroke rate", "Hz" },
	};
	int cpl = csv_table_col(t, "preload_cmd_n");
	for (size_t k = 0; k < 2; k++) {
		reset(c);
		for (size_t i = 0; i < t->nrows; i++) {
			double key = csv_table_num(t, i, kinds[k].key), pl = csv_table_num(t, i, cpl);
			if (isfinite(pl))
				snprintf(label, sizeof label, "at %g %s, %g N", key, kinds[k].key_unit, pl);
			else
				snprintf(label, sizeof label, "at %g %s", key, kinds[k].key_unit);
			struct series_buf *s = series_for(c, key, label);
			if (s)
				series_add(s, csv_table_num(t, i, kinds[k].cmd),
					   csv_table_num(t, i, kinds[k].meas),
					   csv_table_num(t, i, kinds[k].u));
		}
		if ((rc = draw_transfer(c, kinds[k].name, kinds[k].title, kinds[k].words,
					kinds[k].unit, NULL, err)))
			return rc;
	}

	struct point_log tlog = { 0 };
	const struct point_record *r = c->rq->log ? pick(c->rq->log, false) : NULL;
	if (!r && !c->rq->log) {
		/* The first repeat's row at the median depth and rate, if it has a trace. */
		struct point_log names = { 0 };
		struct point_observer ob = point_log_observer(&names);
		for (size_t i = 0; i < t->nrows; i++)
			if (csv_table_num(t, i, crep) == 1 && *csv_table_get(t, i, ctr)) {
				ob.begin(ob.ctx, "", "", csv_table_num(t, i, cd), csv_table_num(t, i, cf));
				if (names.open)
					names.v[names.n - 1].done = true;
			}
		const struct point_record *want = pick(&names, false);
		if (!want)
			note(c, "no stroke waveform or histogram: the sweep has no traces "
				"(rig sweep --save-trace, or rig sweep --plots)");
		else if (!c->rq->laser)
			note(c, "no stroke waveform or histogram: no laser settings to read traces");
		else {
			char dir[PATH_MAX], path[2 * PATH_MAX];
			dirname_of(dir, sizeof dir, c->rq->csv_path);
			for (size_t i = 0; i < t->nrows; i++)
				if (csv_table_num(t, i, crep) == 1 &&
				    csv_table_num(t, i, cd) == want->depth_cmd_um &&
				    csv_table_num(t, i, cf) == want->freq_cmd_hz) {
					snprintf(path, sizeof path, "%s/%s", dir, csv_table_get(t, i, ctr));
					break;
				}
			rc = trace_to_log(path, c->rq->laser, want->depth_cmd_um, want->freq_cmd_hz,
					  &tlog, err);
			r = rc ? NULL : pick(&tlog, false);
		}
		point_log_free(&names);
	}
	if (!rc && r)
		rc = draw_point(c, r, NAN, NAN, "sweep", err);
	point_log_free(&tlog);
	return rc;
}

enum rig_rc plot_files(const struct plot_request *rq, unsigned *nwritten, struct rig_err *err)
{
	struct csv_table t;
	struct pctx c = { .rq = rq, .t = &t };
	*nwritten = 0;
	enum rig_rc rc = csv_table_load(&t, rq->csv_path, err);
	if (rc)
		return rc;
	/* <out_dir or the CSV's folder>/<name without .csv> */
	const char *base = strrchr(rq->csv_path, '/');
	base = base ? base + 1 : rq->csv_path;
	size_t blen = strlen(base);
	if (blen > 4 && !strcmp(base + blen - 4, ".csv"))
		blen -= 4;
	char dir[PATH_MAX];
	if (rq->out_dir)
		snprintf(dir, sizeof dir, "%s", rq->out_dir);
	else
		dirname_of(dir, sizeof dir, rq->csv_path);
	if (blen >= PATH_MAX)
		blen = PATH_MAX - 1;
	snprintf(c.stem, sizeof c.stem, "%s/%.*s", dir, (int)blen, base);
	c.S = calloc(PLOT_MAX_SERIES, sizeof *c.S);
	c.L = calloc(1, sizeof *c.L);
	if (!c.S || !c.L) {
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory plotting %s", rq->csv_path);
		goto out;
	}
	if (csv_table_col(&t, "phase") >= 0 && csv_table_col(&t, "quantity") >= 0 &&
	    csv_table_col(&t, "commanded") >= 0 && csv_table_col(&t, "measured") >= 0)
		rc = plot_report(&c, err);
	else if (csv_table_col(&t, "depth_cmd_um") >= 0 && csv_table_col(&t, "freq_cmd_hz") >= 0 &&
		 csv_table_col(&t, "depth_mean_um") >= 0)
		rc = plot_sweep(&c, err);
	else
		rc = rig_fail(err, RIG_E_DATA,
			      "%s: expected a run report (phase, quantity, commanded, measured "
			      "columns) or a sweep (depth_cmd_um, freq_cmd_hz, depth_mean_um), found "
			      "neither",
			      rq->csv_path);
	if (!rc && !c.written)
		rc = rig_fail(err, RIG_E_DATA, "%s: nothing to plot", rq->csv_path);
out:
	*nwritten = c.written;
	free(c.S);
	free(c.L);
	csv_table_free(&t);
	return rc;
}
