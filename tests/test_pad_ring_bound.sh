#!/bin/sh
# test_pad_ring_bound.sh - rig/tools/pad-ring-bound.sh, the pad's ring
# characterization (docs/measurement.md step 5b), on the virtual bench:
# it runs the two sweeps and prints the [laser] keys; entered into the
# fixture, they hold a sweep's U at the production exposure, and that U
# covers what the short exposure reads (the ring included).
set -u
RIG="${RIG_BIN:-build/rig}"
here=$(dirname "$0")
tool="$here/../rig/tools/pad-ring-bound.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0 n=0
ok() { n=$((n + 1)); echo "ok   $1"; }
bad() { n=$((n + 1)); echo "FAIL $1"; fail=$((fail + 1)); }
cp "$here/../fixtures/sim.ini" "$tmp/sim.ini"
# A cross build runs rig under its emulator (RIG_RUNNER="qemu-aarch64 -L
# ..."); the tool calls one command, so it is given a wrapper that does.
if [ -n "${RIG_RUNNER:-}" ]; then
  printf '#!/bin/sh\nexec %s %s "$@"\n' "$RIG_RUNNER" "$(cd "$(dirname "$RIG")" && pwd)/$(basename "$RIG")" >"$tmp/rig"
  chmod +x "$tmp/rig"
  RIG="$tmp/rig"
fi

# a column of a sweep CSV's first row, by name
cell() {
  awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); if (h == name) c = i } next }
                        NR == 2 { v = $c; gsub(/"/, "", v); print v }' "$1"
}

# characterize PAD_SIMS: the tool's output in $tmp/out.txt, its exit code
characterize() {
  # shellcheck disable=SC2086
  RIG_BIN="$RIG" sh "$tool" --fixture "$tmp/sim.ini" --depths 1000 --freqs 120 \
    --exposure-us 250 --out "$tmp/sweeps" $1 >"$tmp/out.txt" 2>"$tmp/err.txt"
}

# ring_case NAME "PAD SIMS" MIN_BOUND MAX_U
ring_case() {
  characterize "$2"
  rc=$?
  b=$(sed -n 's/^ring_max_um = //p' "$tmp/out.txt")
  e=$(sed -n 's/^ring_exposure_us = //p' "$tmp/out.txt")
  d=$(sed -n 's/^ring_date = //p' "$tmp/out.txt")
  short=$(sed -n 's/^pad ring bound: .*short sweep \(.*\), production sweep .*/\1/p' "$tmp/out.txt")
  if [ $rc -ne 0 ] || [ -z "$b" ] || [ "$e" != 250 ] || [ "$d" != "$(date -u +%Y-%m-%d)" ]; then
    bad "$1: exit $rc, bound '$b', exposure '$e', date '$d': $(cat "$tmp/err.txt" "$tmp/out.txt")"
    return
  fi
  for f in "$tmp"/.pad-ring-*; do
    if [ -e "$f" ]; then bad "$1: the fixture copy $f was left behind"; return; fi
  done
  # the keys entered: a sweep at 250 us holds the hidden ring to the bound
  sed "s/^clock_ppm = 50 .*/clock_ppm = 50\nexposure_us = 250\nring_max_um = $b\nring_date = $d\nring_exposure_us = $e/" \
    "$tmp/sim.ini" >"$tmp/bound.ini"
  # shellcheck disable=SC2086
  "$RIG" sweep --fixture "$tmp/bound.ini" --depths 1000 --freqs 120 --window-s 2 \
    --out "$tmp/check" $2 --sim laser.exposure_us=250 >"$tmp/check.txt" 2>&1
  csv=''
  for f in "$tmp"/check/sweep_*.csv; do [ -e "$f" ] && csv=$f; done
  u=$(cell "$csv" depth_uncertainty_um)
  dl=$(cell "$csv" depth_mean_um)
  ds=$(cell "$short" depth_mean_um)
  rm -rf "$tmp/check"
  if awk -v b="$b" -v lo="$3" -v u="$u" -v hi="$4" -v dl="$dl" -v ds="$ds" 'BEGIN {
       e = dl - ds; if (e < 0) e = -e
       exit !(b >= lo && u > 0 && u <= hi && e <= u) }'; then
    ok "$1: bound $b um at $e us; a sweep at 250 us with it: U $u um, $dl um against the short exposure's $ds"
  else
    bad "$1: bound $b um (at least $3), U '$u' (at most $4), $dl um against the short exposure's $ds"
  fi
}

ring_case quiet_pad "" 0.1 8
ring_case ringing_pad "--sim pen.ring_um=10 --sim pen.ring_hz=4000 --sim pen.ring_tau_ms=0.5" 5 16

# usage: no production exposure (sim.ini gives none), or a short one not shorter
RIG_BIN="$RIG" sh "$tool" --fixture "$tmp/sim.ini" --depths 1000 --freqs 120 >"$tmp/u.txt" 2>&1
rc1=$?
RIG_BIN="$RIG" sh "$tool" --fixture "$tmp/sim.ini" --depths 1000 --freqs 120 \
  --exposure-us 250 --short-us 250 >"$tmp/u2.txt" 2>&1
rc2=$?
if [ $rc1 -eq 64 ] && grep -q "expected --exposure-us" "$tmp/u.txt" &&
   [ $rc2 -eq 64 ] && grep -q "expected a shorter shutter" "$tmp/u2.txt"; then
  ok "usage: no production exposure, or no shorter one: exit 64"
else
  bad "usage: exit $rc1, $rc2: $(cat "$tmp/u.txt" "$tmp/u2.txt")"
fi

# a cell the engine refused in either sweep gives no bound: at 160 Hz the
# top falls between the 4 kHz laser's sampled phases (the phase-gap gate)
RIG_BIN="$RIG" sh "$tool" --fixture "$tmp/sim.ini" --depths 500 --freqs 160 --exposure-us 250 \
  --window-s 0.5 --out "$tmp/gap" --sim pen.freq_gain=1 --sim pen.load_droop_per_n=0 \
  --sim pen.speed_wander=0 >"$tmp/g.txt" 2>&1
rc=$?
if [ $rc -eq 65 ] && grep -q "500 um at 160 Hz (repeat 1) not measured" "$tmp/g.txt" &&
   ! grep -q "^ring_max_um" "$tmp/g.txt"; then
  ok "cell_not_measured: no bound, exit 65"
else
  bad "cell_not_measured: exit $rc: $(tail -3 "$tmp/g.txt")"
fi

echo "test_pad_ring_bound: $((n - fail))/$n passed"
[ $fail -eq 0 ]
