/* run_sockets.c - `rig run` of every socket of a fixture at once.
 *
 * One process per socket, forked from this one, each a whole `rig run` of
 * its socket's view of the fixture (its pen, laser, load cell, relay and
 * lamps; on the virtual bench its own models on its own clock). This
 * process holds what the sockets share: the e-stop and lid lines (a GPIO
 * line has one consumer), read every SUPERVISE_MS and published in shared
 * memory that each socket's safety checks read (bench/shared.h). An e-stop
 * or an open lid therefore aborts every socket; a FAIL of one leaves the
 * others alone; a stop signal here is passed to every socket, and each
 * ends as after an e-stop. Each socket's process applies its own load-cell
 * real-time settings, as a one-socket run does. Results come back through
 * shared memory and are printed here, in socket order, once all have
 * ended; the exit code is the worst of the sockets'.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/shared.h"
#include "cli/cli.h"
#include "core/stop.h"
#include "store/index.h"

#define SUPERVISE_MS 2

struct socket_slot {
	int done;                  /* the child wrote its result */
	int code;                  /* its exit code */
	struct run_result res;
};

struct socket_run {
	char name[FIXTURE_SOCKET_NAME];
	pid_t pid;                 /* 0: not started or ended */
	int code;
	char junit[PATH_MAX];
};

/* "out.xml" -> "out-A.xml": each socket writes its own JUnit file. False
 * when the name does not fit. */
static bool junit_for(char *out, size_t n, const char *path, const char *socket)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	int w;
	if (dot && (!slash || dot > slash))
		w = snprintf(out, n, "%.*s-%.16s%s", (int)(dot - path), path, socket, dot);
	else
		w = snprintf(out, n, "%s-%.16s", path, socket);
	return w >= 0 && (size_t)w < n;
}

/* In the child: one socket's run, its result into the slot. Never returns. */
static void socket_child(struct cli_ctx *cx, const char *profile_path,
			 const struct run_options *o, const char *serial, struct socket_run *sr,
			 struct bench_shared *sh, struct socket_slot *slot, bool plots,
			 pid_t parent)
{
	/* This process must not outlive the one watching the e-stop. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(RIG_EXIT_ABORT);
	struct cli_ctx ccx = *cx;
	ccx.socket = sr->name;
	ccx.shared_io = sh->sh;
	struct cli_kept kept = { .socket = sr->name };
	struct run_observer obs = cli_run_observer_kept(&kept);
	struct run_options co = *o;
	co.observer = &obs;
	co.serial = serial;
	co.no_recover = true;
	if (o->junit_path)
		co.junit_path = sr->junit;
	int code = cli_run_one(&ccx, profile_path, &co, plots, &slot->res);
	/* Its JUnit file also when its run wrote none (docs/reports.md). */
	if (!slot->res.junit_done)
		code = cli_junit_unstarted(co.junit_path, profile_path, co.mode, code,
					   slot->res.report_error[0] ? slot->res.report_error
								     : kept.last);
	slot->code = code;
	slot->done = 1;
	fflush(NULL);
	_exit(code);
}

/* Start one process per socket. */
static int start_sockets(struct cli_ctx *cx, const char *profile_path,
			 const struct run_options *o, const char *const *serials,
			 struct socket_run *runs, unsigned n, struct bench_shared *sh,
			 struct socket_slot *slots, bool plots)
{
	pid_t parent = getpid();
	for (unsigned i = 0; i < n; i++)
		if (o->junit_path &&
		    !junit_for(runs[i].junit, sizeof runs[i].junit, o->junit_path, runs[i].name)) {
			cli_error("run", "--junit: %s: too long to name socket %s's file",
				  o->junit_path, runs[i].name);
			return RIG_EXIT_USAGE;
		}
	for (unsigned i = 0; i < n; i++) {
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			cli_error("run", "cannot start socket %s: %s", runs[i].name, strerror(errno));
			return RIG_EXIT_OSERR;
		}
		if (pid == 0) {
			/* The other sockets' children are not this one's business. */
			bench_shared_forget(sh);
			socket_child(cx, profile_path, o, serials ? serials[i] : NULL, &runs[i], sh,
				     &slots[i], plots, parent);
		}
		runs[i].pid = pid;
	}
	return 0;
}

/* Watch the e-stop and lid until every socket has ended; pass a stop
 * signal on to each. */
static void supervise(struct bench_shared *sh, struct socket_run *runs, unsigned n)
{
	struct rig_clock *clk = sh->b.hal.clock;
	int forwarded = 0;
	bool told = false;
	for (;;) {
		struct rig_err err;
		if (bench_shared_poll(sh, &err) && !told) {
			cli_error("run", "e-stop and lid: %s: every socket stops", err.msg);
			told = true;
		}
		int sig = rig_stop_signal();
		unsigned running = 0;
		for (unsigned i = 0; i < n; i++) {
			if (!runs[i].pid)
				continue;
			if (sig && sig != forwarded)
				kill(runs[i].pid, sig);
			int st;
			pid_t r = waitpid(runs[i].pid, &st, WNOHANG);
			if (r == runs[i].pid) {
				runs[i].code = WIFEXITED(st) ? WEXITSTATUS(st) : RIG_EXIT_ABORT;
				if (!WIFEXITED(st))
					cli_error("run", "socket %s: its process was killed by signal %d "
						  "(its journal is recovered by the next run)",
						  runs[i].name, WTERMSIG(st));
				runs[i].pid = 0;
			} else {
				running++;
			}
		}
		forwarded = sig;
		if (!running)
			return;
		clock_sleep_until_ns(clk, clock_now_ns(clk) + SUPERVISE_MS * RIG_NS_PER_MS);
	}
}

