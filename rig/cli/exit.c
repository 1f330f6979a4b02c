/* exit.c - the exit-code policy of every command, in one place: what a
 * return code, a run's result or a study's end means for the process. */
#include "cli/cli.h"

/* The documented codes, as `rig --help` lists them (README, docs/rig.1). */
static const struct {
	int code;
	const char *text;
} exit_codes[] = {
	{ RIG_EXIT_PASS, "pass" },
	{ RIG_EXIT_FAIL, "the device under test failed (category unit)" },
	{ RIG_EXIT_ABORT, "run aborted, category bench (e-stop, lid, signal, a bench device)" },
	{ RIG_EXIT_INDETERMINATE, "indeterminate: the conformance rule could prove neither "
				  "PASS nor FAIL (not a pass)" },
	{ RIG_EXIT_USAGE, "usage error" },
	{ RIG_EXIT_DATAERR, "bad input data (profile, capture)" },
	{ RIG_EXIT_UNAVAILABLE, "a device, port, database or library is unavailable" },
	{ RIG_EXIT_SOFTWARE, "internal error" },
	{ RIG_EXIT_OSERR, "out of memory or another system error" },
	{ RIG_EXIT_IOERR, "I/O error (e.g. the report folder cannot be written)" },
	{ RIG_EXIT_TEMPFAIL, "temporary failure: the bench is busy (locked)" },
	{ RIG_EXIT_NOPERM, "refused by access control (wrong PIN, locked ID, role too low)" },
	{ RIG_EXIT_CONFIG, "configuration error (fixture)" },
};

void cli_print_exit_codes(FILE *out)
{
	fprintf(out, "Exit codes:\n");
	for (size_t i = 0; i < sizeof exit_codes / sizeof exit_codes[0]; i++)
		fprintf(out, "  %2d  %s\n", exit_codes[i].code, exit_codes[i].text);
}

const char *cli_exit_meaning(int code)
{
	for (size_t i = 0; i < sizeof exit_codes / sizeof exit_codes[0]; i++)
		if (exit_codes[i].code == code)
			return exit_codes[i].text;
	return "exit code not in the table";
}

int cli_exit_code(enum rig_rc rc)
{
	return rig_exit_code(rc);
}

int cli_run_exit_code(const struct run_result *res)
{
	if (res->report_failed)
		return RIG_EXIT_IOERR;
	if (!res->started)
		return cli_exit_code(res->rc);
	if (res->aborted) {
		/* The fixture, a file or the lock: say which; any other abort
		 * (e-stop, lid, a device) is an abort. */
		int code = cli_exit_code(res->rc);
		return code == RIG_EXIT_CONFIG || code == RIG_EXIT_IOERR || code == RIG_EXIT_TEMPFAIL
			       ? code
			       : RIG_EXIT_ABORT;
	}
	return res->failed	  ? RIG_EXIT_FAIL
	       : res->indeterminate ? RIG_EXIT_INDETERMINATE
				    : RIG_EXIT_PASS;
}
