/* test_lock.c - the bench lock between real processes: a second locker is
 * refused naming the holder's pid, a waiting locker gets the bench once it
 * is released, and a dead holder releases it. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "bench/lock.h"
#include "support/testutil.h"

static char *dir;
static char lockpath[512];

static void setup(void)
{
	dir = tu_tmpdir();
	snprintf(lockpath, sizeof lockpath, "%s/bench.lock", dir);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

/* A child takes the lock, says so on `ready`, then releases it after
 * hold_ms, or when `go` closes (hold_ms = 0), or never (killed). */
static pid_t holder(unsigned hold_ms, int *go_w)
{
	int ready[2], go[2];
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		struct bench_lock l;
		struct rig_err err = { 0 };
		if (bench_lock_acquire(&l, lockpath, "LINE1-ST3", 0, &err))
			_exit(3);
		if (write(ready[1], "r", 1) != 1)
			_exit(4);
		if (hold_ms) {
			clock_sleep_ns(clock_real(), hold_ms * RIG_NS_PER_MS);
		} else {
			char c;
			while (read(go[0], &c, 1) > 0)
				;
		}
		bench_lock_release(&l);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	if (go_w)
		*go_w = go[1];
	else
		close(go[1]);
	return pid;
}

static void reap(pid_t pid)
{
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}

START_TEST(test_second_locker_is_busy_and_told_the_holders_pid)
{
	int go;
	pid_t pid = holder(0, &go);
	struct bench_lock l;
	struct rig_err err = { 0 };
	enum rig_rc rc = bench_lock_acquire(&l, lockpath, "LINE1-ST3", 0, &err);
	ck_assert_int_eq(rc, RIG_E_BUSY);
	ck_assert_int_eq(rig_exit_code(rc), 75);
	char want[700];
	snprintf(want, sizeof want, "bench LINE1-ST3 is in use by pid %ld (lock %s)", (long)pid,
		 lockpath);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(l.fd, -1);
	close(go); /* the holder lets go */
	reap(pid);
	ck_assert_int_eq(bench_lock_acquire(&l, lockpath, "LINE1-ST3", 0, &err), RIG_OK);
	bench_lock_release(&l);
}
END_TEST

START_TEST(test_waiting_locker_gets_the_bench_after_release)
{
	pid_t pid = holder(300, NULL);
	struct bench_lock l;
	struct rig_err err = { 0 };
	ck_assert_int_eq(bench_lock_acquire(&l, lockpath, "LINE1-ST3", 0, &err), RIG_E_BUSY);
	ck_assert_msg(bench_lock_acquire(&l, lockpath, "LINE1-ST3", 10, &err) == RIG_OK, "%s",
		      err.msg);
	reap(pid);
	/* Now ours, and the file names us. */
	char *text = tu_read(lockpath);
	ck_assert_int_eq(atol(text), (long)getpid());
	free(text);
	bench_lock_release(&l);
}
END_TEST

START_TEST(test_waiting_locker_gives_up_after_its_wait)
{
	int go;
	pid_t pid = holder(0, &go);
	struct bench_lock l;
	struct rig_err err = { 0 };
	ck_assert_int_eq(bench_lock_acquire(&l, lockpath, "LINE1-ST3", 1, &err), RIG_E_BUSY);
	ck_assert_msg(strstr(err.msg, "in use by pid") && strstr(err.msg, "waited 1 s"), "%s",
		      err.msg);
	close(go);
	reap(pid);
}
END_TEST

START_TEST(test_lock_is_released_when_the_holder_dies)
{
	int go;
	pid_t pid = holder(0, &go);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	reap(pid);
	close(go);
	struct bench_lock l;
	struct rig_err err = { 0 };
	ck_assert_msg(bench_lock_acquire(&l, lockpath, "LINE1-ST3", 0, &err) == RIG_OK, "%s",
		      err.msg);
	bench_lock_release(&l);
	bench_lock_release(&l); /* idempotent */
	/* A released lock no longer names anyone. */
	char *text = tu_read(lockpath);
	ck_assert_str_eq(text, "");
	free(text);
}
END_TEST

START_TEST(test_unopenable_lock_file_is_an_io_error)
{
	struct bench_lock l;
	struct rig_err err = { 0 };
	char bad[600];
	snprintf(bad, sizeof bad, "%s/no/such/dir/bench.lock", dir);
	ck_assert_int_eq(bench_lock_acquire(&l, bad, "ST", 0, &err), RIG_E_IO);
	ck_assert_msg(strstr(err.msg, bad) && strstr(err.msg, "No such file"), "%s", err.msg);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	/* fork() hangs under qemu-user here (make CROSS=... check sets
	 * RIG_RUNNER): the tests between processes run natively. */
	const char *runner = getenv("RIG_RUNNER");
	if (runner && *runner) {
		tu_skip("test_lock", 4, "fork() hangs under qemu-user");
	} else {
		tcase_add_test(tc, test_second_locker_is_busy_and_told_the_holders_pid);
		tcase_add_test(tc, test_waiting_locker_gets_the_bench_after_release);
		tcase_add_test(tc, test_waiting_locker_gives_up_after_its_wait);
		tcase_add_test(tc, test_lock_is_released_when_the_holder_dies);
	}
	tcase_add_test(tc, test_unopenable_lock_file_is_an_io_error);
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
