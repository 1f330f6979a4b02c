/* test_serial.c - the serial backends driven for real: termios through
 * openpty pairs, TCP through a loopback listener, libserialport on paths it
 * must refuse, the sim backend on a virtual clock, and the dispatcher. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

#include "hal/serial.h"

static struct rig_hal real_hal;

static void real_setup(void)
{
	real_hal = (struct rig_hal){ .clock = clock_real() };
}

static uint64_t now_real_ns(void)
{
	return clock_now_ns(clock_real());
}

/* ---- helpers: the other end of a pty or a socket ----------------------- */

struct pty_pair {
	int master, slave;
	char path[64];
	char spec[80]; /* "pty:<path>" */
};

static void pty_make(struct pty_pair *pp)
{
	ck_assert_int_eq(openpty(&pp->master, &pp->slave, pp->path, NULL, NULL), 0);
	struct termios t;
	ck_assert_int_eq(tcgetattr(pp->master, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(pp->master, TCSANOW, &t), 0);
	snprintf(pp->spec, sizeof pp->spec, "pty:%s", pp->path);
}

static void pty_free(struct pty_pair *pp)
{
	if (pp->master >= 0)
		close(pp->master);
	if (pp->slave >= 0)
		close(pp->slave);
}

/* Read exactly n bytes from fd within timeout_ms; returns how many came. */
static size_t fd_read_exact(int fd, void *buf, size_t n, int timeout_ms)
{
	size_t have = 0;
	while (have < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		ssize_t r = read(fd, (char *)buf + have, n - have);
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	return have;
}

static void fd_write_all(int fd, const void *buf, size_t n)
{
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
}

/* Wait until fd has something to read (without reading it). */
static void fd_wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
}

static struct serial_port *open_ok(const char *spec, int baud)
{
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	struct serial_settings s = serial_8n1(baud);
	enum rig_rc rc = serial_open(&p, spec, &s, &real_hal, &err);
	ck_assert_msg(rc == RIG_OK, "%s: %s", spec, err.msg);
	ck_assert_str_eq(serial_name(p), spec);
	return p;
}

/* ---- pty: (termios) ---------------------------------------------------- */

START_TEST(test_pty_round_trip_both_ways)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = open_ok(pp.spec, 921600);
	struct rig_err err = { 0 };
	/* Bytes that a cooked terminal would eat or translate. */
	const uint8_t out[] = { 'G', 'E', 'T', '\r', '\n', 0x00, 0x03, 0x11, 0x13, 0xff };
	ck_assert_int_eq(serial_write(p, out, sizeof out, 1000, &err), RIG_OK);
	uint8_t seen[sizeof out];
	ck_assert_uint_eq(fd_read_exact(pp.master, seen, sizeof seen, 2000), sizeof out);
	ck_assert_mem_eq(seen, out, sizeof out);

	const uint8_t in[] = { 0x81, 0x42, 0xc3, '\r', 0x00, 0x04, 0x7f };
	fd_write_all(pp.master, in, sizeof in);
	uint8_t got_buf[sizeof in];
	size_t got = 0;
	ck_assert_int_eq(serial_read(p, got_buf, sizeof got_buf, 2000, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, sizeof in);
	ck_assert_mem_eq(got_buf, in, sizeof in);
	serial_close(p);
	pty_free(&pp);
}
END_TEST

START_TEST(test_pty_read_timeout_returns_short_without_error)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = open_ok(pp.spec, 115200);
	struct rig_err err = { 0 };
	fd_write_all(pp.master, "abc", 3);
	uint8_t buf[10];
	size_t got = 99;
	uint64_t t0 = now_real_ns();
	ck_assert_int_eq(serial_read(p, buf, sizeof buf, 60, &got, &err), RIG_OK);
	uint64_t waited = now_real_ns() - t0;
	ck_assert_uint_eq(got, 3);
	ck_assert_mem_eq(buf, "abc", 3);
	ck_assert_uint_ge(waited, 60 * RIG_NS_PER_MS);
	/* Nothing at all: also no error, got = 0. */
	ck_assert_int_eq(serial_read(p, buf, sizeof buf, 10, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 0);
	serial_close(p);
	pty_free(&pp);
}
END_TEST

START_TEST(test_pty_read_some_returns_as_soon_as_bytes_are_there)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = open_ok(pp.spec, 115200);
	struct rig_err err = { 0 };
	fd_write_all(pp.master, "xy", 2);
	uint8_t buf[64];
	size_t got = 0;
	uint64_t t0 = now_real_ns();
	/* A 60 s timeout: had it waited for all 64 bytes, the test times out. */
	ck_assert_int_eq(serial_read_some(p, buf, sizeof buf, 60000, &got, &err), RIG_OK);
	ck_assert_uint_ge(got, 1);
	ck_assert_uint_le(got, 2);
	ck_assert_uint_lt(now_real_ns() - t0, 30 * RIG_NS_PER_S);
	ck_assert_int_eq(buf[0], 'x');
	serial_close(p);
	pty_free(&pp);
}
END_TEST

