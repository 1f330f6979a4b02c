/* test_bench.c - the bench layer (rig/bench/bench.h): assembled from a
 * fixture with the virtual bench's seams installed; bench_close() leaves it
 * safe whatever happened (motor off, pen power off, lamps, lock released),
 * is idempotent and safe after a failed or partial open; and the commands'
 * shared options and exit-code policy (rig/cli). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "sim/bench.h"
#include "sim/io.h"
#include "sim/pen.h"
#include "support/testutil.h"

static char *dir;     /* per test: a fixture copy and its lock */
static char *fixture; /* dir/sim.ini */

static void setup(void)
{
	dir = tu_tmpdir();
	char *text = tu_read(SRCDIR "/fixtures/sim.ini");
	ck_assert_ptr_nonnull(text);
	fixture = tu_write(dir, "sim.ini", text);
	free(text);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	free(fixture);
}

static void open_sim(struct bench *b, char **sims, size_t nsims)
{
	struct rig_err err;
	struct bench_options o = { .fixture_path = fixture, .sims = sims, .nsims = nsims };
	ck_assert_msg(bench_open(b, &o, &err) == RIG_OK, "%s", err.msg);
}

/* Another process's view of the lock: can it be taken now? */
static bool lock_is_free(const struct bench *b)
{
	/* flock locks belong to the open file: a second open of the same
	 * file in this process contends like another process would. */
	struct bench_lock l = { .fd = -1 };
	struct rig_err err;
	enum rig_rc rc = bench_lock_acquire(&l, b->fx.bench.lock, "probe", 0, &err);
	bench_lock_release(&l);
	return rc == RIG_OK;
}

START_TEST(test_sim_fixture_assembles_a_virtual_bench_on_free_time)
{
	struct bench b;
	open_sim(&b, NULL, 0);
	ck_assert_ptr_nonnull(b.sim);
	ck_assert(bench_time_is_free(&b));
	/* The seams: the virtual bench is the operator and watches phases. */
	ck_assert_ptr_eq(b.op, &sim_operator_ops);
	ck_assert_uint_eq(b.nphase_obs, 1);
	bench_announce_phase(&b, "calibrate");
	ck_assert_str_eq(b.sim->phase, "calibrate");
	bench_close(&b);
	ck_assert_ptr_null(b.sim);
}
END_TEST

START_TEST(test_the_virtual_operator_does_the_steps_itself)
{
	struct bench b;
	struct rig_err err;
	open_sim(&b, NULL, 0);
	ck_assert_int_eq(bench_operator(&b, OPERATOR_PLACE_MASS, 200, &err), RIG_OK);
	ck_assert_int_eq(b.sim->load, SIM_LOAD_MASS);
	ck_assert_double_eq(b.sim->mass_g, 200);
	ck_assert_int_eq(bench_operator(&b, OPERATOR_PLACE_FLAT, 0, &err), RIG_OK);
	ck_assert_int_eq(b.sim->target, SIM_TARGET_FLAT);
	ck_assert_int_eq(bench_operator(&b, OPERATOR_RESTORE_PEN, 0, &err), RIG_OK);
	ck_assert_int_eq(b.sim->target, SIM_TARGET_PEN);
	ck_assert_int_eq(b.sim->load, SIM_LOAD_PEN);
	bench_close(&b);
}
END_TEST

START_TEST(test_close_after_identify_stops_the_motor_cuts_power_and_frees_the_lock)
{
	struct bench b;
	struct rig_err err;
	open_sim(&b, NULL, 0);
	ck_assert_msg(bench_take_lock(&b, 0, &err) == RIG_OK, "%s", err.msg);
	ck_assert_msg(bench_identify(&b, &err) == RIG_OK, "%s", err.msg);
	ck_assert_str_eq(b.id.serial, "MN3-000123");
	ck_assert_int_eq(pen_set_motor(b.d.pen, true, &err), RIG_OK);
	b.motor_on = true;
	ck_assert(!lock_is_free(&b));
	struct sim_pen *pen = sim_pen_of(b.sim);
	struct sim_pen_truth t;
	sim_pen_truth(pen, &t);
	ck_assert(t.powered && t.motor_on);
	/* The lamps a run would leave: FAIL. */
	bench_make_safe(&b, LAMPS_FAIL);
	sim_pen_truth(pen, &t);
	ck_assert(!t.powered);
	ck_assert(!t.motor_on);
	ck_assert(sim_io_lamp(b.sim, SIM_LINE_LAMP_RED));
	ck_assert(!sim_io_lamp(b.sim, SIM_LINE_LAMP_GREEN));
	bench_release(&b);
	ck_assert_ptr_null(b.d.io);
	ck_assert_ptr_null(b.d.pen);
	ck_assert(lock_is_free(&b));
	bench_close(&b);
	bench_close(&b); /* idempotent */
}
END_TEST

