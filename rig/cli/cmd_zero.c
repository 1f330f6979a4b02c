/* cmd_zero.c - `rig zero`: the laser's zero plane from a flat reference at
 * the contact plane, written into the fixture as laser.zero_mm and
 * laser.zero_date. Depth of a stroke = zero - the stroke's nearest reading.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/selfcal.h"
#include "cli/cli.h"
#include "cli/identify.h"
#include "records/records.h"
#include "core/paths.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig zero [--fixture F] [--sim key=value]... [--samples N] [--yes]\n"
		"                [--force] [--operator ID] [--out DIR]\n"
		"\n"
		"Measures the laser's zero plane: the operator puts the flat reference\n"
		"at the contact plane, the rig averages N valid laser readings, the\n"
		"operator puts the pen back, and laser.zero_mm and laser.zero_date are\n"
		"written into the fixture. Refused when more than 1 %% of the readings\n"
		"are error codes or lost, their spread exceeds %.0f um, they drift more\n"
		"than %.0f um (the reference is not still), or the new zero is further\n"
		"from the last one than the fixture's laser.zero_max_change_um (default\n"
		"50 um: the reference is not at the contact plane).\n"
		"\n"
		CLI_HELP_CHANGE_BENCH
		"  -n, --samples N      valid readings to average (default %d)\n"
		"      --force          write a zero beyond laser.zero_max_change_um (the\n"
		"                       plane really moved); said in the fixture's history\n"
		"                       and the ledger\n"
		CLI_HELP_CHANGE_WHO,
		ZERO_MAX_SD_UM, ZERO_MAX_DRIFT_UM, rig_default_fixture(), ZERO_DEFAULT_SAMPLES);
}

int cmd_zero(int argc, char **argv, struct cli_ctx *cx)
{
	static const struct option opts[] = {
		{ "samples", required_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long samples = ZERO_DEFAULT_SAMPLES;
	bool force = false;
	int c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "n:h", opts)) != -1) {
		switch (c) {
		case 'n': {
			char *end;
			samples = strtol(optarg, &end, 10);
			if (*end || end == optarg || samples < 10 || samples > 10000000) {
				cli_error("zero", "--samples: expected 10..10000000, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		}
		case 'F': force = true; break;
		default: return cli_opt_other(c, usage);
		}
	}
	int code = cli_no_operands(cx, argc, argv);
	if (code >= 0)
		return code;

	struct bench b;
	struct rig_err err = { 0 };
	struct zero_result z;
	struct records_fixture rf; /* the change on the record (docs/records.md) */
	code = cli_fixture_change(cx, &b, force ? "rig zero --force" : "rig zero", &rf);
	if (code)
		return code;
	const struct fixture_laser *fl = &b.fx.laser;
	enum rig_rc rc = selfcal_zero(&b, (size_t)samples, force, &z, &err);
	if (rc)
		cli_error("zero", "%s", err.msg);
	else
		printf("laser zero: %s mm (was %.6f mm, change %+.1f um%s), spread %.2f um, "
		       "drift %+.2f um, %zu readings, %zu error codes, %zu lost; written to %s\n",
		       z.value, fl->zero_mm, z.change_um,
		       z.forced ? ", beyond the bound: forced" : "", z.m.sd_um, z.m.drift_um,
		       z.m.n_ok, z.m.n_error, z.m.n_lost, b.fx.path);
	if (!rc && z.has_target)
		printf("zero target: %s mm (was %.6f mm), spread %.2f um: written to %s\n",
		       z.target_value, fl->zero_target_mm, z.target.sd_um, b.fx.path);
	bench_close(&b);
	return cli_exit_code(rc);
}
