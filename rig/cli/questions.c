/* questions.c - the options and the database of rig history and impact. */
#include "cli/questions.h"

#include "cli/cli.h"

bool cli_question_option(struct cli_question *q, int c, const char *arg)
{
	switch (c) {
	case 'd': q->src.dir = arg; return true;
	case 'D': q->src.db = arg; return true;
	case 'p': q->src.passfile = arg; return true;
	case 'c': q->csv = true; return true;
	default: return false;
	}
}

int cli_question_ask(const char *cmd, const struct cli_question *q, cli_ask_fn ask, void *ctx)
{
	struct store_db *db;
	struct rig_err err;
	enum rig_rc rc = store_source_open(&db, &q->src, &err);
	if (!rc) {
		rc = ask(db, ctx, &err);
		store_db_close(db);
	}
	if (rc) {
		cli_error(cmd, "%s", err.msg);
		return rig_exit_code(rc);
	}
	return 0;
}
