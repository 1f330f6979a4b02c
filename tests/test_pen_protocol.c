/* test_pen_protocol.c - the pen's wire format: CRC vectors, numbers,
 * strict reply parsers, table checks. No bench, no I/O. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "dev/pen/protocol.h"
#include "sim/pen_scpi.h"

START_TEST(test_crc32_matches_the_standard_check_value)
{
	ck_assert_uint_eq(pen_crc32(0, "123456789", 9), 0xCBF43926u);
	ck_assert_uint_eq(pen_crc32(0, "", 0), 0);
	/* Chaining equals one pass. */
	uint32_t c = pen_crc32(0, "1234", 4);
	ck_assert_uint_eq(pen_crc32(c, "56789", 5), 0xCBF43926u);
	/* Four zero bytes: the identity table's canonical bytes. */
	ck_assert_uint_eq(pen_crc32(0, "\0\0\0\0", 4), 0x2144DF1Cu);
}
END_TEST

START_TEST(test_table_crc_covers_count_and_le_int32_thousandths)
{
	struct pen_cal_table t = { .n = 2, .cmd = { 0, 1000.5 }, .raw = { 0.001, 1100 } };
	uint32_t crc;
	ck_assert_int_eq(pen_proto_table_crc(&t, &crc, NULL), RIG_OK);
	/* The documented bytes, written out by hand. */
	const uint8_t bytes[] = {
		2, 0, 0, 0,
		0, 0, 0, 0,             1, 0, 0, 0,            /* 0 -> 0.001 */
		0x34, 0x44, 0x0F, 0x00, 0xE0, 0xC8, 0x10, 0x00, /* 1000500 -> 1100000 */
	};
	ck_assert_uint_eq(crc, pen_crc32(0, bytes, sizeof bytes));
	/* And the pen's firmware, written apart, agrees. */
	struct pen_fw_table f = { .n = 2, .cmd_milli = { 0, 1000500 },
				  .raw_milli = { 1, 1100000 } };
	ck_assert_uint_eq(crc, pen_fw_table_crc(&f));
	struct pen_cal_table id = { .n = 0 };
	ck_assert_int_eq(pen_proto_table_crc(&id, &crc, NULL), RIG_OK);
	ck_assert_uint_eq(crc, 0x2144DF1Cu);
}
END_TEST

START_TEST(test_table_crc_agrees_with_firmware_on_random_tables)
{
	struct rig_rng r;
	rng_seed(&r, 7, 1);
	for (int k = 0; k < 200; k++) {
		struct pen_cal_table t = { .n = 2 + (unsigned)(rng_u64(&r) % 15) };
		struct pen_fw_table f = { .n = t.n };
		int32_t c = -(int32_t)(rng_u64(&r) % 5000), w = (int32_t)(rng_u64(&r) % 9000);
		for (unsigned i = 0; i < t.n; i++) {
			c += 1 + (int32_t)(rng_u64(&r) % 300000);
			w += 1 + (int32_t)(rng_u64(&r) % 300000);
			f.cmd_milli[i] = c;
			f.raw_milli[i] = w;
			t.cmd[i] = c / 1000.0;
			t.raw[i] = w / 1000.0;
		}
		uint32_t crc;
		ck_assert_int_eq(pen_proto_table_crc(&t, &crc, NULL), RIG_OK);
		ck_assert_uint_eq(crc, pen_fw_table_crc(&f));
	}
}
END_TEST

