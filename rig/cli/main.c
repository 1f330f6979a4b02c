/* main.c - `rig <command> [options]`: global options and dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/err.h"
#include "core/version.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig <command> [options]\n"
		"       rig <command> --help\n"
		"       rig --version\n"
		"\n"
		"Test and calibration bench for motorized microneedling pens.\n"
		"\n"
		"Commands:\n");
	for (unsigned i = 0; i < rig_ncommands; i++)
		fprintf(out, "  %-14s %s\n", rig_commands[i].name, rig_commands[i].summary);
	fprintf(out, "\n");
	cli_print_exit_codes(out);
	fprintf(out,
		"\n"
		"The default fixture is $RIG_FIXTURE, else fixtures/sim.ini (the virtual bench),\n"
		"else /etc/rig/fixtures/default.ini, else /etc/rig/fixtures/sim.ini.\n");
}

/* Started with fd 0, 1 or 2 closed (`rig run >&- 2>&-`), the first file the
 * rig opens would take that number: a journal on fd 2 would collect the
 * progress lines, a laser port on fd 2 would be sent them. Each closed one
 * is opened on /dev/null before anything else. false: it could not be, and
 * nothing may run (there may be nowhere to say so either). */
static bool std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int got = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (got != fd) {
			if (got >= 0)
				close(got);
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	if (!std_fds_open())
		return RIG_EXIT_OSERR;
	if (argc < 2) {
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (!strcmp(name, "help") && argc > 2) {
			char *help_argv[] = { argv[2], "--help", NULL };
			return cli_dispatch(argv[2], 2, help_argv);
		}
		usage(stdout);
		return RIG_EXIT_PASS;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("rig %s\n", rig_version);
		return RIG_EXIT_PASS;
	}
	return cli_dispatch(name, argc - 1, argv + 1);
}
