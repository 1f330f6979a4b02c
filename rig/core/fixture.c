/* fixture.c - loading and checking fixture files with libinih.
 *
 * A table names every key: its section, type, range and whether it is
 * required. libinih does the INI syntax through core/ini_read.c, which
 * gives every key its line so each message can say which line it is about.
 */
#include "core/fixture.h"

#include "core/ini_read.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum ftype { F_STR, F_PATH, F_INT, F_UINT, F_DOUBLE, F_DATE };

struct field {
	const char *section;
	const char *key;
	enum ftype type;
	size_t off;
	size_t size;     /* for strings */
	double lo, hi;   /* for numbers */
	bool required;
	const char *def; /* default, applied before parsing; NULL: none */
};

#define FX(member) offsetof(struct fixture, member), sizeof(((struct fixture *)0)->member)

static const struct field fields[] = {
	{ "bench", "station", F_STR, FX(bench.station), 0, 0, true, NULL },
	{ "bench", "lock", F_PATH, FX(bench.lock), 0, 0, true, NULL },
	{ "bench", "calibration_valid_days", F_INT, FX(bench.calibration_valid_days), 1, 3650, false, "30" },

	{ "pen", "port", F_STR, FX(pen.port), 0, 0, true, NULL },
	{ "pen", "baud", F_INT, FX(pen.baud), 300, 4000000, false, "115200" },
	{ "pen", "timeout_ms", F_UINT, FX(pen.timeout_ms), 10, 60000, false, "500" },

	{ "laser", "port", F_STR, FX(laser.port), 0, 0, true, NULL },
	{ "laser", "baud", F_INT, FX(laser.baud), 9600, 4000000, false, "921600" },
	{ "laser", "range_mm", F_DOUBLE, FX(laser.range_mm), 10, 500, true, NULL },
	{ "laser", "rate_hz", F_DOUBLE, FX(laser.rate_hz), 0.25, 4000, false, "4000" },
	{ "laser", "zero_mm", F_DOUBLE, FX(laser.zero_mm), -5, 505, true, NULL },
	{ "laser", "zero_date", F_DATE, FX(laser.zero_date), 0, 0, true, NULL },
	{ "laser", "linearity_um", F_DOUBLE, FX(laser.linearity_um), 0, 1000, true, NULL },
	{ "laser", "resolution_um", F_DOUBLE, FX(laser.resolution_um), 0, 1000, true, NULL },
	{ "laser", "zero_uncertainty_um", F_DOUBLE, FX(laser.zero_uncertainty_um), 0, 1000, true, NULL },
	{ "laser", "clock_ppm", F_DOUBLE, FX(laser.clock_ppm), 0, 10000, true, NULL },

	{ "loadcell", "chip", F_STR, FX(loadcell.chip), 0, 0, true, NULL },
	{ "loadcell", "dout_line", F_STR, FX(loadcell.dout_line), 0, 0, true, NULL },
	{ "loadcell", "sck_line", F_STR, FX(loadcell.sck_line), 0, 0, true, NULL },
	{ "loadcell", "gain", F_INT, FX(loadcell.gain), 32, 128, false, "128" },
	{ "loadcell", "rate_sps", F_INT, FX(loadcell.rate_sps), 10, 80, false, "80" },
	{ "loadcell", "scale_counts_per_n", F_DOUBLE, FX(loadcell.scale_counts_per_n), -1e9, 1e9, true, NULL },
	{ "loadcell", "offset_counts", F_DOUBLE, FX(loadcell.offset_counts), -8388608, 8388607, true, NULL },
	{ "loadcell", "cal_date", F_DATE, FX(loadcell.cal_date), 0, 0, true, NULL },
	{ "loadcell", "tare_date", F_DATE, FX(loadcell.tare_date), 0, 0, false, NULL },
	{ "loadcell", "median_of", F_UINT, FX(loadcell.median_of), 3, 99, false, "3" },

	{ "io", "chip", F_STR, FX(io.chip), 0, 0, true, NULL },
	{ "io", "estop_line", F_STR, FX(io.estop_line), 0, 0, true, NULL },
	{ "io", "lid_line", F_STR, FX(io.lid_line), 0, 0, true, NULL },
	{ "io", "start_line", F_STR, FX(io.start_line), 0, 0, false, NULL },
	{ "io", "relay_line", F_STR, FX(io.relay_line), 0, 0, true, NULL },
	{ "io", "lamp_green_line", F_STR, FX(io.lamp_green_line), 0, 0, true, NULL },
	{ "io", "lamp_amber_line", F_STR, FX(io.lamp_amber_line), 0, 0, true, NULL },
	{ "io", "lamp_red_line", F_STR, FX(io.lamp_red_line), 0, 0, true, NULL },
	{ "io", "buzzer_line", F_STR, FX(io.buzzer_line), 0, 0, false, NULL },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const char *const sections[] = { "bench", "pen", "laser", "loadcell", "io", "sim" };

struct load_ctx {
	struct fixture *f;
	int line;
	bool seen[NFIELDS];
	struct rig_err *err;
};

/* Fixture files are small; anything bigger is not a fixture. */
#define FIXTURE_MAX_BYTES (256 * 1024)

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

/* Strings go into device names, paths, reports and the terminal: no
 * control characters anywhere, and the station name (in every report and
 * JUnit file) printable ASCII only. Returns the offending byte's index or -1. */
static long bad_byte(const char *v, bool ascii_only)
{
	for (const unsigned char *u = (const unsigned char *)v; *u; u++)
		if (*u < 0x20 || *u == 0x7F || (ascii_only && *u > 0x7E))
			return (long)(u - (const unsigned char *)v);
	return -1;
}

static enum rig_rc set_field(struct load_ctx *c, const struct field *fd,
			     const char *value, int line)
{
	struct fixture *f = c->f;
	void *dst = (char *)f + fd->off;
	const char *where = f->path;
	char *end;
	if (fd->type == F_STR || fd->type == F_PATH) {
		bool ascii = fd->off == offsetof(struct fixture, bench.station);
		long i = bad_byte(value, ascii);
		if (i >= 0)
			return rig_fail(c->err, RIG_E_CONFIG,
					"%s:%d: %s: expected %s, found byte 0x%02X at %ld",
					where, line, fd->key,
					ascii ? "printable ASCII" : "text without control characters",
					(unsigned char)value[i], i + 1);
	}
	switch (fd->type) {
	case F_STR:
		if (!*value && fd->required)
			return rig_fail(c->err, RIG_E_CONFIG, "%s:%d: %s: expected a value, found nothing",
					where, line, fd->key);
		if (strlen(value) >= fd->size)
			return rig_fail(c->err, RIG_E_CONFIG,
					"%s:%d: %s: at most %zu characters, found %zu",
					where, line, fd->key, fd->size - 1, strlen(value));
		strcpy(dst, value);
		return RIG_OK;
	case F_PATH: {
		if (!*value)
			return rig_fail(c->err, RIG_E_CONFIG, "%s:%d: %s: expected a path, found nothing",
					where, line, fd->key);
		int n = value[0] == '/' ? snprintf(dst, fd->size, "%s", value)
					: snprintf(dst, fd->size, "%s/%s", f->dir, value);
		if (n < 0 || (size_t)n >= fd->size)
			return rig_fail(c->err, RIG_E_CONFIG, "%s:%d: %s: path too long",
					where, line, fd->key);
		return RIG_OK;
	}
	case F_INT:
	case F_UINT: {
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end)
			return rig_fail(c->err, RIG_E_CONFIG,
					"%s:%d: %s: expected a whole number, found '%s'",
					where, line, fd->key, value);
		if (v < fd->lo || v > fd->hi)
			return rig_fail(c->err, RIG_E_CONFIG,
					"%s:%d: %s: expected %.0f..%.0f, found %ld",
					where, line, fd->key, fd->lo, fd->hi, v);
		if (fd->type == F_INT)
			*(int *)dst = (int)v;
		else
			*(unsigned *)dst = (unsigned)v;
		return RIG_OK;
	}
	case F_DOUBLE: {
		errno = 0;
		double v = strtod(value, &end);
		if (errno || end == value || *end || !isfinite(v))
			return rig_fail(c->err, RIG_E_CONFIG,
					"%s:%d: %s: expected a number, found '%s'",
					where, line, fd->key, value);
		if (v < fd->lo || v > fd->hi)
			return rig_fail(c->err, RIG_E_CONFIG, "%s:%d: %s: expected %g..%g, found %g",
					where, line, fd->key, fd->lo, fd->hi, v);
		*(double *)dst = v;
		return RIG_OK;
	}
	case F_DATE:
		if (!valid_date(value))
			return rig_fail(c->err, RIG_E_CONFIG,
					"%s:%d: %s: expected a date YYYY-MM-DD, found '%s'",
					where, line, fd->key, value);
		strcpy(dst, value);
		return RIG_OK;
	}
	return RIG_E_INTERNAL;
}

