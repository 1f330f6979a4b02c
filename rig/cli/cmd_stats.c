/* cmd_stats.c - `rig stats`: lot statistics over run reports
 * (rig/study/stats.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "plot/stats_plot.h"
#include "store/query.h"
#include "store/stats_db.h"
#include "study/stats.h"

static void usage(FILE *out)
{
	fputs("usage: rig stats [--by station|profile|day] [--csv] [--plots DIR] REPORT.csv|DIR...\n"
	      "       rig stats --db URL|DIR|INDEX [--since T] [--station S] [--profile P]\n"
	      "                 [--lot L] [--by ...] [--csv] [--plots DIR]\n"
	      "\n"
	      "Reads run reports and prints, per characteristic (phase, step, quantity\n"
	      "and commanded value), n, mean, sample std (n - 1), the limits, Cp, Cpk\n"
	      "and the yield of the judged rows, and flags trends: 7 points in a row\n"
	      "rising or falling (in run order), points beyond 3 std of the mean.\n"
	      "Cp/Cpk use the specification limits (low_limit, high_limit). Then the\n"
	      "units: runs grouped by serial (case and surrounding spaces ignored),\n"
	      "first-pass and final yield, the yield of each lot (the reports' lot\n"
	      "column; without one the whole set is the lot), and a Pareto of failure\n"
	      "reasons; trend flags name the unit (serial and attempt).\n"
	      "A folder is read whole (its *.csv); files that are not run reports\n"
	      "(summary.csv, shift reports ...) are ignored and counted on stderr.\n"
	      "docs/characterization.md has the formulas.\n"
	      "\n"
	      "  -b, --by KEY    also split by station, profile or day (UTC)\n"
	      "  -c, --csv       CSV on stdout (phase,step,quantity,unit,commanded,group,\n"
	      "                  n,mean,std,min,max,lsl,usl,cp,cpk,n_judged,n_pass,yield,\n"
	      "                  trend,beyond_3sigma)\n"
	      "  -P, --plots DIR an individuals and moving-range control chart per\n"
	      "                  characteristic, as SVG files in DIR (created)\n"
	      "  -D, --db WHERE  the runs of a results database instead of files: the line's\n"
	      "                  postgresql:// URL, a report folder (its index) or an index\n"
	      "                  file; filtered by --since (YYYY-MM-DD[THH:MM:SSZ], UTC),\n"
	      "                  --station, --profile, --lot (docs/results-db.md)\n"
	      "  -h, --help      this text\n"
	      "\n"
	      "Exit codes: 0 done, 64 usage, 65 no run report among the files, 74 unreadable.\n",
	      out);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_stats(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "csv", no_argument, NULL, 'c' },
		{ "plots", required_argument, NULL, 'P' },
		{ "db", required_argument, NULL, 'D' },
		{ "since", required_argument, NULL, 'S' },
		{ "station", required_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'p' },
		{ "lot", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum stats_by by = STATS_BY_NONE;
	bool csv = false;
	const char *plots = NULL;
	struct store_source src = { 0 };
	struct store_stats_filter filter = { 0 };
	char since[32];
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:chP:D:S:s:p:l:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (!strcmp(optarg, "station"))
				by = STATS_BY_STATION;
			else if (!strcmp(optarg, "profile"))
				by = STATS_BY_PROFILE;
			else if (!strcmp(optarg, "day"))
				by = STATS_BY_DAY;
			else {
				cli_error("stats", "--by: expected station, profile or day, found '%s'",
					  optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		case 'c': csv = true; break;
		case 'P': plots = optarg; break;
		case 'D': src.db = optarg; break;
		case 'S':
			if (!store_parse_time(optarg, since)) {
				cli_error("stats", "--since: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			filter.since = since;
			break;
		case 's': filter.station = optarg; break;
		case 'p': filter.profile = optarg; break;
		case 'l': filter.lot = optarg; break;
		default: return cli_opt_other(c, usage);
		}
	}
	if ((optind == argc) == !src.db) {
		cli_error("stats", src.db ? "--db and report files: one or the other" : "no report given");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	struct stats s;
	struct rig_err err;
	stats_init(&s, by);
	int code = RIG_EXIT_PASS;
	if (src.db && store_stats_feed(&s, &src, &filter, &err)) {
		cli_error("stats", "%s", err.msg);
		code = rig_exit_code(err.rc);
	}
	for (int i = optind; i < argc && !code; i++)
		if (stats_add_path(&s, argv[i], &err)) {
			cli_error("stats", "%s", err.msg);
			code = rig_exit_code(err.rc);
		}
	if (!code && s.ignored)
		fprintf(stderr, "rig stats: ignored %zu file%s that %s not run reports (%s)\n",
			s.ignored, s.ignored == 1 ? "" : "s", s.ignored == 1 ? "is" : "are",
			s.ignored_names);
	if (!code && !src.db && !s.units.nruns) {
		cli_error("stats", "no run report among the files given");
		code = RIG_EXIT_DATAERR;
	}
	if (!code) {
		stats_compute(&s);
		if (csv) {
			stats_print_csv(&s, stdout);
		} else {
			stats_print(&s, stdout);
			stats_print_units(&s, stdout);
		}
		unsigned nplots = 0;
		if (plots && stats_plot(&s, plots, &nplots, &err)) {
			cli_error("stats", "%s", err.msg);
			code = rig_exit_code(err.rc);
		} else if (plots) {
			fprintf(stderr, "rig stats: %u control chart%s in %s\n", nplots,
				nplots == 1 ? "" : "s", plots);
		}
	}
	stats_free(&s);
	return code;
}
