/* test_records.c - the ledger and rig verify (rig/records/): entries chain
 * and sign, a torn tail is repaired and recorded, and every tamper case of
 * issue 16 (a changed byte, a deleted, swapped, renamed or added report, a
 * truncated ledger, a replayed or reordered entry, a moved signature, a
 * fixture edited by hand) is caught by `rig verify` and named, while an
 * intact folder verifies with exit 0 and one summary line. */
#include <check.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fixture.h"
#include "core/ini_edit.h"
#include "records/keys.h"
#include "records/ledger.h"
#include "records/records.h"
#include "records/verify.h"
#include "support/runrig.h"
#include "support/testutil.h"

static char *tmp, *keypath;

static void setup(void)
{
	tmp = tu_tmpdir();
	ck_assert_ptr_nonnull(tmp);
	ck_assert_int_ge(asprintf(&keypath, "%s/station.key", tmp), 0);
	setenv("RIG_KEY", keypath, 1);
}

static void teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
	free(keypath);
	unsetenv("RIG_KEY");
}

static void make_key(void)
{
	struct station_key k;
	struct rig_err err;
	ck_assert_msg(key_generate(keypath, &k, &err) == RIG_OK, "%s", err.msg);
	key_wipe(&k);
}

static struct rig_result rig(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct rig_result rig(const char *fmt, ...)
{
	char *args;
	va_list ap;
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&args, fmt, ap), 0);
	va_end(ap);
	struct rig_result r = run_rig(args);
	free(args);
	return r;
}

static void copy_file(const char *from, const char *to)
{
	char *text = tu_read(from);
	ck_assert_ptr_nonnull(text);
	FILE *f = fopen(to, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(text);
}

/* A report folder made by `rig run` on the virtual bench (n runs), with
 * its own copy of the fixture; *fixture gets that copy's path. */
static char *make_folder(unsigned n, char **fixture)
{
	char *dir, *fx;
	ck_assert_int_ge(asprintf(&dir, "%s/reports", tmp), 0);
	ck_assert_int_ge(asprintf(&fx, "%s/sim.ini", tmp), 0);
	copy_file("fixtures/sim.ini", fx);
	for (unsigned i = 0; i < n; i++) {
		struct rig_result r = rig("run --fixture '%s' --out '%s' --serial MN3-000123", fx, dir);
		ck_assert_msg(r.exit_code == 0, "rig run: %d: %s", r.exit_code, r.err);
		rig_result_free(&r);
	}
	if (fixture)
		*fixture = fx;
	else
		free(fx);
	return dir;
}

/* The name of the i-th report (sorted) in dir. */
static char *report_name(const char *dir, unsigned i)
{
	char *cmd, line[512];
	ck_assert_int_ge(asprintf(&cmd, "ls '%s' | grep '^2.*\\.csv$' | sort", dir), 0);
	FILE *p = popen(cmd, "r");
	free(cmd);
	ck_assert_ptr_nonnull(p);
	char *name = NULL;
	for (unsigned k = 0; fgets(line, sizeof line, p); k++)
		if (k == i) {
			line[strcspn(line, "\n")] = '\0';
			name = strdup(line);
		}
	pclose(p);
	ck_assert_msg(name != NULL, "no report %u in %s", i, dir);
	return name;
}

static char *path_in(const char *dir, const char *name)
{
	char *p;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

/* rig verify dir must fail (exit 1) naming `what` and `name`. */
static void expect_caught(const char *dir, const char *what, const char *name)
{
	struct rig_result r = rig("verify '%s'", dir);
	ck_assert_msg(r.exit_code == 1, "verify exit %d, expected 1:\n%s%s", r.exit_code, r.out,
		      r.err);
	char *tag;
	ck_assert_int_ge(asprintf(&tag, ": %s: ", what), 0);
	ck_assert_msg(strstr(r.out, tag), "no '%s' in:\n%s", what, r.out);
	if (name)
		ck_assert_msg(strstr(r.out, name), "'%s' not named in:\n%s", name, r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "FAILED"));
	free(tag);
	rig_result_free(&r);
}

static void expect_intact(const char *dir)
{
	struct rig_result r = rig("verify '%s'", dir);
	ck_assert_msg(r.exit_code == 0, "verify exit %d:\n%s%s", r.exit_code, r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, ": intact: "));
	rig_result_free(&r);
}

