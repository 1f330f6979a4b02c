/* keys.c - the station's Ed25519 key: make, load, sign, verify, publish
 * beside a ledger. Everything cryptographic is nettle's; its Ed25519 lives
 * in libhogweed, loaded when a key is first needed (keys.h). */
#include "records/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sha256.h"
#include "core/version.h"

#define PRIV_TAG "rig-ed25519-private"
#define PUB_TAG "ed25519"

_Static_assert(KEY_SIZE == ED25519_KEY_SIZE, "Ed25519 key size");
_Static_assert(KEY_SIG_SIZE == ED25519_SIGNATURE_SIZE, "Ed25519 signature size");

void key_hex(const uint8_t *bin, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[bin[i] >> 4];
		out[2 * i + 1] = hex[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool key_unhex(const char *hex, uint8_t *bin, size_t len)
{
	if (strlen(hex) != 2 * len)
		return false;
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		bin[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static void fingerprint(const uint8_t pub[KEY_SIZE], char fpr[KEY_FPR_LEN + 1])
{
	char h[SHA256_HEX_LEN + 1];
	sha256_hex(pub, KEY_SIZE, h);
	memcpy(fpr, h, KEY_FPR_LEN);
	fpr[KEY_FPR_LEN] = '\0';
}

void key_default_path(char *out, size_t cap)
{
	const char *env = getenv("RIG_KEY");
	if (env && *env)
		snprintf(out, cap, "%s", env);
	else
		snprintf(out, cap, "%s/station.key", rig_sysconfdir);
}

#define ED_SYM(f) DYNLIB_SYM(struct key_ed25519, f)
static const struct dynlib_sym ed_syms[] = { KEY_ED25519_FUNCS(ED_SYM) };

static enum rig_rc load_ed25519(struct key_ed25519 *ed, struct rig_err *err)
{
	return dynlib_load(&dynlib_hogweed, ed_syms, sizeof ed_syms / sizeof ed_syms[0], ed, err);
}

/* The public half and fingerprint of k->priv; k->ed loaded. */
static void complete(struct station_key *k)
{
	k->ed.ed25519_sha512_public_key(k->pub, k->priv);
	fingerprint(k->pub, k->fpr);
}

enum rig_rc key_generate(const char *path, struct station_key *k, struct rig_err *err)
{
	enum rig_rc rc = load_ed25519(&k->ed, err);
	if (rc)
		return rc;
	size_t got = 0;
	while (got < KEY_SIZE) {
		ssize_t n = getrandom(k->priv + got, KEY_SIZE - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rig_fail_errno(err, RIG_E_IO, errno, "getrandom");
		got += (size_t)n;
	}
	complete(k);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		key_wipe(k);
		if (errno == EEXIST)
			return rig_fail(err, RIG_E_USAGE,
					"%s exists: a station keeps its key (remove it by hand "
					"to replace it; earlier entries stay verifiable through "
					"ledger.pub)", path);
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot create %s", path);
	}
	char line[sizeof PRIV_TAG + 2 * KEY_SIZE + 4];
	char hex[2 * KEY_SIZE + 1];
	key_hex(k->priv, KEY_SIZE, hex);
	int len = snprintf(line, sizeof line, "%s %s\n", PRIV_TAG, hex);
	memset(hex, 0, sizeof hex);
	bool ok = write(fd, line, (size_t)len) == len && fsync(fd) == 0;
	int e = errno;
	memset(line, 0, sizeof line);
	close(fd);
	if (!ok) {
		unlink(path);
		key_wipe(k);
		return rig_fail_errno(err, RIG_E_IO, e, "cannot write %s", path);
	}
	return RIG_OK;
}

enum rig_rc key_load(const char *path, struct station_key *k, bool *found, struct rig_err *err)
{
	*found = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return RIG_OK;
		return rig_fail_errno(err, RIG_E_CONFIG, errno, "station key %s", path);
	}
	char buf[256];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return rig_fail_errno(err, RIG_E_CONFIG, errno, "station key %s", path);
	buf[n] = '\0';
	char hex[2 * KEY_SIZE + 1] = "";
	size_t tl = strlen(PRIV_TAG);
	bool ok = strncmp(buf, PRIV_TAG " ", tl + 1) == 0 && (size_t)n >= tl + 1 + 2 * KEY_SIZE;
	if (ok) {
		memcpy(hex, buf + tl + 1, 2 * KEY_SIZE);
		ok = key_unhex(hex, k->priv, KEY_SIZE) &&
		     (buf[tl + 1 + 2 * KEY_SIZE] == '\n' || buf[tl + 1 + 2 * KEY_SIZE] == '\0');
	}
	memset(buf, 0, sizeof buf);
	memset(hex, 0, sizeof hex);
	if (!ok)
		return rig_fail(err, RIG_E_CONFIG,
				"station key %s:1: expected \"%s\" and 64 hex digits", path, PRIV_TAG);
	enum rig_rc rc = load_ed25519(&k->ed, err);
	if (rc) {
		key_wipe(k);
		return rig_err_prefix(err, "station key %s: ", path);
	}
	complete(k);
	*found = true;
	return RIG_OK;
}

void key_wipe(struct station_key *k)
{
	/* explicit_bzero: a plain memset of a dying object may be optimised away */
	explicit_bzero(k->priv, sizeof k->priv);
}

void key_sign_hex(const struct station_key *k, const void *msg, size_t len,
		  char sig_hex[KEY_SIG_HEX_LEN + 1])
{
	uint8_t sig[KEY_SIG_SIZE];
	k->ed.ed25519_sha512_sign(k->pub, k->priv, len, msg, sig);
	key_hex(sig, sizeof sig, sig_hex);
}

bool key_verify_hex(const struct pub_keys *pubs, const struct pub_key *pub, const void *msg,
		    size_t len, const char *sig_hex)
{
	uint8_t sig[KEY_SIG_SIZE];
	if (!pubs->ed.ed25519_sha512_verify || !key_unhex(sig_hex, sig, sizeof sig))
		return false;
	return pubs->ed.ed25519_sha512_verify(pub->pub, len, msg, sig) == 1;
}

void key_pub_line(const uint8_t pub[KEY_SIZE], char *out, size_t cap)
{
	char hex[2 * KEY_SIZE + 1], fpr[KEY_FPR_LEN + 1];
	key_hex(pub, KEY_SIZE, hex);
	fingerprint(pub, fpr);
	snprintf(out, cap, "%s %s %s", PUB_TAG, hex, fpr);
}

/* Parse ledger.pub's text into pubs; line numbers in messages. */
static enum rig_rc parse_pubs(const char *path, char *text, struct pub_keys *pubs,
			      struct rig_err *err)
{
	unsigned line = 0;
	for (char *s = text, *nl; s && *s; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		line++;
		if (*s == '\0' || *s == '#')
			continue;
		char hex[2 * KEY_SIZE + 2], fpr[KEY_FPR_LEN + 2];
		struct pub_key pk;
		if (sscanf(s, PUB_TAG " %65s %17s", hex, fpr) != 2 ||
		    !key_unhex(hex, pk.pub, KEY_SIZE))
			return rig_fail(err, RIG_E_DATA,
					"%s:%u: expected \"ed25519 <64 hex digits> <fingerprint>\"",
					path, line);
		fingerprint(pk.pub, pk.fpr);
		if (strcmp(pk.fpr, fpr) != 0)
			return rig_fail(err, RIG_E_DATA,
					"%s:%u: fingerprint %.16s does not belong to this key (%s)",
					path, line, fpr, pk.fpr);
		if (pubs->n == KEY_MAX_PUBS)
			return rig_fail(err, RIG_E_DATA, "%s:%u: more than %d keys", path, line,
					KEY_MAX_PUBS);
		if (!key_find(pubs, pk.fpr))
			pubs->k[pubs->n++] = pk;
	}
	return RIG_OK;
}

static enum rig_rc read_pubs_fd(int fd, const char *path, struct pub_keys *pubs,
				struct rig_err *err)
{
	char text[KEY_MAX_PUBS * 128 + 256];
	ssize_t n = pread(fd, text, sizeof text - 1, 0);
	if (n < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", path);
	text[n] = '\0';
	return parse_pubs(path, text, pubs, err);
}

enum rig_rc key_load_pubs(const char *dir, struct pub_keys *pubs, struct rig_err *err)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, KEY_PUB_FILE);
	pubs->n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? RIG_OK
				       : rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s", path);
	enum rig_rc rc = read_pubs_fd(fd, path, pubs, err);
	close(fd);
	if (!rc && pubs->n && (rc = load_ed25519(&pubs->ed, err)))
		pubs->n = 0;
	return rc;
}

const struct pub_key *key_find(const struct pub_keys *pubs, const char *fpr)
{
	for (size_t i = 0; i < pubs->n; i++)
		if (strcmp(pubs->k[i].fpr, fpr) == 0)
			return &pubs->k[i];
	return NULL;
}

/* A writer killed mid-line left a line without its end: cut it (the key
 * is written again whole right after). */
static enum rig_rc cut_torn_line(int fd, const char *path, struct rig_err *err)
{
	char text[KEY_MAX_PUBS * 128 + 256];
	ssize_t n = pread(fd, text, sizeof text, 0);
	if (n <= 0 || text[n - 1] == '\n')
		return RIG_OK;
	char *nl = memrchr(text, '\n', (size_t)n);
	off_t keep = nl ? nl - text + 1 : 0;
	if (ftruncate(fd, keep) < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot repair %s", path);
	return RIG_OK;
}

enum rig_rc key_publish(const char *dir, const struct station_key *k, bool *added,
			struct rig_err *err)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, KEY_PUB_FILE);
	if (added)
		*added = false;
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s", path);
	enum rig_rc rc = RIG_OK;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot lock %s", path);
			goto out;
		}
	if ((rc = cut_torn_line(fd, path, err)))
		goto out;
	struct pub_keys pubs = { .n = 0 };
	if ((rc = read_pubs_fd(fd, path, &pubs, err)) || key_find(&pubs, k->fpr))
		goto out;
	char line[200];
	key_pub_line(k->pub, line, sizeof line - 1);
	strcat(line, "\n");
	ssize_t len = (ssize_t)strlen(line);
	if (write(fd, line, (size_t)len) != len || fsync(fd) < 0) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", path);
		goto out;
	}
	if (added)
		*added = true;
out:
	close(fd);
	return rc;
}
