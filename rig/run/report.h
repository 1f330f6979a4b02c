/* report.h - the record of one test run: metadata, one row per measurement,
 * and a verdict, as a CSV report, a line in summary.csv and optionally JUnit.
 *
 * Rows are journaled as they complete (<dir>/<run_id>.journal: append, fsync
 * per row, flock held while the run lives), so a crash loses nothing: the
 * next run's report_recover_orphans() turns an orphaned journal into an
 * ABORTED report. report_finish() publishes the report atomically (temp
 * file, fsync, rename, fsync folder) and appends to summary.csv under flock.
 * report_open() allocates a struct report; report_close() frees it (an
 * unfinished report leaves its journal behind, to be recovered). The struct's
 * fields are read-only outside rig/run/report*.c. docs/reports.md documents
 * the files and every column.
 */
#ifndef RIG_RUN_REPORT_H
#define RIG_RUN_REPORT_H

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/err.h"
#include "core/fixture.h"
#include "core/fsops.h"
#include "run/decision.h"
#include "run/profile.h"

#define REPORT_DEFAULT_DIR "reports"
#define REPORT_NCOLUMNS 34

/* The one column table of a report, in order (also the CSV header):
 * the writer (a row as a line) and the recovery reader (a journal's line
 * back into a row, by column name) both walk it (report_columns.c). */
enum report_column_kind {
	REPORT_COL_META_TEXT, /* char[] in struct report_meta at off */
	REPORT_COL_META_TIME, /* struct report_meta.started, ISO 8601 UTC */
	REPORT_COL_META_COUNT, /* unsigned in struct report_meta at off (0: empty) */
	REPORT_COL_TEXT,      /* const char * in struct report_row at off */
	REPORT_COL_NUM,       /* double in struct report_row at off, %.9g */
	REPORT_COL_NUM_U,     /* double at off, to the row's uncertainty (GUM 7.2.6);
			       * a display: its _full column is what is read back */
	REPORT_COL_U,         /* the uncertainty, two significant digits, rounded up */
	REPORT_COL_ACCEPT,    /* an acceptance limit at off: as the profile states it
			       * when it is the specification limit at aux, else to
			       * the row's uncertainty */
	REPORT_COL_PROB,      /* a probability, four decimals */
	REPORT_COL_COUNT,     /* long in struct report_row at off (< 0: empty) */
};
struct report_column {
	const char *name;
	enum report_column_kind kind;
	size_t off;
	size_t size; /* REPORT_COL_META_TEXT: the field's capacity;
		      * REPORT_COL_ACCEPT: offset of the specification limit */
};
extern const struct report_column report_columns[REPORT_NCOLUMNS];
/* The index of the column called name, or -1. */
int report_column_index(const char *name);

struct report_meta {
	char run_id[37];             /* UUID v4, lowercase */
	time_t started;              /* UTC, whole seconds */
	char station[64];
	char operator_name[64];
	char pen_model[64];          /* as the pen reports them (*IDN?) */
	char pen_serial[64];
	char pen_firmware[64];
	/* 1 for the first test of this serial (text_serial_key) in the report
	 * folder, 2 ... for retests; 0 until the report is opened. */
	unsigned attempt;
	char profile[64];
	char profile_version[32];
	char profile_sha256[SHA256_HEX_LEN + 1];
	char profile_path[PATH_MAX];
	char rig_version[64];
	char fixture_path[PATH_MAX];          /* absolute */
	char fixture_sha256[SHA256_HEX_LEN + 1]; /* of the file's bytes; "" unreadable */
	char records[200];           /* "access control: ...; ledger: ..." (docs/records.md) */
	char laser_serial[32];                /* the sensor's, from GETINFO */
	char laser_firmware[32];
	double laser_zero_mm;                 /* fixture calibration values ... */
	double loadcell_scale_counts_per_n;
	double loadcell_offset_counts;
	char laser_zero_date[FIXTURE_DATE];   /* ... their dates ... */
	char loadcell_cal_date[FIXTURE_DATE];
	char loadcell_tare_date[FIXTURE_DATE];
	char laser_zero_due[FIXTURE_DATE];    /* ... and when they expire */
	char loadcell_cal_due[FIXTURE_DATE];
	char loadcell_tare_due[FIXTURE_DATE];
	/* The pad's ring bound ([laser] ring_max_um), its date and due date:
	 * its rows are written only when the fixture has one. */
	double laser_ring_max_um;
	char laser_ring_date[FIXTURE_DATE];
	char laser_ring_due[FIXTURE_DATE];
	/* The exposure it was measured at ([laser] ring_exposure_us), and
	 * whether the run's exposure (the sensor's, read back) lets it be
	 * used: "used: ..." or "not used: ..." (measure_ring_bound_holds()). */
	double laser_ring_exposure_us;
	char laser_ring_use[160];
};

