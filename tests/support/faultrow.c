/* faultrow.c - run one fault-matrix row and judge it (see faultrow.h). */
#include "support/faultrow.h"

#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
#include "run/report.h"
#include "run/run.h"
#include "sim/bench.h"
#include "sim/pen.h"
#include "support/ratetruth.h"
#include "support/runbench.h"
#include "support/testutil.h"

#define TRUE_SERIAL "MN3-000123"
#define MAX_BENCH_S 90.0      /* profile budget 30 s + every timeout of a run */
#define DEPTH_MARGIN_UM 20.0  /* warm-up drift (12 um) and settling */
/* A verify rate against the pen's real mean rate over its window
 * (support/ratetruth.h): within its U (k = 2), no allowance. Against the
 * rate it would have run at settled over the same window: within U and
 * this allowance, a part of the rate (what is left of a speed change is
 * known to the rig only through its settle fit, run/settle.c; over 60
 * runs the largest miss was 1.71 U, 0.015 %, on a 0.2 s motor). */
#define FREQ_ALLOW_SETTLED 0.0002
#define NOMINAL_FREQ_HZ 120.0 /* production-p25's nominal_freq_hz */
#define PRELOAD_MARGIN_N 0.3

/* The pen's calibration before the run ("old"), in thousandths. */
static const int32_t old_depth_cmd[] = { 0, 1500000, 3000000 };
static const int32_t old_depth_raw[] = { 0, 1440000, 2910000 };
static const int32_t old_freq_cmd[] = { 40000, 300000 };
static const int32_t old_freq_raw[] = { 41000, 309000 };

struct table {
	unsigned n;
	int32_t cmd[16], raw[16];
};

struct ctx {
	const struct fault_spec *spec;
	struct fault_outcome *out;
	char key[64];
	uint64_t report_t0_ns, harmless_from_ns;
	bool saw_report, saw_harmless_phase;
	struct table final[2];
	double depth_truth_err, freq_truth_err;
	struct sim_bench *b;
	struct run_bench *t;       /* the run, for the bench it has open */
	const char *report_path;
	struct rate_truth_log rates;   /* every window beside the pen's true rate */
	char valid_why[200];
	bool valid;
};

const char *fault_tables_name(enum fault_tables t)
{
	switch (t) {
	case TABLES_OLD: return "old";
	case TABLES_NEW: return "new";
	case TABLES_MIX: return "MIX";
	}
	return "?";
}

static void on_phase(void *vctx, const char *phase)
{
	struct ctx *c = vctx;
	struct sim_bench *b = c->t->bench ? c->t->bench->sim : NULL;
	if (!b)
		return;
	if (strcmp(phase, "identify") == 0) {
		/* An earlier calibration, so "old" and "new" differ. */
		struct sim_pen *p = sim_pen_of(b);
		sim_pen_set_saved_table(p, 0, 3, old_depth_cmd, old_depth_raw);
		sim_pen_set_saved_table(p, 1, 2, old_freq_cmd, old_freq_raw);
	}
	if (c->spec->harmful_before && !c->saw_harmless_phase &&
	    strcmp(phase, c->spec->harmful_before) == 0) {
		c->saw_harmless_phase = true;
		c->harmless_from_ns = clock_now_ns(b->clock);
	}
	if (strcmp(phase, "report") == 0) {
		c->saw_report = true;
		c->report_t0_ns = clock_now_ns(b->clock);
	}
}

/* ---- the report, read back ---- */

/* Rows of exactly the report's columns (report_columns); a row of any
 * other width is dropped, so a report that cannot be read is noticed
 * (check_valid: no rows is not valid). */
#define NCOL REPORT_NCOLUMNS

struct csvrows {
	char **cells;      /* nrows x NCOL */
	size_t nrows, cap, nfield;
	char *cur[NCOL];
};

static void cb_field(void *s, size_t len, void *data)
{
	struct csvrows *r = data;
	if (r->nfield < NCOL) {
		char *v = malloc(len + 1);
		memcpy(v, s ? s : "", len);
		v[len] = '\0';
		r->cur[r->nfield] = v;
	}
	r->nfield++;
}

