/* commands.c - the one table of `rig` commands, and the options they share.
 * Adding a command is adding a file cmd_<name>.c and a row here; its flags
 * say which shared options (--fixture/--sim, --yes, --wait-lock) it takes. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stop.h"
#include "run/text.h"

const struct rig_command rig_commands[] = {
	{ "run", cmd_run, CLI_BENCH | CLI_WAIT_LOCK | CLI_STOP, "test a pen: calibrate, verify, judge, report" },
	{ "station", cmd_station, CLI_BENCH, "production station: scan, start, PASS/FAIL on screen, unit after unit" },
	{ "sweep", cmd_sweep, CLI_BENCH | CLI_WAIT_LOCK | CLI_STOP, "measure a pen over a grid of depths and rates (characterisation)" },
	{ "grr", cmd_grr, CLI_BENCH | CLI_WAIT_LOCK | CLI_STOP, "gauge R&R study: parts x operators x repeats, ANOVA (AIAG MSA)" },
	{ "check", cmd_check, CLI_BENCH | CLI_WAIT_LOCK | CLI_STOP, "check the bench on its reference artifact (En); gates judging" },
	{ "stats", cmd_stats, 0, "lot statistics over run reports: mean, std, Cp, Cpk, yield, trends" },
	{ "index", cmd_index, 0, "index a report folder's runs in its SQLite index, or rebuild it" },
	{ "sync", cmd_sync, 0, "send queued runs to the line's results database, each exactly once" },
	{ "history", cmd_history, 0, "every attempt of a unit: where, when, by whom, verdict, reason" },
	{ "impact", cmd_impact, 0, "every unit judged on a bench since a time (gauge out of tolerance)" },
	{ "db", cmd_db, 0, "create or update the results database's schema (rig db migrate URL)" },
	{ "plot", cmd_plot, 0, "draw SVG plots from a run report or a sweep" },
	{ "analyze", cmd_analyze, 0, "measure stroke depth and rate in a recorded laser capture" },
	{ "monitor", cmd_monitor, CLI_BENCH | CLI_WAIT_LOCK | CLI_STOP | CLI_LOCK, "live laser, force and pen readings for setting up a fixture" },
	{ "pen", cmd_pen, CLI_BENCH | CLI_WAIT_LOCK | CLI_STOP | CLI_LOCK, "send raw commands to the pen and print its replies" },
	{ "zero", cmd_zero, CLI_BENCH | CLI_YES | CLI_RECORD | CLI_WAIT_LOCK | CLI_STOP | CLI_LOCK, "measure the laser's zero plane on the flat reference" },
	{ "tare", cmd_tare, CLI_BENCH | CLI_YES | CLI_RECORD | CLI_WAIT_LOCK | CLI_STOP | CLI_LOCK, "measure the load cell's zero and write it to the fixture" },
	{ "loadcell-cal", cmd_loadcell_cal, CLI_BENCH | CLI_YES | CLI_RECORD | CLI_WAIT_LOCK | CLI_STOP | CLI_LOCK, "calibrate the load cell's scale with a reference mass" },
	{ "sim", cmd_sim, CLI_BENCH, "run the virtual bench on pseudo-terminals, in real time" },
	{ "keygen", cmd_keygen, 0, "make the station's signing key for its ledgers" },
	{ "operator", cmd_operator, 0, "add, disable or re-PIN the people who may use the bench" },
	{ "sign", cmd_sign, 0, "sign a run report (reviewed, approved, responsible) in its ledger" },
	{ "audit", cmd_audit, 0, "the audit trail of a report folder, for people (or --csv)" },
	{ "verify", cmd_verify, 0, "check reports, signatures and fixtures against their ledger" },
	{ "ports", cmd_ports, 0, "list serial ports and GPIO chips on this machine" },
};
const unsigned rig_ncommands = sizeof rig_commands / sizeof rig_commands[0];

int cli_dispatch(const char *name, int argc, char **argv)
{
	for (unsigned i = 0; i < rig_ncommands; i++)
		if (!strcmp(rig_commands[i].name, name)) {
			struct cli_ctx cx = { .cmd = &rig_commands[i] };
			unsigned flags = rig_commands[i].flags;
			if (flags & CLI_STOP)
				rig_stop_install();
			int code = rig_commands[i].fn(argc, argv, &cx);
			/* A device command stopped by a signal ends as an aborted
			 * one (run, sweep, grr and check report it themselves). */
			int sig = rig_stop_signal();
			if ((flags & CLI_LOCK) && sig && code != RIG_EXIT_USAGE) {
				cli_error(name, "stopped by %s: motor off, pen power off",
					  rig_stop_name(sig));
				code = RIG_EXIT_ABORT;
			} else if (sig && (code == RIG_EXIT_PASS || code == RIG_EXIT_FAIL ||
					   code == RIG_EXIT_INDETERMINATE)) {
				/* After the last safety check (pen off, verdict
				 * final): the verdict stands, and says so. */
				cli_error(name, "%s came after the verdict was final, with the pen "
					  "off: the verdict stands", rig_stop_name(sig));
			}
			return code;
		}
	fprintf(stderr, "rig: no command '%s' (see rig --help)\n", name);
	return RIG_EXIT_USAGE;
}

