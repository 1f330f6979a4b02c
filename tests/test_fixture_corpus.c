/* test_fixture_corpus.c - every malformed fixture in tests/data/fixtures/ is
 * refused with the message its first line expects ("; expect: <text>", after
 * a byte order mark if the file has one, control characters shown escaped as
 * on the terminal) and exit 78, loaded in-process and
 * through `rig run`; fixtures with CR LF line ends or a byte order mark but
 * nothing wrong load as they are. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixture.h"
#include "run/text.h"
#include "support/runrig.h"
#include "support/testutil.h"

#define CORPUS SRCDIR "/tests/data/fixtures/"
#define MAX_FILES 128

static char *files[MAX_FILES];
static int nfiles;

static int is_ini(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 4 && strcmp(d->d_name + n - 4, ".ini") == 0;
}

static void list_corpus(void)
{
	struct dirent **list;
	int n = scandir(CORPUS, &list, is_ini, alphasort);
	if (n < 0) {
		perror(CORPUS);
		exit(EXIT_FAILURE);
	}
	for (int i = 0; i < n; i++) {
		if (nfiles < MAX_FILES)
			files[nfiles++] = strdup(list[i]->d_name);
		free(list[i]);
	}
	free(list);
}

/* The text after "; expect: " on the file's first line (CR or LF ends it). */
static char *expected(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, CORPUS "%s", name);
	FILE *fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "%s", path);
	char line[512] = "";
	size_t n = fread(line, 1, sizeof line - 1, fp);
	fclose(fp);
	line[n] = '\0';
	char *s = line;
	if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	ck_assert_msg(strncmp(s, "; expect: ", 10) == 0,
		      "%s: the first line must be '; expect: <message>'", name);
	s += 10;
	s[strcspn(s, "\r\n")] = '\0';
	ck_assert_msg(*s, "%s: empty expectation", name);
	return strdup(s);
}

START_TEST(test_malformed_fixture_is_refused_with_file_line_and_config_error)
{
	const char *name = files[_i];
	char *want = expected(name);
	char path[512];
	snprintf(path, sizeof path, CORPUS "%s", name);
	struct fixture f;
	struct rig_err err = { 0 };
	enum rig_rc rc = fixture_load(&f, path, &err);
	if (rc == RIG_OK)
		fixture_free(&f);
	ck_assert_msg(rc == RIG_E_CONFIG, "%s: rc %d (%s)", name, rc, err.msg);
	ck_assert_int_eq(rig_exit_code(rc), 78);
	/* Expectations are written as the terminal shows them: escaped. */
	char shown[4 * sizeof err.msg];
	text_escape(shown, sizeof shown, err.msg);
	ck_assert_msg(strstr(shown, want), "%s:\n want %s\n got  %s", name, want, shown);
	free(want);
}
END_TEST

/* The same through the binary: exit 78 and the message on stderr, escaped
 * (no control character of the file reaches the terminal). */
START_TEST(test_rig_run_exits_78_on_each_malformed_fixture)
{
	for (int i = 0; i < nfiles; i++) {
		char *want = expected(files[i]);
		char args[1024];
		snprintf(args, sizeof args,
			 "run --profile '" SRCDIR "/profiles/production-p25.ini' --fixture '"
			 CORPUS "%s' --out /nonexistent-rig-reports", files[i]);
		struct rig_result r = run_rig(args);
		ck_assert_msg(r.exit_code == 78, "%s: exit %d, stderr: %s", files[i], r.exit_code,
			      r.err);
		ck_assert_msg(strstr(r.err, want), "%s:\n want %s\n got  %s", files[i], want, r.err);
		for (const char *s = r.err; *s; s++)
			ck_assert_msg(*s == '\n' || (unsigned char)*s >= 0x20,
				      "%s: control byte 0x%02X on stderr", files[i], (unsigned char)*s);
		ck_assert_msg(r.out[0] == '\0', "%s: stdout: %s", files[i], r.out);
		rig_result_free(&r);
		free(want);
	}
}
END_TEST

/* Line ends from another editor are not mistakes: a fixture saved with CR LF
 * line ends or a UTF-8 byte order mark loads with the same values. */
START_TEST(test_crlf_and_bom_fixtures_load)
{
	char *dir = tu_tmpdir();
	char *text = tu_read(SRCDIR "/fixtures/sim.ini");
	ck_assert_ptr_nonnull(text);
	size_t n = strlen(text);
	char *crlf = malloc(2 * n + 4), *bom = malloc(n + 4);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = text[i];
	}
	crlf[o] = '\0';
	snprintf(bom, n + 4, "\xEF\xBB\xBF%s", text);
	const char *variants[2] = { crlf, bom };
	for (int k = 0; k < 2; k++) {
		char *path = tu_write(dir, k ? "bom.ini" : "crlf.ini", variants[k]);
		struct fixture f;
		struct rig_err err = { 0 };
		ck_assert_msg(fixture_load(&f, path, &err) == RIG_OK, "%s", err.msg);
		ck_assert_str_eq(f.bench.station, "SIM-01");
		ck_assert_str_eq(f.pen.port, "sim:pen");
		ck_assert_double_eq_tol(f.laser.zero_mm, 5.0, 1e-12);
		ck_assert_str_eq(f.sim[0].value, "1");
		fixture_free(&f);
		free(path);
	}
	tu_rmtree(dir);
	free(dir), free(text), free(crlf), free(bom);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fixture_corpus");
	TCase *tc = tcase_create("corpus");
	tcase_set_timeout(tc, 120); /* the binary runs under qemu when cross-built */
	tcase_add_loop_test(tc, test_malformed_fixture_is_refused_with_file_line_and_config_error,
			    0, nfiles);
	tcase_add_test(tc, test_rig_run_exits_78_on_each_malformed_fixture);
	tcase_add_test(tc, test_crlf_and_bom_fixtures_load);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	list_corpus();
	if (nfiles < 20) {
		fprintf(stderr, "%s: expected the corpus of malformed fixtures, found %d files\n",
			CORPUS, nfiles);
		return EXIT_FAILURE;
	}
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
