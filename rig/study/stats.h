/* stats.h - lot statistics over run reports: per characteristic n, mean,
 * sample std, Cp, Cpk, yield, and the trend flags of a control chart.
 *
 * A characteristic is (phase, step, quantity, commanded): depth at 250 um
 * and at 2500 um are different characteristics with their own limits, so
 * Cp/Cpk are computed per commanded value. Optionally split further by
 * station, profile or day. stats_add_report() reads one report CSV;
 * stats_compute() fills the results. The caller owns struct stats;
 * stats_free() releases what it holds.
 */
#ifndef RIG_STUDY_STATS_H
#define RIG_STUDY_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "study/units.h"

enum stats_by { STATS_BY_NONE, STATS_BY_STATION, STATS_BY_PROFILE, STATS_BY_DAY };

#define STATS_TREND_RUN 7      /* points in a row rising or falling */

struct stats_value {
	double v;
	double lo, hi;             /* the row's limits (NaN: none / open side) */
	int judged;                /* 1 PASS, 0 FAIL, -1 not judged */
	long order;                /* run start (epoch s), then file order */
	size_t seq;
	const char *who;           /* its unit: "MN3-000123 attempt 2" (owned by stats) */
};

struct stats_group {
	char phase[24], step[32], quantity[32], unit[8], commanded[32], by[64];
	struct stats_value *v;
	size_t n, cap;
	/* stats_compute() */
	double mean, std, min, max;
	double lsl, usl;           /* mean of the rows' limits; NaN: none */
	bool limits_vary;          /* the rows' limits were not all equal */
	double cp, cpk;            /* NaN when not defined */
	size_t n_judged, n_pass;
	double yield;              /* n_pass / n_judged; NaN: none judged */
	bool trend;                /* STATS_TREND_RUN in a row rising or falling */
	bool trend_rising;
	size_t trend_end;          /* index (in time order) of the run's last point */
	size_t beyond_3s;          /* points further than 3 std from the mean */
};

struct stats {
	enum stats_by by;
	struct stats_group *g;
	size_t n, cap;
	char **who;                /* one label per run read */
	size_t nwho;
	size_t seq;
	struct stats_units units;  /* yields, lots, failure Pareto */
	size_t ignored;            /* files that are not run reports (stats_add_path) */
	char ignored_names[160];   /* the first of them, for the message */
};

void stats_init(struct stats *s, enum stats_by by);
/* Add every row with a numeric measured value, and the run to the units.
 * RIG_E_DATA if the file is not a run report, RIG_E_IO if unreadable. */
enum rig_rc stats_add_report(struct stats *s, const char *path, struct rig_err *err);
/* A report, or every *.csv of a folder (in name order): run reports are
 * added; files that are not (summary.csv, shift reports, impact lists ...:
 * no verdict row or not a report's columns) are counted in s->ignored and
 * the first named in s->ignored_names. RIG_E_IO if unreadable. */
enum rig_rc stats_add_path(struct stats *s, const char *path, struct rig_err *err);
/* The same from a table of report rows named path (`rig stats --db`: the
 * rows of whole runs rebuilt from a results database, rig/store/query.h).
 * The caller keeps the table. */
struct csv_table;
enum rig_rc stats_add_table(struct stats *s, const struct csv_table *t, const char *path,
			    struct rig_err *err);
void stats_compute(struct stats *s);
void stats_print(const struct stats *s, FILE *out);
void stats_print_csv(const struct stats *s, FILE *out);
/* Units, first-pass and final yield, lot yield, the failure Pareto. */
void stats_print_units(const struct stats *s, FILE *out);
void stats_free(struct stats *s);

#endif
