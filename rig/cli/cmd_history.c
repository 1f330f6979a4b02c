/* cmd_history.c - `rig history SERIAL`: every attempt of a unit, where,
 * when, by whom, verdict and reason (rig/store/query.c). */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/questions.h"
#include "run/report.h"

static void usage(FILE *out)
{
	fputs("usage: rig history [--out DIR | --db URL|DIR|INDEX] [--passfile FILE] [--csv] SERIAL\n"
	      "\n"
	      "Every run of the unit SERIAL (compared without surrounding spaces, ignoring\n"
	      "case), in the order they started: when, on which station, by whom, the\n"
	      "attempt, the verdict and its reason. Asks the results index of the report\n"
	      "folder (default reports/), or the line's database with --db\n"
	      "(docs/results-db.md). 'unknown' or '' is no unit's serial (no serial\n"
	      "scanned and none from the pen): every run with no serial known, each a\n"
	      "unit of its own, said so.\n"
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

struct question {
	const char *serial;
	struct store_runs runs;
};

static enum rig_rc ask(struct store_db *db, void *ctx, struct rig_err *err)
{
	struct question *h = ctx;
	return store_history(db, h->serial, &h->runs, err);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_history(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		CLI_QUESTION_LONG,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_question q = { .csv = false };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_QUESTION_SHORT "h", opts, NULL)) != -1) {
		if (cli_question_option(&q, c, optarg))
			continue;
		if (c == 'h') {
			usage(stdout);
			return RIG_EXIT_PASS;
		}
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	if (argc - optind != 1) {
		cli_error("history", "expected one serial");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	struct question h = { .serial = argv[optind] };
	int code = cli_question_ask("history", &q, ask, &h);
	if (code)
		return code;
	if (q.csv) {
		store_runs_print_csv(&h.runs, stdout);
	} else {
		if (report_serial_known(h.serial))
			printf("%s: %zu run(s)\n", h.serial, h.runs.n);
		else /* store_history(): every run of no known serial */
			printf("'%s' is no unit's serial: %zu run(s) with no serial known, each a "
			       "unit of its own, not one unit's retests\n", h.serial, h.runs.n);
		if (h.runs.n)
			store_runs_print(&h.runs, stdout);
	}
	store_runs_free(&h.runs);
	return RIG_EXIT_PASS;
}
