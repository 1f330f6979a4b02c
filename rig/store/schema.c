/* schema.c - applying the numbered migrations, on SQLite and PostgreSQL. */
#include "store/schema.h"

#include <stdio.h>
#include <stdlib.h>

static const char create_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

unsigned store_schema_latest(void)
{
	unsigned v = 0;
	for (unsigned i = 0; i < store_nmigrations; i++)
		if (store_migrations[i].version > v)
			v = store_migrations[i].version;
	return v;
}

enum rig_rc store_schema_version(struct store_db *db, unsigned *version, struct rig_err *err)
{
	char cell[32];
	*version = 0;
	enum rig_rc rc = store_db_get(
		db,
		db->kind == STORE_SQLITE
			? "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'"
			: "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'"
			  " AND schemaname = current_schema()",
		0, NULL, cell, sizeof cell, err);
	if (rc || atoi(cell) == 0)
		return rc;
	rc = store_db_get(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", 0, NULL,
			  cell, sizeof cell, err);
	if (!rc)
		*version = (unsigned)strtoul(cell, NULL, 10);
	return rc;
}

static enum rig_rc apply_one(struct store_db *db, const struct store_migration *m,
			     struct rig_err *err)
{
	enum rig_rc rc = store_db_run(db, m->sql, err);
	if (rc)
		return rig_err_prefix(err, "migration %s: ", m->name);
	char v[16];
	snprintf(v, sizeof v, "%u", m->version);
	const char *p[] = { v, m->name };
	return store_db_exec(db,
			     "INSERT INTO schema_migrations (version, name, applied_at)"
			     " VALUES ($1, $2, CAST(CURRENT_TIMESTAMP AS TEXT))",
			     2, p, NULL, NULL, NULL, err);
}

enum rig_rc store_migrate(struct store_db *db, unsigned *applied, struct rig_err *err)
{
	unsigned n = 0, have = 0;
	enum rig_rc rc = store_db_begin(db, err);
	if (rc)
		return rc;
	/* One migrator at a time on the line (SQLite's BEGIN IMMEDIATE
	 * already holds the write lock). */
	if (db->kind == STORE_PG)
		rc = store_db_run(db, "SELECT pg_advisory_xact_lock(7210017)", err);
	if (!rc)
		rc = store_db_run(db, create_table, err);
	if (!rc)
		rc = store_schema_version(db, &have, err);
	if (!rc && have > store_schema_latest())
		rc = rig_fail(err, RIG_E_CONFIG,
			      "%s: the database is at schema version %u, newer than this rig "
			      "knows (%u): update rig",
			      db->name, have, store_schema_latest());
	for (unsigned i = 0; i < store_nmigrations && !rc; i++)
		if (store_migrations[i].version > have) {
			rc = apply_one(db, &store_migrations[i], err);
			n += !rc;
		}
	if (!rc)
		rc = store_db_commit(db, err);
	if (rc) {
		store_db_rollback(db);
		n = 0;
	}
	if (applied)
		*applied = n;
	return rc;
}

enum rig_rc store_schema_check(struct store_db *db, struct rig_err *err)
{
	unsigned have;
	enum rig_rc rc = store_schema_version(db, &have, err);
	if (rc)
		return rc;
	if (have != store_schema_latest())
		return rig_fail(err, RIG_E_CONFIG,
				"%s: schema version %u, this rig needs %u: run `rig db migrate URL`",
				db->name, have, store_schema_latest());
	return RIG_OK;
}