START_TEST(test_release_with_the_motor_running_leaves_the_pen_stopped_and_unpowered)
{
	struct bench b;
	struct rig_err err;
	open_sim(&b, NULL, 0);
	ck_assert_int_eq(bench_take_lock(&b, 0, &err), RIG_OK);
	ck_assert_int_eq(bench_identify(&b, &err), RIG_OK);
	ck_assert_int_eq(pen_set_motor(b.d.pen, true, &err), RIG_OK);
	struct sim_pen *pen = sim_pen_of(b.sim);
	/* bench_close() frees the virtual bench: look just before that,
	 * after the devices were closed. */
	bench_release(&b);
	struct sim_pen_truth t;
	sim_pen_truth(pen, &t);
	ck_assert(!t.motor_on);
	ck_assert(!t.powered);
	bench_close(&b);
}
END_TEST

START_TEST(test_close_is_safe_after_a_failed_open)
{
	struct bench b;
	struct rig_err err;
	/* An unknown virtual bench parameter: the fixture loaded, the
	 * virtual bench refused. */
	char *sims[] = { "pen.no_such_parameter=1" };
	struct bench_options o = { .fixture_path = fixture, .sims = sims, .nsims = 1 };
	ck_assert_int_eq(bench_open(&b, &o, &err), RIG_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "pen.no_such_parameter"));
	bench_close(&b);
	bench_close(&b);
	/* No fixture at all. */
	o = (struct bench_options){ .fixture_path = "/nonexistent/fixture.ini" };
	ck_assert_int_eq(bench_open(&b, &o, &err), RIG_E_CONFIG);
	bench_close(&b);
}
END_TEST

START_TEST(test_close_is_safe_after_a_partial_open_of_the_devices)
{
	/* The e-stop is pressed: the safety I/O opens, the pen is refused
	 * power, everything opened so far is closed again. */
	struct bench b;
	struct rig_err err;
	char *sims[] = { "fault.estop=t=0" };
	open_sim(&b, sims, 1);
	ck_assert_int_eq(bench_take_lock(&b, 0, &err), RIG_OK);
	ck_assert_int_eq(bench_identify(&b, &err), RIG_E_ABORTED);
	ck_assert_msg(strstr(err.msg, "e-stop"), "%s", err.msg);
	ck_assert_ptr_null(b.d.io);
	ck_assert(!b.sim->pen_power);
	bench_close(&b);
	bench_close(&b);
}
END_TEST

START_TEST(test_sim_arguments_on_a_real_bench_are_a_usage_error)
{
	char *text = tu_read(fixture);
	char *t1 = tu_replace(text, "port = sim:pen", "port = pty:/nonexistent/pen");
	char *t2 = tu_replace(t1, "port = sim:laser", "port = pty:/nonexistent/laser");
	char *t3 = tu_replace(t2, "chip = sim:bench", "chip = /dev/nonexistent");
	char *t4 = tu_replace(t3, "chip = sim:bench", "chip = /dev/nonexistent");
	/* No [sim] section left: cut the file there. */
	char *cut = strstr(t4, "\n[sim]");
	ck_assert_ptr_nonnull(cut);
	cut[1] = '\0';
	char *real = tu_write(dir, "real.ini", t4);
	struct bench b;
	struct rig_err err;
	char *sims[] = { "seed=1" };
	struct bench_options o = { .fixture_path = real, .sims = sims, .nsims = 1 };
	ck_assert_int_eq(bench_open(&b, &o, &err), RIG_E_USAGE);
	bench_close(&b);
	o.nsims = 0;
	ck_assert_msg(bench_open(&b, &o, &err) == RIG_OK, "%s", err.msg);
	ck_assert_ptr_null(b.sim);
	ck_assert(!bench_time_is_free(&b));
	ck_assert_ptr_null(b.op); /* nobody to ask */
	ck_assert_int_eq(bench_operator(&b, OPERATOR_REMOVE_LOAD, 0, &err), RIG_E_USAGE);
	bench_close(&b);
	free(text);
	free(t1);
	free(t2);
	free(t3);
	free(t4);
	free(real);
}
END_TEST

