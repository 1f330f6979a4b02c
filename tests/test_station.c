/* test_station.c - `rig station` as an operator meets it: the binary on a
 * pseudo-terminal, keystrokes typed as a keyboard or barcode scanner types
 * them, every screen captured and read; plus the station's parts on their
 * own (per-unit settings, block letters, yield, buzzer patterns). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "station/plan.h"
#include "station/screen.h"
#include "station/shift.h"
#include "station/station.h"
#include "support/runrig.h"
#include "support/testutil.h"

extern char **environ;

#define PROFILE SRCDIR "/profiles/production-p25.ini"
#define SCREEN_TIMEOUT_S 300 /* generous: sanitizers and qemu are slow */

/* ---- A station on a pseudo-terminal ----------------------------------- */

struct tty_session {
	int master;
	pid_t pid;
	char *out;    /* everything the station wrote */
	size_t len, cap;
	size_t seen;  /* screens before this offset were already matched */
};

static void tty_start(struct tty_session *t, const char *args)
{
	memset(t, 0, sizeof *t);
	struct winsize ws = { .ws_row = 30, .ws_col = 100 };
	int slave;
	ck_assert_int_eq(openpty(&t->master, &slave, NULL, NULL, &ws), 0);
	const char *bin = getenv("RIG_BIN");
	const char *runner = getenv("RIG_RUNNER");
	char *cmd = NULL;
	ck_assert_int_ge(asprintf(&cmd, "exec %s %s station %s", runner ? runner : "",
				  bin ? bin : SRCDIR "/build/rig", args),
			 0);
	/* posix_spawn, not fork: a plain fork() hangs under qemu-user. */
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, slave, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, slave, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, slave, STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, t->master);
	posix_spawn_file_actions_addclose(&fa, slave);
	char *argv[] = { "sh", "-c", cmd, NULL };
	ck_assert_int_eq(posix_spawn(&t->pid, "/bin/sh", &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	free(cmd);
	close(slave);
}

/* Read what is there within timeout_ms; false at end of output. */
static bool tty_pump(struct tty_session *t, int timeout_ms)
{
	struct pollfd p = { .fd = t->master, .events = POLLIN };
	if (poll(&p, 1, timeout_ms) <= 0)
		return true;
	if (t->len + 4096 + 1 > t->cap) {
		t->cap = (t->cap + 4096) * 2;
		t->out = realloc(t->out, t->cap);
		ck_assert_ptr_nonnull(t->out);
	}
	ssize_t n = read(t->master, t->out + t->len, 4096);
	if (n <= 0)
		return false; /* EIO once the station has exited */
	t->len += (size_t)n;
	t->out[t->len] = '\0';
	return true;
}

/* A screen as a person sees it: escape sequences removed, CR LF as LF. */
static char *plain(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
			i += 2;
			while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7e))
				i++;
			continue;
		}
		if (s[i] == '\r')
			continue;
		o[k++] = s[i];
	}
	o[k] = '\0';
	return o;
}

/* The newest complete screen (from cursor-home to clear-to-end) after
 * t->seen that contains `text`, as plain text; fails the test after
 * SCREEN_TIMEOUT_S. Every screen starts with ESC[H and ends with ESC[J. */
static char *tty_expect(struct tty_session *t, const char *text)
{
	time_t end = time(NULL) + SCREEN_TIMEOUT_S;
	bool open = true;
	for (;;) {
		/* Walk the complete screens after `seen`, newest last. */
		char *found = NULL;
		size_t at = t->seen, found_end = 0;
		while (t->out) {
			char *home = strstr(t->out + at, "\033[H");
			if (!home)
				break;
			char *stop = strstr(home, "\033[J");
			if (!stop)
				break;
			char *scr = plain(home, (size_t)(stop - home));
			if (strstr(scr, text)) {
				free(found);
				found = scr;
				found_end = (size_t)(stop - t->out);
			} else {
				free(scr);
			}
			at = (size_t)(stop - t->out) + 3;
		}
		if (found) {
			t->seen = found_end;
			return found;
		}
		ck_assert_msg(open && time(NULL) < end,
			      "no screen with '%s' (the station %s); last output:\n%s", text,
			      open ? "timed out" : "exited",
			      t->out ? plain(t->out + (t->len > 3000 ? t->len - 3000 : 0),
					     t->len > 3000 ? 3000 : t->len)
				     : "(none)");
		open = tty_pump(t, 200);
	}
}

static void tty_type(struct tty_session *t, const char *keys)
{
	size_t n = strlen(keys);
	ck_assert_int_eq(write(t->master, keys, n), (ssize_t)n);
}

/* Wait for the station to exit, reading what it still writes; its exit
 * code. */
static int tty_finish(struct tty_session *t)
{
	time_t end = time(NULL) + SCREEN_TIMEOUT_S;
	bool open = true;
	int st;
	for (;;) {
		pid_t w = waitpid(t->pid, &st, WNOHANG);
		if (w == t->pid)
			break;
		if (time(NULL) >= end) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, &st, 0);
			ck_abort_msg("the station did not exit");
		}
		if (open)
			open = tty_pump(t, 100);
		else
			usleep(20000);
	}
	while (open && time(NULL) < end)
		open = tty_pump(t, 100);
	close(t->master);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void assert_has(const char *screen, const char *text)
{
	ck_assert_msg(strstr(screen, text), "the screen does not say '%s':\n%s", text, screen);
}

