/* bench.h - the virtual bench: physical models of the pen, the laser, the
 * HX711 and the safety I/O, sharing one bench state and the hal's clock.
 *
 * The bench lives below the same interfaces as real hardware: the rig opens
 * `sim:pen` and `sim:laser` serial ports and the `sim:bench` GPIO chip
 * through the hal's resolver, and cannot tell them from the real thing
 * except by their name. Models catch up with the clock lazily: every access
 * from the rig first syncs the whole bench to the clock's now, in table
 * order (sim/models.c), so the laser samples the pen at every instant before
 * the pen's state changes.
 *
 * The bench owns its models, its GPIO chip and its parameter list; the
 * caller owns the hal and its clock, which must outlive the bench.
 */
#ifndef RIG_SIM_BENCH_H
#define RIG_SIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/operator.h"
#include "core/rng.h"
#include "hal/gpio.h"
#include "hal/hal.h"
#include "hal/serial.h"
#include "sim/fault.h"

/* The virtual chip "sim:bench": offsets follow a Raspberry Pi header's
 * BCM numbering so fixtures read like the real wiring. */
enum sim_line {
	SIM_LINE_HX711_DOUT = 5,
	SIM_LINE_HX711_SCK = 6,
	SIM_LINE_BUZZER = 12,
	SIM_LINE_START = 16,   /* start button, input, pressed = low */
	SIM_LINE_ESTOP = 17,   /* e-stop, input, pressed (tripped) = low */
	SIM_LINE_RELAY = 22,   /* pen power relay, output, on = high */
	SIM_LINE_LAMP_GREEN = 23,
	SIM_LINE_LAMP_AMBER = 24,
	SIM_LINE_LAMP_RED = 25,
	SIM_LINE_ZERO_TARGET = 26, /* zero target actuator, output, in the beam = high */
	SIM_LINE_LID = 27,     /* lid interlock, input, closed = low */
	SIM_NLINES = 28,
};
#define SIM_CHIP_LABEL "bench"

/* What the laser looks at. */
enum sim_target {
	SIM_TARGET_PEN,  /* the needle tips of the pen in the fixture */
	SIM_TARGET_FLAT, /* a flat reference at the contact plane */
	SIM_TARGET_NONE, /* nothing in range */
};

/* What presses on the load cell. */
enum sim_load {
	SIM_LOAD_PEN,  /* the pen against the pad: its preload */
	SIM_LOAD_NONE, /* nothing: for taring */
	SIM_LOAD_MASS, /* a reference mass */
};

/* One virtual bench parameter, from the fixture's [sim] section or --sim. */
struct sim_param {
	char key[64];
	char value[128];
	char origin[256]; /* "fixtures/sim.ini:42" or "--sim" */
	bool used;
};

struct sim_bench;

/* What a model gives the bench when it is created. Any hook may be NULL. */
struct sim_model_inst {
	void *self;
	void (*sync)(void *self, uint64_t now_ns);
	uint64_t (*next_event_ns)(void *self);
	void (*on_set)(void *self, unsigned offset, int level);
	struct sim_serial_dev *serial; /* a `sim:` port, or NULL */
	void (*destroy)(void *self);
};

struct sim_model {
	const char *name;
	enum rig_rc (*create)(struct sim_bench *b, struct sim_model_inst *out,
			      struct rig_err *err);
};

extern const struct sim_model sim_models[]; /* sim/models.c */
extern const unsigned sim_nmodels;

#define SIM_MAX_MODELS 8
#define SIM_MAX_FAULTS 32

struct sim_bench {
	struct rig_hal *hal;
	struct rig_clock *clock;
	uint64_t seed;
	struct sim_param *params;
	size_t nparams;
	struct gpio_virt_chip *chip;
	struct sim_resolver resolver;
	struct sim_model_inst models[SIM_MAX_MODELS];
	unsigned nmodels;

	/* Shared physical state. */
	enum sim_target target;
	enum sim_load load;
	double mass_g;
	double preload_n;      /* loadcell.preload_n: pen against the pad */
	bool pen_power;        /* the relay's contact */
	bool zero_target_in;   /* the zero target in the laser's beam (its line) */
	/* state_file: where sim_bench_destroy() writes the devices' state as
	 * the rig left them (a kill test's witness); "" for none. */
	char state_file[256];
	uint64_t born_ns;      /* the clock when the bench was built */
	char phase[16];        /* the run's phase, as the rig announced it */
	uint64_t phase_t0_ns;  /* when it began */

