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

struct rig_err {
	enum rig_rc rc;
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

void rig_err_clear(struct rig_err *e);

/* The exit code that a command ending with rc should return. */
int rig_exit_code(enum rig_rc rc);

/* A short name for rc ("timeout", "config" ...), for logs and reports. */
const char *rig_rc_name(enum rig_rc rc);

#endif
