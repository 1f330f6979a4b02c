#!/bin/sh
# test_units.sh - units and attempts (issue 15): serials compared after
# normalising case and surrounding spaces, the profile's serial pattern
# refusing a scan before the pen runs (exit 64), and the `attempt` column
# of reports and summary.csv (1 for a serial's first test in the folder,
# 2 ... for retests), also after a journal is recovered.
. "$(dirname "$0")/lib.sh"
needs python3 "make deps installs it"
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"
prof="$root/profiles/production-p25.ini"
run() { # run OUT [options]: a production run on the virtual bench
  out=$1; shift
  $RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$prof" --out "$out" "$@"
}
# column NAME FILE: the values of a column of a CSV file, one per line
column() {
  python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[2], newline="")): print(r.get(sys.argv[1], "<none>"))' "$1" "$2"
}

# ---- serials: case and surrounding spaces ------------------------------
# The virtual pen reports MN3-000123.
run "$tmp/a" --serial '  mn3-000123 ' --sim seed=1 >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok "--serial '  mn3-000123 ' matches the pen's MN3-000123 (PASS)" \
  || bad "--serial '  mn3-000123 ': exit $rc: $(tail -2 "$tmp/out")"
run "$tmp/a" --serial 'MN3-000124' --sim seed=1 >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "serial mismatch" "$tmp/out" && ok "another serial is still a mismatch (exit 2)" \
  || bad "MN3-000124 against MN3-000123: exit $rc: $(tail -2 "$tmp/out")"

# ---- the profile's serial pattern ---------------------------------------
sed 's/^pen_model = .*/&\nserial_pattern = MN3-[0-9]{6}/' "$prof" >"$tmp/pattern.ini"
grep -q '^serial_pattern' "$tmp/pattern.ini" || bad "could not write the pattern profile"
$RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$tmp/pattern.ini" --out "$tmp/p" \
  --serial 'MN3-12' >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 64 ] && grep -q "'MN3-12' does not match MN3-\[0-9\]{6}, the serial_pattern of profile production-p25" "$tmp/out"; then
  ok "a scan the pattern refuses: exit 64 with the pattern named"
else
  bad "pattern refusal: exit $rc: $(cat "$tmp/out")"
