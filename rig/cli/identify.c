/* identify.c - PINs from the terminal (no echo) or a file, and the
 * identity check a command runs before it acts. */
#include "cli/identify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "records/records.h"
#include "run/profile.h"
#include "run/report.h"

static int read_tty_line(const char *cmd, const char *prompt, char *out, size_t cap)
{
	FILE *tty = fopen("/dev/tty", "r+e");
	if (!tty) {
		cli_error(cmd, "cannot open the terminal to ask for the PIN: %s", strerror(errno));
		return RIG_EXIT_USAGE;
	}
	struct termios old, quiet;
	int fd = fileno(tty);
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fprintf(tty, "%s", prompt);
	fflush(tty);
	char *got = fgets(out, (int)cap, tty);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	if (!got) {
		cli_error(cmd, "no PIN given");
		return RIG_EXIT_USAGE;
	}
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int read_pin_file(const char *cmd, const char *env, char *out, size_t cap)
{
	const char *path = getenv(env);
	if (!path || !*path) {
		cli_error(cmd, "stdin is not a terminal to ask the PIN on: name a file holding it "
			  "with %s", env);
		return RIG_EXIT_USAGE;
	}
	FILE *f = fopen(path, "re");
	if (!f) {
		cli_error(cmd, "%s=%s: %s", env, path, strerror(errno));
		return RIG_EXIT_USAGE;
	}
	char *got = fgets(out, (int)cap, f);
	fclose(f);
	if (!got) {
		cli_error(cmd, "%s=%s: empty, expected the PIN on its first line", env, path);
		return RIG_EXIT_USAGE;
	}
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

int cli_read_pin(const char *cmd, const char *prompt, const char *env, int confirm, char *out,
		 size_t cap)
{
	if (!isatty(STDIN_FILENO))
		return read_pin_file(cmd, env, out, cap);
	int code = read_tty_line(cmd, prompt, out, cap);
	if (code || !confirm)
		return code;
	char again[128];
	if ((code = read_tty_line(cmd, "again: ", again, sizeof again)))
		return code;
	bool same = strcmp(again, out) == 0;
	explicit_bzero(again, sizeof again);
	if (!same) {
		explicit_bzero(out, cap);
		cli_error(cmd, "the two PINs differ; nothing changed");
		return RIG_EXIT_USAGE;
	}
	return 0;
}

int cli_identify(const char *cmd, const char *ops_path, const char *records_dir, const char *id,
		 enum op_role need, const char *action, struct access_who *who)
{
	memset(who, 0, sizeof *who);
	if (!ops_path || !*ops_path)
		return 0;
	char pin[OP_PIN_MAX + 2] = "";
	if (id && *id) {
		char prompt[80];
		snprintf(prompt, sizeof prompt, "PIN for %s: ", id);
		int code = cli_read_pin(cmd, prompt, "RIG_PIN_FILE", 0, pin, sizeof pin);
		if (code)
			return code;
	}
	struct rig_err err;
	enum rig_rc rc = access_require(ops_path, records_dir, id, pin, need, action, who, &err);
	explicit_bzero(pin, sizeof pin);
	if (rc) {
		cli_error(cmd, "%s", err.msg);
		return rig_exit_code(rc);
	}
	return 0;
}

int cli_fixture_change(struct cli_ctx *cx, struct bench *b, const char *action,
		       struct records_fixture *rf)
{
	const char *cmd = cx->cmd ? cx->cmd->name : "rig";
	const char *dir = cx->records_dir ? cx->records_dir : REPORT_DEFAULT_DIR;
	struct access_who who;
	int code = cli_open_bench(cx, b, 0);
	if (!code)
		code = cli_identify(cmd, b->fx.access.operators, dir, cx->operator_id,
				    OP_ROLE_ENGINEER, action, &who);
	if (code) {
		bench_close(b);
		return code;
	}
	records_fixture_observer(rf, dir, who.on ? who.id : cx->operator_id, action);
	b->fixture_obs = &rf->obs;
	return 0;
}

/* With access control on: was the profile edited since its first use in
 * dir's ledger? Then what says so. A profile that does not load is left
 * to the run, which refuses it with its own message. */
static bool profile_edited(const char *profile_path, const char *dir, char *what, size_t cap)
{
	struct profile prof;
	struct rig_err err;
	bool edited = false;
	if (profile_load(&prof, profile_path, &err))
		return false;
	if (records_profile_edited(dir, prof.path, prof.name, prof.sha256, &edited, what, cap,
				   &err))
		edited = false; /* unreadable: the refusal or the report's entry says so */
	return edited;
}

int cli_run_identify(const char *cmd, const char *fixture_path, const char *profile_path,
		     const char *out_dir, const char *id, enum op_role need,
		     struct access_who *who, char *note, size_t cap)
{
	struct fixture fx;
	struct rig_err err;
	memset(who, 0, sizeof *who);
	if (fixture_load(&fx, fixture_path, &err)) {
		cli_error(cmd, "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	char ops[PATH_MAX], action[PATH_MAX + 64], edited[PATH_MAX + 200];
	snprintf(ops, sizeof ops, "%s", fx.access.operators);
	fixture_free(&fx);
	const char *dir = out_dir && *out_dir ? out_dir : REPORT_DEFAULT_DIR;
	snprintf(action, sizeof action, "rig %s", cmd);
	bool is_edited = ops[0] && profile_edited(profile_path, dir, edited, sizeof edited);
	if (is_edited) {
		need = OP_ROLE_ENGINEER;
		snprintf(action, sizeof action, "rig %s: first use of edited profile %s", cmd,
			 profile_path);
	}
	int code = cli_identify(cmd, ops, dir, id, need, action, who);
	if (code && is_edited)
		cli_error(cmd, "%s: its first use needs an engineer or admin (rig %s --operator "
			  "ID of an engineer)", edited, cmd);
	else if (is_edited)
		fprintf(stderr, "rig %s: %s: first use by %s (%s)\n", cmd, edited, who->id,
			op_role_name(who->role));
	if (!code)
		access_describe(who, note, cap);
	return code;
}
