#!/bin/sh
# test_stats.sh - `rig stats` against an independent computation
# (tests/stats_check.py, Python's statistics module) on reports of real runs
# on the virtual bench (passing and failing, two profiles), by group, and its
# trend flags on synthetic reports. Needs python3; fails without it.
. "$(dirname "$0")/lib.sh"
needs python3 "make deps installs it"
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"

# Five production runs and six audit runs of pens of different gains (the
# audit runs do not calibrate, so the later ones fail).
for i in 1 2 3 4 5; do
  $RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$root/profiles/production-p25.ini" \
    --out "$tmp/rep" --sim seed=$i --sim pen.depth_gain=1.0$i >/dev/null 2>&1
done
for i in 0 1 2 3 4 5; do
  $RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$root/profiles/audit-p25.ini" --mode verify \
    --out "$tmp/rep" --sim seed=1$i --sim pen.depth_gain=1.0$i --sim pen.depth_offset_um=0 >/dev/null 2>&1
done
nrep=$(ls "$tmp"/rep/2*.csv | wc -l)
[ "$nrep" -eq 11 ] && ok "11 reports written" || bad "expected 11 reports, found $nrep"
grep -l '"FAIL"' "$tmp"/rep/2*.csv >/dev/null && ok "some reports fail" || bad "no failing report: yield is not tested"

for by in none profile day; do
  opt=""; [ "$by" != none ] && opt="--by $by"
  # shellcheck disable=SC2086
  if $RUNNER "$RIG" stats --csv $opt "$tmp"/rep/2*.csv >"$tmp/stats_$by.csv" 2>"$tmp/err"; then
    if out=$(python3 "$here/stats_check.py" compare "$tmp/stats_$by.csv" "$by" "$tmp"/rep/2*.csv); then
      ok "stats --csv ${opt:-(no --by)} matches Python: $out"
    else
      bad "stats --csv ${opt:-(no --by)}: $out"
    fi
  else
    bad "rig stats $opt: $(cat "$tmp/err")"
  fi
done

head -1 "$tmp/stats_none.csv" | grep -q '^"phase","step","quantity",.*"n","mean","std",.*"cp","cpk",.*"yield"' \
  && ok "CSV header has phase,step,quantity,n,mean,std,cp,cpk,yield" || bad "CSV header: $(head -1 "$tmp/stats_none.csv")"

mkdir "$tmp/trend"
python3 "$here/stats_check.py" make-trend "$tmp/trend"
$RUNNER "$RIG" stats "$tmp"/trend/r*.csv >"$tmp/trend.txt" 2>&1
if grep -A1 'depth *1000 um' "$tmp/trend.txt" | grep -q 'trend: 7 points in a row rising, up to SN10 attempt 1$'; then
  ok "seven rising points flagged, naming the unit"
else
  bad "rising run not flagged: $(cat "$tmp/trend.txt")"
fi
if grep -A2 'depth *500 um' "$tmp/trend.txt" | grep -q '1 point(s) beyond 3 std'; then
  ok "point beyond 3 sigma flagged"
else
  bad "outlier not flagged: $(cat "$tmp/trend.txt")"
fi
if grep -A2 'depth *500 um' "$tmp/trend.txt" | grep -q 'trend'; then
  bad "a trend flagged where there is none"
else
  ok "no trend flagged in the quiet characteristic"
fi
$RUNNER "$RIG" stats "$tmp/sim.ini" >/dev/null 2>&1; rc=$?
[ $rc -eq 65 ] && ok "a file that is not a report: exit 65" || bad "not a report: exit $rc"
$RUNNER "$RIG" stats --by week "$tmp"/trend/r01.csv >/dev/null 2>&1; rc=$?
[ $rc -eq 64 ] && ok "--by week: exit 64" || bad "--by week: exit $rc"

finish
