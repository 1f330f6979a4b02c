/* laser.h - the ILD1420 laser displacement sensor: configure it over ASCII
 * with output stopped, then stream its binary values as laser samples.
 *
 * A struct laser talks over a serial port the caller opened and still owns
 * (the caller closes the port after laser_close()). All waits go through
 * the port's hal clock. Errors name the port: "laser sim:laser: ...".
 */
#ifndef RIG_DEV_LASER_LASER_H
#define RIG_DEV_LASER_LASER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "dev/laser/protocol.h"
#include "dev/laser/sample.h"
#include "hal/serial.h"

/* What the fixture says the sensor must be and do. */
struct laser_settings {
	double range_mm;         /* measuring range the sensor must report */
	double rate_hz;          /* measuring rate: 250, 500, 1000, 2000, 4000 */
	int baud;                /* the port's baud (to check the data rate) */
	unsigned cmd_timeout_ms; /* per ASCII command; 0: 1000 */
	bool read_shutter;       /* read the shutter time back at laser_open() */
	double exposure_us;      /* with read_shutter: the exposure the fixture
				    expects; 0: take the sensor's */
};

/* What GETINFO said. */
struct laser_info {
	char name[32];           /* "ILD1420-10" */
	char serial[32];
	char option[16];
	char article[16];
	char firmware[32];       /* "Version:" */
	double range_mm;         /* "Measuring range:" */
	double exposure_us;      /* its shutter time, read back at laser_open() */
};

struct laser;

/* Stop the output, read GETINFO (a range other than settings->range_mm is
 * RIG_E_CONFIG: a wrong sensor on the port), switch the laser on, set and
 * check MEASRATE, then (settings->read_shutter) read the shutter time back:
 * OUTADD_RS422 SHUTTER, a few blocks of output, OUTPUT NONE, OUTADD_RS422
 * NONE (laser_info()'s exposure_us; 0 when not read). A shutter time that
 * varies over those blocks, or that differs from settings->exposure_us
 * (when > 0), is RIG_E_CONFIG naming both; the sensor is the truth. The
 * sensor is left quiet: call
 * laser_start() to stream. RIG_E_TIMEOUT when the sensor does not answer,
 * RIG_E_PROTOCOL when it answers nonsense (wrong baud), RIG_E_DEVICE with
 * its Exxx code when it refuses a command. */
enum rig_rc laser_open(struct laser **out, struct serial_port *port,
		       const struct laser_settings *settings, struct rig_err *err);
/* Stop the output (best effort) and free the driver; NULL is fine. */
void laser_close(struct laser *l);

const struct laser_info *laser_info(const struct laser *l);

/* Send one ASCII command (without CR) while output is stopped, and return
 * the reply lines (echo removed, joined by '\n') in reply. An Exxx answer is
 * RIG_E_DEVICE naming the code. */
enum rig_rc laser_command(struct laser *l, const char *cmd, char *reply,
			  size_t cap, struct rig_err *err);

/* Start streaming: slots count from 0 at the first value after the start. */
enum rig_rc laser_start(struct laser *l, struct rig_err *err);
/* Stop streaming and discard what is still in flight. */
enum rig_rc laser_stop(struct laser *l, struct rig_err *err);

/* Up to cap samples, slots continuing across calls; returns as soon as at
 * least one is there. No byte for timeout_ms is RIG_E_TIMEOUT ("no data
 * for N ms (unplugged?)"); bytes without a single value in that time are
 * RIG_E_PROTOCOL (wrong baud?). */
enum rig_rc laser_read(struct laser *l, struct laser_sample *buf, size_t cap,
		       unsigned timeout_ms, size_t *n, struct rig_err *err);

/* The decoder's counts since laser_start(), and per status. */
const struct ild1420_counters *laser_counters(const struct laser *l);
uint64_t laser_status_count(const struct laser *l, enum laser_status s);

/* Statistics of a run of samples read by laser_mean(). */
struct laser_mean {
	double mean_mm;
	double sd_um;       /* sample standard deviation */
	double min_mm, max_mm;
	size_t n_ok;        /* valid distances used */
	size_t n_error;     /* sensor error codes seen meanwhile */
	size_t n_lost;      /* values lost on the wire meanwhile */
	/* The straight line fitted to the valid readings in their order: its
	 * rise from the first to the last (µm; positive = farther). A still
	 * target has none beyond noise. */
	double drift_um;
};

/* Read (streaming must be on) until n_valid distances came; error codes
 * and lost values are counted, not used. More than max_bad of them is
 * RIG_E_DEVICE naming the commonest status. */
enum rig_rc laser_mean(struct laser *l, size_t n_valid, size_t max_bad,
		       unsigned timeout_ms, struct laser_mean *out,
		       struct rig_err *err);
/* The same, calling check (when not NULL) after every read: an error from
 * it (a stop signal, an e-stop) ends the mean at once with that error. */
enum rig_rc laser_mean_checked(struct laser *l, size_t n_valid, size_t max_bad,
			       unsigned timeout_ms,
			       enum rig_rc (*check)(void *ctx, struct rig_err *err),
			       void *check_ctx, struct laser_mean *out, struct rig_err *err);

#endif