static void cb_row(int c, void *data)
{
	(void)c;
	struct csvrows *r = data;
	if (r->nfield == NCOL) {
		if (rig_grow(&r->cells, &r->cap, r->nrows + 1, NCOL * sizeof *r->cells, 64, NULL)) {
			fprintf(stderr, "faultrow: out of memory\n");
			abort();
		}
		memcpy(r->cells + r->nrows * NCOL, r->cur, sizeof r->cur);
		r->nrows++;
	} else {
		for (size_t i = 0; i < r->nfield && i < NCOL; i++)
			free(r->cur[i]);
	}
	r->nfield = 0;
}

static bool read_csv(const char *path, struct csvrows *rows)
{
	memset(rows, 0, sizeof *rows);
	char *text = tu_read(path);
	if (!text)
		return false;
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL);
	csv_parse(&p, text, strlen(text), cb_field, cb_row, rows);
	csv_fini(&p, cb_field, cb_row, rows);
	csv_free(&p);
	free(text);
	return true;
}

static void free_csv(struct csvrows *rows)
{
	for (size_t i = 0; i < rows->nrows * NCOL; i++)
		free(rows->cells[i]);
	free(rows->cells);
}

/* A cell by column name (the report writes the table's order). */
#define CELL(rows, i, name) ((rows)->cells[(i) * NCOL + report_column_index(name)])
#define C_SERIAL "pen_serial"
#define C_PHASE "phase"
#define C_STEP "step"
#define C_QTY "quantity"
#define C_CMD "commanded"
#define C_MEAS "measured_full"
#define C_U "uncertainty_full"
#define C_RESULT "result"

static double num(const char *s)
{
	return *s ? strtod(s, NULL) : NAN;
}

/* A verify rate against the pen's real mean rate over the window that
 * measured it, and against the rate it would have run at settled over
 * the same window: the k-th window at that rate for the k-th row. */
static void check_freq(struct ctx *c, const struct csvrows *rows, size_t i, double cmd, double m,
		       double u)
{
	unsigned k = 0;
	for (size_t j = 1; j < i; j++) /* earlier verify rows at the same rate */
		k += !strcmp(CELL(rows, j, C_PHASE), "verify") &&
		     !strcmp(CELL(rows, j, C_QTY), "freq") && num(CELL(rows, j, C_CMD)) == cmd;
	const struct rate_point *r = rate_truth_find(&c->rates, "verify", cmd, k);
	if (!r || !r->have_truth) {
		c->valid = false;
		snprintf(c->valid_why, sizeof c->valid_why,
			 "freq at %g Hz: no window with the pen's true rate", cmd);
		return;
	}
	/* the real mean, then the rate the pen would have run at settled
	 * (what is left of a speed change is the rig's to wait for or count) */
	for (int settled = 0; settled < 2; settled++) {
		double t = settled ? r->truth.settled_hz : r->truth.mean_hz, e = fabs(m - t);
		if (u > 0 && e / u > c->out->freq_err_over_u)
			c->out->freq_err_over_u = e / u;
		if (e <= u * (1 + c->spec->freq_allow_u) + (settled ? FREQ_ALLOW_SETTLED * t : 0))
			continue;
		c->valid = false;
		snprintf(c->valid_why, sizeof c->valid_why,
			 "freq at %g Hz: measured %.4f (U %.4f), %s %.4f Hz over the window "
			 "(%+.3f %%, %.1f U)", cmd, m, u, settled ? "settled" : "true", t,
			 (m / t - 1) * 100, u > 0 ? e / u : INFINITY);
		return;
	}
}