static enum rig_rc remember_line(struct fixture *f, const char *section,
				 const char *key, int line, struct rig_err *err)
{
	struct fixture_where *w = realloc(f->where, (f->nwhere + 1) * sizeof *w);
	if (!w)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", f->path);
	f->where = w;
	snprintf(w[f->nwhere].section, sizeof w->section, "%s", section);
	snprintf(w[f->nwhere].key, sizeof w->key, "%s", key);
	w[f->nwhere].line = line;
	f->nwhere++;
	return RIG_OK;
}

static enum rig_rc add_sim_param(struct load_ctx *c, const char *key,
				 const char *value)
{
	struct fixture *f = c->f;
	if (strlen(key) >= sizeof f->sim->key)
		return rig_fail(c->err, RIG_E_CONFIG,
				"%s:%d: [sim] key: expected at most %zu characters, found %zu",
				f->path, c->line, sizeof f->sim->key - 1, strlen(key));
	if (strlen(value) >= sizeof f->sim->value)
		return rig_fail(c->err, RIG_E_CONFIG,
				"%s:%d: [sim] %s: expected a value of at most %zu characters, "
				"found %zu", f->path, c->line, key, sizeof f->sim->value - 1,
				strlen(value));
	struct rig_kv *p = realloc(f->sim, (f->nsim + 1) * sizeof *p);
	if (!p)
		return rig_fail(c->err, RIG_E_NOMEM, "%s: out of memory", f->path);
	f->sim = p;
	p = &f->sim[f->nsim++];
	memset(p, 0, sizeof *p);
	strcpy(p->key, key);
	strcpy(p->value, value);
	/* Keep the end of a long path: the file name is what a person needs. */
	const char *name = f->path;
	size_t len = strlen(name);
	if (len > 200)
		name += len - 200;
	snprintf(p->origin, sizeof p->origin, "%.200s:%d", name, c->line);
	return RIG_OK;
}

