/* fuzz_fixture.c - the fixture loader (core/fixture.c through
 * core/ini_read.c and libinih) on any file contents, through its
 * load-from-memory entry point. Invariants: it returns OK or RIG_E_CONFIG
 * (RIG_E_NOMEM aside), an error message names the file and is printable
 * text, and a fixture it accepts holds in-range values. */
#include <math.h>
#include <string.h>

#include "core/fixture.h"
#include "fuzz.h"

static void check_text(const char *s, size_t cap, const char *what)
{
	FUZZ_ASSERT(strnlen(s, cap) < cap, "%s not terminated", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fixture f;
	struct rig_err err = { 0 };
	enum rig_rc rc = fixture_load_memory(&f, "/fuzz/fixture.ini", data, size, &err);
	FUZZ_ASSERT(rc == RIG_OK || rc == RIG_E_CONFIG || rc == RIG_E_NOMEM, "rc %d: %s", rc,
		    err.msg);
	if (rc) {
		FUZZ_ASSERT(strncmp(err.msg, "/fuzz/fixture.ini", 17) == 0,
			    "message without the file: '%s'", err.msg);
		return 0;
	}
	check_text(f.bench.station, sizeof f.bench.station, "station");
	check_text(f.pen.port, sizeof f.pen.port, "pen port");
	FUZZ_ASSERT(f.bench.lock[0] == '/', "lock path '%s' is not absolute", f.bench.lock);
	FUZZ_ASSERT(f.laser.range_mm >= 10 && f.laser.range_mm <= 500, "range %g",
		    f.laser.range_mm);
	FUZZ_ASSERT(isfinite(f.laser.zero_mm) && isfinite(f.loadcell.scale_counts_per_n) &&
			    f.loadcell.scale_counts_per_n != 0,
		    "non-finite or zero values");
	FUZZ_ASSERT(f.loadcell.median_of >= 3, "median_of %u", f.loadcell.median_of);
	FUZZ_ASSERT(f.loadcell.rate_sps == 10 || f.loadcell.rate_sps == 80, "rate %d",
		    f.loadcell.rate_sps);
	for (size_t i = 0; i < f.nsim; i++)
		FUZZ_ASSERT(f.sim[i].key[0], "empty sim key");
	fixture_free(&f);
	return 0;
}
