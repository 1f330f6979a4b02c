/* test_sim_uart.c - the virtual bench's serial line (rig/sim/uart.c), the
 * one model under both the virtual pen and the virtual laser: byte timing
 * at the frame time, a receiver at another baud hearing garbage, a host
 * that does not listen, a full buffer losing the newest bytes, the byte
 * hook of line faults. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/uart.h"

START_TEST(test_bytes_arrive_one_frame_apart_after_the_line_is_free)
{
	struct sim_uart u;
	sim_uart_init(&u, serial_8n1(115200), 64, 1000);
	uint64_t fr = sim_uart_frame_ns(&u.dev);
	ck_assert_uint_eq(fr, 86806); /* 10 bits at 115200 baud */
	sim_uart_dev_send(&u, "ab", 2, 5000);
	sim_uart_dev_send(&u, "c", 1, 5000); /* queued behind "ab" */
	ck_assert_uint_eq(sim_uart_host_next_ns(&u), 5000 + fr);
	char buf[4];
	ck_assert_uint_eq(sim_uart_host_read(&u, buf, sizeof buf, 5000 + 2 * fr), 2);
	ck_assert_int_eq(memcmp(buf, "ab", 2), 0);
	ck_assert_uint_eq(sim_uart_host_read(&u, buf, sizeof buf, 5000 + 3 * fr - 1), 0);
	ck_assert_uint_eq(sim_uart_host_read(&u, buf, sizeof buf, 5000 + 3 * fr), 1);
	ck_assert_int_eq(buf[0], 'c');
	ck_assert_uint_eq(sim_uart_host_next_ns(&u), UINT64_MAX);
	sim_uart_free(&u);
}
END_TEST

START_TEST(test_a_receiver_at_another_baud_hears_garbage)
{
	static const char msg[] = "*IDN?\n";
	const int bauds[] = { 9600, 57600, 230400, 921600 };
	for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++) {
		struct sim_uart u;
		sim_uart_init(&u, serial_8n1(115200), 4096, 0);
		struct serial_settings host = serial_8n1(bauds[i]);
		sim_uart_host_configure(&u, &host);
		sim_uart_dev_send(&u, msg, sizeof msg - 1, 0);
		sim_uart_host_send(&u, msg, sizeof msg - 1, 0, true);
		char got[256];
		size_t n = sim_uart_host_read(&u, got, sizeof got, UINT64_MAX);
		ck_assert_msg(n != sizeof msg - 1 || memcmp(got, msg, n) != 0,
			      "%d baud heard the 115200 baud line clearly", bauds[i]);
		uint8_t c;
		size_t m = 0;
		char heard[256];
		while (sim_uart_dev_take(&u, UINT64_MAX, &c) && m < sizeof heard)
			heard[m++] = (char)c;
		ck_assert_msg(m != sizeof msg - 1 || memcmp(heard, msg, m) != 0,
			      "the device heard a %d baud host clearly", bauds[i]);
		sim_uart_free(&u);
	}
	/* The same framing on both sides: every byte as sent. */
	struct sim_uart u;
	sim_uart_init(&u, serial_8n1(115200), 4096, 0);
	sim_uart_host_send(&u, msg, sizeof msg - 1, 0, true);
	char heard[16];
	size_t m = 0;
	uint8_t c;
	while (sim_uart_dev_take(&u, UINT64_MAX, &c))
		heard[m++] = (char)c;
	ck_assert_uint_eq(m, sizeof msg - 1);
	ck_assert_int_eq(memcmp(heard, msg, m), 0);
	sim_uart_free(&u);
	/* A host 1 % off hears every byte as sent, as real UARTs do. */
	sim_uart_init(&u, serial_8n1(921600), 4096, 0);
	struct serial_settings near = serial_8n1(930815);
	sim_uart_host_configure(&u, &near);
	sim_uart_dev_send(&u, msg, sizeof msg - 1, 0);
	m = sim_uart_host_read(&u, heard, sizeof heard, UINT64_MAX);
	ck_assert_uint_eq(m, sizeof msg - 1);
	ck_assert_int_eq(memcmp(heard, msg, m), 0);
	sim_uart_free(&u);
}
END_TEST