START_TEST(test_pty_flush_input_discards_what_came)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = open_ok(pp.spec, 115200);
	struct rig_err err = { 0 };
	fd_write_all(pp.master, "stale reply\r", 12);
	fd_wait_readable(pp.slave); /* the bytes have reached the terminal */
	ck_assert_int_eq(serial_flush_input(p, &err), RIG_OK);
	fd_write_all(pp.master, "N", 1);
	uint8_t buf[16];
	size_t got = 0;
	ck_assert_int_eq(serial_read_some(p, buf, sizeof buf, 2000, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 1);
	ck_assert_int_eq(buf[0], 'N');
	serial_close(p);
	pty_free(&pp);
}
END_TEST

START_TEST(test_pty_hangup_of_other_side_is_io_error_naming_port)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = open_ok(pp.spec, 115200);
	struct rig_err err = { 0 };
	close(pp.slave);
	pp.slave = -1;
	close(pp.master); /* the simulator goes away */
	pp.master = -1;
	uint8_t buf[4];
	size_t got = 99;
	ck_assert_int_eq(serial_read(p, buf, sizeof buf, 1000, &got, &err), RIG_E_IO);
	ck_assert_uint_eq(got, 0);
	ck_assert_msg(strstr(err.msg, pp.spec) && strstr(err.msg, "hung up"), "%s", err.msg);
	rig_err_clear(&err);
	ck_assert_int_eq(serial_read_some(p, buf, sizeof buf, 1000, &got, &err), RIG_E_IO);
	rig_err_clear(&err);
	ck_assert_int_eq(serial_write(p, "x", 1, 1000, &err), RIG_E_IO);
	ck_assert_msg(strstr(err.msg, pp.spec), "%s", err.msg);
	serial_close(p);
}
END_TEST

START_TEST(test_pty_bad_path_is_unavailable_naming_path)
{
	struct serial_port *p = (struct serial_port *)&p;
	struct rig_err err = { 0 };
	struct serial_settings s = serial_8n1(115200);
	ck_assert_int_eq(serial_open(&p, "pty:/dev/pts/rig-no-such-pty", &s, &real_hal, &err),
			 RIG_E_UNAVAILABLE);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err.msg, "/dev/pts/rig-no-such-pty") &&
		      strstr(err.msg, "No such file"), "%s", err.msg);
	/* Something that opens but is not a terminal. */
	ck_assert_int_eq(serial_open(&p, "pty:/dev/null", &s, &real_hal, &err),
			 RIG_E_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, "/dev/null") && strstr(err.msg, "not a terminal"),
		      "%s", err.msg);
}
END_TEST

START_TEST(test_pty_nonstandard_baud_is_refused_by_name)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	struct serial_settings s = serial_8n1(691200);
	ck_assert_int_eq(serial_open(&p, pp.spec, &s, &real_hal, &err), RIG_E_CONFIG);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err.msg, "691200") && strstr(err.msg, pp.spec), "%s", err.msg);
	pty_free(&pp);
}
END_TEST

START_TEST(test_pty_accepts_other_framing_and_flow)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	struct serial_settings s = { .baud = 9600, .data_bits = 7, .parity = 'E',
				     .stop_bits = 2, .flow = SERIAL_FLOW_XONXOFF };
	ck_assert_msg(serial_open(&p, pp.spec, &s, &real_hal, &err) == RIG_OK, "%s", err.msg);
	struct termios t;
	ck_assert_int_eq(tcgetattr(pp.slave, &t), 0);
	ck_assert_uint_eq(cfgetospeed(&t), B9600);
	ck_assert(t.c_cflag & CSTOPB);
	ck_assert(t.c_iflag & IXON);
	ck_assert(!(t.c_lflag & (ICANON | ECHO)));
	serial_close(p);
	pty_free(&pp);
}
END_TEST

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

