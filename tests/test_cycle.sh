#!/bin/sh
# test_cycle.sh - bench time (issue 19): every phase's bench time is in the
# report, `rig run --dry-run` (the profile's estimate, no bench) matches
# what the virtual bench measures within 10 %, in total and for the
# calibrate and verify phases, for each shipped profile and mode, and the
# production profile takes at most 12 s.
# Needs python3 (reads the reports' CSV); fails without it.
. "$(dirname "$0")/lib.sh"
needs python3
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"
FX="$tmp/sim.ini"

# compare NAME PROFILE [MODE]: one run against its dry run.
compare() {
  name=$1 prof=$2 mode=${3:-}
  set --
  [ -n "$mode" ] && set -- --mode "$mode"
  if ! $RUNNER "$RIG" run --dry-run --fixture "$FX" --profile "$prof" "$@" >"$tmp/$name.dry" 2>"$tmp/err"; then
    bad "$name: rig run --dry-run failed: $(cat "$tmp/err")"
    return
  fi
  # --dry-run opens no bench: no lock file, no report folder.
  [ ! -e "$tmp/$name" ] || bad "$name: --dry-run wrote something"
  $RUNNER "$RIG" run --fixture "$FX" --profile "$prof" "$@" --out "$tmp/$name" \
    >"$tmp/$name.out" 2>"$tmp/err"
  # Every point measured: PASS, or FAIL by judgement (an uncalibrated pen
  # verified), not ABORTED.
  rep=$(ls "$tmp/$name"/2*_PASS.csv "$tmp/$name"/2*_FAIL.csv 2>/dev/null | head -1)
  if [ -z "$rep" ]; then
    bad "$name: the run was not judged: $(tail -2 "$tmp/$name.out") $(tail -2 "$tmp/err")"
    return
  fi
  if out=$(python3 - "$rep" "$tmp/$name.dry" "$mode" <<'PY'
import csv, sys, re
rep, dry, mode = sys.argv[1], sys.argv[2], sys.argv[3]
measured = {}
for row in csv.DictReader(open(rep, newline='')):
    if row['quantity'] == 'bench_time':
        measured[row['phase']] = float(row['measured_full'])
est = {}
for line in open(dry):
    m = re.match(r'\s+(\w+)\s+([0-9.]+) s', line)
    if m:
        est[m.group(1)] = float(m.group(2))
phases = ['identify', 'preload', 'verify', 'report'] + (['calibrate'] if 'calibrate' in est else [])
if mode == 'verify' and 'calibrate' in est:
    print('--dry-run --mode verify counts a calibration'); sys.exit(1)
missing = [p for p in phases if p not in measured]
if missing:
    print('no bench_time row for ' + ', '.join(missing)); sys.exit(1)
total = sum(measured.values())
bad = []
for p in ['calibrate', 'verify']:
    if p in phases and abs(est[p] - measured[p]) > 0.1 * measured[p]:
        bad.append('%s: estimate %.2f s, measured %.2f s' % (p, est[p], measured[p]))
if abs(est['total'] - total) > 0.1 * total:
    bad.append('total: estimate %.2f s, measured %.2f s' % (est['total'], total))
print('; '.join(bad) if bad else 'estimate %.2f s, measured %.2f s (%s)' % (
    est['total'], total, ', '.join('%s %.2f' % (p, measured[p]) for p in phases)))
sys.exit(1 if bad else 0)
PY
  ); then
    ok "$name: $out"
  else
    bad "$name: $out"
  fi
  # The last line quotes the same bench time as the rows add up to.
  grep -q "s of bench time)$" "$tmp/$name.out" || bad "$name: no bench time on the last line"
}

compare production "$root/profiles/production-p25.ini"
# Issue 19: a production unit in at most 12 s of bench time.
secs=$(sed -n 's/.*(\([0-9.]*\) s of bench time)$/\1/p' "$tmp/production.out")
if [ -n "$secs" ] && python3 -c "import sys; sys.exit(0 if float('$secs') <= 12 else 1)"; then
  ok "production: $secs s of bench time (at most 12 s)"
else
  bad "production: '$secs' s of bench time, more than 12 s"
fi
compare production-verify "$root/profiles/production-p25.ini" verify
compare audit "$root/profiles/audit-p25.ini"

# The fixture's zero target ([io] zero_target_line) is read once a run:
# its travel counts in the estimate (a slow 1.5 s actuator: the estimate
# was 2.8 s short, 23 %, when --dry-run read no fixture).
sed 's/^\[io\]$/[io]\nzero_target_ms = 1500/' "$tmp/sim.ini" >"$tmp/slow_target.ini"
grep -q '^zero_target_ms = 1500' "$tmp/slow_target.ini" || bad "no [io] section in fixtures/sim.ini"
FX="$tmp/slow_target.ini"
compare slow-target "$root/profiles/production-p25.ini"
grep -q '^  (the zero target, 1500 ms of travel each way, adds 2\.85 s to calibrate)$' \
  "$tmp/slow-target.dry" && ok "--dry-run names the zero target's part" \
  || bad "--dry-run: $(tail -1 "$tmp/slow-target.dry")"
FX="$tmp/sim.ini"

# A profile that cannot calibrate: --dry-run --mode calibrate is refused (65).
$RUNNER "$RIG" run --dry-run --profile "$root/profiles/audit-p25.ini" --mode calibrate \
  >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 65 ] && ok "--dry-run --mode calibrate of a verify-only profile: 65" \
  || bad "--dry-run --mode calibrate of a verify-only profile: exit $rc: $(cat "$tmp/err")"

finish
