/* identify.h - the front end of access control (rig/records/access.h):
 * reading a PIN without echo, or from $RIG_PIN_FILE / $RIG_NEW_PIN_FILE
 * when stdin is not a terminal, and identifying the person a command
 * runs for. Messages go to stderr; results are exit codes. */
#ifndef RIG_CLI_IDENTIFY_H
#define RIG_CLI_IDENTIFY_H

#include <stddef.h>

#include "records/access.h"

/* Read a PIN into out: from the terminal (prompt on /dev/tty, echo off)
 * when stdin is one, else the first line of the file named by $env.
 * confirm: ask twice on a terminal (a new PIN). 0, or an exit code after
 * a message for command cmd. */
int cli_read_pin(const char *cmd, const char *prompt, const char *env, int confirm, char *out,
		 size_t cap);

/* Identify id (may be NULL) for action needing role need, against the
 * operators file ops_path ("": access control off, returns 0 at once):
 * asks the PIN, checks it, logs a refusal in records_dir's ledger. 0, or
 * the exit code after the refusal's message (77). */
int cli_identify(const char *cmd, const char *ops_path, const char *records_dir, const char *id,
		 enum op_role need, const char *action, struct access_who *who);

/* Before a test run (rig run): with [access] in the fixture at
 * fixture_path, identify id for role need (engineer also when the profile
 * at profile_path was edited since its first use in out_dir's ledger:
 * records_profile_edited), refusals logged in out_dir's ledger ("" or
 * NULL: reports). note gets the report's line ("access control: off" or
 * "on (ID Name, role)"). 0, or the exit code after saying why not. */
int cli_run_identify(const char *cmd, const char *fixture_path, const char *profile_path,
		     const char *out_dir, const char *id, enum op_role need,
		     struct access_who *who, char *note, size_t cap);

struct cli_ctx;
struct bench;
struct records_fixture;
/* Before rig zero, tare or loadcell-cal changes the fixture: open the
 * bench b (cli_open_bench), identify --operator for the engineer role
 * (refusals logged in the ledger of --out), and install rf as b's fixture
 * observer, so the change goes into that ledger too. rf must live until
 * the bench closes. 0 with b open (the caller closes it), or the exit code
 * after saying why not, with b closed. */
int cli_fixture_change(struct cli_ctx *cx, struct bench *b, const char *action,
		       struct records_fixture *rf);

/* The usage lines of the options rig zero, tare and loadcell-cal share:
 * the bench (its %s: rig_default_fixture()) and who makes the change. */
#define CLI_HELP_CHANGE_BENCH                                                          \
	"  -f, --fixture F      fixture file (default %s)\n"                          \
	"  -s, --sim KEY=VALUE  override a virtual bench parameter (repeatable)\n"
#define CLI_HELP_CHANGE_WHO                                                            \
	"  -y, --yes            operator steps are done without asking\n"             \
	"  -o, --operator ID    the engineer making the change: ID and PIN when the\n" \
	"                       fixture has [access] (docs/records.md)\n"             \
	"  -d, --out DIR        the report folder whose ledger records the change\n"  \
	"                       (default reports)\n"                                   \
	"  -h, --help           this text\n"

#endif
