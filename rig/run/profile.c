/* profile.c - loading and checking test profiles.
 *
 * A table names every key with its section, type and range. Keys are
 * checked as they are read (type, range, list order); what needs more than
 * one key (points inside the pen's limits, the preload window, one window
 * kind per section) is checked after the whole file, still naming the line.
 */
#include "run/profile.h"

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ini_read.h"
#include "core/ini_schema.h"
#include "run/text.h"

static enum rig_rc parse_points(const struct ini_schema *s, const struct ini_field *fd,
				const char *path, int line, const char *value, void *dst,
				struct rig_err *err);
static enum rig_rc parse_rule(const struct ini_schema *s, const struct ini_field *fd,
			      const char *path, int line, const char *value, void *dst,
			      struct rig_err *err);
static enum rig_rc parse_drift(const struct ini_schema *s, const struct ini_field *fd,
			       const char *path, int line, const char *value, void *dst,
			       struct rig_err *err);
static enum rig_rc parse_yes_no(const struct ini_schema *s, const struct ini_field *fd,
				const char *path, int line, const char *value, void *dst,
				struct rig_err *err);
static enum rig_rc parse_serial_pattern(const struct ini_schema *s, const struct ini_field *fd,
					const char *path, int line, const char *value,
					void *dst, struct rig_err *err);
static enum rig_rc parse_disposition(const struct ini_schema *s, const struct ini_field *fd,
				     const char *path, int line, const char *value, void *dst,
				     struct rig_err *err);

#define PX(member) offsetof(struct profile, member), sizeof(((struct profile *)0)->member)