/* Zero *m, draw a run id (getrandom), stamp `started` with the current
 * UTC time and rig_version with the build's version (core/version.h). RIG_E_IO if no randomness. */
enum rig_rc report_meta_init(struct report_meta *m, struct rig_err *err);
/* Copy the profile's name, version, sha256 and path. */
void report_meta_set_profile(struct report_meta *m, const struct profile *p);
/* Copy the station, the fixture's absolute path, the SHA-256 of its file,
 * its calibration values, their dates and due dates (date + the bench's
 * calibration_valid_days). */
void report_meta_set_fixture(struct report_meta *m, const struct fixture *f);
/* Copy the displacement sensor's serial and firmware (laser GETINFO). */
void report_meta_set_sensor(struct report_meta *m, const char *serial, const char *firmware);
/* Copy the pen's *IDN? fields (control characters are replaced later). */
void report_meta_set_pen(struct report_meta *m, const char *model, const char *serial,
			 const char *firmware);

/* One measurement (or event) row. Text may be NULL (empty). Numbers that
 * are NaN or infinite are written as empty fields; n < 0 is empty. */
struct report_row {
	const char *phase;     /* "calibrate", "verify", "fixture", "run" */
	const char *step;      /* e.g. "depth_sweep", "freq_sweep", "table", "preload" */
	const char *quantity;  /* e.g. "depth", "depth_spread", "freq", "preload", "bench_time" */
	const char *unit;      /* "um", "Hz", "N", "s", "%" or "" */
	double commanded;
	double measured;
	double std;
	long n;                /* values behind measured (strokes, reads) */
	double uncertainty;    /* expanded, k = 2 */
	double low_limit;      /* the specification (as the profile states it) */
	double high_limit;
	double accept_low;     /* the acceptance limits the decision rule applied */
	double accept_high;
	double conformance_probability; /* of the true value inside the spec */
	double bench_s;        /* bench time of the point it was measured at, for JUnit
				* (not a CSV column: lost on recovery); NAN: none */
	const char *result;    /* "PASS", "FAIL", "INDETERMINATE", "WRITTEN", ... or "" */
	const char *category;  /* the verdict row's: "unit", "bench" or "" */
	const char *note;      /* reason, date, path ... */
	/* The verdict row's, when not PASS (run/disposition.h): */
	const char *reason_code; /* "out_of_tolerance", "pen_hardware", ... */
	const char *disposition; /* "reject", "retest", "engineer" */
	const char *instruction; /* the operator's line: what happened, what to do */
};

/* A row with every number empty; set what you have. */
#define REPORT_ROW_EMPTY                                                                     \
	((struct report_row){ .commanded = NAN, .measured = NAN, .std = NAN, .n = -1,         \
			      .uncertainty = NAN, .low_limit = NAN, .high_limit = NAN,        \
			      .accept_low = NAN, .accept_high = NAN,                          \
			      .conformance_probability = NAN, .bench_s = NAN })

/* The run's verdict. INDETERMINATE (the conformance rule could prove
 * neither conformance nor non-conformance at the profile's level) is never
 * a PASS: it has its own file name, summary line and exit code. */
