/* gpio_shim.c - LD_PRELOAD shim under tests/hwemu/run: the GPIO character
 * device's ioctls, and the two things a pty-backed umockdev tty lacks.
 *
 * umockdev (libumockdev-preload) gives the program a sysfs, /dev nodes and
 * ptys behind /dev/ttyUSB*. It cannot carry the GPIO uAPI: a line request
 * returns a new descriptor whose ioctls, poll() and read() must all work.
 * This shim is loaded before umockdev's and handles, for /dev/gpiochip* of
 * the testbed, every uAPI ioctl libgpiod 1.6 (v1 uAPI) and 2.x (v2 uAPI)
 * make for the rig's use (chip and line info, line requests, get and set
 * values), forwarding each to the bench (wire.h). An ioctl it does not
 * know fails with ENOTTY and a line on stderr, so a library that starts
 * using another one is seen, not silently wrong.
 *
 * For ttys: a pty has no modem lines, so TIOCMGET/SET/BIS/BIC fail on it
 * where a USB adapter answers (libserialport's sp_open asks); they are kept
 * here per descriptor. And umockdev's realpath() of a pty-backed node gives
 * the /dev/pts/N behind it (0.17 even garbles it), where the kernel's /dev
 * gives /dev/ttyUSB0: libserialport 0.1.2 canonicalises port names with it.
 * realpath() of a /dev path is resolved here through the testbed's links.
 *
 * HWEMU_STALL=OFFSET:EVERY:US sleeps US µs after every EVERY-th rise of
 * output OFFSET, before the ioctl returns: a process preempted with the
 * line high, as the HX711's PD_SCK can be on a busy Pi.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <linux/gpio.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

#define MAX_FDS 4096

struct line_fd {
	uint32_t req; /* 0: not a line request */
	uint32_t n;
	uint32_t offsets[HW_MAX_LINES];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int conn = -1;
static pid_t conn_pid;
static struct line_fd lines[MAX_FDS];
static int modem[MAX_FDS]; /* TIOCM bits + 1; 0: never set */
static unsigned stall_offset = ~0u, stall_every, stall_us, stall_count;

static int (*next_ioctl)(int, unsigned long, ...);
static char *(*next_realpath)(const char *, char *);

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

__attribute__((constructor)) static void shim_init(void)
{
	next_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	next_realpath = (char *(*)(const char *, char *))dlsym(RTLD_NEXT, "realpath");
	const char *s = getenv("HWEMU_STALL");
	if (s && sscanf(s, "%u:%u:%u", &stall_offset, &stall_every, &stall_us) != 3)
		stall_offset = ~0u;
}

/* The connection to the bench, (re)made in this process. */
static int bench(void)
{
	if (conn >= 0 && conn_pid == getpid())
		return conn;
	const char *name = getenv(HW_ENV_SOCK);
	if (!name)
		return -1;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	if (len + 1 > sizeof a.sun_path)
		return -1;
	memcpy(a.sun_path + 1, name, len);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) != 0) {
		close(fd);
		return -1;
	}
	conn = fd;
	conn_pid = getpid();
	return fd;
}

/* Send m; with an answer expected, receive it into m (and a descriptor into
 * *fd_out when given). -1 with errno on failure. */
static int call(struct hw_msg *m, bool answer, int *fd_out)
{
	pthread_mutex_lock(&lock);
	int fd = bench(), r = -1;
	m->t_ns = mono_ns();
	if (fd < 0) {
		errno = ENODEV;
		goto out;
	}
	if (send(fd, m, sizeof *m, MSG_NOSIGNAL) != (ssize_t)sizeof *m)
		goto out;
	if (!answer) {
		r = 0;
		goto out;
	}
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = m, .iov_len = sizeof *m };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof cbuf };
	if (recvmsg(fd, &h, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof *m) {
		errno = EIO;
		goto out;
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(&h);
	if (fd_out)
		*fd_out = -1;
	if (c && c->cmsg_type == SCM_RIGHTS) {
		int got;
		memcpy(&got, CMSG_DATA(c), sizeof got);
		if (fd_out)
			*fd_out = got;
		else
			close(got);
	}
	if (m->err) {
		errno = m->err;
		goto out;
	}
	r = 0;
out:
	pthread_mutex_unlock(&lock);
	return r;
}

/* Whether fd is a testbed /dev/gpiochipN. */
static bool is_chip_fd(int fd)
{
	const char *root = getenv("UMOCKDEV_DIR");
	char link[64], target[4096];
	if (!root)
		return false;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	size_t rl = strlen(root);
	return strncmp(target, root, rl) == 0 && strncmp(target + rl, "/dev/gpiochip", 13) == 0;
}

static struct line_fd *line_of(int fd)
{
	struct stat st;
	if (fd < 0 || fd >= MAX_FDS || !lines[fd].req)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		lines[fd].req = 0; /* closed and reused for something else */
		return NULL;
	}
	return &lines[fd];
}