START_TEST(test_a_slower_receiver_decodes_what_it_samples)
{
	/* 0x00 at 38400 baud: the line is low for 9 bits (234 us), then high.
	 * A 9600 baud receiver checks its start bit at 52 us (low), samples
	 * data bit 0 at 156 us (low) and bit 1 from 260 us on (high, idle):
	 * it reads 0xFE, once, when its stop bit is sampled at 990 us. */
	struct sim_uart u;
	sim_uart_init(&u, serial_8n1(38400), 64, 0);
	struct serial_settings host = serial_8n1(9600);
	sim_uart_host_configure(&u, &host);
	sim_uart_dev_send(&u, "\x00", 1, 0);
	ck_assert_uint_eq(sim_uart_host_next_ns(&u), 989583);
	uint8_t b[4];
	ck_assert_uint_eq(sim_uart_host_read(&u, b, sizeof b, UINT64_MAX), 1);
	ck_assert_uint_eq(b[0], 0xFE);
	sim_uart_free(&u);
}
END_TEST

START_TEST(test_a_deaf_device_hears_nothing_but_the_host_stays_busy)
{
	struct sim_uart u;
	sim_uart_init(&u, serial_8n1(115200), 64, 0);
	sim_uart_host_send(&u, "abc", 3, 100, false);
	ck_assert_uint_eq(sim_uart_dev_next_ns(&u), UINT64_MAX);
	ck_assert_uint_eq(u.host_free_ns, 100 + 3 * sim_uart_frame_ns(&u.host));
	sim_uart_host_send(&u, "d", 1, 100, true);
	ck_assert_uint_eq(sim_uart_dev_next_ns(&u), 100 + 4 * sim_uart_frame_ns(&u.host));
	sim_uart_free(&u);
}
END_TEST

START_TEST(test_a_full_buffer_loses_the_newest_bytes)
{
	struct sim_uart u;
	sim_uart_init(&u, serial_8n1(921600), 5000, 0);
	static uint8_t data[6000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)i;
	sim_uart_dev_send(&u, data, sizeof data, 0);
	ck_assert_uint_eq(u.to_host.overrun, 1000);
	static uint8_t got[6000];
	ck_assert_uint_eq(sim_uart_host_read(&u, got, sizeof got, UINT64_MAX), 5000);
	ck_assert_int_eq(memcmp(got, data, 5000), 0);
	sim_uart_free(&u);
}
END_TEST

static bool drop_odd_and_invert(void *ctx, uint64_t t_ns, uint8_t *byte)
{
	unsigned *calls = ctx;
	(void)t_ns;
	if ((*calls)++ % 2)
		return false;
	*byte = (uint8_t)~*byte;
	return true;
}

START_TEST(test_the_byte_hook_loses_and_replaces_bytes_in_their_slots)
{
	struct sim_uart u;
	unsigned calls = 0;
	sim_uart_init(&u, serial_8n1(115200), 64, 0);
	u.on_byte = drop_odd_and_invert;
	u.on_byte_ctx = &calls;
	sim_uart_dev_send(&u, "\x01\x02\x03", 3, 0);
	uint64_t fr = sim_uart_frame_ns(&u.dev);
	ck_assert_uint_eq(u.dev_free_ns, 3 * fr); /* a lost byte still took its time */
	ck_assert_uint_eq(sim_uart_host_next_ns(&u), fr);
	uint8_t b[4];
	ck_assert_uint_eq(sim_uart_host_read(&u, b, sizeof b, UINT64_MAX), 2);
	ck_assert_uint_eq(b[0], 0xFE);
	ck_assert_uint_eq(b[1], 0xFC);
	/* Noise bypasses the hook. */
	sim_uart_noise(&u, "\x05", 1, 0);
	ck_assert_uint_eq(sim_uart_host_read(&u, b, sizeof b, UINT64_MAX), 1);
	ck_assert_uint_eq(b[0], 0x05);
	sim_uart_dev_reset(&u, 7);
	ck_assert_uint_eq(u.dev_free_ns, 7);
	sim_uart_free(&u);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim_uart");
	TCase *tc = tcase_create("line");
	tcase_add_test(tc, test_bytes_arrive_one_frame_apart_after_the_line_is_free);
	tcase_add_test(tc, test_a_receiver_at_another_baud_hears_garbage);
	tcase_add_test(tc, test_a_slower_receiver_decodes_what_it_samples);
	tcase_add_test(tc, test_a_deaf_device_hears_nothing_but_the_host_stays_busy);
	tcase_add_test(tc, test_a_full_buffer_loses_the_newest_bytes);
	tcase_add_test(tc, test_the_byte_hook_loses_and_replaces_bytes_in_their_slots);
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
