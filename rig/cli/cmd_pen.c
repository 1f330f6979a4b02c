/* cmd_pen.c - `rig pen 'COMMAND'...`: talk to the pen by hand. Switches
 * the pen's relay on (after the safety check), waits for it to boot, sends
 * each line and prints what came back; the relay goes off at the end.
 */
#include <getopt.h>
#include <stdio.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "core/paths.h"

#define BOOT_WAIT_MS 2000

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig pen [--fixture F] [--sim key=value]... 'COMMAND'...\n"
		"\n"
		"Switches pen power on, sends each COMMAND to the pen as one line and\n"
		"prints the reply of a query (a header ending in '?'). After any other\n"
		"command it asks SYST:ERR? and prints the error if the pen refused it;\n"
		"then it stops (exit 2). docs/pen-protocol.md lists the commands.\n"
		"\n"
		"  rig pen '*IDN?' 'DEPTH 1500' 'DEPTH?' 'CAL:DEPTH:CRC?'\n"
		"\n"
		"  -f, --fixture F      fixture file (default %s)\n"
		"  -s, --sim KEY=VALUE  override a virtual bench parameter (repeatable)\n"
		"  -h, --help           this text\n",
		rig_default_fixture());
}

int cmd_pen(int argc, char **argv, struct cli_ctx *cx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	while ((c = cli_getopt(cx, argc, argv, "+h", opts)) != -1) {
		switch (c) {
		default: return cli_opt_other(c, usage);
		}
	}
	if (optind == argc) {
		cli_error("pen", "expected at least one COMMAND (try --help)");
		return RIG_EXIT_USAGE;
	}

	struct bench b;
	struct rig_err err = { 0 };
	enum rig_rc rc;
	int code = cli_open_bench(cx, &b, 0);
	if (code) {
		bench_close(&b);
		return code;
	}
	/* By hand: no safety watch while booting, a shorter boot wait. The
	 * handles live in the bench, which leaves it safe at the end. */
	struct bench_devices *d = &b.d;
	struct serial_settings ser = serial_8n1(b.fx.pen.baud);
	struct pen_settings ps = { .timeout_ms = b.fx.pen.timeout_ms };
	if ((rc = bench_io_open(&d->io, &b.fx.io, &b.hal, &err)) ||
	    (rc = bench_io_check_safe(d->io, &err)) ||
	    (rc = serial_open(&d->pen_port, b.fx.pen.port, &ser, &b.hal, &err)) ||
	    (rc = pen_open(&d->pen, d->pen_port, b.hal.clock, &ps, &err)) ||
	    (rc = bench_io_pen_power(d->io, true, &err)) ||
	    (rc = pen_wait_ready(d->pen, BOOT_WAIT_MS, &err)))
		goto out;
	for (int i = optind; i < argc; i++) {
		char reply[256];
		bool replied = false;
		if ((rc = bench_check_safety(&b, &err))) /* a stop signal, an e-stop */
			goto out;
		rc = pen_raw(d->pen, argv[i], reply, sizeof reply, &replied, &err);
		if (replied)
			printf("%s\n", reply);
		if (rc == RIG_E_DEVICE) {
			const char *text;
			int pen_code = pen_last_error(d->pen, &text);
			printf("%d,\"%s\"\n", pen_code, text);
		}
		if (rc)
			goto out;
	}
out:
	fflush(stdout);
	if (rc)
		cli_error("pen", "%s", err.msg);
	bench_close(&b); /* motor off, pen power off */
	return cli_exit_code(rc);
}
