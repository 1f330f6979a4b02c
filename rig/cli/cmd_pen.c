/* cmd_pen.c - `rig pen 'COMMAND'...`: talk to the pen by hand. Switches
 * the pen's relay on (after the safety check), waits for it to boot, sends
 * each line and prints what came back; the relay goes off at the end.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "dev/io/io.h"
#include "dev/pen/pen.h"

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
		session_default_fixture());
}

int cmd_pen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fixture", required_argument, NULL, 'f' },
		{ "sim", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fixture = NULL;
	char *sims[CLI_MAX_SIM];
	size_t nsims = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+f:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fixture = optarg; break;
		case 's':
			if (!cli_add_sim("pen", sims, &nsims, optarg))
				return RIG_EXIT_USAGE;
			break;
		case 'h': usage(stdout); return RIG_EXIT_PASS;
		default: usage(stderr); return RIG_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		cli_error("pen", "expected at least one COMMAND (try --help)");
		return RIG_EXIT_USAGE;
	}

	struct rig_session s;
	struct rig_err err = { 0 };
	struct bench_io *io = NULL;
	struct serial_port *port = NULL;
	struct pen *pen = NULL;
	enum rig_rc rc = session_open(&s, fixture, sims, nsims, &err);
	if (rc) {
		cli_error("pen", "%s", err.msg);
		return rig_exit_code(rc);
	}
	struct serial_settings ser = serial_8n1(s.fx.pen.baud);
	struct pen_settings ps = { .timeout_ms = s.fx.pen.timeout_ms };
	if ((rc = bench_io_open(&io, &s.fx.io, &s.hal, &err)) ||
	    (rc = bench_io_check_safe(io, &err)) ||
	    (rc = serial_open(&port, s.fx.pen.port, &ser, &s.hal, &err)) ||
	    (rc = pen_open(&pen, port, s.hal.clock, &ps, &err)) ||
	    (rc = bench_io_pen_power(io, true, &err)) ||
	    (rc = pen_wait_ready(pen, BOOT_WAIT_MS, &err)))
		goto out;
	for (int i = optind; i < argc; i++) {
		char reply[256];
		bool replied = false;
		rc = pen_raw(pen, argv[i], reply, sizeof reply, &replied, &err);
		if (replied)
			printf("%s\n", reply);
		if (rc == RIG_E_DEVICE) {
			const char *text;
			int code = pen_last_error(pen, &text);
			printf("%d,\"%s\"\n", code, text);
		}
		if (rc)
			goto out;
	}
out:
	fflush(stdout);
	if (rc)
		cli_error("pen", "%s", err.msg);
	pen_close(pen);
	serial_close(port);
	bench_io_close(io); /* pen power off */
	session_close(&s);
	return rig_exit_code(rc);
}
