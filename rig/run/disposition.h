/* disposition.h - what the operator does with a unit that did not pass:
 * every reason the rig gives for a FAIL, an INDETERMINATE or an ABORTED
 * has a code, a short line for the operator, and a disposition (put the
 * pen in the reject bin, retest it once, call an engineer) that a profile
 * may change per code ([disposition], docs/profiles.md). The exact
 * engineering reason stays beside it (the report's note). docs/reports.md
 * lists every code and its default.
 *
 * Constant tables and pure functions: nothing to free.
 */
#ifndef RIG_RUN_DISPOSITION_H
#define RIG_RUN_DISPOSITION_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum reason_code {
	REASON_NONE,                /* a PASS */
	REASON_OUT_OF_TOLERANCE,    /* a judged measurement failed */
	REASON_INDETERMINATE,       /* too near a limit to decide (conformance rule) */
	REASON_NOT_MEASURED,        /* a judged point gave no figure (a quality gate
				     * refused it, or the signal had none) */
	REASON_PEN_HARDWARE,        /* the pen reported its own hardware error */
	REASON_PEN_SILENT,          /* the pen stopped answering */
	REASON_CALIBRATION,         /* refused, could not be fitted, lost on reset */
	REASON_SAFETY,              /* e-stop or lid */
	REASON_STOPPED,             /* a signal or the operator stopped the rig */
	REASON_LASER,               /* the displacement sensor */
	REASON_LASER_ZERO,          /* the laser's zero moved during the run */
	REASON_LOADCELL,            /* the load cell, the preload */
	REASON_PEN_LINK,            /* garbled replies on the pen's line */
	REASON_PEN_NO_ANSWER,       /* the pen never answered after power-on: it or
				     * its line, unproven which */
	REASON_WRONG_PEN,           /* wrong model or serial */
	REASON_BENCH_CALIBRATION,   /* a calibration or check out of date, or a check that did not pass */
	REASON_REPORT_FOLDER,       /* the report could not be written */
	REASON_INTERRUPTED,         /* the run died; recovered from its journal */
	REASON_BENCH,               /* anything else the bench could not do */
	REASON_COUNT
};

enum disposition { DISPOSITION_NONE, DISPOSITION_REJECT, DISPOSITION_RETEST,
		   DISPOSITION_ENGINEER };

/* "out_of_tolerance", ... ("" for REASON_NONE): the report's reason_code
 * and the profile's [disposition] key. */
const char *reason_code_name(enum reason_code c);
/* The code called name; REASON_COUNT if none. */
enum reason_code reason_code_parse(const char *name);
/* What happened, for the operator ("The pen reported a hardware fault"). */
const char *reason_code_what(enum reason_code c);
/* The default disposition of a code (docs/reports.md). */
enum disposition reason_code_default(enum reason_code c);

/* "reject", "retest", "engineer" ("" for none). */
const char *disposition_name(enum disposition d);
/* false if name is none of the three. */
bool disposition_parse(const char *name, enum disposition *d);

/* Which code a run's end has: its verdict, the run's state and what its
 * error said failed where it was raised (core/err.h: enum rig_cause; the
 * pen's hardware error is RIG_CAUSE_PEN_HARDWARE), never the text of its
 * message. unit_fault: the run found the pen at fault (run.c);
 * laser_zero_moved: the run's own zero check found the laser's zero moved
 * beyond its bound (zero_check.c). failed: a judged FAIL or a failed
 * calibration; indeterminate likewise. */
struct reason_facts {
	bool failed, indeterminate, aborted, unit_fault, laser_zero_moved;
	/* failed: the code its first failure was given where it was found
	 * (run_fail): out of tolerance, not measured, calibration. */
	enum reason_code fail_code;
	/* aborted: the error's code and what failed (RIG_CAUSE_NONE: the
	 * bench's; with RIG_E_IO, the report folder's) */
	enum rig_rc rc;
	enum rig_cause cause;
};
enum reason_code reason_classify(const struct reason_facts *f);

/* The disposition that applies to this attempt: a "retest" already used
 * (attempt >= 2) becomes "reject" for the unit's own codes and "engineer"
 * for the bench's. */
enum disposition disposition_for_attempt(enum disposition d, enum reason_code c,
					 unsigned attempt);

/* The operator's line: what happened, then what to do ("The pen stopped
 * answering. Test it once more."), with detail (e.g. the characteristic,
 * may be NULL or "") after what happened. attempt 0: a unit not known
 * (report_next_attempt), whose retest the operator must count. */
void disposition_line(char *out, size_t cap, enum reason_code c, const char *detail,
		      enum disposition d, unsigned attempt);

/* A bench check (rig check) measures a reference artifact, not a pen: what
 * did not pass puts the bench in question, so its disposition is an
 * engineer's, except where the check was only interrupted (e-stop, lid, a
 * signal, a garbled line, the wrong artifact), which is run again. Never
 * the reject bin, and a retest is not escalated by the attempt (every
 * check of an artifact counts as one). A check stopped so after a point
 * failed is no longer only interrupted: run.c makes it the engineer's. */
enum disposition check_disposition(enum reason_code c);
/* The operator's line of a check that did not pass ("Out of tolerance
 * (verify depth at 500 um). Call an engineer; judge no product on this
 * bench until a check passes."). */
void check_disposition_line(char *out, size_t cap, enum reason_code c, const char *detail,
			    enum disposition d);

#endif
