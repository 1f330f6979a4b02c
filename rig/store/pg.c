/* pg.c - the line's results database through libpq.
 *
 * Every statement has a deadline (db->timeout_ms): the query is sent
 * without blocking and its answer awaited with poll(2), so a connection
 * that stalls (a proxy that stops forwarding, a half-open socket) fails
 * in bounded time instead of hanging a station's sync forever; TCP
 * keepalives catch a dead peer while idle. A connection that failed is
 * marked broken and never used again: the caller reconnects.
 *
 * libpq is loaded when a connection is first opened (core/dynlib.h): it
 * maps some twenty libraries of its own (OpenSSL, GnuTLS, Kerberos, LDAP),
 * which no command without a database should carry. A connection's
 * db->h is a struct pg_link: libpq's functions and the PGconn.
 */
#include "store/db.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dynlib.h"

#define PG_TIMEOUT_MS 20000
#define PG_MAX_COLS 64

/* The libpq functions this file calls, in one list: the table's members
 * and the names looked up. */
#define PQ_FUNCS(X)                                                                        \
	X(PQconninfoParse) X(PQconninfoFree) X(PQfreemem) X(PQconnectdbParams)             \
	X(PQstatus) X(PQerrorMessage) X(PQsetNoticeProcessor) X(PQsetnonblocking)          \
	X(PQsocket) X(PQsendQuery) X(PQsendQueryParams) X(PQflush) X(PQconsumeInput)       \
	X(PQisBusy) X(PQgetResult) X(PQresultStatus) X(PQresultErrorMessage) X(PQnfields)  \
	X(PQntuples) X(PQgetisnull) X(PQgetvalue) X(PQclear) X(PQfinish)

struct pq_api {
	PQ_FUNCS(DYNLIB_MEMBER)
};

#define PQ_SYM(f) DYNLIB_SYM(struct pq_api, f)
static const struct dynlib_sym pq_syms[] = { PQ_FUNCS(PQ_SYM) };

/* What a PostgreSQL store_db's h points to. */
struct pg_link {
	struct pq_api pq;
	PGconn *conn;
};

static enum rig_rc pq_load(struct pq_api *pq, struct rig_err *err)
{
	return dynlib_load(&dynlib_pq, pq_syms, sizeof pq_syms / sizeof pq_syms[0], pq, err);
}

/* The URL's own check, with libpq loaded. */
static enum rig_rc url_check(const struct pq_api *pq, const char *url, struct rig_err *err)
{
	char *msg = NULL;
	PQconninfoOption *o = pq->PQconninfoParse(url, &msg);
	if (!o) {
		enum rig_rc rc = rig_fail(err, RIG_E_CONFIG, "not a PostgreSQL URL: %s",
					  msg ? msg : "out of memory");
		pq->PQfreemem(msg);
		return rc;
	}
	enum rig_rc rc = RIG_OK;
	for (PQconninfoOption *p = o; p->keyword; p++)
		if (!strcmp(p->keyword, "password") && p->val && *p->val)
			rc = rig_fail(err, RIG_E_CONFIG,
				      "the database URL carries a password: put it in a password "
				      "file ([results] passfile, PGPASSFILE or ~/.pgpass) instead, "
				      "so that it never shows in reports, logs or process lists");
	pq->PQconninfoFree(o);
	return rc;
}

