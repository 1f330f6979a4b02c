/* hwemu.c - tests/hwemu/run's engine: a machine with a Raspberry Pi 4's
 * GPIO chip and two USB serial adapters, emulated by umockdev and the GPIO
 * shim (gpio_shim.c), all wired to the virtual bench running in real time.
 *
 *   hwemu SHIM COMMAND [ARG...]
 *
 * Builds the umockdev testbed (devices.h), creates the virtual bench, runs
 * COMMAND with libumockdev-preload and SHIM preloaded, and serves it until
 * it exits; exits with its status (128+N for a signal). The laser is behind
 * /dev/ttyUSB0 (/dev/rig-laser), the pen behind /dev/ttyUSB1 (/dev/rig-pen),
 * the HX711, e-stop, lid, start, relay, lamps and buzzer behind
 * /dev/gpiochip0 ("pinctrl-bcm2711", 58 lines) at the offsets of
 * fixtures/pi-bench.ini.
 *
 * The bench's physics matches the calibration of the fixture the command
 * names with --fixture (else HWEMU_FIXTURE, else fixtures/pi-bench.ini): a
 * freshly calibrated bench. Environment:
 *   HWEMU_SIM="k=v ..."    virtual bench parameters (docs/virtual-bench.md);
 *                          t=<s> faults count from the bench's start
 *   HWEMU_UNPLUG=ttyUSB1@S unplug that adapter S seconds after the start
 *   HWEMU_STALL=O:N:US     (the shim) stall after every N-th rise of line O
 *   HWEMU_STATS=FILE       write what the HX711 saw (power-downs...) there
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <umockdev.h>
#include <unistd.h>

#include "core/fixture.h"
#include "core/fsutil.h"
#include "devices.h"
#include "hwemu.h"
#include "sim/hx711.h"

/* Under make SANITIZE=1: GLib and umockdev keep a few allocations until
 * exit on purpose; they are not the rig's. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libglib-2.0.so\nleak:libgobject-2.0.so\nleak:libumockdev.so\n";
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RIG_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Bench time is CLOCK_MONOTONIC as the program's ioctls stamped it, less
 * the origin (so that the bench starts at 1 s, as an in-process one does,
 * and --sim fault.x=t=S means S s after the start): the clock moves to each
 * message's stamp before it is applied, and to the real now between
 * messages; never back. */
static uint64_t hc_now(struct rig_clock *c)
{
	return ((struct hw_clock *)c)->now_ns;
}

static void hc_sleep(struct rig_clock *c, uint64_t t_ns)
{
	hw_advance((struct hw_clock *)c, t_ns);
}

static const struct rig_clock_ops hc_ops = { .now_ns = hc_now, .sleep_until_ns = hc_sleep };

void hw_advance(struct hw_clock *c, uint64_t t_ns)
{
	if (t_ns > c->now_ns)
		c->now_ns = t_ns;
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "hwemu: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(70);
}

static const char *fixture_arg(char **argv)
{
	for (int i = 0; argv[i]; i++) {
		if (strcmp(argv[i], "--fixture") == 0 && argv[i + 1])
			return argv[i + 1];
		if (strncmp(argv[i], "--fixture=", 10) == 0)
			return argv[i] + 10;
	}
	const char *env = getenv("HWEMU_FIXTURE");
	return env && *env ? env : SRCDIR "/fixtures/pi-bench.ini";
}

static void add_param(struct sim_param *p, size_t *n, const char *key, double v)
{
	snprintf(p[*n].key, sizeof p[*n].key, "%s", key);
	snprintf(p[*n].value, sizeof p[*n].value, "%.17g", v);
	snprintf(p[*n].origin, sizeof p[*n].origin, "hwemu (the fixture's calibration)");
	(*n)++;
}

/* The bench: fixtures/sim.ini's physics, the calibration of the fixture
 * the command uses, then HWEMU_SIM. */
