/* test_loadcell_rt.c - the load cell's real-time hardening on a real clock:
 * without permission for SCHED_FIFO and mlockall (capabilities and rlimits
 * dropped here, as for an unprivileged user), reads still work and the
 * handle tells its owner's notice once what it is reading without and how
 * to allow it; the scheduling policy is left as it was. Without hardening
 * (what the bench asks on the virtual clock) nothing is attempted and
 * nothing is said.
 *
 * The chip is a small virtual HX711 timed by the real clock (a few ms per
 * conversion), so this suite takes ~0.1 s of wall time. It drops this
 * process's privileges for good: it lives in its own binary. */
#include <check.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/fixture.h"
#include "dev/loadcell/loadcell.h"
#include "hal/gpio.h"
#include "support/testutil.h"

enum { DOUT = 0, SCK = 1 };
#define WORD 0x001234u      /* every conversion: 4660 counts */
#define CONVERT_NS 2000000u /* DOUT high this long after each read */

struct chip {
	struct rig_clock *clock;
	struct gpio_virt_chip *gc;
	bool ready;
	uint64_t high_until_ns;
	uint64_t rise_ns;
	unsigned pulses;
};

static void chip_sync(void *ctx)
{
	struct chip *c = ctx;
	if (!c->ready && clock_now_ns(c->clock) >= c->high_until_ns) {
		c->ready = true;
		c->pulses = 0;
		gpio_virt_drive(c->gc, DOUT, 0);
	}
}

static void chip_on_set(void *ctx, unsigned offset, int level)
{
	struct chip *c = ctx;
	uint64_t now = clock_now_ns(c->clock);
	if (offset != SCK)
		return;
	if (level) {
		c->rise_ns = now;
		if (c->ready && ++c->pulses <= 24)
			gpio_virt_drive(c->gc, DOUT, (int)(WORD >> (24 - c->pulses) & 1));
		return;
	}
	/* The end of a read, or a power-down reset: convert anew. */
	if ((c->ready && c->pulses >= 25) || now - c->rise_ns > 60000) {
		c->ready = false;
		c->high_until_ns = now + CONVERT_NS;
		gpio_virt_drive(c->gc, DOUT, 1);
	}
}

static uint64_t chip_next(void *ctx)
{
	return ((struct chip *)ctx)->high_until_ns;
}

static struct gpio_virt_chip *resolve(void *ctx, const char *label)
{
	struct chip *c = ctx;
	return strcmp(label, "rt") == 0 ? c->gc : NULL;
}

static const struct fixture_loadcell cfg = {
	.chip = "sim:rt", .dout_line = "DOUT", .sck_line = "SCK", .gain = 128,
	.rate_sps = 80, .scale_counts_per_n = 1000, .offset_counts = 0, .median_of = 3,
};

/* What the handle told its owner. */
static void take_notice(void *ctx, const char *text)
{
	char **all = ctx;
	size_t len = *all ? strlen(*all) : 0;
	*all = realloc(*all, len + strlen(text) + 2);
	ck_assert_ptr_nonnull(*all);
	snprintf(*all + len, strlen(text) + 2, "%s\n", text);
}

/* Read twice on `clock`, hardened as the bench asks there (not on the
 * virtual clock); returns every notice given ("" for none). */
