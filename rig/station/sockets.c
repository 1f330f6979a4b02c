/* sockets.c - the station on a bench with several sockets (sockets.h).
 *
 * One loop: every POLL_MS it publishes the e-stop and lid to the running
 * sockets, looks for a key (the scanner types a serial and Enter: the
 * socket marked "next scan" starts at once with it), reads what each
 * running socket's process reported in shared memory (phase, step, and at
 * the end its result), reaps the processes that ended and counts their
 * runs into the shift, and redraws when something changed.
 */
#include "station/sockets.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/shared.h"
#include "core/paths.h"
#include "core/stop.h"
#include "run/text.h"
#include "station/plan.h"
#include "station/sockets_screen.h"
#include "store/index.h"

#define POLL_MS 2
#define REDRAW_MS 200
#define SERIAL_MAX 63

/* What a socket's process tells the station, in shared memory: written by
 * the child only, between seq going odd and even again (a reader that
 * sees seq change or odd reads again). */
struct slot {
	_Atomic unsigned seq;
	char phase[24];
	unsigned step, nsteps;
	char detail[160];
	char error_text[RIG_ERR_MSG_MAX];
	int done, unit_exit;
	struct run_result res;
};

struct sock {
	char name[FIXTURE_SOCKET_NAME];
	enum socket_state state;
	pid_t pid;
	unsigned unit;
	char serial[SERIAL_MAX + 1];
	struct slot seen;          /* the slot as last read */
	unsigned seen_seq;
};

struct multi {
	struct station_sockets *c;
	struct bench_shared sh;
	struct slot *slots;        /* MAP_SHARED, one per socket */
	struct sock s[FIXTURE_MAX_SOCKETS];
	unsigned n, target, unit;
	char input[SERIAL_MAX + 1];
	char message[RIG_ERR_MSG_MAX + 96];
	bool asking, dirty, hand_over;
};

/* ---- In a socket's process -------------------------------------------- */

static void slot_begin(struct slot *s)
{
	atomic_fetch_add(&s->seq, 1);
}

static void slot_end(struct slot *s)
{
	atomic_fetch_add(&s->seq, 1);
}

static void child_progress(void *ctx, const char *phase, unsigned step, unsigned nsteps,
			   const char *text)
{
	struct slot *s = ctx;
	slot_begin(s);
	snprintf(s->phase, sizeof s->phase, "%s", phase);
	snprintf(s->detail, sizeof s->detail, "%s", text);
	s->step = step;
	s->nsteps = nsteps;
	slot_end(s);
}

static void child_phase(void *ctx, const char *phase)
{
	struct slot *s = ctx;
	slot_begin(s);
	snprintf(s->phase, sizeof s->phase, "%s", phase);
	slot_end(s);
}

static void child_message(void *ctx, const char *text)
{
	struct slot *s = ctx;
	char shown[4 * RIG_ERR_MSG_MAX];
	text_escape(shown, sizeof shown, text);
	slot_begin(s);
	size_t len = strlen(s->error_text);
	snprintf(s->error_text + len, sizeof s->error_text - len, "%s%s", len ? " / " : "", shown);
	slot_end(s);
}

