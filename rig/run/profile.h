/* profile.h - a test profile (profiles/NAME.ini): for one pen model and
 * purpose, which points to calibrate and verify and the limits that judge them.
 *
 * Loaded with libinih through core/ini_read.c; every key is known, typed,
 * unit-named and checked, alone and against the pen's limits. Any mistake
 * fails with "file:line: expected ..., found ..." and RIG_E_DATA (exit 65).
 * The struct holds no pointers: it owns nothing and needs no free. The
 * SHA-256 of the exact bytes parsed goes into every report. docs/profiles.md
 * documents every key.
 */
#ifndef RIG_RUN_PROFILE_H
#define RIG_RUN_PROFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/sha256.h"
#include "measure/stroke.h"
#include "run/decision.h"
#include "run/disposition.h"

#define PROFILE_MAX_POINTS 32
#define PROFILE_MAX_BYTES (64 * 1024)
#define PROFILE_MAX_KEYS 72
#define PROFILE_PATTERN_MAX 128

struct profile_points {
	size_t n;                    /* >= 1, strictly increasing */
	double v[PROFILE_MAX_POINTS];
};

/* What the pen model can be commanded to: every point must lie inside. */
struct profile_pen {
	double depth_min_um, depth_max_um;
	double freq_min_hz, freq_max_hz;
};

/* A measurement window: a time (window_s), a number of strokes
 * (window_strokes), or sequential (min_strokes, max_strokes, u_fraction:
 * it ends when the depth's and the rate's U and the spread's U reach
 * u_fraction of the verify tolerances, between min and max strokes).
 * Exactly one kind is set. */
struct profile_window {
	double window_s;             /* seconds of strokes */
	unsigned window_strokes;     /* number of strokes */
	unsigned min_strokes, max_strokes; /* sequential */
	double u_fraction;           /* sequential: > 0 */
	bool settle_detect;          /* settle until the strokes are steady,
					settle_ms at most */
};

struct profile_calibrate {
	struct profile_points depth_points_um;  /* swept at nominal_freq_hz */
	struct profile_points freq_points_hz;   /* swept at nominal_depth_um */
	double nominal_depth_um;
	double nominal_freq_hz;
	unsigned settle_ms;          /* after each new setting, before the window */
	struct profile_window window;
	double max_invalid_fraction; /* of strokes in a window; more aborts */
	double max_depth_correction_um; /* largest |measured - commanded| the
					   table may correct; 0 = no limit */
	double max_freq_correction_pct; /* same for frequency; 0 = no limit */
};

struct profile_verify {
	struct profile_points depth_points_um;  /* swept at nominal_freq_hz */
	struct profile_points freq_points_hz;   /* swept at nominal_depth_um */
	double nominal_depth_um;
	double nominal_freq_hz;
	double depth_tolerance_um;   /* mean depth: commanded +/- this */
	double max_depth_spread_um;  /* sample std (n-1) of per-stroke depths */
	double freq_tolerance_pct;   /* stroke rate: commanded +/- this % */
	double preload_min_n;        /* pen's force on the pad before measuring */
	double preload_max_n;
	unsigned preload_timeout_ms; /* to reach the preload window */
	struct profile_points preloads_n; /* verify every point at each of
					   * these preloads (n 0: at the seated
					   * preload only) */
	unsigned settle_ms;
	struct profile_window window;
	double max_invalid_fraction;
	enum decision_rule decision_rule;
	bool paired_points;          /* point i is (depth_points_um[i],
					freq_points_hz[i]): depth, spread and
					rate judged on each */
	bool zero_target_correct;    /* on a bench with a zero target: correct
					the zero's move since rig zero (its U
					in every depth), rather than refuse
					one beyond its bound */
	/* conformance rule: the probability of conformance a PASS needs (and of
	 * non-conformance a FAIL needs), in %; 95 unless the profile says */
	double conformance_level_pct;
};

struct profile {
	char path[PATH_MAX];
	char sha256[SHA256_HEX_LEN + 1]; /* of the file's exact bytes */
	char name[64];               /* [A-Za-z0-9._-] */
	char version[32];            /* [A-Za-z0-9._-] */
	char pen_model[64];          /* must equal the model in the pen's *IDN? */
	char description[200];
	/* Serials this profile tests, a POSIX extended regular expression the
	 * whole serial must match, case ignored ("MN3-[0-9]{6}"); "": any. */
	char serial_pattern[PROFILE_PATTERN_MAX];
	struct profile_pen pen;
	bool has_calibrate;          /* false: a verify-only profile */
	struct profile_calibrate calibrate;
	struct profile_verify verify;
	struct measure_gates quality; /* [quality]: the stroke engine's gates */
	/* [disposition]: what the operator does for each reason a unit did
	 * not pass (run/disposition.h; defaults reason_code_default) */
	enum disposition disposition[REASON_COUNT];
	int line[PROFILE_MAX_KEYS];  /* line of each key read (internal order) */
};

