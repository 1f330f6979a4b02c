/* test_fixture_commit.c - writing a fixture back (rig zero, tare,
 * loadcell-cal) loses nothing and overwrites nothing else: a planted
 * temporary name, a symlinked fixture, a read-only one, its mode and owner,
 * two writers at once, the previous version and the dated history. */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fixture.h"
#include "core/ini_edit.h"
#include "support/testutil.h"

static char *dir;
static const char *original = "; a fixture\n"
			      "[laser]\n"
			      "zero_mm = 5.000      ; reading at the contact plane\n"
			      "zero_date = 2026-01-01\n"
			      "[loadcell]\n"
			      "offset_counts = 80000\n";

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

static const struct ini_edit zero = { "laser", "zero_mm", "5.012" };
static const struct ini_edit tare = { "loadcell", "offset_counts", "81234" };

/* The old writer wrote PATH.tmp.PID with O_TRUNC and no O_EXCL: a symlink
 * planted under that name made it overwrite the link's target. */
START_TEST(test_planted_symlink_at_the_temporary_name_is_not_written_through)
{
	char *fx = tu_write(dir, "sim.ini", original);
	char *victim = tu_write(dir, "victim", "precious\n");
	char planted[600];
	snprintf(planted, sizeof planted, "%s.tmp.%ld", fx, (long)getpid());
	ck_assert_int_eq(symlink(victim, planted), 0);
	struct rig_err err = { 0 };
	ck_assert_msg(ini_edit_apply(fx, &zero, 1, &err) == RIG_OK, "%s", err.msg);
	char *v = tu_read(victim), *t = tu_read(fx);
	ck_assert_str_eq(v, "precious\n");
	ck_assert_ptr_nonnull(strstr(t, "zero_mm = 5.012      ; reading"));
	struct stat st;
	ck_assert_int_eq(lstat(planted, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	free(v);
	free(t);
	free(fx);
	free(victim);
}
END_TEST

START_TEST(test_symlinked_fixture_stays_a_link_and_its_target_gets_the_values)
{
	char *real = tu_write(dir, "real.ini", original);
	char link[600];
	snprintf(link, sizeof link, "%s/sim.ini", dir);
	ck_assert_int_eq(symlink("real.ini", link), 0);
	struct rig_err err = { 0 };
	ck_assert_msg(fixture_commit(link, &zero, 1, "rig zero", &err) == RIG_OK, "%s", err.msg);
	struct stat st;
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert_msg(S_ISLNK(st.st_mode), "the link was replaced by a file");
	char *t = tu_read(real);
	ck_assert_ptr_nonnull(strstr(t, "zero_mm = 5.012"));
	free(t);
	free(real);
}
END_TEST

START_TEST(test_read_only_fixture_is_refused_not_replaced)
{
	char *fx = tu_write(dir, "sim.ini", original);
	ck_assert_int_eq(chmod(fx, 0444), 0);
	struct rig_err err = { 0 };
	ck_assert_int_eq(fixture_commit(fx, &zero, 1, "rig zero", &err), RIG_E_IO);
	ck_assert_msg(strstr(err.msg, fx) && strstr(err.msg, "read-only") &&
			      strstr(err.msg, "not changed"),
		      "%s", err.msg);
	char *t = tu_read(fx);
	ck_assert_str_eq(t, original);
	struct stat st;
	ck_assert_int_eq(stat(fx, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0444);
	free(t);
	free(fx);
}
END_TEST

START_TEST(test_mode_owner_and_group_are_kept_whatever_the_umask)
{
	char *fx = tu_write(dir, "sim.ini", original);
	ck_assert_int_eq(chmod(fx, 0664), 0);
	bool root = geteuid() == 0;
	if (root)
		ck_assert_int_eq(chown(fx, 4321, 4322), 0);
	mode_t old = umask(077);
	struct rig_err err = { 0 };
	enum rig_rc rc = fixture_commit(fx, &zero, 1, "rig zero", &err);
	umask(old);
	ck_assert_msg(rc == RIG_OK, "%s", err.msg);
	struct stat st;
	ck_assert_int_eq(stat(fx, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0664);
	if (root) {
		ck_assert_uint_eq(st.st_uid, 4321);
		ck_assert_uint_eq(st.st_gid, 4322);
	}
	free(fx);
}
END_TEST

/* Another writer holds the fixture: ours waits for it and then edits the
 * file as that writer left it, so neither change is lost. */
START_TEST(test_writers_are_serialised_and_neither_change_is_lost)
{
	char *fx = tu_write(dir, "sim.ini", original);
	int fd = open(fx, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fd); /* the parent's lock is not ours to hold */
		struct rig_err err = { 0 };
		_exit(fixture_commit(fx, &tare, 1, "rig tare", &err) == RIG_OK ? 0 : 1);
	}
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	int st;
	ck_assert_msg(waitpid(pid, &st, WNOHANG) == 0,
		      "the second writer did not wait for the first");
	/* The first writer's change, made under its lock. */
	struct rig_err err = { 0 };
	char *text = tu_read(fx);
	char *changed = tu_replace(text, "zero_mm = 5.000", "zero_mm = 5.012");
	ck_assert_int_eq(pwrite(fd, changed, strlen(changed), 0), (ssize_t)strlen(changed));
	close(fd);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	char *after = tu_read(fx);
	ck_assert_msg(strstr(after, "zero_mm = 5.012") && strstr(after, "offset_counts = 81234"),
		      "%s", after);
	(void)err;
	free(text);
	free(changed);
	free(after);
	free(fx);
}
END_TEST

START_TEST(test_previous_version_and_a_dated_history_are_kept)
{
	char *fx = tu_write(dir, "sim.ini", original);
	struct ini_edit both[] = { zero, { "laser", "zero_date", "2026-11-30" } };
	struct rig_err err = { 0 };
	ck_assert_msg(fixture_commit(fx, both, 2, "rig zero", &err) == RIG_OK, "%s", err.msg);
	ck_assert_msg(fixture_commit(fx, &tare, 1, "rig tare", &err) == RIG_OK, "%s", err.msg);
	char prev[600], hist[600];
	snprintf(prev, sizeof prev, "%s.prev", fx);
	snprintf(hist, sizeof hist, "%s.history", fx);
	char *p = tu_read(prev), *h = tu_read(hist);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(h);
	/* .prev is the file before the last change. */
	ck_assert_ptr_nonnull(strstr(p, "zero_mm = 5.012"));
	ck_assert_ptr_nonnull(strstr(p, "offset_counts = 80000"));
	char today[11], want[200];
	tu_date(today, 0);
	ck_assert_msg(!strncmp(h, "# when\twho\tchange\tkey\told\tnew\n", 30), "%s", h);
	snprintf(want, sizeof want, "\trig zero\tlaser.zero_mm\t5.000\t5.012\n");
	ck_assert_msg(strstr(h, want), "%s", h);
	ck_assert_msg(strstr(h, "\trig zero\tlaser.zero_date\t2026-01-01\t2026-11-30\n"), "%s", h);
	ck_assert_msg(strstr(h, "\trig tare\tloadcell.offset_counts\t80000\t81234\n"), "%s", h);
	ck_assert_msg(!strncmp(strchr(h, '\n') + 1, today, 10), "%s", h); /* when */
	ck_assert_msg(strstr(h, "(uid "), "%s", h);                         /* who */
	free(p);
	free(h);
	free(fx);
}
END_TEST

/* No history, no change: a fixture never changes without a trace. */
START_TEST(test_unwritable_history_leaves_the_fixture_unchanged)
{
	char *fx = tu_write(dir, "sim.ini", original);
	char hist[600];
	snprintf(hist, sizeof hist, "%s.history", fx);
	ck_assert_int_eq(mkdir(hist, 0755), 0);
	struct rig_err err = { 0 };
	ck_assert_int_eq(fixture_commit(fx, &zero, 1, "rig zero", &err), RIG_E_IO);
	ck_assert_msg(strstr(err.msg, "history") && strstr(err.msg, "not changed"), "%s", err.msg);
	char *t = tu_read(fx);
	ck_assert_str_eq(t, original);
	free(t);
	free(fx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fixture_commit");
	TCase *tc = tcase_create("commit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_planted_symlink_at_the_temporary_name_is_not_written_through);
	tcase_add_test(tc, test_symlinked_fixture_stays_a_link_and_its_target_gets_the_values);
	tcase_add_test(tc, test_read_only_fixture_is_refused_not_replaced);
	tcase_add_test(tc, test_mode_owner_and_group_are_kept_whatever_the_umask);
	const char *runner = getenv("RIG_RUNNER");
	if (runner && *runner)
		tu_skip("test_fixture_commit", 1, "fork() hangs under qemu-user");
	else
		tcase_add_test(tc, test_writers_are_serialised_and_neither_change_is_lost);
	tcase_add_test(tc, test_previous_version_and_a_dated_history_are_kept);
	tcase_add_test(tc, test_unwritable_history_leaves_the_fixture_unchanged);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
