#!/usr/bin/env python3
"""physics_capture.py - laser captures of a pen and a sensor that are not
ideal, with ground truth, for `rig analyze` (python3 standard library only).

A third model, written apart from tests/support/capgen.c (raised cosine,
cam and dwell shapes, Ornstein-Uhlenbeck wander) and make_capture.py
(Fourier and smoothstep shapes, sinusoid + random-walk wander):

- motion law: cycloidal rise over `--advance` of the period, an optional
  dwell (`--dwell`, a flat top), cycloidal return; the stroke stretches from
  a fixed retracted end; per-stroke scatter from a triangular distribution;
- speed: the stroke phase is an analytic function of time (no integration
  error): constant, a start-up transient from `--start-frac` of the speed
  with time constant `--start-tau`, a step to `--step-factor` at
  `--step-at` (smoothed over `--step-tau`), a linear chirp of `--chirp`
  (relative change over the record), plus slow sinusoidal wander;
- a two-lobe cam (`--lobes-dperiod`): lobe A lasts (1 + d) of a mean period,
  lobe B (1 - d), lobe B reaches `--lobes-ddepth-um` deeper;
- impact ringing: a damped sine (`--ring-um`, `--ring-hz`, `--ring-tau-ms`)
  from the moment the tips pass the middle of their advance;
- sensor: Gaussian noise, a slow drift of the readings (`--drift-um` over
  the record, half linear, half quadratic), speckle spikes (`--spike-frac`,
  `--spike-um` min:max, `--spike-sign` both|up|down), exposure smoothing (a
  sample is the mean of the signal over `--exposure-us` before it), a
  clock error (`--clock-ppm`: the sensor's slots are that much shorter);
  quantised to the ILD1420's counts.

Truth (FILE.truth, key=value): depth is the deepest point the tips reach in
each stroke, ringing included, found on a 2 us grid refined to 0.1 us; drift and spikes are
the sensor's and not in it. freq_hz is strokes per true second over the
record; rate_start_hz / rate_end_hz the instantaneous rate at its ends.
FILE.strokes lists every stroke whose peak lies in the record:
peak_time_s,depth_um,lobe.
"""
import argparse
import math
import random

X_MAX = 65520


def cycloid(t):
    """Cycloidal motion from 0 to 1 for t in [0, 1]."""
    t = min(max(t, 0.0), 1.0)
    return t - math.sin(2 * math.pi * t) / (2 * math.pi)


class Pen:
    def __init__(self, a, rng):
        self.a = a
        self.f0 = a.freq
        self.T = a.seconds
        self.wander = [(rng.uniform(0.3, 1.5), rng.uniform(0, 2 * math.pi), a.wander / math.sqrt(1.5))
                       for _ in range(3)]

    def phase(self, t):
        """Strokes (or cam revolutions x 2) since t = 0: analytic."""
        a, f0 = self.a, self.f0
        if t < 0:       # before the record: the pen ran at its first speed
            return self.rate(0.0, 0.0) * t
        ph = f0 * t
        if a.start_frac < 1.0:
            tau = a.start_tau
            ph -= f0 * (1 - a.start_frac) * tau * (1 - math.exp(-t / tau))
        if a.step_factor != 1.0 and t > a.step_at:
            d, k, ts = t - a.step_at, a.step_factor, a.step_tau
            ph += f0 * (k - 1) * (d - (ts * (1 - math.exp(-d / ts)) if ts > 0 else 0))
        if a.chirp:
            ph += f0 * a.chirp * (t * t / (2 * self.T) - t / 2)
        for fw, p, amp in self.wander:
            ph += f0 * amp * (math.cos(p) - math.cos(2 * math.pi * fw * t + p)) / (2 * math.pi * fw)
        return ph

    def rate(self, t, h=1e-6):
        if h == 0:      # analytic at t = 0
            a, f0 = self.a, self.f0
            r = f0 * (a.start_frac if a.start_frac < 1.0 else 1.0)
            if a.chirp:
                r -= f0 * a.chirp / 2
            return r
        return (self.phase(t + h) - self.phase(max(t - h, 0.0)) * 1) / (t + h - max(t - h, 0.0))


def make_strokes(a, rng, n_strokes):
    """Per-stroke peak extension (before ringing), index by stroke."""
    out = []
    for k in range(n_strokes):
        sc = a.scatter_um * (rng.random() + rng.random() - 1) * math.sqrt(6)  # triangular, std = scatter
        lobe = k % 2
        out.append(a.depth_um + sc + (a.lobes_ddepth_um if lobe else 0.0))
    return out


