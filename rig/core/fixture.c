/* fixture.c - loading and checking fixture files with libinih.
 *
 * A table names every key: its section, type, range and whether it is
 * required. libinih does the INI syntax through core/ini_read.c, which
 * gives every key its line so each message can say which line it is about.
 */
#include "core/fixture.h"

#include "core/ini_read.h"
#include "core/ini_schema.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FX(member) offsetof(struct fixture, member), sizeof(((struct fixture *)0)->member)

static const struct ini_field fields[] = {
	{ "bench", "station", INI_ASCII, FX(bench.station), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "bench", "lock", INI_PATH, FX(bench.lock), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "bench", "calibration_valid_days", INI_INT, FX(bench.calibration_valid_days), 1, 3650, false, "30", NULL, false, false, NULL },

	{ "pen", "port", INI_TEXT, FX(pen.port), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "pen", "baud", INI_INT, FX(pen.baud), 300, 4000000, false, "115200", NULL, false, false, NULL },
	{ "pen", "timeout_ms", INI_UINT, FX(pen.timeout_ms), 10, 60000, false, "500", NULL, false, false, NULL },

	{ "laser", "port", INI_TEXT, FX(laser.port), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "laser", "baud", INI_INT, FX(laser.baud), 9600, 4000000, false, "921600", NULL, false, false, NULL },
	{ "laser", "range_mm", INI_DOUBLE, FX(laser.range_mm), 10, 500, true, NULL, NULL, false, false, NULL },
	{ "laser", "rate_hz", INI_DOUBLE, FX(laser.rate_hz), 0.25, 4000, false, "4000", NULL, false, false, NULL },
	{ "laser", "zero_mm", INI_DOUBLE, FX(laser.zero_mm), -5, 505, true, NULL, NULL, false, false, NULL },
	{ "laser", "zero_date", INI_DATE, FX(laser.zero_date), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "laser", "zero_max_change_um", INI_DOUBLE, FX(laser.zero_max_change_um), 0.1, 10000, false, "50", NULL, false, false, NULL },
	{ "laser", "run_zero_max_shift_um", INI_DOUBLE, FX(laser.run_zero_max_shift_um), 0.1, 10000, false, NULL, NULL, false, false, NULL },
	{ "laser", "linearity_um", INI_DOUBLE, FX(laser.linearity_um), 0, 1000, true, NULL, NULL, false, false, NULL },
	{ "laser", "resolution_um", INI_DOUBLE, FX(laser.resolution_um), 0, 1000, true, NULL, NULL, false, false, NULL },
	{ "laser", "zero_uncertainty_um", INI_DOUBLE, FX(laser.zero_uncertainty_um), 0, 1000, true, NULL, NULL, false, false, NULL },
	{ "laser", "clock_ppm", INI_DOUBLE, FX(laser.clock_ppm), 0, 10000, true, NULL, NULL, false, false, NULL },
	{ "laser", "exposure_us", INI_DOUBLE, FX(laser.exposure_us), 0, 4000, false, "0", NULL, false, false, NULL },
	{ "laser", "ring_max_um", INI_DOUBLE, FX(laser.ring_max_um), 0.1, 1000, false, NULL, NULL, false, false, NULL },
	{ "laser", "ring_date", INI_DATE, FX(laser.ring_date), 0, 0, false, NULL, NULL, false, false, NULL },
	{ "laser", "ring_exposure_us", INI_DOUBLE, FX(laser.ring_exposure_us), 1, 4000, false, NULL, NULL, false, false, NULL },
	{ "laser", "zero_target_mm", INI_DOUBLE, FX(laser.zero_target_mm), -5, 505, false, NULL, NULL, false, false, NULL },

	{ "loadcell", "chip", INI_TEXT, FX(loadcell.chip), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "loadcell", "dout_line", INI_TEXT, FX(loadcell.dout_line), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "loadcell", "sck_line", INI_TEXT, FX(loadcell.sck_line), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "loadcell", "gain", INI_INT, FX(loadcell.gain), 32, 128, false, "128", NULL, false, false, NULL },
	{ "loadcell", "rate_sps", INI_INT, FX(loadcell.rate_sps), 10, 80, false, "80", NULL, false, false, NULL },
	{ "loadcell", "scale_counts_per_n", INI_DOUBLE, FX(loadcell.scale_counts_per_n), -1e9, 1e9, true, NULL, NULL, false, false, NULL },
	{ "loadcell", "offset_counts", INI_DOUBLE, FX(loadcell.offset_counts), -8388608, 8388607, true, NULL, NULL, false, false, NULL },
	{ "loadcell", "cal_date", INI_DATE, FX(loadcell.cal_date), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "loadcell", "tare_date", INI_DATE, FX(loadcell.tare_date), 0, 0, false, NULL, NULL, false, false, NULL },
	{ "loadcell", "median_of", INI_UINT, FX(loadcell.median_of), 3, 99, false, "3", NULL, false, false, NULL },

	{ "io", "chip", INI_TEXT, FX(io.chip), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "io", "estop_line", INI_TEXT, FX(io.estop_line), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "io", "lid_line", INI_TEXT, FX(io.lid_line), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "io", "start_line", INI_TEXT, FX(io.start_line), 0, 0, false, NULL, NULL, false, false, NULL },
	{ "io", "relay_line", INI_TEXT, FX(io.relay_line), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "io", "lamp_green_line", INI_TEXT, FX(io.lamp_green_line), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "io", "lamp_amber_line", INI_TEXT, FX(io.lamp_amber_line), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "io", "lamp_red_line", INI_TEXT, FX(io.lamp_red_line), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "io", "buzzer_line", INI_TEXT, FX(io.buzzer_line), 0, 0, false, NULL, NULL, false, false, NULL },
	{ "io", "zero_target_line", INI_TEXT, FX(io.zero_target_line), 0, 0, false, NULL, NULL, false, false, NULL },
	{ "io", "zero_target_ms", INI_UINT, FX(io.zero_target_ms), 0, 10000, false, "100", NULL, false, false, NULL },

	{ "results", "url", INI_ASCII, FX(results.url), 0, 0, false, NULL, NULL, false, false, NULL },
	{ "results", "passfile", INI_PATH, FX(results.passfile), 0, 0, false, NULL, NULL, false, false, NULL },

	{ "access", "operators", INI_PATH, FX(access.operators), 0, 0, false, NULL, NULL, false, false, NULL },

	{ "check", "reference", INI_PATH, FX(check.reference), 0, 0, false, NULL, NULL, false, false, NULL },
	{ "check", "interval_h", INI_DOUBLE, FX(check.interval_h), 0, 8760, false, "0", NULL, false, false, NULL },
	{ "check", "settle_ms", INI_UINT, FX(check.settle_ms), 0, 60000, false, "300", NULL, false, false, NULL },
	{ "check", "window_strokes", INI_UINT, FX(check.window_strokes), 10, 100000, false, "60", NULL, false, false, NULL },
	{ "check", "preload_min_n", INI_DOUBLE, FX(check.preload_min_n), 0, 100, false, "1", NULL, false, false, NULL },
	{ "check", "preload_max_n", INI_DOUBLE, FX(check.preload_max_n), 0, 100, false, "3", NULL, false, false, NULL },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const char *const sections[] = { "bench", "pen", "laser", "loadcell", "io", "results", "sim", "access", "check" };

static const struct ini_schema schema = {
	.fields = fields,
	.nfields = NFIELDS,
	.sections = sections,
	.nsections = sizeof sections / sizeof sections[0],
	.code = RIG_E_CONFIG,
};

/* Sections that may belong to one socket ([pen:A]). */
static const char *const socket_sections[] = { "pen", "laser", "loadcell", "io", "sim" };
/* Keys of [io] every socket shares: one e-stop and one lid per bench. */
static const char *const shared_io_keys[] = { "chip", "estop_line", "lid_line" };

struct load_ctx {
	struct fixture *f;
	bool shared_view;            /* leave out the socket's [sim:S] */
	int line;
	bool seen[NFIELDS];
	struct rig_err *err;
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* "laser:B" -> base "laser", socket "B"; false when there is no ':'. A
 * section header that is no socket section, or a bad socket name, fails. */
static enum rig_rc split_section(const struct fixture *f, int line, const char *section,
				 char *base, size_t nbase, const char **socket,
				 struct rig_err *err)
{
	const char *colon = strchr(section, ':');
	*socket = NULL;
	if (!colon)
		return RIG_OK;
	size_t n = (size_t)(colon - section);
	snprintf(base, nbase, "%.*s", (int)n, section);
	if (!in_list(socket_sections, sizeof socket_sections / sizeof socket_sections[0], base))
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%d: [%s]: only [pen], [laser], [loadcell], [io] and [sim] can "
				"belong to one socket, found [%s]",
				f->path, line, section, base);
	const char *name = colon + 1;
	size_t len = strlen(name);
	bool ok = len > 0 && len < FIXTURE_SOCKET_NAME;
	for (const char *c = name; ok && *c; c++)
		ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		     (*c >= '0' && *c <= '9') || *c == '_' || *c == '-';
	if (!ok)
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%d: [%s]: expected a socket name of 1 to %d letters, digits, "
				"'_' or '-' after ':', found '%s'",
				f->path, line, section, FIXTURE_SOCKET_NAME - 1, name);
	*socket = name;
	return RIG_OK;
}