	/* Every fault given (sim/fault.h), in the order models parsed them;
	 * the faults themselves live in their models. */
	struct sim_fault *faults[SIM_MAX_FAULTS];
	unsigned nfaults;
	/* The bench's own faults: the report folder fills up or turns
	 * read-only (sim_bench_file_errno). */
	struct sim_fault disk_full, readonly;

	/* Set by the pen model: needle tip extension past the contact plane
	 * (µm, positive = beyond the nose) at t_ns; t_ns never decreases
	 * between calls. NULL: the tips rest at the contact plane. */
	double (*tip_extension_um)(void *ctx, uint64_t t_ns);
	void *tip_ctx;
	/* Set by the pen model: told when the relay switches pen power. */
	void (*pen_power_changed)(void *ctx, bool on);
	void *pen_ctx;
};

/* Build the bench from its parameters (copied). Every parameter must be
 * known to some model: an unknown one fails with its origin, RIG_E_CONFIG. */
enum rig_rc sim_bench_create(struct sim_bench **out, struct rig_hal *hal,
			     const struct sim_param *params, size_t nparams,
			     struct rig_err *err);
void sim_bench_destroy(struct sim_bench *b);

/* A model's instance (its `self`) by its name in sim_models[], or NULL. */
void *sim_bench_model(struct sim_bench *b, const char *name);

/* Bring every model up to the clock's now. */
void sim_bench_sync(struct sim_bench *b);

/* The force on the load cell now (N). */
double sim_bench_force_n(const struct sim_bench *b);

/* What an operator does at the fixture; on the virtual bench the bench
 * does it itself. */
void sim_bench_set_target(struct sim_bench *b, enum sim_target t);
void sim_bench_set_load(struct sim_bench *b, enum sim_load l, double mass_g);
/* The operator of a virtual bench (core/operator.h): the bench does each
 * step itself, at once. Its ctx is the struct sim_bench. */
extern const struct operator_ops sim_operator_ops;
/* Press the pen onto the pad with another force from now on (a sweep over
 * preloads): the load cell reads it, the pen's rate droops and its depth
 * follows (pen.depth_per_n, settling with pen.settle_ms). */
void sim_bench_set_preload(struct sim_bench *b, double preload_n);

/* The rig announces the phase of a run it is in ("identify", "preload",
 * "calibrate", "verify", "report"): faults keyed to a phase strike in it. */
void sim_bench_set_phase(struct sim_bench *b, const char *phase);

/* A fault by its key ("fault.pen.silent"), NULL if it was not given. */
struct sim_fault *sim_bench_fault(const struct sim_bench *b, const char *key);

/* The report folder's faults: the errno a file operation on it fails with
 * now (ENOSPC after fault.disk_full struck, EROFS after fault.readonly),
 * 0 when it works. `creates` says whether the operation needs new space or
 * a new name (write, create, rename), which a full disk refuses, or only
 * changes what exists (fsync, unlink), which it allows. */
int sim_bench_file_errno(struct sim_bench *b, bool creates);

/* Switch pen power as the relay would: for a bench that runs without a
 * rig driving its relay (`rig sim`). */
void sim_bench_power_pen(struct sim_bench *b, bool on);

/* Parameters. Each looks `key` up (marking it used), falls back to `def`,
 * and checks the range; errors name the parameter's origin. */
enum rig_rc sim_param_double(struct sim_bench *b, const char *key, double def,
			     double lo, double hi, double *out, struct rig_err *err);
enum rig_rc sim_param_string(struct sim_bench *b, const char *key,
			     const char *def, char *out, size_t cap,
			     struct rig_err *err);
/* One of `choices` (NULL-terminated); *out is its index. */
enum rig_rc sim_param_choice(struct sim_bench *b, const char *key,
			     const char *def, const char *const *choices,
			     int *out, struct rig_err *err);

/* Where a parameter was given ("fixtures/sim.ini:42", "--sim k=v"), or
 * "default". */
const char *sim_param_origin(struct sim_bench *b, const char *key);

/* Parse "key=value" (from --sim) into p; origin is "--sim". */
enum rig_rc sim_param_parse(struct sim_param *p, const char *kv,
			    struct rig_err *err);

#endif
