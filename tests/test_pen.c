/* test_pen.c - the pen driver against the virtual pen: identity, settings,
 * refusals, motor, calibration tables through resets and power loss, and
 * the unhappy wire (silence, garbage, long replies, wrong baud). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/pen/pen.h"
#include "dev/pen/protocol.h"
#include "support/pen_bench.h"

static const struct pen_cal_table table_a = {
	.n = 3, .cmd = { 0, 1000, 3000 }, .raw = { 0, 1100, 3150 },
};
static const struct pen_cal_table table_b = {
	.n = 2, .cmd = { 100, 2500 }, .raw = { 50, 2400.5 },
};

static void raw_send(struct pen_bench *t, const char *bytes)
{
	ck_assert_int_eq(serial_write_str(t->port, bytes, 100, &t->err), RIG_OK);
}

/* SYST:ERR? through the driver's raw path: the code at the head. */
static int next_error(struct pen_bench *t, char *text, size_t cap)
{
	char reply[200];
	bool replied;
	int code;
	ck_assert_int_eq(pen_raw(t->pen, "SYST:ERR?", reply, sizeof reply, &replied, &t->err), RIG_OK);
	ck_assert(replied);
	ck_assert_int_eq(pen_proto_parse_error(reply, &code, text, cap, &t->err), RIG_OK);
	return code;
}

START_TEST(test_identify_reports_the_pens_identity)
{
	struct pen_bench t;
	const char *const params[] = { "pen.serial=SN-42", "pen.firmware=2.0.1", NULL };
	pen_bench_up(&t, params);
	pen_bench_power_on(&t);
	struct pen_identity id;
	ck_assert_int_eq(pen_identify(t.pen, &id, &t.err), RIG_OK);
	ck_assert_str_eq(id.maker, "Dermatech");
	ck_assert_str_eq(id.model, "MN-300");
	ck_assert_str_eq(id.serial, "SN-42");
	ck_assert_str_eq(id.firmware, "2.0.1");
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_unpowered_pen_times_out_naming_the_port)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	struct pen_identity id;
	uint64_t t0 = pen_bench_now_ns(&t);
	ck_assert_int_eq(pen_identify(t.pen, &id, &t.err), RIG_E_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "sim:pen"));
	ck_assert_ptr_nonnull(strstr(t.err.msg, "*IDN?"));
	/* The timeout is the setting's, in bench time. */
	ck_assert_uint_eq(pen_bench_now_ns(&t) - t0, 200 * RIG_NS_PER_MS);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_pen_is_silent_while_it_boots)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_relay(&t, true);
	struct pen_identity id;
	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	ck_assert(tr.powered && !tr.ready);
	/* Sent 1 ms after power-on: lost in the 200 ms boot. */
	ck_assert_int_eq(pen_identify(t.pen, &id, &t.err), RIG_E_TIMEOUT);
	ck_assert_int_eq(pen_wait_ready(t.pen, 1000, &t.err), RIG_OK);
	ck_assert_int_eq(pen_identify(t.pen, &id, &t.err), RIG_OK);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_wait_ready_gives_up_on_a_dead_pen)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	ck_assert_int_eq(pen_wait_ready(t.pen, 500, &t.err), RIG_E_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "not ready within 500 ms"));
	/* Never a reply after power-on: a dead pen or a dead line, which the
	 * driver cannot tell apart (run/disposition.c: pen_no_answer). */
	ck_assert_int_eq(t.err.cause, RIG_CAUSE_PEN_NO_ANSWER);
	pen_bench_down(&t);
}
END_TEST

/* The pen's own hardware error (SCPI -240..-249) is said where it is
 * raised, whatever the command: the run's reason comes from the cause,
 * not from the pen (freed when the power-on wait fails). Any other
 * refusal is only a refusal. */
