/* cli.h - the command table: `rig <command> [options]`, and what the
 * commands share: the bench options, the operator at the terminal, the
 * terminal's view of a run, and the exit-code policy.
 *
 * One table in commands.c maps names to functions; each command lives in its
 * own small file cmd_<name>.c, parses its own options with cli_getopt()
 * (which also takes the shared ones its row's flags name), calls into the
 * library, prints, and returns a process exit code from enum rig_exit
 * (core/err.h). Commands hold no protocol or measurement logic. Only
 * rig/cli/ and rig/station/ write to stdout and stderr.
 */
#ifndef RIG_CLI_CLI_H
#define RIG_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/bench.h"
#include "core/err.h"
#include "core/operator.h"
#include "run/run.h"

/* --sim key=value options a command takes at most. */
#define CLI_MAX_SIM 64

/* Shared options a command takes, parsed once by cli_getopt(). */
enum cli_flags {
	CLI_BENCH = 1 << 0,     /* -f/--fixture F, -s/--sim KEY=VALUE, --socket NAME */
	CLI_YES = 1 << 1,       /* -y/--yes: operator steps assumed done */
	CLI_WAIT_LOCK = 1 << 2, /* -w/--wait-lock S: wait for a busy bench */
	CLI_RECORD = 1 << 3,    /* -o/--operator ID, -d/--out DIR: who changes the fixture,
				 * which ledger records it (docs/records.md) */
	CLI_STOP = 1 << 4,      /* powers or moves the pen: SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				 * SIGPIPE end it like an e-stop (core/stop.h), exit 2 */
	CLI_LOCK = 1 << 5,      /* cli_open_bench() takes the bench lock (--wait-lock) */
};

/* The operator of a real bench: a person at this terminal (operator.c). */
struct cli_operator {
	bool assume_yes;           /* --yes */
};
extern const struct operator_ops cli_operator_ops;

struct rig_command;

/* What a command's shared options said, and its row. */
struct cli_ctx {
	const struct rig_command *cmd;
	const char *fixture_path;  /* --fixture; NULL: rig_default_fixture() */
	const char *socket;        /* --socket; NULL: the fixture's first (or only) */
	/* The e-stop and lid read by the parent of a run of several sockets
	 * (run_sockets.c); NULL: the bench reads them itself. */
	const struct bench_io_shared *shared_io;
	unsigned bench_flags;      /* enum bench_flags for every bench opened (--rehearsal) */
	char *sims[CLI_MAX_SIM];   /* --sim */
	size_t nsims;
	unsigned wait_lock_s;      /* --wait-lock */
	struct cli_operator op;    /* --yes */
	const char *operator_id;   /* --operator; NULL: none given */
	const char *records_dir;   /* --out; NULL: reports/ */
	/* The merged option tables cli_getopt() hands to getopt_long(). */
	char shortopts[96];
	struct option longopts[40];
	bool tables_built;
};

typedef int (*rig_cmd_fn)(int argc, char **argv, struct cli_ctx *cx);

struct rig_command {
	const char *name;
	rig_cmd_fn fn;
	unsigned flags;      /* enum cli_flags */
	const char *summary; /* one line for `rig --help` */
};

extern const struct rig_command rig_commands[];
extern const unsigned rig_ncommands;

/* Run command `name` with argv[0] its name, as `rig name ...` would. */
int cli_dispatch(const char *name, int argc, char **argv);

/* cli_getopt() returns this after a bad shared option (already reported). */
#define CLI_OPT_BAD 0x10000
/* getopt's value of the long-only shared option --socket. */
#define CLI_OPT_SOCKET 0x10001

/* getopt_long() over the command's own options and the shared ones its
 * row's flags allow. Shared options are taken here (into cx); the
 * command's own come back as getopt_long() returns them; -1 at the end. */
int cli_getopt(struct cli_ctx *cx, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);

/* The end of a command's option switch, for what cli_getopt() returned
 * past the command's own options: --help prints usage to stdout (0); a bad
 * option is 64 (with usage on stderr, unless a shared option already said
 * what was wrong). */
int cli_opt_other(int c, void (*usage)(FILE *out));

/* After the options: -1 when no operand is left, else 64 after naming the
 * first one. */
int cli_no_operands(struct cli_ctx *cx, int argc, char **argv);

/* The whole command line of a command with no options of its own but
 * --help: -1 to go on, else the exit code (its usage printed, or what was
 * wrong said). */
int cli_parse_plain(struct cli_ctx *cx, int argc, char **argv, void (*usage)(FILE *out));

/* The bench the shared options name (flags: enum bench_flags), with the
 * terminal's operator and notices on stderr ("rig: ..."). */
struct bench_options cli_bench_options(struct cli_ctx *cx, unsigned flags);

/* Open the bench the shared options name (flags: enum bench_flags), with
 * the terminal's operator. 0, or the exit code after saying why. The
 * caller closes the bench with bench_close() either way. */
int cli_open_bench(struct cli_ctx *cx, struct bench *b, unsigned flags);

/* Virtual-bench settings a command adds around --sim: before are
 * overridden by --sim (rig check's reference artifact), after override it
 * (rig grr's part and operator). Either list may be empty. */
struct cli_sims {
	char *const *before;
	size_t nbefore;
	char *const *after;
	size_t nafter;
};

/* cli_open_bench() with more settings (more may be NULL); takes the bench
 * lock as cli_open_bench() does. */
int cli_open_bench_with(struct cli_ctx *cx, struct bench *b, unsigned flags,
			const struct cli_sims *more);
/* The same without a word or the lock, for a caller that reports err
 * itself (a study that reopens the bench per trial). */
enum rig_rc cli_bench_open(struct cli_ctx *cx, struct bench *b, unsigned flags,
			   const struct cli_sims *more, struct rig_err *err);