/* ---- the ledger itself ---- */

START_TEST(test_escape_round_trips_control_bytes_and_tabs)
{
	const char *in = "a\tb\nc\\d\r\x01 \x7f end";
	char esc[128], back[128];
	ck_assert(ledger_escape(esc, sizeof esc, in));
	ck_assert_ptr_null(strpbrk(esc, "\t\n\r\x01\x7f"));
	ck_assert(ledger_unescape(back, sizeof back, esc, strlen(esc)));
	ck_assert_str_eq(back, in);
	ck_assert(!ledger_unescape(back, sizeof back, "bad\\q", 5));
	ck_assert(!ledger_unescape(back, sizeof back, "bad\\x4", 6));
}
END_TEST

START_TEST(test_entries_chain_and_sign_and_read_back)
{
	make_key();
	struct rig_err err;
	for (int i = 0; i < 3; i++) {
		char obj[32];
		snprintf(obj, sizeof obj, "thing\t%d", i);
		ck_assert_msg(records_note(tmp, LK_SIGNIN, obj, NULL, "jd", "detail; x=1", &err) ==
				      RIG_OK, "%s", err.msg);
	}
	struct ledger lg;
	ck_assert(ledger_open(&lg, tmp, false, NULL, &err) == RIG_OK);
	/* key.published first, then the three */
	ck_assert_uint_eq(lg.n, 4);
	ck_assert_str_eq(lg.entries[0].kind, LK_KEY);
	ck_assert_str_eq(lg.entries[3].object, "thing\t2");
	ck_assert_str_eq(lg.entries[3].actor, "jd");
	ck_assert_uint_eq(lg.entries[3].seq, 4);
	ck_assert_str_eq(lg.entries[3].prev, lg.entries[2].hash);
	ck_assert_str_ne(lg.entries[3].sig, "-");
	ck_assert_ptr_eq(ledger_last(&lg, LK_SIGNIN, "thing\t0"), &lg.entries[1]);
	ledger_close(&lg);
	struct vf_result res;
	ck_assert(records_verify(tmp, NULL, 0, &res, &err) == RIG_OK);
	ck_assert_uint_eq(res.nf, 0);
	ck_assert_uint_eq(res.signed_entries, 4);
	vf_result_free(&res);
}
END_TEST

