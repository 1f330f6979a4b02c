/* test_recover.c - recovery of journals in a shared report folder (issue
 * 12, items 3 and 10): another run's recovery interleaved with a journal's
 * creation at every file operation never removes it; an unreadable journal
 * is reported ABORTED naming it, never skipped; recovery counts and names
 * exactly what it did; a report name that summary.csv gives another run is
 * never used again, even when its file was moved away. */
#include <check.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/report.h"
#include "support/testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

#define T0 ((time_t)1795256100) /* 2026-11-21T10:15:00Z */

static void meta(struct report_meta *m, const char *serial)
{
	struct rig_err err = { 0 };
	ck_assert_int_eq(report_meta_init(m, &err), RIG_OK);
	m->started = T0;
	snprintf(m->station, sizeof m->station, "LINE1-ST3");
	snprintf(m->operator_name, sizeof m->operator_name, "J. Doe");
	report_meta_set_pen(m, "DP-25", serial, "1.4.2");
	snprintf(m->profile, sizeof m->profile, "production-p25");
	snprintf(m->profile_version, sizeof m->profile_version, "1.0");
}

static char *path_in(const char *name)
{
	char *p = NULL;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

/* Files in dir whose name contains part. */
static int count_files(const char *part)
{
	int n = 0;
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *de;
	while ((de = readdir(d)))
		n += strstr(de->d_name, part) != NULL;
	closedir(d);
	return n;
}

/* The one file in dir whose name contains part (malloc'd path). */
static char *find_file(const char *part)
{
	char *found = NULL;
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strstr(de->d_name, part)) {
			ck_assert_msg(!found, "two files with '%s'", part);
			found = path_in(de->d_name);
		}
	closedir(d);
	ck_assert_msg(found, "no file with '%s'", part);
	return found;
}

static void add_row(struct report *r, const char *quantity)
{
	struct rig_err err = { 0 };
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = "verify";
	row.step = "depth_sweep";
	row.quantity = quantity;
	row.unit = "um";
	row.commanded = 1000;
	row.measured = 1001.5;
	ck_assert_msg(report_add(r, &row, &err) == RIG_OK, "%s", err.msg);
}

/* ---- Another run's recovery between every step of a journal's creation */

struct interleave {
	bool armed;
	unsigned ops;        /* file operations the armed fs saw */
	unsigned recovered;  /* reports recovery made meanwhile */
	unsigned journals_seen_empty;
};

/* What a second `rig run` does first, now. */
static void second_run_recovers(struct interleave *iv)
{
	if (!iv->armed)
		return;
	int saved = errno;
	iv->ops++;
	/* What that run's recovery can see: a visible journal that is empty. */
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 8 && strcmp(de->d_name + l - 8, ".journal") == 0) {
			char *p = path_in(de->d_name);
			struct stat st;
			iv->journals_seen_empty += stat(p, &st) == 0 && st.st_size == 0;
			free(p);
		}
	}
	closedir(d);
	unsigned n = 0;
	struct rig_err err = { 0 };
	report_recover_orphans(dir, &n, &err);
	iv->recovered += n;
	errno = saved;
}

static int iv_open(void *ctx, const char *path, int flags, mode_t mode)
{
	int fd = rig_fsops_posix.open(NULL, path, flags, mode);
	second_run_recovers(ctx);
	return fd;
}

static ssize_t iv_write(void *ctx, int fd, const void *buf, size_t len)
{
	ssize_t n = rig_fsops_posix.write(NULL, fd, buf, len);
	second_run_recovers(ctx);
	return n;
}

static int iv_fsync(void *ctx, int fd)
{
	int rc = rig_fsops_posix.fsync(NULL, fd);
	second_run_recovers(ctx);
	return rc;
}

static int iv_rename(void *ctx, const char *from, const char *to, unsigned flags)
{
	int rc = rig_fsops_posix.rename(NULL, from, to, flags);
	second_run_recovers(ctx);
	return rc;
}

