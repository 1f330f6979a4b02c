/* gpio_chips.c - finding GPIO chips for both libgpiod backends: by label
 * (pinctrl-rp1 on a Pi 5, pinctrl-bcm2711 on a Pi 4, pinctrl-bcm2835
 * before: preferred, since chip numbers move between kernels), by name
 * (gpiochip0) or by path (/dev/gpiochip0).
 *
 * Scans /dev itself rather than using a library iterator: libgpiod 1.6's
 * iterator gives up on every chip when one cannot be opened (permissions)
 * and 2.x has none, so both generations list and find chips alike.
 */
#include "hal/gpio_gpiod.h"

/* The Makefile passes libgpiod's major version (pkg-config --modversion). */
#if !defined(RIG_GPIOD_MAJOR) || (RIG_GPIOD_MAJOR != 1 && RIG_GPIOD_MAJOR != 2)
#error "libgpiod: the rig has backends for the 1.x API (gpio_gpiod.c) and 2.x (gpio_gpiod2.c) only"
#endif

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/gpio.h"

long gpio_chip_number(const char *name)
{
	if (strncmp(name, "gpiochip", 8) != 0 || !name[8])
		return -1;
	char *end;
	long n = strtol(name + 8, &end, 10);
	return *end || n < 0 ? -1 : n;
}

static int by_number(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int gpio_list_chips(void (*fn)(void *ctx, const char *name, const char *label,
			       unsigned lines),
		    void *ctx)
{
	long nums[256];
	int count = 0;
	DIR *d = opendir("/dev");
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) && count < (int)(sizeof nums / sizeof nums[0])) {
		long n = gpio_chip_number(e->d_name);
		if (n >= 0)
			nums[count++] = n;
	}
	closedir(d);
	qsort(nums, (size_t)count, sizeof nums[0], by_number);
	for (int i = 0; i < count; i++) {
		char name[32], path[48], label[64];
		unsigned lines = 0;
		snprintf(name, sizeof name, "gpiochip%ld", nums[i]);
		snprintf(path, sizeof path, "/dev/%s", name);
		bool ok = gpiod_probe_chip(path, label, sizeof label, &lines);
		if (fn)
			fn(ctx, name, ok ? label : NULL, ok ? lines : 0);
	}
	return count;
}

struct chip_list {
	char *buf;
	size_t size, len;
	const char *want; /* a label to find, or NULL */
	char found[48];   /* its chip's name */
};

static void add_chip(void *ctx, const char *name, const char *label, unsigned lines)
{
	struct chip_list *l = ctx;
	if (l->want && label && !l->found[0] && strcmp(label, l->want) == 0)
		snprintf(l->found, sizeof l->found, "%s", name);
	if (!l->buf || l->len >= l->size)
		return;
	int n = snprintf(l->buf + l->len, l->size - l->len, "%s%s '%s' (%u lines)",
			 l->len ? ", " : "", name, label ? label : "cannot open", lines);
	if (n > 0)
		l->len += (size_t)n;
}

/* "gpiochip0 'pinctrl-rp1' (54 lines), ..." or "none" into buf. */
static void describe_chips(char *buf, size_t size)
{
	struct chip_list l = { .buf = buf, .size = size };
	buf[0] = '\0';
	if (gpio_list_chips(add_chip, &l) == 0)
		snprintf(buf, size, "none");
}

enum rig_rc gpio_chip_open_failed(const char *spec, const char *how, int e,
				  struct rig_err *err)
{
	char chips[256];
	describe_chips(chips, sizeof chips);
	if (e == ENOENT)
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"no GPIO chip with %s '%s' (chips here: %s)", how, spec, chips);
	if (e == EACCES || e == EPERM)
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"GPIO chip %s: permission denied (is the user in group gpio?)",
				spec);
	if (e == ENOTTY || e == ENODEV || e == EINVAL)
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"GPIO chip %s: not a GPIO character device (chips here: %s)",
				spec, chips);
	return rig_fail_errno(err, RIG_E_UNAVAILABLE, e, "GPIO chip %s: cannot open",
			      spec);
}

enum rig_rc gpio_chip_path(const char *spec, char *path, size_t cap,
			   const char **how, struct rig_err *err)
{
	if (spec[0] == '/') {
		*how = "path";
		snprintf(path, cap, "%s", spec);
		return RIG_OK;
	}
	if (gpio_chip_number(spec) >= 0) {
		*how = "name";
		snprintf(path, cap, "/dev/%s", spec);
		return RIG_OK;
	}
	*how = "label";
	struct chip_list l = { .want = spec };
	gpio_list_chips(add_chip, &l);
	if (!l.found[0])
		return gpio_chip_open_failed(spec, *how, ENOENT, err);
	snprintf(path, cap, "/dev/%s", l.found);
	return RIG_OK;
}