START_TEST(test_torn_tail_is_reported_then_repaired_and_recorded_not_dropped)
{
	struct rig_err err;
	ck_assert(records_note(tmp, LK_SIGNIN, "a", NULL, "jd", "one", &err) == RIG_OK);
	char *lp = path_in(tmp, LEDGER_FILE);
	int fd = open(lp, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	const char torn[] = "2\t2026-11-30T07:00:00Z\toperator.signed-in\tb\t-\tjd\ttwo-half";
	ck_assert_int_eq(write(fd, torn, sizeof torn - 1), (ssize_t)sizeof torn - 1);
	close(fd);
	struct vf_result res;
	ck_assert(records_verify(tmp, NULL, 0, &res, &err) == RIG_OK);
	ck_assert_uint_eq(res.nf, 1);
	ck_assert_int_eq(res.f[0].what, VF_TORN);
	vf_result_free(&res);
	/* The next writer cuts it off and keeps it in a repair entry. */
	ck_assert(records_note(tmp, LK_SIGNIN, "c", NULL, "jd", "three", &err) == RIG_OK);
	struct ledger lg;
	ck_assert(ledger_open(&lg, tmp, false, NULL, &err) == RIG_OK);
	ck_assert_uint_eq(lg.n, 3);
	ck_assert_str_eq(lg.entries[1].kind, LK_REPAIRED);
	ck_assert_ptr_nonnull(strstr(lg.entries[1].detail, "two-half"));
	ck_assert_str_eq(lg.entries[2].object, "c");
	ledger_close(&lg);
	ck_assert(records_verify(tmp, NULL, 0, &res, &err) == RIG_OK);
	ck_assert_uint_eq(res.nf, 0);
	vf_result_free(&res);
	free(lp);
}
END_TEST

START_TEST(test_entry_cut_at_every_byte_is_caught_and_repaired)
{
	/* A writer killed at any byte of its entry: what it left is named by
	 * verify, and the next writer repairs it with nothing lost. */
	make_key();
	struct rig_err err;
	ck_assert(records_note(tmp, LK_SIGNIN, "first", NULL, "jd", NULL, &err) == RIG_OK);
	char *lp = path_in(tmp, LEDGER_FILE), *whole = tu_read(lp);
	size_t before = strlen(whole);
	ck_assert(records_note(tmp, LK_SIGNIN, "second", NULL, "jd", "x=1", &err) == RIG_OK);
	char *two = tu_read(lp);
	size_t after = strlen(two);
	for (size_t cut = before; cut < after; cut++) {
		FILE *f = fopen(lp, "w");
		fwrite(two, 1, cut, f);
		fclose(f);
		struct vf_result res;
		ck_assert(records_verify(tmp, NULL, 0, &res, &err) == RIG_OK);
		ck_assert_msg(cut == before ? res.nf == 0 : res.nf == 1 && res.f[0].what == VF_TORN,
			      "cut at %zu: %zu findings", cut, res.nf);
		vf_result_free(&res);
		ck_assert(records_note(tmp, LK_SIGNIN, "third", NULL, "jd", NULL, &err) == RIG_OK);
		ck_assert(records_verify(tmp, NULL, 0, &res, &err) == RIG_OK);
		ck_assert_msg(res.nf == 0, "cut at %zu, after repair: %s", cut, res.nf ? res.f[0].text : "");
		vf_result_free(&res);
		struct ledger lg;
		ck_assert(ledger_open(&lg, tmp, false, NULL, &err) == RIG_OK);
		ck_assert_uint_eq(lg.n, cut == before ? 3 : 4);
		if (cut > before)
			ck_assert_str_eq(lg.entries[2].kind, LK_REPAIRED);
		ledger_close(&lg);
	}
	free(whole), free(two), free(lp);
}
END_TEST

/* ---- rig verify on folders made by rig run ---- */

START_TEST(test_intact_folder_verifies_with_one_summary_line)
{
	make_key();
	char *dir = make_folder(2, NULL);
	struct rig_result r = rig("verify '%s'", dir);
	ck_assert_msg(r.exit_code == 0, "%s%s", r.out, r.err);
	ck_assert_msg(strstr(r.out, "intact: 2 reports") && strstr(r.out, "all signed (key "),
		      "%s", r.out);
	unsigned lines = 0;
	for (const char *c = r.out; *c; c++)
		lines += *c == '\n';
	ck_assert_msg(lines == 1, "expected one line:\n%s", r.out);
	rig_result_free(&r);
	free(dir);
}
END_TEST

START_TEST(test_unsigned_folder_verifies_and_says_unsigned)
{
	char *dir = make_folder(1, NULL); /* no key made */
	struct rig_result r = rig("verify '%s'", dir);
	ck_assert_msg(r.exit_code == 0, "%s%s", r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "unsigned (no station key: hash chain only)"));
	rig_result_free(&r);
	/* ... and so does each report, with access control off. */
	char *name = report_name(dir, 0), *p = path_in(dir, name), *text = tu_read(p);
	ck_assert_msg(strstr(text, "access control: off; ledger: unsigned, hash chain only"), "%s",
		      text);
	free(text), free(p), free(name);
	free(dir);
}
END_TEST

START_TEST(test_one_changed_byte_in_a_report_is_named)
{
	make_key();
	char *dir = make_folder(2, NULL), *name = report_name(dir, 0), *p = path_in(dir, name);
	char *text = tu_read(p);
	char *at = strstr(text, "MN3-000123");
	ck_assert_ptr_nonnull(at);
	at[9] = '4';
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	expect_caught(dir, "report changed", name);
	free(text), free(p), free(name), free(dir);
}
END_TEST

START_TEST(test_deleted_report_is_named)
{
	char *dir = make_folder(2, NULL), *name = report_name(dir, 1), *p = path_in(dir, name);
	ck_assert_int_eq(unlink(p), 0);
	expect_caught(dir, "report missing", name);
	free(p), free(name), free(dir);
}
END_TEST

