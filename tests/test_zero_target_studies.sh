#!/bin/sh
# test_zero_target_studies.sh - rig sweep and rig grr read the bench's zero
# target ([io] zero_target_line) as a run reads it (issue 13): before they
# measured from a zero that had moved since rig zero without a word (a
# 30 um move gave a grr and a sweep 30 um shallow). Now the move is read
# first: beyond its bound the study is refused (exit 2, "call an engineer:
# rig zero, then rig check"), within it it joins every depth's U and the
# output carries it (the sweep CSV's zero_target_* columns, grr's
# "zero_target" rows).
# Needs python3.
. "$(dirname "$0")/lib.sh"
needs python3
FX="$root/fixtures/sim.ini"
P="$root/tests/data/profiles/quick-p25.ini"

# col FILE NAME: the column NAME of the sweep CSV's rows, one per line
col() {
  python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], newline="")): print(r[sys.argv[2]])' "$1" "$2"
}

# A sweep on a clean bench: the move (about +0.1 um) in every row, and in
# its depth's U.
$RUNNER "$RIG" sweep --fixture "$FX" --depths 500 --freqs 80 --out "$tmp/sw" >"$tmp/sw.out" 2>&1
rc=$?
csv=$(ls "$tmp"/sw/sweep_*.csv 2>/dev/null | head -1)
if [ $rc -eq 0 ] && [ -n "$csv" ]; then
  m=$(col "$csv" zero_target_move_um) u=$(col "$csv" zero_target_uncertainty_um)
  python3 -c "import sys; m, u = float('$m'), float('$u'); sys.exit(not (abs(m) < 1 and 0 < u < 2))" \
    && ok "sweep: the zero target's move $m um (U $u um) in its CSV" \
    || bad "sweep: zero_target_move_um '$m', zero_target_uncertainty_um '$u'"
else
  bad "sweep on a clean bench: exit $rc: $(tail -2 "$tmp/sw.out")"
fi

# The zero moved 5 um since rig zero: within the sweep's bound (50 um,
# laser.zero_max_change_um), in the depth's U; the depth reads shallow by
# the move and the U covers it.
$RUNNER "$RIG" sweep --fixture "$FX" --depths 500 --freqs 80 --out "$tmp/sw5" \
  --sim laser.zero_mm=5.005 >"$tmp/sw5.out" 2>&1
rc=$?
csv5=$(ls "$tmp"/sw5/sweep_*.csv 2>/dev/null | head -1)
if [ $rc -eq 0 ] && [ -n "$csv5" ] && [ -n "$csv" ]; then
  python3 - "$csv" "$csv5" <<'PY' && ok "sweep, zero moved 5 um: the move in the depth's U" || bad "sweep, zero moved 5 um"
import csv, sys
a = next(csv.DictReader(open(sys.argv[1], newline="")))
b = next(csv.DictReader(open(sys.argv[2], newline="")))
m, Uz, U = float(b["zero_target_move_um"]), float(b["zero_target_uncertainty_um"]), float(b["depth_uncertainty_um"])
shift = float(a["depth_mean_um"]) - float(b["depth_mean_um"])
print("move %.2f um, U %.2f um; depth %.2f um shallower, its U %.2f um" % (m, Uz, shift, U))
sys.exit(not (4 < m < 6 and Uz > m and U >= Uz and abs(shift) < U + float(a["depth_uncertainty_um"])))
PY
else
  bad "sweep, zero moved 5 um: exit $rc: $(tail -2 "$tmp/sw5.out")"
fi

# 60 um: refused before any cell is measured.
$RUNNER "$RIG" sweep --fixture "$FX" --depths 500 --freqs 80 --out "$tmp/sw60" \
  --sim laser.zero_mm=5.06 >"$tmp/sw60.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q 'laser zero moved +60\.[0-9] um since rig zero.*call an engineer: rig zero, then rig check' "$tmp/sw60.out" \
  && ! ls "$tmp"/sw60/sweep_*.csv >/dev/null 2>&1 \
  && ok "sweep, zero moved 60 um: refused (exit 2), no rows" \
  || bad "sweep, zero moved 60 um: exit $rc: $(tail -2 "$tmp/sw60.out")"

# grr: a row per trial with the move and its U; the study's own figures
# still recompute (grr_check.py skips the zero_target rows).
$RUNNER "$RIG" grr --fixture "$FX" --profile "$P" --parts 2 --repeats 2 --csv >"$tmp/grr.csv" \
  2>"$tmp/grr.err"
rc=$?
n=$(grep -c '^"zero_target","laser_zero_target","um",,"[^"]*",1,[12],[-0-9.e]*,,,,,,,,,,,,,,[0-9.e]*.$' "$tmp/grr.csv")
[ $rc -le 1 ] && [ "$n" -eq 4 ] && ok "grr: a zero_target row (move, U) for each of its 4 trials" \
  || bad "grr: exit $rc, $n zero_target rows: $(tail -2 "$tmp/grr.err")"
out=$(python3 "$here/grr_check.py" --rig-csv "$tmp/grr.csv")
[ $? -eq 0 ] && ok "grr: $out" || bad "grr: independent check: $out"

# grr with the zero moved 30 um: beyond the profile's bound (8.66 um), as a
# run: refused.
$RUNNER "$RIG" grr --fixture "$FX" --profile "$P" --repeats 2 --sim laser.zero_mm=5.03 \
  >"$tmp/grr30.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q 'laser zero moved +30\.[0-9] um since rig zero.*beyond 8\.66 um' "$tmp/grr30.out" \
  && ok "grr, zero moved 30 um: refused (exit 2)" || bad "grr, zero moved 30 um: exit $rc: $(tail -2 "$tmp/grr30.out")"
finish