static uint64_t v1_flags(uint32_t h)
{
	uint64_t f = 0;
	if (h & GPIOHANDLE_REQUEST_INPUT) f |= GPIO_V2_LINE_FLAG_INPUT;
	if (h & GPIOHANDLE_REQUEST_OUTPUT) f |= GPIO_V2_LINE_FLAG_OUTPUT;
	if (h & GPIOHANDLE_REQUEST_ACTIVE_LOW) f |= GPIO_V2_LINE_FLAG_ACTIVE_LOW;
	if (h & GPIOHANDLE_REQUEST_OPEN_DRAIN) f |= GPIO_V2_LINE_FLAG_OPEN_DRAIN;
	if (h & GPIOHANDLE_REQUEST_OPEN_SOURCE) f |= GPIO_V2_LINE_FLAG_OPEN_SOURCE;
	if (h & GPIOHANDLE_REQUEST_BIAS_PULL_UP) f |= GPIO_V2_LINE_FLAG_BIAS_PULL_UP;
	if (h & GPIOHANDLE_REQUEST_BIAS_PULL_DOWN) f |= GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN;
	if (h & GPIOHANDLE_REQUEST_BIAS_DISABLE) f |= GPIO_V2_LINE_FLAG_BIAS_DISABLED;
	return f;
}

static uint32_t v1_info_flags(uint64_t f)
{
	uint32_t r = 0;
	if (f & GPIO_V2_LINE_FLAG_USED) r |= GPIOLINE_FLAG_KERNEL;
	if (f & GPIO_V2_LINE_FLAG_OUTPUT) r |= GPIOLINE_FLAG_IS_OUT;
	if (f & GPIO_V2_LINE_FLAG_ACTIVE_LOW) r |= GPIOLINE_FLAG_ACTIVE_LOW;
	if (f & GPIO_V2_LINE_FLAG_BIAS_PULL_UP) r |= GPIOLINE_FLAG_BIAS_PULL_UP;
	if (f & GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN) r |= GPIOLINE_FLAG_BIAS_PULL_DOWN;
	return r;
}

/* A request to the bench; returns the new line descriptor or -1. */
static int request(struct hw_msg *m)
{
	int fd = -1;
	m->op = HW_REQUEST;
	if (m->n == 0 || m->n > HW_MAX_LINES) {
		errno = EINVAL;
		return -1;
	}
	if (call(m, true, &fd) != 0)
		return -1;
	if (fd < 0 || fd >= MAX_FDS) {
		if (fd >= 0)
			close(fd);
		errno = EMFILE;
		return -1;
	}
	lines[fd] = (struct line_fd){ .req = m->req, .n = m->n };
	memcpy(lines[fd].offsets, m->offsets, sizeof lines[fd].offsets);
	return fd;
}

static void maybe_stall(const struct line_fd *l, uint64_t mask, uint64_t bits)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (l->offsets[i] != stall_offset || !(mask >> i & 1) || !(bits >> i & 1))
			continue;
		if (stall_every && ++stall_count % stall_every == 0) {
			struct timespec ts = { 0, (long)stall_us * 1000 };
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
				;
		}
	}
}

static int set_values(const struct line_fd *l, uint64_t mask, uint64_t bits)
{
	struct hw_msg m = { .op = HW_SET, .req = l->req, .mask = mask, .bits = bits };
	if (call(&m, false, NULL) != 0)
		return -1;
	maybe_stall(l, mask, bits);
	return 0;
}

static int get_values(const struct line_fd *l, uint64_t mask, uint64_t *bits)
{
	struct hw_msg m = { .op = HW_GET, .req = l->req, .mask = mask };
	if (call(&m, true, NULL) != 0)
		return -1;
	*bits = m.bits;
	return 0;
}

static int line_info(uint32_t offset, struct hw_msg *m)
{
	*m = (struct hw_msg){ .op = HW_LINEINFO, .n = 1, .offsets = { offset } };
	return call(m, true, NULL);
}