static const struct ini_field fields[] = {
	{ "profile", "name", INI_NAME, PX(name), 0, 0, true, NULL, "", false, true, NULL },
	{ "profile", "version", INI_NAME, PX(version), 0, 0, true, NULL, "", false, true, NULL },
	{ "profile", "pen_model", INI_MODEL, PX(pen_model), 0, 0, true, NULL, "", false, true, NULL },
	{ "profile", "description", INI_TEXT, PX(description), 0, 0, false, NULL, "", false, true, NULL },
	{ "profile", "serial_pattern", INI_CUSTOM, PX(serial_pattern), 0, 0, false, NULL, "", false, true, parse_serial_pattern },

	{ "pen", "depth_min_um", INI_DOUBLE, PX(pen.depth_min_um), 0, 10000, true, NULL, "um", false, false, NULL },
	{ "pen", "depth_max_um", INI_DOUBLE, PX(pen.depth_max_um), 0, 10000, true, NULL, "um", true, false, NULL },
	{ "pen", "freq_min_hz", INI_DOUBLE, PX(pen.freq_min_hz), 0, 1000, true, NULL, "Hz", true, false, NULL },
	{ "pen", "freq_max_hz", INI_DOUBLE, PX(pen.freq_max_hz), 0, 1000, true, NULL, "Hz", true, false, NULL },

	{ "calibrate", "depth_points_um", INI_CUSTOM, PX(calibrate.depth_points_um), 0, 10000, true, NULL, "um", false, false, parse_points },
	{ "calibrate", "freq_points_hz", INI_CUSTOM, PX(calibrate.freq_points_hz), 0, 1000, true, NULL, "Hz", true, false, parse_points },
	{ "calibrate", "nominal_depth_um", INI_DOUBLE, PX(calibrate.nominal_depth_um), 0, 10000, true, NULL, "um", true, false, NULL },
	{ "calibrate", "nominal_freq_hz", INI_DOUBLE, PX(calibrate.nominal_freq_hz), 0, 1000, true, NULL, "Hz", true, false, NULL },
	{ "calibrate", "settle_ms", INI_UINT, PX(calibrate.settle_ms), 0, 60000, true, NULL, "ms", false, false, NULL },
	{ "calibrate", "window_s", INI_DOUBLE, PX(calibrate.window.window_s), 0, 60, false, NULL, "s", true, false, NULL },
	{ "calibrate", "window_strokes", INI_UINT, PX(calibrate.window.window_strokes), 10, 100000, false, NULL, "strokes", false, false, NULL },
	{ "calibrate", "window_min_strokes", INI_UINT, PX(calibrate.window.min_strokes), 10, 100000, false, NULL, "strokes", false, false, NULL },
	{ "calibrate", "window_max_strokes", INI_UINT, PX(calibrate.window.max_strokes), 10, 100000, false, NULL, "strokes", false, false, NULL },
	{ "calibrate", "window_u_fraction", INI_DOUBLE, PX(calibrate.window.u_fraction), 0, 1, false, NULL, "", true, false, NULL },
	{ "calibrate", "settle_detect", INI_CUSTOM, PX(calibrate.window.settle_detect), 0, 0, false, "no", "", false, false, parse_yes_no },
	{ "calibrate", "max_invalid_fraction", INI_DOUBLE, PX(calibrate.max_invalid_fraction), 0, 0.5, false, "0.05", "", false, false, NULL },
	{ "calibrate", "max_depth_correction_um", INI_DOUBLE, PX(calibrate.max_depth_correction_um), 0, 10000, false, "0", "um", false, false, NULL },
	{ "calibrate", "max_freq_correction_pct", INI_DOUBLE, PX(calibrate.max_freq_correction_pct), 0, 100, false, "0", "%", false, false, NULL },

	{ "verify", "depth_points_um", INI_CUSTOM, PX(verify.depth_points_um), 0, 10000, true, NULL, "um", false, false, parse_points },
	{ "verify", "freq_points_hz", INI_CUSTOM, PX(verify.freq_points_hz), 0, 1000, true, NULL, "Hz", true, false, parse_points },
	{ "verify", "nominal_depth_um", INI_DOUBLE, PX(verify.nominal_depth_um), 0, 10000, true, NULL, "um", true, false, NULL },
	{ "verify", "nominal_freq_hz", INI_DOUBLE, PX(verify.nominal_freq_hz), 0, 1000, true, NULL, "Hz", true, false, NULL },
	{ "verify", "depth_tolerance_um", INI_DOUBLE, PX(verify.depth_tolerance_um), 0, 10000, true, NULL, "um", true, false, NULL },
	{ "verify", "max_depth_spread_um", INI_DOUBLE, PX(verify.max_depth_spread_um), 0, 10000, true, NULL, "um", true, false, NULL },
	{ "verify", "freq_tolerance_pct", INI_DOUBLE, PX(verify.freq_tolerance_pct), 0, 100, true, NULL, "%", true, false, NULL },
	{ "verify", "preload_min_n", INI_DOUBLE, PX(verify.preload_min_n), 0, 100, true, NULL, "N", false, false, NULL },
	{ "verify", "preload_max_n", INI_DOUBLE, PX(verify.preload_max_n), 0, 100, true, NULL, "N", true, false, NULL },
	{ "verify", "preloads_n", INI_CUSTOM, PX(verify.preloads_n), 0, 100, false, NULL, "N", true, false, parse_points },
	{ "verify", "preload_timeout_ms", INI_UINT, PX(verify.preload_timeout_ms), 1, 600000, true, NULL, "ms", false, false, NULL },
	{ "verify", "settle_ms", INI_UINT, PX(verify.settle_ms), 0, 60000, true, NULL, "ms", false, false, NULL },
	{ "verify", "window_s", INI_DOUBLE, PX(verify.window.window_s), 0, 60, false, NULL, "s", true, false, NULL },
	{ "verify", "window_strokes", INI_UINT, PX(verify.window.window_strokes), 10, 100000, false, NULL, "strokes", false, false, NULL },
	{ "verify", "window_min_strokes", INI_UINT, PX(verify.window.min_strokes), 10, 100000, false, NULL, "strokes", false, false, NULL },
	{ "verify", "window_max_strokes", INI_UINT, PX(verify.window.max_strokes), 10, 100000, false, NULL, "strokes", false, false, NULL },
	{ "verify", "window_u_fraction", INI_DOUBLE, PX(verify.window.u_fraction), 0, 1, false, NULL, "", true, false, NULL },
	{ "verify", "settle_detect", INI_CUSTOM, PX(verify.window.settle_detect), 0, 0, false, "no", "", false, false, parse_yes_no },
	{ "verify", "max_invalid_fraction", INI_DOUBLE, PX(verify.max_invalid_fraction), 0, 0.5, true, NULL, "", false, false, NULL },
	{ "verify", "decision_rule", INI_CUSTOM, PX(verify.decision_rule), 0, 0, true, NULL, "", false, false, parse_rule },
	{ "verify", "paired_points", INI_CUSTOM, PX(verify.paired_points), 0, 0, false, "no", "", false, false, parse_yes_no },
	{ "verify", "zero_target_correct", INI_CUSTOM, PX(verify.zero_target_correct), 0, 0, false, "no", "", false, false, parse_yes_no },
	{ "verify", "conformance_level_pct", INI_DOUBLE, PX(verify.conformance_level_pct), 50, 99.9, false, "95", "%", true, false, NULL },

	/* the stroke engine's quality gates (docs/measurement.md, "Status") */
	{ "quality", "max_noise_pct", INI_DOUBLE, PX(quality.max_noise_pct), -1, 100, false, "5", "%", false, false, NULL },
	{ "quality", "max_rate_change_pct", INI_DOUBLE, PX(quality.max_rate_change_pct), 0, 100, false, "0", "%", false, false, NULL },
	{ "quality", "max_rate_trend_pct", INI_DOUBLE, PX(quality.max_rate_trend_pct), 0, 100, false, "1.5", "%", false, false, NULL },
	{ "quality", "max_phase_gap_pct", INI_DOUBLE, PX(quality.max_phase_gap_pct), 0, 100, false, "3.5", "%", false, false, NULL },
	{ "quality", "max_drift_um", INI_DOUBLE, PX(quality.max_drift_um), 0, 1000, false, "0", "um", false, false, NULL },
	{ "quality", "drift", INI_CUSTOM, PX(quality.drift), 0, 0, false, "flag", "", false, false, parse_drift },
	/* what the operator does with a unit that did not pass (run/disposition.h) */
	{ "disposition", "out_of_tolerance", INI_CUSTOM, PX(disposition[REASON_OUT_OF_TOLERANCE]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "indeterminate", INI_CUSTOM, PX(disposition[REASON_INDETERMINATE]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "not_measured", INI_CUSTOM, PX(disposition[REASON_NOT_MEASURED]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "pen_hardware", INI_CUSTOM, PX(disposition[REASON_PEN_HARDWARE]), 0, 0, false, "reject", "", false, false, parse_disposition },
	{ "disposition", "pen_silent", INI_CUSTOM, PX(disposition[REASON_PEN_SILENT]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "calibration", INI_CUSTOM, PX(disposition[REASON_CALIBRATION]), 0, 0, false, "reject", "", false, false, parse_disposition },
	{ "disposition", "safety", INI_CUSTOM, PX(disposition[REASON_SAFETY]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "stopped", INI_CUSTOM, PX(disposition[REASON_STOPPED]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "laser", INI_CUSTOM, PX(disposition[REASON_LASER]), 0, 0, false, "engineer", "", false, false, parse_disposition },
	{ "disposition", "laser_zero", INI_CUSTOM, PX(disposition[REASON_LASER_ZERO]), 0, 0, false, "engineer", "", false, false, parse_disposition },
	{ "disposition", "loadcell", INI_CUSTOM, PX(disposition[REASON_LOADCELL]), 0, 0, false, "engineer", "", false, false, parse_disposition },
	{ "disposition", "pen_link", INI_CUSTOM, PX(disposition[REASON_PEN_LINK]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "pen_no_answer", INI_CUSTOM, PX(disposition[REASON_PEN_NO_ANSWER]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "wrong_pen", INI_CUSTOM, PX(disposition[REASON_WRONG_PEN]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "bench_calibration", INI_CUSTOM, PX(disposition[REASON_BENCH_CALIBRATION]), 0, 0, false, "engineer", "", false, false, parse_disposition },
	{ "disposition", "report_folder", INI_CUSTOM, PX(disposition[REASON_REPORT_FOLDER]), 0, 0, false, "engineer", "", false, false, parse_disposition },
	{ "disposition", "interrupted", INI_CUSTOM, PX(disposition[REASON_INTERRUPTED]), 0, 0, false, "retest", "", false, false, parse_disposition },
	{ "disposition", "bench", INI_CUSTOM, PX(disposition[REASON_BENCH]), 0, 0, false, "engineer", "", false, false, parse_disposition },
};
#define NFIELDS (sizeof fields / sizeof fields[0])
_Static_assert(NFIELDS <= PROFILE_MAX_KEYS, "raise PROFILE_MAX_KEYS");

static const char *const sections[] = { "profile", "pen", "calibrate", "verify", "quality",
					"disposition" };
#define NSECTIONS (sizeof sections / sizeof sections[0])

static const struct ini_schema schema = {
	.fields = fields,
	.nfields = NFIELDS,
	.sections = sections,
	.nsections = NSECTIONS,
	.code = RIG_E_DATA,
};

struct load_ctx {
	struct profile *p;
	int section_line[NSECTIONS]; /* first key line of each section seen */
};

static int field_index(const char *section, const char *key)
{
	size_t i;
	return ini_schema_find(&schema, section, key, &i) ? (int)i : -1;
}

static int section_index(const char *section)
{
	for (size_t i = 0; i < NSECTIONS; i++)
		if (strcmp(sections[i], section) == 0)
			return (int)i;
	return -1;
}

int profile_line(const struct profile *p, const char *section, const char *key)
{
	int i = field_index(section, key);
	return i < 0 ? 0 : p->line[i];
}

/* "250, 500, 1000": at least one number, strictly increasing. */
static enum rig_rc parse_points(const struct ini_schema *sc, const struct ini_field *fd,
				const char *path, int line, const char *value, void *dst,
				struct rig_err *err)
{
	struct profile_points *pts = dst;
	return ini_schema_list(sc, fd, path, line, value, pts->v, PROFILE_MAX_POINTS, &pts->n,
			       true, err);
}

static enum rig_rc parse_rule(const struct ini_schema *sc, const struct ini_field *fd,
			      const char *path, int line, const char *value, void *dst,
			      struct rig_err *err)
{
	enum decision_rule *rule = dst;
	if (!decision_rule_parse(value, rule))
		return ini_schema_fail(sc, fd, path, line, err,
				       "expected simple, guarded or conformance, found '%s'", value);
	return RIG_OK;
}

static enum rig_rc parse_drift(const struct ini_schema *sc, const struct ini_field *fd,
			       const char *path, int line, const char *value, void *dst,
			       struct rig_err *err)
{
	enum measure_drift_mode *mode = dst;
	if (!strcmp(value, "flag"))
		*mode = MEASURE_DRIFT_FLAG;
	else if (!strcmp(value, "correct"))
		*mode = MEASURE_DRIFT_CORRECT;
	else
		return ini_schema_fail(sc, fd, path, line, err,
				       "expected flag or correct, found '%s'", value);
	return RIG_OK;
}

static enum rig_rc parse_disposition(const struct ini_schema *sc, const struct ini_field *fd,
				     const char *path, int line, const char *value, void *dst,
				     struct rig_err *err)
{
	if (!disposition_parse(value, dst))
		return ini_schema_fail(sc, fd, path, line, err,
				       "expected reject, retest or engineer, found '%s'", value);
	return RIG_OK;
}

static enum rig_rc parse_yes_no(const struct ini_schema *sc, const struct ini_field *fd,
				const char *path, int line, const char *value, void *dst,
				struct rig_err *err)
{
	bool *b = dst;
	if (!strcmp(value, "yes"))
		*b = true;
	else if (!strcmp(value, "no"))
		*b = false;
	else
		return ini_schema_fail(sc, fd, path, line, err, "expected yes or no, found '%s'",
				       value);
	return RIG_OK;
}

/* The pattern as it is matched: the whole serial, case ignored. */
static int compile_pattern(regex_t *re, const char *pattern)
{
	char anchored[PROFILE_PATTERN_MAX + 8];
	snprintf(anchored, sizeof anchored, "^(%s)$", pattern);
	return regcomp(re, anchored, REG_EXTENDED | REG_ICASE | REG_NOSUB);
}

static enum rig_rc parse_serial_pattern(const struct ini_schema *sc, const struct ini_field *fd,
					const char *path, int line, const char *value,
					void *dst, struct rig_err *err)
{
	if (!*value)
		return ini_schema_fail(sc, fd, path, line, err,
				       "expected a pattern such as MN3-[0-9]{6}, found nothing");
	if (strlen(value) >= PROFILE_PATTERN_MAX)
		return ini_schema_fail(sc, fd, path, line, err,
				       "expected at most %d characters, found %zu",
				       PROFILE_PATTERN_MAX - 1, strlen(value));
	regex_t re;
	int e = compile_pattern(&re, value);
	if (e) {
		char why[128];
		regerror(e, &re, why, sizeof why);
		return ini_schema_fail(sc, fd, path, line, err,
				       "expected a POSIX extended regular expression, found '%s' (%s)",
				       value, why);
	}
	regfree(&re);
	snprintf(dst, PROFILE_PATTERN_MAX, "%s", value);
	return RIG_OK;
}

bool profile_serial_ok(const struct profile *p, const char *serial, char *why, size_t cap)
{
	char key[128];
	text_serial_key(key, sizeof key, serial);
	if (!key[0]) {
		snprintf(why, cap, "no serial: expected one%s%s", p->serial_pattern[0] ? " matching " : "",
			 p->serial_pattern);
		return false;
	}
	if (!p->serial_pattern[0])
		return true;
	regex_t re;
	if (compile_pattern(&re, p->serial_pattern)) {
		snprintf(why, cap, "profile %s: serial_pattern cannot be compiled", p->name);
		return false;
	}
	bool ok = regexec(&re, key, 0, NULL, 0) == 0;
	regfree(&re);
	if (!ok)
		snprintf(why, cap, "'%s' does not match %s, the serial_pattern of profile %s", key,
			 p->serial_pattern, p->name);
	return ok;
}

static enum rig_rc handler(void *user, int line, const char *section, const char *key,
			   const char *value, struct rig_err *err)
{
	struct load_ctx *c = user;
	struct profile *p = c->p;
	if (!*section)
		return rig_fail(err, RIG_E_DATA, "%s:%d: expected a [section] before '%s'", p->path,
				line, key);
	int s = section_index(section);
	if (s < 0)
		return ini_schema_unknown_section(&schema, p->path, line, section, err);
	if (!c->section_line[s])
		c->section_line[s] = line;
	int i = field_index(section, key);
	if (i < 0)
		return ini_schema_unknown_key(&schema, p->path, line, section, key, err);
	if (p->line[i])
		return rig_fail(err, RIG_E_DATA, "%s:%d: [%s] %s given again (first at line %d)",
				p->path, line, section, key, p->line[i]);
	p->line[i] = line;
	return ini_schema_set(&schema, &fields[i], p, p->path, NULL, line, value, err);
}

/* Does the text have a "[name]" line (a section libinih never reports
 * because it has no keys)? */
static bool has_section_line(const struct ini_text *t, const char *name)
{
	size_t n = strlen(name);
	for (const char *s = t->bytes; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '[' && strncmp(s + 1, name, n) == 0 && s[1 + n] == ']')
			return true;
	}
	return false;
}

static enum rig_rc check_points_in(const struct profile *p, const char *section, const char *key,
				   const double *v, size_t n, double lo, double hi,
				   const char *lo_key, const char *hi_key, const char *unit,
				   struct rig_err *err)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] < lo)
			return rig_fail(err, RIG_E_DATA,
					"%s:%d: %s: expected points inside the pen's %.9g..%.9g %s, found %.9g, below the pen's %.9g %s limit ([pen] %s)",
					p->path, profile_line(p, section, key), key, lo, hi, unit,
					v[i], lo, unit, lo_key);
		if (v[i] > hi)
			return rig_fail(err, RIG_E_DATA,
					"%s:%d: %s: expected points inside the pen's %.9g..%.9g %s, found %.9g, above the pen's %.9g %s limit ([pen] %s)",
					p->path, profile_line(p, section, key), key, lo, hi, unit,
					v[i], hi, unit, hi_key);
	}
	return RIG_OK;
}

/* One window kind per section: window_s, window_strokes, or the three
 * keys of a sequential window together. */
static enum rig_rc check_window(const struct profile *p, const char *section,
				const struct profile_window *w, struct rig_err *err)
{
	static const char *const seq[] = { "window_min_strokes", "window_max_strokes",
					   "window_u_fraction" };
	int ls = profile_line(p, section, "window_s"), ln = profile_line(p, section, "window_strokes");
	int nseq = 0, lseq = 0;
	for (int i = 0; i < 3; i++)
		if (profile_line(p, section, seq[i])) {
			nseq++;
			lseq = lseq ? lseq : profile_line(p, section, seq[i]);
		}
	int kinds = (ls != 0) + (ln != 0) + (nseq != 0);
	if (kinds > 1) {
		int last = ls > ln ? ls : ln;
		last = lseq > last ? lseq : last;
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: [%s] expected one window kind (window_s, window_strokes or a "
				"sequential window), found %s%s%s",
				p->path, last, section, ls ? "window_s" : "",
				ls && (ln || nseq) ? " and " : "",
				ln && nseq ? "window_strokes and a sequential window"
				: ln	   ? "window_strokes"
				: nseq	   ? "a sequential window"
					   : "");
	}
	if (!kinds)
		return rig_fail(err, RIG_E_DATA,
				"%s: [%s] window_s, window_strokes or a sequential window "
				"(window_min_strokes, window_max_strokes, window_u_fraction) is required "
				"and missing",
				p->path, section);
	for (int i = 0; nseq && i < 3; i++)
		if (!profile_line(p, section, seq[i]))
			return rig_fail(err, RIG_E_DATA,
					"%s:%d: [%s] a sequential window needs %s too, and it is missing",
					p->path, lseq, section, seq[i]);
	if (nseq && w->max_strokes < w->min_strokes)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: window_max_strokes: expected at least window_min_strokes (%u), "
				"found %u",
				p->path, profile_line(p, section, "window_max_strokes"), w->min_strokes,
				w->max_strokes);
	if (w->settle_detect && !nseq)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: settle_detect: expected a sequential window in [%s] (its "
				"targets say when the strokes are steady), found %s",
				p->path, profile_line(p, section, "settle_detect"), section,
				ls ? "window_s" : "window_strokes");
	return RIG_OK;
}

/* The points and nominals of one phase against the pen's limits. */
static enum rig_rc check_phase(const struct profile *p, const char *section,
			       const struct profile_points *depth, const struct profile_points *freq,
			       double nominal_depth_um, double nominal_freq_hz, struct rig_err *err)
{
	const struct profile_pen *pen = &p->pen;
	enum rig_rc rc;
	if ((rc = check_points_in(p, section, "depth_points_um", depth->v, depth->n,
				  pen->depth_min_um, pen->depth_max_um, "depth_min_um",
				  "depth_max_um", "um", err)) ||
	    (rc = check_points_in(p, section, "freq_points_hz", freq->v, freq->n, pen->freq_min_hz,
				  pen->freq_max_hz, "freq_min_hz", "freq_max_hz", "Hz", err)) ||
	    (rc = check_points_in(p, section, "nominal_depth_um", &nominal_depth_um, 1,
				  pen->depth_min_um, pen->depth_max_um, "depth_min_um",
				  "depth_max_um", "um", err)) ||
	    (rc = check_points_in(p, section, "nominal_freq_hz", &nominal_freq_hz, 1,
				  pen->freq_min_hz, pen->freq_max_hz, "freq_min_hz", "freq_max_hz",
				  "Hz", err)))
		return rc;
	return RIG_OK;
}

static enum rig_rc check_whole(const struct profile *p, const struct ini_text *t,
			       const struct load_ctx *c, struct rig_err *err)
{
	enum rig_rc rc;
	/* Sections, then keys, in file-independent order. */
	static const char *const needed[] = { "profile", "pen", "verify" };
	for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
		if (!c->section_line[section_index(needed[i])])
			return rig_fail(err, RIG_E_DATA,
					"%s: expected a [%s] section (every profile has [profile], [pen] and [verify]), found %s",
					p->path, needed[i],
					has_section_line(t, needed[i]) ? "it without keys" : "none");
	if (!p->has_calibrate && has_section_line(t, "calibrate"))
		return rig_fail(err, RIG_E_DATA,
				"%s: [calibrate] has no keys (remove the section for a verify-only profile)",
				p->path);
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct ini_field *fd = &fields[i];
		if (!fd->required || p->line[i])
			continue;
		if (strcmp(fd->section, "calibrate") == 0 && !p->has_calibrate)
			continue;
		return rig_fail(err, RIG_E_DATA,
				"%s: [%s] %s is required and missing (the section's keys start at line %d)",
				p->path, fd->section, fd->key,
				c->section_line[section_index(fd->section)]);
	}

	const struct profile_pen *pen = &p->pen;
	if (pen->depth_min_um >= pen->depth_max_um)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: depth_max_um: expected more than depth_min_um (%.9g um), found %.9g um",
				p->path, profile_line(p, "pen", "depth_max_um"), pen->depth_min_um,
				pen->depth_max_um);
	if (pen->freq_min_hz >= pen->freq_max_hz)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: freq_max_hz: expected more than freq_min_hz (%.9g Hz), found %.9g Hz",
				p->path, profile_line(p, "pen", "freq_max_hz"), pen->freq_min_hz,
				pen->freq_max_hz);

	if (p->has_calibrate) {
		const struct profile_calibrate *cal = &p->calibrate;
		if ((rc = check_window(p, "calibrate", &cal->window, err)) ||
		    (rc = check_phase(p, "calibrate", &cal->depth_points_um, &cal->freq_points_hz,
				      cal->nominal_depth_um, cal->nominal_freq_hz, err)))
			return rc;
	}
	const struct profile_verify *v = &p->verify;
	if ((rc = check_window(p, "verify", &v->window, err)) ||
	    (rc = check_phase(p, "verify", &v->depth_points_um, &v->freq_points_hz,
			      v->nominal_depth_um, v->nominal_freq_hz, err)))
		return rc;
	if (v->paired_points && v->depth_points_um.n != v->freq_points_hz.n)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: paired_points: expected as many depth_points_um as "
				"freq_points_hz, found %zu and %zu",
				p->path, profile_line(p, "verify", "paired_points"),
				v->depth_points_um.n, v->freq_points_hz.n);
	if (v->preload_min_n >= v->preload_max_n)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: preload_max_n: expected more than preload_min_n (%.9g N, line %d), found %.9g N (window inverted or empty)",
				p->path, profile_line(p, "verify", "preload_max_n"), v->preload_min_n,
				profile_line(p, "verify", "preload_min_n"), v->preload_max_n);
	/* A level nobody applies would be a key read and ignored. */
	if (v->decision_rule != DECISION_CONFORMANCE &&
	    profile_line(p, "verify", "conformance_level_pct"))
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: conformance_level_pct: expected only with decision_rule = "
				"conformance, found decision_rule = %s",
				p->path, profile_line(p, "verify", "conformance_level_pct"),
				decision_rule_name(v->decision_rule));
	return RIG_OK;
}

