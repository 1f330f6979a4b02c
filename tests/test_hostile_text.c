/* test_hostile_text.c - serial numbers and other pen-reported strings with
 * separators, quotes, formula prefixes, path separators, markup and control
 * characters go everywhere a run puts them, end to end through `rig run` on
 * the virtual bench: the report's file name stays a plain name inside the
 * report folder, CSV fields are quoted and defused, JUnit XML is escaped,
 * and no control character reaches the terminal (stdout or stderr).
 *
 * The virtual pen sends any printable ASCII but ',' and '"' in *IDN? (the
 * protocol's separators, refused by the driver too), up to 31 bytes, as a
 * real pen could; control characters come through --serial (a barcode
 * scanner's input) and --operator. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/runrig.h"
#include "support/testutil.h"

/* 'text' for the shell, with embedded single quotes. */
static void shell_quote(char *out, size_t cap, const char *s)
{
	size_t o = 0;
	out[o++] = '\'';
	for (; *s && o + 6 < cap; s++) {
		if (*s == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			out[o++] = *s;
		}
	}
	out[o++] = '\'';
	out[o] = '\0';
}

static void assert_no_control(const char *what, const char *s)
{
	for (const char *p = s; *p; p++)
		ck_assert_msg(*p == '\n' || (unsigned char)*p >= 0x20,
			      "%s holds control byte 0x%02X at %td: %s", what, (unsigned char)*p,
			      p - s, s);
}

/* The one report in dir (not summary.csv): its name, malloc'd. */
static char *report_name(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	char *found = NULL;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".csv") == 0 &&
		    strcmp(e->d_name, "summary.csv") != 0) {
			free(found);
			found = strdup(e->d_name);
			n++;
		}
	}
	closedir(d);
	ck_assert_msg(n == 1, "%d reports in %s", n, dir);
	return found;
}

static const struct {
	const char *serial;    /* what the pen says */
	const char *csv_field; /* how the CSV must hold it */
	const char *xml;       /* how the JUnit file must hold it */
} serials[] = {
	{ "=1+2;cmd|/C calc!A0", "\"'=1+2;cmd|/C calc!A0\"", "=1+2;cmd|/C calc!A0" },
	{ "../../etc/passwd", "\"../../etc/passwd\"", "../../etc/passwd" },
	{ "<b>&amp;'x'</b>;DROP", "\"<b>&amp;'x'</b>;DROP\"",
	  "&lt;b&gt;&amp;amp;&apos;x&apos;&lt;/b&gt;;DROP" },
	{ "-rf /; @SUM(A1) +x \\ y", "\"'-rf /; @SUM(A1) +x \\ y\"", "-rf /; @SUM(A1) +x \\ y" },
	{ "A234567890123456789012345678901", "\"A234567890123456789012345678901\"",
	  "A234567890123456789012345678901" },
};

