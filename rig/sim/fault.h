/* fault.h - scheduled faults of the virtual bench, `--sim fault.<name>=<when>`:
 * one parser and one strike test shared by every model, so that a phase,
 * `t=<s>` or `p=<probability>` means the same thing for every fault.
 *
 * A struct sim_fault lives inside the model (or the bench) that owns the
 * fault and needs no freeing; sim_fault_parse() registers it with the bench
 * so tests can ask when it struck (sim_bench_fault()). docs/virtual-bench.md
 * ("Faults") lists every fault and what it does.
 *
 * <when> is one of:
 *   identify | preload | calibrate | verify | report
 *            strike once, at a random moment within the phase's window
 *            (its length in a production run: SIM_FAULT_WINDOW_*); a phase
 *            that ends sooner takes the fault at its end;
 *   <phase>+<s>   strike once, s seconds of bench time into the phase;
 *   t=<s>         strike once, at s seconds of bench time;
 *   p=<prob>      strike each operation (byte, read, command) with this
 *                 probability, from the bench's start.
 * A fault that strikes once stays struck: the model decides whether that
 * is a lasting state (a jammed actuator) or one event (a reboot).
 */
#ifndef RIG_SIM_FAULT_H
#define RIG_SIM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/rng.h"

struct sim_bench;

enum sim_fault_kind {
	SIM_FAULT_OFF,   /* "none" or not given */
	SIM_FAULT_PHASE, /* a phase, or <phase>+<s> */
	SIM_FAULT_TIME,  /* t=<s> */
	SIM_FAULT_PROB,  /* p=<probability> */
};

/* Forms a fault accepts (sim_fault_parse's `forms`). */
#define SIM_FAULT_ONCE 1u   /* phase, <phase>+<s>, t=<s> */
#define SIM_FAULT_PER_OP 2u /* p=<probability> */

struct sim_fault {
	char key[40];            /* "fault.pen.silent" */
	enum sim_fault_kind kind;
	char phase[16];
	double offset_s;         /* <phase>+<s>; < 0: random within the window */
	double p;                /* SIM_FAULT_PROB */
	uint64_t at_ns;          /* strike time once known, else UINT64_MAX */
	uint64_t seen_phase_t0;  /* the bench phase last looked at */
	bool seen_any_phase;
	bool struck;
	uint64_t struck_ns;      /* first strike (UINT64_MAX until then) */
	unsigned long hits;      /* operations hit (SIM_FAULT_PROB), or 1 */
	bool consumed;           /* sim_fault_event() has fired */
	uint64_t first_hit_ns;   /* first operation sim_fault_hit() hit, UINT64_MAX if none */
	struct rig_rng rng;
};

/* Read parameter "fault.<name>" (marking it used) into f and register f
 * with the bench. `forms` says which <when> forms make sense for this
 * fault; any other is RIG_E_CONFIG naming the parameter's origin. */
enum rig_rc sim_fault_parse(struct sim_bench *b, struct sim_fault *f, const char *name,
			    unsigned forms, struct rig_err *err);

/* Whether the fault was given at all (not "none"). */
static inline bool sim_fault_on(const struct sim_fault *f)
{
	return f->kind != SIM_FAULT_OFF;
}

/* A fault that strikes once: has it struck by t_ns? Arms itself when the
 * bench announces its phase, and records the strike. t_ns is the instant
 * being modelled (now, or a byte's time); it must not go backwards by more
 * than the model's own lag. Always false for SIM_FAULT_PROB. */
bool sim_fault_struck(struct sim_fault *f, struct sim_bench *b, uint64_t t_ns);

/* One operation at t_ns: true if this one is hit. For SIM_FAULT_PROB a
 * fresh draw per call; for the other kinds, the same as sim_fault_struck. */
bool sim_fault_hit(struct sim_fault *f, struct sim_bench *b, uint64_t t_ns);

/* A one-shot event (a reboot, a burst): true exactly once, at the first
 * call at or after the strike; for SIM_FAULT_PROB, like sim_fault_hit. */
bool sim_fault_event(struct sim_fault *f, struct sim_bench *b, uint64_t t_ns);

/* The bench announced a phase (sim_bench_set_phase calls this for every
 * fault): arm a fault of that phase; one armed in the phase that just
 * ended and not yet struck strikes now, at its end. */
void sim_fault_follow_phase(struct sim_fault *f, struct sim_bench *b);

/* When a not yet struck fault will strike (for next_event_ns), else
 * UINT64_MAX. */
uint64_t sim_fault_next_ns(const struct sim_fault *f);

/* Phase windows (ns): how long each phase lasts in a production run. */
uint64_t sim_fault_phase_window_ns(const char *phase);

#endif