/* First pass: the sockets the file describes, in the order they appear. */
static enum rig_rc collect_socket(void *user, int line, const char *section, const char *name,
				  const char *value, struct rig_err *err)
{
	struct fixture *f = user;
	(void)name;
	(void)value;
	char base[24];
	const char *socket;
	enum rig_rc rc = split_section(f, line, section, base, sizeof base, &socket, err);
	if (rc || !socket)
		return rc;
	for (unsigned i = 0; i < f->nsockets; i++)
		if (strcmp(f->sockets[i], socket) == 0)
			return RIG_OK;
	if (f->nsockets == FIXTURE_MAX_SOCKETS)
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%d: [%s]: expected at most %d sockets, found a %dth",
				f->path, line, section, FIXTURE_MAX_SOCKETS, FIXTURE_MAX_SOCKETS + 1);
	snprintf(f->sockets[f->nsockets++], FIXTURE_SOCKET_NAME, "%s", socket);
	return RIG_OK;
}

/* Fixture files are small; anything bigger is not a fixture. */
#define FIXTURE_MAX_BYTES (256 * 1024)

static enum rig_rc remember_line(struct fixture *f, const char *section, const char *in_file,
				 const char *key, int line, struct rig_err *err)
{
	struct fixture_where *w = realloc(f->where, (f->nwhere + 1) * sizeof *w);
	if (!w)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", f->path);
	f->where = w;
	snprintf(w[f->nwhere].section, sizeof w->section, "%s", section);
	snprintf(w[f->nwhere].in_file, sizeof w->in_file, "%s", in_file);
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
	const char *in_file = section, *socket;
	char base[24];
	enum rig_rc rc = split_section(f, line, section, base, sizeof base, &socket, c->err);
	if (rc)
		return rc;
	if (socket) {
		if (strcmp(socket, f->socket) != 0)
			return RIG_OK; /* another socket's */
		if (c->shared_view && strcmp(base, "sim") == 0)
			return RIG_OK;
		if (strcmp(base, "io") == 0 &&
		    in_list(shared_io_keys, sizeof shared_io_keys / sizeof shared_io_keys[0], name))
			return rig_fail(c->err, RIG_E_CONFIG,
					"%s:%d: [%s] %s: the chip, e-stop and lid are shared by every "
					"socket: expected it in [io], found it in [%s]",
					f->path, line, section, name, section);
		section = base;
	}
	if (!ini_schema_has_section(&schema, section))
		return ini_schema_unknown_section(&schema, f->path, c->line, section, c->err);
	int prev = fixture_line(f, section, name);
	if (prev)
		return rig_fail(c->err, RIG_E_CONFIG,
				"%s:%d: [%s] %s given again (first at line %d)",
				f->path, c->line, section, name, prev);
	if ((rc = remember_line(f, section, in_file, name, c->line, c->err)))
		return rc;
	if (strcmp(section, "sim") == 0) {
		f->has_sim = true;
		return add_sim_param(c, name, value);
	}
	size_t i;
	const struct ini_field *fd = ini_schema_find(&schema, section, name, &i);
	if (!fd)
		return ini_schema_unknown_key(&schema, f->path, c->line, section, name, c->err);
	c->seen[i] = true;
	return ini_schema_set(&schema, fd, f, f->path, f->dir, c->line, value, c->err);
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
	f->laser.has_zero_target_mm = fixture_line(f, "laser", "zero_target_mm") > 0;
	/* The pad's ring bound: its value, the day and the exposure it was
	 * measured at, all three or none. */
	static const char *const ring_keys[] = { "ring_max_um", "ring_date", "ring_exposure_us" };
	int ring_at[3], nring = 0;
	for (int i = 0; i < 3; i++)
		nring += (ring_at[i] = fixture_line(f, "laser", ring_keys[i])) > 0;
	if (nring > 0 && nring < 3) {
		int given = 0, lacks = 0;
		while (ring_at[given] <= 0)
			given++;
		while (ring_at[lacks] > 0)
			lacks++;
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%d: %s given without %s: expected the pad's measured ring bound "
				"(ring_max_um), the day it was measured (ring_date) and the exposure "
				"it was measured at (ring_exposure_us) together",
				f->path, ring_at[given], ring_keys[given], ring_keys[lacks]);
	}
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
/* A required key the file does not give: where it was looked for. */
static enum rig_rc missing(const struct fixture *f, const struct ini_text *t,
			   const struct ini_field *fd, struct rig_err *err)
{
	char own[24 + FIXTURE_SOCKET_NAME] = "";
	if (f->socket[0] &&
	    in_list(socket_sections, sizeof socket_sections / sizeof socket_sections[0],
		    fd->section)) {
		snprintf(own, sizeof own, "%s:%s", fd->section, f->socket);
		return rig_fail(err, RIG_E_CONFIG,
				"%s: [%s] %s is required and missing for socket %s (expected in "
				"[%s] or [%s])",
				f->path, fd->section, fd->key, f->socket, fd->section, own);
	}
	int at = section_line(t, fd->section);
	if (at)
		return rig_fail(err, RIG_E_CONFIG,
				"%s: [%s] %s is required and missing (the section starts at line %d)",
				f->path, fd->section, fd->key, at);
	return rig_fail(err, RIG_E_CONFIG,
			"%s: [%s] %s is required and missing (no [%s] section in the file)",
			f->path, fd->section, fd->key, fd->section);
}

