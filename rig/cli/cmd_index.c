/* cmd_index.c - `rig index`: bring a report folder's results index up to
 * date, or rebuild it from the reports (rig/store/index.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "run/report.h"
#include "store/db.h"
#include "store/index.h"

static void usage(FILE *out)
{
	fputs("usage: rig index [--rebuild] [--quiet] [DIR]\n"
	      "\n"
	      "Indexes the run reports of DIR (default reports/) in DIR/index.sqlite:\n"
	      "runs, measurements, fixture calibrations, and the queue of runs still to\n"
	      "send to the line's database (`rig sync`). Every `rig run` does this after\n"
	      "it published its report; the reports stay the record. docs/results-db.md.\n"
	      "\n"
	      "  -r, --rebuild   recreate the index from the reports (same content);\n"
	      "                  runs already sent stay sent\n"
	      "  -q, --quiet     no line for files that are not run reports\n"
	      "  -h, --help      this text\n"
	      "\n"
	      "Exit codes: 0 done, 64 usage, 74 folder or index unwritable.\n",
	      out);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_index(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "rebuild", no_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool rebuild = false, quiet = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "rqh", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rebuild = true; break;
		case 'q': quiet = true; break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (argc - optind > 1) {
		cli_error("index", "one folder at most, found %d", argc - optind);
		return RIG_EXIT_USAGE;
	}
	const char *dir = optind < argc ? argv[optind] : REPORT_DEFAULT_DIR;
	struct store_index_count n = { 0 };
	struct rig_err err;
	enum rig_rc rc;
	FILE *notes = quiet ? NULL : stderr;
	if (rebuild) {
		rc = store_index_rebuild(dir, &n, notes, &err);
	} else {
		struct store_db *db;
		rc = store_index_open(&db, dir, &err);
		if (!rc) {
			rc = store_index_catch_up(db, dir, &n, notes, &err);
			store_db_close(db);
		}
	}
	if (rc) {
		cli_error("index", "%s", err.msg);
		return rig_exit_code(rc);
	}
	char path[4096];
	store_index_path(path, sizeof path, dir);
	printf("%s: %s %u report(s), %u already indexed, %u not run reports, %u refused, %u "
	       "ledger entries\n", path, rebuild ? "rebuilt from" : "added", n.added, n.known,
	       n.skipped, n.refused, n.ledger);
	return RIG_EXIT_PASS;
}
