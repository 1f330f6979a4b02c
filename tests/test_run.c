/* test_run.c - whole test runs on the virtual bench: verdicts, reasons,
 * reports, the lock, fixture expiry, and e-stop and lid in every phase. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure/capture.h"
#include "bench/lock.h"
#include "run/disposition.h"
#include "run/run.h"
#include "sim/bench.h"
#include "sim/io.h"
#include "support/runbench.h"
#include "support/runrig.h"
#include "support/testutil.h"

#define PROFILE SRCDIR "/profiles/production-p25.ini"
#define AUDIT SRCDIR "/profiles/audit-p25.ini"

static char *dir;     /* per test: fixture copy, its lock, reports */
static char *fixture; /* dir/sim.ini */
static char *outdir;  /* dir/reports */

static char *make_fixture(const char *from, const char *to)
{
	char *text = tu_read(SRCDIR "/fixtures/sim.ini");
	ck_assert_ptr_nonnull(text);
	if (from) {
		char *t2 = tu_replace(text, from, to);
		ck_assert_msg(t2 != NULL, "sim.ini has no '%s'", from);
		free(text);
		text = t2;
	}
	char *p = tu_write(dir, "sim.ini", text);
	free(text);
	return p;
}

static void setup(void)
{
	dir = tu_tmpdir();
	fixture = make_fixture(NULL, NULL);
	ck_assert_int_ge(asprintf(&outdir, "%s/reports", dir), 0);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	free(fixture);
	free(outdir);
}

static struct run_bench opts(char **sims, size_t nsims)
{
	return (struct run_bench){
		.fixture = fixture,
		.profile = PROFILE,
		.o = { .operator_name = "tester", .out_dir = outdir },
		.sims = sims,
		.nsims = nsims,
	};
}

static char *report_text(const struct run_result *res)
{
	ck_assert_msg(res->reported, "no report written (%s)", res->reason);
	char *t = tu_read(res->report_path);
	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(test_production_run_on_virtual_bench_passes_with_full_report)
{
	struct run_bench o = opts(NULL, 0);
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 0);
	ck_assert_int_eq(res.verdict, REPORT_PASS);
	ck_assert_ptr_nonnull(strstr(res.report_path, "_MN3-000123_PASS.csv"));
	char *t = report_text(&res);
	/* Every phase took bench time and says so; tables were written and
	 * read back after a reset; the last row is the verdict. */
	const char *must[] = { "\"calibrate\",\"depth_table\",\"depth\"",
			       "\"calibrate\",\"readback\",\"tables_after_reset\"",
			       "\"verify\",\"depth_sweep\",\"depth\",\"um\",2500",
			       "\"verify\",\"freq_sweep\",\"freq\",\"Hz\",156",
			       "\"preload\",\"preload\",\"preload\",\"N\"",
			       "\"calibrate\",\"total\",\"bench_time\",\"s\"",
			       "\"verify\",\"total\",\"bench_time\",\"s\"",
			       "\"fixture\",\"laser\",\"zero_date\"",
			       "\"tester\"" };
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
		ck_assert_msg(strstr(t, must[i]) != NULL, "report lacks %s", must[i]);
	ck_assert_ptr_null(strstr(t, "\"FAIL\""));
	ck_assert_ptr_nonnull(strstr(t, "\"run\",\"end\",\"verdict\",\"\",,,,,,,,,,,\"PASS\""));
	/* The production profile's budget is 30 s of bench time. */
	ck_assert_double_gt(res.bench_time_s, 5);
	ck_assert_double_lt(res.bench_time_s, 30);
	free(t);
	char *sp = NULL;
	ck_assert_int_ge(asprintf(&sp, "%s/summary.csv", outdir), 0);
	char *sum = tu_read(sp);
	ck_assert_ptr_nonnull(strstr(sum, "\"PASS\""));
	free(sum);
	free(sp);
}
END_TEST

START_TEST(test_verify_mode_fails_pen_out_of_calibration_naming_the_points)
{
	char *sims[] = { "pen.depth_gain=1.08" };
	struct run_bench o = opts(sims, 1);
	o.o.mode = RUN_MODE_VERIFY;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 1);
	ck_assert_int_eq(res.verdict, REPORT_FAIL);
	ck_assert_uint_ge(res.nfailures, 2);
	bool deepest = false;
	for (size_t i = 0; i < res.nfailures && i < RUN_MAX_FAILURES; i++)
		deepest |= strstr(res.failures[i].text, "depth at 2500 um") != NULL;
	ck_assert_msg(deepest, "first failure: %s", res.failures[0].text);
	char *t = report_text(&res);
	ck_assert_ptr_nonnull(strstr(t, "\"verify\",\"depth_sweep\",\"depth\",\"um\",2500,"));
	ck_assert_ptr_nonnull(strstr(t, "\"FAIL\""));
	ck_assert_ptr_null(strstr(t, "\"calibrate\",\"depth_sweep\"")); /* verify only */
	free(t);
}
END_TEST

START_TEST(test_calibrate_mode_brings_the_same_pen_to_pass)
{
	char *sims[] = { "pen.depth_gain=1.08" };
	struct run_bench o = opts(sims, 1);
	o.o.mode = RUN_MODE_CALIBRATE;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 0);
	ck_assert_int_eq(res.verdict, REPORT_PASS);
}
END_TEST