START_TEST(test_hardware_error_is_the_pens_own_cause_even_at_power_on)
{
	struct pen_bench t;
	const char *const params[] = { "fault.pen.nak=t=0", NULL };
	pen_bench_up(&t, params);
	pen_bench_relay(&t, true);
	/* *CLS after the pen is ready is refused with -240. */
	ck_assert_int_eq(pen_wait_ready(t.pen, 1000, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(t.err.cause, RIG_CAUSE_PEN_HARDWARE);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "-240,\"Hardware error"));
	ck_assert_int_eq(pen_set_depth_um(t.pen, 1000, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(t.err.cause, RIG_CAUSE_PEN_HARDWARE);
	pen_bench_down(&t);

	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 3500, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -222);
	ck_assert_int_eq(t.err.cause, RIG_CAUSE_PEN_REFUSED);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_depth_and_freq_read_back_as_set)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	double v;
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq(v, 500); /* power-on default */
	ck_assert_int_eq(pen_set_depth_um(t.pen, 1500, &t.err), RIG_OK);
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq(v, 1500);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 1234.567, &t.err), RIG_OK);
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq_tol(v, 1234.567, 1e-9);
	ck_assert_int_eq(pen_set_freq_hz(t.pen, 120.5, &t.err), RIG_OK);
	ck_assert_int_eq(pen_get_freq_hz(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq(v, 120.5);
	struct sim_pen_truth tr;
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.cmd_depth_um, 1234.567, 1e-9);
	ck_assert_double_eq(tr.cmd_freq_hz, 120.5);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_out_of_range_values_are_refused_and_kept)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 1500, &t.err), RIG_OK);
	ck_assert_int_eq(pen_set_freq_hz(t.pen, 120, &t.err), RIG_OK);
	const char *text;

	ck_assert_int_eq(pen_set_depth_um(t.pen, 3500, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, &text), -222);
	ck_assert_ptr_nonnull(strstr(text, "3500"));
	ck_assert_ptr_nonnull(strstr(t.err.msg, "-222"));
	ck_assert_ptr_nonnull(strstr(t.err.msg, "DEPTH 3500"));
	ck_assert_int_eq(pen_set_depth_um(t.pen, -1, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_set_freq_hz(t.pen, 301, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_set_freq_hz(t.pen, 39.999, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -222);

	double v;
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq(v, 1500);
	ck_assert_int_eq(pen_get_freq_hz(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq(v, 120);
	char txt[128];
	ck_assert_int_eq(next_error(&t, txt, sizeof txt), 0); /* queue left empty */
	/* The limits themselves are accepted. */
	ck_assert_int_eq(pen_set_depth_um(t.pen, 3000, &t.err), RIG_OK);
	ck_assert_int_eq(pen_set_freq_hz(t.pen, 300, &t.err), RIG_OK);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_motor_switches_and_reports)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	bool on = true;
	struct sim_pen_truth tr;
	ck_assert_int_eq(pen_get_motor(t.pen, &on, &t.err), RIG_OK);
	ck_assert(!on);
	ck_assert_int_eq(pen_set_motor(t.pen, true, &t.err), RIG_OK);
	ck_assert_int_eq(pen_get_motor(t.pen, &on, &t.err), RIG_OK);
	ck_assert(on);
	pen_bench_sleep_ms(&t, 100);
	sim_pen_truth(t.sp, &tr);
	ck_assert(tr.motor_on);
	ck_assert_uint_gt(tr.strokes, 3);
	ck_assert_int_eq(pen_set_motor(t.pen, false, &t.err), RIG_OK);
	sim_pen_truth(t.sp, &tr);
	ck_assert(!tr.motor_on);
	/* *RST stops it too. */
	ck_assert_int_eq(pen_set_motor(t.pen, true, &t.err), RIG_OK);
	ck_assert_int_eq(pen_reset(t.pen, &t.err), RIG_OK);
	ck_assert_int_eq(pen_get_motor(t.pen, &on, &t.err), RIG_OK);
	ck_assert(!on);
	pen_bench_down(&t);
}
END_TEST

static void assert_active(struct pen_bench *t, enum pen_table w, const struct pen_cal_table *e)
{
	enum rig_rc rc = pen_cal_verify(t->pen, w, e, &t->err);
	ck_assert_msg(rc == RIG_OK, "%s", t->err.msg);
}

START_TEST(test_table_stage_crc_save_readback_round_trip)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	struct pen_cal_table got;
	ck_assert_int_eq(pen_cal_read(t.pen, PEN_TABLE_DEPTH, &got, &t.err), RIG_OK);
	ck_assert_uint_eq(got.n, 0); /* factory identity */

	ck_assert_int_eq(pen_cal_stage(t.pen, PEN_TABLE_DEPTH, &table_a, &t.err), RIG_OK);
	/* Staged is not active. */
	ck_assert_int_eq(pen_cal_read(t.pen, PEN_TABLE_DEPTH, &got, &t.err), RIG_OK);
	ck_assert_uint_eq(got.n, 0);
	ck_assert_int_eq(pen_cal_save(t.pen, PEN_TABLE_DEPTH, &t.err), RIG_OK);
	assert_active(&t, PEN_TABLE_DEPTH, &table_a);

	int32_t c[16], r[16];
	ck_assert_uint_eq(sim_pen_saved_table(t.sp, 0, c, r), 3);
	ck_assert_int_eq(c[1], 1000000);
	ck_assert_int_eq(r[2], 3150000);

	/* The frequency table is separate. */
	struct pen_cal_table ft = { .n = 2, .cmd = { 40, 300 }, .raw = { 41.5, 309.25 } };
	ck_assert_int_eq(pen_cal_write(t.pen, PEN_TABLE_FREQ, &ft, &t.err), RIG_OK);
	assert_active(&t, PEN_TABLE_FREQ, &ft);
	assert_active(&t, PEN_TABLE_DEPTH, &table_a);

	/* A different expectation is caught. */
	ck_assert_int_eq(pen_cal_verify(t.pen, PEN_TABLE_DEPTH, &table_b, &t.err), RIG_E_DEVICE);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_save_without_staging_is_refused)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	ck_assert_int_eq(pen_cal_save(t.pen, PEN_TABLE_DEPTH, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -221);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_save_both_commits_the_pair_or_nothing)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	struct pen_cal_table ft = { .n = 2, .cmd = { 40, 300 }, .raw = { 41.5, 309.25 } };
	/* Only the depth table staged: refused, and nothing becomes active. */
	ck_assert_int_eq(pen_cal_stage(t.pen, PEN_TABLE_DEPTH, &table_a, &t.err), RIG_OK);
	ck_assert_int_eq(pen_cal_save_both(t.pen, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -221);
	struct pen_cal_table got;
	ck_assert_int_eq(pen_cal_read(t.pen, PEN_TABLE_DEPTH, &got, &t.err), RIG_OK);
	ck_assert_uint_eq(got.n, 0);
	/* Both staged: both become active in one command. */
	ck_assert_int_eq(pen_cal_stage(t.pen, PEN_TABLE_FREQ, &ft, &t.err), RIG_OK);
	ck_assert_int_eq(pen_cal_save_both(t.pen, &t.err), RIG_OK);
	assert_active(&t, PEN_TABLE_DEPTH, &table_a);
	assert_active(&t, PEN_TABLE_FREQ, &ft);
	/* The staging areas are empty again: a second save is refused. */
	ck_assert_int_eq(pen_cal_save_both(t.pen, &t.err), RIG_E_DEVICE);
	assert_active(&t, PEN_TABLE_DEPTH, &table_a);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_reset_during_staging_keeps_the_saved_table)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	ck_assert_int_eq(pen_cal_write(t.pen, PEN_TABLE_DEPTH, &table_a, &t.err), RIG_OK);
	ck_assert_int_eq(pen_cal_stage(t.pen, PEN_TABLE_DEPTH, &table_b, &t.err), RIG_OK);
	ck_assert_int_eq(pen_reset(t.pen, &t.err), RIG_OK);
	ck_assert_int_eq(pen_cal_save(t.pen, PEN_TABLE_DEPTH, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -221);
	assert_active(&t, PEN_TABLE_DEPTH, &table_a);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_power_loss_during_staging_keeps_the_saved_table)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	ck_assert_int_eq(pen_cal_write(t.pen, PEN_TABLE_DEPTH, &table_a, &t.err), RIG_OK);
	/* Half a table staged, then the relay drops. */
	ck_assert_int_eq(pen_cal_stage(t.pen, PEN_TABLE_DEPTH, &table_b, &t.err), RIG_OK);
	pen_bench_relay(&t, false);
	pen_bench_sleep_ms(&t, 50);
	pen_bench_power_on(&t);
	ck_assert_int_eq(pen_cal_save(t.pen, PEN_TABLE_DEPTH, &t.err), RIG_E_DEVICE);
	assert_active(&t, PEN_TABLE_DEPTH, &table_a);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_saved_tables_survive_power_cycles_but_ram_does_not)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	ck_assert_int_eq(pen_cal_write(t.pen, PEN_TABLE_DEPTH, &table_a, &t.err), RIG_OK);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 2000, &t.err), RIG_OK);
	ck_assert_int_eq(pen_set_motor(t.pen, true, &t.err), RIG_OK);
	for (int i = 0; i < 3; i++) {
		pen_bench_relay(&t, false);
		struct sim_pen_truth tr;
		sim_pen_truth(t.sp, &tr);
		ck_assert(!tr.powered && !tr.motor_on);
		pen_bench_sleep_ms(&t, 1000);
		pen_bench_power_on(&t);
		assert_active(&t, PEN_TABLE_DEPTH, &table_a);
	}
	double v;
	bool on;
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq(v, 500);
	ck_assert_int_eq(pen_get_motor(t.pen, &on, &t.err), RIG_OK);
	ck_assert(!on);
	/* Factory brings identity back, also across power. */
	ck_assert_int_eq(pen_cal_factory(t.pen, PEN_TABLE_DEPTH, &t.err), RIG_OK);
	pen_bench_relay(&t, false);
	pen_bench_power_on(&t);
	struct pen_cal_table id = { .n = 0 };
	assert_active(&t, PEN_TABLE_DEPTH, &id);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_table_maps_commanded_to_raw_setpoint)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	struct sim_pen_truth tr;
	ck_assert_int_eq(pen_set_depth_um(t.pen, 1000, &t.err), RIG_OK);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq(tr.raw_depth_um, 1000); /* identity */
	ck_assert_int_eq(pen_cal_write(t.pen, PEN_TABLE_DEPTH, &table_a, &t.err), RIG_OK);
	/* Documented: a new table applies from the next DEPTH command. */
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq(tr.raw_depth_um, 1000);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 1000, &t.err), RIG_OK);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.raw_depth_um, 1100, 1e-9);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 2000, &t.err), RIG_OK);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.raw_depth_um, 1100 + 2050.0 / 2, 1e-9);
	/* Beyond the table: its end segment continues. */
	struct pen_cal_table narrow = { .n = 2, .cmd = { 1000, 2000 }, .raw = { 900, 1900 } };
	ck_assert_int_eq(pen_cal_write(t.pen, PEN_TABLE_DEPTH, &narrow, &t.err), RIG_OK);
	ck_assert_int_eq(pen_set_depth_um(t.pen, 2500, &t.err), RIG_OK);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.raw_depth_um, 2400, 1e-9);
	/* ...and a value whose raw setpoint falls below 0 is refused. */
	ck_assert_int_eq(pen_set_depth_um(t.pen, 50, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -222);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.raw_depth_um, 2400, 1e-9);
	/* Frequency table the same way. */
	struct pen_cal_table ft = { .n = 2, .cmd = { 50, 250 }, .raw = { 52, 260 } };
	ck_assert_int_eq(pen_cal_write(t.pen, PEN_TABLE_FREQ, &ft, &t.err), RIG_OK);
	ck_assert_int_eq(pen_set_freq_hz(t.pen, 150, &t.err), RIG_OK);
	sim_pen_truth(t.sp, &tr);
	ck_assert_double_eq_tol(tr.raw_freq_hz, 156, 1e-9);
	ck_assert_double_eq(tr.freq_hz, 0); /* motor off */
	ck_assert_double_eq_tol(sim_pen_freq_for_cmd(t.sp, 150, 5), sim_pen_freq_for_raw(t.sp, 156, 5), 1e-9);
	ck_assert_double_eq_tol(sim_pen_depth_for_cmd(t.sp, 2500), sim_pen_depth_for_raw(t.sp, 2400), 1e-9);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_pen_refuses_bad_tables_with_scpi_errors)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	char reply[64];
	bool replied;
	/* Raw beyond the actuator (pen.max_raw_um = 3300). */
	struct pen_cal_table far = { .n = 2, .cmd = { 0, 3000 }, .raw = { 0, 3400 } };
	ck_assert_int_eq(pen_cal_stage(t.pen, PEN_TABLE_DEPTH, &far, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -222);
	/* Not increasing: the driver refuses before sending, the pen too. */
	struct pen_cal_table down = { .n = 2, .cmd = { 0, 1000 }, .raw = { 500, 400 } };
	ck_assert_int_eq(pen_cal_stage(t.pen, PEN_TABLE_DEPTH, &down, &t.err), RIG_E_DATA);
	ck_assert_int_eq(pen_raw(t.pen, "CAL:DEPTH:STAGE:CLEAR", reply, sizeof reply, &replied, &t.err), RIG_OK);
	ck_assert_int_eq(pen_raw(t.pen, "CAL:DEPTH:STAGE:POINT 0,500", reply, sizeof reply, &replied, &t.err), RIG_OK);
	ck_assert_int_eq(pen_raw(t.pen, "CAL:DEPTH:STAGE:POINT 1000,400", reply, sizeof reply, &replied, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -224);
	/* Seventeen points. */
	ck_assert_int_eq(pen_raw(t.pen, "CAL:DEPTH:STAGE:CLEAR", reply, sizeof reply, &replied, &t.err), RIG_OK);
	for (int i = 0; i < 16; i++) {
		char cmd[64];
		snprintf(cmd, sizeof cmd, "CAL:DEPTH:STAGE:POINT %d,%d", i * 100, i * 100);
		ck_assert_int_eq(pen_raw(t.pen, cmd, reply, sizeof reply, &replied, &t.err), RIG_OK);
	}
	ck_assert_int_eq(pen_raw(t.pen, "CAL:DEPTH:STAGE:POINT 2000,2000", reply, sizeof reply, &replied, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -223);
	/* Unknown headers, missing and extra parameters, bad numbers. */
	ck_assert_int_eq(pen_raw(t.pen, "DEPTHS 100", reply, sizeof reply, &replied, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -113);
	ck_assert_int_eq(pen_raw(t.pen, "DEPTH", reply, sizeof reply, &replied, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -109);
	ck_assert_int_eq(pen_raw(t.pen, "DEPTH 1,2", reply, sizeof reply, &replied, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -108);
	ck_assert_int_eq(pen_raw(t.pen, "DEPTH 1e3", reply, sizeof reply, &replied, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -104);
	ck_assert_int_eq(pen_raw(t.pen, "MOTOR MAYBE", reply, sizeof reply, &replied, &t.err), RIG_E_DEVICE);
	ck_assert_int_eq(pen_last_error(t.pen, NULL), -224);
	/* Headers are case-insensitive. */
	ck_assert_int_eq(pen_raw(t.pen, "depth?", reply, sizeof reply, &replied, &t.err), RIG_OK);
	ck_assert(replied);
	ck_assert_str_eq(reply, "500");
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_error_queue_is_bounded_with_overflow_entry)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	for (int i = 0; i < 11; i++)
		raw_send(&t, "NOPE\n");
	char text[128];
	for (int i = 0; i < 7; i++)
		ck_assert_int_eq(next_error(&t, text, sizeof text), -113);
	ck_assert_int_eq(next_error(&t, text, sizeof text), -350);
	ck_assert_str_eq(text, "Queue overflow");
	ck_assert_int_eq(next_error(&t, text, sizeof text), 0);
	ck_assert_str_eq(text, "No error");
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_overlong_command_line_is_discarded_with_363)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	char line[300];
	memset(line, 'A', 200);
	strcpy(line + 200, " 5\nDEPTH 700\r\n");
	raw_send(&t, line);
	char text[128];
	ck_assert_int_eq(next_error(&t, text, sizeof text), -363);
	ck_assert_int_eq(next_error(&t, text, sizeof text), 0);
	/* The line after it (CR LF) went through. */
	double v;
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq(v, 700);
	/* The driver never sends such a line. */
	bool replied;
	char reply[32];
	line[200] = '\0';
	ck_assert_int_eq(pen_raw(t.pen, line, reply, sizeof reply, &replied, &t.err), RIG_E_USAGE);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_garbage_before_a_reply_is_a_protocol_error)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	struct pen_identity id;
	sim_pen_inject_noise(t.sp, "\x01\xfe" "1500\n", 7);
	ck_assert_int_eq(pen_identify(t.pen, &id, &t.err), RIG_E_PROTOCOL);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "sim:pen"));
	ck_assert_ptr_nonnull(strstr(t.err.msg, "0x01"));
	/* Stale bytes are flushed before the next command. */
	pen_bench_sleep_ms(&t, 20);
	ck_assert_int_eq(pen_identify(t.pen, &id, &t.err), RIG_OK);
	/* A printable but wrong reply is rejected by the parser. */
	sim_pen_inject_noise(t.sp, "hello\n", 6);
	double v;
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_E_PROTOCOL);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "hello"));
	pen_bench_sleep_ms(&t, 20);
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	/* CR LF is a terminator; a lone CR, or CR CR LF, is not. */
	sim_pen_inject_noise(t.sp, "12\r\r\n", 5);
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_E_PROTOCOL);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "CR not followed by LF"));
	pen_bench_sleep_ms(&t, 20);
	sim_pen_inject_noise(t.sp, "12.5\r\n", 6);
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	ck_assert_double_eq(v, 12.5);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_overlong_reply_is_rejected)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	char junk[400];
	memset(junk, 'Z', sizeof junk);
	junk[sizeof junk - 1] = '\n';
	sim_pen_inject_noise(t.sp, junk, sizeof junk);
	double v;
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_E_PROTOCOL);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "longer than 160"));
	pen_bench_sleep_ms(&t, 100);
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_OK);
	/* A reply cut off before its LF (the pen lost power mid-line) times
	 * out and says what came. */
	pen_bench_relay(&t, false);
	sim_pen_inject_noise(t.sp, "15", 2);
	ck_assert_int_eq(pen_get_depth_um(t.pen, &v, &t.err), RIG_E_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "2 bytes without LF: '15'"));
	pen_bench_down(&t);
}
END_TEST

