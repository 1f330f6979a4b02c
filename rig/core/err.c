/* err.c - building error messages once, where the error is detected. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 0)))
static void vset(struct rig_err *e, enum rig_rc rc, const char *fmt, va_list ap)
{
	e->rc = rc;
	e->cause = RIG_CAUSE_NONE;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

__attribute__((format(printf, 4, 0)))
static void vfail(struct rig_err *e, enum rig_rc rc, enum rig_cause cause, const char *fmt,
		  va_list ap)
{
	if (e) {
		vset(e, rc, fmt, ap);
		e->cause = cause;
	}
}

enum rig_rc rig_fail(struct rig_err *e, enum rig_rc rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(e, rc, RIG_CAUSE_NONE, fmt, ap);
	va_end(ap);
	return rc;
}

enum rig_rc rig_fail_errno(struct rig_err *e, enum rig_rc rc, int errnum,
			   const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vset(e, rc, fmt, ap);
		va_end(ap);
		size_t n = strlen(e->msg);
		snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
	}
	return rc;
}

enum rig_rc rig_fail_cause(struct rig_err *e, enum rig_rc rc, enum rig_cause cause,
			   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(e, rc, cause, fmt, ap);
	va_end(ap);
	return rc;
}

enum rig_rc rig_err_cause(struct rig_err *e, enum rig_rc rc, enum rig_cause cause)
{
	if (e && rc != RIG_OK && e->cause == RIG_CAUSE_NONE)
		e->cause = cause;
	return rc;
}

enum rig_rc rig_err_prefix(struct rig_err *e, const char *fmt, ...)
{
	if (!e)
		return RIG_E_INTERNAL;
	char head[RIG_ERR_MSG_MAX], old[RIG_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* Truncation is the intent: the message stays within its buffer. */
	size_t n = strnlen(head, sizeof head - 1);
	memcpy(e->msg, head, n);
	size_t rest = sizeof e->msg - 1 - n;
	size_t m = strnlen(old, rest);
	memcpy(e->msg + n, old, m);
	e->msg[n + m] = '\0';
	return e->rc;
}

void rig_err_clear(struct rig_err *e)
{
	if (e) {
		e->rc = RIG_OK;
		e->cause = RIG_CAUSE_NONE;
		e->msg[0] = '\0';
	}
}

int rig_exit_code(enum rig_rc rc)
{
	switch (rc) {
	case RIG_OK: return RIG_EXIT_PASS;
	case RIG_E_USAGE: return RIG_EXIT_USAGE;
	case RIG_E_DATA: return RIG_EXIT_DATAERR;
	case RIG_E_UNAVAILABLE: return RIG_EXIT_UNAVAILABLE;
	case RIG_E_IO: return RIG_EXIT_IOERR;
	case RIG_E_BUSY: return RIG_EXIT_TEMPFAIL;
	case RIG_E_CONFIG: return RIG_EXIT_CONFIG;
	case RIG_E_TIMEOUT:
	case RIG_E_PROTOCOL:
	case RIG_E_DEVICE:
	case RIG_E_ABORTED: return RIG_EXIT_ABORT;
	case RIG_E_NOMEM: return RIG_EXIT_OSERR;
	case RIG_E_INTERNAL: return RIG_EXIT_SOFTWARE;
	case RIG_E_DENIED: return RIG_EXIT_NOPERM;
	}
	return RIG_EXIT_SOFTWARE;
}

const char *rig_rc_name(enum rig_rc rc)
{
	static const char *const names[] = {
		[RIG_OK] = "ok", [RIG_E_USAGE] = "usage", [RIG_E_DATA] = "data",
		[RIG_E_UNAVAILABLE] = "unavailable", [RIG_E_IO] = "io",
		[RIG_E_BUSY] = "busy", [RIG_E_CONFIG] = "config",
		[RIG_E_TIMEOUT] = "timeout", [RIG_E_PROTOCOL] = "protocol",
		[RIG_E_DEVICE] = "device", [RIG_E_ABORTED] = "aborted",
		[RIG_E_NOMEM] = "nomem", [RIG_E_INTERNAL] = "internal",
		[RIG_E_DENIED] = "denied",
	};
	if ((unsigned)rc < sizeof names / sizeof names[0] && names[rc])
		return names[rc];
	return "unknown";
}
