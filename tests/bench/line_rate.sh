#!/bin/sh
# line_rate.sh - units per hour of one bench, measured on the virtual bench
# in real time (`rig run --rehearsal`: every wait, every window, every pen
# command takes its real length), with one socket (fixtures/sim.ini) and
# with two (fixtures/sim-2up.ini, both pens at once). Each figure is
# sockets x 3600 / the mean wall time of LINE_CYCLES back-to-back runs
# (default 2) of the production profile; the time to take a pen out, seat
# the next and scan it is not in it (add the line's own handling time).
# Prints a table; exits non-zero only when a run does not PASS.
set -u
RIG="${RIG_BIN:-build/rig}"
root=$(cd "$(dirname "$0")/../.." && pwd)
PROFILE="${LINE_PROFILE:-$root/profiles/production-p25.ini}"
cycles="${LINE_CYCLES:-2}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

sed "s|^lock = .*|lock = $tmp/one.lock|" "$root/fixtures/sim.ini" >"$tmp/one.ini"
sed "s|^lock = .*|lock = $tmp/two.lock|" "$root/fixtures/sim-2up.ini" >"$tmp/two.ini"

# measure NAME LABEL SOCKETS ARGS...: one row of the table
measure() {
  name=$1 label=$2 sockets=$3
  shift 3
  total=0
  for k in $(seq "$cycles"); do
    t0=$(now)
    "$RIG" run --rehearsal --profile "$PROFILE" --out "$tmp/$name" "$@" >"$tmp/$name.$k.out" 2>&1
    rc=$?
    t1=$(now)
    if [ $rc != 0 ]; then
      echo "line_rate: $name cycle $k: exit $rc" >&2
      tail -5 "$tmp/$name.$k.out" >&2
      exit 1
    fi
    total=$(calc "$total + $t1 - $t0")
  done
  bench=$(sed -n 's/.*(\([0-9.]*\) s of bench time).*/\1/p' "$tmp/$name.1.out" | head -1)
  mean=$(calc "$total / $cycles")
  uph=$(calc "$sockets * 3600 / $mean")
  printf '%-28s %7d %14s %15.2f %12.1f\n' "$label" "$sockets" "$bench" "$mean" "$uph"
}

echo "line rate on the virtual bench in real time (rig run --rehearsal, $(basename "$PROFILE"), $cycles cycles each)"
printf '%-28s %7s %14s %15s %12s\n' "bench" "sockets" "bench s/unit" "wall s/cycle" "units/hour"
measure one "one socket (sim.ini)" 1 --fixture "$tmp/one.ini" --serial MN3-000123
measure two "two sockets (sim-2up.ini)" 2 --fixture "$tmp/two.ini" --serial MN3-000201 --serial MN3-000202