/* A socket's view: its station and lock named after it. */
static enum rig_rc name_socket(struct fixture *f, struct rig_err *err)
{
	snprintf(f->shared_station, sizeof f->shared_station, "%s", f->bench.station);
	snprintf(f->shared_lock, sizeof f->shared_lock, "%s", f->bench.lock);
	if (!f->nsockets)
		return RIG_OK;
	int n = snprintf(f->bench.station, sizeof f->bench.station, "%s:%s", f->shared_station,
			 f->socket);
	int m = snprintf(f->bench.lock, sizeof f->bench.lock, "%s.%s", f->shared_lock, f->socket);
	if (n < 0 || (size_t)n >= sizeof f->bench.station || m < 0 ||
	    (size_t)m >= sizeof f->bench.lock)
		return rig_fail(err, RIG_E_CONFIG,
				"%s: [bench] station or lock too long to name socket %s", f->path,
				f->socket);
	return RIG_OK;
}

/* Which socket to read: the one asked for, or the first. */
static enum rig_rc choose_socket(struct fixture *f, const char *socket, struct rig_err *err)
{
	if (!socket || !*socket) {
		if (f->nsockets)
			snprintf(f->socket, sizeof f->socket, "%s", f->sockets[0]);
		return RIG_OK;
	}
	for (unsigned i = 0; i < f->nsockets; i++)
		if (strcmp(f->sockets[i], socket) == 0) {
			snprintf(f->socket, sizeof f->socket, "%s", socket);
			return RIG_OK;
		}
	if (!f->nsockets)
		return rig_fail(err, RIG_E_CONFIG,
				"%s: describes one socket (no [pen:NAME] sections), found socket "
				"'%s' asked for", f->path, socket);
	char list[FIXTURE_MAX_SOCKETS * (FIXTURE_SOCKET_NAME + 2)] = "";
	for (unsigned i = 0; i < f->nsockets; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
			 f->sockets[i]);
	return rig_fail(err, RIG_E_CONFIG, "%s: expected socket %s, found '%s' asked for",
			f->path, list, socket);
}