static void make_bench(struct hw *hw, const char *fixture)
{
	struct fixture sim, fx;
	struct rig_err err = { 0 };
	if (fixture_load(&sim, SRCDIR "/fixtures/sim.ini", &err) ||
	    fixture_load(&fx, fixture, &err))
		die("fixture", err.msg);
	char *extra = strdup(getenv("HWEMU_SIM") ? getenv("HWEMU_SIM") : "");
	size_t cap = sim.nsim + 8 + strlen(extra) / 2, n = sim.nsim;
	struct sim_param *p = calloc(cap, sizeof *p);
	if (!p || !extra)
		die("out of memory", NULL);
	memcpy(p, sim.sim, sim.nsim * sizeof *p);
	add_param(p, &n, "laser.zero_mm", fx.laser.zero_mm);
	add_param(p, &n, "loadcell.counts_per_n", fx.loadcell.scale_counts_per_n);
	add_param(p, &n, "loadcell.offset_counts", fx.loadcell.offset_counts);
	add_param(p, &n, "loadcell.rate_sps", (double)fx.loadcell.rate_sps);
	/* Time is the program's own: a GPIO call costs what it cost. */
	add_param(p, &n, "gpio.op_cost_us", 0);
	for (char *save = NULL, *kv = strtok_r(extra, " \t\n", &save); kv;
	     kv = strtok_r(NULL, " \t\n", &save))
		if (sim_param_parse(&p[n++], kv, &err))
			die("HWEMU_SIM", err.msg);
	hw->clock.base.ops = &hc_ops;
	hw->clock.origin_ns = mono_ns() - RIG_NS_PER_S;
	hw->clock.now_ns = RIG_NS_PER_S;
	hw->start_ns = hw->clock.now_ns;
	hw->hal.clock = &hw->clock.base;
	if (sim_bench_create(&hw->bench, &hw->hal, p, n, &err))
		die("virtual bench", err.msg);
	hw->hal.sim = &hw->bench->resolver;
	if (gpio_open_chip(&hw->chip, "sim:" SIM_CHIP_LABEL, &hw->hal, &err))
		die("virtual bench chip", err.msg);
	free(p);
	free(extra);
	fixture_free(&sim);
	fixture_free(&fx);
}

static struct sim_serial_dev *bench_serial(struct hw *hw, const char *name)
{
	for (unsigned i = 0; i < hw->bench->nmodels; i++) {
		struct sim_serial_dev *d = hw->bench->models[i].serial;
		if (d && strcmp(d->name, name) == 0)
			return d;
	}
	die("the virtual bench has no serial device", name);
	return NULL;
}

static void make_testbed(struct hw *hw)
{
	static const char *const links[][2] = { HW_LINKS };
	GError *gerr = NULL;
	hw->tb = umockdev_testbed_new();
	if (!umockdev_testbed_add_from_string(hw->tb, HW_DEV_LASER HW_DEV_PEN HW_DEV_CHIP, &gerr))
		die("umockdev", gerr->message);
	const char *root = umockdev_testbed_get_root_dir(hw->tb);
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		char path[4096], dir[4096];
		snprintf(path, sizeof path, "%s/dev/%s", root, links[i][0]);
		snprintf(dir, sizeof dir, "%s", path);
		*strrchr(dir, '/') = '\0';
		struct rig_err err = { 0 };
		if (rig_mkdir_p(dir, &err) || symlink(links[i][1], path) != 0)
			die("cannot make the udev link", path);
	}
	static const struct { const char *dev, *model, *sys; } ttys[] = {
		{ "/dev/ttyUSB0", "laser", "/sys" HW_LASER_USB },
		{ "/dev/ttyUSB1", "pen", "/sys" HW_PEN_USB },
	};
	for (unsigned i = 0; i < 2; i++) {
		struct hw_tty *t = &hw->tty[i];
		t->master = umockdev_testbed_get_dev_fd(hw->tb, ttys[i].dev);
		if (t->master < 0)
			die("umockdev made no pty for", ttys[i].dev);
		fcntl(t->master, F_SETFL, fcntl(t->master, F_GETFL) | O_NONBLOCK);
		/* Not inherited by the program: closing it must hang the line up. */
		fcntl(t->master, F_SETFD, FD_CLOEXEC);
		/* Held open so the line stays up while the program has it closed. */
		t->slave = open(ptsname(t->master), O_RDWR | O_NOCTTY | O_CLOEXEC);
		snprintf(t->name, sizeof t->name, "%s", ttys[i].dev + 5);
		snprintf(t->syspath, sizeof t->syspath, "%s", ttys[i].sys);
		t->dev = bench_serial(hw, ttys[i].model);
		t->unplug_ns = UINT64_MAX;
	}
}

static void parse_unplug(struct hw *hw)
{
	const char *u = getenv("HWEMU_UNPLUG");
	if (!u || !*u)
		return;
	char name[16];
	double s;
	if (sscanf(u, "%15[^@]@%lf", name, &s) != 2)
		die("HWEMU_UNPLUG: expected ttyUSBn@SECONDS, found", u);
	for (unsigned i = 0; i < 2; i++)
		if (strcmp(hw->tty[i].name, name) == 0) {
			hw->tty[i].unplug_ns = hw->start_ns + (uint64_t)(s * 1e9);
			return;
		}
	die("HWEMU_UNPLUG: no such adapter", name);
}

