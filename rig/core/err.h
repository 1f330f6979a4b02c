/* err.h - status codes, exit codes, and the one error message per failure.
 *
 * Functions that can fail return an enum rig_rc (RIG_OK = 0) and fill a
 * caller-owned struct rig_err with a message for a person, built once where
 * the error is detected: what was expected and what was found. Callers may
 * prefix context ("laser sim:laser: ") as the error travels up.
 */
#ifndef RIG_CORE_ERR_H
#define RIG_CORE_ERR_H

#include <stddef.h>

enum rig_rc {
	RIG_OK = 0,
	RIG_E_USAGE,       /* bad command line                     -> 64 */
	RIG_E_DATA,        /* bad input data: profile, capture     -> 65 */
	RIG_E_UNAVAILABLE, /* device or port cannot be opened      -> 69 */
	RIG_E_IO,          /* a read, write or file operation failed -> 74 */
	RIG_E_BUSY,        /* bench locked by another process      -> 75 */
	RIG_E_CONFIG,      /* fixture or configuration is wrong    -> 78 */
	RIG_E_TIMEOUT,     /* a device did not answer in time      -> 2 */
	RIG_E_PROTOCOL,    /* a device said something unexpected   -> 2 */
	RIG_E_DEVICE,      /* a device reported an error           -> 2 */
	RIG_E_ABORTED,     /* e-stop, lid or signal stopped the run -> 2 */
	RIG_E_NOMEM,       /* out of memory                        -> 71 */
	RIG_E_INTERNAL,    /* a bug in the rig                     -> 70 */
	RIG_E_DENIED,      /* not allowed: wrong PIN, locked, role too low -> 77 */
};

/* Process exit codes, documented in the README and `rig --help`. */
enum rig_exit {
	RIG_EXIT_PASS = 0,
	RIG_EXIT_FAIL = 1,         /* the device under test failed */
	RIG_EXIT_ABORT = 2,        /* run aborted or device fault */
	RIG_EXIT_INDETERMINATE = 3, /* neither PASS nor FAIL proven (conformance rule) */
	RIG_EXIT_USAGE = 64,       /* EX_USAGE */
	RIG_EXIT_DATAERR = 65,     /* EX_DATAERR */
	RIG_EXIT_UNAVAILABLE = 69, /* EX_UNAVAILABLE */
	RIG_EXIT_SOFTWARE = 70,    /* EX_SOFTWARE */
	RIG_EXIT_OSERR = 71,       /* EX_OSERR */
	RIG_EXIT_IOERR = 74,       /* EX_IOERR */
	RIG_EXIT_TEMPFAIL = 75,    /* EX_TEMPFAIL */
	RIG_EXIT_NOPERM = 77,      /* EX_NOPERM: access refused (docs/records.md) */
	RIG_EXIT_CONFIG = 78,      /* EX_CONFIG */
};

#define RIG_ERR_MSG_MAX 512

/* What failed, said where the error is raised, never read back from the
 * message: a run's reason for the operator (run/disposition.h) comes from
 * it. rig_fail() starts an error with RIG_CAUSE_NONE (the bench's, by its
 * rc); the code that knows what failed says so (rig_fail_cause,
 * rig_err_cause); a prefix keeps it. */
enum rig_cause {
	RIG_CAUSE_NONE = 0,
	RIG_CAUSE_SAFETY,            /* e-stop or lid tripped, or no longer watched */
	RIG_CAUSE_STOPPED,           /* a signal or the operator stopped the rig */
	RIG_CAUSE_WRONG_PEN,         /* not the pen model or serial expected */
	RIG_CAUSE_PEN_SILENT,        /* the pen gave no reply at all */
	RIG_CAUSE_PEN_NO_ANSWER,     /* no reply by the end of the wait after its
				      * power came on: a dead pen or a dead line,
				      * which the rig cannot tell apart */
	RIG_CAUSE_PEN_REFUSED,       /* the pen answered a command with its error */
	RIG_CAUSE_PEN_HARDWARE,      /* the pen refused a command with its own
				      * hardware error (SCPI -240..-249) */
	RIG_CAUSE_PEN_LINK,          /* anything else on the pen's line: garbled or
				      * unfinished replies, its port */
	RIG_CAUSE_LASER,             /* the displacement sensor: its port, replies, values */
	RIG_CAUSE_LOADCELL,          /* the load cell, the preload */
	RIG_CAUSE_BENCH_CALIBRATION, /* a bench calibration or check expired or failed */
	RIG_CAUSE_REPORT,            /* the report folder */
	RIG_CAUSE_DB_DAMAGED,        /* a database file that is not one or is damaged
				      * (SQLite's NOTADB, CORRUPT): the folder's
				      * results index is rebuilt from the reports */
};

struct rig_err {
	enum rig_rc rc;
	enum rig_cause cause;
	char msg[RIG_ERR_MSG_MAX];
};

/* Record an error in *e (which may be NULL) and return rc. */
enum rig_rc rig_fail(struct rig_err *e, enum rig_rc rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like rig_fail, appending ": strerror(errnum)". */
enum rig_rc rig_fail_errno(struct rig_err *e, enum rig_rc rc, int errnum,
			   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Put context in front of an existing message; returns e->rc. */
enum rig_rc rig_err_prefix(struct rig_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like rig_fail, saying what failed. */
enum rig_rc rig_fail_cause(struct rig_err *e, enum rig_rc rc, enum rig_cause cause,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Say what failed unless the error already says (a device that saw the
 * e-stop while it waited passes the e-stop's error on as it was); for the
 * error an rc != RIG_OK returned. Returns rc. */
enum rig_rc rig_err_cause(struct rig_err *e, enum rig_rc rc, enum rig_cause cause);

void rig_err_clear(struct rig_err *e);

/* The exit code that a command ending with rc should return. */
int rig_exit_code(enum rig_rc rc);

/* A short name for rc ("timeout", "config" ...), for logs and reports. */
const char *rig_rc_name(enum rig_rc rc);

#endif