START_TEST(test_pen_that_cannot_reach_fails_with_that_reason)
{
	char *sims[] = { "pen.depth_gain=0.6" };
	struct run_bench o = opts(sims, 1);
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 1);
	ck_assert_msg(strstr(res.reason, "cannot reach 2500 um"), "%s", res.reason);
	char *t = report_text(&res);
	ck_assert_ptr_null(strstr(t, "\"verify\",\"depth_sweep\"")); /* not verified */
	free(t);
}
END_TEST

START_TEST(test_verify_only_profile_cannot_calibrate)
{
	struct run_bench o = opts(NULL, 0);
	o.profile = AUDIT;
	o.o.mode = RUN_MODE_CALIBRATE;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 65);
	ck_assert(!res.reported);
}
END_TEST

struct phase_watch {
	struct run_bench *t;
	bool saw_report;
	bool relay_on_at_report;
	uint64_t struck_ns, off_ns;
};

static void watch_phase(void *ctx, const char *phase)
{
	struct phase_watch *w = ctx;
	struct sim_bench *b = w->t->bench->sim;
	if (strcmp(phase, "report") != 0 || !b)
		return;
	w->saw_report = true;
	w->relay_on_at_report = b->pen_power;
	sim_io_fault_times(b, &w->struck_ns, &w->off_ns);
}

static const char *const phases[] = { "identify", "preload", "calibrate", "verify", "report" };

static void check_safety_fault_in_every_phase(const char *fault, const char *words)
{
	for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++) {
		char kv[64];
		snprintf(kv, sizeof kv, "fault.%s=%s", fault, phases[i]);
		char *sims[] = { kv };
		struct run_bench o = opts(sims, 1);
		struct phase_watch w = { .t = &o };
		struct run_observer obs = { .phase = watch_phase, .ctx = &w };
		o.o.observer = &obs;
		struct run_result res;
		int code = run_bench(&o, &res);
		ck_assert_msg(code == 2, "%s: exit %d (%s)", kv, code, res.reason);
		ck_assert_int_eq(res.verdict, REPORT_ABORTED);
		ck_assert_msg(strstr(res.reason, words), "%s: %s", kv, res.reason);
		ck_assert(w.saw_report);
		/* Pen power went off within 50 ms of bench time of the trip
		 * (in the report phase it goes off as the phase begins). */
		if (strcmp(phases[i], "report") != 0) {
			ck_assert_msg(!w.relay_on_at_report, "%s: pen still powered", kv);
			if (w.off_ns) /* identify: the pen was never switched on */
				ck_assert_msg(w.off_ns - w.struck_ns <= 50 * RIG_NS_PER_MS,
					      "%s: power off %.1f ms after the trip", kv,
					      (double)(w.off_ns - w.struck_ns) / 1e6);
		}
		char *t = report_text(&res);
		ck_assert_ptr_nonnull(strstr(t, "\"ABORTED\""));
		free(t);
	}
}

START_TEST(test_estop_in_every_phase_aborts_and_cuts_power)
{
	check_safety_fault_in_every_phase("estop", "e-stop tripped");
}
END_TEST

START_TEST(test_lid_open_in_every_phase_aborts_and_cuts_power)
{
	check_safety_fault_in_every_phase("lid_open", "lid open");
}
END_TEST

/* An abort's reason code comes from what its error says failed (set where
 * it was raised), the run's state and the rc, never from words: the
 * facts carry no message at all. */
START_TEST(test_abort_reason_code_comes_from_the_errors_cause)
{
	struct reason_facts f = { .aborted = true, .rc = RIG_E_DEVICE };
	static const struct {
		enum rig_cause cause;
		enum reason_code code;
	} want[] = {
		{ RIG_CAUSE_NONE, REASON_BENCH },
		{ RIG_CAUSE_SAFETY, REASON_SAFETY },
		{ RIG_CAUSE_STOPPED, REASON_STOPPED },
		{ RIG_CAUSE_WRONG_PEN, REASON_WRONG_PEN },
		{ RIG_CAUSE_PEN_SILENT, REASON_PEN_LINK }, /* not the pen's fault here */
		{ RIG_CAUSE_PEN_REFUSED, REASON_PEN_LINK },
		{ RIG_CAUSE_PEN_HARDWARE, REASON_PEN_LINK }, /* its power cut at the end */
		{ RIG_CAUSE_PEN_LINK, REASON_PEN_LINK },
		{ RIG_CAUSE_PEN_NO_ANSWER, REASON_PEN_NO_ANSWER },
		{ RIG_CAUSE_LASER, REASON_LASER },
		{ RIG_CAUSE_LOADCELL, REASON_LOADCELL },
		{ RIG_CAUSE_BENCH_CALIBRATION, REASON_BENCH_CALIBRATION },
		{ RIG_CAUSE_REPORT, REASON_REPORT_FOLDER },
		{ RIG_CAUSE_DB_DAMAGED, REASON_BENCH },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		f.cause = want[i].cause;
		ck_assert_str_eq(reason_code_name(reason_classify(&f)),
				 reason_code_name(want[i].code));
	}
	f.cause = RIG_CAUSE_NONE;
	f.rc = RIG_E_IO; /* an I/O error that says nothing: the report folder's */
	ck_assert_int_eq(reason_classify(&f), REASON_REPORT_FOLDER);
	f.rc = RIG_E_CONFIG; /* not by its rc: only a date or the check gate say so */
	ck_assert_int_eq(reason_classify(&f), REASON_BENCH);
	f.cause = RIG_CAUSE_LASER;
	f.laser_zero_moved = true; /* the run's own zero check wins */
	ck_assert_int_eq(reason_classify(&f), REASON_LASER_ZERO);
	/* the pen at fault: its hardware error (the driver's cause, not the
	 * pen's last code: the pen may be gone), no reply, or a refused
	 * calibration */
	struct reason_facts u = { .aborted = true, .unit_fault = true, .rc = RIG_E_DEVICE,
				  .cause = RIG_CAUSE_PEN_HARDWARE };
	ck_assert_int_eq(reason_classify(&u), REASON_PEN_HARDWARE);
	u.cause = RIG_CAUSE_PEN_REFUSED;
	ck_assert_int_eq(reason_classify(&u), REASON_CALIBRATION);
	u.cause = RIG_CAUSE_PEN_SILENT;
	u.rc = RIG_E_TIMEOUT;
	ck_assert_int_eq(reason_classify(&u), REASON_PEN_SILENT);
	/* rig_fail starts without a cause; a prefix keeps one; a cause once
	 * said is not overwritten by what passes the error on */
	struct rig_err e;
	rig_fail_cause(&e, RIG_E_ABORTED, RIG_CAUSE_SAFETY, "e-stop tripped");
	rig_err_prefix(&e, "sim:pen: ");
	ck_assert_int_eq(rig_err_cause(&e, e.rc, RIG_CAUSE_PEN_LINK), RIG_E_ABORTED);
	ck_assert_int_eq(e.cause, RIG_CAUSE_SAFETY);
	rig_fail(&e, RIG_E_DEVICE, "laser sim:laser: no data");
	ck_assert_int_eq(e.cause, RIG_CAUSE_NONE);
}
END_TEST