START_TEST(test_station_shift_of_pass_fail_and_estop_says_what_happened)
{
	char *dir = tu_tmpdir();
	char *fx_text = tu_read(SRCDIR "/fixtures/sim.ini");
	char *fixture = tu_write(dir, "sim.ini", fx_text);
	char *args = NULL;
	ck_assert_int_ge(asprintf(&args,
				  "--fixture %s --profile %s --out %s/reports "
				  "--sim-unit 2:pen.depth_gain=0.6 --sim-unit 3:fault.estop=verify",
				  fixture, PROFILE, dir),
			 0);
	struct tty_session t;
	tty_start(&t, args);

	char *s = tty_expect(&t, "Sign in");
	assert_has(s, "RIG STATION SIM-01");
	free(s);
	tty_type(&t, "Alice Martin\r");
	s = tty_expect(&t, "Unit 1: scan the serial");
	assert_has(s, "operator: Alice Martin");
	assert_has(s, "0 units tested");
	free(s);

	/* Unit 1: a good pen. A scanner types the code and Enter. */
	tty_type(&t, "MN3-000101\r");
	s = tty_expect(&t, "press Enter to start");
	assert_has(s, "serial MN3-000101");
	free(s);
	tty_type(&t, "\r");
	s = tty_expect(&t, "TESTING");
	assert_has(s, "Phase:");
	free(s);
	/* The screen follows the run: its phase and the point measured. */
	s = tty_expect(&t, "depth_sweep");
	assert_has(s, "Phase: calibrate");
	free(s);
	s = tty_expect(&t, "Phase: verify");
	free(s);
	s = tty_expect(&t, "Report:");
	assert_has(s, "\xe2\x96\x88"); /* block letters */
	assert_has(s, "Unit 1  MN3-000101: PASS");
	assert_has(s, "Every measurement passed");
	assert_has(s, "1 units tested: 1 pass, 0 fail | first-pass yield 100.0 %");
	char *path = strstr(s, "Report: ") + 8;
	path[strcspn(path, "\n ")] = '\0';
	ck_assert_msg(strstr(path, "_MN3-000101_PASS.csv"), "report %s", path);
	ck_assert_int_eq(access(path, R_OK), 0);
	free(s);

	/* Unit 2: a pen that reaches 60 % of the commanded depth. The
	 * result screen takes the next serial's first character. */
	tty_type(&t, "MN3-000102\r");
	s = tty_expect(&t, "press Enter to start");
	assert_has(s, "serial MN3-000102");
	assert_has(s, "pen.depth_gain=0.6");
	free(s);
	tty_type(&t, "\r");
	s = tty_expect(&t, "Report:");
	assert_has(s, "Unit 2  MN3-000102: FAIL");
	assert_has(s, "What failed:");
	assert_has(s, "cannot reach");
	assert_has(s, "_MN3-000102_FAIL.csv");
	assert_has(s, "2 units tested: 1 pass, 1 fail | first-pass yield 50.0 %");
	free(s);

	/* Unit 3: the e-stop is pressed during verification. */
	tty_type(&t, "MN3-000103\r");
	s = tty_expect(&t, "press Enter to start");
	assert_has(s, "fault.estop=verify");
	free(s);
	tty_type(&t, "\r");
	s = tty_expect(&t, "Report:");
	assert_has(s, "Unit 3  MN3-000103: ABORTED");
	assert_has(s, "e-stop tripped");
	assert_has(s, "_MN3-000103_ABORTED.csv");
	assert_has(s, "first-pass yield 50.0 % | 1 aborted");
	free(s);

	/* The next unit starts clean: a fresh scan screen, then end. */
	tty_type(&t, "\r");
	s = tty_expect(&t, "Unit 4: scan the serial");
	ck_assert_ptr_null(strstr(s, "Report:"));
	ck_assert_ptr_null(strstr(s, "ABORTED"));
	free(s);
	tty_type(&t, "\x04");
	ck_assert_int_eq(tty_finish(&t), 0);
	ck_assert_msg(strstr(t.out, "shift: 2 tested, 1 pass, 1 fail, 1 aborted, 0 not tested, "
				    "yield 50.0 %"),
		      "no shift summary in:\n%s", t.out + (t.len > 400 ? t.len - 400 : 0));
	free(t.out);
	free(args);
	free(fixture);
	free(fx_text);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_station_shows_why_a_unit_could_not_be_tested)
{
	/* A scanned serial the pen does not carry: the run stops at identify
	 * and the operator is told both serials. */
	char *dir = tu_tmpdir();
	char *fx_text = tu_read(SRCDIR "/fixtures/sim.ini");
	char *fixture = tu_write(dir, "sim.ini", fx_text);
	char *args = NULL;
	ck_assert_int_ge(asprintf(&args,
				  "--fixture %s --profile %s --out %s/reports --operator Bob "
				  "--sim-unit 1:pen.serial=MN3-999999",
				  fixture, PROFILE, dir),
			 0);
	struct tty_session t;
	tty_start(&t, args);
	char *s = tty_expect(&t, "Unit 1: scan the serial");
	assert_has(s, "operator: Bob");
	free(s);
	tty_type(&t, "MN3-000555\r\r");
	s = tty_expect(&t, "Report:");
	assert_has(s, "ABORTED");
	assert_has(s, "serial mismatch: scanned 'MN3-000555', the pen says 'MN3-999999'");
	free(s);
	tty_type(&t, "\x03"); /* Ctrl-C on the result screen asks first */
	s = tty_expect(&t, "End the shift?");
	free(s);
	tty_type(&t, "y");
	ck_assert_int_eq(tty_finish(&t), 0);
	free(t.out);
	free(args);
	free(fixture);
	free(fx_text);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_station_refuses_to_start_without_a_terminal)
{
	struct rig_result r = run_rig("station --fixture " SRCDIR "/fixtures/sim.ini");
	ck_assert_int_eq(r.exit_code, 64);
	ck_assert_msg(strstr(r.err, "needs a terminal"), "stderr: %s", r.err);
	rig_result_free(&r);
}
END_TEST

