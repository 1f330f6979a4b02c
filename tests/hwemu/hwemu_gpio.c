/* hwemu_gpio.c - the emulated pinctrl-bcm2711 chip: serves the GPIO shim's
 * messages (wire.h) on the virtual bench's chip.
 *
 * Offsets 0..27 are the bench's lines (sim/bench.h, BCM numbering, as
 * fixtures/pi-bench.ini wires them), requested on the bench's virtual chip
 * with the program's flags, so active-low and pull-ups are the chip's as
 * the kernel's would be; 28..57 are wired to nothing (inputs read their
 * bias). A line is busy while a request holds it; a request ends when the
 * program closes its descriptor (or exits), as in the kernel.
 */
#include <errno.h>
#include <linux/gpio.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices.h"
#include "hwemu.h"

static void release(struct hw_req *r)
{
	for (uint32_t i = 0; i < r->n; i++)
		gpio_release(r->vl[i]);
	close(r->sock);
	memset(r, 0, sizeof *r);
}

/* Requests whose descriptor the program has closed end now. */
static void reap(struct hw *hw)
{
	for (unsigned i = 0; i < HW_MAX_REQS; i++) {
		struct hw_req *r = &hw->reqs[i];
		struct pollfd p = { .fd = r->sock, .events = 0 };
		if (r->id && poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)))
			release(r);
	}
}

static struct hw_req *holder(struct hw *hw, uint32_t offset, unsigned *index)
{
	for (unsigned i = 0; i < HW_MAX_REQS; i++)
		for (uint32_t j = 0; hw->reqs[i].id && j < hw->reqs[i].n; j++)
			if (hw->reqs[i].offsets[j] == offset) {
				*index = j;
				return &hw->reqs[i];
			}
	return NULL;
}

static struct hw_req *find(struct hw *hw, uint32_t id)
{
	for (unsigned i = 0; i < HW_MAX_REQS; i++)
		if (id && hw->reqs[i].id == id)
			return &hw->reqs[i];
	return NULL;
}

static unsigned rig_flags(uint64_t f)
{
	unsigned g = 0;
	if (f & GPIO_V2_LINE_FLAG_ACTIVE_LOW) g |= GPIO_F_ACTIVE_LOW;
	if (f & GPIO_V2_LINE_FLAG_BIAS_PULL_UP) g |= GPIO_F_PULL_UP;
	if (f & GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN) g |= GPIO_F_PULL_DOWN;
	if (f & (GPIO_V2_LINE_FLAG_EDGE_RISING | GPIO_V2_LINE_FLAG_EDGE_FALLING)) g |= GPIO_F_EDGES;
	return g;
}

static int unwired_level(uint64_t f)
{
	int phys = !!(f & GPIO_V2_LINE_FLAG_BIAS_PULL_UP);
	return f & GPIO_V2_LINE_FLAG_ACTIVE_LOW ? !phys : phys;
}

static int line_get(struct hw_req *r, uint32_t i)
{
	int v = r->level[i];
	if (r->vl[i]) {
		struct rig_err err = { 0 };
		if (gpio_get(r->vl[i], &v, &err))
			fprintf(stderr, "hwemu: %s\n", err.msg);
	}
	return v;
}

