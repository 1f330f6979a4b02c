/* cmd_run.c - `rig run`: test one pen against a profile. Parses options,
 * runs run_execute(), and prints the verdict and the report path as the
 * last line on stdout. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/identify.h"
#include "core/paths.h"
#include "plot/files.h"
#include "run/run.h"
#include "run/text.h"
#include "store/index.h"


static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig run [--fixture F] [--profile P] [--serial SN] [--operator NAME]\n"
		"               [--mode calibrate|verify] [--out DIR] [--junit FILE]\n"
		"               [--save-trace] [--plots] [--wait-lock S] [--sim key=value]...\n"
		"               [--socket S] [--rehearsal]\n"
		"       rig run --dry-run [--fixture F] [--profile P] [--mode calibrate|verify]\n"
		"\n"
		"Tests one pen: takes the bench lock, checks e-stop, lid and the fixture's\n"
		"calibration dates, identifies the pen, checks its preload, calibrates it\n"
		"(when the profile has a [calibrate] section), verifies every point and\n"
		"judges it by the profile's decision rule. Whatever happens, the motor is\n"
		"stopped, pen power switched off, the lamps set and a CSV report written.\n"
		"The last line on stdout is the verdict and the report's path; with several\n"
		"sockets, one such line per socket (\"socket A: PASS ...\") and the exit code\n"
		"is the worst of theirs.\n"
		"\n"
		"  -f, --fixture F       fixture (default %s)\n"
		"  -p, --profile P       profile (default %s)\n"
		"  -n, --serial SN       the serial scanned from the unit; must match the pen's\n"
		"                        (case and surrounding spaces ignored) and the profile's\n"
		"                        serial_pattern, if it has one (else exit 64).\n"
		"                        A fixture with several sockets tests them all at once:\n"
		"                        one --serial per socket, in the fixture's order\n"
		"  -o, --operator NAME   who runs the test (default $USER)\n"
		"  -m, --mode MODE       calibrate (default when the profile can) or verify\n"
		"  -d, --out DIR         report folder (default reports)\n"
		"  -j, --junit FILE      also write JUnit XML for CI servers\n"
		"  -t, --save-trace      keep the raw laser traces beside the report\n"
		"  -P, --plots           draw SVG plots beside the report (<report>_<plot>.svg)\n"
		"  -w, --wait-lock S     wait up to S seconds for a busy bench (default: fail)\n"
		"  -s, --sim KEY=VALUE   override a virtual bench parameter (repeatable)\n"
		"      --socket S        test only socket S of a fixture with several\n"
		"  -R, --rehearsal       the virtual bench in real time (runs take their real length)\n"
		"  -D, --dry-run         print the profile's bench time per phase; no bench\n"
		"  -h, --help            this text\n"
		"\n"
		"Exit codes: 0 PASS, 1 FAIL, 2 ABORTED or device fault, 3 INDETERMINATE\n"
		"(conformance rule: neither PASS nor FAIL proven), 64 usage, 65 bad profile,\n"
		"74 report or JUnit folder not writable, 75 bench busy, 78 fixture wrong or\n"
		"its calibration expired.\n",
		rig_default_fixture(), rig_default_profile());
}

/* The fixture's zero target travel for the estimate (< 0: no target):
 * from --fixture, or the default fixture when there is one to read. */
static enum rig_rc dry_run_target(const char *fixture_path, int *ms, struct rig_err *err)
{
	*ms = -1;
	const char *path = fixture_path ? fixture_path : rig_default_fixture();
	if (!fixture_path && access(path, R_OK) != 0)
		return RIG_OK; /* no fixture here: the profile's estimate alone */
	struct fixture fx;
	enum rig_rc rc = fixture_load(&fx, path, err);
	if (rc)
		return rc;
	if (fx.io.zero_target_line[0])
		*ms = (int)fx.io.zero_target_ms;
	fixture_free(&fx);
	return RIG_OK;
}

