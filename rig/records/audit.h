/* audit.h - the audit trail for people (21 CFR 11.10(e)): a report
 * folder's ledger entries, filtered by date, serial and kind, printed as a
 * table or as CSV (rig audit). Reads only; the caller owns the FILE. */
#ifndef RIG_RECORDS_AUDIT_H
#define RIG_RECORDS_AUDIT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"

struct audit_filter {
	const char *since;   /* "YYYY-MM-DD" or a full UTC time; NULL: all */
	const char *serial;  /* a pen's serial; NULL: all */
	const char *kind;    /* "report" matches report.*; NULL: all */
	bool csv;
};

/* Is since a date (YYYY-MM-DD) or UTC time (YYYY-MM-DDTHH:MM:SSZ)? */
bool audit_since_valid(const char *since);

/* Print dir's entries that pass f to out; *shown and *total (may be NULL)
 * count them. RIG_E_IO if the ledger cannot be read. */
enum rig_rc audit_print(const char *dir, const struct audit_filter *f, FILE *out,
			unsigned long *shown, unsigned long *total, struct rig_err *err);

#endif
