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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ini_read.h"

enum ptype { P_NAME, P_MODEL, P_TEXT, P_UINT, P_DOUBLE, P_POINTS, P_RULE };

struct field {
	const char *section;
	const char *key;
	enum ptype type;
	size_t off;
	size_t size;     /* for strings */
	double lo, hi;   /* for numbers: lo < v <= hi if lo_open, else lo <= v <= hi */
	bool lo_open;
	bool required;   /* in its section, when the section is present */
	const char *def; /* default applied before parsing; NULL: none */
	const char *unit;/* for messages */
};

#define PX(member) offsetof(struct profile, member), sizeof(((struct profile *)0)->member)

static const struct field fields[] = {
	{ "profile", "name", P_NAME, PX(name), 0, 0, false, true, NULL, "" },
	{ "profile", "version", P_NAME, PX(version), 0, 0, false, true, NULL, "" },
	{ "profile", "pen_model", P_MODEL, PX(pen_model), 0, 0, false, true, NULL, "" },
	{ "profile", "description", P_TEXT, PX(description), 0, 0, false, false, NULL, "" },

	{ "pen", "depth_min_um", P_DOUBLE, PX(pen.depth_min_um), 0, 10000, false, true, NULL, "um" },
	{ "pen", "depth_max_um", P_DOUBLE, PX(pen.depth_max_um), 0, 10000, true, true, NULL, "um" },
	{ "pen", "freq_min_hz", P_DOUBLE, PX(pen.freq_min_hz), 0, 1000, true, true, NULL, "Hz" },
	{ "pen", "freq_max_hz", P_DOUBLE, PX(pen.freq_max_hz), 0, 1000, true, true, NULL, "Hz" },

	{ "calibrate", "depth_points_um", P_POINTS, PX(calibrate.depth_points_um), 0, 10000, false, true, NULL, "um" },
	{ "calibrate", "freq_points_hz", P_POINTS, PX(calibrate.freq_points_hz), 0, 1000, true, true, NULL, "Hz" },
	{ "calibrate", "nominal_depth_um", P_DOUBLE, PX(calibrate.nominal_depth_um), 0, 10000, true, true, NULL, "um" },
	{ "calibrate", "nominal_freq_hz", P_DOUBLE, PX(calibrate.nominal_freq_hz), 0, 1000, true, true, NULL, "Hz" },
	{ "calibrate", "settle_ms", P_UINT, PX(calibrate.settle_ms), 0, 60000, false, true, NULL, "ms" },
	{ "calibrate", "window_s", P_DOUBLE, PX(calibrate.window.window_s), 0, 60, true, false, NULL, "s" },
	{ "calibrate", "window_strokes", P_UINT, PX(calibrate.window.window_strokes), 10, 100000, false, false, NULL, "strokes" },
	{ "calibrate", "max_invalid_fraction", P_DOUBLE, PX(calibrate.max_invalid_fraction), 0, 0.5, false, false, "0.05", "" },
	{ "calibrate", "max_depth_correction_um", P_DOUBLE, PX(calibrate.max_depth_correction_um), 0, 10000, false, false, "0", "um" },
	{ "calibrate", "max_freq_correction_pct", P_DOUBLE, PX(calibrate.max_freq_correction_pct), 0, 100, false, false, "0", "%" },

	{ "verify", "depth_points_um", P_POINTS, PX(verify.depth_points_um), 0, 10000, false, true, NULL, "um" },
	{ "verify", "freq_points_hz", P_POINTS, PX(verify.freq_points_hz), 0, 1000, true, true, NULL, "Hz" },
	{ "verify", "nominal_depth_um", P_DOUBLE, PX(verify.nominal_depth_um), 0, 10000, true, true, NULL, "um" },
	{ "verify", "nominal_freq_hz", P_DOUBLE, PX(verify.nominal_freq_hz), 0, 1000, true, true, NULL, "Hz" },
	{ "verify", "depth_tolerance_um", P_DOUBLE, PX(verify.depth_tolerance_um), 0, 10000, true, true, NULL, "um" },
	{ "verify", "max_depth_spread_um", P_DOUBLE, PX(verify.max_depth_spread_um), 0, 10000, true, true, NULL, "um" },
	{ "verify", "freq_tolerance_pct", P_DOUBLE, PX(verify.freq_tolerance_pct), 0, 100, true, true, NULL, "%" },
	{ "verify", "preload_min_n", P_DOUBLE, PX(verify.preload_min_n), 0, 100, false, true, NULL, "N" },
	{ "verify", "preload_max_n", P_DOUBLE, PX(verify.preload_max_n), 0, 100, true, true, NULL, "N" },
	{ "verify", "preload_timeout_ms", P_UINT, PX(verify.preload_timeout_ms), 1, 600000, false, true, NULL, "ms" },
	{ "verify", "settle_ms", P_UINT, PX(verify.settle_ms), 0, 60000, false, true, NULL, "ms" },
	{ "verify", "window_s", P_DOUBLE, PX(verify.window.window_s), 0, 60, true, false, NULL, "s" },
	{ "verify", "window_strokes", P_UINT, PX(verify.window.window_strokes), 10, 100000, false, false, NULL, "strokes" },
	{ "verify", "max_invalid_fraction", P_DOUBLE, PX(verify.max_invalid_fraction), 0, 0.5, false, true, NULL, "" },
	{ "verify", "decision_rule", P_RULE, PX(verify.decision_rule), 0, 0, false, true, NULL, "" },
};
#define NFIELDS (sizeof fields / sizeof fields[0])
_Static_assert(NFIELDS <= PROFILE_MAX_KEYS, "raise PROFILE_MAX_KEYS");

