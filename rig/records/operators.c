/* operators.c - the operators file: read, check a PIN with lockout, add a
 * person, set a PIN, write back atomically. Format: operators.h. */
#include "records/operators.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/memops.h>
#include <nettle/pbkdf2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "records/keys.h"
#include "records/ledger.h"

#define HEADER "# rig operators (docs/records.md): id, printed name, role, state, " \
	       "PBKDF2-HMAC-SHA256 iterations, salt, hash, wrong PINs in a row, " \
	       "locked until (UTC s)\n"

const char *op_role_name(enum op_role r)
{
	switch (r) {
	case OP_ROLE_OPERATOR: return "operator";
	case OP_ROLE_ENGINEER: return "engineer";
	case OP_ROLE_ADMIN: return "admin";
	case OP_ROLE_NONE: break;
	}
	return "none";
}

bool op_role_parse(const char *s, enum op_role *r)
{
	for (enum op_role x = OP_ROLE_OPERATOR; x <= OP_ROLE_ADMIN; x++)
		if (strcmp(s, op_role_name(x)) == 0) {
			*r = x;
			return true;
		}
	return false;
}

bool op_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n >= OP_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* ---- reading ---- */

static enum rig_rc parse_person(const char *path, unsigned line, char *s, struct op_person *p,
				struct rig_err *err)
{
	char *f[9];
	size_t nf = 0;
	for (char *tok = s; nf < 9; nf++) {
		f[nf] = tok;
		char *tab = strchr(tok, '\t');
		if (!tab) {
			nf++;
			break;
		}
		*tab = '\0';
		tok = tab + 1;
	}
	memset(p, 0, sizeof *p);
	char *end1, *end2, *end3;
	if (nf != 9)
		return rig_fail(err, RIG_E_CONFIG, "%s:%u: expected 9 TAB-separated fields, found %zu",
				path, line, nf);
	if (!op_id_valid(f[0]))
		return rig_fail(err, RIG_E_CONFIG, "%s:%u: '%.40s' is not an ID ([A-Za-z0-9._-], 1-31)",
				path, line, f[0]);
	snprintf(p->id, sizeof p->id, "%s", f[0]);
	if (!ledger_unescape(p->name, sizeof p->name, f[1], strlen(f[1])) || !p->name[0])
		return rig_fail(err, RIG_E_CONFIG, "%s:%u: bad printed name", path, line);
	if (!op_role_parse(f[2], &p->role))
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%u: role: expected operator, engineer or admin, found '%.20s'",
				path, line, f[2]);
	if (strcmp(f[3], "active") && strcmp(f[3], "disabled"))
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%u: state: expected active or disabled, found '%.20s'", path, line,
				f[3]);
	p->disabled = strcmp(f[3], "disabled") == 0;
	unsigned long it = strtoul(f[4], &end1, 10);
	p->failures = (unsigned)strtoul(f[7], &end2, 10);
	p->locked_until = strtoll(f[8], &end3, 10);
	if (*end1 || it < 1000 || it > 100000000 || *end2 || *end3 ||
	    !key_unhex(f[5], p->salt, OP_SALT_SIZE) || !key_unhex(f[6], p->hash, OP_HASH_SIZE))
		return rig_fail(err, RIG_E_CONFIG,
				"%s:%u: expected iterations (1000 or more), a 32-digit hex salt, a "
				"64-digit hex hash and two counts", path, line);
	p->iterations = (unsigned)it;
	return RIG_OK;
}

static enum rig_rc read_file(struct op_file *f, struct rig_err *err)
{
	FILE *fp = fopen(f->path, "re");
	if (!fp) {
		if (errno == ENOENT)
			return RIG_OK;
		return rig_fail_errno(err, RIG_E_CONFIG, errno, "operators file %s", f->path);
	}
	f->exists = true;
	char buf[1024];
	unsigned line = 0;
	enum rig_rc rc = RIG_OK;
	while (!rc && fgets(buf, sizeof buf, fp)) {
		line++;
		size_t len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		struct op_person *np = realloc(f->p, (f->n + 1) * sizeof *np);
		if (!np) {
			rc = rig_fail(err, RIG_E_NOMEM, "out of memory");
			break;
		}
		f->p = np;
		if (!(rc = parse_person(f->path, line, buf, &f->p[f->n], err))) {
			if (op_find(f, f->p[f->n].id))
				rc = rig_fail(err, RIG_E_CONFIG, "%s:%u: ID %s appears twice", f->path,
					      line, f->p[f->n].id);
			else
				f->n++;
		}
	}
	fclose(fp);
	return rc;
}