static enum rig_rc identify_at(struct pen_bench *t, struct serial_settings s,
			       struct pen_identity *id)
{
	struct serial_port *port;
	struct pen *pen;
	ck_assert_int_eq(serial_open(&port, "sim:pen", &s, &t->hal, &t->err), RIG_OK);
	struct pen_settings ps = pen_settings_default();
	ck_assert_int_eq(pen_open(&pen, port, &t->vc.base, &ps, &t->err), RIG_OK);
	enum rig_rc rc = pen_identify(pen, id, &t->err);
	pen_close(pen);
	serial_close(port);
	return rc;
}

START_TEST(test_wrong_baud_fails_cleanly)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	struct pen_identity id;
	const int bauds[] = { 9600, 57600, 230400, 921600 };
	for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++) {
		enum rig_rc rc = identify_at(&t, serial_8n1(bauds[i]), &id);
		/* The pen hears garbage and, as SCPI devices do, answers
		 * nothing: a timeout that points at the baud. */
		ck_assert_msg(rc == RIG_E_TIMEOUT, "%d baud: %s", bauds[i], rig_rc_name(rc));
		ck_assert_ptr_nonnull(strstr(t.err.msg, "sim:pen"));
		ck_assert_ptr_nonnull(strstr(t.err.msg, "115200 baud"));
	}
	/* Framing other than 8N1 garbles too. */
	struct serial_settings s7e1 = serial_8n1(PEN_BAUD);
	s7e1.data_bits = 7;
	s7e1.parity = 'E';
	ck_assert_int_ne(identify_at(&t, s7e1, &id), RIG_OK);
	/* A UART within its tolerance works, as on real hardware. */
	ck_assert_int_eq(identify_at(&t, serial_8n1(113000), &id), RIG_OK);
	struct serial_settings s8n2 = serial_8n1(PEN_BAUD);
	s8n2.stop_bits = 2;
	ck_assert_int_eq(identify_at(&t, s8n2, &id), RIG_OK);
	/* And the right baud again. */
	ck_assert_int_eq(pen_identify(t.pen, &id, &t.err), RIG_OK);
	pen_bench_down(&t);
}
END_TEST

