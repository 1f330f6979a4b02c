/* cmd_zero.c - `rig zero`: the laser's zero plane from a flat reference at
 * the contact plane, written into the fixture as laser.zero_mm and
 * laser.zero_date. Depth of a stroke = zero - the stroke's nearest reading.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "core/ini_edit.h"
#include "dev/laser/laser.h"

#define DEFAULT_SAMPLES 4000
#define READ_TIMEOUT_MS 200
/* A flat, matt reference reads within a few counts; more spread means a
 * bad surface, a tilted or moving reference, or a dirty window. */
#define MAX_SD_UM 5.0
/* Error codes or lost values allowed among the samples (1 %). */
#define MAX_BAD_PER_MILLE 10

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig zero [--fixture F] [--sim key=value]... [--samples N] [--yes]\n"
		"\n"
		"Measures the laser's zero plane: the operator puts the flat reference\n"
		"at the contact plane, the rig averages N valid laser readings, the\n"
		"operator puts the pen back, and laser.zero_mm and laser.zero_date are\n"
		"written into the fixture. Refused when more than 1 %% of the readings\n"
		"are error codes or lost, or their spread exceeds %.0f um.\n"
		"\n"
		"  -f, --fixture F      fixture file (default %s)\n"
		"  -s, --sim KEY=VALUE  override a virtual bench parameter (repeatable)\n"
		"  -n, --samples N      valid readings to average (default %d)\n"
		"  -y, --yes            operator steps are done without asking\n"
		"  -h, --help           this text\n",
		MAX_SD_UM, session_default_fixture(), DEFAULT_SAMPLES);
}

/* Measure the flat reference; the laser is open and quiet. */
static enum rig_rc measure_zero(struct laser *l, size_t n, struct laser_mean *m,
				struct rig_err *err)
{
	enum rig_rc rc = laser_start(l, err);
	if (rc)
		return rc;
	size_t max_bad = n * MAX_BAD_PER_MILLE / 1000;
	rc = laser_mean(l, n, max_bad, READ_TIMEOUT_MS, m, err);
	enum rig_rc rc_stop = laser_stop(l, rc ? NULL : err);
	if (rc)
		return rc;
	if (rc_stop)
		return rc_stop;
	if (m->sd_um > MAX_SD_UM)
		return rig_fail(err, RIG_E_DEVICE,
				"the flat reference reads %.6f mm with a spread of %.2f um "
				"(at most %.1f um allowed, range %.6f..%.6f mm): is it seated, "
				"still and clean?", m->mean_mm, m->sd_um, MAX_SD_UM, m->min_mm,
				m->max_mm);
	return RIG_OK;
}

int cmd_zero(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fixture", required_argument, NULL, 'f' },
		{ "sim", required_argument, NULL, 's' },
		{ "samples", required_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fixture = NULL;
	char *sims[CLI_MAX_SIM];
	size_t nsims = 0;
	long samples = DEFAULT_SAMPLES;
	bool yes = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:s:n:yh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fixture = optarg; break;
		case 's':
			if (!cli_add_sim("zero", sims, &nsims, optarg))
				return RIG_EXIT_USAGE;
			break;
		case 'n': {
			char *end;
			samples = strtol(optarg, &end, 10);
			if (*end || end == optarg || samples < 10 || samples > 10000000) {
				cli_error("zero", "--samples: expected 10..10000000, found '%s'", optarg);
				return RIG_EXIT_USAGE;
			}
			break;
		}
		case 'y': yes = true; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("zero", "unexpected argument '%s'", argv[optind]);
		return RIG_EXIT_USAGE;
	}

	struct rig_session s;
	struct rig_err err = { 0 };
	struct serial_port *port = NULL;
	struct laser *l = NULL;
	enum rig_rc rc = session_open(&s, fixture, sims, nsims, &err);
	if (rc) {
		cli_error("zero", "%s", err.msg);
		return rig_exit_code(rc);
	}
	s.assume_yes = yes;
	const struct fixture_laser *fl = &s.fx.laser;
	struct serial_settings ss = serial_8n1(fl->baud);
	struct laser_settings ls = {
		.range_mm = fl->range_mm, .rate_hz = fl->rate_hz, .baud = fl->baud,
	};
	struct laser_mean m;
	if ((rc = serial_open(&port, fl->port, &ss, &s.hal, &err)) ||
	    (rc = laser_open(&l, port, &ls, &err)) ||
	    (rc = session_operator(&s, OPERATOR_PLACE_FLAT, 0, &err)) ||
	    (rc = measure_zero(l, (size_t)samples, &m, &err)) ||
	    (rc = session_operator(&s, OPERATOR_RESTORE_PEN, 0, &err)))
		goto out;

	char value[32], date[11];
	snprintf(value, sizeof value, "%.6f", m.mean_mm);
	ini_today(date);
	const struct ini_edit edits[] = {
		{ "laser", "zero_mm", value },
		{ "laser", "zero_date", date },
	};
	if ((rc = fixture_commit(s.fx.path, edits, 2, "rig zero", &err)))
		goto out;
	printf("laser zero: %s mm (was %.6f mm, change %+.1f um), spread %.2f um, "
	       "%zu readings, %zu error codes, %zu lost; written to %s\n",
	       value, fl->zero_mm, (m.mean_mm - fl->zero_mm) * 1000.0, m.sd_um,
	       m.n_ok, m.n_error, m.n_lost, s.fx.path);
out:
	if (rc)
		cli_error("zero", "%s", err.msg);
	laser_close(l);
	serial_close(port);
	session_close(&s);
	return rc ? rig_exit_code(rc) : RIG_EXIT_PASS;
}
