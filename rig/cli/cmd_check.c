/* cmd_check.c - `rig check`: the bench checks itself on its reference
 * artifact (ISO 13485 §7.6). A run of the profile "bench-check", made
 * here from the fixture's [check] section and the artifact's certificate,
 * judged by En at every certified point, recorded like every run (report,
 * summary.csv, index, ledger). A check that does not pass lists, and writes
 * to impact_<time>_<station>.csv, every run that judged a unit on the
 * bench since the last check that passed, with its unit: the assessment
 * §7.6 asks for. One that found nothing (only interrupted, or refused by a
 * calibration's date, with no point failed) lists none; one that passes
 * after one that did not lists the runs judged between.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check.h"
#include "check/reference.h"
#include "cli/cli.h"
#include "core/fsutil.h"
#include "core/paths.h"
#include "run/csvline.h"
#include "run/disposition.h"
#include "run/run.h"
#include "records/ledger.h"
#include "records/records.h"
#include "run/text.h"
#include "store/index.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig check [--out DIR] [--fixture F] [--wait-lock S] [--sim key=value]...\n"
		"\n"
		"Measures the fixture's reference artifact ([check] reference = its\n"
		"certificate) at every certified depth and rate and judges each by its\n"
		"normalised error En = (measured - certified) / sqrt(U^2 + U_cert^2),\n"
		"|En| <= max_en (1) passing. The laser's zero reference is read before the\n"
		"first point and after the last, as a run reads it: a shift beyond\n"
		"sqrt(3)/2 x the certificate's depth U aborts the check (exit 2), a smaller\n"
		"one joins every depth's U. The check is a run of the profile bench-check:\n"
		"a report in DIR, a summary row, the index and the ledger. While the fixture\n"
		"sets [check] interval_h, rig run and the station refuse to judge product\n"
		"when the last check failed or is older than that (exit 78). A check that\n"
		"does not pass lists every run that judged a unit since the last check that\n"
		"passed, with its unit's number (a retest shares it; a run with no serial\n"
		"known is a unit of its own), writes them to DIR/impact_<time>_<station>.csv\n"
		"and marks each to be assessed (rig impact asks the same of the index); one\n"
		"only interrupted (e-stop, lid, signal, the artifact's line, wrong artifact)\n"
		"or refused before it measured (a calibration's date), with no point failed,\n"
		"lists none; one stopped after a point failed is a failed check. A check\n"
		"that passes after one that did not lists the runs judged between them the\n"
		"same way. Progress lines on stderr begin \"rig check:\".\n"
		"On the virtual bench the reference's [sim] section makes the simulated\n"
		"pen the artifact.\n"
		"\n"
		"  -d, --out DIR          report folder (default %s)\n"
		"  -f, --fixture F        fixture (default %s)\n"
		"  -w, --wait-lock S      wait up to S seconds for a busy bench\n"
		"  -s, --sim KEY=VALUE    override a virtual bench parameter (repeatable)\n"
		"  -h, --help             this text\n"
		"\n"
		"Exit codes: 0 the bench agrees with the reference, 1 it does not, 2 aborted,\n"
		"64 usage, 74 report folder, 75 bench busy, 78 fixture or certificate wrong.\n",
		REPORT_DEFAULT_DIR, rig_default_fixture());
}

/* The profile of a check: the reference's points, the fixture's settle,
 * window and preload window, a check's dispositions, and a profile's
 * default [quality] gates (with
 * them off, a depth at a rate whose strokes the laser samples too coarsely
 * read U 36 um against a certificate's 2 um and the check PASSed). */
static enum rig_rc check_profile(struct profile *p, const struct reference *ref,
				 const struct fixture_check *fc, struct rig_err *err)
{
	memset(p, 0, sizeof *p);
	enum rig_rc rc = profile_quality_defaults(&p->quality, err);
	if (rc)
		return rc;
	snprintf(p->path, sizeof p->path, "%s", ref->path);
	snprintf(p->sha256, sizeof p->sha256, "%s", ref->sha256);
	snprintf(p->name, sizeof p->name, "%s", CHECK_PROFILE_NAME);
	snprintf(p->version, sizeof p->version, "%.31s", ref->certificate);
	snprintf(p->pen_model, sizeof p->pen_model, "%s", ref->model);
	char text[256];
	snprintf(text, sizeof text, "bench check on %s %s, certificate %s", ref->kind, ref->id,
		 ref->certificate);
	size_t len = strlen(text); /* cut to fit: it is only for people */
	if (len >= sizeof p->description)
		len = sizeof p->description - 1;
	memcpy(p->description, text, len);
	p->description[len] = '\0';
	struct profile_verify *v = &p->verify;
	v->depth_points_um.n = ref->depth_um.n;
	for (size_t i = 0; i < ref->depth_um.n; i++)
		v->depth_points_um.v[i] = ref->depth_um.commanded[i];
	v->freq_points_hz.n = ref->freq_hz.n;
	for (size_t i = 0; i < ref->freq_hz.n; i++)
		v->freq_points_hz.v[i] = ref->freq_hz.commanded[i];
	v->nominal_depth_um = ref->nominal_depth_um;
	v->nominal_freq_hz = ref->nominal_freq_hz;
	v->settle_ms = fc->settle_ms;
	v->window.window_strokes = fc->window_strokes;
	v->preload_min_n = fc->preload_min_n;
	v->preload_max_n = fc->preload_max_n;
	v->preload_timeout_ms = 3000;
	v->max_invalid_fraction = 0.05;
	v->decision_rule = DECISION_SIMPLE;
	/* what is done when the check does not pass: no profile's [disposition]
	 * (a pen's reject bin): the bench is in question (run/disposition.h) */
	for (int c = REASON_NONE; c < REASON_COUNT; c++)
		p->disposition[c] = check_disposition((enum reason_code)c);
	return RIG_OK;
}

