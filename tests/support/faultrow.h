/* faultrow.h - one row of the fault matrix: a whole `rig run` (run_execute,
 * in-process, virtual bench) with one fault injected, and the checks every
 * row must pass: no hang, no PASS unless the fault was harmless and the
 * measurements valid, a report (or exit 74 and its message for a folder
 * that cannot be written), motor off, the pen's tables old or new, never a
 * mix. Shared by tests/faults/fault_matrix.c (`make faults`) and
 * tests/test_faults.c (a fast subset in `make check`).
 *
 * The caller owns the spec and the result; fault_row_run() owns and removes
 * the temporary folder it works in.
 */
#ifndef RIG_TESTS_FAULTROW_H
#define RIG_TESTS_FAULTROW_H

#include <stdbool.h>
#include <stdint.h>

/* What a fault may do to a run. */
enum fault_harm {
	/* PASS allowed when the measurements are valid: the rig is built to
	 * ride it out (a dropped byte, a glitch read). */
	FAULT_HARMLESS,
	/* Must never PASS when it struck before `harmful_before` began. */
	FAULT_HARMFUL,
	/* E-stop, lid: the run must end ABORTED (exit 2). */
	FAULT_ABORTS,
	/* Report folder: exit 74 with a message once it struck. */
	FAULT_NO_FOLDER,
};

struct fault_spec {
	const char *fault;          /* "pen.silent" (the key after "fault.") */
	const char *when;           /* "calibrate", "t=3", "p=0.001" */
	enum fault_harm harm;
	const char *harmful_before; /* FAULT_HARMFUL: phase from which it is harmless
				     * (the load cell is read only in preload) */
	const char *why;            /* one line for the table: why (not) harmless */
	/* The fault acts only on operations (a refused or lost command): it
	 * counts from the first one it hit, not from its moment. */
	bool by_operation;
	/* Not a fault: the virtual bench's imperfect physics, `when` the
	 * [sim] parameters ("pen.ring_um=15 pen.ring_hz=4000"). */
	bool physics;
	/* A verify rate may miss the pen's true rate over its window by its U
	 * (and the settled rate by U plus FREQ_ALLOW_SETTLED, faultrow.c)
	 * plus this many U: for physics whose rate U is known to cover too
	 * little (speckle spikes: 1.6 U seen). */
	double freq_allow_u;
};

enum fault_tables { TABLES_OLD, TABLES_NEW, TABLES_MIX };

struct fault_outcome {
	int exit_code;
	bool reported;
	char verdict[12];           /* PASS, FAIL, ABORTED, "-" */
	char report_error[512];     /* exit 74: the message */
	bool struck;
	double struck_s;            /* bench time of the first strike */
	unsigned long hits;
	double bench_s;             /* the run's bench time */
	bool saw_end;
	bool motor_off, power_off;
	enum fault_tables tables;
	bool valid;                 /* PASS only: every judged value matches the truth */
	double freq_err_over_u;     /* PASS: the largest |verify rate - truth| / U */
	bool recovered;             /* exit 74: the journal became an ABORTED report */
	bool ok;                    /* every requirement held */
	char problem[256];          /* the first that did not */
	char harmless[16];          /* "yes", "no", "n/a" */
};

/* Run one row in a fresh folder under tmp_root with a copy of fixture_src. */
void fault_row_run(const struct fault_spec *spec, const char *fixture_src,
		   const char *profile, uint64_t seed, struct fault_outcome *out);

const char *fault_tables_name(enum fault_tables t);

#endif