/* Every judged value of a PASS report against the bench's truth. */
static void check_valid(struct ctx *c, struct sim_bench *b)
{
	struct csvrows rows;
	c->valid = false;
	if (!c->report_path || !read_csv(c->report_path, &rows)) {
		snprintf(c->valid_why, sizeof c->valid_why, "report unreadable");
		return;
	}
	struct sim_pen *p = sim_pen_of(b);
	c->valid = rows.nrows > 1;
	if (!c->valid)
		snprintf(c->valid_why, sizeof c->valid_why, "report has no rows of %d columns",
			 NCOL);
	for (size_t i = 1; i < rows.nrows && c->valid; i++) {
		const char *ph = CELL(&rows, i, C_PHASE), *q = CELL(&rows, i, C_QTY);
		double cmd = num(CELL(&rows, i, C_CMD)), m = num(CELL(&rows, i, C_MEAS));
		double u = num(CELL(&rows, i, C_U));
		if (isnan(u))
			u = 0;
		if (strcmp(CELL(&rows, i, C_SERIAL), TRUE_SERIAL) != 0) {
			c->valid = false;
			snprintf(c->valid_why, sizeof c->valid_why, "serial '%s' is not the pen's",
				 CELL(&rows, i, C_SERIAL));
		} else if (!strcmp(ph, "verify") && !strcmp(q, "depth")) {
			/* the deepest point, ringing included (verify's depth
			 * points are measured at the profile's nominal rate) */
			double t = sim_pen_deepest_for_cmd(p, cmd, NOMINAL_FREQ_HZ,
							   sim_bench_force_n(b));
			if (!(fabs(m - t) <= u + DEPTH_MARGIN_UM)) {
				c->valid = false;
				snprintf(c->valid_why, sizeof c->valid_why,
					 "depth at %g um: measured %.1f, true %.1f um", cmd, m, t);
			}
		} else if (!strcmp(ph, "verify") && !strcmp(q, "freq")) {
			check_freq(c, &rows, i, cmd, m, u);
		} else if (!strcmp(ph, "preload") && !strcmp(q, "preload")) {
			if (!(fabs(m - b->preload_n) <= PRELOAD_MARGIN_N)) {
				c->valid = false;
				snprintf(c->valid_why, sizeof c->valid_why,
					 "preload: measured %.2f, true %.2f N", m, b->preload_n);
			}
		}
	}
	free_csv(&rows);
}

static void on_end(void *vctx, struct bench *bench)
{
	struct ctx *c = vctx;
	struct sim_bench *b = bench->sim;
	if (!b)
		return;
	c->out->saw_end = true;
	struct sim_pen *p = sim_pen_of(b);
	struct sim_pen_truth t;
	sim_pen_truth(p, &t);
	c->out->motor_off = !t.motor_on;
	c->out->power_off = !t.powered;
	for (int k = 0; k < 2; k++)
		c->final[k].n = sim_pen_saved_table(p, k, c->final[k].cmd, c->final[k].raw);
	struct sim_fault *f = c->spec->physics ? NULL : sim_bench_fault(b, c->key);
	/* A fault whose moment came counts as struck, even if no operation
	 * of its model noticed (the load cell is not read after preload). */
	if (f)
		sim_fault_struck(f, b, clock_now_ns(b->clock));
	if (c->spec->physics) {
		/* the physics acts from the start, all run long */
		c->out->struck = true;
		c->out->hits = 1;
		snprintf(c->out->harmless, sizeof c->out->harmless, "%s",
			 c->spec->harm == FAULT_HARMLESS ? "yes" : "no");
	} else if (f && f->struck) {
		c->out->struck = true;
		c->out->struck_s = (double)f->struck_ns / 1e9;
		c->out->hits = f->hits;
		bool harmless = c->spec->harm == FAULT_HARMLESS;
		uint64_t from = c->spec->by_operation ? f->first_hit_ns : f->struck_ns;
		if (c->spec->harm == FAULT_HARMFUL)
			harmless = (c->saw_harmless_phase && from >= c->harmless_from_ns);
		snprintf(c->out->harmless, sizeof c->out->harmless, "%s", harmless ? "yes" : "no");
	} else {
		snprintf(c->out->harmless, sizeof c->out->harmless, "n/a");
	}
	c->b = b;
	if (c->report_path && c->report_path[0])
		check_valid(c, b);
}