/* The bench, with the artifact's [sim] parameters on a virtual one
 * (--sim overrides them). */
static int open_bench(struct cli_ctx *cx, const struct reference *ref, struct bench *b)
{
	int code = cli_open_bench(cx, b, 0);
	if (code || !b->sim || !ref->nsims)
		return code;
	bench_close(b);
	struct cli_sims more = { .before = ref->sims, .nbefore = ref->nsims };
	return cli_open_bench_with(cx, b, 0, &more);
}

/* The runs v (check_impact_list, check_unchecked_list) with their units,
 * judged `since` ("since the last check that passed (T)"): on stdout and in
 * DIR/impact_<time>_<station>.csv, each run marked "to be assessed" in the
 * ledger with `then` (what the bench check did after them). */
static void impact_write(const char *dir, const char *station, const struct check_impact *v,
			 size_t n, const char *since, const char *then);

/* Every run that judged a unit since the last good check, with its unit
 * (a retest is the same unit's; a run with no serial known is a unit of
 * its own). */
static void impact(const char *dir, const char *station)
{
	struct check_impact *v;
	size_t n;
	struct check_status st;
	struct rig_err err = { 0 };
	if (check_status_read(dir, station, &st, &err) ||
	    check_impact_list(dir, station, &v, &n, &err)) {
		cli_error("check", "impact list: %s", err.msg);
		return;
	}
	char since[96], then[96];
	if (st.last_pass_t)
		snprintf(since, sizeof since, "since the last check that passed (%s)",
			 st.last_pass_when);
	else
		snprintf(since, sizeof since, "since its first run on record (no check has passed)");
	snprintf(then, sizeof then, "the bench check at %s did not pass", st.when);
	impact_write(dir, station, v, n, since, then);
	free(v);
}

/* On a check that passed: the runs judged after the last check that did
 * not pass, before this one (a bench whose fixture does not refuse them):
 * no failed check's list has them. Nothing said when there are none. */
static void unchecked(const char *dir, const char *station)
{
	struct check_impact *v;
	size_t n;
	char failed[32];
	struct check_status st;
	struct rig_err err = { 0 };
	if (check_status_read(dir, station, &st, &err) ||
	    check_unchecked_list(dir, station, &v, &n, failed, sizeof failed, &err)) {
		cli_error("check", "runs since the last failed check: %s", err.msg);
		return;
	}
	if (n) {
		char since[96], then[96];
		snprintf(since, sizeof since, "after its bench check at %s did not pass", failed);
		snprintf(then, sizeof then, "the bench check at %s passed after them", st.when);
		impact_write(dir, station, v, n, since, then);
	}
	free(v);
}

