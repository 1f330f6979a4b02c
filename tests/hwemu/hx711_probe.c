/* hx711_probe.c - reads the load cell of a fixture through the rig's
 * driver and the real libgpiod, for tests/test_hwemu.sh's timing check:
 *
 *   hx711_probe FIXTURE MEDIANS
 *
 * prints "median_counts X" per median, then the driver's discard counters
 * ("timing N" ...). Exit 0, or the rig's exit code for an error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/fixture.h"
#include "dev/loadcell/loadcell.h"

static void notice(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "hx711_probe: %s\n", text);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: hx711_probe FIXTURE MEDIANS\n");
		return 64;
	}
	struct rig_err err = { 0 };
	struct fixture fx;
	struct rig_hal hal = { .clock = clock_real() };
	struct loadcell *lc = NULL;
	enum rig_rc rc = fixture_load(&fx, argv[1], &err);
	if (!rc)
		rc = loadcell_open(&lc, &fx.loadcell, &hal, &err);
	if (!rc) {
		/* Real time, as the bench runs it: reads hardened. */
		struct loadcell_rt rt = { .harden = true, .notice = notice };
		loadcell_set_rt(lc, &rt);
	}
	/* A median the driver gave up on (too many reads discarded: on a
	 * machine so loaded that the emulated bench answers late) is tried
	 * again, up to 3 times, and counted. */
	unsigned retries = 0;
	for (int i = 0; !rc && i < atoi(argv[2]); i++) {
		double counts;
		rc = loadcell_read_counts_median(lc, 0, &counts, &err);
		if (rc == RIG_E_DEVICE && retries < 3) {
			fprintf(stderr, "hx711_probe: retrying: %s\n", err.msg);
			retries++;
			rc = RIG_OK;
			i--;
			continue;
		}
		if (!rc)
			printf("median_counts %.1f\n", counts);
	}
	printf("median_retries %u\n", retries);
	if (rc) {
		fprintf(stderr, "hx711_probe: %s\n", err.msg);
		return rig_exit_code(rc);
	}
	struct loadcell_counters c;
	loadcell_get_counters(lc, &c);
	printf("good %lu\ntiming %lu\nglitch %lu\nsaturated %lu\nsettling %lu\n",
	       (unsigned long)c.good, (unsigned long)c.timing, (unsigned long)c.glitch,
	       (unsigned long)c.saturated, (unsigned long)c.settling);
	loadcell_close(lc);
	fixture_free(&fx);
	return 0;
}
