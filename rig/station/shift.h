/* shift.h - what a station's shift did, unit by unit: each serial's
 * attempts and verdicts (so a serial scanned again is a retest, not a new
 * unit, and first-pass yield counts first passes), the failures by reason,
 * and the shift report: DIR/shift_<start>_<station>.csv, written anew
 * (atomically, fsync'd) after every unit and at the end of the shift, so
 * a service restart loses nothing.
 *
 * The caller owns struct shift_log; shift_log_free() releases it.
 */
#ifndef RIG_STATION_SHIFT_H
#define RIG_STATION_SHIFT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/err.h"
#include "run/run.h"

struct shift_unit {
	char serial[64];
	char first[16], last[16];  /* first and last verdict (PASS, FAIL, ABORTED, ERROR) */
	unsigned attempts;
	time_t last_t;
};

struct shift_reason {
	char text[160];
	unsigned n;
};

/* An operator of the shift (signed in, or who ran a unit) and the runs
 * made while they were signed in. */
struct shift_operator {
	char name[64];
	unsigned runs;
};
#define SHIFT_OPERATORS_MAX 32

struct shift_log {
	char path[PATH_MAX];
	char station[64], started[32];
	struct shift_operator ops[SHIFT_OPERATORS_MAX];
	size_t nops;
	struct shift_unit *u;
	size_t n, cap;
	struct shift_reason *r;
	size_t nr, rcap;
	unsigned runs, pass, fail, aborted, not_tested, indeterminate;
};

void shift_log_init(struct shift_log *s, const char *dir, const char *station, time_t start);
void shift_log_free(struct shift_log *s);

/* An operator signed in (at the start of the shift or at a hand-over):
 * the shift report names them even before their first unit. */
void shift_log_operator(struct shift_log *s, const char *name);

/* The unit with this serial (case and surrounding spaces ignored), or NULL;
 * NULL for a serial not known (report_serial_known): each such run is a
 * unit of its own. */
const struct shift_unit *shift_log_find(const struct shift_log *s, const char *serial);

/* When serial was tested before: "MN3-1 was tested 10 min ago: FAIL;
 * this is attempt 2" (in this shift) or "... tested before ..." (attempt >
 * 1: earlier reports in the folder) into out; else out is left as it is.
 * attempt is the one the run's report will carry (report_next_attempt). */
void shift_log_retest_line(const struct shift_log *s, const char *serial, unsigned attempt,
			   time_t now, char *out, size_t cap);

/* shift_log_retest_line() with the attempt the run's report will carry,
 * counted in the runs of the report folder dir, as the run counts it, so
 * the screen and the report agree. */
void shift_retest_warning(const struct shift_log *s, const char *dir, const char *serial,
			  time_t now, char *out, size_t cap);

/* One run of a unit (res->reported false: it could not be tested). */
void shift_log_add(struct shift_log *s, const char *serial, const char *operator_name,
		   const struct run_result *res, time_t when);

/* Units with a PASS or FAIL first verdict, and of them those that passed
 * the first time, and those that passed in the end. */
void shift_log_yield(const struct shift_log *s, unsigned *units, unsigned *first_pass,
		     unsigned *final_pass);

struct station_shift; /* station/screen.h */
/* A run into the shift: counted by its verdict in *tally (no report: not
 * tested), added to the log, the yields updated and the shift report
 * written anew (a service restart loses nothing). */
enum rig_rc shift_note_run(struct shift_log *s, struct station_shift *tally, const char *serial,
			   const char *operator_name, const struct run_result *res, time_t now,
			   struct rig_err *err);

/* Write the shift report (tmp file, fsync, rename). RIG_E_IO names it. */
enum rig_rc shift_log_write(const struct shift_log *s, time_t now, bool ended,
			    struct rig_err *err);

#endif
