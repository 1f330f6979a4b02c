#!/bin/sh
# test_check.sh - a bench that qualifies itself (issue 18): rig check on the
# virtual golden pen passes; a fixture with [check] interval_h refuses to
# judge product before a check and after a failed one (exit 78); a check
# with the laser zero moved by 30 um is ABORTED (exit 2) and lists exactly the
# units judged since the last check that passed, as rig impact does from
# the index, and marks them "to be assessed" in the ledger and the results
# index (rig history shows it); a good check opens the bench again.
. "$(dirname "$0")/lib.sh"
expect() { # expect WHAT WANT GOT
  [ "$2" = "$3" ] && ok "$1: exit $3" || bad "$1: exit $3, expected $2"
}
FX="$tmp/checked.ini"
cp "$root/fixtures/sim.ini" "$FX"
printf '\n[check]\nreference = %s/fixtures/reference-sim.ini\ninterval_h = 8\n' "$root" >>"$FX"
R="$RUNNER $RIG"
OUT="$tmp/reports"

$R run --fixture "$FX" --out "$OUT" >"$tmp/r0.out" 2>"$tmp/r0.err"; expect "a run before any check" 78 $?
grep -q 'no bench check of station SIM-01' "$tmp/r0.err" "$tmp/r0.out" && ok "it says no check is on record" \
  || bad "reason: $(cat "$tmp/r0.out")"

$R check --fixture "$FX" --out "$OUT" >"$tmp/c1.out" 2>"$tmp/c1.err"; expect "rig check on the golden pen" 0 $?
# Its progress on stderr is rig check's (before: "rig run: verify: ...").
grep -q '^rig check: verify: depth_check 500 um$' "$tmp/c1.err" && ! grep -q '^rig run' "$tmp/c1.err" \
  && ok "rig check's progress lines say rig check, not rig run" || bad "progress: $(head -3 "$tmp/c1.err")"
grep -q '^PASS GP-SIM-01 ' "$tmp/c1.out" && ok "the check's report names the artifact" || bad "check output: $(tail -2 "$tmp/c1.out")"
grep -q '"bench-check"' "$OUT"/summary.csv && ok "recorded in summary.csv as profile bench-check" || bad "summary.csv: $(cat "$OUT/summary.csv")"

$R run --fixture "$FX" --out "$OUT" --sim pen.serial=UNIT-A >/dev/null 2>&1; expect "unit A after a good check" 0 $?
$R run --fixture "$FX" --out "$OUT" --sim pen.serial=UNIT-B --sim pen.depth_gain=1.08 --mode verify \
  >/dev/null 2>&1; expect "unit B (too deep) after a good check" 1 $?

# The zero target (fixtures/sim.ini) finds the move before the first point:
# ABORTED, laser_zero (without a target the depths failed by En about -11).
$R check --fixture "$FX" --out "$OUT" --sim laser.zero_mm=5.03 >"$tmp/c2.out" 2>"$tmp/c2.err"
expect "rig check with the laser zero moved by 30 um" 2 $?
grep -q 'laser zero moved +30\.[0-9] um since rig zero' "$tmp/c2.out" \
  && ok "the zero target finds the 30 um move" || bad "zero moved: $(head -3 "$tmp/c2.out")"
grep -q '^2 units judged in 2 runs on SIM-01 since the last check that passed' "$tmp/c2.out" \
  && grep -q 'UNIT-A' "$tmp/c2.out" && grep -q 'UNIT-B' "$tmp/c2.out" \
  && ok "the impact lists exactly UNIT-A and UNIT-B" || bad "impact: $(cat "$tmp/c2.out")"
imp=$(ls "$OUT"/impact_*.csv 2>/dev/null | head -1)
[ -n "$imp" ] && [ "$(grep -c '"to be assessed"' "$imp")" -eq 2 ] && ok "impact CSV with 2 units to be assessed" \
  || bad "impact CSV: ${imp:-none}"

