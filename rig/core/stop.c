/* stop.c - the signals that end a command the way an e-stop does (stop.h). */
#include "core/stop.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Written only by the handler, read anywhere: see stop.h. */
static volatile sig_atomic_t stop_sig;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };

/* Teardown took too long: leave now, and say why (async-signal-safe). */
static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "rig: teardown after a stop signal took more than 30 s: "
				  "exiting (check the pen is off)\n";
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
		/* nothing left to do about it */
	}
	_exit(2);
}

static void on_stop(int sig)
{
	if (stop_sig)
		return; /* a second signal: teardown goes on */
	stop_sig = sig;
	alarm(RIG_STOP_TEARDOWN_S);
}

void rig_stop_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART; /* reads and writes go on; the flag is looked at */
	for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
		sigaction(stop_signals[i], &sa, NULL);
	struct sigaction al;
	memset(&al, 0, sizeof al);
	sigemptyset(&al.sa_mask);
	al.sa_handler = on_alarm;
	sigaction(SIGALRM, &al, NULL);
}

int rig_stop_signal(void)
{
	return stop_sig;
}

const char *rig_stop_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGQUIT: return "SIGQUIT";
	case SIGPIPE: return "SIGPIPE";
	default: return "a signal";
	}
}

enum rig_rc rig_stop_check(struct rig_err *err)
{
	int sig = stop_sig;
	if (!sig)
		return RIG_OK;
	return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_STOPPED, "stopped by %s%s",
			      rig_stop_name(sig),
			      sig == SIGPIPE ? " (the reader of stdout went away)" : "");
}
