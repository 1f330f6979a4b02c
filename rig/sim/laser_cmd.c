/* laser_cmd.c - the virtual ILD1420's ASCII command dialogue: a command
 * line ends in CR, the reply (echo, answer or error) ends in the prompt
 * "->", and binary output goes on between frames (docs/laser-ild1420.md).
 */
#include "sim/laser_state.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dev/laser/protocol.h"

#define REPLY_MAX 1024
#define BOOT_NS (1000 * RIG_NS_PER_MS)       /* RESET until streaming again */

/* Command processing: laser.reply_delay_ms (default 0.3 ms). */
static uint64_t reply_delay_ns(const struct sim_laser *l)
{
	return (uint64_t)llround(l->reply_delay_ms * (double)RIG_NS_PER_MS);
}

/* Error numbers are the virtual laser's choice (docs/laser-ild1420.md). */
#define E_UNKNOWN "E210 Unknown command"
#define E_PARAM "E208 Wrong parameter"
#define E_RANGE "E236 Value out of range"
#define E_OPTION "E230 Option not available"
#define E_TOO_LONG "E204 Command too long"

static const double ranges_mm[] = { 10, 25, 50, 100, 200, 500 };

struct reply {
	char text[REPLY_MAX];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void reply_line(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(r->text + r->len, sizeof r->text - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len > sizeof r->text - 3)
		r->len = sizeof r->text - 3;
	r->text[r->len++] = '\r';
	r->text[r->len++] = '\n';
	r->text[r->len] = '\0';
}

static int word_is(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* One command: name is its canonical spelling, argv[0] as it was typed. */
struct cmd_ctx {
	const char *name;
	struct sim_laser *l;
	int argc;
	char **argv;
	struct reply *r;
	uint64_t now_ns;
};

static void cmd_getinfo(const struct cmd_ctx *c)
{
	struct sim_laser *l = c->l;
	struct reply *r = c->r;
	if (c->argc != 1) {
		reply_line(r, E_PARAM);
		return;
	}
	reply_line(r, "Name: ILD1420-%g", l->range_mm);
	reply_line(r, "Serial: %s", l->serial);
	reply_line(r, "Option: 000");
	unsigned article = 4120212;
	for (unsigned i = 0; i < sizeof ranges_mm / sizeof ranges_mm[0]; i++)
		if (l->range_mm == ranges_mm[i])
			article += i; /* only the 10 mm number is the manual's */
	reply_line(r, "Article: %u", article);
	reply_line(r, "Cable head: Wire");
	reply_line(r, "Measuring range: %.2fmm", l->range_mm);
	reply_line(r, "Version: 001.010");
	reply_line(r, "Hardware-rev: 00");
	reply_line(r, "Boot-version: 001.000");
}

/* A setting with named values: the bare command reports it, one name sets it. */
static void named_setting(const struct cmd_ctx *c, const char *const *names, int n, int *value)
{
	if (c->argc == 1) {
		reply_line(c->r, "%s %s", c->name, names[*value]);
		return;
	}
	for (int v = 0; v < n && c->argc == 2; v++)
		if (word_is(c->argv[1], names[v])) {
			*value = v;
			return;
		}
	reply_line(c->r, E_PARAM);
}

static void cmd_output(const struct cmd_ctx *c)
{
	static const char *const names[] = { "NONE", "RS422", "ANALOG" };
	int v = c->l->output;
	named_setting(c, names, 3, &v);
	if (v == LASER_OUT_RS422 && c->l->output != LASER_OUT_RS422)
		c->l->stream_fresh = true; /* the host counts slots from here */
	c->l->output = (enum laser_output)v;
}

static void cmd_measrate(const struct cmd_ctx *c)
{
	if (c->argc == 1) {
		reply_line(c->r, "MEASRATE %g", c->l->rate_hz / 1000.0);
	} else if (c->argc == 2) {
		char *end;
		double khz = strtod(c->argv[1], &end);
		if (*end || end == c->argv[1])
			reply_line(c->r, E_PARAM);
		else if (!ild1420_rate_supported(khz * 1000.0))
			reply_line(c->r, E_RANGE);
		else
			laser_set_rate(c->l, khz * 1000.0, c->now_ns + reply_delay_ns(c->l));
	} else {
		reply_line(c->r, E_PARAM);
	}
}

/* Added outputs: the shutter time is available (laser.exposure_us); the
 * manual's others are known but not available. */
static void cmd_outadd(const struct cmd_ctx *c)
{
	static const char *const known[] = { "SHUTTER", "COUNTER", "TIMESTAMP",
					     "INTENSITY", "STATE", "DIST_RAW", NULL };
	struct sim_laser *l = c->l;
	if (c->argc == 1) {
		reply_line(c->r, "OUTADD_RS422 %s", l->out_shutter ? "SHUTTER" : "NONE");
		return;
	}
	if (c->argc == 2 && (word_is(c->argv[1], "NONE") || word_is(c->argv[1], "SHUTTER"))) {
		l->out_shutter = word_is(c->argv[1], "SHUTTER");
		laser_update_decimation(l);
		return;
	}
	bool all_known = true;
	for (int i = 1; i < c->argc; i++) {
		bool k = false;
		for (int j = 0; known[j]; j++)
			k = k || word_is(c->argv[i], known[j]);
		all_known = all_known && k;
	}
	reply_line(c->r, all_known ? E_OPTION : E_PARAM);
}

static void cmd_laserpow(const struct cmd_ctx *c)
{
	static const char *const names[] = { "FULL", "REDUCED", "OFF" };
	int v = c->l->pow;
	named_setting(c, names, 3, &v);
	c->l->pow = (enum laser_pow)v;
}

static void cmd_echo(const struct cmd_ctx *c)
{
	static const char *const names[] = { "OFF", "ON" };
	int v = c->l->echo;
	named_setting(c, names, 2, &v);
	c->l->echo = v;
}

static void cmd_reset(const struct cmd_ctx *c)
{
	if (c->argc != 1)
		reply_line(c->r, E_PARAM);
	/* Otherwise it replies, then reboots (run_command); settings are
	 * not stored. */
}

static void cmd_help(const struct cmd_ctx *c)
{
	reply_line(c->r, "GETINFO ECHO HELP LASERPOW MEASRATE OUTADD_RS422 OUTPUT RESET");
}

static const struct {
	const char *name;
	void (*run)(const struct cmd_ctx *c);
} commands[] = {
	{ "GETINFO", cmd_getinfo },   { "OUTPUT", cmd_output }, { "MEASRATE", cmd_measrate },
	{ "OUTADD_RS422", cmd_outadd }, { "LASERPOW", cmd_laserpow }, { "ECHO", cmd_echo },
	{ "RESET", cmd_reset },       { "HELP", cmd_help },
};

/* Send the reply: the echoed line, the answer, the prompt. */
static void send_reply(struct sim_laser *l, const char *echo, const struct reply *r,
		       uint64_t now_ns)
{
	char out[REPLY_MAX + LASER_CMD_LINE_MAX + 8];
	size_t n = 0;
	if (l->echo)
		n += (size_t)snprintf(out, sizeof out, "%s\r\n", echo);
	if (r->len == 0 && !l->echo)
		n += (size_t)snprintf(out + n, sizeof out - n, "\r\n");
	memcpy(out + n, r->text, r->len);
	n += r->len;
	memcpy(out + n, "->", 2);
	n += 2;
	sim_uart_dev_send(&l->uart, out, n, now_ns + reply_delay_ns(l));
}

/* Run one command line received at now_ns and queue its reply. */
static void run_command(struct sim_laser *l, char *line, uint64_t now_ns)
{
	struct reply r = { .len = 0 };
	char *argv[8];
	int argc = 0;
	char echo[LASER_CMD_LINE_MAX + 1];
	snprintf(echo, sizeof echo, "%s", line);
	for (char *tok = strtok(line, " \t"); tok && argc < 8; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	if (argc > 0) { /* an empty line just gets a fresh prompt */
		size_t i = 0;
		while (i < sizeof commands / sizeof commands[0] && !word_is(argv[0], commands[i].name))
			i++;
		if (i < sizeof commands / sizeof commands[0]) {
			struct cmd_ctx c = { commands[i].name, l, argc, argv, &r, now_ns };
			commands[i].run(&c);
		} else
			reply_line(&r, E_UNKNOWN);
	}
	send_reply(l, echo, &r, now_ns);

	/* Streaming (re)starts behind the reply, never inside it. */
	if (argc == 1 && word_is(argv[0], "RESET")) {
		l->boot_until_ns = l->uart.dev_free_ns + BOOT_NS;
		l->quiet_until_ns = l->boot_until_ns;
		laser_power_up_settings(l, l->boot_until_ns);
		l->line_len = 0;
	} else if (l->uart.dev_free_ns > l->quiet_until_ns && r.len == 0 && argc == 2 &&
		   (word_is(argv[0], "OUTPUT") || word_is(argv[0], "MEASRATE"))) {
		l->quiet_until_ns = l->uart.dev_free_ns;
	}
}

void laser_take_char(struct sim_laser *l, char c, uint64_t now_ns)
{
	if (c == '\r') {
		if (l->line_long) {
			sim_uart_dev_send(&l->uart, E_TOO_LONG "\r\n->",
					  strlen(E_TOO_LONG "\r\n->"), now_ns + reply_delay_ns(l));
		} else {
			l->line[l->line_len] = '\0';
			run_command(l, l->line, now_ns);
		}
		l->line_len = 0;
		l->line_long = false;
	} else if (c == '\n') {
		/* CR ends a command; a trailing LF is ignored. */
	} else if (l->line_len + 1 < sizeof l->line) {
		l->line[l->line_len++] = c;
	} else {
		l->line_long = true;
	}
}