n=$($R audit "$OUT" --kind unit.to-assess --csv 2>/dev/null | grep -c 'UNIT-')
[ "$n" -eq 2 ] && ok "both units marked to be assessed in the ledger" || bad "ledger marks: $n"
$R verify "$OUT" >/dev/null 2>&1; expect "rig verify of the folder after the marks" 0 $?
$R history --out "$OUT" UNIT-A >"$tmp/h.out" 2>&1
grep -q ' PASS .*\[to be assessed\]' "$tmp/h.out" && ok "rig history: UNIT-A marked to be assessed" \
  || bad "history: $(cat "$tmp/h.out")"
$R history --out "$OUT" --csv UNIT-B >"$tmp/h.csv" 2>&1
head -1 "$tmp/h.csv" | grep -q '"run_id","assessment"' && grep -q '"to be assessed"' "$tmp/h.csv" \
  && ok "rig history --csv: an assessment column, UNIT-B to be assessed" || bad "history csv: $(cat "$tmp/h.csv")"
n=$(sqlite3 "$OUT/index.sqlite" "SELECT count(*) FROM assessments a JOIN runs r USING (run_id) WHERE a.state = 'to be assessed' AND r.pen_serial LIKE 'UNIT-%'")
[ "$n" = 2 ] && ok "the results index marks exactly the 2 units" || bad "index marks: $n"
$R index --rebuild "$OUT" >"$tmp/rebuild.out" 2>&1 || bad "rig index --rebuild: $(cat "$tmp/rebuild.out")"
n=$(sqlite3 "$OUT/index.sqlite" "SELECT count(*) FROM assessments a JOIN runs r USING (run_id)")
[ "$n" = 2 ] && ok "the marks survive rig index --rebuild (derived from the ledger)" || bad "after rebuild: $n"

$R run --fixture "$FX" --out "$OUT" --sim pen.serial=UNIT-C >"$tmp/r3.out" 2>&1; expect "a run after the failed check" 78 $?
grep -q 'bench check of SIM-01 failed at' "$tmp/r3.out" && ok "it says the check failed and when" || bad "reason: $(cat "$tmp/r3.out")"
# Its "What to do" says the pen was not tested and how the bench is set
# right (before: "has expired", then "Call an engineer; keep the pen aside",
# as if the pen were in question).
grep -q "^What to do: The bench's calibration or check is out of date or did not pass\. Call an engineer to set the bench right (the reason says how); this pen was not tested: test it once the bench is right\. \[bench_calibration, engineer\]$" "$tmp/r3.out" \
  && ok "the refusal's What to do: the bench set right, the pen not tested" || bad "What to do: $(grep 'What to do' "$tmp/r3.out")"

$R impact --bench SIM-01 --since-last-good-check --out "$OUT" --csv >"$tmp/impact.csv" 2>"$tmp/impact.err"
n=$(grep -c 'UNIT-' "$tmp/impact.csv"); c=$(grep -c 'GP-SIM-01\|UNIT-C' "$tmp/impact.csv")
[ "$n" -eq 2 ] && [ "$c" -eq 0 ] && ok "rig impact --since-last-good-check: the same 2 units, no check, not the refused one" \
  || bad "rig impact: $(cat "$tmp/impact.csv" "$tmp/impact.err")"

$R check --fixture "$FX" --out "$OUT" >/dev/null 2>&1; expect "rig check after the fix" 0 $?
$R run --fixture "$FX" --out "$OUT" --sim pen.serial=UNIT-D >/dev/null 2>&1; expect "a run after the good check" 0 $?
$R history --out "$OUT" UNIT-D >"$tmp/hd.out" 2>&1
grep -q 'to be assessed' "$tmp/hd.out" && bad "UNIT-D (after the good check) marked: $(cat "$tmp/hd.out")" \
  || ok "a unit judged after the good check is not marked"

