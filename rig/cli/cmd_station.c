/* cmd_station.c - `rig station`: production station mode for QA
 * technicians. Parses options and runs station_run() (rig/station/). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/paths.h"
#include "station/station.h"


static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig station [--fixture F] [--profile P] [--operator NAME] [--out DIR]\n"
		"                   [--mode calibrate|verify] [--sim key=value]...\n"
		"                   [--sim-unit N:key=value]... [--units FILE] [--rehearsal]\n"
		"\n"
		"The production loop on a terminal: the operator signs in once (name or\n"
		"badge scan); then for every unit scans the serial, starts the test with\n"
		"Enter or the fixture's START button, watches its progress and reads PASS,\n"
		"FAIL or ABORTED in block letters, with what failed and the report's path.\n"
		"Each unit is one `rig run`. Lamps and buzzer follow the verdict. The\n"
		"header counts the shift's units and first-pass yield (a serial scanned\n"
		"again is a retest: the ready screen says when it was tested and which\n"
		"attempt this is). After a FAIL or ABORTED, Ctrl-R tests the unit again.\n"
		"Ctrl-D at the serial prompt ends the shift; on the result screen it asks\n"
		"first. The shift report, DIR/shift_<start>_<station>.csv, is written anew\n"
		"after every unit and at the end.\n"
		"\n"
		"  -f, --fixture F         fixture (default %s)\n"
		"  -p, --profile P         profile (default %s)\n"
		"  -o, --operator NAME     skip the sign-in screen\n"
		"  -d, --out DIR           report folder (default reports)\n"
		"  -m, --mode MODE         calibrate (default when the profile can) or verify\n"
		"  -s, --sim KEY=VALUE     virtual bench parameter for every unit (repeatable)\n"
		"  -u, --sim-unit N:K=V    virtual bench parameter for unit N only (repeatable)\n"
		"  -U, --units FILE        per-unit settings, one line per unit (docs/station.md)\n"
		"  -R, --rehearsal         the virtual bench in real time, for training: every\n"
		"                          wait as long as on the real bench\n"
		"  -h, --help              this text\n"
		"\n"
		"On the virtual bench every unit's pen carries the scanned serial and\n"
		"seed=N (unit N), unless --sim or the unit's settings say otherwise.\n"
		"Exit codes: 0 shift ended, 64 usage or no terminal, 65 bad profile,\n"
		"78 bad fixture.\n",
		rig_default_fixture(), rig_default_profile());
}

int cmd_station(int argc, char **argv, struct cli_ctx *cx)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "operator", required_argument, NULL, 'o' },
		{ "out", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "sim-unit", required_argument, NULL, 'u' },
		{ "units", required_argument, NULL, 'U' },
		{ "rehearsal", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct station_plan plan = { 0 };
	struct station_options o = {
		.profile_path = rig_default_profile(),
		.sims = cx->sims,
		.plan = &plan,
		.exit_code = cli_run_exit_code,
		.in_fd = STDIN_FILENO,
		.out_fd = STDOUT_FILENO,
	};
	struct rig_err err = { 0 };
	int code = RIG_EXIT_USAGE, c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "p:o:d:m:u:U:Rh", opts)) != -1) {
		switch (c) {
		case 'p': o.profile_path = optarg; break;
		case 'o': o.operator_name = optarg; break;
		case 'd': o.out_dir = optarg; break;
		case 'm':
			if (!strcmp(optarg, "calibrate"))
				o.mode = RUN_MODE_CALIBRATE;
			else if (!strcmp(optarg, "verify"))
				o.mode = RUN_MODE_VERIFY;
			else {
				cli_error("station", "--mode: expected calibrate or verify, found '%s'",
					  optarg);
				goto out;
			}
			break;
		case 'u':
			if (station_plan_add(&plan, optarg, &err)) {
				cli_error("station", "%s", err.msg);
				code = rig_exit_code(err.rc);
				goto out;
			}
			break;
		case 'U':
			if (station_plan_load(&plan, optarg, &err)) {
				cli_error("station", "%s", err.msg);
				code = rig_exit_code(err.rc);
				goto out;
			}
			break;
		case 'R': o.rehearsal = true; break;
		case 'h': usage(stdout); code = RIG_EXIT_PASS; goto out;
		case CLI_OPT_BAD: goto out;
		default: usage(stderr); goto out;
		}
	}
	if (optind != argc) {
		cli_error("station", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	o.fixture_path = cx->fixture_path;
	o.nsims = cx->nsims;
	struct station_shift shift;
	code = station_run(&o, &shift);
	if (code == RIG_EXIT_PASS) {
		double y = station_shift_yield_pct(&shift);
		printf("shift: %u tested, %u pass, %u fail, %u aborted, %u not tested",
		       station_shift_tested(&shift), shift.pass, shift.fail, shift.aborted,
		       shift.errors);
		if (y == y)
			printf(", yield %.1f %%", y);
		printf("\n");
	}
out:
	station_plan_free(&plan);
	return code;
}
