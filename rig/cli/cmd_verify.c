/* cmd_verify.c - `rig verify`: check report folders against their ledgers
 * (rig/records/verify.c) and name every record that does not prove itself. */
#include <ctype.h>
#include <errno.h>
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
#include "store/anchor.h"
#include "store/query.h"

#define MAX_ANCHORS 16

/* What to compare the ledger's head with (docs/records.md "An anchor off
 * the station"), and whether to print it. */
struct anchors {
	const char *db, *passfile;         /* --db, --passfile */
	struct vf_anchor given[MAX_ANCHORS]; /* --anchor SEQ:HASH */
	size_t ngiven;
	bool head;                         /* --head */
};

static void usage(FILE *out)
{
	fputs("usage: rig verify [--quiet] [--head] [--db URL|INDEX|DIR [--passfile F]]\n"
	      "                  [--anchor SEQ:HASH]... [DIR|REPORT...]\n"
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
	      "A ledger cut back at an entry boundary together with its reports looks\n"
	      "intact on its own; compare it with heads kept off the station: --db, the\n"
	      "anchors rig sync put on the line (or an index holding them), and\n"
	      "--anchor, a head written down from --head. An anchored entry past the\n"
	      "ledger's end is named 'ledger cut back', one with another hash 'ledger\n"
	      "rewritten'.\n"
	      "\n"
	      "  -q, --quiet          only problems and the summary, no signatures\n"
	      "  -H, --head           also print the ledger's head (entry, time, SHA-256)\n"
	      "                       to keep off the station\n"
	      "  -D, --db WHERE       compare with the anchors in WHERE: a postgresql://\n"
	      "                       URL (the line), an index file or a report folder\n"
	      "  -p, --passfile FILE  libpq password file\n"
	      "  -a, --anchor SEQ:HASH  a head kept elsewhere (HASH: 16 to 64 hex digits)\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "Exit codes: 0 intact, 1 a record does not verify, 64 usage,\n"
	      "74 a folder or file cannot be read.\n",
	      out);
}

/* SEQ:HASH, HASH 16 to 64 lower- or upper-case hex digits. */
static bool parse_anchor(const char *s, struct vf_anchor *a)
{
	char *end;
	errno = 0;
	unsigned long seq = strtoul(s, &end, 10);
	if (end == s || *end != ':' || errno || !seq || *s == '-')
		return false;
	size_t len = strlen(end + 1);
	if (len < 16 || len > SHA256_HEX_LEN || strspn(end + 1, "0123456789abcdefABCDEF") != len)
		return false;
	a->seq = seq;
	for (size_t i = 0; i <= len; i++)
		a->hash[i] = (char)tolower((unsigned char)end[1 + i]);
	snprintf(a->where, sizeof a->where, "the head given (--anchor %lu:%.16s)", seq, end + 1);
	return true;
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

/* The anchors of --db for this ledger, then --anchor's, compared. */
static enum rig_rc compare_anchors(const char *dir, const struct anchors *an, struct vf_result *r,
				   struct rig_err *err)
{
	enum rig_rc rc = RIG_OK;
	const char *where = an->db && store_is_url(an->db) ? "the line" : an->db;
	if (an->db && !r->head.id[0])
		printf("%s: no ledger entry to compare with the anchors in %s\n", dir, where);
	if (an->db && r->head.id[0]) {
		struct store_source src = { .db = an->db, .passfile = an->passfile };
		struct store_db *db;
		struct vf_anchor *v = NULL;
		size_t n = 0;
		if ((rc = store_source_open(&db, &src, err)))
			return rc;
		rc = store_anchor_list(db, r->head.id, where, &v, &n, err);
		store_db_close(db);
		if (!rc)
			rc = records_verify_anchors(dir, v, n, r, err);
		free(v);
		if (!rc && !n)
			printf("%s: no anchor of this ledger (%.16s) in %s: never synced, or the "
			       "ledger was replaced\n", dir, r->head.id, where);
	}
	if (!rc && an->ngiven)
		rc = records_verify_anchors(dir, an->given, an->ngiven, r, err);
	return rc;
}

/* Verify one folder, or the named reports in it; 0 intact, 1 not, or an
 * error's exit code. */
static int verify_one(const char *dir, char **names, size_t nnames, bool quiet,
		      const struct anchors *an)
{
	struct vf_result r;
	struct rig_err err;
	enum rig_rc rc = records_verify(dir, names, nnames, &r, &err);
	if (!rc && (rc = compare_anchors(dir, an, &r, &err)))
		vf_result_free(&r);
	if (rc) {
		cli_error("verify", "%s", err.msg);
		return rig_exit_code(rc);
	}
	print_result(dir, &r, quiet);
	if (r.anchors)
		printf("rig verify: %s: ledger ends at entry %lu; %u anchored head(s) compared\n", dir,
		       r.head.seq, r.anchors);
	if (an->head && r.head.seq)
		printf("rig verify: %s: head: entry %lu, %s, sha256 %s (keep it off the station; "
		       "rig verify --anchor %lu:%s compares)\n", dir, r.head.seq, r.head.time,
		       r.head.hash, r.head.seq, r.head.hash);
	int code = r.nf ? RIG_EXIT_FAIL : RIG_EXIT_PASS;
	vf_result_free(&r);
	return code;
}

/* cx: no shared options (the row's flags are 0). */
int cmd_verify(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "head", no_argument, NULL, 'H' },
		{ "db", required_argument, NULL, 'D' },
		{ "passfile", required_argument, NULL, 'p' },
		{ "anchor", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false;
	static struct anchors an; /* 16 anchors: too large for the stack's taste */
	memset(&an, 0, sizeof an);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qHD:p:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'H': an.head = true; break;
		case 'D': an.db = optarg; break;
		case 'p': an.passfile = optarg; break;
		case 'a':
			if (an.ngiven == MAX_ANCHORS || !parse_anchor(optarg, &an.given[an.ngiven])) {
				cli_error("verify", "--anchor: expected SEQ:HASH (an entry number, 16 to "
					  "64 hex digits; at most %d), found '%s'", MAX_ANCHORS, optarg);
				return RIG_EXIT_USAGE;
			}
			an.ngiven++;
			break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (optind == argc)
		return verify_one(REPORT_DEFAULT_DIR, NULL, 0, quiet, &an);
	int worst = RIG_EXIT_PASS;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		int code;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			code = verify_one(argv[i], NULL, 0, quiet, &an);
		} else {
			char d[PATH_MAX], b[PATH_MAX];
			snprintf(d, sizeof d, "%s", argv[i]);
			snprintf(b, sizeof b, "%s", argv[i]);
			char *name = basename(b);
			code = verify_one(dirname(d), &name, 1, quiet, &an);
		}
		if (code > worst)
			worst = code;
	}
	return worst;
}
