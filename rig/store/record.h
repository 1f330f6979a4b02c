/* record.h - one run report as the results database sees it: its exact
 * bytes and their SHA-256, the run's metadata and every row, read through
 * the report's column NAMES (docs/reports.md) so that columns added later
 * are carried in the bytes and ignored here until a migration gives them a
 * place. store_run_put() writes a run's rows into a database (runs,
 * measurements, calibrations) inside the caller's transaction.
 *
 * struct store_run owns its bytes and table; store_run_free() releases
 * them. Metadata pointers point into the table ("" when missing).
 */
#ifndef RIG_STORE_RECORD_H
#define RIG_STORE_RECORD_H

#include <stddef.h>

#include "core/err.h"
#include "core/sha256.h"
#include "store/db.h"
#include "study/csv.h"

struct store_run {
	char *bytes;
	size_t len;
	char sha256[SHA256_HEX_LEN + 1];
	char file[256];               /* the report's file name, without folder */
	struct csv_table t;
	const char *run_id, *started_at, *ended_at, *station, *operator_name, *pen_model,
		*pen_serial, *pen_firmware, *profile, *profile_version, *profile_sha256,
		*rig_version, *verdict, *reason, *category, *attempt, *lot;
	/* the verdict row's (migration 006); "" in reports from before */
	const char *reason_code, *disposition, *instruction;
	char serial_key[64];          /* pen_serial, trimmed, upper case */
	double bench_time_s;          /* sum of the bench_time rows */
};

/* Parse len bytes (ownership of bytes, malloc'd, passes to r even on
 * failure) named file. RIG_E_DATA when they are not a finished run report
 * (no run_id column, no verdict row), naming file and what is missing. */
enum rig_rc store_run_parse(struct store_run *r, const char *file, char *bytes, size_t len,
			    struct rig_err *err);
/* Read path whole, then store_run_parse (file = its base name). */
enum rig_rc store_run_read(struct store_run *r, const char *path, struct rig_err *err);
void store_run_free(struct store_run *r);

/* INSERT the run, its rows and its fixture calibrations. */
enum rig_rc store_run_put(struct store_db *db, const struct store_run *r, struct rig_err *err);

/* A serial as the databases compare it: surrounding spaces dropped, upper
 * case (cap bytes with the NUL). */
void store_serial_key(char *out, size_t cap, const char *serial);

/* Read a whole file into a malloc'd buffer (RIG_E_IO naming it). */
enum rig_rc store_read_file(const char *path, char **bytes, size_t *len, struct rig_err *err);

#endif
