/* progress.c - a run as the terminal shows it: progress lines and messages
 * on stderr, escaped (they quote what pens, scanners and files said). On a
 * terminal the progress line is rewritten in place. */
#include "cli/cli.h"

#include <stdio.h>
#include <unistd.h>

#include "run/text.h"

/* cmd: "run" or "check", the command the lines name */
static void progress_as(const char *cmd, const char *socket, const char *phase, unsigned step,
			unsigned nsteps, const char *text)
{
	char shown[4 * 512];
	text_escape(shown, sizeof shown, text);
	if (socket)
		fprintf(stderr, "rig %s [%s]: %s: %s\n", cmd, socket, phase, shown);
	else if (isatty(fileno(stderr)))
		fprintf(stderr, "\r\033[K[%u/%u] %s: %s", step, nsteps, phase, shown);
	else
		fprintf(stderr, "rig %s: %s: %s\n", cmd, phase, shown);
	fflush(stderr);
}

static void show_progress(void *ctx, const char *phase, unsigned step, unsigned nsteps,
			  const char *text)
{
	progress_as("run", ctx, phase, step, nsteps, text);
}

static void show_message(void *ctx, const char *text)
{
	const char *socket = ctx;
	if (socket)
		cli_error("run", "[%s] %s", socket, text);
	else
		cli_error("run", "%s", text);
}

static void check_progress(void *ctx __attribute__((unused)), const char *phase, unsigned step,
			   unsigned nsteps, const char *text)
{
	progress_as("check", NULL, phase, step, nsteps, text);
}

static void check_message(void *ctx __attribute__((unused)), const char *text)
{
	cli_error("check", "%s", text);
}

struct run_observer cli_check_observer(void)
{
	return (struct run_observer){ .progress = check_progress, .message = check_message };
}

static void keep_progress(void *ctx, const char *phase, unsigned step, unsigned nsteps,
			  const char *text)
{
	struct cli_kept *k = ctx;
	show_progress((void *)k->socket, phase, step, nsteps, text);
}

static void keep_message(void *ctx, const char *text)
{
	struct cli_kept *k = ctx;
	snprintf(k->last, sizeof k->last, "%s", text);
	show_message((void *)k->socket, text);
}

struct run_observer cli_run_observer_kept(struct cli_kept *kept)
{
	kept->last[0] = '\0';
	return (struct run_observer){ .progress = keep_progress, .message = keep_message,
				      .ctx = kept };
}
