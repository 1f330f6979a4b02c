/* cmd_grr.c - `rig grr`: a gauge study of the bench (rig/study/grr.c).
 *
 * The trials' seam lives here, where benches are assembled: at a real bench
 * the person is asked to seat each part and to hand over to each operator;
 * on the virtual bench each trial gets a bench built for its part (a pen
 * with its own depth offset and rate gain) and its operator (a preload of
 * their own), the spreads set by --part-spread-um, --part-spread-pct and
 * --operator-spread-n, so the study has a known truth.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/paths.h"
#include "plot/grr_plot.h"
#include "study/grr.h"

#define DEFAULT_PROFILE "profiles/production-p25.ini"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig grr --repeats R [--parts N] [--operators K] [--profile P]\n"
		"               [--csv] [--svg FILE] [--seed S] [--fixture F] [--wait-lock S]\n"
		"               [--part-spread-um D] [--part-spread-pct P]\n"
		"               [--operator-spread-n F] [--sim key=value]...\n"
		"\n"
		"A gauge study (AIAG MSA 4th ed.): N parts x K operators x R repeats, in\n"
		"random order, each trial a part seated anew and measured at every verify\n"
		"point of the profile (depth at each depth point, rate at each rate point).\n"
		"Per characteristic, the ANOVA method: repeatability (EV), reproducibility\n"
		"(AV), interaction, part variation (PV), %%GRR against the tolerance and the\n"
		"total variation, ndc = 1.41 PV/GRR, and the verdict: below 10 %% acceptable,\n"
		"10..30 %% conditional, above 30 %% unacceptable; ndc below 5 is at best\n"
		"conditional. With --parts 1 (the default) it is the repeatability of one\n"
		"pen: the std of R results and P/T = 6 sigma / tolerance.\n"
		"\n"
		"At a real bench you are asked to seat each part and hand over to each\n"
		"operator. On the virtual bench the parts are simulated pens whose depth\n"
		"offsets and rate gains are spread evenly over +-D um and +-P %% (1.5 std),\n"
		"and the operators seat them with preloads spread over +-F N.\n"
		"\n"
		"  -r, --repeats R        trials per part and operator (2..%d)\n"
		"  -n, --parts N          parts (pens), 1..%d (default 1)\n"
		"  -k, --operators K      operators, 1..%d (default 1)\n"
		"  -p, --profile P        profile (default %s)\n"
		"  -c, --csv              every measurement and every figure as CSV on stdout\n"
		"  -g, --svg FILE         the study as an SVG plot (components, by part, by\n"
		"                         operator, worst characteristic)\n"
		"      --seed S           seed of the random order (default 1)\n"
		"      --part-spread-um D       virtual parts: depth offsets over +-D (default 20)\n"
		"      --part-spread-pct P      virtual parts: rate gains over +-P %% (default 1)\n"
		"      --operator-spread-n F    virtual operators: preloads over +-F N (default 0.4)\n"
		"  -f, --fixture F        fixture (default %s)\n"
		"  -w, --wait-lock S      wait up to S seconds for a busy bench\n"
		"  -s, --sim KEY=VALUE    override a virtual bench parameter (repeatable)\n"
		"  -h, --help             this text\n"
		"\n"
		"Exit codes: 0 acceptable or conditional, 1 unacceptable (or not computed),\n"
		"2 aborted or device fault, 64 usage, 65 bad profile, 75 bench busy,\n"
		"78 fixture wrong.\n",
		GRR_MAX_REPEATS, GRR_MAX_PARTS, GRR_MAX_OPERATORS, DEFAULT_PROFILE,
		rig_default_fixture());
}

void grr_print(const struct grr_result *res, FILE *out);
void grr_print_csv(const struct grr_result *res, FILE *out);

/* The trials' seam. */
#define GRR_EXTRA 8

struct seat {
	struct cli_ctx *cx;
	struct bench b;
	bool have_bench, virtual_bench;
	unsigned part, op;            /* seated now */
	unsigned parts, operators, trial;
	double part_um, part_pct, op_n;
	char extra[GRR_EXTRA][96];    /* this trial's part and operator, as --sim */
};

/* The value a virtual parameter has for this bench: the last --sim, else
 * the fixture's [sim], else def (docs/virtual-bench.md). */