START_TEST(test_pty_read_survives_signals_and_still_waits_the_timeout)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = open_ok(pp.spec, 115200);
	struct rig_err err = { 0 };
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	struct itimerval it = { .it_interval = { 0, 10000 }, .it_value = { 0, 10000 } };
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	uint8_t buf[4];
	size_t got = 99;
	uint64_t t0 = now_real_ns();
	enum rig_rc rc = serial_read(p, buf, sizeof buf, 120, &got, &err);
	uint64_t waited = now_real_ns() - t0;
	struct itimerval off = { 0 };
	setitimer(ITIMER_REAL, &off, NULL);
	ck_assert_msg(rc == RIG_OK, "%s", err.msg);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_ge(alarms, 2);
	ck_assert_uint_ge(waited, 120 * RIG_NS_PER_MS);
	serial_close(p);
	pty_free(&pp);
}
END_TEST

START_TEST(test_pty_write_nobody_reads_times_out)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = open_ok(pp.spec, 115200);
	struct rig_err err = { 0 };
	size_t n = 1 << 20; /* far beyond the pty's buffer */
	uint8_t *big = calloc(n, 1);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(serial_write(p, big, n, 50, &err), RIG_E_TIMEOUT);
	ck_assert_msg(strstr(err.msg, pp.spec) && strstr(err.msg, "of 1048576 bytes"),
		      "%s", err.msg);
	free(big);
	serial_close(p);
	pty_free(&pp);
}
END_TEST

/* ---- tcp:// ------------------------------------------------------------ */

