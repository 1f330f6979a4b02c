/* test_kill.c - no result lost: `rig run` (the binary, virtual bench) is
 * killed with SIGKILL at random moments, all in one report folder, and
 * after each kill:
 *  - the next start's recovery (report_recover_orphans, what `rig run`
 *    calls first) turns an orphaned journal into a report that holds every
 *    whole line of the journal and ends with a verdict (ABORTED unless the
 *    run had already decided);
 *  - no journal and no temporary file is left behind;
 *  - every report has exactly one summary.csv line and every summary line
 *    one report: nothing lost, nothing doubled; no line is torn;
 *  - the bench lock is free again.
 *  - rig verify accepts the folder: every report on its ledger, the chain whole.
 * RIG_KILLS kills (20 in make check; `make killtest` runs 200). The kill
 * moments are uniform over the wall time of an undisturbed run, measured
 * first. Under qemu-user ($RIG_RUNNER set) the suite is skipped: the
 * timing of an emulated rig says nothing, and fork-like spawning there is
 * unreliable.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/lock.h"
#include "records/verify.h"
#include "run/report.h"
#include "support/testutil.h"

#define PROFILE SRCDIR "/profiles/production-p25.ini"

extern char **environ;

static char *dir, *fixture, *outdir, *lockpath;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static pid_t spawn_rig(void)
{
	const char *bin = getenv("RIG_BIN");
	char *argv[] = { (char *)(bin ? bin : SRCDIR "/build/rig"), "run", "--fixture", fixture,
			 "--profile", PROFILE, "--out", outdir, "--operator", "killtest", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	ck_assert_msg(e == 0, "posix_spawn %s: %s", argv[0], strerror(e));
	return pid;
}

/* ---- the folder's state ---- */

struct folder {
	unsigned reports, journals, tmps;
	char *journal;          /* path of the (only) journal, if any */
	char **report_ids;      /* run id of each report */
};

static char *first_field(const char *text)
{
	/* The run id: the first field of the first data row. */
	const char *nl = strchr(text, '\n');
	if (!nl || nl[1] != '"')
		return NULL;
	const char *end = strchr(nl + 2, '"');
	return end ? strndup(nl + 2, (size_t)(end - nl - 2)) : NULL;
}

static void scan(struct folder *f)
{
	memset(f, 0, sizeof *f);
	DIR *d = opendir(outdir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		char *path = NULL;
		ck_assert_int_ge(asprintf(&path, "%s/%s", outdir, n), 0);
		if (len > 8 && !strcmp(n + len - 8, ".journal")) {
			f->journals++;
			free(f->journal);
			f->journal = strdup(path);
		} else if (len > 4 && !strcmp(n + len - 4, ".tmp")) {
			f->tmps++;
		} else if (len > 4 && !strcmp(n + len - 4, ".csv") && strcmp(n, "summary.csv")) {
			char *t = tu_read(path);
			ck_assert_ptr_nonnull(t);
			char *id = first_field(t);
			ck_assert_msg(id != NULL, "%s: no data row", n);
			f->report_ids = realloc(f->report_ids, (f->reports + 1) * sizeof *f->report_ids);
			f->report_ids[f->reports++] = id;
			/* Whole: the last record is the verdict, ending in CRLF. */
			size_t tl = strlen(t);
			ck_assert_msg(tl > 2 && t[tl - 2] == '\r' && t[tl - 1] == '\n',
				      "%s: not ended by CRLF", n);
			ck_assert_msg(strstr(t, "\"run\",\"end\",\"verdict\"") != NULL,
				      "%s: no verdict row", n);
			free(t);
		}
		free(path);
	}
	closedir(d);
}

static void folder_free(struct folder *f)
{
	for (unsigned i = 0; i < f->reports; i++)
		free(f->report_ids[i]);
	free(f->report_ids);
	free(f->journal);
}

/* summary.csv: a header, then one whole line per run, no run twice, and
 * exactly the runs that have a report. */