/* The pen answers its first command after power-on (*CLS) with its own
 * hardware error: the unit failed (FAIL, category unit, exit 1, the reject
 * bin), as at any later phase. Before, the code was read from the pen,
 * freed when identify failed, so the run ABORTED as the bench's line.
 * The pen still answers queries: its *IDN? names the unit in the report
 * (before, "unknown", no model, no firmware). A scanned serial that is not
 * the pen's is said beside the error; the report is the pen's. */
START_TEST(test_hardware_error_at_power_on_fails_the_unit)
{
	char *sims[] = { "fault.pen.nak=t=0" };
	struct run_bench o = opts(sims, 1);
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 1);
	ck_assert_int_eq(res.verdict, REPORT_FAIL);
	ck_assert_int_eq(res.category, REPORT_CATEGORY_UNIT);
	ck_assert_str_eq(res.reason_code, "pen_hardware");
	ck_assert_str_eq(res.disposition, "reject");
	ck_assert_msg(strstr(res.reason, "identify: ") && strstr(res.reason, "-240,\"Hardware error"),
		      "%s", res.reason);
	ck_assert_str_eq(res.pen_serial, "MN3-000123");
	ck_assert_uint_eq(res.attempt, 1);
	ck_assert_msg(strstr(res.report_path, "_MN3-000123_FAIL.csv"), "%s", res.report_path);
	char *t = report_text(&res); /* the pen's own identity names the unit */
	ck_assert_msg(strstr(t, "\"MN-300\",\"MN3-000123\",\"1.4.2\""), "%s", t);
	free(t);

	o.o.serial = "MN3-000777";
	ck_assert_int_eq(run_bench(&o, &res), 1);
	ck_assert_str_eq(res.reason_code, "pen_hardware");
	ck_assert_str_eq(res.pen_serial, "MN3-000123");
	ck_assert_uint_eq(res.attempt, 2);
	ck_assert_msg(strstr(res.reason, "the scanned serial 'MN3-000777' is not the pen's "
				  "'MN3-000123'"), "%s", res.reason);
}
END_TEST

/* With no serial scanned and no *IDN? (a pen silent from power-on), the
 * unit is not known: it has no attempt (blank), and other unknown units'
 * runs in the folder do not count as its retests. Before, the second such
 * run was "attempt 2" of serial "unknown" and went to an engineer, and a
 * third counted both; the operator is told to count the retest. */
START_TEST(test_unidentified_units_are_not_counted_as_one_unit)
{
	char *sims[] = { "fault.pen.silent=t=0" };
	struct run_bench o = opts(sims, 1);
	struct run_result res;
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(run_bench(&o, &res), 2);
		ck_assert_str_eq(res.reason_code, "pen_no_answer");
		ck_assert_str_eq(res.pen_serial, "");
		ck_assert_uint_eq(res.attempt, 0);
		ck_assert_str_eq(res.disposition, "retest");
		ck_assert_msg(strstr(res.instruction, "not identified, so its tests are not counted"),
			      "run %d: %s", i + 1, res.instruction);
	}
	char *path = NULL;
	ck_assert_int_ge(asprintf(&path, "%s/summary.csv", outdir), 0);
	char *sum = tu_read(path);
	ck_assert_ptr_nonnull(sum);
	/* the attempt column (14th) is blank on both rows */
	ck_assert_msg(strstr(sum, "\"bench\",,\"pen_no_answer\",\"retest\""), "%s", sum);
	ck_assert_msg(!strstr(sum, "\"bench\",2,"), "%s", sum);
	free(sum);
	free(path);
	/* A scanned unit counts its own runs only. */
	o.o.serial = "MN3-000778";
	ck_assert_int_eq(run_bench(&o, &res), 2);
	ck_assert_uint_eq(res.attempt, 1);
	ck_assert_str_eq(res.disposition, "retest");
	ck_assert_msg(strstr(res.instruction, "Test this pen once more."), "%s", res.instruction);
}
END_TEST

