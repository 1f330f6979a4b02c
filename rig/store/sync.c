/* sync.c - sending a station's queued runs to the line, exactly once. */
#include "store/sync.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/grow.h"
#include "records/ledger.h"
#include "run/report.h"
#include "store/anchor.h"
#include "store/db.h"
#include "store/index.h"
#include "store/record.h"
#include "store/schema.h"

struct queued {
	char run_id[40];
	char file[256];
	char sha256[SHA256_HEX_LEN + 1];
};

struct queue {
	struct queued *v;
	size_t n, cap;
	bool oom;
};

static int add_queued(void *ctx, int ncols, const char *const *cells)
{
	struct queue *q = ctx;
	if (ncols < 3 || !cells[0] || !cells[1] || !cells[2])
		return 0;
	if (RIG_GROW(q->v, q->cap, q->n + 1, 64, NULL)) {
		q->oom = true;
		return 1;
	}
	struct queued *e = &q->v[q->n++];
	snprintf(e->run_id, sizeof e->run_id, "%s", cells[0]);
	snprintf(e->file, sizeof e->file, "%s", cells[1]);
	snprintf(e->sha256, sizeof e->sha256, "%s", cells[2]);
	return 0;
}

/* Mark a run in the station's queue. */
static enum rig_rc mark(struct store_db *local, const char *run_id, const char *state,
			const char *error, struct rig_err *err)
{
	char now[21];
	report_iso_time(now, time(NULL));
	const char *p[] = { run_id, state, strcmp(state, "queued") ? now : NULL, error };
	return store_db_exec(local,
			     "UPDATE sync_queue SET state = $2, sent_at = $3, last_error = $4,"
			     " tries = tries + 1 WHERE run_id = $1",
			     4, p, NULL, NULL, NULL, err);
}

enum outcome { SENT, ALREADY, CONFLICT };

static int got_row(void *ctx, int ncols, const char *const *cells)
{
	(void)ncols;
	(void)cells;
	*(bool *)ctx = true;
	return 0;
}

/* One run in one transaction on the line. */
static enum rig_rc send_run(struct store_db *line, const struct store_run *r,
			    enum outcome *out, char stored[SHA256_HEX_LEN + 1], struct rig_err *err)
{
	enum rig_rc rc = store_db_begin(line, err);
	if (rc)
		return rc;
	bool inserted = false;
	const char *p[] = { r->run_id, r->sha256, r->bytes, r->station };
	const int len[] = { -1, -1, (int)r->len, -1 };
	rc = store_db_exec(line,
			   "INSERT INTO reports (run_id, sha256, content, station, received_at)"
			   " VALUES ($1, $2, $3, $4, CAST(CURRENT_TIMESTAMP AS TEXT))"
			   " ON CONFLICT (run_id) DO NOTHING RETURNING run_id",
			   4, p, len, got_row, &inserted, err);
	if (!rc && inserted) {
		rc = store_run_put(line, r, err);
		*out = SENT;
	} else if (!rc) {
		rc = store_db_get(line, "SELECT sha256 FROM reports WHERE run_id = $1", 1, p, stored,
				  SHA256_HEX_LEN + 1, err);
		*out = !rc && !strcmp(stored, r->sha256) ? ALREADY : CONFLICT;
		if (!rc && *out == CONFLICT)
			rc = store_db_exec(line,
					   "INSERT INTO sync_conflicts (run_id, offered_sha256,"
					   " stored_sha256, station, seen_at) VALUES ($1, $2, $3, $4,"
					   " CAST(CURRENT_TIMESTAMP AS TEXT))"
					   " ON CONFLICT (run_id, offered_sha256) DO NOTHING",
					   4, (const char *[]){ r->run_id, r->sha256, stored, r->station },
					   NULL, NULL, NULL, err);
	}
	if (!rc)
		rc = store_db_commit(line, err);
	if (rc)
		store_db_rollback(line);
	return rc;
}

/* Read, check and send one queued run; count what happened. Connection
 * failures return an error; a flagged run does not. */
