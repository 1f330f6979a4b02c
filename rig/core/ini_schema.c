/* ini_schema.c - checking INI values against a typed key table.
 *
 * Fixtures and profiles used to carry a loader each, with their own number
 * parsing, text rules and messages, and they had drifted apart. This is
 * the one place where a value becomes a typed field, so a rule (no
 * hexadecimal numbers, no control characters, a real calendar date) holds
 * for every file the rig reads.
 */
#include "core/ini_schema.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct ini_field *ini_schema_find(const struct ini_schema *s, const char *section,
					const char *key, size_t *index)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].section, section) == 0 && strcmp(s->fields[i].key, key) == 0) {
			if (index)
				*index = i;
			return &s->fields[i];
		}
	return NULL;
}

bool ini_schema_has_section(const struct ini_schema *s, const char *section)
{
	for (size_t i = 0; i < s->nsections; i++)
		if (strcmp(s->sections[i], section) == 0)
			return true;
	return false;
}

const char *ini_field_unit(const struct ini_field *fd)
{
	if (fd->unit)
		return fd->unit;
	const char *u = strrchr(fd->key, '_');
	return u ? u + 1 : "";
}

enum rig_rc ini_schema_fail(const struct ini_schema *s, const struct ini_field *fd,
			    const char *path, int line, struct rig_err *err, const char *fmt, ...)
{
	char what[RIG_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (line > 0)
		return rig_fail(err, s->code, "%s:%d: %s: %s", path, line, fd->key, what);
	return rig_fail(err, s->code, "%s: %s (default): %s", path, fd->key, what);
}

bool ini_parse_number(const char *text, double *out)
{
	const char *start = text;
	while (*start == ' ' || *start == '\t')
		start++;
	const char *p = start;
	if (*p == '+' || *p == '-')
		p++;
	/* strtod reads "0x10" as sixteen and "inf" as infinity: neither is a
	 * number a person writes into a fixture or a profile. It also skips
	 * any white space first (a vertical tab, a form feed, a newline):
	 * only spaces and tabs are skipped here, so a number starts with a
	 * digit or a point. */
	if (!(isdigit((unsigned char)p[0]) || (p[0] == '.' && isdigit((unsigned char)p[1]))))
		return false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return false;
	char *end;
	errno = 0;
	double v = strtod(start, &end);
	if (errno || end == start || !isfinite(v))
		return false;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return false;
	*out = v;
	return true;
}

static bool in_range(const struct ini_field *fd, double v)
{
	return (fd->lo_open ? v > fd->lo : v >= fd->lo) && v <= fd->hi;
}

static enum rig_rc range_error(const struct ini_schema *s, const struct ini_field *fd,
			       const char *path, int line, const char *found,
			       struct rig_err *err)
{
	const char *unit = ini_field_unit(fd);
	/* A unit that is only the key's suffix ("ms", "mm") is shown; "pct",
	 * "n" and "days" read better as the profile spells them. */
	return ini_schema_fail(s, fd, path, line, err, "expected %s%.9g..%.9g%s%s, found %s",
			       fd->lo_open ? "more than " : "", fd->lo, fd->hi,
			       fd->unit && *unit ? " " : "", fd->unit ? unit : "", found);
}

enum rig_rc ini_schema_number(const struct ini_schema *s, const struct ini_field *fd,
			      const char *path, int line, const char *text, double *out,
			      struct rig_err *err)
{
	double v;
	if (!ini_parse_number(text, &v))
		return ini_schema_fail(s, fd, path, line, err, "expected a number, found '%s'", text);
	if (!in_range(fd, v)) {
		char found[40];
		snprintf(found, sizeof found, "%.9g", v);
		return range_error(s, fd, path, line, found, err);
	}
	*out = v;
	return RIG_OK;
}

enum rig_rc ini_schema_list(const struct ini_schema *sc, const struct ini_field *fd,
			    const char *path, int line, const char *value, double *v, size_t cap,
			    size_t *n, bool increasing, struct rig_err *err)
{
	char item[64];
	const char *s = value;
	*n = 0;
	if (!*value)
		return ini_schema_fail(sc, fd, path, line, err, "%s",
				       "expected a list of points (e.g. 250, 500, 1000), found nothing");
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		size_t len = strcspn(s, ",");
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0)
			return ini_schema_fail(sc, fd, path, line, err,
					       "expected a number for point %zu, found an empty item",
					       *n + 1);
		if (len >= sizeof item)
			return ini_schema_fail(sc, fd, path, line, err, "point %zu is not a number",
					       *n + 1);
		memcpy(item, s, len);
		item[len] = '\0';
		if (*n == cap)
			return ini_schema_fail(sc, fd, path, line, err,
					       "expected at most %zu points, found more", cap);
		double x;
		enum rig_rc rc = ini_schema_number(sc, fd, path, line, item, &x, err);
		if (rc)
			return rc;
		if (increasing && *n && x == v[*n - 1])
			return ini_schema_fail(sc, fd, path, line, err,
					       "expected each point once, found %.9g twice", x);
		if (increasing && *n && x < v[*n - 1])
			return ini_schema_fail(sc, fd, path, line, err,
					       "expected points in increasing order, found %.9g after %.9g",
					       x, v[*n - 1]);
		v[(*n)++] = x;
		s = strchr(s, ',');
		if (!s)
			return RIG_OK;
		s++;
	}
}