static bool same_table(const struct table *t, unsigned n, const int32_t *cmd,
		       const int32_t *raw)
{
	if (t->n != n)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (t->cmd[i] != cmd[i] || t->raw[i] != raw[i])
			return false;
	return true;
}

/* The tables the run says it wrote (report or journal rows), if any. */
static bool written_tables(const char *path, struct table w[2])
{
	struct csvrows rows;
	memset(w, 0, 2 * sizeof *w);
	if (!path || !read_csv(path, &rows))
		return false;
	for (size_t i = 1; i < rows.nrows; i++) {
		const char *q = CELL(&rows, i, C_QTY);
		const char *st = CELL(&rows, i, C_STEP);
		int k = strcmp(CELL(&rows, i, C_RESULT), "WRITTEN") ? -1
			: !strcmp(st, "depth_table") && !strcmp(q, "depth") ? 0
			: !strcmp(st, "freq_table") && !strcmp(q, "freq")  ? 1
									   : -1;
		if (k < 0 || w[k].n >= 16)
			continue;
		/* A table point: the raw setpoint in commanded, the command the
		 * table maps onto it in measured (docs/reports.md). */
		w[k].cmd[w[k].n] = (int32_t)llround(num(CELL(&rows, i, C_MEAS)) * 1000);
		w[k].raw[w[k].n] = (int32_t)llround(num(CELL(&rows, i, C_CMD)) * 1000);
		w[k].n++;
	}
	free_csv(&rows);
	return w[0].n || w[1].n;
}

static char *find_journal(const char *outdir)
{
	char *cmd = NULL, *path = NULL;
	if (asprintf(&cmd, "ls %s/*.journal 2>/dev/null | head -1", outdir) < 0)
		return NULL;
	FILE *f = popen(cmd, "r");
	free(cmd);
	if (!f)
		return NULL;
	char buf[4096];
	if (fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		path = strdup(buf);
	}
	pclose(f);
	return path;
}

__attribute__((format(printf, 2, 3)))
static void problem(struct fault_outcome *o, const char *fmt, ...)
{
	if (!o->ok)
		return;
	o->ok = false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->problem, sizeof o->problem, fmt, ap);
	va_end(ap);
}