/* --dry-run: the profile's estimate, phase by phase, without a bench. */
static int dry_run(const char *profile_path, const char *fixture_path, enum run_mode mode)
{
	struct profile p;
	struct profile_time t;
	struct rig_err err = { 0 };
	enum rig_rc rc;
	int target_ms;
	if ((rc = profile_load(&p, profile_path, &err)) || (rc = run_check_profile(&p, mode, &err)) ||
	    (rc = dry_run_target(fixture_path, &target_ms, &err))) {
		cli_error("run", "%s", err.msg);
		return cli_exit_code(rc);
	}
	bool cal = mode == RUN_MODE_CALIBRATE || (mode == RUN_MODE_AUTO && p.has_calibrate);
	profile_estimate_time(&p, cal, target_ms, &t);
	printf("profile %s %s: bench time estimate (no bench opened)\n", p.name, p.version);
	printf("  %-10s %7.2f s\n", "identify", t.identify_s);
	printf("  %-10s %7.2f s   (at most %.2f s: its timeout)\n", "preload", t.preload_s,
	       t.preload_max_s);
	if (cal)
		printf("  %-10s %7.2f s\n", "calibrate", t.calibrate_s);
	printf("  %-10s %7.2f s\n", "verify", t.verify_s);
	printf("  %-10s %7.2f s\n", "report", t.report_s);
	printf("  %-10s %7.2f s   (at most %.2f s), %u points\n", "total", t.total_s,
	       t.total_max_s, t.points);
	if (target_ms >= 0)
		printf("  (the zero target, %d ms of travel each way, adds %.2f s to %s)\n",
		       target_ms, t.zero_target_s, cal ? "calibrate" : "verify");
	return RIG_EXIT_PASS;
}

int cli_run_open(struct cli_ctx *cx, const char *profile_path, const struct run_options *o,
		 struct profile *prof, struct bench *b)
{
	const struct run_observer *obs = o->observer;
	struct rig_err err = { 0 };
	enum rig_rc rc;
	memset(b, 0, sizeof *b);
	b->lock.fd = -1;
	b->shared_lock.fd = -1;
	/* Inputs first: nothing on the bench moves for a bad file. */
	if ((rc = profile_load(prof, profile_path, &err)) ||
	    (rc = run_check_profile(prof, o->mode, &err))) {
		if (obs && obs->message)
			obs->message(obs->ctx, err.msg);
		return cli_exit_code(rc);
	}
	/* A scan the profile does not take is refused before the pen runs. */
	char why[300];
	if (o->serial && !profile_serial_ok(prof, o->serial, why, sizeof why)) {
		if (obs && obs->message)
			obs->message(obs->ctx, why);
		return RIG_EXIT_USAGE;
	}
	struct bench_options bo = cli_bench_options(cx, 0);
	if ((rc = bench_open(b, &bo, &err))) {
		if (obs && obs->message)
			obs->message(obs->ctx, err.msg);
		return cli_exit_code(rc);
	}
	return 0;
}

int cli_run(struct cli_ctx *cx, const char *profile_path, struct run_options *o,
	    struct run_result *res)
{
	struct profile prof;
	struct bench b;
	memset(res, 0, sizeof *res);
	o->wait_lock_s = cx->wait_lock_s;
	int code = cli_run_open(cx, profile_path, o, &prof, &b);
	if (!code) {
		run_execute(&b, &prof, o, res);
		code = cli_run_exit_code(res);
	}
	bench_close(&b);
	return code;
}

int cli_run_one(struct cli_ctx *cx, const char *profile_path, struct run_options *o, bool plots,
		struct run_result *res)
{
	struct point_log log = { 0 };
	struct point_observer pobs = point_log_observer(&log);
	struct run_observer obs = *o->observer;
	if (plots)
		obs.point = &pobs;
	o->observer = &obs;
	int code = cli_run(cx, profile_path, o, res);
	if (plots && res->reported) {
		struct rig_err err;
		struct plot_request rq = { .csv_path = res->report_path, .log = &log,
					   .list = stderr, .notes = stderr };
		unsigned n;
		if (plot_files(&rq, &n, &err))
			cli_error("run", "plots: %s", err.msg);
	}
	point_log_free(&log);
	return code;
}