fi
if [ ! -e "$tmp/p/summary.csv" ] && ! ls "$tmp"/p/*.csv >/dev/null 2>&1; then
  ok "refused before the pen runs: no report, no summary line"
else
  bad "a refused scan left files: $(ls "$tmp/p")"
fi
$RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$tmp/pattern.ini" --out "$tmp/p" \
  --serial ' mn3-000123' --sim seed=2 >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok "the pattern matches case-blind after trimming (' mn3-000123')" \
  || bad "' mn3-000123' against the pattern: exit $rc: $(tail -2 "$tmp/out")"
# Two sockets: a serial the pattern refuses stops both before any pen runs.
if [ -f "$root/fixtures/sim-2up.ini" ]; then
  cp "$root/fixtures/sim-2up.ini" "$tmp/sim-2up.ini"
  $RUNNER "$RIG" run --fixture "$tmp/sim-2up.ini" --profile "$tmp/pattern.ini" --out "$tmp/p2" \
    --serial MN3-000001 --serial MN3-2 >"$tmp/out" 2>&1; rc=$?
  if [ $rc -eq 64 ] && grep -q "'MN3-2' does not match" "$tmp/out" && [ ! -e "$tmp/p2/summary.csv" ]; then
    ok "two sockets: one serial the pattern refuses: exit 64, nothing run"
  else
    bad "two sockets with a refused serial: exit $rc: $(cat "$tmp/out")"
  fi
fi
sed 's/^pen_model = .*/&\nserial_pattern = MN3-([0-9/' "$prof" >"$tmp/badpat.ini"
line=$(grep -n '^serial_pattern' "$tmp/badpat.ini" | cut -d: -f1)
$RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$tmp/badpat.ini" --out "$tmp/p" >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 65 ] && grep -q "badpat.ini:$line: .*serial_pattern.*expected a POSIX extended regular expression" "$tmp/out"; then
  ok "a pattern that does not compile: exit 65 naming file:line"
else
  bad "bad pattern: exit $rc: $(cat "$tmp/out")"
fi

# ---- attempts -----------------------------------------------------------
# In folder b: MN3-000123 three times (FAIL, then PASS, then PASS again,
# typed differently each time), MN3-000777 once.
run "$tmp/b" --sim seed=3 --sim pen.depth_gain=1.5 --mode verify >/dev/null 2>&1
run "$tmp/b" --sim seed=4 --serial 'mn3-000123' >/dev/null 2>&1
run "$tmp/b" --sim seed=5 --sim pen.serial=MN3-000777 >/dev/null 2>&1
run "$tmp/b" --sim seed=6 --serial ' MN3-000123' >/dev/null 2>&1
got=$(column attempt "$tmp/b/summary.csv" | tr '\n' ' ')
[ "$got" = "1 2 1 3 " ] && ok "summary.csv attempt: 1 2 1 3 (MN3-000777 is its own unit)" \
  || bad "summary attempts: expected '1 2 1 3 ', found '$got'"
verdicts=$(column verdict "$tmp/b/summary.csv" | tr '\n' ' ')
[ "$verdicts" = "FAIL PASS PASS PASS " ] && ok "the first run failed, the retest passed" \
  || bad "verdicts: $verdicts"
# Every row of a report carries its run's attempt.
for f in "$tmp"/b/2*.csv; do
  a=$(column attempt "$f" | sort -u | tr '\n' ' ')
  id=$(column run_id "$f" | sort -u)
  want=$(python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["run_id"] == sys.argv[2]: print(r["attempt"])' "$tmp/b/summary.csv" "$id")
  [ "$a" = "$want " ] || bad "$(basename "$f"): rows say attempt '$a', summary $want"
done
ok "every report row carries the attempt its summary line has"

# ---- recovery keeps the attempt -----------------------------------------
# A journal of a run that died (the report of a finished run, minus its end
# rows, under a new run id) is published as ABORTED by the next run with
# the attempt it had; a journal from before the attempt column gets the
# attempt counted at recovery.
src=$(ls "$tmp"/b/2*.csv | head -1)
python3 - "$src" "$tmp/b" <<'EOF'
import csv, sys
src, d = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(src, newline="")))
head = rows[0]
body = [r for r in rows[1:] if r[head.index("step")] != "end"]
def journal(name, run_id, attempt, drop_attempt):
    ai = head.index("attempt")
    with open(f"{d}/{name}.journal", "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        h = [c for i, c in enumerate(head) if not (drop_attempt and i == ai)]
        w.writerow(h)
        for r in body:
            r = list(r)
            r[head.index("run_id")] = run_id
            r[ai] = attempt
            w.writerow([c for i, c in enumerate(r) if not (drop_attempt and i == ai)])
journal("11111111-1111-4111-8111-111111111111", "11111111-1111-4111-8111-111111111111", "7", False)
journal("22222222-2222-4222-8222-222222222222", "22222222-2222-4222-8222-222222222222", "", True)
EOF
run "$tmp/b" --sim seed=7 --sim pen.serial=MN3-000999 >"$tmp/out" 2>&1
ls "$tmp"/b/*.journal >/dev/null 2>&1 && bad "journals left after recovery"
a1=$(python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["run_id"].startswith(sys.argv[2]): print(r["attempt"], r["verdict"])' "$tmp/b/summary.csv" 11111111)
[ "$a1" = "7 ABORTED" ] && ok "a recovered journal keeps its attempt (7, ABORTED)" \
  || bad "recovered journal with attempt 7: summary says '$a1'"
# The journal without the column: MN3-000123 had 3 runs (and the
# recovered one with 7 is in the summary by now, whichever came first):
# its attempt is 1 + the serial's other runs in the summary then.
a2=$(python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["run_id"].startswith(sys.argv[2]): print(r["attempt"])' "$tmp/b/summary.csv" 22222222)
case "$a2" in
  4|5) ok "a journal from before the column gets its attempt counted at recovery ($a2)" ;;
  *) bad "journal without the attempt column: summary says '$a2' (expected 4 or 5)" ;;
esac
rep2=$(grep -l 22222222-2222 "$tmp"/b/2*.csv | head -1)
[ -n "$rep2" ] && [ "$(column attempt "$rep2" | sort -u)" = "$a2" ] \
  && ok "its report's rows carry the same attempt" || bad "recovered report $rep2: attempts $(column attempt "$rep2" | sort -u | tr '\n' ' ')"

finish