/* One loader for both entry points: bytes holds the file's bytes, or is
 * NULL to read them from path. */
static enum rig_rc load(struct profile *p, const char *path, const void *bytes, size_t len,
			struct rig_err *err)
{
	struct load_ctx c = { .p = p };
	struct ini_text t = { 0 };
	enum rig_rc rc;
	memset(p, 0, sizeof *p);
	if (strlen(path) >= sizeof p->path)
		return rig_fail(err, RIG_E_DATA, "profile path too long: %s", path);
	strcpy(p->path, path);
	if ((rc = ini_schema_defaults(&schema, p, path, NULL, err)))
		return rc;
	rc = bytes ? ini_text_from_memory(&t, path, bytes, len, PROFILE_MAX_BYTES, RIG_E_DATA, err)
		   : ini_text_load(&t, path, PROFILE_MAX_BYTES, RIG_E_DATA, err);
	if (rc)
		return rc;
	sha256_hex(t.bytes, t.len, p->sha256);
	if ((rc = ini_read_parse(&t, path, RIG_E_DATA, handler, &c, err)))
		goto out;
	p->has_calibrate = c.section_line[section_index("calibrate")] != 0;
	rc = check_whole(p, &t, &c, err);
out:
	ini_text_free(&t);
	return rc;
}