static enum rig_rc load(struct fixture *f, const char *path, const char *socket,
			bool shared_view, const void *bytes, size_t len, struct rig_err *err)
{
	memset(f, 0, sizeof *f);
	struct load_ctx c = { .f = f, .shared_view = shared_view, .err = err };
	struct ini_text t = { 0 };
	enum rig_rc rc;
	if (strlen(path) >= sizeof f->path)
		return rig_fail(err, RIG_E_CONFIG, "fixture path too long");
	strcpy(f->path, path);
	char tmp[PATH_MAX];
	strcpy(tmp, path);
	snprintf(f->dir, sizeof f->dir, "%s", dirname(tmp));

	if ((rc = ini_schema_defaults(&schema, f, path, f->dir, err)))
		goto out;
	rc = bytes ? ini_text_from_memory(&t, path, bytes, len, FIXTURE_MAX_BYTES,
					  RIG_E_CONFIG, err)
		   : ini_text_load(&t, path, FIXTURE_MAX_BYTES, RIG_E_CONFIG, err);
	if (rc)
		goto out;
	if ((rc = ini_read_parse(&t, path, RIG_E_CONFIG, collect_socket, f, err)) ||
	    (rc = choose_socket(f, socket, err)) ||
	    (rc = ini_read_parse(&t, path, RIG_E_CONFIG, handler, &c, err)))
		goto out;
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].required && !c.seen[i]) {
			rc = missing(f, &t, &fields[i], err);
			goto out;
		}
	if (!(rc = check_whole(f, err)))
		rc = name_socket(f, err);
