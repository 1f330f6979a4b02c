/* sync.h - store and forward: a station's queued runs to the line's
 * PostgreSQL, each stored exactly once whatever fails when.
 *
 * Runs go in the order they started, each in one transaction on the line,
 * keyed by run id with the report's exact bytes and SHA-256:
 *  - new run id: the report, its run, rows and calibrations are stored;
 *  - run id stored with the same SHA-256 (sent before, the answer lost):
 *    nothing changes, the run counts as sent;
 *  - run id stored with other bytes: refused and flagged (sync_conflicts on
 *    the line, state "conflict" here), never overwritten;
 *  - a report whose bytes changed since it was indexed: not sent, flagged
 *    ("changed").
 * Only after the line answered COMMIT is a run marked sent here; a run
 * whose COMMIT went unanswered is sent again and found stored. The first
 * connection failure stops the pass (RIG_E_UNAVAILABLE): order is kept.
 *
 * After the runs, the marks of units to be assessed (a failed bench
 * check's, migration 005) whose run the line holds are sent once each;
 * then the head of the folder's ledger (its last whole entry)
 * is anchored on the line (rig/store/anchor.h) unless the line already
 * holds it, so that a ledger later cut back shows against the line
 * (`rig verify --db`, docs/records.md).
 */
#ifndef RIG_STORE_SYNC_H
#define RIG_STORE_SYNC_H

#include <stdio.h>

#include "core/err.h"

struct store_sync_options {
	const char *dir;        /* the report folder (its index) */
	const char *url;        /* postgresql://... without a password */
	const char *passfile;   /* NULL: libpq's default */
	unsigned timeout_ms;    /* per statement; 0: the default (20 s) */
	FILE *log;              /* one line per flagged run; NULL: quiet */
};

struct store_sync_result {
	unsigned sent;          /* stored now */
	unsigned already;       /* found stored with the same bytes */
	unsigned conflicts;     /* refused: other bytes under that run id */
	unsigned changed;       /* report changed since it was indexed */
	unsigned queued;        /* still to send after this pass */
	unsigned marks;         /* units marked "to be assessed" sent */
	unsigned long anchored; /* the ledger head anchored on the line in this
				 * pass (its entry number), 0: none new */
};

/* One pass: catch the index up, then send every queued run. RIG_OK when
 * the queue was emptied (flagged runs are counted, not errors);
 * RIG_E_UNAVAILABLE when the database could not be reached or the
 * connection failed (the rest stays queued); RIG_E_CONFIG for a URL with a
 * password or a database not migrated. */
enum rig_rc store_sync(const struct store_sync_options *o, struct store_sync_result *res,
		       struct rig_err *err);

#endif
