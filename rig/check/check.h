/* check.h - the bench's own status (ISO 13485 §7.6): when `rig check` last
 * measured the reference artifact on this station and whether it passed,
 * whether product may be judged now, and which units were judged since
 * the last check that passed (the impact of a failed one) or after a
 * failed one (listed by the next that passes).
 *
 * Everything is read from the report folder's summary.csv by column name:
 * a check is a run of the profile CHECK_PROFILE_NAME, recorded, indexed
 * and ledgered like every run. Nothing here writes.
 */
#ifndef RIG_CHECK_CHECK_H
#define RIG_CHECK_CHECK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/err.h"

#define CHECK_PROFILE_NAME "bench-check"

enum check_state {
	CHECK_NEVER,   /* no check on record for this station */
	CHECK_PASSED,
	CHECK_FAILED,  /* the last check failed (or was aborted) */
};

struct check_status {
	enum check_state state;
	char when[32];           /* the last check's timestamp (UTC, ISO 8601) */
	time_t t;
	char report[PATH_MAX];   /* its report file */
	char reason[256];        /* its verdict's reason */
	char reason_code[24];    /* its reason_code ("" for a PASS or an older summary) */
	bool interrupted;        /* CHECK_FAILED by a check that found nothing
				  * (check_found_nothing), not by the bench judged */
	time_t last_pass_t;      /* the last check that passed (0: none) */
	size_t last_pass_row;    /* its row in summary.csv (rows are appended in order) */
	char last_pass_when[32];
};

/* A check that did not pass, from its reason_code and disposition (its
 * summary.csv row or its result): true when it found nothing wrong with
 * the bench, so it puts no unit in question: only interrupted (disposition
 * retest: e-stop, lid, a signal, the artifact's line, the wrong artifact;
 * one stopped so after a point failed is the engineer's, run.c) or
 * refused before it measured (bench_calibration: a fixture calibration's
 * date). "" for both (an older summary.csv) is a check that judged. */
bool check_found_nothing(const char *reason_code, const char *disposition);

/* The status of station's checks in the folder dir (no summary.csv: never
 * checked). RIG_E_DATA when summary.csv is not readable as one. */
enum rig_rc check_status_read(const char *dir, const char *station, struct check_status *st,
			      struct rig_err *err);

/* May product be judged at `now`? RIG_OK when the last check passed less
 * than interval_h hours ago; RIG_E_CONFIG with what, since when and what
 * to do otherwise ("bench check failed at ...: run rig check ...", or
 * "... was interrupted ...: run rig check again"). */
enum rig_rc check_gate(const char *dir, const char *station, double interval_h, time_t now,
		       struct rig_err *err);

/* The status in one line for people (the station's ready screen): "Bench
 * check: passed T, next due in N h", or NONE, FAILED, INTERRUPTED or
 * OVERDUE with "units cannot be judged". */
void check_status_line(const char *dir, const char *station, double interval_h, time_t now,
		       char *out, size_t cap);

/* The fixture's own calibrations in one line for people: "Calibrations
 * due: laser zero 2026-12-21 (21 d), load cell span ..., tare ..." (devices
 * of the in-process virtual bench do not expire and are left out; ""
 * when nothing is due). Expired ones say EXPIRED. The pad's ring bound
 * says its value and exposure, "pad ring bound (2.46 um at 250 us)", and
 * "; not used at the fixture's 200 us" where a run cannot use it. */
struct fixture;
void check_calibrations_line(const struct fixture *f, time_t now, char *out, size_t cap);

/* A run that judged its unit on the bench since the last check that
 * passed: every one is to be assessed. Several runs may be one unit's (a
 * retest: serials compared by text_serial_key); a run with no serial known
 * (report_serial_known(): "unknown" or empty) is a unit of its own, never
 * a retest, as rig stats and rig impact count them. */
struct check_impact {
	char serial[64], when[32], verdict[16], report[256], reason[256];
	size_t unit;      /* the unit's number, 1.. in the order of its first run */
	bool unknown;     /* no serial known: a unit of its own */
	size_t first;     /* the index of its unit's first run (itself when first) */
};

/* Every run of station in dir that judged its unit (checks and ABORTED
 * runs left out) after the last check that passed (all when none passed),
 * in summary.csv's order, with its unit; *v is malloc'd, the caller frees
 * it. */
enum rig_rc check_impact_list(const char *dir, const char *station, struct check_impact **v,
			      size_t *n, struct rig_err *err);

/* On a check that passed: the runs that judged a unit after the last
 * check before it that did not pass (one that found nothing left out), and
 * before it; none when that check passed. Judged while the bench was found
 * out of tolerance and not yet shown right (a fixture with no [check]
 * interval_h does not refuse them), no failed check's list has them: each
 * is to be assessed. failed_when gets that check's time ("" when none);
 * *v as check_impact_list's. */
enum rig_rc check_unchecked_list(const char *dir, const char *station, struct check_impact **v,
				 size_t *n, char *failed_when, size_t cap, struct rig_err *err);

/* The units among the n runs of check_impact_list(), and how many of the
 * runs have no serial known (unknown may be NULL). */
size_t check_impact_units(const struct check_impact *v, size_t n, size_t *unknown);

/* "2026-11-30T07:15:00Z" as a time_t (UTC); -1 when it is not one. */
time_t check_parse_time(const char *iso);

#endif