/* A listener on 127.0.0.1 with an ephemeral port. */
static int tcp_listen(unsigned *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	socklen_t len = sizeof a;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

struct tcp_pair {
	int listener, server;
	char spec[64];
	struct serial_port *p;
};

static void tcp_make(struct tcp_pair *tp)
{
	unsigned port;
	tp->listener = tcp_listen(&port);
	snprintf(tp->spec, sizeof tp->spec, "tcp://127.0.0.1:%u", port);
	tp->p = open_ok(tp->spec, 921600);
	tp->server = accept(tp->listener, NULL, NULL);
	ck_assert_int_ge(tp->server, 0);
}

static void tcp_free(struct tcp_pair *tp)
{
	serial_close(tp->p);
	if (tp->server >= 0)
		close(tp->server);
	close(tp->listener);
}

START_TEST(test_tcp_round_trip_both_ways)
{
	struct tcp_pair tp;
	tcp_make(&tp);
	struct rig_err err = { 0 };
	ck_assert_int_eq(serial_write_str(tp.p, "PING\r", 1000, &err), RIG_OK);
	char seen[5];
	ck_assert_uint_eq(fd_read_exact(tp.server, seen, 5, 2000), 5);
	ck_assert_mem_eq(seen, "PING\r", 5);
	const uint8_t in[] = { 0x00, 0xff, 0x80, 'k' };
	fd_write_all(tp.server, in, sizeof in);
	uint8_t buf[4];
	size_t got = 0;
	ck_assert_int_eq(serial_read(tp.p, buf, sizeof buf, 2000, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 4);
	ck_assert_mem_eq(buf, in, 4);
	tcp_free(&tp);
}
END_TEST

START_TEST(test_tcp_read_timeout_returns_short_and_read_some_returns_early)
{
	struct tcp_pair tp;
	tcp_make(&tp);
	struct rig_err err = { 0 };
	fd_write_all(tp.server, "z", 1);
	uint8_t buf[8];
	size_t got = 99;
	uint64_t t0 = now_real_ns();
	ck_assert_int_eq(serial_read(tp.p, buf, sizeof buf, 50, &got, &err), RIG_OK);
	ck_assert_uint_ge(now_real_ns() - t0, 50 * RIG_NS_PER_MS);
	ck_assert_uint_eq(got, 1);
	ck_assert_int_eq(buf[0], 'z');
	fd_write_all(tp.server, "q", 1);
	ck_assert_int_eq(serial_read_some(tp.p, buf, sizeof buf, 60000, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 1);
	ck_assert_int_eq(buf[0], 'q');
	tcp_free(&tp);
}
END_TEST

START_TEST(test_tcp_flush_input_drains_what_is_there)
{
	struct tcp_pair tp;
	tcp_make(&tp);
	struct rig_err err = { 0 };
	fd_write_all(tp.server, "old junk", 8);
	/* The bytes are in the port's receive queue once the port's kernel
	 * has acknowledged them: the server's unacknowledged count drops to 0. */
	int unacked = -1;
	for (int i = 0; i < 2000 && unacked != 0; i++) {
		ck_assert_int_eq(ioctl(tp.server, SIOCOUTQ, &unacked), 0);
		if (unacked)
			usleep(1000);
	}
	ck_assert_int_eq(unacked, 0);
	uint8_t buf[16];
	size_t got = 0;
	ck_assert_int_eq(serial_flush_input(tp.p, &err), RIG_OK);
	fd_write_all(tp.server, "new", 3);
	ck_assert_int_eq(serial_read(tp.p, buf, 3, 2000, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 3);
	ck_assert_mem_eq(buf, "new", 3);
	tcp_free(&tp);
}
END_TEST

START_TEST(test_tcp_peer_close_is_io_error_naming_port)
{
	struct tcp_pair tp;
	tcp_make(&tp);
	struct rig_err err = { 0 };
	close(tp.server);
	tp.server = -1;
	uint8_t buf[4];
	size_t got = 99;
	ck_assert_int_eq(serial_read(tp.p, buf, sizeof buf, 2000, &got, &err), RIG_E_IO);
	ck_assert_uint_eq(got, 0);
	ck_assert_msg(strstr(err.msg, tp.spec) && strstr(err.msg, "closed"), "%s", err.msg);
	tcp_free(&tp);
}
END_TEST

START_TEST(test_tcp_connection_refused_is_unavailable_with_reason)
{
	unsigned port;
	int fd = tcp_listen(&port);
	close(fd); /* nobody listens on that port now */
	char spec[64];
	snprintf(spec, sizeof spec, "tcp://127.0.0.1:%u", port);
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	struct serial_settings s = serial_8n1(115200);
	ck_assert_int_eq(serial_open(&p, spec, &s, &real_hal, &err), RIG_E_UNAVAILABLE);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err.msg, spec) && strstr(err.msg, "Connection refused"),
		      "%s", err.msg);
}
END_TEST

START_TEST(test_tcp_bad_address_forms_are_config_errors)
{
	static const char *const bad[] = {
		"tcp://nocolon", "tcp://host:", "tcp://:4000", "tcp://host:0",
		"tcp://host:70000", "tcp://host:12ab", "tcp://::1:4000", "tcp://[::1]4000",
	};
	struct serial_settings s = serial_8n1(115200);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct serial_port *p = NULL;
		struct rig_err err = { 0 };
		ck_assert_msg(serial_open(&p, bad[i], &s, &real_hal, &err) == RIG_E_CONFIG,
			      "%s: %s", bad[i], err.msg);
		ck_assert_msg(strstr(err.msg, bad[i]), "%s", err.msg);
	}
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	serial_open(&p, "tcp://nocolon", &s, &real_hal, &err);
	ck_assert_msg(strstr(err.msg, "tcp://host:port"), "%s", err.msg);
}
END_TEST

START_TEST(test_tcp_ipv6_in_brackets_connects)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		/* No IPv6 loopback on this machine: nothing to connect to. */
		if (fd >= 0)
			close(fd);
		return;
	}
	ck_assert_int_eq(listen(fd, 1), 0);
	socklen_t len = sizeof a;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	char spec[64];
	snprintf(spec, sizeof spec, "tcp://[::1]:%u", ntohs(a.sin6_port));
	struct serial_port *p = open_ok(spec, 115200);
	int server = accept(fd, NULL, NULL);
	ck_assert_int_ge(server, 0);
	struct rig_err err = { 0 };
	ck_assert_int_eq(serial_write(p, "6", 1, 1000, &err), RIG_OK);
	char c;
	ck_assert_uint_eq(fd_read_exact(server, &c, 1, 2000), 1);
	ck_assert_int_eq(c, '6');
	serial_close(p);
	close(server);
	close(fd);
}
END_TEST