enum rig_rc store_url_check(const char *url, struct rig_err *err)
{
	struct pq_api pq;
	enum rig_rc rc = pq_load(&pq, err);
	return rc ? rc : url_check(&pq, url, err);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum rig_rc lost(struct store_db *db, struct rig_err *err, const char *what)
{
	struct pg_link *l = db->h;
	const char *m = l->pq.PQerrorMessage(l->conn);
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
	struct pg_link *l = db->h;
	struct pollfd p = { .fd = l->pq.PQsocket(l->conn), .events = events };
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
	struct pg_link *l = db->h;
	const struct pq_api *pq = &l->pq;
	PGconn *c = l->conn;
	long long deadline = now_ms() + db->timeout_ms;
	int fmts[nparams > 0 ? nparams : 1];
	for (int i = 0; i < nparams; i++)
		fmts[i] = lengths && lengths[i] >= 0;
	int ok = nparams ? pq->PQsendQueryParams(c, sql, nparams, NULL, params, lengths, fmts, 0)
			 : pq->PQsendQuery(c, sql);
	if (!ok)
		return lost(db, err, "cannot send");
	int f;
	enum rig_rc rc;
	while ((f = pq->PQflush(c)) == 1) {
		if ((rc = wait_sock(db, POLLOUT | POLLIN, deadline, err)))
			return rc;
		if (!pq->PQconsumeInput(c))
			return lost(db, err, "connection lost");
	}
	if (f < 0)
		return lost(db, err, "cannot send");
	while (pq->PQisBusy(c)) {
		if ((rc = wait_sock(db, POLLIN, deadline, err)))
			return rc;
		if (!pq->PQconsumeInput(c))
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
	struct pg_link *l = db->h;
	const struct pq_api *pq = &l->pq;
	PGresult *res;
	bool stop = false;
	while ((res = pq->PQgetResult(l->conn))) {
		ExecStatusType st = pq->PQresultStatus(res);
		if (!rc && st == PGRES_TUPLES_OK && fn && !stop) {
			int ncols = pq->PQnfields(res) < PG_MAX_COLS ? pq->PQnfields(res) : PG_MAX_COLS;
			const char *cells[PG_MAX_COLS];
			for (int r = 0; r < pq->PQntuples(res) && !stop; r++) {
				for (int i = 0; i < ncols; i++)
					cells[i] = pq->PQgetisnull(res, r, i) ? NULL : pq->PQgetvalue(res, r, i);
				stop = fn(ctx, ncols, cells) != 0;
			}
		} else if (!rc && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
			   st != PGRES_EMPTY_QUERY) {
			const char *m = pq->PQresultErrorMessage(res);
			size_t n = strlen(m);
			while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
				n--;
			bool gone = pq->PQstatus(l->conn) == CONNECTION_BAD;
			db->broken |= gone;
			rc = rig_fail(err, gone ? RIG_E_UNAVAILABLE : RIG_E_DATA, "%s: %.*s", db->name,
				      (int)n, m);
		}
		pq->PQclear(res);
	}
	if (!rc && pq->PQstatus(l->conn) == CONNECTION_BAD)
		rc = lost(db, err, "connection lost");
	return rc;
}

static void pg_close(struct store_db *db)
{
	struct pg_link *l = db->h;
	if (l && l->conn)
		l->pq.PQfinish(l->conn);
	free(l);
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
	struct pg_link *l = calloc(1, sizeof *l);
	struct store_db *db = calloc(1, sizeof *db);
	if (!l || !db) {
		free(l);
		free(db);
		return rig_fail(err, RIG_E_NOMEM, "out of memory connecting to %s", url);
	}
	enum rig_rc rc = pq_load(&l->pq, err);
	if (!rc)
		rc = url_check(&l->pq, url, err);
	if (rc) {
		free(l);
		free(db);
		return rc;
	}
	db->h = l;
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
	l->conn = l->pq.PQconnectdbParams(keys, vals, 1);
	if (!l->conn) {
		pg_close(db);
		return rig_fail(err, RIG_E_NOMEM, "out of memory connecting to %s", url);
	}
	if (l->pq.PQstatus(l->conn) != CONNECTION_OK) {
		rc = lost(db, err, "cannot connect");
		pg_close(db);
		return rc;
	}
	/* "already exists, skipping" */
	l->pq.PQsetNoticeProcessor(l->conn, quiet_notice, NULL);
	if (l->pq.PQsetnonblocking(l->conn, 1) != 0) {
		rc = lost(db, err, "cannot switch to non-blocking mode");
		pg_close(db);
		return rc;
	}
	*out = db;
	return RIG_OK;
}
