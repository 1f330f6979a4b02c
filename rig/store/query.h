/* query.h - the questions a quality department asks, in one place for
 * every command and both databases (a report folder's index or the line's
 * PostgreSQL): every attempt of a unit, every unit judged on a bench since
 * a time, and the measurement rows behind `rig stats --db`.
 *
 * Results are owned by the caller: store_runs_free() releases a list.
 */
#ifndef RIG_STORE_QUERY_H
#define RIG_STORE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "store/db.h"
#include "study/csv.h"

/* Where to ask: db (a postgresql:// URL, an SQLite index file, or a report
 * folder) or, when db is NULL, the index of the report folder dir (NULL:
 * reports/). A folder's index is caught up first. */
struct store_source {
	const char *db;
	const char *dir;
	const char *passfile;
};

enum rig_rc store_source_open(struct store_db **db, const struct store_source *src,
			      struct rig_err *err);

/* One run, as the questions show it (text as stored; "" when NULL). */
struct store_run_info {
	char started_at[32], station[64], operator_name[64], pen_serial[64], verdict[24],
		reason[256], category[24], attempt[16], profile[64], report_file[256],
		run_id[40], assessment[32];
};

struct store_runs {
	struct store_run_info *v;
	size_t n, cap;
	bool oom;
};

/* Every run of the unit (serial compared trimmed, case-insensitive), in
 * the order they started. A serial not known (report_serial_known():
 * "unknown" or empty) names no unit: every run of no known serial, each
 * of a pen of its own. */
enum rig_rc store_history(struct store_db *db, const char *serial, struct store_runs *out,
			  struct rig_err *err);
/* Every run on station that judged its unit (verdict not ABORTED) and
 * started at or after since (ISO 8601 UTC), in order. */
enum rig_rc store_impact(struct store_db *db, const char *station, const char *since,
			 struct store_runs *out, struct rig_err *err);
/* The bench's last good check: the oldest of the calibration dates
 * (laser zero, load cell span, tare ...) its newest run was made with, as
 * "YYYY-MM-DDT00:00:00Z" in since, and which one in what. RIG_E_DATA when
 * the station has no run with a calibration date. */
enum rig_rc store_last_good_check(struct store_db *db, const char *station, char since[32],
				  char what[64], struct rig_err *err);
void store_runs_free(struct store_runs *r);

/* The runs as a table for people (one line each, reasons shortened to the
 * terminal's taste) or as CSV by the report's rules, columns n (1, 2 ... in
 * this list), started_at, station, operator, pen_serial, attempt, verdict,
 * category, reason, profile, report_file, run_id, assessment ("to be
 * assessed" when a failed bench check marked the unit, migration 005). */
void store_runs_print(const struct store_runs *r, FILE *out);
void store_runs_print_csv(const struct store_runs *r, FILE *out);
/* Distinct units (serials, trimmed and case-folded) among the runs; a run
 * of no known serial (report_serial_known()) is a unit of its own. */
size_t store_runs_units(const struct store_runs *r);
/* The runs of no known serial among them. */
size_t store_runs_unknown(const struct store_runs *r);

/* A time given on the command line, "YYYY-MM-DD" or
 * "YYYY-MM-DDTHH:MM:SSZ", as ISO 8601 UTC; false if it is neither. */
bool store_parse_time(const char *in, char out[32]);

/* Filters of `rig stats --db` (NULL: any). */
struct store_stats_filter {
	const char *since, *station, *profile, *lot;
};

/* The report rows of the runs that pass the filter, in the order the runs
 * started, as tables with the report's column names (whole runs, a few
 * hundred at a time): fn is called with each; a non-zero rc stops. */
typedef enum rig_rc (*store_table_fn)(void *ctx, struct csv_table *t, struct rig_err *err);
enum rig_rc store_stats_rows(struct store_db *db, const struct store_stats_filter *f,
			     store_table_fn fn, void *ctx, struct rig_err *err);

#endif