/* Print "rig <cmd>: <message>" to stderr, control characters escaped. */
void cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- Exit codes (exit.c): the one policy ------------------------------- */

/* A command that ended with rc: 0 for RIG_OK, the documented code for
 * input and system errors, 2 for a device fault or an abort. */
int cli_exit_code(enum rig_rc rc);
/* A run: 74 when its report could not be written, the lock's code when it
 * never started, 78/74/75 for an abort over the fixture, a file or the
 * lock, 2 for any other abort, 1 FAIL, 0 PASS. */
int cli_run_exit_code(const struct run_result *res);
/* The table `rig --help` prints. */
void cli_print_exit_codes(FILE *out);
/* The table's text for code ("usage error"), or "exit code N". */
const char *cli_exit_meaning(int code);

/* ---- A run as the terminal shows it (progress.c) ----------------------- */

/* rig check's run: progress lines "rig check: phase: text" (on a
 * terminal, one line rewritten in place as "[step/n] phase: text") and
 * messages "rig check: text" on stderr, escaped. */
struct run_observer cli_check_observer(void);
/* rig run's: progress lines "rig run: phase: text" as cli_check_observer()
 * says "rig check", or, for one socket of several at once (socket set),
 * every line "rig run [S]: phase: text", never rewritten in place, and
 * messages "rig run: [S] text"; also keeping the last message in kept
 * (the reason the JUnit file of a run that wrote none gives). kept and
 * its socket must outlive the observer. */
struct cli_kept {
	const char *socket;
	char last[512];
};
struct run_observer cli_run_observer_kept(struct cli_kept *kept);
/* After a run with a report: the reasons (not PASS) and the last line,
 * "VERDICT SERIAL REPORT (N s of bench time)", on stdout. */
void cli_print_run_result(const struct run_result *res);
/* The same, every line starting with prefix ("socket A: "). */
void cli_print_run_result_as(const char *prefix, const struct run_result *res);

/* Load the profile, check it against the mode and open the bench the
 * shared options name: 0, or the exit code after telling o->observer's
 * message() why not. The caller closes *b with bench_close() either way. */
int cli_run_open(struct cli_ctx *cx, const char *profile_path, const struct run_options *o,
		 struct profile *prof, struct bench *b);
/* cli_run_open(), run_execute(), bench_close(): `rig run` without its
 * printing. Returns the exit code; *res is zeroed first. */
int cli_run(struct cli_ctx *cx, const char *profile_path, struct run_options *o,
	    struct run_result *res);

/* ---- rig run --junit (run_junit.c) ------------------------------------ */

/* Make the JUnit file's folder and prove the file can be written there,
 * before the bench is touched: 0, or 74 after saying why. */
int cli_junit_prepare(const char *path);
/* Write the JUnit file of a run that wrote none (path NULL: nothing):
 * every measurement the profile at profile_path plans (if it loads),
 * skipped, and the verdict an <error> with code and reason (NULL: the
 * code's meaning). Returns code (74 if it was 0 and writing failed). */
int cli_junit_unstarted(const char *path, const char *profile_path, enum run_mode mode,
			int code, const char *reason);

/* `rig run` of every socket of a fixture at once (run_sockets.c): one
 * process per socket, this one watching the shared e-stop and lid; the
 * serials in socket order (nserials 0: each pen's own). Prints one result
 * per socket and returns the worst exit code. */
int cli_run_sockets(struct cli_ctx *cx, const char *profile_path, const struct run_options *o,
		    const char *const *serials, unsigned nserials, bool plots);
/* `rig run` of one pen: cli_run(), plots, without printing the result. */
int cli_run_one(struct cli_ctx *cx, const char *profile_path, struct run_options *o, bool plots,
		struct run_result *res);

/* The commands (one file each). */
int cmd_run(int argc, char **argv, struct cli_ctx *cx);
int cmd_ports(int argc, char **argv, struct cli_ctx *cx);
int cmd_sim(int argc, char **argv, struct cli_ctx *cx);
int cmd_monitor(int argc, char **argv, struct cli_ctx *cx);
int cmd_tare(int argc, char **argv, struct cli_ctx *cx);
int cmd_loadcell_cal(int argc, char **argv, struct cli_ctx *cx);
int cmd_zero(int argc, char **argv, struct cli_ctx *cx);
int cmd_pen(int argc, char **argv, struct cli_ctx *cx);
int cmd_analyze(int argc, char **argv, struct cli_ctx *cx);
int cmd_sweep(int argc, char **argv, struct cli_ctx *cx);
int cmd_plot(int argc, char **argv, struct cli_ctx *cx);
int cmd_grr(int argc, char **argv, struct cli_ctx *cx);
int cmd_check(int argc, char **argv, struct cli_ctx *cx);
int cmd_stats(int argc, char **argv, struct cli_ctx *cx);
int cmd_station(int argc, char **argv, struct cli_ctx *cx);
int cmd_index(int argc, char **argv, struct cli_ctx *cx);
int cmd_sync(int argc, char **argv, struct cli_ctx *cx);
int cmd_db(int argc, char **argv, struct cli_ctx *cx);
int cmd_keygen(int argc, char **argv, struct cli_ctx *cx);
int cmd_verify(int argc, char **argv, struct cli_ctx *cx);
int cmd_operator(int argc, char **argv, struct cli_ctx *cx);
int cmd_sign(int argc, char **argv, struct cli_ctx *cx);
int cmd_audit(int argc, char **argv, struct cli_ctx *cx);
int cmd_history(int argc, char **argv, struct cli_ctx *cx);
int cmd_impact(int argc, char **argv, struct cli_ctx *cx);

#endif