/* The adapter leaves the bus: its tty hangs up, its sysfs device goes. */
static void unplug(struct hw *hw, struct hw_tty *t)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	dup2(null, t->master); /* closes the pty master: the slave hangs up */
	close(null);
	close(t->slave);
	t->slave = -1;
	t->gone = true;
	umockdev_testbed_uevent(hw->tb, t->syspath, "remove");
	umockdev_testbed_remove_device(hw->tb, t->syspath);
	fprintf(stderr, "hwemu: unplugged %s\n", t->name);
}

static void pump_ttys(struct hw *hw)
{
	uint8_t buf[4096];
	for (unsigned i = 0; i < 2; i++) {
		struct hw_tty *t = &hw->tty[i];
		if (t->gone)
			continue;
		if (hw->clock.now_ns >= t->unplug_ns) {
			unplug(hw, t);
			continue;
		}
		ssize_t got;
		while ((got = read(t->master, buf, sizeof buf)) > 0)
			t->dev->ops->host_write(t->dev->dev, buf, (size_t)got);
		size_t n;
		while ((n = t->dev->ops->host_read(t->dev->dev, buf, sizeof buf)) > 0) {
			ssize_t w = write(t->master, buf, n);
			if (w < (ssize_t)n)
				t->dropped += n - (w > 0 ? (size_t)w : 0);
		}
	}
}

static void write_stats(struct hw *hw)
{
	const char *path = getenv("HWEMU_STATS");
	if (!path || !*path)
		return;
	struct sim_hx711_stats st;
	sim_hx711_get_stats(hw->bench, &st);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "hx711.conversions %llu\nhx711.power_downs %llu\nhx711.comm_errors %llu\n"
		"hx711.short_phases %llu\ngpio.requests %u\nbench.pen_power %d\n",
		(unsigned long long)st.conversions, (unsigned long long)st.power_downs,
		(unsigned long long)st.comm_errors, (unsigned long long)st.short_phases,
		hw->nrequests, (int)hw->bench->pen_power);
	fclose(f);
}

static int listen_socket(char *name, size_t cap)
{
	snprintf(name, cap, "rig-hwemu-%d", (int)getpid());
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	memcpy(a.sun_path + 1, name, len);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a,
			   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) ||
	    listen(fd, 8))
		die("cannot listen on the bench socket", strerror(errno));
	return fd;
}

static pid_t spawn(char *shim, char **argv, const char *sock)
{
	char preload[8192];
	const char *old = getenv("LD_PRELOAD");
	snprintf(preload, sizeof preload, "%s:libumockdev-preload.so.0%s%s", shim,
		 old && *old ? ":" : "", old && *old ? old : "");
	pid_t pid = fork();
	if (pid < 0)
		die("fork", strerror(errno));
	if (pid == 0) {
		setenv("LD_PRELOAD", preload, 1);
		setenv(HW_ENV_SOCK, sock, 1);
		/* A sanitizer build wants its runtime first; the preloads are
		 * ahead of it on purpose. */
		const char *asan = getenv("ASAN_OPTIONS");
		char opts[1024];
		snprintf(opts, sizeof opts, "%s%sverify_asan_link_order=0", asan ? asan : "",
			 asan && *asan ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "hwemu: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: hwemu SHIM COMMAND [ARG...]\n");
		return 64;
	}
	signal(SIGPIPE, SIG_IGN);
	/* The bench answers the program's GPIO reads: on a loaded machine it
	 * must not wait behind other processes, or every HX711 read outlasts
	 * a quarter period and is discarded (the rig reads under SCHED_FIFO
	 * itself when it may). Not inherited by the program. */
	struct sched_param sp = { .sched_priority = 40 };
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) != 0)
		fprintf(stderr, "hwemu: running without SCHED_FIFO (%s): on a loaded machine "
			"HX711 reads may be discarded for timing\n", strerror(errno));
	struct hw *hw = calloc(1, sizeof *hw);
	if (!hw)
		die("out of memory", NULL);
	make_bench(hw, fixture_arg(argv + 2));
	make_testbed(hw);
	parse_unplug(hw);
	char sock[64];
	hw->listen_fd = listen_socket(sock, sizeof sock);
	pid_t child = spawn(argv[1], argv + 2, sock);
	int status = 0;
	for (;;) {
		hw_advance(&hw->clock, mono_ns() - hw->clock.origin_ns);
		sim_bench_sync(hw->bench);
		pump_ttys(hw);
		hw_gpio_poll_edges(hw);
		if (waitpid(child, &status, WNOHANG) == child)
			break;
		hw_gpio_serve(hw, 1000000); /* at most 1 ms: a serial line delivers in bursts */
	}
	write_stats(hw);
	hw_gpio_close(hw);
	gpio_close_chip(hw->chip);
	sim_bench_destroy(hw->bench);
	g_object_unref(hw->tb);
	free(hw);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
