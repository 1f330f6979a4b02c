/* index.h - the station's results index: <report folder>/index.sqlite,
 * derived from the folder's run reports (which stay the record) and
 * rebuildable from them at any time.
 *
 * Reports are indexed only after they are published (renamed into place
 * and the folder fsync'd), by reading the published file: the index is
 * never ahead of the reports. A crash between the two leaves a report not
 * yet indexed, which the next catch-up (after the next run, `rig index`,
 * `rig sync`) finds. Every run indexed is queued for `rig sync`.
 */
#ifndef RIG_STORE_INDEX_H
#define RIG_STORE_INDEX_H

#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"
#include "store/db.h"

#define STORE_INDEX_NAME "index.sqlite"

struct store_index_count {
	unsigned added;     /* reports indexed now */
	unsigned known;     /* already in the index */
	unsigned skipped;   /* .csv files that are not finished run reports */
	unsigned refused;   /* a run id already indexed from another file */
	unsigned ledger;    /* ledger entries indexed now */
};

/* <dir>/index.sqlite into out (cap bytes). */
void store_index_path(char *out, size_t cap, const char *dir);

/* Open (create) dir's index at the latest schema. */
enum rig_rc store_index_open(struct store_db **db, const char *dir, struct rig_err *err);

/* Index every published report of dir not yet in the index, in file-name
 * (time) order, each in its own transaction, and queue it. Files that are
 * not run reports are counted and named on notes (may be NULL). */
enum rig_rc store_index_catch_up(struct store_db *db, const char *dir,
				 struct store_index_count *n, FILE *notes, struct rig_err *err);

/* Recreate the index's content from the reports in one transaction; the
 * sync state of runs still there is kept. An index file that SQLite cannot
 * read is moved aside (index.sqlite.broken) and a new one made. */
enum rig_rc store_index_rebuild(const char *dir, struct store_index_count *n, FILE *notes,
				struct rig_err *err);

/* After a run: open, catch up, close. Never touches the network. */
enum rig_rc store_index_after_run(const char *dir, struct rig_err *err);

#endif
