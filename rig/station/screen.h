/* screen.h - what the station shows: a header (station, profile, operator,
 * the shift's tally and yield) above one screen per step of a unit, the
 * verdict in block letters readable from two metres.
 *
 * Pure drawing: screen_draw() writes plain ANSI escape sequences (no
 * curses) for a terminal of the given size to a FILE; the caller owns the
 * state and everything it points to.
 */
#ifndef RIG_STATION_SCREEN_H
#define RIG_STATION_SCREEN_H

#include <stdbool.h>
#include <stdio.h>

#include "run/run.h"

struct station_shift {
	unsigned pass, fail, aborted; /* verdicts of the shift's runs */
	unsigned indeterminate;       /* INDETERMINATE runs (not passed) */
	unsigned errors;              /* runs that could not test at all */
	unsigned units, first_pass;   /* units judged, and passed at their first try
				       * (rig/station/shift.h); units 0: runs count */
};

/* Units tested and first-pass yield in percent (units that passed at
 * their first try over units judged; NAN before the first). A serial
 * tested again is a retest, not a new unit. Aborted runs say nothing
 * about the pen: they count apart. */
unsigned station_shift_tested(const struct station_shift *s);
double station_shift_yield_pct(const struct station_shift *s);

enum screen_kind {
	SCREEN_SIGN_IN,  /* operator name or badge */
	SCREEN_PIN,      /* the PIN of that ID, shown as stars (docs/records.md) */
	SCREEN_SCAN,     /* serial of the next unit */
	SCREEN_READY,    /* press START or Enter */
	SCREEN_RUNNING,  /* progress */
	SCREEN_RESULT,   /* PASS / FAIL / INDETERMINATE / ABORTED, or ERROR when no test ran */
};

struct screen_state {
	int cols, rows;
	bool color;
	const char *station;      /* fixture's station name */
	bool virtual_bench;
	bool rehearsal;           /* the virtual bench in real time (training) */
	const char *bench_status; /* the bench check's status line; NULL: none */
	const char *cal_status;   /* the fixture's calibrations due; NULL: none */
	const char *profile;      /* profile name */
	const char *pen_model;
	const char *operator_name; /* "" before sign-in */
	const char *handing_over;  /* SCREEN_SIGN_IN, SCREEN_PIN: the operator handing the
				    * station over (Ctrl-O); NULL at the start of the shift */
	const struct station_shift *shift;

	enum screen_kind kind;
	unsigned unit;            /* number of the unit in the shift */
	const char *input;        /* what is being typed (sign-in, scan) */
	const char *serial;       /* unit's scanned serial */
	const char *unit_note;    /* e.g. the unit's --sim settings; may be NULL */
	bool start_button;        /* the fixture's start button is watched */
	const char *message;      /* a line for the operator; may be NULL */

	/* SCREEN_RUNNING */
	const char *phase;
	unsigned step, nsteps;
	const char *detail;

	/* SCREEN_RESULT: res->reported false means no test ran (ERROR). */
	const struct run_result *res;
	const char *error_text;   /* why no test ran */
};

void screen_draw(FILE *out, const struct screen_state *s);

/* Cursor home and the header alone (station, profile, operator, the
 * shift's tally), for screens drawn elsewhere (sockets_screen.c): returns
 * the rows written, each ended with CR LF. */
int screen_draw_header(FILE *out, const struct screen_state *s);

/* The verdict's word ("PASS" ... or "ERROR" when no report) and its ANSI
 * style (green, red, yellow). r may be NULL (ERROR). */
const char *screen_verdict(const struct run_result *r, const char **word);

/* The block-letter banner for `word` (letters A-Z and space) at the
 * largest scale that fits cols x rows, one line per row, for tests and
 * the result screen. Returns the rows written (0 if it does not fit). */
int screen_banner(FILE *out, const char *word, int cols, int rows, int *width);

#endif
