/* station.c - the production station's loop: sign in, then per unit scan,
 * start, run (run_execute, as `rig run`), verdict, lamps and buzzer.
 *
 * The start button: the run opens every device itself, so the station may
 * hold nothing across a run. Between runs it opens only the fixture's
 * safety I/O (a real bench's GPIO lines: START, lamps, buzzer) and polls
 * the keyboard and the button in turn (the keyboard without waiting, the
 * button for 50 ms), and closes the I/O again before run_execute(). It
 * holds the lines only on the ready screen and while beeping, so a `rig
 * run` from CI that waits for the bench lock finds them free. On the
 * virtual bench there is no button to press: Enter starts.
 */
#include "station/station.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "core/fixture.h"
#include "core/paths.h"
#include "dev/io/io.h"
#include "run/profile.h"
#include "run/text.h"
#include "check/check.h"
#include "station/shift.h"
#include "station/sockets.h"
#include "station/station_int.h"
#include "station/term.h"
#include "store/index.h"

#define KEY_POLL_MS 200
#define BUTTON_POLL_MS 50

/* The one thing a signal handler may touch (SIGTERM, SIGHUP, SIGINT from
 * kill: end the shift after the current step; Ctrl-C on the keyboard is a
 * key in raw mode). */
static volatile sig_atomic_t station_signal;

static void on_signal(int sig)
{
	station_signal = sig;
}


void station_draw(struct station *st)
{
	term_size(&st->t, &st->cols, &st->rows);
	st->scr.cols = st->cols;
	st->scr.rows = st->rows;
	st->scr.operator_name = st->operator_name;
	st->scr.unit = st->unit;
	st->scr.input = st->input;
	st->scr.serial = st->serial;
	st->scr.message = st->message[0] ? st->message : NULL;
	/* What the run said last: its phase and the point it measures. */
	st->scr.phase = st->phase[0] ? st->phase : NULL;
	st->scr.detail = st->detail;
	screen_draw(st->t.out, &st->scr);
}

/* Redraw when the window changed size while waiting for a key. */
static void redraw_if_resized(struct station *st)
{
	int cols, rows;
	term_size(&st->t, &cols, &rows);
	if (cols != st->cols || rows != st->rows)
		station_draw(st);
}

/* ---- Safety I/O between runs (real bench only) ------------------------ */

static void io_open(struct station *st)
{
	if (st->fx.has_sim || st->io)
		return;
	struct rig_err err = { 0 };
	if (bench_io_open(&st->io, &st->fx.io, &st->hal, &err)) {
		snprintf(st->io_problem, sizeof st->io_problem, "%s", err.msg);
		st->io = NULL;
	} else {
		st->io_problem[0] = '\0';
	}
}

static void io_close(struct station *st)
{
	bench_io_close(st->io);
	st->io = NULL;
}

/* Lamps as the run left them (requesting the lines reset them) and the
 * verdict's beeps. */
static void io_verdict(struct station *st)
{
	io_open(st);
	if (!st->io)
		return;
	enum bench_lamps l = !st->res.reported		   ? LAMPS_ABORTED
			     : st->res.verdict == REPORT_PASS ? LAMPS_PASS
			     : st->res.verdict == REPORT_ABORTED ? LAMPS_ABORTED
								 : LAMPS_FAIL;
	bench_io_lamps(st->io, l, NULL);
	const unsigned *p = station_beep_pattern(&st->res);
	for (bool on = true; *p; p++, on = !on) {
		bench_io_buzzer(st->io, on, NULL);
		clock_sleep_ns(st->hal.clock, (uint64_t)*p * RIG_NS_PER_MS);
	}
	bench_io_buzzer(st->io, false, NULL);
	/* Free the lines while the next serial is scanned: a `rig run` from
	 * CI waiting for the bench lock must not then find them busy. */
	io_close(st);
}

static bool button_watched(const struct station *st)
{
	return st->io && st->fx.io.start_line[0];
}