static const char *const sections[] = { "profile", "pen", "calibrate", "verify" };
#define NSECTIONS (sizeof sections / sizeof sections[0])

struct load_ctx {
	struct profile *p;
	int section_line[NSECTIONS]; /* first key line of each section seen */
};

static int field_index(const char *section, const char *key)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].section, section) == 0 && strcmp(fields[i].key, key) == 0)
			return (int)i;
	return -1;
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

static bool in_range(const struct field *fd, double v)
{
	return (fd->lo_open ? v > fd->lo : v >= fd->lo) && v <= fd->hi;
}

static enum rig_rc range_error(const struct profile *p, int line, const struct field *fd,
			       const char *found, struct rig_err *err)
{
	return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected %s%g..%g%s%s, found %s", p->path,
			line, fd->key, fd->lo_open ? "more than " : "", fd->lo, fd->hi,
			*fd->unit ? " " : "", fd->unit, found);
}

static bool name_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

static enum rig_rc parse_double(const struct profile *p, int line, const struct field *fd,
				const char *text, double *out, struct rig_err *err)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || end == text || *end || !isfinite(v))
		return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected a number, found '%s'",
				p->path, line, fd->key, text);
	if (!in_range(fd, v)) {
		char found[40];
		snprintf(found, sizeof found, "%.9g", v);
		return range_error(p, line, fd, found, err);
	}
	*out = v;
	return RIG_OK;
}