START_TEST(test_tcp_write_to_a_server_that_does_not_read_times_out)
{
	struct tcp_pair tp;
	tcp_make(&tp);
	struct rig_err err = { 0 };
	size_t n = 64u << 20; /* more than both socket buffers hold */
	uint8_t *big = calloc(n, 1);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(serial_write(tp.p, big, n, 100, &err), RIG_E_TIMEOUT);
	ck_assert_msg(strstr(err.msg, tp.spec) && strstr(err.msg, "bytes went out"),
		      "%s", err.msg);
	free(big);
	tcp_free(&tp);
}
END_TEST

/* ---- the dispatcher ---------------------------------------------------- */

START_TEST(test_bad_port_strings_list_the_accepted_forms)
{
	static const char *const bad[] = { "COM3", "ttyUSB0", "pty", "serial://x", "usb:1" };
	struct serial_settings s = serial_8n1(115200);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct serial_port *p = (struct serial_port *)&p;
		struct rig_err err = { 0 };
		ck_assert_int_eq(serial_open(&p, bad[i], &s, &real_hal, &err), RIG_E_CONFIG);
		ck_assert_ptr_null(p);
		ck_assert_msg(strstr(err.msg, bad[i]) && strstr(err.msg, "/dev/") &&
			      strstr(err.msg, "pty:") && strstr(err.msg, "tcp://") &&
			      strstr(err.msg, "sim:"), "%s", err.msg);
	}
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	ck_assert_int_eq(serial_open(&p, "", &s, &real_hal, &err), RIG_E_CONFIG);
	ck_assert_int_eq(serial_open(&p, NULL, &s, &real_hal, &err), RIG_E_CONFIG);
}
END_TEST

START_TEST(test_settings_are_validated_before_any_backend)
{
	struct {
		struct serial_settings s;
		const char *says;
	} bad[] = {
		{ { 0, 8, 'N', 1, SERIAL_FLOW_NONE }, "baud" },
		{ { 5000000, 8, 'N', 1, SERIAL_FLOW_NONE }, "baud" },
		{ { 9600, 4, 'N', 1, SERIAL_FLOW_NONE }, "data bits" },
		{ { 9600, 9, 'N', 1, SERIAL_FLOW_NONE }, "data bits" },
		{ { 9600, 8, 'X', 1, SERIAL_FLOW_NONE }, "parity" },
		{ { 9600, 8, 'n', 1, SERIAL_FLOW_NONE }, "parity" },
		{ { 9600, 8, 'N', 0, SERIAL_FLOW_NONE }, "stop bits" },
		{ { 9600, 8, 'N', 3, SERIAL_FLOW_NONE }, "stop bits" },
	};
	/* tcp:// to a port nobody listens on: reaching the backend would
	 * give RIG_E_UNAVAILABLE, not RIG_E_CONFIG. */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct serial_port *p = NULL;
		struct rig_err err = { 0 };
		ck_assert_int_eq(serial_open(&p, "tcp://127.0.0.1:1", &bad[i].s, &real_hal, &err),
				 RIG_E_CONFIG);
		ck_assert_msg(strstr(err.msg, bad[i].says) && strstr(err.msg, "tcp://127.0.0.1:1"),
			      "%zu: %s", i, err.msg);
	}
}
END_TEST

/* ---- libserialport (device paths) --------------------------------------- */

START_TEST(test_serialport_refuses_nonexistent_device_naming_it)
{
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	struct serial_settings s = serial_8n1(921600);
	ck_assert_int_eq(serial_open(&p, "/dev/rig-no-such-port", &s, &real_hal, &err),
			 RIG_E_UNAVAILABLE);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err.msg, "/dev/rig-no-such-port") &&
		      strstr(err.msg, "no such serial port"), "%s", err.msg);
}
END_TEST

START_TEST(test_serialport_on_a_pty_points_to_pty_scheme)
{
	struct pty_pair pp;
	pty_make(&pp);
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	struct serial_settings s = serial_8n1(115200);
	ck_assert_int_eq(serial_open(&p, pp.path, &s, &real_hal, &err), RIG_E_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, pp.spec), "%s", err.msg);
	pty_free(&pp);
}
END_TEST

/* ---- sim: on a virtual clock, with a tiny fake device ------------------ */

struct fake_dev {
	struct rig_clock *clk;
	uint8_t rx[16];
	uint64_t rx_at_ns[16];
	size_t rx_n, rx_pos;
	uint8_t tx[16];
	size_t tx_n;
	uint64_t tx_at_ns;
	struct serial_settings cfg;
	int configured;
};

