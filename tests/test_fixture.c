/* test_fixture.c - fixture files: what loads, and what each mistake says. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixture.h"
#include "support/testutil.h"

static char *dir;
static char *base_text; /* fixtures/sim.ini as shipped */

static void setup(void)
{
	dir = tu_tmpdir();
	base_text = tu_read(SRCDIR "/fixtures/sim.ini");
	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(base_text);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	free(base_text);
}

/* Load `text` as dir/f.ini; returns rc and fills err. */
static enum rig_rc load_text(const char *text, struct fixture *f, struct rig_err *err)
{
	char *p = tu_write(dir, "f.ini", text);
	enum rig_rc rc = fixture_load(f, p, err);
	free(p);
	return rc;
}

/* Replace `from` by `to` in the shipped fixture and load it. */
static enum rig_rc load_changed(const char *from, const char *to, struct rig_err *err)
{
	char *text = tu_replace(base_text, from, to);
	ck_assert_msg(text != NULL, "fixture text has no '%s'", from);
	struct fixture f;
	enum rig_rc rc = load_text(text, &f, err);
	free(text);
	if (!rc)
		fixture_free(&f);
	return rc;
}

START_TEST(test_shipped_sim_fixture_loads_with_its_values)
{
	struct fixture f;
	struct rig_err err = { 0 };
	ck_assert_int_eq(fixture_load(&f, SRCDIR "/fixtures/sim.ini", &err), RIG_OK);
	ck_assert_str_eq(f.pen.port, "sim:pen");
	ck_assert_int_eq(f.pen.baud, 115200);
	ck_assert_double_eq_tol(f.laser.zero_mm, 5.0, 1e-12);
	ck_assert_double_eq(f.laser.range_mm, 10);
	ck_assert_str_eq(f.loadcell.dout_line, "HX711_DOUT");
	ck_assert_int_eq(f.loadcell.gain, 128);
	ck_assert(f.has_sim);
	ck_assert_uint_gt(f.nsim, 0);
	ck_assert_str_eq(f.sim[0].key, "seed");
	ck_assert_ptr_nonnull(strstr(f.sim[0].origin, "sim.ini:"));
	/* The lock path is made relative to the fixture's folder. */
	ck_assert_ptr_nonnull(strstr(f.bench.lock, "fixtures/.sim-bench.lock"));
	ck_assert_int_gt(fixture_line(&f, "laser", "zero_mm"), 1);
	fixture_free(&f);
}
END_TEST

START_TEST(test_shipped_pi_fixture_loads_without_virtual_bench)
{
	struct fixture f;
	struct rig_err err = { 0 };
	ck_assert_int_eq(fixture_load(&f, SRCDIR "/fixtures/pi-bench.ini", &err), RIG_OK);
	ck_assert(!f.has_sim);
	ck_assert_str_eq(f.bench.lock, "/run/lock/rig-bench.lock");
	ck_assert_str_eq(f.io.estop_line, "17");
	fixture_free(&f);
}
END_TEST

START_TEST(test_unknown_key_names_file_line_and_known_keys)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(load_changed("rate_hz = 4000", "rate_hz = 4000\nrate = 4000", &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "f.ini:") && strstr(err.msg, "unknown key 'rate'") &&
			      strstr(err.msg, "rate_hz"),
		      "message: %s", err.msg);
}
END_TEST

START_TEST(test_bad_number_says_expected_and_found_with_line)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(load_changed("range_mm = 10", "range_mm = ten", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "range_mm: expected a number, found 'ten'"), "%s", err.msg);
	/* The line number is the line of the bad key. */
	char *at = strstr(base_text, "range_mm = 10");
	int line = 1;
	for (char *p = base_text; p < at; p++)
		line += *p == '\n';
	char want[64];
	snprintf(want, sizeof want, "f.ini:%d:", line);
	ck_assert_msg(strstr(err.msg, want), "want %s in: %s", want, err.msg);
}
END_TEST