enum report_verdict { REPORT_PASS, REPORT_FAIL, REPORT_ABORTED, REPORT_INDETERMINATE };

/* Whose fault a verdict other than PASS is (docs/reports.md): the unit
 * under test (its FAIL: out of tolerance, its own hardware error,
 * unresponsive, refused calibration) or the bench (ABORTED: e-stop, lid,
 * laser, load cell, disk, signal, a crash). */
enum report_category { REPORT_CATEGORY_NONE, REPORT_CATEGORY_UNIT, REPORT_CATEGORY_BENCH };

/* A row as the report keeps it (own copies, cleaned of control characters). */
struct report_rec {
	char *phase, *step, *quantity, *unit, *result, *category, *note;
	char *reason_code, *disposition, *instruction;
	double commanded, measured, std, uncertainty, low_limit, high_limit;
	double accept_low, accept_high, conformance_probability;
	double bench_s; /* JUnit's time of the testcase; NAN: none */
	long n;
};

struct report {
	struct report_meta meta;     /* cleaned copy */
	char dir[PATH_MAX];
	char journal_path[PATH_MAX];
	char file[PATH_MAX];         /* the final report, "" until finished */
	int journal_fd;              /* -1 when closed */
	struct report_rec *rows;
	size_t nrows, caprows;
	double bench_time_s;         /* sum of the bench_time rows */
	bool finished;
	bool journal_foreign;        /* recovered journal whose columns are not
				      * the table's: published from the rows */
	struct rig_fsops fs;         /* how the folder is changed (POSIX by default) */
	enum report_verdict verdict;
	enum report_category category;
	char reason[256];
	/* What the operator does (report_set_disposition), on the verdict row. */
	char reason_code[24], disposition[12], instruction[200];
};

/* Create dir if missing (RIG_E_IO naming it and errno's text if it cannot
 * be written), start the journal with the header and the start rows (the
 * fixture and profile paths, the fixture's calibration dates). */
enum rig_rc report_open(struct report **out, const char *dir, const struct report_meta *m,
			struct rig_err *err);
/* The same, changing the folder through fs (core/fsops.h; copied, its ctx
 * must outlive the report; NULL: POSIX). Every operation that changes the
 * folder (create, write, fsync, rename, unlink, mkdir) goes through it: the
 * virtual bench installs a disk that fills up or turns read-only here. */
enum rig_rc report_open_fs(struct report **out, const char *dir, const struct report_meta *m,
			   const struct rig_fsops *fs, struct rig_err *err);

/* Before anything is powered: can reports be written to dir (made if
 * missing; a file created, written, synced and removed through fs, NULL:
 * POSIX) and can its summary.csv, if any, be appended to? RIG_E_IO naming
 * the folder or the file and why. */
enum rig_rc report_check_folder(const char *dir, const struct rig_fsops *fs, struct rig_err *err);

/* Journal one row (fsync'd before this returns) and keep it. */
enum rig_rc report_add(struct report *r, const struct report_row *row, struct rig_err *err);

/* A judged measurement: what was measured, and how it was judged. */
struct report_judged {
	const char *phase, *step, *quantity, *unit;
	double commanded;
	double measured;
	double std;
	long n;
	double uncertainty;          /* expanded, k = 2 */
	const struct decision *d;    /* limits, result and reason */
	double bench_s;              /* bench time of the point (JUnit); NAN: none */
	/* The measurement's own note (why its U is large: measure_note_rate);
	 * NULL or "": none. */
	const char *measure_note;
};

/* Journal a judged measurement: limits and result from j->d, note =
 * j->d->reason, then "; " and j->measure_note when there is one. */
enum rig_rc report_add_judged(struct report *r, const struct report_judged *j,
			      struct rig_err *err);

/* One point of a calibration table written to the pen (phase "calibrate",
 * step e.g. "depth_table", result WRITTEN): commanded = the raw setpoint
 * the sweep commanded, measured = what was measured there (the value the
 * table now maps onto that setpoint, as the pen holds it), n empty, the
 * point's index in the note. */
