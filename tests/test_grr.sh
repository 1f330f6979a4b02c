#!/bin/sh
# test_grr.sh - rig grr, the crossed gauge study, on the virtual bench:
# every figure it prints agrees with an independent ANOVA written apart
# (tests/grr_check.py) to 1e-6 relative; the part and operator variation
# it recovers match the truth the virtual parts were built with, over
# seeds; the exit code follows the verdict; the SVG is well-formed with
# every label inside it; one part is still the repeatability study.
# Needs python3.
. "$(dirname "$0")/lib.sh"
needs python3
FX="$root/fixtures/sim.ini"
P="$root/tests/data/profiles/quick-p25.ini"

# 6 parts with depth offsets evenly over +-20 um (so their sample std is
# sqrt(224) = 14.97 um), 3 operators with preloads over +-0.4 N and a pen
# whose depth grows 5 um per N (pen.depth_per_n): operator std 2.0 um.
for seed in 1 2 3; do
  $RUNNER "$RIG" grr --fixture "$FX" --profile "$P" --parts 6 --operators 3 --repeats 2 \
    --part-spread-um 20 --operator-spread-n 0.4 --sim pen.depth_per_n=5 --sim seed=$seed \
    --seed $seed --csv --svg "$tmp/grr$seed.svg" >"$tmp/grr$seed.csv" 2>"$tmp/grr$seed.err"
  rc=$?
  verdicts=$(grep '^"study"' "$tmp/grr$seed.csv" | awk -F, '{print $(NF - 1)}' | tr -d '"\r' | sort -u | tr '\n' ' ')
  case "$verdicts" in
    *unacceptable*) want=1 ;;
    *) want=0 ;;
  esac
  [ $rc -eq $want ] && ok "seed $seed: exit $rc for verdicts $verdicts" || bad "seed $seed: exit $rc for verdicts $verdicts: $(tail -2 "$tmp/grr$seed.err")"
  out=$(python3 "$here/grr_check.py" --rig-csv "$tmp/grr$seed.csv")
  [ $? -eq 0 ] && ok "seed $seed: $out" || bad "seed $seed: independent ANOVA: $out"
  # depth at 500 um: columns pv (14) and av (11)
  line=$(grep '^"study","depth","um",500,' "$tmp/grr$seed.csv")
  pv=$(echo "$line" | cut -d, -f14); av=$(echo "$line" | cut -d, -f11)
  # The part and operator effects are fixed by construction: only the
  # bench's noise (repeatability about 0.6 um) blurs them, by well under
  # 0.5 um on a standard deviation of 2 x 3 x 6 measurements.
  if python3 -c "import sys; pv, av = float('$pv'), float('$av'); sys.exit(not (abs(pv - 224 ** 0.5) < 0.5 and abs(av - 2.0) < 0.5))"; then
    ok "seed $seed: part std $pv um (truth 14.97), operator std $av um (truth 2.0)"
  else
    bad "seed $seed: part std $pv um (truth 14.97), operator std $av um (truth 2.0)"
  fi
done
python3 "$here/svg_layout.py" inside "$tmp"/grr*.svg >"$tmp/inside.txt" \
  && ok "SVG plots well-formed, every label inside" || { bad "SVG:"; head -5 "$tmp/inside.txt"; }

# No operator or part effect at all, a quiet pen: acceptable, exit 0.
$RUNNER "$RIG" grr --fixture "$FX" --profile "$P" --parts 5 --operators 2 --repeats 2 \
  --part-spread-um 40 --part-spread-pct 1.5 --operator-spread-n 0 --sim pen.speed_wander=0 \
  --sim pen.depth_sd_um=1 >"$tmp/good.txt" 2>/dev/null
rc=$?
grep -q '^verdict: acceptable' "$tmp/good.txt" && [ $rc -eq 0 ] && ok "a good gauge: acceptable, exit 0" \
  || bad "a good gauge: exit $rc: $(grep verdict "$tmp/good.txt")"

# One part: the repeatability study, P/T per point.
$RUNNER "$RIG" grr --fixture "$FX" --profile "$P" --repeats 3 >"$tmp/one.txt" 2>/dev/null
grep -q '^repeatability of pen MN3-000123' "$tmp/one.txt" && grep -q 'P/T' "$tmp/one.txt" \
  && ok "--parts 1: the repeatability study" || bad "--parts 1: $(head -3 "$tmp/one.txt")"
$RUNNER "$RIG" grr --fixture "$FX" --repeats 2 --operators 2 >/dev/null 2>&1; rc=$?
[ $rc -eq 64 ] && ok "two operators on one part: exit 64" || bad "two operators on one part: exit $rc"

finish
