/* verify.h - `rig verify`: do a report folder's records prove themselves?
 *
 * Checks the ledger's chain (sequence, previous hashes, replays, torn tail,
 * signatures against ledger.pub), every report in the folder against its
 * ledger entry (changed, missing, added, renamed, swapped), every signature
 * against the report it names (moved), and every fixture the ledger knows
 * against its last recorded hash (changed without a ledger entry). Reads
 * only; the library never prints: the result lists findings, each named,
 * and the signatures, for the front end to show.
 *
 * struct vf_result is filled by records_verify() and freed by
 * vf_result_free(); the caller owns it.
 */
#ifndef RIG_RECORDS_VERIFY_H
#define RIG_RECORDS_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/sha256.h"
#include "records/keys.h"
#include "records/ledger.h"

enum vf_what {
	VF_TORN,              /* the ledger ends in a torn entry */
	VF_MALFORMED,         /* a line that is no entry */
	VF_SEQUENCE,          /* numbering broken: entries deleted, added or reordered */
	VF_CHAIN,             /* previous-hash link broken: an entry changed, deleted, inserted */
	VF_REPLAY,            /* an entry repeats an earlier one */
	VF_SIGNATURE,         /* a signature does not verify */
	VF_UNKNOWN_KEY,       /* signed by a key ledger.pub does not list */
	VF_UNSIGNED,          /* an unsigned entry after signed ones */
	VF_PUBKEYS,           /* ledger.pub unreadable or malformed */
	VF_REPORT_CHANGED,    /* a report's bytes differ from its entry */
	VF_REPORT_MISSING,    /* an entry's report is gone */
	VF_REPORT_UNRECORDED, /* a report no entry records */
	VF_REPORT_RENAMED,    /* a report's bytes under another name */
	VF_REPORT_SWAPPED,    /* a report holds another recorded report's bytes */
	VF_SIGNATURE_MOVED,   /* a signature entry whose hash is not its report's */
	VF_FIXTURE_CHANGED,   /* fixture bytes differ from the last recorded */
	VF_FIXTURE_MISSING,
	VF_CUT_BACK,          /* the ledger ends before a head anchored elsewhere */
	VF_ANCHOR_DIFFERS,    /* an anchored entry differs or is gone: rewritten */
};

struct vf_finding {
	enum vf_what what;
	char text[700];
};

struct vf_signature {
	char report[256];
	char actor[64];
	char name[128];
	char meaning[32];
	char time[21];
	unsigned long seq;
	bool valid;           /* its report's recorded and present bytes match */
};

struct vf_result {
	struct vf_finding *f;
	size_t nf;
	struct vf_signature *sigs;
	size_t nsigs;
	unsigned long entries, signed_entries, unsigned_entries;
	unsigned reports;         /* report files checked */
	unsigned journals;        /* runs awaiting recovery */
	unsigned fixtures;        /* fixtures checked */
	char keys[KEY_MAX_PUBS * (KEY_FPR_LEN + 1) + 1]; /* fingerprints that signed, comma-separated */
	char last_hash[SHA256_HEX_LEN + 1];
	struct ledger_head head;  /* the ledger's id and last whole entry */
	unsigned anchors;         /* heads kept elsewhere compared (records_verify_anchors) */
	bool no_ledger;
};

/* Verify dir. With names (nnames > 0, file names in dir), only those
 * reports are checked against the ledger (the chain always in full), and
 * a named report that is not in dir is a finding. RIG_OK when the check
 * ran (findings or not); errors only when it could not run (RIG_E_IO,
 * RIG_E_NOMEM). */
enum rig_rc records_verify(const char *dir, char *const *names, size_t nnames,
			   struct vf_result *res, struct rig_err *err);

/* A ledger head kept off the station: anchored on the line by `rig sync`
 * (rig/store/anchor.h) or written down from `rig ledger head`. */
struct vf_anchor {
	unsigned long seq;
	char hash[SHA256_HEX_LEN + 1];
	char where[160];     /* for people: "the line (SIM-01, anchored 2026-...Z)" */
};

/* Compare dir's ledger with n heads anchored elsewhere, adding findings
 * to res (as filled by records_verify()): a ledger that ends before an
 * anchored entry was cut back (VF_CUT_BACK), which the station alone
 * cannot see when the reports went with the entries; an anchored entry
 * whose hash differs, or that is gone from the middle, means the ledger
 * was rewritten (VF_ANCHOR_DIFFERS). res->anchors counts them. */
enum rig_rc records_verify_anchors(const char *dir, const struct vf_anchor *a, size_t n,
				   struct vf_result *res, struct rig_err *err);

void vf_result_free(struct vf_result *res);

/* A short name for a finding ("changed", "missing" ...). */
const char *vf_name(enum vf_what w);

/* Is name a run report's file name (YYYYMMDDTHHMMSSZ_..._VERDICT.csv)? */
bool vf_is_report_name(const char *name);

#endif
