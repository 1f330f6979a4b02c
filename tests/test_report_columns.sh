#!/bin/sh
# test_report_columns.sh - reports of whole runs on the virtual bench checked
# column by column against their meaning (tests/report_check.py, written
# apart from the rig): an e-stop during verify, and a pen near its limit
# judged by the conformance rule (INDETERMINATE). Needs python3.
set -u
RIG="${RIG_BIN:-build/rig}"
RUNNER="${RIG_RUNNER:-}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if ! command -v python3 >/dev/null 2>&1; then
  echo "test_report_columns: FAIL: python3 not found: this suite declares it as a dependency (make deps installs it)"
  exit 1
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
export RIG_KEY=/nonexistent/station.key
FX="$root/fixtures/sim.ini"
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

# An e-stop 2 s into verify: ABORTED, category bench, exit 2.
$RUNNER "$RIG" run --fixture "$FX" --profile "$PROD" --out "$tmp/estop" \
  --sim fault.estop=verify+2 >"$tmp/estop.out" 2>&1
scenario estop 2 "$tmp/estop" "" "" $?

exit $fail
