#!/bin/sh
# test_hardening.sh - the built binary carries the hardening the Makefile
# asks for: PIE (ELF type DYN), full RELRO (a GNU_RELRO segment and BIND_NOW
# / FLAGS_1 NOW: the GOT is read-only once loaded), and stack protector or
# _FORTIFY_SOURCE checks (__stack_chk_fail or __*_chk imports). Works on
# cross-built binaries too (readelf reads any ELF). Fails without readelf (a declared dependency).
set -u
RIG="${RIG_BIN:-build/rig}"
if ! command -v readelf >/dev/null 2>&1; then
  echo "test_hardening: FAIL: readelf not found (binutils): a declared dependency"
  exit 1
fi
fail=0
check() { # check WHAT OK
  if [ "$2" = 1 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=$((fail + 1)); fi
}
has() { grep -q "$1" && echo 1 || echo 0; }

check "PIE: ELF type DYN" "$(readelf -hW "$RIG" | has 'Type: *DYN')"
check "RELRO: a GNU_RELRO segment" "$(readelf -lW "$RIG" | has 'GNU_RELRO')"
check "full RELRO: BIND_NOW or FLAGS_1 NOW" \
  "$(readelf -dW "$RIG" | grep -E 'BIND_NOW|FLAGS_1.*NOW' | has .)"
syms=$(readelf -sW --dyn-syms "$RIG" | awk '{print $8}' | sed 's/@.*//' | sort -u)
chk=$(printf '%s\n' "$syms" | grep -E '^__stack_chk_fail$|^__[a-z0-9_]+_chk$' | tr '\n' ' ')
check "stack protector or FORTIFY checks imported: ${chk:-none}" "$([ -n "$chk" ] && echo 1 || echo 0)"
if [ $fail -ne 0 ]; then
  echo "test_hardening: $fail check(s) failed for $RIG"
  exit 1
fi
echo "test_hardening: $RIG is hardened"