START_TEST(test_swapped_reports_are_named)
{
	make_key();
	char *dir = make_folder(2, NULL), *a = report_name(dir, 0), *b = report_name(dir, 1);
	char *pa = path_in(dir, a), *pb = path_in(dir, b), *px = path_in(dir, "x");
	ck_assert_int_eq(rename(pa, px), 0);
	ck_assert_int_eq(rename(pb, pa), 0);
	ck_assert_int_eq(rename(px, pb), 0);
	expect_caught(dir, "reports swapped", a);
	expect_caught(dir, "reports swapped", b);
	free(pa), free(pb), free(px), free(a), free(b), free(dir);
}
END_TEST

START_TEST(test_renamed_and_added_reports_are_named)
{
	char *dir = make_folder(1, NULL), *a = report_name(dir, 0);
	char *pa = path_in(dir, a), *pn = path_in(dir, "20200101T000000Z_OTHER_PASS.csv");
	ck_assert_int_eq(rename(pa, pn), 0);
	expect_caught(dir, "report renamed", "20200101T000000Z_OTHER_PASS.csv");
	copy_file(pn, pa);
	char *pc = path_in(dir, "20200101T000001Z_COPY_PASS.csv");
	copy_file(pn, pc);
	ck_assert_int_eq(rename(pn, pa), 0);
	expect_caught(dir, "report unrecorded", "20200101T000001Z_COPY_PASS.csv");
	free(pa), free(pn), free(pc), free(a), free(dir);
}
END_TEST

START_TEST(test_truncated_ledger_is_named)
{
	make_key();
	char *dir = make_folder(2, NULL), *lp = path_in(dir, LEDGER_FILE);
	struct stat st;
	ck_assert_int_eq(stat(lp, &st), 0);
	ck_assert_int_eq(truncate(lp, st.st_size / 2), 0);
	expect_caught(dir, "torn entry", LEDGER_FILE);
	expect_caught(dir, "report unrecorded", NULL);
	/* Cut at a line end: no torn entry, but the last report is unrecorded. */
	char *text = tu_read(lp);
	*(strrchr(text, '\n') + 1) = '\0';
	FILE *f = fopen(lp, "w");
	fputs(text, f);
	fclose(f);
	char *last = report_name(dir, 1);
	expect_caught(dir, "report unrecorded", last);
	free(text), free(last), free(lp), free(dir);
}
END_TEST

/* The ledger's lines, and the ledger written back from a chosen order. */
static char **ledger_lines(const char *lp, size_t *n)
{
	char *text = tu_read(lp);
	char **l = NULL;
	*n = 0;
	for (char *s = strtok(text, "\n"); s; s = strtok(NULL, "\n")) {
		l = realloc(l, (*n + 1) * sizeof *l);
		l[(*n)++] = strdup(s);
	}
	free(text);
	return l;
}

static void write_lines(const char *lp, char **l, const size_t *order, size_t n)
{
	FILE *f = fopen(lp, "w");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", l[order[i]]);
	fclose(f);
}

START_TEST(test_replayed_and_reordered_entries_are_named)
{
	make_key();
	char *dir = make_folder(2, NULL), *lp = path_in(dir, LEDGER_FILE);
	size_t n;
	char **l = ledger_lines(lp, &n);
	ck_assert_uint_ge(n, 4);
	size_t order[64];
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	order[n] = n - 2; /* an old entry appended again */
	write_lines(lp, l, order, n + 1);
	expect_caught(dir, "replayed entry", "replays line");
	order[n - 2] = n - 1; /* the last two swapped */
	order[n - 1] = n - 2;
	write_lines(lp, l, order, n);
	expect_caught(dir, "sequence broken", NULL);
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l), free(lp), free(dir);
}
END_TEST

START_TEST(test_changed_entry_breaks_its_signature)
{
	make_key();
	char *dir = make_folder(2, NULL), *lp = path_in(dir, LEDGER_FILE);
	char *text = tu_read(lp), *v = strstr(text, "verdict=PASS");
	ck_assert_ptr_nonnull(v);
	memcpy(v, "verdict=FAIL", 12);
	FILE *f = fopen(lp, "w");
	fputs(text, f);
	fclose(f);
	expect_caught(dir, "bad signature", "the signature does not match");
	free(text), free(lp), free(dir);
}
END_TEST