static double sim_value(const struct seat *s, const char *key, double def)
{
	size_t n = strlen(key);
	for (size_t i = s->cx->nsims; i-- > 0;)
		if (!strncmp(s->cx->sims[i], key, n) && s->cx->sims[i][n] == '=')
			return atof(s->cx->sims[i] + n + 1);
	for (size_t i = s->b.fx.nsim; i-- > 0;)
		if (!strcmp(s->b.fx.sim[i].key, key))
			return atof(s->b.fx.sim[i].value);
	return def;
}

/* Evenly spread over -1.5 .. +1.5 (standard deviations) for i of n. */
static double spread(unsigned i, unsigned n)
{
	return n < 2 ? 0 : -1.5 + 3.0 * i / (n - 1);
}

/* The bench, with the part and operator of this trial after --sim. */
static enum rig_rc open_bench(struct seat *s, size_t nextra, struct rig_err *err)
{
	char *extra[GRR_EXTRA];
	for (size_t i = 0; i < nextra; i++)
		extra[i] = s->extra[i];
	struct cli_sims more = { .after = extra, .nafter = nextra };
	s->have_bench = true;
	return cli_bench_open(s->cx, &s->b, 0, &more, err);
}

static enum rig_rc seat_virtual(struct seat *s, unsigned part, unsigned op, struct rig_err *err)
{
	double offset = sim_value(s, "pen.depth_offset_um", -35);
	double gain = sim_value(s, "pen.freq_gain", 0.97);
	double preload = sim_value(s, "loadcell.preload_n", 2.0);
	double seed = sim_value(s, "seed", 1);
	double zp = spread(part, s->parts), zo = spread(op, s->operators);
	bench_close(&s->b);
	snprintf(s->extra[0], sizeof s->extra[0], "pen.serial=GRR-P%02u", part + 1);
	snprintf(s->extra[1], sizeof s->extra[1], "pen.depth_offset_um=%.9g",
		 offset + zp * s->part_um / 1.5);
	snprintf(s->extra[2], sizeof s->extra[2], "pen.freq_gain=%.9g",
		 gain * (1 + zp * s->part_pct / 150.0));
	snprintf(s->extra[3], sizeof s->extra[3], "loadcell.preload_n=%.9g",
		 preload + zo * s->op_n / 1.5);
	snprintf(s->extra[4], sizeof s->extra[4], "seed=%.0f", seed * 10007 + s->trial);
	return open_bench(s, 5, err);
}

static enum rig_rc seat(void *ctx, unsigned part, unsigned op, bool first, struct bench **b,
			struct rig_err *err)
{
	struct seat *s = ctx;
	enum rig_rc rc = RIG_OK;
	if (first) {
		if ((rc = open_bench(s, 0, err)))
			return rc;
		s->virtual_bench = s->b.sim != NULL;
		s->part = s->op = ~0u;
	}
	s->trial++;
	if (s->parts == 1 && s->operators == 1) {
		/* Repeatability of the pen in the fixture: it stays seated. */
	} else if (s->virtual_bench) {
		rc = seat_virtual(s, part, op, err);
	} else {
		if (op != s->op && s->operators > 1)
			rc = bench_operator(&s->b, OPERATOR_HAND_OVER, op + 1, err);
		if (!rc && (part != s->part || s->parts == 1))
			rc = bench_operator(&s->b, OPERATOR_SEAT_PART, part + 1, err);
	}
	s->part = part;
	s->op = op;
	*b = &s->b;
	return rc;
}

static void show_progress(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "rig grr: %s\n", text);
}

static bool parse_uint(const char *opt, const char *arg, unsigned lo, unsigned hi, unsigned *v)
{
	char *end;
	long x = strtol(arg, &end, 10);
	if (end == arg || *end || x < (long)lo || x > (long)hi) {
		cli_error("grr", "%s: expected %u..%u, found '%s'", opt, lo, hi, arg);
		return false;
	}
	*v = (unsigned)x;
	return true;
}

static bool parse_num(const char *opt, const char *arg, double hi, double *v)
{
	char *end;
	double x = strtod(arg, &end);
	if (end == arg || *end || !(x >= 0 && x <= hi)) {
		cli_error("grr", "%s: expected 0..%g, found '%s'", opt, hi, arg);
		return false;
	}
	*v = x;
	return true;
}

