/* cli.h - the command table: `rig <command> [options]`.
 *
 * One table in commands.c maps names to functions; each command lives in its
 * own small file cmd_<name>.c, parses its own options (getopt_long, with
 * --help), calls into the library, and returns a process exit code from
 * enum rig_exit (core/err.h). Commands hold no protocol or measurement logic.
 */
#ifndef RIG_CLI_CLI_H
#define RIG_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef int (*rig_cmd_fn)(int argc, char **argv);

struct rig_command {
	const char *name;
	rig_cmd_fn fn;
	const char *summary; /* one line for `rig --help` */
};

extern const struct rig_command rig_commands[];
extern const unsigned rig_ncommands;

/* --sim key=value options a command takes at most. */
#define CLI_MAX_SIM 64

/* Append one --sim argument to sims[*nsims]; false (with a message for
 * command cmd) when there are already CLI_MAX_SIM of them. */
bool cli_add_sim(const char *cmd, char **sims, size_t *nsims, char *arg);

/* Print "rig <cmd>: <message>" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The commands (one file each). */
int cmd_run(int argc, char **argv);
int cmd_ports(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_tare(int argc, char **argv);
int cmd_loadcell_cal(int argc, char **argv);
int cmd_zero(int argc, char **argv);
int cmd_pen(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_grr(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_station(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_impact(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_operator(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_audit(int argc, char **argv);

#endif