/* A pen that never answers after power-on: a dead pen and a dead line
 * (cable, adapter, relay, a pen not seated) look the same, so the bench's
 * (ABORTED, exit 2), its own code: tested once more, then an engineer's.
 * A pen that stops answering after it has answered is a hang, the unit's
 * (test_faults.c, pen.silent during calibration). */
START_TEST(test_pen_silent_from_power_on_aborts_as_no_answer)
{
	char *sims[] = { "fault.pen.silent=t=0" };
	struct run_bench o = opts(sims, 1);
	o.o.serial = "MN3-000778";
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 2);
	ck_assert_int_eq(res.verdict, REPORT_ABORTED);
	ck_assert_int_eq(res.category, REPORT_CATEGORY_BENCH);
	ck_assert_str_eq(res.reason_code, "pen_no_answer");
	ck_assert_str_eq(res.disposition, "retest");
	ck_assert_msg(strstr(res.instruction, "did not answer after power-on"), "%s",
		      res.instruction);
	/* the second attempt of the same unit: an engineer's, not the reject bin */
	ck_assert_int_eq(run_bench(&o, &res), 2);
	ck_assert_str_eq(res.reason_code, "pen_no_answer");
	ck_assert_str_eq(res.disposition, "engineer");
}
END_TEST

START_TEST(test_wrong_pen_model_is_refused)
{
	char *sims[] = { "pen.model=XP-9" };
	struct run_bench o = opts(sims, 1);
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 2);
	ck_assert_msg(strstr(res.reason, "the pen is a XP-9") && strstr(res.reason, "MN-300"),
		      "%s", res.reason);
}
END_TEST

START_TEST(test_scanned_serial_must_match_the_pen)
{
	struct run_bench o = opts(NULL, 0);
	o.o.serial = "MN3-999999";
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 2);
	ck_assert_msg(strstr(res.reason, "scanned 'MN3-999999', the pen says 'MN3-000123'"), "%s",
		      res.reason);
	o.o.serial = "MN3-000123";
	ck_assert_int_eq(run_bench(&o, &res), 0);
}
END_TEST

START_TEST(test_busy_bench_fails_fast_with_75_and_no_report)
{
	char *lock = NULL, *args = NULL;
	ck_assert_int_ge(asprintf(&lock, "%s/.sim-bench.lock", dir), 0);
	struct bench_lock held = { .fd = -1 };
	struct rig_err err;
	ck_assert_int_eq(bench_lock_acquire(&held, lock, "SIM-01", 0, &err), RIG_OK);
	/* flock belongs to an open file: another process must ask for it. */
	ck_assert_int_ge(asprintf(&args, "run --fixture %s --profile %s --out %s", fixture,
				  PROFILE, outdir),
			 0);
	struct rig_result r = run_rig(args);
	bench_lock_release(&held);
	ck_assert_int_eq(r.exit_code, 75);
	ck_assert_msg(strstr(r.err, "bench SIM-01 is in use by pid"), "%s", r.err);
	rig_result_free(&r);
	/* No report: the run never started on the bench. */
	char *glob = NULL;
	ck_assert_int_ge(asprintf(&glob, "ls %s/*_*.csv >/dev/null 2>&1", outdir), 0);
	ck_assert_int_ne(system(glob), 0);
	free(glob);
	free(args);
	free(lock);
}
END_TEST

/* sim.ini with each from[i] replaced by to[i]. */
static char *make_fixture_n(const char *const *from, const char *const *to, size_t n)
{
	char *text = tu_read(SRCDIR "/fixtures/sim.ini");
	ck_assert_ptr_nonnull(text);
	int miss = tu_replace_each(&text, from, to, n);
	ck_assert_msg(miss < 0, "sim.ini has no '%s'", miss < 0 ? "" : from[miss]);
	char *p = tu_write(dir, "sim.ini", text);
	free(text);
	return p;
}

/* The virtual bench's sensors are known exactly: its calibration dates,
 * however old, are not held against the calendar. */
START_TEST(test_virtual_bench_calibrations_do_not_expire_with_the_calendar)
{
	free(fixture);
	const char *from[] = { "zero_date = 2026-11-21", "cal_date = 2026-11-21",
			       "tare_date = 2026-11-21" };
	const char *to[] = { "zero_date = 2000-01-01", "cal_date = 2000-01-01",
			     "tare_date = 2000-01-01" };
	fixture = make_fixture_n(from, to, 3);
	struct run_bench o = opts(NULL, 0);
	struct run_result res;
	int code = run_bench(&o, &res);
	ck_assert_msg(code == 0, "exit %d: %s", code, res.reason);
}
END_TEST

/* A laser on a real port: its zero expires. The port does not exist, so
 * only the date check stands between the run and "cannot open". */