static enum rig_rc sync_one(const struct store_sync_options *o, struct store_db *local,
			    struct store_db *line, const struct queued *q,
			    struct store_sync_result *res, struct rig_err *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", o->dir, q->file);
	struct store_run r;
	enum rig_rc rc = store_run_read(&r, path, err);
	if (!rc && strcmp(r.sha256, q->sha256))
		rc = rig_fail(err, RIG_E_DATA,
			      "%s changed since it was indexed (SHA-256 %.12s…, indexed %.12s…): not sent",
			      path, r.sha256, q->sha256);
	if (rc == RIG_E_DATA || rc == RIG_E_IO) {
		/* The record itself is missing or altered: a person must look. */
		res->changed++;
		if (o->log)
			fprintf(o->log, "rig sync: run %s: %s\n", q->run_id, err->msg);
		store_run_free(&r);
		return mark(local, q->run_id, "changed", err->msg, err);
	}
	enum outcome out = SENT;
	char stored[SHA256_HEX_LEN + 1] = "";
	if (!rc)
		rc = send_run(line, &r, &out, stored, err);
	store_run_free(&r);
	if (rc) {
		struct rig_err ignored;
		mark(local, q->run_id, "queued", err->msg, &ignored);
		return rc;
	}
	if (out == CONFLICT) {
		char msg[300];
		snprintf(msg, sizeof msg,
			 "the line already holds run %s with other bytes (SHA-256 %.12s…, this "
			 "report %.12s…): refused, flagged in sync_conflicts",
			 q->run_id, stored, q->sha256);
		res->conflicts++;
		if (o->log)
			fprintf(o->log, "rig sync: %s: %s\n", path, msg);
		return mark(local, q->run_id, "conflict", msg, err);
	}
	res->sent += out == SENT;
	res->already += out == ALREADY;
	return mark(local, q->run_id, "sent", NULL, err);
}

/* Marks of units to be assessed (migration 005) whose run the line has. */
struct mark {
	char run_id[40], state[32], reason[400], marked_at[24], station[64];
};

struct marks {
	struct mark *v;
	size_t n, cap;
	bool oom;
};

static int add_mark(void *ctx, int ncols, const char *const *c)
{
	struct marks *m = ctx;
	if (ncols < 5 || !c[0] || !c[1] || !c[3])
		return 0;
	if (RIG_GROW(m->v, m->cap, m->n + 1, 64, NULL)) {
		m->oom = true;
		return 1;
	}
	struct mark *e = &m->v[m->n++];
	snprintf(e->run_id, sizeof e->run_id, "%s", c[0]);
	snprintf(e->state, sizeof e->state, "%s", c[1]);
	snprintf(e->reason, sizeof e->reason, "%s", c[2] ? c[2] : "");
	snprintf(e->marked_at, sizeof e->marked_at, "%s", c[3]);
	snprintf(e->station, sizeof e->station, "%s", c[4] ? c[4] : "");
	return 0;
}

/* Open the line if this pass has not yet (a pass with no run to send). */
static enum rig_rc need_line(const struct store_sync_options *o, struct store_db **line,
			     struct rig_err *err)
{
	if (*line)
		return RIG_OK;
	enum rig_rc rc = store_pg_open(line, o->url, o->passfile, o->timeout_ms, err);
	return rc ? rc : store_schema_check(*line, err);
}

/* Each mark not sent yet, once its run is on the line: onto the line (a
 * mark there stays as it is), then sent_at here. */
