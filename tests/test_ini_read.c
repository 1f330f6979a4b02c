/* test_ini_read.c - the shared INI line reader: line numbers, and the lines
 * libinih would misread refused with file:line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ini_read.h"
#include "support/testutil.h"

struct seen {
	int n;
	int line[16];
	char key[16][32];
	char value[16][64];
};

static enum rig_rc collect(void *user, int line, const char *section, const char *key,
			   const char *value, struct rig_err *err)
{
	struct seen *s = user;
	(void)section;
	if (strcmp(key, "bad") == 0)
		return rig_fail(err, RIG_E_DATA, "line %d: bad key", line);
	if (s->n < 16) {
		s->line[s->n] = line;
		snprintf(s->key[s->n], sizeof s->key[0], "%s", key);
		snprintf(s->value[s->n], sizeof s->value[0], "%s", value);
	}
	s->n++;
	return RIG_OK;
}

static enum rig_rc parse(const char *text, struct seen *s, struct rig_err *err)
{
	struct ini_text t = { .bytes = (char *)text, .len = strlen(text) };
	memset(s, 0, sizeof *s);
	return ini_read_parse(&t, "x.ini", RIG_E_DATA, collect, s, err);
}

START_TEST(test_keys_arrive_with_their_line_numbers)
{
	struct seen s;
	struct rig_err err = { 0 };
	ck_assert_int_eq(parse("; c\n[a]\n\nk1 = v1 ; note\r\n  ; indented comment\nk2: v2\n", &s, &err),
			 RIG_OK);
	ck_assert_int_eq(s.n, 2);
	ck_assert_int_eq(s.line[0], 4);
	ck_assert_str_eq(s.value[0], "v1");
	ck_assert_int_eq(s.line[1], 6);
	ck_assert_str_eq(s.key[1], "k2");
}
END_TEST

START_TEST(test_indented_key_is_refused_instead_of_glued)
{
	struct seen s;
	struct rig_err err = { 0 };
	ck_assert_int_eq(parse("[a]\nk1 = 1\n  k2 = 2\n", &s, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "x.ini:3: expected a line that does not start with a space"),
		      "%s", err.msg);
}
END_TEST

START_TEST(test_first_error_in_file_order_wins)
{
	struct seen s;
	struct rig_err err = { 0 };
	/* libinih goes on after the syntax error on line 2; the handler's
	 * error on line 3 must not hide it. */
	ck_assert_int_eq(parse("[a]\nnonsense\nbad = 1\n", &s, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "x.ini:2: expected '[section]' or 'key = value'"), "%s",
		      err.msg);
	ck_assert_int_eq(parse("[a]\nbad = 1\nnonsense\n", &s, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "line 2: bad key"), "%s", err.msg);
}
END_TEST

START_TEST(test_nul_byte_and_long_line_are_refused)
{
	struct seen s;
	struct rig_err err = { 0 };
	char bin[] = "[a]\nk = v\0w\n";
	struct ini_text t = { .bytes = bin, .len = sizeof bin - 1 };
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(ini_read_parse(&t, "b.ini", RIG_E_DATA, collect, &s, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "b.ini:2: expected text, found a NUL byte"), "%s", err.msg);

	char *text = malloc(1000);
	strcpy(text, "[a]\nk = ");
	memset(text + 8, 'x', 900);
	strcpy(text + 908, "\n");
	ck_assert_int_eq(parse(text, &s, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "x.ini:2: line is 904 characters long, at most"), "%s",
		      err.msg);
	ck_assert_int_eq(s.n, 0);
	free(text);
}
END_TEST

START_TEST(test_load_refuses_big_file_and_names_missing_one)
{
	char *dir = tu_tmpdir();
	char *big = malloc(5000);
	memset(big, ';', 4999);
	big[4999] = '\0';
	char *p = tu_write(dir, "big.ini", big);
	struct ini_text t;
	struct rig_err err = { 0 };
	ck_assert_int_eq(ini_text_load(&t, p, 4096, RIG_E_DATA, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "at most 4096 bytes"), "%s", err.msg);
	ck_assert_int_eq(ini_text_load(&t, p, 8192, RIG_E_DATA, &err), RIG_OK);
	ck_assert_uint_eq(t.len, 4999);
	ck_assert_int_eq(t.bytes[4999], '\0');
	ini_text_free(&t);
	ck_assert_int_eq(ini_text_load(&t, "/nonexistent/p.ini", 10, RIG_E_DATA, &err), RIG_E_DATA);
	ck_assert_msg(strstr(err.msg, "/nonexistent/p.ini") && strstr(err.msg, "No such file"),
		      "%s", err.msg);
	free(p);
	free(big);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ini_read");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_keys_arrive_with_their_line_numbers);
	tcase_add_test(tc, test_indented_key_is_refused_instead_of_glued);
	tcase_add_test(tc, test_first_error_in_file_order_wins);
	tcase_add_test(tc, test_nul_byte_and_long_line_are_refused);
	tcase_add_test(tc, test_load_refuses_big_file_and_names_missing_one);
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
