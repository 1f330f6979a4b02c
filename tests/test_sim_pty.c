/* test_sim_pty.c - `rig sim` as an outside program sees it: its pen and
 * laser on pseudo-terminals, in real time, reached through the pty: serial
 * backend, and a whole `rig run` against it. These tests take real time
 * (a few seconds each). */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev/laser/laser.h"
#include "hal/serial.h"
#include "run/run.h"
#include "support/runbench.h"
#include "support/testutil.h"

extern char **environ;

static pid_t sim_pid;
static char pen_pty[80], laser_pty[80];
static char *dir;
static FILE *sim_out; /* rig sim's stdout */
/* What rig sim said at exit of the laser's last stream: values sent and
 * bytes its pty refused (-1: not said). */
static long long laser_sent = -1, laser_dropped = -1;

/* Start `rig sim` (with extra arguments) and read its two "device
 * /dev/pts/N" lines. */
static void start_sim(const char *extra);

static void setup(void)
{
	start_sim("");
}

/* A sensor whose clock runs 2 % slow. */
static void setup_slow_laser(void)
{
	start_sim("--sim laser.clock_ppm=-20000");
}

/* A sensor exposing 120 us. */
static void setup_exposure(void)
{
	start_sim("--sim laser.exposure_us=120");
}

/* A sensor exposing 250 us. */
static void setup_exposure_250(void)
{
	start_sim("--sim laser.exposure_us=250");
}

