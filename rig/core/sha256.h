/* sha256.h - SHA-256 of a byte buffer as 64 lowercase hex digits (FIPS 180-4).
 *
 * A thin wrapper over Debian's nettle (libnettle8, already on every Debian
 * and Raspberry Pi OS system as a dependency of apt's TLS stack). The
 * caller owns both buffers.
 */
#ifndef RIG_CORE_SHA256_H
#define RIG_CORE_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
