/* fuzz_capture_csv.c - the trace CSV reader (measure/capture.c through
 * libcsv) feeding the stroke engine, on any file contents (fmemopen).
 * Invariants: it returns OK or RIG_E_DATA with "name:" in front, counts no
 * more rows than lines, and the engine's result stays finite. */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "measure/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 1 << 20)
		return 0;
	FILE *in = fmemopen((void *)data, size, "rb");
	FUZZ_ASSERT(in, "fmemopen");
	struct measure *m = NULL;
	struct measure_config mc = { .rate_hz = 4000, .zero_mm = 12.5 };
	struct rig_err err = { 0 };
	FUZZ_ASSERT(measure_create(&m, &mc, &err) == RIG_OK, "%s", err.msg);
	struct capture_info info;
	enum rig_rc rc = capture_feed(in, "trace.csv", CAPTURE_CSV, 25.0, m, &info, &err);
	FUZZ_ASSERT(rc == RIG_OK || rc == RIG_E_DATA, "rc %d: %s", rc, err.msg);
	if (rc) {
		FUZZ_ASSERT(strncmp(err.msg, "trace.csv", 9) == 0, "message '%s'", err.msg);
	} else {
		size_t lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n' || data[i] == '\r';
		FUZZ_ASSERT(info.rows <= lines, "%llu rows from %zu lines",
			    (unsigned long long)info.rows, lines);
		FUZZ_ASSERT(info.samples == info.rows, "%llu samples, %llu rows",
			    (unsigned long long)info.samples, (unsigned long long)info.rows);
	}
	measure_finish(m);
	struct measure_stats st;
	measure_result(m, &st);
	if (st.has_depth)
		FUZZ_ASSERT(isfinite(st.depth_mean_um), "depth %g", st.depth_mean_um);
	if (st.has_freq)
		FUZZ_ASSERT(isfinite(st.freq_hz) && st.freq_hz > 0, "freq %g", st.freq_hz);
	measure_free(m);
	fclose(in);
	return 0;
}