void cli_error(const char *cmd, const char *fmt, ...)
{
	/* Messages quote values from files, pens and scanners: escape them. */
	char raw[1024], shown[4 * sizeof raw];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	text_escape(shown, sizeof shown, raw);
	fprintf(stderr, "rig %s: %s\n", cmd, shown);
}

/* ---- Shared options ----------------------------------------------------- */

static const struct {
	unsigned flag;
	const char *shortopts;
	struct option longopts[3];
} shared[] = {
	{ CLI_BENCH, "f:s:",
	  { { "fixture", required_argument, NULL, 'f' }, { "sim", required_argument, NULL, 's' },
	    { "socket", required_argument, NULL, CLI_OPT_SOCKET } } },
	{ CLI_YES, "y", { { "yes", no_argument, NULL, 'y' }, { NULL, 0, NULL, 0 } } },
	{ CLI_WAIT_LOCK, "w:",
	  { { "wait-lock", required_argument, NULL, 'w' }, { NULL, 0, NULL, 0 } } },
	{ CLI_RECORD, "o:d:",
	  { { "operator", required_argument, NULL, 'o' }, { "out", required_argument, NULL, 'd' } } },
};

static void build_tables(struct cli_ctx *cx, const char *shortopts, const struct option *longopts)
{
	unsigned flags = cx->cmd ? cx->cmd->flags : 0;
	size_t nl = 0;
	/* A leading '+' (stop at the first argument) must stay first. */
	snprintf(cx->shortopts, sizeof cx->shortopts, "%s", shortopts);
	for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++)
		if (flags & shared[i].flag)
			strncat(cx->shortopts, shared[i].shortopts,
				sizeof cx->shortopts - strlen(cx->shortopts) - 1);
	for (; longopts[nl].name && nl + 1 < sizeof cx->longopts / sizeof cx->longopts[0]; nl++)
		cx->longopts[nl] = longopts[nl];
	for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++)
		for (size_t k = 0; k < 3 && (flags & shared[i].flag); k++)
			if (shared[i].longopts[k].name &&
			    nl + 1 < sizeof cx->longopts / sizeof cx->longopts[0])
				cx->longopts[nl++] = shared[i].longopts[k];
	cx->longopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	cx->tables_built = true;
}

/* Take one shared option; false after saying what is wrong with it. */
static bool take_shared(struct cli_ctx *cx, int c, char *arg)
{
	const char *name = cx->cmd ? cx->cmd->name : "rig";
	switch (c) {
	case 'f':
		cx->fixture_path = arg;
		return true;
	case CLI_OPT_SOCKET:
		cx->socket = arg;
		return true;
	case 's':
		if (cx->nsims == CLI_MAX_SIM) {
			cli_error(name, "at most %d --sim options", CLI_MAX_SIM);
			return false;
		}
		cx->sims[cx->nsims++] = arg;
		return true;
	case 'y':
		cx->op.assume_yes = true;
		return true;
	case 'o':
		cx->operator_id = arg;
		return true;
	case 'd':
		cx->records_dir = arg;
		return true;
	case 'w': {
		char *end;
		long s = strtol(arg, &end, 10);
		if (end == arg || *end || s < 0 || s > 86400) {
			cli_error(name, "--wait-lock: expected seconds 0..86400, found '%s'", arg);
			return false;
		}
		cx->wait_lock_s = (unsigned)s;
		return true;
	}
	}
	return false;
}