/* Several sockets to test at once: more than one serial, or a fixture
 * with several sockets and none chosen. */
static bool several_sockets(const struct cli_ctx *cx, unsigned nserials)
{
	if (nserials > 1)
		return true;
	if (cx->socket)
		return false;
	struct fixture fx;
	struct rig_err err;
	const char *path = cx->fixture_path ? cx->fixture_path : rig_default_fixture();
	if (fixture_load(&fx, path, &err))
		return false; /* the run says what is wrong with it */
	bool several = fx.nsockets > 1;
	fixture_free(&fx);
	return several;
}

int cmd_run(int argc, char **argv, struct cli_ctx *cx)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "serial", required_argument, NULL, 'n' },
		{ "operator", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'd' },
		{ "junit", required_argument, NULL, 'j' },
		{ "save-trace", no_argument, NULL, 't' },
		{ "plots", no_argument, NULL, 'P' },
		{ "rehearsal", no_argument, NULL, 'R' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *profile_path = rig_default_profile();
	const char *serials[FIXTURE_MAX_SOCKETS];
	unsigned nserials = 0;
	struct cli_kept kept = { 0 };
	struct run_observer obs = cli_run_observer_kept(&kept);
	struct run_options o = { .observer = &obs, .exit_code = cli_run_exit_code };
	bool plots = false, dry = false;
	int c, bad = 0, code;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "p:n:o:m:d:j:tPRDh", opts)) != -1) {
		switch (c) {
		case 'p': profile_path = optarg; break;
		case 'n':
			if (nserials == FIXTURE_MAX_SOCKETS) {
				cli_error("run", "--serial: at most %d (one per socket)",
					  FIXTURE_MAX_SOCKETS);
				snprintf(kept.last, sizeof kept.last,
					 "usage: --serial: at most %d (one per socket)",
					 FIXTURE_MAX_SOCKETS);
				bad = RIG_EXIT_USAGE;
				break;
			}
			serials[nserials++] = o.serial = optarg;
			break;
		case 'o': o.operator_name = optarg; break;
		case 'm':
			if (!strcmp(optarg, "calibrate"))
				o.mode = RUN_MODE_CALIBRATE;
			else if (!strcmp(optarg, "verify"))
				o.mode = RUN_MODE_VERIFY;
			else {
				cli_error("run", "--mode: expected calibrate or verify, found '%s'", optarg);
				snprintf(kept.last, sizeof kept.last,
					 "usage: --mode: expected calibrate or verify, found '%s'", optarg);
				bad = RIG_EXIT_USAGE;
			}
			break;
		case 'd': o.out_dir = optarg; break;
		case 'j': o.junit_path = optarg; break;
		case 't': o.save_trace = true; break;
		case 'P': plots = true; break;
		case 'R': cx->bench_flags |= BENCH_REAL_CLOCK; break;
		case 'D': dry = true; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		case CLI_OPT_BAD: bad = RIG_EXIT_USAGE; break;
		default: usage(stderr); bad = RIG_EXIT_USAGE; break;
		}
	}
	if (!bad && optind != argc) {
		cli_error("run", "unexpected argument '%s'", argv[optind]);
		snprintf(kept.last, sizeof kept.last, "usage: unexpected argument '%s'", argv[optind]);
		bad = RIG_EXIT_USAGE;
	}
	if (!bad && nserials > 1 && cx->socket) {
		cli_error("run", "--socket %s tests one socket: expected one --serial, found %u",
			  cx->socket, nserials);
		snprintf(kept.last, sizeof kept.last,
			 "usage: --socket %s tests one socket: expected one --serial, found %u",
			 cx->socket, nserials);
		bad = RIG_EXIT_USAGE;
	}
	/* A dry run runs nothing and writes no JUnit file. */
	if (dry && !bad)
		return dry_run(profile_path, cx->fixture_path, o.mode);
	/* The JUnit file's folder before anything else: a CI job learns at
	 * once, with nothing run, that it cannot have its file. After that
	 * every exit leaves a JUnit file. */
	if (o.junit_path && (code = cli_junit_prepare(o.junit_path)))
		return code;
	if (bad)
		return cli_junit_unstarted(o.junit_path, profile_path, o.mode, bad, kept.last);
	/* Who runs it (docs/records.md): with [access], ID and PIN; choosing
	 * --mode calibrate over the profile's default needs an engineer. */
	struct access_who who;
	char note[200];
	code = cli_run_identify("run", cx->fixture_path ? cx->fixture_path : rig_default_fixture(),
				profile_path, o.out_dir, o.operator_name,
				    o.mode == RUN_MODE_CALIBRATE ? OP_ROLE_ENGINEER : OP_ROLE_OPERATOR,
				    &who, note, sizeof note);
	if (code)
		return cli_junit_unstarted(o.junit_path, profile_path, o.mode, code, NULL);
	if (who.on)
		o.operator_name = who.id;
	o.records_note = note;
	if (several_sockets(cx, nserials))
		return cli_run_sockets(cx, profile_path, &o, serials, nserials, plots);
	struct run_result res;
	code = cli_run_one(cx, profile_path, &o, plots, &res);
	if (!res.junit_done)
		code = cli_junit_unstarted(o.junit_path, profile_path, o.mode, code,
					   res.report_error[0] ? res.report_error : kept.last);
	/* The folder's results index, after the report is published; the
	 * report stands whatever happens here (`rig index` catches up). */
	struct rig_err ierr;
	if (res.reported && store_index_after_run(o.out_dir ? o.out_dir : REPORT_DEFAULT_DIR, &ierr))
		cli_error("run", "results index not updated (the report is written; "
			  "`rig index` catches up): %s", ierr.msg);
	cli_print_run_result(&res);
	return code;
}

