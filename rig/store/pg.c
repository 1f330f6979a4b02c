/* pg.c - the line's results database through libpq.
 *
 * Every statement has a deadline (db->timeout_ms): the query is sent
 * without blocking and its answer awaited with poll(2), so a connection
 * that stalls (a proxy that stops forwarding, a half-open socket) fails
 * in bounded time instead of hanging a station's sync forever; TCP
 * keepalives catch a dead peer while idle. A connection that failed is
 * marked broken and never used again: the caller reconnects.
 */
#include "store/db.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PG_TIMEOUT_MS 20000
#define PG_MAX_COLS 64

enum rig_rc store_url_check(const char *url, struct rig_err *err)
{
	char *msg = NULL;
	PQconninfoOption *o = PQconninfoParse(url, &msg);
	if (!o) {
		enum rig_rc rc = rig_fail(err, RIG_E_CONFIG, "not a PostgreSQL URL: %s",
					  msg ? msg : "out of memory");
		PQfreemem(msg);
		return rc;
	}
	enum rig_rc rc = RIG_OK;
	for (PQconninfoOption *p = o; p->keyword; p++)
		if (!strcmp(p->keyword, "password") && p->val && *p->val)
			rc = rig_fail(err, RIG_E_CONFIG,
				      "the database URL carries a password: put it in a password "
				      "file ([results] passfile, PGPASSFILE or ~/.pgpass) instead, "
				      "so that it never shows in reports, logs or process lists");
	PQconninfoFree(o);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum rig_rc lost(struct store_db *db, struct rig_err *err, const char *what)
{
	const char *m = PQerrorMessage(db->h);
	size_t n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	db->broken = true;
	return rig_fail(err, RIG_E_UNAVAILABLE, "%s: %s%s%.*s", db->name, what, n ? ": " : "",
			(int)n, m);
}

/* Wait until the socket is ready for events or the deadline passes. */
static enum rig_rc wait_sock(struct store_db *db, short events, long long deadline,
			     struct rig_err *err)
{
	struct pollfd p = { .fd = PQsocket(db->h), .events = events };
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			db->broken = true;
			return rig_fail(err, RIG_E_UNAVAILABLE,
					"%s: no answer within %u ms: connection given up", db->name,
					db->timeout_ms);
		}
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return RIG_OK;
		if (r < 0 && errno != EINTR) {
			db->broken = true;
			return rig_fail_errno(err, RIG_E_UNAVAILABLE, errno, "%s: poll", db->name);
		}
	}
}

/* Send the query and wait until its whole answer is in. */
static enum rig_rc pg_send_wait(struct store_db *db, const char *sql, int nparams,
				const char *const *params, const int *lengths,
				struct rig_err *err)
{
	PGconn *c = db->h;
	long long deadline = now_ms() + db->timeout_ms;
	int fmts[nparams > 0 ? nparams : 1];
	for (int i = 0; i < nparams; i++)
		fmts[i] = lengths && lengths[i] >= 0;
	int ok = nparams ? PQsendQueryParams(c, sql, nparams, NULL, params, lengths, fmts, 0)
			 : PQsendQuery(c, sql);
	if (!ok)
		return lost(db, err, "cannot send");
	int f;
	enum rig_rc rc;
	while ((f = PQflush(c)) == 1) {
		if ((rc = wait_sock(db, POLLOUT | POLLIN, deadline, err)))
			return rc;
		if (!PQconsumeInput(c))
			return lost(db, err, "connection lost");
	}
	if (f < 0)
		return lost(db, err, "cannot send");
	while (PQisBusy(c)) {
		if ((rc = wait_sock(db, POLLIN, deadline, err)))
			return rc;
		if (!PQconsumeInput(c))
			return lost(db, err, "connection lost");
	}
	return RIG_OK;
}