static int do_request(struct hw *hw, struct hw_msg *m, int *fd_out)
{
	reap(hw);
	struct hw_req *r = NULL;
	for (unsigned i = 0; i < HW_MAX_REQS && !r; i++)
		if (!hw->reqs[i].id)
			r = &hw->reqs[i];
	if (!r)
		return ENOMEM;
	for (uint32_t i = 0; i < m->n; i++) {
		unsigned ix;
		if (m->offsets[i] >= HW_CHIP_LINES)
			return EINVAL;
		if (holder(hw, m->offsets[i], &ix))
			return EBUSY;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return errno;
	*r = (struct hw_req){ .abi = m->abi, .n = m->n, .sock = sv[0] };
	memcpy(r->offsets, m->offsets, sizeof r->offsets);
	memcpy(r->lflags, m->lflags, sizeof r->lflags);
	snprintf(r->consumer, sizeof r->consumer, "%s", m->consumer);
	for (uint32_t i = 0; i < m->n; i++) {
		bool out = m->lflags[i] & GPIO_V2_LINE_FLAG_OUTPUT;
		int value = (int)(m->bits >> i & 1);
		r->level[i] = out ? value : unwired_level(m->lflags[i]);
		if (m->offsets[i] >= SIM_NLINES)
			continue;
		char name[16];
		struct rig_err err = { 0 };
		snprintf(name, sizeof name, "%u", m->offsets[i]);
		if (gpio_request(hw->chip, name, out ? GPIO_OUTPUT : GPIO_INPUT,
				 rig_flags(m->lflags[i]), value, m->consumer, &r->vl[i], &err)) {
			fprintf(stderr, "hwemu: line %u: %s\n", m->offsets[i], err.msg);
			r->n = i;
			release(r);
			close(sv[1]);
			return EINVAL;
		}
		r->level[i] = line_get(r, i);
	}
	r->id = ++hw->next_id;
	hw->nrequests++;
	m->req = r->id;
	*fd_out = sv[1];
	return 0;
}

static void do_set(struct hw *hw, struct hw_msg *m)
{
	struct hw_req *r = find(hw, m->req);
	if (!r)
		return;
	for (uint32_t i = 0; i < r->n; i++) {
		if (!(m->mask >> i & 1) || !(r->lflags[i] & GPIO_V2_LINE_FLAG_OUTPUT))
			continue;
		r->level[i] = (int)(m->bits >> i & 1);
		struct rig_err err = { 0 };
		if (r->vl[i] && gpio_set(r->vl[i], r->level[i], &err))
			fprintf(stderr, "hwemu: %s\n", err.msg);
	}
}

static void do_lineinfo(struct hw *hw, struct hw_msg *m)
{
	uint32_t off = m->offsets[0];
	if (off >= HW_CHIP_LINES) {
		m->err = EINVAL;
		return;
	}
	snprintf(m->name, sizeof m->name, "GPIO%u", off);
	unsigned ix;
	struct hw_req *r = holder(hw, off, &ix);
	m->lflags[0] = GPIO_V2_LINE_FLAG_INPUT;
	m->consumer[0] = '\0';
	if (r) {
		m->lflags[0] = r->lflags[ix] | GPIO_V2_LINE_FLAG_USED;
		snprintf(m->consumer, sizeof m->consumer, "%s", r->consumer);
	}
}

/* One message; answers it unless it is a SET. */
static void handle(struct hw *hw, int client, struct hw_msg *m)
{
	int fd = -1;
	hw_advance(&hw->clock, m->t_ns - hw->clock.origin_ns);
	m->err = 0;
	switch (m->op) {
	case HW_SET:
		do_set(hw, m);
		return;
	case HW_GET: {
		struct hw_req *r = find(hw, m->req);
		m->bits = 0;
		for (uint32_t i = 0; r && i < r->n; i++)
			if (m->mask >> i & 1)
				m->bits |= (uint64_t)line_get(r, i) << i;
		if (!r)
			m->err = EBADF;
		break;
	}
	case HW_CHIPINFO:
		snprintf(m->name, sizeof m->name, "gpiochip0");
		snprintf(m->label, sizeof m->label, HW_CHIP_LABEL);
		m->nlines = HW_CHIP_LINES;
		break;
	case HW_LINEINFO:
		reap(hw);
		do_lineinfo(hw, m);
		break;
	case HW_REQUEST:
		m->err = do_request(hw, m, &fd);
		break;
	default:
		m->err = EINVAL;
	}
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = m, .iov_len = sizeof *m };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		h.msg_control = cbuf;
		h.msg_controllen = sizeof cbuf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&h);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	if (sendmsg(client, &h, MSG_NOSIGNAL) != (ssize_t)sizeof *m)
		fprintf(stderr, "hwemu: cannot answer: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void emit(struct hw_req *r, uint32_t i, int level, uint64_t t_ns)
{
	uint64_t want = level ? GPIO_V2_LINE_FLAG_EDGE_RISING : GPIO_V2_LINE_FLAG_EDGE_FALLING;
	if (!(r->lflags[i] & want))
		return;
	r->seqno++;
	r->line_seqno[i]++;
	if (r->abi == 1) {
		struct gpioevent_data e = { .timestamp = t_ns,
					    .id = level ? GPIOEVENT_EVENT_RISING_EDGE
							: GPIOEVENT_EVENT_FALLING_EDGE };
		send(r->sock, &e, sizeof e, MSG_DONTWAIT | MSG_NOSIGNAL);
	} else {
		struct gpio_v2_line_event e = {
			.timestamp_ns = t_ns,
			.id = level ? GPIO_V2_LINE_EVENT_RISING_EDGE : GPIO_V2_LINE_EVENT_FALLING_EDGE,
			.offset = r->offsets[i], .seqno = r->seqno, .line_seqno = r->line_seqno[i],
		};
		send(r->sock, &e, sizeof e, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}

void hw_gpio_poll_edges(struct hw *hw)
{
	for (unsigned k = 0; k < HW_MAX_REQS; k++) {
		struct hw_req *r = &hw->reqs[k];
		for (uint32_t i = 0; r->id && i < r->n; i++) {
			if (!(r->lflags[i] & (GPIO_V2_LINE_FLAG_EDGE_RISING |
					      GPIO_V2_LINE_FLAG_EDGE_FALLING)))
				continue;
			int v = line_get(r, i);
			if (v != r->level[i]) {
				r->level[i] = v;
				emit(r, i, v, hw->clock.now_ns + hw->clock.origin_ns);
			}
		}
	}
}

static void drop_client(struct hw *hw, unsigned i)
{
	close(hw->clients[i]);
	hw->clients[i] = hw->clients[--hw->nclients];
}

void hw_gpio_serve(struct hw *hw, uint64_t wait_ns)
{
	struct pollfd p[HW_MAX_CLIENTS + 1];
	unsigned n = hw->nclients;
	for (unsigned i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = hw->clients[i], .events = POLLIN };
	p[n] = (struct pollfd){ .fd = hw->listen_fd, .events = POLLIN };
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)wait_ns };
	if (ppoll(p, n + 1, &ts, NULL) <= 0)
		return;
	for (unsigned i = n; i-- > 0;) {
		if (!p[i].revents)
			continue;
		struct hw_msg m;
		ssize_t got;
		while ((got = recv(hw->clients[i], &m, sizeof m, MSG_DONTWAIT)) == (ssize_t)sizeof m)
			handle(hw, hw->clients[i], &m);
		if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			drop_client(hw, i);
	}
	if (p[n].revents & POLLIN) {
		int c = accept4(hw->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0 && hw->nclients < HW_MAX_CLIENTS)
			hw->clients[hw->nclients++] = c;
		else if (c >= 0)
			close(c);
	}
}

void hw_gpio_close(struct hw *hw)
{
	for (unsigned i = 0; i < HW_MAX_REQS; i++)
		if (hw->reqs[i].id)
			release(&hw->reqs[i]);
	while (hw->nclients)
		drop_client(hw, 0);
	close(hw->listen_fd);
}
