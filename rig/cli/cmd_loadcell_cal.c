/* cmd_loadcell_cal.c - `rig loadcell-cal --mass-g M`: zero and span of the
 * load cell in one sitting, written to the fixture.
 *
 * Zero is read before and after the reference mass and the span is taken
 * from their mean, so a slow drift during the calibration cancels and its
 * size is reported (return to zero). Zero and span come from the same
 * sitting: an old tare would put its drift into the scale.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/selfcal.h"
#include "cli/cli.h"
#include "cli/identify.h"
#include "records/records.h"
#include "core/ini_schema.h"
#include "core/paths.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig loadcell-cal --mass-g M [--fixture F] [--sim key=value]... [--yes]\n"
		"                        [--operator ID] [--out DIR]\n"
		"\n"
		"Calibrates the load cell with a reference mass of M grams: reads zero\n"
		"(nothing on the cell), the mass, and zero again, then writes\n"
		"scale_counts_per_n = (mass - zero) / (M/1000 * 9.80665 m/s^2),\n"
		"offset_counts and cal_date into the fixture's [loadcell] section.\n"
		"\n"
		"  -m, --mass-g M       reference mass in grams (required)\n"
		CLI_HELP_CHANGE_BENCH
		CLI_HELP_CHANGE_WHO,
		rig_default_fixture());
}

int cmd_loadcell_cal(int argc, char **argv, struct cli_ctx *cx)
{
	static const struct option opts[] = {
		{ "mass-g", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double mass_g = NAN;
	int c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "m:h", opts)) != -1) {
		switch (c) {
		case 'm':
			if (!ini_parse_number(optarg, &mass_g) || !(mass_g > 0)) {
				cli_error("loadcell-cal", "--mass-g %s: expected a mass in grams above 0",
					  optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		default: return cli_opt_other(c, usage);
		}
	}
	int code = cli_no_operands(cx, argc, argv);
	if (code >= 0)
		return code;
	if (isnan(mass_g)) {
		cli_error("loadcell-cal", "--mass-g M is required (the reference mass in grams)");
		return RIG_EXIT_USAGE;
	}

	struct bench b;
	struct rig_err err = { 0 };
	struct loadcell_cal_result r;
	struct records_fixture rf; /* the change on the record (docs/records.md) */
	code = cli_fixture_change(cx, &b, "rig loadcell-cal", &rf);
	if (code)
		return code;
	const struct fixture_loadcell *cfg = &b.fx.loadcell;
	enum rig_rc rc = selfcal_loadcell(&b, mass_g, &r, &err);
	if (rc) {
		cli_error("loadcell-cal", "%s", err.msg);
		bench_close(&b);
		return cli_exit_code(rc);
	}
	printf("loadcell-cal: %.1f g: zero %.1f / %.1f counts, with mass %.1f counts\n",
	       mass_g, r.zero1, r.zero2, r.with_mass);
	printf("loadcell-cal: scale_counts_per_n %s (was %.3f, %+.3f %%), offset_counts %s, "
	       "cal_date %s, written to %s\n",
	       r.scale_s, cfg->scale_counts_per_n,
	       cfg->scale_counts_per_n ? (r.scale / cfg->scale_counts_per_n - 1) * 100 : 0.0,
	       r.offset_s, r.date, b.fx.path);
	if (r.rtz_warning)
		fprintf(stderr,
			"rig loadcell-cal: warning: zero moved %+.1f counts (%.2f %% of the span) "
			"during the calibration: creep or a disturbed cell; consider repeating\n",
			r.rtz, fabs(r.rtz / r.span) * 100);
	bench_close(&b);
	return RIG_EXIT_PASS;
}
