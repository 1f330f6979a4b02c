/* sqlite.c - the station's results index through Debian's libsqlite3.
 *
 * WAL journal (a reader never blocks the run that writes), synchronous
 * NORMAL (a power cut may lose the last transactions, never the file's
 * consistency: the index is rebuilt or caught up from the reports, which
 * are the record), and a busy timeout so that `rig run`, `rig sync` and
 * `rig history` on one folder wait for each other instead of failing.
 *
 * libsqlite3 is loaded when an index is first opened (core/dynlib.h), so
 * commands without one (rig analyze) do not map it. A database's db->h is
 * a struct sq_link: libsqlite3's functions and the connection.
 */
#include "store/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dynlib.h"

#define SQLITE_BUSY_MS 15000
#define SQLITE_MAX_COLS 64

/* The libsqlite3 functions this file calls, in one list. */
#define SQ_FUNCS(X)                                                                        \
	X(sqlite3_open_v2) X(sqlite3_close) X(sqlite3_busy_timeout)                        \
	X(sqlite3_extended_result_codes) X(sqlite3_errcode) X(sqlite3_errmsg)              \
	X(sqlite3_prepare_v2) X(sqlite3_bind_parameter_index) X(sqlite3_bind_null)         \
	X(sqlite3_bind_blob) X(sqlite3_bind_text) X(sqlite3_column_count) X(sqlite3_step)  \
	X(sqlite3_column_text) X(sqlite3_finalize)

struct sq_api {
	SQ_FUNCS(DYNLIB_MEMBER)
};

#define SQ_SYM(f) DYNLIB_SYM(struct sq_api, f)
static const struct dynlib_sym sq_syms[] = { SQ_FUNCS(SQ_SYM) };

/* What an SQLite store_db's h points to. */
struct sq_link {
	struct sq_api sq;
	sqlite3 *conn;
};

static enum rig_rc sq_fail(struct store_db *db, struct rig_err *err, const char *what)
{
	struct sq_link *l = db->h;
	int code = l->sq.sqlite3_errcode(l->conn);
	/* A file that is not a database, or a damaged one, says so in its
	 * cause: its owner may rebuild it (store/index.c). */
	bool damaged = code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
	enum rig_rc rc = code == SQLITE_BUSY || code == SQLITE_LOCKED ? RIG_E_BUSY
			 : code == SQLITE_NOMEM			     ? RIG_E_NOMEM
			 : damaged				     ? RIG_E_DATA
								     : RIG_E_IO;
	return rig_fail_cause(err, rc, damaged ? RIG_CAUSE_DB_DAMAGED : RIG_CAUSE_NONE,
			      "%s: %s: %s", db->name, what, l->sq.sqlite3_errmsg(l->conn));
}

static enum rig_rc sq_rows(struct store_db *db, sqlite3_stmt *st, store_row_fn fn, void *ctx,
			   struct rig_err *err)
{
	const struct sq_api *sq = &((struct sq_link *)db->h)->sq;
	int ncols = sq->sqlite3_column_count(st);
	if (ncols > SQLITE_MAX_COLS)
		ncols = SQLITE_MAX_COLS;
	const char *cells[SQLITE_MAX_COLS];
	for (;;) {
		int s = sq->sqlite3_step(st);
		if (s == SQLITE_DONE)
			return RIG_OK;
		if (s != SQLITE_ROW)
			return sq_fail(db, err, "statement failed");
		if (!fn)
			continue;
		for (int i = 0; i < ncols; i++)
			cells[i] = (const char *)sq->sqlite3_column_text(st, i);
		if (fn(ctx, ncols, cells))
			return RIG_OK;
	}
}

static enum rig_rc sq_exec(struct store_db *db, const char *sql, int nparams,
			   const char *const *params, const int *lengths, store_row_fn fn,
			   void *ctx, struct rig_err *err)
{
	struct sq_link *l = db->h;
	const struct sq_api *sq = &l->sq;
	const char *tail = sql;
	enum rig_rc rc = RIG_OK;
	/* Without parameters: every statement of the text (a migration);
	 * with: one statement. */
	while (!rc && tail && *tail) {
		sqlite3_stmt *st = NULL;
		if (sq->sqlite3_prepare_v2(l->conn, tail, -1, &st, &tail) != SQLITE_OK)
			return sq_fail(db, err, "cannot prepare SQL");
		if (!st) /* only white space or comments left */
			break;
		for (int i = 0; i < nparams && !rc; i++) {
			/* $N by name, as PostgreSQL numbers them (SQLite numbers
			 * named parameters in order of first use). */
			char name[16];
			snprintf(name, sizeof name, "$%d", i + 1);
			int at = sq->sqlite3_bind_parameter_index(st, name), s;
			if (!at)
				continue;
			if (!params[i])
				s = sq->sqlite3_bind_null(st, at);
			else if (lengths && lengths[i] >= 0)
				s = sq->sqlite3_bind_blob(st, at, params[i], lengths[i], SQLITE_STATIC);
			else
				s = sq->sqlite3_bind_text(st, at, params[i], -1, SQLITE_STATIC);
			if (s != SQLITE_OK)
				rc = sq_fail(db, err, "cannot bind a value");
		}
		if (!rc)
			rc = sq_rows(db, st, fn, ctx, err);
		sq->sqlite3_finalize(st);
		if (nparams)
			break;
	}
	return rc;
}

static void sq_close(struct store_db *db)
{
	struct sq_link *l = db->h;
	if (l)
		l->sq.sqlite3_close(l->conn); /* a no-op on NULL */
	free(l);
	free(db);
}

static const struct store_ops sqlite_ops = { .exec = sq_exec, .close = sq_close };

enum rig_rc store_sqlite_open(struct store_db **out, const char *path, struct rig_err *err)
{
	*out = NULL;
	struct sq_link *l = calloc(1, sizeof *l);
	struct store_db *db = calloc(1, sizeof *db);
	if (!l || !db) {
		free(l);
		free(db);
		return rig_fail(err, RIG_E_NOMEM, "out of memory opening %s", path);
	}
	enum rig_rc rc = dynlib_load(&dynlib_sqlite, sq_syms, sizeof sq_syms / sizeof sq_syms[0],
				     &l->sq, err);
	if (rc) {
		free(l);
		free(db);
		return rc;
	}
	db->h = l;
	db->ops = &sqlite_ops;
	db->kind = STORE_SQLITE;
	snprintf(db->name, sizeof db->name, "%s", path);
	int s = l->sq.sqlite3_open_v2(path, &l->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
				      NULL);
	if (s != SQLITE_OK) {
		rc = l->conn ? sq_fail(db, err, "cannot open")
			     : rig_fail(err, RIG_E_NOMEM, "out of memory opening %s", path);
		sq_close(db);
		return rc;
	}
	l->sq.sqlite3_busy_timeout(l->conn, SQLITE_BUSY_MS);
	l->sq.sqlite3_extended_result_codes(l->conn, 0);
	rc = store_db_run(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err);
	if (rc) {
		sq_close(db);
		return rc;
	}
	*out = db;
	return RIG_OK;
}
