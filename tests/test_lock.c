/* test_lock.c - the bench lock between real processes: a second locker is
 * refused naming the holder's pid, a waiting locker gets the bench once it
 * is released, and a dead holder releases it. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	char *text = tu_read(lockpath), want[64];
	snprintf(want, sizeof want, "rig bench lock, held by pid %ld\n", (long)getpid());
	ck_assert_str_eq(text, want);
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
	ck_assert_str_eq(text, "rig bench lock, free\n");
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

/* Acquire at path: refused with RIG_E_CONFIG naming path and `why`. */
static void assert_refused(const char *path, const char *why)
{
	struct bench_lock l;
	struct rig_err err = { 0 };
	enum rig_rc rc = bench_lock_acquire(&l, path, "ST", 0, &err);
	if (rc == RIG_OK)
		bench_lock_release(&l);
	ck_assert_msg(rc == RIG_E_CONFIG, "rc %d: %s", rc, err.msg);
	ck_assert_int_eq(rig_exit_code(rc), 78);
	ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, why), "%s", err.msg);
	ck_assert_int_eq(l.fd, -1);
}

/* `lock = ` naming a fixture (or any file with data) used to empty it. */
START_TEST(test_lock_path_holding_data_is_refused_and_left_intact)
{
	const char *data = "[bench]\nstation = SIM-01\nlock = bench.lock\n";
	char *path = tu_write(dir, "sim.ini", data);
	assert_refused(path, "not a rig lock");
	char *after = tu_read(path);
	ck_assert_str_eq(after, data);
	free(after);
	/* One line of digits and more is not a pid line either. */
	free(path);
	path = tu_write(dir, "counts", "12\n34\n");
	assert_refused(path, "not a rig lock");
	after = tu_read(path);
	ck_assert_str_eq(after, "12\n34\n");
	free(after);
	free(path);
}
END_TEST

START_TEST(test_lock_path_that_is_a_symlink_is_refused_and_its_target_left_intact)
{
	char *target = tu_write(dir, "report.csv", "\"run_id\"\n");
	char link[600];
	snprintf(link, sizeof link, "%s/bench.lock", dir);
	ck_assert_int_eq(symlink(target, link), 0);
	assert_refused(link, "symbolic link");
	char *after = tu_read(target);
	ck_assert_str_eq(after, "\"run_id\"\n");
	free(after);
	/* A dangling link is refused too, and nothing is created behind it. */
	char dangling[600], behind[600];
	snprintf(behind, sizeof behind, "%s/nothing-yet", dir);
	snprintf(dangling, sizeof dangling, "%s/dangling.lock", dir);
	ck_assert_int_eq(symlink(behind, dangling), 0);
	assert_refused(dangling, "symbolic link");
	ck_assert_int_ne(access(behind, F_OK), 0);
	free(target);
}
END_TEST

START_TEST(test_lock_path_that_is_a_folder_or_fifo_is_refused)
{
	assert_refused(dir, "a folder");
	char fifo[600];
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	assert_refused(fifo, "FIFO");
}
END_TEST

/* What the rig itself leaves is taken: a new path, an empty file (older
 * rigs released so), an older rig's lone pid line, its own mark. */
START_TEST(test_lock_files_the_rig_made_are_taken)
{
	const char *olds[] = { NULL, "", "4242\n", "rig bench lock, free\n",
			       "rig bench lock, held by pid 99\n" };
	for (size_t i = 0; i < sizeof olds / sizeof olds[0]; i++) {
		unlink(lockpath);
		if (olds[i])
			free(tu_write(dir, "bench.lock", olds[i]));
		struct bench_lock l;
		struct rig_err err = { 0 };
		ck_assert_msg(bench_lock_acquire(&l, lockpath, "ST", 0, &err) == RIG_OK,
			      "case %zu: %s", i, err.msg);
		bench_lock_release(&l);
		char *text = tu_read(lockpath);
		ck_assert_str_eq(text, "rig bench lock, free\n");
		free(text);
	}
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
	tcase_add_test(tc, test_lock_path_holding_data_is_refused_and_left_intact);
	tcase_add_test(tc, test_lock_path_that_is_a_symlink_is_refused_and_its_target_left_intact);
	tcase_add_test(tc, test_lock_path_that_is_a_folder_or_fifo_is_refused);
	tcase_add_test(tc, test_lock_files_the_rig_made_are_taken);
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
