/* fixture.h - a bench's fixture file (fixtures/NAME.ini): which port and lines
 * each device is on, its settings, and the fixture's own calibration.
 *
 * Loaded with libinih; every key is known, typed, unit-named and range
 * checked. An unknown key, a bad value, a duplicate or a missing required
 * key fails with "file:line: what was expected, what was found"
 * (RIG_E_CONFIG, exit 78). Relative paths are made relative to the
 * fixture file's folder. The struct owns everything it holds;
 * fixture_free() releases it.
 */
#ifndef RIG_CORE_FIXTURE_H
#define RIG_CORE_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/kv.h"

#define FIXTURE_STR 160
#define FIXTURE_DATE 11 /* YYYY-MM-DD */

struct fixture_bench {
	char station[64];
	char lock[PATH_MAX];         /* bench lock file (absolute) */
	int calibration_valid_days;  /* fixture calibrations expire after */
};

struct fixture_pen {
	char port[FIXTURE_STR];
	int baud;
	unsigned timeout_ms;         /* per command */
};

struct fixture_laser {
	char port[FIXTURE_STR];
	int baud;
	double range_mm;             /* measuring range (MR): 10, 25, 50 ... */
	double rate_hz;              /* measuring rate */
	double zero_mm;              /* reading of the contact plane */
	char zero_date[FIXTURE_DATE];
	/* rig zero refuses a new zero further than this from zero_mm unless
	 * forced (--force): the reference was not where it belongs. */
	double zero_max_change_um;
	/* A run re-reads its zero reference at its start and after its verify
	 * points (run/zero_check.c); a shift beyond its bound aborts the run.
	 * The bound comes from the profile's depth tolerance; this key (0:
	 * not set) only tightens it. */
	double run_zero_max_shift_um;
	/* Type-B uncertainty parts for the measurement budget. */
	double linearity_um;         /* sensor linearity (max deviation) */
	double resolution_um;
	double zero_uncertainty_um;  /* standard uncertainty of zero_mm */
	double clock_ppm;            /* sensor clock accuracy */
	double exposure_us;          /* the sensor's exposure; 0 = not known */
	/* The pad's impact ring, measured (docs/measurement.md "The pad's
	 * ring bound"): what the exposure may hide of a ring counts in U up
	 * to it instead of the physics' 20 um. 0 = not measured. It expires
	 * with ring_date like the other calibrations, and holds only at the
	 * sensor exposure it was measured at (ring_exposure_us): a run at
	 * another exposure does not use it. All three or none. */
	double ring_max_um;
	char ring_date[FIXTURE_DATE];
	double ring_exposure_us;
	/* The zero target's reading at the last rig zero ([io]
	 * zero_target_line; run/zero_check.c): valid when has_zero_target_mm. */
	double zero_target_mm;
	bool has_zero_target_mm;
};

struct fixture_loadcell {
	char chip[FIXTURE_STR];
	char dout_line[48];
	char sck_line[48];
	int gain;                    /* 128 or 64 (channel A), 32 (channel B) */
	int rate_sps;                /* 10 or 80, as the RATE pin is wired */
	double scale_counts_per_n;
	double offset_counts;
	char cal_date[FIXTURE_DATE]; /* span calibration */
	char tare_date[FIXTURE_DATE];
	unsigned median_of;          /* reads per median, >= 3 */
};

struct fixture_io {
	char chip[FIXTURE_STR];
	char estop_line[48];         /* input: high = tripped (NC to ground) */
	char lid_line[48];           /* input: high = open */
	char start_line[48];         /* input: low = pressed; may be empty */
	char relay_line[48];         /* output: pen power, high = on */
	char lamp_green_line[48];
	char lamp_amber_line[48];
	char lamp_red_line[48];
	char buzzer_line[48];        /* may be empty */
	/* output: high = the zero target (a flat on an actuator, in front of
	 * the contact plane) swung into the laser's beam; may be empty */
	char zero_target_line[48];
	unsigned zero_target_ms;     /* the target's travel, waited after each move */
};

/* The line's results database (optional; docs/results-db.md). */
struct fixture_results {
	char url[512];               /* postgresql://user@host/db, no password; "" none */
	char passfile[PATH_MAX];     /* libpq password file; "" libpq's default */
};

/* [access]: who may do what (rig/records/operators.h). No operators file:
 * access control is off, everyone may do everything. */
struct fixture_access {
	char operators[PATH_MAX];    /* operators file (absolute), or "" */
};

/* [check]: the bench checks itself on a reference artifact (rig check,
 * docs/characterization.md). No reference: no checks, judging not gated. */
struct fixture_check {
	char reference[PATH_MAX];    /* the artifact's certificate (absolute), or "" */
	double interval_h;           /* a check must have passed within; 0: not gated */
	unsigned settle_ms;          /* per point, as a profile's */
	unsigned window_strokes;
	double preload_min_n, preload_max_n;
};