/* One unit in socket k, as `rig run --socket K` would test it. */
static void child_run(struct multi *m, unsigned k, pid_t parent)
{
	const struct station_sockets *c = m->c;
	const struct station_options *o = c->o;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(RIG_EXIT_ABORT);
	rig_stop_install(); /* a signal ends the run as an e-stop does */
	bench_shared_forget(&m->sh);
	struct slot *s = &m->slots[k];
	struct run_observer obs = { .phase = child_phase, .progress = child_progress,
				    .message = child_message, .ctx = s };
	struct run_options ro = { .serial = m->s[k].serial, .operator_name = c->operator_name,
				  .records_note = c->records_note, .mode = o->mode,
				  .out_dir = o->out_dir, .observer = &obs, .no_recover = true };
	struct station_unit_sims us = { .n = 0 };
	if (c->fx->has_sim)
		station_unit_sims(&us, m->s[k].serial, m->s[k].unit, o->sims, o->nsims, o->plan);
	struct bench_options bo = { .fixture_path = o->fixture_path, .socket = m->s[k].name,
				    .shared_io = m->sh.sh, .sims = us.v, .nsims = us.n,
				    .notice = child_message, .notice_ctx = s,
				    .flags = o->rehearsal ? BENCH_REAL_CLOCK : 0 };
	struct run_result res;
	struct profile prof;
	struct bench b;
	struct rig_err err = { 0 };
	enum rig_rc rc;
	memset(&res, 0, sizeof res);
	if ((rc = profile_load(&prof, o->profile_path, &err)) ||
	    (rc = station_same_profile(c->fx, c->prof, &prof, &err)) ||
	    (rc = run_check_profile(&prof, o->mode, &err))) {
		child_message(s, err.msg);
		res.rc = rc;
	} else if ((rc = bench_open(&b, &bo, &err))) {
		child_message(s, err.msg);
		res.rc = rc;
		bench_close(&b);
	} else {
		run_execute(&b, &prof, &ro, &res);
		bench_close(&b);
	}
	slot_begin(s);
	s->res = res;
	s->unit_exit = o->exit_code ? o->exit_code(&res) : rig_exit_code(res.rc);
	s->done = 1;
	slot_end(s);
	_exit(s->unit_exit);
}

/* ---- In the station ----------------------------------------------------- */

/* Copy slot k as the child last left it whole; true when it changed. */
static bool read_slot(struct multi *m, unsigned k)
{
	struct slot *src = &m->slots[k];
	struct sock *so = &m->s[k];
	for (int tries = 0; tries < 100; tries++) {
		unsigned a = atomic_load(&src->seq);
		if (a == so->seen_seq)
			return false;
		if (a & 1)
			continue;
		memcpy((char *)&so->seen + sizeof so->seen.seq, (char *)src + sizeof src->seq,
		       sizeof *src - sizeof src->seq);
		if (atomic_load(&src->seq) == a) {
			so->seen_seq = a;
			return true;
		}
	}
	return false;
}

static void start_socket(struct multi *m, unsigned k, const char *serial)
{
	struct sock *so = &m->s[k];
	snprintf(so->serial, sizeof so->serial, "%s", serial);
	so->unit = ++m->unit;
	memset(&m->slots[k], 0, sizeof m->slots[k]);
	memset(&so->seen, 0, sizeof so->seen);
	so->seen_seq = 0;
	m->message[0] = '\0';
	const struct station_options *o = m->c->o;
	shift_retest_warning(m->c->log, o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR, serial,
			     time(NULL), m->message, sizeof m->message);
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(m->message, sizeof m->message, "socket %s: cannot start: %s", so->name,
			 strerror(errno));
		return;
	}
	if (pid == 0)
		child_run(m, k, parent);
	so->pid = pid;
	so->state = SOCKET_RUNNING;
}

/* A socket's process ended: its run into the shift. */
static void reap(struct multi *m, unsigned k, int status)
{
	struct sock *so = &m->s[k];
	const struct station_sockets *c = m->c;
	read_slot(m, k);
	so->pid = 0;
	so->state = SOCKET_DONE;
	if (!so->seen.done) {
		memset(&so->seen.res, 0, sizeof so->seen.res);
		snprintf(so->seen.error_text, sizeof so->seen.error_text,
			 "its process ended without a result (status %d)", status);
	}
	struct rig_err err = { 0 };
	const char *dir = c->o->out_dir ? c->o->out_dir : REPORT_DEFAULT_DIR;
	if (so->seen.res.reported)
		(void)store_index_after_run(dir, &err);
	if (shift_note_run(c->log, c->shift, so->serial, c->operator_name, &so->seen.res,
			   time(NULL), &err))
		snprintf(m->message, sizeof m->message, "shift report not written: %s", err.msg);
}

/* Look at every running socket; true when anything changed. */
static bool poll_sockets(struct multi *m)
{
	bool changed = false;
	for (unsigned k = 0; k < m->n; k++) {
		struct sock *so = &m->s[k];
		if (so->state != SOCKET_RUNNING)
			continue;
		changed |= read_slot(m, k);
		int st;
		if (waitpid(so->pid, &st, WNOHANG) == so->pid) {
			reap(m, k, st);
			changed = true;
		}
	}
	return changed;
}