static void fake_configure(void *dev, const struct serial_settings *s)
{
	struct fake_dev *f = dev;
	f->cfg = *s;
	f->configured++;
}

static void fake_host_write(void *dev, const uint8_t *buf, size_t n)
{
	struct fake_dev *f = dev;
	for (size_t i = 0; i < n && f->tx_n < sizeof f->tx; i++)
		f->tx[f->tx_n++] = buf[i];
	f->tx_at_ns = clock_now_ns(f->clk);
}

static size_t fake_host_read(void *dev, uint8_t *buf, size_t n)
{
	struct fake_dev *f = dev;
	uint64_t now = clock_now_ns(f->clk);
	size_t k = 0;
	while (k < n && f->rx_pos < f->rx_n && f->rx_at_ns[f->rx_pos] <= now)
		buf[k++] = f->rx[f->rx_pos++];
	return k;
}

static uint64_t fake_next_rx_ns(void *dev)
{
	struct fake_dev *f = dev;
	return f->rx_pos < f->rx_n ? f->rx_at_ns[f->rx_pos] : UINT64_MAX;
}

static const struct sim_serial_dev_ops fake_ops = {
	.configure = fake_configure,
	.host_write = fake_host_write,
	.host_read = fake_host_read,
	.next_rx_ns = fake_next_rx_ns,
};

static struct rig_vclock vc;
static struct fake_dev fake;
static struct sim_serial_dev fake_sdev = { .ops = &fake_ops, .dev = &fake, .name = "fake" };

static struct sim_serial_dev *resolve_serial(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "fake") == 0 ? &fake_sdev : NULL;
}

static const struct sim_resolver resolver = { .serial = resolve_serial };
static struct rig_hal sim_hal;

#define T0_NS (5 * RIG_NS_PER_S)

static void sim_setup(void)
{
	vclock_init(&vc, T0_NS);
	memset(&fake, 0, sizeof fake);
	fake.clk = &vc.base;
	sim_hal = (struct rig_hal){ .clock = &vc.base, .sim = &resolver };
}

static void fake_send_at(uint64_t t_ns, uint8_t byte)
{
	fake.rx_at_ns[fake.rx_n] = t_ns;
	fake.rx[fake.rx_n++] = byte;
}

static struct serial_port *sim_open_ok(void)
{
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	struct serial_settings s = serial_8n1(921600);
	ck_assert_msg(serial_open(&p, "sim:fake", &s, &sim_hal, &err) == RIG_OK, "%s", err.msg);
	return p;
}

START_TEST(test_sim_read_waits_in_bench_time_exactly_until_the_byte_arrives)
{
	fake_send_at(T0_NS + 7300000, 'A');
	fake_send_at(T0_NS + 9000001, 'B');
	struct serial_port *p = sim_open_ok();
	struct rig_err err = { 0 };
	uint8_t buf[4];
	size_t got = 0;
	ck_assert_int_eq(serial_read_some(p, buf, sizeof buf, 100, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 1);
	ck_assert_int_eq(buf[0], 'A');
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 7300000);
	ck_assert_int_eq(serial_read(p, buf, 1, 100, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 1);
	ck_assert_int_eq(buf[0], 'B');
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 9000001);
	serial_close(p);
}
END_TEST

START_TEST(test_sim_timeout_advances_virtual_clock_by_exactly_the_timeout)
{
	struct serial_port *p = sim_open_ok();
	struct rig_err err = { 0 };
	uint8_t buf[4];
	size_t got = 99;
	ck_assert_int_eq(serial_read(p, buf, sizeof buf, 25, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 0);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 25 * RIG_NS_PER_MS);
	/* A byte inside the window does not end a full read early. */
	fake_send_at(T0_NS + 30 * RIG_NS_PER_MS, 'x');
	ck_assert_int_eq(serial_read(p, buf, sizeof buf, 25, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 1);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 50 * RIG_NS_PER_MS);
	/* A byte due after the deadline stays for the next read. */
	fake_send_at(T0_NS + 80 * RIG_NS_PER_MS, 'y');
	ck_assert_int_eq(serial_read_some(p, buf, sizeof buf, 10, &got, &err), RIG_OK);
	ck_assert_uint_eq(got, 0);
	ck_assert_uint_eq(clock_now_ns(&vc.base), T0_NS + 60 * RIG_NS_PER_MS);
	serial_close(p);
}
END_TEST

