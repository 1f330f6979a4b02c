/* cmd_grr.c - `rig grr`: repeatability of the bench on one pen against the
 * profile's tolerances (rig/study/grr.c). */
#include <getopt.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/paths.h"
#include "study/grr.h"

#define DEFAULT_PROFILE "profiles/production-p25.ini"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig grr --repeats N [--fixture F] [--profile P] [--wait-lock S]\n"
		"               [--sim key=value]...\n"
		"\n"
		"Measures the same pen N times at the profile's verify points (settle and\n"
		"window as the profile says; nothing written to the pen) and prints, per\n"
		"point, the standard deviation of the N results and the precision-to-\n"
		"tolerance ratio P/T = 6 sigma / (USL - LSL) (AIAG MSA 4th ed.): below\n"
		"10 %% the bench can judge that tolerance, 10..30 %% marginal, above 30 %%\n"
		"it cannot.\n"
		"\n"
		"  -r, --repeats N       measurements per point (2..1000)\n"
		"  -f, --fixture F       fixture (default %s)\n"
		"  -p, --profile P       profile (default %s)\n"
		"  -w, --wait-lock S     wait up to S seconds for a busy bench\n"
		"  -s, --sim KEY=VALUE   override a virtual bench parameter (repeatable)\n"
		"  -h, --help            this text\n"
		"\n"
		"Exit codes: 0 done, 2 aborted or device fault, 64 usage, 65 bad profile,\n"
		"75 bench busy, 78 fixture wrong.\n",
		rig_default_fixture(), DEFAULT_PROFILE);
}

static void print_result(const struct grr_result *res, unsigned repeats, FILE *out)
{
	fprintf(out, "repeatability of pen %s, profile %s, %u repeats (%.1f s of bench time)\n",
		res->pen_serial, res->profile, repeats, res->bench_time_s);
	fprintf(out, "P/T = %.0f sigma / tolerance (AIAG MSA 4th ed.); < %.0f %% good, %.0f..%.0f %% "
		     "marginal, > %.0f %% unacceptable\n\n",
		GRR_SIGMAS, GRR_GOOD_PCT, GRR_GOOD_PCT, GRR_MARGINAL_PCT, GRR_MARGINAL_PCT);
	fprintf(out, "%-6s %10s %4s %12s %10s %10s %8s  %s\n", "what", "commanded", "n", "mean",
		"std", "tolerance", "P/T", "rating");
	double worst = -1;
	const struct grr_point *wp = NULL;
	for (size_t i = 0; i < res->npt; i++) {
		const struct grr_point *p = &res->pt[i];
		char c[32];
		snprintf(c, sizeof c, "%g %s", p->commanded, p->unit);
		fprintf(out, "%-6s %10s %4zu %12.3f %10.4f %10.3f %7.2f%%  %s\n", p->quantity, c, p->n,
			p->mean, p->std, p->tolerance, p->pt_pct, grr_rating(p->pt_pct));
		if (isfinite(p->pt_pct) && p->pt_pct > worst) {
			worst = p->pt_pct;
			wp = p;
		}
	}
	if (wp)
		fprintf(out, "\nworst: %s at %g %s, P/T %.2f %%: %s\n", wp->quantity, wp->commanded,
			wp->unit, wp->pt_pct, grr_rating(wp->pt_pct));
}

static void show_progress(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "rig grr: %s\n", text);
}

int cmd_grr(int argc, char **argv, struct cli_ctx *cx)
{
	static const struct option opts[] = {
		{ "repeats", required_argument, NULL, 'r' },
		{ "profile", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *profile_path = DEFAULT_PROFILE;
	struct grr_options o = { .progress = show_progress };
	char *end;
	long v;
	int c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "r:p:h", opts)) != -1) {
		switch (c) {
		case 'r':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 2 || v > 1000) {
				cli_error("grr", "--repeats: expected 2..1000, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			o.repeats = (unsigned)v;
			break;
		case 'p': profile_path = optarg; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		case CLI_OPT_BAD: return RIG_EXIT_USAGE;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind != argc || !o.repeats) {
		cli_error("grr", optind != argc ? "unexpected argument" : "--repeats N is required");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	o.wait_lock_s = cx->wait_lock_s;
	struct grr_result *res = malloc(sizeof *res);
	if (!res)
		return RIG_EXIT_OSERR;
	struct profile prof;
	struct bench b;
	struct rig_err err = { 0 };
	enum rig_rc rc = profile_load(&prof, profile_path, &err);
	if (rc) {
		cli_error("grr", "%s", err.msg);
		free(res);
		return cli_exit_code(rc);
	}
	int code = cli_open_bench(cx, &b, 0);
	if (!code) {
		rc = grr_execute(&b, &prof, &o, res, &err);
		if (rc) {
			cli_error("grr", "%s", err.msg);
			code = cli_exit_code(rc);
		}
	}
	bench_close(&b);
	if (!code)
		print_result(res, o.repeats, stdout);
	free(res);
	return code;
}