static void check_summary(const struct folder *f)
{
	char *sp = NULL;
	ck_assert_int_ge(asprintf(&sp, "%s/summary.csv", outdir), 0);
	char *t = tu_read(sp);
	free(sp);
	if (!t) {
		ck_assert_uint_eq(f->reports, 0);
		return;
	}
	size_t tl = strlen(t);
	ck_assert_msg(tl == 0 || (t[tl - 1] == '\n' && t[tl - 2] == '\r'),
		      "summary.csv: torn last line");
	unsigned lines = 0;
	char **ids = NULL;
	for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
		if (lines++ == 0) {
			ck_assert_msg(strncmp(line, "\"run_id\"", 8) == 0, "summary.csv: no header");
			continue;
		}
		ck_assert_msg(line[0] == '"' && strlen(line) > 40, "summary.csv: torn line '%s'", line);
		char *end = strchr(line + 1, '"');
		ck_assert_ptr_nonnull(end);
		char *id = strndup(line + 1, (size_t)(end - line - 1));
		for (unsigned i = 0; i + 1 < lines - 1; i++)
			ck_assert_msg(strcmp(ids[i], id) != 0, "summary.csv: run %s twice", id);
		ids = realloc(ids, (lines - 1) * sizeof *ids);
		ids[lines - 2] = id;
	}
	unsigned n = lines ? lines - 1 : 0;
	ck_assert_msg(n == f->reports, "summary.csv has %u runs, the folder %u reports", n,
		      f->reports);
	for (unsigned i = 0; i < f->reports; i++) {
		bool found = false;
		for (unsigned j = 0; j < n && !found; j++)
			found = strcmp(f->report_ids[i], ids[j]) == 0;
		ck_assert_msg(found, "report of run %s is not in summary.csv", f->report_ids[i]);
		for (unsigned j = 0; j < i; j++)
			ck_assert_msg(strcmp(f->report_ids[i], f->report_ids[j]) != 0,
				      "run %s has two reports", f->report_ids[i]);
	}
	for (unsigned j = 0; j < n; j++)
		free(ids[j]);
	free(ids);
	free(t);
}

/* rig verify's checks (rig/records) accept the folder: every report on
 * the ledger once, the chain whole. */
static void check_ledger(unsigned k, double at)
{
	struct vf_result res;
	struct rig_err err = { 0 };
	ck_assert_msg(records_verify(outdir, NULL, 0, &res, &err) == RIG_OK, "%s", err.msg);
	ck_assert_msg(res.nf == 0, "kill %u at %.3f s: rig verify: %s: %s", k, at,
		      res.nf ? vf_name(res.f[0].what) : "", res.nf ? res.f[0].text : "");
	vf_result_free(&res);
}

static char *report_of(const char *run_id)
{
	DIR *d = opendir(outdir);
	struct dirent *de;
	char *found = NULL;
	while (d && !found && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".csv") || !strcmp(de->d_name, "summary.csv"))
			continue;
		char *path = NULL;
		ck_assert_int_ge(asprintf(&path, "%s/%s", outdir, de->d_name), 0);
		char *t = tu_read(path);
		char *id = t ? first_field(t) : NULL;
		if (id && !strcmp(id, run_id))
			found = t;
		else
			free(t);
		free(id);
		free(path);
	}
	if (d)
		closedir(d);
	return found;
}

static void setup(void)
{
	dir = tu_tmpdir();
	char *text = tu_read(SRCDIR "/fixtures/sim.ini");
	fixture = tu_write(dir, "sim.ini", text);
	free(text);
	ck_assert_int_ge(asprintf(&outdir, "%s/reports", dir), 0);
	ck_assert_int_ge(asprintf(&lockpath, "%s/.sim-bench.lock", dir), 0);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	free(fixture);
	free(outdir);
	free(lockpath);
}