void fault_row_run(const struct fault_spec *spec, const char *fixture_src,
		   const char *profile, uint64_t seed, struct fault_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->ok = true;
	char *dir = tu_tmpdir();
	char *text = tu_read(fixture_src);
	char *fixture = tu_write(dir, "sim.ini", text);
	char *outdir = NULL, *kv = NULL, *seedkv = NULL;
	free(text);
	if (asprintf(&outdir, "%s/reports", dir) < 0 ||
	    asprintf(&kv, "fault.%s=%s", spec->fault, spec->when) < 0 ||
	    asprintf(&seedkv, "seed=%llu", (unsigned long long)seed) < 0)
		abort();
	/* A physics row: `when` is the [sim] parameters themselves. */
	char *sims[10] = { kv, seedkv };
	size_t nsims = 2;
	if (spec->physics) {
		nsims = 1;
		sims[0] = seedkv;
		free(kv);
		kv = strdup(spec->when);
		if (!kv)
			abort();
		char *save = NULL;
		for (char *tok = strtok_r(kv, " ", &save); tok && nsims < 10;
		     tok = strtok_r(NULL, " ", &save))
			sims[nsims++] = tok;
	}
	struct ctx c = { .spec = spec, .out = out };
	snprintf(c.key, sizeof c.key, "fault.%s", spec->fault);
	struct run_observer obs = { .phase = on_phase, .ctx = &c };
	struct run_bench o = {
		.fixture = fixture,
		.profile = profile,
		.o = { .operator_name = "fault-matrix", .out_dir = outdir, .observer = &obs },
		.sims = sims,
		.nsims = nsims,
		.after = on_end,
		.ctx = &c,
	};
	c.t = &o;
	struct point_observer rates = rate_truth_observer(&c.rates, &o);
	obs.point = &rates;
	struct run_result res;
	/* The run fills res.report_path before on_end looks at it. */
	c.report_path = res.report_path;
	int code = run_bench(&o, &res);
	out->exit_code = code;
	out->reported = res.reported;
	out->bench_s = res.bench_time_s;
	snprintf(out->verdict, sizeof out->verdict, "%s",
		 res.reported ? report_verdict_name(res.verdict) : "-");
	snprintf(out->report_error, sizeof out->report_error, "%s", res.report_error);
	if (!c.valid && res.reported && res.verdict == REPORT_PASS && !c.valid_why[0])
		snprintf(c.valid_why, sizeof c.valid_why, "not checked");
	out->valid = c.valid;

	/* The pen's tables: old, new (what the run says it wrote), never a mix. */
	struct table w[2];
	char *journal = find_journal(outdir);
	bool have_w = written_tables(res.reported ? res.report_path : journal, w);
	bool d_old = same_table(&c.final[0], 3, old_depth_cmd, old_depth_raw);
	bool f_old = same_table(&c.final[1], 2, old_freq_cmd, old_freq_raw);
	if (d_old && f_old)
		out->tables = TABLES_OLD;
	else if (!d_old && !f_old &&
		 (!have_w || (same_table(&c.final[0], w[0].n, w[0].cmd, w[0].raw) &&
			      same_table(&c.final[1], w[1].n, w[1].cmd, w[1].raw))))
		out->tables = TABLES_NEW;
	else
		out->tables = TABLES_MIX;
	if (out->tables == TABLES_MIX && getenv("FAULTS_DEBUG"))
		for (int k = 0; k < 2; k++)
			for (unsigned i = 0; i < c.final[k].n || i < w[k].n; i++)
				fprintf(stdout, "table %d point %u: pen %d,%d written %d,%d\n", k, i,
					c.final[k].cmd[i], c.final[k].raw[i], w[k].cmd[i], w[k].raw[i]);

	/* Exit 74: the measurements so far must come back on the next start. */
	if (code == 74 && journal) {
		unsigned n = 0;
		struct rig_err err;
		out->recovered = report_recover_orphans(outdir, &n, &err) == RIG_OK && n == 1;
	}

	/* The requirements. */
	bool pass = res.reported && res.verdict == REPORT_PASS;
	if (!out->saw_end)
		problem(out, "the run ended before the bench was built (exit %d)", code);
	if (out->bench_s > MAX_BENCH_S)
		problem(out, "%.1f s of bench time: a wait is not bounded", out->bench_s);
	if (!out->motor_off || !out->power_off)
		problem(out, "pen left %s", !out->motor_off ? "with its motor on" : "powered");
	if (out->tables == TABLES_MIX)
		problem(out, "the pen holds a mix of old and new tables");
	bool harmless = strcmp(out->harmless, "no") != 0;
	if (pass && !harmless)
		problem(out, "PASS although a harmful fault struck at %.3f s", out->struck_s);
	if (pass && !c.valid)
		problem(out, "PASS with invalid measurements: %s", c.valid_why);
	switch (spec->harm) {
	case FAULT_ABORTS:
		if (out->struck && (code != 2 || strcmp(out->verdict, "ABORTED") != 0))
			problem(out, "expected ABORTED (exit 2), got exit %d %s", code, out->verdict);
		break;
	case FAULT_NO_FOLDER:
		if (out->struck && code != 74)
			problem(out, "expected exit 74, got %d", code);
		if (code == 74 && !strstr(res.report_error, "cannot"))
			problem(out, "exit 74 without a clear message: '%s'", res.report_error);
		if (code == 74 && journal && !out->recovered)
			problem(out, "the kept journal was not recovered");
		break;
	default:
		break;
	}
	if (spec->harm != FAULT_NO_FOLDER || !out->struck) {
		if (!res.reported)
			problem(out, "no report (exit %d: %s)", code, res.report_error);
	}
	if (!out->struck && strncmp(spec->when, "p=", 2) != 0 && out->saw_end)
		problem(out, "the fault never struck");

	free(journal);
	rate_truth_free(&c.rates);
	tu_rmtree(dir);
	free(dir);
	free(fixture);
	free(outdir);
	free(kv);
	free(seedkv);
}