# Linearity: a pen 2 % too deep is a bias growing 20 um per mm of depth.
$R check --fixture "$FX" --out "$tmp/lin" --sim pen.depth_gain=1.02 >/dev/null 2>&1
lin=$(grep -h '"depth_linearity"' "$tmp"/lin/*_FAIL.csv 2>/dev/null | tr -d '\r' | awk -F, '{print $(NF-1)}')
awk -v s="${lin:-0}" 'BEGIN { exit !(s > 17 && s < 23) }' && ok "linearity of a 2 % gain error: $lin um/mm" \
  || bad "linearity: '${lin}' (expected about 20 um/mm)"
# A check that does not pass puts the bench in question, not a pen: an
# engineer's, never the reject bin (its profile had no [disposition]:
# the line read "[out_of_tolerance, ]").
grep -q '"out_of_tolerance","engineer","Out of tolerance (verify depth at 500 um). Call an engineer; judge no product on this bench until a check passes."' \
  "$tmp"/lin/summary.csv && ok "a failed check: disposition engineer, the check's instruction" \
  || bad "failed check's disposition: $(cut -d, -f15- "$tmp"/lin/summary.csv)"

# The check re-reads the laser's zero as a run does (issue 13): a laser
# drifting 0.5 um/s moved it 3 um over the check, more than the bound of
# sqrt(3)/2 x the certificate's 2 um; before, the check PASSed (each point
# within its En) and opened the bench for 8 h.
$R check --fixture "$FX" --out "$tmp/drift" --sim laser.drift_um_per_s=0.5 >"$tmp/c6.out" 2>&1
expect "rig check with the laser drifting 0.5 um/s" 2 $?
grep -q 'laser zero moved +[0-9.]* um during the check.*rig zero, then rig check' "$tmp/c6.out" \
  && ok "it names the zero's move and what to do" || bad "drifting check: $(cat "$tmp/c6.out")"
n=$(grep -h '"zero_check"' "$tmp"/drift/*_ABORTED.csv 2>/dev/null | grep -c '"laser_zero')
[ "$n" -eq 4 ] && ok "its report has the target, start, end and shift rows of the zero check" \
  || bad "zero check rows: $n"
grep -q '"bench",1,"laser_zero","engineer","The laser.s zero moved. Call an engineer to re-zero the bench (rig zero); then run rig check again."' \
  "$tmp"/drift/summary.csv && ok "category bench, reason laser_zero, an engineer re-zeroes, then the check again" \
  || bad "summary: $(cat "$tmp"/drift/summary.csv)"

$R check --fixture "$FX" --out "$OUT" --sim pen.serial=SOMETHING-ELSE >"$tmp/c4.out" 2>&1; expect "a check on the wrong pen" 2 $?
grep -q "serial mismatch" "$tmp/c4.out" && ok "the wrong artifact is named" || bad "wrong pen: $(cat "$tmp/c4.out")"
grep -q '^What to do: Wrong pen or serial for this test. Check the reference artifact and its serial, then run rig check again. \[wrong_pen, retest\]$' \
  "$tmp/c4.out" && ok "the wrong artifact: check it, then the check again" || bad "wrong pen: $(grep 'What to do' "$tmp/c4.out")"
# The wrong artifact stops the check before it judged anything: it puts
# no unit in question (before: UNIT-D listed and marked "to be assessed"
# by a check that never looked at the bench), and the next run is refused
# as after an interrupted check, not a failed one.
grep -q '^The check was interrupted (wrong_pen) with no point failed: it puts no unit in question and marks none to be assessed\.' "$tmp/c4.out" \
  && ! grep -q 'judged in\|^written to' "$tmp/c4.out" && ok "the wrong artifact: no impact list, said why" \
  || bad "wrong artifact's impact: $(cat "$tmp/c4.out")"
n=$($R audit "$OUT" --kind unit.to-assess 2>/dev/null | grep -c 'UNIT-D')
[ "$n" -eq 0 ] && ok "UNIT-D not marked by the interrupted check" || bad "UNIT-D marks: $n"
$R run --fixture "$FX" --out "$OUT" --sim pen.serial=UNIT-H >"$tmp/r4.out" 2>&1; expect "a run after the interrupted check" 78 $?
grep -q 'the last bench check of SIM-01, at [0-9T:-]*Z (.*), was interrupted (wrong_pen): run rig check again' "$tmp/r4.out" \
  && ok "it says the check was interrupted, not failed" || bad "after interrupted: $(cat "$tmp/r4.out")"
$R check --fixture "$root/fixtures/sim.ini" --out "$OUT" >"$tmp/c5.out" 2>&1; expect "rig check without [check]" 78 $?

# A check gates the stroke engine as a profile does ([quality]'s defaults):
# depths checked at 160 Hz, where 4 kHz sampling leaves the top between
# sampled phases, are not measured. With the gates off they read U 36 um
# against the certificate's 2 um, and the check PASSed and opened the bench.
sed 's/^nominal_freq_hz = 120 /nominal_freq_hz = 160 /' "$root/fixtures/reference-sim.ini" >"$tmp/ref160.ini"
FX160="$tmp/checked160.ini"
cp "$root/fixtures/sim.ini" "$FX160"
printf '\n[check]\nreference = %s\n' "$tmp/ref160.ini" >>"$FX160"
$R check --fixture "$FX160" --out "$tmp/r160" >"$tmp/c7.out" 2>&1; expect "a check of depths at 160 Hz" 1 $?
n=$(grep -h '"depth_check","depth",' "$tmp"/r160/*_FAIL.csv 2>/dev/null | grep -c 'not measured: top between sampled phases')
[ "$n" -eq 3 ] && ok "its 3 depths are not measured (phase gap), none judged with U 36 um" \
  || bad "160 Hz depths: $(grep -h '"depth_check","depth",' "$tmp"/r160/*.csv | cut -d, -f17-30)"
grep -q '^What to do: A point could not be measured (verify depth at 500 um). Call an engineer; judge no product on this bench until a check passes. \[not_measured, engineer\]$' \
  "$tmp/c7.out" && ok "its 'What to do' line has a disposition" || bad "What to do: $(grep 'What to do' "$tmp/c7.out")"

# A check failing in a second whose impact list already exists (two checks
# within one second) keeps its own list beside it: the list of the next 60
# seconds is planted first. Before: "cannot write ...: File exists", no list.
mkdir -p "$tmp/same"
t=$(date -u +%s)
for k in $(seq 0 60); do
  echo planted >"$tmp/same/impact_$(date -u -d "@$((t + k))" +%Y%m%dT%H%M%SZ)_SIM-01.csv"
done
$R check --fixture "$FX" --out "$tmp/same" --sim laser.zero_mm=5.03 >"$tmp/s1.out" 2>&1
expect "a failing check in a second that has its impact list" 2 $?
new=$(sed -n 's/^written to \(.*impact_[0-9TZ]*_SIM-01-2\.csv\)$/\1/p' "$tmp/s1.out")
[ -n "$new" ] && [ -f "$new" ] && ! grep -q 'cannot write' "$tmp/s1.out" && [ "$(grep -l '^planted$' "$tmp"/same/impact_*.csv | wc -l)" -eq 61 ] \
  && ok "the second list of that second: its own file (-2), the first untouched" || bad "same second: $(cat "$tmp/s1.out")"

# A check judges the bench on a known-good artifact: out of tolerance is
# the bench's fault, category bench (it read unit before).
$R check --fixture "$FX" --out "$tmp/deep" --sim pen.depth_gain=1.08 >"$tmp/c8.out" 2>&1
expect "a check reading the reference 8 % deep" 1 $?
grep -q ',"FAIL","[^"]*","[^"]*",[0-9.]*,"bench",1,"out_of_tolerance","engineer",' "$tmp"/deep/summary.csv \
  && grep -q '"verdict","",.*"FAIL","bench",.*"out_of_tolerance"' "$tmp"/deep/*_FAIL.csv \
  && ok "out_of_tolerance on a check: category bench in summary.csv and the report" \
  || bad "deep check: $(tail -1 "$tmp"/deep/summary.csv)"

# rig check says the fixture's pad ring bound as it starts, with the
# exposure it was measured at and whether it is used at the sensor's (before:
# nothing unless not used, and only by rig run's line).
sed 's/^clock_ppm = 50 .*/&\nring_max_um = 2.46\nring_date = 2026-11-30\nring_exposure_us = 250/' "$FX" >"$tmp/ring.ini"
grep -q '^ring_max_um = 2.46$' "$tmp/ring.ini" || bad "fixtures/sim.ini has no clock_ppm line to put the bound after"
$R check --fixture "$tmp/ring.ini" --out "$tmp/ring" --sim laser.exposure_us=250 >"$tmp/c9.out" 2>&1
expect "a check with a pad ring bound at its exposure" 0 $?
grep -q "pad ring bound used: measured at the sensor's exposure of 250 us; 2.46 um of 2026-11-30, due 2026-12-30$" \
  "$tmp/c9.out" && ok "it says the bound, its exposure and that it is used" || bad "ring bound: $(head -5 "$tmp/c9.out")"
# A run stopped at identify, before the laser was read: its report says the
# bound was not used and the sensor's exposure is not known (before: "the
# sensor reported no exposure: characterize the pad at this exposure").
sed 's/^clock_ppm = 50 .*/&\nring_max_um = 2.46\nring_date = 2026-11-30\nring_exposure_us = 250/' "$root/fixtures/sim.ini" >"$tmp/ringrun.ini"
$R run --fixture "$tmp/ringrun.ini" --out "$tmp/ringrun" --sim fault.pen.silent=identify >/dev/null 2>&1
expect "a run with a ring bound stopped at identify" 2 $?
n=$(grep -h '"fixture","laser","ring_use"' "$tmp"/ringrun/*_ABORTED.csv 2>/dev/null | grep -c '"not used: measured at 250 us, the sensor.s exposure is not known"')
[ "$n" -eq 1 ] && ok "its ring_use: not used, the sensor's exposure not known" \
  || bad "ring_use: $(grep -h ring_use "$tmp"/ringrun/*.csv | cut -d, -f27-)"

# The impact list counts units, not runs (as rig stats and rig impact do):
# a retest is its unit's second run (its serial in lower case), and each
# run with no serial known ("unknown", " Unknown ") a unit of its own; a
# run ABORTED at identify judged nothing. Before: "4 units judged" for
# these 4 runs of 3 units, and neither the list nor its CSV said which
# runs were one unit's.
U="$tmp/units"
$R check --fixture "$FX" --out "$U" >/dev/null 2>&1; expect "a good check before the units" 0 $?
$R run --fixture "$FX" --out "$U" --sim pen.serial=UNIT-E --sim pen.depth_gain=1.08 --mode verify \
  >/dev/null 2>&1; expect "unit E fails" 1 $?
$R run --fixture "$FX" --out "$U" --sim pen.serial=unit-e >/dev/null 2>&1; expect "unit E's retest" 0 $?
$R run --fixture "$FX" --out "$U" --sim pen.serial=unknown >/dev/null 2>&1; expect "a pen with no serial known" 0 $?
$R run --fixture "$FX" --out "$U" --sim pen.serial=' Unknown ' >/dev/null 2>&1; expect "another" 0 $?
$R run --fixture "$FX" --out "$U" --sim fault.pen.silent=identify >/dev/null 2>&1; expect "a run aborted at identify" 2 $?
$R check --fixture "$FX" --out "$U" --sim laser.zero_mm=5.03 >"$tmp/u1.out" 2>&1; expect "the failing check" 2 $?
grep -q '^3 units judged in 4 runs on SIM-01 since the last check that passed (20[0-9T:-]*Z); every run is to be assessed:$' "$tmp/u1.out" \
  && grep -q "^  (1 retest: one unit's runs share its number; 2 runs with no serial known: each a unit of its own, not a retest)$" "$tmp/u1.out" \
  && ok "the impact: 3 units in 4 runs (1 retest, 2 with no serial known)" || bad "units: $(cat "$tmp/u1.out")"
grep -q '^  unit 1: [0-9T:-]*Z UNIT-E FAIL .*_UNIT-E_FAIL.csv$' "$tmp/u1.out" \
  && grep -q '^  unit 1: [0-9T:-]*Z unit-e PASS .*_unit-e_PASS.csv (retest)$' "$tmp/u1.out" \
  && grep -q '^  unit 2: [0-9T:-]*Z unknown PASS .* (no serial known)$' "$tmp/u1.out" \
  && grep -q '^  unit 3: [0-9T:-]*Z  Unknown  PASS .* (no serial known)$' "$tmp/u1.out" \
  && [ "$(grep -c '^  unit ' "$tmp/u1.out")" -eq 4 ] \
  && ok "each run with its unit: E's two runs unit 1, the unknowns 2 and 3" || bad "runs: $(cat "$tmp/u1.out")"
imp=$(sed -n 's/^written to //p' "$tmp/u1.out")
[ -n "$imp" ] && head -1 "$imp" | grep -q '^"station","serial","unit","timestamp","verdict"' \
  && [ "$(cut -d, -f3 "$imp" | tail -n +2 | tr -d '\r' | tr '\n' ' ')" = "1 1 2 3 " ] \
  && ok "the impact CSV's unit column: 1 1 2 3" || bad "impact CSV: $(cat "${imp:-/dev/null}")"
$R audit "$U" --kind unit.to-assess >"$tmp/u1.audit" 2>&1
grep -q "serial unit-e (a retest of UNIT-E), PASS at .*: judged on SIM-01 since the last check that passed (.*); the bench check at .* did not pass" "$tmp/u1.audit" \
  && [ "$(grep -c "no serial known ('unknown': a unit of its own)\|no serial known (' Unknown ': a unit of its own)" "$tmp/u1.audit")" -eq 2 ] \
  && ok "the ledger's marks say the retest and the runs with no serial known" || bad "marks: $(cat "$tmp/u1.audit")"
$R impact --bench SIM-01 --since-last-good-check --out "$U" >"$tmp/u1.imp" 2>&1
grep -q ': 3 unit(s) judged in 4 run(s),' "$tmp/u1.imp" && ok "rig impact counts the same 3 units in 4 runs" \
  || bad "rig impact: $(head -2 "$tmp/u1.imp")"
# A good check, then a failing one with nothing judged between: none to
# assess, said so (before: "0 units judged ... need assessing:").
$R check --fixture "$FX" --out "$U" >/dev/null 2>&1; expect "the bench fixed, a good check" 0 $?
$R check --fixture "$FX" --out "$U" --sim laser.zero_mm=5.03 >"$tmp/u2.out" 2>&1; expect "a failing check at once" 2 $?
grep -q '^No unit judged on SIM-01 since the last check that passed (20[0-9T:-]*Z): none to assess\.$' "$tmp/u2.out" \
  && ok "a failed check with no unit since the good one: none to assess" || bad "none: $(tail -3 "$tmp/u2.out")"
# A bench whose check never passed (no interval_h: runs are not refused):
# its list starts at its first run, and says so (before: "since the last
# check that passed", of which there was none).
FXN="$tmp/nointerval.ini"
cp "$root/fixtures/sim.ini" "$FXN"
printf '\n[check]\nreference = %s/fixtures/reference-sim.ini\n' "$root" >>"$FXN"
$R run --fixture "$FXN" --out "$tmp/never" --sim pen.serial=UNIT-F >/dev/null 2>&1; expect "a run on a bench never checked" 0 $?
$R check --fixture "$FXN" --out "$tmp/never" --sim laser.zero_mm=5.03 >"$tmp/u3.out" 2>&1; expect "its first check fails" 2 $?
grep -q '^1 unit judged in 1 run on SIM-01 since its first run on record (no check has passed); every run is to be assessed:$' "$tmp/u3.out" \
  && grep -q '^  unit 1: [0-9T:-]*Z UNIT-F PASS ' "$tmp/u3.out" \
  && ok "never passed: the list starts at the first run and says so" || bad "never passed: $(cat "$tmp/u3.out")"
# Judged after that failed check (this bench does not refuse them), then
# a check passes: no failed check's list has UNIT-J, so the passing check
# lists it (before: it was never listed nor marked). A pass after a pass
# lists nothing.
$R run --fixture "$FXN" --out "$tmp/never" --sim pen.serial=UNIT-J >/dev/null 2>&1; expect "a run after the failed check, not refused" 0 $?
$R check --fixture "$FXN" --out "$tmp/never" >"$tmp/u4.out" 2>&1; expect "the bench set right: a check passes" 0 $?
grep -q '^1 unit judged in 1 run on SIM-01 after its bench check at [0-9T:-]*Z did not pass; every run is to be assessed:$' "$tmp/u4.out" \
  && grep -q '^  unit 1: [0-9T:-]*Z UNIT-J PASS ' "$tmp/u4.out" && ! grep -q 'UNIT-F' "$tmp/u4.out" \
  && [ "$($R audit "$tmp/never" --kind unit.to-assess 2>/dev/null | grep -c 'serial UNIT-J, PASS at .* did not pass; the bench check at .* passed after them')" -eq 1 ] \
  && ok "the passing check lists and marks UNIT-J, judged after the failed one" || bad "after the failure: $(cat "$tmp/u4.out")"
$R check --fixture "$FXN" --out "$tmp/never" >"$tmp/u5.out" 2>&1; expect "another good check" 0 $?
grep -q 'judged\|^written to' "$tmp/u5.out" && bad "a pass after a pass listed: $(cat "$tmp/u5.out")" \
  || ok "a pass after a pass lists nothing"

# An e-stop that stops a check after a point failed (the pen 8 % deep):
# the bench is in question, its list is given; one that stops it before
# any point failed gives none.
E="$tmp/estop"
$R check --fixture "$FX" --out "$E" >/dev/null 2>&1; expect "a good check before the e-stops" 0 $?
$R run --fixture "$FX" --out "$E" --sim pen.serial=UNIT-G >/dev/null 2>&1; expect "unit G" 0 $?
$R check --fixture "$FX" --out "$E" --sim pen.depth_gain=1.08 --sim fault.estop=verify+2 >"$tmp/e1.out" 2>&1
expect "a check e-stopped after a failed point" 2 $?
rep=$(sed -n 's/^ABORTED GP-SIM-01 \(.*\.csv\) (.*/\1/p' "$tmp/e1.out")
[ -n "$rep" ] && grep -q '"depth_check","depth",.*"FAIL"' "$rep" || bad "no failed depth before the e-stop: $rep"
grep -q '^1 unit judged in 1 run on SIM-01 since the last check that passed' "$tmp/e1.out" \
  && grep -q '^  unit 1: [0-9T:-]*Z UNIT-G PASS ' "$tmp/e1.out" \
  && ok "e-stopped after a failed point: UNIT-G listed to assess" || bad "e-stop after a fail: $(cat "$tmp/e1.out")"
# It is recorded as the failed check it is: the failed point shown under
# the ABORTED line, the engineer's, and the next run is refused as after a
# failed check (before: the point not shown, disposition retest, "Run rig
# check once more", and the refusal said "was interrupted (safety): run rig
# check again" though UNIT-G was listed).
grep -q '^  also: verify depth at 500 um: En +[0-9.]*: measured ' "$tmp/e1.out" \
  && ok "the failed point under the ABORTED line" || bad "failed point: $(head -3 "$tmp/e1.out")"
grep -q '^What to do: The test was stopped by the e-stop or the lid (after verify depth at 500 um failed)\. Call an engineer; judge no product on this bench until a check passes\. \[safety, engineer\]$' "$tmp/e1.out" \
  && grep -q '"bench-check","[^"]*","ABORTED","verify: e-stop tripped",.*,"safety","engineer",' "$E/summary.csv" \
  && ok "the check e-stopped after a failed point: an engineer's, the point named" \
  || bad "its record: $(grep 'What to do' "$tmp/e1.out"; tail -1 "$E/summary.csv")"
$R run --fixture "$FX" --out "$E" --sim pen.serial=UNIT-K >"$tmp/e3.out" 2>&1
expect "a run after the check e-stopped after a failed point" 78 $?
grep -q 'bench check of SIM-01 failed at [0-9T:-]*Z ([^)]*_GP-SIM-01_ABORTED\.csv): fix the bench, pass rig check; assess units judged since 20[0-9T:-]*Z$' "$tmp/e3.out" \
  && ! grep -q 'interrupted' "$tmp/e3.out" && ok "the next run: refused after a failed check, not an interrupted one" \
  || bad "after e-stop after a fail: $(cat "$tmp/e3.out")"
$R check --fixture "$FX" --out "$E" --sim fault.estop=verify+1 >"$tmp/e2.out" 2>&1
expect "a check e-stopped before any point" 2 $?
grep -q '^The check was interrupted (safety) with no point failed' "$tmp/e2.out" && ! grep -q 'judged in' "$tmp/e2.out" \
  && ok "e-stopped before any point failed: no list" || bad "e-stop before: $(cat "$tmp/e2.out")"

# A check refused before it measured, by a fixture calibration's date (a
# real laser's zero 62 days old), found nothing wrong with the bench: it
# lists and marks no unit, and the next run is refused as after an
# interrupted check. Before: UNIT-Z listed "to be assessed" by a check of
# 0.0 s that never saw the artifact, and the refusal said "failed ...
# assess units".
X="$tmp/expired"
sed 's#^port = sim:laser#port = pty:/nonexistent/laser#; s#^zero_date = .*#zero_date = 2026-10-01#' "$FX" >"$tmp/expired.ini"
grep -q '^port = pty:/nonexistent/laser$' "$tmp/expired.ini" || bad "fixtures/sim.ini has no 'port = sim:laser' line"
$R check --fixture "$FX" --out "$X" >/dev/null 2>&1; expect "a good check before the expired one" 0 $?
$R run --fixture "$FX" --out "$X" --sim pen.serial=UNIT-Z >/dev/null 2>&1; expect "unit Z" 0 $?
$R check --fixture "$tmp/expired.ini" --out "$X" >"$tmp/x1.out" 2>&1; expect "a check with the laser zero expired" 78 $?
grep -q 'laser zero expired' "$tmp/x1.out" \
  && grep -q '^The check was refused before it measured (bench_calibration) with no point failed: it puts no unit in question and marks none to be assessed\. Renew the calibration as the reason says, then run rig check;' "$tmp/x1.out" \
  && ! grep -q 'judged in\|^written to' "$tmp/x1.out" \
  && [ "$($R audit "$X" --kind unit.to-assess 2>/dev/null | grep -c 'UNIT-Z')" -eq 0 ] \
  && ok "a check refused by an expired calibration: no unit listed nor marked" || bad "expired: $(cat "$tmp/x1.out")"
$R run --fixture "$FX" --out "$X" --sim pen.serial=UNIT-Y >"$tmp/x2.out" 2>&1; expect "a run after it" 78 $?
grep -q 'the last bench check of SIM-01, at [0-9T:-]*Z (.*), was interrupted (bench_calibration): run rig check again' "$tmp/x2.out" \
  && ok "the next run: refused as after an interrupted check" || bad "after expired: $(cat "$tmp/x2.out")"

finish