void cli_print_run_result(const struct run_result *res)
{
	cli_print_run_result_as("", res);
}

void cli_print_run_result_as(const char *prefix, const struct run_result *res)
{
	if (!res->reported)
		return;
	/* The pen's serial and the reasons quote what the pen and the
	 * scanner sent: escape control characters for the terminal. */
	char shown[4 * sizeof res->reason], serial[4 * sizeof res->pen_serial],
		path[4 * sizeof res->report_path];
	if (res->verdict != REPORT_PASS) {
		text_escape(shown, sizeof shown, res->reason);
		printf("%s%s: %s\n", prefix, report_verdict_name(res->verdict), shown);
		/* The reason is a FAIL's first failure; an abort's (an e-stop after
		 * a point failed) is none of them: every failure but the reason
		 * (a failure's text is kept shorter). */
		bool said = false;
		for (size_t i = 0; i < res->nfailures && i < RUN_MAX_FAILURES; i++) {
			if (!said && !strncmp(res->failures[i].text, res->reason,
					      sizeof res->failures[i].text - 1)) {
				said = true;
				continue;
			}
			text_escape(shown, sizeof shown, res->failures[i].text);
			printf("%s  also: %s\n", prefix, shown);
		}
		if (res->nfailures > RUN_MAX_FAILURES)
			printf("%s  ... and %zu more in the report\n", prefix, res->nfailures - RUN_MAX_FAILURES);
		if (res->instruction[0])
			printf("%sWhat to do: %s [%s, %s]\n", prefix, res->instruction,
			       res->reason_code, res->disposition);
	}
	text_escape(serial, sizeof serial, res->pen_serial[0] ? res->pen_serial : "-");
	text_escape(path, sizeof path, res->report_path);
	printf("%s%s %s %s (%.1f s of bench time)\n", prefix, report_verdict_name(res->verdict), serial,
	       path, res->bench_time_s);
}
