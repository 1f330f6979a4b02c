/* cmd_monitor.c - `rig monitor`: live readings for setting up a fixture:
 * laser distance and needle extension, force on the pad, pen status.
 * One line per reading when stdout is not a terminal; on a terminal the
 * line is rewritten in place.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "core/ini_schema.h"
#include "core/paths.h"

/* Samples per read at most. A read returns what has arrived (on the
 * virtual bench one sample, 0.25 ms), and e-stop and lid are looked at
 * after every read; only a backlog is read in bigger bites. Smaller bites
 * would make the laser driver's arrival-rate check see a backlog as a slow
 * sensor. */
#define LASER_CHUNK 256

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig monitor [--fixture F] [--sim key=value]... [--count N]\n"
		"                   [--interval-ms MS] [--depth-um D --freq-hz F]\n"
		"\n"
		"Live readings for setting up a fixture, one per interval: laser\n"
		"distance (mean, and the closest point), needle extension past the\n"
		"contact plane (zero_mm - distance), force on the pad, pen status.\n"
		"With --depth-um and --freq-hz the pen runs at that setting.\n"
		"\n"
		"  -f, --fixture F      fixture (default %s)\n"
		"  -s, --sim KEY=VALUE  override a virtual bench parameter (repeatable)\n"
		"  -n, --count N        stop after N readings (default: until Ctrl-C)\n"
		"  -i, --interval-ms MS time per reading, 50..10000 (default 500)\n"
		"  -d, --depth-um D     run the pen at this commanded depth\n"
		"  -r, --freq-hz F      ... and this commanded stroke rate\n"
		"  -h, --help           this text\n",
		rig_default_fixture());
}

