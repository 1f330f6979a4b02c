/* disposition.c - reason codes, the operator's line and the disposition
 * of a unit that did not pass (see disposition.h). */
#include "run/disposition.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	const char *what;            /* for the operator */
	enum disposition def;
	bool unit;                   /* the pen's own (else the bench's) */
} reasons[REASON_COUNT] = {
	[REASON_NONE] = { "", "", DISPOSITION_NONE, true },
	[REASON_OUT_OF_TOLERANCE] = { "out_of_tolerance", "Out of tolerance",
				      DISPOSITION_RETEST, true },
	[REASON_INDETERMINATE] = { "indeterminate", "Too close to a limit to decide",
				   DISPOSITION_RETEST, true },
	/* the bench could not measure the pen there: a second time is the
	 * engineer's, not the reject bin's */
	[REASON_NOT_MEASURED] = { "not_measured", "A point could not be measured",
				  DISPOSITION_RETEST, false },
	[REASON_PEN_HARDWARE] = { "pen_hardware", "The pen reported a hardware fault",
				  DISPOSITION_REJECT, true },
	[REASON_PEN_SILENT] = { "pen_silent", "The pen stopped answering", DISPOSITION_RETEST,
				true },
	[REASON_CALIBRATION] = { "calibration", "The pen could not be calibrated",
				 DISPOSITION_REJECT, true },
	[REASON_SAFETY] = { "safety", "The test was stopped by the e-stop or the lid",
			    DISPOSITION_RETEST, false },
	[REASON_STOPPED] = { "stopped", "The test was stopped (the rig was interrupted)",
			     DISPOSITION_RETEST, false },
	[REASON_LASER] = { "laser", "The laser sensor failed", DISPOSITION_ENGINEER, false },
	[REASON_LASER_ZERO] = { "laser_zero", "The laser's zero moved",
				DISPOSITION_ENGINEER, false },
	[REASON_LOADCELL] = { "loadcell", "The load cell or the preload failed",
			      DISPOSITION_ENGINEER, false },
	[REASON_PEN_LINK] = { "pen_link", "The pen's line was garbled", DISPOSITION_RETEST,
			      false },
	/* a dead pen or a dead line (cable, adapter, relay, socket): the
	 * bench's until shown otherwise; twice is an engineer's */
	[REASON_PEN_NO_ANSWER] = { "pen_no_answer", "The pen did not answer after power-on",
				   DISPOSITION_RETEST, false },
	[REASON_WRONG_PEN] = { "wrong_pen", "Wrong pen or serial for this test",
			       DISPOSITION_RETEST, false },
	[REASON_BENCH_CALIBRATION] = { "bench_calibration",
				       "The bench's calibration or check is out of date or did not pass",
				       DISPOSITION_ENGINEER, false },
	[REASON_REPORT_FOLDER] = { "report_folder", "The report could not be written",
				   DISPOSITION_ENGINEER, false },
	[REASON_INTERRUPTED] = { "interrupted", "The test did not finish (the rig stopped)",
				 DISPOSITION_RETEST, false },
	[REASON_BENCH] = { "bench", "The bench could not finish the test",
			   DISPOSITION_ENGINEER, false },
};

const char *reason_code_name(enum reason_code c)
{
	return c < REASON_COUNT ? reasons[c].name : "";
}

enum reason_code reason_code_parse(const char *name)
{
	for (int c = REASON_NONE + 1; c < REASON_COUNT; c++)
		if (!strcmp(reasons[c].name, name))
			return (enum reason_code)c;
	return REASON_COUNT;
}

const char *reason_code_what(enum reason_code c)
{
	return c < REASON_COUNT ? reasons[c].what : "";
}

enum disposition reason_code_default(enum reason_code c)
{
	return c < REASON_COUNT ? reasons[c].def : DISPOSITION_ENGINEER;
}

const char *disposition_name(enum disposition d)
{
	switch (d) {
	case DISPOSITION_REJECT: return "reject";
	case DISPOSITION_RETEST: return "retest";
	case DISPOSITION_ENGINEER: return "engineer";
	case DISPOSITION_NONE: break;
	}
	return "";
}

bool disposition_parse(const char *name, enum disposition *d)
{
	for (enum disposition k = DISPOSITION_REJECT; k <= DISPOSITION_ENGINEER; k++)
		if (!strcmp(name, disposition_name(k))) {
			*d = k;
			return true;
		}
	return false;
}

