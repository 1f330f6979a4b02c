#!/bin/sh
# pad-ring-bound.sh - the pad's ring characterization (docs/measurement.md
# step 5b, docs/characterization.md "The pad's ring bound: two sweeps"):
# runs the two sweeps with `rig sweep` and prints the [laser] keys to enter.
#
#   1. a sweep at a short shutter (--short-us, default 20 us: it passes the
#      whole 2..5 kHz band, so a ring of the pad shows);
#   2. the same sweep at the production shutter (--exposure-us; default the
#      fixture's exposure_us) with the smallest bound, ring_max_um = 0.1,
#      measured at that exposure, so the cells' U leave the hidden ring out;
#   3. the bound = the largest over the cells of
#      max(0, depth_short - depth_long) + sqrt(U_short^2 + U_long^2),
#      rounded up to 0.01 um.
#
# Each sweep uses a copy of the fixture beside it (relative paths stay
# right; removed on exit) whose [laser] exposure_us is that sweep's
# shutter: the sensor's shutter, read back when the laser is opened, must
# match it, or the sweep refuses (the rig cannot set the shutter). On a
# real bench the script asks the operator to set the sensor's shutter
# before each sweep and waits for Enter (--yes: it is set already); on the
# virtual bench (a fixture with a [sim] section) it sets laser.exposure_us.
# A cell either sweep did not measure (status other than OK) gives no
# bound: the script says which and exits 65. Nothing is written to the
# fixture: the operator enters the printed keys (fixture_commit's history
# and the records ledger keep who changed it).
#
# Installed as /usr/share/rig/pad-ring-bound.sh (make install: DATADIR/rig).
# The fixture by default is rig's: $RIG_FIXTURE, else fixtures/sim.ini
# under the current folder, else SYSCONFDIR/rig/fixtures/default.ini, else
# SYSCONFDIR/rig/fixtures/sim.ini. The sweeps' copies go beside it, so its
# folder must be writable by whoever runs this (the package makes
# /etc/rig/fixtures writable for group rig).
#
# Usage: pad-ring-bound.sh --depths LIST --freqs LIST [--fixture F]
#          [--exposure-us US] [--short-us US] [--window-s S] [--repeats N]
#          [--out DIR] [--sim KEY=VALUE]... [--rig PATH] [--yes]
# Exit: 0 the bound printed; 64 usage; 65 a cell not measured; otherwise
# rig sweep's exit code.
set -u

usage() {
  sed -n '2,/^# rig sweep.s exit code/s/^# \{0,1\}//p' "$0"
  exit "${1:-64}"
}
die() { echo "pad-ring-bound: $*" >&2; exit 64; }

rig=${RIG_BIN:-rig}
sysconfdir=/etc
# rig's own default (rig/core/paths.c); make install sets sysconfdir.
fixture=${RIG_FIXTURE:-}
for f in fixtures/sim.ini "$sysconfdir/rig/fixtures/default.ini" "$sysconfdir/rig/fixtures/sim.ini"; do
  [ -n "$fixture" ] && break
  [ -e "$f" ] && fixture=$f
done
[ -n "$fixture" ] || fixture=fixtures/sim.ini
depths='' freqs='' prod='' short=20 window=2 repeats=1 out=reports yes=0
sims=''
while [ $# -gt 0 ]; do
  case $1 in
    --depths) depths=${2:-}; shift ;;
    --freqs) freqs=${2:-}; shift ;;
    --fixture) fixture=${2:-}; shift ;;
    --exposure-us) prod=${2:-}; shift ;;
    --short-us) short=${2:-}; shift ;;
    --window-s) window=${2:-}; shift ;;
    --repeats) repeats=${2:-}; shift ;;
    --out) out=${2:-}; shift ;;
    --sim) [ -n "${2:-}" ] || die "--sim: expected KEY=VALUE"
           case $2 in laser.exposure_us=*) die "--sim laser.exposure_us: set by --short-us and --exposure-us" ;; esac
           sims="$sims --sim $2"; shift ;;
    --rig) rig=${2:-}; shift ;;
    --yes) yes=1 ;;
    -h|--help) usage 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
{ [ -n "$depths" ] && [ -n "$freqs" ]; } || die "expected --depths and --freqs (the profile's grid)"
[ -r "$fixture" ] || die "cannot read the fixture $fixture"

