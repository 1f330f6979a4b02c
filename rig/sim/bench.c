/* bench.c - the virtual bench's shared state, parameters and model table. */
#include "sim/bench.h"
#include "core/ini_schema.h"
#include "sim/hx711.h"
#include "sim/io.h"
#include "sim/pen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STANDARD_GRAVITY 9.80665

static struct sim_param *find_param(struct sim_bench *b, const char *key)
{
	/* The last one wins: --sim overrides follow the fixture's entries. */
	for (size_t i = b->nparams; i-- > 0;)
		if (strcmp(b->params[i].key, key) == 0)
			return &b->params[i];
	return NULL;
}

static void mark_used(struct sim_bench *b, const char *key)
{
	for (size_t i = 0; i < b->nparams; i++)
		if (strcmp(b->params[i].key, key) == 0)
			b->params[i].used = true;
}

enum rig_rc sim_param_double(struct sim_bench *b, const char *key, double def,
			     double lo, double hi, double *out, struct rig_err *err)
{
	struct sim_param *p = find_param(b, key);
	mark_used(b, key);
	if (!p) {
		*out = def;
		return RIG_OK;
	}
	double v;
	if (!ini_parse_number(p->value, &v))
		return rig_fail(err, RIG_E_CONFIG, "%s: %s: expected a number, found '%s'",
				p->origin, key, p->value);
	if (v < lo || v > hi)
		return rig_fail(err, RIG_E_CONFIG, "%s: %s: expected %g..%g, found %g",
				p->origin, key, lo, hi, v);
	*out = v;
	return RIG_OK;
}

enum rig_rc sim_param_string(struct sim_bench *b, const char *key,
			     const char *def, char *out, size_t cap,
			     struct rig_err *err)
{
	struct sim_param *p = find_param(b, key);
	mark_used(b, key);
	const char *v = p ? p->value : def;
	if (strlen(v) >= cap)
		return rig_fail(err, RIG_E_CONFIG, "%s: %s: at most %zu characters, found %zu",
				p ? p->origin : "default", key, cap - 1, strlen(v));
	memcpy(out, v, strlen(v) + 1);
	return RIG_OK;
}

enum rig_rc sim_param_choice(struct sim_bench *b, const char *key,
			     const char *def, const char *const *choices,
			     int *out, struct rig_err *err)
{
	struct sim_param *p = find_param(b, key);
	mark_used(b, key);
	const char *v = p ? p->value : def;
	char list[256] = "";
	for (int i = 0; choices[i]; i++) {
		if (strcmp(v, choices[i]) == 0) {
			*out = i;
			return RIG_OK;
		}
		size_t n = strlen(list);
		snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", choices[i]);
	}
	return rig_fail(err, RIG_E_CONFIG, "%s: %s: expected one of %s, found '%s'",
			p ? p->origin : "default", key, list, v);
}

const char *sim_param_origin(struct sim_bench *b, const char *key)
{
	struct sim_param *p = find_param(b, key);
	return p ? p->origin : "default";
}

enum rig_rc sim_param_parse(struct sim_param *p, const char *kv, struct rig_err *err)
{
	memset(p, 0, sizeof *p);
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return rig_fail(err, RIG_E_USAGE, "--sim %s: expected key=value", kv);
	size_t klen = (size_t)(eq - kv);
	if (klen >= sizeof p->key || strlen(eq + 1) >= sizeof p->value)
		return rig_fail(err, RIG_E_USAGE, "--sim %s: key or value too long", kv);
	memcpy(p->key, kv, klen);
	snprintf(p->value, sizeof p->value, "%s", eq + 1);
	snprintf(p->origin, sizeof p->origin, "--sim %s", kv);
	return RIG_OK;
}

static void hook_sync(void *ctx)
{
	sim_bench_sync(ctx);
}

static void hook_on_set(void *ctx, unsigned offset, int level)
{
	struct sim_bench *b = ctx;
	for (unsigned i = 0; i < b->nmodels; i++)
		if (b->models[i].on_set)
			b->models[i].on_set(b->models[i].self, offset, level);
}

static uint64_t hook_next_event(void *ctx)
{
	struct sim_bench *b = ctx;
	uint64_t next = UINT64_MAX;
	for (unsigned i = 0; i < b->nmodels; i++)
		if (b->models[i].next_event_ns) {
			uint64_t t = b->models[i].next_event_ns(b->models[i].self);
			if (t < next)
				next = t;
		}
	return next;
}

static struct sim_serial_dev *resolve_serial(void *ctx, const char *name)
{
	struct sim_bench *b = ctx;
	for (unsigned i = 0; i < b->nmodels; i++)
		if (b->models[i].serial && strcmp(b->models[i].serial->name, name) == 0)
			return b->models[i].serial;
	return NULL;
}

