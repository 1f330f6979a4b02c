#!/bin/sh
# render_svgs.sh - `make check-render`: every kind of plot, drawn by the rig
# on the virtual bench, rendered by headless Chromium; each screenshot must
# not be blank (tests/png_ink.py counts the pixels that are not background).
# Not part of `make check`: Chromium is heavy.
set -u
RIG="${RIG_BIN:-build/rig}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"
"$RIG" run --fixture "$tmp/sim.ini" --profile "$root/profiles/production-p25.ini" --out "$tmp/out" --plots >/dev/null 2>&1
"$RIG" sweep --fixture "$tmp/sim.ini" --depths 250:2500:250 --freqs 80,120,160 --out "$tmp/out" --plots >/dev/null 2>&1
n=0
start=$(date +%s)
for svg in "$tmp"/out/*.svg; do
  n=$((n + 1))
  png="${svg%.svg}.png"
  prof=$(mktemp -d)
  h=560; case "$svg" in *_depth.svg|*_freq.svg) h=760 ;; esac
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$prof" --screenshot="$png" --window-size=960,$h "file://$svg" >/dev/null 2>&1
  rm -rf "$prof"
  if out=$(python3 "$here/png_ink.py" "$png"); then
    echo "ok   $(basename "$svg"): $out"
  else
    echo "FAIL $(basename "$svg"): $out"; fail=$((fail + 1))
  fi
done
[ $n -eq 8 ] || { echo "FAIL expected 8 plots, found $n"; fail=$((fail + 1)); }
echo "render: $n plots rendered in $(($(date +%s) - start)) s"
[ $fail -eq 0 ]
