/* ledger_index.c - ledger entries into a results index. */
#include "store/ledger_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records/ledger.h"

static const char *dash_null(const char *s)
{
	return !s || (s[0] == '-' && !s[1]) ? NULL : s;
}

enum rig_rc store_ledger_catch_up(struct store_db *db, const char *dir, unsigned *added,
				  struct rig_err *err)
{
	struct ledger lg;
	unsigned n = 0;
	enum rig_rc rc = ledger_open(&lg, dir, false, NULL, err);
	if (rc)
		return rc;
	const char *id = lg.n ? lg.entries[0].hash : NULL;
	char last[32] = "";
	if (id)
		rc = store_db_get(db, "SELECT coalesce(max(seq), 0) FROM ledger_entries WHERE ledger_id = $1",
				  1, (const char *[]){ id }, last, sizeof last, err);
	unsigned long have = strtoul(last, NULL, 10);
	for (size_t i = 0; id && !rc && i < lg.n; i++) {
		const struct ledger_entry *e = &lg.entries[i];
		if (e->malformed || e->seq <= have)
			continue;
		char seq[24];
		snprintf(seq, sizeof seq, "%lu", e->seq);
		const char *p[] = { id, seq, e->time, e->kind, dash_null(e->object),
				    dash_null(e->sha256), dash_null(e->actor), dash_null(e->detail),
				    e->prev, dash_null(e->key), dash_null(e->sig), e->hash };
		rc = store_db_exec(db,
				   "INSERT INTO ledger_entries (ledger_id, seq, at, kind, object, sha256,"
				   " actor, detail, prev, key, sig, entry_hash) VALUES ($1, $2, $3, $4,"
				   " $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (ledger_id, seq) DO NOTHING",
				   12, p, NULL, NULL, NULL, err);
		n += !rc;
		/* A unit to be assessed: the mark beside its run. */
		if (!rc && !strcmp(e->kind, LK_TO_ASSESS))
			rc = store_db_exec(db,
					   "INSERT INTO assessments (run_id, state, reason, marked_at,"
					   " station) SELECT run_id, 'to be assessed', $2, $3, station"
					   " FROM runs WHERE report_file = $1"
					   " ON CONFLICT (run_id) DO NOTHING",
					   3, (const char *[]){ e->object, dash_null(e->detail), e->time },
					   NULL, NULL, NULL, err);
	}
	ledger_close(&lg);
	if (added)
		*added = n;
	return rc;
}
