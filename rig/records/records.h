/* records.h - what the rest of the rig calls to put things on the record:
 * one call where a run report is published or recovered, one where a
 * fixture value is committed, one for any other event (sign-in, refusal,
 * operator change). Each call loads the station key (keys.h), opens the
 * report folder's ledger for appending (ledger.h), writes its entries and
 * closes it again: nothing is kept between calls, nothing is allocated
 * that the caller must free.
 */
#ifndef RIG_RECORDS_RECORDS_H
#define RIG_RECORDS_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/fixture.h"
#include "core/sha256.h"

/* SHA-256 of a file's bytes. *missing = true (RIG_OK, out empty) when the
 * file does not exist; other failures RIG_E_IO naming it. */
enum rig_rc records_file_sha256(const char *path, char out[SHA256_HEX_LEN + 1], bool *missing,
				struct rig_err *err);

/* Editing a profile in use (docs/records.md "What needs an identity"):
 * has the profile at path (its [profile] name, its bytes' sha256) changed
 * since dir's ledger first recorded it? *edited = true when a
 * "profile.first-used" entry names the same file or the same profile name
 * with another hash and no entry records this hash yet: its first use
 * needs an engineer. what (cap bytes) then says which entry it replaces,
 * e.g. "profile production (/abs/p.ini) changed since its first use in
 * ledger entry 4 (sha256 1a2b3c4d5e6f7a8b... now 9f8e...)". A folder
 * without a ledger: false. */
enum rig_rc records_profile_edited(const char *dir, const char *path, const char *name,
				   const char *sha256, bool *edited, char *what, size_t cap,
				   struct rig_err *err);

/* A run report was published to dir as file (its path) with these bytes;
 * recovered: from a killed run's journal. Appends, under one lock:
 * "report.published" or "report.recovered" (unless the ledger already
 * records these very bytes under this name: a recovery that repeats a
 * publish that was cut short), "profile.first-used" if the report's
 * profile hash is new to this ledger, and "fixture.first-used" or
 * "fixture.edited" if the report's fixture file is new to the ledger or
 * its bytes differ from the last recorded (a manual edit, noticed). The
 * run's identity (run id, serial, verdict, operator, profile, fixture)
 * is read from the report's own columns. */
enum rig_rc records_note_report(const char *dir, const char *file, const void *bytes,
				size_t len, bool recovered, struct rig_err *err);

/* A fixture value was changed by the rig (zero, tare, span) and the file
 * committed: "fixture.changed" with the fixture's new hash; what (e.g.
 * "laser.zero_mm 12.3400 -> 12.3512") goes into the detail. actor: the
 * operator ID or NULL. */
enum rig_rc records_note_fixture(const char *dir, const char *fixture_path, const char *actor,
				 const char *what, struct rig_err *err);

/* An observer for fixture_commit_observed() (core/fixture.h): each
 * committed change goes into dir's ledger as "fixture.changed" by actor
 * (may be NULL), its detail "why: section.key old -> new; ...", its hash
 * the new file's. Fill with records_fixture_observer(); it lives as long as
 * the commit. */
struct records_fixture {
	const char *dir, *why;
	char actor[64];              /* a copy; "" for none */
	struct fixture_observer obs;
};
void records_fixture_observer(struct records_fixture *r, const char *dir, const char *actor,
			      const char *why);

/* Any other entry: kind (ledger.h LK_*), object, sha256 (NULL: "-"),
 * actor, detail. */
enum rig_rc records_note(const char *dir, const char *kind, const char *object,
			 const char *sha256, const char *actor, const char *detail,
			 struct rig_err *err);

/* Sign the report at path (21 CFR 11.50, 11.70): under the ledger's lock,
 * the report must be on its folder's ledger with exactly its present bytes
 * (else RIG_E_DATA: it does not verify, nothing is signed); then a
 * "signature" entry binds the signer's ID, printed name, the meaning
 * ("reviewed", "approved" or "responsible"; else RIG_E_USAGE) and the UTC
 * time to the report's SHA-256. access_on says whether the ID was checked
 * with a PIN. *out (may be NULL) gets the entry as written. */
struct ledger_entry;
enum rig_rc records_sign(const char *path, const char *meaning, const char *id,
			 const char *name, bool access_on, struct ledger_entry *out,
			 struct rig_err *err);

/* The report's "records" line: note (from the caller that identified the
 * operator) or, without one, "access control: off" / "access control: on
 * (operator not identified)" as access_on says; then "; " and
 * records_status(). */
void records_report_note(char *out, size_t cap, const char *note, bool access_on);

/* One line for a report or a screen about how this station keeps records,
 * e.g. "ledger: signed (key 1a2b3c4d5e6f7a8b)" or "ledger: unsigned (no
 * station key)". */
void records_status(char *out, size_t cap);

#endif