/* Forget presses of START made before the unit was ready. */
static void button_drain(struct station *st)
{
	bool pressed = true;
	for (int i = 0; i < 32 && pressed && button_watched(st); i++)
		if (bench_io_wait_start(st->io, 0, &pressed, NULL))
			break;
}

/* A key, or TERM_KEY_NONE; *start set when START was pressed. */
static int next_input(struct station *st, bool *start)
{
	*start = false;
	if (!button_watched(st))
		return term_key(&st->t, KEY_POLL_MS);
	int k = term_key(&st->t, 0);
	if (k != TERM_KEY_NONE)
		return k;
	struct rig_err err = { 0 };
	if (bench_io_wait_start(st->io, BUTTON_POLL_MS, start, &err)) {
		snprintf(st->message, sizeof st->message, "START button: %s", err.msg);
		io_close(st);
		station_draw(st);
	}
	return TERM_KEY_NONE;
}

/* ---- Typing ----------------------------------------------------------- */

enum edit { EDIT_MORE, EDIT_DONE, EDIT_QUIT };

/* Apply one key to st->input. Serials take printable ASCII (a space not
 * first); names also UTF-8. A key that does not fit is remembered, so the
 * line is refused rather than cut. */
static enum edit edit_key(struct station *st, int k, bool is_serial)
{
	size_t len = strlen(st->input);
	size_t max = is_serial ? SERIAL_MAX : NAME_MAX_BYTES;
	if (k == TERM_KEY_EOF || k == TERM_KEY_CTRL_C || (k == TERM_KEY_CTRL_D && !len))
		return EDIT_QUIT;
	if (k == TERM_KEY_ENTER)
		return len ? EDIT_DONE : EDIT_MORE;
	if (k == TERM_KEY_BACKSPACE) {
		while (len && ((unsigned char)st->input[len - 1] & 0xC0) == 0x80)
			st->input[--len] = '\0';
		if (len)
			st->input[--len] = '\0';
	} else if (k == TERM_KEY_CTRL_U || k == TERM_KEY_ESC) {
		st->input[0] = '\0';
	} else if (k >= 0 && ((k > ' ' && k < 0x7f) || (k == ' ' && len > 0) ||
			      (!is_serial && k >= 0x80))) {
		if (len < max) {
			st->input[len] = (char)k;
			st->input[len + 1] = '\0';
		} else {
			st->input_too_long = true;
		}
	}
	if (!st->input[0])
		st->input_too_long = false;
	return EDIT_MORE;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* Read a line on screen `kind`; false when the operator quits. */
bool station_read_line(struct station *st, enum screen_kind kind, bool is_serial)
{
	st->scr.kind = kind;
	station_draw(st);
	for (;;) {
		if (station_signal) {
			st->ended = true;
			return false;
		}
		bool start;
		int k = next_input(st, &start);
		if (k == TERM_KEY_NONE) {
			redraw_if_resized(st);
			continue;
		}
		st->ended = k == TERM_KEY_EOF;
		if (k == TERM_KEY_CTRL_O && kind == SCREEN_SCAN) {
			st->hand_over = true;
			return false;
		}
		if (k == TERM_KEY_ESC && st->hand_over_cancel)
			return false;
		st->message[0] = '\0';
		if (k == TERM_KEY_ENTER && !st->input[0]) {
			/* Enter on nothing is refused out loud, not ignored. */
			snprintf(st->message, sizeof st->message, "%s",
				 kind == SCREEN_SIGN_IN
					 ? "Nothing was entered: type your name or scan your badge."
					 : "Nothing was entered: scan the serial on the pen.");
			station_draw(st);
			continue;
		}
		enum edit e = edit_key(st, k, is_serial);
		if (e == EDIT_QUIT)
			return false;
		if (e == EDIT_DONE && st->input_too_long) {
			/* Refused out loud, never silently cut to what fits. */
			snprintf(st->message, sizeof st->message,
				 "Refused: longer than %zu characters. Scan again.",
				 is_serial ? (size_t)SERIAL_MAX : (size_t)NAME_MAX_BYTES);
			st->input[0] = '\0';
			st->input_too_long = false;
			station_draw(st);
			continue;
		}
		if (e == EDIT_DONE) {
			trim(st->input);
			return true;
		}
		station_draw(st);
	}
}

/* ---- One unit --------------------------------------------------------- */

/* Ready screen: true to start, false to scan again; *quit on end. */
static bool wait_start(struct station *st, bool *quit)
{
	*quit = false;
	io_open(st);
	st->scr.kind = SCREEN_READY;
	st->scr.start_button = button_watched(st);
	if (st->io_problem[0] && !st->io)
		snprintf(st->message, sizeof st->message,
			 "START button not available (%s): Enter starts", st->io_problem);
	button_drain(st);
	station_draw(st);
	for (;;) {
		if (station_signal) {
			*quit = true;
			return false;
		}
		bool start;
		int k = next_input(st, &start);
		if (start || k == TERM_KEY_ENTER)
			return true;
		if (k == TERM_KEY_ESC || k == TERM_KEY_CTRL_O) {
			st->hand_over = k == TERM_KEY_CTRL_O; /* then the serial is scanned again */
			io_close(st);
			return false;
		}
		if (k == TERM_KEY_EOF || k == TERM_KEY_CTRL_C || k == TERM_KEY_CTRL_D) {
			*quit = true;
			return false;
		}
		if (k == TERM_KEY_NONE)
			redraw_if_resized(st);
	}
}

static void on_phase(void *ctx, const char *phase)
{
	struct station *st = ctx;
	snprintf(st->phase, sizeof st->phase, "%s", phase);
	station_draw(st);
}

static void on_progress(void *ctx, const char *phase, unsigned step, unsigned nsteps,
			const char *text)
{
	struct station *st = ctx;
	snprintf(st->phase, sizeof st->phase, "%s", phase);
	snprintf(st->detail, sizeof st->detail, "%s", text);
	st->scr.step = step;
	st->scr.nsteps = nsteps;
	station_draw(st);
}

/* What the run (or the bench) says to the operator, joined: why it could
 * not run. */
static void on_message(void *ctx, const char *text)
{
	struct station *st = ctx;
	/* It quotes what pens, scanners and files said: escaped, as `rig
	 * run` shows it. */
	char shown[4 * RIG_ERR_MSG_MAX];
	text_escape(shown, sizeof shown, text);
	size_t len = strlen(st->error_text);
	snprintf(st->error_text + len, sizeof st->error_text - len, "%s%s", len ? " / " : "",
		 shown);
}

/* One unit as `rig run` would test it: profile, a bench of its own, the
 * run, the bench closed. */
static void test_unit(struct station *st, char *const *sims, size_t nsims)
{
	const struct station_options *o = st->o;
	struct run_observer obs = {
		.phase = on_phase, .progress = on_progress, .message = on_message, .ctx = st,
	};
	struct run_options ro = {
		.serial = st->serial,
		.operator_name = st->operator_name,
		.records_note = st->records_note,
		.mode = o->mode,
		.out_dir = o->out_dir,
		.observer = &obs,
	};
	struct bench_options bo = {
		.fixture_path = o->fixture_path, .sims = sims, .nsims = nsims,
		.notice = on_message, .notice_ctx = st,
		.flags = o->rehearsal ? BENCH_REAL_CLOCK : 0,
	};
	struct profile prof;
	struct bench b;
	struct rig_err err = { 0 };
	enum rig_rc rc;
	memset(&st->res, 0, sizeof st->res);
	if ((rc = profile_load(&prof, o->profile_path, &err)) ||
	    (rc = station_same_profile(&st->fx, &st->prof, &prof, &err)) ||
	    (rc = run_check_profile(&prof, o->mode, &err))) {
		on_message(st, err.msg);
		st->res.rc = rc;
	} else if ((rc = bench_open(&b, &bo, &err))) {
		on_message(st, err.msg);
		st->res.rc = rc;
		bench_close(&b);
	} else {
		run_execute(&b, &prof, &ro, &st->res);
		bench_close(&b);
	}
	st->unit_exit = o->exit_code ? o->exit_code(&st->res) : rig_exit_code(st->res.rc);
}

/* The unit into the shift's log, and the shift report written anew (a
 * service restart loses nothing). */
static void note_unit(struct station *st)
{
	struct rig_err err = { 0 };
	if (shift_note_run(&st->log, st->shift, st->serial, st->operator_name, &st->res,
			   time(NULL), &err))
		snprintf(st->message, sizeof st->message, "shift report not written: %s", err.msg);
}

/* A serial tested before in this shift: say so on the ready screen. */
static void warn_retest(struct station *st)
{
	shift_retest_warning(&st->log, st->o->out_dir ? st->o->out_dir : REPORT_DEFAULT_DIR,
			     st->serial, time(NULL), st->message, sizeof st->message);
}

/* The settings the virtual bench gets for this unit: the pen carries the
 * scanned serial and its own seed, then --sim, then the unit's own. */
static void run_unit(struct station *st)
{
	const struct station_options *o = st->o;
	struct station_unit_sims us = { .n = 0 };
	if (st->fx.has_sim)
		station_unit_sims(&us, st->serial, st->unit, o->sims, o->nsims, o->plan);
	st->scr.kind = SCREEN_RUNNING;
	st->phase[0] = st->detail[0] = '\0';
	st->scr.step = st->scr.nsteps = 0;
	st->message[0] = '\0';
	st->error_text[0] = '\0';
	io_close(st);
	station_draw(st);
	/* What stops the run before a report comes through the observer:
	 * off the running screen, onto the result screen. */
	test_unit(st, us.v, us.n);
	/* The folder's results index (as `rig run` does); a failure here is
	 * caught up by the next unit, `rig index` or `rig sync`. */
	struct rig_err ierr;
	if (st->res.reported)
		(void)store_index_after_run(o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR, &ierr);
	if (!st->error_text[0])
		snprintf(st->error_text, sizeof st->error_text, "the run ended with exit code %d",
			 st->unit_exit);
	note_unit(st);
	/* Keys typed during the run were not meant for the next unit. */
	term_discard_input(&st->t);
	st->scr.kind = SCREEN_RESULT;
	st->scr.res = &st->res;
	st->scr.error_text = st->error_text;
	station_draw(st);
	io_verdict(st);
}

/* The bench check's status for the ready screen (rig/check/check.h). */
static void describe_check(struct station *st)
{
	const struct fixture_check *fc = &st->fx.check;
	check_calibrations_line(&st->fx, time(NULL), st->cal_line, sizeof st->cal_line);
	st->scr.cal_status = st->cal_line[0] ? st->cal_line : NULL;
	st->scr.bench_status = NULL;
	if (!fc->reference[0] || fc->interval_h <= 0)
		return;
	check_status_line(st->o->out_dir ? st->o->out_dir : REPORT_DEFAULT_DIR,
			  st->fx.bench.station, fc->interval_h, time(NULL), st->check_line,
			  sizeof st->check_line);
	st->scr.bench_status = st->check_line;
}

/* On the virtual bench, say which pen this unit is. */
static void describe_unit(struct station *st)
{
	st->scr.unit_note = NULL;
	if (!st->fx.has_sim)
		return;
	station_plan_describe(st->o->plan, st->o->sims, st->o->nsims, st->unit, st->note,
			      sizeof st->note);
	st->scr.unit_note = st->note;
}

/* ---- The shift -------------------------------------------------------- */

static int load_inputs(struct station *st)
{
	const struct station_options *o = st->o;
	struct rig_err err = { 0 };
	enum rig_rc rc;
	if ((rc = profile_load(&st->prof, o->profile_path, &err))) {
		fprintf(stderr, "rig station: %s\n", err.msg);
		return rig_exit_code(rc);
	}
	const char *fx = o->fixture_path ? o->fixture_path : rig_default_fixture();
	if ((rc = fixture_load(&st->fx, fx, &err))) {
		fprintf(stderr, "rig station: %s\n", err.msg);
		return rig_exit_code(rc);
	}
	if (!st->fx.has_sim && o->rehearsal) {
		fprintf(stderr, "rig station: --rehearsal runs the virtual bench in real time, but "
				"%s is a real bench (no [sim] section)\n", st->fx.path);
		fixture_free(&st->fx);
		return RIG_EXIT_USAGE;
	}
	if (!st->fx.has_sim && (o->nsims || (o->plan && o->plan->n))) {
		fprintf(stderr, "rig station: --sim and --sim-unit need a virtual bench, but %s is a "
				"real bench (no [sim] section)\n", st->fx.path);
		fixture_free(&st->fx);
		return RIG_EXIT_USAGE;
	}
	return RIG_EXIT_PASS;
}

/* Ctrl-O on the sockets' screen (no socket testing). */
static bool sockets_hand_over(void *ctx, char *message, size_t cap)
{
	struct station *st = ctx;
	bool ok = station_hand_over(st);
	snprintf(message, cap, "%s", st->message);
	st->message[0] = '\0';
	return ok;
}

/* The shift on a bench of several sockets (sockets.c): 0, or the exit
 * code with the reason in st->error_text. */
static int several_sockets(struct station *st)
{
	st->scr.operator_name = st->operator_name;
	struct station_sockets c = {
		.o = st->o, .fx = &st->fx, .t = &st->t, .hdr = &st->scr, .shift = st->shift,
		.log = &st->log, .operator_name = st->operator_name,
		.records_note = st->records_note, .signal = &station_signal, .prof = &st->prof,
		.hand_over = sockets_hand_over, .hand_over_ctx = st,
	};
	int code = station_sockets_shift(&c);
	snprintf(st->error_text, sizeof st->error_text, "%s", c.error);
	return code;
}

enum after { AFTER_NEXT, AFTER_RETEST, AFTER_QUIT };

/* The result stays until the next serial is scanned (its first character
 * starts the next unit's serial), Ctrl-R tests the same unit again after a
 * FAIL or ABORTED, and ending the shift here is asked first: a Ctrl-C
 * meant for something else must not end it. */
static enum after after_result(struct station *st)
{
	st->input[0] = '\0';
	bool asking = false;
	bool again = !st->res.reported || st->res.verdict != REPORT_PASS;
	for (;;) {
		if (station_signal)
			return AFTER_QUIT;
		bool start;
		int k = next_input(st, &start);
		if (k == TERM_KEY_NONE) {
			redraw_if_resized(st);
			continue;
		}
		if (k == TERM_KEY_EOF)
			return AFTER_QUIT;
		if (asking) {
			if (k == 'y' || k == 'Y')
				return AFTER_QUIT;
			asking = false;
			st->message[0] = '\0';
			station_draw(st);
			continue;
		}
		if (k == TERM_KEY_CTRL_C || k == TERM_KEY_CTRL_D) {
			asking = true;
			snprintf(st->message, sizeof st->message,
				 "End the shift? Press y to end it, any other key to go on.");
			station_draw(st);
			continue;
		}
		if (k == TERM_KEY_CTRL_R && again)
			return AFTER_RETEST;
		if (k == TERM_KEY_CTRL_O) {
			st->hand_over = true;
			return AFTER_NEXT;
		}
		if (k == TERM_KEY_ENTER || k == TERM_KEY_ESC)
			return AFTER_NEXT;
		if (k > ' ' && k < 0x7f) {
			edit_key(st, k, true);
			return AFTER_NEXT;
		}
	}
}

/* The shift on one socket: unit after unit until the operator ends it. */
static void units(struct station *st)
{
	for (st->unit = 1;; st->unit++) {
		st->scr.res = NULL;
		if (st->hand_over) {
			st->hand_over = false;
			st->retest = false;
			if (!station_hand_over(st))
				break;
		}
		if (!st->retest) {
			if (!station_read_line(st, SCREEN_SCAN, true)) {
				if (!st->hand_over)
					break;
				st->unit--; /* the same unit, after the hand-over */
				continue;
			}
			char why[RIG_ERR_MSG_MAX];
			if (!profile_serial_ok(&st->prof, st->input, why, sizeof why)) {
				snprintf(st->message, sizeof st->message, "Refused, scan again: %s",
					 why);
				st->input[0] = '\0';
				st->unit--; /* the same unit, scanned again */
				continue;
			}
			snprintf(st->serial, sizeof st->serial, "%s", st->input);
		}
		st->input[0] = '\0';
		describe_unit(st);
		describe_check(st);
		warn_retest(st);
		bool quit;
		if (!wait_start(st, &quit)) {
			if (quit)
				break;
			st->unit--; /* scan again: the same unit */
			continue;
		}
		run_unit(st);
		enum after a = after_result(st);
		st->retest = a == AFTER_RETEST;
		if (!st->retest)
			st->serial[0] = '\0';
		if (a == AFTER_QUIT)
			break;
	}
}

int station_run(const struct station_options *o, struct station_shift *shift)
{
	memset(shift, 0, sizeof *shift);
	if (!isatty(o->in_fd) || !isatty(o->out_fd)) {
		fprintf(stderr, "rig station: needs a terminal on stdin and stdout: it is a screen "
				"and keyboard for an operator (for scripts and CI use `rig run`)\n");
		return RIG_EXIT_USAGE;
	}
	struct station *st = calloc(1, sizeof *st);
	if (!st) {
		fprintf(stderr, "rig station: out of memory\n");
		return RIG_EXIT_OSERR;
	}
	st->o = o;
	st->shift = shift;
	st->hal.clock = clock_real();
	int code = load_inputs(st);
	if (code) {
		free(st);
		return code;
	}
	struct rig_err err = { 0 };
	if (term_open(&st->t, o->in_fd, o->out_fd, &err)) {
		fprintf(stderr, "rig station: %s\n", err.msg);
		code = rig_exit_code(err.rc);
		goto out_fx;
	}
	station_signal = 0;
	struct sigaction sa = { .sa_handler = on_signal }, old_term, old_hup, old_int;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGINT, &sa, &old_int);

