/* cmd_verify.c - `rig verify`: check report folders against their ledgers
 * (rig/records/verify.c) and name every record that does not prove itself. */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "records/verify.h"
#include "run/report.h"

static void usage(FILE *out)
{
	fputs("usage: rig verify [DIR|REPORT...]\n"
	      "\n"
	      "Checks a report folder (default: reports) against its ledger: the chain\n"
	      "of entries (numbering, previous-entry hashes, replays, a torn last\n"
	      "entry), each entry's Ed25519 signature against DIR/ledger.pub, every\n"
	      "report's bytes against its entry (changed, missing, added, renamed,\n"
	      "swapped), every signature against its report (moved), and each fixture\n"
	      "the ledger knows against its last recorded hash (changed without an\n"
	      "entry). Names each problem on its own line, shows each report's\n"
	      "signatures, and ends with one summary line. With REPORT files, only\n"
	      "those reports are checked (and their folder's chain). docs/records.md.\n"
	      "\n"
	      "  -q, --quiet     only problems and the summary, no signatures\n"
	      "  -h, --help      this text\n"
	      "\n"
	      "Exit codes: 0 intact, 1 a record does not verify, 64 usage,\n"
	      "74 a folder or file cannot be read.\n",
	      out);
}

static void print_result(const char *dir, const struct vf_result *r, bool quiet)
{
	for (size_t i = 0; i < r->nf; i++)
		printf("%s: %s: %s\n", dir, vf_name(r->f[i].what), r->f[i].text);
	for (size_t i = 0; i < r->nsigs && !quiet; i++) {
		const struct vf_signature *s = &r->sigs[i];
		printf("%s: signed: %s: %s (%s), %s, %s, entry %lu%s\n", dir, s->report, s->name,
		       s->actor, s->meaning, s->time, s->seq, s->valid ? "" : " (NOT VALID)");
	}
	if (r->journals)
		printf("%s: %u run(s) awaiting recovery (a journal is left; the next rig run "
		       "recovers it)\n", dir, r->journals);
	char sig[400];
	if (r->signed_entries && !r->unsigned_entries)
		snprintf(sig, sizeof sig, "all signed (key %s)", r->keys);
	else if (r->signed_entries)
		snprintf(sig, sizeof sig, "%lu signed (key %s), %lu unsigned", r->signed_entries,
			 r->keys, r->unsigned_entries);
	else
		snprintf(sig, sizeof sig, "unsigned (no station key: hash chain only)");
	printf("rig verify: %s: %s: %u reports, %zu signatures, %u fixtures, %lu ledger entries, "
	       "%s, last %.16s\n", dir, r->nf ? "FAILED" : "intact", r->reports, r->nsigs,
	       r->fixtures, r->entries, sig, r->last_hash);
	if (r->nf)
		printf("rig verify: %s: %zu problem(s)\n", dir, r->nf);
}

/* Verify one folder, or the named reports in it; 0 intact, 1 not, or an
 * error's exit code. */
static int verify_one(const char *dir, char **names, size_t nnames, bool quiet)
{
	struct vf_result r;
	struct rig_err err;
	enum rig_rc rc = records_verify(dir, names, nnames, &r, &err);
	if (rc) {
		cli_error("verify", "%s", err.msg);
		return rig_exit_code(rc);
	}
	print_result(dir, &r, quiet);
	int code = r.nf ? RIG_EXIT_FAIL : RIG_EXIT_PASS;
	vf_result_free(&r);
	return code;
}

/* cx: no shared options (the row's flags are 0). */
int cmd_verify(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind == argc)
		return verify_one(REPORT_DEFAULT_DIR, NULL, 0, quiet);
	int worst = RIG_EXIT_PASS;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		int code;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			code = verify_one(argv[i], NULL, 0, quiet);
		} else {
			char d[PATH_MAX], b[PATH_MAX];
			snprintf(d, sizeof d, "%s", argv[i]);
			snprintf(b, sizeof b, "%s", argv[i]);
			char *name = basename(b);
			code = verify_one(dirname(d), &name, 1, quiet);
		}
		if (code > worst)
			worst = code;
	}
	return worst;
}