static bool valid_date(const char *s)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	if (y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1)
		return false;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static bool char_ok(enum ini_type t, unsigned char ch)
{
	switch (t) {
	case INI_ASCII:
		return ch >= 0x20 && ch < 0x7F;
	case INI_NAME:
		return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		       (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
	case INI_MODEL:
		return ch >= 0x20 && ch < 0x7F && ch != ',';
	default:
		return ch >= 0x20 && ch != 0x7F;
	}
}

static const char *char_rule(enum ini_type t)
{
	switch (t) {
	case INI_ASCII:
		return "printable ASCII";
	case INI_NAME:
		return "only letters, digits, '.', '_' and '-'";
	case INI_MODEL:
		return "printable ASCII without ',' (as in *IDN?)";
	default:
		return "text without control characters";
	}
}

static enum rig_rc set_text(const struct ini_schema *s, const struct ini_field *fd, char *dst,
			    const char *path, const char *dir, int line, const char *value,
			    struct rig_err *err)
{
	size_t len = strlen(value);
	for (size_t i = 0; i < len; i++)
		if (!char_ok(fd->type, (unsigned char)value[i]))
			return ini_schema_fail(s, fd, path, line, err,
					       "expected %s, found byte 0x%02X at %zu",
					       char_rule(fd->type), (unsigned char)value[i], i + 1);
	if (!len && (fd->required || fd->nonempty || fd->type == INI_PATH))
		return ini_schema_fail(s, fd, path, line, err, "expected %s, found nothing",
				       fd->type == INI_PATH ? "a path" : "a value");
	if (fd->type == INI_PATH) {
		int n = value[0] == '/' || !dir ? snprintf(dst, fd->size, "%s", value)
						 : snprintf(dst, fd->size, "%s/%s", dir, value);
		if (n < 0 || (size_t)n >= fd->size)
			return ini_schema_fail(s, fd, path, line, err, "path too long");
		return RIG_OK;
	}
	if (len >= fd->size)
		return ini_schema_fail(s, fd, path, line, err,
				       "expected at most %zu characters, found %zu", fd->size - 1,
				       len);
	memcpy(dst, value, len + 1);
	return RIG_OK;
}

static enum rig_rc set_whole(const struct ini_schema *s, const struct ini_field *fd, void *dst,
			     const char *path, int line, const char *value, struct rig_err *err)
{
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end)
		return ini_schema_fail(s, fd, path, line, err,
				       "expected a whole number, found '%s'", value);
	if (!in_range(fd, (double)v)) {
		char found[32];
		snprintf(found, sizeof found, "%ld", v);
		return range_error(s, fd, path, line, found, err);
	}
	if (fd->type == INI_INT)
		*(int *)dst = (int)v;
	else
		*(unsigned *)dst = (unsigned)v;
	return RIG_OK;
}

