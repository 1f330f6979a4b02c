#!/bin/sh
# test_stats_lot.sh - `rig stats` on a lot of 20 runs with retests on the
# virtual bench, read as a folder beside files that are not run reports,
# against an independent computation (tests/lot_check.py, Python's
# statistics module): n, mean, std, Cp and Cpk against the specification,
# units, first-pass and final yield; the lot yield with and without a lot
# column, the failure Pareto, trend flags naming the unit; runs with no
# serial known in rig stats, rig history and rig impact. Needs python3.
. "$(dirname "$0")/lib.sh"
needs python3 "make deps installs it"
export RIG_KEY=/nonexistent/station.key
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"
PROD="$root/profiles/production-p25.ini"
lot="$tmp/lot"
# unit SERIAL SEED KIND: one run of the unit; KIND pass (production),
# fail (verify only, a pen 50 % deep: FAIL) or estop (ABORTED in verify).
unit() {
  case $3 in
    pass) extra="" ;;
    fail) extra="--mode verify --sim pen.depth_gain=1.5" ;;
    estop) extra="--sim fault.estop=verify+1" ;;
  esac
  # shellcheck disable=SC2086
  $RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$PROD" --out "$lot" \
    --sim seed="$2" --sim pen.serial="$1" $extra >/dev/null 2>&1
}
# 16 units, 20 runs: 12 pass at once; L13, L14 fail then pass (L14's
# retest scanned in lower case); L15 fails twice; L16 is aborted by an
# e-stop, then passes (its first judged run passed: a first pass).
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do unit "MN3-1000$i" "$i" pass; done
unit MN3-100013 13 fail; unit MN3-100014 14 fail; unit MN3-100015 15 fail
unit MN3-100016 16 estop
unit MN3-100013 23 pass; unit mn3-100014 24 pass; unit MN3-100015 25 fail
unit MN3-100016 26 pass
nrep=$(ls "$lot"/2*.csv | wc -l)
[ "$nrep" -eq 20 ] && ok "20 reports written" || bad "expected 20 reports, found $nrep"
# Beside the reports: files that are not run reports.
printf '"shift","x"\r\n"units_tested",3\r\n' >"$lot/shift_20261130T080000Z_SIM-01.csv"
printf '"run_id","pen_serial","why"\r\n"a","MN3-1","fixture changed"\r\n' >"$lot/impact_20261130.csv"
printf 'not,csv,"at all\n' >"$lot/notes.csv"

if $RUNNER "$RIG" stats "$lot" >"$tmp/stats.txt" 2>"$tmp/stats.err"; then
  ok "rig stats DIR: exit 0"
else
  bad "rig stats DIR: $(cat "$tmp/stats.err")"
fi
grep -q "ignored 4 files that are not run reports (impact_20261130.csv, notes.csv, shift_20261130T080000Z_SIM-01.csv, ...)" "$tmp/stats.err" \
  && ok "summary.csv, shift, impact and a broken CSV ignored and counted" \
  || bad "ignored files: $(cat "$tmp/stats.err")"
$RUNNER "$RIG" stats --csv "$lot" >"$tmp/stats.csv" 2>/dev/null
if out=$(python3 "$here/lot_check.py" compare "$tmp/stats.txt" "$tmp/stats.csv" "$lot"/2*.csv); then
  ok "matches Python's statistics: $out"
else
  bad "lot against Python: $out"
fi
grep -q "^first-pass yield: 13 of 16 units = 81.2 %" "$tmp/stats.txt" \
  && grep -q "^final yield: *15 of 16 units = 93.8 %" "$tmp/stats.txt" \
  && ok "first-pass 13 of 16, final 15 of 16 (as counted by hand)" \
  || bad "yields: $(grep yield "$tmp/stats.txt")"
grep -q "^units: 20 runs of 16 units judged (4 retests, 1 run ABORTED)" "$tmp/stats.txt" \
  && ok "20 runs, 16 units, 4 retests" || bad "units line: $(grep '^units' "$tmp/stats.txt")"
grep -q "^lot yield: *the reports carry no lot: the whole set is the lot (15 of 16 units)" "$tmp/stats.txt" \
  && ok "no lot column: the whole set is the lot" || bad "lot yield: $(grep -i lot "$tmp/stats.txt")"