/* "250, 500, 1000": at least one number, strictly increasing. */
static enum rig_rc parse_points(const struct profile *p, int line, const struct field *fd,
				const char *value, struct profile_points *pts,
				struct rig_err *err)
{
	char item[64];
	const char *s = value;
	pts->n = 0;
	if (!*value)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: %s: expected a list of points (e.g. 250, 500, 1000), found nothing",
				p->path, line, fd->key);
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		size_t len = strcspn(s, ",");
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0)
			return rig_fail(err, RIG_E_DATA,
					"%s:%d: %s: expected a number for point %zu, found an empty item",
					p->path, line, fd->key, pts->n + 1);
		if (len >= sizeof item)
			return rig_fail(err, RIG_E_DATA, "%s:%d: %s: point %zu is not a number",
					p->path, line, fd->key, pts->n + 1);
		memcpy(item, s, len);
		item[len] = '\0';
		if (pts->n == PROFILE_MAX_POINTS)
			return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected at most %d points, found more",
					p->path, line, fd->key, PROFILE_MAX_POINTS);
		double v;
		enum rig_rc rc = parse_double(p, line, fd, item, &v, err);
		if (rc)
			return rc;
		if (pts->n && v == pts->v[pts->n - 1])
			return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected each point once, found %.9g twice",
					p->path, line, fd->key, v);
		if (pts->n && v < pts->v[pts->n - 1])
			return rig_fail(err, RIG_E_DATA,
					"%s:%d: %s: expected points in increasing order, found %.9g after %.9g",
					p->path, line, fd->key, v, pts->v[pts->n - 1]);
		pts->v[pts->n++] = v;
		s = strchr(s, ',');
		if (!s)
			return RIG_OK;
		s++;
	}
}

static enum rig_rc set_field(struct profile *p, const struct field *fd, const char *value,
			     int line, struct rig_err *err)
{
	void *dst = (char *)p + fd->off;
	switch (fd->type) {
	case P_NAME:
	case P_MODEL:
	case P_TEXT: {
		size_t len = strlen(value);
		if (!len)
			return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected a value, found nothing",
					p->path, line, fd->key);
		if (len >= fd->size)
			return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected at most %zu characters, found %zu",
					p->path, line, fd->key, fd->size - 1, len);
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)value[i];
			bool ok = fd->type == P_NAME    ? name_char((char)ch)
				  : fd->type == P_MODEL ? ch >= 0x20 && ch < 0x7f && ch != ','
							: ch >= 0x20 && ch != 0x7f;
			if (!ok)
				return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected %s, found byte 0x%02x at %zu",
						p->path, line, fd->key,
						fd->type == P_NAME ? "only letters, digits, '.', '_' and '-'"
						: fd->type == P_MODEL ? "printable ASCII without ',' (as in *IDN?)"
								      : "text without control characters",
						ch, i + 1);
		}
		memcpy(dst, value, len + 1);
		return RIG_OK;
	}
	case P_UINT: {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end)
			return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected a whole number, found '%s'",
					p->path, line, fd->key, value);
		if (!in_range(fd, (double)v)) {
			char found[32];
			snprintf(found, sizeof found, "%ld", v);
			return range_error(p, line, fd, found, err);
		}
		*(unsigned *)dst = (unsigned)v;
		return RIG_OK;
	}
	case P_DOUBLE:
		return parse_double(p, line, fd, value, dst, err);
	case P_POINTS:
		return parse_points(p, line, fd, value, dst, err);
	case P_RULE:
		if (!decision_rule_parse(value, dst))
			return rig_fail(err, RIG_E_DATA, "%s:%d: %s: expected simple or guarded, found '%s'",
					p->path, line, fd->key, value);
		return RIG_OK;
	}
	return RIG_E_INTERNAL;
}

/* "depth_points_mm" -> "depth_points": the key without its unit. */
static size_t stem_len(const char *key)
{
	const char *u = strrchr(key, '_');
	return u ? (size_t)(u - key) : strlen(key);
}

static enum rig_rc unknown_key(const struct profile *p, int line, const char *section,
			       const char *key, struct rig_err *err)
{
	size_t stem = stem_len(key);
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].section, section) == 0 && stem_len(fields[i].key) == stem &&
		    strncmp(fields[i].key, key, stem) == 0 && strchr(key, '_'))
			return rig_fail(err, RIG_E_DATA,
					"%s:%d: [%s] unknown key '%s': expected '%s' (keys carry their unit: %s)",
					p->path, line, section, key, fields[i].key,
					*fields[i].unit ? fields[i].unit : "none");
	char known[640] = "";
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].section, section) == 0) {
			size_t n = strlen(known);
			snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "", fields[i].key);
		}
	return rig_fail(err, RIG_E_DATA, "%s:%d: [%s] unknown key '%s' (expected one of: %s)",
			p->path, line, section, key, known);
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
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: unknown section [%s] (expected profile, pen, calibrate or verify)",
				p->path, line, section);
	if (!c->section_line[s])
		c->section_line[s] = line;
	int i = field_index(section, key);
	if (i < 0)
		return unknown_key(p, line, section, key, err);
	if (p->line[i])
		return rig_fail(err, RIG_E_DATA, "%s:%d: [%s] %s given again (first at line %d)",
				p->path, line, section, key, p->line[i]);
	p->line[i] = line;
	return set_field(p, &fields[i], value, line, err);
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