START_TEST(test_station_rejects_unit_settings_on_a_real_bench)
{
	struct tty_session t;
	tty_start(&t, "--fixture " SRCDIR "/fixtures/pi-bench.ini --profile " PROFILE
		      " --sim-unit 2:pen.depth_gain=0.6");
	ck_assert_int_eq(tty_finish(&t), 64);
	ck_assert_msg(strstr(t.out, "need a virtual bench"), "output: %s", t.out);
	free(t.out);
}
END_TEST

/* ---- The parts -------------------------------------------------------- */

START_TEST(test_plan_gives_each_unit_its_own_settings)
{
	struct station_plan p = { 0 };
	struct rig_err err = { 0 };
	ck_assert_int_eq(station_plan_add(&p, "2:pen.depth_gain=0.6", &err), RIG_OK);
	ck_assert_int_eq(station_plan_add(&p, "2:seed=7", &err), RIG_OK);
	ck_assert_int_eq(station_plan_add(&p, "3:fault.estop=verify", &err), RIG_OK);
	const char *kv[4];
	ck_assert_uint_eq(station_plan_unit(&p, 1, kv, 4), 0);
	ck_assert_uint_eq(station_plan_unit(&p, 2, kv, 4), 2);
	ck_assert_str_eq(kv[0], "pen.depth_gain=0.6");
	ck_assert_str_eq(kv[1], "seed=7");
	ck_assert_uint_eq(station_plan_unit(&p, 3, kv, 4), 1);
	ck_assert_str_eq(kv[0], "fault.estop=verify");
	ck_assert_uint_eq(p.last_unit, 3);
	station_plan_free(&p);
}
END_TEST

START_TEST(test_plan_rejects_a_unit_spec_without_number_or_value)
{
	const char *bad[] = { "pen.depth_gain=0.6", "0:seed=1", "x:seed=1", "2:seed", "2:=1",
			      "-1:seed=2", "2" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct station_plan p = { 0 };
		struct rig_err err = { 0 };
		ck_assert_msg(station_plan_add(&p, bad[i], &err) == RIG_E_USAGE, "accepted '%s'",
			      bad[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "expected"));
		station_plan_free(&p);
	}
}
END_TEST

START_TEST(test_units_file_numbers_lines_in_order_and_names_bad_lines)
{
	char *dir = tu_tmpdir();
	char *path = tu_write(dir, "units.txt",
			      "# a rehearsal shift\n"
			      "-                              # unit 1: a good pen\n"
			      "\n"
			      "pen.depth_gain=0.6\n"
			      "fault.estop=verify seed=9\n");
	struct station_plan p = { 0 };
	struct rig_err err = { 0 };
	ck_assert_int_eq(station_plan_load(&p, path, &err), RIG_OK);
	const char *kv[4];
	ck_assert_uint_eq(station_plan_unit(&p, 1, kv, 4), 0);
	ck_assert_uint_eq(station_plan_unit(&p, 2, kv, 4), 1);
	ck_assert_str_eq(kv[0], "pen.depth_gain=0.6");
	ck_assert_uint_eq(station_plan_unit(&p, 3, kv, 4), 2);
	ck_assert_str_eq(kv[1], "seed=9");
	ck_assert_uint_eq(p.last_unit, 3);
	station_plan_free(&p);

	char *bad = tu_write(dir, "bad.txt", "seed=1\npen.depth_gain\n");
	ck_assert_int_eq(station_plan_load(&p, bad, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "bad.txt:2") && strstr(err.msg, "pen.depth_gain"), "%s",
		      err.msg);
	station_plan_free(&p);
	ck_assert_int_eq(station_plan_load(&p, "/nonexistent/units.txt", &err), RIG_E_CONFIG);
	station_plan_free(&p);
	free(bad);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_yield_counts_pass_over_tested_and_leaves_aborts_apart)
{
	struct station_shift s = { 0 };
	ck_assert(isnan(station_shift_yield_pct(&s)));
	s = (struct station_shift){ .pass = 3, .fail = 1, .aborted = 5, .errors = 2 };
	ck_assert_uint_eq(station_shift_tested(&s), 4);
	ck_assert_double_eq_tol(station_shift_yield_pct(&s), 75.0, 1e-9);
}
END_TEST

/* INDETERMINATE is never a PASS: in the shift's counts, its yield, its
 * report, the buzzer and the result screen (issue 15). */