enum reason_code reason_classify(const struct reason_facts *f)
{
	if (f->aborted && f->unit_fault) {
		if (f->cause == RIG_CAUSE_PEN_HARDWARE)
			return REASON_PEN_HARDWARE;
		if (f->cause == RIG_CAUSE_PEN_SILENT)
			return REASON_PEN_SILENT;
		return REASON_CALIBRATION; /* a refused calibration command */
	}
	if (f->aborted) {
		/* from the run's state and what the error said failed where it
		 * was raised, never from its text */
		if (f->laser_zero_moved)
			return REASON_LASER_ZERO;
		switch (f->cause) {
		case RIG_CAUSE_SAFETY: return REASON_SAFETY;
		case RIG_CAUSE_STOPPED: return REASON_STOPPED;
		case RIG_CAUSE_WRONG_PEN: return REASON_WRONG_PEN;
		case RIG_CAUSE_PEN_NO_ANSWER: return REASON_PEN_NO_ANSWER;
		/* the pen's, not found at fault (run.c): no answer or an error
		 * with its power cut (the e-stop or lid found tripped), a
		 * refusal outside calibration that is not a hardware error:
		 * its line's */
		case RIG_CAUSE_PEN_SILENT:
		case RIG_CAUSE_PEN_REFUSED:
		case RIG_CAUSE_PEN_HARDWARE:
		case RIG_CAUSE_PEN_LINK: return REASON_PEN_LINK;
		case RIG_CAUSE_LASER: return REASON_LASER;
		case RIG_CAUSE_LOADCELL: return REASON_LOADCELL;
		case RIG_CAUSE_BENCH_CALIBRATION: return REASON_BENCH_CALIBRATION;
		case RIG_CAUSE_REPORT: return REASON_REPORT_FOLDER;
		case RIG_CAUSE_DB_DAMAGED: /* the results index: not the run's */
		case RIG_CAUSE_NONE: break;
		}
		return f->rc == RIG_E_IO ? REASON_REPORT_FOLDER : REASON_BENCH;
	}
	if (f->failed) /* the code given where the failure was found, not its text */
		return f->fail_code != REASON_NONE && f->fail_code < REASON_COUNT
			       ? f->fail_code
			       : REASON_OUT_OF_TOLERANCE;
	if (f->indeterminate)
		return REASON_INDETERMINATE;
	return REASON_NONE;
}

enum disposition disposition_for_attempt(enum disposition d, enum reason_code c,
					 unsigned attempt)
{
	if (d != DISPOSITION_RETEST || attempt < 2)
		return d;
	return c < REASON_COUNT && reasons[c].unit ? DISPOSITION_REJECT : DISPOSITION_ENGINEER;
}

/* What happened (with detail), then what to do. */
static void line(char *out, size_t cap, enum reason_code c, const char *detail, const char *what_to_do)
{
	if (detail && *detail)
		snprintf(out, cap, "%s (%s). %s", reason_code_what(c), detail, what_to_do);
	else
		snprintf(out, cap, "%s. %s", reason_code_what(c), what_to_do);
}

void disposition_line(char *out, size_t cap, enum reason_code c, const char *detail,
		      enum disposition d, unsigned attempt)
{
	const char *what_to_do = "";
	switch (d) {
	case DISPOSITION_REJECT:
		what_to_do = attempt >= 2 ? "Retested already: put the pen in the reject bin."
				    : "Put the pen in the reject bin.";
		break;
	case DISPOSITION_RETEST:
		/* attempt 0: the unit is not known (no serial scanned, no
		 * *IDN?), so the rig cannot count its tests: the operator,
		 * who holds the pen, keeps the retest-once rule. */
		what_to_do = c == REASON_WRONG_PEN ? "Check the pen and its serial, then test it again."
			     : attempt == 0
				     ? "The pen was not identified, so its tests are not counted: "
				       "test it once more, or call an engineer if it was just tested."
				     : "Test this pen once more.";
		break;
	case DISPOSITION_ENGINEER:
		/* the bench moved, not the pen: it is tested again once the bench is right */
		what_to_do = c == REASON_LASER_ZERO
			       ? "Call an engineer to re-zero and check the bench; then test this pen again."
			       : c == REASON_BENCH_CALIBRATION
			       /* refused before the pen was run (run.c, selfcal.c) */
			       ? "Call an engineer to set the bench right (the reason says how); "
				 "this pen was not tested: test it once the bench is right."
			       : "Call an engineer; keep the pen aside.";
		break;
	case DISPOSITION_NONE:
		break;
	}
	line(out, cap, c, detail, what_to_do);
}

enum disposition check_disposition(enum reason_code c)
{
	switch (c) {
	case REASON_NONE:
		return DISPOSITION_NONE;
	case REASON_SAFETY:
	case REASON_STOPPED:
	case REASON_INTERRUPTED:
	case REASON_PEN_LINK:
	case REASON_PEN_NO_ANSWER:
	case REASON_WRONG_PEN:
		return DISPOSITION_RETEST;
	default:
		return DISPOSITION_ENGINEER;
	}
}

void check_disposition_line(char *out, size_t cap, enum reason_code c, const char *detail,
			    enum disposition d)
{
	const char *what_to_do = "";
	switch (d) {
	case DISPOSITION_RETEST:
		what_to_do = c == REASON_WRONG_PEN
			       ? "Check the reference artifact and its serial, then run rig check again."
			       : "Run rig check once more.";
		break;
	case DISPOSITION_REJECT: /* a profile cannot set it; as the engineer's */
	case DISPOSITION_ENGINEER:
		what_to_do = c == REASON_LASER_ZERO
			       ? "Call an engineer to re-zero the bench (rig zero); then run rig check again."
			       : "Call an engineer; judge no product on this bench until a check passes.";
		break;
	case DISPOSITION_NONE:
		break;
	}
	line(out, cap, c, detail, what_to_do);
}