/* ---- rig/cli: shared options, exit codes ---- */

START_TEST(test_shared_options_are_taken_by_the_rows_flags_only)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	char *argv[] = { "run", "-f", "x.ini", "--sim", "a=1", "-s", "b=2", "--wait-lock", "5",
			 NULL };
	struct rig_command row = { "run", NULL, CLI_BENCH | CLI_WAIT_LOCK, "" };
	struct cli_ctx cx = { .cmd = &row };
	optind = 1;
	opterr = 0;
	ck_assert_int_eq(cli_getopt(&cx, 9, argv, "h", none), -1);
	ck_assert_str_eq(cx.fixture_path, "x.ini");
	ck_assert_uint_eq(cx.nsims, 2);
	ck_assert_str_eq(cx.sims[1], "b=2");
	ck_assert_uint_eq(cx.wait_lock_s, 5);
	/* --yes is not this row's: an unknown option. */
	char *argv2[] = { "run", "--yes", NULL };
	struct cli_ctx cx2 = { .cmd = &row };
	optind = 1;
	ck_assert_int_eq(cli_getopt(&cx2, 2, argv2, "h", none), '?');
	/* A bad shared value is reported once, as such. */
	char *argv3[] = { "run", "--wait-lock", "0x10", NULL };
	struct cli_ctx cx3 = { .cmd = &row };
	optind = 1;
	ck_assert_int_eq(cli_getopt(&cx3, 3, argv3, "h", none), CLI_OPT_BAD);
	opterr = 1;
}
END_TEST

START_TEST(test_the_run_exit_code_policy)
{
	struct run_result r = { 0 };
	r.rc = RIG_E_BUSY; /* the lock: never started */
	ck_assert_int_eq(cli_run_exit_code(&r), 75);
	r = (struct run_result){ .started = true };
	ck_assert_int_eq(cli_run_exit_code(&r), 0);
	r.failed = true;
	ck_assert_int_eq(cli_run_exit_code(&r), 1);
	r.aborted = true;
	r.rc = RIG_E_TIMEOUT;
	ck_assert_int_eq(cli_run_exit_code(&r), 2);
	r.rc = RIG_E_CONFIG; /* expired fixture calibration */
	ck_assert_int_eq(cli_run_exit_code(&r), 78);
	r.rc = RIG_E_DATA; /* any other abort */
	ck_assert_int_eq(cli_run_exit_code(&r), 2);
	r.report_failed = true;
	ck_assert_int_eq(cli_run_exit_code(&r), 74);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bench");
	TCase *tc = tcase_create("bench");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_fixture_assembles_a_virtual_bench_on_free_time);
	tcase_add_test(tc, test_the_virtual_operator_does_the_steps_itself);
	tcase_add_test(tc, test_close_after_identify_stops_the_motor_cuts_power_and_frees_the_lock);
	tcase_add_test(tc, test_release_with_the_motor_running_leaves_the_pen_stopped_and_unpowered);
	tcase_add_test(tc, test_close_is_safe_after_a_failed_open);
	tcase_add_test(tc, test_close_is_safe_after_a_partial_open_of_the_devices);
	tcase_add_test(tc, test_sim_arguments_on_a_real_bench_are_a_usage_error);
	tcase_add_test(tc, test_shared_options_are_taken_by_the_rows_flags_only);
	tcase_add_test(tc, test_the_run_exit_code_policy);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
