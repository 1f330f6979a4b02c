#!/usr/bin/env python3
"""ring_info_probe.py FS SEED [SEED...]

How much of a ringing draw's ring is in the signal (blind_hunt.py's
`ringing` draws, blind_capture.py's physics), with no engine involved:

  g        the exposure box's gain at the ring's frequency, sinc(f tau)
  ring     the depth the ring adds (the noiseless truth less the same
           capture's truth without a ring)
  boxed    how far the highest point of the boxed, noiseless top lies
           under the truth (strokes 100..109, or ten from the middle of a
           shorter record: the most a model-free
           reading of the fold can show)
  bound    the least k = 2 uncertainty of the depth from a fit of the
           generator's own ring model (a damped sine from the impact; its
           size, frequency, decay and start free, a cubic top over the
           ring's span) to every sample over the ring, the noise and the
           strokes' scatter as white noise of their rms (Cramer-Rao: no
           fit of this record does better, one that does not know the
           ring's form does worse)
  offsets free  the same with each stroke's own offset free (its scatter
           fitted out), the noise alone as white

A bound above 1 um says the issue's "within 1 um at 4 kHz" is out of reach
for that record, whatever the engine does. Python standard library only;
about 30 s a seed. (GLINT, session 22.)
"""
import math
import os
import random
import sys
from bisect import bisect_right

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blind_capture as bc  # noqa: E402
import blind_hunt as bh  # noqa: E402


def solve(a, b):
    n = len(a)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def params(fs, seed):
    p = dict(bc.DEFAULTS)
    p.update(bh.draw("ringing", fs, seed))
    return p


def box_weights(exp_s):
    """The generator's box: the trapezoid over nexp + 1 grid points."""
    if exp_s <= 0:
        return [(0.0, 1.0)]
    n = max(1, int(math.ceil(exp_s / bc.GRID_S)))
    return [(exp_s * m / n, (0.5 if m in (0, n) else 1.0) / n) for m in range(n + 1)]


def truth_gain(p):
    q = dict(p, noise_um=0.0, scatter_um=0.0, jitter_us=0.0, spike_p=0.0, err_p=0.0)
    _, t1 = bc.make(q)
    _, t0 = bc.make(dict(q, ring_um=0.0))
    return t1["depth_mean_um"], t1["depth_mean_um"] - t0["depth_mean_um"]


def boxed_top(p, truth):
    q = dict(p, noise_um=0.0, scatter_um=0.0, jitter_us=0.0)
    pen = bc.Pen(q, random.Random(q["seed"]))
    box = box_weights(q["exposure_us"] * 1e-6)
    off = q["depth_um"] - q["travel_um"]
    top = []
    # ten strokes from the middle of the record (100..109 when it has them:
    # a short slow record, 86 strokes of 52 Hz, has no stroke 100)
    k0 = min(100, max(0, (len(pen.imp_t) - 1) // 2 - 5))
    for k in range(k0, min(k0 + 10, len(pen.imp_t) - 1)):
        t, t1, best = pen.imp_t[k] - 1e-3, pen.imp_t[k + 1] - 1e-3, -1e18
        while t < t1:
            best = max(best, sum(w * pen.e(t - d) for d, w in box))
            t += 5e-6
        top.append(best + off)
    return sum(top) / len(top) - truth


def bound(p, gain):
    """k = 2 Cramer-Rao bound of the depth (um) through the ring's size."""
    pen = bc.Pen(p, random.Random(p["seed"]))
    exp_s = p["exposure_us"] * 1e-6
    box = box_weights(exp_s)
    tau, f0, a0 = p["ring_tau_ms"] * 1e-3, p["ring_hz"], p["ring_um"]

    def ring(tk, f, tr):
        acc = 0.0
        for dt, w in box:
            t = tk - dt
            k = bisect_right(pen.imp_t, t) - 1
            for q in (k, k - 1):
                if q >= 0:
                    d = t - pen.imp_t[q]
                    acc += (w * pen.ring_amp[pen.imp_j[q]] * math.exp(-d / tr) *
                            math.sin(2 * math.pi * f * d))
        return p["ring_sign"] * acc

    ph = random.Random(p["seed"]).random()  # not the generator's phase: any
    rows = []
    for k in range(int(p["secs"] * p["fs"]) - 1):
        tk = (k + ph) / p["fs"] + 1e-3 + exp_s
        i = bisect_right(pen.imp_t, tk) - 1
        if i < 0 or tk - pen.imp_t[i] > 6 * tau + exp_s:
            continue
        x = (tk - pen.imp_t[i]) * 1e3
        rows.append([i, ring(tk, f0, tau) / a0,
                     (ring(tk, f0 + 5, tau) - ring(tk, f0 - 5, tau)) / 10,
                     (ring(tk, f0, tau * 1.01) - ring(tk, f0, tau * 0.99)) / (0.02 * tau),
                     (ring(tk + 2e-6, f0, tau) - ring(tk - 2e-6, f0, tau)) / 4e-6,
                     1.0, x, x * x, x ** 3])

    def k2(rows, cols, sig):
        fisher = [[sum(r[a] * r[b] for r in rows) for b in cols] for a in cols]
        var_a = solve(fisher, [1.0] + [0.0] * (len(cols) - 1))[0]
        return 2 * sig * math.sqrt(var_a) * abs(gain) / a0

    white = k2(rows, range(1, 9), math.hypot(p["noise_um"], p["scatter_um"]))
    # each stroke's own offset free (the scatter): the columns less their
    # mean over the stroke's samples; the noise alone is left
    groups = {}
    for r in rows:
        groups.setdefault(r[0], []).append(r)
    dm = []
    for g in groups.values():
        mean = [sum(r[c] for r in g) / len(g) for c in range(9)]
        dm += [[r[c] - mean[c] for c in range(9)] for r in g if len(g) > 1]
    return white, k2(dm, [1, 2, 3, 4, 6, 7, 8], p["noise_um"])


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    fs = float(sys.argv[1])
    print("| seed | ring | tau_r | exposure | g | noise, scatter | ring adds | boxed top | bound (k = 2) | offsets free |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in sys.argv[2:]:
        p = params(fs, int(s))
        x = math.pi * p["ring_hz"] * p["exposure_us"] * 1e-6
        g = math.sin(x) / x if x else 1.0
        truth, gain = truth_gain(p)
        print("| %s | %.1f um at %g Hz | %.2f ms | %g us | %+.3f | %.2f, %.2f um | %+.2f um | %+.2f um | %.2f um | %.2f um |" % (
            (s, p["ring_um"], p["ring_hz"], p["ring_tau_ms"], p["exposure_us"], g,
             p["noise_um"], p["scatter_um"], gain, boxed_top(p, truth)) + bound(p, gain)), flush=True)


if __name__ == "__main__":
    main()
