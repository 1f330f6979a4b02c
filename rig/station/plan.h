/* plan.h - a rehearsal shift on the virtual bench: which `--sim key=value`
 * settings each unit gets (unit 2 a shallow pen, unit 3 an e-stop ...).
 *
 * Settings come from `--sim-unit N:key=value` and from a units file (one
 * line per unit, in order). The plan owns every string it holds;
 * station_plan_free() releases them.
 */
#ifndef RIG_STATION_PLAN_H
#define RIG_STATION_PLAN_H

#include <stddef.h>

#include "core/err.h"

struct station_plan_entry {
	unsigned unit;  /* 1-based unit number in the shift */
	char *kv;       /* "key=value", as --sim takes it */
	char *origin;   /* "--sim-unit" or "units.txt:3", for messages */
};

struct station_plan {
	struct station_plan_entry *e;
	size_t n;
	unsigned last_unit;  /* highest unit with settings (0: none) */
};

/* Add one "N:key=value" (N >= 1). RIG_E_USAGE names what is wrong. */
enum rig_rc station_plan_add(struct station_plan *p, const char *spec,
			     struct rig_err *err);

/* Read a units file: every line that is not blank and not a comment (#)
 * is the next unit; its words are key=value settings, or the single word
 * `-` for a unit with the base settings. Units are numbered after those
 * the file's earlier lines gave. RIG_E_CONFIG names file:line. */
enum rig_rc station_plan_load(struct station_plan *p, const char *path,
			      struct rig_err *err);

/* The settings of unit `unit`, in the order given: fills at most cap
 * pointers (owned by the plan) and returns how many there are. */
/* What a unit's virtual pen is, for the ready screen: the --sim settings
 * and the unit's own, or "the fixture's pen (no unit settings)". p may be
 * NULL. */
void station_plan_describe(const struct station_plan *p, char *const *sims, size_t nsims,
			   unsigned unit, char *out, size_t cap);

size_t station_plan_unit(const struct station_plan *p, unsigned unit,
			 const char **kv, size_t cap);

void station_plan_free(struct station_plan *p);

/* The virtual bench's settings for one unit: the pen carries the scanned
 * serial and the unit's number as its seed, then sims (--sim), then the
 * plan's for the unit (p may be NULL). v points into the struct and the
 * plan; the caller owns the struct. */
#define STATION_UNIT_SIMS_MAX 64
struct station_unit_sims {
	char serial_kv[96], seed_kv[32];
	char *v[STATION_UNIT_SIMS_MAX];
	size_t n;
};
void station_unit_sims(struct station_unit_sims *u, const char *serial, unsigned unit,
		       char *const *sims, size_t nsims, const struct station_plan *p);

#endif