# The fixture's [laser] value of KEY ("" when not given).
laser_key() {
  awk -v k="$1" '
    /^[ \t]*\[/ { s = $0; gsub(/[ \t]/, "", s); inlaser = (s == "[laser]"); next }
    inlaser { l = $0; sub(/[;#].*/, "", l)
              if (match(l, "^[ \t]*" k "[ \t]*=")) { v = substr(l, RLENGTH + 1); gsub(/[ \t]/, "", v); print v; exit } }
  ' "$fixture"
}
number() { awk -v v="$1" 'BEGIN { exit !(v ~ /^[0-9]+([.][0-9]+)?$/ && v + 0 > 0) }'; }

[ -n "$prod" ] || prod=$(laser_key exposure_us)
number "${prod:-x}" || die "expected --exposure-us (the production shutter, us): the fixture gives none ('${prod}')"
number "$short" || die "--short-us: expected a shutter time in us, found '$short'"
awk -v s="$short" -v p="$prod" 'BEGIN { exit !(s + 0 < p + 0) }' ||
  die "--short-us $short: expected a shorter shutter than the production one ($prod us)"
sim=0
grep -q '^[ \t]*\[sim\]' "$fixture" && sim=1

dir=$(dirname "$fixture")
copy_s="$dir/.pad-ring-$$-short.ini"
copy_l="$dir/.pad-ring-$$-long.ini"
log=$(mktemp) || exit 70
trap 'rm -f "$copy_s" "$copy_l" "$log"' EXIT
trap 'exit 130' INT TERM
today=$(date -u +%Y-%m-%d)

# A copy of the fixture whose [laser] section has exposure_us = $1 and no
# ring keys, then the lines in $3 (may be empty), written to $2.
fixture_at() {
  awk -v e="$1" -v extra="$3" '
    /^[ \t]*\[/ { s = $0; gsub(/[ \t]/, "", s); inlaser = (s == "[laser]")
                  print; if (inlaser) { print "exposure_us = " e; if (extra != "") print extra }; next }
    inlaser && /^[ \t]*(exposure_us|ring_max_um|ring_date|ring_exposure_us)[ \t]*=/ { next }
    { print }
  ' "$fixture" >"$2" || die "cannot write $2 (the fixture's folder must be writable)"
}
fixture_at "$short" "$copy_s" ""
fixture_at "$prod" "$copy_l" "ring_max_um = 0.1
ring_date = $today
ring_exposure_us = $prod"

# sweep NAME SHUTTER FIXTURE: the CSV's path on stdout.
sweep() {
  if [ "$sim" = 1 ]; then
    extra="--sim laser.exposure_us=$2"
  else
    extra=''
    if [ "$yes" = 0 ]; then
      printf 'pad-ring-bound: set the sensor'\''s shutter to %s us (the %s sweep), then press Enter: ' "$2" "$1" >&2
      read -r _ || exit 64
    fi
  fi
  echo "pad-ring-bound: the $1 sweep at $2 us" >&2
  # shellcheck disable=SC2086
  "$rig" sweep --fixture "$3" --depths "$depths" --freqs "$freqs" --repeats "$repeats" \
    --window-s "$window" --out "$out" $sims $extra >"$log"
  rc=$?
  # its last line: "DONE <rows> rows <csv> (<s> s of bench time)"
  csv=$(tail -n 1 "$log" | sed -n 's/^DONE [0-9]* rows \(.*\) ([0-9.]* s of bench time)$/\1/p')
  if [ $rc -ne 0 ] || [ ! -r "$csv" ]; then
    echo "pad-ring-bound: the $1 sweep failed (rig sweep exit $rc)" >&2
    exit $(( rc ? rc : 70 ))
  fi
  echo "$csv"
}
csv_s=$(sweep short "$short" "$copy_s") || exit $?
csv_l=$(sweep production "$prod" "$copy_l") || exit $?

# Join the two CSVs on depth_cmd_um, freq_cmd_hz, repeat, preload_cmd_n.
awk -F, -v S="$csv_s" -v L="$csv_l" -v es="$short" -v el="$prod" -v day="$today" '
  function col(h, name,   i) { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); if (h == name) return i } return 0 }
  function key() { return $c_d "," $c_f "," $c_r "," $c_p }
  FNR == 1 { c_d = col(0, "depth_cmd_um"); c_f = col(0, "freq_cmd_hz"); c_r = col(0, "repeat")
             c_p = col(0, "preload_cmd_n"); c_m = col(0, "depth_mean_um")
             c_u = col(0, "depth_uncertainty_um"); c_s = col(0, "status"); next }
  { st = $c_s; gsub(/"/, "", st) }
  FILENAME == S { n++; ks[n] = key(); sd[key()] = $c_m; su[key()] = $c_u; ss[key()] = st; next }
  { ld[key()] = $c_m; lu[key()] = $c_u; ls[key()] = st }
  END {
    if (!n) { print "pad-ring-bound: no cells in " S > "/dev/stderr"; exit 65 }
    best = -1
    printf "%10s %8s %3s %12s %8s %12s %8s %8s\n", "depth_um", "freq_hz", "rep",
           "short_um", "U", "long_um", "U", "bound" 
    for (i = 1; i <= n; i++) {
      k = ks[i]; split(k, p, ",")
      if (ss[k] != "OK" || !(k in ls) || ls[k] != "OK" || sd[k] == "" || ld[k] == "") {
        printf "pad-ring-bound: %s um at %s Hz (repeat %s) not measured (short: %s, production: %s): no bound\n",
               p[1], p[2], p[3], ss[k], (k in ls) ? ls[k] : "missing" > "/dev/stderr"
        bad = 1; continue
      }
      d = sd[k] - ld[k]; if (d < 0) d = 0
      b = d + sqrt(su[k] * su[k] + lu[k] * lu[k])
      printf "%10s %8s %3s %12.3f %8.3f %12.3f %8.3f %8.3f\n", p[1], p[2], p[3], sd[k], su[k], ld[k], lu[k], b
      if (b > best) { best = b; at = p[1] " um at " p[2] " Hz" }
    }
    if (bad) exit 65
    up = int(best * 100); if (up < best * 100) up++
    if (up < 10) up = 10
    printf "pad ring bound: %.2f um (largest over %d cells, %s); short sweep %s, production sweep %s\n", up / 100, n, at, S, L
    printf "enter in the fixture'"'"'s [laser] section:\nring_max_um = %.2f\nring_date = %s\nring_exposure_us = %s\n", up / 100, day, el
  }
' "$csv_s" "$csv_l"
