/* test_io.c - safety and operator I/O against the virtual bench's lines. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/io/io.h"
#include "sim/bench.h"
#include "sim/io.h"

static struct rig_vclock vc;
static struct rig_hal hal;
static struct sim_bench *bench;
static struct fixture fx;
static struct bench_io *io;

static void setup(void)
{
	struct rig_err err = { 0 };
	vclock_init(&vc, RIG_NS_PER_S);
	hal = (struct rig_hal){ .clock = &vc.base };
	ck_assert_int_eq(sim_bench_create(&bench, &hal, NULL, 0, &err), RIG_OK);
	ck_assert_int_eq(fixture_load(&fx, SRCDIR "/fixtures/sim.ini", &err), RIG_OK);
	ck_assert_int_eq(bench_io_open(&io, &fx.io, &hal, &err), RIG_OK);
}

static void teardown(void)
{
	bench_io_close(io);
	fixture_free(&fx);
	sim_bench_destroy(bench);
}

START_TEST(test_healthy_bench_is_safe)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(bench_io_check_safe(io, &err), RIG_OK);
}
END_TEST

START_TEST(test_estop_and_lid_are_reported_by_name)
{
	struct rig_err err = { 0 };
	sim_io_press_estop(bench, true);
	ck_assert_int_eq(bench_io_check_safe(io, &err), RIG_E_ABORTED);
	ck_assert_str_eq(err.msg, "e-stop tripped");
	sim_io_open_lid(bench, true);
	ck_assert_int_eq(bench_io_check_safe(io, &err), RIG_E_ABORTED);
	ck_assert_str_eq(err.msg, "e-stop tripped and lid open");
	sim_io_press_estop(bench, false);
	ck_assert_int_eq(bench_io_check_safe(io, &err), RIG_E_ABORTED);
	ck_assert_str_eq(err.msg, "lid open");
	sim_io_open_lid(bench, false);
	ck_assert_int_eq(bench_io_check_safe(io, &err), RIG_OK);
}
END_TEST

START_TEST(test_relay_switches_bench_pen_power_and_close_switches_it_off)
{
	struct rig_err err = { 0 };
	ck_assert(!bench->pen_power);
	ck_assert_int_eq(bench_io_pen_power(io, true, &err), RIG_OK);
	ck_assert(bench->pen_power);
	ck_assert(bench_io_pen_powered(io));
	bench_io_close(io);
	io = NULL;
	ck_assert(!bench->pen_power);
}
END_TEST

START_TEST(test_lamps_show_each_state)
{
	struct rig_err err = { 0 };
	struct { enum bench_lamps l; bool g, a, r; } cases[] = {
		{ LAMPS_OFF, 0, 0, 0 }, { LAMPS_RUNNING, 0, 1, 0 }, { LAMPS_PASS, 1, 0, 0 },
		{ LAMPS_FAIL, 0, 0, 1 }, { LAMPS_ABORTED, 0, 1, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_int_eq(bench_io_lamps(io, cases[i].l, &err), RIG_OK);
		ck_assert_int_eq(sim_io_lamp(bench, SIM_LINE_LAMP_GREEN), cases[i].g);
		ck_assert_int_eq(sim_io_lamp(bench, SIM_LINE_LAMP_AMBER), cases[i].a);
		ck_assert_int_eq(sim_io_lamp(bench, SIM_LINE_LAMP_RED), cases[i].r);
	}
}
END_TEST

START_TEST(test_start_wait_times_out_in_bench_time)
{
	struct rig_err err = { 0 };
	bool pressed = true;
	uint64_t t0 = clock_now_ns(&vc.base);
	ck_assert_int_eq(bench_io_wait_start(io, 250, &pressed, &err), RIG_OK);
	ck_assert(!pressed);
	ck_assert_uint_ge(clock_now_ns(&vc.base) - t0, 250 * RIG_NS_PER_MS);
}
END_TEST

START_TEST(test_start_press_already_made_is_not_a_new_press)
{
	struct rig_err err = { 0 };
	bool pressed = true;
	sim_io_press_start(bench, true);
	ck_assert_int_eq(bench_io_wait_start(io, 10, &pressed, &err), RIG_OK);
	ck_assert(!pressed);
}
END_TEST

START_TEST(test_unknown_line_name_fails_naming_the_role)
{
	struct rig_err err = { 0 };
	struct fixture_io bad = fx.io;
	snprintf(bad.lid_line, sizeof bad.lid_line, "NOPE");
	struct bench_io *io2;
	bench_io_close(io);
	io = NULL;
	ck_assert_int_eq(bench_io_open(&io2, &bad, &hal, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "lid line: ") && strstr(err.msg, "'NOPE'"), "%s", err.msg);
}
END_TEST


/* A socket of a bench with several sockets: its lines without the e-stop
 * and lid, which the holder of those lines publishes (here the same
 * virtual chip: the owner's part and the socket's part side by side). */
