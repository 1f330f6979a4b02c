/* db.h - one small interface over the two results databases: the station's
 * SQLite index (store/sqlite.c) and the line's PostgreSQL (store/pg.c).
 *
 * Both run the same SQL (docs/results-db.md): parameters are $1, $2 ...
 * (bound by name on SQLite), values travel as text (NULL for a missing value) except
 * parameters given a length, which go as binary (bytea / blob). Rows come
 * back as text cells (NULL for SQL NULL) to a callback. A struct store_db
 * is allocated by store_db_open() and freed by store_db_close().
 */
#ifndef RIG_STORE_DB_H
#define RIG_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum store_kind { STORE_SQLITE, STORE_PG };

struct store_db;

/* One row: ncols cells, each NUL-terminated text or NULL. Return non-zero
 * to stop (store_db_exec then returns RIG_OK with the rows seen so far). */
typedef int (*store_row_fn)(void *ctx, int ncols, const char *const *cells);

struct store_ops {
	enum rig_rc (*exec)(struct store_db *db, const char *sql, int nparams,
			    const char *const *params, const int *lengths, store_row_fn fn,
			    void *ctx, struct rig_err *err);
	void (*close)(struct store_db *db);
};

struct store_db {
	const struct store_ops *ops;
	enum store_kind kind;
	void *h;              /* sqlite3 * or PGconn * */
	char name[1024];      /* for messages: a path, or the URL without secrets */
	unsigned timeout_ms;  /* PostgreSQL: longest wait for one statement */
	bool broken;          /* PostgreSQL: the connection is gone */
};

/* Open a database: a postgresql:// or postgres:// URL (store/pg.c; the
 * password comes from passfile when not NULL, else from libpq's own
 * environment: PGPASSFILE, ~/.pgpass, PGPASSWORD), or a path to an SQLite
 * file (created when missing). */
enum rig_rc store_db_open(struct store_db **out, const char *where, const char *passfile,
			  struct rig_err *err);
void store_db_close(struct store_db *db);

/* Run one statement. lengths may be NULL (all text); lengths[i] >= 0 sends
 * params[i] as that many binary bytes. fn may be NULL. */
enum rig_rc store_db_exec(struct store_db *db, const char *sql, int nparams,
			  const char *const *params, const int *lengths, store_row_fn fn,
			  void *ctx, struct rig_err *err);
/* The same without parameters or rows. */
enum rig_rc store_db_run(struct store_db *db, const char *sql, struct rig_err *err);
/* The first cell of the first row into out ("" when no row or NULL). */
enum rig_rc store_db_get(struct store_db *db, const char *sql, int nparams,
			 const char *const *params, char *out, size_t cap, struct rig_err *err);

/* BEGIN (SQLite: BEGIN IMMEDIATE, so a writer waits for the lock at the
 * start, never half-way), COMMIT, ROLLBACK (errors ignored). */
enum rig_rc store_db_begin(struct store_db *db, struct rig_err *err);
enum rig_rc store_db_commit(struct store_db *db, struct rig_err *err);
void store_db_rollback(struct store_db *db);

/* Does where name a PostgreSQL database (postgresql:// or postgres://)? */
bool store_is_url(const char *where);

/* Backends (store/sqlite.c, store/pg.c). */
enum rig_rc store_sqlite_open(struct store_db **out, const char *path, struct rig_err *err);
/* timeout_ms: longest wait for one statement (0: 20 s); connecting may
 * take half as long. */
enum rig_rc store_pg_open(struct store_db **out, const char *url, const char *passfile,
			  unsigned timeout_ms, struct rig_err *err);
/* A URL that carries a password is refused (RIG_E_CONFIG): credentials go
 * in a password file or libpq's environment, never in fixtures, command
 * lines, reports or logs. */
enum rig_rc store_url_check(const char *url, struct rig_err *err);

#endif