START_TEST(test_indeterminate_is_counted_apart_and_never_as_pass)
{
	struct station_shift s = { .pass = 3, .indeterminate = 1 };
	ck_assert_uint_eq(station_shift_tested(&s), 4);
	ck_assert_double_eq_tol(station_shift_yield_pct(&s), 75.0, 1e-9);

	struct shift_log log;
	shift_log_init(&log, "/nonexistent", "SIM-01", 0);
	struct run_result pass = { .reported = true, .verdict = REPORT_PASS };
	struct run_result ind = { .reported = true, .verdict = REPORT_INDETERMINATE,
				  .nfailures = 1 };
	snprintf(ind.reason, sizeof ind.reason, "verify depth at 1000 um: probability 60 %%");
	shift_log_add(&log, "MN3-1", "op", &ind, 100);
	shift_log_add(&log, "MN3-1", "op", &pass, 200); /* retested: passed */
	shift_log_add(&log, "MN3-2", "op", &pass, 300);
	unsigned units, first, final;
	shift_log_yield(&log, &units, &first, &final);
	ck_assert_uint_eq(units, 2);
	ck_assert_uint_eq(first, 1); /* MN3-1's first try did not pass */
	ck_assert_uint_eq(final, 2);
	ck_assert_uint_eq(log.pass, 2);
	ck_assert_uint_eq(log.indeterminate, 1);
	ck_assert_uint_eq(log.fail + log.aborted, 0);
	shift_log_free(&log);

	ck_assert_ptr_ne(station_beep_pattern(&ind), station_beep_pattern(&pass));

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct station_shift sh = { .indeterminate = 1 };
	snprintf(ind.failures[0].text, sizeof ind.failures[0].text, "%.150s", ind.reason);
	snprintf(ind.report_path, sizeof ind.report_path, "reports/x_INDETERMINATE.csv");
	struct screen_state st = { .station = "SIM-01", .cols = 100, .rows = 30, .unit = 1,
				   .kind = SCREEN_RESULT, .serial = "MN3-1", .res = &ind,
				   .shift = &sh };
	screen_draw(f, &st);
	fclose(f);
	ck_assert_msg(strstr(buf, "MN3-1: INDETERMINATE - not passed"), "%s", buf);
	ck_assert_msg(strstr(buf, "verify depth at 1000 um"), "%s", buf);
	ck_assert_msg(strstr(buf, "1 indeterminate"), "%s", buf);
	ck_assert_msg(!strstr(buf, ": PASS"), "%s", buf);
	free(buf);
}
END_TEST

/* Runs of no known serial (nothing scanned, no *IDN? answer) are pens no
 * one can tell apart: the shift log counts each as a unit of its own and
 * never says one was "tested before" (as rig stats does, 8678371). */
START_TEST(test_shift_log_unknown_serials_are_units_of_their_own)
{
	struct shift_log log;
	shift_log_init(&log, "/nonexistent", "SIM-01", 0);
	struct run_result pass = { .reported = true, .verdict = REPORT_PASS };
	struct run_result fail = { .reported = true, .verdict = REPORT_FAIL, .nfailures = 1 };
	snprintf(fail.reason, sizeof fail.reason, "verify depth at 1000 um: measured 900 um");
	shift_log_add(&log, "unknown", "op", &fail, 100);
	shift_log_add(&log, " Unknown ", "op", &pass, 200);
	shift_log_add(&log, "", "op", &pass, 300);
	shift_log_add(&log, "MN3-7", "op", &fail, 400);
	shift_log_add(&log, "mn3-7", "op", &pass, 500); /* retested: passed */
	unsigned units, first, final;
	shift_log_yield(&log, &units, &first, &final);
	ck_assert_uint_eq(units, 4);
	ck_assert_uint_eq(first, 2);
	ck_assert_uint_eq(final, 3);
	ck_assert_ptr_null(shift_log_find(&log, "unknown"));
	ck_assert_ptr_nonnull(shift_log_find(&log, "MN3-7"));
	char line[200] = "";
	shift_log_retest_line(&log, "UNKNOWN", 0, 600, line, sizeof line);
	ck_assert_msg(line[0] == '\0', "a retest line for an unknown unit: %s", line);
	shift_log_retest_line(&log, "MN3-7", 3, 600, line, sizeof line);
	ck_assert_msg(strstr(line, "MN3-7 was tested"), "%s", line);
	shift_log_free(&log);
}
END_TEST

START_TEST(test_banner_fills_a_wide_screen_and_shrinks_to_a_narrow_one)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int width = 0;
	/* 4 letters: 23 cells wide at scale 1. */
	int rows = screen_banner(f, "PASS", 200, 30, &width);
	fclose(f);
	ck_assert_int_eq(rows, 15);  /* 5 rows, 3 times */
	ck_assert_int_eq(width, 23 * 6);
	ck_assert_ptr_nonnull(strstr(buf, "\xe2\x96\x88"));
	free(buf);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(screen_banner(f, "ABORTED", 41, 5, &width), 5);
	fclose(f);
	ck_assert_int_eq(width, 41);
	free(buf);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(screen_banner(f, "ABORTED", 40, 24, &width), 0);
	fclose(f);
	free(buf);
}
END_TEST

