/* ledger.h - the append-only ledger of a report folder: every record the
 * rig creates or changes is one entry, hash-chained and (with a station key)
 * signed, so that a changed, missing, added or reordered record shows.
 *
 * The file is <dir>/ledger.txt, one entry per line, ten fields separated by
 * TAB (docs/records.md):
 *   seq  time  kind  object  sha256  actor  detail  prev  key  sig
 * seq counts from 1; time is UTC (ISO 8601); sha256 is the hash of the
 * object's bytes ("-" when the entry is about no bytes); prev is the SHA-256
 * of the previous entry's whole line (64 zeros for the first); key is the
 * fingerprint of the station key that signed (or "-"), sig the Ed25519
 * signature of the line up to and including the TAB before it (or "-").
 * Text fields are escaped (\\ \t \n \r \xHH), so an entry never holds a
 * TAB or a line end of its own.
 *
 * Writers take flock(LOCK_EX) on the ledger for the whole read-check-append
 * step, so concurrent writers are serialised; each entry is one write()
 * and one fsync(). A torn last entry (the writer was killed mid-write) is
 * repaired by the next writer: it cuts the torn bytes off and appends an
 * entry of kind "ledger.repaired" that keeps them (escaped) and their
 * hash, so nothing is dropped silently. Readers (rig verify, rig audit)
 * take LOCK_SH and report a torn tail without changing the file.
 *
 * struct ledger is owned by the caller: ledger_open() fills it, every
 * successful open is paired with ledger_close(), which frees the entries
 * and releases the lock.
 */
#ifndef RIG_RECORDS_LEDGER_H
#define RIG_RECORDS_LEDGER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/sha256.h"
#include "records/keys.h"

#define LEDGER_FILE "ledger.txt"
#define LEDGER_LINE_MAX 4096 /* bytes of one entry, line end included */
#define LEDGER_NFIELDS 10

/* One entry as read back (unescaped text; hashes and signature as hex). */
struct ledger_entry {
	unsigned long seq;
	char time[21];
	char kind[32];
	const char *object;               /* into struct ledger's text */
	char sha256[SHA256_HEX_LEN + 1];  /* or "-" */
	char actor[64];                   /* operator ID, or "-" */
	const char *detail;               /* into struct ledger's text */
	char prev[SHA256_HEX_LEN + 1];
	char key[KEY_FPR_LEN + 1];        /* or "-" */
	char sig[KEY_SIG_HEX_LEN + 1];    /* or "-" */
	/* Not stored, computed while reading: */
	char hash[SHA256_HEX_LEN + 1];    /* SHA-256 of the whole line */
	size_t body_len;                  /* bytes covered by the signature */
	bool malformed;                   /* fields could not be read */
	char malformed_why[96];
	unsigned long line;               /* line number in the file */
};

struct ledger {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	int fd;                        /* -1 when closed */
	bool writable;                 /* opened for appending (LOCK_EX) */
	char *bytes;                   /* the file as read at open (whole lines) */
	size_t len;
	char *text;                    /* a copy, split and unescaped in place */
	char **heap;                   /* object/detail of entries appended since open */
	size_t nheap;
	struct ledger_entry *entries;  /* every whole line */
	size_t n, cap;
	size_t torn_len;               /* bytes after the last line end */
	char torn_hash[SHA256_HEX_LEN + 1];
	const struct station_key *key; /* signs new entries; NULL: unsigned */
};

/* What a caller appends; NULL text fields are written as "-". */
struct ledger_new {
	const char *kind;
	const char *object;
	const char *sha256;
	const char *actor;
	const char *detail;
};

/* The kinds the rig writes (docs/records.md). */
#define LK_REPORT_PUBLISHED "report.published"
#define LK_REPORT_RECOVERED "report.recovered"
#define LK_FIXTURE_CHANGED  "fixture.changed"   /* by rig: zero, tare, span */
#define LK_FIXTURE_EDITED   "fixture.edited"    /* bytes changed outside rig, noticed */
#define LK_FIXTURE_FIRST    "fixture.first-used"
#define LK_PROFILE_FIRST    "profile.first-used"
#define LK_SIGNIN           "operator.signed-in"
#define LK_SIGNOUT          "operator.signed-out"
#define LK_OPERATOR         "operator.changed"  /* added, disabled, PIN set, locked */
#define LK_SIGNATURE        "signature"
#define LK_REFUSED          "access.refused"
#define LK_KEY              "key.published"
#define LK_REPAIRED         "ledger.repaired"
#define LK_TO_ASSESS        "unit.to-assess"    /* judged since the last good bench check */

/* Open dir's ledger. For appending (writable): create dir/ledger.txt if
 * missing, take LOCK_EX (waiting for other writers), read it, and repair
 * a torn tail as described above, signing with key (may be NULL: entries
 * are unsigned). For reading: LOCK_SH, no change; a missing ledger reads
 * as empty. Errors name the file (RIG_E_IO). */
enum rig_rc ledger_open(struct ledger *lg, const char *dir, bool writable,
			const struct station_key *key, struct rig_err *err);

/* Append one entry (one write, one fsync); *out (may be NULL) gets it as
 * written. Only on a writable ledger. */
enum rig_rc ledger_append(struct ledger *lg, const struct ledger_new *e,
			  struct ledger_entry *out, struct rig_err *err);

/* The last entry whose kind starts with kind_prefix (NULL: any) and whose
 * object equals object (NULL: any), or NULL. */
const struct ledger_entry *ledger_last(const struct ledger *lg, const char *kind_prefix,
				       const char *object);

/* The head of a ledger, to keep off the station (docs/records.md "An
 * anchor off the station"): id names the ledger (the SHA-256 of its first
 * entry's line), seq, hash and time are those of its last whole entry.
 * seq 0 and empty strings for a ledger without entries. */
struct ledger_head {
	char id[SHA256_HEX_LEN + 1];
	unsigned long seq;
	char hash[SHA256_HEX_LEN + 1];
	char time[21];
};
void ledger_head_of(const struct ledger *lg, struct ledger_head *h);

/* Release the lock and free the entries (safe on a closed ledger). */
void ledger_close(struct ledger *lg);

/* Text escaping of one field (no TAB, CR, LF or control byte survives);
 * out is always terminated; returns false if it did not fit. */
bool ledger_escape(char *out, size_t cap, const char *in);
/* The reverse; returns false on a bad escape. */
bool ledger_unescape(char *out, size_t cap, const char *in, size_t len);

/* Current UTC time as "2026-11-30T07:10:04Z". */
void ledger_now(char out[21]);

#endif
