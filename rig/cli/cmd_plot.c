/* cmd_plot.c - `rig plot`: draw the SVG plots of existing run reports or
 * sweeps (rig/plot/files.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/paths.h"
#include "core/fixture.h"
#include "plot/files.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig plot [--out DIR] [--fixture F] REPORT.csv|SWEEP.csv...\n"
		"\n"
		"Draws standalone SVG plots from a run report or a sweep, beside the file\n"
		"(or in DIR), named after it: <name>_depth.svg (commanded vs measured\n"
		"depth, the deviation and the acceptance band; before and after a\n"
		"calibration), <name>_freq.svg (the same for the stroke rate), and, when\n"
		"the file names saved traces (--save-trace), <name>_waveform.svg (the\n"
		"folded stroke, mean and spread) and <name>_histogram.svg (per-stroke\n"
		"depths). Prints each file written.\n"
		"\n"
		"  -d, --out DIR       where to write (default: beside each file)\n"
		"  -f, --fixture F     laser settings for reading traces (default %s)\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit codes: 0 done, 64 usage, 65 not a report or sweep / nothing to plot,\n"
		"74 a file cannot be read or written.\n",
		rig_default_fixture());
}

/* cx: no shared options (the row's flags are 0). */
int cmd_plot(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'd' },
		{ "fixture", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_dir = NULL, *fixture_path = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': out_dir = optarg; break;
		case 'f': fixture_path = optarg; break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (optind == argc) {
		cli_error("plot", "no file given");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	struct fixture fx;
	struct rig_err err;
	bool have_fx = fixture_load(&fx, fixture_path ? fixture_path : rig_default_fixture(),
				    &err) == RIG_OK;
	if (!have_fx && fixture_path) {
		cli_error("plot", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	int code = RIG_EXIT_PASS;
	for (int i = optind; i < argc; i++) {
		struct plot_request rq = {
			.csv_path = argv[i], .out_dir = out_dir, .laser = have_fx ? &fx.laser : NULL,
			.list = stdout, .notes = stderr,
		};
		unsigned n;
		if (plot_files(&rq, &n, &err)) {
			cli_error("plot", "%s", err.msg);
			code = rig_exit_code(err.rc);
		}
	}
	if (have_fx)
		fixture_free(&fx);
	return code;
}
