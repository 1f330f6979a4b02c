/* fault_matrix.c - `make faults`: every fault of the virtual bench in every
 * phase of a production run where it can happen (and at a per-operation
 * probability where it strikes per byte, read or command), each a whole
 * `rig run` in-process; prints one table row per run and exits non-zero if
 * any row breaks a requirement (tests/support/faultrow.h says which).
 *
 *   fault_matrix [--seeds N] [--only SUBSTRING]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/faultrow.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif
#define FIXTURE SRCDIR "/fixtures/sim.ini"
#define PROFILE SRCDIR "/profiles/production-p25.ini"

struct fault_kind {
	const char *fault;
	enum fault_harm harm;
	const char *harmful_before;
	const char *p;       /* a per-operation variant, or NULL */
	enum fault_harm p_harm;
	const char *why;
	bool by_operation;
};

/* Why each fault is (not) harmless: the table's last column. */
static const struct fault_kind kinds[] = {
	{ "pen.silent", FAULT_HARMFUL, "report", "p=0.002", FAULT_HARMFUL,
	  "a lost command or reply: never PASS", true },
	{ "pen.garbage", FAULT_HARMLESS, NULL, "p=0.0005", FAULT_HARMLESS,
	  "noise between commands is flushed; in a reply it must be caught", false },
	{ "pen.nak", FAULT_HARMFUL, "report", "p=0.01", FAULT_HARMFUL,
	  "a refused command: never PASS", true },
	{ "pen.reboot", FAULT_HARMLESS, NULL, "p=0.005", FAULT_HARMLESS,
	  "motor stops, staging lost: PASS only if valid (idle: nothing lost)", false },
	{ "pen.stall", FAULT_HARMFUL, "report", NULL, 0, "rate collapses: never PASS", false },
	{ "pen.unreachable", FAULT_HARMLESS, NULL, NULL, 0,
	  "a jam only matters if the depth must still change: PASS only if valid", false },
	{ "laser.unplug", FAULT_HARMFUL, "report", NULL, 0, "no data: never PASS", false },
	{ "laser.no_target", FAULT_HARMFUL, "report", "p=0.001", FAULT_HARMLESS,
	  "no target: never PASS; rare error values (p=) within limits are", false },
	{ "laser.byte_drop", FAULT_HARMLESS, NULL, "p=0.00001", FAULT_HARMLESS,
	  "a lost byte costs one value (or one reply: abort)", false },
	{ "laser.byte_garbage", FAULT_HARMLESS, NULL, "p=0.00001", FAULT_HARMLESS,
	  "a stray byte costs one value (or one reply: abort)", false },
	{ "laser.rate_drift", FAULT_HARMFUL, "report", NULL, 0,
	  "sensor clock 5 % off: rates wrong: never PASS", false },
	{ "loadcell.stuck", FAULT_HARMFUL, "calibrate", NULL, 0,
	  "no preload reading: never PASS; unread after preload", false },
	{ "loadcell.glitch", FAULT_HARMLESS, NULL, "p=0.05", FAULT_HARMLESS,
	  "2^k-1 reads are discarded", false },
	{ "loadcell.powerdown", FAULT_HARMLESS, NULL, "p=0.1", FAULT_HARMLESS,
	  "a preempted read is timed and retried", false },
	{ "loadcell.drift", FAULT_HARMFUL, "calibrate", NULL, 0,
	  "preload wrong: never PASS; unread after preload", false },
	{ "estop", FAULT_ABORTS, NULL, NULL, 0, "must abort, power off", false },
	{ "lid_open", FAULT_ABORTS, NULL, NULL, 0, "must abort, power off", false },
	{ "disk_full", FAULT_NO_FOLDER, NULL, NULL, 0, "exit 74, journal kept", false },
	{ "readonly", FAULT_NO_FOLDER, NULL, NULL, 0, "exit 74, journal kept", false },
};

static const char *const phases[] = { "identify", "preload", "calibrate", "verify", "report" };

static void print_row(const struct fault_spec *s, uint64_t seed, const struct fault_outcome *o)
{
	char struck[32] = "-", report[96];
	if (o->struck)
		snprintf(struck, sizeof struck, "%.3f%s", o->struck_s,
			 o->hits > 1 ? "+" : "");
	if (o->reported)
		snprintf(report, sizeof report, "yes");
	else
		snprintf(report, sizeof report, "NO");
	printf("%-19s %-9s %4llu %-8s %4d %-7s %-7s %-5s %-4s %-8s %s%s\n", s->fault, s->when,
	       (unsigned long long)seed, struck, o->exit_code, o->verdict,
	       o->verdict[0] != 'P' ? "-" : o->valid ? "valid" : "INVALID",
	       o->motor_off && o->power_off ? "off" : "ON", fault_tables_name(o->tables),
	       o->harmless, o->ok ? "ok" : "BROKEN: ", o->ok ? "" : o->problem);
	if (o->exit_code == 74)
		printf("%-19s   exit 74%s: %s\n", "",
		       o->recovered ? " (journal recovered as ABORTED afterwards)" : "",
		       o->report_error);
	else
		printf("%-19s   report: %s; %s\n", "", report, s->why);
}

int main(int argc, char **argv)
{
	unsigned seeds = 1;
	const char *only = NULL;
	static const struct option opts[] = {
		{ "seeds", required_argument, NULL, 's' },
		{ "only", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 's')
			seeds = (unsigned)strtoul(optarg, NULL, 10);
		else if (ch == 'o')
			only = optarg;
		else
			return 64;
	}
	printf("%-19s %-9s %4s %-8s %4s %-7s %-7s %-5s %-4s %-8s %s\n", "fault", "when", "seed",
	       "struck_s", "exit", "verdict", "values", "motor", "tbls", "harmless",
	       "requirements");
	/* The rig's progress and messages go to stderr; the table has them. */
	if (!getenv("FAULTS_VERBOSE") && !freopen("/dev/null", "w", stderr))
		return 71;
	unsigned rows = 0, broken = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const struct fault_kind *fk = &kinds[k];
		if (only && !strstr(fk->fault, only))
			continue;
		for (size_t i = 0; i <= sizeof phases / sizeof phases[0]; i++) {
			struct fault_spec s = { .fault = fk->fault, .harm = fk->harm,
						.harmful_before = fk->harmful_before, .why = fk->why,
						.by_operation = fk->by_operation };
			if (i == sizeof phases / sizeof phases[0]) {
				if (!fk->p)
					continue;
				s.when = fk->p;
				s.harm = fk->p_harm;
				if (s.harm == FAULT_HARMLESS)
					s.harmful_before = NULL;
			} else {
				s.when = phases[i];
			}
			for (unsigned seed = 1; seed <= seeds; seed++) {
				struct fault_outcome o;
				fault_row_run(&s, FIXTURE, PROFILE, seed, &o);
				print_row(&s, seed, &o);
				rows++;
				broken += !o.ok;
				fflush(stdout);
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("faults: %u rows, %u broken, %.1f s wall\n", rows, broken, wall);
	return broken ? 1 : 0;
}