static int iv_unlink(void *ctx, const char *path)
{
	int rc = rig_fsops_posix.unlink(NULL, path);
	second_run_recovers(ctx);
	return rc;
}

static int iv_mkdir(void *ctx, const char *path, mode_t mode)
{
	int rc = rig_fsops_posix.mkdir(NULL, path, mode);
	second_run_recovers(ctx);
	return rc;
}

/* Issue 12 item 3: the journal was created, then locked; a second run's
 * recovery in between saw it empty and unlocked and removed it, and the
 * first run, having measured, could not write its report. */
START_TEST(test_recovery_interleaved_with_journal_creation_never_removes_it)
{
	struct interleave iv = { .armed = true };
	const struct rig_fsops fs = { iv_open, iv_write, iv_fsync, iv_rename,
				      iv_unlink, iv_mkdir, &iv };
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	meta(&m, "SN-RACE");
	ck_assert_msg(report_open_fs(&r, dir, &m, &fs, &err) == RIG_OK, "%s", err.msg);
	iv.armed = false;
	ck_assert_uint_ge(iv.ops, 3); /* create, write, fsync at least */
	ck_assert_uint_eq(iv.recovered, 0);
	ck_assert_int_eq(count_files(".journal"), 1); /* before: removed */
	ck_assert_uint_eq(iv.journals_seen_empty, 0);
	/* The run goes on, interleaved with recoveries at every write. */
	iv.armed = true;
	add_row(r, "depth");
	iv.armed = false;
	ck_assert_msg(report_finish(r, REPORT_PASS, "ok", &err) == RIG_OK, "%s", err.msg);
	report_close(r);
	ck_assert_uint_eq(iv.recovered, 0);
	ck_assert_int_eq(count_files("_SN-RACE_PASS.csv"), 1);
	ck_assert_int_eq(count_files("ABORTED"), 0);
	ck_assert_int_eq(count_files(".journal"), 0);
}
END_TEST

/* A journal being made whose maker died: removed once its lock is free
 * and it holds bytes; an empty one may be a maker between create and lock,
 * and stays, however old its stamp looks (a clock that jumped: under
 * faketime +400 days it was removed, and the run then being made lost its
 * journal). One whose maker lives stays. */
