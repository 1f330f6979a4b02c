/* test_grow.c - core/grow.h: growth by doubling from a first capacity, room
 * for a given count, and a clear RIG_E_NOMEM that leaves the array as it was
 * when the size would overflow or pass what malloc can give (PTRDIFF_MAX). */
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

START_TEST(test_grow_starts_at_first_and_doubles)
{
	int *v = NULL;
	size_t cap = 0;
	struct rig_err err = { 0 };
	ck_assert_int_eq(RIG_GROW(v, cap, 1, 16, &err), RIG_OK);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(cap, 16);
	for (int i = 0; i < 16; i++)
		v[i] = i;
	ck_assert_int_eq(RIG_GROW(v, cap, 16, 16, &err), RIG_OK);
	ck_assert_uint_eq(cap, 16); /* enough room: nothing moves */
	ck_assert_int_eq(RIG_GROW(v, cap, 17, 16, &err), RIG_OK);
	ck_assert_uint_eq(cap, 32);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(v[i], i); /* the contents survive the move */
	ck_assert_int_eq(RIG_GROW(v, cap, 200, 16, &err), RIG_OK);
	ck_assert_uint_eq(cap, 256); /* doubles until it holds what is asked */
	v[199] = 7;
	free(v);
}
END_TEST

START_TEST(test_grow_first_zero_means_one)
{
	char *s = NULL;
	size_t cap = 0;
	ck_assert_int_eq(RIG_GROW(s, cap, 1, 0, NULL), RIG_OK);
	ck_assert_uint_eq(cap, 1);
	ck_assert_int_eq(RIG_GROW(s, cap, 3, 0, NULL), RIG_OK);
	ck_assert_uint_eq(cap, 4);
	free(s);
}
END_TEST

START_TEST(test_grow_refuses_a_size_that_overflows_and_keeps_the_array)
{
	double *v = NULL;
	size_t cap = 0;
	struct rig_err err = { 0 };
	ck_assert_int_eq(RIG_GROW(v, cap, 4, 4, &err), RIG_OK);
	double *before = v;
	v[3] = 1.5;
	ck_assert_int_eq(RIG_GROW(v, cap, PTRDIFF_MAX / sizeof *v + 1, 4, &err), RIG_E_NOMEM);
	ck_assert_int_eq(err.rc, RIG_E_NOMEM);
	ck_assert_str_eq(err.msg, "out of memory");
	ck_assert_ptr_eq(v, before);
	ck_assert_uint_eq(cap, 4);
	ck_assert(v[3] == 1.5);
	ck_assert_int_eq(RIG_GROW(v, cap, SIZE_MAX, 4, NULL), RIG_E_NOMEM);
	ck_assert_ptr_eq(v, before);
	free(v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grow");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_grow_starts_at_first_and_doubles);
	tcase_add_test(tc, test_grow_first_zero_means_one);
	tcase_add_test(tc, test_grow_refuses_a_size_that_overflows_and_keeps_the_array);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