static bool is_shared(const struct cli_ctx *cx, int c)
{
	unsigned flags = cx->cmd ? cx->cmd->flags : 0;
	if (c == CLI_OPT_SOCKET)
		return (flags & CLI_BENCH) != 0;
	for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++)
		if ((flags & shared[i].flag) && c > 0 && c < 128 && strchr(shared[i].shortopts, c))
			return c != ':';
	return false;
}

int cli_getopt(struct cli_ctx *cx, int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	if (!cx->tables_built)
		build_tables(cx, shortopts, longopts);
	for (;;) {
		int c = getopt_long(argc, argv, cx->shortopts, cx->longopts, NULL);
		if (c == -1 || !is_shared(cx, c))
			return c;
		if (!take_shared(cx, c, optarg))
			return CLI_OPT_BAD;
	}
}

static void show_notice(void *ctx, const char *text)
{
	(void)ctx;
	char shown[4 * 512];
	text_escape(shown, sizeof shown, text);
	fprintf(stderr, "rig: %s\n", shown);
}

struct bench_options cli_bench_options(struct cli_ctx *cx, unsigned flags)
{
	return (struct bench_options){
		.fixture_path = cx->fixture_path,
		.socket = cx->socket,
		.shared_io = cx->shared_io,
		.sims = cx->sims,
		.nsims = cx->nsims,
		.flags = flags | cx->bench_flags,
		.operator = &cli_operator_ops,
		.operator_ctx = &cx->op,
		.notice = show_notice,
	};
}

int cli_parse_plain(struct cli_ctx *cx, int argc, char **argv, void (*usage)(FILE *out))
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	if ((c = cli_getopt(cx, argc, argv, "h", opts)) != -1)
		return cli_opt_other(c, usage);
	return cli_no_operands(cx, argc, argv);
}

int cli_opt_other(int c, void (*usage)(FILE *out))
{
	switch (c) {
	case 'h': usage(stdout); return RIG_EXIT_PASS;
	case CLI_OPT_BAD: return RIG_EXIT_USAGE;
	default: usage(stderr); return RIG_EXIT_USAGE;
	}
}

int cli_no_operands(struct cli_ctx *cx, int argc, char **argv)
{
	if (optind == argc)
		return -1;
	cli_error(cx->cmd ? cx->cmd->name : "rig", "unexpected argument '%s'", argv[optind]);
	return RIG_EXIT_USAGE;
}

enum rig_rc cli_bench_open(struct cli_ctx *cx, struct bench *b, unsigned flags,
			   const struct cli_sims *more, struct rig_err *err)
{
	struct bench_options bo = cli_bench_options(cx, flags);
	if (!more || (!more->nbefore && !more->nafter))
		return bench_open(b, &bo, err);
	size_t n = 0;
	char **sims = malloc((more->nbefore + cx->nsims + more->nafter) * sizeof *sims);
	if (!sims) {
		memset(b, 0, sizeof *b); /* bench_close() of it does nothing */
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < more->nbefore; i++)
		sims[n++] = more->before[i];
	for (size_t i = 0; i < cx->nsims; i++)
		sims[n++] = cx->sims[i];
	for (size_t i = 0; i < more->nafter; i++)
		sims[n++] = more->after[i];
	bo.sims = sims;
	bo.nsims = n;
	enum rig_rc rc = bench_open(b, &bo, err); /* the settings are parsed, not kept */
	free(sims);
	return rc;
}

int cli_open_bench(struct cli_ctx *cx, struct bench *b, unsigned flags)
{
	return cli_open_bench_with(cx, b, flags, NULL);
}

int cli_open_bench_with(struct cli_ctx *cx, struct bench *b, unsigned flags,
			const struct cli_sims *more)
{
	struct rig_err err = { 0 };
	enum rig_rc rc = cli_bench_open(cx, b, flags, more, &err);
	/* Every command that talks to the bench holds its lock (run, sweep,
	 * grr and check take it in the library). */
	if (!rc && cx->cmd && (cx->cmd->flags & CLI_LOCK))
		rc = bench_take_lock(b, cx->wait_lock_s, &err);
	if (rc) {
		cli_error(cx->cmd ? cx->cmd->name : "rig", "%s", err.msg);
		return cli_exit_code(rc);
	}
	return 0;
}
