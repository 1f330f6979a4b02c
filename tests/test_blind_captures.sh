#!/bin/sh
# test_blind_captures.sh - `rig analyze` on captures of tests/gen/blind_capture.py,
# a fifth generator written from issue 13's text, REFERENCE.md and docs/
# only (a motor with PWM ripple, a load warp and first/second-order
# start-ups, steps, chirps and FM; poly345/poly4567/asymmetric-sine cams;
# a viscoelastic pad; impact ringing; two-lobe cams; a sample-and-hold
# exposure, clock error and jitter, heavy-tailed noise, spikes, drift;
# the ILD1420's raw bytes). Each case is one draw of tests/gen/blind_hunt.py
# (`--one KIND RATE SEED`), judged against the limits of issue 13 that its
# kind sets and |error| <= U (k = 2) for the figures it reports
# (docs/measurement.md, "Coverage on a fifth generator"). `make blind`
# runs the whole hunt. Needs python3; the generators and hunts run under
# GEN_PY (tests/lib.sh: pypy3 where installed, the same output), one
# interpreter for the whole suite (gen_warm, gen_py).
. "$(dirname "$0")/lib.sh"
needs python3 "the capture generator"
gen_warm

# judged_ NAME CMD...: the case passes when CMD exits 0; its last line
# of output says why
judged_() {
  name=$1
  shift
  out=$("$@" 2>&1)
  rc=$?
  last=$(printf '%s\n' "$out" | tail -1)
  if [ "$rc" -eq 0 ]; then
    ok "$name: $last"
  else
    bad "$name: $last"
  fi
}

# one_ KIND RATE SEED: blind_hunt.py --one KIND RATE SEED, its stdout and
# stderr and its exit status. A draw is seeded and the rig the same, so a
# draw that two cases judge is drawn once: the second reads the first's
# output (8 draws of the suite)
one_() {
  _one="$tmp/one.$1.$2.$3"
  if [ ! -e "$_one.rc" ]; then
    gen_py "$here/gen/blind_hunt.py" "$RIG" --one "$1" "$2" "$3" >"$_one" 2>&1
    echo $? >"$_one.rc"
  fi
  cat "$_one"
  return "$(cat "$_one.rc")"
}

# case_ NAME KIND RATE SEED
case_() {
  judged_ "$1" one_ "$2" "$3" "$4"
}