/* Load and check path. On error *p is undefined and err says file:line. */
enum rig_rc profile_load(struct profile *p, const char *path, struct rig_err *err);
/* The same from len bytes in memory (path names them in messages): the
 * fuzzer's entry point. */
enum rig_rc profile_load_memory(struct profile *p, const char *path, const void *bytes,
				size_t len, struct rig_err *err);

/* The [quality] gates of a profile that does not set them (the schema's
 * defaults, docs/profiles.md): for a profile made in code, such as rig
 * check's, which must gate the stroke engine as a loaded one does. */
enum rig_rc profile_quality_defaults(struct measure_gates *q, struct rig_err *err);

/* May a unit scanned as serial be tested with this profile? Its
 * text_serial_key (run/text.h) must be non-empty and match serial_pattern
 * (when the profile has one). false: why, for the operator, in why. */
bool profile_serial_ok(const struct profile *p, const char *serial, char *why, size_t cap);

/* Line of section.key in the file, or 0 if it was not given. */
int profile_line(const struct profile *p, const char *section, const char *key);

/* Bench time a run of this profile takes (docs/profiles.md, "Bench
 * time"): each point is its settle time, its window as point.c reads it
 * (profile_window_read_s) and the commands around it; the fixed parts
 * (identify, the steady preload, the calibration's table protocol, the
 * report) are what the virtual bench measures, PROFILE_*_S below. The
 * preload is also counted at its timeout (the worst case). A run's report
 * has the measured time of every phase (its bench_time rows). */
struct profile_time {
	double identify_s;           /* power on, boot, *IDN? */
	double preload_s;            /* a pen seated at once: three steady reads */
	double preload_max_s;        /* its timeout */
	double calibrate_s;          /* points and the tables' protocol; 0 without */
	double verify_s;
	double report_s;
	double total_s;              /* all phases, the preload steady at once */
	double total_max_s;          /* the same with the preload at its timeout */
	unsigned points;             /* calibration and verification points */
	double zero_target_s;        /* the zero target's part (in calibrate_s, or in
				      * verify_s when nothing calibrates); 0: none */
};
/* calibrate: whether the run calibrates (--mode verify does not);
 * zero_target_ms: the fixture's [io] zero_target_ms on a bench with a zero
 * target ([io] zero_target_line), < 0 without one. */
void profile_estimate_time(const struct profile *p, bool calibrate, int zero_target_ms,
			   struct profile_time *t);

/* The fixed parts, measured on the virtual bench (MN-300 model, ILD1420
 * at 4 kHz, HX711 at 80 samples/s, median of 3). */
#define PROFILE_IDENTIFY_S 0.56      /* devices opened, pen booted, *IDN? */
#define PROFILE_PRELOAD_S 0.11       /* three reads of a median of three */
#define PROFILE_TABLES_S 0.21        /* read, stage, save, reset, read back */
#define PROFILE_POINT_S 0.033        /* per point: DEPTH, FREQ, laser start/stop */
#define PROFILE_REPORT_S 0.01
#define PROFILE_ZERO_CHECK_S 0.30    /* one reading of the run's zero reference
					(zero_check.c): pen commands, a move of
					1500 um settled, 10-11 looks of 25 ms */
#define PROFILE_ZERO_TARGET_LOOKS_S 0.05 /* the zero target read still: 2 looks */
#define PROFILE_ZERO_SETTLE_S 0.20   /* of PROFILE_ZERO_CHECK_S, the tips settling
					after the move (8 looks): the target's
					travel and looks hide as much of it (the
					tips then read still in 2 looks) */
#define PROFILE_RATE_HZ 4000.0       /* the laser's rate */
#define PROFILE_LEARN_SAMPLES 1024.0 /* a sequential window's least values
					(POINT_LEARN_SAMPLES) */
#define PROFILE_SETTLE_PERIODS 22.0 /* a detected settle (settle.h): 0.13 to
					0.30 s measured, 22 periods at the mean */
#define PROFILE_PRELOAD_SET_S 0.14   /* a preload asked for, read twice in a row */

/* The verify phase's points (a paired point counts once). */
unsigned profile_verify_points(const struct profile *p);

/* Seconds of strokes one window holds at freq_hz (a sequential one at
 * least). */
double profile_window_s(const struct profile_window *w, double freq_hz);
/* Seconds of laser values point.c reads for one window at freq_hz: a time
 * window is its time; a stroke window reads until its strokes are counted,
 * at most (strokes + 2) periods x 1.5 + 0.2 s; a sequential window is
 * estimated at its min_strokes or the values its shape is learned from,
 * whichever is longer (a pen well inside its limits), from the first
 * up-crossing to the last, half a chunk of values late. */
double profile_window_read_s(const struct profile_window *w, double freq_hz);

#endif