enum rig_rc report_add_table_point(struct report *r, const char *step, const char *quantity,
				   const char *unit, double setpoint, double measured,
				   unsigned index, unsigned npoints, struct rig_err *err);

/* The bench time a phase took: quantity "bench_time", unit "s". */
enum rig_rc report_add_bench_time(struct report *r, const char *phase, double seconds,
				  struct rig_err *err);

/* Write the end time row (phase "run", step "end", quantity "ended_at",
 * note the UTC time, ISO 8601), then the verdict row (phase "run", step
 * "end", quantity "verdict",
 * result PASS / FAIL / INDETERMINATE / ABORTED, note = reason), publish
 * <dir>/<YYYYMMDDTHHMMSSZ>_<serial>_<VERDICT>.csv atomically, append the
 * run to <dir>/summary.csv and remove the journal. report_file() names the
 * report afterwards. */
enum rig_rc report_finish(struct report *r, enum report_verdict v, const char *reason,
			  struct rig_err *err);
/* The same with the verdict's category (report_finish: FAIL and
 * INDETERMINATE are the unit's, ABORTED the bench's). */
enum rig_rc report_finish_category(struct report *r, enum report_verdict v,
				   enum report_category c, const char *reason,
				   struct rig_err *err);

/* The serial of a run whose unit is not known: no serial scanned and no
 * answer to *IDN?. */
#define REPORT_SERIAL_UNKNOWN "unknown"

/* Whether serial names a unit: not empty and not REPORT_SERIAL_UNKNOWN
 * (compared by text_serial_key). Runs of no known serial are of pens no one
 * can tell apart: never one unit's retests (attempts, rig stats, the
 * station's shift log). */
bool report_serial_known(const char *serial);

/* The attempt a run of serial in dir is: 1 + the runs of that serial
 * (run/text.h: text_serial_key) in dir/summary.csv, other than the run
 * exclude_run_id (may be NULL). A folder without a summary: 1. A unit
 * not known (REPORT_SERIAL_UNKNOWN or empty) has no attempt: 0, never a
 * count of other unknown units' runs. RIG_E_IO if the summary cannot be
 * read. */
enum rig_rc report_next_attempt(const char *dir, const char *serial,
				const char *exclude_run_id, unsigned *attempt,
				struct rig_err *err);

/* The verdict row's reason code, disposition and the operator's line
 * (run/disposition.h); call before report_finish. NULL: empty. */
void report_set_disposition(struct report *r, const char *reason_code,
			    const char *disposition, const char *instruction);

/* The final report's path ("" before report_finish). */
const char *report_file(const struct report *r);

/* Free r. If not finished, the journal stays for report_recover_orphans(). */
void report_close(struct report *r);

/* ---- JUnit (report_junit.c) --------------------------------------------
 * One <testsuite>; one <testcase> per planned measurement, classname
 * "phase.step", name "quantity@commanded unit" ("depth@1000 um"; just
 * "quantity" without a commanded value), in the plan's order: the judged
 * row's outcome (PASS passes, FAIL and INDETERMINATE are <failure>s), or
 * <skipped> with the reason when the run ended before it; judged rows the
 * plan did not name follow; then "run" "verdict": passes for PASS, a
 * <failure> for FAIL and INDETERMINATE, an <error> for ABORTED and for a
 * run that never had a verdict. Times are bench seconds. */

/* A measurement a run plans (names from run/names.c). */
struct report_case {
	const char *phase;
	char step[48];               /* "depth_sweep", "depth_sweep@2N" (verify preloads) */
	const char *quantity;
	double commanded;            /* NAN: none */
	const char *commanded_unit;  /* the unit of what the step sets: "um", "Hz" */
};