START_TEST(test_expired_fixture_calibration_is_refused_with_78_naming_it)
{
	free(fixture);
	char old[32], date[11];
	tu_date(date, 31);
	snprintf(old, sizeof old, "zero_date = %s", date);
	const char *from[] = { "port = sim:laser", "zero_date = 2026-11-21" };
	const char *to[] = { "port = pty:/nonexistent/laser", old };
	fixture = make_fixture_n(from, to, 2);
	struct run_bench o = opts(NULL, 0);
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 78);
	ck_assert_msg(strstr(res.reason, "laser zero expired") && strstr(res.reason, "rig zero") &&
			      strstr(res.reason, "31 days ago") && strstr(res.reason, "sim.ini:"),
		      "%s", res.reason);
	ck_assert_int_eq(res.verdict, REPORT_ABORTED);
	/* what failed is the calibration's date (said where it was found),
	 * not the laser its message names: read from the text, it was
	 * "laser", the sensor failed */
	ck_assert_str_eq(res.reason_code, "bench_calibration");
	ck_assert_str_eq(res.disposition, "engineer");
}
END_TEST

/* The same laser zero 30 days old is still valid (30 days): the run gets as
 * far as opening the port. */
START_TEST(test_real_laser_zero_within_its_validity_passes_the_date_check)
{
	free(fixture);
	char zero[32], date[11];
	tu_date(date, 30);
	snprintf(zero, sizeof zero, "zero_date = %s", date);
	const char *from[] = { "port = sim:laser", "zero_date = 2026-11-21" };
	const char *to[] = { "port = pty:/nonexistent/laser", zero };
	fixture = make_fixture_n(from, to, 2);
	struct run_bench o = opts(NULL, 0);
	struct run_result res;
	ck_assert_int_ne(run_bench(&o, &res), 0);
	ck_assert_msg(!strstr(res.reason, "expired") && strstr(res.reason, "/nonexistent/laser"),
		      "%s", res.reason);
}
END_TEST

/* A fixture with a pad ring bound 45 days old, measured at 250 us, on a
 * real laser port that does not exist; exposure is the fixture's stated
 * exposure_us ("0": take the sensor's). */
static void expired_ring_fixture(const char *exposure)
{
	free(fixture);
	char ring[160], zero[32], date[11];
	tu_date(date, 45);
	snprintf(ring, sizeof ring,
		 "clock_ppm = 50\nexposure_us = %s\nring_max_um = 3.5\nring_date = %s\n"
		 "ring_exposure_us = 250", exposure, date);
	/* the laser's zero dated today: the fixture's own date would expire
	 * first on a later calendar (make check-calendar found it, 400 days
	 * ahead, and it would have on 2026-12-22 too) */
	tu_date(date, 0);
	snprintf(zero, sizeof zero, "zero_date = %s", date);
	const char *from[] = { "port = sim:laser", "clock_ppm = 50", "zero_date = 2026-11-21" };
	const char *to[] = { "port = pty:/nonexistent/laser", ring, zero };
	fixture = make_fixture_n(from, to, 3);
}

/* The pad's ring bound (laser.ring_max_um) expires with its ring_date as
 * the other calibrations do: on a real laser, at the exposure it was
 * measured at, a run refuses it before powering anything, naming it and
 * how to measure it again (docs/measurement.md). */
START_TEST(test_expired_pad_ring_bound_is_refused_naming_it)
{
	expired_ring_fixture("250");
	struct run_bench o = opts(NULL, 0);
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 78);
	ck_assert_msg(strstr(res.reason, "pad ring bound expired") &&
			      strstr(res.reason, "45 days ago") &&
			      strstr(res.reason, "ring characterization"),
		      "%s", res.reason);
	ck_assert_str_eq(res.reason_code, "bench_calibration");
}
END_TEST

/* With the expired bound at exposure_us: the run gets past the date
 * check and fails later, on opening the laser's port. */
static void run_gets_past_the_ring_date(const char *exposure_us)
{
	expired_ring_fixture(exposure_us);
	struct run_bench o = opts(NULL, 0);
	struct run_result res;
	ck_assert_int_ne(run_bench(&o, &res), 0);
	ck_assert_msg(!strstr(res.reason, "expired") && strstr(res.reason, "/nonexistent/laser"),
		      "%s", res.reason);
}

/* A fixture that states no exposure (exposure_us = 0) takes the
 * sensor's, known only when the laser opens: the bound's date is decided
 * then, at the exposure read back (test_sim_pty runs both sides of it on
 * the virtual bench). Here the laser cannot be opened: the run fails on
 * its port, not on a date it cannot yet tell matters. Before, "pad ring
 * bound expired" stopped it (exit 78) whatever the sensor's exposure. */
START_TEST(test_expired_pad_ring_bound_with_the_sensors_exposure_waits_for_the_laser)
{
	run_gets_past_the_ring_date("0");
}
END_TEST

/* A bound the run cannot use does not stop it, however old: a fixture
 * that states another exposure (200 us; the sensor must read it back
 * within 0.1 us) measures without it, the physics' hidden ring in U, so
 * its date cannot make a figure wrong. The run gets past the date check
 * to opening the laser's port. Before, "pad ring bound expired" stopped
 * it (exit 78). At the bound's own exposure (250.1 us: within the
 * read-back's and the engine's tolerances of 250) it is still refused. */
