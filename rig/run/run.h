/* run.h - one test run of one pen on an open bench: lock the bench, check
 * safety and the fixture's calibration, identify the pen, preload,
 * calibrate, verify, judge, and always leave the bench safe and a report
 * behind.
 *
 * The caller opens the bench (rig/bench/bench.h) and loads the profile;
 * run_execute() takes the bench lock and opens the devices, and releases
 * both before it returns (the bench itself stays open, for the caller to
 * close). It prints nothing: what a person should see goes to the
 * observer. The caller owns the options, the observer and the result, and
 * chooses the exit code from the result (rig/cli/cli.h: cli_run_exit_code).
 */
#ifndef RIG_RUN_RUN_H
#define RIG_RUN_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "bench/bench.h"
#include "run/point.h"
#include "run/profile.h"
#include "run/report.h"

struct reference; /* rig/check/reference.h */

enum run_mode {
	RUN_MODE_AUTO,      /* calibrate when the profile has [calibrate] */
	RUN_MODE_CALIBRATE,
	RUN_MODE_VERIFY,
};

/* Who watches a run: the terminal (rig/cli/progress.c), the station's
 * screen, a test. Every callback may be NULL. */
struct run_observer {
	/* The start of every phase ("identify", "preload", "calibrate",
	 * "verify", "report"). */
	void (*phase)(void *ctx, const char *phase);
	/* Every progress line: step of nsteps measuring points done so far
	 * and its text ("verify depth_sweep 1500 um"), unescaped. */
	void (*progress)(void *ctx, const char *phase, unsigned step, unsigned nsteps,
			 const char *text);
	/* A message for the operator (unescaped): interrupted runs that were
	 * recovered, why the report could not be written. */
	void (*message)(void *ctx, const char *text);
	/* Sees every measuring point (rig/run/point.h), e.g. for plots. */
	const struct point_observer *point;
	void *ctx;
};

struct run_result;

struct run_options {
	const char *serial;        /* scanned serial; NULL: take the pen's */
	const char *operator_name; /* NULL: $USER */
	/* How this run is on the record, for its report: "access control:
	 * off" or "on (ID Name, role)", and the ledger's signing
	 * (rig/records). NULL: said from the fixture, identity not checked. */
	const char *records_note;
	enum run_mode mode;
	const char *out_dir;       /* NULL: reports/ */
	const char *junit_path;    /* NULL: none */
	/* The front end's exit-code policy (rig/cli/exit.c), for the JUnit
	 * file's exit_code property; NULL: not stated. */
	int (*exit_code)(const struct run_result *res);
	bool save_trace;
	/* The caller recovered the folder's interrupted runs already (the
	 * parent of several sockets' runs does, once, before they start, so
	 * that none takes another's fresh journal for an orphan). */
	bool no_recover;
	unsigned wait_lock_s;
	const struct run_observer *observer; /* may be NULL */
	/* A bench check (rig check): no calibration, and every point judged
	 * against the reference's certified value by its normalised error En
	 * instead of the profile's tolerance. NULL: a test of product, judged
	 * only while the bench's last check is valid (fixture [check]). */
	const struct reference *reference;
};

struct run_failure {
	char text[200];            /* "verify depth at 1500 um: 1571.2 um above 1550 um" */
};

#define RUN_MAX_FAILURES 32

struct run_result {
	/* What stopped the run before its end (RIG_OK: nothing): the bench
	 * lock when !started, else the reason of an abort. */
	enum rig_rc rc;
	bool started;              /* the run held the bench */
	bool aborted;              /* ended ABORTED (e-stop, lid, device, fixture ...) */
	bool failed;               /* a judgement failed */
	bool indeterminate;        /* verdict INDETERMINATE: nothing failed or stopped
				    * the run, and the conformance rule could not
				    * decide at least one judgement */
	bool report_failed;        /* the report or the JUnit file could not be written */
	bool reported;             /* a report was written */
	bool junit_done;           /* the run wrote run_options.junit_path (or failed
				    * to, said so and set report_failed) */
	enum report_verdict verdict;
	enum report_category category; /* whose fault a FAIL / ABORTED is */
	char reason[256];
	char report_path[PATH_MAX];
	char pen_serial[64];
	unsigned attempt;          /* 1 first test of this serial in the folder, 2 ... */
	/* What the operator does (run/disposition.h), "" for a PASS: the
	 * reason's code, the disposition for this attempt, and the line to
	 * show ("The pen stopped answering. Test this pen once more."). */
	char reason_code[24];
	char disposition[12];
	char instruction[200];
	size_t nfailures;          /* judgements that did not pass (FAIL, INDETERMINATE),
				    * first RUN_MAX_FAILURES kept */
	struct run_failure failures[RUN_MAX_FAILURES];
	double bench_time_s;
	/* Why the report folder could not be written, and what was kept (the
	 * journal the next run recovers); "" otherwise. */
	char report_error[512];
};

/* Check the profile fits the mode: RIG_E_DATA when calibration is asked
 * of a profile without a [calibrate] section. */
enum rig_rc run_check_profile(const struct profile *prof, enum run_mode mode,
			      struct rig_err *err);

/* Run on bench b, opened and not yet locked. Fills *res. */
void run_execute(struct bench *b, const struct profile *prof, const struct run_options *o,
		 struct run_result *res);

const char *run_mode_name(enum run_mode m);
/* Runs that died in folder dir: reported before a run starts, each said to
 * o's observer, the counts exact (errors said, never in the way of the
 * run). run_execute() does it unless o->no_recover. */
void run_recover_journals(const struct run_options *o, const char *dir);

/* ---- JUnit (run_junit.c) ---------------------------------------------- */

/* Room for the planned measurements of most profiles; run_plan() says
 * how many there are, the JUnit file names at most this many (every
 * point under up to 4 preloads). */
#define RUN_PLAN_MAX (2 + 4 * (1 + 5 * PROFILE_MAX_POINTS))
/* The measurements a run of p judges, in order (preload, the calibration
 * read-back when calibrate, each verify point's invalid fraction, depth
 * and spread or rate; with [verify] preloads_n, the preload set and every
 * point under each), into out (at most cap); returns how many there are. */
size_t run_plan(const struct profile *p, bool calibrate, struct report_case *out, size_t cap);
/* The JUnit file of a run that never produced a report (bad profile, busy
 * bench, fixture, access, unwritable report folder, usage): every
 * measurement prof (NULL: not loaded) plans, skipped, and the run.verdict
 * testcase an <error> with the exit code and why. */
enum rig_rc run_write_junit_unstarted(const char *path, const struct profile *prof,
				      enum run_mode mode, const char *station, int exit_code,
				      const char *reason, struct rig_err *err);

#endif