out:
	ini_text_free(&t);
	if (rc)
		fixture_free(f);
	return rc;
}

enum rig_rc fixture_load(struct fixture *f, const char *path, struct rig_err *err)
{
	return load(f, path, NULL, false, NULL, 0, err);
}

enum rig_rc fixture_load_socket(struct fixture *f, const char *path, const char *socket,
				struct rig_err *err)
{
	return load(f, path, socket, false, NULL, 0, err);
}

enum rig_rc fixture_load_shared(struct fixture *f, const char *path, struct rig_err *err)
{
	return load(f, path, NULL, true, NULL, 0, err);
}

enum rig_rc fixture_load_memory(struct fixture *f, const char *path, const void *bytes,
				size_t len, struct rig_err *err)
{
	/* A non-NULL pointer even for an empty input: NULL means "read path". */
	return load(f, path, NULL, false, bytes ? bytes : "", len, err);
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

const char *fixture_file_section(const struct fixture *f, const char *section,
				 const char *key)
{
	for (size_t i = 0; i < f->nwhere; i++)
		if (strcmp(f->where[i].section, section) == 0 && strcmp(f->where[i].key, key) == 0)
			return f->where[i].in_file;
	return section;
}

bool fixture_is_sim(const char *port_or_chip)
{
	return strncmp(port_or_chip, "sim:", 4) == 0;
}
