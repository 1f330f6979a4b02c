/* plan.c - per-unit virtual bench settings for a rehearsal shift. */
#include "station/plan.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_MAX 100000u

static enum rig_rc push(struct station_plan *p, unsigned unit, const char *kv, size_t kvlen,
			const char *origin, struct rig_err *err)
{
	const char *eq = memchr(kv, '=', kvlen);
	if (!eq || eq == kv)
		return rig_fail(err, RIG_E_USAGE, "%s: expected key=value, found '%.*s'", origin,
				(int)kvlen, kv);
	struct station_plan_entry *e = realloc(p->e, (p->n + 1) * sizeof *e);
	if (!e)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	p->e = e;
	e = &p->e[p->n];
	e->unit = unit;
	e->kv = strndup(kv, kvlen);
	e->origin = strdup(origin);
	if (!e->kv || !e->origin) {
		free(e->kv);
		free(e->origin);
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	}
	p->n++;
	if (unit > p->last_unit)
		p->last_unit = unit;
	return RIG_OK;
}

enum rig_rc station_plan_add(struct station_plan *p, const char *spec, struct rig_err *err)
{
	char *end;
	errno = 0;
	unsigned long unit = strtoul(spec, &end, 10);
	if (end == spec || *end != ':' || errno || unit < 1 || unit > UNIT_MAX ||
	    !isdigit((unsigned char)spec[0]))
		return rig_fail(err, RIG_E_USAGE,
				"--sim-unit: expected UNIT:key=value with UNIT 1..%u, found '%s'",
				UNIT_MAX, spec);
	return push(p, (unsigned)unit, end + 1, strlen(end + 1), "--sim-unit", err);
}

enum rig_rc station_plan_load(struct station_plan *p, const char *path, struct rig_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return rig_fail_errno(err, RIG_E_CONFIG, errno, "cannot read units file %s", path);
	char line[1024];
	unsigned lineno = 0, unit = p->last_unit;
	enum rig_rc rc = RIG_OK;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char origin[300];
		snprintf(origin, sizeof origin, "%s:%u", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			rc = rig_fail(err, RIG_E_CONFIG, "%s: line longer than %zu characters",
				      origin, sizeof line - 2);
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			continue;
		unit++;
		if (unit > UNIT_MAX) {
			rc = rig_fail(err, RIG_E_CONFIG, "%s: more than %u units", origin, UNIT_MAX);
			break;
		}
		if (p->last_unit < unit)
			p->last_unit = unit;
		while (*s) {
			size_t len = strcspn(s, " \t\r\n");
			if (len == 1 && *s == '-') {
				/* a unit with the base settings */
			} else if ((rc = push(p, unit, s, len, origin, err))) {
				if (rc == RIG_E_USAGE)
					err->rc = rc = RIG_E_CONFIG;
				goto out;
			}
			s += len;
			while (isspace((unsigned char)*s))
				s++;
		}
	}
	if (!rc && ferror(f))
		rc = rig_fail(err, RIG_E_IO, "reading %s failed", path);
out:
	fclose(f);
	return rc;
}

size_t station_plan_unit(const struct station_plan *p, unsigned unit, const char **kv,
			 size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->e[i].unit == unit) {
			if (n < cap)
				kv[n] = p->e[i].kv;
			n++;
		}
	return n;
}

void station_plan_free(struct station_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->e[i].kv);
		free(p->e[i].origin);
	}
	free(p->e);
	memset(p, 0, sizeof *p);
}

static void append(char *buf, size_t cap, const char *word)
{
	size_t len = strlen(buf);
	if (len + 1 < cap)
		snprintf(buf + len, cap - len, "%s%s", len ? " " : "", word);
}

void station_plan_describe(const struct station_plan *p, char *const *sims, size_t nsims,
			   unsigned unit, char *out, size_t cap)
{
	out[0] = '\0';
	for (size_t i = 0; i < nsims; i++)
		append(out, cap, sims[i]);
	if (p) {
		const char *kv[64];
		size_t k = station_plan_unit(p, unit, kv, 64);
		for (size_t i = 0; i < k && i < 64; i++)
			append(out, cap, kv[i]);
	}
	if (!out[0])
		snprintf(out, cap, "the fixture's pen (no unit settings)");
}

void station_unit_sims(struct station_unit_sims *u, const char *serial, unsigned unit,
		       char *const *sims, size_t nsims, const struct station_plan *p)
{
	size_t n = 0;
	snprintf(u->serial_kv, sizeof u->serial_kv, "pen.serial=%s", serial);
	snprintf(u->seed_kv, sizeof u->seed_kv, "seed=%u", unit);
	u->v[n++] = u->serial_kv;
	u->v[n++] = u->seed_kv;
	for (size_t i = 0; i < nsims && n < STATION_UNIT_SIMS_MAX; i++)
		u->v[n++] = sims[i];
	if (p) {
		const char *kv[STATION_UNIT_SIMS_MAX];
		size_t k = station_plan_unit(p, unit, kv, STATION_UNIT_SIMS_MAX - n);
		for (size_t i = 0; i < k && n < STATION_UNIT_SIMS_MAX; i++)
			u->v[n++] = (char *)kv[i];
	}
	u->n = n;
}
