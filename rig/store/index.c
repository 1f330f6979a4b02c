/* index.c - a report folder's SQLite index: open, catch up, rebuild. */
#include "store/index.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
#include "store/ledger_index.h"
#include "store/record.h"
#include "store/schema.h"

void store_index_path(char *out, size_t cap, const char *dir)
{
	snprintf(out, cap, "%s/%s", dir, STORE_INDEX_NAME);
}

static enum rig_rc rebuild_in(struct store_db *db, const char *dir, struct store_index_count *n,
			      FILE *notes, struct rig_err *err);

enum rig_rc store_index_open(struct store_db **db, const char *dir, struct rig_err *err)
{
	char path[4096];
	store_index_path(path, sizeof path, dir);
	unsigned before = 0, applied = 0;
	struct store_index_count n = { 0 };
	enum rig_rc rc = store_sqlite_open(db, path, err);
	if (!rc)
		rc = store_schema_version(*db, &before, err);
	if (!rc)
		rc = store_migrate(*db, &applied, err);
	/* A newer schema has places for more of the reports' columns: the
	 * index is derived, so it is rebuilt to fill them. */
	if (!rc && before && applied)
		rc = rebuild_in(*db, dir, &n, NULL, err);
	if (rc) {
		store_db_close(*db);
		*db = NULL;
	}
	return rc;
}

struct names {
	char **v;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool names_add(struct names *s, const char *name)
{
	if (RIG_GROW(s->v, s->cap, s->n + 1, 64, NULL))
		return false;
	return (s->v[s->n] = strdup(name)) && ++s->n;
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int add_known(void *ctx, int ncols, const char *const *cells)
{
	return ncols < 1 || !cells[0] || !names_add(ctx, cells[0]) ? 1 : 0;
}

/* The folder's report candidates: *.csv but summary.csv and hidden files. */
static enum rig_rc list_reports(const char *dir, struct names *out, struct rig_err *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot read folder %s", dir);
	struct dirent *de;
	bool oom = false;
	while (!oom && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".csv") ||
		    !strcmp(de->d_name, "summary.csv"))
			continue;
		oom = !names_add(out, de->d_name);
	}
	closedir(d);
	if (oom)
		return rig_fail(err, RIG_E_NOMEM, "out of memory listing %s", dir);
	if (out->n > 1) /* an empty folder has no array: qsort(NULL) is undefined */
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
	return RIG_OK;
}

/* Index one report: its rows and its queue entry. A run id already there
 * (from another file) is refused, never replaced. */
static enum rig_rc index_one(struct store_db *db, const char *dir, const char *name,
			     bool own_txn, struct store_index_count *n, FILE *notes,
			     struct rig_err *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct store_run r;
	enum rig_rc rc = store_run_read(&r, path, err);
	if (rc == RIG_E_DATA) {
		n->skipped++;
		if (notes)
			fprintf(notes, "rig index: skipped %s\n", err->msg);
		store_run_free(&r);
		return RIG_OK;
	}
	char other[512];
	if (!rc && !(rc = store_db_get(db, "SELECT report_file FROM runs WHERE run_id = $1", 1,
				       (const char *[]){ r.run_id }, other, sizeof other, err)) &&
	    *other) {
		n->refused++;
		if (notes)
			fprintf(notes, "rig index: %s: run %s is already indexed from %s: not indexed again\n",
				path, r.run_id, other);
		store_run_free(&r);
		return RIG_OK;
	}
	if (!rc && own_txn)
		rc = store_db_begin(db, err);
	if (!rc)
		rc = store_run_put(db, &r, err);
	if (!rc)
		rc = store_db_exec(db,
				   "INSERT INTO sync_queue (run_id, state, tries) VALUES ($1, 'queued', 0)"
				   " ON CONFLICT (run_id) DO NOTHING",
				   1, (const char *[]){ r.run_id }, NULL, NULL, NULL, err);
	if (!rc && own_txn)
		rc = store_db_commit(db, err);
	if (rc && own_txn)
		store_db_rollback(db);
	n->added += !rc;
	store_run_free(&r);
	return rc;
}

