/* cmd_sim.c - `rig sim`: the virtual bench on its own, in real time, with
 * the pen and the laser on pseudo-terminals that any terminal program (or
 * a rig with pty: ports) can open. Prints "pen /dev/pts/N" and
 * "laser /dev/pts/M", then runs until SIGINT or SIGTERM; then prints how
 * late it fell behind real time at worst, and what the laser's last stream
 * sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "bench/bench.h"
#include "core/clock.h"
#include "core/paths.h"
#include "sim/bench.h"
#include "sim/laser.h"


struct pty_dev {
	struct sim_serial_dev *dev;
	int master, slave; /* the slave stays open so the line never hangs up */
	char path[64];
	unsigned long long dropped; /* bytes lost because nobody was reading */
};

/* The only state a signal handler may touch. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int open_pty(struct pty_dev *p)
{
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->master < 0 || grantpt(p->master) || unlockpt(p->master))
		return -1;
	const char *name = ptsname(p->master);
	if (!name)
		return -1;
	snprintf(p->path, sizeof p->path, "%s", name);
	p->slave = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0)
		return -1;
	/* Raw from the start: an echoing slave would send the device's own
	 * bytes back to it. */
	struct termios t;
	if (tcgetattr(p->slave, &t))
		return -1;
	cfmakeraw(&t);
	return tcsetattr(p->slave, TCSANOW, &t);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig sim [--fixture F] [--sim key=value]...\n"
		"\n"
		"Runs the virtual bench in real time with the pen and the laser on\n"
		"pseudo-terminals. Prints one line per device, 'pen /dev/pts/N' and\n"
		"'laser /dev/pts/M', then runs until SIGINT or SIGTERM. The laser\n"
		"streams from the start, like a real one at factory settings; the pen\n"
		"is powered. Name the ptys in a fixture as pty:/dev/pts/N ports.\n"
		"On exit it prints 'late X ms' (the furthest its bytes fell behind\n"
		"real time) and 'laser N values, D bytes dropped' (the values of the\n"
		"stream the host started last with OUTPUT RS422, and the bytes the\n"
		"laser's pty refused because nobody read them).\n"
		"\n"
		"  -f, --fixture F      fixture with a [sim] section (default %s)\n"
		"  -s, --sim KEY=VALUE  override a virtual bench parameter (repeatable)\n"
		"  -h, --help           this text\n",
		rig_default_fixture());
}

/* The furthest behind so far: late_max, or t - due if the loop meant to be
 * there at due (0: no wait yet) and came later than that. */
static uint64_t later(uint64_t late_max, uint64_t due, uint64_t t)
{
	return due && t > due && t - due > late_max ? t - due : late_max;
}

int cmd_sim(int argc, char **argv, struct cli_ctx *cx)
{
	int code = cli_parse_plain(cx, argc, argv, usage);
	if (code >= 0)
		return code;

	/* The virtual bench alone, in real time: the rig on the other end of
	 * the pseudo-terminals is another process. */
	struct bench bench;
	int exit_code = cli_open_bench(cx, &bench, BENCH_REAL_CLOCK | BENCH_NEED_SIM);
	if (exit_code) {
		bench_close(&bench);
		return exit_code;
	}
	struct sim_bench *b = bench.sim;
	struct pty_dev ptys[SIM_MAX_MODELS];
	unsigned n = 0;
	for (unsigned i = 0; i < b->nmodels; i++) {
		if (!b->models[i].serial)
			continue;
		struct pty_dev *p = &ptys[n];
		memset(p, 0, sizeof *p);
		p->master = p->slave = -1;
		p->dev = b->models[i].serial;
		n++;
		if (open_pty(p)) {
			cli_error("sim", "cannot create a pseudo-terminal for %s: %s",
				  p->dev->name, strerror(errno));
			exit_code = RIG_EXIT_OSERR;
			goto out;
		}
		/* The device speaks at its own settings; a pty has no baud. */
		printf("%s %s\n", p->dev->name, p->path);
	}
	fflush(stdout);
	sim_bench_power_pen(b, true);

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct pollfd pfd[SIM_MAX_MODELS];
	uint8_t buf[4096];
	/* How far behind real time the devices' bytes went out at worst: the
	 * loop woke, or finished writing, that long after it meant to. */
	uint64_t due = 0, late_max_ns = 0;
	while (!stop_signal) {
		sim_bench_sync(b);
		uint64_t now = clock_now_ns(bench.hal.clock);
		late_max_ns = later(late_max_ns, due, now);
		uint64_t next = now + 20 * RIG_NS_PER_MS;
		for (unsigned i = 0; i < n; i++) {
			struct pty_dev *p = &ptys[i];
			size_t got;
			while ((got = p->dev->ops->host_read(p->dev->dev, buf, sizeof buf)) > 0) {
				ssize_t w = write(p->master, buf, got);
				if (w < (ssize_t)got)
					p->dropped += got - (w > 0 ? (size_t)w : 0);
			}
			uint64_t t = p->dev->ops->next_rx_ns(p->dev->dev);
			if (t < next)
				next = t;
			pfd[i] = (struct pollfd){ .fd = p->master, .events = POLLIN };
		}
		uint64_t done = clock_now_ns(bench.hal.clock);
		late_max_ns = later(late_max_ns, due, done);
		/* Wake for the next byte due, but at most every millisecond:
		 * a serial line delivers in small bursts anyway. */
		uint64_t wait_ns = next > now ? next - now : 0;
		if (wait_ns < RIG_NS_PER_MS)
			wait_ns = RIG_NS_PER_MS;
		struct timespec ts = rig_timespec_ns(wait_ns);
		due = now + wait_ns;
		int r = ppoll(pfd, n, &ts, NULL);
		if (r < 0 && errno != EINTR) {
			cli_error("sim", "poll: %s", strerror(errno));
			exit_code = RIG_EXIT_OSERR;
			break;
		}
		for (unsigned i = 0; r > 0 && i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			ssize_t got = read(ptys[i].master, buf, sizeof buf);
			if (got > 0) {
				sim_bench_sync(b);
				ptys[i].dev->ops->host_write(ptys[i].dev->dev, buf, (size_t)got);
			}
		}
	}
	/* The last wake counts too: stopped or starved in its wait and then
	 * ended by a signal, the loop never came round to measure it. */
	uint64_t end = clock_now_ns(bench.hal.clock);
	late_max_ns = later(late_max_ns, due, end);
	if (stop_signal)
		fprintf(stderr, "rig sim: stopped by signal %d\n", (int)stop_signal);
	printf("late %.1f ms\n", (double)late_max_ns / 1e6);
	/* What the laser's last stream put on its pty, so a client can check
	 * that it decoded every value (tests/test_sim_pty.c). */
	struct sim_laser *laser = sim_bench_model(b, "laser");
	for (unsigned i = 0; laser && i < n; i++)
		if (!strcmp(ptys[i].dev->name, "laser"))
			printf("laser %llu values, %llu bytes dropped\n",
			       (unsigned long long)sim_laser_stream_values(laser), ptys[i].dropped);
	fflush(stdout);
out:
	for (unsigned i = 0; i < n; i++) {
		if (ptys[i].dropped)
			fprintf(stderr, "rig sim: %s: %llu bytes dropped while nobody read %s\n",
				ptys[i].dev->name, ptys[i].dropped, ptys[i].path);
		if (ptys[i].slave >= 0)
			close(ptys[i].slave);
		if (ptys[i].master >= 0)
			close(ptys[i].master);
	}
	bench_close(&bench);
	return exit_code;
}
