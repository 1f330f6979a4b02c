/* anchor.c - ledger heads in a results database: add, ask, list. */
#include "store/anchor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/grow.h"
#include "run/report.h"

enum rig_rc store_anchor_known(struct store_db *db, const struct ledger_head *head, bool *known,
			       struct rig_err *err)
{
	char seq[24], got[8];
	snprintf(seq, sizeof seq, "%lu", head->seq);
	enum rig_rc rc = store_db_get(db,
				      "SELECT 1 FROM ledger_anchors WHERE ledger_id = $1 AND"
				      " seq = CAST($2 AS BIGINT) AND entry_hash = $3",
				      3, (const char *[]){ head->id, seq, head->hash }, got,
				      sizeof got, err);
	*known = !rc && got[0];
	return rc;
}

enum rig_rc store_anchor_put(struct store_db *db, const struct ledger_head *head,
			     const char *station, struct rig_err *err)
{
	char seq[24], now[21];
	snprintf(seq, sizeof seq, "%lu", head->seq);
	report_iso_time(now, time(NULL));
	const char *p[] = { head->id, seq, head->hash, head->time, station, now };
	return store_db_exec(db,
			     "INSERT INTO ledger_anchors (ledger_id, seq, entry_hash, entry_time,"
			     " station, anchored_at) VALUES ($1, CAST($2 AS BIGINT), $3, $4, $5, $6)"
			     " ON CONFLICT (ledger_id, seq) DO NOTHING",
			     6, p, NULL, NULL, NULL, err);
}

struct list {
	struct vf_anchor *v;
	size_t n, cap;
	const char *where;
	bool oom;
};

static int add_anchor(void *ctx, int ncols, const char *const *c)
{
	struct list *l = ctx;
	if (ncols < 5 || !c[0] || !c[1])
		return 0;
	if (RIG_GROW(l->v, l->cap, l->n + 1, 64, NULL)) {
		l->oom = true;
		return 1;
	}
	struct vf_anchor *a = &l->v[l->n++];
	a->seq = strtoul(c[0], NULL, 10);
	snprintf(a->hash, sizeof a->hash, "%s", c[1]);
	snprintf(a->where, sizeof a->where, "%s (%s, anchored %s)", l->where, c[3] ? c[3] : "-",
		 c[4] ? c[4] : "-");
	return 0;
}

enum rig_rc store_anchor_list(struct store_db *db, const char *ledger_id, const char *where,
			      struct vf_anchor **out, size_t *n, struct rig_err *err)
{
	struct list l = { .where = where };
	enum rig_rc rc = store_db_exec(db,
				       "SELECT seq, entry_hash, entry_time, station, anchored_at"
				       " FROM ledger_anchors WHERE ledger_id = $1 ORDER BY seq",
				       1, (const char *[]){ ledger_id }, NULL, add_anchor, &l, err);
	if (!rc && l.oom)
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading the ledger anchors");
	if (rc) {
		free(l.v);
		l.v = NULL;
		l.n = 0;
	}
	*out = l.v;
	*n = l.n;
	return rc;
}