START_TEST(test_expired_pad_ring_bound_at_another_exposure_does_not_stop_the_run)
{
	run_gets_past_the_ring_date("200");
	expired_ring_fixture("250.1");
	struct run_bench o = opts(NULL, 0);
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 78);
	ck_assert_msg(strstr(res.reason, "pad ring bound expired") &&
			      strstr(res.reason, "ring characterization"),
		      "%s", res.reason);
}
END_TEST

/* The run's progress lines, kept for a test to read (4 kB). */
static void keep_progress(void *ctx, const char *phase, unsigned step, unsigned nsteps,
			  const char *text)
{
	(void)phase, (void)step, (void)nsteps;
	char *kept = ctx;
	if (strlen(kept) + strlen(text) + 2 < 4096)
		strcat(strcat(kept, text), "\n");
}

/* A fixture's pad ring bound is traceable in the report as the other
 * calibrations are (value, date, due date, the exposure it was measured
 * at, and whether the run used it); without one the rows are not there.
 * At 250 us, the exposure it was measured at, the run judges with it (U a
 * few um, not ~20). */
START_TEST(test_pad_ring_bound_is_in_the_report)
{
	char *t = NULL;
	{
		struct run_bench o = opts(NULL, 0);
		struct run_result res;
		ck_assert_int_eq(run_bench(&o, &res), 0);
		t = report_text(&res);
		ck_assert_ptr_null(strstr(t, "\"ring_max\""));
		ck_assert_ptr_null(strstr(t, "\"ring_use\""));
		free(t);
	}
	free(fixture);
	fixture = make_fixture("clock_ppm = 50", "clock_ppm = 50\nring_max_um = 2.46\nring_date = "
						 "2026-11-30\nring_exposure_us = 250");
	char *sims[] = { "laser.exposure_us=250" };
	struct run_bench o = opts(sims, 1);
	static char said[4096];
	said[0] = 0;
	const struct run_observer obs = { .progress = keep_progress, .ctx = said };
	o.o.observer = &obs;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 0);
	/* said as the run starts (rig check says it so too) */
	ck_assert_msg(strstr(said, "pad ring bound used: measured at the sensor's exposure of "
				   "250 us; 2.46 um of 2026-11-30, due 2026-12-30"), "%s", said);
	t = report_text(&res);
	const char *must[] = { "\"fixture\",\"laser\",\"ring_max\",\"um\",,2.460,",
			       "\"configured: 2.46\"", "\"fixture\",\"laser\",\"ring_date\"",
			       "\"2026-11-30\"", "\"fixture\",\"laser\",\"ring_due\"",
			       "\"2026-12-30\"", "\"fixture\",\"laser\",\"ring_exposure\",\"us\",,250.0,",
			       "\"fixture\",\"laser\",\"ring_use\"",
			       "\"used: measured at the sensor's exposure of 250 us\"" };
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
		ck_assert_msg(strstr(t, must[i]) != NULL, "report lacks %s", must[i]);
	free(t);
}
END_TEST

/* The bound holds at the exposure it was measured at only: a run whose
 * sensor reads back another shutter time does not use it (its verify
 * depths carry the physics' hidden ring, U near 20 um, as without a
 * bound), and its report says so. Before, a bound measured at 250 us held
 * the U of a 200 us run to it. */
START_TEST(test_pad_ring_bound_at_another_exposure_is_not_used)
{
	static char said[4096];
	said[0] = 0;
	const struct run_observer obs = { .progress = keep_progress, .ctx = said };
	free(fixture);
	fixture = make_fixture("clock_ppm = 50", "clock_ppm = 50\nring_max_um = 2.46\nring_date = "
						 "2026-11-30\nring_exposure_us = 250");
	char *sims[] = { "laser.exposure_us=200" };
	struct run_bench o = opts(sims, 1);
	o.o.observer = &obs;
	struct run_result res;
	run_bench(&o, &res);
	char *t = report_text(&res);
	const char *want = "\"not used: measured at 250 us, the sensor's exposure is 200 us: "
			   "characterize the pad at this exposure\"";
	ck_assert_msg(strstr(t, want) != NULL, "report lacks %s", want);
	/* and the operator is told as the run starts */
	ck_assert_msg(strstr(said, "pad ring bound not used: measured at 250 us, the sensor's "
				   "exposure is 200 us: characterize the pad at this exposure; "
				   "2.46 um of 2026-11-30, due 2026-12-30"), "%s", said);
	/* every verify depth carries the hidden ring again */
	size_t depths = 0;
	const char *row = "\"verify\",\"depth_sweep\",\"depth\",\"um\",";
	for (const char *q = strstr(t, row); q; q = strstr(q + 1, row)) {
		/* commanded, measured, std, n, uncertainty */
		const char *f = q + strlen(row);
		for (int k = 0; k < 4 && f; k++)
			f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL;
		ck_assert_msg(f != NULL, "%.80s", q);
		double u = strtod(f, NULL);
		ck_assert_msg(u > 15, "a verify depth's U %.2f um: the bound was used", u);
		depths++;
	}
	ck_assert_uint_gt(depths, 0);
	free(t);
}
END_TEST

/* A ring the engine takes beyond the fixture's pad ring bound shows the
 * bound wrong (or the pad changed): not capped, the depth is withheld and
 * the run ends on the bench, naming it. */