static void impact_write(const char *dir, const char *station, const struct check_impact *v,
			 size_t n, const char *since, const char *then)
{
	char stamp[32], stem[4096], path[4200];
	time_t now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(stem, sizeof stem, "%s/impact_%s_%s", dir, stamp, station);
	/* two checks failing within a second each keep their list: -2, -3 ... */
	FILE *f = rig_create_unique(stem, ".csv", path, sizeof path);
	if (!f)
		cli_error("check", "cannot write %s: %s", path, strerror(errno));
	static const char *const head[] = { "station", "serial", "unit", "timestamp", "verdict",
					    "report_file", "reason", "assessment" };
	struct csv_line l = CSV_LINE_INIT;
	csv_line_header(&l, head, sizeof head / sizeof head[0]);
	size_t unknown, units = check_impact_units(v, n, &unknown);
	if (!n)
		printf("No unit judged on %s %s: none to assess.\n", station, since);
	else
		printf("%zu unit%s judged in %zu run%s on %s %s; every run is to be assessed:\n",
		       units, units == 1 ? "" : "s", n, n == 1 ? "" : "s", station, since);
	size_t retests = n - units;
	if (retests || unknown)
		printf("  (");
	if (retests)
		printf("%zu retest%s: one unit's runs share its number%s", retests,
		       retests == 1 ? "" : "s", unknown ? "; " : "");
	if (unknown)
		printf("%zu run%s with no serial known: each a unit of its own, not a retest",
		       unknown, unknown == 1 ? "" : "s");
	if (retests || unknown)
		printf(")\n");
	for (size_t i = 0; i < n; i++) {
		char shown[1024], detail[640];
		text_escape(shown, sizeof shown, v[i].serial);
		printf("  unit %zu: %s %s %s %s%s\n", v[i].unit, v[i].when, shown, v[i].verdict,
		       v[i].report, v[i].unknown ? " (no serial known)"
				    : v[i].first != i ? " (retest)" : "");
		/* marked in the folder's ledger, where rig audit shows it; the
		 * failed check named, so that a second one's marks are told apart */
		char who[200];
		if (v[i].unknown)
			snprintf(who, sizeof who, "no serial known ('%.63s': a unit of its own)",
				 v[i].serial);
		else if (v[i].first != i)
			snprintf(who, sizeof who, "serial %.63s (a retest of %.63s)", v[i].serial,
				 v[v[i].first].serial);
		else
			snprintf(who, sizeof who, "serial %.63s", v[i].serial);
		snprintf(detail, sizeof detail, "%s, %.15s at %.31s: judged on %.63s %s; %s", who,
			 v[i].verdict, v[i].when, station, since, then);
		struct rig_err lerr;
		if (records_note(dir, LK_TO_ASSESS, v[i].report, NULL, NULL, detail, &lerr))
			cli_error("check", "ledger: %s", lerr.msg);
		csv_line_text(&l, station);
		csv_line_text(&l, v[i].serial);
		csv_line_long(&l, (long)v[i].unit);
		const char *row[] = { v[i].when, v[i].verdict, v[i].report, v[i].reason,
				      "to be assessed" };
		for (size_t k = 0; k < sizeof row / sizeof row[0]; k++)
			csv_line_text(&l, row[k]);
		csv_line_end(&l);
	}
	if (f) {
		bool bad = l.s && fputs(l.s, f) == EOF;
		bad = fclose(f) != 0 || bad;
		if (bad)
			cli_error("check", "cannot write %s", path);
		else
			printf("written to %s\n", path);
	}
	free(l.s);
}

int cmd_check(int argc, char **argv, struct cli_ctx *cx)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_observer obs = cli_check_observer();
	struct run_options o = { .observer = &obs, .mode = RUN_MODE_VERIFY };
	int c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "d:h", opts)) != -1) {
		switch (c) {
		case 'd': o.out_dir = optarg; break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		case CLI_OPT_BAD: return RIG_EXIT_USAGE;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("check", "unexpected argument '%s'", argv[optind]);
		return RIG_EXIT_USAGE;
	}
	o.wait_lock_s = cx->wait_lock_s;
	struct bench b;
	struct reference ref = { 0 };
	struct profile prof;
	struct rig_err err = { 0 };
	int code = cli_open_bench(cx, &b, 0);
	if (!code && !b.fx.check.reference[0]) {
		cli_error("check", "%s: no [check] reference: name the reference artifact's "
			  "certificate to check the bench against", b.fx.path);
		code = RIG_EXIT_CONFIG;
	}
	if (!code && reference_load(&ref, b.fx.check.reference, &err)) {
		cli_error("check", "%s", err.msg);
		code = cli_exit_code(err.rc);
	}
	if (!code) {
		bench_close(&b);
		code = open_bench(cx, &ref, &b);
	}
	struct run_result res = { 0 };
	if (!code && check_profile(&prof, &ref, &b.fx.check, &err)) {
		cli_error("check", "%s", err.msg);
		code = cli_exit_code(err.rc);
	}
	if (!code) {
		o.serial = ref.id;
		o.reference = &ref;
		run_execute(&b, &prof, &o, &res);
		code = cli_run_exit_code(&res);
	}
	const char *dir = o.out_dir ? o.out_dir : REPORT_DEFAULT_DIR;
	struct rig_err ierr;
	if (res.reported && store_index_after_run(dir, &ierr))
		cli_error("check", "results index not updated (the report is written): %s", ierr.msg);
	cli_print_run_result(&res);
	/* a check only interrupted (e-stop, lid, a signal, the artifact's
	 * line, the wrong artifact) or refused before it measured (a
	 * calibration's date), with no point failed, found nothing wrong
	 * with the bench: it puts no unit in question. One that failed a
	 * point before it stopped does (recorded as the engineer's, so the
	 * next run is refused as after a failed check). */
	bool interrupted = check_found_nothing(res.reason_code, res.disposition) && !res.failed &&
			   !res.nfailures;
	bool refused = !strcmp(res.reason_code, reason_code_name(REASON_BENCH_CALIBRATION));
	if (res.reported && res.verdict != REPORT_PASS && interrupted)
		printf("The check was %s (%s) with no point failed: it puts no unit in question "
		       "and marks none to be assessed. %s; a check that does not pass lists the "
		       "units judged since the last that passed.\n",
		       refused ? "refused before it measured" : "interrupted", res.reason_code,
		       refused ? "Renew the calibration as the reason says, then run rig check"
			       : "Run rig check again");
	else if (res.reported && res.verdict != REPORT_PASS)
		impact(dir, b.fx.bench.station);
	else if (res.reported)
		unchecked(dir, b.fx.bench.station);
	bench_close(&b);
	reference_free(&ref);
	return code;
}
