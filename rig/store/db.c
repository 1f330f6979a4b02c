/* db.c - the backend-neutral half of the results database interface:
 * dispatch through the ops table, and the few helpers every caller needs. */
#include "store/db.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>

bool store_is_url(const char *where)
{
	return !strncmp(where, "postgresql://", 13) || !strncmp(where, "postgres://", 11);
}

enum rig_rc store_db_open(struct store_db **out, const char *where, const char *passfile,
			  struct rig_err *err)
{
	*out = NULL;
	if (store_is_url(where))
		return store_pg_open(out, where, passfile, 0, err);
	return store_sqlite_open(out, where, err);
}

void store_db_close(struct store_db *db)
{
	if (db)
		db->ops->close(db);
}

enum rig_rc store_db_exec(struct store_db *db, const char *sql, int nparams,
			  const char *const *params, const int *lengths, store_row_fn fn,
			  void *ctx, struct rig_err *err)
{
	return db->ops->exec(db, sql, nparams, params, lengths, fn, ctx, err);
}

enum rig_rc store_db_run(struct store_db *db, const char *sql, struct rig_err *err)
{
	return store_db_exec(db, sql, 0, NULL, NULL, NULL, NULL, err);
}

struct first_cell {
	char *out;
	size_t cap;
};

static int take_first(void *ctx, int ncols, const char *const *cells)
{
	struct first_cell *f = ctx;
	snprintf(f->out, f->cap, "%s", ncols > 0 && cells[0] ? cells[0] : "");
	return 1;
}

enum rig_rc store_db_get(struct store_db *db, const char *sql, int nparams,
			 const char *const *params, char *out, size_t cap, struct rig_err *err)
{
	struct first_cell f = { out, cap };
	if (cap)
		out[0] = '\0';
	return store_db_exec(db, sql, nparams, params, NULL, take_first, &f, err);
}

enum rig_rc store_db_begin(struct store_db *db, struct rig_err *err)
{
	return store_db_run(db, db->kind == STORE_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

enum rig_rc store_db_commit(struct store_db *db, struct rig_err *err)
{
	return store_db_run(db, "COMMIT", err);
}

void store_db_rollback(struct store_db *db)
{
	struct rig_err ignored;
	if (!db->broken)
		store_db_run(db, "ROLLBACK", &ignored);
}
