#!/bin/sh
# test_lot.sh - the no-loss proof of issue 19 (tests/lot.py): a virtual lot
# spread around the guarded limits, verified with the old production
# profile (tests/data/profiles/production-p25-v1.0.ini) and the shipped one;
# no PASS outside the tolerance, and a verdict changes only within the guard
# band (a guarded FAIL either side of the change, the pen's truth known).
# `make check` runs 24 pens (RIG_LOT_PENS), `make lot` (in CI) the 200-pen
# lot. Needs python3; fails without it.
. "$(dirname "$0")/lib.sh"
needs python3
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"
if python3 "$here/lot.py" "$RIG" "$tmp/sim.ini" "$root/tests/data/profiles/production-p25-v1.0.ini" \
  "$root/profiles/production-p25.ini" "${RIG_LOT_PENS:-24}" "$tmp/lot"; then
  ok "no verdict lost"
else
  bad "a verdict lost (above)"
fi
finish