START_TEST(test_socket_reads_the_published_estop_and_lid_latched)
{
	struct rig_err err = { 0 };
	struct bench_io_shared sh;
	memset(&sh, 0, sizeof sh);
	bench_io_close(io);
	io = NULL;
	struct bench_io *owner, *sock;
	ck_assert_int_eq(bench_io_open_part(&owner, &fx.io, &hal, BENCH_IO_SHARED, NULL, &err),
			 RIG_OK);
	ck_assert_int_eq(bench_io_open_part(&sock, &fx.io, &hal, BENCH_IO_SOCKET, &sh, &err),
			 RIG_OK);
	/* Nothing published yet: unsafe, and it says why. */
	ck_assert_int_eq(bench_io_check_safe(sock, &err), RIG_E_ABORTED);
	ck_assert_msg(strstr(err.msg, "not watched"), "%s", err.msg);
	ck_assert_int_eq(bench_io_publish(owner, &sh, &err), RIG_OK);
	ck_assert_int_eq(bench_io_check_safe(sock, &err), RIG_OK);
	/* The socket's relay is its own. */
	ck_assert_int_eq(bench_io_pen_power(sock, true, &err), RIG_OK);
	ck_assert(bench->pen_power);
	/* An e-stop pressed and released between two reads of the socket is
	 * still seen: the owner latches it. */
	sim_io_press_estop(bench, true);
	ck_assert_int_eq(bench_io_publish(owner, &sh, &err), RIG_OK);
	sim_io_press_estop(bench, false);
	ck_assert_int_eq(bench_io_publish(owner, &sh, &err), RIG_OK);
	ck_assert_int_eq(bench_io_check_safe(sock, &err), RIG_E_ABORTED);
	ck_assert_str_eq(err.msg, "e-stop tripped");
	/* The owner gone: unsafe. */
	sh.estop_tripped = 0;
	sh.gone = 1;
	ck_assert_int_eq(bench_io_check_safe(sock, &err), RIG_E_ABORTED);
	ck_assert_msg(strstr(err.msg, "no longer watched"), "%s", err.msg);
	/* A reading older than the allowed age: unsafe. */
	sh.gone = 0;
	sh.read_ns -= (uint64_t)(BENCH_IO_SHARED_STALE_MS + 1) * RIG_NS_PER_MS;
	ck_assert_int_eq(bench_io_check_safe(sock, &err), RIG_E_ABORTED);
	ck_assert_msg(strstr(err.msg, "not read them for"), "%s", err.msg);
	bench_io_close(sock);
	ck_assert(!bench->pen_power);
	bench_io_close(owner);
	/* Shared inputs belong to the socket part only. */
	ck_assert_int_eq(bench_io_open_part(&sock, &fx.io, &hal, BENCH_IO_SOCKET, NULL, &err),
			 RIG_E_USAGE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("io");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_healthy_bench_is_safe);
	tcase_add_test(tc, test_estop_and_lid_are_reported_by_name);
	tcase_add_test(tc, test_relay_switches_bench_pen_power_and_close_switches_it_off);
	tcase_add_test(tc, test_lamps_show_each_state);
	tcase_add_test(tc, test_start_wait_times_out_in_bench_time);
	tcase_add_test(tc, test_start_press_already_made_is_not_a_new_press);
	tcase_add_test(tc, test_unknown_line_name_fails_naming_the_role);
	tcase_add_test(tc, test_socket_reads_the_published_estop_and_lid_latched);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
