#!/bin/sh
# test_golden.sh - behaviour preserved: the outputs of representative
# commands (a production run, a verify FAIL, three fault-matrix rows, a
# sweep, an analysis of a capture, statistics over the reports) compared
# byte for byte with the files recorded in tests/golden/, after run ids,
# timestamps, version strings and temporary paths are masked.
#
#   sh tests/test_golden.sh           compare (a suite of make check)
#   sh tests/test_golden.sh --update  record the current outputs anew
#
# A change that means to change these outputs regenerates them with
# --update in the same commit and says why; a restructuring must not.
set -u
# The reports say how they are on the record: no station key here, ever
# (a key installed on this machine must not change the goldens).
export RIG_KEY=/nonexistent/station.key
RIG=${RIG_BIN:-build/rig}
RUNNER=${RIG_RUNNER:-}
GOLD=tests/golden
update=0
[ "${1:-}" = --update ] && update=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
out="$work/out"
mkdir -p "$out"
version=$($RUNNER "$RIG" --version | sed 's/^rig //')
# The virtual bench's calendar must not matter here: same fixture, same day.

# The repository's own folder (a worktree, CI's checkout) is masked too.
root=$(pwd)
# mask FILE: run ids, timestamps, the version, the work folder, the repository.
mask() {
  sed -e "s|$work|WORK|g" -e "s|$root|REPO|g" \
      -e 's/[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}/RUNID/g' \
      -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\(\.[0-9]*\)\{0,1\}Z/TIMESTAMP/g' \
      -e 's/[0-9]\{8\}T[0-9]\{6\}Z/STAMP/g' \
      -e "s/\"$version\"/\"VERSION\"/g" -e "s/value=\"$version\"/value=\"VERSION\"/g" \
      -e "s/rig $version/rig VERSION/g" \
      -e 's/ wall time [0-9.]* s//' "$1"
}

# case NAME CMD...: run CMD with the reports in $work/NAME, keep stdout,
# stderr, the exit code and every file it wrote, masked, in $out/NAME.*
case_() {
  name=$1; shift
  d="$work/$name"
  mkdir -p "$d"
  ( cd "$d" && "$@" ) > "$work/$name.stdout" 2> "$work/$name.stderr"
  echo "exit $?" > "$out/$name.exit"
  mask "$work/$name.stdout" > "$out/$name.stdout"
  mask "$work/$name.stderr" > "$out/$name.stderr"
  for f in $(cd "$d" && find . -type f ! -name '*.lock' ! -name '*.svg' ! -name 'index.sqlite*' ! -name 'ledger.*' | LC_ALL=C sort); do
    g=$(echo "$f" | sed -e 's|^\./||' -e 's|/|__|g' -e 's/[0-9]\{8\}T[0-9]\{6\}Z/STAMP/g' -e 's/[0-9a-f]\{8\}-[0-9a-f-]\{27\}/RUNID/g')
    mask "$d/$f" > "$out/$name.file.$g"
  done
}

src=$(pwd)
R="$src/$RIG"
[ -x "$R" ] || R="$RIG"
rig() { $RUNNER "$R" "$@"; }
FX="$src/fixtures/sim.ini"
PROF="$src/profiles/production-p25.ini"

case_ production rig run --fixture "$FX" --profile "$PROF" --out reports --junit junit.xml
case_ verify_fail rig run --fixture "$FX" --profile "$PROF" --mode verify --out reports \
  --junit junit.xml --sim pen.depth_gain=1.08
case_ fault_pen_silent rig run --fixture "$FX" --profile "$PROF" --out reports \
  --sim fault.pen.silent=calibrate
case_ fault_laser_unplug rig run --fixture "$FX" --profile "$PROF" --out reports \
  --sim fault.laser.unplug=verify
case_ fault_disk_full rig run --fixture "$FX" --profile "$PROF" --out reports \
  --sim fault.disk_full=report
case_ sweep rig sweep --fixture "$FX" --depths 500,1500 --freqs 80,120 --repeats 2 --out sweeps
case_ analyze rig analyze --format ild1420 --rate 4000 --zero-mm 5 --range-mm 10 \
  "$src/$GOLD/capture.ild1420"
case_ analyze_csv rig analyze --format ild1420 --rate 4000 --zero-mm 5 --range-mm 10 --csv \
  "$src/$GOLD/capture.ild1420"
# statistics over the reports of the runs above (not summary.csv)
reports=$(ls "$work"/production/reports/*_*.csv "$work"/verify_fail/reports/*_*.csv \
  "$work"/fault_*/reports/*_*.csv 2>/dev/null | grep -v summary.csv)
case_ stats rig stats --csv $reports

if [ $update = 1 ]; then
  rm -f "$GOLD"/*.exit "$GOLD"/*.stdout "$GOLD"/*.stderr "$GOLD"/*.file.*
  cp "$out"/* "$GOLD"/
  echo "test_golden: recorded $(ls "$out" | wc -l) files in $GOLD"
  exit 0
fi

fail=0; n=0
for f in "$GOLD"/*.exit "$GOLD"/*.stdout "$GOLD"/*.stderr "$GOLD"/*.file.*; do
  [ -e "$f" ] || continue
  n=$((n + 1)); b=$(basename "$f")
  if [ ! -e "$out/$b" ]; then echo "FAIL $b: not written any more"; fail=$((fail + 1)); continue; fi
  if ! cmp -s "$f" "$out/$b"; then
    echo "FAIL $b differs:"; diff "$f" "$out/$b" | head -20; fail=$((fail + 1))
  else
    echo "ok   $b"
  fi
done
for f in "$out"/*; do
  b=$(basename "$f")
  [ -e "$GOLD/$b" ] || { echo "FAIL $b: new output, not in $GOLD (record it with --update)"; fail=$((fail + 1)); }
done
if [ $n -eq 0 ]; then echo "test_golden: no golden files in $GOLD"; exit 1; fi
echo "test_golden: $((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
