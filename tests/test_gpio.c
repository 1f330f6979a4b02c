/* test_gpio.c - the virtual chip through the public gpio_* interface on a
 * virtual clock, driven by a small fake bench (hooks only); and the libgpiod
 * backend's error paths (this machine has no GPIO chips; gpio-sim and
 * gpio-mockup are not available, so nothing here needs one). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/gpio.h"

#define T0_NS (2 * RIG_NS_PER_S)
#define NLINES 32

struct edge_event {
	uint64_t t_ns;
	unsigned offset;
	int level;
};

struct set_seen {
	uint64_t t_ns;
	unsigned offset;
	int level;
};

/* The fake bench: drives scheduled levels, logs what the rig sets. */
struct fake_bench {
	struct rig_clock *clk;
	struct gpio_virt_chip *chip;
	struct edge_event events[8];
	size_t n_events, next;
	struct set_seen sets[16];
	size_t n_sets;
	unsigned syncs;
};

static void fake_sync(void *ctx)
{
	struct fake_bench *b = ctx;
	uint64_t now = clock_now_ns(b->clk);
	b->syncs++;
	while (b->next < b->n_events && b->events[b->next].t_ns <= now) {
		gpio_virt_drive(b->chip, b->events[b->next].offset, b->events[b->next].level);
		b->next++;
	}
}

static void fake_on_set(void *ctx, unsigned offset, int level)
{
	struct fake_bench *b = ctx;
	if (b->n_sets < sizeof b->sets / sizeof b->sets[0])
		b->sets[b->n_sets++] = (struct set_seen){ clock_now_ns(b->clk), offset, level };
}

static uint64_t fake_next_event_ns(void *ctx)
{
	struct fake_bench *b = ctx;
	return b->next < b->n_events ? b->events[b->next].t_ns : UINT64_MAX;
}

static struct rig_vclock vc;
static struct fake_bench bench;
static struct rig_hal hal;
static struct gpio_chip *chip;

static struct gpio_virt_chip *resolve_chip(void *ctx, const char *label)
{
	struct fake_bench *b = ctx;
	return strcmp(label, gpio_virt_label(b->chip)) == 0 ? b->chip : NULL;
}

static const struct sim_resolver resolver = { .ctx = &bench, .gpio_chip = resolve_chip };

static void make_bench(uint64_t op_cost_ns)
{
	vclock_init(&vc, T0_NS);
	memset(&bench, 0, sizeof bench);
	bench.clk = &vc.base;
	struct gpio_virt_hooks hooks = {
		.ctx = &bench,
		.sync = fake_sync,
		.on_set = fake_on_set,
		.next_event_ns = fake_next_event_ns,
		.op_cost_ns = op_cost_ns,
	};
	bench.chip = gpio_virt_create("bench", NLINES, &hooks);
	ck_assert_ptr_nonnull(bench.chip);
	gpio_virt_set_line_name(bench.chip, 5, "HX711_DOUT");
	gpio_virt_set_line_name(bench.chip, 6, "HX711_SCK");
	gpio_virt_set_line_name(bench.chip, 17, "ESTOP");
	hal = (struct rig_hal){ .clock = &vc.base, .sim = &resolver };
	struct rig_err err = { 0 };
	ck_assert_msg(gpio_open_chip(&chip, "sim:bench", &hal, &err) == RIG_OK, "%s", err.msg);
}

static void setup(void)
{
	make_bench(0);
}

static void teardown(void)
{
	gpio_close_chip(chip);
	gpio_virt_destroy(bench.chip);
}

static void schedule(uint64_t t_ns, unsigned offset, int level)
{
	bench.events[bench.n_events++] = (struct edge_event){ t_ns, offset, level };
}

static struct gpio_line *request_ok(const char *line, enum gpio_dir dir, unsigned flags,
				    int initial)
{
	struct gpio_line *l = NULL;
	struct rig_err err = { 0 };
	ck_assert_msg(gpio_request(chip, line, dir, flags, initial, "test", &l, &err) == RIG_OK,
		      "%s: %s", line, err.msg);
	return l;
}

static int get_ok(struct gpio_line *l)
{
	int v = -1;
	struct rig_err err = { 0 };
	ck_assert_msg(gpio_get(l, &v, &err) == RIG_OK, "%s", err.msg);
	return v;
}