/* Every socket's name, or a usage error when the serials do not fit. */
static int list_sockets(const struct fixture *f, unsigned nserials, struct socket_run *runs)
{
	if (nserials && nserials != f->nsockets) {
		cli_error("run", "%s has %u sockets: expected one --serial per socket, in order, "
			  "found %u", f->path, f->nsockets, nserials);
		return RIG_EXIT_USAGE;
	}
	for (unsigned i = 0; i < f->nsockets; i++) {
		snprintf(runs[i].name, sizeof runs[i].name, "%s", f->sockets[i]);
		/* Every socket's view is checked before any pen is powered. */
		struct fixture v;
		struct rig_err err;
		if (fixture_load_socket(&v, f->path, f->sockets[i], &err)) {
			cli_error("run", "%s", err.msg);
			return RIG_EXIT_CONFIG;
		}
		fixture_free(&v);
	}
	return 0;
}

/* The profile, and every serial against it, checked before anything is
 * powered. */
static int check_profile(const char *profile_path, const struct run_options *o,
			 const char *const *serials, unsigned nserials)
{
	struct profile prof;
	struct rig_err err = { 0 };
	enum rig_rc rc = profile_load(&prof, profile_path, &err);
	if (!rc)
		rc = run_check_profile(&prof, o->mode, &err);
	if (rc)
		cli_error("run", "%s", err.msg);
	char why[300];
	for (unsigned i = 0; !rc && i < nserials; i++)
		if (!profile_serial_ok(&prof, serials[i], why, sizeof why)) {
			cli_error("run", "%s", why);
			return RIG_EXIT_USAGE;
		}
	return rc ? cli_exit_code(rc) : 0;
}

static int report_sockets(const struct run_options *o, struct socket_run *runs,
			  const struct socket_slot *slots, unsigned n)
{
	const char *dir = o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR;
	struct rig_err err;
	if (store_index_after_run(dir, &err))
		cli_error("run", "results index not updated (the reports are written; "
			  "`rig index` catches up): %s", err.msg);
	int worst = 0;
	for (unsigned i = 0; i < n; i++) {
		char prefix[FIXTURE_SOCKET_NAME + 16];
		snprintf(prefix, sizeof prefix, "socket %.15s: ", runs[i].name);
		if (slots[i].done)
			cli_print_run_result_as(prefix, &slots[i].res);
		if (!slots[i].done || !slots[i].res.reported)
			printf("%sno report (exit %d)\n", prefix, runs[i].code);
		if (runs[i].code > worst)
			worst = runs[i].code;
	}
	fflush(stdout);
	return worst;
}

int cli_run_sockets(struct cli_ctx *cx, const char *profile_path, const struct run_options *o,
		    const char *const *serials, unsigned nserials, bool plots)
{
	struct bench_shared sh;
	struct socket_run runs[FIXTURE_MAX_SOCKETS];
	struct socket_slot *slots = MAP_FAILED;
	struct rig_err err = { 0 };
	unsigned n = 0;
	memset(runs, 0, sizeof runs);
	bool started = false;
	int code = check_profile(profile_path, o, serials, nserials);
	if (code) /* no socket's run began: one JUnit file says why */
		return cli_junit_unstarted(o->junit_path, profile_path, o->mode, code, NULL);
	struct bench_options bo = cli_bench_options(cx, 0);
	bo.socket = NULL;
	enum rig_rc rc = bench_shared_open(&sh, &bo, cx->wait_lock_s, &err);
	if (rc) {
		cli_error("run", "%s", err.msg);
		code = cli_exit_code(rc);
		goto out;
	}
	n = sh.b.fx.nsockets;
	if ((code = list_sockets(&sh.b.fx, nserials, runs)))
		goto out;
	slots = mmap(NULL, n * sizeof *slots, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	if (slots == MAP_FAILED) {
		cli_error("run", "shared memory for the sockets' results: %s", strerror(errno));
		code = RIG_EXIT_OSERR;
		goto out;
	}
	/* Interrupted runs of any socket, recovered once before any starts. */
	const char *dir = o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR;
	run_recover_journals(o, dir);
	started = true;
	if (!rig_stop_signal())
		code = start_sockets(cx, profile_path, o, serials, runs, n, &sh, slots, plots);
	supervise(&sh, runs, n);
	int worst = report_sockets(o, runs, slots, n);
	if (!code)
		code = worst;
	if (rig_stop_signal() && !code)
		code = RIG_EXIT_ABORT;
out:
	if (slots != MAP_FAILED)
		munmap(slots, n * sizeof *slots);
	bench_shared_close(&sh);
	/* Before any socket's run began (bench busy, fixture): one JUnit file
	 * for all, as --junit names it. */
	if (!started)
		code = cli_junit_unstarted(o->junit_path, profile_path, o->mode, code,
					   err.msg[0] ? err.msg : NULL);
	return code;
}
