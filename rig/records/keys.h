/* keys.h - the station key: one Ed25519 key pair per station (nettle's
 * ed25519_sha512_*), that signs every ledger entry the station writes.
 *
 * The private key file ($RIG_KEY, else <sysconfdir>/station.key) holds one
 * line "rig-ed25519-private <64 hex digits>", mode 0600, created by
 * `rig keygen` from getrandom(2). Its public half goes beside each ledger,
 * in <dir>/ledger.pub, one line per key "ed25519 <64 hex> <fingerprint>",
 * so anyone can verify; the fingerprint (the first 16 hex digits of the
 * public key's SHA-256) names the key in each entry. Without a key file
 * the station writes unsigned, hash-chained entries.
 *
 * All structs are plain values owned by the caller; nothing is allocated.
 * A loaded private key lives only in the caller's struct; key_wipe()
 * clears it.
 */
#ifndef RIG_RECORDS_KEYS_H
#define RIG_RECORDS_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nettle/eddsa.h>

#include "core/dynlib.h"
#include "core/err.h"

/* Nettle's Ed25519 functions, from libhogweed: loaded (core/dynlib.h) by
 * key_generate(), key_load() and key_load_pubs(), so that commands that
 * sign or verify nothing do not map libhogweed and libgmp. */
#define KEY_ED25519_FUNCS(X) \
	X(ed25519_sha512_public_key) X(ed25519_sha512_sign) X(ed25519_sha512_verify)
struct key_ed25519 {
	KEY_ED25519_FUNCS(DYNLIB_MEMBER)
};

#define KEY_SIZE 32           /* Ed25519 private seed and public key */
#define KEY_SIG_SIZE 64
#define KEY_SIG_HEX_LEN 128
#define KEY_FPR_LEN 16
#define KEY_PUB_FILE "ledger.pub"
#define KEY_MAX_PUBS 16       /* keys one ledger.pub may list */

struct station_key {
	uint8_t priv[KEY_SIZE];
	uint8_t pub[KEY_SIZE];
	char fpr[KEY_FPR_LEN + 1];
	struct key_ed25519 ed; /* filled by key_generate() and key_load() */
};

struct pub_key {
	uint8_t pub[KEY_SIZE];
	char fpr[KEY_FPR_LEN + 1];
};

struct pub_keys {
	struct pub_key k[KEY_MAX_PUBS];
	size_t n;
	struct key_ed25519 ed; /* filled by key_load_pubs() when n > 0 */
};

/* The private key's path: $RIG_KEY if set and not empty, else
 * <sysconfdir>/station.key. */
void key_default_path(char *out, size_t cap);

/* Make a new key pair from getrandom(2) and write it to path (created, mode
 * 0600; an existing file is never replaced: RIG_E_USAGE naming it). */
enum rig_rc key_generate(const char *path, struct station_key *k, struct rig_err *err);

/* Load the key at path. *found = false (and RIG_OK) when there is no such
 * file: the station signs nothing. A file that exists but cannot be read
 * or is malformed is an error (RIG_E_CONFIG), never a silent fallback to
 * unsigned entries; so is a key with no libhogweed to use it
 * (RIG_E_UNAVAILABLE). */
enum rig_rc key_load(const char *path, struct station_key *k, bool *found,
		     struct rig_err *err);

/* Clear the private half. */
void key_wipe(struct station_key *k);

/* Sign msg; sig_hex gets 128 hex digits and a NUL. */
void key_sign_hex(const struct station_key *k, const void *msg, size_t len,
		  char sig_hex[KEY_SIG_HEX_LEN + 1]);

/* Does sig_hex sign msg under pub, one of pubs' keys? */
bool key_verify_hex(const struct pub_keys *pubs, const struct pub_key *pub, const void *msg,
		    size_t len, const char *sig_hex);

/* "ed25519 <64 hex> <fingerprint>" (no line end). */
void key_pub_line(const uint8_t pub[KEY_SIZE], char *out, size_t cap);

/* Make sure dir/ledger.pub lists k's public key (appending it if not).
 * *added (may be NULL) tells whether it was added. */
enum rig_rc key_publish(const char *dir, const struct station_key *k, bool *added,
			struct rig_err *err);

/* Read dir/ledger.pub (missing: no keys). Malformed lines: RIG_E_DATA
 * naming file and line; RIG_E_UNAVAILABLE when it lists keys and
 * libhogweed cannot be loaded (pubs->n is then 0). */
enum rig_rc key_load_pubs(const char *dir, struct pub_keys *pubs, struct rig_err *err);

/* The key with fingerprint fpr, or NULL. */
const struct pub_key *key_find(const struct pub_keys *pubs, const char *fpr);

/* Hex helpers: bin -> lowercase hex (out has 2*len+1 bytes); hex -> bin,
 * false unless exactly 2*len hex digits. */
void key_hex(const uint8_t *bin, size_t len, char *out);
bool key_unhex(const char *hex, uint8_t *bin, size_t len);

#endif