START_TEST(test_ring_beyond_the_pad_ring_bound_is_not_capped)
{
	free(fixture);
	fixture = make_fixture("clock_ppm = 50", "clock_ppm = 50\nring_max_um = 2\nring_date = "
						 "2026-11-30\nring_exposure_us = 20");
	char *sims[] = { "pen.ring_um=15", "pen.ring_hz=4000", "pen.ring_tau_ms=0.5",
			 "laser.exposure_us=20" };
	struct run_bench o = opts(sims, 4);
	struct run_result res;
	ck_assert_int_ne(run_bench(&o, &res), 0);
	ck_assert_int_ne(res.verdict, REPORT_PASS);
	ck_assert_msg(strstr(res.reason, "beyond the fixture's pad ring bound (ring_max_um)") &&
			      strstr(res.reason, "characterize the pad again"),
		      "%s", res.reason);
	ck_assert_str_eq(res.disposition, "engineer");
}
END_TEST

/* A load cell on a real GPIO chip: its span calibration expires. */
START_TEST(test_expired_load_cell_span_on_a_real_chip_is_refused)
{
	free(fixture);
	char old[32], date[11];
	tu_date(date, 400);
	snprintf(old, sizeof old, "cal_date = %s", date);
	const char *from[] = { "chip = sim:bench", "cal_date = 2026-11-21" };
	const char *to[] = { "chip = /dev/nonexistent-gpiochip", old };
	fixture = make_fixture_n(from, to, 2);
	struct run_bench o = opts(NULL, 0);
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 78);
	ck_assert_msg(strstr(res.reason, "load cell span expired") &&
			      strstr(res.reason, "rig loadcell-cal"),
		      "%s", res.reason);
	/* the date, not the load cell (read from the text: "loadcell") */
	ck_assert_str_eq(res.reason_code, "bench_calibration");
}
END_TEST

/* The phases a run began, and its messages. */
struct seen {
	char phases[128];
	char messages[2048];
};

static void seen_phase(void *ctx, const char *phase)
{
	struct seen *s = ctx;
	strncat(s->phases, phase, sizeof s->phases - strlen(s->phases) - 2);
	strcat(s->phases, " ");
}

static void seen_message(void *ctx, const char *text)
{
	struct seen *s = ctx;
	strncat(s->messages, text, sizeof s->messages - strlen(s->messages) - 2);
	strcat(s->messages, "\n");
}

/* rig run into outdir must stop with exit 74 before the identify phase,
 * where the pen is switched on (bench_identify), naming path. */
static void stops_unpowered_naming(const char *path)
{
	struct seen seen = { "", "" };
	const struct run_observer obs = { .phase = seen_phase, .message = seen_message,
					   .ctx = &seen };
	struct run_bench o = opts(NULL, 0);
	o.o.observer = &obs;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 74);
	ck_assert(!res.reported);
	ck_assert_msg(!strstr(seen.phases, "identify"), "phases: %s", seen.phases);
	ck_assert_msg(strstr(seen.messages, path) && strstr(seen.messages, "not powered"), "%s",
		      seen.messages);
}

START_TEST(test_unwritable_report_folder_stops_before_the_pen_runs)
{
	free(outdir);
	ck_assert_int_ge(asprintf(&outdir, "%s/afile/reports", dir), 0);
	char *f = tu_write(dir, "afile", "not a folder");
	stops_unpowered_naming(outdir);
	free(f);
}
END_TEST

/* Issue 12 item 10: an unwritable summary.csv was found only when the
 * report was published, after the pen had been calibrated. */
START_TEST(test_unwritable_summary_stops_before_the_pen_is_powered)
{
	ck_assert_int_eq(mkdir(outdir, 0755), 0);
	char *sp = NULL;
	ck_assert_int_ge(asprintf(&sp, "%s/summary.csv", outdir), 0);
	ck_assert_int_eq(mkdir(sp, 0755), 0); /* refused even to root */
	stops_unpowered_naming(sp);
	free(sp);
}
END_TEST

/* Issue 12 items 3 and 10: rig run says what recovery did, exactly: an
 * unreadable journal in its folder is reported ABORTED naming it, and
 * counted as such; then the run goes on. */
START_TEST(test_run_says_what_recovery_did)
{
	ck_assert_int_eq(mkdir(outdir, 0755), 0);
	free(tu_write(outdir, "3f0e0d0c-0b0a-4908-8706-050403020100.journal", "not a journal\n"));
	struct seen seen = { "", "" };
	const struct run_observer obs = { .message = seen_message, .ctx = &seen };
	struct run_bench o = opts(NULL, 0);
	o.o.observer = &obs;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 0);
	ck_assert_msg(strstr(seen.messages, "journal unreadable: ") &&
			      strstr(seen.messages, "3f0e0d0c-0b0a-4908-8706-050403020100.journal") &&
			      strstr(seen.messages, "1 interrupted run(s) found in") &&
			      strstr(seen.messages, "(1 of them from an unreadable journal)") &&
			      !strstr(seen.messages, "finished run(s)"),
		      "%s", seen.messages);
}
END_TEST

START_TEST(test_bad_profile_is_a_data_error)
{
	char *p = tu_write(dir, "bad.ini", "[profile]\nname = x\nbogus = 1\n");
	struct run_bench o = opts(NULL, 0);
	o.profile = p;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 65);
	ck_assert(!res.reported);
	free(p);
}
END_TEST

