/* anchor.h - a report folder's ledger head anchored in a results database
 * (docs/records.md "An anchor off the station"): `rig sync` puts the head
 * on the line, `rig verify --db` reads the anchors back and compares
 * (records/verify.h records_verify_anchors). The table is ledger_anchors
 * (schema/004_ledger_anchors.sql); rows are only ever added.
 */
#ifndef RIG_STORE_ANCHOR_H
#define RIG_STORE_ANCHOR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "records/ledger.h"
#include "records/verify.h"
#include "store/db.h"

/* Is head (ledger id, seq, hash) in db's ledger_anchors? */
enum rig_rc store_anchor_known(struct store_db *db, const struct ledger_head *head, bool *known,
			       struct rig_err *err);

/* Add head, from station, to db (a row already there for this ledger and
 * seq is kept as it is: the first anchor stands). */
enum rig_rc store_anchor_put(struct store_db *db, const struct ledger_head *head,
			     const char *station, struct rig_err *err);

/* Every anchor db holds for the ledger ledger_id, by seq, as
 * records_verify_anchors() takes them; where says "the line" or the index.
 * *out is malloc'd (NULL when none), the caller frees it. */
enum rig_rc store_anchor_list(struct store_db *db, const char *ledger_id, const char *where,
			      struct vf_anchor **out, size_t *n, struct rig_err *err);

#endif
