/* cmd_audit.c - `rig audit`: a report folder's ledger for people
 * (rig/records/audit.c), with the folder's verification on the last line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "records/audit.h"
#include "records/verify.h"
#include "run/report.h"

static void usage(FILE *out)
{
	fputs("usage: rig audit [DIR] [--since DATE] [--serial SN] [--kind K] [--csv]\n"
	      "\n"
	      "Prints the audit trail of a report folder (default: reports): every\n"
	      "ledger entry (reports published and recovered, fixture changes and edits\n"
	      "noticed, profiles first used, sign-ins, signatures, refusals, operator\n"
	      "changes) with its number, UTC time, kind, actor, object, hash and\n"
	      "detail; earlier values are never overwritten, only followed. The last\n"
	      "line says whether rig verify finds the folder intact. docs/records.md.\n"
	      "\n"
	      "  -s, --since DATE   entries from DATE on (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)\n"
	      "  -n, --serial SN    entries about the pen SN (its reports and their signatures)\n"
	      "  -k, --kind K       one kind (signature, access.refused) or family (report, fixture)\n"
	      "  -c, --csv          CSV on stdout: seq,time,kind,object,sha256,actor,detail,signed_by\n"
	      "  -h, --help         this text\n"
	      "\n"
	      "Exit codes: 0 shown (intact), 1 shown, but the folder does not verify,\n"
	      "64 usage, 74 unreadable.\n",
	      out);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_audit(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "serial", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "csv", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct audit_filter f = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:n:k:ch", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!audit_since_valid(optarg)) {
				cli_error("audit", "--since: expected YYYY-MM-DD or "
					  "YYYY-MM-DDTHH:MM:SSZ (UTC), found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			f.since = optarg;
			break;
		case 'n': f.serial = optarg; break;
		case 'k': f.kind = optarg; break;
		case 'c': f.csv = true; break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (optind + 1 < argc) {
		cli_error("audit", "one folder at most, found '%s' too", argv[optind + 1]);
		return RIG_EXIT_USAGE;
	}
	const char *dir = optind < argc ? argv[optind] : REPORT_DEFAULT_DIR;
	unsigned long shown, total;
	struct rig_err err;
	if (audit_print(dir, &f, stdout, &shown, &total, &err)) {
		cli_error("audit", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	struct vf_result r;
	if (records_verify(dir, NULL, 0, &r, &err)) {
		cli_error("audit", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	int code = r.nf ? RIG_EXIT_FAIL : RIG_EXIT_PASS;
	/* The verdict goes to stderr with --csv, so stdout stays one table. */
	fprintf(f.csv ? stderr : stdout, "rig audit: %s: %lu of %lu entries shown; rig verify: %s\n",
		dir, shown, total, r.nf ? "DOES NOT VERIFY (run rig verify for each problem)" : "intact");
	vf_result_free(&r);
	return code;
}
