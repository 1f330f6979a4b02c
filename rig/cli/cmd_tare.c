/* cmd_tare.c - `rig tare`: measure the load cell's zero with nothing on it
 * and write it to the fixture as offset_counts (with tare_date).
 */
#include <getopt.h>
#include <stdio.h>

#include "bench/selfcal.h"
#include "cli/cli.h"
#include "cli/identify.h"
#include "records/records.h"
#include "core/paths.h"


static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig tare [--fixture F] [--sim key=value]... [--yes]\n"
		"                [--operator ID] [--out DIR]\n"
		"\n"
		"Asks for the pen to be taken out, reads the load cell's median with\n"
		"nothing on it, asks for the pen back, and writes offset_counts and\n"
		"tare_date into the fixture's [loadcell] section.\n"
		"\n"
		CLI_HELP_CHANGE_BENCH
		CLI_HELP_CHANGE_WHO,
		rig_default_fixture());
}

int cmd_tare(int argc, char **argv, struct cli_ctx *cx)
{
	int code = cli_parse_plain(cx, argc, argv, usage);
	if (code >= 0)
		return code;

	struct bench b;
	struct rig_err err = { 0 };
	struct tare_result t;
	struct records_fixture rf; /* the change on the record (docs/records.md) */
	code = cli_fixture_change(cx, &b, "rig tare", &rf);
	if (code)
		return code;
	const struct fixture_loadcell *cfg = &b.fx.loadcell;
	enum rig_rc rc = selfcal_tare(&b, &t, &err);
	if (rc) {
		cli_error("tare", "%s", err.msg);
	} else {
		double shift_counts = t.zero_counts - cfg->offset_counts;
		printf("tare: offset_counts %s (was %.1f, %+.1f counts", t.value,
		       cfg->offset_counts, shift_counts);
		if (cfg->scale_counts_per_n != 0)
			printf(" = %+.4f N", shift_counts / cfg->scale_counts_per_n);
		printf("), tare_date %s, written to %s\n", t.date, b.fx.path);
	}
	bench_close(&b);
	return cli_exit_code(rc);
}
