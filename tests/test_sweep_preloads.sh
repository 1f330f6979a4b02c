#!/bin/sh
# test_sweep_preloads.sh - depth under load (21 CFR 878.4430: "under
# anticipated conditions of use"; issue 18, item 5): rig sweep --preloads
# measures the grid at each pad preload, the load cell reading it; on the
# virtual bench, whose pen goes pen.depth_per_n deeper per newton, the
# measured depth follows the force; each preload is its own plot series.
# A profile may verify at several preloads ([verify] preloads_n): every
# point at each, the force read back and on the report, the rows named
# apart, a failure naming the preload.
. "$(dirname "$0")/lib.sh"

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

# A profile that verifies at 1 and 3 N.
P="$tmp/under-load.ini"
sed 's/^preload_timeout_ms = .*/&\npreloads_n = 1, 3/' "$root/tests/data/profiles/quick-p25.ini" > "$P"
$RUNNER "$RIG" run --fixture "$root/fixtures/sim.ini" --profile "$P" --out "$tmp/run" \
  --sim pen.depth_per_n=8 --sim pen.depth_sd_um=1 >"$tmp/run.out" 2>"$tmp/run.err"; rc=$?
rep=$(ls "$tmp"/run/2*.csv 2>/dev/null | head -1)
if [ $rc = 0 ] && [ -n "$rep" ]; then
  # phase (8), step (9), quantity (10), commanded (12), measured (13): by name
  rows() { awk -F, -v want="$1" 'NR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); c[$i] = i }; next }
    { for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
      if ($c["phase"] == "verify" && $c["step"] ~ want) print $c["step"], $c["quantity"], $c["commanded"], $c["measured"] }' "$rep"; }
  n1=$(rows '@1N$' | grep -cv '^zero_check'); n3=$(rows '@3N$' | grep -cv '^zero_check')
  nplain=$(rows '^(depth|freq)_sweep$' | wc -l)
  # and the zero check's rows (start, end, shift) at each preload
  nz=$(rows '^zero_check@[13]N$' | wc -l)
  [ "$nz" = 6 ] && ok "the laser zero checked at each preload: $nz rows" \
    || bad "zero check rows at the preloads: $nz (expected 6)"
  # per preload: its row, 2 depth points x (invalid, depth, spread), 1 rate x (invalid, rate)
  [ "$n1" = 9 ] && [ "$n3" = 9 ] && [ "$nplain" = 0 ] \
    && ok "every verify point at each preload: $n1 rows @1N, $n3 @3N, none unnamed" \
    || bad "rows: @1N $n1, @3N $n3, plain $nplain"
  f=$(rows '^preload@' | awk '{ printf "%s=%s ", $3, $4 }')
  echo "$f" | awk '{ split($1, a, "="); split($2, b, "="); exit !(a[1] == 1 && b[1] == 3 && (a[2] - 1)^2 < 0.01 && (b[2] - 3)^2 < 0.01) }' \
    && ok "each preload asked and read back on the report: $f" || bad "preload rows: $f"
  d1=$(rows '^depth_sweep@1N$' | awk '$2 == "depth" && $3 == 500 { print $4 }')
  d3=$(rows '^depth_sweep@3N$' | awk '$2 == "depth" && $3 == 500 { print $4 }')
  echo "$d1" "$d3" | awk '{ d = $2 - $1; exit !(d > 12 && d < 20) }' \
    && ok "depth at 500 um under 1 N and 3 N: $d1 -> $d3 um (+16 um expected)" || bad "depth under load: '$d1' -> '$d3'"
else
  bad "rig run at two preloads: exit $rc: $(tail -3 "$tmp/run.err")"
fi
$RUNNER "$RIG" run --fixture "$root/fixtures/sim.ini" --profile "$P" --out "$tmp/run2" \
  --sim pen.depth_per_n=150 >"$tmp/run2.out" 2>"$tmp/run2.err"; rc=$?
[ $rc = 1 ] && grep -q 'FAIL: verify depth at [0-9]* um under 1 N' "$tmp/run2.out" \
  && ok "a pen too soft under load fails, naming the preload: $(grep -m1 '^FAIL' "$tmp/run2.out")" \
  || bad "soft pen: exit $rc: $(head -3 "$tmp/run2.out")"
# The zero target is read before anything is calibrated, also when each
# preload's verify points are bracketed by zero readings of their own: a
# zero moved 30 um since rig zero writes no table.
$RUNNER "$RIG" run --fixture "$root/fixtures/sim.ini" --profile "$P" --out "$tmp/run4" \
  --sim laser.zero_mm=5.03 >"$tmp/run4.out" 2>&1; rc=$?
rep=$(ls "$tmp"/run4/2*_ABORTED.csv 2>/dev/null | head -1)
[ $rc = 2 ] && [ -n "$rep" ] && [ "$(grep -c '"WRITTEN"' "$rep")" = 0 ] \
  && grep -q '"calibrate","zero_check","laser_zero_target"' "$rep" \
  && ok "with preloads_n a zero moved since rig zero is refused before the calibration writes a table" \
  || bad "preloads and the zero target: exit $rc, $(grep -c '"WRITTEN"' "$rep" 2>/dev/null) rows written: $(tail -2 "$tmp/run4.out")"
sed 's/^preload_timeout_ms = .*/&\npreloads_n = 3, 1/' "$root/tests/data/profiles/quick-p25.ini" > "$tmp/bad.ini"
$RUNNER "$RIG" run --fixture "$root/fixtures/sim.ini" --profile "$tmp/bad.ini" --out "$tmp/run3" >"$tmp/run3.out" 2>&1; rc=$?
[ $rc = 65 ] && grep -q 'bad.ini:[0-9]*: .*preloads_n' "$tmp/run3.out" && ok "preloads out of order: exit 65 naming file and line" \
  || bad "bad preloads_n: exit $rc: $(cat "$tmp/run3.out")"
finish