static bool parse_num(const char *s, double lo, double hi, double *out)
{
	double v;
	if (!ini_parse_number(s, &v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

struct window {
	double sum_mm, min_mm, max_mm;
	size_t ok, bad;
};

/* Read ms of laser samples, checking e-stop and lid after every chunk (a
 * trip cuts pen power at once). */
static enum rig_rc read_window(struct bench *b, unsigned ms, struct window *w,
			       struct rig_err *err)
{
	struct laser *l = b->d.laser;
	double rate_hz = b->fx.laser.rate_hz;
	struct laser_sample buf[LASER_CHUNK];
	size_t want = (size_t)(rate_hz * ms / 1000.0), got_total = 0;
	*w = (struct window){ .min_mm = INFINITY, .max_mm = -INFINITY };
	while (got_total < want) {
		size_t n;
		size_t cap = want - got_total < LASER_CHUNK ? want - got_total : LASER_CHUNK;
		enum rig_rc rc = laser_read(l, buf, cap, 500, &n, err);
		if (rc || (rc = bench_check_safety(b, err)))
			return rc;
		for (size_t i = 0; i < n; i++) {
			if (buf[i].status != LASER_OK) {
				w->bad++;
				continue;
			}
			w->ok++;
			w->sum_mm += buf[i].dist_mm;
			w->min_mm = fmin(w->min_mm, buf[i].dist_mm);
			w->max_mm = fmax(w->max_mm, buf[i].dist_mm);
		}
		got_total += n;
	}
	return RIG_OK;
}

int cmd_monitor(int argc, char **argv, struct cli_ctx *cx)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "depth-um", required_argument, NULL, 'd' },
		{ "freq-hz", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double count = 0, interval_ms = 500, depth_um = -1, freq_hz = -1;
	int c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "n:i:d:r:h", opts)) != -1) {
		switch (c) {
		case 'n':
			if (!parse_num(optarg, 1, 1e9, &count) || count != floor(count)) {
				cli_error("monitor", "--count: expected a whole number >= 1, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		case 'i':
			if (!parse_num(optarg, 50, 10000, &interval_ms)) {
				cli_error("monitor", "--interval-ms: expected 50..10000, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		case 'd':
			if (!parse_num(optarg, 0, 10000, &depth_um)) {
				cli_error("monitor", "--depth-um: expected 0..10000, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		case 'r':
			if (!parse_num(optarg, 1, 1000, &freq_hz)) {
				cli_error("monitor", "--freq-hz: expected 1..1000, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		default: return cli_opt_other(c, usage);
		}
	}
	int code = cli_no_operands(cx, argc, argv);
	if (code >= 0)
		return code;
	if ((depth_um >= 0) != (freq_hz >= 0)) {
		cli_error("monitor", "--depth-um and --freq-hz go together");
		return RIG_EXIT_USAGE;
	}

	struct bench b;
	struct rig_err err = { 0 };
	enum rig_rc rc;
	/* Readings for a person setting up a fixture come at the pace they are
	 * asked for, on the virtual bench too (its own clock would run them
	 * hundreds of times too fast to watch). */
	code = cli_open_bench(cx, &b, BENCH_REAL_CLOCK);
	if (code) {
		bench_close(&b);
		return code;
	}
	struct bench_devices *d = &b.d;
	if ((rc = bench_devices_open(&b, DEV_ALL, &err)))
		goto out;
	bool run_pen = depth_um >= 0;
	if (run_pen && ((rc = pen_set_depth_um(d->pen, depth_um, &err)) ||
			(rc = pen_set_freq_hz(d->pen, freq_hz, &err)) ||
			(rc = pen_set_motor(d->pen, true, &err))))
		goto out;
	if ((rc = laser_start(d->laser, &err)))
		goto out;

	bool tty = isatty(STDOUT_FILENO);
	double zero_mm = b.fx.laser.zero_mm;
	if (!tty)
		printf("t_s,dist_mean_mm,dist_min_mm,extension_max_um,invalid,force_n,motor,depth_cmd_um,freq_cmd_hz\n");
	uint64_t t0 = clock_now_ns(b.hal.clock);
	for (unsigned long i = 0; count == 0 || i < (unsigned long)count; i++) {
		struct window w;
		double force_n = NAN, dcmd = NAN, fcmd = NAN;
		bool motor = false;
		if ((rc = read_window(&b, (unsigned)interval_ms, &w, &err)) ||
		    (rc = loadcell_read_force_n(d->loadcell, &force_n, &err)) ||
		    (rc = pen_get_motor(d->pen, &motor, &err)) ||
		    (rc = pen_get_depth_um(d->pen, &dcmd, &err)) ||
		    (rc = pen_get_freq_hz(d->pen, &fcmd, &err)) ||
		    (rc = bench_check_safety(&b, &err)))
			goto out;
		double t_s = (double)(clock_now_ns(b.hal.clock) - t0) / 1e9;
		char dist[32] = "", dmin[32] = "", ext[32] = "";
		if (w.ok) {
			snprintf(dist, sizeof dist, "%.4f", w.sum_mm / (double)w.ok);
			snprintf(dmin, sizeof dmin, "%.4f", w.min_mm);
			snprintf(ext, sizeof ext, "%.1f", (zero_mm - w.min_mm) * 1000.0);
		}
		if (tty) {
			printf("\r%7.2f s  distance %s mm (closest %s)  extension %s um  "
			       "invalid %zu  force %.3f N  motor %s %g um %g Hz   ",
			       t_s, w.ok ? dist : "--", w.ok ? dmin : "--", w.ok ? ext : "--",
			       w.bad, force_n, motor ? "on" : "off", dcmd, fcmd);
		} else {
			printf("%.3f,%s,%s,%s,%zu,%.4f,%d,%g,%g\n", t_s, dist, dmin, ext, w.bad,
			       force_n, motor, dcmd, fcmd);
		}
		fflush(stdout);
	}
	if (tty)
		putchar('\n');
out:
	bench_close(&b);
	if (rc)
		cli_error("monitor", "%s", err.msg);
	return cli_exit_code(rc);
}
