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

#endif
