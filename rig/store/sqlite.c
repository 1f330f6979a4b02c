/* sqlite.c - the station's results index through Debian's libsqlite3.
 *
 * WAL journal (a reader never blocks the run that writes), synchronous
 * NORMAL (a power cut may lose the last transactions, never the file's
 * consistency: the index is rebuilt or caught up from the reports, which
 * are the record), and a busy timeout so that `rig run`, `rig sync` and
 * `rig history` on one folder wait for each other instead of failing.
 */
#include "store/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLITE_BUSY_MS 15000
#define SQLITE_MAX_COLS 64

static enum rig_rc sq_fail(struct store_db *db, struct rig_err *err, const char *what)
{
	sqlite3 *h = db->h;
	int code = sqlite3_errcode(h);
	enum rig_rc rc = code == SQLITE_BUSY || code == SQLITE_LOCKED ? RIG_E_BUSY
			 : code == SQLITE_NOMEM			     ? RIG_E_NOMEM
			 : code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? RIG_E_DATA
									   : RIG_E_IO;
	return rig_fail(err, rc, "%s: %s: %s", db->name, what, sqlite3_errmsg(h));
}

static enum rig_rc sq_rows(struct store_db *db, sqlite3_stmt *st, store_row_fn fn, void *ctx,
			   struct rig_err *err)
{
	int ncols = sqlite3_column_count(st);
	if (ncols > SQLITE_MAX_COLS)
		ncols = SQLITE_MAX_COLS;
	const char *cells[SQLITE_MAX_COLS];
	for (;;) {
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			return RIG_OK;
		if (s != SQLITE_ROW)
			return sq_fail(db, err, "statement failed");
		if (!fn)
			continue;
		for (int i = 0; i < ncols; i++)
			cells[i] = (const char *)sqlite3_column_text(st, i);
		if (fn(ctx, ncols, cells))
			return RIG_OK;
	}
}

static enum rig_rc sq_exec(struct store_db *db, const char *sql, int nparams,
			   const char *const *params, const int *lengths, store_row_fn fn,
			   void *ctx, struct rig_err *err)
{
	const char *tail = sql;
	enum rig_rc rc = RIG_OK;
	/* Without parameters: every statement of the text (a migration);
	 * with: one statement. */
	while (!rc && tail && *tail) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db->h, tail, -1, &st, &tail) != SQLITE_OK)
			return sq_fail(db, err, "cannot prepare SQL");
		if (!st) /* only white space or comments left */
			break;
		for (int i = 0; i < nparams && !rc; i++) {
			/* $N by name, as PostgreSQL numbers them (SQLite numbers
			 * named parameters in order of first use). */
			char name[16];
			snprintf(name, sizeof name, "$%d", i + 1);
			int at = sqlite3_bind_parameter_index(st, name), s;
			if (!at)
				continue;
			if (!params[i])
				s = sqlite3_bind_null(st, at);
			else if (lengths && lengths[i] >= 0)
				s = sqlite3_bind_blob(st, at, params[i], lengths[i], SQLITE_STATIC);
			else
				s = sqlite3_bind_text(st, at, params[i], -1, SQLITE_STATIC);
			if (s != SQLITE_OK)
				rc = sq_fail(db, err, "cannot bind a value");
		}
		if (!rc)
			rc = sq_rows(db, st, fn, ctx, err);
		sqlite3_finalize(st);
		if (nparams)
			break;
	}
	return rc;
}

static void sq_close(struct store_db *db)
{
	sqlite3_close(db->h);
	free(db);
}

static const struct store_ops sqlite_ops = { .exec = sq_exec, .close = sq_close };

enum rig_rc store_sqlite_open(struct store_db **out, const char *path, struct rig_err *err)
{
	*out = NULL;
	struct store_db *db = calloc(1, sizeof *db);
	if (!db)
		return rig_fail(err, RIG_E_NOMEM, "out of memory opening %s", path);
	db->ops = &sqlite_ops;
	db->kind = STORE_SQLITE;
	snprintf(db->name, sizeof db->name, "%s", path);
	sqlite3 *h = NULL;
	int s = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	db->h = h;
	if (s != SQLITE_OK) {
		enum rig_rc rc = h ? sq_fail(db, err, "cannot open")
				   : rig_fail(err, RIG_E_NOMEM, "out of memory opening %s", path);
		sq_close(db);
		return rc;
	}
	sqlite3_busy_timeout(h, SQLITE_BUSY_MS);
	sqlite3_extended_result_codes(h, 0);
	enum rig_rc rc = store_db_run(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err);
	if (rc) {
		sq_close(db);
		return rc;
	}
	*out = db;
	return RIG_OK;
}
