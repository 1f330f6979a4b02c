#!/bin/sh
# test_report_columns.sh - reports of whole runs on the virtual bench checked
# column by column against their meaning (tests/report_check.py, written
# apart from the rig): an e-stop during verify, and a pen near its limit
# judged by the conformance rule (INDETERMINATE). Needs python3.
. "$(dirname "$0")/lib.sh"
needs python3 "make deps installs it"
export RIG_KEY=/nonexistent/station.key
# Its own copy of the fixture: its own bench lock, beside the other suites.
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"
FX="$tmp/sim.ini"
PROD="$root/profiles/production-p25.ini"

# scenario NAME EXPECTED_EXIT REPORT_DIR JUNIT PROFILE: the run's exit code,
# then every check of report_check.py's scenario NAME.
scenario() {
  name=$1 want=$2 dir=$3 junit=$4 prof=$5 code=$6
  [ "$code" -eq "$want" ] && ok "$name: exit $code" || bad "$name: exit $code, expected $want"
  rep=$(ls "$dir"/2*.csv 2>/dev/null | head -1)
  if [ -z "$rep" ]; then bad "$name: no report in $dir"; return; fi
  if out=$(python3 "$here/report_check.py" scenario "$name" "$rep" $junit $prof 2>&1); then
    echo "$out"
  else
    echo "$out"
    bad "$name: report_check.py found the report wrong"
  fi
}

# An e-stop 1 s into verify (of 2.9 s): ABORTED, category bench, exit 2.
$RUNNER "$RIG" run --fixture "$FX" --profile "$PROD" --out "$tmp/estop" \
  --sim fault.estop=verify+1 >"$tmp/estop.out" 2>&1
scenario estop 2 "$tmp/estop" "" "" $?

# A pen 100 um deep of every point (depths 500 and 1000 um, +/- 100 um), judged
# by the conformance rule at 95 %: measured on the limit, its probability of
# conformance between 5 and 95 %: INDETERMINATE, exit 3, never a PASS.
CONF="$root/tests/data/profiles/conformance-p25.ini"
IDEAL="--sim pen.depth_gain=1 --sim pen.depth_nonlinearity=0 --sim pen.warmup_drift_um=0 --sim pen.freq_gain=1 --sim pen.load_droop_per_n=0"
# shellcheck disable=SC2086
$RUNNER "$RIG" run --fixture "$FX" --profile "$CONF" --out "$tmp/ind" $IDEAL \
  --sim pen.depth_offset_um=100 >"$tmp/ind.out" 2>&1
scenario indeterminate 3 "$tmp/ind" "" "" $?
tail -1 "$tmp/ind.out" | grep -q '^INDETERMINATE MN3-000123 .*_INDETERMINATE.csv' \
  && ok "indeterminate: last line on stdout says INDETERMINATE" || bad "indeterminate: stdout: $(tail -1 "$tmp/ind.out")"
# rig stats: the depth points are judged and did not pass (yield 0).
$RUNNER "$RIG" stats --csv "$tmp"/ind/2*.csv >"$tmp/ind_stats.csv" 2>&1
if python3 - "$tmp/ind_stats.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["quantity"] == "depth"]
assert len(rows) == 2, rows
for r in rows:
    assert (r["n"], r["n_judged"], r["n_pass"], r["yield"]) == ("1", "1", "0", "0"), r
PY
then ok "indeterminate: rig stats counts the INDETERMINATE depths as judged, not passed"
else bad "indeterminate: rig stats: $(cat "$tmp/ind_stats.csv")"; fi
# The folder's results index and rig history.
$RUNNER "$RIG" history --out "$tmp/ind" MN3-000123 >"$tmp/ind_hist" 2>&1
grep -q ' INDETERMINATE  verify depth at 500 um' "$tmp/ind_hist" \
  && ok "indeterminate: rig history (results index) says INDETERMINATE" || bad "indeterminate: rig history: $(cat "$tmp/ind_hist")"
# The level decides: a pen 99 um deep, its probabilities of conformance
# between 60 and 95 %, is INDETERMINATE at the default 95 % and PASS at 60 %.
sed 's/^conformance_level_pct = 95/conformance_level_pct = 60/' "$CONF" >"$tmp/conf60.ini"
for level in 95 60; do
  prof="$CONF"; [ $level = 60 ] && prof="$tmp/conf60.ini"
  # shellcheck disable=SC2086
  $RUNNER "$RIG" run --fixture "$FX" --profile "$prof" --out "$tmp/l$level" $IDEAL \
    --sim pen.depth_offset_um=99 >"$tmp/l$level.out" 2>&1
  code=$?
  want=3; [ $level = 60 ] && want=0
  p5=$(python3 "$here/report_check.py" get "$tmp"/l$level/2*.csv verify depth_sweep depth conformance_probability 500 2>&1)
  p10=$(python3 "$here/report_check.py" get "$tmp"/l$level/2*.csv verify depth_sweep depth conformance_probability 1000 2>&1)
  if [ "$code" -eq $want ] && python3 -c "import sys; sys.exit(not all(0.60 <= float(p) < 0.95 for p in sys.argv[1:]))" "$p5" "$p10" 2>/dev/null; then
    ok "level $level %: probabilities $p5 and $p10: exit $code"
  else
    bad "level $level %: exit $code (expected $want), probabilities '$p5' '$p10': $(tail -2 "$tmp/l$level.out")"
  fi
done

exit $fail
