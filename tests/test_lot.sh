#!/bin/sh
# test_lot.sh - the no-loss proof of issue 19 (tests/lot.py): a virtual lot
# spread around the guarded limits, verified with the old production
# profile (tests/data/profiles/production-p25-v1.0.ini) and the shipped one;
# no PASS outside the tolerance, and a verdict changes only within the guard
# band (a guarded FAIL either side of the change, the pen's truth known).
# `make check` runs 24 pens (RIG_LOT_PENS), `make lot` (in CI) the 200-pen
# lot. Needs python3; fails without it.
set -u
RIG="${RIG_BIN:-build/rig}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if ! command -v python3 >/dev/null 2>&1; then
  echo "test_lot: FAIL: python3 not found: this suite declares it as a dependency"
  exit 1
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"
if python3 "$here/lot.py" "$RIG" "$tmp/sim.ini" "$root/tests/data/profiles/production-p25-v1.0.ini" \
  "$root/profiles/production-p25.ini" "${RIG_LOT_PENS:-24}" "$tmp/lot"; then
  echo "ok   test_lot: no verdict lost"
else
  echo "FAIL test_lot"
  exit 1
fi