START_TEST(test_request_by_offset_and_by_name)
{
	struct gpio_line *a = request_ok("5", GPIO_INPUT, 0, 0);
	ck_assert_uint_eq(a->offset, 5);
	ck_assert_str_eq(a->name, "HX711_DOUT");
	struct gpio_line *b = request_ok("HX711_SCK", GPIO_OUTPUT, 0, 0);
	ck_assert_uint_eq(b->offset, 6);
	ck_assert(gpio_virt_is_output(bench.chip, 6));
	ck_assert(!gpio_virt_is_output(bench.chip, 5));
	ck_assert_str_eq(chip->name, "sim:bench");
	gpio_release(a);
	gpio_release(b);
	ck_assert(!gpio_virt_is_output(bench.chip, 6));
}
END_TEST

START_TEST(test_unknown_line_is_a_config_error_naming_it)
{
	static const char *const bad[] = { "NOPE", "32", "999", "GPIO5" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct gpio_line *l = (struct gpio_line *)&l;
		struct rig_err err = { 0 };
		ck_assert_int_eq(gpio_request(chip, bad[i], GPIO_INPUT, 0, 0, "test", &l, &err),
				 RIG_E_CONFIG);
		ck_assert_ptr_null(l);
		char quoted[16];
		snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
		ck_assert_msg(strstr(err.msg, quoted) && strstr(err.msg, "sim:bench"), "%s", err.msg);
	}
	struct gpio_line *l = NULL;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_request(chip, "", GPIO_INPUT, 0, 0, "test", &l, &err), RIG_E_CONFIG);
}
END_TEST

START_TEST(test_double_request_is_busy_until_released)
{
	struct gpio_line *a = request_ok("17", GPIO_INPUT, 0, 0);
	struct gpio_line *b = NULL;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_request(chip, "ESTOP", GPIO_INPUT, 0, 0, "test", &b, &err),
			 RIG_E_BUSY);
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(err.msg, "17") && strstr(err.msg, "in use"), "%s", err.msg);
	gpio_release(a);
	b = request_ok("ESTOP", GPIO_INPUT, 0, 0);
	gpio_release(b);
}
END_TEST

START_TEST(test_set_on_an_input_is_refused)
{
	struct gpio_line *l = request_ok("5", GPIO_INPUT, 0, 0);
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_set(l, 1, &err), RIG_E_INTERNAL);
	ck_assert_msg(strstr(err.msg, "input"), "%s", err.msg);
	ck_assert_uint_eq(bench.n_sets, 0);
	gpio_release(l);
}
END_TEST

START_TEST(test_active_low_inverts_get_and_set)
{
	struct gpio_line *in = request_ok("17", GPIO_INPUT, GPIO_F_ACTIVE_LOW, 0);
	gpio_virt_drive(bench.chip, 17, 1);
	ck_assert_int_eq(get_ok(in), 0);
	gpio_virt_drive(bench.chip, 17, 0);
	ck_assert_int_eq(get_ok(in), 1);

	/* Logical initial 1 on an active-low output is a physical low. */
	struct gpio_line *out = request_ok("22", GPIO_OUTPUT, GPIO_F_ACTIVE_LOW, 1);
	ck_assert_int_eq(gpio_virt_level(bench.chip, 22), 0);
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_set(out, 0, &err), RIG_OK);
	ck_assert_int_eq(gpio_virt_level(bench.chip, 22), 1);
	ck_assert_int_eq(get_ok(out), 0);
	ck_assert_int_eq(gpio_set(out, 1, &err), RIG_OK);
	ck_assert_int_eq(gpio_virt_level(bench.chip, 22), 0);
	ck_assert_int_eq(get_ok(out), 1);
	gpio_release(in);
	gpio_release(out);
}
END_TEST

START_TEST(test_on_set_hook_sees_physical_levels_at_the_time_of_the_set)
{
	struct gpio_line *lo = request_ok("6", GPIO_OUTPUT, GPIO_F_ACTIVE_LOW, 0);
	struct gpio_line *hi = request_ok("7", GPIO_OUTPUT, 0, 0);
	struct rig_err err = { 0 };
	vclock_advance_ns(&vc, 4000);
	ck_assert_int_eq(gpio_set(lo, 1, &err), RIG_OK);
	ck_assert_int_eq(gpio_set(hi, 1, &err), RIG_OK);
	ck_assert_uint_eq(bench.n_sets, 4); /* two requests, two sets */
	ck_assert_uint_eq(bench.sets[0].offset, 6);
	ck_assert_int_eq(bench.sets[0].level, 1); /* logical 0, active low */
	ck_assert_uint_eq(bench.sets[1].offset, 7);
	ck_assert_int_eq(bench.sets[1].level, 0);
	ck_assert_uint_eq(bench.sets[2].offset, 6);
	ck_assert_int_eq(bench.sets[2].level, 0);
	ck_assert_uint_eq(bench.sets[2].t_ns, T0_NS + 4000);
	ck_assert_uint_eq(bench.sets[3].offset, 7);
	ck_assert_int_eq(bench.sets[3].level, 1);
	gpio_release(lo);
	gpio_release(hi);
}
END_TEST

