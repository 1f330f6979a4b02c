/* station_int.h - the single-socket station's state, shared by
 * station.c (the loop) and signin.c (sign-in and the change of operator).
 * Not for other parts of rig. */
#ifndef RIG_STATION_STATION_INT_H
#define RIG_STATION_STATION_INT_H

#include <stdbool.h>

#include "bench/bench.h"
#include "core/fixture.h"
#include "run/profile.h"
#include "station/shift.h"
#include "station/station.h"
#include "station/term.h"

#define SERIAL_MAX 63
#define NAME_MAX_BYTES 63

struct station {
	const struct station_options *o;
	struct station_shift *shift;
	struct term t;
	struct fixture fx;
	struct profile prof;
	struct rig_hal hal;       /* real clock, for the I/O between runs */
	struct bench_io *io;      /* open only between runs on a real bench */
	char io_problem[RIG_ERR_MSG_MAX];
	char operator_name[NAME_MAX_BYTES + 1];
	char records_note[200];   /* the reports' "access control: ..." line */
	struct screen_state scr;

	unsigned unit;
	char input[NAME_MAX_BYTES + 1];
	char serial[SERIAL_MAX + 1];
	char note[512];
	char message[RIG_ERR_MSG_MAX + 64];
	struct run_result res;
	char phase[24];
	char detail[256];
	char error_text[RIG_ERR_MSG_MAX];
	int unit_exit;            /* the exit code `rig run` would give */
	int cols, rows;
	struct shift_log log;     /* units, attempts, the shift report */
	bool retest;              /* the next unit is the same serial again */
	bool input_too_long;      /* a key was refused: the line is full */
	bool ended;               /* the shift ends: a hang-up or a signal */
	bool hand_over;           /* Ctrl-O: the operator changes (signin.c) */
	bool hand_over_cancel;    /* Esc on the sign-in screen cancels the change */
	char check_line[RIG_ERR_MSG_MAX + 96];
	char cal_line[256];
};

/* Redraw the screen from st. */
void station_draw(struct station *st);

/* Read a line on screen `kind` into st->input; false when the operator
 * quits (Ctrl-C, Ctrl-D on an empty line; st->ended also set on a hang-up
 * or a signal) or, on the scan screen, asks to change operator (Ctrl-O:
 * st->hand_over set). */
bool station_read_line(struct station *st, enum screen_kind kind, bool is_serial);

/* Sign in: a name, or with [access] an ID and its PIN, asked again after
 * a refusal; preset (may be NULL) is the first name tried. false when the
 * operator quits. */
bool station_sign_in_screen(struct station *st, const char *preset);

/* Ctrl-O: the operator signed in hands the station over to the next one
 * within the shift (docs/station.md). false when the shift ends instead. */
bool station_hand_over(struct station *st);

#endif
