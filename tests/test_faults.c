/* test_faults.c - the fault mechanism of the virtual bench, and a few
 * representative rows of the fault matrix (`make faults` runs all), so a
 * regression shows in `make check`. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "run/run.h"
#include "run/report.h"
#include "sim/bench.h"
#include "sim/fsfault.h"
#include "sim/io.h"
#include "support/faultrow.h"
#include "support/runbench.h"
#include "support/testutil.h"

#define FIXTURE SRCDIR "/fixtures/sim.ini"
#define PROFILE SRCDIR "/profiles/production-p25.ini"

/* ---- the mechanism ---- */

static enum rig_rc bench_with(const char *kv, struct rig_vclock *vc, struct rig_hal *hal,
			      struct sim_bench **b, struct rig_err *err)
{
	struct sim_param p;
	vclock_init(vc, 0);
	*hal = (struct rig_hal){ .clock = &vc->base };
	ck_assert_int_eq(sim_param_parse(&p, kv, err), RIG_OK);
	return sim_bench_create(b, hal, &p, 1, err);
}

START_TEST(test_fault_forms_are_checked_with_the_parameters_origin)
{
	static const char *const bad[] = {
		"fault.pen.stall=p=0.1",     /* strikes once, not per operation */
		"fault.pen.silent=p=2",      /* not a probability */
		"fault.laser.unplug=lunch",  /* not a phase */
		"fault.estop=verify+x",      /* not seconds */
		"fault.pen.nak=t=-1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rig_vclock vc;
		struct rig_hal hal;
		struct sim_bench *b = NULL;
		struct rig_err err = { 0 };
		ck_assert_int_eq(bench_with(bad[i], &vc, &hal, &b, &err), RIG_E_CONFIG);
		ck_assert_msg(strstr(err.msg, "--sim") != NULL, "%s: %s", bad[i], err.msg);
	}
}
END_TEST

START_TEST(test_phase_fault_strikes_at_its_offset_into_the_phase)
{
	struct rig_vclock vc;
	struct rig_hal hal;
	struct sim_bench *b;
	struct rig_err err;
	ck_assert_int_eq(bench_with("fault.lid_open=verify+0.25", &vc, &hal, &b, &err), RIG_OK);
	clock_sleep_ns(&vc.base, 3 * RIG_NS_PER_S);
	sim_bench_set_phase(b, "calibrate");
	clock_sleep_ns(&vc.base, 1 * RIG_NS_PER_S);
	sim_bench_sync(b);
	ck_assert(!gpio_virt_level(b->chip, SIM_LINE_LID));
	sim_bench_set_phase(b, "verify"); /* at 4 s */
	clock_sleep_ns(&vc.base, 249 * RIG_NS_PER_MS);
	sim_bench_sync(b);
	ck_assert(!gpio_virt_level(b->chip, SIM_LINE_LID));
	clock_sleep_ns(&vc.base, 2 * RIG_NS_PER_MS);
	sim_bench_sync(b);
	ck_assert(gpio_virt_level(b->chip, SIM_LINE_LID));
	const struct sim_fault *f = sim_bench_fault(b, "fault.lid_open");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->struck_ns, 4250 * RIG_NS_PER_MS);
	sim_bench_destroy(b);
}
END_TEST

START_TEST(test_phase_fault_not_struck_in_its_window_strikes_when_the_phase_ends)
{
	struct rig_vclock vc;
	struct rig_hal hal;
	struct sim_bench *b;
	struct rig_err err;
	ck_assert_int_eq(bench_with("fault.estop=preload+5", &vc, &hal, &b, &err), RIG_OK);
	sim_bench_set_phase(b, "preload");
	clock_sleep_ns(&vc.base, 100 * RIG_NS_PER_MS);
	sim_bench_set_phase(b, "calibrate");
	sim_bench_sync(b);
	ck_assert(gpio_virt_level(b->chip, SIM_LINE_ESTOP));
	ck_assert_uint_eq(sim_bench_fault(b, "fault.estop")->struck_ns, 100 * RIG_NS_PER_MS);
	sim_bench_destroy(b);
}
END_TEST

