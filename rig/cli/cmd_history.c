/* cmd_history.c - `rig history SERIAL`: every attempt of a unit, where,
 * when, by whom, verdict and reason (rig/store/query.c). */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/query.h"

static void usage(FILE *out)
{
	fputs("usage: rig history [--out DIR | --db URL|DIR|INDEX] [--passfile FILE] [--csv] SERIAL\n"
	      "\n"
	      "Every run of the unit SERIAL (compared without surrounding spaces, ignoring\n"
	      "case), in the order they started: when, on which station, by whom, the\n"
	      "attempt, the verdict and its reason. Asks the results index of the report\n"
	      "folder (default reports/), or the line's database with --db\n"
	      "(docs/results-db.md).\n"
	      "\n"
	      "  -d, --out DIR        report folder whose index to ask\n"
	      "  -D, --db WHERE       postgresql:// URL, report folder or index file\n"
	      "  -p, --passfile FILE  libpq password file\n"
	      "  -c, --csv            CSV on stdout (n,started_at,station,operator,pen_serial,\n"
	      "                       attempt,verdict,category,reason,profile,report_file,run_id)\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "Exit codes: 0 done (also when the unit has no run), 64 usage, 69 database\n"
	      "unreachable, 74 folder unreadable, 78 database not migrated.\n",
	      out);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_history(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'D' },
		{ "passfile", required_argument, NULL, 'p' },
		{ "csv", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_source src = { 0 };
	bool csv = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:D:p:ch", opts, NULL)) != -1) {
		switch (c) {
		case 'd': src.dir = optarg; break;
		case 'D': src.db = optarg; break;
		case 'p': src.passfile = optarg; break;
		case 'c': csv = true; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_error("history", "expected one serial");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	struct store_db *db;
	struct store_runs runs = { 0 };
	struct rig_err err;
	enum rig_rc rc = store_source_open(&db, &src, &err);
	if (!rc) {
		rc = store_history(db, argv[optind], &runs, &err);
		store_db_close(db);
	}
	if (rc) {
		cli_error("history", "%s", err.msg);
		return rig_exit_code(rc);
	}
	if (csv) {
		store_runs_print_csv(&runs, stdout);
	} else {
		printf("%s: %zu run(s)\n", argv[optind], runs.n);
		if (runs.n)
			store_runs_print(&runs, stdout);
	}
	store_runs_free(&runs);
	return RIG_EXIT_PASS;
}