static int chip_ioctl(unsigned long req, void *arg)
{
	struct hw_msg m = { 0 };
	switch (req) {
	case GPIO_GET_CHIPINFO_IOCTL: {
		struct gpiochip_info *ci = arg;
		m.op = HW_CHIPINFO;
		if (call(&m, true, NULL) != 0)
			return -1;
		memset(ci, 0, sizeof *ci);
		snprintf(ci->name, sizeof ci->name, "%s", m.name);
		snprintf(ci->label, sizeof ci->label, "%s", m.label);
		ci->lines = m.nlines;
		return 0;
	}
	case GPIO_GET_LINEINFO_IOCTL: {
		struct gpioline_info *li = arg;
		if (line_info(li->line_offset, &m) != 0)
			return -1;
		li->flags = v1_info_flags(m.lflags[0]);
		snprintf(li->name, sizeof li->name, "%s", m.name);
		snprintf(li->consumer, sizeof li->consumer, "%s", m.consumer);
		return 0;
	}
	case GPIO_V2_GET_LINEINFO_IOCTL: {
		struct gpio_v2_line_info *li = arg;
		uint32_t off = li->offset;
		if (line_info(off, &m) != 0)
			return -1;
		memset(li, 0, sizeof *li);
		li->offset = off;
		li->flags = m.lflags[0];
		snprintf(li->name, sizeof li->name, "%s", m.name);
		snprintf(li->consumer, sizeof li->consumer, "%s", m.consumer);
		return 0;
	}
	case GPIO_GET_LINEHANDLE_IOCTL: {
		struct gpiohandle_request *r = arg;
		m.abi = 1;
		m.n = r->lines;
		for (uint32_t i = 0; i < m.n && i < HW_MAX_LINES; i++) {
			m.offsets[i] = r->lineoffsets[i];
			m.lflags[i] = v1_flags(r->flags);
			if (r->default_values[i])
				m.bits |= 1ull << i;
		}
		snprintf(m.consumer, sizeof m.consumer, "%s", r->consumer_label);
		return (r->fd = request(&m)) < 0 ? -1 : 0;
	}
	case GPIO_GET_LINEEVENT_IOCTL: {
		struct gpioevent_request *r = arg;
		m.abi = 1;
		m.n = 1;
		m.offsets[0] = r->lineoffset;
		m.lflags[0] = v1_flags(r->handleflags) | GPIO_V2_LINE_FLAG_INPUT;
		if (r->eventflags & GPIOEVENT_REQUEST_RISING_EDGE)
			m.lflags[0] |= GPIO_V2_LINE_FLAG_EDGE_RISING;
		if (r->eventflags & GPIOEVENT_REQUEST_FALLING_EDGE)
			m.lflags[0] |= GPIO_V2_LINE_FLAG_EDGE_FALLING;
		snprintf(m.consumer, sizeof m.consumer, "%s", r->consumer_label);
		return (r->fd = request(&m)) < 0 ? -1 : 0;
	}
	case GPIO_V2_GET_LINE_IOCTL: {
		struct gpio_v2_line_request *r = arg;
		m.abi = 2;
		m.n = r->num_lines;
		for (uint32_t i = 0; i < m.n && i < HW_MAX_LINES; i++) {
			m.offsets[i] = r->offsets[i];
			m.lflags[i] = r->config.flags;
		}
		for (uint32_t a = 0; a < r->config.num_attrs && a < GPIO_V2_LINE_NUM_ATTRS_MAX; a++) {
			const struct gpio_v2_line_config_attribute *ca = &r->config.attrs[a];
			for (uint32_t i = 0; i < m.n && i < HW_MAX_LINES; i++) {
				if (!(ca->mask >> i & 1))
					continue;
				if (ca->attr.id == GPIO_V2_LINE_ATTR_ID_FLAGS)
					m.lflags[i] = ca->attr.flags;
				else if (ca->attr.id == GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES &&
					 (ca->attr.values >> i & 1))
					m.bits |= 1ull << i;
			}
		}
		snprintf(m.consumer, sizeof m.consumer, "%s", r->consumer);
		return (r->fd = request(&m)) < 0 ? -1 : 0;
	}
	}
	fprintf(stderr, "hwemu: GPIO chip ioctl 0x%lx is not emulated\n", req);
	errno = ENOTTY;
	return -1;
}