enum rig_rc profile_load(struct profile *p, const char *path, struct rig_err *err)
{
	return load(p, path, NULL, 0, err);
}

enum rig_rc profile_load_memory(struct profile *p, const char *path, const void *bytes,
				size_t len, struct rig_err *err)
{
	return load(p, path, bytes ? bytes : "", len, err);
}

enum rig_rc profile_quality_defaults(struct measure_gates *q, struct rig_err *err)
{
	struct profile *p = calloc(1, sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	enum rig_rc rc = ini_schema_defaults(&schema, p, "(profile defaults)", NULL, err);
	if (!rc)
		*q = p->quality;
	free(p);
	return rc;
}

double profile_window_s(const struct profile_window *w, double freq_hz)
{
	unsigned n = w->window_strokes ? w->window_strokes : w->min_strokes;
	if (n)
		return freq_hz > 0 ? n / freq_hz : INFINITY;
	return w->window_s;
}

double profile_window_read_s(const struct profile_window *w, double freq_hz)
{
	if (w->window_s > 0)
		return w->window_s;
	if (w->window_strokes)
		return ((double)w->window_strokes + 2) / freq_hz * 1.5 + 0.2;
	return fmax(((double)w->min_strokes + 1.5) / freq_hz,
		    PROFILE_LEARN_SAMPLES / PROFILE_RATE_HZ) + 0.005;
}

/* One point: its settle, window and commands. */
static double point_s(unsigned settle_ms, const struct profile_window *w, double freq_hz)
{
	double settle_s = settle_ms / 1e3;
	if (w->settle_detect)
		settle_s = fmin(settle_s, PROFILE_SETTLE_PERIODS / freq_hz);
	return settle_s + profile_window_read_s(w, freq_hz) + PROFILE_POINT_S;
}

static double phase_s(const struct profile_points *depth, const struct profile_points *freq,
		      double nominal_freq_hz, unsigned settle_ms, const struct profile_window *w,
		      bool paired)
{
	double s = 0;
	for (size_t i = 0; i < depth->n; i++)
		s += point_s(settle_ms, w, paired ? freq->v[i] : nominal_freq_hz);
	for (size_t i = 0; !paired && i < freq->n; i++)
		s += point_s(settle_ms, w, freq->v[i]);
	return s;
}

unsigned profile_verify_points(const struct profile *p)
{
	const struct profile_verify *v = &p->verify;
	return (unsigned)(v->paired_points ? v->depth_points_um.n
					   : v->depth_points_um.n + v->freq_points_hz.n);
}

/* The zero target, read once a run (run/zero_check.c): its travel both
 * ways and its looks, less the tips' settling that goes on meanwhile when
 * the zero reference is read right after it (overlap; a calibrating run
 * with [verify] preloads_n reads the target alone). */
static double zero_target_s(int zero_target_ms, bool overlap)
{
	if (zero_target_ms < 0)
		return 0;
	double s = 2 * zero_target_ms / 1e3 + PROFILE_ZERO_TARGET_LOOKS_S;
	return overlap ? s - fmin(s, PROFILE_ZERO_SETTLE_S) : s;
}

void profile_estimate_time(const struct profile *p, bool calibrate, int zero_target_ms,
			   struct profile_time *t)
{
	memset(t, 0, sizeof *t);
	bool cal = calibrate && p->has_calibrate;
	t->zero_target_s = zero_target_s(zero_target_ms, !(cal && p->verify.preloads_n.n));
	t->identify_s = PROFILE_IDENTIFY_S;
	if (cal) {
		const struct profile_calibrate *c = &p->calibrate;
		t->calibrate_s = phase_s(&c->depth_points_um, &c->freq_points_hz, c->nominal_freq_hz,
					 c->settle_ms, &c->window, false) +
				 PROFILE_TABLES_S + (p->verify.preloads_n.n ? 0 : PROFILE_ZERO_CHECK_S) +
				 t->zero_target_s;
		t->points += (unsigned)(c->depth_points_um.n + c->freq_points_hz.n);
	}
	const struct profile_verify *v = &p->verify;
	/* Every verify point at each preload, each preload set first. */
	size_t np = v->preloads_n.n ? v->preloads_n.n : 1;
	t->verify_s = (double)np * phase_s(&v->depth_points_um, &v->freq_points_hz,
					   v->nominal_freq_hz, v->settle_ms, &v->window,
					   v->paired_points) +
		      (double)v->preloads_n.n * PROFILE_PRELOAD_SET_S +
		      /* the zero re-read after each preload's points, read first
		       * when nothing calibrated, or before each preload's */
		      ((double)np + (v->preloads_n.n ? (double)np : t->calibrate_s > 0 ? 0 : 1)) *
			      PROFILE_ZERO_CHECK_S +
		      (t->calibrate_s > 0 ? 0 : t->zero_target_s);
	t->points += (unsigned)np * profile_verify_points(p);
	t->preload_s = PROFILE_PRELOAD_S;
	t->preload_max_s = v->preload_timeout_ms / 1e3;
	t->report_s = PROFILE_REPORT_S;
	t->total_s = t->identify_s + t->preload_s + t->calibrate_s + t->verify_s + t->report_s;
	t->total_max_s = t->total_s - t->preload_s + fmax(t->preload_s, t->preload_max_s);
}