START_TEST(test_wait_edge_returns_at_exactly_the_bench_time_of_a_rising_edge)
{
	struct gpio_line *l = request_ok("ESTOP", GPIO_INPUT, GPIO_F_EDGES, 0);
	schedule(T0_NS + 3 * RIG_NS_PER_MS + 17, 17, 1);
	enum gpio_edge seen = 0;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_wait_edge(l, GPIO_EDGE_BOTH, 100, &seen, &err), RIG_OK);
	ck_assert_int_eq(seen, GPIO_EDGE_RISING);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 3 * RIG_NS_PER_MS + 17);
	gpio_release(l);
}
END_TEST

START_TEST(test_wait_edge_sees_a_falling_edge_and_skips_unwanted_ones)
{
	gpio_virt_drive(bench.chip, 17, 1);
	struct gpio_line *l = request_ok("17", GPIO_INPUT, GPIO_F_EDGES, 0);
	schedule(T0_NS + 2 * RIG_NS_PER_MS, 17, 0);
	schedule(T0_NS + 5 * RIG_NS_PER_MS, 17, 1);
	schedule(T0_NS + 9 * RIG_NS_PER_MS, 17, 0);
	enum gpio_edge seen = 0;
	struct rig_err err = { 0 };
	/* Waiting for a rise lets the fall at 2 ms go by. */
	ck_assert_int_eq(gpio_wait_edge(l, GPIO_EDGE_RISING, 100, &seen, &err), RIG_OK);
	ck_assert_int_eq(seen, GPIO_EDGE_RISING);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 5 * RIG_NS_PER_MS);
	ck_assert_int_eq(gpio_wait_edge(l, GPIO_EDGE_FALLING, 100, &seen, &err), RIG_OK);
	ck_assert_int_eq(seen, GPIO_EDGE_FALLING);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 9 * RIG_NS_PER_MS);
	gpio_release(l);
}
END_TEST

START_TEST(test_wait_edge_on_active_low_line_speaks_logical_edges)
{
	gpio_virt_drive(bench.chip, 17, 1); /* logical 0 */
	struct gpio_line *l = request_ok("17", GPIO_INPUT, GPIO_F_EDGES | GPIO_F_ACTIVE_LOW, 0);
	schedule(T0_NS + RIG_NS_PER_MS, 17, 0); /* physical fall = logical rise */
	enum gpio_edge seen = 0;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_wait_edge(l, GPIO_EDGE_RISING, 100, &seen, &err), RIG_OK);
	ck_assert_int_eq(seen, GPIO_EDGE_RISING);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + RIG_NS_PER_MS);
	gpio_release(l);
}
END_TEST

START_TEST(test_wait_edge_times_out_after_exactly_timeout_ms_of_bench_time)
{
	struct gpio_line *l = request_ok("17", GPIO_INPUT, GPIO_F_EDGES, 0);
	/* An edge after the deadline must not be seen, nor move time past it. */
	schedule(T0_NS + 300 * RIG_NS_PER_MS, 17, 1);
	enum gpio_edge seen = GPIO_EDGE_BOTH;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_wait_edge(l, GPIO_EDGE_BOTH, 250, &seen, &err), RIG_OK);
	ck_assert_int_eq(seen, 0);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 250 * RIG_NS_PER_MS);
	gpio_release(l);
}
END_TEST

START_TEST(test_wait_edge_on_a_line_without_edges_is_refused)
{
	struct gpio_line *l = request_ok("17", GPIO_INPUT, 0, 0);
	enum gpio_edge seen;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_wait_edge(l, GPIO_EDGE_BOTH, 10, &seen, &err), RIG_E_INTERNAL);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS);
	gpio_release(l);
}
END_TEST

START_TEST(test_every_get_and_set_costs_op_cost_of_bench_time)
{
	teardown();
	make_bench(500);
	struct gpio_line *in = request_ok("5", GPIO_INPUT, 0, 0);
	struct gpio_line *out = request_ok("6", GPIO_OUTPUT, 0, 0);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS); /* requests are free */
	struct rig_err err = { 0 };
	get_ok(in);
	get_ok(in);
	get_ok(out);
	ck_assert_int_eq(gpio_set(out, 1, &err), RIG_OK);
	ck_assert_int_eq(gpio_set(out, 0, &err), RIG_OK);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 5 * 500);
	/* The set is seen at the time after its cost was paid. */
	ck_assert_uint_eq(bench.sets[bench.n_sets - 1].t_ns, T0_NS + 5 * 500);
	gpio_release(in);
	gpio_release(out);
}
END_TEST