enum { OPT_SEED = 1000, OPT_PART_UM, OPT_PART_PCT, OPT_OP_N };

/* Parse the options into o and s; 0 to go on, -1 after --help, else the
 * exit code. */
static int parse(int argc, char **argv, struct cli_ctx *cx, struct grr_options *o,
		 struct seat *s, const char **profile, bool *csv, const char **svg)
{
	static const struct option opts[] = {
		{ "repeats", required_argument, NULL, 'r' },
		{ "parts", required_argument, NULL, 'n' },
		{ "operators", required_argument, NULL, 'k' },
		{ "profile", required_argument, NULL, 'p' },
		{ "csv", no_argument, NULL, 'c' },
		{ "svg", required_argument, NULL, 'g' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "part-spread-um", required_argument, NULL, OPT_PART_UM },
		{ "part-spread-pct", required_argument, NULL, OPT_PART_PCT },
		{ "operator-spread-n", required_argument, NULL, OPT_OP_N },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned seed = 1;
	int c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "r:n:k:p:cg:h", opts)) != -1) {
		bool ok = true;
		switch (c) {
		case 'r': ok = parse_uint("--repeats", optarg, 2, GRR_MAX_REPEATS, &o->repeats); break;
		case 'n': ok = parse_uint("--parts", optarg, 1, GRR_MAX_PARTS, &o->parts); break;
		case 'k': ok = parse_uint("--operators", optarg, 1, GRR_MAX_OPERATORS, &o->operators); break;
		case 'p': *profile = optarg; break;
		case 'c': *csv = true; break;
		case 'g': *svg = optarg; break;
		case OPT_SEED: ok = parse_uint("--seed", optarg, 0, 1000000000, &seed); break;
		case OPT_PART_UM: ok = parse_num("--part-spread-um", optarg, 1000, &s->part_um); break;
		case OPT_PART_PCT: ok = parse_num("--part-spread-pct", optarg, 50, &s->part_pct); break;
		case OPT_OP_N: ok = parse_num("--operator-spread-n", optarg, 10, &s->op_n); break;
		case 'h': usage(stdout); return -1;
		case CLI_OPT_BAD: return RIG_EXIT_USAGE;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
		if (!ok)
			return RIG_EXIT_USAGE;
	}
	if (optind != argc || !o->repeats) {
		cli_error("grr", optind != argc ? "unexpected argument" : "--repeats R is required");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	o->seed = seed;
	return 0;
}

int cmd_grr(int argc, char **argv, struct cli_ctx *cx)
{
	struct seat *s = calloc(1, sizeof *s);
	struct grr_result *res = calloc(1, sizeof *res);
	if (!s || !res) {
		free(s);
		free(res);
		return RIG_EXIT_OSERR;
	}
	*s = (struct seat){ .cx = cx, .part_um = 20, .part_pct = 1, .op_n = 0.4 };
	struct grr_options o = { .parts = 1, .operators = 1, .progress = show_progress };
	const char *profile_path = DEFAULT_PROFILE, *svg = NULL;
	bool csv = false;
	int code = parse(argc, argv, cx, &o, s, &profile_path, &csv, &svg);
	if (code) {
		free(s);
		free(res);
		return code < 0 ? RIG_EXIT_PASS : code;
	}
	s->parts = o.parts;
	s->operators = o.operators;
	o.wait_lock_s = cx->wait_lock_s;
	o.trials = (struct grr_trials){ .seat = seat, .ctx = s };
	struct profile prof;
	struct rig_err err = { 0 };
	enum rig_rc rc = profile_load(&prof, profile_path, &err);
	if (!rc)
		rc = grr_execute(&prof, &o, res, &err);
	if (s->have_bench)
		bench_close(&s->b);
	if (rc) {
		cli_error("grr", "%s", err.msg);
		code = cli_exit_code(rc);
	} else {
		if (csv)
			grr_print_csv(res, stdout);
		else
			grr_print(res, stdout);
		if (svg && grr_plot_svg(svg, res, &err)) {
			cli_error("grr", "%s", err.msg);
			code = cli_exit_code(err.rc);
		}
		if (!code && (res->verdict == GRR_UNACCEPTABLE || res->verdict == GRR_NOT_COMPUTED))
			code = RIG_EXIT_FAIL;
	}
	grr_result_free(res);
	free(res);
	free(s);
	return code;
}
