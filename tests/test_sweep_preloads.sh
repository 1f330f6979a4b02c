#!/bin/sh
# test_sweep_preloads.sh - depth under load (21 CFR 878.4430: "under
# anticipated conditions of use"; issue 18, item 5): rig sweep --preloads
# measures the grid at each pad preload, the load cell reading it; on the
# virtual bench, whose pen goes pen.depth_per_n deeper per newton, the
# measured depth follows the force; each preload is its own plot series.
set -u
RIG="${RIG_BIN:-build/rig}"
RUNNER="${RIG_RUNNER:-}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

$RUNNER "$RIG" sweep --fixture "$root/fixtures/sim.ini" --depths 1500 --freqs 120 \
  --preloads 1,3 --sim pen.depth_per_n=8 --sim pen.depth_sd_um=1 --plots --out "$tmp" \
  >"$tmp/out" 2>"$tmp/err" || bad "sweep --preloads: exit $?: $(tail -2 "$tmp/err")"
csv=$(ls "$tmp"/sweep_*.csv 2>/dev/null)
if [ -n "$csv" ]; then
  # rows: depth_mean_um (4), force_n (11), preload_cmd_n (20)
  r=$(awk -F, 'NR > 1 { sub(/\r$/, ""); d[NR] = $4; f[NR] = $11; p[NR] = $20 }
       END { printf "%s %s %s %s %s %s", p[2], f[2], d[2], p[3], f[3], d[3] }' "$csv")
  set -- $r
  echo "$1" "$2" "$4" "$5" | awk '{ exit !($1 == 1 && $3 == 3 && ($2 - 1)^2 < 0.01 && ($4 - 3)^2 < 0.01) }' \
    && ok "each row at its preload, read by the load cell ($2 N, $5 N)" || bad "preloads/forces: $r"
  # 2 N more at 8 um/N: 16 um deeper, within the two windows' U (about 2 um each)
  echo "$3" "$6" | awk '{ d = $2 - $1; exit !(d > 12 && d < 20) }' \
    && ok "depth follows the preload: $3 -> $6 um (+16 um expected)" || bad "depth under load: $3 -> $6"
else
  bad "no sweep CSV: $(cat "$tmp/err")"
fi
grep -q 'at 120 Hz, 3 N' "$tmp"/*_depth.svg 2>/dev/null && ok "each preload its own series in the plot" \
  || bad "plot series: $(grep -o 'at 120 Hz[^<]*' "$tmp"/*_depth.svg | head -3)"
$RUNNER "$RIG" sweep --fixture "$root/fixtures/sim.ini" --depths 1500 --freqs 120 --preloads 0x2 \
  >/dev/null 2>&1; rc=$?
[ $rc -eq 64 ] && ok "a bad preload list: exit 64" || bad "bad preload list: exit $rc"
[ $fail -eq 0 ] && echo "test_sweep_preloads: all passed" || echo "test_sweep_preloads: $fail failed"
[ $fail -eq 0 ]