START_TEST(test_sim_chip_unknown_or_without_bench_is_unavailable)
{
	struct gpio_chip *c = NULL;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_open_chip(&c, "sim:nochip", &hal, &err), RIG_E_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, "sim:nochip"), "%s", err.msg);
	struct rig_hal bare = { .clock = &vc.base };
	ck_assert_int_eq(gpio_open_chip(&c, "sim:bench", &bare, &err), RIG_E_UNAVAILABLE);
	ck_assert_int_eq(gpio_open_chip(&c, "", &hal, &err), RIG_E_CONFIG);
}
END_TEST

/* ---- libgpiod ---------------------------------------------------------- */

static void count_chip(void *ctx, const char *name, const char *label, unsigned lines)
{
	(void)label;
	(void)lines;
	ck_assert_ptr_nonnull(name);
	ck_assert(strncmp(name, "gpiochip", 8) == 0);
	(*(int *)ctx)++;
}

START_TEST(test_gpiod_unknown_label_is_unavailable_naming_it)
{
	struct rig_hal real = { .clock = clock_real() };
	struct gpio_chip *c = (struct gpio_chip *)&c;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_open_chip(&c, "rig-no-such-label", &real, &err), RIG_E_UNAVAILABLE);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err.msg, "label 'rig-no-such-label'") &&
		      strstr(err.msg, "chips here:"), "%s", err.msg);
}
END_TEST

START_TEST(test_gpiod_unknown_name_or_path_is_unavailable_naming_it)
{
	struct rig_hal real = { .clock = clock_real() };
	struct gpio_chip *c = NULL;
	struct rig_err err = { 0 };
	ck_assert_int_eq(gpio_open_chip(&c, "gpiochip987", &real, &err), RIG_E_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, "'gpiochip987'"), "%s", err.msg);
	ck_assert_int_eq(gpio_open_chip(&c, "/dev/rig-no-such-gpiochip", &real, &err),
			 RIG_E_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, "/dev/rig-no-such-gpiochip"), "%s", err.msg);
	/* A device that exists but is no GPIO chip. */
	ck_assert_int_eq(gpio_open_chip(&c, "/dev/null", &real, &err), RIG_E_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, "/dev/null") && strstr(err.msg, "not a GPIO"), "%s",
		      err.msg);
}
END_TEST

START_TEST(test_gpio_list_chips_reports_each_chip_once)
{
	int calls = 0;
	int n = gpio_list_chips(count_chip, &calls);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(calls, n);
	ck_assert_int_eq(gpio_list_chips(NULL, NULL), n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gpio");
	TCase *tc = tcase_create("virtual");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_request_by_offset_and_by_name);
	tcase_add_test(tc, test_unknown_line_is_a_config_error_naming_it);
	tcase_add_test(tc, test_double_request_is_busy_until_released);
	tcase_add_test(tc, test_set_on_an_input_is_refused);
	tcase_add_test(tc, test_active_low_inverts_get_and_set);
	tcase_add_test(tc, test_on_set_hook_sees_physical_levels_at_the_time_of_the_set);
	tcase_add_test(tc, test_wait_edge_returns_at_exactly_the_bench_time_of_a_rising_edge);
	tcase_add_test(tc, test_wait_edge_sees_a_falling_edge_and_skips_unwanted_ones);
	tcase_add_test(tc, test_wait_edge_on_active_low_line_speaks_logical_edges);
	tcase_add_test(tc, test_wait_edge_times_out_after_exactly_timeout_ms_of_bench_time);
	tcase_add_test(tc, test_wait_edge_on_a_line_without_edges_is_refused);
	tcase_add_test(tc, test_every_get_and_set_costs_op_cost_of_bench_time);
	tcase_add_test(tc, test_sim_chip_unknown_or_without_bench_is_unavailable);
	suite_add_tcase(s, tc);

	tc = tcase_create("gpiod");
	tcase_add_test(tc, test_gpiod_unknown_label_is_unavailable_naming_it);
	tcase_add_test(tc, test_gpiod_unknown_name_or_path_is_unavailable_naming_it);
	tcase_add_test(tc, test_gpio_list_chips_reports_each_chip_once);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