static enum rig_rc check_window(const struct profile *p, const char *section,
				struct rig_err *err)
{
	bool has_s = profile_line(p, section, "window_s") != 0;
	bool has_n = profile_line(p, section, "window_strokes") != 0;
	if (has_s && has_n)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: [%s] expected window_s or window_strokes, found both (other at line %d)",
				p->path, profile_line(p, section, "window_strokes"), section,
				profile_line(p, section, "window_s"));
	if (!has_s && !has_n)
		return rig_fail(err, RIG_E_DATA,
				"%s: [%s] window_s or window_strokes is required and missing", p->path,
				section);
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
		const struct field *fd = &fields[i];
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
		if ((rc = check_window(p, "calibrate", err)) ||
		    (rc = check_phase(p, "calibrate", &cal->depth_points_um, &cal->freq_points_hz,
				      cal->nominal_depth_um, cal->nominal_freq_hz, err)))
			return rc;
	}
	const struct profile_verify *v = &p->verify;
	if ((rc = check_window(p, "verify", err)) ||
	    (rc = check_phase(p, "verify", &v->depth_points_um, &v->freq_points_hz,
			      v->nominal_depth_um, v->nominal_freq_hz, err)))
		return rc;
	if (v->preload_min_n >= v->preload_max_n)
		return rig_fail(err, RIG_E_DATA,
				"%s:%d: preload_max_n: expected more than preload_min_n (%.9g N, line %d), found %.9g N (window inverted or empty)",
				p->path, profile_line(p, "verify", "preload_max_n"), v->preload_min_n,
				profile_line(p, "verify", "preload_min_n"), v->preload_max_n);
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
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].def &&
		    (rc = set_field(p, &fields[i], fields[i].def, 0, err)))
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

double profile_window_s(const struct profile_window *w, double freq_hz)
{
	if (w->window_strokes)
		return freq_hz > 0 ? w->window_strokes / freq_hz : INFINITY;
	return w->window_s;
}

static double phase_s(const struct profile_points *depth, const struct profile_points *freq,
		      double nominal_freq_hz, unsigned settle_ms, const struct profile_window *w)
{
	double s = 0;
	for (size_t i = 0; i < depth->n; i++)
		s += settle_ms / 1e3 + profile_window_s(w, nominal_freq_hz);
	for (size_t i = 0; i < freq->n; i++)
		s += settle_ms / 1e3 + profile_window_s(w, freq->v[i]);
	return s;
}

void profile_estimate_time(const struct profile *p, struct profile_time *t)
{
	memset(t, 0, sizeof *t);
	if (p->has_calibrate) {
		const struct profile_calibrate *c = &p->calibrate;
		t->calibrate_s = phase_s(&c->depth_points_um, &c->freq_points_hz, c->nominal_freq_hz,
					 c->settle_ms, &c->window);
		t->points += (unsigned)(c->depth_points_um.n + c->freq_points_hz.n);
	}
	const struct profile_verify *v = &p->verify;
	t->verify_s = phase_s(&v->depth_points_um, &v->freq_points_hz, v->nominal_freq_hz,
			      v->settle_ms, &v->window);
	t->points += (unsigned)(v->depth_points_um.n + v->freq_points_hz.n);
	t->preload_max_s = v->preload_timeout_ms / 1e3;
	t->total_max_s = t->calibrate_s + t->verify_s + t->preload_max_s;
}
