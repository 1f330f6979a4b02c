/* cmd_loadcell_cal.c - `rig loadcell-cal --mass-g M`: zero and span of the
 * load cell in one session, written to the fixture.
 *
 * Zero is read before and after the reference mass and the span is taken
 * from their mean, so a slow drift during the calibration cancels and its
 * size is reported (return to zero). Zero and span come from the same
 * session: an old tare would put its drift into the scale.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "core/ini_edit.h"
#include "dev/loadcell/loadcell.h"
#include "core/ini_schema.h"

#define CAL_MEDIAN_MIN 9         /* reads per median for a calibration */
#define MIN_SPAN_COUNTS 100.0    /* less: the mass is not on the cell */
#define RETURN_TO_ZERO_WARN 0.0025 /* of the span: half the 0.5 % target */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig loadcell-cal --mass-g M [--fixture F] [--sim key=value]... [--yes]\n"
		"\n"
		"Calibrates the load cell with a reference mass of M grams: reads zero\n"
		"(nothing on the cell), the mass, and zero again, then writes\n"
		"scale_counts_per_n = (mass - zero) / (M/1000 * 9.80665 m/s^2),\n"
		"offset_counts and cal_date into the fixture's [loadcell] section.\n"
		"\n"
		"  -m, --mass-g M       reference mass in grams (required)\n"
		"  -f, --fixture F      fixture file (default %s)\n"
		"  -s, --sim KEY=VALUE  override a virtual bench parameter (repeatable)\n"
		"  -y, --yes            operator steps are done without asking\n"
		"  -h, --help           this text\n",
		session_default_fixture());
}

int cmd_loadcell_cal(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mass-g", required_argument, NULL, 'm' },
		{ "fixture", required_argument, NULL, 'f' },
		{ "sim", required_argument, NULL, 's' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fixture = NULL;
	char *sims[CLI_MAX_SIM];
	size_t nsims = 0;
	bool yes = false;
	double mass_g = NAN;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:f:s:yh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!ini_parse_number(optarg, &mass_g) || !(mass_g > 0)) {
				cli_error("loadcell-cal", "--mass-g %s: expected a mass in grams above 0",
					  optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		case 'f': fixture = optarg; break;
		case 's':
			if (!cli_add_sim("loadcell-cal", sims, &nsims, optarg))
				return RIG_EXIT_USAGE;
			break;
		case 'y': yes = true; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("loadcell-cal", "unexpected argument '%s'", argv[optind]);
		return RIG_EXIT_USAGE;
	}
	if (isnan(mass_g)) {
		cli_error("loadcell-cal", "--mass-g M is required (the reference mass in grams)");
		return RIG_EXIT_USAGE;
	}

	struct rig_session s;
	struct rig_err err = { 0 };
	struct loadcell *lc = NULL;
	enum rig_rc rc = session_open(&s, fixture, sims, nsims, &err);
	if (rc) {
		cli_error("loadcell-cal", "%s", err.msg);
		return rig_exit_code(rc);
	}
	s.assume_yes = yes;
	const struct fixture_loadcell *cfg = &s.fx.loadcell;
	unsigned n = cfg->median_of > CAL_MEDIAN_MIN ? cfg->median_of : CAL_MEDIAN_MIN;
	double zero1 = 0, with_mass = 0, zero2 = 0, scale = 0;
	if ((rc = loadcell_open(&lc, cfg, &s.hal, &err)) ||
	    (rc = session_operator(&s, OPERATOR_REMOVE_LOAD, 0, &err)) ||
	    (rc = loadcell_read_counts_median(lc, n, &zero1, &err)) ||
	    (rc = session_operator(&s, OPERATOR_PLACE_MASS, mass_g, &err)) ||
	    (rc = loadcell_read_counts_median(lc, n, &with_mass, &err)) ||
	    (rc = session_operator(&s, OPERATOR_REMOVE_LOAD, 0, &err)) ||
	    (rc = loadcell_read_counts_median(lc, n, &zero2, &err)))
		goto out;
	double zero = (zero1 + zero2) / 2;
	if ((rc = loadcell_scale_from_span(zero, with_mass, mass_g, MIN_SPAN_COUNTS, &scale,
					   &err)) ||
	    (rc = session_operator(&s, OPERATOR_RESTORE_PEN, 0, &err)))
		goto out;

	char scale_s[32], offset_s[32], date[FIXTURE_DATE];
	snprintf(scale_s, sizeof scale_s, "%.3f", scale);
	snprintf(offset_s, sizeof offset_s, "%.1f", zero);
	ini_today(date);
	const struct ini_edit edits[] = {
		{ "loadcell", "scale_counts_per_n", scale_s },
		{ "loadcell", "offset_counts", offset_s },
		{ "loadcell", "cal_date", date },
	};
	if ((rc = fixture_commit(s.fx.path, edits, sizeof edits / sizeof edits[0],
				  "rig loadcell-cal", &err)))
		goto out;
	double rtz = zero2 - zero1, span = with_mass - zero;
	printf("loadcell-cal: %.1f g: zero %.1f / %.1f counts, with mass %.1f counts\n",
	       mass_g, zero1, zero2, with_mass);
	printf("loadcell-cal: scale_counts_per_n %s (was %.3f, %+.3f %%), offset_counts %s, "
	       "cal_date %s, written to %s\n",
	       scale_s, cfg->scale_counts_per_n,
	       cfg->scale_counts_per_n ? (scale / cfg->scale_counts_per_n - 1) * 100 : 0.0,
	       offset_s, date, s.fx.path);
	if (fabs(rtz) > RETURN_TO_ZERO_WARN * fabs(span))
		fprintf(stderr,
			"rig loadcell-cal: warning: zero moved %+.1f counts (%.2f %% of the span) "
			"during the calibration: creep or a disturbed cell; consider repeating\n",
			rtz, fabs(rtz / span) * 100);
out:
	if (rc)
		cli_error("loadcell-cal", "%s", err.msg);
	loadcell_close(lc);
	session_close(&s);
	return rig_exit_code(rc);
}
