/* access.h - who may do what (21 CFR 11.10(d, g), 11.300): an ID and its
 * PIN checked against the fixture's operators file, the role the action
 * needs, and every refusal on the record.
 *
 * Roles in order: operator (test runs, signing as reviewer or responsible),
 * engineer (also approving, zero, tare, loadcell-cal, --mode calibrate
 * overrides, the first use of an edited profile), admin (also managing
 * operators). Without an operators file access
 * control is off: everyone may do everything, and reports say so.
 * Nothing is allocated; struct access_who is the caller's.
 */
#ifndef RIG_RECORDS_ACCESS_H
#define RIG_RECORDS_ACCESS_H

#include <stdbool.h>

#include "core/err.h"
#include "records/operators.h"

struct access_who {
	bool on;                 /* access control is on */
	char id[OP_ID_MAX];      /* "" when off */
	char name[128];          /* printed name */
	enum op_role role;
};

/* Identify id by pin against ops_path and require role need for action
 * (a few words: "rig zero", "sign approved"). ops_path "" (or NULL):
 * access control off, RIG_OK, who->on = false. Otherwise every refusal
 * (no ID given, unknown, disabled, locked, wrong PIN, role too low) is
 * RIG_E_DENIED with one clear message, and is appended to records_dir's
 * ledger as "access.refused" (and an ID locked by this try as
 * "operator.changed"). A wrong PIN counts towards the lock. */
enum rig_rc access_require(const char *ops_path, const char *records_dir, const char *id,
			   const char *pin, enum op_role need, const char *action,
			   struct access_who *who, struct rig_err *err);

/* A station sign-in: with ops_path, id and pin are checked as
 * access_require() does for role need (operator; engineer when the
 * shift's profile was edited since its first use), action naming what is
 * refused ("station sign-in"); then, with or without access
 * control, an "operator.signed-in" entry (station, printed name) goes into
 * records_dir's ledger and note gets the report line (access_describe).
 * Refusals: RIG_E_DENIED, logged. station_signed_out() writes the
 * "operator.signed-out" entry at the end of the shift. */
enum rig_rc access_sign_in(const char *ops_path, const char *records_dir, const char *station,
			   const char *id, const char *pin, enum op_role need, const char *action,
			   struct access_who *who, char *note, size_t cap, struct rig_err *err);
enum rig_rc access_sign_out(const char *records_dir, const char *station, const char *id,
			    struct rig_err *err);

/* The role a signature of this meaning needs (21 CFR 11.50; the table in
 * docs/records.md "Signatures"): "reviewed" and "responsible" (the
 * author's, who ran or answers for the test) any role, operator and up;
 * "approved" an engineer or admin. false for any other meaning. */
bool access_sign_role(const char *meaning, enum op_role *need);

/* "access control: off" or "access control: on (ID Printed Name, role)". */
void access_describe(const struct access_who *who, char *out, size_t cap);

#endif