static unsigned running(const struct multi *m)
{
	unsigned r = 0;
	for (unsigned k = 0; k < m->n; k++)
		r += m->s[k].state == SOCKET_RUNNING;
	return r;
}

/* The next socket a scan may start, from k on (m->n when all are busy). */
static unsigned next_free(const struct multi *m, unsigned k)
{
	for (unsigned i = 0; i < m->n; i++) {
		unsigned j = (k + i) % m->n;
		if (m->s[j].state != SOCKET_RUNNING)
			return j;
	}
	return m->n;
}

static void draw(struct multi *m)
{
	struct station_sockets *c = m->c;
	struct socket_view v[FIXTURE_MAX_SOCKETS];
	term_size(c->t, &c->hdr->cols, &c->hdr->rows);
	for (unsigned k = 0; k < m->n; k++) {
		const struct sock *so = &m->s[k];
		v[k] = (struct socket_view){
			.name = so->name, .state = so->state, .unit = so->unit, .serial = so->serial,
			.phase = so->seen.phase[0] ? so->seen.phase : NULL, .step = so->seen.step,
			.nsteps = so->seen.nsteps, .detail = so->seen.detail, .res = &so->seen.res,
			.error_text = so->seen.error_text, .target = k == m->target,
		};
	}
	struct sockets_screen s = { .hdr = c->hdr, .v = v, .n = m->n, .input = m->input,
				    .message = m->message[0] ? m->message : NULL,
				    .asking = m->asking };
	sockets_screen_draw(c->t->out, &s);
	m->dirty = false;
}

enum { KEY_TAB = '\t' };

/* The serial typed so far: starts the socket marked "next scan". */
static void enter(struct multi *m)
{
	if (!m->input[0]) {
		snprintf(m->message, sizeof m->message,
			 "Nothing was entered: scan the serial on the pen.");
		return;
	}
	if (m->target >= m->n) {
		snprintf(m->message, sizeof m->message,
			 "Every socket is testing: scan again when one is done.");
		return;
	}
	char why[RIG_ERR_MSG_MAX];
	if (!profile_serial_ok(m->c->prof, m->input, why, sizeof why)) {
		snprintf(m->message, sizeof m->message, "Refused, scan again: %s", why);
		m->input[0] = '\0';
		return;
	}
	unsigned k = m->target;
	start_socket(m, k, m->input);
	m->input[0] = '\0';
	m->target = next_free(m, k + 1);
}

/* One key; true to end the shift. */
static bool key(struct multi *m, int k)
{
	size_t len = strlen(m->input);
	if (k == TERM_KEY_EOF)
		return true;
	if (m->asking) {
		m->asking = false;
		m->message[0] = '\0';
		return k == 'y' || k == 'Y';
	}
	if (k == TERM_KEY_CTRL_C || k == TERM_KEY_CTRL_D) {
		m->asking = true;
		snprintf(m->message, sizeof m->message, "End the shift?%s Press y to end it, any "
			 "other key to go on.", running(m) ? " Tests still running are stopped." : "");
		return false;
	}
	m->message[0] = '\0';
	if (k == TERM_KEY_CTRL_O && running(m)) {
		snprintf(m->message, sizeof m->message, "Change of operator: wait until no socket is "
			 "testing (%u testing now).", running(m));
	} else if (k == TERM_KEY_CTRL_O) {
		m->hand_over = true;
	} else if (k == KEY_TAB) {
		m->target = next_free(m, m->target + 1);
	} else if (k == TERM_KEY_CTRL_R) {
		const struct sock *so = m->target < m->n ? &m->s[m->target] : NULL;
		if (so && so->state == SOCKET_DONE &&
		    (!so->seen.res.reported || so->seen.res.verdict != REPORT_PASS)) {
			char serial[SERIAL_MAX + 1];
			snprintf(serial, sizeof serial, "%s", so->serial);
			start_socket(m, m->target, serial);
			m->target = next_free(m, m->target + 1);
		}
	} else if (k == TERM_KEY_ENTER) {
		enter(m);
	} else if (k == TERM_KEY_BACKSPACE) {
		if (len)
			m->input[len - 1] = '\0';
	} else if (k == TERM_KEY_CTRL_U || k == TERM_KEY_ESC) {
		m->input[0] = '\0';
	} else if (k > ' ' && k < 0x7f && len < SERIAL_MAX) {
		m->input[len] = (char)k;
		m->input[len + 1] = '\0';
	}
	return false;
}