enum rig_rc op_open(struct op_file *f, const char *path, struct rig_err *err)
{
	memset(f, 0, sizeof *f);
	f->lock_fd = -1;
	snprintf(f->path, sizeof f->path, "%s", path);
	char lock[PATH_MAX + 8];
	snprintf(lock, sizeof lock, "%s.lock", path);
	f->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f->lock_fd < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s", lock);
	while (flock(f->lock_fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			enum rig_rc rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot lock %s", lock);
			op_close(f);
			return rc;
		}
	enum rig_rc rc = read_file(f, err);
	if (rc)
		op_close(f);
	return rc;
}

void op_close(struct op_file *f)
{
	if (f->p)
		explicit_bzero(f->p, f->n * sizeof *f->p);
	free(f->p);
	f->p = NULL;
	f->n = 0;
	if (f->lock_fd >= 0)
		close(f->lock_fd);
	f->lock_fd = -1;
}

/* ---- writing ---- */

enum rig_rc op_save(struct op_file *f, struct rig_err *err)
{
	char tmp[PATH_MAX + 16];
	snprintf(tmp, sizeof tmp, "%s.tmp", f->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", tmp);
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		close(fd);
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", tmp);
	}
	fputs(HEADER, fp);
	for (size_t i = 0; i < f->n; i++) {
		const struct op_person *p = &f->p[i];
		char name[300], salt[2 * OP_SALT_SIZE + 1], hash[2 * OP_HASH_SIZE + 1];
		ledger_escape(name, sizeof name, p->name);
		key_hex(p->salt, OP_SALT_SIZE, salt);
		key_hex(p->hash, OP_HASH_SIZE, hash);
		fprintf(fp, "%s\t%s\t%s\t%s\t%u\t%s\t%s\t%u\t%lld\n", p->id, name,
			op_role_name(p->role), p->disabled ? "disabled" : "active", p->iterations,
			salt, hash, p->failures, p->locked_until);
	}
	bool ok = fflush(fp) == 0 && fsync(fd) == 0;
	int e = errno;
	ok = fclose(fp) == 0 && ok;
	if (!ok || rename(tmp, f->path) < 0) {
		e = ok ? errno : e;
		unlink(tmp);
		return rig_fail_errno(err, RIG_E_IO, e, "cannot write %s", f->path);
	}
	f->exists = true;
	return RIG_OK;
}

/* ---- people and PINs ---- */

struct op_person *op_find(struct op_file *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->p[i].id, id) == 0)
			return &f->p[i];
	return NULL;
}

enum rig_rc op_add(struct op_file *f, const char *id, const char *name, enum op_role role,
		   struct op_person **out, struct rig_err *err)
{
	if (!op_id_valid(id))
		return rig_fail(err, RIG_E_USAGE, "'%.40s' is not an ID: 1 to 31 of A-Z a-z 0-9 . _ -",
				id);
	if (op_find(f, id))
		return rig_fail(err, RIG_E_USAGE, "%s: ID %s exists already (IDs stay unique, even "
				"when disabled)", f->path, id);
	if (!name || !name[0] || strlen(name) >= sizeof f->p->name)
		return rig_fail(err, RIG_E_USAGE, "a printed name (--name) of 1 to %zu characters is "
				"needed", sizeof f->p->name - 1);
	struct op_person *np = realloc(f->p, (f->n + 1) * sizeof *np);
	if (!np)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	f->p = np;
	struct op_person *p = &f->p[f->n++];
	memset(p, 0, sizeof *p);
	snprintf(p->id, sizeof p->id, "%s", id);
	snprintf(p->name, sizeof p->name, "%s", name);
	p->role = role;
	p->iterations = OP_ITERATIONS;
	*out = p;
	return RIG_OK;
}

static void pin_hash(const struct op_person *p, const char *pin, uint8_t out[OP_HASH_SIZE])
{
	pbkdf2_hmac_sha256(strlen(pin), (const uint8_t *)pin, p->iterations, OP_SALT_SIZE, p->salt,
			   OP_HASH_SIZE, out);
}

enum rig_rc op_set_pin(struct op_person *p, const char *pin, struct rig_err *err)
{
	size_t len = strlen(pin);
	if (len < OP_PIN_MIN || len > OP_PIN_MAX)
		return rig_fail(err, RIG_E_USAGE, "a PIN has %d to %d characters (found %zu)",
				OP_PIN_MIN, OP_PIN_MAX, len);
	size_t got = 0;
	while (got < OP_SALT_SIZE) {
		ssize_t n = getrandom(p->salt + got, OP_SALT_SIZE - got, 0);
		if (n < 0 && errno != EINTR)
			return rig_fail_errno(err, RIG_E_IO, errno, "getrandom");
		got += n > 0 ? (size_t)n : 0;
	}
	p->iterations = OP_ITERATIONS;
	pin_hash(p, pin, p->hash);
	p->failures = 0;
	p->locked_until = 0;
	return RIG_OK;
}

enum op_verdict op_check(struct op_file *f, const char *id, const char *pin, time_t now,
			 struct op_person **who)
{
	struct op_person *p = op_find(f, id);
	if (who)
		*who = p;
	if (!p)
		return OP_UNKNOWN;
	if (p->disabled)
		return OP_DISABLED;
	if (p->locked_until > (long long)now)
		return OP_LOCKED;
	uint8_t h[OP_HASH_SIZE];
	pin_hash(p, pin, h);
	bool ok = memeql_sec(h, p->hash, OP_HASH_SIZE); /* constant time */
	explicit_bzero(h, sizeof h);
	if (ok) {
		p->failures = 0;
		p->locked_until = 0;
		return OP_PIN_OK;
	}
	if (++p->failures >= OP_MAX_FAILURES) {
		p->failures = 0;
		p->locked_until = (long long)now + OP_LOCK_S;
		return OP_WRONG_NOW_LOCKED;
	}
	return OP_WRONG_PIN;
}
