/* cmd_impact.c - `rig impact --bench STATION --since TIME`: every unit
 * judged on a bench in a span, for the assessment ISO 13485 §7.6 asks
 * for when a gauge is found out of tolerance (rig/store/query.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/questions.h"

static void usage(FILE *out)
{
	fputs("usage: rig impact --bench STATION (--since TIME | --since-last-good-check)\n"
	      "                  [--out DIR | --db URL|DIR|INDEX] [--passfile FILE] [--csv]\n"
	      "\n"
	      "Every run on the bench STATION that judged its unit (PASS, FAIL or any\n"
	      "verdict but ABORTED) since TIME (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ,\n"
	      "UTC), and how many units that is (bench checks are not units: left out;\n"
	      "a run with no serial known is a unit of its own).\n"
	      "--since-last-good-check starts at the bench's last good check: the last\n"
	      "rig check that passed, or for a bench never checked, the oldest of the\n"
	      "fixture calibration dates (laser zero, load cell span, tare) its newest\n"
	      "run was made with. Asks the\n"
	      "results index of the report folder (default reports/) or, with --db, the\n"
	      "line's database (docs/results-db.md).\n"
	      "\n"
	      "  -b, --bench STATION        the fixture's [bench] station\n"
	      "  -s, --since TIME           start of the span\n"
	      "  -g, --since-last-good-check\n"
	      "  -d, --out DIR              report folder whose index to ask\n"
	      "  -D, --db WHERE             postgresql:// URL, report folder or index file\n"
	      "  -p, --passfile FILE        libpq password file\n"
	      "  -c, --csv                  CSV on stdout (the columns of rig history)\n"
	      "  -h, --help                 this text\n"
	      "\n"
	      "Exit codes: 0 done, 64 usage, 65 no calibration date to start from, 69\n"
	      "database unreachable, 74 folder unreadable, 78 database not migrated.\n",
	      out);
}

struct question {
	const char *bench;
	bool last_good;
	char since[32], what[64];
	struct store_runs runs;
};

static enum rig_rc ask(struct store_db *db, void *ctx, struct rig_err *err)
{
	struct question *m = ctx;
	enum rig_rc rc = RIG_OK;
	if (m->last_good)
		rc = store_last_good_check(db, m->bench, m->since, m->what, err);
	return rc ? rc : store_impact(db, m->bench, m->since, &m->runs, err);
}

static void print(const struct question *m)
{
	const struct store_runs *runs = &m->runs;
	size_t pass = 0;
	for (size_t i = 0; i < runs->n; i++)
		pass += !strcmp(runs->v[i].verdict, "PASS");
	printf("bench %s since %s%s%s%s: %zu unit(s) judged in %zu run(s), %zu PASS, %zu other\n",
	       m->bench, m->since, *m->what ? " (last good check: " : "", m->what,
	       *m->what ? ")" : "", store_runs_units(runs), runs->n, pass, runs->n - pass);
	size_t unknown = store_runs_unknown(runs);
	if (unknown)
		printf("  (%zu run%s with no serial known: each a unit of its own, not a retest)\n",
		       unknown, unknown == 1 ? "" : "s");
	if (runs->n)
		store_runs_print(runs, stdout);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_impact(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "bench", required_argument, NULL, 'b' },
		{ "since", required_argument, NULL, 's' },
		{ "since-last-good-check", no_argument, NULL, 'g' },
		CLI_QUESTION_LONG,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_question q = { .csv = false };
	struct question m = { .bench = NULL };
	const char *since_arg = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:s:g" CLI_QUESTION_SHORT "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': m.bench = optarg; break;
		case 's': since_arg = optarg; break;
		case 'g': m.last_good = true; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		default:
			if (cli_question_option(&q, c, optarg))
				break;
			usage(stderr);
			return RIG_EXIT_USAGE;
		}
	}
	if (optind != argc || !m.bench || !since_arg == !m.last_good) {
		cli_error("impact", "expected --bench and one of --since or --since-last-good-check");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	if (since_arg && !store_parse_time(since_arg, m.since)) {
		cli_error("impact", "--since: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, found '%s'",
			  since_arg);
		return RIG_EXIT_USAGE;
	}
	int code = cli_question_ask("impact", &q, ask, &m);
	if (code)
		return code;
	if (q.csv)
		store_runs_print_csv(&m.runs, stdout);
	else
		print(&m);
	store_runs_free(&m.runs);
	return RIG_EXIT_PASS;
}
