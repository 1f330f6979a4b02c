/* ledger_index.h - a report folder's ledger (rig/records/ledger.h) in its
 * results index: every whole entry not yet indexed, read under the
 * ledger's shared lock. */
#ifndef RIG_STORE_LEDGER_INDEX_H
#define RIG_STORE_LEDGER_INDEX_H

#include "core/err.h"
#include "store/db.h"

/* Index the entries of dir's ledger past the last one indexed (all of them
 * after a rebuild emptied the table); a "unit.to-assess" entry also marks
 * its run in assessments (migration 005). *added (may be NULL) counts them. A
 * folder without a ledger adds nothing. Inside the caller's transaction or
 * none. */
enum rig_rc store_ledger_catch_up(struct store_db *db, const char *dir, unsigned *added,
				  struct rig_err *err);

#endif