START_TEST(test_numbers_parse_strictly)
{
	int64_t m;
	ck_assert(pen_proto_parse_milli("1500", &m) && m == 1500000);
	ck_assert(pen_proto_parse_milli("-0.25", &m) && m == -250);
	ck_assert(pen_proto_parse_milli("+120.125", &m) && m == 120125);
	ck_assert(pen_proto_parse_milli("9999999.999", &m) && m == 9999999999);
	const char *bad[] = { "", "+", "-", "1.", ".5", "1.2345", "1e3", "12345678",
			      " 1", "1 ", "0x10", "1,0", "--1", "nan", "inf", NULL };
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(!pen_proto_parse_milli(bad[i], &m), "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(test_numbers_format_canonically)
{
	char b[32];
	pen_proto_format_milli(b, sizeof b, 1500000);
	ck_assert_str_eq(b, "1500");
	pen_proto_format_milli(b, sizeof b, 120500);
	ck_assert_str_eq(b, "120.5");
	pen_proto_format_milli(b, sizeof b, -250);
	ck_assert_str_eq(b, "-0.25");
	pen_proto_format_milli(b, sizeof b, 1);
	ck_assert_str_eq(b, "0.001");
	pen_proto_format_milli(b, sizeof b, 0);
	ck_assert_str_eq(b, "0");
	int32_t m;
	ck_assert(pen_proto_to_milli(1500.0004, &m) && m == 1500000);
	ck_assert(!pen_proto_to_milli(1e10, &m));
	ck_assert(!pen_proto_to_milli(0.0 / 0.0, &m));
}
END_TEST

START_TEST(test_error_replies_parse_strictly)
{
	int code;
	char text[64];
	ck_assert_int_eq(pen_proto_parse_error("0,\"No error\"", &code, text, sizeof text, NULL), RIG_OK);
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(pen_proto_parse_error("-222,\"Data out of range;depth 3500 outside 0..3000\"",
					       &code, text, sizeof text, NULL), RIG_OK);
	ck_assert_int_eq(code, -222);
	ck_assert_str_eq(text, "Data out of range;depth 3500 outside 0..3000");
	const char *bad[] = { "", "0", "0,No error", "0,\"Oops\"", "-222,\"x", "-222,\"a\"b\"",
			      "5,\"x\"", "-22222,\"x\"", "-222 ,\"x\"", "-,\"x\"", "-222,\"x\" ", NULL };
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(pen_proto_parse_error(bad[i], &code, text, sizeof text, NULL) == RIG_E_PROTOCOL,
			      "accepted '%s'", bad[i]);
	/* Text longer than the caller's buffer is refused, not cut. */
	ck_assert_int_eq(pen_proto_parse_error("-100,\"0123456789\"", &code, text, 8, NULL),
			 RIG_E_PROTOCOL);
}
END_TEST

START_TEST(test_idn_needs_four_bounded_printable_fields)
{
	struct pen_identity id;
	ck_assert_int_eq(pen_proto_parse_idn("Dermatech,MN-300,MN3-000123,1.4.2", &id, NULL), RIG_OK);
	ck_assert_str_eq(id.maker, "Dermatech");
	ck_assert_str_eq(id.model, "MN-300");
	ck_assert_str_eq(id.serial, "MN3-000123");
	ck_assert_str_eq(id.firmware, "1.4.2");
	struct rig_err e;
	const char *bad[] = { "a,b,c", "a,b,c,d,e", "a,,c,d", ",b,c,d", "a,b,c,",
			      "a,b\x01,c,d", "a,b,c,0123456789012345678901234567890123", NULL };
	for (int i = 0; bad[i]; i++) {
		ck_assert_msg(pen_proto_parse_idn(bad[i], &id, &e) == RIG_E_PROTOCOL,
			      "accepted '%s'", bad[i]);
		ck_assert_ptr_nonnull(strstr(e.msg, "expected"));
	}
}
END_TEST

START_TEST(test_crc_count_bool_and_point_replies)
{
	unsigned n;
	uint32_t crc;
	ck_assert_int_eq(pen_proto_parse_crc("2,CBF43926", &n, &crc, NULL), RIG_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(crc, 0xCBF43926u);
	const char *bad_crc[] = { "2,cbf43926", "2,CBF4392", "2,CBF439260", "17,CBF43926",
				  ",CBF43926", "2;CBF43926", "02,CBF43926", "2,CBF4392G", NULL };
	for (int i = 0; bad_crc[i]; i++)
		ck_assert_msg(pen_proto_parse_crc(bad_crc[i], &n, &crc, NULL) == RIG_E_PROTOCOL,
			      "accepted '%s'", bad_crc[i]);
	ck_assert_int_eq(pen_proto_parse_count("16", 16, &n, NULL), RIG_OK);
	ck_assert_int_eq(pen_proto_parse_count("17", 16, &n, NULL), RIG_E_PROTOCOL);
	ck_assert_int_eq(pen_proto_parse_count("-1", 16, &n, NULL), RIG_E_PROTOCOL);
	bool on;
	ck_assert(pen_proto_parse_bool("1", &on, NULL) == RIG_OK && on);
	ck_assert(pen_proto_parse_bool("0", &on, NULL) == RIG_OK && !on);
	ck_assert_int_eq(pen_proto_parse_bool("ON", &on, NULL), RIG_E_PROTOCOL);
	int64_t c, r;
	ck_assert_int_eq(pen_proto_parse_point("1000.5,1100", &c, &r, NULL), RIG_OK);
	ck_assert(c == 1000500 && r == 1100000);
	ck_assert_int_eq(pen_proto_parse_point("1000.5", &c, &r, NULL), RIG_E_PROTOCOL);
	ck_assert_int_eq(pen_proto_parse_point("1,2,3", &c, &r, NULL), RIG_E_PROTOCOL);
}
END_TEST

START_TEST(test_queries_are_told_by_their_header)
{
	ck_assert(pen_proto_is_query("*IDN?"));
	ck_assert(pen_proto_is_query("CAL:DEPTH:POINT? 3"));
	ck_assert(!pen_proto_is_query("DEPTH 1500"));
	ck_assert(!pen_proto_is_query("MOTOR ON?"));
	ck_assert_int_eq(pen_proto_check_command("DEPTH 1500", NULL), RIG_OK);
	ck_assert_int_eq(pen_proto_check_command("", NULL), RIG_E_USAGE);
	ck_assert_int_eq(pen_proto_check_command("DEPTH\n1500", NULL), RIG_E_USAGE);
	char longline[PEN_LINE_MAX + 2];
	memset(longline, 'A', sizeof longline - 1);
	longline[sizeof longline - 1] = '\0';
	ck_assert_int_eq(pen_proto_check_command(longline, NULL), RIG_E_USAGE);
	longline[PEN_LINE_MAX] = '\0';
	ck_assert_int_eq(pen_proto_check_command(longline, NULL), RIG_OK);
}
END_TEST

START_TEST(test_tables_are_checked_before_sending)
{
	struct rig_err e;
	struct pen_cal_table t = { .n = 3, .cmd = { 0, 1000, 2000 }, .raw = { 0, 1100, 2150 } };
	ck_assert_int_eq(pen_cal_check(&t, &e), RIG_OK);
	t.raw[2] = 1100;
	ck_assert_int_eq(pen_cal_check(&t, &e), RIG_E_DATA);
	ck_assert_ptr_nonnull(strstr(e.msg, "point 2"));
	t.raw[2] = 2150;
	t.cmd[1] = 0.0004; /* equal to point 0 at 0.001 resolution */
	ck_assert_int_eq(pen_cal_check(&t, &e), RIG_E_DATA);
	t.cmd[1] = 1000;
	t.n = 1;
	ck_assert_int_eq(pen_cal_check(&t, &e), RIG_E_DATA);
	t.n = 17;
	ck_assert_int_eq(pen_cal_check(&t, &e), RIG_E_DATA);
	t.n = 3;
	t.raw[1] = 0.0 / 0.0;
	ck_assert_int_eq(pen_cal_check(&t, &e), RIG_E_DATA);
}
END_TEST

START_TEST(test_parsers_survive_random_bytes)
{
	struct rig_rng r;
	rng_seed(&r, 11, 2);
	for (int k = 0; k < 20000; k++) {
		char buf[48];
		size_t n = rng_u64(&r) % (sizeof buf - 1);
		for (size_t i = 0; i < n; i++) {
			/* Mostly protocol characters, so parsers go deep. */
			static const char alpha[] = "0123456789,.-+\"ABCDEF;: ?\x01\xff";
			buf[i] = alpha[rng_u64(&r) % (sizeof alpha - 1)];
		}
		buf[n] = '\0';
		int code;
		char text[16];
		struct pen_identity id;
		double v;
		bool on;
		unsigned cnt;
		uint32_t crc;
		int64_t a, b;
		(void)pen_proto_parse_error(buf, &code, text, sizeof text, NULL);
		(void)pen_proto_parse_idn(buf, &id, NULL);
		(void)pen_proto_parse_number(buf, &v, NULL);
		(void)pen_proto_parse_bool(buf, &on, NULL);
		(void)pen_proto_parse_count(buf, 16, &cnt, NULL);
		(void)pen_proto_parse_crc(buf, &cnt, &crc, NULL);
		if (pen_proto_parse_point(buf, &a, &b, NULL) == RIG_OK)
			ck_assert(strchr(buf, ','));
		char esc[32];
		pen_proto_escape(esc, sizeof esc, buf, n);
		ck_assert_uint_lt(strlen(esc), sizeof esc);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pen_protocol");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_crc32_matches_the_standard_check_value);
	tcase_add_test(tc, test_table_crc_covers_count_and_le_int32_thousandths);
	tcase_add_test(tc, test_table_crc_agrees_with_firmware_on_random_tables);
	tcase_add_test(tc, test_numbers_parse_strictly);
	tcase_add_test(tc, test_numbers_format_canonically);
	tcase_add_test(tc, test_error_replies_parse_strictly);
	tcase_add_test(tc, test_idn_needs_four_bounded_printable_fields);
	tcase_add_test(tc, test_crc_count_bool_and_point_replies);
	tcase_add_test(tc, test_queries_are_told_by_their_header);
	tcase_add_test(tc, test_tables_are_checked_before_sending);
	tcase_add_test(tc, test_parsers_survive_random_bytes);
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
