/* stats_db.h - `rig stats --db`: the statistics of rig/study/stats.c over
 * the runs of a results database (a report folder's index or the line's
 * PostgreSQL), filtered, fed to the same code that reads report files. */
#ifndef RIG_STORE_STATS_DB_H
#define RIG_STORE_STATS_DB_H

#include "core/err.h"
#include "store/query.h"
#include "study/stats.h"

/* Add every report row of the runs src holds that pass f to s. */
enum rig_rc store_stats_feed(struct stats *s, const struct store_source *src,
			     const struct store_stats_filter *f, struct rig_err *err);

#endif
