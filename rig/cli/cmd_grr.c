/* cmd_grr.c - `rig grr`: repeatability of the bench on one pen against the
 * profile's tolerances (rig/study/grr.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/session.h"
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
		session_default_fixture(), DEFAULT_PROFILE);
}

int cmd_grr(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeats", required_argument, NULL, 'r' },
		{ "fixture", required_argument, NULL, 'f' },
		{ "profile", required_argument, NULL, 'p' },
		{ "wait-lock", required_argument, NULL, 'w' },
		{ "sim", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *sims[CLI_MAX_SIM];
	struct grr_options o = { .profile_path = DEFAULT_PROFILE, .sims = sims, .progress = stderr };
	char *end;
	long v;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:f:p:w:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 2 || v > 1000) {
				cli_error("grr", "--repeats: expected 2..1000, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			o.repeats = (unsigned)v;
			break;
		case 'f': o.fixture_path = optarg; break;
		case 'p': o.profile_path = optarg; break;
		case 'w':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 0 || v > 86400) {
				cli_error("grr", "--wait-lock: expected seconds 0..86400, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			o.wait_lock_s = (unsigned)v;
			break;
		case 's':
			if (!cli_add_sim("grr", sims, &o.nsims, optarg))
				return RIG_EXIT_USAGE;
			break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind != argc || !o.repeats) {
		cli_error("grr", optind != argc ? "unexpected argument" : "--repeats N is required");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	struct grr_result *res = malloc(sizeof *res);
	if (!res)
		return RIG_EXIT_OSERR;
	int code = grr_execute(&o, res);
	if (!code)
		grr_print(res, o.repeats, stdout);
	free(res);
	return code;
}
