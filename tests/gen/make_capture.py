#!/usr/bin/env python3
"""make_capture.py - independent synthetic laser captures with ground truth
for `rig analyze` acceptance tests (python3 standard library only).

Deliberately a different model from the C generator (tests/support/capgen.c):
stroke shapes are a Fourier series or smoothstep splines, the speed wander is
a sum of slow random sinusoids plus a random walk, per-stroke scatter moves
the whole stroke and is uniform, the noise is Gaussian from Python's own RNG.

Writes FILE (raw ILD1420 bytes L, M, H per value, or the trace CSV
"slot,dist_mm,status") and FILE.truth (key=value lines: depth_mean_um,
depth_std_um, freq_hz, strokes, ...).
"""
import argparse
import math
import random

MR_DEFAULT = 10.0
X_MAX = 65520


def smoothstep(t):
    t = min(max(t, 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


def make_shape(kind, rng):
    """Return s(u) for u in [0,1): 0 at the trough, 1 at the peak."""
    if kind == "fourier":
        # a few harmonics with random phases, normalised on a fine grid
        harm = [(1, 1.0, 0.0)] + [(k, rng.uniform(0.05, 0.25) / k, rng.uniform(0, 2 * math.pi))
                                  for k in (2, 3, 4)]

        def raw(u):
            return sum(a * math.cos(2 * math.pi * k * u + p) for k, a, p in harm)
        grid = [raw(i / 20000.0) for i in range(20000)]
        lo, hi = min(grid), max(grid)
        # refine the maximum (the truth must be the true peak, not a grid point)
        i = grid.index(hi)
        a, b = (i - 1) / 20000.0, (i + 1) / 20000.0
        for _ in range(60):
            m1, m2 = a + (b - a) / 3, b - (b - a) / 3
            if raw(m1) < raw(m2):
                a = m1
            else:
                b = m2
        hi = raw((a + b) / 2)
        # a stroke starts at its trough: that is where one stroke's depth
        # scatter hands over to the next
        u0 = grid.index(lo) / 20000.0
        return lambda u: (raw(u + u0) - lo) / (hi - lo)
    if kind == "spline-cam":      # fast advance 22 %, slow retract
        return lambda u: smoothstep(u / 0.22) if u < 0.22 else 1.0 - smoothstep((u - 0.22) / 0.78)
    if kind == "spline-dwell":    # advance 25 %, plateau 30 %, retract 45 %
        def s(u):
            if u < 0.25:
                return smoothstep(u / 0.25)
            if u < 0.55:
                return 1.0
            return 1.0 - smoothstep((u - 0.55) / 0.45)
        return s
    raise SystemExit("unknown shape " + kind)


def encode(value18):
    return bytes((value18 & 0x3F, 0x40 | ((value18 >> 6) & 0x3F), 0x80 | ((value18 >> 12) & 0x3F)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--format", choices=("ild1420", "csv"), default="ild1420")
    ap.add_argument("--shape", default="fourier", choices=("fourier", "spline-cam", "spline-dwell"))
    ap.add_argument("--rate", type=float, default=4000.0)
    ap.add_argument("--freq", type=float, default=150.0)
    ap.add_argument("--depth-um", type=float, default=1500.0)
    ap.add_argument("--stroke-um", type=float, default=1500.0)
    ap.add_argument("--zero-mm", type=float, default=5.0)
    ap.add_argument("--range-mm", type=float, default=MR_DEFAULT)
    ap.add_argument("--noise-um", type=float, default=2.0)
    ap.add_argument("--wander", type=float, default=0.003, help="relative speed wander (std)")
    ap.add_argument("--scatter-um", type=float, default=3.0, help="per-stroke depth std")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lost-bytes", type=int, default=0, help="drop this many random bytes")
    ap.add_argument("--stray-bytes", type=int, default=0, help="insert random bytes between values")
    ap.add_argument("--error-run", default="", help="START:LEN:CODE sensor error values")
    a = ap.parse_args()

    rng = random.Random(a.seed)
    shape = make_shape(a.shape, rng)
    n = int(a.seconds * a.rate)
    dt = 1.0 / a.rate
    # wander: three slow sinusoids and a mean-reverting random walk
    sines = [(rng.uniform(0.2, 2.0), rng.uniform(0, 2 * math.pi)) for _ in range(3)]
    amp = a.wander / math.sqrt(3 * 0.5 + 0.5)
    walk, walk_sd = 0.0, amp * math.sqrt(2 * dt / 0.5)
    phase = rng.random()
    phase0 = phase
    stroke = math.floor(phase)
    half = a.scatter_um * math.sqrt(3.0)      # uniform with the given std
    sc = rng.uniform(-half, half)
    peaks = []
    # peak phase of this shape, found numerically
    pk_u = max((shape(i / 4000.0), i / 4000.0) for i in range(4000))[1]
    counted = (phase - math.floor(phase)) > pk_u
    err_start = err_len = err_code = 0
    if a.error_run:
        err_start, err_len, err_code = (int(v) for v in a.error_run.split(":"))
    out = bytearray() if a.format == "ild1420" else []
    for k in range(n):
        t = k * dt
        if k:
            speed = 1.0 + sum(amp * math.sin(2 * math.pi * f * t + p) for f, p in sines) + walk
            phase += a.freq * speed * dt
            walk += -walk * dt / 0.5 + walk_sd * rng.gauss(0, 1)
        while math.floor(phase) > stroke:
            stroke += 1
            sc = rng.uniform(-half, half)
            counted = False
        u = phase - math.floor(phase)
        if not counted and u >= pk_u:
            peaks.append(a.depth_um + sc)
            counted = True
        ext_um = a.depth_um + sc - a.stroke_um * (1.0 - shape(u)) + rng.gauss(0, a.noise_um)
        dist = a.zero_mm - ext_um / 1000.0
        x = int(math.floor((dist / a.range_mm * 100.0 + 1.0) * X_MAX / 102.0 + 0.5))
        x = min(max(x, 0), X_MAX)
        is_err = err_len and err_start <= k < err_start + err_len
        if a.format == "ild1420":
            out += encode(err_code if is_err else x)
        else:
            if is_err:
                out.append("%d,,%d\n" % (k, 3))   # LASER_ERR_NO_PEAK
            else:
                out.append("%d,%.6f,0\n" % (k, (x * 102.0 / X_MAX - 1.0) * a.range_mm / 100.0))
    if a.format == "ild1420":
        for _ in range(a.lost_bytes):
            del out[rng.randrange(len(out))]
        for _ in range(a.stray_bytes):
            pos = 3 * rng.randrange(1, len(out) // 3)   # between values
            out[pos:pos] = bytes((rng.randrange(256),))
        with open(a.out, "wb") as f:
            f.write(out)
    else:
        with open(a.out, "w") as f:
            f.write("slot,dist_mm,status\n")
            f.writelines(out)
    m = sum(peaks) / len(peaks)
    sd = math.sqrt(sum((p - m) ** 2 for p in peaks) / (len(peaks) - 1))
    freq = (phase - phase0) / ((n - 1) * dt)
    with open(a.out + ".truth", "w") as f:
        f.write("shape=%s\nrate_hz=%g\nzero_mm=%g\nrange_mm=%g\n" % (a.shape, a.rate, a.zero_mm, a.range_mm))
        f.write("strokes=%d\ndepth_mean_um=%.6f\ndepth_std_um=%.6f\nfreq_hz=%.9f\n" % (len(peaks), m, sd, freq))


if __name__ == "__main__":
    main()