START_TEST(test_report_folder_faults_fail_file_operations_with_their_errno)
{
	struct rig_vclock vc;
	struct rig_hal hal;
	struct sim_bench *b;
	struct rig_err err;
	ck_assert_int_eq(bench_with("fault.disk_full=t=1", &vc, &hal, &b, &err), RIG_OK);
	ck_assert_int_eq(sim_bench_file_errno(b, true), 0);
	clock_sleep_ns(&vc.base, 1 * RIG_NS_PER_S);
	ck_assert_int_eq(sim_bench_file_errno(b, true), ENOSPC);
	ck_assert_int_eq(sim_bench_file_errno(b, false), 0); /* unlink, fsync still work */
	sim_bench_destroy(b);
	ck_assert_int_eq(bench_with("fault.readonly=t=0", &vc, &hal, &b, &err), RIG_OK);
	ck_assert_int_eq(sim_bench_file_errno(b, false), EROFS);
	sim_bench_destroy(b);
}
END_TEST

/* The faulty disk as the report sees it: the ops table the virtual bench
 * installs (sim/fsfault.h) works until the fault strikes, then refuses
 * what the fault refuses; the report cannot open its journal. */
START_TEST(test_virtual_bench_disk_is_an_fsops_table_that_fills_up)
{
	struct rig_vclock vc;
	struct rig_hal hal;
	struct sim_bench *b;
	struct rig_err err;
	char *dir = tu_tmpdir();
	ck_assert_ptr_nonnull(dir);
	ck_assert_int_eq(bench_with("fault.disk_full=t=1", &vc, &hal, &b, &err), RIG_OK);
	struct rig_fsops fs;
	sim_fsfault_ops(&fs, b);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/a", dir);
	int fd = fs.open(fs.ctx, path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fs.write(fs.ctx, fd, "x", 1), 1);
	clock_sleep_ns(&vc.base, 1 * RIG_NS_PER_S);
	errno = 0;
	ck_assert_int_eq(fs.write(fs.ctx, fd, "y", 1), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(fs.fsync(fs.ctx, fd), 0); /* changes nothing new: allowed */
	close(fd);
	struct report_meta m;
	ck_assert_int_eq(report_meta_init(&m, &err), RIG_OK);
	struct report *r = NULL;
	ck_assert_int_eq(report_open_fs(&r, dir, &m, &fs, &err), RIG_E_IO);
	ck_assert_msg(strstr(err.msg, "No space left on device"), "%s", err.msg);
	ck_assert_int_eq(fs.unlink(fs.ctx, path), 0);
	sim_bench_destroy(b);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- regressions found by the matrix ---- */

struct watch {
	uint64_t struck_ns, off_ns;
	bool seen;
};

static void watch_end(void *ctx, struct bench *bench)
{
	struct watch *w = ctx;
	struct sim_bench *b = bench->sim;
	if (!b)
		return;
	w->seen = true;
	sim_io_fault_times(b, &w->struck_ns, &w->off_ns);
}

START_TEST(test_lid_opened_while_the_pen_boots_cuts_power_within_50_ms)
{
	/* The pen boots for 200 ms inside identify; the rig used to look at
	 * the lid only after the boot wait (314 ms late). */
	char *dir = tu_tmpdir(), *text = tu_read(FIXTURE);
	char *fixture = tu_write(dir, "sim.ini", text), *out = NULL;
	ck_assert_int_ge(asprintf(&out, "%s/reports", dir), 0);
	for (int ms = 0; ms <= 550; ms += 25) {
		char kv[64];
		snprintf(kv, sizeof kv, "fault.lid_open=identify+%.3f", ms / 1000.0);
		char *sims[] = { kv };
		struct watch w = { 0 };
		struct run_bench o = { .fixture = fixture, .profile = PROFILE,
				       .o = { .operator_name = "t", .out_dir = out },
				       .sims = sims, .nsims = 1, .after = watch_end, .ctx = &w };
		struct run_result res;
		ck_assert_int_eq(run_bench(&o, &res), 2);
		ck_assert(w.seen);
		if (w.off_ns > w.struck_ns) /* else: the pen was never switched on */
			ck_assert_msg(w.off_ns - w.struck_ns <= 50 * RIG_NS_PER_MS,
				      "%s: power off %.1f ms after the trip", kv,
				      (double)(w.off_ns - w.struck_ns) / 1e6);
	}
	tu_rmtree(dir);
	free(dir);
	free(text);
	free(fixture);
	free(out);
}
END_TEST

/* ---- representative matrix rows ---- */

static void row(const char *fault, const char *when, enum fault_harm harm,
		const char *harmful_before, const char *expect_verdict, int expect_exit)
{
	struct fault_spec s = { .fault = fault, .when = when, .harm = harm,
				.harmful_before = harmful_before, .why = "" };
	struct fault_outcome o;
	fault_row_run(&s, FIXTURE, PROFILE, 1, &o);
	ck_assert_msg(o.ok, "fault.%s=%s: %s", fault, when, o.problem);
	ck_assert_msg(o.exit_code == expect_exit, "fault.%s=%s: exit %d, expected %d (%s)", fault,
		      when, o.exit_code, expect_exit, o.verdict);
	if (expect_verdict)
		ck_assert_str_eq(o.verdict, expect_verdict);
}

/* A pen that stops answering has hung: its own failure (category unit),
 * FAIL, exit 1; the old tables stay. */
START_TEST(test_silent_pen_during_calibration_fails_the_unit_and_keeps_the_old_tables)
{
	struct fault_spec s = { .fault = "pen.silent", .when = "calibrate",
				.harm = FAULT_HARMFUL, .harmful_before = "report", .why = "" };
	struct fault_outcome o;
	fault_row_run(&s, FIXTURE, PROFILE, 1, &o);
	ck_assert_msg(o.ok, "%s", o.problem);
	ck_assert_int_eq(o.exit_code, 1);
	ck_assert_str_eq(o.verdict, "FAIL");
	ck_assert_int_eq(o.tables, TABLES_OLD);
	ck_assert(o.motor_off && o.power_off);
}
END_TEST

/* fault.pen.nak is the pen's own hardware error (-240 "Hardware error;
 * motor driver fault"): the unit failed, not the bench. */
START_TEST(test_pen_hardware_error_during_verify_fails_the_unit)
{
	row("pen.nak", "verify", FAULT_HARMFUL, "report", "FAIL", 1);
}
END_TEST

START_TEST(test_unplugged_laser_aborts_within_its_timeout)
{
	row("laser.unplug", "verify", FAULT_HARMFUL, "report", "ABORTED", 2);
}
END_TEST

START_TEST(test_stuck_load_cell_aborts_the_preload)
{
	row("loadcell.stuck", "preload", FAULT_HARMFUL, "calibrate", "ABORTED", 2);
}
END_TEST

START_TEST(test_drifting_load_cell_never_passes_the_preload)
{
	row("loadcell.drift", "preload", FAULT_HARMFUL, "calibrate", "FAIL", 1);
}
END_TEST

/* A laser that drifts during the run (issue 13): 3 um/s gave a PASS 23 um
 * shallow; the run's zero check (run/zero_check.c) now aborts it (reason
 * laser), and 1 um/s stays a valid PASS with the shift in every depth's U. */
static void physics_row_on(const char *fixture, const char *profile, const char *params,
			   enum fault_harm harm, const char *expect_verdict, int expect_exit)
{
	struct fault_spec s = { .fault = "physics", .when = params, .harm = harm,
				.harmful_before = harm == FAULT_HARMFUL ? "report" : NULL,
				.why = "", .physics = true };
	struct fault_outcome o;
	fault_row_run(&s, fixture, profile, 1, &o);
	ck_assert_msg(o.ok, "%s: %s", params, o.problem);
	ck_assert_msg(o.exit_code == expect_exit, "%s: exit %d, expected %d (%s)", params,
		      o.exit_code, expect_exit, o.verdict);
	ck_assert_str_eq(o.verdict, expect_verdict);
}

static void physics_row(const char *params, enum fault_harm harm, const char *expect_verdict,
			int expect_exit)
{
	physics_row_on(FIXTURE, PROFILE, params, harm, expect_verdict, expect_exit);
}

/* A copy of src with its first `from` replaced by `to`, in the suite's
 * folder of variants (removed at its end). */
static char *variants;
static char *variant(const char *name, const char *src, const char *from, const char *to)
{
	char *text = tu_read(src);
	ck_assert_ptr_nonnull(text);
	char *changed = tu_replace(text, from, to);
	ck_assert_msg(changed, "%s: no '%s'", src, from);
	char *path = tu_write(variants, name, changed);
	ck_assert_ptr_nonnull(path);
	free(text);
	free(changed);
	return path;
}

static void variants_setup(void)
{
	variants = tu_tmpdir();
	ck_assert_ptr_nonnull(variants);
}

static void variants_teardown(void)
{
	tu_rmtree(variants);
	free(variants);
	variants = NULL;
}

/* Speckle spikes (issue 13): in seed 28's window at 130 Hz a spike of
 * 180 um on the retraction flank of the last stroke stayed within the
 * knots' gate (190 um there), moved the last knot 0.22 slot, and the
 * rate read 130.2628 Hz with U 0.0091 against 130.2867 over the window
 * (2.6 U). The knots now leave such a sample out (knot_one_out, fit.c).
 * No extra allowance here: every verify rate within its own U. */
START_TEST(test_speckle_spike_on_a_flank_does_not_pull_the_rate)
{
	struct fault_spec s = { .fault = "physics", .when = "laser.spike_p=0.005",
				.harm = FAULT_HARMLESS, .why = "", .physics = true };
	struct fault_outcome o;
	fault_row_run(&s, FIXTURE, PROFILE, 28, &o);
	ck_assert_msg(o.ok, "%s", o.problem);
	ck_assert_str_eq(o.verdict, "PASS");
	ck_assert_msg(o.freq_err_over_u <= 1.0, "verify rates within %.2f U", o.freq_err_over_u);
}
END_TEST

START_TEST(test_laser_drifting_during_the_run_never_passes)
{
	physics_row("laser.drift_um_per_s=3", FAULT_HARMFUL, "ABORTED", 2);
	physics_row("laser.drift_um_per_s=1", FAULT_HARMLESS, "PASS", 0);
}
END_TEST

/* The zero's bound follows the profile's depth tolerance (issue 13): at
 * 1 um/s the zero moves about 6.5 um between the checks, inside the
 * production profile's 8.66 um (0.1 x 100 um x sqrt(3)/2) but not inside
 * the 4.33 um of a 50 um tolerance; before, a fixed 10 um let that run
 * PASS with a shift worth 7.5 um of U against a 5 um window target. */
START_TEST(test_zero_bound_follows_the_depth_tolerance)
{
	char *prof = variant("tol50.ini", PROFILE, "depth_tolerance_um = 100",
			     "depth_tolerance_um = 50");
	physics_row_on(FIXTURE, prof, "laser.drift_um_per_s=1", FAULT_HARMFUL, "ABORTED", 2);
	physics_row_on(FIXTURE, prof, "laser.drift_um_per_s=0", FAULT_HARMLESS, "PASS", 0);
	free(prof);
}
END_TEST

/* laser.run_zero_max_shift_um tightens the bound, never widens it: 20 um
 * (a fixed bound before: 1.5 um/s, a shift of about 10.6 um, PASSed)
 * leaves the production profile's 8.66 um; 4 um aborts a 6.5 um shift. */
START_TEST(test_fixture_zero_bound_only_tightens)
{
	char *wide = variant("wide.ini", FIXTURE, "[laser]\n",
			     "[laser]\nrun_zero_max_shift_um = 20\n");
	char *tight = variant("tight.ini", FIXTURE, "[laser]\n",
			      "[laser]\nrun_zero_max_shift_um = 4\n");
	physics_row_on(wide, PROFILE, "laser.drift_um_per_s=1.5", FAULT_HARMFUL, "ABORTED", 2);
	physics_row_on(tight, PROFILE, "laser.drift_um_per_s=1", FAULT_HARMFUL, "ABORTED", 2);
	free(wide);
	free(tight);
}
END_TEST

/* A laser whose zero moved 30 um since rig zero (the virtual contact plane
 * reads 5.03 mm, the fixture says 5.000): every depth 30 um shallow, the
 * calibration fitted to it, PASS with U 3-4 um (issue 13). The run reads
 * the bench's zero target before its first point and compares it with
 * rig zero's reading: refused, ABORTED, reason laser_zero; a profile that
 * corrects (zero_target_correct = yes) measures from the moved zero and
 * PASSes with every depth true within its U; 5 um, within the bound,
 * joins every depth's U. */
START_TEST(test_zero_moved_since_rig_zero_never_passes_wrong)
{
	physics_row("laser.zero_mm=5.03", FAULT_HARMFUL, "ABORTED", 2);
	physics_row("laser.zero_mm=5.005", FAULT_HARMLESS, "PASS", 0);
	char *prof = variant("correct.ini", PROFILE, "decision_rule = guarded\n",
			     "decision_rule = guarded\nzero_target_correct = yes\n");
	physics_row_on(FIXTURE, prof, "laser.zero_mm=5.03", FAULT_HARMLESS, "PASS", 0);
	free(prof);
}
END_TEST

/* A motor reaching each new speed with a 0.1 s time constant: the verify
 * rates read up to 0.18 % below the rate the pen settles at (84 Hz on
 * seed 1: -0.092 %, 9.2 U), PASS; the settling now fits the approach,
 * waits for it and counts the rest in U (run/point.c). The matrix judges
 * each verify rate against the pen's real and settled rate over its
 * window (support/ratetruth.h). */
START_TEST(test_slow_motor_rates_are_judged_against_the_pens_window)
{
	physics_row("pen.spinup_from=0.4 pen.spinup_ms=100", FAULT_HARMLESS, "PASS", 0);
}
END_TEST

START_TEST(test_rare_glitch_reads_and_dropped_bytes_are_ridden_out)
{
	row("loadcell.glitch", "p=0.05", FAULT_HARMLESS, NULL, "PASS", 0);
	row("laser.byte_drop", "p=0.00001", FAULT_HARMLESS, NULL, "PASS", 0);
}
END_TEST

START_TEST(test_full_disk_mid_run_exits_74_and_the_journal_is_recovered)
{
	struct fault_spec s = { .fault = "disk_full", .when = "verify",
				.harm = FAULT_NO_FOLDER, .why = "" };
	struct fault_outcome o;
	fault_row_run(&s, FIXTURE, PROFILE, 1, &o);
	ck_assert_msg(o.ok, "%s", o.problem);
	ck_assert_int_eq(o.exit_code, 74);
	ck_assert_msg(strstr(o.report_error, "No space left on device") &&
		      strstr(o.report_error, ".journal"), "%s", o.report_error);
	ck_assert(o.recovered);
	ck_assert(o.motor_off && o.power_off);
}
END_TEST

START_TEST(test_read_only_folder_before_the_run_exits_74_before_the_pen_runs)
{
	row("readonly", "identify", FAULT_NO_FOLDER, NULL, NULL, 74);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("mechanism");
	tcase_add_test(tc, test_fault_forms_are_checked_with_the_parameters_origin);
	tcase_add_test(tc, test_phase_fault_strikes_at_its_offset_into_the_phase);
	tcase_add_test(tc, test_phase_fault_not_struck_in_its_window_strikes_when_the_phase_ends);
	tcase_add_test(tc, test_report_folder_faults_fail_file_operations_with_their_errno);
	tcase_add_test(tc, test_virtual_bench_disk_is_an_fsops_table_that_fills_up);
	suite_add_tcase(s, tc);
	tc = tcase_create("runs");
	tcase_add_checked_fixture(tc, variants_setup, variants_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lid_opened_while_the_pen_boots_cuts_power_within_50_ms);
	tcase_add_test(tc, test_silent_pen_during_calibration_fails_the_unit_and_keeps_the_old_tables);
	tcase_add_test(tc, test_pen_hardware_error_during_verify_fails_the_unit);
	tcase_add_test(tc, test_unplugged_laser_aborts_within_its_timeout);
	tcase_add_test(tc, test_stuck_load_cell_aborts_the_preload);
	tcase_add_test(tc, test_drifting_load_cell_never_passes_the_preload);
	tcase_add_test(tc, test_laser_drifting_during_the_run_never_passes);
	tcase_add_test(tc, test_speckle_spike_on_a_flank_does_not_pull_the_rate);
	tcase_add_test(tc, test_zero_bound_follows_the_depth_tolerance);
	tcase_add_test(tc, test_fixture_zero_bound_only_tightens);
	tcase_add_test(tc, test_zero_moved_since_rig_zero_never_passes_wrong);
	tcase_add_test(tc, test_slow_motor_rates_are_judged_against_the_pens_window);
	tcase_add_test(tc, test_rare_glitch_reads_and_dropped_bytes_are_ridden_out);
	tcase_add_test(tc, test_full_disk_mid_run_exits_74_and_the_journal_is_recovered);
	tcase_add_test(tc, test_read_only_folder_before_the_run_exits_74_before_the_pen_runs);
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