static struct gpio_virt_chip *resolve_chip(void *ctx, const char *label)
{
	struct sim_bench *b = ctx;
	return strcmp(label, gpio_virt_label(b->chip)) == 0 ? b->chip : NULL;
}

enum rig_rc sim_bench_create(struct sim_bench **out, struct rig_hal *hal,
			     const struct sim_param *params, size_t nparams,
			     struct rig_err *err)
{
	*out = NULL;
	enum rig_rc rc = RIG_OK;
	struct sim_bench *b = calloc(1, sizeof *b);
	if (!b)
		return rig_fail(err, RIG_E_NOMEM, "virtual bench: out of memory");
	b->hal = hal;
	b->clock = hal->clock;
	b->born_ns = clock_now_ns(b->clock);
	b->params = calloc(nparams ? nparams : 1, sizeof *b->params);
	if (!b->params) {
		rc = rig_fail(err, RIG_E_NOMEM, "virtual bench: out of memory");
		goto fail;
	}
	if (nparams)
		memcpy(b->params, params, nparams * sizeof *params);
	b->nparams = nparams;

	double seed;
	if ((rc = sim_param_double(b, "seed", 1, 0, 9007199254740992.0, &seed, err)))
		goto fail;
	b->seed = (uint64_t)seed;
	if ((rc = sim_param_double(b, "loadcell.preload_n", 2.0, 0, 200, &b->preload_n, err)))
		goto fail;
	b->target = SIM_TARGET_PEN;
	b->load = SIM_LOAD_PEN;
	if ((rc = sim_param_string(b, "state_file", "", b->state_file, sizeof b->state_file,
				   err)))
		goto fail;
	if ((rc = sim_fault_parse(b, &b->disk_full, "disk_full", SIM_FAULT_ONCE, err)) ||
	    (rc = sim_fault_parse(b, &b->readonly, "readonly", SIM_FAULT_ONCE, err)))
		goto fail;

	struct gpio_virt_hooks hooks = {
		.ctx = b,
		.sync = hook_sync,
		.on_set = hook_on_set,
		.next_event_ns = hook_next_event,
		.op_cost_ns = 0,
	};
	double op_cost_us;
	if ((rc = sim_param_double(b, "gpio.op_cost_us", 0.5, 0, 100, &op_cost_us, err)))
		goto fail;
	hooks.op_cost_ns = (uint64_t)llround(op_cost_us * 1000.0);
	b->chip = gpio_virt_create(SIM_CHIP_LABEL, SIM_NLINES, &hooks);
	if (!b->chip) {
		rc = rig_fail(err, RIG_E_NOMEM, "virtual bench: out of memory");
		goto fail;
	}

	for (unsigned i = 0; i < sim_nmodels && i < SIM_MAX_MODELS; i++) {
		rc = sim_models[i].create(b, &b->models[b->nmodels], err);
		if (rc) {
			rig_err_prefix(err, "virtual %s: ", sim_models[i].name);
			goto fail;
		}
		b->nmodels++;
	}

	for (size_t i = 0; i < b->nparams; i++)
		if (!b->params[i].used) {
			rc = rig_fail(err, RIG_E_CONFIG,
				      "%s: unknown virtual bench parameter '%s' "
				      "(docs/virtual-bench.md lists them)",
				      b->params[i].origin, b->params[i].key);
			goto fail;
		}

	b->resolver = (struct sim_resolver){
		.ctx = b, .serial = resolve_serial, .gpio_chip = resolve_chip,
	};
	hal->sim = &b->resolver;
	*out = b;
	return RIG_OK;
fail:
	sim_bench_destroy(b);
	return rc;
}

/* The devices as the rig left them, one line: the pen's power and motor,
 * the relay, the lamps. Written with the file's own name + ".tmp" and
 * renamed, so a reader never sees half of it. */
static void write_state(struct sim_bench *b)
{
	struct sim_pen *pen = sim_bench_model(b, "pen");
	struct sim_pen_truth t = { 0 };
	if (pen)
		sim_pen_truth(pen, &t);
	else
		sim_bench_sync(b);
	char tmp[sizeof b->state_file + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", b->state_file);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "relay=%d pen_powered=%d motor_on=%d green=%d amber=%d red=%d bench_s=%.3f\n",
		b->pen_power, t.powered, t.motor_on, sim_io_lamp(b, SIM_LINE_LAMP_GREEN),
		sim_io_lamp(b, SIM_LINE_LAMP_AMBER), sim_io_lamp(b, SIM_LINE_LAMP_RED),
		(double)(clock_now_ns(b->clock) - b->born_ns) / 1e9);
	/* The load cell's counters: what the virtual HX711 saw of the
	 * reads, for a test to print when one stopped on it. */
	struct sim_hx711_stats hs;
	sim_hx711_get_stats(b, &hs);
	fprintf(f, "hx711 conversions=%llu lost=%llu power_downs=%llu comm_errors=%llu "
		"short_phases=%llu\n",
		(unsigned long long)hs.conversions, (unsigned long long)hs.lost_conversions,
		(unsigned long long)hs.power_downs, (unsigned long long)hs.comm_errors,
		(unsigned long long)hs.short_phases);
	if (fclose(f) == 0)
		rename(tmp, b->state_file);
}