static enum rig_rc catch_up(struct store_db *db, const char *dir, bool own_txn,
			    struct store_index_count *n, FILE *notes, struct rig_err *err)
{
	struct names files = { 0 }, known = { 0 };
	enum rig_rc rc = list_reports(dir, &files, err);
	if (!rc)
		rc = store_db_exec(db, "SELECT report_file FROM runs ORDER BY report_file", 0, NULL,
				   NULL, add_known, &known, err);
	/* An empty index has known.v NULL: qsort and bsearch must not see it
	 * (undefined behaviour; UBSan stops rig run under SANITIZE=1). */
	if (!rc && known.n)
		qsort(known.v, known.n, sizeof *known.v, cmp_str);
	for (size_t i = 0; !rc && i < files.n; i++) {
		if (known.n && bsearch(&files.v[i], known.v, known.n, sizeof *known.v, cmp_str)) {
			n->known++;
			continue;
		}
		rc = index_one(db, dir, files.v[i], own_txn, n, notes, err);
	}
	/* The ledger after the reports it records (each entry is written
	 * after its report is published). */
	if (!rc)
		rc = store_ledger_catch_up(db, dir, &n->ledger, err);
	names_free(&files);
	names_free(&known);
	return rc;
}

enum rig_rc store_index_catch_up(struct store_db *db, const char *dir,
				 struct store_index_count *n, FILE *notes, struct rig_err *err)
{
	memset(n, 0, sizeof *n);
	return catch_up(db, dir, true, n, notes, err);
}

static enum rig_rc rebuild_in(struct store_db *db, const char *dir, struct store_index_count *n,
			      FILE *notes, struct rig_err *err)
{
	enum rig_rc rc = store_db_begin(db, err);
	if (rc)
		return rc;
	/* Marks sent to the line stay (they are derived again from the
	 * ledger: INSERT ... DO NOTHING keeps the row and its sent_at). */
	rc = store_db_run(db, "DELETE FROM calibrations; DELETE FROM measurements; DELETE FROM runs;"
			  " DELETE FROM ledger_entries;", err);
	if (!rc)
		rc = catch_up(db, dir, false, n, notes, err);
	/* Runs whose report is gone leave the queue; a run sent stays sent. */
	if (!rc)
		rc = store_db_run(db, "DELETE FROM sync_queue WHERE run_id NOT IN (SELECT run_id FROM runs)",
				  err);
	if (!rc)
		rc = store_db_commit(db, err);
	if (rc)
		store_db_rollback(db);
	return rc;
}

static enum rig_rc rebuild_once(const char *dir, struct store_index_count *n, FILE *notes,
				struct rig_err *err)
{
	struct store_db *db;
	memset(n, 0, sizeof *n);
	enum rig_rc rc = store_index_open(&db, dir, err);
	if (!rc) {
		rc = rebuild_in(db, dir, n, notes, err);
		store_db_close(db);
	}
	return rc;
}

enum rig_rc store_index_rebuild(const char *dir, struct store_index_count *n, FILE *notes,
				struct rig_err *err)
{
	enum rig_rc rc = rebuild_once(dir, n, notes, err);
	/* Said by the database layer where SQLite said it, not read from the
	 * message (a folder's long path once cut the index's name off it, and
	 * a damaged index stopped the rebuild with exit 65). Only the index is
	 * a database here: a report that is not one is skipped, not fatal. */
	if (rc != RIG_E_DATA || err->cause != RIG_CAUSE_DB_DAMAGED)
		return rc;
	/* Not a database, or a damaged one: move it aside and start again. */
	char path[4096], side[4200];
	store_index_path(path, sizeof path, dir);
	snprintf(side, sizeof side, "%s.broken", path);
	if (notes)
		fprintf(notes, "rig index: %s; moved aside to %s\n", err->msg, side);
	if (rename(path, side))
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot move %s aside", path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return rebuild_once(dir, n, notes, err);
}

enum rig_rc store_index_after_run(const char *dir, struct rig_err *err)
{
	struct store_db *db;
	struct store_index_count n;
	enum rig_rc rc = store_index_open(&db, dir, err);
	if (rc)
		return rc;
	rc = store_index_catch_up(db, dir, &n, NULL, err);
	store_db_close(db);
	return rc;
}