START_TEST(test_sigkill_at_any_moment_loses_no_result)
{
	unsigned kills = getenv("RIG_KILLS") ? (unsigned)atoi(getenv("RIG_KILLS")) : 20;
	srand48((long)time(NULL));
	/* The wall time of an undisturbed run: the median of three. */
	double t3[3];
	for (int i = 0; i < 3; i++) {
		double t0 = now_s();
		int st;
		ck_assert_int_eq(waitpid(spawn_rig(), &st, 0) > 0, 1);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "an undisturbed run failed");
		t3[i] = now_s() - t0;
	}
	double run_s = t3[0] + t3[1] + t3[2] - fmax(t3[0], fmax(t3[1], t3[2])) -
		       fmin(t3[0], fmin(t3[1], t3[2]));
	unsigned finished = 0, recovered = 0, nothing = 0, with_verdict = 0;
	for (unsigned k = 0; k < kills; k++) {
		struct folder before, after;
		scan(&before);
		folder_free(&before);
		pid_t pid = spawn_rig();
		double at = drand48() * run_s;
		struct timespec ts = { (time_t)at, (long)((at - (double)(time_t)at) * 1e9) };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int st;
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		bool killed = WIFSIGNALED(st);
		finished += !killed;

		struct folder mid;
		scan(&mid);
		ck_assert_uint_le(mid.journals, 1);
		char *journal = mid.journal ? tu_read(mid.journal) : NULL;
		char *run_id = journal ? first_field(journal) : NULL;

		/* The next start of rig. */
		unsigned n = 0;
		struct rig_err err = { 0 };
		ck_assert_msg(report_recover_orphans(outdir, &n, &err) == RIG_OK, "kill %u at %.3f s: %s",
			      k, at, err.msg);
		scan(&after);
		ck_assert_msg(after.journals == 0, "kill %u: a journal is left", k);
		ck_assert_msg(after.tmps == 0, "kill %u at %.3f s: a temporary file is left", k, at);
		check_summary(&after);
		check_ledger(k, at);
		if (journal && run_id) {
			/* Everything measured so far: every whole journal line is in
			 * the report, in order, then a verdict. */
			char *rep = report_of(run_id);
			ck_assert_msg(rep != NULL, "kill %u at %.3f s: run %s has no report", k, at,
				      run_id);
			char *last_nl = strrchr(journal, '\n');
			size_t whole = last_nl ? (size_t)(last_nl - journal) + 1 : 0;
			ck_assert_msg(strncmp(rep, journal, whole) == 0,
				      "kill %u: the report is not the journal's lines", k);
			bool had_verdict = strstr(journal, "\"run\",\"end\",\"verdict\"") != NULL;
			with_verdict += had_verdict;
			if (!had_verdict)
				ck_assert_msg(strstr(rep + whole, "\"ABORTED\",\"run did not finish") != NULL,
					      "kill %u: recovered report is not ABORTED", k);
			free(rep);
			recovered++;
		} else if (killed && after.reports == mid.reports) {
			nothing++; /* died before the journal existed: nothing measured */
		}
		free(journal);
		free(run_id);
		folder_free(&mid);
		folder_free(&after);

		struct bench_lock l = { .fd = -1 };
		ck_assert_msg(bench_lock_acquire(&l, lockpath, "killtest", 0, &err) == RIG_OK,
			      "kill %u: the bench lock is still held: %s", k, err.msg);
		bench_lock_release(&l);
	}
	fprintf(stderr,
		"test_kill: %u kills over %.0f ms runs: %u journals recovered (%u already "
		"decided), %u before any journal, %u runs finished first\n",
		kills, run_s * 1000, recovered, with_verdict, nothing, finished);
}
END_TEST

int main(void)
{
	if (getenv("RIG_RUNNER") && *getenv("RIG_RUNNER")) {
		tu_skip("test_kill", 1, "emulated timing under qemu-user (see the file)");
		return TU_EXIT_SKIPPED;
	}
	Suite *s = suite_create("kill");
	TCase *tc = tcase_create("sigkill");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_sigkill_at_any_moment_loses_no_result);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