# The Pareto: the verify-only FAILs fail depth points (each a line), the
# e-stop is the bench's.
if python3 - "$tmp/stats.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
part = text.split("failure Pareto", 1)[1]
head = part.splitlines()[0]
assert "(5 runs not PASS" in head, head
lines = [l for l in part.splitlines()[2:] if l.strip()]
rows = [re.match(r"\s*(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\w+)\s+(.*)$", l).groups() for l in lines]
counts = [int(r[0]) for r in rows]
assert counts == sorted(counts, reverse=True), counts
assert abs(float(rows[-1][2]) - 100.0) < 0.05, rows[-1]
assert rows[0][3] == "unit" and rows[0][4].startswith("verify depth at "), rows[0]
assert int(rows[0][0]) == 4, rows[0]          # 4 verify-only FAILs
bench = [r for r in rows if r[3] == "bench"]
assert len(bench) == 1 and bench[0][4] == "safety" and bench[0][0] == "1", bench
PY
then ok "failure Pareto: sorted, cumulative to 100 %, depth points 4 times, the e-stop once as bench (reason_code safety)"
else bad "Pareto: $(sed -n '/failure Pareto/,$p' "$tmp/stats.txt")"; fi

# Files given one by one, summary.csv among them (the shell's glob).
$RUNNER "$RIG" stats "$lot"/*.csv >"$tmp/glob.txt" 2>"$tmp/glob.err"; rc=$?
[ $rc -eq 0 ] && grep -q "ignored 4 files" "$tmp/glob.err" && cmp -s "$tmp/glob.txt" "$tmp/stats.txt" \
  && ok "rig stats DIR/*.csv: the same, summary.csv ignored" || bad "glob: exit $rc: $(cat "$tmp/glob.err")"
$RUNNER "$RIG" stats "$lot/summary.csv" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 65 ] && grep -q "no run report" "$tmp/err" && ok "only files that are not reports: exit 65" \
  || bad "summary.csv alone: exit $rc: $(cat "$tmp/err")"

# A lot column: the reports of two lots (written from the reports above).
mkdir "$tmp/lots"
python3 - "$tmp/lots" "$lot"/2*.csv <<'PY'
import csv, os, sys
out = sys.argv[1]
for i, p in enumerate(sorted(sys.argv[2:])):
    rows = list(csv.reader(open(p, newline="")))
    with open(os.path.join(out, os.path.basename(p)), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(rows[0] + ["lot"])
        serial = rows[1][rows[0].index("pen_serial")].upper()
        for r in rows[1:]:
            w.writerow(r + ["A" if serial < "MN3-100009" else "B"])
PY
$RUNNER "$RIG" stats "$tmp/lots" >"$tmp/lots.txt" 2>&1
grep -q "^lot A  *8 units, first-pass 8, final 8: lot yield 100.0 %" "$tmp/lots.txt" \
  && grep -q "^lot B  *8 units, first-pass 5, final 7: lot yield 87.5 %" "$tmp/lots.txt" \
  && ok "lot column: lot A 8 of 8, lot B 7 of 8" || bad "lots: $(grep '^lot' "$tmp/lots.txt")"

# Trend flags name the unit, not a file.
mkdir "$tmp/trend"
python3 "$here/stats_check.py" make-trend "$tmp/trend"
$RUNNER "$RIG" stats "$tmp"/trend >"$tmp/trend.txt" 2>&1
grep -A1 'depth *1000 um' "$tmp/trend.txt" | grep -q 'trend: 7 points in a row rising, up to SN10 attempt 1$' \
  && ok "the trend flag names the serial and attempt (SN10 attempt 1)" \
  || bad "trend flag: $(grep trend "$tmp/trend.txt")"

# Runs whose serial is not known ("unknown": the pen never answered and
# nothing was scanned; or a pen that calls itself so) are different pens,
# not one pen's retests: each is a unit of its own. Before, they were
# pooled as one unit ("3 retests", and the last one's verdict as the final
# yield of all of them).
unk="$tmp/unknown"
uk() { # uk SERIAL SEED [options]
  s=$1 seed=$2; shift 2
  # shellcheck disable=SC2086
  $RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$PROD" --out "$unk" \
    --sim seed="$seed" --sim pen.serial="$s" "$@" >/dev/null 2>&1
}
uk MN3-200001 31 --mode verify --sim pen.depth_gain=1.5; uk MN3-200001 32
uk unknown 33 --mode verify --sim pen.depth_gain=1.5; uk ' Unknown ' 34
uk MN3-200002 35 --sim fault.pen.silent=identify
$RUNNER "$RIG" stats "$unk" >"$tmp/unk.txt" 2>&1
$RUNNER "$RIG" stats --csv "$unk" >"$tmp/unk.csv" 2>/dev/null
grep -q "^units: 5 runs of 3 units judged (1 retest, 1 run ABORTED)$" "$tmp/unk.txt" \
  && grep -q "^  (3 runs with no serial known: each a unit of its own, not a retest)$" "$tmp/unk.txt" \
  && grep -q "^first-pass yield: 1 of 3 units = 33.3 %" "$tmp/unk.txt" \
  && grep -q "^final yield: *2 of 3 units = 66.7 %" "$tmp/unk.txt" \
  && ok "unknown serials: each its own unit (3 judged, 1 retest; first-pass 1 of 3, final 2 of 3)" \
  || bad "unknown serials: $(sed -n '/^units/,/^final/p' "$tmp/unk.txt")"
if out=$(python3 "$here/lot_check.py" compare "$tmp/unk.txt" "$tmp/unk.csv" "$unk"/2*.csv); then
  ok "unknown serials match Python's count: $out"
else
  bad "unknown serials against Python: $out"
fi

# The results index asked of the same folder. `rig history unknown` is not
# one unit's history: it lists every run with no serial known ("unknown",
# " Unknown ", the run aborted at identify), saying each is a unit of its
# own; `rig history ''` the same runs. `rig impact` counts each such
# judged run as a unit. Before: "unknown: 3 run(s)" as if one unit's, ''
# found none, and impact counted "2 unit(s) judged in 4 run(s)".
$RUNNER "$RIG" history --out "$unk" unknown >"$tmp/hu.txt" 2>&1
$RUNNER "$RIG" history --out "$unk" --csv unknown >"$tmp/hu.csv" 2>&1
$RUNNER "$RIG" history --out "$unk" --csv '' >"$tmp/he.csv" 2>&1
head -1 "$tmp/hu.txt" | grep -q "^'unknown' is no unit's serial: 3 run(s) with no serial known, each a unit of its own, not one unit's retests$" \
  && [ "$(grep -c ' unknown \| Unknown ' "$tmp/hu.txt")" -eq 3 ] \
  && ok "rig history unknown: the 3 runs with no serial known, each said a unit of its own" \
  || bad "rig history unknown: $(cat "$tmp/hu.txt")"
[ "$(wc -l <"$tmp/hu.csv")" -eq 4 ] && cmp -s "$tmp/hu.csv" "$tmp/he.csv" \
  && ok "rig history '': the same 3 runs" || bad "rig history '': $(cat "$tmp/he.csv")"
$RUNNER "$RIG" history --out "$unk" ' mn3-200001' >"$tmp/h1.txt" 2>&1
head -1 "$tmp/h1.txt" | grep -q "^ mn3-200001: 2 run(s)$" \
  && ok "rig history of a known serial: its 2 runs, as before" || bad "history MN3-200001: $(cat "$tmp/h1.txt")"
$RUNNER "$RIG" impact --out "$unk" --bench SIM-01 --since 2000-01-01 >"$tmp/imp.txt" 2>&1
grep -q "^bench SIM-01 since 2000-01-01T00:00:00Z: 3 unit(s) judged in 4 run(s), 2 PASS, 2 other$" "$tmp/imp.txt" \
  && grep -q "^  (2 runs with no serial known: each a unit of its own, not a retest)$" "$tmp/imp.txt" \
  && ok "rig impact: 3 units judged in 4 runs (2 with no serial known)" \
  || bad "rig impact: $(head -3 "$tmp/imp.txt")"

finish
