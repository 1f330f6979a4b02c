/* cmd_tare.c - `rig tare`: measure the load cell's zero with nothing on it
 * and write it to the fixture as offset_counts (with tare_date).
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "core/ini_edit.h"
#include "dev/loadcell/loadcell.h"


static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig tare [--fixture F] [--sim key=value]... [--yes]\n"
		"\n"
		"Asks for the pen to be taken out, reads the load cell's median with\n"
		"nothing on it, asks for the pen back, and writes offset_counts and\n"
		"tare_date into the fixture's [loadcell] section.\n"
		"\n"
		"  -f, --fixture F      fixture file (default %s)\n"
		"  -s, --sim KEY=VALUE  override a virtual bench parameter (repeatable)\n"
		"  -y, --yes            operator steps are done without asking\n"
		"  -h, --help           this text\n",
		session_default_fixture());
}

int cmd_tare(int argc, char **argv)
{
	static const struct option opts[] = {
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
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:s:yh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fixture = optarg; break;
		case 's':
			if (!cli_add_sim("tare", sims, &nsims, optarg))
				return RIG_EXIT_USAGE;
			break;
		case 'y': yes = true; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("tare", "unexpected argument '%s'", argv[optind]);
		return RIG_EXIT_USAGE;
	}

	struct rig_session s;
	struct rig_err err = { 0 };
	struct loadcell *lc = NULL;
	enum rig_rc rc = session_open(&s, fixture, sims, nsims, &err);
	if (rc) {
		cli_error("tare", "%s", err.msg);
		return rig_exit_code(rc);
	}
	s.assume_yes = yes;
	const struct fixture_loadcell *cfg = &s.fx.loadcell;
	double zero_counts = 0;
	if ((rc = loadcell_open(&lc, cfg, &s.hal, &err)) ||
	    (rc = session_operator(&s, OPERATOR_REMOVE_LOAD, 0, &err)) ||
	    (rc = loadcell_read_counts_median(lc, 0, &zero_counts, &err)) ||
	    (rc = session_operator(&s, OPERATOR_RESTORE_PEN, 0, &err)))
		goto out;

	char value[32], date[FIXTURE_DATE];
	snprintf(value, sizeof value, "%.1f", zero_counts);
	ini_today(date);
	const struct ini_edit edits[] = {
		{ "loadcell", "offset_counts", value },
		{ "loadcell", "tare_date", date },
	};
	if ((rc = fixture_commit(s.fx.path, edits, sizeof edits / sizeof edits[0], "rig tare",
				  &err)))
		goto out;
	double shift_counts = zero_counts - cfg->offset_counts;
	printf("tare: offset_counts %s (was %.1f, %+.1f counts", value,
	       cfg->offset_counts, shift_counts);
	if (cfg->scale_counts_per_n != 0)
		printf(" = %+.4f N", shift_counts / cfg->scale_counts_per_n);
	printf("), tare_date %s, written to %s\n", date, s.fx.path);
out:
	if (rc)
		cli_error("tare", "%s", err.msg);
	loadcell_close(lc);
	session_close(&s);
	return rig_exit_code(rc);
}