START_TEST(test_result_screen_wraps_long_failures_inside_the_width)
{
	struct station_shift sh = { .fail = 1 };
	struct run_result res = { .reported = true, .verdict = REPORT_FAIL, .nfailures = 1 };
	snprintf(res.failures[0].text, sizeof res.failures[0].text,
		 "calibration: the pen cannot reach 2500 um: the most it gave was 1508.4 um at "
		 "the highest raw setting");
	snprintf(res.report_path, sizeof res.report_path, "reports/x_FAIL.csv");
	struct screen_state s = {
		.cols = 60, .rows = 24, .station = "ST", .profile = "p", .pen_model = "m",
		.operator_name = "op", .shift = &sh, .kind = SCREEN_RESULT, .unit = 1,
		.serial = "SN1", .res = &res,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	screen_draw(f, &s);
	fclose(f);
	char *scr = plain(buf, len);
	assert_has(scr, "the highest raw setting");
	assert_has(scr, "Report: reports/x_FAIL.csv");
	int nlines = 1;
	for (char *line = scr, *nl; (nl = strchr(line, '\n')); line = nl + 1, nlines++) {
		int chars = 0;
		for (char *c = line; c < nl; c++)
			chars += ((unsigned char)*c & 0xC0) != 0x80;
		ck_assert_msg(chars <= 60, "line wider than the screen: %.*s", (int)(nl - line),
			      line);
	}
	ck_assert_int_eq(nlines, 24);
	free(scr);
	free(buf);
}
END_TEST

/* The result screen at cols x rows, as plain text. */
static char *result_screen(const struct run_result *res, int cols, int rows)
{
	struct station_shift sh = { .fail = 1 };
	struct screen_state s = {
		.cols = cols, .rows = rows, .station = "ST", .profile = "p", .pen_model = "m",
		.operator_name = "op", .shift = &sh, .kind = SCREEN_RESULT, .unit = 7,
		.serial = "MN3-000123", .res = res,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	screen_draw(f, &s);
	fclose(f);
	char *scr = plain(buf, len);
	free(buf);
	return scr;
}

/* Rows of the block-letter banner (rows holding a U+2588 full block). */
static int banner_rows(const char *scr)
{
	int n = 0;
	for (const char *line = scr; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (memmem(line, len, "\xe2\x96\x88", 3))
			n++;
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

static void many_failures(struct run_result *r, size_t n)
{
	memset(r, 0, sizeof *r);
	r->reported = true;
	r->verdict = REPORT_FAIL;
	r->nfailures = n;
	for (size_t i = 0; i < n && i < RUN_MAX_FAILURES; i++)
		snprintf(r->failures[i].text, sizeof r->failures[i].text,
			 "verify depth at %zu um: measured %zu.4 um (U 2.1 um) is above the "
			 "acceptance limit of the specification shrunk by U", 250 * (i + 1),
			 250 * (i + 1) + 120);
	snprintf(r->report_path, sizeof r->report_path, "reports/x_FAIL.csv");
}

START_TEST(test_fail_banner_is_as_tall_as_pass_whatever_the_reasons)
{
	static const int sizes[][2] = { { 80, 24 }, { 100, 30 }, { 132, 43 }, { 200, 60 } };
	struct run_result pass = { .reported = true, .verdict = REPORT_PASS, .bench_time_s = 12 };
	snprintf(pass.report_path, sizeof pass.report_path, "reports/x_PASS.csv");
	struct run_result fail;
	many_failures(&fail, 9);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char *p = result_screen(&pass, sizes[i][0], sizes[i][1]);
		char *f = result_screen(&fail, sizes[i][0], sizes[i][1]);
		int bp = banner_rows(p), bf = banner_rows(f);
		ck_assert_msg(bf >= 5, "%dx%d: FAIL is not drawn in block letters", sizes[i][0],
			      sizes[i][1]);
		ck_assert_msg(bf == bp, "%dx%d: FAIL banner %d rows, PASS %d", sizes[i][0],
			      sizes[i][1], bf, bp);
		/* far larger than any text: a third of the rows below the header,
		 * up to the largest scale the banner has (3 x 5 rows) */
		int want = (sizes[i][1] - 4) / 3 < 15 ? (sizes[i][1] - 4) / 3 : 15;
		ck_assert_msg(bf >= want, "%dx%d: banner only %d rows", sizes[i][0], sizes[i][1], bf);
		/* every reason listed, or as many as fit and the count of the rest */
		ck_assert_msg(strstr(f, "... and ") || strstr(f, "depth at 2250 um"),
			      "%dx%d: reasons neither all listed nor counted", sizes[i][0],
			      sizes[i][1]);
		ck_assert_msg(strstr(f, "Report: reports/x_FAIL.csv"), "%dx%d: no report line",
			      sizes[i][0], sizes[i][1]);
		int nlines = 1;
		for (char *c = f; *c; c++)
			nlines += *c == '\n';
		ck_assert_int_eq(nlines, sizes[i][1]);
		free(p);
		free(f);
	}
}
END_TEST

/* Scans the profile does not take are refused with a message, not cut or
 * trimmed: a serial that misses the profile's serial_pattern, a scan
 * longer than the line; a serial with earlier reports in the folder is
 * announced with the attempt its report will carry. */
START_TEST(test_station_refuses_scans_the_profile_does_not_take)
{
	char *dir = tu_tmpdir();
	char *fx_text = tu_read(SRCDIR "/fixtures/sim.ini");
	char *fixture = tu_write(dir, "sim.ini", fx_text);
	char *prof_text = tu_read(PROFILE);
	char *with = NULL;
	char *at = strstr(prof_text, "pen_model = MN-300\n");
	ck_assert_ptr_nonnull(at);
	at += strlen("pen_model = MN-300\n");
	ck_assert_int_ge(asprintf(&with, "%.*sserial_pattern = MN3-[0-9]{6}\n%s",
				  (int)(at - prof_text), prof_text, at), 0);
	char *profile = tu_write(dir, "pattern.ini", with);
	/* MN3-000301 was tested twice before in this folder */
	char *sub = NULL;
	ck_assert_int_ge(asprintf(&sub, "%s/reports", dir), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	char *summary = tu_write(sub, "summary.csv",
				 "\"run_id\",\"pen_serial\",\"verdict\"\r\n"
				 "\"a\",\"MN3-000301\",\"FAIL\"\r\n"
				 "\"b\",\"mn3-000301 \",\"ABORTED\"\r\n");
	char *args = NULL;
	ck_assert_int_ge(asprintf(&args, "--fixture %s --profile %s --out %s", fixture, profile,
				  sub), 0);
	struct tty_session t;
	tty_start(&t, args);
	char *s = tty_expect(&t, "Sign in");
	free(s);
	tty_type(&t, "Bea\r");
	s = tty_expect(&t, "Unit 1: scan the serial");
	free(s);
	tty_type(&t, "MN3-12\r");
	s = tty_expect(&t, "Refused, scan again: 'MN3-12' does not match MN3-[0-9]{6}, the");
	assert_has(s, "Unit 1: scan the serial");
	free(s);
	char longer[80];
	memset(longer, '7', sizeof longer - 2);
	longer[sizeof longer - 2] = '\r';
	longer[sizeof longer - 1] = '\0';
	tty_type(&t, longer);
	s = tty_expect(&t, "Refused: longer than 63 characters");
	free(s);
	tty_type(&t, "mn3-000301\r");
	s = tty_expect(&t, "press Enter to start");
	assert_has(s, "was tested before (its reports are in this folder); this is attempt 3");
	free(s);
	tty_type(&t, "\x04");
	tty_finish(&t);
	free(t.out);
	free(args);
	free(summary);
	free(sub);
	free(profile);
	free(with);
	free(prof_text);
	free(fixture);
	free(fx_text);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A technician's shift: an empty sign-in is refused out loud; a unit
 * fails, is tested again with Ctrl-R (the ready screen says it is attempt
 * 2) and passes; first-pass yield counts it as a unit that failed its
 * first try; Ctrl-C on the result screen asks before ending the shift;
 * the shift report holds the counts. */
START_TEST(test_station_retest_duplicate_scan_and_shift_report)
{
	char *dir = tu_tmpdir();
	char *fx_text = tu_read(SRCDIR "/fixtures/sim.ini");
	char *fixture = tu_write(dir, "sim.ini", fx_text);
	char *args = NULL;
	ck_assert_int_ge(asprintf(&args,
				  "--fixture %s --profile %s --out %s/reports "
				  "--sim-unit 1:pen.depth_gain=0.6",
				  fixture, PROFILE, dir),
			 0);
	struct tty_session t;
	tty_start(&t, args);
	char *s = tty_expect(&t, "Sign in");
	free(s);
	tty_type(&t, "\r");
	s = tty_expect(&t, "Nothing was entered");
	free(s);
	tty_type(&t, "Bea\r");
	s = tty_expect(&t, "Unit 1: scan the serial");
	free(s);
	tty_type(&t, "MN3-000201\r");
	s = tty_expect(&t, "press Enter to start");
	assert_has(s, "Bench SIM-01: the virtual bench");
	free(s);
	tty_type(&t, "\r");
	s = tty_expect(&t, "Report:");
	assert_has(s, "Unit 1  MN3-000201: FAIL");
	/* what to do, above the exact reason */
	assert_has(s, "Do: The pen could not be calibrated. Put the pen in the reject bin.");
	assert_has(s, "Ctrl-R: test again");
	free(s);
	tty_type(&t, "\x12"); /* Ctrl-R */
	s = tty_expect(&t, "press Enter to start");
	assert_has(s, "MN3-000201 was tested 0 min ago: FAIL; this is attempt 2");
	free(s);
	tty_type(&t, "\r");
	s = tty_expect(&t, "Report:");
	assert_has(s, "Unit 2  MN3-000201: PASS");
	/* one unit, not two; it failed its first try */
	assert_has(s, "1 units tested: 1 pass, 1 fail | first-pass yield 0.0 %");
	free(s);
	tty_type(&t, "\x03"); /* Ctrl-C asks */
	s = tty_expect(&t, "End the shift?");
	free(s);
	tty_type(&t, "n");
	tty_type(&t, "\x04");
	s = tty_expect(&t, "End the shift?");
	free(s);
	tty_type(&t, "y");
	ck_assert_int_eq(tty_finish(&t), 0);
	/* the shift report */
	char *cmd = NULL;
	ck_assert_int_ge(asprintf(&cmd, "cat %s/reports/shift_*_SIM-01.csv", dir), 0);
	FILE *p = popen(cmd, "r");
	char buf[4096] = "";
	size_t n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	pclose(p);
	free(cmd);
	ck_assert_msg(strstr(buf, "\"units_tested\",1\r\n") && strstr(buf, "\"first_pass\",0\r\n") &&
			      strstr(buf, "\"final_pass\",1\r\n") && strstr(buf, "\"retests\",1\r\n") &&
			      strstr(buf, "\"ended\"") && strstr(buf, "\"operators\",\"Bea\""),
		      "shift report:\n%s", buf);
	free(t.out);
	free(args);
	free(fixture);
	free(fx_text);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The bench check's status is on the ready screen (ISO 13485 §7.6). */
START_TEST(test_ready_screen_shows_the_bench_check_status)
{
	char *dir = tu_tmpdir();
	char *fx_text = tu_read(SRCDIR "/fixtures/sim.ini");
	char *with = NULL;
	ck_assert_int_ge(asprintf(&with, "%s\n[check]\nreference = %s/fixtures/reference-sim.ini\n"
				  "interval_h = 8\n", fx_text, SRCDIR), 0);
	char *fixture = tu_write(dir, "checked.ini", with);
	char *args = NULL;
	ck_assert_int_ge(asprintf(&args, "--fixture %s --profile %s --out %s/reports --operator Cy",
				  fixture, PROFILE, dir), 0);
	struct tty_session t;
	tty_start(&t, args);
	char *s = tty_expect(&t, "Unit 1: scan the serial");
	free(s);
	tty_type(&t, "MN3-000301\r");
	s = tty_expect(&t, "press Enter to start");
	assert_has(s, "Bench check: NONE on record - units cannot be judged");
	free(s);
	tty_type(&t, "\x1b");   /* back to the serial */
	s = tty_expect(&t, "Unit 1: scan the serial");
	free(s);
	tty_type(&t, "\x04");
	ck_assert_int_eq(tty_finish(&t), 0);
	free(t.out);
	free(args);
	free(fixture);
	free(with);
	free(fx_text);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_buzzer_patterns_tell_the_verdicts_apart)
{
	struct run_result r = { .reported = true };
	unsigned beeps[3], total[3];
	for (int v = 0; v < 3; v++) {
		r.verdict = (enum report_verdict)v;
		const unsigned *p = station_beep_pattern(&r);
		beeps[v] = total[v] = 0;
		for (unsigned i = 0; p[i]; i++) {
			ck_assert_uint_gt(p[i], 0);
			total[v] += p[i];
			if (i % 2 == 0)
				beeps[v]++;
		}
		ck_assert_uint_le(total[v], 2000); /* the next unit is not held up */
	}
	ck_assert_uint_eq(beeps[REPORT_PASS], 1);
	ck_assert_uint_eq(beeps[REPORT_FAIL], 3);
	ck_assert_uint_eq(beeps[REPORT_ABORTED], 5);
	r.reported = false;
	ck_assert_ptr_eq(station_beep_pattern(&r), station_beep_pattern(&(struct run_result){
							    .reported = true,
							    .verdict = REPORT_ABORTED }));
}
END_TEST


/* A row of the screen that has both texts, in this order (side by side). */
static bool row_has_both(const char *screen, const char *left, const char *right)
{
	for (const char *l = screen; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char *row = strndup(l, len);
		char *a = strstr(row, left);
		bool both = a && strstr(a + strlen(left), right);
		free(row);
		if (both)
			return true;
		l = nl ? nl + 1 : NULL;
	}
	return false;
}

/* The station of a bench with several sockets starts under qemu-user? The
 * station forks a process per socket, and fork() hangs there. */
static bool sockets_skipped(void)
{
	const char *runner = getenv("RIG_RUNNER");
	if (!runner || !*runner)
		return false;
	tu_skip("test_station", 1, "the station forks a process per socket; fork() hangs under "
		"qemu-user");
	return true;
}

/* A station on a copy of fixtures/sim-2up.ini (its locks in dir), with
 * more arguments. */
static void start_two_sockets(struct tty_session *t, const char *dir, const char *more)
{
	char *fx_text = tu_read(SRCDIR "/fixtures/sim-2up.ini");
	char *fixture = tu_write(dir, "sim-2up.ini", fx_text);
	char *args = NULL;
	ck_assert_int_ge(asprintf(&args, "--fixture %s --profile %s --out %s/reports --operator Tess "
				  "%s", fixture, PROFILE, dir, more), 0);
	tty_start(t, args);
	free(args);
	free(fixture);
	free(fx_text);
	char *s = tty_expect(t, "Scan for socket A");
	ck_assert_msg(row_has_both(s, "Socket A", "Socket B"), "not side by side:\n%s", s);
	assert_has(s, "RIG STATION SIM-2UP (virtual)");
	assert_has(s, "operator: Tess");
	free(s);
}

/* End the shift (it asks first, saying `asked`); summary.csv of dir. */
static char *end_two_sockets(struct tty_session *t, const char *dir, const char *asked)
{
	tty_type(t, "\x04");
	char *s = tty_expect(t, asked);
	free(s);
	tty_type(t, "y");
	ck_assert_int_eq(tty_finish(t), 0);
	free(t->out);
	char *path = NULL;
	ck_assert_int_ge(asprintf(&path, "%s/reports/summary.csv", dir), 0);
	char *sum = tu_read(path);
	free(path);
	ck_assert_msg(sum != NULL, "no summary.csv");
	return sum;
}

/* Two sockets (fixtures/sim-2up.ini): each starts when its pen is scanned,
 * both verdicts side by side, Ctrl-R tests the failed one again, the
 * shift counts units across sockets. */
START_TEST(test_station_two_sockets_side_by_side)
{
	if (sockets_skipped())
		return;
	char *dir = tu_tmpdir();
	struct tty_session t;
	start_two_sockets(&t, dir, "--sim-unit 2:pen.depth_gain=0.6");
	tty_type(&t, "\r");
	char *s = tty_expect(&t, "Nothing was entered");
	free(s);
	tty_type(&t, "MN3-000201\r");
	s = tty_expect(&t, "Scan for socket B");
	free(s);
	tty_type(&t, "MN3-000202\r");
	s = tty_expect(&t, "2 units tested: 1 pass, 1 fail");
	ck_assert_msg(row_has_both(s, "unit 1  MN3-000201", "unit 2  MN3-000202"),
		      "serials not side by side:\n%s", s);
	ck_assert_msg(row_has_both(s, " PASS", " FAIL"), "verdicts not side by side:\n%s", s);
	ck_assert_msg(strstr(s, "\xe2\x96\x88\xe2\x96\x88"), "no block letters:\n%s", s);
	/* The next scan goes to the socket that finished first: Tab to B. */
	bool at_b = strstr(s, "Scan for socket B") != NULL;
	free(s);
	tty_type(&t, at_b ? "\x12" : "\t\x12"); /* Ctrl-R: test B again */
	s = tty_expect(&t, "2 units tested: 2 pass, 1 fail");
	assert_has(s, "unit 3  MN3-000202");
	assert_has(s, "MN3-000202 was tested 0 min ago: FAIL; this is attempt 2");
	free(s);
	char *sum = end_two_sockets(&t, dir, "End the shift?");
	ck_assert_msg(strstr(sum, "\"SIM-2UP:A\"") && strstr(sum, "\"SIM-2UP:B\""),
		      "summary.csv: %s", sum);
	free(sum);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* In real time both sockets test at once; ending the shift stops both
 * (ABORTED, named) and the station waits for them. */
START_TEST(test_station_two_sockets_run_at_once_and_stop_with_the_shift)
{
	if (sockets_skipped())
		return;
	char *dir = tu_tmpdir();
	struct tty_session t;
	start_two_sockets(&t, dir, "--rehearsal");
	tty_type(&t, "MN3-000201\r");
	char *s = tty_expect(&t, "Scan for socket B");
	free(s);
	tty_type(&t, "MN3-000202\r");
	s = tty_expect(&t, "Every socket is testing");
	free(s);
	s = tty_expect(&t, "TESTING calibrate");
	ck_assert_msg(row_has_both(s, "TESTING", "TESTING"), "not both testing:\n%s", s);
	free(s);
	char *sum = end_two_sockets(&t, dir, "Tests still running are stopped");
	const char *first = strstr(sum, "stopped by SIGTERM");
	ck_assert_msg(first && strstr(first + 1, "stopped by SIGTERM"), "summary.csv: %s", sum);
	free(sum);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("station");
	TCase *tc = tcase_create("tty");
	tcase_set_timeout(tc, 2 * SCREEN_TIMEOUT_S);
	tcase_add_test(tc, test_station_shift_of_pass_fail_and_estop_says_what_happened);
	tcase_add_test(tc, test_station_retest_duplicate_scan_and_shift_report);
	tcase_add_test(tc, test_station_refuses_scans_the_profile_does_not_take);
	tcase_add_test(tc, test_ready_screen_shows_the_bench_check_status);
	tcase_add_test(tc, test_station_shows_why_a_unit_could_not_be_tested);
	tcase_add_test(tc, test_station_refuses_to_start_without_a_terminal);
	tcase_add_test(tc, test_station_rejects_unit_settings_on_a_real_bench);
	tcase_add_test(tc, test_station_two_sockets_side_by_side);
	tcase_add_test(tc, test_station_two_sockets_run_at_once_and_stop_with_the_shift);
	suite_add_tcase(s, tc);
	tc = tcase_create("parts");
	tcase_add_test(tc, test_plan_gives_each_unit_its_own_settings);
	tcase_add_test(tc, test_plan_rejects_a_unit_spec_without_number_or_value);
	tcase_add_test(tc, test_units_file_numbers_lines_in_order_and_names_bad_lines);
	tcase_add_test(tc, test_yield_counts_pass_over_tested_and_leaves_aborts_apart);
	tcase_add_test(tc, test_banner_fills_a_wide_screen_and_shrinks_to_a_narrow_one);
	tcase_add_test(tc, test_result_screen_wraps_long_failures_inside_the_width);
	tcase_add_test(tc, test_buzzer_patterns_tell_the_verdicts_apart);
	tcase_add_test(tc, test_indeterminate_is_counted_apart_and_never_as_pass);
	tcase_add_test(tc, test_shift_log_unknown_serials_are_units_of_their_own);
	tcase_add_test(tc, test_fail_banner_is_as_tall_as_pass_whatever_the_reasons);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