static enum rig_rc pg_exec(struct store_db *db, const char *sql, int nparams,
			   const char *const *params, const int *lengths, store_row_fn fn,
			   void *ctx, struct rig_err *err)
{
	if (db->broken)
		return rig_fail(err, RIG_E_UNAVAILABLE, "%s: connection lost", db->name);
	enum rig_rc rc = pg_send_wait(db, sql, nparams, params, lengths, err);
	if (rc)
		return rc;
	PGresult *res;
	bool stop = false;
	while ((res = PQgetResult(db->h))) {
		ExecStatusType st = PQresultStatus(res);
		if (!rc && st == PGRES_TUPLES_OK && fn && !stop) {
			int ncols = PQnfields(res) < PG_MAX_COLS ? PQnfields(res) : PG_MAX_COLS;
			const char *cells[PG_MAX_COLS];
			for (int r = 0; r < PQntuples(res) && !stop; r++) {
				for (int i = 0; i < ncols; i++)
					cells[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
				stop = fn(ctx, ncols, cells) != 0;
			}
		} else if (!rc && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
			   st != PGRES_EMPTY_QUERY) {
			const char *m = PQresultErrorMessage(res);
			size_t n = strlen(m);
			while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
				n--;
			bool gone = PQstatus(db->h) == CONNECTION_BAD;
			db->broken |= gone;
			rc = rig_fail(err, gone ? RIG_E_UNAVAILABLE : RIG_E_DATA, "%s: %.*s", db->name,
				      (int)n, m);
		}
		PQclear(res);
	}
	if (!rc && PQstatus(db->h) == CONNECTION_BAD)
		rc = lost(db, err, "connection lost");
	return rc;
}

static void pg_close(struct store_db *db)
{
	PQfinish(db->h);
	free(db);
}

static void quiet_notice(void *ctx, const char *message)
{
	(void)ctx;
	(void)message;
}

static const struct store_ops pg_ops = { .exec = pg_exec, .close = pg_close };

enum rig_rc store_pg_open(struct store_db **out, const char *url, const char *passfile,
			  unsigned timeout_ms, struct rig_err *err)
{
	*out = NULL;
	enum rig_rc rc = store_url_check(url, err);
	if (rc)
		return rc;
	struct store_db *db = calloc(1, sizeof *db);
	if (!db)
		return rig_fail(err, RIG_E_NOMEM, "out of memory connecting to %s", url);
	db->ops = &pg_ops;
	db->kind = STORE_PG;
	db->timeout_ms = timeout_ms ? timeout_ms : PG_TIMEOUT_MS;
	char connect_s[16]; /* libpq's connect_timeout: whole seconds, >= 2 */
	snprintf(connect_s, sizeof connect_s, "%u", db->timeout_ms < 4000 ? 2 : db->timeout_ms / 2000);
	snprintf(db->name, sizeof db->name, "%s", url);
	/* Later keywords do not override what the URL says (expand_dbname
	 * applies the URL in place of dbname, in order). */
	const char *keys[] = { "connect_timeout", "keepalives_idle", "keepalives_interval",
			       "keepalives_count", "application_name", "passfile", "dbname",
			       NULL };
	const char *vals[] = { connect_s, "10", "5", "3", "rig", passfile, url, NULL };
	if (!passfile) { /* drop the passfile pair: libpq's own defaults apply */
		keys[5] = "dbname";
		vals[5] = url;
		keys[6] = NULL;
		vals[6] = NULL;
	}
	db->h = PQconnectdbParams(keys, vals, 1);
	if (!db->h) {
		free(db);
		return rig_fail(err, RIG_E_NOMEM, "out of memory connecting to %s", url);
	}
	if (PQstatus(db->h) != CONNECTION_OK) {
		rc = lost(db, err, "cannot connect");
		pg_close(db);
		return rc;
	}
	PQsetNoticeProcessor(db->h, quiet_notice, NULL); /* "already exists, skipping" */
	if (PQsetnonblocking(db->h, 1) != 0) {
		rc = lost(db, err, "cannot switch to non-blocking mode");
		pg_close(db);
		return rc;
	}
	*out = db;
	return RIG_OK;
}
