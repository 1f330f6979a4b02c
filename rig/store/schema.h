/* schema.h - the results database's schema: numbered migrations
 * (rig/store/schema/NNN_name.sql, embedded in the binary by
 * schema/embed.sh), applied in order, each once, by store_migrate(). The
 * same migrations build a station's SQLite index and the line's
 * PostgreSQL database (docs/results-db.md).
 */
#ifndef RIG_STORE_SCHEMA_H
#define RIG_STORE_SCHEMA_H

#include "store/db.h"

struct store_migration {
	unsigned version;
	const char *name;
	const char *sql;
};

extern const struct store_migration store_migrations[];
extern const unsigned store_nmigrations;

/* The newest version this binary knows. */
unsigned store_schema_latest(void);
/* The version db is at (0: empty database). */
enum rig_rc store_schema_version(struct store_db *db, unsigned *version, struct rig_err *err);
/* Apply every migration db lacks, each in one transaction with its entry in
 * schema_migrations (concurrent migrators wait for each other). *applied
 * (may be NULL) counts them. A database newer than this binary is left
 * alone and refused (RIG_E_CONFIG). */
enum rig_rc store_migrate(struct store_db *db, unsigned *applied, struct rig_err *err);
/* RIG_OK when db is at the latest version; otherwise RIG_E_CONFIG saying
 * to run `rig db migrate`. */
enum rig_rc store_schema_check(struct store_db *db, struct rig_err *err);

#endif