START_TEST(test_reply_read_at_wrong_baud_is_rejected)
{
	struct pen_bench t;
	pen_bench_up(&t, NULL);
	pen_bench_power_on(&t);
	/* The pen answers at 115200 while the host listens at 57600: the host
	 * sees bytes, not the reply. */
	raw_send(&t, "*IDN?\n");
	struct serial_settings s = serial_8n1(57600);
	struct serial_port *slow;
	ck_assert_int_eq(serial_open(&slow, "sim:pen", &s, &t.hal, &t.err), RIG_OK);
	pen_bench_sleep_ms(&t, 20);
	char buf[64];
	size_t got;
	ck_assert_int_eq(serial_read(slow, buf, sizeof buf, 50, &got, &t.err), RIG_OK);
	ck_assert_uint_gt(got, 0);
	const char *want = "Dermatech,MN-300,MN3-000123,1.4.2\n";
	ck_assert(got != strlen(want) || memcmp(buf, want, got) != 0);
	serial_close(slow);
	pen_bench_down(&t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pen");
	TCase *tc = tcase_create("driver");
	tcase_add_test(tc, test_identify_reports_the_pens_identity);
	tcase_add_test(tc, test_unpowered_pen_times_out_naming_the_port);
	tcase_add_test(tc, test_pen_is_silent_while_it_boots);
	tcase_add_test(tc, test_wait_ready_gives_up_on_a_dead_pen);
	tcase_add_test(tc, test_hardware_error_is_the_pens_own_cause_even_at_power_on);
	tcase_add_test(tc, test_depth_and_freq_read_back_as_set);
	tcase_add_test(tc, test_out_of_range_values_are_refused_and_kept);
	tcase_add_test(tc, test_motor_switches_and_reports);
	tcase_add_test(tc, test_table_stage_crc_save_readback_round_trip);
	tcase_add_test(tc, test_save_without_staging_is_refused);
	tcase_add_test(tc, test_save_both_commits_the_pair_or_nothing);
	tcase_add_test(tc, test_reset_during_staging_keeps_the_saved_table);
	tcase_add_test(tc, test_power_loss_during_staging_keeps_the_saved_table);
	tcase_add_test(tc, test_saved_tables_survive_power_cycles_but_ram_does_not);
	tcase_add_test(tc, test_table_maps_commanded_to_raw_setpoint);
	tcase_add_test(tc, test_pen_refuses_bad_tables_with_scpi_errors);
	tcase_add_test(tc, test_error_queue_is_bounded_with_overflow_entry);
	tcase_add_test(tc, test_overlong_command_line_is_discarded_with_363);
	tcase_add_test(tc, test_garbage_before_a_reply_is_a_protocol_error);
	tcase_add_test(tc, test_overlong_reply_is_rejected);
	tcase_add_test(tc, test_wrong_baud_fails_cleanly);
	tcase_add_test(tc, test_reply_read_at_wrong_baud_is_rejected);
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