# cover_ NAME KIND RATE SEED [LIMIT [MAX_ERR]]: the depth within U (k = 2),
# status ok, the named limit of blind_hunt.py met if one is given (for a
# draw whose other limits cannot be met: see the case; "" for none), and
# |error| at most MAX_ERR um if given
cover_() {
  out=$(one_ "$2" "$3" "$4")
  fig=$(printf '%s\n' "$out" | python3 -c '
import json, sys
t = sys.stdin.read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
good = d["status"] == "ok" and d["depth_cov"] is True
lim = ""
if sys.argv[1]:
    c = d["limits"][sys.argv[1]]
    good = good and c[0] is True
    lim = " %s %s: %s;" % (sys.argv[1], c[0], c[1])
if sys.argv[2]:
    e = abs(d["depth_err"]) <= float(sys.argv[2])
    good = good and e
    lim += " |err| <= %s um %s;" % (sys.argv[2], e)
print("%s %s %s%s err %+.2f um U %.2f" % ("good" if good else "short", d["status"], d["depth_cov"], lim,
                                         d["depth_err"], d["depth_U"]))' "${5:-}" "${6:-}" 2>&1)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}

# all_strokes_ NAME KIND RATE SEED: every limit of its kind met (as case_)
# and every measured stroke's depth within its own U (k = 2)
all_strokes_() {
  out=$(one_ "$2" "$3" "$4")
  rc=$?
  fig=$(printf '%s\n' "$out" | python3 -c '
import json, sys
t = sys.stdin.read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
c, w = d["strokes_cov"], d["strokes_worst"]
print("%s, %d of %d strokes within U (worst %+.2f um, U %.2f)" % (d["status"], c[0], c[1], w[0], w[1]))
sys.exit(0 if c[0] == c[1] else 1)' 2>&1)
  frc=$?
  if [ "$rc" -eq 0 ] && [ "$frc" -eq 0 ]; then
    ok "$1: $fig"
  else
    bad "$1: $fig; $(printf '%s\n' "$out" | tail -1)"
  fi
}

# ring_judged_ NAME OUT: OUT (rig analyze's text) has a depth and no
# ringing line
ring_judged_() {
  dl=$(printf '%s\n' "$2" | grep '^depth:' | cut -c1-60)
  if [ -z "$dl" ]; then
    bad "$1: no depth line: $(printf '%s\n' "$2" | tail -1)"
  elif printf '%s\n' "$2" | grep -q '^ringing:'; then
    bad "$1: a ring reported: $(printf '%s\n' "$2" | grep '^ringing:' | head -1 | cut -c1-70)"
  else
    ok "$1: no ring reported; $dl"
  fi
}

# no_ring_ NAME KIND RATE SEED: the draw's capture (blind_hunt.py's own
# command line, into tmp) read with no ring reported, no "ringing:" line:
# a top with no ring in truth
no_ring_() {
  cmd=$(one_ "$2" "$3" "$4" | head -1 |
    sed "s|/tmp/b.bin|$tmp/$1.bin|g; s|python3 tests/gen/|$GEN_PY $here/gen/|")
  out=$(sh -c "$cmd" 2>&1)
  ring_judged_ "$1" "$out"
}

# redraw_ NAME KIND RATE SEED N: the draw's physics drawn again N times
# (tests/gen/rate_floor.py --redraws: seeds SEED * 1000 + i): the mean
# rate's errors centred on zero (within 3 standard errors) and each within
# its U, status ok. rate_floor.py runs in a fresh "$GEN_PY", not the
# suite's warm one: after the suite's 160 draws there, pypy3 took 20 s of
# CPU for speed 4000 11222's floor (its Cholesky loops), 0.7 s fresh
redraw_() {
  judged_ "$1" "$GEN_PY" "$here/gen/rate_floor.py" "$2" "$3" "$4" --redraws "$5" "$RIG"
}

# redraw_spread_ NAME KIND RATE SEED N MAX KEY=VALUE...: redraw_ of the
# physics with the draw's parameters KEY set to VALUE (rate_floor.py
# --set), judged by the errors' spread instead of their centring: their
# standard deviation at most MAX ppm, each within its U, status ok
redraw_spread_() {
  name=$1 kind=$2 fs=$3 seed=$4 n=$5 max=$6
  shift 6
  sets=""
  for kv in "$@"; do
    sets="$sets --set $kv"
  done
  # shellcheck disable=SC2086 # $sets is a list of options
  judged_ "$name" "$GEN_PY" "$here/gen/rate_floor.py" "$kind" "$fs" "$seed" $sets \
    --redraws "$n" "$RIG" --sd-max "$max"
}

# rate_fig_ KIND RATE SEED: the draw's status, its mean rate within U
# (True/False), within 10 ppm (sensor clock), its error and U
rate_fig_() {
  one_ "$1" "$2" "$3" | python3 -c '
import json, sys
t = sys.stdin.read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
e = d["rate_err_sensor_ppm"]
print("%s %s %s err %+.1f ppm U %.1f" % (d["status"], d["rate_cov"], abs(e) <= 10, e, d["rate_U_ppm"]))' 2>&1
}

# rate_ NAME KIND RATE SEED: the mean rate within 10 ppm (sensor clock) and
# within U, status ok (issue 13's limit for speed changes, on a draw of
# another kind)
rate_() {
  fig=$(rate_fig_ "$2" "$3" "$4")
  case "$fig" in
    "ok True True "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}

# drift_seen_ NAME RATE SEED: a drift draw (blind_hunt.py --one drift) whose
# flagged drift (--drift flag, the default) is detected (the rig's
# drift_detected, the right sign; a rig that states none: beyond 2 of its
# standard uncertainties) and within 2 of them of the drift over the
# strokes
drift_seen_() {
  out=$(one_ drift "$2" "$3")
  fig=$(printf '%s\n' "$out" | python3 -c '
import json, re, sys
t = sys.stdin.read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
det, txt = d["limits"]["drift detected"]
m = re.match(r"([-+0-9.]+) \+- ([0-9.]+) \(true ([-+0-9.]+)[;)]", txt)
dd, du, dt = (float(x) for x in m.groups())
good = det and abs(dd - dt) <= 2 * du
print("%s %s: drift %+.2f +- %.2f (standard), true %+.2f" % ("good" if good else "short",
                                                           d["status"], dd, du, dt))' 2>&1)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}

# drift_sign_ NAME RATE SEED [KEY=VALUE ...]: blind_hunt.py's drift
# draw (its parameters overridden by KEY=VALUE), read flagged and with
# --drift correct: status ok both and, where the rig says "detected"
# (drift_detected), the figure's sign the drift's (not detected is
# allowed: the troughs may not tell)
drift_sign_() {
  _n=$1
  shift
  fig=$(gen_py - "$here/gen" "$RIG" "$@" <<'PY' 2>&1
import sys, tempfile
sys.path.insert(0, sys.argv[1])
import blind_capture as bc
import blind_hunt as bh
rig, fs, seed = sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
p = bh.draw("drift", fs, seed)
for kv in sys.argv[5:]:
    k, v = kv.split("=", 1)
    p[k] = type(p.get(k, bc.DEFAULTS.get(k)))(v)
good, out = True, []
with tempfile.TemporaryDirectory() as d:
    path, truth = bh.write_capture(p, d)
    dt = truth["drift_depth_um"]
    for tag, extra in (("flagged", []), ("corrected", ["--drift", "correct"])):
        res = bh.rig_analyze(rig, p, path, extra, per_stroke=False)
        dd, det = bh.num(res, "drift_um"), res.get("drift_detected") == "1"
        good = good and res.get("status") == "ok" and dd is not None and (not det or dd * dt > 0)
        out.append("%s %s %s +- %s (standard) %s" % (tag, res.get("status"), res.get("drift_um"),
                                                     res.get("drift_u_um"),
                                                     "detected" if det else "not detected"))
print("%s %s; true %+.2f" % ("good" if good else "short", "; ".join(out), dt))
PY
)
  case "$fig" in
    "good "*) ok "$_n: $fig" ;;
    *) bad "$_n: $fig" ;;
  esac
}

# no_drift_ NAME KIND RATE SEED: a draw without drift (blind_hunt.py --one
# KIND) whose rig says no drift was detected (drift_false), status ok
no_drift_() {
  out=$(one_ "$2" "$3" "$4")
  fig=$(printf '%s\n' "$out" | python3 -c '
import json, sys
t = sys.stdin.read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
f = d.get("drift_false")
print("%s %s: drift detected %s" % ("good" if d["status"] == "ok" and f is False else "short",
                                    d["status"], f))' 2>&1)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}

# twin_no_drift_ NAME RATE SEED: blind_hunt.py's drift draw of RATE and
# SEED made without its drift (drift_um 0, the same noise and pen), read
# with --drift correct: status ok and no drift detected (drift_detected)
twin_no_drift_() {
  fig=$(gen_py - "$here/gen" "$RIG" "$2" "$3" <<'PY' 2>&1
import sys, tempfile
sys.path.insert(0, sys.argv[1])
import blind_hunt as bh
rig, fs, seed = sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
p = bh.draw("drift", fs, seed)
p["drift_um"] = 0.0
with tempfile.TemporaryDirectory() as d:
    path, truth = bh.write_capture(p, d)
    res = bh.rig_analyze(rig, p, path, ["--drift", "correct"], per_stroke=False)
good = res.get("status") == "ok" and res.get("drift_detected") == "0"
print("%s %s: drift %s +- %s (standard), detected %s, none drawn" % (
    "good" if good else "short", res.get("status"), res.get("drift_um"), res.get("drift_u_um"),
    res.get("drift_detected")))
PY
)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}

# drift_kept_ NAME KIND RATE SEED: blind_hunt.py's draw of KIND with the
# drift of the drift kind's draw of the same rate and seed (when KIND drew
# none), flagged: the rig detects it (drift_detected) with the right sign
drift_kept_() {
  fig=$(gen_py - "$here/gen" "$RIG" "$2" "$3" "$4" <<'PY' 2>&1
import sys, tempfile
sys.path.insert(0, sys.argv[1])
import blind_hunt as bh
rig, kind, fs, seed = sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
p = bh.draw(kind, fs, seed)
if not p.get("drift_um"):
    q = bh.draw("drift", fs, seed)
    p.update({k: q[k] for k in ("drift_um", "drift_kind", "drift_tau_s")})
with tempfile.TemporaryDirectory() as d:
    path, truth = bh.write_capture(p, d)
    res = bh.rig_analyze(rig, p, path, per_stroke=False)
dd, dt = bh.num(res, "drift_um"), truth["drift_depth_um"]
good = res.get("status") == "ok" and res.get("drift_detected") == "1" and dd is not None and dd * dt > 0
print("%s %s: drift %s +- %s (standard), detected %s, true %+.2f (%s)" % (
    "good" if good else "short", res.get("status"), res.get("drift_um"), res.get("drift_u_um"),
    res.get("drift_detected"), dt, p["drift_kind"]))
PY
)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}

# A ring of 18.5 um at 4.35 kHz under a 240 us exposure: the sensor's
# mean over the exposure passes 4 % of it (a zero of the box's response
# at 4.17 kHz), 0.8 um of ripple on the top, and the depth read 9.70 um
# shallow against U 1.29. Nothing in the samples recovers it (within 1 um
# cannot be met); U now carries what such an exposure can hide of a ring
# of the pad (2..5 kHz, up to 20 um).
cover_ ring_hidden_by_exposure_4khz ringing 4000 108
# The same at 1 kHz (4.27 kHz ring, 239 us): -6.76 um against U 0.60.
cover_ ring_hidden_by_exposure_1khz ringing 1000 2034
# A 2.33 kHz ring of 11.7 um at 1 kHz: the fine fold took it, 6.6 um over
# the smooth peak, but strayed from the coarse shape by z 2.8 (under 3)
# and was dropped: -6.87 um against U 6.69. Now the middle of the two and
# the gap in U (ring.c, fine_doubt).
cover_ ring_1khz_fine_doubt ringing 1000 2029
# Rings under a known exposure at 4 kHz: a 2.8 kHz ring of 14.8 um under
# 176 us and a 2.1 kHz ring of 19.5 um under 161 us, not seen in the fold
# (the box passes 65 and 82 % of them), read -1.32 and -2.04 um (within
# U, not within 1 um): the exposure's correction took the middle of
# drop / 4.33 .. drop, and a ringing top is sharp (R 1 and less). Now the
# drop averaged a third time extrapolates it where the box-aware fit of
# the top's order reads a parabola (shape.c): +0.06, -0.37 um. A 2.3 kHz
# ring of 15.2 um under 225 us (a development draw): -1.62 -> -0.32 um.
case_ ring_exposure_4khz_2p8khz ringing 4000 2033
case_ ring_exposure_4khz_2p1khz ringing 4000 2035
case_ ring_exposure_4khz_2p3khz ringing 4000 3000
# A 4.9 kHz ring at 85 Hz (248 bins a cycle, 4.3 a ring period; no
# exposure): the ring seen and its peak taken by a local quadratic over
# 5 bins, which spans most of a period and read 1.30 um of the 1.98 um the
# ring rose above the smooth top: -0.66 um against U 0.56. Now what the
# bins may not resolve of the fastest ring of the pad (5 kHz) counts in U
# (ring.c, ring_gain): U 1.00.
case_ ring_fast_on_coarse_bins_4khz ringing 4000 9103
# A 2.0 kHz ring under 69 us at 248 Hz (383 bins a cycle, 47 a ring
# period): the ripple's nearest convex point 15 bins out, but the strokes'
# scatter (a bin sees about 24 of them) left no local quadratic within a
# quarter of that (7 points each side) a maximum: the smooth peak was kept,
# -1.11 um against U 1.05. Now the quadratics reach to a quarter period of
# the slowest ring (ring.c): the one over 17 bins, unsure: -0.67 um, U 1.11.
case_ ring_flat_top_no_local_max_4khz ringing 4000 9114

# The pad's ring bound (a fixture's [laser] ring_max_um, rig analyze
# --ring-max-um; docs/measurement.md 5b): the same pad and pen read at a
# short exposure (20 us, which passes the 2..5 kHz band) and at the long
# one (240 us); what the short one reads beyond the long, with both Us, is
# the bound. The hidden ring's term is then held to it, not to the
# physics' 20 um: seed 108's pad rings 18.5 um (-9.70 um at 240 us, U
# 18.48 without a bound) and must stay covered; the same pen on a pad that
# does not ring must get a U of a few um. A ring seen beyond the bound is
# flagged, not capped.
g108="--seed 108 --fs 4000 --secs 1.926 --freq 228.824 --depth-um 979.4 --travel-um 623.1
  --cam asine --rise 0.323 --dwell 0.017 --rdwell 0.04 --noise-um 1.99 --noise-kind t3
  --wander-pct 0.085 --wander-hz 2.21 --scatter-um 2.22 --jitter-us 0.88 --warp 0.105
  --warp-phase 4.95"
a108="--format ild1420 --rate 4000 --zero-mm 5 --range-mm 10 --freq-hint 228.824
  --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0 --csv"
# ring_bound_ NAME "RING ARGS" MAX_U: characterize, then judge the long record
ring_bound_() {
  for e in 20 240; do
    # shellcheck disable=SC2086
    gen_py "$here/gen/blind_capture.py" --out "$tmp/rb$e.bin" $g108 $2 --exposure-us $e \
      >"$tmp/rb$e.truth" 2>&1 || { bad "$1: the generator failed"; return; }
  done
  # shellcheck disable=SC2086
  s=$($RUNNER "$RIG" analyze $a108 --exposure-us 20 "$tmp/rb20.bin" | tail -1)
  # shellcheck disable=SC2086
  l=$($RUNNER "$RIG" analyze $a108 --exposure-us 240 --ring-max-um 0.1 "$tmp/rb240.bin" | tail -1)
  b=$(python3 -c 'import math, sys
s, l = (r.split(",") for r in sys.argv[1:3])
print("%.2f" % (max(0.0, float(s[2]) - float(l[2])) + math.hypot(float(s[6]), float(l[6]))))' "$s" "$l")
  # shellcheck disable=SC2086
  r=$($RUNNER "$RIG" analyze $a108 --exposure-us 240 --ring-max-um "$b" "$tmp/rb240.bin" | tail -1)
  fig=$(python3 -c 'import re, sys
r = sys.argv[1].split(",")
t = float(re.search(r"depth ([0-9.]+)", open(sys.argv[2]).read()).group(1))
e, u = float(r[2]) - t, float(r[6])
print("%s %s err %+.2f um U %.2f (bound %s um)" % (r[0], abs(e) <= u and u <= float(sys.argv[3]),
      e, u, sys.argv[4]))' "$r" "$tmp/rb240.truth" "$3" "$b" 2>&1)
  case "$fig" in
    "ok True "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
ring_bound_ ring_bound_covers_a_ringing_pad "--ring-um 18.5 --ring-hz 4352 --ring-tau-ms 0.72
  --ring-sign -1" 15
ring_bound_ ring_bound_narrows_a_quiet_pad "" 4
# A ripple within noise (50 us: 0.66 um over the smooth top, under 3.5 of
# its standard uncertainties) is no ring seen beyond a bound: not flagged
# (a run would withhold the depth for it; tests/test_physics_captures.sh
# pins the flag on a ring the engine takes).
# shellcheck disable=SC2086
gen_py "$here/gen/blind_capture.py" --out "$tmp/rb50.bin" $g108 --ring-um 18.5 --ring-hz 4352 \
  --ring-tau-ms 0.72 --ring-sign -1 --exposure-us 50 >/dev/null 2>&1
# shellcheck disable=SC2086
w=$($RUNNER "$RIG" analyze $(echo "$a108" | sed 's/--csv//') --exposure-us 50 --ring-max-um 0.1 \
  "$tmp/rb50.bin" 2>&1)
case "$w" in
  *"the top ripples"*)
    case "$w" in
      *WARNING*) bad "ring_ripple_not_flagged: $(printf '%s\n' "$w" | grep WARNING)" ;;
      *) ok "ring_ripple_not_flagged: a ripple within noise, no warning" ;;
    esac ;;
  *) bad "ring_ripple_not_flagged: expected the ripple of this record: $(printf '%s\n' "$w" | grep -i ring)" ;;
esac

# A two-lobe cam (42 um apart, periods +-1.51 %) at 1 kHz: 69 of 188
# strokes refused as "not the stroke shape", the rest read 1285 um for a
# true 1228 (U 29) with no alternation left in them, status ok: wrong and
# sure. The periods as detected alternate; now refused ("two lobes": the
# engine could not follow them).
case_ lobes_1khz_unfollowed lobes 1000 1
# The same at 107.3 Hz: -7.71 um against U 1.55, strokes off by up to 18 um.
case_ lobes_1khz_unfollowed_107hz lobes 1000 11

# A rate at a whole number and a half of samples, no wander: the crossings'
# interpolation error alternates from stroke to stroke (1.4 % at 95.238 Hz):
# no lobes there, the record stays ok.
gen_py "$here/gen/blind_capture.py" --out "$tmp/half.bin" --fs 1000 --freq 95.238 \
  --cam poly4567 --rise 0.3 --rdwell 0.2 --wander-pct 0 --noise-um 0.5 >/dev/null
st=$($RUNNER "$RIG" analyze --format ild1420 --rate 1000 --zero-mm 5 --range-mm 10 \
  --freq-hint 95.238 --csv "$tmp/half.bin" 2>&1 | tail -1 | cut -d, -f1)
[ "$st" = ok ] && ok "half_sample_period_no_lobes: status ok" ||
  bad "half_sample_period_no_lobes: status $st (expected ok: the sampling, not lobes)"

# Speckle spikes at 1 kHz, against the same capture without them (issue
# 13: mean within 0.5 um, per-stroke min/max within 3 um). One-sided near
# spikes, all gated, still moved the mean +1.04 um: the top's order (2 or
# 3) sat at its choice's margin and flipped on the few samples the gate
# took from two bins; the orders now share the peak by their fit.
case_ spikes_1khz_order spikes 1000 104
# A far spike of 53 um on the advance flank passed the shape's gate (which
# allows for timing there) and, with 5 top samples, read its stroke 17 um
# shallow (min -7.02 um against the spike-free capture); each of 8 or fewer
# top samples is now tested against the fit of the others.
case_ spikes_1khz_flank spikes 1000 2052
# At 4 kHz under a 227 us exposure the top's drop on fine bins stood
# 2.89 of its noise out without spikes and 3.06 with 47 of them gated
# (the bins' noise estimate moved), and the correction switched from the
# middle (0.90 um) to the extrapolation (1.61): the mean +0.72 um against
# the spike-free capture. The extrapolation now takes over from 3 to 4 of
# its noise (shape.c, exposure_corr): +0.06 um.
case_ spikes_4khz_exposure_switch spikes 4000 9702

# Per-stroke min and max carry a U (depth_minmax_U_um, k = 2;
# docs/measurement.md "Per-stroke min and max"): at 1 kHz under t3 noise
# (3.2 um) one stroke's fit from 5-6 top samples read min -12.88 um and
# max +15.42 um off the truth with no U at all (as though exact). The
# extremes now have a U that covers them (the fits' largest error among
# the strokes, heavier for the noise's tails); on Gaussian noise it stays
# a few um. minmax_ NAME KIND RATE SEED MAX_U: status ok, min and max
# within their U against the truth over the strokes measured, U <= MAX_U.
# covered_below_ NAME FIG MAX_U: FIG ("STATUS COVERED ... U u") passes
# when the status is ok, the figure within its U and U at most MAX_U
# (a U above it no longer tells anything).
covered_below_() {
  u=$(printf '%s\n' "$2" | sed -n 's/.* U \([0-9.]*\)$/\1/p')
  case "$2" in
    "ok True "*)
      if awk -v u="$u" -v m="$3" 'BEGIN { exit !(u <= m) }'; then
        ok "$1: $2"
      else
        bad "$1: $2 (U above $3 um: no longer telling)"
      fi ;;
    *) bad "$1: $2" ;;
  esac
}
# fig_below_ NAME KIND RATE SEED MAX_U FIELD: status ok, the figure FIELD
# (depth, std: blind_hunt.py's FIELD_cov, FIELD_err, FIELD_U) within its
# U and U at most MAX_U (covered_below_)
fig_below_() {
  out=$(one_ "$2" "$3" "$4")
  fig=$(printf '%s\n' "$out" | python3 -c '
import json, sys
t, f = sys.stdin.read(), sys.argv[1]
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
print("%s %s %s %+.2f um U %.2f" % (d["status"], d.get(f + "_cov"), f,
      d.get(f + "_err", float("nan")), d.get(f + "_U", float("nan"))))' "$6" 2>&1)
  covered_below_ "$1" "$fig" "$5"
}
# depth_below_ NAME KIND RATE SEED MAX_U: status ok, the depth within its
# U and U at most MAX_U um (covered_below_). Defined here, before its
# first case (speed_pad_startup_levels_not_drift_4khz): defined below it,
# sh said "depth_below_: not found" there and the case never ran.
depth_below_() {
  fig_below_ "$1" "$2" "$3" "$4" "$5" depth
}
minmax_() {
  out=$(one_ "$2" "$3" "$4")
  fig=$(printf '%s\n' "$out" | python3 -c '
import json, sys
t = sys.stdin.read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
e = d.get("minmax_err") or [float("nan")] * 2
print("%s %s min %+.2f max %+.2f um U %.2f" % (d["status"], d.get("minmax_cov"), e[0], e[1],
      d.get("minmax_U", float("nan"))))' 2>&1)
  covered_below_ "$1" "$fig" "$5"
}
minmax_ minmax_u_t3_spikes_1khz spikes 1000 2028 30
# 2037's min is a stroke of own U 31.93 um (-17.15 um off the truth's
# min): since session 44 the extremes' U is at least their strokes' own
# (below), 19.70 -> 31.93 um
minmax_ minmax_u_t3_spikes_1khz_b spikes 1000 2037 33
minmax_ minmax_u_gauss_spikes_1khz spikes 1000 2036 4
# 2026 at 4 kHz lies under a 179 us exposure: its extremes' U is mostly
# the hidden ring's term (5b), which a ringless top pays too; since session
# 41 that term holds the box's mean of the ring from its impact, U 14.23 ->
# 17.77 um (the extremes' own part did not move: min -0.34, max +0.81)
minmax_ minmax_u_gauss_spikes_4khz spikes 4000 2026 20
# The extreme stroke's samples share the fold's error as every stroke's do
# (result.c stroke_fold_u, in each stroke's U since 9824): a poly4567 cam
# at 53.5 Hz, 4 kHz, 1.8 um of stroke scatter, 0.25 % speed wander; the
# extremes read min +0.61, max -0.91 um against U 0.90 (spikes and its
# spike-free twin alike: the fold, not the spikes). Now U 1.21.
minmax_ minmax_u_fold_4khz spikes 4000 10313 2
# blind_hunt.py mixed 4000 12415: t5 noise (1.27 um) put -9.7 and -8.0 um
# (7.6 and 6.3 sigma) on two adjacent samples of one stroke's top. Its
# 3-parameter fit followed them a third of the way, the refit's gate
# (4 sigma + 1 um, drawn around that fit) kept both, and the stroke read
# 4.0 um too deep against its own U of 1.6: the record's max +3.95 um
# against U 3.42. Adjacent pairs are now tested by their deleted
# residuals from the fit of the others (fit.c top_two_out): max +2.00,
# U 3.33.
minmax_ minmax_u_adjacent_outliers_4khz mixed 4000 12415 4
# An extreme is one stroke's depth, so its U is at least that stroke's
# own (--per-stroke's depth_U_um; result.c result_depth). speed 1000
# 21396's min is a stroke whose own U is 38.46 um (-17.99 um off, within
# it): the record's min read -16.87 um against the extremes' U 16.80
# (the largest of n fits' noise); now U 38.46. mixed 1000 21453's min,
# a stroke of U 10.68 (-11.85 um off): -9.28 against U 8.96, now 10.68.
minmax_ minmax_u_own_stroke_speed_1khz speed 1000 21396 40
minmax_ minmax_u_own_stroke_mixed_1khz mixed 1000 21453 12

# stroke_at_ NAME KIND RATE SEED T MAX_U: status ok, the stroke whose
# true peak is nearest T s measured, its depth within its own U
# (--per-stroke's depth_U_um, k = 2) against its truth, and that U at
# most MAX_U um (covered_below_).
stroke_at_() {
  fig=$(gen_py - "$here/gen" "$RIG" "$2" "$3" "$4" "$5" <<'PY' 2>&1
import sys, tempfile
sys.path.insert(0, sys.argv[1])
import blind_hunt as bh
rig, kind, fs, seed, at = sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
p = bh.draw(kind, fs, seed)
with tempfile.TemporaryDirectory() as d:
    path, truth = bh.write_capture(p, d)
    res = bh.rig_analyze(rig, p, path)
pairs = bh.match(truth, res)[0] if res.get("status") == "ok" else []
if not pairs:
    print("%s no stroke measured" % res.get("status"))
else:
    t, m = min(pairs, key=lambda tm: abs(tm[0]["t_sensor"] - at))
    e, u = m["depth"] - t["depth_um"], m["U"] or 0.0
    print("%s %s stroke at %.3f s %+.2f um U %.2f" % (
        res.get("status"), abs(e) <= u, t["t_sensor"], e, u))
PY
)
  covered_below_ "$1" "$fig" "$6"
}
# blind_hunt.py spikes 4000 12405 (t3 noise of 2.99 um): three of nine
# top samples of the stroke at 1.483 s lie 8-11 um low, two good ones
# between them, so neither the refit's gate nor the pair test
# (top_two_out) takes them; the fit followed them and the stroke read
# -7.5 um against its U of 3.8. The top cannot be read: leaving out any
# three of its samples, the two best fits read +1.2 and -12.4 um (rss
# 15.1 and 16.7 um^2). Its residuals show it (rss 228.5 um^2 over 6
# degrees of freedom, the noise 6.8 a sample): that misfit now counts in
# its U (result.c stroke_misfit_var): -7.5 um, U 8.2; U at most 10 um,
# so that a U grown for every stroke would fail.
stroke_at_ stroke_u_three_outliers_top_4khz spikes 4000 12405 1.4833 10

# Each stroke's depth carries its own U (`--per-stroke`'s depth_U_um,
# k = 2; docs/measurement.md "One stroke's depth"): before, the rows gave
# per-stroke depths with no U (as though exact), at 1 kHz under t3 noise
# up to 15 um off their truth. strokes_ NAME KIND RATE SEED: status ok,
# at least 90 % of the strokes within their own U against their truth
# (blind_hunt.py's STROKES_COVERED); with a fifth argument `std`, the
# per-stroke std within its own U too.
strokes_() {
  out=$(one_ "$2" "$3" "$4")
  fig=$(printf '%s\n' "$out" | python3 -c '
import json, sys
t = sys.stdin.read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
c = d.get("strokes_cov") or [0, 0]
w = d.get("strokes_worst") or [float("nan")] * 2
good = c[1] > 0 and c[0] >= 0.9 * c[1]
std = ""
if sys.argv[1] == "std":
    good = good and d.get("std_cov") is True
    std = ", std %+.2f um U %.2f" % (d.get("std_err", float("nan")), d.get("std_U", float("nan")))
print("%s %s %d/%d strokes within U (mean U %.2f um, rms error %.2f, worst %+.2f um U %.2f)%s" % (
    d["status"], good, c[0], c[1], d.get("strokes_U", float("nan")),
    d.get("strokes_rms", float("nan")), w[0], w[1], std))' "${5:-}" 2>&1)
  case "$fig" in
    "ok True "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
strokes_ stroke_u_t3_spikes_1khz spikes 1000 2028
strokes_ stroke_u_mixed_4khz mixed 4000 2030

# With --drift correct each stroke's depth is corrected for the drift at
# its own time (the curve the mean was corrected by), and its U holds that
# curve's uncertainty instead of the drift's whole excursion. Before, the
# strokes kept the drift (rms error 5.66 and 4.93 um on these records,
# mean U 9.84 and 8.37 um); now 0.75 and 0.43 um (U 2.19, 1.09).
# stroke_drift_ NAME RATE SEED: status ok, at least 90 % of the strokes
# within their own U, the strokes' rms error against their truth within
# 1.5 um.
stroke_drift_() {
  out=$(one_ drift "$2" "$3")
  fig=$(printf '%s\n' "$out" | python3 -c '
import json, sys
t = sys.stdin.read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
c = d.get("strokes_cov") or [0, 0]
r = d.get("strokes_rms", float("inf"))
print("%s %s %d/%d strokes within U (mean U %.2f um), rms error %.2f um" % (
    d["status"], c[1] > 0 and c[0] >= 0.9 * c[1] and r <= 1.5, c[0], c[1],
    d.get("strokes_U", float("nan")), r))' 2>&1)
  case "$fig" in
    "ok True "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
stroke_drift_ stroke_drift_corrected_1khz 1000 2026
stroke_drift_ stroke_drift_corrected_4khz 4000 2031

# The mean rate through speed changes (within 10 ppm): the partial strokes
# at the record's ends were timed from the end knots and the periods next
# to them, extrapolated over up to 1.6 periods: a start from 65 % at
# 1 kHz read +85.7 ppm, one from 85 % +77.7 ppm, a step to 0.86x at 4 kHz
# -26.3 ppm. Now the phase of the end samples is fitted to the samples
# around them (measure/edge.c): -4.8, +9.1, -0.4 ppm.
case_ speed_start65_1khz_10ppm speed 1000 2049
case_ speed_start85_1khz_10ppm speed 1000 2061
case_ speed_step_4khz_10ppm speed 4000 2062

# The crossings' interpolation bias at a few samples a stroke: linear
# interpolation between two samples times a crossing off by up to 0.007
# cycles (6.9 samples a stroke, 4-5-6-7 cam), depending on where the
# samples fall, and the learned knots kept 70-85 % of it (a shape folded
# with it agrees with it). The ends of the record took it into the rate:
# -23.1 ppm (U 36.6), +22.2 (U 39.7), -10.4 ppm. Now the crossings are put
# back by the bias the learned shape gives them, and the knots learned
# again (learn.c, xing_unbias): -1.9, -0.6, -2.8 ppm.
rate_ rate_xing_bias_1khz_6p9 mixed 1000 2033
rate_ rate_xing_bias_1khz_8p1 mixed 1000 2026
rate_ rate_xing_bias_1khz_11p0 mixed 1000 2035
# blind_hunt.py speed 1000 15840 (a 4-5-6-7 cam, rise 0.31, its chirp
# bringing the tail to 7.0 samples a stroke; THIMBLE, session 39): -12.8
# ppm (U 71). At about a whole number of samples a stroke the samples sit
# at the same phases for tens of strokes, and each end took what the
# unbiasing left of the crossings' bias: 27 % of it, +-0.003 cycles an
# end (a steady noiseless pen at 7.02 samples a stroke read -18..+25 ppm
# over six sampling phases). The bias came from a quintic over +-1.5
# slots around the mid crossing, which a flank about two slots long is
# not; a seventh degree with the once-a-slot ripples fitted beside it
# (learn.c, mid_poly_fit) follows it: -6.2 ppm; 12 redraws of the
# physics sd 17.6 -> 5.4 ppm (the floor 1.7).
rate_ rate_xing_bias_1khz_7p02 speed 1000 15840
redraw_spread_ rate_xing_bias_near_7_redraws_spread_1khz speed 1000 15840 12 9.0
# blind_hunt.py mixed 4000 22342 (an asine cam at 284 Hz, 14 samples a
# stroke, t5 noise of 1.57 um; session 45's hunt, ARCHITRAVE s46): the
# crossings' bias swung by 0.000496 cycles where the samples fall, just
# under the 5e-4 the unbiasing asked for, and the whole bias stayed in the
# ends: -3.71 ppm against U 3.61. Its noise drawn again swung by
# 0.000486..0.000525: those over 5e-4 read -1.0..+0.7 ppm (U 4.2..5.1),
# the one under -1.50. Now from 2.5e-4 (learn.c, UNBIAS_MIN_CYC):
# -1.25 ppm, U 4.52. About 1 s of CPU.
rate_ rate_xing_unbias_just_under_old_threshold_4khz mixed 4000 22342

# A start-up's strokes in the fold: it placed each stroke's samples by a
# phase linear in time between its knots, off by up to an eighth of the
# change of speed within the stroke, and the shape folded with a
# start-up's strokes moved its flanks. Every stroke timed against it
# carried that, the record's far end too. blind_hunt.py speed 1000 17098
# (53.2 Hz from 58 %, tau 45 ms, zeta 0.76; 18.8 samples a stroke) read
# -16.3 ppm (U 332); without noise its tail +7.8 ppm (12 sampling
# phases, sd 0.4, its own u 1.3), with the start-up's first 100 samples
# cut off -0.6. 16609 (62.9 Hz from 57 %) read +11.7. The fold now leaves
# out the strokes whose period changes by more than 2.5 % a stroke
# (shape.c, fold_steady): -4.5 and -0.6 ppm; noiseless (12 sampling
# phases) +4.4 +- 1.2 -> -1.1 +- 0.5 and +4.4 +- 1.8 -> -0.2 +- 0.7.
rate_ rate_fold_startup_steady_1khz_53hz speed 1000 17098
rate_ rate_fold_startup_steady_1khz_63hz speed 1000 16609

# A PWM ripple of the pen's speed moves the phase by a sinusoid the end
# fits' polynomial over three strokes cannot follow: 0.44 % at 42.1 Hz on
# a 79-88 Hz start-up (+-0.0013 cycles, 1.9 strokes a cycle), 0.33 % at
# 45.7 Hz on a 62.7 Hz pen under FM, 0.24 % at 39 Hz on a 52 Hz chirp:
# -12.6, -10.3, -18.6 ppm (inside U). The ripple is now found in the
# crossings next to each end and carried in the end fits (edge.c,
# edge_ripple): -8.1, -6.2, -9.0 ppm.
case_ speed_pwm_ripple_1khz_start speed 1000 7
case_ speed_pwm_ripple_1khz_fm speed 1000 35
case_ speed_pwm_ripple_1khz_chirp speed 1000 3105

# A PWM near the stroke rate: 0.43 % at 149.2 Hz on a 156.4 Hz pen (FM
# 1.76 % at 1.43 Hz, 4 kHz). Sampled once a stroke the crossings see it at
# 0.05 cycles a stroke, where edge_ripple's 7-point residual takes it out
# with the FM; within each stroke it moves the phase by +-0.0007 cycles,
# which the end fit's polynomial over three strokes cannot follow: the tail
# 0.0012 cycles off, -8.1 ppm against U 8.0, status ok. It is now found in
# the samples of the 48 strokes next to each end and carried in the end
# fits (edge.c, edge_sync_ripple): -4.6 ppm, U 8.6. Without noise, FM,
# wander and warp (the PWM alone): -4.34 ppm against U 2.83, now -0.36.
case_ speed_pwm_near_stroke_rate_4khz speed 4000 3027

# gen_row_ NAME "GENERATOR ARGS" "ANALYZE ARGS": the capture drawn into
# $tmp/gc.bin (its truth $tmp/gc.json) and the rig's CSV row of it in r;
# false, the case failed, when the generator fails
gen_row_() {
  # shellcheck disable=SC2086
  gen_py "$here/gen/blind_capture.py" --out "$tmp/gc.bin" --truth "$tmp/gc.json" $2 \
    >/dev/null 2>&1 || { bad "$1: the generator failed"; return 1; }
  # shellcheck disable=SC2086
  r=$($RUNNER "$RIG" analyze $3 --csv "$tmp/gc.bin" | tail -1)
}
# gen_fig_ NAME "GENERATOR ARGS" "ANALYZE ARGS" depth|rate: the mean depth
# (um) or the mean rate (ppm, the sensor's clock) within U (k = 2) of the
# generator's truth, status ok
gen_fig_() {
  gen_row_ "$1" "$2" "$3" || return
  fig=$(python3 -c 'import json, sys
r = sys.argv[1].split(",")
t = json.load(open(sys.argv[2]))
if sys.argv[3] == "depth":
    e, u, unit = float(r[2]) - t["depth_mean_um"], float(r[6]), "um"
else:
    f = float(r[7])
    e, u, unit = (f / t["rate_sensor_hz"] - 1) * 1e6, float(r[8]) / f * 1e6, "ppm"
print("%s %s err %+.2f %s U %.2f" % (r[0], abs(e) <= u, e, unit, u))' "$r" "$tmp/gc.json" "$4" 2>&1)
  case "$fig" in
    "ok True "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
# gen_rate_near_ NAME "GENERATOR ARGS" "ANALYZE ARGS" MAX_PPM: a capture
# drawn without drift whose mean rate (the sensor's clock) is within
# MAX_PPM of the generator's truth, no drift detected, status ok (for a
# capture drawn without noise, where U says little)
gen_rate_near_() {
  gen_row_ "$1" "$2" "$3" || return
  fig=$(python3 -c 'import json, sys
r = sys.argv[1].split(",")
t = json.load(open(sys.argv[2]))
e = (float(r[7]) / t["rate_sensor_hz"] - 1) * 1e6
good = r[0] == "ok" and abs(e) <= float(sys.argv[3]) and r[34] == "0"
print("%s %s err %+.2f ppm (at most %s), drift detected %s" % ("good" if good else "short", r[0], e,
      sys.argv[3], r[34]))' "$r" "$tmp/gc.json" "$4" 2>&1)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
# gen_cover_ NAME "GENERATOR ARGS" "ANALYZE ARGS": the depth within U (k = 2), status ok
gen_cover_() {
  gen_fig_ "$1" "$2" "$3" depth
}
# gen_no_ring_ NAME "GENERATOR ARGS" "ANALYZE ARGS": a depth, and no
# ringing line (a capture with no ring drawn)
gen_no_ring_() {
  # shellcheck disable=SC2086
  gen_py "$here/gen/blind_capture.py" --out "$tmp/gc.bin" $2 >/dev/null 2>&1 ||
    { bad "$1: the generator failed"; return; }
  # shellcheck disable=SC2086
  out=$($RUNNER "$RIG" analyze $3 "$tmp/gc.bin" 2>&1)
  ring_judged_ "$1" "$out"
}
gen_fig_ speed_pwm_near_stroke_rate_alone_4khz "--seed 3027 --fs 4000.0 --secs 2.0
  --freq 156.32 --depth-um 2013.3 --travel-um 838.4 --cam poly345 --rise 0.313 --dwell 0.0
  --rdwell 0.152 --noise-um 0 --scatter-um 0.06 --jitter-us 0.3 --pwm-pct 0.43 --pwm-hz 149.2
  --pad-level 0.901 --pad-gain 0.55 --pad-tau-ms 1.19" "--format ild1420 --rate 4000
  --zero-mm 5 --range-mm 10 --freq-hint 156.32 --linearity-um 0 --resolution-um 0.1557
  --zero-u-um 0 --clock-ppm 0" rate

# No PWM, but an FM (2.4 % at 1.98 Hz on a 68.5 Hz pen, 1 kHz, wander
# 0.26 %): the speed's change within each stroke, itself changing from
# stroke to stroke at the FM's rate, rides on the stroke's first harmonic
# at 1 - 1.98 / 68.5 cycles a stroke, and edge_sync_ripple took it for a
# ripple near the stroke rate (0.964 and 0.969 at the two ends): the tail
# 0.0015 cycles long, +11.1 ppm against U 42 (the limit is 10). Each
# stroke's own curve is now left free in that scan (SYNC_NUIS): none
# found, +4.1 ppm.
case_ speed_fm_no_sync_ripple_1khz speed 1000 10101

# A second-order start-up from 49 % (1/omega 44 ms, zeta 0.76) at 1 kHz,
# 50.1 Hz: the speed flat at the first sample, then steep, then levelling
# off within the head's three strokes, which the cubic there does not
# follow (through the true phase alone 0.0028 cycles off at the first
# sample): the head 0.0055 cycles short, -53.1 ppm (inside U). The knots
# over the first six strokes show the bend (their quartic's u^4
# coefficient -0.00054), and the head is now fitted with a quartic
# (edge.c, edge_head_quartic): -7.4 ppm.
case_ speed_startup_head_quartic_1khz speed 1000 10220

# One heavy-tailed noise value on the record's last sample: a t3 value of
# -11.2 um (4.1 x the noise rms) on a flank of 3260 um a cycle, at 8
# samples a stroke (1 kHz, 124 Hz). The tail's fit over 25 samples gives
# the last one a leverage of a half and followed it: the tail -0.0044
# cycles off, -16.4 ppm (inside U). A sample whose residual against the
# fit without it stands 5 of its standard deviations out, alone (its
# neighbours not beyond one on the same side), is now left out of the end
# fit (edge.c, edge_outlier; here 7.5): -2.2 ppm.
case_ speed_t3_last_sample_1khz speed 1000 2038

# A start-up at 1 kHz (from 66 %, tau 71 ms, 153 Hz, 6.5 samples a
# stroke) whose trend the noisy crossings did not show (knots_trend: 2
# standard errors): the knots' prior held the period steady, the first
# knots lay up to a slot off, and the head's fit started from them ended
# 0.35 cycles off: +1146.7 ppm against U 215 ppm, wrong and sure. The fit
# is now started from the crossings as detected too, and where the two
# ends differ the one that follows the samples better is taken (edge.c):
# +0.1 ppm, U 134. (Its first strokes were still refused: see
# speed_startup_trend_1khz_counted below.)
rate_ rate_startup_head_1khz speed 1000 3022

# Every stroke counted through a start-up whose speed overshoots (second
# order, from 53 % and 40 %): the pen's trend of the period (knots_trend)
# was cut to 0 where it fell under 5 standard errors while the period
# still changed, the knots' prior then held the period constant there and
# bent the knot next to the cut 0.2 and 0.85 slots off its crossing; its
# stroke was refused as "not the stroke shape" (1 of 268 and 1 of 261
# strokes lost). The trend now fades out with the transient.
case_ speed_overshoot_1khz_counted speed 1000 2027
case_ speed_overshoot40_1khz_counted speed 1000 2028

# Drift corrected (--drift correct), thermal shapes no quadratic follows:
# the quadratic through the troughs took the drift's start wrongly. An
# exponential (tau 0.42 s, 9.9 um) read -1.89 um, a logistic (8.5 um)
# +2.07 um, an exponential at 4 kHz (tau 0.61 s, 9.9 um) +1.31 um, all
# beyond the issue's 1 um. Now the troughs' polynomial has the degree they
# support (drift.c).
case_ drift_exp_1khz drift 1000 2033
case_ drift_logistic_1khz drift 1000 2034
case_ drift_exp_4khz drift 4000 2040
# An exponential settling (tau 0.37 s, 5.4 um) at 4 kHz, corrected: +1.45 um
# against U 1.16. The correction rests on the model's level at the
# record's start: a quartic there was 0.3 um off the exponential, and the
# first strokes' troughs lay 0.5 um off the later ones' trend. Settling
# exponentials are candidates beside the polynomials and lines through
# the first 16-64 troughs check the start level (drift.c); U covers it
# (+1.34 um, U 1.56). Within 1 um is not met: the same capture without
# drift reads +0.44 um.
cover_ drift_exp_start_4khz drift 4000 2029
# The shape folded from drifting samples takes part of the drift in, and
# the troughs against it show less than there is: an exponential (tau
# 0.65 s, 9.4 um) at 1 kHz read -1.06 um corrected, a line of 7.3 um at
# 121 Hz +1.22 um (the same captures without drift: -0.08, +0.90), and a
# logistic of 8.1 um at 4 kHz (a development draw) +1.73 um against U 1.70,
# its drift read +5.7 um. Now the drift is taken out of the samples before
# the shape is folded again (learn.c, learn_drift_out): -0.33, +0.65 and
# +1.13 um (U 1.71; the logistic's start, which no model of the troughs
# follows, is in U).
case_ drift_fold_exp_1khz drift 1000 2027
case_ drift_fold_lin_1khz drift 1000 2036
cover_ drift_fold_logistic_4khz drift 4000 3018
# Near commensurate (90.95 Hz at 1 kHz: 10.995 samples a stroke, the
# sampling phase moving 1.1 samples over the record) each bin of the shape
# is filled at its own time, so it takes the drift in wherever it stands,
# and the troughs fitted against it show whatever curve the first pass
# took out: they read a logistic of 9.1 um as 13.4 um and the depth,
# corrected, -1.88 um off (U 18.3; the same capture without drift +0.28).
# The first pass now fits the strokes' mean levels when the shape took the
# drift in (learn.c, learn_drift_out): +0.83 um.
case_ drift_fold_levels_commensurate_1khz drift 1000 10210
# blind_hunt.py drift 1000 10504: an exponential drift of 7.6 um (tau
# 1.4 s) at 90.867 Hz, 11.005 samples a stroke: the shape took the drift
# in, and the troughs fitted against it, flagged (the default), read
# +1.05 +- 1.06 um (standard) for a true +7.56: a drift missed and
# reported as none.
# Only --drift correct took the drift out of the fold (+7.06 +- 0.30).
# Now flag mode takes it out too when the strokes' levels show the shape
# took one in (learn.c, learn_drift_out): +7.03 +- 0.30.
drift_seen_ drift_flag_fold_levels_commensurate_1khz 1000 10504
# The same cause at 10.995 samples a stroke (a logistic of 9.1 um, the
# draw above's drift_fold_levels_commensurate_1khz), flagged: +13.41 +-
# 0.95 um for a true +9.12; now +8.64 +- 0.77.
drift_seen_ drift_flag_fold_levels_logistic_1khz 1000 10210
# A logistic drift is flat at both ends and odd about the middle: a cubic
# and a quartic read it alike, so the next degree's difference (the form
# term of drift_u_um) saw nothing, and the quartic bends back at each end
# (0.92 of a noiseless logistic). Flagged, -5.49 +- 0.36 um (standard)
# for a true -6.45 (4 kHz), +6.01 +- 0.19 for +6.74 (1 kHz). Now a
# quintic's difference beyond noise counts in drift_u_um (drift.c
# drift_fit): -5.49 +- 0.76, +6.01 +- 0.46.
drift_seen_ drift_figure_form_logistic_4khz 4000 10707
drift_seen_ drift_figure_form_logistic_1khz 1000 10716
# That form term says how well the drift's size is known, not whether
# there is one; judged by it (|drift| > 2 drift_u_um) a linear drift of
# -6.57 um, flagged at 1 kHz, read -5.00 +- 2.61 um (standard, 2.03 of it
# the quintic's) and a logistic one of -5.10 read -3.42 +- 1.99: "none".
# The rig now states its detection (drift_detected: the troughs' trend
# beyond 2 of the fit's own standard uncertainties, 4.8 and 2.4 of them
# here), and blind_hunt.py judges that statement; the figures keep their U.
drift_seen_ drift_detected_not_by_form_line_1khz 1000 2037
drift_seen_ drift_detected_not_by_form_logistic_1khz 1000 10318
# A drift of the readings, not what the speed moves. The troughs as read
# follow the speed: a step to 0.83 with a pad whose creep still recovers
# at the trough (1.7 um deeper after the step, noiseless; none without
# the pad), a start-up whose phase, mapped straight through each stroke,
# puts the retracting flank off the shape (the first troughs 3 um off),
# and the strokes' levels move with the start-up's shape. The rig said
# "detected" (+3.10 +- 0.80, -0.89 +- 1.80 with the levels' range 4.0,
# -4.06 +- 1.02 um); now the troughs' trend counts beyond what the
# stroke's period explains (drift.c drift_period_explains), the levels
# where the rate held within 5 % (LEVELS_STEADY_FRAC). U is unchanged.
no_drift_ drift_not_speed_step_pad_1khz speed 1000 10910
no_drift_ drift_not_speed_startup_levels_1khz speed 1000 10818
no_drift_ drift_not_speed_startup_4khz speed 4000 10921
# A drift of the readings on such a record is still detected: the speed
# draws above with the drift draw's drift of the same seed (+6.80, +6.82
# um, linear), and a mixed draw's own drift (+2.93 um, exponential).
drift_kept_ drift_kept_speed_step_pad_1khz speed 1000 10910
drift_kept_ drift_kept_speed_startup_4khz speed 4000 10921
drift_kept_ drift_kept_mixed_4khz mixed 4000 10801
# Under a chirp the period is a line in time and takes a drift's line:
# judged by its change over the record, the time part of a quarter sine
# of 7.6 um under a chirp of 4.8 % went within its uncertainty, not
# detected; by its coefficients (a Wald test) it is.
drift_kept_ drift_kept_speed_chirp_1khz speed 1000 10822
# 13.002 samples a stroke at 1 kHz (76.91 Hz), the sample phase
# wandering over 0.56-0.98 of a sample with the pen: the troughs as read
# 3 um higher at phase 0.95 than at 0.6, and the quartic through them
# read a quarter sine of -5.79 um as +1.56 um, 2.9 of its fit's standard
# uncertainties out (U 13.54 with its form and phase terms): "detected",
# the wrong way, in each of 13 redraws of the noise (+1.1..+1.9). The time
# part beside the phase's sine and cosine (drift_explain_best) reads
# -5.85 +- 0.13; where it runs the other way to the figure, "detected" is
# not said (drift.c drift_explain_opposes). With the pen's wander at
# 0.02 % (the draws' least) the strokes' levels said the shape took a
# drift in: +0.60 um flagged, +2.61 corrected, both "detected"; the time
# part -6.01 +- 0.70: not said either. One capture, two reads each.
drift_sign_ drift_sign_not_against_phase_1khz 1000 22884
drift_sign_ drift_sign_levels_not_against_phase_1khz 1000 22884 wander_pct=0.02
# The same draw without drift (drift_um=0): the quartic through the
# troughs follows the sample phase, +7.16 um (u 0.52), the take-in +1.46:
# "+8.62 +- 13.00 um, detected" flagged. The time part beside the phase
# reads +0.21 +- 0.13, none within 2 of its deviations, while it could
# have seen the figure's trend: that part reads none and the figure lies
# far from it, "detected" is not said (drift.c drift_explain_denies).
# One capture, two reads.
drift_sign_ drift_not_detected_phase_only_1khz 1000 22884 drift_um=0
# At a rate near a whole number of samples a stroke (142.886 Hz at 1 kHz:
# 6.998) the samples fall on each stroke where they fell on the last, a
# stroke's trough and peak as read move together with that phase (1.0 um
# apart between phases 0 and 0.5, the ring off, noiseless), and the phase
# wanders with the speed: -1.27 +- 0.33 um (standard), "detected", with
# no drift. Now the phase's sine and cosine stand beside the period in
# drift.c drift_period_explains. The same draw with the drift kind's
# drift of the same seed (+9.45 um, logistic) stays detected.
no_drift_ drift_not_sample_phase_1khz ringing 1000 10820
# A chirp of -2.1 % at 4 kHz (273.6 Hz, an exposure of 249 us): the
# troughs as read move 0.19 um over the record with no drift, and with the
# period beside the time polynomial the fit traded a period term of -1.7
# um against a time part of +1.8 (Wald 26 against 6.2): "detected". The
# troughs follow the speed's change from one stroke to the next as well
# as its level (the exposure's and the pad's response lags); that change
# now stands beside the period (drift.c drift_add_period, z_3).
no_drift_ drift_not_chirp_lag_4khz speed 4000 10900
drift_kept_ drift_kept_chirp_lag_4khz speed 4000 10900
drift_kept_ drift_kept_sample_phase_1khz ringing 1000 10820
# At 1 kHz a trough is a few noisy samples and BIC took a line or a
# cubic for a logistic drift (flat ends, steep middle): the line reads
# it 1.26 times, the cubic 0.74 times, and the forms the troughs did not
# tell apart (the 4-knot spline, the cubic, within 1 um of the truth)
# counted nothing: +8.97 +- 0.70 um (standard) for +7.54, -6.86 +- 0.44
# for -5.45, +5.63 +- 0.81 for +7.66. Now the largest difference of a
# model within 10 of the least BIC counts in drift_u_um (drift.c
# drift_fit): +- 1.22, +- 0.73, +- 1.41.
drift_seen_ drift_figure_forms_logistic_line_1khz 1000 11006
drift_seen_ drift_figure_forms_logistic_line_small_1khz 1000 11003
drift_seen_ drift_figure_forms_logistic_cubic_1khz 1000 10904
# The drift figure is the model's change from one end of the record to
# the other, and a model that misses the troughs at an end moves it whole.
# Under the pen's wander a drift folds into the shape where the sample
# phase stalls, and the last troughs read 0.7 um off (an exponential of
# tau 0.96 s: -5.22 +- 0.46 um, standard, for -6.16; without the wander
# -6.09); under noise BIC took a quadratic for an exponential of tau
# 1.14 s (+5.28 +- 0.31 for +5.91). Lines through the last (first) 32
# and 64 troughs at the end, less the model's value there beyond the troughs'
# white scatter, now counts in drift_u_um (drift.c drift_end_check):
# U 0.91 -> 0.99 um (error +0.94), 0.62 -> 0.98 (-0.64).
case_ drift_figure_ends_wander_4khz drift 4000 11404
case_ drift_figure_ends_quadratic_4khz drift 4000 11210
# Under the pen's wander the sample phase comes back over bins of the
# shape at the troughs' own times, each bin takes in the drift of when it
# was filled, and the troughs against it read the drift short over the
# whole record: fitted by its own form, 0.963 of an exponential of 7.7 um,
# 0.943 of a line of 9.8 um, 0.939 of an exponential of 9.9 um (0.999,
# 0.997, 0.999 against the shape folded without the drift). Flag mode now
# folds the shape once more without the drift the troughs show, reads the
# same strokes' troughs against it, and where the learning store is the
# record corrects the figure by the difference (learn.c
# learn_drift_takein): -0.47 um (U 0.35) -> -0.26, +0.55 (U 0.52) ->
# +0.15, +0.64 (U 0.50) -> +0.31; the depth and the detection as before.
case_ drift_figure_takein_exp_4khz drift 4000 11424
case_ drift_figure_takein_line_4khz drift 4000 11506
case_ drift_figure_takein_exp_exposed_4khz drift 4000 11607
# The drift family had no sine: a quadratic reads a quarter sine 4.4 %
# long, and where the noise tilted the troughs the cubic and the spline
# read as it did, so --drift correct's drift figure (a shape without the
# drift, a small U) was wrong and sure: -0.47 um against U 0.22, -0.55
# against U 0.46, +0.25 against U 0.17 (every limit of the draw; blind_hunt
# judges "drift within its U (corrected)"). The quarter sines joined the
# family (drift.c drift_bin_basis); BIC still takes the quadratic, and
# the sine within 10 of its BIC counts in U: 0.86, 0.89, 0.62 um.
case_ drift_corrected_figure_quarter_sine_4khz drift 4000 10900
case_ drift_corrected_figure_quarter_sine_laplace_4khz drift 4000 11403
case_ drift_corrected_figure_quarter_sine_falling_4khz drift 4000 11420
# An exponential between two of the family's time constants (tau 1.17 s;
# the family's 1 and 2 s): BIC took the quadratic, 4.91 um for 5.33, and
# the forms within 10 of it read as it did (the exponential of 1 s lay 12
# above), so --drift correct's figure was -0.43 um against U 0.39. The
# form term now also reads a settling exponential whose time constant is
# free (drift.c drift_exp_free: 5.23 um, 3 above the least BIC): U 0.69.
case_ drift_corrected_figure_exp_between_taus_4khz drift 4000 12318
# Near commensurate at 1 kHz (12.003 samples a stroke, the wander moving
# the sample phase) the troughs against the shape folded without the
# drift read a trend of +0.97 um that the strokes' mean levels do not
# (+0.07 on the same capture drawn without drift): a line of 5.99 um read
# 6.95, U 0.84. The levels' figure (6.11) against the troughs', beyond
# both their uncertainties, now counts in the figure's U (drift.c
# drift_level_corr): U 1.49.
case_ drift_corrected_figure_levels_disagree_1khz drift 1000 12411
# The same capture drawn without the drift (the same noise) read +0.97 um
# from its troughs, "detected" with --drift correct. It is the noise's
# own trend (its last 30 strokes' troughs +0.7 um), which the first of
# learn_drift_out's passes saw (+0.72, 2.75 u) through a shape whose
# trough bins the wander's sample phase filled at both ends of the
# record; taken out of the samples, the shape folded from them hands it
# back. Drawn again with new noise, 40 of 40 read +0.04 +- 0.15 um. The
# levels read +0.07 (v_level 0.48 um^2): the detection now counts the
# levels' disagreement with the troughs' trend (drift.c result_drift).
twin_no_drift_ drift_twin_levels_disagree_not_detected_1khz 1000 12411
# blind_hunt.py drift 1000 12304 drawn without drift read +1.28 um from
# its troughs, detected (the levels +0.22): a PWM ripple (0.43 % at
# 52.3 Hz) near a third of the stroke rate (157.37 Hz), read by troughs
# of a sample or two on a grid that also repeats every third stroke
# (6.354 samples a stroke); the two patterns slip once over the record.
# +0.50 with the noise at 0.01 um, +0.01 without the PWM. Not detected
# now: 1.28 against 2 sqrt(0.40^2 + 0.77).
twin_no_drift_ drift_twin_pwm_third_not_detected_1khz 1000 12304
# --drift correct corrects each stroke by the drift's curve, but the std
# kept the curve's variance (0.14 D^2 for a logistic, beyond the D^2 / 12
# its U counted): +1.55 um against U 1.32, +1.35 against U 1.25. Now the
# curve's variance over the strokes comes off (result.c result_depth):
# +0.15 um, U 0.85; -0.05, U 0.72.
strokes_ drift_corrected_std_logistic_4khz drift 4000 10707 std
strokes_ drift_corrected_std_logistic_fast_4khz drift 4000 10710 std
# Logistic drifts corrected (--drift correct): no polynomial or settling
# exponential of the family follows a logistic's flat ends, and the
# correction rests on the start, where a cubic or quartic through it
# starts off the flat start: -1.02 um at 1 kHz (8.4 um), +1.14 and
# +1.11 um at 4 kHz (8.4 and 5.6 um). Natural splines of 4 and 5 knots
# over the record, fitted on a store of the troughs binned in time, are
# in the family now (drift.c, drift_spline_fit): -0.80, +0.83, +0.93 um.
case_ drift_spline_logistic_1khz drift 1000 10202
case_ drift_spline_logistic_4khz drift 4000 10320
case_ drift_spline_logistic_small_4khz drift 4000 10407

# --drift correct: the correction is the drift model's value over the
# strokes less its value extrapolated to the record's start, where the
# troughs' noise counts most (a 1 kHz trough is a few samples): +1.42 um
# (1 kHz, sine 5.0 um), -1.08 (4 kHz, exponential 6.9 um). The strokes'
# mean levels over their cycle are a second measure of the drift, with
# noise of their own; the two now weigh in by their inverse variances
# (drift.c, drift_level_corr): +0.13, -0.65 um.
case_ drift_levels_sine_1khz drift 1000 10103
case_ drift_levels_exp_4khz drift 4000 10719

# The engine's own error at 1 kHz, no drift needed: an asine cam with a
# dwell of 0.015 of a cycle at full extension (about one of 70 bins). The
# sharp two-sided fit met its flanks above the flat (1.56 um over the top
# point, 2.0 over the true top), the middle of the fit and the point was
# taken: +1.55 um with no
# drift at all, +2.19 with the drift corrected. Now the orders with a
# flat at the vertex are weighed too (shape.c, flat_best): +0.06 with no
# drift. The same capture without noise, exposure, scatter, warp, wander
# or jitter read +1.55 too (now +0.07): the model, not the noise.
case_ drift_flat_top_1khz drift 1000 10901

# A short dwell at the top (asine cam, 0.027 of a cycle, 4 kHz): the sharp
# two-sided fit meets its flanks' parabolas above the plateau the bins
# show, +0.33 um against U 0.11, every local maximum 0.24 um or more below
# its vertex. Now the middle of the two, the gap in U (ring.c).
case_ dwell_vertex_4khz mixed 4000 2037

# Limits met today, kept so: a start-up (strokes counted, rate within
# 10 ppm), noise refused. (More kinds: `make blind`; each case here costs
# the generator a second or two.)
case_ speed_4khz speed 4000 1
case_ noisy_refused_1khz noisy 1000 1

# blind_hunt.py noisy 4000 10603: 11.2 um of noise on a 224 um stroke (4.9 %
# as the rig reads it, under the 5 % gate), a soft pad's plateau (a top
# window of 70 bins), no ring. The walk for a ripple found a rise at 5.17
# sigma (the largest of many on a plateau under noise), and the highest of
# its noisy local maxima, 7.9 um over the smooth peak, was taken as a
# ring's crest: +7.32 um against U 4.18, status ok (of 24 noise draws of
# its physics 7 took a ring, +2.5..+7.3 um). A ripple within RIPPLE_RAMP
# of its threshold now earns that share of the move, the whole gap in U
# (ring.c, ripple_ramp): +0.79 um, U 10.08.
case_ noisy_plateau_ripple_by_a_hair_4khz noisy 4000 10603

# refused_for_ NAME KIND RATE SEED STATUS TEXT: every limit of its kind met
# and no figure outside its U (as case_), and the record refused with
# STATUS, its reason holding TEXT (rig analyze's status line)
refused_for_() {
  out=$(one_ "$2" "$3" "$4")
  rc=$?
  msg=$(gen_py - "$here/gen" "$RIG" "$2" "$3" "$4" "$tmp" <<'PY' 2>&1
import subprocess, sys
sys.path.insert(0, sys.argv[1])
import blind_hunt as bh
a, path = bh.analyze_draw(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
pr = subprocess.run(a + [path], capture_output=True, text=True)
print(([l for l in pr.stdout.splitlines() if l.startswith("status:")] or ["status: none"])[0])
PY
)
  last=$(printf '%s\n' "$out" | tail -1)
  case "$msg" in
    "status: $5: "*"$6"*)
      if [ "$rc" -eq 0 ]; then ok "$1: $msg"; else bad "$1: $last"; fi ;;
    *) bad "$1: $msg; $last" ;;
  esac
}

# blind_hunt.py noisy 4000 11201: 28.4 um of noise on a 210 um stroke at
# 85.6 Hz. The noise crossed the strokes' level between their own
# crossings: the periods read short, the stall limit (4 of them) with
# them, and a stroke's own period read as a stall: "stalled: strokes
# stopped at 0.037 s (none for 11 ms or more)", and under it "rate:
# 1328.1357 Hz +- 1180.2433 Hz" for 85.56 Hz. The pen ran on: the samples
# over the stall's window keep the stroke's spread (42.3 um against 27.7
# um of noise). Noise over the gate now comes before a stall, and says
# whether the samples stopped; no rate (result.c, noise_over_gate,
# stall_moving). 11317: 42.4 um of noise on 290 um at 51 Hz, the same
# "stall" (+33 281 508 ppm, U 292 620), its short window flat (a dwell).
refused_for_ noisy_4khz_noise_not_a_stall noisy 4000 11201 noisy "still moving"
refused_for_ noisy_4khz_noise_or_a_stall noisy 4000 11317 noisy "a stall, or the noise"

# refused_bare_ NAME KIND RATE SEED: a record refused with no figures (noisy,
# two lobes: docs/measurement.md, "Status of a record") states none in rig
# analyze's summary nor in its CSV row: no depth, rate or drift figure, and
# under noisy no rejection named by the detection the noise broke
refused_bare_() {
  msg=$(gen_py - "$here/gen" "$RIG" "$2" "$3" "$4" "$tmp" <<'PY' 2>&1
import subprocess, sys
sys.path.insert(0, sys.argv[1])
import blind_hunt as bh
a, path = bh.analyze_draw(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
txt = subprocess.run(a + [path], capture_output=True, text=True).stdout.splitlines()
csv = subprocess.run(a + ["--csv", path], capture_output=True, text=True).stdout.splitlines()
row = dict(zip(csv[0].split(","), csv[1].split(","))) if len(csv) == 2 else {}
status = row.get("status", "?")
leaks = [l for l in txt if l.startswith(("drift:", "depth: ", "rate: ", "steadiness:"))
         and not l.endswith("no result")]
leaks += ["csv %s=%s" % (k, row[k]) for k in ("depth_mean_um", "freq_hz", "drift_um",
          "drift_u_um", "drift_detected") if row.get(k)]
if row.get("drift_corrected", "0") != "0":
    leaks.append("csv drift_corrected=1")
if status == "noisy":
    leaks += [l for l in txt if l.startswith("strokes:") and "(" in l and "stall" in l]
good = status in ("noisy", "two lobes") and not leaks
print("%s %s: %s" % ("good" if good else "short", status, "; ".join(leaks) or "no figure stated"))
PY
)
  case "$msg" in
    "good "*) ok "$1: $msg" ;;
    *) bad "$1: $msg" ;;
  esac
}

# blind_hunt.py noisy 4000 11201 (above), refused as noisy with no depth or
# rate, still said "strokes: 129 measured, 99 rejected (31 irregular
# period, 43 stall, ...)" (the noise's "stalls": the pen ran on) and
# "drift: -12.09 um +- 78.91 um ..., not detected" from troughs the noise
# had set; the CSV row held the drift too. A two-lobe cam refused (lobes
# 4000 9900) said "drift: +0.01 um +- 0.94 um". A record refused by a gate
# now states no drift figure (result.c, result_gates; a drift refusal keeps
# its own), and a noisy one names no rejection (cmd_analyze.c,
# print_strokes_line).
refused_bare_ noisy_4khz_refused_states_no_figure noisy 4000 11201
refused_bare_ lobes_4khz_refused_states_no_drift lobes 4000 9900

# blind_hunt.py noisy 4000 11219: 13.8 um of noise on a 273 um stroke
# (4.3 % as read, under the gate), a 193 us exposure. The noise made a
# "ring" seen unresolved (rise 18.86 um; the peak half of it up), and the
# exposure's drop was taken from that raised peak: the half-rise passed
# into the drop and its extrapolation, 18.33 um added for an exposure that
# drops the quiet twin's top by 0.17 um: +27.94 um against U 21.00, status
# ok. At 1 kHz 11317 (21.4 um on 397 um, 206 us, coarse bins: no
# extrapolation) 7.90 um: +25.54 against U 23.38. The drop is now P's
# top's, from the peak without the ring's half (shape.c, shape_build):
# +9.65 um, U 14.78; +17.71, U 22.67 (the noise's "ring" itself is left).
case_ noisy_4khz_exposure_unresolved_ring noisy 4000 11219
case_ noisy_1khz_exposure_unresolved_ring noisy 1000 11317

# exposure_twin_ NAME KIND RATE SEED: the draw, status ok and every limit
# of its kind met, and its depth within the U (k = 2) of its twin's: the
# same draw with no exposure, read without --exposure-us
exposure_twin_() {
  out=$(one_ "$2" "$3" "$4")
  rc=$?
  fig=$(gen_py - "$here/gen" "$RIG" "$2" "$3" "$4" "$tmp/twin.bin" <<'PY' 2>&1
import os, subprocess, sys
sys.path.insert(0, sys.argv[1])
import blind_capture as bc, blind_hunt as bh
rig, kind, fs, seed, path = sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
runner = os.environ.get("RIG_RUNNER", "").split()
p = bh.draw(kind, fs, seed)
q = dict(p)
q.pop("exposure_us", None)
d = {}
for tag, r in (("exposed", p), ("twin", q)):
    data, _ = bc.make(r)
    with open(path, "wb") as f:
        f.write(data)
    pr = subprocess.run(runner + [rig, "analyze"] + bc.analyze_args(r) + ["--csv", path],
                        capture_output=True, text=True)
    lines = pr.stdout.strip().splitlines()
    d[tag] = dict(zip(lines[0].split(","), lines[1].split(","))) if len(lines) == 2 else {}
try:
    a, b = float(d["exposed"]["depth_mean_um"]), float(d["twin"]["depth_mean_um"])
    ub = float(d["twin"]["depth_U_um"])
except (KeyError, ValueError):
    print("short: no depth (%s, twin %s)" % (d["exposed"].get("status"), d["twin"].get("status")))
    sys.exit(0)
print("%s: %.2f um against its twin's %.2f (U %.2f): %+.2f um" % (
    "good" if abs(a - b) <= ub else "short", a, b, ub, a - b))
PY
)
  last=$(printf '%s\n' "$out" | tail -1)
  case "$fig" in
    "good"*) if [ "$rc" -eq 0 ]; then ok "$1: $fig"; else bad "$1: $fig; $last"; fi ;;
    *) bad "$1: $fig" ;;
  esac
}

# The noise's own "ring" under those exposures: the coarse ripple walk
# (ring.c, top_ripple) found a rise of 18.86 um two points from 11219's
# top at 5.92 of its points' standard errors, but the fold's points
# scatter 2.4 times the variance those errors give (noise near the gate
# moves a run of strokes' phases together, and a bin holds such runs), and
# against that a rise of 3.82 standard errors is what the noise makes. It
# was taken as a ring seen, unresolved, the peak raised by half of it:
# +9.65 um (U 14.78) where its twin without the exposure reads +1.26 (U
# 2.89); 1000 11317 +17.71 (U 22.67). A rise the fold's noise makes is not
# taken now, its half a doubt in U (ring.c, fold_noise_excess): 11219
# +0.60 um (U 16.39), 1000 11317 +0.22 (U 22.68).
exposure_twin_ noisy_4khz_exposure_noise_no_ring noisy 4000 11219
exposure_twin_ noisy_1khz_exposure_noise_no_ring noisy 1000 11317

# The same noise on fine bins: noisy 4000 11583 (20.3 um of noise on a
# 387 um stroke, 174 us, 360 points a cycle) rose 31.9 um at 6.71 of its
# points' standard errors, a ripple seen in full (ring.c, ripple_ramp),
# on points scattering 2.16 times their variance (4.56 of that scatter's
# sigma: the noise makes it). Its best local maximum (5.12 um up, 2.7
# sigma) became an unsure ring's crest, and the exposure's "other crest"
# beside it (shape.c, exposure_rival), extrapolated through the box
# whatever its noise, added 10.04 um: +15.16 um (U 13.24), status ok, its
# twin +4.42 (U 10.71). The ripple is now judged against the fold's own
# scatter, earns nothing under 5 sigma of it, and a ripple that earned
# nothing has no other crest: -0.61 um (U 7.85).
exposure_twin_ noisy_4khz_exposure_fine_noise_no_rival noisy 4000 11583

# A top bin of one sample: the twin of noisy 4000 11531 without its
# exposure, its noise put at 3.6 % of the travel (12.6 um on a 350 um
# poly345 stroke; 20.004 samples a stroke, so the fold's 367 bins fill
# unevenly, 1 to 45 samples). A bin of one sample has no spread of its
# own, its standard error was 0: one sample 17 um high made the top
# there (the 3-bin mean), its noise 0 shrank the sharp window to 1 % of
# the travel (+-3 bins) and the peak's noise term to 0: +3.05 um against
# U 1.56. A bin of under 3 samples now takes the fold's sample spread
# (shape.c, shape_points): +2.31 um, U 3.67.
gen_cover_ noisy_4khz_one_sample_top_bin "--seed 11531 --fs 4000.0 --secs 2.213
  --freq 199.957 --depth-um 1759.5 --travel-um 350.4 --cam poly345 --rise 0.319 --dwell 0.0
  --rdwell 0.172 --noise-um 12.6 --noise-kind gauss --wander-pct 0.164 --wander-hz 2.58
  --scatter-um 2.67 --jitter-us 0.82" "--format ild1420 --rate 4000 --zero-mm 5
  --range-mm 10 --freq-hint 199.957 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0
  --clock-ppm 0"

# The same start-up at 1 kHz as rate_startup_head_1khz (from 66 %, 0.3
# slots of noise on its crossings): 11 of its first strokes were refused
# as "not the stroke shape". knots_trend (learn.c) took the standard error
# of a mean of nine second differences as sigma / 3, but their sum
# telescopes to two first differences: at most sigma / 9. The trend, seen
# at 2 of the old errors, was cut to 0, and the knots' prior held the
# period steady through the start-up. Now every stroke is counted and
# every limit met.
case_ speed_startup_trend_1khz_counted speed 1000 3022
# A start-up from 47 % (second order, 78 ms) onto a creeping pad at 4 kHz:
# at the slow start the pad creeps further and flattens the top, 12 um
# below what the learned shape makes of the stroke's flanks. The refit
# for spikes (fit.c, top_fit) then left a third of the top out and two
# strokes were refused as "not the stroke shape" (2 of 212 not measured),
# while the first strokes it kept read 10 to 16 um deep against U 8.7
# (207 of 209 within U). A stroke of a pen changing speed (knots_trend)
# now keeps its first fit when the refit would leave out that much, and
# its top's samples off the fit (top_excess) go whole into its U.
all_strokes_ speed_pad_startup_4khz_counted speed 4000 2063
# The start-up strokes themselves are off the learned shape: speed 1000
# 20301 (from 61 % onto a pad, 1 kHz) reads its second stroke +4.61 um
# deep, its level 9.5 um off. The spurious drift term above had covered
# it (U 7.65); without it, its own U was 3.86. A stroke's U now holds how
# far the speed's change across it moves its level (b (z - mean z), a
# standard uncertainty; result.c measure_stroke_U_um): U 18.93. A guard,
# covered on /tmp/rig.s43 too (by the drift's term).
stroke_at_ speed_startup_stroke_off_shape_1khz speed 1000 20301 0.0325 25
# startup_strokes_ NAME KIND RATE SEED T_END MAX_ERR NOISE_SEED...: the
# draw's capture with its noise drawn from each NOISE_SEED (blind_capture.py
# --seed; the draw's own is SEED), status ok, and every stroke whose true
# peak lies before T_END s measured (the record's partial head aside),
# within its own U (k = 2) and within MAX_ERR um of its truth.
startup_strokes_() {
  name=$1
  shift
  judged_ "$name" gen_py - "$here/gen" "$RIG" "$@" <<'PY'
import sys, tempfile
sys.path.insert(0, sys.argv[1])
import blind_hunt as bh
rig, kind, fs, seed = sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
t_end, max_err = float(sys.argv[6]), float(sys.argv[7])
bad, n, worst = [], 0, (0.0, 0.0, 0.0)
for ns in sys.argv[8:]:
    p = dict(bh.draw(kind, fs, seed), seed=int(ns))
    with tempfile.TemporaryDirectory() as d:
        path, truth = bh.write_capture(p, d)
        res = bh.rig_analyze(rig, p, path)
    if res.get("status") != "ok":
        bad.append("%s: %s" % (ns, res.get("status")))
        continue
    pairs, missing = bh.match(truth, res)
    bad += ["%s: stroke at %.4f s not measured" % (ns, t["t_sensor"])
            for t in missing if t["t_sensor"] < t_end]
    for t, m in pairs:
        if t["t_sensor"] >= t_end:
            continue
        n += 1
        e, u = m["depth"] - t["depth_um"], m["U"] or 0.0
        if abs(e) > abs(worst[0]):
            worst = (e, u, t["t_sensor"])
        if not (abs(e) <= u and abs(e) <= max_err):
            bad.append("%s: stroke at %.4f s %+.2f um U %.2f" % (ns, t["t_sensor"], e, u))
print("%d strokes before %.2f s over %d noise draws, worst %+.2f um U %.2f at %.4f s%s" % (
    n, t_end, len(sys.argv) - 8, worst[0], worst[1], worst[2],
    "; " + "; ".join(bad[:4]) if bad else ""))
sys.exit(1 if bad else 0)
PY
}
# A slow start-up onto a pad (blind_hunt.py speed 4000 20053: 262.8 Hz,
# from 40 %, second order, zeta 0.43, a pad of 0.38 ms): the pad's time
# constant is fixed in time, not in phase, so a stroke at 2.5 times the
# steady period has a shallower, flatter top (truth 2332-2336 um against
# 2343 steady), its samples at the very top 9 to 15 um below the learned
# shape, its flanks 3 to 6 um above. The spike gate left that top out:
# strokes 2 and 4 refused as not the stroke shape, the others read from
# their flanks up to +9.3 um deep (U 10.7); its noise drawn again (seed
# 920536), the second stroke +9.97 um against U 9.19 on /tmp/rig.s44.
# Such a top is read from its very top's samples now (fit.c top_fit_run):
# every start-up stroke measured, each within its U and 2.6 um of its
# truth over 13 noise draws (here the worst +2.51 um, U 14.0, a stroke
# with no run that the whole-top fit reads). 1.5 s of CPU.
startup_strokes_ speed_startup_pad_top_strokes_4khz speed 4000 20053 0.1 4 20053 920536
# A 4.4 kHz ring of 16.7 um on a dwell under a 112 us exposure (8.7 points
# of the fold a ring period): under noise the ripple's first convex point
# lay 12 points from the top, so the local quadratics spanned up to 11
# points, more than a ring period; the least uncertain of them read the
# ring's peak 1.0 um low, the exposure's best box mean stood above it and
# its drop was taken as 0: -1.49 um (U 3.44). No ring of the pad's is
# slower than 2 kHz, so a half period is held to that (ring.c,
# ring_band_half): -0.98 um. A development draw the same way (a 2.5 kHz
# ring of 11.7 um on 66 Hz strokes under 200 us, its convex point 24
# points out, quadratics over up to 17): -0.85 um against U 0.74, now
# -0.37 um, U 0.82.
case_ ring_4khz_band_half ringing 4000 2036
cover_ ring_4khz_band_half_covered ringing 4000 3028
# A top the pad's creep flattened (poly4567 cam, contact at 93 % of the
# travel) at 1 kHz on 75 coarse bins: the sharp fit passed 1.5 um under
# the two top points (3.8 of their standard errors), and drift 1000 2032
# read -1.91 um corrected (the same capture without the creep +0.08).
# A point is the shape at its mean phase, at or below the top: their mean
# is now the peak, the gap in U (shape.c, peak_under_top): -0.44 um.
case_ drift_top_under_fit_1khz drift 1000 2032
# A 3.8 kHz ring of 16.5 um on 283 Hz strokes under a 64 us exposure: the
# box lowers the ring's first crest more than the next, so through it the
# two stood level (592.16 and 591.92 um on the noiseless fold, 593.68 and
# 592.84 without the box), and the ring search took the second: -1.15 um
# against U 1.03. Both crests are now corrected for the box the same way
# and the higher so is the peak (shape.c, exposure_rival): +0.16 um, U 1.74.
case_ ring_4khz_rival_crest ringing 4000 3016
# A ring the bins cannot resolve or a flank it only bends: a 4.0 kHz ring
# of 13.1 um on 52.7 Hz strokes, 3.5 bins of the fold a ring period (the
# band's half period of 2 kHz, 3.5 bins, passed for resolved), whose
# 5-bin quadratic read the smooth top: -1.29 um against U 1.26; a 3.1 kHz
# ring of 11.8 um on 286 Hz strokes that showed no ripple, its local
# maximum 11 sigma up met halfway: -1.67 um. The top is now fitted as a
# quartic and a damped sine (ring.c, ring_model_peak): -0.55 um, U 1.24;
# -0.29 um, U 4.37.
case_ ring_4khz_unresolved_bins_model ringing 4000 10210
case_ ring_4khz_bent_flank_model ringing 4000 10218
# Rings under a short exposure that the box passes half to three quarters
# of (|sinc(f tau)|): 10410 a 3.9 kHz ring of 19.8 um under 107 us (0.74),
# 10322 4.9 kHz, 14.0 um, 89 us (0.71), 10207 4.8 kHz, 6.2 um, 110 us
# (0.60; its noiseless boxed top lies 2.30 um under the truth), 10415
# 4.8 kHz, 14.4 um, 118 us (0.55). The ring model knew no box and was off
# under an exposure; the box's correction of the top (5b) left -1.36,
# -1.53, -2.62, -1.97 um (U 3.18, 2.51, 4.27, 6.78). The model's columns
# are now their box means (ring.c, ring_model_peak with a box), its top
# the unboxed one: -0.05, -0.18, -0.35, -0.10 um (U 4.22, 3.73, 3.53, 8.41).
case_ ring_4khz_box_model_107us ringing 4000 10410
case_ ring_4khz_box_model_89us ringing 4000 10322
case_ ring_4khz_box_model_110us ringing 4000 10207
case_ ring_4khz_box_model_118us ringing 4000 10415
# Rings under a long exposure that the box passes about 0.3 of. 10703 (a
# 3.5 kHz ring of 17.1 um under 205 us, gain 0.33), 10224 (3.9 kHz,
# 7.7 um, 193 us, 0.30) and 10117 (4.3 kHz, 15.3 um, 177 us, 0.29) show no
# ripple and no local maximum 3.5 sigma up through the box, which the
# model asked for: not tried, the box's correction of the top left -4.17,
# -3.30, -3.61 um (U 19.47, 20.19, 20.11). Now it is tried wherever the
# box does not pass the band, and the fit decides: +0.16, -0.14, -0.24 um
# (U 20.06, 20.37, 20.34). 10721 (4.2 kHz, 19.2 um, 183 us, 0.28) was
# fitted, but rings under 0.3 were not tried, so the best of the rest lay
# at the floor's edge (4025 Hz): -1.86 um (U 19.84). Every ring the box
# leaves anything of is tried, the best taken when the box passes 0.2 of
# it or more: -0.54 um (U 20.03).
case_ ring_4khz_box_model_hidden_205us ringing 4000 10703
case_ ring_4khz_box_model_hidden_193us ringing 4000 10224
case_ ring_4khz_box_model_hidden_177us ringing 4000 10117
case_ ring_4khz_box_model_floor_183us ringing 4000 10721
# 10908 (a 3.5 kHz ring of 14.9 um under 181 us, gain 0.46, 79 Hz
# strokes): its top bends convex 33 points out (5.4 half periods of the
# band's slowest ring) and its best local maximum stands 1.3 sigma up, so
# the far flank's rule kept the smooth peak before the model was tried:
# -1.65 um (U 19.89, main d754357). Under a long exposure the model is now
# tried first (ring.c, far_unsure): a ring at 3350 Hz standing 51 of its
# noise out of the fit, -0.64 um (U 19.90).
case_ ring_4khz_box_model_before_far_flank_181us ringing 4000 10908
# Two windows, one fit each: 10614 (a 2.8 kHz ring of 16.4 um under
# 184 us, gain 0.63, on a creeping pad) and 9909 (3.5 kHz, 185 us, 0.43).
# The peak was the middle of the near-best tops of both the whole window
# and the narrow one: on 10614 the narrow window fits worse (1.19 against
# 1.35 of chi-square a degree of freedom), lets rings the box passes
# little of fit as well, and their tops lifted the middle: +2.83 um (U
# 20.97, main 31f418d); on 9909 the whole window's quartic does not follow
# the top (2.50 against 1.09) and its tops pulled it down: -1.26 um (U
# 19.75). Under an exposure the peak is now the middle of the tops of the
# window that follows the top: the narrow one where the whole one misfits
# beyond chance (F test), else the whole one where it fits as well a
# degree of freedom, U still spanning both (ring.c, RM_WINDOW_P): +0.38 um
# (U 21.69) and -0.20 um (U 18.70).
case_ ring_4khz_box_model_better_window_184us ringing 4000 10614
case_ ring_4khz_box_model_better_window_185us ringing 4000 9909
# The ring's frequency loose over the top window: 10917 (a 2.7 kHz ring of
# 19.2 um under 247 us, gain 0.42), 11108 (2.5 kHz, 6.8 um, 248 us, 0.49)
# and 2040 (2.4 kHz, 16.6 um, 210 us, 0.63). Over about one ring period,
# as wide as the box, rings a fifth apart in frequency fit within a few of
# the noise, their tops several um apart: 10917's best was 3075 Hz with no
# decay, +3.36 um (U 23.31, main ba298fa); 11108 +1.78 (U 19.76); 2040
# +1.45 (U 20.15). The ring goes on past the top: a window carried 3 half
# periods of 2 kHz further, a sextic for the flank, pins it (10917 2750
# Hz), and its tops are taken where they lie within the top window's and
# span under a third of them (ring.c, rm_long_tops): +0.55 um (U 23.93),
# +0.26 (U 20.08), -0.06 (U 20.44). 10117 above guards the third.
case_ ring_4khz_box_model_long_window_247us ringing 4000 10917
case_ ring_4khz_box_model_long_window_248us ringing 4000 11108
case_ ring_4khz_box_model_long_window_210us ringing 4000 2040
# The long window's tops against both top windows': 10014 (a 2.4 kHz ring
# of 14.7 um under 209 us, gain 0.64, 75 Hz strokes). The F test chose
# the narrow window, whose tops (+0.27..+1.47 um) lay all above the long
# window's (-0.23..-0.06), so the long window was not taken: +1.23 um (U
# 19.30, main 6f0374a). Its tops lie within both windows' (-1.02..+1.47,
# the span U states), and are taken there (ring.c, rm_long_tops): -0.02.
case_ ring_4khz_box_model_long_window_within_both_209us ringing 4000 10014

# The per-stroke std's ring term through the exposure's box (result.c
# std_ring_u). std_ NAME KIND RATE SEED MAX_U: status ok, the std within
# its U (k = 2) against the truth over the strokes measured, U <= MAX_U.
std_() {
  fig_below_ "$1" "$2" "$3" "$4" "$5" std
}
# blind_hunt.py speed 4000 2027 (a 3.35 % chirp under 135 us, no ring):
# the ring's model through the box took a "ring" at 2.3 kHz (56 of its
# noise out of the quartic's fit), which a polynomial of degree 6 fits as
# well (1.1), its part of the top -0.46 um; the std's ring term, the
# noise's sd (2.05 um), put U at 4.16 for a std 0.07 um off (main
# 31f418d). Held to the ring's part: U 1.13.
std_ std_u_smooth_ring_held_to_part_4khz speed 4000 2027 2
# ringing 4000 10119 (16.8 um at 2165 Hz under 106 us, box gain 0.92): a
# real ring that the degree-6 polynomial fits as well (0.6), its part
# 3.14 um; the std reads 0.42 um low (the ring's change from stroke to
# stroke, which the fits do not follow). Dropping the ring term there
# left U 0.23 (session 30, GAUZE's gate, not landed); the term held to
# the part keeps the noise's sd: U 1.92. A guard: it passes on 31f418d.
std_ std_u_smooth_real_ring_kept_4khz ringing 4000 10119 3
# ringing 4000 10914 (4289 Hz under 246 us, box gain 0.05; the best ring
# 4575 Hz, gain 0.13, 49 of its noise out of the fit, refused under
# RM_BOX_GAIN): no ring term, the std 0.62 um low against U 0.21 (main
# 31f418d). The strokes' change of a ring the box hid is not in the
# samples: the spread at the top over the gain, held to the ring the
# exposure may hide: U 33.6, "not resolved".
std_ std_u_hidden_ring_4khz ringing 4000 10914 40
# 2027's report said "the tips ring at the top of the stroke" (31f418d),
# for a ring a smooth top explains as well; it now says it is not told
# from the top's own shape.
smooth_said=$(gen_py - "$here/gen" "$tmp" "$RUNNER $RIG" <<'PY' 2>&1
import subprocess, sys
sys.path.insert(0, sys.argv[1])
import blind_capture as bc
import blind_hunt as bh
p = bh.draw("speed", 4000.0, 2027)
path = sys.argv[2] + "/smooth2027.bin"
data, _ = bc.make(p)
with open(path, "wb") as f:  # closed before the rig reads it (pypy3 collects late)
    f.write(data)
out = subprocess.run(sys.argv[3].split() + ["analyze"] + bc.analyze_args(p) + [path],
                     capture_output=True, text=True).stdout
print(" | ".join(l for l in out.splitlines() if l.startswith("ringing:")) or "no ringing line")
PY
)
case "$smooth_said" in
  *"the tips ring"*) bad "ring_smooth_not_reported_4khz: $smooth_said" ;;
  *"not told from the top's own shape"*) ok "ring_smooth_not_reported_4khz" ;;
  *) bad "ring_smooth_not_reported_4khz: $smooth_said" ;;
esac

# std_over_ NAME KIND RATE SEED MAX_U KEY=VALUE...: fig_below_'s std
# (status ok, the std within its U, U at most MAX_U um) on the draw with
# its parameters KEY set to VALUE
std_over_() {
  fig=$(gen_py - "$here/gen" "$RIG" "$@" <<'PY' 2>&1
import sys, tempfile
sys.path.insert(0, sys.argv[1])
import blind_capture as bc
import blind_hunt as bh
rig, kind, fs, seed = sys.argv[2], sys.argv[4], float(sys.argv[5]), int(sys.argv[6])
p = bh.draw(kind, fs, seed)
for kv in sys.argv[8:]:
    k, v = kv.split("=", 1)
    p[k] = type(p.get(k, bc.DEFAULTS.get(k)))(v)
with tempfile.TemporaryDirectory() as d:
    path, truth = bh.write_capture(p, d)
    o = bh.judge(kind, p, truth, bh.rig_analyze(rig, p, path))
print("%s %s std %+.2f um U %.2f" % (o["status"], o.get("std_cov"),
      o.get("std_err", float("nan")), o.get("std_U", float("nan"))))
PY
)
  covered_below_ "$1" "$fig" "$5"
}
# What the fits follow of the strokes' depths beyond std_follow's model
# (result.c STD_FOLLOW_U; docs/measurement.md, "What the fits follow of
# the strokes' depths"): a stroke in the learning store follows about
# 0.96 of its depth change (its own samples' share of the shape's
# points), less again under a pad's creep. blind_hunt.py mixed 4000
# 19750 (296 Hz asine strokes, no exposure) under the draws' strongest
# pad (level 0.88, gain 0.6, 0.5 ms), its strokes' scatter 3 um and its
# noise 0.3 um: the std read -0.263 um against U 0.246 on main b5b5b15
# (12 redraws of its noise: -0.263, sd 0.018, 2 within U); now U 0.326
# (12 of 12).
std_over_ std_follow_strong_pad_covered_4khz mixed 4000 19750 0.5 \
  pad_level=0.88 pad_gain=0.6 pad_tau_ms=0.5 noise_um=0.3 scatter_um=3.0
# What the fits follow of each stroke's depth change, read from the record
# (result.c std_peak_follow, fit.c top_peak_sample): under a pad's creep a
# deeper stroke's extra travel lies in a peak narrower than the fits'
# window; the sample nearest each stroke's peak stands off its fit by a
# share of it, and its covariance with the depths gives what the std
# reads short. blind_hunt.py spikes 4000 22304 (pad gain 0.59, 0.4 ms;
# its fits follow 0.80 of each stroke's depth change) read the std
# -0.240 um against U 0.162, speed 1000 24092 (0.54, 1.84 ms; 0.85)
# -0.338 against 0.300, 24052 (0.56, 0.82 ms, a start-up; 0.70) -0.785
# against 0.761 (main d3d877d). Now +0.007 (U 0.219), +0.034 (0.392), and
# -0.785 (U 1.106: the covariance not significant, its standard error in U;
# since session 48 U 1.496, the depths' trend on the speed under its pad's
# creep: result.c std_speed_trend).
# About 1 s each (spikes: two captures).
std_ std_peak_follow_pad_4khz spikes 4000 22304 0.3
std_ std_peak_follow_pad_1khz speed 1000 24092 0.6
std_ std_peak_follow_pad_startup_1khz speed 1000 24052 1.6
# The exposure's drop at each stroke's speed (result.c
# std_exposure_speed): blind_hunt.py speed 4000 27425, a step x1.263 at
# 0.62 s under a 187 us exposure on 214 Hz asine strokes, 0.08 um of
# stroke scatter: the strokes before the step read +1.0 um, those after
# it -0.55 (the shape adds back the drop of the mean period's box), the
# std 0.674 um against a true 0.079, U 0.268, on each of 12 redraws of
# its noise (main 44010a6). Now -0.06 um, U 0.56 (E's own u: the
# correction's middle). About 1 s.
std_ std_exposure_speed_step_4khz speed 4000 27425 0.8
# The depths following the pen's speed, what the fits did not see of it
# (result.c std_speed_trend): blind_hunt.py speed 1000 29086, 133 Hz at
# 1 kHz (7.5 samples a stroke), a start-up from 63 % under a pad of gain
# 0.49 and 0.32 ms: the true depths 199.6 um over the first 0.2 s, 206.1
# steady, the fits 203.0 and 205.1; the std 0 ("not resolved") with U
# 1.67 against a true 1.91 on main 44010a6, each of 10 redraws. Now U
# 2.41 (the depths' trend on the speed, z 6.4, 0.57 um seen). About 1 s.
std_ std_speed_trend_pad_startup_1khz speed 1000 29086 3
# The std's variance interval wholly below 0 (result.c std_expanded_u):
# blind_hunt.py speed 1000 19722 (0.04 um of stroke scatter under 0.67 um
# of noise and a 206 us exposure; the fits' noise f 1.50 um^2 against a
# variance of the fitted depths of 0.236) read the std 0 with U 0 against
# a true 0.039 on main b5b5b15: wrong and sure. The interval's top now
# stands its reach above 0: U 1.15 ("not resolved").
std_ std_u_interval_below_zero_1khz speed 1000 19722 1.5
# A flagged drift's share of the std's variance (result.c result_depth):
# blind_hunt.py mixed 1000 20235, a logistic drift of 2.87 um (flagged,
# -2.46 um seen), read the std +0.516 um against U 0.482 on main 18b52cf
# (0.450 on b5b5b15): a line's share D^2 / 12, 0.50 um^2, where the fitted
# curve's variance over the strokes' times is 1.10. That share now: U 0.97.
std_ std_u_flagged_logistic_drift_1khz mixed 1000 20235 1.5

# The physics of blind_hunt.py ringing 4000 10007 (a 4.9 kHz ring of
# 9.6 um decaying in 0.27 ms on 243 Hz strokes, 2.65 um of Laplace noise)
# under other seeds: its crest stands about 1.1 um over the smooth top
# (noiseless), no ripple beyond noise, and a local maximum 1.6..2 sigma
# up counted nothing (the switch at 2 sigma): seed 2 read -0.79 um
# against U 0.47, seed 15 -0.83 against U 0.64 (main ff1e0c3). A share of
# the gap now counts from 1 sigma where the top bends convex beyond 2
# (ring.c, MAX_DOUBT_FROM, MAX_DOUBT_BEND): U 0.86, 0.91.
# Over 15 seeds this physics reads -0.80 um on average: the smooth peak
# stays (docs/measurement.md 5a, "Selection of the local maximum").
max2_gen="--fs 4000.0 --secs 1.882
  --freq 242.624 --depth-um 777.4 --travel-um 1387.7 --cam asine --rise 0.302 --dwell 0.0
  --rdwell 0.116 --noise-um 2.65 --noise-kind laplace --wander-pct 0.166 --wander-hz 4.1
  --scatter-um 1.05 --jitter-us 0.09 --warp 0.136 --warp-phase 0.46 --pwm-pct 0.42 --pwm-hz 100.1
  --ring-um 9.6 --ring-hz 4864 --ring-tau-ms 0.27 --ring-sign -1"
max2_an="--format ild1420 --rate 4000
  --zero-mm 5 --range-mm 10 --freq-hint 242.624 --linearity-um 0 --resolution-um 0.1557
  --zero-u-um 0 --clock-ppm 0"
gen_cover_ ring_4khz_max_under_2_sigma_seed2 "--seed 2 $max2_gen" "$max2_an"
gen_cover_ ring_4khz_max_under_2_sigma_seed15 "--seed 15 $max2_gen" "$max2_an"

# A ring the engine took under a long exposure. The box passes
# |sinc(f tau)| of a ring at f: the extrapolated drop (2 d2 - d3) leaves
# a (1 - g)^3 of it, and the ring's frequency is not measured, so a ring
# seen s over the smooth top may be up to s / g, g the least over the
# pad's band (0 when tau >= 200 us). The hidden ring's term skipped a
# taken ring: noiseless copies of development draws 3031 (a 3.7 kHz ring
# of 18 um under 250 us, seen 0.14 um) and 3003 (4.0 kHz, 13.4 um, 176
# us, seen 0.87 um) read -7.78 um against U 0.50 and -1.99 against U
# 1.37. Now the term counts for a taken ring too, from what it shows
# (shape.c, ring_bound): U 22.94 and 6.62.
gen_cover_ ring_taken_hidden_by_exposure_250us "--seed 3031 --fs 4000.0 --secs 2.421
  --freq 105.744 --depth-um 1642.2 --travel-um 1319.4 --cam asine --rise 0.34 --dwell 0.0
  --rdwell 0.045 --noise-um 0 --wander-pct 0.096 --wander-hz 3.36 --scatter-um 0 --jitter-us 0
  --exposure-us 250.0 --pad-level 0.868 --pad-gain 0.36 --pad-tau-ms 0.41 --ring-um 18.0
  --ring-hz 3704 --ring-tau-ms 0.99 --ring-sign -1" "--format ild1420 --rate 4000 --zero-mm 5
  --range-mm 10 --freq-hint 105.744 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0
  --exposure-us 250 --clock-ppm 0"
gen_cover_ ring_taken_hidden_by_exposure_176us "--seed 3003 --fs 4000.0 --secs 1.516
  --freq 149.336 --depth-um 1083.5 --travel-um 631.1 --cam asine --rise 0.477 --dwell 0.0
  --rdwell 0.141 --noise-um 0 --wander-pct 0.135 --wander-hz 2.87 --scatter-um 0 --jitter-us 0
  --pwm-pct 0.32 --pwm-hz 56.6 --exposure-us 176.0 --ring-um 13.4 --ring-hz 3999
  --ring-tau-ms 0.68 --ring-sign 1" "--format ild1420 --rate 4000 --zero-mm 5 --range-mm 10
  --freq-hint 149.336 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --exposure-us 176
  --clock-ppm 0"
# The noiseless copy of blind_hunt.py ringing 4000 3029: a 5.0 kHz ring of
# 13.3 um under 192 us (g 0.05) shows only as a convex bend of the top,
# 0.01 um over the smooth top, so the 5 standard errors bounded it (main
# 5105751: -8.82 um against U 4.18). The bend's curvature bounds the ring
# the box passed (ring.c ring_bend_um).
gen_cover_ ring_bent_hidden_by_exposure_192us "--seed 3029 --fs 4000.0 --secs 2.284
  --freq 258.233 --depth-um 1510.5 --travel-um 1342.0 --cam poly345 --rise 0.405 --dwell 0.059
  --rdwell 0.005 --noise-um 0 --noise-kind t3 --wander-pct 0.164 --wander-hz 3.42 --scatter-um 0
  --jitter-us 0 --warp 0.138 --warp-phase 5.06 --exposure-us 192.0 --pad-level 0.931
  --pad-gain 0.59 --pad-tau-ms 1.9 --ring-um 13.3 --ring-hz 4951 --ring-tau-ms 0.94
  --ring-sign 1" "--format ild1420 --rate 4000 --zero-mm 5 --range-mm 10 --freq-hint 258.233
  --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --exposure-us 192 --clock-ppm 0"
# The noiseless copy of blind_hunt.py ringing 4000 10117: a 4.3 kHz ring of
# 15.3 um under 177 us (g 0.29) on 264 Hz strokes with a pad, 4.03 um over
# the ringless top where the truth's crest lies. The box passed about
# 1.2 um of it at the top, which the top's own concavity absorbed: no
# rise, no convex point, the smooth top over its crest. Bounded by the 5
# standard errors of a ripple (0.22 um) it read -2.78 um against U 2.05
# (main 37e92bb). The concavity over half a ring period now bounds what a
# ring can hide in the top (ring.c ring_absorbed_um).
gen_cover_ ring_absorbed_by_top_177us "--seed 10117 --fs 4000.0 --secs 1.535
  --freq 263.542 --depth-um 1318.7 --travel-um 1044.0 --cam poly345 --rise 0.507 --dwell 0.005
  --rdwell 0.121 --noise-um 0 --wander-pct 0.233 --wander-hz 2.37 --scatter-um 0 --jitter-us 0
  --exposure-us 177.0 --pad-level 0.92 --pad-gain 0.46 --pad-tau-ms 1.98 --ring-um 15.3
  --ring-hz 4295 --ring-tau-ms 0.33 --ring-sign -1" "--format ild1420 --rate 4000 --zero-mm 5
  --range-mm 10 --freq-hint 263.542 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0
  --exposure-us 177 --clock-ppm 0"
# Every stroke of a fast start-up counted (from 44 %, second order with
# 47 ms and first order with 62 ms): the period shortened up to 20 % a
# stroke there,
# so each early stroke's phase bent between its crossings, its flanks lay
# a fortieth of a period off the learned shape, beyond the shape's gate,
# and it was refused as "not the stroke shape" (2 of 133 and 1 of 153
# strokes not measured). Such a stroke's phase is now the curve through
# its neighbours' crossings too (fit.c, fit_bend). 9705's rate stays -25.7 ppm
# (U 415): the end fit's, not the strokes'.
cover_ speed_fast_startup_4khz_counted speed 4000 9705 "strokes counted"
case_ speed_fast_startup_order1_4khz_counted speed 4000 9119
# gen_exposure_ NAME "GENERATOR ARGS" "ANALYZE ARGS" US BOUND: the mean
# depth read with --exposure-us US moves by at most BOUND um from the one
# read without it (for an exposure whose drop on the top is far below it)
# gen_two_ NAME "GENERATOR ARGS" "ANALYZE ARGS" "MORE ARGS": one capture
# of blind_capture.py ($tmp/g2.bin, its truth $tmp/g2.json) read twice,
# with ANALYZE ARGS (the CSV's row in $a) and with MORE ARGS as well ($b);
# $hdr the CSV's header. Fails the case NAME when the generator fails.
gen_two_() {
  # shellcheck disable=SC2086
  gen_py "$here/gen/blind_capture.py" --out "$tmp/g2.bin" --truth "$tmp/g2.json" $2 \
    >/dev/null 2>&1 || { bad "$1: the generator failed"; return 1; }
  # shellcheck disable=SC2086
  a=$($RUNNER "$RIG" analyze $3 --csv "$tmp/g2.bin")
  hdr=$(printf '%s\n' "$a" | head -1)
  a=$(printf '%s\n' "$a" | tail -1)
  # shellcheck disable=SC2086
  b=$($RUNNER "$RIG" analyze $3 $4 --csv "$tmp/g2.bin" | tail -1)
}

gen_exposure_() {
  gen_two_ "$1" "$2" "$3" "--exposure-us $4" || return
  fig=$(python3 -c 'import sys
a, b = sys.argv[1].split(","), sys.argv[2].split(",")
d = float(b[2]) - float(a[2])
print("%s %s moved %+.3f um by the exposure (%s um without, U %s)" % (
    b[0], abs(d) <= float(sys.argv[3]), d, a[2], b[6]))' "$a" "$b" "$5" 2>&1)
  case "$fig" in
    "ok True "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
# blind_hunt.py drift 1000 9710 (--drift correct): a 25 us exposure at
# 1 kHz is 0.14 of a bin of the 80-bin shape, and a box narrower than a
# bin is one bin's point, so the exposure's drop was read as the sharp
# fit's vertex over the top point (1.1 um; that gap is the bins' width
# and noise): +0.68 um, and the depth +2.05 um against U 2.58. A 25 us
# box drops a top of this curvature by under 0.01 um; below a bin the
# correction now scales by the box's width squared (shape.c,
# exposure_corr; its U as before): +0.01 um, the depth +1.39 (the rest
# is the top fit's window, in U).
gen_exposure_ drift_exposure_sub_bin_1khz "--seed 9710 --fs 1000.0 --secs 1.953
  --freq 71.576 --depth-um 1096.2 --travel-um 1357.2 --cam asine --rise 0.354 --dwell 0.018
  --rdwell 0.088 --noise-um 1.58 --noise-kind t5 --wander-pct 0.054 --wander-hz 3.46
  --scatter-um 0.56 --jitter-us 0.97 --pwm-pct 0.13 --pwm-hz 174.6 --exposure-us 25.0
  --drift-um 7.09 --drift-kind lin --drift-tau-s 1.26" "--format ild1420 --rate 1000
  --zero-mm 5 --range-mm 10 --freq-hint 71.576 --linearity-um 0 --resolution-um 0.1557
  --zero-u-um 0 --clock-ppm 0 --drift correct" 25 0.1

# blind_hunt.py ringing 1000 9714: a 7.3 um ring at 4.71 kHz (decay
# 0.69 ms, under a 58 us box that passes 0.88 of it) on 64.7 Hz strokes.
# The 1 kHz sampling hides it, not the exposure: it dies within about a
# sample, so only the fold of 140 strokes shows its crest, and under
# 2.6 um of t5 noise (three samples a fine bin) the cleaned fold's local
# maximum stood 1.35 um over the smooth peak at 2.0 sigma, where its
# doubt counted nothing (without noise the ring is taken: -0.13 um). The
# depth read -2.36 um (U 2.59) and 125 of 140 strokes within their U
# (-6.31 um, U 4.21; limit 90 %). The cleaned fold's doubt is weighed
# from 1 sigma now (ring.c, clean_max_doubt): 129 of 140, depth U 2.71.
case_ ring_1khz_hidden_by_sampling_strokes ringing 1000 9714
# A PWM of 0.17 % at 88.1 Hz on a 68.4 Hz pen (1.29 cycles a stroke; with
# wander, a ring and 0.6 um of noise): the crossings see it aliased at
# 0.29 cycles a stroke, and the end fits took it at 0.29 or 0.71, which
# agree with it at the crossings but not between them, where the record's
# end samples lie: both ends 0.0004-0.0006 cycles short, -7.6 ppm against
# U 6.2, wrong and sure. Now the aliases beyond a cycle a stroke are
# candidates too, taken where the samples tell them apart (the head's
# 1.29, 18 % below the others), and where the residuals cannot choose
# (the tail's four within 2 %) their spread counts in U (edge.c,
# edge_fits): -7.10 ppm, U 7.15 (the PWM alone, without noise, ring and
# wander: -3.5 -> -0.2).
rate_ rate_pwm_alias_beyond_stroke_4khz ringing 4000 9821

# blind_hunt.py spikes 4000 9824: 0.79 um of t5 noise, 2.95 um of stroke
# scatter, 33 top samples a stroke. The shape's top points each hold the
# mean of the strokes that sampled that phase; a stroke's samples, one
# sample period apart, all fall on points the same strokes fed, so their
# error (0.6 um here) is common to its samples and the fit does not
# average it down. Its error followed its sampling offset (+0.7 um at
# one, -0.7 at another), spike-free and without noise alike: 98 of 132
# strokes within U 0.69 (worst +1.18 um); now that error is in its U
# (result.c stroke_fold_u): 132 of 132, U 1.42.
strokes_ stroke_u_fold_spikes_4khz spikes 4000 9824

# Spikes at 1 kHz against the same capture without them (issue 13: per
# stroke min/max within 3 um, mean within 0.5 um), where the spike-free
# twin was the one off. 9811 (t3 noise of 2.9 um, 4 top samples a
# stroke): one noise sample 20 um off its neighbour at the top, 5.6
# deleted sigma either way, stayed within its timing allowance, and the
# stroke read 12.7 um deep: max -5.55 um against the twin. The sample is
# now also tested against the others fitted with the stroke's timing and
# offset drawn from their spreads (fit.c, top_one_prior): +0.06. 9907:
# a spike that shifted one stroke's timing read it 15 um shallow
# (min -4.78 um); that test now leaves the spike out: -0.09.
case_ spikes_1khz_top_noise_sample spikes 1000 9811
case_ spikes_1khz_timing_spike spikes 1000 9907
# 10401: a near spike of 55 um on the flank after a top of 3 samples
# (150 Hz, t3 noise of 1 um) moved the stroke's knot 0.024 slot and its
# flank samples' residuals by 19 and 13 um; the plain offset over the 3
# read the stroke 10.7 um deep, the record's max +3.22 um against the
# spike-free twin. The offset now weighs each sample by its variance
# with the stroke's timing (fit.c, top_offset_weighed): +0.13.
case_ spikes_1khz_offset_weighs_flanks spikes 1000 10401

# 9803, 9912: the fine fold's ripple made a ring seen at 5.22 and 5.27
# sigma in the twin and not in the spiked capture (9803: 3.77): the
# twin's depth moved up half the ring's rise, +0.63 and +0.84 um, no ring
# in truth; mean -0.64 and -1.27 um. The move now ramps in from 5 to 6
# sigma (ring.c, ripple_share), U as before: -0.15, -0.34.
case_ spikes_1khz_ring_switch spikes 1000 9803
case_ spikes_1khz_ring_switch_b spikes 1000 9912
# blind_hunt.py spikes 1000 13719 (an asine's dwell 0.059 of a cycle at
# the top, 8.7 samples a stroke, no ring drawn): the fine fold's model
# (ring.c, fine_model_fit) fits the dwell's shoulders with a 2 kHz "ring",
# z 20.4 in the spike-free twin and 29.5 with the spikes gated, and the
# take ramps with z: the mean +0.71 um against the twin. A polynomial of
# as many coefficients (the sextic) fits the top better than the ring in
# both (and noiseless, z 183), so no ring is taken (RM_SMOOTH): +0.03.
case_ spikes_1khz_fine_model_smooth_top spikes 1000 13719

# blind_hunt.py spikes 4000 10817 (a creeping pad's top, no ring): the
# coarse fold's best local maximum, no ripple, stood 3.31 sigma over the
# smooth peak in the spiked capture and 3.71 in its twin; from 3.5 the
# middle of the two was taken, below it the smooth peak kept: mean
# -0.65 um from the twin's. The middle now ramps in from 2.5 sigma
# (ring.c, RING_TAKE_RAMP), U as before: -0.16.
case_ spikes_4khz_max_switch spikes 4000 10817
# blind_hunt.py spikes 4000 15322 (poly4567 strokes at 268 Hz under a
# 179 us exposure, no ring drawn): the ring's model through the box took
# a "ring" at 2000 Hz, z 31, that the sextic fits 0.1 of its noise better
# (RM_SMOOTH), in the spiked capture and its twin alike; its near-best
# tops spread over 3.9 um, and the windows' choice (the twin's narrow
# window, the spiked capture's whole one) put the mean -1.96 um from the
# twin's (issue 13: 0.5). For such a ring the middle of both windows' tops
# is now the peak (ring.c ring_model_peak): +0.03.
case_ spikes_4khz_smooth_ring_windows spikes 4000 15322

# blind_hunt.py spikes 4000 10802 (a soft pad: contact at 0.898 of the
# travel, gain 0.48, tau 1.08 ms; poly345; t3 noise 2.94 um): -0.72 um
# against U 0.63, its spike-free twin -0.84 against 0.86. Not the
# spikes: the sharp fit's order 2 reads the pad's top (a sharp rise, a
# nearly straight fall) 0.78 um low on the noiseless fold too. Its misfit
# over the window now counts in the peak model (shape.c sharp_misfit):
# U 0.73, the twin's 1.15.
case_ spikes_4khz_soft_pad_sharp_misfit spikes 4000 10802

# blind_hunt.py spikes 4000 10818: a near spike of 94 um was the minimum
# of the first window, which sets the crossing level (the middle of its
# extremes): the level 810.9 um where its twin's was 855.2, every stroke's
# phase drawn from another crossing, the mean +0.54 um from the twin's.
# A lone sample that stands out of the cubic through its neighbours 8
# times further than any other of the window is now left out of the
# extremes (detect.c boot_extreme): the twin's level, +0.13 um. 11105:
# three spikes in the window (161, 154, 149 um out of the cubic, the next
# 6): the level 536.5 for the twin's 483.4, +0.60 um; now -0.10.
case_ spikes_4khz_spike_sets_level spikes 4000 10818
case_ spikes_4khz_spikes_set_level spikes 4000 11105

# blind_hunt.py spikes 4000 10723: the top read by two models, switched
# at a width of SHARP_WIDTH (0.12 of a cycle) counted in whole bins: the
# spike-free twin's top 50 of 410 bins wide (0.122) read as a dwell
# (1308.70 um), the spiked capture's 48 (0.117) as sharp (1309.41): the
# mean +0.71 um from the twin's. The width is now read between bins
# (49.1 and 48.3 bins) and the two models blend over 0.11-0.13 of a cycle
# (shape.c sharp_share; both captures about half of each): +0.42 um. What
# is left is ring.c's local maximum (1.6 um over the smooth peak at
# 3.9 sigma in the spiked fold, 0.6 at 2.9 in the twin's).
case_ spikes_4khz_top_models_blend spikes 4000 10723

# blind_hunt.py spikes 1000 11107 (8.3 samples a stroke): a near spike of
# 54 um over the first stroke's top was the first window's maximum, which
# sets the level (1211.9 um for the twin's 1195.3): the mean -0.60 um from
# the twin's. At 8 samples a stroke a top stands out of its neighbours in
# time as far as a spike; against the same phase in the strokes next to
# it the spike stands 3.7 % of the span out, the window's tops under 0
# (detect.c cross_score): the twin's level, -0.09 um.
case_ spikes_1khz_spike_sets_level_8_samples spikes 1000 11107

# blind_hunt.py spikes 1000 15400 (142.84 Hz, 7.0008 samples a stroke): a
# far spike of 118 um on the second stroke's top, sample 8 of the first
# window (21 samples, three strokes), was its maximum. The same phase a
# stroke before lies at 8 - 7.001 = 0.999, where the cubic through the
# samples around it needs one before the window: with one stroke left to
# compare it was not scored, the level read 1523.9 um for the twin's
# 1464.9, the fold's phases moved with it (the top's 332 samples of one
# 12-bin point split 282 + 50, the top read as sharp where the twin's
# reads as a dwell) and the mean -1.97 um from the twin's (U 22.2). At
# the window's edges the quadratic through its three samples there now
# reads that phase (detect.c hist_cubic_at): the twin's level, +0.02 um.
case_ spikes_1khz_spike_sets_level_integer_samples spikes 1000 15400

# The spike-free twin of blind_hunt.py spikes 1000 15982 (t3 noise of
# 1.77 um, 141.02 Hz: 7.09 samples a stroke, poly345, a soft pad; no
# ring): two noise values 20.7 and 20.9 um deep at the tops passed the
# spike gate (6 x 3.60 + 2 um) and made two points of the top's fine fold
# (ring.c ring_fine, 512 points, 0.5..6 samples each) 6..11 um over their
# neighbours; the local quadratic through five of them, 8.05 um over the
# smooth peak at 6.2 of its u (the points' pooled noise), was taken for a
# ring: +8.45 um against U 5.93, status ok (the spiked capture +0.28,
# the noiseless twin +0.01). The quadratic's u now grows by the points'
# misfit about it (chi-square 8.8 a degree of freedom; ring.c
# fine_misfit): a ripple not clearly beyond its noise, +2.36 um, U 4.42.
# Those two values fell in fine bins of 2 and 0.5 samples, the first
# 11.5 um (7 of its sigma) over the quadratic through its neighbours,
# where a ring lifts many bins together; such a bin is now held 4 sigma
# from that quadratic (ring.c fine_lone_bins): +0.45 um, U 4.23, no ring
# reported (gen_no_ring_).
twin15982_gen="--seed 15982 --fs 1000.0 --secs 1.952
  --freq 141.018 --depth-um 386.7 --travel-um 1259.0 --cam poly345 --rise 0.369 --dwell 0.0
  --rdwell 0.007 --noise-um 1.77 --noise-kind t3 --wander-pct 0.061 --wander-hz 0.94
  --scatter-um 0.3 --jitter-us 0.88 --warp 0.057 --warp-phase 4.47 --pad-level 0.916
  --pad-gain 0.4 --pad-tau-ms 1.15 --spike-p 0"
twin15982_an="--format ild1420 --rate 1000 --zero-mm 5
  --range-mm 10 --freq-hint 141.018 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0
  --clock-ppm 0"
gen_cover_ ring_fine_noise_outliers_no_ring_1khz "$twin15982_gen" "$twin15982_an"
gen_no_ring_ ring_fine_lone_bin_no_ring_1khz "$twin15982_gen" "$twin15982_an"
# blind_hunt.py ringing 1000 15908: a 4438 Hz ring of 16.3 um on 130 Hz
# asine strokes, 7.7 samples a stroke, Laplace noise 2.55 um. The fine
# fold's crest, from the quadratic over 7 points, stood 5.8 um over the
# smooth peak; their chi-square 4.29 a degree of freedom (p 0.002 on 4)
# passed fine_misfit's flat 3 and grew its u 1.23 -> 2.56 um: the ring
# unsure, U 4.35 -> 9.18 um for an error of +1.33 (session 39). Its 24
# redraws read +0.32 um on average, sd 1.37, max 4.29, all within U.
# The misfit now counts beyond chance at 1e-3 for its degrees of freedom
# (ring.c): +1.33 um, U 4.35. Session 47 (LATH): the fine fold's model
# sees the ring at z 259 with every near-best top 1.9..3.7 um under that
# crest (ring.c fine_model_below): +0.77 um, U 6.48; the misfit's old
# reading would stand over 9.18 with it, so the bar is 7.5.
fig_below_ ring_fine_misfit_by_its_dof_1khz ringing 1000 15908 7.5 depth
# blind_hunt.py spikes 1000 17390: two far spikes of 170 um at phases
# 0.31 and 0.59 (nowhere near the top) on 122 Hz poly4567 strokes under
# 227 us, 8.2 samples a stroke. Both were gated in every fold but the
# first, which has no shape to gate against; the knots fitted against
# it kept part of the spikes' move through their refinements, and the
# top's vertex read 0.23 bins from the twin's: the mean -0.73 um from
# the spike-free twin's (issue 13: 0.5). The first fold is now folded
# again gated against its own quadratics (shape.c shape_gate_ref): -0.00.
case_ spikes_1khz_first_fold_gated spikes 1000 17390
# blind_hunt.py spikes 1000 18153: far spikes in 0.53 % of the samples
# (t5 noise 0.96 um) on 124 Hz poly4567 strokes, no exposure, a soft pad.
# The ungated first fold's knots took the mean +0.64 um from its
# spike-free twin's (issue 13: 0.5; the spiked record +0.12 um, U 0.56,
# the twin -0.52, U 3.80); the first fold gated as above: +0.07 (the
# spiked record -0.46, U 3.69). 12 redraws of its noise and spikes
# (session 41, QUOIN): against the twin rms 0.26 -> 0.14 um, max 0.64 ->
# 0.37.
case_ spikes_1khz_first_fold_gated_far spikes 1000 18153
# blind_hunt.py spikes 1000 18142: far spikes in 0.53 % of the samples on
# 125 Hz poly345 strokes, 8 samples a stroke, 190 us exposure. Each
# stroke's mean level summed its samples as read: a spike of 50..200 um
# moved its level 6..25 um, and the levels' path of the shape's drift
# (learn.c learn_drift_out), taken in the spike-free twin (range 1.52 um:
# +1.4 um), was not taken in the spiked record: -1.40 um from the twin's
# (issue 13: 0.5). A sample beyond the shape's gate now counts as the
# shape's value in its stroke's level (fit.c): +0.00; 12 redraws, against
# the twin rms 1.08 -> 0.20 um, 9 -> 0 beyond 0.5 um (session 42, GIB).
case_ spikes_1khz_level_gated spikes 1000 18142
# blind_hunt.py spikes 1000 20028: far and near spikes in 0.75 % of the
# samples, t5 noise 1.99 um, 67 Hz asine under 197 us, 87 bins. The
# coarse top's flat models (shape.c peak_sharp) were tried where the
# heaviest order passed above the point nearest its vertex by more than
# one standard error: the spike-free twin at 1.000 tried them (the flat
# parabola's rss 7 against the parabola's 39, weight 0.85), the spiked
# record at 0.990 did not: +1.19 um from the twin (issue 13: 0.5). The
# flats now take a share by the orders' weighed excess (1 to 1.5 sigma;
# both at 0.89: none): +0.02. 12 redraws of its noise and spikes against
# the twin: rms 0.42 -> 0.24 um, 2 -> 1 beyond 0.5 (session 44, MUNTIN).
case_ spikes_1khz_flat_models_share spikes 1000 20028
# blind_hunt.py spikes 1000 27425: far spikes in 0.82 % of the samples,
# poly345 at 122.9 Hz under 99 us, 78 bins. The flats' share rested on
# z alone (the orders' excess over the point nearest their vertex): the
# spike-free twin at z 1.47 took them (the flat parabola's rss 5.8
# against the parabola's 86), the spiked record at 1.00 did not (16.9
# against 97.6): the parabola read +1.3 um, the mean +0.87 um from the
# twin's (issue 13: 0.5). From z 0.5 the flats are fitted and take at
# least their weight by rss (shape.c peak_sharp, FLAT_TRY): +0.09
# (session 48, WEDGE). About 1.5 s.
case_ spikes_1khz_flats_by_their_fit spikes 1000 27425
# blind_hunt.py spikes 1000 20141 (poly345 with a dwell of 0.042 cycle
# on a pad, 153 Hz at 1 kHz, 63 bins): the top window (shape.c
# top_window) held jmax .. jmax + 2 in the spiked record (the left
# neighbour's 3-bin average 0.04 um beyond its reach) and jmax - 1 ..
# jmax + 2 in the spike-free twin; the dwell's quadratic through the
# first bent convex and was read at its points' centroid, one bin down
# the flank: -0.79 um from the twin (issue 13: 0.5). The window now
# holds both neighbours of the top bin, as the twin's: -0.02 um
# (session 45, NOGGING).
case_ spikes_1khz_dwell_read_at_top spikes 1000 20141

# blind_hunt.py mixed 4000 11005 (a soft pad: contact at 0.864 of the
# travel, gain 0.43, tau 1.42 ms; poly345 with a short dwell; Laplace
# noise 2.42 um): -0.79 um against U 0.76, the misfit at z 0.78 (nothing
# counted). spikes 4000 11003 (contact 0.882, gain 0.33, tau 2.81 ms):
# depth -0.38 um against U 0.45, 149 of 168 strokes within their U, each
# stroke reading the shape's low top. The pad's creep is a ramp across
# the top: the cam's top of order q plus a line (shape.c tilt_gap) follows
# it (on the noiseless folds 0.10 and 0.02 um under the top where the
# order-2 fit was 0.74 and 0.50), taken by the line's significance:
# -0.31 um against U 0.96; -0.17 against U 0.64, 167 of 168 strokes.
case_ mixed_4khz_soft_pad_tilted_top mixed 4000 11005
case_ spikes_4khz_soft_pad_tilted_strokes spikes 4000 11003

# blind_hunt.py lobes 1000 9902: a 43 um, 1.36 % two-lobe cam at 133 Hz,
# 7.5 samples a stroke. The periods as detected alternated by 3.2 %, within
# what the sampling can alternate there (1 % + 2.4 %); the fitted depths
# alternated by 4 um where the truth does by 43, their sign flipping as the
# sample pattern slid: status ok, depth +22.31 um against U 15.12, 135 of
# 263 strokes within their U. The strokes' mean levels, less what their
# own fitted peak and trough make, alternate by 12.8 um, 3.5 times the
# pairs' spread: now refused ("two lobes", could not follow; result.c,
# lobes_by_level).
case_ lobes_1khz_level_alternation lobes 1000 9902
# blind_hunt.py lobes 4000 9913: 37 um, 1.94 % at 101 Hz under a 147 us
# exposure and a creeping pad: depth +35.09 um against U 28.49, min and max
# outside their U, 73 of 160 strokes within U; the raw periods' 3.1 % hid
# behind an interpolation allowance the smeared shape made 135 %. Levels
# alternate by 13.0 um (2.4 times the spread): refused.
case_ lobes_4khz_level_alternation lobes 4000 9913
# blind_hunt.py lobes 1000 10911: a 40.5 um, 1.44 % cam at 105.25 Hz, 9.505
# samples a stroke: a pattern that slides by less than a sample over the
# record, so the levels (15.9 um, 19 times the pairs' spread) gave no
# verdict, and the periods' 2.8 % alternation sat under the worst case the
# sampling can alternate there (1 % + 4.2 %); the fitted depths did not
# alternate at all: status ok, depth +20.26 um against U 19.00, strokes up
# to 40.3 um off. Where the samples fell about the crossings says what the
# sampling alternates here (1.2 %): the rest, 1.6 %, is the lobes'
# (result.c, sampling_alternation): refused, could not follow.
case_ lobes_1khz_half_sample_fixed_pattern lobes 1000 10911
# blind_hunt.py lobes 4000 11009: a 53.2 um, 1.57 % cam at 103.8 Hz, 38.5
# samples a stroke, the pattern sliding 0.97 of a sample over the record.
# The fold of the two lobes zigzags by 30..70 um from bin to bin on the
# flanks: 75 of 182 strokes refused as not the stroke shape, the rest read
# 20 um beyond the deep lobe with no alternation left. The periods as
# detected alternate by 2.9 %, but the shape's cubic at its crossing does
# not rise over a sample spacing, so neither what the sampling did nor its
# worst case (17 % of the period) could be said, and the levels (20.6 um)
# gave no verdict on a pattern that does not slide: status ok, depth
# +48.45 um against U 17.41, strokes up to 80 um off. Where the shape
# cannot say, the 1 % and 6 standard errors alone judge the periods
# (result.c, lobes_by_raw_period): refused, could not follow.
case_ lobes_4khz_fold_bent_at_crossing lobes 4000 11009

# drift_corr_ NAME RATE SEED LIMIT: the drift draw analyzed with --drift
# correct --per-stroke; the correction (the strokes' mean drift_um, which
# is what the mean depth was corrected by) within LIMIT um of the true
# drift at the same strokes (blind_capture.py drift_at, less its value at
# the record's first sample), whatever the engine's own depth error
drift_corr_() {
  fig=$(python3 -c '
import os, subprocess, sys, tempfile
sys.path.insert(0, sys.argv[1])
import blind_hunt as bh, blind_capture as bc
rig, fs, seed, lim = sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
p = bh.draw("drift", fs, seed)
q = dict(bc.DEFAULTS, **p)
data, truth = bc.make(p)
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "cap.bin")
    with open(path, "wb") as f:
        f.write(data)
    run = os.environ.get("RIG_RUNNER", "").split()
    pr = subprocess.run(run + [rig, "analyze"] + bc.analyze_args(p) +
                        ["--drift", "correct", "--per-stroke", path], capture_output=True, text=True)
rows = [r.split(",") for r in pr.stdout.strip().splitlines()[1:]]
rows = [r for r in rows if len(r) > 8 and r[2] and not r[6] and r[8]]
if pr.returncode != 0 or not rows:
    print("short: exit %d, %d strokes corrected" % (pr.returncode, len(rows)))
    sys.exit(0)
t0 = 1e-3  # the capture'"'"'s first sample, generator time (blind_capture.py)
c = sum(float(r[8]) for r in rows) / len(rows)
tc = sum(-(bc.drift_at(q, float(r[1]) + t0) - bc.drift_at(q, t0)) for r in rows) / len(rows)
print("%s corrected by %+.2f um, true mean drift %+.2f, off %+.2f (limit %.2f)" % (
    "good" if abs(c - tc) <= lim else "short", c, tc, c - tc, lim))' "$here/gen" "$RIG" "$2" "$3" "$4" 2>&1)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
# blind_hunt.py drift 1000 9923 (--drift correct): an exponential drift
# settling over 1.45 s (7.5 um in 1.65 s), which 133 troughs of 1 kHz
# noise do not tell from a line; BIC took the line, and the correction
# was 0.84 um short of the true mean drift: the depth -1.26 um (U 3.14).
# Now the mean of the models, weighted as the correction's U already
# spread them (drift.c, drift_fit; result_drift): 0.17 um off, the depth
# -0.58 um.
drift_corr_ drift_corr_model_mean_exp_1khz 1000 9923 0.5
case_ drift_corrected_model_mean_exp_1khz drift 1000 9923

# blind_hunt.py mixed 1000 9902: an asymmetric-sine cam on a viscoelastic
# pad (contact at 87 % of the travel, gain 0.46, 1.27 ms), 84.5 Hz at
# 1 kHz, 65 bins. The pad goes on yielding past the crest, so the top is
# sharper at its vertex than a parabola over the +-3 bins of the sharp
# fit: the fit read -0.69 um against U 0.40 (the same capture without
# noise, error values and jitter -0.61 against U 0.47; without the pad
# +0.01), and no term of the budget saw it. The fit one bin narrower
# each side stands 0.26 um higher (3.1 of its standard errors), and the
# bias falls as the window's square: now the middle of the fit and that
# extrapolation (1.8 x the change), the whole of it a rectangular
# half-width (shape.c, narrow_top): -0.46 um, U 0.69; without noise
# -0.32, U 0.82.
cover_ mixed_pad_window_1khz mixed 1000 9902
gen_cover_ mixed_pad_window_noiseless_1khz "--seed 9902 --fs 1000.0 --secs 1.735
  --freq 84.506 --depth-um 1606.9 --travel-um 1222.1 --cam asine --rise 0.397 --dwell 0.0
  --rdwell 0.065 --noise-um 0 --noise-kind gauss --wander-pct 0.044 --wander-hz 4.06
  --scatter-um 0.05 --warp 0.117 --warp-phase 3.34 --pad-level 0.867 --pad-gain 0.46
  --pad-tau-ms 1.27" "--format ild1420 --rate 1000 --zero-mm 5 --range-mm 10
  --freq-hint 84.506 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0"

# blind_hunt.py ringing 4000 10018: a 13.4 um ring at 2763 Hz (A +-15 %
# a stroke) on a poly4567 cam, 21 samples a stroke. Its ripple is seen
# but its crest is the smooth top itself (ring.c peak_ringing,
# crest_top: no ringing status), so the strokes' U had no ring misfit
# (the std's had): 244 of 335 strokes within U 1.36 (worst -3.95 um,
# U 1.38). Now the ring's misfit as for a ring seen: 314 of 335, U 2.35.
strokes_ stroke_u_ring_crest_top_4khz ringing 4000 10018

# blind_hunt.py ringing 4000 10524: a 17.8 um ring at 4071 Hz (A +-15 %
# a stroke, no pad, no exposure) on 206.9 Hz strokes, 19 samples a
# stroke. The crest stands 8.1 um over the ringless top and moves +-1.26
# um with each stroke's ring; each stroke's fit followed none of that
# (its depth's error correlated -0.84 with it), and the ring's term in
# its U was the noise's sd (0.85 um): 371 of 437 strokes within U 2.15
# (worst +7.28 um). 10500 (3724 Hz, 18.9 um under 53 us, a pad): 378 of
# 472 (worst -8.87, U 3.05), and the extremes (which had no ring term)
# min +2.53, max -4.57 um against U 4.03; 10411 (4646 Hz, a pad) min
# +1.45, max -3.16 against U 3.06. The ring's term is now the strokes'
# own spread at the top's bins beyond the noise (result.c
# stroke_ring_u), in each stroke's U and the extremes' as the fold's.
strokes_ stroke_u_ring_spread_4khz ringing 4000 10524
strokes_ stroke_u_ring_spread_pad_4khz ringing 4000 10500
minmax_ minmax_u_ring_spread_4khz ringing 4000 10500 8
minmax_ minmax_u_ring_spread_pad_4khz ringing 4000 10411 8

# blind_hunt.py spikes 1000 9802: the window's-width term (shape.c,
# narrow_top) took the middle of the fit and its extrapolation from z = 3
# on; the spike-free twin stood at z 2.998 and kept its fit, the spiked
# record at 3.057 moved 0.68 um: mean -0.82 um against the spike-free
# capture. The middle is now taken over a ramp from 2 to 3: -0.05 um.
case_ spikes_1khz_narrow_switch spikes 1000 9802
# blind_hunt.py spikes 1000 20072: the same term read off the heaviest
# of the top's models alone; the orders 2 and 3 weighed about the same and
# the heaviest flipped between the spiked record (order 2: the narrower
# fit -1.20 um, z 9.8) and its twin (order 3: +0.80, z 6.8), their points
# within 0.02 um, both taken: mean -1.01 um against the spike-free
# capture. The change of the models' weighed peak: +0.10 um.
case_ spikes_1khz_narrow_weighed_orders spikes 1000 20072

# blind_hunt.py spikes 4000 10012: an asymmetric-sine cam at 297 Hz on a
# viscoelastic pad (contact at 89.5 %, gain 0.28, 0.95 ms) with a 41 us
# exposure (3.1 bins of 254). The exposure's correction took its drops
# from the top's fitted peak, which reads the pad's asymmetric top low:
# M -> BM 0.10 um, BM -> BBM 0.20, short of the extrapolation's noise
# test, the middle 0.06 um of a true drop of 0.22 um. The depth read
# -0.34 um against U 0.30 (10 captures of the draw: -0.22 .. -0.39, 6
# outside U). Now, short of the extrapolation, the box fits of the
# points (shape.c, exposure_corr): -0.22 um, U 0.32; without noise
# -0.23 (U 0.19) -> -0.12 (U 0.22).
cover_ spikes_pad_exposure_box_fit_4khz spikes 4000 10012
gen_cover_ spikes_pad_exposure_box_fit_noiseless_4khz "--seed 10012 --fs 4000.0
  --secs 1.533 --freq 296.545 --depth-um 1122.7 --travel-um 1122.7 --cam asine --rise 0.384
  --dwell 0.0 --rdwell 0.048 --noise-um 0 --noise-kind laplace --wander-pct 0.058
  --wander-hz 3.18 --scatter-um 0 --jitter-us 0 --exposure-us 41.0 --pad-level 0.895
  --pad-gain 0.28 --pad-tau-ms 0.95" "--format ild1420 --rate 4000 --zero-mm 5
  --range-mm 10 --freq-hint 296.545 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0
  --exposure-us 41 --clock-ppm 0"

# blind_hunt.py spikes 4000 10100 and 9909: cams with a dwell at full
# extension (poly345, 40 us at 296 Hz; poly4567, 179 us at 179 Hz), whose
# spike-free twins read the same: +0.20 um against U 0.20 and +0.21
# against U 0.21 (the spike gate not in it). The fits stand above the
# plateau: 10100's cubic two-sided fit 0.16 um above its noiseless fold,
# which its points showed at 0.07 +- 0.08 um (z 0.9: nothing counted);
# 9909's quadratic (a top too wide for the sharp fits) with no such check
# at all. Over 20 noise draws of each: mean error +0.11 and +0.13 um, 1
# and 2 outside U. The excess now counts in U as far as its estimate and
# one standard error reach (shape.c over_top's bound, dwell_over): U 0.26
# and 0.25, no draw outside U. The two draws that were outside U:
cover_ spikes_fit_over_dwell_plateau_4khz spikes 4000 10100
cover_ spikes_dwell_quadratic_over_plateau_4khz spikes 4000 9909
gen_cover_ dwell_fit_over_plateau_noise_draw_4khz "--seed 85 --fs 4000.0 --secs 2.029
  --freq 295.807 --depth-um 2443.7 --travel-um 764.6 --cam poly345 --rise 0.312 --dwell 0.012
  --rdwell 0.138 --noise-um 0.96 --noise-kind laplace --wander-pct 0.126 --wander-hz 2.61
  --scatter-um 0.56 --jitter-us 0.15 --warp 0.123 --warp-phase 3.02" "--format ild1420
  --rate 4000 --zero-mm 5 --range-mm 10 --freq-hint 295.807 --linearity-um 0
  --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0"
gen_cover_ dwell_quadratic_over_plateau_noise_draw_4khz "--seed 113 --fs 4000.0 --secs 2.309
  --freq 178.808 --depth-um 964.7 --travel-um 1003.7 --cam poly4567 --rise 0.398 --dwell 0.032
  --rdwell 0.074 --noise-um 1.26 --noise-kind gauss --wander-pct 0.166 --wander-hz 2.52
  --scatter-um 0.01 --jitter-us 0.23 --warp 0.114 --warp-phase 2.17" "--format ild1420
  --rate 4000 --zero-mm 5 --range-mm 10 --freq-hint 178.808 --linearity-um 0
  --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0"

# blind_hunt.py ringing 4000 10105: a 3.0 kHz ring of 10.1 um struck 1.6 ms
# before a 0.8 ms dwell (asine cam, 58.8 Hz, 117 us exposure, 2.8 um of
# stroke scatter), 0.3 um of it left on the dwell. It bends the flank
# convex 26 points from the top (half a 2 kHz period: 5.6), with no rise,
# and that made a ring "seen": the highest of the plateau's noisy local
# maxima (a top window of 44 points), 0.98 um (1.6 sigma) over the smooth
# peak, was taken as the ring's crest: +1.18 um, status ok. A convex point
# beyond 3 half periods of the slowest ring, with no rise, shows no crest
# on the top: such an unsure maximum leaves the smooth peak, its gap in U
# (ring.c, RING_FAR_HALVES): -0.07 um, U 4.25.
case_ ring_far_convex_plateau_max_4khz ringing 4000 10105

# blind_hunt.py mixed 4000 10204: a pad's creep on a poly4567 cam (contact
# at 92 % of the travel, gain 0.57, 2.2 ms; 229 Hz, 376 bins). The tips
# rise fast to the crest and sink slowly after it, too wide at 1 % down
# for the sharp fits, so the dwell's quadratic took the top over a window
# of 7 bins before the crest and 12 after, and read its level at the
# window's centroid under the crest: -0.57 um against U 0.34 (16 noise
# draws of the capture: -0.22 um on average). A cubic through the same
# points follows the skew (+0.00 on average); its gap to the quadratic
# now counts in U as far as its estimate and one standard error reach,
# its middle taken from z 2 (shape.c dwell_skew): -0.54 um, U 0.59.
cover_ mixed_pad_skew_dwell_4khz mixed 4000 10204

# A ringless top under an exposure must not take a ring from its impact.
# blind_hunt.py mixed 4000 21334 (asine at 54.6 Hz, 453 um, 152 us
# exposure, PWM ripple at 239 Hz, no ring drawn): FILLET's onset model
# (landed in session 44 as d66a061, then withdrawn) read a ring there,
# +2.10 um against U 1.35, where the boxed top reads +0.14 (U 14.65).
# Landed again in session 45 with the gap between the two readings in
# its U as a rectangular half-width (shape.c shape_top): +2.10 um, U
# 2.64. About 1 s of CPU.
cover_ exposure_ringless_top_no_onset_ring_4khz mixed 4000 21334

# blind_hunt.py mixed 4000 10223: a PWM ripple of 0.32 % at 159.5 Hz on
# 73.4 Hz strokes (poly4567, scatter 0.04 um). The speed ripples within
# each stroke, its phase moving from stroke to stroke, and each fit's
# flanks pulled its peak off the stroke's top: the strokes' depths
# spread +-0.33 um rms (periodic with the ripple's beat) for a true
# +-0.04, 103 of 128 within their U 0.45, the std 0.29 um against U 0.08.
# Their very tops stood off their fits 5.3 times as far as the noise
# gives (result.c stroke_top_misfit): that excess, 0.21 um rms, now
# counts in each stroke's U, the std's and the extremes': 125 of 128
# strokes within U 0.61, the std within U 0.42 (strokes_ ... std).
# (Since the shape's own noise and the noise's kurtosis count in what the
# noise gives: 125 of 128, the std within U 0.41.)
strokes_ mixed_pwm_top_misfit_4khz mixed 4000 10223 std

# blind_hunt.py ringing 4000 15402: a 13.1 um ring at 2011 Hz (A +-15 %
# a stroke, tau 0.81 ms) on 243 Hz poly345 strokes, 16 samples a stroke:
# near half the sample rate, each stroke's top samples alternate between
# the ring's crests and troughs at a phase that moves from stroke to
# stroke. The fold's top shows no ripple (no ring seen, no ring term);
# the fits followed little of each stroke's ring (errors -0.26 +- 1.41
# um, correlated -0.89 with the ring's part of the crest): 386 of 455
# strokes within U 2.09 (worst -4.20 um, U 1.97), the std -0.32 um
# against U 0.23. The very top's samples, each against its fit, stand off
# it 1.59 um^2 a degree of freedom where the fold's noise gives 0.86
# (result.c stroke_peak_misfit, a ring's crest sqrt(2) its rms): 448 of
# 455 within U 3.12, the std within U 2.43 (12 redraws of its noise,
# scatter and ring: 2 -> 12 records of 12 with 90 % of strokes within U).
strokes_ stroke_u_peak_misfit_ring_2khz_4khz ringing 4000 15402 std
fig_below_ std_u_peak_misfit_ring_2khz_4khz ringing 4000 15402 3 std

# blind_hunt.py ringing 4000 16618: a 19.1 um ring at 4130 Hz (A +-15 % a
# stroke, tau 0.68 ms) on 252 Hz poly345 strokes: near the sample rate,
# each stroke's top samples see the ring at one phase (their offset from
# its crest), which its fit reads as an offset, and the crest it does
# not see. The strokes' errors follow that offset (sd 0.6 um with a
# sample on the crest, 3.0 half a sample off): 440 of 492 within U 3.02
# (worst +8.84 um, U 3.85). Each stroke's U now carries the part of the
# crest its samples did not see (result.c stroke_alias_u): 475 of 492
# within U 3.81.
strokes_ stroke_u_ring_aliased_4khz ringing 4000 16618

# blind_hunt.py ringing 1000 10200: a 3.9 kHz ring of 5.2 um decaying over
# 0.97 ms on 63.6 Hz strokes (a soft pad, 2.5 um of t3 noise); the ring
# adds 1.6 um to the depth. The fine fold of the top strayed from the
# coarse shape beyond noise (z 4.5) but showed no ripple, and then nothing
# of it counted (under z 3 it is a doubt, beyond it a ring is taken): its
# best local maximum stood 2.95 um (2.7 sigma) over the smooth peak, the
# depth read -2.15 um against U 1.56, 105 of 123 strokes within their U
# (limit 90 %). Now that maximum counts in U, weighed by its significance
# and by z (ring.c, fine_stray_doubt): U 2.65, 118 of 123.
case_ ring_1khz_fine_strays_no_ripple ringing 1000 10200
# blind_hunt.py speed 4000 10507: 171 Hz strokes (t3 noise of 1.54 um), a
# stroke at 0.101 s, before the step. One top sample 12.3 um off the
# shape pulled the top's first fit, and the refit's gate (4 sigma + 1 um
# around that fit) left out two good flank samples with it: a third of
# the top out, the stroke refused as "not the stroke shape", 1 of 392
# strokes not measured. The gate is now drawn again around the fit of
# what it kept (fit.c, top_fit): every stroke counted.
case_ speed_spike_pulled_refit_gate_4khz speed 4000 10507
# blind_hunt.py speed 1000 10408: a step x0.646 at 1.18 s (55.3 -> 35.7
# Hz) under a 0.24 % PWM at 40.1 Hz, 1.122 cycles a stroke after the step.
# The ripple near the stroke rate was found over the 48 strokes next to
# the tail, 19 of them before the step: at 1.132, and its phase, carried
# to the last sample 20 of its cycles from the window's middle, put the
# tail 0.0014 cycles long: +16.9 ppm (U 17.6). It is now found over the
# strokes whose periods stay within 10 % of the end's (edge.c,
# sync_steady): -0.3 ppm.
case_ speed_step_sync_ripple_steady_strokes_1khz speed 1000 10408

# blind_hunt.py speed 1000 9918: a 0.48 % PWM at 55.8 Hz on 72.5 Hz
# strokes, 0.770 cycles a stroke at the head. The crossings see it at
# 0.228 and cannot tell its aliases apart; over the head's three strokes
# the alias 1.228 left a residual 12 % below 0.772's and was taken: the
# head 0.0012 cycles short, -14.4 ppm (U 22.3). Over the samples of the
# steady strokes next to the head 1.228 explains 6.5 noise variances,
# 0.772 185: an alias beyond a cycle a stroke that explains less than
# half the best is now dropped (edge.c, edge_ripple_aliases): -2.8 ppm.
case_ speed_pwm_alias_told_by_strokes_1khz speed 1000 9918

# blind_hunt.py mixed 1000 10301: a pad's creep on an asine cam at 1 kHz
# (114.4 Hz, 8.7 samples a stroke, 102 bins; contact at 88 % of the
# travel, gain 0.23, 0.96 ms), a linear drift of +2.13 um left
# uncorrected (flag mode). Two errors of one sign: the sharp top, sinking
# slowly after its crest, read about 1 um low (12 noise draws without the
# drift: -1.02 um on average, sd 0.48), and the drift's -1.06 um in the
# mean. The troughs at 1 kHz hardly tell the drift's models apart: the
# chosen one said it added -0.39 +- 0.41 um, a line through all troughs
# -1.2. The depth read -2.50 um against U 2.17. What a flagged drift
# added now counts at least as the line says (drift.c result_drift, as
# for a drift not seen): -2.50 um, U 3.11.
cover_ mixed_pad_drift_line_1khz mixed 1000 10301

# blind_hunt.py speed 1000 10707: a second-order start-up from 42 % (1/omega
# 40.6 ms, zeta 0.55: it overshoots) at 70.5 Hz. The first three periods
# read 29.2, 21.6 and 17.8 slots: the first is more than a third longer
# than the median about it, so it was not usable as learned, and the end
# fit would not take it either (edge.c edge_stroke_ok, 0.75..1.33 of the
# window's other period). The head was timed from the knots' periods
# alone, 0.012 strokes short: -84.0 ppm (U 551.6). Its length is now
# judged against the two clean periods beyond it carried on at their own
# ratio (26.3 slots), and the end fit from the samples times the head;
# the knots over six strokes then call for the quartic (edge_head_quartic,
# which took the same strokes): -1.4 ppm.
case_ speed_startup_first_stroke_in_end_fit_1khz speed 1000 10707

# blind_hunt.py speed 1000 3022: a first-order start-up from 66 % (tau 71
# ms) at 153.4 Hz, 6.5 samples a stroke. The steadiness line's rate at
# the start is a line through the first 12 periods read at the first;
# the start-up's bend hid in the timing noise (residual variance 0.023
# slots^2 for the noise's 0.022, the first period 1.9 of it off the
# line): 115.24 Hz where the crank ran 111.71 over one period there, U
# 3.33 (the hunt compared it until session 29 with the rate over the
# record's first three periods). The line is now shortened while a
# quadratic's second-order coefficient lies beyond 2 of its standard error
# (result.c end_curve_t): 9 periods, 114.04 Hz, U 2.91.
case_ speed_startup_end_line_curve_1khz speed 1000 3022

# blind_hunt.py speed 1000 10805: a first-order start-up from 50 % (tau
# 0.18 s), 7 samples a stroke. The learned knots, a straight phase within
# each stroke, pulled the third stroke's start 0.14 slots off its crossing
# (which the crank's phase confirms to 0.001 cycles); its first flank
# sample stood 92 um off the shape, past the gate, and the stroke was
# refused as not the stroke shape: "1 of 280 not measured". The phase bent
# through the neighbours' crossings now also starts at the crossing as
# detected (fit.c fit_stroke, fit_bend): measured, -2.3 um against U 8.2.
case_ speed_startup_knot_off_crossing_1khz speed 1000 10805

# blind_hunt.py speed 1000 10903: a second-order start-up from 82 % with
# PWM ripple, 6.3 samples a stroke. The first knot stood 0.07 slots late
# (the knots' smoothing began 0.42 slots off, the start-up's trend lost in
# the ripple's second differences, and the gated fit drew it back only so
# far): two of its three top samples past the gate, the first whole stroke
# refused ("1 of 317 not measured"). Not a changing stroke by the trend,
# it had no bent phase to try; it now tries the one from its crossing:
# +4.1 um against U 9.7.
case_ speed_startup_first_knot_late_1khz speed 1000 10903

# blind_hunt.py speed 1000 10300: a second-order start-up from 74 % (1/omega
# in 0.04-0.1 s), 10 samples a stroke. The steadiness line's start is a
# line through 12 periods read at the first; the rate is flat at first
# and then bends up, and the line carried out under it passed the curve
# tests under the timing noise: 98.261 Hz where the crank ran 99.483 over
# that stroke, U 0.865. The line's reading against a quadratic's through
# the 6 periods nearest the end now counts in U as a rectangular
# half-width (result.c end_rate, end_quad_at): U 1.511. The same at 4 kHz,
# speed 4000 2032: 206.779 Hz for 207.281, U 0.452, now 0.600.
case_ speed_startup_line_model_error_1khz speed 1000 10300
case_ speed_startup_line_model_error_4khz speed 4000 2032

# blind_hunt.py speed 4000 12316: a first-order start-up from 48 % (tau
# 0.194 s) at 178 Hz, t3 noise 2.95 um. The line at the head was
# shortened to 4 periods (the curve tests) and read 89.606 Hz where the
# crank ran 89.178, U 0.230 (1.86 U). Its periods' timing noise was the
# record's, but at half speed the crossings scatter twice as far (0.05
# slots about the crank's phase at the head, 0.015 at the tail), and the
# quadratic through the 4 kept periods could not tell the curve from that
# noise. Now the timing noise is scaled by the end's period over the
# record's, squared (result.c end_slow), and the line's bias under the
# cubic through all 12 periods counts when larger (end_curve_bias): U 0.452.
case_ speed_startup_slow_head_line_4khz speed 4000 12316

# blind_hunt.py speed 1000 13701 (a 4.3 % chirp at 142-148 Hz, 6.8
# samples a stroke, an asymmetric sine with a dwell): the tail's line was
# shortened to 4 periods and read 147.071 Hz where the crank ran 147.688,
# U 0.564 (status ok). Without noise, wander or PWM the capture reads
# -0.60 Hz: the raw crossings' interpolation error, which repeats with the
# sample pattern and which neither the line's residuals nor the second
# differences show. It now counts in U through the line's weights
# (result.c end_line_interp): U 0.813. Fails on 86d4de1.
case_ speed_end_line_crossing_interpolation_1khz speed 1000 13701

# blind_hunt.py speed 1000 10810 (FM 1.28 % at 1.0 Hz, PWM 0.36 %, t5
# noise 2.66 um, 16 samples a stroke) reads -16.6 ppm against U 27.7: the
# 10 ppm limit missed inside U. The same physics drawn again (seeds
# 10810000..10810007: new noise, wander, scatter, sample phase) centres
# on zero, and every draw lies within its U: noise of the end fits, whose
# floor with the wander (tests/gen/rate_floor.py) is 5.8 ppm, not a bias
# (docs/measurement.md, "What the samples allow"). Fails on a bias
# (mean beyond 3 standard errors) or a draw outside U.
redraw_ speed_fm_1khz_redraws_centred_within_u speed 1000 10810 8

# blind_hunt.py drift 4000 11408 (--drift correct; a poly4567 cam with a
# dwell under 160 us, 2.9 um of scatter, t5 noise, no ring drawn) read
# +2.66 um (U 12.46): the shape folded from the corrected samples took a
# "ring" at 4025 Hz with no decay, 44 of its noise out of the quartic's
# fit, through the box. The fold's bins a sample apart are filled by the
# same strokes in turn, so whatever differs from stroke to stroke repeats
# over the top at the sampling rate; a pad's ring decays. The ring with
# no decay is not tried on the sampling grid (ring.c rm_on_grid): +0.38
# um; drift 4000 10844 (a poly345 cam under 198 us, 1.7 um of scatter,
# no ring drawn) +2.03 -> +0.28 um. Both fail on 6f0374a.
case_ drift_corrected_no_sample_grid_ring_4khz drift 4000 11408
case_ drift_corrected_no_sample_grid_ring_scatter_4khz drift 4000 10844

# blind_hunt.py speed 4000 10601 (239.2 Hz, a 1.44 % FM at 2.28 Hz, a
# 0.30 % PWM at 200.2 Hz: 0.84 cycles a stroke; t3 noise 2.66 um) read
# -5.3 ppm against U 5.1, status ok; its redraws -3.0 +- 0.4 ppm, all
# eight negative: a bias. The crossings' noise hid the PWM (0.16 cycles
# a stroke aliased) from edge_ripple, the scan of the samples near the
# stroke rate looked over 0.9-1.1 cycles a stroke only, and the end
# fits' quadratic carried the ripple's slope over the partial strokes.
# The samples' scan now runs over 0.6-1.4 (edge.c, edge_sync_ripple):
# found at 0.835 at 14 of the redraws' 16 ends; the redraws +0.1 +- 0.7
# (docs/measurement.md, "A ripple 0.6-1.4 cycles a stroke"). The draw
# reads -2.7 ppm, U 4.8: its head's line (34.8 against the strokes' own
# scatter, sync_clustered) is refused, the tail's (115) taken. Both fail
# on 31f418d and on ba298fa.
rate_ speed_pwm_084_cycles_a_stroke_4khz speed 4000 10601
redraw_ speed_pwm_084_cycles_a_stroke_redraws_centred_4khz speed 4000 10601 8

# A PWM near twice the stroke rate: blind_hunt.py speed 4000 13122 (0.5 %
# at 109.3 Hz on a 52.5 -> 50.3 Hz chirp, 2.08-2.17 cycles a stroke; a
# 0.28 % wander, t5 noise 2.78 um). Its 12 redraws (rate_floor.py) read
# -13.0 ppm on average (se 3.4), and this one, 13122009, -36.2 against U
# 29.7: wrong and sure. The crossings see the PWM at 0.08-0.17 cycles a
# stroke, where their 7-point residual takes it out, and the samples'
# scan looked at 0.6-1.4 cycles a stroke only (it took the head's at its
# alias 1.09 where the noise was small). The scan now looks at 1.6-2.4
# too, on the strokes' second harmonic (edge.c, edge_sync_ripple): the
# tail takes it at 2.15, the head at the tail's frequency (sync_confirm):
# -27.5 ppm, U 29.6; what is left is the wander's (the PWM off: -26.7).
# The 12 redraws: -5.5 ppm on average (se 3.7), 12 within U (10 before).
gen_fig_ speed_pwm_twice_stroke_rate_4khz "--seed 13122009 --fs 4000.0 --secs 2.0
  --freq 52.532 --depth-um 1066.8 --travel-um 761.7 --cam poly4567 --rise 0.4 --dwell 0.055
  --rdwell 0.139 --noise-um 2.78 --noise-kind t5 --wander-pct 0.284 --wander-hz 2.03
  --scatter-um 0.14 --jitter-us 0.93 --warp 0.047 --warp-phase 6.15 --pwm-pct 0.5 --pwm-hz 109.3
  --exposure-us 156.0 --pad-level 0.954 --pad-gain 0.36 --pad-tau-ms 0.83
  --chirp-pct -4.13" "--format ild1420 --rate 4000 --zero-mm 5 --range-mm 10 --freq-hint 52.532
  --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --exposure-us 156 --clock-ppm 0" rate

# A PWM near half a cycle a stroke at one end: blind_hunt.py speed 1000
# 14502 (0.48 % at 39.6 Hz, a step from 67.2 to 76.8 Hz: 0.589 cycles a
# stroke at the head, 0.516 at the tail). The tail's crossings, once a
# stroke, cannot place a ripple next to half a cycle (it and its mirror
# lie under one resolution cell): it took none or a wrong alias, up to
# 0.005 cycles short, -13.0 ppm (U 45; 24 redraws -10.0 +- 1.6, 13 beyond
# 10 ppm, against a floor of 1.6). The head's frequency in Hz, fitted to
# the tail's crossings (edge.c, edge_ripple_other): -0.2 ppm.
rate_ speed_pwm_half_stroke_rate_tail_1khz speed 1000 14502

# A PWM within a cycle of the window of the stroke rate: blind_hunt.py
# drift 4000 15311 (0.35 % at 127.9 Hz on a 128.76 Hz pen, 0.9933 cycles
# a stroke; the phase ripple about 5.6e-4 cycles). The samples' scan
# leaves out |nu - 1| < 1/48 (over its 48 strokes such a ripple moves
# every stroke alike), and its drifting shape term took it whole: 213 and
# 234 noise variances at the head and tail, 7.5e-4 and 6.6e-4 cycles.
# The end fits read the smooth phase, the record's ends lie off it by the
# ripple there: -5.5 ppm against U 5.4 (its 12 redraws, rate_floor.py,
# -5.15 ppm, se 0.41, 4 within U; without the PWM -0.7). The term at each
# end, taken as a ripple at one cycle a stroke where both ends show one
# PWM (edge.c, sync_near): +0.1 ppm, U 5.1; the redraws +0.01, 12 within U.
rate_ rate_pwm_within_window_of_stroke_rate_4khz drift 4000 15311
redraw_ rate_pwm_within_window_of_stroke_rate_redraws_4khz drift 4000 15311 8

# A second-order start-up on a soft pad: the head's phase fitted against
# a shape learned at the steady speed, where the pad's creep (a fixed
# time) takes a larger part of a stroke than at the head's slower speed.
# blind_hunt.py speed 4000 11222 (from 62 %, 54.8 Hz, pad creeping 1.19
# ms) and speed 1000 11308 (from 43 %, 71.2 Hz, 1.99 ms) read -12.7 and
# -18.2 ppm; drawn again 8 times, -15.59 (se 2.12) and -16.56 (se 1.19)
# on ba298fa, both fail here. Without the pad, or with the head fitted
# on the advance alone (edge.c edge_on_advance), centred on zero:
# +1.00 (se 3.16) and +0.74 (se 1.69).
redraw_ speed_startup_pad_head_redraws_centred_4khz speed 4000 11222 8
redraw_ speed_startup_pad_head_redraws_centred_1khz speed 1000 11308 8
rate_ rate_startup_pad_head_1khz speed 1000 11308

# The same under 25 samples a stroke (edge.c EDGE_ADV_SLOTS), where the
# advance is taken only where its u is within the whole window's:
# blind_hunt.py speed 1000 11621 (53.0 Hz from 69 %, zeta 0.42, 1/omega
# 40 ms, a pad creeping 1.52 ms, 24.8 samples a stroke at the head) read
# -31.0 ppm on 012bf1c, its head 0.0024 cycles short (u 0.0022, mostly
# the quartic's distance from the cubic; the advance's u 0.0008); drawn
# again 8 times -19.30 (se 2.63), both fail there; without the pad -7.4.
rate_ rate_startup_pad_head_under_25_slots_1khz speed 1000 11621
redraw_ speed_startup_pad_head_under_25_slots_redraws_centred_1khz speed 1000 11621 8

# The advance's answer only where it lies beyond its own u from the whole
# window's (edge.c edge_head): within it the whole window, whose fall
# times the phase as well, stands. blind_hunt.py speed 1000 15301 (53.3
# Hz from 49 %, second order, zeta 0.56, no pad, t3 noise 1.92 um, 37
# samples a stroke at the head) read -31.7 ppm on ee5b0ea, a draw of its
# noise (without it -0.4): its first 40 samples' noise moves the head's
# phase 0.003 strokes. Its redraws spread 12.95 ppm there (the advance
# alone; the whole window's quartic 8.6-9.7, the floor 7.5) and 9.00
# here. blind_hunt.py speed 1000 15419 (50.3 Hz from 41 %, first order,
# tau 0.184 s, a pad creeping 2.16 ms) read +12.4 ppm, its advance's
# answer within its u of the whole window's cubic and biased (without
# noise, 12 redraws +7.91 (se 1.43) -> -0.69 (se 1.52) ppm); now +6.6.
redraw_spread_ speed_startup_head_whole_window_redraws_spread_1khz speed 1000 15301 12 10.5
rate_ rate_startup_head_advance_within_u_1khz speed 1000 15419

# A start-up whose period changes steeply, on noisy crossings (learn.c
# trend_steep; docs/measurement.md, step 4a). blind_hunt.py speed 1000
# 15838 (152.3 Hz from 63 %, second order, tau 40 ms, zeta 0.49, 6.6
# samples a stroke) read -34.5 ppm on ee5b0ea: the second differences of
# its first crossings, -0.48 slots at a period of 10 (4.8 % a stroke),
# lay 2.5-2.9 of the wider test's standard errors from 0, so the head
# took the quadratic, 0.0106 strokes short (without noise -23.9 ppm; 12
# redraws -16.4 +- 16.1 against a floor of 2.4). Now -3.3 (without noise
# -2.1; 12 redraws +0.1 +- 3.0).
rate_ rate_startup_steep_head_noisy_crossings_1khz speed 1000 15838

# The advance's answer at many samples a stroke whether or not it stands
# apart, where its own u is within the whole window's answer's own (edge.c
# edge_head, EDGE_ADV_MANY). blind_hunt.py speed 4000 15518
# (51.3 Hz from 51 %, second order, tau 93 ms, zeta 0.56, no pad, 153
# samples a stroke at the head) read +14.9 ppm on fbfd3dc: the head took
# the whole window's quartic, its advance 0.95 of its own u away. Without
# noise the quartic reads +8.5 ppm and the advance +2.0: the learned
# shape is off the strokes by up to 1.4 um at the rise, and the fit over
# the fall as well carries that into the head's phase. Then +6.7; with
# the start-up's strokes folded on their bent phase (knots_bend, the next
# case) -0.6 (U 411).
rate_ rate_startup_head_advance_many_samples_4khz speed 4000 15518

# The same pen drawn without noise, scatter, exposure, jitter or wander.
# While learning, the phase ran linearly between a stroke's two knots,
# and bent at every knot where the pen changed speed: the start-up's
# strokes folded with it blurred the shape where it is steep, 1.03 um rms
# off the generator's cam (+0.5..+1.6 um on the flanks against -0.74 on
# the dwells), the rate +4.54 ppm and a drift of -1.86 um +- 1.64
# detected where none was drawn. Now the phase of a learning stroke where
# the period trends is the polynomial in time through its knots and its
# neighbours' (engine.h knots_bend): the shape 0.17 um rms off, the rate
# -0.47 ppm, no drift detected (+0.21 um +- 0.43).
gen_rate_near_ rate_startup_shape_fold_bent_phase_noiseless_4khz "--seed 15518 --fs 4000.0
  --secs 2.0 --freq 51.278 --depth-um 704.0 --travel-um 722.8 --cam poly345 --rise 0.447
  --dwell 0.026 --rdwell 0.037 --noise-um 0.001 --noise-kind t5 --start-frac 0.51 --order 2
  --tau-s 0.0929 --zeta 0.56" "--format ild1420 --rate 4000 --zero-mm 5 --range-mm 10
  --freq-hint 51.278 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0" 1.5

# A contact that settles at the head (edge.c edge_head_settle). The pen
# of blind_hunt.py speed 4000 15684 (170.5 Hz, 23.5 samples a stroke, a
# pad at 0.875 of the stroke, gain 0.6, creeping 2.87 ms) drawn without
# noise, scatter, exposure, jitter, wander, FM or PWM: the pad's creep
# starts from rest with the pen, so the first strokes reach up to 6 um
# further than the steady ones, an offset decaying with the creep's time
# constant, and the head's fit read it as phase: -3.05 ppm against U
# 2.87 on b5b5b15 (the same pen with the pad settled before the record,
# 0.5 s cut from its head: -0.06). Now the head's fit with an offset
# decaying from the first sample follows the samples (misfit 143 ->
# 0.13): -0.13 ppm, U 1.70.
gen_rate_near_ rate_head_settling_pad_noiseless_4khz "--seed 15684 --fs 4000.0 --secs 2.0
  --freq 170.486 --depth-um 1819.8 --travel-um 1093.2 --cam poly4567 --rise 0.446 --dwell 0.0
  --rdwell 0.018 --noise-um 0 --noise-kind laplace --pad-level 0.875 --pad-gain 0.6
  --pad-tau-ms 2.87" "--format ild1420 --rate 4000 --zero-mm 5 --range-mm 10
  --freq-hint 170.486 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0" 1.5

# The strokes' amplitude scatter in the end fits (edge.c edge_fit_deg:
# each stroke's amplitude a random effect, its prior the scatter of the
# strokes' tops, scatter_rho; docs/measurement.md, "Each stroke's
# amplitude in the end fit"). blind_hunt.py speed 1000 11822 (52.7 Hz,
# 19 samples a stroke, 1.93 um of scatter, 1.03 um of noise) read -12.8
# ppm on c971380, the same draw with the scatter drawn 0 +3.2: the one offset of the end
# fits took the end strokes' own amplitudes as their phase. Now -0.9
# (scatter drawn 0: +2.7), U 53.1 (the one offset's floor, session 36;
# 49.6 without it). speed 1000 11216's physics (124.5 Hz, 8 samples a
# stroke) drawn without noise and wander and with 6 um of scatter: its
# 12 redraws spread 5.90 ppm on c971380 and a8ab2d8, 1.45 now (1.59
# without the floor, whose larger u changes which answers an end takes;
# 0.8 without the scatter). Both fail on c971380 and a8ab2d8.
rate_ rate_amp_scatter_end_strokes_1khz speed 1000 11822
redraw_spread_ speed_amp_scatter_redraws_spread_1khz speed 1000 11216 12 3.0 \
  noise_um=0 wander_pct=0 scatter_um=6

# 1 kHz rings the fine fold's ripple and local maxima do not show, read
# by the ring model over the fine fold in the shape's final read (ring.c
# fine_model_fit, fine_model_doubt; shape.c shape_reread;
# docs/measurement.md 5a, "The fine fold's ring read by its model").
# blind_hunt.py ringing 1000 11408 (a 4.0 kHz ring of 6.2 um decaying in
# 0.36 ms, struck 110 um down the flank by a soft pad, 7.3 samples a
# stroke; the ring adds 1.78 um): -2.79 um against U 1.39, 174 of 215
# strokes within their U. 11420 (a 4.9 kHz ring under a 124 us exposure
# that passes half of it; it adds 4.8 um, the fine fold's local maximum
# read 1.4): -2.53 um against U 2.26. 11100 (a 2.1 kHz ring of 13.4 um
# on 61 Hz strokes): -2.16 against U 1.61. All status ok, all three fail
# on 6f0374a and 012bf1c. Now -2.79/U 3.01 (197 of 215), -0.29/U 5.46
# and -1.38/U 2.68.
case_ ring_1khz_model_flank_pad_strokes ringing 1000 11408
case_ ring_1khz_model_through_exposure ringing 1000 11420
case_ ring_1khz_model_2khz_ring ringing 1000 11100

# blind_hunt.py spikes 1000 11814: a poly345 cam at 57.3 Hz on a soft pad
# (contact at 93.6 % of the travel, gain 0.4, 1.51 ms), 17 samples a
# stroke, 92 bins a cycle. The pad's creep makes the top rise sharply and
# fall slowly, and the order-2 two-sided fit read it 0.62 um under the
# noiseless truth (orders 3 and 4 fit 5-10 times worse, so no model
# term): -1.06 um against U 0.73, its spike-free twin the same. On
# coarse bins the tilted fits (shape.c tilt_gap, the orders with a line)
# now count the gap's reach in U whatever the line's z, and the peak
# moves its share of the way (shape_top; docs/measurement.md step 6,
# "The tilted top on coarse bins"): -0.54 um, U 1.18. Two redraws of its
# physics without spikes (of 48, 41 -> 44 within U): seed 11814037
# -0.74 um against U 0.58 (the line's z 2.4), now -0.17, U 1.22; seed
# 11814027 -0.58 against U 0.57 (z 0.9: nothing taken), now U 0.79.
case_ spikes_1khz_pad_coarse_tilt spikes 1000 11814
pad11814_gen="--fs 1000.0 --secs 2.23
  --freq 57.299 --depth-um 1386.8 --travel-um 786.6 --cam poly345 --rise 0.316 --dwell 0.0
  --rdwell 0.027 --noise-um 2.25 --noise-kind laplace --wander-pct 0.11 --wander-hz 1.07
  --scatter-um 0.3 --jitter-us 0.26 --pwm-pct 0.42 --pwm-hz 269.6 --pad-level 0.936
  --pad-gain 0.4 --pad-tau-ms 1.51"
pad11814_an="--format ild1420 --rate 1000 --zero-mm 5 --range-mm 10
  --freq-hint 57.299 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0"
gen_cover_ pad_coarse_tilt_redraw_taken_1khz "--seed 11814037 $pad11814_gen" "$pad11814_an"
gen_cover_ pad_coarse_tilt_redraw_reach_1khz "--seed 11814027 $pad11814_gen" "$pad11814_an"

# A guard: taken first only where nothing else had moved the peak, the
# coarse tilt switched with the window's width (narrow_top): spikes 1000
# 12619's twin (z 0.95) moved +0.84 um, the spiked capture (z 2.7, the
# middle partly taken) not, the spikes' mean 0.76 um from the twin's. It
# is now taken from wherever the rules left the peak: +0.35 and +0.36 um.
# (It passes on /tmp/rig.s35 too, where neither moved: -0.40, -0.48 um.)
case_ spikes_1khz_pad_coarse_tilt_no_switch spikes 1000 12619

# The plateau gate of that model (and of clean_max_doubt) measures the
# top's own width (shape.c shape_top_span), not the window the sharp fit
# leaves, 7 bins at least: 0.226 of a cycle on a fold of 31 bins, so at
# 1 kHz on fast strokes the model was never asked. blind_hunt.py ringing
# 1000 11911 (a 3369 Hz ring of 19.1 um on 143 Hz poly4567 strokes, 7
# samples a stroke, its top 3 bins wide): -5.94 um against U 4.19, status
# ok on c971380; now -2.64 against U 9.56, all 217 strokes within U.
case_ ring_1khz_model_narrow_top_coarse_fold ringing 1000 11911
all_strokes_ ring_1khz_model_narrow_top_coarse_fold_strokes ringing 1000 11911

# 4 kHz rings the local quadratics read short, read by the ring model
# (ring.c ring_model_peak, peak_ringing; docs/measurement.md 5a, "The
# model on more tops"). blind_hunt.py ringing 4000 11802 (a 4361 Hz ring
# of 9.6 um on 61 Hz asine strokes, no exposure; the ring adds 1.9 um):
# the far flank's rule kept the smooth peak before the model was tried,
# and the top held 19 points within 20 um for the model's 28: -1.65 um
# (U 2.80). 11908 (4877 Hz, 11.6 um, under a 42 us exposure that passes
# 0.93 of it): any exposure kept the model out, and the 5-point
# quadratic read 3.0 of the ring's 3.9 um: -1.43 um (U 2.67). Both miss
# issue 13's 1 um on c971380; now +0.50 (U 1.35) and +0.29 (U 2.24).
case_ ring_4khz_model_far_flank_sharp_top ringing 4000 11802
case_ ring_4khz_model_short_exposure ringing 4000 11908
# The window widened for the model (RM_WIDE_REACH_UM) reaches down the
# flanks, where a quartic may miss a creeping pad's top and a sine take
# its misfit: a ring counts there only where it fits better than a smooth
# top of as many coefficients (RM_SMOOTH). blind_hunt.py mixed 4000
# 11800 (a pad creeping 0.38 ms, no ring) reported a ring without that,
# its std's U 0.46 -> 1.98 um.
no_ring_ ring_4khz_model_wide_window_pad_no_ring mixed 4000 11800
# A resolved ring's crest read by the local quadratic alone (ring.c
# peak_ringing; docs/measurement.md 5a, "The model as a second reading").
# blind_hunt.py ringing 4000 12402 (a 3709 Hz ring of 9.7 um on 155 Hz
# asine strokes, no exposure; its ripple resolved, 6 points a half
# period): the 7-point quadratic read the crest 1.05 um under the truth,
# U 0.91, status ok, on a8ab2d8. The model reads it 0.37 um higher; now
# the middle of the two, the gap in U: -0.87 um, U 1.00.
case_ ring_4khz_resolved_crest_model_second_reading ringing 4000 12402
# Rings under long exposures that pass little of them (5b, hidden): the
# 1 um limit is not met, the depth's U covers. 12701 (3905 Hz under
# 233 us, the box passes 0.10 of it): -5.60 um, U 21.4; 12714 (3945 Hz
# under 195 us, 0.27; noiseless -1.19, without the strokes' scatter too
# -0.27): -1.56 um, U 20.1. Guards: both pass on a8ab2d8.
cover_ ring_4khz_box_passes_0p10_covered ringing 4000 12701
cover_ ring_4khz_box_passes_0p27_covered ringing 4000 12714
# redraw_cover_ NAME KIND RATE SEED FROM N KEY=VALUE...: draws FROM ..
# FROM + N - 1 of tests/gen/ring_redraw.py (the draw's physics, its noise,
# scatter and ring amplitudes drawn again) with the draw's parameters KEY
# set to VALUE: every depth within its U (k = 2), status ok
redraw_cover_() {
  name=$1 kind=$2 fs=$3 seed=$4 from=$5 n=$6
  shift 6
  out=$(gen_py "$here/gen/ring_redraw.py" "$RIG" "$kind" "$fs" "$seed" "$n" --from "$from" "$@" 2>&1)
  last=$(printf '%s\n' "$out" | tail -1)
  outside=$(printf '%s\n' "$out" |
    awk '/^r [0-9]*:/ { e = $3 < 0 ? -$3 : $3; if (!(e <= $6)) printf "%s %s %s U %s; ", $1, $2, $3, $6 }')
  case "$last" in
    "$n draws:"*"within U $n,"*) ok "$name: $last" ;;
    *) bad "$name: $last; outside U: $outside" ;;
  esac
}
# A ring the box hides (docs/measurement.md, the budget's hidden ring):
# blind_hunt.py ringing 4000 17320 (a 4795 Hz ring of 14.9 um under 246
# us, the box passing -0.14 of it; 296 Hz asine strokes) reads -15.46 um,
# the crest's part 10.24 and 5.25 under the ringless capture's reading:
# the box's mean of the ring from the impact lowers the top. The term
# held the crest's part only (18.42 um) and U covered by the k = 2 of a
# rectangle: the same physics with a 20 um ring at 4700 Hz (in
# blind_hunt.py's ranges) read -19.5..-19.9 um in 8 redraws, redraw 4
# -19.80 against U 19.48, status ok, on 8cc9275. The term now holds the
# box's mean of the hidden ring too (ring.c ring_box_miss): U 26.6.
redraw_cover_ ring_4khz_hidden_box_mean_covered ringing 4000 17320 3 3 ring_um=20.0 ring_hz=4700
cover_ ring_4khz_hidden_0p14_covered ringing 4000 17320
# The ring from its impact (docs/measurement.md 5b, "The ring from its
# impact, read", ring.c ring_onset_peak): 17320 above read the boxed top,
# -15.46 um against U 28.64 (the hidden ring's term, by its width) on
# b5b5b15. A damped sine that starts at the impact with no displacement,
# fitted through the box with a sextic over the top and the rising flank
# (the onset, frequency and decay on grids), reads the ring the steady
# model cannot: -0.13 um, U 6.64 (12 redraws -0.01 +- 0.50 um, all within
# U). 16610 (a 3047 Hz ring of 16.0 um under 215 us, the box passing
# +0.43 of it; no steady model taken) -1.20 um, U 27.92 -> +0.29, U 10.74.
# Both fail on b5b5b15 and on 8d74e46 (the model withdrawn). Since
# session 45 the gap to the boxed top's reading is in U (shape.c
# shape_top): 17320 U 18.91, 16610 U 10.87.
cover_ ring_4khz_onset_model_reads_hidden_ring ringing 4000 17320 "ringing within 1 um"
cover_ ring_4khz_onset_model_0p43 ringing 4000 16610 "ringing within 1 um"
# The vertex column (docs/measurement.md 5b, "The vertex column", ring.c
# ro_vertex_set; session 47): blind_capture.py's cams meet rise and
# return at the top with a jump of a derivative no sextic follows, and
# the onset model took no ring: 22514 (poly345 at 190 Hz, a 4147 Hz ring
# of 19.6 um decaying in 1.0 ms, under 212 us; its fit 5.02 of its noise
# a degree of freedom, over RM_SECOND_FIT) read the boxed top, -9.39 um
# against U 27.70 on d3d877d; 22446 (poly4567 at 235 Hz, a pad at 0.933,
# 4177 Hz, 18.3 um, under 223 us; the best ring at the band's edge)
# -8.12 against U 26.53. With the column ((x - v) / span)^q beyond a
# vertex v, fitted where the sextic's model takes none: 22514 +0.78 um, U
# 13.23 (8 redraws, ring_redraw.py: 7 take the ring, -1.65..+1.74 um,
# 5 within 1 um; the eighth reads the boxed top, -7.04, U 28.14). 22446
# read +0.90, U 21.74, its redraws +0.90..+5.85 where taken (a pad's
# creep the model lacks), and now the boxed top again (its ring fitted on
# the sampling grid in 2.2 ms: ring.c ro_vertex_unpinned): not pinned.
# One capture, about 3 s.
cover_ ring_4khz_onset_vertex_column_poly345 ringing 4000 22514 "ringing within 1 um"
# The vertex model's half window (ring.c ro_window_chi, session 48): it
# confirms the whole window's ring, but holds half the points and often
# not the impact. 23878 (asine at 171 Hz, a 4503 Hz ring of 11.1 um
# decaying in 0.88 ms, under 234 us: near the box's first null): the
# whole window took 4425 Hz at 88 of its noise, the half 4725 Hz at 14.1,
# under RM_CHI (30): the boxed top, -6.10 um against U 28.49 on 44010a6.
# The half window's gate RO_HALF_CHI (10): +0.04 um, U 10.78 (8 redraws
# -0.58 +- 0.68 um, 6 within 1 um; before -4.11 +- 2.80, 2). One
# capture, about 3 s.
cover_ ring_4khz_onset_vertex_half_window_confirms ringing 4000 23878 "ringing within 1 um"
# The vertex model's scan past the band's edge (ring.c RO_HZ_WIDE,
# session 48): 22229 (poly345 at 125 Hz, a 4993 Hz ring of 5.7 um under
# 229 us) took its best ring at 5000 Hz, the band's edge, which the
# model refuses: the boxed top, -2.67 um against U 28.28 on 44010a6.
# Scanned to 5500 Hz: -0.21, U 3.73 (8 redraws -0.48 +- 1.29 um, 6
# within 1 um, 2 the boxed top, all within U). One capture, about 3 s.
cover_ ring_4khz_onset_vertex_scan_past_band_edge ringing 4000 22229 "ringing within 1 um"
# Guards, each passes on b5b5b15 and FAILED on the prototype (branch
# dowel, session 42): 19496 (a 4846 Hz ring of 14.3 um under 233 us on
# 87 Hz poly345 strokes) fitted a 3975 Hz ring from the impact and read
# +7.14 um against U 6.52, a smooth top of 11 coefficients 7.7 of its
# noise better than that ring; 19499 (4629 Hz, 17.3 um, under 218 us, a
# pad at 0.92 of the travel that creeps) took a 3725 Hz ring of +24 um
# over the whole window, 7.4 of its noise better than the smooth top,
# -8.61 um against U 3.53, 28 of 441 strokes within U: the onset's model
# is taken only where its ring beats that smooth top by RM_SMOOTH. 17348's
# redraw 10 (4329 Hz under 231 us): the half window's best ring at the
# band's edge (none taken), the whole window's alone -6.09 um against U
# 0.43: taken only where both windows take a ring.
cover_ ring_4khz_onset_model_wrong_ring_covered ringing 4000 19496
cover_ ring_4khz_onset_model_pad_covered ringing 4000 19499
redraw_cover_ ring_4khz_onset_model_one_window_covered ringing 4000 17348 10 1
# The ring's model on the sampling grid (docs/measurement.md 5a, "A ring
# on the sampling grid"): 12700, a 4193 Hz ring decaying in 0.33 ms, dead
# by the top of a 66 Hz asine stroke, 1.72 um of the strokes' scatter, no
# exposure. The model took a "ring" at 4025 Hz decaying in 2.2 ms (the
# scatter's pattern, repeating at the sampling rate over the fold's top),
# its part at the crest 0.70 um, 0.4 of it in U: +0.69 um against U 0.60,
# status ok, on 86d4de1. Its whole part counts now: U 0.96.
case_ ring_4khz_model_ring_on_sampling_grid ringing 4000 12700
# The ring's model above its points about its top (docs/measurement.md 5a,
# "The model above its points"): 14518, a 3993 Hz ring decaying in 0.37
# ms, dead by the top of 74 Hz poly345 strokes with a short dwell and a
# steep return, no exposure. The quartic and sine stood 0.70 um above the
# 8 points about the top (z 2.9) and read +1.01 um against U 0.76, status
# ok, on 48efec5. Now the middle, that gap in U: +0.74 um, U 1.02.
case_ ring_4khz_model_above_its_points ringing 4000 14518
# The ring's model under a short box, its window widened where the ripple
# was seen (docs/measurement.md 5a, "The box's window where a ring is seen"): 13805,
# a 4849 Hz ring under 63 us on a soft pad, 60 Hz strokes. Its window
# held 27 points within 40 um, one short of the model's 28; the local
# quadratic read -1.22 um (U 2.35) on 48efec5. Now the model: -0.71 um.
case_ ring_4khz_box_window_widened_seen ringing 4000 13805
# blind_hunt.py spikes 1000 14613: a +51.7 um speckle spike on the last
# stroke's advance (asine, 128.4 Hz, 7.8 samples a stroke), one sample
# after the last knot. The tail's fit with each stroke's amplitude
# (edge.c edge_fit_deg) took part of it in, and its deleted residual was
# read from the squares alone, without the prior's penalty: s_(i)^2 came
# out below 0 and the spike was never left out (edge_outlier). Its misfit
# then sent the tail to the open stroke's own curve, which left out a
# good sample instead: the tail 0.0318 strokes short, -107.3 ppm against
# U 90.5 (the spike-free twin -0.5 ppm). Now the penalty is in: the spike
# goes, +2.4 ppm, U 36.9.
rate_ rate_spike_end_fit_amplitudes_1khz spikes 1000 14613

# blind_hunt.py mixed 1000 14608: a flagged exponential drift of 2.44 um
# (tau 0.5 s over 2 s; -1.88 um in the mean) at 1 kHz. A line through
# the troughs read its drift -1.60 +- 0.44 um (z 3.6) and its c -0.80;
# the models (exponentials within 0.3 of its BIC: c -1.96) spread the
# drift's u to 1.0, so it was not seen and the line's c alone counted:
# -2.03 um against U 1.94 (5 of 40 redraws of its noise outside U). The
# line's misfit at the start now counts as the chosen model's does when
# seen, weighed by the line's own z from 1 to 2 (drift.c drift_fit):
# U 4.18 (40 of 40 redraws within U).
depth_below_ drift_line_start_misfit_flagged_1khz mixed 1000 14608 6
# blind_hunt.py mixed 4000 24058 (flagged): a logistic drift of 0.61 um
# (+0.31 um in the mean). The line through the troughs read it +0.35 +-
# 0.18 um (z 1.97; noiseless +0.63), its first troughs 0.61 um above it,
# and the stroke's period "explained" that trend, as it does nearly
# every trend not significant to start with: the line's c alone counted
# (0.20 um), +0.72 um against U 0.71. The period's gate now holds only
# where the line shows a trend (z 2 or more; drift.c result_drift): the
# misfit counts, U 1.67. One capture, one read (~1 s).
cover_ drift_unseen_line_start_period_gate_4khz mixed 4000 24058
# blind_hunt.py drift 4000 15516 and 15323 (read with --drift correct):
# the depth reads high by the noise, not by the drift (session 39, MANDREL;
# docs/measurement.md, "The 4 kHz top under noise"). 15516, an asine top
# with a short dwell under 95 us, 2.34 um of Laplace noise and 2.81 um of
# stroke scatter: +1.11 um, U 2.64; its drift-free twin over 12 redraws of
# noise and scatter +0.81 (sd 0.26), quiet (no noise, scatter, jitter,
# wander) +0.23. The fold's top points hold 0.5-0.75 um of noise, which
# the top's models take: the orders' weights lean to the parabola (+0.27,
# order_weights' penalty grows with the fold's noise) and the ring model
# through the box takes a "ring" a sextic explains as well (RM_SMOOTH, 2.6
# to 4.2 kHz over the redraws: +0.31 beyond the quiet take); the sextic's
# own top reads +0.62 too. Not fixed; U covers it (12 of 12 redraws), and
# this pins that it must: a guard, covered on ee5b0ea too.
cover_ depth_4khz_noise_high_top_covered_asine_dwell drift 4000 15516
# 15323 (no exposure, a poly345 top: order 3, weight 1.0 quiet): under
# 2.5 um of noise and 2.6 um of scatter the parabola took 0.97 of the
# weight, its penalty 0.6 of the whole best rss (19 s2, where the points'
# noise made all of that rss) against order 3's gap of 12 s2: +1.05 um
# corrected, U 1.81. The share now counts only the misfit beyond the
# points' own noise (order_weights, session 40): +0.55, every limit met.
case_ drift_4khz_noise_top_order_by_points_noise drift 4000 15323
# blind_hunt.py drift 1000 17029 (poly4567 at 73.6 Hz, 13.6 samples a
# stroke, 2.05 um of Laplace noise, 125 us; an exponential drift of -5.58
# um, tau 0.5 s; no ring): the fine fold of the drift-corrected top took
# a "ring" from a convex bend 49 fine bins out at 5.32 sigma (a ripple by
# a hair: ripple_share 0.32) and its best maximum 4.6 um over the smooth
# peak, whole: +6.71 um corrected (U 7.48), the drift itself +0.22. The
# drift-free twin took none (-0.01). Now the share the ripple earns is
# taken (ring.c ring_fine_rules), unsure, the whole gap in U: +1.94, U
# 7.66. 12 redraws of its noise and scatter: +1.00 (sd 1.86) -> +0.60
# (sd 0.62) um, 10 of 12 within 1 um both; what is left of 17029 is that
# noise-made ripple's share (session 41, SPROCKET).
cover_ drift_1khz_fine_ripple_by_a_hair_shared drift 1000 17029 "" 2.5

# blind_hunt.py mixed 4000 14530: a dwell on a creeping pad (session 40,
# COTTER; docs/measurement.md, "A dwell on a creeping pad"). The pad
# sinks under the dwelling tips, so the top is a crest where the tips
# arrive and a falling ramp after it; the noise hides the crest from the
# fold. 14530 (poly345, a 0.037 dwell at 206 Hz, 268 bins, read as a
# dwell): the plateau's level at its centroid, 0.77 um under the crest,
# U 0.65; now the plateau's fall from its first point (0.47 +- 0.19 um)
# counts, its middle taken over z 2..3: -0.67 against U 0.88.
depth_below_ dwell_creep_plateau_slope_4khz mixed 4000 14530 1.2
# Its sister mixed 4000 15604 (asine, a 0.031 dwell, 283 bins) is read
# sharp: order 3 and the tilted fits (order + line) both sit under the
# crest where the tips arrive, -0.45 um against U 0.43 (session 40,
# COTTER: 11 of 12 noise redraws within U, mean -0.17). A corner's fit
# (session 41, shape.c corner_gap: a flank, the pad's line, then the
# return) stands 0.33 +- 0.08 um above the sharp fit, beyond the
# rounding a smooth top could hide under it (0.03 um); its reach counts
# in U, the estimate stays: U 0.53 (12 of 12 redraws within U).
cover_ dwell_creep_corner_reach_4khz mixed 4000 15604

# redraw_mean_ NAME KIND RATE SEED FROM N MAX: draws FROM .. FROM + N - 1
# of tests/gen/ring_redraw.py (the draw's physics, its noise and scatter
# drawn again): their mean depth error within MAX um of zero, every
# depth within its U (k = 2), status ok: a bias, which one draw's noise
# hides
redraw_mean_() {
  out=$(gen_py "$here/gen/ring_redraw.py" "$RIG" "$2" "$3" "$4" "$6" --from "$5" 2>&1)
  last=$(printf '%s\n' "$out" | tail -1)
  fig=$(printf '%s\n' "$last" | awk -v n="$6" -v max="$7" '
    /draws: mean/ { m = $4 + 0; a = m < 0 ? -m : m
      print ((a <= max && $0 ~ ("within U " n ",")) ? "good" : "short"), "(at most " max "):", $0 }')
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: ${fig:-$last}" ;;
  esac
}
# blind_hunt.py mixed 1000 19985 (poly4567, a 0.049-cycle dwell at 103
# Hz, 78 bins; session 43, TRAMMEL; docs/measurement.md, "The quadratic
# over a dwell's shoulders"): the dwell's quadratic over a window the
# noise widens into the shoulders stands above the plateau (its quiet
# twin's window widened 7 -> 9 -> 11 points: +0.03, +0.18, +0.64 um).
# The record read +1.04 um against U 0.845; draws 1..6 of its noise
# +0.323 um on average on b5b5b15 (1..11: +0.236). The overshoot is now
# read off the top's models and taken off (shape.c dwell_bias): +0.165
# (1..11: +0.099; the record +0.96, U 0.852: the noise's tail, not
# fixed). About 2 s of CPU.
redraw_mean_ dwell_quadratic_shoulders_bias_1khz mixed 1000 19985 1 6 0.24

# gen_drift_ NAME "GENERATOR ARGS" "ANALYZE ARGS" [MAX_U]: the drift
# figure over the record (drift_um), flagged and with --drift correct,
# each within its U (2 drift_u_um) of the generator's drift
# (drift_depth_um), status ok both; each U at most MAX_U um if given
gen_drift_() {
  gen_two_ "$1" "$2" "$3" "--drift correct" || return
  fig=$(python3 -c 'import json, sys
h = sys.argv[1].split(",")
t = json.load(open(sys.argv[4]))["drift_depth_um"]
mu = float(sys.argv[5]) if sys.argv[5] else float("inf")
good, out = True, []
for tag, row in (("flagged", sys.argv[2]), ("corrected", sys.argv[3])):
    r = dict(zip(h, row.split(",")))
    e, u = float(r["drift_um"]) - t, 2 * float(r["drift_u_um"])
    good = good and r["status"] == "ok" and abs(e) <= u <= mu
    out.append("%s %s err %+.2f um U %.2f" % (tag, r["status"], e, u))
print("%s %s (true %+.2f%s)" % ("good" if good else "short", "; ".join(out), t,
      "; U at most %g" % mu if sys.argv[5] else ""))' \
    "$hdr" "$a" "$b" "$tmp/g2.json" "${4:-}" 2>&1)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
# blind_hunt.py drift 1000 15916 with the crank at 8.0001 samples a
# stroke (SHEAVE's near-integer draws, session 39): the pen ran 124.96
# Hz, 8.0026 samples a stroke, and every trough was read at one phase of
# the sample grid for tenths of a second, that phase crawling from 0.1 to
# 0.85 of a sample over the first 0.6 s and staying about 0.6-1.0 after.
# A stroke's eight samples read its retracted end 1.1 um apart between
# those phases: the same capture noiseless and without drift read -1.39
# um "detected". With its exponential drift of 9.70 um the figure read
# +8.34 um, U 0.62 (flagged; corrected +8.43, U 0.60), -1.36 to -2.06 um
# in each of 12 redraws of the noise (3 of 12 within U). The troughs'
# phase on the sample grid now counts (drift.c, drift_phase_term): each
# phase bin a level of its own beside the polynomials, the drift's move
# or the variance it adds: U 3.00 and 2.85, 10 of the 12 redraws within.
gen_drift_ drift_sample_phase_pattern_1khz "--seed 15916 --fs 1000.0 --secs 2.098
  --freq 124.9982 --depth-um 588.6 --travel-um 1226.3 --cam poly345 --rise 0.42 --dwell 0.033
  --rdwell 0.048 --noise-um 0.8 --noise-kind t5 --wander-pct 0.124 --wander-hz 1.07
  --scatter-um 2.04 --jitter-us 0.54 --warp 0.091 --warp-phase 6.27 --pwm-pct 0.26
  --pwm-hz 38.2 --pad-level 0.858 --pad-gain 0.32 --pad-tau-ms 2.46 --drift-um -9.71
  --drift-kind exp --drift-tau-s 1.38" "--format ild1420 --rate 1000 --zero-mm 5 --range-mm 10
  --freq-hint 124.998 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0"
# (19232's cases stood before depth_below_ was defined, and the shell
# skipped its depth_below_ as a command not found; here since session 44.)
# A start-up from 47 % (second order, 43 ms) onto a creeping pad at 4 kHz,
# no drift (blind_hunt.py speed 4000 19232). A stroke whose speed changes
# within it spends longer at the phases it passes slowly, and its mean
# level over the period stands off the level its own peak and trough make
# with the shape: +13.3 um at the first stroke, settling with the speed
# (about 90 um per unit of the period's change across the stroke). Since
# the bent phase measured those strokes (session 42) their levels made a
# quadratic in time of 5.46 um, read as a shape that took a drift in
# (drift_level_range): depth -0.09 um, U 10.83, each stroke's U 9.5. The
# levels are fitted beside the speed's change across each stroke now
# (level_speed_change): the range 0, U 0.84 (13 redraws of its noise:
# mean U 11.03 -> 0.76 um, the errors the same, 13 of 13 within U).
depth_below_ speed_pad_startup_levels_not_drift_4khz speed 4000 19232 2
minmax_ speed_pad_startup_levels_not_drift_4khz_minmax speed 4000 19232 8
# The same record with --drift correct: the strokes' mean levels (as read,
# m->dr_lv) against the troughs (drift_level_check) still hold the
# start-up's level error, their drift over the record some 11 um from the
# troughs', and that difference went into the drift figure's U: -1.66 um
# +- 22.47 (flagged +- 3.34). The levels tell a drift only where the rate
# held over the learning store (LEVELS_STEADY_FRAC, as learn_drift_out
# and the detection take them; here it changed 50 %): +- 3.34 both.
gen_drift_ speed_startup_levels_not_drift_u_corrected_4khz "--seed 19232 --fs 4000.0 --secs 2.0
  --freq 96.117 --depth-um 775.8 --travel-um 802.1 --cam poly345 --rise 0.365 --dwell 0.0
  --rdwell 0.086 --noise-um 0.89 --noise-kind t3 --wander-pct 0.219 --wander-hz 3.2
  --scatter-um 1.39 --jitter-us 0.24 --pwm-pct 0.3 --pwm-hz 174.6 --pad-level 0.87 --pad-gain 0.4
  --pad-tau-ms 2.36 --start-frac 0.47 --order 2 --tau-s 0.0428 --zeta 0.56" "--format ild1420
  --rate 4000 --zero-mm 5 --range-mm 10 --freq-hint 96.117 --linearity-um 0 --resolution-um 0.1557
  --zero-u-um 0 --clock-ppm 0" 8
# A speed step to 0.78 at 0.54 s onto a creeping pad at 4 kHz, no drift
# (blind_hunt.py speed 4000 21846): the pad still recovers at the trough,
# so the troughs sit deeper after the step, and the drift figure read
# +0.91 um, U 0.78 flagged (+0.91, U 0.73 corrected): 13 redraws of its
# noise (ring_redraw.py) +1.21 +- 0.24 um, 9 of 13 within U, a bias. The
# line through the troughs read +1.58 um, the same line beside the
# stroke's period (drift_explain_best) -0.18 +- 0.27: what the speed
# explains of the trend, beyond twice what noise moves between the two
# fits, counts in the figure's U now (drift.c, drift_speed_var): U 2.71
# flagged, 2.82 corrected; 12 and 13 of the 13 redraws within U.
gen_drift_ speed_step_pad_troughs_not_drift_4khz "--seed 21846 --fs 4000.0 --secs 2.0
  --freq 94.433 --depth-um 927.4 --travel-um 1074.0 --cam poly345 --rise 0.324 --dwell 0.033
  --rdwell 0.078 --noise-um 2.07 --noise-kind t3 --wander-pct 0.273 --wander-hz 2.89
  --scatter-um 1.83 --jitter-us 0.72 --warp 0.13 --warp-phase 5.67 --pwm-pct 0.22 --pwm-hz 305.9
  --pad-level 0.9 --pad-gain 0.59 --pad-tau-ms 1.84 --step-at 0.54 --step-ratio 0.779
  --tau-s 0.092" "--format ild1420 --rate 4000 --zero-mm 5 --range-mm 10 --freq-hint 94.433
  --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --clock-ppm 0" 3.5
# blind_hunt.py speed 1000 22883 (a step to 0.67 at 0.32 s onto a
# creeping pad, no drift drawn; session 46, JIG): the 4 kHz record above's
# physics at 1 kHz. The drift figure +0.71 um, U 0.65 flagged (0.66
# corrected), "not detected": the line through the troughs +0.71 +- 0.26,
# the time part beside the period +0.24 +- 0.59, too noisy for
# drift_speed_var's 2-sigma excess; 60 redraws +0.60 um (se 0.05), 56
# within U. Where the period explains the trend the figure may be none:
# its size counts in U (drift.c, drift_speed_doubt): U 1.04 and 1.05; the
# redraws 60 of 60 within U. One capture, two reads (~1 s).
gen_drift_ speed_step_pad_troughs_not_drift_1khz "--seed 22883 --fs 1000.0 --secs 2.0
  --freq 77.319 --depth-um 2190.9 --travel-um 1444.9 --cam poly345 --rise 0.322 --dwell 0.0
  --rdwell 0.023 --noise-um 1.59 --noise-kind laplace --wander-pct 0.125 --wander-hz 1.55
  --scatter-um 0.5 --jitter-us 0.92 --pwm-pct 0.17 --pwm-hz 322.9 --exposure-us 129.0
  --pad-level 0.855 --pad-gain 0.44 --pad-tau-ms 1.22 --step-at 0.32 --step-ratio 0.668
  --tau-s 0.091" "--format ild1420 --rate 1000 --zero-mm 5 --range-mm 10 --freq-hint 77.319
  --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --exposure-us 129 --clock-ppm 0" 1.5
# gap_withholds_drift_ NAME "GENERATOR ARGS" "ANALYZE ARGS": one capture
# read without and with the phase-gap gate (--max-phase-gap-pct 3.5, a
# run's [quality] default): without, status ok with a drift figure; with
# it, status phase gap, the rate kept, and neither depth nor drift stated
# (the CSV's columns empty, no drift: line)
gap_withholds_drift_() {
  gen_two_ "$1" "$2" "$3" "--max-phase-gap-pct 3.5" || return
  # shellcheck disable=SC2086
  line=$($RUNNER "$RIG" analyze $3 --max-phase-gap-pct 3.5 "$tmp/g2.bin" 2>/dev/null | grep '^drift:')
  fig=$(python3 -c 'import sys
h = sys.argv[1].split(",")
a, b = (dict(zip(h, r.split(","))) for r in sys.argv[2:4])
leaks = ["%s=%s" % (k, b[k]) for k in ("depth_mean_um", "drift_um", "drift_u_um", "drift_detected")
         if b.get(k)]
leaks += ["drift_corrected=1"] if b.get("drift_corrected", "0") != "0" else []
leaks += [sys.argv[4]] if sys.argv[4] else []
good = (a["status"] == "ok" and a["drift_um"] != "" and b["status"] == "phase gap"
        and b["freq_hz"] != "" and not leaks)
print("%s: ungated %s drift %s um; gated %s, rate %s Hz, %s" % ("good" if good else "short",
      a["status"], a["drift_um"] or "none", b["status"], b["freq_hz"] or "none",
      "; ".join(leaks) or "no depth or drift stated"))' "$hdr" "$a" "$b" "$line" 2>&1)
  case "$fig" in
    "good"*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
# blind_hunt.py drift 1000 16304 with the crank at about 8 samples a
# stroke (SHEAVE's near-integer draws, PINTLE session 39): 7.998 samples
# a stroke, speed wander 0.025 %, 5.22 % of the period unsampled at the
# top. The troughs were read at the same few phases, crawling over the
# record: the drift figure -16.82 um, U 5.45, for -9.18. Under the gate
# (a run's default 3.5 %) the depth was withheld and the drift figure
# still stated, from the same strokes; it is withheld with the depth now
# (result.c, measure_gate_phase_gap), as under the other gates.
gap_withholds_drift_ phase_gap_withholds_drift_1khz "--seed 16304 --fs 1000.0 --secs 2.337
  --freq 125.0428 --depth-um 1512.0 --travel-um 847.4 --cam asine --rise 0.351 --dwell 0.0
  --rdwell 0.184 --noise-um 2.72 --noise-kind gauss --wander-pct 0.025 --wander-hz 0.87
  --scatter-um 0.95 --jitter-us 0.07 --pwm-pct 0.28 --pwm-hz 32.9 --exposure-us 23.0
  --drift-um 9.19 --drift-kind lin --drift-tau-s 0.73" "--format ild1420 --rate 1000 --zero-mm 5
  --range-mm 10 --freq-hint 125.043 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0
  --exposure-us 23 --clock-ppm 0"
# blind_hunt.py drift 1000 16717: 7.5 samples a stroke near commensurate
# (a poly4567 cam, a creeping pad, 131 us exposure), a logistic drift of
# 8.88 um. The fold's bins halve while fewer than 9 in 10 are filled, and
# 31 halved to 15, below NBIN_MIN: with the drift the knots moved enough
# to leave 27 of 31 filled (28 without), the top was read over 1/15 of a
# cycle a bin, 5.5 um shallow, and the depth, corrected, -5.82 um (U
# 11.9; the same capture noiseless -5.59, without drift -0.78). The fold
# now halves below NBIN_MIN only with more than a fifth of its bins
# empty: 31 bins kept, -0.98 um, every limit met.
case_ drift_fold_bins_not_below_min_1khz drift 1000 16717
# blind_hunt.py drift 1000 20070 (asine, 71.45 Hz, 13.996 samples a
# stroke, a pen's wander of 0.091 %, an exponential drift of 7.6 um, tau
# 0.31 s): the drift and the wander left 35 of 39 bins filled (36 in its
# drift-free twin), the fold went to 19 bins and read the top 5.7 um
# shallow, every stroke's peak with it: corrected -4.58 um (U 11.7), the
# twin +0.15. A halving below 32 bins now takes more than a fifth of them
# empty as below NBIN_MIN: 39 bins kept, +0.26 um, every limit met.
case_ drift_fold_bins_not_below_32_1khz drift 1000 20070
# The same pen at exactly 7.5 samples a stroke (133.3333 Hz), drawn
# without drift: the fold went 31 -> 15 bins as well, alternate strokes'
# tops read 491.2 and 494.7 um against a shape of 15 bins, and the record
# was refused as a two-lobe cam; on 31 bins -0.83 um, U 8.33, status ok.
gen_cover_ fold_bins_half_sample_rate_not_two_lobes_1khz "--seed 16717 --fs 1000.0 --secs 1.52
  --freq 133.3333333 --depth-um 512.5 --travel-um 1170.5 --cam poly4567 --rise 0.446 --dwell 0.0
  --rdwell 0.079 --noise-um 2.25 --noise-kind gauss --wander-pct 0.045 --wander-hz 3.96
  --scatter-um 0.18 --jitter-us 0.52 --exposure-us 131.0 --pad-level 0.895 --pad-gain 0.5
  --pad-tau-ms 1.62" "--format ild1420 --rate 1000 --zero-mm 5 --range-mm 10 --freq-hint 133.333
  --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0 --exposure-us 131 --clock-ppm 0"
# blind_hunt.py ringing 1000 20177: a 4496 Hz ring of 15.8 um decaying in
# 0.78 ms on 52 Hz poly4567 strokes, 19 samples a stroke, no exposure
# (the ring adds 3.10 um). The fine fold of the top took the ring under
# the strokes' unbiased timing (817.48 um, truth 817.24) and kept it
# unsure under the plain one (815.33): -1.89 um against U 1.83. The gap
# of the two timings' reads counts in U where either saw a ring
# (learn.c, ring_timing_gap): U 2.90.
cover_ ring_1khz_timing_gap_covered ringing 1000 20177
# Draw 6 of the same physics' noise (tests/gen/ring_redraw.py ringing
# 1000 20177; session 44, TRESTLE): the fine fold read the crest 0.99 um
# over the smooth peak, a ring unsure, where the same fold's window
# shifted by a fraction of a fine bin read it 1.0 .. 3.4 um up (the
# samples three to a bin fall together otherwise): -2.25 um against U
# 1.76. The crest is now the mean of 8 reads at shifts an eighth of a
# fine bin apart, half their range in U (ring.c, fine_crest_reads): -0.89
# um, U 2.55; the 12 draws sd 1.46 -> 1.00 um, 11 -> 12 within U. About
# 1 s of CPU.
redraw_mean_ ring_1khz_crest_read_from_8_timings ringing 1000 20177 6 1 1.5
# blind_hunt.py ringing 4000 21391 (a 4782 Hz ring of 18.4 um on 207 Hz
# poly345 strokes, 266 points, no exposure; the ripple at 18 sigma, local
# quadratics over 5 points; session 45, MITRE): the crest lay between two
# fold points 0.95 apart, and each one's quadratic put its vertex beyond
# half the gap, on the other's side (0.54 and 0.52 of it): no local
# maximum claimed it, a side crest 4.3 um lower was the ring's, and the
# ring's model met it halfway: -2.15 um, U 5.17 (so in 2 of its 8 noise
# redraws, the other 6 within 0.5 um, U 0.55..0.87). Such a crest is now
# claimed by the point whose vertex lies nearer it (ring.c,
# local_max_claim): -0.03 um, U 0.68; redraw 5 -2.05 -> -0.14 um. About
# 1 s of CPU.
cover_ ring_4khz_crest_between_two_fold_points ringing 4000 21391 "ringing within 1 um" 0.5
redraw_mean_ ring_4khz_crest_between_two_fold_points_redraw ringing 4000 21391 5 1 0.5
# blind_hunt.py ringing 4000 23833 (a 2362 Hz ring of 15.4 um decaying in
# 0.58 ms on 195 Hz poly345 strokes with a 0.055-cycle dwell, 315 points,
# no exposure; session 45, MITRE): the ring seen only by a convex bend at
# 5.5 sigma, no rise; its best local maximum, the crest, 3.3 um over the
# smooth peak at 10 of its sigma. The ripple's ramp (ripple_ramp, 5 -> 6
# sigma) moved the peak half the way: -1.44 um, U 3.93; 8 redraws of its
# noise and scatter -1.07 um on average (sd 1.28), 4 within 1 um (redraw
# 2: -3.12, U 3.46). The maximum's own significance, against the fold's
# scatter, now earns its share too (ring.c, seen_share: 5 -> 7 sigma):
# -0.01 um, U 1.06; the redraws -0.01 (sd 0.21), 8 within 1 um. About 1 s.
cover_ ring_4khz_seen_by_a_bend_max_sure ringing 4000 23833 "ringing within 1 um" 0.5
redraw_mean_ ring_4khz_seen_by_a_bend_max_sure_redraw ringing 4000 23833 2 1 0.5
# blind_hunt.py ringing 4000 21405 (a 2530 Hz ring of 5.2 um decaying in
# 0.52 ms on 113 Hz asine strokes, 311 points, no exposure; the load's
# warp puts the ring's crest on the top, 0.73 um over it in the truth;
# session 45, MITRE): no ripple, the best local maximum (17 points) 0.53
# um over the smooth peak at 2.1 sigma, and 0.18 more by its Richardson
# correction; the smooth peak stays, the gap in U: -0.94 um against U
# 0.86, status ok. 12 redraws -0.58 um on average, se 0.09; the steady
# ring's model finds no ring; without noise or scatter -0.23: the doubt
# then reached the corrected maximum (ring.c, unsure_max_doubt): U 1.02.
# Session 46 (DENTIL): the ring is struck 119 um down the flank, 0.74 ms
# before the top, and decays to 1.2 um there; the ring from its impact
# (ring.c ring_onset_peak, until then under a long exposure only) fits it
# over the flank at 2450 Hz decaying in 0.56 ms, z 108 over the sextic, 84
# over a smooth top, and is now read where an unsure maximum and no ripple
# leave the smooth peak (ring.c, quiet_onset_take): -0.25 um, U 1.32.
# Redraws 3 and 4 (-0.92 U 0.71 and -0.57 on fb87750): -0.02, +0.14; all
# 12: -0.075 on average (sd 0.25), 12 within U and 1 um (d3d877d: -0.58,
# 11 within U). Landed in session 47 (FASCIA) with two more gates: the
# half window's ring over its smooth top (63 here) and the ring over a
# pad's creep (64). About 2 s.
cover_ ring_4khz_crest_on_top_unsure_max_covered ringing 4000 21405
cover_ ring_4khz_decayed_ring_read_from_its_impact ringing 4000 21405 "ringing within 1 um" 0.5
redraw_mean_ ring_4khz_decayed_ring_read_from_its_impact_redraw ringing 4000 21405 3 2 0.3
# blind_hunt.py ringing 4000 28338 (a 3626 Hz ring of 12.1 um decaying in
# 0.35 ms, struck on the flank, on 274 Hz asine strokes, 249 points, 19
# a ring period, no exposure; session 48, BATTEN): a ripple seen only by a
# convex point 22 points out (held to the band's half period, 17), so
# the local quadratics reached 17 points, nearly a ring period; the
# least uncertain read the crest 0.15 um over the smooth peak where the
# 5- and 7-point ones read 0.52 and the truth lies 0.84 up: -0.68 um
# against U 0.65, status ok; redraws 6-8 -0.47 U 0.63, -0.18 U 0.79,
# -0.64 U 0.62 (2 of 3 within U; both cases fail on 44010a6). The crest
# may lie up to the highest reading of any h (ring.c, unsure_crest_reach):
# U 0.80; redraws 6-8 U 0.91, 0.79, 1.17; its 12 redraws within U 10 ->
# 12, mean U 0.87 -> 1.06 (-0.19 um on average, all within 1 um: a tail,
# U only). About 2 s.
cover_ ring_4khz_unsure_crest_up_to_the_highest_quadratic ringing 4000 28338
redraw_mean_ ring_4khz_unsure_crest_up_to_the_highest_quadratic_redraw ringing 4000 28338 6 3 0.6
# blind_hunt.py mixed 4000 25477 (asine strokes at 230 Hz, no ring): the
# ring from its impact with no box took a 1.8 um "ring" at 3100 Hz, only
# 9.4..12.1 of its noise over a smooth top of as many freedoms, and
# reported it (U 0.43 -> 0.26 um); with no box the ring must beat that
# top by QUIET_ONSET_SMOOTH (30; ring.c quiet_onset_take). A guard (no
# ring on fb87750 either). About 1 s.
no_ring_ ring_4khz_onset_no_ring_on_a_ringless_asine mixed 4000 25477
# blind_hunt.py spikes 4000 25424 (asine strokes at 243 Hz with a dwell
# 0.025 of a cycle, 54 us of exposure, no ring): the same model took a
# 4.7 um ring decaying in 2.2 ms, the slowest decay it tries, 51 over the
# smooth top (the dwell's shoulders): +0.28 um, U 0.57 -> +0.93, U 1.61;
# a ring at the decay grid's edge is not taken there. A guard (+0.28 on
# fb87750). About 1 s.
cover_ ring_4khz_onset_no_ring_on_a_dwell_at_the_decay_edge spikes 4000 25424 "" 0.5
# blind_hunt.py spikes 4000 25974 (asine strokes at 266 Hz with a dwell
# 0.035 of a cycle, no exposure, no ring; session 47, FASCIA): the same
# model took a 2025 Hz "ring" struck 5 points before the top, 282 of its
# noise over the whole window's smooth top and 59 over the half
# window's, and reported it: +0.00 um, U 0.33 -> +0.29, U 2.89. A pad's
# creep (one break in the top's shape, no crest beyond it; ring.c
# pad_creep_chi) fits it within 6.9 of the ring: not taken. A guard (no
# ring on d3d877d either). About 2 s.
no_ring_ ring_4khz_onset_no_ring_on_a_dwell_shoulder spikes 4000 25974
# blind_hunt.py ringing 4000 21491 (a 4337 Hz ring of 6.8 um decaying in
# 0.73 ms on 59 Hz asine strokes, 266 points, 3.9 in half a 2 kHz period:
# coarse, read by the fine folds; session 46, DENTIL): the fine fold
# takes the ring, its crest 1.97 um over the smooth peak, but its points
# stray from the coarse shape at z 0.4 only (under FINE_SIGMAS: the
# coarse bins follow the ring in part), and the middle of the two was
# taken: -1.48 um, U 3.72; 12 redraws -1.24 on average, 3 within 1 um.
# The coarse fold's own rise (3.03 um at 6.7 sigma) now earns the fine
# fold's crest its share (ring.c, coarse_rise_share): -0.36 um, U 2.81;
# redraws 5 and 6 (-1.47, -1.15 on fb87750) -0.04, +0.07; 24 redraws
# -0.10 on average (sd 0.40), 24 within U and 1 um. About 2 s.
cover_ ring_4khz_fine_crest_shown_by_coarse_rise ringing 4000 21491 "ringing within 1 um" 0.5
redraw_mean_ ring_4khz_fine_crest_shown_by_coarse_rise_redraw ringing 4000 21491 5 2 0.3
# blind_hunt.py ringing 4000 23806 (a 3466 Hz ring of 7.5 um on 217 Hz
# poly4567 strokes; seen by a convex bend at 5.4 sigma, its maximum 6.4
# sigma: a share 0.7; session 45): -1.07 um, U 2.21, a tail: its 12
# redraws -0.09 um on average (sd 0.43), 11 within 1 um. A guard (holds
# on fb87750 too): redraws 1..4 -0.08 on average. About 3 s.
cover_ ring_4khz_bend_share_tail_covered ringing 4000 23806
redraw_mean_ ring_4khz_bend_share_tail_redraw ringing 4000 23806 1 4 0.3
# blind_hunt.py speed 1000 22250 (an asine at 122 Hz with a 0.004-cycle
# dwell, narrower than one of its 82 bins; 0.91 um of t3 noise, 8.2
# samples a stroke; session 46, JIG): noiseless the parabola over the top
# stands 0.2-0.3 um above its vertex point, z 3.6-5.6, and the flats read
# the dwell (-0.02 um); under the noise that point's standard error is
# four times larger, z -0.2..0.8, the flats are not tried and the
# parabola's overshoot had no term: +0.48 um against U 0.45; 20 redraws
# +0.20 um (sd 0.19), 16 within U. The orders' reach over their vertex
# point now counts in the model term (shape.c peak_sharp, FLAT_UNSEEN):
# U 0.52; the redraws 20 of 20 within U. The estimate stays (the mean
# is checked at 0.5 um only). Draws 3..5 (+0.42 um against U 0.37, +0.34
# against 0.31 before). About 2 s of CPU.
cover_ speed_1khz_noise_hides_short_dwell speed 1000 22250
redraw_mean_ speed_1khz_noise_hides_short_dwell_redraw speed 1000 22250 3 3 0.5
# budget_ NAME "GENERATOR ARGS" "ANALYZE ARGS" RES_UM: the --csv row gives
# the budget's terms (depth_u_*_um, freq_u_*_hz: standard uncertainties,
# docs/measurement.md "Uncertainty budget"), and depth_U_um and freq_U_hz
# are twice their quadrature sum (with the resolution's RES_UM / sqrt(12);
# linearity, zero and clock 0 in ANALYZE ARGS), within the printed digits
budget_() {
  # shellcheck disable=SC2086
  gen_py "$here/gen/blind_capture.py" --out "$tmp/gb.bin" $2 >/dev/null 2>&1 ||
    { bad "$1: the generator failed"; return; }
  # shellcheck disable=SC2086
  $RUNNER "$RIG" analyze $3 --csv "$tmp/gb.bin" >"$tmp/gb.csv" 2>&1
  fig=$(python3 -c 'import math, sys
lines = open(sys.argv[1]).read().splitlines()
r = dict(zip(lines[0].split(","), lines[1].split(",")))
d = ["depth_u_%s_um" % k for k in ("stat", "peak", "model", "phase", "drift")]
f = ["freq_u_%s_hz" % k for k in ("stat", "model", "count", "gap")]
try:
    ud = [float(r[k]) for k in d]
    uf = [float(r[k]) for k in f]
except (KeyError, ValueError) as e:
    print("no budget terms in the CSV row (%s)" % e)
    sys.exit()
res = float(sys.argv[2]) / math.sqrt(12)
dU = 2 * math.sqrt(sum(u * u for u in ud) + res * res)
fU = 2 * math.sqrt(sum(u * u for u in uf))
good = (r["status"] == "ok" and abs(dU - float(r["depth_U_um"])) <= 0.004 and
        abs(fU - float(r["freq_U_hz"])) <= 4e-6)
print("%s depth U %s from %s um: %.4f; rate U %s from %s Hz: %.6f" % (
    "good" if good else "off", r["depth_U_um"], " ".join(r[k] for k in d), dU,
    r["freq_U_hz"], " ".join(r[k] for k in f), fU))' "$tmp/gb.csv" "$4" 2>&1)
  case "$fig" in
    "good "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
# blind_hunt.py noisy 1000 23700 (12.8 um of noise on a 248 um asine
# stroke, 4.9 % of it; session 46, VALANCE): -3.91 um against U 3.78,
# status ok. Its budget: stat 0.641, shape peak 1.416 (the top bin's
# standard error: 23 samples, 22 degrees of freedom), model 0.215, drift
# 1.053 um. Over 40 redraws of its noise (tests/gen/ring_redraw.py) the
# model term swings 0.11 to 7.14 um (the top's z-weighed terms fire on
# some), the others hold; the peak's own scatter matches its term where
# none fires; 32 of 33 accepted within U (this draw the one miss, 2.07
# of its standard uncertainty): a tail, not a U from too few degrees of
# freedom (docs/measurement.md, "Noisy records accepted"). rig analyze
# --csv now gives the terms, so a budget is read without a debugger.
# About 1 s.
budget_ budget_terms_in_csv_noisy_1khz "--seed 23700 --fs 1000.0 --secs 2.057 --freq 78.15
  --depth-um 370.7 --travel-um 248.1 --cam asine --rise 0.549 --dwell 0.0 --rdwell 0.137
  --noise-um 12.83 --noise-kind gauss --wander-pct 0.244 --wander-hz 3.19 --scatter-um 0.84
  --jitter-us 0.57 --pwm-pct 0.34 --pwm-hz 117.5" "--format ild1420 --rate 1000 --zero-mm 5
  --range-mm 10 --freq-hint 78.15 --linearity-um 0 --resolution-um 0.1557 --zero-u-um 0
  --clock-ppm 0" 0.1557
# redraw_rate_in_u_ NAME KIND RATE SEED "R ..." KEY=VALUE...: redraws R
# of blind_hunt.py's draw (tests/gen/ring_redraw.py: its noise, scatter
# and jitter drawn again) with its parameters KEY set to VALUE, each read
# as blind_hunt.py reads it: status ok and the rate (the sensor's clock)
# within its U (k = 2)
redraw_rate_in_u_() {
  name=$1
  shift
  fig=$(gen_py - "$here/gen" "$RIG" "$@" <<'PY' 2>&1
import os, sys, tempfile
sys.path.insert(0, sys.argv[1])
import blind_capture as bc
import blind_hunt as bh
import ring_redraw as rr
rig, kind, fs, seed = sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
draws = [int(r) for r in sys.argv[6].split()]
p = bh.draw(kind, fs, seed)
for kv in sys.argv[7:]:
    k, v = kv.split("=", 1)
    p[k] = type(p.get(k, bc.DEFAULTS.get(k)))(v)
good, out = True, []
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "cap.bin")
    for r in draws:
        data, truth = rr.redraw(p, r)
        with open(path, "wb") as f:
            f.write(data)
        o = bh.judge(kind, p, truth, bh.rig_analyze(rig, p, path, per_stroke=False))
        e, u = o.get("rate_err_sensor_ppm"), o.get("rate_U_ppm")
        if e is None or u is None:
            good = False
            out.append("r %d: %s, no rate" % (r, o["status"]))
            continue
        good = good and o["status"] == "ok" and abs(e) <= u
        out.append("r %d: %+.1f ppm U %.1f %s" % (r, e, u, o["status"]))
print("%s %s" % ("good" if good else "short", "; ".join(out)))
PY
)
  case "$fig" in
    "good "*) ok "$name: $fig" ;;
    *) bad "$name: $fig" ;;
  esac
}
# The rate's end fits' u under noise (edge.c edge_floor_var; session 47,
# SCREED; docs/measurement.md, "A floor from the record's noise"):
# blind_hunt.py noisy 4000 11531's physics without its exposure, 12.6 um
# of noise on a 350 um poly345 stroke at 20.004 samples a stroke. The
# fold's 367 bins hold ~24 samples each, their points 3 um apart in
# noise: the shape's slope at a sample (the quadratic through a point and
# its neighbours') holds that noise many times over, and the end fit took
# it for the pen's, its information 3-14 times the pen's. Over 40
# redraws the head's u swung 0.0010..0.0116 strokes (rms 0.0042) against
# its scatter of 0.0075; 7 heads beyond 4 of their u; 3 rates outside U.
# Redraw 22: -39.6 ppm against U 38.6 (head u 0.0028, tail 0.0018) on
# d3d877d. The floor (the Cramer-Rao bound from the record's noise and
# the shape's chords half a sample either side) now holds the head's u
# at 0.0051..0.0116 (rms 0.0063), no head beyond 2.7 of it, 39 of 40
# within U: redraw 22 U 49.9. About 1 s.
redraw_rate_in_u_ rate_end_u_noise_floor_4khz_redraw noisy 4000 11531 22 exposure_us=0.0 noise_um=12.6
# blind_hunt.py ringing 1000 24043 (a 2858 Hz ring of 19 um decaying in
# 0.22 ms on 108 Hz asine strokes, 9.3 samples a stroke; the ring takes
# 0.74 um off the ringless top; session 47, LATH): +1.23 um against U
# 0.86, status ok. The fine fold's model (ring.c fine_model_fit) saw the
# ring at z 111 and put the top 0.16..0.83 um under the smooth peak, but
# only tops over the peak counted (fine_model_doubt); now mirrored
# (fine_model_below): +0.99 um, U 1.27. About 1 s.
cover_ ring_1khz_model_tops_below_peak ringing 1000 24043 "" 1.1

# rate_u_ NAME KIND RATE SEED: status ok and the mean rate within its U
# (k = 2), where the record's samples cannot give issue 13's 10 ppm: what
# U must then say (whether within 10 ppm is printed, the third word of
# rate_fig_, not judged)
rate_u_() {
  fig=$(rate_fig_ "$2" "$3" "$4")
  case "$fig" in
    "ok True "*) ok "$1: $fig" ;;
    *) bad "$1: $fig" ;;
  esac
}
# The 1 kHz speed draws beyond 10 ppm (session 47, RISER;
# docs/measurement.md, "The 1 kHz speed misses, session 47"): their
# errors are what the samples allow, and U must say so. blind_hunt.py
# speed 1000 24859 (52.1 Hz, a 4.3 % chirp, 19 samples a stroke, 2.6 um
# of noise on a 654 um stroke, scatter 2.6 um): -28.4 ppm against U 35.5
# (u_stat 13.7, u_model 11.3 ppm); its floor (tests/gen/rate_floor.py)
# 10.0 ppm (1 sd), 60 redraws of its noise (ring_redraw.py --rate) -2.9
# +- 1.2 ppm, sd 8.9: a tail. speed 1000 26479 (52.2 Hz, a 3.5 % chirp,
# wander 0.23 % at 1.2 Hz): -15.1 ppm against U 20.6 (u_stat 7.7,
# u_model 6.9); its noise redrawn -7.5 +- 0.8 (sd 3.7), noiseless -0.3;
# the wander redrawn too (rate_floor.py --redraws) -0.9 +- 1.6, sd 7.8:
# the wander as drawn, which the tail's quadratic does not follow. Both
# pass on /tmp/rig.s47 too (guards: a smaller rate U at 1 kHz must not
# leave them). About 1 s each.
rate_u_ rate_u_covers_floor_chirp_1khz_52hz speed 1000 24859
rate_u_ rate_u_covers_wander_tail_1khz_52hz speed 1000 26479
# blind_hunt.py ringing 1000 26146 (a 4860 Hz ring of 8.5 um decaying in
# 0.8 ms on 51 Hz asine strokes, 19.5 samples a stroke; session 48,
# BRACKET): -1.51 um against U 1.24, status ok. The fine model's window
# spanned 2.17 samples a stroke, over FINE_MODEL_GRID, so the model was
# not fitted; now fitted over its middle (ring.c fine_model_clip): z 31.7,
# -0.97 um, U 2.07. About 1 s.
cover_ ring_1khz_fine_model_clipped_window ringing 1000 26146
finish