enum rig_rc ini_schema_set(const struct ini_schema *s, const struct ini_field *fd, void *obj,
			   const char *path, const char *dir, int line, const char *value,
			   struct rig_err *err)
{
	void *dst = (char *)obj + fd->off;
	switch (fd->type) {
	case INI_TEXT:
	case INI_ASCII:
	case INI_NAME:
	case INI_MODEL:
	case INI_PATH:
		return set_text(s, fd, dst, path, dir, line, value, err);
	case INI_INT:
	case INI_UINT:
		return set_whole(s, fd, dst, path, line, value, err);
	case INI_DOUBLE:
		return ini_schema_number(s, fd, path, line, value, dst, err);
	case INI_DATE:
		if (!valid_date(value))
			return ini_schema_fail(s, fd, path, line, err,
					       "expected a date YYYY-MM-DD, found '%s'", value);
		memcpy(dst, value, 11);
		return RIG_OK;
	case INI_CUSTOM:
		return fd->parse(s, fd, path, line, value, dst, err);
	}
	return rig_fail(err, RIG_E_INTERNAL, "%s: %s: unknown field type", path, fd->key);
}

enum rig_rc ini_schema_defaults(const struct ini_schema *s, void *obj, const char *path,
				const char *dir, struct rig_err *err)
{
	for (size_t i = 0; i < s->nfields; i++) {
		const struct ini_field *fd = &s->fields[i];
		enum rig_rc rc;
		if (fd->def && (rc = ini_schema_set(s, fd, obj, path, dir, 0, fd->def, err)))
			return rc;
	}
	return RIG_OK;
}

/* "a, b, c" of the strings, "or" before the last when `or`. */
static void join(char *buf, size_t cap, const char *const *items, size_t n, bool or)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(buf);
		const char *sep = i == 0 ? "" : (or && i == n - 1) ? " or " : ", ";
		snprintf(buf + len, cap - len, "%s%s", sep, items[i]);
	}
}

enum rig_rc ini_schema_unknown_section(const struct ini_schema *s, const char *path, int line,
				       const char *section, struct rig_err *err)
{
	char known[256];
	join(known, sizeof known, s->sections, s->nsections, true);
	return rig_fail(err, s->code, "%s:%d: unknown section [%s] (expected %s)", path, line,
			section, known);
}

/* "depth_points_mm" -> length of "depth_points": the key without its unit. */
static size_t stem_len(const char *key)
{
	const char *u = strrchr(key, '_');
	return u ? (size_t)(u - key) : strlen(key);
}

enum rig_rc ini_schema_unknown_key(const struct ini_schema *s, const char *path, int line,
				   const char *section, const char *key, struct rig_err *err)
{
	size_t stem = stem_len(key);
	for (size_t i = 0; strchr(key, '_') && i < s->nfields; i++) {
		const struct ini_field *fd = &s->fields[i];
		if (strcmp(fd->section, section) == 0 && strchr(fd->key, '_') &&
		    stem_len(fd->key) == stem && strncmp(fd->key, key, stem) == 0) {
			const char *unit = ini_field_unit(fd);
			return rig_fail(err, s->code,
					"%s:%d: [%s] unknown key '%s': expected '%s' (keys carry "
					"their unit: %s)",
					path, line, section, key, fd->key, *unit ? unit : "none");
		}
	}
	char known[768] = "";
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].section, section) == 0) {
			size_t n = strlen(known);
			snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "", s->fields[i].key);
		}
	return rig_fail(err, s->code, "%s:%d: [%s] unknown key '%s' (expected one of: %s)", path,
			line, section, key, known);
}