START_TEST(test_sim_device_sees_settings_and_host_bytes)
{
	struct serial_port *p = sim_open_ok();
	struct rig_err err = { 0 };
	ck_assert_int_eq(fake.configured, 1);
	ck_assert_int_eq(fake.cfg.baud, 921600);
	vclock_advance_ns(&vc, 1234);
	ck_assert_int_eq(serial_write_str(p, "MEAS?\r", 100, &err), RIG_OK);
	ck_assert_uint_eq(fake.tx_n, 6);
	ck_assert_mem_eq(fake.tx, "MEAS?\r", 6);
	ck_assert_uint_eq(fake.tx_at_ns, T0_NS + 1234);
	fake_send_at(T0_NS, 'o');
	ck_assert_int_eq(serial_flush_input(p, &err), RIG_OK);
	ck_assert_uint_eq(fake.rx_pos, 1);
	serial_close(p);
}
END_TEST

START_TEST(test_sim_port_without_bench_or_device_is_unavailable)
{
	struct serial_port *p = NULL;
	struct rig_err err = { 0 };
	struct serial_settings s = serial_8n1(115200);
	ck_assert_int_eq(serial_open(&p, "sim:nobody", &s, &sim_hal, &err), RIG_E_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, "sim:nobody"), "%s", err.msg);
	struct rig_hal bare = { .clock = &vc.base };
	ck_assert_int_eq(serial_open(&p, "sim:fake", &s, &bare, &err), RIG_E_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, "no virtual bench"), "%s", err.msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serial");
	TCase *tc = tcase_create("pty");
	tcase_add_checked_fixture(tc, real_setup, NULL);
	tcase_add_test(tc, test_pty_round_trip_both_ways);
	tcase_add_test(tc, test_pty_read_timeout_returns_short_without_error);
	tcase_add_test(tc, test_pty_read_some_returns_as_soon_as_bytes_are_there);
	tcase_add_test(tc, test_pty_flush_input_discards_what_came);
	tcase_add_test(tc, test_pty_hangup_of_other_side_is_io_error_naming_port);
	tcase_add_test(tc, test_pty_bad_path_is_unavailable_naming_path);
	tcase_add_test(tc, test_pty_nonstandard_baud_is_refused_by_name);
	tcase_add_test(tc, test_pty_accepts_other_framing_and_flow);
	tcase_add_test(tc, test_pty_read_survives_signals_and_still_waits_the_timeout);
	tcase_add_test(tc, test_pty_write_nobody_reads_times_out);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp");
	tcase_add_checked_fixture(tc, real_setup, NULL);
	tcase_add_test(tc, test_tcp_round_trip_both_ways);
	tcase_add_test(tc, test_tcp_read_timeout_returns_short_and_read_some_returns_early);
	tcase_add_test(tc, test_tcp_flush_input_drains_what_is_there);
	tcase_add_test(tc, test_tcp_peer_close_is_io_error_naming_port);
	tcase_add_test(tc, test_tcp_connection_refused_is_unavailable_with_reason);
	tcase_add_test(tc, test_tcp_bad_address_forms_are_config_errors);
	tcase_add_test(tc, test_tcp_ipv6_in_brackets_connects);
	tcase_add_test(tc, test_tcp_write_to_a_server_that_does_not_read_times_out);
	suite_add_tcase(s, tc);

	tc = tcase_create("dispatch");
	tcase_add_checked_fixture(tc, real_setup, NULL);
	tcase_add_test(tc, test_bad_port_strings_list_the_accepted_forms);
	tcase_add_test(tc, test_settings_are_validated_before_any_backend);
	tcase_add_test(tc, test_serialport_refuses_nonexistent_device_naming_it);
	tcase_add_test(tc, test_serialport_on_a_pty_points_to_pty_scheme);
	suite_add_tcase(s, tc);

	tc = tcase_create("sim");
	tcase_add_checked_fixture(tc, sim_setup, NULL);
	tcase_add_test(tc, test_sim_read_waits_in_bench_time_exactly_until_the_byte_arrives);
	tcase_add_test(tc, test_sim_timeout_advances_virtual_clock_by_exactly_the_timeout);
	tcase_add_test(tc, test_sim_device_sees_settings_and_host_bytes);
	tcase_add_test(tc, test_sim_port_without_bench_or_device_is_unavailable);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