START_TEST(test_fixture_zero_changed_with_an_editor_is_named)
{
	char *fx, *dir = make_folder(1, &fx);
	char *text = tu_read(fx), *z = strstr(text, "\nzero_mm = ");
	ck_assert_ptr_nonnull(z);
	z[11] = z[11] == '9' ? '8' : '9';
	FILE *f = fopen(fx, "w");
	fputs(text, f);
	fclose(f);
	expect_caught(dir, "fixture changed", "sim.ini");
	/* The next run notices it and puts the edit on the record. */
	struct rig_result r = rig("run --fixture '%s' --out '%s'", fx, dir);
	rig_result_free(&r);
	char *lp = path_in(dir, LEDGER_FILE), *ledger = tu_read(lp);
	ck_assert_ptr_nonnull(strstr(ledger, "\tfixture.edited\t"));
	expect_intact(dir);
	free(ledger), free(lp), free(text), free(fx), free(dir);
}
END_TEST

START_TEST(test_fixture_value_committed_by_rig_is_on_the_record)
{
	make_key();
	char *fx, *dir = make_folder(1, &fx);
	struct records_fixture rf;
	struct rig_err err;
	records_fixture_observer(&rf, dir, "bob", "rig zero");
	const struct ini_edit edits[] = { { "laser", "zero_mm", "5.432100" } };
	ck_assert_msg(fixture_commit_observed(fx, edits, 1, "rig zero", &rf.obs, &err) == RIG_OK,
		      "%s", err.msg);
	char *lp = path_in(dir, LEDGER_FILE), *ledger = tu_read(lp);
	ck_assert_msg(strstr(ledger, "\tfixture.changed\t") &&
		      strstr(ledger, "\tbob\trig zero: laser.zero_mm 5.000 -> 5.432100\t"), "%s",
		      ledger);
	/* The ledger knows the new bytes: intact, no "fixture changed". */
	expect_intact(dir);
	free(ledger), free(lp), free(fx), free(dir);
}
END_TEST

START_TEST(test_recovered_report_is_recorded_once)
{
	make_key();
	char *dir = make_folder(1, NULL), *name = report_name(dir, 0);
	struct rig_err err;
	char *p = path_in(dir, name), *bytes = tu_read(p);
	/* A recovery that repeats a publish already on the record adds nothing. */
	ck_assert(records_note_report(dir, p, bytes, strlen(bytes), true, &err) == RIG_OK);
	char *lp = path_in(dir, LEDGER_FILE), *ledger = tu_read(lp);
	ck_assert_ptr_null(strstr(ledger, "report.recovered"));
	expect_intact(dir);
	free(ledger), free(lp), free(bytes), free(p), free(name), free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("records");
	TCase *tc = tcase_create("ledger");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_escape_round_trips_control_bytes_and_tabs);
	tcase_add_test(tc, test_entries_chain_and_sign_and_read_back);
	tcase_add_test(tc, test_torn_tail_is_reported_then_repaired_and_recorded_not_dropped);
	tcase_add_test(tc, test_entry_cut_at_every_byte_is_caught_and_repaired);
	tcase_add_test(tc, test_intact_folder_verifies_with_one_summary_line);
	tcase_add_test(tc, test_unsigned_folder_verifies_and_says_unsigned);
	tcase_add_test(tc, test_one_changed_byte_in_a_report_is_named);
	tcase_add_test(tc, test_deleted_report_is_named);
	tcase_add_test(tc, test_swapped_reports_are_named);
	tcase_add_test(tc, test_renamed_and_added_reports_are_named);
	tcase_add_test(tc, test_truncated_ledger_is_named);
	tcase_add_test(tc, test_replayed_and_reordered_entries_are_named);
	tcase_add_test(tc, test_changed_entry_breaks_its_signature);
	tcase_add_test(tc, test_fixture_zero_changed_with_an_editor_is_named);
	tcase_add_test(tc, test_recovered_report_is_recorded_once);
	tcase_add_test(tc, test_fixture_value_committed_by_rig_is_on_the_record);
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
