/* reference.h - a reference artifact's certificate: what a bench check
 * measures against (ISO 13485 §7.6). A golden pen, or a stroke artifact,
 * with the actual depths it reaches at commanded settings and its actual
 * stroke rates, each with the certificate's expanded uncertainty (k = 2).
 *
 * The file is INI (fixtures/reference-*.ini), read through the same typed
 * key table as fixtures and profiles. For the virtual bench it may carry a
 * [sim] section: the parameters that make the simulated pen this artifact
 * (its truth is then exactly the certificate). struct reference owns
 * everything; reference_free() releases the [sim] entries.
 */
#ifndef RIG_CHECK_REFERENCE_H
#define RIG_CHECK_REFERENCE_H

#include <limits.h>
#include <stddef.h>

#include "core/err.h"

#define REFERENCE_MAX_POINTS 16

struct reference_points {
	size_t n;
	double commanded[REFERENCE_MAX_POINTS]; /* setting sent to the pen */
	double actual[REFERENCE_MAX_POINTS];    /* certified value at that setting */
	double u;                               /* certified U (k = 2) of each value */
};

struct reference {
	char path[PATH_MAX];
	char sha256[65];                  /* of the file's bytes */
	char id[64];                      /* the artifact's identity (serial) */
	char kind[64];                    /* "golden pen", "stroke artifact" */
	char model[64];                   /* the pen model it answers *IDN? with */
	char certificate[64];             /* certificate number */
	char valid_until[11];             /* YYYY-MM-DD */
	double nominal_depth_um;          /* depth setting while rates are checked */
	double nominal_freq_hz;           /* rate setting while depths are checked */
	double max_en;                    /* |En| allowed, 1 by default */
	struct reference_points depth_um; /* depths */
	struct reference_points freq_hz;  /* stroke rates */
	char **sims;                      /* "key=value" of its [sim] section */
	size_t nsims;
};

/* Load and check a certificate: every key known and typed, as many actual
 * values as commanded ones. Errors RIG_E_CONFIG with file:line. */
enum rig_rc reference_load(struct reference *r, const char *path, struct rig_err *err);
void reference_free(struct reference *r);

/* Normalised error of a measurement x (expanded uncertainty ux) against a
 * reference value xref (expanded uncertainty uref):
 * En = (x - xref) / sqrt(ux^2 + uref^2); |En| <= 1 agrees. */
double reference_en(double x, double ux, double xref, double uref);

#endif