static enum rig_rc handler(void *user, int line, const char *section, const char *name,
			   const char *value, struct rig_err *err)
{
	struct load_ctx *c = user;
	struct fixture *f = c->f;
	(void)err; /* c->err is the same */
	c->line = line;
	if (!*section)
		return rig_fail(c->err, RIG_E_CONFIG, "%s:%d: expected a [section] before '%s'",
				f->path, c->line, name);
	bool known_section = false;
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
		known_section |= strcmp(section, sections[i]) == 0;
	if (!known_section)
		return rig_fail(c->err, RIG_E_CONFIG,
				"%s:%d: unknown section [%s] (expected bench, pen, laser, loadcell, io or sim)",
				f->path, c->line, section);
	int prev = fixture_line(f, section, name);
	if (prev)
		return rig_fail(c->err, RIG_E_CONFIG,
				"%s:%d: [%s] %s given again (first at line %d)",
				f->path, c->line, section, name, prev);
	enum rig_rc rc = remember_line(f, section, name, c->line, c->err);
	if (rc)
		return rc;
	if (strcmp(section, "sim") == 0) {
		f->has_sim = true;
		return add_sim_param(c, name, value);
	}
	for (size_t i = 0; i < NFIELDS; i++) {
		if (strcmp(fields[i].section, section) || strcmp(fields[i].key, name))
			continue;
		c->seen[i] = true;
		return set_field(c, &fields[i], value, c->line);
	}
	/* "zero_um" for "zero_mm": same name, another unit. */
	const char *u = strrchr(name, '_');
	for (size_t i = 0; u && i < NFIELDS; i++) {
		const char *fu = strrchr(fields[i].key, '_');
		size_t stem = (size_t)(u - name);
		if (strcmp(fields[i].section, section) == 0 && fu &&
		    (size_t)(fu - fields[i].key) == stem && strncmp(fields[i].key, name, stem) == 0)
			return rig_fail(c->err, RIG_E_CONFIG,
					"%s:%d: [%s] unknown key '%s': expected '%s' (keys carry "
					"their unit: %s)",
					f->path, c->line, section, name, fields[i].key, fu + 1);
	}
	char known[512] = "";
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].section, section) == 0) {
			size_t n = strlen(known);
			snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "", fields[i].key);
		}
	return rig_fail(c->err, RIG_E_CONFIG, "%s:%d: [%s] unknown key '%s' (expected one of: %s)",
			f->path, c->line, section, name, known);
}