void sim_bench_destroy(struct sim_bench *b)
{
	if (!b)
		return;
	if (b->state_file[0] && b->nmodels == sim_nmodels)
		write_state(b);
	if (b->hal && b->hal->sim == &b->resolver)
		b->hal->sim = NULL;
	for (unsigned i = b->nmodels; i-- > 0;)
		if (b->models[i].destroy)
			b->models[i].destroy(b->models[i].self);
	gpio_virt_destroy(b->chip);
	free(b->params);
	free(b);
}

void *sim_bench_model(struct sim_bench *b, const char *name)
{
	for (unsigned i = 0; i < b->nmodels; i++)
		if (strcmp(sim_models[i].name, name) == 0)
			return b->models[i].self;
	return NULL;
}

void sim_bench_sync(struct sim_bench *b)
{
	uint64_t now = clock_now_ns(b->clock);
	for (unsigned i = 0; i < b->nmodels; i++)
		if (b->models[i].sync)
			b->models[i].sync(b->models[i].self, now);
}

double sim_bench_force_n(const struct sim_bench *b)
{
	switch (b->load) {
	case SIM_LOAD_PEN: return b->preload_n;
	case SIM_LOAD_NONE: return 0.0;
	case SIM_LOAD_MASS: return b->mass_g / 1000.0 * STANDARD_GRAVITY;
	}
	return 0.0;
}

void sim_bench_set_target(struct sim_bench *b, enum sim_target t)
{
	sim_bench_sync(b);
	b->target = t;
}

void sim_bench_set_load(struct sim_bench *b, enum sim_load l, double mass_g)
{
	sim_bench_sync(b);
	b->load = l;
	b->mass_g = mass_g;
}

static enum rig_rc operator_step(void *ctx, enum operator_step step, double value,
				 struct rig_err *err)
{
	(void)err;
	struct sim_bench *b = ctx;
	switch (step) {
	case OPERATOR_REMOVE_LOAD:
		sim_bench_set_load(b, SIM_LOAD_NONE, 0);
		break;
	case OPERATOR_PLACE_MASS:
		sim_bench_set_load(b, SIM_LOAD_MASS, value);
		break;
	case OPERATOR_PLACE_FLAT:
		sim_bench_set_target(b, SIM_TARGET_FLAT);
		break;
	case OPERATOR_RESTORE_PEN:
		sim_bench_set_target(b, SIM_TARGET_PEN);
		sim_bench_set_load(b, SIM_LOAD_PEN, 0);
		break;
	case OPERATOR_SET_PRELOAD:
		sim_bench_set_preload(b, value);
		break;
	case OPERATOR_SEAT_PART:
	case OPERATOR_HAND_OVER:
		/* A gauge study on the virtual bench builds a bench per part and
		 * operator (rig/cli/cmd_grr.c): nothing to do here. */
		break;
	}
	return RIG_OK;
}

const struct operator_ops sim_operator_ops = { .step = operator_step };

void sim_bench_set_preload(struct sim_bench *b, double preload_n)
{
	sim_bench_sync(b);
	b->preload_n = preload_n;
}

void sim_bench_power_pen(struct sim_bench *b, bool on)
{
	sim_bench_sync(b);
	if (b->pen_power != on) {
		b->pen_power = on;
		if (b->pen_power_changed)
			b->pen_power_changed(b->pen_ctx, on);
	}
}

struct sim_fault *sim_bench_fault(const struct sim_bench *b, const char *key)
{
	for (unsigned i = 0; i < b->nfaults; i++)
		if (strcmp(b->faults[i]->key, key) == 0)
			return b->faults[i];
	return NULL;
}

int sim_bench_file_errno(struct sim_bench *b, bool creates)
{
	uint64_t now = clock_now_ns(b->clock);
	if (sim_fault_struck(&b->readonly, b, now))
		return EROFS;
	if (creates && sim_fault_struck(&b->disk_full, b, now))
		return ENOSPC;
	return 0;
}

void sim_bench_set_phase(struct sim_bench *b, const char *phase)
{
	sim_bench_sync(b);
	snprintf(b->phase, sizeof b->phase, "%s", phase);
	b->phase_t0_ns = clock_now_ns(b->clock);
	for (unsigned i = 0; i < b->nfaults; i++)
		sim_fault_follow_phase(b->faults[i], b);
}
