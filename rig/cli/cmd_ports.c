/* cmd_ports.c - `rig ports`: the serial ports (libserialport) and GPIO chips
 * (libgpiod) on this machine, to help write a fixture's port strings.
 *
 * Owns nothing beyond the call: libserialport's port list is freed here.
 */
#include <getopt.h>
#include <libserialport.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/err.h"
#include "hal/gpio.h"

static void usage(FILE *f)
{
	fputs("usage: rig ports [--help]\n"
	      "\n"
	      "List the serial ports libserialport finds (name, description, USB\n"
	      "VID:PID and serial number where known) and the GPIO chips (name,\n"
	      "label, number of lines). Use a port name as a fixture's port string\n"
	      "(/dev/serial/by-id/... names stay stable across reboots) and a chip\n"
	      "label as its GPIO chip. Pseudo-terminals are not listed: open them\n"
	      "as pty:/dev/pts/N.\n", f);
}

static void print_serial_port(const struct sp_port *port)
{
	const char *name = sp_get_port_name(port);
	const char *desc = sp_get_port_description(port);
	printf("  %-20s %s", name, desc && *desc ? desc : "-");
	if (sp_get_port_transport(port) == SP_TRANSPORT_USB) {
		int vid, pid;
		if (sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK)
			printf("  USB %04x:%04x", (unsigned)vid, (unsigned)pid);
		const char *serial = sp_get_port_usb_serial(port);
		if (serial && *serial)
			printf("  serial %s", serial);
	}
	putchar('\n');
}

static int list_serial_ports(void)
{
	struct sp_port **ports = NULL;
	enum sp_return r = sp_list_ports(&ports);
	if (r != SP_OK) {
		char *msg = sp_last_error_message();
		cli_error("ports", "cannot list serial ports: %s",
			  r == SP_ERR_FAIL && msg ? msg : "libserialport failed");
		sp_free_error_message(msg);
		return -1;
	}
	int n = 0;
	printf("Serial ports:\n");
	for (; ports[n]; n++)
		print_serial_port(ports[n]);
	if (n == 0)
		printf("  none found (no serial port under /sys/class/tty)\n");
	sp_free_port_list(ports);
	return n;
}

static void print_chip(void *ctx, const char *name, const char *label, unsigned lines)
{
	(void)ctx;
	if (label)
		printf("  %-20s %-20s %u lines\n", name, label, lines);
	else
		printf("  %-20s (cannot open it: permission? try group gpio)\n", name);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_ports(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	opterr = 0; /* our own message, in the rig's words */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return RIG_EXIT_PASS;
		default:
			cli_error("ports", "unknown option '%s'", argv[optind - 1]);
			usage(stderr);
			return RIG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("ports", "unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	int rc = RIG_EXIT_PASS;
	if (list_serial_ports() < 0)
		rc = RIG_EXIT_OSERR;
	printf("GPIO chips:\n");
	if (gpio_list_chips(print_chip, NULL) == 0)
		printf("  none found (no /dev/gpiochip*)\n");
	return rc;
}