struct fixture_where {
	char section[24];            /* "laser" */
	char in_file[24];            /* the section it was read from: "laser" or "laser:B" */
	char key[40];
	int line;
};

/* Sockets: one fixture may describe several test positions (sockets) on
 * one bench. Sections [pen:S], [laser:S], [loadcell:S], [io:S] and [sim:S]
 * belong to socket S alone; [bench], [results], [access], [check], [sim]
 * and [io] (its chip, e-stop and lid: those are shared) belong to all. One
 * struct fixture is one socket's view: the file read as if [X:S] were [X]
 * and the other sockets' sections were not there, its station named
 * "STATION:S" and its lock "LOCK.S". A fixture without socket sections is
 * one socket, as before (socket ""). docs/fixtures.md. */
#define FIXTURE_MAX_SOCKETS 4
#define FIXTURE_SOCKET_NAME 16

struct fixture {
	char path[PATH_MAX];
	char dir[PATH_MAX];
	struct fixture_bench bench;
	struct fixture_pen pen;
	struct fixture_laser laser;
	struct fixture_loadcell loadcell;
	struct fixture_io io;
	struct fixture_results results;
	struct fixture_access access;
	struct fixture_check check;
	/* The [sim] section, free-form: its keys are the virtual bench's
	 * (rig/sim/), which checks them when a bench is assembled. */
	bool has_sim;                /* a [sim] section: in-process virtual bench */
	struct rig_kv *sim;          /* its entries, origin "file:line" */
	size_t nsim;
	struct fixture_where *where; /* line of every key read */
	size_t nwhere;
	char socket[FIXTURE_SOCKET_NAME]; /* this view's socket; "" one-socket fixture */
	char sockets[FIXTURE_MAX_SOCKETS][FIXTURE_SOCKET_NAME]; /* all, in file order */
	unsigned nsockets;           /* 0: a one-socket fixture */
	char shared_lock[PATH_MAX];  /* the lock of the shared lines (e-stop, lid): the
				      * [bench] lock as written; = bench.lock with one socket */
	char shared_station[64];     /* [bench] station as written */
};

enum rig_rc fixture_load(struct fixture *f, const char *path, struct rig_err *err);
/* One socket's view of the fixture at path. socket NULL: the first socket
 * (or the only one). A socket the file does not describe is RIG_E_CONFIG
 * naming the ones it does. */
enum rig_rc fixture_load_socket(struct fixture *f, const char *path, const char *socket,
				struct rig_err *err);
/* What the holder of the shared lines sees: the first socket's view
 * without its own [sim:S] (the virtual bench's shared inputs only). */
enum rig_rc fixture_load_shared(struct fixture *f, const char *path, struct rig_err *err);
/* The same from len bytes in memory; path names them in messages and its
 * folder anchors relative paths (the fuzzer's entry point). */
enum rig_rc fixture_load_memory(struct fixture *f, const char *path, const void *bytes,
				size_t len, struct rig_err *err);
void fixture_free(struct fixture *f);
/* Line of section.key in the file, or 0. */
int fixture_line(const struct fixture *f, const char *section, const char *key);
/* The section of the file section.key was read from ("laser:B" in socket
 * B's view when given there), for writing it back; section when not read. */
const char *fixture_file_section(const struct fixture *f, const char *section,
				 const char *key);
/* A port or chip of the in-process virtual bench ("sim:..."). */
bool fixture_is_sim(const char *port_or_chip);

struct ini_edit;
/* Commit a change to the fixture file at path: the one place where a
 * fixture is changed. Each section.key set as ini_edit_commit() does
 * (locked, atomic, symlink, mode and owner kept, read-only refused); the
 * file as it was kept as PATH.prev; one line per key appended to
 * PATH.history (tab-separated: when, who, `why`, section.key, old, new)
 * before the new file takes its place. On error nothing has changed. */
enum rig_rc fixture_commit(const char *path, const struct ini_edit *edits, size_t n,
			   const char *why, struct rig_err *err);

struct ini_change;
/* Told of a committed fixture change (the new file in place): the file
 * changed (symlinks followed) and each change with its old and new value.
 * rig/records puts it in a ledger (records_fixture_observer). An error
 * from it is returned, though the fixture has changed. */
struct fixture_observer {
	enum rig_rc (*committed)(void *ctx, const char *path, const struct ini_change *ch,
				 size_t n, struct rig_err *err);
	void *ctx;
};
/* fixture_commit(), then obs (may be NULL) once the change is in place. */
enum rig_rc fixture_commit_observed(const char *path, const struct ini_edit *edits, size_t n,
				    const char *why, const struct fixture_observer *obs,
				    struct rig_err *err);

#endif
