/* cmd_sign.c - `rig sign`: an electronic signature on a run report, in the
 * report folder's ledger (rig/records/records.c records_sign). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/identify.h"
#include "core/paths.h"
#include "core/fixture.h"
#include "records/ledger.h"
#include "records/records.h"

static void usage(FILE *out)
{
	fputs("usage: rig sign REPORT --meaning reviewed|approved|responsible --operator ID\n"
	      "                [--fixture F] [--name \"Printed Name\"]\n"
	      "\n"
	      "Signs a run report: the signer identifies with ID and PIN (asked on the\n"
	      "terminal without echo, or read from $RIG_PIN_FILE when stdin is not a\n"
	      "terminal), and an entry in the report folder's ledger binds the signer's\n"
	      "printed name, the meaning and the UTC time to the report's SHA-256, so\n"
	      "the signature cannot be moved to another report. The report must verify\n"
	      "first. rig verify shows each report's signatures. Without [access] in the\n"
	      "fixture (access control off) the ID is not checked, --name gives the\n"
	      "printed name, and the signature says so. docs/records.md.\n"
	      "\n"
	      "Who may sign what, with access control on: reviewed and responsible any\n"
	      "role (operator, engineer, admin); approved an engineer or admin. Any other\n"
	      "role is refused (77) and the refusal is in the ledger.\n"
	      "\n"
	      "  -m, --meaning M     reviewed, approved or responsible\n"
	      "  -u, --operator ID   the signer\n"
	      "  -n, --name NAME     printed name, only with access control off\n"
	      "  -f, --fixture F     the fixture naming the operators file\n"
	      "  -h, --help          this text\n"
	      "\n"
	      "Exit codes: 0 signed, 64 usage, 65 the report does not verify,\n"
	      "74 cannot write the ledger, 77 refused.\n",
	      out);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_sign(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "meaning", required_argument, NULL, 'm' },
		{ "operator", required_argument, NULL, 'u' },
		{ "name", required_argument, NULL, 'n' },
		{ "fixture", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *meaning = NULL, *id = NULL, *name = NULL, *fixture = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:u:n:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': meaning = optarg; break;
		case 'u': id = optarg; break;
		case 'n': name = optarg; break;
		case 'f': fixture = optarg; break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (optind + 1 != argc || !meaning || !id) {
		cli_error("sign", "expected one REPORT, --meaning and --operator");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	const char *report = argv[optind];
	enum op_role need;
	if (!access_sign_role(meaning, &need)) {
		cli_error("sign", "--meaning: expected reviewed, approved or responsible, found '%s'",
			  meaning);
		return RIG_EXIT_USAGE;
	}
	struct fixture fx;
	struct rig_err err;
	if (fixture_load(&fx, fixture ? fixture : rig_default_fixture(), &err)) {
		cli_error("sign", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	char ops[PATH_MAX], dir[PATH_MAX], action[PATH_MAX + 40];
	snprintf(ops, sizeof ops, "%s", fx.access.operators);
	fixture_free(&fx);
	const char *slash = strrchr(report, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - report) : 1, slash ? report : ".");
	snprintf(action, sizeof action, "rig sign %s %s", meaning, slash ? slash + 1 : report);
	struct access_who who;
	int code = cli_identify("sign", ops, dir, id, need, action, &who);
	if (code)
		return code;
	if (who.on && name) {
		cli_error("sign", "--name: with access control on, the printed name is the "
			  "operators file's (%s)", who.name);
		return RIG_EXIT_USAGE;
	}
	struct ledger_entry e;
	if (records_sign(report, meaning, id, who.on ? who.name : name ? name : id, who.on, &e,
			 &err)) {
		cli_error("sign", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	printf("signed: %s: %s (%s), %s, %s, ledger entry %lu\n", report,
	       who.on ? who.name : name ? name : id, id, meaning, e.time, e.seq);
	return RIG_EXIT_PASS;
}