static int line_ioctl(const struct line_fd *l, unsigned long req, void *arg)
{
	uint64_t all = l->n >= 64 ? ~0ull : (1ull << l->n) - 1, bits = 0;
	switch (req) {
	case GPIOHANDLE_GET_LINE_VALUES_IOCTL: {
		struct gpiohandle_data *d = arg;
		if (get_values(l, all, &bits) != 0)
			return -1;
		for (uint32_t i = 0; i < l->n; i++)
			d->values[i] = bits >> i & 1;
		return 0;
	}
	case GPIOHANDLE_SET_LINE_VALUES_IOCTL: {
		const struct gpiohandle_data *d = arg;
		for (uint32_t i = 0; i < l->n; i++)
			if (d->values[i])
				bits |= 1ull << i;
		return set_values(l, all, bits);
	}
	case GPIO_V2_LINE_GET_VALUES_IOCTL: {
		struct gpio_v2_line_values *v = arg;
		if (get_values(l, v->mask & all, &bits) != 0)
			return -1;
		v->bits = bits & v->mask;
		return 0;
	}
	case GPIO_V2_LINE_SET_VALUES_IOCTL: {
		const struct gpio_v2_line_values *v = arg;
		return set_values(l, v->mask & all, v->bits);
	}
	}
	fprintf(stderr, "hwemu: GPIO line ioctl 0x%lx is not emulated\n", req);
	errno = ENOTTY;
	return -1;
}

/* Whether fd is a pty slave: what umockdev puts behind /dev/ttyUSB*. */
static bool is_pty_fd(int fd)
{
	char link[64], target[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	return n > 9 && strncmp(target, "/dev/pts/", 9) == 0;
}

/* An emulated tty's ioctls go to the pty itself (umockdev 0.17 answers
 * them with ENOTTY from its own ioctl emulation); its modem lines, which a
 * pty lacks, are kept here per descriptor. */
static int tty_ioctl(int fd, unsigned long req, void *arg)
{
	long r = syscall(SYS_ioctl, fd, req, arg);
	if (r == 0 || (errno != ENOTTY && errno != EINVAL) || fd >= MAX_FDS ||
	    (req != TIOCMGET && req != TIOCMSET && req != TIOCMBIS && req != TIOCMBIC))
		return (int)r;
	int *v = arg;
	int bits = modem[fd] ? modem[fd] - 1
			     : TIOCM_DTR | TIOCM_RTS | TIOCM_CTS | TIOCM_DSR | TIOCM_CD;
	switch (req) {
	case TIOCMGET: *v = bits; return 0;
	case TIOCMSET: bits = *v; break;
	case TIOCMBIS: bits |= *v; break;
	case TIOCMBIC: bits &= ~*v; break;
	}
	modem[fd] = bits + 1;
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (_IOC_TYPE(req) == 0xB4) {
		struct line_fd *l = line_of(fd);
		if (l)
			return line_ioctl(l, req, arg);
		if (is_chip_fd(fd))
			return chip_ioctl(req, arg);
	}
	if (getenv("UMOCKDEV_DIR") && is_pty_fd(fd))
		return tty_ioctl(fd, req, arg);
	return next_ioctl(fd, req, arg);
}

/* Resolve /dev links in the testbed, stopping at a node that is a pty. */
static bool dev_realpath(const char *path, char *out, size_t cap)
{
	char cur[PATH_MAX], target[PATH_MAX];
	snprintf(cur, sizeof cur, "%s", path);
	for (int hops = 0; hops < 32; hops++) {
		ssize_t n = readlink(cur, target, sizeof target - 1);
		if (n < 0) {
			if (errno != EINVAL)
				return false;
			break;
		}
		target[n] = '\0';
		if (strncmp(target, "/dev/pts/", 9) == 0)
			break;
		if (target[0] == '/') {
			snprintf(cur, sizeof cur, "%s", target);
			continue;
		}
		char *slash = strrchr(cur, '/');
		*slash = '\0';
		char *t = target;
		while (strncmp(t, "../", 3) == 0 || strncmp(t, "./", 2) == 0) {
			if (t[1] == '.' && (slash = strrchr(cur, '/')))
				*slash = '\0';
			t += t[1] == '.' ? 3 : 2;
		}
		size_t len = strlen(cur), tl = strlen(t);
		if (len + 1 + tl >= sizeof cur) {
			errno = ENAMETOOLONG;
			return false;
		}
		cur[len] = '/';
		memcpy(cur + len + 1, t, tl + 1);
	}
	if (strlen(cur) >= cap)
		return false;
	snprintf(out, cap, "%s", cur);
	return true;
}

char *realpath(const char *path, char *resolved)
{
	if (path && getenv("UMOCKDEV_DIR") && strncmp(path, "/dev/", 5) == 0) {
		char buf[PATH_MAX];
		if (!dev_realpath(path, buf, sizeof buf))
			return NULL;
		if (!resolved)
			return strdup(buf);
		return strcpy(resolved, buf);
	}
	return next_realpath(path, resolved);
}

char *__realpath_chk(const char *path, char *resolved, size_t len);
char *__realpath_chk(const char *path, char *resolved, size_t len)
{
	(void)len;
	return realpath(path, resolved);
}
