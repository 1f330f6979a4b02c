/* commands.c - the one table of `rig` commands. Adding a command is adding
 * a file cmd_<name>.c and a row here. */
#include "cli/cli.h"

#include <stdio.h>

#include "run/text.h"

#include <stdarg.h>

const struct rig_command rig_commands[] = {
	{ "run", cmd_run, "test a pen: calibrate, verify, judge, report" },
	{ "station", cmd_station, "production station: scan, start, PASS/FAIL on screen, unit after unit" },
	{ "sweep", cmd_sweep, "measure a pen over a grid of depths and rates (characterisation)" },
	{ "grr", cmd_grr, "repeatability of the bench on one pen, against the tolerance" },
	{ "stats", cmd_stats, "lot statistics over run reports: mean, std, Cp, Cpk, yield, trends" },
	{ "index", cmd_index, "index a report folder's runs in its SQLite index, or rebuild it" },
	{ "sync", cmd_sync, "send queued runs to the line's results database, each exactly once" },
	{ "history", cmd_history, "every attempt of a unit: where, when, by whom, verdict, reason" },
	{ "impact", cmd_impact, "every unit judged on a bench since a time (gauge out of tolerance)" },
	{ "db", cmd_db, "create or update the results database's schema (rig db migrate URL)" },
	{ "plot", cmd_plot, "draw SVG plots from a run report or a sweep" },
	{ "analyze", cmd_analyze, "measure stroke depth and rate in a recorded laser capture" },
	{ "monitor", cmd_monitor, "live laser, force and pen readings for setting up a fixture" },
	{ "pen", cmd_pen, "send raw commands to the pen and print its replies" },
	{ "zero", cmd_zero, "measure the laser's zero plane on the flat reference" },
	{ "tare", cmd_tare, "measure the load cell's zero and write it to the fixture" },
	{ "loadcell-cal", cmd_loadcell_cal, "calibrate the load cell's scale with a reference mass" },
	{ "sim", cmd_sim, "run the virtual bench on pseudo-terminals, in real time" },
	{ "keygen", cmd_keygen, "make the station's signing key for its ledgers" },
	{ "operator", cmd_operator, "add, disable or re-PIN the people who may use the bench" },
	{ "sign", cmd_sign, "sign a run report (reviewed, approved, responsible) in its ledger" },
	{ "audit", cmd_audit, "the audit trail of a report folder, for people (or --csv)" },
	{ "verify", cmd_verify, "check reports, signatures and fixtures against their ledger" },
	{ "ports", cmd_ports, "list serial ports and GPIO chips on this machine" },
};
const unsigned rig_ncommands = sizeof rig_commands / sizeof rig_commands[0];

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

bool cli_add_sim(const char *cmd, char **sims, size_t *nsims, char *arg)
{
	if (*nsims == CLI_MAX_SIM) {
		cli_error(cmd, "at most %d --sim options", CLI_MAX_SIM);
		return false;
	}
	sims[(*nsims)++] = arg;
	return true;
}