/* Checks that need more than one key, or a set of allowed values. */
static enum rig_rc check_whole(struct fixture *f, struct rig_err *err)
{
	static const double ranges[] = { 10, 25, 50, 100, 200, 500 };
	bool ok = false;
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		ok |= f->laser.range_mm == ranges[i];
	if (!ok)
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%d: range_mm: expected 10, 25, 50, 100, 200 or 500, found %g",
				f->path, fixture_line(f, "laser", "range_mm"), f->laser.range_mm);
	double lo = -0.01 * f->laser.range_mm, hi = 1.01 * f->laser.range_mm;
	if (f->laser.zero_mm < lo || f->laser.zero_mm > hi)
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%d: zero_mm: expected inside the sensor's range %g..%g mm, found %g",
				f->path, fixture_line(f, "laser", "zero_mm"), lo, hi, f->laser.zero_mm);
	int g = f->loadcell.gain;
	if (g != 128 && g != 64 && g != 32)
		return rig_fail(err, RIG_E_CONFIG, "%s:%d: gain: expected 128, 64 or 32, found %d",
				f->path, fixture_line(f, "loadcell", "gain"), g);
	int r = f->loadcell.rate_sps;
	if (r != 10 && r != 80)
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%d: rate_sps: expected 10 or 80 (the HX711's RATE pin), found %d",
				f->path, fixture_line(f, "loadcell", "rate_sps"), r);
	if (f->loadcell.scale_counts_per_n == 0)
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%d: scale_counts_per_n: expected a non-zero scale, found 0",
				f->path, fixture_line(f, "loadcell", "scale_counts_per_n"));
	return RIG_OK;
}

/* The line of the first "[name]" header in t, or 0. */
static int section_line(const struct ini_text *t, const char *name)
{
	size_t n = strlen(name);
	int line = 1;
	for (const char *s = t->bytes; s && *s; line++) {
		if (line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3; /* a UTF-8 byte order mark, which libinih skips */
		if (*s == '[' && strncmp(s + 1, name, n) == 0 && s[1 + n] == ']')
			return line;
		s = strchr(s, '\n');
		s = s ? s + 1 : NULL;
	}
	return 0;
}

/* One loader for both entry points: bytes holds the file's bytes, or is
 * NULL to read them from path. */
static enum rig_rc load(struct fixture *f, const char *path, const void *bytes,
			size_t len, struct rig_err *err)
{
	memset(f, 0, sizeof *f);
	struct load_ctx c = { .f = f, .err = err };
	struct ini_text t = { 0 };
	enum rig_rc rc;
	if (strlen(path) >= sizeof f->path)
		return rig_fail(err, RIG_E_CONFIG, "fixture path too long");
	strcpy(f->path, path);
	char tmp[PATH_MAX];
	strcpy(tmp, path);
	snprintf(f->dir, sizeof f->dir, "%s", dirname(tmp));

	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].def && (rc = set_field(&c, &fields[i], fields[i].def, 0)))
			goto out;
	rc = bytes ? ini_text_from_memory(&t, path, bytes, len, FIXTURE_MAX_BYTES,
					  RIG_E_CONFIG, err)
		   : ini_text_load(&t, path, FIXTURE_MAX_BYTES, RIG_E_CONFIG, err);
	if (rc)
		goto out;
	rc = ini_read_parse(&t, path, RIG_E_CONFIG, handler, &c, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].required && !c.seen[i]) {
			int at = section_line(&t, fields[i].section);
			if (at)
				rc = rig_fail(err, RIG_E_CONFIG,
					      "%s: [%s] %s is required and missing (the section "
					      "starts at line %d)",
					      path, fields[i].section, fields[i].key, at);
			else
				rc = rig_fail(err, RIG_E_CONFIG,
					      "%s: [%s] %s is required and missing (no [%s] "
					      "section in the file)",
					      path, fields[i].section, fields[i].key,
					      fields[i].section);
			goto out;
		}
	rc = check_whole(f, err);
out:
	ini_text_free(&t);
	if (rc)
		fixture_free(f);
	return rc;
}

enum rig_rc fixture_load(struct fixture *f, const char *path, struct rig_err *err)
{
	return load(f, path, NULL, 0, err);
}

enum rig_rc fixture_load_memory(struct fixture *f, const char *path, const void *bytes,
				size_t len, struct rig_err *err)
{
	/* A non-NULL pointer even for an empty input: NULL means "read path". */
	return load(f, path, bytes ? bytes : "", len, err);
}

void fixture_free(struct fixture *f)
{
	free(f->sim);
	free(f->where);
	f->sim = NULL;
	f->where = NULL;
	f->nsim = f->nwhere = 0;
}

int fixture_line(const struct fixture *f, const char *section, const char *key)
{
	for (size_t i = 0; i < f->nwhere; i++)
		if (strcmp(f->where[i].section, section) == 0 && strcmp(f->where[i].key, key) == 0)
			return f->where[i].line;
	return 0;
}