static char *read_twice(struct rig_clock *clock)
{
	struct chip c = { .clock = clock };
	struct gpio_virt_hooks hooks = { .ctx = &c, .sync = chip_sync, .on_set = chip_on_set,
					 .next_event_ns = chip_next, .op_cost_ns = 500 };
	c.gc = gpio_virt_create("rt", 2, &hooks);
	ck_assert_ptr_nonnull(c.gc);
	gpio_virt_set_line_name(c.gc, DOUT, "DOUT");
	gpio_virt_set_line_name(c.gc, SCK, "SCK");
	gpio_virt_drive(c.gc, DOUT, 1);
	struct sim_resolver res = { .ctx = &c, .gpio_chip = resolve };
	struct rig_hal hal = { .clock = clock, .sim = &res };

	char *text = calloc(1, 1);
	ck_assert_ptr_nonnull(text);
	struct loadcell *lc = NULL;
	struct rig_err err = { 0 };
	enum rig_rc rc = loadcell_open(&lc, &cfg, &hal, &err);
	if (rc == RIG_OK) {
		struct loadcell_rt rt = {
			.harden = !clock_is_virtual(clock), .notice = take_notice, .ctx = &text,
		};
		loadcell_set_rt(lc, &rt);
	}
	double counts[2] = { 0, 0 };
	for (int i = 0; rc == RIG_OK && i < 2; i++)
		rc = loadcell_read_counts_median(lc, 3, &counts[i], &err);
	loadcell_close(lc);
	ck_assert_msg(rc == RIG_OK, "%s", err.msg);
	ck_assert_double_eq(counts[0], 4660);
	ck_assert_double_eq(counts[1], 4660);
	gpio_virt_destroy(c.gc);
	return text;
}

/* As an unprivileged user: no CAP_SYS_NICE or CAP_IPC_LOCK, RLIMIT_RTPRIO
 * and RLIMIT_MEMLOCK 0. */
static void drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	ck_assert_int_eq(syscall(SYS_capget, &hdr, data), 0);
	for (int i = 0; i < 2; i++) {
		unsigned drop = 0;
		if (CAP_SYS_NICE / 32 == i)
			drop |= 1u << (CAP_SYS_NICE % 32);
		if (CAP_IPC_LOCK / 32 == i)
			drop |= 1u << (CAP_IPC_LOCK % 32);
		data[i].effective &= ~drop;
		data[i].permitted &= ~drop;
		data[i].inheritable &= ~drop;
	}
	ck_assert_int_eq(syscall(SYS_capset, &hdr, data), 0);
	struct rlimit zero = { 0, 0 };
	ck_assert_int_eq(setrlimit(RLIMIT_RTPRIO, &zero), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_MEMLOCK, &zero), 0);
}

START_TEST(test_unhardened_reads_on_the_virtual_clock_attempt_nothing_and_say_nothing)
{
	struct rig_vclock vc;
	vclock_init(&vc, RIG_NS_PER_S);
	char *text = read_twice(&vc.base);
	ck_assert_msg(text[0] == '\0', "notices: %s", text);
	free(text);
}
END_TEST

START_TEST(test_unprivileged_reads_work_and_give_one_notice)
{
	drop_privileges();
	int policy = sched_getscheduler(0);
	char *text = read_twice(clock_real());
	/* AddressSanitizer makes mlockall a no-op that succeeds: then only
	 * SCHED_FIFO is missing. Ask the process what it may do. */
	bool can_lock = mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
	if (can_lock)
		munlockall();
	const char *want = can_lock ? "load cell: reading without SCHED_FIFO ("
				    : "load cell: reading without SCHED_FIFO and mlockall (";
	ck_assert_msg(strstr(text, want), "want %s\nnotices: %s", want, text);
	ck_assert_msg(strstr(text, "preempted reads are detected and retried"), "%s", text);
	ck_assert_msg(strstr(text, "CAP_SYS_NICE and CAP_IPC_LOCK"), "%s", text);
	/* Once per handle... and read_twice opens one handle: once in all. */
	const char *again = strstr(strstr(text, "load cell:") + 1, "load cell:");
	ck_assert_msg(again == NULL, "notice given twice: %s", text);
	ck_assert_int_eq(sched_getscheduler(0), policy);
	free(text);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("loadcell_rt");
	TCase *tc = tcase_create("rt");
	/* The virtual case first: the second drops privileges for good (in
	 * its own forked process natively; for the rest of the run under
	 * qemu, where tests run in-process). */
	tcase_add_test(tc, test_unhardened_reads_on_the_virtual_clock_attempt_nothing_and_say_nothing);
	tcase_add_test(tc, test_unprivileged_reads_work_and_give_one_notice);
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