static void say(void *ctx, const char *text)
{
	struct multi *m = ctx;
	snprintf(m->message, sizeof m->message, "%s", text);
}

static int open_shared(struct multi *m)
{
	struct station_sockets *c = m->c;
	const struct station_options *o = c->o;
	struct bench_options bo = { .fixture_path = o->fixture_path, .sims = o->sims,
				    .nsims = o->nsims, .notice = say, .notice_ctx = m };
	struct rig_err err = { 0 };
	enum rig_rc rc = bench_shared_open(&m->sh, &bo, 0, &err);
	if (rc) {
		snprintf(c->error, sizeof c->error, "%s", err.msg);
		return rig_exit_code(rc);
	}
	m->slots = mmap(NULL, m->n * sizeof *m->slots, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m->slots == MAP_FAILED) {
		m->slots = NULL;
		snprintf(c->error, sizeof c->error, "shared memory for the sockets: %s",
			 strerror(errno));
		return RIG_EXIT_OSERR;
	}
	/* Runs of any socket that died: reported once, before any starts. */
	struct run_observer obs = { .message = say, .ctx = m };
	struct run_options ro = { .out_dir = o->out_dir, .observer = &obs };
	run_recover_journals(&ro, o->out_dir ? o->out_dir : REPORT_DEFAULT_DIR);
	return 0;
}

/* Ending: every running socket is stopped as by a signal, and waited for
 * with the e-stop and lid still watched. */
static void stop_all(struct multi *m, bool *stopped)
{
	for (unsigned k = 0; k < m->n; k++)
		if (m->s[k].state == SOCKET_RUNNING && !stopped[k]) {
			kill(m->s[k].pid, SIGTERM);
			stopped[k] = true;
		}
}

static uint64_t now_ms(void)
{
	return clock_now_ns(clock_real()) / RIG_NS_PER_MS;
}

int station_sockets_shift(struct station_sockets *c)
{
	struct multi *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(c->error, sizeof c->error, "out of memory");
		return RIG_EXIT_OSERR;
	}
	m->c = c;
	m->n = c->fx->nsockets;
	for (unsigned k = 0; k < m->n; k++)
		snprintf(m->s[k].name, sizeof m->s[k].name, "%s", c->fx->sockets[k]);
	int code = open_shared(m);
	bool quit = false, stopped[FIXTURE_MAX_SOCKETS] = { false };
	uint64_t drawn = 0;
	for (m->dirty = true; !code;) {
		struct rig_err err = { 0 };
		if (bench_shared_poll(&m->sh, &err))
			snprintf(m->message, sizeof m->message, "e-stop and lid: %s", err.msg);
		if (poll_sockets(m)) {
			m->dirty = true;
			if (m->target >= m->n)
				m->target = next_free(m, 0);
		}
		quit |= *c->signal != 0;
		if (quit) {
			stop_all(m, stopped);
			if (!running(m))
				break;
			clock_sleep_ns(clock_real(), POLL_MS * RIG_NS_PER_MS);
		} else {
			int k = term_key(c->t, POLL_MS);
			if (k != TERM_KEY_NONE) {
				quit = key(m, k);
				if (m->hand_over && !quit) {
					m->hand_over = false;
					quit = !c->hand_over(c->hand_over_ctx, m->message,
							     sizeof m->message);
				}
				drawn = 0; /* a key is answered at once */
				m->dirty = true;
			}
		}
		uint64_t t = now_ms();
		if ((m->dirty && t - drawn >= 50) || t - drawn >= REDRAW_MS) {
			draw(m);
			drawn = t;
		}
	}
	if (m->slots)
		munmap(m->slots, m->n * sizeof *m->slots);
	bench_shared_close(&m->sh);
	free(m);
	return code;
}
