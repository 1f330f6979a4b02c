/* questions.h - what rig history and rig impact share: where to ask
 * (--out DIR or --db WHERE, --passfile FILE), --csv, and opening the
 * results index or the line's database around the question (rig/store/
 * query.h). */
#ifndef RIG_CLI_QUESTIONS_H
#define RIG_CLI_QUESTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "store/query.h"

/* The shared options, for a command's getopt_long() string and table. */
#define CLI_QUESTION_SHORT "d:D:p:c"
#define CLI_QUESTION_LONG                                                                    \
	{ "out", required_argument, NULL, 'd' }, { "db", required_argument, NULL, 'D' },     \
	{ "passfile", required_argument, NULL, 'p' }, { "csv", no_argument, NULL, 'c' }

struct cli_question {
	struct store_source src;
	bool csv;
};

/* Take option c (as getopt_long returned it, its argument arg) if it is
 * one of the shared ones; false otherwise. */
bool cli_question_option(struct cli_question *q, int c, const char *arg);

/* Open where q asks (a folder's index, caught up, or the line), call ask
 * with it, close it. 0, or the exit code after "rig <cmd>: why". */
typedef enum rig_rc (*cli_ask_fn)(struct store_db *db, void *ctx, struct rig_err *err);
int cli_question_ask(const char *cmd, const struct cli_question *q, cli_ask_fn ask, void *ctx);

#endif