START_TEST(test_hostile_pen_serial_is_safe_in_file_name_csv_junit_and_terminal)
{
	const char *sn = serials[_i].serial;
	char *dir = tu_tmpdir();
	char q_sim[256], q_dir[512], q_op[64], args[2048];
	char sim[128];
	snprintf(sim, sizeof sim, "pen.serial=%s", sn);
	shell_quote(q_sim, sizeof q_sim, sim);
	shell_quote(q_dir, sizeof q_dir, dir);
	/* An operator name with ESC, BEL and CR: a forged "PASS" line. */
	shell_quote(q_op, sizeof q_op, "Eve\x1b]0;owned\x07\rPASS");
	snprintf(args, sizeof args,
		 "run --fixture '" SRCDIR "/fixtures/sim.ini' --profile '" SRCDIR
		 "/profiles/production-p25.ini' --mode verify --sim %s --operator %s "
		 "--out %s --junit %s/junit.xml",
		 q_sim, q_op, q_dir, q_dir);
	struct rig_result r = run_rig(args);
	ck_assert_msg(r.exit_code == 0 || r.exit_code == 1, "exit %d: %s", r.exit_code, r.err);
	assert_no_control("stdout", r.out);
	assert_no_control("stderr", r.err);

	/* The report's name: only [A-Za-z0-9._-] for the serial, in dir. */
	char *name = report_name(dir);
	const char *s = strchr(name, '_');
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(s[1] != '.' && s[1] != '-', "serial part starts with '%c': %s", s[1], name);
	for (const char *p = name; *p; p++)
		ck_assert_msg((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				      (*p >= '0' && *p <= '9') || strchr("._-", *p),
			      "report name '%s' holds '%c'", name, *p);

	/* stdout's last line names the serial (printable here) and the path. */
	char want_line[512];
	snprintf(want_line, sizeof want_line, " %s %s/%s (", sn, dir, name);
	ck_assert_msg(strstr(r.out, want_line), "stdout lacks '%s':\n%s", want_line, r.out);

	/* CSV: the serial quoted, defused when it looks like a formula; the
	 * operator's control characters replaced. */
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *csv = tu_read(path);
	ck_assert_ptr_nonnull(csv);
	char field[128];
	snprintf(field, sizeof field, ",%s,", serials[_i].csv_field);
	ck_assert_msg(strstr(csv, field), "CSV lacks %s", field);
	ck_assert_msg(strstr(csv, ",\"Eve?]0;owned??PASS\","), "operator not cleaned");
	for (const char *p = csv; *p; p++)
		ck_assert_msg(*p == '\r' ? p[1] == '\n' : *p == '\n' || (unsigned char)*p >= 0x20,
			      "CSV holds control byte 0x%02X", (unsigned char)*p);
	char *sum = NULL;
	ck_assert_int_ge(asprintf(&sum, "%s/summary.csv", dir), 0);
	char *summary = tu_read(sum);
	ck_assert_msg(summary && strstr(summary, field), "summary.csv lacks %s", field);

	/* JUnit: markup escaped, no raw '<' from the serial. */
	char *jpath = NULL;
	ck_assert_int_ge(asprintf(&jpath, "%s/junit.xml", dir), 0);
	char *xml = tu_read(jpath);
	ck_assert_ptr_nonnull(xml);
	ck_assert_msg(strstr(xml, serials[_i].xml), "JUnit lacks %s:\n%.600s", serials[_i].xml, xml);
	ck_assert_msg(!strstr(xml, "<b>"), "raw markup in the JUnit file");
	ck_assert_msg(!strstr(xml, "\x1b") && !strstr(xml, "\x07"), "control bytes in the JUnit file");

	rig_result_free(&r);
	tu_rmtree(dir);
	free(dir), free(name), free(csv), free(sum), free(summary), free(jpath), free(xml);
}
END_TEST

/* A scanned serial full of terminal escapes and far too long: the run
 * refuses the mismatch, and the message shows the escapes as text. */
START_TEST(test_hostile_scanned_serial_is_escaped_on_the_terminal)
{
	char *dir = tu_tmpdir();
	char scanned[1024] = "";
	for (int i = 0; i < 40; i++)
		strcat(scanned, "\x1b[2J\r=A");
	char q_sn[2048], q_dir[512], args[4096];
	shell_quote(q_sn, sizeof q_sn, scanned);
	shell_quote(q_dir, sizeof q_dir, dir);
	snprintf(args, sizeof args,
		 "run --fixture '" SRCDIR "/fixtures/sim.ini' --profile '" SRCDIR
		 "/profiles/production-p25.ini' --mode verify --serial %s --out %s",
		 q_sn, q_dir);
	struct rig_result r = run_rig(args);
	ck_assert_msg(r.exit_code == 2, "exit %d: %s", r.exit_code, r.err);
	assert_no_control("stdout", r.out);
	assert_no_control("stderr", r.err);
	ck_assert_msg(strstr(r.out, "serial mismatch: scanned '\\x1B[2J\\x0D=A"), "%s", r.out);
	char *name = report_name(dir);
	ck_assert_msg(strstr(name, "_MN3-000123_ABORTED.csv"), "%s", name);
	rig_result_free(&r);
	tu_rmtree(dir);
	free(dir), free(name);
}
END_TEST

/* Does s hold a Unicode bidi control (U+202A..U+202E, U+2066..U+2069)? */
static const char *find_bidi(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
				     (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
			return (const char *)p;
	return NULL;
}

/* Bidi controls reorder what a person reads ("Eve<RLO>gnp.exe" shows as
 * "Eveexe.png"): neutralised in CSV, JUnit and on the terminal. */
START_TEST(test_bidi_controls_are_neutralised_in_csv_junit_and_terminal)
{
	char *dir = tu_tmpdir();
	char q_sn[256], q_op[256], q_dir[512], args[2048];
	shell_quote(q_sn, sizeof q_sn, "MN3\xe2\x80\xae" "321-000\xe2\x81\xa6");
	shell_quote(q_op, sizeof q_op, "Eve\xe2\x80\xaagnp.exe\xe2\x81\xa9");
	shell_quote(q_dir, sizeof q_dir, dir);
	snprintf(args, sizeof args,
		 "run --fixture '" SRCDIR "/fixtures/sim.ini' --profile '" SRCDIR
		 "/profiles/production-p25.ini' --mode verify --serial %s --operator %s "
		 "--out %s --junit %s/junit.xml",
		 q_sn, q_op, q_dir, q_dir);
	struct rig_result r = run_rig(args);
	ck_assert_msg(r.exit_code == 2, "exit %d: %s", r.exit_code, r.err);
	ck_assert_msg(!find_bidi(r.out), "stdout: %s", r.out);
	ck_assert_msg(!find_bidi(r.err), "stderr: %s", r.err);
	ck_assert_msg(strstr(r.out, "scanned 'MN3\\xE2\\x80\\xAE321"), "%s", r.out);
	char *name = report_name(dir), path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *csv = tu_read(path);
	ck_assert_msg(!find_bidi(csv), "CSV: %s", find_bidi(csv));
	ck_assert_msg(strstr(csv, ",\"Eve?gnp.exe?\","), "operator not neutralised");
	snprintf(path, sizeof path, "%s/summary.csv", dir);
	char *summary = tu_read(path);
	ck_assert_msg(!find_bidi(summary), "summary.csv: %s", find_bidi(summary));
	snprintf(path, sizeof path, "%s/junit.xml", dir);
	char *xml = tu_read(path);
	ck_assert_ptr_nonnull(xml);
	ck_assert_msg(!find_bidi(xml), "JUnit: %s", find_bidi(xml));
	rig_result_free(&r);
	tu_rmtree(dir);
	free(dir), free(name), free(csv), free(summary), free(xml);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hostile_text");
	TCase *tc = tcase_create("run");
	tcase_set_timeout(tc, 120); /* under qemu when cross-built */
	tcase_add_loop_test(tc, test_hostile_pen_serial_is_safe_in_file_name_csv_junit_and_terminal,
			    0, (int)(sizeof serials / sizeof serials[0]));
	tcase_add_test(tc, test_hostile_scanned_serial_is_escaped_on_the_terminal);
	tcase_add_test(tc, test_bidi_controls_are_neutralised_in_csv_junit_and_terminal);
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