START_TEST(test_junit_lists_failed_points_with_values)
{
	char *sims[] = { "pen.depth_gain=1.08" };
	struct run_bench o = opts(sims, 1);
	o.o.mode = RUN_MODE_VERIFY;
	char *junit = NULL;
	ck_assert_int_ge(asprintf(&junit, "%s/junit.xml", dir), 0);
	o.o.junit_path = junit;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 1);
	char *x = tu_read(junit);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(strstr(x, "<testsuite"));
	ck_assert_ptr_nonnull(strstr(x, "<failure"));
	ck_assert_ptr_nonnull(strstr(x, "2500"));
	free(x);
	free(junit);
}
END_TEST

static double csv_field(const char *line, int col)
{
	for (int i = 0; i < col && line; i++) {
		line = strchr(line, ',');
		if (line)
			line++;
	}
	return line ? strtod(line, NULL) : NAN;
}

START_TEST(test_saved_trace_reanalysed_gives_the_reported_depth)
{
	struct run_bench o = opts(NULL, 0);
	o.o.mode = RUN_MODE_VERIFY;
	o.o.save_trace = true;
	struct run_result res;
	ck_assert_int_eq(run_bench(&o, &res), 1); /* out of calibration */
	char *t = report_text(&res);
	const char *key = "\"verify\",\"depth_sweep\",\"depth\",\"um\",1250,";
	char *row = strstr(t, key);
	ck_assert_ptr_nonnull(row);
	double reported = csv_field(row + strlen(key), 0);
	char *cmd = NULL, *trace = NULL;
	ck_assert_int_ge(asprintf(&cmd, "ls %s/traces/*/*verify_depth_sweep_1250um* > %s/t.txt",
				  outdir, dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_ge(asprintf(&trace, "%s/t.txt", dir), 0);
	char *name = tu_read(trace);
	*strchr(name, '\n') = '\0';
	FILE *in = fopen(name, "r");
	ck_assert_ptr_nonnull(in);
	struct measure *m;
	struct rig_err err;
	struct measure_config cfg = { .rate_hz = 4000, .zero_mm = 5.0, .freq_hint_hz = 120 };
	ck_assert_int_eq(measure_create(&m, &cfg, &err), RIG_OK);
	struct capture_info info;
	ck_assert_int_eq(capture_feed(in, name, CAPTURE_CSV, 10, m, &info, &err), RIG_OK);
	measure_finish(m);
	struct measure_stats st;
	measure_result(m, &st);
	ck_assert(st.has_depth);
	/* measured is given to its U (GUM 7.2.6: 0.1 um here): within half a
	 * step of the rounding. */
	ck_assert_double_eq_tol(st.depth_mean_um, reported, 0.05 + 1e-3);
	measure_free(m);
	fclose(in);
	free(name);
	free(cmd);
	free(trace);
	free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("run");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_production_run_on_virtual_bench_passes_with_full_report);
	tcase_add_test(tc, test_verify_mode_fails_pen_out_of_calibration_naming_the_points);
	tcase_add_test(tc, test_calibrate_mode_brings_the_same_pen_to_pass);
	tcase_add_test(tc, test_pen_that_cannot_reach_fails_with_that_reason);
	tcase_add_test(tc, test_verify_only_profile_cannot_calibrate);
	tcase_add_test(tc, test_estop_in_every_phase_aborts_and_cuts_power);
	tcase_add_test(tc, test_lid_open_in_every_phase_aborts_and_cuts_power);
	tcase_add_test(tc, test_abort_reason_code_comes_from_the_errors_cause);
	tcase_add_test(tc, test_hardware_error_at_power_on_fails_the_unit);
	tcase_add_test(tc, test_pen_silent_from_power_on_aborts_as_no_answer);
	tcase_add_test(tc, test_unidentified_units_are_not_counted_as_one_unit);
	tcase_add_test(tc, test_wrong_pen_model_is_refused);
	tcase_add_test(tc, test_scanned_serial_must_match_the_pen);
	tcase_add_test(tc, test_busy_bench_fails_fast_with_75_and_no_report);
	tcase_add_test(tc, test_virtual_bench_calibrations_do_not_expire_with_the_calendar);
	tcase_add_test(tc, test_expired_fixture_calibration_is_refused_with_78_naming_it);
	tcase_add_test(tc, test_real_laser_zero_within_its_validity_passes_the_date_check);
	tcase_add_test(tc, test_expired_load_cell_span_on_a_real_chip_is_refused);
	tcase_add_test(tc, test_expired_pad_ring_bound_is_refused_naming_it);
	tcase_add_test(tc, test_expired_pad_ring_bound_with_the_sensors_exposure_waits_for_the_laser);
	tcase_add_test(tc, test_expired_pad_ring_bound_at_another_exposure_does_not_stop_the_run);
	tcase_add_test(tc, test_pad_ring_bound_is_in_the_report);
	tcase_add_test(tc, test_pad_ring_bound_at_another_exposure_is_not_used);
	tcase_add_test(tc, test_ring_beyond_the_pad_ring_bound_is_not_capped);
	tcase_add_test(tc, test_unwritable_report_folder_stops_before_the_pen_runs);
	tcase_add_test(tc, test_unwritable_summary_stops_before_the_pen_is_powered);
	tcase_add_test(tc, test_run_says_what_recovery_did);
	tcase_add_test(tc, test_bad_profile_is_a_data_error);
	tcase_add_test(tc, test_junit_lists_failed_points_with_values);
	tcase_add_test(tc, test_saved_trace_reanalysed_gives_the_reported_depth);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
