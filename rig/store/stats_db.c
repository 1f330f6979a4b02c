/* stats_db.c - the runs of a results database into the lot statistics. */
#include "store/stats_db.h"

struct feed {
	struct stats *s;
	const char *name;
};

static enum rig_rc feed_table(void *ctx, struct csv_table *t, struct rig_err *err)
{
	struct feed *f = ctx;
	return stats_add_table(f->s, t, f->name, err);
}

enum rig_rc store_stats_feed(struct stats *s, const struct store_source *src,
			     const struct store_stats_filter *f, struct rig_err *err)
{
	struct store_db *db;
	enum rig_rc rc = store_source_open(&db, src, err);
	if (rc)
		return rc;
	struct feed fd = { s, db->name };
	rc = store_stats_rows(db, f, feed_table, &fd, err);
	store_db_close(db);
	return rc;
}
