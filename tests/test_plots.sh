#!/bin/sh
# test_plots.sh - every SVG the rig draws is well-formed XML with an <svg>
# root (checked by Python's expat parser, not by our writer), from every
# path: rig run --plots, rig sweep --plots, rig plot on a report and on a
# sweep with saved traces, and a report whose text fields hold XML's
# special characters. Also rig grr's figures. Needs python3.
. "$(dirname "$0")/lib.sh"
needs python3 "make deps installs it"
# A hostile station name: every XML special character and a formula trigger.
sed 's/^station = SIM-01/station = =S<1>\&"x'"'"'/' "$root/fixtures/sim.ini" >"$tmp/sim.ini"
P="$root/profiles/production-p25.ini"

$RUNNER "$RIG" run --fixture "$tmp/sim.ini" --profile "$P" --out "$tmp/run" --plots --save-trace >/dev/null 2>"$tmp/run.err" \
  || bad "rig run --plots: $(tail -3 "$tmp/run.err")"
n=$(ls "$tmp"/run/*_PASS_*.svg 2>/dev/null | wc -l)
[ "$n" -eq 4 ] && ok "rig run --plots: 4 plots beside the report" || bad "rig run --plots: $n plots"
report=$(ls "$tmp"/run/2*_PASS.csv)
mkdir "$tmp/replot"
$RUNNER "$RIG" plot --fixture "$tmp/sim.ini" --out "$tmp/replot" "$report" >"$tmp/plot.out" 2>&1 \
  || bad "rig plot REPORT: $(cat "$tmp/plot.out")"
n=$(ls "$tmp"/replot/*.svg 2>/dev/null | wc -l)
[ "$n" -eq 4 ] && ok "rig plot REPORT (traces): 4 plots" || bad "rig plot REPORT: $n plots: $(cat "$tmp/plot.out")"
# The same trace through the engine again gives the same histogram.
a=$(ls "$tmp"/run/*_histogram.svg); b=$(ls "$tmp"/replot/*_histogram.svg)
cmp -s "$a" "$b" && ok "histogram from the saved trace equals the live one" || bad "histograms differ: $a $b"

$RUNNER "$RIG" sweep --fixture "$tmp/sim.ini" --depths 500:1500:500 --freqs 100,150 --repeats 2 \
  --out "$tmp/sweep" --plots --save-trace >"$tmp/sweep.out" 2>"$tmp/sweep.err" || bad "rig sweep: $(tail -3 "$tmp/sweep.err")"
sweep=$(ls "$tmp"/sweep/sweep_*.csv)
rows=$(($(wc -l <"$sweep") - 1))
[ "$rows" -eq 12 ] && ok "sweep: 12 rows (3 depths x 2 rates x 2 repeats)" || bad "sweep: $rows rows"
grep -q '^"depth_cmd_um","freq_cmd_hz","repeat","depth_mean_um","depth_std_um","depth_min_um","depth_max_um","freq_hz","strokes","depth_uncertainty_um","force_n"' "$sweep" \
  && ok "sweep header" || bad "sweep header: $(head -1 "$sweep")"
grep -q '"'"'"'=S<1>&""x'"'"'"' "$sweep" && ok "station neutralised and quoted in the sweep CSV" || bad "station field: $(sed -n 2p "$sweep")"
mkdir "$tmp/replot2"
$RUNNER "$RIG" plot --fixture "$tmp/sim.ini" --out "$tmp/replot2" "$sweep" >"$tmp/plot2.out" 2>&1 || bad "rig plot SWEEP: $(cat "$tmp/plot2.out")"
n=$(ls "$tmp"/replot2/*.svg 2>/dev/null | wc -l)
[ "$n" -eq 4 ] && ok "rig plot SWEEP (traces): 4 plots" || bad "rig plot SWEEP: $n plots: $(cat "$tmp/plot2.out")"

$RUNNER "$RIG" plot "$tmp/sim.ini" >/dev/null 2>&1; rc=$?
[ $rc -eq 65 ] && ok "rig plot on a file that is neither: exit 65" || bad "rig plot on a fixture: exit $rc"

if out=$(python3 - "$tmp" <<'PY'
import glob, sys, xml.parsers.expat
files = sorted(glob.glob(sys.argv[1] + "/**/*.svg", recursive=True))
for f in files:
    p = xml.parsers.expat.ParserCreate()
    root = []
    p.StartElementHandler = lambda name, attrs: root.append(name) if not root else None
    with open(f, "rb") as fh:
        p.ParseFile(fh)
    if root != ["svg"]:
        raise SystemExit("%s: root is %r" % (f, root))
    if b"=S&lt;1&gt;&amp;&quot;x&apos;" not in open(f, "rb").read() and "_depth" in f and "/run/" in f:
        raise SystemExit("%s: station not escaped" % f)
print("%d SVG files well-formed" % len(files))
PY
); then ok "$out"; else bad "XML: $out"; fi

# exit 1 when a point's P/T is unacceptable (the default pen's rate is)
$RUNNER "$RIG" grr --fixture "$tmp/sim.ini" --repeats 3 >"$tmp/grr.out" 2>"$tmp/grr.err"
rc=$?; [ $rc -le 1 ] || bad "rig grr: exit $rc: $(tail -3 "$tmp/grr.err")"
# P/T must be 6 std / tolerance on every row. The std is printed to 4
# decimals and P/T to 2: recomputed from the printed std, P/T may differ by
# 600 x 0.00005 / tolerance (0.0094 at 3.2 Hz) plus 0.005 of its rounding.
if awk '$1=="depth"||$1=="freq" { n++; pt=600*$6/$7; sub("%","",$8); e=0.005+0.03/$7+1e-9; if (pt-$8>e||$8-pt>e) bad++ }
        END { exit !(n==12 && !bad) }' "$tmp/grr.out"; then
  ok "rig grr: 12 points (the production profile's 6 depths and 6 rates), P/T = 6 std / tolerance"
else
  bad "rig grr output: $(cat "$tmp/grr.out")"
fi
$RUNNER "$RIG" grr --fixture "$tmp/sim.ini" --repeats 1 >/dev/null 2>&1; rc=$?
[ $rc -eq 64 ] && ok "rig grr --repeats 1: exit 64" || bad "rig grr --repeats 1: exit $rc"

finish