static enum rig_rc send_marks(const struct store_sync_options *o, struct store_db *local,
			      struct store_db **line, struct store_sync_result *res,
			      struct rig_err *err)
{
	struct marks m = { 0 };
	enum rig_rc rc = store_db_exec(local,
				       "SELECT a.run_id, a.state, a.reason, a.marked_at, a.station"
				       " FROM assessments a JOIN sync_queue q ON q.run_id = a.run_id"
				       " WHERE a.sent_at IS NULL AND q.state = 'sent' ORDER BY a.run_id",
				       0, NULL, NULL, add_mark, &m, err);
	if (!rc && m.oom)
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading the assessment marks");
	char now[21];
	report_iso_time(now, time(NULL));
	for (size_t i = 0; !rc && i < m.n; i++) {
		const struct mark *e = &m.v[i];
		if (!(rc = need_line(o, line, err)))
			rc = store_db_exec(*line,
					   "INSERT INTO assessments (run_id, state, reason, marked_at,"
					   " station) VALUES ($1, $2, $3, $4, $5)"
					   " ON CONFLICT (run_id) DO NOTHING",
					   5, (const char *[]){ e->run_id, e->state, e->reason,
								e->marked_at, e->station },
					   NULL, NULL, NULL, err);
		if (!rc)
			rc = store_db_exec(local, "UPDATE assessments SET sent_at = $2 WHERE run_id = $1",
					   2, (const char *[]){ e->run_id, now }, NULL, NULL, NULL,
					   err);
		res->marks += !rc;
	}
	free(m.v);
	return rc;
}

/* The folder's ledger head onto the line (opened now if the queue did not
 * need it), then into the station's index as acknowledged. */
static enum rig_rc anchor_head(const struct store_sync_options *o, struct store_db *local,
			       struct store_db **line, struct store_sync_result *res,
			       struct rig_err *err)
{
	struct ledger lg;
	struct ledger_head head;
	enum rig_rc rc = ledger_open(&lg, o->dir, false, NULL, err);
	if (rc)
		return rc;
	ledger_head_of(&lg, &head);
	ledger_close(&lg);
	bool known = true;
	if (head.seq && (rc = store_anchor_known(local, &head, &known, err)))
		return rc;
	if (known)
		return RIG_OK;
	char station[64] = "";
	rc = store_db_get(local, "SELECT station FROM runs ORDER BY started_at DESC LIMIT 1", 0,
			  NULL, station, sizeof station, err);
	if (!rc)
		rc = need_line(o, line, err);
	if (!rc)
		rc = store_anchor_put(*line, &head, station[0] ? station : "-", err);
	if (!rc)
		rc = store_anchor_put(local, &head, station[0] ? station : "-", err);
	if (!rc)
		res->anchored = head.seq;
	return rc;
}

static enum rig_rc load_queue(struct store_db *local, struct queue *q, struct rig_err *err)
{
	enum rig_rc rc = store_db_exec(
		local,
		"SELECT q.run_id, r.report_file, r.report_sha256 FROM sync_queue q"
		" JOIN runs r ON r.run_id = q.run_id WHERE q.state = 'queued'"
		" ORDER BY r.started_at, r.run_id",
		0, NULL, NULL, add_queued, q, err);
	if (!rc && q->oom)
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading the sync queue");
	return rc;
}

enum rig_rc store_sync(const struct store_sync_options *o, struct store_sync_result *res,
		       struct rig_err *err)
{
	memset(res, 0, sizeof *res);
	enum rig_rc rc = store_url_check(o->url, err);
	if (rc)
		return rc;
	struct store_db *local = NULL, *line = NULL;
	struct queue q = { 0 };
	struct store_index_count n;
	rc = store_index_open(&local, o->dir, err);
	if (!rc)
		rc = store_index_catch_up(local, o->dir, &n, NULL, err);
	if (!rc)
		rc = load_queue(local, &q, err);
	if (!rc && q.n) {
		rc = store_pg_open(&line, o->url, o->passfile, o->timeout_ms, err);
		if (!rc)
			rc = store_schema_check(line, err);
	}
	size_t done = 0;
	while (!rc && done < q.n) {
		rc = sync_one(o, local, line, &q.v[done], res, err);
		done += !rc;
	}
	if (!rc)
		rc = send_marks(o, local, &line, res, err);
	if (!rc)
		rc = anchor_head(o, local, &line, res, err);
	res->queued = (unsigned)(q.n - done);
	free(q.v);
	store_db_close(line);
	store_db_close(local);
	return rc;
}