START_TEST(test_out_of_range_value_is_refused)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(load_changed("rate_hz = 4000", "rate_hz = 8000", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "rate_hz: expected 0.25..4000, found 8000"), "%s", err.msg);
	ck_assert_int_eq(load_changed("range_mm = 10", "range_mm = 12", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "expected 10, 25, 50, 100, 200 or 500"), "%s", err.msg);
	ck_assert_int_eq(load_changed("zero_mm = 5.000", "zero_mm = 11", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "inside the sensor's range"), "%s", err.msg);
	ck_assert_int_eq(load_changed("gain = 128", "gain = 100", &err), RIG_E_CONFIG);
	ck_assert_int_eq(load_changed("rate_sps = 80", "rate_sps = 40", &err), RIG_E_CONFIG);
}
END_TEST

START_TEST(test_bad_date_is_refused)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(load_changed("zero_date = 2026-11-21", "zero_date = 2026-02-30", &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "expected a date YYYY-MM-DD, found '2026-02-30'"), "%s",
		      err.msg);
	ck_assert_int_eq(load_changed("zero_date = 2026-11-21", "zero_date = 21.11.2026", &err),
			 RIG_E_CONFIG);
}
END_TEST

/* The pad's ring bound comes with the day it was measured (it expires
 * like the other calibrations) and the exposure it was measured at (it
 * holds there only), and none of them alone. */
START_TEST(test_pad_ring_bound_needs_its_date_and_exposure)
{
	struct rig_err err = { 0 };
	char *text = tu_replace(base_text, "clock_ppm = 50",
				"clock_ppm = 50\nring_max_um = 3.5\nring_date = 2026-11-30\n"
				"ring_exposure_us = 250");
	struct fixture f;
	ck_assert_int_eq(load_text(text, &f, &err), RIG_OK);
	ck_assert_double_eq_tol(f.laser.ring_max_um, 3.5, 1e-12);
	ck_assert_str_eq(f.laser.ring_date, "2026-11-30");
	ck_assert_double_eq_tol(f.laser.ring_exposure_us, 250, 1e-12);
	fixture_free(&f);
	free(text);
	ck_assert_int_eq(load_changed("clock_ppm = 50", "clock_ppm = 50\nring_max_um = 3.5", &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "ring_max_um given without ring_date") &&
			      strstr(err.msg, "f.ini:"),
		      "%s", err.msg);
	ck_assert_int_eq(load_changed("clock_ppm = 50", "clock_ppm = 50\nring_date = 2026-11-30",
				      &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "ring_date given without ring_max_um"), "%s", err.msg);
	/* a bound and its date as before 12-01's second session: at which
	 * exposure is not known, and it holds only there */
	ck_assert_int_eq(load_changed("clock_ppm = 50",
				      "clock_ppm = 50\nring_max_um = 3.5\nring_date = 2026-11-30",
				      &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "ring_max_um given without ring_exposure_us") &&
			      strstr(err.msg, "the exposure it was measured at"),
		      "%s", err.msg);
	ck_assert_int_eq(load_changed("clock_ppm = 50", "clock_ppm = 50\nring_exposure_us = 250",
				      &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "ring_exposure_us given without ring_max_um"), "%s",
		      err.msg);
	ck_assert_int_eq(load_changed("clock_ppm = 50",
				      "clock_ppm = 50\nring_max_um = 0\nring_date = 2026-11-30\n"
				      "ring_exposure_us = 250", &err),
			 RIG_E_CONFIG);
	ck_assert_int_eq(load_changed("clock_ppm = 50",
				      "clock_ppm = 50\nring_max_um = 3.5\nring_date = 2026-11-30\n"
				      "ring_exposure_us = 0", &err),
			 RIG_E_CONFIG);
	/* without them: the physics' bound, as before */
	ck_assert_int_eq(load_text(base_text, &f, &err), RIG_OK);
	ck_assert(f.laser.ring_max_um == 0 && !f.laser.ring_date[0] && f.laser.ring_exposure_us == 0);
	fixture_free(&f);
}
END_TEST

