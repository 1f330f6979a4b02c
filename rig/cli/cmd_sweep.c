/* cmd_sweep.c - `rig sweep`: measure a pen over a grid of depths and rates
 * (rig/study/sweep.c) and optionally draw its plots (rig/plot/files.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/paths.h"
#include "plot/files.h"
#include "study/sweep.h"
#include "core/ini_schema.h"


static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig sweep --depths LIST --freqs LIST [--repeats N] [--fixture F]\n"
		"                 [--out DIR] [--save-trace] [--plots] [--settle-ms MS]\n"
		"                 [--window-s S | --window-strokes N] [--wait-lock S]\n"
		"                 [--preloads LIST] [--sim key=value]...\n"
		"\n"
		"Measures the pen at every commanded depth and stroke rate of the grid,\n"
		"N times over (each repeat is a whole pass), and writes one CSV row per\n"
		"cell and repeat: DIR/sweep_<time>_<serial>.csv. No pass/fail; nothing is\n"
		"written to the pen. E-stop, lid and the bench lock apply as for rig run.\n"
		"LIST is 250,500,1000 or start:stop:step (250:2500:250) or a mix.\n"
		"\n"
		"  -D, --depths LIST       commanded depths in um\n"
		"  -F, --freqs LIST        commanded stroke rates in Hz\n"
		"  -r, --repeats N         passes over the grid (default 1)\n"
		"  -L, --preloads LIST     measure the grid at each pad preload in N: the\n"
		"                          operator sets it, the load cell must read it\n"
		"                          (depth under anticipated conditions of use)\n"
		"  -f, --fixture F         fixture (default %s)\n"
		"  -d, --out DIR           output folder (default reports)\n"
		"  -t, --save-trace        keep every window's laser trace (for rig plot)\n"
		"  -P, --plots             also draw the plots beside the CSV\n"
		"      --settle-ms MS      wait after each new setting (default 300)\n"
		"      --window-s S        measure S seconds per cell (default 0.5)\n"
		"      --window-strokes N  measure N strokes per cell instead\n"
		"  -w, --wait-lock S       wait up to S seconds for a busy bench\n"
		"  -s, --sim KEY=VALUE     override a virtual bench parameter (repeatable)\n"
		"  -h, --help              this text\n"
		"\n"
		"The last line on stdout is the CSV's path. Exit codes: 0 done, 2 aborted\n"
		"(e-stop, lid) or device fault, 64 usage, 74 output not writable, 75 bench\n"
		"busy, 78 fixture wrong.\n",
		rig_default_fixture());
}

static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
	double v;
	if (!ini_parse_number(s, &v) || !(v >= lo && v <= hi)) {
		cli_error("sweep", "%s: expected a number %g..%g, found '%s'", opt, lo, hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

static void show_progress(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "rig sweep: %s\n", text);
	fflush(stderr);
}

int cmd_sweep(int argc, char **argv, struct cli_ctx *cx)
{
	enum { OPT_SETTLE = 256, OPT_WIN_S, OPT_WIN_N };
	static const struct option opts[] = {
		{ "depths", required_argument, NULL, 'D' },
		{ "freqs", required_argument, NULL, 'F' },
		{ "repeats", required_argument, NULL, 'r' },
		{ "preloads", required_argument, NULL, 'L' },
		{ "out", required_argument, NULL, 'd' },
		{ "save-trace", no_argument, NULL, 't' },
		{ "plots", no_argument, NULL, 'P' },
		{ "settle-ms", required_argument, NULL, OPT_SETTLE },
		{ "window-s", required_argument, NULL, OPT_WIN_S },
		{ "window-strokes", required_argument, NULL, OPT_WIN_N },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static double depths[SWEEP_MAX_POINTS], freqs[SWEEP_MAX_POINTS], preloads[16];
	struct sweep_options o = {
		.repeats = 1, .settle_ms = 300, .window = { .window_s = 0.5 },
		.progress = show_progress, .depths_um = depths, .freqs_hz = freqs,
		.preloads_n = preloads,
	};
	bool plots = false, have_d = false, have_f = false;
	struct rig_err err;
	double v;
	int c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "D:F:r:L:d:tPh", opts)) != -1) {
		switch (c) {
		case 'D':
		case 'F':
			if (sweep_parse_list(optarg, c == 'D' ? depths : freqs, SWEEP_MAX_POINTS,
					     c == 'D' ? &o.ndepths : &o.nfreqs, &err)) {
				cli_error("sweep", "--%s: %s", c == 'D' ? "depths" : "freqs", err.msg);
				return RIG_EXIT_USAGE;
			}
			*(c == 'D' ? &have_d : &have_f) = true;
			break;
		case 'L':
			if (sweep_parse_list(optarg, preloads, 16, &o.npreloads, &err)) {
				cli_error("sweep", "--preloads: %s", err.msg);
				return RIG_EXIT_USAGE;
			}
			break;
		case 'r':
			if (parse_num("--repeats", optarg, 1, 1000, &v))
				return RIG_EXIT_USAGE;
			o.repeats = (unsigned)v;
			break;
		case 'd': o.out_dir = optarg; break;
		case 't': o.save_trace = true; break;
		case 'P': plots = true; break;
		case OPT_SETTLE:
			if (parse_num("--settle-ms", optarg, 0, 60000, &v))
				return RIG_EXIT_USAGE;
			o.settle_ms = (unsigned)v;
			break;
		case OPT_WIN_S:
			if (parse_num("--window-s", optarg, 0.01, 60, &v))
				return RIG_EXIT_USAGE;
			o.window = (struct profile_window){ .window_s = v };
			break;
		case OPT_WIN_N:
			if (parse_num("--window-strokes", optarg, 10, 100000, &v))
				return RIG_EXIT_USAGE;
			o.window = (struct profile_window){ .window_strokes = (unsigned)v };
			break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		case CLI_OPT_BAD: return RIG_EXIT_USAGE;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("sweep", "unexpected argument '%s'", argv[optind]);
		return RIG_EXIT_USAGE;
	}
	if (!have_d || !have_f) {
		cli_error("sweep", "both --depths and --freqs are required");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	struct point_log log = { 0 };
	struct point_observer obs = point_log_observer(&log);
	if (plots)
		o.observer = &obs;
	o.wait_lock_s = cx->wait_lock_s;
	struct bench b;
	struct sweep_result res = { 0 };
	int code = cli_open_bench(cx, &b, 0);
	if (!code) {
		enum rig_rc rc = sweep_execute(&b, &o, &res);
		if (rc) {
			cli_error("sweep", "%s", res.message);
			code = cli_exit_code(rc);
		}
	}
	bench_close(&b);
	if (plots && res.rows) {
		struct plot_request rq = {
			.csv_path = res.csv_path, .log = &log, .list = stdout, .notes = stderr,
		};
		unsigned n;
		if (plot_files(&rq, &n, &err)) {
			cli_error("sweep", "plots: %s", err.msg);
			if (!code)
				code = cli_exit_code(err.rc);
		}
	}
	point_log_free(&log);
	if (res.csv_path[0])
		printf("%s %zu rows %s (%.1f s of bench time)\n", code ? "ABORTED" : "DONE", res.rows,
		       res.csv_path, res.bench_time_s);
	return code;
}
