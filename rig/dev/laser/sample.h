/* sample.h - one laser sample as the rig passes it on: the slot it occupies
 * in the sensor's time base, and either a distance or why there is none.
 *
 * Slots count from the start of a stream at the sensor's measuring rate:
 * sample k was taken at t0 + k / rate_hz. A value lost on the wire keeps its
 * slot (status LASER_LOST), so the time base stays exact.
 */
#ifndef RIG_DEV_LASER_SAMPLE_H
#define RIG_DEV_LASER_SAMPLE_H

#include <stdint.h>

enum laser_status {
	LASER_OK = 0,          /* dist_mm is a measured distance */
	LASER_LOST,            /* the value was lost or corrupted on the wire */
	LASER_ERR_DATA_RATE,   /* 262075 too much data for the baud rate */
	LASER_ERR_NO_PEAK,     /* 262076 no peak */
	LASER_ERR_PEAK_BEFORE, /* 262077 peak before measuring range */
	LASER_ERR_PEAK_AFTER,  /* 262078 peak after measuring range */
	LASER_ERR_CALC,        /* 262080 value cannot be calculated */
	LASER_ERR_PEAK_WIDE,   /* 262081 peak too wide */
	LASER_ERR_LASER_OFF,   /* 262082 laser off */
	LASER_ERR_OTHER,       /* another reserved 18-bit code, or a reserve */
	LASER_STATUS_COUNT
};

struct laser_sample {
	uint64_t slot;     /* index in the sensor's time base */
	double dist_mm;    /* valid only when status == LASER_OK */
	uint32_t raw;      /* the 18-bit value received (0 when lost) */
	enum laser_status status;
};

const char *laser_status_name(enum laser_status s);

#endif