static void start_sim(const char *extra)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	/* posix_spawn, not fork: a plain fork() hangs under qemu-user, which
	 * runs these suites for cross builds. */
	const char *bin = getenv("RIG_BIN");
	const char *runner = getenv("RIG_RUNNER");
	char *cmd = NULL;
	ck_assert_int_ge(asprintf(&cmd, "exec %s %s sim --fixture %s/fixtures/sim.ini %s",
				  runner ? runner : "", bin ? bin : SRCDIR "/build/rig", SRCDIR,
				  extra),
			 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	char *argv[] = { "sh", "-c", cmd, NULL };
	ck_assert_int_eq(posix_spawn(&sim_pid, "/bin/sh", &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	free(cmd);
	close(fds[1]);
	FILE *out = fdopen(fds[0], "r");
	char line[128];
	for (int i = 0; i < 2 && fgets(line, sizeof line, out); i++) {
		char name[16], path[64];
		ck_assert_int_eq(sscanf(line, "%15s %63s", name, path), 2);
		if (!strcmp(name, "pen"))
			snprintf(pen_pty, sizeof pen_pty, "pty:%s", path);
		else if (!strcmp(name, "laser"))
			snprintf(laser_pty, sizeof laser_pty, "pty:%s", path);
	}
	sim_out = out;
	laser_sent = laser_dropped = -1;
	ck_assert_msg(pen_pty[0] && laser_pty[0], "rig sim did not name both ptys");
	dir = tu_tmpdir();
}

/* Stop rig sim; the furthest (ms) it fell behind real time, -1 unknown. */
static double stop_sim(void)
{
	double late_ms = -1;
	if (sim_pid > 0) {
		kill(sim_pid, SIGTERM);
		int st;
		waitpid(sim_pid, &st, 0);
		sim_pid = 0;
	}
	char line[128];
	while (sim_out && fgets(line, sizeof line, sim_out)) {
		sscanf(line, "late %lf ms", &late_ms);
		sscanf(line, "laser %lld values, %lld bytes dropped", &laser_sent, &laser_dropped);
	}
	if (sim_out)
		fclose(sim_out);
	sim_out = NULL;
	return late_ms;
}

/* After the driver's device error on the laser's arrival rate: stop rig
 * sim into *late_ms (how far it fell behind real time). Past the 20 ms of
 * transport delay the rig allows, the simulated laser did not keep its
 * rate and the rig was right: the case cannot be judged here; it is
 * skipped, saying so (msg, the rig's error), the devices closed, and true
 * is returned. */
static bool sim_fell_behind(struct laser *l, struct serial_port *p, const char *msg,
			    double *late_ms)
{
	*late_ms = stop_sim();
	if (*late_ms <= 20)
		return false;
	char why[640];
	snprintf(why, sizeof why, "rig sim fell %.1f ms behind real time "
		 "(a busy machine): the rig rightly saw %.500s", *late_ms, msg);
	tu_skip("test_sim_pty", 1, why);
	laser_close(l);
	serial_close(p);
	return true;
}

static void teardown(void)
{
	stop_sim();
	tu_rmtree(dir);
	free(dir);
}

/* Ask rig sim's pen *IDN? over its pty as a plain termios client and
 * return the reply's first line in reply (cap bytes). */
static void pen_idn(char *reply, size_t cap)
{
	struct rig_hal hal = { .clock = clock_real() };
	struct serial_settings s = serial_8n1(115200);
	struct serial_port *p;
	struct rig_err err = { 0 };
	ck_assert_msg(serial_open(&p, pen_pty, &s, &hal, &err) == RIG_OK, "%s", err.msg);
	size_t got = 0, n;
	reply[0] = '\0';
	/* The pen boots silently for 200 ms after rig sim powers it: ask
	 * again, as any client would, until it answers. */
	for (int tries = 0; tries < 10 && !got; tries++) {
		ck_assert_int_eq(serial_write_str(p, "*IDN?\n", 500, &err), RIG_OK);
		ck_assert_int_eq(serial_read_some(p, reply, cap - 1, 300, &got, &err), RIG_OK);
	}
	ck_assert_msg(got > 0, "no reply to *IDN? within 3 s");
	reply[got] = '\0';
	while (got < cap - 1 && !strchr(reply, '\n')) {
		ck_assert_int_eq(serial_read_some(p, reply + got, cap - 1 - got, 1000, &n, &err),
				 RIG_OK);
		ck_assert_msg(n > 0, "reply to *IDN? cut short: '%s'", reply);
		got += n;
		reply[got] = '\0';
	}
	serial_close(p);
}

START_TEST(test_sim_pen_answers_idn_from_a_plain_termios_client)
{
	char reply[128];
	pen_idn(reply, sizeof reply);
	ck_assert_str_eq(reply, "Dermatech,MN-300,MN3-000123,1.4.2\n");
}
END_TEST

/* Over a pty in real time, every value the laser's stream put on the line
 * is decoded, in order: slots 0, 1, 2, ... with no gap, no duplicate and
 * no lost or bad value, and as many as rig sim says it sent. How fast they
 * came is printed, not judged: the wall clock of a shared machine is no
 * measure of the simulator (the driver's own rate check has its cases
 * below and in test_laser.c on the virtual clock). */
START_TEST(test_sim_laser_stream_is_decoded_whole_and_in_order)
{
	struct rig_hal hal = { .clock = clock_real() };
	struct serial_settings s = serial_8n1(921600);
	struct serial_port *p;
	struct laser *l;
	struct rig_err err = { 0 };
	ck_assert_msg(serial_open(&p, laser_pty, &s, &hal, &err) == RIG_OK, "%s", err.msg);
	struct laser_settings ls = { .range_mm = 10, .rate_hz = 4000, .baud = 921600 };
	ck_assert_msg(laser_open(&l, p, &ls, &err) == RIG_OK, "%s", err.msg);
	ck_assert_int_eq(laser_start(l, &err), RIG_OK);
	struct laser_sample buf[512];
	uint64_t t0 = clock_now_ns(hal.clock), t_stop = 0, slots = 0, at_stop = 0, bad = 0;
	bool stopped = false, paused = false, stalled = false;
	for (;;) {
		size_t n = 0;
		/* As on a loaded machine: rig sim stalls for 300 ms (its values
		 * come late, in a burst), and later this reader does for 150 ms
		 * (they wait in the pty). Every value must still come, once. */
		if (!paused && slots >= 1000) {
			ck_assert_int_eq(kill(sim_pid, SIGSTOP), 0);
			clock_sleep_ns(hal.clock, 300 * RIG_NS_PER_MS);
			ck_assert_int_eq(kill(sim_pid, SIGCONT), 0);
			paused = true;
		}
		if (!stalled && slots >= 2500) {
			clock_sleep_ns(hal.clock, 150 * RIG_NS_PER_MS);
			stalled = true;
		}
		/* The stream's end: OUTPUT NONE takes effect at its CR, after
		 * the last value; its reply follows and holds no value. */
		if (!stopped && slots >= 4000) {
			ck_assert_int_eq(serial_write_str(p, "OUTPUT NONE\r", 500, &err), RIG_OK);
			t_stop = clock_now_ns(hal.clock);
			at_stop = slots;
			stopped = true;
		}
		enum rig_rc rc = laser_read(l, buf, 512, 2000, &n, &err);
		if (stopped && (rc == RIG_E_TIMEOUT || rc == RIG_E_PROTOCOL))
			break; /* nothing but the reply came: the stream has ended */
		if (rc == RIG_E_DEVICE) {
			/* The driver judged the arrival rate (a real clock): as in
			 * the stalled reader's case, a rig sim that fell behind real
			 * time cannot be judged here. */
			double late_ms;
			if (sim_fell_behind(l, p, err.msg, &late_ms))
				return;
		}
		ck_assert_msg(rc == RIG_OK, "after %llu values: %s", (unsigned long long)slots,
			      err.msg);
		for (size_t i = 0; i < n; i++, slots++) {
			ck_assert_msg(buf[i].slot == slots, "value %llu came as slot %llu",
				      (unsigned long long)slots, (unsigned long long)buf[i].slot);
			bad += buf[i].status != LASER_OK;
		}
	}
	double secs = (double)(t_stop - t0) / 1e9;
	const struct ild1420_counters *c = laser_counters(l);
	unsigned long long lost = c->lost, values = c->values;
	laser_close(l);
	serial_close(p);
	double late_ms = stop_sim();
	ck_assert_msg(laser_sent >= 0, "rig sim did not say how many values it sent");
	if (laser_dropped > 0) {
		/* The pty was full: the reader stalled for seconds. */
		char why[160];
		snprintf(why, sizeof why, "the reader stalled: the laser's pty refused %lld bytes",
			 laser_dropped);
		tu_skip("test_sim_pty", 1, why);
		return;
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(lost, 0);
	ck_assert_uint_eq(values, slots);
	ck_assert_msg(slots == (uint64_t)laser_sent, "rig sim sent %lld values, %llu decoded",
		      laser_sent, (unsigned long long)slots);
	fprintf(stderr, "test_sim_pty: %llu values decoded whole (%llu after OUTPUT NONE); "
		"%llu in %.2f s of wall clock, %.0f/s, rig sim at most %.1f ms late (printed, "
		"not judged)\n", (unsigned long long)slots, (unsigned long long)(slots - at_stop),
		(unsigned long long)at_stop, secs, at_stop / secs, late_ms);
}
END_TEST

/* Over a pty in real time, the driver reads the sensor's shutter time
 * back when it connects; a fixture expecting another one is refused. */
/* rig sim's "late" is what lets the cases above tell a busy machine from
 * a slow laser. Stopped in its wait and ended by a signal before it ran
 * again, it never came round to measure that stop, and said "late" of
 * only what came before: under load (make check-trixie beside other
 * builds) the stream case's reader judged the rate just after the sim's
 * 300 ms stop, before the sim had run again, and failed a slow laser
 * (1828/s) that was this machine. */
START_TEST(test_sim_counts_a_stop_it_ended_in_as_late)
{
	/* Under make check-calendar this case read 5.0, 14.3, 22.8 and 6.0 ms:
	 * this process's 300 ms sleep had failed at once, as every absolute
	 * sleep in the tree did after test_edges.sh's closed-stdio run wrote
	 * over libfaketime's shared start time (tests/test_faketime.sh). The
	 * rig's clock now sleeps what is left; test_edges.sh no longer writes
	 * there. */
	char reply[128];
	pen_idn(reply, sizeof reply); /* rig sim is in its loop, its signals set */
	ck_assert_int_eq(kill(sim_pid, SIGSTOP), 0);
	clock_sleep_ns(clock_real(), 300 * RIG_NS_PER_MS);
	/* TERM waits while the process is stopped; CONT delivers it. */
	ck_assert_int_eq(kill(sim_pid, SIGTERM), 0);
	ck_assert_int_eq(kill(sim_pid, SIGCONT), 0);
	double late_ms = stop_sim();
	ck_assert_msg(late_ms >= 250, "rig sim said late %.1f ms after a 300 ms stop", late_ms);
}
END_TEST

START_TEST(test_shutter_time_is_read_back_over_a_pty)
{
	struct rig_hal hal = { .clock = clock_real() };
	struct serial_settings s = serial_8n1(921600);
	struct serial_port *p;
	struct laser *l = NULL;
	struct rig_err err = { 0 };
	ck_assert_msg(serial_open(&p, laser_pty, &s, &hal, &err) == RIG_OK, "%s", err.msg);
	struct laser_settings ls = { .range_mm = 10, .rate_hz = 4000, .baud = 921600,
				     .read_shutter = true, .exposure_us = 200 };
	ck_assert_int_eq(laser_open(&l, p, &ls, &err), RIG_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "shutter time of 120.0 us"), "%s", err.msg);
	ls.exposure_us = 0;
	ck_assert_msg(laser_open(&l, p, &ls, &err) == RIG_OK, "%s", err.msg);
	ck_assert_double_eq_tol(laser_info(l)->exposure_us, 120.0, 1e-9);
	laser_close(l);
	serial_close(p);
}
END_TEST

/* On a real clock, a laser 2 % slow is a device fault naming the rate,
 * within a few seconds, with the transport's latency allowed for. */
START_TEST(test_laser_2_percent_slow_over_a_pty_is_a_device_fault)
{
	struct rig_hal hal = { .clock = clock_real() };
	struct serial_settings s = serial_8n1(921600);
	struct serial_port *p;
	struct laser *l;
	struct rig_err err = { 0 };
	ck_assert_msg(serial_open(&p, laser_pty, &s, &hal, &err) == RIG_OK, "%s", err.msg);
	struct laser_settings ls = { .range_mm = 10, .rate_hz = 4000, .baud = 921600 };
	ck_assert_msg(laser_open(&l, p, &ls, &err) == RIG_OK, "%s", err.msg);
	ck_assert_int_eq(laser_start(l, &err), RIG_OK);
	struct laser_sample buf[512];
	uint64_t t0 = clock_now_ns(hal.clock);
	enum rig_rc rc = RIG_OK;
	while (!rc && clock_now_ns(hal.clock) - t0 < 20 * RIG_NS_PER_S) {
		size_t n;
		rc = laser_read(l, buf, 512, 500, &n, &err);
	}
	double secs = (double)(clock_now_ns(hal.clock) - t0) / 1e9;
	ck_assert_msg(rc == RIG_E_DEVICE && strstr(err.msg, "more than 1 %"),
		      "after %.1f s: rc %d: %s", secs, rc, err.msg);
	fprintf(stderr, "test_sim_pty: 2 %% slow laser caught after %.1f s: %s\n", secs, err.msg);
	laser_close(l);
	serial_close(p);
}
END_TEST

/* A reader that stalls (a busy machine) finds a backlog, not a slow
 * sensor: the rate is judged only at reads that drained the port. One
 * stall of 600 ms leaves more than the 4095 bytes a tty hands over in one
 * read (1/3 s at 4 kHz): such a read is no drain (under load a 150 ms
 * stall grew that long and the rig reported a slow laser). */
START_TEST(test_stalled_reader_is_not_taken_for_a_slow_laser)
{
	struct rig_hal hal = { .clock = clock_real() };
	struct serial_settings s = serial_8n1(921600);
	struct serial_port *p;
	struct laser *l;
	struct rig_err err = { 0 };
	ck_assert_msg(serial_open(&p, laser_pty, &s, &hal, &err) == RIG_OK, "%s", err.msg);
	struct laser_settings ls = { .range_mm = 10, .rate_hz = 4000, .baud = 921600 };
	ck_assert_msg(laser_open(&l, p, &ls, &err) == RIG_OK, "%s", err.msg);
	ck_assert_int_eq(laser_start(l, &err), RIG_OK);
	struct laser_sample buf[256];
	uint64_t t0 = clock_now_ns(hal.clock), slots = 0;
	for (int i = 0; clock_now_ns(hal.clock) - t0 < 3 * RIG_NS_PER_S; i++) {
		size_t n;
		enum rig_rc rc = laser_read(l, buf, 256, 500, &n, &err);
		double at_s = (double)(clock_now_ns(hal.clock) - t0) / 1e9;
		if (rc == RIG_E_DEVICE) {
			/* The rig judges the values that arrived: was rig sim late? */
			double late_ms;
			if (sim_fell_behind(l, p, err.msg, &late_ms))
				return;
			ck_abort_msg("after %.2f s (rig sim at most %.1f ms late): %s", at_s,
				     late_ms, err.msg);
		}
		ck_assert_msg(rc == RIG_OK, "after %.2f s: %s", at_s, err.msg);
		slots += n;
		if (i % 20 == 10)
			clock_sleep_ns(hal.clock, (i == 30 ? 600 : 150) * RIG_NS_PER_MS);
	}
	ck_assert_uint_gt(slots, 8000);
	laser_close(l);
	serial_close(p);
}
END_TEST

/* sim.ini with the pen and laser on rig sim's ptys, the laser's zero
 * dated today, and with ring set: a pad ring bound measured at 250 us,
 * dated 45 days ago (expired), and no exposure_us (the sensor's). */
static char *pty_fixture(bool ring)
{
	char *text = tu_read(SRCDIR "/fixtures/sim.ini");
	char pen_line[96], laser_line[96], zero_line[32], ring_line[160], today[11], old[11];
	snprintf(pen_line, sizeof pen_line, "port = %s", pen_pty);
	snprintf(laser_line, sizeof laser_line, "port = %s", laser_pty);
	/* The laser is behind a port now: its zero counts as a real one's and
	 * expires; date it today. */
	tu_date(today, 0);
	snprintf(zero_line, sizeof zero_line, "zero_date = %s", today);
	tu_date(old, 45);
	snprintf(ring_line, sizeof ring_line,
		 "clock_ppm = 50\nring_max_um = 3.5\nring_date = %s\nring_exposure_us = 250", old);
	const char *from[] = { "port = sim:pen", "port = sim:laser", "zero_date = 2026-11-21",
			       /* the virtual chip's ZERO_TARGET moves the in-process
				* laser's target only: rig sim's laser cannot see it */
			       "\nzero_target_line = ", "clock_ppm = 50" };
	const char *to[] = { pen_line, laser_line, zero_line, "\n;zero_target_line = ",
			     ring_line };
	int miss = tu_replace_each(&text, from, to, ring ? 5 : 4);
	ck_assert_msg(miss < 0, "sim.ini has no '%s'", miss < 0 ? "" : from[miss]);
	char *fx = tu_write(dir, "pty.ini", text);
	free(text);
	return fx;
}

/* The run's phases and progress lines, kept for a test to read (4 kB). */
static char said[4096];
static void keep_phase(void *ctx, const char *phase)
{
	(void)ctx;
	if (strlen(said) + strlen(phase) + 8 < sizeof said)
		strcat(strcat(strcat(said, "phase "), phase), "\n");
}

static void keep_progress(void *ctx, const char *phase, unsigned step, unsigned nsteps,
			  const char *text)
{
	(void)ctx, (void)step, (void)nsteps;
	if (strlen(said) + strlen(phase) + strlen(text) + 4 < sizeof said)
		strcat(strcat(strcat(strcat(said, phase), ": "), text), "\n");
}

/* A whole rig run of quick-p25 over rig sim's ptys (pty_fixture(ring));
 * its exit code, its phases and progress lines in said. */
static int run_over_ptys(bool ring, struct run_result *res)
{
	char *fx = pty_fixture(ring);
	char *out = NULL;
	ck_assert_int_ge(asprintf(&out, "%s/reports", dir), 0);
	said[0] = 0;
	static const struct run_observer obs = { .phase = keep_phase,
						 .progress = keep_progress };
	struct run_bench o = {
		.fixture = fx,
		.profile = SRCDIR "/tests/data/profiles/quick-p25.ini",
		.o = { .operator_name = "pty-test", .out_dir = out, .observer = &obs },
	};
	int code = run_bench(&o, res);
	free(fx);
	free(out);
	return code;
}

/* Over ptys the clock is real, and the load cell is bit-banged in real
 * time on the in-process virtual chip. An emulated CPU (RIG_RUNNER set)
 * stretches PD_SCK's high pulses past the HX711's 50 us, and the driver
 * rightly throws those reads away as preempted: a whole run (what) cannot
 * pass there. Skipped, said so and counted; true. */
static bool emulated(const char *what)
{
	const char *runner = getenv("RIG_RUNNER");
	if (!runner || !*runner)
		return false;
	char why[160];
	snprintf(why, sizeof why, "%s: emulation is too slow for the HX711's pulse timing", what);
	tu_skip("test_sim_pty", 1, why);
	return true;
}

/* A whole run over ptys stopped because a device said nothing in time
 * (the pen "no reply to 'SYST:ERR?' within 500 ms", judged a hung pen,
 * FAIL, at load 12 on 2026-12-02; the laser "no data for 250 ms") on a
 * machine too busy to keep real time: skipped (what: the case),
 * said so, counted; true. Busy means rig sim fell 100 ms or more behind
 * real time, or a 1-minute load of more than 4 runnable tasks a CPU (a
 * pty's kernel worker may wait then without rig sim seeing it: 82 ms was
 * seen at load 14 on 2 CPUs). Such a stop on a machine that was not busy
 * still fails, with both figures. */
static bool transport_starved(int code, const struct run_result *res, const char *what)
{
	bool pen_silent = strstr(res->reason, " pty:") && strstr(res->reason, "no reply to '");
	bool laser_silent = strstr(res->reason, "laser pty:") && strstr(res->reason, "no data for");
	if (code == 0 || !(pen_silent || laser_silent))
		return false;
	double late_ms = stop_sim(), load = -1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	getloadavg(&load, 1);
	char why[800];
	snprintf(why, sizeof why, "%s: rig sim at most %.1f ms late, load %.1f on %ld CPUs: %.500s",
		 what, late_ms, load, cpus, res->reason);
	if (late_ms < 100 && load <= 4.0 * (double)(cpus > 0 ? cpus : 1)) {
		fprintf(stderr, "test_sim_pty: not a busy machine: %s\n", why);
		return false;
	}
	tu_skip("test_sim_pty", 1, why);
	return true;
}

START_TEST(test_full_run_against_rig_sim_over_ptys_passes)
{
	if (emulated("the real-time full run"))
		return;
	struct run_result res;
	int code = run_over_ptys(false, &res);
	if (transport_starved(code, &res, "the real-time full run"))
		return;
	ck_assert_msg(code == 0, "exit %d: %s", code, res.reason);
	ck_assert(res.reported);
	char *rep = tu_read(res.report_path);
	ck_assert_ptr_nonnull(strstr(rep, "\"calibrate\",\"readback\",\"tables_after_reset\""));
	free(rep);
}
END_TEST

/* The fixture takes the sensor's exposure; the sensor reads back 120 us,
 * where the engine does not use the bound (measured at 250 us): its date
 * cannot make a figure wrong, and the run measures without it, saying so
 * as it starts. Before, "pad ring bound expired" stopped the run (exit 78)
 * before the laser was opened. */
START_TEST(test_expired_pad_ring_bound_not_used_at_the_sensors_exposure_does_not_stop_the_run)
{
	if (emulated("the real-time run with an unused ring bound"))
		return;
	struct run_result res;
	int code = run_over_ptys(true, &res);
	ck_assert_msg(!strstr(res.reason, "expired"), "exit %d: %s", code, res.reason);
	ck_assert_msg(strstr(said, "identify: pad ring bound not used: measured at 250 us, the "
				   "sensor's exposure is 120 us") && strstr(said, "phase preload\n"),
		      "%s", said);
	/* Past the bound, the rest is the real-time run: a stop on the
	 * machine's timing there (rig sim's laser starved: "no data for 250
	 * ms", seen at load 14 on 2026-12-01 in the full run above) is
	 * skipped on a busy machine, said so; any other stop fails. */
	if (transport_starved(code, &res, "the real-time run with an unused ring bound, past the bound"))
		return;
	ck_assert_msg(code == 0 && res.verdict == REPORT_PASS, "exit %d: %s", code, res.reason);
}
END_TEST

/* The same fixture, the sensor at 250 us: the run uses the bound there,
 * so its expired date stops the run as soon as the laser has told its
 * exposure, before the pen is driven, naming the exposure read back. */
START_TEST(test_expired_pad_ring_bound_used_at_the_sensors_exposure_is_refused)
{
	struct run_result res;
	int code = run_over_ptys(true, &res);
	ck_assert_msg(code == 78 && strstr(res.reason, "pad ring bound expired") &&
			      strstr(res.reason, "45 days ago") &&
			      strstr(res.reason, "at the sensor's exposure of 250 us, read back"),
		      "exit %d: %s", code, res.reason);
	ck_assert_str_eq(res.reason_code, "bench_calibration");
	ck_assert_int_eq(res.verdict, REPORT_ABORTED);
	ck_assert_msg(strstr(said, "identify: pad ring bound used: measured at the sensor's "
				   "exposure of 250 us") && strstr(said, "phase identify\n") &&
			      !strstr(said, "phase preload"), "%s", said);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sim_pty");
	TCase *tc = tcase_create("sim_pty");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_pen_answers_idn_from_a_plain_termios_client);
	tcase_add_test(tc, test_sim_laser_stream_is_decoded_whole_and_in_order);
	tcase_add_test(tc, test_stalled_reader_is_not_taken_for_a_slow_laser);
	tcase_add_test(tc, test_full_run_against_rig_sim_over_ptys_passes);
	tcase_add_test(tc, test_sim_counts_a_stop_it_ended_in_as_late);
	suite_add_tcase(s, tc);
	TCase *slow = tcase_create("slow_laser");
	tcase_set_timeout(slow, 60);
	tcase_add_checked_fixture(slow, setup_slow_laser, teardown);
	tcase_add_test(slow, test_laser_2_percent_slow_over_a_pty_is_a_device_fault);
	suite_add_tcase(s, slow);
	TCase *exposure = tcase_create("exposure");
	tcase_set_timeout(exposure, 60);
	tcase_add_checked_fixture(exposure, setup_exposure, teardown);
	tcase_add_test(exposure, test_shutter_time_is_read_back_over_a_pty);
	tcase_add_test(exposure,
		       test_expired_pad_ring_bound_not_used_at_the_sensors_exposure_does_not_stop_the_run);
	suite_add_tcase(s, exposure);
	TCase *exposure_250 = tcase_create("exposure_250");
	tcase_set_timeout(exposure_250, 60);
	tcase_add_checked_fixture(exposure_250, setup_exposure_250, teardown);
	tcase_add_test(exposure_250,
		       test_expired_pad_ring_bound_used_at_the_sensors_exposure_is_refused);
	suite_add_tcase(s, exposure_250);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