struct report_junit {
	const struct report_meta *meta; /* NULL: the run never started (not known) */
	const char *suite;           /* the testsuite's name: the profile's, or "rig run" */
	const char *station;         /* hostname when meta is NULL; may be NULL */
	time_t started;              /* timestamp when meta is NULL; 0: none */
	const struct report_rec *rows; /* the report's rows (judged ones are testcases) */
	size_t nrows;
	const struct report_case *plan; /* the planned measurements; may be NULL */
	size_t nplan;
	const char *verdict;         /* PASS FAIL INDETERMINATE ABORTED, or ERROR: none */
	const char *category;        /* "unit", "bench" or "" */
	const char *reason;
	double bench_time_s;         /* NAN: not known */
	const char *report_file;     /* "" or NULL: none */
	int exit_code;               /* the process's, as the front end chose it; < 0: not known */
};

/* Write j to path: a temp file beside it, fsync'd, renamed into place. */
enum rig_rc report_junit_write(const struct report_junit *j, const char *path,
			       struct rig_err *err);

/* The testcase names of a measurement: "phase.step" and "quantity" or
 * "quantity@commanded unit" (commanded_unit may be NULL: the unit the step
 * sets, run/names.c). */
void report_case_names(char *cls, size_t cls_cap, char *name, size_t name_cap,
		       const char *phase, const char *step, const char *quantity,
		       double commanded, const char *commanded_unit);

/* JUnit XML of a finished report r (its rows and verdict, no plan). */
enum rig_rc report_write_junit(const struct report *r, const char *path, struct rig_err *err);

/* Turn every journal in dir whose run is gone (its flock is free) into a
 * final report: ABORTED with a reason, unless the journal already holds a
 * verdict (the crash came while publishing). A torn last line is dropped.
 * Idempotent: a report or summary line already written is not doubled.
 * *recovered (may be NULL) counts the reports made. Journals of live runs
 * are left alone. Errors: the first, after trying every journal (see
 * report_recover() for what happens to an unreadable journal). */
enum rig_rc report_recover_orphans(const char *dir, unsigned *recovered, struct rig_err *err);

/* What recovery did, and who hears of each journal. */
struct report_recovery {
	unsigned aborted;     /* interrupted runs reported ABORTED (unreadable ones too) */
	unsigned unreadable;  /* of those: journals that could not be read or parsed */
	unsigned published;   /* runs that had ended (their verdict in the journal),
			       * now published with that verdict */
	unsigned failed;      /* journals left where they are after an error */
	/* One line per journal (what became of it, and each error), unescaped;
	 * NULL: nobody. */
	void (*say)(void *ctx, const char *text);
	void *ctx;
};
/* report_recover_orphans() with counts and words. A journal that cannot be
 * read or parsed is reported ABORTED "journal unreadable: <path>: <why>"
 * (from the rows that could be read), its bytes kept as
 * <journal>.unreadable; it is never skipped. A journal whose lock is held
 * is a live run's and is never touched. Counters are set, not added to. */
enum rig_rc report_recover(const char *dir, struct report_recovery *rec, struct rig_err *err);

/* Helpers, exposed for tests and the run. */
const char *report_verdict_name(enum report_verdict v);
/* "PASS", "FAIL", "ABORTED", "INDETERMINATE" back to the verdict; false if
 * none of them. */
bool report_verdict_parse(const char *s, enum report_verdict *v);
/* A verdict's usual category: FAIL and INDETERMINATE the unit's, ABORTED
 * the bench's, PASS none. */
enum report_category report_verdict_category(enum report_verdict v);
/* "unit", "bench" or "" */
const char *report_category_name(enum report_category c);
/* "20261121T101500Z_<serial>_PASS.csv", the serial as text_file_serial
 * (run/text.h) makes it. */
void report_file_name(char *out, size_t cap, time_t started, const char *serial,
		      enum report_verdict v);
/* ISO 8601 UTC "2026-11-21T10:15:00Z" and compact "20261121T101500Z". */
void report_iso_time(char out[21], time_t t);
void report_compact_time(char out[17], time_t t);
/* A fresh UUID v4 from getrandom(2). */
enum rig_rc report_new_run_id(char out[37], struct rig_err *err);

#endif