START_TEST(test_dead_journal_in_the_making_is_removed_a_live_one_is_not)
{
	char *dead = path_in(".11111111-0b0a-4908-8706-050403020100.journal.new");
	char *empty = path_in(".22222222-0b0a-4908-8706-050403020100.journal.new");
	char *live = path_in(".33333333-0b0a-4908-8706-050403020100.journal.new");
	free(tu_write(dir, ".11111111-0b0a-4908-8706-050403020100.journal.new", "\"run_id\"\r\n"));
	free(tu_write(dir, ".22222222-0b0a-4908-8706-050403020100.journal.new", ""));
	free(tu_write(dir, ".33333333-0b0a-4908-8706-050403020100.journal.new", "\"run_id\"\r\n"));
	struct timeval two_days_ago[2] = { { time(NULL) - 2 * 86400, 0 },
					   { time(NULL) - 2 * 86400, 0 } };
	ck_assert_int_eq(utimes(empty, two_days_ago), 0);
	int fd = open(live, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	unsigned n = 9;
	struct rig_err err = { 0 };
	ck_assert_int_eq(report_recover_orphans(dir, &n, &err), RIG_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_ne(access(dead, F_OK), 0);
	ck_assert_int_eq(access(empty, F_OK), 0);
	ck_assert_int_eq(access(live, F_OK), 0);
	close(fd);
	free(dead), free(empty), free(live);
}
END_TEST

/* ---- Unreadable journals, exact counts and names --------------------- */

struct said {
	char text[8][1024];
	unsigned n;
};

static void collect(void *ctx, const char *text)
{
	struct said *s = ctx;
	ck_assert_uint_lt(s->n, 8);
	snprintf(s->text[s->n++], sizeof s->text[0], "%s", text);
}

static bool said_with(const struct said *s, const char *a, const char *b)
{
	for (unsigned i = 0; i < s->n; i++)
		if (strstr(s->text[i], a) && strstr(s->text[i], b))
			return true;
	return false;
}

/* Issue 12 item 3: a journal the parser rejected was skipped forever, so
 * that run was never reported. */
START_TEST(test_unparsable_journal_is_reported_aborted_naming_it)
{
	const char *name = "1f0e0d0c-0b0a-4908-8706-050403020100.journal";
	const char *bytes = "\"run_id\",\"phase\",\"step\",\"result\"\r\n"
			    "\"x\",\"verify\",\"s\",\"PASS\"\r\n";
	char *jp = tu_write(dir, name, bytes);
	struct said said = { .n = 0 };
	struct report_recovery rec = { .say = collect, .ctx = &said };
	struct rig_err err = { 0 };
	ck_assert_msg(report_recover(dir, &rec, &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(rec.aborted, 1);
	ck_assert_uint_eq(rec.unreadable, 1);
	ck_assert_uint_eq(rec.published, 0);
	ck_assert_uint_eq(rec.failed, 0);
	ck_assert_int_eq(count_files(".journal"), 1); /* only the kept bytes */
	char *kept = NULL;
	ck_assert_int_ge(asprintf(&kept, "%s.unreadable", jp), 0);
	char *k = tu_read(kept);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k, bytes);
	char *rp = find_file("_unknown_ABORTED.csv");
	char *text = tu_read(rp);
	ck_assert_msg(strstr(text, "journal unreadable") && strstr(text, jp) &&
			      strstr(text, "expected a column 'quantity'") && strstr(text, kept),
		      "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "1f0e0d0c-0b0a-4908-8706-050403020100"));
	char *sp = path_in("summary.csv");
	char *sum = tu_read(sp);
	ck_assert_ptr_nonnull(strstr(sum, "\"ABORTED\""));
	ck_assert_ptr_nonnull(strstr(sum, "journal unreadable"));
	ck_assert_msg(said.n == 1 && said_with(&said, "journal unreadable", jp), "%s",
		      said.text[0]);
	/* Reported once: the next recovery finds nothing. */
	said.n = 0;
	ck_assert_int_eq(report_recover(dir, &rec, &err), RIG_OK);
	ck_assert_uint_eq(rec.aborted + rec.published + rec.failed, 0);
	ck_assert_uint_eq(said.n, 0);
	char *sum2 = tu_read(sp);
	ck_assert_str_eq(sum, sum2);
	free(sum), free(sum2), free(sp), free(text), free(rp), free(k), free(kept), free(jp);
}
END_TEST

/* A journal that breaks after good rows: those rows are in the report, with
 * the run's own serial; the verdict says where it broke. */
START_TEST(test_journal_broken_midway_keeps_the_rows_before)
{
	struct report_meta m;
	struct report *r;
	struct rig_err err = { 0 };
	meta(&m, "SN-MID");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	add_row(r, "depth");
	char *jp = strdup(r->journal_path);
	report_close(r); /* as if killed: the journal stays */
	FILE *f = fopen(jp, "a");
	fputs("\"a\",\"b\"\r\n", f);
	ck_assert_int_eq(fclose(f), 0);
	struct said said = { .n = 0 };
	struct report_recovery rec = { .say = collect, .ctx = &said };
	ck_assert_msg(report_recover(dir, &rec, &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(rec.unreadable, 1);
	char *rp = find_file("_SN-MID_ABORTED.csv");
	char *text = tu_read(rp);
	ck_assert_ptr_nonnull(strstr(text, "\"verify\",\"depth_sweep\",\"depth\",\"um\",1000"));
	ck_assert_msg(strstr(text, "journal unreadable") && strstr(text, "too few fields"), "%s",
		      text);
	ck_assert_ptr_nonnull(strstr(text, m.run_id));
	free(text), free(rp), free(jp);
}
END_TEST

/* Issue 12 item 10: "N interrupted run(s) ... reported as ABORTED" also
 * counted journals republished as PASS. */
START_TEST(test_recovery_counts_and_names_what_it_did)
{
	struct rig_err err = { 0 };
	struct report_meta m;
	struct report *r;
	/* An interrupted run. */
	meta(&m, "SN-CUT");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	add_row(r, "depth");
	char *cut = strdup(r->journal_path);
	report_close(r);
	/* A run that ended PASS and died while publishing: its journal holds
	 * the verdict (the report's bytes). */
	meta(&m, "SN-DONE");
	ck_assert_int_eq(report_open(&r, dir, &m, &err), RIG_OK);
	add_row(r, "depth");
	ck_assert_int_eq(report_finish(r, REPORT_PASS, "ok", &err), RIG_OK);
	char *text = tu_read(report_file(r));
	char jname[64];
	snprintf(jname, sizeof jname, "%s.journal", m.run_id);
	char *done = tu_write(dir, jname, text);
	report_close(r);
	struct said said = { .n = 0 };
	struct report_recovery rec = { .say = collect, .ctx = &said };
	ck_assert_msg(report_recover(dir, &rec, &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(rec.aborted, 1);
	ck_assert_uint_eq(rec.published, 1);
	ck_assert_uint_eq(rec.unreadable, 0);
	ck_assert_uint_eq(said.n, 2);
	ck_assert_msg(said_with(&said, "interrupted run", cut) &&
			      said_with(&said, "_SN-CUT_ABORTED.csv", cut),
		      "%s | %s", said.text[0], said.text[1]);
	ck_assert_msg(said_with(&said, "published as PASS", done) &&
			      said_with(&said, "_SN-DONE_PASS.csv", done),
		      "%s | %s", said.text[0], said.text[1]);
	/* A recovery that died while publishing the interrupted run: its
	 * journal ends with the recovery's verdict, and the next recovery
	 * still counts an interrupted run, by the verdict's reason_code
	 * (interrupted), not by the words of its reason. */
	char *aborted = NULL;
	for (size_t i = 0; i < said.n && !aborted; i++) {
		const char *at = strstr(said.text[i], "reported as ABORTED in ");
		if (at)
			aborted = strdup(at + strlen("reported as ABORTED in "));
	}
	ck_assert_ptr_nonnull(aborted);
	char *text2 = tu_read(aborted);
	ck_assert_ptr_nonnull(text2);
	ck_assert_ptr_nonnull(strstr(text2, "\"interrupted\""));
	char *again = tu_write(dir, "again.journal", text2);
	struct said said2 = { .n = 0 };
	struct report_recovery rec2 = { .say = collect, .ctx = &said2 };
	ck_assert_msg(report_recover(dir, &rec2, &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(rec2.aborted, 1);
	ck_assert_uint_eq(rec2.published, 0);
	ck_assert_msg(said2.n == 1 && said_with(&said2, "interrupted run", again), "%s",
		      said2.n ? said2.text[0] : "");
	free(text2), free(again), free(aborted);
	free(text), free(cut), free(done);
}
END_TEST

/* A journal that cannot even be opened (here a folder by that name): the
 * error is said and counted, the rest of the folder is recovered. */
START_TEST(test_recovery_error_is_said_and_counted)
{
	char *bad = path_in("2f0e0d0c-0b0a-4908-8706-050403020100.journal");
	ck_assert_int_eq(mkdir(bad, 0755), 0);
	struct said said = { .n = 0 };
	struct report_recovery rec = { .say = collect, .ctx = &said };
	struct rig_err err = { 0 };
	ck_assert_int_eq(report_recover(dir, &rec, &err), RIG_E_IO);
	ck_assert_uint_eq(rec.failed, 1);
	ck_assert_uint_eq(rec.aborted + rec.published, 0);
	ck_assert_msg(said.n == 1 && said_with(&said, "cannot recover", bad), "%s", said.text[0]);
	rmdir(bad);
	free(bad);
}
END_TEST

/* ---- A report name is never reused ------------------------------------ */

/* The POSIX calls, but every rename fails while armed: a run that dies
 * while publishing (its journal keeps its verdict). */
static int no_rename(void *ctx, const char *from, const char *to, unsigned flags)
{
	if (*(bool *)ctx) {
		errno = EIO;
		return -1;
	}
	return rig_fsops_posix.rename(NULL, from, to, flags);
}

/* Summary rows naming file (the report_file field, quoted). */
static int summary_rows_naming(const char *sum, const char *file)
{
	char key[256];
	snprintf(key, sizeof key, ",\"%s\",", file);
	int n = 0;
	for (const char *s = strstr(sum, key); s; s = strstr(s + 1, key))
		n++;
	return n;
}

/* Issue 12 item 10: run A's report was moved away; run B, recovered, of
 * the same second and serial, took A's name: two summary rows, one file. */
START_TEST(test_recovered_run_never_takes_a_moved_reports_name)
{
	struct rig_err err = { 0 };
	struct report_meta ma, mb;
	struct report *a, *b;
	bool fail_rename = false;
	struct rig_fsops fs = rig_fsops_posix; /* its calls ignore ctx */
	fs.rename = no_rename;
	fs.ctx = &fail_rename;
	/* B ends PASS but dies publishing. */
	meta(&mb, "SN-TWICE");
	ck_assert_int_eq(report_open_fs(&b, dir, &mb, &fs, &err), RIG_OK);
	add_row(b, "depth");
	fail_rename = true;
	ck_assert_int_ne(report_finish(b, REPORT_PASS, "ok", &err), RIG_OK);
	fail_rename = false;
	report_close(b);
	ck_assert_int_eq(count_files(".journal"), 1);
	/* A, the same second and serial, publishes; its report is moved away. */
	meta(&ma, "SN-TWICE");
	ck_assert_int_eq(report_open(&a, dir, &ma, &err), RIG_OK);
	add_row(a, "depth");
	ck_assert_int_eq(report_finish(a, REPORT_PASS, "ok", &err), RIG_OK);
	const char *name = strrchr(report_file(a), '/') + 1;
	ck_assert_str_eq(name, "20261121T101500Z_SN-TWICE_PASS.csv");
	char *archive = NULL;
	ck_assert_int_ge(asprintf(&archive, "%s.archived", dir), 0);
	ck_assert_int_eq(rename(report_file(a), archive), 0);
	/* B is recovered. */
	unsigned n = 0;
	ck_assert_msg(report_recover_orphans(dir, &n, &err) == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(count_files("20261121T101500Z_SN-TWICE_PASS.csv"), 0);
	ck_assert_int_eq(count_files("20261121T101500Z_SN-TWICE_PASS-2.csv"), 1);
	char *sp = path_in("summary.csv");
	char *sum = tu_read(sp);
	ck_assert_int_eq(summary_rows_naming(sum, "20261121T101500Z_SN-TWICE_PASS.csv"), 1);
	ck_assert_int_eq(summary_rows_naming(sum, "20261121T101500Z_SN-TWICE_PASS-2.csv"), 1);
	report_close(a);
	unlink(archive);
	free(archive), free(sum), free(sp);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("recover");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_recovery_interleaved_with_journal_creation_never_removes_it);
	tcase_add_test(tc, test_dead_journal_in_the_making_is_removed_a_live_one_is_not);
	tcase_add_test(tc, test_unparsable_journal_is_reported_aborted_naming_it);
	tcase_add_test(tc, test_journal_broken_midway_keeps_the_rows_before);
	tcase_add_test(tc, test_recovery_counts_and_names_what_it_did);
	tcase_add_test(tc, test_recovery_error_is_said_and_counted);
	tcase_add_test(tc, test_recovered_run_never_takes_a_moved_reports_name);
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