def stroke_at(a, ph):
    """Stroke index and phase within it (0..1) for a pen phase ph."""
    d = a.lobes_dperiod
    if d == 0:
        k = math.floor(ph)
        return k, ph - k
    rev = ph / 2.0
    r = math.floor(rev)
    u = rev - r
    la = 0.5 * (1 + d)
    if u < la:
        return 2 * r, u / la
    return 2 * r + 1, (u - la) / (1 - la)


def shape(a, u):
    adv, dw = a.advance, a.dwell
    if u < adv:
        return cycloid(u / adv)
    if u < adv + dw:
        return 1.0
    return 1.0 - cycloid((u - adv - dw) / (1 - adv - dw))


def stroke_start_time(pen, a, k, t_guess):
    """Time when stroke k starts (bisection on the phase)."""
    d = a.lobes_dperiod
    if d == 0:
        target = float(k)
    else:
        target = 2 * ((k // 2) + (0.5 * (1 + d) if k % 2 else 0.0))
    lo, hi = -1.0 - abs(t_guess), pen.T + 2.0 + abs(t_guess)
    for _ in range(64):
        mid = (lo + hi) / 2
        if pen.phase(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--format", choices=("ild1420", "csv"), default="csv")
    ap.add_argument("--rate", type=float, default=4000.0)
    ap.add_argument("--freq", type=float, default=120.0)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--depth-um", type=float, default=1500.0)
    ap.add_argument("--stroke-um", type=float, default=1200.0)
    ap.add_argument("--advance", type=float, default=0.4)
    ap.add_argument("--dwell", type=float, default=0.0)
    ap.add_argument("--scatter-um", type=float, default=2.0)
    ap.add_argument("--wander", type=float, default=0.002)
    ap.add_argument("--start-frac", type=float, default=1.0)
    ap.add_argument("--start-tau", type=float, default=0.1)
    ap.add_argument("--step-factor", type=float, default=1.0)
    ap.add_argument("--step-at", type=float, default=1.0)
    ap.add_argument("--step-tau", type=float, default=0.01)
    ap.add_argument("--chirp", type=float, default=0.0)
    ap.add_argument("--lobes-dperiod", type=float, default=0.0)
    ap.add_argument("--lobes-ddepth-um", type=float, default=0.0)
    ap.add_argument("--ring-um", type=float, default=0.0)
    ap.add_argument("--ring-hz", type=float, default=3000.0)
    ap.add_argument("--ring-tau-ms", type=float, default=1.0)
    ap.add_argument("--noise-um", type=float, default=1.5)
    ap.add_argument("--drift-um", type=float, default=0.0)
    ap.add_argument("--spike-frac", type=float, default=0.0)
    ap.add_argument("--spike-um", default="50:200")
    ap.add_argument("--spike-sign", choices=("both", "up", "down"), default="both")
    ap.add_argument("--exposure-us", type=float, default=0.0)
    ap.add_argument("--clock-ppm", type=float, default=0.0)
    ap.add_argument("--zero-mm", type=float, default=5.0)
    ap.add_argument("--range-mm", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed * 7919 + 17)
    pen = Pen(a, rng)
    n = int(a.seconds * a.rate)
    slot_s = 1.0 / (a.rate * (1 + a.clock_ppm * 1e-6))   # true seconds per slot
    t_end = (n - 1) * slot_s
    n_strokes = int(pen.phase(t_end + 0.05) / (1 if a.lobes_dperiod == 0 else 1)) + 4
    depth = make_strokes(a, rng, n_strokes)
    trough = a.depth_um - a.stroke_um
    ring_w = 2 * math.pi * a.ring_hz
    ring_tau = a.ring_tau_ms * 1e-3
    impact_u = a.advance / 2
    starts = {}

    def start_of(k, t):
        if k not in starts:
            starts[k] = stroke_start_time(pen, a, k, t)
        return starts[k]

    def impact_time(k, t):
        """When stroke k's tips pass the middle of their advance."""
        t0 = start_of(k, t)
        t1 = start_of(k + 1, t0 + 1.0 / a.freq)
        return t0 + impact_u * (t1 - t0)    # phase is near-linear within a stroke

    def ext(t):
        """Extension of the tips at true time t, um (no sensor effects)."""
        k, u = stroke_at(a, pen.phase(t))
        x = trough + (depth[k] - trough) * shape(a, u) if k >= 0 else trough
        if a.ring_um and k >= 0:
            # ringing of this stroke's impact, and what is left of the last one's
            for kk in (k, k - 1):
                if kk < 0:
                    continue
                ti = impact_time(kk, t)
                if t >= ti:
                    d = t - ti
                    x += a.ring_um * math.exp(-d / ring_tau) * math.sin(ring_w * d)
        return x

    lo_s, hi_s = (float(v) for v in a.spike_um.split(":"))
    srng = random.Random(a.seed * 104729 + 3)  # spikes apart: a spike-free twin has the same noise
    exp_s = a.exposure_us * 1e-6
    n_exp = max(1, int(math.ceil(exp_s / 5e-6))) if exp_s > 0 else 1
    out = bytearray() if a.format == "ild1420" else ["slot,dist_mm,status\n"]
    for i in range(n):
        t = i * slot_s
        if n_exp > 1:
            x = sum(ext(t - exp_s * (j + 0.5) / n_exp) for j in range(n_exp)) / n_exp
        else:
            x = ext(t)
        tt = t / t_end if t_end > 0 else 0
        x += a.drift_um * (0.5 * tt + 0.5 * tt * tt)
        x += rng.gauss(0, a.noise_um)
        if a.spike_frac and srng.random() < a.spike_frac:
            s = srng.uniform(lo_s, hi_s)
            sign = {"up": 1, "down": -1}.get(a.spike_sign, srng.choice((-1, 1)))
            x += sign * s
        dist = a.zero_mm - x / 1000.0
        q = int(math.floor((dist / a.range_mm * 100.0 + 1.0) * X_MAX / 102.0 + 0.5))
        q = min(max(q, 0), X_MAX)
        if a.format == "ild1420":
            out += bytes((q & 0x3F, 0x40 | ((q >> 6) & 0x3F), 0x80 | ((q >> 12) & 0x3F)))
        else:
            out.append("%d,%.6f,0\n" % (i, (q * 102.0 / X_MAX - 1.0) * a.range_mm / 100.0))
    # closed here, not when the file object is collected: pypy3 collects
    # late, and at exit it lost the end of the file (tests/lib.sh: GEN_PY)
    if a.format == "ild1420":
        with open(a.out, "wb") as f:
            f.write(out)
    else:
        with open(a.out, "w") as f:
            f.writelines(out)

    # Truth: each stroke whose peak lies in the record, its deepest point on
    # a 0.5 us grid around the shape's peak (ringing moves it).
    rows = []
    k = stroke_at(a, pen.phase(0.0))[0]
    while True:
        t0 = start_of(k, (k + 0.5) / a.freq)
        t1 = start_of(k + 1, t0 + 1.0 / a.freq)
        if t0 > t_end:
            break
        P = t1 - t0
        tp = t0 + (a.advance + a.dwell / 2) * P
        if 0 <= tp <= t_end:
            if a.ring_um:
                w0 = tp - (a.advance / 2) * P
                w1 = min(tp + (a.dwell + 0.25 * (1 - a.advance - a.dwell)) * P, t1)
                best = max((ext(w0 + j * 2e-6), w0 + j * 2e-6) for j in range(int((w1 - w0) / 2e-6) + 1))
                tb = best[1]
                best = max((ext(tb + j * 0.1e-6), tb + j * 0.1e-6) for j in range(-25, 26))
                rows.append((best[1], best[0], k % 2))
            else:
                rows.append((tp, depth[k], k % 2))
        k += 1
    ds = [r[1] for r in rows]
    m = sum(ds) / len(ds)
    sd = math.sqrt(sum((d - m) ** 2 for d in ds) / (len(ds) - 1))
    freq = (pen.phase(t_end) - pen.phase(0.0)) / t_end
    with open(a.out + ".truth", "w") as f:
        f.write("generator=physics_capture\nrate_hz=%g\nzero_mm=%g\nrange_mm=%g\n" % (a.rate, a.zero_mm, a.range_mm))
        f.write("strokes=%d\ndepth_mean_um=%.6f\ndepth_std_um=%.6f\nfreq_hz=%.9f\n" % (len(ds), m, sd, freq))
        f.write("depth_min_um=%.6f\ndepth_max_um=%.6f\n" % (min(ds), max(ds)))
        f.write("rate_start_hz=%.6f\nrate_end_hz=%.6f\n" % (pen.rate(0.0), pen.rate(t_end)))
        f.write("drift_um=%g\n" % a.drift_um)
        if a.lobes_dperiod:
            for lobe in (0, 1):
                dl = [r[1] for r in rows if r[2] == lobe]
                f.write("lobe%d_depth_um=%.6f\n" % (lobe, sum(dl) / len(dl)))
    with open(a.out + ".strokes", "w") as f:
        f.write("peak_time_s,depth_um,lobe\n")
        for r in rows:
            f.write("%.7f,%.4f,%d\n" % r)


if __name__ == "__main__":
    main()
