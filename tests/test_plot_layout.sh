#!/bin/sh
# test_plot_layout.sh - plots that show all the data (issue 18, item 6):
# a sweep with more rates or depths than the old eight-series limit draws
# every series; every label of every plot lies inside its canvas; a
# single-cell sweep puts its point inside the frame; `rig stats --plots`
# draws an individuals/moving-range chart per characteristic and rings
# the points of a rising run. Checked from the SVG by tests/svg_layout.py.
# Needs python3.
. "$(dirname "$0")/lib.sh"
needs python3
lay() { python3 "$here/svg_layout.py" "$@"; }
FX="$root/fixtures/sim.ini"

# 12 depths x 10 rates: twelve and ten series.
$RUNNER "$RIG" sweep --fixture "$FX" --depths 250:3000:250 --freqs 50:275:25 --window-strokes 20 \
  --settle-ms 30 --out "$tmp/big" --plots >/dev/null 2>"$tmp/big.err" || bad "big sweep: $(tail -2 "$tmp/big.err")"
d=$(ls "$tmp"/big/*_depth.svg 2>/dev/null); f=$(ls "$tmp"/big/*_freq.svg 2>/dev/null)
if [ -n "$d" ] && [ -n "$f" ]; then
  n=$(lay count "$d" "at "); m=$(lay count "$f" "at ")
  # each series: one legend entry and one worst-deviation line
  [ "$n" -eq 20 ] && ok "depth plot: all 10 rate series drawn and named" || bad "depth plot: $n labels for 10 series"
  [ "$m" -eq 24 ] && ok "rate plot: all 12 depth series drawn and named" || bad "rate plot: $m labels for 12 series"
else
  bad "big sweep: no plots"
fi

# One cell: the point inside the frame (x 90..690 px), not on its edge.
$RUNNER "$RIG" sweep --fixture "$FX" --depths 1000 --freqs 120 --out "$tmp/one" --plots \
  >/dev/null 2>"$tmp/one.err" || bad "one-cell sweep: $(tail -2 "$tmp/one.err")"
p=$(ls "$tmp"/one/*_depth.svg 2>/dev/null)
if [ -n "$p" ] && lay points "$p" | awk 'NR == 1 { exit !($1 > 150 && $1 < 630) }'; then
  ok "one-cell sweep: the point stands inside the frame"
else
  bad "one-cell sweep: point at $(lay points "$p" 2>/dev/null | head -1)"
fi

# A lot whose depth rises run after run: 8 reports, given in run order
# (virtual runs start within the same second; stats then keeps file order).
i=0; lot=""
while [ $i -lt 8 ]; do
  $RUNNER "$RIG" run --fixture "$FX" --mode verify --out "$tmp/lot$i" --sim seed=$((i + 1)) \
    --sim pen.depth_offset_um=$((-35 + 4 * i)) >/dev/null 2>&1
  lot="$lot $(ls "$tmp"/lot$i/2*_*.csv)"
  i=$((i + 1))
done
$RUNNER "$RIG" stats --plots "$tmp/charts" $lot \
  >/dev/null 2>"$tmp/stats.err" || bad "rig stats --plots: $(cat "$tmp/stats.err")"
nc=$(ls "$tmp"/charts/control_*.svg 2>/dev/null | wc -l)
[ "$nc" -ge 10 ] && ok "rig stats --plots: $nc control charts" || bad "rig stats --plots: $nc charts"
c=$(ls "$tmp"/charts/control_verify_depth_sweep_depth_1250.svg 2>/dev/null)
r=$( [ -n "$c" ] && lay rings "$c" "#c0392b" || echo 0)
[ "$r" -ge 7 ] && ok "control chart rings the 7-point rising run ($r rings)" || bad "rising run: $r rings in ${c:-no chart}"

# Every label of every plot inside its canvas.
if lay inside $(find "$tmp" -name '*.svg') >"$tmp/inside.txt"; then
  ok "every label of $(find "$tmp" -name '*.svg' | wc -l) plots inside its canvas"
else
  bad "labels outside the canvas:"; head -10 "$tmp/inside.txt"
fi

finish