START_TEST(test_missing_required_key_is_named)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(load_changed("zero_mm = 5.000", "", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "[laser] zero_mm is required and missing"), "%s", err.msg);
}
END_TEST

START_TEST(test_duplicate_key_points_at_first_occurrence)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(load_changed("baud = 115200", "baud = 115200\nbaud = 9600", &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "baud given again (first at line"), "%s", err.msg);
}
END_TEST

START_TEST(test_unknown_section_and_key_before_section)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(load_changed("[io]", "[ios]", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "unknown section [ios]"), "%s", err.msg);
	struct fixture f;
	ck_assert_int_eq(load_text("station = x\n", &f, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "f.ini:1: expected a [section]"), "%s", err.msg);
}
END_TEST

START_TEST(test_syntax_error_and_binary_and_long_line)
{
	struct rig_err err = { 0 };
	struct fixture f;
	ck_assert_int_eq(load_text("[bench]\nthis line has no equals sign\n", &f, &err),
			 RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "f.ini:2: expected '[section]' or 'key = value'"), "%s",
		      err.msg);
	char bin[] = "[bench]\nstation = a\0b\n";
	char *p = NULL;
	ck_assert_int_ge(asprintf(&p, "%s/bin.ini", dir), 0);
	FILE *fp = fopen(p, "wb");
	fwrite(bin, 1, sizeof bin - 1, fp);
	fclose(fp);
	ck_assert_int_eq(fixture_load(&f, p, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "bin.ini:2: expected text, found a NUL byte"), "%s", err.msg);
	free(p);
	char *longline = malloc(5000);
	strcpy(longline, "[bench]\nstation = ");
	memset(longline + strlen(longline), 'x', 3000);
	strcpy(longline + 18 + 3000, "\n");
	ck_assert_int_eq(load_text(longline, &f, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "f.ini:2: line is"), "%s", err.msg);
	free(longline);
}
END_TEST

START_TEST(test_missing_file_is_a_config_error_naming_it)
{
	struct rig_err err = { 0 };
	struct fixture f;
	ck_assert_int_eq(fixture_load(&f, "/nonexistent/fx.ini", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "/nonexistent/fx.ini") && strstr(err.msg, "No such file"),
		      "%s", err.msg);
}
END_TEST

START_TEST(test_empty_file_lists_first_missing_key)
{
	struct rig_err err = { 0 };
	struct fixture f;
	ck_assert_int_eq(load_text("", &f, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "[bench] station is required"), "%s", err.msg);
}
END_TEST


/* fixtures/sim-2up.ini: each socket's view has its own sections, the
 * shared ones, its station and lock named after it. */