	/* A bench of several sockets is one station: STATION, not STATION:A. */
	const char *station = st->fx.nsockets > 1 ? st->fx.shared_station : st->fx.bench.station;
	shift_log_init(&st->log, o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR, station,
		       time(NULL));
	st->scr = (struct screen_state){
		.color = true,
		.station = station,
		.virtual_bench = st->fx.has_sim,
		.rehearsal = o->rehearsal,
		.profile = st->prof.name,
		.pen_model = st->prof.pen_model,
		.shift = shift,
	};
	if (!station_sign_in_screen(st, o->operator_name))
		goto out;
	if (st->fx.nsockets > 1) {
		code = several_sockets(st);
		goto out;
	}
	units(st);
out:
	station_sign_out(&st->fx, o->out_dir, st->operator_name);
	io_close(st);
	term_close(&st->t);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGINT, &old_int, NULL);
	if (code)
		fprintf(stderr, "rig station: %s\n", st->error_text);
	if (station_signal)
		fprintf(stderr, "rig station: %s: shift ended\n", strsignal(station_signal));
	if (st->log.runs) {
		if (shift_log_write(&st->log, time(NULL), true, &err))
			fprintf(stderr, "rig station: %s\n", err.msg);
		else
			fprintf(stderr, "rig station: shift report %s\n", st->log.path);
	}
	shift_log_free(&st->log);
out_fx:
	fixture_free(&st->fx);
	free(st);
	return code;
}