START_TEST(test_each_socket_reads_its_own_sections_and_the_shared_ones)
{
	struct fixture a, b, sh;
	struct rig_err err = { 0 };
	const char *path = SRCDIR "/fixtures/sim-2up.ini";
	ck_assert_int_eq(fixture_load_socket(&a, path, NULL, &err), RIG_OK);
	ck_assert_int_eq(fixture_load_socket(&b, path, "B", &err), RIG_OK);
	ck_assert_int_eq(fixture_load_shared(&sh, path, &err), RIG_OK);
	ck_assert_uint_eq(a.nsockets, 2);
	ck_assert_str_eq(a.sockets[0], "A");
	ck_assert_str_eq(a.sockets[1], "B");
	ck_assert_str_eq(a.socket, "A");
	ck_assert_str_eq(b.socket, "B");
	ck_assert_str_eq(a.bench.station, "SIM-2UP:A");
	ck_assert_str_eq(b.bench.station, "SIM-2UP:B");
	ck_assert_str_eq(b.shared_station, "SIM-2UP");
	ck_assert_ptr_nonnull(strstr(b.bench.lock, ".sim-2up.lock.B"));
	ck_assert_str_eq(b.shared_lock + strlen(b.shared_lock) - strlen(".sim-2up.lock"),
			 ".sim-2up.lock");
	/* shared [io] and the socket's own [io:B] */
	ck_assert_str_eq(b.io.estop_line, "ESTOP");
	ck_assert_str_eq(b.io.relay_line, "PEN_POWER");
	/* [sim] and [sim:B]: B's pen, not A's */
	bool b_serial = false, a_serial = false;
	for (size_t i = 0; i < b.nsim; i++)
		b_serial |= !strcmp(b.sim[i].key, "pen.serial") && !strcmp(b.sim[i].value, "MN3-000202");
	for (size_t i = 0; i < a.nsim; i++)
		a_serial |= !strcmp(a.sim[i].key, "pen.serial") && !strcmp(a.sim[i].value, "MN3-000201");
	ck_assert(a_serial && b_serial);
	/* The shared view has no socket's [sim:S]. */
	for (size_t i = 0; i < sh.nsim; i++)
		ck_assert_str_ne(sh.sim[i].key, "pen.serial");
	/* Where a socket's key is written back. */
	ck_assert_str_eq(fixture_file_section(&b, "laser", "zero_mm"), "laser:B");
	ck_assert_str_eq(fixture_file_section(&b, "io", "estop_line"), "io");
	fixture_free(&a);
	fixture_free(&b);
	fixture_free(&sh);
	/* A one-socket fixture is one socket, as before. */
	struct fixture one;
	ck_assert_int_eq(fixture_load(&one, SRCDIR "/fixtures/sim.ini", &err), RIG_OK);
	ck_assert_uint_eq(one.nsockets, 0);
	ck_assert_str_eq(one.bench.station, "SIM-01");
	ck_assert_str_eq(fixture_file_section(&one, "laser", "zero_mm"), "laser");
	fixture_free(&one);
}
END_TEST

START_TEST(test_a_socket_missing_a_key_is_named)
{
	struct rig_err err = { 0 };
	char *text = tu_read(SRCDIR "/fixtures/sim-2up.ini");
	char *cut = tu_replace(text, "[laser:B]\nport = sim:laser\n", "[laser:B]\n");
	ck_assert_ptr_nonnull(cut);
	char *p = tu_write(dir, "two.ini", cut);
	struct fixture f;
	ck_assert_int_eq(fixture_load_socket(&f, p, "A", &err), RIG_OK);
	fixture_free(&f);
	ck_assert_int_eq(fixture_load_socket(&f, p, "B", &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "[laser] port is required and missing for socket B "
				      "(expected in [laser] or [laser:B])"), "%s", err.msg);
	char *five = NULL;
	ck_assert_int_ge(asprintf(&five, "%s\n[sim:C]\nseed=3\n[sim:D]\nseed=4\n[sim:E]\nseed=5\n",
				  text), 0);
	free(p);
	p = tu_write(dir, "five.ini", five);
	ck_assert_int_eq(fixture_load(&f, p, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "expected at most 4 sockets"), "%s", err.msg);
	free(five);
	free(p);
	free(cut);
	free(text);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fixture");
	TCase *tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped_sim_fixture_loads_with_its_values);
	tcase_add_test(tc, test_shipped_pi_fixture_loads_without_virtual_bench);
	tcase_add_test(tc, test_unknown_key_names_file_line_and_known_keys);
	tcase_add_test(tc, test_bad_number_says_expected_and_found_with_line);
	tcase_add_test(tc, test_out_of_range_value_is_refused);
	tcase_add_test(tc, test_bad_date_is_refused);
	tcase_add_test(tc, test_missing_required_key_is_named);
	tcase_add_test(tc, test_pad_ring_bound_needs_its_date_and_exposure);
	tcase_add_test(tc, test_duplicate_key_points_at_first_occurrence);
	tcase_add_test(tc, test_unknown_section_and_key_before_section);
	tcase_add_test(tc, test_syntax_error_and_binary_and_long_line);
	tcase_add_test(tc, test_missing_file_is_a_config_error_naming_it);
	tcase_add_test(tc, test_empty_file_lists_first_missing_key);
	tcase_add_test(tc, test_each_socket_reads_its_own_sections_and_the_shared_ones);
	tcase_add_test(tc, test_a_socket_missing_a_key_is_named);
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
